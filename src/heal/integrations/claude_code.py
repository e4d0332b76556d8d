"""Claude Code's hook handler, `heal hook claude-code` (heal.commands.hook reads stdin and calls handle()).
Installing it into Claude Code's settings (`heal hooks install|uninstall|status claude-code`) is
heal.integrations.claude_settings: this module is imported on every Bash command the agent runs.

The handler never breaks the agent: anything unexpected is exit 0 with no output. For a failed Bash command it
answers `{"hookSpecificOutput": {"hookEventName": "PostToolUseFailure", "additionalContext": ...}}`: what failed,
the fix heal would make, and what resolved a similar failure before. It changes nothing unless configured to
(`hooks.claude_code_apply`), and then only low-risk fixes, journaled.

Learning from the agent (heal.integrations.observe): a failure starts a sequence, per session and project; the
commands that succeed after it until the failed command succeeds become an `observed` pattern for the failure.
The success path imports nothing of the diagnosis unless a failure is pending for its session.
"""

from __future__ import annotations

import os

from heal.cjson import loads, string
from heal.integrations import MAX_SPLIT  # argv_of: longer commands are not split into words

MAX_INPUT = 4 << 20  # Claude Code middle-truncates `error` past 10,000 characters: a bigger payload is not one
MAX_CONTEXT = 2000  # characters of additionalContext: factual and short, far below Claude Code's 10,000


def handle(payload: bytes) -> bytes:
    """Claude Code's hook JSON in, heal's answer out (b"" for no answer). Never raises."""
    try:
        if len(payload) > MAX_INPUT:
            return b""
        obj = loads(payload)  # heal.cjson: no `import json` (and re) on the success path
        if not isinstance(obj, dict) or obj.get("tool_name") != "Bash":
            return b""
        event = obj.get("hook_event_name")
        if event == "PostToolUseFailure":
            return _failure(obj)
        if event == "PostToolUse":
            fields = _fields(obj)
            if fields is not None and fields[2]:
                from heal.integrations.observe import succeeded

                succeeded(*fields)
    except Exception:  # noqa: BLE001 - the contract: whatever happens, the agent goes on
        return b""
    return b""


def _fields(obj: dict) -> tuple[str, str, str] | None:
    """(command, cwd, session) when the payload has them with the right types and cwd exists."""
    tool_input = obj.get("tool_input")
    command = tool_input.get("command") if isinstance(tool_input, dict) else None
    cwd = obj.get("cwd")
    session = obj.get("session_id")
    if not isinstance(command, str) or not command.strip() or not isinstance(cwd, str) or not os.path.isdir(cwd):
        return None
    return command, os.path.realpath(cwd), session if isinstance(session, str) else ""


def _failure(obj: dict) -> bytes:
    fields = _fields(obj)
    error = obj.get("error")
    if fields is None or not isinstance(error, str) or obj.get("is_interrupt") is True:
        return b""
    command, cwd, session = fields
    first, _, rest = error.partition("\n")
    exit_code = _exit_code(first)
    output = rest if exit_code is not None else error  # the shell could not even start: the message is all there is
    if exit_code == 0:
        return b""
    timed_out = output.startswith(_TIMED_OUT) or "\n" + _TIMED_OUT in output
    argv = argv_of(command)
    from heal.diagnose import diagnose

    d = diagnose(output.encode("utf-8", "surrogatepass"), argv=argv, exit_code=exit_code, timed_out=timed_out,
                 cwd=cwd)
    if d.category == "unknown":
        return b""
    lines = [_what(d)]
    if d.category == "test":
        tests = d.facts.get("tests")
        if isinstance(tests, list) and tests:
            lines.append("failing: " + ", ".join(map(str, tests[:8])) + (" ..." if len(tests) > 8 else ""))
        lines.append("a genuine test failure: heal does not change code or tests")
        return _answer(lines)
    settings = _settings(cwd)
    fixes = _plan(d, argv, cwd, output, exit_code, settings)
    applied = _maybe_apply(fixes, d, argv, cwd) if settings.get("hooks.claude_code_apply") is True else ""
    if applied:
        lines.append(applied)
    for fix in fixes[:2]:
        lines.append(_describe(fix))
    lines.extend(_resolved_before(d))
    try:
        from heal.integrations.observe import failed

        failed(session, cwd, command, d)
    except Exception:  # noqa: BLE001 - learning is a bonus: the advice is what the agent waits for
        pass
    return _answer(lines)


_TIMED_OUT = "Command timed out after "  # a line of its own in the error (integrations.md §1.2)


def _exit_code(line: str) -> int | None:
    """N of the error's first line `Exit code N` (blanks around it allowed), else None."""
    words = line.strip()
    if not words.startswith("Exit code "):
        return None
    number = words[len("Exit code "):]
    digits = number[1:] if number.startswith("-") else number
    return int(number) if digits.isdecimal() else None


def _what(d) -> str:
    # heal.present's location(), without its import (typing) on a path that counts milliseconds
    file, line, column = d.facts.get("file"), d.facts.get("line"), d.facts.get("column")
    where = f"{file}" + (f":{line}" if line else "") + (f":{column}" if line and column else "") if file else ""
    return f"heal: {d.category}: {d.summary}" + (f" [{where}]" if where else "")


def _describe(fix) -> str:
    from heal.shellwords import join

    if fix.argv:
        return f"fix: {fix.description}: `{join(fix.argv)}`"
    return f"fix: {fix.description}"


def _answer(lines: list[str]) -> bytes:
    """The one JSON object Claude Code reads: written as json.dumps(..., ensure_ascii=False) would write it,
    without importing json (heal.cjson)."""
    text = "\n".join(line for line in lines if line)
    if len(text) > MAX_CONTEXT:
        text = text[: MAX_CONTEXT - 4] + " ..."
    return ('{"hookSpecificOutput": {"hookEventName": "PostToolUseFailure", "additionalContext": '
            + string(text) + "}}\n").encode("utf-8")


def argv_of(command: str) -> list[str]:
    """The argv diagnosis wants: a simple command's words; anything using the shell (operators, redirections,
    expansions, a quote never closed) is `sh -c COMMAND`, as Claude Code's Bash tool runs it."""
    from heal.shellwords import simple_command  # shlex imports re: ~3 ms of this hook

    # split a character at a time: past a length no typed command reaches, a line stays a shell line
    if len(command) > MAX_SPLIT or any(c in command for c in "$`\n") or "<(" in command:
        return ["sh", "-c", command]
    try:
        words = simple_command(command)
    except ValueError:
        return ["sh", "-c", command]
    return words or ["sh", "-c", command]


def _settings(cwd: str):
    from heal import config

    try:
        return config.load(cwd).values
    except config.ConfigError:
        return config.defaults().values  # a typo in a config file: advice with the defaults, nothing applied


def _plan(d, argv: list[str], cwd: str, output: str, exit_code: int | None, settings) -> list:
    from heal.fixes import PlanContext, plan_fixes
    from heal.project import project_root

    ctx = PlanContext(d, tuple(argv), cwd, project_root(cwd), output, exit_code if exit_code is not None else 1,
                      settings=settings, probe=False)  # the payload's programs are never run
    try:
        return plan_fixes(ctx)
    except Exception:  # noqa: BLE001 - planning is advice here: its failure must not cost the diagnosis
        return []


def _maybe_apply(fixes: list, d, argv: list[str], cwd: str) -> str:
    """Apply the first fix when it is low-risk and a change heal journals (a chmod, an install): never a command
    run in the agent's place, never a retry. The caller checked that the configuration asks for it."""
    if not fixes:
        return ""
    fix = fixes[0]
    if fix.risk != "low" or fix.action not in ("chmod", "install") or fix.change is None or fix.choices or fix.ask:
        return ""
    from heal.errors import HealError
    from heal.fixes import ACTIONS
    from heal.journal import open_journal
    from heal.project import project_root
    from heal.redact import redact_argv

    try:
        with open_journal().changeset(cwd=cwd, root=project_root(cwd), command=redact_argv(argv),
                                      diagnosis=d.summary) as cs:
            cs.apply(fix.change)
            cid = cs.id
        check = getattr(ACTIONS[fix.action], "check", None)
        note = check(fix) if check is not None else ""
    except (HealError, OSError) as exc:
        return f"heal could not apply {fix.description}: {exc}"
    fixes.pop(0)
    if note:
        return f"heal tried to {fix.description}: {note} (undo: heal rollback {cid})"
    return f"heal applied: {fix.description} (undo: heal rollback {cid}); the command was not run again"


def _resolved_before(d) -> list[str]:
    """What resolved a similar failure before, from the pattern store, with how often."""
    try:
        from heal.store.memory import Memory
    except ImportError:
        return []
    from heal.shellwords import join

    lines = []
    # Memory opens the store only where there is one: no sqlite3 loaded, no store created, before heal learned
    # anything; a store it cannot use is no advice, not a warning in the agent's context
    memory = Memory(lambda _: None)
    try:
        for c in memory.lookup(d)[:3]:
            fix = c.fix
            seen = f"seen {c.successes} time{'s' if c.successes != 1 else ''}"
            similar = "" if c.exact else f", a similar failure ({c.similarity:.0%})"
            if fix.kind in ("advice", "command"):
                from heal.integrations.observe import risky

                if any(risky(join(cmd)) for cmd in fix.commands):
                    continue  # recorded before heal refused such advice, or imported: not passed on
                cmds = "; ".join(f"`{join(cmd)}`" for cmd in fix.commands[:4])
                lines.append(f"resolved before by {cmds} ({seen}{similar})")
            elif fix.kind == "playbook":
                lines.append(f"heal's playbook {fix.playbook} fixed it before ({seen}{similar})")
    except Exception:  # noqa: BLE001 - the store is advice too (a damaged row, a bug)
        return lines
    finally:
        memory.close()
    return lines
