"""shell-line, a kind of the `run` action (heal.fixes.command): a builtin (`cd`), or a shell line given as one
word or with `&&` as a word, which heal (running commands without a shell) could not run: suggest
`heal -- sh -c '...'`.

Apart from the other corrected commands (heal.fixes.correct) because its playbook matches every failure (it
looks at the command itself): planning it must not cost importing all of them.
"""

from __future__ import annotations

from heal.fixes.model import Fix, PlanContext

_SHELL_OPERATORS = frozenset({"&&", "||", ";", "|", "|&", "&", ">", ">>", "<", "<<", "2>", "2>>", "2>&1", "&>", ">&"})


def plan(ctx: PlanContext, source: str, risk: str) -> Fix | None:
    facts = ctx.diagnosis.facts
    argv = ctx.argv
    if not argv:
        return None
    if not ((facts.get("shell_syntax") or facts.get("shell_builtin")) and argv[0] == facts.get("command")) and \
            not any(a in _SHELL_OPERATORS for a in argv[1:]):
        return None  # none of the cases below: nothing a shell would have read differently
    from heal.shellwords import join, quote  # shlex's, without the re it imports (asked of every failure)

    if facts.get("shell_syntax") and len(argv) >= 1 and argv[0] == facts.get("command"):
        line = " ".join([argv[0], *(quote(a) for a in argv[1:])])  # the line as typed, as one word
        why = "it is a shell command line given as one word"
    elif facts.get("shell_builtin") and argv[0] == facts.get("command"):
        line = join(argv)
        why = f"'{argv[0]}' is a shell builtin, not a program"
    elif any(a in _SHELL_OPERATORS for a in argv[1:]):
        line = " ".join(a if a in _SHELL_OPERATORS else quote(a) for a in argv)
        why = "its arguments hold shell operators (" + " ".join(sorted({a for a in argv if a in _SHELL_OPERATORS})) + \
            "), which only a shell understands"
    else:
        return None
    fixed = ("sh", "-c", line)
    return Fix("suggest", f"heal runs a command without a shell, and {why}: heal -- sh -c {quote(line)}",
               fixed, risk="low", source=source, confidence=0.8)
