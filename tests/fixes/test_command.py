"""run plans (corrected commands): the closest npm script, npm install for npm ci without a lockfile, git push
--set-upstream for git's own push, and git pull --rebase (journaled, always asked) for a rejected push."""

from __future__ import annotations

import json
import subprocess

import pytest

from .planning import context, fixture
from heal.fixes import command

GIT = ["git", "-c", "user.email=t@example.invalid", "-c", "user.name=t"]


def _git(cwd, *args):
    subprocess.run([*GIT, "-C", str(cwd), *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path):
    remote, work = tmp_path / "remote.git", tmp_path / "work"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(work)], check=True)
    _git(work, "commit", "-q", "--allow-empty", "-m", "init")
    _git(work, "remote", "add", "origin", str(remote))
    _git(work, "checkout", "-q", "-b", "feature/login")
    return work


def test_set_upstream_for_git_push(repo):
    case = fixture("git-push-no-upstream")
    ctx = context(case["output"], ["git", "push"], 128, str(repo))
    fix = command.plan({"kind": "git-set-upstream"}, ctx, "git-no-upstream", "low")
    assert fix.argv == fix.new_command == ("git", "push", "--set-upstream", "--", "origin", "feature/login")
    assert fix.change is None  # a corrected command: nothing to journal


@pytest.mark.parametrize("argv", [
    ["./release.sh", "push"],  # a script that printed git's words is not git
    ["sh", "-c", "git push"],
    ["git", "-C", "..", "push"],  # another repository's remote and branch
    ["git", "pull"],
])
def test_set_upstream_never_for_anything_but_gits_own_push(repo, argv):
    case = fixture("git-push-no-upstream")
    ctx = context(case["output"], argv, 128, str(repo))
    assert command.plan({"kind": "git-set-upstream"}, ctx, "git-no-upstream", "low") is None


def test_the_branch_comes_from_the_repository_never_from_the_output(repo):
    out = "fatal: The current branch --receive-pack=touch${IFS}/tmp/x;false has no upstream branch.\n"
    ctx = context(out, ["git", "push"], 128, str(repo))
    assert command.plan({"kind": "git-set-upstream"}, ctx, "git-no-upstream", "low") is None


def test_pull_rebase_is_a_journaled_change_always_asked(repo, tmp_path):
    _git(repo, "push", "-q", "-u", "origin", "feature/login")
    case = fixture("git-push-rejected-fetch-first")
    ctx = context(case["output"], ["git", "push"], 1, str(repo))
    fix = command.plan({"kind": "git-pull-rebase"}, ctx, "git-rejected-push", "medium")
    assert fix.action == "run" and fix.ask and fix.argv == ("git", "pull", "--rebase")
    assert fix.change.argv == ("git", "pull", "--rebase") and fix.change.cwd == str(repo)
    assert fix.new_command is None  # the push itself is run again
    (repo / "tracked").write_text("x")
    _git(repo, "add", "tracked")  # uncommitted work: the user sorts it out first
    fix = command.plan({"kind": "git-pull-rebase"}, ctx, "git-rejected-push", "medium")
    assert fix.action == "suggest"


def _npm_project(tmp_path, scripts):
    (tmp_path / "package.json").write_text(json.dumps({"name": "p", "scripts": scripts}))


@pytest.mark.parametrize("argv, scripts, expected", [
    (["npm", "run", "tset"], {"test": "x", "lint": "y"}, ("npm", "run", "test")),
    (["npm", "tset"], {"test": "x"}, ("npm", "test")),  # test is an npm command of its own
    (["npm", "run", "biuld"], {"build": "x"}, ("npm", "run", "build")),
    (["yarn", "biuld"], {"build": "x"}, ("yarn", "build")),
    (["npm", "run", "zzzzzz"], {"test": "x"}, None),  # nothing close: no guess
    (["npm", "run", "tset"], {"--test": "x"}, None),  # a script named like an option would be read as one
])
def test_closest_script(tmp_path, argv, scripts, expected):
    _npm_project(tmp_path, scripts)
    output = f'npm error Missing script: "{argv[-1]}"\n'
    ctx = context(output, argv, 1, str(tmp_path))
    fix = command.plan({"kind": "closest-script"}, ctx, "npm-missing-script", "low")
    assert (fix.new_command if fix else None) == expected


def test_npm_ci_without_a_lockfile_is_a_journaled_npm_install_then_npm_ci_again(tmp_path):
    _npm_project(tmp_path, {})
    ctx = context("npm error The `npm ci` command can only install with an existing package-lock.json\n",
                  ["npm", "ci", "--omit=dev"], 1, str(tmp_path))
    fix = command.plan({"kind": "npm-install-without-lock"}, ctx, "npm-ci-without-lockfile", "low")
    assert fix.argv == ("npm", "install", "--no-audit", "--no-fund", "--omit=dev")
    # it writes the lockfile and node_modules: journaled (rollback undoes it), and npm ci itself runs again
    assert fix.change.argv == fix.argv and fix.change.manager == "npm" and fix.new_command is None
    (tmp_path / "package-lock.json").write_text("{}")
    assert command.plan({"kind": "npm-install-without-lock"}, ctx, "npm-ci-without-lockfile", "low") is None


@pytest.mark.parametrize("argv, scripts", [
    (["npm", "run", "release-dry-run"], {"release": "x", "test": "y"}),  # shares words, not a typo: no guess
    (["npm", "run", "db:seed"], {"db:reset": "x"}),
])
def test_closest_script_is_a_typo_away_or_nothing(tmp_path, argv, scripts):
    _npm_project(tmp_path, scripts)
    ctx = context(f'npm error Missing script: "{argv[-1]}"\n', argv, 1, str(tmp_path))
    assert command.plan({"kind": "closest-script"}, ctx, "npm-missing-script", "low") is None


@pytest.mark.parametrize("package_json", ["[1, 2]", '{"scripts": ["test"]}', '"x"', "{"])
def test_a_package_json_of_another_shape_is_no_script_and_no_error(tmp_path, package_json):
    (tmp_path / "package.json").write_text(package_json)
    ctx = context('npm error Missing script: "tset"\n', ["npm", "run", "tset"], 1, str(tmp_path))
    assert command.plan({"kind": "closest-script"}, ctx, "npm-missing-script", "low") is None


@pytest.mark.parametrize("argv, scripts, asked", [
    (["npm", "run", "relase"], {"release": "x"}, True),  # what it runs cannot be taken back: a person says yes
    (["npm", "run", "deploi"], {"deploy-prod": "x", "deploy": "y"}, True),
    (["npm", "run", "biuld"], {"build": "x"}, False),
])
def test_a_correction_that_may_change_something_is_always_asked(tmp_path, argv, scripts, asked):
    _npm_project(tmp_path, scripts)
    ctx = context(f'npm error Missing script: "{argv[-1]}"\n', argv, 1, str(tmp_path))
    fix = command.plan({"kind": "closest-script"}, ctx, "npm-missing-script", "low")
    assert fix.ask is asked
