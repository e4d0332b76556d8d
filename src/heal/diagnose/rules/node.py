"""node."""

from __future__ import annotations

from heal.diagnose.model import Rule

ECOSYSTEM = "node"

RULES: tuple[Rule, ...] = ()
