"""What uv, poetry, pipenv and pdm share: project managers that keep the project's environment themselves
(wherever they keep it), add to its manifest and lock, and install what the lock pins."""

from __future__ import annotations

import os
from collections.abc import Mapping


def ask_python(tool: str, root: str, env: Mapping[str, str], args: tuple[str, ...]) -> str | None:
    """The interpreter of the environment the manager runs the project in (`poetry env info --executable`...);
    None when it has none for the project yet."""
    from heal.run import RunSpec, run

    r = run(RunSpec((tool, *args), cwd=root, env=env, passthrough=False, keep_stdout=True, timeout=60,
                    head_bytes=0, tail_bytes=0))
    found = (r.stdout or b"").decode(errors="replace").strip()
    if r.exit_code != 0 or not os.path.isabs(found) or not os.path.exists(found):
        return None
    return found
