"""The fix engine's planning half: from a diagnosis to candidate fixes, through the playbooks.

Each action is one module, registered in ACTIONS (by its module's name, in ACTION_MODULES), with:
    OPTIONS                          the step options a playbook may give it (checked when the playbook loads)
    plan(step, ctx, source, risk)    -> Fix | None; the Fix carries the journal change it makes, if any
    check(fix) -> str                optional: after the change, why it did not work ("" when it did)
    explain(fix, diagnosis, output)  optional: after a rerun that failed anew, whether this fix is the cause
    choose(fix, choice) -> Fix       optional: the fix for the candidate the user picked among fix.choices
The engine applies `fix.change` through the journal and knows nothing else about an action: adding one is
a module here, a line in ACTION_MODULES, and its test.

An action's module is imported the first time ACTIONS is asked for it: planning a failure imports only the
actions of the playbook steps that match it (most failures need one or two of the seven).
"""

from __future__ import annotations

import sys
from _collections_abc import Iterable, Iterator, Mapping  # collections.abc's, without importing collections

from heal.record import replace

from heal.fixes.model import Attempt, Fix, PlanContext
from heal.fixes.playbooks import Playbook, PlaybookError, load_all

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any


class _Actions(Mapping):
    """action name -> its module (heal.fixes.<module>), imported on first lookup. Membership and iteration
    read only the names: checking a playbook's step names imports nothing."""

    def __init__(self, modules: dict[str, str]) -> None:
        self._modules = modules

    def __getitem__(self, name: str) -> ModuleType:
        path = f"heal.fixes.{self._modules[name]}"
        module = sys.modules.get(path)
        if module is None:
            __import__(path)  # not importlib: nothing else on the planning path imports it
            module = sys.modules[path]
        return module

    def __contains__(self, name: object) -> bool:
        return name in self._modules

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)

    def __repr__(self) -> str:
        return f"ACTIONS({self._modules!r})"


# action name -> its module in heal.fixes
ACTION_MODULES = {"install": "install", "retry": "retry", "run": "command", "chmod": "chmod", "suggest": "suggest",
                  "python_edit": "python_edit", "json_edit": "json_edit"}
ACTIONS: Mapping[str, ModuleType] = _Actions(ACTION_MODULES)

__all__ = ["ACTIONS", "Attempt", "Fix", "PlanContext", "Playbook", "PlaybookError", "candidates", "explain",
           "plan_fixes"]


def candidates(ctx: PlanContext, books: Iterable[Playbook], errors: list[str] | None = None,
               memory: Any = None) -> Iterator[Fix]:
    """Candidate fixes for the diagnosis, best first, planned one at a time. Lazy, so the engine plans the
    next candidate only when the one before could not be applied (planning may ask a tool something: a
    probe costs only when it is needed).

    Without `memory` (heal diagnose, learning off): each matching playbook's steps in order. With it (the
    pattern store for this run, heal.store.memory.Memory):
      1. what was learned elsewhere that heal only says (observed advice, an imported command nobody
         approved yet): Fix.aside, the engine says it and goes on;
      2. the store's patterns for this failure, by similarity x confidence: a playbook step re-planned
         through its action (source `learned:<id>`), a taught or approved command (heal.fixes.learned);
      3. the playbooks' own steps, reordered by what happened here (Store.rank_fixes): a step that failed
         for this failure later, one that keeps failing for it not at all.

    A playbook that fails while matching or planning (a user's, say, with an option the loader could not
    foresee) disables only itself: a one-line error naming it goes to `errors`, the others still plan."""
    if ctx.diagnosis.category == "unknown":
        return  # an answer (grep found nothing), Ctrl-C, or nothing heal recognises: leave it alone
    books = list(books)
    plan = _Planner(ctx, errors)
    if memory is not None:
        from heal.fixes import learned

        found = sorted(memory.lookup(ctx.diagnosis), key=lambda c: -c.score)  # stable: exact ones first on a tie
        for c in found:
            fix = learned.aside(c)
            if fix is not None:
                yield fix
        for c in found:
            if c.fix.kind == "playbook":
                book = next((b for b in books if b.id == c.fix.playbook), None)
                fix = None if book is None else plan.step(book, c.fix.step, c.label)
            else:
                fix = learned.command(c, ctx)
            if fix is not None and plan.new(fix):
                yield fix
    steps = [(book, i) for book in books if plan.matches(book) for i in range(len(book.steps))]
    if memory is not None and steps:
        from heal.store.model import PatternFix

        where: dict[PatternFix, list[tuple[Playbook, int]]] = {}
        for book, i in steps:
            where.setdefault(PatternFix.of_playbook(book.id, i), []).append((book, i))
        steps = [s for ref in memory.rank(ctx.diagnosis.signature, list(where)) for s in where[ref]]
    for book, i in steps:
        fix = plan.step(book, i, book.id)
        if fix is not None and plan.new(fix):
            yield fix


class _Planner:
    """One candidates() call's planning: each playbook matched once, each step planned once, a playbook that
    fails skipped from then on, no fix offered twice."""

    def __init__(self, ctx: PlanContext, errors: list[str] | None) -> None:
        self.ctx = ctx
        self.errors = errors
        self.matched: dict[int, bool] = {}
        self.planned: set[tuple[str, int]] = set()
        self.seen: list[Fix] = []

    def matches(self, book: Playbook) -> bool:
        if id(book) not in self.matched:
            try:
                self.matched[id(book)] = bool(book.matches(self.ctx))
            except Exception as exc:  # noqa: BLE001 - any failure of one playbook must not stop the others
                _failed(book, exc, self.errors)
                self.matched[id(book)] = False
        return self.matched[id(book)]

    def step(self, book: Playbook, index: int, source: str) -> Fix | None:
        """Step `index` of the playbook planned for this failure (once), its source and index on the fix."""
        if (book.id, index) in self.planned or not 0 <= index < len(book.steps) or not self.matches(book):
            return None
        self.planned.add((book.id, index))
        step = book.steps[index]
        try:
            fix = ACTIONS[step["action"]].plan(step, self.ctx, source, book.risk)
        except Exception as exc:  # noqa: BLE001
            _failed(book, exc, self.errors)
            self.matched[id(book)] = False  # its other steps are not planned either
            return None
        return None if fix is None else replace(fix, step=index)

    def new(self, fix: Fix) -> bool:
        if fix in self.seen:
            return False
        self.seen.append(fix)
        return True


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
