"""install: the missing dependency, with the project's own tools, into the environment that failed.

Never a name taken verbatim from output: Python import names go through the curated map in
patterns/import_map.toml (or the project's own declared dependencies); stdlib, relative and local
modules are never installed; a name more than one distribution provides is a question, not a guess.
Global and system installs are only ever suggested.
"""

from __future__ import annotations

import os
import re
import sys
from functools import lru_cache

from heal.fixes.model import Fix, PlanContext
from heal.lazyre import lazy  # compiled on first use: most failures never need these
from heal.managers import MANAGERS, node_manager, python_manager

OPTIONS: dict[str, tuple[type, tuple[str, ...]]] = {}  # a playbook step names no option of its own

_NODE_BUILTINS = {
    "assert", "async_hooks", "buffer", "child_process", "cluster", "console", "constants", "crypto", "dgram",
    "diagnostics_channel", "dns", "domain", "events", "fs", "http", "http2", "https", "inspector", "module", "net",
    "os", "path", "perf_hooks", "process", "punycode", "querystring", "readline", "repl", "stream", "string_decoder",
    "sys", "timers", "tls", "trace_events", "tty", "url", "util", "v8", "vm", "wasi", "worker_threads", "zlib", "test",
}
_NPM_NAME = lazy(r"^(?:@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*$")


@lru_cache(maxsize=1)
def import_map() -> tuple[dict[str, str], dict[str, list[str]], dict[str, str]]:
    """(map, ambiguous, never) from patterns/import_map.toml."""
    from heal.patterns import table

    data = table("import_map")
    return dict(data.get("map", {})), dict(data.get("ambiguous", {})), dict(data.get("never", {}))


def plan(step: dict, ctx: PlanContext, source: str, risk: str) -> Fix | None:
    eco = ctx.diagnosis.facts.get("ecosystem")
    if eco == "python" or ctx.diagnosis.facts.get("exception") == "ModuleNotFoundError":
        return _plan_python(ctx, source, risk)
    if eco == "node":
        return _plan_node(ctx, source, risk)
    if eco == "go":
        return _plan_go(ctx, source, risk)
    if eco == "rust" or ctx.diagnosis.facts.get("tool") == "cargo":
        return _plan_rust(ctx, source, risk)
    return None


def _install(description: str, argv: tuple[str, ...], *, manager: str, cwd: str, packages: tuple[str, ...] = (),
             python: str = "", verify: tuple[str, ...] = (), risk: str, source: str, confidence: float,
             ask: bool = False, choices: tuple[str, ...] = (), question: str = "") -> Fix:
    """An install: the fix carries the PackageChange the journal applies (and rollback undoes)."""
    from heal.journal.changes import PackageChange

    change = PackageChange(manager, argv, cwd=cwd, python=python, packages=packages, imports=verify,
                           reason=description)
    return Fix("install", description, argv, change=change, risk=risk, source=source, confidence=confidence,
               ask=ask, choices=choices, question=question)


def check(fix: Fix) -> str:
    """After the install: the distributions are installed and their modules import, in that interpreter
    (what the playbook promised); else why not."""
    change = fix.change
    if not change.imports:
        return ""
    if verify_python(change.python, change.imports, change.packages):
        return ""
    return f"installed, but {', '.join(change.packages)} / {', '.join(change.imports)} is still missing"


def choose(fix: Fix, choice: str) -> Fix:
    """The fix for the distribution the user picked among fix.choices (only the user picks: never heal)."""
    argv = tuple(choice if a == "<choice>" else a for a in fix.argv or ())
    change = fix.change
    return _install(f"install {choice} into {change.python}", argv, manager=change.manager, packages=(choice,),
                    cwd=change.cwd, python=change.python, verify=change.imports, risk=fix.risk, source=fix.source,
                    confidence=fix.confidence)


# --- Python -----------------------------------------------------------------------------------------

def candidates_for(module: str) -> tuple[str, ...]:
    """The distributions an ambiguous import name may come from, or ()."""
    _, ambiguous, _ = import_map()
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        key = ".".join(parts[:n])
        if key in ambiguous:
            return tuple(ambiguous[key])
    return ()


def distribution_for(module: str) -> tuple[str | None, str]:
    """(distribution, why) for an import name; distribution None means do not install (why says why)."""
    if not module or module.startswith("."):
        return None, "a relative import names no package"
    top = module.split(".")[0]
    if top in sys.stdlib_module_names or top in ("__future__",):
        return None, f"{top} is in the standard library: the wrong Python, or a file shadowing it"
    mapping, ambiguous, never = import_map()
    parts = module.split(".")
    for n in range(len(parts), 0, -1):  # the longest dotted key first: google.protobuf before google
        key = ".".join(parts[:n])
        if key in ambiguous:
            return None, f"{key} is provided by {' or '.join(ambiguous[key])}: choose one"
        if key in mapping:
            return mapping[key], "curated import map"
    if top in never:
        return None, f"the PyPI project named {never[top]!r} is not what provides {top}"
    return None, f"{top} is not in heal's curated import map: install the right package yourself"


def _plan_python(ctx: PlanContext, source: str, risk: str) -> Fix | None:
    module = str(ctx.diagnosis.facts.get("module", ""))
    if not module or ctx.diagnosis.facts.get("symbol"):
        return None  # `cannot import name`: the module is there, a version or a circular import is the matter
    if _is_local(module, ctx.root, ctx.cwd):
        return Fix("suggest", f"{module} is a module of this project, not a package: check sys.path or the "
                   "working directory", None, source=source, risk="low", confidence=0.5)
    dist, why = distribution_for(module)
    choices = candidates_for(module)
    if dist is None and choices:
        python = interpreter_of(ctx.argv, ctx.cwd, ctx.env)
        if python is not None and _in_virtualenv(python):
            # several distributions provide it: the user picks (on a terminal), heal never guesses
            return _install(f"{module} is provided by {' or '.join(choices)}: which one?",
                       (python, "-m", "pip", "install", "--", "<choice>"), risk=risk, source=source, confidence=0.5,
                       manager="pip", python=python, cwd=ctx.root, verify=(module.split(".")[0],), ask=True,
                       choices=choices)
    if dist is None:
        return Fix("suggest", f"not installing anything for {module}: {why}", None, source=source, risk="low",
                   confidence=0.3)
    if not _BARE_NAME.match(dist):  # a bare PEP 508 name is a valid requirement: packaging only for the rest
        try:
            from packaging.requirements import Requirement

            Requirement(dist)
        except Exception:
            return None
    declared = _declared(ctx.root, canonical_name(dist))
    manager = python_manager(ctx.root)
    if manager != "pip" and _which(manager, ctx.env):
        fix = _plan_managed(manager, ctx, module, dist, declared, source, risk)
        if fix is not None:
            return fix
    python = interpreter_of(ctx.argv, ctx.cwd, ctx.env)
    if python is None:
        return Fix("suggest", f"install {dist} (provides {module}) into the Python that runs this command",
                   ("python", "-m", "pip", "install", dist), source=source, risk=risk, confidence=0.6)
    if not _in_virtualenv(python):
        return Fix("suggest", f"{python} is not a virtualenv: installing {dist} there would change the system; "
                   "create one (python3 -m venv .venv) and install it there",
                   (python, "-m", "pip", "install", dist), source=source, risk="high", confidence=0.6)
    if manager != "pip":  # the manager itself is not installed, or has no environment for the project yet
        how = MANAGERS[manager]
        command = how.sync(manager) if declared else how.add(manager, [dist])
        return Fix("suggest", f"this project is managed by {manager}: {' '.join(command)}", command, source=source,
                   risk=risk, confidence=0.8)
    if declared:
        argv = MANAGERS["pip"].sync("pip", python=python, requirements=declared if declared.endswith(".txt") else "")
        name = os.path.basename(declared)
        risky = risky_requirement_lines(declared, ctx.root) if declared.endswith(".txt") else []
        if risky:
            # Syncing the file for one module installs everything in it, from wherever it says: another
            # index, a git URL, a local path outside the project. Only a person who read the line says yes.
            from heal.redact import redact

            lines = "; ".join(redact(r) for r in risky[:3])
            lines += f" (and {len(risky) - 3} more)" if len(risky) > 3 else ""
            return _install(f"{dist} is declared in {name} but not installed: syncing it would also use "
                       f"{lines}", argv, risk="high", source=source, confidence=0.6, manager="pip",
                       packages=(dist,), python=python, cwd=ctx.root, verify=(module.split(".")[0],), ask=True,
                       question=f"sync {name} for {dist}, although it uses {lines}")
        return _install(f"{dist} is declared in {name} but not installed: sync it",
                   argv, risk=risk, source=source, confidence=0.9, manager="pip", packages=(dist,), python=python,
                   cwd=ctx.root, verify=(module.split(".")[0],))
    return _install(f"install {dist} (provides {module}) into {_short(python, ctx.root)}",
                    MANAGERS["pip"].add("pip", [dist], python=python), risk=risk,
               source=source, confidence=0.95, manager="pip", packages=(dist,), python=python, cwd=ctx.root,
               verify=(module.split(".")[0],))


def _plan_managed(manager: str, ctx: PlanContext, module: str, dist: str, declared: str | None, source: str,
                  risk: str) -> Fix | None:
    """`uv add` / `poetry add` / `pipenv install` / `pdm add` (or their install-what-is-declared), into the
    environment the manager runs the project in, wherever it keeps it; None when it has none for the project
    yet."""
    how = MANAGERS[manager]
    tool = _which(manager, ctx.env) or manager
    python = how.python(tool, ctx.root, ctx.env)
    if python is None:
        return None
    argv = how.sync(tool) if declared else how.add(tool, [dist])
    name = f"{manager} {' '.join(argv[1:])}"
    what = f"{dist} is declared but not installed: {name}" if declared else f"{name} (provides {module})"
    return _install(what, argv, risk=risk, source=source, confidence=0.9, manager=manager,
                    packages=(dist,), python=python, cwd=ctx.root, verify=(module.split(".")[0],))


def _which(name: str, env) -> str | None:
    from heal.lean import which  # shutil's, without shutil's imports

    return which(name, path=env.get("PATH"))


def _short(python: str, root: str) -> str:
    return os.path.relpath(python, root) if python.startswith(root + os.sep) else python


def _is_local(module: str, root: str, cwd: str) -> bool:
    top = module.split(".")[0]
    for base in {root, cwd, os.path.join(root, "src")}:
        if os.path.exists(os.path.join(base, top + ".py")) or os.path.isdir(os.path.join(base, top)):
            return True
    return False


# PEP 508's name; importing packaging costs more than a hook's whole diagnosis, and a bare name needs none of it
_BARE_NAME = lazy(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")


def canonical_name(name: str) -> str:
    """packaging.utils.canonicalize_name (PEP 503), without its import."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(root: str, dist: str) -> str | None:
    """The file that declares dist as a dependency, if the project does."""
    for name in sorted(os.listdir(root)) if os.path.isdir(root) else []:
        if re.fullmatch(r"requirements[\w.-]*\.txt", name):
            try:
                with open(os.path.join(root, name), encoding="utf-8", errors="replace") as fh:
                    for line in fh:
                        m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", line)
                        if m and canonical_name(m.group(1)) == dist:
                            return os.path.join(root, name)
            except OSError:
                continue
    pyproject = os.path.join(root, "pyproject.toml")
    if os.path.isfile(pyproject):
        from heal.fsutil import load_toml

        try:
            deps = load_toml(pyproject).get("project", {}).get("dependencies", [])
        except (OSError, ValueError, RecursionError, AttributeError):
            deps = []
        for dep in deps:
            m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", str(dep))
            if m and canonical_name(m.group(1)) == dist:
                return pyproject
    return None


# pip options in a requirements file that are safe to follow without asking: they change how, not from
# where, packages are installed
_SAFE_REQ_OPTIONS = ("--hash", "--pre", "--prefer-binary", "--only-binary", "--no-binary", "--require-hashes",
                     "--config-settings", "--global-option", "--no-deps")
_VCS = lazy(r"^(?:git|hg|svn|bzr)\+|://")


def risky_requirement_lines(path: str, root: str, _depth: int = 0) -> list[str]:
    """`file:line: text` for each line of a requirements file (and the files it includes) that makes pip
    install from somewhere other than the configured index by name: --index-url, --extra-index-url,
    --find-links, --trusted-host, URLs and VCS links (`-e git+...`, `name @ https://...`), paths outside the
    project, or an option heal does not know."""
    out: list[str] = []
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read(1 << 20)
    except OSError:
        return [f"{os.path.basename(path)}: cannot be read"]
    root_real = os.path.realpath(root)
    base = os.path.dirname(path)
    shown = os.path.relpath(path, root) if path.startswith(root + os.sep) else path
    logical = re.sub(r"\\\n", " ", text).split("\n")  # pip joins lines ending in a backslash
    for n, raw in enumerate(logical, 1):
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not line:
            continue
        words = line.split()
        first = words[0]
        where = f"{shown}:{n}: {line[:120]}"
        include = re.match(r"^(-r|-c|--requirement|--constraint)(=?)(.*)$", first)
        if include:
            target = include.group(3) or (words[1] if len(words) > 1 else "")
            inc = os.path.realpath(os.path.join(base, target))
            if _VCS.search(target) or not inc.startswith(root_real + os.sep) or _depth >= 5:
                out.append(where)
            else:
                out.extend(risky_requirement_lines(inc, root, _depth + 1))
            continue
        if first in ("-e", "--editable") or first.startswith("--editable="):
            target = words[1] if len(words) > 1 and "=" not in first else first.partition("=")[2]
            inc = os.path.realpath(os.path.join(base, target))
            if _VCS.search(target) or not (inc == root_real or inc.startswith(root_real + os.sep)):
                out.append(where)
            continue
        if first.startswith("-"):
            if not first.split("=", 1)[0] in _SAFE_REQ_OPTIONS:
                out.append(where)  # --index-url, -i, --extra-index-url, --find-links, -f, --trusted-host, ...
            continue
        if _VCS.search(line) or " @ " in f" {line} " or re.match(r"^[\w.-]+\s*@", line):
            out.append(where)
        elif first.startswith((".", "/", "~")) or first.endswith((".whl", ".tar.gz", ".zip")):
            inc = os.path.realpath(os.path.join(base, os.path.expanduser(first)))
            if not inc.startswith(root_real + os.sep):
                out.append(where)
    return out


def interpreter_of(argv: tuple[str, ...], cwd: str, env) -> str | None:
    """The Python the failing command really ran: `python`, `.venv/bin/python x.py`, a console script's
    shebang (`pytest`), through `sh -c`, `env` or `timeout`. None when it cannot be told."""
    from heal.lean import which  # shutil's, without shutil's imports

    args = list(argv)
    while args and (os.path.basename(args[0]) in ("env", "nice", "time", "timeout", "sudo", "heal") or
                    re.match(r"^[A-Za-z_]\w*=", args[0])):
        args = args[1:]
        while args and (args[0].startswith("-") or re.match(r"^\d+[smh]?$", args[0])):
            args = args[1:]
    if not args:
        return None
    first = args[0]
    path = first if "/" in first else which(first, path=env.get("PATH"))
    if path and "/" in first and not os.path.isabs(path):
        path = os.path.join(cwd, path)
    if not path or not os.path.exists(path):
        return None
    if re.match(r"^(python|pypy)(\d+(\.\d+)?)?$", os.path.basename(first)):
        return os.path.abspath(path)  # the venv's python is a symlink: resolving it would leave the venv
    try:
        with open(path, "rb") as fh:
            line = fh.readline(300)
    except OSError:
        return None
    if line.startswith(b"#!"):
        interp = line[2:].strip().split()
        if interp and os.path.basename(interp[0].decode(errors="replace")) == "env" and len(interp) > 1:
            return which(interp[1].decode(errors="replace"), path=env.get("PATH"))
        if interp and re.match(rb"^.*/(python|pypy)(\d+(\.\d+)?)?$", interp[0]):
            return interp[0].decode(errors="replace")
    return None


# The first bytes of a native executable (ELF; Mach-O thin and fat, either byte order): not a script or shim.
_NATIVE = (b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xfe\xed\xfa\xcf", b"\xfe\xed\xfa\xce",
           b"\xca\xfe\xba\xbe")


def _in_virtualenv(python: str) -> bool:
    # PEP 405: a virtualenv's interpreter has pyvenv.cfg beside it or one directory up (the path as given: it is
    # a symlink to the base interpreter). That answers without starting a Python; so does a native executable
    # without one (not a virtualenv, as the interpreter itself would decide at start-up). Anything else (a pyenv
    # shim, a wrapper script) may pick another interpreter, so that one is asked.
    here = os.path.dirname(os.path.abspath(python))
    if any(os.path.isfile(os.path.join(d, "pyvenv.cfg")) for d in (here, os.path.dirname(here))):
        return True
    try:
        with open(python, "rb") as fh:
            if fh.read(4) in _NATIVE:
                return False
    except OSError:
        pass
    from heal.run import RunSpec, run

    r = run(RunSpec((python, "-c", "import sys; print(sys.prefix != sys.base_prefix)"), passthrough=False,
                    keep_stdout=True, timeout=30, head_bytes=0, tail_bytes=0))
    return r.exit_code == 0 and (r.stdout or b"").strip() == b"True"


def verify_python(python: str, modules: tuple[str, ...], dists: tuple[str, ...] = ()) -> bool:
    """The distributions are installed (importlib.metadata) and the modules importable, in that Python."""
    from heal.managers.base import verified

    answer = verified(python, modules, dists)  # the listing the install's after-state just took
    if answer is not None:
        return answer
    from heal.run import RunSpec, run

    code = ("import importlib.metadata as md, importlib.util, sys\n"
            "mods, dists = sys.argv[1].split(','), [d for d in sys.argv[2].split(',') if d]\n"
            "try:\n    [md.version(d) for d in dists]\nexcept md.PackageNotFoundError:\n    sys.exit(1)\n"
            "sys.exit(any(importlib.util.find_spec(m) is None for m in mods))\n")
    r = run(RunSpec((python, "-c", code, ",".join(modules), ",".join(dists)), passthrough=False, timeout=60,
                    head_bytes=0, tail_bytes=0))
    return r.exit_code == 0


# --- Node ---------------------------------------------------------------------------------------------

def package_for_specifier(spec: str) -> str | None:
    """npm package of an import specifier: subpaths dropped, scopes kept, builtins and paths refused."""
    if not spec or spec.startswith((".", "/", "node:", "file:", "http:", "https:")) or spec in _NODE_BUILTINS:
        return None
    parts = spec.split("/")
    name = "/".join(parts[:2]) if spec.startswith("@") else parts[0]
    if name.split("/")[0] in _NODE_BUILTINS or len(name) > 214 or not _NPM_NAME.match(name):
        return None
    return name


def _plan_node(ctx: PlanContext, source: str, risk: str) -> Fix | None:
    spec = str(ctx.diagnosis.facts.get("module") or ctx.diagnosis.facts.get("package") or "")
    package = package_for_specifier(spec)
    if package is None:
        return None
    root = _node_root(ctx.cwd, ctx.root)
    if root is None:
        near = lookalike_of(package)
        if near:
            return _not_installing(package, f"it looks like {near}, a much more popular package", source)
        return Fix("suggest", f"no package.json here: npm install {package} in the project", ("npm", "install",
                   package), source=source, risk="low", confidence=0.5)
    declared = _node_declared(root, package)
    if not declared:
        # A name from output is installed only when the project declares it, or it is a popular package, or it
        # exists on the registry and is not a near miss of a popular one (crossenv for cross-env).
        near = lookalike_of(package)
        if near:
            return _not_installing(package, f"it is not in package.json and looks like {near}, a much more popular "
                                   f"package (a typosquat?); if you meant {near}, install that", source)
        if package not in npm_popular() and not _npm_exists(package, root, ctx.env):
            return _not_installing(package, "it is not in package.json, not a popular package, and the registry "
                                   "does not confirm it exists", source)
    dev = package.startswith("@types/")
    manager = node_manager(root)
    how = MANAGERS[manager]
    if manager != "npm":
        cmd = how.sync(manager, root=root) if declared else how.add(manager, [package], dev=dev)
        if _which(manager, ctx.env):
            # journaled like npm: the lockfile and package.json are backed up, rollback removes what it added
            return _install(f"{manager} {' '.join(cmd[1:])}", cmd, risk=risk, source=source,
                       confidence=0.85, manager=manager, packages=(package,), cwd=root)
        return Fix("suggest", f"this project uses {manager}: {' '.join(cmd)}", cmd, source=source, risk=risk,
                   confidence=0.8)
    if declared:
        argv = how.sync("npm", root=root)
        return _install(f"{package} is declared in package.json but not installed: {' '.join(argv[:2])}",
                   argv, risk=risk, source=source, confidence=0.9, manager="npm", packages=(package,), cwd=root)
    argv = how.add("npm", [package], dev=dev)
    return _install(f"npm install {package}" + (" (as a dev dependency)" if dev else ""), argv, risk=risk,
               source=source, confidence=0.85, manager="npm", packages=(package,), cwd=root)


def _not_installing(package: str, why: str, source: str) -> Fix:
    return Fix("suggest", f"not installing {package}: {why}", None, source=source, risk="medium", confidence=0.4)


@lru_cache(maxsize=1)
def npm_popular_ranked() -> tuple[str, ...]:
    """patterns/npm_popular.toml: the most downloaded npm packages, most first (provenance in the file)."""
    from heal.patterns import table

    return tuple(str(n) for n in table("npm_popular").get("names", []))


@lru_cache(maxsize=1)
def npm_popular() -> frozenset[str]:
    return frozenset(npm_popular_ranked())


def lookalike_of(package: str) -> str | None:
    """The popular package `package` is a near miss of (Damerau-Levenshtein distance 1 for names of up to 5
    characters, 2 for longer ones; among equals the most downloaded), or None. A popular name is never its
    own lookalike."""
    if package in npm_popular():
        return None
    from rapidfuzz import process
    from rapidfuzz.distance import DamerauLevenshtein

    limit = 1 if len(package) <= 5 else 2
    best = process.extractOne(package, npm_popular_ranked(), scorer=DamerauLevenshtein.distance,
                              score_cutoff=limit)
    return str(best[0]) if best else None


def _npm_exists(package: str, cwd: str, env) -> bool:
    """Whether the registry the project uses knows the package (`npm view`); False when it cannot be asked."""
    npm = _which("npm", env)
    if npm is None:
        return False
    import json

    from heal.run import RunSpec, run

    # one try, ten seconds: offline, the answer is "not confirmed" (a suggestion), not a long wait
    r = run(RunSpec((npm, "view", "--json", "--fetch-retries=0", "--fetch-timeout=10000", "--", package, "name"),
                    cwd=cwd, env=env, passthrough=False, keep_stdout=True, timeout=15, head_bytes=0, tail_bytes=0))
    try:
        return r.exit_code == 0 and json.loads((r.stdout or b"").decode(errors="replace")) == package
    except ValueError:
        return False


def _node_root(cwd: str, root: str) -> str | None:
    return _up_to(cwd, root, "package.json")


def _node_declared(root: str, package: str) -> bool:
    import json

    try:
        with open(os.path.join(root, "package.json")) as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return False
    return any(package in (data.get(k) or {}) for k in ("dependencies", "devDependencies", "optionalDependencies"))


# --- Go ---------------------------------------------------------------------------------------------

def _plan_go(ctx: PlanContext, source: str, risk: str) -> Fix | None:
    """`go get <package>` in the module that imports it: go.mod and go.sum are all it changes in the
    project (the module cache is a shared, read-only download cache, like pip's)."""
    package = str(ctx.diagnosis.facts.get("module", ""))
    # a path whose first element has no dot is the standard library's or the module's own: nothing to get
    if not re.match(r"^[a-z0-9][a-z0-9.-]*\.[a-z]{2,}(/[\w.~+-]+)*$", package, re.IGNORECASE):
        return None
    root = _up_to(ctx.cwd, ctx.root, "go.mod")
    if root is None or not _which("go", ctx.env):
        return None
    argv = MANAGERS["go"].add(_which("go", ctx.env) or "go", [package])
    return _install(f"go get {package}", argv, risk=risk, source=source, confidence=0.85, manager="go",
               packages=(package,), cwd=root)


# --- Rust -------------------------------------------------------------------------------------------

_RUST_BUILTIN = {"std", "core", "alloc", "proc_macro", "test", "crate", "self", "super"}


def _plan_rust(ctx: PlanContext, source: str, risk: str) -> Fix | None:
    """`cargo add <crate>` in the package that uses it, only where rustc itself says the name is a crate to
    add (the diagnosis checks for its `cargo add` hint); Cargo.toml and Cargo.lock are all it changes."""
    crate = str(ctx.diagnosis.facts.get("module", ""))
    if not re.match(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$", crate) or crate in _RUST_BUILTIN:
        return None
    if not ctx.argv or os.path.basename(ctx.argv[0]) != "cargo":
        return None
    root = _up_to(ctx.cwd, ctx.root, "Cargo.toml")
    cargo = _which("cargo", ctx.env)
    if root is None or cargo is None:
        return None
    if any(os.path.exists(os.path.join(root, "src", p)) for p in (f"{crate}.rs", os.path.join(crate, "mod.rs"))):
        return None  # a module of the package that is not declared with `mod`, not a crate
    return _install(f"cargo add {crate}", MANAGERS["cargo"].add(cargo, [crate]), risk=risk, source=source, confidence=0.8,
               manager="cargo", packages=(crate,), cwd=root)


def _up_to(cwd: str, root: str, marker: str) -> str | None:
    """The nearest directory from cwd up to the project root that holds marker."""
    d = os.path.realpath(cwd)
    root = os.path.realpath(root)
    while True:
        if os.path.isfile(os.path.join(d, marker)):
            return d
        if d == root or os.path.dirname(d) == d:
            return None
        d = os.path.dirname(d)
