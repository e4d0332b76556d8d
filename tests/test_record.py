"""The planning values (fixes, playbooks, policies, journal changes, run specs) are heal.record Records, not
dataclasses, and behave as the frozen dataclasses they replace."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import shlex

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heal.commands.diagnose import split_command
from heal.diagnose import Diagnosis
from heal.fixes.model import Attempt, Fix, PlanContext
from heal.journal.changes import FileChange, GitRefChange, PackageChange
from heal.policy import Policy, State, stop_after_attempt, stop_on_repeat, wait_exponential_jitter
from heal.record import replace
from heal.run import RunResult, RunSpec

D = Diagnosis("dependency", "high", "s", {"module": "x"}, ("e",), "sig", rule="r")


def test_records_are_frozen_value_objects():
    f = Fix("install", "install x", ("pip", "install", "x"), risk="medium")
    assert not dataclasses.is_dataclass(f)
    assert f == Fix(action="install", description="install x", argv=("pip", "install", "x"), risk="medium")
    assert f != Fix("install", "install x", ("pip", "install", "x"))
    assert hash(f) == hash(Fix("install", "install x", ("pip", "install", "x"), risk="medium"))
    assert f != ("install", "install x")  # another class is never equal
    assert "risk='medium'" in repr(f) and repr(f).startswith("Fix(")
    with pytest.raises(AttributeError):
        f.risk = "low"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del f.risk
    assert not hasattr(f, "__dict__")
    assert pickle.loads(pickle.dumps(f)) == f and copy.deepcopy(f) == f and copy.copy(f) == f
    assert replace(f, risk="high").risk == "high" and f.risk == "medium"
    with pytest.raises(TypeError):
        replace(f, nope=1)


def test_defaults_and_normalisation_are_the_dataclasses():
    ctx = PlanContext(D, ("python3",), "/p", "/p", "out", 1)
    assert ctx.settings == {} and ctx.env and ctx.elapsed == 0.0 and ctx.retries == 0
    assert ctx.env is not PlanContext(D, ("python3",), "/p", "/p", "out", 1).env  # a fresh copy each
    with pytest.raises(TypeError):
        hash(ctx)  # a dict field, as with the frozen dataclass
    a = Attempt(D, None, False, 1, 0.5)
    assert a.note == "" and a.to_json()["fix"] is None
    p = PackageChange("pip", ["python", "-m", "pip", "install", "x"], "/p", packages=["x"])
    assert p.argv == ("python", "-m", "pip", "install", "x") and p.packages == ("x",) and p.python
    assert replace(p, packages=["y"]).packages == ("y",)  # through the constructor, normalised again
    with pytest.raises(Exception, match="unsupported package manager"):
        PackageChange("nope", (), "/p")
    with pytest.raises(Exception, match="unsupported git change"):
        GitRefChange(("git", "push"), "/p")
    assert "data" not in repr(FileChange("f", b"secret")) and FileChange("f", b"1") != FileChange("f", b"2")
    assert RunSpec(("true",)).kill_grace == 5.0 and "stdout" not in repr(RunResult(("x",), "/", 0, stdout=b"o"))


def test_policies_compose_as_values():
    stop = stop_after_attempt(2) | stop_on_repeat()
    assert stop.reason(State(2, 0.0)) and stop(State(0, 0.0, repeated=True)) and not stop(State(1, 0.0))
    assert stop_on_repeat() == stop_on_repeat() and stop_after_attempt(2) != stop_after_attempt(3)
    wait = Policy(stop, wait_exponential_jitter(1.0, 4.0)).next_wait(State(1, 0.0))
    assert wait is not None and 1.0 <= wait <= 2.0


@given(st.text(alphabet=st.characters(max_codepoint=0x7f), max_size=40))
def test_split_command_reads_a_command_line_as_shlex_does(line):
    from heal.errors import UsageError

    try:
        want = shlex.split(line)
    except ValueError:
        with pytest.raises(UsageError):  # shlex refuses it: so does split_command, in one line
            split_command(line)
        return
    assert split_command(line) == want
