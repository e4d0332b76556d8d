"""What a change heal makes is: its fields, checked when the change is built. How each kind is prepared
(checked, backed up) and performed is heal.journal.changes, imported only when a change is applied.

Planning builds one of these for every fix it offers (an install, a chmod, a command), on every failure it can
fix, and mostly nothing is applied (`heal diagnose`, the Claude Code hook): the records alone are cheap to
import; what applying needs (the blob store, git, the installers' bookkeeping) is not.
"""

from __future__ import annotations

import sys

from heal.errors import JournalError
from heal.managers import MANAGERS
from heal.record import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from collections.abc import Callable

    from heal.journal import changeset


class FileChange(Record):
    """Write (create or replace), delete, or chmod one file inside the project; or create a directory. Or one of
    the files `allow` names (see heal.project.check_editable): an integration's git hook or settings file. The
    allow-list is recorded with the intent, so that rollback may write the same file back and nothing else."""

    __slots__ = ("path", "data", "mode", "delete", "mkdir", "rmdir", "reason", "allow", "owner")
    _hidden = ("data",)
    path: str
    data: bytes | None
    mode: int | None
    delete: bool
    mkdir: bool
    rmdir: bool
    reason: str
    allow: tuple[str, ...]
    owner: tuple[int, int] | None  # (uid, gid) a written file is given when heal runs as root (a restore's)

    def __init__(self, path: str, data: bytes | None = None, mode: int | None = None, delete: bool = False,
                 mkdir: bool = False, rmdir: bool = False, reason: str = "", allow: tuple[str, ...] = (),
                 owner: tuple[int, int] | None = None) -> None:
        self._fill(path, data, mode, delete, mkdir, rmdir, reason, allow,
                   tuple(owner) if owner is not None else None)

    def prepare(self, cs: changeset.ChangeSet) -> dict:
        from heal.journal.changes import prepare_file

        return prepare_file(self, cs)

    def perform(self, cs: changeset.ChangeSet, intent: dict, progress: Callable[[bytes], None] | None = None) -> dict:
        from heal.journal.changes import perform_file

        return perform_file(self, cs, intent, progress)


class PackageChange(Record):
    """Install packages with a project's own package manager (pip, uv, poetry, pipenv or pdm for a given interpreter; npm,
    yarn, pnpm or bun; go; cargo).

    Records the environment's packages before (in the intent) and after (in the done record), backs up every
    manifest and lockfile of the project and the files an install rewrites in it (`*.egg-info` of
    `pip install -e .`), so that rollback removes exactly what this install added and puts back what it
    replaced. The installer's pid is journaled as soon as it runs; Ctrl-C ends it with heal, at a safe point."""

    __slots__ = ("manager", "argv", "cwd", "python", "packages", "imports", "reason", "remove")
    manager: str
    argv: tuple[str, ...]
    cwd: str
    python: str  # the environment's interpreter (Python managers); heal's own when not given
    packages: tuple[str, ...]  # what the install is for (said in the log; not what is undone)
    imports: tuple[str, ...]  # Python modules that must import afterwards (the install action checks)
    reason: str
    remove: tuple[str, ...]  # node packages to take out of node_modules by hand instead of running argv (see rollback)

    def __init__(self, manager: str, argv: tuple[str, ...], cwd: str, python: str = "", packages: tuple[str, ...] = (),
                 imports: tuple[str, ...] = (), reason: str = "", remove: tuple[str, ...] = ()) -> None:
        if manager not in MANAGERS:
            raise JournalError(f"unsupported package manager {manager}")
        if remove and manager != "npm":
            raise JournalError(f"removing packages by hand is for npm, not {manager}")
        # frozen: normalised here once (callers pass lists)
        self._fill(manager, tuple(argv), cwd, python or sys.executable, tuple(packages or ()), tuple(imports or ()),
                   reason, tuple(remove or ()))

    def prepare(self, cs: changeset.ChangeSet) -> dict:
        from heal.journal.changes import prepare_packages

        return prepare_packages(self, cs)

    def perform(self, cs: changeset.ChangeSet, intent: dict, progress: Callable[[bytes], None] | None = None) -> dict:
        from heal.journal.changes import perform_packages

        return perform_packages(self, cs, intent, progress)


class GitRefChange(Record):
    """Run a git command that moves the current branch: `pull --rebase` or `reset --keep <commit>`."""

    __slots__ = ("argv", "cwd", "reason")
    argv: tuple[str, ...]
    cwd: str
    reason: str

    def __init__(self, argv: tuple[str, ...], cwd: str, reason: str = "") -> None:
        argv = tuple(argv)
        if list(argv[:3]) not in (["git", "pull", "--rebase"], ["git", "reset", "--keep"]):
            raise JournalError(f"unsupported git change {' '.join(argv)}")
        self._fill(argv, cwd, reason)

    def prepare(self, cs: changeset.ChangeSet) -> dict:
        from heal.journal.changes import prepare_git_ref

        return prepare_git_ref(self, cs)

    def perform(self, cs: changeset.ChangeSet, intent: dict, progress: Callable[[bytes], None] | None = None) -> dict:
        from heal.journal.changes import perform_git_ref

        return perform_git_ref(self, cs, intent, progress)


class CommandChange(Record):
    """Run one command (an argv, never a shell line) in the project, its output shown as the command's is.
    timeout: a `vagrant up` downloading a box takes minutes; a hung one must still end."""

    undoable = False  # a class attribute, not a field: `heal rollback` cannot undo it (heal.ui says no undo)
    __slots__ = ("argv", "cwd", "reason", "timeout")
    argv: tuple[str, ...]
    cwd: str
    reason: str
    timeout: float | None

    def __init__(self, argv: tuple[str, ...], cwd: str, reason: str = "", timeout: float | None = 1800.0) -> None:
        argv = tuple(argv)
        if not argv or not argv[0] or argv[0].startswith("-"):
            raise JournalError(f"not a command: {' '.join(argv)}")
        self._fill(argv, cwd, reason, timeout)

    def prepare(self, cs: changeset.ChangeSet) -> dict:
        from heal.journal.changes import prepare_command

        return prepare_command(self, cs)

    def perform(self, cs: changeset.ChangeSet, intent: dict, progress: Callable[[bytes], None] | None = None) -> dict:
        from heal.journal.changes import perform_command

        return perform_command(self, cs, intent, progress)
