"""Progress of a long fix step, through the real CLI: the installer's lines in a log (none with -q), and
Ctrl-C during an install ends heal with 130."""

from __future__ import annotations

import os
import signal
import subprocess


from conftest import heal_argv

# An in-tree PEP 517 backend that takes its time: `pip install -e .` of this project is a slow install
# that needs nothing from the network.
SLOW_BACKEND = '''import time

def get_requires_for_build_editable(config_settings=None):
    time.sleep(8)
    return []

def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    raise RuntimeError("not built here")
'''
PYPROJECT = '''[build-system]
requires = []
build-backend = "slowbackend"
backend-path = ["."]

[project]
name = "slowdemo"
version = "1.0"
'''


def _write(project: str, files: dict[str, str]) -> None:
    for rel, text in files.items():
        os.makedirs(os.path.dirname(os.path.join(project, rel)), exist_ok=True)
        with open(os.path.join(project, rel), "w") as fh:
            fh.write(text)


def test_ctrl_c_during_an_install_ends_heal_by_sigint(heal_env, project, py):
    _write(project, {"pyproject.toml": PYPROJECT, "slowbackend.py": SLOW_BACKEND, "slowdemo/__init__.py": "",
                     "app.py": "import slowdemo\n"})
    env = dict(heal_env, HEAL_PROGRESS_AFTER="0")
    p = subprocess.Popen([*heal_argv(), "--yes", "--", py, "-I", "app.py"], cwd=project, env=env,
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = b""
    assert p.stderr is not None
    while b"Getting requirements to build editable: started" not in seen:
        line = p.stderr.readline()
        assert line, seen  # the install started and said so before it ended
        seen += line
    p.send_signal(signal.SIGINT)
    rest = p.stderr.read()
    assert p.wait(timeout=120) == -signal.SIGINT, seen + rest  # a shell shows 130, and a loop stops
    assert b"stopped (Ctrl-C); undo what heal changed: heal rollback " in rest
    assert b"heal: | Obtaining file://" in seen  # progress: the installer's lines, in a log
    # what heal keeps at exit is kept when it dies of the signal too (its regex cache was lost)
    assert os.listdir(os.path.join(heal_env["HEAL_HOME"], "cache", "re"))


def test_quiet_shows_no_progress_and_no_steps(heal, heal_env, project, py):
    _write(project, {"requirements.txt": "six\n", "app.py": "import six\nprint('ok')\n"})
    env = dict(heal_env, HEAL_PROGRESS_AFTER="0")
    r = heal("--yes", "-q", "--", py, "app.py", env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert b"heal: |" not in r.stderr and b"running again" not in r.stderr
    assert b"healed in" in r.stderr  # the outcome is still said
    assert heal("rollback", "--last", "--yes", env=env, timeout=300).returncode == 0
    r = heal("--yes", "--", py, "app.py", env=env, timeout=300)
    assert r.returncode == 0 and b"heal: | " in r.stderr and b"running again" in r.stderr
