"""chmod plans: only the program the command ran, inside the project, not yet executable, and only when the
output says that program was refused."""

from __future__ import annotations

import os

from heal.fixes import chmod


def _script(path, mode=0o644, text="#!/bin/sh\necho hi\n"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.chmod(path, mode)
    return path


def test_a_project_script_that_is_not_executable_gets_chmod_x(tmp_path, ran):
    script = _script(tmp_path / "run.sh")
    fix = chmod.plan({}, ran(["./run.sh"]), "chmod-not-executable", "low")
    assert fix.action == "chmod" and fix.argv == ("chmod", "+x", "run.sh")
    assert fix.change.path == str(script) and fix.change.mode == 0o755  # x for whoever may read it
    assert fix.path == str(script)


def test_group_and_other_get_x_only_where_they_may_read(tmp_path, ran):
    _script(tmp_path / "run.sh", mode=0o600)
    assert chmod.plan({}, ran(["./run.sh"]), "s", "low").change.mode == 0o700


def test_nothing_for_a_script_that_is_executable_already(tmp_path, ran):
    _script(tmp_path / "run.sh", mode=0o755, text="#!/bin/sh\nexit 126\n")  # 126 for another reason
    assert chmod.plan({}, ran(["./run.sh"]), "s", "low") is None


def test_nothing_outside_the_project(tmp_path, ran):
    outside = _script(tmp_path / "elsewhere" / "tool.sh")
    project = tmp_path / "project"
    project.mkdir()
    ctx = ran([str(outside)], cwd=str(project))
    assert chmod.plan({}, ctx, "s", "low") is None


def test_nothing_inside_a_virtualenv_or_node_modules(tmp_path, ran):
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    _script(tmp_path / ".venv" / "bin" / "tool")
    _script(tmp_path / "node_modules" / ".bin" / "tool")
    assert chmod.plan({}, ran(["./.venv/bin/tool"]), "s", "low") is None
    assert chmod.plan({}, ran(["./node_modules/.bin/tool"]), "s", "low") is None


def test_a_name_looked_up_on_path_is_not_a_project_script(tmp_path, ran):
    _script(tmp_path / "tool")
    ctx = ran(["sh", "-c", "./tool"])  # through a shell: the script is the one command it runs
    assert chmod.plan({}, ctx, "s", "low").change.path == str(tmp_path / "tool")
    ctx = ran(["sh", "-c", "./tool; echo after"])  # two commands: heal cannot tell which one was refused
    assert chmod.plan({}, ctx, "s", "low") is None
