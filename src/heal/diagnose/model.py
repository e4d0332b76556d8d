"""The values diagnosis works with: what a rule sees (Context), what it reports (Finding), what
diagnosis hands on (Diagnosis), and the shape of a rule."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

CATEGORIES = ("dependency", "syntax", "test", "build", "runtime", "network", "permission", "configuration",
              "deployment", "unknown")
SEVERITIES = ("critical", "high", "medium", "low", "info")


@dataclass(frozen=True)
class Context:
    """A failed run as the rules see it: cleaned text plus what is known about the command."""

    text: str  # ANSI stripped, CRLF and progress lines resolved, secrets redacted
    argv: tuple[str, ...] = ()
    tool: str = ""  # the program that really ran, wrappers peeled (`npx jest` -> jest)
    exit_code: int | None = None
    signal: int | None = None
    timed_out: bool = False
    hung: bool = False
    # where each rule needle occurs in `low` (one Aho-Corasick pass over the output finds them all)
    hits: Mapping[str, list[int]] = field(default_factory=dict)

    def has(self, needle: str) -> bool:
        """Whether a (lower-case) needle occurs in the output: a dict lookup, since the one Aho-Corasick
        pass found them all. Needles must be registered in a rules module's GUARDS or a rule's needles."""
        return needle in self.hits

    def line_at(self, pos: int) -> tuple[int, int]:
        """Start and end offsets of the line holding offset pos."""
        start = self.text.rfind("\n", 0, pos) + 1
        end = self.text.find("\n", pos)
        return start, (len(self.text) if end < 0 else end)


@dataclass(frozen=True)
class Finding:
    """One rule's reading of the output; the best-scoring finding becomes the diagnosis."""

    rule: str
    category: str
    severity: str
    summary: str
    facts: Mapping[str, object]
    evidence: tuple[str, ...]
    score: float


@dataclass(frozen=True)
class Diagnosis:
    category: str
    severity: str
    summary: str
    facts: Mapping[str, object]
    evidence: tuple[str, ...]
    signature: str
    rule: str = ""
    fingerprint: str = field(default="", repr=False)  # the normalised evidence the signature hashes

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


Refine = Callable[[Context, "re.Match[str]", dict], "dict | None"]


@dataclass(frozen=True)
class Rule:
    """A pattern rule: when any needle is in the lower-cased output and `pattern` matches, report
    `category`/`severity` with `summary` formatted from the facts. Named groups of the pattern
    become facts; `facts` adds constant ones. `refine(ctx, match, facts)` may adjust the facts
    (including `category`, `severity`, `summary` keys, which override the rule's) or return None to
    veto the match. Later matches in the output score higher than earlier ones."""

    id: str
    category: str
    severity: str
    pattern: str
    summary: str
    needles: tuple[str, ...]
    priority: int = 50
    facts: Mapping[str, object] = field(default_factory=dict)
    refine: Refine | None = None
    tools: tuple[str, ...] = ()  # only when the command is one of these (empty: any command)
    flags: int = re.MULTILINE
    first: bool = False  # the first match decides, not the last (the cause precedes the fallout)


FunctionRule = Callable[[Context], "Finding | None"]
