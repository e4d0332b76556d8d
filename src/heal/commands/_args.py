"""The one hand-written argument parser the subcommands share: a table of flags and valued options, a list of
positionals, one-line UsageErrors. (typer would cost most of a subcommand's time; it stays for --help.)"""

from __future__ import annotations

from heal.errors import UsageError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: `heal diagnose` is on the failure path
if TYPE_CHECKING:
    from typing import Any


def parse(args: list[str], command: str, *, flags: dict[str, str] | None = None,
          options: dict[str, str] | None = None) -> tuple[dict[str, Any], list[str]]:
    """({name: True | value}, positionals). `flags` and `options` map every spelling (`-n`, `--dry-run`) to the
    name it is stored under; `--name=value` and `--name value` both work; `--` ends the options."""
    flags = flags or {}
    options = options or {}
    seen: dict[str, Any] = {}
    positional: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        key, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if key in flags and not eq:
            seen[flags[key]] = True
        elif key in flags:
            raise UsageError(f"heal {command}: option '{key}' takes no value")
        elif key in options:
            if eq:
                seen[options[key]] = inline
            elif i + 1 < len(args):
                i += 1
                seen[options[key]] = args[i]
            else:
                raise UsageError(f"heal {command}: option '{key}' needs a value")
        elif arg == "--":
            positional.extend(args[i + 1:])
            break
        elif arg.startswith("-") and arg != "-":
            raise UsageError(f"heal {command}: unknown option '{arg}' (see heal {command} --help)")
        else:
            positional.append(arg)
        i += 1
    return seen, positional


def at_most(positional: list[str], n: int, command: str) -> None:
    if len(positional) > n:
        raise UsageError(f"heal {command}: unexpected argument '{positional[n]}'")


def count(text: str, option: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"{option} needs a whole number, not '{text}'") from None
    if value < 1:
        raise UsageError(f"{option} must be at least 1, not {value}")
    return value


def age_days(text: str) -> float:
    """'30d', '12h', '90m', '2w', '45s'; a bare number is days."""
    import re

    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*", text)
    if not m:
        raise UsageError(f"--older-than: expected an age like 30d, 12h or 90m, not {text!r}")
    unit = {"s": 1 / 86400, "m": 1 / 1440, "h": 1 / 24, "d": 1, "w": 7, "": 1}[m.group(2)]
    return float(m.group(1)) * unit


def confirm(question: str) -> bool:
    """A yes from the terminal; never without one."""
    import sys

    if sys.stdin is None or not sys.stdin.isatty():
        return False
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def out(text: str) -> None:
    import sys

    from heal.errors import OutputError

    try:
        sys.stdout.write(text + "\n")
    except BrokenPipeError:
        raise  # `heal log | head`: handled as for every command
    except OSError as exc:
        raise OutputError(exc.errno, exc.strerror) from None


def refusal(exc: OSError, message: str) -> Exception:
    """What a changing subcommand (rollback, checkpoint) raises for an OSError: a refusal saying `message`, but
    a failed write of heal's own output as itself (exit 74, as for every command). A closed pipe stays a
    refusal, unlike `heal log | head`: the change was not shown, so it is not made."""
    from heal.errors import OutputError, Refused

    return exc if isinstance(exc, OutputError) else Refused(message)

