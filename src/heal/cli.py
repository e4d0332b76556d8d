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
