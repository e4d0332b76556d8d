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
        self._subdirs: set[str] = set()  # the subdirectories this process knows exist (no makedirs per put)

    def path(self, digest: str) -> str:
        return os.path.join(self.directory, digest[:2], digest)

    def put(self, data: bytes) -> str:
        """Store data; its digest. An existing blob is reused only once verified: a corrupt or truncated one
        is rewritten, else every later backup of the same bytes would be lost with it."""
        digest = sha256(data)
        path = self.path(digest)
        if self.check(digest) is not None:
            self._subdir(digest)
            write_atomic(path, data, mode=0o444)
        return digest

    def _subdir(self, digest: str) -> str:
        d = os.path.join(self.directory, digest[:2])
        if digest[:2] not in self._subdirs:
            os.makedirs(d, exist_ok=True)
            self._subdirs.add(digest[:2])
        return d

    def batch(self) -> Batch:
        """Many puts made durable at once (a checkpoint of a whole project): see Batch."""
        return Batch(self)

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
        """The digests stored (a batch's files not yet committed are not blobs yet)."""
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

    def remove_leftovers(self) -> int:
        """Remove what interrupted batches left (their temporary files); the caller holds the store's garbage
        collection lock exclusively, so no batch is under way. How many were removed."""
        removed = 0
        for sub in os.listdir(self.directory) if os.path.isdir(self.directory) else []:
            d = os.path.join(self.directory, sub)
            if not os.path.isdir(d):
                continue
            for name in os.listdir(d):
                if name.startswith(".") and name.endswith(".tmp"):
                    with contextlib.suppress(OSError):
                        os.unlink(os.path.join(d, name))
                        removed += 1
        return removed

    def remove(self, digest: str) -> None:
        try:
            os.chmod(self.path(digest), 0o644)
            os.unlink(self.path(digest))
        except OSError:
            pass


class Batch:
    """Puts whose durability is paid once: each new blob is written to a temporary file beside its final name
    without an fsync; commit() flushes the whole filesystem once (syncfs), then renames them into place and
    flushes again (only those renames are left to write). A blob is therefore never visible under its name
    before its bytes are on disk, so another heal that finds it can rely on it, as it can on a blob put()
    fsyncs alone; the caller writes the record naming the blobs only after commit(). One fsync per file was
    half the time of a first checkpoint. What an interrupted batch leaves are temporary files, which nothing
    reads (and `heal log prune` removes)."""

    def __init__(self, store: BlobStore) -> None:
        self.store = store
        self.pending: dict[str, str] = {}  # digest -> its temporary file
        self._mode = 0o444 & ~_umask()

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        for tmp in self.pending.values():  # not committed: nothing of it may remain
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        self.pending.clear()

    def put(self, data: bytes) -> str:
        digest = sha256(data)
        if digest in self.pending or self.store.check(digest) is None:
            return digest
        d = self.store._subdir(digest)
        tmp = os.path.join(d, f".{digest}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o444)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if self._mode != 0o444:
                os.fchmod(fd, 0o444)  # a umask took bits away: blobs are 0444 whatever it is
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        os.close(fd)
        self.pending[digest] = tmp
        return digest

    def commit(self) -> None:
        """Every blob put so far is durable and in place."""
        if not self.pending:
            return
        _syncfs(self.store.directory)
        for digest, tmp in self.pending.items():
            os.replace(tmp, self.store.path(digest))
        self.pending.clear()
        _syncfs(self.store.directory)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _syncfs(path: str) -> None:
    """Flush the filesystem holding path (Linux syncfs(2)); elsewhere, or when that fails, sync(2) everything."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)  # the interpreter's own symbols, libc's among them
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            if libc.syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    except (OSError, AttributeError):
        pass
    os.sync()
