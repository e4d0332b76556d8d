"""pnpm: `pnpm add <pkg>` (or `pnpm install` for what package.json declares); rollback runs `pnpm remove` for what
the install added, then restores package.json and the lockfile."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from heal.managers.base import Environment, Run, Undo, node_environment, reinstall_if_replaced

NAME = "pnpm"
ECOSYSTEM = "node"
LOCKFILES = ("pnpm-lock.yaml",)
MANIFESTS = ("package.json", "pnpm-lock.yaml")


def add(tool: str, packages: Sequence[str], *, python: str = "", dev: bool = False) -> tuple[str, ...]:
    return (tool, "add", *(("-D",) if dev else ()), *packages)


def sync(tool: str, *, python: str = "", root: str = "") -> tuple[str, ...]:
    return (tool, "install")


def python(tool: str, root: str, env: Mapping[str, str]) -> str | None:
    return None


def environment(cwd: str, python_: str) -> Environment:
    return node_environment(cwd, python_)


def undo_remove(tool: str, undo: Undo) -> list[Run]:
    # before the manifests go back: the manager's own remove knows its tree
    return [Run((tool, "remove", *undo.added))] if undo.added else []


undo_sync = reinstall_if_replaced(("install",), LOCKFILES)
