"""cargo: `cargo add <crate>` in the package that uses it; Cargo.toml and Cargo.lock are all it changes, and
rollback restores them (what it downloaded stays in the shared, read-only registry cache)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from heal.managers.base import Environment, Run, Undo, no_environment

NAME = "cargo"
ECOSYSTEM = "rust"
LOCKFILES = ("Cargo.toml",)
MANIFESTS = ("Cargo.toml", "Cargo.lock")


def add(tool: str, packages: Sequence[str], *, python: str = "", dev: bool = False) -> tuple[str, ...]:
    return (tool, "add", *packages)


def sync(tool: str, *, python: str = "", root: str = "") -> tuple[str, ...]:
    return (tool, "fetch")


def python(tool: str, root: str, env: Mapping[str, str]) -> str | None:
    return None


def environment(cwd: str, python_: str) -> Environment:
    return no_environment(cwd, python_)


def undo_remove(tool: str, undo: Undo) -> list[Run]:
    return []


def undo_sync(tool: str, undo: Undo) -> list[Run]:
    return []
