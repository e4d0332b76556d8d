"""install: the right distribution, into the interpreter that failed, journaled, verified, undoable;
and the names heal refuses to install."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from heal.diagnose import diagnose
from heal.fixes import PlanContext, plan_fixes
from heal.fixes.install import distribution_for, import_map, interpreter_of, package_for_specifier

import toolcache


@pytest.fixture
def venv(project, venv_template):
    path = os.path.join(project, ".venv")
    subprocess.run(["cp", "-a", venv_template, path], check=True)
    return path


def _has(python: str, module: str) -> bool:
    return subprocess.run([python, "-c", f"import {module}"], capture_output=True).returncode == 0


def test_the_map_is_curated_and_large(project):
    mapping, ambiguous, never = import_map()
    assert len(mapping) >= 300
    for module, dist in {"yaml": "PyYAML", "sklearn": "scikit-learn", "bs4": "beautifulsoup4", "PIL": "Pillow",
                         "cv2": None, "dateutil": "python-dateutil", "dotenv": "python-dotenv", "jwt": "PyJWT",
                         "serial": "pyserial", "docx": "python-docx"}.items():
        got, _ = distribution_for(module)
        assert (got or "").lower() == (dist or "").lower(), module
    assert not set(mapping) & set(sys.stdlib_module_names)


@pytest.mark.parametrize("module, why", [
    ("json", "standard library"), ("distutils", "standard library"), (".sibling", "relative"),
    ("cv2", "choose one"), ("zz_not_a_real_module", "not in heal's curated import map"),
])
def test_names_heal_never_installs(module, why):
    dist, reason = distribution_for(module)
    assert dist is None and why in reason


def test_a_module_of_the_project_is_not_a_package(project, venv):
    os.makedirs(os.path.join(project, "mylib"))
    open(os.path.join(project, "mylib", "__init__.py"), "w").close()
    out = "Traceback (most recent call last):\n  File \"app.py\", line 1\nModuleNotFoundError: No module named 'mylib'\n"
    d = diagnose(out, argv=[os.path.join(venv, "bin", "python"), "app.py"], exit_code=1)
    ctx = PlanContext(d, (os.path.join(venv, "bin", "python"), "app.py"), project, project, out, 1)
    (fix,) = plan_fixes(ctx)
    assert fix.action == "suggest" and "module of this project" in fix.description


def test_cannot_import_name_is_never_an_install(project, venv):
    # a mapped, installable name in a venv: only the `cannot import name` rule can keep it from installing
    py = os.path.join(venv, "bin", "python")
    out = ("Traceback (most recent call last):\n  File \"app.py\", line 1, in <module>\nImportError: cannot import "
           f"name 'nope' from 'yaml' ({venv}/lib/python3.11/site-packages/yaml/__init__.py)\n")
    d = diagnose(out, argv=[py, "app.py"], exit_code=1)
    assert d.facts.get("module") == "yaml" and d.facts.get("symbol") == "nope"
    ctx = PlanContext(d, (py, "app.py"), project, project, out, 1)
    assert all(f.action != "install" for f in plan_fixes(ctx))


def test_a_python_that_is_not_a_virtualenv_only_gets_a_suggestion(project):
    # the interpreter under any venv the tests may run in (CI runs them from .venv)
    python = getattr(sys, "_base_executable", sys.executable)
    out = "ModuleNotFoundError: No module named 'yaml'\n"
    d = diagnose(out, argv=[python, "app.py"], exit_code=1)
    ctx = PlanContext(d, (python, "app.py"), project, project, out, 1)
    (fix,) = plan_fixes(ctx)
    assert fix.action == "suggest" and "not a virtualenv" in fix.description


def test_interpreter_of_a_console_script_is_its_shebang(project, heal_env):
    venv = os.path.join(project, "fresh-venv")  # a copied venv's scripts would point at the original
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    # the console script pip would write for pip itself (installing pip only for it took seconds)
    with open(os.path.join(venv, "bin", "pip"), "w") as fh:
        fh.write(f"#!{os.path.join(venv, 'bin', 'python')}\nimport sys\nfrom pip._internal.cli.main import main\n"
                 "sys.exit(main())\n")
    os.chmod(os.path.join(venv, "bin", "pip"), 0o755)
    env = dict(heal_env, PATH=os.path.join(venv, "bin") + os.pathsep + heal_env["PATH"])
    assert interpreter_of(("pip", "--version"), os.getcwd(), env).startswith(os.path.join(venv, "bin", "python"))
    assert interpreter_of((os.path.join(venv, "bin", "python"), "x.py"), os.getcwd(), env) == \
        os.path.join(venv, "bin", "python")
    assert interpreter_of(("env", "FOO=1", "timeout", "5", os.path.join(venv, "bin", "python")), "/", env) == \
        os.path.join(venv, "bin", "python")


@pytest.mark.parametrize("spec, package", [
    ("lodash", "lodash"), ("lodash/fp", "lodash"), ("@scope/pkg/sub/path", "@scope/pkg"), ("node:fs", None),
    ("fs", None), ("./local", None), ("/abs/path", None), ("Bad Name", None),
])
def test_node_specifiers(spec, package):
    assert package_for_specifier(spec) == package


def test_missing_module_installed_into_that_venv_then_rolled_back(heal, project, venv):
    # `dotenv` is a trap: the PyPI project named dotenv is not what provides it; python-dotenv is
    py = os.path.join(venv, "bin", "python")
    with open(os.path.join(project, "app.py"), "w") as fh:
        fh.write("from dotenv import dotenv_values\nprint('values', dotenv_values('missing.env'))\n")
    r = heal("--yes", "--", py, "app.py", timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(b"values ")
    assert b"python-dotenv" in r.stderr
    installed = subprocess.run([py, "-m", "pip", "list", "--format=json"], capture_output=True, text=True).stdout
    names = {p["name"].lower() for p in json.loads(installed)}
    assert "python-dotenv" in names and "dotenv" not in names
    assert heal("rollback", "--last", "--yes", timeout=300).returncode == 0
    assert not _has(py, "dotenv")


def test_chained_missing_modules_are_installed_one_after_the_other(heal, project, venv):
    py = os.path.join(venv, "bin", "python")
    with open(os.path.join(project, "app.py"), "w") as fh:
        fh.write("import six\nimport dotenv\nprint('both', six.PY3)\n")
    r = heal("--yes", "--", py, "app.py", timeout=300)
    assert r.returncode == 0, r.stderr
    assert b"both True" in r.stdout
    assert r.stderr.count(b"done; running again") == 2
    log = json.loads(heal("log", "--json").stdout)["change_sets"]
    assert len(log) == 1 and len(log[0]["changes"]) == 2  # one heal run, one change set


def test_declared_dependency_is_synced_not_added(heal, project, venv):
    py = os.path.join(venv, "bin", "python")
    with open(os.path.join(project, "requirements.txt"), "w") as fh:
        fh.write("six==1.16.0\n")
    with open(os.path.join(project, "app.py"), "w") as fh:
        fh.write("import six\nprint(six.__version__)\n")
    r = heal("--yes", "--", py, "app.py", timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == b"1.16.0"
    assert b"declared in requirements.txt" in r.stderr


@pytest.fixture(scope="module")
def uv_bin(tmp_path_factory):
    try:
        return str(toolcache.python_tool("uv", "uv", tmp_path_factory.mktemp("uvtools")))
    except RuntimeError:
        pytest.skip("uv could not be installed from PyPI here")


def test_uv_project_gets_uv_add_and_rollback_restores_the_lock(heal, heal_env, project, uv_bin):
    env = dict(heal_env, PATH=uv_bin + os.pathsep + heal_env["PATH"])
    uv = os.path.join(uv_bin, "uv")
    for args in (["init", "-q", "--bare", "--name", "demo"], ["lock", "-q"], ["sync", "-q"]):
        subprocess.run([uv, *args], cwd=project, env=env, check=True)
    with open(os.path.join(project, "app.py"), "w") as fh:
        fh.write("from dotenv import dotenv_values\nprint('loaded')\n")
    manifests = {n: open(os.path.join(project, n), "rb").read() for n in ("pyproject.toml", "uv.lock")}
    r = heal("--yes", "--", "uv", "run", "python", "app.py", env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert b"loaded" in r.stdout and b"uv add python-dotenv" in r.stderr
    assert b"python-dotenv" in open(os.path.join(project, "pyproject.toml"), "rb").read()
    r = heal("rollback", "--last", "--yes", env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert {n: open(os.path.join(project, n), "rb").read() for n in manifests} == manifests
    assert not _has(os.path.join(project, ".venv", "bin", "python"), "dotenv")


def test_an_ambiguous_import_is_a_choice_on_a_terminal_and_a_suggestion_elsewhere(heal, heal_env, project, venv):
    import pexpect

    from conftest import heal_argv

    py = os.path.join(venv, "bin", "python")
    with open(os.path.join(project, "app.py"), "w") as fh:
        fh.write("import multipart\nprint('parsed')\n")
    r = heal("--yes", "--", py, "app.py")  # no terminal: even --yes does not pick for the user
    assert r.returncode == 1 and b"heal does not guess" in r.stderr
    assert not _has(py, "multipart")
    cmd = heal_argv()
    child = pexpect.spawn(cmd[0], [*cmd[1:], "--", py, "app.py"], cwd=project, env=heal_env, timeout=180)
    child.expect(r"1\) (\S+)")
    first = child.match.group(1).decode()
    child.expect_exact("Enter for none]")
    child.sendline("1")
    child.expect_exact("parsed")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    installed = json.loads(subprocess.run([py, "-m", "pip", "list", "--format=json"], capture_output=True,
                                          text=True).stdout)
    assert first.lower() in {p["name"].lower() for p in installed}


@pytest.fixture(scope="module")
def tool_bin(tmp_path_factory):
    """A Python project manager installed from PyPI into its own venv: its bin directory."""
    made: dict[str, str] = {}

    def _bin(name: str) -> str:
        if name not in made:
            # pdm's own tested pins: unpinned, pdm 2.29 breaks against hishel 2 and newer httpx
            spec = {"pdm": "pdm[locked]"}.get(name, name)
            try:  # built once and kept across runs (tests/toolcache.py)
                made[name] = str(toolcache.python_tool(name, spec, tmp_path_factory.mktemp(f"{name}tools")))
            except RuntimeError:
                pytest.skip(f"{name} could not be installed from PyPI here")
        return made[name]

    return _bin


POETRY_PROJECT = """[project]
name = "demo"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = []

[tool.poetry]
package-mode = false

# This machine's PyPI proxy serves the simple index but not the per-version JSON API poetry asks PyPI for.
[[tool.poetry.source]]
name = "pypi-simple"
url = "https://pypi.org/simple/"
priority = "primary"
"""

PDM_PROJECT = """[project]
name = "demo"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = []

[tool.pdm]
distribution = false
"""

# manager -> (files of a fresh project, commands that create its environment, its lock files, env settings)
MANAGED = {
    "poetry": ({"pyproject.toml": POETRY_PROJECT}, (["lock"], ["install"]), ("pyproject.toml", "poetry.lock"),
               {"POETRY_CACHE_DIR": "{tmp}/cache"}),
    "pdm": ({"pyproject.toml": PDM_PROJECT}, (["lock"], ["install"]), ("pyproject.toml", "pdm.lock"),
            {"PDM_HOME": "{tmp}/pdm-home", "PDM_CACHE_DIR": "{tmp}/cache", "PDM_CHECK_UPDATE": "false"}),
    "pipenv": ({}, (["install"],), ("Pipfile", "Pipfile.lock"),
               {"WORKON_HOME": "{tmp}/venvs", "PIPENV_YES": "1", "PIPENV_NOSPIN": "1", "PIPENV_VERBOSITY": "-1"}),
}


@pytest.mark.parametrize("manager", sorted(MANAGED))
def test_managed_project_gets_its_own_add_and_rollback_syncs_back(heal, heal_env, project, tool_bin, tmp_path,
                                                                   manager):
    files, setup, locks, settings = MANAGED[manager]
    # each manager keeps the environment where it does by default (poetry and pipenv outside the project)
    env = dict(heal_env, PATH=tool_bin(manager) + os.pathsep + heal_env["PATH"],
               **{k: v.format(tmp=tmp_path) for k, v in settings.items()})
    tool = os.path.join(tool_bin(manager), manager)
    for name, text in files.items():
        with open(os.path.join(project, name), "w") as fh:
            fh.write(text)
    for args in setup:
        subprocess.run([tool, *args], cwd=project, env=env, check=True, capture_output=True)
    where = {"poetry": ["env", "info", "--executable"], "pipenv": ["--py"], "pdm": ["info", "--python"]}[manager]
    python = subprocess.run([tool, *where],
                            cwd=project, env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert os.path.exists(python) and python.startswith(project) == (manager == "pdm")
    with open(os.path.join(project, "app.py"), "w") as fh:
        fh.write("from dotenv import dotenv_values\nprint('loaded')\n")
    manifests = {n: open(os.path.join(project, n), "rb").read() for n in locks}
    r = heal("--yes", "--", manager, "run", "python", "app.py", env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    add = {"poetry": b"poetry add python-dotenv", "pipenv": b"pipenv install python-dotenv",
           "pdm": b"pdm add python-dotenv"}[manager]
    assert b"loaded" in r.stdout and add in r.stderr
    assert b"python-dotenv" in open(os.path.join(project, locks[0]), "rb").read()
    assert _has(python, "dotenv")
    r = heal("rollback", "--last", "--yes", env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert {n: open(os.path.join(project, n), "rb").read() for n in manifests} == manifests
    assert not _has(python, "dotenv")
