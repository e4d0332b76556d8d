"""Migrating a pattern store made by heal's v1 code path (fixtures/store/patterns-v1.sqlite3, made by
fixtures/store/make_v1.py) to the current schema: nothing lost, the new columns filled, and it works."""

from __future__ import annotations

import os
import shutil
import sqlite3

import pytest

from heal.store import Failure, PatternFix, Store, is_approved, schema

V1 = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "store",
                  "patterns-v1.sqlite3")


@pytest.fixture
def old_store(tmp_path) -> str:
    path = str(tmp_path / "patterns.sqlite3")
    shutil.copyfile(V1, path)
    return path


def test_the_store_opens_at_the_schemas_version():
    from heal.store import db

    assert db.SCHEMA_VERSION == schema.VERSION == len(schema.MIGRATIONS)


def test_the_fixture_is_a_v1_store():
    db = sqlite3.connect(f"file:{V1}?mode=ro", uri=True)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    columns = {r[1] for r in db.execute("PRAGMA table_info(patterns)")}
    assert "scope" not in columns and "approved_hash" not in columns


def test_a_v1_store_migrates_and_keeps_everything(old_store):
    with Store(old_store) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == schema.VERSION
        patterns = store.patterns()
        assert [(p.id, p.source, p.successes, p.failures) for p in patterns] == [
            (1, "learned", 3, 0), (2, "learned", 1, 2), (3, "taught", 1, 0)]
        assert patterns[0].fix == PatternFix.of_playbook("python-missing-module", 0)
        assert patterns[2].fix == PatternFix.of_command(["make", "clean"])
        assert [(p.tool, p.scope, p.key) for p in patterns] == [("python", "python", ""), ("curl", "curl", ""),
                                                                ("gcc", "gcc", "")]
        assert patterns[0].created == 1_790_000_000.0 and patterns[0].last_used == 1_790_000_000.0 + 86400
        assert all(is_approved(p) for p in patterns)
        m = store.metrics()
        assert (m["runs"], m["healed"], m["mttr_seconds"]) == (3, 2, 8.2)  # (12.5 + 4.0) / 2, rounded
        # the migrated store works: the old row is found by its exact signature, and still counts
        f = Failure(patterns[0].signature, patterns[0].fingerprint, "dependency", "python")
        (c,) = store.lookup(f)
        assert c.id == 1 and c.exact
        assert store.record_fix(f, PatternFix.of_playbook("python-missing-module", 0), True) == 1
        assert store.get(1).successes == 4
        store.record_outcome(started=1.0, duration=1.0, category="test", signature="t", healed=False, argv=["x"])
        assert store.metrics()["runs"] == 4


def test_migrating_twice_and_concurrently_opened_stores_agree(old_store):
    a = Store(old_store)
    b = Store(old_store)  # opened after a migrated it: nothing to do
    assert a.patterns() == b.patterns()
    a.close()
    b.close()


def test_a_migration_that_fails_leaves_the_v1_store_as_it_was(old_store):
    db = sqlite3.connect(old_store)
    db.execute("UPDATE patterns SET fix = 'not json' WHERE id = 2")  # a row v2's migration cannot read
    db.commit()
    db.close()
    from heal.store import StoreUnavailable

    with pytest.raises(StoreUnavailable):
        Store(old_store)
    db = sqlite3.connect(old_store)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1  # rolled back whole: still a v1 store
    assert "scope" not in {r[1] for r in db.execute("PRAGMA table_info(patterns)")}
