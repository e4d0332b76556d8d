"""heal.declared on real projects: sdists downloaded from PyPI with pip (and a package from npm), cached
under ~/.cache/heal-tests (HEAL_TEST_CACHE overrides), skipped when the registry cannot be reached.
Every expected answer was checked by reading the project's own files."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile

import pytest

from heal import declared
from heal.declared import (PROJECT, expand, find, find_node, install_project, is_project_module, node_declarations,
                           node_sync, python_declarations)

# imported under other names: pytest would collect a module-level function called test_*
env_argv, groups_of = declared.test_environment, declared.test_groups

CACHE = os.environ.get("HEAL_TEST_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "heal-tests")
LINUX_311 = {"platform_system": "Linux", "sys_platform": "linux", "python_version": "3.11",
             "python_full_version": "3.11.7", "implementation_name": "cpython",
             "platform_python_implementation": "CPython", "os_name": "posix"}
PIP = ["python", "-m", "pip", "install"]


def _cached(cache: str, name: str, version: str) -> str | None:
    want = re.sub(r"[-_.]+", "_", f"{name}-{version}".lower())
    for entry in sorted(os.listdir(cache)):
        if entry.endswith(".tar.gz") and re.sub(r"[-_.]+", "_", entry[: -len(".tar.gz")].lower()) == want:
            return os.path.join(cache, entry)
    return None


def _download(name: str, version: str) -> str:
    cache = os.path.join(CACHE, "sdists")
    os.makedirs(cache, exist_ok=True)
    found = _cached(cache, name, version)
    if found:
        return found
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
    try:
        proc = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                               f"{name}=={version}", "-d", cache], capture_output=True, text=True, timeout=600,
                              env=env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"cannot download {name}=={version}: {exc}")
    found = _cached(cache, name, version)
    if proc.returncode != 0 or found is None:
        pytest.skip(f"cannot download {name}=={version} (offline?): {proc.stderr.strip().splitlines()[-1:]}")
    return found


@pytest.fixture(scope="module")
def sdist(tmp_path_factory):
    made: dict[tuple[str, str], str] = {}

    def get(name: str, version: str) -> str:
        key = (name, version)
        if key not in made:
            archive = _download(name, version)
            dest = tmp_path_factory.mktemp(f"{name}-{version}")
            with tarfile.open(archive) as tf:
                tf.extractall(dest, filter="data") if hasattr(tarfile, "data_filter") else tf.extractall(dest)
            (top,) = [p for p in os.listdir(dest)]
            made[key] = os.path.join(dest, top)
        return made[key]

    return get


def _where(decls, name):
    return [(d.file, d.group, d.kind, d.requirement) for d in find(decls, name)]


def test_requests_requirements_dev_installs_the_project_with_socks(sdist):
    decls = python_declarations(sdist("requests", "2.32.3"), environment=LINUX_311)
    assert decls.name == "requests"  # setup.py computes it; the sdist's PKG-INFO says it
    assert decls.packages == ("requests",) and decls.manager == "pip"
    main = decls.group("main", "dependencies")
    assert main.file == "setup.py"  # `install_requires=requires`, a variable bound to a literal list
    assert sorted(d.name for d in main.requirements) == ["certifi", "charset-normalizer", "idna", "urllib3"]
    dev = decls.group("requirements", "requirements-dev.txt")
    assert dev.kind == "dev" and dev.installs_project and dev.project_extras == ("socks",)
    assert ("requirements-dev.txt", "requirements-dev.txt", "dev", "pytest<9,>=2.8.0") in _where(decls, "pytest")
    assert _where(decls, "pytest-httpbin")[0][3] == "pytest-httpbin==2.0.0"
    assert [d.requirement for d in decls.group("extra", "socks").requirements] == ["PySocks!=1.5.7,>=1.5.6"]
    # requirements-dev.txt has `-e .[socks]`: the file alone is the whole test environment
    assert env_argv(decls) == PIP + ["-r", "requirements-dev.txt"]
    assert install_project(decls) == PIP + ["-e", "."]
    assert find(decls, "requests")[0].source == PROJECT


def test_attrs_tests_extra_and_its_self_references(sdist):
    decls = python_declarations(sdist("attrs", "23.2.0"), environment=LINUX_311)
    assert decls.name == "attrs" and decls.packages == ("attr", "attrs")  # [tool.hatch.build.targets.wheel]
    assert env_argv(decls) == PIP + ["-e", ".[tests]"]
    # declared in the extras, not in heal's import map: found by the distribution name or the import name
    assert [(d.group, d.kind) for d in find(decls, "pympler")] == [("tests-no-zope", "test")]
    assert [d.group for d in find(decls, "zope.interface")] == ["tests", "docs"]
    assert [d.group for d in find(decls, "zope")] == ["tests", "docs"]  # `No module named 'zope'`
    assert find(decls, "attr")[0].source == PROJECT
    assert decls.group("extra", "tests").includes == ("tests-no-zope",)  # "attrs[tests-no-zope]"
    names = {d.name for d in expand(decls, decls.group("extra", "tests"))}
    assert {"hypothesis", "pympler", "zope-interface", "pytest", "mypy", "pytest-mypy-plugins"} <= names
    mypy = next(d for d in find(decls, "mypy"))
    # packaging spells the marker's old name python_implementation as platform_python_implementation
    assert mypy.marker == 'platform_python_implementation == "CPython" and python_version >= "3.8"'
    assert mypy.applies
    assert decls.group("tox", "testenv").project_extras == ("tests",)  # `extras = tests: tests`
    assert is_project_module(decls, "attr._compat") and not is_project_module(decls, "hypothesis")


def test_click_pinned_requirements_tests_txt(sdist):
    decls = python_declarations(sdist("click", "8.1.7"), environment=LINUX_311)
    assert decls.name == "click" and decls.packages == ("click",)  # setup.cfg packages = find: where = src
    assert _where(decls, "pytest") == [("requirements/tests.txt", "requirements/tests.txt", "test", "pytest==7.4.0")]
    # requirements/tests.txt does not install click itself; tox does: so -e . goes with it
    assert env_argv(decls) == PIP + ["-r", "requirements/tests.txt", "-e", "."]
    dev = decls.group("requirements", "requirements/dev.txt")
    assert dev.kind == "dev" and set(dev.includes) == {"requirements/docs.txt", "requirements/tests.txt",
                                                       "requirements/typing.txt"}
    main = {d.name: d for d in decls.group("main", "dependencies").requirements}
    assert main["colorama"].marker == 'platform_system == "Windows"' and not main["colorama"].applies
    assert not main["importlib-metadata"].applies  # python_version < "3.8"
    assert decls.group("tox", "testenv").includes == ("requirements/tests.txt",)


def test_dateutil_requirements_dev_used_by_tox(sdist):
    decls = python_declarations(sdist("python-dateutil", "2.9.0.post0"), environment=LINUX_311)
    assert decls.name == "python-dateutil" and decls.packages == ("dateutil",)
    assert env_argv(decls) == PIP + ["-r", "requirements-dev.txt", "-e", "."]
    dev = {d.name: d for d in decls.group("requirements", "requirements-dev.txt").requirements}
    assert dev["mock"].marker == 'python_version < "3.0"' and not dev["mock"].applies
    assert dev["pytest"].applies and dev["freezegun"].applies
    assert [d.requirement for d in decls.group("main", "dependencies").requirements] == ["six>=1.5"]  # setup.cfg
    assert "requirements-dev.txt" in decls.group("tox", "testenv").includes


def test_tqdm_tox_deps_hold_the_pytest_plugins(sdist):
    decls = python_declarations(sdist("tqdm", "4.66.4"), environment=LINUX_311)
    assert decls.name == "tqdm" and decls.packages == ("tqdm",)
    assert env_argv(decls) == PIP + ["-e", ".[dev]"]
    # pytest-asyncio (addopts --asyncio-mode=strict) is only in tox.ini, through {[core]deps}
    assert {(f, g, k) for f, g, k, _ in _where(decls, "pytest-asyncio")} >= {("tox.ini", "testenv", "test")}
    testenv = decls.group("tox", "testenv")
    assert [n.reason for n in testenv.unsafe] == ["vcs"]  # git+https://...nbval
    tensorflow = find(decls, "tensorflow")[0]
    assert tensorflow.condition == "tf" and not tensorflow.applies  # `tf: tensorflow!=2.5.0`


def test_rich_poetry_groups(sdist):
    decls = python_declarations(sdist("rich", "13.7.1"), environment={**LINUX_311, "python_version": "3.8",
                                                                      "python_full_version": "3.8.18"})
    assert decls.manager == "poetry" and decls.name == "rich" and decls.packages == ("rich",)
    assert env_argv(decls) == ["poetry", "install", "--with", "dev"]
    assert install_project(decls) == ["poetry", "install"]
    # without poetry: the legacy dev-dependencies as PEP 440 (^7.0.0 is >=7.0.0,<8.0.0), with the project
    argv = env_argv(decls, "pip", python=".venv/bin/python")
    assert argv[:6] == [".venv/bin/python", "-m", "pip", "install", "-e", "."]
    assert "pytest<8.0.0,>=7.0.0" in argv and "mypy<0.972,>=0.971" in argv
    assert _where(decls, "markdown_it") == [("pyproject.toml", None, "runtime", "markdown-it-py>=2.2.0")]
    typing_ext = find(decls, "typing-extensions")[0]
    assert typing_ext.marker == 'python_version < "3.9"' and typing_ext.applies  # for a 3.8 target
    assert [d.name for d in decls.group("extra", "jupyter").requirements] == ["ipywidgets"]


def test_httpx_declares_no_env_argv(sdist):
    decls = python_declarations(sdist("httpx", "0.27.0"), environment=LINUX_311)
    assert decls.name == "httpx" and decls.packages == ("httpx",) and decls.manager == "pip"
    assert env_argv(decls) is None  # the sdist ships no requirements file, test extra or group
    assert install_project(decls) == PIP + ["-e", "."]
    assert find(decls, "trio") == []
    assert _where(decls, "h2") == [("pyproject.toml", "http2", "other", "h2<5,>=3")]


def test_flask_setup_py_only(sdist):
    decls = python_declarations(sdist("Flask", "1.1.4"), environment=LINUX_311)
    assert decls.name == "flask" and decls.packages == ("flask",)  # find_packages("src")
    main = decls.group("main", "dependencies")
    assert main.file == "setup.py" and [d.name for d in main.requirements] == ["werkzeug", "jinja2", "itsdangerous",
                                                                               "click"]
    assert [d.name for d in decls.group("extra", "dev").requirements][:2] == ["pytest", "coverage"]
    assert env_argv(decls) == PIP + ["-e", ".[dev]"]  # what its CONTRIBUTING.rst says
    assert decls.group("tox", "testenv").unsafe == ()  # `devel: https://...` lines are factor-conditional
    assert find(decls, "werkzeug")[0].line == 56  # `"Werkzeug >= 0.15, < 2.0",` in setup.py


def test_pluggy_setup_cfg_only(sdist):
    decls = python_declarations(sdist("pluggy", "1.0.0"), environment=LINUX_311)
    assert decls.name == "pluggy" and decls.packages == ("pluggy",)
    assert "setup.cfg" in decls.files and decls.group("extra", "testing").file == "setup.cfg"
    assert env_argv(decls) == PIP + ["-e", ".[testing]"]
    (meta,) = decls.group("main", "dependencies").requirements
    assert meta.name == "importlib-metadata" and not meta.applies  # ;python_version<"3.8"


def test_structlog_pep735_groups(sdist):
    decls = python_declarations(sdist("structlog", "25.4.0"), environment=LINUX_311)
    assert decls.group("group", "dev").includes == ("tests", "typing")  # {include-group = ...}
    assert {d.name for d in expand(decls, decls.group("group", "dev"))} >= {"pytest", "pytest-asyncio", "mypy"}
    assert env_argv(decls, pip_version="25.1") == PIP + ["-e", ".", "--group", "tests"]
    assert env_argv(decls, pip_version="24.3.1") == PIP + ["-e", ".", "freezegun>=0.2.8", "pretend",
                                                                   "pytest-asyncio>=0.17", "pytest>=6.0",
                                                                   "simplejson"]
    assert env_argv(decls, "uv") == ["uv", "sync", "--group", "tests"]
    assert decls.group("tox", "testenv").includes == ("group:tests",)  # tox `dependency_groups = tests: tests`
    assert [g.name for g in groups_of(decls)] == ["tests"]


def test_minimist_package_json(tmp_path):
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed")
    cache = os.path.join(CACHE, "npm")
    os.makedirs(cache, exist_ok=True)
    archive = os.path.join(cache, "minimist-1.2.8.tgz")
    if not os.path.exists(archive):
        proc = subprocess.run(["npm", "pack", "minimist@1.2.8", "--pack-destination", cache], capture_output=True,
                              text=True, timeout=300)
        if proc.returncode != 0 or not os.path.exists(archive):
            pytest.skip(f"cannot npm pack minimist (offline?): {proc.stderr.strip()[-200:]}")
    with tarfile.open(archive) as tf:
        tf.extractall(tmp_path, filter="data") if hasattr(tarfile, "data_filter") else tf.extractall(tmp_path)
    decls = node_declarations(str(tmp_path / "package"))
    assert decls.name == "minimist" and decls.manager == "npm" and not decls.installed
    assert [(d.name, d.section) for d in find_node(decls, "tape")] == [("tape", "devDependencies")]
    assert find_node(decls, "eslint")[0].spec == "=8.8.0"
    assert decls.scripts["tests-only"] == "nyc tape 'test/**/*.js'"
    assert node_sync(decls) == ["npm", "install"]  # no lockfile in the tarball
