"""pip: installs into the interpreter that ran the command (a virtualenv only: anything else is suggested)."""

from __future__ import annotations

from _collections_abc import Sequence  # collections.abc's, without importing collections

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from heal.managers.base import Run, Undo


def add(tool: str, packages: Sequence[str], *, python: str = "python", dev: bool = False) -> tuple[str, ...]:
    # `--` ends pip's options: a validated name stays a name whatever it is
    return (python, "-m", "pip", "install", "--disable-pip-version-check", "--", *packages)


def sync(tool: str, *, python: str = "python", root: str = "", requirements: str = "") -> tuple[str, ...]:
    """Install what the project declares: a requirements file, else the project itself (editable)."""
    if requirements:
        return (python, "-m", "pip", "install", "-r", requirements)
    return (python, "-m", "pip", "install", "-e", ".")


def undo_sync(tool: str, undo: Undo) -> list[Run]:
    # quiet: a pip that has nothing to say cannot die of a closed pipe (a killed heal) between moving the old
    # files aside and deleting them, which would leave its `~name` stash in site-packages
    from heal.managers.base import Run  # rollback's: planning a pip install imports pip alone

    runs = []
    if undo.added:
        runs.append(Run((undo.python, "-m", "pip", "uninstall", "-q", "-y", *undo.added)))
    if undo.replaced:
        runs.append(Run((undo.python, "-m", "pip", "install", "-q", "--no-deps",
                         *(f"{n}=={v}" for n, v in undo.replaced.items()))))
    return runs
