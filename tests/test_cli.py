"""The command line itself: version, help, usage errors (exit 2, one line), --report."""

from __future__ import annotations

import json
import os

import pytest

from heal import __version__


def test_version(heal):
    r = heal("--version")
    assert r.returncode == 0
    assert r.stdout == f"heal {__version__}\n".encode()


def test_help_shows_the_run_form_and_subcommands(heal):
    r = heal("--help")
    assert r.returncode == 0
    out = r.stdout.decode()
    assert "heal [OPTIONS] -- COMMAND" in out
    for flag in ("--yes", "--dry-run", "--max-attempts", "--timeout", "--idle-timeout", "--pty", "--no-pty", "--report"):
        assert flag in out
    assert "config" in out


def test_python_dash_m_works(project, heal_env):
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "heal", "--", "sh", "-c", "exit 9"], cwd=project, env=heal_env)
    assert r.returncode == 9


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bogus", "--", "true"], "unknown option '--bogus'"),
        (["--timeout", "soon", "--", "true"], "option '--timeout' needs a number of seconds, not 'soon'"),
        (["--timeout=-3", "--", "true"], "must be a non-negative number of seconds"),
        (["--max-attempts", "0", "--", "true"], "option '--max-attempts' must be at least 1"),
        (["--report", "--", "true"], "option '--report' needs a value (FILE)"),
        (["--report=", "--", "true"], "option '--report' needs a file name"),
        (["--yes=1", "--", "true"], "option '--yes' takes no value"),
        (["--"], "no command after '--'"),
        (["npm", "test"], "'npm' is not a heal command; to run it: heal -- npm test"),
        (["-y", "npm", "--", "x"], "put '--' before the command"),
    ],
)
def test_usage_errors_exit_2_with_one_line(heal, args, message):
    r = heal(*args)
    assert r.returncode == 2
    err = r.stderr.decode()
    assert message in err
    assert err.count("\n") == 1
    assert r.stdout == b""


def test_unknown_subcommand_option_exits_2(heal):
    r = heal("config", "--nope")
    assert r.returncode == 2
    assert b"Traceback" not in r.stderr


def test_report_is_written(heal, project):
    report = os.path.join(project, "out", "report.json")
    os.makedirs(os.path.dirname(report))
    r = heal("--report", report, "--", "sh", "-c", "exit 3")
    assert r.returncode == 3
    with open(report) as fh:
        obj = json.load(fh)
    assert obj == {"command": ["sh", "-c", "exit 3"], "exit_code": 3, "original_exit_code": 3, "healed": False,
                   "change_id": None, "attempts": []}


def test_unwritable_report_keeps_the_exit_code(heal, project):
    r = heal("--report", os.path.join(project, "no", "such", "dir", "r.json"), "--", "sh", "-c", "echo x; exit 4")
    assert r.returncode == 4
    assert r.stdout == b"x\n"
    assert r.stderr.decode().startswith("heal: cannot write report")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["log"], ["checkpoint", "list"]])
def test_output_to_a_full_disk_is_one_line_and_exit_74(project, heal_env, args):
    # checkpoint (and rollback, below) turn the journal's OSErrors into a refusal: not their output's
    import subprocess

    from conftest import heal_argv

    if args[0] == "checkpoint":  # something to list
        subprocess.run([*heal_argv(), "checkpoint", "create"], cwd=project, env=heal_env, check=True,
                       capture_output=True)
    with open("/dev/full", "w") as full:
        r = subprocess.run([*heal_argv(), *args], cwd=project, env=heal_env, stdout=full, stderr=subprocess.PIPE)
    assert r.returncode == 74
    assert r.stderr == b"heal: error: No space left on device (writing heal's output)\n"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args, stdin", [
    (["diagnose", "--json", "-"], b"ModuleNotFoundError: No module named 'yaml'\n"),
    (["hook", "claude-code"], None),
    (["rollback", "--last", "--dry-run"], b""),
])
def test_the_bounded_commands_leave_early_and_still_report_a_full_disk(project, heal_env, args, stdin):
    # heal diagnose and the hook exit without the interpreter's finalization: their output is flushed first,
    # and a write that fails there is the same one line and status as anywhere (the hook: nothing, exit 0)
    import json
    import subprocess

    from conftest import heal_argv

    if args[0] == "rollback":
        from heal.journal import FileChange, Journal

        with Journal(heal_env["HEAL_HOME"]).changeset(cwd=project, root=project, command=["edit"]) as cs:
            cs.apply(FileChange(os.path.join(project, "yaml.txt"), data=b"x\n"))
    if stdin is None:
        stdin = json.dumps({"session_id": "s", "cwd": project, "hook_event_name": "PostToolUseFailure",
                            "tool_name": "Bash", "tool_input": {"command": "python3 app.py"},
                            "error": "Exit code 1\nModuleNotFoundError: No module named 'yaml'\n"}).encode()
    ok = subprocess.run([*heal_argv(), *args], cwd=project, env=heal_env, input=stdin, capture_output=True)
    assert ok.returncode == 0 and b"yaml" in ok.stdout and ok.stderr == b""
    with open("/dev/full", "w") as full:
        r = subprocess.run([*heal_argv(), *args], cwd=project, env=heal_env, input=stdin, stdout=full,
                           stderr=subprocess.PIPE)
    if args[0] in ("diagnose", "rollback"):
        assert (r.returncode, r.stderr) == (74, b"heal: error: No space left on device (writing heal's output)\n")
    else:
        assert r.returncode == 0 and b"Traceback" not in r.stderr


@pytest.mark.parametrize("what", ["rollback", "checkpoint restore"])
def test_a_change_whose_output_pipe_is_closed_is_not_made_silently(project, heal_env, what):
    # `heal rollback --last --yes | head -0`: the plan cannot be shown, so it is not carried out, and the exit
    # status says so (`heal log | head` is a success; a rollback that did nothing is not)
    import subprocess

    from conftest import heal_argv
    from heal.journal import FileChange, Journal

    target = os.path.join(project, "yaml.txt")
    if what == "rollback":
        with Journal(heal_env["HEAL_HOME"]).changeset(cwd=project, root=project, command=["edit"]) as cs:
            cs.apply(FileChange(target, data=b"x\n"))
        args = ["rollback", "--last", "--yes"]
    else:
        with open(target, "w") as fh:
            fh.write("before\n")
        out = subprocess.run([*heal_argv(), "checkpoint", "create"], cwd=project, env=heal_env, check=True,
                             capture_output=True).stdout.decode()
        cid = out.split()[2].rstrip(":")  # "heal: checkpoint ID: 1 files of PROJECT"
        with open(target, "w") as fh:
            fh.write("after\n")
        args = ["checkpoint", "restore", cid, "--yes"]
    r_fd, w_fd = os.pipe()
    os.close(r_fd)
    r = subprocess.run([*heal_argv(), *args], cwd=project, env=heal_env, stdout=w_fd, stderr=subprocess.PIPE)
    os.close(w_fd)
    done = not os.path.exists(target) if what == "rollback" else open(target).read() == "before\n"
    assert done or r.returncode != 0, (r.returncode, r.stderr)


def test_a_report_goes_through_a_symlink_and_into_a_fifo_as_a_shells_redirection_would(heal, project):
    # renaming over the path replaced a FIFO, a device or a link with a plain file (as root, `--report
    # /dev/null` would have replaced the system's /dev/null)
    import threading

    target = os.path.join(project, "real.json")
    link = os.path.join(project, "link.json")
    os.symlink(target, link)
    assert heal("--report", link, "--", "sh", "-c", "exit 3").returncode == 3
    assert os.path.islink(link) and json.load(open(target))["exit_code"] == 3
    fifo = os.path.join(project, "report.fifo")
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()), daemon=True)
    reader.start()
    assert heal("--report", fifo, "--", "sh", "-c", "exit 5").returncode == 5
    reader.join(10)
    import stat

    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and json.loads(got[0])["exit_code"] == 5


@pytest.mark.parametrize("args", [["log"], ["patterns", "list"], ["config"], ["--version"]])
def test_a_closed_stdout_is_one_line_and_exit_74(project, heal_env, args):
    # Python leaves sys.stdout None when fd 1 is closed: every subcommand was "internal error" (70), and
    # --version exited 0 having printed nothing (`/bin/echo >&-` exits 1)
    import subprocess

    from conftest import heal_argv

    r = subprocess.run([*heal_argv(), *args], cwd=project, env=heal_env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, preexec_fn=lambda: os.close(1))
    assert (r.returncode, r.stderr) == (74, b"heal: error: Bad file descriptor (writing heal's output)\n")
