"""The rule registry: one module per ecosystem, each exporting RULES (pattern rules, data) and
optionally FUNCTIONS (rules that need code). Adding a rule = adding an entry to one module's list.

Priorities, roughly: 100 a command whose failure is an answer (grep, diff); 85-95 a tool's own
decisive error; 70-84 language-level errors; 40-60 errors recognised from their wording in any
tool's output (permission denied, connection refused); 10-30 weak signals. Within a priority, a
match nearer the end of the output wins.
"""

from __future__ import annotations

from dataclasses import replace

from heal.diagnose.model import Context, Finding, FunctionRule, Rule
from heal.diagnose.rules import (c, generic, git, go, infra, java, network, node, other, precommit, process, python, rust,
                                 shell, testing)

MODULES = (process, shell, python, node, c, rust, go, java, git, infra, network, testing, precommit, other, generic)


def _with_ecosystem(module) -> tuple[Rule, ...]:
    return tuple(replace(r, facts={"ecosystem": module.ECOSYSTEM, **r.facts}) if module.ECOSYSTEM else r
                 for r in module.RULES)


def _tagged(function: FunctionRule, ecosystem: str) -> FunctionRule:
    def tagged(ctx: Context) -> Finding | None:
        found = function(ctx)
        if found is not None and ecosystem and "ecosystem" not in found.facts:
            found = replace(found, facts={"ecosystem": ecosystem, **found.facts})
        return found

    tagged.__name__ = function.__name__
    return tagged


PATTERN_RULES: tuple[Rule, ...] = tuple(r for m in MODULES for r in _with_ecosystem(m))
# the rules' needles, and the GUARDS of function rules (substrings they check before doing any work)
NEEDLES: frozenset[str] = frozenset([n for r in PATTERN_RULES for n in r.needles]
                                    + [g for m in MODULES for g in getattr(m, "GUARDS", ())])


def needle_hits(low: str) -> dict[str, list[int]]:
    """Start offsets of every rule needle in `low`, found in one pass.

    Aho-Corasick (ahocorasick-rs, Rust) instead of one substring search per needle: with ~400 needles
    the searches alone cost ~160 ms per MB of output; one automaton pass costs under 10."""
    hits: dict[str, list[int]] = {}
    needles = _NEEDLE_LIST
    for index, start, _ in _automaton().find_matches_as_indexes(low, overlapping=True):
        hits.setdefault(needles[index], []).append(start)
    return hits


_NEEDLE_LIST: list[str] = sorted(NEEDLES)
_AUTOMATON = None


def _automaton():
    global _AUTOMATON
    if _AUTOMATON is None:
        import ahocorasick_rs

        _AUTOMATON = ahocorasick_rs.AhoCorasick(_NEEDLE_LIST, matchkind=ahocorasick_rs.MatchKind.Standard)
    return _AUTOMATON
FUNCTION_RULES: tuple[FunctionRule, ...] = tuple(
    _tagged(f, m.ECOSYSTEM) for m in MODULES for f in getattr(m, "FUNCTIONS", ()))
