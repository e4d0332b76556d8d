"""install's planning, as tables: from a real failure (run here, or a captured fixture) in a small project on
disk to the one fix heal would apply. Nothing is installed here (tests/test_install.py and tests/e2e do that)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from heal.fixes import plan_fixes
from heal.fixes.install import _esm_only, _loaded_by_require, commonjs_version, explain

from .planning import context, fixture

SETUP_PY = "from setuptools import setup\nsetup(name='demo', version='1.0', packages=['demo'])\n"
PYPROJECT_EXTRA = """[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "demo"
version = "1.0"
dependencies = ["six"]

[project.optional-dependencies]
tests = ["pytest", "hypothesis"]
docs = ["Pympler>=1.0"]
"""


def write(root: str, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as fh:
            fh.write(text)


def run(argv, cwd):
    r = subprocess.run(list(argv), cwd=cwd, capture_output=True, text=True, timeout=120)
    return r.stdout + r.stderr, r.returncode


def first(ctx):
    fixes = plan_fixes(ctx)
    assert fixes, ctx.diagnosis
    return fixes[0]


# --- Python: what the project declares decides -------------------------------------------------------------

PYTHON_CASES = {
    # name: (project files, the command, what the first fix must be: action, argv tail or description words)
    "python -m pytest, test extra": (
        {"pyproject.toml": PYPROJECT_EXTRA, "demo/__init__.py": ""}, ["-m", "pytest"],
        ("install", ["-m", "pip", "install", "-e", ".[tests]"])),
    "python -m pytest, pinned test requirements file": (
        {"setup.py": SETUP_PY, "demo/__init__.py": "", "requirements/tests.txt": "pytest==8.3.4\n"},
        ["-m", "pytest"], ("install", ["-m", "pip", "install", "-r", "requirements/tests.txt", "-e", "."])),
    "python -m pytest, requirements-dev.txt that installs the project": (
        {"setup.py": SETUP_PY, "demo/__init__.py": "", "requirements-dev.txt": "-e .\npytest\n"},
        ["-m", "pytest"], ("install", ["-m", "pip", "install", "-r", "requirements-dev.txt"])),
    "the project's own package, not installed: the project itself": (
        {"pyproject.toml": PYPROJECT_EXTRA, "demo/__init__.py": "", "app.py": "import demo\n"}, ["-I", "app.py"],
        ("install", ["-m", "pip", "install", "-e", "."])),
    "a runtime dependency: installing the project installs it": (
        {"pyproject.toml": PYPROJECT_EXTRA, "demo/__init__.py": "", "app.py": "import six\n"}, ["app.py"],
        ("install", ["-m", "pip", "install", "-e", "."])),
    "declared, not in heal's import map: the declared requirement": (
        {"pyproject.toml": PYPROJECT_EXTRA, "demo/__init__.py": "", "app.py": "import pympler\n"}, ["app.py"],
        ("install", ["--", "Pympler>=1.0"])),
    "a directory of the checkout that is not a shipped package: a path problem": (
        {"pyproject.toml": PYPROJECT_EXTRA, "demo/__init__.py": "", "tests/__init__.py": "", "tests/helpers.py": "",
         "app.py": "import tests.helpers\n"}, ["-I", "app.py"], ("suggest", "not a package")),
    "nothing declared: heal's curated import map": (
        {"app.py": "import yaml\n"}, ["app.py"], ("install", ["--", "PyYAML"])),
}


@pytest.mark.parametrize("name", sorted(PYTHON_CASES))
def test_python_planning_table(name, project, py):
    files, args, (action, expected) = PYTHON_CASES[name]
    write(project, files)
    output, code = run([py, *args], project)
    assert code != 0, output
    fix = first(context(output, [py, *args], code, project))
    assert fix.action == action, (fix, output)
    if isinstance(expected, list):
        assert list(fix.argv[-len(expected):]) == expected, fix.argv
        assert fix.argv[0] == py and fix.change.python == py and fix.change.cwd == project
    else:
        assert expected in fix.description, fix.description


def test_a_console_script_the_venv_lacks_installs_the_test_environment(project, py):
    write(project, {"pyproject.toml": PYPROJECT_EXTRA, "demo/__init__.py": ""})
    # what heal itself says when the program does not exist (it runs the command without a shell)
    output = "heal: .venv/bin/pytest: No such file or directory\n"
    fix = first(context(output, [".venv/bin/pytest", "-q"], 127, project))
    assert fix.action == "install" and fix.argv == (py, "-m", "pip", "install", "-e", ".[tests]")
    assert fix.change.imports == ("pytest",)


def test_the_test_environment_checks_every_file_it_installs_from(project, py):
    write(project, {"setup.py": SETUP_PY, "demo/__init__.py": "",
                    "requirements/tests.txt": "-r base.txt\npytest\n",
                    "requirements/base.txt": "--extra-index-url https://u:pw@pkgs.example.invalid/simple\nsix\n"})
    output, code = run([py, "-m", "pytest"], project)
    fix = first(context(output, [py, "-m", "pytest"], code, project))
    assert fix.action == "install" and fix.ask and fix.risk == "high"
    assert "requirements/base.txt:1: --extra-index-url" in fix.description and "pw@" not in fix.description


@pytest.mark.parametrize("declared, action, words", [
    # tox's test env is the test environment here: installed in one step, the plugin with it
    ("[tox]\n[testenv]\ndeps =\n    pytest\n    pytest-asyncio\n", "install", ["-e", ".", "pytest", "pytest-asyncio"]),
    ("", "suggest", "pytest-asyncio is not installed and this project does not declare it"),
])
def test_a_missing_pytest_plugin_is_installed_only_when_declared(project, py, declared, action, words):
    write(project, {"pyproject.toml": PYPROJECT_EXTRA.replace('tests = ["pytest", "hypothesis"]\n', ""),
                    "demo/__init__.py": "", **({"tox.ini": declared} if declared else {})})
    case = fixture("python-pytest-addopts-plugin-option-missing")
    fix = first(context(case["output"], [py, "-m", "pytest"], case["exit_code"], project))
    assert fix.action == action
    if action == "install":
        assert list(fix.argv[-len(words):]) == words and fix.change.packages == ("pytest-asyncio",)
    else:
        assert words in fix.description


def test_a_plugin_fixture_declared_in_the_test_extra_installs_the_test_environment(project, py):
    write(project, {"pyproject.toml": PYPROJECT_EXTRA.replace('"hypothesis"', '"pytest-httpbin"'),
                    "demo/__init__.py": ""})
    case = fixture("python-pytest-fixture-of-missing-plugin")
    fix = first(context(case["output"], [py, "-m", "pytest", "-q"], case["exit_code"], project))
    assert fix.argv[-2:] == ("-e", ".[tests]") and "pytest-httpbin" in fix.description


def test_a_manager_that_is_not_installed_is_a_suggestion_with_its_own_command(project, py):
    if shutil.which("uv"):
        pytest.skip("uv is installed here")
    write(project, {"pyproject.toml": PYPROJECT_EXTRA + '\n[dependency-groups]\ntest = ["pytest"]\n',
                    "uv.lock": "version = 1\n", "demo/__init__.py": ""})
    output, code = run([py, "-m", "pytest"], project)
    fix = first(context(output, [py, "-m", "pytest"], code, project))
    assert fix.action == "suggest" and fix.argv == ("uv", "sync", "--group", "test")


# --- Node -------------------------------------------------------------------------------------------------

PACKAGE_JSON = {"name": "demo", "version": "1.0.0", "scripts": {"test": "eslint . && tape test.js"},
                "devDependencies": {"eslint": "^8.0.0", "tape": "^5.0.0"}}


def _node_project(root: str, **extra) -> None:
    write(root, {"package.json": json.dumps({**PACKAGE_JSON, **extra})})


needs_npm = pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")


@needs_npm
@pytest.mark.parametrize("lockfile, argv", [(False, ["install"]), (True, ["ci"])])
def test_a_script_program_of_a_declared_dependency_installs_the_dependencies(project, lockfile, argv):
    _node_project(project)
    if lockfile:
        write(project, {"package-lock.json": json.dumps({"name": "demo", "lockfileVersion": 3, "packages": {
            "": {"devDependencies": PACKAGE_JSON["devDependencies"]},
            "node_modules/eslint": {"version": "8.57.0", "bin": {"eslint": "bin/eslint.js"}}}})})
    output, code = run(["npm", "test"], project)
    assert code == 127 and "eslint: not found" in output
    fix = first(context(output, ["npm", "test"], code, project))
    assert fix.action == "install" and list(fix.argv[1:1 + len(argv)]) == argv, fix
    assert fix.change.cwd == project and fix.change.packages == ("eslint",)
    assert "node_modules is missing" in fix.description


@needs_npm
def test_a_script_program_no_dependency_provides_is_not_an_npm_install(project):
    _node_project(project, scripts={"test": "zz-not-a-tool-4242 ."})
    output, code = run(["npm", "test"], project)
    ctx = context(output, ["npm", "test"], code, project)
    assert ctx.diagnosis.rule == "node.script_command_not_found"
    assert all(f.action != "install" for f in plan_fixes(ctx))


@needs_npm
def test_npx_that_would_download_a_declared_tool_installs_the_dependencies(project):
    _node_project(project)
    case = fixture("npx-canceled-missing-package")
    fix = first(context(case["output"], case["argv"], case["exit_code"], project))
    assert fix.action == "install" and fix.argv[1] == "install" and fix.change.packages == ("eslint",)
    assert fix.description.startswith("npx would download eslint")


@needs_npm
def test_yarn_lockfile_without_yarn_is_a_suggestion_of_its_frozen_install(project):
    if shutil.which("yarn"):
        pytest.skip("yarn is installed here")
    _node_project(project)
    write(project, {"yarn.lock": "# yarn lockfile v1\n"})
    output, code = run(["npm", "test"], project)
    fix = first(context(output, ["npm", "test"], code, project))
    assert fix.action == "suggest" and fix.argv == ("yarn", "install", "--frozen-lockfile")


# --- CommonJS or ESM ---------------------------------------------------------------------------------------

@needs_npm
@pytest.mark.parametrize("file, code_, target", [
    ("app.js", "const chalk = require('chalk');\nconsole.log(chalk.green('ok'));\n", "chalk@4"),
    ("app.mjs", "import chalk from 'chalk';\nconsole.log(chalk.green('ok'));\n", "chalk"),
])
def test_an_undeclared_esm_only_package_gets_a_commonjs_major_only_for_require(project, file, code_, target):
    write(project, {"package.json": json.dumps({"name": "demo", "version": "1.0.0"}), file: code_})
    output, code = run(["node", file], project)
    assert code == 1
    fix = first(context(output, ["node", file], code, project))
    assert fix.action == "install" and fix.argv[-1] == target
    assert ("ESM-only" in fix.description) == (target != "chalk")


def test_esm_only_and_require_detection():
    assert _esm_only({"type": "module", "exports": "./source/index.js"})
    assert _esm_only({"main": "index.mjs"})
    assert not _esm_only({"type": "module", "exports": {"import": "./a.js", "require": "./a.cjs"}})
    assert not _esm_only({"main": "index.js"})
    assert _loaded_by_require("Error: Cannot find module 'x'\nRequire stack:\n- /p/app.js\n")
    assert not _loaded_by_require("Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'x' imported from /p/a.mjs")


def test_the_table_answers_without_asking_the_registry(project):
    # an empty PATH: no npm to ask; the curated table still knows chalk 5 is ESM-only
    assert commonjs_version("chalk", project, {"PATH": ""}) == ("chalk@4", "chalk 5 and later are ESM-only; "
                                                                           "require() needs 4")
    assert commonjs_version("left-pad", project, {"PATH": ""}) == ("left-pad", "")


@needs_npm
def test_an_esm_only_install_is_named_as_the_cause_of_the_next_failure(project):
    """Scenario 2d: chalk 5 installed for code that require()s it: the rerun's TypeError is connected to the
    install heal made."""
    write(project, {"package.json": json.dumps({"name": "demo", "version": "1.0.0"}),
                    "app.js": "const chalk = require('chalk');\nconsole.log(chalk.green('ok'));\n"})
    r = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "chalk@5"], cwd=project, capture_output=True,
                       timeout=300)
    if r.returncode != 0:
        pytest.skip("the npm registry cannot be reached")
    output, code = run(["node", "app.js"], project)
    assert code == 1 and ("is not a function" in output or "ERR_REQUIRE_ESM" in output), output
    from heal.fixes.install import _install

    fix = _install("npm install chalk", ("npm", "install", "chalk"), manager="npm", cwd=project,
                   packages=("chalk",), risk="medium", source="node-missing-module", confidence=0.85)
    ctx = context(output, ["node", "app.js"], code, project)
    why = explain(fix, ctx.diagnosis, output)
    assert why.startswith("chalk 5.") and "ESM-only" in why and "chalk@4" in why
    # a failure that has nothing to do with it is not blamed on it
    other = "/p/app.js:2\nTypeError: foo.bar is not a function\n    at Object.<anonymous> (/p/app.js:2:5)\n"
    assert explain(fix, context(other, ["node", "app.js"], 1, project).diagnosis, other) == ""
