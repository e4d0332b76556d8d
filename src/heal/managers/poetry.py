"""poetry: `poetry add` / `poetry install` into the environment poetry keeps for the project (by default
outside it); rollback restores pyproject.toml and poetry.lock, then `poetry sync`."""

from __future__ import annotations

from heal import rx
from heal.managers.base import Run, Undo

ADD, DEV, SYNC, ASK_PYTHON = ("add",), ("--group", "dev"), ("install",), ("env", "info", "--executable")


def undo_sync(tool: str, undo: Undo) -> list[Run]:
    """`poetry sync` (poetry 2), `poetry install --sync` before: exact, like uv's."""
    from heal.run import RunSpec, run

    r = run(RunSpec((tool, "--version"), passthrough=False, keep_stdout=True, timeout=60, head_bytes=0,
                    tail_bytes=0))
    m = rx.search(rb"(\d+)\.\d+", r.stdout or b"")
    return [Run((tool, "sync") if m and int(m.group(1)) >= 2 else (tool, "install", "--sync"))]
