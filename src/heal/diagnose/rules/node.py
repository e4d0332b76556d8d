"""Node: uncaught exceptions (CommonJS and ESM module-not-found, syntax, runtime), TypeScript, npm, yarn,
pnpm, npx, jest, mocha, node:test."""

from __future__ import annotations

from heal import rx
from heal.diagnose.model import Context, Finding, Rule
from heal.diagnose.rules._base import closest, finding, is_library_path
from heal.diagnose.rules.network import network_facts
from heal.lazyre import lazy

ECOSYSTEM = "node"
GUARDS = ("node.js v", "node:internal", "    at ", "error", "rejection", "error ts", "test suites:", " failing",
          "not ok ", "✖", "not found", "not recognized")

_EXC = lazy(r"^(?P<exc>(?:[A-Z][\w$]*)?(?:Error|Exception|Rejection)[\w$]*)(?: \[(?P<code>[A-Z_0-9]+)\])?: "
            r"(?P<msg>.*)$", rx.M)
_HEADER = lazy(r"^(?P<file>(?:/|file://|[A-Za-z]:\\|\.{0,2}/?[\w@.-]+/)?[^\s:()]*\.[cm]?[jt]sx?):(?P<line>\d+)$",
               rx.M)
_AT = lazy(r"^\s+at (?:.*? \()?(?P<file>(?:file://)?[^\s()]+?\.[cm]?[jt]sx?):(?P<line>\d+):(?P<column>\d+)\)?$",
           rx.M)
_CODE = lazy(r"^\s+code: '(?P<code>[A-Z_0-9]+)'", rx.M)
# node 20: "SyntaxError: /p/c.json: Unexpected token } in JSON at position 8", "Error parsing /p/package.json: ..."
_JSON_FILE = lazy(r"^(?:Error parsing )?(?P<file>\S+\.json): (?P<msg>.*)$")
_REQUIRE_STACK = lazy(r"^Require stack:\n- (?P<file>\S+)", rx.M)
_ENV = lazy(r"\b(?P<env_var>[A-Z][A-Z0-9_]{2,})\b[^\n]*?\b(?:environment variable|env var|is not set|is missing|"
            r"is required|must be set|not defined in (?:the )?env)|(?:environment variable|env var)s?:? "
            r"\"?'?(?P<env_var2>[A-Z][A-Z0-9_]{2,})")
_TEST_TOOLS = {"jest", "mocha", "vitest", "ava", "tap", "jasmine", "karma"}
_NETWORK_CODES = {"ECONNREFUSED", "ENOTFOUND", "ETIMEDOUT", "ECONNRESET", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH",
                  "EADDRINUSE", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_SOCKET", "CERT_HAS_EXPIRED",
                  "DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_VERIFY_LEAF_SIGNATURE"}


def _is_node(ctx: Context) -> bool:
    return (ctx.has("node.js v") or ctx.has("node:internal") or ctx.tool in ("node", "npm", "yarn", "pnpm",
            "npx", "bun", "ts-node", "tsx", "nodemon") or ctx.has("    at "))


def _uncaught(ctx: Context) -> Finding | None:
    """The uncaught exception node printed before exiting (the last one: node exits on the first)."""
    if not _is_node(ctx) or not ctx.has("error") and not ctx.has("rejection"):
        return None
    text = ctx.text
    chosen = None
    for m in _EXC.finditer(text):
        after = text[m.end():m.end() + 400]
        before = text[max(0, m.start() - 300):m.start()]
        if "\n    at " in after[:200] or rx.search(r"\^\s*\n\s*$", before) or "Node.js v" in after:
            chosen = m
    if chosen is None:
        return None
    exc, code, msg = chosen.group("exc"), chosen.group("code") or "", chosen.group("msg").strip()
    region = text[chosen.end():chosen.end() + 4000]
    code_m = _CODE.search(region)
    if code_m and not code:
        code = code_m.group("code")
    facts: dict = {"tool": "node", "exception": exc}
    if code:
        facts["error_code"] = code
    header = None
    for header in _HEADER.finditer(text, 0, chosen.start()):
        pass
    if header is not None and not header.group("file").startswith("node:"):
        facts["file"], facts["line"] = header.group("file"), header.group("line")
    else:
        for at in _AT.finditer(region):
            if not is_library_path(at.group("file")) and not at.group("file").startswith("node:"):
                facts["file"], facts["line"] = at.group("file"), at.group("line")
                break
    category, severity, summary = "runtime", "high", f"{exc}: {msg}"
    missing = rx.match(r"Cannot find (?:module|package) '(?P<module>[^']+)'(?: imported from (?P<importer>\S+))?", msg)
    if missing:
        module = missing.group("module")
        category, summary = "dependency", f"Node module '{module}' is not installed"
        facts["module"] = module
        facts.setdefault("error_code", "MODULE_NOT_FOUND")
        stack = _REQUIRE_STACK.search(region)
        importer = missing.group("importer") or (stack.group("file") if stack else None)
        if importer:
            facts["file"] = importer
            facts.pop("line", None)
        if module.startswith((".", "/")):
            summary = f"local file '{module}' does not exist"
    elif exc == "SyntaxError":
        category, summary = "syntax", f"JavaScript syntax error: {msg}"
        data = _JSON_FILE.match(msg)
        if data:
            # require() of a JSON file, or the package.json node read to resolve a module: the JSON is broken
            summary = f"invalid JSON in {data.group('file')}: {data.group('msg')}"
            facts.update(file=data.group("file"), format="JSON")
            facts.pop("line", None)
            at = rx.search(r"at position (?P<position>\d+)(?: \(line (?P<line>\d+) column (?P<column>\d+)\))?", msg)
            if at:
                facts.update({k: v for k, v in at.groupdict().items() if v})
    elif code in _NETWORK_CODES or any(c in msg for c in _NETWORK_CODES):
        category, severity = "network", "medium"
        facts.update({k: v for k, v in network_facts(text[chosen.start():chosen.end() + 4000]).items()
                      if k not in facts})
        summary = f"network error: {msg}"
    elif exc.startswith("AssertionError") and (_test_context(ctx) or "test" in str(facts.get("file", ""))) or \
            rx.search(r"node_modules/(?:mocha|jest-\w+|tape|jasmine\w*|ava|vitest|@jest)/", region[:3000]):
        category, severity, summary = "test", "medium", f"test failed: {exc}: {msg}"
    else:
        env = _ENV.search(msg)
        if env:
            var = env.group("env_var") or env.group("env_var2")
            category, summary = "configuration", f"environment variable {var} is not set"
            facts["env_var"] = var
        elif exc == "UnhandledPromiseRejection" or "unhandled" in msg.lower() and "reject" in msg.lower():
            facts.setdefault("error_code", "ERR_UNHANDLED_REJECTION")
            summary = "unhandled promise rejection"
    if ctx.tool in ("npm", "yarn", "pnpm", "bun"):
        facts["tool"] = ctx.tool
        script = _script_name(ctx)
        if script:
            facts["script"] = script
    return finding(ctx, f"node.{exc}", category, severity, summary, facts, chosen.start(), chosen.end(), priority=78)


def _test_context(ctx: Context) -> bool:
    return ctx.tool in _TEST_TOOLS or _script_name(ctx).startswith("test") or "--test" in ctx.argv


def _script_name(ctx: Context) -> str:
    args = [a for a in ctx.argv[1:] if not a.startswith("-")]
    if not args:
        return ""
    if args[0] in ("run", "run-script", "rum", "urn") and len(args) > 1:
        return args[1]
    if args[0] in ("test", "t", "tst", "start", "stop", "restart"):
        return "test" if args[0] in ("t", "tst") else args[0]
    return ""


# --- package managers -----------------------------------------------------------------------------

_NPM_CODE = lazy(r"^npm (?:ERR!|error) code (?P<error_code>E[A-Z0-9]+)\s*$", rx.M)
_NPM_CATEGORIES = {
    "E404": ("dependency", "package not found on the registry"),
    "ETARGET": ("dependency", "no version of the package matches the requested range"),
    "ERESOLVE": ("dependency", "dependency tree cannot be resolved (peer dependency conflict)"),
    "EBADENGINE": ("dependency", "the package requires a different Node.js or npm version"),
    "ENOTSUP": ("dependency", "the package does not support this platform or Node.js version"),
    "EBADPLATFORM": ("dependency", "the package does not support this platform"),
    "EACCES": ("permission", "permission denied"),
    "EPERM": ("permission", "operation not permitted"),
    "E401": ("permission", "not authenticated with the registry"),
    "E403": ("permission", "forbidden by the registry"),
    "EJSONPARSE": ("syntax", "package.json is not valid JSON"),
    "EUSAGE": ("configuration", "wrong usage of the npm command"),
    "ENOENT": ("configuration", "a file npm needs does not exist"),
    "ENOTFOUND": ("network", "the registry host could not be resolved"),
    "ECONNREFUSED": ("network", "connection to the registry refused"),
    "ETIMEDOUT": ("network", "the registry did not answer in time"),
    "ECONNRESET": ("network", "the connection to the registry was reset"),
    "EAI_AGAIN": ("network", "temporary DNS failure looking up the registry"),
    "EINTEGRITY": ("network", "downloaded package failed its integrity check"),
    "E500": ("network", "the registry failed (HTTP 500)"),
    "E502": ("network", "the registry failed (HTTP 502)"),
    "E503": ("network", "the registry is unavailable (HTTP 503)"),
    "E429": ("network", "rate limited by the registry (HTTP 429)"),
    "ELIFECYCLE": ("unknown", "a package script failed"),
    "ENOSPC": ("runtime", "disk full"),
}


def _npm_code(ctx: Context, m: rx.Match[str], facts: dict) -> dict | None:
    code = facts["error_code"]
    category, summary = _NPM_CATEGORIES.get(code, ("unknown", f"npm failed with {code}"))
    if code in ("ELIFECYCLE",):
        return None  # the script's own output says what failed
    facts.update(category=category, summary=f"npm: {summary}")
    region = ctx.text[m.start():m.start() + 6000]
    package = None
    if code == "E404":
        p = rx.search(r"404 Not Found - GET \S+/(?P<pkg>(?:@[^/\s]+%2[fF]|@[^/\s]+/)?[^/\s]+)\s*(?:- Not found)?$|"
                      r"'(?P<pkg2>(?:@[^/\s@]+/)?[^@'\s]+)@[^']*' (?:is not in this registry|could not be found)",
                      region, rx.M)
        if p:
            package = (p.group("pkg") or p.group("pkg2")).replace("%2f", "/").replace("%2F", "/")
    elif code == "ETARGET":
        p = rx.search(r"No matching version found for (?P<pkg>(?:@[^/\s@]+/)?[^@\s]+)@", region)
        package = p.group("pkg") if p else None
    elif code == "ERESOLVE":
        p = rx.search(r"Could not resolve dependency:\n(?:npm (?:ERR!|error) )?(?:peer |dev |optional )?"
                      r"(?:(?:@[^/\s@]+/)?[^@\s]+)@\S+ from (?P<pkg>(?:@[^/\s@]+/)?[^@\s]+)@", region)
        package = p.group("pkg") if p else None
        if package:
            facts["summary"] = f"npm: {package} needs a peer dependency version the project does not have"
    elif code == "EJSONPARSE":
        p = rx.search(r"(?:path|file) (?P<file>\S*package\.json)|Invalid (?P<file2>package\.json)", region)
        facts["file"] = (p.group("file") or p.group("file2")) if p else "package.json"
        # npm gives a character offset (node >= 20 also a line and column); turning an offset into a line
        # needs the file, which is the fix step's business
        pos = rx.search(r"at position (?P<position>\d+)", region)
        if pos:
            facts["position"] = pos.group("position")
        lc = rx.search(r"\(line (?P<line>\d+) column (?P<column>\d+)\)", region)
        if lc:
            facts.update(line=lc.group("line"), column=lc.group("column"))
    elif code in ("ENOTFOUND", "ECONNREFUSED", "ETIMEDOUT", "ECONNRESET", "EAI_AGAIN"):
        facts.update({k: v for k, v in network_facts(region).items() if k != "error_code"})
        h = rx.search(r"request to https?://(?P<host>[\w.-]+)", region)
        if h:
            facts["host"] = h.group("host")
    elif code in ("EACCES", "EPERM"):
        p = rx.search(r"^npm (?:ERR!|error) path (?P<path>\S+)", region, rx.M)
        if p:
            facts["path"] = p.group("path")
            facts["summary"] = f"npm: permission denied on {p.group('path')}"
    elif code == "EUSAGE" and "can only install with an existing package-lock.json" in region:
        facts["summary"] = "npm ci needs a package-lock.json: there is none (run npm install once)"
    if package:
        facts["package"] = package
    return facts


def _tsc(ctx: Context) -> Finding | None:
    if not ctx.has("error ts"):
        return None
    errors = list(_TS.finditer(ctx.text))
    if not errors:
        return None
    pick = next((e for e in errors if e.group("code") in ("TS2307", "TS2792", "TS2688", "TS7016")), None)
    if pick is not None:
        category = "dependency"
    else:
        pick = next((e for e in errors if rx.match(r"TS1\d{3}$", e.group("code"))), None)
        category = "syntax" if pick is not None else "build"
        pick = pick or errors[0]
    facts: dict = {"tool": "tsc", "error_code": pick.group("code"), "file": pick.group("file"),
                   "line": pick.group("line") or pick.group("line2"), "column": pick.group("column") or pick.group("col2")}
    module = rx.search(r"Cannot find (?:module|type definition file for) '([^']+)'", pick.group("msg"))
    if module:
        facts["module"] = module.group(1)
    n = len(errors)
    summary = f"TypeScript {pick.group('code')}: {pick.group('msg')}" + (f" (and {n - 1} more)" if n > 1 else "")
    return finding(ctx, f"tsc.{pick.group('code')}", category, "high", summary, facts, pick.start(), pick.end(),
                   priority=82)


_TS = lazy(r"^(?P<file>[^\s(:][^\s(:]*?)(?:\((?P<line>\d+),(?P<column>\d+)\):|:(?P<line2>\d+):(?P<col2>\d+) -) "
           r"error (?P<code>TS\d+): (?P<msg>.*)$", rx.M)


# --- test runners ---------------------------------------------------------------------------------

_JEST_FAIL = lazy(r"^  ● (?P<name>(?!Test suite failed to run).+?)\s*$", rx.M)
_JEST_SUITE = lazy(r"^  ● Test suite failed to run\s*\n(?:\s*\n)*\s+(?P<msg>.+)$", rx.M)
_MOCHA_FAILING = lazy(r"^\s+(?P<n>\d+) failing", rx.M)
_MOCHA_TEST = lazy(r"^  (?P<num>\d+)\) (?P<first>.+?)(?::)?\n(?P<rest>(?:\s{5,}.+:?\n)*)", rx.M)
_TAP_NOT_OK = lazy(r"^not ok \d+ - (?P<name>.+?)(?:\s+#.*)?$", rx.M)
_SPEC_FAIL = lazy(r"^\s*✖ (?P<name>.+?) \([\d.]+m?s\)$", rx.M)


def _test_location(ctx: Context, start: int) -> dict:
    for at in _AT.finditer(ctx.text, start):
        if not is_library_path(at.group("file")) and not at.group("file").startswith("node:"):
            return {"file": at.group("file"), "line": at.group("line")}
    return {}


def _jest(ctx: Context) -> Finding | None:
    if not ctx.has("test suites:") and ctx.tool not in ("jest", "vitest"):
        return None
    suite = _JEST_SUITE.search(ctx.text)
    if suite:
        msg = suite.group("msg").strip()
        missing = rx.match(r"Cannot find module '(?P<module>[^']+)' from '(?P<file>[^']+)'", msg)
        if missing:
            return finding(ctx, "jest.module_not_found", "dependency", "high",
                           f"test suite cannot load module '{missing.group('module')}'",
                           {"tool": "jest", "module": missing.group("module"), "file": missing.group("file")},
                           suite.start(), suite.end(), priority=86)
        if "SyntaxError" in msg or "Unexpected token" in msg:
            return finding(ctx, "jest.syntax", "syntax", "high", f"test suite failed to run: {msg}",
                           {"tool": "jest"}, suite.start(), suite.end(), priority=86)
    names = [n.strip() for n in _JEST_FAIL.findall(ctx.text)]
    if not names:
        return None
    first = _JEST_FAIL.search(ctx.text)
    assert first is not None
    facts = {"tool": "jest", "tests": list(dict.fromkeys(names)), **_test_location(ctx, first.end())}
    return finding(ctx, "jest.failed", "test", "medium", f"{len(facts['tests'])} test(s) failed: {names[0]}", facts,
                   first.start(), first.end(), priority=87)


def _mocha(ctx: Context) -> Finding | None:
    failing = _MOCHA_FAILING.search(ctx.text) if ctx.has(" failing") else None
    if failing is None:
        return None
    tests = []
    first = None
    for m in _MOCHA_TEST.finditer(ctx.text, failing.end()):
        # the title runs over indented lines until the one ending in ':'; the error message follows
        parts = [m.group("first").strip()]
        if not parts[0].endswith(":"):
            for part in m.group("rest").split("\n"):
                parts.append(part.strip())
                if part.rstrip().endswith(":"):
                    break
        tests.append(" ".join(p.rstrip(":") for p in parts if p))
        first = first or m
    if not tests:
        return None
    facts = {"tool": "mocha", "tests": tests, **_test_location(ctx, first.end() if first else failing.end())}
    return finding(ctx, "mocha.failed", "test", "medium", f"{len(tests)} test(s) failed: {tests[0]}", facts,
                   failing.start(), failing.end(), priority=87)


def _node_test(ctx: Context) -> Finding | None:
    if not ctx.has("not ok ") and not ctx.has("✖"):
        return None
    names = _TAP_NOT_OK.findall(ctx.text) or _SPEC_FAIL.findall(ctx.text)
    if not names or not ("# fail" in ctx.text or "ℹ fail" in ctx.text or "--test" in ctx.argv):
        return None
    names = [n for n in names if not n.startswith(("tests ", "test at "))] or names
    m = _TAP_NOT_OK.search(ctx.text) or _SPEC_FAIL.search(ctx.text)
    assert m is not None
    loc = rx.search(r"location: '(?P<file>[^':]+):(?P<line>\d+):\d+'", ctx.text[m.end():m.end() + 800])
    facts: dict = {"tool": "node", "tests": list(dict.fromkeys(names))}
    if ctx.tool in ("npm", "yarn", "pnpm"):
        facts["tool"] = ctx.tool
    if loc:
        facts.update(file=loc.group("file"), line=loc.group("line"))
    return finding(ctx, "node_test.failed", "test", "medium", f"{len(facts['tests'])} test(s) failed: {names[0]}",
                   facts, m.start(), m.end(), priority=87)


# --- a program missing inside a package script ------------------------------------------------------

# npm and pnpm echo each script before running it: "> pkg@1.0.0 lint" then "> eslint ."; yarn 1: "$ eslint ."
_SCRIPT_HEADER = lazy(r"^> (?:\S+@\S+ )?(?P<script>[\w:.@/-]+)(?: \S+)?\n> (?P<line>.+)$|^\$ (?P<line2>.+)$", rx.M)
_SCRIPT_NOT_FOUND = lazy(r"^(?:sh: \d+: |/bin/sh: (?:line )?\d+: |bash: (?:line \d+: )?)?(?P<command>[^\s:'\"`/]+): "
                               r"(?:not found|command not found)\s*$|^'(?P<command2>[^']+)' is not recognized as an "
                               r"internal or external command", rx.M)


def _script_command(ctx: Context) -> Finding | None:
    """`sh: 1: eslint: not found` under `npm test`: the program of a package script is not installed
    (node_modules/.bin is empty before `npm install`), not a system tool to find on PATH."""
    if ctx.tool not in ("npm", "yarn", "pnpm", "bun") or not (ctx.has("not found") or ctx.has("not recognized")):
        return None
    missing = None
    for missing in _SCRIPT_NOT_FOUND.finditer(ctx.text):
        pass
    if missing is None:
        return None
    command = missing.group("command") or missing.group("command2")
    header = None
    for header in _SCRIPT_HEADER.finditer(ctx.text, 0, missing.start()):
        pass
    facts: dict = {"tool": ctx.tool, "command": command, "in_script": True}
    if header is not None:
        if header.group("script"):
            facts["script"] = header.group("script")
        facts["script_command"] = (header.group("line") or header.group("line2") or "").strip()
    if "script" not in facts:
        script = _script_name(ctx)
        if script:
            facts["script"] = script
    where = f"the {facts['script']} script" if facts.get("script") else "a package script"
    return finding(ctx, "node.script_command_not_found", "dependency", "high",
                   f"{command}, which {where} runs, is not installed (node_modules/.bin)", facts, missing.start(),
                   missing.end(), priority=82, evidence=tuple(x for x in (
                       header.group(0).strip() if header is not None else "", missing.group(0).strip()) if x))


def _npm_suggestion(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    """npm's "Did you mean this?" lines: a package script (`npm run lint # run the "lint" package
    script`) is the suggestion; an npm command it offers instead (`npm set`) is only suggested_command."""
    region = ctx.text[m.end():m.end() + 1500]
    offered = rx.findall(r"^(?:npm (?:ERR!|error))?\s+npm (run )?([\w:.-]+)(?: #.*)?$", region, rx.M)
    scripts = [name for run, name in offered if run]
    if scripts:
        facts["suggestions"] = scripts
        facts["suggestion"] = closest(str(facts.get("script", "")), scripts) or scripts[0]
    elif offered:
        facts["suggested_command"] = f"npm {offered[0][1]}"
    return facts


RULES = (
    Rule("npm.code", "unknown", "high", _NPM_CODE.pattern, "npm failed", ("npm err! code", "npm error code"),
         priority=80, facts={"tool": "npm"}, refine=_npm_code),
    Rule("npm.missing_script", "syntax", "medium",
         r"^npm (?:ERR!|error) [Mm]issing script: \"?(?P<script>[^\"\s]+)\"?", "npm has no script named '{script}'",
         ("missing script",), priority=86, facts={"tool": "npm"}, refine=_npm_suggestion),
    Rule("npx.missing_package", "dependency", "high",
         r"npx canceled due to missing packages and no YES option: \[\"(?P<package>(?:@[^/\"@]+/)?[^\"@]+)",
         "npx would have to download {package}, which is not installed", ("npx canceled",), priority=86,
         facts={"tool": "npx"}),
    Rule("npx.tsc_not_typescript", "dependency", "high", r"This is not the tsc command you are looking for",
         "typescript is not installed in this project (the `tsc` package on npm is something else)",
         ("not the tsc command",), priority=88, facts={"tool": "tsc", "package": "typescript"}),
    Rule("yarn.missing_script", "syntax", "medium",
         r"^error Command \"(?P<script>[^\"]+)\" not found\.|^Usage Error: Couldn't find a script named "
         r"\"(?P<script2>[^\"]+)\"", "yarn has no script or command '{script}'",
         ('error command "', "couldn't find a script named"), priority=86, facts={"tool": "yarn"},
         refine=lambda ctx, m, f: {**f, "script": f.get("script") or f.pop("script2", "")}),
    Rule("yarn.package_not_found", "dependency", "high",
         r"^error (?:Couldn't find package \"(?P<package>[^\"]+)\"|An unexpected error occurred: \"https?://\S+/"
         r"(?P<package2>[^/\s\"]+): Not found)", "package {package} not found on the registry",
         ("couldn't find package", ": not found"), priority=84, facts={"tool": "yarn"},
         refine=lambda ctx, m, f: {**f, "package": f.get("package") or f.pop("package2", "")}),
    Rule("pnpm.no_script", "syntax", "medium",
         r"(?P<error_code>ERR_PNPM_NO_SCRIPT)\b(?:.*\n){0,3}?.*Missing script: (?P<script>\S+)",
         "pnpm has no script named '{script}'", ("err_pnpm_no_script",), priority=86, facts={"tool": "pnpm"}),
    Rule("pnpm.unknown_command", "syntax", "medium",
         r"(?P<error_code>ERR_PNPM_RECURSIVE_EXEC_FIRST_FAIL)\b(?:.*\n){0,3}?.*Command \"(?P<command>[^\"]+)\" not found",
         "pnpm has no command or script '{command}'", ("err_pnpm_recursive_exec_first_fail",), priority=86,
         facts={"tool": "pnpm"}),
    Rule("pnpm.package_not_found", "dependency", "high",
         r"(?P<error_code>ERR_PNPM_(?:FETCH_404|PACKAGE_MANAGER_ADD_RESOLVE_LATEST|NO_MATCHING_VERSION))\b"
         r"(?:.*\n){0,6}?.*?(?:Failed to resolve (?:the latest version of )?|No matching version found for |GET \S+/)"
         r"(?P<package>(?:@[\w.-]+/)?[\w.-]+)", "package {package} not found on the registry",
         ("err_pnpm_fetch_404", "err_pnpm_package_manager_add", "err_pnpm_no_matching_version"), priority=86,
         facts={"tool": "pnpm"}),
    Rule("pnpm.error", "unknown", "medium", r"(?P<error_code>ERR_PNPM_[A-Z_]+)\b.*$", "pnpm failed: {error_code}",
         ("err_pnpm_",), priority=40, facts={"tool": "pnpm"}),
)
FUNCTIONS = (_uncaught, _tsc, _jest, _mocha, _node_test, _script_command)
