"""Turn captured bytes into text the rules can read: decoded, no ANSI, no carriage-return
progress lines, CRLF as LF, bounded line length. `redact` masks secrets in whatever diagnosis keeps
(evidence, facts, summary), since that is what gets printed and persisted."""

from __future__ import annotations

import re

_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: titles, hyperlinks
    r"|\x1b[PX^_][^\x1b]*\x1b\\"  # DCS and friends
    r"|\x1b[@-Z\\-_]"  # two-byte escapes
    r"|(?<![\w\]])\[(?:\d{1,3}(?:;\d{1,3})*)?[mK](?![\w\[])"  # escapes whose ESC was lost in a log copy
)
_BARE_ESCAPE = re.compile(r"\[\d{1,3}(?:;\d{1,3})*m")
_DROP_CONTROL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
MAX_LINE = 4000  # evidence lines longer than this keep their head and tail: enough for any error message

_SECRETS = (
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://[^\s:/@]+:)[^\s@/]+@", re.I), r"\1***@"),  # user:password@ in URLs
    (re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"), "***"),
    (re.compile(r"\b(AKIA|ASIA)[A-Z0-9]{16}\b"), "***"),
    (re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"), "***"),
    (re.compile(r"\b(sk|pk|rk)_(live|test)_[A-Za-z0-9]{16,}"), "***"),
    (re.compile(r"\bnpm_[A-Za-z0-9]{30,}"), "***"),
    (re.compile(r"\bpypi-[A-Za-z0-9_-]{40,}"), "***"),
    (re.compile(r"(?i)(\bauthorization:\s*(?:bearer|basic|token)\s+)\S+"), r"\1***"),
    (re.compile(r"(?i)\b((?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key)\s*[=:]\s*)"
                r"(?![\s'\"]*(?:\*|<|\$\{|\$\(|%\(|\{\{))['\"]?[^\s'\",;]{4,}"), r"\1***"),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S), "***"),
)


def clean(data: bytes | str) -> str:
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    if "\x1b" in text or ("m" in text and _BARE_ESCAPE.search(text)):
        text = _ANSI.sub("", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            # a progress bar redraws its line with \r: what stayed on screen is the last segment
            text = "\n".join(line.rsplit("\r", 1)[-1] if "\r" in line else line for line in text.split("\n"))
    return text.translate(_DROP_CONTROL)  # C-speed; a regex sub costs several times more per megabyte


def redact(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


def shorten(line: str) -> str:
    """A line kept to MAX_LINE characters, its head and tail: what diagnosis shows and stores."""
    if len(line) <= MAX_LINE:
        return line
    half = MAX_LINE // 2
    return f"{line[:half]} [... {len(line) - MAX_LINE} characters ...] {line[-half:]}"
