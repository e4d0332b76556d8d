"""Checkpoints: snapshots of the project's own files in the blob store, validated and restorable."""

from __future__ import annotations

import datetime
import json
import os
import stat

from heal.fsutil import write_atomic
from heal.journal.changes import FileChange
from heal.journal.changeset import Journal, JournalError
from heal.project import project_files


def _dir(journal: Journal) -> str:
    return os.path.join(journal.state_dir, "checkpoints")


def create(journal: Journal, root: str, name: str = "") -> dict:
    root = os.path.realpath(root)
    files = {}
    # the blobs are not referenced by anything until the checkpoint file is written: garbage collection
    # (heal log prune) must wait for that. They are written as one batch, one pack made durable once, before
    # the checkpoint file that names them (see heal.journal.blobs.Batch).
    with journal.gc_guard(shared=True), journal.blobs.batch() as batch:
        for rel in project_files(root):
            try:
                data, mode = _read(os.path.join(root, rel))
            except OSError:
                continue  # vanished or unreadable while we looked: not part of the snapshot
            files[rel] = {"blob": batch.put(data), "mode": mode}
        batch.commit()
        now = datetime.datetime.now(datetime.timezone.utc)
        # sortable to the microsecond, like change set ids: `checkpoint list` is oldest first
        cid = now.strftime("%Y%m%d-%H%M%S-%f-") + os.urandom(2).hex()  # secrets.token_hex(2)
        obj = {"id": cid, "name": name, "created": now.isoformat(timespec="microseconds"), "root": root,
               "files": files}
        os.makedirs(_dir(journal), exist_ok=True)
        # not indented: json's C encoder writes 10,000 entries in a tenth of the time its Python one needs
        write_atomic(os.path.join(_dir(journal), cid + ".json"), (json.dumps(obj) + "\n").encode())
    return obj


def _read(path: str) -> tuple[bytes, int]:
    """(bytes, permission bits) of a file, from one open: no path lookup for its mode, no isatty."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        st = os.fstat(fd)
        parts = []
        size = max(st.st_size, 0) + 1  # one more than the file holds: a short read is its end, no extra read
        while True:
            chunk = os.read(fd, size)
            parts.append(chunk)
            if len(chunk) < size:
                break
            size = 1 << 16  # it grew while we read: on to its end
    finally:
        os.close(fd)
    return b"".join(parts) if len(parts) != 1 else parts[0], stat.S_IMODE(st.st_mode)


def all_checkpoints(journal: Journal) -> list[dict]:
    out = []
    d = _dir(journal)
    for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
        if name.endswith(".json"):
            try:
                with open(os.path.join(d, name)) as fh:
                    obj = json.load(fh)
                if not _valid(obj):
                    raise ValueError("wrong shape")
                out.append(obj)
            except (OSError, ValueError, RecursionError):
                out.append({"id": name[:-5], "damaged": True, "files": {}})
    return sorted(out, key=lambda c: c["id"])


def _valid(obj: object) -> bool:
    return isinstance(obj, dict) and isinstance(obj.get("id"), str) and isinstance(obj.get("root"), str) \
        and isinstance(obj.get("files"), dict) and all(
            isinstance(e, dict) and isinstance(e.get("blob"), str) and isinstance(e.get("mode"), int)
            for e in obj["files"].values())


def load(journal: Journal, ident: str) -> dict:
    matches = [c for c in all_checkpoints(journal) if c["id"] == ident or c["id"].startswith(ident)
               or c.get("name") == ident]
    if len(matches) != 1:
        raise JournalError(f"no checkpoint {ident!r}" if not matches else f"{ident!r} is ambiguous")
    if matches[0].get("damaged"):
        raise JournalError(f"checkpoint {matches[0]['id']} is damaged")
    return matches[0]


def validate(journal: Journal, cp: dict) -> list[str]:
    """Re-hash every stored file; one line per file whose backup is missing or corrupt."""
    return [f"{rel}: {problem}" for rel, entry in sorted(cp["files"].items())
            if (problem := journal.blobs.check(entry["blob"]))]


def diff(journal: Journal, cp: dict) -> list[tuple[str, str]]:
    """What restoring would do: (action, relative path), action in restore/recreate/delete."""
    root = cp["root"]
    changes = []
    current = set(project_files(root))
    from heal.journal.blobs import sha256

    for rel, entry in sorted(cp["files"].items()):
        path = os.path.join(root, rel)
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            changes.append(("recreate", rel))
            continue
        except OSError as exc:  # a parent is a file now, say
            raise JournalError(f"{rel}: {exc.strerror}: the checkpoint cannot be restored as it is") from None
        if not stat.S_ISREG(st.st_mode):
            kind = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file"
            raise JournalError(f"{rel} is {kind} now, where the checkpoint has a file: move it away first")
        with open(path, "rb") as fh:
            same = sha256(fh.read()) == entry["blob"]
        if not same or stat.S_IMODE(st.st_mode) != entry["mode"]:
            changes.append(("restore", rel))
    for rel in sorted(current - set(cp["files"])):
        changes.append(("delete", rel))  # a file of the project that did not exist at the checkpoint
    return changes


def restore(journal: Journal, cp: dict, changes: list[tuple[str, str]]) -> str:
    """Apply the diff as one journaled change set (so `heal rollback` can undo the restore)."""
    problems = validate(journal, cp)
    if problems:
        raise JournalError(f"checkpoint {cp['id']} cannot be restored exactly: {problems[0]}")
    root = cp["root"]
    with journal.changeset(cwd=root, root=root, command=["heal", "checkpoint", "restore", cp["id"]],
                           diagnosis=f"restore checkpoint {cp['id']}", kind="checkpoint-restore") as cs:
        for action, rel in changes:
            path = os.path.join(root, rel)
            if action == "delete":
                cs.apply(FileChange(path, delete=True, reason=f"checkpoint {cp['id']}"))
            else:
                entry = cp["files"][rel]
                # directories it creates are journaled too, so that rolling the restore back removes them
                missing = []
                d = os.path.dirname(path)
                while d != root and not os.path.isdir(d):
                    missing.append(d)
                    d = os.path.dirname(d)
                for d in reversed(missing):
                    cs.apply(FileChange(d, mkdir=True, reason=f"checkpoint {cp['id']}"))
                cs.apply(FileChange(path, data=journal.blobs.get(entry["blob"]), mode=entry["mode"],
                                    reason=f"checkpoint {cp['id']}"))
        for action, rel in changes:
            if action == "delete":
                # a directory left empty by deleting what did not exist at the checkpoint goes too
                d = os.path.dirname(os.path.join(root, rel))
                while d != root and os.path.isdir(d) and not os.listdir(d) and d.startswith(root + os.sep):
                    cs.apply(FileChange(d, rmdir=True, reason=f"checkpoint {cp['id']}"))
                    d = os.path.dirname(d)
        return cs.id
