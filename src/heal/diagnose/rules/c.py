"""c."""

from __future__ import annotations

from heal.diagnose.model import Rule

ECOSYSTEM = "c"

RULES: tuple[Rule, ...] = ()
