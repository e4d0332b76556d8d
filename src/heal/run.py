"""RunSpec and RunResult, the frozen values around a command run, and `run()`: the pipeline's (and
heal's internal commands') way to run something. The work itself is done by heal.runner."""

from __future__ import annotations

from _collections_abc import Callable, Mapping

from heal.record import Record
from heal.runner import TIMEOUT_EXIT, Outcome, Runner

__all__ = ["TIMEOUT_EXIT", "RunResult", "RunSpec", "result_of", "run"]


class RunSpec(Record):
    """How to run a command. (Records, not dataclasses: heal's own commands run on the failure path.)

    passthrough  False: heal's own command, stdin from /dev/null, nothing shown
    keep_stdout  also keep the whole stdout (for heal's own commands, whose output it parses)
    on_spawn     called with the child's pid once it runs
    on_output    heal's own commands (passthrough=False): called with each chunk of output as it is read, so
                 an install can show progress; it must be quick and never raise (an exception turns it off
                 for the rest of the run)
    """

    __slots__ = ("argv", "pty", "timeout", "idle_timeout", "kill_grace", "head_bytes", "tail_bytes", "passthrough",
                 "cwd", "env", "keep_stdout", "on_spawn", "on_output")
    argv: tuple[str, ...]
    pty: bool
    timeout: float | None
    idle_timeout: float | None
    kill_grace: float
    head_bytes: int
    tail_bytes: int
    passthrough: bool
    cwd: str | None
    env: Mapping[str, str] | None
    keep_stdout: bool
    on_spawn: Callable[[int], None] | None
    on_output: Callable[[bytes], None] | None

    def __init__(self, argv: tuple[str, ...], pty: bool = False, timeout: float | None = None,
                 idle_timeout: float | None = None, kill_grace: float = 5.0, head_bytes: int = 64 * 1024,
                 tail_bytes: int = 1024 * 1024, passthrough: bool = True, cwd: str | None = None,
                 env: Mapping[str, str] | None = None, keep_stdout: bool = False,
                 on_spawn: Callable[[int], None] | None = None,
                 on_output: Callable[[bytes], None] | None = None) -> None:
        self._fill(argv, pty, timeout, idle_timeout, kill_grace, head_bytes, tail_bytes, passthrough, cwd, env,
                   keep_stdout, on_spawn, on_output)


class RunResult(Record):
    """What happened when a command ran: handed on to diagnosis.

    exec_error  heal's shell-like message when the program could not be started
    """

    __slots__ = ("argv", "cwd", "exit_code", "signal", "timed_out", "hung", "head", "tail", "dropped", "duration",
                 "pty", "exec_error", "stdout")
    _hidden = ("stdout",)
    argv: tuple[str, ...]
    cwd: str
    exit_code: int
    signal: int | None
    timed_out: bool
    hung: bool
    head: bytes
    tail: bytes
    dropped: int
    duration: float
    pty: bool
    exec_error: str | None
    stdout: bytes | None

    def __init__(self, argv: tuple[str, ...], cwd: str, exit_code: int, signal: int | None = None,
                 timed_out: bool = False, hung: bool = False, head: bytes = b"", tail: bytes = b"", dropped: int = 0,
                 duration: float = 0.0, pty: bool = False, exec_error: str | None = None,
                 stdout: bytes | None = None) -> None:
        self._fill(argv, cwd, exit_code, signal, timed_out, hung, head, tail, dropped, duration, pty, exec_error,
                   stdout)

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    @property
    def output(self) -> bytes:
        """The captured combined output, with a marker where bytes were dropped."""
        if not self.dropped:
            return self.head + self.tail
        return self.head + b"\n[... %d bytes not kept ...]\n" % self.dropped + self.tail

    @property
    def text(self) -> str:
        return self.output.decode("utf-8", errors="replace")


def result_of(outcome: Outcome, argv: tuple[str, ...], cwd: str, pty: bool) -> RunResult:
    cap = outcome.capture
    return RunResult(argv=tuple(argv), cwd=cwd, exit_code=outcome.exit_code, signal=outcome.signal,
                     timed_out=outcome.timed_out, hung=outcome.hung, head=cap.head, tail=cap.tail,
                     dropped=cap.dropped, duration=outcome.duration, pty=pty, exec_error=outcome.exec_error,
                     stdout=outcome.stdout)


def run(spec: RunSpec) -> RunResult:
    """Run spec.argv to completion and return its RunResult. Never raises for the child's failures."""
    import os

    # field by field, not a deep copy: on_spawn's bound object is passed as it is
    kwargs = {name: getattr(spec, name) for name in RunSpec.__slots__ if name != "argv"}
    outcome = Runner(spec.argv, **kwargs).execute()
    return result_of(outcome, spec.argv, spec.cwd or os.getcwd(), spec.pty)
