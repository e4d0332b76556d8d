"""npm: `npm install <pkg>` (or `npm ci` / `npm install` for what package.json declares) in the package
that needs it; rollback removes what the install added and restores package.json and the lockfile."""

from __future__ import annotations

from collections.abc import Sequence

from heal.managers.base import Run, Undo, has_any

_QUIET = ("--no-audit", "--no-fund")
SYNC = ("install", *_QUIET)  # what the rollback reinstalls with, once the lockfile is back


def add(tool: str, packages: Sequence[str], *, python: str = "", dev: bool = False) -> tuple[str, ...]:
    # `--` ends npm's options: the name is validated already, and stays a name whatever it is
    return (tool, "install", *_QUIET, *(("--save-dev",) if dev else ()), "--", *packages)


def sync(tool: str, *, python: str = "", root: str = "") -> tuple[str, ...]:
    """`npm ci` when there is a lockfile (exactly what it pins), else `npm install`."""
    from heal.managers import MANAGERS

    return (tool, "ci" if has_any(root, MANAGERS["npm"].LOCKFILES) else "install", *_QUIET)


def undo_remove(tool: str, undo: Undo) -> list[Run]:
    if not undo.added:
        return []
    if undo.drift or undo.fresh:
        # fresh: there was no node_modules before this install, so everything in it is what the install added;
        # taking the directories out is exact (and much faster than npm's uninstall of a whole tree)
        # npm's own uninstall prunes every package package.json does not list, a user's `npm install --no-save`
        # ones too: take out just this change's packages
        return [Run((tool, "uninstall", *undo.added), remove=tuple(undo.added))]
    # before the manifests go back: npm's own remove knows its tree
    return [Run((tool, "uninstall", "--no-save", *_QUIET, *undo.added))]
