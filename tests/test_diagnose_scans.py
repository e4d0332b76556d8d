"""The shortcuts that make diagnosis fast must not change what it finds: heal.lazyre's scans that skip
positions where no match can start (against finditer, for every pattern diagnosis uses, over real
outputs), clean()'s cheaper routes (against the one-pass alternation), the needle pass (against a search
per needle), redact()'s guards (against running every pattern)."""

from __future__ import annotations

import glob
import json
import os
import random
import re
import sys

import pytest

from heal.diagnose import text as text_module
from heal.diagnose.rules import MODULES, PATTERN_RULES
from heal.lazyre import LARGE, LazyPattern, _plan, lazy, line_finditer, needed

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUTS = [json.load(open(p, encoding="utf-8"))["output"]
           for p in sorted(glob.glob(os.path.join(HERE, "..", "fixtures", "outputs", "*.json")))]


def _lazy_patterns() -> list[tuple[str, int]]:
    import heal.diagnose.command
    import heal.diagnose.signature
    import heal.redact

    found: set[tuple[str, int]] = set()

    def collect(value: object) -> None:
        if isinstance(value, LazyPattern):
            found.add(value._source)
        elif isinstance(value, tuple):
            for item in value:
                collect(item)

    for module in (*MODULES, text_module, heal.redact, heal.diagnose.signature, heal.diagnose.command):
        for value in vars(module).values():
            collect(value)
    return sorted(found)


PATTERNS = sorted({(r.pattern, r.flags) for r in PATTERN_RULES} | set(_lazy_patterns()))
PLANNED = [key for key in PATTERNS if _plan(re.compile(*key)) is not None]


def _spans(matches) -> list:
    return [(m.span(), m.groups(), m.groupdict()) for m in matches]


def test_lazy_compiles_on_first_use_and_then_is_the_pattern():
    p = lazy(r"^(?P<word>\w+) failed$", re.M)
    assert p.pattern == r"^(?P<word>\w+) failed$" and "_compile" not in vars(p)  # .pattern costs no compile
    assert p.search("x\nbuild failed\n").group("word") == "build"
    assert p.compiled is p.compiled and p.compiled.flags & re.M
    assert p.sub("-", "a failed") == "-" and p.groupindex == {"word": 1}
    with pytest.raises(AttributeError):
        p.no_such_method  # noqa: B018


def test_most_patterns_get_a_scan_plan():
    assert len(PLANNED) > len(PATTERNS) // 2
    kinds = {_plan(re.compile(*key))[0] for key in PLANNED}  # type: ignore[index]
    assert kinds == {"lines", "newlines", "starts"}


@pytest.mark.parametrize("key", PLANNED, ids=[p[:40] for p, _ in PLANNED])
def test_planned_scans_find_what_finditer_finds(key):
    regex = re.compile(*key)
    rng = random.Random(key[0])
    hits = [t for t in OUTPUTS if regex.search(t)]
    for _ in range(12):
        pool = hits if hits and rng.random() < 0.7 else OUTPUTS
        text = "\n".join(rng.choice(pool) for _ in range(rng.randint(1, 5)))
        if rng.random() < 0.3:
            text = "\n" + text
        pos = rng.choice([0, 0, rng.randint(0, len(text))])
        endpos = rng.choice([sys.maxsize, len(text), rng.randint(pos, len(text) + 3)])
        assert _spans(line_finditer(regex, text, pos, endpos)) == _spans(regex.finditer(text, pos, endpos))


def test_every_match_holds_one_of_the_needed_strings():
    # core skips the windows that hold none of them, so a match without one would be lost
    checked = 0
    corpus = "\n".join(OUTPUTS)
    for key in PATTERNS:
        regex = re.compile(*key)
        strings = needed(regex)
        if strings is None:
            continue
        for m in regex.finditer(corpus):
            checked += 1
            if isinstance(strings, tuple):
                assert any(s in m.group(0) for s in strings), (key[0], m.group(0))
            else:
                assert strings.search(m.group(0)), (key[0], m.group(0))
    assert checked > 100


def test_long_texts_take_the_plans_through_the_pattern_methods():
    p = lazy(r"^(?P<kind>FAILED|ERROR) (?P<id>\S+::\S+)$", re.M)
    filler = "collecting ... PASSED\n" * (LARGE // 20)
    text = f"FAILED a.py::t0\n{filler}ERROR b.py::t1\n{filler}FAILED c.py::t2"
    reference = p.compiled
    assert _spans(p.finditer(text)) == _spans(reference.finditer(text))
    assert p.findall(text) == reference.findall(text) == [("FAILED", "a.py::t0"), ("ERROR", "b.py::t1"),
                                                         ("FAILED", "c.py::t2")]
    assert p.search(text, 1).span() == reference.search(text, 1).span()
    assert _plan(reference)[0] == "newlines"


def test_clean_gives_the_one_pass_alternation_result():
    # clean() takes cheaper routes (CSI only, no lost-ESC branch, a regex for non-ASCII controls) when they
    # are proven to give the same text; the reference is the full alternation and translate
    reference = re.compile(text_module._ESCAPE_BRANCHES + r"|(?<![\w\]])\[(?:\d{1,3}(?:;\d{1,3})*)?[mK](?![\w\[])")
    pieces = ["\x1b", "[", "]", "0", "1", ";", "m", "K", "\x07", "\\", "\x9b", "\x9d", "\x90", "P", "(", "B", "a", " ",
              "\n", "é", "\x00", "\x7f", "\x85", "\x9c", "[0m", "\x1b[", "\x1b]", "\x1b[31m", "✖"]
    rng = random.Random(14)
    for _ in range(20000):
        s = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 24)))
        if any(e in s for e in text_module._ESCAPES) or ("m" in s and re.search(r"\[\d{1,3}(?:;\d{1,3})*m", s)):
            want = reference.sub("", s)
        else:
            want = s
        if "\r" not in want:
            assert text_module.clean(s) == want.translate(text_module._DROP_CONTROL), repr(s)
    # long texts with a few control characters take the cut-at-NUL route, dense ones the regex
    plain = [t for t in OUTPUTS if not any(e in t for e in text_module._ESCAPES) and "\r" not in t
             and not re.search(r"\[\d{1,3}(?:;\d{1,3})*m", t)]
    for _ in range(200):
        base = "\n".join(rng.choice(plain) for _ in range(3)) + rng.choice(["─", "é", "✓", ""])
        chars = list(base)
        for _ in range(rng.choice([1, 5, len(chars) // 10])):
            chars.insert(rng.randint(0, len(chars)), rng.choice(["\x00", "\x07", "\x7f", "\x85", "\x9c", "\x0b"]))
        s = "".join(chars)
        assert text_module.clean(s) == s.translate(text_module._DROP_CONTROL)
        assert text_module.clean(s.encode("utf-8", "surrogatepass")) == text_module.clean(s)


@pytest.mark.parametrize("small", [0, 1 << 40], ids=["automaton", "str.find"])
def test_needle_pass_finds_every_occurrence_of_every_needle(small, monkeypatch):
    # both ways of finding them: the automaton, and str.find for the needles whose first bytes occur (small texts)
    from heal.diagnose import rules
    from heal.diagnose.rules import _NEEDLE_LIST, needle_hits, needle_hits_folded
    from heal.diagnose.text import clean_folded

    monkeypatch.setattr(rules, "SMALL", small)
    monkeypatch.setattr(rules, "_AUTOMATA", {})

    rng = random.Random(3)
    odd = ["✖", "é", "À", "ß", "\x85", "\x9b", "─", "İ", "\u212a", "ERROR", "Error:", "FAILED", "=====", "?", " "]
    texts = OUTPUTS + ["✖ x ✖✖ é error ===== ==========", "ünïcödé error: failed\n" * 50]
    texts += ["\n".join(rng.choice(OUTPUTS) for _ in range(4)) + "".join(rng.choice(odd) for _ in range(9))
              for _ in range(40)]
    folded_seen = 0
    for raw in texts:
        for text, folded in ((raw, None), clean_folded(raw)):
            low = text.lower()
            want: dict[str, list[int]] = {}
            for needle in _NEEDLE_LIST:
                at = low.find(needle)
                while at >= 0:
                    want.setdefault(needle, []).append(at)
                    at = low.find(needle, at + 1)
            assert needle_hits(low) == want
            if folded is not None:
                folded_seen += 1
                assert needle_hits_folded(folded, text) == want
    assert folded_seen > len(OUTPUTS)


def test_redact_guards_only_skip_patterns_that_cannot_match():
    from heal import redact as r

    def unguarded(text: str) -> str:
        for pattern, replacement, _, _ in r._SECRETS:
            text = pattern.sub(replacement, text)  # type: ignore[call-overload]
        if "-p" in text or "--password=" in text:
            text = r._MYSQL.sub(lambda m: r._GLUED_P.sub(rf"\1{r.MASK}", m.group(0)), text)
        return text

    words = ["PASSWORD=hunter22", "api_key: abcdef", "Authorization: Bearer abc123456", "K=v", "ſecret=xyz",
             "ghp_" + "a" * 30, "sk-" + "b" * 30, "--token abc", "-u user:pw", "x-Api-Key: zz", "mysql -psecret",
             "https://u:p@host/x", "eyJabcdef.eyJabcdef.abcdef", "token", "=", ":", " ", "\n", "é", "KEY"]
    rng = random.Random(5)
    lines = [line for text in OUTPUTS for line in text.splitlines()]
    for _ in range(5000):
        s = " ".join(rng.choice(words if rng.random() < 0.6 else lines) for _ in range(rng.randint(1, 6)))
        assert r.redact(s) == unguarded(s), s
