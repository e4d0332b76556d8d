"""`heal patterns …`: look at, prune, measure, share and approve what heal learned.

Parsed by hand and routed from heal.entry without typer: `heal patterns list` is something people (and
agents) run often, and typer's import would be most of its time.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

from heal.runopts import UsageError

USAGE = """\
usage: heal patterns list [--json]                 what heal learned, was taught, observed or imported
       heal patterns show ID [--json]              one pattern in full
       heal patterns prune [--older-than D] [--min-confidence X] [--unused] [--dry-run]
                                                   remove the patterns matching every option given
                                                   (D: 90d, 12w, 36h; X: 0-1)
       heal patterns metrics [--json]              runs, healed, resolution rate, time to heal, trend
       heal patterns export DIR                    one reviewable JSON file per pattern
       heal patterns import DIR                    a team's patterns, suggested only until approved
       heal patterns approve ID...|--all           let heal run what imported patterns say"""
SHORT = "list | show ID | prune | metrics | export DIR | import DIR | approve ID...|--all"


def main(args: list[str]) -> int:
    if not args:
        raise UsageError(f"heal patterns needs a subcommand: {SHORT}")
    if args[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    command = COMMANDS.get(args[0])
    if command is None:
        raise UsageError(f"'{args[0]}' is not a patterns subcommand: {SHORT}")
    if {"-h", "--help"} & set(args[1:]):
        print(USAGE)
        return 0
    from heal.store import StoreUnavailable

    try:
        return command(args[1:])
    except StoreUnavailable as exc:
        _err(str(exc))
        return 1


# --- argument parsing ------------------------------------------------------------------------------


def _parse(args: list[str], flags: set[str], options: set[str], name: str) -> tuple[dict[str, Any], list[str]]:
    """({flag: True, option: value}, positionals); anything else is a one-line UsageError."""
    from heal.commands._args import parse

    return parse(args, f"patterns {name}", flags={f: f for f in flags}, options={o: o for o in options})


def _no_positional(positional: list[str], name: str) -> None:
    if positional:
        raise UsageError(f"heal patterns {name} takes no argument '{positional[0]}'")


def _pattern_id(text: str) -> int:
    if not re.fullmatch(r"\d{1,18}", text):
        raise UsageError(f"'{text}' is not a pattern id (a number from heal patterns list)")
    return int(text)


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def duration(text: str) -> float:
    """'90d', '12w', '36h', '45m', '30s'; a bare number is days."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([smhdw]?)", text.strip())
    if not m:
        raise UsageError(f"--older-than needs a duration such as 90d, 12w or 36h, not '{text}'")
    return float(m.group(1)) * _UNITS[m.group(2) or "d"]


# --- the store ---------------------------------------------------------------------------------------


def _store(create: bool = True):
    """The store, or None when it does not exist yet and reading is all the command does (a read never
    creates the file)."""
    from heal.store import Store, store_path

    path = store_path()
    if not create and not os.path.exists(path):
        return None
    return Store(path)


# --- commands ------------------------------------------------------------------------------------------


def cmd_list(args: list[str]) -> int:
    seen, positional = _parse(args, {"--json"}, set(), "list")
    _no_positional(positional, "list")
    store = _store(create=False)
    patterns = [] if store is None else store.patterns()
    if seen.get("--json"):
        _out(json.dumps([p.to_json() for p in patterns], ensure_ascii=False, indent=2))
        return 0
    if not patterns:
        _out("no patterns yet: heal learns from the failures it heals, `heal learn -- CMD` teaches it, "
             "`heal patterns import DIR` brings a team's")
        return 0
    from heal.store import is_approved

    width = shutil.get_terminal_size((120, 24)).columns
    rows = [("ID", "SOURCE", "CATEGORY", "CONF", "OK/FAIL", "LAST USED", "SUMMARY  (FIX)")]
    unapproved = False
    for p in patterns:
        source = p.source
        if not is_approved(p) and p.fix.runs_command:
            source += "*"
            unapproved = True
        rows.append((str(p.id), source, p.category, f"{p.confidence:.2f}", f"{p.successes}/{p.failures}",
                     _day(p.last_used), f"{p.summary or p.signature}  ({p.fix.describe()})"))
    _table(rows, width, right={0, 3, 4})
    if unapproved:
        _out("* imported, runs a command: only suggested until approved (heal patterns approve ID)")
    return 0


def cmd_show(args: list[str]) -> int:
    seen, positional = _parse(args, {"--json"}, set(), "show")
    if len(positional) != 1:
        raise UsageError("heal patterns show needs one pattern id")
    pid = _pattern_id(positional[0])
    store = _store(create=False)
    p = None if store is None else store.get(pid)
    if p is None:
        raise UsageError(f"no pattern {pid} (heal patterns list shows them)")
    from heal.store import content_hash, is_approved
    from heal.store.files import key_object

    obj = p.to_json()
    obj.update({"fingerprint": p.fingerprint, "tool": p.tool, "ecosystem": p.ecosystem, "key": key_object(p.key),
                "created": _iso(p.created), "first_used": _iso(p.first_used), "approved": is_approved(p),
                "content_hash": content_hash(p)})
    if seen.get("--json"):
        _out(json.dumps(obj, ensure_ascii=False, indent=2))
        return 0
    lines = [f"pattern {p.id} ({p.source}): {p.summary or p.signature}",
             f"  fix:         {p.fix.describe()}",
             f"  category:    {p.category}" + (f"   tool: {p.tool}" if p.tool else "")
             + (f"   ecosystem: {p.ecosystem}" if p.ecosystem else ""),
             f"  signature:   {p.signature}"]
    if p.key:
        lines.append("  names:       " + ", ".join(f"{k}={v}" for k, v in key_object(p.key).items()))
    lines += [f"  outcomes:    {p.successes} healed, {p.failures} failed: confidence {p.confidence:.2f}",
              f"  recorded:    {_iso(p.created)}; first used {_iso(p.first_used) or 'never'}, last used "
              f"{_iso(p.last_used) or 'never'}"]
    if p.source == "imported":
        lines.append("  approved:    " + ("yes" if is_approved(p) else
                                          f"no: heal only suggests it (heal patterns approve {p.id})"))
    lines.append("  evidence:")
    lines += [f"    {line}" for line in p.fingerprint.splitlines()]
    _out("\n".join(lines))
    return 0


def cmd_prune(args: list[str]) -> int:
    seen, positional = _parse(args, {"--unused", "--dry-run"}, {"--older-than", "--min-confidence"}, "prune")
    _no_positional(positional, "prune")
    older = duration(seen["--older-than"]) if "--older-than" in seen else None
    minimum = None
    if "--min-confidence" in seen:
        try:
            minimum = float(seen["--min-confidence"])
        except ValueError:
            minimum = -1.0
        if not 0.0 <= minimum <= 1.0:
            raise UsageError(f"--min-confidence needs a number from 0 to 1, not '{seen['--min-confidence']}'")
    if older is None and minimum is None and not seen.get("--unused"):
        raise UsageError("heal patterns prune needs --older-than D, --min-confidence X or --unused")
    store = _store(create=False)
    from heal.store import BadPattern

    try:
        removed = [] if store is None else store.prune(older_than=older, min_confidence=minimum,
                                                        unused=bool(seen.get("--unused")),
                                                        dry_run=bool(seen.get("--dry-run")))
    except BadPattern as exc:
        raise UsageError(str(exc)) from None
    verb = "would remove" if seen.get("--dry-run") else "removed"
    for p in removed:
        _out(f"{verb} {p.id} ({p.source}, {p.category}, confidence {p.confidence:.2f}, last used "
             f"{_day(p.last_used)}): {p.summary or p.signature}")
    _out(f"{verb} {len(removed)} pattern{'' if len(removed) == 1 else 's'}"
         + (f": {', '.join(str(p.id) for p in removed)}" if removed else ""))
    return 0


def cmd_metrics(args: list[str]) -> int:
    seen, positional = _parse(args, {"--json"}, set(), "metrics")
    _no_positional(positional, "metrics")
    store = _store(create=False)
    if store is None:
        from heal.store.metrics import empty

        m = empty(time.time())
    else:
        m = store.metrics()
    if seen.get("--json"):
        _out(json.dumps(m, ensure_ascii=False, indent=2))
        return 0
    _out("\n".join(metrics_text(m)))
    return 0


def metrics_text(m: dict[str, Any]) -> list[str]:
    """The metrics for a person: totals, a table per category, the patterns that did the work, the weeks."""
    mttr = m["mttr_seconds"]
    lines = [f"heal runs that needed healing: {m['runs']}    healed: {m['healed']} ({_pct(m['auto_resolution_rate'])})"
             f"    not healed: {m['failures']}    mean time to heal: "
             + (_secs(mttr) if mttr is not None else "-")]
    if m["per_category"]:
        lines += ["", "by category        runs  healed   rate"]
        for cat, c in m["per_category"].items():
            lines.append(f"  {cat:<15} {c['runs']:>5} {c['healed']:>7} {_pct(c['rate']):>6}")
    if m["top_patterns"]:
        lines += ["", "patterns that did the work"]
        for t in m["top_patterns"]:
            fix = _describe_fix(t["fix"])
            lines.append(f"  #{t['id']:<5} {t['uses']:>4} uses, {t['healed']:>4} healed  {t['summary']}"
                         + (f"  ({fix})" if fix else ""))
    import datetime

    lines += ["", "week (UTC)              runs  healed   rate  (# healed, . not healed)"]
    peak = max((w["runs"] for w in m["trend"]), default=0) or 1
    for w in m["trend"]:
        size = round(20 * w["runs"] / peak)
        healed = round(size * w["healed"] / w["runs"]) if w["runs"] else 0
        bar = "#" * healed + "." * (size - healed)  # healed, then not healed
        rate = _pct(w["rate"]) if w["runs"] else "-"
        since = datetime.date.fromisoformat(w["start"]).strftime("%b %d")
        lines.append(f"  {w['week']} ({since}) {w['runs']:>5} {w['healed']:>7} {rate:>6}  {bar}".rstrip())
    return lines


def cmd_export(args: list[str]) -> int:
    _, positional = _parse(args, set(), set(), "export")
    if len(positional) != 1:
        raise UsageError("heal patterns export needs one directory: heal patterns export DIR")
    directory = positional[0]
    if os.path.exists(directory) and not os.path.isdir(directory):
        raise UsageError(f"{directory} is not a directory")
    store = _store(create=False)
    patterns = [] if store is None else store.patterns()
    from heal.store.files import export

    try:
        written = export(patterns, directory)
    except OSError as exc:
        _err(f"cannot write to {directory}: {exc.strerror or exc}")
        return 1
    _out(f"exported {len(written)} pattern{'' if len(written) == 1 else 's'} to {directory}")
    return 0


def cmd_import(args: list[str]) -> int:
    _, positional = _parse(args, set(), set(), "import")
    if len(positional) != 1:
        raise UsageError("heal patterns import needs one directory: heal patterns import DIR")
    directory = positional[0]
    if not os.path.isdir(directory):
        raise UsageError(f"{directory} is not a directory")
    store = _store()
    added, known, errors = store.import_dir(directory)
    for error in errors:
        _err(error)  # one line naming the file and the field; nothing from that file is imported
    bad = len(errors)
    commands = sum(1 for p in added if p.fix.runs_command)
    _out(f"imported {len(added)} pattern{'' if len(added) == 1 else 's'} from {directory}"
         + (f" ({len(known)} already known)" if known else "")
         + (f"; {bad} file{'' if bad == 1 else 's'} not imported" if bad else ""))
    if commands:
        _out(f"{commands} of them run a command: heal only suggests those until you approve them "
             f"(heal patterns show ID, then heal patterns approve ID...|--all)")
    return 1 if bad else 0


def cmd_approve(args: list[str]) -> int:
    seen, positional = _parse(args, {"--all"}, set(), "approve")
    if bool(seen.get("--all")) == bool(positional):
        raise UsageError("heal patterns approve needs pattern ids or --all (not both)")
    ids = None if seen.get("--all") else [_pattern_id(a) for a in positional]
    from heal.store import BadPattern

    store = _store(create=False)
    if store is None:
        if ids:
            raise UsageError(f"no pattern {ids[0]} (heal patterns list shows them)")
        approved = []
    else:
        try:
            approved = store.approve(ids)
        except BadPattern as exc:
            raise UsageError(f"{exc} (heal patterns list shows them)") from None
    for p in approved:
        _out(f"approved {p.id}: {p.fix.describe()}")
    if not approved:
        _out("nothing to approve: only imported patterns need it, and these are approved already")
    return 0


COMMANDS: dict[str, Callable[[list[str]], int]] = {
    "list": cmd_list, "show": cmd_show, "prune": cmd_prune, "metrics": cmd_metrics, "export": cmd_export,
    "import": cmd_import, "approve": cmd_approve,
}


# --- presentation ------------------------------------------------------------------------------------


def _table(rows: list[tuple[str, ...]], width: int, right: set[int]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for r in rows:
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))]
        line = "  ".join(cells) + "  " + r[-1]
        _out(line if len(line) <= width or not sys.stdout.isatty() else line[: width - 1] + "…")


def _describe_fix(fix: dict | None) -> str:
    if not fix:
        return ""
    from heal.store import PatternFix

    try:
        return PatternFix.from_json(fix).describe()
    except (KeyError, TypeError, ValueError):
        return ""


def _pct(rate: float) -> str:
    return f"{rate * 100:.0f}%"


def _secs(s: float) -> str:
    return f"{s:.1f} s" if s < 120 else f"{s / 60:.1f} min"


def _iso(t: float | None) -> str | None:
    if not t:
        return None
    import datetime

    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).isoformat(timespec="seconds")


def _day(t: float | None) -> str:
    return (_iso(t) or "never")[:10]


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")


def _err(message: str) -> None:
    sys.stderr.write(f"heal: {message}\n")
