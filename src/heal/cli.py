"""heal's --help screens, declared with typer. Declarations only: every command is parsed and run by its own
module in heal.commands (heal.entry's COMMANDS table), which is also what these declarations call if typer
is asked to run one."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from heal import __version__, runopts

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

_SETTINGS = {"add_completion": False, "rich_markup_mode": None, "context_settings": {"help_option_names": ["-h", "--help"]}}
app = typer.Typer(help=HELP, no_args_is_help=True, **_SETTINGS)


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


def _call(name: str, args: list[str]) -> None:
    """Run the subcommand's own module, as heal.entry does."""
    from heal.entry import command_module

    raise typer.Exit(command_module(name).main(args) or 0)


def _flags(**flags: object) -> list[str]:
    out: list[str] = []
    for flag, value in flags.items():
        if value is True:
            out.append(flag)
        elif value not in (False, None, ""):
            out += [flag, str(value)]
    return out


@app.command("config")
def config_cmd(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """Print the effective configuration and where each value came from."""
    _call("config", _flags(**{"--json": as_json}))


@app.command("diagnose")
def diagnose_cmd(
    source: str = typer.Argument("-", metavar="[FILE|-]", help="Captured output to classify; - (default) is stdin."),
    command: str = typer.Option("", "--command", "-c", metavar="CMD", help="The command that produced it."),
    exit_code: Optional[int] = typer.Option(None, "--exit-code", "-e", metavar="N", help="Its exit status."),
    as_json: bool = typer.Option(False, "--json", help="Print the diagnosis as JSON."),
) -> None:
    """Classify a command's captured output: category, severity, summary, facts, signature, and the fixes heal
    would plan here."""
    _call("diagnose", [*_flags(**{"--command": command, "--exit-code": exit_code, "--json": as_json}), source])


@app.command("repair")
def repair_cmd(
    files: list[str] = typer.Argument(..., metavar="FILE...", help="Python (.py), JSON (.json) or TOML (.toml) files."),
    check: bool = typer.Option(False, "--check", help="Change nothing; exit 1 if any file is broken."),
    dry_run: bool = typer.Option(False, "--dry-run", "-n", help="Show what would be repaired, change nothing."),
    diff: bool = typer.Option(False, "--diff", help="Print a unified diff of each repair."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per file."),
    python: Optional[str] = typer.Option(None, "--python", metavar="PATH",
                                         help="The interpreter the code is for (default: the project's .venv)."),
) -> None:
    """Repair syntax errors in place, through the change log (heal rollback --last undoes it)."""
    _call("repair", [*_flags(**{"--check": check, "--dry-run": dry_run, "--diff": diff, "--json": as_json,
                                "--python": python}), *files])


log_app = typer.Typer(help="The change log: every change heal made, newest first.", invoke_without_command=True,
                      no_args_is_help=False, **_SETTINGS)
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
    if ctx.invoked_subcommand is None:
        _call("log", _flags(**{"--json": as_json, "-n": count, "--all": every}))


@log_app.command("prune")
def log_prune(older_than: str = typer.Option("", "--older-than", metavar="AGE",
                                             help="e.g. 30d, 12h (default: log.retention_days)")) -> None:
    """Drop old change sets and the backups nothing refers to any more."""
    _call("log", ["prune", *_flags(**{"--older-than": older_than})])


@app.command("rollback")
def rollback_cmd(
    ident: Optional[str] = typer.Argument(None, metavar="[ID]", help="The change set to undo (a unique prefix "
                                                                     "will do)."),
    last: bool = typer.Option(False, "--last", help="Undo this project's most recent heal run."),
    dry_run: bool = typer.Option(False, "--dry-run", "-n", help="Show what would be undone, change nothing."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask."),
    force: bool = typer.Option(False, "--force", help="Overwrite files (and packages) that changed after heal "
                                                      "touched them."),
) -> None:
    """Undo a heal run, byte-exact: files, modes, created files, installed packages, manifests."""
    _call("rollback", [*_flags(**{"--last": last, "--dry-run": dry_run, "--yes": yes, "--force": force}),
                       *([ident] if ident else [])])


checkpoint_app = typer.Typer(help="Snapshots of the project's files.", no_args_is_help=True, **_SETTINGS)
app.add_typer(checkpoint_app, name="checkpoint")


@checkpoint_app.command("create")
def checkpoint_create(name: str = typer.Option("", "--name", help="A name to find it by.")) -> None:
    """Snapshot the project's files (git: tracked and untracked-not-ignored; never environments)."""
    _call("checkpoint", ["create", *_flags(**{"--name": name})])


@checkpoint_app.command("list")
def checkpoint_list(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """The checkpoints, oldest first."""
    _call("checkpoint", ["list", *_flags(**{"--json": as_json})])


@checkpoint_app.command("validate")
def checkpoint_validate(ident: str = typer.Argument(..., metavar="ID")) -> None:
    """Re-hash what was stored and report any corruption."""
    _call("checkpoint", ["validate", ident])


@checkpoint_app.command("restore")
def checkpoint_restore(
    ident: str = typer.Argument(..., metavar="ID"),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask."),
    dry_run: bool = typer.Option(False, "--dry-run", "-n", help="Show what would change."),
) -> None:
    """Put the project's files back as they were at a checkpoint (journaled: heal rollback undoes it)."""
    _call("checkpoint", ["restore", *_flags(**{"--yes": yes, "--dry-run": dry_run}), ident])


@app.command("patterns", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def patterns_cmd(ctx: typer.Context) -> None:
    """What heal learned: list | show ID | prune | metrics | export DIR | import DIR | approve ID...|--all
    (heal patterns --help for each)."""
    _call("patterns", list(ctx.args) or ["--help"])


@app.command("hooks", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def hooks_cmd(ctx: typer.Context) -> None:
    """Install heal where commands run without a person: install | uninstall | status  git | pre-commit |
    claude-code (heal hooks --help for the options)."""
    _call("hooks", list(ctx.args) or ["--help"])


@app.command("hook", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def hook_cmd(ctx: typer.Context) -> None:
    """What installed hooks run: heal hook claude-code (Claude Code's hook JSON on stdin, an answer on stdout,
    always exit 0), heal hook git NAME SCRIPT [ARGS...]."""
    _call("hook", list(ctx.args) or ["--help"])


def app_main(args: list[str]) -> int:
    if args[:1] in (["patterns"], ["hooks"], ["hook"]):
        return _call_direct(args[0], ["--help"])  # their own, fuller, usage texts
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


def _call_direct(name: str, args: list[str]) -> int:
    from heal.entry import command_module

    return int(command_module(name).main(args) or 0)
