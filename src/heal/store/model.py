"""The store's values: a failure as the store sees it, a pattern, what a pattern would do, a lookup's
candidate; and the pure rules on them (confidence, content hash, approval, the text fuzzy matching
compares). No sqlite here: the engine can ask `is_approved(pattern)` without opening anything.

The values are named tuples, not dataclasses: recording an outcome is on the failure path of every heal
run, and generating four frozen dataclasses cost 4 ms of import there. Nor collections.namedtuple, which
compiles each class's constructor from a string at import (0.1 ms each): _Value is the same API, its
constructors written out. For the same reason JSON is written with heal.cjson (no `import json`: 1.5 ms)
and no regex is compiled here.
"""

from __future__ import annotations

from heal.cjson import dumps
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (2 ms of every failure)

if TYPE_CHECKING:
    from typing import Any, TypeVar

    V = TypeVar("V", bound="_Value")

try:
    from _collections import _tuplegetter  # what namedtuple's fields are: a C descriptor, read by index
except ImportError:  # pragma: no cover - another Python
    from operator import itemgetter

    def _tuplegetter(index: int, doc: str) -> Any:  # type: ignore[no-redef]
        return property(itemgetter(index), doc=doc)

SOURCES = ("builtin", "learned", "taught", "observed", "imported")
# heal.diagnose.model's categories, copied so reading and importing patterns never loads the diagnosis
# (tests/test_store.py checks both lists agree)
CATEGORIES = ("dependency", "syntax", "test", "build", "runtime", "network", "permission", "configuration",
              "deployment", "unknown")
FIX_KINDS = ("playbook", "command", "advice")
# Facts that name *what* failed (the ones signature.py hashes): a pattern learned for module 'yaml' is no
# pattern for module 'requests', however alike the two tracebacks read. Kept here rather than imported
# so reading the store never loads the diagnosis package; tests/test_store.py checks both lists agree.
KEY_FACTS = ("module", "package", "command", "error_code", "exception", "header", "symbol", "env_var", "script",
             "host", "signal", "url")
Z = 1.96  # the Wilson bound's z: 95%


def wilson(successes: int, failures: int, z: float = Z) -> float:
    """The lower bound of the Wilson score interval of the success rate: 0 without evidence, and it grows
    with evidence (1 of 1 is 0.21, 10 of 10 is 0.72), so one lucky success never outranks a long record."""
    n = successes + failures
    if n <= 0 or successes <= 0:
        return 0.0
    p = successes / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    margin = z * (p * (1 - p) / n + z2 / (4 * n * n)) ** 0.5  # not math.sqrt: math is a shared library to load
    return max(0.0, (centre - margin) / (1 + z2 / n))


class _Value(tuple):
    """A named tuple as collections.namedtuple makes one (fields by name and by index, equality and hashing as
    tuples, _replace, _asdict, _make, its repr, pickling), from `_fields` and a `__new__` the subclass writes."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for index, name in enumerate(cls._fields):
            setattr(cls, name, _tuplegetter(index, f"Alias for field number {index}"))
        cls.__match_args__ = cls._fields

    @classmethod
    def _make(cls: type[V], iterable: Any) -> V:
        value = tuple.__new__(cls, iterable)
        if len(value) != len(cls._fields):
            raise TypeError(f"Expected {len(cls._fields)} arguments, got {len(value)}")
        return value

    def _replace(self: V, **changes: Any) -> V:
        value = self._make([changes.pop(name, old) for name, old in zip(self._fields, self)])
        if changes:
            raise ValueError(f"Got unexpected field names: {list(changes)!r}")
        return value

    def _asdict(self) -> dict[str, Any]:
        return dict(zip(self._fields, self))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{n}={v!r}' for n, v in zip(self._fields, self))})"

    def __getnewargs__(self) -> tuple[Any, ...]:
        return tuple(self)


class PatternFix(_Value):
    """What to do again. Never a concrete install command: a playbook step is re-planned against the new
    failure, so the curated import map and name validation run every time.

    kind: playbook | command | advice; playbook, step: the playbook's id and the index of the step in it;
    commands: for a command, one argv (run, then the failing command again); for advice, the argvs shown."""

    __slots__ = ()
    _fields = ("kind", "playbook", "step", "commands")
    kind: str
    playbook: str
    step: int
    commands: tuple[tuple[str, ...], ...]

    def __new__(cls, kind: str, playbook: str = "", step: int = 0,
                commands: tuple[tuple[str, ...], ...] = ()) -> PatternFix:
        return tuple.__new__(cls, (kind, playbook, step, commands))

    @classmethod
    def of_playbook(cls, playbook: str, step: int = 0) -> PatternFix:
        return cls("playbook", playbook=playbook, step=step)

    @classmethod
    def of_command(cls, argv: tuple[str, ...] | list[str]) -> PatternFix:
        return cls("command", commands=(tuple(argv),))

    @classmethod
    def of_advice(cls, commands: list[list[str]] | tuple[tuple[str, ...], ...]) -> PatternFix:
        return cls("advice", commands=tuple(tuple(c) for c in commands))

    @property
    def argv(self) -> tuple[str, ...] | None:
        """The command a `command` fix runs; None for the other kinds."""
        return self.commands[0] if self.kind == "command" and self.commands else None

    @property
    def runs_command(self) -> bool:
        return self.kind == "command"

    def to_json(self) -> dict[str, Any]:
        if self.kind == "playbook":
            return {"kind": "playbook", "playbook": self.playbook, "step": self.step}
        if self.kind == "command":
            return {"kind": "command", "argv": list(self.commands[0])}
        return {"kind": "advice", "commands": [list(c) for c in self.commands]}

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> PatternFix:
        """From to_json()'s shape; the caller validated it (files.py for imports, the store for its own rows)."""
        kind = obj["kind"]
        if kind == "playbook":
            return cls.of_playbook(obj["playbook"], int(obj.get("step", 0)))
        if kind == "command":
            return cls.of_command(obj["argv"])
        return cls.of_advice(obj["commands"])

    def canonical(self) -> str:
        """The stable text of the fix: its identity in the store (unique with the signature) and in hashes."""
        return dumps(self.to_json(), sort_keys=True, separators=(",", ":"))

    def describe(self) -> str:
        if self.kind == "playbook":
            return f"playbook {self.playbook} step {self.step}"
        if self.kind == "command":
            return "run: " + _show(self.commands[0])
        return "advice: " + "; ".join(_show(c) for c in self.commands)


def _show(argv: tuple[str, ...]) -> str:
    import shlex

    return shlex.join(argv)


class Failure(_Value):
    """A failure as the store needs it: what identifies it exactly (signature) and what fuzzy matching
    compares (the normalised evidence), within its scope (ecosystem, else tool), category and key facts
    (normalised, "module=yaml")."""

    __slots__ = ()
    _fields = ("signature", "fingerprint", "category", "tool", "ecosystem", "key", "summary")
    signature: str
    fingerprint: str
    category: str
    tool: str
    ecosystem: str
    key: str
    summary: str

    def __new__(cls, signature: str, fingerprint: str, category: str, tool: str = "", ecosystem: str = "",
                key: str = "", summary: str = "") -> Failure:
        return tuple.__new__(cls, (signature, fingerprint, category, tool, ecosystem, key, summary))

    @property
    def scope(self) -> str:
        # `python3 app.py` and `pytest` share the python ecosystem, and so the same fixes
        return self.ecosystem or self.tool

    @classmethod
    def of(cls, diagnosis: Any) -> Failure:
        """From a heal.diagnose Diagnosis."""
        facts = diagnosis.facts
        return cls(signature=diagnosis.signature, fingerprint=diagnosis.fingerprint, category=diagnosis.category,
                   tool=str(facts.get("tool", "") or ""), ecosystem=str(facts.get("ecosystem", "") or ""),
                   key=key_of(facts), summary=diagnosis.summary)


def key_of(facts: dict[str, Any] | Any) -> str:
    """The facts that name what failed, normalised like the evidence (a port or a temp path in a URL must
    not make two runs of one failure different)."""
    parts = [(k, facts[k]) for k in KEY_FACTS if k in facts and facts[k] not in (None, "")]
    if not parts:
        return ""
    from heal.diagnose.signature import normalise

    return "\x1f".join(f"{k}={normalise(str(v))}" for k, v in parts)


class Pattern(_Value):
    """A stored pattern: the failure it was recorded for, its fix, where it came from and how it went."""

    __slots__ = ()
    _fields = ("id", "signature", "fingerprint", "category", "fix", "source", "tool", "ecosystem", "key", "summary",
               "successes", "failures", "created", "first_used", "last_used", "approved_hash")
    id: int
    signature: str
    fingerprint: str
    category: str
    fix: PatternFix
    source: str
    tool: str
    ecosystem: str
    key: str
    summary: str
    successes: int
    failures: int
    created: float
    first_used: float | None
    last_used: float | None
    approved_hash: str

    def __new__(cls, id: int, signature: str, fingerprint: str, category: str, fix: PatternFix, source: str,
                tool: str = "", ecosystem: str = "", key: str = "", summary: str = "", successes: int = 0,
                failures: int = 0, created: float = 0.0, first_used: float | None = None,
                last_used: float | None = None, approved_hash: str = "") -> Pattern:
        return tuple.__new__(cls, (id, signature, fingerprint, category, fix, source, tool, ecosystem, key, summary,
                                   successes, failures, created, first_used, last_used, approved_hash))

    @property
    def scope(self) -> str:
        return self.ecosystem or self.tool

    @property
    def confidence(self) -> float:
        return wilson(self.successes, self.failures)

    def to_json(self) -> dict[str, Any]:
        """One entry of `heal patterns list --json` (contract in DESIGN.md), plus what `show` adds."""
        return {"id": self.id, "signature": self.signature, "category": self.category, "summary": self.summary,
                "fix": self.fix.to_json(), "source": self.source, "successes": self.successes,
                "failures": self.failures, "confidence": round(self.confidence, 3),
                "last_used": _iso(self.last_used)}

    def content(self) -> dict[str, Any]:
        """What a pattern says, without this machine's bookkeeping: what exports carry and approval hashes."""
        return {"signature": self.signature, "fingerprint": self.fingerprint, "category": self.category,
                "tool": self.tool, "ecosystem": self.ecosystem, "key": self.key, "fix": self.fix.to_json()}


def content_hash(pattern: Pattern) -> str:
    """sha256 of the pattern's content: approving an imported pattern approves this hash, so a pattern whose
    command or scope changed (a re-import, an edited row) needs approving again, as `direnv allow` does."""
    import hashlib  # imported patterns only: recording an outcome does not pay for OpenSSL's set-up

    text = dumps(pattern.content(), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def is_approved(pattern: Pattern) -> bool:
    """Whether heal may act on the pattern: always for its own and the user's; an imported one only after
    `heal patterns approve` approved exactly this content."""
    if pattern.source != "imported":
        return True
    return bool(pattern.approved_hash) and pattern.approved_hash == content_hash(pattern)


def refusal(pattern: Pattern) -> str:
    """The one line the engine prints instead of running an unapproved imported command."""
    what = pattern.fix.describe()
    return (f"not running imported pattern {pattern.id} ({what}) before you approve it: read it with "
            f"`heal patterns show {pattern.id}`, then `heal patterns approve {pattern.id}`")


class Candidate(_Value):
    """A pattern a lookup found for a failure, and how well it fits: score = similarity x confidence
    (similarity 1.0 and exact for the failure's own signature)."""

    __slots__ = ()
    _fields = ("id", "source", "fix", "similarity", "confidence", "successes", "failures", "exact", "pattern")
    id: int
    source: str
    fix: PatternFix
    similarity: float
    confidence: float
    successes: int
    failures: int
    exact: bool
    pattern: Pattern

    def __new__(cls, id: int, source: str, fix: PatternFix, similarity: float, confidence: float, successes: int,
                failures: int, exact: bool, pattern: Pattern) -> Candidate:
        return tuple.__new__(cls, (id, source, fix, similarity, confidence, successes, failures, exact, pattern))

    @property
    def score(self) -> float:
        return self.similarity * self.confidence

    @property
    def label(self) -> str:
        """The fix source the report shows (contract in DESIGN.md)."""
        return f"learned:{self.id}"


MAX_COMPARE = 1000  # characters fuzzy matching compares: enough for any error's key lines; bounds the cost


def comparable(fingerprint: str) -> str:
    """The text fuzzy matching compares: lower case, runs of whitespace as one space, at most MAX_COMPARE
    characters. Stored beside the evidence, so a lookup reads it without work per row."""
    # str.split() splits where re's \s matches (both ask Py_UNICODE_ISSPACE), so this is the text
    # re.sub(r"\s+", " ", ...).strip() gave the rows stored before, without compiling a regex on import
    return " ".join(fingerprint[: MAX_COMPARE * 2].split()).lower()[:MAX_COMPARE]


def _iso(t: float | None) -> str | None:
    if t is None:
        return None
    import datetime

    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).isoformat(timespec="seconds")
