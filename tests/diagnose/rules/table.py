"""Rows of the per-ecosystem rule tables (tests/diagnose/rules/test_<module>.py), thefuck-style: a real output,
the command that printed it and its exit status, and what diagnosis must make of it.

Every output is real: quoted verbatim from shared/benchmarks (ci_logs.jsonl / thefuck_cases.jsonl, by case
index), from a captured fixture (fixtures/outputs/<id>.json, loaded by `fixture()`), from an issue thread or a
tool's own test data (cited by URL or path), or captured by running the tool on this project's machine (the tool
and version are named). A row whose output is an excerpt of a longer log says so in its source. Public host
names in outputs are replaced by `registry.example`, as fixtures/ do (loopback, .invalid and example hosts stay).

- `Match`: the rule must win, with its category and the key facts.
- `NoMatch`: another error from the same tool, or near-miss wording: the rule must not win, and `winner` must.
- `Shadowed`: a real output the rule's own pattern matches but which another rule decides, for a rule no real
  output was found to be decided by (a known gap, listed in the report that added it): the rule's pattern must
  still match, and `winner` must decide. When the rule starts winning, move the row to Match.

Diagnosis runs in process (heal.diagnose.diagnose), so the tables stay fast.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from heal.diagnose import diagnose
from heal.diagnose.rules import PATTERN_RULES
from heal.diagnose.text import clean

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


@dataclass(frozen=True)
class Match:
    rule: str
    output: str
    argv: Sequence[str]
    exit_code: int | None
    category: str
    source: str
    facts: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class NoMatch:
    rule: str  # the rule that must not win
    winner: str  # the rule that must
    output: str
    argv: Sequence[str]
    exit_code: int | None
    source: str


@dataclass(frozen=True)
class Shadowed:
    rule: str  # the rule whose pattern matches
    winner: str  # the rule that decides
    output: str
    argv: Sequence[str]
    exit_code: int | None
    source: str
    why: str


Row = Match | NoMatch | Shadowed


def fixture(fixture_id: str) -> tuple[str, list[str], int]:
    """(output, argv, exit status) of a captured fixture: real output, for not-match rows."""
    with open(os.path.join(ROOT, "fixtures", "outputs", f"{fixture_id}.json"), encoding="utf-8") as fh:
        case = json.load(fh)
    return case["output"], case["argv"], case["exit_code"]


def from_fixture(rule: str, winner: str, fixture_id: str) -> NoMatch:
    output, argv, exit_code = fixture(fixture_id)
    return NoMatch(rule, winner, output, argv, exit_code, f"fixtures/outputs/{fixture_id}.json")


def row_id(row: Row) -> str:
    kind = {Match: "match", NoMatch: "not", Shadowed: "shadowed"}[type(row)]
    return f"{kind}-{row.rule}"


def ids(rows: Sequence[Row]) -> list[str]:
    """Unique pytest ids: the kind and the rule, numbered when a rule has several rows of a kind."""
    seen: dict[str, int] = {}
    out = []
    for row in rows:
        base = row_id(row)
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return out


def fact_matches(key: str, want: object, got: object) -> bool:
    if key == "file" and isinstance(want, str) and isinstance(got, str):
        got, want = got.removeprefix("./"), want.removeprefix("./")
        return got == want or got.endswith("/" + want)
    if key == "tests" and isinstance(want, list) and isinstance(got, list):
        return sorted(want) == sorted(got)
    return want == got


def check(row: Row) -> None:
    assert row.source, "every row names where its output comes from"
    d = diagnose(row.output, argv=list(row.argv), exit_code=row.exit_code)
    if isinstance(row, Match):
        assert d.rule == row.rule, f"{d.rule!r} won, not {row.rule!r} ({d.category}: {d.summary})"
        assert d.category == row.category, f"category {d.category!r}, not {row.category!r} ({d.summary})"
        for key, value in row.facts.items():
            assert fact_matches(key, value, d.facts.get(key)), f"fact {key}: {d.facts.get(key)!r} != {value!r}"
        return
    assert d.rule != row.rule, f"{row.rule!r} won this output, which is {row.winner!r}'s ({d.summary})"
    assert d.rule == row.winner, f"{d.rule!r} won, not {row.winner!r} ({d.category}: {d.summary})"
    if isinstance(row, Shadowed):
        assert pattern_matches(row.rule, row.output), \
            f"{row.rule!r}'s own pattern no longer matches this real output"


def pattern_matches(rule_id: str, output: str) -> bool:
    """Whether a pattern rule's needles and regex find this output (whoever wins it)."""
    rule = next(r for r in PATTERN_RULES if r.id == rule_id)
    text = clean(output)
    low = text.lower()
    return any(n in low for n in rule.needles) and re.compile(rule.pattern, rule.flags).search(text) is not None
