"""heal.integrations.jsonedit: an item inserted then removed gives back the document byte for byte, whatever its
style; an insertion changes nothing else of the text; the scanner agrees with json."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heal.integrations import jsonedit

scalars = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False) \
    | st.text(max_size=8)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                                           max_size=4), max_leaves=12)
styles = st.sampled_from([None, 1, 2, 4, "\t"])


def dump(value: object, indent: object, newline: str, final: bool, ascii_only: bool) -> str:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    return text.replace("\n", newline) + (newline if final else "")


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=6), values, max_size=5), styles, st.sampled_from(["\n", "\r\n"]),
       st.booleans(), st.booleans(), values)
def test_insert_then_remove_is_the_identity(doc, indent, newline, final, ascii_only, item):
    text = dump(doc, indent, newline, final, ascii_only)
    root = jsonedit.parse(text)
    key = "heal-test-key"
    inserted = jsonedit.insert(text, root, item, key=key)
    assert json.loads(inserted) == {**doc, key: item}
    assert inserted.startswith(text[: root.items[-1][2].end] if root.items else text[: root.start])
    again = jsonedit.parse(inserted)
    assert jsonedit.remove(inserted, again, len(again.items) - 1) == text


@settings(max_examples=200, deadline=None)
@given(st.lists(values, max_size=5), styles, values)
def test_arrays_too(doc, indent, item):
    text = json.dumps({"list": doc}, indent=indent)
    array = jsonedit.parse(text).member("list")
    inserted = jsonedit.insert(text, array, item)
    assert json.loads(inserted) == {"list": [*doc, item]}
    array = jsonedit.parse(inserted).member("list")
    assert jsonedit.remove(inserted, array, len(array.items) - 1) == text


@settings(max_examples=200, deadline=None)
@given(values)
def test_spans_agree_with_json(value):
    text = json.dumps({"v": value, "w": [value]}, indent=2)
    root = jsonedit.parse(text)
    for _, _, node in root.items:
        assert json.loads(text[node.start:node.end]) == json.loads(text)[_key(root, node)]


def _key(root, node):
    return next(k for k, _, n in root.items if n is node)


@pytest.mark.parametrize("bad", ["", "{", '{"a" 1}', '{"a": 1,}', "[1 2]", '{"a": 1} x', "nul"])
def test_not_json_is_a_value_error(bad):
    with pytest.raises(ValueError):
        jsonedit.parse(bad)


def test_removing_the_first_of_several_keeps_the_next_ones_place():
    text = '{\n  "a": 1,\n  "b": [2, 3]\n}\n'
    root = jsonedit.parse(text)
    assert jsonedit.remove(text, root, 0) == '{\n  "b": [2, 3]\n}\n'
    array = jsonedit.parse(text).member("b")
    assert jsonedit.remove(text, array, 0) == '{\n  "a": 1,\n  "b": [3]\n}\n'
    assert jsonedit.remove(text, array, 1) == '{\n  "a": 1,\n  "b": [2]\n}\n'
