"""Patterns as files, for teams: `heal patterns export DIR` writes one JSON file per pattern (sorted keys,
two-space indent, stable names), reviewable in a pull request; `heal patterns import DIR` reads them back
as `imported` patterns, which heal only suggests until someone approves them.

What a file holds is what the pattern says (scope, evidence, fix, counts), never this machine's
bookkeeping (ids, times, approvals), secrets (redacted again on the way out and on the way in) or its
directories (home becomes ~, absolute paths in the summary keep only their file name).
"""

from __future__ import annotations

import json
import os
import re
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (2 ms of every failure)

if TYPE_CHECKING:
    from typing import Any

from heal.store.model import CATEGORIES, FIX_KINDS, KEY_FACTS, SOURCES, Pattern, PatternFix, content_hash

FORMAT = "heal-pattern/1"
FIELDS = {"format", "signature", "fingerprint", "category", "summary", "tool", "ecosystem", "key", "fix", "source",
          "successes", "failures"}
REQUIRED = ("format", "signature", "fingerprint", "category", "fix")
MAX_FILE = 256 * 1024  # a pattern is a few hundred bytes; anything this big is not one
_ABS_PATH = re.compile(r"(?<![\w.~<>])(?:/[^\s/:'\"()\[\]<>,;]+){2,}/?")
_UNSAFE_NAME = re.compile(r"[^a-z0-9._-]+")


class FileError(Exception):
    """One malformed pattern file; str() is the one line naming the file and the field."""


# --- export -------------------------------------------------------------------------------------------


def file_name(p: Pattern) -> str:
    """Named by content, not by this machine's id: the same pattern exported anywhere has the same name."""
    scope = _UNSAFE_NAME.sub("-", (p.scope or "any").lower()).strip("-") or "any"
    return f"{p.category}-{scope}-{content_hash(p)[:16]}.json"


def dump(p: Pattern) -> str:
    from heal.store.db import _redact

    home = os.path.expanduser("~")
    obj: dict[str, Any] = {
        "format": FORMAT, "signature": p.signature, "fingerprint": _redact(_unhome(p.fingerprint, home)),
        "category": p.category, "summary": _redact(_unpath(_unhome(p.summary, home))), "tool": p.tool,
        "ecosystem": p.ecosystem, "key": key_object(p.key), "source": p.source, "successes": p.successes,
        "failures": p.failures, "fix": _fix_out(p.fix, home),
    }
    return json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def export(patterns: list[Pattern], directory: str) -> list[tuple[str, Pattern]]:
    from heal.fsutil import write_atomic

    os.makedirs(directory, exist_ok=True)
    written = []
    for p in patterns:
        path = os.path.join(directory, file_name(p))
        write_atomic(path, dump(p).encode())
        written.append((path, p))
    return written


def key_object(key: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in key.split("\x1f")) if key else {}


def _unhome(text: str, home: str) -> str:
    return text.replace(home, "~") if len(home) > 1 else text


def _unpath(text: str) -> str:
    return _ABS_PATH.sub(lambda m: "<PATH>/" + m.group(0).rstrip("/").rsplit("/", 1)[-1], text)


def _fix_out(fix: PatternFix, home: str) -> dict[str, Any]:
    from heal.store.db import _redact_argv

    if not fix.commands:
        return fix.to_json()
    commands = tuple(_redact_argv(tuple(_unhome(a, home) for a in c)) for c in fix.commands)
    return PatternFix(fix.kind, fix.playbook, fix.step, commands).to_json()


# --- import -------------------------------------------------------------------------------------------


def read_dir(directory: str, playbooks: dict[str, int]) -> list[Pattern | FileError]:
    """Each *.json file of directory, in name order: its Pattern, redacted, or the FileError saying why not.
    `playbooks` maps the known playbook ids to their number of steps."""
    from heal.store.db import _redacted

    try:
        names = sorted(n for n in os.listdir(directory) if n.endswith(".json"))
    except OSError as exc:
        return [FileError(f"{directory}: {exc.strerror or exc}")]
    out: list[Pattern | FileError] = []
    for name in names:
        try:
            out.append(_redacted(parse(os.path.join(directory, name), playbooks)))
        except FileError as exc:
            out.append(exc)
    return out


def parse(path: str, playbooks: dict[str, int]) -> Pattern:
    # os.open/os.read rather than open(): a file object costs more than reading a pattern's few hundred bytes
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            data = os.read(fd, MAX_FILE + 1)
        finally:
            os.close(fd)
    except OSError as exc:
        raise FileError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE:
        raise FileError(f"{path}: larger than {MAX_FILE // 1024} KB: not a pattern")
    try:
        obj = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise FileError(f"{path}: not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise FileError(f"{path}: not valid JSON: {exc.msg} (line {exc.lineno})") from None
    return _pattern(obj, path, playbooks)


_FIX_FIELDS = {"playbook": {"kind", "playbook", "step"}, "command": {"kind", "argv"}, "advice": {"kind", "commands"}}
_TEXTS = ("signature", "fingerprint", "category", "summary", "tool", "ecosystem", "source")


def _pattern(obj: Any, path: str, playbooks: dict[str, int]) -> Pattern:
    """The pattern a parsed file holds, or FileError naming the first field that is wrong. Plain checks in
    a row (no closures, no imports per call): importing 100,000 files runs this 100,000 times."""
    if not isinstance(obj, dict):
        raise FileError(f"{path}: not a pattern (a JSON object)")
    for name in REQUIRED:
        if name not in obj:
            raise _bad(path, name, "is missing")
    unknown = obj.keys() - FIELDS
    if unknown:
        raise _bad(path, sorted(unknown)[0], "is not a pattern field")
    if obj["format"] != FORMAT:
        raise _bad(path, "format", f"must be \"{FORMAT}\"")
    for name in _TEXTS:
        value = obj.get(name, "")
        if type(value) is not str:
            raise _bad(path, name, "must be a string")
        if "\x00" in value:
            raise _bad(path, name, "must not contain NUL")
    if not obj["signature"].strip():
        raise _bad(path, "signature", "must not be empty")
    category = obj["category"]
    if category not in CATEGORIES:
        raise _bad(path, "category", f"must be one of {', '.join(CATEGORIES)}")
    if obj.get("source", "imported") not in SOURCES:
        raise _bad(path, "source", f"must be one of {', '.join(SOURCES)}")
    for name in ("successes", "failures"):
        value = obj.get(name, 0)
        if type(value) is not int or value < 0:
            raise _bad(path, name, "must be a whole number >= 0")
    key = obj.get("key", {})
    if type(key) is not dict or not all(type(v) is str for v in key.values()):
        raise _bad(path, "key", "must be an object of strings")
    for name in key:
        if name not in KEY_FACTS:
            raise _bad(path, f"key.{name}", f"is not a key fact ({', '.join(KEY_FACTS)})")
    return Pattern(id=0, signature=obj["signature"], fingerprint=obj["fingerprint"], category=category,
                   fix=_fix(obj["fix"], path, playbooks), source="imported", tool=obj.get("tool", ""),
                   ecosystem=obj.get("ecosystem", ""), key="\x1f".join(f"{k}={key[k]}" for k in KEY_FACTS if k in key),
                   summary=obj.get("summary", ""), successes=obj.get("successes", 0),
                   failures=obj.get("failures", 0))


def _fix(fix: Any, path: str, playbooks: dict[str, int]) -> PatternFix:
    from heal.store.db import BadPattern, _checked_argv

    if type(fix) is not dict:
        raise _bad(path, "fix", "must be an object")
    kind = fix.get("kind")
    if kind not in FIX_KINDS:
        raise _bad(path, "fix.kind", f"must be one of {', '.join(FIX_KINDS)}")
    extra = fix.keys() - _FIX_FIELDS[kind]
    if extra:
        raise _bad(path, f"fix.{sorted(extra)[0]}", f"is not a field of a {kind} fix")
    if kind == "playbook":
        book, step = fix.get("playbook"), fix.get("step", 0)
        if type(book) is not str or book not in playbooks:
            raise _bad(path, "fix.playbook", f"names no playbook heal has ({book!r})")
        if type(step) is not int or not 0 <= step < playbooks[book]:
            raise _bad(path, "fix.step", f"must be a step of playbook {book} (0..{playbooks[book] - 1})")
        return PatternFix.of_playbook(book, step)
    field = "fix.argv" if kind == "command" else "fix.commands"
    commands = [fix.get("argv")] if kind == "command" else fix.get("commands")
    if type(commands) is not list or not commands or not all(type(c) is list for c in commands):
        raise _bad(path, field, "must be a list of strings" if kind == "command" else
                   "must be a non-empty list of commands (lists of strings)")
    try:
        argvs = [_checked_argv(c, None) for c in commands]
    except BadPattern as exc:
        raise _bad(path, field, f"is not a command: {exc}") from None
    return PatternFix.of_command(argvs[0]) if kind == "command" else PatternFix.of_advice(argvs)


def _bad(path: str, field: str, why: str) -> FileError:
    return FileError(f"{path}: field '{field}' {why}")


def playbook_steps() -> dict[str, int]:
    """The playbooks heal has here (shipped and the user's), by id: how many steps each has."""
    from heal.fixes.playbooks import load_all

    books, _ = load_all()
    steps: dict[str, int] = {}
    for b in books:
        steps.setdefault(b.id, len(b.steps))
    return steps
