"""What every package manager module provides (pre-commit's `languages/` shape), and the helpers they share.

Every manager offers (through heal.managers.Manager):
    NAME, ECOSYSTEM          its name in MANAGERS; python | node | go | rust
    LOCKFILES                files whose presence in a project says it manages it (checked in registry order)
    MANIFESTS                the files an install may rewrite: backed up byte-exact before every install
    add(tool, packages, *, python, dev) -> argv        install packages the project does not declare yet
    sync(tool, *, python, root) -> argv                 install what the project declares
    python(tool, root, env) -> str | None               the interpreter of the environment it keeps (Python)
    environment(cwd, python) -> Environment             what the target environment has installed now
    undo_remove(tool, undo) -> [Run]                    rollback, before the manifests are put back
    undo_sync(tool, undo) -> [Run]                      rollback, after they are
The first four are data in the registry (heal.managers), so that choosing a manager imports no manager's
module; the rest comes from the module, imported on first use. A module is mostly data (see Manager); it
defines a function only where its ecosystem's default does not fit.
"""

from __future__ import annotations

import os
from collections import namedtuple
from collections.abc import Sequence

from heal.memo import memo

# collections.namedtuple, not typing.NamedTuple: planning an install imports this module on every failure it
# can fix, and typing costs more than the planning (collections is loaded already, by re).


class Environment(namedtuple("Environment", ("packages", "requires", "where"))):
    __slots__ = ()
    packages: dict[str, str]  # name -> version
    requires: dict[str, list[str]]  # name -> the names it depends on (to name what a removal would break)
    where: str  # the environment's real path (what tells two environments apart)


class Undo(namedtuple("Undo", ("added", "replaced", "drift", "python", "cwd", "fresh"), defaults=(False,))):
    """What a rollback knows about one install when it asks the manager how to undo it."""

    __slots__ = ()
    added: list[str]  # packages the install added that are still there
    replaced: dict[str, str]  # name -> the version the install replaced
    drift: list[str]  # packages the environment gained or lost since, that heal did not change
    python: str
    cwd: str
    fresh: bool  # the environment did not exist before the install (no node_modules): all of it is ours


class Run(namedtuple("Run", ("argv", "remove"), defaults=((),))):
    """One command of an undo; `remove` names node packages to take out by hand instead of running argv."""

    __slots__ = ()
    argv: tuple[str, ...]
    remove: tuple[str, ...]


def no_environment(cwd: str, python: str) -> Environment:
    """go get / cargo add change only their manifests and lockfiles (backed up); what they download goes into a
    shared, read-only cache, like pip's."""
    return Environment({}, {}, "")


# The last listing of each interpreter this process took with modules to check (see python_listing): the
# install action's check() reads the one taken right after the install instead of starting the interpreter again.
_CHECKED: dict[str, tuple[tuple[str, ...], Environment, tuple[str, ...]]] = {}


def python_environment(cwd: str, python: str, modules: Sequence[str] = ()) -> Environment:
    """The distributions installed for an interpreter, read by that interpreter (as importlib.metadata finds
    them: heal.managers.pyscan), isolated (-I): an sdist's own `*.egg-info` in the working directory is not an
    installed distribution. With modules, which of them it cannot import is noted for verified()."""
    return python_listing(python, modules)[0]


def python_listing(python: str, modules: Sequence[str] = ()) -> tuple[Environment, tuple[str, ...]]:
    """(the environment, the modules of `modules` it cannot import), from one run of the interpreter, or
    without one: when only the listing is asked for and the interpreter's sys.path is known (see _relisted)."""
    from heal.errors import JournalError
    from heal.run import RunSpec, run

    script = _script()
    entry, key = _cache_slot(python, script)
    if not modules and entry:
        env = _relisted(entry, key)
        if env is not None:
            return env, ()
    result = run(RunSpec((python, "-I", "-c", script, *modules), passthrough=False, keep_stdout=True, timeout=120,
                         head_bytes=0, tail_bytes=0))
    fields = (result.stdout or b"").decode("utf-8", "surrogateescape").split("\0")
    try:
        if result.exit_code != 0 or fields[0] != "heal-pyscan-3":
            raise ValueError
        sites, at = _counted(fields, 3)
        paths, at = _counted(fields, at)
        loaded, at = _counted(fields, at)
        rows, at = _counted(fields, at, 3)
    except (ValueError, IndexError):
        raise JournalError(f"cannot list the packages installed for {python}") from None
    packages: dict[str, str] = {}
    requires: dict[str, list[str]] = {}
    for i in range(0, len(rows), 3):
        name, version, deps = rows[i:i + 3]
        packages[name] = None if version == "\x01" else version  # type: ignore[assignment]  # no Version header
        requires[name] = deps.split()
    env = Environment(packages, requires, os.path.realpath(fields[1]))
    missing = tuple(fields[at:])
    if modules:
        _CHECKED[python] = (tuple(modules), env, missing)
    if entry and fields[2] != "\x01":
        from heal.tomlcache import write_entry

        write_entry(entry, key, (tuple(paths), tuple(sites), tuple(loaded), fields[1], fields[2]))
    return env, missing


def _counted(fields: list[str], at: int, width: int = 1) -> tuple[list[str], int]:
    """The items of a count-prefixed run of fields at `at` (`width` fields each), and where the next run starts."""
    end = at + 1 + width * int(fields[at])
    if end > len(fields):
        raise ValueError
    return fields[at + 1:end], end


@memo
def _script() -> str:
    with open(os.path.join(os.path.dirname(__file__), "pyscan.py"), encoding="utf-8") as fh:
        return fh.read()


# An interpreter's sys.path is kept (in the cache directory) from its last listing, with the signature of what
# decided it (heal.managers.pyscan.scan): the interpreter file, its venv's pyvenv.cfg and a `._pth` here; the
# site directories, their .pth files, the paths those name and the code that ran at start-up there. While
# both are unchanged, the interpreter would find the same sys.path, so heal lists those directories itself,
# by the same code, instead of starting it (10-20 ms, twice per install and per rollback). A wrapper script
# (a pyenv shim picks its interpreter by the environment and the working directory) and a relative name are
# always started. Not covered: a `._pth` beside a shared libpython, and code run at start-up that decides
# sys.path from something else again (a file it reads, the time).

def _cache_slot(python: str, script: str) -> tuple[str, bytes]:
    """(the cache entry, its key) of this interpreter's sys.path; ("", b"") when it is not kept."""
    if not os.path.isabs(python):
        return "", b""
    try:
        st = os.stat(python)
        with open(python, "rb") as fh:
            if fh.read(2) == b"#!":
                return "", b""
    except OSError:
        return "", b""
    # what makes it a venv, and which (its bytes: `cp -a` of a venv keeps the stat of its copy alike; getpath
    # reads one beside the executable too); a `._pth` beside the interpreter or the file it links to replaces
    # sys.path (getpath, POSIX too from 3.11); the prefix follows the interpreter's real path (a hard link of
    # one binary in two prefixes, a conda environment's, has one stat)
    real = os.path.realpath(python)
    here = os.path.dirname(python)
    found = tuple(_bytes(p) for p in (os.path.join(os.path.dirname(here), "pyvenv.cfg"),
                                      os.path.join(here, "pyvenv.cfg"), python + "._pth", real + "._pth"))
    from heal.tomlcache import entry_path, file_key

    which = repr((python, real, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, found))
    return entry_path("pyscan", "python", python), file_key(f"{script}\0{which}".encode("utf-8", "surrogateescape"))


def _bytes(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read(65536)
    except OSError:
        return None


def _relisted(entry: str, key: bytes) -> Environment | None:
    """The environment listed here, from the sys.path the interpreter last reported, if what decided that
    sys.path is still the same; else None."""
    from heal.tomlcache import read_entry

    kept = read_entry(entry, key, tuple)
    shape = (tuple, tuple, tuple, str, str)
    if kept is None or len(kept) != len(shape) or not all(type(x) is t for x, t in zip(kept, shape)):
        return None
    paths, sites, loaded, prefix, signature = kept
    from heal.managers import pyscan

    packages, requires, now = pyscan.scan(list(paths), list(sites), loaded)
    if now != signature:
        return None
    return Environment(packages, requires, os.path.realpath(prefix))


def verified(python: str, modules: Sequence[str], dists: Sequence[str]) -> bool | None:
    """Whether the last listing of python taken with modules to check (the one an install's after-state took)
    has the distributions installed and the modules importable; None when there is none for these modules.
    Taken once: a later question asks the interpreter again."""
    from heal.managers.pyscan import norm

    got = _CHECKED.pop(python, None)
    if got is None or not set(modules) <= set(got[0]):
        return None
    _, env, missing = got
    return not set(modules) & set(missing) and all(norm(d) in env.packages for d in dists)


def managed_python_environment(cwd: str, python: str, modules: Sequence[str] = ()) -> Environment:
    """A manager that creates its environment on first use (uv's .venv): none yet means nothing installed."""
    if not os.path.exists(python):
        return Environment({}, {}, os.path.realpath(os.path.dirname(os.path.dirname(python))))
    return python_environment(cwd, python, modules)


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
