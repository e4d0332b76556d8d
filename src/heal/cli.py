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
    import shlex

    from heal.capture import read_bounded
    from heal.diagnose import diagnose
    from heal.present import detailed, use_colour

    try:
        argv = shlex.split(command) if command else []
    except ValueError as exc:
        _fail(f"--command: {exc}")
    if source == "-":
        if sys.stdin.isatty():
            _fail("no input: give a FILE, or pipe the output in (heal diagnose - < log.txt)")
        cap = read_bounded(sys.stdin.buffer)
    else:
        try:
            with open(source, "rb") as fh:
                cap = read_bounded(fh)
        except OSError as exc:
            _fail(f"{source}: {exc.strerror or exc}")
    output = cap.head + (b"\n[... %d bytes not kept ...]\n" % cap.dropped if cap.dropped else b"") + cap.tail
    d = diagnose(output, argv=argv, exit_code=exit_code)
    # sys.stdout, not typer.echo: click strips colour codes when stdout is not a terminal, but
    # FORCE_COLOR asks for them
    sys.stdout.write((json.dumps(d.to_json(), ensure_ascii=False) if as_json else detailed(d, use_colour(sys.stdout)))
                     + "\n")


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
