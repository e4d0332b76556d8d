"""re's functions and flags for patterns written in heal's source, without importing re.

`import re` costs ~3 ms (its RegexFlag enum brings in enum, and re's compiler modules), a tenth of a
failing `heal hook claude-code` or `heal diagnose`, while heal's patterns come compiled from its cache
(heal.recache, built with _sre.compile) and need none of it. Modules on a failure's path therefore take
flags and one-off functions from here: `rx.search(r"...", text, rx.M)` is `re.search(r"...", text, re.M)`,
compiled once per process (and read from the cache in the next one). re is imported only when something
needs it: a pattern missing from the cache, a replacement template with backslashes, escape-free code that
calls re directly.

Only patterns written in heal's source or shipped data belong here (they are kept on disk); a pattern made
from input goes to re.compile.
"""

from __future__ import annotations

from heal.recache import compile  # noqa: A001, F401 - re.compile's name, once per process

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from re import Match  # noqa: F401 - for annotations: rx.Match[str]

# re's flag values (re.I == 2, ...): part of its documented, stable interface, and accepted by re as ints
I = IGNORECASE = 2
L = LOCALE = 4
M = MULTILINE = 8
S = DOTALL = 16
U = UNICODE = 32
X = VERBOSE = 64
A = ASCII = 256

def search(pattern: str, string: str, flags: int = 0) -> Match[str] | None:
    return compile(pattern, flags).search(string)


def match(pattern: str, string: str, flags: int = 0) -> Match[str] | None:
    return compile(pattern, flags).match(string)


def fullmatch(pattern: str, string: str, flags: int = 0) -> Match[str] | None:
    return compile(pattern, flags).fullmatch(string)


def findall(pattern: str, string: str, flags: int = 0) -> list:
    return compile(pattern, flags).findall(string)


def finditer(pattern: str, string: str, flags: int = 0) -> Iterator[Match[str]]:
    return compile(pattern, flags).finditer(string)


def sub(pattern: str, repl: str | Callable[[Match[str]], str], string: str, count: int = 0, flags: int = 0) -> str:
    return compile(pattern, flags).sub(repl, string, count)


def split(pattern: str, string: str, maxsplit: int = 0, flags: int = 0) -> list:
    return compile(pattern, flags).split(string, maxsplit)


# re.escape's table (Python 3.7 on): the characters special in a pattern, backslashed
_SPECIAL = {i: "\\" + chr(i) for i in b"()[]{}?*+-|^$\\.&~# \t\n\r\v\f"}


def escape(text: str) -> str:
    """re.escape(text)."""
    return text.translate(_SPECIAL)
