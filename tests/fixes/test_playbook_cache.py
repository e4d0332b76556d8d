"""A directory's playbooks through one cache entry (heal.fixes.playbook_cache): what load_all returns is what
loading each file gives, whatever state the entry is in; a playbook changed, added or removed is seen at once;
a damaged or unwritable cache never breaks heal."""

from __future__ import annotations

import json
import marshal
import os
import shutil
import subprocess
import sys
import time

import pytest

from conftest import code_settled
from heal.fixes.playbooks import load, load_all, playbook_dir

GOOD = 'id = "{id}"\ncategory = "dependency"\ndescription = "{id}"\n[match]\noutput = ["No module named"]\n' \
       '[[steps]]\naction = "install"\n'
BAD = 'id = "bad"\ncategory = "dependency"\ndescription = "bad"\n'  # no steps: a one-line error


@pytest.fixture
def cache(tmp_path, monkeypatch) -> str:
    monkeypatch.setenv("HEAL_HOME", str(tmp_path / "home"))
    code_settled()
    return str(tmp_path / "home" / "cache" / "playbooks")


def _entries(cache: str) -> list[str]:
    return sorted(os.listdir(cache)) if os.path.isdir(cache) else []


def _uncached(directory: str) -> tuple[list[str], list[str]]:
    """What loading each file gives, as comparable text: the playbooks' reprs (and patterns), the errors."""
    books, errors = [], []
    for name in sorted(os.listdir(directory)):
        if name.endswith(".toml"):
            try:
                books.append(load(os.path.join(directory, name)))
            except Exception as exc:  # noqa: BLE001 - the error is what is compared
                errors.append(str(exc))
    return _shown(books), errors


def _shown(books) -> list[str]:
    return [f"{b!r} {[p.pattern for p in b._compiled]}" for b in books]


def _settle() -> None:
    from heal.fixes.playbook_cache import SETTLED_NS

    time.sleep(SETTLED_NS / 1e9 + 0.2)


def test_a_miss_writes_the_entry_and_a_hit_gives_the_same_playbooks(cache):
    want = _uncached(playbook_dir())
    books, errors = load_all(playbook_dir())
    assert (_shown(books), errors) == want
    assert len(_entries(cache)) == 1
    entry = os.path.join(cache, _entries(cache)[0])
    before = os.stat(entry).st_mtime_ns
    books, errors = load_all(playbook_dir())
    assert (_shown(books), errors) == want
    assert os.stat(entry).st_mtime_ns == before  # read, not rewritten


def test_a_hit_matches_as_the_files_do(cache):
    # the patterns of a playbook from the entry compile on first use, and match the same
    from heal.fixes.playbook_cache import load_directory

    names = sorted(n for n in os.listdir(playbook_dir()) if n.endswith(".toml"))
    load_directory(playbook_dir(), names)
    assert _entries(cache)  # the second load is a hit: otherwise this compares the files with themselves
    books, _ = load_directory(playbook_dir(), names)
    for book in books:
        fresh = load(book.path)
        for text in ("No module named 'x'", "EADDRINUSE", "nothing", "x.toml: bad", "ENOSPC"):
            assert [bool(p.search(text)) for p in book._compiled] == [bool(p.search(text)) for p in fresh._compiled]


def test_a_hit_imports_no_action_module(cache, tmp_path):
    # checking a step's options needs every action's module; the entry holds playbooks already checked
    code = ("import sys\nfrom heal.fixes.playbooks import load_all\nload_all()\n"
            "print(sorted(m for m in sys.modules if m.startswith('heal.fixes.')))\n")
    env = {**os.environ, "HEAL_HOME": str(tmp_path / "home")}
    run = [sys.executable, "-c", code]
    subprocess.run(run, env=env, check=True, stdout=subprocess.PIPE)  # writes the entry
    loaded = subprocess.run(run, env=env, check=True, stdout=subprocess.PIPE).stdout.decode()
    assert "heal.fixes.install" not in loaded and "heal.fixes.retry" not in loaded, loaded


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", b"\xe3\x02\x00\x00\x00", "rows", "short", "kinds"])
def test_a_corrupt_or_foreign_entry_is_a_miss(cache, damage):
    want = _uncached(playbook_dir())
    load_all(playbook_dir())
    entry = os.path.join(cache, _entries(cache)[0])
    with open(entry, "rb") as fh:
        key, rows = marshal.loads(fh.read())
    # truncated, garbage, a marshal header cut short; well-formed entries under the right key holding other
    # things: rows of another shape, too few rows, a row of an unknown kind
    forged = {"rows": ((1, 2),) * len(rows), "short": rows[:-1],
              "kinds": tuple((r[0], "maybe", r[2]) for r in rows)}
    with open(entry, "wb") as fh:
        fh.write(damage if isinstance(damage, bytes) else marshal.dumps((key, forged[damage])))
    books, errors = load_all(playbook_dir())
    assert (_shown(books), errors) == want
    with open(entry, "rb") as fh:
        assert marshal.loads(fh.read()) == (key, rows)  # rewritten


def test_a_changed_added_or_removed_playbook_is_seen(tmp_path, cache):
    directory = tmp_path / "books"
    directory.mkdir()
    (directory / "a.toml").write_text(GOOD.format(id="aaa"))
    (directory / "b.toml").write_text(BAD)
    books, errors = load_all(str(directory))
    assert (_shown(books), errors) == _uncached(str(directory))
    assert _entries(cache) == []  # just written: loaded from the files, and not cached yet
    _settle()
    first = load_all(str(directory))
    assert len(_entries(cache)) == 1
    assert ([b.id for b in first[0]], len(first[1])) == (["aaa"], 1) and "b.toml" in first[1][0]
    assert (_shown(first[0]), first[1]) == _uncached(str(directory))
    (directory / "a.toml").write_text(GOOD.format(id="zzz"))  # the same size, maybe the same mtime
    assert [b.id for b in load_all(str(directory))[0]] == ["zzz"]
    (directory / "c.toml").write_text(GOOD.format(id="ccc"))
    assert [b.id for b in load_all(str(directory))[0]] == ["zzz", "ccc"]
    os.unlink(directory / "b.toml")
    assert load_all(str(directory))[1] == []
    os.unlink(directory / "c.toml")
    shutil.copy(directory / "a.toml", directory / "c.toml")
    assert [b.id for b in load_all(str(directory))[0]] == ["zzz", "zzz"]


def test_an_unwritable_cache_directory_only_costs_the_loading(tmp_path, monkeypatch):
    blocker = tmp_path / "home"
    blocker.write_text("a file where the cache directory would be")
    monkeypatch.setenv("HEAL_HOME", str(blocker))
    want = _uncached(playbook_dir())
    books, errors = load_all(playbook_dir())
    assert (_shown(books), errors) == want


def test_concurrent_writers_never_leave_half_an_entry(cache, tmp_path):
    # each process drops the entry and loads (a miss that writes it) over and over while the others read it
    # (a hit, or a miss on an entry being replaced): every load is what the files give, and so is the entry
    code = ("import glob, json, os, sys\nfrom heal.fixes.playbooks import load_all, playbook_dir\nout = set()\n"
            "for i in range(15):\n"
            "    for e in glob.glob(os.path.join(sys.argv[1], '*.marshal')):\n"
            "        try:\n            os.unlink(e)\n        except OSError:\n            pass\n"
            "    books, errors = load_all(playbook_dir())\n"
            "    out.add(json.dumps([[repr(b) for b in books], errors]))\n"
            "print(json.dumps(sorted(out)))\n")
    env = {**os.environ, "HEAL_HOME": os.path.dirname(os.path.dirname(cache))}
    procs = [subprocess.Popen([sys.executable, "-c", code, cache], env=env, stdout=subprocess.PIPE) for _ in range(4)]
    shipped = [os.path.join(playbook_dir(), n) for n in sorted(os.listdir(playbook_dir())) if n.endswith(".toml")]
    expected = [json.dumps([[repr(load(path)) for path in shipped], []])]
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        assert json.loads(out) == expected
    books, errors = load_all(playbook_dir())  # whatever entry was left is whole
    assert (_shown(books), errors) == _uncached(playbook_dir())
    assert not [n for n in os.listdir(cache) if n.endswith(".tmp")]
