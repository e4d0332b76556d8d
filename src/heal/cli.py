"""The typer app: every subcommand. Thin: each command parses its arguments and calls one module."""

from __future__ import annotations

import json
import sys

import typer

from heal import __version__, config, paths, runopts

HELP = f"""Run a command exactly as the shell would; when it fails, diagnose it and fix it.

\b
Run a command:   heal [OPTIONS] -- COMMAND [ARGS]...
Anything else:   heal SUBCOMMAND [ARGS]...

\b
Run options (before --):
{runopts.help_text()}

heal exits with the command's own exit status (128+N if a signal N killed it, 124 on a timeout,
127 if it was not found, 126 if it could not be executed); heal's own usage errors exit 2.
"""

app = typer.Typer(
    help=HELP,
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"heal {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True,
                                 help="Print heal's version and exit."),
) -> None:
    pass


@app.command("config")
def config_cmd(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """Print the effective configuration and where each value came from."""
    try:
        cfg = config.load()
    except config.ConfigError as exc:
        _fail(str(exc))
    state = paths.state_dir()
    state_source = "HEAL_HOME" if "HEAL_HOME" in __import__("os").environ else "default"
    if as_json:
        obj = {
            "settings": {k.name: {"value": v, "source": src} for k, v, src in cfg.items()},
            "state_dir": {"value": state, "source": state_source},
            "user_config": paths.user_config_file(),
        }
        typer.echo(json.dumps(obj, indent=2))
        return
    rows = [(k.name, json.dumps(v), src) for k, v, src in cfg.items()]
    rows.append(("state_dir", state, state_source))
    width = max(len(r[0]) for r in rows)
    vwidth = max(len(r[1]) for r in rows)
    for name, value, src in rows:
        typer.echo(f"{name.ljust(width)} = {value.ljust(vwidth)}  # {src}")
    typer.echo(f"# user config file: {paths.user_config_file()}")


@app.command("diagnose")
def diagnose_cmd(
    source: str = typer.Argument("-", metavar="[FILE|-]", help="Captured output to classify; - (default) is stdin."),
    command: str = typer.Option("", "--command", "-c", metavar="CMD", help="The command that produced it."),
    exit_code: int | None = typer.Option(None, "--exit-code", "-e", metavar="N", help="Its exit status."),
    as_json: bool = typer.Option(False, "--json", help="Print the diagnosis as JSON."),
) -> None:
    """Classify a command's captured output: category, severity, summary, facts, signature."""
    # Normally heal.entry runs heal.diagnose_cli directly; this declaration gives `--help` and a fallback.
    from heal.diagnose_cli import run
    from heal.runopts import UsageError

    try:
        run(source, command, exit_code, as_json)
    except UsageError as exc:
        _fail(str(exc))


@app.command("repair")
def repair_cmd(
    files: list[str] = typer.Argument(..., metavar="FILE...", help="Python (.py), JSON (.json) or TOML (.toml) files."),
    check: bool = typer.Option(False, "--check", help="Change nothing; exit 1 if any file is broken."),
    dry_run: bool = typer.Option(False, "--dry-run", "-n", help="Show what would be repaired, change nothing."),
    diff: bool = typer.Option(False, "--diff", help="Print a unified diff of each repair."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per file."),
    python: str | None = typer.Option(None, "--python", metavar="PATH",
                                      help="The interpreter the code is for (default: the project's .venv)."),
) -> None:
    """Repair syntax errors in place, through the change log (heal rollback --last undoes it)."""
    # Normally heal.entry runs heal.commands.repair directly; this declaration gives `--help` and a fallback.
    from heal.commands.repair import Options, run
    from heal.runopts import UsageError

    try:
        code = run(Options(tuple(files), check, dry_run, diff, as_json, python), ["repair", *files])
    except UsageError as exc:
        _fail(str(exc))
    raise typer.Exit(code)


log_app = typer.Typer(help="The change log: every change heal made, newest first.", invoke_without_command=True,
                      no_args_is_help=False, add_completion=False, rich_markup_mode=None)
app.add_typer(log_app, name="log")


@log_app.callback()
def log_cmd(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
    count: int = typer.Option(20, "-n", "--count", min=1, help="How many change sets to show."),
    every: bool = typer.Option(False, "--all", help="Every project's change sets, not only this project's."),
) -> None:
    """Recent change sets of this project: id, when, command, what was done, status (applied, rolled back,
    incomplete); --all for every project's."""
    if ctx.invoked_subcommand is not None:
        return
    from heal.journal import JournalError
    from heal.project import project_root

    journal = _journal()
    root = None if every else project_root()
    try:
        ids = journal.ids()
        # the newest first, and only as many as shown are read in full
        mine = [i for i in reversed(ids) if root is None or journal.root_of(i) in (root, "")]
        infos = [journal.info(i) for i in mine[:count]]
        size = journal.blobs.size()
    except JournalError as exc:
        _fail(str(exc), code=exc.exit_code)
    if as_json:
        out = [{"id": i.id, "created": i.created, "command": list(i.command), "cwd": i.cwd, "root": i.root,
                "kind": i.kind, "undoes": i.undoes, "status": i.status, "diagnosis": i.diagnosis,
                "changes": i.describe(), **({"problem": i.problem} if i.problem else {})} for i in infos]
        sys.stdout.write(json.dumps({"project": root, "change_sets": out, "store_bytes": size}, indent=1) + "\n")
        return
    if not infos:
        typer.echo("heal: the change log is empty" if not ids else
                   f"heal: no change sets for {root} (heal log --all lists every project's)")
    for i in infos:
        command = " ".join(i.command) or "-"
        typer.echo(f"{i.id}  {i.created}  [{i.status}]  {command}")
        typer.echo(f"    project: {i.root or '?'}")
        if i.diagnosis:
            typer.echo(f"    {i.diagnosis}")
        for line in i.describe():
            typer.echo(f"    - {line}")
        if i.problem:
            typer.echo(f"    ! {i.problem}")
    scope = "" if root is None else f" ({len(mine)} for this project)"
    typer.echo(f"store: {len(ids)} change sets{scope}, {_size(size)} of backups in {journal.state_dir}")


@log_app.command("prune")
def log_prune(older_than: str = typer.Option("", "--older-than", metavar="AGE",
                                             help="e.g. 30d, 12h (default: log.retention_days)")) -> None:
    """Drop old change sets and the backups nothing refers to any more."""
    if older_than:
        days = _parse_age(older_than)
    else:
        try:
            days = float(config.load()["log.retention_days"])  # type: ignore[arg-type]
        except config.ConfigError as exc:
            _fail(str(exc))
    from heal.journal import JournalError

    try:
        sets, blobs = _journal().prune(days)
    except JournalError as exc:
        _fail(str(exc), code=exc.exit_code)
    typer.echo(f"heal: pruned {sets} change sets older than {days:g} days and {blobs} unreferenced backups")


@app.command("rollback")
def rollback_cmd(
    ident: str = typer.Argument(None, metavar="[ID]", help="The change set to undo (a unique prefix will do)."),
    last: bool = typer.Option(False, "--last", help="Undo this project's most recent heal run."),
    dry_run: bool = typer.Option(False, "--dry-run", "-n", help="Show what would be undone, change nothing."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask."),
    force: bool = typer.Option(False, "--force", help="Overwrite files (and packages) that changed after heal "
                                                      "touched them."),
) -> None:
    """Undo a heal run, byte-exact: files, modes, created files, installed packages, manifests."""
    from heal.journal import JournalError
    from heal.journal.lock import project_lock
    from heal.journal.rollback import locked
    from heal.project import SafetyError, project_root

    journal = _journal()
    if ident is None and not last:
        _fail("which change set? give an ID or --last (see heal log)")
    try:
        root = project_root()
        if last:
            # resolved under this project's lock: concurrent `--last`s undo one change set, once
            with project_lock(root, ["heal", "rollback", "--last"]):
                cid = journal.resolve(None, last=True, root=root)
                with locked(journal, cid):
                    _rollback_locked(journal, cid, root, dry_run=dry_run, yes=yes, force=force)
        else:
            cid = journal.resolve(ident)
            with locked(journal, cid):
                _rollback_locked(journal, cid, root, dry_run=dry_run, yes=yes, force=force)
    except JournalError as exc:
        _fail(str(exc), code=exc.exit_code)
    except (SafetyError, OSError) as exc:
        _fail(str(exc), code=1)


def _rollback_locked(journal, cid: str, root: str, *, dry_run: bool, yes: bool, force: bool) -> None:
    """Plan, show, ask and roll back, all under the project's lock: what is shown is what is done."""
    from heal.journal.rollback import check, plan, rollback, settle

    p = plan(journal, cid)
    elsewhere = f" in another project, {p.target.root}" if p.target.root and p.target.root != root else ""
    if p.target.status == "rolled back":
        by = journal.status_detail(cid).get("by", "")
        typer.echo(f"heal: nothing to do: {cid}{elsewhere} was already rolled back" + (f" (by {by})" if by else ""))
        return
    if not p.work and not p.conflicts:
        if not dry_run:
            settle(journal, p)
        typer.echo(f"heal: nothing to do: everything {cid}{elsewhere} changed is already as before")
        return
    typer.echo(f"heal: rolling back {cid} ({' '.join(p.target.command) or '-'}){elsewhere}:")
    for step in p.steps:
        if step.action == "nothing" and not step.conflict:
            continue
        typer.echo(f"  - {step.describe}" + (f"  [{step.conflict}]" if step.conflict else ""))
    for warning in p.warnings:
        typer.echo(f"heal: warning: {warning}", err=True)
    if dry_run:
        return
    check(p, force=force)
    if not yes and not _confirm("Roll back these changes?"):
        _fail("not rolled back (no terminal to ask on: add --yes)" if not sys.stdin.isatty() else
              "not rolled back", code=1)
    outcome = rollback(journal, p, force=force)
    typer.echo(f"heal: rolled back {cid} ({len(outcome.done)} changes); undo this with: heal rollback "
               f"{outcome.rollback_id}")


checkpoint_app = typer.Typer(help="Snapshots of the project's files.", no_args_is_help=True, add_completion=False,
                             rich_markup_mode=None)
app.add_typer(checkpoint_app, name="checkpoint")


@checkpoint_app.command("create")
def checkpoint_create(name: str = typer.Option("", "--name", help="A name to find it by.")) -> None:
    """Snapshot the project's files (git: tracked and untracked-not-ignored)."""
    from heal.journal import checkpoint
    from heal.project import project_root

    from heal.journal import JournalError

    try:
        cp = checkpoint.create(_journal(), project_root(), name)
    except JournalError as exc:
        _fail(str(exc), code=exc.exit_code)
    except OSError as exc:
        _fail(f"cannot create a checkpoint: {exc.strerror or exc}", code=1)
    typer.echo(f"heal: checkpoint {cp['id']}{' (' + name + ')' if name else ''}: {len(cp['files'])} files of "
               f"{cp['root']}")


@checkpoint_app.command("list")
def checkpoint_list(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """The checkpoints, oldest first."""
    from heal.journal import checkpoint

    cps = checkpoint.all_checkpoints(_journal())
    if as_json:
        sys.stdout.write(json.dumps([{k: v for k, v in c.items() if k != "files"} | {"files": len(c["files"])}
                                     for c in cps], indent=1) + "\n")
        return
    for c in cps:
        typer.echo(f"{c['id']}  {c.get('created', '?')}  {len(c['files'])} files  {c.get('root', '')}"
                   + (f"  ({c['name']})" if c.get("name") else "") + ("  DAMAGED" if c.get("damaged") else ""))


@checkpoint_app.command("validate")
def checkpoint_validate(ident: str = typer.Argument(..., metavar="ID")) -> None:
    """Re-hash what was stored and report any corruption."""
    from heal.journal import JournalError, checkpoint

    try:
        cp = checkpoint.load(_journal(), ident)
    except JournalError as exc:
        _fail(str(exc))
    problems = checkpoint.validate(_journal(), cp)
    for problem in problems:
        typer.echo(f"heal: {problem}")
    if problems:
        raise typer.Exit(1)
    typer.echo(f"heal: checkpoint {cp['id']} is intact ({len(cp['files'])} files)")


@checkpoint_app.command("restore")
def checkpoint_restore(
    ident: str = typer.Argument(..., metavar="ID"),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask."),
    dry_run: bool = typer.Option(False, "--dry-run", "-n", help="Show what would change."),
) -> None:
    """Put the project's files back as they were at a checkpoint (journaled: heal rollback undoes it)."""
    from heal.journal import JournalError, checkpoint
    from heal.journal.lock import project_lock
    from heal.project import SafetyError

    journal = _journal()
    try:
        cp = checkpoint.load(journal, ident)
        # compared, shown and restored under the project's lock: no heal run changes it in between
        with project_lock(cp["root"], ["heal", "checkpoint", "restore", cp["id"]]):
            changes = checkpoint.diff(journal, cp)
            if not changes:
                typer.echo(f"heal: nothing to do: the project matches checkpoint {cp['id']}")
                return
            for action, rel in changes:
                typer.echo(f"  {action:8} {rel}")
            if dry_run:
                return
            if not yes and not _confirm(f"Apply these {len(changes)} changes?"):
                _fail("not restored (no terminal to ask on: add --yes)" if not sys.stdin.isatty() else
                      "not restored", code=1)
            cid = checkpoint.restore(journal, cp, changes)
    except JournalError as exc:
        _fail(str(exc), code=exc.exit_code)
    except (SafetyError, OSError) as exc:
        _fail(str(exc), code=1)
    typer.echo(f"heal: restored checkpoint {cp['id']} ({len(changes)} changes, change set {cid})")


def _journal():
    from heal.journal import open_journal

    return open_journal()


def _confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _parse_age(text: str) -> float:
    import re

    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*", text)
    if not m:
        _fail(f"--older-than: expected an age like 30d, 12h or 90m, not {text!r}")
    unit = {"s": 1 / 86400, "m": 1 / 1440, "h": 1 / 24, "d": 1, "w": 7, "": 1}[m.group(2)]
    return float(m.group(1)) * unit


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} B"


def _fail(message: str, code: int = 2) -> None:
    sys.stderr.write(f"heal: error: {message}\n")
    raise typer.Exit(code)


def app_main(args: list[str]) -> int:
    try:
        app(args=args, prog_name="heal", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        sys.stderr.write(f"{code}\n")
        return 1
    return 0
