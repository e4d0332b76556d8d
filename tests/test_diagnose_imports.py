"""The failure path pays only for what it uses: what diagnosing a small failure imports, and how much
work `import heal.diagnose` does. Measured in fresh interpreters, by counting (no timings), so that a
module-level re.compile, a dataclass or a heavy import slipped into diagnosis shows up here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import heal_argv, twice_imports, warm_run_imports

# Heavy for a process that must answer in tens of milliseconds: never imported to diagnose.
HEAVY = ("typer", "click", "rich", "pydantic", "libcst", "rapidfuzz", "sqlite3", "packaging", "tomllib", "tomli",
         "dataclasses", "inspect", "ast", "typing", "json", "hashlib", "platformdirs", "shlex", "signal")
FAILURE = ('Traceback (most recent call last):\n  File "app.py", line 1, in <module>\n    import requests\n'
           "ModuleNotFoundError: No module named 'requests'\n")
# What `import heal.diagnose` may load of heal: the diagnosis package, the redaction it applies, lazy regexes.
ALLOWED_AT_IMPORT = ("heal", "heal.lazyre", "heal.recache", "heal.rx", "heal.redact", "heal.diagnose")
MAX_HEAL_MODULES = 30  # 29 today; a new rules module may raise it, a new dependency of diagnosis should not


def _python(code: str, env: dict[str, str]) -> str:
    r = subprocess.run([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    assert r.returncode == 0, r.stderr.decode()
    return r.stdout.decode()


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m in HEAVY or m.split(".")[0] in HEAVY)


def _imported(argv: list[str], env: dict[str, str], cwd: str) -> set[str]:
    """Modules a command imports beyond those an interpreter imports for `pass` (the machine's .pth hooks)."""
    def names(cmd: list[str]) -> set[str]:
        r = subprocess.run(cmd, cwd=cwd, env={**env, "PYTHONPROFILEIMPORTTIME": "1"}, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        assert r.returncode == 0, r.stderr.decode()[-2000:]
        return {line.split("|")[-1].strip() for line in r.stderr.decode().splitlines() if "|" in line}

    return names(argv) - names([sys.executable, "-c", "pass"])


def test_diagnosing_a_small_failure_imports_nothing_heavy(heal_env, tmp_path):
    # diagnose() and the text a human reads, as `heal diagnose` and `heal -- CMD` use them, at import and at
    # run time: sys.modules afterwards, against an interpreter that did nothing
    log = tmp_path / "failure.log"
    log.write_text(FAILURE)
    code = (
        "import sys\n"
        "base = set(sys.modules)\n"
        "from heal.diagnose import diagnose\n"
        "from heal.ui import detailed, one_line\n"
        f"d = diagnose(open({str(log)!r}, 'rb').read(), argv=['python3', 'app.py'], exit_code=1)\n"
        "assert d.category == 'dependency', d\n"
        "detailed(d, True); one_line(d, False)\n"
        "added = sorted(set(sys.modules) - base)\n"
        "print(' '.join(added))\n"
    )
    added = set(_python(code, heal_env).split())
    assert not _heavy(added), _heavy(added)
    # a small output's needles are found with str.find: the automaton (and its Rust module) is for large ones
    assert "ahocorasick_rs" not in added and "heal.diagnose.core" in added


def test_heal_diagnose_of_an_output_it_cannot_place_imports_nothing_heavy(heal_env, project, tmp_path):
    # the whole `heal diagnose` process: entry, hand-parsed options, diagnosis, printing; an output
    # without a known error leaves planning out, so this is the part diagnosis owns
    log = tmp_path / "output.log"
    log.write_text("compiling...\nsomething odd happened\n")
    added = _imported([*heal_argv(), "diagnose", "--exit-code", "3", str(log)], heal_env, project)
    assert "heal.diagnose.core" in added
    assert not _heavy(added), _heavy(added)
    # --json writes through the C encoder json itself uses (heal.cjson), without importing json
    added = _imported([*heal_argv(), "diagnose", "--json", "--exit-code", "3", str(log)], heal_env, project)
    assert not _heavy(added) and "json" not in added, _heavy(added)


def test_heal_diagnose_of_a_real_failure_with_its_fixes_imports_nothing_heavy(heal_env, project, tmp_path):
    # planning too: the fix values are records, not dataclasses; the playbooks and the import map come from
    # heal's compiled cache (heal.tomlcache), which the first run in a new HEAL_HOME writes
    log = tmp_path / "failure.log"
    log.write_text(FAILURE)
    argv = [*heal_argv(), "diagnose", "--command", "python3 app.py", str(log)]
    first = _imported(argv, heal_env, project)
    assert "heal.fixes" in first and {"tomllib", "tomli"} & first  # it saw planning, and the cache was cold
    added = _imported(argv, heal_env, project)
    assert "heal.fixes.install" in added and "heal.tomlcache" in added
    assert not _heavy(added), _heavy(added)


def test_import_heal_diagnose_compiles_no_regex_and_loads_only_diagnosis(heal_env):
    # Rules compile their patterns on first use (heal.lazyre): a failure needs the few whose needles hit.
    code = (
        "import json, re, sys\n"
        "calls = []\n"
        "original = re._compile\n"
        "re._compile = lambda pattern, flags: calls.append(pattern) or original(pattern, flags)\n"
        "import heal.diagnose\n"
        "re._compile = original\n"
        "print(json.dumps([calls, sorted(m for m in sys.modules if m.split('.')[0] == 'heal')]))\n"
    )
    calls, modules = json.loads(_python(code, heal_env))
    assert calls == [], f"{len(calls)} regexes compiled at import (use heal.lazyre.lazy): {calls[:5]}"
    strays = [m for m in modules if not any(m == a or m.startswith(a + ".") for a in ALLOWED_AT_IMPORT)
              or m.startswith("heal.commands")]
    assert not strays, strays
    assert len(modules) <= MAX_HEAL_MODULES, modules


def test_import_heal_fixes_compiles_no_regex(heal_env):
    # planning imports every action module on every failure heal can place: their patterns compile on first use
    code = (
        "import json, re\n"
        "import heal.diagnose\n"
        "calls = []\n"
        "original = re._compile\n"
        "re._compile = lambda pattern, flags: calls.append(pattern) or original(pattern, flags)\n"
        "import heal.fixes\n"
        "re._compile = original\n"
        "print(json.dumps(calls))\n"
    )
    calls = json.loads(_python(code, heal_env))
    assert calls == [], f"{len(calls)} regexes compiled at import (use heal.lazyre.lazy): {calls[:5]}"


def test_value_classes_are_not_dataclasses_and_behave_like_frozen_ones():
    import dataclasses

    from heal.diagnose import Context, Diagnosis, Finding, Rule
    from heal.diagnose.model import replace

    d = Diagnosis("dependency", "high", "s", {"module": "x"}, ("e",), "sig", rule="r", fingerprint="f")
    assert not dataclasses.is_dataclass(d)
    assert d == Diagnosis("dependency", "high", "s", {"module": "x"}, ("e",), "sig", "r", "f")
    assert d != replace(d, summary="other")
    assert "fingerprint" not in repr(d) and "summary='s'" in repr(d)
    assert d.to_json([{"action": "suggest"}])["facts"] == {"module": "x"}
    with pytest.raises(AttributeError):
        d.summary = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        replace(d, nope=1)
    r = Rule("a.b", "build", "high", r"^x$", "x", ("x",))
    assert r.facts == {} and r.facts is not Rule("c", "build", "high", "y", "y", ("y",)).facts
    assert replace(r, facts={"ecosystem": "c"}).facts == {"ecosystem": "c"} and r.facts == {}
    ctx = Context(text="a\nb")
    assert ctx.hits == {} and ctx.line_at(2) == (2, 3) and not ctx.has("a")
    f = Finding("r", "test", "medium", "s", {}, (), 1.0)
    assert f == Finding("r", "test", "medium", "s", {}, (), 1.0)


def test_with_a_warm_regex_cache_diagnosing_common_failures_never_imports_re(heal_env):
    # `import re` (its RegexFlag enum, its compiler) is ~3 ms of a failing run; heal's patterns come from its
    # cache (heal.recache, built with _sre) and flags from heal.rx
    fixtures = Path(__file__).resolve().parent.parent / "fixtures" / "outputs"
    code = (
        "from heal.cjson import loads\n"
        "from heal.diagnose import diagnose\n"
        "for name in ('python-modulenotfound-requests', 'python-pytest-one-failing-assertion',"
        " 'jest-failing-assertion', 'npm-test-failing'):\n"
        f"    with open({str(fixtures)!r} + '/' + name + '.json', 'rb') as fh:\n"
        "        fx = loads(fh.read())\n"
        "    print(diagnose(fx['output'], argv=fx['argv'], exit_code=fx['exit_code']).category)\n"
    )
    (_, cold), (imported, warm) = twice_imports(code, heal_env)
    assert imported == set()
    assert warm.split() == cold.split() == ["dependency", "test", "test", "test"]


def test_heal_diagnose_of_a_quoted_command_line_with_its_plan_imports_no_re(heal_env, tmp_path):
    log = tmp_path / "failure.log"
    log.write_text(FAILURE)
    args = ["diagnose", "--json", "--command", "python3 -c 'import requests'", str(log)]
    # in a directory with no project files (a project declaring dependencies has them read with packaging)
    imported, printed = warm_run_imports(args, heal_env, cwd=str(tmp_path))
    assert imported == set()
    assert json.loads(printed)["category"] == "dependency" and "requests" in printed


def test_the_hook_naming_a_failing_test_run_imports_no_re(heal_env, tmp_path):
    fixture = json.loads((Path(__file__).resolve().parent.parent / "fixtures" / "outputs"
                          / "python-pytest-one-failing-assertion.json").read_text(encoding="utf-8"))
    payload = {"session_id": "s", "cwd": str(tmp_path), "hook_event_name": "PostToolUseFailure", "tool_name": "Bash",
               "tool_input": {"command": "python -m pytest -q 'tests/test_x.py'"},
               "error": f"Exit code 1\n{fixture['output']}", "is_interrupt": False}
    imported, printed = warm_run_imports(["hook", "claude-code"], heal_env, json.dumps(payload).encode())
    assert imported == set()
    assert "test_" in json.loads(printed)["hookSpecificOutput"]["additionalContext"]
