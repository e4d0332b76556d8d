"""What consulting and recording the pattern store costs a failure in imports, measured with `python -X
importtime` in real heal processes (HEAL_HOME in a temp dir) against a `python -c pass` baseline: the C
module _sqlite3 without the sqlite3 package (whose dbapi2 imports datetime), and no json, math or regex
compiled for the store. The success path imports none of it (tests/test_store_fastpath.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import heal_argv
from heal.store.location import FILENAME

# what the store needs no more: sqlite3's DB-API shell and the datetime it imports, json (heal.cjson writes
# and reads the little JSON it keeps), math (a shared library, for one square root)
NOT_FOR_THE_STORE = ("sqlite3", "datetime", "_datetime", "json", "math")


def _names(stderr: bytes) -> set[str]:
    return {line.split("|")[-1].strip() for line in stderr.decode().splitlines() if line.startswith("import time:")}


def imported(args: list[str], env: dict[str, str], cwd: str, stdin: bytes = b"") -> tuple[int, bytes, set[str]]:
    """(exit status, stdout, the modules heal imported beyond a bare interpreter's)."""
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "heal", *args], cwd=cwd, env=env, input=stdin,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    base = subprocess.run([sys.executable, "-X", "importtime", "-c", "pass"], cwd=cwd, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return r.returncode, r.stdout, _names(r.stderr) - _names(base.stderr)


def _missing_module(project: str, name: str) -> str:
    with open(os.path.join(project, "app.py"), "w") as fh:
        fh.write(f"import {name}\n")
    return "app.py"


def test_a_failure_heal_knows_loads_the_store_without_sqlite3_datetime_or_json(heal_env, project):
    app = _missing_module(project, "zzmod_store_imports")
    first = subprocess.run([*heal_argv(), "--", sys.executable, app], cwd=project, env=heal_env,
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    assert first.returncode == 1 and os.path.exists(os.path.join(heal_env["HEAL_HOME"], FILENAME))
    code, _, mods = imported(["--", sys.executable, app], heal_env, project)
    assert code == 1
    assert {"_sqlite3", "heal.store.db", "heal.store.learn"} <= mods  # the store was looked up and written
    assert not set(NOT_FOR_THE_STORE) & mods, sorted(set(NOT_FOR_THE_STORE) & mods)
    assert "heal.store.schema" not in mods  # a current store needs no migrations


def _payload(project: str, command: str, session: str, **extra: object) -> bytes:
    return json.dumps({"session_id": session, "cwd": project, "hook_event_name": "PostToolUseFailure",
                       "tool_name": "Bash", "tool_input": {"command": command}, **extra}).encode()


def _hook_failure(project: str) -> bytes:
    app = _missing_module(project, "zzmod_hook_imports")
    run = subprocess.run([sys.executable, app], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return _payload(project, f"python3 {app}", "imports-session", error=f"Exit code {run.returncode}\n"
                    f"{run.stdout.decode()}", is_interrupt=False)


def _warm(env: dict[str, str], project: str, payload: bytes) -> None:
    """One hook run first: it parses the playbooks' TOML once (tomllib, which imports datetime) and caches it."""
    subprocess.run([*heal_argv(), "hook", "claude-code"], cwd=project, env=env, input=payload,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)


def test_the_hooks_failure_path_without_a_store_loads_no_sqlite_and_creates_no_store(heal_env, project):
    payload = _hook_failure(project)
    _warm(heal_env, project, payload)
    code, out, mods = imported(["hook", "claude-code"], heal_env, project, payload)
    assert code == 0 and b"zzmod_hook_imports" in out  # answered
    assert "heal.diagnose" in mods and "heal.integrations.observe" in mods  # diagnosed, its sequence pending
    assert not {"_sqlite3", "heal.store.db"} & mods
    assert not set(NOT_FOR_THE_STORE) & mods, sorted(set(NOT_FOR_THE_STORE) & mods)
    assert not os.path.exists(os.path.join(heal_env["HEAL_HOME"], FILENAME))


def test_the_hooks_failure_path_reads_a_store_without_sqlite3_datetime_or_json(heal_env, project):
    from heal.store import Failure, Store

    with Store(os.path.join(heal_env["HEAL_HOME"], FILENAME)) as s:  # a store with something in it
        s.observe(Failure("s/other", "another failure", "dependency", "pip"), [["pip", "install", "x"]])
    payload = _hook_failure(project)
    _warm(heal_env, project, payload)
    code, out, mods = imported(["hook", "claude-code"], heal_env, project, payload)
    assert code == 0 and b"zzmod_hook_imports" in out
    assert "_sqlite3" in mods  # the store was read
    assert not set(NOT_FOR_THE_STORE) & mods, sorted(set(NOT_FOR_THE_STORE) & mods)
