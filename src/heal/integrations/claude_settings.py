"""Claude Code: `heal hooks install|uninstall|status claude-code [--scope project|user]`, which put the hook
handler (heal.integrations.claude_code, `heal hook claude-code`) into Claude Code's settings and take it out.

Install merges two entries into `.claude/settings.json` (project) or the user settings
(`$CLAUDE_CONFIG_DIR/settings.json`, else `~/.claude/settings.json`):

    "PostToolUseFailure": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "heal hook claude-code",
                                                          "timeout": 120}]}]
    "PostToolUse":        [{"matcher": "Bash", "hooks": [{"type": "command", "command": "heal hook claude-code",
                                                          "async": true, "timeout": 30}]}]

PostToolUse fires only for commands that succeeded (integrations.md §1.2); heal only observes there, in the
background (`async`), so it never slows the agent. Everything else in the file is kept: other events, other
hooks of the same events, other keys, key order, and the file's indentation and final newline. Uninstall takes
out heal's handlers only; when the rest is what it was before install, the file gets back its exact bytes
(the edits are made to the text, never by re-serialising it). Both go through the change log, with the settings
file named in the allow-list (user scope writes outside the project).
"""

from __future__ import annotations

import os

EVENTS = ("PostToolUseFailure", "PostToolUse")


def settings_path(cwd: str, scope: str) -> str:
    if scope == "user":
        # Claude Code moves its whole configuration directory with CLAUDE_CONFIG_DIR (not in integrations.md:
        # documented by tools that install there, e.g. DataDog/pup#622); otherwise ~/.claude
        base = os.environ.get("CLAUDE_CONFIG_DIR") or os.path.join(os.path.expanduser("~"), ".claude")
        return os.path.join(os.path.abspath(base), "settings.json")
    from heal.project import project_root

    return os.path.join(project_root(cwd), ".claude", "settings.json")


def hook_command(scope: str) -> str:
    """The command Claude Code runs. Project settings are shared with the team: `heal` from PATH. User settings
    are this machine's: the heal running now, by its absolute path, so a PATH without heal cannot disable it."""
    import shlex
    import sys

    if scope == "user":
        script = os.path.abspath(sys.argv[0]) if sys.argv and sys.argv[0] else ""
        if os.path.basename(script) == "heal" and os.access(script, os.X_OK):
            return f"{shlex.quote(script)} hook claude-code"
        return f"{shlex.quote(sys.executable)} -m heal hook claude-code"
    return "heal hook claude-code"


def entries(command: str) -> dict[str, dict]:
    return {
        "PostToolUseFailure": {"matcher": "Bash", "hooks": [{"type": "command", "command": command, "timeout": 120}]},
        "PostToolUse": {"matcher": "Bash",
                        "hooks": [{"type": "command", "command": command, "async": True, "timeout": 30}]},
    }


def is_ours(handler: object) -> bool:
    import re

    if not isinstance(handler, dict) or not isinstance(handler.get("command"), str):
        return False
    return re.search(r"(?:(?:^|/)heal['\"]?|-m heal)\s+hook\s+claude-code$", handler["command"].strip()) is not None


class _DuplicateKey(Exception):
    pass


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    seen: dict = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen[key] = value
    return seen


def _load(path: str) -> tuple[str | None, dict]:
    """The file's text (None when there is none) and its JSON; IntegrationError when heal cannot edit it."""
    import json

    from heal.integrations import IntegrationError

    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        return None, {}
    except OSError as exc:
        raise IntegrationError(f"cannot read {path}: {exc.strerror}: nothing changed") from None
    try:
        text = raw.decode("utf-8")
        data = json.loads(text, object_pairs_hook=_unique_keys)
    except _DuplicateKey as exc:
        # JSON readers disagree on which of two equal keys wins: heal would edit one and Claude Code read the other
        raise IntegrationError(f"{path} has the key {str(exc)!r} twice in one object: nothing changed") from None
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise IntegrationError(f"{path} is not valid JSON ({exc}): nothing changed") from None
    if not isinstance(data, dict):
        raise IntegrationError(f"{path} does not hold a JSON object: nothing changed")
    hooks = data.get("hooks", {})
    if not isinstance(hooks, dict):
        raise IntegrationError(f"{path}: \"hooks\" is not an object: nothing changed")
    for event in EVENTS:
        if not isinstance(hooks.get(event, []), list):
            raise IntegrationError(f"{path}: hooks.{event} is not a list: nothing changed")
    return text, data


def _present(data: dict) -> dict[str, bool]:
    hooks = data.get("hooks") if isinstance(data.get("hooks"), dict) else {}
    return {event: any(is_ours(h) for g in hooks.get(event) or [] if isinstance(g, dict)
                       for h in (g.get("hooks") if isinstance(g.get("hooks"), list) else []))
            for event in EVENTS}


def add_entries(text: str | None, data: dict, command: str) -> str:
    """The settings text with heal's groups added where they are missing, every other byte kept."""
    from heal.integrations import jsonedit

    if text is None or not text.strip():
        text = "{}\n"
    present = _present(data)
    for event, group in entries(command).items():
        if present[event]:
            continue
        root = jsonedit.parse(text)
        hooks = root.member("hooks")
        if hooks is None:
            text = jsonedit.insert(text, root, {event: [group]}, key="hooks")
        elif hooks.member(event) is None:
            text = jsonedit.insert(text, hooks, [group], key=event)
        else:
            text = jsonedit.insert(text, hooks.member(event), group)  # type: ignore[arg-type]
    return text


def remove_entries(text: str) -> str:
    """The settings text without heal's handlers: a group left without handlers goes, then an event left
    without groups, then a hooks object left empty. Undoes add_entries byte for byte."""
    while True:
        edited = _next_removal(text)
        if edited is None:
            return text
        text = edited


def _next_removal(text: str) -> str | None:
    import json

    from heal.integrations import jsonedit

    hooks = jsonedit.parse(text).member("hooks")
    if hooks is None or hooks.kind != "object":
        return None
    for event in EVENTS:
        groups = hooks.member(event)
        if groups is None or groups.kind != "array":
            continue
        for index, (_, _, group) in enumerate(groups.items):
            handlers = group.member("hooks") if group.kind == "object" else None
            if handlers is None or handlers.kind != "array":
                continue
            ours = [i for i, (_, _, h) in enumerate(handlers.items) if is_ours(json.loads(text[h.start:h.end]))]
            if not ours:
                continue
            if len(ours) < len(handlers.items):
                return jsonedit.remove(text, handlers, ours[0])  # another tool's handler shares the group
            text = jsonedit.remove(text, groups, index)
            if len(groups.items) == 1:  # the event held only heal's group
                text = _remove_key(text, ("hooks",), event)
                if len(hooks.items) == 1:
                    text = _remove_key(text, (), "hooks")
            return text
    return None


def _remove_key(text: str, path: tuple[str, ...], key: str) -> str:
    from heal.integrations import jsonedit

    node = jsonedit.parse(text)
    for name in path:
        node = node.member(name)  # type: ignore[assignment]
    index = next(i for i, (k, _, _) in enumerate(node.items) if k == key)
    return jsonedit.remove(text, node, index)


def install(cwd: str, options) -> list[str]:
    from heal.journal import FileChange

    path = settings_path(cwd, options.scope)
    text, data = _load(path)
    if all(_present(data).values()):
        return [f"{path}: heal's hooks are already installed"]
    command = hook_command(options.scope)
    new = add_entries(text, data, command).encode("utf-8")
    changes = []
    directory = os.path.dirname(path)
    if not os.path.isdir(directory):
        changes.append(FileChange(directory, mkdir=True, reason="create Claude Code's settings directory",
                                  allow=(directory,)))
    mode = os.stat(path).st_mode & 0o7777 if text is not None else 0o644
    changes.append(FileChange(path, data=new, mode=mode, reason="add heal's Claude Code hooks", allow=(path,)))
    cid = _apply(changes, cwd, "install")
    if text is None:
        _remember(path, made_dir=len(changes) > 1)
    lines = [f"{path}: added PostToolUseFailure (advice) and PostToolUse (async, observing) hooks for Bash, "
             f"running `{command}`", f"undo: heal rollback {cid}"]
    import shutil

    if options.scope == "project" and shutil.which("heal") is None:
        lines.append("note: `heal` is not on PATH here; Claude Code runs `heal hook claude-code` from PATH")
    return lines


def uninstall(cwd: str, options) -> list[str]:
    import json

    from heal.journal import FileChange

    path = settings_path(cwd, options.scope)
    text, data = _load(path)
    if text is None or not any(_present(data).values()):
        return [f"{path}: heal's hooks are not installed"]
    new = remove_entries(text)
    made = _remembered(path)
    changes = []
    if made is not None and not json.loads(new):
        # heal created the file and nothing else went into it: it goes, and the directory heal made with it
        changes.append(FileChange(path, delete=True, reason="remove heal's Claude Code hooks", allow=(path,)))
        directory = os.path.dirname(path)
        if made.get("made_dir") and os.listdir(directory) == [os.path.basename(path)]:
            changes.append(FileChange(directory, rmdir=True, reason="remove the directory heal created",
                                      allow=(directory,)))
    else:
        changes.append(FileChange(path, data=new.encode("utf-8"), mode=os.stat(path).st_mode & 0o7777,
                                  reason="remove heal's Claude Code hooks", allow=(path,)))
    cid = _apply(changes, cwd, "uninstall")
    _forget(path)
    return [f"{path}: removed heal's hooks", f"undo: heal rollback {cid}"]


def status(cwd: str, options) -> list[str]:
    path = settings_path(cwd, options.scope)
    text, data = _load(path)
    present = _present(data)
    lines = [path if text is not None else f"{path}: no settings file"]
    for event in EVENTS:
        lines.append(f"{event}: {'installed' if present[event] else 'not installed'}")
    if data.get("disableAllHooks") is True:
        lines.append("note: disableAllHooks is true in this file: Claude Code runs no hooks")
    return lines


def _apply(changes: list, cwd: str, verb: str) -> str:
    from heal.integrations import journaled
    from heal.project import project_root

    return journaled(changes, cwd=cwd, root=project_root(cwd), command=["heal", "hooks", verb, "claude-code"],
                     diagnosis=f"{verb} heal's Claude Code hooks")


# Settings files heal created (HEAL_HOME/claude-code/created.json), so that uninstall removes them, and the
# directory when heal made that too, rather than leave an empty `{}` behind.


def _state_file() -> str:
    from heal.paths import state_dir

    return os.path.join(state_dir(), "claude-code", "created.json")


def _states() -> dict:
    import json

    try:
        with open(_state_file(), "rb") as fh:
            data = json.load(fh)
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_states(states: dict) -> None:
    import json

    from heal.fsutil import write_atomic

    os.makedirs(os.path.dirname(_state_file()), exist_ok=True)
    write_atomic(_state_file(), (json.dumps(states, indent=1, sort_keys=True) + "\n").encode())


def _remember(path: str, *, made_dir: bool) -> None:
    states = _states()
    states[os.path.realpath(path)] = {"made_dir": made_dir}
    _write_states(states)


def _remembered(path: str) -> dict | None:
    state = _states().get(os.path.realpath(path))
    return state if isinstance(state, dict) else None


def _forget(path: str) -> None:
    states = _states()
    if states.pop(os.path.realpath(path), None) is not None:
        _write_states(states)
