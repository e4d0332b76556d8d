"""File writes that are all-or-nothing: a crash leaves the old file or the new one, never half of it."""

from __future__ import annotations

import os


def owner_for(path: str, recorded: tuple[int, int] | None = None) -> tuple[int, int] | None:
    """The (uid, gid) a file written at path should have when heal runs as root: the owner recorded for it (a
    file rollback puts back), else the file's own owner if it exists, else its directory's. A user who runs
    `sudo heal ...` in their project must not find files there that only root can change, nor read one that
    only root could. None when not root (a file is then created as the user, as any tool does)."""
    if os.geteuid() != 0:
        return None
    if recorded is not None:
        return (int(recorded[0]), int(recorded[1]))
    for candidate in (path, os.path.dirname(os.path.abspath(path))):
        try:
            st = os.lstat(candidate)
        except OSError:
            continue
        return st.st_uid, st.st_gid
    return None


def give_to(path: str, owner: tuple[int, int] | None) -> None:
    """chown path (not a symlink's target) to owner, when there is one and it differs from what it has."""
    if owner is None:
        return
    st = os.lstat(path)
    if (st.st_uid, st.st_gid) != owner:
        os.lchown(path, *owner)


def temp_path(path: str) -> str:
    """A new name for write_atomic's temporary file beside path: `.<name>.<random>.<pid>.tmp`, the writer's pid
    last, which is how rollback's clean-up (heal.journal.rollback.remove_stale_tmp) tells a live writer's
    file from one a killed write left."""
    directory = os.path.dirname(os.path.abspath(path))
    return os.path.join(directory, f".{os.path.basename(path)}.{os.urandom(4).hex()}.{os.getpid()}.tmp")


def write_atomic(path: str, data: bytes, mode: int | None = None,
                 owner: tuple[int, int] | None = None) -> None:
    """Write data to path via a temporary file in the same directory, fsync, then rename over. Run as root,
    the file keeps the owner it had (or takes its directory's): see owner_for.

    The temporary file is a new file heal creates (O_EXCL, O_NOFOLLOW, a random name): whoever can write to the
    directory cannot have planted a symlink there that heal would write through, and its mode and owner are
    set on the open file, never by a path someone could swap."""
    owner = owner_for(path, owner)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    for _ in range(100):
        tmp = temp_path(path)
        try:
            fd = os.open(tmp, flags, 0o600)
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(f"cannot create a temporary file beside {path}")
    try:
        if owner is not None:
            os.fchown(fd, *owner)
        os.fchmod(fd, mode if mode is not None else 0o666 & ~_umask())
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        os.unlink(tmp)
        raise
    os.close(fd)
    os.replace(tmp, path)


def _umask() -> int:
    """The process's umask (read by setting it, as nothing else can)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def toml_module():
    """tomllib, or tomli on Python 3.10: the one place that knows which (its TOMLDecodeError is a ValueError)."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    return tomllib
