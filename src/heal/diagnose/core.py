"""diagnose(): run every rule over a failed command's output and keep the best finding.

Rules are cheap to skip: each names lower-case needles, and its regex runs only when one of them is
in the output. The whole captured window is searched; among findings, a rule's priority counts
first and the position of its match second (the end of a log is where the decisive error usually is).
"""

from __future__ import annotations

from _collections_abc import Iterator, Mapping, Sequence  # collections.abc's, without importing collections

from heal import rx
from heal.diagnose import signature as sig
from heal.diagnose.command import tool_of
from heal.diagnose.model import Context, Diagnosis, Finding, Rule
from heal.diagnose.rules import ECOSYSTEMS, FUNCTION_RULES, PATTERN_RULES, needle_hits, needle_hits_folded
from heal.diagnose.text import clean_folded, shorten
from heal.lazyre import LARGE, line_finditer, needed
from heal.redact import redact

_INT_FACTS = ("line", "column", "port", "exit_code")
# A later match beats an earlier one of the same priority, but never one two priority points higher.
POSITION_WEIGHT = 1.9
MAX_EVIDENCE = 6


def diagnose(
    output: bytes | str,
    *,
    argv: Sequence[str] = (),
    exit_code: int | None = None,
    signal: int | None = None,
    timed_out: bool = False,
    hung: bool = False,
    cwd: str | None = None,
) -> Diagnosis:
    text, folded = clean_folded(output)
    ctx = Context(
        text=text,
        hits=needle_hits(text.lower()) if folded is None else needle_hits_folded(folded, text),
        argv=tuple(argv),
        tool=tool_of(argv),
        exit_code=exit_code,
        signal=signal,
        timed_out=timed_out,
        hung=hung,
    )
    best: Finding | None = None
    for rule, ecosystem in zip(PATTERN_RULES, ECOSYSTEMS):
        finding = _match(rule, ecosystem, ctx)
        if finding is not None and (best is None or finding.score > best.score):
            best = finding
    for function in FUNCTION_RULES:
        finding = function(ctx)
        if finding is not None and (best is None or finding.score > best.score):
            best = finding
    if best is None:
        best = _fallback(ctx)
    return _to_diagnosis(best, ctx, cwd)


def diagnose_result(result) -> Diagnosis:  # a heal.run.RunResult; not imported so run stays independent
    return diagnose(result.output, argv=result.argv, exit_code=result.exit_code, signal=result.signal,
                    timed_out=result.timed_out, hung=result.hung, cwd=result.cwd)


def _match(rule: Rule, ecosystem: str, ctx: Context) -> Finding | None:
    if rule.tools and ctx.tool not in rule.tools:
        return None
    if not any(n in ctx.hits for n in rule.needles):
        return None
    regex = rx.compile(rule.pattern, rule.flags)  # once per process, from heal's regex cache
    # the last match decides; if refine vetoes it, try the earlier ones
    for m in _candidates(regex, rule, ctx):
        facts: dict = {"ecosystem": ecosystem, **rule.facts} if ecosystem else dict(rule.facts)
        for name, value in m.groupdict().items():
            if value is not None and name not in facts:
                facts[name] = value.strip()
        if rule.refine is not None:
            refined = rule.refine(ctx, m, facts)
            if refined is None:
                continue
            facts = refined
        category = str(facts.pop("category", rule.category))
        severity = str(facts.pop("severity", rule.severity))
        summary = facts.pop("summary", None) or _format(rule.summary, facts)
        priority = float(facts.pop("priority", rule.priority))
        position = m.start() / max(1, len(ctx.text))
        return Finding(
            rule=rule.id,
            category=category,
            severity=severity,
            summary=summary,
            facts=facts,
            evidence=_evidence(ctx, m.start(), m.end()),
            score=priority + POSITION_WEIGHT * position,
        )
    return None


MAX_WINDOWS = 40  # needle occurrences examined per rule, nearest the end (or the start, for `first` rules)
WINDOW_BEFORE = 1500  # a match may start a few lines before its needle...
WINDOW_AFTER = 4000  # ...and run a few lines past it


def _candidates(regex: rx.Pattern[str], rule: Rule, ctx: Context) -> Iterator[rx.Match[str]]:
    """The rule's matches, last first, found only around occurrences of its needles (for a `first` rule:
    its first match only).

    The needles were found in one pass over the whole output (fast in C); the regex then runs in a
    window around each occurrence instead of over a megabyte of log, which keeps diagnosis linear in the
    output's size whatever the patterns look like. The windows are scanned lazily from the end: the
    caller stops at the first match it accepts, usually in the last window, so on a log where a needle
    occurs hundreds of times the other windows are never scanned.
    """
    text = ctx.text
    positions: list[int] = []
    for needle in rule.needles:
        found = ctx.hits.get(needle)
        if found:
            positions.extend(found[:MAX_WINDOWS] if rule.first else found[-MAX_WINDOWS:])
    if not positions:
        return
    positions.sort()
    if rule.first:
        positions = positions[:MAX_WINDOWS]
    else:
        positions = positions[-MAX_WINDOWS:]
    windows: list[list[int]] = []
    size = len(text)
    for pos in positions:
        end = min(size, pos + WINDOW_AFTER)
        if windows and pos - WINDOW_BEFORE < windows[-1][1]:
            # its window starts at or before pos - WINDOW_BEFORE, so it overlaps the last: no rfind needed
            windows[-1][1] = max(windows[-1][1], end)
            continue
        start = text.rfind("\n", 0, max(0, pos - WINDOW_BEFORE)) + 1
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    # over many windows, a line-anchored pattern is worth its line finder (see heal.lazyre), and a
    # window that holds none of the strings every match holds is skipped
    big = sum(end - start for start, end in windows) >= LARGE
    finditer = line_finditer if big else _finditer
    strings = needed(regex) if big else None
    if strings is not None:
        windows = [w for w in windows if _holds(strings, text, w[0], w[1])]
    if rule.first:
        for start, end in windows:
            m = next(finditer(regex, text, start, end), None)
            if m is not None:
                yield m
                return
        return
    # Windows are disjoint, so the matches of a later window all start after an earlier window's: last
    # window first, each window's matches last first, is the matches' text order reversed.
    for start, end in reversed(windows):
        yield from reversed(list(finditer(regex, text, start, end)))


def _holds(strings: tuple[str, ...] | rx.Pattern[str], text: str, start: int, end: int) -> bool:
    if isinstance(strings, tuple):
        return any(text.find(s, start, end) >= 0 for s in strings)
    return strings.search(text, start, end) is not None


def _finditer(regex: rx.Pattern[str], text: str, start: int, end: int) -> Iterator[rx.Match[str]]:
    return regex.finditer(text, start, end)


def _format(template: str, facts: Mapping[str, object]) -> str:
    try:
        return template.format_map(_Missing(facts))
    except (ValueError, IndexError):
        return template


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def _evidence(ctx: Context, start: int, end: int) -> tuple[str, ...]:
    first, _ = ctx.line_at(start)
    _, last = ctx.line_at(max(start, end - 1))
    lines = [ln.strip() for ln in ctx.text[first:last].split("\n") if ln.strip()]
    return tuple(lines[:MAX_EVIDENCE])


def _fallback(ctx: Context) -> Finding:
    lines = [ln.strip() for ln in ctx.text.split("\n") if ln.strip()]
    if ctx.exit_code == 0:
        return Finding("none", "unknown", "info", "the command succeeded", {}, (), 0.0)
    code = f"exited with status {ctx.exit_code}" if ctx.exit_code is not None else "failed"
    what = f"{ctx.tool} {code}" if ctx.tool else f"the command {code}"
    if not lines:
        return Finding("none", "unknown", "low", f"{what} without any output", {}, (), 0.0)
    return Finding("none", "unknown", "medium", f"{what}; no known error pattern in its output", {},
                   tuple(lines[-3:]), 0.0)


def _to_diagnosis(best: Finding, ctx: Context, cwd: str | None) -> Diagnosis:
    facts: dict[str, object] = {}
    for key, value in best.facts.items():
        if value is None or value == "":
            continue
        if key in _INT_FACTS and isinstance(value, str) and value.isdigit():
            value = int(value)
        facts[key] = redact(value) if isinstance(value, str) else value
    if ctx.tool and "tool" not in facts:
        facts["tool"] = ctx.tool
    if ctx.exit_code is not None:
        facts.setdefault("exit_code", ctx.exit_code)
    evidence = tuple(redact(shorten(line)) for line in best.evidence)
    fingerprint = sig.normalise("\n".join(evidence), roots=[cwd] if cwd else ())
    return Diagnosis(
        category=best.category,
        severity=best.severity,
        summary=redact(shorten(best.summary)),
        facts=facts,
        evidence=evidence,
        signature=sig.signature(best.rule, best.category, facts, fingerprint),
        rule=best.rule,
        fingerprint=fingerprint,
    )
