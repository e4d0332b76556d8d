"""go: `go get <package>` in the module that imports it; go.mod and go.sum are all it changes in the project
(the module cache is a shared, read-only download cache, like pip's), and rollback restores them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from heal.managers.base import Environment, Run, Undo, no_environment

NAME = "go"
ECOSYSTEM = "go"
LOCKFILES = ("go.mod",)
MANIFESTS = ("go.mod", "go.sum")


def add(tool: str, packages: Sequence[str], *, python: str = "", dev: bool = False) -> tuple[str, ...]:
    return (tool, "get", *packages)


def sync(tool: str, *, python: str = "", root: str = "") -> tuple[str, ...]:
    return (tool, "mod", "download")


def python(tool: str, root: str, env: Mapping[str, str]) -> str | None:
    return None


def environment(cwd: str, python_: str) -> Environment:
    return no_environment(cwd, python_)


def undo_remove(tool: str, undo: Undo) -> list[Run]:
    return []


def undo_sync(tool: str, undo: Undo) -> list[Run]:
    return []
