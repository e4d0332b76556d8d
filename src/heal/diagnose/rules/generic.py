"""Weak, tool-agnostic signals: an error line is better evidence than the last lines of output."""

from __future__ import annotations

from heal.diagnose.model import Rule

ECOSYSTEM = ""

RULES = (
    Rule("generic.error_line", "unknown", "medium",
         r"^[ \t]*(?:\[?(?:ERROR|FATAL|Error|error|fatal)\]?:?|E/\w+:|\*\*\* )[ \t]*(?P<message>\S.{2,300})$",
         "{message}", ("\nerror", "\n[error", "\nfatal", "\n[fatal", "\n*** ", " error:", "\terror", "\n  error",
                       "\ne/"), priority=12),
)
