"""The values the fix engine works with: what a fix is (Fix), what it sees (PlanContext), what happened
(Attempt)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from heal.diagnose.model import Diagnosis

RISKS = ("low", "medium", "high")


@dataclass(frozen=True)
class Fix:
    """One candidate fix. What it changes is `change`, a journal change its action built (a FileChange,
    PackageChange or GitRefChange): the engine applies it through the change log and knows nothing else
    about the action. A fix without a change changes nothing itself (a retry, a corrected command, a
    suggestion)."""

    action: str  # the registered action that planned it (heal.fixes.ACTIONS)
    description: str
    argv: tuple[str, ...] | None = None  # the command it runs (or, for a suggestion, would): shown and reported
    change: Any = None  # the journal change it makes, or None
    new_command: tuple[str, ...] | None = None  # the corrected command, re-run (and reported) from then on
    risk: str = "low"
    source: str = ""  # the playbook it came from (or learned:<id>)
    confidence: float = 1.0
    ask: bool = False  # confirm on a terminal even with --yes (rewrites history, e.g. pull --rebase)
    wait: float = 0.0  # seconds to wait before the rerun (a retry)
    choices: tuple[str, ...] = ()  # candidates only the user may pick from (never guessed); see the action's choose()
    question: str = ""  # what to ask on a terminal, when not "<description>?" (a retry asks once for its series)
    repeat: bool = False  # the same fix may be applied again (a retry series, bounded by its own policy)
    preview: str = ""  # what the change will look like (a unified diff of an edit): shown before it is applied
    step: int | None = None  # the index of the playbook step that planned it (what the pattern store records)
    aside: bool = False  # advice said on the way (what was learned elsewhere): the next candidate is still tried

    @property
    def advice(self) -> bool:
        """Only said, never applied: what heal will not do itself."""
        return self.action == "suggest"

    @property
    def path(self) -> str | None:
        """The file the fix changes, when it changes one."""
        return getattr(self.change, "path", None)

    def key(self) -> tuple:
        """What makes two fixes the same fix: never applied twice in one run. Two different edits of one file
        (a second moved API after the first) are two fixes; the same edit planned again is the same one."""
        return (self.action, self.argv, self.path, self.source, getattr(self.change, "data", None))

    def to_json(self) -> dict:
        """The `fixes` entries of `heal diagnose --json` and the report (contract in DESIGN.md)."""
        return {"action": self.action, "description": self.description,
                "argv": list(self.argv) if self.argv is not None else None, "path": self.path, "risk": self.risk,
                "source": self.source, "confidence": round(self.confidence, 3)}


@dataclass(frozen=True)
class PlanContext:
    """What planning may look at: the failure and where it happened. Planning changes nothing."""

    diagnosis: Diagnosis
    argv: tuple[str, ...]
    cwd: str
    root: str
    output: str
    exit_code: int
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    settings: Mapping[str, object] = field(default_factory=dict)
    elapsed: float = 0.0  # seconds since the first failure (the retry policy's stop_after_delay)
    retries: int = 0  # retries already spent on this failure


@dataclass(frozen=True)
class Attempt:
    diagnosis: Diagnosis
    fix: Fix | None
    applied: bool
    exit_code: int
    seconds: float
    note: str = ""

    def to_json(self) -> dict:
        return {"diagnosis": self.diagnosis.to_json(), "fix": self.fix.to_json() if self.fix else None,
                "applied": self.applied, "exit_code": self.exit_code, "seconds": round(self.seconds, 3),
                **({"note": self.note} if self.note else {})}
