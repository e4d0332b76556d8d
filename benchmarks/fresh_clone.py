"""From a fresh clone to a running test suite with `heal --yes -- <the project's test command>` alone.

Each project is a real release (a PyPI sdist, `pip download --no-deps --no-binary :all:`; an npm tarball,
`npm pack`), downloaded once into benchmarks/.data/, unpacked into a temp dir, `git init`-ed, committed and tagged
as a clone would be, with a new empty virtualenv (Python) or no node_modules (node). Then:

    heal --yes --report r.json -- <the documented test command>
    heal rollback --last --yes

and the table says how many fixes heal applied, how long it took, whether the test runner ran tests, and
whether the rollback left the checkout (every non-ignored file's bytes, `git status`) and the environment
(`pip freeze`, the packages in node_modules) exactly as before. The test runners' own caches
(`__pycache__`, `.pytest_cache`, `.nyc_output`, ...) are listed in `.git/info/exclude`, as a developer's
global gitignore would: they are the tests' doing, not heal's.

    python benchmarks/fresh_clone.py [--only NAME ...] [--json]
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import asdict, dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, ".data")
PYTEST_RAN = r"\b\d+ (?:passed|failed)\b"
TAPE_RAN = r"^# (?:tests|pass) +\d+"


@dataclass(frozen=True)
class Project:
    name: str
    version: str
    kind: str  # python | node
    command: tuple[str, ...]  # run in the checkout; .venv/bin/... is the new virtualenv's
    ran: str  # a regex on the output that says the test runner ran tests
    why: str = ""  # where the command is documented


PROJECTS = (
    Project("pluggy", "1.5.0", "python", (".venv/bin/pytest",), PYTEST_RAN, "tox.ini: pytest; extra [testing]"),
    Project("itsdangerous", "2.2.0", "python", (".venv/bin/pytest",), PYTEST_RAN,
            "tox.ini: pytest; requirements/tests.txt"),
    Project("MarkupSafe", "2.1.5", "python", (".venv/bin/pytest",), PYTEST_RAN,
            "tox.ini: pytest; requirements/tests.txt; a C extension built in place"),
    Project("packaging", "24.1", "python", (".venv/bin/python", "-m", "pytest"), PYTEST_RAN,
            "noxfile: python -m pytest; tests/requirements.txt"),
    Project("cachetools", "5.3.3", "python", (".venv/bin/python", "-m", "pytest"), PYTEST_RAN,
            "tox.ini: py.test (deps pytest, pytest-cov)"),
    Project("six", "1.16.0", "python", (".venv/bin/python", "-m", "pytest"), PYTEST_RAN,
            "setup.cfg [tool:pytest]; nothing declared: pytest from heal's import map"),
    Project("xtend", "4.0.2", "node", ("npm", "test"), TAPE_RAN, "package.json: node test (tape)"),
    Project("concat-map", "0.0.2", "node", ("npm", "test"), TAPE_RAN,
            "package.json: pretest eslint, nyc tape, posttest aud"),
)

EXCLUDE = ("__pycache__/", "*.pyc", ".pytest_cache/", ".hypothesis/", ".coverage", ".coverage.*", "htmlcov/",
           ".nyc_output/", "coverage/", ".eslintcache", "node_modules/.cache/")


@dataclass
class Row:
    project: str
    version: str
    command: str
    attempts: int | None = None
    seconds: float | None = None
    outcome: str = ""
    exit_code: int | None = None
    rollback_exact: bool | None = None
    detail: str = ""
    rollback_said: str = ""  # what `heal rollback` printed


def heal_argv() -> list[str]:
    script = os.path.join(os.path.dirname(sys.executable), "heal")
    return [script] if os.path.exists(script) else [sys.executable, "-m", "heal"]


# --- getting a project ------------------------------------------------------------------------------------

class Offline(Exception):
    pass


def download(p: Project) -> str:
    """The release's archive in benchmarks/.data/ (downloaded once)."""
    if p.kind == "python":
        where = os.path.join(DATA, "sdists")
        os.makedirs(where, exist_ok=True)
        found = _archive(where, p)
        if found is None:
            r = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                                f"{p.name}=={p.version}", "-d", where], capture_output=True, text=True, timeout=300)
            found = _archive(where, p)
            if found is None:
                raise Offline(f"pip download {p.name}=={p.version} failed: {r.stderr.strip()[-200:]}")
        return found
    where = os.path.join(DATA, "npm")
    os.makedirs(where, exist_ok=True)
    path = os.path.join(where, f"{p.name}-{p.version}.tgz")
    if not os.path.exists(path):
        r = subprocess.run(["npm", "pack", "-q", f"{p.name}@{p.version}"], cwd=where, capture_output=True, text=True,
                           timeout=300)
        if r.returncode != 0 or not os.path.exists(path):
            raise Offline(f"npm pack {p.name}@{p.version} failed: {r.stderr.strip()[-200:]}")
    return path


def _archive(where: str, p: Project) -> str | None:
    norm = re.sub(r"[-_.]+", "[-_.]", re.escape(p.name).replace("\\-", "-"))
    for path in glob.glob(os.path.join(where, "*")):
        if re.fullmatch(rf"(?i){norm}-{re.escape(p.version)}\.(?:tar\.gz|zip)", os.path.basename(path)):
            return path
    return None


def checkout(p: Project, archive: str, parent: str) -> str:
    """The release unpacked as a fresh clone: its files committed in a new git repository."""
    with tarfile.open(archive) as tar:
        tar.extractall(parent, filter="data")  # owned by us, as a clone is
    top = [d for d in os.listdir(parent) if os.path.isdir(os.path.join(parent, d))][0]
    root = os.path.join(parent, f"{p.name}-{p.version}-checkout")
    os.rename(os.path.join(parent, top), root)
    git = ["git", "-C", root, "-c", "user.name=bench", "-c", "user.email=bench@heal.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    with open(os.path.join(root, ".git", "info", "exclude"), "a") as fh:
        fh.write("\n".join(EXCLUDE) + "\n")
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", f"{p.name} {p.version}"], check=True)
    # a clone has the release's tag: setuptools-scm and hatch-vcs read the version from it (without it the
    # project is 0.1.dev1, and pip backtracks to a pytest from 2014 that accepts such a pluggy)
    subprocess.run([*git, "tag", p.version], check=True)
    if p.kind == "python":
        subprocess.run([sys.executable, "-m", "venv", os.path.join(root, ".venv")], check=True)
    return root


# --- what "as before" means -------------------------------------------------------------------------------

def snapshot(p: Project, root: str) -> dict:
    """The checkout (the bytes of every file git would see, and `git status`) and the environment."""
    listed = subprocess.run(["git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            capture_output=True, check=True).stdout.decode().split("\0")
    digest = hashlib.sha256()
    for rel in sorted(n for n in listed if n and not n.startswith((".venv/", "node_modules/"))):
        path = os.path.join(root, rel)
        digest.update(rel.encode() + b"\0")
        if os.path.isfile(path):
            with open(path, "rb") as fh:
                digest.update(hashlib.sha256(fh.read()).digest())
            digest.update(oct(os.stat(path).st_mode & 0o777).encode())
    status = subprocess.run(["git", "-C", root, "status", "--porcelain", "--untracked-files=all"],
                            capture_output=True, text=True, check=True).stdout
    status = "\n".join(line for line in status.splitlines() if not line[3:].startswith((".venv/", "node_modules/")))
    if p.kind == "python":
        env = subprocess.run([os.path.join(root, ".venv", "bin", "python"), "-m", "pip", "freeze", "--all"],
                             capture_output=True, text=True, check=True).stdout.splitlines()
    else:
        env = node_packages(os.path.join(root, "node_modules"))
    return {"tree": digest.hexdigest(), "status": status, "env": env}


def node_packages(node_modules: str) -> list[str]:
    out = []
    for name in sorted(os.listdir(node_modules)) if os.path.isdir(node_modules) else []:
        if name.startswith("."):
            continue
        dirs = [os.path.join(name, s) for s in sorted(os.listdir(os.path.join(node_modules, name)))] \
            if name.startswith("@") else [name]
        for d in dirs:
            try:
                with open(os.path.join(node_modules, d, "package.json")) as fh:
                    out.append(f"{d}@{json.load(fh).get('version')}")
            except (OSError, ValueError):
                out.append(f"{d}@?")
    return out


# --- one project ------------------------------------------------------------------------------------------

def measure(p: Project, workdir: str | None = None, timeout: float = 1500) -> Row:
    row = Row(p.name, p.version, " ".join(p.command))
    try:
        archive = download(p)
    except Offline as exc:
        row.outcome, row.detail = "skipped (offline)", str(exc)
        return row
    parent = tempfile.mkdtemp(prefix=f"fresh-{p.name}-", dir=workdir)
    try:
        root = checkout(p, archive, parent)
        before = snapshot(p, root)
        env = dict(os.environ, HEAL_HOME=os.path.join(parent, "heal-home"))
        for name in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
            env.pop(name, None)  # the harness's pytest options (-p random_order) are not the clone's
        env.pop("VIRTUAL_ENV", None)
        report = os.path.join(parent, "report.json")
        t0 = time.monotonic()
        r = subprocess.run([*heal_argv(), "--yes", "--report", report, "--", *p.command], cwd=root, env=env,
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)
        row.seconds = round(time.monotonic() - t0, 1)
        row.exit_code = r.returncode
        with open(os.path.join(parent, "heal.log"), "w") as fh:
            fh.write(r.stdout + r.stderr)
        try:
            with open(report) as fh:
                attempts = json.load(fh)["attempts"]
            row.attempts = sum(1 for a in attempts if a["applied"])
        except (OSError, ValueError, KeyError):
            row.attempts = None
        ran = re.search(p.ran, r.stdout + r.stderr, re.M)
        row.outcome = ("tests pass" if r.returncode == 0 else "tests ran") if ran else "no tests ran"
        last = [line for line in r.stderr.splitlines() if line.startswith("heal:") and "|" not in line[:8]]
        row.detail = last[-1][:200] if last else ""
        rb = subprocess.run([*heal_argv(), "rollback", "--last", "--yes"], cwd=root, env=env, capture_output=True,
                            text=True, timeout=900)
        row.rollback_said = rb.stdout + rb.stderr
        after = snapshot(p, root)
        row.rollback_exact = rb.returncode == 0 and after == before
        if not row.rollback_exact:
            diff = [k for k in before if before[k] != after[k]]
            row.detail = f"rollback rc {rb.returncode}, differs: {', '.join(diff)} {rb.stderr.strip()[-200:]}"
    finally:
        if os.environ.get("HEAL_BENCH_KEEP"):
            print(f"kept {parent}", file=sys.stderr)
        else:
            shutil.rmtree(parent, ignore_errors=True)
    return row


def table(rows: list[Row]) -> str:
    lines = ["| project | version | command | attempts | seconds | outcome | rollback exact |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r.project} | {r.version} | `{r.command}` | {'' if r.attempts is None else r.attempts} | "
                     f"{'' if r.seconds is None else r.seconds} | {r.outcome} | "
                     f"{'' if r.rollback_exact is None else 'yes' if r.rollback_exact else 'NO'} |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", nargs="*", help="project names to run")
    ap.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = ap.parse_args()
    rows = []
    for p in PROJECTS:
        if args.only and p.name not in args.only:
            continue
        row = measure(p)
        rows.append(row)
        print(f"{row.project} {row.version}: {row.outcome}, {row.attempts} attempt(s), {row.seconds}s, rollback "
              f"exact: {row.rollback_exact} {row.detail}", file=sys.stderr, flush=True)
    print(json.dumps([{k: v for k, v in asdict(r).items() if k != "rollback_said"} for r in rows], indent=2)
          if args.json else table(rows))
    return 0 if all(r.rollback_exact is not False and r.outcome != "no tests ran" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
