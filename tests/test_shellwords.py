"""heal.shellwords gives shlex's answers (split, quote, join), errors included, without importing shlex."""

from __future__ import annotations

import shlex

import pytest
from hypothesis import assume, given, settings
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


def _old_argv_words(line: str) -> list[str] | None:
    """What the Claude Code hook did before heal.shellwords: shlex with punctuation_chars, None for `sh -c`."""
    try:
        lex = shlex.shlex(line, posix=True, punctuation_chars=True)
        lex.whitespace_split = True
        words = list(lex)
    except ValueError:
        return None
    if not words or any(w and all(c in "();<>|&" for c in w) for w in words):
        return None
    return words


def _simple(line: str) -> list[str] | None:
    try:
        return shellwords.simple_command(line) or None
    except ValueError:
        return None


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(" \t\r'\"\\;&|<>()$*?~=@%+:,./-_aZ9é")), max_size=40))
def test_simple_command_reads_a_line_as_shlex_with_punctuation_did_without_a_hash(line):
    old = _old_argv_words(line)
    # an escaped or quoted operator is a word (`find . -exec rm {} \;`, `echo ";"`): shlex gave `;`, which the old
    # check then took for an operator; a line with no quote or backslash has no such word
    assume(old is not None or not any(c in line for c in "'\"\\"))
    assert _simple(line) == old


@pytest.mark.parametrize("line, words", [
    ("ls # list it", ["ls"]),
    ("curl http://localhost:8080/#/admin", ["curl", "http://localhost:8080/#/admin"]),  # shlex cut the URL here
    ("git commit -m 'fix #12'", ["git", "commit", "-m", "fix #12"]),
    ("echo a\\#b", ["echo", "a#b"]),
    ("# only a comment", None),
    ("make test && make lint", None),
    ("echo '&&'", ["echo", "&&"]),
    ("echo \\|", ["echo", "|"]),
    ("find . -name '*.pyc' -exec rm {} \\;", ["find", ".", "-name", "*.pyc", "-exec", "rm", "{}", ";"]),
    ("echo 'unclosed", None),
])
def test_simple_command_treats_a_hash_as_the_shell_does(line, words):
    assert _simple(line) == words


def _old_tokens(line: str) -> list[str] | str:
    try:
        lex = shlex.shlex(line, posix=True, punctuation_chars=True)
        lex.whitespace_split = True
        return list(lex)
    except ValueError as exc:
        return f"ValueError: {exc}"


def _tokens(line: str) -> list[str] | str:
    try:
        return shellwords.tokens(line)
    except ValueError as exc:
        return f"ValueError: {exc}"


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(" \t\r\n'\"\\;&|<>()$*?~=@%+:,./-_aZ92é")), max_size=40))
def test_tokens_are_shlex_s_with_punctuation_without_a_hash(line):
    assert _tokens(line) == _old_tokens(line)


def test_tokens_of_a_pipeline_with_redirections():
    assert shellwords.tokens("cd x && pip install 'a b' 2>&1 | tee log # done") == \
        ["cd", "x", "&&", "pip", "install", "a b", "2", ">&", "1", "|", "tee", "log"]
