"""Where heal keeps its state and finds its configuration."""

from __future__ import annotations

import os
import sys


def state_dir() -> str:
    """HEAL_HOME if set, else the platform's user data dir (~/.local/share/heal on Linux)."""
    home = os.environ.get("HEAL_HOME")
    if home:
        return os.path.abspath(os.path.expanduser(home))
    import platformdirs

    return platformdirs.user_data_dir("heal", appauthor=False)


def user_config_file() -> str:
    """The user-level config file: config.toml in platformdirs.user_config_dir("heal")."""
    return os.path.join(user_config_dir(), "config.toml")


def user_config_dir() -> str:
    if sys.platform.startswith("linux"):
        # The XDG rule platformdirs applies on Linux, inlined: `heal -- CMD` reads the user config on every
        # run, and importing platformdirs would be a tenth of its start-up. tests/test_paths.py checks
        # that both agree.
        xdg = os.environ.get("XDG_CONFIG_HOME", "")
        return os.path.join(xdg if os.path.isabs(xdg) else os.path.expanduser("~/.config"), "heal")
    import platformdirs

    return platformdirs.user_config_dir("heal", appauthor=False)
