"""`heal hook claude-code` (Claude Code's hook JSON on stdin, an answer on stdout, always exit 0) and
`heal hook git NAME SCRIPT [ARGS...]` (what heal's installed git hooks run).

Routed here by heal.entry without typer: both run on every agent command or commit.
"""

from __future__ import annotations

import sys

from heal.errors import UsageError

USAGE = "heal hook claude-code < payload.json | heal hook git NAME SCRIPT [ARGS...]"


def main(args: list[str]) -> int:
    if args[:1] in (["-h"], ["--help"]):
        sys.stdout.write(f"usage: {USAGE}\n\nWhat heal's installed hooks run: `heal hooks install` sets them up.\n")
        return 0
    if args[:1] == ["claude-code"]:
        return _claude_code()
    if args[:1] == ["git"] and len(args) >= 3:
        from heal.integrations.git import KNOWN_HOOKS, run_hook

        if args[1] not in KNOWN_HOOKS:
            raise UsageError(f"'{args[1]}' is not a git hook")
        return run_hook(args[1], args[2], args[3:])
    raise UsageError(f"usage: {USAGE}")


def _claude_code() -> int:
    """Never breaks the agent: whatever arrives, exit 0, and stdout is empty or one JSON object."""
    try:
        from heal.integrations.claude_code import MAX_INPUT, handle

        payload = _read_all(MAX_INPUT)
        answer = handle(payload)
        if answer:
            sys.stdout.buffer.write(answer)
            sys.stdout.buffer.flush()
    except BaseException:  # noqa: BLE001 - the contract is exit 0 and no traceback, on any input
        _quiet_exit()
    return 0


def _read_all(limit: int) -> bytes:
    """stdin to its end (a writer blocked on a full pipe would hold the agent up), keeping `limit`+1 bytes:
    more than that is not a payload heal answers."""
    import os

    kept = bytearray()
    fd = sys.stdin.fileno()
    while True:
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return bytes(kept)
        if len(kept) <= limit:
            kept += chunk[: limit + 1 - len(kept)]


def _quiet_exit() -> None:
    # a closed stdout would make the interpreter print "Exception ignored" on its way out
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
    except OSError:
        pass
