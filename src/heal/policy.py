"""When to stop and how long to wait, as values (tenacity's shape): small callables composed with `|`,
shared by the healing loop and the retry action.

    stop_after_attempt(3) | stop_after_delay(900) | stop_on_repeat()

A stop is called with a State and says why it stops (a non-empty reason) or "" to go on.
"""

from __future__ import annotations

from heal.record import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: the healing loop builds these on every failure
if TYPE_CHECKING:
    import random


class State(Record):
    """attempt: attempts (reruns, or retries for the retry action) already made; elapsed: seconds since the
    first failure; repeated: the failure is the same one a fix was just applied for."""

    __slots__ = ("attempt", "elapsed", "repeated")
    attempt: int
    elapsed: float
    repeated: bool

    def __init__(self, attempt: int, elapsed: float, repeated: bool = False) -> None:
        self._fill(attempt, elapsed, repeated)


RetryState = State  # the retry action's name for it


class Stop(Record):
    __slots__ = ()

    def reason(self, state: State) -> str:
        """Why the policy stops here, or "" to go on."""
        raise NotImplementedError

    def __call__(self, state: State) -> bool:
        return bool(self.reason(state))

    def __or__(self, other: Stop) -> Stop:
        return _AnyStop(self, other)


class _AnyStop(Stop):
    __slots__ = ("a", "b")
    a: Stop
    b: Stop

    def __init__(self, a: Stop, b: Stop) -> None:
        self._fill(a, b)

    def reason(self, state: State) -> str:
        return self.a.reason(state) or self.b.reason(state)


class stop_after_attempt(Stop):  # noqa: N801 - reads as the policy it is
    __slots__ = ("attempts",)
    attempts: int

    def __init__(self, attempts: int) -> None:
        self._fill(attempts)

    def reason(self, state: State) -> str:
        return f"still failing after {self.attempts} attempts" if state.attempt >= self.attempts else ""


class stop_after_delay(Stop):  # noqa: N801
    __slots__ = ("seconds",)
    seconds: float

    def __init__(self, seconds: float) -> None:
        self._fill(seconds)

    def reason(self, state: State) -> str:
        return f"time budget of {self.seconds:.0f}s spent" if state.elapsed >= self.seconds else ""


class stop_on_repeat(Stop):  # noqa: N801
    """The fix did not change the failure: trying the next one blindly would not either."""

    __slots__ = ()

    def reason(self, state: State) -> str:
        return "the same failure again after the fix" if state.repeated else ""


class wait_exponential_jitter(Record):  # noqa: N801
    """A uniform wait in [high/2, high], high = min(cap, base * 2**attempt): jitter still spreads the
    retries of many clients, and the floor keeps the backoff real (full jitter over [0, high] gave three
    retries of a 503 that together waited 0.6 s, which no outage is over by)."""

    __slots__ = ("base", "cap", "rng")
    base: float
    cap: float
    rng: random.Random | None

    def __init__(self, base: float = 1.0, cap: float = 30.0, rng: random.Random | None = None) -> None:
        self._fill(base, cap, rng)

    def __call__(self, state: State) -> float:
        high = min(self.cap, self.base * (2 ** min(state.attempt, 64)))
        if self.rng is not None:
            return self.rng.uniform(high / 2, high)
        import random  # only when a retry waits: its import is most of this module's cost otherwise

        return random.uniform(high / 2, high)


class Policy(Record):
    __slots__ = ("stop", "wait")
    stop: Stop
    wait: wait_exponential_jitter

    def __init__(self, stop: Stop, wait: wait_exponential_jitter) -> None:
        self._fill(stop, wait)

    def next_wait(self, state: State, retry_after: float | None = None) -> float | None:
        """Seconds to wait before the next try, or None when the policy says stop."""
        if self.stop(state):
            return None
        wait = self.wait(state)
        if retry_after is not None:
            wait = max(wait, retry_after)  # the server said when: never sooner
        return wait
