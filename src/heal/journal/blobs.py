"""A content-addressed blob store: every backed-up version of a file, once, by sha256.

Layout under blobs/:

    <2 hex>/<sha256>        a loose blob: what a change set backs up, one file each, fsynced as it is written
    packs/<id>.pack         the blobs of one batch (a checkpoint of a whole project), one after the other
    packs/<id>.idx          {"blobs": [[sha256, offset, length], ...]}: written, atomically, only once its
                            pack is on disk, so a pack without an index is an interrupted batch (garbage)
    .sizes.json             `heal log`'s cached store size (see size())

A checkpoint of 10,000 files wrote 10,000 files and fsynced each: creating a file costs ~1 ms on a busy
virtual disk, so a first checkpoint took 25-30x `tar cf` of the same files. A pack is one file and one fsync.
Every blob is verified against its name when read, wherever it is; a loose copy is preferred, so a corrupt
packed blob is repaired by the next backup of the same bytes, as a corrupt loose one is.
"""

from __future__ import annotations

import contextlib
import os

from heal.fsutil import write_atomic

_SIZES = ".sizes.json"
_RACY_NS = 3 * 10**9
_PACKS = "packs"
_FLUSH = 1 << 20


class BlobError(Exception):
    """A blob is missing or does not hash to its name."""


def sha256(data: bytes) -> str:
    from heal.digest import sha256_hex  # only to store or check a backup: `heal log` lists without it

    return sha256_hex(data)


class BlobStore:
    def __init__(self, directory: str) -> None:
        self.directory = directory
        self._subdirs: set[str] = set()  # the subdirectories this process knows exist (no makedirs per put)
        self._packed: dict[str, tuple[str, int, int]] | None = None  # digest -> (pack, offset, length)

    def path(self, digest: str) -> str:
        """Where the loose copy of a blob is (or would be)."""
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
        """Many puts made durable at once, in one pack (a checkpoint of a whole project): see Batch."""
        return Batch(self)

    def get(self, digest: str, *, loose: bool = True) -> bytes:
        """The blob's bytes, verified: never hands back bytes that are not what was stored. loose=False: the
        caller knows there is no loose copy (a Batch, in a store without the blob's subdirectory)."""
        found = False
        try:
            if loose:
                with open(self.path(digest), "rb") as fh:
                    data = fh.read()
                found = True
                if sha256(data) == digest:
                    return data
        except OSError:
            pass
        where = self.packed().get(digest)
        if where is not None:
            pack, offset, length = where
            try:
                fd = os.open(pack, os.O_RDONLY | os.O_CLOEXEC)
                try:
                    data = os.pread(fd, length, offset)
                finally:
                    os.close(fd)
                found = True
                if len(data) == length and sha256(data) == digest:
                    return data
            except OSError:
                pass
        if found:
            raise BlobError(f"blob {digest[:12]} is corrupt (its content no longer matches its hash)")
        raise BlobError(f"blob {digest[:12]} is missing")

    def locate(self, digest: str) -> tuple[str, int, int] | None:
        """(file, offset, length) of a blob's stored copy (its loose file first): for tests and tools that
        inspect the store. None when there is none."""
        try:
            return self.path(digest), 0, os.path.getsize(self.path(digest))
        except OSError:
            return self.packed().get(digest)

    def check(self, digest: str) -> str | None:
        """None when the blob is intact, else what is wrong with it."""
        try:
            self.get(digest)
        except BlobError as exc:
            return str(exc)
        return None

    def packed(self) -> dict[str, tuple[str, int, int]]:
        """digest -> (pack file, offset, length) of every packed blob, read once per process (and extended by
        this process's own batches)."""
        if self._packed is None:
            self._packed = {}
            for pack, entries in self._indexes():
                for digest, offset, length in entries:
                    self._packed.setdefault(digest, (pack, offset, length))
        return self._packed

    def _indexes(self) -> list[tuple[str, list[tuple[str, int, int]]]]:
        """(pack file, its entries) of every pack with a readable index; a damaged index hides its pack (its
        blobs are then missing, which whoever needs one says)."""
        import json

        d = os.path.join(self.directory, _PACKS)
        out = []
        for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if not name.endswith(".idx") or name.startswith("."):
                continue
            try:
                with open(os.path.join(d, name), "rb") as fh:
                    rows = json.loads(fh.read())["blobs"]
                entries = [(str(r[0]), int(r[1]), int(r[2])) for r in rows if len(r[0]) == 64]
            except (OSError, ValueError, KeyError, TypeError, IndexError, RecursionError):
                continue
            out.append((os.path.join(d, name[:-4] + ".pack"), entries))
        return out

    def all(self) -> list[str]:
        """The digests stored, loose and packed."""
        out = []
        if os.path.isdir(self.directory):
            for sub in os.listdir(self.directory):
                d = os.path.join(self.directory, sub)
                if sub != _PACKS and os.path.isdir(d):
                    out.extend(name for name in os.listdir(d) if len(name) == 64)
        out.extend(self.packed().keys() - set(out))
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
                if entry.name == _PACKS:  # a few large files: their sizes, always
                    total += sum(e.stat().st_size for e in os.scandir(entry.path) if e.is_file())
                    continue
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

    def remove_unreferenced(self, used: set[str]) -> int:
        """Remove every blob not in used: loose ones one by one, a pack once none of its blobs is used (a pack
        is kept whole while any is: it is one file). The caller holds the store's garbage collection lock
        exclusively, so no batch is under way: a pack without an index, or a batch's leftover, goes too. How
        many blobs were removed."""
        removed = 0
        for digest in self.all():
            if digest not in used and os.path.exists(self.path(digest)):
                self.remove(digest)
                removed += 1
        for pack, entries in self._indexes():
            if any(digest in used for digest, _, _ in entries):
                continue
            for path in (pack[:-5] + ".idx", pack):  # the index first: a pack without one is garbage already
                with contextlib.suppress(OSError):
                    os.unlink(path)
            removed += len({digest for digest, _, _ in entries if not os.path.exists(self.path(digest))})
        d = os.path.join(self.directory, _PACKS)
        names = set(os.listdir(d)) if os.path.isdir(d) else set()
        for name in names:
            # an interrupted batch: a pack no index was written for (one whose index is damaged is kept, for
            # whoever repairs it), or a temporary file of an index being written
            if name.endswith(".pack") and name[:-5] + ".idx" not in names or name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(d, name))
        self._packed = None
        return removed

    def remove(self, digest: str) -> None:
        """Remove a loose blob (a packed one goes with its pack: remove_unreferenced)."""
        try:
            os.chmod(self.path(digest), 0o644)
            os.unlink(self.path(digest))
        except OSError:
            pass


class Batch:
    """Puts whose durability is paid once: the new blobs are appended to one pack file, and commit() fsyncs it,
    then writes its index (atomically, fsynced). A packed blob is visible only through that index, so it is
    never found before its bytes are on disk: another heal that finds it can rely on it, as on a loose blob
    put() fsyncs alone. The caller writes the record naming the blobs only after commit(). A blob the store
    already holds intact is not written again; an interrupted batch leaves a pack no index names, which
    nothing reads (and `heal log prune` removes)."""

    def __init__(self, store: BlobStore) -> None:
        self.store = store
        self.entries: dict[str, tuple[int, int]] = {}  # digest -> (offset, length) in this batch's pack
        self.pack = ""
        self._fd = -1
        self._offset = 0
        self._buffer = bytearray()  # written in large pieces: one write per ~1 MB, not per blob
        try:  # the loose subdirectories there are: a blob whose prefix has none is not stored loose
            self._loose = {n for n in os.listdir(store.directory) if len(n) == 2}
        except OSError:
            self._loose = set()

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if self._fd >= 0:  # not committed: nothing of it may remain
            os.close(self._fd)
            self._fd = -1
            with contextlib.suppress(OSError):
                os.unlink(self.pack)

    def put(self, data: bytes) -> str:
        digest = sha256(data)
        if digest in self.entries:
            return digest
        try:
            self.store.get(digest, loose=digest[:2] in self._loose)
            return digest  # stored already, intact
        except BlobError:
            pass
        if self._fd < 0:
            d = os.path.join(self.store.directory, _PACKS)
            os.makedirs(d, exist_ok=True)
            import time

            name = f"{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}-{os.getpid()}-{os.urandom(4).hex()}"
            self.pack = os.path.join(d, name + ".pack")
            self._fd = os.open(self.pack, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o444)
        self._buffer += data
        if len(self._buffer) >= _FLUSH:
            self._flush()
        self.entries[digest] = (self._offset, len(data))
        self._offset += len(data)
        return digest

    def _flush(self) -> None:
        view = memoryview(self._buffer)
        while view:
            view = view[os.write(self._fd, view):]
        del view
        self._buffer.clear()

    def commit(self) -> None:
        """Every blob put so far is durable and found by get()."""
        if self._fd < 0:
            return
        import json

        self._flush()
        os.fsync(self._fd)
        os.close(self._fd)
        self._fd = -1
        rows = [[digest, offset, length] for digest, (offset, length) in self.entries.items()]
        write_atomic(self.pack[:-5] + ".idx", json.dumps({"blobs": rows}, separators=(",", ":")).encode(), mode=0o444)
        packed = self.store.packed()
        for digest, (offset, length) in self.entries.items():
            packed.setdefault(digest, (self.pack, offset, length))
