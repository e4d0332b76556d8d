"""Repair TOML only where the fix is unambiguous: a string or bracket left open on the line the parser reports
(a missing closing quote, `]` of a table header or a one-line array, `}` of an inline table). Anything else is
reported with the parser's line and column, and the file is left alone."""

from __future__ import annotations

import re

from heal.repair.model import OK, REPAIRED, UNREPAIRABLE, Edit, Repair, SyntaxErrorInfo
from heal.repair.textfile import DecodeError, decode_utf8

from heal.fsutil import toml_module

tomllib = toml_module()

_WHERE = re.compile(r"\(at line (\d+), column (\d+)\)|\(at end of document\)")


def repair_toml(source: bytes) -> Repair:
    try:
        f = decode_utf8(source)
    except DecodeError as exc:
        return Repair(UNREPAIRABLE, error=SyntaxErrorInfo(str(exc), type="UnicodeDecodeError"),
                      reason="cannot decode the file")
    err = _error(f.text)
    if err is None:
        return Repair(OK)
    lines = f.text.split("\n")
    line = _line_of(err, lines)
    found: dict[str, Edit] = {}
    for new_line, edit in _candidates(lines, line):
        text = "\n".join(lines[:line] + [new_line] + lines[line + 1:])
        if _error(text) is None:
            found.setdefault(text, edit)
    if len(found) == 1:
        (text, edit), = found.items()
        return Repair(REPAIRED, new=f.encode(text), error=err, edits=(edit,))
    if found:
        return Repair(UNREPAIRABLE, error=err, candidates=tuple((e,) for e in found.values()),
                      reason=f"{len(found)} repairs are equally good: not choosing")
    return Repair(UNREPAIRABLE, error=err, reason="only a quote or bracket left open on one line is repaired")


def _error(text: str) -> SyntaxErrorInfo | None:
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _WHERE.search(msg)
        lineno = int(m.group(1)) if m and m.group(1) else None
        col = int(m.group(2)) if m and m.group(2) else None
        return SyntaxErrorInfo(_WHERE.sub("", msg).strip(), lineno, col, type="TOMLDecodeError")
    return None


def _line_of(err: SyntaxErrorInfo, lines: list[str]) -> int:
    """0-based line to repair: the reported one; for an error past the end, or an unclosed array reported on the
    line after it, the last line with content before that."""
    line = (err.lineno - 1) if err.lineno else len(lines) - 1
    if err.lineno is None or err.msg.startswith("Unclosed") or err.offset == 1:
        line = min(line, len(lines) - 1)
        if err.lineno is not None and err.msg.startswith("Unclosed") and err.offset == 1:
            line -= 1
        while line > 0 and not lines[line].strip():
            line -= 1
    return max(line, 0)


def _candidates(lines: list[str], line: int):
    src = lines[line]
    body = src.rstrip()
    for closer, note in (('"', "close the string"), ("'", "close the string"), ("]", "close the bracket"),
                         ("}", "close the inline table")):
        yield body + closer + src[len(body):], Edit(line + 1, len(body) + 1, "", closer, note)
    # a comment after the open string or bracket: close before it
    m = re.search(r"\s+#[^\"']*$", body)
    if m:
        for closer in ('"', "'", "]", "}"):
            at = m.start()
            yield body[:at] + closer + body[at:] + src[len(body):], Edit(line + 1, at + 1, "", closer,
                                                                          "close before the comment")
