"""Benchmarks for heal's diagnosis (`heal.diagnose.diagnose()` and `heal diagnose --json FILE`).

Run it with the interpreter heal is installed into (not through a pyenv shim, which adds its own
start-up to every measurement):

    python benchmarks/bench_diagnose.py [--quick] [--runs N] [--heal PATH] [--baseline-python PY] [--with-thefuck]

    --quick         smoke run: fewer runs of each measurement
    --runs N        runs per measurement (default: 200 for 1 KB, 20 for 1 MB, 7 for 10 MB, 20 for the CLI)
    --heal P        the heal executable (default: the `heal` script next to this interpreter)
    --with-thefuck  also time thefuck 3.32 on the same failure (installed into its own venv under
                    benchmarks/.data/ on first use: pip needs its index)

Benchmarks:
  diag-1K     diagnose() in this process on 1 KB of output                     target median <= 5 ms
  diag-1M     the same on 1 MB                                                  target <= 30 ms/MB
  diag-10M    the same on 10 MB (10 MB per-MB against 1 MB per-MB: is it linear?) target <= 30 ms/MB
  ci-1M       the same on the real CI log tails of /work/shared/benchmarks/ci_logs.jsonl, one after
  ci-10M      the other, repeated to size: an error every few KB, so many rules' regexes run
                                                                                target <= 30 ms/MB
  ansi-1M     build noise coloured the way test runners and compilers colour a terminal (an escape
              sequence every ~15 bytes), ending in the Python failure            target <= 30 ms/MB
  cli         `heal diagnose --json --command CMD FILE` (a real Python failure) as a whole process, with the
              `python -c pass` of --baseline-python interleaved for the ratio       target <= 60 ms
  cli-noplan  the same on an output heal cannot place, so that no fixes are planned: what the process,
              heal's entry and diagnosis cost without planning (information)
  suggest     `heal -- PY -c 'import requests_toolbelt'` (PY: the Python next to heal, as in an activated
              venv): from the failure to heal's suggestion line, i.e. the time the line appears minus the bare
              command's run and heal's own start-up (`heal -- true` minus `true`), all interleaved
                                                                                    target <= 60 ms
  thefuck     (--with-thefuck) thefuck 3.32's Python API as a whole process on the same command and
              output (`get_corrected_commands(Command(script, output))`, TF_SHELL=bash, a temporary
              XDG_CONFIG_HOME), interleaved with the cli run      target thefuck ms / heal ms >= 6.0

The synthetic outputs are build/test/download noise from several ecosystems (pip, npm, cargo, pytest,
maven, gradle, go, gcc), generated from a fixed seed, ending in a real failure: a Python traceback with
ModuleNotFoundError, whose diagnosis must be "dependency" (MISMATCH otherwise). In-process figures are
the median of runs after one warm-up call (which compiles the rules' regexes it reaches; its time is
shown). The "base" column is the floor any diagnosis pays on the same bytes: decode as UTF-8 and
lower-case. heal is byte-compiled first, as pip install does.

Note that the CLI and heal's runner keep at most 64 KiB of head and 1 MiB of tail of an output, so
10 MB reaches diagnose() only through the library; it is measured to show that cost stays linear.

The script always exits 0 (benchmarks report, they don't gate) except when heal is missing (exit 2).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from common import (DATA_DIR, MiB, Runner, RunFailed, Tally, arg_parser, byte_compile_heal, devnull, error_line,
                    find_heal, header, interleave, median_ms, own_cost_line, pair_range, spawn, summary)

KiB = 1024
CI_LOGS = Path("/work/shared/benchmarks/ci_logs.jsonl")
RUN_TIMEOUT = 60.0  # seconds one CLI run may take before it counts as hung
SEED = 20240611

MISSING_MODULE = "requests_toolbelt"
FAILURE = f"""\
+ python -m app.cli sync --config ci/settings.toml
Traceback (most recent call last):
  File "<frozen runpy>", line 198, in _run_module_as_main
  File "<frozen runpy>", line 88, in _run_code
  File "/home/runner/work/app/app/src/app/cli.py", line 14, in <module>
    from app.sync import main
  File "/home/runner/work/app/app/src/app/sync.py", line 7, in <module>
    from app.http import session
  File "/home/runner/work/app/app/src/app/http.py", line 3, in <module>
    import {MISSING_MODULE}
ModuleNotFoundError: No module named '{MISSING_MODULE}'
Error: Process completed with exit code 1.
"""
EXPECTED = "dependency"
# The command line the failure came from, as heal and thefuck are told it.
FAILURE_COMMAND = f"python3 -c 'import {MISSING_MODULE}_bench'"
THEFUCK = "thefuck==3.32"


# --- test data -----------------------------------------------------------------------------------

_PY_PACKAGES = ("requests", "urllib3", "charset-normalizer", "idna", "certifi", "numpy", "pandas", "pyyaml",
                "click", "jinja2", "markupsafe", "pydantic", "typing-extensions", "attrs", "packaging")
_NPM_PACKAGES = ("lodash", "react", "react-dom", "@babel/core", "@babel/parser", "webpack", "typescript",
                 "eslint", "chalk", "semver", "@types/node", "rxjs", "tslib", "ws", "debug")
_CRATES = ("serde", "serde_json", "libc", "tokio", "proc-macro2", "quote", "syn", "regex", "memchr",
           "log", "cfg-if", "bitflags", "hashbrown", "itoa", "ryu")
_JARS = (("org/apache/commons", "commons-lang3", "3.12.0"), ("com/google/guava", "guava", "32.1.2-jre"),
         ("org/slf4j", "slf4j-api", "2.0.9"), ("junit", "junit", "4.13.2"),
         ("com/fasterxml/jackson/core", "jackson-databind", "2.15.2"))
_GO_MODULES = ("github.com/spf13/cobra", "github.com/stretchr/testify", "golang.org/x/sys",
               "google.golang.org/protobuf", "github.com/pkg/errors", "go.uber.org/zap")
_C_FILES = ("src/parser.c", "src/lexer.c", "src/error.c", "src/util/strbuf.c", "src/net/socket.c", "lib/hash.c")
_TESTS = ("test_api", "test_models", "test_error_handling", "test_cli", "test_config", "test_sync")


def _noise_lines(rng: random.Random) -> Iterator[str]:
    """Endless progress output of the kind that fills real CI logs before a failure."""
    n = 0
    while True:
        n += 1
        kind = rng.randrange(10)
        v = f"{rng.randrange(1, 9)}.{rng.randrange(40)}.{rng.randrange(20)}"
        if kind == 0:
            p = rng.choice(_PY_PACKAGES)
            yield f"Collecting {p}=={v}"
            yield f"  Downloading {p.replace('-', '_')}-{v}-py3-none-any.whl ({rng.randrange(10, 900)} kB)"
            yield (f"Requirement already satisfied: {rng.choice(_PY_PACKAGES)}>=1.0 in "
                   f"./venv/lib/python3.11/site-packages (from {p}) ({v})")
        elif kind == 1:
            p = rng.choice(_NPM_PACKAGES)
            yield (f"npm http fetch GET 200 https://registry.npmjs.org/{p} {rng.randrange(5, 400)}ms "
                   f"(cache {rng.choice(('revalidated', 'hit', 'miss'))})")
            yield f"npm timing reify:loadTrees Completed in {rng.randrange(100, 5000)}ms"
        elif kind == 2:
            yield f"   Compiling {rng.choice(_CRATES)} v{v}"
            yield f"  Downloaded {rng.choice(_CRATES)} v{v}"
        elif kind == 3:
            t = rng.choice(_TESTS)
            yield (f"tests/{t}.py::{t}_case_{n % 997}[param-{rng.randrange(50)}] PASSED"
                   f"{'':<20}[{n % 100:3d}%]")
        elif kind == 4:
            group, artifact, ver = rng.choice(_JARS)
            url = f"https://repo.maven.apache.org/maven2/{group}/{artifact}/{ver}/{artifact}-{ver}"
            yield f"[INFO] Downloading from central: {url}.pom"
            yield (f"[INFO] Downloaded from central: {url}.pom ({rng.randrange(1, 60)} kB at "
                   f"{rng.randrange(100, 900)} kB/s)")
        elif kind == 5:
            src = rng.choice(_C_FILES)
            obj = "build/" + src.rsplit("/", 1)[-1][:-2] + ".o"
            yield (f"gcc -DHAVE_CONFIG_H -I. -I./include -I/usr/include/openssl -O2 -g -Wall -Wextra "
                   f"-Werror=implicit-function-declaration -fPIC -MT {obj} -MD -MP -c {src} -o {obj}")
        elif kind == 6:
            yield f"go: downloading {rng.choice(_GO_MODULES)} v{v}"
        elif kind == 7:
            task = rng.choice(("compileJava", "processResources", "classes", "jar", "test"))
            yield f"> Task :app:{task} UP-TO-DATE"
        elif kind == 8:
            yield (f"[{n % 60:02d}:{n % 60:02d}] Building wheel for {rng.choice(_PY_PACKAGES)} (pyproject.toml): "
                   f"finished with status 'done'")
        else:
            yield (f"{n % 1000:4d}/1000 [{'=' * (n % 30)}>{'.' * (29 - n % 30)}] - "
                   f"{rng.randrange(1, 9)}s {rng.randrange(10, 99)}ms/step - loss: 0.{rng.randrange(1000, 9999)}")


def _fill(lines: Iterator[str], size: int) -> bytes:
    """Whole lines from `lines` up to (at most) size bytes."""
    out: list[bytes] = []
    total = 0
    for text in lines:
        data = text.encode() + b"\n"
        if total + len(data) > size:
            break
        out.append(data)
        total += len(data)
    return b"".join(out)


def synthetic_output(size: int) -> bytes:
    """size bytes (give or take a line) of noise ending in the Python failure."""
    failure = FAILURE.encode()
    return _fill(_noise_lines(random.Random(SEED)), size - len(failure)) + failure


def ci_output(size: int) -> bytes | None:
    """The CI log tails, one after another, repeated up to size bytes; None when the file is missing."""
    try:
        with open(CI_LOGS, encoding="utf-8") as fh:
            tails = [json.loads(line).get("log_tail") or "" for line in fh if line.strip()]
    except (OSError, ValueError):
        return None
    corpus = "\n".join(t.rstrip("\n") for t in tails if t).splitlines()
    if not corpus:
        return None

    def cycle() -> Iterator[str]:
        while True:
            yield from corpus

    return _fill(cycle(), size)


_SGR = ("\x1b[1m", "\x1b[32m", "\x1b[1;31m", "\x1b[33m", "\x1b[36m", "\x1b[2m", "\x1b[1;34m", "\x1b[35m")


def _coloured(lines: Iterator[str], rng: random.Random) -> Iterator[str]:
    """The lines with every other word coloured and reset, as a terminal-aware tool prints them."""
    for line in lines:
        words = line.split(" ")
        yield " ".join(f"{rng.choice(_SGR)}{w}\x1b[0m" if i % 2 == 0 and w else w for i, w in enumerate(words))


def ansi_output(size: int) -> bytes:
    """size bytes of coloured noise (an escape sequence every ~15 bytes) ending in the Python failure."""
    failure = FAILURE.encode()
    rng = random.Random(SEED + 1)
    return _fill(_coloured(_noise_lines(random.Random(SEED)), rng), size - len(failure)) + failure


def real_failure_file() -> Path:
    """The stderr of a real failed Python command, from this interpreter, for the CLI benchmark."""
    path = DATA_DIR / "diagnose-failure.log"
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
    try:
        pid = spawn([sys.executable, "-c", f"import {MISSING_MODULE}_bench"], devnull(os.O_RDONLY), fd, fd)
        os.waitpid(pid, 0)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    return path


# --- in-process diagnosis ------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    data: bytes
    runs: int
    target_ms_per_mb: float | None = None  # targets are on ms/MB ...
    target_ms: float | None = None  # ... or on the median itself
    samples: list[float] = field(default_factory=list)
    base: list[float] = field(default_factory=list)
    first_ms: float = 0.0
    category: str = ""

    @property
    def mb(self) -> float:
        return len(self.data) / MiB


def _floor(data: bytes) -> None:
    data.decode("utf-8", errors="replace").lower()


def bench_inprocess(cases: list[Case]) -> None:
    from heal.diagnose import diagnose

    for case in cases:  # warm up once: the first call compiles every rule's regex it reaches
        start = time.perf_counter()
        case.category = diagnose(case.data).category
        case.first_ms = (time.perf_counter() - start) * 1000
    # Interleaved rounds (smaller cases run more often): slow drifts of the machine hit every size alike.
    for i in range(max(c.runs for c in cases)):
        for case in cases:
            if i >= case.runs:
                continue
            start = time.perf_counter()
            diagnose(case.data)
            case.samples.append(time.perf_counter() - start)
            start = time.perf_counter()
            _floor(case.data)
            case.base.append(time.perf_counter() - start)


def report_inprocess(cases: list[Case], tally: Tally) -> None:
    per_mb: dict[str, float] = {}
    for case in cases:
        ms = median_ms(case.samples)
        base = median_ms(case.base)
        ms_mb = ms / case.mb
        per_mb[case.name] = ms_mb
        if case.target_ms is not None:
            status = tally.add(case.name, ms <= case.target_ms)
            target = f"<= {case.target_ms:g} ms"
        elif case.target_ms_per_mb is not None:
            status = tally.add(case.name, ms_mb <= case.target_ms_per_mb)
            target = f"<= {case.target_ms_per_mb:g} ms/MB"
        else:
            status, target = "-", "(info only)"
        size = f"{len(case.data) / KiB:.0f} KiB" if len(case.data) < MiB else f"{case.mb:.1f} MiB"
        text = (f"{case.name:<13} heal {ms:8.2f} ms  base {base:7.3f} ms  ratio {ms / base:6.0f}  "
                f"{ms_mb:6.1f} ms/MB  target {target:<14} {status:<4}")
        verdict = case.category if case.category == EXPECTED or case.name.startswith("ci-") else (
            f"{case.category} MISMATCH (expected {EXPECTED})")
        spread = f"runs {len(case.samples)}, {min(case.samples) * 1000:.2f}-{max(case.samples) * 1000:.2f} ms"
        print(f"{text}  {size}, {verdict}; first call {case.first_ms:.1f} ms; {spread}", flush=True)
    for prefix in ("diag", "ci"):
        small, big = per_mb.get(f"{prefix}-1M"), per_mb.get(f"{prefix}-10M")
        if small and big:
            print(f"{prefix + '-linear':<13} ms/MB at 10 MB / ms/MB at 1 MB = {big / small:.2f} "
                  f"(1.00 = linear; information)", flush=True)


# --- the CLI as a process ------------------------------------------------------------------------


def bench_cli(run: Runner, heal: str, python: str, failure: Path, runs: int, tally: Tally,
              thefuck: list[str] | None) -> None:
    argv = [heal, "diagnose", "--json", "--command", FAILURE_COMMAND, str(failure)]
    try:
        category = json.loads(run.output(argv)).get("category", "")
    except ValueError:
        category = "(no JSON)"
    if category != EXPECTED:
        tally.mismatch = True
    # The same command on an output heal cannot place: diagnosis runs, planning fixes is skipped. What is
    # left is the process, heal's entry and diagnosis: the floor this side of planning.
    unplaced = failure.with_name("diagnose-unplaced.log")
    unplaced.write_text("compiling...\nsomething odd happened\n")
    argv_unplaced = [heal, "diagnose", "--json", "--exit-code", "3", str(unplaced)]
    sides = [
        lambda: run.pipeline([argv]),
        lambda: run.pipeline([[python, "-c", "pass"]]),
        lambda: run.pipeline([[python, "-S", "-c", "pass"]]),
        lambda: run.pipeline([argv_unplaced]),
    ]
    if thefuck is not None:
        sides.append(lambda: run.pipeline([thefuck]))
    samples = interleave(runs, *sides)
    a, b, c, d = samples[:4]
    h, p, bare = median_ms(a), median_ms(b), median_ms(c)
    ratio = h / p
    status = tally.row("cli", "`heal diagnose --command CMD FILE`, a real failure, as a process (vs `python -c pass`)",
                       f"{h:.1f} ms", f"{p:.1f} ms", ratio, "<= 60 ms", h <= 60)
    verdict = category if category == EXPECTED else f"{category} MISMATCH (expected {EXPECTED})"
    print(f"{'cli':<13} heal {h:8.1f} ms  base {p:7.1f} ms  ratio {ratio:6.2f}  {'':12}  target {'<= 60 ms':<14} "
          f"{status:<4}  {pair_range(a, b)} {verdict}", flush=True)
    own_cost_line(h, p, bare, f"; {failure.stat().st_size} byte input")
    u = median_ms(d)
    print(f"{'cli-noplan':<13} heal {u:8.1f} ms  base {p:7.1f} ms  ratio {u / p:6.2f}  (information: an output heal "
          f"cannot place, so no fixes are planned; planning costs the rest: {h - u:+.1f} ms)", flush=True)
    if thefuck is not None:
        t = median_ms(samples[4])
        speedup = t / h
        status = tally.row("thefuck", "thefuck 3.32's API on the same command and output, thefuck ms / heal ms",
                           f"{h:.1f} ms", f"{t:.1f} ms", speedup, ">= 6x faster", speedup >= 6.0)
        pairs = [x / y for x, y in zip(samples[4], a)]
        print(f"{'thefuck':<13} thefuck {t:8.1f} ms  heal {h:8.1f} ms  thefuck/heal {speedup:5.2f}  "
              f"target {'>= 6.0':<14} {status:<4}  (pairs {min(pairs):.2f}-{max(pairs):.2f}) "
              f"thefuck 3.32 through its API, same command and output", flush=True)


def _time_to_line(argv: list[str], needle: bytes, timeout: float) -> tuple[float, float]:
    """(seconds until a stderr line holding needle appeared, seconds until the process was reaped)."""
    import select

    r, w = os.pipe()
    start = time.perf_counter()
    try:
        pid = spawn(argv, devnull(os.O_RDONLY), devnull(os.O_WRONLY), w)
    finally:
        os.close(w)
    seen = None
    buf = b""
    try:
        while True:
            if not select.select([r], [], [], timeout)[0]:
                os.kill(pid, 9)
                raise RunFailed(f"{' '.join(argv)} still running after {timeout:.0f}s")
            chunk = os.read(r, 65536)
            if not chunk:
                break
            buf += chunk
            if seen is None and needle in buf:
                seen = time.perf_counter() - start
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(r)
    ended = time.perf_counter() - start
    if seen is None:
        raise RunFailed(f"{' '.join(argv)} printed no {needle.decode()!r}: {buf.decode(errors='replace')[-300:]}")
    return seen, ended


def bench_suggest(run: Runner, heal: str, runs: int, tally: Tally) -> None:
    """heal -- CMD, from the command's failure to heal's suggestion (see the module's docstring)."""
    python = os.path.join(os.path.dirname(heal), "python")
    cmd = [python, "-c", "import requests_toolbelt"]  # in the import map, not installed: an install is suggested
    first = _time_to_line([heal, "--", *cmd], b"heal: suggestion:", RUN_TIMEOUT)  # warm-up, and the check
    del first
    sugg, bare, start, true = interleave(
        runs,
        lambda: _time_to_line([heal, "--", *cmd], b"heal: suggestion:", RUN_TIMEOUT)[0],
        lambda: _wall(run, cmd),
        lambda: run.pipeline([[heal, "--", "true"]]),
        lambda: run.pipeline([["true"]]),
    )
    s, b, h, t = (median_ms(x) for x in (sugg, bare, start, true))
    after = s - b - (h - t)
    status = tally.row("suggest", "`heal -- PY -c 'import requests_toolbelt'`: from the failure to the suggestion",
                       f"{after:.1f} ms", f"{b:.1f} ms", None, "<= 60 ms", after <= 60)
    print(f"{'suggest':<13} heal {after:8.1f} ms after the failure (suggestion at {s:.1f} ms; bare command {b:.1f} ms; "
          f"heal's start-up {h - t:.1f} ms)  target {'<= 60 ms':<14} {status}", flush=True)


def _wall(run: Runner, argv: list[str]) -> float:
    """A command that fails on purpose, timed to its exit."""
    start = time.perf_counter()
    pid = spawn(argv, devnull(os.O_RDONLY), devnull(os.O_WRONLY), devnull(os.O_WRONLY))
    os.waitpid(pid, 0)
    return time.perf_counter() - start


_THEFUCK_API = """\
import sys
from thefuck.conf import settings
settings.init()
from thefuck.corrector import get_corrected_commands
from thefuck.types import Command
with open(sys.argv[2], encoding="utf-8", errors="replace") as fh:
    output = fh.read()
fixes = [c.script for c in get_corrected_commands(Command(sys.argv[1], output))]
print(fixes[0] if fixes else "")
"""


def thefuck_argv(failure: Path) -> list[str] | None:
    """The command that runs thefuck's API on the failure, in a venv of its own (created and filled by pip
    on first use, with the interpreter running this benchmark); None after saying why when it cannot."""
    venv = DATA_DIR / "thefuck-3.32"
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"bench_diagnose: installing {THEFUCK} into {venv}", flush=True)
        try:
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, stdout=subprocess.DEVNULL)
            subprocess.run([str(python), "-m", "pip", "install", "-q", THEFUCK], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=600)
        except (OSError, subprocess.SubprocessError) as exc:
            print(f"{'thefuck':<13} SKIPPED: could not install {THEFUCK}: {exc}", flush=True)
            return None
    script = DATA_DIR / "thefuck_api.py"
    script.write_text(_THEFUCK_API)
    # thefuck writes its settings under XDG_CONFIG_HOME on first use: a temporary one, never the user's.
    # Through env(1), so that heal, timed alongside, keeps the environment it has without --with-thefuck.
    config = tempfile.mkdtemp(prefix="thefuck-config-", dir=DATA_DIR)
    argv = ["/usr/bin/env", f"XDG_CONFIG_HOME={config}", "TF_SHELL=bash", str(python), str(script),
            FAILURE_COMMAND, str(failure)]
    try:
        suggestion = subprocess.run(argv, check=True, capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError) as exc:
        print(f"{'thefuck':<13} SKIPPED: {THEFUCK} does not run: {exc}", flush=True)
        return None
    print(f"bench_diagnose: thefuck suggests: {suggestion or '(nothing)'}", flush=True)
    return argv


def bench_diagnosis(tally: Tally, runs_1k: int, runs_1m: int, runs_10m: int) -> None:
    """The in-process rows: diag-1K, -1M, -10M, ansi-1M, ci-1M, ci-10M."""
    sizes = (("1K", KiB, runs_1k), ("1M", MiB, runs_1m), ("10M", 10 * MiB, runs_10m))
    cases = [Case(f"diag-{label}", synthetic_output(size), runs,
                  target_ms=5.0 if size == KiB else None,
                  target_ms_per_mb=None if size == KiB else 30.0)
             for label, size, runs in sizes]
    cases.append(Case("ansi-1M", ansi_output(MiB), runs_1m, target_ms_per_mb=30.0))
    ci_cases = []
    for label, size, runs in sizes[1:]:
        data = ci_output(size)
        if data is not None:
            ci_cases.append(Case(f"ci-{label}", data, runs, target_ms_per_mb=30.0))
    if not ci_cases:
        print(f"{'ci':<13} SKIPPED: {CI_LOGS} missing or unreadable", flush=True)
        tally.failed("ci-1M")
    ansi = cases[-1].data
    every = len(ansi) / max(1, ansi.count(b"\x1b"))
    print(f"bench_diagnose: ansi-1M has an escape sequence every {every:.1f} bytes", flush=True)
    bench_inprocess(cases + ci_cases)
    report_inprocess(cases + ci_cases, tally)
    tally.mismatch |= any(c.category != EXPECTED for c in cases)


# --- main ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = arg_parser("Benchmark heal's diagnosis.", "few runs: a smoke run",
                        "runs per measurement (default 200 for 1 KB, 20 for 1 MB, 7 for 10 MB, 20 CLI)")
    parser.add_argument("--with-thefuck", action="store_true",
                        help="also time thefuck 3.32's API on the same failure (installed under benchmarks/.data/)")
    parser.add_argument("--processes-only", action="store_true",
                        help="only the whole-process rows (cli, suggest, thefuck): what bench_all.py runs")
    args = parser.parse_args(argv)
    heal = find_heal("bench_diagnose", args.heal)
    if heal is None:
        return 2
    runs_1k = args.runs or (30 if args.quick else 200)
    runs_1m = args.runs or (5 if args.quick else 20)
    runs_10m = args.runs or (2 if args.quick else 7)
    runs_cli = args.runs or (5 if args.quick else 30)

    t0 = time.perf_counter()
    byte_compile_heal()
    tally = Tally()
    header("bench_diagnose", heal)
    print(f"bench_diagnose: runs 1K={runs_1k} 1M={runs_1m} 10M={runs_10m} cli={runs_cli}", flush=True)

    if not args.processes_only:
        bench_diagnosis(tally, runs_1k, runs_1m, runs_10m)

    run = Runner(DATA_DIR / "bench_diagnose.stderr.log", RUN_TIMEOUT)
    failure = real_failure_file()
    # heal reads the configuration of the project it runs in: here, a new directory, as in a project that has
    # none (this checkout's pyproject.toml names heal, and would be read)
    os.chdir(tempfile.mkdtemp(prefix="heal-bench-project-"))  # outside this checkout
    thefuck = thefuck_argv(failure) if args.with_thefuck else None
    if args.with_thefuck and thefuck is None:
        tally.failed("thefuck")
    try:
        bench_cli(run, heal, args.baseline_python, failure, runs_cli, tally, thefuck)
    except RunFailed as exc:
        tally.failed("cli")
        error_line("cli", exc)
    try:
        bench_suggest(run, heal, runs_cli, tally)
    except RunFailed as exc:
        tally.failed("suggest")
        error_line("suggest", exc)

    summary("bench_diagnose", t0, tally, "diagnosis", args.results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
