"""Rule table for heal.diagnose.rules.java: real outputs, the command and exit status, and the rule that must win
(or must not). See table.py for the row kinds and where outputs come from."""

from __future__ import annotations

import pytest

from .logs import CI_LOG_0
from .table import Match, Shadowed, check, from_fixture, ids

ROWS = [
    # shared/benchmarks/ci_logs.jsonl case 128, log_tail lines 1-12
    Match('maven.api_incompatibility', (
        '[INFO] ------------------------------------------------------------------------\n'
        '[INFO] Total time: 23.712 s\n'
        '[INFO] Finished at: 2017-07-02T05:48:48+00:00\n'
        '[INFO] Final Memory: 47M/420M\n'
        '[INFO] ------------------------------------------------------------------------\n'
        '[ERROR] Failed to execute goal org.apache.maven.plugins:maven-checkstyle-plugin:2.17:check (sevntu-checkstyle-check) on project checkstyle: Execution sevntu-checkstyle-check of goal org.apache.maven.plugins:maven-checkstyle-plugin:2.17:check failed: An API incompatibility was encountered while executing org.apache.maven.plugins:maven-checkstyle-plugin:2.17:check: java.lang.AbstractMethodError: null\n'
        '[ERROR] -----------------------------------------------------\n'
        '[ERROR] realm =    plugin>org.apache.maven.plugins:maven-checkstyle-plugin:2.17\n'
        '[ERROR] strategy = org.codehaus.plexus.classworlds.strategy.SelfFirstStrategy\n'
        '[ERROR] urls[0] = file:/home/travis/.m2/repository/org/apache/maven/plugins/maven-checkstyle-plugin/2.17/maven-checkstyle-plugin-2.17.jar\n'
        '[ERROR] urls[1] = file:/home/travis/.m2/repository/com/github/sevntu-checkstyle/sevntu-checkstyle-maven-plugin/1.24.0/sevntu-checkstyle-maven-plugin-1.24.0.jar\n'
        '[ERROR] urls[2] = file:/home/travis/.m2/repository/com/github/sevntu-checkstyle/sevntu-checks/1.24.0/sevntu-checks-1.24.0.jar\n'
    ),
          argv=[], exit_code=None, category='dependency',
          facts={'tool': 'mvn', 'plugin': 'org.apache.maven.plugins:maven-checkstyle-plugin'},
          source='shared/benchmarks/ci_logs.jsonl case 128, log_tail lines 1-12'),
    from_fixture('maven.api_incompatibility', 'maven.resolution', 'mvn-dependency-unresolved-offline'),
    # shared/benchmarks/ci_logs.jsonl case 65, log_tail lines 45-58
    Match('maven.goal_failed', (
        '[INFO] ------------------------------------------------------------------------\n'
        '[INFO] BUILD FAILURE\n'
        '[INFO] ------------------------------------------------------------------------\n'
        '[INFO] Total time: 01:12 min\n'
        '[INFO] Finished at: 2015-08-10T00:32:01+00:00\n'
        '[INFO] Final Memory: 115M/504M\n'
        '[INFO] ------------------------------------------------------------------------\n'
        '[ERROR] Failed to execute goal org.apache.maven.plugins:maven-pmd-plugin:3.5:check (default-cli) on project checkstyle: You have 1 PMD violation. For more details see: /home/travis/build/checkstyle/checkstyle/target/pmd.xml -> [Help 1]\n'
        '[ERROR]\n'
        '[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.\n'
        '[ERROR] Re-run Maven using the -X switch to enable full debug logging.\n'
        '[ERROR]\n'
        '[ERROR] For more information about the errors and possible solutions, please read the following articles:\n'
        '[ERROR] [Help 1] http://registry.example/confluence/display/MAVEN/MojoFailureException\n'
    ),
          argv=[], exit_code=None, category='build',
          facts={'tool': 'mvn', 'plugin': 'org.apache.maven.plugins:maven-pmd-plugin', 'goal': 'check'},
          source='shared/benchmarks/ci_logs.jsonl case 65, log_tail lines 45-58'),
    from_fixture('maven.goal_failed', 'maven.compile_error', 'mvn-compilation-failure'),
    # shared/benchmarks/ci_logs.jsonl case 0, log_tail lines 44-57
    Shadowed('maven.test_failures', 'test.surefire_summary', (
        CI_LOG_0
    ),
             argv=[], exit_code=None,
             source='shared/benchmarks/ci_logs.jsonl case 0, log_tail lines 44-57',
             why="test.surefire_summary's pattern takes the same lines at priority 83 > 70"),
    from_fixture('maven.test_failures', 'maven.test_failed', 'mvn-surefire-test-failure'),
    # shared/benchmarks/ci_logs.jsonl case 1, log_tail lines 44-57
    Shadowed('gradle.failed_tests', 'test.surefire_summary', (
        ':stagemonitor-core:generateCoberturaReport SKIPPED\n'
        ':stagemonitor-core:performCoverageCheck SKIPPED\n'
        '\n'
        'FAILURE: Build failed with an exception.\n'
        '\n'
        '* What went wrong:\n'
        "Execution failed for task ':stagemonitor-core:test'.\n"
        '> There were failing tests. See the report at: file:///home/travis/build/stagemonitor/stagemonitor/stagemonitor-core/build/reports/tests/index.html\n'
        '\n'
        '* Try:\n'
        'Run with --stacktrace option to get the stack trace. Run with --info or --debug option to get more log output.\n'
        '\n'
        'BUILD FAILED\n'
        '\n'
    ),
             argv=[], exit_code=None,
             source='shared/benchmarks/ci_logs.jsonl case 1, log_tail lines 44-57',
             why="test.surefire_summary's pattern takes 'There were failing tests' too, at priority 83 > 70"),
    from_fixture('gradle.failed_tests', 'gradle.task_not_found', 'gradle-task-not-found'),
    # shared/benchmarks/ci_logs.jsonl case 93, log_tail lines 31-44
    Match('gradle.resolution', (
        '\n'
        ':compileJava\n'
        '\n'
        'FAILURE: Build failed with an exception.\n'
        '\n'
        '* What went wrong:\n'
        "Could not resolve all dependencies for configuration ':compile'.\n"
        '> Could not find org.xbib.elasticsearch.plugins:elasticsearch-helper:2.2.0.0.\n'
        '  Searched in the following locations:\n'
        '      file:/home/travis/.m2/repository/org/xbib/elasticsearch/plugins/elasticsearch-helper/2.2.0.0/elasticsearch-helper-2.2.0.0.pom\n'
        '      file:/home/travis/.m2/repository/org/xbib/elasticsearch/plugins/elasticsearch-helper/2.2.0.0/elasticsearch-helper-2.2.0.0.jar\n'
        '      https://registry.example/maven2/org/xbib/elasticsearch/plugins/elasticsearch-helper/2.2.0.0/elasticsearch-helper-2.2.0.0.pom\n'
        '      https://registry.example/maven2/org/xbib/elasticsearch/plugins/elasticsearch-helper/2.2.0.0/elasticsearch-helper-2.2.0.0.jar\n'
        '      https://registry.example/org/xbib/elasticsearch/plugins/elasticsearch-helper/2.2.0.0/elasticsearch-helper-2.2.0.0.pom\n'
    ),
          argv=[], exit_code=None, category='dependency',
          facts={'tool': 'gradle', 'package': 'org.xbib.elasticsearch.plugins:elasticsearch-helper'},
          source='shared/benchmarks/ci_logs.jsonl case 93, log_tail lines 31-44'),
    from_fixture('gradle.resolution', 'gradle.task_not_found', 'gradle-task-not-found'),
    # shared/benchmarks/ci_logs.jsonl case 19, log_tail lines 42-55
    Match('gradle.compile', (
        '1 error\n'
        ' FAILED\n'
        '\n'
        'FAILURE: Build failed with an exception.\n'
        '\n'
        '* What went wrong:\n'
        "Execution failed for task ':compileJava'.\n"
        '> Compilation failed; see the compiler error output for details.\n'
        '\n'
        '* Try:\n'
        'Run with --stacktrace option to get the stack trace. Run with --info or --debug option to get more log output.\n'
        '\n'
        'BUILD FAILED\n'
        '\n'
    ),
          argv=[], exit_code=None, category='build',
          facts={'tool': 'gradle'},
          source='shared/benchmarks/ci_logs.jsonl case 19, log_tail lines 42-55'),
    from_fixture('gradle.compile', 'javac.error', 'java-javac-cannot-find-symbol'),
]


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
def test_rule_table(row):
    check(row)
