"""`heal diagnose` and the diagnosis line after a failed `heal -- CMD`: contract, input handling, bad input."""

from __future__ import annotations

import json
import os
import random

import pytest

TRACEBACK = (b"Traceback (most recent call last):\n  File \"/tmp/x/app.py\", line 3, in <module>\n    import yaml\n"
             b"ModuleNotFoundError: No module named 'yaml'\n")
KEYS = {"category", "severity", "summary", "signature", "facts", "fixes"}


def _json(r) -> dict:
    assert r.returncode == 0, r.stderr
    obj = json.loads(r.stdout)
    assert set(obj) == KEYS  # exactly the DESIGN.md object
    return obj


def test_json_contract_from_a_file(heal, project):
    path = os.path.join(project, "out.txt")
    with open(path, "wb") as fh:
        fh.write(TRACEBACK)
    obj = _json(heal("diagnose", "--json", "--command", "python3 app.py", "--exit-code", "1", path))
    assert obj["category"] == "dependency"
    assert obj["severity"] == "high"
    assert obj["facts"]["module"] == "yaml" and obj["facts"]["tool"] == "python" and obj["facts"]["exit_code"] == 1
    (fix,) = obj["fixes"]  # python3 here is not a virtualenv: installing would change the system, so a suggestion
    assert set(fix) == {"action", "description", "argv", "path", "risk", "source", "confidence"}
    assert fix["action"] == "suggest" and fix["argv"][-1] == "PyYAML"
    assert obj["signature"].startswith("dependency/")


def test_stdin_and_dash(heal):
    a = _json(heal("diagnose", "--json", input=TRACEBACK))
    b = _json(heal("diagnose", "--json", "-", input=TRACEBACK))
    assert a == b


def test_answer_commands_are_unknown_and_never_fixed(heal):
    obj = _json(heal("diagnose", "--json", "--command", "grep -r TODO src", "--exit-code", "1", input=b""))
    assert obj["category"] == "unknown" and obj["severity"] == "info"


def test_human_output_is_short_and_plain_without_a_terminal(heal):
    r = heal("diagnose", input=TRACEBACK)
    out = r.stdout.decode()
    assert r.returncode == 0
    assert out.startswith("heal: dependency (high): Python module 'yaml' is not installed")
    assert "\x1b[" not in out and len(out.splitlines()) <= 8


def test_colour_only_when_asked_and_no_color_wins(heal, heal_env):
    env = dict(heal_env, FORCE_COLOR="1")
    assert b"\x1b[" in heal("diagnose", input=TRACEBACK, env=env).stdout
    env["NO_COLOR"] = "1"
    assert b"\x1b[" not in heal("diagnose", input=TRACEBACK, env=env).stdout


@pytest.mark.parametrize("args, message", [
    (["/no/such/file"], "/no/such/file: No such file or directory"),
    (["--command", "'unclosed"], "--command:"),
    (["--exit-code", "x"], "needs a whole number, not 'x'"),
    (["--bogus"], "unknown option '--bogus'"),
    (["a", "b"], "one input at most"),
])
def test_bad_arguments_are_one_line_errors(heal, args, message):
    r = heal("diagnose", *args, input=b"")
    assert r.returncode == 2
    assert message in r.stderr.decode()
    assert b"Traceback" not in r.stderr


def test_a_directory_is_an_error(heal, project):
    r = heal("diagnose", project)
    assert r.returncode == 2 and b"Traceback" not in r.stderr


@pytest.mark.parametrize("data, category", [
    (b"", "unknown"),
    (bytes(random.Random(4096).getrandbits(8) for _ in range(4096)), "unknown"),  # fixed noise
    (b"\xff\xfe\x00garbage\x00\x80 but then\nModuleNotFoundError: No module named 'zz'\n", "dependency"),
    (TRACEBACK.replace(b"\n", b"\r\n"), "dependency"),
    (b"\x1b[31mTraceback (most recent call last):\x1b[0m\n  File \"a.py\", line 1, in <module>\n"
     b"\x1b[1mModuleNotFoundError\x1b[0m: No module named 'yaml'\n", "dependency"),
    (b"downloading 10%\rdownloading 50%\rdownloading 100%\nnpm error code E404\n", "dependency"),
])
def test_odd_input_gives_a_sensible_result(heal, data, category):
    obj = _json(heal("diagnose", "--json", input=data))
    assert obj["category"] == category


def test_a_100mb_line_without_newline(heal, project):
    path = os.path.join(project, "huge.log")
    with open(path, "wb") as fh:
        chunk = b"x" * (1 << 20)
        for _ in range(100):
            fh.write(chunk)
        fh.write(b" ModuleNotFoundError: No module named 'yaml'")
    obj = _json(heal("diagnose", "--json", path, timeout=120))
    assert obj["category"] == "dependency"


def test_secrets_are_redacted_in_what_is_printed(heal):
    out = b"fatal: unable to access 'https://bob:hunter2pass@git.example.com/r.git/': Could not resolve host\n"
    r = heal("diagnose", "--json", input=out)
    assert b"hunter2pass" not in r.stdout
    assert _json(r)["category"] == "network"


def test_failed_run_prints_one_diagnosis_line_after_the_output(heal):
    r = heal("--", "python3", "-c", "print('out'); import yaml_not_installed_xyz")
    assert r.returncode == 1
    assert r.stdout == b"out\n"
    lines = r.stderr.decode().rstrip("\n").splitlines()
    heal_lines = lines[lines.index(next(ln for ln in lines if ln.startswith("heal: "))):]
    assert heal_lines[0].startswith("heal: dependency (high): Python module 'yaml_not_installed_xyz' is not installed")
    # then at most a suggestion: the name is not in the curated map, so nothing is installed
    assert all(ln.startswith(("heal: ", "      ")) for ln in heal_lines) and len(heal_lines) <= 3


@pytest.mark.parametrize("argv", [["grep", "zzz-not-there", "/etc/hostname"], ["false"], ["sh", "-c", "exit 1"]])
def test_failures_heal_does_not_recognise_add_nothing(heal, argv):
    r = heal("--", *argv)
    assert r.returncode == 1
    assert r.stderr == b""


NAMED_PROGRAM_OUTPUT = ("Traceback (most recent call last):\n  File \"app.py\", line 1, in <module>\n    import yaml\n"
                        "ModuleNotFoundError: No module named 'yaml'\n")


def named_program_project(project: str) -> str:
    """A project whose failing command names a wrapper script as its python, and declares a dependency with a
    marker (so planning wants that interpreter's markers): running the wrapper leaves a file behind."""
    os.makedirs(os.path.join(project, "tools"))
    ran = os.path.join(project, "RAN")
    with open(os.path.join(project, "tools", "python"), "w") as fh:
        fh.write(f"#!/bin/sh\ntouch {ran}\nexec python3 \"$@\"\n")
    os.chmod(os.path.join(project, "tools", "python"), 0o755)
    with open(os.path.join(project, "pyproject.toml"), "w") as fh:
        fh.write('[project]\nname = "x"\nversion = "1"\ndependencies = ["PyYAML; python_version > \\"3\\""]\n')
    return ran


def test_diagnose_never_runs_a_program_its_input_names(heal, project):
    # planning from text: the command's interpreter is not asked for its markers nor whether it is a virtualenv
    # (break-it W4: a wrapper named in --command was run)
    ran = named_program_project(project)
    r = heal("diagnose", "--command", "tools/python app.py", "--exit-code", "1", "-", input=NAMED_PROGRAM_OUTPUT.encode())
    assert r.returncode == 0, r.stderr
    assert b"yaml" in r.stdout
    assert not os.path.exists(ran)
