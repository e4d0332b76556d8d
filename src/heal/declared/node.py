"""A Node project's declared environment: package.json's dependency sections, scripts and workspaces,
the `packageManager` field (Corepack) and the lockfiles, read statically. json loads only for a
project that has a package.json."""

from __future__ import annotations

import os

from heal.declared.model import NodeDeclarations, NodeDependency, Note
from heal.lazyre import lazy

_SECTIONS = (("dependencies", "runtime"), ("devDependencies", "dev"), ("optionalDependencies", "other"),
             ("peerDependencies", "other"))
_LOCKS = (("pnpm-lock.yaml", "pnpm"), ("yarn.lock", "yarn"), ("bun.lock", "bun"), ("bun.lockb", "bun"),
          ("package-lock.json", "npm"), ("npm-shrinkwrap.json", "npm"))
_ELSEWHERE = lazy(r"^(?:git\+|git:|github:|https?://|file:|link:)")  # specs that are not registry versions


def node_declarations(root: str) -> NodeDeclarations | None:
    """package.json at `root`, or None when there is none. A malformed package.json gives declarations
    with a note (the manager still comes from the lockfiles)."""
    root = os.path.abspath(root)
    path = os.path.join(root, "package.json")
    if not os.path.isfile(path):
        return None
    import json  # only a project with a package.json needs it

    notes: list[Note] = []
    data: dict = {}
    try:
        with open(path, encoding="utf-8") as fh:
            loaded = json.load(fh)
        if isinstance(loaded, dict):
            data = loaded
        else:
            notes.append(Note("package.json", None, "malformed", "package.json is not a JSON object"))
    except (OSError, ValueError) as exc:
        notes.append(Note("package.json", getattr(exc, "lineno", None), "malformed", str(exc)))
    deps: list[NodeDependency] = []
    for section, kind in _SECTIONS:
        table = data.get(section)
        if isinstance(table, dict):
            for name, spec in table.items():
                deps.append(NodeDependency(str(name), str(spec), section, kind))
                if isinstance(spec, str) and _ELSEWHERE.match(spec):
                    notes.append(Note("package.json", None, "url" if spec.startswith("http") else
                                      "path" if spec.startswith(("file:", "link:")) else "vcs", f"{name}: {spec}"))
    lockfiles = tuple(lock for lock, _ in _LOCKS if os.path.isfile(os.path.join(root, lock)))
    manager, version, evidence = _manager(data, lockfiles)
    workspaces = data.get("workspaces")
    if isinstance(workspaces, dict):  # yarn 1: {"packages": [...]}
        workspaces = workspaces.get("packages")
    scripts = data.get("scripts") if isinstance(data.get("scripts"), dict) else {}
    return NodeDeclarations(
        root=root, name=data.get("name") if isinstance(data.get("name"), str) else None, manager=manager,
        manager_version=version, evidence=evidence, lockfiles=lockfiles, dependencies=tuple(deps),
        scripts={str(k): str(v) for k, v in scripts.items()},
        workspaces=tuple(str(w) for w in workspaces) if isinstance(workspaces, list) else (),
        installed=os.path.isdir(os.path.join(root, "node_modules")), notes=tuple(notes))


def _manager(data: dict, lockfiles: tuple[str, ...]) -> tuple[str, str | None, tuple[str, ...]]:
    pm = data.get("packageManager")
    if isinstance(pm, str) and pm:
        name, _, version = pm.partition("@")
        if name in ("npm", "yarn", "pnpm", "bun"):
            return name, version.split("+")[0] or None, ("packageManager",) + lockfiles
    for lock, manager in _LOCKS:
        if lock in lockfiles:
            return manager, None, lockfiles
    return "npm", None, lockfiles


def find_node(decls: NodeDeclarations, package: str) -> list[NodeDependency]:
    """Where package.json declares a package (a deep import `lodash/fp` is its package `lodash`)."""
    parts = package.split("/")
    name = "/".join(parts[:2]) if package.startswith("@") else parts[0]
    return [d for d in decls.dependencies if d.name == name]


def node_sync(decls: NodeDeclarations) -> list[str]:
    """The command that installs what package.json and its lockfile declare: a clean install from the
    lockfile when there is one (`npm ci`), else the manager's install."""
    manager = decls.manager
    if manager == "npm":
        return ["npm", "ci"] if {"package-lock.json", "npm-shrinkwrap.json"} & set(decls.lockfiles) else \
            ["npm", "install"]
    if manager == "yarn":
        if "yarn.lock" not in decls.lockfiles:
            return ["yarn", "install"]
        berry = decls.manager_version and not decls.manager_version.startswith("1.")
        return ["yarn", "install", "--immutable" if berry else "--frozen-lockfile"]
    if manager == "pnpm":
        return ["pnpm", "install"] + (["--frozen-lockfile"] if "pnpm-lock.yaml" in decls.lockfiles else [])
    return ["bun", "install"] + (["--frozen-lockfile"] if {"bun.lock", "bun.lockb"} & set(decls.lockfiles) else [])
