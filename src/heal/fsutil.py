"""File writes that are all-or-nothing: a crash leaves the old file or the new one, never half of it."""

from __future__ import annotations

import os


def write_atomic(path: str, data: bytes, mode: int | None = None) -> None:
    """Write data to path via a temporary file in the same directory, fsync, then rename over."""
    directory = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666 if mode is None else mode)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        os.unlink(tmp)
        raise
    os.close(fd)
    if mode is not None:
        os.chmod(tmp, mode)
    os.replace(tmp, path)


def toml_module():
    """tomllib, or tomli on Python 3.10: the one place that knows which (its TOMLDecodeError is a ValueError)."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    return tomllib


def load_toml(path: str) -> dict:
    """A TOML file's table. OSError when it cannot be read; ValueError (TOMLDecodeError, UnicodeDecodeError)
    when it is not TOML; RecursionError when nested deeper than the parser can go."""
    with open(path, "rb") as fh:
        return toml_module().load(fh)
