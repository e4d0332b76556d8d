"""`heal patterns metrics`: what heal's runs add up to. Every row of `outcomes` is one heal run whose
command failed (the success path records nothing: it opens no database)."""

from __future__ import annotations

import datetime
import sqlite3
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (2 ms of every failure)

if TYPE_CHECKING:
    from typing import Any

WEEK = 7 * 86400


def compute(db: sqlite3.Connection, now: float, weeks: int, top: int) -> dict[str, Any]:
    runs, healed, mttr = db.execute(
        "SELECT count(*), coalesce(sum(healed), 0), avg(CASE WHEN healed THEN duration END) FROM outcomes").fetchone()
    per_category = {
        category: {"runs": n, "healed": h, "rate": _rate(h, n)}
        for category, n, h in db.execute(
            "SELECT category, count(*), sum(healed) FROM outcomes GROUP BY category ORDER BY count(*) DESC, category")
    }
    top_patterns = [
        {"id": pid, "uses": uses, "healed": h, "source": source or "", "summary": summary or "(pruned)",
         "fix": _fix(fix)}
        for pid, uses, h, source, summary, fix in db.execute(
            "SELECT o.pattern_id, count(*), sum(o.healed), p.source, p.summary, p.fix FROM outcomes o "
            "LEFT JOIN patterns p ON p.id = o.pattern_id WHERE o.pattern_id IS NOT NULL "
            "GROUP BY o.pattern_id ORDER BY count(*) DESC, o.pattern_id LIMIT ?", (top,))
    ]
    return {"runs": runs, "failures": runs - healed, "healed": healed, "auto_resolution_rate": _rate(healed, runs),
            "mttr_seconds": round(mttr, 1) if mttr is not None else None, "per_category": per_category,
            "top_patterns": top_patterns, "trend": _trend(db, now, weeks)}


def _trend(db: sqlite3.Connection, now: float, weeks: int) -> list[dict[str, Any]]:
    """The last `weeks` ISO weeks (UTC), oldest first, the empty ones included: a gap is news too."""
    starts = _weeks(now, weeks)
    first = datetime.datetime.combine(starts[0], datetime.time(), datetime.timezone.utc).timestamp()
    counts = {s: [0, 0] for s in starts}
    for t, h in db.execute("SELECT time, healed FROM outcomes WHERE time >= ?", (first,)):
        day = datetime.datetime.fromtimestamp(t, datetime.timezone.utc).date()
        week = day - datetime.timedelta(days=day.weekday())
        if week in counts:
            counts[week][0] += 1
            counts[week][1] += h
    return [_week(s, *counts[s]) for s in starts]


def _weeks(now: float, weeks: int) -> list[datetime.date]:
    today = datetime.datetime.fromtimestamp(now, datetime.timezone.utc).date()
    monday = today - datetime.timedelta(days=today.weekday())
    return [monday - datetime.timedelta(weeks=i) for i in range(max(1, weeks) - 1, -1, -1)]


def _week(start: datetime.date, runs: int, healed: int) -> dict[str, Any]:
    year, number, _ = start.isocalendar()
    return {"week": f"{year}-W{number:02d}", "start": start.isoformat(), "runs": runs, "healed": healed,
            "rate": _rate(healed, runs)}


def empty(now: float, weeks: int = 8) -> dict[str, Any]:
    """The metrics of a store that does not exist yet."""
    return {"runs": 0, "failures": 0, "healed": 0, "auto_resolution_rate": 0.0, "mttr_seconds": None,
            "per_category": {}, "top_patterns": [], "trend": [_week(s, 0, 0) for s in _weeks(now, weeks)]}


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0


def _fix(text: str | None) -> dict | None:
    if not text:
        return None
    import json

    return json.loads(text)
