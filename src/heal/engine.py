"""`heal -- CMD`: run the command, and when it fails, heal it:

    diagnose -> plan (candidates, one at a time) -> decide -> apply (journaled) -> run again -> learn

The success path imports nothing beyond what running needs; everything else is imported only once the
command has failed. The loop knows no action: a fix's journal change is applied as it is, the action's
optional check() and choose() are called through the registry, and everything said or asked goes through
a presenter (heal.ui).
"""

from __future__ import annotations

from heal import config, terminal
from heal.runner import Runner, rewind_output
from heal.runopts import RunOptions

# What decide() answers: the fix is applied, asked about, offered as a choice, or only shown.
APPLY, ASK, CHOOSE, SUGGEST, DRY_RUN, NEEDS_YES, NEEDS_TERMINAL, CHOICES = (
    "apply", "ask", "choose", "suggest", "dry-run", "needs-yes", "needs-terminal", "choices")


def heal_command(argv: list[str], opts: RunOptions) -> int:
    """Run argv; when it fails, heal it. Returns the exit status of the last run of the command."""
    cfg = _load_config()
    settings = run_settings(opts, cfg)
    stdin = _stdin_position()
    outcome = Runner(tuple(argv), **settings).execute()
    if outcome.exit_code == 0 and not opts.report:
        return 0  # the fast path ends here: nothing more is imported
    status = _Status(outcome, stdin)
    from heal import ui as presenters

    ui = presenters.Terminal(interactive=False)  # until the configured one is made: heal's own failure is said
    try:
        ui = presenters.presenter("quiet" if opts.quiet else cfg["ui"])
        if outcome.typed_intr or outcome.got_sigint:
            # the user stopped the command (Ctrl-C): heal does not start fixing what they stopped
            if opts.report:
                _stopped_report(opts.report, argv, outcome, ui)
        else:
            _heal(argv, opts, cfg, settings, outcome, status, ui)
    except KeyboardInterrupt:
        ui.stopped_by_user(status.run.change_id if status.run is not None else None)
        status.exit_code, status.interrupted = 130, True  # as a shell reports a job Ctrl-C ended
    except Exception as exc:  # heal's own failure never changes the command's status
        ui.internal_error(exc)
    if status.interrupted or status.typed_intr:
        _pass_on_sigint(status.typed_intr, die=status.interrupted)
    return status.exit_code


_SIGINT = 2  # signal.SIGINT, without importing signal's enums on the fast path


class _Status:
    """The exit status to return: the command's, from its latest run (kept when heal itself fails), and
    whether that run (or heal's own work) ended by Ctrl-C."""

    __slots__ = ("exit_code", "interrupted", "typed_intr", "run", "stdin")

    def __init__(self, outcome, stdin: int | None) -> None:
        self.run: _Run | None = None
        self.stdin = stdin  # see _stdin_position
        self.ended(outcome)

    def ended(self, outcome) -> None:
        """The run that now decides heal's status (heal.runner.Outcome)."""
        self.exit_code = outcome.exit_code
        self.interrupted = outcome.signal == _SIGINT
        self.typed_intr = outcome.typed_intr


PIPE_INPUT = -1  # _stdin_position: the command's stdin is a pipe or socket, which a run may have read


def _stdin_position() -> int | None:
    """Where the command's stdin stands before its first run: the offset of a regular file (`heal -- cmd <
    file`), rewound before a rerun so that it reads the same input; PIPE_INPUT for a pipe or socket, which
    cannot be (the first run may have read it all); None for a terminal, /dev/null or no stdin."""
    import os
    import stat

    try:
        mode = os.fstat(0).st_mode
        if stat.S_ISREG(mode):
            return os.lseek(0, 0, os.SEEK_CUR)
        if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
            return PIPE_INPUT
    except OSError:
        pass
    return None


def _rewind_stdin(position: int | None) -> None:
    import os

    if position is not None and position >= 0:
        try:
            os.lseek(0, position, os.SEEK_SET)
        except OSError:
            pass


def _pass_on_sigint(typed: bool, die: bool) -> None:
    """End heal the way the command ended. die: the command died of SIGINT, so heal does too, not exit(130):
    a shell that runs `while ...; do heal -- cmd; done` stops the loop on Ctrl-C only when its child died of
    SIGINT and it got one itself (bash's wait-and-cooperative-exit). typed: the user's Ctrl-C reached the
    command through the terminal heal relays (pty mode), so nothing else in heal's job saw it: heal sends it to
    its whole process group, as the terminal would have (whether the command died of it or handled it). A heal
    started with SIGINT ignored (nohup, `cmd &`) keeps ignoring it and exits 130. Returns when it does not die."""
    import os
    import sys

    import _signal

    try:
        if _signal.getsignal(_SIGINT) == _signal.SIG_IGN:
            return
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
        _signal.signal(_SIGINT, _signal.SIG_IGN)  # heal's own share of what it sends its group
        if typed:
            os.killpg(os.getpgrp(), _SIGINT)
        if die:
            import atexit

            atexit._run_exitfuncs()  # what heal keeps at exit (the regex cache) is kept when it dies of it too
            _signal.signal(_SIGINT, _signal.SIG_DFL)
            os.kill(os.getpid(), _SIGINT)
    except Exception:  # not the main thread, a closed stream: exit with the status instead
        return


def run_settings(opts: RunOptions, cfg: config.Config) -> dict:
    """The Runner keyword arguments (RunSpec's fields) for a user command: flags over config."""
    mode = opts.pty or cfg.str("pty")
    timeout = opts.timeout if opts.timeout is not None else cfg.float("timeout")
    idle = opts.idle_timeout if opts.idle_timeout is not None else cfg.float("idle_timeout")
    return {
        "pty": mode == "always" or (mode == "auto" and terminal.is_interactive()),
        "timeout": timeout or None,
        "idle_timeout": idle or None,
        "kill_grace": cfg.float("kill_grace"),
        "head_bytes": cfg.int("capture.head_bytes"),
        "tail_bytes": cfg.int("capture.tail_bytes"),
    }


def _load_config() -> config.Config:
    try:
        return config.load()
    except config.ConfigError as exc:
        # A typo in a config file must not stop every command the user runs: say so, run with defaults.
        import sys

        try:
            sys.stderr.write(f"heal: config error: {exc} (using defaults)\n")
        except Exception:
            pass
        return config.defaults()


def decide(fix, *, yes: bool, dry_run: bool, interactive: bool, approved: bool = False) -> str:
    """What to do with a candidate fix; a pure function of the fix and the run's mode (tested as a table).

    approved: the user already said yes to this series (a retry is asked about once, not per retry)."""
    if fix.advice:
        return SUGGEST
    if dry_run:
        return DRY_RUN
    if fix.choices:
        # an ambiguous name: only the user may pick (choosing is the confirmation), never heal, never --yes
        return CHOOSE if interactive else CHOICES
    confirm = (fix.ask or not yes) and not approved  # ask-fixes (a rebase) are confirmed even with --yes
    if confirm and not interactive:
        # --yes would not be enough for a fix that is confirmed even with --yes: say so, not "use --yes"
        return NEEDS_TERMINAL if yes or fix.ask else NEEDS_YES
    return ASK if confirm else APPLY


class _Run:
    """What one heal run has done so far: the loop's own state, in one place."""

    def __init__(self, command: tuple[str, ...], first) -> None:
        self.argv = command  # as typed
        self.command = command  # what runs now (a fix may correct it)
        self.result = first
        self.memory = None  # the pattern store for this run (heal.store.memory.Memory), or None: not learning
        self.first_diagnosis = None  # the diagnosis of the first run
        self.diagnosis = None  # the diagnosis of self.result, once made
        self.attempts: list = []
        self.tried: set[tuple] = set()
        self.retries = 0
        self.approved = False  # yes was said to a retry series
        self.changeset = None
        self.change_id: str | None = None
        self.healed = False
        self.last_signature: str | None = None
        self.planned = False  # heal had a candidate fix (a failure within its reach: worth teaching a fix for)
        self.offered = False  # a fix from the pattern store was offered, not applied (no need to say how to teach)


def _heal(argv: list[str], opts: RunOptions, cfg: config.Config, settings: dict, outcome, status: _Status,
          ui) -> None:
    import contextlib
    import os
    import time

    from heal.diagnose import diagnose_result
    from heal.fixes import PlanContext, candidates
    from heal.fixes.model import Attempt
    from heal.fixes.playbooks import load_all
    from heal.policy import State, stop_after_attempt, stop_after_delay, stop_on_repeat
    from heal.project import project_root
    from heal.run import result_of

    start = time.monotonic()
    started = time.time()  # when the first run ended failing: the outcome's time, and its time to heal
    try:
        cwd = os.getcwd()
    except OSError:
        cwd = ""  # the working directory was deleted: diagnose, but there is no project to fix
    root = project_root(cwd) if cwd else ""
    learning = outcome.exit_code != 0 and cfg.bool("learn.enabled")
    run = _Run(tuple(argv), result_of(outcome, tuple(argv), cwd, bool(settings["pty"])))
    status.run = run  # what heal_command says when Ctrl-C stops heal's own work
    first = run.result
    ui.timeout(first)
    books, errors = load_all()
    for error in errors:
        ui.note(error)  # a malformed playbook is skipped; the others still apply
    budget = cfg.float("budget")
    stop = stop_after_attempt(opts.max_attempts or cfg.int("max_attempts")) | stop_after_delay(budget) | \
        stop_on_repeat()
    with contextlib.ExitStack() as stack:
        while True:
            diagnosis = diagnose_result(run.result)
            run.diagnosis = diagnosis
            if run.first_diagnosis is None:
                run.first_diagnosis = diagnosis
            if diagnosis.category == "unknown":
                break
            if learning and run.memory is None:
                from heal.store.memory import Memory  # sqlite3 is imported for failures heal knows, only

                run.memory = Memory(ui.note, cutoff=cfg.float("learn.cutoff"))
            ui.diagnosis(diagnosis)
            last = run.attempts[-1] if run.attempts else None
            if last is not None and last.applied and last.fix is not None:
                from heal.fixes import explain

                cause = explain(last.fix, diagnosis, run.result.text)  # heal's own fix as the cause
                if cause:
                    ui.note(cause)
            repeated = run.last_signature == diagnosis.signature and last is not None and not last.fix.repeat
            why = stop.reason(State(len([a for a in run.attempts if a.applied]), time.monotonic() - start, repeated))
            if why or not cwd:
                if why:
                    ui.stopped(why)
                    ui.escalate(diagnosis, run.attempts)
                break
            ctx = PlanContext(diagnosis, run.command, cwd, root, run.result.text, run.result.exit_code,
                              settings=cfg.values, elapsed=time.monotonic() - start, retries=run.retries)
            fix = _first_applied(candidates(ctx, books, errors, memory=run.memory), run, opts, ui, stack, diagnosis,
                                 cwd, root, budget, start, errors)
            if fix is None:
                break
            t0 = time.monotonic()
            if fix.new_command:
                run.command = fix.new_command
            run.retries = run.retries + 1 if fix.repeat else 0
            ui.rerun(run.command, fix.repeat)
            run.last_signature = diagnosis.signature
            rewind_output(outcome)  # `gen > out` ends up holding the final run only (see the README)
            _rewind_stdin(status.stdin)
            rerun = Runner(run.command, **settings).execute()
            run.result = result_of(rerun, run.command, cwd, bool(settings["pty"]))
            status.ended(rerun)
            run.diagnosis = None
            run.attempts.append(Attempt(diagnosis, fix, True, run.result.exit_code, time.monotonic() - t0))
            if run.result.ok:
                run.healed = True
                break
    seconds = time.monotonic() - start
    ui.summary(run.result, run.attempts, run.healed, run.change_id, seconds)
    if run.healed and status.stdin == PIPE_INPUT:
        ui.note("its input was a pipe, which the first run read: the run that passed may not have had the same "
                "input; run it again with its input to be sure")
    if not opts.dry_run:  # a dry run changes nothing, heal's record of what worked included
        learn(run, books, started, cwd, root, ui)
    if run.memory is not None:
        run.memory.close()
    if opts.report:
        _report(opts.report, first, run, ui)


def _first_applied(fixes, run: _Run, opts: RunOptions, ui, stack, diagnosis, cwd: str, root: str, budget: float,
                   start: float, errors: list[str]):
    """Take candidates in order until one is applied (returned) or the run must stop (None): decided, asked,
    applied through the journal, checked. A fix that fails to apply is reported and the next one is tried,
    without diagnosing or planning again."""
    import time

    from heal.fixes.model import Attempt

    said = len(errors)
    for fix in fixes:
        run.planned = True
        for error in errors[said:]:
            ui.note(error)  # a playbook that failed to plan is skipped (said once); the others still apply
        said = len(errors)
        if fix.key() in run.tried:
            continue
        if fix.aside:
            ui.suggest(fix)  # what was learned elsewhere, said once; the next candidate is still tried
            run.tried.add(fix.key())
            continue
        if fix.choices and run.memory is not None:
            picked = run.memory.choice(*_choice_key(fix))
            if picked in fix.choices:
                # the user picked it before, for the same candidates: heal does not guess, it remembers
                fix = _chosen(fix, picked)
        decision = decide(fix, yes=opts.yes, dry_run=opts.dry_run, interactive=ui.interactive,
                          approved=run.approved and fix.repeat)
        if decision in (SUGGEST, NEEDS_YES, NEEDS_TERMINAL, CHOICES):
            ui.suggest(fix, "" if decision == SUGGEST else decision)
            run.offered = run.offered or fix.source.startswith("learned:")
            return None
        if decision == DRY_RUN:
            ui.dry_run(fix)
            return None
        if decision == CHOOSE:
            choice = ui.choose(fix)
            if choice is None:
                return None
            if run.memory is not None:
                run.memory.remember_choice(*_choice_key(fix), choice)
            fix = _chosen(fix, choice)
        elif decision == ASK:
            if not ui.confirm(fix):
                return None
            run.approved = fix.repeat
        if time.monotonic() - start > budget:
            ui.stopped(f"time budget of {budget:.0f}s spent")
            return None
        if not fix.repeat:
            run.tried.add(fix.key())  # never the same fix twice; retries are bounded by their policy instead
        t0 = time.monotonic()
        if fix.wait and not ui.wait(fix.wait):
            return None
        note = _apply(fix, run, ui, stack, diagnosis, cwd, root)
        if note is None:
            return None  # heal may not change the project now (a lock): the command has run, unfixed
        if note:
            run.attempts.append(Attempt(diagnosis, fix, False, run.result.exit_code, time.monotonic() - t0, note))
            ui.apply_failed(fix, note)
            continue
        return fix
    for error in errors[said:]:
        ui.note(error)
    ui.escalate(diagnosis, run.attempts)
    return None


def _apply(fix, run: _Run, ui, stack, diagnosis, cwd: str, root: str) -> str | None:
    """Make the fix's change through the journal (opened on the first change of the run), then let its action
    check it. Returns why it did not work, "" when it did, None when heal may not change the project."""
    from heal.errors import HealError
    from heal.fixes import ACTIONS

    if fix.change is not None:
        if run.changeset is None:
            from heal.journal import open_journal
            from heal.redact import redact_argv

            try:
                run.changeset = stack.enter_context(open_journal().changeset(
                    cwd=cwd, root=root, command=redact_argv(run.command), diagnosis=diagnosis.summary))
            except HealError as exc:
                # a heal up the process tree holds the project (waiting would deadlock), or the wait for
                # another one's lock ran out
                ui.not_fixing(str(exc))
                return None
            # eight heals of one failure at once: the first installs, the others wait for it, and each would
            # install again (a change set of nothing, a rollback --last that finds nothing to do)
            in_effect = getattr(ACTIONS[fix.action], "in_effect", None)
            if getattr(run.changeset.lock, "waited", False) and in_effect is not None and in_effect(fix):
                ui.note(f"{fix.description}: done by the heal run this one waited for; running the command again")
                return ""
        run.change_id = run.changeset.id
        ui.applying(fix)
    try:
        if fix.change is not None:
            with ui.progress(fix) as progress:
                run.changeset.apply(fix.change, progress=progress)
        check = getattr(ACTIONS[fix.action], "check", None)
        return check(fix) if check is not None else ""
    except (HealError, OSError) as exc:
        return str(exc)


def _chosen(fix, choice: str):
    """The fix for the candidate picked among fix.choices (its action's choose()), still the same playbook
    step."""
    from heal.record import replace

    from heal.fixes import ACTIONS

    chosen = ACTIONS[fix.action].choose(fix, choice)
    return replace(chosen, step=fix.step) if chosen.step is None else chosen


def _choice_key(fix) -> tuple[str, str]:
    """Where the user's pick among a fix's candidates is remembered: the same question (the action and the
    candidates the curated map offers, in any order) gets the same answer; other candidates ask again."""
    return fix.action, "\x1f".join(sorted(fix.choices))


def learn(run: _Run, books: list, started: float, cwd: str, root: str, ui) -> None:
    """What this run teaches, into the pattern store: each applied fix's outcome for its failure and the
    run's outcome (heal.store.learn). A failure heal did not heal is also remembered for `heal learn`, and
    heal says how to teach it. Nothing when learning is off, or the failure was none heal knows."""
    memory = run.memory
    if memory is None or run.first_diagnosis is None:
        return
    final = run.diagnosis if not run.healed else None
    memory.learn(run.attempts, command=list(run.argv), started=started, healed=run.healed, books=books,
                 first=run.first_diagnosis, final_signature=final.signature if final is not None else None)
    if memory.broken or not root:
        return
    from heal.store import memory as memories

    if run.healed:
        last = memories.load_failure(root)
        if last is not None and last["signature"] == run.first_diagnosis.signature:
            memories.forget_failure(root)  # what `heal learn` would re-run is healed now
    elif final is not None and final.category != "unknown":
        import time

        try:
            rerunnable = memories.save_failure(root, cwd, run.command, final, when=time.time())
        except OSError:
            return
        # only where heal had a fix to offer (not a genuine test failure, a process killed by a signal), and no fix
        # from the store was just offered (that is the next step, not teaching)
        if run.planned and not run.offered:
            ui.note("found the fix yourself? teach heal: heal learn -- <your fix>" if rerunnable else
                    "found the fix yourself? teach heal: heal learn --for '<the command>' -- <your fix> "
                    "(the command holds a secret heal did not keep)")


def _stopped_report(path: str, argv: list[str], outcome, ui) -> None:
    """--report for a run the user stopped: what ran and how it ended, nothing attempted."""
    import os

    from heal.run import result_of

    try:
        cwd = os.getcwd()
    except OSError:
        cwd = ""
    result = result_of(outcome, tuple(argv), cwd, False)
    _write_report(path, ui, result, result)


def _report(path: str, first, run: _Run, ui) -> None:
    _write_report(path, ui, first, run.result, healed=run.healed, change_id=run.change_id,
                  attempts=[a.to_json() for a in run.attempts])


def _write_report(path: str, ui, first, last, **fields) -> None:
    from heal.report import report_object, write_report

    try:
        write_report(path, report_object(first, last, **fields))
    except OSError as exc:
        ui.note(f"cannot write report {path}: {exc.strerror}")
