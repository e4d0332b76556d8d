"""`heal hooks install|uninstall|status git` and the hook it installs, in real git repositories: chaining the
hook that was there (once, with git's arguments and stdin), putting it back byte- and mode-exact, core.hooksPath,
worktrees, the kill switches, and real commits stopped (or not) by what is staged."""

from __future__ import annotations

import os
import stat
import subprocess

import pytest

from tests.conftest import heal_argv

BROKEN = b"def g(y)\n    return y\n"
FIXED = b"def g(y):\n    return y\n"
# an existing hook: logs each run's arguments and stdin, so a test can count runs and see what it was given
LEGACY = (b"#!/bin/sh\n# the team's own hook (a stray \r, non-ASCII \xc3\xa9, no newline at the end)\r\n"
          b"printf 'run %s\\n' \"$*\" >> \"$HOOK_LOG\"\ncat >> \"$HOOK_LOG\"\nexit ${LEGACY_EXIT:-0}")


@pytest.fixture
def genv(heal_env, tmp_path) -> dict[str, str]:
    env = dict(heal_env)
    env.update(GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1", GIT_AUTHOR_NAME="Dev",
               GIT_AUTHOR_EMAIL="dev@example.com", GIT_COMMITTER_NAME="Dev", GIT_COMMITTER_EMAIL="dev@example.com",
               HOOK_LOG=str(tmp_path / "hook.log"), LC_ALL="C")
    for key in ("HEAL", "SKIP"):
        env.pop(key, None)
    return env


def git(cwd: str, *args: str, env: dict[str, str], check: bool = True, input: bytes = b""
        ) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, env=env, input=input, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, check=check, timeout=120)


@pytest.fixture
def repo(project, genv) -> str:
    git(project, "init", "-q", "-b", "main", env=genv)
    _write(project, "README", b"hello\n")
    git(project, "add", "README", env=genv)
    git(project, "commit", "-q", "-m", "start", "--no-verify", env=genv)
    return project


def _write(root: str, name: str, data: bytes, mode: int | None = None) -> str:
    path = os.path.join(root, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)
    if mode is not None:
        os.chmod(path, mode)
    return path


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def _snapshot(directory: str) -> dict[str, tuple[bytes, int]]:
    return {n: (_read(os.path.join(directory, n)), stat.S_IMODE(os.stat(os.path.join(directory, n)).st_mode))
            for n in sorted(os.listdir(directory))}


def _hooks(repo: str) -> str:
    return os.path.join(repo, ".git", "hooks")


def _log(genv) -> str:
    path = genv["HOOK_LOG"]
    return _read(path).decode() if os.path.exists(path) else ""


def test_install_chains_the_existing_hook_and_uninstall_puts_back_bytes_and_mode(heal, repo, genv):
    legacy = _write(_hooks(repo), "pre-commit", LEGACY, mode=0o750)
    before = _snapshot(_hooks(repo))

    r = heal("hooks", "install", "git", env=genv)
    assert r.returncode == 0, r.stderr
    assert b"pre-commit: installed; it runs the hook that was there first" in r.stdout
    assert _read(legacy + ".heal-legacy") == LEGACY
    assert stat.S_IMODE(os.stat(legacy + ".heal-legacy").st_mode) == 0o750
    assert b"heal-hook-id" in _read(legacy)
    assert os.access(os.path.join(_hooks(repo), "pre-push"), os.X_OK)

    _write(repo, "ok.py", FIXED)
    git(repo, "add", "ok.py", env=genv)
    c = git(repo, "commit", "-q", "-m", "ok", env=genv, check=False)
    assert c.returncode == 0, c.stderr
    assert _log(genv) == "run \n"  # exactly once, no arguments, and git gives pre-commit no stdin

    r = heal("hooks", "uninstall", "git", env=genv)
    assert r.returncode == 0, r.stderr
    assert b"the hook that was there before is back" in r.stdout
    assert _snapshot(_hooks(repo)) == before


def test_install_is_idempotent_and_status_says_what_is_there(heal, repo, genv):
    _write(_hooks(repo), "pre-push", LEGACY, mode=0o755)
    assert heal("hooks", "install", "git", env=genv).returncode == 0
    first = _snapshot(_hooks(repo))
    log_before = heal("log", env=genv).stdout

    again = heal("hooks", "install", "git", env=genv)
    assert again.returncode == 0
    assert b"pre-commit: already installed" in again.stdout and b"pre-push: already installed" in again.stdout
    assert _snapshot(_hooks(repo)) == first
    assert heal("log", env=genv).stdout == log_before  # nothing to do: no change set either

    s = heal("hooks", "status", "git", env=genv)
    assert s.returncode == 0
    assert b"pre-commit: installed\n" in s.stdout
    assert b"pre-push: installed, chaining pre-push.heal-legacy\n" in s.stdout
    heal("hooks", "uninstall", "git", env=genv)
    s = heal("hooks", "status", "git", env=genv)
    assert b"pre-commit: not installed\n" in s.stdout
    assert b"pre-push: not installed (another hook is there)\n" in s.stdout


def test_pre_push_chain_gets_git_arguments_and_stdin_once(heal, repo, genv, tmp_path):
    remote = str(tmp_path / "remote.git")
    git(str(tmp_path), "init", "-q", "--bare", remote, env=genv)
    git(repo, "remote", "add", "origin", remote, env=genv)
    _write(_hooks(repo), "pre-push", LEGACY, mode=0o755)
    assert heal("hooks", "install", "git", env=genv).returncode == 0
    head = git(repo, "rev-parse", "HEAD", env=genv).stdout.decode().strip()

    p = git(repo, "push", "-q", "origin", "main", env=genv, check=False)
    assert p.returncode == 0, p.stderr
    zero = "0" * 40
    assert _log(genv) == f"run origin {remote}\nrefs/heads/main {head} refs/heads/main {zero}\n"


def test_a_failing_chained_hook_still_blocks_and_is_diagnosed(heal, repo, genv):
    _write(_hooks(repo), "pre-commit", b"#!/bin/sh\necho 'lint: command not found' >&2\nexit 127\n", mode=0o755)
    assert heal("hooks", "install", "git", env=genv).returncode == 0
    _write(repo, "ok.py", FIXED)
    git(repo, "add", "ok.py", env=genv)
    c = git(repo, "commit", "-q", "-m", "x", env=genv, check=False)
    assert c.returncode != 0
    assert b"lint: command not found" in c.stderr
    assert b"heal:" in c.stderr  # heal's diagnosis of the chained hook's failure
    assert git(repo, "rev-list", "--count", "HEAD", env=genv).stdout.strip() == b"1"


def test_broken_staged_file_blocks_the_commit_though_the_working_tree_copy_is_fine(heal, repo, genv):
    assert heal("hooks", "install", "git", env=genv).returncode == 0
    _write(repo, "app.py", BROKEN)
    git(repo, "add", "app.py", env=genv)
    _write(repo, "app.py", FIXED)  # fixed, but not staged: the commit would take the broken copy

    c = git(repo, "commit", "-q", "-m", "x", env=genv, check=False)
    assert c.returncode != 0
    err = c.stderr.decode()
    assert "app.py: the staged copy does not compile" in err
    assert "-def g(y)\n+def g(y):\n" in err  # the repair, as a diff
    assert "the working-tree copy differs from the staged one and is fine: `git add app.py`" in err
    assert _read(os.path.join(repo, "app.py")) == FIXED
    assert git(repo, "rev-list", "--count", "HEAD", env=genv).stdout.strip() == b"1"

    git(repo, "add", "app.py", env=genv)
    assert git(repo, "commit", "-q", "-m", "x", env=genv, check=False).returncode == 0


def test_fine_staged_file_commits_though_the_working_tree_copy_is_broken(heal, repo, genv):
    assert heal("hooks", "install", "git", env=genv).returncode == 0
    _write(repo, "app.py", FIXED)
    _write(repo, "data.json", b'{"a": 1}\n')
    git(repo, "add", "app.py", "data.json", env=genv)
    _write(repo, "app.py", BROKEN)
    c = git(repo, "commit", "-q", "-m", "x", env=genv, check=False)
    assert c.returncode == 0, c.stderr
    assert git(repo, "show", "HEAD:app.py", env=genv).stdout == FIXED


def test_broken_staged_json_blocks(heal, repo, genv):
    assert heal("hooks", "install", "git", env=genv).returncode == 0
    _write(repo, "conf/settings.json", b'{"a": 1,\n "b": 2,}\n')
    git(repo, "add", "conf/settings.json", env=genv)
    c = git(repo, "commit", "-q", "-m", "x", env=genv, check=False)
    assert c.returncode != 0
    assert b"conf/settings.json: the staged copy" in c.stderr


def test_a_commit_whose_output_is_cut_short_is_still_blocked(heal, repo, genv):
    # `git commit 2>&1 | head -n1`: the hook's message met a closed pipe, and heal exited 0 ("heal log | head")
    assert heal("hooks", "install", "git", env=genv).returncode == 0
    _write(repo, "conf/settings.json", b'{"a": 1,\n "b": 2,}\n')
    git(repo, "add", "conf/settings.json", env=genv)
    r_fd, w_fd = os.pipe()
    os.close(r_fd)
    c = subprocess.run(["git", "commit", "-q", "-m", "x"], cwd=repo, env=genv, stdout=w_fd, stderr=w_fd,
                       timeout=120)
    os.close(w_fd)
    assert c.returncode != 0
    assert git(repo, "rev-list", "--count", "HEAD", env=genv).stdout.strip() == b"1"


@pytest.mark.parametrize("name, shown", [("a;touch PWNED;.py", "'a;touch PWNED;.py'"), ("-f.py", "./-f.py")])
def test_names_in_the_advice_are_one_shell_word(heal, repo, genv, name, shown):
    # break-it W9: `git add a;touch PWNED;.py` pasted from heal's advice would have run touch
    assert heal("hooks", "install", "git", env=genv).returncode == 0
    _write(repo, name, BROKEN)
    git(repo, "add", "--", name, env=genv)
    c = git(repo, "commit", "-q", "-m", "x", env=genv, check=False)
    assert c.returncode != 0
    assert f"`heal repair {shown} && git add {shown}`" in c.stderr.decode()
    assert not os.path.exists(os.path.join(repo, "PWNED"))


def test_commit_a_and_commit_paths_check_the_index_git_commits(heal, repo, genv):
    """git gives the hook a temporary index (GIT_INDEX_FILE) for `commit -a` and `commit <paths>`: heal reads
    that one, not .git/index."""
    assert heal("hooks", "install", "git", env=genv).returncode == 0
    _write(repo, "app.py", FIXED)
    git(repo, "add", "app.py", env=genv)
    git(repo, "commit", "-q", "-m", "add app", env=genv)
    _write(repo, "app.py", BROKEN)  # modified, not staged
    c = git(repo, "commit", "-q", "-a", "-m", "x", env=genv, check=False)
    assert c.returncode != 0 and b"app.py: the staged copy does not compile" in c.stderr

    _write(repo, "other.py", BROKEN)
    _write(repo, "app.py", FIXED)
    _write(repo, "fine.py", FIXED)
    git(repo, "add", "other.py", "fine.py", env=genv)  # other.py is staged but not part of `commit fine.py`
    c = git(repo, "commit", "-q", "-m", "x", "fine.py", env=genv, check=False)
    assert c.returncode == 0, c.stderr
    assert git(repo, "diff", "--cached", "--name-only", env=genv).stdout == b"other.py\n"


def test_apply_config_repairs_the_working_tree_and_still_stops(heal, repo, genv):
    assert heal("hooks", "install", "git", env=genv).returncode == 0
    _write(repo, "heal.toml", b'[hooks]\nrepair = "apply"\n')
    _write(repo, "app.py", BROKEN)
    git(repo, "add", "app.py", env=genv)
    c = git(repo, "commit", "-q", "-m", "x", env=genv, check=False)
    assert c.returncode != 0
    assert b"app.py: repaired in the working tree" in c.stderr
    assert _read(os.path.join(repo, "app.py")) == FIXED
    assert git(repo, "show", ":app.py", env=genv).stdout == BROKEN  # the index is the user's to change
    r = heal("rollback", "--last", "--yes", env=genv)
    assert r.returncode == 0, r.stderr
    assert _read(os.path.join(repo, "app.py")) == BROKEN


@pytest.mark.parametrize("switch", [{"HEAL": "0"}, {"SKIP": "flake8,heal"}])
def test_kill_switch_skips_heal_but_not_the_chained_hook(heal, repo, genv, switch):
    _write(_hooks(repo), "pre-commit", LEGACY, mode=0o755)
    assert heal("hooks", "install", "git", env=genv).returncode == 0
    _write(repo, "app.py", BROKEN)
    git(repo, "add", "app.py", env=genv)
    c = git(repo, "commit", "-q", "-m", "x", env={**genv, **switch}, check=False)
    assert c.returncode == 0, c.stderr
    assert b"heal" not in c.stderr
    assert _log(genv) == "run \n"
    # the same commit without the switch is stopped: the switch is what let it through
    _write(repo, "more.py", BROKEN)
    git(repo, "add", "more.py", env=genv)
    assert git(repo, "commit", "-q", "-m", "y", env=genv, check=False).returncode != 0


def test_core_hooks_path_elsewhere_is_refused_and_nothing_changes(heal, repo, genv):
    git(repo, "config", "core.hooksPath", ".githooks", env=genv)
    _write(repo, ".githooks/pre-commit", LEGACY, mode=0o755)
    before = (_snapshot(_hooks(repo)), _snapshot(os.path.join(repo, ".githooks")))
    r = heal("hooks", "install", "git", env=genv)
    assert r.returncode == 1
    assert r.stdout == b""
    lines = r.stderr.decode().splitlines()
    assert len(lines) == 1 and "core.hooksPath is set (.githooks)" in lines[0] and "nothing changed" in lines[0]
    assert (_snapshot(_hooks(repo)), _snapshot(os.path.join(repo, ".githooks"))) == before
    assert not os.path.isdir(os.path.join(genv["HEAL_HOME"], "journal")) or not os.listdir(
        os.path.join(genv["HEAL_HOME"], "journal"))
    s = heal("hooks", "status", "git", env=genv)
    assert b"core.hooksPath is set (.githooks)" in s.stdout


def test_core_hooks_path_naming_the_default_directory_is_no_obstacle(heal, repo, genv):
    git(repo, "config", "core.hooksPath", os.path.join(repo, ".git", "hooks"), env=genv)
    r = heal("hooks", "install", "git", env=genv)
    assert r.returncode == 0, r.stderr
    assert b"heal-hook-id" in _read(os.path.join(_hooks(repo), "pre-commit"))


def test_worktree_install_goes_to_the_shared_hooks_and_runs_there(heal, repo, genv, tmp_path):
    wt = str(tmp_path / "wt")
    git(repo, "worktree", "add", "-q", "-b", "side", wt, env=genv)
    r = heal("hooks", "install", "git", cwd=wt, env=genv)
    assert r.returncode == 0, r.stderr
    assert b"heal-hook-id" in _read(os.path.join(_hooks(repo), "pre-commit"))
    _write(wt, "app.py", BROKEN)
    git(wt, "add", "app.py", env=genv)
    c = git(wt, "commit", "-q", "-m", "x", env=genv, check=False)
    assert c.returncode != 0 and b"app.py: the staged copy does not compile" in c.stderr
    r = heal("hooks", "uninstall", "git", cwd=wt, env=genv)
    assert r.returncode == 0
    assert not os.path.exists(os.path.join(_hooks(repo), "pre-commit"))


def test_rollback_undoes_an_install(heal, repo, genv):
    _write(_hooks(repo), "pre-commit", LEGACY, mode=0o700)
    before = _snapshot(_hooks(repo))
    assert heal("hooks", "install", "git", env=genv).returncode == 0
    assert _snapshot(_hooks(repo)) != before
    r = heal("rollback", "--last", "--yes", env=genv)
    assert r.returncode == 0, r.stderr
    assert _snapshot(_hooks(repo)) == before


def test_named_hooks_only(heal, repo, genv):
    r = heal("hooks", "install", "git", "--hook", "commit-msg", env=genv)
    assert r.returncode == 0, r.stderr
    assert sorted(n for n in os.listdir(_hooks(repo)) if not n.endswith(".sample")) == ["commit-msg"]
    _write(_hooks(repo), "post-commit", LEGACY, mode=0o755)
    s = heal("hooks", "status", "git", env=genv)
    assert b"commit-msg: installed" in s.stdout
    c = git(repo, "commit", "-q", "--allow-empty", "-m", "x", env=genv, check=False)
    assert c.returncode == 0, c.stderr
    r = heal("hooks", "uninstall", "git", env=genv)  # no --hook: every hook of heal's
    assert b"commit-msg: removed" in r.stdout
    assert sorted(n for n in os.listdir(_hooks(repo)) if not n.endswith(".sample")) == ["post-commit"]


@pytest.mark.parametrize("args, code, message", [
    (["hooks", "install", "git", "--hook", "pre-kommit"], 1, "'pre-kommit' is not a git hook heal installs"),
    (["hooks", "install", "svn"], 2, "usage: heal hooks"),
    (["hooks", "install"], 2, "usage: heal hooks"),
    (["hooks", "install", "git", "--scope", "user"], 2, "--scope is for the claude-code integration"),
    (["hooks", "install", "git", "--frob"], 2, "unknown option '--frob'"),
])
def test_bad_input_is_one_line(heal, repo, genv, args, code, message):
    r = heal(*args, env=genv)
    assert r.returncode == code
    lines = r.stderr.decode().splitlines()
    assert len(lines) == 1 and message in lines[0], r.stderr
    assert b"Traceback" not in r.stderr


def test_symlinked_hook_and_no_repository_are_refused(heal, repo, genv, tmp_path):
    target = _write(repo, "scripts/pre-commit", LEGACY, mode=0o755)
    os.symlink(target, os.path.join(_hooks(repo), "pre-commit"))
    r = heal("hooks", "install", "git", env=genv)
    assert r.returncode == 1 and b"is a symbolic link" in r.stderr
    assert not os.path.exists(os.path.join(_hooks(repo), "pre-push"))  # refused as a whole
    assert _read(target) == LEGACY
    elsewhere = tmp_path / "plain"
    elsewhere.mkdir()
    r = heal("hooks", "install", "git", cwd=str(elsewhere), env={**genv, "GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert r.returncode == 1 and b"not inside a git work tree" in r.stderr


def test_the_hook_imports_neither_typer_nor_libcst(heal_env, repo, genv):
    """The installed hook runs on every commit: its Python side stays on heal's light path."""
    genv = {**genv, "PYTHONPROFILEIMPORTTIME": "1"}
    _write(repo, "app.py", FIXED)
    git(repo, "add", "app.py", env=genv)
    script = os.path.join(_hooks(repo), "pre-commit")
    r = subprocess.run([*heal_argv(), "hook", "git", "pre-commit", script], cwd=repo, env=genv,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    assert r.returncode == 0, r.stderr
    imported = {line.split("|")[-1].strip() for line in r.stderr.decode().splitlines() if "|" in line}
    assert "heal.commands.repair" in imported  # the check did run
    assert not {m for m in imported if m.split(".")[0] in ("typer", "libcst", "click")}


def test_no_hooks_directory_is_created_through_the_log_and_rolled_back(heal, project, genv, tmp_path):
    empty = tmp_path / "empty-template"
    empty.mkdir()
    git(project, "init", "-q", f"--template={empty}", env=genv)
    assert not os.path.exists(_hooks(project))
    r = heal("hooks", "install", "git", env=genv)
    assert r.returncode == 0, r.stderr
    assert sorted(os.listdir(_hooks(project))) == ["pre-commit", "pre-push"]
    r = heal("rollback", "--last", "--yes", env=genv)
    assert r.returncode == 0, r.stderr
    assert not os.path.exists(_hooks(project))


def test_help_without_typer(heal, genv):
    for args in (["hooks", "--help"], ["hook", "-h"]):
        r = heal(*args, env=genv)
        assert r.returncode == 0 and r.stdout.startswith(b"usage: heal hook") and r.stderr == b""
