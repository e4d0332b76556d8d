"""Rollback and log are per project (note N4, real-world friction 4), a chmod is undone by a chmod and a hard
link is never changed (finding F3), and rolling back a rebase that was already pushed says so (friction 10,
scenario 7b)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from heal.journal import GitRefChange, Journal


def _script(path: str, mode: int = 0o644) -> None:
    with open(path, "w") as fh:
        fh.write("#!/bin/sh\necho ok\n")
    os.chmod(path, mode)


def _mode(path: str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def two_projects(heal, tmp_path):
    roots = []
    for name in ("projA", "projB"):
        root = tmp_path / name
        root.mkdir()
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        _script(str(root / "run.sh"))
        r = heal("--yes", "--", "./run.sh", cwd=str(root))
        assert r.returncode == 0, r.stderr
        roots.append(str(root))
    return roots


def test_rollback_last_and_log_are_this_projects(heal, two_projects):
    a, b = two_projects
    log = json.loads(heal("log", "--json", cwd=a).stdout)
    assert [c["root"] for c in log["change_sets"]] == [a] and log["project"] == a
    every = json.loads(heal("log", "--all", "--json", cwd=a).stdout)["change_sets"]
    assert sorted(c["root"] for c in every) == [a, b]
    text = heal("log", cwd=a).stdout
    assert f"project: {a}".encode() in text and f"project: {b}".encode() not in text
    r = heal("rollback", "--last", "--yes", cwd=a)
    assert r.returncode == 0, r.stderr
    assert _mode(os.path.join(a, "run.sh")) == 0o644 and _mode(os.path.join(b, "run.sh")) == 0o755
    r = heal("rollback", "--last", "--yes", cwd=a)  # still this project's, not projB's
    assert r.returncode == 0 and b"already rolled back" in r.stdout
    assert _mode(os.path.join(b, "run.sh")) == 0o755


def test_another_projects_change_set_needs_its_id_and_is_named(heal, two_projects):
    a, b = two_projects
    (other,) = [c["id"] for c in json.loads(heal("log", "--all", "--json", cwd=a).stdout)["change_sets"]
                if c["root"] == b]
    r = heal("rollback", other, "--yes", cwd=a)
    assert r.returncode == 0, r.stderr
    assert f"in another project, {b}".encode() in r.stdout
    assert _mode(os.path.join(b, "run.sh")) == 0o644 and _mode(os.path.join(a, "run.sh")) == 0o755


def test_a_project_without_change_sets_has_nothing_to_roll_back(heal, two_projects, tmp_path):
    empty = tmp_path / "projC"
    empty.mkdir()
    r = heal("rollback", "--last", "--yes", cwd=str(empty))
    assert r.returncode == 2 and r.stderr.count(b"\n") == 1 and b"nothing for" in r.stderr


def test_a_hard_linked_script_is_not_chmodded(heal, project, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    _script(str(outside / "tool.sh"))
    os.link(outside / "tool.sh", os.path.join(project, "t.sh"))
    r = heal("--yes", "--", "./t.sh")
    assert r.returncode == 126
    assert _mode(str(outside / "tool.sh")) == 0o644
    assert json.loads(heal("log", "--json").stdout)["change_sets"] == []


def test_a_chmod_is_undone_by_a_chmod(heal, project):
    path = os.path.join(project, "s.sh")
    _script(path)
    try:
        os.setxattr(path, "user.heal-test", b"kept")
        xattr = True
    except OSError:
        xattr = False  # the file system has no user xattrs: the inode check below still holds
    inode = os.stat(path).st_ino
    r = heal("--yes", "--", "./s.sh")
    assert r.returncode == 0 and _mode(path) == 0o755, r.stderr
    r = heal("rollback", "--last", "--yes")
    assert r.returncode == 0, r.stderr
    assert _mode(path) == 0o644 and os.stat(path).st_ino == inode  # the same file, not a rewritten copy
    if xattr:
        assert os.getxattr(path, "user.heal-test") == b"kept"


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


def test_rolling_back_a_rebase_that_was_pushed_says_so(heal, heal_env, tmp_path):
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "--initial-branch=main", str(remote)], check=True)
    clones = {}
    for name in ("seed", "work"):
        path = tmp_path / name
        subprocess.run(["git", "clone", "-q", str(remote), str(path)], check=True, capture_output=True)
        _git(path, "config", "user.email", "dev@example.com")
        _git(path, "config", "user.name", "Dev")
        clones[name] = path
    seed, work = clones["seed"], clones["work"]
    _git(seed, "checkout", "-q", "-b", "main")
    (seed / "README").write_text("shared\n")
    _git(seed, "add", "README")
    _git(seed, "commit", "-q", "-m", "readme")
    _git(seed, "push", "-q", "origin", "main")
    _git(work, "pull", "-q", "origin", "main")
    (seed / "theirs.txt").write_text("theirs\n")
    _git(seed, "add", "theirs.txt")
    _git(seed, "commit", "-q", "-m", "theirs")
    _git(seed, "push", "-q", "origin", "main")
    (work / "mine.txt").write_text("mine\n")
    _git(work, "add", "mine.txt")
    _git(work, "commit", "-q", "-m", "mine")
    with Journal(heal_env["HEAL_HOME"]).changeset(cwd=str(work), root=str(work), command=["git", "push"]) as cs:
        cs.apply(GitRefChange(["git", "pull", "--rebase"], cwd=str(work)))
    r = heal("rollback", "--last", "--dry-run", cwd=str(work))
    assert r.returncode == 0 and b"already pushed" not in r.stderr  # not pushed yet: nothing to warn about
    _git(work, "push", "-q", "origin", "main")
    r = heal("rollback", "--last", "--yes", cwd=str(work))
    assert r.returncode == 0, r.stderr
    assert b"already pushed to origin/main" in r.stderr and b"cannot undo the push" in r.stderr
