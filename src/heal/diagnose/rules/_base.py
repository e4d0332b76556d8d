"""Small helpers shared by the rule modules."""

from __future__ import annotations

from _collections_abc import Mapping  # collections.abc's, without importing collections

from heal import rx
from heal.diagnose.model import Context, Finding
from heal.lazyre import lazy

POSITION_WEIGHT = 1.9  # as in heal.diagnose.core

_LIBRARY_PATH = lazy(r"(site-packages|dist-packages|/lib/python\d|/lib64/python\d|<frozen |^<|node_modules/|"
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


def tests_failed(ctx: Context, rule: str, tool: str, failed: rx.Pattern[str], loc: rx.Match[str] | None
                 ) -> Finding | None:
    """The failing tests a runner lists (one `failed` match per test, its name the first group), located at
    the first failure, with the file and line of `loc` when there is one."""
    matches = list(failed.finditer(ctx.text))
    if not matches:
        return None
    names = list(dict.fromkeys(m.group(1) for m in matches))
    facts: dict = {"tool": tool, "tests": names}
    if loc:
        facts.update(file=loc.group("file"), line=loc.group("line"))
    return finding(ctx, rule, "test", "medium", f"{len(names)} test(s) failed: {matches[0].group(1)}", facts,
                   matches[0].start(), matches[0].end(), priority=87)


def is_library_path(path: str) -> bool:
    """Code the user did not write: stdlib, site-packages, node_modules, runtime internals."""
    return bool(_LIBRARY_PATH.search(path))

def closest(word: str, candidates: list[str]) -> str | None:
    """The candidate a tool's own list offers that is nearest to what was typed (kubectl lists `set`
    before `get` for `gett`); None when none is near."""
    import difflib

    if not word or not candidates:
        return None
    best = difflib.get_close_matches(word, candidates, n=1, cutoff=0.5)
    return best[0] if best else None
