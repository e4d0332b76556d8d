"""heal.repair.json and heal.repair.toml: broken -> expected, formatting kept, what is left alone."""

from __future__ import annotations

import json

import pytest

from heal.repair.json import is_jsonc, repair_json
from heal.repair.model import OK, REPAIRED, UNREPAIRABLE
from heal.repair.toml import repair_toml

JSON = [
    (b'{"a": 1,}', b'{"a": 1}'),
    (b'[1, 2, 3,\n]\n', b'[1, 2, 3\n]\n'),
    (b'{\n  "a": 1\n  "b": 2\n}\n', b'{\n  "a": 1,\n  "b": 2\n}\n'),
    (b'["a" "b"]', b'["a", "b"]'),
    (b"{'a': 'it\\'s'}", b'{"a": "it\'s"}'),
    (b'{a: 1, b_c: true}', b'{"a": 1, "b_c": true}'),
    (b'{\n  // the answer\n  "a": 42\n}\n', b'{\n  "a": 42\n}\n'),
    (b'{"a": 1 /* one */, "b": 2}', b'{"a": 1, "b": 2}'),
    (b'{"a" 1}', b'{"a": 1}'),
    # CRLF and a BOM survive, and so does every untouched line
    (b'\xef\xbb\xbf{\r\n    "a": [1, 2,],\r\n    "b": "x"\r\n}\r\n',
     b'\xef\xbb\xbf{\r\n    "a": [1, 2],\r\n    "b": "x"\r\n}\r\n'),
]


@pytest.mark.parametrize("broken, expected", JSON)
def test_json_repairs(broken, expected):
    r = repair_json(broken)
    assert r.status == REPAIRED and r.new == expected
    json.loads(r.new.decode("utf-8-sig"))
    assert r.error is not None and r.edits


@pytest.mark.parametrize("broken", [b'{"a": tru}', b'{"a": }', b'[1, 2', b'{"a": 1} {"b": 2}', b'\xff{}'])
def test_json_left_alone(broken):
    r = repair_json(broken)
    assert r.status == UNREPAIRABLE and r.new is None


def test_valid_json_is_ok():
    assert repair_json(b'{"a": [1, 2]}\n').status == OK


def test_jsonc_files_keep_their_comments():
    src = b'{\n  // strict\n  "compilerOptions": {"strict": true,},\n}\n'
    assert repair_json(src, jsonc=True).status == OK
    assert repair_json(src).status == REPAIRED
    assert is_jsonc("tsconfig.json") and is_jsonc("a/.vscode/settings.json") and is_jsonc("x.jsonc")
    assert not is_jsonc("package.json") and not is_jsonc("settings.json")


TOML = [
    (b'a = "abc\nb = 1\n', b'a = "abc"\nb = 1\n'),
    (b"a = 'abc\n", b"a = 'abc'\n"),
    (b"a = [1, 2\nb = 1\n", b"a = [1, 2]\nb = 1\n"),
    (b"[tool.heal\nx = 1\n", b"[tool.heal]\nx = 1\n"),
    (b"a = {x = 1\n", b"a = {x = 1}\n"),
    (b'a = [1, 2  # two\r\nb = 1\r\n', b'a = [1, 2]  # two\r\nb = 1\r\n'),
]


@pytest.mark.parametrize("broken, expected", TOML)
def test_toml_repairs(broken, expected):
    r = repair_toml(broken)
    assert r.status == REPAIRED and r.new == expected, r


@pytest.mark.parametrize("broken", [b"x = 1\ny = = 2\n", b"a = 1\na = 2\n", b"[a]\n[a]\n", b"x = 1 2\n"])
def test_toml_reports_the_rest(broken):
    r = repair_toml(broken)
    assert r.status == UNREPAIRABLE and r.new is None
    assert r.error is not None and r.error.type == "TOMLDecodeError"


def test_toml_error_has_line_and_column():
    r = repair_toml(b"x = 1\ny = = 2\n")
    assert (r.error.lineno, r.error.offset) == (2, 5)


def test_toml_ambiguous_quote_is_not_chosen():
    # the string may end before the `#` or take it in: both parse
    r = repair_toml(b'name = "heal  # the name\nb = 1\n')
    assert r.status == UNREPAIRABLE and r.new is None and len(r.candidates) == 2
