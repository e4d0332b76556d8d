"""Where heal keeps its state and finds its configuration."""

from __future__ import annotations

import os


def state_dir() -> str:
    """HEAL_HOME if set, else the platform's user data dir (~/.local/share/heal on Linux)."""
    home = os.environ.get("HEAL_HOME")
    if home:
        return os.path.abspath(os.path.expanduser(home))
    import platformdirs

    return platformdirs.user_data_dir("heal", appauthor=False)


def user_config_file() -> str:
    """The user-level config file (~/.config/heal/config.toml on Linux)."""
    import platformdirs

    return os.path.join(platformdirs.user_config_dir("heal", appauthor=False), "config.toml")
