"""heal's cache of compiled regular expressions (heal.recache): a pattern built from the cache is the pattern
re.compile builds, whatever state the cache file is in, and a warm cache leaves nothing to compile on a
failure's path. Each check runs in fresh interpreters (the cache is written when a process exits)."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import heal_argv

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "outputs"

# Every pattern heal's modules hold (module-level lazy() and re.compile, rule tables), compiled through
# heal.recache, compared with re.compile's, printed with how many were compiled rather than read.
EVERY_PATTERN = """
import importlib, json, pkgutil, re, sys
try:
    import re._parser as parser
except ImportError:  # Python 3.10
    import sre_parse as parser
import heal, heal.lazyre as lazyre
calls = []
original = parser.parse
parser.parse = lambda p, flags=0, state=None: calls.append(p) or original(p, flags, state)
sources = set()
for info in pkgutil.walk_packages(heal.__path__, "heal."):
    if info.name.split(".")[1] in ("cli", "commands", "repair", "__main__"):
        continue  # typer and libcst: not what the failure path uses, and slow to import
    module = importlib.import_module(info.name)
    for value in vars(module).values():
        if isinstance(value, lazyre.LazyPattern):
            sources.add(value._source)
from heal.diagnose.rules import PATTERN_RULES
sources |= {(rule.pattern, int(rule.flags)) for rule in PATTERN_RULES}
from heal.recache import compile as cached
calls.clear()
built = {s: cached(*s) for s in sorted(sources, key=repr)}
compiled = len(calls)
different = [s for s, pattern in built.items() if pattern != re.compile(*s)]
print(json.dumps({"patterns": len(sources), "different": different, "compiled": compiled}))
"""


def _python(code: str, env: dict[str, str]) -> dict:
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _entries(cache: Path) -> dict:
    """The entries a cache file holds (heal.tomlcache's format: the key they are valid for, and them)."""
    stored = marshal.loads(cache.read_bytes())
    from heal.recache import file_key

    assert type(stored) is tuple and stored[0] == file_key(), stored[:1]
    return stored[1]


def _store(cache: Path, entries: object) -> None:
    from heal.recache import file_key

    cache.write_bytes(marshal.dumps((file_key(), entries)))


def _cache_files(env: dict[str, str]) -> list[Path]:
    folder = Path(env["HEAL_HOME"]) / "cache" / "re"
    return sorted(folder.glob("*.marshal")) if folder.is_dir() else []


def test_every_pattern_read_from_the_cache_is_the_one_re_compile_builds(heal_env):
    cold = _python(EVERY_PATTERN, heal_env)
    assert cold["patterns"] > 200 and cold["different"] == []
    [cache] = _cache_files(heal_env)
    warm = _python(EVERY_PATTERN, heal_env)
    assert warm["different"] == [] and warm["patterns"] == cold["patterns"]
    assert warm["compiled"] == 0, "a warm cache compiles nothing"
    assert cold["compiled"] > 0  # without the cache each of them is compiled: the check above can fail
    assert len(_entries(cache)) >= cold["patterns"]


def _diagnose_all(env: dict[str, str]) -> tuple[str, int]:
    """Every fixture output diagnosed in one process: the diagnoses as JSON and the regexes compiled."""
    code = (
        "import json, sys\n"
        "try:\n    import re._parser as parser\nexcept ImportError:\n    import sre_parse as parser\n"
        "from pathlib import Path\n"
        "calls = []\n"
        "original = parser.parse\n"
        "parser.parse = lambda p, flags=0, state=None: calls.append(p) or original(p, flags, state)\n"
        "from heal.diagnose import diagnose\n"
        "out = []\n"
        f"for path in sorted(Path({str(FIXTURES)!r}).glob('*.json')):\n"
        "    fx = json.loads(path.read_text())\n"
        "    d = diagnose(fx['output'], argv=fx['argv'], exit_code=fx['exit_code'])\n"
        "    out.append([path.name, d.category, d.summary, d.signature, sorted(d.facts.items(), key=str)])\n"
        "print(json.dumps([json.dumps(out, default=str), len(calls)]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    diagnoses, compiled = json.loads(proc.stdout)
    return diagnoses, compiled


def test_diagnoses_of_every_fixture_are_the_same_cold_warm_and_with_a_damaged_cache(heal_env):
    cold, compiled_cold = _diagnose_all(heal_env)
    warm, compiled_warm = _diagnose_all(heal_env)
    assert warm == cold
    # what is left are patterns written inline in rules that rarely match (re.search(r"...") in a refine)
    assert compiled_cold > 200 and compiled_warm < compiled_cold / 4
    [cache] = _cache_files(heal_env)
    cache.write_bytes(cache.read_bytes()[: len(cache.read_bytes()) // 2])  # truncated: a miss, then rewritten
    assert _diagnose_all(heal_env)[0] == cold
    assert isinstance(_entries(cache), dict)


@pytest.mark.parametrize("damage", ["garbage", "not-a-dict", "bad-code", "bad-shape"])
def test_a_damaged_entry_is_compiled_afresh_and_the_file_repaired(heal_env, damage):
    code = ("import json, re\nfrom heal.recache import compile\n"
            "p = compile(r'^(?P<exc>\\w+Error): (?P<msg>.*)$', re.M)\n"
            "print(json.dumps([p == re.compile(r'^(?P<exc>\\w+Error): (?P<msg>.*)$', re.M),"
            " p.match('KeyError: x').group('msg')]))\n")
    assert _python(code, heal_env) == [True, "x"]
    [cache] = _cache_files(heal_env)
    entries = _entries(cache)
    [(key, parts)] = entries.items()
    if damage == "garbage":
        cache.write_bytes(os.urandom(64))
    elif damage == "not-a-dict":
        _store(cache, [key, parts])
    elif damage == "bad-code":  # code _sre's validator rejects
        _store(cache, {key: (parts[0], [17, 99, 4, 1, 0, 2], *parts[2:])})
    else:
        _store(cache, {key: ("flags", None)})
    assert _python(code, heal_env) == [True, "x"]
    assert _entries(cache) == entries  # the entry is written again as it was


def test_a_cache_that_cannot_be_written_costs_nothing_but_the_compile(heal_env, tmp_path):
    (tmp_path / "heal-home").mkdir()
    (tmp_path / "heal-home" / "cache").write_text("a file where the cache directory would be")
    code = "import re\nfrom heal.recache import compile\nprint(compile(r'a+b', re.I).pattern == 'a+b')\n"
    out = subprocess.run([sys.executable, "-c", code], env=heal_env, capture_output=True, text=True, timeout=60)
    assert (out.returncode, out.stdout, out.stderr) == (0, "True\n", "")


def test_eight_processes_filling_one_cache_at_once_leave_a_valid_file(heal_env, tmp_path):
    log = tmp_path / "failure.log"
    log.write_text('Traceback (most recent call last):\n  File "app.py", line 1, in <module>\n    import yaml\n'
                   "ModuleNotFoundError: No module named 'yaml'\n")
    argv = [*heal_argv(), "diagnose", "--json", "--command", "python3 app.py", str(log)]
    procs = [subprocess.Popen(argv, env=heal_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(8)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert len({p.returncode for p in procs}) == 1 and not any(o[1] for o in outs), [o[1] for o in outs]
    assert len({o[0] for o in outs}) == 1 and b"yaml" in outs[0][0]
    [cache] = _cache_files(heal_env)
    assert len(_entries(cache)) > 10
    assert not [p for p in cache.parent.iterdir() if p.suffix == ".tmp"]


@pytest.mark.parametrize("fixture", ["python-modulenotfound-requests.json", "python-pytest-one-failing-assertion.json", "jest-failing-assertion.json"])
def test_with_a_warm_cache_the_common_failures_compile_no_regex(heal_env, fixture):
    code = (
        "import json\n"
        "try:\n    import re._parser as parser\nexcept ImportError:\n    import sre_parse as parser\n"
        "calls = []\n"
        "original = parser.parse\n"
        "parser.parse = lambda p, flags=0, state=None: calls.append(p) or original(p, flags, state)\n"
        "from heal.diagnose import diagnose\n"
        f"fx = json.loads(open({str(FIXTURES / fixture)!r}).read())\n"
        "d = diagnose(fx['output'], argv=fx['argv'], exit_code=fx['exit_code'])\n"
        "print(json.dumps({'category': d.category, 'compiled': calls}))\n"
    )
    cold = _python(code, heal_env)
    warm = _python(code, heal_env)
    assert cold["category"] == warm["category"] != "unknown"
    assert cold["compiled"] and warm["compiled"] == []
