"""Repair JSON the way people break it: trailing commas, comments, single quotes, a missing comma between
members, unquoted keys. Each repair is the smallest edit at the parser's error that lets it go further, and only a
result that parses is kept; everything else in the file (indentation, key order, spacing) stays as it was.

JSON-with-comments files (tsconfig.json, .vscode/*.json, devcontainer.json...) are judged as such: their comments
and trailing commas are not errors there.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator

from heal.repair.model import OK, REPAIRED, UNREPAIRABLE, Edit, Repair, SyntaxErrorInfo
from heal.repair.textfile import DecodeError, decode_utf8

MAX_ROUNDS = 50
_JSONC_NAMES = re.compile(r"^(tsconfig.*|jsconfig.*|devcontainer|\.devcontainer|\.eslintrc|\.babelrc|"
                          r"\.swcrc|settings|launch|tasks|extensions|keybindings)\.json$")


def is_jsonc(path: str) -> bool:
    """Files whose tools read JSON with comments and trailing commas."""
    name = os.path.basename(path)
    parent = os.path.basename(os.path.dirname(os.path.abspath(path)))
    return name.endswith(".jsonc") or (_JSONC_NAMES.match(name) is not None
                                       and (not name.startswith(("settings", "launch", "tasks", "extensions",
                                                                 "keybindings")) or parent == ".vscode"))


def repair_json(source: bytes, *, jsonc: bool = False) -> Repair:
    try:
        f = decode_utf8(source)
    except DecodeError as exc:
        return Repair(UNREPAIRABLE, error=SyntaxErrorInfo(str(exc), type="UnicodeDecodeError"),
                      reason="cannot decode the file")
    text = f.text
    first = _error(text, jsonc)
    if first is None:
        return Repair(OK)
    err, edits = first, []
    for _ in range(MAX_ROUNDS):
        for new, edit in _candidates(text, err, jsonc):
            after = _error(new, jsonc)
            if after is None or _pos(after) > _pos(err):
                text, err = new, after
                edits.append(edit)
                break
        else:
            return Repair(UNREPAIRABLE, error=_info(first, f.text), reason=f"no repair found at line {first.lineno}")
        if err is None:
            return Repair(REPAIRED, new=f.encode(text), error=_info(first, f.text), edits=tuple(edits))
    return Repair(UNREPAIRABLE, error=_info(first, f.text), reason="too many errors")


def _error(text: str, jsonc: bool) -> json.JSONDecodeError | None:
    try:
        json.loads(_strip_jsonc(text) if jsonc else text)
    except json.JSONDecodeError as exc:
        return exc
    except RecursionError:
        return json.JSONDecodeError("nested too deeply", text, 0)
    return None


def _pos(exc: json.JSONDecodeError) -> int:
    return exc.pos


def _info(exc: json.JSONDecodeError, text: str) -> SyntaxErrorInfo:
    return SyntaxErrorInfo(exc.msg, exc.lineno, exc.colno, type="JSONDecodeError")


def _edit(text: str, at: int, before: str, after: str, note: str) -> Edit:
    line = text.count("\n", 0, at) + 1
    return Edit(line, at - (text.rfind("\n", 0, at) + 1) + 1, before, after, note)


def _scan(text: str) -> Iterator[tuple[str, int, int]]:
    """(kind, start, end) of strings ("..." and '...'), comments (// and /* */) and everything else, one char."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            yield ("string" if c == '"' else "squote"), i, min(j + 1, n)
            i = min(j + 1, n)
        elif text.startswith("//", i) or (c == "#" and _line_start(text, i)):
            j = text.find("\n", i)
            j = n if j < 0 else j
            yield "comment", i, j
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            yield "comment", i, j
            i = j
        else:
            yield "char", i, i + 1
            i += 1


def _line_start(text: str, i: int) -> bool:
    return not text[text.rfind("\n", 0, i) + 1:i].strip()


def _strip_jsonc(text: str) -> str:
    out, last = [], 0
    for kind, s, e in _scan(text):
        if kind == "comment":
            out.append(text[last:s] + " " * (e - s))
            last = e
    text = "".join(out) + text[last:]
    return re.sub(r",(\s*[\]}])", r" \1", text)


def _candidates(text: str, err: json.JSONDecodeError, jsonc: bool) -> Iterator[tuple[str, Edit]]:
    pos = err.pos
    tokens = list(_scan(text))
    # a comment at or after the error: remove it (the whole line when it is alone on it)
    for kind, s, e in tokens:
        if kind == "comment" and e >= pos - 1 and not jsonc:
            ls = text.rfind("\n", 0, s) + 1
            if not text[ls:s].strip():
                le = text.find("\n", e)
                cut_end = le + 1 if le >= 0 else e
                yield text[:ls] + text[cut_end:], _edit(text, s, text[s:e], "", "remove a comment")
            else:
                ws = s
                while ws > 0 and text[ws - 1] in " \t":
                    ws -= 1
                yield text[:ws] + text[e:], _edit(text, s, text[s:e], "", "remove a comment")
            break
    # a trailing comma before the closing bracket
    prev = _prev_significant(tokens, pos, text)
    nxt = text[pos:pos + 1]
    if prev is not None and text[prev[1]:prev[2]] == "," and (nxt in "]}" or err.msg.startswith("Expecting")):
        closer = re.match(r"(\s|//[^\n]*|/\*.*?\*/)*[\]}]", text[prev[2]:], re.S)
        if closer:
            yield text[:prev[1]] + text[prev[2]:], _edit(text, prev[1], ",", "", "remove a trailing comma")
    # a single-quoted string where the error is
    for kind, s, e in tokens:
        if kind == "squote" and s <= pos < e + 1 and s >= pos - 1:
            body = text[s + 1:e - 1].replace("\\'", "'").replace('"', '\\"')
            yield text[:s] + '"' + body + '"' + text[e:], _edit(text, s, text[s:e], '"' + body + '"',
                                                                 "double quotes")
            break
    # an unquoted key
    m = re.compile(r"[A-Za-z_$][\w$-]*").match(text, pos)
    if m and err.msg.startswith("Expecting property name") and re.match(r"\s*:", text[m.end():]):
        yield text[:m.start()] + f'"{m.group()}"' + text[m.end():], _edit(text, m.start(), m.group(),
                                                                          f'"{m.group()}"', "quote a key")
    # a missing comma between two members or items
    for msg, char in (("Expecting ',' delimiter", ","), ("Expecting ':' delimiter", ":")):
        if err.msg == msg and prev is not None:
            at = prev[2]
            yield text[:at] + char + text[at:], _edit(text, at, "", char, f"insert {char!r}")


def _prev_significant(tokens: list, pos: int, text: str) -> tuple | None:
    """The last string or non-blank character before pos, comments skipped."""
    found = None
    for kind, s, e in tokens:
        if s >= pos:
            break
        if kind == "comment" or (kind == "char" and text[s].isspace()):
            continue
        found = (kind, s, e)
    return found
