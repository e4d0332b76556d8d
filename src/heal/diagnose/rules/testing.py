"""Test runs in any language, recognised by their summaries and assertion shapes: when a test
runner reports failures, the failure is a test failure, whatever exception a test raised inside it
(tests that cannot even be collected are the runner modules' business)."""

from __future__ import annotations

from heal.diagnose.model import Rule

ECOSYSTEM = ""

SUMMARY = 83  # above language-level exceptions (80): a traceback inside a failing test is a test failure
SHAPE = 62

RULES = (
    Rule("test.pytest_summary", "test", "medium",
         r"^=+ (?:.*\b)?\d+ (?:failed|errors?)\b.* in [\d.]+ ?s(?:econds)?(?: \([\d:.]+\))? =+$",
         "tests failed", (" failed", " error"), priority=SUMMARY, facts={"tool": "pytest"}),
    Rule("test.unittest_summary", "test", "medium",
         r"^FAILED \((?:\w+=\d+, )*(?:failures|errors)=\d+(?:, \w+=\d+)*\)$", "tests failed",
         ("failed (",), priority=SUMMARY),
    Rule("test.mocha_summary", "test", "medium", r"^\s*\d+ failing\s*$", "tests failed", (" failing",),
         priority=SUMMARY),
    Rule("test.jest_summary", "test", "medium", r"^Tests:\s+\d+ failed", "tests failed", ("tests:",),
         priority=SUMMARY),
    Rule("test.karma_summary", "test", "medium", r"Executed \d+ of \d+.*\(\d+ FAILED\)|\bTOTAL: \d+ FAILED",
         "tests failed", ("failed)", "total:"), priority=SUMMARY),
    Rule("test.rspec_summary", "test", "medium", r"^\d+ examples?, [1-9]\d* failures?", "tests failed",
         ("examples,", "example,"), priority=SUMMARY),
    Rule("test.minitest_summary", "test", "medium",
         r"^\d+ (?:runs|tests), \d+ assertions, (?:[1-9]\d* failures, \d+ errors|\d+ failures, [1-9]\d* errors)",
         "tests failed", ("assertions,",), priority=SUMMARY),
    Rule("test.phpunit_summary", "test", "medium",
         r"^FAILURES!$|^ERRORS!$|^Tests: \d+, Assertions: \d+, (?:Errors|Failures): [1-9]|"
         r"^OK, but incomplete, skipped, or risky tests!$", "tests failed",
         ("failures!", "errors!", "assertions:", "risky tests!"), priority=SUMMARY),
    Rule("test.surefire_summary", "test", "medium",
         r"^.*(?:Tests run: \d+, Failures: (?:[1-9]\d*, Errors: \d+|\d+, Errors: [1-9]\d*)|There (?:are|were) test "
         r"failures|for the individual test results|\[junit\] Tests? .*FAILED|Tests? \S+ failed$|There were failing "
         r"tests|\d+ tests? completed, [1-9]\d* failed).*$", "tests failed",
         ("tests run:", "test failures", "individual test results", "[junit]", " failed", "failing tests",
          "tests completed"), priority=SUMMARY),
    Rule("test.go_summary", "test", "medium", r"^(?:--- FAIL: \S+|FAIL\t\S+\t[\d.]+s|FAIL: Test\w+ \([\d.]+s\))",
         "Go tests failed", ("fail",), priority=SUMMARY),
    Rule("test.tap_summary", "test", "medium",
         r"^(?:not ok \d+\b.*|Failed \d+/\d+ (?:subtests|test programs).*|Result: FAIL|.*Dubious, test returned "
         r"[1-9].*|# fail\s+[1-9]\d*)$", "tests failed", ("not ok", "failed ", "result: fail", "dubious", "# fail"),
         priority=SUMMARY),
    Rule("test.cargo_summary", "test", "medium", r"^test result: FAILED\..*$", "tests failed", ("test result: failed",),
         priority=SUMMARY),
    Rule("test.ctest_summary", "test", "medium", r"^\d+% tests passed, [1-9]\d* tests? failed out of \d+",
         "tests failed", ("tests failed out of", "test failed out of"), priority=SUMMARY),
    Rule("test.exunit_summary", "test", "medium", r"^\d+ (?:doctests?, )?(?:\d+ )?tests?, [1-9]\d* failures?",
         "tests failed", ("failure",), priority=SUMMARY),
    Rule("test.testthat_summary", "test", "medium", r"(?:FAILED: [1-9]\d*\s*\]|\[ FAIL [1-9]\d* \|)",
         "tests failed", ("failed:", "[ fail"), priority=SUMMARY),
    Rule("test.erlang_ct", "test", "medium", r"^\S+ failed on line \d+\nReason: .*$", "a test case failed",
         ("failed on line",), priority=SUMMARY),
    Rule("test.generic_summary", "test", "medium",
         r"^.*(?:\b[1-9]\d*(?:/\d+)? (?:tests?|specs?|examples?|assertions?|test cases?) failed\b|\btests? failed\b|"
         r"\bTest Failed:|\bUnit tests failed\b|\bFlaky test failed|\bTests timed out\b|^FAIL:? \S+|Test crashed|"
         r"Ensure the done\(\) callback is being called|from failed test|\|\s+\S+\s+FAIL\s*$|Executed \d+ of \d+ "
         r"DISCONNECTED|Test Disconnected).*$",
         "tests failed", ("failed", "fail", "timed out", "crashed", "done() callback", "disconnected"), priority=72),
    # the shape of an assertion, when no summary made it into the output
    Rule("test.assertion_shape", "test", "medium",
         r"^.*(?:\bexpected:? ?<.*> but was:? ?<.*>|\bExpected:? .+,? (?:but )?(?:got|was|received|Actual:).*|"
         r"^\s*Expected: .*\n\s*(?:Actual|Received|got|but was): .*|\bexpected .+ to (?:equal|be|eq|have|include|match|"
         r"contain)\b.*|\bAssertionError\b.*|\bAssertionFailedError\b.*|\bComparisonFailure\b.*|"
         r"Minitest::Assertion.*|Failed asserting that .*|Assertion Failed.*|^\s*\+\+\+ Actual\s*$|XCTAssert\w*\(.*|"
         r"Mocha\.Runner\.fail.*|"
         r"^\s*(?:expected|got|actual): .*\n\s*(?:got|expected|actual|\(compared using).*|\bshould (?:be|equal|eq|"
         r"have|include)\b.*but.*).*$",
         "a test assertion failed", ("expected", "assert", "actual", "failed asserting", "should", "mocha.runner"),
         priority=SHAPE),
    Rule("test.framework_frames", "test", "medium",
         r"^.*\bat (?:org\.junit|junit\.framework|org\.testng|org\.scalatest|org\.spockframework|"
         r"org\.opentest4j)\..*$|^.*\.Tests\.ps1(?::|, line) .*$|^.*Pester.*\.ps1:\d+.*$",
         "a test failed (test framework frames)", ("at org.junit", "at junit.framework", "at org.testng",
                                                  "at org.scalatest", "at org.spockframework", "at org.opentest4j",
                                                  ".tests.ps1", "pester"), priority=58),
    Rule("test.ruby_runner_frames", "test", "medium",
         r"^.*/gems/(?:rspec-core|rspec-expectations|minitest|test-unit|cucumber)-[\d.]+\S*/lib/.*$|"
         r"^.*\w*testrunner\.rb:\d+:in .*$",
         "a test failed (test runner frames)", ("/gems/rspec-", "/gems/minitest-", "/gems/test-unit-",
                                               "/gems/cucumber-", "testrunner.rb:"), priority=57),
    Rule("test.phpt_diff", "test", "medium", r"(?:^\d{3}[+-] .*\n(?:\n)?){3,}",
         "a PHP test's output differs from what it expects", tuple(f"{d}+ " for d in range(10)), priority=56),
    # `\S_test.go` where `\S+_test.go` is meant: the `.*` before it takes the rest of the name, so the lines
    # matched and the match (the whole line) are the same, but a long path no longer costs quadratic time
    Rule("test.frames", "test", "medium",
         r"^.*(?:# \./spec/\S+_spec\.rb:\d+|\(\S+(?:Test|Tests|Spec|IT)\.(?:java|scala|kt):\d+\)|/tests?/\S+\.(?:php|py|"
         r"rb|js|ts):\d+|\S_test\.go:\d+|\S\.test\.[jt]sx?:\d+|\S_spec\.rb:\d+|test/\S+\.exs:\d+).*$",
         "a test failed", ("_spec.rb:", "test.java:", "tests.java:", "spec.java:", "it.java:", "test.scala:",
                           "spec.scala:", "test.kt:", "_test.go:", ".test.js:", ".test.ts:", "/test/", "/tests/",
                           "test.exs:"), priority=40),
)
