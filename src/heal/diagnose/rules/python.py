"""Python: tracebacks (the last exception of a chain decides), the SyntaxError family, pytest, unittest, pip."""

from __future__ import annotations

import os
import sys

from heal import rx
from heal.diagnose.model import Context, Finding, Rule
from heal.diagnose.rules._base import finding, is_library_path
from heal.diagnose.rules.network import network_facts
from heal.lazyre import lazy

ECOSYSTEM = "python"
GUARDS = ("while loading conftest", "fixture '", "recursive dependency involving fixture",
          "traceback (most recent call last)", "syntaxerror", "indentationerror", "taberror", 'file "',
          "test session starts", "short test summary info", "= failures =", "= errors =", "=====", ": error:",
          "error collecting", "failed", "error", "\ne ", "failed (", "did not run successfully",
          "failed building wheel", "failed to build")

_TB_HEAD = lazy(r"^(?P<indent>[ \t]*)Traceback \(most recent call last\):[ \t]*$", rx.M)
_NO_MODULE = lazy(r"No module named '?([\w.]+)'?")
_IMPORT_LINE = lazy(r"^\s+(?:from|import) ([\w.]+)", rx.M)
_LINE = lazy(r"^.*$", rx.M)
_FRAME = lazy(r'^[ \t]*File "(?P<file>[^"]+)", line (?P<line>\d+)(?:, in (?P<func>.+))?$', rx.M)
_EXC = lazy(r"^(?P<exc>(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:Error|Exception|Exit|Interrupt|Warning|Fault|"
            r"Failure|Iteration|Timeout|Refused|Exists|NotFound|Denied|Invalid)\w*|KeyError|"
            r"(?:[A-Za-z_]\w*\.)+[A-Z]\w*)(?:: ?(?P<msg>.*))?$")
_BARE_SYNTAX = lazy(
    r'^[ \t]*File "(?P<file>[^"]+)", line (?P<line>\d+)\n(?:.*\n){0,5}?[ \t]*(?:Sorry: )?'
    r"(?P<exc>SyntaxError|IndentationError|TabError): (?P<msg>.*)$", rx.M)

NETWORK = {
    "ConnectionRefusedError", "ConnectionResetError", "ConnectionAbortedError", "ConnectionError", "TimeoutError",
    "timeout", "gaierror", "herror", "URLError", "SSLError", "SSLCertVerificationError", "SSLZeroReturnError",
    "CertificateError", "RemoteDisconnected", "IncompleteRead", "ProtocolError", "MaxRetryError",
    "NewConnectionError", "ConnectTimeout", "ReadTimeout", "ConnectTimeoutError", "ReadTimeoutError", "Timeout",
    "ConnectError", "ReadError", "ClientConnectorError", "ServerDisconnectedError", "ClientOSError",
    "TooManyRedirects", "ChunkedEncodingError", "ProxyError", "NameResolutionError",
}
SYNTAX = {"SyntaxError", "IndentationError", "TabError"}
_CONFIG_FILE = lazy(r"(^|[/._-])(config|conf|settings|setup|credentials|secrets)([/._-]|$)|"
                    r"\.(ini|toml|cfg|conf|env|ya?ml|properties)$|^\.env", rx.I)


def classify(exc: str, msg: str, frames: list[rx.Match[str]], ctx: Context) -> tuple[str, str, str, dict]:
    """(category, severity, summary, extra facts) for the final exception of a Python traceback."""
    name = exc.rsplit(".", 1)[-1]
    frame_text = "\n".join(f.group(0) for f in frames)
    if name == "ModuleNotFoundError" or (name == "ImportError" and msg.startswith("No module named")):
        m = _NO_MODULE.match(msg)
        module = m.group(1) if m else ""
        imported = _IMPORT_LINE.search(ctx.text[frames[-1].end():frames[-1].end() + 300]) if frames else None
        if imported and "." in imported.group(1) and imported.group(1).endswith("." + module):
            # Python 2 names only the missing tail: its parent package imported fine, so a module of the
            # project (or of an installed package) is missing, not a distribution
            return ("runtime", "high", f"module {imported.group(1)} does not exist in its package",
                    {"module": imported.group(1)})
        return "dependency", "high", f"Python module '{module}' is not installed", {"module": module}
    if name == "ImportError" and msg.startswith("cannot import name"):
        m = rx.match(r"cannot import name '(\w+)' from (?:partially initialized module )?'([\w.]+)'"
                     r"(?:.*\((.+)\))?", msg)
        symbol, module, path = (m.group(1), m.group(2), m.group(3) or "") if m else ("", "", "")
        facts = {"module": module, "symbol": symbol}
        if "partially initialized" in msg or "circular import" in msg:
            return "runtime", "high", f"circular import: '{symbol}' from '{module}'", facts
        if path and is_library_path(path) and module.split(".")[0] in sys.stdlib_module_names \
                and "site-packages" not in path and "dist-packages" not in path:
            # the standard library of this Python lacks it (collections.Mapping went in 3.10): the code was
            # written for another Python version; no package to install
            return ("runtime", "high", f"'{symbol}' is not in the standard library's {module} on this Python "
                    "(removed or renamed): the code needs updating", {**facts, "stdlib": True})
        if path and is_library_path(path):
            package = module.split(".")[0]
            return ("dependency", "high",
                    f"'{symbol}' is not in the installed {package}: an API or version mismatch, not a missing "
                    "package", {**facts, "package": package})
        return "runtime", "high", f"'{symbol}' cannot be imported from local module '{module}'", facts
    if name in SYNTAX:
        return "syntax", "high", f"{name}: {msg}", {}
    if name == "KeyError" and rx.search(r"<frozen os>|/os\.py\"", frame_text):
        # os.environ[...] raising: the frame inside the os module gives it away
        var = msg.strip("'\"")
        return "configuration", "high", f"environment variable {var} is not set", {"env_var": var}
    if name in NETWORK or name.endswith(("ConnectionError", "TimeoutError")):
        return "network", "medium", f"network error: {name}: {msg}".rstrip(": "), network_facts(msg)
    if name == "HTTPError":
        code = rx.search(r"\b([1-5]\d\d)\b", msg)
        if code and (code.group(1).startswith("5") or code.group(1) == "429"):
            return ("network", "medium", f"HTTP {code.group(1)} from the server",
                    {"status": int(code.group(1)), **network_facts(msg)})
        return "runtime", "high", f"{name}: {msg}", {}
    if name in ("OSError", "IOError", "BlockingIOError") or name == "PermissionError" or name == "FileNotFoundError":
        if "No space left on device" in msg or "Errno 28" in msg:
            return "runtime", "critical", "disk full: no space left on device", {}
        if "Too many open files" in msg or "Errno 24" in msg:
            return "runtime", "high", "too many open files (file descriptor limit reached)", {}
        if "Address already in use" in msg or "address already in use" in msg or "Errno 98" in msg:
            port = rx.search(r"\('([^']*)', (\d+)\)|:(\d{2,5})\b", msg)
            extra = {"port": port.group(2) or port.group(3)} if port else {}
            if port and port.group(1):
                extra["host"] = port.group(1)
            where = f" (port {extra['port']})" if extra else ""
            return "network", "medium", f"address already in use{where}: another process holds the port", extra
        if name == "PermissionError" or "Errno 13" in msg or "Permission denied" in msg:
            return "permission", "high", f"permission denied: {msg}", {}
        if name == "FileNotFoundError":
            m = rx.search(r"No such file or directory: '([^']+)'", msg)
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
    m = rx.match(r"module '([\w.]+)' has no attribute '(\w+)'", msg)
    if m:
        facts["module"], facts["symbol"] = m.group(1), m.group(2)  # time.clock: an API its Python no longer has
    elif name == "NameError":
        m = rx.match(r"name '(\w+)' is not defined", msg)
        if m:
            facts["symbol"] = m.group(1)  # a missing import, most often
    return "runtime", "high", f"{name}: {msg}" if msg else name, facts


_TEST_FILE = lazy(r"(?:^|/)(?:tests?|testing)/|(?:^|/)test_[^/]*\.py$|_tests?\.py$|/(?:unittest|nose|_pytest)/"
                  r"(?:case|runner|python)\.py$")


def _blame_frame(frames: list[rx.Match[str]]) -> rx.Match[str] | None:
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
    frames: list[rx.Match[str]] = []
    pos = head.end() + 1
    exc_line = None
    for line_match in _LINE.finditer(text[pos:pos + 200_000]):
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
    data = _data_file_error(ctx, exc.rsplit(".", 1)[-1], msg, frames, at)
    if data is not None:
        return data
    root = _root_cause(ctx, head, exc, msg, at)
    if root is not None:
        return root
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


# --- tracebacks whose real subject is elsewhere -------------------------------------------------------

_DATA_ERRORS = {"JSONDecodeError": "JSON", "TOMLDecodeError": "TOML", "ScannerError": "YAML", "ParserError": "YAML",
                "ComposerError": "YAML", "ConstructorError": "YAML"}
_DATA_POS = lazy(r"line (?P<line>\d+),? column (?P<column>\d+)")
_YAML_AT = lazy(r'^\s+in "(?P<file>[^"<>]+)", line (?P<line>\d+), column (?P<column>\d+)', rx.M)
# a data file named in the line that read it: json.load(open("x.json")), tomllib.loads(Path("x.toml").read_text())
_OPENED = lazy(r"""(?:open|Path|read_text|read_bytes)\(\s*[rbf]?['"](?P<file>[^'"]+\.(?:json|toml|ya?ml|"""
               r"""lock|cfg|ini|geojson|ipynb))['"]""")
_DATA_LOAD = lazy(r"\b(?:json|simplejson|ujson|tomllib|tomli|toml|yaml)\.(?:safe_)?load\(")


def _source_line(ctx: Context, frame: rx.Match[str]) -> str:
    end = ctx.text.find("\n", frame.end() + 1)
    return ctx.text[frame.end() + 1:end if end >= 0 else len(ctx.text)].strip()


def _data_file_error(ctx: Context, name: str, msg: str, frames: list[rx.Match[str]], at: int) -> Finding | None:
    """A JSON/TOML/YAML parse error is the data file's syntax error, not a bug of the .py that read it:
    point at the file when the traceback names it (the code's own open(...) or YAML's `in "x.yml"`),
    else at the line that loaded it, with the position inside the data as data_line/data_column."""
    fmt = _DATA_ERRORS.get(name)
    if fmt is None:
        return None
    frame = _blame_frame(frames)
    exc_end = ctx.text.find("\n", at)
    facts: dict = {"exception": name, "format": fmt}
    evidence = [ctx.text[at:exc_end if exc_end >= 0 else len(ctx.text)].strip()]
    if fmt == "YAML":
        where = None
        for where in _YAML_AT.finditer(ctx.text, at, at + 800):  # "in 'x.yml', line 4, column 13": the last is
            pass  # the problem, an earlier one its context
        if where is None:
            return None
        facts.update(file=where.group("file"), line=where.group("line"), column=where.group("column"))
        evidence.append(where.group(0).strip())
    else:
        pos = _DATA_POS.search(msg)
        source = _source_line(ctx, frame) if frame is not None else ""
        named = _OPENED.search(source)
        if pos is not None and named is not None:
            facts.update(file=named.group("file"), line=pos.group("line"), column=pos.group("column"))
        elif frame is not None and _DATA_LOAD.search(source):
            facts.update(file=frame.group("file"), line=frame.group("line"))
            if pos is not None:
                facts.update(data_line=int(pos.group("line")), data_column=int(pos.group("column")))
        else:
            return None  # json.loads of some text (an HTTP body ...): not a file the user can fix
        if frame is not None:
            facts["reader"] = f"{frame.group('file')}:{frame.group('line')}"
            evidence.insert(0, frame.group(0).strip())
    where_txt = f"{facts['file']}:{facts['line']}" if "data_line" not in facts else \
        f"the data read at {facts['file']}:{facts['line']} (line {facts['data_line']}, column {facts['data_column']})"
    return finding(ctx, f"python.{name}", "syntax", "high", f"invalid {fmt} in {where_txt}: {msg}", facts, at,
                   priority=84, evidence=tuple(evidence))


_MISSING_MODULE = lazy(r"^(?:[\w.]+\.)?(?:ModuleNotFoundError|ImportError): No module named '(?P<module>[\w.]+)'",
                             rx.M)


def _root_cause(ctx: Context, head: rx.Match[str] | None, exc: str, msg: str, at: int) -> Finding | None:
    """In a chain, a wrapper that names a module an earlier exception could not import (pytest's
    `Failed to import filter module 'trio'`, `Error importing plugin "xdist"`) is that missing module."""
    if head is None or exc.rsplit(".", 1)[-1] == "ModuleNotFoundError":
        return None
    earlier = None
    for earlier in _MISSING_MODULE.finditer(ctx.text, max(0, head.start() - 200_000), head.start()):
        pass
    if earlier is None:
        return None
    module = earlier.group("module")
    between = ctx.text[earlier.end():head.start()]
    if "direct cause of the following" not in between and "During handling of the above" not in between:
        return None
    top = module.split(".")[0]  # named in quotes, or as a quoted dotted name's head
    if not any(quote + top + after in msg for quote in "'\"" for after in ".'\""):
        return None
    facts = {"exception": "ModuleNotFoundError", "module": module, "wrapped_by": exc.rsplit(".", 1)[-1]}
    return finding(ctx, "python.ModuleNotFoundError", "dependency", "high",
                   f"Python module '{module}' is not installed ({exc.rsplit('.', 1)[-1]}: {msg})", facts, at,
                   priority=80, evidence=(earlier.group(0).strip(), f"{exc}: {msg}"[:300]))


def _inside_traceback(text: str, head: rx.Match[str], bare: rx.Match[str]) -> bool:
    # A SyntaxError raised while importing a module sits inside the traceback: let the traceback decide.
    between = text[head.end():bare.start()]
    return "\n\n" not in between.strip("\n") and "During handling" not in between


# --- pytest ---------------------------------------------------------------------------------------

_PYTEST_MARK = lazy(r"^=+ (test session starts|short test summary info|FAILURES|ERRORS) =+$|"
                          r"^=+ .*\b(passed|failed|error|errors|skipped|no tests ran)\b.* in [\d.]+s", rx.M)
# pytest 8/9 under `python -m pytest` names itself so: `python -m pytest: error: unrecognized arguments: --cov`
_PYTEST_USAGE = lazy(r"^(?:ERROR: usage: (?:\S*python[\d.]* -m )?(?:pytest|py\.test).*\n)?"
                     r"(?:\S*python[\d.]* -m )?(?:pytest|py\.test|__main__\.py): error: (?P<msg>.+)$", rx.M)
_COLLECT = lazy(r"^_+ ERROR collecting (?P<file>\S+) _+$", rx.M)
_E_EXC = lazy(r"^E\s+(?P<exc>(?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception|Exit|Warning)\w*)(?:: (?P<msg>.*))?$",
                    rx.M)
_E_FILE = lazy(r'^E\s+File "(?P<file>[^"]+)", line (?P<line>\d+)', rx.M)
_SRC_LINE = lazy(r"^(?P<file>[^\s:]+\.py):(?P<line>\d+):", rx.M)
_FAILED = lazy(r"^(?P<kind>FAILED|ERROR) (?P<id>[^\s\[]+::[^\s\[]+(?:\[.*?\])?)(?:\s+-\s.*)?$", rx.M)
_VERBOSE_FAILED = lazy(r"^(?P<id>[^\s\[]+::[^\s\[]+(?:\[.*?\])?) (?P<kind>FAILED|ERROR)\b", rx.M)
_NO_TESTS = lazy(r"^=+ (no tests ran|.*\bdeselected\b.*no tests ran).* in [\d.]+s", rx.M)


def _looks_like_pytest(ctx: Context, text: str) -> bool:
    if any(ctx.has(m) for m in ("test session starts", "short test summary info", "= failures =", "= errors =")):
        return True
    # pytest's closing summary line is at the very end of its output
    return ctx.has("=====") and _PYTEST_MARK.search(text, max(0, len(text) - 4000)) is not None


# Options and fixtures that come from a plugin, not from pytest: the missing piece is a distribution.
PYTEST_PLUGIN_OPTIONS = {
    "--asyncio-mode": "pytest-asyncio", "--cov": "pytest-cov", "--cov-report": "pytest-cov",
    "--cov-config": "pytest-cov", "--cov-branch": "pytest-cov", "--cov-fail-under": "pytest-cov",
    "--cov-append": "pytest-cov", "--no-cov": "pytest-cov", "-n": "pytest-xdist", "--numprocesses": "pytest-xdist",
    "--dist": "pytest-xdist", "--maxprocesses": "pytest-xdist", "--boxed": "pytest-forked",
    "--forked": "pytest-forked", "--timeout": "pytest-timeout", "--timeout-method": "pytest-timeout",
    "--benchmark-skip": "pytest-benchmark", "--benchmark-only": "pytest-benchmark",
    "--benchmark-disable": "pytest-benchmark", "--reruns": "pytest-rerunfailures",
    "--reruns-delay": "pytest-rerunfailures", "--html": "pytest-html", "--self-contained-html": "pytest-html",
    "--mypy": "pytest-mypy", "--flake8": "pytest-flake8", "--randomly-seed": "pytest-randomly",
    "--randomly-dont-reorganize": "pytest-randomly", "--ds": "pytest-django", "--reuse-db": "pytest-django",
    "--create-db": "pytest-django", "--nomigrations": "pytest-django", "--count": "pytest-repeat",
    "--instafail": "pytest-instafail", "--testmon": "pytest-testmon", "--nbval": "nbval",
    "--nbval-lax": "nbval", "--hypothesis-show-statistics": "hypothesis", "--hypothesis-profile": "hypothesis",
    "--snapshot-update": "syrupy", "--record-mode": "pytest-recording", "--block-network": "pytest-recording",
    "--mpl": "pytest-mpl", "--doctest-plus": "pytest-doctestplus", "--remote-data": "pytest-remotedata",
    "--env": "pytest-env", "--sugar": "pytest-sugar", "--splits": "pytest-split", "--group": "pytest-split",
}
PYTEST_PLUGIN_FIXTURES = {
    "httpbin": "pytest-httpbin", "httpbin_secure": "pytest-httpbin", "httpbin_both": "pytest-httpbin",
    "mocker": "pytest-mock", "class_mocker": "pytest-mock", "module_mocker": "pytest-mock",
    "session_mocker": "pytest-mock", "benchmark": "pytest-benchmark", "event_loop": "pytest-asyncio",
    "aiohttp_client": "pytest-aiohttp", "aiohttp_server": "pytest-aiohttp", "requests_mock": "requests-mock",
    "httpx_mock": "pytest-httpx", "respx_mock": "respx", "freezer": "pytest-freezer", "datadir": "pytest-datadir",
    "shared_datadir": "pytest-datadir", "snapshot": "syrupy", "xprocess": "pytest-xprocess", "qtbot": "pytest-qt",
    "faker": "Faker", "vcr": "pytest-recording", "vcr_config": "pytest-recording", "django_user_model": "pytest-django",
    "admin_client": "pytest-django", "rf": "pytest-django", "django_assert_num_queries": "pytest-django",
    "live_server": "pytest-django", "celery_app": "celery", "celery_worker": "celery", "anyio_backend": "anyio",
    "capture_logs": "structlog", "time_machine": "time-machine", "fs": "pyfakefs", "subtests": "pytest-subtests",
    "unused_tcp_port": "pytest-asyncio", "lazy_fixture": "pytest-lazy-fixture", "docker_services": "pytest-docker",
    "postgresql": "pytest-postgresql", "redisdb": "pytest-redis", "mock_env": "pytest-env",
}
_CONFTEST = lazy(r"^ImportError while loading conftest '(?P<conftest>[^']+)'\.$", rx.M)
_FIXTURE_MISSING = lazy(r"^E\s+(?:fixture '(?P<fixture>\w+)' not found|recursive dependency involving "
                              r"fixture '(?P<fixture2>\w+)' detected)\s*$", rx.M)


def _plugin_option(ctx: Context, usage: rx.Match[str]) -> Finding | None:
    """`unrecognized arguments: --asyncio-mode=strict`: an option of a plugin that is not installed."""
    msg = usage.group("msg")
    if "unrecognized arguments" not in msg:
        return None
    options = [o.split("=")[0] for o in msg.split(":", 1)[1].split() if o.startswith("-")]
    option = next((o for o in options if o in PYTEST_PLUGIN_OPTIONS), None)
    if option is None:
        option = next((o for o in options if any(o.startswith(k + "-") for k in ("--cov", "--benchmark"))), None)
        plugin = PYTEST_PLUGIN_OPTIONS.get(option.rsplit("-", 1)[0], "") if option else ""
        if not plugin:
            return None
    else:
        plugin = PYTEST_PLUGIN_OPTIONS[option]
    inifile = rx.search(r"^\s+inifile: (?P<ini>\S+)$", ctx.text[usage.end():usage.end() + 400], rx.M)
    facts: dict = {"tool": "pytest", "option": option, "plugin": plugin, "options": options}
    if inifile and inifile.group("ini") != "None" and option not in ctx.argv and \
            not any(a.startswith(option + "=") for a in ctx.argv):
        facts["config"] = inifile.group("ini")  # the option comes from addopts there, not the command line
    return finding(ctx, "pytest.plugin_option", "dependency", "high",
                   f"pytest option {option} needs the plugin {plugin}, which is not installed", facts,
                   usage.start(), usage.end(), priority=86)


def _plugin_fixture(ctx: Context) -> Finding | None:
    """`fixture 'httpbin' not found`: a fixture a known plugin provides, so the plugin is missing."""
    for m in _FIXTURE_MISSING.finditer(ctx.text):
        name = m.group("fixture") or m.group("fixture2")
        plugin = PYTEST_PLUGIN_FIXTURES.get(name)
        if plugin:
            tests = list(dict.fromkeys(x.group("id") for x in _FAILED.finditer(ctx.text)))
            facts = {"tool": "pytest", "fixture": name, "plugin": plugin, **({"tests": tests} if tests else {})}
            return finding(ctx, "pytest.plugin_fixture", "dependency", "high",
                           f"pytest fixture '{name}' comes from the plugin {plugin}, which is not installed", facts,
                           m.start(), m.end(), priority=88)
    return None


def _conftest(ctx: Context) -> Finding | None:
    """`ImportError while loading conftest`: pytest stopped before any test; the E lines below say why
    (a syntax error or a missing module in the package the conftest imports): that is the failure."""
    head = _CONFTEST.search(ctx.text)
    if head is None:
        return None
    stop = ctx.text.find("\n\n", head.end())
    body = ctx.text[head.end():stop if stop >= 0 else len(ctx.text)]
    e = None
    for e in _E_EXC.finditer(body):
        pass
    if e is None:
        return None
    exc, msg = e.group("exc"), (e.group("msg") or "").strip()
    name = exc.rsplit(".", 1)[-1]
    category, severity, summary, extra = classify(exc, msg, [], ctx)
    facts: dict = {"tool": "pytest", "exception": name, "conftest": head.group("conftest"), **extra}
    where = _E_FILE.search(body) if name in SYNTAX else None
    if where:
        facts["file"], facts["line"] = where.group("file"), where.group("line")
    else:
        src = None
        for src in _SRC_LINE.finditer(body):
            pass
        if src is not None and not is_library_path(src.group("file")):
            facts["file"], facts["line"] = src.group("file"), src.group("line")
    return finding(ctx, f"pytest.conftest.{name}", category, severity, f"pytest cannot load conftest.py: {summary}",
                   facts, head.start(), priority=88, evidence=(head.group(0), e.group(0).strip()))


def _pytest(ctx: Context) -> Finding | None:
    text = ctx.text
    usage = _PYTEST_USAGE.search(text) if ctx.has(": error:") else None
    if usage and (ctx.tool in ("pytest", "py.test") or "usage: pytest" in text or "pytest: error" in text):
        plugin = _plugin_option(ctx, usage)
        if plugin is not None:
            return plugin
        return finding(ctx, "pytest.usage", "configuration", "medium", f"pytest usage error: {usage.group('msg')}",
                       {"tool": "pytest"}, usage.start(), usage.end(), priority=85)
    if ctx.tool not in ("pytest", "py.test") and not _looks_like_pytest(ctx, text) and \
            not ctx.has("while loading conftest"):
        return None
    if ctx.has("while loading conftest"):
        found = _conftest(ctx)
        if found is not None:
            return found
    if ctx.has("fixture '") or ctx.has("recursive dependency involving fixture"):
        found = _plugin_fixture(ctx)
        if found is not None:
            return found
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
    e_line = (_E_EXC.search(text) or rx.search(r"^E\s{3}\S.*$", text, rx.M)) if ctx.has("\ne ") else None
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

_UNITTEST = lazy(r"^(?P<kind>FAIL|ERROR): (?P<name>\w+) \((?P<where>[\w.]+)\)", rx.M)
_UNITTEST_END = lazy(r"^FAILED \((?:failures|errors)=\d+.*\)$", rx.M)


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

_BUILD_FAIL = lazy(r"(?:Failed building wheel for (?P<a>[\w.-]+)|Failed to build (?:installable wheels for some "
                         r"pyproject\.toml based projects \((?P<b>[\w.-]+)\)|'?(?P<c>[\w.-]+)'?)$|"
                         r"Getting requirements to build wheel did not run successfully|"
                         r"Preparing metadata \(pyproject\.toml\) did not run successfully|"
                         r"Building wheel for (?P<d>[\w.-]+) \(.*\) did not run successfully)", rx.M)
_HEADER = lazy(r"fatal error: (?P<header>[\w./+-]+\.h(?:pp)?): No such file or directory")
_PROCESSING = lazy(r"^(?:Processing|Collecting) (?P<what>\S+)", rx.M)


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


def _requirement_name(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    spec = facts.get("package", "")
    facts["package"] = rx.split(r"[<>=!~;\[ (@]", str(spec), maxsplit=1)[0]
    return facts


_PIP_NETWORK = lazy(r"Retrying \(Retry\(.*after connection broken by '(?P<why>.*)'|"
                          r"Could not fetch URL (?P<url>\S+): There was a problem confirming the ssl|"
                          r"Failed to establish a new connection|NameResolutionError|Read timed out", rx.M)


def _no_distribution(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    facts = _requirement_name(ctx, m, facts)
    before = ctx.text[max(0, m.start() - 20000):m.end()]
    net = _PIP_NETWORK.search(before)
    if net:
        # "no matching distribution" because the index could not be reached: the cause is the network
        facts.update(network_facts(before))
        facts.update(category="network", severity="medium",
               summary=f"pip could not reach the package index while looking for {facts['package']}")
    return facts


def _python_m(ctx: Context, m: rx.Match[str], facts: dict) -> dict | None:
    # `python -m pytest` without pytest: the interpreter prints one line, no traceback; the tool is the module
    module = facts.get("module") or facts.pop("module2", "")
    facts.pop("module2", None)
    facts["module"] = module
    if ctx.tool and ctx.tool != "python":
        facts["tool"] = ctx.tool
    return facts


def _config_file(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    facts["file"] = facts.get("file") or facts.pop("file2", "")
    facts["line"] = facts.get("line") or facts.pop("line2", "")
    facts["message"] = facts.get("message") or facts.pop("message2", "")
    facts.pop("file2", None), facts.pop("line2", None), facts.pop("message2", None)
    if ctx.tool in ("pytest", "py.test"):
        facts["tool"] = ctx.tool
    kind = "TOML" if str(facts["file"]).endswith(".toml") else "INI"
    facts["summary"] = f"{os.path.basename(str(facts['file']))} line {facts['line']} is not valid {kind}: " \
                       f"{facts['message']}"
    return facts


RULES = (
    Rule("python.m_module_not_found", "dependency", "high",
         r"^(?P<python>\S*(?:python|pypy)[\d.]*(?:\.exe)?): (?:No module named (?P<module>[\w.]+)|Error while finding "
         r"module specification for '[\w.]+' \(ModuleNotFoundError: No module named '(?P<module2>[\w.]+)'\))\s*$",
         "Python module '{module}' is not installed in {python} (python -m {module})", ("no module named",),
         priority=82, refine=_python_m),
    # pytest (and tools alike) reading a broken pyproject.toml / ini file before anything runs
    Rule("python.config_file_syntax", "syntax", "high",
         r"^ERROR: (?P<file>\S+\.toml): (?P<message>.*?) \(at line (?P<line>\d+), column (?P<column>\d+)\)\s*$"
         r"|^ERROR: (?P<file2>\S+\.(?:ini|cfg)):(?P<line2>\d+): (?P<message2>.+)$",
         "configuration file syntax error", (".toml: ", ".ini:", ".cfg:"), priority=86, refine=_config_file),
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
