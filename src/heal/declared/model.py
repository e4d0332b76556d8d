"""The values the declared-environment readers produce: one Declaration per requirement as the project
wrote it, the Group it belongs to (an extra, a dependency group, a requirements file, a tox env ...),
and Notes for what was skipped or must not be synced blindly. Records, not dataclasses: planning reads
the declarations on every missing-module failure (see heal.record)."""

from __future__ import annotations

from heal.lazyre import lazy
from heal.record import Record

KINDS = ("runtime", "test", "dev", "docs", "other")

# Group kinds: where a group's requirements come from decides how one installs it in one step.
EXTRA = "extra"  # [project.optional-dependencies], setup.cfg/setup.py extras_require, poetry extras
GROUP = "group"  # PEP 735 [dependency-groups]
REQUIREMENTS = "requirements"  # a requirements file (-r)
POETRY = "poetry"  # [tool.poetry.group.<g>] / legacy dev-dependencies
PIPENV = "pipenv"  # Pipfile [packages] / [dev-packages]
PDM = "pdm"  # [tool.pdm.dev-dependencies]
UV = "uv"  # [tool.uv] dev-dependencies
HATCH = "hatch"  # [tool.hatch.envs.<env>]
TOX = "tox"  # tox.ini [testenv] deps
SETUP_TESTS = "tests_require"  # setup.py/setup.cfg tests_require: nothing installs it any more
MAIN = "main"  # the project's own runtime dependencies


class Note(Record):
    """Something the reader skipped or a line a caller must not sync blindly.

    file    relative to the project root
    reason  unparsable, index-url, extra-index-url, find-links, vcs, url, path, include-missing, cycle,
            malformed, computed, env-var, unsupported
    """

    __slots__ = ("file", "line", "reason", "text")
    file: str
    line: int | None
    reason: str
    text: str

    def __init__(self, file: str, line: int | None, reason: str, text: str) -> None:
        self._fill(file, line, reason, text)


class Declaration(Record):
    """One requirement as the project declared it, and where.

    name         canonicalized distribution name: "zope-interface"
    raw_name     as written: "zope.interface"
    requirement  normalized PEP 508 string: "pytest<9,>=2.8.0"
    file         relative to the project root
    source       the group kind it came from: main, extra, group, requirements, poetry, ...
    group        extra/group/env/file name; None for the main runtime dependencies
    kind         runtime | test | dev | docs | other
    applies      its marker holds for the target environment (and its tox factor, if any)
    condition    a condition that is not a marker: a tox factor ("tf")
    """

    __slots__ = ("name", "raw_name", "requirement", "file", "line", "source", "group", "kind", "specifier",
                 "extras", "marker", "applies", "condition")
    name: str
    raw_name: str
    requirement: str
    file: str
    line: int | None
    source: str
    group: str | None
    kind: str
    specifier: str
    extras: tuple[str, ...]
    marker: str | None
    applies: bool
    condition: str | None

    def __init__(self, name: str, raw_name: str, requirement: str, file: str, line: int | None, source: str,
                 group: str | None, kind: str, specifier: str = "", extras: tuple[str, ...] = (),
                 marker: str | None = None, applies: bool = True, condition: str | None = None) -> None:
        self._fill(name, raw_name, requirement, file, line, source, group, kind, specifier, extras, marker, applies,
                   condition)


class Group(Record):
    """A named set of requirements that one command can install: an extra, a dependency group, a file.

    source            EXTRA, GROUP, REQUIREMENTS, POETRY, PIPENV, PDM, UV, HATCH, TOX, SETUP_TESTS, MAIN
    name              "tests", "dev", "requirements/tests.txt", "testenv", "testenv:docs"
    requirements      those written in it
    includes          other groups of the same source it pulls in (-r, include-group, attrs[tests])
    installs_project  a requirements file with `-e .` / `.`; a tox env that installs the package
    project_extras    `-e .[socks]`, tox `extras`, hatch `features`
    unsafe            lines that point pip somewhere else (index, VCS, URL): never synced blindly
    optional          poetry group with optional = true
    """

    __slots__ = ("source", "name", "kind", "file", "requirements", "includes", "installs_project", "project_extras",
                 "unsafe", "optional")
    source: str
    name: str
    kind: str
    file: str
    requirements: tuple[Declaration, ...]
    includes: tuple[str, ...]
    installs_project: bool
    project_extras: tuple[str, ...]
    unsafe: tuple[Note, ...]
    optional: bool

    def __init__(self, source: str, name: str, kind: str, file: str, requirements: tuple[Declaration, ...],
                 includes: tuple[str, ...] = (), installs_project: bool = False, project_extras: tuple[str, ...] = (),
                 unsafe: tuple[Note, ...] = (), optional: bool = False) -> None:
        self._fill(source, name, kind, file, requirements, includes, installs_project, project_extras, unsafe,
                   optional)


class Declarations(Record):
    """A Python project's declared environment, read statically.

    name       canonicalized project name
    packages   the top-level import names the project itself provides
    manager    uv | poetry | pdm | pipenv | hatch | pip
    evidence   why: "uv.lock", "[tool.poetry]", ...
    files      the files read
    dynamic    [project] dynamic fields
    name_file  the file that names the project
    """

    __slots__ = ("root", "name", "packages", "manager", "evidence", "items", "groups", "notes", "files", "dynamic",
                 "name_file")
    root: str
    name: str | None
    packages: tuple[str, ...]
    manager: str
    evidence: tuple[str, ...]
    items: tuple[Declaration, ...]
    groups: tuple[Group, ...]
    notes: tuple[Note, ...]
    files: tuple[str, ...]
    dynamic: tuple[str, ...]
    name_file: str | None

    def __init__(self, root: str, name: str | None, packages: tuple[str, ...], manager: str,
                 evidence: tuple[str, ...], items: tuple[Declaration, ...], groups: tuple[Group, ...],
                 notes: tuple[Note, ...], files: tuple[str, ...] = (), dynamic: tuple[str, ...] = (),
                 name_file: str | None = None) -> None:
        self._fill(root, name, packages, manager, evidence, items, groups, notes, files, dynamic, name_file)

    def group(self, source: str, name: str) -> Group | None:
        return next((g for g in self.groups if g.source == source and g.name == name), None)


class NodeDependency(Record):
    """One dependency package.json declares.

    section  dependencies | devDependencies | optionalDependencies | peerDependencies
    kind     runtime | dev | other
    """

    __slots__ = ("name", "spec", "section", "kind")
    name: str
    spec: str
    section: str
    kind: str

    def __init__(self, name: str, spec: str, section: str, kind: str) -> None:
        self._fill(name, spec, section, kind)


class NodeDeclarations(Record):
    """A Node project's declared environment (see heal.declared.node). `scripts` is a dict, so hashing one
    raises TypeError, as the frozen dataclass it replaces did.

    manager          npm | yarn | pnpm | bun
    manager_version  from "packageManager": "pnpm@9.1.0"
    installed        node_modules exists
    """

    __slots__ = ("root", "name", "manager", "manager_version", "evidence", "lockfiles", "dependencies", "scripts",
                 "workspaces", "installed", "notes")
    root: str
    name: str | None
    manager: str
    manager_version: str | None
    evidence: tuple[str, ...]
    lockfiles: tuple[str, ...]
    dependencies: tuple[NodeDependency, ...]
    scripts: dict
    workspaces: tuple[str, ...]
    installed: bool
    notes: tuple[Note, ...]

    def __init__(self, root: str, name: str | None, manager: str, manager_version: str | None,
                 evidence: tuple[str, ...], lockfiles: tuple[str, ...], dependencies: tuple[NodeDependency, ...],
                 scripts: dict | None = None, workspaces: tuple[str, ...] = (), installed: bool = False,
                 notes: tuple[Note, ...] = ()) -> None:
        # a fresh dict when none is given, as the dataclass's default_factory made
        self._fill(root, name, manager, manager_version, evidence, lockfiles, dependencies,
                   {} if scripts is None else scripts, workspaces, installed, notes)


_TEST = lazy(r"^(?:tests?|testing|unittests?|pytest|cov|coverage)$")
_DEV = lazy(r"^(?:dev|devel|develop|development|lint|linting|linters?|style|typing|types?|mypy|pyright|"
            r"pre|commit|precommit|format|fmt|tools?|static|quality|qa|all)$")
_DOCS = lazy(r"^(?:docs?|documentation|sphinx|mkdocs)$")
_SEPARATORS = lazy(r"[^a-z0-9]+")


def classify(name: str | None, default: str = "other") -> str:
    """The kind of a group from its name: `tests-no-zope` is test, `requirements-dev` dev, `docs` docs."""
    if not name:
        return default
    tokens = [t for t in _SEPARATORS.split(name.lower()) if t]
    for pattern, kind in ((_TEST, "test"), (_DOCS, "docs"), (_DEV, "dev")):
        if any(pattern.match(t) for t in tokens):
            return kind
    if any(t in ("base", "main", "prod", "production", "runtime", "common", "install", "requirements", "core")
           for t in tokens):
        return "runtime"
    return default
