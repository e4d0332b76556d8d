"""Configuration: defaults < user config < project config (< command-line flags, applied by the caller).

Project config is `[tool.heal]` in a `pyproject.toml` or a `heal.toml` (which wins over pyproject.toml
in the same directory), found in the working directory or the nearest parent up to the repository root.
The user config is `config.toml` in `platformdirs.user_config_dir("heal")`, with the keys at top level.

Adding a setting = adding one `Key` to KEYS. Unknown keys and wrong types are a ConfigError naming
the file and the key.
"""

from __future__ import annotations

import os
from _collections_abc import Iterator, Mapping  # loaded already by os; collections.abc is not

from heal import paths
from heal.errors import ConfigError  # noqa: F401 - re-exported


class Key:
    """One setting. (Plain slotted classes here, not dataclasses: config loads on the fast path.)"""

    __slots__ = ("name", "type", "default", "help", "choices", "minimum")

    def __init__(self, name: str, type: type, default: object, help: str, choices: tuple[str, ...] = (),
                 minimum: float | None = None) -> None:
        self.name = name  # dotted for sub-tables: "capture.head_bytes" is `[tool.heal.capture] head_bytes`
        self.type = type
        self.default = default
        self.help = help
        self.choices = choices
        self.minimum = minimum


KEYS: tuple[Key, ...] = (
    Key("pty", str, "auto", "run under a pseudo-terminal: auto (when stdin and stdout are terminals), always, never",
        choices=("auto", "always", "never")),
    Key("ui", str, "auto", "how heal talks while healing: auto (terminal), terminal, quiet (git hooks: no questions, "
        "no step-by-step lines), json (one JSON object per event on stderr, for agents); HEAL_UI overrides",
        choices=("auto", "terminal", "quiet", "json")),
    Key("timeout", float, 0.0, "kill the command after this many seconds; 0 = no limit", minimum=0),
    Key("idle_timeout", float, 0.0, "kill the command after this many seconds without output; 0 = no limit",
        minimum=0),
    Key("kill_grace", float, 5.0, "seconds between SIGTERM and SIGKILL when a timeout fires", minimum=0),
    Key("capture.head_bytes", int, 64 * 1024, "bytes of output kept from the start for diagnosis", minimum=0),
    Key("capture.tail_bytes", int, 1024 * 1024, "bytes of output kept from the end for diagnosis", minimum=0),
    Key("log.retention_days", float, 30.0, "`heal log prune` drops change sets older than this", minimum=0),
    Key("max_attempts", int, 3, "fix-and-rerun attempts at most for one command", minimum=1),
    Key("budget", float, 900.0, "seconds heal may spend healing one command, reruns included", minimum=0),
    Key("retry.attempts", int, 3, "retries of a transient failure", minimum=0),
    Key("retry.base", float, 1.0, "first backoff, in seconds (then doubled each retry, with full jitter)", minimum=0),
    Key("retry.cap", float, 30.0, "longest backoff, in seconds", minimum=0),
    Key("retry.max_delay", float, 120.0, "stop retrying after this many seconds of waiting", minimum=0),
    Key("retry.non_idempotent", bool, False, "retry requests that may not be repeated (curl -d, -X POST, uploads)"),
    Key("retry.any_command", bool, False, "retry scripts and programs heal does not know with --yes alone "
        "(otherwise their retry is asked on a terminal: they may not be safe to run twice)"),
    Key("retry.flaky_tests", int, 0, "reruns of a failing test run, to tell flaky from broken; 0 = never",
        minimum=0),
    Key("learn.enabled", bool, True, "record outcomes in the pattern store and offer what was learned"),
    Key("learn.cutoff", float, 0.88, "how alike (0-1) a failure's evidence must read to reuse a pattern learned "
        "for another", minimum=0),
    Key("hooks.repair", str, "check", "heal's git pre-commit hook, for a broken staged file: check (show the repair, "
        "stop the commit) or apply (also repair the working-tree copy, journaled; the commit still stops)",
        choices=("check", "apply")),
    Key("hooks.claude_code_apply", bool, False, "`heal hook claude-code` applies low-risk fixes itself (journaled) "
        "instead of only describing them"),
)
_BY_NAME = {k.name: k for k in KEYS}
_TABLES = {k.name.rsplit(".", 1)[0] for k in KEYS if "." in k.name}

DEFAULT_SOURCE = "default"
_INF = float("inf")




class Config:
    """The effective settings, and where each came from."""

    __slots__ = ("values", "sources", "files")

    def __init__(self, values: Mapping[str, object], sources: Mapping[str, str] | None = None,
                 files: tuple[str, ...] = ()) -> None:
        self.values = values
        self.sources = sources or {}
        self.files = files

    def __getitem__(self, name: str) -> object:
        return self.values[name]

    # Typed reads: the KEYS table checked each value's type when it was loaded.
    def int(self, name: str) -> int:
        return int(self.values[name])  # type: ignore[call-overload]

    def float(self, name: str) -> float:
        return float(self.values[name])  # type: ignore[arg-type]

    def str(self, name: str) -> str:
        return str(self.values[name])

    def bool(self, name: str) -> bool:
        return bool(self.values[name])

    def items(self) -> Iterator[tuple[Key, object, str]]:
        for key in KEYS:
            yield key, self.values[key.name], self.sources.get(key.name, DEFAULT_SOURCE)


def defaults() -> Config:
    return Config({k.name: k.default for k in KEYS}, {k.name: DEFAULT_SOURCE for k in KEYS})


def load(cwd: str | None = None) -> Config:
    """The effective configuration for a command run in `cwd`. Raises ConfigError."""
    values = {k.name: k.default for k in KEYS}
    sources = {k.name: DEFAULT_SOURCE for k in KEYS}
    files: list[str] = []
    if cwd is None:
        try:
            cwd = os.getcwd()
        except OSError:
            cwd = None  # the working directory was deleted: no project to look in, the user config still applies
    try:
        for path, table, label in _config_files(cwd):
            for name, value in _validate(path, table, label).items():
                values[name] = value
                sources[name] = path
            files.append(path)
    except ConfigError:
        raise
    except Exception as exc:  # anything unforeseen is still one line, and the command still runs
        raise ConfigError(f"cannot load the configuration: {type(exc).__name__}: {exc}") from None
    return Config(values, sources, tuple(files))


def _config_files(cwd: str | None) -> Iterator[tuple[str, Mapping[str, object], str]]:
    user = paths.user_config_file()
    if os.path.isfile(user):
        yield user, _parse(user), ""
    if cwd is not None:
        yield from _project_tables(cwd)


def _project_tables(cwd: str) -> list[tuple[str, Mapping[str, object], str]]:
    """[tool.heal] of pyproject.toml then heal.toml, from the nearest directory that has either."""
    d = os.path.abspath(cwd)
    while True:
        found: list[tuple[str, Mapping[str, object], str]] = []
        pyproject = os.path.join(d, "pyproject.toml")
        if os.path.isfile(pyproject) and _mentions_heal(pyproject):
            tool = _parse(pyproject).get("tool")
            if isinstance(tool, dict) and "heal" in tool:
                if not isinstance(tool["heal"], dict):
                    raise ConfigError(f"{pyproject}: [tool.heal] must be a table")
                found.append((pyproject, tool["heal"], "[tool.heal] "))
        heal_toml = os.path.join(d, "heal.toml")
        if os.path.isfile(heal_toml):
            found.append((heal_toml, _parse(heal_toml), ""))
        if found:
            return found
        parent = os.path.dirname(d)
        if parent == d or os.path.exists(os.path.join(d, ".git")):
            return []
        d = parent


def _mentions_heal(path: str) -> bool:
    # Most pyproject.toml files have no heal table: a byte search spares parsing them on every run.
    try:
        with open(path, "rb") as fh:
            return b"heal" in fh.read()
    except OSError:
        return False


def _parse(path: str) -> dict:
    from heal.fsutil import toml_module
    from heal.tomlcache import load  # a config file unchanged since the last run is not parsed again

    try:
        return load(path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not valid UTF-8") from None
    except toml_module().TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: nested too deeply") from None
    except Exception as exc:
        # Whatever else the parser trips on, a config file must never stop the command from running.
        raise ConfigError(f"{path}: cannot read: {type(exc).__name__}: {exc}") from None


def _flatten(table: Mapping[str, object], prefix: str = "") -> Iterator[tuple[str, object]]:
    for k, v in table.items():
        name = prefix + k
        if name in _TABLES:
            if not isinstance(v, dict):
                yield name, v  # reported as a type error by _validate
            else:
                yield from _flatten(v, name + ".")
        else:
            yield name, v


def _validate(path: str, table: Mapping[str, object], label: str) -> dict[str, object]:
    out: dict[str, object] = {}
    for name, value in _flatten(table):
        if name in _TABLES:
            raise ConfigError(f"{path}: {label}'{name}' must be a table")
        key = _BY_NAME.get(name)
        if key is None:
            raise ConfigError(f"{path}: {label}unknown key '{name}'{_did_you_mean(name)}")
        out[name] = _check(path, label, key, value)
    return out


def _check(path: str, label: str, key: Key, value: object) -> object:
    where = f"{path}: {label}'{key.name}'"
    numeric = key.type in (int, float)
    if numeric and isinstance(value, bool) or not isinstance(value, (int, float) if key.type is float else key.type):
        # bool is an int in Python, but `timeout = true` is a mistake worth naming.
        raise ConfigError(f"{where} must be {_type_name(key.type)}, not {_type_name(type(value))}")
    if key.type is float:
        value = float(value)  # type: ignore[arg-type]
        if not -_INF < value < _INF:  # TOML has inf and nan; no setting means either (nan fails every test)
            raise ConfigError(f"{where} must be a finite number, not {value!r}")
    if key.choices and value not in key.choices:
        raise ConfigError(f"{where} must be one of {', '.join(key.choices)}, not {value!r}")
    if key.minimum is not None and value < key.minimum:  # type: ignore[operator]
        raise ConfigError(f"{where} must be at least {key.minimum:g}, not {value!r}")
    return value


def _type_name(t: type) -> str:
    return {int: "an integer", float: "a number", str: "a string", bool: "true or false",
            dict: "a table", list: "an array"}.get(t, t.__name__)


def _did_you_mean(name: str) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(_BY_NAME), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
