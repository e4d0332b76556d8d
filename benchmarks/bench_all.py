"""Every performance target of issue 14 in one run, each a ratio (or a time) against a baseline measured in the
same run, printed as one table at the end (the one in README.md's Performance section).

    python benchmarks/bench_all.py [--quick] [--with-thefuck] [--rss-1g] [--only run,diagnose,loop]

What it measures is heal as users get it: `pip install` of this checkout (not editable) into a venv of its own
under benchmarks/.data/bench-all/heal (built on first use; heal itself reinstalled whenever its sources change),
against `python -c pass` of a clean venv made by the same interpreter. The heal venv is "activated" for the
runs (its bin first on PATH); they run in a temporary directory with a temporary HEAL_HOME. It runs, with that
venv's interpreter:

    bench_run.py       startup, pipe, pty, peak RSS (and, with --rss-1g, at 1 GiB through pipes and a pty)
    bench_diagnose.py  --processes-only: `heal diagnose` as a process, `heal --` from failure to suggestion,
                       and (--with-thefuck) thefuck 3.32 in its own venv on the same failure
    bench_loop.py      the subcommands, `heal log` at 1,000 and 10,000 change sets, fix done -> rerun, rollback
                       of one pip install vs `pip uninstall`, a first checkpoint vs `tar cf`

Each prints its own lines as it goes; the table at the end gathers their rows. Needs pip's index (or this
machine's local one) the first time, to fill the heal venv. Exits 0 (benchmarks report, they don't gate).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".data" / "bench-all"
BENCHES = {
    "run": "bench_run.py",
    "diagnose": "bench_diagnose.py",
    "loop": "bench_loop.py",
}


def base_python() -> str:
    """The interpreter under whatever venv this runs in: both venvs are made by it."""
    return getattr(sys, "_base_executable", None) or sys.executable


def source_hash() -> str:
    """What the installed heal is built from: a reinstall when any of it changed."""
    digest = hashlib.sha256()
    for top in ("src", "patterns", "scripts"):
        for path in sorted((ROOT / top).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and not path.name.endswith(".pyc") \
                    and ".egg-info" not in str(path):
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    digest.update((ROOT / "pyproject.toml").read_bytes())
    return digest.hexdigest()


def venvs() -> tuple[Path, Path]:
    """(the clean venv, the venv with heal pip-installed), made or refreshed as needed."""
    WORK.mkdir(parents=True, exist_ok=True)
    clean, heal = WORK / "clean", WORK / "heal"
    for venv in (clean, heal):
        if not (venv / "bin" / "python").exists():
            print(f"bench_all: creating {venv}", flush=True)
            subprocess.run([base_python(), "-m", "venv", str(venv)], check=True)
    stamp = heal / ".heal-source"
    want = source_hash()
    if not (heal / "bin" / "heal").exists() or not stamp.exists() or stamp.read_text() != want:
        print("bench_all: installing this checkout into the heal venv (pip install ., not editable)", flush=True)
        pip = [str(heal / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        if (heal / "bin" / "heal").exists():  # dependencies are there: heal alone
            pip += ["--no-deps", "--force-reinstall"]
        subprocess.run([*pip, str(ROOT)], check=True)
        stamp.write_text(want)
    return clean, heal


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run every heal benchmark of issue 14 and print one table.")
    parser.add_argument("--quick", action="store_true", help="smoke run: few rounds, small data")
    parser.add_argument("--with-thefuck", action="store_true", help="also time thefuck 3.32 (bench_diagnose.py)")
    parser.add_argument("--rss-1g", action="store_true", help="also the peak RSS at 1 GiB (bench_run.py)")
    parser.add_argument("--only", default=",".join(BENCHES), help=f"comma-separated, of {', '.join(BENCHES)}")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    clean, heal_venv = venvs()
    heal = str(heal_venv / "bin" / "heal")
    python = str(heal_venv / "bin" / "python")
    baseline = str(clean / "bin" / "python")
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="bench-all-") as tmp:
        env = dict(os.environ, HEAL_HOME=os.path.join(tmp, "home"), VIRTUAL_ENV=str(heal_venv),
                   PATH=str(heal_venv / "bin") + os.pathsep + os.environ.get("PATH", ""))
        env.pop("PYTHONHOME", None)
        for name in [n.strip() for n in args.only.split(",") if n.strip()]:
            results = os.path.join(tmp, f"{name}.json")
            cmd = [python, str(HERE / BENCHES[name]), "--heal", heal, "--baseline-python", baseline,
                   "--results", results]
            if args.quick:
                cmd.append("--quick")
            if name == "diagnose":
                cmd.append("--processes-only")
                if args.with_thefuck:
                    cmd.append("--with-thefuck")
            if name == "run" and args.rss_1g:
                cmd.append("--rss-1g")
            print(f"\nbench_all: {' '.join(Path(c).name if c.startswith(str(ROOT)) else c for c in cmd[1:2])}",
                  flush=True)
            # in a directory of its own, outside this checkout: heal reads the configuration of the project it
            # runs in, and this one's pyproject.toml names heal
            subprocess.run(cmd, env=env, cwd=tmp)
            try:
                with open(results, encoding="utf-8") as fh:
                    rows.extend(json.load(fh)["rows"])
            except (OSError, ValueError, KeyError):
                print(f"bench_all: {name} wrote no results", flush=True)
    print(f"\nbench_all: heal {heal} (pip-installed), baseline {baseline} (clean venv), "
          f"python {sys.version.split()[0]}, cpus {os.cpu_count()}, load {os.getloadavg()[0]:.1f}, "
          f"{time.strftime('%Y-%m-%d')}, took {time.perf_counter() - t0:.0f}s\n")
    print("| benchmark | heal | baseline | ratio | target | met |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}"
        met = {True: "yes", False: "**no**", None: "-"}[r["met"]]
        print(f"| {r['what']} | {r['heal']} | {r['base']} | {ratio} | {r['target']} | {met} |")
    met = sum(1 for r in rows if r["met"])
    targets = sum(1 for r in rows if r["met"] is not None)
    print(f"\nbench_all: {met}/{targets} targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
