"""From a fresh clone to a running test suite with `heal --yes -- <test command>` alone, on real releases
(benchmarks/fresh_clone.py runs the whole set): one Python project whose test requirements file heal installs
in one step, one node project whose declared test runner heal installs with npm; then `heal rollback --last`
leaves the checkout and the environment exactly as before. Skipped when PyPI / the npm registry cannot be
reached."""

from __future__ import annotations

import os
import shutil
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                                "benchmarks"))

import fresh_clone  # noqa: E402

BY_NAME = {p.name: p for p in fresh_clone.PROJECTS}


@pytest.mark.parametrize("name, attempts", [("itsdangerous", 1), ("xtend", 1)])
def test_fresh_clone_runs_its_tests_and_rolls_back_exactly(name, attempts, tmp_path):
    project = BY_NAME[name]
    if project.kind == "node" and shutil.which("npm") is None:
        pytest.skip("npm is not installed")
    row = fresh_clone.measure(project, workdir=str(tmp_path))
    if row.outcome.startswith("skipped"):
        pytest.skip(row.detail)
    assert row.outcome in ("tests pass", "tests ran"), row
    assert row.attempts == attempts, row
    assert row.rollback_exact, row
    # the rollback's listing is a line a person can read, however many packages the install brought
    undo = [line for line in row.rollback_said.splitlines() if line.strip().startswith("- undo")]
    assert undo and all(len(line) < 600 for line in undo), row.rollback_said
    names = undo[0].split(": remove ", 1)[1].split(";")[0]
    assert names.count(",") <= 12 and (" more" in names or names.count(",") < 12)


def test_a_long_package_list_is_summarised():
    from heal.journal.rollback import _names

    many = [f"pkg{i}" for i in range(400)]
    assert _names(many) == ", ".join(many[:12]) + " and 388 more"
    assert _names(many[:3]) == "pkg0, pkg1, pkg2"
