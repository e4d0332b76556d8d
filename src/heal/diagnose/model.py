"""The values diagnosis works with: what a rule sees (Context), what it reports (Finding), what
diagnosis hands on (Diagnosis), and the shape of a rule.

Plain slotted classes rather than dataclasses: they sit on the failure path, where importing
dataclasses (with the inspect and ast it pulls in) and generating the classes cost more than diagnosing
a small output. They behave as the frozen dataclasses they replace: positional or keyword construction,
field equality and hashing, a repr, no assignment after construction, and `replace(obj, **changes)` in
place of dataclasses.replace.
"""

from __future__ import annotations

from _collections_abc import Callable, Mapping  # collections.abc's, without importing collections

from heal import rx
from heal.record import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing on the failure path
if TYPE_CHECKING:
    from typing import Any, TypeVar

    _R = TypeVar("_R", bound="_Record")

CATEGORIES = ("dependency", "syntax", "test", "build", "runtime", "network", "permission", "configuration",
              "deployment", "unknown")
SEVERITIES = ("critical", "high", "medium", "low", "info")

_set = object.__setattr__  # how the constructors fill the slots of an otherwise read-only object


_Record = Record  # heal.record: frozen-dataclass behaviour for slotted classes


def replace(obj: _R, **changes: Any) -> _R:
    """A copy of obj with some fields changed (what dataclasses.replace did for these classes)."""
    cls = type(obj)
    new = cls.__new__(cls)
    for name in cls._fields:  # slot by slot: at import, every rule is copied with its ecosystem added
        _set(new, name, changes.pop(name) if name in changes else getattr(obj, name))
    if changes:
        raise TypeError(f"{cls.__name__} has no field {', '.join(sorted(changes))}")
    return new


class Context(_Record):
    """A failed run as the rules see it: cleaned text plus what is known about the command."""

    __slots__ = ("text", "argv", "tool", "exit_code", "signal", "timed_out", "hung", "hits")
    text: str  # ANSI stripped, CRLF and progress lines resolved, secrets redacted
    argv: tuple[str, ...]
    tool: str  # the program that really ran, wrappers peeled (`npx jest` -> jest)
    exit_code: int | None
    signal: int | None
    timed_out: bool
    hung: bool
    # where each rule needle occurs in `low` (one Aho-Corasick pass over the output finds them all)
    hits: Mapping[str, list[int]]

    def __init__(self, text: str, argv: tuple[str, ...] = (), tool: str = "", exit_code: int | None = None,
                 signal: int | None = None, timed_out: bool = False, hung: bool = False,
                 hits: Mapping[str, list[int]] | None = None) -> None:
        _set(self, "text", text)
        _set(self, "argv", argv)
        _set(self, "tool", tool)
        _set(self, "exit_code", exit_code)
        _set(self, "signal", signal)
        _set(self, "timed_out", timed_out)
        _set(self, "hung", hung)
        _set(self, "hits", {} if hits is None else hits)

    def has(self, needle: str) -> bool:
        """Whether a (lower-case) needle occurs in the output: a dict lookup, since the one Aho-Corasick
        pass found them all. Needles must be registered in a rules module's GUARDS or a rule's needles."""
        return needle in self.hits

    def line_at(self, pos: int) -> tuple[int, int]:
        """Start and end offsets of the line holding offset pos."""
        start = self.text.rfind("\n", 0, pos) + 1
        end = self.text.find("\n", pos)
        return start, (len(self.text) if end < 0 else end)


class Finding(_Record):
    """One rule's reading of the output; the best-scoring finding becomes the diagnosis."""

    __slots__ = ("rule", "category", "severity", "summary", "facts", "evidence", "score")
    rule: str
    category: str
    severity: str
    summary: str
    facts: Mapping[str, object]
    evidence: tuple[str, ...]
    score: float

    def __init__(self, rule: str, category: str, severity: str, summary: str, facts: Mapping[str, object],
                 evidence: tuple[str, ...], score: float) -> None:
        _set(self, "rule", rule)
        _set(self, "category", category)
        _set(self, "severity", severity)
        _set(self, "summary", summary)
        _set(self, "facts", facts)
        _set(self, "evidence", evidence)
        _set(self, "score", score)


class Diagnosis(_Record):
    __slots__ = ("category", "severity", "summary", "facts", "evidence", "signature", "rule", "fingerprint")
    _hidden = ("fingerprint",)
    category: str
    severity: str
    summary: str
    facts: Mapping[str, object]
    evidence: tuple[str, ...]
    signature: str
    rule: str
    fingerprint: str  # the normalised evidence the signature hashes

    def __init__(self, category: str, severity: str, summary: str, facts: Mapping[str, object],
                 evidence: tuple[str, ...], signature: str, rule: str = "", fingerprint: str = "") -> None:
        _set(self, "category", category)
        _set(self, "severity", severity)
        _set(self, "summary", summary)
        _set(self, "facts", facts)
        _set(self, "evidence", evidence)
        _set(self, "signature", signature)
        _set(self, "rule", rule)
        _set(self, "fingerprint", fingerprint)

    def to_json(self, fixes: list[dict] | None = None) -> dict:
        """The `heal diagnose --json` object (contract in DESIGN.md)."""
        return {
            "category": self.category,
            "severity": self.severity,
            "summary": self.summary,
            "signature": self.signature,
            "facts": dict(self.facts),
            "fixes": fixes or [],
        }


Refine = Callable[[Context, "rx.Match[str]", dict], "dict | None"]


class Rule(_Record):
    """A pattern rule: when any needle is in the lower-cased output and `pattern` matches, report
    `category`/`severity` with `summary` formatted from the facts. Named groups of the pattern
    become facts; `facts` adds constant ones. `refine(ctx, match, facts)` may adjust the facts
    (including `category`, `severity`, `summary` keys, which override the rule's) or return None to
    veto the match. Later matches in the output score higher than earlier ones."""

    __slots__ = ("id", "category", "severity", "pattern", "summary", "needles", "priority", "facts", "refine",
                 "tools", "flags", "first")
    id: str
    category: str
    severity: str
    pattern: str
    summary: str
    needles: tuple[str, ...]
    priority: int
    facts: Mapping[str, object]
    refine: Refine | None
    tools: tuple[str, ...]  # only when the command is one of these (empty: any command)
    flags: int
    first: bool  # the first match decides, not the last (the cause precedes the fallout)

    def __init__(self, id: str, category: str, severity: str, pattern: str, summary: str, needles: tuple[str, ...],
                 priority: int = 50, facts: Mapping[str, object] | None = None, refine: Refine | None = None,
                 tools: tuple[str, ...] = (), flags: int = rx.MULTILINE, first: bool = False) -> None:
        _set(self, "id", id)
        _set(self, "category", category)
        _set(self, "severity", severity)
        _set(self, "pattern", pattern)
        _set(self, "summary", summary)
        _set(self, "needles", needles)
        _set(self, "priority", priority)
        # a fresh dict per rule, as dataclasses' default_factory gave: a caller may not share one by accident
        _set(self, "facts", {} if facts is None else facts)
        _set(self, "refine", refine)
        _set(self, "tools", tools)
        _set(self, "flags", flags)
        _set(self, "first", first)


FunctionRule = Callable[[Context], "Finding | None"]
