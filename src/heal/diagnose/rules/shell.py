"""Shells: command not found (bash, sh/dash, zsh, fish, env), cannot execute / permission denied,
shell syntax errors, unbound variables."""

from __future__ import annotations

import os

from heal import rx
from heal.diagnose.model import Context, Rule
from heal.lazyre import lazy

ECOSYSTEM = "shell"
SHELLS = {"bash", "sh", "dash", "zsh", "ksh", "fish", "heal", "env"}

# Tools people install (not typos of something else), so "X: command not found" means "install X".
KNOWN_TOOLS = {
    "rg", "fd", "jq", "yq", "fzf", "bat", "exa", "eza", "tree", "htop", "vim", "nvim", "emacs", "nano", "curl", "wget",
    "git", "make", "cmake", "gcc", "g++", "clang", "node", "npm", "npx", "yarn", "pnpm", "bun", "deno", "python",
    "python3", "pip", "pip3", "pipx", "uv", "poetry", "pdm", "pipenv", "ruby", "gem", "bundle", "go", "cargo",
    "rustc", "rustup", "java", "javac", "mvn", "gradle", "kotlin", "docker", "podman", "kubectl", "helm", "terraform",
    "aws", "gcloud", "az", "gh", "unzip", "zip", "tar", "xz", "zstd", "ssh", "rsync", "sqlite3", "psql", "mysql",
    "redis-cli", "ffmpeg", "convert", "magick", "pandoc", "shellcheck", "shfmt", "hadolint", "tmux", "screen", "lsof",
    "strace", "gdb", "valgrind", "perl", "php", "composer", "dotnet", "swift", "zig", "ninja", "meson", "bazel",
    "protoc", "openssl", "gpg", "nc", "netcat", "socat", "telnet", "dig", "nslookup", "ping", "traceroute", "ip",
    "ifconfig", "lua", "R", "Rscript", "julia", "ghc", "stack", "cabal", "elixir", "mix", "erl", "scala", "sbt",
    "clojure", "lein", "tsc", "eslint", "prettier", "black", "ruff", "mypy", "flake8", "pytest", "tox", "nox",
    "pre-commit", "direnv", "just", "task", "watchman", "entr", "parallel", "xclip", "pbcopy", "code", "sudo",
    "gradlew", "ansible", "vagrant", "packer", "minikube", "kind", "k9s", "skaffold", "tilt", "helmfile", "kustomize",
}

# Builtins and keywords of sh/bash: no file on PATH has these names (`true`, `echo`, `test` do exist as files).
SHELL_BUILTINS = {"cd", "export", "source", ".", "alias", "unalias", "set", "unset", "ulimit", "umask", "eval",
                  "exec", "pushd", "popd", "dirs", "shopt", "declare", "typeset", "local", "readonly", "read", "type",
                  "hash", "history", "jobs", "fg", "bg", "wait", "trap", "exit", "return", "builtin", "command",
                  "let", "shift", "getopts", "enable", "disown", "suspend", "logout", "if", "then", "for", "while",
                  "until", "case", "function", "select", "time", "[[", "{", "!"}
_PYTHON_CONSOLE_SCRIPTS = {"pytest": "pytest", "py.test": "pytest", "pip": "pip", "pip3": "pip", "black": "black",
                           "mypy": "mypy", "flake8": "flake8", "ruff": "ruff", "isort": "isort", "pylint": "pylint",
                           "tox": "tox", "nox": "nox", "coverage": "coverage", "sphinx-build": "sphinx",
                           "mkdocs": "mkdocs", "uvicorn": "uvicorn", "gunicorn": "gunicorn", "celery": "celery",
                           "alembic": "alembic", "flask": "flask", "django-admin": "django", "pre-commit": "pre_commit",
                           "ipython": "IPython", "jupyter": "jupyter", "twine": "twine", "pyright": "pyright",
                           "bandit": "bandit", "behave": "behave", "nosetests": "nose", "hypothesis": "hypothesis"}


def _heal_spawn_missing(ctx: Context, m: rx.Match[str], facts: dict) -> dict | None:
    """heal's own `heal: .venv/bin/pytest: No such file or directory`: a console script the environment
    does not have (the tool is not installed there), or a path that does not exist."""
    path = str(facts.get("path", ""))
    facts["command"] = os.path.basename(path)
    env = rx.match(r"^(?P<env>.*?)/?(?:bin|Scripts)/[^/]+$", path)
    if env is not None:
        facts["environment"] = env.group("env") or "."
        module = _PYTHON_CONSOLE_SCRIPTS.get(facts["command"])
        if module:
            facts["module"] = module
        facts["summary"] = f"{facts['command']} is not installed in {facts['environment']} ({path} does not exist)"
        return facts
    facts.update(category="configuration", summary=f"{path} does not exist")
    return facts


def _heal_shell_line(ctx: Context, m: rx.Match[str], facts: dict) -> dict | None:
    command = str(facts.get("command", ""))
    if not rx.search(r"&&|\|\||[|;<>`]|\$\(|\s", command):
        return None
    facts["shell_syntax"] = True
    facts["tool"] = "heal"  # heal itself said it: no program of that name was run
    facts["summary"] = (f"'{command}' is a shell command line, and heal runs a command without a shell: "
                        f"use heal -- sh -c '{command}'")
    return facts


_NOT_FOUND = lazy(
    r"^(?:(?P<shell>[^\s:]+)(?::\s*(?:line )?\d+)?:\s+)?(?:line \d+: )?(?P<command>[^\s:'\"`]+): "
    r"(?:command not found|not found)\s*$"
    r"|^(?P<shell2>zsh|bash|ksh)(?::\d+)?: command not found: (?P<command2>\S+)\s*$"
    r"|^fish: Unknown command:? '?(?P<command3>[^'\s]+)'?\s*$"
    r"|^(?:/usr/bin/)?env: [‘'\"](?P<command4>[^’'\"]+)[’'\"]: No such file or directory\s*$",
    rx.M,
)


def _not_found(ctx: Context, m: rx.Match[str], facts: dict) -> dict | None:
    command = next(c for c in m.group("command", "command2", "command3", "command4") if c)
    if command in ("line", "1") or command.endswith((".py", ".sh", ".js")) and "/" in command:
        return None
    prefix = (m.group("shell") or m.group("shell2") or "").strip()
    facts = {k: v for k, v in facts.items() if k not in ("shell", "shell2", "command2", "command3", "command4")}
    shell = os.path.basename(prefix).split(":")[0]
    facts = dict(facts, command=os.path.basename(command) if "/" not in command else command)
    if m.group("command3"):
        facts["tool"] = "fish"
    elif shell in SHELLS:
        facts["tool"] = shell
    elif ctx.tool in SHELLS:
        facts["tool"] = ctx.tool
    script = rx.match(r"(?P<file>[\w./-]+\.(?:sh|bash|zsh)): line (?P<line>\d+)", m.group(0))
    if script:
        facts.update(file=script.group("file"), line=script.group("line"))
    if shell == "heal" and command in SHELL_BUILTINS:
        # heal runs argv itself, without a shell: a builtin is no program anywhere on PATH
        facts.update(category="configuration", shell_builtin=True,
                     summary=f"'{command}' is a shell builtin and heal runs commands without a shell: "
                             f"use heal -- sh -c '{command} ...'")
        return facts
    if shell == "sudo" or prefix.startswith("sudo"):
        facts["summary"] = f"sudo cannot find {command}: sudo's secure PATH does not include it"
        facts["category"] = "configuration"
        return facts
    if "/" in command:
        facts["summary"] = f"{command}: the file does not exist"
        facts["category"] = "configuration"
        return facts
    typo_of = _typo_of(command)
    if typo_of:
        facts["category"] = "syntax"
        facts["suggestion"] = typo_of
        facts["summary"] = f"command '{command}' not found; did you mean '{typo_of}'?"
    elif command not in KNOWN_TOOLS and (os.path.exists(command) or rx.search(r"[a-z][A-Z]|^[A-Z]", command)):
        # ./command exists (run it with ./), or a camelCase name: a script function or variable, not a tool
        facts["category"] = "configuration"
        facts["summary"] = (f"'{command}' is not on PATH; it is a file here: run ./{command}"
                            if os.path.exists(command) else f"'{command}' is not defined (a function or script "
                            "the shell cannot find)")
    return facts


def _typo_of(command: str) -> str | None:
    """A command the name is one slip away from (gti -> git), unless the name is itself a known tool."""
    if command in KNOWN_TOOLS or len(command) < 2:
        return None
    candidates = KNOWN_TOOLS | path_names()
    # the same preference as the correction heal plans (heal.fixes.correct.closest): the same first letter,
    # then a common tool, then the name's order
    near = [c for c in candidates if abs(len(c) - len(command)) <= 1 and c != command and _one_edit(command, c)]
    return min(near, key=lambda c: (c[:1] != command[:1], c not in KNOWN_TOOLS, c), default=None)


def _one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance exactly 1 (one insertion, deletion, substitution or swap)."""
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return len(a) > 2
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if len(a) > len(b):
        a, b = b, a
    if len(a) < 3:
        return False
    for i in range(len(b)):
        if b[:i] + b[i + 1:] == a:
            return True
    return False


_PATH_CACHE: tuple[str, frozenset[str]] | None = None
# A PATH directory holds a few thousand names at most on a sane system; a Windows drive mounted into WSL
# (/mnt/c/...) holds tens of thousands (thefuck #1036: 10-20 s per failure). Read at most this many names
# of each directory.
PATH_DIR_LIMIT = 5000


def path_names() -> frozenset[str]:
    """The names in the PATH directories (what a typed command may have meant), read once per process and
    per PATH, only when a command was not found, and bounded per directory."""
    global _PATH_CACHE
    path = os.environ.get("PATH", "")
    if _PATH_CACHE is None or _PATH_CACHE[0] != path:
        names: set[str] = set()
        for d in path.split(os.pathsep):
            try:
                with os.scandir(d or ".") as it:
                    for n, entry in enumerate(it):
                        if n >= PATH_DIR_LIMIT:
                            break
                        names.add(entry.name)
            except OSError:
                continue
        _PATH_CACHE = (path, frozenset(names))
    return _PATH_CACHE[1]


def _shell_tool(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    facts.pop("shell", None)  # the prefix names who printed it; `tool` says that
    prefix = (m.groupdict().get("shell") or "").split(":")[0].strip()
    if os.path.basename(prefix) in SHELLS:
        facts.setdefault("tool", os.path.basename(prefix))
    elif ctx.tool in SHELLS:
        facts.setdefault("tool", ctx.tool)
    path = facts.get("file")
    if isinstance(path, str) and path.startswith("./"):
        facts["file"] = path[2:]
    return facts


RULES = (
    Rule("shell.heal_spawn_missing", "dependency", "high",
         r"^heal: (?P<path>[^\s:]*/[^\s:]+): No such file or directory\s*$",
         "{path} does not exist", ("no such file or directory",), priority=80,
         refine=_heal_spawn_missing),
    Rule("shell.heal_shell_line", "configuration", "medium",
         r"^heal: (?P<command>[^\n:]+): command not found\s*$",
         "a shell command line given as one word", ("command not found",), priority=80,
         refine=_heal_shell_line),
    Rule("shell.command_not_found", "dependency", "high", _NOT_FOUND.pattern,
         "command '{command}' not found: it is not installed or not on PATH",
         ("not found", "unknown command", "no such file or directory"), priority=72, refine=_not_found),
    Rule("shell.permission_denied", "permission", "high",
         r"^(?:(?P<shell>[^\s:]+)(?::\s*(?:line )?\d+)?:\s+)?(?:line \d+: )?(?P<file>[^\s:]+): Permission denied\s*$",
         "{file}: permission denied", ("permission denied",), priority=62, refine=_shell_tool),
    Rule("shell.is_a_directory", "permission", "medium",
         r"^(?:(?P<shell>[^\s:]+)(?::\s*(?:line )?\d+)?:\s+)?(?:line \d+: )?(?P<file>[^\s:]+): Is a directory\s*$",
         "{file} is a directory, not a program", ("is a directory",), priority=60, refine=_shell_tool),
    Rule("shell.cannot_execute", "dependency", "high",
         r"^(?:(?P<shell>[^\s:]+)(?::\s*(?:line )?\d+)?:\s+)?(?:line \d+: )?(?P<file>[^\s:]+): "
         r"(?:cannot execute: required file not found|(?P<interpreter>[^\s:]+): bad interpreter: No such file or "
         r"directory)\s*$",
         "{file} cannot run: its #! interpreter is missing", ("required file not found", "bad interpreter"),
         priority=80, refine=_shell_tool),
    Rule("shell.script_not_found", "dependency", "high",
         r"^(?P<shell>sh|dash): \d+: (?P<file>\./[^\s:]+): not found\s*$",
         "{file} or its #! interpreter was not found", (": not found",), priority=74, refine=_shell_tool),
    Rule("shell.syntax_error", "syntax", "high",
         r"^(?P<file>[^\s:]+): (?:line )?(?P<line>\d+): (?:syntax error(?: near unexpected token|: unexpected end of "
         r"file| in conditional expression)?|Syntax error:|unexpected EOF while looking for matching).*$"
         r"|^(?P<shell>zsh|bash|sh)(?::\d+)?: parse error near .*$",
         "shell syntax error in {file} line {line}", ("syntax error", "unexpected eof", "parse error near"),
         priority=78, refine=_shell_tool),
    Rule("shell.unbound_variable", "configuration", "high",
         r"^(?P<file>[^\s:]+): (?:line )?(?P<line>\d+): (?P<env_var>\w+): (?:unbound variable|parameter not set)\s*$",
         "variable {env_var} is not set", ("unbound variable", "parameter not set"), priority=78,
         refine=_shell_tool),
    Rule("shell.no_such_file", "runtime", "medium",
         r"^(?P<tool>mkdir|touch|cp|mv|cat|ls|rm|ln|cd|chmod|chown|tar|source|\.): (?:cannot (?:create directory|touch|"
         r"create regular file|create symbolic link|stat|access|open|remove|move)\s)?[‘'\"]?(?P<path>[^’'\"]+?)[’'\"]?: No such file or directory\s*$",
         "{tool}: {path}: no such file or directory", ("no such file or directory",), priority=55),
)
