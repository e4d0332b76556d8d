"""json_edit plans, from commands really run here (npm, node, python, pytest): the JSON or TOML file the failure
names is repaired when the fix is unambiguous and small; otherwise heal says where, and changes nothing."""

from __future__ import annotations

import json
import os
import shutil
import sys

import pytest

from heal.fixes import json_edit
from heal.fsutil import toml_module

PY = sys.executable
NPM = shutil.which("npm")
NODE = shutil.which("node")
needs_npm = pytest.mark.skipif(not NPM or not NODE, reason="needs npm and node")

PACKAGE = '{\n  "name": "x",\n  "version": "1.0.0",\n  "scripts": {\n    "test": "node -e \\"console.log(42)\\""\n  },\n}\n'
READS_CONFIG = 'import json\nwith open("config/app.json") as fh:\n    print(json.load(fh))\n'


def _write(root, rel: str, text: str):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode())
    return path


def _plan(kind: str, ctx):
    return json_edit.plan({"action": "json_edit", "kind": kind}, ctx, "test-playbook", "medium")


def _parses(data: bytes) -> object:
    return json.loads(data)


@needs_npm
def test_npm_package_json_with_a_trailing_comma(tmp_path, ran):
    _write(tmp_path, "package.json", PACKAGE)
    ctx = ran([NPM, "test"])
    assert ctx.diagnosis.facts.get("error_code") == "EJSONPARSE"
    fix = _plan("json", ctx)
    assert fix.action == "json_edit" and fix.change.path == str(tmp_path / "package.json")
    assert _parses(fix.change.data)["scripts"]["test"]
    assert fix.change.data == PACKAGE.replace("  },\n}", "  }\n}").encode()  # one comma, nothing else
    assert fix.description.startswith("repair package.json (") and "remove a trailing comma" in fix.description
    assert "-  },\n+  }\n" in fix.preview


@needs_npm
def test_npm_in_a_subdirectory_reads_the_nearest_package_json(tmp_path, ran):
    _write(tmp_path, "package.json", PACKAGE)
    (tmp_path / "src").mkdir()
    ctx = ran([NPM, "test"], cwd=str(tmp_path / "src"), root=str(tmp_path))
    assert _plan("json", ctx).change.path == str(tmp_path / "package.json")


@needs_npm
def test_node_require_of_a_json_file(tmp_path, ran):
    _write(tmp_path, "data.json", "{'a': 1, b: [1, 2,]}\n")  # single quotes, an unquoted key, a trailing comma
    ctx = ran([NODE, "-e", "console.log(require('./data.json'))"])
    assert ctx.diagnosis.facts.get("file") == str(tmp_path / "data.json")
    fix = _plan("json", ctx)
    assert _parses(fix.change.data) == {"a": 1, "b": [1, 2]}


@pytest.mark.parametrize("code", [
    'import json\nprint(json.load(open("config/app.json")))\n',  # the traceback shows the file
    READS_CONFIG,  # it shows json.load(fh); the open() is two lines above
], ids=["open-in-the-line", "with-open-above"])
def test_a_json_config_python_opened(tmp_path, ran, code):
    _write(tmp_path, "config/app.json", '{\n  "debug": true\n  "port": 80\n}\n')  # a missing comma
    _write(tmp_path, "app.py", code)
    ctx = ran([PY, "app.py"])
    fix = _plan("json", ctx)
    assert fix.change.path == str(tmp_path / "config" / "app.json")
    assert fix.change.data == b'{\n  "debug": true,\n  "port": 80\n}\n'


def test_a_file_opened_above_must_break_exactly_where_the_parser_said(tmp_path, ran):
    _write(tmp_path, "config/app.json", '{\n  "debug": true\n  "port": 80\n}\n')
    _write(tmp_path, "config/other.json", '{"a": 1,}\n')  # broken too, but elsewhere
    _write(tmp_path, "app.py", 'import json\nOTHER = "config/other.json"\nwith open("config/app.json") as fh:\n'
                               '    print(json.load(fh))\n')
    assert _plan("json", ran([PY, "app.py"])).change.path == str(tmp_path / "config" / "app.json")
    _write(tmp_path, "config/app.json", '{"b": 2,}\n')  # now both break at line 1 column 9: which one was read?
    _write(tmp_path, "app.py", 'import json\nOTHER = "config/other.json"\nwith open("config/app.json") as fh:\n'
                               '    print(json.load(fh))\n')
    ctx = ran([PY, "app.py"])
    assert _plan("json", ctx) is None


def test_comments_in_strict_json_are_removed(tmp_path, ran):
    _write(tmp_path, "config/app.json", '{\n  // the port\n  "port": 80\n}\n')
    _write(tmp_path, "app.py", READS_CONFIG)
    assert _parses(_plan("json", ran([PY, "app.py"])).change.data) == {"port": 80}


def test_a_jsonc_file_keeps_its_comments(tmp_path, ran):
    """tsconfig.json is JSON with comments: a strict reader choking on its comments is the reader's problem."""
    _write(tmp_path, "tsconfig.json", '{\n  // strict mode\n  "strict": true\n}\n')
    _write(tmp_path, "app.py", 'import json\nprint(json.load(open("tsconfig.json")))\n')
    ctx = ran([PY, "app.py"])
    assert ctx.diagnosis.facts["file"] == "tsconfig.json"
    assert _plan("json", ctx) is None


def test_the_file_must_be_the_one_that_failed(tmp_path, ran):
    """The reader said line 3; the file heal finds now breaks elsewhere (it was edited since): not the same file
    or bytes, nothing planned."""
    _write(tmp_path, "config/app.json", '{\n  "a": 1,\n}\n')
    _write(tmp_path, "app.py", READS_CONFIG)
    ctx = ran([PY, "app.py"])
    _write(tmp_path, "config/app.json", '{\n  "a": 1,\n  "b": 2,\n  "c": [1,, 2]\n}\n')
    assert _plan("json", ctx) is None


def test_json_from_somewhere_unnamed_is_not_a_file_to_repair(tmp_path, ran):
    _write(tmp_path, "app.py", 'import json\ntext = "{\\"a\\": 1,}"\nprint(json.loads(text))\n')
    ctx = ran([PY, "app.py"])
    assert ctx.diagnosis.facts["exception"] == "JSONDecodeError"
    assert _plan("json", ctx) is None


def test_a_json_file_heal_cannot_repair_is_named_with_its_position(tmp_path, ran):
    _write(tmp_path, "config/app.json", '{\n  "a": [1, 2\n')  # cut off
    _write(tmp_path, "app.py", READS_CONFIG)
    fix = _plan("json", ran([PY, "app.py"]))
    assert fix.action == "suggest" and fix.change is None
    assert fix.description.startswith("config/app.json:3:") and "fix it by hand" in fix.description


@needs_npm
def test_nothing_in_node_modules(tmp_path, ran):
    _write(tmp_path, "package.json", '{"name": "x", "version": "1.0.0"}\n')
    _write(tmp_path, "node_modules/dep/package.json", '{"name": "dep", "main": "index.js",}\n')
    _write(tmp_path, "node_modules/dep/index.js", "module.exports = 1;\n")
    ctx = ran([NODE, "-e", "require('dep')"])
    assert str(ctx.diagnosis.facts.get("file", "")).endswith("node_modules/dep/package.json")
    assert _plan("json", ctx) is None


def test_nothing_in_a_hard_linked_file(tmp_path, ran):
    project = tmp_path / "project"
    cfg = _write(project, "config/app.json", '{"a": 1,}\n')
    os.link(cfg, tmp_path / "shared.json")
    _write(project, "app.py", READS_CONFIG)
    assert _plan("json", ran([PY, "app.py"], cwd=str(project))) is None


# --- TOML ---------------------------------------------------------------------------------------------------

PYPROJECT = '[project]\nname = "x"\nversion = "0.1"\n\n[tool.pytest.ini_options]\naddopts = "-q\n'


def test_pytest_reading_a_pyproject_toml_with_an_open_string(tmp_path, ran):
    _write(tmp_path, "pyproject.toml", PYPROJECT)
    ctx = ran([PY, "-m", "pytest", "-p", "no:cacheprovider"])
    assert ctx.diagnosis.rule == "python.config_file_syntax"
    fix = _plan("toml", ctx)
    assert fix.change.data == PYPROJECT.replace('"-q\n', '"-q"\n').encode()
    toml_module().loads(fix.change.data.decode())


def test_a_toml_config_python_read(tmp_path, ran):
    _write(tmp_path, "settings.toml", 'title = "x"\nports = [80, 443\n')
    _write(tmp_path, "app.py", 'import tomllib\nwith open("settings.toml", "rb") as fh:\n    print(tomllib.load(fh))\n')
    ctx = ran([PY, "app.py"])
    assert _plan("toml", ctx).change.data == b'title = "x"\nports = [80, 443]\n'


def test_toml_heal_cannot_repair_is_a_suggestion_naming_line_and_column(tmp_path, ran):
    _write(tmp_path, "pyproject.toml", '[tool.pytest.ini_options]\naddopts = -q\n')  # unquoted: which quote?
    ctx = ran([PY, "-m", "pytest", "-p", "no:cacheprovider"])
    fix = _plan("toml", ctx)
    assert fix.action == "suggest" and fix.change is None
    assert fix.description.startswith("pyproject.toml:2:11: ")


def test_the_kind_must_match_the_file(tmp_path, ran):
    _write(tmp_path, "settings.toml", 'ports = [80, 443\n')
    _write(tmp_path, "app.py", 'import tomllib\nwith open("settings.toml", "rb") as fh:\n    print(tomllib.load(fh))\n')
    ctx = ran([PY, "app.py"])
    assert _plan("json", ctx) is None and _plan("other", ctx) is None


# --- a checker that names the file (pre-commit-hooks' check-json / check-toml, captured here, 6.0.0) ---------

def test_a_checker_naming_a_json_file(tmp_path):
    from .planning import context

    _write(tmp_path, "config/app.json", '{\n  "a": 1,\n}\n')
    out = ("config/app.json: Failed to json decode (Expecting property name enclosed in double quotes: line 3 column 1 "
           "(char 12))\n")
    ctx = context(out, ["check-json", "config/app.json"], 1, str(tmp_path))
    assert ctx.diagnosis.rule == "syntax.json_file"
    assert _plan("json", ctx).change.data == b'{\n  "a": 1\n}\n'


def test_a_checker_naming_a_toml_file(tmp_path):
    from .planning import context

    _write(tmp_path, "pyproject.toml", '[tool.x]\nname = "abc\n')
    ctx = context("pyproject.toml: Illegal character '\\n' (at line 2, column 12)\n", ["check-toml", "pyproject.toml"],
                  1, str(tmp_path))
    assert _plan("toml", ctx).change.data == b'[tool.x]\nname = "abc"\n'


def test_a_pre_commit_hook_names_the_file_in_its_own_facts(tmp_path):
    """Through pre-commit the hook's diagnosis is nested: its file is the `hook_file` fact. The output is
    pre-commit 4.7.0's, captured here running pre-commit-hooks 6.0.0's check-json as a local system hook."""
    from .planning import context

    _write(tmp_path, "config/app.json", '{\n  "a": 1,\n}\n')
    out = ("check json...............................................................Failed\n- hook id: check-json\n"
           "- exit code: 1\n\nconfig/app.json: Failed to json decode (Expecting property name enclosed in double "
           "quotes: line 3 column 1 (char 12))\n\n")
    ctx = context(out, ["pre-commit", "run", "--all-files"], 1, str(tmp_path))
    assert ctx.diagnosis.rule == "precommit.hook_failed" and ctx.diagnosis.facts["hook_file"] == "config/app.json"
    assert _plan("json", ctx).change.data == b'{\n  "a": 1\n}\n'
    from heal.diagnose.model import replace as replace_value
    from heal.record import replace  # PlanContext is a record, not a dataclass

    moved = replace_value(ctx.diagnosis, facts={**ctx.diagnosis.facts, "hook_line": 1})
    assert _plan("json", replace(ctx, diagnosis=moved)) is None  # not where heal finds the error now
