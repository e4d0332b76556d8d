"""Concurrent heals, rollbacks and state directories (reliability findings F8, F9): nothing lost, nothing
applied twice, every lock wait says what it waits for, and a nested heal never deadlocks.

Where an interleaving matters, the test makes it happen (a command that waits for a file the test creates,
a rollback whose "waiting for" line is read before the test goes on): no sleeps decide an outcome."""

from __future__ import annotations

import json
import os
import select
import shlex
import stat
import subprocess
import time

from conftest import heal_argv
from test_journal import tree

N = 8


def _script(path: str, body: str = "echo ok") -> None:
    with open(path, "w") as fh:
        fh.write(f"#!/bin/sh\n{body}\n")
    os.chmod(path, 0o644)


def _mode(path: str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _start(args: list[str], cwd: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([*heal_argv(), *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _all(procs: list[subprocess.Popen]) -> list[tuple[int, bytes, bytes]]:
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=600)
        out.append((p.returncode, stdout, stderr))
    return out


def _read_until(proc: subprocess.Popen, needle: bytes, bound: float = 120) -> bytes:
    """proc's stderr up to and including the line holding needle (the bound only keeps a broken build from
    hanging the suite)."""
    seen = b""
    deadline = time.monotonic() + bound
    fd = proc.stderr.fileno()
    while needle not in seen:
        left = deadline - time.monotonic()
        ready, _, _ = select.select([fd], [], [], max(left, 0))
        chunk = os.read(fd, 4096) if ready else b""
        if not chunk:
            raise AssertionError(f"{needle!r} never came; stderr so far: {seen!r}")
        seen += chunk
    return seen


def _wait_for_file(path: str, proc: subprocess.Popen, bound: float = 120) -> None:
    deadline = time.monotonic() + bound
    while not os.path.exists(path):
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
        time.sleep(0.02)


def _blocking_heal(project: str, env: dict, name: str = "slow.sh") -> subprocess.Popen:
    """A heal that holds the project's lock: its command, once fixed (chmod), waits for `release`."""
    _script(os.path.join(project, name), "touch started; while [ ! -e release ]; do sleep 0.05; done")
    proc = _start(["--yes", "--", f"./{name}"], project, env)
    _wait_for_file(os.path.join(project, "started"), proc)
    return proc


def test_eight_heals_in_one_project_then_eight_rollbacks(heal, heal_env, project):
    subprocess.run(["git", "init", "-q", project], check=True)
    for i in range(N):
        _script(os.path.join(project, f"s{i}.sh"))
    before = tree(project)
    results = _all([_start(["--yes", "--", f"./s{i}.sh"], project, heal_env) for i in range(N)])
    assert [r[0] for r in results] == [0] * N, [r[2] for r in results]
    assert all(_mode(os.path.join(project, f"s{i}.sh")) == 0o755 for i in range(N))
    sets = json.loads(heal("log", "--json", "-n", "100").stdout)["change_sets"]
    assert len(sets) == N and {c["status"] for c in sets} == {"applied"}
    assert sorted(c["changes"][0] for c in sets) == sorted(f"chmod 755 s{i}.sh" for i in range(N))
    results = _all([_start(["rollback", c["id"], "--yes"], project, heal_env) for c in sets])
    assert [r[0] for r in results] == [0] * N, [r[2] for r in results]
    assert tree(project) == before
    statuses = [c["status"] for c in json.loads(heal("log", "--json", "-n", "100").stdout)["change_sets"]]
    assert sorted(statuses) == ["applied"] * N + ["rolled back"] * N


def test_eight_projects_into_one_heal_home(heal, heal_env, tmp_path):
    roots = []
    for i in range(N):
        root = tmp_path / f"p{i}"
        root.mkdir()
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        _script(str(root / "run.sh"))
        roots.append(str(root))
    results = _all([_start(["--yes", "--", "./run.sh"], root, heal_env) for root in roots])
    assert [r[0] for r in results] == [0] * N, [r[2] for r in results]
    every = json.loads(heal("log", "--all", "--json", "-n", "100").stdout)["change_sets"]
    assert sorted(c["root"] for c in every) == sorted(roots)
    for root in roots:
        (mine,) = json.loads(heal("log", "--json", cwd=root).stdout)["change_sets"]
        assert mine["root"] == root
    results = _all([_start(["rollback", "--last", "--yes"], root, heal_env) for root in roots])
    assert [r[0] for r in results] == [0] * N, [r[2] for r in results]
    assert all(_mode(os.path.join(root, "run.sh")) == 0o644 for root in roots)


def test_eight_concurrent_rollback_last_roll_back_once(heal, heal_env, project):
    _script(os.path.join(project, "run.sh"))
    before = tree(project)
    assert heal("--yes", "--", "./run.sh").returncode == 0
    results = _all([_start(["rollback", "--last", "--yes"], project, heal_env) for _ in range(N)])
    assert [r[0] for r in results] == [0] * N, [r[2] for r in results]
    rolled = [r for r in results if b"heal: rolled back" in r[1]]
    already = [r for r in results if b"nothing to do" in r[1] and b"already rolled back" in r[1]]
    assert (len(rolled), len(already)) == (1, N - 1)
    assert tree(project) == before
    kinds = [c["kind"] for c in json.loads(heal("log", "--json", "-n", "100").stdout)["change_sets"]]
    assert sorted(kinds) == ["rollback", "run"]


def test_two_heal_homes_on_one_project_exclude_each_other(heal, heal_env, project, tmp_path):
    subprocess.run(["git", "init", "-q", project], check=True)
    other_env = dict(heal_env, HEAL_HOME=str(tmp_path / "agent-home"))
    _script(os.path.join(project, "other.sh"))
    first = _blocking_heal(project, heal_env)
    second = _start(["--yes", "--", "./other.sh"], project, other_env)
    seen = _read_until(second, b"waiting for the project lock")
    assert f"pid {first.pid}".encode() in seen and b"slow.sh" in seen  # says whom it waits for
    open(os.path.join(project, "release"), "w").close()
    (r1, _, e1), (r2, _, e2) = _all([first, second])
    assert (r1, r2) == (0, 0), (e1, e2)
    for env, script in ((heal_env, "slow.sh"), (other_env, "other.sh")):
        (entry,) = json.loads(heal("log", "--json", env=env).stdout)["change_sets"]
        assert entry["changes"] == [f"chmod 755 {script}"]  # each home holds its own change, once


def test_a_rollback_plans_after_waiting_for_the_lock(heal, heal_env, project):
    _script(os.path.join(project, "s.sh"))
    assert heal("--yes", "--", "./s.sh").returncode == 0
    (change,) = json.loads(heal("log", "--json").stdout)["change_sets"]
    holder = _blocking_heal(project, heal_env)
    # with no time to wait, a one-line refusal that names the holder
    r = heal("rollback", change["id"], "--yes", env=dict(heal_env, HEAL_LOCK_TIMEOUT="0"))
    assert r.returncode == 1 and f"still locked by pid {holder.pid}".encode() in r.stderr, r.stderr
    rollback = _start(["rollback", change["id"], "--yes"], project, heal_env)
    _read_until(rollback, b"waiting for the project lock")
    with open(os.path.join(project, "s.sh"), "a") as fh:
        fh.write("# the user's own edit, made while the rollback waited\n")
    open(os.path.join(project, "release"), "w").close()
    (rh, _, _), (rr, _, err) = _all([holder, rollback])
    assert rh == 0 and rr == 1 and b"changed after heal touched it" in err, err
    assert open(os.path.join(project, "s.sh")).read().endswith("made while the rollback waited\n")


def test_a_nested_heal_on_the_same_project_runs_unfixed_instead_of_deadlocking(heal, heal_env, project):
    inner = " ".join(shlex.quote(a) for a in heal_argv())
    _script(os.path.join(project, "outer.sh"), f"{inner} --yes -- ./inner.sh")
    _script(os.path.join(project, "inner.sh"), "echo inner ran")
    r = heal("--yes", "--", "./outer.sh", timeout=300)  # the bound only keeps a deadlock from hanging the suite
    assert b"not fixing: the project is locked by heal pid" in r.stderr, r.stderr
    assert b"which runs this command" in r.stderr
    # the inner command's own status stands (heal fixes only the script it was asked to run)
    assert r.returncode == 126 and b"inner ran" not in r.stdout, r.stderr


def test_prune_cannot_race_checkpoint_create(heal, heal_env, project):
    for i in range(3000):
        with open(os.path.join(project, f"f{i:04d}.txt"), "w") as fh:
            fh.write(f"file {i}\n")
    create = _start(["checkpoint", "create"], project, heal_env)
    prunes = 0
    while create.poll() is None:
        r = heal("log", "prune", "--older-than", "0d")
        assert r.returncode == 0, r.stderr
        prunes += 1
    assert create.returncode == 0 and prunes > 0, create.stderr.read()
    cp = json.loads(heal("checkpoint", "list", "--json").stdout)[-1]
    r = heal("checkpoint", "validate", cp["id"])
    assert r.returncode == 0 and b"intact (3000 files)" in r.stdout, (prunes, r.stdout[:300])


def test_a_heal_that_waited_for_another_ones_install_does_not_install_again(heal, heal_env, project, py, tmp_path):
    # eight heals of one missing module at once: each waited for the lock and installed again (eight change
    # sets; `heal rollback --last` found nothing to do seven times)
    import bigwheel

    wheel = bigwheel.build(str(tmp_path), name="termcolor", version="99.0.0", files=0)
    with open(os.path.join(project, "app.py"), "w") as fh:
        fh.write("import termcolor\nprint('ok')\n")
    env = dict(heal_env, PIP_NO_INDEX="1")  # heal's own install could not happen: only the other one's
    blocker = _blocking_heal(project, env)
    waiting = _start(["--yes", "--", py, "app.py"], project, env)
    seen = _read_until(waiting, b"waiting for the project lock")
    # what the heal it waits for installs, while it waits
    subprocess.run([py, "-m", "pip", "install", "-q", "--no-index", "--disable-pip-version-check", wheel],
                   check=True)
    open(os.path.join(project, "release"), "w").close()
    out, err = waiting.communicate(timeout=300)
    err = seen + err
    assert waiting.returncode == 0 and out == b"ok\n", err
    assert b"done by the heal run this one waited for; running the command again" in err
    assert blocker.wait(timeout=300) == 0
    sets = json.loads(heal("log", "--json", "-n", "10").stdout)["change_sets"]
    assert not any("termcolor" in " ".join(c["changes"]) for c in sets), sets
