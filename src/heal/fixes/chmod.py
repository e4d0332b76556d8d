"""chmod: make a project script that failed with 126 / permission denied executable."""

from __future__ import annotations

import os
import stat

from heal.fixes.model import Fix, PlanContext
from heal.project import SafetyError, check_editable


def plan(step: dict, ctx: PlanContext, source: str, risk: str) -> Fix | None:
    target = ctx.diagnosis.facts.get("file") or (ctx.argv[0] if ctx.argv else "")
    if not target:
        return None
    path = os.path.join(ctx.cwd, str(target)) if not os.path.isabs(str(target)) else str(target)
    try:
        path = check_editable(path, ctx.root)
    except SafetyError:
        return None  # not a project file (a system binary, something in a venv): not ours to change
    if not os.path.isfile(path):
        return None
    mode = stat.S_IMODE(os.stat(path).st_mode)
    if mode & stat.S_IXUSR:
        return None  # already executable: the permission problem is elsewhere
    new = mode | ((mode & 0o444) >> 2)  # execute for whoever may read it, like chmod +x under the usual umask
    rel = os.path.relpath(path, ctx.root)
    return Fix("chmod", f"make {rel} executable (chmod +x)", ("chmod", "+x", rel), path=path, risk="low",
               source=source, confidence=0.9, mode=new)
