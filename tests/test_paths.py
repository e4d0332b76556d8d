"""heal's fast user-config lookup agrees with platformdirs, which defines it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize("xdg", [None, "", "  ", "/tmp/some where/xdg", "relative/dir"])
def test_user_config_dir_matches_platformdirs(tmp_path, xdg):
    env = {k: v for k, v in os.environ.items() if k != "XDG_CONFIG_HOME"}
    env["HOME"] = str(tmp_path)
    if xdg is not None:
        env["XDG_CONFIG_HOME"] = xdg
    code = ("import platformdirs, heal.paths as p; "
            "print(p.user_config_dir()); print(platformdirs.user_config_dir('heal', appauthor=False))")
    out = subprocess.run([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, check=True, text=True)
    ours, theirs = out.stdout.splitlines()
    assert ours == theirs


@pytest.mark.parametrize("kind, variable", [("data", "XDG_DATA_HOME"), ("cache", "XDG_CACHE_HOME")])
@pytest.mark.parametrize("xdg", [None, "", "/tmp/some where/xdg", "relative/dir"])
def test_state_and_cache_dirs_match_platformdirs(tmp_path, kind, variable, xdg):
    env = {k: v for k, v in os.environ.items() if k not in (variable, "HEAL_HOME")}
    env["HOME"] = str(tmp_path)
    if xdg is not None:
        env[variable] = xdg
    ours = "state_dir" if kind == "data" else "cache_dir"
    code = (f"import platformdirs, heal.paths as p; "
            f"print(p.{ours}()); print(platformdirs.user_{kind}_dir('heal', appauthor=False))")
    out = subprocess.run([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, check=True, text=True)
    ours_dir, theirs = out.stdout.splitlines()
    assert ours_dir == theirs


def test_heal_home_overrides_the_state_dir(tmp_path, monkeypatch):
    from heal import paths

    monkeypatch.setenv("HEAL_HOME", str(tmp_path / "state"))
    assert paths.state_dir() == str(tmp_path / "state")
    assert paths.cache_dir() == str(tmp_path / "state" / "cache")
