"""The change log: one change set per heal run, each an append-only list of write-ahead records.

Layout under the state directory (HEAL_HOME):

    journal/<id>/meta.json      who, when, where (cwd, project root), what command, which diagnosis
    journal/<id>/actions.jsonl  {"seq": n, "op": "intent", "change": {...}}   written and fsynced first
                                {"seq": n, "op": "spawned", "process": {"pid", "start"}}  an installer started
                                {"seq": n, "op": "done", "after": {...}}      after the change is made
                                {"seq": n, "op": "failed", "error": "..."}    the change raised
                                {"seq": 0, "op": "end"}                       the run closed the set
    journal/<id>/status.json    {"status": "rolled back", "by": <id>, "at": ...} once undone
    journal/index.jsonl         ["<id>", "<project root>"] per change set, appended once its meta.json is
                                written: `heal log` lists a project's sets without opening every meta.json
                                (checked against the directory listing on every read, and repaired)
    blobs/                      content-addressed backups (heal.journal.blobs)
    locks/gc.lock               held shared while blobs are added, exclusively while unreferenced ones go

The project lock lives with the project (heal.journal.lock), so that heal runs with different state
directories exclude each other too. Every change of a file or an environment goes through
ChangeSet.apply(); nothing else writes. Anything read back is checked for its shape: a change set whose
files are damaged is reported as such and never stops the others from being listed or rolled back.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator

from heal.errors import JournalError
from heal.fsutil import write_atomic
from heal.journal import lock as locks
from heal.journal.blobs import BlobStore
from heal import cjson  # json's own C scanner and encoder, without json's import of re
from heal import record

# `heal log` reads this module and little else: datetime (pruning) and signal are imported where
# they are used, and the values are heal.record Records, not dataclasses.


class Record(record.Record):
    """One line of actions.jsonl. op: intent | spawned | done | failed | end; process (spawned):
    {"pid": int, "start": int | None}."""

    __slots__ = ("seq", "op", "change", "after", "error", "process")
    seq: int
    op: str
    change: dict
    after: dict
    error: str
    process: dict

    def __init__(self, seq: int, op: str, change: dict | None = None, after: dict | None = None, error: str = "",
                 process: dict | None = None) -> None:
        self._fill(seq, op, {} if change is None else change, {} if after is None else after, error,
                   {} if process is None else process)


class ChangeSetInfo(record.Record):
    """A change set as `heal log` shows it. kind: run | rollback | checkpoint-restore; status: applied |
    rolled back | incomplete | failed | empty | damaged."""

    __slots__ = ("id", "created", "cwd", "root", "command", "diagnosis", "kind", "undoes", "status", "actions",
                 "problem")
    id: str
    created: str
    cwd: str
    root: str
    command: tuple[str, ...]
    diagnosis: str
    kind: str
    undoes: str | None
    status: str
    actions: tuple[Record, ...]
    problem: str

    def __init__(self, id: str, created: str, cwd: str, root: str, command: tuple[str, ...], diagnosis: str,
                 kind: str, undoes: str | None, status: str, actions: tuple[Record, ...], problem: str = "") -> None:
        self._fill(id, created, cwd, root, command, diagnosis, kind, undoes, status, actions, problem)

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
        meta = _redacted({"cwd": cwd, "root": os.path.realpath(root), "command": list(command),
                          "diagnosis": diagnosis, "kind": kind, "undoes": undoes})
        with self.project_lock(root, meta["command"]) as lock, self.gc_guard(shared=True):
            cs = self._create(meta)
            cs.lock = lock
            try:
                yield cs
            finally:
                cs.close()

    def _create(self, meta: dict) -> ChangeSet:
        for _ in range(100):
            seconds, micro = divmod(time.time_ns() // 1000, 1_000_000)
            # sortable to the microsecond: change sets are created under the project lock, so the sort
            # order is the order they changed the project in
            cid = time.strftime("%Y%m%d-%H%M%S-", time.gmtime(seconds)) + f"{micro:06d}-" + os.urandom(2).hex()
            path = os.path.join(self.dir, cid)
            try:
                os.mkdir(path)
            except FileExistsError:
                continue
            meta = {"id": cid, "created": _iso(seconds), **meta}
            write_atomic(os.path.join(path, "meta.json"), cjson.ascii_line(meta, indent=1))
            self._index_append({cid: meta["root"]})
            return ChangeSet(self, cid, path, meta)
        raise JournalError("cannot create a change set id")

    def ids(self) -> list[str]:
        return list(self.roots())

    def roots(self) -> dict[str, str]:
        """id -> project root ("" when unreadable) of every change set, oldest first.

        From the index, checked against the directory listing (one getdents, no stat per set): a set missing
        from it (a crash between its meta.json and the append, a store written before the index) is read and
        added; an entry whose set is gone (pruned) is dropped. Losing a concurrent append to such a rewrite
        only means that set is read again next time."""
        if os.path.lexists(self.state_dir) and not os.path.isdir(self.state_dir):
            raise JournalError(f"heal's state directory {self.state_dir} is not a directory (see HEAL_HOME)")
        if not os.path.isdir(self.dir):
            return {}
        try:
            names = {n for n in os.listdir(self.dir) if not n.startswith(".") and n != _INDEX}
        except OSError as exc:
            raise JournalError(f"cannot read {self.dir}: {exc.strerror}") from None
        index = self._index_read()
        gone = [cid for cid in index if cid not in names]
        for cid in gone:
            del index[cid]
        new = {n: self.root_of(n) for n in sorted(names.difference(index))
               if os.path.isfile(os.path.join(self.dir, n, "meta.json"))}
        if gone:
            self._index_write({**index, **new})
        elif new:
            self._index_append(new)
        index.update(new)
        return {cid: index[cid] for cid in sorted(index)}

    def _index_read(self) -> dict[str, str]:
        try:
            with open(os.path.join(self.dir, _INDEX), "rb") as fh:
                raw = fh.read()
        except OSError:
            return {}
        lines = raw.split(b"\n")
        try:  # one parse for the whole file; a torn or damaged line sends it line by line
            rows = cjson.loads(b"[" + b",".join(line for line in lines if line.strip()) + b"]")
        except ValueError:
            rows = []
            for line in lines:
                try:
                    rows.append(cjson.loads(line))
                except ValueError:
                    continue
        index: dict[str, str] = {}
        for row in rows:
            if isinstance(row, list) and len(row) == 2 and isinstance(row[0], str) and isinstance(row[1], str):
                index[row[0]] = row[1]
        return index

    def _index_append(self, entries: dict[str, str]) -> None:
        # one write of whole lines with O_APPEND: appends of concurrent heal runs never interleave
        data = b"".join(cjson.ascii_line([cid, root]) for cid, root in entries.items())
        try:
            fd = os.open(os.path.join(self.dir, _INDEX), os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError:
            return  # a read-only store: the index is a cache, listing works without it
        try:
            os.write(fd, data)
        except OSError:
            pass
        finally:
            os.close(fd)

    def _index_write(self, index: dict[str, str]) -> None:
        data = b"".join(cjson.ascii_line([cid, root]) for cid, root in index.items())
        with contextlib.suppress(OSError):
            write_atomic(os.path.join(self.dir, _INDEX), data)

    def resolve(self, ident: str | None, *, last: bool = False, root: str | None = None) -> str:
        """The change set an id (or unique prefix) names; with `last`, the newest run of the project at root
        (every project's when root is None) that is not rolled back yet, else the newest one of all."""
        ids = self.ids()
        if last or ident is None:
            real = os.path.realpath(root) if root else None
            latest = None
            # newest first, reading in full only this project's change sets
            for cid in reversed(ids):
                if real is not None and self.root_of(cid) != real:
                    continue
                info = self.info(cid)
                if info.kind == "rollback":
                    continue
                latest = latest or info.id
                if info.status not in ("rolled back", "empty", "damaged"):
                    return info.id
            if latest is None:
                where = f" for {real}" if real else ""
                raise JournalError(f"the change log has nothing{where} to roll back" if ids else
                                   "the change log is empty")
            return latest  # everything is undone already: say so about the latest
        matches = [i for i in ids if i == ident or i.startswith(ident)]
        if len(matches) != 1:
            raise JournalError(f"no change set {ident!r}" if not matches else f"{ident!r} is ambiguous")
        return matches[0]

    def root_of(self, cid: str) -> str:
        """The project a change set belongs to, from its meta.json alone ("" when that is unreadable)."""
        try:
            with open(os.path.join(self.dir, cid, "meta.json"), "rb") as fh:
                meta = cjson.loads(fh.read())
        except (OSError, ValueError, RecursionError):
            return ""
        root = meta.get("root") if isinstance(meta, dict) else None
        return root if isinstance(root, str) else ""

    def info(self, cid: str) -> ChangeSetInfo:
        """The change set as recorded; anything of the wrong shape makes it `damaged`, never raises."""
        path = os.path.join(self.dir, cid)
        try:
            with open(os.path.join(path, "meta.json"), "rb") as fh:
                meta = cjson.loads(fh.read())
            meta = _checked_meta(meta)
        except (OSError, ValueError, RecursionError, TypeError) as exc:
            why = exc.strerror if isinstance(exc, OSError) else str(exc)[:100] or type(exc).__name__
            return ChangeSetInfo(cid, "", "", "", (), "", "run", None, "damaged", (), f"meta.json unreadable: {why}")
        records, problem = _read_records(os.path.join(path, "actions.jsonl"))
        status, status_problem = _status(path, records)
        problem = problem or status_problem
        shape = _check_shapes(records) or (problem[len(DAMAGED):] if problem.startswith(DAMAGED) else "")
        if shape:
            problem, status = shape, "damaged"
        elif problem and status != "rolled back" and not records:
            status = "damaged"
        return ChangeSetInfo(cid, meta["created"], meta["cwd"], meta["root"], tuple(meta["command"]),
                             meta["diagnosis"], meta["kind"], meta["undoes"], status, tuple(records), problem)

    def mark_rolled_back(self, cid: str, by: str) -> None:
        self.set_status(cid, "rolled back", by=by)

    def set_status(self, cid: str, status: str, *, by: str) -> None:
        record = {"status": status, "by": by, "at": _now()}
        write_atomic(os.path.join(self.dir, cid, "status.json"), cjson.ascii_line(record))

    def clear_status(self, cid: str) -> None:
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(self.dir, cid, "status.json"))

    def status_detail(self, cid: str) -> dict:
        try:
            with open(os.path.join(self.dir, cid, "status.json")) as fh:
                obj = cjson.loads(fh.read())
        except (OSError, ValueError, RecursionError):
            return {}
        return obj if isinstance(obj, dict) else {}

    # --- locks ----------------------------------------------------------------------------------

    def project_lock(self, root: str, command: list[str] | tuple[str, ...] = ()):
        """The project's lock (heal.journal.lock), shared by every state directory; re-entrant in a process."""
        return locks.project_lock(root, command)

    @contextlib.contextmanager
    def gc_guard(self, shared: bool) -> Iterator[None]:
        """Held shared by whatever adds blobs (change sets, checkpoints) until the records naming them are
        written; garbage collection takes it exclusively, so it never removes a blob about to be referenced."""
        os.makedirs(self.locks, exist_ok=True)
        path = os.path.join(self.locks, "gc.lock")
        with open(path, "a") as fh:
            what = ("heal log prune, which is removing unreferenced backups" if shared else
                    "heal runs and checkpoints that are storing backups in this state directory")
            locks.flock(fh.fileno(), fcntl.LOCK_SH if shared else fcntl.LOCK_EX, path, what)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    _gc_guard = gc_guard

    # --- pruning ----------------------------------------------------------------------------------

    def prune(self, older_than_days: float) -> tuple[int, int]:
        """Drop change sets older than the given age, then unreferenced blobs. (sets, blobs) removed."""
        import datetime
        import shutil

        cutoff = time.time() - older_than_days * 86400
        removed = 0
        with self.gc_guard(shared=False):
            for cid in self.ids():
                info = self.info(cid)
                try:
                    created = datetime.datetime.fromisoformat(info.created).timestamp()
                except ValueError:
                    continue
                if created < cutoff and info.status not in ("incomplete", "damaged"):
                    shutil.rmtree(os.path.join(self.dir, cid), ignore_errors=True)
                    removed += 1
            blobs = self.blobs.remove_unreferenced(self.referenced_blobs())
        return removed, blobs

    def referenced_blobs(self) -> set[str]:
        used: set[str] = set()
        for cid in self.ids():
            info = self.info(cid)
            if info.status == "damaged" and not info.actions:
                # unreadable: keep every blob, rather than lose one it may name
                return set(self.blobs.all())
            for action in info.actions:
                _collect_blobs(action.change, used)
                _collect_blobs(action.after, used)
        cp_dir = os.path.join(self.state_dir, "checkpoints")
        if os.path.isdir(cp_dir):
            for name in os.listdir(cp_dir):
                try:
                    with open(os.path.join(cp_dir, name)) as fh:
                        _collect_blobs(cjson.loads(fh.read()), used)
                except (OSError, ValueError, RecursionError):
                    if name.endswith(".json"):
                        return set(self.blobs.all())
        return used


def _redacted(meta: dict) -> dict:
    from heal.redact import redact  # secrets in a command line are not persisted

    meta["command"] = [redact(str(a)) for a in meta.get("command", [])]
    meta["diagnosis"] = redact(str(meta.get("diagnosis", "")))
    return meta


_META_TYPES = {"created": str, "cwd": str, "root": str, "diagnosis": str, "kind": str}


def _checked_meta(meta: object) -> dict:
    """meta.json's fields with their types checked (TypeError names the first wrong one)."""
    if not isinstance(meta, dict):
        raise TypeError(f"expected an object, found {type(meta).__name__}")
    out: dict = {}
    for key, typ in _META_TYPES.items():
        value = meta.get(key, "run" if key == "kind" else "")
        if not isinstance(value, typ):
            raise TypeError(f"{key!r} is a {type(value).__name__}")
        out[key] = value
    command = meta.get("command", [])
    if not isinstance(command, list) or not all(isinstance(a, str) for a in command):
        raise TypeError("'command' is not a list of strings")
    out["command"] = command
    undoes = meta.get("undoes")
    if undoes is not None and not isinstance(undoes, str):
        raise TypeError("'undoes' is not a string")
    out["undoes"] = undoes
    return out


class ChangeSet:
    """An open change set. apply(change) is the only way heal changes anything."""

    def __init__(self, journal: Journal, cid: str, path: str, meta: dict) -> None:
        self.journal = journal
        self.id = cid
        self.path = path
        self.meta = meta
        self.root = meta["root"]
        self.seq = 0
        self.lock: locks.ProjectLock | None = None
        self._installer: dict | None = None  # the installer of the change being applied
        self._fh = open(os.path.join(path, "actions.jsonl"), "ab")

    def apply(self, change, progress=None):  # change: heal.journal.changes.Change
        """Record the intent (with what is needed to undo it), make the change, record that it is done.
        progress: called with the output of a command the change runs (an installer's), as it comes."""
        self.seq += 1
        seq = self.seq
        intent = change.prepare(self)  # backs up the current state into the blob store, checks safety
        self._append({"seq": seq, "op": "intent", "change": intent})
        crash_point()
        try:
            after = change.perform(self, intent, progress)
        except BaseException as exc:
            failed = {"seq": seq, "op": "failed", "error": f"{type(exc).__name__}: {exc}"}
            if isinstance(getattr(exc, "after", None), dict):
                failed["after"] = exc.after  # type: ignore[attr-defined]  # what a failed install left
            with contextlib.suppress(Exception):
                self._append(failed)
            raise
        finally:
            if self._installer is not None and self.lock is not None and not locks.alive(self._installer):
                self.lock.installer(None)  # it has ended (the runner reaps what it started)
            self._installer = None
        crash_point()
        self._append({"seq": seq, "op": "done", "after": after})
        crash_point()
        return after

    def spawned(self, pid: int) -> None:
        """An installer of the current change started: its pid (and start time, which survives pid reuse) is
        recorded at once, so that a rollback after heal is killed waits for it instead of racing it."""
        proc = {"pid": pid, "start": locks.start_time(pid)}
        with contextlib.suppress(Exception):
            self._append({"seq": self.seq, "op": "spawned", "process": proc})
        self._installer = proc
        if self.lock is not None:
            self.lock.installer({**proc, "command": [f"installer of heal change set {self.id}"]})

    def _append(self, record: dict) -> None:
        self._fh.write(cjson.ascii_line(record, sort_keys=True))
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        # The end marker tells a finished run from one killed between two changes.
        with contextlib.suppress(Exception):
            self._append({"seq": 0, "op": "end"})
        with contextlib.suppress(Exception):
            self._fh.close()


_OPS = ("intent", "spawned", "done", "failed", "end")
_INDEX = "index.jsonl"


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
    lines = [(n, line) for n, line in enumerate(raw.split(b"\n"), 1) if line.strip()]
    for k, (n, line) in enumerate(lines):
        try:
            records.append(_record(cjson.loads(line)))
        except (ValueError, KeyError, TypeError, OverflowError, RecursionError):
            # a torn last line is what a crash mid-append leaves (the change it announced was not made: the
            # intent is fsynced before the change); a bad line with records after it is damage
            problem = f"actions.jsonl line {n} is damaged"
            if k < len(lines) - 1:
                problem = DAMAGED + problem
    return records, problem


def _record(obj: object) -> Record:
    if not isinstance(obj, dict):
        raise TypeError("not an object")
    seq, op = obj["seq"], obj["op"]
    if type(seq) is not int or op not in _OPS:  # noqa: E721 -- a float seq (1e999) or a bool is damage
        raise TypeError("bad seq or op")
    change, after, process = obj.get("change") or {}, obj.get("after") or {}, obj.get("process") or {}
    if not isinstance(change, dict) or not isinstance(after, dict) or not isinstance(process, dict):
        raise TypeError("change, after and process must be objects")
    error = obj.get("error", "")
    return Record(seq, op, change, after, error if isinstance(error, str) else str(error)[:200], process)


def _status(path: str, records: list[Record]) -> tuple[str, str]:
    try:
        with open(os.path.join(path, "status.json"), "rb") as fh:
            obj = cjson.loads(fh.read())
    except FileNotFoundError:
        obj = None
    except (OSError, ValueError, RecursionError):
        return "damaged", "status.json is unreadable"
    if obj is not None:
        if not isinstance(obj, dict) or not isinstance(obj.get("status", "applied"), str):
            return "damaged", "status.json is not a status object"
        return obj.get("status", "applied"), ""
    intents = {r.seq for r in records if r.op == "intent"}
    done = {r.seq for r in records if r.op == "done"}
    failed = {r.seq for r in records if r.op == "failed"}
    if not intents:
        return "empty", ""
    if intents - done - failed or not any(r.op == "end" for r in records):
        return "incomplete", ""
    if failed:
        return "failed", ""
    return "applied", ""


def _is_state(obj: object) -> bool:
    """A recorded file state: {"exists": bool, "blob": sha256 | None, "mode": int | None}."""
    return isinstance(obj, dict) and isinstance(obj.get("exists", False), bool) and (
        not obj.get("exists") or (isinstance(obj.get("blob"), str) and isinstance(obj.get("mode"), int)))


DAMAGED = "damaged: "  # marks a read problem that is damage, not a torn last line


def _check_shapes(records: list[Record]) -> str:
    """What is wrong with the recorded changes, so that a rollback never trips over a missing field."""
    intents = {r.seq for r in records if r.op == "intent"}
    orphan = next((r for r in records if r.op in ("done", "failed", "spawned") and r.seq not in intents), None)
    if orphan is not None:
        return f"change {orphan.seq} has a {orphan.op} record but no intent: its intent is damaged"
    for r in records:
        c = r.change
        if r.op != "intent":
            continue
        kind = c.get("kind")
        if kind == "file":
            dir_op = c.get("op") in ("mkdir", "rmdir")
            ok = isinstance(c.get("path"), str) and c.get("op") in ("write", "delete", "chmod", "mkdir", "rmdir") \
                and (isinstance(c.get("before"), dict) and isinstance(c["before"].get("exists"), bool) if dir_op
                     else _is_state(c.get("before")))
        elif kind == "packages":
            ok = isinstance(c.get("cwd"), str) and isinstance(c.get("manager"), str) \
                and isinstance(c.get("python"), str) and isinstance(c.get("installed"), dict) \
                and isinstance(c.get("manifests"), dict) and all(_is_state(v) for v in c["manifests"].values())
        elif kind == "git-ref":
            ok = all(isinstance(c.get(k), str) for k in ("cwd", "branch", "before"))
        elif kind == "command":
            ok = isinstance(c.get("cwd"), str) and isinstance(c.get("argv"), list)
        else:
            ok = True  # an unknown kind is refused by name when rolling back
        if not ok:
            return f"change {r.seq} ({kind}) is damaged: a field is missing or of the wrong type"
    return ""


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
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


def _now() -> str:
    return _iso(int(time.time()))


def _iso(seconds: int) -> str:
    """datetime.fromtimestamp(seconds, timezone.utc).isoformat(timespec="seconds"), without datetime's import."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(seconds))
