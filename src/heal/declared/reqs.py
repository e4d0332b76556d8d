"""Requirement strings (PEP 508, through `packaging`) and pip requirements files (-r/-c includes,
editable installs of the project, index and VCS lines). `packaging` and `shlex` load only when a project
has a requirement to parse or an option line to split: most failures are in projects that declare none."""

from __future__ import annotations

import os
from _collections_abc import Mapping

from heal import rx
from heal.declared.model import REQUIREMENTS, Declaration, Group, MarkerEnvironment, Note, classify
from heal.lazyre import lazy

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from collections.abc import Iterator

_VCS = lazy(r"^(?:git|hg|svn|bzr)\+", rx.I)
_URL = lazy(r"^[a-z][a-z0-9+.-]*://", rx.I)
_EGG = lazy(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_LOCAL = lazy(r"^(?:\.{1,2}(?:/|\[|$)|/|file:)")
# options that take a value and send pip somewhere else: a caller must not sync such a file blindly
_INDEX_OPTIONS = {"-i": "index-url", "--index-url": "index-url", "--extra-index-url": "extra-index-url",
                  "-f": "find-links", "--find-links": "find-links", "--trusted-host": "trusted-host"}
_HARMLESS_OPTIONS = {"--pre", "--no-index", "--prefer-binary", "--require-hashes", "--only-binary", "--no-binary",
                     "--use-feature", "--config-settings", "--global-option", "--no-deps", "-Z",
                     "--always-unzip"}
_PER_REQUIREMENT = lazy(r"\s+--(?:hash|config-settings|global-option|install-option)[= ]\S+")
_COMMENT = lazy(r"(^|\s)#.*$")
_GLUED_OPTION = lazy(r"^-[rcefi]\S")  # -rrequirements-dev.txt


def requirement(text: str, *, file: str, line: int | None, source: str, group: str | None, kind: str,
                env: Mapping[str, str], condition: str | None = None) -> Declaration | Note:
    """A Declaration for one PEP 508 string, or a Note saying why it was skipped."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    try:
        req = Requirement(text.strip())
    except InvalidRequirement as exc:
        return Note(file, line, "unparsable", f"{text.strip()}: {str(exc).splitlines()[0]}")
    applies = True
    marker = None
    if req.marker is not None:
        marker = str(req.marker)
        try:
            applies = req.marker.evaluate(dict(env))
        except Exception:  # an undefined name in an odd marker: keep it, say nothing applies
            applies = False
    return Declaration(
        name=canonicalize_name(req.name), raw_name=req.name, requirement=str(req), file=file, line=line,
        source=source, group=group, kind=kind, specifier=str(req.specifier), extras=tuple(sorted(req.extras)),
        marker=marker, applies=applies, condition=condition)


class _FileRead:
    """What one requirements file holds, filled line by line."""

    __slots__ = ("declarations", "includes", "constraints", "installs_project", "project_extras", "unsafe", "notes")

    def __init__(self) -> None:
        self.declarations: list[Declaration] = []
        self.includes: list[str] = []
        self.constraints: list[str] = []
        self.installs_project = False
        self.project_extras: list[str] = []
        self.unsafe: list[Note] = []
        self.notes: list[Note] = []


def requirements_kind(rel: str) -> str:
    """requirements.txt is runtime; requirements-dev.txt dev; requirements/tests.txt, tests/requirements.txt test."""
    stem = rx.sub(r"\.(txt|in)$", "", rel)
    parts = stem.split("/")
    base = parts[-1]
    if base in ("requirements", "reqs") and len(parts) > 1:
        # tests/requirements.txt, docs/requirements.txt: the folder says what for
        return classify(parts[-2], "runtime")
    return classify(base.replace("requirements", "").strip("-_.") or "requirements", "other") \
        if base != "requirements" else "runtime"


def read_requirements_files(root: str, start: list[str], env: Mapping[str, str]
                            ) -> tuple[list[Group], list[Note], list[str]]:
    """Groups for the given requirements files and every file they include (-r, -c), each read once;
    a missing include or an include cycle is a note."""
    groups: dict[str, Group] = {}
    notes: list[Note] = []
    reads: dict[str, _FileRead] = {}

    def visit(rel: str, stack: tuple[str, ...]) -> None:
        if rel in stack:
            notes.append(Note(stack[-1], None, "cycle", " -> ".join(stack + (rel,))))
            return
        if rel in reads:
            return
        read = _read_file(root, rel, env)
        reads[rel] = read
        notes.extend(read.notes)
        for inc in read.includes + read.constraints:
            if os.path.isfile(os.path.join(root, inc)):
                visit(inc, stack + (rel,))
            else:
                notes.append(Note(rel, None, "include-missing", inc))

    for rel in start:
        visit(rel, ())
    for rel, read in reads.items():
        groups[rel] = Group(REQUIREMENTS, rel, requirements_kind(rel), rel, tuple(read.declarations),
                            includes=tuple(i for i in read.includes if i in reads),
                            installs_project=read.installs_project, project_extras=tuple(read.project_extras),
                            unsafe=tuple(read.unsafe))
    return list(groups.values()), notes, list(reads)


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) with comments stripped and backslash continuations joined."""
    buf, first = "", None
    for number, raw in enumerate(text.splitlines(), 1):
        line = _COMMENT.sub("", raw)
        if first is None:
            first = number
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        buf += line
        if buf.strip():
            yield first, buf.strip()
        buf, first = "", None
    if buf.strip() and first is not None:
        yield first, buf.strip()


def _read_file(root: str, rel: str, env: Mapping[str, str]) -> _FileRead:
    out = _FileRead()
    path = os.path.join(root, rel)
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
    except OSError as exc:
        out.notes.append(Note(rel, None, "malformed", f"cannot read: {exc.strerror}"))
        return out
    kind = requirements_kind(rel)
    here = os.path.dirname(rel)
    for number, line in _logical_lines(text):
        if "${" in line:
            out.notes.append(Note(rel, number, "env-var", line))
        if line.startswith("-"):
            _option(root, rel, here, number, line, out)
            continue
        _entry(root, rel, number, _PER_REQUIREMENT.sub("", line), kind, env, out, editable=False)
    return out


def _option(root: str, rel: str, here: str, number: int, line: str, out: _FileRead) -> None:
    import shlex  # only a project whose requirements have option lines needs it

    try:
        words = shlex.split(line)
    except ValueError:
        words = line.split()
    opt, value = words[0], " ".join(words[1:])
    if "=" in opt and opt.startswith("--"):
        opt, _, value = opt.partition("=")
    elif _GLUED_OPTION.match(opt):  # -rrequirements-dev.txt
        opt, value = opt[:2], opt[2:] + (" " + value if value else "")
    value = value.strip()
    if opt in ("-r", "--requirement", "-c", "--constraint"):
        target = os.path.normpath(os.path.join(here, value))
        (out.includes if opt in ("-r", "--requirement") else out.constraints).append(target)
    elif opt in ("-e", "--editable"):
        _entry(root, rel, number, value, requirements_kind(rel), {}, out, editable=True)
    elif opt in _INDEX_OPTIONS:
        out.unsafe.append(Note(rel, number, _INDEX_OPTIONS[opt], line))
    elif opt not in _HARMLESS_OPTIONS:
        out.notes.append(Note(rel, number, "unsupported", line))


def _entry(root: str, rel: str, number: int, line: str, kind: str, env: Mapping[str, str], out: _FileRead,
           editable: bool) -> None:
    value = line.strip()
    if _VCS.match(value) or (_URL.match(value) and not value.startswith("file:")):
        reason = "vcs" if _VCS.match(value) else "url"
        out.unsafe.append(Note(rel, number, reason, line))
        egg = _EGG.search(value)
        if egg:
            decl = requirement(f"{egg.group(1)} @ {value.split('#')[0]}", file=rel, line=number,
                               source=REQUIREMENTS, group=rel, kind=kind, env=env or _env())
            if isinstance(decl, Declaration):
                out.declarations.append(decl)
        return
    if _LOCAL.match(value):
        path, _, extras = value.partition("[")
        path = path[len("file:"):] if path.startswith("file:") else path
        target = os.path.normpath(os.path.join(root, path))
        if os.path.realpath(target) == os.path.realpath(root):
            out.installs_project = True
            out.project_extras.extend(e.strip() for e in extras.rstrip("]").split(",") if e.strip())
        else:
            out.unsafe.append(Note(rel, number, "path", line))
        return
    decl = requirement(value, file=rel, line=number, source=REQUIREMENTS, group=rel, kind=kind, env=env or _env())
    if isinstance(decl, Note):
        out.notes.append(decl)
        return
    out.declarations.append(decl)
    if " @ " in value or "@" in value.split(";")[0] and _URL.search(value.split("@", 1)[1].strip()):
        out.unsafe.append(Note(rel, number, "url", line))


def _env() -> MarkerEnvironment:
    """The running interpreter's marker environment, worked out when a marker needs it."""
    return MarkerEnvironment(None)
