"""Corrected commands end to end: heal runs the real command, corrects it, runs the correction and heals (or,
without --yes and a terminal, only says it); what must never run does not."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

GIT = ["git", "-c", "user.email=t@example.invalid", "-c", "user.name=t"]


def _git(cwd, *args):
    return subprocess.run([*GIT, "-C", str(cwd), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(project):
    _git(project, "init", "-q", "-b", "main")
    _git(project, "commit", "-q", "--allow-empty", "-m", "init")
    return project


def test_git_typo_runs_what_git_suggests(heal, repo):
    r = heal("--yes", "--report", "report.json", "--", "git", "stauts")
    assert r.returncode == 0, r.stderr
    assert b"On branch main" in r.stdout
    assert b"running again: git status" in r.stderr and b"healed" in r.stderr
    report = json.load(open(os.path.join(repo, "report.json")))
    assert report["healed"] and report["attempts"][0]["fix"]["argv"] == ["git", "status"]


def _python_on_path(heal_env, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink(sys.executable, bin_dir / "python")
    return dict(heal_env, PATH=f"{bin_dir}{os.pathsep}{heal_env['PATH']}")


def test_program_typo_runs_the_closest_program_after_a_yes_on_a_terminal(project, heal_env, tmp_path):
    from conftest import yes_on_a_terminal

    status, transcript = yes_on_a_terminal(["--", "pyhton", "-c", "print(6 * 7)"], cwd=project,
                                           env=_python_on_path(heal_env, tmp_path))
    assert status == 0, transcript
    assert "42" in transcript and "running again: python -c 'print(6 * 7)'" in transcript


def test_program_typo_is_only_said_with_yes_and_no_terminal(heal, project, heal_env, tmp_path):
    # another program than the one typed is a guess: --yes alone never runs it
    r = heal("--yes", "--", "pyhton", "-c", "print(6 * 7)", env=_python_on_path(heal_env, tmp_path))
    assert r.returncode == 127, r.stderr
    assert r.stdout == b""
    assert b"python -c 'print(6 * 7)'" in r.stderr and b"--yes is not enough" in r.stderr
    assert b"running again" not in r.stderr


def test_without_yes_or_a_terminal_it_is_only_said(heal, repo):
    r = heal("--", "gti", "status")
    assert r.returncode == 127
    assert b"suggestion:" in r.stderr and b"git status" in r.stderr
    assert b"running again" not in r.stderr and r.stdout == b""


@pytest.mark.skipif(not shutil.which("make"), reason="make is not installed")
def test_make_target_typo(heal, project):
    with open(os.path.join(project, "Makefile"), "w") as fh:
        fh.write("test:\n\t@echo testing\nlint:\n\t@echo linting\n")
    r = heal("--yes", "--", "make", "tset")
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"testing\n"


def test_mkdir_without_parents(heal, project):
    r = heal("--yes", "--", "mkdir", "a/b/c")
    assert r.returncode == 0, r.stderr
    assert os.path.isdir(os.path.join(project, "a", "b", "c"))
    r = heal("--yes", "--", "touch", "x/y/z")  # a missing directory may be a typo: said, not made
    assert r.returncode == 1
    assert b"mkdir -p x/y" in r.stderr and not os.path.exists(os.path.join(project, "x"))


def test_a_shell_builtin_and_a_shell_line_get_the_sh_c_hint(heal, project):
    r = heal("--yes", "--", "cd", "/tmp")
    assert r.returncode == 127
    assert b"heal -- sh -c 'cd /tmp'" in r.stderr
    r = heal("--yes", "--", "echo a && echo 'b c'")
    assert r.returncode == 127
    assert b"""heal -- sh -c 'echo a && echo '"'"'b c'"'"''""" in r.stderr


def test_git_pull_without_upstream_tracks_the_remote_branch_then_pulls(heal, project, tmp_path):
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    _git(project, "init", "-q", "-b", "main")
    _git(project, "commit", "-q", "--allow-empty", "-m", "init")
    _git(project, "remote", "add", "origin", str(remote))
    _git(project, "push", "-q", "origin", "main:topic")
    _git(project, "fetch", "-q")
    _git(project, "checkout", "-q", "-b", "topic")
    r = heal("--yes", "--", "git", "pull")
    assert r.returncode == 0, r.stderr
    assert _git(project, "rev-parse", "--abbrev-ref", "topic@{upstream}").strip() == "origin/topic"
    log = json.loads(heal("log", "--json").stdout)["change_sets"]
    assert log[0]["changes"] == ["ran git branch --set-upstream-to=origin/topic topic (not undoable)"]
    r = heal("rollback", "--last", "--yes")
    assert r.returncode == 0 and b"not undone" in r.stderr  # said, not pretended


def test_git_pull_without_a_remote_branch_of_that_name_is_left_alone(heal, project, tmp_path):
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    _git(project, "init", "-q", "-b", "main")
    _git(project, "commit", "-q", "--allow-empty", "-m", "init")
    _git(project, "remote", "add", "origin", str(remote))
    _git(project, "push", "-q", "origin", "main")
    _git(project, "checkout", "-q", "-b", "topic")
    r = heal("--yes", "--", "git", "pull")
    assert r.returncode != 0
    assert b"set-upstream-to" not in r.stderr.replace(b"git branch --set-upstream-to=origin/<branch> topic", b"")


@pytest.mark.skipif(not shutil.which("terraform"), reason="terraform is not installed")
def test_terraform_init_first_then_the_plan(heal, project, heal_env):
    os.mkdir(os.path.join(project, "mod"))
    with open(os.path.join(project, "mod", "main.tf"), "w") as fh:
        fh.write('output "x" {\n  value = 1\n}\n')
    with open(os.path.join(project, "main.tf"), "w") as fh:
        fh.write('module "m" {\n  source = "./mod"\n}\n')
    env = dict(heal_env, TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1")
    r = heal("--yes", "--", "terraform", "plan", "-no-color", "-input=false", env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert b"running again: terraform plan" in r.stderr
    assert os.path.isdir(os.path.join(project, ".terraform", "modules"))


def test_never_a_forced_correction(heal, repo, tmp_path):
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    _git(repo, "remote", "add", "origin", str(remote))
    r = heal("--yes", "--", "git", "psuh", "--force", "origin", "main")
    assert r.returncode == 1
    assert b"running again" not in r.stderr
    assert _git(remote, "branch", "--list") == ""  # nothing was pushed


def test_not_as_root_only_drops_sudo(heal, project):
    # a program that refuses root, run through a `sudo` that is only `env` here: the correction has no sudo
    bin_dir = os.path.join(project, "bin")
    os.mkdir(bin_dir)
    with open(os.path.join(bin_dir, "sudo"), "w") as fh:
        fh.write('#!/bin/sh\nSUDOED=1 exec "$@"\n')
    with open(os.path.join(bin_dir, "tool"), "w") as fh:
        fh.write('#!/bin/sh\nif [ -n "$SUDOED" ]; then echo "you cannot perform this operation as root" >&2; exit 1; fi\n'
                 'echo fine\n')
    for name in ("sudo", "tool"):
        os.chmod(os.path.join(bin_dir, name), 0o755)
    r = heal("--yes", "--", "bin/sudo", "bin/tool")
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"fine\n" and b"running again: bin/tool" in r.stderr
