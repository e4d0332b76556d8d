"""Undo a change set, newest change first, byte-exact, itself as a journaled change set.

A file is put back only when it is exactly as heal left it (or as it was before, when a crash came
between the intent and the change): anything else means someone edited it since, and rollback refuses
and names it unless forced. A blob that is missing or corrupt is never written.
"""

from __future__ import annotations

import glob
import os
import shutil
from dataclasses import dataclass, field

from heal.journal.changes import MANIFESTS, FileChange, PackageChange, installed
from heal.journal.gitref import GitRefChange, dirty, head
from heal.journal.store import ChangeSetInfo, Journal, JournalError, Record


@dataclass(frozen=True)
class Step:
    seq: int
    describe: str
    action: str  # restore | delete | packages | git | nothing
    path: str = ""
    conflict: str = ""
    detail: dict = field(default_factory=dict)
    fatal: bool = False  # the conflict cannot be forced: a backup heal cannot vouch for, or someone's own work


@dataclass(frozen=True)
class Plan:
    target: ChangeSetInfo
    steps: tuple[Step, ...]

    @property
    def conflicts(self) -> list[Step]:
        return [s for s in self.steps if s.conflict]

    @property
    def fatal(self) -> list[Step]:
        return [s for s in self.steps if s.conflict and s.fatal]

    @property
    def work(self) -> list[Step]:
        return [s for s in self.steps if s.action != "nothing"]


def plan(journal: Journal, cid: str) -> Plan:
    info = journal.info(cid)
    if info.status == "damaged" and not info.actions:
        raise JournalError(f"change set {cid} is damaged: {info.problem}")
    done = {r.seq: r for r in info.actions if r.op == "done"}
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
            steps.append(_plan_packages(journal, record, done.get(record.seq)))
        elif kind == "git-ref":
            steps.append(_plan_git(record, done.get(record.seq)))
        else:
            steps.append(Step(record.seq, f"unknown change kind {kind!r}", "nothing",
                              conflict=f"change {record.seq} has an unknown kind {kind!r}", fatal=True))
    return Plan(info, tuple(steps))


def _same(a: dict, b: dict) -> bool:
    if not a.get("exists") and not b.get("exists"):
        return True
    return a.get("exists") == b.get("exists") and a.get("blob") == b.get("blob") and a.get("mode") == b.get("mode")


def _plan_file(journal: Journal, record: Record, done: Record | None, virtual: dict | None) -> Step:
    c = record.change
    path, before = c["path"], c["before"]
    rel = c.get("describe", path)
    try:
        now = virtual if virtual is not None else _state(path)
    except OSError as exc:
        return Step(record.seq, rel, "nothing", path, conflict=f"{path}: {exc.strerror}")
    if _same(now, before):
        return Step(record.seq, f"{rel}: already as before", "nothing", path)
    expected = done.after if done is not None else _expected_after(c)
    if not _same(now, expected):
        return Step(record.seq, rel, "restore" if before["exists"] else "delete", path,
                    conflict=f"{path} changed after heal touched it")
    if before["exists"]:
        problem = journal.blobs.check(before["blob"])
        if problem:
            return Step(record.seq, rel, "restore", path, conflict=f"{path}: backup {problem}", fatal=True)
        return Step(record.seq, f"restore {path}", "restore", path)
    return Step(record.seq, f"remove {path} (heal created it)", "delete", path)


def _expected_after(change: dict) -> dict:
    before = change["before"]
    if change["op"] == "delete":
        return {"exists": False}
    if change["op"] == "write":
        mode = change.get("new_mode", before.get("mode"))
        return {"exists": True, "blob": change["new_blob"], "mode": mode if mode is not None else 0o644}
    return {**before, "mode": change.get("new_mode")}


def _state(path: str) -> dict:
    import stat as st_

    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return {"exists": False, "blob": None, "mode": None}
    with open(path, "rb") as fh:
        from heal.journal.blobs import sha256

        return {"exists": True, "blob": sha256(fh.read()), "mode": st_.S_IMODE(st.st_mode)}


def _plan_packages(journal: Journal, record: Record, done: Record | None) -> Step:
    c = record.change
    cwd = c["cwd"]
    conflicts = []
    fatal = False
    manifests = {}
    for name in MANIFESTS:
        before = c["manifests"].get(name, {"exists": False})
        path = os.path.join(cwd, name)
        now = _state(path)
        if _same(now, before):
            continue
        after = (done.after.get("manifests", {}).get(name) if done is not None else None)
        if after is not None and not _same(now, after):
            conflicts.append(f"{path} changed after heal touched it")
        if before.get("exists"):
            problem = journal.blobs.check(before["blob"])
            if problem:
                conflicts.append(f"{path}: backup {problem}")
                fatal = True
        manifests[name] = before
    try:
        now_installed = installed(c["manager"], cwd, c["python"])
    except JournalError as exc:
        return Step(record.seq, c.get("describe", ""), "packages", cwd, conflict=str(exc))
    before_installed = c["installed"]
    added = sorted(set(now_installed) - set(before_installed))
    replaced = {n: v for n, v in before_installed.items() if now_installed.get(n) != v}
    if not manifests and not added and not replaced:
        return Step(record.seq, f"{c.get('describe', '')}: environment already as before", "nothing", cwd)
    parts = [f"remove {', '.join(added)}"] if added else []
    if replaced:
        parts.append(f"put back {', '.join(f'{n} {v}' for n, v in replaced.items())}")
    if manifests:
        parts.append(f"restore {', '.join(manifests)}")
    describe = f"undo {c.get('describe', '')}: {'; '.join(parts)}"
    return Step(record.seq, describe, "packages", cwd, conflict="; ".join(conflicts), fatal=fatal,
                detail={"added": added, "replaced": replaced, "manifests": manifests, "manager": c["manager"],
                        "python": c["python"]})


def _plan_git(record: Record, done: Record | None) -> Step:
    c = record.change
    cwd, branch, before = c["cwd"], c["branch"], c["before"]
    try:
        now_branch, now = head(cwd)
        changed = dirty(cwd)
    except (JournalError, OSError) as exc:
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
        conflict = f"git: {branch} moved since heal changed it ({after[:12]} -> {now[:12]})"
    elif changed:
        conflict = f"git: uncommitted changes in {', '.join(changed[:3])}"
    return Step(record.seq, describe, "git", cwd, conflict=conflict, detail={"before": before}, fatal=True)


@dataclass(frozen=True)
class Outcome:
    plan: Plan
    rollback_id: str | None
    done: tuple[str, ...]


def rollback(journal: Journal, cid: str, *, force: bool = False, dry_run: bool = False) -> Outcome:
    p = plan(journal, cid)
    if p.target.status == "rolled back":
        return Outcome(p, None, ())
    broken = [s.conflict for s in p.fatal]
    if broken:
        # --force overwrites a user's later edit; it never writes bytes heal cannot vouch for
        raise JournalError(f"cannot roll back {cid} exactly: {'; '.join(broken)}")
    if p.conflicts and not force:
        names = "; ".join(s.conflict for s in p.conflicts)
        raise JournalError(f"refusing to roll back {cid}: {names} (use --force to overwrite)")
    if dry_run or not p.work:
        return Outcome(p, None, ())
    info = p.target
    done: list[str] = []
    with journal.changeset(cwd=info.cwd or info.root, root=info.root, command=["heal", "rollback", cid],
                           diagnosis=f"rollback of {cid}", kind="rollback", undoes=cid) as cs:
        for step in p.work:
            if step.action == "restore":
                before = _before_of(p, step)
                data = journal.blobs.get(before["blob"])
                cs.apply(FileChange(step.path, data=data, mode=before["mode"], reason=f"rollback of {cid}",
                                    allow=_allow_of(p, step)))
                _remove_stale_tmp(step.path)
            elif step.action == "delete":
                cs.apply(FileChange(step.path, delete=True, reason=f"rollback of {cid}", allow=_allow_of(p, step)))
                _remove_stale_tmp(step.path)
            elif step.action == "packages":
                _undo_packages(journal, cs, step, cid)
            elif step.action == "git":
                cs.apply(GitRefChange(["git", "reset", "--keep", step.detail["before"]], cwd=step.path,
                                      reason=f"rollback of {cid}"))
            done.append(step.describe)
    journal.mark_rolled_back(cid, cs.id)
    for other in journal.ids():
        o = journal.info(other)
        if o.kind == "rollback" and o.undoes == cid and o.status == "incomplete":
            journal.set_status(other, "superseded", by=cs.id)  # an interrupted earlier attempt
    if info.kind == "rollback" and info.undoes:
        # undoing a rollback re-applies what it had undone
        _clear_status(journal, info.undoes)
    return Outcome(p, cs.id, tuple(done))


_NODE_REMOVE = {"npm": ["npm", "uninstall", "--no-save", "--no-audit", "--no-fund"], "yarn": ["yarn", "remove"],
                "pnpm": ["pnpm", "remove"], "bun": ["bun", "remove"]}
_NODE_LOCKS = {"npm": ("package-lock.json", "npm-shrinkwrap.json"), "yarn": ("yarn.lock",),
               "pnpm": ("pnpm-lock.yaml",), "bun": ("bun.lock", "bun.lockb")}
_SYNC = {"uv": ["sync"], "pdm": ["sync", "--clean"]}  # managers whose sync is exact


def _tool(name: str) -> str:
    return shutil.which(name) or name


def _poetry_sync() -> list[str]:
    import re

    from heal.run import RunSpec, run

    poetry = _tool("poetry")
    r = run(RunSpec((poetry, "--version"), passthrough=False, keep_stdout=True, timeout=60, head_bytes=0,
                    tail_bytes=0))
    m = re.search(rb"(\d+)\.\d+", r.stdout or b"")
    return [poetry, "sync"] if m and int(m.group(1)) >= 2 else [poetry, "install", "--sync"]


def _before_of(p: Plan, step: Step) -> dict:
    for record in p.target.actions:
        if record.seq == step.seq and record.op == "intent":
            return record.change["before"]
    raise JournalError(f"change {step.seq} has no intent record")


def _allow_of(p: Plan, step: Step) -> tuple[str, ...]:
    """The files outside the project the change was allowed to write (an integration's hook or settings):
    its undo may write exactly those again."""
    for record in p.target.actions:
        if record.seq == step.seq and record.op == "intent":
            return tuple(str(a) for a in record.change.get("allow") or ())
    return ()


def _remove_stale_tmp(path: str) -> None:
    # a crash inside an atomic write leaves its temporary file beside the target
    for tmp in glob.glob(os.path.join(os.path.dirname(path), f".{glob.escape(os.path.basename(path))}.*.tmp")):
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _undo_packages(journal: Journal, cs, step: Step, cid: str) -> None:
    d = step.detail
    manager, cwd, python, why = d["manager"], step.path, d["python"], f"rollback of {cid}"

    def run(argv: list[str]) -> None:
        cs.apply(PackageChange(manager, argv, cwd=cwd, python=python, reason=why))

    if manager in _NODE_REMOVE and d["added"]:
        # before the manifests go back: the manager's own remove knows its tree (npm prune and yarn install
        # keep what their lockfiles' caches still list)
        run([*_NODE_REMOVE[manager], *d["added"]])
    for name, before in d["manifests"].items():
        path = os.path.join(cwd, name)
        if before.get("exists"):
            cs.apply(FileChange(path, data=journal.blobs.get(before["blob"]), mode=before["mode"], reason=why))
        elif os.path.lexists(path):
            cs.apply(FileChange(path, delete=True, reason=why))
    if manager in _SYNC:
        # with the manifest and lock back, the manager's exact sync removes what was added and puts back
        # what was replaced
        run([_tool(manager), *_SYNC[manager]])
    elif manager == "poetry":
        run(_poetry_sync())  # likewise; `install --sync` before poetry 2.0
    elif manager == "pipenv":
        # clean uninstalls what the restored Pipfile.lock does not list; sync puts back the versions it pins
        run([_tool("pipenv"), "clean"])
        if d["replaced"]:
            run([_tool("pipenv"), "sync"])
    elif manager == "pip":
        if d["added"]:
            run([python, "-m", "pip", "uninstall", "-y", *d["added"]])
        if d["replaced"]:
            run([python, "-m", "pip", "install", "--no-deps", *(f"{n}=={v}" for n, v in d["replaced"].items())])
    elif os.path.exists(os.path.join(cwd, "package.json")):
        # with a restored lockfile, install puts back the versions it pins (what the install replaced)
        if d["replaced"] and any(os.path.exists(os.path.join(cwd, n)) for n in _NODE_LOCKS.get(manager, ())):
            run(["npm", "install", "--no-audit", "--no-fund"] if manager == "npm" else [manager, "install"])


def _clear_status(journal: Journal, cid: str) -> None:
    try:
        os.unlink(os.path.join(journal.dir, cid, "status.json"))
    except OSError:
        pass


__all__ = ["Outcome", "Plan", "Step", "plan", "rollback"]
