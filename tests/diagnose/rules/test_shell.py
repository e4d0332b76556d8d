"""Rule table for heal.diagnose.rules.shell: real outputs, the command and exit status, and the rule that must win
(or must not). See table.py for the row kinds and where outputs come from."""

from __future__ import annotations

import pytest

from .table import Match, check, from_fixture, ids

ROWS = [
    # `sh: 1: eslint: not found` under npm is a package script's missing tool
    from_fixture('shell.command_not_found', 'node.script_command_not_found', 'npm-test-script-tool-not-installed'),
    from_fixture('shell.no_such_file', 'python.FileNotFoundError', 'python-filenotfounderror-data'),
    # captured here: cp (GNU coreutils) 9.1, `cp /etc/hostname dist/x/app.py` with no dist/
    Match('shell.no_such_file', "cp: cannot create regular file 'dist/x/app.py': No such file or directory\n",
          argv=['cp', '/etc/hostname', 'dist/x/app.py'], exit_code=1, category='runtime',
          facts={'tool': 'cp', 'path': 'dist/x/app.py'},
          source='captured here: cp (GNU coreutils) 9.1, `cp /etc/hostname dist/x/app.py` with no dist/'),
    from_fixture('shell.permission_denied', 'git.index_lock', 'git-commit-index-lock-permission-denied'),
    from_fixture('shell.syntax_error', 'python.syntax_error', 'python-syntaxerror-missing-colon'),
    from_fixture('shell.command_not_found', 'python.m_module_not_found', 'python-m-pytest-not-installed'),
]


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
def test_rule_table(row):
    check(row)
