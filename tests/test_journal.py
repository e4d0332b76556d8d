"""The change log: every change is journaled first and `heal rollback` restores the tree byte-exact
(content and mode), refuses to clobber later edits, and is itself undoable."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys

import pytest

from heal.journal import FileChange, Journal, JournalError
from heal.project import SafetyError


def tree(root: str) -> dict[str, tuple[str, int]]:
    """rel path -> (sha256, mode) of every file under root (outside .git)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for name in filenames:
            path = os.path.join(dirpath, name)
            with open(path, "rb") as fh:
                out[os.path.relpath(path, root)] = (hashlib.sha256(fh.read()).hexdigest(),
                                                    stat.S_IMODE(os.stat(path).st_mode))
    return out


@pytest.fixture
def repo(project):
    os.makedirs(os.path.join(project, "src"))
    files = {"src/app.py": b"print('hi')\n", "run.sh": b"#!/bin/sh\necho run\n", "data.bin": bytes(range(256)),
             "notes.txt": b"keep me\n"}
    for rel, data in files.items():
        with open(os.path.join(project, rel), "wb") as fh:
            fh.write(data)
    os.chmod(os.path.join(project, "run.sh"), 0o644)
    subprocess.run(["git", "init", "-q", project], check=True)
    return project


def apply_changes(heal_env: dict, root: str) -> None:
    """Every kind of file change, through the one apply() path."""
    j = Journal(heal_env["HEAL_HOME"])
    with j.changeset(cwd=root, root=root, command=["test", "apply"], diagnosis="a test") as cs:
        cs.apply(FileChange(os.path.join(root, "src/app.py"), data=b"print('healed')\n"))
        cs.apply(FileChange(os.path.join(root, "src/new_module.py"), data=b"X = 1\n"))
        cs.apply(FileChange(os.path.join(root, "run.sh"), mode=0o755))
        cs.apply(FileChange(os.path.join(root, "notes.txt"), delete=True))
        cs.apply(FileChange(os.path.join(root, "data.bin"), data=b"\x00" * 10, mode=0o600))
        cs.apply(FileChange(os.path.join(root, "src/app.py"), data=b"print('healed twice')\n"))


def test_apply_then_rollback_restores_bytes_and_modes(heal, heal_env, repo):
    before = tree(repo)
    apply_changes(heal_env, repo)
    assert tree(repo) != before
    log = json.loads(heal("log", "--json").stdout)
    (entry,) = log["change_sets"]
    assert entry["status"] == "applied" and entry["command"] == ["test", "apply"] and len(entry["changes"]) == 6
    r = heal("rollback", "--last", "--yes")
    assert r.returncode == 0, r.stderr
    assert tree(repo) == before
    statuses = [c["status"] for c in json.loads(heal("log", "--json").stdout)["change_sets"]]
    assert statuses == ["applied", "rolled back"]  # newest first: the rollback, then the run it undid


def test_second_rollback_has_nothing_to_do(heal, heal_env, repo):
    apply_changes(heal_env, repo)
    assert heal("rollback", "--last", "--yes").returncode == 0
    r = heal("rollback", "--last", "--yes")
    assert r.returncode == 0
    assert b"nothing to do" in r.stdout and b"already rolled back" in r.stdout


def test_a_rollback_can_itself_be_undone(heal, heal_env, repo):
    apply_changes(heal_env, repo)
    applied = tree(repo)
    heal("rollback", "--last", "--yes")
    rollback_id = json.loads(heal("log", "--json").stdout)["change_sets"][0]["id"]
    r = heal("rollback", rollback_id, "--yes")
    assert r.returncode == 0, r.stderr
    assert tree(repo) == applied
    statuses = {c["id"]: c["status"] for c in json.loads(heal("log", "--json").stdout)["change_sets"]}
    assert statuses[rollback_id] == "rolled back"


def test_rollback_refuses_when_a_file_changed_since_and_force_overrides(heal, heal_env, repo):
    before = tree(repo)
    apply_changes(heal_env, repo)
    with open(os.path.join(repo, "src/app.py"), "ab") as fh:
        fh.write(b"# the user's own edit\n")
    edited = tree(repo)
    r = heal("rollback", "--last", "--yes")
    assert r.returncode == 1
    assert b"src/app.py changed after heal touched it" in r.stderr
    assert tree(repo) == edited  # nothing was touched
    r = heal("rollback", "--last", "--yes", "--force")
    assert r.returncode == 0
    assert tree(repo) == before


def test_force_works_for_a_file_whose_path_says_backup(heal, heal_env, repo):
    # whether a conflict can be forced is a property of the conflict, not of words in the file's path
    path = os.path.join(repo, "backup", "settings.txt")
    os.makedirs(os.path.dirname(path))
    with open(path, "wb") as fh:
        fh.write(b"v1\n")
    with Journal(heal_env["HEAL_HOME"]).changeset(cwd=repo, root=repo, command=["test"], diagnosis="t") as cs:
        cs.apply(FileChange(path, data=b"v2\n"))
    with open(path, "ab") as fh:
        fh.write(b"the user's own edit\n")
    assert heal("rollback", "--last", "--yes").returncode == 1
    r = heal("rollback", "--last", "--yes", "--force")
    assert r.returncode == 0, r.stderr
    assert open(path, "rb").read() == b"v1\n"


def test_dry_run_changes_nothing(heal, heal_env, repo):
    apply_changes(heal_env, repo)
    applied = tree(repo)
    r = heal("rollback", "--last", "--dry-run")
    assert r.returncode == 0 and b"restore" in r.stdout
    assert tree(repo) == applied


def test_without_a_terminal_rollback_needs_yes(heal, heal_env, repo):
    apply_changes(heal_env, repo)
    applied = tree(repo)
    r = heal("rollback", "--last")
    assert r.returncode == 1 and b"--yes" in r.stderr
    assert tree(repo) == applied


@pytest.mark.parametrize("args", [["rollback", "nosuchid", "--yes"], ["rollback", "--yes"]])
def test_bad_ids_are_one_line_errors(heal, args):
    r = heal(*args)
    assert r.returncode == 2
    assert r.stderr.count(b"\n") == 1 and b"Traceback" not in r.stderr


def test_empty_log(heal):
    r = heal("log")
    assert r.returncode == 0 and b"empty" in r.stdout
    assert heal("rollback", "--last", "--yes").returncode == 2


def test_nothing_outside_the_project_or_inside_environments(heal_env, repo, tmp_path):
    j = Journal(heal_env["HEAL_HOME"])
    outside = tmp_path / "outside.txt"
    os.makedirs(os.path.join(repo, "node_modules", "x"))
    os.makedirs(os.path.join(repo, "env"))
    with open(os.path.join(repo, "env", "pyvenv.cfg"), "w") as fh:
        fh.write("home = /usr/bin\n")
    with j.changeset(cwd=repo, root=repo) as cs:
        for path in (str(outside), os.path.join(repo, ".git", "config"), os.path.join(repo, "node_modules", "x", "a.js"),
                     os.path.join(repo, "env", "lib.py"), os.path.join(repo, "..", "escape.txt")):
            with pytest.raises(SafetyError):
                cs.apply(FileChange(path, data=b"no"))
    assert not outside.exists()
    assert not os.path.exists(os.path.join(repo, "node_modules", "x", "a.js"))


def test_damaged_entry_is_reported_and_the_rest_stays_usable(heal, heal_env, repo):
    apply_changes(heal_env, repo)
    j = Journal(heal_env["HEAL_HOME"])
    with j.changeset(cwd=repo, root=repo, command=["second"]) as cs:
        cs.apply(FileChange(os.path.join(repo, "extra.txt"), data=b"x\n"))
    first = j.ids()[0]
    with open(os.path.join(j.dir, first, "actions.jsonl"), "ab") as fh:
        fh.write(b"{not json\n")
    r = heal("log")
    assert r.returncode == 0
    assert b"actions.jsonl line" in r.stdout and b"damaged" in r.stdout
    assert heal("rollback", "--last", "--yes").returncode == 0
    assert not os.path.exists(os.path.join(repo, "extra.txt"))


def test_missing_blob_is_named_and_nothing_is_written(heal, heal_env, repo):
    apply_changes(heal_env, repo)
    applied = tree(repo)
    j = Journal(heal_env["HEAL_HOME"])
    info = j.info(j.ids()[-1])
    blob = info.actions[0].change["before"]["blob"]
    os.chmod(j.blobs.path(blob), 0o644)
    os.unlink(j.blobs.path(blob))
    r = heal("rollback", "--last", "--yes", "--force")
    assert r.returncode != 0
    assert blob[:12].encode() in r.stderr and b"missing" in r.stderr
    assert tree(repo) == applied


def test_concurrent_runs_do_not_corrupt_the_journal(heal, heal_env, repo):
    before = tree(repo)
    script = (
        "import os, sys\n"
        "from heal.journal import Journal, FileChange\n"
        "root, tag = sys.argv[1], sys.argv[2]\n"
        "j = Journal(os.environ['HEAL_HOME'])\n"
        "for i in range(5):\n"
        "    with j.changeset(cwd=root, root=root, command=[tag, str(i)]) as cs:\n"
        "        for k in range(4):\n"
        "            cs.apply(FileChange(os.path.join(root, f'{tag}-{i}-{k}.txt'), data=f'{tag}{i}{k}'.encode()))\n"
        "            cs.apply(FileChange(os.path.join(root, 'shared.txt'), data=f'{tag}{i}{k}'.encode()))\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, repo, tag], env=heal_env) for tag in ("a", "b", "c")]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    log = json.loads(heal("log", "--json", "-n", "100").stdout)["change_sets"]
    assert len(log) == 15 and {c["status"] for c in log} == {"applied"}
    for _ in range(15):  # undo everything, newest first: each run locked the project, so the order is total
        r = heal("rollback", "--last", "--yes")
        assert r.returncode == 0, r.stderr
    assert tree(repo) == before


def test_prune_drops_old_sets_and_unreferenced_blobs(heal, heal_env, repo):
    apply_changes(heal_env, repo)
    j = Journal(heal_env["HEAL_HOME"])
    assert j.blobs.all()
    r = heal("log", "prune", "--older-than", "0d")
    assert r.returncode == 0 and b"pruned 1 change sets" in r.stdout
    assert j.ids() == [] and j.blobs.all() == []
    assert heal("log", "prune", "--older-than", "soon").returncode == 2


def test_apply_api_rejects_nothing_silently(heal_env, repo):
    j = Journal(heal_env["HEAL_HOME"])
    with pytest.raises(JournalError):
        j.resolve("missing")


def test_secrets_in_the_command_are_not_persisted(heal, heal_env, repo):
    j = Journal(heal_env["HEAL_HOME"])
    with j.changeset(cwd=repo, root=repo, command=["deploy", "--token=ghp_abcdefghijklmnopqrstuvwxyz0123",
                                                   "https://user:s3cretpw@host.example/x"]) as cs:
        cs.apply(FileChange(os.path.join(repo, "x.txt"), data=b"x"))
    raw = open(os.path.join(j.dir, j.ids()[0], "meta.json")).read()
    assert "ghp_abcdefghijklmnopqrstuvwxyz0123" not in raw and "s3cretpw" not in raw


def test_write_atomic_never_writes_through_a_planted_temporary_name(tmp_path):
    # whoever can write to a project directory could plant `.<file>.<pid>.tmp` -> a file outside it: heal (as
    # root, with the owner handed on) would truncate, fill, chown and chmod that file (review of break-it W6)
    from heal.fsutil import write_atomic

    victim = tmp_path / "victim"
    victim.write_bytes(b"secret\n")
    os.chmod(victim, 0o600)
    project = tmp_path / "project"
    project.mkdir()
    target = project / "setup.cfg"
    target.write_bytes(b"old\n")
    os.symlink(victim, project / f".setup.cfg.{os.getpid()}.tmp")
    write_atomic(str(target), b"new\n", mode=0o644)
    assert target.read_bytes() == b"new\n" and not target.is_symlink()
    assert victim.read_bytes() == b"secret\n" and (os.stat(victim).st_mode & 0o777) == 0o600
