"""The `heal` executable. `heal [OPTIONS] -- CMD` runs on a fast path that never imports typer; a subcommand is
looked up in COMMANDS and its module imported alone (pip's commands_dict), so `heal hook`, `heal repair` and
`heal log` cost only what they use. typer (heal.cli) is only for `--help` screens."""

from __future__ import annotations

import sys

# subcommand -> the module whose main(args) -> int runs it
COMMANDS = {
    "diagnose": "heal.commands.diagnose",
    "repair": "heal.commands.repair",
    "log": "heal.commands.log",
    "rollback": "heal.commands.rollback",
    "checkpoint": "heal.commands.checkpoint",
    "config": "heal.commands.config",
    "patterns": "heal.commands.patterns",
    "learn": "heal.commands.learn",
    "hooks": "heal.commands.hooks",
    "hook": "heal.commands.hook",
}
_HELP = ("-h", "--help")
# Subcommands that do a bounded piece of work and exit: the cyclic garbage collector is off for them (importing
# diagnosis and planning allocates enough to trigger ~15 collections, ~1.3 ms of a hook's answer, that free
# nothing: modules live until exit). They, and `heal -- CMD`, have every file they write closed by the time
# they return: run as the process's main they leave without the interpreter's finalization (_leave: tearing
# down ~110 modules is ~3 ms of a failing run's answer). `heal rollback` too: its change set, lock and journal
# files are closed by its `with` blocks before it returns, and the wait is beside an uninstall (issue 14).
_BOUNDED = frozenset({"diagnose", "hook", "rollback"})


def main(argv: list[str] | None = None) -> int:
    _hold_closed_std()
    _shield_imports()
    args = sys.argv[1:] if argv is None else list(argv)
    runs_a_command = "--" in args and args[0] not in COMMANDS
    if sys.stdout is None and not runs_a_command:
        sys.stdout = _ClosedOutput()  # `heal log >&-`: one line and exit 74, as for a full disk
    try:
        if args and args[0] in ("--version", "-V"):
            from heal import __version__

            print(f"heal {__version__}")
            return 0
        if runs_a_command:
            code = _run(args)
            if argv is None:  # the process's main: the command and heal's work are done, its files closed
                _flush_stdout()
                _leave(code)
            return code
        if _wants_help(args):
            from heal.cli import app_main

            return app_main(args)
        if args[0] not in COMMANDS:
            from heal.errors import UsageError

            if args[0].startswith("-"):
                raise UsageError("put '--' before the command: heal [OPTIONS] -- COMMAND (see heal --help)")
            raise UsageError(f"'{args[0]}' is not a heal command; to run it: heal -- {' '.join(args)}")
        if args[0] in _BOUNDED:
            import gc

            gc.disable()
        code = int(command_module(args[0]).main(args[1:]) or 0)
        if argv is None and args[0] in _BOUNDED:
            _flush_stdout()
            _leave(code)
        return code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _quiet_stdout()
        # `heal log | head`: the reader had enough. A hook fails closed: a commit it was about to stop
        # must not go through because its message could not be read
        return 1 if args and args[0] == "hook" else 0
    except Exception as exc:
        from heal.errors import HealError

        if isinstance(exc, HealError):
            _err(f"error: {exc}")
            return exc.exit_code
        if isinstance(exc, OSError) and exc.errno is not None:
            # the machine, not heal: a full disk or a dead terminal under `heal log > out`
            where = f" ({exc.filename})" if exc.filename else " (writing heal's output)"
            _err(f"error: {exc.strerror or exc}{where}")
            return 74  # EX_IOERR
        _err(f"internal error: {type(exc).__name__}: {exc}")
        return 70  # EX_SOFTWARE: only reached when no command ran


def command_module(name: str):
    """The module that runs a subcommand, imported now. (`__import__`, not importlib: no importlib to import,
    and `python -X importtime` sees it like any other import.)"""
    path = COMMANDS[name]
    __import__(path)
    return sys.modules[path]


def _wants_help(args: list[str]) -> bool:
    """`heal`, `heal --help`, `heal log --help`: the help screens (a --help after `--` is the command's)."""
    if not args or args[0] in _HELP:
        return True
    head = args[1:args.index("--")] if "--" in args else args[1:]
    return args[0] in COMMANDS and any(a in _HELP for a in head)


def _run(args: list[str]) -> int:
    from heal.runopts import UsageError, parse

    split = args.index("--")
    opts = parse(args[:split])
    command = args[split + 1 :]
    if not command:
        raise UsageError("no command after '--': heal [OPTIONS] -- CMD [ARGS...]")
    from heal.engine import heal_command

    return heal_command(command, opts)


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


class _ClosedOutput:
    """sys.stdout when heal started with fd 1 closed (Python leaves it None, and a subcommand's first print
    was an internal error): writing fails as a closed descriptor does."""

    def write(self, text: str | bytes) -> int:
        import errno

        raise OSError(errno.EBADF, "Bad file descriptor")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    @property
    def buffer(self) -> _ClosedOutput:  # sys.stdout.buffer.write(bytes) fails alike
        return self


def _flush_stdout() -> None:
    # its errors go to main's handlers, as a write's would; None when heal started with fd 1 closed
    if sys.stdout is not None:
        sys.stdout.flush()


def _leave(code: int) -> None:
    """Exit now, as the interpreter would after its exit handlers (heal.recache writes its entries in one),
    without tearing down the modules and objects of a process that is done."""
    import atexit
    import os

    try:
        if sys.stderr is not None:
            sys.stderr.flush()
    except (OSError, ValueError):
        pass
    try:
        atexit._run_exitfuncs()
    except Exception:  # noqa: BLE001 - a handler's failure must not change the exit status
        pass
    os._exit(code)


def _quiet_stdout() -> None:
    # what is left in stdout's buffer would raise again when Python flushes it at exit
    import os

    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    except OSError:
        pass


def _err(message: str) -> None:
    try:
        sys.stderr.write(f"heal: {message}\n")
    except Exception:
        pass
