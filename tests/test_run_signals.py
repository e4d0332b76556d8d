"""Signals sent to heal reach the command; timeouts kill it (and what it started) with exit 124."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from conftest import heal_argv

TRAP = r"""
import signal, sys, time, os
def handler(sig, frame):
    print("child got", signal.Signals(sig).name, flush=True)
    sys.exit(40 + sig)
for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
    signal.signal(s, handler)
print("ready", flush=True)
time.sleep(30)
"""


def _start(heal_env, project, *argv: str) -> subprocess.Popen:
    return subprocess.Popen([*heal_argv(), *argv], cwd=project, env=heal_env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT])
def test_signal_to_heal_reaches_the_child(heal_env, project, sig):
    import sys

    proc = _start(heal_env, project, "--", sys.executable, "-c", TRAP)
    try:
        assert proc.stdout.readline() == b"ready\n"
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert out == f"child got {signal.Signals(sig).name}\n".encode()
    assert proc.returncode == 40 + sig  # heal exits with the child's status
    assert b"Traceback" not in err


def test_sigint_default_action_gives_130(heal_env, project):
    proc = _start(heal_env, project, "--", "sh", "-c", "echo ready; exec sleep 30")
    try:
        assert proc.stdout.readline() == b"ready\n"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert err == b""


def test_forwarded_signal_reaches_the_whole_process_group(heal_env, project):
    # sh starts sleep as its own child; SIGTERM to heal must reach both, as Ctrl-C would in a shell.
    proc = _start(heal_env, project, "--", "sh", "-c", "sleep 30 & echo $!; wait")
    try:
        grandchild = int(proc.stdout.readline())
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=20)
    finally:
        proc.kill()
    time.sleep(0.2)
    assert not _alive(grandchild)


def test_timeout_kills_and_exits_124(heal):
    start = time.monotonic()
    r = heal("--timeout", "1", "--", "sleep", "30")
    assert r.returncode == 124
    assert time.monotonic() - start < 10
    assert b"heal: timed out" in r.stderr


def test_timeout_kills_the_child_that_ignores_sigterm(heal, project, heal_env):
    cfg = os.path.join(project, "heal.toml")
    with open(cfg, "w") as fh:
        fh.write("kill_grace = 0.5\n")
    start = time.monotonic()
    r = heal("--timeout", "1", "--", "sh", "-c", "trap '' TERM; sleep 30 & wait; sleep 30")
    assert r.returncode == 124
    assert time.monotonic() - start < 10


def test_idle_timeout_kills_a_silent_child(heal):
    start = time.monotonic()
    r = heal("--idle-timeout", "1", "--", "sh", "-c", "echo working; sleep 30; echo never")
    assert r.returncode == 124
    assert r.stdout == b"working\n"
    assert b"no output" in r.stderr
    assert time.monotonic() - start < 10


def test_idle_timeout_spares_a_chatty_child(heal):
    r = heal("--idle-timeout", "1.5", "--", "sh", "-c", "for i in 1 2 3 4; do echo $i; sleep 0.5; done")
    assert r.returncode == 0
    assert r.stdout == b"1\n2\n3\n4\n"


def test_nohup_ignored_sighup_stays_ignored_for_the_child(heal_env, project):
    # Started with SIGHUP ignored (nohup), heal must neither die of it nor let the child die of it.
    import sys

    code = "import signal,time,sys; print(signal.getsignal(signal.SIGHUP) == signal.SIG_IGN, flush=True)"
    r = subprocess.run(["nohup", *heal_argv(), "--", sys.executable, "-c", code], cwd=project, env=heal_env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    assert r.stdout == b"True\n"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (exited, not yet reaped by init) counts as gone
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False
