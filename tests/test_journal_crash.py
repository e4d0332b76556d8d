"""Kill heal with SIGKILL at every step of applying changes: the journal shows the run incomplete and
`heal rollback --last` still restores the project byte-exact."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from conftest import heal_argv
from test_journal import tree

SCRIPT = (
    "import os, sys\n"
    "from heal.journal import Journal, FileChange\n"
    "root = sys.argv[1]\n"
    "j = Journal(os.environ['HEAL_HOME'])\n"
    "with j.changeset(cwd=root, root=root, command=['crash-test']) as cs:\n"
    "    cs.apply(FileChange(os.path.join(root, 'a.txt'), data=b'A2' * 5000))\n"
    "    cs.apply(FileChange(os.path.join(root, 'new.txt'), data=b'new'))\n"
    "    cs.apply(FileChange(os.path.join(root, 'b.sh'), mode=0o755))\n"
    "    cs.apply(FileChange(os.path.join(root, 'c.txt'), delete=True))\n"
)
STEPS = 4 * 3  # each change: after its intent record, after the change, after its done record


@pytest.fixture
def files(project):
    for name, data in (("a.txt", b"A1\n"), ("b.sh", b"#!/bin/sh\n"), ("c.txt", b"C\n")):
        with open(os.path.join(project, name), "wb") as fh:
            fh.write(data)
    os.chmod(os.path.join(project, "b.sh"), 0o644)
    return project


@pytest.mark.parametrize("step", range(1, STEPS + 1))
def test_kill_at_every_step_then_rollback(heal, heal_env, files, step):
    before = tree(files)
    env = dict(heal_env, HEAL_TEST_CRASH_AT=str(step))
    proc = subprocess.run([sys.executable, "-c", SCRIPT, files], env=env)
    assert proc.returncode == -signal.SIGKILL
    (entry,) = json.loads(heal("log", "--json").stdout)["change_sets"]
    assert entry["status"] == "incomplete"  # killed before the run closed its change set
    r = heal("rollback", "--last", "--yes")
    assert r.returncode == 0, r.stderr
    assert tree(files) == before
    leftovers = [n for n in os.listdir(files) if n.endswith(".tmp")]
    assert leftovers == []


def test_killed_rollback_is_completed_by_the_next_one(heal, heal_env, files):
    before = tree(files)
    assert subprocess.run([sys.executable, "-c", SCRIPT, files], env=heal_env).returncode == 0
    env = dict(heal_env, HEAL_TEST_CRASH_AT="5")  # in the middle of the rollback's own second change
    r = subprocess.run([*heal_argv(), "rollback", "--last", "--yes"], env=env, cwd=files, capture_output=True)
    assert r.returncode == -signal.SIGKILL
    r = heal("rollback", "--last", "--yes")
    assert r.returncode == 0, r.stderr
    assert tree(files) == before
    statuses = sorted(c["status"] for c in json.loads(heal("log", "--json").stdout)["change_sets"])
    assert statuses == ["applied", "rolled back", "superseded"]
