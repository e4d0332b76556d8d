"""Stable signatures: the same failure in another checkout, on another day, in another temp dir gets
the same signature; different failures get different ones.

The evidence is normalised (paths, numbers that vary, addresses, ids, times masked; the names a fix
needs kept), then hashed together with the rule and the facts that name what failed.
"""

from __future__ import annotations

import os
from _collections_abc import Iterable, Mapping  # collections.abc's, without importing collections

from heal import rx
from heal.lazyre import lazy

try:
    # what hashlib.blake2b is, without importing hashlib, whose OpenSSL set-up costs ~3 ms of every failure
    from _blake2 import blake2b
except ImportError:  # an interpreter built without it
    from hashlib import blake2b

# Facts that identify *what* failed: two failures differing in these are different failures.
KEY_FACTS = ("module", "package", "command", "error_code", "exception", "header", "symbol", "env_var", "script",
             "host", "signal", "url")

_RULES: tuple[tuple[rx.Pattern[str], str], ...] = tuple(
    (lazy(p, f), r)
    for p, r, f in (
        (r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", "<UUID>", rx.I),
        (r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?\b", "<TIME>", 0),
        (r"\b\d{4}[-/]\d{2}[-/]\d{2}\b", "<DATE>", 0),
        (r"\b\d{1,2}:\d{2}:\d{2}(\.\d+)?\b", "<TIME>", 0),
        (r"\b0x[0-9a-f]+\b", "<HEX>", rx.I),
        (r"\b[0-9a-f]{32,64}\b", "<HASH>", rx.I),
        (r"\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,12}\b", "<SHA>", 0),  # git short shas
        (r"\b\d+(\.\d+)?\s*(ms|s|sec|secs|seconds|minutes|min|m)\b", "<DURATION>", 0),
        (r"\b\d+(\.\d+)?\s*(b|kb|mb|gb|kib|mib|gib|bytes)\b", "<SIZE>", rx.I),
        (r"\b\d{1,3}(\.\d{1,3}){3}\b", "<IP>", 0),
        (r"(?<![\w.])\d+(\.\d+)+(?![\w.])", "<VER>", 0),  # 1.2.3 versions, 3.11: keep the package, mask the release
        (r"(?<![A-Za-z0-9_])\d+(?![A-Za-z0-9_])", "<N>", 0),  # standalone numbers; E0425, TS2307, py3 stay
    )
)
_BLANKS = lazy(r"[ \t]+")
_PATH = lazy(r"(?:[A-Za-z]:)?(?:/[^\s/:'\"()\[\]<>,;]+)+/?")


def normalise(text: str, roots: Iterable[str] = ()) -> str:
    """Mask what varies between runs of the same failure, keep what names it."""
    for root in sorted({r.rstrip("/") for r in roots if r and len(r) > 1}, key=len, reverse=True):
        text = text.replace(root, "<ROOT>")
    home = os.path.expanduser("~")
    if len(home) > 1:
        text = text.replace(home, "~")
    text = _PATH.sub(_path, text)
    for pattern, repl in _RULES:
        text = pattern.sub(repl, text)
    return _BLANKS.sub(" ", text).strip()


def _path(m: rx.Match[str]) -> str:
    # Directories differ per machine and checkout; the file name is what identifies the failure.
    path = m.group(0)
    if path.startswith("<ROOT>") or "/" not in path.strip("/"):
        return path
    name = path.rstrip("/").rsplit("/", 1)[-1]
    return f"<PATH>/{name}"


def signature(rule: str, category: str, facts: Mapping[str, object], fingerprint: str) -> str:
    key = "\x00".join([rule, category, fingerprint] + [f"{k}={facts[k]}" for k in KEY_FACTS if k in facts])
    digest = blake2b(key.encode(), digest_size=8).hexdigest()
    return f"{category}/{rule or 'none'}/{digest}"
