"""Package managers, one module each behind one protocol (heal.managers.base), in one registry consulted by
planning (which manager, which argv), the journal (what an install may rewrite, what is installed) and
rollback (how to undo it). Adding a manager is a module here, a line in MANAGERS, and its test.

The registry holds what every manager is asked on every install it might plan (its ecosystem, lockfiles and
manifests) as data; a manager's module is imported the first time it is asked for more (heal.managers.manager).
"""

from __future__ import annotations

import os

from heal.managers.manager import Manager, tool, which

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from heal.managers.base import Environment, Run, Undo

# name, ecosystem, LOCKFILES (whose presence says the manager manages a project), MANIFESTS (the files an
# install may rewrite); pip has no lockfile: the default for a Python project no other manager claims
MANAGERS = {name: Manager(name, ecosystem, lockfiles, manifests) for name, ecosystem, lockfiles, manifests in (
    ("pip", "python", (), ("pyproject.toml", "requirements.txt", "requirements-dev.txt", "requirements-test.txt")),
    ("uv", "python", ("uv.lock",), ("pyproject.toml", "uv.lock")),
    ("poetry", "python", ("poetry.lock",), ("pyproject.toml", "poetry.lock")),
    ("pipenv", "python", ("Pipfile",), ("Pipfile", "Pipfile.lock")),
    ("pdm", "python", ("pdm.lock",), ("pyproject.toml", "pdm.lock")),
    ("npm", "node", ("package-lock.json", "npm-shrinkwrap.json"),
     ("package.json", "package-lock.json", "npm-shrinkwrap.json")),
    ("yarn", "node", ("yarn.lock",), ("package.json", "yarn.lock")),
    ("pnpm", "node", ("pnpm-lock.yaml",), ("package.json", "pnpm-lock.yaml")),
    ("bun", "node", ("bun.lock", "bun.lockb"), ("package.json", "bun.lock", "bun.lockb")),
    ("go", "go", ("go.mod",), ("go.mod", "go.sum")),
    ("cargo", "rust", ("Cargo.toml",), ("Cargo.toml", "Cargo.lock")),
)}

# Every file an install may rewrite, of any manager: backed up before every install, whichever it is (a
# project may have more than one ecosystem).
MANIFESTS: tuple[str, ...] = tuple(dict.fromkeys(name for m in MANAGERS.values() for name in m.MANIFESTS))

# Which manager a project uses, by its lockfile, most specific first (pip is the default).
_PYTHON_ORDER = ("uv", "poetry", "pdm", "pipenv")
_NODE_ORDER = ("pnpm", "yarn", "bun")

__all__ = ["MANAGERS", "MANIFESTS", "Environment", "Run", "Undo", "node_manager", "python_manager", "tool", "which"]


def python_manager(root: str) -> str:
    for name in _PYTHON_ORDER:
        if any(os.path.exists(os.path.join(root, lock)) for lock in MANAGERS[name].LOCKFILES):
            return name
    return "pip"


def node_manager(root: str) -> str:
    """package.json's `packageManager` first (what the project says it uses), then the lockfile."""
    import json  # a node project's question only

    try:
        with open(os.path.join(root, "package.json")) as fh:
            pm = str(json.load(fh).get("packageManager", ""))
        if pm:
            name = pm.split("@")[0]
            return name if name in ("npm", "yarn", "pnpm", "bun") else "npm"
    except (OSError, ValueError, AttributeError, RecursionError):
        pass
    for name in _NODE_ORDER:
        if any(os.path.exists(os.path.join(root, lock)) for lock in MANAGERS[name].LOCKFILES):
            return name
    return "npm"


def __getattr__(name: str) -> object:
    # the protocol's value types (PEP 562): heal.managers.base, with its namedtuples, only for who uses them
    if name in ("Environment", "Run", "Undo"):
        from heal.managers import base

        return getattr(base, name)
    raise AttributeError(f"module 'heal.managers' has no attribute {name!r}")
