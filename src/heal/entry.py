"""The `heal` executable. `heal [OPTIONS] -- CMD` runs on a fast path that never imports typer;
everything else goes to the typer app in heal.cli."""

from __future__ import annotations

import sys

# Subcommands of the typer app; anything else before `--` is a run option.
SUBCOMMANDS = frozenset(
    {"config", "diagnose", "repair", "log", "checkpoint", "rollback", "patterns", "hooks", "hook"}
)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        if args and args[0] in ("--version", "-V"):
            from heal import __version__

            print(f"heal {__version__}")
            return 0
        if "--" in args and args[0] not in SUBCOMMANDS:
            return _run(args)
        if args and args[0] == "diagnose" and not {"--help", "-h"} & set(args[1:]):
            from heal.diagnose_cli import main as diagnose_main

            return diagnose_main(args[1:])
        if args and args[0] == "patterns":
            from heal.commands.patterns import main as patterns_main

            return patterns_main(args[1:])
        if args and not args[0].startswith("-") and args[0] not in SUBCOMMANDS:
            from heal.runopts import UsageError

            raise UsageError(f"'{args[0]}' is not a heal command; to run it: heal -- {' '.join(args)}")
        from heal.cli import app_main

        return app_main(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        from heal.runopts import UsageError

        if isinstance(exc, UsageError):
            _err(f"error: {exc}")
            return 2
        _err(f"internal error: {type(exc).__name__}: {exc}")
        return 70  # EX_SOFTWARE: only reached when no command ran


def _run(args: list[str]) -> int:
    from heal.runopts import UsageError, parse

    split = args.index("--")
    opts = parse(args[:split])
    command = args[split + 1 :]
    if not command:
        raise UsageError("no command after '--': heal [OPTIONS] -- CMD [ARGS...]")
    from heal.engine import heal_command

    return heal_command(command, opts)


def _err(message: str) -> None:
    try:
        sys.stderr.write(f"heal: {message}\n")
    except Exception:
        pass
