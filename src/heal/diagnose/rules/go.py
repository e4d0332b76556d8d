"""Go: compiler errors (the first decides), modules, go test, panics."""

from __future__ import annotations

from heal import rx
from heal.diagnose.model import Context, Finding, Rule
from heal.diagnose.rules._base import finding, tests_failed
from heal.lazyre import lazy

ECOSYSTEM = "go"
GUARDS = ("--- fail", "panic: ")

_MISSING = lazy(r"(?:no required module provides package|cannot find module providing package|"
                r"cannot find package) \"?(?P<module>[^\s\";:]+)")


def _compile(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    msg = facts.pop("msg", "")
    facts["tool"] = "go"
    missing = _MISSING.search(msg)
    if missing:
        facts.update(category="dependency", module=missing.group("module"),
                     summary=f"Go package {missing.group('module')} is not in go.mod")
        facts.pop("column", None)
    elif msg.startswith(("syntax error", "expected ", "illegal character", "string literal not terminated",
                         "rune literal not terminated", "invalid character")):
        facts.update(category="syntax", summary=f"Go syntax error: {msg}")
    else:
        facts["summary"] = f"Go compile error: {msg}"
    return facts


_FAIL = lazy(r"^\s*--- FAIL: (?P<test>\S+)", rx.M)
_TEST_LOC = lazy(r"^\s+(?P<file>[\w./-]+_test\.go):(?P<line>\d+)(?::| \+0x)", rx.M)
_PANIC = lazy(r"^panic: (?P<msg>.*?)(?: \[recovered\])?$", rx.M)
_FRAME = lazy(r"^\t(?P<file>\S+\.go):(?P<line>\d+)(?: \+0x[0-9a-f]+)?$", rx.M)


def _go_test(ctx: Context) -> Finding | None:
    if not ctx.has("--- fail"):
        return None
    return tests_failed(ctx, "go.test_failed", "go", _FAIL, _TEST_LOC.search(ctx.text))


def _go_panic(ctx: Context) -> Finding | None:
    if not ctx.has("panic: "):
        return None
    p = _PANIC.search(ctx.text)
    if p is None or "goroutine " not in ctx.text or _FAIL.search(ctx.text):
        return None
    facts: dict = {"tool": "go"}
    for frame in _FRAME.finditer(ctx.text, p.end()):
        path = frame.group("file")
        if "/go/src/" not in path and "/go-1." not in path and "/pkg/mod/" not in path and "/usr/" not in path:
            facts.update(file=path, line=frame.group("line"))
            break
    sig = rx.search(r"\[signal (SIG[A-Z]+)", ctx.text[p.end():p.end() + 300])
    if sig:
        facts["signal"] = sig.group(1)
    return finding(ctx, "go.panic", "runtime", "high", f"panic: {p.group('msg')}", facts, p.start(), p.end(),
                   priority=80)


RULES = (
    Rule("go.compile", "build", "high",
         # the compiler always gives a column; "file.go:123: ..." alone is some Go program's own log line
         r"^(?:\./)?(?P<file>[^\s:]+\.go):(?P<line>\d+):(?P<column>\d+): (?P<msg>.*)$", "Go compile error",
         (".go:",), priority=80, first=True, refine=_compile),
    Rule("go.no_go_mod", "configuration", "high",
         r"^go: (?:go\.mod file not found in current directory or any parent directory|cannot find main module).*$"
         r"|^pattern \S+: directory prefix \S+ does not contain main module.*$",
         "no go.mod: not inside a Go module", ("go.mod file not found", "cannot find main module",
                                              "does not contain main module"), priority=86,
         facts={"tool": "go"}, refine=lambda ctx, m, f: {**f, **({"file": "go.mod"} if "go.mod" in m.group(0) else {})}),
    Rule("go.mod_parse", "syntax", "high",
         r"^go: errors parsing go\.mod:\n(?P<file>\S*go\.mod):(?P<line>\d+): (?P<msg>.*)$",
         "go.mod is not valid: {msg}", ("errors parsing go.mod",), priority=86, facts={"tool": "go"}),
    Rule("go.test_build_failed", "build", "high", r"^FAIL\s+\S+ \[(?:build|setup) failed\]$",
         "the tests did not compile", ("build failed]", "setup failed]"), priority=78, facts={"tool": "go"}),
    Rule("go.unknown_command", "syntax", "medium", r"^go (?P<command>\S+): unknown command$",
         "go has no command '{command}'", ("unknown command",), priority=86, facts={"tool": "go"}),
    Rule("go.missing_module", "dependency", "high",
         r"^.*(?:no required module provides package|cannot find module providing package) (?P<module>[^\s;:]+).*$",
         "Go package {module} is not in go.mod", ("no required module provides", "cannot find module providing"),
         priority=79, facts={"tool": "go"}),
)
FUNCTIONS = (_go_test, _go_panic)
