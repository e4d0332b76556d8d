"""A content-addressed blob store: every backed-up version of a file, once, by sha256."""

from __future__ import annotations

import contextlib
import os

from heal.fsutil import write_atomic


_SIZES = ".sizes.json"
_RACY_NS = 3 * 10**9


class BlobError(Exception):
    """A blob is missing or does not hash to its name."""


def sha256(data: bytes) -> str:
    import hashlib  # only to store or check a backup: `heal log` lists without it

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
        """Bytes of backups. Each of the (up to 256) subdirectories' totals is cached in .sizes.json with the
        directory's mtime, which every blob added or removed changes: `heal log` stats 256 directories, not
        every blob. A total taken within a few seconds of its directory's last change is not cached (another
        process may add a blob within the same timestamp tick), as git treats a racily clean index entry."""
        import json
        import time

        cache_path = os.path.join(self.directory, _SIZES)
        try:
            with open(cache_path, "rb") as fh:
                cached = json.loads(fh.read())
            if not isinstance(cached, dict):
                cached = {}
        except (OSError, ValueError, RecursionError):
            cached = {}
        try:
            subdirs = [e for e in os.scandir(self.directory) if e.is_dir()]
        except OSError:
            return 0
        settled = time.time_ns() - _RACY_NS
        total = 0
        keep: dict[str, list[int]] = {}
        for entry in subdirs:
            try:
                mtime = entry.stat().st_mtime_ns
                hit = cached.get(entry.name)
                if isinstance(hit, list) and len(hit) == 2 and hit[0] == mtime and type(hit[1]) is int:
                    size = hit[1]
                else:
                    size = sum(e.stat().st_size for e in os.scandir(entry.path) if len(e.name) == 64 and e.is_file())
            except OSError:
                continue
            total += size
            if mtime < settled:
                keep[entry.name] = [mtime, size]
        if keep != cached:
            tmp = f"{cache_path}.{os.getpid()}.tmp"
            try:  # a cache: replaced atomically, not fsynced (a torn one is read as empty)
                with open(tmp, "w") as fh:
                    fh.write(json.dumps(keep))
                os.replace(tmp, cache_path)
            except OSError:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
        return total

    def remove(self, digest: str) -> None:
        try:
            os.chmod(self.path(digest), 0o644)
            os.unlink(self.path(digest))
        except OSError:
            pass
