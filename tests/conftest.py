"""Shared test plumbing: every test runs heal as a real process with HEAL_HOME and the user config
directory inside its own temp dir."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable

import pytest

# Tests that import heal run it in this process too: what heal writes for itself there (its compiled caches,
# heal.tomlcache and heal.recache) goes to a temp HEAL_HOME, never the user's own directories.
if "HEAL_HOME" not in os.environ:  # once, whichever name this module is imported under
    os.environ["HEAL_HOME"] = tempfile.mkdtemp(prefix="heal-test-home-")

# A suite started in the background by a non-interactive shell (`pytest &`, CI runners that do so) inherits
# SIGINT and SIGQUIT ignored, and so would every heal it starts: heal keeps an ignored signal ignored (nohup's
# contract), and the tests that press Ctrl-C would test nothing. The suite's processes start from the defaults.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
if signal.getsignal(signal.SIGQUIT) == signal.SIG_IGN:
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)


def heal_argv() -> list[str]:
    """The installed console script when there is one (what users run), else `python -m heal`."""
    script = os.path.join(sysconfig.get_path("scripts"), "heal")
    if os.path.exists(script):
        return [script]
    return [sys.executable, "-m", "heal"]


def yes_on_a_terminal(args: list[str], *, cwd: str, env: dict[str, str], before: str = "",
                      timeout: float = 60) -> tuple[int | None, str]:
    """Run heal with args on a real terminal (pexpect), wait for `before` (when given) and the [y/N] question,
    answer y, and return (exit status, what the terminal showed after the answer)."""
    import pexpect

    cmd = heal_argv()
    child = pexpect.spawn(cmd[0], [*cmd[1:], *args], cwd=cwd, env=env, timeout=timeout)
    if before:
        child.expect_exact(before)
    child.expect_exact("[y/N]")
    child.sendline("y")
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, child.before.decode(errors="replace")


@pytest.fixture(scope="session")
def venv_template(tmp_path_factory) -> str:
    """A venv with pip and nothing else, to copy (`cp -a`), never to install into: built once and kept across
    runs (tests/toolcache.py)."""
    import toolcache

    return str(toolcache.pip_venv(tmp_path_factory.mktemp("venv") / "template"))


@pytest.fixture
def py(project, venv_template) -> str:
    """An empty virtualenv in the project: .venv/bin/python."""
    subprocess.run(["cp", "-a", venv_template, os.path.join(project, ".venv")], check=True)
    return os.path.join(project, ".venv", "bin", "python")


@pytest.fixture
def heal_env(tmp_path) -> dict[str, str]:
    env = dict(os.environ)
    env["HEAL_HOME"] = str(tmp_path / "heal-home")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg-config")
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg-data")
    env.pop("NO_COLOR", None)
    return env


@pytest.fixture
def project(tmp_path) -> str:
    path = tmp_path / "project"
    path.mkdir()
    return str(path)


@pytest.fixture
def heal(heal_env, project) -> Callable[..., subprocess.CompletedProcess]:
    """heal(*args, input=b"", cwd=project, timeout=60, **popen_kwargs) -> CompletedProcess (bytes)."""

    def _run(*args: str, input: bytes = b"", cwd: str | None = None, timeout: float = 120,
             env: dict[str, str] | None = None, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*heal_argv(), *args],
            input=input,
            cwd=cwd or project,
            env=env or heal_env,
            stdout=kwargs.pop("stdout", subprocess.PIPE),
            stderr=kwargs.pop("stderr", subprocess.PIPE),
            timeout=timeout,
            **kwargs,
        )

    return _run


def code_settled() -> None:
    """Wait until heal's own sources are old enough for a playbook cache entry to be written (a checkout edited
    a moment ago: heal.fixes.playbook_cache waits for files settled SETTLED_NS)."""
    from heal.fixes.playbook_cache import SETTLED_NS, _code_files

    newest = max(max(st.st_mtime_ns, st.st_ctime_ns) for st in map(os.stat, _code_files()))
    wait = (newest + SETTLED_NS - time.time_ns()) / 1e9
    if wait > 0:
        time.sleep(wait + 0.1)


# Which of re, shlex and json a piece of code imports. The interpreter's start-up may have imported them already
# (an editable install's import hook imports re, from a .pth): they are forgotten first, so that an import by
# heal loads them again. Printed on the last line of stderr.
FORGET = ("import sys\n"
          "for _name in [m for m in sys.modules if m in ('re', 'shlex', 'json', 'sre_compile', 'sre_parse')"
          " or m.startswith(('re.', 'json.'))]:\n"
          "    del sys.modules[_name]\n")
REPORT = "sys.stderr.write('\\nIMPORTED ' + ' '.join(m for m in ('re', 'shlex', 'json') if m in sys.modules))\n"


def twice_imports(code: str, env: dict[str, str], stdin: bytes = b"", cwd: str | None = None
                  ) -> list[tuple[set[str], str]]:
    """(what it imported, its stdout) for a cold run and a warm one (the caches filled by the first)."""
    code_settled()
    runs = []
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", FORGET + code + REPORT], env=env, input=stdin, cwd=cwd,
                             capture_output=True, timeout=60)
        assert b"Traceback" not in out.stderr, out.stderr.decode()
        runs.append((set(out.stderr.decode().rpartition("IMPORTED ")[2].split()), out.stdout.decode()))
    assert "re" in runs[0][0], runs  # the cold caches compile: re is imported, so the check can fail
    return runs


def warm_run_imports(args: list[str], env: dict[str, str], stdin: bytes = b"", cwd: str | None = None
                     ) -> tuple[set[str], str]:
    """What a second `heal ARGS` (the caches warm) imports of re, shlex and json, and what it printed. heal runs
    inside the test's own interpreter (heal.entry.main, which reads its arguments from sys.argv): no `heal`
    executable is looked up, on PATH or elsewhere."""
    return twice_imports(in_process_main(args) + "except SystemExit:\n    pass\n", env, stdin, cwd)[1]


def in_process_main(args: list[str]) -> str:
    """Code that runs heal.entry.main(args) in the interpreter it runs in (never a `heal` looked up anywhere),
    as the console script would, up to an open `try:` whose `except` the caller writes."""
    return (f"sys.argv[1:] = {args!r}  # argv[0] stays this interpreter's own\n"
            "from heal.entry import main\n"
            "try:\n    main(sys.argv[1:])\n")
