"""Benchmarks for heal's pattern store (heal.store) and `heal patterns import`.

Run it with the interpreter heal is installed into:

    python benchmarks/bench_store.py [--quick] [--runs N] [--heal PATH] [--quality]

    --quick     smoke run: 10,000 patterns instead of 100,000 where the target allows it, fewer runs
    --runs N    runs per in-process measurement (default 50)
    --quality   also print the precision and recall of the matching pair table (tests/store_pairs.py)

Benchmarks (in this process unless said otherwise; medians; "base" is measured in the same run):
  lookup-10k     first lookup on an opened store of 10,000 patterns, fuzzy included: the SQL prefilter by
                 scope, category and key facts, then rapidfuzz over that gate's evidence.
                 base: the exact-signature query alone on the same store                target <= 10 ms
  lookup-100k    the same with 100,000 patterns                                         target <= 50 ms
  cached-*       the same lookup again on the same Store: the gate's candidate list is cached per process
                 until anyone commits (PRAGMA data_version)                              information
  gate-100k      worst case: all 100,000 patterns in the query's gate (same scope, category, key facts)
                 first lookup and cached                                                 information
  import-100k    `heal patterns import DIR` of 100,000 pattern files, as a process, into an empty store.
                 base: reading and json-parsing the same files in this process          target <= 10 s
  size           store bytes per 1,000 patterns at 100,000 (after a checkpoint)          target <= 2 MB
  outcome        what recording one run adds to a failing `heal -- CMD`: importing heal.store (sqlite3 with
                 it), opening the store, record_outcome(), closing. The import is timed in fresh
                 interpreters that already imported what the failure path has (what engine._heal imports).
                 base: sqlite3 connect, INSERT, COMMIT, close on the same file            target <= 5 ms
  heal-run       the same, end to end: a real failing `heal -- python app.py` (a missing module heal only
                 suggests for) with learning on (store lookup, ranking, outcome, the project's last failure)
                 against the same run with `learn.enabled = false`, interleaved, as processes; the difference
                 of the medians, and their ratio                                          target <= 5 ms

Patterns are generated from the real failures of fixtures/outputs/: every recognised output's diagnosis
is a template; copies get other names in their key facts and quoted names, so they spread over gates the
way a real store would (the largest gate is printed, and it is the one the lookup queries).

The script always exits 0 (benchmarks report, they don't gate) except when heal is missing (exit 2).
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from common import Tally, arg_parser, byte_compile_heal, find_heal, header, median_ms, summary

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261122
_CKPT = "SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE"  # sqlite3 has it from Python 3.12
_QUOTED = re.compile(r"""('[^'\n]{1,60}'|‘[^’\n]{1,60}’|`[^`\n]{1,60}`|"[^"\n]{1,60}")""")
_FILE = re.compile(r"<PATH>/[\w.-]+|\b[\w-]+\.(py|js|c|rs|go|java|ts)\b")


def templates():
    """A Failure per recognised fixture output."""
    from heal.diagnose import diagnose
    from heal.store import Failure

    out = []
    for path in sorted((ROOT / "fixtures" / "outputs").glob("*.json")):
        fx = json.loads(path.read_text(encoding="utf-8"))
        f = Failure.of(diagnose(fx["output"], argv=fx["argv"], exit_code=fx["exit_code"]))
        if f.category != "unknown":
            out.append(f)
    return out


def generate(n: int, bases: list, one_gate=None) -> list:
    """n patterns: copies of the templates with other names (or, with one_gate, all in that failure's gate)."""
    from heal.store import PatternFix
    from heal.store.model import Pattern

    rnd = random.Random(SEED + n)

    def word() -> str:
        return "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rnd.randint(4, 10)))

    fixes = [PatternFix.of_playbook("network-retry", 0), PatternFix.of_playbook("python-missing-module", 0),
             PatternFix.of_command(["make", "deps"]), PatternFix.of_advice([["npm", "install"], ["npm", "test"]])]
    out = []
    for i in range(n):
        base = one_gate or bases[i % len(bases)]
        name = word()
        fingerprint = _QUOTED.sub(lambda m: m.group(0)[0] + word() + m.group(0)[-1], base.fingerprint)
        fingerprint = _FILE.sub(lambda m: f"{word()}.{m.group(0).rsplit('.', 1)[-1]}", fingerprint)
        key = base.key
        if key and one_gate is None:
            key = "\x1f".join(f"{part.split('=', 1)[0]}={name}" for part in key.split("\x1f"))
        out.append(Pattern(id=0, signature=f"{base.signature}-{i}", fingerprint=fingerprint, category=base.category,
                           fix=fixes[i % len(fixes)], source="learned", tool=base.tool, ecosystem=base.ecosystem,
                           key=key, summary=base.summary, successes=1 + i % 7, failures=i % 3))
    return out


def fill(path: str, patterns: list) -> None:
    from heal.store import Store

    with Store(path) as s:
        s.add_imported(patterns)


def largest_gate(patterns: list) -> tuple[tuple[str, str, str], int]:
    gates = Counter((p.scope, p.category, p.key) for p in patterns)
    return gates.most_common(1)[0]


def query_for(patterns: list, gate: tuple[str, str, str]):
    """A failure in that gate that is in no pattern: one of its patterns' evidence with another file name."""
    from heal.store import Failure

    p = next(p for p in patterns if (p.scope, p.category, p.key) == gate)
    fingerprint = p.fingerprint.replace("<PATH>/", "<PATH>/other_") if "<PATH>/" in p.fingerprint else \
        p.fingerprint + " (again)"
    return Failure("query/signature/0", fingerprint, p.category, p.tool, p.ecosystem, p.key)


def time_lookups(path: str, failure, runs: int) -> dict[str, list[float]]:
    """Interleaved: first lookup on a fresh Store (open timed apart), cached lookup, exact query alone."""
    from heal.store import Store

    t: dict[str, list[float]] = {"open": [], "first": [], "cached": [], "exact": []}
    with Store(path) as warm:
        warm.lookup(failure)  # page cache, rapidfuzz import
        for _ in range(runs):
            a = time.perf_counter()
            s = Store(path)
            b = time.perf_counter()
            found = s.lookup(failure)
            c = time.perf_counter()
            s.lookup(failure)
            d = time.perf_counter()
            s.db.execute("SELECT * FROM patterns WHERE signature = ?", (failure.signature,)).fetchall()
            e = time.perf_counter()
            s.close()
            t["open"].append(b - a)
            t["first"].append(c - b)
            t["cached"].append(d - c)
            t["exact"].append(e - d)
    t["found"] = [float(len(found))]
    return t


def line(name: str, value: str, base: str, ratio: str, target: str, status: str, note: str = "") -> None:
    print(f"{name:<14} {value:>12}  base {base:>10}  ratio {ratio:>6}  target {target:<10} {status:<4} {note}",
          flush=True)


def bench_lookup(label: str, n: int, bases: list, runs: int, tally: Tally, target_ms: float | None,
                 work: str, one_gate: bool = False) -> list:
    patterns = generate(n, bases, one_gate=bases[0] if one_gate else None)
    path = os.path.join(work, f"{label}.sqlite3")
    t0 = time.perf_counter()
    fill(path, patterns)
    fill_s = time.perf_counter() - t0
    gate, size = largest_gate(patterns)
    t = time_lookups(path, query_for(patterns, gate), runs)
    first, cached, exact, opened = (median_ms(t[k]) for k in ("first", "cached", "exact", "open"))
    status = tally.add(label, first <= target_ms) if target_ms is not None else "-"
    target = f"<= {target_ms:g} ms" if target_ms is not None else "(info)"
    line(label, f"{first:.2f} ms", f"{exact:.3f} ms", f"{first / exact:.0f}", target, status,
         f"{n:,} patterns; largest gate {size:,} ({gate[1]}/{gate[0] or '-'}), {t['found'][0]:.0f} found; "
         f"open {opened:.2f} ms; filled in {fill_s:.1f} s")
    name = "cached" + label[label.index("-"):]
    line(name, f"{cached:.2f} ms", f"{exact:.3f} ms", f"{cached / exact:.0f}", "(info)", "-",
         "the same lookup again on that Store")
    return patterns


def bench_import(heal: str, patterns: list, tally: Tally, work: str) -> None:
    from heal.store.files import dump, file_name
    directory = os.path.join(work, "export")
    os.makedirs(directory)
    for i, p in enumerate(patterns):
        p = p._replace(id=i + 1)
        with open(os.path.join(directory, f"{i:06d}-" + file_name(p)), "w", encoding="utf-8") as fh:
            fh.write(dump(p))
    env = dict(os.environ, HEAL_HOME=os.path.join(work, "import-home"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run([heal, "patterns", "import", directory], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=600)
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    t0 = time.perf_counter()
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name), "rb") as fh:
            json.loads(fh.read())
    base = time.perf_counter() - t0
    ok = r.returncode == 0 and r.stdout.startswith(f"imported {len(patterns)} patterns".encode())
    status = tally.add("import-100k", ok and seconds <= 10.0)
    line("import-100k", f"{seconds:.2f} s", f"{base:.2f} s", f"{seconds / base:.1f}", "<= 10 s", status,
         f"{len(patterns):,} files; CPU {cpu:.2f} s (the wall time waits for a busy machine, the CPU time does not); "
         f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
         + ("" if ok else f"; FAILED: {r.stderr.decode()[-200:]}"))
    store = os.path.join(env["HEAL_HOME"], "patterns.sqlite3")
    size_line(store, len(patterns), tally)


def size_line(path: str, n: int, tally: Tally) -> None:
    import sqlite3

    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    size = os.path.getsize(path) + (os.path.getsize(path + "-wal") if os.path.exists(path + "-wal") else 0)
    per_1000 = size / n * 1000 / 1024 / 1024
    status = tally.add("size", per_1000 <= 2.0)
    line("size", f"{per_1000:.2f} MB", "", "", "<= 2 MB", status,
         f"per 1,000 patterns: {size / 1024 / 1024:.1f} MB for {n:,} (outcomes table empty)")


def _import_ms(before: str, module: str) -> float:
    """Milliseconds importing `module` takes in a fresh interpreter that already imported `before` (the
    cumulative times from -X importtime of the module and of its packages imported with it: timing whole
    interpreters would bury 3 ms in start-up noise)."""
    r = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {before}; import {module}"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
    parts = module.split(".")
    names = {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
    total = 0
    for row in r.stderr.decode().splitlines():
        cells = row.split("|")
        if len(cells) == 3 and cells[2].strip() in names:
            total += int(cells[1])
    return total / 1000


def bench_outcome(runs: int, tally: Tally, work: str) -> None:
    import sqlite3

    from heal.store import Store

    path = os.path.join(work, "outcomes.sqlite3")
    with Store(path) as s:  # a store in use: ten thousand runs recorded
        for i in range(10_000):
            s.db.execute("INSERT INTO outcomes (time, duration, category, signature, healed, command_hash) "
                         "VALUES (?, 1.0, 'test', 's', 0, 'h')", (float(i),))
    record = []
    for i in range(runs):
        t0 = time.perf_counter()
        with Store(path) as s:
            s.record_outcome(started=time.time(), duration=3.0, category="dependency", signature="d/x/1",
                             healed=True, argv=["python", "app.py", str(i)])
        record.append(time.perf_counter() - t0)
    # the floor: sqlite3 itself on a file of its own (its close checkpoints and deletes the WAL)
    bare_path = os.path.join(work, "bare.sqlite3")
    db = sqlite3.connect(bare_path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("CREATE TABLE t (x)")
    db.close()
    bare = []
    for _ in range(runs):
        t0 = time.perf_counter()
        db = sqlite3.connect(bare_path, isolation_level=None)
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO t VALUES (1)")
        db.execute("COMMIT")
        db.close()
        bare.append(time.perf_counter() - t0)
    # what importing the store adds on the failure path: what engine._heal imports is there already
    before = "heal.engine, heal.diagnose, heal.fixes, heal.fixes.playbooks, heal.ui, heal.project, heal.run"
    imports = [_import_ms(before, "heal.store.memory") for _ in range(max(11, runs // 2))]
    imp = sorted(imports)[len(imports) // 2]
    rec, base = median_ms(record), median_ms(bare)
    total = imp + rec
    status = tally.add("outcome", total <= 5.0)
    line("outcome", f"{total:.2f} ms", f"{base:.2f} ms", f"{rec / base:.2f}", "<= 5 ms", status,
         f"import heal.store.memory {imp:.2f} ms + open, record, close {rec:.2f} ms (ratio: the latter / base); "
         "WAL kept on close: " + (_CKPT if hasattr(sqlite3, _CKPT)
                                   else "a read-only connection closing last (heal.store.db)"))


def bench_heal_run(heal: str, runs: int, tally: Tally, work: str) -> None:
    """What learning adds to a real heal failure: learning on against learn.enabled = false, interleaved."""
    import statistics

    from heal.store import Store

    project = os.path.join(work, "run-project")
    os.makedirs(project)
    with open(os.path.join(project, "app.py"), "w") as fh:
        fh.write("import zzmod_bench_missing\n")
    off_config = os.path.join(work, "config-off", "heal")
    os.makedirs(off_config)
    with open(os.path.join(off_config, "config.toml"), "w") as fh:
        fh.write("[learn]\nenabled = false\n")
    home = os.path.join(work, "run-home")
    base_env = {k: v for k, v in os.environ.items() if k not in ("HEAL_UI", "XDG_CONFIG_HOME")}
    envs = {"on": dict(base_env, HEAL_HOME=home, XDG_CONFIG_HOME=os.path.join(work, "config-on")),
            "off": dict(base_env, HEAL_HOME=home, XDG_CONFIG_HOME=os.path.join(work, "config-off"))}
    argv = [heal, "--", sys.executable, "app.py"]

    def once(side: str) -> float:
        t0 = time.perf_counter()
        r = subprocess.run(argv, cwd=project, env=envs[side], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=60)
        seconds = time.perf_counter() - t0
        if r.returncode != 1 or (side == "on") != (b"heal learn" in r.stderr) or b"pattern store" in r.stderr:
            raise RuntimeError(f"unexpected run ({side}): exit {r.returncode}: {r.stderr.decode()[-300:]}")
        return seconds

    for _ in range(3):
        once("on")
        once("off")  # warm-up: page cache, .pyc files, the store created and migrated
    rnd = random.Random(SEED)
    samples: dict[str, list[float]] = {"on": [], "off": []}
    for _ in range(runs):
        order = ["on", "off"] if rnd.random() < 0.5 else ["off", "on"]
        for side in order:
            samples[side].append(once(side))
    on, off = median_ms(samples["on"]), median_ms(samples["off"])
    pairs = statistics.median(a - b for a, b in zip(samples["on"], samples["off"])) * 1000
    with Store(os.path.join(home, "patterns.sqlite3")) as s:
        recorded = s.metrics()["runs"]
    added = on - off
    status = tally.add("heal-run", added <= 5.0)
    line("heal-run", f"{added:+.2f} ms", f"{off:.1f} ms", f"{on / off:.3f}", "<= 5 ms", status,
         f"median with learning {on:.1f} ms, without {off:.1f} ms; median of the {runs} pairs' differences "
         f"{pairs:+.2f} ms; {recorded} outcomes recorded")


def bench_quality() -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    import store_pairs

    from heal.store.db import DEFAULT_CUTOFF

    with tempfile.TemporaryDirectory() as tmp:
        table = list(store_pairs.pairs(store_pairs.real_failures(tmp)))
    hard = [p for p in table if (p.match and p.a.signature != p.b.signature) or
            (not p.match and (p.a.scope, p.a.category, p.a.key) == (p.b.scope, p.b.category, p.b.key))]
    positives = sum(p.match for p in table)
    print(f"quality: {len(table):,} pairs: {positives} must match ({sum(p.kind == 'variant' for p in table)} "
          f"other-machine variants, {sum(p.kind == 'wording' for p in table)} other versions, "
          f"{sum(p.kind == 'real' for p in table)} tools run twice, {sum(p.kind == 'same' for p in table)} "
          f"same failure by other commands), {len(table) - positives:,} must not; "
          f"hard subset {len(hard)} ({sum(p.match for p in hard)} must match with another signature, "
          f"{sum(not p.match for p in hard)} must not in the same scope, category and key facts)")
    print(f"{'cutoff':>7} {'precision':>9} {'recall':>7} {'fp':>4} {'fn':>4}   {'hard P':>7} {'hard R':>7}   "
          f"{'evidence alone P':>16}")
    for cutoff in (0.70, 0.75, 0.80, 0.85, 0.86, 0.87, 0.88, 0.89, 0.90, 0.92, 0.95):
        r, h = store_pairs.evaluate(table, cutoff), store_pairs.evaluate(hard, cutoff)
        g = store_pairs.evaluate(table, cutoff, gate=False)
        mark = "  <- learn.cutoff" if abs(cutoff - DEFAULT_CUTOFF) < 1e-9 else ""
        print(f"{cutoff:>7.2f} {r['precision']:>9.3f} {r['recall']:>7.3f} {r['fp']:>4} {r['fn']:>4}   "
              f"{h['precision']:>7.3f} {h['recall']:>7.3f}   {g['precision']:>16.3f}{mark}")
    for e in store_pairs.errors(table, DEFAULT_CUTOFF):
        print(f"  at {DEFAULT_CUTOFF}: {e}")


def main(argv: list[str] | None = None) -> int:
    parser = arg_parser("Benchmark heal's pattern store.", "fewer runs, smaller stores where allowed",
                        "runs per in-process measurement (default 50)")
    parser.add_argument("--quality", action="store_true", help="print the matching pair table's precision/recall")
    args = parser.parse_args(argv)
    heal = find_heal("bench_store", args.heal)
    if heal is None:
        return 2
    runs = args.runs or (10 if args.quick else 50)
    big = 10_000 if args.quick else 100_000
    t0 = time.perf_counter()
    byte_compile_heal()
    tally = Tally()
    header("bench_store", heal)
    work = tempfile.mkdtemp(prefix="bench-store-")
    try:
        bases = templates()
        print(f"bench_store: runs {runs}; {len(bases)} failure templates from fixtures/outputs", flush=True)
        bench_lookup("lookup-10k", 10_000, bases, runs, tally, 10.0, work)
        patterns = bench_lookup(f"lookup-{big // 1000}k", big, bases, runs, tally,
                                50.0 if big == 100_000 else None, work)
        bench_lookup(f"gate-{big // 1000}k", big, bases, max(3, runs // 5), tally, None, work, one_gate=True)
        bench_import(heal, patterns, tally, work)
        bench_outcome(runs, tally, work)
        bench_heal_run(heal, max(runs, 20), tally, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.quality:
        bench_quality()
    summary("bench_store", t0, tally, "store")
    return 0


if __name__ == "__main__":
    sys.exit(main())
