"""TOML data files read through a compiled cache: heal's playbooks, import map, command map and npm names,
and the config files (the user's, a project's heal.toml or pyproject.toml with a [tool.heal]) are parsed
once, not on every run.

tomllib is a pure-Python parser: importing it and parsing the 15 shipped files cost more than diagnosing and
planning together. The parsed table of each file is kept in the cache directory (heal.paths.cache_dir()) as
marshal data, under a name derived from the file's path, together with a key made of the file's content hash,
heal's version and the interpreter's cache tag. A file whose content changed, a cache written by another
heal or Python, and a cache file that is truncated, corrupt or unreadable are all misses: the file is parsed
again and the entry rewritten (atomically: a temp file renamed over it). The cache is never needed: when it
cannot be read or written, heal parses, as it did before it had one.
"""

from __future__ import annotations

import marshal
import os
import sys

from heal import __version__

try:
    # hashlib.blake2b without hashlib's OpenSSL set-up (see heal.diagnose.signature)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

_FORMAT = 1  # bumped when what is stored changes shape


def load(path: str) -> dict:
    """The table of the TOML file at path (parsed by heal.fsutil.toml_module), with its errors: OSError when it
    cannot be read, ValueError (TOMLDecodeError, UnicodeDecodeError) when it is not TOML, RecursionError when
    nested deeper than the parser goes."""
    with open(path, "rb") as fh:
        data = fh.read()
    key = file_key(data)
    entry = entry_path("toml", os.path.basename(path), path)
    table = read_entry(entry, key, dict)
    if table is not None:
        return table
    from heal.fsutil import toml_module

    table = toml_module().loads(data.decode("utf-8"))
    write_entry(entry, key, table)
    return table


def file_key(data: bytes) -> bytes:
    """The key of a cache entry made from data: its content hash, heal's version and the interpreter's."""
    digest = blake2b(data, digest_size=16).digest()
    return digest + f"|{__version__}|{sys.implementation.cache_tag}|{_FORMAT}".encode()


def entry_path(kind: str, name: str, source: str) -> str:
    """The cache file of `source` (a file or a directory) in the cache's `kind` directory: `name` keeps it
    readable, a hash of source's absolute path keeps two sources of the same name apart."""
    from heal.paths import cache_dir

    digest = blake2b(os.path.abspath(source).encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()
    return os.path.join(cache_dir(), kind, f"{name}.{digest}.marshal")


def read_entry(entry: str, key: bytes, kind: type) -> object:
    """The value stored in entry under key, when it is a `kind`; None on any miss (no entry, another key,
    an entry that is truncated, corrupt, unreadable or holds something else)."""
    try:
        with open(entry, "rb") as fh:
            stored = marshal.loads(fh.read())
    except Exception:  # noqa: BLE001 - missing, unreadable, truncated or corrupt: a miss, whatever it is
        return None
    if type(stored) is tuple and len(stored) == 2 and stored[0] == key and type(stored[1]) is kind:
        return stored[1]
    return None


def write_entry(entry: str, key: bytes, value: object) -> None:
    """Store value under key in entry, atomically; nothing when it cannot (the cache is never needed)."""
    try:
        blob = marshal.dumps((key, value))
    except ValueError:
        return  # a value marshal cannot hold (a TOML date): this file is parsed every time
    tmp = f"{entry}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(entry), mode=0o700, exist_ok=True)  # it holds projects' config: the user's
        with open(tmp, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, entry)  # readers see the old entry or the new one, never half of one
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
