"""What the benchmarks share: running commands with a deadline, interleaving runs, tallying targets, the command
line, the report's lines and the rows bench_all.py gathers (--results). Not a benchmark itself.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import sys
import sysconfig
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

MiB = 1024 * 1024
DATA_DIR = Path(__file__).resolve().parent / ".data"
# Python ignores SIGPIPE, and ignored signals survive exec: give children the defaults, as a shell does.
SIGDEF = (signal.SIGPIPE, signal.SIGXFSZ)

T = TypeVar("T")


class RunFailed(Exception):
    """A measured command hung or exited non-zero: its timings would mean nothing."""


@dataclass
class Tally:
    results: dict[str, bool] = field(default_factory=dict)
    mismatch: bool = False
    rows: list[dict] = field(default_factory=list)  # what --results writes for bench_all's table

    def add(self, name: str, passed: bool) -> str:
        self.results[name] = passed
        return "PASS" if passed else "FAIL"

    def row(self, name: str, what: str, heal: str, base: str, ratio: float | None, target: str,
            passed: bool | None) -> str:
        """A row of the summary table (and its target tallied when it has one): PASS, FAIL or "-"."""
        self.rows.append({"name": name, "what": what, "heal": heal, "base": base,
                          "ratio": None if ratio is None else round(ratio, 3), "target": target, "met": passed})
        return "-" if passed is None else self.add(name, passed)

    def failed(self, name: str) -> None:
        """A target whose benchmark could not finish counts as not met (once)."""
        self.results.setdefault(name, False)


# --- running processes ---------------------------------------------------------------------------


class Hung(Exception):
    pass


def _on_alarm(signum: int, frame: object) -> None:
    raise Hung


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    # An alarm interrupts the blocking wait4 without adding any polling to what is being timed.
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


_FDS: dict[int, int] = {}


def devnull(flags: int) -> int:
    if flags not in _FDS:
        _FDS[flags] = os.open(os.devnull, flags | os.O_CLOEXEC)
    return _FDS[flags]


def spawn(argv: Sequence[str], stdin: int, stdout: int, stderr: int) -> int:
    actions = [
        (os.POSIX_SPAWN_DUP2, stdin, 0),
        (os.POSIX_SPAWN_DUP2, stdout, 1),
        (os.POSIX_SPAWN_DUP2, stderr, 2),
    ]
    spawner = os.posix_spawn if "/" in argv[0] else os.posix_spawnp
    return spawner(argv[0], list(argv), os.environ, file_actions=actions, setsigdef=SIGDEF)


class Runner:
    """Starts pipelines with posix_spawn and times them to the reaping of their last process."""

    def __init__(self, log_path: Path, timeout: float) -> None:
        self.log_path = log_path
        self.timeout = timeout
        log_path.parent.mkdir(parents=True, exist_ok=True)
        # stderr goes to a file rather than our terminal: heal behaves differently when it owns the
        # terminal's foreground, and a failure's message is still there to show.
        self.log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)

    def pipeline(self, cmds: Sequence[Sequence[str]]) -> float:
        """Seconds to run cmds[0] | cmds[1] | ... with stdin and the last stdout /dev/null."""
        pids: list[int] = []
        null_r = devnull(os.O_RDONLY)
        with deadline(self.timeout):
            try:
                start = time.perf_counter()
                src = null_r
                for i, argv in enumerate(cmds):
                    r = w = -1
                    if i < len(cmds) - 1:
                        r, w = os.pipe()
                    try:
                        pids.append(spawn(argv, src, w if w >= 0 else devnull(os.O_WRONLY), self.log))
                    finally:
                        # The parent must not hold the pipe ends, or readers never see EOF.
                        if w >= 0:
                            os.close(w)
                        if src != null_r:
                            os.close(src)
                    src = r
                statuses = [os.wait4(pid, 0)[1] for pid in pids]
                seconds = time.perf_counter() - start
            except Hung:
                self._kill(pids)
                raise self._hung(cmds) from None
        for argv, status in zip(cmds, statuses):
            self.check(argv, os.waitstatus_to_exitcode(status))
        return seconds

    def output(self, argv: Sequence[str]) -> bytes:
        """argv's stdout, whole: for output small enough to hold."""
        out = bytearray()
        self.read_output(argv, out.extend)
        return bytes(out)

    def read_output(self, argv: Sequence[str], sink: Callable[[bytes], None]) -> None:
        """Run argv with stdout to a pipe whose bytes go to sink; raise RunFailed unless it exits 0."""
        r, w = os.pipe()
        pid = -1
        with deadline(self.timeout):
            try:
                try:
                    pid = spawn(argv, devnull(os.O_RDONLY), w, self.log)
                finally:
                    os.close(w)
                while chunk := os.read(r, MiB):
                    sink(chunk)
                _, status, _ = os.wait4(pid, 0)
            except Hung:
                self._kill([pid])
                raise self._hung([argv]) from None
            finally:
                os.close(r)
        self.check(argv, os.waitstatus_to_exitcode(status))

    def check(self, argv: Sequence[str], code: int) -> None:
        if code != 0:
            raise RunFailed(f"{_show([argv])} exited {code}{self._log_tail()}")

    def _hung(self, cmds: Sequence[Sequence[str]]) -> RunFailed:
        return RunFailed(f"{_show(cmds)} still running after {self.timeout:.0f}s")

    def _kill(self, pids: list[int]) -> None:
        for pid in pids:
            # -1 is a spawn that never returned; os.kill(-1) would signal every process we may.
            if pid <= 0:
                continue
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass

    def _log_tail(self) -> str:
        try:
            text = self.log_path.read_bytes()[-300:].decode(errors="replace").strip()
        except OSError:
            return ""
        return f" (stderr: {text.splitlines()[-1]})" if text else ""


def _show(cmds: Sequence[Sequence[str]]) -> str:
    return " | ".join(" ".join(argv) for argv in cmds)


def interleave(runs: int, *cmds: Callable[[], T]) -> list[list[T]]:
    """A B A B ...: slow drifts of the machine hit every side alike."""
    for cmd in cmds:
        cmd()  # warm-up: page cache, .pyc files, the dynamic loader's caches
    samples: list[list[T]] = [[] for _ in cmds]
    for _ in range(runs):
        for cmd, out in zip(cmds, samples):
            out.append(cmd())
    return samples


def median_ms(seconds: list[float]) -> float:
    return statistics.median(seconds) * 1000


# --- output --------------------------------------------------------------------------------------


def header(prog: str, heal: str) -> None:
    print(f"{prog}: heal={heal}  python={sys.executable} ({sys.version.split()[0]})  cpus={os.cpu_count()}")


def pair_range(heal: list[float], base: list[float]) -> str:
    """The spread of the ratios of back-to-back runs: a wide one means the machine was too noisy to trust."""
    ratios = [h / b for h, b in zip(heal, base)]
    return f"(pairs {min(ratios):.2f}-{max(ratios):.2f})"


def own_cost_line(heal_ms: float, python_ms: float, bare_ms: float, extra: str = "") -> None:
    # Both sides pay for site-packages' .pth files, which can dwarf a bare interpreter and flatter the
    # ratio: show what heal adds on its own against an interpreter that skips them.
    print(f"{'':<13} heal's own cost {heal_ms - python_ms:+.1f} ms; python -S -c pass {bare_ms:.1f} ms "
          f"(site start-up {python_ms - bare_ms:.1f} ms, paid by both sides){extra}", flush=True)


def error_line(name: str, exc: Exception) -> None:
    print(f"{name:<13} ERROR: {exc}", flush=True)


def summary(prog: str, t0: float, tally: Tally, mismatch: str, results: str | None = None) -> None:
    if results:
        with open(results, "w", encoding="utf-8") as fh:
            json.dump({"prog": prog, "rows": tally.rows, "mismatch": tally.mismatch}, fh, indent=1)
    print(f"{prog}: took {time.perf_counter() - t0:.0f}s")
    note = f"  ({mismatch} MISMATCH)" if tally.mismatch else ""
    met = sum(tally.results.values())
    print(f"{prog}: {met}/{len(tally.results)} targets met{note}")


# --- command line --------------------------------------------------------------------------------


def _positive(value: str) -> int:
    n = int(value)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return n


def arg_parser(description: str, quick_help: str, runs_help: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help=quick_help)
    parser.add_argument("--runs", type=_positive, default=None, help=runs_help)
    parser.add_argument("--heal", default=os.path.join(sysconfig.get_path("scripts"), "heal"),
                        help="the heal executable (default: next to this interpreter)")
    parser.add_argument("--baseline-python", default=sys.executable,
                        help="the interpreter of the `python -c pass` baselines (default: this one; bench_all.py "
                             "gives a clean venv's, whose start-up no .pth hook of heal's environment slows)")
    parser.add_argument("--results", default=None, help="also write the rows as JSON to this file (bench_all.py)")
    return parser


def find_heal(prog: str, path: str) -> str | None:
    """The absolute path of an executable heal, or None after saying why not."""
    heal = os.path.abspath(path)
    if not (os.path.isfile(heal) and os.access(heal, os.X_OK)):
        print(f"{prog}: heal not found or not executable: {heal}", file=sys.stderr)
        return None
    return heal


def byte_compile_heal() -> None:
    """Measure heal as pip installs it: byte-compiled. An editable install under PYTHONDONTWRITEBYTECODE
    (set on this project's machines) would otherwise recompile every module on every start."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("heal")
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            compileall.compile_dir(location, quiet=1)
