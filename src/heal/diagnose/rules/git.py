"""git."""

from __future__ import annotations

from heal.diagnose.model import Rule

ECOSYSTEM = "git"

RULES: tuple[Rule, ...] = ()
