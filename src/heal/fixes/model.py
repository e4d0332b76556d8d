"""The values the fix engine works with: what a fix is (Fix), what it sees (PlanContext), what happened
(Attempt). Records, not dataclasses: they are built on every failure (see heal.record)."""

from __future__ import annotations

import os
from _collections_abc import Mapping

from heal.diagnose.model import Diagnosis
from heal.record import Record

RISKS = ("low", "medium", "high")


class Fix(Record):
    """One candidate fix. What it changes is `change`, a journal change its action built (a FileChange,
    PackageChange or GitRefChange): the engine applies it through the change log and knows nothing else
    about the action. A fix without a change changes nothing itself (a retry, a corrected command, a
    suggestion).

    action       the registered action that planned it (heal.fixes.ACTIONS)
    argv         the command it runs (or, for a suggestion, would): shown and reported
    change       the journal change it makes, or None
    new_command  the corrected command, re-run (and reported) from then on
    source       the playbook it came from (or learned:<id>)
    ask          confirm on a terminal even with --yes (rewrites history, e.g. pull --rebase)
    wait         seconds to wait before the rerun (a retry)
    choices      candidates only the user may pick from (never guessed); see the action's choose()
    question     what to ask on a terminal, when not "<description>?" (a retry asks once for its series)
    repeat       the same fix may be applied again (a retry series, bounded by its own policy)
    preview      what the change will look like (a unified diff of an edit): shown before it is applied
    step         the index of the playbook step that planned it (what the pattern store records)
    aside        advice said on the way (what was learned elsewhere): the next candidate is still tried
    """

    __slots__ = ("action", "description", "argv", "change", "new_command", "risk", "source", "confidence", "ask",
                 "wait", "choices", "question", "repeat", "preview", "step", "aside")
    action: str
    description: str
    argv: tuple[str, ...] | None
    change: object
    new_command: tuple[str, ...] | None
    risk: str
    source: str
    confidence: float
    ask: bool
    wait: float
    choices: tuple[str, ...]
    question: str
    repeat: bool
    preview: str
    step: int | None
    aside: bool

    def __init__(self, action: str, description: str, argv: tuple[str, ...] | None = None, change: object = None,
                 new_command: tuple[str, ...] | None = None, risk: str = "low", source: str = "",
                 confidence: float = 1.0, ask: bool = False, wait: float = 0.0, choices: tuple[str, ...] = (),
                 question: str = "", repeat: bool = False, preview: str = "",
                 step: int | None = None, aside: bool = False) -> None:
        self._fill(action, description, argv, change, new_command, risk, source, confidence, ask, wait, choices,
                   question, repeat, preview, step, aside)

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


class PlanContext(Record):
    """What planning may look at: the failure and where it happened. Planning changes nothing.

    env      the environment the command ran with (default: heal's own, copied)
    elapsed  seconds since the first failure (the retry policy's stop_after_delay)
    retries  retries already spent on this failure
    probe    planning may start the command's own interpreter to ask it (its markers, whether it is a
             virtualenv): only when heal runs the command itself. heal diagnose and the hooks plan from text and
             never run a program their input names
    """

    __slots__ = ("diagnosis", "argv", "cwd", "root", "output", "exit_code", "env", "settings", "elapsed", "retries", "probe")
    diagnosis: Diagnosis
    argv: tuple[str, ...]
    cwd: str
    root: str
    output: str
    exit_code: int
    env: Mapping[str, str]
    settings: Mapping[str, object]
    elapsed: float
    retries: int
    probe: bool

    def __init__(self, diagnosis: Diagnosis, argv: tuple[str, ...], cwd: str, root: str, output: str,
                 exit_code: int, env: Mapping[str, str] | None = None, settings: Mapping[str, object] | None = None,
                 elapsed: float = 0.0, retries: int = 0, probe: bool = True) -> None:
        self._fill(diagnosis, argv, cwd, root, output, exit_code, dict(os.environ) if env is None else env,
                   {} if settings is None else settings, elapsed, retries, probe)


class Attempt(Record):
    __slots__ = ("diagnosis", "fix", "applied", "exit_code", "seconds", "note")
    diagnosis: Diagnosis
    fix: Fix | None
    applied: bool
    exit_code: int
    seconds: float
    note: str

    def __init__(self, diagnosis: Diagnosis, fix: Fix | None, applied: bool, exit_code: int, seconds: float,
                 note: str = "") -> None:
        self._fill(diagnosis, fix, applied, exit_code, seconds, note)

    def to_json(self) -> dict:
        return {"diagnosis": self.diagnosis.to_json(), "fix": self.fix.to_json() if self.fix else None,
                "applied": self.applied, "exit_code": self.exit_code, "seconds": round(self.seconds, 3),
                **({"note": self.note} if self.note else {})}
