"""functools.lru_cache's memo without importing functools, which imports collections: ~1.3 ms of a failing
run that otherwise uses neither (modules on a failure's path also take their abstract classes from
_collections_abc, which collections.abc re-exports and the interpreter has loaded at start-up)."""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Callable, TypeVar

    F = TypeVar("F", bound=Callable)


def memo(function: F, limit: int = 0) -> F:
    """lru_cache(maxsize=None) for a function of hashable positional arguments (a TypeError for others, as
    lru_cache gives); with a limit, the memo is emptied when it holds that many results. cache_clear() too."""
    results: dict = {}

    def memoised(*args: object) -> object:
        try:
            return results[args]
        except KeyError:
            pass
        value = function(*args)
        if limit and len(results) >= limit:
            results.clear()
        results[args] = value
        return value

    memoised.__name__ = function.__name__
    memoised.__qualname__ = function.__qualname__
    memoised.__doc__ = function.__doc__
    memoised.__wrapped__ = function  # type: ignore[attr-defined]
    memoised.cache_clear = results.clear  # type: ignore[attr-defined]
    return memoised  # type: ignore[return-value]
