"""rust."""

from __future__ import annotations

from heal.diagnose.model import Rule

ECOSYSTEM = "rust"

RULES: tuple[Rule, ...] = ()
