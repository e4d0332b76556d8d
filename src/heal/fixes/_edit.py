"""What the actions that edit a project file (python_edit, json_edit) share: which file a failure names and
whether heal may edit it, where in the output an exception was raised, the diff shown before the edit is applied,
and the journal change that refuses to overwrite a file changed since the edit was planned.

Imported only while planning such an edit (it imports the journal's change kinds).
"""

from __future__ import annotations

import difflib
import hashlib
import os

from heal import rx
from heal.errors import JournalError
from heal.fixes.model import Fix, PlanContext
from heal.journal.kinds import FileChange
from heal.project import SafetyError, check_editable
from heal.lazyre import lazy  # compiled on first use: planning most failures needs none

MAX_PREVIEW_LINES = 80


class EditChange(FileChange):
    """A FileChange planned on known bytes: applied only if the file still holds them (the user may have edited
    it while heal asked), so heal never writes a repair of bytes that are no longer there.
    expect: sha256 of the bytes the edit was computed from."""

    __slots__ = ("expect",)
    expect: str

    def __init__(self, path: str, data: bytes | None = None, mode: int | None = None, delete: bool = False,
                 mkdir: bool = False, rmdir: bool = False, reason: str = "", allow: tuple[str, ...] = (),
                 owner: tuple[int, int] | None = None, expect: str = "") -> None:
        self._fill(path, data, mode, delete, mkdir, rmdir, reason, allow, owner, expect)

    def prepare(self, cs) -> dict:
        try:
            with open(self.path, "rb") as fh:
                now = fh.read()
        except OSError as exc:
            raise JournalError(f"{self.path}: {exc.strerror or exc}") from None
        if hashlib.sha256(now).hexdigest() != self.expect:
            raise JournalError(f"{os.path.basename(self.path)} changed since heal planned the edit: not applied")
        return super().prepare(cs)


def project_file(ctx: PlanContext, name: object, suffixes: tuple[str, ...] = ()) -> str | None:
    """The real path of the file a failure names (absolute, or relative to the command's directory, else to the
    project root), when heal may edit it: a regular file inside the project root, not under a virtualenv,
    site-packages, node_modules or .git, with one hard link (heal.project.check_editable; the journal checks it
    again when it applies the edit). None otherwise."""
    name = str(name or "")
    if not name or name.startswith("<") or "\0" in name:
        return None  # <string>, <stdin>, <frozen ...>: no file
    tries = [name] if os.path.isabs(name) else [os.path.join(ctx.cwd, name), os.path.join(ctx.root, name)]
    for path in tries:
        if not ctx.root or not os.path.isfile(path):
            continue
        if suffixes and not path.lower().endswith(suffixes):
            return None
        try:
            return check_editable(path, ctx.root)
        except SafetyError:
            return None
    return None


def read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None


def relative(ctx: PlanContext, path: str) -> str:
    try:
        return os.path.relpath(path, ctx.root)
    except ValueError:
        return path


def unified_diff(rel: str, old: bytes, new: bytes) -> str:
    """The edit as `diff -u` shows it, at most MAX_PREVIEW_LINES lines."""
    def lines(data: bytes) -> list[str]:
        return data.decode("utf-8", "replace").splitlines(keepends=True)

    out = []
    for line in difflib.unified_diff(lines(old), lines(new), fromfile=f"a/{rel}", tofile=f"b/{rel}", n=2):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    if len(out) > MAX_PREVIEW_LINES:
        out = out[:MAX_PREVIEW_LINES] + [f"... ({len(out) - MAX_PREVIEW_LINES} more lines)\n"]
    return "".join(out)


def edit_fix(action: str, description: str, ctx: PlanContext, path: str, old: bytes, new: bytes, *, source: str,
             risk: str, confidence: float) -> Fix:
    """The fix that writes `new` over `old` in path, journaled, with its diff as the preview."""
    change = EditChange(path, data=new, reason=description, expect=hashlib.sha256(old).hexdigest())
    return Fix(action, description, None, change=change, risk=risk, source=source, confidence=confidence,
               preview=unified_diff(relative(ctx, path), old, new))


def advice(description: str, *, source: str, confidence: float = 0.4) -> Fix:
    """What heal will not do itself, said precisely (an ambiguous repair, a file it cannot repair)."""
    return Fix("suggest", description, None, source=source, risk="low", confidence=confidence)


# --- where an exception was raised --------------------------------------------------------------------------

_PY_FRAME = lazy(r'^[ \t]*(?:E[ \t]+)?File "(?P<file>[^"]+)", line (?P<line>\d+)', rx.M)
_PYTEST_IN = lazy(r"^(?P<file>[^\s:][^:\n]*\.py):(?P<line>\d+): in \S", rx.M)
_BREAK = lazy(r"^(?:_ _ _|_{5,}|={5,})", rx.M)


def raised_at(output: str, exception: rx.Pattern[str]) -> list[tuple[str, int, rx.Match[str]]]:
    """(file, line, match) for each exception line the pattern matches: the innermost frame it was raised in, as
    a Python traceback (`File "x.py", line 3`), pytest's long report (`x.py:3: NameError` after the E line) or its
    short one (`x.py:3: in f` before it) shows it. The innermost frame, not the innermost of the project: a name
    missing in a library is the library's."""
    found = []
    for m in exception.finditer(output):
        where = _pytest_location(output, m) or _frame_before(output, m.start())
        if where is not None:
            found.append((where[0], where[1], m))
    return found


def _pytest_location(output: str, m: rx.Match[str]) -> tuple[str, int] | None:
    """pytest's long report names the innermost location after the E lines: `path.py:12: NameError`."""
    import re  # a pattern made from the output's exception name: not one for heal's cache (heal.rx)

    name = re.escape(m.group("exc")) if "exc" in m.groupdict() else r"\w+"
    end = _BREAK.search(output, m.end())
    loc = re.compile(r"^(?P<file>[^\s:][^:\n]*\.py):(?P<line>\d+): (?:\w+\.)*" + name + r"$", re.M)
    hit = loc.search(output, m.end(), end.start() if end else min(len(output), m.end() + 4000))
    return (hit.group("file"), int(hit.group("line"))) if hit else None


def _frame_before(output: str, pos: int) -> tuple[str, int] | None:
    start = max(0, pos - 6000)
    last = None
    for last in _PY_FRAME.finditer(output, start, pos):
        pass
    short = None
    for short in _PYTEST_IN.finditer(output, start, pos):
        pass
    best = max((x for x in (last, short) if x is not None), key=lambda x: x.start(), default=None)
    if best is None:
        return None
    if rx.search(r"\n[ \t]*\n", output[best.end():pos]):
        return None  # a blank line: the frame belongs to something printed before (a traceback has none)
    return best.group("file"), int(best.group("line"))
