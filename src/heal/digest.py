"""sha256 hex digests without paying for OpenSSL on a few small inputs.

hashlib imports _hashlib, which loads and sets up OpenSSL: about 2.5 ms, more than a rollback's own work on
a lock name or a requirements file. The interpreter's built-in sha256 (`_sha256`, `_sha2` from 3.12) loads in
a quarter of that but hashes five times slower (3.3 against 0.6 ms/MB here), so it takes the first _BUDGET
bytes a process hashes (at most ~0.7 ms more than OpenSSL would spend) and hashlib everything after: a
checkpoint of 10,000 small files is OpenSSL's work again. The digests are the same.
"""

from __future__ import annotations

import sys

_BUDGET = 256 * 1024
_spent = 0


def sha256_hex(data: bytes) -> str:
    global _spent
    if _spent + len(data) <= _BUDGET and "hashlib" not in sys.modules:
        _spent += len(data)
        try:
            from _sha2 import sha256  # type: ignore[import-not-found]  # Python 3.12+
        except ImportError:
            try:
                from _sha256 import sha256  # type: ignore[import-not-found,no-redef]
            except ImportError:  # pragma: no cover - a build without it
                from hashlib import sha256  # type: ignore[assignment]
        return sha256(data).hexdigest()
    import hashlib

    return hashlib.sha256(data).hexdigest()
