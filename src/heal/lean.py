"""Stand-ins for standard-library helpers whose modules cost more to import than heal's use of them.

contextlib imports collections and functools (and, through them, more), which costs a `heal -- true` more
than the rest of its own code; shutil imports bz2, lzma and fnmatch, which planning a fix paid for
`shutil.which` alone. This module imports only os.
"""

from __future__ import annotations

import os


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


def which(cmd: str, path: str | None = None) -> str | None:
    """shutil.which on POSIX: the first executable file named cmd in path (PATH by default), or cmd itself when
    it names a directory part and is executable."""
    if os.path.dirname(cmd):
        return cmd if _executable(cmd) else None
    if path is None:
        path = os.environ.get("PATH")
        if path is None:
            try:
                path = os.confstr("CS_PATH")
            except (AttributeError, ValueError):
                path = os.defpath
    if not path:
        return None
    seen = set()
    for directory in path.split(os.pathsep):
        if directory in seen:
            continue
        seen.add(directory)
        name = os.path.join(directory, cmd)
        if _executable(name):
            return name
    return None


def _executable(path: str) -> bool:
    return os.path.exists(path) and os.access(path, os.X_OK) and not os.path.isdir(path)
