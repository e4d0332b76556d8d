"""Rust: rustc errors with codes (the first error decides), parse errors, cargo, tests, panics."""

from __future__ import annotations

from heal import rx
from heal.diagnose.model import Context, Finding, Rule
from heal.diagnose.rules._base import finding, tests_failed
from heal.diagnose.rules.network import network_facts
from heal.lazyre import lazy

ECOSYSTEM = "rust"
GUARDS = ("test result: failed", "panicked at", " stdout ----")

_ARROW = r"\n\s*--> (?P<file>(?:[A-Za-z]:)?[^:\s]+):(?P<line>\d+):(?P<column>\d+)"
_CRATE = lazy(r"(?:unresolved import|undeclared crate or module|cannot find module or crate|"
              r"failed to resolve: use of undeclared (?:crate|module)|can't find crate for) `(?P<module>[\w]+)")
_SYNTAX = lazy(r"^(?:expected |unexpected |mismatched closing delimiter|unclosed delimiter|"
               r"unterminated |this file contains an unclosed delimiter|unknown start of token|"
               r"found invalid character|missing `|unclosed inline table|invalid |duplicate key|"
               r"expected an equals)")


def _rustc(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    msg = facts.pop("msg", "")
    code = facts.get("error_code")
    facts["tool"] = "cargo" if ctx.tool == "cargo" else (ctx.tool or "rustc")
    crate = _CRATE.search(msg) or _CRATE.search(ctx.text[m.start():m.start() + 1500])
    if code in ("E0432", "E0433", "E0463") and crate and "cargo add" in ctx.text[m.start():m.start() + 2000]:
        facts.update(category="dependency", module=crate.group("module"),
                     summary=f"crate '{crate.group('module')}' is not a dependency of this package")
    elif code in ("E0463",):
        facts.update(category="dependency", summary=f"crate not found: {msg}")
    elif not code and str(facts.get("file", "")).endswith(".toml"):
        facts.update(category="syntax", summary=f"{facts['file']} is not valid TOML: {msg}")
    elif not code and _SYNTAX.match(msg):
        facts.update(category="syntax", summary=f"Rust syntax error: {msg}")
    else:
        facts["summary"] = f"Rust {code + ' ' if code else ''}error: {msg}"
    return facts


def _dependency(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    region = ctx.text[m.start():m.start() + 3000]
    if rx.search(r"spurious network error|failed to download|Could not resolve host|failed to resolve|"
                 r"Couldn't resolve host|failed to query replaced source|network failure|timed out|"
                 r"Connection refused", region, rx.I) and "no matching package" not in region:
        net = network_facts(region)
        facts.update({k: v for k, v in net.items() if k in ("host", "port", "url")})
        facts.update(category="network", severity="medium",
                     summary=f"cargo could not download {facts.get('package', 'a dependency')}: the registry is "
                     "unreachable")
    return facts


_TEST_FAILED = lazy(r"^test (?P<test>\S+) \.\.\. FAILED$", rx.M)
_PANIC = lazy(r"thread '(?P<thread>[^']+)'(?: \(\d+\))? panicked at (?:'(?P<old>.*)', )?"
              r"(?P<file>[^\s:]+):(?P<line>\d+):(?P<column>\d+):?\n?(?P<msg>.*)$", rx.M)


def _cargo_test(ctx: Context) -> Finding | None:
    if not ctx.has("test result: failed"):
        return None
    if "test result: FAILED" not in ctx.text:
        return None
    return tests_failed(ctx, "cargo.test_failed", "cargo", _TEST_FAILED, _PANIC.search(ctx.text))


def _panic(ctx: Context) -> Finding | None:
    if not ctx.has("panicked at"):
        return None
    m = _PANIC.search(ctx.text)
    if m is None or _TEST_FAILED.search(ctx.text):
        return None
    msg = (m.group("old") or m.group("msg") or "").strip()
    facts = {"tool": "cargo" if ctx.tool == "cargo" else "rust", "file": m.group("file"), "line": m.group("line")}
    # cargo test prints each failing test's output under "---- name stdout ----"; a panic there, or in
    # tests/, is a failing test, not a crash
    in_test = ctx.has(" stdout ----") or rx.match(r"(?:.*/)?tests?/", m.group("file")) is not None
    if in_test:
        return finding(ctx, "rust.test_panic", "test", "medium", f"a test panicked: {msg}", facts, m.start(),
                       m.end(), priority=84)
    return finding(ctx, "rust.panic", "runtime", "high", f"panic: {msg}", facts, m.start(), m.end(), priority=80)


RULES = (
    Rule("rustc.error", "build", "high",
         r"^error(?:\[(?P<error_code>E\d{4})\])?: (?P<msg>.*)" + _ARROW, "Rust error",
         ("-->",), priority=80, first=True, refine=_rustc),
    Rule("rustc.old_error", "build", "high",
         r"^\s*(?P<file>\S+\.rs):(?P<line>\d+):(?P<column>\d+): \d+:\d+ error: (?P<msg>.*)$",
         "Rust error: {msg}", (".rs:",), priority=78, first=True, facts={"tool": "cargo"}),
    Rule("cargo.no_such_command", "syntax", "medium",
         r"^error: no such (?:sub)?command:?(?: `?(?P<command>[^`\s]+)`?)?(?:\n(?:\n|.)*?(?:Did you mean|a command with "
         r"a similar name exists:) `(?P<suggestion>[^`]+)`)?", "cargo has no such command",
         ("no such command", "no such subcommand"), priority=86, facts={"tool": "cargo"}),
    Rule("cargo.no_manifest", "configuration", "high",
         r"^error: could not find `Cargo\.toml` in .*$", "no Cargo.toml here or in any parent directory",
         ("could not find `cargo.toml`",), priority=86, facts={"tool": "cargo", "file": "Cargo.toml"}),
    Rule("cargo.no_matching_package", "dependency", "high",
         r"^error: no matching package (?:named|found)[^`]*`(?P<package>[^`]+)`.*$",
         "no crate named {package} in the registry", ("no matching package",), priority=86,
         facts={"tool": "cargo"}),
    Rule("cargo.failed_dependency", "dependency", "high",
         r"^error: failed to (?:get|select a version for|load source for|download) `(?P<package>[^`]+)`.*$",
         "cargo cannot get dependency {package}", ("error: failed to",), priority=84, facts={"tool": "cargo"},
         refine=_dependency),
    Rule("cargo.manifest_parse", "syntax", "high",
         r"^error: failed to parse manifest at `(?P<file>[^`]+)`", "Cargo.toml is not valid",
         ("failed to parse manifest",), priority=85, facts={"tool": "cargo"}),
)
FUNCTIONS = (_cargo_test, _panic)
