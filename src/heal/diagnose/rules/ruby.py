"""ruby."""

from __future__ import annotations

from heal.diagnose.model import Rule

ECOSYSTEM = "ruby"

RULES: tuple[Rule, ...] = ()
