"""retry plans: transient failures are run again after a backoff; what a retry cannot change, or may make
worse, is only a suggestion."""

from __future__ import annotations

import pytest

from heal.fixes import retry
from .planning import context, fixture

SETTINGS = {"retry.attempts": 3, "retry.base": 1.0, "retry.cap": 30.0, "retry.max_delay": 120.0, "budget": 900.0,
            "max_attempts": 3}


def _plan(case: str, argv=None, **kw):
    c = fixture(case)
    ctx = context(c["output"], argv or c["argv"], c["exit_code"], "/tmp", settings={**SETTINGS, **kw.pop("settings", {})},
                  **kw)
    return retry.plan({}, ctx, "network-retry", "low")


def test_a_503_is_retried_after_a_backoff_with_a_floor():
    fix = _plan("network-curl-http-503")
    assert fix.action == "retry" and 0.5 <= fix.wait <= 1.0  # base 1 s: between half and all of it
    assert "up to 3 times" in fix.question  # asked once for the whole series


def test_the_backoff_doubles_and_the_series_shrinks():
    fix = _plan("network-curl-http-503", retries=2)
    assert 2.0 <= fix.wait <= 4.0 and "up to 1 time " in fix.question


def test_the_attempts_run_out():
    assert _plan("network-curl-http-503", retries=3) is None


def test_retry_after_is_a_floor():
    fix = _plan("network-curl-http-429-retry-after")
    assert fix.action == "retry" and fix.wait >= 1.0


def test_a_server_asking_for_longer_than_heal_may_wait_is_not_waited_for():
    c = fixture("network-curl-http-503")
    out = c["output"] + "\nRetry-After: 86400\n"
    ctx = context(out, c["argv"], c["exit_code"], "/tmp", settings=SETTINGS)
    fix = retry.plan({}, ctx, "network-retry", "low")
    assert fix.action == "suggest" and "asks to wait 86400s" in fix.description


@pytest.mark.parametrize("argv", [
    ["curl", "-sS", "-f", "-X", "POST", "http://127.0.0.1:1/x"],
    ["curl", "-d", "a=1", "http://127.0.0.1:1/x"],
    ["curl", "--json", "{}", "http://127.0.0.1:1/x"],
    ["sh", "-c", "curl -F f=@x http://127.0.0.1:1/x"],
    ["wget", "--post-data=a=1", "http://127.0.0.1:1/x"],
    ["http", "POST", "127.0.0.1:1/x"],
])
def test_a_request_that_may_have_taken_effect_is_not_repeated(argv):
    fix = _plan("network-curl-http-503", argv=argv)
    assert fix.action == "suggest" and "not idempotent" in fix.description


def test_unless_the_user_allows_it():
    fix = _plan("network-curl-http-503", argv=["curl", "-X", "POST", "http://127.0.0.1:1/x"],
                settings={"retry.non_idempotent": True})
    assert fix.action == "retry"


@pytest.mark.parametrize("status, permanent", [(501, True), (404, True), (400, True), (410, True), (505, True),
                                               (503, False), (502, False), (500, False), (429, False),
                                               (408, False), (425, False), (None, False), (True, False)])
def test_permanent_statuses(status, permanent):
    assert retry.permanent_status(status) is permanent


def test_a_playbook_limit_and_a_switched_off_setting():
    c = fixture("network-curl-http-503")
    ctx = context(c["output"], c["argv"], c["exit_code"], "/tmp", settings=SETTINGS, retries=1)
    assert retry.plan({"max_retries": 1}, ctx, "p", "low") is None
    assert retry.plan({"max_retries_setting": "retry.flaky_tests"}, ctx, "p", "low") is None  # 0: off


# What --yes alone may run twice: (argv, the programs a retry has to ask about). The review's bypasses of the
# first version are rows here: a command substitution, a project script by its absolute path, sudo, and the
# subcommands of known tools that run the project's code or change the world.
@pytest.mark.parametrize("argv, unknown", [
    (["curl", "-f", "https://example.invalid/x"], []),
    (["python3", "-m", "pip", "install", "x"], []),
    (["env", "A=1", "npm", "ci"], []),
    (["npm", "test"], []),
    (["./gradlew", "build"], []),
    (["/usr/bin/git", "fetch"], []),
    (["git", "push"], []),
    (["make"], []),
    (["make", "-j4", "test"], []),
    (["sh", "-c", "echo x >&2; exit 6"], []),
    (["docker", "pull", "x"], []),
    (["terraform", "init"], []),
    (["./flaky.sh"], ["./flaky.sh"]),
    (["./curl"], ["./curl"]),
    (["python3", "app.py"], ["python3 app.py"]),
    (["bash", "-c", "curl u && ./deploy.sh"], ["./deploy.sh"]),
    (["sh", "-c", "x=$(./deploy.sh)"], ["a command substitution"]),
    (["sh", "-c", "echo `./d`"], ["a command substitution"]),
    (["/home/me/project/script/test"], ["/home/me/project/script/test"]),
    (["sudo", "-u", "git", "./deploy.sh"], ["sudo"]),
    (["npx", "some-bin"], ["npx"]),
    (["npm", "run", "deploy"], ["npm run"]),
    (["make", "deploy"], ["make deploy"]),
    (["uv", "run", "x.py"], ["uv run"]),
    (["cargo", "run"], ["cargo run"]),
    (["docker", "run", "x"], ["docker run"]),
    (["terraform", "apply"], ["terraform apply"]),
    (["./gradlew", "publish"], ["./gradlew publish"]),
])
def test_what_a_retry_with_yes_alone_may_run_twice(argv, unknown):
    from heal.fixes.retry import unknown_programs

    assert unknown_programs(argv) == unknown
