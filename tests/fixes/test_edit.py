"""heal.fixes._edit, what the file-editing actions share: where an exception was raised (the innermost frame, in
every traceback style), the journal change that refuses a file edited since it was planned, the diff preview."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from heal.errors import JournalError
from heal.fixes import _edit
from heal.fixes.python_edit import _NAME_ERROR
from heal.journal import Journal


def _write(root, rel: str, text: str):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _output(argv, cwd) -> str:
    r = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=60)
    return r.stdout + r.stderr


@pytest.mark.parametrize("argv", [
    [sys.executable, "app.py"],
    [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--tb=long", "test_app.py"],
    [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--tb=short", "test_app.py"],
    [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--tb=native", "test_app.py"],
    [sys.executable, "-m", "unittest", "test_app"],
], ids=["traceback", "pytest-long", "pytest-short", "pytest-native", "unittest"])
def test_raised_at_is_the_innermost_frame(tmp_path, argv):
    _write(tmp_path, "mod.py", "def helper():\n    x = 1\n    return os.sep * x\n")
    _write(tmp_path, "app.py", "import mod\n\nmod.helper()\n")
    _write(tmp_path, "test_app.py", "import unittest\nimport mod\n\n\nclass T(unittest.TestCase):\n"
                                    "    def test_a(self):\n        mod.helper()\n")
    found = _edit.raised_at(_output(argv, tmp_path), _NAME_ERROR)
    assert found, "no NameError found"
    file, line, m = found[0]
    assert os.path.basename(file) == "mod.py" and line == 3 and m.group("name") == "os"


def test_a_frame_before_a_blank_line_is_not_the_raising_one():
    out = 'Traceback (most recent call last):\n  File "a.py", line 1, in <module>\n    x\n\nNameError: name \'x\' is not defined\n'
    assert _edit.raised_at(out, _NAME_ERROR) == []


def test_an_edit_is_not_applied_over_a_file_changed_since_it_was_planned(tmp_path):
    root = tmp_path / "project"
    path = _write(root, "app.py", "def f(x)\n    return x\n")
    old = path.read_bytes()
    change = _edit.EditChange(str(path), data=b"def f(x):\n    return x\n", expect=__import__("hashlib").sha256(old)
                              .hexdigest())
    path.write_text("def f(y)\n    return y\n")  # the user edited it while heal asked
    journal = Journal(str(tmp_path / "home"))
    with pytest.raises(JournalError, match="changed since heal planned the edit"):
        with journal.changeset(cwd=str(root), root=str(root), command=["t"], diagnosis="t") as cs:
            cs.apply(change)
    assert path.read_text() == "def f(y)\n    return y\n"
    path.write_bytes(old)
    with journal.changeset(cwd=str(root), root=str(root), command=["t"], diagnosis="t") as cs:
        cs.apply(change)
    assert path.read_bytes() == b"def f(x):\n    return x\n"


def test_the_preview_is_a_unified_diff_kept_short():
    old = "".join(f"line {i}\n" for i in range(300)).encode()
    new = old.replace(b"line 5\n", b"line five\n")
    diff = _edit.unified_diff("a.txt", old, new)
    assert diff.startswith("--- a/a.txt\n+++ b/a.txt\n@@ ") and "-line 5\n+line five\n" in diff
    big = _edit.unified_diff("a.txt", old, old.replace(b"line", b"LINE"))
    assert len(big.splitlines()) == _edit.MAX_PREVIEW_LINES + 1 and big.endswith("more lines)\n")
    assert _edit.unified_diff("b", b"x", b"y").endswith("+y\n\\ No newline at end of file\n")


def test_the_journal_refuses_what_planning_would_have(tmp_path):
    """Planning checks the file (check_editable), and so does the journal when it applies the edit: a file that
    became hard-linked, or sits in a virtualenv, is refused there too."""
    import hashlib

    from heal.project import SafetyError

    root = tmp_path / "project"
    journal = Journal(str(tmp_path / "home"))
    linked = _write(root, "app.py", "x = (\n")
    os.link(linked, tmp_path / "elsewhere.py")
    _write(root, ".venv/pyvenv.cfg", "home = /usr/bin\n")
    venv_file = _write(root, ".venv/lib/site.py", "x = (\n")
    for path in (linked, venv_file):
        change = _edit.EditChange(str(path), data=b"x = ()\n", expect=hashlib.sha256(b"x = (\n").hexdigest())
        with pytest.raises(SafetyError):
            with journal.changeset(cwd=str(root), root=str(root), command=["t"], diagnosis="t") as cs:
                cs.apply(change)
        assert path.read_bytes() == b"x = (\n"
