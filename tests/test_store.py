"""heal.store: lookup, confidence, learning, choices, outcomes, metrics, approval, and the one-line failure
modes. Real SQLite files in temp dirs, failures diagnosed from real captured outputs."""

from __future__ import annotations

import json
import os
import sqlite3
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heal.diagnose import diagnose
from heal.store import (BadPattern, Failure, PatternFix, Store, StoreUnavailable, content_hash, is_approved, refusal,
                        wilson)
from heal.store import db as store_db
from heal.store import model, schema

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "outputs")
INSTALL = PatternFix.of_playbook("python-missing-module", 0)
RETRY = PatternFix.of_playbook("network-retry", 0)
GHP = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"


def fixture(name: str) -> dict:
    with open(os.path.join(FIXTURES, name + ".json"), encoding="utf-8") as fh:
        return json.load(fh)


def failure(name: str, replace: tuple[tuple[str, str], ...] = ()) -> Failure:
    fx = fixture(name)
    text = fx["output"]
    for old, new in replace:
        assert old in text
        text = text.replace(old, new)
    return Failure.of(diagnose(text, argv=fx["argv"], exit_code=fx["exit_code"]))


@pytest.fixture
def store(tmp_path):
    with Store(str(tmp_path / "state" / "patterns.sqlite3")) as s:
        yield s


# --- confidence -----------------------------------------------------------------------------------


def test_wilson_is_a_lower_bound_that_grows_with_evidence():
    assert wilson(0, 0) == 0.0 and wilson(0, 5) == 0.0
    assert wilson(1, 0) == pytest.approx(0.2065, abs=1e-4)
    assert wilson(10, 0) == pytest.approx(0.7225, abs=1e-4)
    # the same 100% rate with more evidence is more confident; a better rate with the same n too
    assert wilson(1, 0) < wilson(3, 0) < wilson(10, 0) < wilson(100, 0) < 1.0
    assert wilson(5, 5) < wilson(8, 2) < wilson(10, 0)
    # one lucky success is worth less than a long good record with a few failures: not a raw ratio
    assert wilson(1, 0) < wilson(40, 4)


def test_key_facts_and_categories_are_the_diagnosis_ones():
    from heal.diagnose.model import CATEGORIES
    from heal.diagnose.signature import KEY_FACTS

    assert model.KEY_FACTS == KEY_FACTS
    assert model.CATEGORIES == CATEGORIES


def test_config_default_cutoff_is_the_stores():
    from heal import config

    assert config.defaults()["learn.cutoff"] == store_db.DEFAULT_CUTOFF
    assert config.defaults()["learn.enabled"] is True


def _comparable_by_regex(fingerprint: str) -> str:
    """comparable() as the rows already stored were prepared: whitespace runs by regex."""
    import re

    return re.sub(r"\s+", " ", fingerprint[: model.MAX_COMPARE * 2]).strip().lower()[: model.MAX_COMPARE]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85"
                                                                         "\xa0\u1680\u2000\u2028\u3000\u200b"),
               max_size=2500))
def test_comparable_is_the_text_stored_rows_were_compared_by(text):
    assert model.comparable(text) == _comparable_by_regex(text)


def test_comparable_on_every_fixture_output():
    for name in sorted(os.listdir(FIXTURES)):
        out = fixture(name[:-5])["output"]
        assert model.comparable(out) == _comparable_by_regex(out)


_VALUES = [
    model.PatternFix.of_advice([["npm", "install"]]),
    model.Failure("s/1", "evidence", "dependency", tool="pip"),
    model.Pattern(7, "s/1", "evidence", "dependency", INSTALL, "learned", successes=3, last_used=5.0),
    model.Candidate(7, "learned", INSTALL, 0.9, 0.5, 3, 1, False, None),
]


@pytest.mark.parametrize("value", _VALUES, ids=lambda v: type(v).__name__)
def test_the_values_are_what_named_tuples_were(value):
    import pickle
    from collections import namedtuple

    cls = type(value)
    twin = namedtuple(cls.__name__, cls._fields)(*value)  # what each class was made by before
    assert repr(value) == repr(twin) and value._asdict() == twin._asdict()
    assert value == twin == tuple(value) and hash(value) == hash(twin) and isinstance(value, tuple)
    assert all(getattr(value, name) == value[i] for i, name in enumerate(cls._fields))
    changed = value._replace(**{cls._fields[1]: "other"})
    assert type(changed) is cls and changed[1] == "other" and changed[2:] == value[2:]
    assert pickle.loads(pickle.dumps(value)) == value and type(pickle.loads(pickle.dumps(value))) is cls
    assert cls._make(list(value)) == value
    with pytest.raises(ValueError, match="unexpected field names"):
        value._replace(nope=1)
    with pytest.raises(AttributeError):
        value.__setattr__(cls._fields[0], 1)
    with pytest.raises(TypeError):
        cls()  # the first field is required, as it was


# --- lookup ----------------------------------------------------------------------------------------


def test_exact_signature_is_found(store):
    f = failure("python-modulenotfound-yaml")
    pid = store.record_fix(f, INSTALL, True)
    (c,) = store.lookup(f)
    assert (c.id, c.exact, c.similarity, c.fix, c.source) == (pid, True, 1.0, INSTALL, "learned")
    assert (c.successes, c.failures) == (1, 0) and c.confidence == pytest.approx(wilson(1, 0))
    assert c.label == f"learned:{pid}"


def test_the_same_error_in_another_file_matches_fuzzily(store):
    learned = failure("python-modulenotfound-yaml")
    pid = store.record_fix(learned, INSTALL, True)
    other = failure("python-modulenotfound-yaml", (("/app.py", "/src/tools/main.py"), ("line 1,", "line 40,")))
    assert other.signature != learned.signature  # another file name: another signature
    (c,) = store.lookup(other)
    assert c.id == pid and not c.exact and store_db.DEFAULT_CUTOFF <= c.similarity < 1.0


def test_another_module_or_scope_or_category_never_matches(store):
    store.record_fix(failure("python-modulenotfound-yaml"), INSTALL, True)
    # the same traceback naming another module: the evidence reads alike, the key facts differ
    requests = failure("python-modulenotfound-yaml", (("'yaml'", "'requests'"), ("import yaml", "import requests")))
    assert requests.key != failure("python-modulenotfound-yaml").key
    assert store.lookup(requests) == []
    assert store.lookup(failure("node-require-not-found-lodash")) == []
    assert store.lookup(failure("python-keyerror-environ")) == []


def test_cutoff_decides_fuzzy_matches(tmp_path):
    learned = failure("npm-run-missing-script")
    older_npm = failure("npm-run-missing-script", (("npm error", "npm ERR!"), ("npm warn", "npm WARN")))
    from heal.store.match import similarity

    s = similarity(learned.fingerprint, older_npm.fingerprint)
    with Store(str(tmp_path / "a.sqlite3"), cutoff=s - 0.01) as loose:
        loose.record_fix(learned, PatternFix.of_playbook("npm-missing-script", 0), True)
        assert [c.similarity for c in loose.lookup(older_npm)] == [pytest.approx(s)]
        assert loose.lookup(older_npm, cutoff=s + 0.01) == []
    with Store(str(tmp_path / "a.sqlite3"), cutoff=s + 0.01) as strict:
        assert strict.lookup(older_npm) == []


def test_exact_first_then_similarity_times_confidence(store):
    f = failure("python-modulenotfound-yaml")
    near = failure("python-modulenotfound-yaml", (("/app.py", "/worker.py"),))
    far = failure("python-modulenotfound-yaml", (("/app.py", "/services/billing/scheduler_main.py"),))
    a = store.teach(f.signature, f.fingerprint, f.category, f.tool, ["make", "deps"], ecosystem=f.ecosystem,
                    key=f.key)
    b = store.teach(near.signature, near.fingerprint, near.category, near.tool, ["make", "venv"],
                    ecosystem=near.ecosystem, key=near.key)
    c = store.teach(far.signature, far.fingerprint, far.category, far.tool, ["make", "bootstrap"],
                    ecosystem=far.ecosystem, key=far.key)
    for _ in range(20):  # a long record makes the farther pattern the better bet
        store.record_use(c.id, True)
    found = store.lookup(f, cutoff=0.5)
    assert found[0].id == a.id and found[0].exact
    assert [x.id for x in found[1:]] == [c.id, b.id]
    assert found[1].similarity < found[2].similarity and found[1].score > found[2].score


def test_a_fix_that_failed_for_a_signature_is_skipped_for_it(store):
    f = failure("network-curl-http-503")
    store.record_fix(f, RETRY, True)
    assert [c.fix for c in store.lookup(f)] == [RETRY]
    store.record_fix(f, RETRY, False)
    assert [c.fix for c in store.lookup(f)] == [RETRY]  # 1 of 2: still offered, with less confidence
    store.record_fix(f, RETRY, False)
    assert store.lookup(f) == []  # failed more often than it worked here


def test_a_fix_failed_here_is_not_offered_through_a_similar_pattern(store):
    learned = failure("python-modulenotfound-yaml", (("/app.py", "/worker.py"),))
    store.record_fix(learned, INSTALL, True)
    here = failure("python-modulenotfound-yaml")
    assert [c.fix for c in store.lookup(here)] == [INSTALL]
    store.record_fix(here, INSTALL, False)
    assert store.lookup(here) == []


def test_rank_fixes_moves_steps_that_failed_here_later_and_drops_failed_ones(store):
    go_get, go_suggest = PatternFix.of_playbook("go-missing-module", 0), PatternFix.of_playbook("go-missing-module", 1)
    f = failure("go-missing-module-no-required-module")
    other = failure("python-modulenotfound-yaml")
    assert store.rank_fixes(f.signature, [go_get, go_suggest]) == [go_get, go_suggest]  # nothing known: as planned
    store.record_fix(other, go_get, False)  # it failed in this environment, for another failure
    assert store.rank_fixes(f.signature, [go_get, go_suggest]) == [go_suggest, go_get]
    store.record_fix(f, go_get, False)  # and now for this one: still later
    assert store.rank_fixes(f.signature, [go_get, go_suggest]) == [go_suggest, go_get]
    store.record_fix(f, go_get, False)  # it keeps failing for this one: skipped
    assert store.rank_fixes(f.signature, [go_get, go_suggest]) == [go_suggest]
    store.record_fix(f, go_suggest, True)  # a step that worked here is never dropped by another's record
    assert store.rank_fixes(f.signature, [go_get, go_suggest]) == [go_suggest]
    # a month after its last failure here, it is tried again (last): an outage does not ban a fix for good
    assert store.rank_fixes(f.signature, [go_get, go_suggest], now=time.time() + 31 * 86400) == [go_suggest, go_get]


def test_lookup_uses_the_per_process_cache_until_anyone_commits(tmp_path):
    path = str(tmp_path / "p.sqlite3")
    learned = failure("python-modulenotfound-yaml", (("/app.py", "/worker.py"),))
    here = failure("python-modulenotfound-yaml")
    with Store(path) as reader, Store(path) as writer:
        assert reader.lookup(here) == []  # caches the (empty) candidate list
        writer.record_fix(learned, INSTALL, True)  # another connection commits
        assert [c.fix for c in reader.lookup(here)] == [INSTALL]
        third = failure("python-modulenotfound-yaml", (("/app.py", "/cli.py"),))
        taught = reader.teach(third.signature, third.fingerprint, third.category, third.tool, ["make", "deps"],
                              ecosystem=third.ecosystem, key=third.key)  # its own commit, too
        assert {c.id for c in reader.lookup(here)} == {taught.id, 1}


# --- learning from the user and from outside -------------------------------------------------------


def test_teach_keeps_a_command_relative_and_without_secrets(store, tmp_path):
    f = failure("python-modulenotfound-yaml")
    project = str(tmp_path / "proj")
    p = store.teach(f.signature, f.fingerprint, f.category, f.tool,
                    [f"{project}/.venv/bin/pip", "install", "-r", f"{project}/requirements.txt",
                     f"--index-url=https://ci:{GHP}@pypi.example/simple"], key=f.key, cwd=project)
    assert p.source == "taught" and p.fix.kind == "command" and (p.successes, p.failures) == (1, 0)
    assert p.fix.argv[:4] == ("./.venv/bin/pip", "install", "-r", "./requirements.txt")
    assert GHP not in json.dumps(p.fix.to_json()) and "***" in p.fix.argv[4]
    again = store.teach(f.signature, f.fingerprint, f.category, f.tool, list(p.fix.argv), key=f.key)
    assert again.id == p.id and again.successes == 2
    with open(store.path, "rb") as fh:
        assert GHP.encode() not in fh.read()


def test_a_taught_command_is_redacted_as_a_command_line(store):
    f = failure("python-modulenotfound-yaml")
    p = store.teach(f.signature, f.fingerprint, f.category, f.tool, ["mysql", "--password", "hunter2-plain", "app"])
    assert p.fix.argv == ("mysql", "--password", "***", "app")  # the secret is in the element after the option


@pytest.mark.parametrize("argv", [[], "make clean", ["--force"], ["make", "a\x00b"], [""]])
def test_teach_refuses_what_is_not_a_command(store, argv):
    with pytest.raises(BadPattern):
        store.teach("s", "e", "build", "make", argv)


def test_observed_commands_are_advice(store):
    f = failure("node-require-not-found-lodash")
    p = store.observe(f, [["npm", "install", "lodash"], ["npm", "test"]])
    assert p.source == "observed" and p.fix.kind == "advice" and not p.fix.runs_command
    assert p.fix.commands == (("npm", "install", "lodash"), ("npm", "test"))
    (c,) = store.lookup(f)
    assert c.source == "observed" and c.fix.argv is None


def test_a_choice_is_remembered(store, tmp_path):
    assert store.choice("python-import", "cv2") is None
    store.remember_choice("python-import", "cv2", "opencv-python-headless")
    with Store(store.path) as again:
        assert again.choice("python-import", "cv2") == "opencv-python-headless"
        again.remember_choice("python-import", "cv2", "opencv-python")
    assert store.choice("python-import", "cv2") == "opencv-python"
    assert store.choice("python-import", "multipart") is None


def test_record_fix_takes_playbook_steps_only(store):
    with pytest.raises(BadPattern):
        store.record_fix(failure("python-modulenotfound-yaml"), PatternFix.of_command(["make"]), True)


# --- outcomes and metrics ------------------------------------------------------------------------


def test_outcomes_keep_a_salted_hash_of_the_command_never_the_line(store, tmp_path):
    secret_argv = ["deploy", "--prod", "acme-unique-host-771"]
    store.record_outcome(started=1000.0, duration=5.0, category="network", signature="n/x/1", healed=False,
                         argv=secret_argv)
    store.close()
    data = b"".join(open(p, "rb").read() for p in (store.path, store.path + "-wal") if os.path.exists(p))
    assert b"acme-unique-host-771" not in data
    db = sqlite3.connect(store.path)
    (digest,) = db.execute("SELECT command_hash FROM outcomes").fetchone()
    import hashlib

    plain = hashlib.blake2b("\x00".join(secret_argv).encode(), digest_size=16).hexdigest()
    assert len(digest) == 32 and digest != plain  # keyed: not recoverable by hashing guesses


def test_metrics(store):
    week = 7 * 86400
    now = 1_795_000_000.0  # a Thursday
    rows = [  # started, duration, category, healed
        (now - 100, 10.0, "dependency", True), (now - 200, 30.0, "dependency", True),
        (now - 300, 50.0, "network", False), (now - week - 10, 20.0, "network", True),
        (now - 20 * week, 5.0, "test", False),
    ]
    pid = store.record_fix(failure("python-modulenotfound-yaml"), INSTALL, True)
    for started, duration, category, healed in rows:
        store.record_outcome(started=started, duration=duration, category=category, signature="s", healed=healed,
                             argv=["x"], pattern_id=pid if healed and category == "dependency" else None)
    m = store.metrics(now=now, weeks=4)
    assert (m["runs"], m["healed"], m["failures"]) == (5, 3, 2)
    assert m["auto_resolution_rate"] == 0.6
    assert m["mttr_seconds"] == 20.0  # (10 + 30 + 20) / 3: healed runs only
    assert m["per_category"]["dependency"] == {"runs": 2, "healed": 2, "rate": 1.0}
    assert m["per_category"]["network"] == {"runs": 2, "healed": 1, "rate": 0.5}
    assert [(t["id"], t["uses"], t["healed"]) for t in m["top_patterns"]] == [(pid, 2, 2)]
    assert [w["runs"] for w in m["trend"]] == [0, 0, 1, 3]  # the run 20 weeks ago is outside the window
    assert m["trend"][-1]["week"] == "2026-W47" and m["trend"][-1]["rate"] == round(2 / 3, 3)
    assert set(m) == {"runs", "failures", "healed", "auto_resolution_rate", "mttr_seconds", "per_category",
                      "top_patterns", "trend"}


# --- approval of imported patterns ------------------------------------------------------------------


def _imported(store: Store, argv: list[str]):
    from heal.store.model import Pattern

    f = failure("python-modulenotfound-yaml")
    p = Pattern(id=0, signature=f.signature, fingerprint=f.fingerprint, category=f.category,
                fix=PatternFix.of_command(argv), source="imported", tool=f.tool, ecosystem=f.ecosystem, key=f.key,
                summary=f.summary, successes=4)
    added, _ = store.add_imported([p])
    return store.patterns()[-1], added


def test_an_imported_command_needs_approval_of_its_content(store):
    p, added = _imported(store, ["make", "deps"])
    assert len(added) == 1 and p.source == "imported" and not is_approved(p)
    assert f"heal patterns approve {p.id}" in refusal(p)
    (approved,) = store.approve([p.id])
    assert is_approved(store.get(p.id)) and approved.id == p.id
    assert store.approve([p.id]) == []  # already approved
    # somebody edits what the pattern runs: the approval was for other content
    db = sqlite3.connect(store.path)
    db.execute("UPDATE patterns SET fix = ? WHERE id = ?",
               (PatternFix.of_command(["curl", "evil.example"]).canonical(), p.id))
    db.commit()
    db.close()
    assert not is_approved(store.get(p.id))


def test_approval_is_remembered_per_content_hash(store):
    p, _ = _imported(store, ["make", "deps"])
    store.approve(None)
    h = content_hash(store.get(p.id))
    store.prune(unused=True)  # imported and never used here
    assert store.get(p.id) is None
    again, _ = _imported(store, ["make", "deps"])
    assert is_approved(again) and content_hash(again) == h
    other, _ = _imported(store, ["make", "deps", "--all"])
    assert not is_approved(other)


def test_approve_unknown_id(store):
    with pytest.raises(BadPattern):
        store.approve([404])


def test_own_patterns_need_no_approval(store):
    f = failure("python-modulenotfound-yaml")
    assert is_approved(store.teach(f.signature, f.fingerprint, f.category, f.tool, ["make"]))
    assert is_approved(store.get(store.record_fix(f, INSTALL, True)))


# --- prune --------------------------------------------------------------------------------------------


def test_prune_removes_what_meets_every_criterion(store):
    day = 86400.0
    now = 1_800_000_000.0
    old_weak = store.record_fix(failure("network-curl-http-503"), RETRY, False, when=now - 100 * day)
    old_good = store.record_fix(failure("python-modulenotfound-yaml"), INSTALL, True, when=now - 100 * day)
    for _ in range(30):
        store.record_use(old_good, True, when=now - 100 * day)
    new_weak = store.record_fix(failure("node-require-not-found-lodash"),
                                PatternFix.of_playbook("node-missing-module", 0), False, when=now - day)
    with pytest.raises(BadPattern):
        store.prune()
    assert {p.id for p in store.prune(older_than=30 * day, now=now, dry_run=True)} == {old_weak, old_good}
    assert len(store.patterns()) == 3  # a dry run removes nothing
    assert {p.id for p in store.prune(min_confidence=0.5, now=now, dry_run=True)} == {old_weak, new_weak}
    assert {p.id for p in store.prune(unused=True, now=now, dry_run=True)} == {old_weak, new_weak}
    removed = store.prune(older_than=30 * day, min_confidence=0.5, now=now)
    assert [p.id for p in removed] == [old_weak]
    assert [p.id for p in store.patterns()] == [old_good, new_weak]


# --- what can go wrong ------------------------------------------------------------------------------


def test_a_corrupt_store_is_one_line_store_unavailable(tmp_path):
    path = tmp_path / "patterns.sqlite3"
    path.write_bytes(os.urandom(4096) + b"garbage, not a database" * 100)
    with pytest.raises(StoreUnavailable) as info:
        Store(str(path))
    message = str(info.value)
    assert "\n" not in message and str(path) in message


def test_a_store_truncated_mid_file_is_store_unavailable(tmp_path):
    path = tmp_path / "patterns.sqlite3"
    with Store(str(path)) as s:
        for i in range(300):
            s.record_outcome(started=i, duration=1, category="test", signature=f"t/x/{i}", healed=False,
                             argv=["x" * 200])
        s.record_fix(failure("python-modulenotfound-yaml"), INSTALL, True)
        s.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file, none in the WAL
    data = path.read_bytes()
    path.write_bytes(data[:4096] + b"\xff" * (len(data) - 4096))  # the header survives, the pages don't
    with pytest.raises(StoreUnavailable):
        with Store(str(path)) as s:
            s.patterns()
            s.metrics()


def test_a_store_from_a_newer_heal_is_left_alone(tmp_path):
    path = str(tmp_path / "patterns.sqlite3")
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {schema.VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(StoreUnavailable, match="newer heal"):
        Store(path)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == schema.VERSION + 1  # not "migrated" down


def test_an_unusable_state_directory_is_store_unavailable(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreUnavailable):
        Store(str(blocker / "patterns.sqlite3"))


def test_a_damaged_row_is_store_unavailable_not_a_traceback(store):
    f = failure("python-modulenotfound-yaml")
    store.record_fix(f, INSTALL, True)
    db = sqlite3.connect(store.path)
    db.execute("UPDATE patterns SET fix = '{not json'")
    db.commit()
    db.close()
    with pytest.raises(StoreUnavailable):
        store.lookup(f)
    with pytest.raises(StoreUnavailable):
        store.patterns()


def test_the_store_file_is_wal_with_a_busy_timeout(store):
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] == int(store_db.BUSY_SECONDS * 1000)
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == schema.VERSION


def _record_one(path: str, i: int) -> None:
    with Store(path) as s:  # one heal run: its own connection, the only one open
        s.record_outcome(started=1000.0 + i, duration=1.0, category="dependency", signature="d/x/1", healed=False,
                         argv=["python", "app.py", str(i)])


def test_a_run_leaves_the_wal_for_the_next_one(tmp_path):
    # Closing the last connection would checkpoint, fsync and delete the WAL, and the next run would create
    # it again: milliseconds of every failing heal run, on every Python (< 3.12 has no NO_CKPT_ON_CLOSE)
    path = str(tmp_path / "patterns.sqlite3")
    _record_one(path, 0)
    _record_one(path, 1)
    assert os.path.getsize(path + "-wal") > 0
    with Store(path) as s:
        assert s.metrics()["runs"] == 2
        assert s.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_the_wal_stays_short_however_many_runs_write(tmp_path):
    # every run opens the store afresh (SQLite rebuilds the WAL index, and forgets what was checkpointed):
    # the WAL must still be checkpointed and restarted, not grow, and be checkpointed again by every commit
    path = str(tmp_path / "patterns.sqlite3")
    runs = store_db.WAL_PAGES + 50  # two pages a run: the WAL passes WAL_PAGES halfway
    for i in range(runs):
        _record_one(path, i)
    assert os.path.getsize(path + "-wal") <= (store_db.WAL_PAGES + 8) * (4096 + 24)
    with Store(path) as s:
        assert s.metrics()["runs"] == runs


def test_imported_patterns_are_redacted_in_every_text(store):
    from heal.store.model import Pattern

    f = failure("python-modulenotfound-yaml")
    secret = Pattern(id=0, signature="s/1", fingerprint=f"fatal: https://ci:{GHP}@git.example/x.git",
                     category="network",
                     fix=PatternFix.of_command(["git", "clone", f"https://bot:{GHP}@git.example/x.git"]),
                     source="imported", summary=f"token={GHP}")
    plain = Pattern(id=0, signature=f.signature, fingerprint=f.fingerprint, category=f.category, fix=INSTALL,
                    source="imported", summary=f.summary)
    store.add_imported([secret, plain])
    got = {p.signature: p for p in store.patterns()}
    s = got["s/1"]
    assert GHP not in s.fingerprint + s.summary + " ".join(s.fix.argv)
    assert "***" in s.fingerprint and s.summary == "token=***" and s.fix.argv[2] == "https://bot:***@git.example/x.git"
    assert got[f.signature].fingerprint == f.fingerprint and got[f.signature].summary == f.summary


def test_a_write_whose_transaction_sqlite_already_ended_keeps_its_own_error(tmp_path):
    # the write's ROLLBACK then fails ("no transaction is active"), and that error used to replace the first
    with Store(str(tmp_path / "patterns.sqlite3")) as store:
        with pytest.raises(ValueError, match="the first error"):
            with store._write() as db:
                db.execute("ROLLBACK")  # as SQLite does itself on a full disk or an I/O error
                raise ValueError("the first error")
        with store._write() as db:  # and the store writes again
            db.execute("SELECT 1")
