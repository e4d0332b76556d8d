"""heal.declared on small synthetic projects: each format's edge cases (markers, includes, cycles,
self-references, computed setup.py values, malformed files -> notes, never a crash)."""

from __future__ import annotations

import json
import os
import textwrap

import pytest

from heal import declared
from heal.declared import (PROJECT, expand, find, find_node, install_project, is_project_module, node_declarations,
                           node_sync, python_declarations)
from heal.declared.model import classify
from heal.declared.sources import poetry_specifier

env_argv = declared.test_environment  # not test_*: pytest would collect it
LINUX_311 = {"platform_system": "Linux", "sys_platform": "linux", "python_version": "3.11",
             "python_full_version": "3.11.7"}
PIP = ["python", "-m", "pip", "install"]


def write(root, files: dict[str, str]) -> str:
    for rel, text in files.items():
        path = os.path.join(str(root), rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as fh:
            fh.write(textwrap.dedent(text).lstrip("\n"))
    return str(root)


def notes(decls, reason: str) -> list[str]:
    return [n.text for n in decls.notes if n.reason == reason]


# --- requirements files ---------------------------------------------------------------------------

def test_requirements_includes_editables_and_options(tmp_path):
    root = write(tmp_path, {
        "setup.py": "from setuptools import setup\nsetup(name='demo', packages=['demo'])\n",
        "requirements-dev.txt": """
            -r requirements/base.txt
            --requirement=requirements/extra.txt  # long form
            -c constraints.txt
            -e .[socks,http2]
            pytest>=7 ; python_version >= "3.8"   # a marker
            oldlib ; python_version < "3.0"
            cov-plugin \\
                >=2.0
            hashed==1.0 --hash=sha256:abcd
            --index-url https://mirror.invalid/simple
            --extra-index-url https://extra.invalid/simple
            -f ./wheels
            -e git+https://example.invalid/x.git@main#egg=gitdep
            https://example.invalid/pkg-1.0.tar.gz
            named @ https://example.invalid/named-1.0.tar.gz
            ../sibling
            ${TOKEN_PKG}
            not a requirement !!
        """,
        "requirements/base.txt": "six\n",
        "requirements/extra.txt": "-r ../requirements/base.txt\nidna\n",
        "constraints.txt": "six<2\n",
    })
    decls = python_declarations(root, environment=LINUX_311)
    dev = decls.group("requirements", "requirements-dev.txt")
    assert dev.kind == "dev" and dev.installs_project and dev.project_extras == ("socks", "http2")
    assert set(dev.includes) == {"requirements/base.txt", "requirements/extra.txt"}
    reqs = {d.name: d for d in dev.requirements}
    assert reqs["pytest"].applies and not reqs["oldlib"].applies
    assert reqs["cov-plugin"].requirement == "cov-plugin>=2.0"  # a backslash continuation
    assert reqs["hashed"].requirement == "hashed==1.0"  # the per-requirement --hash is not the requirement
    assert reqs["gitdep"].requirement.startswith("gitdep @ git+https://")
    assert sorted(n.reason for n in dev.unsafe) == ["extra-index-url", "find-links", "index-url", "path", "url",
                                                    "url", "vcs"]
    assert notes(decls, "env-var") == ["${TOKEN_PKG}"]
    assert any("not a requirement" in t for t in notes(decls, "unparsable"))
    assert {d.name for d in expand(decls, dev)} >= {"six", "idna", "pytest"}
    assert env_argv(decls) == PIP + ["-r", "requirements-dev.txt"]  # `-e .[...]` is in it
    assert [g.name for g in declared.test_groups(decls)][0] == "requirements-dev.txt"


def test_requirements_cycle_and_missing_include_are_notes(tmp_path):
    root = write(tmp_path, {
        "requirements/tests.txt": "-r common.txt\npytest\n",
        "requirements/common.txt": "-r tests.txt\n-r gone.txt\nrequests\n",
    })
    decls = python_declarations(root)
    # files are read in name order: common.txt first, so the cycle closes back at common.txt
    assert notes(decls, "cycle") == ["requirements/common.txt -> requirements/tests.txt -> requirements/common.txt"]
    assert notes(decls, "include-missing") == ["requirements/gone.txt"]
    tests = decls.group("requirements", "requirements/tests.txt")
    assert {d.name for d in expand(decls, tests)} == {"pytest", "requests"}  # the cycle ends the walk
    assert env_argv(decls) == PIP + ["-r", "requirements/tests.txt"]  # nothing to install as the project


@pytest.mark.parametrize("rel, kind", [
    ("requirements.txt", "runtime"), ("requirements-dev.txt", "dev"), ("dev-requirements.txt", "dev"),
    ("requirements_test.txt", "test"), ("test-requirements.txt", "test"), ("requirements/tests.txt", "test"),
    ("requirements/docs.in", "docs"), ("tests/requirements.txt", "test"), ("docs/requirements.txt", "docs"),
    ("requirements/base.txt", "runtime"), ("requirements/typing.txt", "dev"), ("requirements/build.txt", "other"),
])
def test_requirements_file_kinds(tmp_path, rel, kind):
    decls = python_declarations(write(tmp_path, {rel: "six\n"}))
    assert decls.group("requirements", rel).kind == kind


@pytest.mark.parametrize("name, kind", [
    ("tests", "test"), ("testing", "test"), ("test-extras", "test"), ("tests-no-zope", "test"), ("cov", "test"),
    ("dev", "dev"), ("develop", "dev"), ("lint", "dev"), ("typing", "dev"), ("docs", "docs"), ("doc", "docs"),
    ("socks", "other"), ("use_chardet_on_py3", "other"), ("http2", "other"),
])
def test_group_names_classify(name, kind):
    assert classify(name) == kind


def test_the_target_environment_is_worked_out_only_for_a_marker(tmp_path):
    # planning passes another interpreter's environment as a callable (it starts that interpreter): a project
    # whose requirements hold no marker never calls it; one with markers calls it once, for all of them
    calls = []

    def linux() -> dict[str, str]:
        calls.append(1)
        return LINUX_311

    plain = write(tmp_path / "plain", {"requirements.txt": "six>=1\n"
                                                          "-e git+https://example.invalid/x.git#egg=gitdep\n"})
    assert [d.name for d in python_declarations(plain, environment=linux).items] == ["six", "gitdep"]
    assert calls == []
    marked = write(tmp_path / "marked", {"requirements.txt": 'six ; sys_platform == "linux"\n'
                                                            'old ; python_version < "3"\n'})
    decls = python_declarations(marked, environment=linux)
    assert calls == [1] and [d.applies for d in decls.items] == [True, False]
    assert decls == python_declarations(marked, environment=LINUX_311)


def test_declarations_are_records_that_behave_as_frozen_dataclasses(tmp_path):
    import dataclasses

    from heal.record import replace

    decls = python_declarations(write(tmp_path, {"requirements.txt": "six>=1\n"}), environment=LINUX_311)
    six = decls.items[0]
    assert not dataclasses.is_dataclass(six) and six == replace(six)
    assert hash(six) == hash(decls.groups[0].requirements[0])
    assert not replace(six, applies=False).applies and six.applies
    assert repr(six).startswith("Declaration(name='six', raw_name='six', requirement='six>=1', file='requirements.txt'")
    with pytest.raises(AttributeError):
        six.name = "other"  # type: ignore[misc]
    node = node_declarations(write(tmp_path, {"package.json": '{"scripts": {"test": "tape"}}'}))
    assert node.scripts == {"test": "tape"}
    assert node_declarations(write(tmp_path / "none", {"package.json": "{}"})).scripts == {}
    with pytest.raises(TypeError):
        hash(node)  # its scripts are a dict, as the frozen dataclass's were


# --- pyproject ------------------------------------------------------------------------------------

def test_pyproject_extras_groups_and_self_references(tmp_path):
    root = write(tmp_path, {
        "pyproject.toml": """
            [build-system]
            requires = ["hatchling"]
            build-backend = "hatchling.build"

            [project]
            name = "Demo_Pkg"
            dependencies = ["requests>=2", "tomli; python_version < '3.11'"]

            [project.optional-dependencies]
            tests = ["demo-pkg[fast]", "pytest"]
            fast = ["orjson"]

            [dependency-groups]
            test = ["coverage", {include-group = "lint"}]
            lint = ["ruff", {include-group = "test"}]
            docs = [{include-group = "nowhere"}, "sphinx"]
            odd = [42]
        """,
        "src/demo_pkg/__init__.py": "",
    })
    decls = python_declarations(root, environment=LINUX_311)
    assert decls.name == "demo-pkg" and decls.packages == ("demo_pkg",)
    main = {d.name: d for d in decls.group("main", "dependencies").requirements}
    assert main["requests"].line == 7 and not main["tomli"].applies
    assert decls.group("extra", "tests").includes == ("fast",)  # demo-pkg[fast]: the project's own extra
    assert {d.name for d in expand(decls, decls.group("extra", "tests"))} == {"pytest", "orjson"}
    assert {d.name for d in expand(decls, decls.group("group", "test"))} == {"coverage", "ruff"}  # a cycle
    assert any("nowhere" in t for t in notes(decls, "include-missing"))
    assert any("42" in t for t in notes(decls, "unparsable"))
    assert env_argv(decls) == PIP + ["-e", ".[tests]"]  # the extra before the group
    assert find(decls, "demo_pkg.sub")[0].source == PROJECT


def test_pyproject_malformed_is_a_note_and_other_files_still_count(tmp_path):
    root = write(tmp_path, {
        "pyproject.toml": '[project]\nname = "x"\ndependencies = ["a",\n',
        "requirements-test.txt": "pytest\n",
    })
    decls = python_declarations(root)
    (note,) = [n for n in decls.notes if n.reason == "malformed"]
    assert note.file == "pyproject.toml" and note.line is not None
    assert [d.name for d in find(decls, "pytest")] == ["pytest"]


def test_pyproject_dynamic_dependencies_from_a_file(tmp_path):
    root = write(tmp_path, {
        "pyproject.toml": """
            [project]
            name = "dyn"
            dynamic = ["dependencies", "optional-dependencies"]
            [tool.setuptools.dynamic]
            dependencies = {file = ["deps/runtime.txt"]}
            optional-dependencies.test = {file = ["deps/check.txt"]}
        """,
        "deps/runtime.txt": "click\n",
        "deps/check.txt": "pytest\n",
    })
    decls = python_declarations(root)
    assert decls.dynamic == ("dependencies", "optional-dependencies")
    assert decls.group("requirements", "deps/runtime.txt").kind == "runtime"
    assert decls.group("requirements", "deps/check.txt").kind == "test"


# --- poetry, pdm, uv, hatch, Pipfile --------------------------------------------------------------

@pytest.mark.parametrize("constraint, spec", [
    ("^1.2.3", ">=1.2.3,<2.0.0"), ("^0.2.3", ">=0.2.3,<0.3.0"), ("^0.0.3", ">=0.0.3,<0.0.4"), ("^2", ">=2,<3"),
    ("~1.2.3", ">=1.2.3,<1.3"), ("~1", ">=1,<2"), ("~=1.2", "~=1.2"), ("1.2.3", "==1.2.3"), ("*", ""),
    (">=1.0,<2.0", ">=1.0,<2.0"), (">= 1.0 < 2.0", ">=1.0,<2.0"), ("1.2.*", "==1.2.*"), ("^1.0 || ^2.0", None),
])
def test_poetry_constraints(constraint, spec):
    assert poetry_specifier(constraint) == spec


def test_poetry_groups_and_extras(tmp_path):
    root = write(tmp_path, {
        "pyproject.toml": """
            [tool.poetry]
            name = "poet"
            packages = [{include = "poet", from = "src"}]

            [tool.poetry.dependencies]
            python = "^3.9"
            requests = {version = "^2.31", extras = ["socks"]}
            legacy = {version = "^1.0", python = "<3.10"}
            uvloop = {version = "*", optional = true, markers = "sys_platform != 'win32'"}
            mine = {path = "../mine"}
            fork = {git = "https://example.invalid/fork.git"}

            [tool.poetry.extras]
            fast = ["uvloop"]

            [tool.poetry.group.test.dependencies]
            pytest = "^8.0"

            [tool.poetry.group.docs]
            optional = true
            [tool.poetry.group.docs.dependencies]
            sphinx = "*"
        """,
        "poetry.lock": "",
    })
    decls = python_declarations(root, environment=LINUX_311)
    assert decls.manager == "poetry" and "poetry.lock" in decls.evidence and decls.packages == ("poet",)
    main = {d.name: d for d in decls.group("main", "dependencies").requirements}
    assert main["requests"].requirement == "requests[socks]<3.0,>=2.31"
    assert main["legacy"].marker == 'python_version < "3.10"' and not main["legacy"].applies
    assert "git+https://example.invalid/fork.git" in main["fork"].requirement and notes(decls, "vcs")
    assert "uvloop" not in main and [d.name for d in decls.group("extra", "fast").requirements] == ["uvloop"]
    assert notes(decls, "path") == ["mine = {'path': '../mine'}"]
    assert decls.group("poetry", "docs").optional
    assert env_argv(decls) == ["poetry", "install", "--with", "test"]
    assert env_argv(decls, "pip") == PIP + ["-e", ".", "pytest<9.0,>=8.0"]


def test_pdm_uv_hatch_tables(tmp_path):
    root = write(tmp_path, {
        "pyproject.toml": """
            [project]
            name = "multi"
            [tool.pdm.dev-dependencies]
            test = ["pytest>=8", "-e file:///${PROJECT_ROOT}/sub"]
            [tool.uv]
            dev-dependencies = ["ruff"]
            [tool.uv.sources]
            lib = { git = "https://example.invalid/lib.git" }
            [tool.hatch.envs.default]
            dependencies = ["ipython"]
            [tool.hatch.envs.test]
            dependencies = ["pytest-cov"]
            features = ["fast"]
        """,
    })
    decls = python_declarations(root)
    assert decls.manager == "pdm"  # no lockfile: the first tool table that declares dependencies
    assert [d.name for d in decls.group("pdm", "test").requirements] == ["pytest"]
    assert notes(decls, "path") == ["-e file:///${PROJECT_ROOT}/sub"] and len(notes(decls, "vcs")) == 1
    assert [d.name for d in decls.group("uv", "dev").requirements] == ["ruff"]
    assert decls.group("hatch", "test").project_extras == ("fast",) and decls.group("hatch", "default").kind == "dev"
    assert env_argv(decls) == ["pdm", "install", "-G", "test"]
    assert env_argv(decls, "hatch") == ["hatch", "env", "create", "test"]
    assert env_argv(decls, "uv") == ["uv", "sync"]
    assert env_argv(decls, "pip") == PIP + ["-e", ".", "pytest>=8"]


@pytest.mark.parametrize("lock, manager", [("uv.lock", "uv"), ("poetry.lock", "poetry"), ("pdm.lock", "pdm"),
                                           ("Pipfile.lock", "pipenv"), (None, "pip")])
def test_manager_from_lockfiles(tmp_path, lock, manager):
    files = {"pyproject.toml": "[project]\nname = 'x'\n"}
    if lock:
        files[lock] = ""
    decls = python_declarations(write(tmp_path, files))
    assert decls.manager == manager
    if manager in ("uv", "poetry", "pdm"):
        assert install_project(decls) == [manager, "sync" if manager == "uv" else "install"]


def test_pipfile(tmp_path):
    root = write(tmp_path, {"Pipfile": """
        [[source]]
        url = "https://mirror.invalid/simple"
        name = "mirror"

        [packages]
        flask = "*"
        requests = {version = ">=2.0", extras = ["socks"]}
        local = {path = ".", editable = true}

        [dev-packages]
        pytest = "==8.0.0"
        [requires]
        python_version = "3.11"
    """})
    decls = python_declarations(root)
    assert decls.manager == "pipenv"
    assert [d.requirement for d in decls.group("pipenv", "packages").requirements] == ["flask", "requests[socks]>=2.0"]
    assert decls.group("pipenv", "dev-packages").kind == "dev"
    assert notes(decls, "index-url") == ["https://mirror.invalid/simple"] and len(notes(decls, "path")) == 1
    assert env_argv(decls) == ["pipenv", "install", "--dev"]


# --- setup.cfg and setup.py -----------------------------------------------------------------------

def test_setup_cfg(tmp_path):
    root = write(tmp_path, {"setup.cfg": """
        [metadata]
        name = cfgpkg
        [options]
        packages = find:
        package_dir =
            =lib
        install_requires =
            attrs>=20
            importlib-metadata; python_version<"3.8"
        tests_require = nose
        [options.packages.find]
        where = lib
        [options.extras_require]
        testing =
            pytest
            pytest-benchmark
    """, "lib/cfgpkg/__init__.py": "", "lib/helper.py": ""})
    decls = python_declarations(root, environment=LINUX_311)
    assert decls.name == "cfgpkg" and set(decls.packages) == {"cfgpkg", "helper"}
    assert [d.applies for d in decls.group("main", "dependencies").requirements] == [True, False]
    assert decls.group("tests_require", "tests_require").kind == "test"
    assert env_argv(decls) == PIP + ["-e", ".[testing]"]  # tests_require: nothing installs it any more


def test_setup_py_literals_variables_and_computed_values(tmp_path):
    root = write(tmp_path, {"setup.py": """
        import os
        from setuptools import setup, find_packages

        base = ["requests>=2"]
        base += ["idna"]
        extra_tests = ["pytest"] + ["hypothesis"]
        EXTRAS = dict(tests=extra_tests, docs=["sphinx"])
        meta = {"name": "pyproj"}

        if __name__ == "__main__":
            setup(
                version=open("VERSION").read(),
                install_requires=base,
                extras_require=EXTRAS,
                tests_require=[os.environ["X"]],
                packages=find_packages(where="src", exclude=["tests"]),
                **meta,
            )
    """, "src/pyproj/__init__.py": ""})
    decls = python_declarations(root)
    assert decls.name == "pyproj" and decls.packages == ("pyproj",)
    assert [d.name for d in decls.group("main", "dependencies").requirements] == ["requests", "idna"]
    assert [d.name for d in decls.group("extra", "tests").requirements] == ["pytest", "hypothesis"]
    assert notes(decls, "computed") == ["setup(tests_require=...) is computed: not read"]
    assert env_argv(decls) == PIP + ["-e", ".[tests]"]


@pytest.mark.parametrize("source", ["setup(install_requires=[\n", "setup(**make_kwargs())\n",
                                    "from setuptools import setup\nsetup(install_requires=get_deps())\n", ""])
def test_setup_py_that_cannot_be_read_is_a_note(tmp_path, source):
    decls = python_declarations(write(tmp_path, {"setup.py": source}))
    assert decls.group("main", "dependencies") is None
    if source:
        assert decls.notes and decls.notes[0].reason in ("malformed", "computed")


# --- tox ------------------------------------------------------------------------------------------

def test_tox_substitutions_factors_and_extras(tmp_path):
    root = write(tmp_path, {
        "setup.py": "from setuptools import setup\nsetup(name='toxy', py_modules=['toxy'])\n",
        "toxy.py": "",
        "tox.ini": """
            [tox]
            envlist = py3{10,11}, lint
            [base]
            deps =
                pytest
                pytest-asyncio
            [testenv]
            deps =
                {[base]deps}
                -r{toxinidir}/requirements/ci.txt
                tf: tensorflow
                git+https://example.invalid/nbval.git#egg=nbval
            extras =
                tests: fast
            [testenv:lint]
            skip_install = true
            deps = ruff
            [testenv:.pkg]
            deps = build
        """,
        "requirements/ci.txt": "coverage\n",
    })
    decls = python_declarations(root)
    testenv = decls.group("tox", "testenv")
    assert [d.name for d in testenv.requirements] == ["pytest", "pytest-asyncio", "tensorflow"]
    assert testenv.includes == ("requirements/ci.txt",) and testenv.project_extras == ("fast",)
    assert [n.reason for n in testenv.unsafe] == ["vcs"]
    assert not find(decls, "tensorflow")[0].applies and find(decls, "tensorflow")[0].condition == "tf"
    assert decls.group("tox", "testenv:lint").kind == "dev" and not decls.group("tox", "testenv:lint").installs_project
    assert decls.group("tox", "testenv:.pkg") is None
    assert decls.group("requirements", "requirements/ci.txt") is not None
    # requirements/ci.txt is named for nothing; tox's test env uses it: that file is the test environment
    assert env_argv(decls) == PIP + ["-r", "requirements/ci.txt", "-e", "."]


def test_tox_only_project(tmp_path):
    root = write(tmp_path, {
        "setup.cfg": "[metadata]\nname = t\n",
        "tox.ini": "[testenv]\ndeps =\n    pytest\n    mock ; python_version < '3.3'\nextras = full\n",
    })
    decls = python_declarations(root, environment=LINUX_311)
    assert env_argv(decls) == PIP + ["-e", ".[full]", "pytest"]  # the marker excludes mock here


def test_tox_malformed_is_a_note(tmp_path):
    decls = python_declarations(write(tmp_path, {"tox.ini": "[testenv\ndeps = pytest\n"}))
    assert [n.reason for n in decls.notes] == ["malformed"] and decls.groups == ()


# --- own modules and find() -----------------------------------------------------------------------

def test_project_modules(tmp_path):
    root = write(tmp_path, {
        "pyproject.toml": "[project]\nname = 'app'\n",
        "src/app/__init__.py": "",
        "tests/helpers/__init__.py": "",
        "scripts.py": "",
        "yaml/config.yml": "a: 1\n",  # a directory of data named like a module
        ".venv/pyvenv.cfg": "",
    })
    decls = python_declarations(root)
    assert decls.packages == ("app",)
    assert is_project_module(decls, "app.models")
    assert is_project_module(decls, "tests.helpers")  # a test helper package: make it importable, not install
    assert is_project_module(decls, "scripts")
    assert not is_project_module(decls, "yaml")  # no Python inside: PyYAML is what is missing
    assert not is_project_module(decls, "requests")


def test_find_by_import_name(tmp_path):
    root = write(tmp_path, {"requirements.txt": """
        PyYAML>=6
        python-dateutil
        zope.interface
        Pympler
        beautifulsoup4
        opencv-python-headless
    """})
    decls = python_declarations(root)
    assert [d.raw_name for d in find(decls, "yaml")] == ["PyYAML"]  # heal's curated import map
    assert [d.raw_name for d in find(decls, "dateutil.parser")] == ["python-dateutil"]  # python- prefix
    assert [d.raw_name for d in find(decls, "zope.interface.verify")] == ["zope.interface"]
    assert [d.raw_name for d in find(decls, "zope")] == ["zope.interface"]  # the namespace's top
    assert [d.raw_name for d in find(decls, "pympler")] == ["Pympler"]
    assert [d.raw_name for d in find(decls, "bs4")] == ["beautifulsoup4"]
    assert [d.raw_name for d in find(decls, "cv2")] == ["opencv-python-headless"]  # an ambiguous name, declared
    assert find(decls, "numpy") == [] and find(decls, "") == []
    assert [d.raw_name for d in find(decls, "PYYAML")] == ["PyYAML"]  # a distribution name, any spelling


# --- node -----------------------------------------------------------------------------------------

def test_node_declarations_and_sync(tmp_path):
    root = write(tmp_path, {"package.json": json.dumps({
        "name": "web", "packageManager": "pnpm@9.1.0+sha512.abc",
        "dependencies": {"express": "^4", "local": "file:../local"},
        "devDependencies": {"@types/node": "^20", "jest": "^29"},
        "peerDependencies": {"react": ">=17"}, "scripts": {"test": "jest"}, "workspaces": ["packages/*"]}),
        "pnpm-lock.yaml": "lockfileVersion: '9.0'\n"})
    decls = node_declarations(root)
    assert decls.manager == "pnpm" and decls.manager_version == "9.1.0"
    assert [(d.name, d.kind) for d in find_node(decls, "@types/node/fs")] == [("@types/node", "dev")]
    assert find_node(decls, "express/lib/router")[0].section == "dependencies"
    assert [n.reason for n in decls.notes] == ["path"] and decls.workspaces == ("packages/*",)
    assert node_sync(decls) == ["pnpm", "install", "--frozen-lockfile"]


@pytest.mark.parametrize("files, argv", [
    ({"package-lock.json": "{}"}, ["npm", "ci"]),
    ({}, ["npm", "install"]),
    ({"yarn.lock": "# yarn lockfile v1\n"}, ["yarn", "install", "--frozen-lockfile"]),
    ({"bun.lock": "{}"}, ["bun", "install", "--frozen-lockfile"]),
])
def test_node_sync_by_lockfile(tmp_path, files, argv):
    root = write(tmp_path, {"package.json": '{"name": "x"}', **files})
    assert node_sync(node_declarations(root)) == argv


def test_node_malformed_package_json(tmp_path):
    root = write(tmp_path, {"package.json": '{"name": "x",\n  "dependencies": {"a": "1"},\n}\n',
                            "yarn.lock": ""})
    decls = node_declarations(root)
    assert decls.manager == "yarn" and decls.dependencies == ()
    assert decls.notes[0].reason == "malformed" and decls.notes[0].line == 3
    assert node_declarations(str(tmp_path / "nowhere")) is None


def test_requirement_files_are_found_as_glob_finds_them(tmp_path):
    # python_declarations lists requirement files without glob's imports; what it finds is glob's answer
    import glob

    from heal.declared.python import _REQUIREMENT_GLOBS, _glob

    for rel in ("requirements.txt", "dev-requirements.txt", ".requirements-x.txt", "requirements/base.txt",
                "requirements/.hidden.txt", "tests/requirements-test.txt", "REQUIREMENTS.TXT", "requirements/sub/x.txt",
                "docs/requirements.in"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")
    for pattern in _REQUIREMENT_GLOBS:
        assert _glob(str(tmp_path), pattern) == sorted(glob.glob(os.path.join(str(tmp_path), pattern))), pattern
