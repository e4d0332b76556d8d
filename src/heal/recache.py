"""Regular expressions compiled once per interpreter, not once per process.

Python compiles a regex in pure Python (re._parser, then re._compiler): the ~50 patterns one failure's
diagnosis and plan use cost ~4 ms of every failing run, a tenth of `heal diagnose`, while what the compiler
produces (the engine's code, the final flags, the groups) takes a twentieth of that to read back and hand to
_sre.compile, which is what re.compile ends with. heal keeps that output in its cache directory
(heal.paths.cache_dir()) as marshal data, in a file named for the interpreter (its cache tag, the full
version string and the regex engine's MAGIC) and for heal's version, so neither an upgrade of Python nor
of heal ever reads another's entries.

_parts() takes re.compile's steps one by one (parse, generate code, collect the groups); the first pattern a
process builds that way is compared with re.compile's (equality covers pattern, flags and code), and an
interpreter whose internals differ from what this module expects caches nothing and compiles as before
(tests/test_recache.py compares every pattern heal has). _sre.compile validates the code it is given, so
a truncated, corrupt or edited cache file is a miss like any other. New entries are written once, when the
process exits, merged with what other heal processes wrote meanwhile (a temp file renamed over the old one);
a lost race costs only a compile in a later run. Only patterns written in heal's source or shipped data go
through here (a bounded set); anything made from input uses re.compile.
"""

from __future__ import annotations

import marshal
import os
import sys

import _sre

from heal import __version__

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    import re

_FORMAT = 1  # bumped when what is stored changes shape
MAX_ENTRIES = 4096  # a bound, far above heal's own patterns, on what a file can grow to

# (pattern, flags) -> (final flags, code, groups, groupindex, indexgroup): _sre.compile's arguments after the
# pattern. None until the file is read.
_entries: dict | None = None
_added: dict = {}
_checked: bool | None = None  # whether a pattern built from _parts was re.compile's (None: not tried yet)


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:  # noqa: A001 - re.compile's name, on purpose
    """re.compile(pattern, flags), from the cache when this interpreter compiled it before."""
    entries = _entries if _entries is not None else _load()
    key = (pattern, int(flags))
    parts = entries.get(key)
    if parts is not None:
        try:
            return _sre.compile(pattern, *parts)
        except Exception:  # noqa: BLE001 - invalid code or arguments: a damaged entry, compiled afresh
            del entries[key]
    return _compile(pattern, key)


def _compile(pattern: str, key: tuple[str, int]) -> re.Pattern[str]:
    global _checked
    if _checked is not False and type(pattern) is str and len(_entries or ()) + len(_added) < MAX_ENTRIES:
        parts = _parts(pattern, key[1])
        try:
            compiled = None if parts is None else _sre.compile(pattern, *parts)
        except Exception:  # noqa: BLE001 - _sre's arguments differ here: nothing is cached
            compiled = None
        if compiled is not None and _checked is None:
            # once per process, that the steps _parts copies are re.compile's on this interpreter
            import re

            _checked = compiled == re.compile(pattern, key[1])
        if compiled is not None and _checked:
            if not _added:
                import atexit

                atexit.register(_save)
            _added[key] = parts
            _entries[key] = parts  # type: ignore[index]
            return compiled
    import re

    return re.compile(pattern, key[1])


def _parts(pattern: str, flags: int) -> tuple | None:
    """What re.compile passes to _sre.compile after the pattern (re._compiler.compile, step by step)."""
    try:
        try:
            from re import _compiler, _parser  # type: ignore[attr-defined]
        except ImportError:  # Python 3.10
            import sre_compile as _compiler  # type: ignore[no-redef]
            import sre_parse as _parser  # type: ignore[no-redef]
        tree = _parser.parse(pattern, flags)
        code = _compiler._code(tree, flags)
        state = tree.state
        indexgroup: list[str | None] = [None] * state.groups
        for name, index in state.groupdict.items():
            indexgroup[index] = name
        return (int(flags | state.flags), [int(c) for c in code], state.groups - 1, dict(state.groupdict),
                tuple(indexgroup))
    except Exception:  # noqa: BLE001 - internals of another shape: this pattern is not cached
        return None


def path() -> str:
    from heal.paths import cache_dir

    version = f"{sys.version}|{_sre.MAGIC}|{__version__}|{_FORMAT}"
    tag = _digest(version)
    return os.path.join(cache_dir(), "re", f"{sys.implementation.cache_tag}-{tag}.marshal")


def _digest(text: str) -> str:
    try:
        from _blake2 import blake2b  # hashlib's OpenSSL set-up is not needed for a file name
    except ImportError:  # pragma: no cover - a Python built without it
        from hashlib import blake2b
    return blake2b(text.encode(), digest_size=8).hexdigest()


def _load() -> dict:
    global _entries
    _entries = _read(path())
    return _entries


def _read(file: str) -> dict:
    try:
        with open(file, "rb") as fh:
            stored = marshal.loads(fh.read())
    except Exception:  # noqa: BLE001 - missing, unreadable, truncated or corrupt: empty, whatever it is
        return {}
    return stored if type(stored) is dict else {}


def _save() -> None:
    """Merge this process's new entries into the file (atomically). Runs at exit."""
    if not _added:
        return
    file = path()
    merged = _read(file)
    merged.update(_added)
    if len(merged) > MAX_ENTRIES:
        merged = dict(_added)
    tmp = f"{file}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(file), mode=0o700, exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(marshal.dumps(merged))
        os.replace(tmp, file)  # readers see the old file or the new one, never half of one
    except (OSError, ValueError):
        try:
            os.unlink(tmp)
        except OSError:
            pass
    _added.clear()
