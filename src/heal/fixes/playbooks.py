"""Playbooks: data files in patterns/playbooks/ that say which failures a fix applies to and how.

    id = "python-missing-module"
    category = "dependency"
    description = "Install the distribution that provides a missing Python module"
    risk = "medium"                       # low | medium | high
    [match]                               # every key given must hold
    rules = ["python.", "pytest.collection.ModuleNotFoundError"]   # diagnosis rule ids, by prefix
    facts = ["module"]                    # facts the diagnosis must have
    ecosystem = ["python"]                # facts.ecosystem in these
    tools = ["pytest", "python"]          # the command's tool in these
    output = ["No module named"]          # regexes on the output
    exit_codes = [1, 2]
    [[steps]]                             # the primary step, then fallbacks, each an action and its options
    action = "install"
    [validate]
    rerun = true                          # run the command again to prove the fix

Loaded only when a command fails, a directory at a time through one cache entry
(heal.fixes.playbook_cache). A malformed playbook is a one-line PlaybookError naming the file
and the field; the others still load. Step options are checked here, by type, so that a playbook's
mistake (`max_retries = "lots"`) is its own load error, not a failure while planning every fix.
"""

from __future__ import annotations

import os

from heal import rx
from heal.diagnose.model import CATEGORIES
from heal.errors import PlaybookError
from heal.fixes.model import RISKS, PlanContext
from heal.record import Record


class Playbook(Record):
    """One loaded playbook (a Record, not a dataclass: loaded on every failure)."""

    __slots__ = ("id", "category", "description", "risk", "path", "steps", "rules", "facts", "ecosystem", "tools",
                 "output", "exit_codes", "rerun", "check", "_compiled")
    _hidden = ("_compiled",)
    id: str
    category: str
    description: str
    risk: str
    path: str
    steps: tuple[dict, ...]
    rules: tuple[str, ...]
    facts: tuple[str, ...]
    ecosystem: tuple[str, ...]
    tools: tuple[str, ...]
    output: tuple[str, ...]
    exit_codes: tuple[int, ...]
    rerun: bool
    check: tuple[str, ...]
    _compiled: tuple[rx.Pattern[str], ...]

    def __init__(self, id: str, category: str, description: str, risk: str, path: str, steps: tuple[dict, ...],
                 rules: tuple[str, ...] = (), facts: tuple[str, ...] = (), ecosystem: tuple[str, ...] = (),
                 tools: tuple[str, ...] = (), output: tuple[str, ...] = (), exit_codes: tuple[int, ...] = (),
                 rerun: bool = True, check: tuple[str, ...] = (), _compiled: tuple[rx.Pattern[str], ...] = ()) -> None:
        self._fill(id, category, description, risk, path, steps, rules, facts, ecosystem, tools, output, exit_codes,
                   rerun, check, _compiled)

    def matches(self, ctx: PlanContext) -> bool:
        d = ctx.diagnosis
        if d.category != self.category and self.category != "any":
            return False
        if self.rules and not any(d.rule == r or d.rule.startswith(r) for r in self.rules):
            return False
        if any(f not in d.facts for f in self.facts):
            return False
        if self.ecosystem and d.facts.get("ecosystem") not in self.ecosystem:
            return False
        if self.tools and d.facts.get("tool") not in self.tools:
            return False
        if self.exit_codes and ctx.exit_code not in self.exit_codes:
            return False
        return all(p.search(ctx.output) for p in self._compiled)


def playbook_dir() -> str:
    """Where the shipped playbooks are: patterns/ inside the installed package, or the source checkout's."""
    from heal.patterns import path

    return path("playbooks")


def load_all(directory: str | None = None) -> tuple[list[Playbook], list[str]]:
    """(playbooks, one-line errors for the malformed ones): the user's own (in the state directory's
    playbooks/, tried first) and the shipped ones."""
    if directory is None:
        from heal.paths import state_dir

        directories = [os.path.join(state_dir(), "playbooks"), playbook_dir()]
    else:
        directories = [directory]
    from heal.fixes.playbook_cache import load_directory

    books, errors = [], []
    for d in directories:
        names = [n for n in sorted(os.listdir(d)) if n.endswith(".toml")] if os.path.isdir(d) else []
        if not names:
            continue
        cached = load_directory(d, names)  # one cache entry for the directory, checked once
        if cached is not None:
            books.extend(cached[0])
            errors.extend(cached[1])
            continue
        for name in names:
            book, error, _ = load_or_error(os.path.join(d, name))
            if book is not None:
                books.append(book)
            else:
                errors.append(error)
    return books, errors


def load_or_error(path: str) -> tuple[Playbook | None, str, bool]:
    """(the playbook, "", True), or (None, its one-line error, whether the error is the file's own: a
    PlaybookError, which loading the same bytes again would give again)."""
    try:
        return load(path), "", True
    except PlaybookError as exc:
        return None, str(exc), True
    except Exception as exc:  # noqa: BLE001 - RecursionError from deep nesting, and anything else
        return None, f"playbook {path}: cannot be loaded: {type(exc).__name__}: {exc}"[:300], False


def load(path: str) -> Playbook:
    from heal.tomlcache import load as load_toml  # parsed once, then read from heal's compiled cache

    try:
        data = load_toml(path)
    except (OSError, ValueError) as exc:  # TOMLDecodeError and UnicodeDecodeError are ValueErrors
        raise PlaybookError(f"playbook {path}: cannot be read: {exc}") from None
    except RecursionError:
        raise PlaybookError(f"playbook {path}: cannot be read: nested too deeply") from None
    where = f"playbook {path}"

    def field_of(key: str, kind: type, default: object = None, table: dict | None = None, required: bool = False):
        src = data if table is None else table
        if key not in src:
            if required:
                raise PlaybookError(f"{where}: field '{key}' is missing")
            return default
        value = src[key]
        if kind is list:
            of = int if key == "exit_codes" else str
            if not isinstance(value, list) or not all(isinstance(v, of) and not isinstance(v, bool) for v in value):
                what = "integers" if of is int else "strings"
                raise PlaybookError(f"{where}: field '{key}' must be a list of {what}")
            return tuple(value)
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            raise PlaybookError(f"{where}: field '{key}' must be {kind.__name__}")
        return value

    known = {"id", "category", "description", "risk", "match", "steps", "validate"}
    unknown = set(data) - known
    if unknown:
        raise PlaybookError(f"{where}: unknown field '{sorted(unknown)[0]}'")
    category = field_of("category", str, required=True)
    if category not in CATEGORIES and category != "any":
        raise PlaybookError(f"{where}: field 'category' must be one of {', '.join(CATEGORIES)}")
    risk = field_of("risk", str, "medium")
    if risk not in RISKS:
        raise PlaybookError(f"{where}: field 'risk' must be low, medium or high")
    match = data.get("match", {})
    if not isinstance(match, dict):
        raise PlaybookError(f"{where}: field 'match' must be a table")
    unknown = set(match) - {"rules", "facts", "ecosystem", "tools", "output", "exit_codes"}
    if unknown:
        raise PlaybookError(f"{where}: unknown field 'match.{sorted(unknown)[0]}'")
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps or not all(isinstance(s, dict) for s in steps):
        raise PlaybookError(f"{where}: field 'steps' must be a non-empty list of tables")
    for i, step in enumerate(steps):
        _check_step(where, i, step)
    validate = data.get("validate", {})
    if not isinstance(validate, dict):
        raise PlaybookError(f"{where}: field 'validate' must be a table")
    output = field_of("output", list, (), match)
    import re  # checked here, where the playbook is read from its file; the cache's are built lazily

    from heal.recache import compile as cached_compile  # the next run builds them from heal's regex cache

    try:
        compiled = tuple(cached_compile(p, re.M) for p in output)
    except (re.error, TypeError) as exc:
        raise PlaybookError(f"{where}: field 'match.output' has a bad regex: {exc}") from None
    return Playbook(
        id=field_of("id", str, required=True), category=category,
        description=field_of("description", str, required=True), risk=risk, path=path, steps=tuple(steps),
        rules=field_of("rules", list, (), match), facts=field_of("facts", list, (), match),
        ecosystem=field_of("ecosystem", list, (), match), tools=field_of("tools", list, (), match),
        output=output, exit_codes=field_of("exit_codes", list, (), match),
        rerun=field_of("rerun", bool, True, validate), check=field_of("check", list, (), validate),
        _compiled=compiled,
    )


def _check_step(where: str, i: int, step: dict) -> None:
    from heal.fixes import ACTIONS  # the one registry: an action's module declares the options it reads

    action = step.get("action")
    if action not in ACTIONS:
        raise PlaybookError(f"{where}: field 'steps[{i}].action' must be one of {', '.join(ACTIONS)}")
    options = ACTIONS[action].OPTIONS
    for key, value in step.items():
        if key == "action":
            continue
        if key not in options:
            raise PlaybookError(f"{where}: unknown field 'steps[{i}].{key}' for action {action}")
        kind, allowed = options[key]
        if not isinstance(value, kind) or isinstance(value, bool):
            what = "an integer" if kind is int else "a string"
            raise PlaybookError(f"{where}: field 'steps[{i}].{key}' must be {what}")
        if allowed and value not in allowed:
            raise PlaybookError(f"{where}: field 'steps[{i}].{key}' must be one of {', '.join(allowed)}")
        if kind is int and value < 0:
            raise PlaybookError(f"{where}: field 'steps[{i}].{key}' must be at least 0")
    if "kind" in options and "kind" not in step:
        raise PlaybookError(f"{where}: field 'steps[{i}].kind' is missing")
    setting = step.get("max_retries_setting")
    if setting is not None:
        from heal.config import KEYS

        if not any(k.name == setting and k.type is int for k in KEYS):
            raise PlaybookError(f"{where}: field 'steps[{i}].max_retries_setting' must name an integer setting")
