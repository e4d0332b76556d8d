"""Retries that cannot hurt (reliability-findings F14, real-world-trial friction 8, scenarios 4c/4d/5d),
against a real HTTP server on 127.0.0.1: the assertions count the requests it received, never time."""

from __future__ import annotations

import os
import random
import shutil
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from heal.fixes.retry import RetryState, non_idempotent, permanent_status, wait_exponential_jitter

CURL = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
WGET = pytest.mark.skipif(shutil.which("wget") is None, reason="wget is not installed")


class _Handler(BaseHTTPRequestHandler):
    # path -> list of (status, headers) answered in turn, the last one repeated
    plan: dict[str, list[tuple[int, dict[str, str]]]] = {}
    counts: Counter = Counter()
    lock = threading.Lock()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        with self.lock:
            n = self.counts[(self.command, self.path)]
            self.counts[(self.command, self.path)] += 1
        answers = self.plan.get(self.path, [(404, {})])
        status, headers = answers[min(n, len(answers) - 1)]
        body = b"ok\n" if status == 200 else b"error\n"
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _answer

    def log_message(self, *args) -> None:  # keep the test output clean
        pass


@pytest.fixture
def server():
    """(base URL, plan to fill, request counts by (method, path))."""
    plan: dict = {}
    counts: Counter = Counter()
    handler = type("H", (_Handler,), {"plan": plan, "counts": counts, "lock": threading.Lock()})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", plan, counts
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def fast(project):
    with open(os.path.join(project, "heal.toml"), "w") as fh:
        fh.write("[retry]\nbase = 0.01\ncap = 0.05\n")


@CURL
def test_a_post_answered_501_is_sent_once(heal, server, fast):
    url, plan, counts = server
    plan["/data"] = [(501, {})]
    r = heal("--yes", "--", "curl", "-sS", "-f", "-X", "POST", "-d", "x=1", f"{url}/data")
    assert r.returncode == 22
    assert counts[("POST", "/data")] == 1
    assert b"not retrying: HTTP 501" in r.stderr


@CURL
@pytest.mark.parametrize("status", [501, 400, 404, 410])
def test_a_permanent_status_is_never_retried(heal, server, fast, status):
    url, plan, counts = server
    plan["/x"] = [(status, {})]
    heal("--yes", "--", "curl", "-sS", "-f", f"{url}/x")
    assert counts[("GET", "/x")] == 1


@CURL
def test_a_503_then_200_is_retried_and_healed(heal, server, fast):
    url, plan, counts = server
    plan["/flaky"] = [(503, {}), (200, {})]
    r = heal("--yes", "--", "curl", "-sS", "-f", f"{url}/flaky")
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"ok\n"
    assert counts[("GET", "/flaky")] == 2


@CURL
@pytest.mark.parametrize("argv", [
    ["curl", "-sS", "-f", "-X", "POST", "{url}/p"],
    ["curl", "-sSf", "--data-binary", "@-", "{url}/p"],
    ["curl", "-sS", "-f", "--json", "{{}}", "{url}/p"],
    ["sh", "-c", "curl -sS -f -d a=1 {url}/p"],
])
def test_a_non_idempotent_request_is_not_retried_even_on_503(heal, server, fast, argv):
    url, plan, counts = server
    plan["/p"] = [(503, {}), (200, {})]
    r = heal("--yes", "--", *[a.format(url=url) for a in argv])
    assert r.returncode != 0
    assert sum(n for (_, path), n in counts.items() if path == "/p") == 1
    assert b"not retrying:" in r.stderr and b"retry.non_idempotent" in r.stderr


@CURL
def test_retry_non_idempotent_setting_allows_it(heal, server, project):
    url, plan, counts = server
    plan["/p"] = [(503, {}), (200, {})]
    with open(os.path.join(project, "heal.toml"), "w") as fh:
        fh.write("[retry]\nbase = 0.01\ncap = 0.05\nnon_idempotent = true\n")
    r = heal("--yes", "--", "curl", "-sS", "-f", "-X", "POST", "-d", "x=1", f"{url}/p")
    assert r.returncode == 0, r.stderr
    assert counts[("POST", "/p")] == 2


@WGET
def test_wget_post_data_is_not_retried(heal, server, fast):
    url, plan, counts = server
    plan["/w"] = [(503, {}), (200, {})]
    r = heal("--yes", "--", "wget", "-O", "-", "--post-data=a=1", f"{url}/w")
    assert r.returncode == 8
    assert counts[("POST", "/w")] == 1
    assert b"heal: network" in r.stderr and b"not retrying: wget --post-data" in r.stderr


@CURL
def test_a_retry_after_longer_than_heal_may_wait_is_not_waited_for(heal, server, fast):
    url, plan, counts = server
    plan["/busy"] = [(429, {"Retry-After": "86400"})]
    # -i shows the headers, so Retry-After is in the output heal reads
    r = heal("--yes", "--", "curl", "-sS", "-i", "--fail-with-body", f"{url}/busy", timeout=60)
    assert r.returncode == 22
    assert counts[("GET", "/busy")] == 1
    assert b"not retrying: the server asks to wait 86400s" in r.stderr


def test_a_retry_after_in_prose_is_bounded_too(heal, fast):
    r = heal("--yes", "--", "sh", "-c", "echo 'HTTP 503 Service Unavailable; try again in 86400 seconds' >&2; exit 1",
             timeout=60)
    assert r.returncode == 1
    assert b"not retrying: the server asks to wait 86400s" in r.stderr
    assert b"retrying in" not in r.stderr


@CURL
def test_on_a_terminal_a_retry_series_is_asked_about_once(heal_env, project, server, fast):
    from conftest import yes_on_a_terminal

    url, plan, counts = server
    plan["/flaky"] = [(503, {}), (503, {}), (503, {}), (200, {})]
    status, transcript = yes_on_a_terminal(["--", "curl", "-sS", "-f", f"{url}/flaky"], cwd=project, env=heal_env,
                                           before="run it again, up to 3 times")
    assert status == 0, transcript
    assert "[y/N]" not in transcript  # no second question
    assert counts[("GET", "/flaky")] == 4


def test_the_wait_has_a_floor_of_half_its_ceiling():
    wait = wait_exponential_jitter(base=1.0, cap=30.0, rng=random.Random(3))
    for attempt in range(6):
        high = min(30.0, 2.0 ** attempt)
        samples = [wait(RetryState(attempt, 0.0)) for _ in range(300)]
        assert all(high / 2 <= s <= high for s in samples)
    # three retries of a 503 at the default base wait at least 0.5 + 1 + 2 = 3.5 s in all
    assert sum(min(wait(RetryState(a, 0.0)) for _ in range(300)) for a in range(3)) >= 3.5


@pytest.mark.parametrize("argv, unsafe", [
    (["curl", "-d", "a=1", "u"], True),
    (["curl", "--data-urlencode", "a=1", "u"], True),
    (["curl", "-F", "f=@x", "u"], True),
    (["curl", "--form=f=1", "u"], True),
    (["curl", "--json", "{}", "u"], True),
    (["curl", "-T", "file", "u"], True),
    (["curl", "--upload-file", "file", "u"], True),
    (["curl", "-XPOST", "u"], True),
    (["curl", "-sSX", "PATCH", "u"], True),
    (["curl", "--request=DELETE", "u"], True),
    (["curl", "--request", "put", "u"], True),
    (["env", "A=1", "timeout", "10", "curl", "-sd", "x", "u"], True),
    (["bash", "-c", "set -e; curl -X POST u && echo ok"], True),
    (["wget", "--post-file=f", "u"], True),
    (["wget", "--method", "DELETE", "u"], True),
    (["http", "POST", "u", "a=1"], True),
    (["http", "u", "name=x"], True),
    (["http", "--form", "u"], True),
    (["curl", "-sS", "-f", "u"], False),
    (["curl", "-X", "GET", "u"], False),
    (["curl", "-H", "X-d: 1", "u"], False),
    (["curl", "-sSo", "out.json", "u"], False),
    (["curl", "-I", "u"], False),
    (["wget", "-q", "u"], False),
    (["http", "GET", "u", "a==1"], False),
    (["http", "u", "a==1", "Header:x"], False),
    (["./deploy.sh", "-d", "prod"], False),
])
def test_which_requests_are_not_idempotent(argv, unsafe):
    assert bool(non_idempotent(argv)) is unsafe


def test_curl_verbose_output_shows_the_method_too():
    assert non_idempotent(["./client.sh"], "> POST /api HTTP/1.1\n> Host: x\n")


@pytest.mark.parametrize("status, permanent", [(501, True), (505, True), (400, True), (404, True), (422, True),
                                               (408, False), (425, False), (429, False), (500, False),
                                               (502, False), (503, False), (504, False), (None, False)])
def test_permanent_statuses(status, permanent):
    assert permanent_status(status) is permanent
