"""Rule table for heal.diagnose.rules.testing: real outputs, the command and exit status, and the rule that must win
(or must not). See table.py for the row kinds and where outputs come from."""

from __future__ import annotations

import pytest

from .logs import CI_LOG_0, CI_LOG_2
from .table import Match, NoMatch, check, from_fixture, ids

# quoted from github.com/minitest/minitest-rg/issues/12 (rake test of minitest-rg)
MINITEST_RG = ('Run options: --seed 44015\n'
    '\n'
    '# Running:\n'
    '\n'
    '.FSE\n'
    '\n'
    'Finished in 0.000852s, 4693.6071 runs/s, 2346.8035 assertions/s.\n'
    '\n'
    '  1) Failure:\n'
    'minitest-rg#test_0002_fails [/tmp/minitest-rg/test/test_minitest-rg.rb:13]:\n'
    'Failure should be RED.\n'
    'Expected: 1\n'
    '  Actual: 2\n'
    '\n'
    '\n'
    '  2) Error:\n'
    'minitest-rg#test_0003_error:\n'
    'RuntimeError: Error should be YELLOW\n'
    "    /tmp/minitest-rg/test/test_minitest-rg.rb:18:in `block (2 levels) in <top (required)>'\n"
    '\n'
    '4 runs, 2 assertions, 1 failures, 1 errors, 1 skips\n'
    '\n'
    'You have skipped tests. Run with --verbose for details.\n'
    'rake aborted!\n'
    'Command failed with status (1): [/gnu/store/15i5z93xj8v1myqdh5d4d3apqyqzlnz...]\n'
    "/home/ben/.guix-profile/lib/ruby/gems/2.2.0/gems/hoe-3.13.1/lib/hoe/test.rb:83:in `block in define_test_tasks'\n"
    'Tasks: TOP => test\n'
    '(See full trace by running task with --trace)\n')

ROWS = [
    # shared/benchmarks/ci_logs.jsonl case 2, log_tail lines 42-55
    Match('test.pytest_summary', (
        CI_LOG_2
    ),
          argv=[], exit_code=None, category='test',
          facts={'tool': 'pytest'},
          source='shared/benchmarks/ci_logs.jsonl case 2, log_tail lines 42-55'),
    # pytest's own report names the failing tests: the pytest rule decides
    from_fixture('test.pytest_summary', 'pytest.failed', 'python-pytest-one-failing-assertion'),
    # shared/benchmarks/ci_logs.jsonl case 3, log_tail lines 47-60
    Match('test.unittest_summary', (
        '  File "/home/travis/build/Unidata/netcdf4-python/test/tst_rename.py", line 132, in runTest\n'
        "    self.assertRaises(RuntimeError, delattr, v, 'bar')\n"
        '  File "/opt/python/2.6.9/lib/python2.6/unittest.py", line 336, in failUnlessRaises\n'
        '    callableObj(*args, **kwargs)\n'
        '  File "_netCDF4.pyx", line 3586, in netCDF4._netCDF4.Variable.__delattr__ (netCDF4/_netCDF4.c:29883)\n'
        '  File "_netCDF4.pyx", line 3464, in netCDF4._netCDF4.Variable.delncattr (netCDF4/_netCDF4.c:28436)\n'
        'AttributeError: NetCDF: Write to read only\n'
        '\n'
        '----------------------------------------------------------------------\n'
        'Ran 76 tests in 34.513s\n'
        '\n'
        'FAILED (errors=1)\n'
        '\n'
        'The command "python run_all.py" exited with 1.'
    ),
          argv=[], exit_code=None, category='test',
          facts={},
          source='shared/benchmarks/ci_logs.jsonl case 3, log_tail lines 47-60'),
    from_fixture('test.unittest_summary', 'unittest.failed', 'python-unittest-failure'),
    # an excerpt of fixtures/outputs/mocha-failing-test.json (output lines 9-10); mocha's closing counts without the failure list
    Match('test.mocha_summary', (
        '  1 passing (5ms)\n'
        '  1 failing\n'
    ),
          argv=['npx', 'mocha'], exit_code=1, category='test',
          facts={'tool': 'mocha'},
          source='an excerpt of fixtures/outputs/mocha-failing-test.json (output lines 9-10)'),
    from_fixture('test.mocha_summary', 'mocha.failed', 'mocha-failing-test'),
    # an excerpt of fixtures/outputs/jest-failing-assertion.json (output lines 24-28); jest's closing summary without the failure report
    Match('test.jest_summary', (
        'Test Suites: 1 failed, 1 total\n'
        'Tests:       1 failed, 1 passed, 2 total\n'
        'Snapshots:   0 total\n'
        'Time:        0.651 s\n'
        'Ran all test suites.\n'
    ),
          argv=['npx', 'jest'], exit_code=1, category='test',
          facts={'tool': 'jest'},
          source='an excerpt of fixtures/outputs/jest-failing-assertion.json (output lines 24-28)'),
    from_fixture('test.jest_summary', 'jest.failed', 'jest-failing-assertion'),
    # an excerpt quoted from github.com/metabase/metabase/issues/5263 (one progress update of karma's Chrome reporter, cut where the log wraps)
    Match('test.karma_summary', 'Chrome 58.0.3029 (Mac OS X 10.12.5): Executed 277 of 314 (6 FAILED) (skipped 4) (0 secs / 1.232 se\n',
          argv=['karma', 'start'], exit_code=None, category='test',
          facts={'tool': 'karma'},
          source="an excerpt quoted from github.com/metabase/metabase/issues/5263 (one progress update of karma's Chrome reporter, cut where the issue's log wraps)"),
    # an excerpt of fixtures/outputs/mocha-failing-test.json (output lines 9-10); mocha's counts are not karma's
    NoMatch('test.karma_summary', 'test.mocha_summary', (
        '  1 passing (5ms)\n'
        '  1 failing\n'
    ),
            argv=['npx', 'mocha'], exit_code=1,
            source='an excerpt of fixtures/outputs/mocha-failing-test.json (output lines 9-10)'),
    # quoted from github.com/rspec/rspec-core/issues/319
    Match('test.rspec_summary', (
        '\n'
        'Finished in 0.04571 seconds\n'
        '18 examples, 2 failures\n'
    ),
          argv=['bundle', 'exec', 'bin/rspec', 'spec/autotest'], exit_code=1, category='test',
          facts={'tool': 'rspec'},
          source='quoted from github.com/rspec/rspec-core/issues/319'),
    # quoted from github.com/minitest/minitest-rg/issues/12 (rake test of minitest-rg)
    NoMatch('test.rspec_summary', 'test.minitest_summary', (
        MINITEST_RG
    ),
            argv=['rake', 'test'], exit_code=1,
            source='quoted from github.com/minitest/minitest-rg/issues/12 (rake test of minitest-rg)'),
    # quoted from github.com/minitest/minitest-rg/issues/12 (rake test of minitest-rg)
    Match('test.minitest_summary', (
        MINITEST_RG
    ),
          argv=['rake', 'test'], exit_code=1, category='test',
          facts={'tool': 'rake'},
          source='quoted from github.com/minitest/minitest-rg/issues/12 (rake test of minitest-rg)'),
    # quoted from github.com/rspec/rspec-core/issues/319
    NoMatch('test.minitest_summary', 'test.rspec_summary', (
        '\n'
        'Finished in 0.04571 seconds\n'
        '18 examples, 2 failures\n'
    ),
            argv=['bundle', 'exec', 'bin/rspec', 'spec/autotest'], exit_code=1,
            source='quoted from github.com/rspec/rspec-core/issues/319'),
    # shared/benchmarks/ci_logs.jsonl case 267, the whole log_tail
    Match('test.phpunit_summary', (
        'OK, but incomplete, skipped, or risky tests!\n'
        'Tests: 189, Assertions: 291, Skipped: 3.'
    ),
          argv=[], exit_code=None, category='test',
          facts={},
          source='shared/benchmarks/ci_logs.jsonl case 267, the whole log_tail'),
    # an excerpt quoted from github.com/minitest/minitest-rg/issues/12: minitest's counts line
    NoMatch('test.phpunit_summary', 'test.minitest_summary', '4 runs, 2 assertions, 1 failures, 1 errors, 1 skips\n',
            argv=['rake', 'test'], exit_code=1,
            source="an excerpt quoted from github.com/minitest/minitest-rg/issues/12: minitest's counts line"),
    # shared/benchmarks/ci_logs.jsonl case 0, log_tail lines 44-57
    Match('test.surefire_summary', (
        CI_LOG_0
    ),
          argv=[], exit_code=None, category='test',
          facts={},
          source='shared/benchmarks/ci_logs.jsonl case 0, log_tail lines 44-57'),
    from_fixture('test.surefire_summary', 'maven.test_failed', 'mvn-surefire-test-failure'),
    # shared/benchmarks/ci_logs.jsonl case 169, the whole log_tail
    Match('test.go_summary', (
        'FAIL: TestSeparator (0.03s)\n'
        "    repo_test.go:75: expected entry to be in form of `* [link] - description.`, got '* [ops](https://registry.example/nanovms/ops) - Unikernel Builder/Orchestrator'"
    ),
          argv=[], exit_code=None, category='test',
          facts={},
          source='shared/benchmarks/ci_logs.jsonl case 169, the whole log_tail'),
    from_fixture('test.go_summary', 'go.test_failed', 'go-test-failing'),
    # shared/benchmarks/ci_logs.jsonl case 198, the whole log_tail
    Match('test.tap_summary', (
        't9502-gitweb-standalone-parse-output.sh ............ Dubious, test returned 1 (wstat 256, 0x100)\n'
        'Failed 1/13 subtests'
    ),
          argv=[], exit_code=None, category='test',
          facts={},
          source='shared/benchmarks/ci_logs.jsonl case 198, the whole log_tail'),
    from_fixture('test.tap_summary', 'node_test.failed', 'node-test-runner-failing'),
    # an excerpt of fixtures/outputs/rust-cargo-test-failing.json (output lines 23-23); cargo's result line without the failing test's name
    Match('test.cargo_summary', 'test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n',
          argv=['cargo', 'test'], exit_code=101, category='test',
          facts={'tool': 'cargo'},
          source='an excerpt of fixtures/outputs/rust-cargo-test-failing.json (output lines 23-23)'),
    from_fixture('test.cargo_summary', 'cargo.test_failed', 'rust-cargo-test-failing'),
    # captured here: ctest (cmake 3.25.1), one of two tests exits 1
    Match('test.ctest_summary', (
        'Internal ctest changing into directory: /tmp/heal-rt-4dpd3u3m/build\n'
        'Test project /tmp/heal-rt-4dpd3u3m/build\n'
        '    Start 1: parses_config\n'
        '1/2 Test #1: parses_config ....................***Failed    0.00 sec\n'
        '    Start 2: adds\n'
        '2/2 Test #2: adds .............................   Passed    0.00 sec\n'
        '\n'
        '50% tests passed, 1 tests failed out of 2\n'
        '\n'
        'Total Test time (real) =   0.01 sec\n'
        '\n'
        'The following tests FAILED:\n'
        '\t  1 - parses_config (Failed)\n'
        'Errors while running CTest\n'
        'Output from these tests are in: /tmp/heal-rt-4dpd3u3m/build/Testing/Temporary/LastTest.log\n'
        'Use "--rerun-failed --output-on-failure" to re-run the failed cases verbosely.\n'
    ),
          argv=['ctest', '--test-dir', 'build'], exit_code=8, category='test',
          facts={'tool': 'ctest'},
          source='captured here: ctest (cmake 3.25.1), one of two tests exits 1'),
    # shared/benchmarks/ci_logs.jsonl case 2, log_tail lines 42-55
    NoMatch('test.ctest_summary', 'test.pytest_summary', (
        CI_LOG_2
    ),
            argv=[], exit_code=None,
            source='shared/benchmarks/ci_logs.jsonl case 2, log_tail lines 42-55'),
    # quoted from github.com/elixir-lang/elixir/issues/3199 (make test of Elixir itself)
    Match('test.exunit_summary', (
        '==> ex_unit (exunit)\n'
        '..............................................................................................................................\n'
        '\n'
        '  1) test it does not set timeout to infinity and the max cases to 1 with trace disabled (ExUnit.RunnerTest)\n'
        '     test/ex_unit/runner_test.exs:15\n'
        '     Assertion with != failed\n'
        '     code: config[:max_cases] != 1\n'
        '     lhs:  1\n'
        '     rhs:  1\n'
        '     stacktrace:\n'
        '       test/ex_unit/runner_test.exs:20\n'
        '\n'
        '....................\n'
        '\n'
        'Finished in 38.8 seconds (31.9s on load, 6.8s on tests)\n'
        '147 tests, 1 failure\n'
        '\n'
        'Randomized with seed 836678\n'
        "Makefile:93: recipe for target 'test_ex_unit' failed\n"
        'make: *** [test_ex_unit] Error 1\n'
    ),
          argv=['make', 'test'], exit_code=2, category='test',
          facts={'tool': 'make'},
          source='quoted from github.com/elixir-lang/elixir/issues/3199 (make test of Elixir itself)'),
    # quoted from github.com/rspec/rspec-core/issues/319
    NoMatch('test.exunit_summary', 'test.rspec_summary', (
        '\n'
        'Finished in 0.04571 seconds\n'
        '18 examples, 2 failures\n'
    ),
            argv=['bundle', 'exec', 'bin/rspec', 'spec/autotest'], exit_code=1,
            source='quoted from github.com/rspec/rspec-core/issues/319'),
    # shared/benchmarks/ci_logs.jsonl case 258, the whole log_tail
    Match('test.testthat_summary', (
        'Running ‘test-all.R’ [9s/15s]\n'
        ' ERROR\n'
        'Running the tests in ‘tests/test-all.R’ failed.\n'
        'Last 13 lines of output:\n'
        '  Component "C": Component "D": Modes: character, list\n'
        '  Component "C": Component "D": Lengths: 1, 2\n'
        '  Component "C": Component "D": names for current but not for target\n'
        '  Component "C": Component "D": target is character, current is list\n'
        '  Component "C": Component "G": Modes: character, list\n'
        '  Component "C": Component "G": Lengths: 1, 2\n'
        '  Component "C": Component "G": names for current but not for target\n'
        '  Component "C": Component "G": target is character, current is list\n'
        '\n'
        '  ══ testthat results  ═══════════════════════════════════════════════════════════\n'
        '  [ OK: 797 | SKIPPED: 0 | WARNINGS: 0 | FAILED: 1 ]\n'
        '  1. Failure: Choices are correctly assigned names (@test-bootstrap.r#138)'
    ),
          argv=[], exit_code=None, category='test',
          facts={},
          source='shared/benchmarks/ci_logs.jsonl case 258, the whole log_tail'),
    # shared/benchmarks/ci_logs.jsonl case 2, log_tail lines 42-55
    NoMatch('test.testthat_summary', 'test.pytest_summary', (
        CI_LOG_2
    ),
            argv=[], exit_code=None,
            source='shared/benchmarks/ci_logs.jsonl case 2, log_tail lines 42-55'),
    # shared/benchmarks/ci_logs.jsonl case 190, the whole log_tail
    Match('test.erlang_ct', (
        'inet_SUITE:t_gethostnative failed on line 696\n'
        'Reason: case_clause'
    ),
          argv=[], exit_code=None, category='test',
          facts={},
          source='shared/benchmarks/ci_logs.jsonl case 190, the whole log_tail'),
    # shared/benchmarks/ci_logs.jsonl case 191, the whole log_tail
    NoMatch('test.erlang_ct', 'compile.erlang', 'beam_ssa.erl:127: import lists:umerge/1 is unused',
            argv=[], exit_code=None,
            source='shared/benchmarks/ci_logs.jsonl case 191, the whole log_tail'),
    # shared/benchmarks/ci_logs.jsonl case 116, log_tail lines 47-60
    Match('test.generic_summary', (
        'Receiving objects: 100% (1338/1338), 1.92 MiB | 0 bytes/s, done.\n'
        'Resolving deltas: 100% (855/855), done.\n'
        'Checking connectivity... done.\n'
        '$ travis_run_tests\n'
        '======== Testing test_server.py ========\n'
        'invalid syntax (<unknown>, line 33)\n'
        '\n'
        '+=======================================\n'
        '|  Tests summary:\n'
        '|---------------------------------------\n'
        '| test_server.py              FAIL\n'
        '+=======================================\n'
        '\n'
        'The command "travis_run_tests" exited with 1.'
    ),
          argv=[], exit_code=None, category='test',
          facts={},
          source='shared/benchmarks/ci_logs.jsonl case 116, log_tail lines 47-60'),
    # grep's 'no match' is an answer
    from_fixture('test.generic_summary', 'process.answer', 'shell-grep-no-match'),
    # shared/benchmarks/ci_logs.jsonl case 143, the whole log_tail
    Match('test.assertion_shape', (
        '1) Check challenges\n'
        '       Check challenges (english)\n'
        '         Use Recursion to Create a Range of Numbers\n'
        '           Check tests against solutions\n'
        '             Solution 1:\n'
        '     Error: the string "<code>rangeOfNumbers(1, 5)</code> should return <code>[1, 2, 3, 4, 5]</code>.\\n        <code>rangeOfNumbers(1, 5)</code> should return <code>[1, 2, 3, 4, 5]</code>.\\nassert.deepStrictEqual is not a function" was thrown, throw an Error :)\n'
        '      at Runner.Mocha.Runner.fail (test/test-challenges.js:65:24)\n'
        '      at process._tickCallback (internal/process/next_tick.js:68:7)'
    ),
          argv=[], exit_code=None, category='test',
          facts={},
          source='shared/benchmarks/ci_logs.jsonl case 143, the whole log_tail'),
    # Expected/Received inside jest's report: jest decides
    from_fixture('test.assertion_shape', 'jest.failed', 'jest-failing-assertion'),
    # shared/benchmarks/ci_logs.jsonl case 234, the whole log_tail
    Match('test.framework_frames', (
        '[-] - Running without any params runs all files from the local folder -> Expected and actual values differ!\n'
        '\n'
        "Expected: '/var/folders/bb/n7t3rs157850byt_jfdcq9k80000gn/T/dir/file1.Tests.ps1'\n"
        '\n'
        "Actual  : 'file1.Tests.ps1'\n"
        '\n'
        'at Verify-Equal, /Users/travis/build/pester/Pester/Dependencies/Axiom/Verify-Equal.ps1:16\n'
        '\n'
        'at <ScriptBlock>, /Users/travis/build/pester/Pester/new-runtimepoc/Pester.RSpec.ts.ps1:184\n'
        '\n'
        'at t, /Users/travis/build/pester/Pester/new-runtimepoc/p.psm1:103\n'
        '\n'
        'at <ScriptBlock>, /Users/travis/build/pester/Pester/new-runtimepoc/Pester.RSpec.ts.ps1:179\n'
        '\n'
        'at b, /Users/travis/build/pester/Pester/new-runtimepoc/p.psm1:77\n'
        '\n'
        'at <ScriptBlock>, /Users/travis/build/pester/Pester/new-runtimepoc/Pester.RSpec.ts.ps1:167\n'
        '\n'
        'at i, /Users/travis/build/pester/Pester/new-runtimepoc/p.psm1:43\n'
        '\n'
        'at <ScriptBlock>, /Users/travis/build/pester/Pester/new-runtimepoc/Pester.RSpec.ts.ps1:16\n'
        '\n'
        'at <ScriptBlock>, <No file>:1\n'
        '\n'
        'at <ScriptBlock>, <No file>:1'
    ),
          argv=[], exit_code=None, category='test',
          facts={},
          source='shared/benchmarks/ci_logs.jsonl case 234, the whole log_tail'),
    # a stack trace without test framework frames is a crash
    from_fixture('test.framework_frames', 'java.NullPointerException', 'java-runtime-null-pointer'),
    # shared/benchmarks/ci_logs.jsonl case 150, the whole log_tail
    Match('test.ruby_runner_frames', (
        "/home/travis/.rvm/gems/ruby-1.9.3-p551/gems/albacore-1.0.0.rc.2/lib/albacore/support/failure.rb:12:in `fail_with_message'\n"
        "/home/travis/.rvm/gems/ruby-1.9.3-p551/gems/albacore-1.0.0.rc.2/lib/albacore/xunittestrunner.rb:48:in `block in execute'\n"
        "/home/travis/.rvm/gems/ruby-1.9.3-p551/gems/albacore-1.0.0.rc.2/lib/albacore/xunittestrunner.rb:44:in `execute'\n"
        "/home/travis/.rvm/gems/ruby-1.9.3-p551/gems/albacore-1.0.0.rc.2/lib/albacore/support/createtask.rb:24:in `block in xunit'\n"
        "/home/travis/.rvm/gems/ruby-1.9.3-p551/gems/rake-12.2.1/exe/rake:27:in `top (required)>'\n"
        "/home/travis/.rvm/gems/ruby-1.9.3-p551/bin/ruby_executable_hooks:15:in `eval'\n"
        "/home/travis/.rvm/gems/ruby-1.9.3-p551/bin/ruby_executable_hooks:15:in `main>'"
    ),
          argv=[], exit_code=None, category='test',
          facts={},
          source='shared/benchmarks/ci_logs.jsonl case 150, the whole log_tail'),
    # quoted from github.com/rspec/rspec-core/issues/319
    NoMatch('test.ruby_runner_frames', 'test.rspec_summary', (
        '\n'
        'Finished in 0.04571 seconds\n'
        '18 examples, 2 failures\n'
    ),
            argv=['bundle', 'exec', 'bin/rspec', 'spec/autotest'], exit_code=1,
            source='quoted from github.com/rspec/rspec-core/issues/319'),
    # shared/benchmarks/ci_logs.jsonl case 237, the whole log_tail
    Match('test.phpt_diff', (
        '005+ Error: stat1 do not match with stat2 at key value: 8\n'
        '\n'
        '006+ Error: stat1 do not match with stat2 at key value: atime\n'
        '\n'
        '005- bool(true)\n'
        '\n'
        '007- --- Done ---\n'
        '\n'
        '008+  Dumping stat array 1...\n'
        '\n'
        '009+ array(26) {\n'
        '\n'
        '010+   [0]=>\n'
        '\n'
        '011+   int(2049)\n'
        '\n'
        '012+   [1]=>\n'
        '\n'
        '013+   int(2077597)\n'
        '\n'
        '014+   [2]=>\n'
        '\n'
        '015+   int(41471)\n'
        '\n'
        '016+   [3]=>\n'
        '\n'
        '017+   int(1)\n'
        '\n'
        '018+   [4]=>\n'
        '\n'
        '019+   int(2000)\n'
        '\n'
        '020+   [5]=>\n'
        '\n'
        '021+   int(2000)\n'
        '\n'
        '022+   [6]=>\n'
        '\n'
        '023+   int(0)\n'
        '\n'
        '024+   [7]=>\n'
        '\n'
        '025+   int(81)\n'
        '\n'
        '026+   [8]=>\n'
        '\n'
        '027+   int(1557344812)\n'
        '\n'
        '028+   [9]=>\n'
        '\n'
        '029+   int(1557344812)\n'
        '\n'
        '030+   [10]=>\n'
        '\n'
        '031+   int(1557344812)\n'
        '\n'
        '032+   [11]=>\n'
        '\n'
        '033+   int(4096)\n'
        '\n'
        '[... chunk truncated: 177 more lines]'
    ),
          argv=[], exit_code=None, category='test',
          facts={},
          source='shared/benchmarks/ci_logs.jsonl case 237, the whole log_tail'),
    # diff's own output is an answer
    from_fixture('test.phpt_diff', 'process.answer', 'shell-diff-files-differ'),
    # shared/benchmarks/ci_logs.jsonl case 179, the whole log_tail
    Match('test.frames', (
        '1) DistributedMutex executions should not allow critical sections to overlap\n'
        '     Failure/Error: yield\n'
        '\n'
        '     LocalJumpError:\n'
        '       no block given (yield)\n'
        "     # ./lib/tasks/scheduler.rake:23:in `time'\n"
        "     # ./spec/support/concurrency.rb:211:in `block in method_missing'\n"
        "     # ./spec/support/concurrency.rb:242:in `with_possible_failure'\n"
        "     # ./spec/support/concurrency.rb:210:in `method_missing'\n"
        "     # ./lib/distributed_mutex.rb:79:in `try_to_get_lock'\n"
        "     # ./lib/distributed_mutex.rb:59:in `get_lock'\n"
        "     # ./lib/distributed_mutex.rb:28:in `block in synchronize'\n"
        "     # ./lib/distributed_mutex.rb:27:in `synchronize'\n"
        "     # ./lib/distributed_mutex.rb:27:in `synchronize'\n"
        "     # ./lib/distributed_mutex.rb:12:in `synchronize'\n"
        "     # ./spec/components/distributed_mutex_spec.rb:125:in `block (7 levels) in main>'\n"
        "     # ./spec/components/distributed_mutex_spec.rb:124:in `times'\n"
        "     # ./spec/components/distributed_mutex_spec.rb:124:in `block (6 levels) in main>'"
    ),
          argv=[], exit_code=None, category='test',
          facts={},
          source='shared/benchmarks/ci_logs.jsonl case 179, the whole log_tail'),
    from_fixture('test.frames', 'pytest.failed', 'python-pytest-several-failures'),
]


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
def test_rule_table(row):
    check(row)
