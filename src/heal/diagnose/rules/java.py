"""java."""

from __future__ import annotations

from heal.diagnose.model import Rule

ECOSYSTEM = "java"

RULES: tuple[Rule, ...] = ()
