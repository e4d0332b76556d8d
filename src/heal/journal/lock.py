"""The project lock: one heal run (or rollback, or checkpoint restore) changes a project at a time.

The lock lives with the project, not with heal's state directory, so that every HEAL_HOME (a user's and an
agent's, say) excludes every other: in a git repository it is `<the work tree's git dir>/heal-project.lock`; elsewhere
a file named by the hash of the project's real path in a per-user directory. The lock file holds who has
it (pid, process start time, command) and the installer that holder started, so that a waiter can say what
it waits for, a nested heal can tell that its own ancestor holds it, and the next holder can wait for an
installer a killed heal left running.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import sys
import time
from collections.abc import Iterator

from heal import cjson  # json's own C scanner and encoder, without json's import of re
from heal.journal.errors import JournalError, Refused

LOCK_NAME = "heal-project.lock"
DEFAULT_WAIT = 900.0  # seconds: as long as heal's own healing budget


class LockTimeout(Refused):
    """Gave up waiting for a lock or for a process."""


class HeldByAncestor(Refused):
    """The project is locked by a heal that (indirectly) runs this process: waiting would deadlock."""

    def __init__(self, holder: dict) -> None:
        self.holder = holder
        super().__init__(f"the project is locked by heal pid {holder.get('pid')} ({describe(holder)}), "
                         f"which runs this command")


def wait_bound() -> float:
    """How long to wait for a lock or a leftover installer: HEAL_LOCK_TIMEOUT seconds, else DEFAULT_WAIT."""
    try:
        value = float(os.environ.get("HEAL_LOCK_TIMEOUT", ""))
    except ValueError:
        return DEFAULT_WAIT
    return value if value >= 0 and value == value and value != float("inf") else DEFAULT_WAIT


# --- processes ----------------------------------------------------------------------------------------

def start_time(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), None when it is gone.

    A pid together with its start time names one process even after the pid is reused."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    # the command name (field 2) is in parentheses and may itself contain spaces and parentheses
    fields = data[data.rfind(b")") + 2:].split()
    try:
        if fields[0] == b"Z":
            return None  # a zombie has finished; only its parent has not reaped it yet
        return int(fields[19])
    except (IndexError, ValueError):
        return None


def parent_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            data = fh.read()
        return int(data[data.rfind(b")") + 2:].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def alive(proc: dict | None) -> bool:
    """Whether the process a {"pid", "start"} record names is still running."""
    if not proc or not isinstance(proc.get("pid"), int) or proc["pid"] <= 0:
        return False
    now = start_time(proc["pid"])
    return now is not None and (proc.get("start") is None or now == proc.get("start"))


def is_ancestor(proc: dict) -> bool:
    pid: int | None = os.getppid()
    seen = 0
    while pid and pid > 1 and seen < 4096:
        if pid == proc.get("pid") and alive(proc):
            return True
        pid = parent_of(pid)
        seen += 1
    return False


def me(command: list[str] | tuple[str, ...] = ()) -> dict:
    return {"pid": os.getpid(), "start": start_time(os.getpid()), "command": [str(a) for a in command]}


def describe(proc: dict) -> str:
    command = proc.get("command")
    text = " ".join(str(a) for a in command) if isinstance(command, list) else ""
    return text[:200] or "unknown command"


def say(message: str) -> None:
    with contextlib.suppress(Exception):
        sys.stderr.write(f"heal: {message}\n")
        sys.stderr.flush()


def wait_for_process(proc: dict, what: str, bound: float | None = None) -> None:
    """Wait (saying so, bounded) until the process ends; LockTimeout if it outlives the bound."""
    if not alive(proc):
        return
    bound = wait_bound() if bound is None else bound
    say(f"waiting for {what} (pid {proc['pid']}: {describe(proc)}) to finish, up to {bound:.0f}s")
    deadline = time.monotonic() + bound
    delay = 0.02
    while alive(proc):
        if time.monotonic() >= deadline:
            raise LockTimeout(f"{what} (pid {proc['pid']}: {describe(proc)}) is still running after "
                              f"{bound:.0f}s; try again when it has finished")
        time.sleep(delay)
        delay = min(delay * 2, 0.25)


# --- where the lock lives -------------------------------------------------------------------------

def _git_dir(root: str) -> str | None:
    """The work tree's own git directory (`git rev-parse --git-dir`), read from the file system: a `.git`
    directory, or the directory a `.git` file points to (a linked worktree, a submodule). Per work tree, not
    the common directory: two worktrees of one repository are two projects."""
    dotgit = os.path.join(root, ".git")
    if os.path.isdir(dotgit):
        return dotgit
    try:
        with open(dotgit, encoding="utf-8", errors="surrogateescape") as fh:
            first = fh.readline().strip()
    except OSError:
        return None
    if not first.startswith("gitdir:"):
        return None
    gitdir = first[len("gitdir:"):].strip()
    gitdir = os.path.normpath(os.path.join(root, gitdir))
    return gitdir if os.path.isdir(gitdir) else None


def _user_lock_dir() -> str:
    """A directory only this user can write, shared by all of this user's HEAL_HOMEs."""
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    base = runtime if runtime and os.path.isabs(runtime) and _private(runtime) else None
    path = os.path.join(base, "heal-locks") if base else os.path.join("/tmp", f"heal-locks-{os.getuid()}")
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    except OSError as exc:
        raise JournalError(f"cannot create the lock directory {path}: {exc.strerror}") from None
    if not _private(path):
        # someone else's directory, or a symlink: a lock there would not exclude anything
        raise JournalError(f"the lock directory {path} is not a directory owned by you")
    return path


def _private(path: str) -> bool:
    try:
        st = os.lstat(path)
    except OSError:
        return False
    import stat

    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o022


def lock_path(root: str) -> str:
    real = os.path.realpath(root)
    gitdir = _git_dir(real)
    if gitdir and os.access(gitdir, os.W_OK):
        return os.path.join(gitdir, LOCK_NAME)
    from heal.digest import sha256_hex  # a lock outside git only

    name = sha256_hex(real.encode("utf-8", "surrogateescape"))[:24]
    return os.path.join(_user_lock_dir(), name + ".lock")


# --- the lock -------------------------------------------------------------------------------------

class ProjectLock:
    """A held project lock. `installer(proc)` records a process this holder started."""

    def __init__(self, path: str, fd: int, holder: dict, waited: bool = False) -> None:
        self.path = path
        self.fd = fd
        self.holder = holder
        self.waited = waited  # another process held it first: what it did is done by now

    def write(self) -> None:
        data = cjson.ascii_line(self.holder)
        with contextlib.suppress(OSError):
            os.ftruncate(self.fd, 0)
            os.pwrite(self.fd, data, 0)

    def installer(self, proc: dict | None) -> None:
        self.holder = {**self.holder, "installer": proc}
        self.write()


_held: dict[str, list] = {}  # lock path -> [ProjectLock, depth]: re-entrant within one process


def read_holder(fd: int) -> dict:
    try:
        data = os.pread(fd, 65536, 0)
        obj = cjson.loads(data) if data.strip() else {}
    except (OSError, ValueError, RecursionError):
        return {}
    return obj if isinstance(obj, dict) else {}


@contextlib.contextmanager
def project_lock(root: str, command: list[str] | tuple[str, ...] = (), *, wait: float | None = None,
                 ) -> Iterator[ProjectLock]:
    """Hold the project's lock. Waits (saying for whom, bounded by `wait`) while another process holds it;
    HeldByAncestor instead of waiting when the holder runs this very process (a nested heal)."""
    path = lock_path(root)
    if path in _held:
        _held[path][1] += 1
        try:
            yield _held[path][0]
        finally:
            _held[path][1] -= 1
        return
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        raise JournalError(f"cannot open the project lock {path}: {exc.strerror}") from None
    try:
        waited = _acquire(fd, path, wait)
        previous = read_holder(fd)
        # A heal killed while its installer ran leaves that installer running: let it finish first, so that
        # nothing this holder does (rollback, another install) races it. Until it has, the lock file keeps
        # naming it, for whoever comes next if this wait runs out.
        left = previous.get("installer")
        left = left if isinstance(left, dict) and not alive(previous) and alive(left) else None
        lock = ProjectLock(path, fd, {**me(command), "installer": left}, waited)
        lock.write()
        _held[path] = [lock, 1]
        try:
            if left is not None:
                wait_for_process(left, "an installer a killed heal left running", wait)
                lock.installer(None)
            yield lock
        finally:
            del _held[path]
            if not lock.holder.get("installer"):
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _try(fd: int, mode: int, path: str) -> bool:
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
        return True
    except OSError as exc:
        if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
            raise JournalError(f"cannot lock {path}: {exc.strerror}") from None
        return False


def flock(fd: int, mode: int, path: str, what: str, wait: float | None = None) -> None:
    """flock(fd, mode), waiting at most the bound, and saying first what it waits for."""
    if _try(fd, mode, path):
        return
    bound = wait_bound() if wait is None else wait
    say(f"waiting for {what}, up to {bound:.0f}s")
    deadline = time.monotonic() + bound
    delay = 0.02
    while not _try(fd, mode, path):
        if time.monotonic() >= deadline:
            raise LockTimeout(f"still waiting for {what} after {bound:.0f}s")
        time.sleep(delay)
        delay = min(delay * 2, 0.25)


def _acquire(fd: int, path: str, wait: float | None) -> bool:
    """Take the lock; whether another process held it first."""
    if _try(fd, fcntl.LOCK_EX, path):
        return False
    holder = read_holder(fd)
    if holder and is_ancestor(holder):
        raise HeldByAncestor(holder)
    who = f"pid {holder.get('pid')}: {describe(holder)}" if holder.get("pid") else "another heal"
    try:
        flock(fd, fcntl.LOCK_EX, path, f"the project lock ({who})", wait)
    except LockTimeout:
        raise LockTimeout(f"the project is still locked by {who} after {wait_bound() if wait is None else wait:.0f}s")
    return True
