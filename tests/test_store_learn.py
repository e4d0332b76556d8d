"""learn(store, attempts): the seam the engine calls after its loop, fed real Attempt and Fix values and
diagnoses of real captured outputs."""

from __future__ import annotations

import json
import os
import sqlite3

import pytest

from heal.diagnose import diagnose
from heal.fixes.model import Attempt, Fix
from heal.journal.changes import PackageChange
from heal.fixes.playbooks import load_all
from heal.store import Failure, PatternFix, Store, StoreUnavailable, learn
from heal.store.learn import playbook_step

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "outputs")
BOOKS, _ = load_all()


def diagnosis(name: str, replace: tuple[tuple[str, str], ...] = ()):
    with open(os.path.join(FIXTURES, name + ".json"), encoding="utf-8") as fh:
        fx = json.load(fh)
    text = fx["output"]
    for old, new in replace:
        text = text.replace(old, new)
    return diagnose(text, argv=fx["argv"], exit_code=fx["exit_code"])


YAML = diagnosis("python-modulenotfound-yaml")
REQUESTS = diagnosis("python-modulenotfound-requests")
HTTP503 = diagnosis("network-curl-http-503")
INSTALL = Fix("install", "install PyYAML", (".venv/bin/python", "-m", "pip", "install", "PyYAML"),
              source="python-missing-module",
              change=PackageChange("pip", (".venv/bin/python", "-m", "pip", "install", "PyYAML"), cwd="/tmp",
                                   packages=("PyYAML",)))
RETRY = Fix("retry", "run again after 1.0s", source="network-retry", wait=1.0)


@pytest.fixture
def store(tmp_path):
    with Store(str(tmp_path / "patterns.sqlite3")) as s:
        yield s


def rows(store: Store) -> list[tuple]:
    return [(p.signature, p.fix, p.source, p.successes, p.failures) for p in store.patterns()]


def outcomes(store: Store) -> list[tuple]:
    return store.db.execute("SELECT category, signature, healed, pattern_id FROM outcomes").fetchall()


def test_a_fix_that_healed_is_learned_as_its_playbook_step(store):
    healer = learn(store, [Attempt(YAML, INSTALL, True, 0, 3.0)], command=["python", "app.py"], started=100.0,
                   healed=True, books=BOOKS, now=112.5)
    install = PatternFix.of_playbook("python-missing-module", 0)
    assert rows(store) == [(YAML.signature, install, "learned", 1, 0)]
    assert outcomes(store) == [("dependency", YAML.signature, 1, healer)]
    assert store.metrics()["mttr_seconds"] == 12.5
    (c,) = store.lookup(Failure.of(YAML))
    assert c.fix == install  # re-planned next time: never the frozen "pip install PyYAML"


def test_progress_to_another_failure_counts_as_success_and_a_repeat_as_failure(store):
    install_requests = Fix("install", "install requests", source="python-missing-module")
    attempts = [Attempt(YAML, INSTALL, True, 1, 2.0),  # yaml installed: now requests is missing
                Attempt(REQUESTS, install_requests, True, 1, 2.0)]  # requests installed: requests still missing
    assert learn(store, attempts, command=["python", "app.py"], started=0.0, healed=False,
                 final_signature=REQUESTS.signature, books=BOOKS) is None
    install = PatternFix.of_playbook("python-missing-module", 0)
    assert rows(store) == [(YAML.signature, install, "learned", 1, 0), (REQUESTS.signature, install, "learned", 0, 1)]
    assert outcomes(store) == [("dependency", YAML.signature, 0, None)]


def test_a_fix_that_could_not_be_applied_failed(store):
    learn(store, [Attempt(YAML, INSTALL, False, 1, 1.0, note="pip exited 1")], command=["x"], started=0.0,
          healed=False, books=BOOKS)
    assert rows(store)[0][3:] == (0, 1)


def test_retries_count_per_attempt(store):
    attempts = [Attempt(HTTP503, RETRY, True, 22, 1.0), Attempt(HTTP503, RETRY, True, 0, 2.0)]
    learn(store, attempts, command=["curl", "-f", "http://x"], started=0.0, healed=True, books=BOOKS)
    assert rows(store) == [(HTTP503.signature, PatternFix.of_playbook("network-retry", 0), "learned", 1, 1)]


def test_suggestions_and_unknown_playbooks_teach_nothing_but_the_run_is_counted(store):
    suggest = Fix("suggest", "apt-get install libcurl4-openssl-dev", source="command-not-found")
    unknown = Fix("run", "something", source="no-such-playbook")
    learn(store, [Attempt(YAML, suggest, False, 1, 0.0), Attempt(YAML, unknown, True, 1, 0.0)], command=["x"],
          started=0.0, healed=False, books=BOOKS)
    assert rows(store) == []
    assert len(outcomes(store)) == 1


def test_a_stored_pattern_used_again_counts_for_it_and_is_learned_for_the_new_signature(store):
    other_file = diagnosis("python-modulenotfound-yaml", (("/app.py", "/worker.py"),))
    assert other_file.signature != YAML.signature
    install = PatternFix.of_playbook("python-missing-module", 0)
    pid = store.record_fix(Failure.of(YAML), install, True)
    (c,) = store.lookup(Failure.of(other_file))
    used = Fix("install", "install PyYAML", source=c.label)
    healer = learn(store, [Attempt(other_file, used, True, 0, 1.0)], command=["x"], started=0.0, healed=True,
                   books=BOOKS)
    assert store.get(pid).successes == 2
    assert (other_file.signature, install, "learned", 1, 0) in rows(store)
    assert healer != pid and store.get(healer).signature == other_file.signature


def test_an_imported_command_is_never_copied_into_a_learned_pattern(store):
    other_file = diagnosis("python-modulenotfound-yaml", (("/app.py", "/worker.py"),))
    from heal.store.model import Pattern

    f = Failure.of(YAML)
    store.add_imported([Pattern(id=0, signature=f.signature, fingerprint=f.fingerprint, category=f.category,
                                fix=PatternFix.of_command(["make", "deps"]), source="imported", tool=f.tool,
                                ecosystem=f.ecosystem, key=f.key, successes=3)])
    (imported,) = store.patterns()
    store.approve([imported.id])
    ran = Fix("run", "make deps", ("make", "deps"), source=f"learned:{imported.id}")
    learn(store, [Attempt(other_file, ran, True, 0, 1.0)], command=["x"], started=0.0, healed=True, books=BOOKS)
    (after,) = store.patterns()  # no second row: the command stays imported, and gated by its approval
    assert after.source == "imported" and after.successes == 4


def test_playbook_step_prefers_the_step_the_fix_names():
    steps = {"go-missing-module": ["install", "suggest"]}
    assert playbook_step(Fix("suggest", "go get x", source="go-missing-module"), steps) == \
        PatternFix.of_playbook("go-missing-module", 1)
    assert playbook_step(Fix("chmod", "x", source="go-missing-module"), steps) is None

    class Stepped:  # what Fix will carry once the planner records its step index
        action, source, step = "install", "go-missing-module", 1

    assert playbook_step(Stepped(), steps) == PatternFix.of_playbook("go-missing-module", 1)


def test_no_attempts_records_nothing(store):
    assert learn(store, [], command=["x"], started=0.0, healed=False, books=BOOKS) is None
    assert outcomes(store) == [] and rows(store) == []
    assert sqlite3.connect(store.path).execute("SELECT count(*) FROM outcomes").fetchone() == (0,)


def test_a_run_is_recorded_whole_or_not_at_all(store):
    # the counts of the fixes a run used and its outcome row are one transaction: a store that fails half way
    # (here a damaged row, read after the first count was written) keeps none of it, not half a run
    install = PatternFix.of_playbook("python-missing-module", 0)
    pid = store.record_fix(Failure.of(YAML), install, True)
    store.db.execute("UPDATE patterns SET fix = '{not json' WHERE id = ?", (pid,))
    used = Fix("install", "install PyYAML", source=f"learned:{pid}")
    with pytest.raises(StoreUnavailable):
        learn(store, [Attempt(YAML, used, True, 0, 1.0)], command=["x"], started=0.0, healed=True, books=BOOKS)
    assert store.db.execute("SELECT successes, failures FROM patterns WHERE id = ?", (pid,)).fetchone() == (1, 0)
    assert outcomes(store) == []
    learn(store, [], command=["x"], started=0.0, healed=False, books=BOOKS, first=YAML)  # the store goes on
    assert len(outcomes(store)) == 1


def test_a_transaction_commits_once_and_rolls_back_whole(store):
    install = PatternFix.of_playbook("python-missing-module", 0)
    with store.transaction():
        store.record_fix(Failure.of(YAML), install, True)
        store.record_fix(Failure.of(REQUESTS), install, False)
        # not committed yet: another connection sees nothing
        other = sqlite3.connect(store.path)
        assert other.execute("SELECT count(*) FROM patterns").fetchone() == (0,)
        other.close()
    assert len(rows(store)) == 2
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.record_fix(Failure.of(HTTP503), PatternFix.of_playbook("network-retry", 0), True)
            raise RuntimeError("the caller's own error goes through unchanged")
    assert len(rows(store)) == 2


def test_a_transaction_that_cannot_start_is_store_unavailable(store):
    holder = sqlite3.connect(store.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another heal writing, past this store's busy timeout
    store.db.execute("PRAGMA busy_timeout = 50")
    try:
        with pytest.raises(StoreUnavailable, match="locked"):
            with store.transaction():
                pass
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with store.transaction():  # free again: nothing was left half open
        store.record_fix(Failure.of(YAML), PatternFix.of_playbook("python-missing-module", 0), True)
    assert len(rows(store)) == 1
