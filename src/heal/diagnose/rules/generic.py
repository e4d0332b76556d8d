"""Weak, tool-agnostic signals: an error line is better evidence than the last lines of output."""

from __future__ import annotations

from heal import rx
from heal.diagnose.model import Context, Rule
from heal.lazyre import lazy

ECOSYSTEM = ""

_STEP_WORDS = (
    ("test", lazy(r"\b(?:test|tests|spec|specs|pytest|py\.test|nosetests|rspec|jest|mocha|karma|phpunit|"
                  r"ctest|tox|check)\b|/test/|test/run|run_tests|runtests")),
    ("deployment", lazy(r"\b(?:deploy|publish|release|upload)\b")),
    ("build", lazy(r"\b(?:build|compile|assemble|install|package|make|cmake|mvn|gradle|gradlew|cargo)\b")),
)


def _ci_step(ctx: Context, m: rx.Match[str], facts: dict) -> dict | None:
    # A CI runner names the step that failed; with nothing better in the log, the step's own name is
    # the best evidence of what kind of failure it was.
    command = facts.get("step", "").lower()
    for category, words in _STEP_WORDS:
        if words.search(command):
            facts["category"] = category
            facts["summary"] = f"the CI step `{facts['step']}` failed"
            return facts
    return None


RULES = (
    Rule("generic.error_line", "unknown", "medium",
         r"^[ \t]*(?:\[?(?:ERROR|FATAL|Error|error|fatal)\]?:?|E/\w+:|\*\*\* )[ \t]*(?P<message>\S.{2,300})$",
         "{message}", ("\nerror", "\n[error", "\nfatal", "\n[fatal", "\n*** ", " error:", "\terror", "\n  error",
                       "\ne/"), priority=12),
    Rule("generic.ci_step", "unknown", "medium",
         r"^The command \"(?P<step>[^\"]+)\" (?:exited with [1-9]\d*|failed and exited with [1-9]\d*|failed \d+ times)",
         "a CI step failed", ("the command \"",), priority=14, refine=_ci_step),
)
