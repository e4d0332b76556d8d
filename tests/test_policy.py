"""Stop and wait policies as composable values (tenacity-style), shared by the loop and the retry action;
and Retry-After."""

from __future__ import annotations

import random

from heal.fixes.retry import retry_after
from heal.policy import (Policy, RetryState, State, stop_after_attempt, stop_after_delay, stop_on_repeat,
                         wait_exponential_jitter)


def test_stops_compose_with_or():
    stop = stop_after_attempt(3) | stop_after_delay(10)
    assert not stop(RetryState(2, 5.0))
    assert stop(RetryState(3, 0.0))
    assert stop(RetryState(0, 10.0))


def test_full_jitter_stays_within_the_exponential_bound():
    wait = wait_exponential_jitter(base=0.5, cap=4.0, rng=random.Random(7))
    for attempt in range(8):
        bound = min(4.0, 0.5 * 2 ** attempt)
        samples = [wait(RetryState(attempt, 0.0)) for _ in range(200)]
        assert all(0 <= s <= bound for s in samples)
        assert max(samples) > bound * 0.8  # it really spreads over the whole range


def test_retry_after_is_a_floor_and_the_stop_wins():
    policy = Policy(stop_after_attempt(2), wait_exponential_jitter(0.01, 0.02))
    assert policy.next_wait(RetryState(0, 0.0), retry_after=5.0) == 5.0
    assert policy.next_wait(RetryState(2, 0.0)) is None


def test_retry_after_is_read_from_headers_json_and_prose():
    assert retry_after("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 30\r\n") == 30
    assert retry_after('{"error": "rate limit exceeded", "retry_after": 12}') == 12
    assert retry_after("API rate limit exceeded; try again in 7 seconds") == 7
    assert retry_after("connection refused") is None


def test_the_loop_stops_for_attempts_budget_or_the_same_failure_and_says_why():
    stop = stop_after_attempt(3) | stop_after_delay(900) | stop_on_repeat()
    assert stop.reason(State(2, 10.0)) == ""
    assert stop.reason(State(3, 10.0)) == "still failing after 3 attempts"
    assert stop.reason(State(0, 900.0)) == "time budget of 900s spent"
    assert stop.reason(State(1, 1.0, repeated=True)) == "the same failure again after the fix"
    assert stop.reason(State(3, 950.0, repeated=True)) == "still failing after 3 attempts"  # the first one wins


def test_a_huge_attempt_number_does_not_overflow_the_backoff():
    wait = wait_exponential_jitter(base=1.0, cap=30.0, rng=random.Random(1))
    assert 15.0 <= wait(State(10_000, 0.0)) <= 30.0
