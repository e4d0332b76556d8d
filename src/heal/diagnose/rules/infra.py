"""infra."""

from __future__ import annotations

from heal.diagnose.model import Rule

ECOSYSTEM = "infra"

RULES: tuple[Rule, ...] = ()
