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
    return " ".join(a if a and all(c in _PLAIN for c in a) else _quote(a) for a in argv or ())


_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-")  # as shlex.quote


def _quote(word: str) -> str:
    import shlex  # only when a word needs it

    return shlex.quote(word)


# --- presenters -----------------------------------------------------------------------------------------

class Terminal:
    """heal's lines on stderr; questions on the terminal when there is one."""

    chatty = True  # the step-by-step lines (what runs, running again)

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
            hint = (" (it needs a yes on a terminal, even with --yes)" if why == "needs-terminal" else
                    " (run with --yes to let heal do it)")
            self.say(f"suggestion: {fix.description}" + (f": {command_line(fix.argv)}" if fix.argv else "") + hint)
        else:
            self.say(f"suggestion: {fix.description}" + (f"\n      {command_line(fix.argv)}" if fix.argv else ""))

    def dry_run(self, fix: Any) -> None:
        self.say(f"{_would(fix)} (dry run)")

    def confirm(self, fix: Any) -> bool:
        if fix.argv:
            self.say(f"will run: {command_line(fix.argv)}")  # the exact action, before the question
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
        """A change that runs a command (an install can take a while): say what runs."""
        argv = getattr(fix.change, "argv", None)
        if argv:
            self._step(f"{fix.description}: {command_line(argv)}")

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

    def stopped_by_user(self) -> None:
        self.say("stopped (Ctrl-C)")

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
        self.emit("suggestion", why=why or "suggest", fix=fix.to_json())

    def dry_run(self, fix: Any) -> None:
        self.emit("dry_run", fix=fix.to_json())

    def applying(self, fix: Any) -> None:
        self.emit("applying", fix=fix.to_json())

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
        return f"would run: {command_line(fix.argv)} ({fix.description})"
    return f"would act on: {fix.description}"
