"""The last failure heal could not heal in a project (heal.store.memory.save_failure / load_failure), in real
files under a temp HEAL_HOME, for failures diagnosed from real captured outputs."""

from __future__ import annotations

import json
import os
import stat

import pytest

from heal.diagnose import diagnose
from heal.store.memory import failure_path, load_failure, save_failure

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "outputs")


def diagnosis(name: str):
    with open(os.path.join(FIXTURES, name + ".json"), encoding="utf-8") as fh:
        fx = json.load(fh)
    return diagnose(fx["output"], argv=fx["argv"], exit_code=fx["exit_code"])


YAML = diagnosis("python-modulenotfound-yaml")
REQUESTS = diagnosis("python-modulenotfound-requests")


@pytest.fixture
def root(tmp_path, monkeypatch) -> str:
    monkeypatch.setenv("HEAL_HOME", str(tmp_path / "heal-home"))
    path = tmp_path / "project"
    path.mkdir()
    return str(path)


def test_a_failure_is_kept_for_its_owner_and_given_back(root):
    assert save_failure(root, root, ["python3", "app.py"], YAML, when=1_000_000.0)
    path = failure_path(root)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700
    record = load_failure(root)
    assert record is not None
    assert (record["argv"], record["shown"], record["signature"], record["time"]) == \
        (["python3", "app.py"], ["python3", "app.py"], YAML.signature, 1_000_000.0)


def test_the_same_failure_again_only_moves_the_records_time_on(root):
    # a command run until it passes fails the same way each time: the record is not written again (a file
    # replaced by rename is written out at once on ext4: ~0.5 ms of every failing run, more on a busy disk)
    save_failure(root, root, ["python3", "app.py"], YAML, when=1_000_000.0)
    before = os.stat(failure_path(root))
    assert save_failure(root, root, ["python3", "app.py"], YAML, when=1_000_500.0)
    after = os.stat(failure_path(root))
    assert after.st_ino == before.st_ino
    assert load_failure(root)["time"] == 1_000_500.0


def test_another_failure_replaces_the_record(root):
    save_failure(root, root, ["python3", "app.py"], YAML, when=1_000_000.0)
    save_failure(root, root, ["python3", "app.py", "--fast"], REQUESTS, when=1_000_100.0)
    record = load_failure(root)
    assert (record["signature"], record["argv"], record["time"]) == \
        (REQUESTS.signature, ["python3", "app.py", "--fast"], 1_000_100.0)
    assert os.listdir(os.path.dirname(failure_path(root))) == [os.path.basename(failure_path(root))]


def test_a_record_written_by_an_earlier_heal_still_loads(root):
    save_failure(root, root, ["python3", "app.py"], YAML, when=1_000_000.0)
    path = failure_path(root)
    with open(path, encoding="utf-8") as fh:
        record = json.load(fh)
    record["time"] = 5.0  # earlier heals kept the time in the record; the file's own is the same moment
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(record, fh)
    os.utime(path, (1_000_000.0, 1_000_000.0))
    loaded = load_failure(root)
    assert loaded is not None and loaded["signature"] == YAML.signature and loaded["time"] == 1_000_000.0


def test_a_symlink_in_place_of_the_record_is_replaced_never_followed(root, tmp_path):
    save_failure(root, root, ["python3", "app.py"], YAML, when=1_000_000.0)
    path = failure_path(root)
    with open(path, "rb") as fh:
        same = fh.read()
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_bytes(same)  # what the record would say: still not touched through the link
    os.utime(elsewhere, (1.0, 1.0))
    os.unlink(path)
    os.symlink(elsewhere, path)
    save_failure(root, root, ["python3", "app.py"], YAML, when=1_000_500.0)
    assert not os.path.islink(path) and os.stat(elsewhere).st_mtime == 1.0
    assert load_failure(root)["time"] == 1_000_500.0


def test_a_secret_in_the_command_is_never_kept(root):
    assert not save_failure(root, root, ["curl", "-u", "me:hunter2", "https://example.invalid/"], YAML,
                            when=1_000_000.0)
    with open(failure_path(root), "rb") as fh:
        assert b"hunter2" not in fh.read()
    record = load_failure(root)
    assert record["argv"] is None and "hunter2" not in " ".join(record["shown"])


@pytest.mark.parametrize("text", [b"", b"{", b"[]", b'{"root": 1}', b"\xff\xfe garbage"])
def test_a_damaged_record_is_none(root, text):
    save_failure(root, root, ["python3", "app.py"], YAML, when=1_000_000.0)
    with open(failure_path(root), "wb") as fh:
        fh.write(text)
    assert load_failure(root) is None
