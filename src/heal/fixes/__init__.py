"""The fix engine's planning half: from a diagnosis to candidate fixes, through the playbooks.

Each action is one module, registered in ACTIONS, with:
    OPTIONS                          the step options a playbook may give it (checked when the playbook loads)
    plan(step, ctx, source, risk)    -> Fix | None; the Fix carries the journal change it makes, if any
    check(fix) -> str                optional: after the change, why it did not work ("" when it did)
    explain(fix, diagnosis, output)  optional: after a rerun that failed anew, whether this fix is the cause
    choose(fix, choice) -> Fix       optional: the fix for the candidate the user picked among fix.choices
The engine applies `fix.change` through the journal and knows nothing else about an action: adding one is
a module here, a line in ACTIONS, and its test.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from heal.fixes import chmod, command, install, retry, suggest
from heal.fixes import json_edit, python_edit
from heal.fixes.model import Attempt, Fix, PlanContext
from heal.fixes.playbooks import Playbook, PlaybookError, load_all

ACTIONS = {"install": install, "retry": retry, "run": command, "chmod": chmod, "suggest": suggest,
           "python_edit": python_edit, "json_edit": json_edit}

__all__ = ["ACTIONS", "Attempt", "Fix", "PlanContext", "Playbook", "PlaybookError", "candidates", "explain",
           "plan_fixes"]


def candidates(ctx: PlanContext, books: Iterable[Playbook], errors: list[str] | None = None) -> Iterator[Fix]:
    """Candidate fixes for the diagnosis, best first, planned one at a time: each matching playbook's steps
    in order. Lazy, so the engine plans the next candidate only when the one before could not be applied
    (planning may ask a tool something: a probe costs only when it is needed).

    A playbook that fails while matching or planning (a user's, say, with an option the loader could not
    foresee) disables only itself: a one-line error naming it goes to `errors`, the others still plan."""
    if ctx.diagnosis.category == "unknown":
        return  # an answer (grep found nothing), Ctrl-C, or nothing heal recognises: leave it alone
    seen: list[Fix] = []
    for book in books:
        try:
            if not book.matches(ctx):
                continue
        except Exception as exc:  # noqa: BLE001 - any failure of one playbook must not stop the others
            _failed(book, exc, errors)
            continue
        for step in book.steps:
            try:
                fix = ACTIONS[step["action"]].plan(step, ctx, book.id, book.risk)
            except Exception as exc:  # noqa: BLE001
                _failed(book, exc, errors)
                break
            if fix is not None and fix not in seen:
                seen.append(fix)
                yield fix


def plan_fixes(ctx: PlanContext, books: list[Playbook] | None = None, errors: list[str] | None = None) -> list[Fix]:
    """Every candidate fix, best first (what `heal diagnose` lists)."""
    if books is None:
        books, load_errors = load_all()
        if errors is not None:
            errors.extend(load_errors)
    return list(candidates(ctx, books, errors))


def _failed(book: Playbook, exc: Exception, errors: list[str] | None) -> None:
    if errors is not None:
        errors.append(f"playbook {book.path}: skipped: {type(exc).__name__}: {exc}"[:300])


def explain(fix: Fix, diagnosis, output: str) -> str:
    """Whether an applied fix is the cause of the failure the rerun ended in (its action's `explain`), as a
    sentence; "" when the action cannot tell."""
    how = getattr(ACTIONS.get(fix.action), "explain", None)
    try:
        return how(fix, diagnosis, output) if how is not None else ""
    except Exception:  # noqa: BLE001 - an explanation is a courtesy: it never stops the loop
        return ""
