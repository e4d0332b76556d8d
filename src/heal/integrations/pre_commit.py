"""The pre-commit framework: `heal hooks install|uninstall|status pre-commit`.

Install adds heal-repair to the project's .pre-commit-config.yaml as a `repo: local` hook running the `heal`
on PATH (`language: system`: the heal the user installed, no second copy in pre-commit's cache); a project
that prefers pre-commit to build heal itself references this repository's .pre-commit-hooks.yaml instead.

The YAML is edited as text, never re-serialised: one block goes in at the end of the `repos:` list, in the
list's own indentation and line endings, and uninstall takes exactly that block out again, so the file is
byte-for-byte what it was when nothing else changed. A file heal cannot edit that way (a flow-style
`repos: [...]`) is refused with one line.
"""

from __future__ import annotations

import os
import re
import shutil

from heal.integrations import IntegrationError, Options, journaled

CONFIG = ".pre-commit-config.yaml"
HOOK_ID = "heal-repair"
MARKER = "# added by `heal hooks install pre-commit`; `heal hooks uninstall pre-commit` removes it"
_REPOS = re.compile(r"^repos[ \t]*:[ \t]*(?:#.*)?$")


def block(indent: str, newline: str = "\n") -> str:
    lines = [MARKER, "- repo: local", "  hooks:", f"  - id: {HOOK_ID}",
             "    name: heal repair (Python and JSON syntax)", "    entry: heal repair", "    language: system",
             "    types_or: [python, pyi, json]"]
    return "".join(f"{indent}{line}{newline}" for line in lines)


def _root(cwd: str) -> str:
    from heal.project import project_root

    return project_root(cwd)


def _read(path: str) -> str | None:
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise IntegrationError(f"cannot read {path}: {exc.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise IntegrationError(f"{path} is not UTF-8: heal does not edit it (nothing changed)") from None


def added(text: str) -> tuple[int, int] | None:
    """Where heal's block is in the text: (start, end), the end including the newline heal added before it when
    the file did not end with one."""
    for m in re.finditer(rf"^([ \t]*){re.escape(MARKER)}(\r?\n)", text, re.MULTILINE):
        indent, newline = m.group(1), m.group(2)
        ours = block(indent, newline)
        if text.startswith(ours, m.start()):
            return m.start(), m.start() + len(ours)
        last = ours[: -len(newline)]
        if text.endswith(last) and m.start() == len(text) - len(last) and text[: m.start()].endswith(newline):
            return m.start() - len(newline), len(text)  # appended to a file that had no final newline
    return None


def insert(text: str | None) -> str:
    """The config with heal's block at the end of its `repos:` list."""
    if text is None or not text.strip():
        return (text or "") + "repos:\n" + block("")
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    start = next((i for i, ln in enumerate(lines) if _REPOS.match(ln.rstrip("\r\n"))), None)
    if start is None:
        raise IntegrationError(f"{CONFIG} has no block-style `repos:` list heal can add to (nothing changed)")
    last, indent = start, None
    for j in range(start + 1, len(lines)):
        line = lines[j]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0] not in " \t-":
            break  # the next top-level key
        if indent is None:
            m = re.match(r"^([ \t]*)-[ \t]", line)
            if m is None:
                raise IntegrationError(f"{CONFIG}: cannot tell the indentation of the `repos:` list (nothing changed)")
            indent = m.group(1)
        last = j
    at = sum(len(ln) for ln in lines[: last + 1])
    ours = block(indent or "", newline)
    if not text[:at].endswith(("\n", "\r")):
        # the list ends the file without a final newline: so does the file with heal's block
        return text[:at] + newline + ours[: -len(newline)] + text[at:]
    return text[:at] + ours + text[at:]


def install(cwd: str, options: Options) -> list[str]:
    from heal.journal import FileChange

    root = _root(cwd)
    path = os.path.join(root, CONFIG)
    text = _read(path)
    if text is not None and added(text):
        return [f"{CONFIG}: heal-repair already installed"]
    if text is not None and re.search(rf"^\s*-?\s*id:\s*{HOOK_ID}\s*$", text, re.MULTILINE):
        return [f"{CONFIG}: heal-repair is there already (not added by heal): nothing to do"]
    new = insert(text)
    mode = os.stat(path).st_mode & 0o7777 if text is not None else 0o644
    cid = _apply([FileChange(path, data=new.encode("utf-8"), mode=mode, reason="add heal-repair to pre-commit")],
                 cwd, root, "install")
    lines = [f"{CONFIG}: heal-repair added (a local hook running `heal repair` on staged Python and JSON files)",
             f"undo: heal rollback {cid}"]
    return lines + _advice(root)


def uninstall(cwd: str, options: Options) -> list[str]:
    from heal.journal import FileChange

    root = _root(cwd)
    path = os.path.join(root, CONFIG)
    text = _read(path)
    where = added(text) if text is not None else None
    if text is None or where is None:
        return [f"{CONFIG}: heal-repair not installed by heal" + (" (an edited copy is there: remove it by hand)"
                                                                  if text and HOOK_ID in text else "")]
    rest = text[: where[0]] + text[where[1]:]
    if rest == "repos:\n":  # the file heal created
        change = FileChange(path, delete=True, reason="remove heal-repair from pre-commit")
    else:
        change = FileChange(path, data=rest.encode("utf-8"), mode=os.stat(path).st_mode & 0o7777,
                            reason="remove heal-repair from pre-commit")
    cid = _apply([change], cwd, root, "uninstall")
    return [f"{CONFIG}: heal-repair removed", f"undo: heal rollback {cid}"]


def status(cwd: str, options: Options) -> list[str]:
    root = _root(cwd)
    text = _read(os.path.join(root, CONFIG))
    if text is None:
        state = "not installed (no config)"
    elif added(text):
        state = "installed"
    elif re.search(rf"\bid:\s*{HOOK_ID}\b", text):
        state = "installed (by hand)"
    else:
        state = "not installed"
    return [f"{CONFIG}: heal-repair {state}"] + (_advice(root) if state.startswith("installed") else [])


def _advice(root: str) -> list[str]:
    lines = []
    if shutil.which("heal") is None:
        lines.append("note: `heal` is not on PATH here; pre-commit runs `heal repair` from PATH")
    hooks = os.path.join(root, ".git", "hooks", "pre-commit")
    stub = (_read_quietly(hooks) or "") + (_read_quietly(hooks + ".heal-legacy") or "")  # heal's may chain it
    if "hook-impl" not in stub:  # the line every pre-commit stub runs
        lines.append("note: pre-commit's own git hook is not installed: `pre-commit install` runs it on commit")
    return lines


def _read_quietly(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except OSError:
        return None


def _apply(changes: list, cwd: str, root: str, verb: str) -> str:
    return journaled(changes, cwd=cwd, root=root, command=["heal", "hooks", verb, "pre-commit"],
                     diagnosis=f"{verb} the heal-repair pre-commit hook")
