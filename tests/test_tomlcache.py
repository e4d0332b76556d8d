"""heal's compiled cache of its TOML data (heal.tomlcache): what it returns is what tomllib parses, whatever
state the cache is in, and a cache that is stale, corrupt or unwritable never breaks heal."""

from __future__ import annotations

import os
import subprocess

import pytest

from conftest import heal_argv

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

FAILURE = ('Traceback (most recent call last):\n  File "app.py", line 1, in <module>\n    import yaml\n'
           "ModuleNotFoundError: No module named 'yaml'\n")


@pytest.fixture
def cache(tmp_path, monkeypatch) -> str:
    monkeypatch.setenv("HEAL_HOME", str(tmp_path / "home"))
    return str(tmp_path / "home" / "cache" / "toml")


def _entries(cache: str) -> list[str]:
    return sorted(os.listdir(cache)) if os.path.isdir(cache) else []


def test_a_miss_parses_and_writes_the_entry_a_hit_reads_it(tmp_path, cache):
    from heal import tomlcache

    path = tmp_path / "data.toml"
    path.write_text('a = 1\n[t]\nlist = ["x", 2.5, true]\n')
    assert tomlcache.load(str(path)) == tomllib.loads(path.read_text())
    assert len(_entries(cache)) == 1
    entry = os.path.join(cache, _entries(cache)[0])
    before = os.stat(entry).st_mtime_ns
    assert tomlcache.load(str(path)) == {"a": 1, "t": {"list": ["x", 2.5, True]}}
    assert os.stat(entry).st_mtime_ns == before  # read, not rewritten


def test_a_changed_file_is_parsed_again(tmp_path, cache):
    from heal import tomlcache

    path = tmp_path / "data.toml"
    path.write_text("a = 1\n")
    assert tomlcache.load(str(path)) == {"a": 1}
    path.write_text("a = 2\n")  # same size, maybe the same mtime: the content decides
    assert tomlcache.load(str(path)) == {"a": 2}
    assert len(_entries(cache)) == 1  # one entry per file, replaced


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", b"\xe3\x02\x00\x00\x00", None])
def test_a_corrupt_or_foreign_entry_is_a_miss(tmp_path, cache, damage):
    import marshal

    from heal import tomlcache

    path = tmp_path / "data.toml"
    path.write_text('name = "x"\n')
    tomlcache.load(str(path))
    entry = os.path.join(cache, _entries(cache)[0])
    with open(entry, "rb") as fh:
        key = marshal.loads(fh.read())[0]
    # truncated, garbage, a marshal header cut short, and a well-formed entry holding something else
    with open(entry, "wb") as fh:
        fh.write(marshal.dumps((key, ["not", "a", "table"])) if damage is None else damage)
    assert tomlcache.load(str(path)) == {"name": "x"}
    assert tomlcache.load(str(path)) == {"name": "x"}  # and the entry was rewritten
    with open(entry, "rb") as fh:
        assert marshal.loads(fh.read())[1] == {"name": "x"}


def test_errors_are_tomllibs_and_nothing_is_cached_for_them(tmp_path, cache):
    from heal import tomlcache

    path = tmp_path / "bad.toml"
    path.write_text("a = \n")
    with pytest.raises(ValueError):
        tomlcache.load(str(path))
    path.write_bytes(b"a = '\xff'\n")
    with pytest.raises(ValueError):  # UnicodeDecodeError
        tomlcache.load(str(path))
    with pytest.raises(OSError):
        tomlcache.load(str(tmp_path / "missing.toml"))
    assert _entries(cache) == []


def test_values_marshal_cannot_hold_are_parsed_every_time(tmp_path, cache):
    from heal import tomlcache

    path = tmp_path / "dated.toml"
    path.write_text("when = 2026-11-27\n")
    assert str(tomlcache.load(str(path))["when"]) == "2026-11-27"
    assert _entries(cache) == []


def test_an_unwritable_cache_directory_only_costs_the_parse(tmp_path, monkeypatch):
    from heal import tomlcache

    blocker = tmp_path / "home"
    blocker.write_text("a file where the cache directory would be")
    monkeypatch.setenv("HEAL_HOME", str(blocker))
    path = tmp_path / "data.toml"
    path.write_text("a = 1\n")
    assert tomlcache.load(str(path)) == {"a": 1}


def test_every_shipped_data_file_reads_the_same_through_the_cache(cache):
    from heal import tomlcache
    from heal.patterns import path

    files = [path(f"{name}.toml") for name in ("import_map", "commands", "npm_popular")]
    files += [os.path.join(path("playbooks"), n) for n in sorted(os.listdir(path("playbooks"))) if n.endswith(".toml")]
    for name in files:
        with open(name, "rb") as fh:
            want = tomllib.load(fh)
        assert tomlcache.load(name) == want  # a miss
        assert tomlcache.load(name) == want  # a hit


def test_heal_plans_the_same_fixes_with_a_damaged_cache(heal_env, project, tmp_path):
    log = tmp_path / "failure.log"
    log.write_text(FAILURE)
    argv = [*heal_argv(), "diagnose", "--json", "--command", "python3 app.py", str(log)]

    def plan() -> bytes:
        r = subprocess.run(argv, cwd=project, env=heal_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        assert r.returncode == 0 and not r.stderr, r.stderr
        return r.stdout

    cold = plan()
    cache = os.path.join(heal_env["HEAL_HOME"], "cache", "toml")
    assert any(n.startswith("import_map.toml.") for n in os.listdir(cache))
    assert plan() == cold  # warm
    for name in os.listdir(cache):
        with open(os.path.join(cache, name), "r+b") as fh:
            fh.truncate(7)
    assert plan() == cold  # damaged: parsed again
    assert plan() == cold  # rewritten
