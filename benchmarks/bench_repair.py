"""Benchmarks for `heal repair`, each against `python -c pass` run in the same session (interleaved rounds,
medians), so the figures are ratios rather than machine-dependent timings.

    python benchmarks/bench_repair.py [--quick] [--runs N] [--heal PATH]

Benchmarks:
  one-error     `heal repair big.py`: a 2,000-line file with one syntax error, repaired and journaled
                (the file is broken again before each run, outside the timing)    target ratio <= 15
  pre-commit    `heal repair` on 200 valid files of 60 lines (what a pre-commit hook does on every commit)
                                                                                   target ratio <= 12
  vs-compile    the same against `python -c` compiling the same 200 files: what heal adds to the compile()
                that any syntax check pays                                         target ratio <= 1.5
plus a check that the pre-commit case never imports libcst or typer (python -X importtime).

Everything happens in a temp git project with HEAL_HOME inside it. The script exits 0 (benchmarks report, they
don't gate) except when heal is missing (exit 2).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import (DATA_DIR, Runner, RunFailed, Tally, arg_parser, byte_compile_heal, error_line, find_heal, header,
                    interleave, median_ms, own_cost_line, pair_range, summary)

RUN_TIMEOUT = 120.0
ONE_ERROR_TARGET = 15.0  # start-up, the search, libcst's import (~0.3 s, only when a file needs repairing), the log
PRE_COMMIT_TARGET = 12.0  # 200 files of 60 lines (12,000 lines): compile() alone is ~1 ms a file, 6x python -c pass
LINES = 2000
VALID_FILES = 200


def big_file() -> tuple[bytes, bytes]:
    """(broken, fixed): about 2,000 lines of ordinary functions, one `:` missing in the middle."""
    parts = []
    for i in range(LINES // 8):
        parts.append(f"def func_{i}(a, b=None):\n    \"\"\"Return something about {i}.\"\"\"\n    x = [a, b, {i}]\n"
                     f"    if a > {i}:\n        return sum(x[:2]) + len(str(b))\n    return {{'k': x, 'n': {i}}}\n\n\n")
    fixed = "".join(parts)
    lines = fixed.split("\n")
    middle = next(k for k in range(len(lines) // 2, len(lines)) if lines[k].startswith("def "))
    lines[middle] = lines[middle][:-1]
    return "\n".join(lines).encode(), fixed.encode()


def valid_files(root: Path) -> list[str]:
    names = []
    for i in range(VALID_FILES):
        name = f"pkg/mod_{i:03d}.py"
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(f"def f_{i}_{k}(x):\n    return [y * {k} for y in range(x)]\n" for k in range(30)))
        names.append(name)
    return names


def line(name: str, heal_ms: float, base_ms: float, target: float, status: str, extra: str = "") -> None:
    ratio = heal_ms / base_ms
    text = (f"{name:<13} heal {heal_ms:>8.1f} ms  base {base_ms:>8.1f} ms  ratio {ratio:6.2f}  "
            f"target ratio <= {target:<5g} {status:<4}")
    print(f"{text}  {extra}".rstrip(), flush=True)


def bench_one_error(run: Runner, heal: str, root: Path, runs: int, tally: Tally) -> None:
    broken, fixed = big_file()
    path = root / "big.py"

    def repair() -> float:
        path.write_bytes(broken)
        seconds = run.pipeline([[heal, "repair", "big.py"]])
        if path.read_bytes() != fixed:
            raise RunFailed("heal repair big.py did not produce the expected repair")
        return seconds

    a, b, c = interleave(runs, repair, lambda: run.pipeline([[sys.executable, "-c", "pass"]]),
                         lambda: run.pipeline([[sys.executable, "-S", "-c", "pass"]]))
    h, p, bare = median_ms(a), median_ms(b), median_ms(c)
    status = tally.add("one-error", h / p <= ONE_ERROR_TARGET)
    line("one-error", h, p, ONE_ERROR_TARGET, status, pair_range(a, b))
    own_cost_line(h, p, bare)


COMPILE_ALL = "import sys\nfor f in sys.argv[1:]:\n    compile(open(f, 'rb').read(), f, 'exec')"


def bench_pre_commit(run: Runner, heal: str, names: list[str], runs: int, tally: Tally) -> None:
    a, b, c, d = interleave(runs, lambda: run.pipeline([[heal, "repair", *names]]),
                            lambda: run.pipeline([[sys.executable, "-c", "pass"]]),
                            lambda: run.pipeline([[sys.executable, "-S", "-c", "pass"]]),
                            lambda: run.pipeline([[sys.executable, "-c", COMPILE_ALL, *names]]))
    h, p, bare, comp = median_ms(a), median_ms(b), median_ms(c), median_ms(d)
    status = tally.add("pre-commit", h / p <= PRE_COMMIT_TARGET)
    line("pre-commit", h, p, PRE_COMMIT_TARGET, status, pair_range(a, b))
    own_cost_line(h, p, bare, f"; {len(names)} files, {(h - p) / len(names):.2f} ms each")
    # compile() of 12,000 lines is most of it and no checker avoids it: what heal adds on top
    status = tally.add("vs-compile", h / comp <= 1.5)
    line("vs-compile", h, comp, 1.5, status, "(base: python -c 'compile() every file', same files)")


def check_imports(root: Path, names: list[str], tally: Tally) -> None:
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "heal", "repair", *names], cwd=root,
                       capture_output=True, text=True, timeout=RUN_TIMEOUT)
    heavy = sorted({m for m in ("libcst", "typer") if f" {m}" in r.stderr or f".{m}" in r.stderr})
    ok = r.returncode == 0 and "heal.commands.repair" in r.stderr and not heavy
    status = tally.add("imports", ok)
    print(f"{'imports':<13} pre-commit case imports {', '.join(heavy) or 'neither libcst nor typer'}  {status}",
          flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = arg_parser("Benchmark heal repair against python -c pass.", "a few runs: a smoke run",
                        "runs per benchmark (default 15)")
    args = parser.parse_args(argv)
    heal = find_heal("bench_repair", args.heal)
    if heal is None:
        return 2
    runs = args.runs or (3 if args.quick else 15)
    t0 = time.perf_counter()
    byte_compile_heal()
    tally = Tally()
    header("bench_repair", heal)
    run = Runner(DATA_DIR / "bench_repair.stderr.log", RUN_TIMEOUT)
    with tempfile.TemporaryDirectory(prefix="heal-bench-repair-") as tmp:
        root = Path(tmp) / "project"
        root.mkdir()
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        os.environ["HEAL_HOME"] = str(Path(tmp) / "heal-home")
        os.environ.pop("VIRTUAL_ENV", None)  # heal's own interpreter judges the code: nothing else to start
        os.chdir(root)
        names = valid_files(root)
        print(f"bench_repair: runs={runs}  one-error: {LINES} lines  pre-commit: {len(names)} valid files", flush=True)
        for name, bench in (("one-error", lambda: bench_one_error(run, heal, root, runs, tally)),
                            ("pre-commit", lambda: bench_pre_commit(run, heal, names, runs, tally))):
            try:
                bench()
            except RunFailed as exc:
                tally.failed(name)
                error_line(name, exc)
        check_imports(root, names, tally)
        os.chdir(tmp)
    summary("bench_repair", t0, tally, "a repair")
    return 0


if __name__ == "__main__":
    sys.exit(main())
