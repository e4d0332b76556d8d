"""Real CI log excerpts that more than one rule table uses (quoted from shared/benchmarks/ci_logs.jsonl, which
lives outside the repository): written once here."""

# shared/benchmarks/ci_logs.jsonl case 0, log_tail lines 44-57 (maven surefire)
CI_LOG_0 = ('[INFO] Total time: 18.308 s\n'
    '[INFO] Finished at: 2017-10-31T21:37:13Z\n'
    '[INFO] Final Memory: 43M/978M\n'
    '[INFO] ------------------------------------------------------------------------\n'
    '[WARNING] The requested profile "spring43-next" could not be activated because it does not exist.\n'
    '[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:2.12.4:test (default-test) on project spring-hateoas: There are test failures.\n'
    '[ERROR]\n'
    '[ERROR] Please refer to /home/travis/build/spring-projects/spring-hateoas/target/surefire-reports for the individual test results.\n'
    '[ERROR] -> [Help 1]\n'
    '[ERROR]\n'
    '[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.\n'
    '[ERROR] Re-run Maven using the -X switch to enable full debug logging.\n'
    '[ERROR]\n'
    '[ERROR] For more information about the errors and possible solutions, please read the following articles:\n')

# shared/benchmarks/ci_logs.jsonl case 2, log_tail lines 42-55: one output, several rows
CI_LOG_2 = ('  a.py:11: error: Argument 1 to "h" has incompatible type "int"; expected "st...\n'
    'Actual:\n'
    '  ==\n'
    '  a.py:10: error: Argument 1 to "h" has incompatible type "int"; expected "st...\n'
    '  a.py:11: error: Argument 1 to "h" has incompatible type "int"; expected "st...\n'
    '  ==                                            (diff)\n'
    '\n'
    '============= 2 failed, 5780 passed, 117 skipped in 418.80 seconds =============\n'
    'passed 0, failed 1, pending 128; running 0\n'
    '\n'
    'FAILURE  #0 pytest\n'
    '\n'
    'SUMMARY  1/129 tasks and 1/129 tests failed\n'
    ' FAILURE pytest\n')
