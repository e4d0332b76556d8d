"""Checkpoints: snapshot the project's files, validate the stored copies, restore (journaled)."""

from __future__ import annotations

import json
import os
import subprocess

from heal.journal import Journal
from test_journal import tree


def _git_project(project: str) -> None:
    subprocess.run(["git", "init", "-q", project], check=True)
    for rel, data in (("src/a.py", b"A = 1\n"), ("README.md", b"# demo\n"), (".gitignore", b"build/\n*.log\n"),
                      ("build/out.bin", b"generated"), ("debug.log", b"noise"), ("untracked.txt", b"mine\n")):
        os.makedirs(os.path.dirname(os.path.join(project, rel)) or project, exist_ok=True)
        with open(os.path.join(project, rel), "wb") as fh:
            fh.write(data)
    subprocess.run(["git", "-C", project, "add", "src", "README.md", ".gitignore"], check=True)


def _create(heal, name: str = "") -> dict:
    r = heal("checkpoint", "create", *(["--name", name] if name else []))
    assert r.returncode == 0, r.stderr
    return json.loads(heal("checkpoint", "list", "--json").stdout)[-1]


def test_git_checkpoint_holds_tracked_and_untracked_not_ignored_files(heal, project):
    _git_project(project)
    cp = _create(heal, "start")
    assert cp["files"] == 4 and cp["name"] == "start"  # src/a.py README.md .gitignore untracked.txt


def test_restore_puts_the_project_back_and_is_undoable(heal, project):
    _git_project(project)
    before = tree(project)
    cp = _create(heal)
    with open(os.path.join(project, "src/a.py"), "wb") as fh:
        fh.write(b"A = 2\n")
    os.chmod(os.path.join(project, "README.md"), 0o600)
    os.unlink(os.path.join(project, "untracked.txt"))
    with open(os.path.join(project, "src/new.py"), "wb") as fh:
        fh.write(b"NEW = 1\n")
    edited = tree(project)
    r = heal("checkpoint", "restore", cp["id"], "--dry-run")
    assert r.returncode == 0 and b"restore  src/a.py" in r.stdout and b"delete   src/new.py" in r.stdout
    assert tree(project) == edited
    r = heal("checkpoint", "restore", cp["id"])
    assert r.returncode == 1 and b"--yes" in r.stderr  # no terminal to ask on
    r = heal("checkpoint", "restore", cp["id"], "--yes")
    assert r.returncode == 0, r.stderr
    assert tree(project) == before  # ignored build output and logs were never part of it, and are untouched
    assert heal("rollback", "--last", "--yes").returncode == 0
    assert tree(project) == edited


def test_non_git_checkpoint_skips_environments_and_dependencies(heal, project):
    for rel in ("app.py", "node_modules/x/index.js", ".venv/pyvenv.cfg", "pkg/mod.py", "dist/app.whl"):
        os.makedirs(os.path.dirname(os.path.join(project, rel)) or project, exist_ok=True)
        with open(os.path.join(project, rel), "w") as fh:
            fh.write("x\n")
    cp = _create(heal)
    assert cp["files"] == 2


def test_validate_detects_a_flipped_byte(heal, heal_env, project):
    _git_project(project)
    cp = _create(heal)
    assert heal("checkpoint", "validate", cp["id"]).returncode == 0
    j = Journal(heal_env["HEAL_HOME"])
    with open(os.path.join(heal_env["HEAL_HOME"], "checkpoints", cp["id"] + ".json")) as fh:
        blob = json.load(fh)["files"]["src/a.py"]["blob"]
    path, offset, _ = j.blobs.locate(blob)  # in the checkpoint's pack
    os.chmod(path, 0o644)
    with open(path, "r+b") as fh:
        fh.seek(offset)
        first = fh.read(1)
        fh.seek(offset)
        fh.write(bytes([first[0] ^ 0x01]))
    r = heal("checkpoint", "validate", cp["id"])
    assert r.returncode == 1
    assert b"src/a.py" in r.stdout and b"corrupt" in r.stdout
    with open(os.path.join(project, "src/a.py"), "wb") as fh:
        fh.write(b"A = 3\n")
    r = heal("checkpoint", "restore", cp["id"], "--yes")
    assert r.returncode != 0 and b"cannot be restored exactly" in r.stderr


def test_unknown_checkpoint_is_a_one_line_error(heal):
    r = heal("checkpoint", "validate", "nope")
    assert r.returncode == 2 and r.stderr.count(b"\n") == 1


def test_restoring_another_projects_checkpoint_names_that_project(heal, project, tmp_path):
    # break-it W10: run from project B, a restore of A's checkpoint changed A without saying so
    _git_project(project)
    cp = _create(heal)
    os.unlink(os.path.join(project, "untracked.txt"))
    other = tmp_path / "other"
    other.mkdir()
    subprocess.run(["git", "init", "-q", str(other)], check=True)
    r = heal("checkpoint", "restore", cp["id"], "--dry-run", cwd=str(other))
    assert r.returncode == 0
    assert f"of {os.path.realpath(project)} (another project than this one)".encode() in r.stdout
    assert b"recreate untracked.txt" in r.stdout
