"""uv: `uv add` / `uv sync` into the project's .venv, which uv creates and keeps in step with uv.lock; with
pyproject.toml and uv.lock put back, `uv sync` is exact: it removes what was added, puts back what was
replaced."""

from __future__ import annotations

import os
from collections.abc import Mapping

ADD, DEV, SYNC, RESYNC = ("add",), ("--dev",), ("sync",), (("sync",),)


def python(tool: str, root: str, env: Mapping[str, str]) -> str | None:
    return os.path.join(root, ".venv", "bin", "python")  # made by the first `uv add` or `uv sync` if missing
