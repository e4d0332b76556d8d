"""heal.memo answers as functools.lru_cache does, for the functions heal gives it."""

from __future__ import annotations

import functools

import pytest

from heal.memo import memo


def test_memo_calls_once_per_arguments_and_keeps_the_function_s_names():
    calls = []

    def square(x: int) -> int:
        """The square."""
        calls.append(x)
        return x * x

    cached = memo(square)
    assert [cached(3), cached(3), cached(4), cached(3)] == [9, 9, 16, 9]
    assert calls == [3, 4]
    assert (cached.__name__, cached.__doc__, cached.__wrapped__) == ("square", "The square.", square)
    cached.cache_clear()
    cached(3)
    assert calls == [3, 4, 3]


def test_memo_refuses_unhashable_arguments_as_lru_cache_does():
    with pytest.raises(TypeError):
        memo(len)([1, 2])
    with pytest.raises(TypeError):
        functools.lru_cache(maxsize=None)(len)([1, 2])


def test_a_limited_memo_starts_again_when_full():
    calls = []
    cached = memo(lambda x: calls.append(x) or x, limit=2)
    for x in (1, 2, 1, 3, 1):
        cached(x)
    assert calls == [1, 2, 3, 1]  # full at 3: emptied, so 1 is computed again


def test_an_exception_is_not_remembered():
    calls = []

    def flaky(x: int) -> int:
        calls.append(x)
        if len(calls) == 1:
            raise ValueError("first time")
        return x

    cached = memo(flaky)
    with pytest.raises(ValueError):
        cached(1)
    assert cached(1) == 1 and calls == [1, 1]
