"""Start a program the way a shell would: argv exec'd directly, shell-like errors when it can't start.

posix_spawn rather than fork: it is cheaper, reports exec failures synchronously, and keeps the file
descriptors heal inherited (a make jobserver's fds, for example) open for the child, which is what
running the command without heal would do.
"""

from __future__ import annotations

import errno
import os
import _signal as signal  # not signal: its enums cost more than this whole module (see heal.runner)
from _collections_abc import Mapping, Sequence

# Python ignores these at start-up; a child must get the defaults or `heal -- yes | head -1` never ends.
_DEFAULT_SIGNALS = tuple(
    s for s in (getattr(signal, "SIGPIPE", None), getattr(signal, "SIGXFSZ", None)) if s is not None
)


class SpawnError(Exception):
    """The program could not be started; carries the shell's exit status and message for it."""

    def __init__(self, exit_code: int, message: str) -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.message = message


def spawn(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | None = None,
    stdin: int | None = None,
    stdout: int | None = None,
    stderr: int | None = None,
    ctty: str | None = None,
    new_group: bool = True,
) -> int:
    """Start argv and return its pid, or raise SpawnError (127 not found, 126 cannot execute).

    `ctty`: path of a terminal that becomes the child's stdin/stdout/stderr *and* controlling terminal
    (the child gets its own session). Otherwise the child gets its own process group (`new_group`), so
    heal can signal it and everything it started as one unit.
    """
    if not argv:
        raise SpawnError(2, "heal: no command given")
    if not argv[0]:
        raise SpawnError(127, "heal: : command not found")  # what a shell says for ''
    actions: list[tuple] = []
    if ctty is not None:
        # setsid happens before the file actions, so opening the terminal makes it the controlling one.
        actions.append((os.POSIX_SPAWN_OPEN, 0, ctty, os.O_RDWR, 0))
        actions.append((os.POSIX_SPAWN_DUP2, 0, 1))
        actions.append((os.POSIX_SPAWN_DUP2, 0, 2))
    else:
        for target, fd in ((0, stdin), (1, stdout), (2, stderr)):
            if fd is not None and fd != target:
                actions.append((os.POSIX_SPAWN_DUP2, fd, target))
    kwargs: dict = {"file_actions": actions, "setsigdef": _DEFAULT_SIGNALS}
    if ctty is not None:
        kwargs["setsid"] = True
    elif new_group:
        kwargs["setpgroup"] = 0
    environ = os.environ if env is None else env
    old_cwd = None
    if cwd is not None:
        # posix_spawn has no chdir action in Python; heal is single-threaded, so a chdir round trip is safe.
        old_cwd = os.getcwd()
        os.chdir(cwd)
    try:
        try:
            return os.posix_spawnp(argv[0], list(argv), environ, **kwargs)
        except OSError as exc:
            if exc.errno != errno.ENOEXEC:
                raise _spawn_error(argv[0], exc, environ) from None
            # No #! line: shells run such a file as a shell script, so do the same.
            path = _resolve(argv[0], environ) or argv[0]
            try:
                return os.posix_spawn("/bin/sh", ["/bin/sh", path, *argv[1:]], environ, **kwargs)
            except OSError as exc2:
                raise _spawn_error(argv[0], exc2, environ) from None
    finally:
        if old_cwd is not None:
            os.chdir(old_cwd)


def _resolve(name: str, env: Mapping[str, str]) -> str | None:
    if "/" in name:
        return name if os.path.exists(name) else None
    for d in env.get("PATH", os.defpath).split(os.pathsep):
        candidate = os.path.join(d or ".", name)
        if os.path.isfile(candidate):
            return candidate
    return None


def _spawn_error(name: str, exc: OSError, env: Mapping[str, str]) -> SpawnError:
    if exc.errno == errno.ENOENT:
        path = _resolve(name, env)
        if path is not None and os.path.isfile(path):
            # The file is there, so the missing piece is its #! interpreter (bash says the same).
            interp = _shebang(path)
            return SpawnError(126, f"heal: {name}: {interp}: bad interpreter: No such file or directory")
        if "/" in name:
            return SpawnError(127, f"heal: {name}: No such file or directory")
        return SpawnError(127, f"heal: {name}: command not found")
    if exc.errno == errno.ENAMETOOLONG and "/" not in name:
        # A name searched in PATH that no directory can hold is simply not found (bash: 127); a path
        # that long is "File name too long" (126), below.
        return SpawnError(127, f"heal: {name}: command not found")
    path = _resolve(name, env)
    if path is not None and os.path.isdir(path):
        return SpawnError(126, f"heal: {name}: Is a directory")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return SpawnError(126, f"heal: {name}: Permission denied")
    return SpawnError(126, f"heal: {name}: {os.strerror(exc.errno or 0)}")


def _shebang(path: str) -> str:
    try:
        with open(path, "rb") as fh:
            first = fh.readline(256)
    except OSError:
        return "interpreter"
    if first.startswith(b"#!"):
        parts = first[2:].strip().split()
        if parts:
            return parts[0].decode(errors="replace")
    return "interpreter"
