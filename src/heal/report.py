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
    write_atomic(path, (json.dumps(redact_json(obj), indent=2) + "\n").encode())
