"""The values the declared-environment readers produce: one Declaration per requirement as the project
wrote it, the Group it belongs to (an extra, a dependency group, a requirements file, a tox env ...),
and Notes for what was skipped or must not be synced blindly."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class Note:
    """Something the reader skipped or a line a caller must not sync blindly."""

    file: str  # relative to the project root
    line: int | None
    reason: str  # unparsable, index-url, extra-index-url, find-links, vcs, url, path, include-missing, cycle,
    #              malformed, computed, env-var, unsupported
    text: str


@dataclass(frozen=True)
class Declaration:
    """One requirement as the project declared it, and where."""

    name: str  # canonicalized distribution name: "zope-interface"
    raw_name: str  # as written: "zope.interface"
    requirement: str  # normalized PEP 508 string: "pytest<9,>=2.8.0"
    file: str  # relative to the project root
    line: int | None
    source: str  # the group kind it came from: main, extra, group, requirements, poetry, ...
    group: str | None  # extra/group/env/file name; None for the main runtime dependencies
    kind: str  # runtime | test | dev | docs | other
    specifier: str = ""
    extras: tuple[str, ...] = ()
    marker: str | None = None
    applies: bool = True  # its marker holds for the target environment (and its tox factor, if any)
    condition: str | None = None  # a condition that is not a marker: a tox factor ("tf")


@dataclass(frozen=True)
class Group:
    """A named set of requirements that one command can install: an extra, a dependency group, a file."""

    source: str  # EXTRA, GROUP, REQUIREMENTS, POETRY, PIPENV, PDM, UV, HATCH, TOX, SETUP_TESTS, MAIN
    name: str  # "tests", "dev", "requirements/tests.txt", "testenv", "testenv:docs"
    kind: str
    file: str
    requirements: tuple[Declaration, ...]  # those written in it
    includes: tuple[str, ...] = ()  # other groups of the same source it pulls in (-r, include-group, attrs[tests])
    installs_project: bool = False  # a requirements file with `-e .` / `.`; a tox env that installs the package
    project_extras: tuple[str, ...] = ()  # `-e .[socks]`, tox `extras`, hatch `features`
    unsafe: tuple[Note, ...] = ()  # lines that point pip somewhere else (index, VCS, URL): never synced blindly
    optional: bool = False  # poetry group with optional = true


@dataclass(frozen=True)
class Declarations:
    """A Python project's declared environment, read statically."""

    root: str
    name: str | None  # canonicalized project name
    packages: tuple[str, ...]  # the top-level import names the project itself provides
    manager: str  # uv | poetry | pdm | pipenv | hatch | pip
    evidence: tuple[str, ...]  # why: "uv.lock", "[tool.poetry]", ...
    items: tuple[Declaration, ...]
    groups: tuple[Group, ...]
    notes: tuple[Note, ...]
    files: tuple[str, ...] = ()  # the files read
    dynamic: tuple[str, ...] = ()  # [project] dynamic fields
    name_file: str | None = None  # the file that names the project

    def group(self, source: str, name: str) -> Group | None:
        return next((g for g in self.groups if g.source == source and g.name == name), None)


@dataclass(frozen=True)
class NodeDependency:
    name: str
    spec: str
    section: str  # dependencies | devDependencies | optionalDependencies | peerDependencies
    kind: str  # runtime | dev | other


@dataclass(frozen=True)
class NodeDeclarations:
    root: str
    name: str | None
    manager: str  # npm | yarn | pnpm | bun
    manager_version: str | None  # from "packageManager": "pnpm@9.1.0"
    evidence: tuple[str, ...]
    lockfiles: tuple[str, ...]
    dependencies: tuple[NodeDependency, ...]
    scripts: dict = field(default_factory=dict)
    workspaces: tuple[str, ...] = ()
    installed: bool = False  # node_modules exists
    notes: tuple[Note, ...] = ()


_TEST = re.compile(r"^(?:tests?|testing|unittests?|pytest|cov|coverage)$")
_DEV = re.compile(r"^(?:dev|devel|develop|development|lint|linting|linters?|style|typing|types?|mypy|pyright|"
                  r"pre|commit|precommit|format|fmt|tools?|static|quality|qa|all)$")
_DOCS = re.compile(r"^(?:docs?|documentation|sphinx|mkdocs)$")


def classify(name: str | None, default: str = "other") -> str:
    """The kind of a group from its name: `tests-no-zope` is test, `requirements-dev` dev, `docs` docs."""
    if not name:
        return default
    tokens = [t for t in re.split(r"[^a-z0-9]+", name.lower()) if t]
    for pattern, kind in ((_TEST, "test"), (_DOCS, "docs"), (_DEV, "dev")):
        if any(pattern.match(t) for t in tokens):
            return kind
    if any(t in ("base", "main", "prod", "production", "runtime", "common", "install", "requirements", "core")
           for t in tokens):
        return "runtime"
    return default
