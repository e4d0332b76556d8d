"""Frozen value classes without dataclasses.

Planning a fix runs on every failure, where importing dataclasses (with the inspect, ast and tokenize it
pulls in) and generating each class cost more than the planning itself. A Record is a slotted class whose
`__slots__` (after its base classes') name its fields in constructor order; it behaves as the frozen dataclass it replaces:
positional or keyword construction (a hand-written `__init__` that calls `_fill`), field equality and
hashing (a TypeError for a dict field, as before), a repr, no assignment after construction, pickling and
copying, and `replace(obj, **changes)` in place of dataclasses.replace.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any, TypeVar

    _R = TypeVar("_R", bound="Record")

_set = object.__setattr__


class Record:
    __slots__: tuple[str, ...] = ()
    _hidden: tuple[str, ...] = ()  # fields the repr leaves out (a dataclass's field(repr=False))
    _fields: tuple[str, ...] = ()  # every field, a base class's first: a subclass adds its own __slots__

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls._fields = tuple(name for klass in reversed(cls.__mro__) for name in klass.__dict__.get("__slots__", ())
                            if klass is not Record and klass is not object)

    def _fill(self, *values: object) -> None:
        """Set every field, in _fields order: what a constructor calls once it has its values."""
        for name, value in zip(self._fields, values):
            _set(self, name, value)

    def _values(self) -> tuple[object, ...]:
        return tuple([getattr(self, name) for name in self._fields])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields if name not in self._hidden)
        return f"{type(self).__name__}({shown})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}: {type(self).__name__} is frozen")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}: {type(self).__name__} is frozen")

    def __reduce__(self) -> tuple[object, ...]:
        return type(self), self._values()


def replace(obj: _R, **changes: Any) -> _R:
    """A copy of obj with some fields changed, made through its constructor (which checks and normalises
    them again), as dataclasses.replace does."""
    cls = type(obj)
    unknown = set(changes) - set(cls._fields)
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {', '.join(sorted(unknown))}")
    return cls(**{name: changes[name] if name in changes else getattr(obj, name) for name in cls._fields})
