"""Rule table for heal.diagnose.rules.rust: real outputs, the command and exit status, and the rule that must win
(or must not). See table.py for the row kinds and where outputs come from."""

from __future__ import annotations

import pytest

from .table import Match, check, from_fixture, ids

ROWS = [
    # shared/benchmarks/thefuck_cases.jsonl case 21 (thefuck tests/rules/test_fix_file.py), the whole log_tail
    Match('rustc.old_error', (
        '\n'
        '   Compiling test v0.1.0 (file:///tmp/fix-error/test)\n'
        '   src/lib.rs:3:5: 3:6 error: unexpected token: `+`\n'
        '   src/lib.rs:3     +\n'
        '                    ^\n'
        'Could not compile `test`.\n'
        '\n'
        'To learn more, run the command again with --verbose.\n'
    ),
          argv=['cargo', 'build'], exit_code=None, category='build',
          facts={'tool': 'cargo', 'file': 'src/lib.rs', 'line': 3},
          source='shared/benchmarks/thefuck_cases.jsonl case 21 (thefuck tests/rules/test_fix_file.py), the whole log_tail'),
    from_fixture('rustc.old_error', 'rustc.error', 'rust-e0425-unresolved-name'),
    # captured here: cargo 1.95.0, a Cargo.toml without package.name
    Match('cargo.manifest_parse', (
        'error: failed to parse manifest at `/tmp/heal-rt-qggritew/Cargo.toml`\n'
        '\n'
        'Caused by:\n'
        '  missing field `package.name`\n'
    ),
          argv=['cargo', 'build'], exit_code=101, category='syntax',
          facts={'tool': 'cargo', 'file': 'Cargo.toml'},
          source='captured here: cargo 1.95.0, a Cargo.toml without package.name'),
    # cargo reports a TOML syntax error itself, with a --> location
    from_fixture('cargo.manifest_parse', 'rustc.error', 'rust-cargo-toml-parse-error'),
    # an excerpt of fixtures/outputs/rust-cargo-test-failing.json (output lines 11-17); the failing test's captured stdout section
    Match('rust.test_panic', (
        '---- tests::adds_two_numbers stdout ----\n'
        '\n'
        "thread 'tests::adds_two_numbers' (18543) panicked at src/lib.rs:12:9:\n"
        'assertion `left == right` failed\n'
        '  left: -1\n'
        ' right: 5\n'
        'note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n'
    ),
          argv=['cargo', 'test'], exit_code=101, category='test',
          facts={'tool': 'cargo', 'file': 'src/lib.rs', 'line': 12},
          source='an excerpt of fixtures/outputs/rust-cargo-test-failing.json (output lines 11-17)'),
    from_fixture('rust.test_panic', 'cargo.test_failed', 'rust-cargo-test-failing'),
    from_fixture('rust.test_panic', 'rust.panic', 'rust-panic-index-out-of-bounds'),
]


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
def test_rule_table(row):
    check(row)
