"""Rule table for heal.diagnose.rules.network: real outputs, the command and exit status, and the rule that must win
(or must not). See table.py for the row kinds and where outputs come from."""

from __future__ import annotations

import pytest

from .table import Match, NoMatch, check, from_fixture, ids

ROWS = [
    # captured here: GNU Wget 1.21.3 against a local server answering 503
    Match('network.wget_status', (
        '--2026-11-27 17:58:46--  http://127.0.0.1:47601/releases/app-1.4.2.tar.gz\n'
        'Connecting to 127.0.0.1:47601... connected.\n'
        'HTTP request sent, awaiting response... 503 Service Unavailable\n'
        '2026-11-27 17:58:46 ERROR 503: Service Unavailable.\n'
        '\n'
    ),
          argv=['wget', '--tries=1', 'http://127.0.0.1:47601/releases/app-1.4.2.tar.gz'], exit_code=8, category='network',
          facts={'status': 503, 'tool': 'wget'},
          source='captured here: GNU Wget 1.21.3 against a local server answering 503'),
    # captured here: GNU Wget 1.21.3 against a local server answering 404
    Match('network.wget_status', (
        '--2026-11-27 17:58:47--  http://127.0.0.1:47602/releases/app-1.4.2.tar.gz\n'
        'Connecting to 127.0.0.1:47602... connected.\n'
        'HTTP request sent, awaiting response... 404 Not Found\n'
        '2026-11-27 17:58:47 ERROR 404: Not Found.\n'
        '\n'
    ),
          argv=['wget', '--tries=1', 'http://127.0.0.1:47602/releases/app-1.4.2.tar.gz'], exit_code=8, category='runtime',
          facts={'status': 404, 'tool': 'wget'},
          source='captured here: GNU Wget 1.21.3 against a local server answering 404'),
    from_fixture('network.wget_status', 'network.curl', 'network-curl-http-503'),
    # captured here: GNU Wget 1.21.3 --timeout=2 against a local server that never answers
    Match('network.timeout', (
        '--2026-11-27 17:58:47--  http://127.0.0.1:47603/releases/app-1.4.2.tar.gz\n'
        'Connecting to 127.0.0.1:47603... connected.\n'
        'HTTP request sent, awaiting response... Read error (Connection timed out) in headers.\n'
        'Giving up.\n'
        '\n'
    ),
          argv=['wget', '--tries=1', '--timeout=2', 'http://127.0.0.1:47603/releases/app-1.4.2.tar.gz'], exit_code=4, category='network',
          facts={'tool': 'wget'},
          source='captured here: GNU Wget 1.21.3 --timeout=2 against a local server that never answers'),
    from_fixture('network.timeout', 'network.curl', 'network-curl-timeout'),
    from_fixture('network.timeout', 'python.ReadTimeout', 'network-python-requests-read-timeout'),
    # shared/benchmarks/ci_logs.jsonl case 172, log_tail lines 7-19; the middle of a Python traceback in a test log
    Match('network.reset', (
        '                                     File "/usr/lib/python3.6/http/client.py", line 1331, in getresponse\n'
        '                                       response.begin()\n'
        '                                     File "/usr/lib/python3.6/http/client.py", line 297, in begin\n'
        '                                       version, status, reason = self._read_status()\n'
        '                                     File "/usr/lib/python3.6/http/client.py", line 266, in _read_status\n'
        '                                       raise RemoteDisconnected("Remote end closed connection without"\n'
        '                                   http.client.RemoteDisconnected: Remote end closed connection without response\n'
        '                                   During handling of the above exception, another exception occurred:\n'
        '                                   Traceback (most recent call last):\n'
        '                                     File "/home/travis/build/bitcoin/bitcoin/build/bitcoin-x86_64-unknown-linux-gnu/test/functional/test_framework/test_framework.py", line 193, in main\n'
        '                                       self.run_test()\n'
        '                                     File "/home/travis/build/bitcoin/bitcoin/build/bitcoin-x86_64-unknown-linux-gnu/test/functional/feature_shutdown.py", line 31, in run_test\n'
        '                                       self.stop_node(0, wait=1000)\n'
    ),
          argv=[], exit_code=None, category='network',
          facts={},
          source='shared/benchmarks/ci_logs.jsonl case 172, log_tail lines 7-19'),
    # shared/benchmarks/ci_logs.jsonl case 213, the whole log_tail; git names the unreachable URL
    NoMatch('network.reset', 'git.unable_to_access', "fatal: unable to access 'https://registry.example/vim/vim/': Empty reply from server",
            argv=[], exit_code=None,
            source='shared/benchmarks/ci_logs.jsonl case 213, the whole log_tail'),
    from_fixture('network.reset', 'network.curl', 'network-curl-connection-reset'),
    # shared/benchmarks/ci_logs.jsonl case 218, the whole log_tail
    Match('network.tls', '[35] SSL connect error (error:14094410:SSL routines:ssl3_read_bytes:sslv3 alert handshake failure)',
          argv=[], exit_code=None, category='network',
          facts={},
          source='shared/benchmarks/ci_logs.jsonl case 218, the whole log_tail'),
    from_fixture('network.tls', 'git.unable_to_access', 'network-git-clone-tls-self-signed'),
    # captured here: psql 15.18 to a documentation-range IPv6 address (no route)
    Match('network.unreachable', (
        'psql: error: connection to server at "2001:db8::1", port 5432 failed: No route to host\n'
        '\tIs the server running on that host and accepting TCP/IP connections?\n'
    ),
          argv=['psql', 'host=2001:db8::1 connect_timeout=3 user=app dbname=app', '-c', 'select 1'], exit_code=2, category='network',
          facts={'tool': 'psql'},
          source='captured here: psql 15.18 to a documentation-range IPv6 address (no route)'),
    from_fixture('network.unreachable', 'network.refused', 'kubectl-server-connection-refused'),
    # quoted from github.com/docker/hub-feedback/issues/1761 (a docker push)
    Match('network.http_5xx', (
        '478d5c9246ad: Layer already exists\n'
        'd46f9f76f72f: Retrying in 5 seconds\n'
        'd46f9f76f72f: Retrying in 4 seconds\n'
        'd46f9f76f72f: Retrying in 3 seconds\n'
        '0ef7813a3715: Pushed\n'
        'd46f9f76f72f: Retrying in 2 seconds\n'
        'd46f9f76f72f: Retrying in 1 second\n'
        'd46f9f76f72f: Pushed\n'
        'received unexpected HTTP status: 500 Internal Server Error\n'
    ),
          argv=[], exit_code=None, category='network',
          facts={'status': 500},
          source='quoted from github.com/docker/hub-feedback/issues/1761 (a docker push)'),
    # quoted from github.com/docker-library/docker/issues/192
    Match('network.http_5xx', 'Error response from daemon: received unexpected HTTP status: 503 Service Unavailable\n',
          argv=['docker', 'pull', 'docker:stable'], exit_code=1, category='network',
          facts={'status': 503, 'tool': 'docker'},
          source='quoted from github.com/docker-library/docker/issues/192'),
    from_fixture('network.http_5xx', 'git.unable_to_access', 'git-clone-http-503'),
    from_fixture('network.http_5xx', 'network.curl', 'network-curl-http-503'),
    # quoted from github.com/hamcrest/hamcrest-php/issues/63 (composer waits for a token: no exit status)
    Match('network.http_429', (
        'Using version ^2.0 for hamcrest/hamcrest-php\n'
        './composer.json has been created\n'
        'Loading composer repositories with package information\n'
        'Updating dependencies (including require-dev)\n'
        'Package operations: 1 install, 0 updates, 0 removals\n'
        '  - Installing hamcrest/hamcrest-php (v2.0.0): Downloading (0%)GitHub API limit (0 calls/hr) is exhausted, could not fetch https://registry.example/repos/hamcrest/hamcrest-php/zipball/776503d3a8e85d4f9a1148614f95b7a608b046ad. Create a GitHub OAuth token to go over the API rate limit. You can also wait until ? for the rate limit to reset.\n'
        '\n'
        'Head to https://registry.example/settings/tokens/new?scopes=repo&description=Composer+on+marcbox+2020-03-25+1556\n'
        'to retrieve a token. It will be stored in "/home/marc/.config/composer/auth.json" for future use by Composer.\n'
        'Token (hidden): \n'
    ),
          argv=['composer', 'require', 'hamcrest/hamcrest-php'], exit_code=None, category='network',
          facts={'tool': 'composer'},
          source='quoted from github.com/hamcrest/hamcrest-php/issues/63 (composer waits for a token: no exit status)'),
    from_fixture('network.http_429', 'network.curl', 'network-curl-http-429-retry-after'),
    from_fixture('network.http_429', 'python.HTTPError', 'network-python-requests-http-429'),
    # captured here: kubectl v1.32.4 proxy on a port already taken
    Match('network.address_in_use', 'error: listen tcp 127.0.0.1:47601: bind: address already in use\n',
          argv=['kubectl', 'proxy', '--port=47601'], exit_code=1, category='network',
          facts={'error_code': 'EADDRINUSE', 'tool': 'kubectl'},
          source='captured here: kubectl v1.32.4 proxy on a port already taken'),
    from_fixture('network.address_in_use', 'python.OSError', 'network-python-eaddrinuse'),
    from_fixture('network.address_in_use', 'node.Error', 'network-node-eaddrinuse'),
]


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
def test_rule_table(row):
    check(row)
