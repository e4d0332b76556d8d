"""The seam the engine calls once after its loop: `learn(store, attempts, ...)` turns what happened into
pattern counts and one outcome row.

Reading the attempts (each an Attempt: the diagnosis, the fix, whether it was applied, the exit status of
the rerun that followed):

- an applied fix whose rerun succeeded healed its failure;
- an applied fix whose rerun failed differently made progress (module A installed, now B is missing): it
  worked for its failure;
- an applied fix after which the same failure came back, or that could not be applied (a note), failed;
- the last applied fix of a run that ended failing, with no diagnosis after it: failed, unless the caller
  says what the final failure was (`final_signature`) and it is another one.

A fix from a playbook is counted as that playbook's step (re-planned next time, never frozen into a
command); a fix from the store (`learned:<id>`) counts for that pattern, and a playbook step that healed a
failure similar to the one it was learned for is also learned for this failure's own signature. A command
from a pattern is never copied into a new pattern: an imported command stays imported (and gated).
"""

from __future__ import annotations

import time
from _collections_abc import Iterable, Sequence  # collections.abc's, without importing collections
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (2 ms of every failure)

if TYPE_CHECKING:
    from typing import Any

from heal.store.db import Store
from heal.store.model import Failure, PatternFix

LEARNED = "learned:"


def learn(store: Store, attempts: Sequence[Any], *, command: Sequence[str], started: float,
          healed: bool, final_signature: str | None = None, books: Iterable[Any] | None = None,
          now: float | None = None, first: Any = None) -> int | None:
    """Record the run: each applied fix's outcome for its failure, then one outcome row (time, duration, the
    first failure's category and signature, healed or not, the pattern that healed it, the command's hash).
    `started` is when the command's first run ended failing, so the outcome's duration (until `now`) is the
    time to heal it. `first` is the first failure's diagnosis: the outcome is recorded for it even when no fix
    was tried (only suggested, or nothing heal knows); without it, the first attempt's. Returns the id of the
    pattern that healed the run, if any. Raises StoreUnavailable only."""
    now = time.time() if now is None else now
    steps = _steps(books)
    with store.transaction():  # the counts and the outcome row: one commit, all or none
        healer: int | None = None
        for i, attempt in enumerate(attempts):
            fix = attempt.fix
            if fix is None or fix.action == "suggest":
                continue
            nxt = attempts[i + 1].diagnosis.signature if i + 1 < len(attempts) else final_signature
            sig = attempt.diagnosis.signature
            worked = attempt.applied and (attempt.exit_code == 0 or (nxt is not None and nxt != sig))
            failure = Failure.of(attempt.diagnosis)
            pid = None
            if fix.source.startswith(LEARNED) and fix.source[len(LEARNED):].isdigit():
                pid = int(fix.source[len(LEARNED):])
                store.record_use(pid, worked, when=now)
                used = store.get(pid)
                if used is not None and used.fix.kind == "playbook" and used.signature != sig:
                    pid = store.record_fix(failure, used.fix, worked, when=now)
            else:
                ref = playbook_step(fix, steps)
                if ref is not None:
                    pid = store.record_fix(failure, ref, worked, when=now)
            if worked and attempt.exit_code == 0 and attempt.applied:
                healer = pid
        if first is None and attempts:
            first = attempts[0].diagnosis
        if first is not None:
            store.record_outcome(started=started, duration=now - started, category=first.category,
                                 signature=first.signature, healed=healed, argv=list(command), pattern_id=healer)
    return healer


def playbook_step(fix: Any, steps: dict[str, list[str]]) -> PatternFix | None:
    """The playbook step a planned fix came from. Fix.step when the planner records it; until then the first
    step of its playbook with the fix's action (no shipped playbook has two steps of one action)."""
    book = fix.source
    index = getattr(fix, "step", None)
    if isinstance(index, int) and not isinstance(index, bool):
        return PatternFix.of_playbook(book, index)
    actions = steps.get(book)
    if not actions or fix.action not in actions:
        return None
    return PatternFix.of_playbook(book, actions.index(fix.action))


def _steps(books: Iterable[Any] | None) -> dict[str, list[str]]:
    if books is None:
        from heal.fixes.playbooks import load_all

        books, _ = load_all()
    out: dict[str, list[str]] = {}
    for b in books:
        out.setdefault(b.id, [str(s.get("action", "")) for s in b.steps])
    return out
