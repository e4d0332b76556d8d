"""Everything heal says or asks while healing, in one place, behind three presenters:

- Terminal: `heal: …` lines on stderr (coloured when it is a terminal, NO_COLOR respected), questions and a
  retry countdown on the terminal;
- Quiet: for git hooks and scripts: the diagnosis, suggestions and the outcome, never a question, none of the
  step-by-step chatter;
- Json: one JSON object per event on stderr (`{"heal": "<event>", ...}`), for agents that parse it.

`presenter(cfg)` picks one (`HEAL_UI` or the `ui` setting: auto | terminal | quiet | json). The loop in
heal.engine only calls these methods; it never writes to a stream itself.
"""

from __future__ import annotations

import os
import sys
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing on the failure path
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any, TextIO

_RESET = "\x1b[0m"
_SEVERITY = {"critical": "\x1b[1;31m", "high": "\x1b[31m", "medium": "\x1b[33m", "low": "\x1b[36m", "info": "\x1b[2m"}
_DIM = "\x1b[2m"
_DIFF_COLOURS = {"+": "\x1b[32m", "-": "\x1b[31m", "@": "\x1b[36m"}
_SHOWN_FACTS = ("module", "package", "command", "script", "header", "symbol", "env_var", "error_code", "exception",
                "branch", "host", "port", "url", "signal", "tests", "suggestion", "plugin")


# --- diagnoses as text (heal's run and `heal diagnose`) ---------------------------------------------------

def use_colour(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError, OSError):
        return False


def location(d: Any) -> str:
    file = d.facts.get("file")
    if not file:
        return ""
    line = d.facts.get("line")
    column = d.facts.get("column")
    return f"{file}" + (f":{line}" if line else "") + (f":{column}" if line and column else "")


def one_line(d: Any, colour: bool) -> str:
    """`heal: <category> (<severity>): <summary> [file:line]`, printed after a failed run."""
    where = location(d)
    head = f"{d.category} ({d.severity})"
    if colour:
        head = f"{_SEVERITY.get(d.severity, '')}{head}{_RESET}"
    return f"heal: {head}: {d.summary}" + (f" [{where}]" if where else "")


def detailed(d: Any, colour: bool) -> str:
    """What `heal diagnose` prints."""
    dim = (lambda s: f"{_DIM}{s}{_RESET}") if colour else (lambda s: s)
    lines = [one_line(d, colour)]
    for ev in d.evidence[:4]:
        lines.append(f"  {dim('>')} {ev}")
    shown = []
    for key in _SHOWN_FACTS:
        if key in d.facts:
            value = d.facts[key]
            if isinstance(value, list):
                value = ", ".join(map(str, value[:5])) + (" …" if len(value) > 5 else "")
            shown.append(f"{key}={value}")
    if shown:
        lines.append(f"  {dim('facts:')} " + "  ".join(shown))
    lines.append(f"  {dim('signature:')} {d.signature}")
    return "\n".join(lines)


def printable(text: str) -> str:
    """text safe to write to a terminal (names and output heal did not write must not drive it); the check is
    cheap, the cleaning (the diagnosis package's) is paid only when there is something to strip."""
    if text.replace("\n", "").replace("\t", "").isprintable():
        return text
    from heal.diagnose.text import printable as strip

    return strip(text)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


class _Discard:
    """stderr was closed when heal started: what heal would say goes nowhere, as the command's would."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def command_line(argv: Sequence[str] | None) -> str:
    """argv as a line to copy into a shell: a word with a space or a shell character is quoted."""
    from heal.shellwords import join  # shlex.join without importing shlex (and re)

    return join(list(argv or ()))


def _command_after(fix: Any, sep: str) -> str:
    """The fix's command after its description, unless the description already says it (said once)."""
    line = command_line(fix.argv)
    return f"{sep}{line}" if line and line not in fix.description else ""


def _why_terminal(fix: Any) -> str:
    """Why a fix waits for a person at a terminal even though --yes was given (or would be)."""
    kind = type(getattr(fix, "change", None)).__name__
    if kind == "GitRefChange":
        why = "it rewrites your branch's commits, which heal only does when a person says yes on a terminal"
    elif fix.question:
        why = f"heal asks a person on a terminal first: {fix.question}"
    else:
        why = "heal only applies it after a yes on a terminal"
    return why + "; --yes is not enough without one"


# --- presenters -----------------------------------------------------------------------------------------

class Terminal:
    """heal's lines on stderr; questions on the terminal when there is one."""

    chatty = True  # the step-by-step lines (what runs, running again)
    _previewed: Any = None  # the fix whose preview was last shown (asked about: not shown again when applied)

    def __init__(self, stream: TextIO | None = None, *, interactive: bool | None = None,
                 colour: bool | None = None) -> None:
        self.stream = stream or sys.stderr or _Discard()
        self.interactive = (_isatty(sys.stdin) and _isatty(self.stream)) if interactive is None else interactive
        self.colour = use_colour(self.stream) if colour is None else colour

    # the one writer
    def say(self, message: str, *, raw: bool = False) -> None:
        try:
            self.stream.write(f"heal: {message if raw else printable(message)}\n")
            self.stream.flush()
        except Exception:  # a closed or full stderr must not turn into heal's own failure
            pass

    def _step(self, message: str) -> None:
        if self.chatty:
            self.say(message)

    # before healing
    def note(self, message: str) -> None:
        """A problem heal had that does not stop it (a config error, a malformed playbook)."""
        self.say(message)

    def timeout(self, result: Any) -> None:
        if result.timed_out:
            self.say(f"timed out after {result.duration:.0f}s; command killed (exit 124)")
        elif result.hung:
            self.say("no output for too long (--idle-timeout); command killed (exit 124)")

    def diagnosis(self, d: Any) -> None:
        self.say(one_line(d, self.colour).removeprefix("heal: "), raw=True)  # its text is clean()ed output

    # deciding
    def suggest(self, fix: Any, why: str = "") -> None:
        """A fix heal does not apply: a suggestion, or one that needs a yes it did not get (why says which)."""
        if why == "choices":
            self.say(f"suggestion: {fix.description} heal does not guess: install the one you use")
        elif why in ("needs-yes", "needs-terminal"):
            hint = f" (not applied: {_why_terminal(fix)})" if why == "needs-terminal" else \
                " (run with --yes to let heal do it)"
            self.say(f"suggestion: {fix.description}" + _command_after(fix, ": ") + hint)
            self.preview(fix)  # what the yes would change
        else:
            self.say(f"suggestion: {fix.description}" + _command_after(fix, "\n      "))

    def dry_run(self, fix: Any) -> None:
        self.say(f"{_would(fix)} (dry run)")
        self.preview(fix)

    def preview(self, fix: Any) -> None:
        """What the fix will change (the diff of an edit), before it is applied or asked about."""
        if not getattr(fix, "preview", ""):
            return
        self._previewed = fix
        try:
            for line in printable(fix.preview).splitlines():
                colour = _DIFF_COLOURS.get(line[:1], "") if self.colour and not line.startswith(("+++", "---")) \
                    else ""
                self.stream.write(f"    {colour}{line}{_RESET if colour else ''}\n")
            self.stream.flush()
        except Exception:
            pass

    def confirm(self, fix: Any) -> bool:
        if fix.argv:
            self.say(f"will run: {command_line(fix.argv)}")  # the exact action, before the question
        self.preview(fix)  # an edit shows its diff before the question
        if not self.ask(fix.question or f"{fix.description}?"):
            self.say("not applied")
            return False
        return True

    def ask(self, question: str) -> bool:
        if not self.interactive:
            return False
        try:
            self.stream.write(f"heal: {printable(question)} [y/N] ")
            self.stream.flush()
            return input().strip().lower() in ("y", "yes")
        except EOFError:
            return False

    def choose(self, fix: Any) -> str | None:
        """The candidate the user picks among fix.choices, or None."""
        for i, name in enumerate(fix.choices, 1):
            self.say(f"  {i}) {name}")
        try:
            self.stream.write(f"heal: {printable(fix.description)} [1-{len(fix.choices)}, Enter for none] ")
            self.stream.flush()
            answer = input().strip()
        except EOFError:
            answer = ""
        if not answer.isdigit() or not 1 <= int(answer) <= len(fix.choices):
            self.say("nothing chosen: not installed")
            return None
        return str(fix.choices[int(answer) - 1])

    # doing
    def applying(self, fix: Any) -> None:
        """A change that runs a command (an install can take a while): say what runs. An edit applied without a
        question (--yes) shows its diff first, whatever the presenter: it is a change to the user's files."""
        argv = getattr(fix.change, "argv", None)
        if argv:
            self._step(f"{fix.description}: {command_line(argv)}")
        if getattr(fix, "preview", "") and self._previewed is not fix:
            self.say(f"{fix.description}:")
            self.preview(fix)

    def progress(self, fix: Any) -> Progress:
        """A context manager around a fix step; calling it with a chunk of the step's output (the installer's)
        shows progress once the step has taken PROGRESS_AFTER seconds: on a terminal one live status line
        (spinner, seconds, the installer's latest line), cleared when the step ends; without one the
        installer's lines (and a line every STILL_EVERY seconds it is silent), so a CI log never goes quiet."""
        if not self.chatty:
            return Progress()
        if _isatty(self.stream) and os.environ.get("TERM") != "dumb":
            return LiveLine(self, fix)
        return LogLines(self, fix)

    def apply_failed(self, fix: Any, note: str) -> None:
        self.say(f"{fix.description}: {note}")

    def not_fixing(self, why: str) -> None:
        self.say(f"not fixing: {why}")

    def wait(self, seconds: float) -> bool:
        """Sleep before a retry; a countdown on a terminal; Ctrl-C stops waiting (and healing)."""
        import time

        end = time.monotonic() + seconds
        try:
            if not self.interactive:
                self._step(f"retrying in {seconds:.1f}s")
                time.sleep(seconds)
                return True
            while True:
                left = end - time.monotonic()
                if left <= 0:
                    break
                self.stream.write(f"\rheal: retrying in {left:4.1f}s (Ctrl-C to stop) ")
                self.stream.flush()
                time.sleep(min(0.2, left))
            self.stream.write("\r" + " " * 50 + "\r")
            return True
        except KeyboardInterrupt:
            self.stream.write("\n")
            self.say("not retrying (Ctrl-C)")
            return False

    def rerun(self, command: Sequence[str], retry: bool) -> None:
        """retry: nothing was changed, the same command simply runs again."""
        self._step(f"{'running again' if retry else 'done; running again'}: {command_line(command)}")

    # the end
    def stopped(self, reason: str) -> None:
        self.say(f"{reason}: stopping" if not reason.startswith("still failing") else reason)

    def escalate(self, d: Any, attempts: list) -> None:
        if not attempts:
            return  # nothing heal knows how to fix: the diagnosis line said what it is
        self.say("not healed. What was tried:")
        for a in attempts:
            outcome = a.note or f"the command still exited {a.exit_code}"
            self.say(f"  - {a.fix.description}: {outcome}")
        where = location(d)
        self.say(f"next step for a human: {d.summary}" + (f" ({where})" if where else ""))

    def summary(self, last: Any, attempts: list, healed: bool, change_id: str | None, seconds: float) -> None:
        applied = [a for a in attempts if a.applied]
        if not applied:
            return
        if change_id and not any(getattr(a.fix.change, "undoable", True) for a in applied if a.fix.change):
            change_id = None  # only commands heal ran for you (heal log lists them): nothing rollback can undo
        if healed:
            what = "; ".join(a.fix.description for a in applied)
            self.say(f"healed in {seconds:.1f}s: {what}" + (f" (undo: heal rollback {change_id})" if change_id else ""))
        else:
            self.say(f"not healed after {len(applied)} attempt(s), {seconds:.1f}s; exit status {last.exit_code}"
                     + (f" (undo the changes: heal rollback {change_id})" if change_id else ""))

    def stopped_by_user(self, change_id: str | None = None) -> None:
        """Ctrl-C during heal's own work. A fix it was applying is either done or undone by the change log's
        recovery; what it did so far is in the log, and rollback undoes it."""
        self.say("stopped (Ctrl-C)" + (f"; undo what heal changed: heal rollback {change_id}" if change_id else ""))

    def internal_error(self, exc: BaseException) -> None:
        self.say(f"internal error after the command ran: {type(exc).__name__}: {exc}")


class Quiet(Terminal):
    """Git hooks and scripts: what failed, what to do, what happened; never a question."""

    chatty = False

    def __init__(self, stream: TextIO | None = None, *, colour: bool | None = None) -> None:
        super().__init__(stream, interactive=False, colour=colour)

    def escalate(self, d: Any, attempts: list) -> None:
        pass  # the summary line says it was not healed


class Json(Terminal):
    """One JSON object per event on stderr, for agents: {"heal": "<event>", ...}."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__(stream, interactive=False, colour=False)

    def emit(self, event: str, **fields: Any) -> None:
        import json

        try:
            self.stream.write(json.dumps({"heal": event, **fields}, ensure_ascii=False, default=str) + "\n")
            self.stream.flush()
        except Exception:
            pass

    def say(self, message: str, *, raw: bool = False) -> None:
        self.emit("note", message=printable(message))

    def diagnosis(self, d: Any) -> None:
        self.emit("diagnosis", **d.to_json())

    def suggest(self, fix: Any, why: str = "") -> None:
        self.emit("suggestion", why=why or "suggest", fix=fix.to_json(), **_diff(fix))

    def dry_run(self, fix: Any) -> None:
        self.emit("dry_run", fix=fix.to_json(), **_diff(fix))

    def applying(self, fix: Any) -> None:
        self.emit("applying", fix=fix.to_json(), **_diff(fix))

    def progress(self, fix: Any) -> Progress:
        return JsonLines(self, fix)

    def apply_failed(self, fix: Any, note: str) -> None:
        self.emit("apply_failed", fix=fix.to_json(), note=note)

    def rerun(self, command: Sequence[str], retry: bool) -> None:
        self.emit("rerun", command=list(command), retry=retry)

    def stopped(self, reason: str) -> None:
        self.emit("stopped", reason=reason)

    def escalate(self, d: Any, attempts: list) -> None:
        pass  # the summary carries the attempts

    def summary(self, last: Any, attempts: list, healed: bool, change_id: str | None, seconds: float) -> None:
        self.emit("summary", healed=healed, exit_code=last.exit_code, change_id=change_id, seconds=round(seconds, 3),
                  attempts=[a.to_json() for a in attempts])


# --- progress of a fix step ------------------------------------------------------------------------------

# seconds a step runs before its progress is shown (a quick step stays silent); HEAL_PROGRESS_AFTER sets it
# (tests use 0, so what they check does not depend on how fast this machine installs)
PROGRESS_AFTER = 1.0
STILL_EVERY = 10.0  # without a terminal: a line after this many seconds without output
_SPINNER = "|/-\\"


class Progress:
    """No progress shown (quiet): the base of the others. Called with output chunks; a context manager."""

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def __call__(self, data: bytes) -> None:
        pass


class _Lines(Progress):
    """Splits the step's output into lines (pip and npm redraw progress bars with \r), with a clock."""

    def __init__(self, ui: Terminal, fix: Any) -> None:
        import threading

        self.ui = ui
        self.label = _step_label(fix)
        self.partial = b""
        self.last = ""
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.thread: threading.Thread | None = None
        self.start = 0.0

    def __enter__(self) -> Progress:
        import threading
        import time

        global PROGRESS_AFTER
        try:
            PROGRESS_AFTER = float(os.environ.get("HEAL_PROGRESS_AFTER", PROGRESS_AFTER))
        except ValueError:
            pass
        self.start = time.monotonic()
        self.thread = threading.Thread(target=self._tick, name="heal-progress", daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        if self.thread is not None:
            self.thread.join(1.0)
        with self.lock:
            self._end()

    def __call__(self, data: bytes) -> None:
        with self.lock:
            text = (self.partial + data).replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            *lines, self.partial = text.split(b"\n")
            for raw in lines:
                line = printable(raw.decode("utf-8", "replace")).strip()
                if line:
                    self.last = line
                    self._line(line)

    def elapsed(self) -> float:
        import time

        return time.monotonic() - self.start

    def _tick(self) -> None:
        while not self.done.wait(0.1):
            with self.lock:
                self._refresh()

    # what each kind does
    def _line(self, line: str) -> None: ...

    def _refresh(self) -> None: ...

    def _end(self) -> None: ...


class LiveLine(_Lines):
    """On a terminal: one status line redrawn in place, then cleared: `heal: - 12s pip: Collecting pytest`."""

    drawn = False
    frame = 0

    def _refresh(self) -> None:
        if self.elapsed() < PROGRESS_AFTER:
            return
        import shutil

        width = shutil.get_terminal_size((80, 24)).columns - 1
        self.frame += 1
        head = f"heal: {_SPINNER[self.frame % len(_SPINNER)]} {self.elapsed():.0f}s {self.label}"
        text = f"{head}: {self.last}" if self.last else head
        try:
            self.ui.stream.write("\r\x1b[K" + text[:max(width, 20)])
            self.ui.stream.flush()
            self.drawn = True
        except Exception:
            pass

    def _end(self) -> None:
        if self.drawn:
            try:
                self.ui.stream.write("\r\x1b[K")  # the line is heal's own: leave the terminal as it was
                self.ui.stream.flush()
            except Exception:
                pass


class LogLines(_Lines):
    """Without a terminal (CI): the installer's lines as `heal: | <line>` once the step has run a second,
    and `heal: | ... still running (40s)` when it is silent for STILL_EVERY seconds."""

    def __init__(self, ui: Terminal, fix: Any) -> None:
        super().__init__(ui, fix)
        self.held: list[str] = []
        self.shown = False
        self.quiet_since = 0.0

    def _line(self, line: str) -> None:
        self.quiet_since = self.elapsed()
        if not self.shown:
            self.held.append(line)
            if self.elapsed() >= PROGRESS_AFTER:
                self._release()
            return
        self._say(line)

    def _release(self) -> None:
        self.shown = True
        for line in self.held[-20:]:  # the start of a long step: its last lines say where it is
            self._say(line)
        self.held = []

    def _refresh(self) -> None:
        now = self.elapsed()
        if not self.shown and now >= PROGRESS_AFTER:
            self._release()
        if self.shown and now - self.quiet_since >= STILL_EVERY:
            self.quiet_since = now
            self._say(f"... still running ({now:.0f}s)")

    def _say(self, line: str) -> None:
        self.ui.say(f"| {line}")


class JsonLines(LogLines):
    """For agents: `{"heal": "progress", "line": ..., "seconds": ...}` events, on the same schedule."""

    def _say(self, line: str) -> None:
        self.ui.emit("progress", line=line, seconds=round(self.elapsed(), 1))  # type: ignore[attr-defined]


def _step_label(fix: Any) -> str:
    """What runs, short: `pip install`, `npm ci`, `git pull`."""
    argv = [str(a) for a in (getattr(getattr(fix, "change", None), "argv", None) or getattr(fix, "argv", None) or ())]
    if not argv:
        return str(getattr(fix, "action", "working"))
    if os.path.basename(argv[0]).startswith("python") and argv[1:3] == ["-m", "pip"]:
        return "pip " + (argv[3] if len(argv) > 3 else "")
    return os.path.basename(argv[0]) + (f" {argv[1]}" if len(argv) > 1 else "")


def _diff(fix: Any) -> dict:
    """The `diff` field of a JSON event, for a fix that edits a file."""
    return {"diff": fix.preview} if getattr(fix, "preview", "") else {}


def presenter(setting: object = "auto") -> Terminal:
    """The presenter for this run: HEAL_UI over the `ui` setting; auto is the terminal one."""
    name = os.environ.get("HEAL_UI") or str(setting or "auto")
    if name == "quiet":
        return Quiet()
    if name == "json":
        return Json()
    return Terminal()


_VERBS = ("make ", "install ", "push ", "run ", "add ", "sync ", "rebase ", "remove ", "restore ", "repair ",
          "retry ", "create ")


def _would(fix: Any) -> str:
    """What a dry run would do, as a sentence: "would make run.sh executable (chmod +x): chmod +x run.sh", or,
    for a description that is not an order ("npm ci needs a lockfile…"), "would run: npm install (…)"."""
    if fix.description.startswith(_VERBS):
        return f"would {fix.description}" + (f": {command_line(fix.argv)}" if fix.argv else "")
    if fix.argv:
        line = command_line(fix.argv)
        first, _, rest = fix.description.partition(" ")
        if fix.description in line or (rest and os.path.basename(str(fix.argv[0])) == first and
                                       line.endswith(" " + rest)):
            return f"would run: {line}"  # the description only repeats the command ("cargo add serde_json")
        return f"would run: {line} ({fix.description})"
    return f"would act on: {fix.description}"
