"""A push rejected because the remote moved on: heal asks (always, even with --yes), rebases through the
change log, pushes again, and `heal rollback` puts the branch back exactly. Real git, local bare remotes."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pexpect
import pytest

from conftest import heal_argv


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


def _commit(repo: Path, name: str, text: str) -> str:
    (repo / name).write_text(text)
    _git(repo, "add", name)
    _git(repo, "commit", "-q", "-m", f"add {name}")
    return _git(repo, "rev-parse", "HEAD")


def _clone(remote: Path, path: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(remote), str(path)], check=True, capture_output=True)
    # the user's own identity, as any developer who commits has: heal never invents one
    _git(path, "config", "user.email", "dev@example.com")
    _git(path, "config", "user.name", "Dev")
    return path


@pytest.fixture
def behind(tmp_path) -> tuple[Path, Path, str]:
    """(work clone, bare remote, work's unpushed head): the remote has a commit work lacks."""
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "--initial-branch=main", str(remote)], check=True)
    seed = _clone(remote, tmp_path / "seed")
    _git(seed, "checkout", "-q", "-b", "main")
    _commit(seed, "README", "shared\n")
    _git(seed, "push", "-q", "origin", "main")
    work = _clone(remote, tmp_path / "work")
    _commit(seed, "theirs.txt", "from a colleague\n")
    _git(seed, "push", "-q", "origin", "main")
    mine = _commit(work, "mine.txt", "my change\n")
    return work, remote, mine


def _spawn(heal_env, cwd: Path, *args: str) -> pexpect.spawn:
    cmd = heal_argv()
    return pexpect.spawn(cmd[0], [*cmd[1:], *args], cwd=str(cwd), env=heal_env, timeout=60)


def test_rejected_push_is_rebased_after_asking_and_rolled_back_exactly(heal, heal_env, behind, tmp_path):
    work, remote, mine = behind
    child = _spawn(heal_env, work, "--yes", "--report", str(tmp_path / "r.json"), "--", "git", "push")
    child.expect_exact("will run: git pull --rebase")
    child.expect_exact("[y/N]")  # asked even with --yes: it rewrites the unpushed commits
    child.sendline("y")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    remote_head = _git(remote, "rev-parse", "main")
    assert remote_head == _git(work, "rev-parse", "HEAD") != mine
    assert _git(remote, "show", "main:mine.txt") == "my change" and (work / "theirs.txt").exists()
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["healed"] and report["original_exit_code"] == 1
    assert report["attempts"][0]["fix"]["argv"] == ["git", "pull", "--rebase"]

    r = heal("rollback", "--last", "--yes", cwd=str(work))
    assert r.returncode == 0, r.stderr
    assert _git(work, "rev-parse", "HEAD") == mine
    assert not (work / "theirs.txt").exists() and (work / "mine.txt").read_text() == "my change\n"
    assert _git(work, "status", "--porcelain") == ""
    undo = json.loads(heal("log", "--json", cwd=str(work)).stdout)["change_sets"][0]["id"]
    assert heal("rollback", undo, "--yes", cwd=str(work)).returncode == 0  # undoing the rollback re-applies it
    assert _git(work, "rev-parse", "HEAD") == remote_head


def test_without_a_terminal_a_rebase_is_only_suggested_even_with_yes(heal, behind):
    work, remote, mine = behind
    before = _git(remote, "rev-parse", "main")
    r = heal("--yes", "--", "git", "push", cwd=str(work))
    assert r.returncode == 1
    assert b"suggestion:" in r.stderr and b"git pull --rebase" in r.stderr
    assert _git(work, "rev-parse", "HEAD") == mine and _git(remote, "rev-parse", "main") == before


def test_uncommitted_changes_get_a_suggestion_not_a_rebase(heal, heal_env, behind):
    work, _, mine = behind
    (work / "README").write_text("half-done edit\n")
    child = _spawn(heal_env, work, "--", "git", "push")
    child.expect_exact("commit or stash your changes")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert _git(work, "rev-parse", "HEAD") == mine and (work / "README").read_text() == "half-done edit\n"


def test_a_conflicting_rebase_is_aborted_and_the_branch_left_as_it_was(heal, heal_env, tmp_path):
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "--initial-branch=main", str(remote)], check=True)
    seed = _clone(remote, tmp_path / "seed")
    _git(seed, "checkout", "-q", "-b", "main")
    _commit(seed, "app.txt", "v1\n")
    _git(seed, "push", "-q", "origin", "main")
    work = _clone(remote, tmp_path / "work")
    _commit(seed, "app.txt", "theirs\n")
    _git(seed, "push", "-q", "origin", "main")
    mine = _commit(work, "app.txt", "mine\n")
    child = _spawn(heal_env, work, "--", "git", "push")
    child.expect_exact("[y/N]")
    child.sendline("y")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert b"git pull --rebase --no-autostash exited 1" in child.before  # heal's own report of the failed rebase
    assert _git(work, "rev-parse", "HEAD") == mine and (work / "app.txt").read_text() == "mine\n"
    assert not (Path(_git(work, "rev-parse", "--absolute-git-dir")) / "rebase-merge").exists()


def test_rollback_refuses_when_the_branch_moved_since(heal, heal_env, behind):
    work, _, mine = behind
    child = _spawn(heal_env, work, "--", "git", "push")
    child.expect_exact("[y/N]")
    child.sendline("y")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    later = _commit(work, "later.txt", "more work\n")
    r = heal("rollback", "--last", "--yes", "--force", cwd=str(work))
    assert r.returncode != 0 and b"moved since heal changed it" in r.stderr
    assert _git(work, "rev-parse", "HEAD") == later and os.path.exists(work / "later.txt")
