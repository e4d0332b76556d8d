"""Process level: killed by a signal, timed out or hung, disk full, out of file descriptors, and
commands whose non-zero exit is an answer rather than a failure."""

from __future__ import annotations

from heal import rx
from heal.diagnose.model import Context, Finding, Rule
from heal.lazyre import lazy

ECOSYSTEM = "process"

# Their exit status 1 means "no" (no match, files differ, condition false): never something to fix.
ANSWER_COMMANDS = {"grep", "egrep", "fgrep", "zgrep", "rg", "ag", "git-grep", "diff", "cmp", "test", "[", "[[",
                   "false", "expr", "comm", "pgrep", "pidof", "which", "command", "type"}

_SIGNALS = {
    "SIGINT": ("unknown", "info", "interrupted (Ctrl-C)"),
    "SIGTERM": ("runtime", "medium", "terminated by SIGTERM"),
    "SIGKILL": ("runtime", "high", "killed by SIGKILL (often the out-of-memory killer, or a timeout's hard kill)"),
    "SIGSEGV": ("runtime", "critical", "segmentation fault (SIGSEGV): invalid memory access"),
    "SIGABRT": ("runtime", "high", "aborted (SIGABRT): a failed assertion or fatal error"),
    "SIGBUS": ("runtime", "critical", "bus error (SIGBUS)"),
    "SIGFPE": ("runtime", "high", "arithmetic error (SIGFPE), e.g. integer division by zero"),
    "SIGILL": ("runtime", "critical", "illegal instruction (SIGILL)"),
    "SIGHUP": ("runtime", "medium", "hung up (SIGHUP): the terminal or session went away"),
    "SIGQUIT": ("unknown", "info", "quit (SIGQUIT)"),
    "SIGPIPE": ("unknown", "info", "its reader went away (SIGPIPE)"),
    "SIGXCPU": ("runtime", "high", "CPU time limit exceeded (SIGXCPU)"),
    "SIGXFSZ": ("runtime", "high", "file size limit exceeded (SIGXFSZ)"),
}
_ASSERT = lazy(r"(?P<file>[\w./-]+\.\w+):(?P<line>\d+): [^\n]*Assertion [^\n]* failed\.")
_OOM = lazy(r"\b(Out of memory|oom-kill|OOMKilled|Cannot allocate memory|out of memory)\b", rx.I)


def _answer(ctx: Context) -> Finding | None:
    if ctx.exit_code != 1 or ctx.tool not in ANSWER_COMMANDS:
        return None
    what = {"grep": "no line matched", "rg": "no line matched", "diff": "the inputs differ", "cmp": "the files differ",
            "test": "the condition is false", "[": "the condition is false"}.get(ctx.tool, "its answer is no")
    return Finding("process.answer", "unknown", "info", f"{ctx.tool} exited 1: {what} (an answer, not a failure)",
                   {"tool": ctx.tool}, (), 100.0)


def _signal_name(ctx: Context) -> str | None:
    number = ctx.signal
    if number is None and ctx.exit_code is not None and 128 < ctx.exit_code < 128 + 65:
        number = ctx.exit_code - 128
    if number is None:
        return None
    import signal  # only for a run that died of one: `heal diagnose` of a log never needs the module

    try:
        return signal.Signals(number).name
    except ValueError:
        return None


def _killed(ctx: Context) -> Finding | None:
    if ctx.timed_out or ctx.hung:
        what = "hung: no output for too long" if ctx.hung else "timed out"
        return Finding("process.timeout", "runtime", "medium", f"the command {what} and was killed",
                       {"timed_out": True, **({"hung": True} if ctx.hung else {})}, (), 95.0)
    if ctx.exit_code == 124 and ctx.tool == "timeout":
        return Finding("process.timeout", "runtime", "medium", "timed out (timeout killed the command)",
                       {"timed_out": True}, (), 95.0)
    name = _signal_name(ctx)
    if name is None or name not in _SIGNALS:
        return None
    category, severity, summary = _SIGNALS[name]
    facts: dict = {"signal": name}
    evidence: tuple[str, ...] = ()
    if name == "SIGKILL" and _OOM.search(ctx.text):
        summary = "killed for running out of memory"
        severity = "critical"
    a = _ASSERT.search(ctx.text)
    if name == "SIGABRT" and a:
        facts.update(file=a.group("file"), line=a.group("line"))
        evidence = (a.group(0),)
    # Certain when the signal came from heal's own runner; a status of 128+N from a shell is a strong hint.
    return Finding(f"process.{name}", category, severity, summary, facts, evidence,
                   90.0 if ctx.signal is not None else 86.0)


_SCRIPT = lazy(r"^(?P<file>[\w./-]+\.(?:sh|bash|zsh|py|rb|pl))(?::| line)? ?(?:line )?(?P<line>\d+)?:")


def _script_location(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    s = _SCRIPT.match(m.group(0))
    if s:
        facts["file"] = s.group("file")
        if s.group("line"):
            facts["line"] = s.group("line")
    return facts


RULES = (
    Rule("process.disk_full", "runtime", "critical", r"^.*No space left on device.*$",
         "disk full: no space left on device", ("no space left on device",), priority=60,
         refine=_script_location),
    Rule("process.too_many_open_files", "runtime", "high", r"^.*Too many open files.*$",
         "too many open files (file descriptor limit reached)", ("too many open files",), priority=60,
         refine=_script_location),
    Rule("process.oom", "runtime", "critical",
         r"^.*(?:Out of memory: Killed process|JavaScript heap out of memory|java\.lang\.OutOfMemoryError|"
         r"fatal error: runtime: out of memory|memory allocation of \d+ bytes failed|std::bad_alloc).*$",
         "out of memory", ("out of memory", "outofmemoryerror", "memory allocation of", "bad_alloc"), priority=75),
    Rule("process.segfault_message", "runtime", "critical", r"^.*\b(?:Segmentation fault|SIGSEGV)\b.*$",
         "segmentation fault (SIGSEGV): invalid memory access", ("segmentation fault", "sigsegv"), priority=55,
         facts={"signal": "SIGSEGV"}),
)
FUNCTIONS = (_answer, _killed)
