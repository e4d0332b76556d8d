"""`heal learn [--for 'CMD'] -- FIX [ARGS...]`: teach heal the fix you found by hand.

heal runs FIX where you are, journaled (a change set `heal log` lists; `heal rollback` of it says that the
command is not undone: heal cannot know what an arbitrary command changed), then runs the last command heal
could not heal in this project again, where it failed. If that passes now, FIX becomes a `taught` pattern
for the failure (exit 0), offered the next time a failure like it happens, here or in another project;
otherwise nothing is recorded (exit 1).

The last failure is the one `heal -- CMD` remembered (heal.store.memory.save_failure): its command is kept,
readable by you only, unless it held a secret; then only its redacted form is, and you give the command
again with --for (compared with the redacted record, never stored). A FIX that holds a secret is not
remembered: heal stores no secrets; teach a script that reads it from the environment instead.
"""

from __future__ import annotations

import sys

from heal.commands._args import parse
from heal.errors import UsageError

USAGE = """\
usage: heal learn [--for 'CMD'] -- FIX [ARGS...]

Teach heal the fix you found for the last failure it could not heal in this project: heal runs FIX
(journaled; heal rollback cannot undo what a command did, and says so), then the failed command again.
If it passes now, heal remembers FIX for that failure and offers it the next time a failure like it
happens, in any project (applied with --yes or a yes on a terminal, suggested otherwise).

  --for 'CMD'   the failed command, given again: needed when it held a secret heal did not keep
  -h, --help    this text"""


def main(args: list[str]) -> int:
    if "--" not in args:
        if {"-h", "--help"} & set(args):
            print(USAGE)
            return 0
        raise UsageError("put '--' before your fix: heal learn [--for 'CMD'] -- FIX [ARGS...]")
    split = args.index("--")
    seen, positional = parse(args[:split], "learn", flags={"-h": "help", "--help": "help"},
                             options={"--for": "for"})
    if seen.get("help"):
        print(USAGE)
        return 0
    if positional:
        raise UsageError(f"heal learn: unexpected argument '{positional[0]}' (the fix goes after '--')")
    fix = args[split + 1:]
    if not fix:
        raise UsageError("no fix after '--': heal learn -- FIX [ARGS...]")
    if fix[0].startswith("-") or not fix[0]:
        raise UsageError(f"heal learn: '{fix[0]}' is not a program")
    return teach(fix, seen.get("for"))


def teach(fix: list[str], given: str | None) -> int:
    import os
    import shlex
    import time

    from heal import config
    from heal.project import project_root
    from heal.redact import redact_argv
    from heal.store.memory import forget_failure, load_failure

    try:
        cfg = config.load()
    except config.ConfigError as exc:
        _say(f"config error: {exc} (using defaults)")
        cfg = config.defaults()
    if not cfg.bool("learn.enabled"):
        return _fail("learning is off (learn.enabled = false): nothing is remembered")
    cwd = os.getcwd()
    root = project_root(cwd)
    record = load_failure(root)
    if record is None:
        return _fail("no failure to teach a fix for: heal remembers the last failure it could not heal in this "
                     "project (run the failing command through heal first: heal -- CMD)")
    shown = shlex.join(record["shown"])
    if given is not None:
        try:
            argv = shlex.split(given)
        except ValueError as exc:
            raise UsageError(f"heal learn --for: {exc}") from None
        if not argv or list(redact_argv(argv)) != record["shown"]:
            return _fail(f"--for names another command than the last failure here: {shown}")
    elif record["argv"] is None:
        return _fail(f"the last failure here ({shown}) held a secret heal did not keep: give the command again "
                     f"with --for '<the command>'")
    else:
        argv = record["argv"]
    if list(redact_argv(fix)) != fix:
        return _fail(f"not remembering {shlex.join(redact_argv(fix))}: it holds a secret, and heal stores none; "
                     "put the secret in an environment variable and teach a script that reads it")
    if not os.path.isdir(record["cwd"]):
        return _fail(f"the failure happened in {record['cwd']}, which is gone")
    ago = _ago(time.time() - record["time"])
    _say(f"teaching a fix for: {record['summary']} ({shown}, {ago})")
    code = _run_fix(fix, cwd, root, record["summary"])
    if code is None:
        return 1
    _say(f"running the failed command again: {shown}")
    from heal.run import RunSpec, run

    again = run(RunSpec(tuple(argv), cwd=record["cwd"], passthrough=True, head_bytes=0, tail_bytes=0))
    if again.exit_code != 0:
        return _fail(f"it still fails (exit {again.exit_code}): nothing learned")
    from heal.store import BadPattern, Store, StoreUnavailable

    try:
        with Store(cutoff=cfg.float("learn.cutoff")) as store:
            pattern = store.teach(record["signature"], record["fingerprint"], record["category"], record["tool"],
                                  fix, ecosystem=record["ecosystem"], key=record["key"], summary=record["summary"],
                                  cwd=cwd)
    except (StoreUnavailable, BadPattern) as exc:
        return _fail(f"{exc}: nothing learned")
    forget_failure(root)
    _say(f"learned (pattern {pattern.id}): {pattern.fix.describe()} fixes \"{record['summary']}\"; heal offers it "
         f"the next time this failure happens, here or in another project (heal patterns show {pattern.id})")
    return 0


def _run_fix(fix: list[str], cwd: str, root: str, summary: str) -> int | None:
    """Run the user's fix as a journaled change; its exit status 0, or None (said why)."""
    from heal.errors import HealError
    from heal.journal import open_journal
    from heal.journal.kinds import CommandChange

    try:
        with open_journal().changeset(cwd=cwd, root=root, command=["heal", "learn", "--", *fix],
                                      diagnosis=f"teaching a fix for: {summary}") as cs:
            cs.apply(CommandChange(fix, cwd=cwd, reason="heal learn", timeout=None))
    except (HealError, OSError) as exc:
        _fail(f"your fix did not work: {exc}; nothing learned")
        return None
    return 0


def _ago(seconds: float) -> str:
    if seconds < 90:
        return "just now"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min ago"
    if seconds < 86400 * 2:
        return f"{seconds / 3600:.0f} h ago"
    return f"{seconds / 86400:.0f} days ago"


def _say(message: str) -> None:
    try:
        sys.stderr.write(f"heal: {message}\n")
        sys.stderr.flush()
    except Exception:
        pass


def _fail(message: str) -> int:
    _say(message)
    return 1
