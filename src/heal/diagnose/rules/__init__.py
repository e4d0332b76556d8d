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
from heal.diagnose.rules import (c, generic, git, go, infra, java, network, node, other, process, python, rust, shell,
                                 testing)

MODULES = (process, shell, python, node, c, rust, go, java, git, infra, network, testing, other, generic)


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
NEEDLES: frozenset[str] = frozenset(n for r in PATTERN_RULES for n in r.needles)


def needle_hits(low: str) -> dict[str, list[int]]:
    """Start offsets of every rule needle in `low`, found in one pass.

    Aho-Corasick (pyahocorasick, C) instead of one substring search per needle: with ~400 needles the
    searches alone cost ~160 ms per MB of output; one automaton pass costs ~17 ms."""
    hits: dict[str, list[int]] = {}
    for end, needle in _automaton().iter(low):
        hits.setdefault(needle, []).append(end - len(needle) + 1)
    return hits


_AUTOMATON = None


def _automaton():
    global _AUTOMATON
    if _AUTOMATON is None:
        import ahocorasick

        automaton = ahocorasick.Automaton()
        for needle in NEEDLES:
            automaton.add_word(needle, needle)
        automaton.make_automaton()
        _AUTOMATON = automaton
    return _AUTOMATON
FUNCTION_RULES: tuple[FunctionRule, ...] = tuple(
    _tagged(f, m.ECOSYSTEM) for m in MODULES for f in getattr(m, "FUNCTIONS", ()))
