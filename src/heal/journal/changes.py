"""How each kind of change heal makes (heal.journal.kinds) is applied, recording what it needs to be undone
exactly.

prepare_<kind>() runs before anything changes: it checks the change is allowed and backs up the current
state into the blob store, returning the intent record. perform_<kind>() makes the change and returns the
state after it (the change's own prepare() and perform() call them). Undoing is heal.journal.rollback's job,
from these records alone.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Callable, Iterator

from heal.errors import JournalError
from heal.fsutil import write_atomic
from heal.git import dirty, git, head, rebasing
from heal.journal.kinds import CommandChange, FileChange, GitRefChange, PackageChange
from heal.managers import MANAGERS, MANIFESTS  # the manifests and lockfiles an install may rewrite, of every manager
from heal.project import check_editable

# Imported when a change is applied (or rolled back), never to plan one: still, the change set, the blob
# store's hashlib, json, shutil and signal are imported where they are used.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from heal.journal import changeset


def file_state(cs: changeset.ChangeSet, path: str, *, backup: bool) -> dict:
    """exists/blob/mode of a file now; with backup, its bytes go into the blob store."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return {"exists": False, "blob": None, "mode": None}
    if not stat.S_ISREG(st.st_mode):
        raise JournalError(f"{path} is not a regular file")
    with open(path, "rb") as fh:
        data = fh.read()
    if backup:
        digest = cs.journal.blobs.put(data)
    else:
        from heal.journal.blobs import sha256

        digest = sha256(data)
    # the owner too: a file rollback recreates as root gets back its own, not its directory's
    return {"exists": True, "blob": digest, "mode": stat.S_IMODE(st.st_mode), "owner": [st.st_uid, st.st_gid]}


def prepare_file(change: FileChange, cs: changeset.ChangeSet) -> dict:
    path = check_editable(change.path, cs.root, allow=change.allow)
    rel = _shown(path, cs.root)
    allowed = {"allow": [os.path.realpath(a) for a in change.allow]} if change.allow else {}
    if change.mkdir or change.rmdir:
        # a directory heal creates (restoring a checkpoint) is removed again when it is empty, and one it
        # removes (rolling that back) is created again
        op = "mkdir" if change.mkdir else "rmdir"
        if change.rmdir and (not os.path.isdir(path) or os.listdir(path)):
            raise JournalError(f"{path} is not an empty directory")
        return {"kind": "file", "op": op, "path": path,
                "describe": f"{'created' if change.mkdir else 'removed'} directory {rel}/",
                "before": {"exists": os.path.isdir(path), "blob": None, "mode": None},
                **({"reason": change.reason} if change.reason else {}), **allowed}
    before = file_state(cs, path, backup=True)
    if change.delete:
        op, describe = "delete", f"deleted {rel}"
    elif change.data is not None:
        op = "write"
        describe = f"{'edited' if before['exists'] else 'created'} {rel}"
    else:
        op, describe = "chmod", f"chmod {change.mode:o} {rel}"
    intent = {"kind": "file", "op": op, "path": path, "before": before, "describe": describe, **allowed}
    if change.data is not None:
        intent["new_blob"] = cs.journal.blobs.put(change.data)
    if change.mode is not None:
        intent["new_mode"] = change.mode
    if change.reason:
        intent["reason"] = change.reason
    return intent

def perform_file(change: FileChange, cs: changeset.ChangeSet, intent: dict, progress: Callable[[bytes], None] | None = None) -> dict:
    path = intent["path"]
    if intent["op"] == "mkdir":
        from heal.fsutil import give_to, owner_for

        owner = owner_for(path)  # run as root: the directory belongs to whoever owns its parent
        os.makedirs(path, exist_ok=True)
        give_to(path, owner)
        return {"exists": True, "blob": None, "mode": None}
    if intent["op"] == "rmdir":
        with contextlib.suppress(FileNotFoundError):
            os.rmdir(path)
        return {"exists": False, "blob": None, "mode": None}
    if intent["op"] == "delete":
        if os.path.lexists(path):
            os.unlink(path)
    elif intent["op"] == "write":
        mode = intent.get("new_mode", intent["before"]["mode"])
        write_atomic(path, change.data or b"", mode=mode if mode is not None else 0o644, owner=change.owner)
    else:
        # in place: the inode, its owner, links, ACLs and xattrs stay what they were
        os.chmod(path, intent["new_mode"])
    return file_state(cs, path, backup=False)


def _shown(path: str, root: str) -> str:
    """Relative to the project when inside it; an allowed file elsewhere keeps its absolute path."""
    rel = os.path.relpath(path, root)
    return path if rel == os.pardir or rel.startswith(os.pardir + os.sep) else rel


def prepare_packages(change: PackageChange, cs: changeset.ChangeSet) -> dict:
    cwd = check_editable(change.cwd, cs.root)
    manifests = {name: file_state(cs, os.path.join(cwd, name), backup=True) for name in MANIFESTS}
    env = environment(change.manager, cwd, change.python, reuse=True)
    describe = f"npm: remove {', '.join(change.remove)} from node_modules" if change.remove else \
        f"{change.manager}: {' '.join(change.argv)}"
    return {"kind": "packages", "manager": change.manager, "argv": list(change.argv), "cwd": cwd,
            "python": change.python, "packages": list(change.packages), "manifests": manifests, "installed": env["packages"], "env": env["where"],
            "generated": generated_files(cs, cwd, backup=True), "describe": describe, "reason": change.reason,
            **({"remove": list(change.remove)} if change.remove else {}),
            **({"env_existed": os.path.isdir(env["where"])} if MANAGERS[change.manager].ECOSYSTEM == "node" else {}),
            **({"dirty": sorted(dirty)} if (dirty := worktree_changes(cwd, cs.root)) is not None else {})}

def perform_packages(change: PackageChange, cs: changeset.ChangeSet, intent: dict, progress: Callable[[bytes], None] | None = None) -> dict:
    from heal.journal import changeset

    from heal.run import RunSpec, run

    spawned: list[int] = []

    def on_spawn(pid: int) -> None:
        spawned.append(pid)
        cs.spawned(pid)

    _PLANNED.clear()  # from here on, what any environment held is unknown until it is read again
    if change.remove:
        _remove_node_packages(os.path.join(intent["cwd"], "node_modules"), list(change.remove))
        exit_code, tail = 0, []
    else:
        with _stopped_with_heal(spawned):
            result = run(RunSpec(tuple(change.argv), cwd=intent["cwd"], passthrough=False, timeout=600,
                                 on_spawn=on_spawn, on_output=progress))
        exit_code, tail = result.exit_code, _error_lines(result.text)
    changeset.crash_point()
    after = {"exit_code": exit_code,
             "manifests": {name: file_state(cs, os.path.join(intent["cwd"], name), backup=True)
                           for name in MANIFESTS},
             # with the modules the install is for: the install action's check() reads that answer
             # (heal.managers.base.verified) instead of starting the interpreter once more
             "installed": installed(change.manager, intent["cwd"], intent["python"], change.imports),
             "generated": generated_files(cs, intent["cwd"], backup=False)}
    if isinstance(intent.get("dirty"), list):
        _worktree_written(cs, intent, after)
    if exit_code != 0:
        # what a failed install changed is recorded all the same: rollback undoes that part too
        raise InstallFailed(f"{' '.join(change.argv)} exited {exit_code}: {' / '.join(tail)}", after)
    return after


class InstallFailed(JournalError):
    """The installer failed; `after` is the state it left, which the journal records with the failure."""

    def __init__(self, message: str, after: dict) -> None:
        super().__init__(message)
        self.after = after


def _remove_node_packages(node_modules: str, names: list[str]) -> None:
    """Take packages out of node_modules as npm would, leaving every other package where it is: their
    directories, the .bin links into them, and their entries in npm's hidden lockfile."""
    import json
    import shutil

    dirs = [os.path.join(node_modules, *name.split("/")) for name in names]
    bin_dir = os.path.join(node_modules, ".bin")
    if os.path.isdir(bin_dir):
        for link in os.listdir(bin_dir):
            target = os.path.realpath(os.path.join(bin_dir, link))
            if any(target == d or target.startswith(os.path.realpath(d) + os.sep) for d in dirs):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(bin_dir, link))
    for d in dirs:
        if os.path.isdir(d) and not os.path.islink(d):
            shutil.rmtree(d)
        elif os.path.lexists(d):
            os.unlink(d)
    for scope in {os.path.dirname(d) for d in dirs if os.path.basename(os.path.dirname(d)).startswith("@")}:
        with contextlib.suppress(OSError):
            os.rmdir(scope)  # a scope directory the removal emptied, as npm leaves none
    hidden = os.path.join(node_modules, ".package-lock.json")
    try:
        with open(hidden, "rb") as fh:
            lock = json.loads(fh.read())
        packages = lock["packages"]
        gone = tuple(f"node_modules/{name}" for name in names)
        for key in [k for k in packages if k in gone or k.startswith(tuple(g + "/" for g in gone))]:
            del packages[key]
        if any(k.startswith("node_modules/") for k in packages):
            write_atomic(hidden, (json.dumps(lock, indent=2) + "\n").encode())
        else:
            os.unlink(hidden)  # nothing installed is left: npm removes its hidden lockfile then too
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        with contextlib.suppress(OSError):
            os.unlink(hidden)  # npm reads the tree itself when its cache of it is missing
    for empty in (bin_dir, node_modules):
        with contextlib.suppress(OSError):
            os.rmdir(empty)  # only when nothing else is left in it


@contextlib.contextmanager
def _stopped_with_heal(spawned: list[int]) -> Iterator[None]:
    """The installer runs in its own process group, so Ctrl-C (and TERM, HUP) reach heal alone. heal then stops
    relaying: the runner closes the installer's pipes and waits for it, and the installer ends at its next line
    of output, which pip and npm never write in the middle of changing the environment (killing pip while it
    copies a wheel leaves files no uninstall knows about). A second signal while heal waits passes SIGINT on,
    for an installer that has nothing more to say (a stalled download)."""
    import _signal as signal  # not signal: its enums (enum's import) would cost a rollback 2 ms
    signals: list[int] = []

    def handler(sig: int, frame: object) -> None:
        signals.append(sig)
        if len(signals) == 1:
            with contextlib.suppress(Exception):
                sys.stderr.write("heal: stopping; the installer ends at its next step (again to interrupt it)\n")
        else:
            for pid in spawned:
                with contextlib.suppress(OSError):
                    os.killpg(pid, signal.SIGINT)
        if sig == signal.SIGINT:
            raise KeyboardInterrupt
        raise SystemExit(128 + sig)

    old: dict[int, object] = {}
    try:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            current = signal.getsignal(sig)
            if current == signal.SIG_IGN:
                continue  # heal was started ignoring it (nohup): so is the installer
            old[sig] = current
            signal.signal(sig, handler)
    except ValueError:
        pass  # not the main thread: signals cannot be handled here
    try:
        yield
    finally:
        for sig, previous in old.items():
            with contextlib.suppress(Exception):
                signal.signal(sig, previous)  # type: ignore[arg-type]


# The project files an install may write besides the manifests: setuptools' metadata of `pip install -e .`
# (an sdist ships it, so it may be the user's own tracked file).
GENERATED = ("", "src")  # the directories whose `*.egg-info` directories are generated


def generated_files(cs: changeset.ChangeSet, cwd: str, *, backup: bool) -> dict[str, dict]:
    """path -> state of every file in the directories an install generates in the project (and each such
    directory itself, as {"dir": True})."""
    out: dict[str, dict] = {}
    for sub in GENERATED:
        parent = os.path.join(cwd, sub) if sub else cwd
        try:
            names = os.listdir(parent)
        except OSError:
            continue
        # what the glob `*.egg-info` matched: no hidden names (glob and fnmatch would cost a rollback `re`)
        for d in sorted(os.path.join(parent, n) for n in names if n.endswith(".egg-info") and n[:1] != "."):
            if not os.path.isdir(d) or os.path.islink(d):
                continue
            out[d] = {"dir": True, "exists": True, "blob": None, "mode": None}
            for dirpath, dirnames, filenames in os.walk(d):
                for name in dirnames:
                    out[os.path.join(dirpath, name)] = {"dir": True, "exists": True, "blob": None, "mode": None}
                for name in filenames:
                    path = os.path.join(dirpath, name)
                    with contextlib.suppress(JournalError, OSError):
                        out[path] = file_state(cs, path, backup=backup)
    return out


# Beyond the *.egg-info: a build backend may rewrite tracked files of a git checkout (setuptools-scm's
# `_version.py` for a version it computes from the new repository) or leave new ones (`build/`). In a git work
# tree the files an install changed are found by asking git before and after it; the ones that were clean
# before get their previous bytes from the index, so rollback puts them back too.
_WORKTREE_LIMIT = 5000


def worktree_changes(cwd: str, root: str) -> set[str] | None:
    """Absolute paths under root that git reports changed or untracked now (new untracked directories as
    `dir/`), environments and node_modules left out; None outside a git work tree."""
    from heal.git import outside_any_repository
    from heal.run import RunSpec, run

    if outside_any_repository(cwd):
        return None  # two git starts fewer for a project that is not a repository
    r = run(RunSpec(("git", "-C", cwd, "-c", "status.relativePaths=false", "-c", "core.quotePath=false", "status",
                     "--porcelain=v1", "-z", "--untracked-files=normal", "--no-renames"), passthrough=False,
                    keep_stdout=True, timeout=60, head_bytes=0, tail_bytes=0))
    top = run(RunSpec(("git", "-C", cwd, "rev-parse", "--show-toplevel"), passthrough=False, keep_stdout=True,
                      timeout=30, head_bytes=0, tail_bytes=0))
    if r.exit_code != 0 or top.exit_code != 0 or r.stdout is None:
        return None
    base = (top.stdout or b"").decode("utf-8", "surrogateescape").strip()
    real_root = os.path.realpath(root)
    out: set[str] = set()
    for entry in r.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if len(entry) < 4:
            continue
        path = os.path.join(base, entry[3:])
        rel = os.path.relpath(os.path.realpath(path.rstrip("/")), real_root)
        if rel.startswith("..") or any(part in _ENV_PARTS for part in rel.split(os.sep)) or \
                (entry.endswith("/") and os.path.isfile(os.path.join(path, "pyvenv.cfg"))):
            continue
        out.add(os.path.join(real_root, rel) + ("/" if entry.endswith("/") else ""))
        if len(out) > _WORKTREE_LIMIT:
            return None
    return out


_ENV_PARTS = frozenset({".git", "node_modules", "site-packages", ".venv", "venv", "__pycache__"})


def _worktree_written(cs: changeset.ChangeSet, intent: dict, after: dict) -> None:
    """Record, in the done record, what the install changed in the work tree besides the generated files:
    `generated_before` (their state before, backed up) and their state now in `generated`."""
    now = worktree_changes(intent["cwd"], cs.root)
    if now is None:
        return
    before_dirty = set(intent["dirty"])
    known = set(intent.get("generated") or {}) | set(after["generated"]) | \
        {os.path.join(intent["cwd"], name) for name in MANIFESTS}  # manifests are backed up on their own
    was: dict[str, dict] = {}
    for entry in sorted(now - before_dirty):
        if entry.endswith("/"):  # a new untracked directory: every file in it is new
            top = entry.rstrip("/")
            for dirpath, dirnames, filenames in os.walk(top):
                dirnames[:] = [d for d in dirnames if d not in _ENV_PARTS]
                was[dirpath] = {"dir": True, "exists": False, "blob": None, "mode": None}
                after["generated"][dirpath] = {"dir": True, "exists": True, "blob": None, "mode": None}
                for name in filenames:
                    path = os.path.join(dirpath, name)
                    with contextlib.suppress(JournalError, OSError):
                        after["generated"][path] = file_state(cs, path, backup=False)
                        was[path] = {"exists": False, "blob": None, "mode": None}
            continue
        if entry in known or len(was) > _WORKTREE_LIMIT:
            continue
        state = _index_state(cs, entry)
        with contextlib.suppress(JournalError, OSError):
            after["generated"][entry] = file_state(cs, entry, backup=False)
            was[entry] = state
    if was:
        after["generated_before"] = was


def _index_state(cs: changeset.ChangeSet, path: str) -> dict:
    """A file's state as git's index has it (what it was before the install when git saw it clean then)."""
    from heal.run import RunSpec, run

    d, name = os.path.split(path)
    ls = run(RunSpec(("git", "-C", d, "ls-files", "-s", "--", name), passthrough=False, keep_stdout=True,
                     timeout=30, head_bytes=0, tail_bytes=0))
    fields = (ls.stdout or b"").decode(errors="replace").split()
    if ls.exit_code != 0 or len(fields) < 2:
        return {"exists": False, "blob": None, "mode": None}
    blob = run(RunSpec(("git", "-C", d, "cat-file", "blob", fields[1]), passthrough=False, keep_stdout=True,
                       timeout=30, head_bytes=0, tail_bytes=0))
    if blob.exit_code != 0 or blob.stdout is None:
        return {"exists": False, "blob": None, "mode": None}
    return {"exists": True, "blob": cs.journal.blobs.put(blob.stdout), "mode": 0o755 if fields[0] == "100755" else 0o644}


def installed(manager: str, cwd: str, python: str, modules: tuple[str, ...] = ()) -> dict[str, str]:
    """name -> version of what the target environment has installed now."""
    return environment(manager, cwd, python, modules)["packages"]


# A rollback plans from a listing of the environment and then, at once, applies its undo, whose record needs
# the same listing as its "before": the plan's listing (environment(..., plan=True)) is kept for that one
# prepare(), if it comes within a moment (a question on the terminal makes it read again) and no installer
# ran in between (perform() forgets it). Nothing else reuses a listing: between two fixes of a heal run the
# user's command runs, and may install things itself.
_PLANNED: dict[tuple[str, str, str], tuple[float, dict]] = {}
_REUSE_SECONDS = 2.0


def environment(manager: str, cwd: str, python: str, modules: tuple[str, ...] = (), *, plan: bool = False,
                reuse: bool = False) -> dict:
    """{"packages": {name: version}, "requires": {name: [dependency names]}, "where": the environment's path}
    of the target environment now, as its manager reads it (see Manager.environment for modules). plan: keep it
    for the prepare() of the change that follows; reuse: take the listing so kept, if there is one."""
    import time

    key = (manager, os.path.realpath(cwd), python)
    if reuse:
        hit = _PLANNED.pop(key, None)
        if hit is not None and time.monotonic() - hit[0] < _REUSE_SECONDS:
            return hit[1]
    env = MANAGERS[manager].environment(cwd, python, modules)
    listed = {"packages": env.packages, "requires": env.requires, "where": env.where}
    if plan:
        _PLANNED[key] = (time.monotonic(), listed)
    return listed


def _error_lines(text: str, most: int = 3) -> list[str]:
    """What an installer said about why it failed: its last error lines (pip's and npm's `ERROR:`/`npm ERR!`,
    `error:`), else its last lines; a warning before the error is noise there, each line kept short."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if line.lower().startswith(("error", "npm err", "err!", "fatal", "×"))]
    return [line if len(line) <= 300 else line[:297] + "..." for line in (errors or lines)[-most:]]


# --- a branch moved by git ---------------------------------------------------------------------------------
# The files such a command rewrites are all tracked, and the branch's commits before and after both stay in
# the object store, so recording the two commit ids is enough to undo it exactly: `git reset --keep <before>`
# puts back the branch and every tracked file, and refuses rather than lose an edit made since.

def prepare_git_ref(change: GitRefChange, cs: changeset.ChangeSet) -> dict:
    cwd = check_editable(change.cwd, cs.root)
    code, top = git(cwd, "rev-parse", "--show-toplevel")
    if code != 0:
        raise JournalError(f"{cwd} is not in a git repository")
    # the whole work tree may be rewritten: it must lie inside the project
    check_editable(top, cs.root)
    branch, before = head(cwd)
    changed = dirty(cwd)
    if changed:
        raise JournalError(f"uncommitted changes in {', '.join(changed[:3])}: commit or stash them first")
    return {"kind": "git-ref", "argv": list(change.argv), "cwd": cwd, "top": os.path.realpath(top), "branch": branch,
            "before": before, "describe": f"git: {' '.join(change.argv[1:])} on {branch}", "reason": change.reason}

def perform_git_ref(change: GitRefChange, cs: changeset.ChangeSet, intent: dict, progress: Callable[[bytes], None] | None = None) -> dict:
    from heal.journal import changeset

    cwd = intent["cwd"]
    argv = list(change.argv[1:])
    if argv[:2] == ["pull", "--rebase"]:
        argv = ["pull", "--rebase", "--no-autostash", *argv[2:]]  # never stash the user's work away
    code, out = git(cwd, *argv, timeout=600)
    changeset.crash_point()
    if code != 0:
        if rebasing(cwd):
            git(cwd, "rebase", "--abort")  # a conflict: leave the branch exactly where it was
        tail = [line for line in out.splitlines() if line.strip()][-3:]
        raise JournalError(f"git {' '.join(argv)} exited {code}: {' / '.join(tail)}")
    branch, after = head(cwd)
    return {"branch": branch, "after": after}


# --- a command run for the failed one ----------------------------------------------------------------------
# `terraform init`, `vagrant up`, `git branch --set-upstream-to=...`, a login: what the failed command needed
# first; or a fix the user taught heal (`heal learn -- CMD`, and a taught pattern heal runs later). What such a
# command does (providers downloaded, a VM booted, credentials stored, packages installed, a config line) is
# its own business, which heal cannot know, let alone put back byte-exact; so the change is recorded (the log
# and the report say it ran, and that it is not undone) and rollback says it is not undone, instead of
# pretending. The command line is recorded redacted; the line that runs is the one given.

def prepare_command(change: CommandChange, cs: changeset.ChangeSet) -> dict:
    from heal.redact import redact_argv

    cwd = check_editable(change.cwd, cs.root)
    shown = list(redact_argv(list(change.argv)))
    return {"kind": "command", "argv": shown, "cwd": cwd, "describe": f"ran {' '.join(shown)} (not undoable)",
            "reason": change.reason}

def perform_command(change: CommandChange, cs: changeset.ChangeSet, intent: dict, progress: Callable[[bytes], None] | None = None) -> dict:
    from heal.journal import changeset
    from heal.run import RunSpec, run

    # passthrough (no progress line needed): its own progress is shown and a prompt it asks (a login) reaches the user
    result = run(RunSpec(tuple(change.argv), cwd=intent["cwd"], passthrough=True, timeout=change.timeout,
                         on_spawn=cs.spawned))
    changeset.crash_point()
    if result.exit_code != 0:
        raise JournalError(f"{' '.join(intent['argv'])} exited {result.exit_code}")
    return {"exit_code": 0}
