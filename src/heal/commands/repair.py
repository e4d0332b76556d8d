"""`heal repair [--check] [--dry-run] [--diff] [--json] [--python PATH] FILE...`: repair the syntax of Python,
JSON and TOML files in place, through the change log (`heal rollback --last` undoes it byte-exact).

Parsed by hand and routed here by heal.entry without typer, like `heal diagnose`: it runs in pre-commit hooks on
every commit. A file that compiles costs a read and a compile(); libcst is imported only for a file that needs
repairing (or uses an API its interpreter no longer has).
"""

from __future__ import annotations

import difflib
import json
import os
import sys
from dataclasses import dataclass

from heal.repair.model import OK, REPAIRED, UNREPAIRABLE, Repair
from heal.runopts import UsageError

USAGE = "heal repair [--check] [--dry-run] [--diff] [--json] [--python PATH] FILE..."
KINDS = {".py": "python", ".pyi": "python", ".json": "json", ".jsonc": "json", ".toml": "toml"}


@dataclass(frozen=True)
class Options:
    files: tuple[str, ...]
    check: bool = False
    dry_run: bool = False
    diff: bool = False
    as_json: bool = False
    python: str | None = None


@dataclass(frozen=True)
class Target:
    path: str  # as given
    real: str  # the checked real path
    kind: str
    data: bytes


def main(args: list[str]) -> int:
    return run(parse(args), args)


def parse(args: list[str]) -> Options:
    flags = {"--check": "check", "--dry-run": "dry_run", "-n": "dry_run", "--diff": "diff", "--json": "as_json"}
    seen: dict = {}
    files: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            files.extend(args[i + 1:])
            break
        name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in flags and not eq:
            seen[flags[name]] = True
        elif name == "--python":
            if eq:
                seen["python"] = inline
            elif i + 1 < len(args):
                i += 1
                seen["python"] = args[i]
            else:
                raise UsageError("option '--python' needs a value")
        elif arg.startswith("-") and arg != "-":
            raise UsageError(f"unknown option '{arg}' ({USAGE})")
        else:
            files.append(arg)
        i += 1
    if not files:
        raise UsageError(f"no files to repair ({USAGE})")
    return Options(tuple(files), **seen)


def run(opts: Options, args: list[str]) -> int:
    from heal.project import SafetyError, check_editable, project_root

    cwd = os.getcwd()
    root = project_root(cwd)
    targets = []
    for path in opts.files:
        kind = KINDS.get(os.path.splitext(path)[1].lower())
        if kind is None:
            raise UsageError(f"{path}: heal repair handles .py, .json and .toml files")
        if os.path.isdir(path):
            raise UsageError(f"{path}: is a directory")
        try:
            real = check_editable(path, root)
            if os.stat(real).st_nlink > 1:
                raise SafetyError(f"{path} has more than one hard link")
            with open(real, "rb") as fh:
                data = fh.read()
        except SafetyError as exc:
            raise UsageError(f"refusing to repair: {exc}") from None
        except OSError as exc:
            raise UsageError(f"{path}: {exc.strerror or exc}") from None
        if all(t.real != real for t in targets):  # the same file twice is repaired once
            targets.append(Target(path, real, kind, data))
    python = opts.python or _project_python(root)
    repairs = _repair_all(targets, python)
    changed = [(t, r) for t, r in zip(targets, repairs) if r.status == REPAIRED and r.new is not None]
    write = not (opts.check or opts.dry_run)
    change_id = None
    if write and changed:
        change_id = _journal(changed, cwd, root, args)
    for t, r in zip(targets, repairs):
        _present(t, r, opts, written=write)
    if change_id and not opts.as_json:
        sys.stderr.write(f"heal: repaired {len(changed)} file{'s' if len(changed) != 1 else ''} "
                         f"(undo: heal rollback {change_id})\n")
    if opts.check:
        return 1 if any(r.status != OK for r in repairs) else 0
    return 1 if any(r.status == UNREPAIRABLE for r in repairs) else 0


def check_contents(named: list[tuple[str, bytes]], root: str) -> list[tuple[Target, Repair]]:
    """`heal repair --check` on contents that are not files of the working tree (a git hook checks the staged
    bytes): each (path as shown, bytes) with its repair; paths heal does not repair are left out."""
    targets = [Target(path, path, KINDS[os.path.splitext(path)[1].lower()], data) for path, data in named
               if os.path.splitext(path)[1].lower() in KINDS]
    if not targets:
        return []
    return list(zip(targets, _repair_all(targets, _project_python(root))))


def present(t: Target, r: Repair, *, diff: bool) -> None:
    """What `heal repair --check [--diff]` prints about one file."""
    _present(t, r, Options((t.path,), check=True, diff=diff), written=False)


def _project_python(root: str) -> str | None:
    from heal.repair.python import project_python

    return project_python(root)


def _repair_all(targets: list[Target], python: str | None) -> list[Repair]:
    out: dict[int, Repair] = {}
    py = [i for i, t in enumerate(targets) if t.kind == "python"]
    if py:
        from heal.repair.python import InterpreterError, repair_python_many

        try:
            for i, r in zip(py, repair_python_many([targets[i].data for i in py], python=python)):
                out[i] = r
        except InterpreterError as exc:
            raise UsageError(str(exc)) from None
        for i in py:
            if out[i].status == OK:
                out[i] = _moved(targets[i].data, python) or out[i]
    for i, t in enumerate(targets):
        if t.kind == "json":
            from heal.repair.json import is_jsonc, repair_json

            out[i] = repair_json(t.data, jsonc=is_jsonc(t.path))
        elif t.kind == "toml":
            from heal.repair.toml import repair_toml

            out[i] = repair_toml(t.data)
    return [out[i] for i in range(len(targets))]


def _moved(data: bytes, python: str | None) -> Repair | None:
    """Standard-library APIs the target interpreter no longer has, for a file that compiles."""
    from heal.repair import moved

    if not moved.mentions_moved_api(data):
        return None
    version = sys.version_info[:2]
    if python:
        from heal.repair.python import interpreter_version

        version = interpreter_version(python) or version
    r = moved.fix_moved_api(data, removed_in=version)
    return r if r.status != OK or r.notes else None


def _journal(changed: list[tuple[Target, Repair]], cwd: str, root: str, args: list[str]) -> str:
    from heal.journal import FileChange, open_journal

    first = changed[0][1].error
    diagnosis = f"syntax: {first.describe()}" if first else "syntax"
    with open_journal().changeset(cwd=cwd, root=root, command=["heal", "repair", *args], diagnosis=diagnosis) as cs:
        for t, r in changed:
            with open(t.real, "rb") as fh:
                if fh.read() != t.data:  # edited while heal was searching: the repair is for the old bytes
                    raise UsageError(f"{t.path} changed while heal was repairing it; run heal repair again")
            reason = "; ".join(e.describe() for e in r.edits[:5]) or "repair"
            cs.apply(FileChange(t.real, data=r.new, reason=f"heal repair: {reason}"))
        return cs.id


def _present(t: Target, r: Repair, opts: Options, written: bool) -> None:
    if opts.as_json:
        obj = {"path": t.path, "kind": t.kind, **r.to_json()}
        if opts.diff:  # inside the object: stdout stays one JSON object per line
            obj["diff"] = _diff(t, r) if r.new is not None else ""
        sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
        return
    if opts.diff and r.new is not None:
        sys.stdout.write(_diff(t, r))
    if r.status == OK:
        for note in r.notes:
            sys.stdout.write(f"heal: {t.path}: {note}\n")
        return
    if r.status == REPAIRED:
        verb = "repaired" if written else "would repair"
        what = "; ".join(e.describe() for e in r.edits[:4]) + (" ..." if len(r.edits) > 4 else "")
        before = f" ({r.error.describe()})" if r.error else ""
        sys.stdout.write(f"heal: {t.path}: {verb}{before}: {what}\n")
    else:
        before = r.error.describe() if r.error else "broken"
        sys.stdout.write(f"heal: {t.path}: cannot repair: {before}" + (f"; {r.reason}" if r.reason else "") + "\n")
        for n, cand in enumerate(r.candidates[:5], 1):
            sys.stdout.write(f"    candidate {n}: " + "; ".join(e.describe() for e in cand) + "\n")
    for note in r.notes:
        sys.stdout.write(f"heal: {t.path}: {note}\n")


def _diff(t: Target, r: Repair) -> str:
    def lines(data: bytes) -> list[str]:
        return data.decode("utf-8", "replace").splitlines(keepends=True)

    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in difflib.unified_diff(lines(t.data), lines(r.new or b""), fromfile=f"a/{t.path}",
                                                    tofile=f"b/{t.path}"))
