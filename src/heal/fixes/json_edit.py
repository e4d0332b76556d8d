"""json_edit: repair a JSON or TOML data file of the project that a failure names, with heal.repair's
transforms.

Step kinds:
- `json`: npm's `package.json is not valid JSON` (EJSONPARSE; npm reads the nearest package.json up from the
  directory it ran in), node's `SyntaxError: /p/config.json: ...` (require of a JSON file, or a package.json it
  read), a Python `JSONDecodeError` whose traceback shows the file it opened: `repair_json` (trailing commas,
  comments, single quotes, a missing comma or colon between members, an unquoted key), each edit at the parser's
  error and kept only when the file then parses. A JSON-with-comments file (tsconfig.json, .vscode/*.json) keeps
  its comments: when only they offend a strict reader, the reader is wrong, not the file.
- `toml`: pytest's `ERROR: pyproject.toml: Illegal character ... (at line 6, column 14)`, a Python
  `TOMLDecodeError` naming the file: `repair_toml` when exactly one closing quote or bracket makes it parse;
  otherwise a suggestion naming file:line:column.

A file that cannot be repaired is left byte-identical; when the parser's position does not agree with the one the
failure reported, the file heal found is not the one that failed, and nothing is planned.
"""

from __future__ import annotations

import os

from heal.fixes.model import Fix, PlanContext

KINDS = ("json", "toml")
OPTIONS: dict[str, tuple[type, tuple[str, ...]]] = {"kind": (str, KINDS)}
MAX_EDITS = 10  # more than this is not a slip of the keyboard: say where, do not rewrite the file
_SUFFIXES = {"json": (".json", ".jsonc", ".json5"), "toml": (".toml",)}


def plan(step: dict, ctx: PlanContext, source: str, risk: str) -> Fix | None:
    kind = step.get("kind")
    if kind not in KINDS:
        return None
    from heal.fixes import _edit

    facts = ctx.diagnosis.facts
    name = str(facts.get("file") or "")
    if not name.lower().endswith(_SUFFIXES[kind]) or facts.get("data_line"):
        return None  # data_line: the file is the .py that read some JSON, not the JSON
    path = _edit.project_file(ctx, name, _SUFFIXES[kind])
    if path is None and os.path.basename(name) == "package.json" and not os.path.isabs(name):
        path = _nearest_package_json(ctx)
    data = _edit.read(path) if path else None
    if path is None or data is None:
        return None
    if kind == "json":
        from heal.repair.json import is_jsonc, repair_json

        r = repair_json(data, jsonc=is_jsonc(path))
    else:
        from heal.repair.toml import repair_toml

        r = repair_toml(data)
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
