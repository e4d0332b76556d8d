"""Pipe mode: byte-exact, unbuffered, stdout and stderr kept apart, stdin inherited."""

from __future__ import annotations

import contextlib
import hashlib
import os
import select
import shlex
import subprocess
import sys
import time

import pytest

from conftest import heal_argv


def test_binary_passthrough_is_byte_exact(heal, project):
    path = os.path.join(project, "blob.bin")
    block = os.urandom(1 << 20)
    with open(path, "wb") as fh:
        for i in range(50):
            fh.write(bytes([i]) + block[1:])
    expected = hashlib.sha256(open(path, "rb").read()).hexdigest()
    r = heal("--no-pty", "--", "cat", path)
    assert r.returncode == 0
    assert len(r.stdout) == 50 << 20
    assert hashlib.sha256(r.stdout).hexdigest() == expected


def test_stdout_and_stderr_stay_separate(heal):
    r = heal("--", "sh", "-c", "echo out1; echo err1 >&2; echo out2; printf err2 >&2")
    assert r.stdout == b"out1\nout2\n"
    assert r.stderr == b"err1\nerr2"


def test_stdin_is_inherited(heal):
    r = heal("--", "sh", "-c", "read a; read b; echo \"$b-$a\"", input=b"one\ntwo\n")
    assert r.stdout == b"two-one\n"


def test_partial_line_appears_before_the_child_exits(heal_env, project):
    proc = subprocess.Popen(
        [*heal_argv(), "--", "sh", "-c", "printf 'no newline yet'; sleep 5; echo end"],
        cwd=project, env=heal_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 4)
        assert ready, "partial line not forwarded before the child finished"
        assert os.read(proc.stdout.fileno(), 100) == b"no newline yet"
        assert proc.poll() is None  # the child is still sleeping
    finally:
        proc.kill()
        proc.wait()


def test_reader_going_away_ends_the_command_like_sigpipe(heal_env, project):
    # `heal -- yes | head -1`: without heal, yes dies of SIGPIPE; with heal it must too, not run forever.
    start = time.monotonic()
    r = subprocess.run(
        ["sh", "-c", f"{' '.join(heal_argv())} -- yes | head -n 2; echo \"status ${{PIPESTATUS:-}}\""],
        cwd=project, env=heal_env, stdout=subprocess.PIPE, timeout=30,
    )
    assert r.stdout.startswith(b"y\ny\n")
    assert time.monotonic() - start < 20


def test_exit_status_after_sigpipe_is_141(heal_env, project):
    r = subprocess.run(
        ["bash", "-c", f"{' '.join(heal_argv())} -- yes | head -n 1 >/dev/null; echo ${{PIPESTATUS[0]}}"],
        cwd=project, env=heal_env, stdout=subprocess.PIPE, timeout=30,
    )
    assert r.stdout.strip() == b"141"


def test_background_grandchild_does_not_keep_heal_waiting(heal_env, project):
    # A shell returns as soon as the command exits, even if something it started keeps running (which
    # keeps the output pipe open, with or without heal: so wait for heal's exit, not for end of file).
    proc = subprocess.Popen([*heal_argv(), "--", "sh", "-c", "echo started; sleep 30 & echo $!; exit 0"],
                            cwd=project, env=heal_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.wait(timeout=25) == 0
        assert proc.stdout.readline() == b"started\n"
        sleeper = int(proc.stdout.readline())
        os.kill(sleeper, 0)  # heal has returned while the background job still runs
    finally:
        proc.kill()
        with contextlib.suppress(ProcessLookupError, NameError):
            os.kill(sleeper, 9)
        proc.communicate(timeout=20)


INTERLEAVE = "import os\nfor i in range(2000):\n    os.write(1, b'out %d\\n' % i)\n    os.write(2, b'err %d\\n' % i)\n"
IN_ORDER = b"".join(b"out %d\nerr %d\n" % (i, i) for i in range(2000))


def test_stdout_and_stderr_into_one_file_keep_their_order(heal, project):
    # F10: `heal -- cmd >log 2>&1`: two pipes drained in poll order reshuffled the lines.
    log = os.path.join(project, "log")
    with open(log, "wb") as fh:
        r = heal("--", sys.executable, "-c", INTERLEAVE, stdout=fh, stderr=subprocess.STDOUT)
    assert r.returncode == 0
    with open(log, "rb") as fh:
        assert fh.read() == IN_ORDER


def test_stdout_and_stderr_into_one_pipe_keep_their_order(heal):
    # F10: `heal -- cmd 2>&1 | tee`: one pipe for both, so the order is the command's.
    r = heal("--", sys.executable, "-c", INTERLEAVE, stderr=subprocess.STDOUT)
    assert r.returncode == 0
    assert r.stdout == IN_ORDER


def test_a_background_job_keeps_a_place_to_write(heal_env, project, tmp_path):
    # F11: after the command exited heal closed its pipes, and a job it left running died of SIGPIPE.
    marker = tmp_path / "m1"
    job = f"(sleep 1; echo late; echo alive > {shlex.quote(str(marker))}) &"
    r = subprocess.run(["sh", "-c", shlex.join([*heal_argv(), "--", "sh", "-c", job]) + " | cat"], cwd=project,
                       env=heal_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    assert r.stdout == b"late\n"  # cat ends once the job closed its end, as with `sh -c ... | cat`
    assert marker.read_text() == "alive\n"


def _compare_with_sh(heal_env, project, inner: str, outer: str) -> tuple[subprocess.CompletedProcess, ...]:
    """Run `outer` with CMD standing for `sh -c inner`, once plain and once through heal."""
    def run(prefix: str) -> subprocess.CompletedProcess:
        cmd = outer.replace("CMD", prefix + shlex.join(["sh", "-c", inner]))
        return subprocess.run(["sh", "-c", cmd], cwd=project, env=heal_env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=60)
    return run(""), run(shlex.join(heal_argv()) + " -- ")


def test_a_full_stdout_is_the_commands_to_see(heal_env, project):
    # F12: heal relayed into /dev/full, raised on ENOSPC, and the child died of SIGPIPE with "b" lost.
    plain, via = _compare_with_sh(heal_env, project, "echo a; sleep .2; echo b >&2; echo c; exit 0",
                                  "CMD > /dev/full")
    assert via.returncode == plain.returncode == 0
    assert via.stderr == plain.stderr  # the command's own write errors, and "b"
    assert b"\nb\n" in via.stderr


def test_a_file_size_limit_is_the_commands_to_hit(heal_env, project):
    # F12: EFBIG on heal's write killed the relay (the child got SIGPIPE, 141); the shell gives SIGXFSZ.
    plain, via = _compare_with_sh(heal_env, project, "head -c 100000 /dev/zero; echo head=$? >&2",
                                  "ulimit -f 8; CMD > out")
    assert via.stderr == plain.stderr
    assert via.stderr.endswith(b"head=153\n")  # 128 + SIGXFSZ
    assert os.path.getsize(os.path.join(project, "out")) == 8 * 512


def test_a_failure_written_to_a_file_is_still_diagnosed(heal, project):
    # With stdout and stderr in a file, heal reads back what the command wrote there (its head and tail).
    log = os.path.join(project, "log")
    cmd = "head -c 3000000 /dev/zero | tr '\\0' x; echo; echo 'curl: (6) Could not resolve host: x.invalid' >&2; exit 6"
    with open(log, "wb") as fh:
        r = heal("--", "sh", "-c", cmd, stdout=fh, stderr=subprocess.STDOUT)
    assert r.returncode == 6
    with open(log, "rb") as fh:
        text = fh.read()
    assert text.startswith(b"x" * 3000000 + b"\ncurl: (6) Could not resolve host: x.invalid\nheal: network")


FLAKY = ("#!/bin/sh\nn=$(cat tries 2>/dev/null || echo 0); echo $((n+1)) > tries\necho \"run $n\"\n"
         "if [ $n -lt 1 ]; then echo \"curl: (7) Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect"
         " to server\" >&2; exit 7; fi\necho fetched\n")


@pytest.mark.parametrize(("mode", "expected"), [
    ("file", b"header\nrun 1\nfetched\n"),  # truncated back to where heal found it: the final run only
    ("append", b"header\nrun 0\nrun 1\nfetched\n"),  # appending: both runs, as they came
    ("pipe", b"run 0\nrun 1\nfetched\n"),  # sent is sent
    ("log", None),  # `>log 2>&1`: a log keeps everything, heal's own lines included
])
def test_what_stdout_holds_after_a_rerun(heal, project, mode, expected):
    # N5: `heal --yes -- gen > out` used to leave the failed run's output in front of the rerun's.
    with open(os.path.join(project, "heal.toml"), "w") as fh:
        fh.write("[retry]\nbase = 0.01\ncap = 0.02\nany_command = true\n")  # gen.sh: a script heal may rerun
    script = os.path.join(project, "gen.sh")
    with open(script, "w") as fh:
        fh.write(FLAKY)
    os.chmod(script, 0o755)
    out = os.path.join(project, "out")
    if mode == "pipe":
        r = heal("--yes", "--", "./gen.sh")
        assert (r.returncode, r.stdout) == (0, expected)
        return
    with open(out, "ab" if mode == "append" else "wb") as fh:
        fh.write(b"header\n")
        fh.flush()
        r = heal("--yes", "--", "./gen.sh", stdout=fh, stderr=subprocess.STDOUT if mode == "log" else subprocess.PIPE)
    assert r.returncode == 0
    with open(out, "rb") as fh:
        got = fh.read()
    if mode == "log":
        assert got.startswith(b"header\nrun 0\ncurl: (7) Failed to connect")
        assert b"\nheal: network" in got and b"\nrun 1\nfetched\nheal: healed" in got
    else:
        assert got == expected
