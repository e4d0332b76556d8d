"""json_edit: repair a JSON or TOML data file of the project that a failure names, with heal.repair's
transforms.

Step kinds:
- `json`: npm's `package.json is not valid JSON` (EJSONPARSE; npm reads the nearest package.json up from the
  directory it ran in), node's `SyntaxError: /p/config.json: ...` (require of a JSON file, or a package.json it
  read), a Python `JSONDecodeError` whose traceback shows the file it opened (or whose code opened it a few lines
  above the `json.load(fh)` the traceback shows, when that file's first error is exactly where the parser said):
  `repair_json` (trailing commas,
  comments, single quotes, a missing comma or colon between members, an unquoted key), each edit at the parser's
  error and kept only when the file then parses. A JSON-with-comments file (tsconfig.json, .vscode/*.json) keeps
  its comments: when only they offend a strict reader, the reader is wrong, not the file.
  Also a checker that names the file (pre-commit-hooks' `x.json: Failed to json decode (...: line 3 column 1`),
  run directly or as a pre-commit hook.
- `toml`: pytest's `ERROR: pyproject.toml: Illegal character ... (at line 6, column 14)`, a Python
  `TOMLDecodeError` naming the file, a checker's `x.toml: ... (at line 2, column 12)`: `repair_toml` when exactly one closing quote or bracket makes it parse;
  otherwise a suggestion naming file:line:column.

A file that cannot be repaired is left byte-identical; when the parser's position does not agree with the one the
failure reported, the file heal found is not the one that failed, and nothing is planned.
"""

from __future__ import annotations

import os

from heal.fixes.model import Fix, PlanContext
from heal.lazyre import lazy  # compiled on first use: most failures never need these

KINDS = ("json", "toml")
OPTIONS: dict[str, tuple[type, tuple[str, ...]]] = {"kind": (str, KINDS)}
MAX_EDITS = 10  # more than this is not a slip of the keyboard: say where, do not rewrite the file
_SUFFIXES = {"json": (".json", ".jsonc"), "toml": (".toml",)}  # not .json5: comments and quotes are its syntax


def plan(step: dict, ctx: PlanContext, source: str, risk: str) -> Fix | None:
    kind = step.get("kind")
    if kind not in KINDS:
        return None
    from heal.fixes import _edit

    facts = dict(ctx.diagnosis.facts)
    if "file" not in facts and facts.get("hook_file"):
        # a pre-commit hook (check-json, check-toml) named the file: its facts are the hook's
        facts = {k: facts.get(f"hook_{k}") for k in ("file", "line", "column")}
    name = str(facts.get("file") or "")
    if facts.get("reader") and name.endswith(".py"):
        # the traceback shows the line that parsed the data (json.load(fh)), not the open() of its file; no
        # data_line: tomllib's "(at end of document)"
        line = int(facts["data_line"]) if facts.get("data_line") else None
        name, line, column = _opened_by(ctx, name, line, facts.get("data_column"), kind)
        facts.update(file=name, line=line, column=column)
    if not name.lower().endswith(_SUFFIXES[kind]):
        return None
    path = _edit.project_file(ctx, name, _SUFFIXES[kind])
    if path is None and os.path.basename(name) == "package.json" and not os.path.isabs(name):
        path = _nearest_package_json(ctx)
    data = _edit.read(path) if path else None
    if path is None or data is None:
        return None
    r = _repair(kind, path, data)
    from heal.repair.model import OK, REPAIRED

    if r.status == OK or not _same_error(facts, r.error):
        return None
    rel = _edit.relative(ctx, path)
    err = r.error
    where = f"{rel}:{err.lineno}:{err.offset}" if err and err.lineno and err.offset else \
        f"{rel}:{err.lineno}" if err and err.lineno else rel
    if r.status == REPAIRED and r.new is not None and len(r.edits) <= MAX_EDITS:
        what = "; ".join(e.describe() for e in r.edits[:3]) + (" ..." if len(r.edits) > 3 else "")
        return _edit.edit_fix("json_edit", f"repair {rel} ({err.msg if err else 'invalid ' + kind.upper()}): {what}",
                              ctx, path, data, r.new, source=source, risk=risk, confidence=0.8)
    said = f"{err.msg}" if err else f"not valid {kind.upper()}"
    if r.candidates:
        options = "; ".join(f"({n}) " + ", ".join(e.describe() for e in cand)
                            for n, cand in enumerate(r.candidates[:5], 1))
        return _edit.advice(f"{where}: {said}: {len(r.candidates)} repairs are equally good and heal does not "
                            f"choose between them: {options}", source=source, confidence=0.3)
    why = f"{len(r.edits)} edits would be needed" if r.status == REPAIRED else (r.reason or "no repair known")
    return _edit.advice(f"{where}: {said}: fix it by hand ({why})", source=source, confidence=0.3)


def _repair(kind: str, path: str, data: bytes):
    if kind == "json":
        from heal.repair.json import is_jsonc, repair_json

        return repair_json(data, jsonc=is_jsonc(path))
    from heal.repair.toml import repair_toml

    return repair_toml(data)


_LITERAL = lazy(r"""['"]([^'"\n]+)['"]""")
READER_LINES = 8  # how far above the line that parsed the data its open() may be


def _opened_by(ctx: PlanContext, reader: str, line: int | None, column: object, kind: str
               ) -> tuple[str, object, object]:
    """The data file the reader's code opened a few lines above the line that parsed it (`with open("x.json") as
    fh:` then `json.load(fh)`), read statically: a file name literal there, of a project file whose first error
    is exactly where the parser said (line and column; None: at the end of the document). ("", None, None) unless
    exactly one file is."""
    from heal.fixes import _edit

    try:
        at = int(str(ctx.diagnosis.facts.get("line")))
    except ValueError:
        return "", None, None
    path = _edit.project_file(ctx, reader, (".py",))
    source = _edit.read(path) if path else None
    if source is None:
        return "", None, None
    lines = source.decode("utf-8", "replace").split("\n")[max(0, at - READER_LINES):at]
    names = {m.group(1) for text in lines for m in _LITERAL.finditer(text)
             if m.group(1).lower().endswith(_SUFFIXES[kind])}
    found = []
    for name in sorted(names):
        target = _edit.project_file(ctx, name, _SUFFIXES[kind])
        data = _edit.read(target) if target else None
        if data is None:
            continue
        err = _repair(kind, target, data).error
        if err is not None and err.lineno == line and (column is None or str(err.offset) == str(column)):
            found.append(name)
    return (found[0], line, column) if len(found) == 1 else ("", None, None)


def _nearest_package_json(ctx: PlanContext) -> str | None:
    """The package.json npm read: the nearest one up from the directory it ran in, inside the project."""
    from heal.fixes import _edit

    d = os.path.realpath(ctx.cwd)
    root = os.path.realpath(ctx.root)
    while d == root or d.startswith(root + os.sep):
        if os.path.isfile(os.path.join(d, "package.json")):
            return _edit.project_file(ctx, os.path.join(d, "package.json"), (".json",))
        if d == root:
            break
        d = os.path.dirname(d)
    return None


def _same_error(facts, err) -> bool:
    """When the reader reported a line (Python's json and tomllib, pytest), heal's parser must find its first error
    on that line, or this is not the file (or not the bytes) that failed. npm and node give a character offset in
    another parser's terms: the file being broken is enough there."""
    line = facts.get("line")
    if "position" in facts or not line or err is None or err.lineno is None:
        return True
    try:
        return int(line) == err.lineno
    except (TypeError, ValueError):
        return False
