"""A Python project's declared environment, and the questions a fix planner asks of it: is this
module the project's own, where is this distribution declared, and what one command installs the
project's test environment the way its own docs, tox or CI would."""

from __future__ import annotations

import os
import sys

from heal import rx
from heal.declared.model import (EXTRA, GROUP, HATCH, MAIN, PDM, PIPENV, POETRY, REQUIREMENTS, TOX, UV, Declaration,
                                 Declarations, Group, MarkerEnvironment, Sink, canon)
from heal.memo import memo
from heal.record import replace

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from heal.declared.model import Given

PROJECT = "project"  # the source of the synthetic Declaration find() returns for the project itself

# files that sit at a project's top level without being one of its modules
_NOT_MODULES = {"setup", "conftest", "noxfile", "fabfile", "tasks", "dodo", "manage", "docs", "doc", "tests", "test",
                "testing", "examples", "example", "benchmarks", "bench", "scripts", "tools", "build", "dist", "site",
                "ci", "changelog", "changelog.d", "requirements"}
_REQUIREMENT_GLOBS = ("*requirements*.txt", "*requirements*.in", "requirements/*.txt", "requirements/*.in",
                      "tests/requirements*.txt", "test/requirements*.txt", "testing/requirements*.txt",
                      "docs/requirements*.txt", "doc/requirements*.txt", "ci/requirements*.txt",
                      "dev-requirements/*.txt")
_KIND_RANK = {"test": 0, "dev": 1}
# what the readers of heal.declared.sources read (each does nothing without its file): a project with none of
# them (a script and its virtualenv) is not worth importing them for
_DECLARING_FILES = ("setup.cfg", "setup.py", "pyproject.toml", "hatch.toml", "Pipfile", "tox.ini")


def _glob(root: str, pattern: str) -> list[str]:
    """glob.glob(root/pattern), sorted, for a pattern with `*` wildcards in its last part only (the ones above),
    without glob's imports (contextlib costs every failure that reads declarations a millisecond)."""
    directory, name = os.path.split(pattern)
    base = os.path.join(root, directory)
    try:
        names = os.listdir(base)
    except OSError:
        return []
    return sorted(os.path.join(base, n) for n in names if not n.startswith(".") and _star_match(n, name))


def _star_match(name: str, pattern: str) -> bool:
    """fnmatch.fnmatchcase(name, pattern) for a pattern whose only wildcard is `*`, without compiling it to a
    regex: the text between the stars, leftmost first, in order between the fixed head and tail."""
    if "*" not in pattern:
        return name == pattern
    head, *middle, tail = pattern.split("*")
    if len(name) < len(head) + len(tail) or not name.startswith(head) or not name.endswith(tail):
        return False
    at, end = len(head), len(name) - len(tail)
    for part in middle:
        at = name.find(part, at, end)
        if at < 0:
            return False
        at += len(part)
    return True


def python_declarations(root: str, *, environment: Given = None) -> Declarations:
    """Everything the project at `root` declares, read statically (setup.py is parsed, never run).
    Markers are evaluated for `environment` (see marker_environment_of) over the running interpreter's.
    `environment` may also be a callable that gives it (or None): it is called only when a requirement
    has a marker to evaluate, so a project without markers never starts another interpreter."""
    root = os.path.abspath(root)
    sink = Sink(root=root, env=MarkerEnvironment(environment))
    if any(os.path.isfile(os.path.join(root, name)) for name in _DECLARING_FILES):
        from heal.declared.sources import (read_hatch_toml, read_pipfile, read_pyproject, read_setup_cfg,
                                           read_setup_py, read_tox)

        read_setup_cfg(sink)  # before pyproject/setup.py only for the name; each reader fills what it finds
        read_setup_py(sink)
        read_pyproject(sink)
        read_hatch_toml(sink)
        read_pipfile(sink)
        read_tox(sink)
    start: list[str] = []
    for pattern in _REQUIREMENT_GLOBS:
        for path in _glob(root, pattern):
            rel = os.path.relpath(path, root)
            if os.path.isfile(path) and rel not in start:
                start.append(rel)
    for rel, _ in sink.requirement_files:
        if rel not in start and os.path.isfile(os.path.join(root, rel)):
            start.append(rel)
    if start:
        from heal.declared.reqs import read_requirements_files

        groups, notes, read = read_requirements_files(root, start, sink.env)
    else:
        groups, notes, read = [], [], []  # what reading no file gives, without the readers
    # a file named for nothing in particular (deps.txt) is what the tox env or pyproject that names it says
    overrides = dict(sink.requirement_files)
    for g in groups:
        kind = overrides.get(g.name)
        if kind and g.kind == "other":
            g = replace(g, kind=kind, requirements=tuple(replace(d, kind=kind) for d in g.requirements))
        sink.groups.append(g)
    sink.notes.extend(notes)
    sink.files.extend(r for r in read if r not in sink.files)
    manager, evidence = _manager(root, sink)
    name = canon(sink.name) if sink.name else _name_fallback(root, sink)
    items = tuple(d for g in sink.groups for d in g.requirements)
    return Declarations(root=root, name=name, packages=_own_packages(root, sink), manager=manager,
                        evidence=evidence, items=items, groups=tuple(sink.groups), notes=tuple(sink.notes),
                        files=tuple(sink.files), dynamic=tuple(sink.dynamic), name_file=sink.name_file)


def _name_fallback(root: str, sink: Sink) -> str | None:
    """The name when setup.py computes it: an sdist's PKG-INFO, else the one package the project ships."""
    try:
        with open(os.path.join(root, "PKG-INFO"), encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("Name:"):
                    return canon(line.split(":", 1)[1].strip())
                if not line.strip():
                    break
    except OSError:
        pass
    packages = [p for p in sink.packages if p.isidentifier()]
    return canon(packages[0]) if len(set(packages)) == 1 else None


def marker_environment_of(python: str) -> dict[str, str] | None:
    """The PEP 508 marker environment of another interpreter (it runs a stdlib-only snippet, not project
    code); None when it cannot be run."""
    import json
    import subprocess

    code = ("import os, sys, platform, json\n"
            "v = sys.implementation.version\n"
            "iv = '%d.%d.%d' % (v.major, v.minor, v.micro)\n"
            "iv += ('' if v.releaselevel == 'final' else v.releaselevel[0] + str(v.serial))\n"
            "print(json.dumps({'implementation_name': sys.implementation.name, 'implementation_version': iv,"
            " 'os_name': os.name, 'platform_machine': platform.machine(), 'platform_release': platform.release(),"
            " 'platform_system': platform.system(), 'platform_version': platform.version(),"
            " 'python_full_version': platform.python_version(),"
            " 'platform_python_implementation': platform.python_implementation(),"
            " 'python_version': '.'.join(platform.python_version_tuple()[:2]), 'sys_platform': sys.platform}))")
    try:
        out = subprocess.run([python, "-I", "-c", code], capture_output=True, timeout=30, check=True).stdout
        return json.loads(out)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None


def pip_version_of(python: str) -> str | None:
    """The version of pip installed for `python`, read from its site-packages (no process started)."""
    prefix = os.path.dirname(os.path.dirname(os.path.abspath(python)))
    import glob

    found = sorted(glob.glob(os.path.join(prefix, "lib", "python*", "site-packages", "pip-*.dist-info")))
    if not found:
        return None
    m = rx.match(r"pip-(.+)\.dist-info$", os.path.basename(found[-1]))
    return m.group(1) if m else None


# --- the project's own modules ----------------------------------------------------------------------

def _own_packages(root: str, sink: Sink) -> tuple[str, ...]:
    names: list[str] = [p for p in sink.packages if p and p.isidentifier()]
    dirs = list(dict.fromkeys(sink.package_dirs))
    if not names:
        for d in dirs or (["src"] if os.path.isdir(os.path.join(root, "src")) else []):
            names.extend(_modules_in(os.path.join(root, d), strict=d in (".", "")))
    if not names:
        names.extend(_modules_in(root, strict=True))
    if not names and sink.name:  # hatch/flit/poetry default: the directory named after the project
        guess = canon(sink.name).replace("-", "_")
        if os.path.isdir(os.path.join(root, guess)) or os.path.isfile(os.path.join(root, guess + ".py")):
            names.append(guess)
    return tuple(dict.fromkeys(names))


def _modules_in(base: str, strict: bool) -> list[str]:
    """Importable top-level names in a directory: packages (with __init__.py, or any .py inside when not
    strict) and modules; at a project's root (strict) test, doc and tool files do not count."""
    out = []
    try:
        entries = sorted(os.listdir(base))
    except OSError:
        return out
    for entry in entries:
        path = os.path.join(base, entry)
        stem = entry[:-3] if entry.endswith(".py") else entry
        if not stem.isidentifier() or stem.startswith("_") or (strict and stem in _NOT_MODULES):
            continue
        if os.path.isdir(path):
            if os.path.isfile(os.path.join(path, "__init__.py")) or (not strict and _has_python(path)):
                out.append(entry)
        elif entry.endswith(".py") and not strict:
            out.append(stem)
    return out


def _has_python(path: str) -> bool:
    try:
        return any(e.endswith(".py") or os.path.isdir(os.path.join(path, e)) for e in os.listdir(path))
    except OSError:
        return False


def is_project_module(decls: Declarations, module: str, cwd: str | None = None) -> bool:
    """Whether an import name is the project's own (its packages, a src/ layout, a top-level .py, a test
    helper package): something to make importable, never a distribution to install."""
    top = module.split(".")[0]
    if not top or top in decls.packages:
        return bool(top)
    bases = [decls.root, os.path.join(decls.root, "src")] + ([cwd] if cwd else [])
    for base in bases:
        if os.path.isfile(os.path.join(base, top + ".py")):
            return True
        path = os.path.join(base, top)
        if os.path.isdir(path) and _has_python(path) and not _is_environment(path):
            return True
    return False


def _is_environment(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "pyvenv.cfg")) or os.path.basename(path) in ("node_modules",
                                                                                           "site-packages")


# --- find -------------------------------------------------------------------------------------------

def import_guesses(distribution: str) -> tuple[str, ...]:
    """Import names a distribution probably provides, best first: `zope.interface` -> zope.interface,
    zope; `python-dateutil` -> python_dateutil, dateutil; `Pympler` -> pympler."""
    raw = distribution.strip().lower()
    flat = rx.sub(r"[-.]+", "_", raw)
    out = [raw.replace("-", "_"), flat]
    for prefix in ("python_", "py_"):
        if flat.startswith(prefix) and len(flat) > len(prefix) + 1:
            out.append(flat[len(prefix):])
    for suffix in ("_python", "_py"):
        if flat.endswith(suffix):
            out.append(flat[: -len(suffix)])
    if "." in raw:
        out.append(raw.split(".")[0])  # namespace packages: zope.interface -> zope
    return tuple(dict.fromkeys(out))


@memo
def _import_map() -> tuple[dict[str, str], dict[str, list[str]]]:
    """heal's curated import map (module -> distribution), read directly so this module needs nothing
    from the fix engine."""
    from heal.patterns import table

    data = table("import_map")
    return dict(data.get("map", {})), dict(data.get("ambiguous", {}))


def find(decls: Declarations, name: str) -> list[Declaration]:
    """Where the project declares a distribution, or the distribution behind an import name, best
    match first: the canonical distribution name; then the project itself when the module is its own
    (a Declaration with source "project"); then heal's import map; then a guess from each declared
    name. Declarations whose markers do not hold are included (check `applies`)."""
    if not name:
        return []
    canon_name = canon(name)
    exact = [d for d in decls.items if d.name == canon_name]
    if exact:
        return exact
    module = name.strip()
    parts = module.split(".")
    if decls.name and is_project_module(decls, module) and parts[0] in decls.packages:
        return [Declaration(name=decls.name, raw_name=decls.name, requirement=decls.name, file=_project_file(decls),
                            line=None, source=PROJECT, group=None, kind="runtime")]
    mapping, ambiguous = _import_map()
    prefixes = [".".join(parts[:n]) for n in range(len(parts), 0, -1)]
    for key in prefixes:
        dists = ([mapping[key]] if key in mapping else []) + list(ambiguous.get(key, []))
        hits = [d for d in decls.items if d.name in {canon(x) for x in dists}]
        if hits:
            return hits
    low = [p.lower() for p in prefixes]
    for i, key in enumerate(low):
        # a dotted prefix matches exactly; the top-level name alone also matches a namespace guess
        hits = [d for d in decls.items if key in import_guesses(d.raw_name)[: (None if i == len(low) - 1 else -1)
                                                                              if "." in d.raw_name else None]]
        if hits:
            return hits
    return []


def _project_file(decls: Declarations) -> str:
    if decls.name_file:
        return decls.name_file
    for f in ("setup.py", "setup.cfg", "pyproject.toml"):
        if f in decls.files:
            return f
    return "pyproject.toml"


# --- groups and their expansion ----------------------------------------------------------------------

def expand(decls: Declarations, group: Group, _seen: frozenset[tuple[str, str]] = frozenset()) -> list[Declaration]:
    """A group's requirements with what it includes (-r files, include-group, the project's own extras
    it names), each group once: a cycle ends where it closes."""
    key = (group.source, group.name)
    if key in _seen:
        return []
    seen = _seen | {key}
    out = list(group.requirements)
    for inc in group.includes:
        source = group.source
        if inc.startswith("group:"):
            source, inc = GROUP, inc[len("group:"):]
        elif group.source in (MAIN, EXTRA) or (group.source == REQUIREMENTS and False):
            source = EXTRA
        elif group.source == TOX:
            source = REQUIREMENTS
        target = decls.group(source, inc)
        if target is not None:
            out.extend(expand(decls, target, seen))
    for extra in group.project_extras:
        target = decls.group(EXTRA, extra)
        if target is not None:
            out.extend(expand(decls, target, seen))
    return out


def _installs_project(decls: Declarations, group: Group, seen: frozenset[str] = frozenset()) -> bool:
    if group.installs_project:
        return True
    if group.source != REQUIREMENTS or group.name in seen:
        return False
    return any(_installs_project(decls, g, seen | {group.name}) for g in
               (decls.group(REQUIREMENTS, i) for i in group.includes) if g is not None)


def _tox_referenced(decls: Declarations) -> set[str]:
    return {i for g in decls.groups if g.source == TOX and g.kind == "test" for i in g.includes}


def _pick(groups: list[Group], kinds=("test",)) -> Group | None:
    """The group to use among candidates: by kind, then the name a developer reaches for first
    (`tests` before `tests-no-zope`), pinned .txt before .in."""
    candidates = [g for g in groups if g.kind in kinds and (g.requirements or g.includes or g.project_extras)]
    if not candidates:
        return None

    def rank(g: Group) -> tuple:
        base = rx.sub(r"\.(txt|in)$", "", os.path.basename(g.name))
        return (kinds.index(g.kind), g.name.endswith(".in"), g.optional,
                0 if rx.sub(r"^requirements[-_]?", "", base) in ("test", "tests", "testing", "dev") else 1,
                len(g.name), g.name)

    return min(candidates, key=rank)


def test_groups(decls: Declarations, manager: str | None = None) -> tuple[Group, ...]:
    """The groups test_environment() installs, with what they include: check their `unsafe` notes before
    running it (an index URL, a VCS or URL requirement)."""
    group = _choose(decls, manager or decls.manager)
    if group is None:
        return ()
    out = [group]
    todo = list(group.includes)
    while todo:
        inc = todo.pop()
        source = GROUP if inc.startswith("group:") else REQUIREMENTS if group.source in (REQUIREMENTS, TOX) \
            else group.source if group.source != MAIN else EXTRA
        g = decls.group(source, inc.split(":", 1)[-1]) or decls.group(EXTRA, inc)
        if g is not None and g not in out:
            out.append(g)
            todo.extend(g.includes)
    return tuple(out)


def _choose(decls: Declarations, manager: str) -> Group | None:
    by = {s: [g for g in decls.groups if g.source == s] for s in
          (REQUIREMENTS, EXTRA, GROUP, POETRY, PDM, UV, HATCH, PIPENV, TOX)}
    tox_files = _tox_referenced(decls)
    files = [g for g in by[REQUIREMENTS] if g.kind == "test" or g.name in tox_files]
    native = {"poetry": by[POETRY], "pdm": by[PDM], "uv": by[UV] + by[GROUP], "hatch": by[HATCH],
              "pipenv": by[PIPENV]}.get(manager, [])
    order = [
        _pick([g for g in files if g.kind == "test"]),
        _pick(native) if manager != "pip" else None,
        _pick(by[EXTRA]),
        _pick(by[GROUP]),
        _pick(native, kinds=("dev",)) if manager != "pip" else None,
        _pick([g for g in files if g.kind != "test"], kinds=("dev", "runtime", "other")),
        _pick(by[REQUIREMENTS], kinds=("dev",)),
        _pick(by[EXTRA], kinds=("dev",)),
        _pick(by[GROUP], kinds=("dev",)),
        _pick(by[POETRY] + by[PDM] + by[UV] + by[HATCH] + by[PIPENV], kinds=("test", "dev")),
        _pick([g for g in by[TOX] if g.name == "testenv"] or by[TOX]),
    ]
    return next((g for g in order if g is not None), None)


def _pip(python: str) -> list[str]:
    return [python, "-m", "pip", "install"]


def test_environment(decls: Declarations, manager: str | None = None, *, python: str = "python",
                     pip_version: str | None = None) -> list[str] | None:
    """The one command that installs the project's test environment (run in the project root), the way
    its own docs, tox or CI would: a pinned test requirements file, else the test extra or dependency
    group, else the dev one, else tox's test env; with the manager's own command for poetry, pdm, uv,
    hatch and pipenv groups. `python` is the interpreter pip runs in; `pip_version` (see pip_version_of)
    decides whether `pip install --group` is there (pip >= 25.1). None when nothing is declared."""
    manager = manager or decls.manager
    group = _choose(decls, manager)
    if group is None:
        return None
    project = _installable(decls)
    if group.source == POETRY and manager == "poetry":
        return ["poetry", "install", "--with", group.name]
    if group.source == PDM and manager == "pdm":
        return ["pdm", "install", "-G", group.name]
    if group.source in (UV, GROUP) and manager == "uv":
        return ["uv", "sync"] if group.source == UV else ["uv", "sync", "--group", group.name]
    if group.source == EXTRA and manager == "uv":
        return ["uv", "sync", "--extra", group.name]
    if group.source == EXTRA and manager == "poetry":
        return ["poetry", "install", "--extras", group.name]
    if group.source == EXTRA and manager == "pdm":
        return ["pdm", "install", "-G", group.name]
    if group.source == HATCH and manager == "hatch":
        return ["hatch", "env", "create", group.name]
    if group.source == PIPENV and manager == "pipenv":
        return ["pipenv", "install", "--dev"] if group.name == "dev-packages" else \
            ["pipenv", "install", "--categories", group.name]
    if group.source == REQUIREMENTS:
        argv = _pip(python) + ["-r", group.name]
        if project and not _installs_project(decls, group):
            argv += ["-e", "."]
        return argv
    if group.source == EXTRA:
        return _pip(python) + ["-e", f".[{group.name}]"] if project else None
    if group.source == GROUP and _at_least(pip_version, (25, 1)):
        return _pip(python) + (["-e", "."] if project else []) + ["--group", group.name]
    # the manager that owns the group is not the one in use (or pip is too old for --group): install the
    # group's own requirements, and the project (with the extras a tox or hatch env asks for)
    reqs = _requirement_strings(decls, group)
    target: list[str] = []
    if project and (group.installs_project or group.source not in (TOX, HATCH)):
        extras = sorted(set(group.project_extras))
        target = ["-e", "." + (f"[{','.join(extras)}]" if extras else "")]
    if group.source == TOX:
        for inc in group.includes:
            if not inc.startswith("group:") and decls.group(REQUIREMENTS, inc) is not None:
                target += ["-r", inc]
    if not reqs and not target:
        return None
    return _pip(python) + target + reqs


def _requirement_strings(decls: Declarations, group: Group) -> list[str]:
    """Requirement strings of a group that apply here, without URLs or VCS links (never synced blindly)."""
    out = []
    for d in expand(decls, group):
        if d.applies and " @ " not in d.requirement and d.requirement not in out and d.name != decls.name:
            out.append(d.requirement.split(";")[0].strip())
    return out


def _installable(decls: Declarations) -> bool:
    return any(f in decls.files for f in ("setup.py", "setup.cfg")) or \
        ("pyproject.toml" in decls.files and (decls.name is not None or os.path.isfile(
            os.path.join(decls.root, "setup.py"))))


def _at_least(version: str | None, wanted: tuple[int, ...]) -> bool:
    if not version:
        return False
    nums = [int(x) for x in rx.findall(r"\d+", version)[: len(wanted)]]
    return tuple(nums) >= wanted


def install_project(decls: Declarations, manager: str | None = None, *, python: str = "python") -> list[str] | None:
    """The command that makes the project itself importable (for "module of this project is not
    importable"): `pip install -e .`, or the manager's sync. None when there is nothing to install."""
    manager = manager or decls.manager
    if manager == "uv":
        return ["uv", "sync"]
    if manager == "poetry":
        return ["poetry", "install"]
    if manager == "pdm":
        return ["pdm", "install"]
    if not _installable(decls):
        return ["pipenv", "install"] if manager == "pipenv" else None
    return _pip(python) + ["-e", "."]


# --- the manager ------------------------------------------------------------------------------------

_LOCKS = (("uv.lock", "uv"), ("poetry.lock", "poetry"), ("pdm.lock", "pdm"), ("Pipfile.lock", "pipenv"),
          ("pixi.lock", "pixi"))


def _manager(root: str, sink: Sink) -> tuple[str, tuple[str, ...]]:
    """The project's package manager: a lockfile decides; else a tool table that declares dependencies
    ([tool.poetry], [tool.pdm] dev groups, [tool.uv], Pipfile, hatch envs); else pip."""
    evidence = [lock for lock, _ in _LOCKS if os.path.isfile(os.path.join(root, lock))]
    for lock, manager in _LOCKS:
        if lock in evidence and manager != "pixi":
            return manager, tuple(evidence) + tuple(e for _, e in sink.managers)
    order = ("poetry", "pdm", "uv", "pipenv", "hatch")
    found = {m: e for m, e in sink.managers}
    for manager in order:
        if manager in found:
            return manager, tuple(evidence) + (found[manager],)
    return "pip", tuple(evidence)


def describe(decls: Declarations) -> str:
    """A short human summary, for debugging and the CLI: name, manager, groups."""
    lines = [f"{decls.name or '(unnamed)'}: manager {decls.manager} ({', '.join(decls.evidence) or 'default'}); "
             f"packages {', '.join(decls.packages) or '-'}"]
    for g in decls.groups:
        lines.append(f"  {g.source} {g.name} [{g.kind}] {len(g.requirements)} requirement(s)"
                     + (f" includes {', '.join(g.includes)}" if g.includes else "")
                     + (" +project" if g.installs_project else "")
                     + (f"[{','.join(g.project_extras)}]" if g.project_extras else ""))
    for n in decls.notes:
        lines.append(f"  note {n.file}:{n.line or ''} {n.reason}: {n.text}")
    return "\n".join(lines)


if __name__ == "__main__":  # python -m heal.declared.python DIR
    print(describe(python_declarations(sys.argv[1] if len(sys.argv) > 1 else ".")))
