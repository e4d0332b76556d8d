"""Regular expressions compiled on first use.

Diagnosis holds a few hundred patterns, and a failure needs only the few whose rules' needles occur in
its output: compiling them all when the modules load cost more than the diagnosis itself (~30 ms of a
~150 ms `heal diagnose`). `lazy(pattern, flags)` stands in for `re.compile(pattern, flags)` at module
level and compiles on the first method call.
"""

from __future__ import annotations

import re

# what callers use of a compiled pattern; after the first use these are the compiled pattern's own bound
# methods, stored on the instance, so later calls cost exactly what calls on a re.Pattern cost
_ATTRS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "scanner", "flags",
          "groups", "groupindex")


class LazyPattern:
    """A re.Pattern that compiles when first used. Not a subclass (re.Pattern cannot be subclassed):
    code that needs the real object (isinstance, re.sub(pattern, ...)) takes `.compiled`."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.__dict__["_source"] = (pattern, flags)
        self.__dict__["pattern"] = pattern  # rules reuse a helper's source text at import: no compile for that

    @property
    def compiled(self) -> re.Pattern[str]:
        return self._compile()

    def _compile(self) -> re.Pattern[str]:
        compiled: re.Pattern[str] = re.compile(*self._source)
        for name in _ATTRS:
            self.__dict__[name] = getattr(compiled, name)
        self.__dict__["_compile"] = lambda: compiled
        return compiled

    def __getattr__(self, name: str) -> object:
        # only reached while a name is missing from the instance: before the first use
        if name not in _ATTRS:
            raise AttributeError(name)
        return getattr(self._compile(), name)

    def __repr__(self) -> str:
        return f"lazy({self._source[0]!r}, {self._source[1]!r})"


def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """re.compile(pattern, flags), deferred to the first use. Typed as the pattern it stands for: every
    method a caller uses of a re.Pattern works on it."""
    return LazyPattern(pattern, flags)  # type: ignore[return-value]
