"""The SQLite binding the store uses: CPython's C module `_sqlite3` itself where it can. The `sqlite3` package
adds only the DB-API shell around it (sqlite3.dbapi2), which imports datetime to register date adapters and
converters the store never uses (it stores floats and text and sets no detect_types): ~2 ms of every failure
heal records. The exceptions and the Connection type are the same objects either way, so code that imports
`sqlite3` later (tests, `heal patterns`) catches what the store raises."""

from __future__ import annotations

try:
    import _sqlite3 as sqlite3

    if not all(hasattr(sqlite3, name) for name in ("connect", "Connection", "Error", "OperationalError")):
        raise ImportError("_sqlite3 without the DB-API names the store uses")
except ImportError:  # pragma: no cover - a Python whose C module has another shape
    import sqlite3  # type: ignore[no-redef]

__all__ = ["sqlite3"]
