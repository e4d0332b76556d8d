"""The values repairs hand back. Kept valid on Python 3.8 (see heal.repair)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

OK, REPAIRED, UNREPAIRABLE = "ok", "repaired", "unrepairable"


@dataclass(frozen=True)
class SyntaxErrorInfo:
    """A syntax error as the interpreter reported it: 1-based line, 1-based character column."""

    msg: str
    lineno: int | None = None
    offset: int | None = None
    end_lineno: int | None = None
    end_offset: int | None = None
    type: str = "SyntaxError"

    @classmethod
    def from_exception(cls, exc: BaseException) -> SyntaxErrorInfo:
        if isinstance(exc, SyntaxError):
            return cls(str(exc.msg), exc.lineno, exc.offset, getattr(exc, "end_lineno", None),
                       getattr(exc, "end_offset", None), type(exc).__name__)
        return cls(str(exc), None, None, None, None, type(exc).__name__)

    @classmethod
    def from_json(cls, obj: dict | None) -> SyntaxErrorInfo | None:
        if not obj:
            return None
        fields = {k: obj.get(k) for k in ("msg", "lineno", "offset", "end_lineno", "end_offset")}
        return cls(**fields, type=obj.get("type") or "SyntaxError")

    def to_json(self) -> dict:
        return asdict(self)

    def describe(self) -> str:
        where = f"line {self.lineno}" + (f", column {self.offset}" if self.offset else "") if self.lineno else ""
        return f"{self.type}: {self.msg}" + (f" ({where})" if where else "")


@dataclass(frozen=True)
class Edit:
    """One change, where it was made (1-based line and column in the text it was made to)."""

    line: int
    col: int
    before: str
    after: str
    note: str = ""

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, obj: dict) -> Edit:
        return cls(int(obj["line"]), int(obj["col"]), str(obj["before"]), str(obj["after"]), str(obj.get("note", "")))

    def describe(self) -> str:
        if self.note:
            return f"line {self.line}: {self.note}"
        if not self.before:
            return f"line {self.line}: insert {self.after!r}"
        if not self.after:
            return f"line {self.line}: delete {self.before!r}"
        return f"line {self.line}: {self.before!r} -> {self.after!r}"


@dataclass(frozen=True)
class Repair:
    """What a repair found. `new` is the repaired file's bytes, None when nothing changes; `error` is the error
    before; `candidates` are the equally good repairs when heal would not choose (status unrepairable)."""

    status: str  # ok | repaired | unrepairable
    new: bytes | None = None
    error: SyntaxErrorInfo | None = None
    edits: tuple = ()
    candidates: tuple = ()
    reason: str = ""
    notes: tuple = ()  # advice that is not an edit (a distutils import...)

    def to_json(self) -> dict:
        return {"status": self.status, "error": self.error.to_json() if self.error else None,
                "edits": [e.to_json() for e in self.edits],
                "candidates": [[e.to_json() for e in c] for c in self.candidates],
                "reason": self.reason, "notes": list(self.notes)}
