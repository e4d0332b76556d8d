"""Python: tracebacks (the last exception of a chain decides), the SyntaxError family, pytest, unittest, pip."""

from __future__ import annotations

import os
import re

from heal.diagnose.model import Context, Finding, Rule
from heal.diagnose.rules._base import finding, is_library_path
from heal.diagnose.rules.network import network_facts

ECOSYSTEM = "python"
GUARDS = ("traceback (most recent call last)", "syntaxerror", "indentationerror", "taberror", 'file "',
          "test session starts", "short test summary info", "= failures =", "= errors =", "=====", ": error:",
          "error collecting", "failed", "error", "\ne ", "failed (", "did not run successfully",
          "failed building wheel", "failed to build")

_TB_HEAD = re.compile(r"^(?P<indent>[ \t]*)Traceback \(most recent call last\):[ \t]*$", re.M)
_FRAME = re.compile(r'^[ \t]*File "(?P<file>[^"]+)", line (?P<line>\d+)(?:, in (?P<func>.+))?$', re.M)
_EXC = re.compile(r"^(?P<exc>(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:Error|Exception|Exit|Interrupt|Warning|Fault|"
                  r"Failure|Iteration|Timeout|Refused|Exists|NotFound|Denied|Invalid)\w*|KeyError|"
                  r"(?:[A-Za-z_]\w*\.)+[A-Z]\w*)(?:: ?(?P<msg>.*))?$")
_BARE_SYNTAX = re.compile(
    r'^[ \t]*File "(?P<file>[^"]+)", line (?P<line>\d+)\n(?:.*\n){0,5}?[ \t]*(?:Sorry: )?'
    r"(?P<exc>SyntaxError|IndentationError|TabError): (?P<msg>.*)$", re.M)

NETWORK = {
    "ConnectionRefusedError", "ConnectionResetError", "ConnectionAbortedError", "ConnectionError", "TimeoutError",
    "timeout", "gaierror", "herror", "URLError", "SSLError", "SSLCertVerificationError", "SSLZeroReturnError",
    "CertificateError", "RemoteDisconnected", "IncompleteRead", "ProtocolError", "MaxRetryError",
    "NewConnectionError", "ConnectTimeout", "ReadTimeout", "ConnectTimeoutError", "ReadTimeoutError", "Timeout",
    "ConnectError", "ReadError", "ClientConnectorError", "ServerDisconnectedError", "ClientOSError",
    "TooManyRedirects", "ChunkedEncodingError", "ProxyError", "NameResolutionError",
}
SYNTAX = {"SyntaxError", "IndentationError", "TabError"}
_CONFIG_FILE = re.compile(r"(^|[/._-])(config|conf|settings|setup|credentials|secrets)([/._-]|$)|"
                          r"\.(ini|toml|cfg|conf|env|ya?ml|properties)$|^\.env", re.I)


def classify(exc: str, msg: str, frames: list[re.Match[str]], ctx: Context) -> tuple[str, str, str, dict]:
    """(category, severity, summary, extra facts) for the final exception of a Python traceback."""
    name = exc.rsplit(".", 1)[-1]
    frame_text = "\n".join(f.group(0) for f in frames)
    if name == "ModuleNotFoundError" or (name == "ImportError" and msg.startswith("No module named")):
        m = re.match(r"No module named '?([\w.]+)'?", msg)
        module = m.group(1) if m else ""
        imported = re.search(r"^\s+(?:from|import) ([\w.]+)", ctx.text[frames[-1].end():frames[-1].end() + 300],
                             re.M) if frames else None
        if imported and "." in imported.group(1) and imported.group(1).endswith("." + module):
            # Python 2 names only the missing tail: its parent package imported fine, so a module of the
            # project (or of an installed package) is missing, not a distribution
            return ("runtime", "high", f"module {imported.group(1)} does not exist in its package",
                    {"module": imported.group(1)})
        return "dependency", "high", f"Python module '{module}' is not installed", {"module": module}
    if name == "ImportError" and msg.startswith("cannot import name"):
        m = re.match(r"cannot import name '(\w+)' from (?:partially initialized module )?'([\w.]+)'"
                     r"(?:.*\((.+)\))?", msg)
        symbol, module, path = (m.group(1), m.group(2), m.group(3) or "") if m else ("", "", "")
        facts = {"module": module, "symbol": symbol}
        if "partially initialized" in msg or "circular import" in msg:
            return "runtime", "high", f"circular import: '{symbol}' from '{module}'", facts
        if path and is_library_path(path):
            package = module.split(".")[0]
            return ("dependency", "high",
                    f"'{symbol}' is not in the installed {package}: an API or version mismatch, not a missing "
                    "package", {**facts, "package": package})
        return "runtime", "high", f"'{symbol}' cannot be imported from local module '{module}'", facts
    if name in SYNTAX:
        return "syntax", "high", f"{name}: {msg}", {}
    if name == "KeyError" and re.search(r"<frozen os>|/os\.py\"", frame_text):
        # os.environ[...] raising: the frame inside the os module gives it away
        var = msg.strip("'\"")
        return "configuration", "high", f"environment variable {var} is not set", {"env_var": var}
    if name in NETWORK or name.endswith(("ConnectionError", "TimeoutError")):
        return "network", "medium", f"network error: {name}: {msg}".rstrip(": "), network_facts(msg)
    if name == "HTTPError":
        code = re.search(r"\b([1-5]\d\d)\b", msg)
        if code and (code.group(1).startswith("5") or code.group(1) == "429"):
            return ("network", "medium", f"HTTP {code.group(1)} from the server",
                    {"status": int(code.group(1)), **network_facts(msg)})
        return "runtime", "high", f"{name}: {msg}", {}
    if name in ("OSError", "IOError", "BlockingIOError") or name == "PermissionError" or name == "FileNotFoundError":
        if "No space left on device" in msg or "Errno 28" in msg:
            return "runtime", "critical", "disk full: no space left on device", {}
        if "Too many open files" in msg or "Errno 24" in msg:
            return "runtime", "high", "too many open files (file descriptor limit reached)", {}
        if "Address already in use" in msg or "Errno 98" in msg:
            return "network", "medium", "address already in use: another process holds the port", {}
        if name == "PermissionError" or "Errno 13" in msg or "Permission denied" in msg:
            return "permission", "high", f"permission denied: {msg}", {}
        if name == "FileNotFoundError":
            m = re.search(r"No such file or directory: '([^']+)'", msg)
            missing = m.group(1) if m else ""
            if missing and _CONFIG_FILE.search(os.path.basename(missing)):
                return "configuration", "high", f"configuration file not found: {missing}", {"path": missing}
            return "runtime", "high", f"file not found: {missing or msg}", {"path": missing} if missing else {}
    if name in ("DistributionNotFound", "VersionConflict", "ContextualVersionConflict", "PackageNotFoundError") or \
            name == "PluginValidationError" and "Requirement" in msg:
        return "dependency", "high", f"{name}: {msg}", {}
    if name in ("MissingFile", "ImproperlyConfigured", "ConfigError", "ConfigurationError", "ConfigParserError",
                "MissingSectionHeaderError", "UsageError") or name.endswith("ConfigError"):
        return "configuration", "high", f"{name}: {msg}", {}
    if name == "MemoryError":
        return "runtime", "critical", "out of memory (MemoryError)", {}
    if name == "RecursionError":
        return "runtime", "high", f"RecursionError: {msg}", {}
    if name == "KeyboardInterrupt":
        return "unknown", "info", "interrupted (Ctrl-C)", {}
    if "Error while fetching server API version" in msg or "Is the docker daemon running" in msg:
        return "configuration", "high", "cannot reach the Docker daemon: is it running?", {}
    facts: dict = {}
    m = re.match(r"module '([\w.]+)' has no attribute", msg)
    if m:
        facts["module"] = m.group(1)
    return "runtime", "high", f"{name}: {msg}" if msg else name, facts


_TEST_FILE = re.compile(r"(?:^|/)(?:tests?|testing)/|(?:^|/)test_[^/]*\.py$|_tests?\.py$|/(?:unittest|nose|_pytest)/"
                        r"(?:case|runner|python)\.py$")


def _blame_frame(frames: list[re.Match[str]]) -> re.Match[str] | None:
    """The frame to point at: the innermost one in the user's code, else the innermost."""
    for frame in reversed(frames):
        if not is_library_path(frame.group("file")):
            return frame
    return frames[-1] if frames else None


def _traceback(ctx: Context) -> Finding | None:
    text = ctx.text
    head = None
    if ctx.has("traceback (most recent call last)"):
        for head in _TB_HEAD.finditer(text, max(0, text.rfind("Traceback (most recent call last)") - 200)):
            pass
    bare = None
    if (ctx.has("syntaxerror") or ctx.has("indentationerror") or ctx.has("taberror")) and ctx.has('file "'):
        for bare in _BARE_SYNTAX.finditer(text):
            pass
    if head is None and bare is None:
        return None
    if bare is not None and (head is None or bare.start() > head.start()):
        if head is None or not _inside_traceback(text, head, bare):
            facts = {"exception": bare.group("exc"), "file": bare.group("file"), "line": bare.group("line")}
            return finding(ctx, "python.syntax_error", "syntax", "high", f"{bare.group('exc')}: {bare.group('msg')}",
                           facts, bare.start(), bare.end(), priority=80)
    assert head is not None
    indent = len(head.group("indent").expandtabs())
    frames: list[re.Match[str]] = []
    pos = head.end() + 1
    exc_line = None
    for line_match in re.finditer(r"^.*$", text[pos:pos + 200_000], re.M):
        line = line_match.group(0)
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip())
        stripped = line.strip()
        if depth <= indent:
            m = _EXC.match(stripped)
            if m:
                exc_line = (m, pos + line_match.start())
            break
        fm = _FRAME.match(line)
        if fm:
            frames.append(_FRAME.match(text, pos + line_match.start()))  # type: ignore[arg-type]
    if exc_line is None:
        return None
    m, at = exc_line
    exc, msg = m.group("exc"), (m.group("msg") or "").strip()
    category, severity, summary, extra = classify(exc, msg, frames, ctx)
    if category == "runtime" and frames and os.path.basename(frames[-1].group("file")) == "setup.py":
        category, summary = "build", f"the package's setup.py failed: {summary}"  # a build script's crash
    if category in ("runtime", "network") and not exc.endswith("ImportError") and \
            any(_TEST_FILE.search(f.group("file")) for f in frames):
        category, severity, summary = "test", "medium", f"a test failed: {summary}"
    facts: dict = {"exception": exc.rsplit(".", 1)[-1], **extra}
    frame = frames[-1] if exc.rsplit(".", 1)[-1] in SYNTAX and frames else _blame_frame(frames)
    if frame is not None:
        facts["file"] = frame.group("file")
        facts["line"] = frame.group("line")
    evidence = tuple(x for x in ([frame.group(0).strip()] if frame is not None else []) + [m.group(0).strip()])
    return finding(ctx, f"python.{facts['exception']}", category, severity, summary, facts, at, priority=80,
                   evidence=evidence)


def _inside_traceback(text: str, head: re.Match[str], bare: re.Match[str]) -> bool:
    # A SyntaxError raised while importing a module sits inside the traceback: let the traceback decide.
    between = text[head.end():bare.start()]
    return "\n\n" not in between.strip("\n") and "During handling" not in between


# --- pytest ---------------------------------------------------------------------------------------

_PYTEST_MARK = re.compile(r"^=+ (test session starts|short test summary info|FAILURES|ERRORS) =+$|"
                          r"^=+ .*\b(passed|failed|error|errors|skipped|no tests ran)\b.* in [\d.]+s", re.M)
_PYTEST_USAGE = re.compile(r"^(?:ERROR: usage: (?:pytest|py\.test).*\n)?(?:pytest|py\.test|__main__\.py): error: "
                           r"(?P<msg>.+)$", re.M)
_COLLECT = re.compile(r"^_+ ERROR collecting (?P<file>\S+) _+$", re.M)
_E_EXC = re.compile(r"^E\s+(?P<exc>(?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception|Exit|Warning)\w*)(?:: (?P<msg>.*))?$",
                    re.M)
_E_FILE = re.compile(r'^E\s+File "(?P<file>[^"]+)", line (?P<line>\d+)', re.M)
_SRC_LINE = re.compile(r"^(?P<file>[^\s:]+\.py):(?P<line>\d+):", re.M)
_FAILED = re.compile(r"^(?P<kind>FAILED|ERROR) (?P<id>[^\s\[]+::[^\s\[]+(?:\[.*?\])?)(?:\s+-\s.*)?$", re.M)
_VERBOSE_FAILED = re.compile(r"^(?P<id>[^\s\[]+::[^\s\[]+(?:\[.*?\])?) (?P<kind>FAILED|ERROR)\b", re.M)
_NO_TESTS = re.compile(r"^=+ (no tests ran|.*\bdeselected\b.*no tests ran).* in [\d.]+s", re.M)


def _looks_like_pytest(ctx: Context, text: str) -> bool:
    if any(ctx.has(m) for m in ("test session starts", "short test summary info", "= failures =", "= errors =")):
        return True
    # pytest's closing summary line is at the very end of its output
    return ctx.has("=====") and _PYTEST_MARK.search(text, max(0, len(text) - 4000)) is not None


def _pytest(ctx: Context) -> Finding | None:
    text = ctx.text
    usage = _PYTEST_USAGE.search(text) if ctx.has(": error:") else None
    if usage and (ctx.tool in ("pytest", "py.test") or "usage: pytest" in text or "pytest: error" in text):
        return finding(ctx, "pytest.usage", "configuration", "medium", f"pytest usage error: {usage.group('msg')}",
                       {"tool": "pytest"}, usage.start(), usage.end(), priority=85)
    if ctx.tool not in ("pytest", "py.test") and not _looks_like_pytest(ctx, text):
        return None
    collect = list(_COLLECT.finditer(text)) if ctx.has("error collecting") else []
    if collect:
        block = collect[0]
        end = text.find("\n=", block.end())
        nxt = _COLLECT.search(text, block.end())
        stop = min(x for x in (end if end >= 0 else len(text), nxt.start() if nxt else len(text)))
        body = text[block.end():stop]
        e = None
        for e in _E_EXC.finditer(body):
            pass
        facts: dict = {"tool": "pytest", "file": block.group("file")}
        if e is not None:
            exc, msg = e.group("exc"), (e.group("msg") or "").strip()
            category, severity, summary, extra = classify(exc, msg, [], ctx)
            facts.update(extra, exception=exc.rsplit(".", 1)[-1])
            where = _E_FILE.search(body) if exc.rsplit(".", 1)[-1] in SYNTAX else None
            if where:
                facts["file"], facts["line"] = where.group("file"), where.group("line")
            else:
                src = None
                for src in _SRC_LINE.finditer(body):
                    pass
                if src is not None and not is_library_path(src.group("file")):
                    facts["file"], facts["line"] = src.group("file"), src.group("line")
            summary = f"tests cannot be collected: {summary}"
            return finding(ctx, f"pytest.collection.{facts['exception']}", category, severity, summary, facts,
                           block.start(), priority=85,
                           evidence=(block.group(0).strip("_ "), e.group(0).strip()))
        return finding(ctx, "pytest.collection", "test", "high", f"pytest could not collect {block.group('file')}",
                       facts, block.start(), block.end(), priority=85)
    failed = (_FAILED.findall(text) or [(k, i) for i, k in _VERBOSE_FAILED.findall(text)]) \
        if (ctx.has("failed") or ctx.has("error")) else []
    if failed:
        ids = list(dict.fromkeys(i for _, i in failed))
        last = None
        for last in _FAILED.finditer(text):
            pass
        start = last.start() if last else len(text) - 1
        n = len(ids)
        summary = f"{n} test{'s' if n != 1 else ''} failed: {', '.join(ids[:3])}{' …' if n > 3 else ''}"
        evidence = tuple(f"{k} {i}" for k, i in failed[:6])
        return finding(ctx, "pytest.failed", "test", "medium", summary, {"tool": "pytest", "tests": ids}, start,
                       priority=87, evidence=evidence)
    e_line = (_E_EXC.search(text) or re.search(r"^E\s{3}\S.*$", text, re.M)) if ctx.has("\ne ") else None
    if ctx.tool in ("pytest", "py.test") and e_line:
        # pytest's failure report without its summary (a cut log): the E lines are assertions of tests
        return finding(ctx, "pytest.failed", "test", "medium", "tests failed", {"tool": "pytest"}, e_line.start(),
                       e_line.end(), priority=70)
    none = _NO_TESTS.search(text)
    if none and ctx.exit_code == 5:
        return finding(ctx, "pytest.no_tests", "configuration", "low", "pytest collected no tests",
                       {"tool": "pytest"}, none.start(), none.end(), priority=70)
    return None


# --- unittest -------------------------------------------------------------------------------------

_UNITTEST = re.compile(r"^(?P<kind>FAIL|ERROR): (?P<name>\w+) \((?P<where>[\w.]+)\)", re.M)
_UNITTEST_END = re.compile(r"^FAILED \((?:failures|errors)=\d+.*\)$", re.M)


def _unittest(ctx: Context) -> Finding | None:
    if not ctx.has("failed ("):
        return None
    end = _UNITTEST_END.search(ctx.text)
    if end is None:
        return None
    cases = list(_UNITTEST.finditer(ctx.text))
    if not cases:
        return None
    ids = []
    for c in cases:
        where, name = c.group("where"), c.group("name")
        if where.startswith("unittest.loader"):
            # the test module could not even be imported: the traceback below says why
            tb = _traceback(ctx)
            if tb is not None:
                return finding(ctx, f"unittest.import.{tb.facts.get('exception', '')}", tb.category, tb.severity,
                               f"tests cannot be loaded: {tb.summary}", {**tb.facts}, c.start(), priority=85,
                               evidence=tb.evidence)
        ids.append(where if where.endswith("." + name) else f"{where}.{name}")
    ids = list(dict.fromkeys(ids))
    n = len(ids)
    return finding(ctx, "unittest.failed", "test", "medium", f"{n} test{'s' if n != 1 else ''} failed: "
                   f"{', '.join(ids[:3])}", {"tests": ids}, end.start(), priority=86,
                   evidence=tuple(c.group(0) for c in cases[:5]) + (end.group(0),))


# --- pip ------------------------------------------------------------------------------------------

_BUILD_FAIL = re.compile(r"(?:Failed building wheel for (?P<a>[\w.-]+)|Failed to build (?:installable wheels for some "
                         r"pyproject\.toml based projects \((?P<b>[\w.-]+)\)|'?(?P<c>[\w.-]+)'?)$|"
                         r"Getting requirements to build wheel did not run successfully|"
                         r"Preparing metadata \(pyproject\.toml\) did not run successfully|"
                         r"Building wheel for (?P<d>[\w.-]+) \(.*\) did not run successfully)", re.M)
_HEADER = re.compile(r"fatal error: (?P<header>[\w./+-]+\.h(?:pp)?): No such file or directory")
_PROCESSING = re.compile(r"^(?:Processing|Collecting) (?P<what>\S+)", re.M)


def _pip_build(ctx: Context) -> Finding | None:
    if not ctx.has("did not run successfully") and not ctx.has("failed building wheel") \
            and not ctx.has("failed to build"):
        return None
    m = None
    for m in _BUILD_FAIL.finditer(ctx.text):
        pass
    if m is None:
        return None
    package = next((g for g in m.group("a", "b", "c", "d") if g), "")
    if not package:
        for p in _PROCESSING.finditer(ctx.text):
            package = p.group("what")
        package = os.path.basename(package.rstrip("/")).split("==")[0]
    facts: dict = {"tool": "pip", "package": package}
    header = _HEADER.search(ctx.text)
    if header:
        facts["header"] = header.group("header")
        return finding(ctx, "pip.build.header", "dependency", "high",
                       f"building {package} needs the C header {header.group('header')} (a system library's "
                       "development package)", facts, header.start(), header.end(), priority=88)
    return finding(ctx, "pip.build", "build", "high", f"building {package} failed", facts, m.start(), m.end(),
                   priority=84)


def _requirement_name(ctx: Context, m: re.Match[str], facts: dict) -> dict:
    spec = facts.get("package", "")
    facts["package"] = re.split(r"[<>=!~;\[ (@]", str(spec), maxsplit=1)[0]
    return facts


_PIP_NETWORK = re.compile(r"Retrying \(Retry\(.*after connection broken by '(?P<why>.*)'|"
                          r"Could not fetch URL (?P<url>\S+): There was a problem confirming the ssl|"
                          r"Failed to establish a new connection|NameResolutionError|Read timed out", re.M)


def _no_distribution(ctx: Context, m: re.Match[str], facts: dict) -> dict:
    facts = _requirement_name(ctx, m, facts)
    before = ctx.text[max(0, m.start() - 20000):m.end()]
    net = _PIP_NETWORK.search(before)
    if net:
        # "no matching distribution" because the index could not be reached: the cause is the network
        facts.update(network_facts(before))
        facts.update(category="network", severity="medium",
                     summary=f"pip could not reach the package index while looking for {facts['package']}")
    return facts


RULES = (
    # the exception line alone, when the traceback above it was cut off (a truncated log, a long line)
    Rule("python.module_not_found_line", "dependency", "high",
         r"(?:^|\s)(?:ModuleNotFoundError|ImportError): No module named '?(?P<module>[\w.]+)'?",
         "Python module '{module}' is not installed", ("no module named",), priority=70,
         facts={"exception": "ModuleNotFoundError"}),
    Rule("pip.no_matching_distribution", "dependency", "high",
         r"No matching distribution found for (?P<package>\S+)",
         "no release of {package} on the package index matches", ("no matching distribution",), priority=82,
         facts={"tool": "pip"}, refine=_no_distribution),
    Rule("pip.requires_python", "dependency", "high",
         r"Package '(?P<package>[^']+)' requires a different Python: (?P<python>\S+) not in '(?P<requires>[^']+)'",
         "{package} requires Python {requires}, this is {python}", ("requires a different python",), priority=83,
         facts={"tool": "pip"}),
    Rule("pip.conflict", "dependency", "high",
         r"(?:ResolutionImpossible|Cannot install (?P<package>[^\s,]+).*because these package versions have "
         r"conflicting dependencies)", "conflicting dependency requirements", ("resolutionimpossible", "conflicting dependencies"),
         priority=82, facts={"tool": "pip"}, refine=_requirement_name),
    Rule("pip.permission", "permission", "high",
         r"Could not install packages due to an (?:OSError|EnvironmentError): \[Errno 13\] Permission denied: "
         r"'(?P<path>[^']+)'", "pip cannot write {path}", ("could not install packages due to",), priority=85,
         facts={"tool": "pip"}),
    Rule("pip.externally_managed", "configuration", "high", r"error: externally-managed-environment",
         "this Python is managed by the system (PEP 668): use a virtual environment",
         ("externally-managed-environment",), priority=85, facts={"tool": "pip"}),
    Rule("pip.requirements_file", "configuration", "high",
         r"Could not open requirements file: \[Errno 2\] No such file or directory: '(?P<file>[^']+)'",
         "requirements file {file} not found", ("could not open requirements file",), priority=85,
         facts={"tool": "pip"}),
    Rule("pip.invalid_requirement", "syntax", "high", r"(?:ERROR: )?Invalid requirement: '(?P<requirement>[^']*)'",
         "invalid requirement '{requirement}'", ("invalid requirement",), priority=82, facts={"tool": "pip"}),
    Rule("pip.unknown_command", "syntax", "medium",
         r'ERROR: unknown command "(?P<command>[^"]+)"(?: - maybe you meant "(?P<suggestion>[^"]+)")?',
         "pip has no command '{command}'", ('unknown command "',), priority=85, facts={"tool": "pip"}),
)
FUNCTIONS = (_traceback, _pytest, _unittest, _pip_build)
