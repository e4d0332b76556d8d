"""kill -9 trials: heal is killed at a random moment while it changes something, then
`heal rollback --last --yes` runs at once, and the tree must come back byte-exact (content, mode, and no
stray files or directories). The method of the reliability review (158 trials), as a script.

    python benchmarks/crash_trials.py [--trials N] [--kinds pip,chmod,rollback,restore] [--files N] [--seed S]

Kinds (each trial in fresh temp directories with its own HEAL_HOME):
  pip       heal installs a module a script imports (a real `pip install` of a locally built wheel with
            --files files, offline), killed at a random moment; compared: the venv
  chmod     heal makes a script executable and runs it again, killed at a random moment; compared: the project
            (a git repository: the lock lives in its .git)
  rollback  a finished pip install, then `heal rollback --last` killed at a random moment; then rolled back
            again; compared: the venv as it was before the install
  restore   `heal checkpoint restore` of 400 files (edits, deletions, new files in new directories), killed at
            a random moment; compared: the project as it was before the restore

A kill lands uniformly between 0 and the duration of an uninterrupted run of the same kind (measured first).
The report says, per kind, how many trials survived (tree exact after the rollback), of how many, and how many
of them were really killed mid-way (the rest had finished already). Exit 0 always; 2 when heal is missing.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
import bigwheel  # noqa: E402  -- the tests' wheel builder: one definition of "a wheel with many files"


def heal_argv() -> list[str]:
    script = os.path.join(sysconfig.get_path("scripts"), "heal")
    return [script] if os.path.exists(script) else [sys.executable, "-m", "heal"]


def tree(root: str, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """rel path -> content hash and mode of every file, link and directory under root (outside skip)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if os.path.relpath(os.path.join(dirpath, d), root) not in skip]
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            if os.path.islink(path):
                what = "link " + os.readlink(path)
            elif os.path.isdir(path):
                what = "dir"
            else:
                with open(path, "rb") as fh:
                    what = hashlib.sha256(fh.read()).hexdigest()
            out[os.path.relpath(path, root)] = f"{what} {st.st_mode:o}"
    return out


def users_of(path: str) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as fh:
                    if path.encode() in fh.read():
                        pids.append(int(entry))
            except OSError:
                continue
    return pids


def settle(path: str, bound: float = 600) -> None:
    """Before comparing, let whatever still works on the tree (an orphaned installer) finish."""
    deadline = time.monotonic() + bound
    while users_of(path) and time.monotonic() < deadline:
        time.sleep(0.1)


class Trial:
    """One kind of trial: prepare() a fresh world, the command to kill, and what must come back."""

    def __init__(self, base: str, wheels: str, venv_template: str) -> None:
        self.base = base
        self.wheels = wheels
        self.venv_template = venv_template

    def world(self) -> tuple[str, dict]:
        d = tempfile.mkdtemp(dir=self.base)
        project = os.path.join(d, "project")
        os.mkdir(project)
        env = dict(os.environ, HEAL_HOME=os.path.join(d, "home"), XDG_CONFIG_HOME=os.path.join(d, "xdg"),
                   PIP_NO_INDEX="1", PIP_FIND_LINKS=self.wheels, PYTHONDONTWRITEBYTECODE="1")
        env.pop("HEAL_TEST_CRASH_AT", None)
        return project, env

    def venv(self, project: str) -> str:
        venv = os.path.join(project, ".venv")
        subprocess.run(["cp", "-a", self.venv_template, venv], check=True)
        with open(os.path.join(project, "app.py"), "w") as fh:
            fh.write("import termcolor\n")
        return venv

    def heal(self, args: list[str], project: str, env: dict) -> subprocess.CompletedProcess:
        return subprocess.run([*heal_argv(), *args], cwd=project, env=env, capture_output=True, timeout=900)

    def prepare(self) -> tuple[list[str], str, dict, Callable[[], dict], dict]:
        """(argv to kill, cwd, env, snapshot(), expected snapshot)"""
        raise NotImplementedError


class PipTrial(Trial):
    def prepare(self):
        project, env = self.world()
        venv = self.venv(project)
        return (["--yes", "--", os.path.join(venv, "bin", "python"), "app.py"], project, env,
                lambda: tree(venv), tree(venv))


class ChmodTrial(Trial):
    def prepare(self):
        project, env = self.world()
        subprocess.run(["git", "init", "-q", project], check=True)
        with open(os.path.join(project, "s0.sh"), "w") as fh:
            fh.write("#!/bin/sh\necho done\n")
        os.chmod(os.path.join(project, "s0.sh"), 0o644)
        return (["--yes", "--", "./s0.sh"], project, env, lambda: tree(project, (".git",)), tree(project, (".git",)))


class RollbackTrial(Trial):
    def prepare(self):
        project, env = self.world()
        venv = self.venv(project)
        before = tree(venv)
        r = self.heal(["--yes", "--", os.path.join(venv, "bin", "python"), "app.py"], project, env)
        if r.returncode != 0:
            raise RuntimeError(f"the install to roll back failed: {r.stderr.decode()[-300:]}")
        return (["rollback", "--last", "--yes"], project, env, lambda: tree(venv), before)


class RestoreTrial(Trial):
    def prepare(self):
        project, env = self.world()
        for i in range(400):
            path = os.path.join(project, f"d{i % 8}", f"f{i:03d}.txt")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as fh:
                fh.write(f"version 1 of {i}\n" * (1 + i % 50))
        r = self.heal(["checkpoint", "create"], project, env)
        if r.returncode != 0:
            raise RuntimeError(r.stderr.decode())
        cp = r.stdout.split()[2].decode().rstrip(":")
        rng = random.Random(cp)
        for i in range(400):
            path = os.path.join(project, f"d{i % 8}", f"f{i:03d}.txt")
            roll = rng.random()
            if roll < 0.4:
                with open(path, "a") as fh:
                    fh.write("edited\n")
            elif roll < 0.6:
                os.unlink(path)
            elif roll < 0.7:
                os.chmod(path, 0o600)
        for i in range(100):
            path = os.path.join(project, f"new{i % 5}", f"n{i:03d}.txt")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as fh:
                fh.write(f"new {i}\n")
        for d in range(8):  # directories emptied since, which the restore recreates
            if d % 4 == 0:
                shutil.rmtree(os.path.join(project, f"d{d}"))
        return (["checkpoint", "restore", cp, "--yes"], project, env, lambda: tree(project), tree(project))


KINDS: dict[str, type[Trial]] = {"pip": PipTrial, "chmod": ChmodTrial, "rollback": RollbackTrial,
                                 "restore": RestoreTrial}


def run_kind(kind: str, trial: Trial, n: int, rng: random.Random) -> tuple[int, int, int, list[str]]:
    argv, project, env, snapshot, expected = trial.prepare()
    t0 = time.monotonic()
    r = subprocess.run([*heal_argv(), *argv], cwd=project, env=env, capture_output=True, timeout=900)
    duration = time.monotonic() - t0
    if r.returncode not in (0,):
        raise RuntimeError(f"{kind}: the uninterrupted run failed ({r.returncode}): {r.stderr.decode()[-400:]}")
    survived = killed = 0
    notes = []
    for i in range(n):
        argv, project, env, snapshot, expected = trial.prepare()
        proc = subprocess.Popen([*heal_argv(), *argv], cwd=project, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        delay = rng.uniform(0, duration)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait()
        r = subprocess.run([*heal_argv(), "rollback", "--last", "--yes"], cwd=project, env=env,
                           capture_output=True, timeout=900)
        settle(project)
        # killed before heal journaled anything: there is nothing to roll back, which rollback says (exit 2)
        nothing = r.returncode == 2 and (b"is empty" in r.stderr or b"has nothing" in r.stderr)
        ok = (r.returncode == 0 or nothing) and snapshot() == expected
        if not ok:
            got = snapshot()
            extra = sorted(set(got) - set(expected))[:3]
            missing = sorted(set(expected) - set(got))[:3]
            changed = sorted(k for k in set(got) & set(expected) if got[k] != expected[k])[:3]
            notes.append(f"trial {i + 1} (kill at {delay:.2f}s): rollback exit {r.returncode} "
                         f"{r.stderr.decode().strip()[-200:]!r}; extra {extra} missing {missing} changed {changed}")
        survived += ok
        shutil.rmtree(os.path.dirname(project), ignore_errors=True)
    return survived, n, killed, notes


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trials", type=int, default=3, help="trials per kind (default 3)")
    ap.add_argument("--kinds", default=",".join(KINDS), help="comma-separated: " + ", ".join(KINDS))
    ap.add_argument("--files", type=int, default=3000, help="files in the wheel pip installs (default 3000)")
    ap.add_argument("--seed", type=int, default=None, help="random seed (default: from the clock)")
    args = ap.parse_args()
    if not os.path.exists(heal_argv()[0]):
        print("heal is not installed next to this interpreter", file=sys.stderr)
        return 2
    seed = args.seed if args.seed is not None else int(time.time())
    rng = random.Random(seed)
    base = tempfile.mkdtemp(prefix="heal-crash-")
    try:
        wheels = os.path.join(base, "wheels")
        os.mkdir(wheels)
        bigwheel.build(wheels, files=args.files)
        template = os.path.join(base, "venv-template")
        subprocess.run([sys.executable, "-m", "venv", template], check=True)
        print(f"crash trials: seed {seed}, {args.trials} per kind, wheel of {args.files} files")
        total_ok = total = 0
        for kind in [k.strip() for k in args.kinds.split(",") if k.strip()]:
            trial = KINDS[kind](base, wheels, template)
            try:
                ok, n, killed, notes = run_kind(kind, trial, args.trials, rng)
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                print(f"  {kind:9} could not run: {exc}")
                continue
            total_ok, total = total_ok + ok, total + n
            print(f"  {kind:9} survived {ok}/{n}  (killed mid-way: {killed})")
            for note in notes:
                print(f"      {note}")
        print(f"  {'all':9} survived {total_ok}/{total}")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
