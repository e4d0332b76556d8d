"""The pattern store's schema and its migrations. PRAGMA user_version is the schema version; each
migration takes the database from version i to i+1 inside the caller's transaction.

Append a migration, never edit a shipped one: databases out there were made by it.
tests/test_store_migrate.py migrates fixtures/store/patterns-v1.sqlite3, made by the v1 code path.
"""

from __future__ import annotations

import time
from _collections_abc import Callable  # collections.abc's, without importing collections
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing

if TYPE_CHECKING:
    import sqlite3

V1 = """
CREATE TABLE patterns (
    id INTEGER PRIMARY KEY,
    signature TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    category TEXT NOT NULL,
    tool TEXT NOT NULL DEFAULT '',
    fix TEXT NOT NULL,
    source TEXT NOT NULL,
    successes INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    first_used REAL,
    last_used REAL,
    UNIQUE (signature, fix)
);
CREATE TABLE outcomes (
    id INTEGER PRIMARY KEY,
    time REAL NOT NULL,
    duration REAL NOT NULL,
    category TEXT NOT NULL,
    signature TEXT NOT NULL,
    healed INTEGER NOT NULL,
    pattern_id INTEGER,
    command_hash TEXT NOT NULL
);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def _v1(db: sqlite3.Connection) -> None:
    _script(db, V1)


def _v2(db: sqlite3.Connection) -> None:
    """Scope, key facts and a summary for matching and listing; the text fuzzy matching compares, prepared
    once; approval of imported patterns by content hash; the user's choices; indexes for the lookup's
    prefilter and for metrics."""
    _script(db, """
        ALTER TABLE patterns ADD COLUMN ecosystem TEXT NOT NULL DEFAULT '';
        ALTER TABLE patterns ADD COLUMN scope TEXT NOT NULL DEFAULT '';
        ALTER TABLE patterns ADD COLUMN key TEXT NOT NULL DEFAULT '';
        ALTER TABLE patterns ADD COLUMN summary TEXT NOT NULL DEFAULT '';
        ALTER TABLE patterns ADD COLUMN created REAL NOT NULL DEFAULT 0;
        ALTER TABLE patterns ADD COLUMN approved_hash TEXT NOT NULL DEFAULT '';
        ALTER TABLE patterns ADD COLUMN compare TEXT NOT NULL DEFAULT '';
        CREATE TABLE approvals (hash TEXT PRIMARY KEY, time REAL NOT NULL);
        CREATE TABLE choices (kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, time REAL NOT NULL,
                              PRIMARY KEY (kind, key));
        CREATE INDEX patterns_gate ON patterns (scope, category, key);
        CREATE INDEX outcomes_time ON outcomes (time);
    """)
    # v1 knew only the tool; its rows keep an empty key, so they match by exact signature, or fuzzily only
    # failures that name nothing (guessing key facts from old text could pair a fix with the wrong module).
    now = time.time()
    db.execute("UPDATE patterns SET scope = tool, created = coalesce(first_used, last_used, ?)", (now,))
    # v1 wrote a playbook fix as {"playbook": id, "step": i} and a taught one as {"argv": [...]}; v2 names
    # the kind, so the fix text (part of the unique key) is rewritten in its canonical form.
    from heal.store.model import comparable

    for pid, fix, fingerprint in db.execute("SELECT id, fix, fingerprint FROM patterns").fetchall():
        db.execute("UPDATE patterns SET fix = ?, compare = ? WHERE id = ?",
                   (_v1_fix(fix), comparable(fingerprint), pid))


def _v1_fix(text: str) -> str:
    import json  # a migration from v1 only: opening a current store imports no json

    obj = json.loads(text)
    if "playbook" in obj:
        new = {"kind": "playbook", "playbook": obj["playbook"], "step": int(obj.get("step", 0))}
    else:
        new = {"kind": "command", "argv": list(obj["argv"])}
    return json.dumps(new, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _script(db: sqlite3.Connection, script: str) -> None:
    # executescript() would COMMIT the caller's transaction first; statements one by one stay inside it.
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_v1, _v2)
VERSION = len(MIGRATIONS)


def migrate(db: sqlite3.Connection, upto: int = VERSION) -> int:
    """Bring the database to version `upto` (inside an open write transaction). Returns the version found."""
    found = db.execute("PRAGMA user_version").fetchone()[0]
    for version in range(found, upto):
        MIGRATIONS[version](db)
    if found < upto:
        db.execute(f"PRAGMA user_version = {int(upto)}")
    return found
