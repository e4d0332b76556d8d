"""heal.cjson answers what json answers (the hook's payload parser and answer without `import json`)."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heal.cjson import dumps, loads, string

VALID = ['{}', '[]', '1', '-0.5e3', '"x"', '{"a": [1, 2, {"b": null}], "c": true, "d": "\\u00e9\\n"}', '  {"a":1}  ',
         '{"a":1,"a":2}', 'NaN', '[Infinity, -Infinity]', '"\\ud83d\\ude00"', '"\\ud83d"', '{"x": 1e400}',
         '12345678901234567890123', '\n\t{"tool_input": {"command": "ls -la"}}\r\n']
INVALID = ['', ' ', '{', '{"a":1} x', "{'a':1}", '[1,]', '"a\nb"', '01', 'nul', '{"a" 1}', '[1] [2]']


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return type(a) is type(b) and repr(a) == repr(b)


@pytest.mark.parametrize("text", VALID)
def test_valid_json_gives_what_json_gives(text):
    for data in (text, text.encode("utf-8", "surrogatepass")):
        assert _same(json.loads(data), loads(data))


@pytest.mark.parametrize("text", INVALID)
def test_invalid_json_is_a_value_error_as_with_json(text):
    for data in (text, text.encode()):
        with pytest.raises(ValueError):
            json.loads(data)
        with pytest.raises(ValueError):
            loads(data)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "utf-32", "utf-16-le"])
def test_other_encodings_go_through_json(encoding):
    assert loads('{"a": "é"}'.encode(encoding)) == json.loads('{"a": "é"}'.encode(encoding)) == {"a": "é"}


@pytest.mark.parametrize("text", ["", "plain", 'quote " and \\ backslash', "lines\nand\ttabs\x01", "é ✓ 😀",
                                  "\ud83d lone surrogate", "</script>"])
def test_a_string_is_what_json_dumps_writes(text):
    assert string(text) == json.dumps(text, ensure_ascii=False)
    assert json.loads(string(text)) == text


DUMPED = [1, -0.0, 1.5, 3.141592653589793, 10**30, float("nan"), float("inf"), -float("inf"), None, True, False,
          "plain", "é\u2028\x00\"\\\n", [], {}, (1, "x"), [1, [2, {"a": None}]],
          {"a": {"b": [None, "x"]}, "n": 10**30}, {1: 2, 2.5: "x", None: 1, True: 2, False: 3}]


@pytest.mark.parametrize("value", DUMPED, ids=repr)
def test_dumps_of_these_values_is_json_dumps(value):
    assert dumps(value) == json.dumps(value, ensure_ascii=False)


def test_dumps_of_every_fixture_diagnosis_is_json_dumps():
    from pathlib import Path

    from heal.diagnose import diagnose

    fixtures = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "outputs").glob("*.json"))
    assert len(fixtures) > 200
    for path in fixtures:
        fx = json.loads(path.read_text(encoding="utf-8"))
        value = diagnose(fx["output"], argv=fx["argv"], exit_code=fx["exit_code"]).to_json([])
        assert dumps(value) == json.dumps(value, ensure_ascii=False), path.name


@pytest.mark.parametrize("bad", [{"s": {1, 2}}, [object()], {(1, 2): 1}])
def test_dumps_refuses_what_json_dumps_refuses_with_the_same_error(bad):
    with pytest.raises(TypeError) as ours:
        dumps(bad)
    with pytest.raises(TypeError) as theirs:
        json.dumps(bad)
    assert str(ours.value) == str(theirs.value)


_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                       | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(_VALUES, st.booleans(), st.sampled_from([(", ", ": "), (",", ":")]))
def test_dumps_writes_what_json_dumps_writes(value, sort_keys, separators):
    assert dumps(value, sort_keys=sort_keys, separators=separators) == \
        json.dumps(value, ensure_ascii=False, sort_keys=sort_keys, separators=separators)


@pytest.mark.parametrize("value", [{"a": object()}, [b"bytes"], {1: "x", "a": "y"}])
def test_dumps_refuses_what_json_dumps_refuses(value):
    with pytest.raises(TypeError) as ours:
        dumps(value, sort_keys=True)
    with pytest.raises(TypeError) as theirs:
        json.dumps(value, ensure_ascii=False, sort_keys=True)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("text", ["", "plain", 'quote " and \\ backslash', "lines\nand\ttabs\x01\x1f\x7f",
                                  "é ✓ 😀",
                                  "\ud83d lone surrogate", "\u2028\u2029", "\b\f\r"])
def test_dumps_escapes_strings_and_keys_as_json_does(text):
    value = {text: [text, {"k": text}], "n": [1.5, float("nan"), float("inf"), -0.0, 10**30, True, None]}
    for sort_keys in (False, True):
        assert dumps(value, sort_keys=sort_keys) == json.dumps(value, ensure_ascii=False, sort_keys=sort_keys)


def test_dumps_of_a_circular_value_fails_as_json_does():
    value: list = []
    value.append(value)
    with pytest.raises(ValueError, match="Circular reference"):
        dumps(value)


def test_dumps_writes_without_the_c_module():
    # the failure path records a fix and the last failure without loading the _json shared library
    code = ("import sys; from heal.cjson import dumps; dumps({'a': [1, 'b']}, sort_keys=True); "
            "print('_json' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE, check=True)
    assert r.stdout.strip() == b"False"


# The journal writes its records with ensure_ascii (json's C encoder; a path that is not UTF-8 stays a lone
# surrogate, which only an escape can write) and meta.json with indent=1 (written here in Python).

@settings(max_examples=300, deadline=None)
@given(_VALUES, st.booleans(), st.sampled_from([None, 0, 1, 2, "\t"]), st.booleans())
def test_dumps_with_ensure_ascii_or_indent_writes_what_json_dumps_writes(value, sort_keys, indent, ascii_):
    assert dumps(value, sort_keys=sort_keys, indent=indent, ensure_ascii=ascii_) == \
        json.dumps(value, sort_keys=sort_keys, indent=indent, ensure_ascii=ascii_)


def _outcome(call) -> object:
    try:
        return call()
    except TypeError as exc:  # json's own refusal (keys of mixed types cannot be sorted)
        return ("TypeError", str(exc))


@pytest.mark.parametrize("value", DUMPED + [{"path": "/tmp/\udcff\udc80-odd", "é": ["✓", "😀"]}], ids=repr)
@pytest.mark.parametrize("indent", [None, 1])
def test_dumps_ascii_of_these_values_is_json_dumps(value, indent):
    for sort_keys in (False, True):
        assert _outcome(lambda: dumps(value, ensure_ascii=True, sort_keys=sort_keys, indent=indent)) == \
            _outcome(lambda: json.dumps(value, sort_keys=sort_keys, indent=indent))


@pytest.mark.parametrize("indent", [None, 1])
def test_dumps_ascii_refuses_and_detects_cycles_as_json_does(indent):
    for bad in ({"s": {1, 2}}, [object()], {(1, 2): 1}):
        with pytest.raises(TypeError) as ours:
            dumps(bad, ensure_ascii=True, indent=indent)
        with pytest.raises(TypeError) as theirs:
            json.dumps(bad, indent=indent)
        assert str(ours.value) == str(theirs.value)
    value: list = []
    value.append(value)
    with pytest.raises(ValueError, match="Circular reference"):
        dumps(value, ensure_ascii=True, indent=indent)


def test_the_journals_json_needs_no_re():
    from conftest import FORGET

    code = FORGET + ("from heal.cjson import dumps, loads\n"
                     "loads(dumps({'a': ['\\udcff', 1.5]}, ensure_ascii=True, sort_keys=True))\n"
                     "loads(dumps({'a': [1]}, ensure_ascii=True, indent=1))\n"
                     "print(sorted(m for m in ('re', 'json') if m in sys.modules))\n")
    r = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE, check=True)
    assert r.stdout.strip() == b"[]"


def test_invalid_json_is_a_value_error_before_json_is_imported():
    # the scanner's own errors need json.decoder: each text in a run that has not imported json (it had a
    # SystemError then)
    from conftest import FORGET

    forget_each = "".join("    " + line + "\n" for line in FORGET.splitlines()[1:])  # json is imported by a miss
    code = ("import sys\nfrom heal.cjson import loads\n"
            f"for text in {INVALID!r}:\n" + forget_each +
            "    try:\n        loads(text)\n    except ValueError:\n        pass\n"
            "    else:\n        raise AssertionError(text)\n"
            "print('ok')\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True)
    assert r.returncode == 0 and r.stdout.strip() == b"ok", r.stderr.decode()

