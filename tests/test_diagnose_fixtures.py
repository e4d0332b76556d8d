"""Every captured real tool output (fixtures/outputs/*.json, made by fixtures/capture/) is diagnosed
by its expected rule into its expected category with its key facts."""

from __future__ import annotations

import glob
import json
import os

import pytest

from heal.diagnose import diagnose

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = sorted(glob.glob(os.path.join(HERE, "..", "fixtures", "outputs", "*.json")))


def load(path: str) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def fact_matches(key: str, want: object, got: object) -> bool:
    if key == "file" and isinstance(want, str) and isinstance(got, str):
        # captured in a temp dir: compare the project-relative tail
        got = got[2:] if got.startswith("./") else got
        return got == want or got.endswith("/" + want)
    if key == "tests" and isinstance(want, list) and isinstance(got, list):
        return sorted(want) == sorted(got)
    return want == got


def check(case: dict) -> list[str]:
    d = diagnose(case["output"], argv=case["argv"], exit_code=case["exit_code"])
    problems = []
    want = case["expect"]
    if d.rule != want["rule"]:
        # rule ids are hashed into signatures: a different winner changes what heal learned about this output
        problems.append(f"rule {d.rule!r} won, not {want['rule']!r} ({d.summary})")
    if d.category != want["category"]:
        problems.append(f"category {d.category!r} != {want['category']!r} ({d.rule}: {d.summary})")
    for key, value in want["facts"].items():
        if not fact_matches(key, value, d.facts.get(key)):
            problems.append(f"fact {key}: {d.facts.get(key)!r} != {value!r}")
    return problems


def test_there_are_enough_fixtures():
    cases = [load(p) for p in FIXTURES]
    assert len(cases) >= 120
    assert {c["expect"]["category"] for c in cases} >= {"dependency", "syntax", "test", "build", "runtime", "network",
                                                       "permission", "configuration", "deployment", "unknown"}
    for c in cases:  # provenance is kept beside each output, and the rule that must win
        assert c["command"] and c["tool_version"] and c["captured"]
        assert c["expect"].get("rule"), f"{c['id']}: expect.rule is missing"


@pytest.mark.parametrize("path", FIXTURES, ids=[os.path.basename(p)[:-5] for p in FIXTURES])
def test_fixture(path):
    problems = check(load(path))
    assert not problems, "; ".join(problems)
