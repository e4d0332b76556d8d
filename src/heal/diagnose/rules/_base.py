"""Small helpers shared by the rule modules."""

from __future__ import annotations

import re
from collections.abc import Mapping

from heal.diagnose.model import Context, Finding

POSITION_WEIGHT = 1.9  # as in heal.diagnose.core

_LIBRARY_PATH = re.compile(r"(site-packages|dist-packages|/lib/python\d|/lib64/python\d|<frozen |^<|node_modules/|"
                           r"/usr/lib/|/usr/local/lib/|internal/)")


def finding(ctx: Context, rule: str, category: str, severity: str, summary: str, facts: Mapping[str, object],
            start: int, end: int | None = None, priority: float = 50, evidence: tuple[str, ...] | None = None
            ) -> Finding:
    """A Finding whose evidence is the lines spanning text[start:end] and whose score weights position."""
    if evidence is None:
        first, _ = ctx.line_at(start)
        _, last = ctx.line_at(max(start, (end if end is not None else start + 1) - 1))
        evidence = tuple(ln.strip() for ln in ctx.text[first:last].split("\n") if ln.strip())[:6]
    position = start / max(1, len(ctx.text))
    return Finding(rule, category, severity, summary, dict(facts), evidence, priority + POSITION_WEIGHT * position)


def is_library_path(path: str) -> bool:
    """Code the user did not write: stdlib, site-packages, node_modules, runtime internals."""
    return bool(_LIBRARY_PATH.search(path))