"""The table the fuzzy cutoff is chosen on: pairs of real failures that must match (the same error with
other paths, ids, line numbers, hashes, or slightly different wording) and pairs that must not (another
error from the same tool). Used by tests/test_store_matching.py and `benchmarks/bench_store.py --quality`.

Three sources, all real outputs:

- every output in fixtures/outputs/ against a copy of itself as it would read on another machine, on
  another day: other temp and home directories, line and column numbers, hashes and ids, ports,
  durations, timestamps (VARIANTS);
- outputs in fixtures/outputs/ against the same error in another version of the tool (WORDING: npm 8's
  `npm ERR!`, rustc before 1.85, gcc before 9, Python 3.10's traceback, Docker Desktop's socket, ...),
  rewritten from the captured output by the substitutions that version makes;
- tools really run twice here, in two temp directories with other file names and line positions (REAL);

and as must-not pairs, every two fixtures of one tool (scope) that are different failures, plus the
real runs' other errors of the same tool. A few fixtures are one failure captured through different
commands (SAME_FAILURE): they are must-match pairs, not must-not ones.
"""

from __future__ import annotations

import glob
import json
import os
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "fixtures", "outputs")


@dataclass(frozen=True)
class Pair:
    label: str
    a: object  # heal.store.Failure
    b: object
    match: bool  # must match (True) or must not (False)
    kind: str  # variant | wording | real | same | different


def failure_of(output: str, argv: list[str], exit_code: int | None, cwd: str | None = None):
    from heal.diagnose import diagnose
    from heal.store import Failure

    return Failure.of(diagnose(output, argv=argv, exit_code=exit_code, cwd=cwd))


def fixtures() -> list[dict]:
    out = []
    for path in sorted(glob.glob(os.path.join(FIXTURES, "*.json"))):
        with open(path, encoding="utf-8") as fh:
            out.append(json.load(fh))
    return out


# --- another machine, another day -----------------------------------------------------------------


def elsewhere(text: str, seed: int) -> str:
    """The same output as another run elsewhere would print it."""
    rnd = random.Random(seed)

    def word(n: int) -> str:
        return "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz0123456789_") for _ in range(n))

    def other_hex(s: str) -> str:
        alphabet = "0123456789abcdef" if s.lower() == s else "0123456789ABCDEF"
        return "".join(c if c == "-" else rnd.choice(alphabet) for c in s)

    def hexes(m: re.Match[str]) -> str:
        return other_hex(m.group(0))

    text = re.sub(r"/tmp/heal-fx-[a-z0-9_]+", lambda m: f"/home/runner/work/app-{word(6)}/app", text)
    text = re.sub(r"/tmp/tmp[a-z0-9_]{6,}", lambda m: f"/var/folders/{word(2)}/{word(8)}/T/tmp{word(8)}", text)
    text = text.replace("/root/", "/home/alice/")
    text = re.sub(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", hexes, text)
    text = re.sub(r"\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{7,64}\b", hexes, text)
    text = re.sub(r"\b0x[0-9a-f]+\b", lambda m: "0x" + other_hex(m.group(0)[2:]), text)
    # positions: file:line:col, "line N", (File.java:N)
    text = re.sub(r"(\.[A-Za-z]{1,5}):(\d+)(?::(\d+))?",
                  lambda m: f"{m.group(1)}:{int(m.group(2)) + 17}" + (f":{int(m.group(3)) + 4}" if m.group(3) else ""),
                  text)
    text = re.sub(r"\bline (\d+)", lambda m: f"line {int(m.group(1)) + 17}", text)
    text = re.sub(r"\b(\d+(?:\.\d+)?)(ms|s)\b", lambda m: f"{float(m.group(1)) * 2.7 + 0.31:.2f}{m.group(2)}", text)
    # ephemeral ports only: localhost:8080 is what kubectl falls back to, a different failure
    text = re.sub(r"\b(127\.0\.0\.1|localhost):([1-6]\d{4})\b", lambda m: f"{m.group(1)}:{rnd.randint(20000, 60000)}",
                  text)
    text = re.sub(r"\b20\d\d-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?", "2027-03-09T07:41:05.118", text)
    text = re.sub(r"\b\d\d:\d\d:\d\d\.\d+\b", "07:41:05.118206", text)
    return text


# --- another version of the tool ----------------------------------------------------------------

# fixture id -> substitutions that turn the captured output into what another version prints
WORDING: dict[str, tuple[tuple[str, str], ...]] = {
    # npm 8 and 9 prefixed errors with `npm ERR!`, npm 10 with `npm error`
    "npm-run-missing-script": (("npm error", "npm ERR!"), ("npm warn", "npm WARN")),
    "npm-e404-package-not-found": (("npm error", "npm ERR!"), ("npm warn", "npm WARN")),
    "npm-eresolve-peer-conflict": (("npm error", "npm ERR!"), ("npm warn", "npm WARN")),
    # rustc before 1.85
    "rust-e0433-undeclared-crate": (
        ("cannot find module or crate `regex` in this scope",
         "failed to resolve: use of undeclared crate or module `regex`"),
        ("use of unresolved module or unlinked crate `regex`", "use of undeclared crate or module `regex`"),
    ),
    # gcc before 9 printed no line-numbered source excerpt
    "c-gcc-missing-header-curl": (
        ("    2 | #include <curl/curl.h>\n      |          ^~~~~~~~~~~~~\n",
         " #include <curl/curl.h>\n          ^~~~~~~~~~~~~\n"),
    ),
    # Python 3.10: no caret line, os.py instead of <frozen os>
    "python-keyerror-environ": (
        ("                   ~~~~~~~~~~^^^^^^^^^^^^^^^^\n", ""),
        ('  File "<frozen os>", line 679, in __getitem__\n',
         '  File "/usr/lib/python3.10/os.py", line 680, in __getitem__\n    raise KeyError(key) from None\n'),
    ),
    # run as `python -m app`: runpy's frames come first
    "python-modulenotfound-yaml": (
        ("Traceback (most recent call last):\n",
         'Traceback (most recent call last):\n  File "<frozen runpy>", line 198, in _run_module_as_main\n'
         '  File "<frozen runpy>", line 88, in _run_code\n'),
    ),
    # Docker Desktop's socket
    "docker-ps-daemon-not-running": (("unix:///var/run/docker.sock", "unix:///Users/dev/.docker/run/docker.sock"),),
    # bash running a script file names the script, bash -c names itself
    "shell-bash-command-not-found-typo": (("bash: line 1: gti", "deploy.sh: line 12: gti"),),
    # git before 2.39 wrapped the hint differently
    "git-push-rejected-fetch-first": (
        ("hint: Updates were rejected because the remote contains work that you do\nhint: not have locally.",
         "hint: Updates were rejected because the remote contains work that you do not\nhint: have locally."),
    ),
    # pytest on another interpreter: the importlib frame's path and line
    "python-pytest-collection-modulenotfound": (
        ("/root/.pyenv/versions/3.11.7/lib/python3.11/importlib/__init__.py:126",
         "/usr/lib/python3.12/importlib/__init__.py:90"),
    ),
    # Node 12-14 printed the loader's path without the node: scheme
    "node-require-not-found-lodash": (
        ("node:internal/modules/cjs/loader", "internal/modules/cjs/loader.js"),
        ("Node.js v20.20.2", "Node.js v14.21.3"),
    ),
    # pip before 22 printed no "(from versions: none)" hint on the first line
    "python-pip-no-matching-distribution": ((" (from versions: none)", ""),),
    # kubectl against another cluster address
    "kubectl-server-connection-refused": (("127.0.0.1:1", "10.96.0.1:6443"),),
    # go 1.20's slightly different hint
    "go-missing-module-no-required-module": (("; to add it:", "; to add it, run:"),),
}

# Fixtures that are one failure captured through different commands: they must match each other.
SAME_FAILURE: tuple[tuple[str, ...], ...] = (
    ("docker-build-daemon-not-running", "docker-ps-daemon-not-running", "docker-run-daemon-not-running"),
    ("python-chained-env-then-missing-module", "python-modulenotfound-yaml"),  # both: no module named 'yaml'
)


# --- tools run twice ----------------------------------------------------------------------------------


def _run(argv: list[str], cwd: str) -> tuple[str, int]:
    env = dict(os.environ, LC_ALL="C", LANG="C", NO_COLOR="1", PYTHONDONTWRITEBYTECODE="1")
    r = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    return r.stdout.decode("utf-8", "replace"), r.returncode


# name -> (tool, files of the project as a function of a variant number, argv)
Case = tuple[str, Callable[[int], dict[str, str]], list[str]]


def _pad(n: int) -> str:
    return "\n" * (n * 3)  # the error moves down the file


REAL: dict[str, Case] = {
    "py-missing-module": ("python3", lambda n: {f"app{n}.py": f"{_pad(n)}import os\nimport yaml_not_installed_zq\n"},
                          [sys.executable, "app{n}.py"]),
    "py-name-error": ("python3", lambda n: {f"app{n}.py": f"{_pad(n)}total = 1\nprint(totl)\n"},
                      [sys.executable, "app{n}.py"]),
    "py-file-not-found": ("python3", lambda n: {f"job{n}.py": f"{_pad(n)}open('data-{n}x{n * 7}.csv').read()\n"},
                          [sys.executable, "job{n}.py"]),
    "py-zero-division": ("python3", lambda n: {f"calc{n}.py": f"{_pad(n)}def f(x):\n    return 1 / x\nf({n - n})\n"},
                         [sys.executable, "calc{n}.py"]),
    "node-missing-module": ("node", lambda n: {f"index{n}.js": f"{_pad(n)}const x = require('left-pad-not-here');\n"},
                            ["node", "index{n}.js"]),
    "node-reference-error": ("node", lambda n: {f"index{n}.js": f"{_pad(n)}const items = [1];\nconsole.log(itmes);\n"},
                             ["node", "index{n}.js"]),
    "gcc-missing-header": ("gcc", lambda n: {f"m{n}.c": f"{_pad(n)}#include <zq_missing_lib.h>\nint main(void) {{}}\n"},
                           ["gcc", "-c", "m{n}.c", "-o", "m{n}.o"]),
    "gcc-undeclared": ("gcc", lambda n: {f"m{n}.c": f"{_pad(n)}int main(void){{ int total = 0; return totl; }}\n"},
                       ["gcc", "-c", "m{n}.c", "-o", "m{n}.o"]),
    "bash-command-not-found": ("bash", lambda n: {f"run{n}.sh": f"{_pad(n)}echo start\nzq-no-such-tool --flag\n"},
                               ["bash", "run{n}.sh"]),
    "bash-syntax-error": ("bash", lambda n: {f"run{n}.sh": f"{_pad(n)}if true; then\n  echo x\n"},
                          ["bash", "run{n}.sh"]),
    "make-no-rule": ("make", lambda n: {"Makefile": f"{_pad(n)}all:\n\techo ok\n"}, ["make", "deploy"]),
    "make-missing-prerequisite": ("make", lambda n: {"Makefile": f"{_pad(n)}all: gen{n}.txt\n\techo ok\n"},
                                  ["make", "all"]),
    "git-not-a-repo": ("git", lambda n: {f"f{n}.txt": "x\n"}, ["git", "status"]),
    "git-bad-revision": ("git", lambda n: {}, ["sh", "-c", "git init -q . && git log no-such-branch-{n}"]),
}


def real_failures(base: str) -> dict[str, list]:
    """Each REAL case run twice, in temp directories with other names, other file names and line positions:
    {case: [Failure, Failure]}. Cases whose tool is missing here are left out."""
    out: dict[str, list] = {}
    for name, (tool, files, argv) in REAL.items():
        if shutil.which(tool if tool != "python3" else sys.executable) is None:
            continue
        got = []
        for n in (1, 2):
            cwd = os.path.join(base, f"{name}-{n}-{random.Random(n).randrange(10**6)}")
            os.makedirs(cwd)
            for rel, content in files(n).items():
                with open(os.path.join(cwd, rel), "w") as fh:
                    fh.write(content)
            args = [a.replace("{n}", str(n)) for a in argv]
            output, code = _run(args, cwd)
            got.append(failure_of(output, args, code, cwd))
        out[name] = got
    return out


# --- the table --------------------------------------------------------------------------------------


def pairs(real: dict[str, list] | None = None) -> Iterator[Pair]:
    from heal.store import Failure

    data = fixtures()
    by_id: dict[str, Failure] = {}
    for i, fx in enumerate(data):
        original = failure_of(fx["output"], fx["argv"], fx["exit_code"])
        if original.category == "unknown":
            continue  # heal learns nothing for failures it does not recognise
        by_id[fx["id"]] = original
        other = failure_of(elsewhere(fx["output"], seed=i), fx["argv"], fx["exit_code"])
        yield Pair(fx["id"], original, other, True, "variant")
        subs = WORDING.get(fx["id"])
        if subs:
            text = fx["output"]
            for old, new in subs:
                assert old in text, (fx["id"], old)
                text = text.replace(old, new)
            yield Pair(fx["id"] + " (other version)", original, failure_of(text, fx["argv"], fx["exit_code"]), True,
                       "wording")
    same = {frozenset((a, b)) for group in SAME_FAILURE for a in group for b in group if a != b}
    for group in SAME_FAILURE:
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                yield Pair(f"{a} ~ {b}", by_id[a], by_id[b], True, "same")
    ids = sorted(by_id)
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            fa, fb = by_id[a], by_id[b]
            if fa.scope != fb.scope or frozenset((a, b)) in same or fa.signature == fb.signature:
                continue
            yield Pair(f"{a} !~ {b}", fa, fb, False, "different")
    for name, (a, b) in (real or {}).items():
        yield Pair(name + " (run twice)", a, b, True, "real")
    names = sorted(real or {})
    for i, x in enumerate(names):
        for y in names[i + 1:]:
            fx, fy = real[x][0], real[y][1]  # type: ignore[index]
            if fx.scope == fy.scope:
                yield Pair(f"{x} !~ {y} (run)", fx, fy, False, "different")


def matches(a, b, cutoff: float, *, gate: bool = True) -> bool:
    """Would a pattern learned for b be offered for a? The lookup's rule (tests check it agrees with Store):
    the exact signature, or the same scope, category and key facts and evidence alike enough. gate=False
    asks the evidence alone (same scope and category), to show what the key facts add."""
    from heal.store.match import similarity

    if a.signature == b.signature:
        return True
    if (a.scope, a.category) != (b.scope, b.category) or (gate and a.key != b.key):
        return False
    return similarity(a.fingerprint, b.fingerprint) >= cutoff


def evaluate(table: list[Pair], cutoff: float, *, gate: bool = True) -> dict:
    tp = sum(1 for p in table if p.match and matches(p.a, p.b, cutoff, gate=gate))
    fp = sum(1 for p in table if not p.match and matches(p.a, p.b, cutoff, gate=gate))
    positives = sum(1 for p in table if p.match)
    negatives = len(table) - positives
    return {"cutoff": cutoff, "tp": tp, "fp": fp, "fn": positives - tp, "positives": positives,
            "negatives": negatives, "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / positives if positives else 1.0}


def errors(table: list[Pair], cutoff: float) -> list[str]:
    """The pairs the matcher gets wrong at cutoff, for reading."""
    return [f"{'missed' if p.match else 'false match'}: {p.label}" for p in table
            if matches(p.a, p.b, cutoff) != p.match]
