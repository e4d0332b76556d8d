"""pipenv: `pipenv install <dist>` / `pipenv sync` into the environment pipenv keeps for the project;
rollback restores Pipfile and Pipfile.lock, then `pipenv clean` (and `pipenv sync` when a version was
replaced)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from heal.managers._pyproject_manager import ask_python
from heal.managers.base import Environment, Run, Undo, managed_python_environment

NAME = "pipenv"
ECOSYSTEM = "python"
LOCKFILES = ("Pipfile",)
MANIFESTS = ("Pipfile", "Pipfile.lock")


def add(tool: str, packages: Sequence[str], *, python: str = "", dev: bool = False) -> tuple[str, ...]:
    return (tool, "install", *(("--dev",) if dev else ()), *packages)


def sync(tool: str, *, python: str = "", root: str = "") -> tuple[str, ...]:
    return (tool, "sync")


def python(tool: str, root: str, env: Mapping[str, str]) -> str | None:
    return ask_python(tool, root, env, ("--py",))


def environment(cwd: str, python_: str) -> Environment:
    return managed_python_environment(cwd, python_)


def undo_remove(tool: str, undo: Undo) -> list[Run]:
    return []


def undo_sync(tool: str, undo: Undo) -> list[Run]:
    # clean uninstalls what the restored Pipfile.lock does not list; sync puts back the versions it pins
    return [Run((tool, "clean")), *([Run((tool, "sync"))] if undo.replaced else [])]
