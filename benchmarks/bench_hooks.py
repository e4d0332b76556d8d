"""Benchmarks for `heal hook claude-code`, the hook Claude Code runs after every Bash command.

Run it with the interpreter heal is installed into (not through a pyenv shim):

    python benchmarks/bench_hooks.py [--quick] [--runs N] [--heal PATH]

    --quick     smoke run: fewer runs
    --runs N    runs per measurement (default 30)
    --heal P    the heal executable (default: the `heal` script next to this interpreter)

Benchmarks (each against `python -c pass` with the same interpreter, all interleaved in one loop):
  failure     a PostToolUseFailure payload for a real failure: `.venv/bin/python app.py` in a project with a
              virtualenv, ModuleNotFoundError. heal diagnoses it, plans the fix, looks it up in the pattern store
              (which holds an observed pattern for it) and records the start of a sequence   target ratio <= 3.0
  test-fail   a PostToolUseFailure payload for a real failing pytest run: diagnosed and named, no planning
              (heal does not fix genuine test failures)                                 target ratio <= 3.0
  success     a PostToolUse payload (`ls`) for a session with nothing pending             target ratio <= 2.0
  pending     a PostToolUse payload for a session with a failure pending (information: it reads and rewrites
              the session file, without the diagnosis)

The failure is captured by running the script for real in a temp project; HEAL_HOME is a temp directory. The
answers are checked (the failure's additionalContext must name the module and the observed fix: MISMATCH
otherwise). heal is byte-compiled first, as pip installs it.

The script always exits 0 (benchmarks report, they don't gate) except when heal is missing (exit 2).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from common import (DATA_DIR, Hung, RunFailed, Tally, arg_parser, byte_compile_heal, deadline, devnull, error_line,
                    find_heal, header, interleave, median_ms, own_cost_line, pair_range, spawn, summary)

RUN_TIMEOUT = 60.0
SESSION = "bench-session"


def payload(event: str, cwd: str, command: str, session: str, **extra: object) -> bytes:
    """Shaped as integrations.md §1.2 documents Claude Code's Bash payloads."""
    obj = {"session_id": session, "transcript_path": f"/tmp/{session}.jsonl", "cwd": cwd,
           "permission_mode": "default", "hook_event_name": event, "tool_name": "Bash",
           "tool_input": {"command": command, "description": "bench", "timeout": 120000, "run_in_background": False},
           "tool_use_id": "toolu_bench", "duration_ms": 42, **extra}
    return json.dumps(obj).encode()


def timed(argv: Sequence[str], stdin_path: Path, log: int) -> float:
    """Seconds from spawn to reaping, stdin from the file, stdout discarded."""
    fd = os.open(stdin_path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        with deadline(RUN_TIMEOUT):
            try:
                start = time.perf_counter()
                pid = spawn(argv, fd, devnull(os.O_WRONLY), log)
                _, status, _ = os.wait4(pid, 0)
                seconds = time.perf_counter() - start
            except Hung:
                raise RunFailed(f"{' '.join(argv)} still running after {RUN_TIMEOUT:.0f}s") from None
    finally:
        os.close(fd)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RunFailed(f"{' '.join(argv)} exited {code}")
    return seconds


def answer(heal: str, stdin_path: Path) -> dict:
    with open(stdin_path, "rb") as fh:
        out = subprocess.run([heal, "hook", "claude-code"], stdin=fh, stdout=subprocess.PIPE, timeout=RUN_TIMEOUT)
    return json.loads(out.stdout or b"{}")


def prepare(work: Path, heal: str) -> tuple[Path, Path, Path, Path]:
    project = work / "project"
    project.mkdir()
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(project / ".venv")], check=True)
    (project / "app.py").write_text("import jwt\n\nprint(jwt.encode({}, 'k'))\n")
    run = subprocess.run([".venv/bin/python", "app.py"], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    error = f"Exit code {run.returncode}\n{run.stdout.decode()}"
    failure = work / "failure.json"
    failure.write_bytes(payload("PostToolUseFailure", str(project), ".venv/bin/python app.py", SESSION, error=error,
                                is_interrupt=False))
    success = work / "success.json"
    success.write_bytes(payload("PostToolUse", str(project), "ls -la", "another-session",
                                tool_response={"stdout": "app.py\n", "stderr": "", "interrupted": False,
                                               "isImage": False}))
    pending = work / "pending.json"
    pending.write_bytes(payload("PostToolUse", str(project), "cat app.py", SESSION,
                                tool_response={"stdout": "import jwt\n", "stderr": "", "interrupted": False,
                                               "isImage": False}))
    # teach the store what resolved it, the way an agent's session does: failure, fix, the command again
    fix = work / "fix.json"
    again = work / "again.json"
    fix.write_bytes(payload("PostToolUse", str(project), ".venv/bin/python -m pip install PyJWT", SESSION,
                            tool_response={"stdout": "", "stderr": "", "interrupted": False, "isImage": False}))
    again.write_bytes(payload("PostToolUse", str(project), ".venv/bin/python app.py", SESSION,
                              tool_response={"stdout": "", "stderr": "", "interrupted": False, "isImage": False}))
    for step in (failure, fix, again):
        answer(heal, step)
    (project / "test_math.py").write_text("def test_add():\n    assert 1 + 1 == 3\n\n\ndef test_ok():\n    pass\n")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_math.py"],
                         cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if b"1 failed" not in run.stdout:  # the payload must be a real failing test run, not "No module named pytest"
        raise SystemExit(f"bench_hooks: {sys.executable} -m pytest did not run the failing test (is pytest "
                         f"installed for it?): {run.stdout.decode(errors='replace')[-200:]}")
    tests = work / "test-failure.json"
    tests.write_bytes(payload("PostToolUseFailure", str(project), "python -m pytest -q test_math.py", SESSION,
                              error=f"Exit code {run.returncode}\n{run.stdout.decode()}", is_interrupt=False))
    return failure, tests, success, pending


def main(argv: list[str] | None = None) -> int:
    parser = arg_parser("Benchmark heal's Claude Code hook.", "few runs: a smoke run", "runs per measurement (30)")
    args = parser.parse_args(argv)
    heal = find_heal("bench_hooks", args.heal)
    if heal is None:
        return 2
    runs = args.runs or (5 if args.quick else 30)
    t0 = time.perf_counter()
    byte_compile_heal()
    tally = Tally()
    header("bench_hooks", heal)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    log = os.open(DATA_DIR / "bench_hooks.stderr.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
    with tempfile.TemporaryDirectory(prefix="heal-bench-hooks-") as tmp:
        work = Path(tmp)
        os.environ["HEAL_HOME"] = str(work / "heal-home")
        os.environ["XDG_CONFIG_HOME"] = str(work / "xdg-config")
        try:
            failure, tests, success, pending = prepare(work, heal)
            context = answer(heal, failure).get("hookSpecificOutput", {}).get("additionalContext", "")
            if "jwt" not in context or "resolved before by" not in context:
                tally.mismatch = True
                print(f"bench_hooks: unexpected answer: {context!r}", flush=True)
            named = answer(heal, tests).get("hookSpecificOutput", {}).get("additionalContext", "")
            if "test_add" not in named:
                tally.mismatch = True
                print(f"bench_hooks: unexpected answer: {named!r}", flush=True)
            hook = [heal, "hook", "claude-code"]
            base = [sys.executable, "-c", "pass"]
            bare = [sys.executable, "-S", "-c", "pass"]
            f, t, s, p, b, n = interleave(
                runs,
                lambda: timed(hook, failure, log),
                lambda: timed(hook, tests, log),
                lambda: timed(hook, success, log),
                lambda: timed(hook, pending, log),
                lambda: timed(base, success, log),
                lambda: timed(bare, success, log),
            )
        except (RunFailed, subprocess.CalledProcessError) as exc:
            error_line("hooks", exc)
            for name in ("failure", "test-fail", "success"):
                tally.failed(name)
            summary("bench_hooks", t0, tally, "answer")
            return 0
        py, bare_ms = median_ms(b), median_ms(n)
        for name, samples, target in (("failure", f, 3.0), ("test-fail", t, 3.0), ("success", s, 2.0),
                                      ("pending", p, None)):
            ms = median_ms(samples)
            ratio = ms / py
            status = tally.add(name, ratio <= target) if target else "info"
            goal = f"ratio <= {target}" if target else "information"
            print(f"{name:<13} heal {ms:8.1f} ms  base {py:7.1f} ms  ratio {ratio:6.2f}  target {goal:<14} "
                  f"{status:<4}  {pair_range(samples, b)}", flush=True)
        own_cost_line(median_ms(s), py, bare_ms, " (success payload)")
    summary("bench_hooks", t0, tally, "answer")
    return 0


if __name__ == "__main__":
    sys.exit(main())
