"""The values the declared-environment readers produce: one Declaration per requirement as the project
wrote it, the Group it belongs to (an extra, a dependency group, a requirements file, a tox env ...),
and Notes for what was skipped or must not be synced blindly. Records, not dataclasses: planning reads
the declarations on every missing-module failure (see heal.record). And what the readers fill in (Sink) and
evaluate markers in (MarkerEnvironment): here, apart from the readers (heal.declared.sources,
heal.declared.reqs), so that a project with none of the files they read (a script and its virtualenv)
imports none of them."""

from __future__ import annotations

from _collections_abc import Mapping

from heal import rx
from heal.lazyre import lazy
from heal.record import Record, replace

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    # what a marker environment may be given as: the mapping, or what works it out when it is first needed
    Given = Mapping[str, str] | Callable[[], Mapping[str, str] | None] | None

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


# --- what the readers fill in, and the markers they evaluate -----------------------------------------

def marker_environment(env: Mapping[str, str] | None) -> dict[str, str]:
    """The marker environment to evaluate against: the given one over the running interpreter's."""
    from packaging.markers import default_environment

    merged: dict[str, str] = dict(default_environment())
    merged.update(env or {})
    merged.setdefault("extra", "")
    return merged


class MarkerEnvironment(Mapping):
    """marker_environment(given), worked out when a marker is first evaluated: that costs packaging.markers,
    and for another interpreter a process (heal.declared.marker_environment_of), which a project without
    markers never needs. `given` is the mapping, a callable that gives it (or None), or None."""

    __slots__ = ("_given", "_merged")

    def __init__(self, given: Given = None) -> None:
        self._given = given
        self._merged: dict[str, str] | None = None

    def _environment(self) -> dict[str, str]:
        if self._merged is None:
            given = self._given() if callable(self._given) else self._given
            self._merged = marker_environment(given)
        return self._merged

    def __getitem__(self, key: str) -> str:
        return self._environment()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._environment())

    def __len__(self) -> int:
        return len(self._environment())

    def __bool__(self) -> bool:
        return True  # never empty ("extra" at least): `env or default` must not work it out


class Sink:
    """What the readers found, filled file by file; python_declarations makes it a Declarations."""

    __slots__ = ("root", "env", "groups", "notes", "files", "name", "name_file", "packages", "package_dirs",
                 "managers", "requirement_files", "dynamic", "installable")

    def __init__(self, root: str, env: Mapping[str, str]) -> None:
        self.root = root
        self.env = env  # the marker environment (a MarkerEnvironment: worked out when a marker needs it)
        self.groups: list[Group] = []
        self.notes: list[Note] = []
        self.files: list[str] = []
        self.name: str | None = None  # the project's name as written
        self.name_file: str | None = None  # where it was written
        self.packages: list[str] = []  # declared top-level import names
        self.package_dirs: list[str] = []  # where packages are found (src)
        self.managers: list[tuple[str, str]] = []  # (manager, evidence)
        self.requirement_files: list[tuple[str, str]] = []  # (file, kind) named by other files
        self.dynamic: list[str] = []
        self.installable = False  # there is something pip can install as the project

    def add_group(self, source: str, name: str, kind: str, file: str, entries: list[tuple],
                  includes: tuple[str, ...] = (), **extra) -> Group:
        """A group from (requirement string, line[, tox factor condition]) entries; references to the
        project itself (`attrs[tests-no-zope]` inside attrs) become includes of those extras."""
        from heal.declared.reqs import requirement  # only a reader of a declaring file adds groups

        decls: list[Declaration] = []
        more: list[str] = []
        for text, line, *rest in entries:
            text = str(text).strip()
            if not text:
                continue
            condition = rest[0] if rest else None
            decl = requirement(text, file=file, line=line, source=source, group=None if source == MAIN else name,
                               kind=kind, env=self.env, condition=condition)
            if isinstance(decl, Note):
                self.notes.append(decl)
                continue
            if condition is not None and not factor_is_test(condition):
                decl = replace(decl, applies=False)  # only in tox envs with that factor
            if self.name and decl.name == canon(self.name):
                more.extend(decl.extras)  # a self-reference: the project's own extras
                continue
            decls.append(decl)
        group = Group(source, name, kind, file, tuple(decls), includes=tuple(includes) + tuple(more), **extra)
        self.groups.append(group)
        return group


def canon(name: str) -> str:
    """packaging.utils.canonicalize_name (PEP 503), without its import."""
    return rx.sub(r"[-_.]+", "-", name).lower()


def factor_is_test(factors: str) -> bool:
    return any(classify(f) == "test" for f in rx.split(r"[,-]", factors))
