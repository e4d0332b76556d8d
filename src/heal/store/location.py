"""Where the pattern store lives, and the hash its file names use: what a heal run needs to know about the
store before it knows it needs one (no sqlite3 here, so a failure with no store yet never loads it)."""

from __future__ import annotations

import os

try:
    # what hashlib.blake2b is, without importing hashlib, whose OpenSSL set-up costs ~2 ms of every failure
    # that records its outcome (heal.diagnose.signature does the same)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - another Python
    from hashlib import blake2b

FILENAME = "patterns.sqlite3"
DEFAULT_CUTOFF = 0.88  # learn.cutoff's default: README "What heal learns" has the pairs that chose it

__all__ = ["DEFAULT_CUTOFF", "FILENAME", "blake2b", "store_path"]


def store_path() -> str:
    from heal.paths import state_dir

    return os.path.join(state_dir(), FILENAME)
