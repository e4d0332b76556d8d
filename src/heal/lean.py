"""Stand-ins for the few standard-library helpers the `heal -- CMD` fast path needs.

contextlib imports collections and functools (and, through them, more), which costs a `heal -- true`
more than the rest of its own code: this module imports nothing.
"""

from __future__ import annotations


class suppress:  # noqa: N801 - named as contextlib's, and used the same way
    """contextlib.suppress: `with suppress(OSError): ...` swallows those exceptions and nothing else."""

    __slots__ = ("_exceptions",)

    def __init__(self, *exceptions: type[BaseException]) -> None:
        self._exceptions = exceptions

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> bool:
        # issubclass, as contextlib does: a subclass of a suppressed exception is suppressed too
        return exc_type is not None and issubclass(exc_type, self._exceptions)
