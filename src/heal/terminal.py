"""The little terminal plumbing the runner needs: raw mode, window size, foreground process group."""

from __future__ import annotations

import fcntl
import os
import termios

from heal.lean import suppress

_WINSZ = b"\0" * 8


def is_interactive() -> bool:
    return os.isatty(0) and os.isatty(1)


def get_winsize(fd: int) -> bytes | None:
    try:
        return fcntl.ioctl(fd, termios.TIOCGWINSZ, _WINSZ)
    except OSError:
        return None


def copy_winsize(src: int, dst: int) -> None:
    size = get_winsize(src)
    if size is not None:
        with suppress(OSError):
            fcntl.ioctl(dst, termios.TIOCSWINSZ, size)


def get_attrs(fd: int) -> list | None:
    try:
        return termios.tcgetattr(fd)
    except termios.error:
        return None


def set_attrs(fd: int, attrs: list | None) -> None:
    if attrs is not None:
        with suppress(termios.error, OSError):
            termios.tcsetattr(fd, termios.TCSANOW, attrs)


def set_raw(fd: int) -> None:
    # TCSANOW, not the default TCSAFLUSH: keys typed before the command started must not be lost.
    import tty  # only a pty run needs it

    with suppress(termios.error, OSError):
        tty.setraw(fd, termios.TCSANOW)


def owns_foreground(fd: int) -> bool:
    """True when fd is our controlling terminal and our process group is in the foreground on it."""
    try:
        return os.isatty(fd) and os.tcgetpgrp(fd) == os.getpgrp()
    except OSError:
        return False


def open_tty() -> int | None:
    """heal's controlling terminal (/dev/tty), whatever its stdio is; None when it has none."""
    try:
        return os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError:
        return None


def foreground_of(fd: int) -> int | None:
    try:
        return os.tcgetpgrp(fd)
    except OSError:
        return None


def control_char(attrs: list, index: int) -> bytes:
    c = attrs[6][index]
    c = c if isinstance(c, bytes) else bytes([c])
    return b"" if c in (b"\0", b"\xff") else c  # _POSIX_VDISABLE: the key is switched off


def eof_char(fd: int) -> bytes:
    attrs = get_attrs(fd)
    return control_char(attrs, termios.VEOF) if attrs is not None else b"\x04"
