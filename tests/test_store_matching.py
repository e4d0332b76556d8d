"""The fuzzy cutoff on the pair table of tests/store_pairs.py: real failures that must match (other
paths, ids, line numbers, hashes, wording; tools really run twice) and must not (another error of the
same tool). README "What heal learns" reports the same numbers (benchmarks/bench_store.py --quality)."""

from __future__ import annotations

import pytest

import store_pairs
from heal.store import Store
from heal.store.db import DEFAULT_CUTOFF


@pytest.fixture(scope="module")
def table(tmp_path_factory) -> list[store_pairs.Pair]:
    real = store_pairs.real_failures(str(tmp_path_factory.mktemp("runs")))
    assert {"py-missing-module", "bash-syntax-error", "git-not-a-repo"} <= set(real)  # the tools always here ran
    return list(store_pairs.pairs(real))


def test_the_table_is_big_and_two_sided(table):
    kinds = {p.kind for p in table}
    assert kinds == {"variant", "wording", "real", "same", "different"}
    assert sum(p.match for p in table) >= 300 and sum(not p.match for p in table) >= 3000
    # the pairs fuzzy matching decides, not the exact signature or the scope/category/key gate
    assert sum(1 for p in table if p.match and p.a.signature != p.b.signature) >= 30
    assert sum(1 for p in table if not p.match and (p.a.scope, p.a.category, p.a.key) ==
               (p.b.scope, p.b.category, p.b.key)) >= 300


def test_precision_and_recall_at_the_default_cutoff(table):
    r = store_pairs.evaluate(table, DEFAULT_CUTOFF)
    assert r["precision"] >= 0.99, store_pairs.errors(table, DEFAULT_CUTOFF)
    assert r["recall"] >= 0.98, store_pairs.errors(table, DEFAULT_CUTOFF)


def test_every_real_run_twice_matches_and_no_other_error_of_its_tool(table):
    real = [p for p in table if p.label.endswith("(run)") or p.kind == "real"]
    wrong = [p.label for p in real if store_pairs.matches(p.a, p.b, DEFAULT_CUTOFF) != p.match]
    assert wrong == []


def test_the_key_facts_gate_is_what_keeps_precision(table):
    # the evidence alone (same scope and category) would pair many different failures
    gated = store_pairs.evaluate(table, DEFAULT_CUTOFF)
    ungated = store_pairs.evaluate(table, DEFAULT_CUTOFF, gate=False)
    assert ungated["fp"] > gated["fp"] + 50


def test_the_store_agrees_with_the_table_rule(table, tmp_path):
    # the table's rule is evaluated in memory; check it against real lookups on a sample of both kinds
    sample = [p for p in table if p.kind in ("wording", "real", "same")]
    sample += [p for p in table if not p.match and (p.a.scope, p.a.category, p.a.key) ==
               (p.b.scope, p.b.category, p.b.key)][:60]
    from heal.store import PatternFix

    for i, p in enumerate(sample):
        with Store(str(tmp_path / f"{i}.sqlite3")) as store:
            store.record_fix(p.b, PatternFix.of_playbook("network-retry", 0), True)
            found = bool(store.lookup(p.a))
        assert found == store_pairs.matches(p.a, p.b, DEFAULT_CUTOFF), p.label
