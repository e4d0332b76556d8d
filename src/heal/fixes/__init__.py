"""The fix engine's planning half: from a diagnosis to candidate fixes, through the playbooks.

Each action is one module with `plan(step, ctx, source, risk) -> Fix | None`, collected in ACTIONS;
applying a fix is heal.engine's job, through the journal.
"""

from __future__ import annotations

from heal.fixes import chmod, command, install, retry, suggest
from heal.fixes.model import Attempt, Fix, PlanContext
from heal.fixes.playbooks import Playbook, PlaybookError, load_all, matching

ACTIONS = {"install": install.plan, "retry": retry.plan, "run": command.plan, "chmod": chmod.plan,
           "suggest": suggest.plan}

__all__ = ["ACTIONS", "Attempt", "Fix", "PlanContext", "Playbook", "PlaybookError", "plan_fixes"]


def plan_fixes(ctx: PlanContext, books: list[Playbook] | None = None) -> list[Fix]:
    """Candidate fixes for the diagnosis, best first: each matching playbook's steps in order."""
    if ctx.diagnosis.category == "unknown":
        return []  # an answer (grep found nothing), Ctrl-C, or nothing heal recognises: leave it alone
    if books is None:
        books, _ = load_all()
    fixes: list[Fix] = []
    for book in matching(books, ctx):
        for step in book.steps:
            fix = ACTIONS[step["action"]](step, ctx, book.id, book.risk)
            if fix is not None and fix not in fixes:
                fixes.append(fix)
    return fixes
