"""python_edit plans, from commands really run here: a syntax error, a NameError a missing import explains, a
standard-library API the interpreter no longer has; each only in a project file heal may edit, and never for a
genuine test failure."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys

import pytest

from heal.fixes import python_edit
from heal.repair.pysearch import compiles

PY = sys.executable


def _python(version: str) -> str | None:
    """The real interpreter of that version (a pyenv shim resolved, pyenv's versions looked in), or None."""
    found = [shutil.which(f"python{version}"),
             *sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python{version}")))]
    for exe in filter(None, found):
        r = subprocess.run([exe, "-c", "import sys; print(sys.executable)"], capture_output=True, text=True)
        if r.returncode == 0 and r.stdout.strip():
            return r.stdout.strip()
    return None


PY311, PY312, PY313 = _python("3.11"), _python("3.12"), _python("3.13")


def _write(root, rel: str, text: str | bytes):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def _plan(kind: str, ctx):
    return python_edit.plan({"action": "python_edit", "kind": kind}, ctx, "test-playbook", "medium")


def _new(fix) -> str:
    assert fix is not None and fix.action == "python_edit" and fix.change is not None
    return fix.change.data.decode()


# --- syntax ---------------------------------------------------------------------------------------------------

# (id, files, argv, the file repaired, what its repaired text must hold)
SYNTAX = [
    ("imported-module-missing-colon", {"app.py": "import util\nprint(util.f(2))\n",
                                       "util.py": '"""util"""\n\ndef f(x)\n    return x * 2\n'},
     [PY, "app.py"], "util.py", "def f(x):\n"),
    ("script-itself", {"app.py": "if True\n    print(1)\n"}, [PY, "app.py"], "app.py", "if True:\n"),
    ("py_compile", {"src/report.py": "total = sum([1, 2\nprint(total)\n"},
     [PY, "-m", "py_compile", "src/report.py"], "src/report.py", "sum([1, 2])"),
    ("indentation", {"app.py": "def f():\nreturn 1\nprint(f())\n"}, [PY, "app.py"], "app.py", "    return 1"),
    ("tab-error", {"app.py": "def f():\n    x = 1\n\treturn x\nprint(f())\n"}, [PY, "app.py"], "app.py",
     "    return x"),
    ("print-statement", {"app.py": 'print "hello"\n'}, [PY, "app.py"], "app.py", 'print("hello")'),
    ("asyncio-async", {"app.py": "import asyncio\n\nasync def f():\n    return 1\n\n"
                                 "fut = asyncio.async(f())\n"}, [PY, "app.py"], "app.py", "asyncio.ensure_future"),
    ("pytest-collection", {"test_parse.py": "def test_a()\n    assert True\n"},
     [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_parse.py"], "test_parse.py", "def test_a():"),
    ("pytest-conftest-import", {"src/pkg/__init__.py": "", "src/pkg/core.py": "def double(x)\n    return 2 * x\n",
                                "tests/conftest.py": "import os, sys\nsys.path.insert(0, os.path.join("
                                                     "os.path.dirname(__file__), '..', 'src'))\nimport pkg.core\n",
                                "tests/test_core.py": "def test_a():\n    assert True\n"},
     [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider"], "src/pkg/core.py", "def double(x):"),
    ("unittest-loader", {"test_m.py": "import unittest\nclass T(unittest.TestCase)\n    def test_a(self): pass\n"},
     [PY, "-m", "unittest", "test_m"], "test_m.py", "class T(unittest.TestCase):"),
]


@pytest.mark.parametrize("files, argv, target, expect", [r[1:] for r in SYNTAX], ids=[r[0] for r in SYNTAX])
def test_a_syntax_error_in_a_project_file_is_repaired(tmp_path, ran, files, argv, target, expect):
    for rel, text in files.items():
        _write(tmp_path, rel, text)
    ctx = ran(argv)
    assert ctx.diagnosis.category == "syntax", ctx.diagnosis
    fix = _plan("syntax", ctx)
    assert fix.change.path == str(tmp_path / target)
    new = _new(fix)
    assert expect in new and compiles(new.encode())
    assert fix.description.startswith(f"repair {target}")
    assert fix.preview.startswith(f"--- a/{target}\n+++ b/{target}\n") and "\n+" in fix.preview
    assert (tmp_path / target).read_text() == files[target]  # planning changes nothing


def test_the_repair_keeps_every_other_byte(tmp_path, ran):
    src = b"# -*- coding: latin-1 -*-\r\nname = '\xe9t\xe9'\r\ndef f(x)\r\n    return x\r\n\r\nf(name)\r\n"
    _write(tmp_path, "app.py", src)
    fix = _plan("syntax", ran([PY, "app.py"]))
    assert fix.change.data == src.replace(b"def f(x)\r\n", b"def f(x):\r\n")


def test_an_ambiguous_repair_is_a_suggestion_listing_the_candidates(tmp_path, ran):
    _write(tmp_path, "app.py", "import amb\n")
    _write(tmp_path, "amb.py", "a = 1\nprint(a \\n)\n")
    fix = _plan("syntax", ran([PY, "app.py"]))
    assert fix.action == "suggest" and fix.advice and fix.change is None
    assert fix.description.startswith("amb.py:2: SyntaxError")
    assert "2 repairs are equally good" in fix.description and "(1) " in fix.description and "(2) " in fix.description


def test_the_interpreter_that_failed_judges(tmp_path, ran):
    """The repair is compiled by the Python that ran the command (here another version than heal's), and a file
    that Python accepts is not broken, whatever heal's own Python thinks of it."""
    other = next((p for p in (PY312, PY313) if p), None)
    if other is None:
        pytest.skip("needs python3.12 or python3.13")
    _write(tmp_path, "app.py", "def f(x)\n    return x\n")
    ctx = ran([other, "app.py"])
    assert python_edit._interpreter(ctx) == other
    fix = _plan("syntax", ctx)
    assert subprocess.run([other, "-c", "import sys; compile(sys.stdin.read(), 'x', 'exec')"],
                          input=fix.change.data).returncode == 0
    fstring = b"d = {'a': 1}\nprint(f'{d['a']}')\n"  # quotes reused in an f-string: valid from 3.12 on
    _write(tmp_path, "app.py", fstring)
    if sys.version_info < (3, 12):
        assert not compiles(fstring)  # heal's own Python rejects it...
    assert _plan("syntax", ctx) is None  # ...but the one that ran the command accepts it: nothing to repair


def test_a_file_that_compiles_now_is_left_alone(tmp_path, ran):
    _write(tmp_path, "app.py", "def f(x)\n    return x\n")
    ctx = ran([PY, "app.py"])
    _write(tmp_path, "app.py", "def f(x):\n    return x\n")  # the user fixed it meanwhile
    assert _plan("syntax", ctx) is None


@pytest.mark.parametrize("argv, files", [
    ([PY, "-c", "def f(\n"], {}),  # <string>: no file
    ([PY, "notes.txt"], {"notes.txt": "Some notes, not code.\n"}),  # not a Python file
    ([PY, "data.json"], {"data.json": '{"a": 1 "b": 2}\n'}),
], ids=["string", "text-file", "json-run-as-python"])
def test_no_python_file_no_edit(tmp_path, ran, argv, files):
    for rel, text in files.items():
        _write(tmp_path, rel, text)
    ctx = ran(argv)
    assert ctx.diagnosis.category == "syntax"
    assert _plan("syntax", ctx) is None


def test_nothing_in_a_virtualenv_site_packages_or_node_modules(tmp_path, ran):
    venv = tmp_path / ".venv"
    _write(tmp_path, ".venv/pyvenv.cfg", "home = /usr/bin\n")
    _write(tmp_path, ".venv/lib/python3/site-packages/vlib.py", "def f(x)\n    return x\n")
    _write(tmp_path, "node_modules/pkg/nlib.py", "def f(x)\n    return x\n")
    _write(tmp_path, "v.py", f"import sys\nsys.path[:0] = [{str(venv / 'lib/python3/site-packages')!r}, "
                             f"{str(tmp_path / 'node_modules/pkg')!r}]\nimport vlib\n")
    _write(tmp_path, "n.py", f"import sys\nsys.path[:0] = [{str(tmp_path / 'node_modules/pkg')!r}]\nimport nlib\n")
    for script in ("v.py", "n.py"):
        ctx = ran([PY, script])
        assert ctx.diagnosis.category == "syntax" and "lib.py" in str(ctx.diagnosis.facts["file"])
        assert _plan("syntax", ctx) is None


def test_nothing_outside_the_project_or_in_a_hard_linked_file(tmp_path, ran):
    project = tmp_path / "project"
    outside = _write(tmp_path, "elsewhere/olib.py", "def f(x)\n    return x\n")
    _write(project, "app.py", f"import sys\nsys.path.insert(0, {str(outside.parent)!r})\nimport olib\n")
    assert _plan("syntax", ran([PY, "app.py"], cwd=str(project))) is None
    linked = _write(project, "hl.py", "def g(\n")
    os.link(linked, tmp_path / "hl-elsewhere.py")
    _write(project, "h.py", "import hl\n")
    ctx = ran([PY, "h.py"], cwd=str(project))
    assert ctx.diagnosis.facts["file"].endswith("hl.py")
    assert _plan("syntax", ctx) is None


# --- NameError: a missing import ----------------------------------------------------------------------------

def test_a_stdlib_module_is_imported_after_the_docstring_and_future_imports(tmp_path, ran):
    _write(tmp_path, "app.py", '"""Tool."""\nfrom __future__ import annotations\n\n\ndef main():\n'
                               "    return os.getcwd()\n\n\nprint(main())\n")
    fix = _plan("missing-import", ran([PY, "app.py"]))
    assert _new(fix).startswith('"""Tool."""\nfrom __future__ import annotations\nimport os\n')
    assert fix.description == "add `import os` to app.py (NameError: name 'os' is not defined)"


@pytest.mark.parametrize("files, use, expect", [
    ({}, "Path('.')", "from pathlib import Path\n"),  # a well-known standard-library name
    ({"other.py": "from mypkg.util import helper\n"}, "helper()", "from mypkg.util import helper\n"),
    ({"other.py": "import numpy as np\n"}, "np.zeros(1)", "import numpy as np\n"),  # the project's own alias
], ids=["stdlib-name", "project-import", "alias-the-project-uses"])
def test_names_the_project_already_knows(tmp_path, ran, files, use, expect):
    for rel, text in files.items():
        _write(tmp_path, rel, text)
    _write(tmp_path, "app.py", f"x = {use}\n")
    assert _new(_plan("missing-import", ran([PY, "app.py"]))).startswith(expect)


@pytest.mark.parametrize("files, use", [
    ({}, "np.zeros(1)"),  # np, but the project never imports numpy: heal does not guess
    ({}, "frobnicate()"),  # nobody knows what it is
    ({"a.py": "from x import helper\n", "b.py": "from y import helper\n"}, "helper()"),  # two meanings
    ({}, "log.warning('x')"),
], ids=["alias-unknown-here", "unknown-name", "ambiguous-name", "a-variable"])
def test_names_heal_does_not_know_are_left_alone(tmp_path, ran, files, use):
    for rel, text in files.items():
        _write(tmp_path, rel, text)
    _write(tmp_path, "app.py", f"x = {use}\n")
    ctx = ran([PY, "app.py"])
    assert ctx.diagnosis.facts["exception"] == "NameError"
    assert _plan("missing-import", ctx) is None


def test_a_name_missing_in_a_library_is_not_fixed_in_the_caller(tmp_path, ran):
    """The innermost frame raised it: app.py (the project's frame the diagnosis blames) is not where `os` is
    missing, so adding `import os` there would fix nothing."""
    project = tmp_path / "project"
    lib = _write(tmp_path, "env/lib/python3/site-packages/lib.py", "def cwd():\n    return os.getcwd()\n")
    _write(project, "app.py", f"import sys\nsys.path.insert(0, {str(lib.parent)!r})\nimport lib\nlib.cwd()\n")
    ctx = ran([PY, "app.py"], cwd=str(project))
    assert ctx.diagnosis.facts["file"].endswith("app.py")
    assert _plan("missing-import", ctx) is None


def test_a_name_error_in_a_test_is_a_code_error(tmp_path, ran):
    _write(tmp_path, "tests/test_a.py", "def test_a():\n    assert os.sep\n")
    ctx = ran([PY, "-m", "pytest", "-q", "-p", "no:cacheprovider"])
    assert ctx.diagnosis.rule == "pytest.failed" and ctx.diagnosis.category == "test"
    fix = _plan("missing-import", ctx)
    assert fix.change.path == str(tmp_path / "tests" / "test_a.py") and _new(fix).startswith("import os\n")


def test_a_name_error_in_code_a_test_calls_is_fixed_where_it_was_raised(tmp_path, ran):
    _write(tmp_path, "mod.py", "def cwd():\n    return os.getcwd()\n")
    _write(tmp_path, "test_mod.py", "import mod\n\ndef test_a():\n    assert mod.cwd()\n")
    for tb in ("long", "short", "native"):
        ctx = ran([PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--tb={tb}"])
        fix = _plan("missing-import", ctx)
        assert fix is not None, tb
        assert fix.change.path == str(tmp_path / "mod.py") and _new(fix).startswith("import os\n"), tb


@pytest.mark.parametrize("test", [
    "def test_a():\n    assert 1 == 2\n",
    "def test_a():\n    assert \"NameError: name 'os' is not defined\" == ''\n",  # the words, not the exception
    "def test_a():\n    raise ValueError(\"NameError: name 'os' is not defined\")\n",
], ids=["assertion", "assertion-quoting-a-name-error", "another-exception-quoting-one"])
def test_a_genuine_test_failure_plans_nothing(tmp_path, ran, test):
    _write(tmp_path, "test_a.py", test)
    ctx = ran([PY, "-m", "pytest", "-q", "-p", "no:cacheprovider"])
    assert ctx.diagnosis.category == "test"
    for kind in python_edit.KINDS:
        assert _plan(kind, ctx) is None, kind


# --- moved standard-library APIs -----------------------------------------------------------------------------

MOVED = [
    ("collections-Mapping", "from collections import Mapping\nprint(Mapping)\n", PY,
     "from collections.abc import Mapping\n"),
    ("time-clock", "import time\nprint(time.clock())\n", PY, "print(time.perf_counter())"),
    ("inspect-getargspec", "import inspect\n\ndef f(a, b=1):\n    pass\n\nprint(inspect.getargspec(f).args)\n", PY,
     "inspect.getfullargspec(f).args"),
    ("base64-encodestring", "import base64\nprint(base64.encodestring(b'x'))\n", PY, "base64.encodebytes(b'x')"),
    ("cgi-escape", "import cgi\nprint(cgi.escape('<a>'))\n", PY, "html.escape('<a>', quote=False)"),
]


@pytest.mark.parametrize("code, python, expect", [r[1:] for r in MOVED], ids=[r[0] for r in MOVED])
def test_a_moved_stdlib_api_is_rewritten(tmp_path, ran, code, python, expect):
    _write(tmp_path, "app.py", code)
    fix = _plan("moved-api", ran([python, "app.py"]))
    assert expect in _new(fix)
    assert fix.description.startswith("repair app.py: ")


def test_a_moved_api_through_pytest_conftest(tmp_path, ran):
    _write(tmp_path, "src/textkit/__init__.py", "")
    _write(tmp_path, "src/textkit/core.py", "from collections import Mapping\n")
    _write(tmp_path, "tests/conftest.py", "import os, sys\nsys.path.insert(0, os.path.join(os.path.dirname(__file__),"
                                          " '..', 'src'))\nimport textkit.core\n")
    _write(tmp_path, "tests/test_a.py", "def test_a():\n    pass\n")
    ctx = ran([PY, "-m", "pytest", "-q", "-p", "no:cacheprovider"])
    fix = _plan("moved-api", ctx)
    assert fix.change.path == str(tmp_path / "src" / "textkit" / "core.py")
    assert _new(fix) == "from collections.abc import Mapping\n"


def test_an_unsafe_rewrite_is_a_suggestion(tmp_path, ran):
    _write(tmp_path, "app.py", "import inspect\n\ndef f(a):\n    pass\n\nargs, va, kw, d = inspect.getargspec(f)\n")
    fix = _plan("moved-api", ran([PY, "app.py"]))
    assert fix.action == "suggest" and "getfullargspec returns 7 fields" in fix.description


def test_a_library_calling_a_moved_api_is_not_the_projects_to_change(tmp_path, ran):
    project = tmp_path / "project"
    lib = _write(tmp_path, "env/lib/python3/site-packages/oldlib.py", "import time\ndef now():\n    return time.clock()\n")
    _write(project, "app.py", f"import sys\nsys.path.insert(0, {str(lib.parent)!r})\nimport oldlib\noldlib.now()\n")
    assert _plan("moved-api", ran([PY, "app.py"], cwd=str(project))) is None


def test_an_attribute_error_heal_knows_no_move_for(tmp_path, ran):
    _write(tmp_path, "random.py", "x = 1\n")  # shadows the standard library's random
    _write(tmp_path, "game.py", "import random\nprint(random.randint(1, 2))\n")
    assert _plan("moved-api", ran([PY, "game.py"])) is None


def test_logging_warn(tmp_path, ran):
    # a Python without logging.warn (3.13 deprecates it; removed later): its own message, made here by removing it
    _write(tmp_path, "app.py", "import logging\ndel logging.warn\nlogging.warn('careful')\n")
    fix = _plan("moved-api", ran([PY, "app.py"]))
    assert "logging.warning('careful')" in _new(fix)


@pytest.mark.skipif(not PY313, reason="needs python3.13 (unittest's old aliases went in 3.12)")
def test_unittest_aliases_in_a_test_are_code_errors(tmp_path, ran):
    _write(tmp_path, "test_a.py", "import unittest\n\n\nclass T(unittest.TestCase):\n    def test_a(self):\n"
                                  "        self.assertEquals(1, 1)\n")
    ctx = ran([PY313, "-m", "unittest", "test_a"])
    assert ctx.diagnosis.rule == "unittest.failed"
    assert "self.assertEqual(1, 1)" in _new(_plan("moved-api", ctx))


@pytest.mark.skipif(not PY313, reason="needs python3.12+ (imp and distutils went in 3.12)")
def test_modules_that_went(tmp_path, ran):
    _write(tmp_path, "i.py", "import imp\nimport os\nimp.reload(os)\n")
    assert "importlib.reload(os)" in _new(_plan("moved-api", ran([PY313, "i.py"])))
    _write(tmp_path, "d.py", "from distutils.core import setup\n")
    fix = _plan("moved-api", ran([PY313, "d.py"]))
    assert fix.action == "suggest" and fix.change is None
    assert fix.description.startswith("d.py:1: distutils was removed in Python 3.12: use setuptools")


def test_unknown_kind_plans_nothing(tmp_path, ran):
    _write(tmp_path, "app.py", "if True\n    pass\n")
    assert python_edit.plan({"kind": "other"}, ran([PY, "app.py"]), "s", "low") is None
