"""Tools the tests install from a registry (pdm, poetry, pipenv, uv, bun) and venvs with pip, built once and
kept across runs in ~/.cache/heal-tests/tools (XDG_CACHE_HOME respected; HEAL_TESTS_TOOL_CACHE names another
directory, `0` builds them afresh in the test's own temp directory every run, as before).

Installing them was a third of the suite's time. A venv cannot move (its scripts name their interpreter by
path), so each is built in a directory of its own that never moves, and published by renaming a symlink over
the tool's name: concurrent suites each build and the last one's wins, a killed build is never used, and a
tool whose interpreter has gone (a Python upgraded) is rebuilt. The tests only copy or run what is cached,
never change it."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

_READY = ".heal-tests-ready"


def cache_root() -> Path | None:
    """The cache directory, or None when caching is off."""
    override = os.environ.get("HEAL_TESTS_TOOL_CACHE")
    if override == "0":
        return None
    if override:
        return Path(override)
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "heal-tests" / "tools"


def _interpreter_tag() -> str:
    """Which interpreter the venvs are made by: a venv only works with the Python it was made from."""
    base = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    digest = hashlib.sha256(f"{base}|{sys.version}".encode()).hexdigest()[:8]
    return f"py{sys.version_info[0]}.{sys.version_info[1]}-{digest}"


def cached(name: str, build: Callable[[Path], None], fallback: Path, usable: Callable[[Path], bool]) -> Path:
    """The directory `build(directory)` fills for `name`: the cached one when it is usable, else built now
    (into the cache, or into `fallback` when caching is off). build raises to say the tool cannot be had."""
    root = cache_root()
    if root is None:
        build(fallback)
        return fallback
    key = f"{name}-{_interpreter_tag()}"
    link = root / key
    if (link / _READY).exists() and usable(link):
        return link.resolve()
    root.mkdir(parents=True, exist_ok=True)
    target = root / f"{key}.{uuid.uuid4().hex[:8]}"
    try:
        build(target)
        (target / _READY).write_text("")
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    tmp = root / f".{key}.{uuid.uuid4().hex[:8]}"
    tmp.symlink_to(target.name)
    os.replace(tmp, link)  # atomic: readers see the old tool or the new one
    return target


def python_tool(name: str, spec: str, fallback: Path) -> Path:
    """The bin directory of a venv with `spec` installed by pip (RuntimeError when it cannot be installed)."""

    def build(directory: Path) -> None:
        subprocess.run([sys.executable, "-m", "venv", str(directory)], check=True)
        r = subprocess.run([str(directory / "bin" / "pip"), "install", "-q", spec], capture_output=True)
        if r.returncode != 0:
            raise RuntimeError(f"{spec} could not be installed: {r.stderr.decode(errors='replace')[-500:]}")

    def usable(directory: Path) -> bool:
        return os.path.exists(directory / "bin" / "python") and os.access(directory / "bin" / name, os.X_OK)

    return cached(f"{name}-{spec}", build, fallback, usable) / "bin"


def pip_venv(fallback: Path) -> Path:
    """A venv with pip (and nothing else) to copy: tests install into their copy, never into this one."""

    def build(directory: Path) -> None:
        subprocess.run([sys.executable, "-m", "venv", str(directory)], check=True)

    def usable(directory: Path) -> bool:
        return os.path.exists(directory / "bin" / "python") and os.path.exists(directory / "bin" / "pip")

    return cached("venv-with-pip", build, fallback, usable)


def npm_tool(name: str, spec: str, fallback: Path) -> Path:
    """The node_modules/.bin directory of an `npm install --prefix` of spec (RuntimeError when it cannot be)."""

    def build(directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        r = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(directory), spec],
                           capture_output=True)
        tool = directory / "node_modules" / ".bin" / name
        if r.returncode != 0 or subprocess.run([str(tool), "--version"], capture_output=True).returncode:
            raise RuntimeError(f"{spec} could not be installed from the npm registry")

    def usable(directory: Path) -> bool:
        return os.access(directory / "node_modules" / ".bin" / name, os.X_OK)

    return cached(f"npm-{name}-{spec}", build, fallback, usable) / "node_modules" / ".bin"
