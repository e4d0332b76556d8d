"""`heal rollback [ID | --last] [--dry-run] [--yes] [--force]`: undo a heal run, byte-exact.

Planned, shown, asked and done under the project's lock: what is shown is what is done (rollback() executes
the plan it is given, it never plans again)."""

from __future__ import annotations

import sys

from heal.commands._args import at_most, confirm, out, parse, refusal
from heal.errors import HealError, Refused, UsageError


def main(args: list[str]) -> int:
    seen, positional = parse(args, "rollback", flags={"--last": "last", "--dry-run": "dry_run", "-n": "dry_run",
                                                      "--yes": "yes", "-y": "yes", "--force": "force"})
    at_most(positional, 1, "rollback")
    ident = positional[0] if positional else None
    if ident is None and not seen.get("last"):
        raise UsageError("which change set? give an ID or --last (see heal log)")
    if ident is not None and seen.get("last"):
        raise UsageError("give an ID or --last, not both")
    from heal.journal import open_journal
    from heal.journal.lock import project_lock
    from heal.journal.rollback import locked
    from heal.project import project_root

    journal = open_journal()
    kw = {"dry_run": bool(seen.get("dry_run")), "yes": bool(seen.get("yes")), "force": bool(seen.get("force"))}
    try:
        root = project_root()
        if ident is None:
            # resolved under this project's lock: concurrent `--last`s undo one change set, once
            with project_lock(root, ["heal", "rollback", "--last"]):
                cid = journal.resolve(None, last=True, root=root)
                with locked(journal, cid):
                    return _rollback_locked(journal, cid, root, **kw)
        cid = journal.resolve(ident)
        with locked(journal, cid):
            return _rollback_locked(journal, cid, root, **kw)
    except OSError as exc:
        raise refusal(exc, str(exc)) from None


def _rollback_locked(journal, cid: str, root: str, *, dry_run: bool, yes: bool, force: bool) -> int:
    from heal.journal.rollback import check, plan, rollback, settle

    p = plan(journal, cid)
    elsewhere = f" in another project, {p.target.root}" if p.target.root and p.target.root != root else ""
    if p.target.status == "rolled back":
        by = journal.status_detail(cid).get("by", "")
        out(f"heal: nothing to do: {cid}{elsewhere} was already rolled back" + (f" (by {by})" if by else ""))
        return 0
    if not p.work and not p.conflicts:
        if not dry_run:
            settle(journal, p)
        if p.warnings:  # it only ran commands (terraform init, a login): nothing a rollback can undo
            out(f"heal: nothing to do: {cid}{elsewhere} changed nothing heal can undo")
        else:
            out(f"heal: nothing to do: everything {cid}{elsewhere} changed is already as before")
        for warning in p.warnings:
            sys.stderr.write(f"heal: warning: {warning}\n")
        return 0
    out(f"heal: rolling back {cid} ({' '.join(p.target.command) or '-'}){elsewhere}:")
    for step in p.steps:
        if step.action == "nothing" and not step.conflict:
            continue
        out(f"  - {step.describe}" + (f"  [{step.conflict}]" if step.conflict else ""))
    for warning in p.warnings:
        sys.stderr.write(f"heal: warning: {warning}\n")
    if dry_run:
        return 0
    check(p, force=force)
    if not yes and not confirm("Roll back these changes?"):
        raise Refused("not rolled back (no terminal to ask on: add --yes)" if not sys.stdin or not sys.stdin.isatty()
                      else "not rolled back")
    outcome = rollback(journal, p, force=force)
    out(f"heal: rolled back {cid} ({len(outcome.done)} changes); undo this with: heal rollback {outcome.rollback_id}")
    return 0


__all__ = ["HealError", "main"]
