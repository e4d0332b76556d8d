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

import errno
import os
import select
# _signal, not signal: signal.py builds its enums at import (enum is a tenth of `heal -- true`). Handlers and
# numbers are plain ints here.
import _signal as signal
import stat
import termios
import time
from _collections_abc import Callable, Mapping  # already loaded by os: collections.abc would load collections

from heal import terminal
from heal.capture import Capture
from heal.lean import suppress
from heal.spawn import SpawnError, spawn

FORWARDED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
TIMEOUT_EXIT = 124  # what coreutils `timeout` exits with
# A pipe holds 64 KiB by default, so reads rarely return more; below glibc's mmap threshold, each
# read's buffer comes from the warm heap (1 MiB reads and pipes measured 40% slower here).
_CHUNK = 64 * 1024
# The user's command's stdout and stderr: heal widens its pipes to this (Linux; 64 KiB otherwise) and reads
# them in chunks of the same size, so a fast stream costs a quarter of the polls, reads and writes. (A 1 MiB
# pipe was slower: the chunks no longer fit the CPU caches.)
_PIPE_SIZE = 256 * 1024
# After a full read, the pipe likely holds more: read on without polling, up to this many reads, then poll
# (timers, signals and the other stream get their turn).
_BURST_READS = 8
_PTY_READ = 4095  # what Linux's pty driver returns at most per read
_GREEDY_LIMIT = 256 * 1024
_MAX_POLL_MS = 2**31 - 1  # poll() takes a C int: a longer wait (--timeout 3000000) is waited in steps
# After the command exits, what is already in its pipes is taken at once, up to this much (a background
# job that writes nonstop must not keep heal from returning); the rest goes to the relay process.
_DRAIN_LIMIT = 4 * 1024 * 1024
# The stops of a shell job (Ctrl-Z, a read or write of the terminal from the background): heal stops
# with the command, so the shell sees the job stopped, and continues it when it is continued itself.
_JOB_STOPS = (signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU)
# A write that fails with one of these means the reader is gone (a closed pipe, a hung-up terminal): the
# command gets SIGPIPE on its next write, as it would without heal. Any other failure (ENOSPC, EFBIG,
# EDQUOT on a socket...) cannot be handed on: heal drops that stream and keeps the command running.
_GONE = frozenset({errno.EPIPE, errno.ECONNRESET, errno.EIO, errno.EBADF, errno.ENXIO, errno.EINVAL})


class Outcome:
    """What the runner observed; heal.run turns it into a RunResult when the pipeline needs one."""

    __slots__ = ("exit_code", "signal", "timed_out", "hung", "capture", "duration", "exec_error", "stdout",
                 "out_mark", "typed_intr", "got_sigint")

    def __init__(self, exit_code: int, signal: int | None, timed_out: bool, hung: bool, capture: Capture,
                 duration: float, exec_error: str | None, stdout: bytes | None,
                 out_mark: tuple[int, int, int, int] | None = None, typed_intr: bool = False,
                 got_sigint: bool = False) -> None:
        self.exit_code = exit_code
        self.signal = signal
        self.timed_out = timed_out
        self.hung = hung
        self.capture = capture
        self.duration = duration
        self.exec_error = exec_error
        self.stdout = stdout
        # heal's stdout was a file opened without O_APPEND (`gen > out`): (st_dev, st_ino, offset, size)
        # when the run started, for rewind_output
        self.out_mark = out_mark
        # the user typed Ctrl-C at the terminal heal relayed (pty mode), where the command's own terminal
        # turned it into its SIGINT: the user's shell, whose terminal heal keeps raw, never saw one
        self.typed_intr = typed_intr
        self.got_sigint = got_sigint  # heal itself got a SIGINT meanwhile (pipe mode: the terminal's Ctrl-C)


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
        on_output: Callable[[bytes], None] | None = None,
    ) -> None:
        self.argv = tuple(argv)
        self.pty = pty
        self.timeout = timeout if timeout == timeout else None  # NaN: no limit rather than never checked
        self.idle_timeout = idle_timeout if idle_timeout == idle_timeout else None
        self.kill_grace = kill_grace
        self.passthrough = passthrough
        self.cwd = cwd
        self.env = env
        self.capture = Capture(head_bytes, tail_bytes)
        self.stdout_buf: bytearray | None = bytearray() if keep_stdout else None
        self.on_spawn = on_spawn  # told the child's pid as soon as it runs (the journal records installers)
        self.on_output = on_output  # heal's own commands: each chunk read (an installer's progress for the UI)
        self.pid = 0
        self.pgid = 0
        self.status: int | None = None
        self.master = -1
        self.saved_attrs: list | None = None
        self.susp_char = b""  # the user's Ctrl-Z, when heal relays a terminal
        self.intr_char = b""  # and Ctrl-C
        self.typed_intr = False
        self.got_sigint = False
        self.shared_group = False  # pipe mode in a terminal's foreground: the child is in heal's job
        self.timed_out = False
        self.hung = False
        self.kill_at: float | None = None
        self.wake_r = self.wake_w = -1
        self.old_handlers: dict[int, object] = {}
        self.old_wakeup = -1
        self.signals = False  # heal's handlers are installed (only possible in the main thread)
        self.stopped: int | None = None  # the signal that stopped the child, while it is stopped
        self.continued = False  # heal got SIGCONT: it was stopped and has been continued
        self.tty_fd = -1  # heal's terminal, while heal has handed its foreground to the command's group
        self.readback: list[tuple[int, int]] = []  # (fd, offset): files the command wrote to directly
        self.out_mark: tuple[int, int, int, int] | None = None

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
                               exc.message, b"" if self.stdout_buf is not None else None, self.out_mark)
            try:
                if self.on_spawn is not None:
                    self.on_spawn(self.pid)
                self._loop(channels, start)
            except Exception as exc:
                # heal's own failure: stop relaying here, but hand the pipes to the relay process so the
                # command keeps its output (else our ends close below, so it can't block on a full pipe);
                # still wait for the child and return its real status.
                _write_all(2, f"heal: internal error while relaying output: {type(exc).__name__}: {exc}\n".encode())
                self._hand_off([ch for ch in channels if ch.capture and not ch.closed])
            finally:
                for ch in channels:
                    ch.close()
                if self.status is None:
                    self._reap_blocking()
        finally:
            self._take_back_terminal()
            self._restore_terminal()
            self._restore_signals()
        for fd, offset in self.readback:
            _read_back(fd, offset, self.capture)
        status = self.status if self.status is not None else 0
        sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        if self.timed_out or self.hung:
            code = TIMEOUT_EXIT
        elif sig is not None:
            code = 128 + sig
        else:
            code = os.waitstatus_to_exitcode(status)
        stdout = bytes(self.stdout_buf) if self.stdout_buf is not None else None
        return Outcome(code, sig, self.timed_out, self.hung, self.capture, time.monotonic() - start, None, stdout,
                       self.out_mark, self.typed_intr, self.got_sigint)

    def _install_signals(self) -> None:
        try:
            self.wake_r, self.wake_w = _pipe()
        except OSError:  # out of file descriptors (ulimit -n): the loop polls instead of being woken
            self.wake_r = self.wake_w = -1
        else:
            os.set_blocking(self.wake_r, False)
            os.set_blocking(self.wake_w, False)
        try:
            self.old_wakeup = signal.set_wakeup_fd(self.wake_w, warn_on_full_buffer=False)
        except ValueError:  # not the main thread: no signal handling, plain polling below
            self.old_wakeup = None  # type: ignore[assignment]
            return
        self.signals = True
        wanted = [signal.SIGCHLD, signal.SIGWINCH, signal.SIGCONT]
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
            with suppress(Exception):
                signal.signal(sig, old)  # type: ignore[arg-type]
        if self.old_wakeup is not None:
            with suppress(Exception):
                signal.set_wakeup_fd(self.old_wakeup)
        for fd in (self.wake_r, self.wake_w):
            if fd >= 0:
                with suppress(OSError):
                    os.close(fd)

    def _on_signal(self, sig: int, frame: object) -> None:
        if sig == signal.SIGINT:
            self.got_sigint = True  # Ctrl-C (or a kill -INT) reached heal while the command ran
        if sig in FORWARDED_SIGNALS:
            if self.shared_group and sig != signal.SIGTERM:
                return  # the terminal sent it to the whole job, the child included
            self._signal_child(sig)
        elif sig == signal.SIGWINCH and self.master >= 0:
            terminal.copy_winsize(1, self.master)
        elif sig == signal.SIGCONT:
            self.continued = True  # the loop continues a child that stopped with heal
        # SIGCHLD: the wakeup fd already woke the loop, which reaps.

    def _signal_child(self, sig: int) -> None:
        self._send(sig)
        if sig not in (signal.SIGCONT, signal.SIGKILL) and (self.stopped is not None or _stopped_now(self.pid)):
            # A stopped child must run to act on it (what `kill %1` does). It may have stopped after the
            # loop last looked: the stop is not reaped yet, so ask the kernel.
            self._send(signal.SIGCONT)

    def _send(self, sig: int) -> None:
        if self.status is not None or not self.pid:
            return
        if self.shared_group:
            with suppress(OSError):
                os.kill(self.pid, sig)
            return
        targets = {self.pgid}
        if self.master >= 0:
            fg = terminal.foreground_of(self.master)
            if fg and fg > 0:
                targets.add(fg)  # a shell inside the pty may have put a job in the foreground
        for pg in targets:
            with suppress(OSError):
                os.killpg(pg, sig)

    def _start(self) -> list[_Channel]:
        if self.pty:
            return self._start_pty()
        if self.passthrough:
            return self._start_passthrough()
        # heal's own command: stdin from /dev/null, both streams captured, nothing shown
        out_r, out_w = _pipe()
        err_r, err_w = _pipe()
        devnull = -1
        try:
            devnull = os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)
            self.pid = spawn(self.argv, env=self.env, cwd=self.cwd, stdin=devnull, stdout=out_w, stderr=err_w)
        except BaseException:
            for fd in (out_r, err_r):
                os.close(fd)
            raise
        finally:
            for fd in (out_w, err_w, devnull):
                if fd >= 0:
                    os.close(fd)
        self.pgid = self.pid
        return [
            _Channel(out_r, None, close_on_dead_dst=True, extra=self.stdout_buf, tap=self.on_output),
            _Channel(err_r, None, close_on_dead_dst=True, tap=self.on_output),
        ]

    def _start_passthrough(self) -> list[_Channel]:
        """The user's command: stdin inherited; stdout and stderr relayed through pipes where heal can
        relay without changing what the command sees, else handed over as they are (see _std_kind)."""
        self.shared_group = _in_foreground()
        (kind1, st1), (kind2, st2) = _std_kind(1), _std_kind(2)
        if self.stdout_buf is not None and kind1 in ("file", "device"):
            kind1 = "relay"  # the caller wants stdout itself
        # `>log 2>&1`, `2>&1 | tee`: one destination, so one pipe for both (or the file itself), which
        # keeps the order the command wrote in.
        same = st1 is not None and st2 is not None and (st1.st_dev, st1.st_ino) == (st2.st_dev, st2.st_ino)
        child: dict[int, int | None] = {1: None, 2: None}  # None: the child gets heal's own fd
        channels: list[_Channel] = []
        ends: list[int] = []
        try:
            for fd, kind, st in ((1, kind1, st1), (2, kind2, st2)):
                if fd == 2 and same:
                    child[2] = child[1]
                    break
                if kind in ("relay", "null"):
                    pair = _pipe_or_none()
                    if pair is None:
                        continue  # out of fds (ulimit -n): the command writes there itself, uncaptured
                    ends.append(pair[1])
                    child[fd] = pair[1]
                    chunk = _widen(pair[0])
                    os.set_blocking(pair[0], False)  # our end only: reads may run ahead of poll (see _loop)
                    channels.append(_Channel(pair[0], fd if kind == "relay" else None, close_on_dead_dst=True,
                                             extra=self.stdout_buf if fd == 1 else None, chunk=chunk,
                                             burst=True))
                elif kind == "file" and st is not None:
                    self._note_file(fd, st, shared=same)
            self.pid = spawn(self.argv, env=self.env, cwd=self.cwd, stdout=child[1], stderr=child[2],
                             new_group=not self.shared_group)
        except BaseException:
            for ch in channels:
                ch.close()
            raise
        finally:
            for fd in ends:
                os.close(fd)
        self.pgid = os.getpgrp() if self.shared_group else self.pid
        return channels

    def _note_file(self, fd: int, st: os.stat_result, shared: bool) -> None:
        """The command writes to this file itself; remember where its output will start, to read it back
        for diagnosis, and (for stdout alone, not appending) to rewind it before a rerun."""
        import fcntl

        try:
            append = bool(fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_APPEND)
            offset = st.st_size if append else os.lseek(fd, 0, os.SEEK_CUR)
        except OSError:
            return
        self.readback.append((fd, offset))
        if fd == 1 and not append and not shared:
            self.out_mark = (st.st_dev, st.st_ino, offset, st.st_size)

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
            self.intr_char = terminal.control_char(self.saved_attrs, termios.VINTR)
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
            with suppress(OSError):
                os.close(self.master)
            self.master = -1

    def _give_terminal(self) -> None:
        """heal was continued in its terminal's foreground (`fg`) while the command, in its own group,
        waits to use the terminal: make the command's group the foreground, as a shell does for a job."""
        if self.tty_fd >= 0:
            fd = self.tty_fd
        else:
            fd = terminal.open_tty()
            if fd is None:
                return
        try:
            if terminal.foreground_of(fd) == os.getpgrp():
                os.tcsetpgrp(fd, self.pgid)
                self.tty_fd = fd
                return
        except OSError:
            pass
        if fd != self.tty_fd:
            os.close(fd)

    def _take_back_terminal(self) -> None:
        if self.tty_fd < 0:
            return
        fd, self.tty_fd = self.tty_fd, -1
        try:
            if terminal.foreground_of(fd) == self.pgid:
                # heal is a background group now: tcsetpgrp would stop it with SIGTTOU unless blocked
                old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTTOU})
                try:
                    os.tcsetpgrp(fd, os.getpgrp())
                finally:
                    signal.pthread_sigmask(signal.SIG_SETMASK, old)
        except OSError:
            pass
        finally:
            os.close(fd)

    # --- the loop -------------------------------------------------------------------------------

    def _loop(self, channels: list[_Channel], start: float) -> None:
        poller = select.poll()
        by_fd: dict[int, _Channel] = {}
        for ch in channels:
            by_fd[ch.src] = ch
            poller.register(ch.src, select.POLLIN)
        if self.wake_r >= 0:
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
            woken = self.wake_r < 0 or not self.signals or not events  # polling, or a timer fired
            for fd, ev in events:
                if fd == self.wake_r:
                    if signal.SIGCONT in _drain(self.wake_r):
                        self.continued = True  # (the handler says so too, but maybe only later)
                    woken = True
                    continue
                ch = by_fd.get(fd)
                if ch is None:
                    continue
                got = ch.pump(self.capture)
                moved = bool(got)
                reads = 1
                while ch.burst and got == ch.chunk and reads < _BURST_READS:
                    got = ch.pump(self.capture)  # non-blocking: 0 once the pipe is empty
                    reads += 1
                if got is None:  # EOF or dead
                    with suppress(KeyError, ValueError):
                        poller.unregister(fd)
                    by_fd.pop(fd, None)
                    ch.close()
                if moved and ch.capture:
                    last_output = time.monotonic()
            if woken:
                self._reap()
        # The child has exited: take what it left in the pipes, but don't wait for grandchildren that
        # still hold them open (a daemon it started, `cmd &`): a shell would not wait for those either.
        # Pipes still held open go to the relay process, so those keep a place to write.
        left = [ch for ch in by_fd.values()
                if ch.capture  # never the pty's input side: what the user types next is not ours
                and not ch.drain(self.capture)]
        if left:
            self._hand_off(left)

    def _next_wait(self, now: float, deadline: float | None, last_output: float) -> int | None:
        times = []
        if deadline is not None and not self.timed_out:
            times.append(deadline)
        if self.idle_timeout and not self.hung and not self.timed_out:
            times.append(last_output + self.idle_timeout)
        if self.kill_at is not None and self.kill_at != float("inf"):
            times.append(self.kill_at)
        if self.wake_r < 0 or not self.signals:
            times.append(now + 0.05)
        if not times:
            return None
        ms = (min(times) - now) * 1000
        if not ms < _MAX_POLL_MS:  # a deadline days away (or inf): wake up in time to look again
            return _MAX_POLL_MS
        return max(0, int(ms) + 1)

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
        # Continued since the last look: either heal stopped with the child (below) and the user
        # continued the job, or the whole job was stopped and continued from the terminal.
        continued, self.continued = self.continued, False
        while self.status is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG | os.WUNTRACED | os.WCONTINUED)
            except ChildProcessError:
                self.status = 0
                return
            if not pid:
                break
            if os.WIFSTOPPED(status):
                self.stopped = os.WSTOPSIG(status)
                if self.stopped in _JOB_STOPS and not continued and self.signals:
                    continued = self._stop_with_child(self.stopped)
            elif os.WIFCONTINUED(status):
                self.stopped = None
            else:
                self.status = status
        if continued and self.status is None and self.stopped in _JOB_STOPS:
            if not self.shared_group and self.master < 0:
                self._give_terminal()
            self._signal_child(signal.SIGCONT)

    def _stop_with_child(self, sig: int) -> bool:
        """The child stopped as a shell job does (Ctrl-Z, or a read or write of the terminal from the
        background). A job stops as a whole: heal stops too, with the same signal, so the shell sees the
        job stopped and takes its terminal back. True once heal has been continued (the caller then
        continues the child). False when the kernel dropped heal's stop: heal's process group is
        orphaned, no shell does job control for it, and the child's stop would have been dropped too."""
        if self.wake_r >= 0:
            _drain(self.wake_r)  # older wake-ups: only a SIGCONT from now on counts
        self.continued = False
        with suppress(OSError):
            os.kill(os.getpid(), sig)
        # Here heal has been stopped and continued, or never stopped. The wakeup fd shows a SIGCONT at
        # once; the handler's flag covers the case without one (out of file descriptors).
        woke = _drain(self.wake_r) if self.wake_r >= 0 else b""
        if signal.SIGCONT in woke or self.continued:
            return True
        if sig == signal.SIGTSTP:
            self._signal_child(signal.SIGCONT)  # as the kernel would have done for it without heal
        else:
            # It waits for the terminal, which only job control could give it: don't spin, say so.
            import signal as signals  # the enum, for the signal's name: only on this rare path

            _write_all(2, f"heal: the command (pid {self.pid}) is stopped by {signals.Signals(sig).name}: it wants "
                          f"the terminal; `kill -CONT {self.pid}` continues it\n".encode())
        return False

    def _reap_blocking(self) -> None:
        while True:
            self._reap()
            if self.status is not None:
                return
            # Woken by SIGCHLD or SIGCONT through the wakeup fd; without it, look every 50 ms.
            timeout = None if self.wake_r >= 0 and self.signals else 0.05
            with suppress(OSError, ValueError):
                select.select([self.wake_r] if self.wake_r >= 0 else [], [], [], timeout)
            if self.wake_r >= 0 and signal.SIGCONT in _drain(self.wake_r):
                self.continued = True

    def _hand_off(self, channels: list[_Channel]) -> None:
        """The command has exited, but something it started (`server &`) still holds its output pipes:
        a small forked process relays them to heal's stdout and stderr until they close, so that job
        neither dies of SIGPIPE nor blocks on a full pipe, and heal returns now, as a shell would."""
        if self.master >= 0 or not self.passthrough:
            return  # a pty is heal's own terminal, gone with heal as with script(1); heal's own commands
        pairs = [(ch.src, ch.dst) for ch in channels if not ch.closed]
        if not pairs:
            return
        try:
            pid = os.fork()
        except OSError:
            return  # the pipes close: the job gets SIGPIPE, as before
        if pid == 0:
            try:
                if os.fork() == 0:  # the grandchild relays; orphaned at once, heal never has to reap it
                    _relay(pairs)
            finally:
                os._exit(0)
        with suppress(ChildProcessError):
            os.waitpid(pid, 0)

    def _filter_input(self, data: bytes) -> bytes:
        """Ctrl-Z typed at the user's terminal: suspend the command and heal together, as a shell's
        job control would. (The pty's own ^Z can't: the command's session has no job control, so the
        kernel discards the stop signal, which is what script(1) users get.)"""
        if self.intr_char and self.intr_char in data:
            attrs = terminal.get_attrs(self.master)
            if attrs is not None and attrs[3] & termios.ISIG:
                self.typed_intr = True  # the command's terminal signals its job; heal's caller is told later
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
        with suppress(OSError):
            os.killpg(target, signal.SIGSTOP)
        terminal.set_attrs(0, self.saved_attrs)
        with suppress(OSError):
            os.killpg(os.getpgrp(), signal.SIGTSTP)
        # Resumed by `fg` (or never stopped, when heal's own group has no job control).
        terminal.set_raw(0)
        terminal.copy_winsize(1, self.master)
        with suppress(OSError):
            os.killpg(target, signal.SIGCONT)
        return self._filter_input(after)


class _Channel:
    """One byte stream from a source fd to a destination fd, feeding the capture on the way."""

    __slots__ = ("src", "dst", "close_on_dead_dst", "capture", "extra", "owns_src", "eof_bytes", "filter", "closed",
                 "greedy", "tap", "chunk", "burst")

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
        tap: Callable[[bytes], None] | None = None,
        chunk: int = _CHUNK,
        burst: bool = False,
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
        self.tap = tap  # told every chunk (heal's own commands: progress); off after its first exception
        self.chunk = chunk  # bytes per read
        self.burst = burst  # the loop reads again after a full read (needs a non-blocking src)
        self.closed = False

    def pump(self, cap: Capture) -> int | None:
        """Move one chunk. Returns bytes moved, or None when this channel is finished."""
        try:
            data = os.read(self.src, self.chunk)
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
        if self.tap is not None:
            try:
                self.tap(data)
            except Exception:  # showing progress must never stop the relay
                self.tap = None
        if self.dst is not None:
            err = _write(self.dst, data)
            if err in _GONE:
                return None if self._dead() else n
            if err:
                self._failed(err)
        return n

    def _dead(self) -> bool:
        """The destination is gone. True when this channel should end here."""
        self.dst = None
        # Pipes: close our end so the child gets SIGPIPE on its next write, as it would without heal.
        # A pty keeps being read so the child never blocks on a full terminal.
        return self.close_on_dead_dst

    def _failed(self, err: int) -> None:
        """A write failed in a way heal cannot hand on to the command (a full disk behind a socket):
        the command keeps running and its other stream keeps flowing; this one is dropped from here."""
        if self.dst == 1:
            _write(2, f"heal: cannot pass the command's output on: {os.strerror(err)} (dropping the rest)\n".encode())
        self.dst = None

    def drain(self, cap: Capture) -> bool:
        """Take what is in the source now. True when it is finished (end of file, or nowhere to write);
        False when a writer still holds it open (a background job of the command)."""
        if self.closed:
            return True
        with suppress(OSError):
            os.set_blocking(self.src, False)
        moved = 0
        while moved < _DRAIN_LIMIT:
            got = self.pump(cap)
            if got is None:
                self.close()
                return True
            if not got:
                return False
            moved += got
        return False

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            if self.owns_src:
                with suppress(OSError):
                    os.close(self.src)


def rewind_output(first: Outcome) -> None:
    """Right before a rerun: when heal's stdout is a file it was given without O_APPEND (`heal -- gen >
    out`), truncate it back to its size and offset from before the first run, so it ends up holding
    only the final run's output, as it would had the command worked the first time. Pipes, terminals
    and appended files keep both runs: what was sent cannot be taken back."""
    mark = first.out_mark
    if mark is None:
        return
    dev, ino, offset, size = mark
    with suppress(OSError):
        st = os.fstat(1)
        if (st.st_dev, st.st_ino) != (dev, ino) or not stat.S_ISREG(st.st_mode):
            return
        if st.st_size > size:
            os.ftruncate(1, size)
        os.lseek(1, offset, os.SEEK_SET)


def _std_kind(fd: int) -> tuple[str, os.stat_result | None]:
    """How the command gets heal's stdout or stderr:
    - "relay": a pipe, socket or terminal: through a pipe of heal's, captured on the way (writes there
      fail only when the reader is gone, which the command then sees as SIGPIPE);
    - "null": /dev/null: through a pipe, captured, and not written anywhere;
    - "file": a regular file: the fd itself, so the command sees its own write errors (a full disk, a
      file size limit) and its own order; heal reads back what it wrote, for diagnosis;
    - "device": any other device (/dev/full, a printer): the fd itself, not captured;
    - "closed": closed when heal started (see heal.entry): it stays closed for the command."""
    try:
        if not os.get_inheritable(fd):
            return "closed", None  # heal's placeholder for an fd closed at start
        st = os.fstat(fd)
    except OSError:
        return "closed", None
    mode = st.st_mode
    if stat.S_ISREG(mode):
        return "file", st
    if stat.S_ISCHR(mode):
        if os.isatty(fd):
            return "relay", st
        try:
            null = os.stat(os.devnull)
        except OSError:
            return "device", st
        return ("null" if st.st_rdev == null.st_rdev else "device"), st
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        return "relay", st
    return "device", st


def _in_foreground() -> bool:
    """heal's process group is the foreground job of its controlling terminal: the command joins it, so it
    can use the terminal (a password prompt on /dev/tty) even when heal's stdio is redirected."""
    if any(terminal.owns_foreground(fd) for fd in (0, 1, 2)):
        return True
    fd = terminal.open_tty()
    if fd is None:
        return False
    try:
        return terminal.foreground_of(fd) == os.getpgrp()
    finally:
        os.close(fd)


def _read_back(fd: int, offset: int, cap: Capture) -> None:
    """Capture what the command wrote to a file heal handed it, from `offset` on, through a read-only open
    of the same file (the head and tail only, as a stream is captured). A file heal may not read is
    simply not captured."""
    try:
        rfd = os.open(f"/proc/self/fd/{fd}", os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        end = os.fstat(rfd).st_size
        cap.feed_file(rfd, min(offset, end), end)
    except OSError:
        pass
    finally:
        os.close(rfd)


def _relay(pairs: list[tuple[int, int | None]]) -> None:
    """The relay process (see Runner._hand_off): move bytes from each source to its destination until every
    source is closed, then exit. Never returns."""
    import gc

    gc.disable()  # heal's objects stay untouched: no finalizer may act on an fd closed below
    with suppress(Exception):
        signal.set_wakeup_fd(-1)
    for sig in (signal.SIGINT, signal.SIGQUIT):
        signal.signal(sig, signal.SIG_IGN)  # as a shell's background job has them
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD, signal.SIGWINCH, signal.SIGCONT):
        signal.signal(sig, signal.SIG_DFL)
    sources: dict[int, int | None] = dict(pairs)
    # Hold nothing else of heal's: not its stdin, not a journal lock, not a pipe its caller waits on.
    keep = sorted(sources)
    with suppress(OSError):
        os.close(0)
    try:
        top = os.sysconf("SC_OPEN_MAX")
    except (OSError, ValueError):
        top = 65536
    low = 3
    for fd in keep:
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, max(low, top))
    poller = select.poll()
    for src in sources:
        poller.register(src, select.POLLIN)
    while sources:
        for src, _ in poller.poll():
            try:
                data = os.read(src, _CHUNK)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            dst = sources.get(src)
            if data:
                if dst is None:
                    continue
                err = _write(dst, data)
                if not err:
                    continue
                if err not in _GONE:
                    sources[src] = None  # can't be handed on: drop it, keep the writer running
                    continue
            # end of file, or the reader is gone (the writer then gets SIGPIPE, as without heal)
            poller.unregister(src)
            os.close(src)
            del sources[src]
    os._exit(0)


def _widen(fd: int) -> int:
    """Grow the pipe to _PIPE_SIZE where the system lets heal (Linux's F_SETPIPE_SZ): the size to read it by."""
    import fcntl

    try:
        return max(_CHUNK, min(_PIPE_SIZE, fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)))
    except (AttributeError, OSError):  # not Linux; or over the user's pipe-buffer quota (EPERM)
        return _CHUNK


def _pipe_or_none() -> tuple[int, int] | None:
    try:
        return _pipe()
    except OSError as exc:
        if exc.errno in (errno.EMFILE, errno.ENFILE):
            return None
        raise


def _pipe() -> tuple[int, int]:
    r, w = os.pipe()
    try:
        r = _above_std(r)
    except OSError:
        os.close(w)
        raise
    try:
        w = _above_std(w)
    except OSError:
        os.close(r)
        raise
    return r, w


def _above_std(fd: int) -> int:
    # If heal was started with fd 0-2 closed, a pipe can land there and be clobbered by the child's dup2.
    if fd > 2:
        return fd
    import fcntl

    new = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 3)
    os.close(fd)
    return new


def _write_all(fd: int, data: bytes | memoryview) -> bool:
    """Write everything; False when that failed."""
    return not _write(fd, data)


def _write(fd: int, data: bytes | memoryview) -> int:
    """Write everything: 0, or the errno that stopped it (in _GONE when the destination is gone)."""
    view = memoryview(data)
    while view:
        try:
            n = os.write(fd, view)
        except BlockingIOError:
            # Our stdout was left non-blocking by whoever started us: wait until it drains.
            try:
                select.select([], [fd], [])
            except (OSError, ValueError):
                return errno.EBADF
            continue
        except OSError as exc:
            return exc.errno or errno.EIO
        view = view[n:]
    return 0


def _stopped_now(pid: int) -> bool:
    """Whether pid is stopped right now (Linux's /proc; elsewhere only the reaped status tells)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rpartition(b")")[2].split()[0] in (b"T", b"t")
    except (OSError, IndexError):
        return False


def _drain(fd: int) -> bytes:
    """Empty the (non-blocking) wakeup pipe; the signal numbers that were in it."""
    got = b""
    with suppress(OSError):
        while True:
            data = os.read(fd, 512)
            if not data:
                break
            got += data
    return got
