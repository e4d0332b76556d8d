"""Where commands run without a person: git hooks, the pre-commit framework, Claude Code.

Each integration is one module with the same three functions, all taking the directory heal runs in and the
parsed options, and returning the lines to print:

    install(cwd, options) -> list[str]      writes through the change log (`heal rollback` undoes it)
    uninstall(cwd, options) -> list[str]    puts back exactly what was there before install
    status(cwd, options) -> list[str]       reads only

They raise IntegrationError (one line, exit 1) for what they refuse to do, and change nothing then. Every file
an integration writes outside the project, or inside .git, is named exactly in the change's allow-list
(heal.project.check_editable): nothing else can be written through it.

The table holds module names so that `heal hooks status git` imports neither of the other two.
"""

from __future__ import annotations

import sys

from heal.errors import HealError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from types import ModuleType

# A command line longer than this is not split into words (no typed command is that long; shlex, split with
# before heal.shellwords, took 5 s on a 400 KB word): the hook's argv_of keeps it a shell line, observe splits
# it on blanks. (Diagnosis has its own, heal.diagnose.command.MAX_SPLIT: the hook's success path must not
# import diagnosis.)
MAX_SPLIT = 16 << 10

INTEGRATIONS = {
    "git": "heal.integrations.git",
    "pre-commit": "heal.integrations.pre_commit",
    "claude-code": "heal.integrations.claude_settings",
}


class IntegrationError(HealError):
    """What an integration refuses to do, as one line; nothing was changed."""

    exit_code = 1


def journaled(changes: list, *, cwd: str, root: str, command: list[str], diagnosis: str, hint: str = "") -> str:
    """An integration's file changes applied as one change set (`heal rollback` undoes it); its id. Whatever
    stops it is an IntegrationError: one line, what it said, then `hint`."""
    from heal.journal import open_journal

    verb = command[2]
    try:
        with open_journal().changeset(cwd=cwd, root=root, command=command, diagnosis=diagnosis) as cs:
            for change in changes:
                cs.apply(change)
            return cs.id
    except (HealError, OSError) as exc:
        raise IntegrationError(f"{verb} stopped: {exc}{hint}") from None


class Options:
    """The options of `heal hooks ...` (hand-parsed by heal.commands.hooks)."""

    __slots__ = ("hooks", "scope")

    def __init__(self, hooks: tuple[str, ...] = (), scope: str = "project") -> None:
        self.hooks = hooks  # git: the hook names (default: pre-commit and pre-push)
        self.scope = scope  # claude-code: project | user


def load(name: str) -> ModuleType:
    # __import__, not importlib: the Claude Code hook imports this package on every Bash command, and
    # importlib (with warnings) and types cost it half a millisecond
    path = INTEGRATIONS[name]
    __import__(path)
    return sys.modules[path]


__all__ = ["INTEGRATIONS", "IntegrationError", "Options", "load"]
