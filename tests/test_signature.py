"""Signatures: the same failure elsewhere gets the same signature; different failures don't."""

from __future__ import annotations

import string

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from heal.diagnose import diagnose
from heal.diagnose.signature import normalise

dirs = st.text(alphabet=string.ascii_lowercase + string.digits + "_-", min_size=1, max_size=12)
modules = st.from_regex(r"[a-z][a-z0-9_]{1,12}", fullmatch=True)
lines = st.integers(1, 99999)


def python_failure(root: str, module: str, line: int) -> str:
    return (f"Traceback (most recent call last):\n  File \"{root}/app.py\", line {line}, in <module>\n"
            f"    import {module}\nModuleNotFoundError: No module named '{module}'\n")


@settings(max_examples=60, deadline=None)
@given(a=dirs, b=dirs, module=modules, l1=lines, l2=lines)
def test_same_failure_other_checkout_other_line_same_signature(a, b, module, l1, l2):
    d1 = diagnose(python_failure(f"/tmp/{a}", module, l1), cwd=f"/tmp/{a}")
    d2 = diagnose(python_failure(f"/home/u/{b}/x", module, l2), cwd=f"/home/u/{b}/x")
    assert d1.signature == d2.signature


@settings(max_examples=60, deadline=None)
@given(m1=modules, m2=modules)
def test_different_missing_modules_differ(m1, m2):
    assume(m1 != m2)
    assert diagnose(python_failure("/p", m1, 1)).signature != diagnose(python_failure("/p", m2, 1)).signature


@settings(max_examples=40, deadline=None)
@given(port=st.integers(1024, 65535), pid=st.integers(2, 99999), ms=st.integers(0, 99999))
def test_ports_pids_durations_and_times_do_not_matter(port, pid, ms):
    out = (f"2026-01-0{pid % 9 + 1}T10:{pid % 60:02d}:00Z worker[{pid}] curl: (7) Failed to connect to 127.0.0.1 "
           f"port {port} after {ms} ms: Couldn't connect to server\n")
    base = ("2026-01-01T10:00:00Z worker[1] curl: (7) Failed to connect to 127.0.0.1 port 80 after 0 ms: "
            "Couldn't connect to server\n")
    assert diagnose(out).fingerprint == diagnose(base).fingerprint


def test_ansi_colour_does_not_change_the_signature():
    plain = "error[E0425]: cannot find value `x` in this scope\n --> src/main.rs:4:20\n"
    coloured = "\x1b[1m\x1b[31merror[E0425]\x1b[0m: cannot find value `x` in this scope\n --> src/main.rs:4:20\n"
    assert diagnose(plain).signature == diagnose(coloured).signature


def test_error_codes_and_names_survive_normalisation():
    text = normalise("error TS2307: Cannot find module 'express' at /tmp/abc123/src/index.ts:12:5 0x7ffee3")
    assert "TS2307" in text and "express" in text and "index.ts" in text
    assert "abc123" not in text and "0x7ffee3" not in text and "12" not in text


def test_different_commands_not_found_differ():
    a = diagnose("bash: line 1: rg: command not found\n")
    b = diagnose("bash: line 1: jq: command not found\n")
    assert a.category == b.category == "dependency"
    assert a.signature != b.signature
