"""Rule table for heal.diagnose.rules.python: real outputs, the command and exit status, and the rule that must win
(or must not). See table.py for the row kinds and where outputs come from."""

from __future__ import annotations

import pytest

from .table import Match, check, from_fixture, ids

ROWS = [
    # shared/benchmarks/ci_logs.jsonl case 28, log_tail lines 45-57; a traceback cut off above its last frames
    Match('python.module_not_found_line', (
        '  File "/opt/python/3.5.0/lib/python3.5/unittest/loader.py", line 153, in loadTestsFromName\n'
        '    module = __import__(module_name)\n'
        '  File "/home/travis/build/bwhmather/verktyg/verktyg/__init__.py", line 8, in <module>\n'
        '    from verktyg.responses import BaseResponse, Response\n'
        '  File "/home/travis/build/bwhmather/verktyg/verktyg/responses.py", line 30, in <module>\n'
        '    from verktyg.http import (\n'
        '  File "/home/travis/build/bwhmather/verktyg/verktyg/http/__init__.py", line 34, in <module>\n'
        '    from verktyg.http.accept import (\n'
        "ImportError: No module named 'verktyg.http.accept'\n"
        '\n'
        '----------------------------------------------------------------------\n'
        'Ran 1 test in 0.000s\n'
        '\n'
    ),
          argv=[], exit_code=None, category='dependency',
          facts={'exception': 'ModuleNotFoundError', 'module': 'verktyg.http.accept'},
          source='shared/benchmarks/ci_logs.jsonl case 28, log_tail lines 45-57'),
    # the whole traceback: the traceback rule decides
    from_fixture('python.module_not_found_line', 'python.ModuleNotFoundError', 'python-modulenotfound-yaml'),
    # captured here: pip 23.2.1 (Python 3.11.7) in a venv, pip install --dry-run
    Match('pip.conflict', (
        'Collecting requests==2.31.0\n'
        '  Downloading requests-2.31.0-py3-none-any.whl (62 kB)\n'
        '     ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 62.6/62.6 kB 86.1 MB/s eta 0:00:00\n'
        'Collecting idna==2.0\n'
        '  Downloading idna-2.0-py2.py3-none-any.whl (61 kB)\n'
        '     ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 61.3/61.3 kB 88.8 MB/s eta 0:00:00\n'
        'Collecting charset-normalizer<4,>=2 (from requests==2.31.0)\n'
        '  Downloading charset_normalizer-3.5.3-cp311-cp311-manylinux1_x86_64.manylinux_2_28_x86_64.manylinux_2_5_x86_64.whl (263 kB)\n'
        '     ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 263.4/263.4 kB 150.5 MB/s eta 0:00:00\n'
        'INFO: pip is looking at multiple versions of requests to determine which version is compatible with other requirements. This could take a while.\n'
        'ERROR: Cannot install idna==2.0 and requests==2.31.0 because these package versions have conflicting dependencies.\n'
        '\n'
        'The conflict is caused by:\n'
        '    The user requested idna==2.0\n'
        '    requests 2.31.0 depends on idna<4 and >=2.5\n'
        '\n'
        'To fix this you could try to:\n'
        "1. loosen the range of package versions you've specified\n"
        '2. remove package versions to allow pip attempt to solve the dependency conflict\n'
        '\n'
        'ERROR: ResolutionImpossible: for help visit https://registry.example/en/latest/topics/dependency-resolution/#dealing-with-dependency-conflicts\n'
    ),
          argv=['.venv/bin/pip', 'install', '--dry-run', 'requests==2.31.0', 'idna==2.0'], exit_code=1, category='dependency',
          facts={'tool': 'pip'},
          source='captured here: pip 23.2.1 (Python 3.11.7) in a venv, pip install --dry-run'),
    from_fixture('pip.conflict', 'pip.no_matching_distribution', 'python-pip-no-such-version'),
    # captured here: pip 23.2.1 (Python 3.11.7)
    Match('pip.requirements_file', "ERROR: Could not open requirements file: [Errno 2] No such file or directory: 'requirements-dev.txt'\n",
          argv=['/root/.pyenv/versions/3.11.7/bin/python3', '-m', 'pip', 'install', '-r', 'requirements-dev.txt'], exit_code=1, category='configuration',
          facts={'tool': 'pip', 'file': 'requirements-dev.txt'},
          source='captured here: pip 23.2.1 (Python 3.11.7)'),
    # a requirements file that exists but names a missing version
    from_fixture('pip.requirements_file', 'pip.no_matching_distribution', 'python-pip-requirements-no-such-version'),
    from_fixture('pip.requirements_file', 'python.FileNotFoundError', 'python-filenotfounderror-config-file'),
    # captured here: pip 23.2.1 (Python 3.11.7)
    Match('pip.invalid_requirement', "ERROR: Invalid requirement: 'requests=>2.0'\n",
          argv=['/root/.pyenv/versions/3.11.7/bin/python3', '-m', 'pip', 'install', 'requests=>2.0'], exit_code=1, category='syntax',
          facts={'tool': 'pip', 'requirement': 'requests=>2.0'},
          source='captured here: pip 23.2.1 (Python 3.11.7)'),
    from_fixture('pip.invalid_requirement', 'pip.unknown_command', 'pip-unknown-command-suggestion'),
    # captured here: pytest 9.0.3, an option nobody defines
    Match('pytest.usage', (
        'ERROR: usage: __main__.py [options] [file_or_dir] [file_or_dir] [...]\n'
        '__main__.py: error: unrecognized arguments: --junit-xmll=report.xml\n'
        '  inifile: None\n'
        '  rootdir: /tmp/heal-rt-iuufeoa9\n'
        '\n'
    ),
          argv=['/root/.pyenv/versions/3.11.7/bin/python3', '-m', 'pytest', '--junit-xmll=report.xml'], exit_code=4, category='configuration',
          facts={'tool': 'pytest'},
          source='captured here: pytest 9.0.3, an option nobody defines'),
    # an option a known plugin defines: the missing plugin decides
    from_fixture('pytest.usage', 'pytest.plugin_option', 'python-pytest-usage-error-unknown-option'),
    # captured here: pytest 9.0.3 on a directory without tests
    Match('pytest.no_tests', (
        '============================= test session starts ==============================\n'
        'platform linux -- Python 3.11.7, pytest-9.0.3, pluggy-1.6.0\n'
        'benchmark: 5.2.3 (defaults: timer=time.perf_counter disable_gc=False min_rounds=5 min_time=0.000005 max_time=1.0 calibration_precision=10 warmup=False warmup_iterations=100000)\n'
        'rootdir: /tmp/heal-rt-vns4cuet\n'
        'plugins: hypothesis-6.155.2, benchmark-5.2.3\n'
        'collected 0 items\n'
        '\n'
        '============================ no tests ran in 0.63s =============================\n'
    ),
          argv=['/root/.pyenv/versions/3.11.7/bin/python3', '-m', 'pytest', 'tests'], exit_code=5, category='configuration',
          facts={'tool': 'pytest'},
          source='captured here: pytest 9.0.3 on a directory without tests'),
    from_fixture('pytest.no_tests', 'pytest.failed', 'python-pytest-one-failing-assertion'),
    # captured here: pytest 9.0.3, two test_util.py without __init__.py
    Match('pytest.collection', (
        '============================= test session starts ==============================\n'
        'platform linux -- Python 3.11.7, pytest-9.0.3, pluggy-1.6.0\n'
        'benchmark: 5.2.3 (defaults: timer=time.perf_counter disable_gc=False min_rounds=5 min_time=0.000005 max_time=1.0 calibration_precision=10 warmup=False warmup_iterations=100000)\n'
        'rootdir: /tmp/heal-rt-a0cojv10\n'
        'plugins: hypothesis-6.155.2, benchmark-5.2.3\n'
        'collected 1 item / 1 error\n'
        '\n'
        '==================================== ERRORS ====================================\n'
        '_______________________ ERROR collecting b/test_util.py ________________________\n'
        'import file mismatch:\n'
        "imported module 'test_util' has this __file__ attribute:\n"
        '  /tmp/heal-rt-a0cojv10/a/test_util.py\n'
        'which is not the same as the test file we want to collect:\n'
        '  /tmp/heal-rt-a0cojv10/b/test_util.py\n'
        'HINT: remove __pycache__ / .pyc files and/or use a unique basename for your test file modules\n'
        '=========================== short test summary info ============================\n'
        'ERROR b/test_util.py\n'
        '!!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!\n'
        '=============================== 1 error in 0.74s ===============================\n'
    ),
          argv=['/root/.pyenv/versions/3.11.7/bin/python3', '-m', 'pytest'], exit_code=2, category='test',
          facts={'tool': 'pytest', 'file': 'b/test_util.py'},
          source='captured here: pytest 9.0.3, two test_util.py without __init__.py'),
    from_fixture('pytest.collection', 'pytest.collection.ModuleNotFoundError', 'python-pytest-collection-modulenotfound'),
    # captured here: Python 3.11.7 -m unittest in a bare venv
    Match('unittest.import.ModuleNotFoundError', (
        'E\n'
        '======================================================================\n'
        'ERROR: test_config (unittest.loader._FailedTest.test_config)\n'
        '----------------------------------------------------------------------\n'
        'ImportError: Failed to import test module: test_config\n'
        'Traceback (most recent call last):\n'
        '  File "/root/.pyenv/versions/3.11.7/lib/python3.11/unittest/loader.py", line 162, in loadTestsFromName\n'
        '    module = __import__(module_name)\n'
        '             ^^^^^^^^^^^^^^^^^^^^^^^\n'
        '  File "/tmp/heal-rt-ofe_9ofh/test_config.py", line 2, in <module>\n'
        '    import yaml\n'
        "ModuleNotFoundError: No module named 'yaml'\n"
        '\n'
        '\n'
        '----------------------------------------------------------------------\n'
        'Ran 1 test in 0.000s\n'
        '\n'
        'FAILED (errors=1)\n'
    ),
          argv=['.venv/bin/python', '-m', 'unittest', 'test_config'], exit_code=1, category='dependency',
          facts={'exception': 'ModuleNotFoundError', 'module': 'yaml', 'file': 'test_config.py', 'line': 2, 'tool': 'unittest'},
          source='captured here: Python 3.11.7 -m unittest in a bare venv'),
    from_fixture('unittest.import.ModuleNotFoundError', 'unittest.failed', 'python-unittest-failure'),
    # the name a NameError names, and the attribute a module lacks: what python_edit's playbooks need
    Match('python.NameError', (
        'Traceback (most recent call last):\n'
        '  File "/tmp/t1/a.py", line 3, in <module>\n'
        '    f()\n'
        '  File "/tmp/t1/a.py", line 2, in f\n'
        '    return os.getcwd()\n'
        '           ^^\n'
        "NameError: name 'os' is not defined\n"
    ),
          argv=['python3', 'a.py'], exit_code=1, category='runtime',
          facts={'exception': 'NameError', 'symbol': 'os', 'file': 'a.py', 'line': 2},
          source='captured here: Python 3.11.7, a function using os without importing it'),
    Match('python.AttributeError', (
        'Traceback (most recent call last):\n'
        '  File "/tmp/t1/b.py", line 2, in <module>\n'
        '    print(time.clock())\n'
        '          ^^^^^^^^^^\n'
        "AttributeError: module 'time' has no attribute 'clock'\n"
    ),
          argv=['python3', 'b.py'], exit_code=1, category='runtime',
          facts={'exception': 'AttributeError', 'module': 'time', 'symbol': 'clock', 'file': 'b.py', 'line': 2},
          source='captured here: Python 3.11.7, time.clock (removed in 3.8)'),
]


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
def test_rule_table(row):
    check(row)
