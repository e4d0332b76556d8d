"""Which program really ran: `npx jest`, `python -m pytest`, `uv run pytest`, `sudo -E make` ..."""

from __future__ import annotations

import os
from _collections_abc import Sequence  # collections.abc's, without importing collections

from heal.lazyre import lazy

# Programs that run another program given as their arguments, with how many leading options to skip.
# (`timeout` is not one: when it fires, it is the program that failed.)
_WRAPPERS = {"sudo", "doas", "env", "time", "nice", "nohup", "exec", "command", "builtin", "stdbuf", "ionice",
             "xvfb-run", "heal", "npx", "bunx", "pnpx", "dotenv", "caffeinate", "chronic", "unbuffer"}
_RUNNERS = {  # manager -> subcommands that run a program
    "uv": {"run", "tool"}, "uvx": set(), "poetry": {"run"}, "pipenv": {"run"}, "pdm": {"run"}, "hatch": {"run"},
    "rye": {"run"}, "pixi": {"run"}, "conda": {"run"}, "mamba": {"run"}, "bundle": {"exec"}, "yarn": {"exec", "dlx"},
    "pnpm": {"exec", "dlx"}, "npm": {"exec"}, "docker": set(), "tox": set(), "nox": set(),
}
_SHELLS = {"sh", "bash", "zsh", "dash", "ksh", "fish"}
_PYTHON = lazy(r"^(python|pypy)(\d+(\.\d+)?)?$")
# `python -m X` modules that are tools in their own right; anything else (http.server, compileall) is python.
_PYTHON_TOOLS = {"pytest", "pip", "unittest", "mypy", "black", "ruff", "flake8", "pylint", "isort", "tox", "nox",
                 "build", "twine", "pipx", "poetry", "uv", "coverage", "sphinx", "mkdocs", "uvicorn", "gunicorn",
                 "celery", "django", "flask", "pdm", "hatch", "pre_commit", "nose", "nose2", "behave", "alembic"}
_BUILTINS = {"cd", "export", "set", "ulimit", "source", ".", "unset", "umask", "trap", "shopt", "alias", "true", ":",
             "echo", "printf", "sleep", "wait"}
_ASSIGN = lazy(r"^[A-Za-z_][A-Za-z0-9_]*=")


def tool_of(argv: Sequence[str]) -> str:
    """The basename of the program that does the work, e.g. "pytest" for `uv run python -m pytest`."""
    args = list(argv)
    for _ in range(8):  # wrappers nest rarely more than twice; bound it anyway
        if not args:
            return ""
        while args and _ASSIGN.match(args[0]):
            args = args[1:]  # VAR=value before the command
        if not args:
            return ""
        name = os.path.basename(args[0])
        rest = args[1:]
        if name in _WRAPPERS:
            args = _skip_options(rest)
            continue
        if name in _RUNNERS and rest and (not _RUNNERS[name] or rest[0] in _RUNNERS[name]):
            if _RUNNERS[name]:
                rest = rest[1:]
            if name == "docker":
                return "docker"
            if name in ("uv",) and rest and rest[0] == "run":
                rest = rest[1:]
            args = _skip_options(rest)
            continue
        if _PYTHON.match(name):
            for i, a in enumerate(rest):
                if a == "-m" and i + 1 < len(rest):
                    module = rest[i + 1].split(".")[0]
                    return module if module in _PYTHON_TOOLS else "python"
                if a == "-c" or not a.startswith("-"):
                    break
            return "python"
        if name in _SHELLS and "-c" in rest:
            i = rest.index("-c")
            if i + 1 < len(rest):
                inner = tool_of(_last_simple_command(rest[i + 1]))
                return inner or name
        if name == "node" and rest and "node_modules/.bin/" in rest[0]:
            return os.path.basename(rest[0])
        return name
    return ""


MAX_SPLIT = 16 << 10  # a longer `sh -c` script is split on blanks: no typed command is that long


def script_commands(script: str) -> list[list[str]]:
    """The simple commands of a shell script (`sh -c SCRIPT`), in order, split into words as the shell would;
    a script shlex cannot split (an unclosed quote) is split on blanks."""
    from heal.shellwords import split  # shlex's answers without importing shlex (and re)

    try:
        if len(script) > MAX_SPLIT:
            raise ValueError  # a character at a time in Python: not for a generated megabyte
        words = split(script, comments=True)
    except ValueError:
        words = script.split()
    commands: list[list[str]] = [[]]
    for word in words:
        if word in (";", "&&", "||", "|", "&") or word.endswith(";"):
            if word.endswith(";") and word != ";":
                commands[-1].append(word[:-1])
            commands.append([])
        else:
            commands[-1].append(word)
    return [c for c in commands if c]


def _last_simple_command(script: str) -> list[str]:
    """The words of the last command of a shell script that does work: in `ulimit -n 20; python3 x.py`
    it is python3 that can fail."""
    commands = script_commands(script)
    for command in reversed(commands):
        if command[0] not in _BUILTINS:
            return command
    return commands[-1] if commands else []


def _skip_options(args: list[str]) -> list[str]:
    i = 0
    while i < len(args) and args[i].startswith("-"):
        if args[i] == "--":
            return args[i + 1 :]
        i += 1
    return args[i:]
