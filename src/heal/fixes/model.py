"""The values the fix engine works with: what a fix is (Fix), what it sees (PlanContext), what happened
(Attempt)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from heal.diagnose.model import Diagnosis

ACTIONS = ("install", "retry", "run", "chmod", "suggest")
RISKS = ("low", "medium", "high")


@dataclass(frozen=True)
class Fix:
    action: str  # install | retry | run | chmod | suggest
    description: str
    argv: tuple[str, ...] | None = None  # what heal runs (install, run) or prints (suggest)
    path: str | None = None  # the file a chmod changes
    mode: int | None = None  # chmod: the new mode
    risk: str = "low"
    source: str = ""  # the playbook it came from
    confidence: float = 1.0
    manager: str = ""  # install: pip | npm
    packages: tuple[str, ...] = ()
    python: str = ""  # install with pip: the interpreter the failing command used
    cwd: str = ""
    new_command: tuple[str, ...] | None = None  # run: the corrected command, re-run from then on
    then: tuple[str, ...] | None = None  # run: a preparatory command, after which the command is re-run
    verify: tuple[str, ...] = ()  # install: modules that must import afterwards
    ask: bool = False  # confirm on a terminal even with --yes (rewrites history, e.g. pull --rebase)
    wait: float = 0.0  # retry: seconds to wait before the rerun (set by the retry policy)
    choices: tuple[str, ...] = ()  # install: candidate distributions the user must pick from (never guessed)
    question: str = ""  # what to ask on a terminal, when not "<description>?" (a retry asks once for its series)

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
