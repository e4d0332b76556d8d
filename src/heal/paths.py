"""Where heal keeps its state and finds its configuration."""

from __future__ import annotations

import os
import sys


def state_dir() -> str:
    """HEAL_HOME if set, else the platform's user data dir (~/.local/share/heal on Linux)."""
    home = os.environ.get("HEAL_HOME")
    if home:
        return os.path.abspath(os.path.expanduser(home))
    if sys.platform.startswith("linux"):
        return _xdg("XDG_DATA_HOME", "~/.local/share")
    import platformdirs

    return platformdirs.user_data_dir("heal", appauthor=False)


def cache_dir() -> str:
    """Where heal keeps what it can rebuild (the compiled pattern data): HEAL_HOME/cache when HEAL_HOME is
    set, so that a separate state directory shares nothing; else the platform's user cache dir
    (~/.cache/heal on Linux)."""
    home = os.environ.get("HEAL_HOME")
    if home:
        return os.path.join(os.path.abspath(os.path.expanduser(home)), "cache")
    if sys.platform.startswith("linux"):
        return _xdg("XDG_CACHE_HOME", "~/.cache")
    import platformdirs

    return platformdirs.user_cache_dir("heal", appauthor=False)


def user_config_file() -> str:
    """The user-level config file: config.toml in platformdirs.user_config_dir("heal")."""
    return os.path.join(user_config_dir(), "config.toml")


def user_config_dir() -> str:
    if sys.platform.startswith("linux"):
        return _xdg("XDG_CONFIG_HOME", "~/.config")
    import platformdirs

    return platformdirs.user_config_dir("heal", appauthor=False)


def _xdg(variable: str, default: str) -> str:
    # The XDG rule platformdirs applies on Linux, inlined: heal reads its config on every run and its state and
    # pattern data on every failure, and importing platformdirs (pathlib, tempfile, ...) would be a tenth of
    # `heal -- true`. tests/test_paths.py checks that both agree.
    base = os.environ.get(variable, "")
    return os.path.join(base if os.path.isabs(base) else os.path.expanduser(default), "heal")
