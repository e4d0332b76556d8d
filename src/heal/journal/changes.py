"""The kinds of change heal makes, each knowing how to record what it needs to be undone exactly.

prepare() runs before anything changes: it checks the change is allowed and backs up the current
state into the blob store, returning the intent record. perform() makes the change and returns the
state after it. Undoing is heal.journal.rollback's job, from these records alone.
"""

from __future__ import annotations

import json
import os
import stat
import sys

from heal.fsutil import write_atomic
from heal.journal import store
from heal.journal.blobs import sha256
from heal.project import check_editable

# The manifests and lockfiles an install may rewrite: backed up byte-exact before every install.
MANIFESTS = ("pyproject.toml", "requirements.txt", "requirements-dev.txt", "requirements-test.txt", "uv.lock",
             "poetry.lock", "Pipfile", "Pipfile.lock", "pdm.lock", "package.json", "package-lock.json",
             "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock", "Cargo.toml", "Cargo.lock", "go.mod",
             "go.sum")


def file_state(cs: store.ChangeSet, path: str, *, backup: bool) -> dict:
    """exists/blob/mode of a file now; with backup, its bytes go into the blob store."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return {"exists": False, "blob": None, "mode": None}
    if not stat.S_ISREG(st.st_mode):
        raise store.JournalError(f"{path} is not a regular file")
    with open(path, "rb") as fh:
        data = fh.read()
    digest = cs.journal.blobs.put(data) if backup else sha256(data)
    return {"exists": True, "blob": digest, "mode": stat.S_IMODE(st.st_mode)}


class FileChange:
    """Write (create or replace), delete, or chmod one file inside the project, or one of the files `allow`
    names (see heal.project.check_editable): an integration's git hook or settings file. The allow-list is
    recorded with the intent, so that rollback may write the same file back and nothing else."""

    def __init__(self, path: str, *, data: bytes | None = None, mode: int | None = None, delete: bool = False,
                 reason: str = "", allow: tuple[str, ...] = ()) -> None:
        self.path = path
        self.data = data
        self.mode = mode
        self.delete = delete
        self.reason = reason
        self.allow = tuple(allow)

    def prepare(self, cs: store.ChangeSet) -> dict:
        path = check_editable(self.path, cs.root, allow=self.allow)
        before = file_state(cs, path, backup=True)
        rel = _shown(path, cs.root)
        if self.delete:
            op, describe = "delete", f"deleted {rel}"
        elif self.data is not None:
            op = "write"
            describe = f"{'edited' if before['exists'] else 'created'} {rel}"
        else:
            op, describe = "chmod", f"chmod {self.mode:o} {rel}"
        intent = {"kind": "file", "op": op, "path": path, "before": before, "describe": describe}
        if self.allow:
            intent["allow"] = [os.path.realpath(a) for a in self.allow]
        if self.data is not None:
            intent["new_blob"] = cs.journal.blobs.put(self.data)
        if self.mode is not None:
            intent["new_mode"] = self.mode
        if self.reason:
            intent["reason"] = self.reason
        return intent

    def perform(self, cs: store.ChangeSet, intent: dict) -> dict:
        path = intent["path"]
        if intent["op"] == "delete":
            if os.path.lexists(path):
                os.unlink(path)
        elif intent["op"] == "write":
            mode = intent.get("new_mode", intent["before"]["mode"])
            write_atomic(path, self.data or b"", mode=mode if mode is not None else 0o644)
        else:
            os.chmod(path, intent["new_mode"])
        return file_state(cs, path, backup=False)


def _shown(path: str, root: str) -> str:
    """Relative to the project when inside it; an allowed file elsewhere keeps its absolute path."""
    rel = os.path.relpath(path, root)
    return path if rel == os.pardir or rel.startswith(os.pardir + os.sep) else rel


class PackageChange:
    """Install packages with a project's own package manager (pip, uv, poetry, pipenv or pdm for a given interpreter; npm,
    yarn, pnpm or bun; go; cargo).

    Backs up every manifest and lockfile of the project and lists what the environment has installed,
    so that rollback can remove exactly what was added and put back what was replaced."""

    def __init__(self, manager: str, argv: list[str], *, cwd: str, python: str | None = None,
                 packages: list[str] | None = None, reason: str = "") -> None:
        if manager not in ("pip", "npm", "yarn", "pnpm", "bun", "uv", "poetry", "pipenv", "pdm", "go", "cargo"):
            raise store.JournalError(f"unsupported package manager {manager}")
        self.manager = manager
        self.argv = list(argv)
        self.cwd = cwd
        self.python = python or sys.executable
        self.packages = packages or []
        self.reason = reason

    def prepare(self, cs: store.ChangeSet) -> dict:
        cwd = check_editable(self.cwd, cs.root)
        manifests = {name: file_state(cs, os.path.join(cwd, name), backup=True) for name in MANIFESTS}
        return {"kind": "packages", "manager": self.manager, "argv": self.argv, "cwd": cwd, "python": self.python,
                "packages": self.packages, "manifests": manifests, "installed": installed(self.manager, cwd,
                                                                                          self.python),
                "describe": f"{self.manager}: {' '.join(self.argv)}", "reason": self.reason}

    def perform(self, cs: store.ChangeSet, intent: dict) -> dict:
        from heal.run import RunSpec, run

        result = run(RunSpec(tuple(self.argv), cwd=intent["cwd"], passthrough=False, timeout=600))
        store.crash_point()
        after = {"exit_code": result.exit_code,
                 "manifests": {name: file_state(cs, os.path.join(intent["cwd"], name), backup=True)
                               for name in MANIFESTS},
                 "installed": installed(self.manager, intent["cwd"], intent["python"])}
        if result.exit_code != 0:
            tail = result.text.strip().splitlines()[-3:]
            raise store.JournalError(f"{' '.join(self.argv)} exited {result.exit_code}: {' / '.join(tail)}")
        return after


def installed(manager: str, cwd: str, python: str) -> dict[str, str]:
    """name -> version of what the target environment has installed now."""
    if manager in ("npm", "yarn", "pnpm", "bun"):
        return _node_modules(os.path.join(cwd, "node_modules"))
    if manager in ("go", "cargo"):
        # go get / cargo add change only go.mod+go.sum / Cargo.toml+Cargo.lock (backed up); what they download
        # goes into a shared, read-only cache, like pip's
        return {}
    if manager in ("uv", "poetry", "pipenv", "pdm") and not os.path.exists(python):
        return {}  # uv creates the project's .venv on first use: nothing was installed before
    from heal.run import RunSpec, run

    code = ("import importlib.metadata as m, json, re\n"
            "print(json.dumps({re.sub(r'[-_.]+', '-', d.metadata['Name']).lower(): d.version "
            "for d in m.distributions() if d.metadata['Name']}))")
    result = run(RunSpec((python, "-c", code), passthrough=False, keep_stdout=True, timeout=120, head_bytes=0,
                         tail_bytes=0))
    if result.exit_code != 0 or not result.stdout:
        raise store.JournalError(f"cannot list the packages installed for {python}")
    return json.loads(result.stdout)


def _node_modules(directory: str) -> dict[str, str]:
    found: dict[str, str] = {}
    if not os.path.isdir(directory):
        return found
    for name in os.listdir(directory):
        if name.startswith("."):
            continue
        path = os.path.join(directory, name)
        packages = [os.path.join(path, sub) for sub in os.listdir(path)] if name.startswith("@") else [path]
        for pkg in packages:
            try:
                with open(os.path.join(pkg, "package.json")) as fh:
                    meta = json.load(fh)
                found[meta.get("name") or os.path.relpath(pkg, directory)] = str(meta.get("version", ""))
            except (OSError, ValueError):
                continue
    return found
