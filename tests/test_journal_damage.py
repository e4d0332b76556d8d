"""Damaged state stays local: a change set whose files are valid JSON of the wrong shape is `[damaged]`,
and `heal log` and `heal rollback` keep working for every other one (reliability findings F13, F18, F16,
N7, N8; friction 10: a HEAL_HOME that is a file)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from conftest import heal_argv
from heal.journal import FileChange, Journal


@pytest.fixture
def two_sets(heal_env, project):
    """(journal, damaged-to-be id, intact id): two change sets of one project, the first to be damaged."""
    j = Journal(heal_env["HEAL_HOME"])
    for name in ("a.txt", "b.txt"):
        with open(os.path.join(project, name), "w") as fh:
            fh.write("v1\n")
    with j.changeset(cwd=project, root=project, command=["first"]) as cs:
        cs.apply(FileChange(os.path.join(project, "a.txt"), data=b"v2\n"))
    with j.changeset(cwd=project, root=project, command=["second"]) as cs:
        cs.apply(FileChange(os.path.join(project, "b.txt"), data=b"v2\n"))
    first, second = j.ids()
    return j, first, second


def _write(path: str, text: str) -> None:
    with open(path, "w") as fh:
        fh.write(text)


DAMAGE = {
    "meta is a list": ("meta.json", "[]"),
    "meta is null": ("meta.json", "null"),
    "command is a number": ("meta.json", '{"command": 5, "root": "/x", "cwd": "/x"}'),
    "status is a list": ("status.json", "[]"),
    "change is a list": ("actions.jsonl", '{"seq": 1, "op": "intent", "change": [1, 2]}\n'),
    "seq is 1e999": ("actions.jsonl", '{"seq": 1e999, "op": "intent", "change": {}}\n'),
    "deep nesting": ("actions.jsonl", "[" * 100000 + "]" * 100000 + "\n"),
    "intent without a path": ("actions.jsonl", '{"seq": 1, "op": "intent", "change": {"kind": "file", '
                                               '"op": "write", "before": {"exists": false}}}\n'
                                               '{"seq": 0, "op": "end"}\n'),
    "packages intent without cwd": ("actions.jsonl", '{"seq": 1, "op": "intent", "change": {"kind": "packages", '
                                                     '"manager": "pip", "python": "p", "installed": {}, '
                                                     '"manifests": {}}}\n{"seq": 0, "op": "end"}\n'),
}


def _edited(heal_env, project, before: str, after: bytes, command: str) -> tuple[Journal, str]:
    """(the journal, f.txt): f.txt written as `before`, then changed to `after` in a change set of its own."""
    j = Journal(heal_env["HEAL_HOME"])
    path = os.path.join(project, "f.txt")
    _write(path, before)
    with j.changeset(cwd=project, root=project, command=[command]) as cs:
        cs.apply(FileChange(path, data=after))
    return j, path


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_wrong_shape_is_damaged_and_the_others_stay_usable(heal, project, two_sets, damage):
    j, first, second = two_sets
    name, text = DAMAGE[damage]
    _write(os.path.join(j.dir, first, name), text)
    r = heal("log", "--all")
    assert r.returncode == 0, r.stderr
    assert f"{first}".encode() in r.stdout and b"[damaged]" in r.stdout and b"Traceback" not in r.stderr
    entries = {c["id"]: c for c in json.loads(heal("log", "--all", "--json").stdout)["change_sets"]}
    assert entries[first]["status"] == "damaged" and entries[second]["status"] == "applied"
    r = heal("rollback", first, "--yes")
    assert r.returncode == 2 and r.stderr.count(b"\n") == 1 and b"damaged" in r.stderr
    r = heal("rollback", "--last", "--yes")  # the newest intact one, in this project
    assert r.returncode == 0, r.stderr
    assert open(os.path.join(project, "b.txt")).read() == "v1\n"
    r = heal("rollback", "--last", "--yes")  # the damaged one is skipped, not fatal
    assert r.returncode == 0 and b"nothing to do" in r.stdout


@pytest.mark.parametrize("line", ['{"change": ["x"], "op": "intent", "seq": 1}', "garbage{"])
def test_a_damaged_intent_before_intact_records_is_damage_not_empty(heal, project, two_sets, line):
    # break-it W3: the first record of a real change set replaced; its done and end records intact. It was
    # `[empty]`, and rollback said "nothing to do" while a.txt stayed changed.
    j, first, second = two_sets
    path = os.path.join(j.dir, first, "actions.jsonl")
    lines = open(path).read().splitlines()
    lines[0] = line
    _write(path, "\n".join(lines) + "\n")
    entries = {c["id"]: c for c in json.loads(heal("log", "--all", "--json").stdout)["change_sets"]}
    assert entries[first]["status"] == "damaged" and entries[second]["status"] == "applied"
    r = heal("rollback", first, "--yes")
    assert r.returncode == 2 and b"damaged" in r.stderr
    assert open(os.path.join(project, "a.txt")).read() == "v2\n"  # left as it is, and said so


def test_a_torn_last_line_is_what_a_crash_leaves_not_damage(heal, project, two_sets):
    j, first, second = two_sets
    with open(os.path.join(j.dir, second, "actions.jsonl"), "a") as fh:
        fh.write('{"seq": 2, "op": "inte')  # killed mid-append
    entries = {c["id"]: c for c in json.loads(heal("log", "--all", "--json").stdout)["change_sets"]}
    assert entries[second]["status"] != "damaged"


def test_a_corrupt_blob_is_rewritten_by_the_next_backup_of_the_same_bytes(heal, heal_env, project):
    j, path = _edited(heal_env, project, "original\n", b"one\n", "one")
    blob = j.info(j.ids()[0]).actions[0].change["before"]["blob"]
    os.chmod(j.blobs.path(blob), 0o644)
    _write(j.blobs.path(blob), "garbage")
    # the first run is lost with its backup; a new run backing up the same bytes must not be
    _write(path, "original\n")
    with j.changeset(cwd=project, root=project, command=["two"]) as cs:
        cs.apply(FileChange(path, data=b"two\n"))
    assert j.blobs.check(blob) is None
    r = heal("rollback", "--last", "--yes")
    assert r.returncode == 0, r.stderr
    assert open(path).read() == "original\n"


def test_checkpoint_restore_journals_the_directories_it_creates_and_removes(heal, project):
    os.makedirs(os.path.join(project, "sub", "deep"))
    _write(os.path.join(project, "sub", "deep", "f.txt"), "f\n")
    _write(os.path.join(project, "top.txt"), "t\n")
    r = heal("checkpoint", "create")
    assert r.returncode == 0, r.stderr
    cp = json.loads(heal("checkpoint", "list", "--json").stdout)[-1]["id"]
    os.unlink(os.path.join(project, "sub", "deep", "f.txt"))
    os.rmdir(os.path.join(project, "sub", "deep"))
    os.rmdir(os.path.join(project, "sub"))
    os.makedirs(os.path.join(project, "newdir"))
    _write(os.path.join(project, "newdir", "n.txt"), "n\n")
    edited = sorted(os.listdir(project))
    r = heal("checkpoint", "restore", cp, "--yes")
    assert r.returncode == 0, r.stderr
    assert os.path.isfile(os.path.join(project, "sub", "deep", "f.txt"))
    assert not os.path.exists(os.path.join(project, "newdir"))  # emptied by the restore: gone with it
    r = heal("rollback", "--last", "--yes")
    assert r.returncode == 0, r.stderr
    assert sorted(os.listdir(project)) == edited  # sub/deep/ gone again, newdir/ back
    assert os.listdir(os.path.join(project, "newdir")) == ["n.txt"]


def test_restore_where_a_file_is_now_a_directory_is_one_line(heal, project):
    _write(os.path.join(project, "x"), "file\n")
    heal("checkpoint", "create")
    cp = json.loads(heal("checkpoint", "list", "--json").stdout)[-1]["id"]
    os.unlink(os.path.join(project, "x"))
    os.makedirs(os.path.join(project, "x"))
    r = heal("checkpoint", "restore", cp, "--yes")
    assert r.returncode == 2 and r.stderr.count(b"\n") == 1 and b"x is a directory now" in r.stderr
    assert os.path.isdir(os.path.join(project, "x"))


def test_checkpoint_ids_sort_in_creation_order(heal, project):
    _write(os.path.join(project, "f.txt"), "f\n")
    made = []
    for n in range(4):
        r = heal("checkpoint", "create", "--name", f"n{n}")
        assert r.returncode == 0
        made.append(r.stdout.split()[2].decode().rstrip(":"))
    listed = json.loads(heal("checkpoint", "list", "--json").stdout)
    assert [c["id"] for c in listed] == made == sorted(made)
    assert [c["name"] for c in listed] == ["n0", "n1", "n2", "n3"]


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_a_killed_writes_temp_file_goes_even_when_the_file_is_already_as_before(heal, heal_env, project):
    j, path = _edited(heal_env, project, "v1\n", b"v2\n", "edit")
    _write(path, "v1\n")  # as before: nothing for rollback to write
    stale = os.path.join(project, f".f.txt.{_dead_pid()}.tmp")  # what a write killed mid-way leaves
    _write(stale, "")
    r = heal("rollback", "--last", "--yes")
    assert r.returncode == 0 and b"nothing to do" in r.stdout
    assert not os.path.exists(stale)


def test_a_live_writers_temp_file_is_left_alone(heal, heal_env, project):
    # write_atomic names its temporary file `.<name>.<random>.<pid>.tmp`: while that pid lives, rollback's
    # clean-up must not take the file from under it (the random part was first put last, hiding the pid)
    j, path = _edited(heal_env, project, "v1\n", b"v2\n", "edit")
    _write(path, "v1\n")
    from heal.fsutil import temp_path

    live = temp_path(path)  # named as this (live) process's write would be
    dead = os.path.join(project, f".f.txt.{os.urandom(4).hex()}.{_dead_pid()}.tmp")
    _write(live, "")
    _write(dead, "")
    r = heal("rollback", "--last", "--yes")
    assert r.returncode == 0, r.stderr
    assert os.path.exists(live) and not os.path.exists(dead)


def test_a_deleted_venv_is_nothing_to_undo_and_rollback_moves_past_it(heal, heal_env, project, py, tmp_path):
    import bigwheel
    from heal.journal import PackageChange

    venv = os.path.dirname(os.path.dirname(py))
    wheel = bigwheel.build(str(tmp_path), name="demo", version="1.0", files=0)
    j = Journal(heal_env["HEAL_HOME"])
    with j.changeset(cwd=project, root=project, command=[py, "app.py"]) as cs:
        # the real pip, from a wheel file: no index needed
        cs.apply(PackageChange("pip", [py, "-m", "pip", "install", "--no-index", "-q", wheel], cwd=project,
                               python=py, packages=("demo",)))
    subprocess.run(["rm", "-rf", venv], check=True)
    # what the install put there went with the venv: said, and the change set counts as rolled back, so that
    # `rollback --last` is not stuck on it for ever (break-it friction; it used to refuse, even with --force)
    r = heal("rollback", "--last", "--yes")
    assert r.returncode == 0, r.stderr
    assert b"no longer exists: what the install put there went with it" in r.stderr and b"Traceback" not in r.stderr
    r = heal("rollback", "--last", "--yes")
    assert b"no longer exists" not in r.stderr + r.stdout
    assert not os.path.exists(venv)  # never recreated


def _settled_by_the_stopped_rollback(heal, run: str) -> None:
    """The next rollback finds nothing to do, credits the stopped one with the work, and says so after."""
    r = heal("rollback", "--last", "--yes")
    assert r.returncode == 0 and b"nothing to do" in r.stdout
    statuses = {c["id"]: c["status"] for c in json.loads(heal("log", "--json").stdout)["change_sets"]}
    (rollback_id,) = [i for i in statuses if i != run]
    assert statuses == {run: "rolled back", rollback_id: "applied"}
    r = heal("rollback", "--last", "--yes")
    assert b"already rolled back" in r.stdout and f"by {rollback_id}".encode() in r.stdout


def test_status_after_a_killed_rollback_and_a_nothing_to_do_rerun(heal, heal_env, project):
    j, path = _edited(heal_env, project, "v1\n", b"v2\n", "edit")
    run = j.ids()[0]
    # killed after its only change was done, before it could mark the run rolled back
    env = dict(heal_env, HEAL_TEST_CRASH_AT="3")
    r = subprocess.run([*heal_argv(), "rollback", "--last", "--yes"], env=env, cwd=project, capture_output=True)
    assert r.returncode == -signal.SIGKILL
    assert open(path).read() == "v1\n"
    _settled_by_the_stopped_rollback(heal, run)


def test_status_after_an_interrupted_rollback_that_did_its_work(heal, heal_env, project):
    # Ctrl-C while pip finished an uninstall: the rollback's change is recorded failed though it was made; the
    # next rollback found nothing to do, and left that one [failed] and the run rolled back by nobody
    from heal.journal import FileChange

    class Interrupted(FileChange):
        __slots__ = ()

        def perform(self, cs, intent, progress=None):
            super().perform(cs, intent, progress)
            raise KeyboardInterrupt

    j, path = _edited(heal_env, project, "v1\n", b"v2\n", "edit")
    run = j.ids()[0]
    with pytest.raises(KeyboardInterrupt):
        with j.changeset(cwd=project, root=project, command=["rollback", run], kind="rollback",
                         undoes=run) as cs:
            cs.apply(Interrupted(path, data=b"v1\n"))
    assert open(path).read() == "v1\n"
    _settled_by_the_stopped_rollback(heal, run)


def test_heal_home_that_is_a_file_is_one_line(heal, heal_env, tmp_path):
    home = tmp_path / "home-file"
    home.write_text("x")
    env = dict(heal_env, HEAL_HOME=str(home))
    for args in (("log",), ("rollback", "--last", "--yes")):
        r = heal(*args, env=env)
        assert r.returncode == 2 and r.stderr.count(b"\n") == 1 and b"not a directory" in r.stderr, args


def test_checkpoint_in_git_skips_an_unignored_venv_and_node_modules(heal, project):
    subprocess.run(["git", "init", "-q", project], check=True)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", os.path.join(project, ".venv")], check=True)
    os.makedirs(os.path.join(project, "web", "node_modules", "x"))
    _write(os.path.join(project, "web", "node_modules", "x", "index.js"), "x\n")
    _write(os.path.join(project, "app.py"), "print(1)\n")
    heal("checkpoint", "create")
    assert json.loads(heal("checkpoint", "list", "--json").stdout)[-1]["files"] == 1


def test_a_deleted_venv_still_gets_its_manifests_back_and_no_manager_runs(heal, heal_env, project):
    # uv: the install rewrote pyproject.toml and uv.lock; the venv is deleted since. Rollback puts the manifests
    # back (or the next `uv sync` would install what heal added) and runs no `uv sync`, which would make the
    # venv again (review of the deleted-venv change)
    from heal.journal import PackageChange

    _write(os.path.join(project, "pyproject.toml"), '[project]\nname = "p"\nversion = "0"\ndependencies = []\n')
    _write(os.path.join(project, "uv.lock"), "version = 1\n")
    before = {n: open(os.path.join(project, n)).read() for n in ("pyproject.toml", "uv.lock")}
    venv = os.path.join(project, ".venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    py = os.path.join(venv, "bin", "python")
    code = ("open('pyproject.toml','w').write('[project]\\nname = \"p\"\\nversion = \"0\"\\ndependencies = [\"evil\"]\\n');"
            "open('uv.lock','a').write('[[package]]\\nname = \"evil\"\\n')")
    j = Journal(heal_env["HEAL_HOME"])
    with j.changeset(cwd=project, root=project, command=[py, "app.py"]) as cs:
        cs.apply(PackageChange("uv", [py, "-c", code], cwd=project, python=py))
    subprocess.run(["rm", "-rf", venv], check=True)
    r = heal("rollback", "--last", "--yes")
    assert r.returncode == 0, r.stderr
    assert {n: open(os.path.join(project, n)).read() for n in ("pyproject.toml", "uv.lock")} == before
    assert not os.path.exists(venv)
