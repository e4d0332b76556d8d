"""`heal log [--all] [--json] [-n N]` and `heal log prune [--older-than AGE]`: the change log."""

from __future__ import annotations

from heal.commands._args import age_days, at_most, count, out, parse
from heal.errors import JournalError


def main(args: list[str]) -> int:
    if args and args[0] == "prune":
        return prune(args[1:])
    seen, positional = parse(args, "log", flags={"--json": "json", "--all": "all"},
                             options={"-n": "count", "--count": "count"})
    at_most(positional, 0, "log")
    n = count(seen["count"], "-n") if "count" in seen else 20
    from heal.journal import open_journal
    from heal.project import project_root

    journal = open_journal()
    root = None if seen.get("all") else project_root()
    roots = journal.roots()  # from the change log's index: no change set is opened to find a project's
    ids = list(roots)
    # the newest first, and only as many as shown are read in full
    mine = [i for i in reversed(ids) if root is None or roots[i] in (root, "")]
    infos = [journal.info(i) for i in mine[:n]]
    size = journal.blobs.size()
    if seen.get("json"):
        import json

        shown = [{"id": i.id, "created": i.created, "command": list(i.command), "cwd": i.cwd, "root": i.root,
                  "kind": i.kind, "undoes": i.undoes, "status": i.status, "diagnosis": i.diagnosis,
                  "changes": i.describe(), **({"problem": i.problem} if i.problem else {})} for i in infos]
        out(json.dumps({"project": root, "change_sets": shown, "store_bytes": size}, indent=1))
        return 0
    if not infos:
        out("heal: the change log is empty" if not ids else
            f"heal: no change sets for {root} (heal log --all lists every project's)")
    for i in infos:
        out(f"{i.id}  {i.created}  [{i.status}]  {' '.join(i.command) or '-'}")
        out(f"    project: {i.root or '?'}")
        if i.diagnosis:
            out(f"    {i.diagnosis}")
        for line in i.describe():
            out(f"    - {line}")
        if i.problem:
            out(f"    ! {i.problem}")
    scope = "" if root is None else f" ({len(mine)} for this project)"
    out(f"store: {len(ids)} change sets{scope}, {size_text(size)} of backups in {journal.state_dir}")
    return 0


def prune(args: list[str]) -> int:
    seen, positional = parse(args, "log prune", options={"--older-than": "age"})
    at_most(positional, 0, "log prune")
    if "age" in seen:
        days = age_days(seen["age"])
    else:
        from heal import config

        days = config.load().float("log.retention_days")
    from heal.journal import open_journal

    sets, blobs = open_journal().prune(days)
    out(f"heal: pruned {sets} change sets older than {days:g} days and {blobs} unreferenced backups")
    return 0


def size_text(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


__all__ = ["JournalError", "main", "prune", "size_text"]
