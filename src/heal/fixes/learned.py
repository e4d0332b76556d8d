"""Fixes from the pattern store (heal.store): a pattern found for this failure, made into a candidate fix.
Nothing here runs anything; the engine decides and applies these as it does any fix. Each one's source is
`learned:<pattern id>` (the report's contract).

- a playbook step (learned, builtin, imported) is not here: heal.fixes.candidates() re-plans it through its
  playbook's action against this failure, with every check that action makes (never a frozen command);
- a command (taught, or imported and approved) becomes a `run` fix whose journal change runs it
  (CommandChange: recorded, not undoable, and said so in heal log and heal rollback), after which the
  failing command runs again; applied with --yes or a yes on a terminal, else suggested;
- advice (observed) and an imported command nobody approved yet are said on the way (Fix.aside), never
  applied: heal goes on with the next candidate.
"""

from __future__ import annotations

from heal.fixes.model import Fix, PlanContext

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (or shlex) on every failure
if TYPE_CHECKING:
    from heal.store.model import Candidate


def _join(argv) -> str:
    import shlex

    return shlex.join(argv)


def aside(c: Candidate) -> Fix | None:
    """What is only said about a pattern: its advice, or why its command is not run yet; None for a pattern
    heal may act on."""
    from heal.store.model import is_approved, refusal

    if c.fix.kind == "advice":
        commands = ", then ".join(f"`{_join(cmd)}`" for cmd in c.fix.commands)
        where = "" if c.exact else ", for a similar failure"
        return Fix("suggest", f"resolved before by {commands} (seen {_times(c.successes)}{where})", None,
                   source=c.label, risk="low", confidence=round(c.score, 3), aside=True)
    if c.fix.kind == "command" and not is_approved(c.pattern):
        return Fix("suggest", refusal(c.pattern), None, source=c.label, risk="high", confidence=round(c.score, 3),
                   aside=True)
    if c.fix.kind == "command" and _masked(c.fix.argv):
        # recorded elsewhere with a secret in it (an agent's command, an import): heal kept the command, not
        # the secret, so it cannot run it as it was
        return Fix("suggest", f"resolved before by `{_join(c.fix.argv or ())}` (seen "
                   f"{_times(c.successes)}; its secret was not kept: run it yourself)", None, source=c.label,
                   risk="medium", confidence=round(c.score, 3), aside=True)
    return None


def command(c: Candidate, ctx: PlanContext) -> Fix | None:
    """The `run` fix of a taught (or approved imported) command, run where the failing command ran."""
    from heal.store.model import is_approved

    argv = c.fix.argv
    if c.fix.kind != "command" or not argv or not is_approved(c.pattern) or _masked(argv) or not ctx.cwd:
        return None
    from heal.journal.kinds import CommandChange

    who = "you taught heal" if c.source == "taught" else "an imported pattern (approved) gives"
    what = (f"run the fix {who} for this failure (pattern {c.id}: healed it {_times(c.successes)}"
            + ("" if c.exact else ", for a similar failure") + ")")
    return Fix("run", what, argv, change=CommandChange(argv, cwd=ctx.cwd, reason=what), risk="medium",
               source=c.label, confidence=round(c.score, 3), question=f"run `{_join(argv)}`, then the "
               f"command again ({'your' if c.source == 'taught' else 'an imported'} fix, pattern {c.id})")


def _masked(argv: tuple[str, ...] | None) -> bool:
    from heal.redact import MASK

    return any(MASK in a for a in argv or ())


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"
