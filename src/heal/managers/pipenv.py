"""pipenv: `pipenv install <dist>` / `pipenv sync` into the environment pipenv keeps for the project;
rollback restores Pipfile and Pipfile.lock, then `pipenv clean` (and `pipenv sync` when a version was
replaced)."""

from __future__ import annotations

from heal.managers.base import Run, Undo

ADD, DEV, SYNC, ASK_PYTHON = ("install",), ("--dev",), ("sync",), ("--py",)


def undo_sync(tool: str, undo: Undo) -> list[Run]:
    # clean uninstalls what the restored Pipfile.lock does not list; sync puts back the versions it pins
    return [Run((tool, "clean")), *([Run((tool, "sync"))] if undo.replaced else [])]
