"""Benchmarks for heal's runner (`heal [--pty|--no-pty] -- CMD`), each against a baseline run in the
same session, so the figures are ratios rather than absolute timings that depend on the machine.

Run it with the interpreter heal is installed into (not through a pyenv shim, which adds its own
start-up to every measurement):

    python benchmarks/bench_run.py [--quick] [--runs N] [--heal PATH]

    --quick     smoke run: a few runs, 25 MiB instead of 250 MiB (5 MiB instead of 50 MiB for the pty);
                heal's start-up then dominates the streaming ratios: the targets are meant for a full run
    --runs N    runs per benchmark (default 20 for start-up, 5 for streaming)
    --heal P    the heal executable (default: the `heal` script next to this interpreter)

Benchmarks:
  startup      `heal -- true` vs `python -c pass` (same interpreter)          target ratio <= 3.0
  pipe         `heal --no-pty -- cat F | cat >/dev/null` vs `cat F | cat >/dev/null`   ratio <= 2.5
  pipe-devnull the same writing straight to /dev/null                          information only
  pty          `heal --pty -- cat T | cat >/dev/null` vs `script -qec 'cat T' /dev/null | cat ...`
               on printable text                                               target ratio <= 1.1
  peak-rss     ru_maxrss of heal streaming F to /dev/null                      target <= 40 MB
plus a check that heal passes F through byte-exact (sha256).

Test data goes to benchmarks/.data/ (gitignored) and is reused when present with the right size.
The script always exits 0 (benchmarks report, they don't gate) except when heal is missing (exit 2).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import shlex
import shutil
import signal
import statistics
import sys
import sysconfig
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

MiB = 1024 * 1024
DATA_DIR = Path(__file__).resolve().parent / ".data"
RUN_TIMEOUT = 120.0  # seconds one run may take before it counts as hung
B64_LINE = 77  # base64.encodebytes: 57 raw bytes -> 76 characters + newline
# Python ignores SIGPIPE, and ignored signals survive exec: give children the defaults, as a shell does.
SIGDEF = (signal.SIGPIPE, signal.SIGXFSZ)
# Linux carries the old address space's RSS high-water mark into ru_maxrss at exec, and a posix_spawn
# (vfork) child's old address space is its parent's: measured from this process, which has read whole
# files, every child would report this process's peak. So RSS is measured from a fresh `python -S`,
# whose own peak (~8 MB) is below anything a Python program like heal can reach.
MEASURER = """\
import os, signal, sys
null = os.open(os.devnull, os.O_RDWR)
acts = [(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, null, 1)]
sigdef = (signal.SIGPIPE, signal.SIGXFSZ)
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ, file_actions=acts, setsigdef=sigdef)
_, status, usage = os.wait4(pid, 0)
print(usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


class RunFailed(Exception):
    """A measured command hung or exited non-zero: its timings would mean nothing."""


@dataclass(frozen=True)
class Sample:
    seconds: float


@dataclass
class Tally:
    results: dict[str, bool] = field(default_factory=dict)
    mismatch: bool = False

    def add(self, name: str, passed: bool) -> str:
        self.results[name] = passed
        return "PASS" if passed else "FAIL"

    def failed(self, name: str) -> None:
        """A target whose benchmark could not finish counts as not met (once)."""
        self.results.setdefault(name, False)


# --- running processes ---------------------------------------------------------------------------


class _Hung(Exception):
    pass


def _on_alarm(signum: int, frame: object) -> None:
    raise _Hung


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    # An alarm interrupts the blocking wait4 without adding any polling to what is being timed.
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _spawn(argv: Sequence[str], stdin: int, stdout: int, stderr: int) -> int:
    actions = [
        (os.POSIX_SPAWN_DUP2, stdin, 0),
        (os.POSIX_SPAWN_DUP2, stdout, 1),
        (os.POSIX_SPAWN_DUP2, stderr, 2),
    ]
    spawner = os.posix_spawn if "/" in argv[0] else os.posix_spawnp
    return spawner(argv[0], list(argv), os.environ, file_actions=actions, setsigdef=SIGDEF)


class Runner:
    """Starts pipelines with posix_spawn and times them to the reaping of their last process."""

    def __init__(self, log_path: Path) -> None:
        self.devnull_r = os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)
        self.devnull_w = os.open(os.devnull, os.O_WRONLY | os.O_CLOEXEC)
        self.log_path = log_path
        # stderr goes to a file rather than our terminal: heal behaves differently when it owns the
        # terminal's foreground, and a failure's message is still there to show.
        self.log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)

    def pipeline(self, cmds: Sequence[Sequence[str]]) -> Sample:
        """Run cmds[0] | cmds[1] | ... with stdin and the last stdout /dev/null."""
        pids: list[int] = []
        with _deadline(RUN_TIMEOUT):
            try:
                start = time.perf_counter()
                src = self.devnull_r
                for i, argv in enumerate(cmds):
                    r = w = -1
                    if i < len(cmds) - 1:
                        r, w = os.pipe()
                    try:
                        pids.append(_spawn(argv, src, w if w >= 0 else self.devnull_w, self.log))
                    finally:
                        # The parent must not hold the pipe ends, or readers never see EOF.
                        if w >= 0:
                            os.close(w)
                        if src != self.devnull_r:
                            os.close(src)
                    src = r
                statuses = [os.wait4(pid, 0)[1] for pid in pids]
                seconds = time.perf_counter() - start
            except _Hung:
                self._kill(pids)
                raise RunFailed(f"{_show(cmds)} still running after {RUN_TIMEOUT:.0f}s") from None
        for argv, status in zip(cmds, statuses):
            code = os.waitstatus_to_exitcode(status)
            if code != 0:
                raise RunFailed(f"{_show([argv])} exited {code}{self._log_tail()}")
        return Sample(seconds)

    def maxrss_kb(self, argv: Sequence[str]) -> int:
        """ru_maxrss (KiB) of argv run with stdin and stdout /dev/null, via a fresh small parent."""
        out = bytearray()

        def collect(chunk: bytes) -> None:
            out.extend(chunk)

        self._read_output([sys.executable, "-S", "-c", MEASURER, *argv], collect)
        rss, code = (int(x) for x in out.split())
        if code != 0:
            raise RunFailed(f"{_show([argv])} exited {code}{self._log_tail()}")
        return rss // 1024 if sys.platform == "darwin" else rss

    def sha256_of_output(self, argv: Sequence[str]) -> tuple[str, int]:
        """Run argv with stdout to a pipe read here; return (sha256 hex, bytes read)."""
        digest = hashlib.sha256()
        size = 0

        def feed(chunk: bytes) -> None:
            nonlocal size
            digest.update(chunk)
            size += len(chunk)

        self._read_output(argv, feed)
        return digest.hexdigest(), size

    def _read_output(self, argv: Sequence[str], sink: Callable[[bytes], None]) -> None:
        """Run argv with stdout to a pipe whose bytes go to sink; raise RunFailed unless it exits 0."""
        r, w = os.pipe()
        pid = -1
        with _deadline(RUN_TIMEOUT):
            try:
                try:
                    pid = _spawn(argv, self.devnull_r, w, self.log)
                finally:
                    os.close(w)
                while chunk := os.read(r, MiB):
                    sink(chunk)
                _, status, _ = os.wait4(pid, 0)
            except _Hung:
                self._kill([pid] if pid > 0 else [])
                raise RunFailed(f"{_show([argv])} still running after {RUN_TIMEOUT:.0f}s") from None
            finally:
                os.close(r)
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            raise RunFailed(f"{_show([argv])} exited {code}{self._log_tail()}")

    def _kill(self, pids: list[int]) -> None:
        for pid in pids:
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


def interleave(runs: int, *cmds: Callable[[], Sample]) -> list[list[Sample]]:
    """A B A B ...: slow drifts of the machine hit every side alike."""
    for cmd in cmds:
        cmd()  # warm-up: page cache, .pyc files, the dynamic loader's caches
    samples: list[list[Sample]] = [[] for _ in cmds]
    for _ in range(runs):
        for cmd, out in zip(cmds, samples):
            out.append(cmd())
    return samples


def median_ms(samples: list[Sample]) -> float:
    return statistics.median(s.seconds for s in samples) * 1000


# --- test data -----------------------------------------------------------------------------------


def random_file(size: int) -> Path:
    path = DATA_DIR / f"random-{size // MiB}M.bin"
    if not _reusable(path, size):

        def chunks() -> Iterator[bytes]:
            left = size
            while left:
                n = min(left, 16 * MiB)
                yield os.urandom(n)
                left -= n

        _write_atomically(path, chunks())
    return path


def text_file(size: int) -> Path:
    """Lines of base64, whole lines only, so a terminal sees realistic printable output."""
    path = DATA_DIR / f"text-{size // MiB}M.txt"
    size -= size % B64_LINE
    if not _reusable(path, size):
        lines_per_chunk = 16 * MiB // B64_LINE

        def chunks() -> Iterator[bytes]:
            left = size // B64_LINE
            while left:
                n = min(left, lines_per_chunk)
                yield base64.encodebytes(os.urandom(57 * n))
                left -= n

        _write_atomically(path, chunks())
    return path


def _reusable(path: Path, size: int) -> bool:
    try:
        return path.stat().st_size == size
    except OSError:
        return False


def _write_atomically(path: Path, chunks: Iterator[bytes]) -> None:
    # A run interrupted while writing must not leave a file that a later run reuses.
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        for chunk in chunks:
            fh.write(chunk)
    os.replace(tmp, path)


def sha256_file(path: Path, transform: Callable[[bytes], bytes] | None = None) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        # Chunks end on a line boundary for the text file (a multiple of 77), so \n -> \r\n is safe.
        while chunk := fh.read(16 * MiB - (16 * MiB) % B64_LINE):
            digest.update(transform(chunk) if transform else chunk)
    return digest.hexdigest()


# --- output --------------------------------------------------------------------------------------


def line(name: str, heal: str, base: str, ratio: float, target: str, status: str, extra: str = "") -> None:
    text = f"{name:<13} heal {heal:>11}  base {base:>11}  ratio {ratio:6.2f}  target {target:<15} {status:<4}"
    print(f"{text}  {extra}".rstrip(), flush=True)


def pair_range(heal: list[Sample], base: list[Sample]) -> str:
    """The spread of the ratios of back-to-back runs: a wide one means the machine was too noisy to trust."""
    ratios = [h.seconds / b.seconds for h, b in zip(heal, base)]
    return f"(pairs {min(ratios):.2f}-{max(ratios):.2f})"


def error_line(name: str, exc: Exception) -> None:
    print(f"{name:<13} ERROR: {exc}", flush=True)


# --- benchmarks ----------------------------------------------------------------------------------


def bench_startup(run: Runner, heal: str, runs: int, tally: Tally) -> None:
    a, b, c = interleave(
        runs,
        lambda: run.pipeline([[heal, "--", "true"]]),
        lambda: run.pipeline([[sys.executable, "-c", "pass"]]),
        lambda: run.pipeline([[sys.executable, "-S", "-c", "pass"]]),
    )
    h, p, bare = median_ms(a), median_ms(b), median_ms(c)
    ratio = h / p
    status = tally.add("startup", ratio <= 3.0)
    line("startup", f"{h:.1f} ms", f"{p:.1f} ms", ratio, "ratio <= 3.0", status, pair_range(a, b))
    # Both sides pay for site-packages' .pth files, which can dwarf a bare interpreter and flatter the
    # ratio: show what heal adds on its own against an interpreter that skips them.
    print(f"{'':<13} heal's own cost {h - p:+.1f} ms; python -S -c pass {bare:.1f} ms "
          f"(site start-up {p - bare:.1f} ms, paid by both sides)", flush=True)


def bench_pipe(run: Runner, heal: str, data: Path, runs: int, tally: Tally) -> None:
    consumer = ["cat"]
    a, b = interleave(
        runs,
        lambda: run.pipeline([[heal, "--no-pty", "--", "cat", str(data)], consumer]),
        lambda: run.pipeline([["cat", str(data)], consumer]),
    )
    h, c = median_ms(a), median_ms(b)
    ratio = h / c
    status = tally.add("pipe", ratio <= 2.5)
    line("pipe", f"{h:.1f} ms", f"{c:.1f} ms", ratio, "ratio <= 2.5", status, pair_range(a, b))

    a, b = interleave(
        runs,
        lambda: run.pipeline([[heal, "--no-pty", "--", "cat", str(data)]]),
        lambda: run.pipeline([["cat", str(data)]]),
    )
    h, c = median_ms(a), median_ms(b)
    line("pipe-devnull", f"{h:.1f} ms", f"{c:.1f} ms", h / c, "(info only)", "-", pair_range(a, b))
    mb = data.stat().st_size / MiB
    print(f"{'':<13} throughput to /dev/null, start-up included: heal {mb / (h / 1000):.0f} MiB/s, "
          f"cat {mb / (c / 1000):.0f} MiB/s",
          flush=True)


def bench_pty(run: Runner, heal: str, script: str, text: Path, runs: int, tally: Tally) -> None:
    consumer = ["cat"]
    a, b = interleave(
        runs,
        lambda: run.pipeline([[heal, "--pty", "--", "cat", str(text)], consumer]),
        lambda: run.pipeline([_script_cat(script, text), consumer]),
    )
    h, s = median_ms(a), median_ms(b)
    ratio = h / s
    status = tally.add("pty", ratio <= 1.1)
    line("pty", f"{h:.1f} ms", f"{s:.1f} ms", ratio, "ratio <= 1.1", status, pair_range(a, b))


def _script_cat(script: str, path: Path) -> list[str]:
    return [script, "-qec", f"cat {shlex.quote(str(path))}", "/dev/null"]


def bench_rss(run: Runner, heal: str, data: Path, runs: int, tally: Tally) -> None:
    heal_kb = [run.maxrss_kb([heal, "--no-pty", "--", "cat", str(data)]) for _ in range(runs)]
    python_kb = [run.maxrss_kb([sys.executable, "-c", "pass"]) for _ in range(runs)]
    peak = max(heal_kb) / 1024
    base = statistics.median(python_kb) / 1024
    status = tally.add("peak-rss", peak <= 40)
    line("peak-rss", f"{peak:.1f} MB", f"{base:.1f} MB", peak / base, "heal <= 40 MB", status)


def check_bytes(run: Runner, heal: str, script: str | None, data: Path, text: Path, tally: Tally) -> None:
    want = sha256_file(data)
    got, size = run.sha256_of_output([heal, "--no-pty", "--", "cat", str(data)])
    ok = got == want
    tally.mismatch |= not ok
    detail = "" if ok else f" ({size} bytes of {data.stat().st_size})"
    verdict = "OK" if ok else "MISMATCH"
    print(f"{'bytes-pipe':<13} sha256 of heal --no-pty output vs file: {verdict}{detail}", flush=True)

    # Information: a pty turns \n into \r\n (ONLCR) and nothing else for base64 text.
    want_pty = sha256_file(text, lambda b: b.replace(b"\n", b"\r\n"))
    expected_size = text.stat().st_size + text.stat().st_size // B64_LINE
    results = []
    cmds = [("heal", [heal, "--pty", "--", "cat", str(text)])]
    if script:
        cmds.append(("script", _script_cat(script, text)))
    for name, argv in cmds:
        got, size = run.sha256_of_output(argv)
        verdict = "OK" if got == want_pty else f"MISMATCH ({size} bytes, expected {expected_size})"
        if name == "heal" and got != want_pty:
            tally.mismatch = True
        results.append(f"{name} {verdict}")
    print(f"{'bytes-pty':<13} sha256 vs file with \\n -> \\r\\n: {', '.join(results)}", flush=True)


# --- main ----------------------------------------------------------------------------------------


def _positive(value: str) -> int:
    n = int(value)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return n


def byte_compile_heal() -> None:
    """Measure heal as pip installs it: byte-compiled. An editable install under PYTHONDONTWRITEBYTECODE
    (set on this project's machines) would otherwise recompile every module on every start."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("heal")
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            compileall.compile_dir(location, quiet=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark heal's runner against baselines.")
    parser.add_argument("--quick", action="store_true", help="few runs, small files: a smoke run")
    parser.add_argument("--runs", type=_positive, default=None,
                        help="runs per benchmark (default 20 startup, 5 streaming)")
    parser.add_argument("--heal", default=os.path.join(sysconfig.get_path("scripts"), "heal"),
                        help="the heal executable (default: next to this interpreter)")
    args = parser.parse_args(argv)

    heal = os.path.abspath(args.heal)
    if not (os.path.isfile(heal) and os.access(heal, os.X_OK)):
        print(f"bench_run: heal not found or not executable: {heal}", file=sys.stderr)
        return 2
    startup_runs = args.runs or (5 if args.quick else 20)
    stream_runs = args.runs or (2 if args.quick else 5)
    stream_size = (25 if args.quick else 250) * MiB
    pty_size = (5 if args.quick else 50) * MiB

    t0 = time.perf_counter()
    byte_compile_heal()
    data = random_file(stream_size)
    text = text_file(pty_size)
    run = Runner(DATA_DIR / "bench_run.stderr.log")
    tally = Tally()
    print(f"bench_run: heal={heal}  python={sys.executable} ({sys.version.split()[0]})  cpus={os.cpu_count()}")
    print(f"bench_run: runs startup={startup_runs} streaming={stream_runs}  "
          f"pipe file {data.stat().st_size / MiB:.0f} MiB random, "
          f"pty file {text.stat().st_size / MiB:.0f} MiB text", flush=True)
    if args.quick:
        print("bench_run: --quick: heal's start-up dominates the streaming ratios; targets are for a full run")

    script = shutil.which("script")
    pty_script = script or ""
    benches: list[tuple[str, Callable[[], None]]] = [
        ("startup", lambda: bench_startup(run, heal, startup_runs, tally)),
        ("pipe", lambda: bench_pipe(run, heal, data, stream_runs, tally)),
    ]
    if script:
        benches.append(("pty", lambda: bench_pty(run, heal, pty_script, text, stream_runs, tally)))
    benches.append(("peak-rss", lambda: bench_rss(run, heal, data, stream_runs, tally)))
    for name, bench in benches:
        try:
            bench()
        except RunFailed as exc:
            tally.failed(name)
            error_line(name, exc)
        if name == "pipe" and not script:
            print(f"{'pty':<13} SKIPPED: no `script` (util-linux) on PATH to compare with", flush=True)
    try:
        check_bytes(run, heal, script, data, text, tally)
    except RunFailed as exc:
        tally.mismatch = True
        error_line("bytes", exc)

    print(f"bench_run: took {time.perf_counter() - t0:.0f}s")
    note = "  (heal's output MISMATCH)" if tally.mismatch else ""
    met = sum(tally.results.values())
    print(f"bench_run: {met}/{len(tally.results)} targets met{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
