"""git hooks: `heal hooks install|uninstall|status git [--hook NAME...]`, and what the installed hook runs
(`heal hook git NAME SCRIPT [ARGS...]`, from the template hooks/git-hook.sh).

Never clobbering: a hook that is there already is moved beside heal's, as `<name>.heal-legacy` (bytes and mode
kept), and heal's hook runs it first, exactly once, with git's arguments and stdin; uninstall writes it back.
Both writes go through the change log with the exact two files in the allow-list, so `heal rollback` undoes an
install like any other change.

`core.hooksPath` set elsewhere than the repository's own hooks directory means another tool (husky, a team's
tracked hooks directory) owns the hooks: heal refuses to install there, as pre-commit and lefthook do, rather
than edit files that tool regenerates or that the whole team shares.

The installed pre-commit hook also checks the staged Python and JSON files as they are staged (the index, not
the working tree) with heal repair's check; a broken one stops the commit with the repair shown as a diff.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator, Mapping

from heal.integrations import IntegrationError, Options, journaled

HOOK_ID = b"heal-hook-id: 9d3c41a7"  # in every hook heal writes: how it knows its own
LEGACY = ".heal-legacy"
DEFAULT_HOOKS = ("pre-commit", "pre-push")
# githooks(5): the hooks a work tree runs (server-side hooks have no place here)
KNOWN_HOOKS = ("applypatch-msg", "pre-applypatch", "post-applypatch", "pre-commit", "pre-merge-commit",
               "prepare-commit-msg", "commit-msg", "post-commit", "pre-rebase", "post-checkout", "post-merge",
               "pre-push", "post-rewrite", "pre-auto-gc", "sendemail-validate", "post-index-change")
STAGED_KINDS = (".py", ".pyi", ".json")
# paths given to one git checkout-index: far below any ARG_MAX
_CHUNK = 500


# --- where the hooks are ------------------------------------------------------------------------------


class Repo:
    __slots__ = ("top", "hooks_dir", "default_dir", "hooks_path")

    def __init__(self, top: str, hooks_dir: str, default_dir: str, hooks_path: str) -> None:
        self.top = top  # the work tree's top level (a linked worktree's own)
        self.hooks_dir = hooks_dir  # where git runs hooks from (`git rev-parse --git-path hooks`)
        self.default_dir = default_dir  # <git-common-dir>/hooks: shared by every worktree
        self.hooks_path = hooks_path  # core.hooksPath when it moves the hooks elsewhere, else ""


def repo(cwd: str) -> Repo:
    from heal.git import git

    code, top = git(cwd, "rev-parse", "--show-toplevel")
    if code != 0 or not top:
        raise IntegrationError(f"{cwd} is not inside a git work tree")
    code, hooks = git(cwd, "rev-parse", "--git-path", "hooks")
    code2, common = git(cwd, "rev-parse", "--git-common-dir")
    if code != 0 or code2 != 0:
        raise IntegrationError(f"git cannot say where the hooks of {top} are")
    # both are relative to the directory git ran in
    hooks_dir = os.path.normpath(os.path.join(cwd, hooks))
    default_dir = os.path.normpath(os.path.join(cwd, common, "hooks"))
    hooks_path = ""
    if os.path.realpath(hooks_dir) != os.path.realpath(default_dir):
        _, hooks_path = git(cwd, "config", "--get", "core.hooksPath")
        hooks_path = hooks_path or hooks_dir
    return Repo(os.path.realpath(top), hooks_dir, default_dir, hooks_path)


def render(name: str) -> bytes:
    """heal's hook for `name`, from the template, bound to the Python heal runs under now."""
    import shlex

    import heal.hooks

    with open(os.path.join(os.path.dirname(heal.hooks.__file__), "git-hook.sh"), encoding="utf-8") as fh:
        text = fh.read()
    return text.replace("@HOOK@", name).replace("@HEAL_PYTHON@", shlex.quote(sys.executable)).encode()


def is_ours(data: bytes | None) -> bool:
    return data is not None and HOOK_ID in data[:1024]


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise IntegrationError(f"{path} is a directory, not a hook: nothing changed") from None
    except OSError as exc:
        raise IntegrationError(f"cannot read {path}: {exc.strerror}: nothing changed") from None


def _names(options: Options) -> tuple[str, ...]:
    for name in options.hooks:
        if name not in KNOWN_HOOKS:
            raise IntegrationError(f"'{name}' is not a git hook heal installs (one of: {', '.join(KNOWN_HOOKS)})")
    return tuple(dict.fromkeys(options.hooks)) or DEFAULT_HOOKS


# --- install / uninstall / status ----------------------------------------------------------------------


def install(cwd: str, options: Options) -> list[str]:
    from heal.journal import FileChange

    r = repo(cwd)
    if r.hooks_path:
        raise IntegrationError(
            f"core.hooksPath is set ({r.hooks_path}): another tool owns the hooks there; heal does not install "
            f"into it (nothing changed). Call `heal -- <command>` from those hooks, or unset core.hooksPath")
    changes: list = []
    lines: list[str] = []
    # every refusal comes before the first write: a refused install changes nothing
    for name in _names(options):
        path = os.path.join(r.hooks_dir, name)
        legacy = path + LEGACY
        if os.path.islink(path):
            raise IntegrationError(f"{path} is a symbolic link: heal does not replace it (nothing changed)")
        current = _read(path)
        new = render(name)
        if is_ours(current):
            if current == new:
                lines.append(f"{name}: already installed")
                continue
            changes.append(FileChange(path, data=new, mode=0o755, reason=f"update heal's {name} hook",
                                      allow=(path,)))
            lines.append(f"{name}: updated")
        elif current is not None:
            if os.path.lexists(legacy):
                raise IntegrationError(f"{legacy} exists already: heal will not overwrite it (nothing changed)")
            mode = stat.S_IMODE(os.lstat(path).st_mode)
            changes.append(FileChange(legacy, data=current, mode=mode, reason=f"keep the {name} hook heal chains",
                                      allow=(legacy,)))
            changes.append(FileChange(path, data=new, mode=0o755, reason=f"install heal's {name} hook",
                                      allow=(path,)))
            lines.append(f"{name}: installed; it runs the hook that was there first (kept as {name}{LEGACY})")
        else:
            changes.append(FileChange(path, data=new, mode=0o755, reason=f"install heal's {name} hook",
                                      allow=(path,)))
            lines.append(f"{name}: installed")
    if changes:
        if not os.path.isdir(r.hooks_dir):  # `git init --template=` leaves none; rollback removes it again
            changes.insert(0, FileChange(r.hooks_dir, mkdir=True, reason="create the hooks directory",
                                         allow=(r.hooks_dir,)))
        lines.append(f"in {r.hooks_dir}; undo: heal rollback {_apply(changes, cwd, r, 'install')}")
    return lines


def uninstall(cwd: str, options: Options) -> list[str]:
    from heal.journal import FileChange

    r = repo(cwd)
    names = options.hooks and _names(options)
    directory = r.default_dir  # heal installs only there (see install), whatever core.hooksPath says now
    if not names:
        names = tuple(n for n in KNOWN_HOOKS if is_ours(_read_quiet(os.path.join(directory, n)))) or DEFAULT_HOOKS
    changes: list = []
    lines: list[str] = []
    for name in names:
        path = os.path.join(directory, name)
        legacy = path + LEGACY
        if os.path.islink(path) or not is_ours(_read(path)):
            lines.append(f"{name}: not installed" + (f" ({legacy} is left as it is)" if os.path.lexists(legacy)
                                                     else ""))
            continue
        if os.path.isfile(legacy) and not os.path.islink(legacy):
            before = _read(legacy) or b""
            mode = stat.S_IMODE(os.lstat(legacy).st_mode)
            changes.append(FileChange(path, data=before, mode=mode, reason=f"put back the {name} hook",
                                      allow=(path,)))
            changes.append(FileChange(legacy, delete=True, reason=f"put back the {name} hook", allow=(legacy,)))
            lines.append(f"{name}: removed; the hook that was there before is back")
        else:
            changes.append(FileChange(path, delete=True, reason=f"remove heal's {name} hook", allow=(path,)))
            lines.append(f"{name}: removed")
    if changes:
        lines.append(f"undo: heal rollback {_apply(changes, cwd, r, 'uninstall')}")
    return lines


def status(cwd: str, options: Options) -> list[str]:
    r = repo(cwd)
    directory = r.default_dir
    names = options.hooks and _names(options)
    if not names:
        found = [n for n in KNOWN_HOOKS if is_ours(_read_quiet(os.path.join(directory, n)))]
        names = tuple(dict.fromkeys([*DEFAULT_HOOKS, *found]))
    lines = [f"git hooks in {directory}"]
    if r.hooks_path:
        lines.append(f"core.hooksPath is set ({r.hooks_path}): git runs the hooks there, not these")
    for name in names:
        path = os.path.join(directory, name)
        data = _read_quiet(path, whole=True)
        legacy = os.path.lexists(path + LEGACY)
        if is_ours(data):
            state = "installed" + (f", chaining {name}{LEGACY}" if legacy else "")
            if data != render(name):
                state += " (written by another heal or version: `heal hooks install git` updates it)"
        elif data is not None:
            state = "not installed (another hook is there)"
        else:
            state = "not installed"
        lines.append(f"{name}: {state}")
    return lines


def _read_quiet(path: str, whole: bool = False) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read() if whole else fh.read(1024)
    except OSError:
        return None


def _apply(changes: list, cwd: str, r: Repo, verb: str) -> str:
    return journaled(changes, cwd=cwd, root=r.top, command=["heal", "hooks", verb, "git"],
                     diagnosis=f"{verb} git hooks", hint=" (heal rollback --last undoes what was done)")


# --- the installed hook ---------------------------------------------------------------------------------


def disabled(environ: Mapping[str, str] = os.environ) -> bool:
    """HEAL=0, or SKIP naming heal (pre-commit's convention)."""
    return environ.get("HEAL") == "0" or "heal" in [s.strip() for s in environ.get("SKIP", "").split(",")]


def run_hook(name: str, script: str, args: list[str]) -> int:
    """What heal's hook does: run the hook it chains under heal (suggest-only: a hook has no terminal), then
    for pre-commit check the staged files. A failing chained hook still stops git."""
    legacy = script + LEGACY
    chained = os.path.isfile(legacy) and os.access(legacy, os.X_OK)  # git runs only executable hooks too
    if disabled():
        if chained:
            os.execv(legacy, [legacy, *args])
        return 0
    code = 0
    if chained:
        from heal.engine import heal_command
        from heal.runopts import RunOptions

        # --dry-run: the failure is diagnosed and the fix shown, never applied nor the hook run again
        code = heal_command([legacy, *args], RunOptions(dry_run=True, pty="never"))
    if name == "pre-commit":
        if check_staged(os.getcwd()) and code == 0:
            code = 1
    return code


def _git_env() -> dict[str, str]:
    """git's environment for the hook, with the paths it exported made absolute: GIT_INDEX_FILE names the
    index being committed (`commit -a` and `commit <paths>` use a temporary one), which heal must read."""
    env = dict(os.environ)
    here = os.getcwd()
    for key in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY"):
        if env.get(key) and not os.path.isabs(env[key]):
            env[key] = os.path.join(here, env[key])
    env["GIT_TERMINAL_PROMPT"] = "0"
    return env


def _git_bytes(cwd: str, args: tuple[str, ...], env: dict[str, str]) -> tuple[int, bytes, str]:
    from heal.run import RunSpec, run

    r = run(RunSpec(("git", "-C", cwd, *args), passthrough=False, keep_stdout=True, timeout=120, env=env,
                    head_bytes=4096, tail_bytes=4096))
    return r.exit_code, r.stdout or b"", r.text.strip()


def staged(top: str, env: dict[str, str]) -> Iterator[tuple[str, bytes]]:
    """(path, staged bytes) of the added, copied, modified and renamed Python and JSON files in the index."""
    import tempfile

    code, out, text = _git_bytes(top, ("diff", "--cached", "--name-only", "--diff-filter=ACMR", "-z"), env)
    if code != 0:
        raise IntegrationError(f"git diff --cached failed: {text.splitlines()[-1] if text else code}")
    names = [os.fsdecode(n) for n in out.split(b"\0") if n]
    names = [n for n in names if os.path.splitext(n)[1].lower() in STAGED_KINDS]
    if not names:
        return
    with tempfile.TemporaryDirectory(prefix="heal-staged-") as tmp:
        for i in range(0, len(names), _CHUNK):
            # the index's bytes, through the same filters a checkout applies, into a directory of heal's
            code, _, text = _git_bytes(top, ("checkout-index", "--force", f"--prefix={tmp}/", "--",
                                             *names[i:i + _CHUNK]), env)
            if code != 0:
                raise IntegrationError(f"git checkout-index failed: {text.splitlines()[-1] if text else code}")
        for name in names:
            path = os.path.join(tmp, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue  # a symbolic link or a submodule: no file content to check
            with open(path, "rb") as fh:
                yield name, fh.read()


def check_staged(cwd: str) -> bool:
    """Whether a staged file stops the commit; says why, with the repair as a diff."""
    from heal.commands.repair import check_contents, present
    from heal.repair.model import OK, REPAIRED

    env = _git_env()
    try:
        from heal.git import git

        code, top = git(cwd, "rev-parse", "--show-toplevel")
        top = top if code == 0 and top else cwd
        results = check_contents(list(staged(top, env)), top)
    except IntegrationError as exc:
        # heal's own trouble must not block every commit: say so, let git go on
        _say(f"staged files not checked: {exc}")
        return False
    broken = [(t, r) for t, r in results if r.status != OK]
    if not broken:
        return False
    apply = _repair_mode(top) == "apply"
    for t, r in broken:
        _say(f"{t.path}: the staged copy " + ("does not compile" if r.error else "needs repair")
             + (f": {r.error.describe()}" if r.error else ""))
        sys.stdout.flush()
        present(t, r, diff=True)
        sys.stdout.flush()
        _advise(top, t.path, t.data, repairable=r.status == REPAIRED, apply=apply)
    _say(f"commit stopped: {len(broken)} staged file{'s' if len(broken) > 1 else ''} to fix "
         f"(HEAL=0 git commit ... skips heal's check)")
    return True


def _advise(top: str, rel: str, staged_data: bytes, *, repairable: bool, apply: bool) -> None:
    """What to do about one broken staged file: its working-tree copy decides."""
    from heal.commands.repair import check_contents
    from heal.repair.model import OK

    path = os.path.join(top, rel)
    # in the commands shown, a name is one shell word whatever it holds (`a;touch x.py`, `-f.py`)
    q = _shell_word(rel)
    try:
        with open(path, "rb") as fh:
            working = fh.read()
    except OSError:
        _say(f"{rel}: no working-tree copy: fix it, then `git add {q}`")
        return
    if working != staged_data:
        results = check_contents([(rel, working)], top)
        if results and results[0][1].status == OK:
            _say(f"{rel}: the working-tree copy differs from the staged one and is fine: `git add {q}` stages it")
            return
    if not repairable:
        _say(f"{rel}: heal cannot repair it: fix it by hand, then `git add {q}`")
        return
    if not apply:
        _say(f"{rel}: `heal repair {q} && git add {q}` repairs and stages it (with hooks.repair = \"apply\" "
             "in heal's config, this hook repairs the working-tree copy itself)")
        return
    from heal.commands.repair import Options
    from heal.commands.repair import run as repair
    from heal.errors import UsageError

    here = os.getcwd()
    try:
        os.chdir(top)
        sys.stdout.flush()
        repair(Options((rel,)), ["repair", rel])
        sys.stdout.flush()
        _say(f"{rel}: repaired in the working tree; check it, `git add {q}`, and commit again")
    except UsageError as exc:
        _say(f"{rel}: not repaired: {exc}")
    finally:
        os.chdir(here)


def _repair_mode(cwd: str) -> str:
    from heal import config

    try:
        return str(config.load(cwd)["hooks.repair"])
    except config.ConfigError as exc:
        _say(f"config error: {exc} (checking only)")
        return "check"


def _say(message: str) -> None:
    from heal.ui import printable

    try:
        sys.stderr.write(f"heal: {printable(message)}\n")  # a file name may hold escape sequences or a newline
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass  # `git commit 2>&1 | head -1`: what the hook decides does not depend on who still reads it


def _shell_word(name: str) -> str:
    """name as one shell word a user can paste: quoted as needed, and never read as an option."""
    import shlex

    return shlex.quote(name if not name.startswith("-") else f"./{name}")
