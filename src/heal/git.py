"""git, asked from heal: one helper every module uses (planning, the journal, integrations), with no
credential prompt that could hang heal and git's own message when it fails."""

from __future__ import annotations

import os

from heal.errors import GitError


def git(cwd: str, *args: str, timeout: float = 30, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Exit code and stdout, or on failure the combined output (for the error message)."""
    from heal.run import RunSpec, run

    # no credential prompt can hang heal: it fails instead, with git's own message
    environ = {**(os.environ if env is None else env), "GIT_TERMINAL_PROMPT": "0"}
    r = run(RunSpec(("git", "-C", cwd, *args), passthrough=False, keep_stdout=True, timeout=timeout, env=environ))
    return r.exit_code, ((r.stdout or b"").decode(errors="replace") if r.exit_code == 0 else r.text).strip()


def outside_any_repository(cwd: str) -> bool:
    """True when git would certainly find no repository for cwd, told without starting git: no `.git` in cwd
    or any directory above it, and no GIT_DIR or GIT_WORK_TREE naming one. (A bare repository found there
    has no work tree, which is what the callers ask about.) False means: ask git."""
    if "GIT_DIR" in os.environ or "GIT_WORK_TREE" in os.environ:
        return False
    from heal.project import git_top

    return git_top(os.path.realpath(cwd)) is None


def head(cwd: str) -> tuple[str, str]:
    """(branch, commit id) checked out in cwd's repository; GitError when there is no branch."""
    code, branch = git(cwd, "symbolic-ref", "--quiet", "--short", "HEAD")
    if code != 0:
        raise GitError("not on a branch (detached HEAD)")
    code, sha = git(cwd, "rev-parse", "--verify", "HEAD")
    if code != 0:
        raise GitError("the branch has no commits")
    return branch, sha


def dirty(cwd: str) -> list[str]:
    """Tracked files with uncommitted changes (untracked files are never touched by a rebase or reset --keep)."""
    code, out = git(cwd, "status", "--porcelain", "--untracked-files=no")
    if code != 0:
        raise GitError(f"git status failed in {cwd}")
    return [line[3:] for line in out.splitlines() if line.strip()]


def rebasing(cwd: str) -> bool:
    """A rebase is in progress (stopped on a conflict)."""
    code, gitdir = git(cwd, "rev-parse", "--absolute-git-dir")
    return code == 0 and any(os.path.isdir(os.path.join(gitdir, d)) for d in ("rebase-merge", "rebase-apply"))


def git_path(cwd: str, name: str) -> str | None:
    """Where git keeps `name` for cwd's work tree (`hooks`, `info/exclude`: worktrees and core.hooksPath
    honoured), as an absolute path; None outside a repository."""
    code, out = git(cwd, "rev-parse", "--git-path", name)
    if code != 0 or not out:
        return None
    return os.path.normpath(os.path.join(cwd, out))
