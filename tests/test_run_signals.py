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
    # Its own session: no controlling terminal, as in CI. (From a terminal's foreground heal would share
    # its job with the command, and leave signals like SIGINT to the terminal, which sends them to both.)
    return subprocess.Popen([*heal_argv(), *argv], cwd=project, env=heal_env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _interrupted(proc: subprocess.Popen, timeout: float) -> bytes:
    """Ctrl-C (SIGINT to heal) once the command printed `ready`; heal's stderr when it has exited."""
    try:
        assert proc.stdout.readline() == b"ready\n"
        proc.send_signal(signal.SIGINT)
        return proc.communicate(timeout=timeout)[1]
    finally:
        proc.kill()


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


def test_sigint_default_action_ends_heal_by_sigint_too(heal_env, project):
    # the command died of SIGINT, so heal does: a shell sees $? = 130 either way, but only a death by SIGINT
    # stops a `while ...; do heal -- cmd; done` loop on Ctrl-C (break-it W2)
    proc = _start(heal_env, project, "--", "sh", "-c", "echo ready; exec sleep 30")
    err = _interrupted(proc, timeout=20)
    assert proc.returncode == -signal.SIGINT
    assert err == b""


def test_an_exit_status_of_130_stays_an_exit_status(heal):
    r = heal("--", "sh", "-c", "exit 130")
    assert r.returncode == 130  # not a signal: the command exited so


def test_ctrl_c_on_a_terminal_stops_a_shell_loop_of_heals(heal_env, project):
    import pexpect

    loop = f"while true; do {' '.join(heal_argv())} -- sleep 30; echo looped; done"
    child = pexpect.spawn("bash", ["--norc", "--noprofile", "-c", loop], cwd=project, env=heal_env, timeout=20)
    time.sleep(1.5)  # heal is running sleep
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert "looped" not in child.before.decode(errors="replace")
    assert child.signalstatus == signal.SIGINT or child.exitstatus == 130


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


def test_huge_timeout_flag_runs_the_command(heal):
    # F4: a deadline more than 2**31-1 ms away overflowed poll(): output lost, the child killed (141).
    r = heal("--timeout", "3000000", "--idle-timeout", "1e300", "--", "sh", "-c", "sleep 0.5; echo hi; exit 3")
    assert (r.returncode, r.stdout) == (3, b"hi\n")
    assert b"error" not in r.stderr


@pytest.mark.parametrize("value", ["inf", "nan", "-1"])
def test_non_finite_timeout_flag_is_a_usage_error(heal, value):
    r = heal("--timeout", value, "--", "true")
    assert r.returncode == 2
    assert r.stderr.startswith(b"heal: error: option '--timeout' must be a non-negative number of seconds")


def test_a_command_stopping_itself_where_no_shell_does_job_control_goes_on(heal_env, project):
    # F15: without job control (heal's process group orphaned, as in CI) the kernel drops a SIGTSTP, so
    # `sh -c 'kill -TSTP $$'` goes on. heal's child is in its own group, where the stop does happen: heal
    # (waiting with WUNTRACED now) stops with it, sees its own stop dropped, and continues the child.
    # Before, heal waited forever on the stopped child.
    argv = ["sh", "-c", "kill -TSTP $$; echo resumed; exit 3"]
    plain = subprocess.run(argv, cwd=project, env=heal_env, start_new_session=True, stdout=subprocess.PIPE,
                           timeout=30)
    via = subprocess.run([*heal_argv(), "--", *argv], cwd=project, env=heal_env, start_new_session=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    assert (via.returncode, via.stdout) == (plain.returncode, plain.stdout) == (3, b"resumed\n")


def test_a_stopped_child_is_still_ended_by_a_forwarded_sigterm(heal_env, project):
    # The child stops itself with SIGSTOP (not a job stop: heal does not stop with it); SIGTERM sent to heal
    # reaches it together with a SIGCONT, so its handler runs.
    code = ("import os, signal, sys\n"
            "signal.signal(signal.SIGTERM, lambda *a: sys.exit(9))\n"
            "print('stopping', flush=True)\n"
            "os.kill(os.getpid(), signal.SIGSTOP)\n"
            "sys.exit(1)\n")
    import sys

    proc = _start(heal_env, project, "--", sys.executable, "-c", code)
    try:
        assert proc.stdout.readline() == b"stopping\n"
        _wait_stopped(proc.pid)
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 9


def _wait_stopped(heal_pid: int) -> None:
    """Until heal's child is in state T (stopped)."""
    for _ in range(2000):
        with open(f"/proc/{heal_pid}/task/{heal_pid}/children") as fh:
            kids = fh.read().split()
        if kids:
            with open(f"/proc/{kids[0]}/stat") as fh:
                if fh.read().split(")")[-1].split()[0] == "T":
                    return
        time.sleep(0.01)
    raise AssertionError("the child never stopped")


def test_ctrl_c_a_command_handles_still_stops_a_plain_sh_loop(heal_env, project):
    # the command traps ^C and exits 130 (pytest, many CLIs): without heal the terminal's SIGINT would have
    # reached sh too, and sh dies of it; in pty mode heal passes it on to its job (review of W2)
    import pexpect

    inner = "trap 'exit 130' INT; echo ready; sleep 30"
    loop = f"for i in 1 2 3; do {' '.join(heal_argv())} -- sh -c \"{inner}\"; echo looped; done"
    child = pexpect.spawn("sh", ["-c", loop], cwd=project, env=heal_env, timeout=20)
    child.expect_exact("ready")
    time.sleep(0.5)
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert "looped" not in child.before.decode(errors="replace")


def test_a_heal_started_with_sigint_ignored_keeps_ignoring_it(heal_env, project):
    # nohup / `cmd &`: the command died of a SIGINT it sent itself; heal reports 130 and does not die of it
    import sys

    code = "import os, signal; signal.signal(signal.SIGINT, signal.SIG_DFL); os.kill(os.getpid(), signal.SIGINT)"
    r = subprocess.run([*heal_argv(), "--", sys.executable, "-c", code], cwd=project, env=heal_env,
                       capture_output=True, timeout=30,
                       preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    assert r.returncode == 130


def test_heal_does_not_start_fixing_what_ctrl_c_stopped(heal_env, project):
    # the command handles Ctrl-C by failing with an error heal would retry: heal says nothing of a fix
    import sys

    with open(os.path.join(project, "heal.toml"), "w") as fh:
        fh.write("[retry]\nbase = 0.01\ncap = 0.02\nany_command = true\n")
    code = ("import signal, sys, time\n"
            "def stop(*_):\n"
            "    sys.stderr.write(\"curl: (7) Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect "
            "to server\\n\")\n"
            "    sys.exit(7)\n"
            "signal.signal(signal.SIGINT, stop)\nprint('ready', flush=True)\ntime.sleep(30)\n")
    proc = _start(heal_env, project, "--yes", "--", sys.executable, "-c", code)
    err = _interrupted(proc, timeout=30)
    assert proc.returncode == 7
    assert b"retrying" not in err and b"running again" not in err
