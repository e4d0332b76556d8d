"""Benchmarks for everything around a fix: the subcommands, `heal log` on a large change log, the healing
loop's own bookkeeping, rolling an install back, and checkpoints. Each against a baseline measured in the same
run (interleaved rounds, medians), so the figures are ratios, or absolute times next to their baseline.

Run it with the interpreter heal is installed into (bench_all.py does, with a pip-installed heal):

    python benchmarks/bench_loop.py [--quick] [--runs N] [--heal PATH] [--baseline-python PY] [--only NAME,...]

Benchmarks (NAME for --only in brackets):
  [subcommands] `heal log`, `heal rollback --last --dry-run` (one change set), `heal checkpoint list`,
                `heal config`, `heal patterns list`, `heal hooks status git`, each vs `python -c pass`
                                                                                 target ratio <= 3.0 each
  [log]         `heal log -n 20` in a project of a change log of 1,000 and of 10,000 change sets (70% of
                them file edits with two backups, 30% rolled back, over 5 projects), after one warm-up run
                (which builds the log's index when the store predates it: shown as "first")
                                                                                 target <= 100 ms at 10,000
  [loop]        `heal --yes -- .venv/bin/python app.py`, app.py importing a module that is missing, installed by
                pip from a local wheel (no index): from pip's exit to the rerun's exec, timed by strace
                (execve and exit_group only, through seccomp): the install's check and journal records
                                                                                 target <= 60 ms
  [rollback]    `heal rollback --last --yes` of that install vs `pip uninstall -y` of the same package,
                alternating (the package is put back, untimed, between rounds)     target ratio <= 1.2
  [checkpoint]  `heal checkpoint create` of 10,000 files / 200 MB (no git; a new state directory each round)
                vs `tar cf` of the same directory into a file                     target ratio <= 3.0

Test data goes to benchmarks/.data/ (gitignored) and is reused; the projects heal runs in, to $TMPDIR/heal-bench
(outside this checkout, whose git top-level would otherwise be the project). The script exits 0 (benchmarks report, they
don't gate) except when heal is missing (exit 2).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from common import (DATA_DIR, RunFailed, Tally, arg_parser, byte_compile_heal, error_line, find_heal, header,
                    interleave, median_ms, pair_range, summary)

RUN_TIMEOUT = 600.0
PACKAGE = "termcolor"  # in heal's import map; installed from a wheel built here
# Projects live outside this checkout: heal takes the nearest git top-level (and its configuration) as the
# project, which inside benchmarks/.data would be this repository.
PROJECTS_DIR = Path(tempfile.gettempdir()) / "heal-bench"


def line(name: str, heal: str, base: str, ratio: float | None, target: str, status: str, extra: str = "") -> None:
    r = f"ratio {ratio:6.2f}" if ratio is not None else " " * 12
    print(f"{name:<22} heal {heal:>10}  base {base:>10}  {r}  target {target:<14} {status:<4}  {extra}".rstrip(),
          flush=True)


def _env(home: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ, HEAL_HOME=home, **extra)
    env.pop("HEAL_UI", None)
    return env


def _run(argv: list[str], cwd: str, env: dict[str, str], check: bool = True) -> float:
    """Seconds to run argv to completion (output discarded)."""
    start = time.perf_counter()
    r = subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=RUN_TIMEOUT)
    seconds = time.perf_counter() - start
    if check and r.returncode != 0:
        raise RunFailed(f"{' '.join(argv)} exited {r.returncode}: {r.stderr.decode(errors='replace')[-400:]}")
    return seconds


# --- subcommands ---------------------------------------------------------------------------------------

def bench_subcommands(heal: str, python: str, runs: int, tally: Tally) -> None:
    from heal.journal import FileChange, Journal

    PROJECTS_DIR.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="subcommands-", dir=PROJECTS_DIR))
    project, home = work / "project", str(work / "home")
    project.mkdir()
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    (project / "app.py").write_text("print('v1')\n")
    with Journal(home).changeset(cwd=str(project), root=str(project), command=["python", "app.py"]) as cs:
        cs.apply(FileChange(str(project / "app.py"), data=b"print('v2')\n"))
    env = _env(home)
    commands = {
        "log": ["log"], "rollback": ["rollback", "--last", "--dry-run"], "checkpoint": ["checkpoint", "list"],
        "config": ["config"], "patterns": ["patterns", "list"], "hooks": ["hooks", "status", "git"],
    }
    sides = [lambda: _run([python, "-c", "pass"], str(project), env)]
    for args in commands.values():
        sides.append(lambda args=args: _run([heal, *args], str(project), env))
    samples = interleave(runs, *sides)
    base = median_ms(samples[0])
    for (name, args), times in zip(commands.items(), samples[1:]):
        h = median_ms(times)
        ratio = h / base
        status = tally.row(f"sub-{name}", f"`heal {' '.join(args)}` vs `python -c pass`", f"{h:.1f} ms",
                           f"{base:.1f} ms", ratio, "<= 3.0x", ratio <= 3.0)
        line(f"sub-{name}", f"{h:.1f} ms", f"{base:.1f} ms", ratio, "ratio <= 3.0", status, pair_range(times, samples[0]))
    shutil.rmtree(work, ignore_errors=True)


# --- heal log on a large change log ---------------------------------------------------------------------

PROJECTS = 5


def change_log(n: int) -> Path:
    """A state directory of n change sets spread over PROJECTS projects; built once and reused."""
    home = DATA_DIR / f"changelog-{n}"
    if (home / ".complete").exists():
        return home
    shutil.rmtree(home, ignore_errors=True)
    rng = random.Random(n)
    jdir, bdir = home / "journal", home / "blobs"
    jdir.mkdir(parents=True)
    t0 = 1767225600  # 2026-01-01
    for i in range(n):
        now = time.gmtime(t0 + 37 * i)
        cid = time.strftime("%Y%m%d-%H%M%S-", now) + f"{i % 1000000:06d}-{rng.randrange(65536):04x}"
        d = jdir / cid
        d.mkdir()
        root = str(PROJECTS_DIR / f"changelog-project-{i % PROJECTS}")
        meta = {"id": cid, "created": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", now), "cwd": root, "root": root,
                "command": [".venv/bin/python", "app.py"], "diagnosis": "Python module 'colorama' is not installed",
                "kind": "run", "undoes": None}
        (d / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")
        digests = []
        for k in range(2):
            data = (f"colorama=={i}.{k}\n" * rng.randrange(20, 200)).encode()
            digest = hashlib.sha256(data).hexdigest()
            digests.append(digest)
            (bdir / digest[:2]).mkdir(parents=True, exist_ok=True)
            (bdir / digest[:2] / digest).write_bytes(data)
        intent = {"kind": "file", "op": "write", "path": f"{root}/requirements.txt", "describe": "edited requirements.txt",
                  "before": {"exists": True, "blob": digests[0], "mode": 420}, "new_blob": digests[1]}
        records = [{"seq": 1, "op": "intent", "change": intent},
                   {"seq": 1, "op": "done", "after": {"exists": True, "blob": digests[1], "mode": 420}},
                   {"seq": 0, "op": "end"}]
        (d / "actions.jsonl").write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in records))
        if rng.random() < 0.3:
            (d / "status.json").write_text(json.dumps({"status": "rolled back", "by": cid, "at": meta["created"]}))
    (home / ".complete").write_text("")
    return home


def bench_log(heal: str, python: str, runs: int, sizes: tuple[int, ...], tally: Tally) -> None:
    project = PROJECTS_DIR / "changelog-project-0"
    project.mkdir(parents=True, exist_ok=True)
    for n in sizes:
        home = change_log(n)
        for name in ("index.jsonl",):  # as a store written before the index: the first run builds it
            (home / "journal" / name).unlink(missing_ok=True)
        (home / "blobs" / ".sizes.json").unlink(missing_ok=True)
        env = _env(str(home))
        first = _run([heal, "log", "-n", "20"], str(project), env)
        a, b = interleave(runs, lambda: _run([heal, "log", "-n", "20"], str(project), env),
                          lambda: _run([python, "-c", "pass"], str(project), env))
        h, p = median_ms(a), median_ms(b)
        target = 100.0 if n >= 10000 else None
        status = tally.row(f"log-{n}", f"`heal log -n 20` with {n:,} change sets (vs `python -c pass`)", f"{h:.1f} ms",
                           f"{p:.1f} ms", h / p, "<= 100 ms" if target else "(information)",
                           None if target is None else h <= target)
        line(f"log-{n}", f"{h:.1f} ms", f"{p:.1f} ms", h / p, "<= 100 ms" if target else "(info)", status,
             f"first run {first * 1000:.0f} ms (builds the index)")


# --- the loop: fix done -> rerun; rollback vs pip uninstall ----------------------------------------------

def _wheel(directory: Path) -> Path:
    """A small pure-Python wheel of PACKAGE, built here (no index is needed to install it)."""
    version = "99.0.0"
    dist_info = f"{PACKAGE}-{version}.dist-info"
    path = directory / f"{PACKAGE}-{version}-py3-none-any.whl"
    if path.exists():
        return path
    directory.mkdir(parents=True, exist_ok=True)
    record = []
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w") as zf:
        files = {f"{PACKAGE}/__init__.py": b"def colored(text, *args, **kwargs):\n    return text\n",
                 f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: {PACKAGE}\nVersion: {version}\n".encode(),
                 f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
        for name, data in files.items():
            zf.writestr(name, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append(f"{name},sha256={digest},{len(data)}")
        record.append(f"{dist_info}/RECORD,,")
        zf.writestr(f"{dist_info}/RECORD", "\n".join(record) + "\n")
    os.replace(tmp, path)
    return path


_STRACE_LINE = re.compile(r"^(\d+)\s+(\d+\.\d+)\s+(execve|exit_group)\((.*)$")


def _fix_to_rerun(log: str) -> tuple[float, float]:
    """From strace's log: (seconds from the pip process's exit to the rerun's execve, seconds from the first
    run's exit to pip's execve)."""
    execs: list[tuple[float, int, str]] = []
    exits: dict[int, float] = {}
    with open(log, encoding="utf-8", errors="replace") as fh:
        for text in fh:
            m = _STRACE_LINE.match(text)
            if not m:
                continue
            pid, at, call, rest = int(m.group(1)), float(m.group(2)), m.group(3), m.group(4)
            if call == "execve":
                execs.append((at, pid, rest))
            else:
                exits[pid] = at
    pip = next((e for e in execs if '"pip"' in e[2] and '"install"' in e[2]), None)
    runs = [e for e in execs if '[".venv/bin/python", "app.py"]' in e[2]]  # the command's own runs, not heal's
    if pip is None or len(runs) < 2 or pip[1] not in exits or runs[0][1] not in exits:
        raise RunFailed("strace shows no pip install followed by a rerun")
    done = exits[pip[1]]
    rerun = next(e for e in runs if e[0] > done)
    return rerun[0] - done, pip[0] - exits[runs[0][1]]


def bench_loop(heal: str, runs: int, tally: Tally, with_loop: bool, with_rollback: bool) -> None:
    strace = shutil.which("strace")
    PROJECTS_DIR.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="loop-", dir=PROJECTS_DIR))
    project = work / "project"
    project.mkdir()
    wheels = DATA_DIR / "wheels"
    _wheel(wheels)
    venv = project / ".venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = str(venv / "bin" / "python")
    (project / "app.py").write_text(f"import {PACKAGE}\nprint('ok')\n")
    env = _env(str(work / "home"), PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheels), PIP_DISABLE_PIP_VERSION_CHECK="1")
    pip_install = [py, "-m", "pip", "install", "-q", PACKAGE]
    uninstall = [py, "-m", "pip", "uninstall", "-q", "-y", PACKAGE]
    heal_run = [heal, "--yes", "--", ".venv/bin/python", "app.py"]
    if with_loop and strace is None:
        print(f"{'loop':<22} SKIPPED: strace is not installed", flush=True)
        tally.failed("loop")
    fix_rerun: list[float] = []
    fail_pip: list[float] = []
    rollback: list[float] = []
    bare: list[float] = []
    for i in range(runs + 1):  # round 0 warms up (pip's and heal's caches), untimed
        log = str(work / "strace.log")
        if with_loop and strace:
            _run([strace, "-f", "-ttt", "--seccomp-bpf", "-e", "trace=execve,exit_group", "-o", log, *heal_run],
                 str(project), env)
            a, b = _fix_to_rerun(log)
            if i:
                fix_rerun.append(a)
                fail_pip.append(b)
        else:
            _run(heal_run, str(project), env)
        if not with_rollback:
            _run(uninstall, str(project), env)
            continue
        # Installed now, by heal. Both sides undo that install, in alternating order (slow drifts of the machine
        # hit both alike); pip puts the same version back, untimed, between them. Either way round ends with
        # the package gone, as the next round's heal run needs.
        if i % 2:
            t_heal = _run([heal, "rollback", "--last", "--yes"], str(project), env)
            _run(pip_install, str(project), env)
            t_pip = _run(uninstall, str(project), env)
        else:
            t_pip = _run(uninstall, str(project), env)
            _run(pip_install, str(project), env)
            t_heal = _run([heal, "rollback", "--last", "--yes"], str(project), env)
        if i:
            rollback.append(t_heal)
            bare.append(t_pip)
    if fix_rerun:
        ms = statistics.median(fix_rerun) * 1000
        status = tally.row("loop", "fix done (pip exits) -> rerun starts, `heal --yes -- .venv/bin/python app.py`",
                           f"{ms:.1f} ms", "", None, "<= 60 ms", ms <= 60)
        line("loop", f"{ms:.1f} ms", "", None, "<= 60 ms", status,
             f"(runs {min(fix_rerun) * 1000:.0f}-{max(fix_rerun) * 1000:.0f} ms; failure -> pip starts: "
             f"{statistics.median(fail_pip) * 1000:.0f} ms, information)")
    if rollback:
        h, p = median_ms(rollback), median_ms(bare)
        status = tally.row("rollback", "`heal rollback --last --yes` of one pip install vs `pip uninstall -y`",
                           f"{h:.0f} ms", f"{p:.0f} ms", h / p, "<= 1.2x", h / p <= 1.2)
        line("rollback", f"{h:.0f} ms", f"{p:.0f} ms", h / p, "ratio <= 1.2", status, pair_range(rollback, bare))
    shutil.rmtree(work, ignore_errors=True)


# --- checkpoints ------------------------------------------------------------------------------------------

def checkpoint_project(files: int, size: int) -> Path:
    """files files in 100 directories, size bytes in all (4-37 KB each, printable), built once."""
    root = PROJECTS_DIR / f"checkpoint-{files}"
    if (root / ".complete").exists():
        return root / "project"
    shutil.rmtree(root, ignore_errors=True)
    project = root / "project"
    rng = random.Random(files)
    mean = size // files
    for i in range(files):
        d = project / f"pkg{i % 100:02d}"
        d.mkdir(parents=True, exist_ok=True)
        n = rng.randrange(mean // 5, mean * 9 // 5)
        (d / f"mod{i:05d}.py").write_bytes(os.urandom(n // 2 + 1).hex()[:n].encode())
    (root / ".complete").write_text("")
    return project


def bench_checkpoint(heal: str, runs: int, files: int, size: int, tally: Tally) -> None:
    project = checkpoint_project(files, size)
    work = Path(tempfile.mkdtemp(prefix="checkpoint-", dir=PROJECTS_DIR))
    archive = work / "project.tar"
    rounds = [0]

    def heal_side() -> float:
        rounds[0] += 1
        home = work / f"home-{rounds[0]}"
        t = _run([heal, "checkpoint", "create"], str(project), _env(str(home)))
        shutil.rmtree(home, ignore_errors=True)
        return t

    def tar_side() -> float:
        t = _run(["tar", "cf", str(archive), "."], str(project), dict(os.environ))
        archive.unlink()
        return t

    a, b = interleave(runs, heal_side, tar_side)
    h, t = median_ms(a), median_ms(b)
    mb = sum(p.stat().st_size for p in project.rglob("*") if p.is_file()) / 2**20
    status = tally.row("checkpoint", f"first `heal checkpoint create` of {files:,} files / {mb:.0f} MB vs `tar cf`",
                       f"{h / 1000:.2f} s", f"{t / 1000:.2f} s", h / t, "<= 3.0x", h / t <= 3.0)
    line("checkpoint", f"{h / 1000:.2f} s", f"{t / 1000:.2f} s", h / t, "ratio <= 3.0", status, pair_range(a, b))
    shutil.rmtree(work, ignore_errors=True)


# --- main ---------------------------------------------------------------------------------------------

ALL = ("subcommands", "log", "loop", "rollback", "checkpoint")


def main(argv: list[str] | None = None) -> int:
    parser = arg_parser("Benchmark heal's subcommands, change log, healing loop and checkpoints.",
                        "few runs, small data: a smoke run", "rounds per benchmark (default: 20 subcommands and log, "
                        "7 loop and rollback, 3 checkpoint)")
    parser.add_argument("--only", default=",".join(ALL), help=f"comma-separated, of {', '.join(ALL)}")
    args = parser.parse_args(argv)
    heal = find_heal("bench_loop", args.heal)
    if heal is None:
        return 2
    only = {n.strip() for n in args.only.split(",") if n.strip()}
    t0 = time.perf_counter()
    byte_compile_heal()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    tally = Tally()
    header("bench_loop", heal)
    python = args.baseline_python
    quick = args.quick
    steps = [
        ("subcommands", lambda: bench_subcommands(heal, python, args.runs or (5 if quick else 20), tally)),
        ("log", lambda: bench_log(heal, python, args.runs or (5 if quick else 20),
                                  (100, 1000) if quick else (1000, 10000), tally)),
        ("loop", lambda: bench_loop(heal, args.runs or (2 if quick else 7), tally, "loop" in only,
                                    "rollback" in only)),
        ("checkpoint", lambda: bench_checkpoint(heal, args.runs or (1 if quick else 3), 1000 if quick else 10000,
                                                (20 if quick else 200) * 2**20, tally)),
    ]
    for name, step in steps:
        if name not in only and not (name == "loop" and "rollback" in only):
            continue
        try:
            step()
        except (RunFailed, subprocess.SubprocessError, OSError) as exc:
            tally.failed(name)
            error_line(name, exc if isinstance(exc, Exception) else RunFailed(str(exc)))
    summary("bench_loop", t0, tally, "", args.results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
