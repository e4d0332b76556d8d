"""pdm: `pdm add` / `pdm sync` into the environment pdm keeps for the project; rollback restores
pyproject.toml and pdm.lock, then `pdm sync --clean` (exact)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from heal.managers._pyproject_manager import ask_python
from heal.managers.base import Environment, Run, Undo, managed_python_environment

NAME = "pdm"
ECOSYSTEM = "python"
LOCKFILES = ("pdm.lock",)
MANIFESTS = ("pyproject.toml", "pdm.lock")


def add(tool: str, packages: Sequence[str], *, python: str = "", dev: bool = False) -> tuple[str, ...]:
    return (tool, "add", *(("--dev",) if dev else ()), *packages)


def sync(tool: str, *, python: str = "", root: str = "") -> tuple[str, ...]:
    return (tool, "sync")


def python(tool: str, root: str, env: Mapping[str, str]) -> str | None:
    return ask_python(tool, root, env, ("info", "--python"))


def environment(cwd: str, python_: str) -> Environment:
    return managed_python_environment(cwd, python_)


def undo_remove(tool: str, undo: Undo) -> list[Run]:
    return []


def undo_sync(tool: str, undo: Undo) -> list[Run]:
    return [Run((tool, "sync", "--clean"))]
