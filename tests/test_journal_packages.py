"""Real package installs through the journal, rolled back: added packages removed, replaced versions put
back, manifests and lockfiles restored byte-exact (a venv with a package from PyPI; an npm project)."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

import toolcache
from heal.journal import Journal, PackageChange
from test_journal import tree


def _installed(python: str) -> dict[str, str]:
    code = "import importlib.metadata as m, json; print(json.dumps({d.metadata['Name'].lower(): d.version for d in m.distributions()}))"
    return json.loads(subprocess.run([python, "-c", code], capture_output=True, check=True, text=True).stdout)


def test_pip_install_then_rollback_removes_it_and_puts_back_what_it_replaced(heal, heal_env, project, venv_template):
    venv = os.path.join(project, ".venv")
    subprocess.run(["cp", "-a", venv_template, venv], check=True)
    py = os.path.join(venv, "bin", "python")
    subprocess.run([py, "-m", "pip", "install", "-q", "six==1.16.0"], check=True)
    with open(os.path.join(project, "requirements.txt"), "w") as fh:
        fh.write("six\n")
    before_pkgs, before_tree = _installed(py), tree(project)
    j = Journal(heal_env["HEAL_HOME"])
    with j.changeset(cwd=project, root=project, command=[py, "app.py"], diagnosis="missing module") as cs:
        cs.apply(PackageChange("pip", [py, "-m", "pip", "install", "-q", "six==1.17.0", "pyparsing==3.1.2"],
                               cwd=project, python=py))
    after = _installed(py)
    assert after["six"] == "1.17.0" and after["pyparsing"] == "3.1.2"
    r = heal("rollback", "--last", "--yes", timeout=300)
    assert r.returncode == 0, r.stderr
    assert _installed(py) == before_pkgs
    assert {k: v for k, v in tree(project).items() if not k.startswith(".venv")} == \
        {k: v for k, v in before_tree.items() if not k.startswith(".venv")}


@pytest.mark.skipif(not any(os.access(os.path.join(d, "npm"), os.X_OK) for d in os.environ["PATH"].split(":")),
                    reason="npm is not installed")
def test_npm_install_then_rollback(heal, heal_env, project):
    manifest = b'{\n  "name": "demo",\n  "version": "1.0.0",\n  "private": true\n}\n'
    with open(os.path.join(project, "package.json"), "wb") as fh:
        fh.write(manifest)
    before = tree(project)
    j = Journal(heal_env["HEAL_HOME"])
    with j.changeset(cwd=project, root=project, command=["node", "index.js"]) as cs:
        cs.apply(PackageChange("npm", ["npm", "install", "--no-audit", "--no-fund", "is-number@7.0.0"], cwd=project))
    assert os.path.isdir(os.path.join(project, "node_modules", "is-number"))
    with open(os.path.join(project, "package.json"), "rb") as fh:
        assert b"is-number" in fh.read()
    r = heal("rollback", "--last", "--yes", timeout=300)
    assert r.returncode == 0, r.stderr
    assert not os.path.exists(os.path.join(project, "node_modules", "is-number"))
    assert {k: v for k, v in tree(project).items() if not k.startswith("node_modules")} == before


@pytest.mark.parametrize("manager", ["yarn", "pnpm"])
def test_yarn_and_pnpm_installs_are_healed_and_rolled_back(heal, heal_env, project, manager):
    import shutil

    if not shutil.which(manager):
        pytest.skip(f"{manager} is not installed")
    with open(os.path.join(project, "package.json"), "w") as fh:
        fh.write('{\n  "name": "demo",\n  "version": "1.0.0",\n  "private": true\n}\n')
    # the same environment heal runs with: pnpm keeps its store under XDG_DATA_HOME
    subprocess.run([manager, "install", "--silent"], cwd=project, check=True, capture_output=True, env=heal_env)
    with open(os.path.join(project, "index.js"), "w") as fh:
        fh.write("console.log(require('is-number')(7));\n")
    before = tree(project)
    r = heal("--yes", "--", "node", "index.js", timeout=300)
    assert r.returncode == 0, r.stderr
    assert f"{manager} add is-number".encode() in r.stderr
    r = heal("rollback", "--last", "--yes", timeout=300)
    assert r.returncode == 0, r.stderr
    assert not os.path.exists(os.path.join(project, "node_modules", "is-number"))
    assert {k: v for k, v in tree(project).items() if not k.startswith("node_modules")} == \
        {k: v for k, v in before.items() if not k.startswith("node_modules")}


@pytest.fixture(scope="module")
def bun_bin(tmp_path_factory):
    """bun from the npm registry (its platform binary comes as an optional dependency): its bin directory, built
    once and kept across runs (tests/toolcache.py)."""
    try:
        return str(toolcache.npm_tool("bun", "bun", tmp_path_factory.mktemp("buntools")))
    except (RuntimeError, OSError):
        pytest.skip("bun could not be installed from the npm registry here")


def test_bun_project_gets_bun_add_and_rollback_removes_it(heal, heal_env, project, bun_bin, tmp_path):
    env = dict(heal_env, PATH=bun_bin + os.pathsep + heal_env["PATH"], BUN_INSTALL_CACHE_DIR=str(tmp_path / "bc"))
    with open(os.path.join(project, "package.json"), "w") as fh:
        fh.write('{\n  "name": "demo",\n  "version": "1.0.0",\n  "private": true\n}\n')
    # a project that already uses bun: it has a bun.lock (a bun that cannot reach the registry here, e.g.
    # without the machine's CA bundle, retries for minutes: bounded, and then this test has nothing to say)
    try:
        subprocess.run(["bun", "add", "left-pad@1.3.0"], cwd=project, check=True, capture_output=True, env=env,
                       timeout=120)
    except (subprocess.TimeoutExpired, subprocess.CalledProcessError) as exc:
        pytest.skip(f"bun cannot install from the registry here: {type(exc).__name__}")
    assert os.path.exists(os.path.join(project, "bun.lock"))
    with open(os.path.join(project, "index.js"), "w") as fh:
        fh.write("console.log(require('is-number')(7));\n")
    before = tree(project)
    r = heal("--yes", "--", "node", "index.js", env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert b"bun add is-number" in r.stderr and b"true" in r.stdout
    r = heal("rollback", "--last", "--yes", env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert not os.path.exists(os.path.join(project, "node_modules", "is-number"))
    assert os.path.exists(os.path.join(project, "node_modules", "left-pad"))
    assert {k: v for k, v in tree(project).items() if not k.startswith("node_modules")} == \
        {k: v for k, v in before.items() if not k.startswith("node_modules")}


# --- rollback undoes exactly what its change set did (reliability finding F2, real-world friction 3) -------

def _venv(template: str, project: str) -> str:
    venv = os.path.join(project, ".venv")
    subprocess.run(["cp", "-a", template, venv], check=True)
    return os.path.join(venv, "bin", "python")


def _script(project: str, name: str, module: str) -> None:
    with open(os.path.join(project, name), "w") as fh:
        fh.write(f"import {module}\n")


def _healed(heal, py: str, script: str) -> str:
    """Run a script whose import is missing through heal; the id of the change set that installed it."""
    r = heal("--yes", "--", py, script, timeout=300)
    assert r.returncode == 0, r.stderr
    return json.loads(heal("log", "--json").stdout)["change_sets"][0]["id"]


def test_pip_rollbacks_out_of_order_undo_only_their_own_packages(heal, project, venv_template):
    py = _venv(venv_template, project)
    _script(project, "a.py", "six")
    _script(project, "b.py", "attr")
    before = _installed(py)
    a = _healed(heal, py, "a.py")
    b = _healed(heal, py, "b.py")
    assert {"six", "attrs"} <= set(_installed(py))
    r = heal("rollback", a, "--yes", timeout=300)  # the older one first
    assert r.returncode == 0, r.stderr
    assert b"remove six" in r.stdout and b"attrs" not in r.stdout
    assert set(_installed(py)) - set(before) == {"attrs"}
    r = heal("rollback", b, "--yes", timeout=300)
    assert r.returncode == 0, r.stderr
    assert _installed(py) == before  # six is not put back: b did not replace it


def test_a_users_own_install_since_is_a_conflict_and_never_removed(heal, project, venv_template):
    py = _venv(venv_template, project)
    _script(project, "y.py", "yaml")
    _healed(heal, py, "y.py")
    subprocess.run([py, "-m", "pip", "install", "-q", "six"], check=True)  # the user's own
    installed = _installed(py)
    r = heal("rollback", "--last", "--yes", timeout=300)
    assert r.returncode == 1 and b"six" in r.stderr and b"installed since" in r.stderr, r.stderr
    assert _installed(py) == installed
    r = heal("rollback", "--last", "--yes", "--force", timeout=300)
    assert r.returncode == 0, r.stderr
    now = _installed(py)
    assert "pyyaml" not in now and now.get("six") == installed["six"]


def test_a_package_installed_since_that_needs_one_heal_added_is_named(heal, project, venv_template):
    py = _venv(venv_template, project)
    _script(project, "a.py", "six")
    _healed(heal, py, "a.py")
    subprocess.run([py, "-m", "pip", "install", "-q", "ecdsa"], check=True)  # requires six
    r = heal("rollback", "--last", "--yes", timeout=300)
    assert r.returncode == 1, r.stderr
    assert b"ecdsa" in r.stderr and b"requires six" in r.stderr


def _npm_project(project: str) -> bytes:
    manifest = b'{\n  "name": "demo",\n  "version": "1.0.0",\n  "private": true\n}\n'
    with open(os.path.join(project, "package.json"), "wb") as fh:
        fh.write(manifest)
    return manifest


def _npm_install(j: Journal, project: str, package: str) -> str:
    with j.changeset(cwd=project, root=project, command=["node", "index.js"]) as cs:
        cs.apply(PackageChange("npm", ["npm", "install", "--no-audit", "--no-fund", package], cwd=project))
    return cs.id


needs_npm = pytest.mark.skipif(not any(os.access(os.path.join(d, "npm"), os.X_OK)
                                       for d in os.environ["PATH"].split(":")), reason="npm is not installed")


@needs_npm
def test_npm_rollbacks_out_of_order_take_out_only_their_own_entries(heal, heal_env, project):
    _npm_project(project)
    before = tree(project)
    j = Journal(heal_env["HEAL_HOME"])
    a = _npm_install(j, project, "is-number@7.0.0")
    b = _npm_install(j, project, "left-pad@1.3.0")
    r = heal("rollback", a, "--yes", timeout=300)
    assert r.returncode == 0, r.stderr
    modules = os.path.join(project, "node_modules")
    assert not os.path.exists(os.path.join(modules, "is-number")) and os.path.isdir(os.path.join(modules, "left-pad"))
    manifest = json.loads(open(os.path.join(project, "package.json")).read())
    assert manifest["dependencies"] == {"left-pad": "^1.3.0"}  # b's entry kept, a's taken out
    lock = json.loads(open(os.path.join(project, "package-lock.json")).read())
    assert "node_modules/is-number" not in lock["packages"] and "node_modules/left-pad" in lock["packages"]
    r = heal("rollback", b, "--yes", timeout=300)
    assert r.returncode == 0, r.stderr
    assert not os.path.exists(os.path.join(modules, "left-pad"))
    assert {k: v for k, v in tree(project).items() if not k.startswith("node_modules")} == before


@needs_npm
def test_npm_no_save_install_since_is_a_conflict_and_survives_force(heal, heal_env, project):
    _npm_project(project)
    before = tree(project)
    _npm_install(Journal(heal_env["HEAL_HOME"]), project, "is-number@7.0.0")
    subprocess.run(["npm", "install", "--no-save", "--no-audit", "--no-fund", "left-pad@1.3.0"], cwd=project,
                   check=True, capture_output=True)
    r = heal("rollback", "--last", "--yes", timeout=300)
    assert r.returncode == 1 and b"left-pad 1.3.0 was installed since" in r.stderr, r.stderr
    r = heal("rollback", "--last", "--yes", "--force", timeout=300)
    assert r.returncode == 0, r.stderr
    modules = os.path.join(project, "node_modules")
    assert not os.path.exists(os.path.join(modules, "is-number"))
    assert os.path.isdir(os.path.join(modules, "left-pad"))  # npm's own uninstall would have pruned it
    assert {k: v for k, v in tree(project).items() if not k.startswith("node_modules")} == before
    # and npm itself still sees a sound tree
    r = subprocess.run(["npm", "ls", "--json"], cwd=project, capture_output=True, text=True)
    assert "is-number" not in r.stdout and "left-pad" in r.stdout


def test_egg_info_an_editable_install_rewrites_is_restored(heal, heal_env, project, venv_template):
    py = _venv(venv_template, project)
    os.makedirs(os.path.join(project, "src", "demo"))
    os.makedirs(os.path.join(project, "src", "demo.egg-info"))
    files = {"pyproject.toml": '[build-system]\nrequires = ["setuptools>=61"]\n'
                               'build-backend = "setuptools.build_meta"\n[project]\nname = "demo"\nversion = "1.0"\n'
                               '[tool.setuptools.packages.find]\nwhere = ["src"]\n',
             "src/demo/__init__.py": "X = 1\n",
             # shipped in the sdist, stale: `pip install -e .` rewrites it
             "src/demo.egg-info/PKG-INFO": "Metadata-Version: 2.1\nName: demo\nVersion: 0.9\n"}
    for rel, text in files.items():
        with open(os.path.join(project, rel), "w") as fh:
            fh.write(text)
    before, before_pkgs = tree(project), _installed(py)
    j = Journal(heal_env["HEAL_HOME"])
    with j.changeset(cwd=project, root=project, command=[py, "-m", "pytest"]) as cs:
        cs.apply(PackageChange("pip", [py, "-m", "pip", "install", "-q", "-e", "."], cwd=project, python=py))
    assert "demo" in _installed(py)
    assert open(os.path.join(project, "src/demo.egg-info/PKG-INFO")).read() != files["src/demo.egg-info/PKG-INFO"]
    r = heal("rollback", "--last", "--yes", timeout=300)
    assert r.returncode == 0, r.stderr
    assert _installed(py) == before_pkgs
    assert {k: v for k, v in tree(project).items() if not k.startswith(".venv")} == \
        {k: v for k, v in before.items() if not k.startswith(".venv")}
