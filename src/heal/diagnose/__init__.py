"""Diagnosis: what went wrong, in a form the fix engine and the pattern store can act on."""

from heal.diagnose.core import diagnose, diagnose_result
from heal.diagnose.model import CATEGORIES, SEVERITIES, Context, Diagnosis, Finding, Rule

__all__ = ["CATEGORIES", "SEVERITIES", "Context", "Diagnosis", "Finding", "Rule", "diagnose", "diagnose_result"]
