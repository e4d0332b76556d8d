"""Rule table for heal.diagnose.rules.generic: real outputs, the command and exit status, and the rule that must win
(or must not). See table.py for the row kinds and where outputs come from."""

from __future__ import annotations

import pytest

from .logs import CI_LOG_2
from .table import Match, NoMatch, check, from_fixture, ids

ROWS = [
    # shared/benchmarks/ci_logs.jsonl case 165, log_tail lines 37-50
    Match('generic.error_line', (
        '\t    at Jasmine>\n'
        '\t   at invokeTask (node_modules/zone.js/dist/zone.js:419:13)\n'
        '\t   at runTask (node_modules/zone.js/dist/zone.js:188:21)\n'
        '\t   at drainMicroTaskQueue (node_modules/zone.js/dist/zone.js:595:25)\n'
        '\t   at run (node_modules/core-js/client/core.js:6252:13)\n'
        '\t   at Anonymous function (node_modules/core-js/client/core.js:6269:30)\n'
        '\t   at flush (node_modules/core-js/client/core.js:2471:9)\n'
        '\tError: The ng module Ng2ModuleA has already been destroyed.\n'
        '\t   at destroy (Unknown script code:517:13)\n'
        '\t   at Anonymous function (Unknown script code:281:59)\n'
        '\t   at destroy (Unknown script code:281:9)\n'
        '\t   at destroyPlatform (Unknown script code:141:9)\n'
        '\t   at invoke (node_modules/zone.js/dist/zone.js:386:13)\n'
        '\t   at onInvoke (node_modules/zone.js/dist/zone-testing.js:288:13)\n'
    ),
          argv=[], exit_code=None, category='unknown',
          facts={},
          source='shared/benchmarks/ci_logs.jsonl case 165, log_tail lines 37-50'),
    # shared/benchmarks/ci_logs.jsonl case 167, the whole log_tail
    Match('generic.error_line', (
        "=== Deploying to 'v6-angular-io'...\n"
        '\n'
        'i  deploying database, hosting\n'
        'i  database: checking rules syntax...\n'
        '✔  database: rules syntax is valid\n'
        'i  hosting: preparing dist directory for upload...\n'
        '\n'
        'i  Progress: [\n'
        'Error: An unexpected error has occurred.\n'
        'error Command failed with exit code 1.'
    ),
          argv=[], exit_code=None, category='unknown',
          facts={},
          source='shared/benchmarks/ci_logs.jsonl case 167, the whole log_tail'),
    # error: lines a rule knows: that rule decides
    from_fixture('generic.error_line', 'c.compile_error', 'c-gcc-undeclared-identifier'),
    # shared/benchmarks/ci_logs.jsonl case 117, log_tail lines 47-60
    Match('generic.ci_step', (
        '    /usr/include/yaml.h:633:1: note: expected ‘yaml_char_t *’ but argument is of type ‘char *’\n'
        '    ext/_yaml.c:17874:7: warning: pointer targets in passing argument 3 of ‘yaml_mapping_start_event_initialize’ differ in signedness [-Wpointer-sign]\n'
        '    /usr/include/yaml.h:633:1: note: expected ‘yaml_char_t *’ but argument is of type ‘char *’\n'
        '    gcc -pthread -shared -L/opt/python/3.4.2/lib -Wl,-rpath=/opt/python/3.4.2/lib build/temp.linux-x86_64-3.4/ext/_yaml.o -L/opt/python/3.4.2/lib -lyaml -lpython3.4m -o build/lib.linux-x86_64-3.4/_yaml.cpython-34m.so\n'
        '\n'
        'Successfully installed Jinja2-2.8 MarkupSafe-0.23 PyYAML-3.11 Pygments-2.0.2 alabaster-0.7.6 babel-2.1.1 docutils-0.12 pluggy-0.3.1 pytz-2015.6 six-1.10.0 snowballstemmer-1.2.0 sphinx-1.3.1 sphinx-rtd-theme-0.1.9 tox-2.1.1 virtualenv-13.1.2\n'
        '$ ./test/code-smell/replace-urlopen.sh .\n'
        './lib/ansible/compat/six/_six.py:    MovedAttribute("urlopen", "urllib2", "urllib.request"),\n'
        './lib/ansible/module_utils/urls.py:    urlopen_args = [request, None]\n'
        './lib/ansible/module_utils/urls.py:        # urlopen in python prior to 2.6.0 did not\n'
        './lib/ansible/module_utils/urls.py:        urlopen_args.append(timeout)\n'
        './lib/ansible/module_utils/urls.py:        urlopen_args += (None, None, None, context)\n'
        '\n'
        'The command "./test/code-smell/replace-urlopen.sh ." exited with 1.'
    ),
          argv=[], exit_code=None, category='test',
          facts={'step': './test/code-smell/replace-urlopen.sh .'},
          source='shared/benchmarks/ci_logs.jsonl case 117, log_tail lines 47-60'),
    # shared/benchmarks/ci_logs.jsonl case 2, log_tail lines 42-58; the step failed and the log says why: the pytest summary decides
    NoMatch('generic.ci_step', 'test.pytest_summary', (
        CI_LOG_2 + 'SUMMARY  1/129 tasks and 1/129 tests failed\n*** FAILURE ***\ntotal runtime: 486.3731620430008 sec\n'
    ),
            argv=[], exit_code=None,
            source='shared/benchmarks/ci_logs.jsonl case 2, log_tail lines 42-58'),
]


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
def test_rule_table(row):
    check(row)
