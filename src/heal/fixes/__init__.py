"""The fix engine's planning half: from a diagnosis to candidate fixes, through the playbooks.

Each action is one module with `plan(step, ctx, source, risk) -> Fix | None`, collected in ACTIONS;
applying a fix is heal.engine's job, through the journal.
"""

from __future__ import annotations

from heal.fixes import chmod, command, install, retry, suggest
from heal.fixes.model import Attempt, Fix, PlanContext
from heal.fixes.playbooks import Playbook, PlaybookError, load_all

ACTIONS = {"install": install.plan, "retry": retry.plan, "run": command.plan, "chmod": chmod.plan,
           "suggest": suggest.plan}

__all__ = ["ACTIONS", "Attempt", "Fix", "PlanContext", "Playbook", "PlaybookError", "plan_fixes"]


def plan_fixes(ctx: PlanContext, books: list[Playbook] | None = None, errors: list[str] | None = None) -> list[Fix]:
    """Candidate fixes for the diagnosis, best first: each matching playbook's steps in order.

    A playbook that fails while matching or planning (a user's, say, with an option the loader could not
    foresee) disables only itself: a one-line error naming it goes to `errors`, the others still plan."""
    if ctx.diagnosis.category == "unknown":
        return []  # an answer (grep found nothing), Ctrl-C, or nothing heal recognises: leave it alone
    if books is None:
        books, load_errors = load_all()
        if errors is not None:
            errors.extend(load_errors)
    fixes: list[Fix] = []
    for book in books:
        try:
            if not book.matches(ctx):
                continue
            planned = [ACTIONS[step["action"]](step, ctx, book.id, book.risk) for step in book.steps]
        except Exception as exc:  # noqa: BLE001 - any failure of one playbook must not stop the others
            if errors is not None:
                errors.append(f"playbook {book.path}: skipped: {type(exc).__name__}: {exc}"[:300])
            continue
        for fix in planned:
            if fix is not None and fix not in fixes:
                fixes.append(fix)
    return fixes
