"""Corrected commands (heal.fixes.correct): plan tables over real outputs -- captured fixtures, thefuck's own
test outputs (quoted, with the case they come from), or the tool run here and now -- and the "never unsafe"
table over every captured fixture."""

from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import sys

import pytest

from .planning import FIXTURES, context, fixture
from heal.fixes import correct, plan_fixes
from heal.journal.changes import CommandChange


def plan(kind: str, ctx):
    from heal.fixes.command import _PLANNERS  # the kinds' registry: shell-line's planner is not in correct

    return _PLANNERS[kind](ctx, kind, "low")


def from_fixture(name: str, cwd, argv=None):
    case = fixture(name)
    return context(case["output"], argv or case["argv"], case["exit_code"], str(cwd))


@pytest.fixture
def path_bin(tmp_path, monkeypatch):
    """PATH holding only these programs (each a copy of `true`): what the closest executable is chosen from."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    true = shutil.which("true")

    def make(*names: str) -> None:
        for name in names:
            os.symlink(true, bin_dir / name)

    monkeypatch.setenv("PATH", str(bin_dir))
    return make


# --- unsafe: what no proposal may ever hold ----------------------------------------------------------------

@pytest.mark.parametrize("argv, bad", [
    (("sudo", "ls"), True), (("env", "X=1", "doas", "make"), True), (("/usr/bin/sudo", "-E", "npm", "i"), True),
    (("git", "push", "--force"), True), (("git", "push", "--force-with-lease"), True), (("git", "push", "-f"), True),
    (("git", "clean", "-fdx"), True), (("git", "commit", "--no-verify"), True), (("git", "reset", "--hard"), True),
    (("rm", "-rf", "build"), True), (("docker", "container", "rm", "-f", "e5e2591040d1"), True),
    (("kill", "18233"), True), (("pkill", "node"), True), (("npm", "install", "-f"), True), (("mkfs.ext4", "x"), True),
    (("git", "status"), False), (("git", "commit", "-F", "msg.txt"), False), (("docker", "build", "-f", "Dockerfile", "."), False),
    (("kubectl", "apply", "-f", "deploy.yaml"), False), (("mkdir", "-p", "a/b"), False),
    (("git", "commit", "-m", "rm the old kill switch"), False),  # words inside one argument are the user's text
])
def test_unsafe(argv, bad):
    assert bool(correct.unsafe(argv)) is bad


# --- closest-executable ------------------------------------------------------------------------------------

HEAL_NOT_FOUND = "heal: {}: command not found\n"  # what heal's runner prints (tests/test_run_exit_codes.py)


@pytest.mark.parametrize("argv, programs, expected", [
    (["gti", "status"], ["git", "gpg", "tig"], ("git", "status")),  # a swap is one edit
    (["pyhton", "-c", "print(1)"], ["python", "python3", "pylint"], ("python", "-c", "print(1)")),
    (["env", "A=1", "mkae", "test"], ["make", "cmake"], ("env", "A=1", "make", "test")),  # wrappers stay
    (["nmp", "install"], ["nm", "npm"], ("npm", "install")),  # a tie goes to the common tool
    (["pyhtno3", "x.py"], ["python3"], ("python3", "x.py")),  # two slips (two swaps) in a long name
])
def test_closest_executable(tmp_path, path_bin, argv, programs, expected):
    path_bin(*programs)
    name = next(a for a in argv if "=" not in a and a != "env")
    fix = plan("closest-executable", context(HEAL_NOT_FOUND.format(name), argv, 127, str(tmp_path)))
    assert fix.action == "run" and fix.argv == fix.new_command == expected
    # another program than the one typed (`tee0 h` would be `tee h`, which empties h): always asked, even
    # with --yes, and only suggested without a terminal
    assert fix.ask


@pytest.mark.parametrize("argv, programs", [
    (["rn", "-rf", "x"], ["rm"]),  # never corrected to what removes
    (["kil", "1"], ["kill"]),
    (["sduo", "ls"], ["sudo"]),
    (["vim", "x"], ["vi"]),  # a tool that is not installed is not a slip of another one
    (["gradle", "build"], ["grade"]),
    (["xmllint", "a.xml"], ["xmlint"]),  # a program of a known system package (patterns/commands.toml)
    (["zzqx"], ["git"]),  # nothing near
    (["sudo", "gti", "status"], ["git", "sudo"]),  # under sudo: a correction would be a privileged command
])
def test_closest_executable_never(tmp_path, path_bin, argv, programs):
    path_bin(*programs)
    name = argv[1] if argv[0] == "sudo" else argv[0]
    assert plan("closest-executable", context(HEAL_NOT_FOUND.format(name), argv, 127, str(tmp_path))) is None


def test_a_project_wrapper_or_a_program_here_comes_first(tmp_path, path_bin):
    path_bin("git")
    (tmp_path / "gradlew").write_text("#!/bin/sh\n")
    fix = plan("closest-executable", context(HEAL_NOT_FOUND.format("gradle"), ["gradle", "build"], 127, str(tmp_path)))
    assert fix.argv == ("./gradlew", "build")
    main = tmp_path / "main"
    main.write_text("#!/bin/sh\n")
    main.chmod(0o755)
    fix = plan("closest-executable", context(HEAL_NOT_FOUND.format("main"), ["main", "--help"], 127, str(tmp_path)))
    assert fix.argv == ("./main", "--help")


def test_a_shell_script_s_own_command_is_not_rewritten(tmp_path, path_bin):
    path_bin("git")
    ctx = from_fixture("shell-bash-command-not-found-typo", tmp_path)  # bash -c 'gti status'
    assert ctx.diagnosis.facts["suggestion"] == "git"
    assert plan("closest-executable", ctx) is None


# --- did-you-mean ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("git-unknown-command-suggestion-status", ("git", "status")),
    ("git-unknown-command-brnch", ("git", "branch")),
    ("rust-cargo-unknown-subcommand", ("cargo", "build")),
    ("terraform-unknown-command-appyl", ("terraform", "apply")),
    ("terraform-unknown-command-suggestion", ("terraform", "plan")),
    ("pip-unknown-command-suggestion", (".venv/bin/pip", "install", "six")),
    ("kubectl-unknown-command", ("kubectl", "apply", "-f", "deploy.yaml")),
    ("kubectl-unknown-command-suggestions", ("kubectl", "get", "pods")),
    ("composer-unknown-command-suggestion", ("composer", "update")),
    ("mvn-unknown-lifecycle-phase-suggestion", ("mvn", "-q", "-o", "compile")),
    ("go-unknown-command", ("go", "build")),  # go names no candidate: go's own command list
    ("docker-unknown-command", ("docker", "build", ".")),
    ("gradle-task-not-found", ("gradle", "installDebug")),  # no build file here: Android's tasks count too
])
def test_did_you_mean(tmp_path, name, expected):
    if expected[0] == ".venv/bin/pip":  # pip corrected inside a virtualenv (outside one it is only said)
        (tmp_path / ".venv" / "bin").mkdir(parents=True)
        (tmp_path / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    fix = plan("did-you-mean", from_fixture(name, tmp_path))
    assert fix.action == "run" and fix.argv == fix.new_command == expected


def test_a_corrected_install_outside_a_virtualenv_is_only_said(tmp_path):
    fix = plan("did-you-mean", from_fixture("pip-unknown-command-suggestion", tmp_path))
    assert fix.action == "suggest" and fix.argv == (".venv/bin/pip", "install", "six")
    assert correct.installs(("/usr/bin/python3", "-m", "pip", "install", "six"))
    assert correct.installs(("npm", "install", "-g", "yo")) and not correct.installs(("npm", "install", "yo"))


@pytest.mark.parametrize("argv, why", [
    (("git", "checkout", "--", "a"), "checkout"),  # discards uncommitted work
    (("git", "restore", "a"), "restore"), (("git", "stash", "drop"), "drop"),
    (("git", "branch", "-D", "feat"), "git branch"),
    (("make", "clean"), "'clean'"), (("npm", "run", "deploy-prod"), "'deploy-prod'"),
    (("npm", "run", "db:reset"), "'db:reset'"), (("terraform", "apply"), "'apply'"),
])
def test_what_may_change_something_is_consequential(argv, why):
    assert why in correct.consequential(argv)


@pytest.mark.parametrize("argv", [("git", "status"), ("git", "log", "-3"), ("cargo", "build"), ("go", "vet"),
                                  ("npm", "test"), ("make", "test"), ("git", "branch")])
def test_what_only_reads_or_builds_is_not(argv):
    assert correct.consequential(argv) == ""


def test_a_system_manager_s_correction_is_only_suggested(tmp_path):
    fix = plan("did-you-mean", from_fixture("brew-install-no-formula-suggestion", tmp_path))
    assert fix.action == "suggest" and fix.argv == ("brew", "install", "gist")


def test_make_targets_are_read_from_the_makefile_never_by_running_make(tmp_path):
    (tmp_path / "Makefile").write_text(
        "include extra.mk\n.PHONY: test lint\nCC := gcc\n%.o: %.c\n\t$(CC) -c $<\n"
        "test lint: build\n\t@echo ok\nbuild:\n\t@touch ran-make\n")
    (tmp_path / "extra.mk").write_text("deploy-docs:\n\t@echo docs\n")
    assert correct.make_targets(str(tmp_path)) == ["test", "lint", "build", "deploy-docs"]
    fix = plan("did-you-mean", from_fixture("c-make-no-rule-for-target", tmp_path))  # make tset
    assert fix.argv == ("make", "test")
    assert not (tmp_path / "ran-make").exists()


def test_make_a_missing_prerequisite_is_not_a_typo(tmp_path):
    (tmp_path / "Makefile").write_text("all: main.o\n\tcc main.o\n")
    ctx = from_fixture("c-make-missing-prerequisite", tmp_path)
    assert plan("did-you-mean", ctx) is None


def test_gradle_tasks_of_a_project_that_is_not_android(tmp_path):
    (tmp_path / "build.gradle").write_text("plugins { id 'java' }\n")
    assert plan("did-you-mean", from_fixture("gradle-task-not-found", tmp_path)) is None
    (tmp_path / "build.gradle").write_text("plugins { id 'com.android.application' }\n")
    assert plan("did-you-mean", from_fixture("gradle-task-not-found", tmp_path)).argv == ("gradle", "installDebug")


def _package_json(cwd, scripts):
    (cwd / "package.json").write_text(json.dumps({"name": "p", "version": "1.0.0", "scripts": scripts}))


@pytest.mark.skipif(not shutil.which("npm"), reason="npm is not installed")
@pytest.mark.parametrize("argv, scripts, expected", [
    (["npm", "watch-test"], {"watch-test": "echo w"}, ("npm", "run", "watch-test")),  # npm says so itself
    (["npm", "urgrade"], {}, ("npm", "upgrade")),  # npm names nothing: its own command list
    (["npm", "pubish"], {}, ("npm", "publish")),
])
def test_npm_commands_run_here(tmp_path, ran, argv, scripts, expected):
    _package_json(tmp_path, scripts)
    ctx = ran(argv, cwd=str(tmp_path))
    assert ctx.exit_code != 0
    fix = plan("did-you-mean", ctx)
    assert fix.action == "run" and fix.argv == expected
    # a publish or an upgrade changes something: such a guess is always confirmed by a person
    assert fix.ask is (expected[-1] in ("publish", "upgrade"))


def test_the_project_s_script_beats_the_tool_s_guess(tmp_path):
    # captured here: npm 11.19.1, `npm tset` (npm suggests its own `set`)
    out = ('Unknown command: "tset"\n\n\nDid you mean this?\n  npm set # Set a value in the npm configuration\n'
           'To see a list of supported npm commands, run:\n  npm help\n')
    assert plan("did-you-mean", context(out, ["npm", "tset"], 1, str(tmp_path))).argv == ("npm", "set")
    _package_json(tmp_path, {"test": "jest", "lint": "eslint ."})
    assert plan("did-you-mean", context(out, ["npm", "tset"], 1, str(tmp_path))).argv == ("npm", "test")


def test_yarn_and_pnpm_scripts_and_commands(tmp_path):
    yarn = from_fixture("yarn-unknown-command-quoted", tmp_path)  # yarn whyy webpack, thefuck's output
    assert plan("did-you-mean", yarn).argv == ("yarn", "why", "webpack")
    _package_json(tmp_path, {"build": "tsc"})
    assert plan("did-you-mean", from_fixture("yarn-unknown-command", tmp_path)).argv == ("yarn", "build")
    assert plan("did-you-mean", from_fixture("pnpm-unknown-command", tmp_path)).argv == ("pnpm", "build")


@pytest.mark.parametrize("output, argv", [
    # a suggestion that is not a plain name: never put into a command
    ("git: 'x' is not a git command. See 'git --help'.\n\nThe most similar command is\n\t--exec-path=/tmp/evil\n",
     ["git", "x"]),
    ('Terraform has no command named "appyl". Did you mean "apply;rm"?\n', ["terraform", "appyl"]),
    # the typed word is not in the command: nothing of the user's to replace
    ("git: 'stauts' is not a git command. See 'git --help'.\n\nThe most similar command is\n\tstatus\n",
     ["git", "status"]),
])
def test_did_you_mean_never_takes_what_is_not_a_name(tmp_path, output, argv):
    assert plan("did-you-mean", context(output, argv, 1, str(tmp_path))) is None


# --- mkdir-parents -----------------------------------------------------------------------------------------

def test_mkdir_gets_p(tmp_path, ran):
    fix = plan("mkdir-parents", ran(["mkdir", "build/out/logs"]))
    assert fix.action == "run" and fix.argv == fix.new_command == ("mkdir", "-p", "build/out/logs")
    fix = plan("mkdir-parents", context("mkdir: foo/bar: No such file or directory", ["mkdir", "foo/bar/baz"], 1,
                                        str(tmp_path)))  # BSD names the missing parent (thefuck case 29)
    assert fix.argv == ("mkdir", "-p", "foo/bar/baz")


def test_a_file_in_a_missing_directory_is_a_suggestion(tmp_path, ran):
    fix = plan("mkdir-parents", ran(["touch", "var/run/app.pid"]))
    assert fix.action == "suggest" and fix.argv == ("mkdir", "-p", "var/run")
    assert not (tmp_path / "var").exists()
    fix = plan("mkdir-parents", ran(["cp", __file__, "dist/x/app.py"]))
    assert fix.action == "suggest" and fix.argv == ("mkdir", "-p", "dist/x")


def test_mkdir_parents_never(tmp_path, ran):
    (tmp_path / "a").mkdir()
    assert plan("mkdir-parents", ran(["cp", "missing.txt", "a/"])) is None  # the source is what is missing
    assert plan("mkdir-parents", context("mkdir: cannot create directory ‘x/y’: No such file or directory\n",
                                         ["mkdir", "other/dir"], 1, str(tmp_path))) is None


# --- run-first ---------------------------------------------------------------------------------------------

def test_terraform_init_first(tmp_path):
    fix = plan("run-first", from_fixture("terraform-plan-module-not-installed", tmp_path))
    assert fix.argv == ("terraform", "init") and fix.new_command is None  # the plan itself runs again
    if shutil.which("terraform"):
        assert fix.action == "run" and isinstance(fix.change, CommandChange) and not fix.ask
    else:
        assert fix.action == "suggest"


def test_vagrant_up_first(tmp_path):
    fix = plan("run-first", from_fixture("vagrant-ssh-machine-not-running", tmp_path))
    assert fix.argv == ("vagrant", "up")
    assert fix.action == ("run" if shutil.which("vagrant") else "suggest")


def test_a_login_is_always_asked(tmp_path, path_bin):
    path_bin("docker")  # docker on PATH, whatever this machine has: the login is planned as a command to run
    ctx = context("\npush refers to repository [registry.example:5000/team/app]\nno basic auth credentials\n",
                  ["docker", "push", "registry.example:5000/team/app:1"], 1, str(tmp_path))
    fix = plan("run-first", ctx)
    assert fix.argv == ("docker", "login", "registry.example:5000")
    assert fix.action == "run" and fix.ask  # a human types the password
    # thefuck tests/rules/test_tsuru_login.py (shared/benchmarks/thefuck_cases.jsonl case 46)
    ctx = context("Error: you're not authenticated or your session has expired.", ["tsuru", "app-shell"], 1,
                  str(tmp_path))
    assert plan("run-first", ctx).argv == ("tsuru", "login")


def test_migrations_first_only_in_their_own_shape(tmp_path):
    # thefuck tests/rules/test_rails_migrations_pending.py (shared/benchmarks/thefuck_cases.jsonl case 42)
    out = "\nMigrations are pending. To resolve this issue, run:\n\n        bin/rails db:migrate RAILS_ENV=test\n"
    fix = plan("run-first", context(out, ["bin/rspec"], 1, str(tmp_path)))
    assert fix.action == "suggest" and fix.argv == ("bin/rails", "db:migrate", "RAILS_ENV=test")  # no bin/rails here
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "rails").write_text("#!/bin/sh\n")
    fix = plan("run-first", context(out, ["bin/rspec"], 1, str(tmp_path)))
    assert fix.action == "run" and fix.ask  # it changes a database
    evil = out.replace("RAILS_ENV=test", "RAILS_ENV=test; curl x | sh")
    assert plan("run-first", context(evil, ["bin/rspec"], 1, str(tmp_path))) is None


def test_a_run_first_of_another_tool_is_refused(tmp_path):
    # terraform's words printed by a script: `terraform init` is not the script's own fix
    ctx = from_fixture("terraform-plan-module-not-installed", tmp_path, argv=["./deploy.sh"])
    assert plan("run-first", ctx) is None


# --- shell-line --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name_or_output, argv, line", [
    ("heal-shell-builtin-as-command", None, "cd /tmp"),
    ("heal-shell-syntax-as-command", None, "make test && make lint"),
    # thefuck tests/rules/test_sudo.py (shared/benchmarks/thefuck_cases.jsonl case 34): `&&` as a word
    ("npm ERR! Error: EACCES, unlink", ["mkdir", "&&", "touch", "a"], "mkdir && touch a"),
    ("x", ["echo", "a b", "|", "wc", "-l"], "echo 'a b' | wc -l"),
])
def test_shell_line(tmp_path, name_or_output, argv, line):
    if argv is None:
        ctx = from_fixture(name_or_output, tmp_path)
    else:
        ctx = context(name_or_output, argv, 1, str(tmp_path))
    fix = plan("shell-line", ctx)
    assert fix.action == "suggest" and fix.argv == ("sh", "-c", line)
    import shlex

    assert f"heal -- sh -c {shlex.quote(line)}" in fix.description


def test_no_shell_line_for_an_ordinary_failure(tmp_path):
    assert plan("shell-line", from_fixture("git-unknown-command-brnch", tmp_path)) is None


# --- not-as-root -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("argv, expected", [
    (["sudo", "ls"], ("ls",)),
    (["sudo", "-u", "bob", "-E", "makepkg", "-si"], ("makepkg", "-si")),
    (["ls"], None),  # heal itself runs as root: nothing to take away
])
def test_not_as_root(tmp_path, argv, expected):
    # thefuck tests/rules/test_unsudo.py (shared/benchmarks/thefuck_cases.jsonl case 37)
    fix = plan("not-as-root", context("you cannot perform this operation as root", argv, 1, str(tmp_path)))
    assert (fix.argv if fix else None) == expected


# --- port-in-use -------------------------------------------------------------------------------------------

def test_the_process_holding_the_port_is_named(tmp_path, ran):
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        ctx = ran([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"])
        assert "Address already in use" in ctx.output
        fix = plan("port-in-use", ctx)
    assert fix.action == "suggest" and fix.argv is None  # never a kill
    assert f"pid {os.getpid()}" in fix.description and f"port {port}" in fix.description


def test_no_holder_no_suggestion(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, not listening, then closed: nobody holds it
    out = f"Error: listen EADDRINUSE: address already in use 127.0.0.1:{port}\n"
    assert plan("port-in-use", context(out, ["node", "server.js"], 1, str(tmp_path))) is None


# --- tool-hint ---------------------------------------------------------------------------------------------

def test_tool_hints(tmp_path):
    # thefuck tests/rules/test_pip_install.py (shared/benchmarks/thefuck_cases.jsonl case 36)
    out = ("\n    Could not install packages due to an EnvironmentError: [Errno 13] Permission denied: "
           "'/Library/Python/2.7/site-packages/entrypoints.pyc'\nConsider using the `--user` option or check the "
           "permissions.\n")
    fix = plan("tool-hint", context(out, ["pip", "install", "-r", "requirements.txt"], 1, str(tmp_path)))
    assert fix.action == "suggest" and fix.argv == ("pip", "install", "--user", "-r", "requirements.txt")
    # thefuck tests/rules/test_nixos_cmd_not_found.py (case 3) and test_mvn_no_command.py (case 25), excerpt
    fix = plan("tool-hint", context("nix-env -iA nixos.vim", ["vim"], 127, str(tmp_path)))
    assert fix.action == "suggest" and fix.argv == ("nix-env", "-iA", "nixos.vim")
    out = "[ERROR] No goals have been specified for this build. You must specify a valid lifecycle phase or a goal"
    fix = plan("tool-hint", context(out, ["mvn"], 1, str(tmp_path)))
    assert fix.action == "suggest" and fix.argv == ("mvn", "clean", "package")


# --- never unsafe: every fix planned for every captured output --------------------------------------------

FORBIDDEN_WORDS = {"sudo", "doas", "rm", "kill", "killall", "pkill", "--no-verify"}


def _unsafe_words(argv) -> list[str]:
    return [w for w in argv if os.path.basename(w) in FORBIDDEN_WORDS or w.startswith("--force")]


@pytest.mark.parametrize("path", sorted(glob.glob(os.path.join(FIXTURES, "*.json"))),
                         ids=lambda p: os.path.basename(p)[:-5])
def test_never_unsafe(tmp_path, path):
    with open(path, encoding="utf-8") as fh:
        case = json.load(fh)
    ctx = context(case["output"], case["argv"], case["exit_code"], str(tmp_path))
    for fix in plan_fixes(ctx):
        for argv in (fix.argv, fix.new_command, getattr(fix.change, "argv", None)):
            assert not _unsafe_words(argv or ()), (fix.source, argv)


@pytest.mark.parametrize("output, argv", [
    # outputs whose own fix (in thefuck) is privileged, forced, or kills: heal plans none of it
    ("Error: listen EADDRINUSE 127.0.0.1:8080", ["./app"]),
    ("sudo: npm: command not found", ["sudo", "npm", "install", "-g", "react-native-cli"]),
    ("Permission denied", ["ls"]),
    ("Error response from daemon: conflict: unable to delete cd809b04b6ff (cannot be forced) - image is being used "
     "by running container e5e2591040d1", ["docker", "image", "rm", "-f", "cd809b04b6ff"]),
    ("git: 'psuh' is not a git command. See 'git --help'.\n\nThe most similar command is\n\tpush\n",
     ["git", "psuh", "--force"]),
    ("heal: gti: command not found\n", ["gti", "push", "--no-verify"]),
])
def test_never_unsafe_where_thefuck_would_be(tmp_path, output, argv):
    for fix in plan_fixes(context(output, argv, 1, str(tmp_path))):
        assert not _unsafe_words(fix.argv or ()), (fix.source, fix.argv)

