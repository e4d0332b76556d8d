"""The PEP 508 marker environment a project's requirements are evaluated in, worked out only when a marker is.

Apart from the requirement readers (heal.declared.reqs): every reading of a project's declarations makes one,
and most projects have no requirements file to read.
"""

from __future__ import annotations

from _collections_abc import Mapping

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    # what a marker environment may be given as: the mapping, or what works it out when it is first needed
    Given = Mapping[str, str] | Callable[[], Mapping[str, str] | None] | None


def marker_environment(env: Mapping[str, str] | None) -> dict[str, str]:
    """The marker environment to evaluate against: the given one over the running interpreter's."""
    from packaging.markers import default_environment

    merged: dict[str, str] = dict(default_environment())
    merged.update(env or {})
    merged.setdefault("extra", "")
    return merged


class MarkerEnvironment(Mapping):
    """marker_environment(given), worked out when a marker is first evaluated: that costs packaging.markers,
    and for another interpreter a process (heal.declared.marker_environment_of), which a project without
    markers never needs. `given` is the mapping, a callable that gives it (or None), or None."""

    __slots__ = ("_given", "_merged")

    def __init__(self, given: Given = None) -> None:
        self._given = given
        self._merged: dict[str, str] | None = None

    def _environment(self) -> dict[str, str]:
        if self._merged is None:
            given = self._given() if callable(self._given) else self._given
            self._merged = marker_environment(given)
        return self._merged

    def __getitem__(self, key: str) -> str:
        return self._environment()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._environment())

    def __len__(self) -> int:
        return len(self._environment())

    def __bool__(self) -> bool:
        return True  # never empty ("extra" at least): `env or default` must not work it out
