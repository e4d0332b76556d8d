"""Regular expressions compiled once per interpreter, not once per process.

Python compiles a regex in pure Python (re._parser, then re._compiler): the ~50 patterns one failure's
diagnosis and plan use cost ~4 ms of every failing run, a tenth of `heal diagnose`, while what the compiler
produces (the engine's code, the final flags, the groups) takes a twentieth of that to read back and hand to
_sre.compile, which is what re.compile ends with. heal keeps that output in its cache directory
(heal.paths.cache_dir()) as marshal data, one file per interpreter cache tag, its entries keyed by the full
version string, the regex engine's MAGIC and heal's version, so neither an upgrade of Python nor of heal
ever reads another's entries (heal.tomlcache's read_entry and write_entry, as its other caches).

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
_compiled: dict = {}  # (pattern, flags) -> the pattern object this process built: each is built once


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:  # noqa: A001 - re.compile's name, on purpose
    """re.compile(pattern, flags), from the cache when this interpreter compiled it before; once per process."""
    key = (pattern, int(flags))
    found = _compiled.get(key)
    if found is None:
        found = _compiled[key] = _build(pattern, key)
    return found


def _build(pattern: str, key: tuple[str, int]) -> re.Pattern[str]:
    entries = _entries if _entries is not None else _load()
    parts = entries.get(key)
    if parts is not None:
        try:
            return _sre.compile(pattern, *parts)
        except Exception:  # noqa: BLE001 - invalid code or arguments: a damaged entry, compiled afresh
            del entries[key]
    return _compile(pattern, key)


def _compile(pattern: str, key: tuple[str, int]) -> re.Pattern[str]:
    global _checked
    if _checked is not False and type(pattern) is str and len(_entries or ()) < MAX_ENTRIES:  # _added is in _entries too
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

    return os.path.join(cache_dir(), "re", f"{sys.implementation.cache_tag}.marshal")


def file_key() -> bytes:
    """What the file's entries are valid for: this interpreter build, its regex engine, this heal."""
    return f"{sys.version}|{_sre.MAGIC}|{__version__}|{_FORMAT}".encode()


def _load() -> dict:
    global _entries
    _entries = _read()
    return _entries


def _read() -> dict:
    from heal.tomlcache import read_entry  # the cache directory's one reader and writer of marshal entries

    found = read_entry(path(), file_key(), dict)
    return found if found is not None else {}


def _save() -> None:
    """Merge this process's new entries into the file (atomically). Runs at exit."""
    if not _added:
        return
    from heal.tomlcache import write_entry

    merged = _read()
    merged.update(_added)
    write_entry(path(), file_key(), merged if len(merged) <= MAX_ENTRIES else dict(_added))
    _added.clear()
