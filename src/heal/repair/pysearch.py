"""The Python syntax repair search: compile, then try candidate edits around the first error cheapest first
(heal.repair.pyedits), keep what compiles, repair the next error, a bounded number of rounds.

Within a round it is a uniform-cost search over chains of up to MAX_DEPTH edits: an edit whose result still fails
is extended only if the first error moved later (in the coordinates of the text the round started from). A round
ends at the cheapest result that compiles, or that pushed the error past the line it was on (then the next round
starts there). Results that tie at the cheapest cost and differ make the file ambiguous: reported, not chosen.

Runs in heal's process, or as a script in the project's own interpreter (`python pysearch.py INPUT.json`) when
that is another Python version, so that its `compile()` judges every candidate. Kept stdlib-only and valid on
Python 3.8 (see heal.repair).
"""

from __future__ import annotations

import dataclasses
import functools
import heapq
import json
import re
import sys
import time
import warnings
from typing import List, NamedTuple, Optional, Tuple

from heal.repair.model import OK, REPAIRED, UNREPAIRABLE, Edit, SyntaxErrorInfo
from heal.repair.pyedits import Cand, Part, Site, offset_in
from heal.repair.pyrules import candidates, declaration_error

MAX_ROUNDS = 30  # errors repaired one after another in one file (a Python 2 file has a print on every other line)
MAX_DEPTH = 3  # edits chained to get past one error
ROUND_BUDGET = 2500  # compiles per round
MAX_EXPANSIONS = 150  # edits a round builds on (each brings a thousand candidates of its own)
FILE_SECONDS = 10.0  # a file that takes longer is reported, not repaired
MOVED_PENALTY = 0.5  # a result that only moves the error on must beat one that compiles by this much
TIE = 1e-6
LOCAL_LINES = 200  # files longer than this are searched an excerpt at a time
LONG_FILE_FALLBACK = 2.0  # seconds for a round on a whole long file, when its excerpt misled
MAX_COST = 6.0  # about six changed tokens in all: past that a "repair" is a rewrite, and likely a wrong one


class Result(NamedTuple):
    status: str
    text: Optional[str]
    error: Optional[SyntaxErrorInfo]
    edits: Tuple[Edit, ...] = ()
    candidates: Tuple[Tuple[Edit, ...], ...] = ()
    reason: str = ""

    def to_json(self) -> dict:
        return {"status": self.status, "text": self.text, "error": self.error.to_json() if self.error else None,
                "edits": [e.to_json() for e in self.edits],
                "candidates": [[e.to_json() for e in c] for c in self.candidates], "reason": self.reason}

    @classmethod
    def from_json(cls, obj: dict) -> Result:
        return cls(obj["status"], obj.get("text"), SyntaxErrorInfo.from_json(obj.get("error")),
                   tuple(Edit.from_json(e) for e in obj.get("edits", ())),
                   tuple(tuple(Edit.from_json(e) for e in c) for c in obj.get("candidates", ())),
                   obj.get("reason", ""))


def check(text: str) -> Optional[SyntaxErrorInfo]:
    """None if this interpreter compiles text, else its error."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escapes and the like warn; they are not what we repair
        try:
            compile(text, "<heal-repair>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError, OverflowError, RecursionError, MemoryError) as exc:
            return SyntaxErrorInfo.from_exception(exc)
    return None


def compiles(source) -> bool:
    """Whether this interpreter compiles source (bytes: its own coding cookie and BOM apply)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(source, "<heal-repair>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError, OverflowError, RecursionError, MemoryError):
            return False
    return True


def repair_text(text: str, error: Optional[SyntaxErrorInfo] = None) -> Result:
    """Repair text (newlines as \\n) as far as this interpreter is concerned. `error` is unused: the search needs
    this interpreter's own report, and compiles to get it."""
    first = check(text)
    if first is None:
        return Result(OK, None, None)
    deadline = time.monotonic() + FILE_SECONDS
    current, err = text, first
    edits: List[Edit] = []
    total = 0.0
    for _ in range(MAX_ROUNDS):
        found = _local_round(current, err, deadline)
        if isinstance(found, str):
            return Result(UNREPAIRABLE, None, first, reason=found)
        if len(found) > 1:
            return Result(UNREPAIRABLE, None, first, candidates=tuple(tuple(g[4]) for g in found),
                          reason=f"{len(found)} repairs are equally good at line {err.lineno}: not choosing")
        cost, new, _, err, described = found[0]
        total += cost
        if total > MAX_COST:
            return Result(UNREPAIRABLE, None, first, reason="a repair would change too much")
        edits.extend(described)
        current = new
        if err is None:
            return Result(REPAIRED, current, first, tuple(edits))
    return Result(UNREPAIRABLE, None, first, reason=f"more than {MAX_ROUNDS} errors")


def _local_round(text: str, err: SyntaxErrorInfo, deadline: float):
    """One round on the top-level statements around the error when the file is long (each candidate compiles a
    few lines, not the file), on the whole text otherwise or when the excerpt does not show the same error.
    Returns why nothing was found, or the best results as (cost, new text, chain, error after, edits)."""
    region = _region(text, err) if text.count("\n") > LOCAL_LINES else None
    if region is not None:
        start, end = region
        excerpt = text[start:end]
        local = check(excerpt)
        if local is not None and local.msg == err.msg and local.lineno is not None and \
                local.lineno + text.count("\n", 0, start) == err.lineno:
            found = _round(excerpt, local, deadline)
            if isinstance(found, str):
                return found  # the same error, with the same neighbours: the whole file would not do better
            else:
                lines_before = text.count("\n", 0, start)
                out = []
                for cost, new_excerpt, chain, _local_err, in found:
                    new = text[:start] + new_excerpt + text[end:]
                    after = check(new)
                    if after is not None and not _advanced(_progress(text, err, ()),
                                                           _progress(new, after, (((start, end, new_excerpt),),))):
                        out = []
                        break  # the excerpt misled: do the round on the whole file
                    moved = [dataclasses.replace(e, line=e.line + lines_before) for e in describe(excerpt, chain)]
                    out.append((cost, new, chain, after, moved))
                if out:
                    return out
    if region is not None:
        deadline = min(deadline, time.monotonic() + LONG_FILE_FALLBACK)  # each candidate compiles the whole file
    found = _round(text, err, deadline)
    if isinstance(found, str):
        return found
    return [(cost, new, chain, after, describe(text, chain)) for cost, new, chain, after in found]


def _region(text: str, err: SyntaxErrorInfo) -> Optional[Tuple[int, int]]:
    """Offsets of the top-level statements around the error's line: from the start of the one it is in to the
    start of the second one after it (so a bracket or block that runs on is still inside)."""
    if not err.lineno:
        return None
    return statements_around(text, err.lineno - 1, err.lineno - 1, extra=1)


def statements_around(text: str, first: int, last: int, extra: int = 0) -> Optional[Tuple[int, int]]:
    """Offsets of the top-level statements covering 0-based lines first..last (and `extra` more after them);
    None when that is the whole text."""
    starts = _top_level_starts(text)
    before = [ln for ln in starts if ln <= first]
    after = [ln for ln in starts if ln > last]
    first_line = before[-1] if before else 0
    last_line = after[extra] if len(after) > extra else None
    lines = text.split("\n")
    start = sum(len(x) + 1 for x in lines[:first_line])
    end = len(text) if last_line is None else sum(len(x) + 1 for x in lines[:last_line])
    if start == 0 and end == len(text):
        return None
    return start, end


# What decides where top-level statements start: comments, strings (which may span lines), brackets, line ends.
_SCAN = re.compile(r"""#[^\n]*|[rRbBuUfF]{0,2}(?:'{3}(?:\\[\s\S]|[^\\])*?'{3}|"{3}(?:\\[\s\S]|[^\\])*?"{3}"""
                   r"""|'(?:\\[\s\S]|[^'\\\n])*'|"(?:\\[\s\S]|[^"\\\n])*")|[()\[\]{}]|\\?\n""")
_CONTINUES = ("else", "elif", "except", "finally", "case")


@functools.lru_cache(maxsize=4)
def _top_level_starts(text: str) -> Tuple[int, ...]:
    """0-based lines where a top-level statement starts: at column 0, outside brackets and strings, not after a
    backslash, not the `def` under a decorator. One regex pass: long files are scanned whole."""
    depth, line = 0, 0
    depth_at = [0]  # bracket depth where each line starts
    skip = set()  # lines inside a string or after a backslash
    for m in _SCAN.finditer(text):
        g = m.group()
        c = g[0]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth = max(depth - 1, 0)
        elif g == "\n" or g == "\\\n":
            line += 1
            depth_at.append(depth)
            if c == "\\":
                skip.add(line)
        elif c != "#" and "\n" in g:
            for _ in range(g.count("\n")):
                line += 1
                depth_at.append(depth)
                skip.add(line)
    starts = []
    decorated = False
    for k, raw in enumerate(text.split("\n")):
        if not raw or raw[0] in " \t#" or k in skip or (k < len(depth_at) and depth_at[k]):
            continue
        word = re.match(r"\w*", raw).group()
        if raw[0] in ")]}" or word in _CONTINUES:
            decorated = False
            continue
        if not decorated:
            starts.append(k)
        decorated = raw.startswith("@")
    return tuple(starts)


class _State(NamedTuple):
    text: str
    chain: Tuple[Cand, ...]
    root_off: Tuple[bool, int, int]  # where its first error is, in the round's starting text (see _progress)


def _round(text: str, err: SyntaxErrorInfo, deadline: float):
    """The cheapest results past this error: a list of (cost, text, chain, error after or None), or why none."""
    site = Site(text, err.msg, err.lineno, err.offset, err.end_lineno, err.end_offset)
    line_end = site.starts[site.line + 1] if site.line + 1 < len(site.starts) else len(text)
    heap: list = []
    seq = 0
    root = _State(text, (), _progress(text, err, ()))
    strict = declaration_error(err.msg)
    for cand in candidates(site):
        heap.append((cand.cost, seq, root, cand))
        seq += 1
    heapq.heapify(heap)
    seen = {hash(text)}  # hashes, not texts: a long file's candidates would hold megabytes
    goals: list = []
    evals = expansions = 0
    while heap:
        cost, _, parent, cand = heapq.heappop(heap)
        if goals and cost > min(g[0] for g in goals) + TIE:
            break
        if evals >= ROUND_BUDGET or time.monotonic() > deadline:
            break
        new = apply(parent.text, cand.parts)
        key = hash(new)
        if key in seen:
            continue
        seen.add(key)
        evals += 1
        e = check(new)
        chain = parent.chain + (cand,)
        if e is None:
            goals.append((cost, new, chain, None))
            continue
        root_off = _progress(new, e, chain)
        if not _advanced(parent.root_off, root_off):
            continue
        if root_off[1] >= line_end:
            goals.append((cost + MOVED_PENALTY, new, chain, e))
            continue
        if len(chain) >= MAX_DEPTH or expansions >= MAX_EXPANSIONS:
            continue
        expansions += 1
        state = _State(new, chain, root_off)
        child = Site(new, e.msg, e.lineno, e.offset, e.end_lineno, e.end_offset)
        for c in candidates(child, only_equals=strict):
            heapq.heappush(heap, (cost + c.cost, seq, state, c))
            seq += 1
    if not goals:
        if evals >= ROUND_BUDGET or time.monotonic() > deadline:
            return "no repair found within the search budget" + (f" at line {err.lineno}" if err.lineno else "")
        # a SyntaxError without a line (a null byte, an encoding declaration) names no place to look near
        return "no repair found" + (f" near line {err.lineno}" if err.lineno else "")
    best = min(g[0] for g in goals)
    top = [g for g in goals if g[0] <= best + TIE]
    distinct = {}
    for g in top:
        distinct.setdefault(_squash(g[1]), g)
    return list(distinct.values())


def _progress(text: str, e: SyntaxErrorInfo, chain) -> Tuple[bool, int, int]:
    """Where the first error is, in the round's starting text: (an unclosed bracket?, the offset reported,
    the end of its line). CPython reports an unclosed bracket at the opener, and a print statement at its start,
    though it parsed to the end of the line at least."""
    off = offset_in(text, e.lineno, e.offset)
    nl = text.find("\n", off)
    eol = _map_back(len(text) if nl < 0 else nl, chain)
    if e.msg.startswith("Missing parentheses in call to"):
        return False, eol, eol  # reported at the statement's start; the parser read the whole line
    return "was never closed" in e.msg, _map_back(off, chain), eol


def _advanced(parent: Tuple[bool, int, int], child: Tuple[bool, int, int]) -> bool:
    """Did an edit get the parser further?"""
    p_open, p_off, p_eol = parent
    c_open, c_off, c_eol = child
    if not p_open and not c_open:
        return c_off > p_off
    if not p_open:
        return c_eol > p_off  # the line parsed to its end; only a bracket is left open
    if not c_open:
        return c_off > p_off  # past the opener that was never closed
    return c_off != p_off  # another bracket is the one left open (an inner one closed, or a later one opened)


def _squash(text: str) -> str:
    return "".join(text.split())


def apply(text: str, parts: Tuple[Part, ...]) -> str:
    for start, end, new in sorted(parts, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _map_back(off: int, chain: tuple) -> int:
    """An offset in the text after the chain of edits, as an offset in the text before them."""
    for link in reversed(chain):
        parts = link.parts if isinstance(link, Cand) else link
        shift = 0
        mapped = None
        for start, end, new in sorted(parts):
            s = start + shift
            if off < s:
                break
            if off < s + len(new):
                mapped = start
                break
            shift += len(new) - (end - start)
        off = mapped if mapped is not None else off - shift
    return off


def describe(text: str, chain) -> List[Edit]:
    """Each part of each edit of a chain as an Edit, positioned in the text it was applied to."""
    edits: List[Edit] = []
    for cand in chain:
        for start, end, new in sorted(cand.parts):
            line = text.count("\n", 0, start) + 1
            col = start - (text.rfind("\n", 0, start) + 1) + 1
            edits.append(Edit(line, col, text[start:end], new, cand.note))
        text = apply(text, cand.parts)
    return edits


def main(argv: List[str]) -> int:
    """`python pysearch.py INPUT.json`: INPUT holds {"texts": [...]}; prints one result per text as JSON."""
    with open(argv[1], encoding="utf-8") as fh:
        texts = json.load(fh)["texts"]
    out = [repair_text(t).to_json() for t in texts]
    sys.stdout.write(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
