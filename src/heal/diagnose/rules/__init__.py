"""The rule registry: one module per ecosystem, each exporting RULES (pattern rules, data) and
optionally FUNCTIONS (rules that need code). Adding a rule = adding an entry to one module's list.

Priorities, roughly: 100 a command whose failure is an answer (grep, diff); 85-95 a tool's own
decisive error; 70-84 language-level errors; 40-60 errors recognised from their wording in any
tool's output (permission denied, connection refused); 10-30 weak signals. Within a priority, a
match nearer the end of the output wins.
"""

from __future__ import annotations

from _collections_abc import Callable  # collections.abc's, without importing collections

from heal.diagnose.model import Context, Finding, FunctionRule, Rule, replace
from heal.diagnose.rules import (c, generic, git, go, infra, java, network, node, other, precommit, process, python, rust,
                                 shell, testing)

MODULES = (process, shell, python, node, c, rust, go, java, git, infra, network, testing, precommit, other, generic)


def _tagged(function: FunctionRule, ecosystem: str) -> FunctionRule:
    def tagged(ctx: Context) -> Finding | None:
        found = function(ctx)
        if found is not None and ecosystem and "ecosystem" not in found.facts:
            found = replace(found, facts={"ecosystem": ecosystem, **found.facts})
        return found

    tagged.__name__ = function.__name__
    return tagged


PATTERN_RULES: tuple[Rule, ...] = tuple(r for m in MODULES for r in m.RULES)
# each pattern rule's ecosystem (its module's, "" for none), which diagnosis puts first in its findings' facts:
# copying every rule with it at import cost ~0.8 ms of each failing run
ECOSYSTEMS: tuple[str, ...] = tuple(m.ECOSYSTEM for m in MODULES for _ in m.RULES)
# the rules' needles, and the GUARDS of function rules (substrings they check before doing any work)
NEEDLES: frozenset[str] = frozenset([n for r in PATTERN_RULES for n in r.needles]
                                    + [g for m in MODULES for g in getattr(m, "GUARDS", ())])


def needle_hits(low: str) -> dict[str, list[int]]:
    """Start offsets of every rule needle in `low` (the output in lower case), found in one pass.

    Aho-Corasick (ahocorasick-rs, Rust) instead of one substring search per needle: with ~500 needles
    the searches alone cost ~160 ms per MB of output; one automaton pass costs ~5. It searches bytes, one
    per character, where `?` (which no needle holds) stands for each non-ASCII character: every offset
    is the character's, and the ASCII needles' matches are the text's. (A str haystack costs twice as
    much once it holds one non-ASCII character: the library then maps UTF-8 offsets back.)"""
    return _hits(low.encode("ascii", "replace"), None if low.isascii() else lambda: low)


def needle_hits_folded(folded: bytes, text: str) -> dict[str, list[int]]:
    """needle_hits(text.lower()), given text and clean_folded's bytes for it (which spare the text's
    lower case: on a text with characters beyond Latin-1 that costs more than the search). A needle of
    caseless characters (✖) is where it is in the text: no other character has it as its lower case."""
    return _hits(folded, None if text.isascii() else lambda: text if _CASELESS else text.lower())


def _hits(data: bytes, low: Callable[[], str] | None) -> dict[str, list[int]]:
    """The needles' offsets in data; low gives the lower-case text for the non-ASCII needles (None: the
    text is ASCII, so they are not in it)."""
    global _scanned
    _scanned += len(data)
    starts: list[list[int]] = [[] for _ in _NEEDLE_LIST]
    if len(data) < SMALL and not _AUTOMATA:
        _small_hits(data, starts)
    else:
        matches = _automaton(_scanned >= DFA_AFTER).find_matches_as_indexes(data, overlapping=True)
        # a list per needle, filled by index, rather than a dict lookup per match: a megabyte of CI log has
        # ~20,000 matches, and this loop is the pass's main cost after the search itself
        append = [starts[i].append for i in _ASCII]
        for index, start, _ in matches:
            append[index](start)
    if low is not None:  # the few non-ASCII needles, in the text itself
        text = low()
        for index in _NON_ASCII:
            needle, found = _NEEDLE_LIST[index], starts[index]
            at = text.find(needle)
            while at >= 0:
                found.append(at)
                at = text.find(needle, at + 1)
    return {needle: found for needle, found in zip(_NEEDLE_LIST, starts) if found}


_NEEDLE_LIST: list[str] = sorted(NEEDLES)
# The automaton holds the ASCII needles (the others could match Latin-1 bytes of another text); `?` stands
# for the characters the bytes cannot hold, so it must not be part of a needle.
_ASCII = [i for i, needle in enumerate(_NEEDLE_LIST) if needle.isascii()]
_NON_ASCII = [i for i, needle in enumerate(_NEEDLE_LIST) if not needle.isascii()]
_CASELESS = all(c.lower() == c == c.upper() for i in _NON_ASCII for c in _NEEDLE_LIST[i])
assert not any("?" in needle for needle in _NEEDLE_LIST), "a needle holds '?', which stands for other characters"
assert all(len(_NEEDLE_LIST[i]) >= 3 for i in _ASCII), "an ASCII needle shorter than the prefixes _small_hits indexes"
# A DFA searches ~1.5x faster than the default automaton (a contiguous NFA) but takes ~4 ms more to build,
# which pays back after about a megabyte: so the DFA is built once this process has searched that much.
DFA_AFTER = 1 << 20
_scanned = 0
_AUTOMATA: dict[bool, object] = {}


# Below this many bytes, and until this process has built an automaton, needles are found by str.find: only
# those whose first three bytes occur in the text are looked for (~0.2 ms per KB), where building the automaton
# (with its module's import) costs ~1.5 ms before it searches anything. Most failures' outputs are this small.
SMALL = 4096
_BY_PREFIX: dict[bytes, list[tuple[int, bytes]]] = {}


def _small_hits(data: bytes, starts: list[list[int]]) -> None:
    """Every occurrence of every ASCII needle in data (overlapping, as the automaton reports them), into starts."""
    if not _BY_PREFIX:
        for i in _ASCII:
            needle = _NEEDLE_LIST[i].encode()
            _BY_PREFIX.setdefault(needle[:3], []).append((i, needle))
    grams = {data[i:i + 3] for i in range(len(data) - 2)}
    for prefix in grams & _BY_PREFIX.keys():
        for i, needle in _BY_PREFIX[prefix]:
            found, find = starts[i], data.find
            at = find(needle)
            while at >= 0:
                found.append(at)
                at = find(needle, at + 1)


def _automaton(dfa: bool):
    automaton = _AUTOMATA.get(dfa)
    if automaton is None:
        import ahocorasick_rs as ac

        options = {"matchkind": ac.MatchKind.Standard}
        if dfa:
            options["implementation"] = ac.Implementation.DFA
        automaton = ac.BytesAhoCorasick([_NEEDLE_LIST[i].encode() for i in _ASCII], **options)
        _AUTOMATA[dfa] = automaton
    return automaton


FUNCTION_RULES: tuple[FunctionRule, ...] = tuple(
    _tagged(f, m.ECOSYSTEM) for m in MODULES for f in getattr(m, "FUNCTIONS", ()))
