"""heal.managers.pyscan lists an environment as importlib.metadata does (what heal listed with before), and
tells which modules do not import as importlib.util.find_spec does, without importing either."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from heal.managers import MANAGERS
from heal.managers.base import python_listing, verified

_METADATA_LISTING = """import importlib.metadata as m, json, re, sys
sys.path[:] = json.loads(sys.argv[1])
norm = lambda n: re.sub(r'[-_.]+', '-', n).lower()
pkgs, reqs = {}, {}
for d in m.distributions(path=sys.path):
    name = d.metadata['Name']
    if not name:
        continue
    pkgs[norm(name)] = d.version
    deps = set()
    for r in d.requires or ():
        if 'extra ==' in r.replace('extra==', 'extra =='):
            continue
        mm = re.match(r'\\s*([A-Za-z0-9][A-Za-z0-9._-]*)', r)
        if mm:
            deps.add(norm(mm.group(1)))
    reqs[norm(name)] = sorted(deps)
print(json.dumps([pkgs, reqs]))
"""


def importlib_listing(paths: list[str], cwd: str | None = None) -> list:
    import json

    out = subprocess.run([sys.executable, "-c", _METADATA_LISTING, json.dumps(paths)], cwd=cwd, check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out)


def scan(paths: list[str], cwd: str | None = None) -> list:
    code = "import json, sys; from heal.managers import pyscan; print(json.dumps(pyscan.listing(json.loads(sys.argv[1]))))"
    import json

    out = subprocess.run([sys.executable, "-c", code, json.dumps(paths)], cwd=cwd, check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    return [dict(x) for x in json.loads(out)]


def test_this_environment_lists_alike():
    # this venv: a hundred real distributions, heal's own editable one among them
    paths = [p for p in sys.path if p]
    assert scan(paths) == importlib_listing(paths)


def _write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def test_odd_distributions_list_alike(tmp_path):
    site = str(tmp_path / "site")
    _write(f"{site}/Plain_Pkg-1.0.dist-info/METADATA",
           "Metadata-Version: 2.1\nName: Plain_Pkg\nVersion: 1.0\nRequires-Dist: Dep.One (>=1)\n"
           "Requires-Dist: opt ; extra == 'x'\nRequires-Dist: marked; python_version>'3'\nSummary: a\n folded line\n\n"
           "Requires-Dist: body-not-header\n")
    _write(f"{site}/eggy-2.0-py3.11.egg-info/PKG-INFO", "Metadata-Version: 1.1\nName: eggy\nVersion: 2.0\n")
    _write(f"{site}/eggy-2.0-py3.11.egg-info/requires.txt",
           "six>=1\n# comment\n\n[:python_version < '4']\nmarked_dep\n[extra1]\noptional\n[extra2:sys_platform=='x']\nalso-opt\n")
    _write(f"{site}/legacy-0.1.egg-info", "Metadata-Version: 1.0\nName: legacy\nVersion: 0.1\n")
    _write(f"{site}/noname-1.dist-info/METADATA", "Metadata-Version: 2.1\nVersion: 1\n")
    _write(f"{site}/noversion-1.dist-info/METADATA", "Metadata-Version: 2.1\nName: noversion\n")
    _write(f"{site}/spaced-1.dist-info/METADATA", "Name:   spaced \nVersion:\t3 \n")
    _write(f"{site}/empty-1.dist-info/METADATA", "")
    _write(f"{site}/crlf-1.dist-info/METADATA", "Name: crlf\r\nVersion: 1\r\nRequires-Dist: a\r\n")
    _write(f"{site}/dup-1.dist-info/METADATA", "Name: dup\nVersion: 1\n")
    other = str(tmp_path / "other")
    _write(f"{other}/DUP-2.dist-info/METADATA", "Name: DUP\nVersion: 2\n")  # a later entry wins
    egg = str(tmp_path / "old.egg")
    _write(f"{egg}/EGG-INFO/PKG-INFO", "Name: old\nVersion: 9\n")
    cwd = str(tmp_path / "work")
    _write(f"{cwd}/proj.egg-info/PKG-INFO", "Name: proj\nVersion: 0.0.1\n")  # "" on sys.path is the cwd
    paths = [site, other, egg, str(tmp_path / "missing"), str(tmp_path / "site.zip"), ""]
    want = importlib_listing(paths, cwd=cwd)
    assert scan(paths, cwd=cwd) == want
    assert want[0]["dup"] == "2" and "proj" in want[0] and "old" in want[0]  # the cases were really exercised


def test_one_run_lists_and_checks_modules_and_the_check_is_reused(monkeypatch):
    env, missing = python_listing(sys.executable, ("os", "heal", "no_such_module_here", "json.decoder", "x.y"))
    assert missing == ("no_such_module_here", "x.y")
    assert env.packages["pytest"] and "pluggy" in env.requires["pytest"]
    assert env.where == os.path.realpath(sys.prefix)
    assert verified(sys.executable, ("os",), ("pytest",)) is True
    assert verified(sys.executable, ("os",), ("pytest",)) is None  # taken once
    python_listing(sys.executable, ("heal",))
    assert verified(sys.executable, ("heal", "other"), ()) is None  # not what that listing checked
    python_listing(sys.executable, ("heal",))
    assert verified(sys.executable, ("heal",), ("no-such-dist",)) is False


def test_the_pip_manager_lists_the_same_as_before():
    env = MANAGERS["pip"].environment(os.getcwd(), sys.executable)
    paths = [p for p in sys.path if p] + [""]
    assert env.packages == importlib_listing(paths)[0]


def test_an_interpreter_that_fails_is_a_journal_error(tmp_path):
    from heal.errors import JournalError

    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho nonsense\n")
    fake.chmod(0o755)
    with pytest.raises(JournalError, match="cannot list"):
        python_listing(str(fake))
