"""What every package manager module provides (pre-commit's `languages/` shape), and the helpers they share.

Every manager offers (through `Manager`, which reads its module):
    NAME, ECOSYSTEM          its name in MANAGERS; python | node | go | rust
    LOCKFILES                files whose presence in a project says it manages it (checked in registry order)
    MANIFESTS                the files an install may rewrite: backed up byte-exact before every install
    add(tool, packages, *, python, dev) -> argv        install packages the project does not declare yet
    sync(tool, *, python, root) -> argv                 install what the project declares
    python(tool, root, env) -> str | None               the interpreter of the environment it keeps (Python)
    environment(cwd, python) -> Environment             what the target environment has installed now
    undo_remove(tool, undo) -> [Run]                    rollback, before the manifests are put back
    undo_sync(tool, undo) -> [Run]                      rollback, after they are
A module is mostly data (see Manager); it defines a function only where its ecosystem's default does not fit.
"""

from __future__ import annotations

import os
from collections import namedtuple
from collections.abc import Mapping, Sequence

# collections.namedtuple, not typing.NamedTuple: planning an install imports this module on every failure it
# can fix, and typing costs more than the planning (collections is loaded already, by re).


class Environment(namedtuple("Environment", ("packages", "requires", "where"))):
    __slots__ = ()
    packages: dict[str, str]  # name -> version
    requires: dict[str, list[str]]  # name -> the names it depends on (to name what a removal would break)
    where: str  # the environment's real path (what tells two environments apart)


class Undo(namedtuple("Undo", ("added", "replaced", "drift", "python", "cwd"))):
    """What a rollback knows about one install when it asks the manager how to undo it."""

    __slots__ = ()
    added: list[str]  # packages the install added that are still there
    replaced: dict[str, str]  # name -> the version the install replaced
    drift: list[str]  # packages the environment gained or lost since, that heal did not change
    python: str
    cwd: str


class Run(namedtuple("Run", ("argv", "remove"), defaults=((),))):
    """One command of an undo; `remove` names node packages to take out by hand instead of running argv."""

    __slots__ = ()
    argv: tuple[str, ...]
    remove: tuple[str, ...]


def which(name: str, env: Mapping[str, str] | None = None) -> str | None:
    from heal.lean import which as lookup  # shutil's, without shutil's imports

    return lookup(name, path=(env if env is not None else os.environ).get("PATH"))


def tool(name: str, env: Mapping[str, str] | None = None) -> str:
    """The manager's executable: its full path when it is on PATH, else its name (an error names it then)."""
    return which(name, env) or name


def no_environment(cwd: str, python: str) -> Environment:
    """go get / cargo add change only their manifests and lockfiles (backed up); what they download goes into a
    shared, read-only cache, like pip's."""
    return Environment({}, {}, "")


_PY_LIST = """import importlib.metadata as m, json, re, sys
norm = lambda n: re.sub(r'[-_.]+', '-', n).lower()
pkgs, reqs = {}, {}
for d in m.distributions():
    name = d.metadata['Name']
    if not name:
        continue
    pkgs[norm(name)] = d.version
    deps = set()
    for r in d.requires or ():
        if 'extra ==' in r.replace('extra==', 'extra =='):
            continue  # an optional dependency
        mm = re.match(r'\\s*([A-Za-z0-9][A-Za-z0-9._-]*)', r)
        if mm:
            deps.add(norm(mm.group(1)))
    reqs[norm(name)] = sorted(deps)
print(json.dumps({'prefix': sys.prefix, 'packages': pkgs, 'requires': reqs}))
"""


def python_environment(cwd: str, python: str) -> Environment:
    """The distributions installed for an interpreter, read by that interpreter (importlib.metadata)."""
    from heal.errors import JournalError
    from heal.run import RunSpec, run

    result = run(RunSpec((python, "-c", _PY_LIST), passthrough=False, keep_stdout=True, timeout=120, head_bytes=0,
                         tail_bytes=0))
    import json

    try:
        obj = json.loads(result.stdout or b"") if result.exit_code == 0 else None
    except ValueError:
        obj = None
    if not isinstance(obj, dict):
        raise JournalError(f"cannot list the packages installed for {python}")
    return Environment(obj["packages"], obj["requires"], os.path.realpath(obj["prefix"]))


def managed_python_environment(cwd: str, python: str) -> Environment:
    """A manager that creates its environment on first use (uv's .venv): none yet means nothing installed."""
    if not os.path.exists(python):
        return Environment({}, {}, os.path.realpath(os.path.dirname(os.path.dirname(python))))
    return python_environment(cwd, python)


def node_environment(cwd: str, python: str) -> Environment:
    """The packages in the project's node_modules (scoped ones included), from their package.json files."""
    import json

    directory = os.path.join(cwd, "node_modules")
    found: dict[str, str] = {}
    requires: dict[str, list[str]] = {}
    if os.path.isdir(directory):
        for name in os.listdir(directory):
            if name.startswith("."):
                continue
            path = os.path.join(directory, name)
            try:
                packages = [os.path.join(path, sub) for sub in os.listdir(path)] if name.startswith("@") else [path]
            except OSError:
                continue
            for pkg in packages:
                try:
                    with open(os.path.join(pkg, "package.json")) as fh:
                        meta = json.load(fh)
                    key = meta.get("name") or os.path.relpath(pkg, directory)
                    found[key] = str(meta.get("version", ""))
                    deps: set[str] = set()
                    for section in ("dependencies", "peerDependencies"):
                        if isinstance(meta.get(section), dict):
                            deps.update(meta[section])
                    requires[key] = sorted(deps)
                except (OSError, ValueError, AttributeError, TypeError, RecursionError):
                    continue
    return Environment(found, requires, os.path.realpath(directory))


def has_any(root: str, names: tuple[str, ...]) -> bool:
    return any(os.path.exists(os.path.join(root, n)) for n in names)


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

    def __init__(self, module) -> None:
        self.module = module
        self.NAME: str = module.NAME
        self.ECOSYSTEM: str = module.ECOSYSTEM
        self.LOCKFILES: tuple[str, ...] = module.LOCKFILES
        self.MANIFESTS: tuple[str, ...] = module.MANIFESTS

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

    def environment(self, cwd: str, python: str) -> Environment:
        if self.ECOSYSTEM == "node":
            return node_environment(cwd, python)
        if self.ECOSYSTEM == "python":
            return managed_python_environment(cwd, python) if self.NAME != "pip" else python_environment(cwd, python)
        return no_environment(cwd, python)

    def undo_remove(self, tool_: str, undo: Undo) -> list[Run]:
        own = self._own("undo_remove")
        if own:
            return own(tool_, undo)
        remove = getattr(self.module, "REMOVE", None)
        return [Run((tool_, *remove, *undo.added))] if remove and undo.added else []

    def undo_sync(self, tool_: str, undo: Undo) -> list[Run]:
        own = self._own("undo_sync")
        if own:
            return own(tool_, undo)
        if self.ECOSYSTEM == "node":
            # with the lockfile back, an install restores the versions it pins (what the install replaced)
            if undo.replaced and has_any(undo.cwd, self.LOCKFILES) and \
                    os.path.exists(os.path.join(undo.cwd, "package.json")):
                return [Run((tool_, *self.module.SYNC))]
            return []
        return [Run((tool_, *tail)) for tail in getattr(self.module, "RESYNC", ())]
