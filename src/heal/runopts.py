"""The options of `heal [OPTIONS] -- CMD`, parsed by hand so running a command never imports typer.

OPTIONS is the single table: the parser reads it, and `heal --help` prints it.
"""

from __future__ import annotations


from heal.errors import UsageError  # noqa: F401 - re-exported: parsers raise it from here


class RunOptions:
    """The parsed run options. A plain slotted class, not a dataclass: importing dataclasses costs more
    than the rest of the `heal -- CMD` fast path."""

    __slots__ = ("yes", "dry_run", "max_attempts", "timeout", "idle_timeout", "pty", "report", "quiet")

    def __init__(self, yes: bool = False, dry_run: bool = False, max_attempts: int | None = None,
                 timeout: float | None = None, idle_timeout: float | None = None, pty: str | None = None,
                 report: str | None = None, quiet: bool = False) -> None:
        self.yes = yes
        self.dry_run = dry_run
        self.max_attempts = max_attempts
        self.timeout = timeout
        self.idle_timeout = idle_timeout
        self.pty = pty  # "always" | "never" | None (config decides)
        self.report = report
        self.quiet = quiet  # heal says only the diagnosis, suggestions and the outcome: no progress, no steps


class Opt:
    __slots__ = ("flags", "dest", "kind", "help", "const", "metavar")

    def __init__(self, flags: tuple[str, ...], dest: str, kind: str, help: str, const: object = None,
                 metavar: str = "") -> None:
        self.flags = flags
        self.dest = dest
        self.kind = kind  # "flag", "const", "int", "seconds", "path"
        self.help = help
        self.const = const
        self.metavar = metavar


OPTIONS: tuple[Opt, ...] = (
    Opt(("-y", "--yes"), "yes", "flag", "apply fixes without asking"),
    Opt(("-n", "--dry-run"), "dry_run", "flag", "show what would be done, change nothing"),
    Opt(("-q", "--quiet"), "quiet", "flag", "say only what failed and what happened: no progress, no steps"),
    Opt(("--max-attempts",), "max_attempts", "int", "fix-and-rerun attempts at most (default 3)", metavar="N"),
    Opt(("--timeout",), "timeout", "seconds", "kill the command after S seconds (exit 124)", metavar="S"),
    Opt(("--idle-timeout",), "idle_timeout", "seconds", "kill the command after S seconds without output (exit 124)",
        metavar="S"),
    Opt(("--pty",), "pty", "const", "always run under a pseudo-terminal", const="always"),
    Opt(("--no-pty",), "pty", "const", "never use a pseudo-terminal: plain pipes", const="never"),
    Opt(("--report",), "report", "path", "write a JSON report of the run to FILE", metavar="FILE"),
)
_BY_FLAG = {flag: opt for opt in OPTIONS for flag in opt.flags}


def parse(args: list[str]) -> RunOptions:
    """Parse the options that come before `--`."""
    opts = RunOptions()
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        opt = _BY_FLAG.get(name)
        if opt is None:
            if not arg.startswith("-"):
                raise UsageError(f"put '--' before the command: heal [OPTIONS] -- {arg} ...")
            raise UsageError(f"unknown option '{name}' (see heal --help)")
        if opt.kind in ("flag", "const"):
            if eq:
                raise UsageError(f"option '{name}' takes no value")
            setattr(opts, opt.dest, True if opt.kind == "flag" else opt.const)
            i += 1
            continue
        if eq:
            value = inline
            i += 1
        elif i + 1 < len(args):
            value = args[i + 1]
            i += 2
        else:
            raise UsageError(f"option '{name}' needs a value ({opt.metavar})")
        setattr(opts, opt.dest, _convert(name, opt, value))
    return opts


def _convert(name: str, opt: Opt, value: str) -> object:
    if opt.kind == "path":
        if not value:
            raise UsageError(f"option '{name}' needs a file name")
        return value
    try:
        number = int(value) if opt.kind == "int" else float(value)
    except ValueError:
        what = "a whole number" if opt.kind == "int" else "a number of seconds"
        raise UsageError(f"option '{name}' needs {what}, not '{value}'") from None
    if opt.kind == "int" and number < 1:
        raise UsageError(f"option '{name}' must be at least 1, not {value}")
    if opt.kind == "seconds" and not (0 <= number < float("inf")):
        raise UsageError(f"option '{name}' must be a non-negative number of seconds, not {value}")
    return number


def help_text() -> str:
    rows = []
    for opt in OPTIONS:
        left = ", ".join(opt.flags) + (f" {opt.metavar}" if opt.metavar else "")
        rows.append((left, opt.help))
    width = max(len(left) for left, _ in rows)
    return "\n".join(f"  {left.ljust(width)}  {text}" for left, text in rows)
