"""Regular expressions compiled on first use, and scanned only where a match can start.

Diagnosis holds a few hundred patterns, and a failure needs only the few whose rules' needles occur in
its output: compiling them all when the modules load cost more than the diagnosis itself (~30 ms of a
~150 ms `heal diagnose`). `lazy(pattern, flags)` stands in for `rx.compile(pattern, flags)` at module
level and compiles on the first method call.

Most of these patterns are multi-line and anchored (`^FAILED ...`). Python's regex engine does not skip
ahead to line starts: it tries `^` at every character, ~9 ms per MB of output per pattern whatever the
rest of it. Over long texts, search/finditer/findall of such a pattern therefore look for a newline
followed by the pattern (a literal first character, which the engine scans for in C: ~0.5 ms per MB),
then take the real match at the line start found; patterns that start with `.*` are tried only on the
lines that hold a string every match needs. The matches are exactly finditer's: see line_finditer.
`needed(regex)` gives such strings to callers that can skip whole stretches of text without them.
"""

from __future__ import annotations

import sys
from _collections_abc import Iterator  # collections.abc's, without importing collections

from heal import rx
from heal.recache import compile as cached_compile

# Texts shorter than this are scanned as they are: the line finder costs a second compile of the pattern.
LARGE = 16 * 1024
MIN_LITERAL = 2  # shorter required strings pick almost every line: no use as a filter
# what callers use of a compiled pattern and get straight from it once it is compiled: after the first
# use these are the compiled pattern's own bound methods, stored on the instance, so calls cost exactly
# what calls on a rx.Pattern cost
_DIRECT = ("match", "fullmatch", "sub", "subn", "split", "scanner", "flags", "groups", "groupindex")


class LazyPattern:
    """A rx.Pattern that compiles when first used. Not a subclass (rx.Pattern cannot be subclassed):
    code that needs the real object (isinstance, re.sub(pattern, ...)) takes `.compiled`."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.__dict__["_source"] = (pattern, flags)
        self.__dict__["pattern"] = pattern  # rules reuse a helper's source text at import: no compile for that

    @property
    def compiled(self) -> rx.Pattern[str]:
        return self._compile()

    def _compile(self) -> rx.Pattern[str]:
        compiled: rx.Pattern[str] = cached_compile(*self._source)
        for name in _DIRECT:
            self.__dict__[name] = getattr(compiled, name)
        self.__dict__["_compile"] = lambda: compiled
        return compiled

    def __getattr__(self, name: str) -> object:
        # only reached while a name is missing from the instance: before the first use
        if name not in _DIRECT:
            raise AttributeError(name)
        return getattr(self._compile(), name)

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[rx.Match[str]]:
        compiled = self._compile()
        if min(endpos, len(string)) - pos < LARGE:
            return compiled.finditer(string, pos, endpos)
        return line_finditer(compiled, string, pos, endpos)

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> rx.Match[str] | None:
        compiled = self._compile()
        if min(endpos, len(string)) - pos < LARGE:
            return compiled.search(string, pos, endpos)
        return next(line_finditer(compiled, string, pos, endpos), None)

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list:
        compiled = self._compile()
        if min(endpos, len(string)) - pos < LARGE or _plan(compiled) is None:
            return compiled.findall(string, pos, endpos)
        return [_found(m, compiled.groups) for m in line_finditer(compiled, string, pos, endpos)]

    def __repr__(self) -> str:
        return f"lazy({self._source[0]!r}, {self._source[1]!r})"


def lazy(pattern: str, flags: int = 0) -> rx.Pattern[str]:
    """rx.compile(pattern, flags), deferred to the first use. Typed as the pattern it stands for: every
    method a caller uses of a rx.Pattern works on it."""
    return LazyPattern(pattern, flags)  # type: ignore[return-value]


def _found(m: rx.Match[str], groups: int) -> object:
    """What findall reports for one match."""
    if groups == 0:
        return m.group(0)
    if groups == 1:
        return m.group(1) or ""
    return tuple(g or "" for g in m.groups())


def line_finditer(regex: rx.Pattern[str], string: str, pos: int = 0, endpos: int = sys.maxsize
                  ) -> Iterator[rx.Match[str]]:
    """regex.finditer(string, pos, endpos): the same matches, found faster when the pattern says where
    they can start.

    Why the matches are the same: finditer tries each position from pos in turn and, after a match, goes
    on from its end. Positions where no match can start need no trying; at the others the real match is
    taken with regex.match (same text, flags and endpos), in order, from pos and from the end of each
    match. Which positions are tried depends on the pattern (see _make_plan):

    - `lines`: every match starts at a line start, holds no newline and holds one of a few strings
      (`^.*(?:A|B).*$` rules): the starts of the lines holding one of them.
    - `newlines`: every match starts at a line start: pos itself when a line starts there, then the line
      starts where a newline followed by the pattern matches (a finder that starts with a literal, which
      the engine scans for in C, where it tries `^` at every character of the text).
    - `starts`: every match starts with one of a few strings after a zero-width test such as `\\b`, which
      keeps the engine from scanning for them: their occurrences.

    A pattern that can match the empty string is left to finditer (after an empty match finditer retries
    the same position for a longer one), as is anything the analysis does not recognise."""
    plan = _plan(regex)
    if plan is None:
        yield from regex.finditer(string, pos, endpos)
        return
    endpos = min(endpos, len(string))
    pos = max(pos, 0)
    if pos > endpos:
        return
    kind, finder, strings = plan
    match = regex.match
    if kind == "starts":
        hits = _Occurrences(strings, string, endpos)
        at = pos
        while (p := hits.next(at)) >= 0:
            m = match(string, p, endpos)
            if m is None:
                at = p + 1
            else:
                yield m
                at = m.end()
        return
    if kind == "lines":
        hits = _Occurrences(strings, string, endpos)
        find, rfind = string.find, string.rfind
        at = pos
        while (p := hits.next(at)) >= 0:
            start = rfind("\n", 0, p) + 1
            if start >= pos:  # a line that starts before pos is not finditer's to try
                m = match(string, start, endpos)
                if m is not None:
                    yield m
            nl = find("\n", p, endpos)
            if nl < 0:
                return
            at = nl + 1
        return
    at = pos
    if pos == 0 or string[pos - 1] == "\n":
        m = match(string, pos, endpos)
        if m is not None:
            yield m
            at = m.end() - 1  # a line that starts where the match ends is tried next
    search = finder.search  # type: ignore[union-attr]
    while True:
        nl = search(string, at, endpos)
        if nl is None:
            return
        m = match(string, nl.start() + 1, endpos)
        if m is None:  # cannot happen (the finder matched there); move on rather than loop
            at = nl.start() + 1
            continue
        yield m
        at = m.end() - 1


class _Occurrences:
    """The next position at or after `at` where one of some strings occurs (whole) before endpos.
    A few strings: str.find per string, each string's next occurrence remembered (an alternation of
    literals with different first characters costs the regex engine ~10x a single literal's search).
    More: the alternation all the same."""

    __slots__ = ("strings", "string", "endpos", "next_at", "regex")

    def __init__(self, strings: tuple[str, ...] | rx.Pattern[str], string: str, endpos: int) -> None:
        self.regex = None if isinstance(strings, tuple) else strings
        self.strings = () if self.regex is not None else strings
        self.string = string
        self.endpos = endpos
        self.next_at = [-2] * len(self.strings)  # -2: not looked for yet; -1: no more

    def next(self, at: int) -> int:
        if self.regex is not None:
            m = self.regex.search(self.string, at, self.endpos)
            return -1 if m is None else m.start()
        best = -1
        find, endpos, next_at = self.string.find, self.endpos, self.next_at
        for i, s in enumerate(self.strings):
            p = next_at[i]
            if p == -1:
                continue
            if p < at:
                p = next_at[i] = find(s, at, endpos)
                if p < 0:
                    continue
            if best < 0 or p < best:
                best = p
        return best


# kind, the finder (for "newlines"), the strings or a regex of them (for "lines" and "starts")
_Plan = tuple[str, "rx.Pattern[str] | None", "tuple[str, ...] | rx.Pattern[str]"]
MAX_FIND = 8  # more strings than this and the scan would cost more than the engine's own


def _plan(regex: rx.Pattern[str]) -> _Plan | None:
    """How line_finditer scans for regex, or None: as finditer does."""
    return _analysis(regex)[0]


def needed(regex: rx.Pattern[str]) -> tuple[str, ...] | rx.Pattern[str] | None:
    """Strings one of which every match of regex holds, as a tuple (a few, for str.find) or a regex of
    them: a text without any of them holds no match. None when unknown, when the scan plan already looks
    for them, or when a regex of many strings would cost more than the pattern's own cheap scan."""
    return _analysis(regex)[1]


_ANALYSES: dict[tuple[str, int], tuple[_Plan | None, tuple[str, ...] | rx.Pattern[str] | None]] = {}


def _analysis(regex: rx.Pattern[str]) -> tuple[_Plan | None, tuple[str, ...] | rx.Pattern[str] | None]:
    key = (regex.pattern, regex.flags)
    found = _ANALYSES.get(key)
    if found is None:
        found = _ANALYSES[key] = _analyse(regex)
    return found


def _analyse(regex: rx.Pattern[str]) -> tuple[_Plan | None, tuple[str, ...] | rx.Pattern[str] | None]:
    if not isinstance(regex.pattern, str):
        return None, None
    try:
        try:
            from re import _parser as sre  # type: ignore[attr-defined]
        except ImportError:  # Python 3.10
            import sre_parse as sre  # type: ignore[no-redef]
        tree = sre.parse(regex.pattern, regex.flags)
    except Exception:  # a newer parser: scan as the pattern says
        return None, None
    try:
        plan = _make_plan(regex, tree, sre)
    except Exception:  # an unknown tree shape
        plan = None
    strings: tuple[str, ...] | rx.Pattern[str] | None = None
    try:
        if not tree.state.flags & rx.IGNORECASE and (plan is None or plan[0] == "newlines"):
            required = _required(tree.data, sre)
            if required:
                strings = _findable(required)
                cheap_scan = plan is None or _selective(tree.data, sre)
                if not isinstance(strings, tuple) and cheap_scan:
                    strings = None
    except Exception:
        strings = None
    return plan, strings


def _make_plan(regex: rx.Pattern[str], tree: object, sre: object) -> _Plan | None:
    flags = tree.state.flags  # type: ignore[attr-defined]
    if tree.getwidth()[0] == 0:  # type: ignore[attr-defined]
        return None
    items = tree.data  # type: ignore[attr-defined]
    caseless = bool(flags & rx.IGNORECASE)
    if not flags & rx.MULTILINE or not _anchored(items, sre):
        # not line-anchored: worth a plan only when a zero-width test leads (`\\b`, a lookbehind),
        # which keeps the engine from scanning for the strings that follow
        if caseless or not items or str(items[0][0]) not in ("AT", "ASSERT", "ASSERT_NOT"):
            return None
        starts = _prefix(items, sre)
        return ("starts", None, _findable(starts, prefixes=True)) if starts else None
    # A finder rejects a line after a character or two when the pattern's start is that selective
    # (`^FAILED`); a pattern that starts with `.*` costs a scan of each line, worth avoiding when some
    # strings must be in the line: then only the lines that hold one are tried.
    if not caseless and not _selective(items, sre) and not _newline(items, sre, bool(flags & rx.DOTALL)):
        required = _required(items, sre)
        if required:
            return "lines", None, _findable(required)
    # global inline flags must stay at the front of the pattern
    lead = rx.match(r"\(\?[aiLmsux]+\)", regex.pattern)
    head = lead.group(0) if lead else ""
    return "newlines", cached_compile(head + "\n(?:" + regex.pattern[len(head):] + ")", regex.flags), ()


def _findable(strings: set[str], prefixes: bool = False) -> tuple[str, ...] | rx.Pattern[str]:
    """What to look for to find `strings` (each holding, or with prefixes=True starting with, one of
    them): their longest common substring (prefix) when it has 3 characters or more, else the strings
    themselves if there are few enough, else a regex of them."""
    shortest = min(strings, key=len)
    for size in range(len(shortest), 2, -1):
        for i in range(1 if prefixes else len(shortest) - size + 1):
            part = shortest[i:i + size]
            if all((s.startswith(part) if prefixes else part in s) for s in strings):
                return (part,)
    if len(strings) <= MAX_FIND:
        return tuple(sorted(strings))
    return cached_compile("|".join(rx.escape(s) for s in sorted(strings, key=len, reverse=True)))


def _prefix(items: list, sre: object) -> set[str] | None:
    """The strings every match of the sequence starts with (after zero-width items), or None."""
    run: set[str] = {""}
    for op, av in items:
        if str(op) in ("AT", "ASSERT", "ASSERT_NOT"):
            if run != {""}:
                break  # a test inside the run: what follows may still be known, but keep it simple
            continue
        exact = _exact([(op, av)], sre)
        if exact is None:
            break
        combined = {a + b for a in run for b in exact}
        if len(combined) > MAX_STRINGS:
            break
        run = combined
    return run if min(map(len, run)) >= MIN_LITERAL else None  # a "" in it: a match may start anyhow


def _anchored(items: list, sre: object) -> bool:
    """Whether the sequence of parse-tree items can only start matching at a line start: its first item
    is `^` (the parser writes AT_BEGINNING; MULTILINE, checked by the caller, makes it a line start),
    or a group or an alternation all of whose branches are."""
    if not items:
        return False
    op, av = items[0]
    if op is sre.AT:  # type: ignore[attr-defined]
        return av is sre.AT_BEGINNING  # type: ignore[attr-defined]
    if op is sre.SUBPATTERN:  # type: ignore[attr-defined]
        _group, add_flags, del_flags, sub = av
        if (add_flags | del_flags) & (rx.MULTILINE | rx.VERBOSE):
            return False
        return _anchored(sub.data, sre)
    if op is sre.BRANCH:  # type: ignore[attr-defined]
        return all(_anchored(branch.data, sre) for branch in av[1])
    return False


def _selective(items: list, sre: object) -> bool:
    """Whether the first character of a match of the sequence (after zero-width items) comes from a
    set of letters, digits or punctuation, so that a finder's attempt at a line rejects most lines at the
    first character."""
    for index, (op, av) in enumerate(items):
        name = str(op)
        if name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue
        if name == "LITERAL":
            return True
        if name == "IN":  # letters or digits, not a negation or a category such as \\S: a first-character test
            return all(str(member) in ("LITERAL", "RANGE") for member, _ in av)
        if name == "SUBPATTERN":
            return _selective(av[3].data + items[index + 1:], sre)
        if name == "BRANCH":
            return all(_selective(branch.data + items[index + 1:], sre) for branch in av[1])
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            if av[0] == 0:  # optional: either it starts the match or what follows does
                return _selective(av[2].data, sre) and _selective(items[index + 1:], sre)
            return _selective(av[2].data, sre)
        return False
    return False


# character-class categories that hold "\n" (\s, \D, \W and their Unicode forms)
_NEWLINE_CATEGORIES = frozenset({"CATEGORY_SPACE", "CATEGORY_NOT_DIGIT", "CATEGORY_NOT_WORD", "CATEGORY_LINEBREAK",
                                 "CATEGORY_UNI_SPACE", "CATEGORY_UNI_NOT_DIGIT", "CATEGORY_UNI_NOT_WORD",
                                 "CATEGORY_UNI_LINEBREAK", "CATEGORY_LOC_NOT_WORD"})
_NO_NEWLINE_CATEGORIES = frozenset({"CATEGORY_NOT_SPACE", "CATEGORY_DIGIT", "CATEGORY_WORD", "CATEGORY_NOT_LINEBREAK",
                                    "CATEGORY_UNI_NOT_SPACE", "CATEGORY_UNI_DIGIT", "CATEGORY_UNI_WORD",
                                    "CATEGORY_UNI_NOT_LINEBREAK", "CATEGORY_LOC_WORD"})


def _newline(items: list, sre: object, dotall: bool) -> bool:
    """Whether any match of the sequence can hold a newline (True when unsure)."""
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            if av == 10:
                return True
        elif name == "NOT_LITERAL":
            if av != 10:
                return True
        elif name == "ANY":
            if dotall:
                return True
        elif name == "IN":
            if _in_holds_newline(av):
                return True
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            if av[1] > 0 and _newline(av[2].data, sre, dotall):
                return True
        elif name == "SUBPATTERN":
            _group, add_flags, del_flags, sub = av
            if (add_flags | del_flags) & rx.VERBOSE:
                return True
            inner = (dotall or bool(add_flags & rx.DOTALL)) and not del_flags & rx.DOTALL
            if _newline(sub.data, sre, inner):
                return True
        elif name == "ATOMIC_GROUP":
            if _newline(av.data, sre, dotall):
                return True
        elif name == "BRANCH":
            if any(_newline(branch.data, sre, dotall) for branch in av[1]):
                return True
        elif name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue  # they consume nothing
        else:  # GROUPREF and anything unknown: a backreference may repeat a newline
            return True
    return False


def _in_holds_newline(members: list) -> bool:
    negate = False
    holds = False
    for op, av in members:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            holds = holds or av == 10
        elif name == "RANGE":
            holds = holds or av[0] <= 10 <= av[1]
        elif name == "CATEGORY":
            if str(av) in _NEWLINE_CATEGORIES:
                holds = True
            elif str(av) not in _NO_NEWLINE_CATEGORIES:
                return True  # unknown: assume it does
        else:
            return True
    return holds != negate


MAX_STRINGS = 64  # the most strings a set of required strings may grow to by combining alternatives


def _required(items: list, sre: object) -> set[str] | None:
    """Strings one of which every match of the sequence holds (case-sensitively), or None.

    Consecutive items whose matches form a small finite set of strings (literals, small character
    classes, alternations and bounded repeats of those) combine into one set: `\\.[jt]sx?:` gives
    .js: .jsx: .ts: .tsx:. Of the candidates (those sets, and what groups, alternations and repeats of
    at least one require) the one whose shortest string is longest wins, then the one with fewest."""
    best: set[str] | None = None

    def consider(found: set[str] | None) -> None:
        nonlocal best
        if found and min(map(len, found)) >= MIN_LITERAL and (
                best is None or (min(map(len, found)), -len(found)) > (min(map(len, best)), -len(best))):
            best = found

    run: set[str] | None = {""}  # what the current run of exactly known items can match

    def close() -> None:
        nonlocal run
        if run is not None:
            consider(run)
        run = {""}

    for op, av in items:
        name = str(op)
        if name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue  # consume nothing: the run goes on
        exact = _exact([(op, av)], sre)
        if exact is not None:
            combined = {a + b for a in run for b in exact} if run is not None else None
            if combined is None or len(combined) > MAX_STRINGS:
                close()
                combined = exact
            run = combined
            continue
        close()
        if name == "SUBPATTERN":
            if not av[1] & (rx.IGNORECASE | rx.VERBOSE):
                consider(_required(av[3].data, sre))
        elif name == "ATOMIC_GROUP":
            consider(_required(av.data, sre))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            if av[0] >= 1:
                consider(_required(av[2].data, sre))
        elif name == "BRANCH":
            union: set[str] = set()
            for branch in av[1]:
                found = _required(branch.data, sre)
                if not found:
                    union = set()
                    break
                union |= found
            consider(union or None)
    close()
    return best


def _exact(items: list, sre: object) -> set[str] | None:
    """Every string the sequence can match, when they are few (at most MAX_STRINGS), else None."""
    strings = {""}
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            found: set[str] | None = {chr(av)}
        elif name == "IN":
            found = _class_chars(av)
        elif name == "SUBPATTERN":
            found = None if av[1] & (rx.IGNORECASE | rx.VERBOSE) else _exact(av[3].data, sre)
        elif name == "BRANCH":
            found = set()
            for branch in av[1]:
                each = _exact(branch.data, sre)
                if each is None:
                    return None
                found |= each
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[1] <= 3:
            one = _exact(av[2].data, sre)
            if one is None:
                return None
            found, power = set(), {""}
            for count in range(av[1] + 1):
                if count >= av[0]:
                    found |= power
                power = {a + b for a in power for b in one}
                if len(power) > MAX_STRINGS:
                    return None
        elif name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue
        else:
            return None
        if found is None:
            return None
        strings = {a + b for a in strings for b in found}
        if len(strings) > MAX_STRINGS:
            return None
    return strings


def _class_chars(members: list) -> set[str] | None:
    """The characters of a small character class without negation or categories, else None."""
    chars: set[str] = set()
    for op, av in members:
        name = str(op)
        if name == "LITERAL":
            chars.add(chr(av))
        elif name == "RANGE" and av[1] - av[0] < 8:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        else:
            return None
    return chars if len(chars) <= 8 else None
