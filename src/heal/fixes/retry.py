"""retry: transient failures (refused or reset connections, DNS hiccups, timeouts, HTTP 5xx/429, a hang, a
test that passes on a second run) are run again after an exponential backoff with full jitter.

The policy is made of values, tenacity-style: a stop condition and a wait, composed with | and called
with the retry state; no flags threaded through the loop.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from heal.fixes.model import Fix, PlanContext


@dataclass(frozen=True)
class RetryState:
    attempt: int  # retries already made for this failure
    elapsed: float  # seconds spent on it so far


class Stop:
    def __call__(self, state: RetryState) -> bool:
        raise NotImplementedError

    def __or__(self, other: Stop) -> Stop:
        return _AnyStop(self, other)


@dataclass(frozen=True)
class _AnyStop(Stop):
    a: Stop
    b: Stop

    def __call__(self, state: RetryState) -> bool:
        return self.a(state) or self.b(state)


@dataclass(frozen=True)
class stop_after_attempt(Stop):  # noqa: N801 - reads as the policy it is
    attempts: int

    def __call__(self, state: RetryState) -> bool:
        return state.attempt >= self.attempts


@dataclass(frozen=True)
class stop_after_delay(Stop):  # noqa: N801
    seconds: float

    def __call__(self, state: RetryState) -> bool:
        return state.elapsed >= self.seconds


@dataclass(frozen=True)
class wait_exponential_jitter:  # noqa: N801
    """Full jitter: a uniform wait in [0, min(cap, base * 2**attempt)] (the AWS architecture blog's
    recommendation: it spreads retries of many clients best)."""

    base: float = 1.0
    cap: float = 30.0
    rng: random.Random | None = None

    def __call__(self, state: RetryState) -> float:
        high = min(self.cap, self.base * (2 ** state.attempt))
        return (self.rng or random).uniform(0, high)


@dataclass(frozen=True)
class Policy:
    stop: Stop
    wait: wait_exponential_jitter

    def next_wait(self, state: RetryState, retry_after: float | None = None) -> float | None:
        """Seconds to wait before the next try, or None when the policy says stop."""
        if self.stop(state):
            return None
        wait = self.wait(state)
        if retry_after is not None:
            wait = max(wait, retry_after)  # the server said when: never sooner
        return wait


_RETRY_AFTER = re.compile(r"(?i)retry[- ]after:?\s*(\d+(?:\.\d+)?)|retry in (\d+(?:\.\d+)?)\s*s|"
                          r"\"retry_after\":\s*(\d+(?:\.\d+)?)|try again in (\d+(?:\.\d+)?) seconds?")


def retry_after(output: str) -> float | None:
    """A Retry-After the server printed (header, JSON or prose), in seconds."""
    m = None
    for m in _RETRY_AFTER.finditer(output):
        pass
    if m is None:
        return None
    return float(next(g for g in m.groups() if g))


def policy_from(settings) -> Policy:
    attempts = int(settings.get("retry.attempts", 3))
    delay = float(settings.get("retry.max_delay", 120.0))
    return Policy(stop_after_attempt(attempts) | stop_after_delay(delay),
                  wait_exponential_jitter(float(settings.get("retry.base", 1.0)), float(settings.get("retry.cap", 30.0))))


def plan(step: dict, ctx: PlanContext, source: str, risk: str) -> Fix | None:
    limit = int(step.get("max_retries", 0)) or None
    if "max_retries_setting" in step:
        limit = int(ctx.settings.get(str(step["max_retries_setting"]), 0))
        if not limit:
            return None  # switched off
    policy = policy_from(ctx.settings)
    if limit is not None:
        policy = Policy(policy.stop | stop_after_attempt(limit), policy.wait)
    wait = policy.next_wait(RetryState(ctx.retries, ctx.elapsed), retry_after(ctx.output))
    if wait is None:
        return None
    why = step.get("why") or ctx.diagnosis.summary
    return Fix("retry", f"run it again in {wait:.1f}s ({why}; retry {ctx.retries + 1})", None, risk="low",
               source=source, confidence=0.6, wait=wait)
