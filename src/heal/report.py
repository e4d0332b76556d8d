"""The `--report FILE` JSON object (contract in DESIGN.md). A report is persisted like the journal, so
everything in it, the command line first, goes through heal.redact."""

from __future__ import annotations

import json

from heal.fsutil import write_atomic
from heal.redact import redact_argv, redact_json
from heal.run import RunResult


def report_object(first: RunResult, last: RunResult, *, healed: bool = False, change_id: str | None = None,
                  attempts: list[dict] | None = None) -> dict:
    return {
        "command": redact_argv(first.argv),
        "exit_code": last.exit_code,
        "original_exit_code": first.exit_code,
        "healed": healed,
        "change_id": change_id,
        "attempts": redact_json(attempts or []),
    }


def write_report(path: str, obj: dict) -> None:
    """Write the report where the user pointed, as a shell's `>` would: through a symlink to its target, into
    a device or FIFO in place (`--report /dev/stdout`, `--report >(jq .)`); a regular file is replaced
    atomically. (Renaming over the path replaced a device or a link with a plain file: as root,
    `--report /dev/null` would have replaced the system's /dev/null.)"""
    import os
    import stat

    data = (json.dumps(redact_json(obj), indent=2) + "\n").encode()
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        with open(path, "wb") as fh:
            fh.write(data)
        return
    write_atomic(os.path.realpath(path), data)
