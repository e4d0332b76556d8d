"""suggest: what heal will not do itself, said precisely. System packages (apt, brew), cache clean-ups
for a full disk, and `cargo add` / `go get` where the journaled install could not run (no manifest, no tool)."""

from __future__ import annotations

import os
import sys
from functools import lru_cache

from heal.fixes.model import Fix, PlanContext


@lru_cache(maxsize=1)
def command_packages() -> dict[str, str]:
    from heal.patterns import table

    return dict(table("commands").get("apt", {}))


def plan(step: dict, ctx: PlanContext, source: str, risk: str) -> Fix | None:
    kind = step.get("kind")
    facts = ctx.diagnosis.facts
    if kind == "system-package":
        command = str(facts.get("command", ""))
        package = command_packages().get(command)
        if not package:
            return None
        # the command itself, never a sudo line: what runs as root is for the user to decide (and to type)
        installer = ("brew", "install", package) if sys.platform == "darwin" else ("apt-get", "install", package)
        root = "" if sys.platform == "darwin" else " (as root)"
        return Fix("suggest", f"{command} is provided by the system package {package}: {' '.join(installer)}{root}",
                   installer, source=source, risk="high", confidence=0.8)
    if kind == "disk-cleanup":
        return _disk(source)
    if kind == "cargo-add":
        module = str(facts.get("module", ""))
        if not module or not module.replace("_", "").replace("-", "").isalnum():
            return None
        # the name as rustc wrote it: crates.io treats - and _ alike, and serde_json is the crate's own spelling
        return Fix("suggest", f"add the crate {module} (check it is the crate you mean)", ("cargo", "add", module),
                   source=source, risk="medium", confidence=0.6)
    if kind == "go-get":
        module = str(facts.get("module", ""))
        if not module or " " in module:
            return None
        return Fix("suggest", f"add the module: go get {module}", ("go", "get", module), source=source,
                   risk="medium", confidence=0.6)
    if kind == "text":
        return Fix("suggest", str(step.get("text", ctx.diagnosis.summary)), None, source=source, risk="low",
                   confidence=0.5)
    return None


def _disk(source: str) -> Fix:
    candidates = [("pip cache", os.path.expanduser("~/.cache/pip"), ("pip", "cache", "purge")),
                  ("npm cache", os.path.expanduser("~/.npm/_cacache"), ("npm", "cache", "clean", "--force")),
                  ("cargo registry cache", os.path.expanduser("~/.cargo/registry/cache"), None)]
    parts = []
    for name, path, cmd in candidates:
        size = _size(path)
        if size:
            parts.append(f"{name} {size / 2**20:.0f} MB ({' '.join(cmd) if cmd else 'rm -r ' + path})")
    import shutil  # its import pulls in bz2, lzma and fnmatch: only for this question

    if shutil.which("docker"):
        parts.append("docker images and build cache (docker system df; docker system prune)")
    text = "the disk is full; space heal can see: " + ("; ".join(parts) if parts else "no large caches found")
    return Fix("suggest", text, None, source=source, risk="high", confidence=0.5)


def _size(path: str, limit: int = 20000) -> int:
    total, seen = 0, 0
    for dirpath, _, filenames in os.walk(path):
        for name in filenames:
            seen += 1
            if seen > limit:
                return total  # a lower bound is enough to be useful, and stays fast
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:
                continue
    return total

# the step kinds playbooks may name (checked when a playbook loads)
KINDS = ("system-package", "disk-cleanup", "cargo-add", "go-get", "text")
OPTIONS: dict[str, tuple[type, tuple[str, ...]]] = {"kind": (str, KINDS), "text": (str, ())}
