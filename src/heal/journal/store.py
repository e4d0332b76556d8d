"""The change log: one change set per heal run, each an append-only list of write-ahead records.

Layout under the state directory (HEAL_HOME):

    journal/<id>/meta.json      who, when, where, what command, which diagnosis
    journal/<id>/actions.jsonl  {"seq": n, "op": "intent", "change": {...}}   written and fsynced first
                                {"seq": n, "op": "done", "after": {...}}      after the change is made
                                {"seq": n, "op": "failed", "error": "..."}    the change raised
                                {"seq": 0, "op": "end"}                       the run closed the set
    journal/<id>/status.json    {"status": "rolled back", "by": <id>, "at": ...} once undone
    blobs/                      content-addressed backups (heal.journal.blobs)
    locks/                      one lock file per project: one heal run changes a project at a time

Every change of a file or an environment goes through ChangeSet.apply(); nothing else writes.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import hashlib
import json
import os
import secrets
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from heal.fsutil import write_atomic
from heal.journal.blobs import BlobStore


class JournalError(Exception):
    """A one-line, user-facing journal problem (unknown id, damaged entry...)."""


@dataclass(frozen=True)
class Record:
    seq: int
    op: str  # intent | done | failed
    change: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)
    error: str = ""


@dataclass(frozen=True)
class ChangeSetInfo:
    """A change set as `heal log` shows it."""

    id: str
    created: str
    cwd: str
    root: str
    command: tuple[str, ...]
    diagnosis: str
    kind: str  # run | rollback | checkpoint-restore
    undoes: str | None
    status: str  # applied | rolled back | incomplete | failed | empty | damaged
    actions: tuple[Record, ...]
    problem: str = ""

    def describe(self) -> list[str]:
        """One line per change: what was done."""
        done = {r.seq for r in self.actions if r.op == "done"}
        lines = []
        for r in self.actions:
            if r.op != "intent":
                continue
            c = r.change
            what = c.get("describe") or f"{c.get('kind')} {c.get('path', '')}"
            if r.seq not in done:
                what += " (not finished)"
            lines.append(what)
        return lines


class Journal:
    def __init__(self, state_dir: str) -> None:
        self.state_dir = state_dir
        self.dir = os.path.join(state_dir, "journal")
        self.blobs = BlobStore(os.path.join(state_dir, "blobs"))
        self.locks = os.path.join(state_dir, "locks")

    # --- change sets --------------------------------------------------------------------------

    @contextlib.contextmanager
    def changeset(self, *, cwd: str, root: str, command: list[str] | tuple[str, ...] = (), diagnosis: str = "",
                  kind: str = "run", undoes: str | None = None) -> Iterator[ChangeSet]:
        """Open a new change set; the project is locked against other heal runs until it closes."""
        os.makedirs(self.dir, exist_ok=True)
        with self.project_lock(root), self._gc_guard(shared=True):
            cs = self._create(cwd=cwd, root=root, command=list(command), diagnosis=diagnosis, kind=kind,
                              undoes=undoes)
            try:
                yield cs
            finally:
                cs.close()

    def _create(self, **meta) -> ChangeSet:
        for _ in range(100):
            now = datetime.datetime.now(datetime.timezone.utc)
            # sortable to the microsecond: change sets are created under the project lock, so the sort
            # order is the order they changed the project in
            cid = now.strftime("%Y%m%d-%H%M%S-%f-") + secrets.token_hex(2)
            path = os.path.join(self.dir, cid)
            try:
                os.mkdir(path)
            except FileExistsError:
                continue
            meta = {"id": cid, "created": now.isoformat(timespec="seconds"), **meta}
            from heal.redact import redact  # secrets in a command line are not persisted

            meta["command"] = [redact(str(a)) for a in meta.get("command", [])]
            meta["diagnosis"] = redact(str(meta.get("diagnosis", "")))
            write_atomic(os.path.join(path, "meta.json"), (json.dumps(meta, indent=1) + "\n").encode())
            return ChangeSet(self, cid, path, meta)
        raise JournalError("cannot create a change set id")

    def ids(self) -> list[str]:
        if not os.path.isdir(self.dir):
            return []
        return sorted(n for n in os.listdir(self.dir) if os.path.isfile(os.path.join(self.dir, n, "meta.json")))

    def resolve(self, ident: str | None, *, last: bool = False) -> str:
        ids = self.ids()
        if last or ident is None:
            if not ids:
                raise JournalError("the change log is empty")
            runs = [i for i in ids if self.info(i).kind != "rollback"]
            for cid in reversed(runs):
                if self.info(cid).status not in ("rolled back", "empty"):
                    return cid
            if not runs:
                raise JournalError("the change log has nothing to roll back")
            return runs[-1]  # everything is undone already: say so about the latest
        matches = [i for i in ids if i == ident or i.startswith(ident)]
        if len(matches) != 1:
            raise JournalError(f"no change set {ident!r}" if not matches else f"{ident!r} is ambiguous")
        return matches[0]

    def info(self, cid: str) -> ChangeSetInfo:
        path = os.path.join(self.dir, cid)
        try:
            with open(os.path.join(path, "meta.json")) as fh:
                meta = json.load(fh)
        except (OSError, ValueError) as exc:
            return ChangeSetInfo(cid, "", "", "", (), "", "run", None, "damaged", (), f"meta.json unreadable: {exc}")
        records, problem = _read_records(os.path.join(path, "actions.jsonl"))
        status = _status(path, records)
        if problem and status != "rolled back":
            status = "damaged" if not records else status
        return ChangeSetInfo(cid, meta.get("created", ""), meta.get("cwd", ""), meta.get("root", ""),
                             tuple(meta.get("command", ())), meta.get("diagnosis", ""), meta.get("kind", "run"),
                             meta.get("undoes"), status, tuple(records), problem)

    def mark_rolled_back(self, cid: str, by: str) -> None:
        self.set_status(cid, "rolled back", by=by)

    def set_status(self, cid: str, status: str, *, by: str) -> None:
        record = {"status": status, "by": by, "at": _now()}
        write_atomic(os.path.join(self.dir, cid, "status.json"), (json.dumps(record) + "\n").encode())

    def status_detail(self, cid: str) -> dict:
        try:
            with open(os.path.join(self.dir, cid, "status.json")) as fh:
                return json.load(fh)
        except (OSError, ValueError):
            return {}

    # --- locks ----------------------------------------------------------------------------------

    @contextlib.contextmanager
    def project_lock(self, root: str) -> Iterator[None]:
        os.makedirs(self.locks, exist_ok=True)
        name = hashlib.sha256(os.path.realpath(root).encode()).hexdigest()[:16]
        with open(os.path.join(self.locks, name + ".lock"), "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def _gc_guard(self, shared: bool) -> Iterator[None]:
        # Change sets hold it shared while they add blobs; garbage collection takes it exclusively.
        os.makedirs(self.locks, exist_ok=True)
        with open(os.path.join(self.locks, "gc.lock"), "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    # --- pruning ----------------------------------------------------------------------------------

    def prune(self, older_than_days: float) -> tuple[int, int]:
        """Drop change sets older than the given age, then unreferenced blobs. (sets, blobs) removed."""
        import shutil

        cutoff = time.time() - older_than_days * 86400
        removed = 0
        with self._gc_guard(shared=False):
            for cid in self.ids():
                info = self.info(cid)
                try:
                    created = datetime.datetime.fromisoformat(info.created).timestamp()
                except ValueError:
                    continue
                if created < cutoff and info.status != "incomplete":
                    shutil.rmtree(os.path.join(self.dir, cid), ignore_errors=True)
                    removed += 1
            used = self.referenced_blobs()
            blobs = 0
            for digest in self.blobs.all():
                if digest not in used:
                    self.blobs.remove(digest)
                    blobs += 1
        return removed, blobs

    def referenced_blobs(self) -> set[str]:
        used: set[str] = set()
        for cid in self.ids():
            for record in self.info(cid).actions:
                _collect_blobs(record.change, used)
                _collect_blobs(record.after, used)
        cp_dir = os.path.join(self.state_dir, "checkpoints")
        if os.path.isdir(cp_dir):
            for name in os.listdir(cp_dir):
                try:
                    with open(os.path.join(cp_dir, name)) as fh:
                        _collect_blobs(json.load(fh), used)
                except (OSError, ValueError):
                    continue
        return used


class ChangeSet:
    """An open change set. apply(change) is the only way heal changes anything."""

    def __init__(self, journal: Journal, cid: str, path: str, meta: dict) -> None:
        self.journal = journal
        self.id = cid
        self.path = path
        self.meta = meta
        self.root = meta["root"]
        self.seq = 0
        self._fh = open(os.path.join(path, "actions.jsonl"), "ab")

    def apply(self, change):  # change: heal.journal.changes.Change
        """Record the intent (with what is needed to undo it), make the change, record that it is done."""
        self.seq += 1
        seq = self.seq
        intent = change.prepare(self)  # backs up the current state into the blob store, checks safety
        self._append({"seq": seq, "op": "intent", "change": intent})
        crash_point()
        try:
            after = change.perform(self, intent)
        except BaseException as exc:
            with contextlib.suppress(Exception):
                self._append({"seq": seq, "op": "failed", "error": f"{type(exc).__name__}: {exc}"})
            raise
        crash_point()
        self._append({"seq": seq, "op": "done", "after": after})
        crash_point()
        return after

    def _append(self, record: dict) -> None:
        self._fh.write((json.dumps(record, sort_keys=True) + "\n").encode())
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        # The end marker tells a finished run from one killed between two changes.
        with contextlib.suppress(Exception):
            self._append({"seq": 0, "op": "end"})
        with contextlib.suppress(Exception):
            self._fh.close()


def _read_records(path: str) -> tuple[list[Record], str]:
    records: list[Record] = []
    problem = ""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        return [], ""
    except OSError as exc:
        return [], f"actions.jsonl unreadable: {exc.strerror}"
    for n, line in enumerate(raw.split(b"\n"), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            records.append(Record(int(obj["seq"]), str(obj["op"]), obj.get("change") or {}, obj.get("after") or {},
                                  obj.get("error", "")))
        except (ValueError, KeyError, TypeError):
            # a torn last line is what a crash mid-append leaves; anything else is damage
            problem = f"actions.jsonl line {n} is damaged"
    return records, problem


def _status(path: str, records: list[Record]) -> str:
    try:
        with open(os.path.join(path, "status.json")) as fh:
            return str(json.load(fh).get("status", "applied"))
    except (OSError, ValueError):
        pass
    intents = {r.seq for r in records if r.op == "intent"}
    done = {r.seq for r in records if r.op == "done"}
    failed = {r.seq for r in records if r.op == "failed"}
    if not intents:
        return "empty"
    if intents - done - failed or not any(r.op == "end" for r in records):
        return "incomplete"
    if failed:
        return "failed"
    return "applied"


def _collect_blobs(obj, out: set[str]) -> None:
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key in ("blob", "new_blob") and isinstance(value, str) and len(value) == 64:
                out.add(value)
            else:
                _collect_blobs(value, out)
    elif isinstance(obj, list):
        for value in obj:
            _collect_blobs(value, out)


_steps = 0


def crash_point() -> None:
    """Test-only: HEAL_TEST_CRASH_AT=N kills heal with SIGKILL at the Nth step of applying changes."""
    target = os.environ.get("HEAL_TEST_CRASH_AT")
    if not target:
        return
    global _steps
    _steps += 1
    if str(_steps) == target:
        os.kill(os.getpid(), signal.SIGKILL)


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
