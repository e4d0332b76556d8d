"""Learning wired into heal, with real heal processes, HEAL_HOME in a temp dir and real tools: what worked is
tried first next time, a step that failed here sinks, `heal learn` teaches a fix that the next similar failure
elsewhere gets (suggested, or applied with --yes), an ambiguous pick is remembered, imported commands wait
for approval, observed ones are advice, the report names `learned:<id>`, the store's trouble is one line,
concurrent runs lose no outcome, and metrics add up."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import time

import pytest

import bigwheel
from conftest import heal_argv
from heal.store import Failure, Store
from heal.store.location import FILENAME

RETRY_FIRST = """\
id = "permission-retry-first"
category = "permission"
description = "Maybe the file system was busy: try again"
risk = "low"
[match]
rules = ["shell.permission_denied"]
[[steps]]
action = "retry"
max_retries = 1
"""


def _write(path: str, text: str, mode: int | None = None) -> str:
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as fh:
        fh.write(text)
    if mode is not None:
        os.chmod(path, mode)
    return path


def _store(env: dict) -> str:
    return os.path.join(env["HEAL_HOME"], FILENAME)


def _patterns(heal) -> list[dict]:
    r = heal("patterns", "list", "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def _report(path: str) -> dict:
    with open(path) as fh:
        return json.load(fh)


def _heal_lines(stderr: bytes) -> list[str]:
    return [line for line in stderr.decode().splitlines() if line.startswith("heal:")]


@pytest.fixture
def projects(tmp_path):
    """Two projects (git repositories) in other directories: the second one is "anywhere else"."""
    out = []
    for name in ("one", "two"):
        path = tmp_path / "work" / name
        path.mkdir(parents=True)
        subprocess.run(["git", "init", "-q", str(path)], check=True)
        out.append(str(path))
    return out


def _not_executable(project: str, name: str) -> str:
    """A script that fails with 126 until it is made executable; quick retries (heal.toml)."""
    _write(os.path.join(project, "heal.toml"), "[retry]\nbase = 0.01\ncap = 0.05\nany_command = true\n")
    return _write(os.path.join(project, name), "#!/bin/sh\necho script ran\n", 0o644)


# --- what worked is tried first; what failed sinks ----------------------------------------------------


def test_a_fix_that_worked_is_tried_first_next_time(heal, heal_env, projects, tmp_path):
    # two playbooks apply to a script that cannot be executed: the user's own retry (tried first, as a user's
    # playbooks are) and the shipped chmod
    _write(os.path.join(heal_env["HEAL_HOME"], "playbooks", "retry.toml"), RETRY_FIRST)
    one, two = projects
    _not_executable(one, "run.sh")
    first = str(tmp_path / "first.json")
    r = heal("--yes", "--report", first, "--", "./run.sh", cwd=one)
    assert r.returncode == 0, r.stderr
    sources = [(a["fix"]["source"], a["exit_code"]) for a in _report(first)["attempts"]]
    assert sources == [("permission-retry-first", 126), ("chmod-not-executable", 0)]
    chmod = next(p for p in _patterns(heal) if p["fix"] == {"kind": "playbook", "playbook": "chmod-not-executable",
                                                                "step": 0})
    assert (chmod["source"], chmod["successes"], chmod["failures"]) == ("learned", 1, 0)

    # the next similar failure, in another project: the learned step comes first, re-planned for this script
    script = _not_executable(two, "build.sh")
    second = str(tmp_path / "second.json")
    r = heal("--yes", "--report", second, "--", "./build.sh", cwd=two)
    assert r.returncode == 0, r.stderr
    (attempt,) = _report(second)["attempts"]
    assert attempt["fix"]["source"] == f"learned:{chmod['id']}"
    assert attempt["fix"]["argv"] == ["chmod", "+x", "build.sh"]  # this project's script: planned again
    assert stat.S_IMODE(os.stat(script).st_mode) & stat.S_IXUSR
    used = next(p for p in _patterns(heal) if p["id"] == chmod["id"])
    assert used["successes"] == 2


def test_a_step_that_failed_here_sinks_behind_the_others(heal, heal_env, projects, tmp_path):
    _write(os.path.join(heal_env["HEAL_HOME"], "playbooks", "retry.toml"), RETRY_FIRST)
    one, _ = projects
    script = _not_executable(one, "run.sh")
    r = heal("--yes", "--max-attempts", "1", "--", "./run.sh", cwd=one)
    assert r.returncode == 126  # one attempt: the retry, which changed nothing
    (retry,) = _patterns(heal)
    assert (retry["fix"]["playbook"], retry["successes"], retry["failures"]) == ("permission-retry-first", 0, 1)
    report = str(tmp_path / "r.json")
    r = heal("--yes", "--max-attempts", "1", "--report", report, "--", "./run.sh", cwd=one)
    assert r.returncode == 0, r.stderr
    (attempt,) = _report(report)["attempts"]
    assert attempt["fix"]["source"] == "chmod-not-executable"  # the playbooks' own step, the retry after it
    assert stat.S_IMODE(os.stat(script).st_mode) & stat.S_IXUSR


# --- heal learn ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """zzmod, a package in no curated map: heal does not know how to install it, the user does."""
    return bigwheel.build(str(tmp_path_factory.mktemp("wheelhouse")), name="zzmod", version="1.0", files=0)


def _app(project: str, venv_template: str) -> str:
    subprocess.run(["cp", "-a", venv_template, os.path.join(project, ".venv")], check=True)
    _write(os.path.join(project, "app.py"), "import zzmod\nprint('app ran')\n")
    return os.path.join(".venv", "bin", "python")


def test_heal_learn_teaches_and_the_next_similar_failure_elsewhere_gets_it(heal, heal_env, projects, venv_template,
                                                                          wheel, tmp_path):
    one, two = projects
    py = _app(one, venv_template)
    r = heal("--", py, "app.py", cwd=one)
    assert r.returncode == 1
    lines = _heal_lines(r.stderr)
    assert any("not in heal's curated import map" in line for line in lines)
    assert lines[-1] == "heal: found the fix yourself? teach heal: heal learn -- <your fix>"
    record = os.path.join(heal_env["HEAL_HOME"], "failures")
    (name,) = os.listdir(record)
    assert stat.S_IMODE(os.stat(os.path.join(record, name)).st_mode) == 0o600

    python = os.path.join(one, py)  # as the user typed it: an absolute path into this project
    r = heal("learn", "--", python, "-m", "pip", "install", "--no-index", "-q", wheel, cwd=one, timeout=300)
    assert r.returncode == 0, r.stderr
    assert b"app ran" in r.stdout  # the failed command, run again, passed
    (taught,) = _patterns(heal)
    assert taught["source"] == "taught" and taught["category"] == "dependency"
    # the venv's python is kept relative to where it ran: in another project it is that project's venv
    assert taught["fix"] == {"kind": "command",
                             "argv": ["./.venv/bin/python", "-m", "pip", "install", "--no-index", "-q", wheel]}
    assert os.listdir(record) == []  # taught: nothing left to teach for
    log = json.loads(heal("log", "--json", cwd=one).stdout)["change_sets"]
    assert " ".join(log[0]["command"]).startswith("heal learn -- ")  # the change log's label of the run
    assert "not undoable" in log[0]["changes"][0]

    # the next similar failure, in another project: without a terminal or --yes, suggested
    py2 = _app(two, venv_template)
    r = heal("--", py2, "app.py", cwd=two)
    assert r.returncode == 1
    said = "\n".join(_heal_lines(r.stderr))
    assert f"suggestion: run the fix you taught heal for this failure (pattern {taught['id']}" in said
    assert "./.venv/bin/python -m pip install --no-index -q" in said and "--yes" in said
    assert "heal learn" not in said  # a fix was offered: no need to say how to teach one
    # with --yes: applied, the command re-run, the report names the pattern
    report = str(tmp_path / "r.json")
    r = heal("--yes", "--report", report, "--", py2, "app.py", cwd=two, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.endswith(b"app ran\n")
    (attempt,) = _report(report)["attempts"]
    assert attempt["fix"]["source"] == f"learned:{taught['id']}" and attempt["fix"]["action"] == "run"
    assert b"heal rollback" not in r.stderr  # nothing heal could undo: it does not offer to
    rb = heal("rollback", "--last", "--yes", cwd=two)
    assert rb.returncode == 0 and b"is not undone" in rb.stderr
    assert subprocess.run([os.path.join(two, py2), "-c", "import zzmod"]).returncode == 0


def test_heal_learn_records_nothing_unless_the_failure_passes_afterwards(heal, heal_env, projects):
    one, _ = projects
    r = heal("learn", "--", "true", cwd=one)
    assert r.returncode == 1 and b"no failure to teach a fix for" in r.stderr
    _write(os.path.join(one, "app.py"), "import zzmod_local\n")
    assert heal("--", sys.executable, "app.py", cwd=one).returncode == 1
    r = heal("learn", "--", "false", cwd=one)  # the fix itself fails
    assert r.returncode == 1 and b"your fix did not work" in r.stderr
    r = heal("learn", "--", "true", cwd=one)  # the fix changes nothing: still failing
    assert r.returncode == 1 and b"still fails (exit 1): nothing learned" in r.stderr
    r = heal("learn", "--", "curl", "-u", "me:hunter2", "https://example.invalid/", cwd=one)
    assert r.returncode == 1 and b"holds a secret" in r.stderr and b"hunter2" not in r.stderr
    assert _patterns(heal) == []
    r = heal("learn", "--", "cp", "lib.py", "zzmod_local.py", cwd=one)  # no such file: the fix fails
    assert r.returncode == 1
    _write(os.path.join(one, "lib.py"), "X = 1\n")
    r = heal("learn", "--", "cp", "lib.py", "zzmod_local.py", cwd=one)
    assert r.returncode == 0, r.stderr
    assert [p["fix"]["argv"] for p in _patterns(heal)] == [["cp", "lib.py", "zzmod_local.py"]]


def test_a_failed_command_with_a_secret_is_kept_redacted_and_given_back_with_for(heal, heal_env, projects):
    one, _ = projects
    _write(os.path.join(one, "app.py"), "import sys\nimport zzmod_secret\n")
    argv = [sys.executable, "app.py", "--token", "s3cr3t-value-123"]
    r = heal("--", *argv, cwd=one)
    assert r.returncode == 1 and b"heal learn --for" in r.stderr
    record_dir = os.path.join(heal_env["HEAL_HOME"], "failures")
    (name,) = os.listdir(record_dir)
    with open(os.path.join(record_dir, name), "rb") as fh:
        assert b"s3cr3t" not in fh.read()
    _write(os.path.join(one, "lib.py"), "")
    r = heal("learn", "--", "cp", "lib.py", "zzmod_secret.py", cwd=one)
    assert r.returncode == 1 and b"--for" in r.stderr
    r = heal("learn", "--for", f"{sys.executable} app.py --token other", "--", "cp", "lib.py", "zzmod_secret.py",
             cwd=one)
    assert r.returncode == 0, r.stderr  # the redacted forms agree: the command given again is the one that failed
    assert not any(b"s3cr3t" in open(os.path.join(dp, f), "rb").read()
                   for dp, _, fs in os.walk(heal_env["HEAL_HOME"]) for f in fs)


# --- ambiguous imports -------------------------------------------------------------------------------


def test_an_ambiguous_pick_is_remembered(heal, heal_env, projects, venv_template, tmp_path):
    import pexpect

    one, two = projects
    for project in projects:
        subprocess.run(["cp", "-a", venv_template, os.path.join(project, ".venv")], check=True)
        _write(os.path.join(project, "app.py"), "import multipart\nprint('app ran')\n")
    cmd = heal_argv()
    # the first time, on a terminal: heal asks which distribution (it never guesses)
    child = pexpect.spawn(cmd[0], [*cmd[1:], "--", ".venv/bin/python", "app.py"], cwd=one, env=heal_env,
                          timeout=240)
    child.expect_exact("1) python-multipart")
    child.expect_exact("[1-2, Enter for none]")
    child.sendline("1")
    child.expect_exact("app ran")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    # the second time, in another project, with --yes and no terminal: the user's pick, without asking
    report = str(tmp_path / "r.json")
    r = heal("--yes", "--report", report, "--", ".venv/bin/python", "app.py", cwd=two, timeout=240)
    assert r.returncode == 0, r.stderr
    (attempt,) = _report(report)["attempts"]
    assert attempt["fix"]["argv"][-1] == "python-multipart"
    assert attempt["fix"]["source"].startswith("learned:")  # the step learned in the first project
    # without the memory the same run only lists the candidates (a fresh store: heal does not guess)
    fresh = dict(heal_env, HEAL_HOME=str(tmp_path / "fresh"))
    subprocess.run([os.path.join(two, ".venv", "bin", "python"), "-m", "pip", "uninstall", "-q", "-y",
                    "python-multipart"], check=True)
    r = heal("--yes", "--", ".venv/bin/python", "app.py", cwd=two, env=fresh, timeout=240)
    assert r.returncode == 1 and b"heal does not guess" in r.stderr


# --- imported and observed patterns ------------------------------------------------------------------


def test_an_imported_command_is_only_suggested_until_approved(heal, heal_env, projects, tmp_path):
    one, two = projects
    # a teammate teaches a fix and exports it
    team = dict(heal_env, HEAL_HOME=str(tmp_path / "teammate"))
    for project in projects:
        _write(os.path.join(project, "app.py"), "import zzmod_team\nprint('app ran')\n")
        _write(os.path.join(project, "vendor", "zzmod_team.py"), "")
    assert heal("--", sys.executable, "app.py", cwd=one, env=team).returncode == 1
    assert heal("learn", "--", "cp", "vendor/zzmod_team.py", ".", cwd=one, env=team).returncode == 0
    shared = str(tmp_path / "heal-patterns")
    assert heal("patterns", "export", shared, env=team).returncode == 0
    # we import it: the command is suggested with the way to approve it, never run
    r = heal("patterns", "import", shared)
    assert r.returncode == 0 and b"approve" in r.stdout
    (imported,) = _patterns(heal)
    r = heal("--yes", "--", sys.executable, "app.py", cwd=two)
    assert r.returncode == 1
    said = "\n".join(_heal_lines(r.stderr))
    assert f"not running imported pattern {imported['id']} (run: cp vendor/zzmod_team.py .)" in said
    assert f"heal patterns approve {imported['id']}" in said
    assert not os.path.exists(os.path.join(two, "zzmod_team.py"))
    assert "not in heal's curated import map" in said  # heal went on with its own playbooks after saying it
    # approved once (its content hash): applied
    assert heal("patterns", "approve", str(imported["id"])).returncode == 0
    report = str(tmp_path / "r.json")
    r = heal("--yes", "--report", report, "--", sys.executable, "app.py", cwd=two)
    assert r.returncode == 0, r.stderr
    (attempt,) = _report(report)["attempts"]
    assert attempt["fix"]["source"] == f"learned:{imported['id']}"
    assert os.path.exists(os.path.join(two, "zzmod_team.py"))


def test_an_observed_resolution_is_advice_and_healing_goes_on(heal, heal_env, projects, tmp_path):
    from heal.diagnose import diagnose_result
    from heal.run import RunSpec, run

    one, _ = projects
    _not_executable(one, "run.sh")
    # the failure as heal sees it, recorded as an agent's hook would (heal.integrations: Store.observe)
    diagnosis = diagnose_result(run(RunSpec(("./run.sh",), cwd=one, passthrough=False)))
    os.makedirs(heal_env["HEAL_HOME"], exist_ok=True)
    with Store(_store(heal_env)) as store:
        store.observe(Failure.of(diagnosis), [["chmod", "u+x", "run.sh"]])
    r = heal("--", "./run.sh", cwd=one)
    assert r.returncode == 126
    lines = _heal_lines(r.stderr)
    advice = [line for line in lines if "resolved before by" in line]
    assert advice == ["heal: suggestion: resolved before by `chmod u+x run.sh` (seen once)"]
    # said on the way: heal's own fix is still offered after it
    assert any("suggestion: make run.sh executable" in line for line in lines[lines.index(advice[0]) + 1:])


# --- the store's trouble is one line ----------------------------------------------------------------


def _readonly(env: dict, path: str) -> list[str] | None:
    """A prefix that runs a command with `path` read-only, even for root (a private read-only bind mount);
    None when this machine allows neither that nor a plain chmod to work."""
    if os.geteuid() != 0:
        os.chmod(path, 0o555)
        return []
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f"mount --bind '{path}' '{path}' && "
                            f"mount -o remount,bind,ro '{path}' && ! touch '{path}/x'"], capture_output=True)
    if probe.returncode != 0:
        return None
    return ["unshare", "-m", "sh", "-c", f"mount --bind '{path}' '{path}' && mount -o remount,bind,ro '{path}' && "
            'exec "$@"', "sh"]


@pytest.mark.parametrize("trouble", ["garbage", "newer", "readonly"])
def test_a_store_heal_cannot_use_is_one_line_and_changes_no_exit_status(heal, heal_env, projects, trouble, tmp_path):
    one, _ = projects
    _not_executable(one, "run.sh")
    home = heal_env["HEAL_HOME"]
    os.makedirs(home)
    prefix: list[str] = []
    if trouble == "garbage":
        with open(_store(heal_env), "wb") as fh:
            fh.write(os.urandom(8192))
    elif trouble == "newer":
        Store(_store(heal_env)).close()
        db = sqlite3.connect(_store(heal_env))
        db.execute("PRAGMA user_version = 99")
        db.close()
    else:
        Store(_store(heal_env)).close()  # a store that exists, in a state directory heal cannot write
        ro = _readonly(heal_env, home)
        if ro is None:
            pytest.skip("cannot make a read-only directory here")
        prefix = ro
    before = {n: open(os.path.join(home, n), "rb").read() for n in os.listdir(home)
              if os.path.isfile(os.path.join(home, n))}
    # a dry run writes nothing: a store it can still read (read-only, its WAL kept by the last run) is no trouble
    dry_warns = trouble != "readonly"
    for args, code, warns in ((["--", "./run.sh"], 126, True), (["--dry-run", "--", "./run.sh"], 126, dry_warns)):
        r = subprocess.run([*prefix, *heal_argv(), *args], cwd=one, env=heal_env, capture_output=True, timeout=60)
        assert r.returncode == code, r.stderr
        warnings = [line for line in r.stderr.decode().splitlines() if "pattern store" in line]
        assert len(warnings) == int(warns), r.stderr
        assert all(w.endswith("; going on without learning") for w in warnings), r.stderr
        assert b"Traceback" not in r.stderr and b"internal error" not in r.stderr
        assert b"suggestion: make run.sh executable" in r.stderr or b"would make run.sh" in r.stderr
    if trouble != "readonly":
        after = {n: open(os.path.join(home, n), "rb").read() for n in before}
        assert after == before  # heal never "repairs" a store it cannot read
    r = subprocess.run([*prefix, *heal_argv(), "learn", "--", "true"], cwd=one, env=heal_env, capture_output=True,
                       timeout=60)
    assert r.returncode == 1 and b"Traceback" not in r.stderr


def test_a_store_locked_past_its_busy_timeout_is_one_line(heal_env, projects):
    one, _ = projects
    _not_executable(one, "run.sh")
    os.makedirs(heal_env["HEAL_HOME"])
    Store(_store(heal_env)).close()
    holder = sqlite3.connect(_store(heal_env), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process writing, for longer than heal waits (10 s)
    try:
        t0 = time.monotonic()
        r = subprocess.run([*heal_argv(), "--", "./run.sh"], cwd=one, env=heal_env, capture_output=True, timeout=60)
        waited = time.monotonic() - t0
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert r.returncode == 126
    warnings = [line for line in r.stderr.decode().splitlines() if "pattern store" in line]
    assert len(warnings) == 1 and "locked" in warnings[0], r.stderr
    assert b"Traceback" not in r.stderr and b"suggestion: make run.sh executable" in r.stderr
    assert waited < 30  # one busy timeout, not one per question


def test_learning_off_opens_no_store(heal, heal_env, projects):
    one, _ = projects
    _not_executable(one, "run.sh")
    with open(os.path.join(one, "heal.toml"), "a") as fh:
        fh.write("[learn]\nenabled = false\n")
    r = heal("--yes", "--", "./run.sh", cwd=one)
    assert r.returncode == 0
    assert not os.path.exists(_store(heal_env))
    assert not os.path.exists(os.path.join(heal_env["HEAL_HOME"], "failures"))
    r = heal("learn", "--", "true", cwd=one)
    assert r.returncode == 1 and b"learning is off" in r.stderr


# --- outcomes ------------------------------------------------------------------------------------------


def test_eight_concurrent_failures_record_every_outcome(heal_env, projects):
    one, _ = projects
    _write(os.path.join(one, "app.py"), "import sys, time\nwhile len(sys.argv) > 1 and not __import__('os').path."
                                        "exists(sys.argv[1]):\n    time.sleep(0.01)\nimport zzmod_missing\n")
    go = os.path.join(one, "go")
    procs = [subprocess.Popen([*heal_argv(), "--", sys.executable, "app.py", go], cwd=one, env=heal_env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(8)]
    time.sleep(1.0)
    open(go, "w").close()  # all eight fail at once, and record at once
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 1, err
        assert b"pattern store" not in err and b"locked" not in err
    with Store(_store(heal_env)) as store:
        m = store.metrics()
        rows = store.db.execute("SELECT category, healed, command_hash FROM outcomes").fetchall()
    assert m["runs"] == 8 and m["healed"] == 0
    assert {r[0] for r in rows} == {"dependency"} and len({r[2] for r in rows}) == 1  # one command, one hash


def test_metrics_after_real_runs(heal, heal_env, projects, tmp_path):
    one, two = projects
    _not_executable(one, "run.sh")
    _not_executable(two, "run.sh")
    assert heal("--yes", "--", "./run.sh", cwd=one).returncode == 0  # healed
    assert heal("--", "./run.sh", cwd=two).returncode == 126  # only suggested
    assert heal("--", "./run.sh", cwd=one).returncode == 0  # succeeds: the success path records nothing
    assert heal("--", "false", cwd=one).returncode == 1  # a failure heal does not know: no outcome
    m = json.loads(heal("patterns", "metrics", "--json").stdout)
    assert (m["runs"], m["healed"], m["failures"]) == (2, 1, 1)
    assert m["per_category"] == {"permission": {"runs": 2, "healed": 1, "rate": 0.5}}
    assert m["mttr_seconds"] is not None and 0 <= m["mttr_seconds"] < 30
    assert m["top_patterns"][0]["uses"] == 1 and m["top_patterns"][0]["healed"] == 1
    with Store(_store(heal_env)) as store:
        hashes = [h for (h,) in store.db.execute("SELECT command_hash FROM outcomes")]
    assert all("run.sh" not in h for h in hashes) and len(hashes[0]) == 32  # a keyed hash, never the line
    text = heal("patterns", "metrics").stdout.decode()
    assert "heal runs that needed healing: 2" in text and "healed: 1 (50%)" in text


def test_a_report_of_a_success_opens_no_store(heal, heal_env, projects, tmp_path):
    one, _ = projects
    report = str(tmp_path / "r.json")
    assert heal("--report", report, "--", "true", cwd=one).returncode == 0
    assert _report(report)["attempts"] == []
    assert not os.path.exists(_store(heal_env))
