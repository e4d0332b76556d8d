"""go."""

from __future__ import annotations

from heal.diagnose.model import Rule

ECOSYSTEM = "go"

RULES: tuple[Rule, ...] = ()
