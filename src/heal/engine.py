"""`heal -- CMD`: run the command, and when it fails, take it further down the pipeline.

The success path imports nothing beyond what running needs; everything else is imported only once
the command has failed.
"""

from __future__ import annotations

import sys

from heal import config, terminal
from heal.runner import Runner, rewind_output
from heal.runopts import RunOptions


def heal_command(argv: list[str], opts: RunOptions) -> int:
    """Run argv; when it fails, heal it. Returns the exit status of the last run of the command."""
    cfg = _load_config()
    settings = run_settings(opts, cfg)
    outcome = Runner(tuple(argv), **settings).execute()
    if outcome.exit_code == 0 and not opts.report:
        return 0  # the fast path ends here: nothing more is imported
    state = _State(outcome.exit_code)
    try:
        _heal(argv, opts, cfg, settings, outcome, state)
    except KeyboardInterrupt:
        _say("stopped (Ctrl-C)")
    except Exception as exc:  # heal's own failure never changes the command's status
        _say(f"internal error after the command ran: {type(exc).__name__}: {exc}")
    return state.exit_code


class _State:
    """The exit status to return: the command's, from its latest run."""

    __slots__ = ("exit_code",)

    def __init__(self, exit_code: int) -> None:
        self.exit_code = exit_code


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


def _heal(argv: list[str], opts: RunOptions, cfg: config.Config, settings: dict, outcome, state: _State) -> None:
    """diagnose -> plan -> choose -> confirm -> apply (journaled) -> run again -> verify, up to max_attempts."""
    import contextlib
    import os
    import time

    from heal.diagnose import diagnose_result
    from heal.fixes import PlanContext, plan_fixes
    from heal.fixes.model import Attempt
    from heal.fixes.playbooks import load_all
    from heal.present import one_line, use_colour
    from heal.project import project_root
    from heal.run import result_of

    start = time.monotonic()
    cwd = os.getcwd()
    root = project_root(cwd)
    command = tuple(argv)
    first = result = result_of(outcome, command, cwd, bool(settings["pty"]))
    _announce_timeout(result)
    books, errors = load_all()
    for error in errors:
        _say(error)  # a malformed playbook is skipped; the others still apply
    max_attempts = opts.max_attempts or int(cfg["max_attempts"])  # type: ignore[call-overload]
    budget = float(cfg["budget"])  # type: ignore[arg-type]
    interactive = sys.stdin.isatty() and sys.stderr.isatty()
    colour = use_colour(sys.stderr)
    attempts: list = []
    tried: set = set()
    retries = 0
    retry_approved = False  # a retry series is asked about once, not once per retry
    plan_errors: list[str] = []
    healed = False
    change_id = None
    last_sig = None
    with contextlib.ExitStack() as stack:
        changeset = None
        for attempt in range(1, max_attempts + 2):
            diagnosis = diagnose_result(result)
            if diagnosis.category == "unknown":
                break
            if attempt > max_attempts:
                _say(f"still failing after {max_attempts} attempts")
                _escalate(diagnosis, attempts)
                break
            _say(one_line(diagnosis, colour).removeprefix("heal: "), raw=True)  # its text is clean()ed output
            if last_sig == diagnosis.signature and attempts and attempts[-1].fix.action != "retry":
                _say("the same failure again after the fix: stopping")
                _escalate(diagnosis, attempts)
                break
            ctx = PlanContext(diagnosis, command, cwd, root, result.text, result.exit_code, settings=cfg.values,
                              elapsed=time.monotonic() - start, retries=retries)
            fixes = [f for f in plan_fixes(ctx, books, plan_errors) if _key(f) not in tried]
            for error in dict.fromkeys(plan_errors):
                if error not in errors:
                    errors.append(error)
                    _say(error)  # a playbook that failed to plan is skipped (said once); the others still apply
            plan_errors.clear()
            if not fixes:
                _escalate(diagnosis, attempts)
                break
            fix = fixes[0]
            if fix.action == "suggest":
                _say(f"suggestion: {fix.description}" + (f"\n      {' '.join(fix.argv)}" if fix.argv else ""))
                break
            if opts.dry_run:
                _say(f"would {fix.description}" + (f": {' '.join(fix.argv)}" if fix.argv else "") + " (dry run)")
                break
            if fix.choices and not interactive:
                _say(f"suggestion: {fix.description} heal does not guess: install the one you use")
                break
            confirm = fix.ask or not opts.yes  # ask-fixes (a rebase) are confirmed even with --yes
            if fix.action == "retry" and retry_approved:
                confirm = False
            if confirm and not interactive:
                _say(f"suggestion: {fix.description}" + (f": {' '.join(fix.argv)}" if fix.argv else "")
                     + (" (it needs a yes on a terminal, even with --yes)" if opts.yes else
                        " (run with --yes to let heal do it)"))
                break
            if fix.choices:
                fix = _choose(fix)  # an ambiguous name: only the user may pick (choosing is the confirmation)
                if fix is None:
                    _say("nothing chosen: not installed")
                    break
            elif confirm:
                if fix.argv:
                    _say(f"will run: {' '.join(fix.argv)}")  # the exact action, before the question
                if not _ask(fix.question or f"{fix.description}?"):
                    _say("not applied")
                    break
                retry_approved = fix.action == "retry"
            if time.monotonic() - start > budget:
                _say(f"time budget of {budget:.0f}s spent: stopping")
                break
            if fix.action != "retry":
                tried.add(_key(fix))  # never the same fix twice; retries are bounded by their policy instead
            t0 = time.monotonic()
            if fix.action == "retry":
                if not _wait(fix.wait, interactive):
                    break
                retries += 1
            else:
                if changeset is None and (fix.action in ("install", "chmod") or fix.then):
                    from heal.journal import JournalError, open_journal
                    from heal.redact import redact_argv

                    try:
                        changeset = stack.enter_context(open_journal().changeset(
                            cwd=cwd, root=root, command=redact_argv(command), diagnosis=diagnosis.summary))
                    except JournalError as exc:
                        # a heal up the process tree holds the project (waiting would deadlock), or the
                        # wait for another one's lock ran out: the command has run, unfixed
                        _say(f"not fixing: {exc}")
                        break
                    change_id = changeset.id
                if fix.action == "install":
                    _say(f"{fix.description}: {' '.join(fix.argv or ())}")  # it can take a while: say what runs
                note = _apply(fix, changeset)
                if note:
                    attempts.append(Attempt(diagnosis, fix, False, result.exit_code, time.monotonic() - t0, note))
                    _say(f"{fix.description}: {note}")
                    continue
                if fix.new_command:
                    command = fix.new_command
                retries = 0
            _say(f"{'running again' if fix.action == 'retry' else 'done; running again'}: {' '.join(command)}")
            last_sig = diagnosis.signature
            rewind_output(outcome)  # `gen > out` ends up holding the final run only (see the README)
            rerun = Runner(command, **settings).execute()
            result = result_of(rerun, command, cwd, bool(settings["pty"]))
            state.exit_code = result.exit_code
            attempts.append(Attempt(diagnosis, fix, True, result.exit_code, time.monotonic() - t0))
            if result.ok:
                healed = True
                break
    _summary(first, result, attempts, healed, change_id, time.monotonic() - start)
    if opts.report:
        from heal.report import report_object, write_report

        try:
            write_report(opts.report, report_object(first, result, healed=healed, change_id=change_id,
                                                    attempts=[a.to_json() for a in attempts]))
        except OSError as exc:
            _say(f"cannot write report {opts.report}: {exc.strerror}")


def _key(fix) -> tuple:
    return (fix.action, fix.argv, fix.path, fix.source)


def _apply(fix, changeset) -> str:
    """Make the change through the journal. Returns why it did not work, or ""."""
    from heal.journal import FileChange, JournalError, PackageChange
    from heal.project import SafetyError

    try:
        if fix.action == "install":
            changeset.apply(PackageChange(fix.manager, list(fix.argv), cwd=fix.cwd, python=fix.python or None,
                                          packages=list(fix.packages), reason=fix.description))
            if fix.verify:
                from heal.fixes.install import verify_python

                if not verify_python(fix.python, fix.verify, fix.packages):
                    return f"installed, but {', '.join(fix.packages)} / {', '.join(fix.verify)} is still missing"
        elif fix.action == "chmod":
            changeset.apply(FileChange(fix.path, mode=fix.mode, reason=fix.description))
        elif fix.then:
            from heal.journal import GitRefChange

            changeset.apply(GitRefChange(list(fix.then), cwd=fix.cwd, reason=fix.description))
    except (JournalError, SafetyError, OSError) as exc:
        return str(exc)
    return ""


def _choose(fix):
    """Ask which distribution provides an ambiguous import; the fix for it, or None."""
    from dataclasses import replace

    for i, name in enumerate(fix.choices, 1):
        _say(f"  {i}) {name}")
    try:
        sys.stderr.write(f"heal: {fix.description} [1-{len(fix.choices)}, Enter for none] ")
        sys.stderr.flush()
        answer = input().strip()
    except EOFError:
        return None
    if not answer.isdigit() or not 1 <= int(answer) <= len(fix.choices):
        return None
    dist = fix.choices[int(answer) - 1]
    argv = tuple(dist if a == "<choice>" else a for a in fix.argv or ())
    return replace(fix, argv=argv, packages=(dist,), choices=(), ask=False,
                   description=f"install {dist} into {fix.python}")


def _wait(seconds: float, interactive: bool) -> bool:
    """Sleep before a retry; a countdown on a terminal; Ctrl-C stops waiting (and healing)."""
    import time

    end = time.monotonic() + seconds
    try:
        if not interactive:
            _say(f"retrying in {seconds:.1f}s")
            time.sleep(seconds)
            return True
        while True:
            left = end - time.monotonic()
            if left <= 0:
                break
            sys.stderr.write(f"\rheal: retrying in {left:4.1f}s (Ctrl-C to stop) ")
            sys.stderr.flush()
            time.sleep(min(0.2, left))
        sys.stderr.write("\r" + " " * 50 + "\r")
        return True
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        _say("not retrying (Ctrl-C)")
        return False


def _ask(question: str) -> bool:
    try:
        sys.stderr.write(f"heal: {question} [y/N] ")
        sys.stderr.flush()
        return input().strip().lower() in ("y", "yes")
    except EOFError:
        return False


def _escalate(diagnosis, attempts: list) -> None:
    if not attempts:
        return  # nothing heal knows how to fix: the diagnosis line said what it is
    _say("not healed. What was tried:")
    for a in attempts:
        outcome = a.note or f"the command still exited {a.exit_code}"
        _say(f"  - {a.fix.description}: {outcome}")
    _say(f"next step for a human: {diagnosis.summary}" + (f" ({diagnosis.facts['file']}"
                                                          f":{diagnosis.facts.get('line', '')})"
                                                          if diagnosis.facts.get("file") else ""))


def _summary(first, last, attempts: list, healed: bool, change_id: str | None, seconds: float) -> None:
    applied = [a for a in attempts if a.applied]
    if not applied:
        return
    if healed:
        what = "; ".join(a.fix.description for a in applied)
        _say(f"healed in {seconds:.1f}s: {what}" + (f" (undo: heal rollback {change_id})" if change_id else ""))
    else:
        _say(f"not healed after {len(applied)} attempt(s), {seconds:.1f}s; exit status {last.exit_code}"
             + (f" (undo the changes: heal rollback {change_id})" if change_id else ""))


def _announce_timeout(result) -> None:
    if result.timed_out:
        _say(f"timed out after {result.duration:.0f}s; command killed (exit 124)")
    elif result.hung:
        _say("no output for too long (--idle-timeout); command killed (exit 124)")


def _say(message: str, raw: bool = False) -> None:
    # names and text from the output or the disk must not drive the terminal (the check is cheap; the
    # import, of the diagnosis package, is paid only when there is something to strip)
    if not raw and not message.replace("\n", "").replace("\t", "").isprintable():
        from heal.diagnose.text import printable

        message = printable(message)
    try:
        sys.stderr.write(f"heal: {message}\n")
        sys.stderr.flush()
    except Exception:
        pass
