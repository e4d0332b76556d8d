"""heal -- CMD exits exactly as the command would under a shell."""

from __future__ import annotations

import os
import stat

import pytest


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["true"], 0),
        (["false"], 1),
        (["sh", "-c", "exit 3"], 3),
        (["sh", "-c", "kill -INT $$"], 130),
        (["sh", "-c", "kill -TERM $$"], 143),
        (["sh", "-c", "kill -KILL $$"], 137),
    ],
)
def test_exit_status_is_the_commands(heal, argv, code):
    r = heal("--", *argv)
    assert r.returncode == code
    # heal adds at most its one-line diagnosis (killed by a signal), nothing else
    assert all(line.startswith(b"heal: ") for line in r.stderr.splitlines())
    assert len(r.stderr.splitlines()) <= 1
    if code == 0:
        assert r.stderr == b""


def test_not_found_is_127_with_a_shell_like_message(heal):
    r = heal("--", "no-such-command-xyz")
    assert r.returncode == 127
    assert r.stderr.splitlines()[0] == b"heal: no-such-command-xyz: command not found"


def test_missing_path_is_127(heal, project):
    r = heal("--", "./missing.sh")
    assert r.returncode == 127
    assert b"No such file or directory" in r.stderr


def test_not_executable_is_126(heal, project):
    script = os.path.join(project, "run.sh")
    with open(script, "w") as fh:
        fh.write("#!/bin/sh\necho hi\n")
    os.chmod(script, 0o644)
    r = heal("--", "./run.sh")
    assert r.returncode == 126
    assert r.stderr.splitlines()[0] == b"heal: ./run.sh: Permission denied"
    assert b"permission" in r.stderr.splitlines()[1]  # then the diagnosis


def test_directory_is_126(heal, project):
    os.mkdir(os.path.join(project, "d"))
    r = heal("--", "./d")
    assert r.returncode == 126
    assert b"Is a directory" in r.stderr


def test_bad_interpreter_is_126(heal, project):
    script = os.path.join(project, "x")
    with open(script, "w") as fh:
        fh.write("#!/nonexistent/interp\n")
    os.chmod(script, 0o755)
    r = heal("--", "./x")
    assert r.returncode == 126
    assert b"/nonexistent/interp: bad interpreter" in r.stderr


def test_script_without_shebang_runs_under_sh(heal, project):
    script = os.path.join(project, "noshebang")
    with open(script, "w") as fh:
        fh.write('echo "from sh: $1"\nexit 4\n')
    os.chmod(script, os.stat(script).st_mode | stat.S_IXUSR)
    r = heal("--", "./noshebang", "arg")
    assert r.returncode == 4
    assert r.stdout == b"from sh: arg\n"


def test_argv_is_not_shell_interpreted(heal):
    r = heal("--", "printf", "%s|", "a b", "$HOME", "*", ";")
    assert r.stdout == b"a b|$HOME|*|;|"


def test_environment_and_cwd_pass_through(heal, heal_env, project):
    env = dict(heal_env, HEAL_TEST_VAR="v1")
    r = heal("--", "sh", "-c", 'echo "$HEAL_TEST_VAR $(pwd)"', env=env)
    assert r.stdout.decode().split() == ["v1", os.path.realpath(project)]
