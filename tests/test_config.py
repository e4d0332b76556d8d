"""Configuration: defaults < user config < project config < flags; bad files are one-line errors."""

from __future__ import annotations

import json
import os

import pytest


def _write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        fh.write(text)


def _config_json(heal) -> dict:
    r = heal("config", "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_defaults_and_their_source(heal, heal_env):
    cfg = _config_json(heal)
    assert cfg["settings"]["pty"] == {"value": "auto", "source": "default"}
    assert cfg["settings"]["capture.tail_bytes"]["value"] == 1024 * 1024
    assert cfg["state_dir"] == {"value": heal_env["HEAL_HOME"], "source": "HEAL_HOME"}


def test_precedence_user_then_pyproject_then_heal_toml(heal, heal_env, project):
    user = os.path.join(heal_env["XDG_CONFIG_HOME"], "heal", "config.toml")
    _write(user, "timeout = 10\nidle_timeout = 20\nkill_grace = 1\n")
    _write(os.path.join(project, "pyproject.toml"),
           "[project]\nname = 'x'\n\n[tool.heal]\ntimeout = 30\nidle_timeout = 40\n\n[tool.heal.capture]\nhead_bytes = 100\n")
    _write(os.path.join(project, "heal.toml"), "timeout = 50\n")
    s = _config_json(heal)["settings"]
    assert s["timeout"] == {"value": 50.0, "source": os.path.join(project, "heal.toml")}
    assert s["idle_timeout"] == {"value": 40.0, "source": os.path.join(project, "pyproject.toml")}
    assert s["capture.head_bytes"] == {"value": 100, "source": os.path.join(project, "pyproject.toml")}
    assert s["kill_grace"] == {"value": 1.0, "source": user}
    assert s["pty"]["source"] == "default"


def test_project_config_is_found_from_a_subdirectory(heal, project):
    _write(os.path.join(project, "heal.toml"), "pty = 'never'\n")
    sub = os.path.join(project, "src", "pkg")
    os.makedirs(sub)
    r = heal("config", "--json", cwd=sub)
    assert json.loads(r.stdout)["settings"]["pty"]["value"] == "never"


def test_pyproject_without_a_heal_table_is_skipped(heal, project):
    _write(os.path.join(project, "pyproject.toml"), "[project]\nname = 'heal-something'\n")
    s = _config_json(heal)["settings"]
    assert all(v["source"] == "default" for v in s.values())


def test_human_output_names_sources(heal, project):
    _write(os.path.join(project, "heal.toml"), "timeout = 5\n")
    r = heal("config")
    assert r.returncode == 0
    line = next(ln for ln in r.stdout.decode().splitlines() if ln.startswith("timeout"))
    assert "5.0" in line and line.endswith(os.path.join(project, "heal.toml"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("timeout = 'soon'\n", "heal.toml: 'timeout' must be a number, not a string"),
        ("timout = 5\n", "heal.toml: unknown key 'timout' (did you mean 'timeout'?)"),
        ("pty = 'sometimes'\n", "heal.toml: 'pty' must be one of auto, always, never, not 'sometimes'"),
        ("timeout = -1\n", "heal.toml: 'timeout' must be at least 0, not -1.0"),
        ("capture = 3\n", "heal.toml: 'capture' must be a table"),
        ("[capture]\nhead_bytes = true\n", "heal.toml: 'capture.head_bytes' must be an integer, not true or false"),
        ("timeout = \n", "heal.toml: invalid TOML"),
    ],
)
def test_bad_config_is_a_one_line_error(heal, project, text, message):
    _write(os.path.join(project, "heal.toml"), text)
    r = heal("config")
    assert r.returncode == 2
    err = r.stderr.decode()
    assert err.count("\n") == 1 and err.startswith("heal: error: ")
    assert message in err
    assert "Traceback" not in err


def test_bad_pyproject_key_names_the_table(heal, project):
    _write(os.path.join(project, "pyproject.toml"), "[tool.heal]\ncolour = 'x'\n")
    r = heal("config")
    assert r.returncode == 2
    assert "pyproject.toml: [tool.heal] unknown key 'colour'" in r.stderr.decode()


def test_invalid_utf8_config(heal, project):
    with open(os.path.join(project, "heal.toml"), "wb") as fh:
        fh.write(b"timeout = '\xff'\n")
    r = heal("config")
    assert r.returncode == 2
    assert "heal.toml:" in r.stderr.decode()


def test_bad_config_does_not_stop_the_command(heal, project):
    _write(os.path.join(project, "heal.toml"), "timout = 5\n")
    r = heal("--", "sh", "-c", "echo ran; exit 3")
    assert r.returncode == 3
    assert r.stdout == b"ran\n"
    assert r.stderr.decode().startswith("heal: config error: ")
    assert r.stderr.decode().count("\n") == 1


def test_config_values_drive_the_runner(heal, project):
    _write(os.path.join(project, "heal.toml"), "idle_timeout = 1\nkill_grace = 0.2\n")
    r = heal("--", "sh", "-c", "echo hi; sleep 20")
    assert r.returncode == 124


def test_flags_override_config(heal, project):
    _write(os.path.join(project, "heal.toml"), "timeout = 1\n")
    r = heal("--timeout", "0", "--", "sh", "-c", "sleep 1.5; echo done")
    assert r.returncode == 0
    assert r.stdout == b"done\n"


def _config_at(where: str, heal_env: dict, project: str, text: str) -> str:
    """Write config text as heal.toml, [tool.heal] of pyproject.toml, or the user config; its path."""
    if where == "heal.toml":
        path = os.path.join(project, "heal.toml")
        _write(path, text)
    elif where == "pyproject":
        path = os.path.join(project, "pyproject.toml")
        _write(path, "[tool.heal]\n" + text.replace("[retry]", "[tool.heal.retry]"))
    else:
        path = os.path.join(heal_env["XDG_CONFIG_HOME"], "heal", "config.toml")
        _write(path, text)
    return path


@pytest.mark.parametrize("where", ["heal.toml", "pyproject", "user"])
@pytest.mark.parametrize(("text", "key", "shown"), [
    ("timeout = inf\n", "timeout", "inf"),
    ("timeout = nan\n", "timeout", "nan"),
    ("timeout = -inf\n", "timeout", "-inf"),
    ("idle_timeout = nan\n", "idle_timeout", "nan"),
    ("idle_timeout = inf\n", "idle_timeout", "inf"),
    ("[retry]\ncap = inf\n", "retry.cap", "inf"),
])
def test_a_non_finite_number_is_a_config_error_and_the_command_still_runs(heal, heal_env, project, where, text,
                                                                         key, shown):
    # F4: `timeout = inf` used to be accepted and then kill the command's output (exit 141).
    path = _config_at(where, heal_env, project, text)
    r = heal("config")
    assert r.returncode == 2
    assert r.stderr.decode() == f"heal: error: {path}: {'[tool.heal] ' if where == 'pyproject' else ''}'{key}' " \
                                f"must be a finite number, not {shown}\n"
    r = heal("--", "sh", "-c", "sleep 0.3; echo hi; exit 3")
    assert (r.returncode, r.stdout) == (3, b"hi\n")
    assert r.stderr.decode().startswith("heal: config error: ") and r.stderr.count(b"\n") == 1


@pytest.mark.parametrize("where", ["heal.toml", "pyproject", "user"])
def test_a_huge_finite_timeout_just_works(heal, heal_env, project, where):
    # F4: poll() takes at most 2**31-1 ms; a longer deadline (1e300 s, 2200000 s) must simply be far away.
    _config_at(where, heal_env, project, "timeout = 1e300\nidle_timeout = 2200000.0\nkill_grace = 1e300\n")
    r = heal("--", "sh", "-c", "sleep 0.3; echo hi; exit 3")
    assert (r.returncode, r.stdout) == (3, b"hi\n")
    assert b"error" not in r.stderr


NESTED = "x = " + "[" * 100000 + "]" * 100000 + "\n"


@pytest.mark.parametrize("where", ["heal.toml", "pyproject", "user"])
def test_a_config_file_the_parser_chokes_on_is_one_line_and_the_command_runs(heal, heal_env, project, where):
    # F5: tomllib raises RecursionError on deep nesting; it reached `heal -- CMD` as exit 70, command not run.
    if where == "pyproject":
        path = os.path.join(project, "pyproject.toml")
        _write(path, "# heal\n" + NESTED)  # mentions heal, so it is parsed
    else:
        path = _config_at(where, heal_env, project, NESTED)
    r = heal("--", "sh", "-c", "echo hi; exit 3")
    assert (r.returncode, r.stdout) == (3, b"hi\n")
    assert r.stderr.decode() == f"heal: config error: {path}: invalid TOML: nested too deeply (using defaults)\n"
    r = heal("config")
    assert r.returncode == 2
    assert r.stderr.decode() == f"heal: error: {path}: invalid TOML: nested too deeply\n"
