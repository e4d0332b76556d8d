"""When to stop and how long to wait, as values (tenacity's shape): small callables composed with `|`,
shared by the healing loop and the retry action.

    stop_after_attempt(3) | stop_after_delay(900) | stop_on_repeat()

A stop is called with a State and says why it stops (a non-empty reason) or "" to go on.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class State:
    attempt: int  # attempts (reruns, or retries for the retry action) already made
    elapsed: float  # seconds since the first failure
    repeated: bool = False  # the failure is the same one a fix was just applied for


RetryState = State  # the retry action's name for it


class Stop:
    def reason(self, state: State) -> str:
        """Why the policy stops here, or "" to go on."""
        raise NotImplementedError

    def __call__(self, state: State) -> bool:
        return bool(self.reason(state))

    def __or__(self, other: Stop) -> Stop:
        return _AnyStop(self, other)


@dataclass(frozen=True)
class _AnyStop(Stop):
    a: Stop
    b: Stop

    def reason(self, state: State) -> str:
        return self.a.reason(state) or self.b.reason(state)


@dataclass(frozen=True)
class stop_after_attempt(Stop):  # noqa: N801 - reads as the policy it is
    attempts: int

    def reason(self, state: State) -> str:
        return f"still failing after {self.attempts} attempts" if state.attempt >= self.attempts else ""


@dataclass(frozen=True)
class stop_after_delay(Stop):  # noqa: N801
    seconds: float

    def reason(self, state: State) -> str:
        return f"time budget of {self.seconds:.0f}s spent" if state.elapsed >= self.seconds else ""


@dataclass(frozen=True)
class stop_on_repeat(Stop):  # noqa: N801
    """The fix did not change the failure: trying the next one blindly would not either."""

    def reason(self, state: State) -> str:
        return "the same failure again after the fix" if state.repeated else ""


@dataclass(frozen=True)
class wait_exponential_jitter:  # noqa: N801
    """A uniform wait in [high/2, high], high = min(cap, base * 2**attempt): jitter still spreads the
    retries of many clients, and the floor keeps the backoff real (full jitter over [0, high] gave three
    retries of a 503 that together waited 0.6 s, which no outage is over by)."""

    base: float = 1.0
    cap: float = 30.0
    rng: random.Random | None = None

    def __call__(self, state: State) -> float:
        high = min(self.cap, self.base * (2 ** min(state.attempt, 64)))
        return (self.rng or random).uniform(high / 2, high)


@dataclass(frozen=True)
class Policy:
    stop: Stop
    wait: wait_exponential_jitter

    def next_wait(self, state: State, retry_after: float | None = None) -> float | None:
        """Seconds to wait before the next try, or None when the policy says stop."""
        if self.stop(state):
            return None
        wait = self.wait(state)
        if retry_after is not None:
            wait = max(wait, retry_after)  # the server said when: never sooner
        return wait
