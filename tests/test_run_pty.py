"""PTY mode, driven through a real terminal (pexpect): the command sees a terminal, prompts work,
the window size follows, and the user's terminal is restored however it ends."""

from __future__ import annotations

import signal
import sys

import pexpect
import pytest

from conftest import heal_argv


def _spawn(heal_env, project, *argv: str, **kw) -> pexpect.spawn:
    cmd = heal_argv()
    return pexpect.spawn(cmd[0], [*cmd[1:], *argv], cwd=project, env=heal_env, timeout=20, **kw)


def test_child_sees_a_terminal_with_our_size(heal_env, project):
    code = "import sys,os; print('tty', sys.stdin.isatty(), sys.stdout.isatty(), sys.stderr.isatty(), os.get_terminal_size())"
    child = _spawn(heal_env, project, "--", sys.executable, "-c", code, dimensions=(33, 101))
    child.expect(r"tty True True True os.terminal_size\(columns=101, lines=33\)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_prompt_input_and_exit_status(heal_env, project):
    code = "s = input('name? '); print('hello', s); raise SystemExit(5)"
    child = _spawn(heal_env, project, "--", sys.executable, "-c", code)
    child.expect_exact("name? ")
    child.sendline("bob")
    child.expect_exact("hello bob")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 5


def test_password_prompt_does_not_echo(heal_env, project):
    code = "import getpass; p = getpass.getpass('pw: '); print('got', len(p))"
    child = _spawn(heal_env, project, "--", sys.executable, "-c", code)
    child.expect_exact("pw: ")
    child.sendline("s3cret")
    child.expect_exact("got 6")
    assert b"s3cret" not in child.before
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_window_size_change_reaches_the_child(heal_env, project):
    code = (
        "import signal, os, time\n"
        "signal.signal(signal.SIGWINCH, lambda *a: print('winch', os.get_terminal_size(), flush=True))\n"
        "print('ready', flush=True)\n"
        "time.sleep(10)\n"
    )
    child = _spawn(heal_env, project, "--", sys.executable, "-c", code, dimensions=(24, 80))
    child.expect_exact("ready")
    child.setwinsize(40, 120)
    child.expect(r"winch os.terminal_size\(columns=120, lines=40\)")
    child.terminate(force=True)


def test_ctrl_c_interrupts_the_child(heal_env, project):
    child = _spawn(heal_env, project, "--", sys.executable, "-c", "import time; print('ready', flush=True); time.sleep(20)")
    child.expect_exact("ready")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    # python died of the SIGINT, so heal does too, as the command would have without heal (a shell shows 130)
    assert child.signalstatus == signal.SIGINT and child.exitstatus is None


def test_colours_pass_through_untouched(heal_env, project):
    child = _spawn(heal_env, project, "--", "printf", r"\033[31mred\033[0m\n")
    child.expect(pexpect.EOF)
    assert b"\x1b[31mred\x1b[0m" in child.before


@pytest.mark.parametrize("ending", ["exit 0", "exit 7", "kill -TERM $$", "kill -KILL $$"])
def test_terminal_mode_is_restored(heal_env, project, ending):
    # A shell inside the test terminal records the terminal mode before and after heal runs.
    heal = " ".join(heal_argv())
    script = f"stty -g; {heal} -- sh -c 'stty raw -echo; {ending}'; echo status=$?; stty -g"
    child = pexpect.spawn("bash", ["--noprofile", "--norc", "-c", script], cwd=project, env=heal_env, timeout=20)
    child.expect(pexpect.EOF)
    lines = [ln for ln in child.before.decode().replace("\r", "").split("\n") if ln]
    before, after = lines[0], lines[-1]
    assert before == after
    assert any(ln.startswith("status=") for ln in lines)


def test_no_pty_flag_forces_pipes_on_a_terminal(heal_env, project):
    child = _spawn(heal_env, project, "--no-pty", "--", sys.executable, "-c", "import sys; print('tty', sys.stdout.isatty())")
    child.expect_exact("tty False")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_pty_flag_without_a_terminal(heal):
    r = heal("--pty", "--", sys.executable, "-c", "import sys; print(sys.stdout.isatty()); print(repr(sys.stdin.read()))",
             input=b"")
    assert r.returncode == 0
    assert r.stdout.replace(b"\r\n", b"\n").splitlines()[0] == b"True"


def test_pipe_mode_in_the_foreground_shares_the_job(heal_env, project):
    # --no-pty in a terminal: the command must still be able to read the terminal (foreground job)
    # and Ctrl-C from the terminal must reach it once.
    code = (
        "import signal, sys\n"
        "n = 0\n"
        "def h(*a):\n"
        "    global n; n += 1\n"
        "signal.signal(signal.SIGINT, h)\n"
        "s = input('name? ')\n"
        "print('hello', s, flush=True)\n"
        "import time; time.sleep(0.5)\n"
        "print('sigints', n, flush=True)\n"
    )
    child = _spawn(heal_env, project, "--no-pty", "--", sys.executable, "-c", code)
    child.expect_exact("name? ")
    child.sendline("amy")
    child.expect_exact("hello amy")
    child.sendintr()
    child.expect(r"sigints (\d)")
    assert child.match.group(1) == b"1"
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_ctrl_z_suspends_heal_and_fg_resumes_the_command(heal_env, project):
    # An interactive bash with job control runs heal; ^Z must give the prompt back, fg must continue.
    import time

    env = dict(heal_env, PS1="$ ", TERM="xterm")
    heal = " ".join(heal_argv())
    sh = pexpect.spawn("bash", ["--norc", "--noprofile", "-i"], cwd=project, env=env, timeout=20)
    sh.expect_exact("$ ")
    sh.sendline(f"{heal} -- sh -c 'echo st''arted; sleep 2; echo fin''ished'")
    sh.expect_exact("started")
    sh.sendcontrol("z")
    sh.expect("Stopped")
    sh.expect_exact("$ ")
    time.sleep(2.5)  # longer than the sleep: a command that kept running would have finished by now
    assert sh.expect([pexpect.TIMEOUT, "finished"], timeout=0.5) == 0
    sh.sendline("fg")
    sh.expect_exact("finished")
    sh.expect_exact("$ ")
    sh.sendline("exit")
    sh.expect(pexpect.EOF)


def test_a_prompt_on_dev_tty_works_with_stdio_redirected(heal_env, project):
    # F15: with none of fds 0-2 a terminal, heal put the child in a background group: its read of
    # /dev/tty (a sudo, ssh or git credential prompt) stopped it with SIGTTIN, and heal waited forever.
    heal = " ".join(heal_argv())
    inner = 'printf "Password: " >/dev/tty; read x </dev/tty; echo got=$x >/dev/tty; exit 4'
    child = pexpect.spawn("sh", ["-c", f"{heal} -- sh -c '{inner}' </dev/null >/dev/null 2>&1; echo rc=$?"],
                          cwd=project, env=heal_env, timeout=20)
    child.expect_exact("Password: ")
    child.sendline("abc")
    child.expect_exact("got=abc")
    child.expect_exact("rc=4")
    child.expect(pexpect.EOF)


def _job_shell(heal_env, project) -> pexpect.spawn:
    sh = pexpect.spawn("bash", ["--norc", "--noprofile", "-i"], cwd=project,
                       env=dict(heal_env, PS1="$ ", TERM="dumb"), timeout=20)
    sh.expect_exact("$ ")
    return sh


def test_a_background_job_reading_the_terminal_stops_with_heal_and_fg_continues_it(heal_env, project):
    # F15: heal in the background: its command stops on SIGTTIN; heal stops too, so the shell shows the
    # job stopped; `fg` gives the job the terminal and the command reads it.
    heal = " ".join(heal_argv())
    sh = _job_shell(heal_env, project)
    sh.sendline(f"{heal} -- sh -c 'read x </dev/tty; echo got=$x >/dev/tty; exit 5' </dev/null >/dev/null 2>&1 &")
    sh.expect_exact("$ ")
    sh.sendline("wait $!; echo status=$?")  # bash's wait returns when the job stops: 128 + SIGTTIN
    sh.expect(r"status=(\d+)")
    assert int(sh.match.group(1)) == 128 + signal.SIGTTIN
    sh.expect_exact("$ ")
    sh.sendline("fg")
    sh.expect_exact(" -- sh -c")  # bash echoes the job it continues
    sh.sendline("xyz")
    sh.expect_exact("got=xyz")
    sh.expect_exact("$ ")
    sh.sendline("echo rc=$?")
    sh.expect_exact("rc=5")
    sh.sendline("exit")
    sh.expect(pexpect.EOF)


def test_a_stopped_background_job_still_ends_on_sigterm(heal_env, project):
    # F15: `kill %1` of the stopped job sends SIGTERM and SIGCONT to heal, which hands both on.
    heal = " ".join(heal_argv())
    code = ("import signal, sys; signal.signal(signal.SIGTERM, lambda *a: sys.exit(9)); "
            "open('/dev/tty').readline(); sys.exit(1)")
    sh = _job_shell(heal_env, project)
    sh.sendline(f'{heal} -- {sys.executable} -c "{code}" </dev/null >/dev/null 2>&1 &')
    sh.expect_exact("$ ")
    sh.sendline("p=$!; wait $p; echo status=$?")
    sh.expect(r"status=(\d+)")
    assert int(sh.match.group(1)) == 128 + signal.SIGTTIN
    sh.expect_exact("$ ")
    # wait returns at once while bash still has the job as stopped: ask until it has ended
    sh.sendline("kill -TERM %1; until wait $p; s=$?; [ $s -lt 147 ] || [ $s -gt 150 ]; do :; done; echo rc=$s")
    sh.expect_exact("rc=9")
    sh.sendline("exit")
    sh.expect(pexpect.EOF)
