"""Edit a JSON document as text: add or remove one member or element and leave every other byte alone.

Re-serialising a settings file would reflow what its owner wrote by hand (inline arrays, key spacing, a tab
indent). Here the document is scanned once for the spans of its values; an insertion copies the indentation
of the item before it (or stays inline in an inline container), and a removal takes out exactly the item and
one separator. Inserting then removing the same item gives back the same bytes.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring

_LITERAL = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")
_WS = re.compile(r"[ \t\r\n]*")


class Node:
    """A value's span [start, end) and, for containers, its items: (key, key_start, Node) for an object,
    (None, start, Node) for an array."""

    __slots__ = ("kind", "start", "end", "items")

    def __init__(self, kind: str, start: int, end: int, items: list[tuple[str | None, int, Node]]) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.items = items

    def member(self, key: str) -> Node | None:
        for k, _, node in self.items:
            if k == key:
                return node
        return None


def parse(text: str) -> Node:
    """The spans of a JSON document (ValueError when it is not JSON)."""
    node, i = _value(text, _skip(text, 0))
    if _skip(text, i) != len(text):
        raise ValueError(f"extra data at character {i}")
    return node


def _skip(text: str, i: int) -> int:
    return _WS.match(text, i).end()  # type: ignore[union-attr]


def _value(text: str, i: int) -> tuple[Node, int]:
    if i >= len(text):
        raise ValueError("unexpected end of the document")
    c = text[i]
    if c in "{[":
        close = "}" if c == "{" else "]"
        items: list[tuple[str | None, int, Node]] = []
        j = _skip(text, i + 1)
        if text[j:j + 1] == close:
            return Node("object" if c == "{" else "array", i, j + 1, items), j + 1
        while True:
            start = j
            key = None
            if c == "{":
                if text[j:j + 1] != '"':
                    raise ValueError(f"a key expected at character {j}")
                key, j = scanstring(text, j + 1)
                j = _skip(text, j)
                if text[j:j + 1] != ":":
                    raise ValueError(f"':' expected at character {j}")
                j = _skip(text, j + 1)
            value, j = _value(text, j)
            items.append((key, start, value))
            j = _skip(text, j)
            if text[j:j + 1] == ",":
                j = _skip(text, j + 1)
                continue
            if text[j:j + 1] == close:
                return Node("object" if c == "{" else "array", i, j + 1, items), j + 1
            raise ValueError(f"',' or '{close}' expected at character {j}")
    if c == '"':
        _, j = scanstring(text, i + 1)
        return Node("string", i, j, []), j
    m = _LITERAL.match(text, i)
    if not m:
        raise ValueError(f"a value expected at character {i}")
    return Node("literal", i, m.end(), []), m.end()


def unit(text: str) -> str:
    """The file's indentation step: the indentation of its first indented line, else two spaces."""
    m = re.search(r"\n([ \t]+)\S", text)
    return m.group(1) if m else "  "


def _line_indent(text: str, pos: int) -> str | None:
    """The whitespace before pos on its line, or None when something else precedes it there (inline)."""
    start = text.rfind("\n", 0, pos) + 1
    before = text[start:pos]
    return before if not before.strip() else None


def _render(value: object, indent: str | None, step: str, ascii_only: bool) -> str:
    if indent is None:
        return json.dumps(value, ensure_ascii=ascii_only)
    text = json.dumps(value, indent=step, ensure_ascii=ascii_only)
    return text.replace("\n", "\n" + indent)


def insert(text: str, container: Node, value: object, key: str | None = None) -> str:
    """text with value appended to the container (a member `key` of an object, or an element of an array)."""
    step = unit(text)
    ascii_only = "\\u" in text and text.isascii()
    head = json.dumps(key, ensure_ascii=ascii_only) + ": " if key is not None else ""
    newline = "\r\n" if "\r\n" in text else "\n"
    if container.items:
        _, last_start, last = container.items[-1]
        indent = _line_indent(text, last_start)
        if indent is None:
            item = ", " + head + _render(value, None, step, ascii_only)
        else:
            item = "," + newline + indent + head + _render(value, indent, step, ascii_only).replace("\n", newline)
        return text[: last.end] + item + text[last.end:]
    outer = _line_indent(text, container.start)
    outer = outer if outer is not None else re.match(r"[ \t]*", text[text.rfind("\n", 0, container.start) + 1:]
                                                     ).group(0)  # type: ignore[union-attr]
    inner = outer + step
    body = inner + head + _render(value, inner, step, ascii_only)
    opening, closing = text[container.start], text[container.end - 1]
    block = opening + newline + body.replace("\n", newline) + newline + outer + closing
    return text[: container.start] + block + text[container.end:]


def remove(text: str, container: Node, index: int) -> str:
    """text without the container's item at index, and without one separator next to it."""
    items = container.items
    _, start, node = items[index]
    if len(items) == 1:
        return text[: container.start + 1] + text[container.end - 1:]
    if index > 0:
        return text[: items[index - 1][2].end] + text[node.end:]
    return text[:start] + text[items[1][1]:]
