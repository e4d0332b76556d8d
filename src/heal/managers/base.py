"""What every package manager module provides (pre-commit's `languages/` shape), and the helpers they share.

A manager module has:
    NAME, ECOSYSTEM          its name in MANAGERS; python | node | go | rust
    LOCKFILES                files whose presence in a project says it manages it (checked in registry order)
    MANIFESTS                the files an install may rewrite: backed up byte-exact before every install
    add(tool, packages, *, python, dev) -> argv        install packages the project does not declare yet
    sync(tool, *, python, root) -> argv                 install what the project declares
    python(tool, root, env) -> str | None               the interpreter of the environment it keeps (Python)
    environment(cwd, python) -> Environment             what the target environment has installed now
    undo_remove(tool, undo) -> [Run]                    rollback, before the manifests are put back
    undo_sync(tool, undo) -> [Run]                      rollback, after they are
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import NamedTuple


class Environment(NamedTuple):
    packages: dict[str, str]  # name -> version
    requires: dict[str, list[str]]  # name -> the names it depends on (to name what a removal would break)
    where: str  # the environment's real path (what tells two environments apart)


class Undo(NamedTuple):
    """What a rollback knows about one install when it asks the manager how to undo it."""

    added: list[str]  # packages the install added that are still there
    replaced: dict[str, str]  # name -> the version the install replaced
    drift: list[str]  # packages the environment gained or lost since, that heal did not change
    python: str
    cwd: str


class Run(NamedTuple):
    """One command of an undo; `remove` names node packages to take out by hand instead of running argv."""

    argv: tuple[str, ...]
    remove: tuple[str, ...] = ()


def which(name: str, env: Mapping[str, str] | None = None) -> str | None:
    import shutil

    return shutil.which(name, path=(env if env is not None else os.environ).get("PATH"))


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


def reinstall_if_replaced(argv: tuple[str, ...], lockfiles: tuple[str, ...]):
    """A node manager's undo_sync: with the lockfile put back, an install restores the versions it pins (what
    the install replaced); nothing to do when nothing was replaced or there is no lockfile."""

    def undo_sync(tool_: str, undo: Undo) -> list[Run]:
        if undo.replaced and has_any(undo.cwd, lockfiles) and os.path.exists(os.path.join(undo.cwd, "package.json")):
            return [Run((tool_, *argv))]
        return []

    return undo_sync
