"""Rule table for heal.diagnose.rules.c: real outputs, the command and exit status, and the rule that must win
(or must not). See table.py for the row kinds and where outputs come from."""

from __future__ import annotations

import pytest

from .table import Match, NoMatch, Shadowed, check, from_fixture, ids

ROWS = [
    # captured here: GNU Make 4.3, a recipe indented with spaces
    Match('make.missing_separator', 'Makefile:2: *** missing separator.  Stop.\n',
          argv=['make'], exit_code=2, category='syntax',
          facts={'tool': 'make', 'file': 'Makefile', 'line': 2},
          source='captured here: GNU Make 4.3, a recipe indented with spaces'),
    from_fixture('make.missing_separator', 'make.no_rule', 'c-make-no-rule-for-target'),
    # captured here: GNU Make 4.3, a recipe that runs false
    Shadowed('make.recipe_failed', 'build.failed', (
        'false\n'
        'make: *** [Makefile:2: all] Error 1\n'
    ),
             argv=['make'], exit_code=2,
             source='captured here: GNU Make 4.3, a recipe that runs false',
             why="build.failed's pattern takes make's `*** [...] Error N` line too, at priority 35 > 30"),
    # the compiler's error decides, not make's fallout
    from_fixture('make.recipe_failed', 'c.compile_error', 'c-make-recipe-error'),
    # shared/benchmarks/ci_logs.jsonl case 140, the whole log_tail
    Match('cmake.version_too_old', (
        'CMake Error at /usr/share/cmake-3.2/Modules/FindBoost.cmake:1201 (message):\n'
        '  Unable to find the requested Boost libraries.\n'
        '\n'
        '  Boost version: 1.54.0\n'
        '\n'
        '  Boost include path: /usr/include\n'
        '\n'
        '  Detected version of Boost is too old.  Requested version was 1.55 (or\n'
        '  newer).\n'
        'Call Stack (most recent call first):\n'
        '  cmake/Dependencies.cmake:8 (find_package)\n'
        '  CMakeLists.txt:45 (include)'
    ),
          argv=[], exit_code=None, category='dependency',
          facts={'tool': 'cmake', 'package': 'Boost'},
          source='shared/benchmarks/ci_logs.jsonl case 140, the whole log_tail'),
    from_fixture('cmake.version_too_old', 'cmake.find_package', 'c-cmake-find-package-config-missing'),
    # shared/benchmarks/ci_logs.jsonl case 138, log_tail lines 2-8; the log cut below the `CMake Error at` line
    Match('cmake.could_not_find', (
        '  Could NOT find Halide (missing: HALIDE_ROOT_DIR HALIDE_LIBRARIES\n'
        '  HALIDE_INCLUDE_DIR)\n'
        'Call Stack (most recent call first):\n'
        '  /usr/share/cmake-3.2/Modules/FindPackageHandleStandardArgs.cmake:374 (_FPHSA_FAILURE_MESSAGE)\n'
        '  cmake/Modules/FindHalide.cmake:38 (find_package_handle_standard_args)\n'
        '  cmake/Dependencies.cmake:209 (find_package)\n'
        '  CMakeLists.txt:46 (include)'
    ),
          argv=[], exit_code=None, category='dependency',
          facts={'tool': 'cmake', 'package': 'Halide'},
          source='shared/benchmarks/ci_logs.jsonl case 138, log_tail lines 2-8'),
    # shared/benchmarks/ci_logs.jsonl case 138, the whole log_tail; the whole chunk: find_package decides
    NoMatch('cmake.could_not_find', 'cmake.find_package', (
        'CMake Error at /usr/share/cmake-3.2/Modules/FindPackageHandleStandardArgs.cmake:138 (message):\n'
        '  Could NOT find Halide (missing: HALIDE_ROOT_DIR HALIDE_LIBRARIES\n'
        '  HALIDE_INCLUDE_DIR)\n'
        'Call Stack (most recent call first):\n'
        '  /usr/share/cmake-3.2/Modules/FindPackageHandleStandardArgs.cmake:374 (_FPHSA_FAILURE_MESSAGE)\n'
        '  cmake/Modules/FindHalide.cmake:38 (find_package_handle_standard_args)\n'
        '  cmake/Dependencies.cmake:209 (find_package)\n'
        '  CMakeLists.txt:46 (include)'
    ),
            argv=[], exit_code=None,
            source='shared/benchmarks/ci_logs.jsonl case 138, the whole log_tail'),
    # captured here: cmake 3.25.1, message(FATAL_ERROR ...) in CMakeLists.txt
    Match('cmake.error', (
        '-- The C compiler identification is GNU 12.2.0\n'
        '-- Detecting C compiler ABI info\n'
        '-- Detecting C compiler ABI info - done\n'
        '-- Check for working C compiler: /usr/bin/cc - skipped\n'
        '-- Detecting C compile features\n'
        '-- Detecting C compile features - done\n'
        'CMake Error at CMakeLists.txt:4 (message):\n'
        '  APP_CONFIG is not set: pass -DAPP_CONFIG=path\n'
        '\n'
        '\n'
        '-- Configuring incomplete, errors occurred!\n'
        'See also "/tmp/heal-rt-wzr0rbhy/build/CMakeFiles/CMakeOutput.log".\n'
    ),
          argv=['cmake', '-S', '.', '-B', 'build'], exit_code=1, category='configuration',
          facts={'tool': 'cmake', 'file': 'CMakeLists.txt', 'line': 4},
          source='captured here: cmake 3.25.1, message(FATAL_ERROR ...) in CMakeLists.txt'),
    from_fixture('cmake.error', 'cmake.parse_error', 'c-cmake-parse-error'),
    from_fixture('cmake.error', 'cmake.no_cmakelists', 'c-cmake-no-cmakelists'),
]


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
def test_rule_table(row):
    check(row)
