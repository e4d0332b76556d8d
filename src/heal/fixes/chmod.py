"""chmod: make a project script that failed with 126 / permission denied executable.

Only the program the command ran is ever changed (argv[0], through the wrappers heal peels, or the
command of a `sh -c` script), and only when the output confirms that it is the one refused: a file name
read from the output alone could be another file (`./nl<LF>name.sh` prints a line that names `name.sh`).
"""

from __future__ import annotations

import os
import stat

from heal import rx
from heal.fixes.model import Fix, PlanContext
from heal.project import SafetyError, check_editable

OPTIONS: dict[str, tuple[type, tuple[str, ...]]] = {}  # a playbook step names no option of its own

_WRAPPERS = {"env", "nice", "nohup", "time", "command", "exec", "stdbuf", "heal"}
_SHELLS = {"sh", "bash", "dash", "zsh", "ksh"}


def plan(step: dict, ctx: PlanContext, source: str, risk: str) -> Fix | None:
    program = _program(ctx.argv)
    if program is None:
        return None
    path = program if os.path.isabs(program) else os.path.join(ctx.cwd, program)
    if not os.path.isfile(path):
        return _elsewhere(program, path, ctx, source)
    if not _refused(program, path, ctx):
        return None
    try:
        path = check_editable(path, ctx.root)
    except SafetyError:
        return None  # not a project file (a system binary, something in a venv): not ours to change
    mode = stat.S_IMODE(os.stat(path).st_mode)
    if mode & stat.S_IXUSR:
        return None  # already executable: the permission problem is elsewhere
    new = mode | ((mode & 0o444) >> 2)  # execute for whoever may read it, like chmod +x under the usual umask
    rel = os.path.relpath(path, ctx.root)
    from heal.journal.kinds import FileChange

    what = f"make {rel} executable (chmod +x)"
    return Fix("chmod", what, ("chmod", "+x", rel), change=FileChange(path, mode=new, reason=what), risk="low",
               source=source, confidence=0.9)


def _elsewhere(program: str, path: str, ctx: PlanContext, source: str) -> Fix | None:
    """The refused program is not here (`heal diagnose` on a CI log, away from the checkout): say the chmod,
    and the git command that makes it stick, for where it is. Only a relative path the output names exactly
    as the command typed it, and that could be a file (no option, no parent directory)."""
    said = ctx.diagnosis.facts.get("file")
    named = said is not None and os.path.normpath(str(said)) == os.path.normpath(program) or \
        f"{program}: Permission denied" in ctx.output
    rel = os.path.normpath(program)
    if not named or os.path.isabs(program) or rel.startswith(("-", "..")) or os.path.lexists(path):
        return None
    import shlex  # only for a suggestion's exact quoting

    return Fix("suggest", f"{rel} is not executable; where it is: chmod +x {shlex.quote(rel)} (and, to commit the "
               f"mode: git update-index --chmod=+x {shlex.quote(rel)})", ("chmod", "+x", rel), risk="low",
               source=source, confidence=0.7)


def _refused(program: str, path: str, ctx: PlanContext) -> bool:
    """The output says this program was refused: its file fact is the same file, or a shell's (or heal's)
    `<program>: Permission denied` line names it exactly as it was typed, whatever characters it holds."""
    said = ctx.diagnosis.facts.get("file")
    if said:
        said_path = str(said) if os.path.isabs(str(said)) else os.path.join(ctx.cwd, str(said))
        try:
            if os.path.samefile(said_path, path):
                return True
        except OSError:
            pass
    return f"{program}: Permission denied" in ctx.output


def _program(argv: tuple[str, ...]) -> str | None:
    """The program file the command executed, as typed (a path: a name looked up on PATH is not a project
    script), or None."""
    args = list(argv)
    for _ in range(4):
        while args and (os.path.basename(args[0]) in _WRAPPERS or rx.match(r"^[A-Za-z_]\w*=", args[0])):
            args = args[1:]
            while args and (args[0].startswith("-") or rx.match(r"^[A-Za-z_]\w*=", args[0])):
                args = args[1:]
        if not args:
            return None
        if os.path.basename(args[0]) in _SHELLS and "-c" in args[1:]:
            i = args.index("-c")
            if i + 1 >= len(args):
                return None
            try:
                from heal.shellwords import split  # shlex's, without its re; only for `sh -c SCRIPT`

                words = split(args[i + 1], comments=True)
            except ValueError:
                return None
            # only a script that is one simple command: in `a; ./b.sh` heal cannot tell which one was refused
            if not words or any(w in (";", "&&", "||", "|", "&") or w.endswith(";") for w in words):
                return None
            args = words
            continue
        return args[0] if "/" in args[0] else None
    return None
