"""Diagnoses for humans: short, coloured when the stream is a terminal (NO_COLOR respected)."""

from __future__ import annotations

import os

from heal.diagnose.model import Diagnosis

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing on the failure path
if TYPE_CHECKING:
    from typing import TextIO

_RESET = "\x1b[0m"
_SEVERITY = {"critical": "\x1b[1;31m", "high": "\x1b[31m", "medium": "\x1b[33m", "low": "\x1b[36m", "info": "\x1b[2m"}
_DIM = "\x1b[2m"
_BOLD = "\x1b[1m"
_SHOWN_FACTS = ("module", "package", "command", "script", "header", "symbol", "env_var", "error_code", "exception",
                "branch", "host", "port", "url", "signal", "tests")


def use_colour(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):
        return False


def location(d: Diagnosis) -> str:
    file = d.facts.get("file")
    if not file:
        return ""
    line = d.facts.get("line")
    column = d.facts.get("column")
    return f"{file}" + (f":{line}" if line else "") + (f":{column}" if line and column else "")


def one_line(d: Diagnosis, colour: bool) -> str:
    """`heal: <category> (<severity>): <summary> [file:line]`, printed after a failed run."""
    where = location(d)
    head = f"{d.category} ({d.severity})"
    if colour:
        head = f"{_SEVERITY.get(d.severity, '')}{head}{_RESET}"
    return f"heal: {head}: {d.summary}" + (f" [{where}]" if where else "")


def detailed(d: Diagnosis, colour: bool) -> str:
    """What `heal diagnose` prints."""
    dim = (lambda s: f"{_DIM}{s}{_RESET}") if colour else (lambda s: s)
    lines = [one_line(d, colour)]
    for ev in d.evidence[:4]:
        lines.append(f"  {dim('>')} {ev}")
    shown = []
    for key in _SHOWN_FACTS:
        if key in d.facts:
            value = d.facts[key]
            if isinstance(value, list):
                value = ", ".join(map(str, value[:5])) + (" …" if len(value) > 5 else "")
            shown.append(f"{key}={value}")
    if shown:
        lines.append(f"  {dim('facts:')} " + "  ".join(shown))
    lines.append(f"  {dim('signature:')} {d.signature}")
    return "\n".join(lines)