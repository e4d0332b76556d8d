"""The success path imports only what running needs."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("typer", "click", "rich", "libcst", "rapidfuzz", "sqlite3", "pexpect", "json", "tomllib", "packaging",
         "dataclasses", "platformdirs", "heal.run", "heal.diagnose")


def test_heal_true_imports_nothing_heavy(heal_env, project):
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "heal", "--", "true"], cwd=project, env=heal_env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    assert r.returncode == 0
    imported = {line.split("|")[-1].strip() for line in r.stderr.decode().splitlines() if "|" in line}
    # site-packages .pth hooks of the machine may import things before heal runs; compare against them
    base = subprocess.run([sys.executable, "-X", "importtime", "-c", "pass"], env=heal_env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    before = {line.split("|")[-1].strip() for line in base.stderr.decode().splitlines() if "|" in line}
    added = imported - before
    heavy = {name for name in added if name in HEAVY or name.split(".")[0] in HEAVY}
    assert not heavy, sorted(heavy)
    assert "heal.runner" in imported  # the measurement really saw heal's imports
