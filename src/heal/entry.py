"""The `heal` executable. `heal [OPTIONS] -- CMD` runs on a fast path that never imports typer;
everything else goes to the typer app in heal.cli."""

from __future__ import annotations

import sys

# Subcommands of the typer app; anything else before `--` is a run option.
SUBCOMMANDS = frozenset(
    {"config", "diagnose", "repair", "log", "checkpoint", "rollback", "patterns", "hooks", "hook"}
)


def main(argv: list[str] | None = None) -> int:
    _hold_closed_std()
    _shield_imports()
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
        if args and args[0] == "repair" and not {"--help", "-h"} & set(args[1:]):
            from heal.commands.repair import main as repair_main

            return repair_main(args[1:])
        if args and args[0] == "patterns":
            from heal.commands.patterns import main as patterns_main

            return patterns_main(args[1:])
        if args and args[0] == "hook":  # a hook's arguments are git's or none: never help flags of heal's
            from heal.commands.hook import main as hook_main

            return hook_main(args[1:])
        if args and args[0] == "hooks":
            from heal.commands.hooks import main as hooks_main

            return hooks_main(args[1:])
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


def _hold_closed_std() -> None:
    """Keep a standard fd that was closed when heal started closed for the command (`heal -- echo hi >&-`
    fails as it would without heal), and keep heal's own files out of its slot (a journal lock on fd 1
    would receive the output). The slot holds /dev/null marked close-on-exec: nothing heal opens lands
    there, the command finds it closed, and the runner reads a non-inheritable fd 0-2 as closed."""
    import os

    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
            continue
        except OSError:
            pass
        try:
            held = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
        except OSError:
            return  # no fd to spare: nothing heal can do, and nothing it opens now either
        if held != fd:
            os.dup2(held, fd, inheritable=False)
            os.close(held)


def _shield_imports() -> None:
    """heal's own imports must not pick up project files: with PYTHONPATH=. a project's select.py or
    tty.py would stand in for the standard library's. The working directory and PYTHONPATH entries move
    behind the standard library and site-packages (moved, not dropped: a dependency of heal may live
    only there; heal itself is already imported). Only heal's sys.path changes: the command still gets
    PYTHONPATH as it was."""
    import os

    try:
        cwd: str | None = os.getcwd()
    except OSError:  # deleted: relative entries resolve nowhere
        cwd = None
    risky = {"", "."}
    if cwd:
        risky.add(cwd)
    for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep):
        if entry:
            risky.add(entry)
            if cwd:
                risky.add(os.path.normpath(os.path.join(cwd, entry)))
    if risky.isdisjoint(sys.path):
        return
    sys.path[:] = [p for p in sys.path if p not in risky] + [p for p in sys.path if p in risky]


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
