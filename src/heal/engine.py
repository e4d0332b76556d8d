"""`heal -- CMD`: run the command, and when it fails, take it further down the pipeline.

The success path imports nothing beyond what running needs; everything else is imported only once
the command has failed.
"""

from __future__ import annotations

import sys

from heal import config, terminal
from heal.runner import Runner
from heal.runopts import RunOptions


def heal_command(argv: list[str], opts: RunOptions) -> int:
    """Run argv; return the exit status heal must exit with (the command's own)."""
    cfg = _load_config()
    settings = run_settings(opts, cfg)
    outcome = Runner(tuple(argv), **settings).execute()
    if outcome.exit_code == 0 and not opts.report:
        return 0  # the fast path ends here: nothing more is imported
    try:
        import os

        from heal.run import result_of

        result = result_of(outcome, tuple(argv), os.getcwd(), bool(settings["pty"]))
        _after_run(result, opts)
    except Exception as exc:  # heal's own failure never changes the command's status
        _say(f"internal error after the command ran: {type(exc).__name__}: {exc}")
    return outcome.exit_code


def run_settings(opts: RunOptions, cfg: config.Config) -> dict:
    """The Runner keyword arguments (RunSpec's fields) for a user command: flags over config."""
    mode = opts.pty or str(cfg["pty"])
    timeout = opts.timeout if opts.timeout is not None else cfg["timeout"]
    idle = opts.idle_timeout if opts.idle_timeout is not None else cfg["idle_timeout"]
    return {
        "pty": mode == "always" or (mode == "auto" and terminal.is_interactive()),
        "timeout": float(timeout) or None,  # type: ignore[arg-type]
        "idle_timeout": float(idle) or None,  # type: ignore[arg-type]
        "kill_grace": float(cfg["kill_grace"]),  # type: ignore[arg-type]
        "head_bytes": int(cfg["capture.head_bytes"]),  # type: ignore[call-overload]
        "tail_bytes": int(cfg["capture.tail_bytes"]),  # type: ignore[call-overload]
    }


def _load_config() -> config.Config:
    try:
        return config.load()
    except config.ConfigError as exc:
        # A typo in a config file must not stop every command the user runs: say so, run with defaults.
        _say(f"config error: {exc} (using defaults)")
        return config.defaults()


def _after_run(result, opts: RunOptions) -> None:  # result: heal.run.RunResult
    if result.timed_out:
        _say(f"timed out after {result.duration:.0f}s; command killed (exit 124)")
    elif result.hung:
        _say("no output for too long (--idle-timeout); command killed (exit 124)")
    if not result.ok:
        from heal.diagnose import diagnose_result
        from heal.present import one_line, use_colour, worth_mentioning

        diagnosis = diagnose_result(result)
        if worth_mentioning(diagnosis):
            _say(one_line(diagnosis, use_colour(sys.stderr)).removeprefix("heal: "))
    if opts.report:
        from heal.report import report_object, write_report

        try:
            write_report(opts.report, report_object(result, result))
        except OSError as exc:
            _say(f"cannot write report {opts.report}: {exc.strerror}")


def _say(message: str) -> None:
    try:
        sys.stderr.write(f"heal: {message}\n")
        sys.stderr.flush()
    except Exception:
        pass
