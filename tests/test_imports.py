"""Import guards: what heal's paths must not import, measured with `python -X importtime` in a real heal
process (HEAL_HOME in a temp dir) against a `python -c pass` baseline, as tests/test_fastpath.py does for the
success path (`heal -- true`: no typer, click, rich, libcst, rapidfuzz, sqlite3, pexpect, packaging, tomllib,
dataclasses or json; that test stays there).

A failed command is diagnosed and healed on every failure an agent or a hook sees, and `heal repair` runs in
pre-commit on every commit: neither may pay for the CLI framework (typer pulls in click, rich and, while
parsing, pydantic), libcst (~0.8 s cold) or sqlite3."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = ("typer", "click", "rich", "pydantic")
FAILURE_PATH = (*CLI, "libcst", "sqlite3")
# a failure heal knows: its outcome is recorded in the pattern store (issue 12), so sqlite3 loads; nothing else
KNOWN_FAILURE_PATH = (*CLI, "libcst")


def imported(args: list[str], env: dict[str, str], cwd: str) -> tuple[int, set[str]]:
    """(exit status, top-level and dotted module names heal imported beyond a bare interpreter's)."""
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "heal", *args], cwd=cwd, env=env,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    # site-packages .pth hooks of the machine may import things before heal runs; compare against them
    base = subprocess.run([sys.executable, "-X", "importtime", "-c", "pass"], cwd=cwd, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)

    def names(stderr: bytes) -> set[str]:
        return {line.split("|")[-1].strip() for line in stderr.decode().splitlines() if line.startswith("import time:")}

    return r.returncode, names(r.stderr) - names(base.stderr)


def heavy(mods: set[str], forbidden: tuple[str, ...]) -> list[str]:
    """The forbidden top-level packages among the imported modules."""
    return sorted({m.split(".")[0] for m in mods} & set(forbidden))


def test_heavy_finds_a_forbidden_package_by_its_submodules():
    assert heavy({"heal.engine", "libcst._nodes", "json"}, FAILURE_PATH) == ["libcst"]


def _real_failure(project: str) -> str:
    """A small real failure: the output python printed for a missing module (fixtures/outputs, captured)."""
    with open(os.path.join(ROOT, "fixtures", "outputs", "python-modulenotfound-yaml.json"), encoding="utf-8") as fh:
        case = json.load(fh)
    path = os.path.join(project, "output.txt")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(case["output"])
    return path


# (id, heal's arguments, its exit status, modules it must not import, modules proving the path was measured:
# a failure is diagnosed and goes through fix planning, heal.fixes)
PATHS = [
    ("failure-exit-3", ["--", "python3", "-c", "raise SystemExit(3)"], 3, FAILURE_PATH,
     ("heal.engine", "heal.diagnose.core", "heal.fixes")),
    ("failure-no-such-file", ["--", "sh", "-c", 'echo "No such file or directory" >&2; exit 1'], 1, FAILURE_PATH,
     ("heal.engine", "heal.diagnose.core", "heal.fixes")),
    ("diagnose-missing-module", ["diagnose", "--command", "python3 app.py", "--exit-code", "1", "output.txt"], 0,
     FAILURE_PATH, ("heal.commands.diagnose", "heal.diagnose.core", "heal.fixes.install")),
    ("repair-valid-file", ["repair", "ok.py"], 0, (*CLI, "libcst"), ("heal.commands.repair",)),
]


@pytest.mark.parametrize("args, status, forbidden, evidence", [p[1:] for p in PATHS], ids=[p[0] for p in PATHS])
def test_path_imports_nothing_heavy(heal_env, project, args, status, forbidden, evidence):
    _real_failure(project)
    with open(os.path.join(project, "ok.py"), "w") as fh:
        fh.write("import os\n\nprint(os.getcwd())\n")
    code, mods = imported(args, heal_env, project)
    assert code == status
    assert set(evidence) <= mods, sorted(set(evidence) - mods)  # the measurement really saw this path's imports
    assert not heavy(mods, forbidden), heavy(mods, forbidden)


# The failure paths the file-editing actions (python_edit, json_edit) plan on: libcst only when an edit is planned
# for a file that needs it. (id, heal's arguments, its exit status, files in the project, forbidden, evidence)
EDIT_PATHS = [
    ("shell-failure", ["--", "sh", "-c", "echo boom >&2; exit 1"], 1, {}, KNOWN_FAILURE_PATH,
     ("heal.engine", "heal.fixes")),
    ("python-runtime-error", ["--", "python3", "-c", "1/0"], 1, {}, KNOWN_FAILURE_PATH,
     ("heal.engine", "heal.diagnose.core", "heal.fixes")),
    # a NameError heal cannot resolve: python_edit plans (and reads the project with ast), libcst stays out
    ("name-error-unknown-name", ["--", "python3", "app.py"], 1, {"app.py": "frobnicate()\n"}, KNOWN_FAILURE_PATH,
     ("heal.fixes.python_edit", "heal.fixes._edit", "heal.repair.imports")),
    # a syntax error with no small repair: searched, not repaired, libcst never needed
    ("syntax-error-unrepairable", ["--", "python3", "app.py"], 1,
     {"app.py": "def f(x=1, y):\n    pass\n"}, KNOWN_FAILURE_PATH,
     ("heal.fixes.python_edit", "heal.repair.python")),
    # the positive control: an edit planned for a file that needs libcst does import it
    ("name-error-import-added", ["--", "python3", "app.py"], 1, {"app.py": "print(os.sep)\n"}, CLI,
     ("heal.fixes.python_edit", "libcst")),
]


@pytest.mark.parametrize("args, status, files, forbidden, evidence", [p[1:] for p in EDIT_PATHS],
                         ids=[p[0] for p in EDIT_PATHS])
def test_edit_planning_imports_libcst_only_for_a_planned_edit(heal_env, project, args, status, files, forbidden,
                                                              evidence):
    for rel, text in files.items():
        with open(os.path.join(project, rel), "w") as fh:
            fh.write(text)
    code, mods = imported(args, heal_env, project)
    assert code == status
    assert set(evidence) <= mods, sorted(set(evidence) - mods)
    assert not heavy(mods, forbidden), heavy(mods, forbidden)
