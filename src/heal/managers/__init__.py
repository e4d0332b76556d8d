"""Package managers, one module each behind one protocol (heal.managers.base), in one registry consulted by
planning (which manager, which argv), the journal (what an install may rewrite, what is installed) and
rollback (how to undo it). Adding a manager is a module here, a line in MANAGERS, and its test.

The registry holds what every manager is asked on every install it might plan (its ecosystem, lockfiles and
manifests) as data; a manager's module is imported the first time it is asked for more (Manager.module).
Planning an install asks which manager a project uses (every manager's lockfiles) and what one of them runs:
importing all eleven modules, and the helpers they share (heal.managers.base), for that cost a hook on every
failure about a millisecond.
"""

from __future__ import annotations

import os
import sys
from _collections_abc import Mapping, Sequence  # collections.abc's, without importing collections

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from types import ModuleType

    from heal.managers.base import Environment, Run, Undo


def which(name: str, env: Mapping[str, str] | None = None) -> str | None:
    from heal.lean import which as lookup  # shutil's, without shutil's imports

    return lookup(name, path=(env if env is not None else os.environ).get("PATH"))


def tool(name: str, env: Mapping[str, str] | None = None) -> str:
    """The manager's executable: its full path when it is on PATH, else its name (an error names it then)."""
    return which(name, env) or name


class Manager:
    """A manager module seen through the protocol: what it declares as data (the argv pieces below), the
    functions it defines itself where its ecosystem's default does not fit.

    Data a module may give:
        ADD, DEV          argv after the tool for adding packages, and the flag that makes them dev ones
        SYNC              argv after the tool for installing what the project declares
        ASK_PYTHON        argv after the tool that prints its environment's interpreter (Python managers)
        REMOVE            argv after the tool that removes packages (node managers' undo, before the manifests)
        RESYNC            argv tails run after the manifests are put back (an exact sync: uv, pdm)
    """

    __slots__ = ("NAME", "ECOSYSTEM", "LOCKFILES", "MANIFESTS", "_module")

    def __init__(self, name: str, ecosystem: str, lockfiles: tuple[str, ...], manifests: tuple[str, ...]) -> None:
        self.NAME = name
        self.ECOSYSTEM = ecosystem
        self.LOCKFILES = lockfiles
        self.MANIFESTS = manifests
        self._module: ModuleType | None = None

    @property
    def module(self) -> ModuleType:
        """heal.managers.<NAME>, imported the first time the manager is asked for more than its data."""
        module = self._module
        if module is None:
            path = f"heal.managers.{self.NAME}"
            __import__(path)  # not importlib: a hook's interpreter has not loaded it
            module = self._module = sys.modules[path]
        return module

    def _own(self, name: str):
        return getattr(self.module, name, None)

    def add(self, tool_: str, packages: Sequence[str], *, python: str = "", dev: bool = False) -> tuple[str, ...]:
        own = self._own("add")
        if own:
            return own(tool_, packages, python=python, dev=dev)
        return (tool_, *self.module.ADD, *(self.module.DEV if dev else ()), *packages)

    def sync(self, tool_: str, *, python: str = "", root: str = "", **kw: str) -> tuple[str, ...]:
        own = self._own("sync")
        if own:
            return own(tool_, python=python, root=root, **kw)
        return (tool_, *self.module.SYNC)

    def python(self, tool_: str, root: str, env: Mapping[str, str]) -> str | None:
        """The interpreter of the environment the manager keeps for the project; None when it keeps none (or
        has none for the project yet)."""
        own = self._own("python")
        if own:
            return own(tool_, root, env)
        if self.ECOSYSTEM != "python" or not hasattr(self.module, "ASK_PYTHON"):
            return None
        from heal.run import RunSpec, run

        r = run(RunSpec((tool_, *self.module.ASK_PYTHON), cwd=root, env=env, passthrough=False, keep_stdout=True,
                        timeout=60, head_bytes=0, tail_bytes=0))
        found = (r.stdout or b"").decode(errors="replace").strip()
        if r.exit_code != 0 or not os.path.isabs(found) or not os.path.exists(found):
            return None
        return found

    def environment(self, cwd: str, python: str, modules: Sequence[str] = ()) -> Environment:
        """What the environment has installed; modules (Python): also note which of them it cannot import, for
        heal.managers.base.verified (one run of the interpreter for both)."""
        from heal.managers.base import (managed_python_environment, no_environment, node_environment,
                                        python_environment)

        if self.ECOSYSTEM == "node":
            return node_environment(cwd, python)
        if self.ECOSYSTEM == "python":
            if self.NAME != "pip":
                return managed_python_environment(cwd, python, modules)
            return python_environment(cwd, python, modules)
        return no_environment(cwd, python)

    def undo_remove(self, tool_: str, undo: Undo) -> list[Run]:
        own = self._own("undo_remove")
        if own:
            return own(tool_, undo)
        from heal.managers.base import Run

        remove = getattr(self.module, "REMOVE", None)
        return [Run((tool_, *remove, *undo.added))] if remove and undo.added else []

    def undo_sync(self, tool_: str, undo: Undo) -> list[Run]:
        own = self._own("undo_sync")
        if own:
            return own(tool_, undo)
        from heal.managers.base import Run, has_any

        if self.ECOSYSTEM == "node":
            # with the lockfile back, an install restores the versions it pins (what the install replaced)
            if undo.replaced and has_any(undo.cwd, self.LOCKFILES) and \
                    os.path.exists(os.path.join(undo.cwd, "package.json")):
                return [Run((tool_, *self.module.SYNC))]
            return []
        return [Run((tool_, *tail)) for tail in getattr(self.module, "RESYNC", ())]

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
