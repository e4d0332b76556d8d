"""pre-commit (`pre-commit run`, and `git commit` through pre-commit's hook): which hook failed, and why.

pre-commit prints one block per hook (pre_commit/commands/run.py, stable since 2.x):

    check json...............................................................Failed
    - hook id: json-syntax
    - duration: 0.03s                        (with --verbose)
    - exit code: 1                           (only when it is not 0)
    - files were modified by this hook       (the fixer convention: a modification fails the hook)
    <a blank line, then the hook's own output>

The hook's own output is diagnosed like any command's (its id taken as the tool: hook ids are usually the
tool's name), and the finding names the hook. A hook that only modified files is reported as such: its fix is
to look at the change and stage it. The inner findings' facts are kept under `hook_*` names, so that no
playbook acts on them: pre-commit runs hooks in environments of its own, where heal must not install anything.
"""

from __future__ import annotations

from heal import rx
from heal.diagnose.model import Context, Finding, Rule
from heal.diagnose.rules._base import finding
from heal.lazyre import lazy

ECOSYSTEM = "pre-commit"
GUARDS = ("- hook id: ",)
_P = {"tool": "pre-commit"}

_STATUS = lazy(r"^(?P<name>\S.*?)\.{3,}(?:\([^)\n]*\))?(?P<status>Passed|Failed|Skipped)$", rx.MULTILINE)
_HEADER = lazy(r"\A- hook id: (?P<id>\S+)\n(?:- duration: [^\n]*\n)?(?:- exit code: (?P<code>-?\d+)\n)?"
                     r"(?P<modified>- files were modified by this hook\n)?")
# facts of the hook's own error worth keeping (renamed hook_<name>)
_INNER_FACTS = ("module", "package", "command", "file", "line", "column", "exception", "error_code", "tests",
                "symbol", "env_var")
_nested = False  # the hook's own output is diagnosed with the same rules; never twice deep


class _Block:
    __slots__ = ("name", "id", "code", "modified", "output", "start")

    def __init__(self, name: str, hook_id: str, code: int | None, modified: bool, output: str, start: int) -> None:
        self.name = name
        self.id = hook_id
        self.code = code
        self.modified = modified
        self.output = output
        self.start = start


def _blocks(text: str) -> list[_Block]:
    statuses = list(_STATUS.finditer(text))
    found = []
    for i, m in enumerate(statuses):
        if m.group("status") != "Failed":
            continue
        end = statuses[i + 1].start() if i + 1 < len(statuses) else len(text)
        body = text[m.end() + 1:end]
        header = _HEADER.match(body)
        if header is None:
            continue
        code = int(header.group("code")) if header.group("code") else None
        output = body[header.end():].strip("\n")
        found.append(_Block(m.group("name").strip(), header.group("id"), code, bool(header.group("modified")),
                            output, m.start()))
    return found


def _hook_failed(ctx: Context) -> Finding | None:
    global _nested
    if _nested or not ctx.has("- hook id: "):
        return None
    blocks = _blocks(ctx.text)
    if not blocks:
        return None
    failed = [b.id for b in blocks]
    modified = [b.id for b in blocks if b.modified]
    errors = [b for b in blocks if b.code not in (None, 0)]
    base = {**_P, "hooks_failed": failed, **({"modified_by": modified} if modified else {})}
    if not errors:
        first = blocks[0]
        names = ", ".join(modified)
        return finding(ctx, "precommit.files_modified", "build", "low",
                       f"pre-commit hook{'s' if len(modified) > 1 else ''} {names} modified files: review the "
                       f"changes, `git add` them and run again", {**base, "hook": first.id}, first.start,
                       first.start + 1, priority=96, evidence=_evidence(first, ()))
    from heal.diagnose.core import diagnose

    inner = []
    _nested = True
    try:
        for b in errors:
            inner.append((b, diagnose(b.output, argv=(b.id,), exit_code=b.code)))
    finally:
        _nested = False
    # the first hook heal understands, else the first that failed
    block, d = next(((b, d) for b, d in inner if d.category != "unknown"), inner[0])
    facts = {**base, "hook": block.id, "hook_exit_code": block.code, "hook_rule": d.rule}
    for key in _INNER_FACTS:
        if key in d.facts:
            facts[f"hook_{key}"] = d.facts[key]
    if d.category == "unknown":
        lines = [ln for ln in block.output.splitlines() if ln.strip()]
        said = f": {lines[0].strip()[:200]}" if lines else " without any output"
        summary = f"pre-commit hook {block.id} failed (exit code {block.code}){said}"
        category, severity = "build", "medium"
    else:
        summary = f"pre-commit hook {block.id} failed: {d.summary}"
        category, severity = d.category, d.severity
    return finding(ctx, "precommit.hook_failed", category, severity, summary, facts, block.start, block.start + 1,
                   priority=96, evidence=_evidence(block, d.evidence))


def _evidence(block: _Block, inner: tuple[str, ...]) -> tuple[str, ...]:
    head = [f"{block.name} Failed", f"- hook id: {block.id}"]
    if block.code is not None:
        head.append(f"- exit code: {block.code}")
    if block.modified:
        head.append("- files were modified by this hook")
    return tuple(head + list(inner))[:6]


FUNCTIONS = (_hook_failed,)

RULES = (
    Rule("precommit.config_unstaged", "configuration", "medium",
         r"^\[ERROR\] Your pre-commit configuration is unstaged\.",
         "the pre-commit configuration has unstaged changes: `git add .pre-commit-config.yaml` first",
         ("your pre-commit configuration is unstaged",), priority=92, facts={**_P, "file": ".pre-commit-config.yaml"}),
    Rule("precommit.invalid_config", "configuration", "high",
         r"^An error has occurred: InvalidConfigError: ?\n==> File (?P<file>\S+)(?:\n==> [^\n]*)*"
         r"\n=====> (?P<reason>.+)",
         "pre-commit cannot read {file}: {reason}", ("invalidconfigerror",), priority=92, facts=_P),
    Rule("precommit.unmerged", "configuration", "medium", r"^\[ERROR\] Unmerged files\.\s+Resolve before committing\.",
         "pre-commit will not run with unmerged files: resolve the conflicts first", ("unmerged files.",),
         priority=92, facts=_P),
)
