"""Learning from an agent: what it ran between a failure and the success that resolved it.

A failed Bash command starts a sequence, per Claude Code session and project. Each command that succeeds after
it (read-only ones such as `ls`, `cat`, `git status` left out) joins the sequence, until the failed command, or
one with the same program and subcommand, succeeds: then the sequence becomes an `observed` pattern for the
failure's signature in the pattern store (advice heal shows next time, in any project; never run). The same
command failing again restarts its sequence (what ran since did not help), and failing differently closes it
as progress (module A installed, now B is missing).

The pending sequences live in one small JSON file per session under HEAL_HOME/claude-code/sessions/, locked
while read and rewritten (an async success hook may overlap the next failure's), removed when nothing is
pending, and dropped after PENDING_TTL / SESSION_TTL. A success with no file for its session costs one failed
open(): nothing of the diagnosis is imported on that path.
"""

from __future__ import annotations

import os
import time

from heal import rx
from heal.cjson import loads

PENDING_TTL = 2 * 3600.0  # a failure the agent has not resolved within two hours is no longer a sequence
SESSION_TTL = 24 * 3600.0  # session files untouched this long are removed
MAX_COMMANDS = 20  # commands kept per sequence: an agent fixing something runs a handful

_READ_ONLY = frozenset({
    "ls", "ll", "la", "cat", "bat", "head", "tail", "less", "more", "grep", "egrep", "fgrep", "rg", "ag", "ack", "find",
    "fd", "pwd", "echo", "printf", "which", "type", "whereis", "file", "stat", "wc", "tree", "du", "df", "env",
    "printenv", "whoami", "id", "uname", "date", "sleep", "true", "false", "test", "[", "cd", "pushd", "popd", "diff",
    "cmp", "sort", "uniq", "jq", "man", "history", "readlink", "realpath", "basename", "dirname", "lsof", "ps",
    "top", "nproc", "free", "clear", ":"})
_READ_ONLY_SUB = {
    "git": {"status", "diff", "log", "show", "branch", "remote", "rev-parse", "ls-files", "blame", "grep",
            "describe", "shortlog", "reflog", "config"},
    "pip": {"list", "show", "freeze", "check", "help", "index", "search"},
    "npm": {"ls", "list", "view", "info", "outdated", "help", "explain", "why", "search"},
    "yarn": {"list", "info", "why"}, "pnpm": {"list", "ls", "why"}, "cargo": {"tree", "metadata", "search"},
    "go": {"list", "env", "version", "doc"}, "uv": {"tree"}, "poetry": {"show"}, "docker": {"ps", "images",
                                                                                           "inspect", "logs"},
    "kubectl": {"get", "describe", "logs"},
}
_SEPARATORS = frozenset({"&&", "||", ";", "|", "&", ";;", "(", ")"})


def simple_commands(command: str) -> list[list[str]]:
    """The simple commands of a shell command line, best effort: `cd x && pip install y | tee log` gives
    [cd x], [pip install y], [tee log]."""
    from heal.integrations import MAX_SPLIT
    from heal.shellwords import tokens  # shlex imports re: ~3 ms of the hook

    try:
        if len(command) > MAX_SPLIT:
            raise ValueError  # split a character at a time: a huge line is split on blanks
        words = tokens(command)
    except ValueError:
        words = command.split()
    out: list[list[str]] = [[]]
    skip = False
    for w in words:
        if w in _SEPARATORS:
            out.append([])
            skip = False
        elif skip:
            skip = False  # the target of a redirection: a file, or the fd of `2>&1`
        elif w and all(c in "<>&" for c in w):
            if out[-1] and out[-1][-1].isdigit():
                out[-1].pop()  # the fd before it: `2>` comes out as 2 and >
            skip = True
        else:
            out[-1].append(w)
    return [_unwrapped(c) for c in out if c]


def _unwrapped(words: list[str]) -> list[str]:
    while words and rx.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
        words = words[1:]  # VAR=value before the command
    while words and words[0] in ("sudo", "env", "time", "nice", "nohup", "command", "exec"):
        words = words[1:]
        while words and words[0].startswith("-"):
            words = words[1:]  # the wrapper's own options (sudo -E)
    return words


def _program(word: str) -> str:
    name = os.path.basename(word)
    m = rx.match(r"^(python|pip|pypy)\d+(\.\d+)?$", name)  # a function, not "\\1": a template imports re
    return m.group(1) if m else name


def is_read_only(words: list[str]) -> bool:
    if not words:
        return True
    program = _program(words[0])
    rest = words[1:]
    if program in _READ_ONLY:
        return True
    if any(a in ("--version", "-V", "--help", "-h") for a in rest[:1]):
        return True
    if program == "sed" and not any(a.startswith("-i") or a == "--in-place" for a in rest):
        return True
    sub = next((a for a in rest if not a.startswith("-")), "")
    if program == "python" and rest[:2] == ["-m", "pip"]:
        program, sub = "pip", next((a for a in rest[2:] if not a.startswith("-")), "")
    return sub in _READ_ONLY_SUB.get(program, ())


def command_key(command: str) -> tuple[str, str]:
    """(program, subcommand) of the command that does the work in a command line: the last simple command that
    is not read-only. `python3 -m pytest -x` is (python, -m pytest); `git push origin` (git, push);
    `pytest tests/` (pytest, ""): a path is not a subcommand."""
    commands = simple_commands(command)
    words = next((c for c in reversed(commands) if not is_read_only(c)), commands[-1] if commands else [])
    if not words:
        return ("", "")
    program = _program(words[0])
    rest = words[1:]
    if rest[:1] == ["-m"] and len(rest) > 1:
        return (program, f"-m {rest[1]}")
    sub = next((a for a in rest if not a.startswith("-")), "")
    return (program, sub if rx.fullmatch(r"[A-Za-z][\w:.-]*", sub) else "")


def _sessions_dir() -> str:
    from heal.paths import state_dir

    return os.path.join(state_dir(), "claude-code", "sessions")


def _session_file(session: str) -> str:
    # Claude Code's session ids are UUIDs: a file name as they are (hashlib's import would be a third of the
    # success path); anything else is hashed
    if 0 < len(session) <= 64 and session.isascii() and session.replace("-", "").isalnum():
        return os.path.join(_sessions_dir(), session + ".json")
    import hashlib

    return os.path.join(_sessions_dir(), hashlib.sha256(session.encode("utf-8", "replace")).hexdigest()[:32] + ".json")


class _Locked:
    """The session file, read and rewritten under an exclusive lock: an async success hook and the failure hook
    of the next command may run at once."""

    def __init__(self, path: str, create: bool) -> None:
        self.path = path
        self.create = create
        self.fd = -1

    def __enter__(self) -> dict | None:
        import fcntl

        try:
            if self.create:
                os.makedirs(os.path.dirname(self.path), exist_ok=True)
                self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            else:
                self.fd = os.open(self.path, os.O_RDWR | os.O_CLOEXEC)
        except FileNotFoundError:
            return None
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        chunks = []
        while True:
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
        try:
            data = loads(b"".join(chunks) or b"{}")
        except ValueError:
            data = {}
        if not isinstance(data, dict) or not isinstance(data.get("failures"), list):
            data = {"failures": []}
        now = time.time()
        data["failures"] = [f for f in data["failures"] if isinstance(f, dict) and
                            now - float(f.get("time", 0)) < PENDING_TTL]
        return data

    def save(self, data: dict) -> None:
        if not data["failures"]:
            os.unlink(self.path)  # nothing pending: the success path finds no file and stops there
            return
        from heal.cjson import dumps  # json's text without importing json (1 ms of the hook's failure path)

        raw = dumps(data).encode("utf-8")
        os.lseek(self.fd, 0, os.SEEK_SET)
        os.ftruncate(self.fd, 0)
        view = memoryview(raw)
        while view:
            view = view[os.write(self.fd, view):]

    def __exit__(self, *exc: object) -> None:
        if self.fd >= 0:
            os.close(self.fd)


def _project(cwd: str) -> str:
    from heal.project import project_root

    return project_root(cwd)


def failed(session: str, cwd: str, command: str, d) -> None:
    """The failure starts a sequence; the same command failing again restarts it (what ran since did not help)
    or, failing differently, closes the previous one as progress (module A installed, now B is missing)."""
    if not session:
        return
    from heal.store import Failure

    failure = list(Failure.of(d))
    project = _project(cwd)
    key = list(command_key(command))
    progress: list[tuple[list, list[str]]] = []
    locked = _Locked(_session_file(session), create=True)
    with locked as data:
        if data is None:
            return
        kept = []
        for f in data["failures"]:
            if f.get("project") == project and f.get("key") == key:
                if f.get("failure", [None])[0] != failure[0] and f.get("commands"):
                    progress.append((f["failure"], f["commands"]))
                continue
            kept.append(f)
        kept.append({"project": project, "key": key, "command": command, "failure": failure, "commands": [],
                     "time": time.time()})
        data["failures"] = kept
        locked.save(data)
    for fields, commands in progress:
        _observe(fields, commands)
    _prune_sessions()


def succeeded(command: str, cwd: str, session: str) -> None:
    """A Bash command succeeded: add it to the session's pending sequences in this project, or close the one
    it resolves. Without a pending failure for the session this is one failed open() and nothing else."""
    locked = _Locked(_session_file(session), create=False)
    resolved: list[tuple[list, list[str]]] = []
    with locked as data:
        if data is None:
            return
        project = _project(cwd)
        key = list(command_key(command))
        kept = []
        for f in data["failures"]:
            if f.get("project") != project:
                kept.append(f)
            elif f.get("key") == key and key[0]:
                resolved.append((f.get("failure"), f.get("commands") or []))
            else:
                if not all(is_read_only(c) for c in simple_commands(command)):
                    f["commands"] = (f.get("commands") or [])[-(MAX_COMMANDS - 1):] + [command]
                kept.append(f)
        data["failures"] = kept
        locked.save(data)
    for fields, commands in resolved:
        _observe(fields, commands)


# What heal never passes on as advice, to this project or another: code fetched and run (`curl … | sh`,
# a pipe into an interpreter, eval), commands that reach the network by URL (an index, a script, a tarball
# from anywhere), privileges, and forced removals. One such command taints the whole sequence: the rest of
# it may only work because of it.
_INTERPRETERS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "fish", "python", "python3", "node", "perl", "ruby",
                           "php", "pwsh", "powershell", "source", "."})


def risky(command: str) -> str:
    """Why a command the agent ran is not advice heal may repeat to anyone ("" when it may)."""
    if "://" in command:
        return "it names a URL"
    commands = simple_commands(command)
    raw = command.replace("|&", "|")
    if "|" in raw:
        piped = [seg.strip().split()[:1] for seg in raw.split("|")[1:]]
        if any(p and os.path.basename(p[0]) in _INTERPRETERS for p in piped):
            return "it pipes into an interpreter"
    for words in commands:
        program = os.path.basename(words[0]) if words else ""
        if program in ("sudo", "doas", "su", "eval", "exec") or program in _INTERPRETERS and "-c" in words[1:]:
            return f"it runs {program}"
        if program == "rm" and any(w.startswith("-") and ("r" in w or "f" in w) for w in words[1:]):
            return "it removes recursively"
        if program in ("chmod", "chown") and any(w in ("777", "-R", "--recursive") for w in words[1:]):
            return f"it runs {program} broadly"
    if any(os.path.basename(w) in ("sudo", "doas", "su", "pkexec") for w in command.split()):
        return "it needs privileges"
    return ""


def _observe(fields: object, commands: list[str]) -> None:
    """Record what the agent ran as an observed pattern for the failure: advice heal shows, never runs."""
    if any(risky(command) for command in commands):
        return
    argvs = [c for command in commands for c in simple_commands(command) if not is_read_only(c)]
    argvs = [c for c in argvs if c and not c[0].startswith("-")]
    if not argvs or not isinstance(fields, list):
        return
    try:
        from heal.store import Failure, Store

        failure = Failure(*fields)
        with Store() as store:
            store.observe(failure, argvs[-MAX_COMMANDS:])
    except Exception:  # noqa: BLE001 - StoreUnavailable, a store not landed, a damaged pending file: learn nothing
        return


def _prune_sessions() -> None:
    directory = _sessions_dir()
    now = time.time()
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        path = os.path.join(directory, name)
        try:
            if now - os.stat(path).st_mtime > SESSION_TTL:
                os.unlink(path)
        except OSError:
            continue
