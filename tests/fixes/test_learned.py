"""candidates() with the pattern store (heal.store.memory.Memory over a real Store): what was learned comes
first, taught commands become journaled `run` fixes, observed and unapproved imported ones are said on the
way, playbook steps that failed here sink and then drop out; without a usable store, the playbooks' order."""

from __future__ import annotations

import os

import pytest

from heal.diagnose import diagnose_result
from heal.fixes import PlanContext, candidates
from heal.fixes.playbooks import load, load_all
from heal.run import RunSpec, run
from heal.store import Failure, PatternFix, Store
from heal.store.memory import Memory

RETRY_FIRST = """\
id = "permission-retry-first"
category = "permission"
description = "try again"
risk = "low"
[match]
rules = ["shell.permission_denied"]
[[steps]]
action = "retry"
max_retries = 1
"""
RETRY = PatternFix.of_playbook("permission-retry-first", 0)
CHMOD = PatternFix.of_playbook("chmod-not-executable", 0)


@pytest.fixture
def ctx(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    script = project / "run.sh"
    script.write_text("#!/bin/sh\necho ran\n")
    script.chmod(0o644)
    result = run(RunSpec(("./run.sh",), cwd=str(project), passthrough=False))
    d = diagnose_result(result)
    assert d.category == "permission"
    return PlanContext(d, ("./run.sh",), str(project), str(project), result.text, result.exit_code)


@pytest.fixture
def books(tmp_path):
    path = tmp_path / "retry.toml"
    path.write_text(RETRY_FIRST)
    shipped, errors = load_all(os.path.dirname(load_all()[0][0].path))
    assert not errors
    return [load(str(path)), *shipped]  # the user's own first, as load_all() orders them


@pytest.fixture
def store(tmp_path):
    path = str(tmp_path / "home" / "patterns.sqlite3")
    with Store(path) as s:
        yield s


def plan(ctx, books, store=None, warnings=None):
    memory = None if store is None else Memory((warnings if warnings is not None else []).append, path=store.path)
    try:
        return [(f.source, f.action, f.step, f.aside) for f in candidates(ctx, books, memory=memory)]
    finally:
        if memory is not None:
            memory.close()


def test_without_a_store_the_playbooks_order_with_their_step_index(ctx, books):
    assert plan(ctx, books) == [("permission-retry-first", "retry", 0, False),
                                ("chmod-not-executable", "chmod", 0, False)]


def test_a_learned_step_comes_first_and_is_planned_again(ctx, books, store):
    pid = store.record_fix(Failure.of(ctx.diagnosis), CHMOD, True)
    fixes = list(candidates(ctx, books, memory=Memory([].append, path=store.path)))
    assert [(f.source, f.step) for f in fixes] == [(f"learned:{pid}", 0), ("permission-retry-first", 0)]
    assert fixes[0].change.path == os.path.join(ctx.cwd, "run.sh")  # this failure's script: re-planned


def test_a_step_that_failed_here_sinks_then_drops_out(ctx, books, store):
    failure = Failure.of(ctx.diagnosis)
    store.record_fix(failure, RETRY, False)
    assert [s for s, *_ in plan(ctx, books, store)] == ["chmod-not-executable", "permission-retry-first"]
    store.record_fix(failure, RETRY, False)
    assert [s for s, *_ in plan(ctx, books, store)] == ["chmod-not-executable"]


def test_a_taught_command_is_a_journaled_run_fix(ctx, books, store):
    f = Failure.of(ctx.diagnosis)
    taught = store.teach(f.signature, f.fingerprint, f.category, f.tool, ["chmod", "u+x", "run.sh"], key=f.key)
    fixes = list(candidates(ctx, books, memory=Memory([].append, path=store.path)))
    first = fixes[0]
    assert (first.action, first.source, first.argv) == ("run", f"learned:{taught.id}", ("chmod", "u+x", "run.sh"))
    assert type(first.change).__name__ == "CommandChange" and first.change.cwd == ctx.cwd
    assert not first.advice and not first.aside


def test_observed_and_unapproved_imported_commands_are_only_said(ctx, books, store):
    f = Failure.of(ctx.diagnosis)
    seen = store.observe(f, [["chmod", "+x", "run.sh"]])
    (imported,), _ = store.add_imported([store.get(seen.id)._replace(fix=PatternFix.of_command(["make", "fix"]),
                                                                    source="imported", successes=3)])
    (row,) = [p for p in store.patterns() if p.source == "imported"]
    got = plan(ctx, books, store)
    assert got[:2] == [(f"learned:{row.id}", "suggest", None, True), (f"learned:{seen.id}", "suggest", None, True)]
    assert [s for s, _, _, aside in got[2:]] == ["permission-retry-first", "chmod-not-executable"]
    store.approve([row.id])
    got = plan(ctx, books, store)
    assert (f"learned:{row.id}", "run", None, False) in got  # approved: heal may run it


def test_a_store_that_cannot_be_used_is_one_warning_and_the_playbooks_order(ctx, books, tmp_path):
    path = tmp_path / "bad.sqlite3"
    path.write_bytes(b"\x00garbage" * 1000)
    warnings: list[str] = []
    memory = Memory(warnings.append, path=str(path))
    got = [f.source for f in candidates(ctx, books, memory=memory)]
    got += [f.source for f in candidates(ctx, books, memory=memory)]  # asked again: still said once
    memory.learn([], command=["x"], started=0.0, healed=False, first=ctx.diagnosis)
    assert got == ["permission-retry-first", "chmod-not-executable"] * 2
    assert len(warnings) == 1 and warnings[0].endswith("; going on without learning")
    assert path.read_bytes() == b"\x00garbage" * 1000


def test_a_command_whose_secret_was_redacted_is_only_said(ctx, books, store):
    f = Failure.of(ctx.diagnosis)
    p = store.teach(f.signature, f.fingerprint, f.category, f.tool, ["curl", "-u", "me:hunter2", "https://x.invalid/"],
                    key=f.key)  # the API takes it (an agent's hook may); the store keeps no secret
    assert "hunter2" not in repr(p.fix)
    got = plan(ctx, books, store)
    assert got[0] == (f"learned:{p.id}", "suggest", None, True)
    assert all(action != "run" for _, action, _, _ in got)
