"""A directory of playbooks loaded once: every file's checked fields (or its one-line error) in one cache entry.

Every failure heal plans for reads the shipped playbooks (31 files): parsing and checking them one by one cost
~2.5 ms of a hook's ~35, and checking a step's options imports every action's module. The outcome of loading
a directory (heal.fixes.playbooks.load of each file, in order) is kept in one entry of heal's cache
(heal.tomlcache's store), under a key made of
  - each file's name and status: inode, size, mtime and ctime (any write, rename or chmod sets a file's ctime
    to the time it happened, and nothing sets it back), so that a playbook edited, added, removed or replaced
    is a miss (stat, not reading: reading the 31 files cost more than the rest of a hit),
  - heal's version, the interpreter's cache tag and this module's _FORMAT,
  - the status of the modules whose code decides what loads (the loader's checks, the actions' options, the
    categories, risks and settings it checks against): a heal changed in place (an editable install) is a
    miss too.
A file changed within the last SETTLED_NS may change again within its timestamps' granularity and keep the
same status: an entry is written only when every one of those files is older (git's "racily clean" entries),
and until then the directory is loaded from its files. A hit builds the playbooks from the entry; their
`match.output` patterns compile on first use (most playbooks never get that far). A miss, or an entry that is
truncated, corrupt or holds something else, loads the files as before and rewrites the entry (atomically). A
file that cannot be read, or an error other than a PlaybookError, is never cached: the directory is then
loaded file by file, as without a cache.
"""

from __future__ import annotations

import os
import sys
import time

from heal import rx
from heal import __version__
from heal.fixes.playbooks import Playbook, load_or_error
from heal.lazyre import lazy
from heal.tomlcache import entry_path, read_entry, write_entry

try:
    from _blake2 import blake2b  # hashlib's, without its OpenSSL set-up (see heal.tomlcache)
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

_FORMAT = 2  # bumped when what an entry holds, or what its key is made of, changes
SETTLED_NS = 3_000_000_000  # longer than any file system's timestamp granularity (FAT's 2 s)
# a Playbook's fields an entry keeps, in the constructor's order (path is the file's, and the patterns are
# compiled again, on first use)
FIELDS = tuple(f for f in Playbook._fields if f not in ("path", "_compiled"))
_PATH = Playbook._fields.index("path")
_OUTPUT = FIELDS.index("output")
_OK, _ERROR = "ok", "error"


def load_directory(directory: str, names: list[str]) -> tuple[list[Playbook], list[str]] | None:
    """(playbooks, errors) of the .toml files `names` (sorted) in directory, as loading each with
    heal.fixes.playbooks.load gives them; None when a file cannot be read (the caller loads them itself)."""
    try:
        status = [os.stat(os.path.join(directory, name)) for name in names]
    except OSError:
        return None  # a file gone since the listing: loaded without the cache
    status += [_stat(path) for path in _code_files()]
    digest = blake2b(digest_size=16)
    digest.update("\0".join([directory, *names, __version__, sys.implementation.cache_tag, str(_FORMAT)]).encode(
        "utf-8", "surrogateescape"))  # errors name the files as the directory was given
    for st in status:
        digest.update(f"\0{st.st_ino}.{st.st_size}.{st.st_mtime_ns}.{st.st_ctime_ns}".encode() if st else b"\0-")
    key = digest.digest()
    entry = entry_path("playbooks", os.path.basename(directory) or "playbooks", directory)
    rows = read_entry(entry, key, tuple)
    if rows is not None:
        loaded = _from_rows(directory, names, rows)
        if loaded is not None:
            return loaded
    books: list[Playbook] = []
    errors: list[str] = []
    rows = []
    cacheable = True
    for name in names:
        book, error, own = load_or_error(os.path.join(directory, name))
        if book is None:
            errors.append(error)
            rows.append((name, _ERROR, error))
            cacheable = cacheable and own  # a RecursionError may be the machine's: tried again next time
            continue
        books.append(book)
        rows.append((name, _OK, tuple(getattr(book, f) for f in FIELDS)))
    settled = time.time_ns() - SETTLED_NS
    if cacheable and all(st is None or max(st.st_mtime_ns, st.st_ctime_ns) < settled for st in status):
        write_entry(entry, key, tuple(rows))
    return books, errors


def _from_rows(directory: str, names: list[str], rows: tuple) -> tuple[list[Playbook], list[str]] | None:
    """The playbooks and errors an entry holds, or None when it does not hold one row per file, each of the
    shape load_directory writes."""
    if len(rows) != len(names):
        return None
    books: list[Playbook] = []
    errors: list[str] = []
    try:
        for name, (stored, kind, value) in zip(names, rows):
            if stored != name:
                return None
            if kind == _ERROR and type(value) is str:
                errors.append(value)
                continue
            if kind != _OK or type(value) is not tuple or len(value) != len(FIELDS):
                return None
            compiled = tuple(lazy(p, rx.M) for p in value[_OUTPUT]) if value[_OUTPUT] else ()
            books.append(Playbook(*value[:_PATH], os.path.join(directory, name), *value[_PATH:], compiled))
    except (TypeError, ValueError):  # a row that is not a triple, a field of the wrong kind
        return None
    return books, errors


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None  # installed without sources: heal's version alone tells heals apart


def _code_files() -> list[str]:
    """The source of every module whose code decides what a playbook loads as."""
    fixes = os.path.dirname(os.path.abspath(__file__))
    heal = os.path.dirname(fixes)
    from heal.fixes import ACTION_MODULES

    modules = ("__init__", "playbooks", "playbook_cache", "model", *ACTION_MODULES.values())
    return [os.path.join(fixes, f"{m}.py") for m in modules] + [os.path.join(heal, "config.py"),
                                                               os.path.join(heal, "diagnose", "model.py")]
