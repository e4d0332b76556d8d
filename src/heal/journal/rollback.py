"""Undo a change set, newest change first, byte-exact, itself as a journaled change set.

A file is put back only when it is exactly as heal left it (or as it was before, when a crash came
between the intent and the change): anything else means someone edited it since, and rollback refuses
and names it unless forced. A blob that is missing or corrupt is never written.

An environment is undone by the difference this change set made to it (the packages recorded before and
after heal's own install): what it added is removed, what it replaced is put back, and nothing else is
touched. Whatever the environment gained or lost since is a conflict named package by package, unless a
later change set in the journal accounts for it; so is a package installed since that depends on one the
rollback would remove.

Callers plan and roll back while holding the project's lock (`locked()`), so that what was planned and
shown is what is done; `rollback()` executes a plan, it never plans again.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from heal import cjson
from heal import record as values
from heal.errors import GitError, JournalError, Refused
from heal.git import dirty, git, head
from heal.journal import lock as locks
from heal.journal.changes import MANIFESTS, FileChange, GitRefChange, PackageChange, environment
from heal.journal.changeset import ChangeSetInfo, Journal, Record
from heal.managers import MANAGERS, Run, Undo, tool


# Records, not dataclasses: `heal rollback --dry-run` should cost about what `heal log` does.

class Step(values.Record):
    """One thing a rollback does. action: restore | delete | chmod | mkdir | rmdir | packages | git | nothing;
    fatal: the conflict cannot be forced (a backup heal cannot vouch for, or someone's own work); warning: said
    before the step runs, but no reason to refuse (a rebase already pushed)."""

    __slots__ = ("seq", "describe", "action", "path", "conflict", "detail", "fatal", "warning")
    seq: int
    describe: str
    action: str
    path: str
    conflict: str
    detail: dict
    fatal: bool
    warning: str

    def __init__(self, seq: int, describe: str, action: str, path: str = "", conflict: str = "",
                 detail: dict | None = None, fatal: bool = False, warning: str = "") -> None:
        self._fill(seq, describe, action, path, conflict, {} if detail is None else detail, fatal, warning)


class Plan(values.Record):
    __slots__ = ("target", "steps")
    target: ChangeSetInfo
    steps: tuple[Step, ...]

    def __init__(self, target: ChangeSetInfo, steps: tuple[Step, ...]) -> None:
        self._fill(target, steps)

    @property
    def conflicts(self) -> list[Step]:
        return [s for s in self.steps if s.conflict]

    @property
    def fatal(self) -> list[Step]:
        return [s for s in self.steps if s.conflict and s.fatal]

    @property
    def work(self) -> list[Step]:
        return [s for s in self.steps if s.action != "nothing"]

    @property
    def warnings(self) -> list[str]:
        return [s.warning for s in self.steps if s.warning]


@contextlib.contextmanager
def locked(journal: Journal, cid: str, *, wait: float | None = None) -> Iterator[None]:
    """Hold the lock of the project the change set touched, after any installer it started has ended."""
    info = journal.info(cid)
    root = info.root or info.cwd
    if not root:
        raise JournalError(f"change set {cid} is damaged: {info.problem or 'it names no project'}")
    with locks.project_lock(root, ["heal", "rollback", cid], wait=wait):
        wait_for_installers(journal.info(cid), wait)
        yield


def wait_for_installers(info: ChangeSetInfo, wait: float | None = None) -> None:
    """A heal killed during an install leaves the installer running: wait for it (bounded, saying so), else
    the rollback would find nothing to undo and the installer would finish the install afterwards."""
    for record in info.actions:
        if record.op == "spawned":
            locks.wait_for_process({**record.process, "command": [f"installer of change {record.seq} of {info.id}"]},
                                   "an installer heal started", wait)


def plan(journal: Journal, cid: str) -> Plan:
    info = journal.info(cid)
    if info.status == "damaged":
        raise JournalError(f"change set {cid} is damaged: {info.problem}")
    ends = {r.seq: r for r in info.actions if r.op in ("done", "failed")}
    done = {r.seq: r for r in info.actions if r.op == "done"}
    history = _History(journal, info)
    steps = []
    # Changes are undone newest first; a file changed twice is checked, for the older change, against
    # the state undoing the newer one will leave, not against the disk.
    virtual: dict[str, dict] = {}
    for record in reversed([r for r in info.actions if r.op == "intent"]):
        kind = record.change.get("kind")
        if kind == "file":
            step = _plan_file(journal, record, done.get(record.seq), virtual.get(record.change["path"]))
            steps.append(step)
            if step.action != "nothing" or step.describe.endswith("already as before"):
                virtual[record.change["path"]] = record.change["before"]
        elif kind == "packages":
            steps.append(_plan_packages(journal, record, ends.get(record.seq), history))
        elif kind == "git-ref":
            steps.append(_plan_git(record, done.get(record.seq)))
        elif kind == "command":
            # what `terraform init`, a login or a taught fix did is the command's own business: said, never
            # guessed at (the record's describe already says "not undoable")
            what = "ran " + " ".join(record.change["argv"])
            steps.append(Step(record.seq, f"{what}: not undone", "nothing",
                              warning=f"{what} is not undone: heal cannot reverse what a command did"))
        else:
            steps.append(Step(record.seq, f"unknown change kind {kind!r}", "nothing",
                              conflict=f"change {record.seq} has an unknown kind {kind!r}", fatal=True))
    return Plan(info, tuple(steps))


# --- files ------------------------------------------------------------------------------------------

def _same(a: dict | None, b: dict | None) -> bool:
    a, b = a or {}, b or {}
    if not a.get("exists") and not b.get("exists"):
        return True
    return a.get("exists") == b.get("exists") and a.get("blob") == b.get("blob") and a.get("mode") == b.get("mode")


def _plan_file(journal: Journal, record: Record, done: Record | None, virtual: dict | None) -> Step:
    c = record.change
    path, before = c["path"], c["before"]
    rel = c.get("describe", path)
    if c["op"] in ("mkdir", "rmdir"):
        return _plan_dir(record)
    try:
        now = virtual if virtual is not None else _state(path)
    except OSError as exc:
        return Step(record.seq, rel, "nothing", path, conflict=f"{path}: {exc.strerror or exc}", fatal=True)
    if _same(now, before):
        return Step(record.seq, f"{rel}: already as before", "nothing", path)
    if virtual is None and now.get("exists") and now.get("links", 1) > 1:
        # a hard link made since: writing or chmod-ing through it would change the other path too
        return Step(record.seq, rel, "nothing", path, fatal=True,
                    conflict=f"{path} has {now['links']} hard links now: heal does not change a shared file")
    expected = done.after if done is not None else _expected_after(c)
    conflict = "" if _same(now, expected) else f"{path} changed after heal touched it"
    if not before["exists"]:
        return Step(record.seq, f"remove {path} (heal created it)", "delete", path, conflict=conflict)
    if now.get("exists") and now.get("blob") == before["blob"]:
        # only the mode differs: undo a chmod with a chmod, keeping the inode, its owner, links and xattrs
        return Step(record.seq, f"chmod {before['mode']:o} {path}", "chmod", path, conflict=conflict,
                    detail={"mode": before["mode"]})
    problem = journal.blobs.check(before["blob"])
    if problem:
        return Step(record.seq, rel, "restore", path, conflict=f"{path}: backup {problem}", fatal=True)
    return Step(record.seq, f"restore {path}", "restore", path, conflict=conflict,
                detail={"blob": before["blob"], "mode": before["mode"], "owner": before.get("owner")})


def _plan_dir(record: Record) -> Step:
    c = record.change
    path = c["path"]
    if c["op"] == "mkdir":
        if c["before"].get("exists") or not os.path.isdir(path) or os.path.islink(path):
            return Step(record.seq, f"{path}/: already as before", "nothing", path)
        return Step(record.seq, f"remove directory {path}/ (heal created it) when empty", "rmdir", path)
    if os.path.isdir(path):
        return Step(record.seq, f"{path}/: already as before", "nothing", path)
    return Step(record.seq, f"recreate directory {path}/", "mkdir", path)


def _expected_after(change: dict) -> dict:
    before = change["before"]
    if change["op"] == "delete":
        return {"exists": False}
    if change["op"] == "write":
        mode = change.get("new_mode", before.get("mode"))
        return {"exists": True, "blob": change.get("new_blob"), "mode": mode if mode is not None else 0o644}
    return {**before, "mode": change.get("new_mode")}


def _state(path: str) -> dict:
    import stat as st_

    from heal.journal.blobs import sha256

    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return {"exists": False, "blob": None, "mode": None}
    if st_.S_ISDIR(st.st_mode):
        raise IsADirectoryError(21, "is a directory now", path)
    if not st_.S_ISREG(st.st_mode):
        raise OSError(22, "is not a regular file now", path)
    with open(path, "rb") as fh:
        state = {"exists": True, "blob": sha256(fh.read()), "mode": st_.S_IMODE(st.st_mode)}
    if st.st_nlink > 1:
        state["links"] = st.st_nlink
    return state


# --- what later change sets did to the same files and environments -----------------------------------

class _History:
    """The journal's records, read once and only as far as asked: who changed an environment or a file after
    this change set (what a package's undo asks: the change sets from this one on), and every recorded state
    of one file (a manifest merge: all of them). A journal of 10,000 change sets cost a rollback 0.9 s when
    every one was read for the first question."""

    def __init__(self, journal: Journal, target: ChangeSetInfo) -> None:
        self.journal = journal
        self.target = target
        self._ids: list[str] | None = None
        self._infos: dict[str, ChangeSetInfo] = {target.id: target}

    def infos(self, since: str = "") -> list[ChangeSetInfo]:
        """The undamaged change sets, oldest first, from `since` on."""
        if self._ids is None:
            self._ids = self.journal.ids()
        out = []
        for cid in self._ids:
            if cid < since:
                continue
            info = self._infos.get(cid)
            if info is None:
                info = self._infos[cid] = self.journal.info(cid)
            if info.status != "damaged":
                out.append(info)
        return out

    def later(self, seq: int) -> Iterator[tuple[ChangeSetInfo, Record, dict | None]]:
        """(change set, intent, after or None) of every change made after change `seq` of the target."""
        for info in self.infos(since=self.target.id):
            ends = {r.seq: r.after for r in info.actions if r.op in ("done", "failed") and r.after}
            for r in info.actions:
                if r.op == "intent" and (info.id != self.target.id or r.seq > seq):
                    yield info, r, ends.get(r.seq)

    def path_states(self, path: str) -> Iterator[tuple[ChangeSetInfo, dict, dict | None]]:
        """(change set, before, after) of every recorded change of one file, oldest first."""
        for info in self.infos():
            ends = {r.seq: r.after for r in info.actions if r.op in ("done", "failed") and r.after}
            for r in info.actions:
                if r.op != "intent":
                    continue
                c = r.change
                if c.get("kind") == "file" and c.get("path") == path and c.get("op") not in ("mkdir", "rmdir"):
                    yield info, c["before"], ends.get(r.seq)
                elif c.get("kind") == "packages" and isinstance(c.get("cwd"), str) \
                        and os.path.dirname(path) == c["cwd"] and os.path.basename(path) in c.get("manifests", {}):
                    after = ends.get(r.seq)
                    name = os.path.basename(path)
                    yield info, c["manifests"][name], (after or {}).get("manifests", {}).get(name)


def _env_key(change: dict) -> str:
    if isinstance(change.get("env"), str) and change["env"]:
        return change["env"]
    if change.get("manager") in MANAGERS and MANAGERS[change["manager"]].ECOSYSTEM == "node":
        return os.path.realpath(os.path.join(change.get("cwd", ""), "node_modules"))
    return os.path.realpath(os.path.dirname(os.path.dirname(change.get("python", ""))))


# --- packages -----------------------------------------------------------------------------------------

JSON_MANIFESTS = ("package.json", "package-lock.json", "npm-shrinkwrap.json")


def _plan_packages(journal: Journal, record: Record, end: Record | None, history: _History) -> Step:
    c = record.change
    cwd, manager, python = c["cwd"], c["manager"], c["python"]
    describe = c.get("describe", "")
    after_rec = end.after if end is not None and isinstance(end.after, dict) else {}
    gone = MANAGERS[manager].ECOSYSTEM == "python" and not os.path.exists(python)
    if gone:
        # deleted since: what the install put there went with it, so there is nothing to uninstall, and no
        # manager command runs (a `uv sync` would make the environment again: heal never recreates one). The
        # manifests and generated files the install rewrote are still put back, below.
        env = {"packages": {}, "requires": {}}
    else:
        try:
            env = environment(manager, cwd, python, plan=True)  # the undo's record reuses it (changes.environment)
        except JournalError as exc:
            return Step(record.seq, describe, "nothing", cwd, conflict=str(exc), fatal=True)
    now = env["packages"]
    before = c["installed"]
    recorded_after = after_rec.get("installed")
    # no after state: heal was killed before the install ended (its installer has ended since: see locked())
    after = recorded_after if isinstance(recorded_after, dict) else now
    if gone:
        after = before = {}  # nothing of it to compare, remove or put back
    added = {n: v for n, v in after.items() if n not in before}
    ours = set(added) | {n for n, v in before.items() if after.get(n) != v}
    replaced = {n: v for n, v in before.items() if after.get(n) != v and now.get(n) != v}
    conflicts: list[str] = []

    # What the environment should hold now if only heal changed it since: later journaled changes to it.
    expected = dict(after)
    by: dict[str, str] = {}
    key = _env_key(c)
    for info, later, later_after in history.later(record.seq):
        lc = later.change
        if lc.get("kind") != "packages" or _env_key(lc) != key or not isinstance(lc.get("installed"), dict):
            continue
        la = (later_after or {}).get("installed")
        if not isinstance(la, dict):
            continue
        for n in set(lc["installed"]) | set(la):
            if lc["installed"].get(n) != la.get(n):
                if n in la:
                    expected[n] = la[n]
                else:
                    expected.pop(n, None)
                by[n] = info.id
    for n in sorted(ours):
        if now.get(n) != after.get(n) and now.get(n) != before.get(n):
            state = "was removed" if n not in now else f"is {now[n]} now"
            who = f" by heal change set {by[n]}" if n in by else ""
            conflicts.append(f"{n} {state}, changed{who} since this change set left it at "
                             f"{after.get(n, 'not installed')}")
    drift = []
    for n in sorted((set(expected) | set(now)) - ours):
        if expected.get(n) != now.get(n):
            drift.append(n)
            if n not in expected:
                conflicts.append(f"{n} {now[n]} was installed since")
            elif n not in now:
                conflicts.append(f"{n} was removed since")
            else:
                conflicts.append(f"{n} changed from {expected[n]} to {now[n]} since")
    remove = sorted(n for n in added if n in now)
    for pkg, deps in sorted(env["requires"].items()):
        if pkg in ours or pkg not in now or (pkg in before and before[pkg] == now[pkg]):
            continue
        if by.get(pkg) == history.target.id and expected.get(pkg) == now[pkg]:
            continue  # a later install of this same change set put it there: it is undone first
        needs = sorted(set(deps) & set(remove))
        if needs:
            conflicts.append(f"{pkg} {now[pkg]}, installed since, requires {', '.join(needs)}, which this rollback "
                             f"would remove")

    manifests: dict[str, dict] = {}
    fatal = False
    for name in MANIFESTS:
        path = os.path.join(cwd, name)
        m_before = c["manifests"].get(name, {"exists": False})
        m_after = (after_rec.get("manifests") or {}).get(name)
        try:
            m_now = _state(path)
        except OSError as exc:
            conflicts.append(f"{path}: {exc.strerror or exc}")
            fatal = True
            continue
        if _same(m_now, m_before):
            continue
        if m_after is None or _same(m_now, m_after):
            undo = {"restore": m_before}
        else:
            undo, why = _merge_manifest(journal, history, path, m_before, m_after, m_now, sorted(added))
            if why:
                conflicts.append(why)
        if "restore" in undo and undo["restore"].get("exists"):
            problem = journal.blobs.check(undo["restore"]["blob"])
            if problem:
                conflicts.append(f"{path}: backup {problem}")
                fatal = True
        manifests[name] = undo

    generated, gen_conflicts = _plan_generated(journal, c, after_rec)
    conflicts.extend(gen_conflicts)
    warning = f"the environment of {python} no longer exists: what the install put there went with it" \
        if gone and (c["installed"] or (after_rec.get("installed") or {})) else ""
    if not manifests and not remove and not replaced and not generated:
        # nothing of this change is left: whatever else changed since is no reason to refuse
        return Step(record.seq, f"{describe}: " + ("nothing to undo" if gone else "environment already as before"),
                    "nothing", cwd, warning=warning)
    parts = [f"remove {_names(remove)}"] if remove else []
    if replaced:
        parts.append(f"put back {_names([f'{n} {v}' for n, v in sorted(replaced.items())])}")
    if manifests:
        parts.append(f"restore {', '.join(manifests)}")
    if generated:
        parts.append(f"restore {len(generated)} generated project file(s)")
    return Step(record.seq, f"undo {describe}: {'; '.join(parts)}", "packages", cwd,
                conflict="; ".join(conflicts), fatal=fatal, warning=warning,
                detail={"added": remove, "replaced": replaced, "manifests": manifests, "manager": manager,
                        "python": python, "drift": drift, "generated": generated, "gone": gone,
                        "fresh": c.get("env_existed") is False and not drift})


def _owner(recorded: object) -> tuple[int, int] | None:
    """A recorded [uid, gid] (older records have none)."""
    if isinstance(recorded, list) and len(recorded) == 2 and all(isinstance(x, int) for x in recorded):
        return (recorded[0], recorded[1])
    return None


def _names(names: list[str], shown: int = 12) -> str:
    # an npm tree can be hundreds of packages: a line a person can read
    if len(names) <= shown:
        return ", ".join(names)
    return f"{', '.join(names[:shown])} and {len(names) - shown} more"


def _plan_generated(journal: Journal, c: dict, after_rec: dict) -> tuple[dict, list[str]]:
    """What to put back of the project files the install generated (an `*.egg-info`): path -> undo."""
    before = c.get("generated") or {}
    after = after_rec.get("generated") or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return {}, []
    written = after_rec.get("generated_before")  # what the install changed in the work tree (git saw it)
    if isinstance(written, dict):
        before = {**written, **before}
    plan_: dict[str, dict] = {}
    conflicts = []
    for path in sorted(set(before) | set(after)):
        b, a = before.get(path) or {"exists": False}, after.get(path) or {"exists": False}
        if b.get("dir") or a.get("dir"):
            if not b.get("exists") and os.path.isdir(path):
                plan_[path] = {"rmdir": True}
            continue
        try:
            now = _state(path)
        except OSError:
            conflicts.append(f"{path} is not a regular file now")
            continue
        if _same(now, b):
            continue
        if not _same(now, a):
            conflicts.append(f"{path} changed after heal touched it")
        if b.get("exists"):
            if journal.blobs.check(b["blob"]):
                conflicts.append(f"{path}: its backup is missing or corrupt")
                continue
            plan_[path] = {"restore": b}
        else:
            plan_[path] = {"delete": True}
    return plan_, conflicts


def _merge_manifest(journal: Journal, history: _History, path: str, before: dict, after: dict,
                    now: dict, added: list[str]) -> tuple[dict, str]:
    """How to take this change out of a manifest that changed since: (undo, conflict or "").

    First, a later rollback of the change set this one built on explains the file exactly: then the state
    before that change set is the answer, byte for byte. Else a JSON manifest gets only this change's keys
    taken out. Else the file is restored whole, which is a conflict: it would drop the later edit."""
    states = list(history.path_states(path))
    # this change went s1 -> s2; a later rollback of Y (s0 -> s1) took s2 to `now`: undoing this is s0
    for info, l_before, l_after in states:
        if info.kind != "rollback" or not info.undoes or not _same(l_before, after) or not _same(l_after, now):
            continue
        for y_info, y_before, y_after in states:
            if y_info.id == info.undoes and _same(y_after, before):
                return {"restore": y_before}, ""
    explained = _explained(states, history.target.id, after, now)
    name = os.path.basename(path)
    merged = None
    if name in JSON_MANIFESTS and after.get("exists") and now.get("exists"):
        try:
            if before.get("exists"):
                b, a, n = (cjson.loads(journal.blobs.get(s["blob"])) if s is not now else _load(path)
                           for s in (before, after, now))
                merged = _revert(n, b, a)
            elif name != "package.json":
                # a lockfile this change created and a later one extended: take this change's packages out
                merged = _lock_without(_load(path), added)
        except (ValueError, RecursionError, _Overlap, JournalError, OSError, TypeError, AttributeError):
            merged = None
        if merged is not None:
            data = _known_bytes(journal, states, merged) or _dump_like(merged, path)
            why = "" if explained else f"{path} changed after heal touched it (only this change's entries " \
                                       f"would be taken out)"
            return {"write": data, "mode": now.get("mode")}, why
    return {"restore": before}, f"{path} changed after heal touched it"


def _explained(states: list, target: str, after: dict, now: dict) -> bool:
    """Whether the journal's later records of the file take it from `after` to `now`."""
    current = after
    for info, l_before, l_after in states:
        if info.id <= target:
            continue
        if _same(l_before, current) and l_after is not None:
            current = l_after
    return _same(current, now)


def _load(path: str):
    with open(path, "rb") as fh:
        return cjson.loads(fh.read())


class _Overlap(Exception):
    pass


_MISSING = object()


def _revert(now, before, after):
    """`now` with the edit before -> after taken out; _Overlap where something else changed the same key."""
    if before == after:
        return now
    if isinstance(before, dict) and isinstance(after, dict) and isinstance(now, dict):
        out = dict(now)
        for k in list(after) + [k for k in before if k not in after]:
            bv, av, nv = before.get(k, _MISSING), after.get(k, _MISSING), now.get(k, _MISSING)
            if bv == av:
                continue
            if nv == av:
                if bv is _MISSING:
                    out.pop(k, None)
                else:
                    out[k] = bv
            elif isinstance(av, dict) and isinstance(nv, dict) and (bv is _MISSING or isinstance(bv, dict)):
                sub = _revert(nv, {} if bv is _MISSING else bv, av)
                if bv is _MISSING and sub == {}:
                    out.pop(k, None)  # a section this change created, empty again
                else:
                    out[k] = sub
            elif nv == bv:
                continue
            else:
                raise _Overlap(k)
        return out
    if now == after:
        return before
    raise _Overlap("")


def _lock_without(lock: dict, names: list[str]) -> dict:
    """An npm lockfile (v1 to v3) without the given top-level packages: their entries, whatever is nested under
    them, and the root's dependency on them."""
    out = dict(lock)
    packages = out.get("packages")
    if isinstance(packages, dict):
        gone = tuple(f"node_modules/{n}" for n in names)
        out["packages"] = {k: v for k, v in packages.items()
                           if not (k in gone or k.startswith(tuple(g + "/" for g in gone)))}
        root = out["packages"].get("")
        if isinstance(root, dict):
            root = dict(root)
            for section in ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies"):
                if isinstance(root.get(section), dict):
                    root[section] = {k: v for k, v in root[section].items() if k not in names}
                    if not root[section]:
                        del root[section]
            out["packages"][""] = root
    if isinstance(out.get("dependencies"), dict):  # lockfile v1
        out["dependencies"] = {k: v for k, v in out["dependencies"].items() if k not in names}
    return out


def _without_empty(obj):
    if isinstance(obj, dict):
        return {k: _without_empty(v) for k, v in obj.items() if v != {}}
    return obj


def _known_bytes(journal: Journal, states: list, merged) -> bytes | None:
    """A recorded version of the file with this content (an empty section aside), byte for byte."""
    want = _without_empty(merged)
    for _info, b, a in reversed(states):
        for s in (b, a):
            if s and s.get("exists"):
                try:
                    data = journal.blobs.get(s["blob"])
                    if _without_empty(cjson.loads(data)) == want:
                        return data
                except (JournalError, ValueError, RecursionError, Exception):
                    continue
    return None


def _dump_like(obj, path: str) -> bytes:
    """JSON the way npm writes it, with the indent the file has now."""
    try:
        with open(path, "rb") as fh:
            text = fh.read().decode("utf-8", "replace")
    except OSError:
        text = ""
    import json
    import re  # only when a manifest is merged: a plain rollback imports neither

    m = re.search(r"\n([ \t]+)\S", text)
    indent = m.group(1) if m else "  "
    out = json.dumps(obj, indent=indent, ensure_ascii=False)
    return (out + ("\n" if text.endswith("\n") or not text else "")).encode()


# --- git ------------------------------------------------------------------------------------------------

def _plan_git(record: Record, done: Record | None) -> Step:
    c = record.change
    cwd, branch, before = c["cwd"], c["branch"], c["before"]
    try:
        now_branch, now = head(cwd)
        changed = dirty(cwd)
    except (GitError, OSError) as exc:
        return Step(record.seq, c.get("describe", ""), "git", cwd, conflict=f"git in {cwd}: {exc}", fatal=True)
    if now_branch == branch and now == before:
        return Step(record.seq, f"{c.get('describe', '')}: {branch} already at {before[:12]}", "nothing", cwd)
    after = done.after.get("after") if done is not None else now  # a crash after the command, before "done"
    describe = f"reset {branch} from {now[:12]} back to {before[:12]} (undo {c.get('describe', '')})"
    # A branch moved or edited since is never forced back: that would take away the user's own work.
    conflict = ""
    if now_branch != branch:
        conflict = f"git: {now_branch} is checked out, not {branch}"
    elif now != after:
        conflict = f"git: {branch} moved since heal changed it ({str(after)[:12]} -> {now[:12]})"
    elif changed:
        conflict = f"git: uncommitted changes in {', '.join(changed[:3])}"
    return Step(record.seq, describe, "git", cwd, conflict=conflict, detail={"before": before}, fatal=True,
                warning=_pushed(cwd, now))


def _pushed(cwd: str, commit: str) -> str:
    """A warning when the commit to reset away from is already on the upstream branch: the reset undoes the
    rebase here, not the push."""
    code, upstream = git(cwd, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}")
    if code != 0 or not upstream:
        return ""
    code, _ = git(cwd, "merge-base", "--is-ancestor", commit, "@{upstream}")
    if code != 0:
        return ""
    return (f"the rebased commits ({commit[:12]}) are already pushed to {upstream}: this resets your local branch "
            f"only, it cannot undo the push (afterwards the branch is behind {upstream})")


# --- doing it -------------------------------------------------------------------------------------------

class Outcome(values.Record):
    __slots__ = ("plan", "rollback_id", "done")
    plan: Plan
    rollback_id: str | None
    done: tuple[str, ...]

    def __init__(self, plan: Plan, rollback_id: str | None, done: tuple[str, ...]) -> None:
        self._fill(plan, rollback_id, done)


def check(p: Plan, *, force: bool = False) -> None:
    """Refused when the plan cannot be done exactly (never, even forced) or has conflicts (unless forced)."""
    broken = [s.conflict for s in p.fatal]
    if broken:
        # --force overwrites a user's later edit; it never writes bytes heal cannot vouch for
        raise Refused(f"cannot roll back {p.target.id} exactly: {'; '.join(broken)}")
    if p.conflicts and not force:
        names = "; ".join(s.conflict for s in p.conflicts)
        raise Refused(f"refusing to roll back {p.target.id}: {names} (use --force to overwrite)")


def rollback(journal: Journal, p: Plan, *, force: bool = False, dry_run: bool = False) -> Outcome:
    """Execute a plan (made by plan() under the project lock, which the caller still holds)."""
    cid = p.target.id
    if p.target.status == "rolled back":
        return Outcome(p, None, ())
    check(p, force=force)
    if dry_run:
        return Outcome(p, None, ())
    if not p.work:
        settle(journal, p)
        return Outcome(p, None, ())
    # first: a temporary file a killed write left in a directory the rollback empties would keep it
    remove_stale_tmp(p)
    info = p.target
    done: list[str] = []
    why = f"rollback of {cid}"
    with journal.changeset(cwd=info.cwd or info.root, root=info.root, command=["heal", "rollback", cid],
                           diagnosis=f"rollback of {cid}", kind="rollback", undoes=cid) as cs:
        for step in p.work:
            if step.action == "restore":
                allow = _allow_of(p, step)
                _parents(cs, step.path, why, allow)
                data = journal.blobs.get(step.detail["blob"])
                cs.apply(FileChange(step.path, data=data, mode=step.detail["mode"], reason=why, allow=allow,
                                    owner=_owner(step.detail.get("owner"))))
            elif step.action == "chmod":
                cs.apply(FileChange(step.path, mode=step.detail["mode"], reason=why, allow=_allow_of(p, step)))
            elif step.action == "delete":
                cs.apply(FileChange(step.path, delete=True, reason=why, allow=_allow_of(p, step)))
            elif step.action == "rmdir":
                if os.path.isdir(step.path) and not os.listdir(step.path):
                    cs.apply(FileChange(step.path, rmdir=True, reason=why, allow=_allow_of(p, step)))
            elif step.action == "mkdir":
                _parents(cs, os.path.join(step.path, "x"), why, _allow_of(p, step))
            elif step.action == "packages":
                _undo_packages(journal, cs, step, cid)
            elif step.action == "git":
                cs.apply(GitRefChange(["git", "reset", "--keep", step.detail["before"]], cwd=step.path,
                                      reason=why))
            done.append(step.describe)
    journal.mark_rolled_back(cid, cs.id)
    _supersede(journal, cid, cs.id)
    if info.kind == "rollback" and info.undoes:
        # undoing a rollback re-applies what it had undone
        journal.clear_status(info.undoes)
    remove_stale_tmp(p)
    return Outcome(p, cs.id, tuple(done))


def settle(journal: Journal, p: Plan) -> None:
    """Nothing left to undo: record that, so that `--last` moves on. An earlier rollback that was killed after
    its last change, or interrupted once its last change was made (Ctrl-C while pip finished an uninstall: the
    change recorded as failed), did the work; otherwise the changes were undone by hand."""
    if p.conflicts or p.target.status in ("rolled back", "empty", "damaged"):
        remove_stale_tmp(p)
        return
    cid = p.target.id
    by = ""
    for other in (i for i in journal.ids() if i > cid):
        o = journal.info(other)
        if o.kind == "rollback" and o.undoes == cid and o.status in ("incomplete", "failed"):
            by = other
    journal.mark_rolled_back(cid, by)
    if by:
        journal.set_status(by, "applied", by=by)  # its work is all done: it was only stopped before saying so
        _supersede(journal, cid, by)
    remove_stale_tmp(p)


def _supersede(journal: Journal, cid: str, by: str) -> None:
    for other in journal.ids():
        if other <= cid or other == by:
            continue
        o = journal.info(other)
        if o.kind == "rollback" and o.undoes == cid and o.status == "incomplete":
            journal.set_status(other, "superseded", by=by)  # an interrupted earlier attempt


def _parents(cs, path: str, why: str, allow: tuple[str, ...] = ()) -> None:
    """Directories a restored file needs, created through the journal (so that they are removed again)."""
    missing = []
    d = os.path.dirname(path)
    while d and not os.path.isdir(d) and d != os.path.dirname(d):
        missing.append(d)
        d = os.path.dirname(d)
    for d in reversed(missing):
        cs.apply(FileChange(d, mkdir=True, reason=why, allow=allow))


def remove_stale_tmp(p: Plan) -> None:
    """A crash inside an atomic write leaves `.<name>.<pid>.tmp` beside the target; remove those of every file
    the change set touched, whether or not this rollback had to write it (the write may have been cut off
    before it changed anything)."""
    paths = set()
    for r in p.target.actions:
        c = r.change
        if r.op != "intent":
            continue
        if c.get("kind") == "file" and isinstance(c.get("path"), str):
            paths.add(c["path"])
        elif c.get("kind") == "packages" and isinstance(c.get("cwd"), str):
            paths.update(os.path.join(c["cwd"], name) for name in MANIFESTS)
            paths.update(p for p in (c.get("generated") or {}) if isinstance(p, str))
    by_dir: dict[str, set[str]] = {}
    for path in paths:
        by_dir.setdefault(os.path.dirname(path), set()).add(os.path.basename(path))
    for directory, names in by_dir.items():
        try:
            children = os.listdir(directory)
        except OSError:
            continue
        for child in children:
            # `.<name>.*.tmp`, told without glob (whose fnmatch would cost a rollback `re`)
            if not (child[:1] == "." and child.endswith(".tmp") and
                    any(child.startswith(f".{name}.") and len(child) >= len(name) + 6 for name in names)):
                continue
            tmp = os.path.join(directory, child)
            pid = tmp[:-4].rsplit(".", 1)[-1]
            if pid.isdigit() and locks.start_time(int(pid)) is not None and int(pid) != os.getpid():
                continue  # a live process is writing it right now
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _allow_of(p: Plan, step: Step) -> tuple[str, ...]:
    """The files outside the project the change was allowed to write (an integration's hook or settings):
    its undo may write exactly those again."""
    for record in p.target.actions:
        if record.seq == step.seq and record.op == "intent":
            return tuple(str(a) for a in record.change.get("allow") or ())
    return ()


def _undo_packages(journal: Journal, cs, step: Step, cid: str) -> None:
    d = step.detail
    manager, cwd, python, why = d["manager"], step.path, d["python"], f"rollback of {cid}"

    def run(step_: Run) -> None:
        cs.apply(PackageChange(manager, step_.argv, cwd=cwd, python=python, reason=why, remove=step_.remove))

    module = MANAGERS[manager]
    tool_ = tool(manager)
    undo = Undo(added=list(d["added"]), replaced=dict(d["replaced"]), drift=list(d.get("drift") or ()),
                python=python, cwd=cwd, fresh=bool(d.get("fresh")))
    gone = bool(d.get("gone"))  # the environment was deleted since: no manager command (see _plan_packages)
    for step_ in () if gone else module.undo_remove(tool_, undo):
        run(step_)  # before the manifests go back: the manager's own remove knows its tree
    for name, plan_ in d["manifests"].items():
        path = os.path.join(cwd, name)
        if "write" in plan_:
            cs.apply(FileChange(path, data=plan_["write"], mode=plan_.get("mode") or 0o644, reason=why))
        elif plan_["restore"].get("exists"):
            before = plan_["restore"]
            cs.apply(FileChange(path, data=journal.blobs.get(before["blob"]), mode=before["mode"], reason=why))
        elif os.path.lexists(path):
            cs.apply(FileChange(path, delete=True, reason=why))
    for step_ in () if gone else module.undo_sync(tool_, undo):
        run(step_)  # with the manifests back: the manager's own sync (or uninstall) puts the environment back
    # the project files the install generated (an *.egg-info), newest structure last
    generated = d.get("generated") or {}
    for path, g in sorted(generated.items()):
        if "restore" in g:
            _parents(cs, path, why)
            b = g["restore"]
            cs.apply(FileChange(path, data=journal.blobs.get(b["blob"]), mode=b["mode"], reason=why))
        elif "delete" in g and os.path.lexists(path):
            cs.apply(FileChange(path, delete=True, reason=why))
    for path, g in sorted(generated.items(), reverse=True):
        if "rmdir" in g and os.path.isdir(path) and not os.listdir(path):
            cs.apply(FileChange(path, rmdir=True, reason=why))


__all__ = ["Outcome", "Plan", "Step", "check", "locked", "plan", "rollback", "settle"]
