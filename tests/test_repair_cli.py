"""`heal repair` as a real process in a temp git project: exit codes, output shapes, the change log, bytes kept,
what is refused, and what it must not import."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

BROKEN = b"def g(y)\n    return y\n"
FIXED = b"def g(y):\n    return y\n"
JSON_KEYS = {"path", "kind", "status", "error", "edits", "candidates", "reason", "notes"}


@pytest.fixture
def repo(project) -> str:
    subprocess.run(["git", "init", "-q", project], check=True)
    return project


def _write(repo: str, name: str, data: bytes) -> str:
    path = os.path.join(repo, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)
    return path


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def test_repairs_in_place_and_rollback_restores_byte_exact(heal, repo):
    # CRLF endings, a BOM and a tab-indented body, all to be kept
    original = b"\xef\xbb\xbfimport os\r\ndef g(y)\r\n\treturn y\r\nprint 'x'\r\n"
    path = _write(repo, "pkg/mod.py", original)
    r = heal("repair", "pkg/mod.py")
    assert r.returncode == 0, r.stderr
    assert _read(path) == b"\xef\xbb\xbfimport os\r\ndef g(y):\r\n\treturn y\r\nprint('x')\r\n"
    assert b"pkg/mod.py: repaired" in r.stdout and b"heal rollback" in r.stderr
    back = heal("rollback", "--last", "--yes")
    assert back.returncode == 0, back.stderr
    assert _read(path) == original


def test_check_exit_codes_and_changes_nothing(heal, repo):
    good = _write(repo, "good.py", b"x = 1\n")
    bad = _write(repo, "bad.py", BROKEN)
    assert heal("repair", "--check", "good.py").returncode == 0
    r = heal("repair", "--check", "good.py", "bad.py")
    assert r.returncode == 1
    assert _read(bad) == BROKEN and _read(good) == b"x = 1\n"
    assert b"bad.py: would repair" in r.stdout and b"good.py" not in r.stdout


def test_dry_run_leaves_bytes_and_says_what_it_would_do(heal, repo):
    bad = _write(repo, "bad.py", BROKEN)
    r = heal("repair", "--dry-run", "--diff", "bad.py")
    assert r.returncode == 0
    assert _read(bad) == BROKEN
    out = r.stdout.decode()
    assert "--- a/bad.py" in out and "+++ b/bad.py" in out and "-def g(y)\n" in out and "+def g(y):\n" in out
    assert heal("log", "--json").stdout.count(b'"id"') == 0  # nothing journaled


def test_json_one_object_per_file(heal, repo):
    _write(repo, "ok.py", b"x = 1\n")
    _write(repo, "bad.py", BROKEN)
    _write(repo, "amb.py", b"print(a \\n)\n")
    _write(repo, "c.json", b'{"a": 1,}\n')
    r = heal("repair", "--json", "ok.py", "bad.py", "amb.py", "c.json")
    assert r.returncode == 1  # amb.py is still broken
    objs = [json.loads(line) for line in r.stdout.decode().splitlines()]
    assert [o["path"] for o in objs] == ["ok.py", "bad.py", "amb.py", "c.json"]
    assert all(set(o) == JSON_KEYS for o in objs)
    ok, bad, amb, js = objs
    assert ok["status"] == "ok" and ok["error"] is None and ok["edits"] == []
    assert bad["status"] == "repaired" and bad["kind"] == "python"
    assert bad["error"]["msg"] == "expected ':'" and bad["error"]["lineno"] == 1
    assert bad["edits"] == [{"line": 1, "col": 9, "before": "", "after": ":", "note": ""}]
    assert amb["status"] == "unrepairable" and len(amb["candidates"]) == 2 and amb["edits"] == []
    assert js["status"] == "repaired" and js["kind"] == "json"


def test_json_with_diff_keeps_one_object_per_line(heal, repo):
    _write(repo, "bad.py", BROKEN)
    r = heal("repair", "--json", "--diff", "--dry-run", "bad.py")
    (obj,) = [json.loads(line) for line in r.stdout.decode().splitlines()]
    assert set(obj) == JSON_KEYS | {"diff"} and "+def g(y):\n" in obj["diff"]


def test_unrepairable_file_is_left_byte_identical(heal, repo):
    src = b"x = 1\r\nf(a b c d e)\r\n"
    path = _write(repo, "hopeless.py", src)
    r = heal("repair", "hopeless.py")
    assert r.returncode == 1
    assert _read(path) == src
    assert b"hopeless.py: cannot repair: SyntaxError" in r.stdout


def test_several_files_are_one_change_set(heal, repo):
    a = _write(repo, "a.py", BROKEN)
    b = _write(repo, "b.json", b'[1, 2,]')
    assert heal("repair", "a.py", "b.json").returncode == 0
    log = json.loads(heal("log", "--json").stdout)["change_sets"]
    assert len(log) == 1 and len(log[0]["changes"]) == 2
    assert " ".join(log[0]["command"]).startswith("heal repair ")  # the change log's label of the run
    assert heal("rollback", "--last", "--yes").returncode == 0
    assert _read(a) == BROKEN and _read(b) == b'[1, 2,]'


def test_moved_api_repaired_for_this_python(heal, repo):
    path = _write(repo, "t.py", b"import time\nstart = time.clock()\n")
    r = heal("repair", "t.py")
    assert r.returncode == 0, r.stderr
    assert _read(path) == b"import time\nstart = time.perf_counter()\n"


@pytest.mark.parametrize("args, message", [
    (["missing.py"], "missing.py: No such file or directory"),
    (["notes.txt"], "notes.txt: heal repair handles .py, .json and .toml files"),
    (["--bogus", "a.py"], "unknown option '--bogus'"),
    ([], "no files to repair"),
    (["--python"], "option '--python' needs a value"),
])
def test_usage_errors_are_one_line(heal, repo, args, message):
    _write(repo, "notes.txt", b"hi\n")
    r = heal("repair", *args)
    assert r.returncode == 2
    assert message in r.stderr.decode()
    assert len(r.stderr.decode().strip().splitlines()) == 1 and b"Traceback" not in r.stderr


def test_a_directory_is_a_usage_error(heal, repo):
    os.mkdir(os.path.join(repo, "pkg.py"))
    r = heal("repair", "pkg.py")
    assert r.returncode == 2 and b"is a directory" in r.stderr


def test_outside_the_project_and_environments_are_refused(heal, repo, tmp_path):
    outside = tmp_path / "outside.py"
    outside.write_bytes(BROKEN)
    venv_file = _write(repo, ".venv/lib/mod.py", BROKEN)
    modules = _write(repo, "node_modules/x/data.json", b"[1,]")
    for target in (str(outside), venv_file, modules):
        r = heal("repair", target)
        assert r.returncode == 2 and b"refusing to repair" in r.stderr, r.stderr
    assert outside.read_bytes() == BROKEN and _read(venv_file) == BROKEN and _read(modules) == b"[1,]"


def test_hard_linked_file_is_refused(heal, repo):
    path = _write(repo, "a.py", BROKEN)
    os.link(path, os.path.join(repo, "b.py"))
    r = heal("repair", "a.py")
    assert r.returncode == 2 and b"hard link" in r.stderr
    assert _read(path) == BROKEN


def test_valid_files_never_import_libcst_or_typer(heal_env, repo):
    names = [os.path.basename(_write(repo, f"m{i}.py", b"import os\nx = [i for i in range(3)]\n")) for i in range(5)]
    _write(repo, "c.json", b'{"a": 1}')
    argv = [sys.executable, "-X", "importtime", "-m", "heal", "repair", *names, "c.json"]
    r = subprocess.run(argv, cwd=repo, env=heal_env, capture_output=True)
    assert r.returncode == 0, r.stderr
    imported = r.stderr.decode()
    assert "heal.commands.repair" in imported  # the probe works
    assert "libcst" not in imported and "typer" not in imported


def test_help_goes_through_typer(heal, repo):
    r = heal("repair", "--help")
    assert r.returncode == 0 and b"--check" in r.stdout and b"--dry-run" in r.stdout


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to own files as another user")
def test_run_as_root_repair_and_rollback_keep_the_files_owner(heal, repo):
    # `sudo heal repair` in a user's project: the repaired file, a file rollback recreates and a directory a
    # checkpoint restore recreates stay the user's, not root's (break-it W6)
    user = (4321, 4322)
    for d in (repo, os.path.join(repo, "pkg")):
        os.makedirs(d, exist_ok=True)
        os.chown(d, *user)
    path = _write(repo, "pkg/mod.py", b"def g(y)\n    return y\n")
    os.chown(path, *user)
    r = heal("repair", "pkg/mod.py")
    assert r.returncode == 0, r.stderr
    assert _read(path) == FIXED
    st = os.stat(path)
    assert (st.st_uid, st.st_gid) == user
    assert heal("rollback", "--last", "--yes").returncode == 0
    st = os.stat(path)
    assert (st.st_uid, st.st_gid) == user and _read(path) == b"def g(y)\n    return y\n"
    # a directory and a file that come back from a checkpoint take their parent's owner
    created = heal("checkpoint", "create")
    assert created.returncode == 0, created.stderr
    cid = (created.stdout + created.stderr).decode().split("checkpoint ", 1)[1].split(":", 1)[0]
    os.unlink(path)
    os.rmdir(os.path.join(repo, "pkg"))
    r = heal("checkpoint", "restore", cid, "--yes")
    assert r.returncode == 0, r.stderr
    for p in (os.path.join(repo, "pkg"), path):
        st = os.stat(p)
        assert (st.st_uid, st.st_gid) == user, p


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to own files as another user")
def test_run_as_root_a_restored_file_gets_its_recorded_owner_back(heal, heal_env, repo):
    # a root-only file in a user's project, changed by heal and deleted since: rollback puts it back as root's,
    # not as the directory's owner (who could then read it) (review of W6)
    from heal.journal import FileChange, Journal

    os.chown(repo, 4321, 4322)
    path = _write(repo, "secret.cfg", b"token = 1\n")
    os.chown(path, 0, 0)
    os.chmod(path, 0o600)
    j = Journal(heal_env["HEAL_HOME"])
    with j.changeset(cwd=repo, root=repo, command=["edit"]) as cs:
        cs.apply(FileChange(path, data=b"token = 2\n"))
    os.unlink(path)
    r = heal("rollback", "--last", "--yes", "--force")
    assert r.returncode == 0, r.stderr
    st = os.stat(path)
    assert _read(path) == b"token = 1\n" and (st.st_uid, st.st_gid) == (0, 0) and (st.st_mode & 0o777) == 0o600
