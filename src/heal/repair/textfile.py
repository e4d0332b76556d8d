"""A source file as text and back, byte-exact where nothing changed: its encoding (PEP 263 cookie or BOM), its
line endings (each line keeps its own), and the lines a repair did not touch."""

from __future__ import annotations

import difflib
import io
import re
from dataclasses import dataclass

_EOL = re.compile(r"\r\n|\r|\n")
BOM = b"\xef\xbb\xbf"


class DecodeError(Exception):
    """The bytes are not text in the encoding the file declares."""


@dataclass(frozen=True)
class TextFile:
    text: str  # newlines as \n, no BOM: what repairs work on
    encoding: str
    bom: bytes
    pieces: tuple  # ((line content, its line ending), ...); the last piece's ending is ""

    def encode(self, new_text: str) -> bytes:
        """new_text's bytes: lines equal to the original's keep their original bytes and line endings; changed and
        added lines take the ending of the line they replace, or the file's most common one."""
        old = [content for content, _ in self.pieces]
        new = new_text.split("\n")
        endings = [eol for _, eol in self.pieces]
        common = max(("\r\n", "\n", "\r"), key=lambda e: endings.count(e)) if any(endings) else "\n"
        out: list[str] = []
        for op, i1, i2, j1, j2 in line_opcodes(old, new):
            if op == "equal":
                for k in range(i2 - i1):
                    out.append(new[j1 + k] + (endings[i1 + k] if j1 + k < len(new) - 1 else ""))
                continue
            for k in range(j2 - j1):
                if j1 + k == len(new) - 1:
                    out.append(new[j1 + k])  # the last piece: the text's own end
                else:
                    src = i1 + k if i1 + k < i2 else None
                    eol = endings[src] if src is not None and endings[src] else common
                    out.append(new[j1 + k] + eol)
        return self.bom + "".join(out).encode(self.encoding)


def decode_python(data: bytes) -> TextFile:
    """Python source: the encoding comes from the BOM or the coding cookie (PEP 263), else UTF-8."""
    from tokenize import detect_encoding

    try:
        encoding, _ = detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise DecodeError(str(exc)) from None
    if encoding == "utf-8-sig":
        encoding = "utf-8"
    return _decode(data, encoding)


def decode_utf8(data: bytes) -> TextFile:
    """JSON, TOML: UTF-8, with or without a BOM."""
    return _decode(data, "utf-8")


def _decode(data: bytes, encoding: str) -> TextFile:
    bom = BOM if data.startswith(BOM) else b""
    try:
        raw = data[len(bom):].decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise DecodeError(f"not valid {encoding}: {exc}") from None
    pieces = []
    pos = 0
    for m in _EOL.finditer(raw):
        pieces.append((raw[pos:m.start()], m.group()))
        pos = m.end()
    pieces.append((raw[pos:], ""))
    return TextFile("\n".join(p for p, _ in pieces), encoding, bom, tuple(pieces))


def drop_added_blank_lines(old: str, new: str) -> str:
    """new without the blank lines a codemod added (libcst puts one after an import it adds): heal adds the
    import, it does not re-space the file."""
    a, b = old.split("\n"), new.split("\n")
    out: list[str] = []
    for op, i1, i2, j1, j2 in line_opcodes(a, b):
        block = b[j1:j2]
        if op in ("insert", "replace"):
            quota = sum(1 for line in a[i1:i2] if not line.strip())  # blank lines that were there before
            kept = []
            for k, line in enumerate(block, j1):
                if line.strip() or k == len(b) - 1:
                    kept.append(line)
                elif quota:
                    quota -= 1
                    kept.append(line)
            block = kept
        out.extend(block)
    return "\n".join(out)


def line_opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib opcodes from a to b. Repairs change a few lines of a long file: the equal head and tail are
    matched directly, and only the middle goes through SequenceMatcher (quadratic on files full of blank lines)."""
    n = min(len(a), len(b))
    head = 0
    while head < n and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < n - head and a[len(a) - 1 - tail] == b[len(b) - 1 - tail]:
        tail += 1
    ops: list[tuple[str, int, int, int, int]] = []
    if head:
        ops.append(("equal", 0, head, 0, head))
    mid = difflib.SequenceMatcher(None, a[head:len(a) - tail], b[head:len(b) - tail], autojunk=False)
    for op, i1, i2, j1, j2 in mid.get_opcodes():
        ops.append((op, i1 + head, i2 + head, j1 + head, j2 + head))
    if tail:
        ops.append(("equal", len(a) - tail, len(a), len(b) - tail, len(b)))
    return ops
