"""Pipe mode: byte-exact, unbuffered, stdout and stderr kept apart, stdin inherited."""

from __future__ import annotations

import contextlib
import hashlib
import os
import select
import subprocess
import time

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
