"""heal.digest: sha256 as hashlib gives it, the built-in module for a process's first small inputs only."""

from __future__ import annotations

import hashlib
import subprocess
import sys

from heal.digest import _BUDGET, sha256_hex


def test_the_digests_are_hashlibs():
    for data in (b"", b"x", b"\x00" * 70000, bytes(range(256)) * 5000):
        assert sha256_hex(data) == hashlib.sha256(data).hexdigest()


def test_openssl_takes_over_once_the_budget_is_spent():
    # a checkpoint of 10,000 small files hashed them all with the built-in module, 2.5x slower in all
    code = ("import sys\nfrom heal.digest import sha256_hex\n"
            "sha256_hex(b'lock name'); print('hashlib' in sys.modules)\n"
            f"for _ in range({_BUDGET // 20000 + 2}):\n    sha256_hex(b'x' * 20000)\n"
            "print('hashlib' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True"]
