"""`heal checkpoint create [--name N] | list [--json] | validate ID | restore ID [--yes] [--dry-run]`: snapshots
of the project's own files."""

from __future__ import annotations

import os
import sys

from heal.commands._args import at_most, confirm, out, parse, refusal
from heal.errors import Refused, UsageError

USAGE = "create [--name N] | list [--json] | validate ID | restore ID [--yes] [--dry-run]"


def main(args: list[str]) -> int:
    if not args:
        raise UsageError(f"heal checkpoint needs a subcommand: {USAGE}")
    sub = {"create": create, "list": list_, "validate": validate, "restore": restore}.get(args[0])
    if sub is None:
        raise UsageError(f"'{args[0]}' is not a checkpoint subcommand: {USAGE}")
    from heal.journal import open_journal

    try:
        return sub(open_journal(), args[1:])
    except OSError as exc:
        raise refusal(exc, f"checkpoint {args[0]}: {exc.strerror or exc}") from None


def create(journal, args: list[str]) -> int:
    seen, positional = parse(args, "checkpoint create", options={"--name": "name"})
    at_most(positional, 0, "checkpoint create")
    from heal.journal import checkpoint
    from heal.project import project_root

    name = seen.get("name", "")
    cp = checkpoint.create(journal, project_root(), name)
    out(f"heal: checkpoint {cp['id']}{' (' + name + ')' if name else ''}: {len(cp['files'])} files of {cp['root']}")
    return 0


def list_(journal, args: list[str]) -> int:
    seen, positional = parse(args, "checkpoint list", flags={"--json": "json"})
    at_most(positional, 0, "checkpoint list")
    from heal.journal import checkpoint

    cps = checkpoint.all_checkpoints(journal)
    if seen.get("json"):
        import json

        out(json.dumps([{k: v for k, v in c.items() if k != "files"} | {"files": len(c["files"])} for c in cps],
                       indent=1))
        return 0
    for c in cps:
        out(f"{c['id']}  {c.get('created', '?')}  {len(c['files'])} files  {c.get('root', '')}"
            + (f"  ({c['name']})" if c.get("name") else "") + ("  DAMAGED" if c.get("damaged") else ""))
    return 0


def _one(args: list[str], command: str, **kw) -> tuple[dict, str]:
    seen, positional = parse(args, command, **kw)
    if not positional:
        raise UsageError(f"heal {command} needs a checkpoint ID (see heal checkpoint list)")
    at_most(positional, 1, command)
    return seen, positional[0]


def validate(journal, args: list[str]) -> int:
    _, ident = _one(args, "checkpoint validate")
    from heal.journal import checkpoint

    cp = checkpoint.load(journal, ident)
    problems = checkpoint.validate(journal, cp)
    for problem in problems:
        out(f"heal: {problem}")
    if problems:
        return 1
    out(f"heal: checkpoint {cp['id']} is intact ({len(cp['files'])} files)")
    return 0


def restore(journal, args: list[str]) -> int:
    seen, ident = _one(args, "checkpoint restore",
                       flags={"--yes": "yes", "-y": "yes", "--dry-run": "dry_run", "-n": "dry_run"})
    from heal.journal import checkpoint
    from heal.journal.lock import project_lock

    cp = checkpoint.load(journal, ident)
    # compared, shown and restored under the project's lock: no heal run changes it in between
    with project_lock(cp["root"], ["heal", "checkpoint", "restore", cp["id"]]):
        changes = checkpoint.diff(journal, cp)
        if not changes:
            out(f"heal: nothing to do: the project matches checkpoint {cp['id']}")
            return 0
        from heal.project import project_root

        here = project_root()
        # restoring another project's checkpoint changes that project, wherever it is run from: say which
        out(f"heal: checkpoint {cp['id']} of {cp['root']}" + (" (another project than this one)"
                                                               if os.path.realpath(cp["root"]) != here else "") + ":")
        for action, rel in changes:
            out(f"  {action:8} {rel}")
        if seen.get("dry_run"):
            return 0
        if not seen.get("yes") and not confirm(f"Apply these {len(changes)} changes?"):
            raise Refused("not restored (no terminal to ask on: add --yes)" if not sys.stdin or not sys.stdin.isatty()
                          else "not restored")
        cid = checkpoint.restore(journal, cp, changes)
    out(f"heal: restored checkpoint {cp['id']} ({len(changes)} changes, change set {cid})")
    return 0
