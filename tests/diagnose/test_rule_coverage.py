"""Every rule is exercised by a real output: either a captured fixture records it as the winner
(fixtures/outputs/*.json, expect.rule) or its module's table (tests/diagnose/rules/test_<module>.py) has a Match
row for it, or a Shadowed row saying which rule decides its only known real output. A rule no fixture decides
also has a not-match row: another output, from the same tool or with near-miss wording, that it must not win.
A new rules module needs its own table."""

from __future__ import annotations

import glob
import importlib
import json
import os

import pytest

from heal.diagnose.rules import MODULES

from .rules.table import Match, NoMatch, Shadowed
from .ruleids import all_rule_ids, id_pattern

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NAMES = [m.__name__.rsplit(".", 1)[-1] for m in MODULES]


def fixture_winners() -> set[str]:
    winners = set()
    for path in glob.glob(os.path.join(ROOT, "fixtures", "outputs", "*.json")):
        with open(path, encoding="utf-8") as fh:
            winners.add(json.load(fh)["expect"]["rule"])
    return winners


def table_rows() -> list:
    rows = []
    for name in NAMES:
        rows += importlib.import_module(f".rules.test_{name}", __package__).ROWS
    return rows


def covers(rule_id: str, concrete: set[str]) -> bool:
    """Whether one of these concrete ids is rule_id, or one it stands for (python.* covers python.KeyError)."""
    pattern = id_pattern(rule_id)
    return any(pattern.match(c) for c in concrete)


@pytest.mark.parametrize("name", NAMES)
def test_every_rules_module_has_a_table(name):
    assert os.path.exists(os.path.join(os.path.dirname(__file__), "rules", f"test_{name}.py")), \
        f"heal.diagnose.rules.{name} has no table: add tests/diagnose/rules/test_{name}.py (see table.py)"


def test_every_rule_is_decided_by_a_real_output():
    decided = fixture_winners()
    rows = table_rows()
    matched = {r.rule for r in rows if isinstance(r, Match)}
    shadowed = {r.rule for r in rows if isinstance(r, Shadowed)}
    missing = [i for i in all_rule_ids() if not covers(i, decided | matched | shadowed)]
    assert not missing, (f"no fixture and no table row exercises {missing}: add a Match row with a real output of "
                         "the tool (tests/diagnose/rules/test_<module>.py), or a fixture")


def test_every_rule_no_fixture_decides_has_a_not_match_row():
    decided = fixture_winners()
    refused = {r.rule for r in table_rows() if isinstance(r, NoMatch)}
    missing = [i for i in all_rule_ids() if not covers(i, decided) and not covers(i, refused)]
    assert not missing, f"add a not-match row (another real output the rule must not win) for {missing}"


def test_table_rows_name_known_rules():
    ids = all_rule_ids()
    for row in table_rows():
        for rule in (row.rule, getattr(row, "winner", row.rule)):
            assert rule == "none" or any(id_pattern(i).match(rule) for i in ids), f"unknown rule id {rule!r}"


def test_coverage_counts_a_rule_only_through_real_rows():
    # the checks above are only as strong as this: a rule id no row and no fixture names is reported missing
    assert not covers("git.no_such_rule", fixture_winners() | {r.rule for r in table_rows()})
    assert covers("python.*", {"python.KeyError"}) and not covers("python.*", {"pytest.failed"})
