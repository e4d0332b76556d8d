"""The pre-commit framework, for real: heal-repair from this repository's .pre-commit-hooks.yaml built by
pre-commit itself (`pre-commit try-repo`), the local hook `heal hooks install pre-commit` adds, and
`heal -- pre-commit run` naming the hook that failed."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys

import pytest

from tests.conftest import heal_argv

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BROKEN = b"def g(y)\n    return y\n"
FIXED = b"def g(y):\n    return y\n"
HOPELESS = b"def (:\n  ][\n"
CONFIG = (b"repos:\n-   repo: local\n    hooks:\n    -   id: import-check\n        name: import check\n"
          b"        entry: python3 -c \"import yamlx\"\n        language: system\n        pass_filenames: false\n")


def pre_commit() -> list[str]:
    script = os.path.join(os.path.dirname(sys.executable), "pre-commit")
    if not os.path.exists(script):
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    return [script]


@pytest.fixture
def penv(heal_env, tmp_path) -> dict[str, str]:
    env = dict(heal_env)
    # `language: system` hooks find heal on PATH, as they would in the user's shell: this checkout's heal, put
    # there as a one-line script (heal_argv may be `python -m heal`, and another heal may be on PATH)
    bin_dir = tmp_path / "heal-bin"
    bin_dir.mkdir()
    (bin_dir / "heal").write_text(f"#!/bin/sh\nexec {shlex.join(heal_argv())} \"$@\"\n")
    (bin_dir / "heal").chmod(0o755)
    env["PATH"] = str(bin_dir) + os.pathsep + os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env.update(GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1", GIT_AUTHOR_NAME="Dev",
               GIT_AUTHOR_EMAIL="dev@example.com", GIT_COMMITTER_NAME="Dev", GIT_COMMITTER_EMAIL="dev@example.com",
               PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), PRE_COMMIT_COLOR="never")
    env.pop("SKIP", None)
    return env


def run(argv: list[str], cwd: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)


def _write(root: str, name: str, data: bytes) -> str:
    path = os.path.join(root, name)
    with open(path, "wb") as fh:
        fh.write(data)
    return path


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


@pytest.fixture
def repo(project, penv) -> str:
    run(["git", "init", "-q"], project, penv).check_returncode()
    return project


def test_try_repo_builds_heal_repair_from_this_repository(repo, penv):
    """pre-commit clones this repository (at HEAD, with uncommitted changes of tracked files), installs heal into a
    venv of its own with pip, and runs heal-repair: the fixer convention end to end."""
    if not os.path.isdir(os.path.join(REPO, ".git")) and not os.path.isfile(os.path.join(REPO, ".git")):
        pytest.skip("not a git checkout of heal")
    broken = _write(repo, "broken.py", BROKEN)
    fine = _write(repo, "fine.py", FIXED)
    bad_json = _write(repo, "bad.json", b'{"a": 1,}\n')
    hopeless = _write(repo, "hopeless.py", HOPELESS)
    run(["git", "add", "-A"], repo, penv).check_returncode()
    fine_stat = os.stat(fine)
    r = run([*pre_commit(), "try-repo", REPO, "heal-repair", "--files", "broken.py", "fine.py", "bad.json",
             "hopeless.py"], repo, penv, timeout=900)
    out = r.stdout.decode()
    assert r.returncode == 1, out + r.stderr.decode()
    assert "- hook id: heal-repair" in out
    assert "- files were modified by this hook" in out
    assert "- exit code: 1" in out  # hopeless.py cannot be repaired
    assert "hopeless.py: cannot repair" in out
    assert _read(broken) == FIXED
    assert _read(bad_json) == b'{"a": 1}\n'
    assert _read(hopeless) == HOPELESS
    assert _read(fine) == FIXED and os.stat(fine).st_mtime_ns == fine_stat.st_mtime_ns


def test_install_adds_a_local_hook_real_pre_commit_runs_it_and_uninstall_restores_bytes(heal, repo, penv):
    original = (b"# the team's hooks\r\nrepos:\r\n-   repo: local\r\n    hooks:\r\n    -   id: nothing\r\n"
                b"        name: nothing\r\n        entry: 'true'\r\n        language: system\r\n\r\n"
                b"default_stages: [pre-commit]")  # CRLF, no final newline, a key after the list
    config = _write(repo, ".pre-commit-config.yaml", original)
    r = heal("hooks", "install", "pre-commit", env=penv)
    assert r.returncode == 0, r.stderr
    assert b"heal-repair added" in r.stdout
    assert heal("hooks", "install", "pre-commit", env=penv).stdout.startswith(
        b".pre-commit-config.yaml: heal-repair already installed")
    assert b"heal-repair installed" in heal("hooks", "status", "pre-commit", env=penv).stdout

    broken = _write(repo, "app.py", BROKEN)
    fine = _write(repo, "ok.json", b'{"ok": true}\n')
    run(["git", "add", "-A"], repo, penv).check_returncode()
    p = run([*pre_commit(), "run", "--all-files"], repo, penv)
    out = p.stdout.decode()
    assert p.returncode == 1, out + p.stderr.decode()
    assert "- hook id: heal-repair" in out and "- files were modified by this hook" in out
    assert _read(broken) == FIXED and _read(fine) == b'{"ok": true}\n'
    run(["git", "add", "-A"], repo, penv).check_returncode()
    p = run([*pre_commit(), "run", "--all-files"], repo, penv)
    assert p.returncode == 0, p.stdout.decode()

    r = heal("hooks", "uninstall", "pre-commit", env=penv)
    assert r.returncode == 0, r.stderr
    assert _read(config) == original
    assert b"heal-repair not installed" in heal("hooks", "status", "pre-commit", env=penv).stdout


def test_install_creates_the_config_and_uninstall_removes_it(heal, repo, penv):
    r = heal("hooks", "install", "pre-commit", env=penv)
    assert r.returncode == 0, r.stderr
    config = os.path.join(repo, ".pre-commit-config.yaml")
    v = run([*pre_commit(), "validate-config", config], repo, penv)
    assert v.returncode == 0, v.stdout + v.stderr
    assert heal("hooks", "uninstall", "pre-commit", env=penv).returncode == 0
    assert not os.path.exists(config)


def test_flow_style_repos_is_refused_unchanged(heal, repo, penv):
    config = _write(repo, ".pre-commit-config.yaml", b"repos: []\n")
    r = heal("hooks", "install", "pre-commit", env=penv)
    assert r.returncode == 1
    assert len(r.stderr.splitlines()) == 1 and b"nothing changed" in r.stderr
    assert _read(config) == b"repos: []\n"


def test_heal_names_the_failing_hook_of_pre_commit_run(heal, repo, penv):
    _write(repo, ".pre-commit-config.yaml", CONFIG)
    run(["git", "add", "-A"], repo, penv).check_returncode()
    r = heal("--", "pre-commit", "run", "--all-files", env=penv)
    assert r.returncode == 1  # pre-commit's own status
    assert b"- hook id: import-check" in r.stdout
    err = r.stderr.decode()
    assert "pre-commit hook import-check failed: Python module 'yamlx' is not installed" in err, err
    d = heal("diagnose", "--json", "--command", "pre-commit run --all-files", "--exit-code", "1", "-",
             input=r.stdout, env=penv)
    obj = json.loads(d.stdout)
    assert obj["category"] == "dependency"
    assert obj["facts"]["hook"] == "import-check" and obj["facts"]["hook_module"] == "yamlx"
    # pre-commit's hooks run in environments of their own: nothing is to be installed into pre-commit's
    assert not [f for f in obj["fixes"] if f["action"] == "install"]


def test_the_test_extra_brings_pre_commit():
    # the tests above skip without pre-commit: this one says so as a failure
    assert os.path.exists(os.path.join(os.path.dirname(sys.executable), "pre-commit"))
