"""uv: `uv add` / `uv sync` into the project's .venv, which uv creates and keeps in step with uv.lock."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from heal.managers.base import Environment, Run, Undo, managed_python_environment

NAME = "uv"
ECOSYSTEM = "python"
LOCKFILES = ("uv.lock",)
MANIFESTS = ("pyproject.toml", "uv.lock")


def add(tool: str, packages: Sequence[str], *, python: str = "", dev: bool = False) -> tuple[str, ...]:
    return (tool, "add", *(("--dev",) if dev else ()), *packages)


def sync(tool: str, *, python: str = "", root: str = "") -> tuple[str, ...]:
    return (tool, "sync")


def python(tool: str, root: str, env: Mapping[str, str]) -> str | None:
    return os.path.join(root, ".venv", "bin", "python")  # made by the first `uv add` or `uv sync` if missing


def environment(cwd: str, python_: str) -> Environment:
    return managed_python_environment(cwd, python_)


def undo_remove(tool: str, undo: Undo) -> list[Run]:
    return []


def undo_sync(tool: str, undo: Undo) -> list[Run]:
    # with pyproject.toml and uv.lock back, uv's sync is exact: it removes what was added, puts back what
    # was replaced
    return [Run((tool, "sync"))]
