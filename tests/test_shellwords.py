"""heal.shellwords gives shlex's answers (split, quote, join), errors included, without importing shlex."""

from __future__ import annotations

import shlex

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heal import shellwords

# the characters shlex treats specially, and some it does not
ALPHABET = st.sampled_from(list(" \t\r\n'\"\\#$`;&|<>()*?~=@%+:,./-_aZ9é\x00\u2028\u00a0"))
TEXT = st.text(alphabet=ALPHABET, max_size=40)


def _shlex(text: str, comments: bool) -> list[str] | str:
    try:
        return shlex.split(text, comments=comments)
    except ValueError as exc:
        return f"ValueError: {exc}"


def _ours(text: str, comments: bool) -> list[str] | str:
    try:
        return shellwords.split(text, comments=comments)
    except ValueError as exc:
        return f"ValueError: {exc}"


@settings(max_examples=3000, deadline=None)
@given(TEXT, st.booleans())
def test_split_is_shlex_split(text, comments):
    assert _ours(text, comments) == _shlex(text, comments)


@pytest.mark.parametrize("text", [
    "", "   ", "a b", "'a b' c", '"a \\" b"', '"a\\b"', '"a\\\\"', "a\\ b", "''", '""', "a''b", "'", '"', "a\\",
    '"a\\', "a # b\nc", "a#b c", "'#' x", "python3 -c 'import requests_toolbelt'", "x\\\ny", "é 'ü ß'",
])
@pytest.mark.parametrize("comments", [False, True])
def test_split_of_the_cases_that_differ_between_shells(text, comments):
    assert _ours(text, comments) == _shlex(text, comments)


@settings(max_examples=2000, deadline=None)
@given(st.lists(TEXT, max_size=5))
def test_quote_and_join_are_shlex_s_and_split_reads_them_back(words):
    assert [shellwords.quote(w) for w in words] == [shlex.quote(w) for w in words]
    assert shellwords.join(words) == shlex.join(words)
    assert shellwords.split(shellwords.join(words)) == words
