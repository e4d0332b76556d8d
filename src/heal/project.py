"""The project a command runs in: its root, the files heal may touch, and which files are the project's."""

from __future__ import annotations

import os
from _collections_abc import Iterable  # collections.abc's, without importing collections

from heal.errors import SafetyError  # noqa: F401 - re-exported

# Directories that are never the user's own files: environments, dependencies, build output, VCS data.
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "env", ".env", "__pycache__",
                       ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", "build", "dist", "target",
                       ".gradle", ".idea", ".eggs", "site-packages", ".cache"})
_FORBIDDEN_PARTS = frozenset({".git", "node_modules", "site-packages", "dist-packages", ".venv", "venv"})



def project_root(cwd: str | None = None) -> str:
    """The git top-level containing cwd, else cwd itself."""
    d = os.path.realpath(cwd or os.getcwd())
    return git_top(d) or d


def git_top(real: str) -> str | None:
    """The nearest directory at or above `real` (a real path: git walks up from the physical directory) that
    holds a `.git`, read from the file system; None when there is none."""
    probe = real
    while True:
        if os.path.exists(os.path.join(probe, ".git")):
            return probe
        parent = os.path.dirname(probe)
        if parent == probe:
            return None
        probe = parent


def is_virtualenv(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "pyvenv.cfg"))


def check_editable(path: str, root: str, allow: Iterable[str] = ()) -> str:
    """The absolute real path of a file heal may change, or SafetyError.

    `allow` names files (or directories, admitting themselves and the files directly in them) that an
    integration must write although they lie outside the project or inside .git: a git hook, Claude Code's
    settings. Only those paths are admitted, compared as real paths; everything else is checked as usual."""
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
    except OSError:
        st = None
    if st is not None and not os.path.isdir(real) and st.st_nlink > 1:
        # a hard link: the same inode may be a file outside the project, which a chmod or an in-place change
        # would change too
        raise SafetyError(f"{path} has {st.st_nlink} hard links: heal does not change a file shared with "
                          f"another path")
    root = os.path.realpath(root)
    if allow and _allowed(real, allow, root):
        return real
    if real != root and not real.startswith(root + os.sep):
        raise SafetyError(f"{path} is outside the project ({root})")
    rel_parts = os.path.relpath(real, root).split(os.sep)
    if _FORBIDDEN_PARTS.intersection(rel_parts):
        raise SafetyError(f"{path} is inside {'/'.join(p for p in rel_parts if p in _FORBIDDEN_PARTS)}")
    probe = os.path.dirname(real)
    while probe.startswith(root) and probe != root:
        if is_virtualenv(probe):
            raise SafetyError(f"{path} is inside the virtualenv {probe}")
        probe = os.path.dirname(probe)
    return real


def _allowed(real: str, allow: Iterable[str], root: str) -> bool:
    for entry in allow:
        named = os.path.realpath(entry)
        if real == named or (os.path.dirname(real) == named and os.path.isdir(named)):
            # A name inside the project (`.claude/settings.json`, `.git/hooks`) that a symlink the repository
            # carries turns into a path outside it is refused: a clone must not steer heal's writes elsewhere.
            # (A user-level file outside the project, `~/.claude/settings.json`, may be the user's own symlink.)
            inside = os.path.normpath(os.path.abspath(entry))
            if _under(inside, root) and not _under(named, root) and not _under(named, _git_dir(root)):
                raise SafetyError(f"{entry} leads outside the project ({named}) through a symlink: heal does not "
                                  f"write there")
            return True
    return False


def _under(path: str, root: str) -> bool:
    return bool(root) and (path == root or path.startswith(root + os.sep))


def _git_dir(root: str) -> str:
    """The repository's real git directory for a work tree whose .git is a file (a worktree, a submodule)."""
    dot = os.path.join(root, ".git")
    if os.path.isfile(dot):
        try:
            with open(dot) as fh:
                line = fh.readline().strip()
        except OSError:
            return ""
        if line.startswith("gitdir:"):
            target = os.path.join(root, line[7:].strip())
            common = os.path.join(target, "commondir")
            if os.path.isfile(common):
                try:
                    with open(common) as fh:
                        target = os.path.join(target, fh.read().strip())
                except OSError:
                    pass
            return os.path.realpath(target)
    return ""


def project_files(root: str) -> list[str]:
    """Relative paths of the project's own files: in a git repo tracked plus untracked-not-ignored files;
    elsewhere everything except VCS data, environments, dependencies and build output."""
    root = os.path.realpath(root)
    if os.path.isdir(os.path.join(root, ".git")):
        from heal.run import RunSpec, run

        result = run(RunSpec(("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"),
                             passthrough=False, keep_stdout=True, tail_bytes=0, head_bytes=0))
        if result.exit_code == 0 and result.stdout is not None:
            names = [n for n in result.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
            env_dirs = _environment_dirs(root, names)
            return sorted(n for n in set(names) if os.path.isfile(os.path.join(root, n))
                          and not os.path.islink(os.path.join(root, n))
                          and not any(n.startswith(d + "/") for d in env_dirs))
    # os.walk, with each entry's type from the directory listing itself: a regular file that is not a link
    # costs no stat (a checkpoint of 10,000 files made ~8 stats a file)
    found: list[str] = []
    pending = [""]
    while pending:
        rel = pending.pop()
        try:
            entries = list(os.scandir(os.path.join(root, rel) if rel else root))
        except OSError:
            continue  # unreadable or gone, as os.walk skips it
        for entry in entries:
            name = f"{rel}/{entry.name}" if rel else entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in SKIP_DIRS and not is_virtualenv(entry.path):
                        pending.append(name)
                elif entry.is_file(follow_symlinks=False):
                    found.append(name.replace("/", os.sep))
            except OSError:
                continue
    return sorted(found)


def _environment_dirs(root: str, names: list[str]) -> list[str]:
    """Directories among the paths' parents that are environments or dependencies (a virtualenv, node_modules):
    never the project's own files, even when .gitignore does not say so (true of most sdists)."""
    found: set[str] = set()
    seen: set[str] = set()
    for name in names:
        parts = name.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d in found:
                break
            if d in seen:
                continue
            seen.add(d)
            if parts[i - 1] in ("node_modules", "site-packages", ".git") or is_virtualenv(os.path.join(root, d)):
                found.add(d)
                break
    return sorted(found)
