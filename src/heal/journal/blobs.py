"""A content-addressed blob store: every backed-up version of a file, once, by sha256."""

from __future__ import annotations

import hashlib
import os

from heal.fsutil import write_atomic


class BlobError(Exception):
    """A blob is missing or does not hash to its name."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore:
    def __init__(self, directory: str) -> None:
        self.directory = directory

    def path(self, digest: str) -> str:
        return os.path.join(self.directory, digest[:2], digest)

    def put(self, data: bytes) -> str:
        """Store data; its digest. An existing blob is reused only once verified: a corrupt or truncated one
        is rewritten, else every later backup of the same bytes would be lost with it."""
        digest = sha256(data)
        path = self.path(digest)
        if self.check(digest) is not None:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            write_atomic(path, data, mode=0o444)
        return digest

    def get(self, digest: str) -> bytes:
        """The blob's bytes, verified: never hands back bytes that are not what was stored."""
        try:
            with open(self.path(digest), "rb") as fh:
                data = fh.read()
        except OSError:
            raise BlobError(f"blob {digest[:12]} is missing") from None
        if sha256(data) != digest:
            raise BlobError(f"blob {digest[:12]} is corrupt (its content no longer matches its hash)")
        return data

    def check(self, digest: str) -> str | None:
        """None when the blob is intact, else what is wrong with it."""
        try:
            self.get(digest)
        except BlobError as exc:
            return str(exc)
        return None

    def all(self) -> list[str]:
        out = []
        if os.path.isdir(self.directory):
            for sub in os.listdir(self.directory):
                d = os.path.join(self.directory, sub)
                if os.path.isdir(d):
                    out.extend(name for name in os.listdir(d) if len(name) == 64)
        return out

    def size(self) -> int:
        return sum(os.path.getsize(self.path(d)) for d in self.all() if os.path.exists(self.path(d)))

    def remove(self, digest: str) -> None:
        try:
            os.chmod(self.path(digest), 0o644)
            os.unlink(self.path(digest))
        except OSError:
            pass
