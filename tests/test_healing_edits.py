"""The healing loop editing the project's own files, end to end with real tools in temp projects (python, pytest,
npm): a syntax error, a missing import, a moved standard-library API, a broken package.json / JSON / TOML config
are repaired through the journal, shown as a diff first, proved by the rerun and rolled back byte-exact; what heal
must not touch (an environment, a hard-linked file, an ambiguous repair, a genuine test failure) it does not."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import heal_argv
from test_journal import tree

PY = sys.executable
PYTEST = [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider"]


def _write(project: str, rel: str, data: bytes | str) -> str:
    path = os.path.join(project, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data.encode() if isinstance(data, str) else data)
    return path


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def _log(heal) -> list[dict]:
    return json.loads(heal("log", "--json").stdout)["change_sets"]


@pytest.fixture
def repo(project):
    subprocess.run(["git", "init", "-q", project], check=True)
    return project


def test_a_syntax_error_in_an_imported_module_is_healed_and_rolled_back_byte_exact(heal, repo):
    _write(repo, "app.py", "import util\nprint(util.f(2))\n")
    broken = b'"""util"""\r\n\r\ndef f(x)\r\n    return x * 2\r\n'  # CRLF: only the broken line changes
    util = _write(repo, "util.py", broken)
    r = heal("--yes", "--", PY, "app.py")
    assert r.returncode == 0 and r.stdout.endswith(b"4\n")
    err = r.stderr.decode()
    assert "repair util.py (SyntaxError: expected ':'" in err and "healed" in err
    assert err.index("+def f(x):") < err.index("done; running again")  # the diff, before it is applied
    assert _read(util) == broken.replace(b"def f(x)\r\n", b"def f(x):\r\n")
    (entry,) = _log(heal)
    assert entry["changes"] == ["edited util.py"]
    assert heal("rollback", "--last", "--yes").returncode == 0
    assert _read(util) == broken


def test_through_pytest_and_a_conftest_import(heal, repo):
    _write(repo, "src/pkg/__init__.py", "")
    _write(repo, "src/pkg/core.py", "def double(x)\n    return x * 2\n")
    _write(repo, "tests/conftest.py", "import os, sys\nsys.path.insert(0, os.path.join(os.path.dirname(__file__), "
                                      "'..', 'src'))\nfrom pkg.core import double\n")
    _write(repo, "tests/test_core.py", "from pkg.core import double\n\n\ndef test_double():\n    assert double(2) == 4\n")
    r = heal("--yes", "--", *PYTEST)
    assert r.returncode == 0, r.stderr.decode()
    assert b"1 passed" in r.stdout and b"repair src/pkg/core.py" in r.stderr


def test_a_missing_import_is_added_after_the_docstring_and_future_imports(heal, repo):
    src = '"""Tool."""\nfrom __future__ import annotations\n\n\ndef main():\n    return os.sep\n\n\nprint(main())\n'
    app = _write(repo, "app.py", src)
    r = heal("--yes", "--", PY, "app.py")
    assert r.returncode == 0 and r.stdout == os.sep.encode() + b"\n"
    assert _read(app).decode() == src.replace("annotations\n", "annotations\nimport os\n")
    assert b"add `import os` to app.py" in r.stderr
    heal("rollback", "--last", "--yes")
    assert _read(app).decode() == src


def test_two_moved_apis_of_one_file_are_two_edits_of_one_change_set(heal, repo):
    src = "from collections import Mapping\nimport time\nprint(isinstance({}, Mapping), time.clock() > 0)\n"
    app = _write(repo, "app.py", src)
    r = heal("--yes", "--", PY, "app.py")
    assert r.returncode == 0 and r.stdout == b"True True\n"
    assert _read(app) == (b"from collections.abc import Mapping\nimport time\n"
                          b"print(isinstance({}, Mapping), time.perf_counter() > 0)\n")
    (entry,) = _log(heal)
    assert entry["changes"] == ["edited app.py", "edited app.py"]
    heal("rollback", "--last", "--yes")
    assert _read(app).decode() == src


@pytest.mark.skipif(not shutil.which("npm"), reason="needs npm")
def test_a_broken_package_json_heals_npm_test(heal, repo):
    broken = ('{\n  "name": "x",\n  "version": "1.0.0",\n  "scripts": {\n'
              '    "test": "node -e \\"console.log(42)\\""\n  },\n}\n').encode()
    pkg = _write(repo, "package.json", broken)
    r = heal("--yes", "--", "npm", "test")
    assert r.returncode == 0 and b"42" in r.stdout
    assert b"repair package.json" in r.stderr and json.loads(_read(pkg))["name"] == "x"
    heal("rollback", "--last", "--yes")
    assert _read(pkg) == broken


def test_a_json_config_read_by_python(heal, repo):
    _write(repo, "config/app.json", '{\n  "debug": true,\n  "port": 80,\n}\n')
    _write(repo, "app.py", 'import json\nwith open("config/app.json") as fh:\n    print(json.load(fh)["port"])\n')
    r = heal("--yes", "--", PY, "app.py")
    assert r.returncode == 0 and r.stdout == b"80\n"
    assert b"remove a trailing comma" in r.stderr


def test_a_pyproject_toml_pytest_cannot_read(heal, repo):
    _write(repo, "pyproject.toml", '[tool.pytest.ini_options]\naddopts = "-q\n')
    _write(repo, "test_a.py", "def test_a():\n    pass\n")
    r = heal("--yes", "--", *PYTEST)
    assert r.returncode == 0, r.stderr.decode()
    assert _read(os.path.join(repo, "pyproject.toml")) == b'[tool.pytest.ini_options]\naddopts = "-q"\n'


def test_an_ambiguous_repair_is_only_suggested_even_with_yes(heal, repo):
    _write(repo, "app.py", "import amb\n")
    _write(repo, "amb.py", "a = 1\nprint(a \\n)\n")
    before = tree(repo)
    r = heal("--yes", "--", PY, "app.py")
    assert r.returncode == 1
    assert b"suggestion: amb.py:2: SyntaxError" in r.stderr and b"2 repairs are equally good" in r.stderr
    assert tree(repo) == before and _log(heal) == []


def test_files_heal_may_not_edit_are_left_byte_identical(heal, repo, tmp_path):
    _write(repo, ".venv/pyvenv.cfg", "home = /usr/bin\n")
    _write(repo, ".venv/lib/python3/site-packages/vlib.py", "def f(x)\n    return x\n")
    _write(repo, "v.py", "import sys\nsys.path.insert(0, '.venv/lib/python3/site-packages')\nimport vlib\n")
    linked = _write(repo, "hl.py", "def g(\n")
    os.link(linked, tmp_path / "elsewhere.py")
    _write(repo, "h.py", "import hl\n")
    before = tree(repo)
    for script in ("v.py", "h.py"):
        r = heal("--yes", "--", PY, script)
        assert r.returncode == 1 and b"SyntaxError" in r.stderr and b"healed" not in r.stderr
    assert tree(repo) == before and _log(heal) == []


def test_a_genuine_test_failure_is_never_edited(heal, heal_env, repo):
    _write(repo, "test_a.py", "import os\n\n\ndef test_a():\n    assert os.sep == 'NameError'\n")
    before = tree(repo)
    # pytest's own bytecode of the test file is the command's doing, not heal's: not written, whatever the
    # environment the suite runs in says
    r = heal("--yes", "--", *PYTEST, env={**heal_env, "PYTHONDONTWRITEBYTECODE": "1"})
    assert r.returncode == 1 and b"AssertionError" in r.stdout
    assert tree(repo) == before and _log(heal) == []


def test_without_yes_off_a_terminal_it_is_a_suggestion(heal, repo):
    app = _write(repo, "app.py", "if True\n    print(1)\n")
    r = heal("--", PY, "app.py")
    assert r.returncode == 1
    assert b"suggestion: repair app.py" in r.stderr and b"--yes" in r.stderr
    assert b"+if True:\n" in r.stderr  # what the yes would change
    assert _read(app) == b"if True\n    print(1)\n" and _log(heal) == []


def test_dry_run_shows_the_diff_and_changes_nothing(heal, repo):
    app = _write(repo, "app.py", "if True\n    print(1)\n")
    r = heal("--yes", "--dry-run", "--", PY, "app.py")
    assert r.returncode == 1
    err = r.stderr.decode()
    assert "would repair app.py" in err and "-if True\n" in err and "+if True:\n" in err
    assert _read(app) == b"if True\n    print(1)\n" and _log(heal) == []


def test_json_presenter_carries_the_diff(heal, heal_env, repo):
    _write(repo, "app.py", "if True\n    print(1)\n")
    r = heal("--yes", "--", PY, "app.py", env={**heal_env, "HEAL_UI": "json"})
    events = [json.loads(line) for line in r.stderr.decode().splitlines() if line.startswith('{"heal"')]
    (applying,) = [e for e in events if e["heal"] == "applying"]
    assert applying["fix"]["action"] == "python_edit" and "+if True:" in applying["diff"]


def test_on_a_terminal_the_diff_comes_before_the_question(heal_env, repo):
    pexpect = pytest.importorskip("pexpect")
    app = _write(repo, "app.py", "if True\n    print('ran')\n")
    cmd = heal_argv()
    for answer, healed in (("n", False), ("y", True)):
        child = pexpect.spawn(cmd[0], [*cmd[1:], "--", PY, "app.py"], cwd=repo, env=heal_env, timeout=60)
        child.expect_exact("+if True:")
        child.expect_exact("[y/N]")
        child.sendline(answer)
        child.expect(pexpect.EOF)
        child.close()
        assert (child.exitstatus == 0) is healed
        assert (_read(app) == b"if True:\n    print('ran')\n") is healed


def test_a_file_edited_while_heal_asks_is_not_overwritten(heal, heal_env, repo):
    pexpect = pytest.importorskip("pexpect")
    app = _write(repo, "app.py", "if True\n    print('ran')\n")
    cmd = heal_argv()
    child = pexpect.spawn(cmd[0], [*cmd[1:], "--", PY, "app.py"], cwd=repo, env=heal_env, timeout=60)
    child.expect_exact("[y/N]")
    _write(repo, "app.py", "if True:  # fixed by hand\n    print('ran')\n")
    child.sendline("y")
    child.expect_exact("changed since heal planned the edit: not applied")
    child.expect(pexpect.EOF)
    child.close()
    assert _read(app) == b"if True:  # fixed by hand\n    print('ran')\n"
    assert [c["changes"] for c in _log(heal)] in ([], [[]])  # nothing was written
