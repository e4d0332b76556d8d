"""Corrected commands: what the user meant when the command itself was wrong. Kinds of the `run` action
(fixes/command.py lists them), each a planner of one kind of slip:

    closest-executable  `gti status` -> `git status`; `gradle build` -> `./gradlew build` (the wrapper is here);
                        `main` -> `./main` (a program in this directory)
    did-you-mean        the tool's own suggestion (`git stauts`, `cargo buid`, `terraform appyl`, `pip instal`),
                        else the nearest name the tool or the project lists: Makefile targets (read, never run),
                        package.json scripts, Maven phases, Gradle tasks, a tool's subcommands
    mkdir-parents       `mkdir a/b/c` -> `mkdir -p a/b/c`; `touch a/b/c` -> suggest `mkdir -p a/b`
    run-first           what the failure says to run first (`terraform init`, `vagrant up`, a login, pending
                        migrations): journaled, then the command runs again
    shell-line          a builtin (`cd`), or a shell line given as one word or with `&&` as a word: suggest
                        `heal -- sh -c '...'` (heal.fixes.shell_line: its playbook is planned for every failure)
    not-as-root         a tool that refuses root under sudo: the command without sudo
    port-in-use         the process that holds the port, named (a suggestion; heal never kills anything)
    tool-hint           a command the tool's own message asks for, in a shape heal checks (pip's `--user`, a
                        command-not-found handler's install line, `mvn clean package` when no goal was given)

Nothing here trusts the output with a command: a name read from it must look like one (`NAME`: one word, no
leading dash) and, where heal can read the list the tool or the project keeps, be in it; a program must be
on PATH or in this directory; and no proposal ever holds sudo, --force, --no-verify, rm or kill (`unsafe`).
Commands that install system-wide or need a human (a login) are suggested or always asked, never run on --yes.
rapidfuzz is imported only when a list is searched.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from heal import rx
from heal.fixes.model import Fix, PlanContext
from heal.lazyre import lazy

# One word a tool or a project may name: a subcommand, target, phase, task, script, package.
NAME = lazy(r"[A-Za-z0-9][A-Za-z0-9._:-]*")
# What a corrected command may never hold, whatever the user typed or a tool suggested.
_PRIVILEGE = frozenset({"sudo", "doas", "su", "pkexec", "run0", "runas"})
_DESTROY = frozenset({"rm", "rmdir", "rmi", "unlink", "shred", "kill", "killall", "pkill", "skill", "xkill", "dd",
                      "wipefs", "mkfs", "fdisk", "sfdisk", "parted", "reboot", "shutdown", "halt", "poweroff",
                      "truncate", "prune", "delete", "destroy", "purge"})
_FORCE_SHORT = frozenset({"git", "npm", "pnpm", "yarn", "cp", "mv", "ln"})  # where -f means --force
# Programs a name typed wrong is never corrected to: they destroy, move over, or change who runs what.
_NEVER_CLOSEST = _PRIVILEGE | _DESTROY | {"mv", "cp", "ln", "install", "chmod", "chown", "chgrp", "passwd",
                                          "userdel", "usermod", "crontab", "systemctl", "init", "telinit", "mount",
                                          "umount", "swapoff", "fsck", "iptables", "nft", "format", "at", "batch"}
# Managers that install for the whole system: their commands are said, never run (DESIGN: system-wide actions).
_SYSTEM = frozenset({"brew", "apt", "apt-get", "dnf", "yum", "pacman", "zypper", "apk", "snap", "port", "choco",
                     "winget", "scoop", "nix-env", "flatpak", "emerge", "pkg"})
# Programs that run the rest of their arguments as the command (kept in front of a correction).
_WRAPPERS = frozenset({"env", "nice", "nohup", "time", "command", "exec", "stdbuf", "ionice", "heal"})
_ASSIGN = lazy(r"[A-Za-z_][A-Za-z0-9_]*=")


def _which(program: str) -> str | None:
    from heal.lean import which  # shutil's, without shutil's imports (~2 ms of every failure)

    return which(program)


def unsafe(argv: Sequence[str]) -> str:
    """Why argv may not be proposed ("" when it may): privilege, force, skipped hooks, removal, killing."""
    words = list(argv)
    if not words:
        return "empty command"
    program = os.path.basename(words[0])
    for w in words:
        base = os.path.basename(w)
        if base in _PRIVILEGE:
            return f"{base}: heal never proposes a privileged command"
        if w.startswith("--force") or w == "--no-verify" or w == "--hard":
            return f"{w}: heal never proposes it"
        if base in _DESTROY or base.startswith(("mkfs.", "mkfs")):
            return f"{w}: heal never proposes a command that removes or kills"
        if program in _FORCE_SHORT and rx.fullmatch(r"-[A-Za-z]*f[A-Za-z]*", w) and not w.startswith("-F"):
            return f"{w} of {program} forces: heal never proposes it"
    return ""


def program_index(argv: Sequence[str]) -> int | None:
    """Where the program is in argv, past `VAR=value` and the wrappers heal looks through (`env X=1 gti`);
    None when there is none, or when it runs under sudo (a correction would be a privileged command)."""
    i = 0
    while i < len(argv):
        word = argv[i]
        if _ASSIGN.match(word):
            i += 1
            continue
        base = os.path.basename(word)
        if base in _PRIVILEGE:
            return None
        if base in _WRAPPERS:
            i += 1
            while i < len(argv) and argv[i].startswith("-"):
                i += 1
            continue
        return i
    return None


def plausible(word: str) -> bool:
    return bool(NAME.fullmatch(word))


def _line(argv: Sequence[str]) -> str:
    from heal.shellwords import join

    return join(argv)


def _corrected(argv: Sequence[str], what: str, source: str, confidence: float, *, advice: bool = False,
               ask: bool = False, cwd: str = ".") -> Fix | None:
    """The corrected command as a fix: run (it becomes the command) or, for what heal does not run itself, a
    suggestion. None when it is unsafe. A correction that may change or destroy something (see consequential)
    is always asked on a terminal, even with --yes, and only suggested without one: heal runs a guessed
    command on its own only where a wrong guess costs nothing."""
    argv = tuple(argv)
    if unsafe(argv):
        return None
    i = program_index(argv)
    if advice or i is None or os.path.basename(argv[i]) in _SYSTEM or installs(argv[i:], cwd):
        return Fix("suggest", what, argv, risk="medium", source=source, confidence=confidence)
    ask = ask or bool(consequential(argv[i:]))
    return Fix("run", what, argv, new_command=argv, risk="medium" if ask else "low", source=source,
               confidence=confidence, ask=ask)


# Words that, anywhere in a corrected subcommand, script or target, mean it may change or destroy something
# (`deploy-prod`, `db:reset`, `clean`, `release`): such a guess is confirmed by a person, never by --yes.
_CONSEQUENTIAL = ("publish", "deploy", "release", "upload", "yank", "deprecate", "promote", "prod", "reset",
                  "clean", "clear", "drop", "delete", "destroy", "remove", "purge", "prune", "wipe", "force",
                  "migrate", "rollback", "restore", "revert", "checkout", "switch", "rebase", "merge", "push",
                  "truncate", "erase", "kill", "stop", "down", "install", "upgrade", "update", "apply", "format",
                  "overwrite", "commit", "tag", "sign", "send", "pay", "transfer")
# git subcommands that only read: a correction to one of these costs nothing if it was not what was meant.
_GIT_READ_ONLY = frozenset({"status", "log", "diff", "show", "fetch", "describe", "blame", "grep", "ls-files",
                            "ls-remote", "shortlog", "reflog", "whatchanged", "help", "version", "remote", "branch",
                            "tag", "config", "rev-parse", "show-ref", "cat-file", "count-objects", "fsck"})
_GIT_WRITE_OPTIONS = ("-d", "-D", "--delete", "-m", "-M", "--move", "-c", "-C", "--copy", "-u", "--set-upstream-to",
                      "--unset-upstream", "-a", "--add", "--unset", "--unset-all", "--replace-all", "rename",
                      "remove", "rm", "add", "set-url", "prune", "set-head", "--global", "--system")


def consequential(argv: Sequence[str]) -> str:
    """Why running this guessed command may cost something ("" when a wrong guess is harmless)."""
    words = [w.lower() for w in argv[1:] if not w.startswith("-")]
    for w in words[:2]:
        hit = next((c for c in _CONSEQUENTIAL if c in w), None)
        if hit:
            return f"'{w}' may change or remove something"
    if os.path.basename(argv[0]) == "git":
        sub = next((w for w in argv[1:] if not w.startswith("-")), "")
        if sub not in _GIT_READ_ONLY or any(a in _GIT_WRITE_OPTIONS for a in argv[2:]):
            return f"git {sub} changes the repository or the work tree"
    return ""


def installs(argv: Sequence[str], cwd: str = ".") -> bool:
    """A package install outside a project environment (a system or user-wide pip, `npm -g`, gem, cargo or go
    install): DESIGN's system-wide actions, said and never run. (Into a virtualenv, a corrected `pip install`
    is the user's own request: asked like any install.)"""
    words = [os.path.basename(argv[0]), *argv[1:]]
    program = argv[0]
    if words[0].startswith(("python", "pypy")) and words[1:3] == ["-m", "pip"]:
        words = ["pip", *words[3:]]
    sub = next((w for w in words[1:] if not w.startswith("-")), "")
    if words[0] in ("pip", "pip3") and sub in ("install", "uninstall"):
        found = os.path.join(cwd, program) if "/" in program else _which(program)
        bin_dir = os.path.dirname(os.path.abspath(found)) if found else ""
        return not (bin_dir and os.path.isfile(os.path.join(os.path.dirname(bin_dir), "pyvenv.cfg")))
    if words[0] in ("pipx", "gem", "cargo", "go") and sub in ("install", "uninstall"):
        return True
    return words[0] in ("npm", "pnpm", "yarn", "bun") and sub in ("install", "i", "add") and \
        any(w in ("-g", "--global") for w in words)


# --- the nearest name in a list ----------------------------------------------------------------------------

def max_distance(word: str) -> int:
    """How many edits a typo of a word this long may hold: one in a short name (`gti`, `tset`), two from 6
    letters (`pyhton` is one: a swap), three from 9 (`instardebug`)."""
    return 1 if len(word) <= 5 else 2 if len(word) <= 8 else 3


def closest(word: str, names: Sequence[str], *, preferred: frozenset[str] | set[str] = frozenset(),
            fold_case: bool = False) -> tuple[str, int] | None:
    """(name, edits) of the name nearest to word (Damerau-Levenshtein: a swap is one edit), within
    max_distance; ties go to a name with the same first letter, then to a preferred (common) one, then to the
    earlier in `names` (lists are most-used first). None when nothing is near, or word is itself listed."""
    if not word or not names:
        return None
    from rapidfuzz.distance import DamerauLevenshtein
    from rapidfuzz.process import extract

    key = word.lower() if fold_case else word
    choices = [n.lower() for n in names] if fold_case else list(names)
    if key in choices:
        return None
    limit = max_distance(word)
    found = extract(key, choices, scorer=DamerauLevenshtein.distance, score_cutoff=limit, limit=None)
    ranked = sorted(((dist, choices[i][:1] != key[:1], names[i] not in preferred, i) for _, dist, i in found
                     if plausible(names[i]) and not unsafe([names[i]])))
    if not ranked:
        return None
    dist, _, _, i = ranked[0]
    return names[i], int(dist)


# --- closest-executable ------------------------------------------------------------------------------------

# A build tool that is not installed, whose wrapper script the project carries.
_PROJECT_WRAPPERS = {"gradle": "gradlew", "mvn": "mvnw", "sbt": "sbtw"}


def closest_executable(ctx: PlanContext, source: str, risk: str) -> Fix | None:
    facts = ctx.diagnosis.facts
    name = str(facts.get("command", ""))
    if not name or facts.get("shell_builtin") or facts.get("shell_syntax") or "/" in name:
        return None
    i = program_index(ctx.argv)
    if i is None or ctx.argv[i] != name:
        return None  # not the program the command ran (a script's own command): not heal's to rewrite
    here = _in_directory(ctx.cwd, name)
    if here is not None:
        argv = (*ctx.argv[:i], here, *ctx.argv[i + 1:])
        what = f"{name} is not on PATH, but {here} is here: {_line(argv)}"
        return _corrected(argv, what, source, 0.9)
    from heal.diagnose.rules.shell import KNOWN_TOOLS
    from heal.fixes.suggest import command_packages

    if name in KNOWN_TOOLS or name in command_packages():
        return None  # a tool that is not installed, not a slip: installing it is another fix
    found = closest_on_path(name)
    if found is None:
        return None
    target, dist = found
    argv = (*ctx.argv[:i], target, *ctx.argv[i + 1:])
    what = f"there is no program '{name}'; did you mean '{target}'? {_line(argv)}"
    # another program than the one typed (`tee0 h` is not `tee h`, which empties h): a person confirms it
    return _corrected(argv, what, source, 0.9 if dist == 1 else 0.6, ask=True)


def _in_directory(cwd: str, name: str) -> str | None:
    """`./gradlew` for gradle when the project has its wrapper, `./name` for a program in this directory."""
    wrapper = _PROJECT_WRAPPERS.get(name)
    if wrapper and os.path.isfile(os.path.join(cwd, wrapper)):
        return f"./{wrapper}"
    path = os.path.join(cwd, name)
    if os.path.isfile(path) and os.access(path, os.X_OK):
        return f"./{name}"
    return None


def closest_on_path(name: str) -> tuple[str, int] | None:
    """The executable on PATH nearest to a name that is not one (PATH read once, bounded: see path_names)."""
    from heal.diagnose.rules.shell import KNOWN_TOOLS, path_names

    names = sorted(n for n in path_names() if n not in _NEVER_CLOSEST and not n.startswith(("mkfs", "fsck"))
                   and abs(len(n) - len(name)) <= max_distance(name))
    while names:
        found = closest(name, names, preferred=KNOWN_TOOLS)
        if found is None:
            return None
        if _which(found[0]):
            return found
        names.remove(found[0])  # a file on PATH that is not executable (or a directory): the next one
    return None


# --- did-you-mean ------------------------------------------------------------------------------------------

_TYPED = ("command", "phase", "task", "target", "script", "package")


def did_you_mean(ctx: PlanContext, source: str, risk: str) -> Fix | None:
    facts = ctx.diagnosis.facts
    if facts.get("needed"):
        return None  # make: a prerequisite file nothing builds, not a target the user typed
    i = program_index(ctx.argv)
    if i is None:
        return None
    program = os.path.basename(ctx.argv[i])
    tool = _tool_name(ctx.argv, i)
    typed = next((str(facts[k]) for k in _TYPED if facts.get(k)), None)
    if typed is None:
        typed = next((a for a in ctx.argv[i + 1:] if not a.startswith("-")), None)  # npm 2: no name in the text
    if not typed or typed not in ctx.argv[i + 1:]:
        return None  # the word to replace must be the user's own, as typed
    j = ctx.argv.index(typed, i + 1)
    scripts = _scripts(ctx.cwd) if tool in ("npm", "yarn", "pnpm", "bun") else []
    if tool == "npm" and typed in scripts and "run" not in ctx.argv[i + 1:j] and "run-script" not in ctx.argv[i + 1:j]:
        # npm runs scripts only through `npm run` (but for test, start, stop, restart): the script is right
        return _replaced(ctx, j, ["run", typed], f"{typed} is a package.json script: npm runs it with npm run",
                         source, 0.9)
    suggestion = str(facts.get("suggestion") or "")
    script = closest(typed, scripts) if scripts and tool in ("npm", "yarn", "pnpm", "bun") else None
    if script is not None and (not suggestion or script[1] <= _distance(typed, suggestion)):
        # the project's own script beats the tool's guess among its commands (`npm tset`: test, not set)
        words = [script[0]] if tool != "npm" or script[0] in _NPM_DIRECT else ["run", script[0]]
        return _replaced(ctx, j, words, f"{program} has no command '{typed}'; the closest package.json script "
                         f"is '{script[0]}'", source, 0.8 if script[1] == 1 else 0.6, ask=script[1] > 1)
    if suggestion:
        words = suggestion.split()
        if not _valid_suggestion(words, tool, scripts):
            return None
        what = f"{program} has no {_noun(facts)} '{typed}'; it suggests '{suggestion}'"
        return _replaced(ctx, j, words, what, source, 0.9)
    names, whose = _listed(ctx, tool, scripts)
    found = closest(typed, names, fold_case=tool in ("gradle", "gradlew")) if names else None
    if found is None:
        return None
    best, dist = found
    what = f"{program} has no {_noun(facts)} '{typed}'; the closest {whose} lists is '{best}'"
    return _replaced(ctx, j, [best], what, source, 0.8 if dist == 1 else 0.6, ask=dist > 1)


_NPM_DIRECT = frozenset({"test", "start", "stop", "restart"})  # scripts npm runs without `run`


def _distance(a: str, b: str) -> int:
    from rapidfuzz.distance import DamerauLevenshtein

    return int(DamerauLevenshtein.distance(a, b))


def _tool_name(argv: Sequence[str], i: int) -> str:
    """The tool whose list applies: gradle for ./gradlew, pip for `python -m pip`."""
    name = os.path.basename(argv[i])
    if name in ("gradlew", "gradlew.bat"):
        return "gradle"
    if name in ("mvnw",):
        return "mvn"
    if rx.match(r"(?:python|pypy)[\d.]*$", name) and "-m" in argv[i + 1:i + 3]:
        k = argv.index("-m", i + 1)
        if k + 1 < len(argv):
            return argv[k + 1]
    return name


def _noun(facts) -> str:
    for key, noun in (("phase", "lifecycle phase"), ("task", "task"), ("target", "target"), ("script", "script"),
                      ("package", "package")):
        if facts.get(key):
            return noun
    return "command"


def _valid_suggestion(words: list[str], tool: str, scripts: list[str]) -> bool:
    """A tool's suggestion is one name; npm's is a command line (`run watch-test`): its first word one of
    npm's commands, the rest names the project lists."""
    if not words or not all(plausible(w) for w in words):
        return False
    if len(words) == 1:
        return True
    return words[0] in _table("commands").get(tool, ()) and all(w in scripts for w in words[1:])


def _replaced(ctx: PlanContext, j: int, words: list[str], what: str, source: str, confidence: float,
              ask: bool = False) -> Fix | None:
    argv = (*ctx.argv[:j], *words, *ctx.argv[j + 1:])
    return _corrected(argv, f"{what}: {_line(argv)}", source, confidence, ask=ask, cwd=ctx.cwd)


def _table(name: str) -> dict:
    from heal.patterns import table

    return table("subcommands").get(name, {})


def _listed(ctx: PlanContext, tool: str, scripts: list[str]) -> tuple[list[str], str]:
    """(the names the typed word should have been one of, whose list it is)."""
    if tool == "make":
        return make_targets(ctx.cwd, ctx.argv), "Makefile"
    if tool == "gradle":
        said = rx.search(r"Some candidates are: (.*)", ctx.output)
        if said:
            return rx.findall(r"'([^']+)'", said.group(1)), "Gradle"
        return _gradle_tasks(ctx.cwd), "Gradle's standard tasks"
    said = rx.search(r"where <command> is one of:\s*\n((?:[ \t]+[\w-]+,?[^\n]*\n?)+)", ctx.output)
    if said:  # npm before 7 lists its commands after an unknown one
        return rx.findall(r"[\w-]+", said.group(1)), tool
    commands = list(_table("commands").get(tool, ()))
    if scripts:
        return [*scripts, *commands], "package.json and " + tool
    return commands, tool


def _scripts(cwd: str) -> list[str]:
    import json

    try:
        with open(os.path.join(cwd, "package.json"), encoding="utf-8") as fh:
            scripts = json.load(fh).get("scripts") or {}
    except (OSError, ValueError, AttributeError):
        return []
    return [s for s in scripts if isinstance(s, str)] if isinstance(scripts, dict) else []


def _gradle_tasks(cwd: str) -> list[str]:
    tasks = list(_table("gradle").get("tasks", ()))
    builds = [os.path.join(cwd, d, f) for d in ("", "app") for f in ("build.gradle", "build.gradle.kts")]
    texts = []
    for path in builds:
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                texts.append(fh.read(200_000))
        except OSError:
            continue
    if not texts or any("com.android" in t for t in texts):
        tasks += _table("gradle").get("android", ())
    return tasks


# GNU make's rule lines: targets, then ':' or '::' (not ':=' nor '::='); special targets (.PHONY) and
# patterns (%.o) are not something to type.
_RULE = lazy(r"^([A-Za-z0-9_][^:=#\s]*(?:[ \t]+[A-Za-z0-9_][^:=#\s]*)*)[ \t]*::?(?!=)", rx.M)
_MAKEFILES = ("GNUmakefile", "makefile", "Makefile")


def make_targets(cwd: str, argv: Sequence[str] = ()) -> list[str]:
    """The targets a Makefile defines, read as text: make is never run to list them (a Makefile's $(shell)
    and its recipes are code). Follows `-f FILE` / `-C DIR` and the `include`s it can read."""
    directory, files = cwd, []
    args = list(argv)
    for k, a in enumerate(args):
        if a in ("-C", "--directory") and k + 1 < len(args):
            directory = os.path.join(cwd, args[k + 1])
        elif a in ("-f", "--file", "--makefile") and k + 1 < len(args):
            files.append(args[k + 1])
    if not files:
        files = [next((f for f in _MAKEFILES if os.path.isfile(os.path.join(directory, f))), "")]
    targets: list[str] = []
    seen: set[str] = set()
    queue = [os.path.join(directory, f) for f in files if f]
    while queue and len(seen) < 20:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                text = fh.read(1_000_000)
        except OSError:
            continue
        for m in _RULE.finditer(text):
            for t in m.group(1).split():
                if "%" not in t and "$" not in t and t not in targets:
                    targets.append(t)
        for inc in rx.findall(r"^-?include[ \t]+([^\n$]+)$", text, rx.M):
            queue += [os.path.join(directory, p) for p in inc.split()]
    return targets


# --- mkdir-parents -----------------------------------------------------------------------------------------

def mkdir_parents(ctx: PlanContext, source: str, risk: str) -> Fix | None:
    facts = ctx.diagnosis.facts
    path = str(facts.get("path", ""))
    i = program_index(ctx.argv)
    if not path or i is None:
        return None
    program = os.path.basename(ctx.argv[i])
    args = ctx.argv[i + 1:]
    if program == "mkdir":
        if any(a in ("-p", "--parents") or rx.fullmatch(r"-[a-zA-Z]*p[a-zA-Z]*", a) for a in args):
            return None
        # GNU names the directory it could not create, BSD the missing parent: either way one of the user's
        norm = os.path.normpath(path)
        if not any(os.path.normpath(a) == norm or os.path.normpath(a).startswith(norm + os.sep) for a in args):
            return None
        argv = (*ctx.argv[:i + 1], "-p", *args)
        what = f"a parent directory of {path} does not exist: {_line(argv)} creates them"
        made = [os.path.realpath(os.path.join(ctx.cwd, a)) for a in args if not a.startswith("-")]
        root = os.path.realpath(ctx.root)
        # directories outside the project are not heal's to create: said, not done
        inside = all(m == root or m.startswith(root + os.sep) for m in made)
        return _corrected(argv, what, source, 0.9, advice=not inside)
    if program not in ("touch", "cp", "mv", "ln", "install", "tee"):
        return None
    if program != "touch" and not any("cannot create" in line for line in ctx.diagnosis.evidence):
        return None  # cp's "cannot stat": the source is missing, not the destination's directory
    if path not in args and os.path.normpath(path) not in (os.path.normpath(a) for a in args):
        return None
    parent = os.path.dirname(os.path.normpath(path))
    where = parent if os.path.isabs(parent) else os.path.join(ctx.cwd, parent)
    if not parent or os.path.isdir(where):
        return None
    if parent.startswith("-"):
        parent = "./" + parent
    # A directory that is not there may be a typo in the path (src/compnents/): heal does not create it on its
    # own; it says how, and the command runs again once it exists.
    return Fix("suggest", f"the directory {parent} does not exist (check the path for a typo); to create it: "
               f"mkdir -p {_line([parent])}, then run the command again", ("mkdir", "-p", parent), risk="low",
               source=source, confidence=0.7)


# --- run-first ---------------------------------------------------------------------------------------------

# The commands a failure may ask to run first, by shape; the program must be the command's own tool.
_MIGRATE = lazy(r"(?:bin/rails|bin/rake|rails|rake) db:migrate(?: RAILS_ENV=[a-z]+)?|python3? manage\.py migrate")


def run_first(ctx: PlanContext, source: str, risk: str) -> Fix | None:
    said = str(ctx.diagnosis.facts.get("run_first") or "")
    i = program_index(ctx.argv)
    if not said or i is None:
        return None
    tool = os.path.basename(ctx.argv[i])
    words = said.split()
    ask = False
    if said in ("terraform init", "tofu init", "vagrant up"):
        if words[0] != tool:
            return None
        what = f"{said} first (the failure says so), then {_line(ctx.argv[i:i + 2])} again"
    elif _MIGRATE.fullmatch(said):
        ask = True  # it changes a database
        what = f"the database has pending migrations: {said} first, then the command again"
    else:
        from heal.diagnose.rules.other import LOGIN

        login = LOGIN.get(tool)
        if login is None or said != login[0]:
            return None
        ask = True  # a login needs a human at a terminal
        if tool == "docker":
            registry = _docker_registry(ctx.argv[i + 1:])
            if registry:
                words.append(registry)
        what = f"{tool} is not logged in (or the session expired): {' '.join(words)}, then the command again"
    argv = tuple(words)
    if unsafe(argv) or tuple(ctx.argv[i:]) == argv:
        return None
    program = argv[0]
    present = os.path.isfile(os.path.join(ctx.cwd, program)) if "/" in program else _which(program)
    if not present:
        return Fix("suggest", what, argv, risk="medium", source=source, confidence=0.7)
    from heal.journal.kinds import CommandChange

    return Fix("run", what, argv, change=CommandChange(argv, ctx.cwd, reason=what), risk="medium" if ask else "low",
               source=source, confidence=0.85, ask=ask)


def _docker_registry(args: Sequence[str]) -> str | None:
    """The registry of the image `docker push/pull` named (`registry.example:5000/team/app:1`), if not Docker
    Hub: `docker login` needs it. Read from the user's own command, and checked to be a host[:port]."""
    image = next((a for a in args if not a.startswith("-") and a not in ("push", "pull", "image", "run")), "")
    first = image.split("/")[0] if "/" in image else ""
    if first and ("." in first or ":" in first or first == "localhost") and \
            rx.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.-]*(?::\d{1,5})?", first):
        return first
    return None


# --- not-as-root -------------------------------------------------------------------------------------------

_SUDO_VALUED = frozenset({"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T", "--user", "--group",
                          "--chdir", "--host", "--prompt", "--role", "--type", "--other-user", "--command-timeout"})


def not_as_root(ctx: PlanContext, source: str, risk: str) -> Fix | None:
    if not ctx.diagnosis.facts.get("as_root") or not ctx.argv:
        return None
    if os.path.basename(ctx.argv[0]) not in ("sudo", "doas"):
        return None  # heal itself runs as root: nothing to take away
    k = 1
    while k < len(ctx.argv) and ctx.argv[k].startswith("-"):
        if ctx.argv[k] == "--":
            k += 1
            break
        k += 2 if ctx.argv[k] in _SUDO_VALUED else 1
    rest = ctx.argv[k:]
    if not rest or rest[0].startswith("-"):
        return None
    return _corrected(rest, f"{os.path.basename(rest[0])} refuses to run as root: without sudo, {_line(rest)}",
                      source, 0.85)


# --- port-in-use -------------------------------------------------------------------------------------------

def port_in_use(ctx: PlanContext, source: str, risk: str) -> Fix | None:
    port = ctx.diagnosis.facts.get("port")
    ports = [port] if isinstance(port, int) else _ports_in(ctx.argv)
    for port in ports:
        if not 0 < port < 65536:
            continue
        holder = port_holder(port)
        if holder is not None:
            pid, command = holder
            what = f"port {port} is already in use by pid {pid} ({command}): stop it, or use another port"
            return Fix("suggest", what, None, risk="low", source=source, confidence=0.8)
    return None  # no live holder heal can see: it may be going away (the retry is next)


def _ports_in(argv: Sequence[str]) -> list[int]:
    """Ports the command names (`http.server 8000`, `--port 3000`, `-p=5000`, `0.0.0.0:8080`), when the output
    does not say which: a guess that port_holder then checks against what really listens."""
    ports = []
    for k, a in enumerate(argv):
        m = rx.fullmatch(r"(?:--port=|-p=?|PORT=|[\w.-]*:)?(\d{2,5})", a)
        if m and (m.group(0) != m.group(1) or k > 0 and argv[k - 1] in ("--port", "-p", "--listen") or
                  int(m.group(1)) >= 1024):
            ports.append(int(m.group(1)))
    return ports[:3]


def port_holder(port: int) -> tuple[int, str] | None:
    """(pid, command line) of the process listening on a TCP port: /proc/net/tcp{,6} for the socket, then the
    /proc/<pid>/fd links for its owner (Linux); `lsof` elsewhere. None when heal cannot see it."""
    inodes = _listening_inodes(port)
    if inodes is None:
        return _lsof(port)
    if not inodes:
        return None
    wanted = {f"socket:[{inode}]" for inode in inodes}
    try:
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return None
    for pid in pids:
        fd_dir = f"/proc/{pid}/fd"
        try:
            fds = os.listdir(fd_dir)
        except OSError:
            continue  # another user's process, or gone
        for fd in fds:
            try:
                if os.readlink(f"{fd_dir}/{fd}") in wanted:
                    return pid, _cmdline(pid)
            except OSError:
                continue
    return None


def _listening_inodes(port: int) -> set[str] | None:
    """Inodes of the sockets listening on the port; None without /proc/net/tcp (not Linux)."""
    found: set[str] = set()
    seen_any = False
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table, encoding="ascii", errors="replace") as fh:
                lines = fh.read().splitlines()[1:]
        except OSError:
            continue
        seen_any = True
        for line in lines:
            parts = line.split()
            if len(parts) > 9 and parts[3] == "0A" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                found.add(parts[9])
    return found if seen_any else None


def _cmdline(pid: int) -> str:
    from heal.redact import redact_argv

    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            argv = [a.decode("utf-8", "replace") for a in fh.read().split(b"\0") if a]
    except OSError:
        return "?"
    return _printable(" ".join(redact_argv(argv)))[:160] or "?"


def _lsof(port: int) -> tuple[int, str] | None:
    import subprocess

    lsof = _which("lsof")
    if not lsof:
        return None
    try:
        out = subprocess.run([lsof, "-nP", f"-iTCP:{port}", "-sTCP:LISTEN", "-Fpc"], capture_output=True, text=True,
                             timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    pid = rx.search(r"^p(\d+)$", out, rx.M)
    name = rx.search(r"^c(.+)$", out, rx.M)
    return (int(pid.group(1)), _printable(name.group(1)) if name else "?") if pid else None


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in text)


# --- tool-hint ---------------------------------------------------------------------------------------------

_INSTALL_HINT = lazy(r"(?:^|\s)(?:sudo\s+)?(?P<line>nix-env -iA (?:nixos|nixpkgs)\.[A-Za-z0-9_.+-]+|"
                           r"(?:apt|apt-get|snap|dnf|yum|pacman -S|brew|pkg) install [A-Za-z0-9][A-Za-z0-9.+_-]*)\s*$",
                           rx.M)


def tool_hint(ctx: PlanContext, source: str, risk: str) -> Fix | None:
    facts = ctx.diagnosis.facts
    rule = ctx.diagnosis.rule
    i = program_index(ctx.argv)
    if rule == "pip.permission" and "`--user`" in ctx.output and i is not None:
        # pip's own words (it says them only outside a virtualenv): the user site instead of the system's
        tool = _tool_name(ctx.argv, i)
        if tool not in ("pip", "pip3") or "install" not in ctx.argv[i + 1:] or "--user" in ctx.argv:
            return None
        k = ctx.argv.index("install", i + 1)
        argv = (*ctx.argv[:k + 1], "--user", *ctx.argv[k + 1:])
        return _corrected(argv, "pip cannot write the system's site-packages and suggests --user: install into "
                          f"your user site (or use a virtual environment): {_line(argv)}", source, 0.7, advice=True)
    if rule == "maven.unknown_phase" and not facts.get("phase") and i is not None:
        argv = (*ctx.argv, "clean", "package")
        return _corrected(argv, "Maven needs a lifecycle phase or goal: the usual build is `mvn clean package` "
                          f"(or clean install): {_line(argv)}", source, 0.6, advice=True)
    if rule in ("deps.not_installed_hint", "shell.command_not_found"):
        m = None
        for m in _INSTALL_HINT.finditer(ctx.output):
            pass
        if m is None:
            return None
        argv = tuple(m.group("line").split())
        what = f"the system says how to install it: {' '.join(argv)} (as root, where it needs to be)"
        return _corrected(argv, what, source, 0.7, advice=True)
    return None
