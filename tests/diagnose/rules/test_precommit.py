"""Rule table for heal.diagnose.rules.precommit: real outputs, the command and exit status, and the rule that must
win (or must not). Every rule here is also decided by a captured fixture (fixtures/capture/precommit_cases.py);
these rows are the outputs the rules must leave to others. See table.py for the row kinds."""

from __future__ import annotations

import pytest

from .table import Match, NoMatch, check, from_fixture, ids

# captured here: pre-commit 4.7.0, a hook that passed and one that failed with a Python traceback, run from
# `git commit` through pre-commit's git hook (the same blocks as `pre-commit run`)
COMMIT = (
    "strip trailing whitespace................................................Passed\n"
    "import check.............................................................Failed\n"
    "- hook id: import-check\n"
    "- exit code: 1\n"
    "\n"
    "Traceback (most recent call last):\n"
    '  File "<string>", line 1, in <module>\n'
    "ModuleNotFoundError: No module named 'yamlx'\n"
    "\n"
)

ROWS = [
    Match("precommit.hook_failed", COMMIT, argv=["git", "commit", "-qm", "y"], exit_code=1, category="dependency",
          facts={"hook": "import-check", "hooks_failed": ["import-check"], "hook_module": "yamlx"},
          source="captured here: pre-commit 4.7.0 through its git hook, `git commit` with a failing local hook"),
    # the same traceback without pre-commit around it belongs to python's rule
    NoMatch("precommit.hook_failed", "python.ModuleNotFoundError", COMMIT.split("\n\n", 1)[1],
            argv=["python3", "-c", "import yamlx"], exit_code=1,
            source="captured here: the import-check hook's own output, run without pre-commit"),
    from_fixture("precommit.files_modified", "precommit.hook_failed", "precommit-hook-missing-module"),
    from_fixture("precommit.config_unstaged", "git.identity", "git-commit-identity-unknown"),
    from_fixture("precommit.invalid_config", "precommit.config_unstaged", "precommit-config-unstaged"),
    from_fixture("precommit.unmerged", "git.conflict", "git-merge-conflict"),
]


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
def test_rule_table(row):
    check(row)
