"""Benchmarks for heal's runner (`heal [--pty|--no-pty] -- CMD`), each against a baseline run in the
same session, so the figures are ratios rather than absolute timings that depend on the machine.

Run it with the interpreter heal is installed into (not through a pyenv shim, which adds its own
start-up to every measurement):

    python benchmarks/bench_run.py [--quick] [--runs N] [--heal PATH] [--baseline-python PY] [--rss-1g]

    --quick     smoke run: a few runs, 25 MiB instead of 250 MiB (5 MiB instead of 50 MiB for the pty);
                heal's start-up then dominates the streaming ratios: the targets are meant for a full run
    --runs N    runs per benchmark (default 40 for start-up, 7 for streaming)
    --heal P    the heal executable (default: the `heal` script next to this interpreter)
    --baseline-python PY   the interpreter of `python -c pass` (default: this one; bench_all.py gives a clean
                venv's)
    --rss-1g    also the peak RSS streaming 1 GiB, through pipes and through a pty (the pty one takes ~45 s)

Benchmarks:
  startup      `heal -- true` vs `python -c pass`                              target ratio <= 1.6
  pipe         `heal --no-pty -- cat F | cat >/dev/null` vs `cat F | cat >/dev/null`   ratio <= 1.9
  pipe-devnull the same writing straight to /dev/null                          information only
  pty          `heal --pty -- cat T | cat >/dev/null` vs `script -qec 'cat T' /dev/null | cat ...`
               on printable text                                               target ratio <= 1.05
  peak-rss     ru_maxrss of heal streaming F to /dev/null                      target <= 40 MB
  rss-1g-pipe / rss-1g-pty (--rss-1g) the same streaming 1 GiB into `cat`: memory stays flat with the output
               (11.4 MB / 18 MB before this round's changes)                  target <= 12 MB / <= 20 MB
plus a check that heal passes F through byte-exact (sha256).

Test data goes to benchmarks/.data/ (gitignored) and is reused when present with the right size.
The script always exits 0 (benchmarks report, they don't gate) except when heal is missing (exit 2).
"""

from __future__ import annotations

import base64
import hashlib
import os
import shlex
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from common import (DATA_DIR, MiB, Runner, RunFailed, Tally, arg_parser, byte_compile_heal, error_line, find_heal,
                    header, interleave, median_ms, own_cost_line, pair_range, summary)

RUN_TIMEOUT = 120.0  # seconds one run may take before it counts as hung
B64_LINE = 77  # base64.encodebytes: 57 raw bytes -> 76 characters + newline
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


# --- running processes ---------------------------------------------------------------------------


def maxrss_kb(run: Runner, argv: Sequence[str]) -> int:
    """ru_maxrss (KiB) of argv run with stdin and stdout /dev/null, via a fresh small parent."""
    out = run.output([sys.executable, "-S", "-c", MEASURER, *argv])
    rss, code = (int(x) for x in out.split())
    run.check(argv, code)
    return rss // 1024 if sys.platform == "darwin" else rss


def sha256_of_output(run: Runner, argv: Sequence[str]) -> tuple[str, int]:
    """Run argv with stdout to a pipe read here; return (sha256 hex, bytes read)."""
    digest = hashlib.sha256()
    size = 0

    def feed(chunk: bytes) -> None:
        nonlocal size
        digest.update(chunk)
        size += len(chunk)

    run.read_output(argv, feed)
    return digest.hexdigest(), size


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


# --- benchmarks ----------------------------------------------------------------------------------


def bench_startup(run: Runner, heal: str, python: str, runs: int, tally: Tally) -> None:
    a, b, c = interleave(
        runs,
        lambda: run.pipeline([[heal, "--", "true"]]),
        lambda: run.pipeline([[python, "-c", "pass"]]),
        lambda: run.pipeline([[python, "-S", "-c", "pass"]]),
    )
    h, p, bare = median_ms(a), median_ms(b), median_ms(c)
    ratio = h / p
    status = tally.row("startup", "`heal -- true` vs `python -c pass` (clean venv)", f"{h:.1f} ms", f"{p:.1f} ms",
                       ratio, "<= 1.6x", ratio <= 1.6)
    line("startup", f"{h:.1f} ms", f"{p:.1f} ms", ratio, "ratio <= 1.6", status, pair_range(a, b))
    own_cost_line(h, p, bare)


def bench_pipe(run: Runner, heal: str, data: Path, runs: int, tally: Tally) -> None:
    consumer = ["cat"]
    a, b = interleave(
        runs,
        lambda: run.pipeline([[heal, "--no-pty", "--", "cat", str(data)], consumer]),
        lambda: run.pipeline([["cat", str(data)], consumer]),
    )
    h, c = median_ms(a), median_ms(b)
    ratio = h / c
    mb = data.stat().st_size / MiB
    status = tally.row("pipe", f"`heal --no-pty -- cat F | cat` vs `cat F | cat`, {mb:.0f} MiB", f"{h:.0f} ms",
                       f"{c:.0f} ms", ratio, "<= 1.9x", ratio <= 1.9)
    line("pipe", f"{h:.1f} ms", f"{c:.1f} ms", ratio, "ratio <= 1.9", status, pair_range(a, b))

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
    mb = text.stat().st_size / MiB
    status = tally.row("pty", f"`heal --pty -- cat T | cat` vs `script -qec 'cat T'`, {mb:.0f} MiB text",
                       f"{h:.0f} ms", f"{s:.0f} ms", ratio, "<= 1.05x", ratio <= 1.05)
    line("pty", f"{h:.1f} ms", f"{s:.1f} ms", ratio, "ratio <= 1.05", status, pair_range(a, b))


def _script_cat(script: str, path: Path) -> list[str]:
    return [script, "-qec", f"cat {shlex.quote(str(path))}", "/dev/null"]


def bench_rss(run: Runner, heal: str, python: str, data: Path, runs: int, tally: Tally) -> None:
    heal_kb = [maxrss_kb(run, [heal, "--no-pty", "--", "cat", str(data)]) for _ in range(runs)]
    python_kb = [maxrss_kb(run, [python, "-c", "pass"]) for _ in range(runs)]
    peak = max(heal_kb) / 1024
    base = statistics.median(python_kb) / 1024
    mb = data.stat().st_size / MiB
    status = tally.row("peak-rss", f"peak RSS of heal streaming {mb:.0f} MiB (vs `python -c pass`)", f"{peak:.1f} MB",
                       f"{base:.1f} MB", peak / base, "<= 40 MB", peak <= 40)
    line("peak-rss", f"{peak:.1f} MB", f"{base:.1f} MB", peak / base, "heal <= 40 MB", status)


# A relay into `cat`, timed by the measurer: heal's RSS while its output really goes through a pipe.
RSS_PIPE = """import os, signal, sys
null = os.open(os.devnull, os.O_RDWR)
r, w = os.pipe()
sigdef = (signal.SIGPIPE, signal.SIGXFSZ)
cat = os.posix_spawnp("cat", ["cat"], os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, r, 0),
                      (os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_CLOSE, w)], setsigdef=sigdef)
os.close(r)
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, null, 0),
                     (os.POSIX_SPAWN_DUP2, w, 1)], setsigdef=sigdef)
os.close(w)
_, status, usage = os.wait4(pid, 0)
os.waitpid(cat, 0)
print(usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def bench_rss_1g(run: Runner, heal: str, big: Path, tally: Tally) -> None:
    for mode, name, limit in (("--no-pty", "rss-1g-pipe", 12.0), ("--pty", "rss-1g-pty", 20.0)):
        out = run.output([sys.executable, "-S", "-c", RSS_PIPE, heal, mode, "--", "cat", str(big)])
        rss, code = (int(x) for x in out.split())
        run.check([heal, mode], code)
        peak = rss / 1024
        status = tally.row(name, f"peak RSS of `heal {mode} -- cat` of 1 GiB into `cat`", f"{peak:.1f} MB", "",
                           None, f"<= {limit:g} MB", peak <= limit)
        line(name, f"{peak:.1f} MB", "", 0.0, f"heal <= {limit:g} MB", status)


def check_bytes(run: Runner, heal: str, script: str | None, data: Path, text: Path, tally: Tally) -> None:
    want = sha256_file(data)
    got, size = sha256_of_output(run, [heal, "--no-pty", "--", "cat", str(data)])
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
        got, size = sha256_of_output(run, argv)
        verdict = "OK" if got == want_pty else f"MISMATCH ({size} bytes, expected {expected_size})"
        if name == "heal" and got != want_pty:
            tally.mismatch = True
        results.append(f"{name} {verdict}")
    print(f"{'bytes-pty':<13} sha256 vs file with \\n -> \\r\\n: {', '.join(results)}", flush=True)


# --- main ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = arg_parser("Benchmark heal's runner against baselines.", "few runs, small files: a smoke run",
                        "runs per benchmark (default 40 startup, 7 streaming)")
    parser.add_argument("--rss-1g", action="store_true", help="also the peak RSS streaming 1 GiB (pipes and a pty)")
    args = parser.parse_args(argv)
    heal = find_heal("bench_run", args.heal)
    if heal is None:
        return 2
    startup_runs = args.runs or (5 if args.quick else 40)
    stream_runs = args.runs or (2 if args.quick else 7)
    stream_size = (25 if args.quick else 250) * MiB
    pty_size = (5 if args.quick else 50) * MiB

    t0 = time.perf_counter()
    byte_compile_heal()
    data = random_file(stream_size)
    text = text_file(pty_size)
    run = Runner(DATA_DIR / "bench_run.stderr.log", RUN_TIMEOUT)
    tally = Tally()
    header("bench_run", heal)
    print(f"bench_run: runs startup={startup_runs} streaming={stream_runs}  "
          f"pipe file {data.stat().st_size / MiB:.0f} MiB random, "
          f"pty file {text.stat().st_size / MiB:.0f} MiB text", flush=True)
    if args.quick:
        print("bench_run: --quick: heal's start-up dominates the streaming ratios; targets are for a full run")

    script = shutil.which("script")
    pty_script = script or ""
    python = args.baseline_python
    benches: list[tuple[str, Callable[[], None]]] = [
        ("startup", lambda: bench_startup(run, heal, python, startup_runs, tally)),
        ("pipe", lambda: bench_pipe(run, heal, data, stream_runs, tally)),
    ]
    if script:
        benches.append(("pty", lambda: bench_pty(run, heal, pty_script, text, stream_runs, tally)))
    benches.append(("peak-rss", lambda: bench_rss(run, heal, python, data, stream_runs, tally)))
    if args.rss_1g:
        benches.append(("rss-1g", lambda: bench_rss_1g(run, heal, text_file(1024 * MiB), tally)))
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

    summary("bench_run", t0, tally, "heal's output", args.results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
