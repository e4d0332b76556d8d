"""`heal diagnose`: read a captured output, print its diagnosis.

Parsed by hand on the way in (heal.entry), like `heal -- CMD`: typer's import (and the pydantic it pulls
in while parsing) would cost several times the diagnosis. heal.cli declares the same command for
`heal diagnose --help`.
"""

from __future__ import annotations

import sys

from heal.runopts import UsageError

USAGE = "heal diagnose [--command CMD] [--exit-code N] [--json] [FILE|-]"


def main(args: list[str]) -> int:
    from heal.commands._args import parse

    seen, positional = parse(args, "diagnose", flags={"--json": "json"},
                             options={"--command": "command", "-c": "command", "--exit-code": "exit_code",
                                      "-e": "exit_code"})
    exit_code = None
    if "exit_code" in seen:
        try:
            exit_code = int(seen["exit_code"])
        except ValueError:
            raise UsageError(f"option '--exit-code' needs a whole number, not '{seen['exit_code']}'") from None
    if len(positional) > 1:
        raise UsageError(f"one input at most ({USAGE})")
    return run(positional[0] if positional else "-", seen.get("command", ""), exit_code, bool(seen.get("json")))


def run(source: str, command: str, exit_code: int | None, as_json: bool) -> int:
    from heal.capture import read_bounded
    from heal.diagnose import diagnose

    argv: list[str] = []
    if command:
        argv = split_command(command)
    if source == "-":
        if sys.stdin.isatty():
            raise UsageError("no input: give a FILE, or pipe the output in (heal diagnose - < log.txt)")
        cap = read_bounded(sys.stdin.buffer)
    else:
        try:
            with open(source, "rb") as fh:
                cap = read_bounded(fh)
        except OSError as exc:
            raise UsageError(f"{source}: {exc.strerror or exc}") from None
    output = cap.head + (b"\n[... %d bytes not kept ...]\n" % cap.dropped if cap.dropped else b"") + cap.tail
    d = diagnose(output, argv=argv, exit_code=exit_code)
    fixes = _fixes(d, argv, output, exit_code)
    if as_json:
        from heal.cjson import dumps  # json.dumps without importing json (its import compiles regexes)

        sys.stdout.write(dumps(d.to_json([f.to_json() for f in fixes])) + "\n")
    else:
        from heal.ui import detailed, use_colour

        text = detailed(d, use_colour(sys.stdout))
        for f in fixes[:3]:
            text += f"\n  fix: {f.description}" + (f"  [{' '.join(f.argv)}]" if f.argv else "")
        sys.stdout.write(text + "\n")
    return 0


def _fixes(d, argv: list[str], output: bytes, exit_code: int | None) -> list:
    """What heal would do about it here (planning only: nothing is changed)."""
    if d.category == "unknown":
        return []
    import os

    from heal import config
    from heal.fixes import PlanContext, plan_fixes
    from heal.project import project_root

    try:
        settings = config.load().values
    except config.ConfigError:
        settings = config.defaults().values
    cwd = os.getcwd()
    ctx = PlanContext(d, tuple(argv), cwd, project_root(cwd), output.decode("utf-8", "replace"),
                      exit_code if exit_code is not None else 1, settings=settings, probe=False)
    try:
        return plan_fixes(ctx)
    except Exception:  # planning is advice here: a failure in it must not cost the diagnosis
        return []


def split_command(command: str) -> list[str]:
    """--command as shlex.split reads it (heal.shellwords: shlex imports re)."""
    from heal.shellwords import split

    try:
        return split(command)
    except ValueError as exc:
        raise UsageError(f"--command: {exc}") from None
