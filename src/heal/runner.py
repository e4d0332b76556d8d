"""Run a command exactly as the shell would, streaming its output live and keeping a bounded copy.

Two modes:
- pipes: stdout and stderr each go through a pipe to heal's own stdout and stderr, byte-exact and
  unbuffered; stdin is inherited. Without a terminal the child gets its own process group and heal
  forwards SIGINT/SIGTERM/SIGHUP/SIGQUIT to it. When heal runs in a terminal's foreground (say
  `heal --no-pty -- git log | less`), the child stays in heal's process group instead, as it would in
  the shell's job: Ctrl-C, Ctrl-Z and hang-ups reach it straight from the terminal (so heal forwards
  only SIGTERM), terminal reads work, and the other commands of the pipeline keep the foreground.
- pty: the child runs on a pseudo-terminal in its own session, heal's terminal is put in raw mode and
  bytes are relayed both ways, so colours, progress bars, prompts and line editing behave as without
  heal. The window size follows SIGWINCH; the terminal mode is restored on every way out.

This module is also the one subprocess helper: heal's internal commands run through it with
`passthrough=False` (stdin from /dev/null, output captured, nothing shown); `heal.run` wraps it in the
RunSpec/RunResult dataclasses the rest of the pipeline uses.

It imports nothing beyond the standard library's process and terminal plumbing (no dataclasses, which
cost more to import than everything else here): on the success path of `heal -- CMD`, this is all
that runs.
"""

from __future__ import annotations

import contextlib
import errno
import os
import select
import signal
import termios
import time
from collections.abc import Callable, Mapping

from heal import terminal
from heal.capture import Capture
from heal.spawn import SpawnError, spawn

FORWARDED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
TIMEOUT_EXIT = 124  # what coreutils `timeout` exits with
# A pipe holds 64 KiB by default, so reads rarely return more; below glibc's mmap threshold, each
# read's buffer comes from the warm heap (1 MiB reads and pipes measured 40% slower here).
_CHUNK = 64 * 1024
_PTY_READ = 4095  # what Linux's pty driver returns at most per read
_GREEDY_LIMIT = 256 * 1024


class Outcome:
    """What the runner observed; heal.run turns it into a RunResult when the pipeline needs one."""

    __slots__ = ("exit_code", "signal", "timed_out", "hung", "capture", "duration", "exec_error", "stdout")

    def __init__(self, exit_code: int, signal: int | None, timed_out: bool, hung: bool, capture: Capture,
                 duration: float, exec_error: str | None, stdout: bytes | None) -> None:
        self.exit_code = exit_code
        self.signal = signal
        self.timed_out = timed_out
        self.hung = hung
        self.capture = capture
        self.duration = duration
        self.exec_error = exec_error
        self.stdout = stdout


class Runner:
    """Runs one command. The keyword arguments are RunSpec's fields (see heal.run)."""

    def __init__(
        self,
        argv: tuple[str, ...],
        *,
        pty: bool = False,
        timeout: float | None = None,
        idle_timeout: float | None = None,
        kill_grace: float = 5.0,
        head_bytes: int = 64 * 1024,
        tail_bytes: int = 1024 * 1024,
        passthrough: bool = True,
        cwd: str | None = None,
        env: Mapping[str, str] | None = None,
        keep_stdout: bool = False,
        on_spawn: Callable[[int], None] | None = None,
    ) -> None:
        self.argv = tuple(argv)
        self.pty = pty
        self.timeout = timeout
        self.idle_timeout = idle_timeout
        self.kill_grace = kill_grace
        self.passthrough = passthrough
        self.cwd = cwd
        self.env = env
        self.capture = Capture(head_bytes, tail_bytes)
        self.stdout_buf: bytearray | None = bytearray() if keep_stdout else None
        self.on_spawn = on_spawn  # told the child's pid as soon as it runs (the journal records installers)
        self.pid = 0
        self.pgid = 0
        self.status: int | None = None
        self.master = -1
        self.saved_attrs: list | None = None
        self.susp_char = b""  # the user's Ctrl-Z, when heal relays a terminal
        self.shared_group = False  # pipe mode in a terminal's foreground: the child is in heal's job
        self.timed_out = False
        self.hung = False
        self.kill_at: float | None = None
        self.wake_r = self.wake_w = -1
        self.old_handlers: dict[int, object] = {}
        self.old_wakeup = -1

    # --- set-up and tear-down -------------------------------------------------------------------

    def execute(self) -> Outcome:
        start = time.monotonic()
        try:
            self._install_signals()
            try:
                channels = self._start()
            except SpawnError as exc:
                msg = exc.message.encode() + b"\n"
                if self.passthrough:
                    _write_all(2, msg)
                self.capture.feed(msg)
                return Outcome(exc.exit_code, None, False, False, self.capture, time.monotonic() - start,
                               exc.message, b"" if self.stdout_buf is not None else None)
            try:
                if self.on_spawn is not None:
                    self.on_spawn(self.pid)
                self._loop(channels, start)
            except Exception as exc:
                # heal's own failure: stop relaying (our ends close below, so the child can't block on
                # a full pipe), but still wait for the child and return its real status.
                _write_all(2, f"heal: internal error while relaying output: {type(exc).__name__}: {exc}\n".encode())
            finally:
                for ch in channels:
                    ch.close()
                if self.status is None:
                    self._reap_blocking()
        finally:
            self._restore_terminal()
            self._restore_signals()
        status = self.status if self.status is not None else 0
        sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        if self.timed_out or self.hung:
            code = TIMEOUT_EXIT
        elif sig is not None:
            code = 128 + sig
        else:
            code = os.waitstatus_to_exitcode(status)
        stdout = bytes(self.stdout_buf) if self.stdout_buf is not None else None
        return Outcome(code, sig, self.timed_out, self.hung, self.capture, time.monotonic() - start, None, stdout)

    def _install_signals(self) -> None:
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(self.wake_w, False)
        try:
            self.old_wakeup = signal.set_wakeup_fd(self.wake_w, warn_on_full_buffer=False)
        except ValueError:  # not the main thread: no signal handling, plain polling below
            self.old_wakeup = None  # type: ignore[assignment]
            return
        wanted = [signal.SIGCHLD, signal.SIGWINCH]
        if self.passthrough:
            wanted += FORWARDED_SIGNALS
        for sig in wanted:
            old = signal.getsignal(sig)
            if old == signal.SIG_IGN and sig in FORWARDED_SIGNALS:
                continue  # ignored when heal started (nohup, `cmd &` in a script): the child keeps ignoring it
            self.old_handlers[sig] = old
            signal.signal(sig, self._on_signal)

    def _restore_signals(self) -> None:
        for sig, old in self.old_handlers.items():
            with contextlib.suppress(Exception):
                signal.signal(sig, old)  # type: ignore[arg-type]
        if self.old_wakeup is not None:
            with contextlib.suppress(Exception):
                signal.set_wakeup_fd(self.old_wakeup)
        for fd in (self.wake_r, self.wake_w):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)

    def _on_signal(self, sig: int, frame: object) -> None:
        if sig in FORWARDED_SIGNALS:
            if self.shared_group and sig != signal.SIGTERM:
                return  # the terminal sent it to the whole job, the child included
            self._signal_child(sig)
        elif sig == signal.SIGWINCH and self.master >= 0:
            terminal.copy_winsize(1, self.master)
        # SIGCHLD: the wakeup fd already woke the loop, which reaps.

    def _signal_child(self, sig: int) -> None:
        if self.status is not None or not self.pid:
            return
        if self.shared_group:
            with contextlib.suppress(OSError):
                os.kill(self.pid, sig)
            return
        targets = {self.pgid}
        if self.master >= 0:
            fg = terminal.foreground_of(self.master)
            if fg and fg > 0:
                targets.add(fg)  # a shell inside the pty may have put a job in the foreground
        for pg in targets:
            with contextlib.suppress(OSError):
                os.killpg(pg, sig)

    def _start(self) -> list[_Channel]:
        if self.pty:
            return self._start_pty()
        out_r, out_w = _pipe()
        err_r, err_w = _pipe()
        devnull = -1
        try:
            stdin = None
            if not self.passthrough:
                devnull = os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)
                stdin = devnull
            else:
                self.shared_group = any(terminal.owns_foreground(fd) for fd in (0, 1, 2))
            self.pid = spawn(
                self.argv,
                env=self.env,
                cwd=self.cwd,
                stdin=stdin,
                stdout=out_w,
                stderr=err_w,
                new_group=not self.shared_group,
            )
        except BaseException:
            for fd in (out_r, err_r):
                os.close(fd)
            raise
        finally:
            for fd in (out_w, err_w, devnull):
                if fd >= 0:
                    os.close(fd)
        self.pgid = os.getpgrp() if self.shared_group else self.pid
        dst_out, dst_err = (1, 2) if self.passthrough else (None, None)
        return [
            _Channel(out_r, dst_out, close_on_dead_dst=True, extra=self.stdout_buf),
            _Channel(err_r, dst_err, close_on_dead_dst=True),
        ]

    def _start_pty(self) -> list[_Channel]:
        master, slave = os.openpty()
        try:
            self.saved_attrs = terminal.get_attrs(0)
            terminal.set_attrs(slave, self.saved_attrs)
            terminal.copy_winsize(1, slave)
            self.pid = spawn(self.argv, env=self.env, cwd=self.cwd, ctty=os.ttyname(slave))
        except BaseException:
            os.close(master)
            self.saved_attrs = None
            raise
        finally:
            os.close(slave)
        self.pgid = self.pid
        self.master = master
        if self.saved_attrs is not None:
            terminal.set_raw(0)
        # stdin that is not a terminal (--pty in a pipe) ends with an EOF the child can see.
        eof = b"" if self.saved_attrs is not None else terminal.eof_char(master)
        if self.saved_attrs is not None:
            self.susp_char = terminal.control_char(self.saved_attrs, termios.VSUSP)
        os.set_blocking(master, False)
        return [
            _Channel(master, 1, close_on_dead_dst=False, extra=self.stdout_buf, greedy=True),
            _Channel(0, master, close_on_dead_dst=False, capture=False, owns_src=False, eof_bytes=eof,
                     filter=self._filter_input),
        ]

    def _restore_terminal(self) -> None:
        if self.saved_attrs is not None:
            terminal.set_attrs(0, self.saved_attrs)
        if self.master >= 0:
            with contextlib.suppress(OSError):
                os.close(self.master)
            self.master = -1

    # --- the loop -------------------------------------------------------------------------------

    def _loop(self, channels: list[_Channel], start: float) -> None:
        poller = select.poll()
        by_fd: dict[int, _Channel] = {}
        for ch in channels:
            by_fd[ch.src] = ch
            poller.register(ch.src, select.POLLIN)
        poller.register(self.wake_r, select.POLLIN)
        deadline = start + self.timeout if self.timeout else None
        last_output = start
        while True:
            now = time.monotonic()
            self._check_timers(now, deadline, last_output)
            if self.status is not None:
                break
            wait = self._next_wait(now, deadline, last_output)
            try:
                events = poller.poll(wait)
            except InterruptedError:  # pragma: no cover - PEP 475 retries, kept for safety
                continue
            woken = self.old_wakeup is None or not events  # no signal support, or a timer fired
            for fd, ev in events:
                if fd == self.wake_r:
                    _drain(self.wake_r)
                    woken = True
                    continue
                ch = by_fd.get(fd)
                if ch is None:
                    continue
                got = ch.pump(self.capture)
                if got is None:  # EOF or dead
                    with contextlib.suppress(KeyError, ValueError):
                        poller.unregister(fd)
                    by_fd.pop(fd, None)
                    ch.close()
                elif got and ch.capture:
                    last_output = time.monotonic()
            if woken:
                self._reap()
        # The child has exited: take what it left in the pipes, but don't wait for grandchildren that
        # still hold them open (a daemon it started, `cmd &`): a shell would not wait for those either.
        for ch in list(by_fd.values()):
            if ch.capture:  # never the pty's input side: what the user types next is not ours
                ch.drain(self.capture)

    def _next_wait(self, now: float, deadline: float | None, last_output: float) -> int | None:
        times = []
        if deadline is not None and not self.timed_out:
            times.append(deadline)
        if self.idle_timeout and not self.hung and not self.timed_out:
            times.append(last_output + self.idle_timeout)
        if self.kill_at is not None and self.kill_at != float("inf"):
            times.append(self.kill_at)
        if self.old_wakeup is None:
            times.append(now + 0.05)
        if not times:
            return None
        return max(0, int((min(times) - now) * 1000) + 1)

    def _check_timers(self, now: float, deadline: float | None, last_output: float) -> None:
        if self.status is not None or self.kill_at is not None and now < self.kill_at:
            return
        if self.kill_at is not None:
            self._signal_child(signal.SIGKILL)
            self.kill_at = float("inf")  # sent once; wait for the exit
            return
        if deadline is not None and now >= deadline:
            self.timed_out = True
        elif self.idle_timeout and now >= last_output + self.idle_timeout:
            self.hung = True
        else:
            return
        self._signal_child(signal.SIGTERM)
        self.kill_at = now + max(0.0, self.kill_grace)

    def _reap(self) -> None:
        if self.status is not None:
            return
        try:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            self.status = 0
            return
        if pid:
            self.status = status

    def _reap_blocking(self) -> None:
        while self.status is None:
            try:
                _, status = os.waitpid(self.pid, 0)
            except ChildProcessError:
                self.status = 0
                return
            except InterruptedError:  # pragma: no cover
                continue
            self.status = status

    def _filter_input(self, data: bytes) -> bytes:
        """Ctrl-Z typed at the user's terminal: suspend the command and heal together, as a shell's
        job control would. (The pty's own ^Z can't: the command's session has no job control, so the
        kernel discards the stop signal, which is what script(1) users get.)"""
        susp = self.susp_char
        if not susp or susp not in data:
            return data
        attrs = terminal.get_attrs(self.master)
        if attrs is None or not attrs[3] & termios.ISIG:
            return data  # a full-screen program reads keys raw: ^Z is its own business
        before, _, after = data.partition(susp)
        if before:
            _write_all(self.master, before)
        target = terminal.foreground_of(self.master) or self.pgid
        with contextlib.suppress(OSError):
            os.killpg(target, signal.SIGSTOP)
        terminal.set_attrs(0, self.saved_attrs)
        with contextlib.suppress(OSError):
            os.killpg(os.getpgrp(), signal.SIGTSTP)
        # Resumed by `fg` (or never stopped, when heal's own group has no job control).
        terminal.set_raw(0)
        terminal.copy_winsize(1, self.master)
        with contextlib.suppress(OSError):
            os.killpg(target, signal.SIGCONT)
        return self._filter_input(after)


class _Channel:
    """One byte stream from a source fd to a destination fd, feeding the capture on the way."""

    __slots__ = ("src", "dst", "close_on_dead_dst", "capture", "extra", "owns_src", "eof_bytes", "filter", "closed",
                 "greedy")

    def __init__(
        self,
        src: int,
        dst: int | None,
        *,
        close_on_dead_dst: bool,
        capture: bool = True,
        extra: bytearray | None = None,
        owns_src: bool = True,
        eof_bytes: bytes = b"",
        filter: Callable[[bytes], bytes] | None = None,
        greedy: bool = False,
    ) -> None:
        self.src = src
        self.dst = dst
        self.close_on_dead_dst = close_on_dead_dst
        self.capture = capture
        self.extra = extra
        self.owns_src = owns_src
        self.eof_bytes = eof_bytes  # written to dst when src ends (the pty's EOF character)
        self.filter = filter
        self.greedy = greedy  # keep reading while data is ready (needs a non-blocking src)
        self.closed = False

    def pump(self, cap: Capture) -> int | None:
        """Move one chunk. Returns bytes moved, or None when this channel is finished."""
        try:
            data = os.read(self.src, _CHUNK)
            if self.greedy and len(data) >= _PTY_READ:
                # A pty hands out at most 4095 bytes a read: gather what is already there into one write,
                # which halves heal's per-byte overhead on a fast stream.
                parts = [data]
                size = len(data)
                try:
                    while size < _GREEDY_LIMIT:
                        more = os.read(self.src, _CHUNK)
                        if not more:
                            break
                        parts.append(more)
                        size += len(more)
                        if len(more) < _PTY_READ:
                            break
                except OSError:
                    pass  # nothing more now (EAGAIN), or the slave closed (EIO): the next poll tells
                data = b"".join(parts)
        except BlockingIOError:
            return 0
        except OSError:  # EIO: pty master once the last slave fd closed; EBADF: stdin was closed
            data = b""
        n = len(data)
        if not n:
            if self.eof_bytes and self.dst is not None:
                _write_all(self.dst, self.eof_bytes)
            return None
        if self.filter is not None:
            data = self.filter(data)
        if self.capture:
            cap.feed(data)
            if self.extra is not None:
                self.extra += data
        if self.dst is not None and not _write_all(self.dst, data):
            return None if self._dead() else n
        return n

    def _dead(self) -> bool:
        """The destination is gone. True when this channel should end here."""
        self.dst = None
        # Pipes: close our end so the child gets SIGPIPE on its next write, as it would without heal.
        # A pty keeps being read so the child never blocks on a full terminal.
        return self.close_on_dead_dst

    def drain(self, cap: Capture) -> None:
        if self.closed:
            return
        with contextlib.suppress(OSError):
            os.set_blocking(self.src, False)
        while True:
            try:
                got = self.pump(cap)
            except OSError:
                break
            if not got:
                break
        self.close()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            if self.owns_src:
                with contextlib.suppress(OSError):
                    os.close(self.src)


def _pipe() -> tuple[int, int]:
    r, w = os.pipe()
    return _above_std(r), _above_std(w)


def _above_std(fd: int) -> int:
    # If heal was started with fd 0-2 closed, a pipe can land there and be clobbered by the child's dup2.
    if fd > 2:
        return fd
    import fcntl

    new = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 3)
    os.close(fd)
    return new


def _write_all(fd: int, data: bytes | memoryview) -> bool:
    """Write everything; False when the destination is gone (EPIPE, EIO, closed)."""
    view = memoryview(data)
    while view:
        try:
            n = os.write(fd, view)
        except BlockingIOError:
            # Our stdout was left non-blocking by whoever started us: wait until it drains.
            select.select([], [fd], [])
            continue
        except (BrokenPipeError, ConnectionResetError):
            return False
        except OSError as exc:
            if exc.errno in (errno.EIO, errno.EBADF, errno.ENXIO, errno.EINVAL):
                return False
            raise
        view = view[n:]
    return True


def _drain(fd: int) -> None:
    with contextlib.suppress(OSError):
        while os.read(fd, 512):
            pass
