"""heal -- CMD exits exactly as the command would under a shell."""

from __future__ import annotations

import os
import shlex
import stat
import subprocess

import pytest

from conftest import heal_argv


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["true"], 0),
        (["false"], 1),
        (["sh", "-c", "exit 3"], 3),
        (["sh", "-c", "kill -INT $$"], -2),  # heal dies of SIGINT as the command did: a shell shows 130
        (["sh", "-c", "kill -TERM $$"], 143),
        (["sh", "-c", "kill -KILL $$"], 137),
    ],
)
def test_exit_status_is_the_commands(heal, argv, code, heal_env, project):
    r = heal("--", *argv)
    assert r.returncode == code
    shown = subprocess.run(["sh", "-c", f"{shlex.join([*heal_argv(), '--', *argv])}; echo $?"], cwd=project,
                           env=heal_env, capture_output=True)
    assert shown.stdout.split()[-1] == str(code % 256 if code >= 0 else 128 - code).encode()
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


def test_empty_command_name_is_127_like_the_shell(heal):
    # F17: `heal -- ''` was an internal error (70) where sh says ": command not found" (127).
    r = heal("--", "")
    assert r.returncode == 127
    assert r.stderr == b"heal: : command not found\n"


def test_overlong_command_name_is_127_like_bash(heal):
    # F17: a name no PATH directory can hold is not found (bash: 127), not "cannot execute" (126).
    name = "a" * 300
    r = heal("--", name)
    assert r.returncode == 127
    assert r.stderr.splitlines()[0] == f"heal: {name}: command not found".encode()


def test_overlong_path_is_126_like_bash(heal):
    r = heal("--", "./" + "a" * 300 + "/x")
    assert r.returncode == 126
    assert b"File name too long" in r.stderr.splitlines()[0]


@pytest.mark.parametrize(("command", "status"), [
    ("/bin/echo hi >&-", b"rc=1\n"),                   # stdout closed: echo's write fails (heal gave 0)
    ("ls /nonexistent-heal-test 2>&-", b"rc=2\n"),     # stderr closed
    ("cat <&-", b"rc=1\n"),                            # stdin closed
    ("sh -c 'echo out; echo err >&2' >&- 2>&-", b"rc=2\n"),
])
def test_a_closed_std_fd_stays_closed_for_the_command(heal_env, project, command, status):
    # F17: a standard fd closed when heal starts is closed for the command too, as with the shell.
    heal = shlex.join(heal_argv())
    via = subprocess.run(["sh", "-c", f"{heal} -- {command}; echo rc=$?"], cwd=project, env=heal_env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    plain = subprocess.run(["sh", "-c", f"{command}; echo rc=$?"], cwd=project, env=heal_env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    assert via.stdout == plain.stdout == status


def test_deleted_working_directory_still_runs_the_command(heal_env, tmp_path):
    # F5: heal exited 70 before running anything; sh runs the command (and says getcwd() failed).
    gone = tmp_path / "gone"
    gone.mkdir()
    heal = shlex.join(heal_argv())
    r = subprocess.run(["sh", "-c", f"cd {gone} && rmdir {gone} && exec {heal} -- sh -c 'echo hi; exit 3'"],
                       env=heal_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    assert (r.returncode, r.stdout) == (3, b"hi\n")
    assert b"Traceback" not in r.stderr


def test_few_file_descriptors_still_run_the_command(heal_env, project):
    # F5: under `ulimit -n 8` heal ran out of fds for its pipes and exited 70 without running anything.
    heal = shlex.join(heal_argv())
    r = subprocess.run(["sh", "-c", f"ulimit -n 8 && exec {heal} -- sh -c 'echo hi; exit 3'"], cwd=project,
                       env=heal_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    assert (r.returncode, r.stdout) == (3, b"hi\n")
    assert b"Traceback" not in r.stderr and b"internal error" not in r.stderr


@pytest.mark.parametrize("name", ["select.py", "tty.py"])
def test_project_files_do_not_shadow_heals_own_imports(heal, heal_env, project, name):
    # F5: with PYTHONPATH=. a project's select.py stood in for the stdlib module inside heal (exit 70).
    with open(os.path.join(project, name), "w") as fh:
        fh.write("raise ImportError('a project file, not the standard library')\n")
    env = dict(heal_env, PYTHONPATH=".")
    r = heal("--", "sh", "-c", 'echo "PYTHONPATH=$PYTHONPATH"; exit 3', env=env)
    assert (r.returncode, r.stdout) == (3, b"PYTHONPATH=.\n")  # the command still gets PYTHONPATH as it was
    assert b"project file" not in r.stderr
