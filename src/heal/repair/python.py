"""Repair Python syntax errors: bytes in, a `Repair` out.

The search (heal.repair.pysearch) is judged by `compile()` of the interpreter the code is for. When that is heal's
own (same major.minor), the search runs here; otherwise it runs inside that interpreter, one subprocess for a whole
batch of files. The statements a repair changed must also parse with libcst (imported only when a file needed
repairing), and it keeps the file's encoding, BOM, line endings and every line it did not touch byte-exact.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Sequence

from heal.repair.model import OK, REPAIRED, UNREPAIRABLE, Repair, SyntaxErrorInfo
from heal.repair.textfile import DecodeError, TextFile, decode_python, line_opcodes

# The search runs in the target interpreter from heal's own source tree, stdlib only. With -I -S that interpreter
# sees neither its own site-packages (another heal there would shadow this one) nor the environment; heal's tree goes
# last on sys.path, so nothing in it can shadow the standard library.
_SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_BOOT = ("import sys; sys.path.append(sys.argv[1]); from heal.repair.pysearch import main; "
         "sys.exit(main(sys.argv[1:]))")


class InterpreterError(Exception):
    """The target interpreter could not run the search (missing, too old, crashed)."""


def repair_python(source: bytes, *, python: str | None = None, error: SyntaxErrorInfo | None = None) -> Repair:
    """Repair one file's bytes for `python` (None: heal's own interpreter). `error` is what the interpreter
    reported, if known; the search compiles again anyway, so it is only a hint."""
    del error  # the search finds the same error itself, with the position it needs
    return repair_python_many([source], python=python)[0]


def repair_python_many(sources: Sequence[bytes], *, python: str | None = None) -> list[Repair]:
    """Repair several files with at most one subprocess (when `python` is another interpreter version)."""
    out: list[Repair | None] = [None] * len(sources)
    local = python is None or same_interpreter(python)
    if local:
        # most files in a pre-commit run are fine: compile() their bytes before building anything
        from heal.repair.pysearch import compiles

        for i, data in enumerate(sources):
            if compiles(data):
                out[i] = Repair(OK)
    decoded: dict[int, TextFile] = {}
    for i, data in enumerate(sources):
        if out[i] is None:
            try:
                decoded[i] = decode_python(data)
            except DecodeError as exc:
                out[i] = Repair(UNREPAIRABLE, error=SyntaxErrorInfo(str(exc), type="UnicodeDecodeError"),
                                reason="cannot decode the file")
    todo = sorted(decoded)
    if local:
        from heal.repair.pysearch import repair_text

        results = [repair_text(decoded[i].text) for i in todo]
    else:
        results = _search_in(python, [decoded[i].text for i in todo])
    for i, res in zip(todo, results):
        out[i] = _finish(decoded[i], res)
    return [r for r in out if r is not None]


def _finish(f: TextFile, res) -> Repair:
    if res.status == OK:
        return Repair(OK)
    if res.status != REPAIRED or res.text is None:
        return Repair(UNREPAIRABLE, error=res.error, candidates=res.candidates, reason=res.reason)
    problem = libcst_problem(_changed_statements(f.text, res.text))
    if problem:
        return Repair(UNREPAIRABLE, error=res.error,
                      reason=f"the repair compiles but libcst cannot parse it: {problem}")
    try:
        new = f.encode(res.text)
    except UnicodeEncodeError:
        return Repair(UNREPAIRABLE, error=res.error, reason=f"the repair cannot be written in {f.encoding}")
    return Repair(REPAIRED, new=new, error=res.error, edits=res.edits)


def _changed_statements(old: str, new: str) -> str:
    """The top-level statements of new that differ from old: what libcst has to vouch for (the rest is the file as
    it was, and parsing a long file costs more than the whole repair)."""
    from heal.repair.pysearch import statements_around

    a, b = old.split("\n"), new.split("\n")
    changed = [(j1, max(j2 - 1, j1)) for op, _, _, j1, j2 in line_opcodes(a, b) if op != "equal"]
    if not changed:
        return new
    span = statements_around(new, min(c[0] for c in changed), min(max(c[1] for c in changed), len(b) - 1))
    return new if span is None else new[span[0]:span[1]]


def libcst_problem(text: str) -> str:
    """'' if libcst parses text, else its one-line complaint."""
    import libcst  # only a file that needed repairing pays for it

    try:
        libcst.parse_module(text)
    except Exception as exc:  # ParserSyntaxError, and whatever its native parser raises on odd input
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return ""


def _search_in(python: str, texts: list[str]) -> list:
    from heal.repair.pysearch import Result
    from heal.run import RunSpec, run

    if not texts:
        return []
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8", delete=False) as fh:
        json.dump({"texts": texts}, fh)
        path = fh.name
    try:
        result = run(RunSpec((python, "-I", "-S", "-c", _BOOT, _SRC, path), passthrough=False, keep_stdout=True,
                             timeout=600, head_bytes=0, tail_bytes=4096))
    finally:
        os.unlink(path)
    if result.exit_code != 0 or not result.stdout:
        tail = result.text.strip().splitlines()[-1:] if result.text.strip() else []
        raise InterpreterError(f"{python} could not run the repair search (exit {result.exit_code})"
                               + (f": {tail[0]}" if tail else ""))
    try:
        return [Result.from_json(obj) for obj in json.loads(result.stdout)]
    except (ValueError, KeyError, TypeError) as exc:
        raise InterpreterError(f"{python} answered something unexpected: {exc}") from None


def interpreter_version(python: str) -> tuple[int, int] | None:
    """major.minor of an interpreter from its virtualenv's pyvenv.cfg or its name (no subprocess); None when
    unknown."""
    probe = os.path.dirname(os.path.dirname(os.path.abspath(python)))
    try:
        with open(os.path.join(probe, "pyvenv.cfg"), encoding="utf-8") as fh:
            for line in fh:
                key, _, value = line.partition("=")
                if key.strip() in ("version", "version_info"):
                    parts = value.strip().split(".")
                    return int(parts[0]), int(parts[1])
    except (OSError, ValueError, IndexError):
        pass
    import re

    m = re.fullmatch(r"python(\d)\.(\d+)", os.path.basename(python))  # /usr/bin/python3.9
    return (int(m.group(1)), int(m.group(2))) if m else None


def same_interpreter(python: str) -> bool:
    """Whether heal's own compile() speaks the same Python as `python` does."""
    if os.path.realpath(python) == os.path.realpath(sys.executable):
        return True
    return interpreter_version(python) == sys.version_info[:2]


def project_python(root: str, environ: dict | None = None) -> str | None:
    """The interpreter the project's code is for, when heal can tell: the project's .venv, else the active
    $VIRTUAL_ENV. None: heal's own."""
    env = os.environ if environ is None else environ
    for venv in (os.path.join(root, ".venv"), os.path.join(root, "venv"), env.get("VIRTUAL_ENV") or ""):
        if venv and os.path.isfile(os.path.join(venv, "pyvenv.cfg")):
            exe = os.path.join(venv, "bin", "python")
            if os.path.exists(exe):
                return exe
    return None
