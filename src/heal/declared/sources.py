"""Readers for every place a Python project declares what it needs, all static: pyproject.toml
([project], [dependency-groups], poetry, pdm, uv, hatch, setuptools), setup.cfg, setup.py (parsed with
ast, never run), Pipfile and tox.ini. Each reader adds Groups and Notes to a Sink; nothing raises on a
malformed file. A reader imports its parser (tomllib, configparser, ast) only when its file is there."""

from __future__ import annotations

import os

from heal import rx
from heal.declared.model import (EXTRA, GROUP, HATCH, MAIN, PDM, PIPENV, POETRY, SETUP_TESTS, TOX, UV, Note, Sink,
                                 classify)
from heal.declared.model import canon as _canon
from heal.declared.model import factor_is_test as _factor_is_test
from heal.lazyre import lazy

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    import ast
    import configparser


def load_toml(sink: Sink, rel: str) -> dict | None:
    path = os.path.join(sink.root, rel)
    if not os.path.isfile(path):
        return None
    from heal.tomlcache import load  # a file unchanged since the last failure is not parsed again (tomllib imports re)

    try:
        data = load(path)
    except (OSError, ValueError, RecursionError) as exc:  # TOMLDecodeError is a ValueError
        sink.notes.append(Note(rel, _toml_line(exc, path), "malformed", str(exc)))
        return None
    sink.files.append(rel)
    return data


def _toml_line(exc: Exception, path: str) -> int | None:
    m = rx.search(r"line (\d+)", str(exc))
    if m:
        return int(m.group(1))
    if "end of document" in str(exc):  # tomllib names no line for a document that stops mid-value
        try:
            with open(path, "rb") as fh:
                return max(1, fh.read().rstrip(b"\n").count(b"\n") + 1)
        except OSError:
            return None
    return None


def _lines_of(sink: Sink, rel: str) -> list[str]:
    try:
        with open(os.path.join(sink.root, rel), encoding="utf-8", errors="replace") as fh:
            return fh.read().splitlines()
    except OSError:
        return []


def _line_finder(sink: Sink, rel: str):
    """A lookup of the first line at or after a section header where a requirement string occurs: TOML
    parsers give no positions, and a line number is what a user wants to see."""
    lines = _lines_of(sink, rel)

    def find(text: str, after: str | None = None) -> int | None:
        start = 0
        if after:
            start = next((i for i, ln in enumerate(lines) if ln.strip().startswith(after)), 0)
        for i in range(start, len(lines)):
            if text and text in lines[i]:
                return i + 1
        return None

    return find


# --- pyproject.toml ---------------------------------------------------------------------------------

def read_pyproject(sink: Sink) -> dict | None:
    rel = "pyproject.toml"
    data = load_toml(sink, rel)
    if data is None:
        return None
    where = _line_finder(sink, rel)
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    if isinstance(project.get("name"), str):
        sink.name, sink.name_file = project["name"], rel
    sink.dynamic = [str(d) for d in project.get("dynamic", []) if isinstance(d, str)]
    if "build-system" in data or project:
        sink.installable = True
    deps = project.get("dependencies")
    if isinstance(deps, list):
        sink.add_group(MAIN, "dependencies", "runtime", rel,
                       [(d, where(str(d), "[project]")) for d in deps if isinstance(d, str)])
    optional = project.get("optional-dependencies")
    if isinstance(optional, dict):
        for extra, reqs in optional.items():
            if isinstance(reqs, list):
                sink.add_group(EXTRA, str(extra), classify(str(extra)), rel,
                               [(r, where(str(r), "[project.optional-dependencies]")) for r in reqs
                                if isinstance(r, str)])
    _dependency_groups(sink, data.get("dependency-groups"), rel, where)
    setuptools = tool.get("setuptools") if isinstance(tool.get("setuptools"), dict) else {}
    _setuptools_table(sink, setuptools)
    _poetry(sink, tool.get("poetry"), rel, where)
    _pdm(sink, tool.get("pdm"), rel, where)
    _uv(sink, tool.get("uv"), rel, where)
    _hatch(sink, tool.get("hatch"), rel, where)
    if isinstance(tool.get("tox"), dict) and isinstance(tool["tox"].get("legacy_tox_ini"), str):
        read_tox(sink, rel, tool["tox"]["legacy_tox_ini"])
    return data


def _dependency_groups(sink: Sink, table, rel: str, where) -> None:
    """PEP 735: strings and {include-group = "..."} tables."""
    if not isinstance(table, dict):
        return
    for name, entries in table.items():
        if not isinstance(entries, list):
            sink.notes.append(Note(rel, None, "malformed", f"[dependency-groups] {name} is not a list"))
            continue
        strings, includes = [], []
        for entry in entries:
            if isinstance(entry, str):
                strings.append((entry, where(entry, "[dependency-groups]")))
            elif isinstance(entry, dict) and isinstance(entry.get("include-group"), str):
                target = entry["include-group"]
                if target not in table:
                    sink.notes.append(Note(rel, None, "include-missing", f"[dependency-groups] {name} includes "
                                                                          f"unknown group {target}"))
                else:
                    includes.append(target)
            else:
                sink.notes.append(Note(rel, None, "unparsable", f"[dependency-groups] {name}: {entry!r}"))
        sink.add_group(GROUP, str(name), classify(str(name)), rel, strings, includes=tuple(includes))


def _setuptools_table(sink: Sink, table: dict) -> None:
    packages = table.get("packages")
    if isinstance(packages, list):
        sink.packages.extend(str(p).split(".")[0] for p in packages if isinstance(p, str))
    elif isinstance(packages, dict) and isinstance(packages.get("find"), dict):
        where = packages["find"].get("where", ["."])
        sink.package_dirs.extend(str(w) for w in (where if isinstance(where, list) else [where]))
    modules = table.get("py-modules")
    if isinstance(modules, list):
        sink.packages.extend(str(m) for m in modules)
    package_dir = table.get("package-dir")
    if isinstance(package_dir, dict) and isinstance(package_dir.get(""), str):
        sink.package_dirs.append(package_dir[""])
    dynamic = table.get("dynamic") if isinstance(table.get("dynamic"), dict) else {}
    # dependencies = {file = ["requirements.txt"]}: the file holds the runtime requirements
    dep = dynamic.get("dependencies")
    if isinstance(dep, dict):
        for f in dep.get("file", []) if isinstance(dep.get("file"), list) else [dep.get("file")]:
            if isinstance(f, str):
                sink.requirement_files.append((os.path.normpath(f), "runtime"))
    opt = dynamic.get("optional-dependencies")
    if isinstance(opt, dict):
        for extra, spec in opt.items():
            files = spec.get("file", []) if isinstance(spec, dict) else []
            for f in files if isinstance(files, list) else [files]:
                if isinstance(f, str):
                    sink.requirement_files.append((os.path.normpath(f), classify(str(extra))))


# --- poetry -----------------------------------------------------------------------------------------

def poetry_specifier(constraint: str) -> str | None:
    """A Poetry version constraint as a PEP 440 specifier set ("^1.2" -> ">=1.2,<2.0"); None when it
    cannot be said in PEP 440 (an `||` union)."""
    constraint = constraint.strip()
    if constraint in ("", "*"):
        return ""
    if "||" in constraint:
        return None
    out = []
    for part in rx.split(r"\s*,\s*|\s+(?=[<>=!~^])", constraint):
        part = part.strip()
        if not part or part == "*":
            continue
        if part.startswith("^"):
            out.extend(_caret(part[1:].strip()))
        elif part.startswith("~") and not part.startswith("~="):
            out.extend(_tilde(part[1:].strip()))
        elif rx.match(r"^(==|!=|<=|>=|<|>|~=|===)", part):
            out.append(part.replace(" ", ""))
        elif rx.match(r"^\d", part):
            out.append(f"=={part}")
        else:
            return None
    return ",".join(out)


def _release(version: str) -> list[int] | None:
    m = rx.match(r"^(\d+(?:\.\d+)*)", version)
    return [int(x) for x in m.group(1).split(".")] if m else None


def _caret(version: str) -> list[str]:
    rel = _release(version)
    if rel is None:
        return [f">={version}"]
    # the first non-zero component is the one that may not change (^0.2.3 -> <0.3.0)
    i = next((k for k, v in enumerate(rel) if v != 0), len(rel) - 1)
    upper = rel[: i + 1]
    upper[-1] += 1
    return [f">={version}", "<" + ".".join(str(x) for x in upper + [0] * max(0, len(rel) - len(upper)))]


def _tilde(version: str) -> list[str]:
    rel = _release(version)
    if rel is None:
        return [f">={version}"]
    upper = rel[:2] if len(rel) >= 2 else rel[:1]
    if len(rel) >= 2:
        upper = [rel[0], rel[1] + 1]
    else:
        upper = [rel[0] + 1]
    return [f">={version}", "<" + ".".join(str(x) for x in upper)]


def _python_marker(constraint: str) -> str | None:
    spec = poetry_specifier(constraint)
    if not spec:
        return None
    parts = []
    for clause in spec.split(","):
        m = rx.match(r"^(==|!=|<=|>=|<|>|~=)(.+)$", clause)
        if not m:
            continue
        var = "python_full_version" if m.group(2).count(".") >= 2 else "python_version"
        parts.append(f'{var} {m.group(1)} "{m.group(2)}"')
    return " and ".join(parts) or None


def poetry_requirement(name: str, value) -> tuple[str | None, str | None, bool]:
    """(PEP 508 string, reason it cannot be one, optional) for one [tool.poetry.dependencies] entry."""
    if isinstance(value, list):  # multiple constraints: one per python/platform; the first that can be said
        for v in value:
            text, why, optional = poetry_requirement(name, v)
            if text:
                return text, None, optional
        return None, "unsupported", False
    if isinstance(value, str):
        spec = poetry_specifier(value)
        return (f"{name}{spec}" if spec is not None else None), (None if spec is not None else "unparsable"), False
    if not isinstance(value, dict):
        return None, "unparsable", False
    optional = bool(value.get("optional", False))
    if "git" in value:
        url = str(value["git"])
        return f"{name} @ {url if url.startswith('git+') else 'git+' + url}", "vcs", optional
    if "url" in value:
        return f"{name} @ {value['url']}", "url", optional
    if "path" in value:
        return None, "path", optional
    spec = poetry_specifier(str(value.get("version", "*")))
    if spec is None:
        return None, "unparsable", optional
    extras = value.get("extras")
    text = name + (f"[{','.join(extras)}]" if isinstance(extras, list) and extras else "") + spec
    markers = []
    if isinstance(value.get("python"), str):
        pm = _python_marker(value["python"])
        if pm:
            markers.append(f"({pm})" if " and " in pm and isinstance(value.get("markers"), str) else pm)
    if isinstance(value.get("markers"), str):
        markers.append(value["markers"])
    if markers:
        text += "; " + " and ".join(markers)
    return text, None, optional


def _poetry(sink: Sink, table, rel: str, where) -> None:
    if not isinstance(table, dict):
        return
    sink.managers.append(("poetry", "[tool.poetry]"))
    sink.installable = True
    if isinstance(table.get("name"), str) and not sink.name:
        sink.name, sink.name_file = table["name"], rel
    for pkg in table.get("packages", []) if isinstance(table.get("packages"), list) else []:
        if isinstance(pkg, dict) and isinstance(pkg.get("include"), str):
            sink.packages.append(pkg["include"].split("/")[0].split(".")[0])

    def entries(deps: dict, section: str) -> tuple[list, list]:
        out, optional = [], []
        for name, value in deps.items():
            if name == "python":
                continue
            text, why, opt = poetry_requirement(str(name), value)
            line = where(f"{name} =", section) or where(f"{name}=", section)
            if why:  # vcs and url ones are still declared; the note keeps a caller from syncing them blindly
                sink.notes.append(Note(rel, line, why, f"{name} = {value!r}"))
            if text:
                (optional if opt else out).append((text, line))
        return out, optional

    deps = table.get("dependencies")
    if isinstance(deps, dict):
        main, optional = entries(deps, "[tool.poetry.dependencies]")
        sink.add_group(MAIN, "dependencies", "runtime", rel, main)
        extras = table.get("extras") if isinstance(table.get("extras"), dict) else {}
        by_name = {_canon(rx.split(r"[\[<>=!~;@ ]", t, maxsplit=1)[0]): (t, ln) for t, ln in optional}
        for extra, names in extras.items():
            picked = [by_name[_canon(str(n))] for n in names if _canon(str(n)) in by_name] \
                if isinstance(names, list) else []
            sink.add_group(EXTRA, str(extra), classify(str(extra)), rel, picked)
    legacy = table.get("dev-dependencies")
    if isinstance(legacy, dict):
        sink.add_group(POETRY, "dev", "dev", rel, entries(legacy, "[tool.poetry.dev-dependencies]")[0])
    groups = table.get("group") if isinstance(table.get("group"), dict) else {}
    for name, group in groups.items():
        if not isinstance(group, dict):
            continue
        gdeps = group.get("dependencies") if isinstance(group.get("dependencies"), dict) else {}
        sink.add_group(POETRY, str(name), classify(str(name)), rel,
                       entries(gdeps, f"[tool.poetry.group.{name}.dependencies]")[0],
                       optional=bool(group.get("optional", False)))


def _pdm(sink: Sink, table, rel: str, where) -> None:
    if not isinstance(table, dict):
        return
    sink.managers.append(("pdm", "[tool.pdm]"))
    dev = table.get("dev-dependencies")
    if isinstance(dev, dict):
        for name, reqs in dev.items():
            if not isinstance(reqs, list):
                continue
            entries = []
            for r in reqs:
                if isinstance(r, str) and r.startswith("-e "):
                    sink.notes.append(Note(rel, where(r), "path", r))  # an editable local path or VCS
                elif isinstance(r, str):
                    entries.append((r, where(r, "[tool.pdm.dev-dependencies]")))
            sink.add_group(PDM, str(name), classify(str(name), "dev"), rel, entries)


def _uv(sink: Sink, table, rel: str, where) -> None:
    if not isinstance(table, dict):
        return
    sink.managers.append(("uv", "[tool.uv]"))
    dev = table.get("dev-dependencies")
    if isinstance(dev, list):
        sink.add_group(UV, "dev", "dev", rel, [(r, where(r, "[tool.uv]")) for r in dev if isinstance(r, str)])
    sources = table.get("sources") if isinstance(table.get("sources"), dict) else {}
    for name, src in sources.items():
        if isinstance(src, dict) and ({"git", "url", "path"} & set(src)):
            kind = "vcs" if "git" in src else "url" if "url" in src else "path"
            sink.notes.append(Note(rel, where(f"{name} ="), kind, f"[tool.uv.sources] {name} = {src!r}"))


def _hatch(sink: Sink, table, rel: str, where, prefix: str = "tool.hatch.") -> None:
    if not isinstance(table, dict):
        return
    envs = table.get("envs") if isinstance(table.get("envs"), dict) else {}
    if envs:
        sink.managers.append(("hatch", f"[{prefix}envs]"))
    for env, conf in envs.items():
        if not isinstance(conf, dict):
            continue
        entries = [(r, where(r, f"[{prefix}envs.{env}")) for key in ("dependencies", "extra-dependencies")
                   for r in conf.get(key, []) if isinstance(r, str)]
        features = tuple(str(f) for f in conf.get("features", []) if isinstance(f, str)) \
            if isinstance(conf.get("features"), list) else ()
        kind = "dev" if env == "default" else classify(str(env), "other")
        sink.add_group(HATCH, str(env), kind, rel, entries, project_extras=features,
                       installs_project=not conf.get("skip-install", False))
    build = table.get("build") if isinstance(table.get("build"), dict) else {}
    wheel = build.get("targets", {}).get("wheel", {}) if isinstance(build.get("targets"), dict) else {}
    if isinstance(wheel, dict) and isinstance(wheel.get("packages"), list):
        sink.packages.extend(os.path.basename(str(p).rstrip("/")) for p in wheel["packages"])


def read_hatch_toml(sink: Sink) -> None:
    data = load_toml(sink, "hatch.toml")
    if data is not None:
        _hatch(sink, data, "hatch.toml", _line_finder(sink, "hatch.toml"), prefix="")


# --- setup.cfg --------------------------------------------------------------------------------------

def _config(sink: Sink, rel: str, text: str | None = None) -> configparser.ConfigParser | None:
    path = os.path.join(sink.root, rel)
    if text is None and not os.path.isfile(path):
        return None
    import configparser  # only a project with a setup.cfg or tox.ini needs it

    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        if text is None:
            with open(path, encoding="utf-8", errors="replace") as fh:
                parser.read_file(fh)
        else:
            parser.read_string(text)
    except (OSError, configparser.Error) as exc:
        sink.notes.append(Note(rel, getattr(exc, "lineno", None), "malformed", str(exc).splitlines()[0]))
        return None
    if rel not in sink.files:
        sink.files.append(rel)
    return parser


def _cfg_list(value: str) -> list[str]:
    return [ln.strip() for ln in value.splitlines() if ln.strip() and not ln.strip().startswith("#")]


def read_setup_cfg(sink: Sink) -> None:
    rel = "setup.cfg"
    cfg = _config(sink, rel)
    if cfg is None:
        return
    where = _line_finder(sink, rel)
    if cfg.has_option("metadata", "name") and not sink.name:
        sink.name, sink.name_file = cfg.get("metadata", "name").strip(), rel
    if cfg.has_section("metadata") or cfg.has_section("options"):
        sink.installable = True
    if cfg.has_section("options"):
        opts = cfg["options"]
        if "install_requires" in opts:
            sink.add_group(MAIN, "dependencies", "runtime", rel,
                           [(r, where(r, "[options]")) for r in _cfg_list(opts["install_requires"])])
        if "tests_require" in opts:
            sink.add_group(SETUP_TESTS, "tests_require", "test", rel,
                           [(r, where(r, "[options]")) for r in _cfg_list(opts["tests_require"])])
        packages = opts.get("packages", "").strip()
        if packages and not packages.startswith("find"):
            sink.packages.extend(p.split(".")[0] for p in _cfg_list(packages))
        if "py_modules" in opts:
            sink.packages.extend(_cfg_list(opts["py_modules"]))
        package_dir = opts.get("package_dir", "")
        m = rx.search(r"^\s*=\s*(\S+)", package_dir, rx.M)
        if m:
            sink.package_dirs.append(m.group(1))
    if cfg.has_option("options.packages.find", "where"):
        sink.package_dirs.append(cfg.get("options.packages.find", "where").strip())
    if cfg.has_section("options.extras_require"):
        for extra, value in cfg["options.extras_require"].items():
            sink.add_group(EXTRA, extra, classify(extra), rel,
                           [(r, where(r, "[options.extras_require]")) for r in _cfg_list(value)])


# --- setup.py (ast, never executed) -----------------------------------------------------------------

class _Unknown:
    pass


UNKNOWN = _Unknown()


def _value(node: ast.AST, names: dict[str, object]) -> object:
    """The value of a literal expression, a name bound to one, `a + b` of lists, or dict(k=...)."""
    import ast  # loaded by read_setup_py already: a lookup in sys.modules

    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        items = [_value(e, names) for e in node.elts]
        return UNKNOWN if any(i is UNKNOWN for i in items) else list(items)
    if isinstance(node, ast.Dict):
        out = {}
        for k, v in zip(node.keys, node.values):
            if k is None:
                return UNKNOWN
            key, val = _value(k, names), _value(v, names)
            if key is UNKNOWN or val is UNKNOWN:
                return UNKNOWN
            out[key] = val
        return out
    if isinstance(node, ast.Name):
        return names.get(node.id, UNKNOWN)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _value(node.left, names), _value(node.right, names)
        if isinstance(left, list) and isinstance(right, list):
            return left + right
        if isinstance(left, str) and isinstance(right, str):
            return left + right
        return UNKNOWN
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict" and not node.args:
        out = {}
        for kw in node.keywords:
            val = _value(kw.value, names)
            if kw.arg is None or val is UNKNOWN:
                return UNKNOWN
            out[kw.arg] = val
        return out
    return UNKNOWN


def _is_setup_call(node: ast.AST) -> bool:
    import ast  # loaded by read_setup_py already

    if not isinstance(node, ast.Call):
        return False
    f = node.func
    return (isinstance(f, ast.Name) and f.id == "setup") or (isinstance(f, ast.Attribute) and f.attr == "setup")


def read_setup_py(sink: Sink) -> None:
    rel = "setup.py"
    path = os.path.join(sink.root, rel)
    if not os.path.isfile(path):
        return
    sink.installable = True
    import ast  # only a project with a setup.py needs it

    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            tree = ast.parse(fh.read(), filename=rel)
    except (OSError, SyntaxError, ValueError) as exc:
        sink.notes.append(Note(rel, getattr(exc, "lineno", None), "malformed", str(exc)))
        return
    sink.files.append(rel)
    names: dict[str, object] = {}
    for stmt in tree.body:  # module-level bindings, in order: `requires = [...]`, `requires += [...]`
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            names[stmt.targets[0].id] = _value(stmt.value, names)
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
            names[stmt.target.id] = _value(stmt.value, names)
        elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) and isinstance(stmt.op, ast.Add):
            old, new = names.get(stmt.target.id, UNKNOWN), _value(stmt.value, names)
            names[stmt.target.id] = old + new if isinstance(old, list) and isinstance(new, list) else UNKNOWN
    call = next((n for n in ast.walk(tree) if _is_setup_call(n)), None)
    if call is None:
        return
    kwargs: dict[str, tuple[object, int]] = {}
    for kw in call.keywords:  # type: ignore[attr-defined]
        if kw.arg is None:
            spread = _value(kw.value, names)
            if isinstance(spread, dict):
                kwargs.update({str(k): (v, kw.value.lineno) for k, v in spread.items()})
            else:
                sink.notes.append(Note(rel, kw.value.lineno, "computed", "setup(**...) is computed: not read"))
            continue
        kwargs[kw.arg] = (_value(kw.value, names), kw.value.lineno)

    def strings(key: str) -> list[tuple[str, int]] | None:
        if key not in kwargs:
            return None
        value, line = kwargs[key]
        if isinstance(value, str):
            value = value.splitlines()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            sink.notes.append(Note(rel, line, "computed", f"setup({key}=...) is computed: not read"))
            return None
        return [(v, _string_line(tree, v, line)) for v in value]

    if isinstance(kwargs.get("name", (None,))[0], str) and not sink.name:
        sink.name, sink.name_file = kwargs["name"][0], rel  # type: ignore[assignment]
    reqs = strings("install_requires")
    if reqs is not None:
        sink.add_group(MAIN, "dependencies", "runtime", rel, reqs)
    tests = strings("tests_require")
    if tests is not None:
        sink.add_group(SETUP_TESTS, "tests_require", "test", rel, tests)
    if "extras_require" in kwargs:
        extras, line = kwargs["extras_require"]
        if isinstance(extras, dict):
            for extra, value in extras.items():
                items = value.splitlines() if isinstance(value, str) else value
                if isinstance(items, list) and all(isinstance(v, str) for v in items):
                    sink.add_group(EXTRA, str(extra), classify(str(extra)), rel,
                                   [(v, _string_line(tree, v, line)) for v in items])
                else:
                    sink.notes.append(Note(rel, line, "computed", f"extras_require[{extra!r}] is computed: not read"))
        else:
            sink.notes.append(Note(rel, line, "computed", "setup(extras_require=...) is computed: not read"))
    packages, _ = kwargs.get("packages", (None, 0))
    if isinstance(packages, list):
        sink.packages.extend(str(p).split(".")[0] for p in packages if isinstance(p, str))
    modules, _ = kwargs.get("py_modules", (None, 0))
    if isinstance(modules, list):
        sink.packages.extend(str(m) for m in modules if isinstance(m, str))
    package_dir, _ = kwargs.get("package_dir", (None, 0))
    if isinstance(package_dir, dict) and isinstance(package_dir.get(""), str):
        sink.package_dirs.append(package_dir[""])
    for node in ast.walk(call):  # packages=find_packages("src") / find_packages(where="src")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in (
                "find_packages", "find_namespace_packages"):
            where = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "where"), None)
            value = _value(where, names) if where is not None else "."
            if isinstance(value, str):
                sink.package_dirs.append(value)


def _string_line(tree: ast.AST, text: str, default: int) -> int:
    import ast  # loaded by read_setup_py already

    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value == text:
            return node.lineno
    return default


# --- Pipfile ----------------------------------------------------------------------------------------

def read_pipfile(sink: Sink) -> None:
    rel = "Pipfile"
    data = load_toml(sink, rel)
    if data is None:
        return
    sink.managers.append(("pipenv", "Pipfile"))
    where = _line_finder(sink, rel)
    for source in data.get("source", []) if isinstance(data.get("source"), list) else []:
        url = source.get("url", "") if isinstance(source, dict) else ""
        if url and "pypi.org/simple" not in url:
            sink.notes.append(Note(rel, where(url), "index-url", url))
    for section, value in data.items():
        if section in ("source", "requires", "scripts", "pipenv") or not isinstance(value, dict):
            continue
        entries = []
        for name, spec in value.items():
            line = where(f"{name} =", f"[{section}]") or where(name, f"[{section}]")
            if isinstance(spec, str):
                entries.append((name if spec.strip() in ("*", "") else f"{name}{spec.strip()}", line))
            elif isinstance(spec, dict):
                if "git" in spec or "path" in spec or "file" in spec:
                    sink.notes.append(Note(rel, line, "vcs" if "git" in spec else "path", f"{name} = {spec!r}"))
                    continue
                version = str(spec.get("version", "*")).strip()
                extras = spec.get("extras") if isinstance(spec.get("extras"), list) else []
                text = name + (f"[{','.join(extras)}]" if extras else "") + ("" if version in ("*", "") else version)
                if isinstance(spec.get("markers"), str):
                    text += f"; {spec['markers']}"
                entries.append((text, line))
        kind = {"packages": "runtime", "dev-packages": "dev"}.get(section, classify(section))
        sink.add_group(PIPENV, section, kind, rel, entries)


# --- tox.ini ----------------------------------------------------------------------------------------

_FACTOR = lazy(r"^(?P<factors>[\w.!,{}-]+):\s+(?P<rest>.*)$")
_SUBST = lazy(r"\{\[(?P<section>[^\]]+)\](?P<key>[\w-]+)\}")


def tox_kind(env: str) -> str:
    name = env.split(":", 1)[1] if ":" in env else ""
    if not name:
        return "test"
    if rx.fullmatch(r"(py|pypy)\d*(-.*)?", name) and classify(name.split("-", 1)[-1], "test") == "other":
        return "test"
    kind = classify(name, "other")
    if kind == "other" and rx.search(r"lint|check|flake|format|build|release|publish|pre-?commit|type", name):
        return "dev"
    return "test" if kind in ("other", "runtime") else kind


def read_tox(sink: Sink, rel: str = "tox.ini", text: str | None = None) -> None:
    cfg = _config(sink, rel, text)
    if cfg is None:
        return
    where = _line_finder(sink, "tox.ini") if text is None else (lambda *a: None)
    for section in cfg.sections():
        if section != "testenv" and not section.startswith("testenv:"):
            continue
        if section.startswith("testenv:."):  # .pkg, .package: the build env, not a test env
            continue
        conf = cfg[section]
        deps = _expand_tox(cfg, conf.get("deps", ""), set()) if "deps" in conf else []
        entries, includes, unsafe = [], [], []
        for raw in deps:
            condition = None
            m = _FACTOR.match(raw)
            line_text = raw
            if m:
                condition, line_text = m.group("factors"), m.group("rest").strip()
            if line_text.startswith("-r") or line_text.startswith("-c"):
                target = line_text[2:].strip().replace("{toxinidir}/", "").replace("{toxinidir}", ".")
                if line_text.startswith("-r") and condition is None:
                    includes.append(os.path.normpath(target))
                    sink.requirement_files.append((os.path.normpath(target), "test" if tox_kind(section) == "test"
                                                   else tox_kind(section)))
                continue
            if "://" in line_text:
                note = Note(rel, where(line_text, f"[{section}]"), "vcs" if "+" in line_text.split(":")[0]
                            else "url", raw)
                # under a factor the env itself does not have (`devel: https://...`) it is not installed
                (unsafe if condition is None or _factor_is_test(condition) else sink.notes).append(note)
                continue
            entries.append((line_text, where(line_text, f"[{section}]"), condition))
        extras = _tox_names(cfg, conf.get("extras", ""))
        groups = _tox_names(cfg, conf.get("dependency_groups", ""))
        skip = conf.get("skip_install", "false").strip().lower() == "true"
        # includes: requirements files (-r) and PEP 735 groups (`dependency_groups`, tox >= 4.22)
        sink.add_group(TOX, section, tox_kind(section), rel, entries,
                       includes=tuple(includes) + tuple(f"group:{g}" for g in groups), installs_project=not skip,
                       project_extras=tuple(extras), unsafe=tuple(unsafe))


def _tox_names(cfg: configparser.ConfigParser, value: str) -> list[str]:
    """extras / dependency_groups of an env: plain names, and those under a test factor (`tests: tests`)."""
    out = []
    for item in _tox_list("\n".join(_expand_tox(cfg, value, set()))):
        m = _FACTOR.match(item)
        if m is None:
            out.append(item)
        elif _factor_is_test(m.group("factors")):
            out.append(m.group("rest").strip())
    return out


def _tox_list(value: str) -> list[str]:
    return [x.strip() for x in rx.split(r"[\n,]", value) if x.strip() and not x.strip().startswith("#")]


def _expand_tox(cfg: configparser.ConfigParser, value: str, seen: set[str]) -> list[str]:
    """deps lines with {[section]key} substitutions expanded (once each: a cycle ends there)."""
    out: list[str] = []
    for line in value.splitlines():
        line = rx.sub(r"\s+#.*$", "", line).strip()
        if not line or line.startswith("#"):
            continue
        m = _SUBST.fullmatch(line)
        if m:
            key = f"{m.group('section')}.{m.group('key')}"
            if key not in seen and cfg.has_option(m.group("section"), m.group("key")):
                out.extend(_expand_tox(cfg, cfg.get(m.group("section"), m.group("key")), seen | {key}))
            continue
        out.append(line)
    return out
