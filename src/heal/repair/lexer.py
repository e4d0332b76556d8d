"""A lenient Python tokenizer for broken code.

The stdlib `tokenize` stops at the first unterminated string or bad dedent, which is exactly the code the
repair search has to look at, so this one never fails: every character belongs to a token or to whitespace,
an unterminated string runs to the end of its line (or of the file, for triple quotes) and is flagged, and
anything unknown is a one-character `err` token. Kept valid on Python 3.8 (see heal.repair).
"""

from __future__ import annotations

import re
from typing import List, NamedTuple

KEYWORDS = frozenset(
    "False None True and as assert async await break class continue def del elif else except finally for from "
    "global if import in is lambda nonlocal not or pass raise return try while with yield".split())

# Longest first: the regex alternation takes the first that matches.
# Also the operators of other languages (`===`, `=>`, `&&`), so that a repair can swap them whole.
OPERATORS = sorted(
    "!== === **= //= >>= <<= ... -> := == != <= >= <> => =< && || ** // >> << += -= *= /= %= &= |= ^= @= ( ) [ ] { } : "
    ", ; . + - * / % < > = & | ^ ~ @ ! $ ? `".split(), key=len, reverse=True)
OPENERS = {"(": ")", "[": "]", "{": "}"}
CLOSERS = {v: k for k, v in OPENERS.items()}

_STRING_START = re.compile(r"(?i:rb|br|fr|rf|ur|[rbuf])?('''|\"\"\"|'|\")")
_NUMBER = re.compile(r"(?:0[xXoObB][0-9a-fA-F_]*|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?)\w*")
_NAME = re.compile(r"[^\W\d]\w*")
_OP = re.compile("|".join(re.escape(op) for op in OPERATORS))
_SPACE = re.compile(r"[ \t\f]+")


class Token(NamedTuple):
    kind: str  # name | number | string | op | comment | newline | cont | err
    text: str
    start: int  # offsets into the text
    end: int
    line: int  # 0-based line of start
    col: int  # 0-based character column of start
    closed: bool = True  # False: an unterminated string

    @property
    def is_keyword(self) -> bool:
        return self.kind == "name" and self.text in KEYWORDS


def tokenize(text: str) -> List[Token]:
    tokens: List[Token] = []
    pos, line, line_start, n = 0, 0, 0, len(text)
    while pos < n:
        ch = text[pos]
        if ch == "\n":
            tokens.append(Token("newline", ch, pos, pos + 1, line, pos - line_start))
            pos += 1
            line += 1
            line_start = pos
            continue
        m = _SPACE.match(text, pos)
        if m:
            pos = m.end()
            continue
        col = pos - line_start
        if ch == "#":
            end = text.find("\n", pos)
            end = n if end < 0 else end
            tokens.append(Token("comment", text[pos:end], pos, end, line, col))
            pos = end
            continue
        if ch == "\\" and text.startswith("\n", pos + 1):
            tokens.append(Token("cont", "\\", pos, pos + 1, line, col))
            pos += 1
            continue
        m = _STRING_START.match(text, pos)
        if m:
            end, closed = _string_end(text, m.end(), m.group(1))
            tokens.append(Token("string", text[pos:end], pos, end, line, col, closed))
            newlines = text.count("\n", pos, end)
            if newlines:
                line += newlines
                line_start = text.rfind("\n", pos, end) + 1
            pos = end
            continue
        for kind, rx in (("number", _NUMBER), ("name", _NAME), ("op", _OP)):
            m = rx.match(text, pos)
            if m and m.end() > pos:
                tokens.append(Token(kind, m.group(), pos, m.end(), line, col))
                pos = m.end()
                break
        else:
            tokens.append(Token("err", ch, pos, pos + 1, line, col))
            pos += 1
    return tokens


def _string_end(text: str, pos: int, quote: str) -> tuple:
    """(end offset, closed) of a string whose body starts at pos."""
    n = len(text)
    triple = len(quote) == 3
    while pos < n:
        ch = text[pos]
        if ch == "\\":
            pos += 2
            continue
        if text.startswith(quote, pos):
            return pos + len(quote), True
        if ch == "\n" and not triple:
            return pos, False
        pos += 1
    return n, False


def line_starts(text: str) -> List[int]:
    starts = [0]
    pos = text.find("\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts
