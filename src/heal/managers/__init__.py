"""Package managers, one module each behind one protocol (heal.managers.base), in one registry consulted by
planning (which manager, which argv), the journal (what an install may rewrite, what is installed) and
rollback (how to undo it). Adding a manager is a module here, a line in MANAGERS, and its test.
"""

from __future__ import annotations

import os

from heal.managers import bun, cargo, go, npm, pdm, pip, pipenv, pnpm, poetry, uv, yarn
from heal.managers.base import Environment, Manager, Run, Undo, tool, which

MANAGERS = {m.NAME: Manager(m) for m in (pip, uv, poetry, pipenv, pdm, npm, yarn, pnpm, bun, go, cargo)}

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
