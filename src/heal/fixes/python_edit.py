"""python_edit: repair the project's own Python file a failure names, with the pure transforms of heal.repair.

Step kinds (playbooks name one):
- `syntax`: a SyntaxError / IndentationError / TabError in a file the command ran or imported (the diagnosis'
  file, also through pytest's collection and conftest, `python -m py_compile`): `repair_python` judged by the
  interpreter that failed. Several equally good repairs: a suggestion listing them, never an edit.
- `missing-import`: `NameError: name 'X' is not defined` raised in a project file, where X is a standard-library
  module or name, a well-known alias the project already imports so (`np`, `pd`, `plt`), or a name another file
  of the project imports (read with `ast`; project code is never imported): `add_missing_import`.
- `moved-api`: a standard-library API its Python no longer has (`cannot import name 'Mapping' from
  'collections'`, `module 'time' has no attribute 'clock'`, `self.assertEquals`, `No module named 'imp'`):
  `fix_moved_api` on the file the traceback raised it in; `distutils` is only ever a suggestion (setuptools).

Never a genuine test failure: only these errors are planned, found by their own exception lines (an
AssertionError, or any other exception a test raises, plans nothing). A NameError or a removed unittest alias in a
test file is repaired like any other code: the test did not fail, it could not run.

Whatever the kind, the file must be one heal may edit (inside the project, not in an environment, node_modules
or .git, one hard link); the edit is journaled, shown as a diff before it is applied, and proved by the rerun.
heal.repair (and libcst) is imported only when such a failure is being planned.
"""

from __future__ import annotations

from heal import rx
from heal.fixes.model import Fix, PlanContext
from heal.lazyre import lazy  # compiled on first use: planning most failures needs none

KINDS = ("syntax", "missing-import", "moved-api")
OPTIONS: dict[str, tuple[type, tuple[str, ...]]] = {"kind": (str, KINDS)}

SYNTAX = ("SyntaxError", "IndentationError", "TabError")
PYTHON_SUFFIXES = (".py", ".pyw", ".pyi")

_NAME_ERROR = lazy(r"^(?:E[ \t]+)?(?P<exc>NameError): name '(?P<name>\w+)' is not defined", rx.M)
_CANNOT_IMPORT = lazy(r"^(?:E[ \t]+)?(?P<exc>ImportError): cannot import name '(?P<name>\w+)' from "
                            r"'(?P<module>[\w.]+)'", rx.M)
_NO_ATTRIBUTE = lazy(r"^(?:E[ \t]+)?(?P<exc>AttributeError): (?:module '(?P<module>[\w.]+)'|'\w+' object) "
                           r"has no attribute '(?P<name>\w+)'", rx.M)
_GONE_MODULE = lazy(r"^(?:E[ \t]+)?(?P<exc>ModuleNotFoundError): No module named '(?P<module>imp|cgi|distutils)"
                          r"(?:\.\w+)*'", rx.M)


def plan(step: dict, ctx: PlanContext, source: str, risk: str) -> Fix | None:
    kind = step.get("kind")
    if kind == "syntax":
        return _syntax(ctx, source, risk)
    if kind == "missing-import":
        return _missing_import(ctx, source, risk)
    if kind == "moved-api":
        return _moved_api(ctx, source, risk)
    return None


# --- syntax -------------------------------------------------------------------------------------------------

def _syntax(ctx: PlanContext, source: str, risk: str) -> Fix | None:
    from heal.fixes import _edit

    facts = ctx.diagnosis.facts
    if facts.get("exception") not in SYNTAX:
        return None
    path = _python_file(ctx, facts.get("file"))
    data = _edit.read(path) if path else None
    if path is None or data is None:
        return None
    from heal.repair.model import REPAIRED, UNREPAIRABLE
    from heal.repair.python import InterpreterError, repair_python

    try:
        r = repair_python(data, python=_interpreter(ctx))
    except InterpreterError:
        return None
    rel = _edit.relative(ctx, path)
    if r.status == REPAIRED and r.new is not None:
        what = "; ".join(e.describe() for e in r.edits[:3]) + (" ..." if len(r.edits) > 3 else "")
        before = f" ({r.error.describe()})" if r.error else ""
        return _edit.edit_fix("python_edit", f"repair {rel}{before}: {what}", ctx, path, data, r.new, source=source,
                              risk=risk, confidence=0.8)
    if r.status == UNREPAIRABLE and r.candidates:
        options = "; ".join(f"({n}) " + ", ".join(e.describe() for e in cand)
                            for n, cand in enumerate(r.candidates[:5], 1))
        where = f"{rel}:{r.error.lineno}" if r.error and r.error.lineno else rel
        said = f" {r.error.describe()}:" if r.error else ""
        return _edit.advice(f"{where}:{said} {len(r.candidates)} repairs are equally good and heal does not choose "
                            f"between them: {options}", source=source, confidence=0.3)
    return None  # it compiles for that interpreter (the output is stale), or no repair is known: the diagnosis says


def _python_file(ctx: PlanContext, name: object) -> str | None:
    """A project Python file heal may edit: a .py/.pyw/.pyi, or a script whose first line runs python."""
    from heal.fixes import _edit

    path = _edit.project_file(ctx, name)
    if path is None:
        return None
    if path.lower().endswith(PYTHON_SUFFIXES):
        return path
    try:
        with open(path, "rb") as fh:
            first = fh.readline(200)
    except OSError:
        return None
    return path if first.startswith(b"#!") and b"python" in first else None


def _interpreter(ctx: PlanContext) -> str | None:
    """The Python the command ran (its compile() judges the repair), else the project's, else heal's own (None)."""
    from heal.fixes.install import interpreter_of
    from heal.repair.python import project_python

    try:
        python = interpreter_of(ctx.argv, ctx.cwd, ctx.env)
    except (OSError, ValueError):
        python = None
    return python or project_python(ctx.root, dict(ctx.env))


# --- NameError: a missing import ----------------------------------------------------------------------------

def _missing_import(ctx: PlanContext, source: str, risk: str) -> Fix | None:
    from heal.fixes import _edit

    imports = None
    tried: set[tuple[str, str]] = set()
    for file, _line, m in _edit.raised_at(ctx.output, _NAME_ERROR):
        name = m.group("name")
        path = _python_file(ctx, file)
        if path is None or (path, name) in tried:
            continue
        tried.add((path, name))
        data = _edit.read(path)
        if data is None:
            continue
        from heal.repair.imports import add_missing_import, project_imports, resolve

        if imports is None:
            imports = project_imports(ctx.root)
        if resolve(name, imports) is None:
            continue  # heal does not know what X is without running something: the diagnosis says what failed
        r = add_missing_import(data, name, imports)
        if r is None or r.new is None:
            continue
        statement = r.edits[0].after if r.edits else f"import {name}"
        return _edit.edit_fix("python_edit", f"add `{statement}` to {_edit.relative(ctx, path)} "
                              f"(NameError: name '{name}' is not defined)", ctx, path, data, r.new, source=source,
                              risk=risk, confidence=0.8)
    return None


# --- standard-library APIs that moved or went ---------------------------------------------------------------

def _moved_api(ctx: PlanContext, source: str, risk: str) -> Fix | None:
    from heal.fixes import _edit
    from heal.repair.moved import DISTUTILS_NOTE, UNITTEST, api_for

    for pattern in (_CANNOT_IMPORT, _NO_ATTRIBUTE, _GONE_MODULE):
        for file, line, m in _edit.raised_at(ctx.output, pattern):
            groups = m.groupdict()
            module, name = groups.get("module"), groups.get("name")
            path = _python_file(ctx, file)
            if path is None:
                continue  # raised in a library (or nowhere heal may edit): not the project's to change
            if pattern is _GONE_MODULE:
                if module == "distutils":
                    rel = _edit.relative(ctx, path)
                    return _edit.advice(f"{rel}:{line}: {DISTUTILS_NOTE}", source=source, confidence=0.6)
                api, what = _GONE_APIS[module], f"the {module} module"
            elif module is None:
                api, what = (f"unittest.{name}" if name in UNITTEST else None), f"self.{name}"  # 3.12
            else:
                api, what = api_for(module, name), f"{module}.{name}"
            if api is None:
                continue
            fix = _rewrite(ctx, path, [api], what, source, risk)
            if fix is not None:
                return fix
    return None


# modules gone altogether (imp in 3.12, cgi in 3.13): the one API of each heal knows how to replace
_GONE_APIS = {"imp": "imp.reload", "cgi": "cgi.escape"}


def _rewrite(ctx: PlanContext, path: str, apis: list[str], what: str, source: str, risk: str) -> Fix | None:
    from heal.fixes import _edit
    from heal.repair.model import REPAIRED
    from heal.repair.moved import fix_moved_api, mentions_moved_api

    data = _edit.read(path)
    if data is None or not mentions_moved_api(data):
        return None
    r = fix_moved_api(data, apis=apis)
    rel = _edit.relative(ctx, path)
    if r.status == REPAIRED and r.new is not None:
        edits = list(dict.fromkeys(f"{e.before} -> {e.after}" for e in r.edits))
        shown = "; ".join(edits[:3]) + (" ..." if len(edits) > 3 else "")
        return _edit.edit_fix("python_edit", f"repair {rel}: {what} is gone from this Python: {shown}", ctx, path,
                              data, r.new, source=source, risk=risk, confidence=0.8)
    if r.notes:
        return _edit.advice(f"{rel}: {what} is gone from this Python: " + "; ".join(r.notes), source=source)
    return None
