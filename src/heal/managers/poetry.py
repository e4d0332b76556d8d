"""poetry: `poetry add` / `poetry install` into the environment poetry keeps for the project (by default
outside it); rollback restores pyproject.toml and poetry.lock, then `poetry sync`."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from heal.managers._pyproject_manager import ask_python
from heal.managers.base import Environment, Run, Undo, managed_python_environment

NAME = "poetry"
ECOSYSTEM = "python"
LOCKFILES = ("poetry.lock",)
MANIFESTS = ("pyproject.toml", "poetry.lock")


def add(tool: str, packages: Sequence[str], *, python: str = "", dev: bool = False) -> tuple[str, ...]:
    return (tool, "add", *(("--group", "dev") if dev else ()), *packages)


def sync(tool: str, *, python: str = "", root: str = "") -> tuple[str, ...]:
    return (tool, "install")


def python(tool: str, root: str, env: Mapping[str, str]) -> str | None:
    return ask_python(tool, root, env, ("env", "info", "--executable"))


def environment(cwd: str, python_: str) -> Environment:
    return managed_python_environment(cwd, python_)


def undo_remove(tool: str, undo: Undo) -> list[Run]:
    return []


def undo_sync(tool: str, undo: Undo) -> list[Run]:
    """`poetry sync` (poetry 2), `poetry install --sync` before: exact, like uv's."""
    from heal.run import RunSpec, run

    r = run(RunSpec((tool, "--version"), passthrough=False, keep_stdout=True, timeout=60, head_bytes=0,
                    tail_bytes=0))
    m = re.search(rb"(\d+)\.\d+", r.stdout or b"")
    return [Run((tool, "sync") if m and int(m.group(1)) >= 2 else (tool, "install", "--sync"))]
