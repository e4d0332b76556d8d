"""A change that moves the current git branch (git pull --rebase, and the reset that undoes it).

The files such a command rewrites are all tracked, and the branch's commits before and after both stay
in the object store, so recording the two commit ids is enough to undo it exactly: `git reset --keep
<before>` puts back the branch and every tracked file, and refuses rather than lose an edit made since.
"""

from __future__ import annotations

import os

from heal.journal import store
from heal.project import check_editable


def git(cwd: str, *args: str, timeout: float = 30) -> tuple[int, str]:
    """Exit code and stdout, or on failure the combined output (for the error message)."""
    from heal.run import RunSpec, run

    # no credential prompt can hang heal: it fails instead, with git's own message
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    r = run(RunSpec(("git", "-C", cwd, *args), passthrough=False, keep_stdout=True, timeout=timeout, env=env))
    return r.exit_code, ((r.stdout or b"").decode(errors="replace") if r.exit_code == 0 else r.text).strip()


def head(cwd: str) -> tuple[str, str]:
    """(branch, commit id) checked out in cwd's repository; JournalError when there is no branch."""
    code, branch = git(cwd, "symbolic-ref", "--quiet", "--short", "HEAD")
    if code != 0:
        raise store.JournalError("not on a branch (detached HEAD)")
    code, sha = git(cwd, "rev-parse", "--verify", "HEAD")
    if code != 0:
        raise store.JournalError("the branch has no commits")
    return branch, sha


def dirty(cwd: str) -> list[str]:
    """Tracked files with uncommitted changes (untracked files are never touched by a rebase or reset --keep)."""
    code, out = git(cwd, "status", "--porcelain", "--untracked-files=no")
    if code != 0:
        raise store.JournalError(f"git status failed in {cwd}")
    return [line[3:] for line in out.splitlines() if line.strip()]


class GitRefChange:
    """Run a git command that moves the current branch: `pull --rebase` or `reset --keep <commit>`."""

    def __init__(self, argv: list[str], *, cwd: str, reason: str = "") -> None:
        if argv[:3] not in (["git", "pull", "--rebase"], ["git", "reset", "--keep"]):
            raise store.JournalError(f"unsupported git change {' '.join(argv)}")
        self.argv = list(argv)
        self.cwd = cwd
        self.reason = reason

    def prepare(self, cs: store.ChangeSet) -> dict:
        cwd = check_editable(self.cwd, cs.root)
        code, top = git(cwd, "rev-parse", "--show-toplevel")
        if code != 0:
            raise store.JournalError(f"{cwd} is not in a git repository")
        # the whole work tree may be rewritten: it must lie inside the project
        check_editable(top, cs.root)
        branch, before = head(cwd)
        changed = dirty(cwd)
        if changed:
            raise store.JournalError(f"uncommitted changes in {', '.join(changed[:3])}: commit or stash them first")
        return {"kind": "git-ref", "argv": self.argv, "cwd": cwd, "top": os.path.realpath(top), "branch": branch,
                "before": before, "describe": f"git: {' '.join(self.argv[1:])} on {branch}", "reason": self.reason}

    def perform(self, cs: store.ChangeSet, intent: dict) -> dict:
        cwd = intent["cwd"]
        argv = self.argv[1:]
        if argv[:2] == ["pull", "--rebase"]:
            argv = ["pull", "--rebase", "--no-autostash", *argv[2:]]  # never stash the user's work away
        code, out = git(cwd, *argv, timeout=600)
        store.crash_point()
        if code != 0:
            if _rebasing(cwd):
                git(cwd, "rebase", "--abort")  # a conflict: leave the branch exactly where it was
            tail = [line for line in out.splitlines() if line.strip()][-3:]
            raise store.JournalError(f"git {' '.join(argv)} exited {code}: {' / '.join(tail)}")
        branch, after = head(cwd)
        return {"branch": branch, "after": after}


def _rebasing(cwd: str) -> bool:
    code, gitdir = git(cwd, "rev-parse", "--absolute-git-dir")
    return code == 0 and any(os.path.isdir(os.path.join(gitdir, d)) for d in ("rebase-merge", "rebase-apply"))
