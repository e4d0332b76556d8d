"""The pattern store stays off the success path: `heal -- CMD` that succeeds imports neither sqlite3 nor
rapidfuzz nor heal.store, and opens no database; `heal patterns list` skips typer and the diagnosis."""

from __future__ import annotations

import os
import subprocess
import sys

from heal.store import Failure, PatternFix, Store
from heal.store.location import FILENAME


def imported_modules(argv: list[str], env: dict[str, str], cwd: str) -> tuple[int, set[str]]:
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "heal", *argv], cwd=cwd, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    names = {line.split("|")[-1].strip() for line in r.stderr.decode().splitlines() if "|" in line}
    base = subprocess.run([sys.executable, "-X", "importtime", "-c", "pass"], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=60)
    before = {line.split("|")[-1].strip() for line in base.stderr.decode().splitlines() if "|" in line}
    return r.returncode, names - before


def heavy(names: set[str], roots: tuple[str, ...]) -> set[str]:
    return {n for n in names if n in roots or n.split(".")[0] in roots or any(n.startswith(r + ".") for r in roots)}


def test_success_path_opens_no_store(heal_env, project):
    # a store exists and is healthy: the success path must still not touch it
    home = heal_env["HEAL_HOME"]
    with Store(os.path.join(home, FILENAME)) as s:
        s.record_fix(Failure("a/b/c", "e", "network"), PatternFix.of_playbook("network-retry", 0), True)
    before = {n: os.stat(os.path.join(home, n)).st_mtime_ns for n in os.listdir(home)}
    code, added = imported_modules(["--", "true"], heal_env, project)
    assert code == 0
    assert not heavy(added, ("sqlite3", "_sqlite3", "rapidfuzz", "heal.store", "heal.commands"))
    assert "heal.runner" in added  # the measurement saw heal's imports
    after = {n: os.stat(os.path.join(home, n)).st_mtime_ns for n in os.listdir(home)}
    assert after == before  # no -wal/-shm created, nothing written


def test_success_path_without_a_store_creates_none(heal_env, project):
    code, _ = imported_modules(["--", "true"], heal_env, project)
    assert code == 0 and not os.path.exists(os.path.join(heal_env["HEAL_HOME"], FILENAME))


def test_patterns_list_is_light(heal_env, project):
    Store(os.path.join(heal_env["HEAL_HOME"], FILENAME)).close()
    code, added = imported_modules(["patterns", "list"], heal_env, project)
    assert code == 0
    assert not heavy(added, ("typer", "click", "rich", "pydantic", "rapidfuzz", "heal.diagnose", "heal.fixes",
                             "libcst", "ahocorasick_rs"))
    assert "_sqlite3" in added and "heal.commands.patterns" in added
