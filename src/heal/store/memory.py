"""The pattern store as one heal run uses it: opened on first use (only ever on the failure path), and when
it cannot be used (a corrupt file, a newer schema, a lock held past the busy timeout, a read-only state
directory) that is said in one line, once, and every later call answers as if nothing had been learned. A
heal run never fails, and never changes its exit status, because of the store.

    memory = Memory(ui.note, cutoff=cfg.float("learn.cutoff"))
    memory.lookup(diagnosis)            # the store's candidates for this failure, best first
    memory.rank(signature, steps)       # the playbooks' steps, reordered by what happened here
    memory.choice(kind, key)            # the user's earlier answer to a question heal does not guess
    memory.learn(attempts, ...)         # the run's outcome, after the loop
    memory.close()

Also here: the last failure heal could not heal in a project (`heal learn` re-runs it), in a small JSON
file per project under the state directory, readable by its owner only.
"""

from __future__ import annotations

import os
from _collections_abc import Callable, Sequence  # collections.abc's, without importing collections
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (2 ms of every failure)

from heal.store.location import DEFAULT_CUTOFF, blake2b, store_path

if TYPE_CHECKING:
    from typing import Any

    from heal.store.db import Store
    from heal.store.model import Candidate, PatternFix


class Memory:
    def __init__(self, warn: Callable[[str], None], *, cutoff: float = DEFAULT_CUTOFF, path: str | None = None) -> None:
        self._warn = warn
        self._cutoff = cutoff
        self._path = path
        self._store: Store | None = None
        self.broken = False  # said once; nothing more is asked of the store in this run

    def _open(self, create: bool) -> Store | None:
        """The store, opened on first use; None when it is broken, or when there is none yet and the caller
        only reads (a heal run that has learned nothing yet never loads sqlite3 to find that out)."""
        if self._store is None and not self.broken:
            if not create and not os.path.exists(self._path or store_path()):
                return None
            from heal.store.db import Store

            self._store = Store(self._path, cutoff=self._cutoff)
        return self._store

    def _failed(self, exc: Exception) -> None:
        if not self.broken:
            self.broken = True
            self._warn(f"{exc}; going on without learning")
        self.close()

    def _call(self, what: Callable[[Store], Any], default: Any, *, create: bool = False) -> Any:
        try:
            store = self._open(create)
            return default if store is None else what(store)
        except Exception as exc:
            # heal.store.db only now: with no store yet, a lookup answers without loading sqlite3
            from heal.store.db import StoreUnavailable

            if not isinstance(exc, StoreUnavailable):
                raise
            self._failed(exc)
            return default

    def lookup(self, diagnosis: Any) -> list[Candidate]:
        """The store's patterns for this failure (heal.store.Store.lookup), best first."""
        from heal.store.model import Failure

        return self._call(lambda s: s.lookup(Failure.of(diagnosis)), [])

    def rank(self, signature: str, steps: Sequence[PatternFix]) -> list[PatternFix]:
        """The playbook steps in the order to try them here (heal.store.Store.rank_fixes)."""
        return self._call(lambda s: s.rank_fixes(signature, steps), list(steps))

    def choice(self, kind: str, key: str) -> str | None:
        return self._call(lambda s: s.choice(kind, key), None)

    def remember_choice(self, kind: str, key: str, value: str) -> None:
        self._call(lambda s: s.remember_choice(kind, key, value), None, create=True)

    def learn(self, attempts: Sequence[Any], **kwargs: Any) -> int | None:
        """heal.store.learn: every applied fix's outcome for its failure, and the run's outcome row."""
        from heal.store.learn import learn

        return self._call(lambda s: learn(s, attempts, **kwargs), None, create=True)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


# --- the last failure of a project, for `heal learn` ------------------------------------------------------

FAILURES = "failures"  # the directory under the state directory


def failure_path(root: str) -> str:
    from heal.paths import state_dir

    name = blake2b(os.path.realpath(root).encode(errors="surrogateescape"), digest_size=12).hexdigest()
    return os.path.join(state_dir(), FAILURES, name + ".json")


def save_failure(root: str, cwd: str, argv: Sequence[str], diagnosis: Any, *, when: float) -> bool:
    """Remember the failure heal could not heal in the project at root. The command is kept so that `heal
    learn` can run it again, unless it holds a secret: then only its redacted form is kept (to show, and to
    recognise it when `heal learn --for` gives it back), never the secret. Evidence and summary are redacted.
    `when` is the file's modification time, not a field: the same failure again (the usual case: a command
    run until it passes) leaves the file as it is and only moves its time on. Returns whether the command
    can be re-run from the record alone. Raises OSError."""
    from heal.cjson import dumps
    from heal.redact import redact, redact_argv
    from heal.store.model import Failure

    shown = list(redact_argv(list(argv)))
    f = Failure.of(diagnosis)
    record = {"root": os.path.realpath(root), "cwd": cwd, "argv": list(argv) if shown == list(argv) else None,
              "shown": shown, "signature": f.signature, "fingerprint": redact(f.fingerprint),
              "category": f.category, "tool": f.tool, "ecosystem": f.ecosystem, "key": f.key,
              "summary": redact(f.summary)}
    data = (dumps(record) + "\n").encode()
    path = failure_path(root)
    if not _touch_if_same(path, data, when):
        _write_record(path, data, when)
    return record["argv"] is not None


def _touch_if_same(path: str, data: bytes, when: float) -> bool:
    """Whether the record at path already says data (then its time is set to when). Rewriting it would cost
    a failing run ~0.5 ms, and up to milliseconds on a busy disk: ext4 writes a file replaced by rename out
    at once."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        if os.read(fd, len(data) + 1) != data:
            return False
        os.utime(fd if os.utime in os.supports_fd else path, (when, when))
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def _write_record(path: str, data: bytes, when: float) -> None:
    # created 0600 and renamed into place, without fsync: a crash may lose the record (heal learn then says
    # there is none), never leave half of one; an fsync would cost every failing run milliseconds
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
    try:
        try:
            os.write(fd, data)
            os.utime(fd if os.utime in os.supports_fd else tmp, (when, when))
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def load_failure(root: str) -> dict | None:
    """The project's last unhealed failure (save_failure's record, its "time" the file's), or None when there
    is none or it cannot be read (a damaged record is as good as none: run the command through heal again)."""
    from heal.cjson import loads

    try:
        with open(failure_path(root), "rb") as fh:
            record = loads(fh.read(1 << 20))
            when = os.fstat(fh.fileno()).st_mtime
    except (OSError, ValueError):
        return None
    texts = ("root", "cwd", "signature", "fingerprint", "category", "tool", "ecosystem", "key", "summary")
    if not isinstance(record, dict) or not all(isinstance(record.get(k), str) for k in texts):
        return None
    for k in ("argv", "shown"):
        v = record.get(k)
        if v is not None and not (isinstance(v, list) and v and all(isinstance(a, str) for a in v)):
            return None
    if record.get("shown") is None:
        return None
    record["time"] = when  # a record from an earlier heal has a "time" of its own: its file's is the same
    return record


def forget_failure(root: str) -> None:
    try:
        os.unlink(failure_path(root))
    except OSError:
        pass
