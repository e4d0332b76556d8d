"""Built-in playbooks and curated data (import map, command map, popular npm names), shipped inside the wheel.

`table(name)` reads one of the data files once per process; planning loads only the file it needs.
"""

from __future__ import annotations

import os

from heal.memo import memo

HERE = os.path.dirname(os.path.abspath(__file__))


def path(*parts: str) -> str:
    """The path of a shipped data file (or directory)."""
    return os.path.join(HERE, *parts)


@memo
def table(name: str) -> dict:
    """The parsed `<name>.toml`, or {} when it is missing or broken (heal then knows less, and says so
    through what it does not plan, never through a traceback)."""
    from heal.tomlcache import load  # parsed once, then read from heal's compiled cache

    try:
        return load(path(f"{name}.toml"))
    except (OSError, ValueError, RecursionError):
        return {}
