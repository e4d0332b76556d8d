"""Rule table for heal.diagnose.rules.go: real outputs, the command and exit status, and the rule that must win
(or must not). See table.py for the row kinds and where outputs come from."""

from __future__ import annotations

import pytest

from .table import Match, check, from_fixture, ids

ROWS = [
    # shared/benchmarks/ci_logs.jsonl case 196, the whole log_tail
    Match('go.test_build_failed', (
        'src/registry.example/getlantern/appdir/appdir_test.go:4: log redeclared as imported package name\n'
        '\tprevious declaration at $WORK/registry.example/getlantern/appdir/_test/_obj_test/appdir.go:16\n'
        'FAIL\tregistry.example/getlantern/appdir [build failed]'
    ),
          argv=[], exit_code=None, category='build',
          facts={'tool': 'go'},
          source='shared/benchmarks/ci_logs.jsonl case 196, the whole log_tail'),
    # the compiler's error decides
    from_fixture('go.test_build_failed', 'go.compile', 'go-test-build-failed'),
    # quoted from github.com/mylxsw/aidea-server/issues/1 (go build of a moved main.go)
    Match('go.missing_module', (
        'no required module provides package main.go; to add it:\n'
        '\tgo get main.go\n'
    ),
          argv=['go', 'build', '-o', 'build/debug/aidea-server', 'main.go'], exit_code=1, category='dependency',
          facts={'tool': 'go', 'module': 'main.go'},
          source='quoted from github.com/mylxsw/aidea-server/issues/1 (go build of a moved main.go)'),
    # with a file:line:col the compile rule decides, with the same facts
    from_fixture('go.missing_module', 'go.compile', 'go-missing-module-no-required-module'),
]


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
def test_rule_table(row):
    check(row)
