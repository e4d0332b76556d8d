"""Turn captured bytes into text the rules can read: decoded, no escape sequences or control
characters (7-bit and 8-bit: nothing a command printed can drive the terminal when heal repeats it),
no carriage-return progress lines, CRLF as LF, bounded line length. Secrets are masked by heal.redact
(re-exported here) in whatever diagnosis keeps (evidence, facts, summary)."""

from __future__ import annotations

from heal import rx
from heal.lazyre import lazy
from heal.redact import redact

__all__ = ["MAX_LINE", "clean", "clean_folded", "printable", "redact", "shorten"]

# 7-bit and 8-bit escape sequences, each anchored on its introducer (ESC, CSI, OSC ...): a regex that starts
# with a literal character is scanned for it in C, so output without escapes costs next to nothing
_ESCAPE_BRANCHES = (
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: titles, hyperlinks
    r"|\x1b[PX^_][^\x1b]*\x1b\\"  # DCS and friends
    r"|\x1b[ -/]*[0-~]"  # two-byte and nF escapes: ESC c (reset), ESC 7, ESC ( B ...
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|[\x9d\x90\x98\x9e\x9f][^\x07\x1b\x9c\n]*(?:\x07|\x9c|\x1b\\)?"  # 8-bit OSC, DCS, SOS, PM, APC (to the EOL)
)
_ESC_ANSI = lazy(_ESCAPE_BRANCHES)
# Its first branch alone. When every ESC of a text starts one of these and no 8-bit introducer occurs,
# the alternation can only ever take this branch (a CSI holds no ESC, so each ESC starts a scan): the
# cheaper regex gives its result. Per match, a one-branch sub costs ~60% of the alternation's.
_CSI = lazy(r"\x1b\[[0-?]*[ -/]*[@-~]")
# The same, plus escapes whose ESC was lost in a log copy (`[31m`). Its lookbehind branch makes the scan try
# every position (3x slower than _ESC_ANSI), so it runs only when such a sequence can be present.
_ANSI = lazy(_ESCAPE_BRANCHES + r"|(?<![\w\]])\[(?:\d{1,3}(?:;\d{1,3})*)?[mK](?![\w\[])")
# The lost-ESC branch's core without its context. Where _ANSI's last branch would match, this survives the
# ESC-anchored pass (no ESC-anchored match can start at or inside it), so its absence afterwards proves
# that _ESC_ANSI alone gives _ANSI's result.
_LOST_ESC_CORE = lazy(r"\[(?:\d{1,3}(?:;\d{1,3})*)?[mK]")
_BARE_ESCAPE = lazy(r"\[\d{1,3}(?:;\d{1,3})*m")
# C0 controls but tab and newline, ESC left alone by _ANSI (a lone or unknown one), DEL, and the C1 controls
# (U+0080-U+009F), which a terminal may read as 8-bit escapes (U+009B is CSI).
_DROP_CONTROL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)])
_ESCAPES = ("\x1b", "\x9b", "\x9d", "\x90", "\x98", "\x9e", "\x9f")
_ESCAPE_BYTES = tuple(e.encode("latin-1") for e in _ESCAPES)
_CONTROL_BYTES = bytes(_DROP_CONTROL)  # the same characters as Latin-1 bytes
_MARK_CONTROL = bytes(0 if b in _DROP_CONTROL else b for b in range(256))  # each of them to NUL
MAX_LINE = 4000  # evidence lines longer than this keep their head and tail: enough for any error message


def clean(data: bytes | str) -> str:
    return clean_folded(data, fold=False)[0]


def clean_folded(data: bytes | str, fold: bool = True) -> tuple[str, bytes | None]:
    """clean(data), and the same text folded for the needle pass (with fold): one byte per character,
    ASCII letters in lower case, other Latin-1 characters as they are, the rest as `?`. None instead of
    the bytes when the text holds İ or K (the Kelvin sign), the two characters whose lower case is ASCII:
    then only text.lower() gives the needles' matches."""
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    if text.isascii():
        text = _strip(text, "\x1b" in text)[0]  # ESC is the only escape character ASCII holds
        text = text.translate(_DROP_CONTROL)  # C-speed on ASCII; a regex sub costs several times more
        return text, (text.encode("ascii").lower() if fold else None)
    # One character beyond Latin-1 (a box-drawing line, a ✓) makes every character of a str 2 or 4 bytes,
    # and every scan of it slower: str.translate 75x, a regex or lower() 3-5x. The escapes, carriage
    # returns and control characters are all Latin-1, so they are looked for in the text as Latin-1
    # bytes, one per character, where `?` stands for the others.
    narrow = text.encode("latin-1", "replace")
    text, changed = _strip(text, any(e in narrow for e in _ESCAPE_BYTES))
    if changed:
        narrow = text.encode("latin-1", "replace")
    # Where the control characters are: every control byte becomes NUL (bytes.translate and memchr run at
    # memory speed; a regex character class costs ~8 ms per MB, str or bytes), then the text is cut there.
    marked = narrow.translate(_MARK_CONTROL)
    count = marked.count(0)
    if count > len(marked) // 64:  # binary garbage: the regex, not a Python loop per character
        text = rx.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]+", "", text)
        narrow = narrow.translate(None, _CONTROL_BYTES)
    elif count:
        pieces, at = [], 0
        find = marked.find
        nul = find(0)
        while nul >= 0:
            pieces.append(text[at:nul])
            at = nul + 1
            nul = find(0, at)
        pieces.append(text[at:])
        text = "".join(pieces)
        narrow = narrow.translate(None, _CONTROL_BYTES)
    if not fold or "\u0130" in text or "\u212a" in text:
        return text, None
    return text, narrow.lower()


def _strip(text: str, escapes: bool) -> tuple[str, bool]:
    """text without its escape sequences (escapes: whether it holds an escape character) and progress
    lines, and whether anything changed."""
    changed = False
    if escapes:
        stripped, n = _CSI.subn("", text)
        if n != text.count("\x1b") or any(e in text for e in _ESCAPES[1:]):
            stripped = _ESC_ANSI.sub("", text)
        text = _ANSI.sub("", text) if _LOST_ESC_CORE.search(stripped) else stripped
        changed = True
    elif "m" in text and _BARE_ESCAPE.search(text):
        text = _ANSI.sub("", text)
        changed = True
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            # a progress bar redraws its line with \r: what stayed on screen is the last segment
            text = "\n".join(line.rsplit("\r", 1)[-1] if "\r" in line else line for line in text.split("\n"))
        changed = True
    return text, changed


def printable(text: str) -> str:
    """text safe to write to a terminal: escape sequences and control characters other than newline and
    tab removed (what heal prints may hold file names, script names or output it did not write)."""
    if any(e in text for e in _ESCAPES):
        text = _ANSI.sub("", text)
    return text.translate(_PRINTABLE)


_PRINTABLE = {**_DROP_CONTROL, 0x0D: None}


def shorten(line: str) -> str:
    """A line kept to MAX_LINE characters, its head and tail: what diagnosis shows and stores."""
    if len(line) <= MAX_LINE:
        return line
    half = MAX_LINE // 2
    return f"{line[:half]} [... {len(line) - MAX_LINE} characters ...] {line[-half:]}"
