"""What the readers of a project's declarations (heal.declared.sources, heal.declared.reqs) fill in, file by file:
apart from the readers, so that a project with none of the files they read (a script and its virtualenv)
imports none of them."""

from __future__ import annotations

import re

from heal.declared.model import MAIN, Declaration, Group, Note, classify
from heal.record import replace

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from collections.abc import Mapping


class Sink:
    """What the readers found, filled file by file; python_declarations makes it a Declarations."""

    __slots__ = ("root", "env", "groups", "notes", "files", "name", "name_file", "packages", "package_dirs",
                 "managers", "requirement_files", "dynamic", "installable")

    def __init__(self, root: str, env: Mapping[str, str]) -> None:
        self.root = root
        self.env = env  # the marker environment (markers.MarkerEnvironment: worked out when a marker needs it)
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
    return re.sub(r"[-_.]+", "-", name).lower()


def factor_is_test(factors: str) -> bool:
    return any(classify(f) == "test" for f in re.split(r"[,-]", factors))
