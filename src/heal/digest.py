"""sha256 hex digests without paying for OpenSSL on small inputs.

hashlib imports _hashlib, which loads and sets up OpenSSL: about 2.5 ms, more than a rollback's own work on
a lock name or a requirements file. The interpreter's built-in sha256 (`_sha256`, `_sha2` from 3.12) loads in
a quarter of that but hashes five times slower, so it takes inputs up to _SMALL bytes while hashlib is not
loaded yet; the digests are the same.
"""

from __future__ import annotations

import sys

_SMALL = 64 * 1024


def sha256_hex(data: bytes) -> str:
    if len(data) <= _SMALL and "hashlib" not in sys.modules:
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
