"""install: the missing dependency, with the project's own tools, into the environment that failed.

Never a name taken verbatim from output: Python import names go through the curated map in
patterns/import_map.toml (or the project's own declared dependencies); stdlib, relative and local
modules are never installed; a name more than one distribution provides is a question, not a guess.
Global and system installs are only ever suggested.
"""

from __future__ import annotations

import os
import sys

from heal import rx
from heal.fixes.model import Fix, PlanContext
from heal.lazyre import lazy  # compiled on first use: most failures never need these
from heal.managers import MANAGERS, node_manager, python_manager, tool, which
from heal.memo import memo

OPTIONS: dict[str, tuple[type, tuple[str, ...]]] = {}  # a playbook step names no option of its own

_NODE_BUILTINS = {
    "assert", "async_hooks", "buffer", "child_process", "cluster", "console", "constants", "crypto", "dgram",
    "diagnostics_channel", "dns", "domain", "events", "fs", "http", "http2", "https", "inspector", "module", "net",
    "os", "path", "perf_hooks", "process", "punycode", "querystring", "readline", "repl", "stream", "string_decoder",
    "sys", "timers", "tls", "trace_events", "tty", "url", "util", "v8", "vm", "wasi", "worker_threads", "zlib", "test",
}
_NPM_NAME = lazy(r"^(?:@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*$")


@memo
def import_map() -> tuple[dict[str, str], dict[str, list[str]], dict[str, str]]:
    """(map, ambiguous, never) from patterns/import_map.toml."""
    from heal.patterns import table

    data = table("import_map")
    return dict(data.get("map", {})), dict(data.get("ambiguous", {})), dict(data.get("never", {}))


def plan(step: dict, ctx: PlanContext, source: str, risk: str) -> Fix | None:
    eco = ctx.diagnosis.facts.get("ecosystem")
    rule = ctx.diagnosis.rule
    if eco == "python" or ctx.diagnosis.facts.get("exception") == "ModuleNotFoundError" or \
            rule.startswith("pytest.plugin_") or (rule == "shell.heal_spawn_missing" and "module" in
                                                  ctx.diagnosis.facts):
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
    from heal.journal.kinds import PackageChange

    change = PackageChange(manager, argv, cwd=cwd, python=python, packages=packages, imports=verify,
                           reason=description)
    registry = project_registry(cwd) if MANAGERS[manager].ECOSYSTEM == "node" else None
    if registry is not None:
        # a cloned project's own config sends every install elsewhere: what it serves is that server's choice
        ask = True
        question = (f"{registry[1]} in this project sends installs to {registry[0]}, not the public registry: "
                    f"{question or description}?")
    return Fix("install", description, argv, change=change, risk=risk, source=source, confidence=confidence,
               ask=ask, choices=choices, question=question)


_PUBLIC_REGISTRIES = ("https://registry.npmjs.org", "https://registry.yarnpkg.com", "https://registry.npmjs.com")
# (file, how a line that sends installs elsewhere reads in it): the project-level files npm, pnpm, yarn and bun
# read — a registry, a proxy in front of the registry, or TLS checking turned off
_REGISTRY_FILES = (
    (".npmrc", r"^\s*(?:@[\w.-]+:)?registry\s*=\s*[\"']?([^\s\"']+)"),
    (".npmrc", r"^\s*(?:https-)?proxy\s*=\s*[\"']?([^\s\"']+)"),
    (".npmrc", r"^\s*strict-ssl\s*=\s*[\"']?(false)\b"),
    (".yarnrc", r"^\s*\"?(?:@[\w.-]+:)?registry\"?\s+\"?([^\s\"]+)"),
    (".yarnrc", r"^\s*\"?(?:https-)?proxy\"?\s+\"?([^\s\"]+)"),
    (".yarnrc.yml", r"npmRegistryServer\s*:\s*[\"']?([^\s\"',}]+)"),
    (".yarnrc.yml", r"^\s*https?Proxy\s*:\s*[\"']?([^\s\"',}]+)"),
    (".yarnrc.yml", r"^\s*enableStrictSsl\s*:\s*(false)\b"),
    ("bunfig.toml", r"^\s*registry\s*=\s*[\"']([^\"']+)"),
    ("bunfig.toml", r"^\s*registry\s*=\s*\{[^}\n]*\burl\s*=\s*[\"']([^\"']+)"),
)


def project_registry(root: str) -> tuple[str, str] | None:
    """(where installs would go, the file that says so) when the project's own config sends node installs
    somewhere other than the public registry (another registry, a proxy, TLS checking off), or None. The
    files are read in the package's directory and every directory above it up to the repository's top (a
    workspace root's .npmrc applies to its packages); a user's ~/.npmrc is their choice, a clone's is not."""
    home = os.path.realpath(os.path.expanduser("~"))
    here = os.path.realpath(root)
    while True:
        if here == home:
            return None
        found = _registry_in(here)
        if found is not None:
            return found
        parent = os.path.dirname(here)
        if parent == here or os.path.exists(os.path.join(here, ".git")):
            return None
        here = parent


def _registry_in(directory: str) -> tuple[str, str] | None:
    texts: dict[str, str | None] = {}
    for name, pattern in _REGISTRY_FILES:
        if name not in texts:
            try:
                with open(os.path.join(directory, name), encoding="utf-8", errors="replace") as fh:
                    texts[name] = fh.read(65536)
            except OSError:
                texts[name] = None
        text = texts[name]
        if text is None:
            continue
        for m in rx.finditer(pattern, text, rx.M):
            value = m.group(1).rstrip("/")
            if value == "false":
                return "a server whose certificate is not checked (TLS checking off)", name
            if value not in _PUBLIC_REGISTRIES and not value.startswith("${"):
                return value, name
    return None


def check(fix: Fix) -> str:
    """After the install: the distributions are installed and their modules import, in that interpreter
    (what the playbook promised); else why not."""
    change = fix.change
    if not change.imports and not (change.packages and MANAGERS[change.manager].ECOSYSTEM == "python"):
        return ""
    if verify_python(change.python, change.imports, change.packages):
        return ""
    return f"installed, but {' / '.join(change.packages + change.imports)} is still missing"


def in_effect(fix: Fix) -> bool:
    """Before the install, after waiting for another heal run that held the project: whether that run made
    it already (the modules this install is for import now, from the distributions it names). Only for missing
    modules, where that is the whole of what the install promised; anything else is installed as planned."""
    change = fix.change
    if not change.imports or MANAGERS[change.manager].ECOSYSTEM != "python":
        return False
    return bool(verify_python(change.python, change.imports, change.packages))


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
    """A missing module (a traceback, `python -m X`, a console script the venv lacks) or pytest plugin: the
    project's own declaration decides first (its test environment, itself, the declared requirement), then
    heal's curated import map."""
    facts = ctx.diagnosis.facts
    module = str(facts.get("module", ""))
    plugin = str(facts.get("plugin", "")) if ctx.diagnosis.rule.startswith("pytest.plugin_") else ""
    if (not module and not plugin) or facts.get("symbol"):
        return None  # `cannot import name`: the module is there, a version or a circular import is the matter
    python = _python_of(ctx)
    decls = _declarations(ctx.root, python, ctx.probe)
    if module and not plugin and decls is not None and is_project_module(decls, module, ctx.cwd):
        return _plan_project(ctx, decls, module, python, source, risk)
    wanted = plugin or module
    hits = [h for h in (find(decls, wanted) if decls is not None else []) if h.applies]
    if plugin and not hits:
        # the plugin name comes from heal's own table, but the project does not declare it: say, don't install
        return Fix("suggest", f"the pytest plugin {plugin} is not installed and this project does not declare it: "
                   f"install {plugin} into the Python that runs pytest", ("python", "-m", "pip", "install", plugin),
                   source=source, risk="low", confidence=0.6)
    if hits:
        fix = _plan_declared(ctx, decls, hits, module, plugin, python, source, risk)
        if fix is not None:
            return fix
    return _plan_curated(ctx, module, python, source, risk)


def _python_of(ctx: PlanContext) -> str | None:
    """The interpreter of the failing command; for a console script the venv lacks (`.venv/bin/pytest`:
    No such file or directory), the python of that venv."""
    env_dir = ctx.diagnosis.facts.get("environment")
    if ctx.diagnosis.rule == "shell.heal_spawn_missing" and env_dir:
        python = os.path.join(ctx.cwd, str(env_dir), "bin", "python")
        return os.path.abspath(python) if os.path.exists(python) else None
    return interpreter_of(ctx.argv, ctx.cwd, ctx.env)


def _declarations(root: str, python: str | None, probe: bool = True):
    """The project's declared environment, markers evaluated for the interpreter that failed: asked of it
    (a process) only when a declared requirement has a marker."""
    if not root or not os.path.isdir(root):
        return None
    from heal.declared import marker_environment_of, python_declarations

    # another interpreter's markers are asked of it, only when heal runs the command (ctx.probe)
    env = (lambda: marker_environment_of(python)) if probe and python and not _same_python(python) else None
    return python_declarations(root, environment=env)


def _same_python(python: str) -> bool:
    """A virtualenv of heal's own Python version (its pyvenv.cfg says so): its markers are heal's, no process
    needs to be started to learn them."""
    here = os.path.dirname(os.path.abspath(python))
    for cfg in (os.path.join(here, "pyvenv.cfg"), os.path.join(os.path.dirname(here), "pyvenv.cfg")):
        try:
            with open(cfg, encoding="utf-8", errors="replace") as fh:
                text = fh.read(4096)
        except OSError:
            continue
        m = rx.search(r"^version(?:_info)?\s*=\s*(\d+)\.(\d+)", text, rx.M)
        return bool(m) and (int(m.group(1)), int(m.group(2))) == sys.version_info[:2]
    return False


def is_project_module(decls, module: str, cwd: str) -> bool:
    from heal.declared import is_project_module as own

    return own(decls, module, cwd)


def find(decls, name: str) -> list:
    from heal.declared import find as where

    return where(decls, name)


def _test_context(ctx: PlanContext) -> bool:
    """The failing command runs the tests: pytest/tox/nox/unittest, or pytest said it (collection, conftest)."""
    d = ctx.diagnosis
    if d.rule.startswith("pytest.") or d.facts.get("tool") in ("pytest", "py.test", "tox", "nox", "unittest"):
        return True
    args = [os.path.basename(a) for a in ctx.argv]
    if any(a in ("pytest", "py.test", "tox", "nox", "nosetests", "ward", "stestr") for a in args[:3]):
        return True
    return any(a == "-m" and b in ("pytest", "unittest", "nose", "tox", "nox") for a, b in zip(args, args[1:]))


def _pick_manager(decls, ctx: PlanContext) -> str:
    """The manager that installs here: a lockfile decides; a tool table's manager when its tool is on PATH
    (a fresh poetry checkout without poetry is still a pip install away); else pip."""
    manager = python_manager(ctx.root)
    if manager != "pip":
        return manager
    if decls.manager in MANAGERS and decls.manager != "pip" and which(decls.manager, ctx.env):
        return decls.manager
    return "pip"


def _managed_argv(manager: str, argv: list[str] | None, ctx: PlanContext) -> tuple[tuple[str, ...] | None, str | None]:
    """(argv with the manager's full path, its environment's python), or (argv, None) when the manager has no
    environment for the project yet (only a suggestion then)."""
    if argv is None:
        return None, None
    tool = which(manager, ctx.env)
    if tool is None:
        return tuple(argv), None
    python = MANAGERS[manager].python(tool, ctx.root, ctx.env)
    return (tool, *argv[1:]), python


def _own_dist(decls) -> tuple[str, ...]:
    """The project's distribution, to verify after installing it (when its name is known)."""
    return (decls.name,) if decls.name else ()


def _project_label(decls) -> str:
    return decls.name or os.path.basename(decls.root)


def _plan_project(ctx: PlanContext, decls, module: str, python: str | None, source: str, risk: str) -> Fix | None:
    """The project's own package does not import: install the project itself (editable), or, when tests
    run, its test environment if that installs the project too (one step instead of two)."""
    top = module.split(".")[0]
    if top not in decls.packages:
        # a directory of the checkout that is not one of the packages it ships: a path problem, not an install
        return Fix("suggest", f"{module} is a module of this project, not a package, and the project does not "
                   "install it: check sys.path or the working directory", None, source=source, risk="low",
                   confidence=0.5)
    if _test_context(ctx):
        fix = _plan_test_environment(ctx, decls, [], module, "", python, source, risk, project=True)
        if fix is not None:
            return fix
    from heal.declared import install_project

    manager = _pick_manager(decls, ctx)
    label = _project_label(decls)
    if manager != "pip":
        argv, mpython = _managed_argv(manager, install_project(decls, manager), ctx)
        if argv is None:
            return None
        if mpython is None:
            return Fix("suggest", f"{module} is this project's own package: install the project with {manager}",
                       argv, source=source, risk=risk, confidence=0.8)
        return _install(f"install this project ({label}) with {manager}, so that {top} imports", argv,
                        manager=manager, cwd=ctx.root, python=mpython, packages=_own_dist(decls), verify=(top,), risk=risk,
                        source=source, confidence=0.9)
    argv = install_project(decls, "pip", python=python or "python")
    if argv is None:
        return Fix("suggest", f"{module} is a module of this project, but nothing here installs it (no setup.py, "
                   "setup.cfg or [project] table): check sys.path or the working directory", None, source=source,
                   risk="low", confidence=0.5)
    refusal = _not_a_venv(python, argv, source, ctx.probe)
    if refusal is not None:
        return refusal
    return _install(f"install this project ({label}, editable), so that {top} imports", tuple(argv), manager="pip",
                    cwd=ctx.root, python=str(python), packages=_own_dist(decls), verify=(top,), risk=risk, source=source,
                    confidence=0.9)


def _not_a_venv(python: str | None, argv, source: str, probe: bool = True) -> Fix | None:
    """A pip install goes only into a virtualenv; anything else is a suggestion."""
    if python is None:
        return Fix("suggest", "install it into the Python that runs this command: " + " ".join(argv[1:]),
                   ("python", *argv[1:]), source=source, risk="medium", confidence=0.6)
    if not _in_virtualenv(python, probe):
        return Fix("suggest", f"{python} is not a virtualenv: installing there would change the system; create one "
                   "(python3 -m venv .venv) and install into it", tuple(argv), source=source, risk="high",
                   confidence=0.6)
    return None


def _covered(decls, manager: str) -> set[str]:
    """The distributions the test environment installs: its groups with what they include, and the
    project's own runtime dependencies when it installs the project."""
    from heal.declared import expand, test_groups
    from heal.declared.model import MAIN

    groups = test_groups(decls, manager)
    names = {d.name for g in groups for d in expand(decls, g)}
    main = [g for g in decls.groups if g.source == MAIN]
    names.update(d.name for g in main for d in g.requirements)
    if decls.name:
        names.add(decls.name)
    return names


def _environment_label(decls, manager: str) -> str:
    from heal.declared import test_groups
    from heal.declared.model import EXTRA, GROUP, REQUIREMENTS, TOX

    groups = test_groups(decls, manager)
    if not groups:
        return "test environment"
    g = groups[0]
    return {REQUIREMENTS: g.name, EXTRA: f"extra [{g.name}]", GROUP: f"dependency group {g.name}",
            TOX: f"tox {g.name}"}.get(g.source, f"{g.source} {g.name}")


def _risky_test_lines(decls, manager: str) -> list[str]:
    """Lines of what the test environment installs from that point pip elsewhere: every requirements file
    it names (and what they include), and the unsafe notes of the groups it installs."""
    from heal.declared import test_groups
    from heal.declared.model import EXTRA, GROUP, REQUIREMENTS

    out: list[str] = []
    for g in test_groups(decls, manager):
        if g.source == REQUIREMENTS:
            for line in risky_requirement_lines(os.path.join(decls.root, g.name), decls.root):
                if line not in out:
                    out.append(line)
            continue
        if manager == "pip" and g.source not in (EXTRA, GROUP):
            continue  # pip gets this group's requirements as arguments, URLs and VCS links left out
        for note in g.unsafe:
            line = f"{note.file}:{note.line or '?'}: {note.text}"
            if line not in out:
                out.append(line)
    return out


def _plan_test_environment(ctx: PlanContext, decls, hits: list, module: str, plugin: str, python: str | None,
                           source: str, risk: str, *, project: bool = False) -> Fix | None:
    """The project's test environment in one step, the way its docs, tox or CI install it; None when it
    declares none, or when it does not cover what is missing."""
    from heal.declared import pip_version_of, test_environment

    manager = _pick_manager(decls, ctx)
    if not decls.groups:
        return None
    covered = _covered(decls, manager)
    if project:
        if decls.name not in covered:
            return None
    elif not any(h.name in covered for h in hits):
        return None
    what = plugin or module
    top = module.split(".")[0] if module and not plugin else ""
    label = _environment_label(decls, manager)
    dists = tuple(dict.fromkeys([h.raw_name for h in hits if h.name in covered])) or \
        (_own_dist(decls) if project else ())
    description = f"install the project's test environment ({label}), which declares {what}"
    if manager != "pip":
        argv, mpython = _managed_argv(manager, test_environment(decls, manager), ctx)
        if argv is None:
            return None
        if mpython is None:
            return Fix("suggest", f"{what} is declared for this project's tests ({label}): install them with "
                       f"{manager}", argv, source=source, risk=risk, confidence=0.8)
        return _install(description, argv, manager=manager, cwd=ctx.root, python=mpython, packages=dists,
                        verify=(top,) if top else (), risk=risk, source=source, confidence=0.9)
    if python is None:
        return None
    argv = test_environment(decls, "pip", python=python, pip_version=pip_version_of(python))
    if argv is None:
        return None
    refusal = _not_a_venv(python, argv, source, ctx.probe)
    if refusal is not None:
        return refusal
    risky = _risky_test_lines(decls, manager)
    if risky:
        # the test environment would install from another index, a VCS or URL, a path outside the project:
        # only a person who read the line says yes
        from heal.redact import redact

        lines = "; ".join(redact(r) for r in risky[:3]) + (f" (and {len(risky) - 3} more)" if len(risky) > 3 else "")
        return _install(f"{description}; it also uses {lines}", tuple(argv), manager="pip", cwd=ctx.root,
                        python=python, packages=dists, verify=(top,) if top else (), risk="high", source=source,
                        confidence=0.6, ask=True, question=f"install the test environment ({label}), although it "
                        f"uses {lines}")
    return _install(description, tuple(argv), manager="pip", cwd=ctx.root, python=python, packages=dists,
                    verify=(top,) if top else (), risk=risk, source=source, confidence=0.9)


def _plan_declared(ctx: PlanContext, decls, hits: list, module: str, plugin: str, python: str | None, source: str,
                   risk: str) -> Fix | None:
    """What the project declares: its test environment when the module is declared for tests (or tests
    run), the project itself for a runtime dependency, else the requirement as it is declared."""
    from heal.declared.model import MAIN, REQUIREMENTS

    for_tests = any(h.kind in ("test", "dev") for h in hits) or _test_context(ctx) or bool(plugin)
    if for_tests:
        fix = _plan_test_environment(ctx, decls, hits, module, plugin, python, source, risk)
        if fix is not None:
            return fix
    top = module.split(".")[0] if module and not plugin else ""
    if any(h.source == MAIN for h in hits) and decls.packages:
        # a runtime dependency of the project: installing the project installs it, as its docs say
        fix = _plan_project(ctx, decls, decls.packages[0], python, source, risk)
        if fix is not None and fix.action == "install":
            what = plugin or module
            return _install(f"{what} is a dependency of this project: install the project "
                            f"({_project_label(decls)}, editable)", fix.argv or (), manager=fix.change.manager,
                            cwd=fix.change.cwd, python=fix.change.python,
                            packages=tuple(dict.fromkeys(h.raw_name for h in hits)), verify=(top,) if top else (),
                            risk=risk, source=source, confidence=0.9)
    manager = _pick_manager(decls, ctx)
    hit = next((h for h in hits if h.source == REQUIREMENTS), None) or hits[0]
    if manager != "pip":
        return _plan_managed(manager, ctx, module or plugin, hit.raw_name, hit.file, source, risk)
    refusal = _not_a_venv(python, ("python", "-m", "pip", "install", hit.requirement), source, ctx.probe)
    if refusal is not None:
        return refusal
    assert python is not None
    verify = (top,) if top else ()
    if hit.source == REQUIREMENTS:
        path = os.path.join(decls.root, hit.file)
        argv = MANAGERS["pip"].sync("pip", python=python, requirements=hit.file)
        name = hit.file
        risky = risky_requirement_lines(path, decls.root)
        if risky:
            # Syncing the file for one module installs everything in it, from wherever it says: another
            # index, a git URL, a local path outside the project. Only a person who read the line says yes.
            from heal.redact import redact

            lines = "; ".join(redact(r) for r in risky[:3])
            lines += f" (and {len(risky) - 3} more)" if len(risky) > 3 else ""
            return _install(f"{hit.raw_name} is declared in {name} but not installed: syncing it would also use "
                            f"{lines}", argv, risk="high", source=source, confidence=0.6, manager="pip",
                            packages=(hit.raw_name,), python=python, cwd=decls.root, verify=verify, ask=True,
                            question=f"sync {name} for {hit.raw_name}, although it uses {lines}")
        return _install(f"{hit.raw_name} is declared in {name} but not installed: sync it", argv, risk=risk,
                        source=source, confidence=0.9, manager="pip", packages=(hit.raw_name,), python=python,
                        cwd=decls.root, verify=verify)
    requirement = _safe_requirement(hit.requirement)
    if requirement is None:
        return Fix("suggest", f"{hit.raw_name} is declared in {hit.file} as {hit.requirement!r}, which heal does "
                   "not install by itself (a URL or an invalid requirement)", None, source=source, risk="medium",
                   confidence=0.4)
    where = f"{hit.file}" + (f" ({hit.group})" if hit.group else "")
    return _install(f"install {requirement} (declared in {where}) into {_short(python, ctx.root)}",
                    MANAGERS["pip"].add("pip", [requirement], python=python), manager="pip", cwd=decls.root,
                    python=python, packages=(hit.raw_name,), verify=verify, risk=risk, source=source, confidence=0.9)


def _safe_requirement(text: str) -> str | None:
    """A declared requirement that is a name and version specifiers only (PEP 508 via packaging): never a
    URL, never something pip would read as an option."""
    text = text.split(";")[0].strip()
    if _BARE_NAME.match(text):
        return text  # a bare name is a valid requirement: packaging only for the rest
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        req = Requirement(text)
    except InvalidRequirement:
        return None
    if req.url or text.lstrip().startswith("-"):
        return None
    return str(req)


def _plan_curated(ctx: PlanContext, module: str, python: str | None, source: str, risk: str) -> Fix | None:
    """A module the project does not declare: heal's curated import map, never the name as printed."""
    dist, why = distribution_for(module)
    choices = candidates_for(module)
    if dist is None and choices:
        if python is not None and _in_virtualenv(python, ctx.probe):
            # several distributions provide it: the user picks (on a terminal), heal never guesses
            return _install(f"{module} is provided by {' or '.join(choices)}: which one?",
                            (python, "-m", "pip", "install", "--", "<choice>"), risk=risk, source=source,
                            confidence=0.5, manager="pip", python=python, cwd=ctx.root, verify=(module.split(".")[0],),
                            ask=True, choices=choices)
    if dist is None:
        return Fix("suggest", f"not installing anything for {module}: {why}", None, source=source, risk="low",
                   confidence=0.3)
    if _safe_requirement(dist) is None:
        return None
    manager = python_manager(ctx.root)
    if manager != "pip" and which(manager, ctx.env):
        fix = _plan_managed(manager, ctx, module, dist, None, source, risk)
        if fix is not None:
            return fix
    if python is None:
        return Fix("suggest", f"install {dist} (provides {module}) into the Python that runs this command",
                   ("python", "-m", "pip", "install", dist), source=source, risk=risk, confidence=0.6)
    if not _in_virtualenv(python, ctx.probe):
        return Fix("suggest", f"{python} is not a virtualenv: installing {dist} there would change the system; "
                   "create one (python3 -m venv .venv) and install it there",
                   (python, "-m", "pip", "install", dist), source=source, risk="high", confidence=0.6)
    if manager != "pip":  # the manager itself is not installed, or has no environment for the project yet
        command = MANAGERS[manager].add(manager, [dist])
        return Fix("suggest", f"this project is managed by {manager}: {' '.join(command)}", command, source=source,
                   risk=risk, confidence=0.8)
    return _install(f"install {dist} (provides {module}) into {_short(python, ctx.root)}",
                    MANAGERS["pip"].add("pip", [dist], python=python), risk=risk, source=source, confidence=0.95,
                    manager="pip", packages=(dist,), python=python, cwd=ctx.root, verify=(module.split(".")[0],))


def _plan_managed(manager: str, ctx: PlanContext, module: str, dist: str, declared: str | None, source: str,
                  risk: str) -> Fix | None:
    """`uv add` / `poetry add` / `pipenv install` / `pdm add` (or their install-what-is-declared), into the
    environment the manager runs the project in, wherever it keeps it; None when it has none for the project
    yet."""
    how = MANAGERS[manager]
    tool = which(manager, ctx.env)
    if tool is None:
        command = how.sync(manager) if declared else how.add(manager, [dist])
        return Fix("suggest", f"this project is managed by {manager}: {' '.join(command)}", command, source=source,
                   risk=risk, confidence=0.8)
    python = how.python(tool, ctx.root, ctx.env)
    if python is None:
        return None
    argv = how.sync(tool) if declared else how.add(tool, [dist])
    name = f"{manager} {' '.join(argv[1:])}"
    what = f"{dist} is declared but not installed: {name}" if declared else f"{name} (provides {module})"
    return _install(what, argv, risk=risk, source=source, confidence=0.9, manager=manager,
                    packages=(dist,), python=python, cwd=ctx.root, verify=(module.split(".")[0],) if module else ())


def _short(python: str, root: str) -> str:
    return os.path.relpath(python, root) if python.startswith(root + os.sep) else python


# PEP 508's name; importing packaging costs more than a hook's whole diagnosis, and a bare name needs none of it
_BARE_NAME = lazy(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")


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
    logical = rx.sub(r"\\\n", " ", text).split("\n")  # pip joins lines ending in a backslash
    for n, raw in enumerate(logical, 1):
        line = rx.sub(r"(^|\s)#.*$", "", raw).strip()
        if not line:
            continue
        words = line.split()
        first = words[0]
        where = f"{shown}:{n}: {line[:120]}"
        include = rx.match(r"^(-r|-c|--requirement|--constraint)(=?)(.*)$", first)
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
        if _VCS.search(line) or " @ " in f" {line} " or rx.match(r"^[\w.-]+\s*@", line):
            out.append(where)
        elif first.startswith((".", "/", "~")) or first.endswith((".whl", ".tar.gz", ".zip")):
            inc = os.path.realpath(os.path.join(base, os.path.expanduser(first)))
            if not inc.startswith(root_real + os.sep):
                out.append(where)
    return out


def interpreter_of(argv: tuple[str, ...], cwd: str, env) -> str | None:
    """The Python the failing command really ran: `python`, `.venv/bin/python x.py`, a console script's
    shebang (`pytest`), through `sh -c`, `env` or `timeout`. None when it cannot be told."""
    args = list(argv)
    while args and (os.path.basename(args[0]) in ("env", "nice", "time", "timeout", "sudo", "heal") or
                    rx.match(r"^[A-Za-z_]\w*=", args[0])):
        args = args[1:]
        while args and (args[0].startswith("-") or rx.match(r"^\d+[smh]?$", args[0])):
            args = args[1:]
    if not args:
        return None
    first = args[0]
    path = first if "/" in first else which(first, env)
    if path and "/" in first and not os.path.isabs(path):
        path = os.path.join(cwd, path)
    if not path or not os.path.exists(path):
        return None
    if rx.match(r"^(python|pypy)(\d+(\.\d+)?)?$", os.path.basename(first)):
        return os.path.abspath(path)  # the venv's python is a symlink: resolving it would leave the venv
    try:
        with open(path, "rb") as fh:
            line = fh.readline(300)
    except OSError:
        return None
    if line.startswith(b"#!"):
        interp = line[2:].strip().split()
        if interp and os.path.basename(interp[0].decode(errors="replace")) == "env" and len(interp) > 1:
            return which(interp[1].decode(errors="replace"), env)
        if interp and rx.match(rb"^.*/(python|pypy)(\d+(\.\d+)?)?$", interp[0]):
            return interp[0].decode(errors="replace")
    return None


# The first bytes of a native executable (ELF; Mach-O thin and fat, either byte order): not a script or shim.
_NATIVE = (b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xfe\xed\xfa\xcf", b"\xfe\xed\xfa\xce",
           b"\xca\xfe\xba\xbe")


def _in_virtualenv(python: str, probe: bool = True) -> bool:
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
    if not probe:
        return False  # planning from text (heal diagnose, a hook): a program the input names is never run
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
            "mods, dists = [m for m in sys.argv[1].split(',') if m], [d for d in sys.argv[2].split(',') if d]\n"
            "try:\n    [md.version(d) for d in dists]\nexcept md.PackageNotFoundError:\n    sys.exit(1)\n"
            "sys.exit(any(importlib.util.find_spec(m) is None for m in mods))\n")
    r = run(RunSpec((python, "-I", "-c", code, ",".join(modules), ",".join(dists)), passthrough=False, timeout=60,
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
    if ctx.diagnosis.rule == "node.script_command_not_found":
        return _plan_node_tool(ctx, str(ctx.diagnosis.facts.get("command", "")), source, risk)
    if ctx.diagnosis.rule == "npx.missing_package":
        return _plan_node_tool(ctx, str(ctx.diagnosis.facts.get("package", "")), source, risk, npx=True)
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
    target, why = package, ""
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
        if _loaded_by_require(ctx.output):
            target, why = commonjs_version(package, root, ctx.env)
    dev = package.startswith("@types/")
    manager = node_manager(root)
    how = MANAGERS[manager]
    if manager != "npm":
        cmd = how.sync(manager, root=root) if declared else how.add(manager, [target], dev=dev)
        if which(manager, ctx.env):
            # journaled like npm: the lockfile and package.json are backed up, rollback removes what it added
            return _install(f"{manager} {' '.join(cmd[1:])}" + (f" ({why})" if why else ""), cmd, risk=risk,
                            source=source, confidence=0.85, manager=manager, packages=(package,), cwd=root)
        return Fix("suggest", f"this project uses {manager}: {' '.join(cmd)}", cmd, source=source, risk=risk,
                   confidence=0.8)
    if declared:
        argv = how.sync("npm", root=root)
        return _install(f"{package} is declared in package.json but not installed: {' '.join(argv[:2])}",
                        argv, risk=risk, source=source, confidence=0.9, manager="npm", packages=(package,), cwd=root)
    argv = how.add("npm", [target], dev=dev)
    return _install(f"npm install {target}" + (" (as a dev dependency)" if dev else "") + (f" ({why})" if why else ""),
                    argv, risk=risk, source=source, confidence=0.85, manager="npm", packages=(package,), cwd=root)


# Programs package scripts run whose package has another name (the rest are named as their package).
_BIN_PACKAGES = {
    "tsc": "typescript", "tsserver": "typescript", "_mocha": "mocha", "babel": "@babel/cli", "webpack": "webpack-cli",
    "run-s": "npm-run-all", "run-p": "npm-run-all", "ng": "@angular/cli", "vue-cli-service": "@vue/cli-service",
    "playwright": "@playwright/test", "gulp": "gulp-cli", "grunt": "grunt-cli", "uglifyjs": "uglify-js",
    "lessc": "less", "commitlint": "@commitlint/cli", "eslint_d": "eslint_d", "tsc-watch": "tsc-watch",
    "jest": "jest", "vitest": "vitest", "react-scripts": "react-scripts", "next": "next", "nuxt": "nuxt",
    "astro": "astro", "svelte-kit": "@sveltejs/kit", "remix": "@remix-run/dev", "ts-node": "ts-node",
    "standard": "standard", "semistandard": "semistandard", "sb": "storybook", "storybook": "storybook",
    "c8": "c8", "nyc": "nyc", "tap": "tap", "tape": "tape", "ava": "ava", "xo": "xo", "karma": "karma",
}


def _plan_node_tool(ctx: PlanContext, command: str, source: str, risk: str, npx: bool = False) -> Fix | None:
    """`sh: 1: eslint: not found` inside a package script (or an `npx eslint` that would download it): the
    program comes from a dependency the project declares, and node_modules is missing or lacks it: install
    what package.json and its lockfile declare (`npm ci` with a lockfile), as the project's README would."""
    from heal.declared import node_declarations

    if not command or not rx.match(r"^(?:@[\w.-]+/)?[\w.-]+$", command):
        return None
    root = _node_root(ctx.cwd, ctx.root)
    decls = node_declarations(root) if root else None
    if decls is None:
        return None
    provider = _bin_provider(decls, command)
    if provider is None:
        return None  # not a program of a declared dependency: the shell's command-not-found advice stands
    dep, present = provider
    if present:
        return None  # installed and still not found: not a missing install
    manager = decls.manager if decls.manager in MANAGERS else "npm"
    tool = which(manager, ctx.env)
    from heal.declared import node_sync

    # what CI runs: a clean install of exactly what the lockfile pins (npm ci, --frozen-lockfile), else install
    argv = tuple(node_sync(decls)) + (("--no-audit", "--no-fund") if manager == "npm" else ())
    state = "node_modules is missing" if not decls.installed else f"node_modules lacks {dep.name}"
    what = f"{command} comes from {dep.name}, declared in package.json ({dep.section}), and {state}"
    if npx:
        what = f"npx would download {command}, which the project declares in package.json ({dep.section}) " \
               f"and {state}"
    if tool is None:
        return Fix("suggest", f"{what}: {' '.join(argv)}", argv, source=source, risk=risk, confidence=0.8)
    return _install(f"{what}: install the project's dependencies ({' '.join(argv[:2])})", argv, risk=risk,
                    source=source, confidence=0.9, manager=manager, packages=(dep.name,), cwd=root)


def _bin_provider(decls, command: str):
    """(the declared dependency that provides the program, whether node_modules has it), or None. Read
    from what is there: node_modules' package.json files, the lockfile's `bin` entries; else the program's
    own name or a known program-to-package table, for a checkout that has never been installed."""
    by_name = {d.name: d for d in decls.dependencies if d.section != "peerDependencies"}
    node_modules = os.path.join(decls.root, "node_modules")
    for name, dep in by_name.items():
        meta = _read_json(os.path.join(node_modules, *name.split("/"), "package.json"))
        if isinstance(meta, dict) and command in _bins(name, meta.get("bin")):
            return dep, os.path.exists(os.path.join(node_modules, ".bin", command))
    lock = _read_json(os.path.join(decls.root, "package-lock.json")) or \
        _read_json(os.path.join(decls.root, "npm-shrinkwrap.json"))
    packages = lock.get("packages") if isinstance(lock, dict) else None
    if isinstance(packages, dict):
        for name, dep in by_name.items():
            entry = packages.get(f"node_modules/{name}")
            if isinstance(entry, dict) and command in _bins(name, entry.get("bin")):
                return dep, False
    name = command if command in by_name else _BIN_PACKAGES.get(command)
    if name in by_name:
        return by_name[name], os.path.exists(os.path.join(node_modules, ".bin", command))
    return None


def _bins(name: str, field) -> set[str]:
    if isinstance(field, str):
        return {name.split("/")[-1]}
    if isinstance(field, dict):
        return {str(k) for k in field}
    return set()


def _read_json(path: str):
    import json

    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError, RecursionError):
        return None


# --- CommonJS and ESM-only majors ----------------------------------------------------------------------

def _loaded_by_require(output: str) -> bool:
    """The missing package was require()d (CommonJS: node prints a `Require stack`), not imported (ESM)."""
    return "Require stack:" in output or ("MODULE_NOT_FOUND" in output and "ERR_MODULE_NOT_FOUND" not in output)


@memo
def esm_only_majors() -> dict[str, int]:
    """patterns/npm_esm_only.toml: package -> its first ESM-only major (provenance in the file)."""
    from heal.patterns import table

    return {str(k): int(v) for k, v in table("npm_esm_only").get("first_esm_major", {}).items()}


def commonjs_version(package: str, cwd: str, env) -> tuple[str, str]:
    """(what to install, why) for a package a CommonJS `require` loads: its newest major that still ships
    CommonJS when the latest is ESM-only (require() of it fails, or gives the module namespace, on which
    `chalk.green` is not a function). heal's table of well-known ESM-only majors first (offline); else the
    registry's own package.json fields of the latest version and, if it is ESM-only, of earlier majors."""
    first = esm_only_majors().get(package)
    if first is not None:
        return f"{package}@{first - 1}", f"{package} {first} and later are ESM-only; require() needs {first - 1}"
    latest = _npm_view(package, "", cwd, env, "version", "type", "exports", "main")
    if not isinstance(latest, dict) or not _esm_only(latest):
        return package, ""
    versions = _npm_view(package, "", cwd, env, "versions")
    if not isinstance(versions, list):
        return package, ""
    majors: dict[int, str] = {}
    for v in versions:
        m = rx.match(r"^(\d+)\.\d+\.\d+$", str(v))  # releases only, no pre-releases
        if m:
            majors[int(m.group(1))] = str(v)  # the list is in publish order: the last one of a major wins
    top = int(str(latest.get("version", "0")).split(".")[0] or 0)
    for major in sorted((k for k in majors if k < top), reverse=True)[:3]:
        meta = _npm_view(package, majors[major], cwd, env, "version", "type", "exports", "main")
        if isinstance(meta, dict) and not _esm_only(meta):
            return f"{package}@{major}", f"{package} {top} is ESM-only; require() needs {major}"
    return package, ""


def _esm_only(meta: dict) -> bool:
    """A package.json whose every entry point is ESM: `"type": "module"` with no `require` export condition
    (and no .cjs main), or an .mjs main."""
    import json

    exports = meta.get("exports")
    text = json.dumps(exports) if exports is not None else ""
    if '"require"' in text or str(meta.get("main", "")).endswith(".cjs") or ".cjs" in text:
        return False
    return meta.get("type") == "module" or str(meta.get("main", "")).endswith(".mjs")


def _npm_view(package: str, version: str, cwd: str, env, *fields: str):
    npm = which("npm", env)
    if npm is None:
        return None
    from heal.run import RunSpec, run

    import json

    spec = f"{package}@{version}" if version else package
    r = run(RunSpec((npm, "view", "--json", "--fetch-retries=0", "--fetch-timeout=10000", "--", spec, *fields),
                    cwd=cwd, env=env, passthrough=False, keep_stdout=True, timeout=15, head_bytes=0, tail_bytes=0))
    try:
        data = json.loads((r.stdout or b"").decode(errors="replace")) if r.exit_code == 0 else None
    except ValueError:
        return None
    if len(fields) == 1:
        return data
    return data if isinstance(data, dict) else None


def explain(fix: Fix, diagnosis, output: str) -> str:
    """After a rerun that failed anew: whether the package this install added is the cause (an ESM-only
    major loaded by require(): `TypeError: chalk.green is not a function`, ERR_REQUIRE_ESM); "" otherwise."""
    change = fix.change
    if change is None or MANAGERS[change.manager].ECOSYSTEM != "node":
        return ""
    for package in change.packages:
        meta = _read_json(os.path.join(change.cwd, "node_modules", *package.split("/"), "package.json"))
        if not isinstance(meta, dict) or not _esm_only(meta):
            continue
        import re  # a pattern made from the package's name: not one for heal's cache (heal.rx)

        mentions = re.search(rf"(?<![\w.-]){re.escape(package.split('/')[-1]).replace('-', '[-_]?')}\w*\.\w+ is not a "
                             rf"function|ERR_REQUIRE_ESM|require\(\) of ES Module", output, re.I)
        if mentions or package in (diagnosis.summary or ""):
            major = str(meta.get("version", "?")).split(".")[0]
            return (f"{package} {meta.get('version', '?')}, which heal just installed, is ESM-only: code that "
                    f"require()s it gets its module namespace, not what it expects; that is why the command now "
                    f"fails. Use a CommonJS major (npm install {package}@{int(major) - 1 if major.isdigit() else '<N>'}"
                    f") or import() it; undo heal's install with heal rollback --last")
    return ""


def _not_installing(package: str, why: str, source: str) -> Fix:
    return Fix("suggest", f"not installing {package}: {why}", None, source=source, risk="medium", confidence=0.4)


@memo
def npm_popular_ranked() -> tuple[str, ...]:
    """patterns/npm_popular.toml: the most downloaded npm packages, most first (provenance in the file)."""
    from heal.patterns import table

    return tuple(str(n) for n in table("npm_popular").get("names", []))


@memo
def npm_popular() -> frozenset[str]:
    return frozenset(npm_popular_ranked())


def lookalike_of(package: str) -> str | None:
    """The popular package `package` is a near miss of (Damerau-Levenshtein distance 1 for names of up to 8
    characters, 2 for longer ones; among equals the most downloaded), or None. A popular name is never its
    own lookalike. (Two edits of a short name reach real, different packages: is-odd and is-obj.)"""
    if package in npm_popular():
        return None
    from rapidfuzz import process
    from rapidfuzz.distance import DamerauLevenshtein

    limit = 1 if len(package) <= 8 else 2
    best = process.extractOne(package, npm_popular_ranked(), scorer=DamerauLevenshtein.distance,
                              score_cutoff=limit)
    return str(best[0]) if best else None


def _npm_exists(package: str, cwd: str, env) -> bool:
    """Whether the registry the project uses knows the package (`npm view`); False when it cannot be asked."""
    npm = which("npm", env)
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
    if not rx.match(r"^[a-z0-9][a-z0-9.-]*\.[a-z]{2,}(/[\w.~+-]+)*$", package, rx.IGNORECASE):
        return None
    root = _up_to(ctx.cwd, ctx.root, "go.mod")
    if root is None or not which("go", ctx.env):
        return None
    argv = MANAGERS["go"].add(tool("go", ctx.env), [package])
    return _install(f"go get {package}", argv, risk=risk, source=source, confidence=0.85, manager="go",
               packages=(package,), cwd=root)


# --- Rust -------------------------------------------------------------------------------------------

_RUST_BUILTIN = {"std", "core", "alloc", "proc_macro", "test", "crate", "self", "super"}


def _plan_rust(ctx: PlanContext, source: str, risk: str) -> Fix | None:
    """`cargo add <crate>` in the package that uses it, only where rustc itself says the name is a crate to
    add (the diagnosis checks for its `cargo add` hint); Cargo.toml and Cargo.lock are all it changes."""
    crate = str(ctx.diagnosis.facts.get("module", ""))
    if not rx.match(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$", crate) or crate in _RUST_BUILTIN:
        return None
    if not ctx.argv or os.path.basename(ctx.argv[0]) != "cargo":
        return None
    root = _up_to(ctx.cwd, ctx.root, "Cargo.toml")
    cargo = which("cargo", ctx.env)
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
