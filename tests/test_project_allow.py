"""check_editable's allow-list: it admits exactly the files (and directories) an integration names, and nothing
else; without it the checks are what they were. FileChange records the list, and rollback writes through it."""

from __future__ import annotations

import json
import os

import pytest

from heal.journal import FileChange, Journal
from heal.journal.rollback import plan, rollback
from heal.project import SafetyError, check_editable


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "project"
    hooks = root / ".git" / "hooks"
    hooks.mkdir(parents=True)
    outside = tmp_path / "home" / ".claude"
    outside.mkdir(parents=True)
    return root, hooks, outside


def test_default_checks_are_unchanged(tree):
    root, hooks, outside = tree
    assert check_editable(str(root / "app.py"), str(root)) == os.path.realpath(root / "app.py")
    for path in (hooks / "pre-commit", outside / "settings.json", root / "node_modules" / "x.js"):
        with pytest.raises(SafetyError):
            check_editable(str(path), str(root))


def test_allow_admits_exactly_the_named_files(tree):
    root, hooks, outside = tree
    hook = str(hooks / "pre-commit")
    settings = str(outside / "settings.json")
    assert check_editable(hook, str(root), allow=(hook,)) == os.path.realpath(hook)
    assert check_editable(settings, str(root), allow=(settings,)) == os.path.realpath(settings)
    for other in (hooks / "pre-push", root / ".git" / "config", outside / "other.json"):
        with pytest.raises(SafetyError):
            check_editable(str(other), str(root), allow=(hook, settings))


def test_a_named_directory_admits_itself_and_its_own_files_only(tree):
    root, hooks, _ = tree
    (hooks / "sub").mkdir()
    assert check_editable(str(hooks), str(root), allow=(str(hooks),))
    assert check_editable(str(hooks / "pre-commit"), str(root), allow=(str(hooks),))
    for path in (hooks / "sub" / "x", root / ".git" / "config", root / ".git" / "hooks-evil"):
        with pytest.raises(SafetyError):
            check_editable(str(path), str(root), allow=(str(hooks),))


def test_allow_compares_real_paths(tree, tmp_path):
    root, hooks, _ = tree
    link = tmp_path / "hooks-link"
    link.symlink_to(hooks)
    assert check_editable(str(link / "pre-commit"), str(root), allow=(str(hooks / "pre-commit"),))
    with pytest.raises(SafetyError):  # a path that only looks like the named one
        check_editable(str(hooks / ".." / "config"), str(root), allow=(str(hooks / "pre-commit"),))


def test_a_hard_linked_file_is_refused_even_when_named(tree):
    root, hooks, outside = tree
    hook = hooks / "pre-commit"
    hook.write_text("#!/bin/sh\n")
    os.link(hook, outside / "copy")
    with pytest.raises(SafetyError):
        check_editable(str(hook), str(root), allow=(str(hook),))


def test_file_change_records_the_list_and_rollback_writes_through_it(tree, tmp_path):
    root, hooks, _ = tree
    hook = hooks / "pre-commit"
    hook.write_bytes(b"#!/bin/sh\nexit 0\n")
    hook.chmod(0o750)
    journal = Journal(str(tmp_path / "state"))
    with pytest.raises(SafetyError):
        with journal.changeset(cwd=str(root), root=str(root)) as cs:
            cs.apply(FileChange(str(hook), data=b"new", mode=0o755))
    with journal.changeset(cwd=str(root), root=str(root)) as cs:
        cs.apply(FileChange(str(hook), data=b"new", mode=0o755, allow=(str(hook),)))
        cid = cs.id
    with open(os.path.join(journal.dir, cid, "actions.jsonl")) as fh:
        intent = json.loads(fh.readline())["change"]
    assert intent["allow"] == [os.path.realpath(hook)]
    assert hook.read_bytes() == b"new"
    rollback(journal, plan(journal, cid))
    assert hook.read_bytes() == b"#!/bin/sh\nexit 0\n" and (hook.stat().st_mode & 0o777) == 0o750
