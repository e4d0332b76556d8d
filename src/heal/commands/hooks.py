"""`heal hooks install | uninstall | status  git | pre-commit | claude-code [--hook NAME]... [--scope S]`.

Parsed by hand and routed here by heal.entry without typer, like `heal repair`.
"""

from __future__ import annotations

import sys

from heal.errors import UsageError

USAGE = ("heal hooks install|uninstall|status git|pre-commit|claude-code "
         "[--hook NAME]... (git) [--scope project|user] (claude-code)")
ACTIONS = ("install", "uninstall", "status")


HELP = f"""usage: {USAGE}

Install heal where commands run without a person, through the change log (`heal rollback` undoes it):
  git          pre-commit and pre-push hooks (or --hook NAME...); an existing hook is kept and run first
  pre-commit   the heal-repair hook in .pre-commit-config.yaml (a local hook running `heal repair`)
  claude-code  PostToolUseFailure and PostToolUse hooks in .claude/settings.json (--scope user: the user's)
uninstall puts back what was there; status says what is installed.
"""


def main(args: list[str]) -> int:
    from heal.integrations import INTEGRATIONS, IntegrationError, Options, load

    if "-h" in args or "--help" in args:
        sys.stdout.write(HELP)
        return 0

    positional: list[str] = []
    hooks: list[str] = []
    scope = None
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in ("--hook", "--scope"):
            if eq:
                value = inline
            elif i + 1 < len(args):
                i += 1
                value = args[i]
            else:
                raise UsageError(f"option '{name}' needs a value ({USAGE})")
            if name == "--hook":
                hooks.append(value)
            elif value not in ("project", "user"):
                raise UsageError(f"--scope is project or user, not '{value}'")
            else:
                scope = value
        elif arg.startswith("-"):
            raise UsageError(f"unknown option '{arg}' ({USAGE})")
        else:
            positional.append(arg)
        i += 1
    if len(positional) != 2 or positional[0] not in ACTIONS or positional[1] not in INTEGRATIONS:
        raise UsageError(f"usage: {USAGE}")
    action, integration = positional
    if hooks and integration != "git":
        raise UsageError("--hook is for the git integration")
    if scope and integration != "claude-code":
        raise UsageError("--scope is for the claude-code integration")
    import os

    try:
        lines = getattr(load(integration), action)(os.getcwd(), Options(tuple(hooks), scope or "project"))
    except IntegrationError as exc:
        sys.stderr.write(f"heal: {exc}\n")
        return 1
    for line in lines:
        sys.stdout.write(f"{line}\n")
    return 0
