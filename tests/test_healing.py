"""The healing loop with real tools in temp projects: a failure is diagnosed, fixed through the
journal, the command re-run and the fix proved; what heal must not touch, it does not."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest

from test_journal import tree


def _write(path: str, text: str, mode: int | None = None) -> None:
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as fh:
        fh.write(text)
    if mode is not None:
        os.chmod(path, mode)


def _log(heal) -> list[dict]:
    return json.loads(heal("log", "--json").stdout)["change_sets"]


@pytest.fixture
def script(project):
    path = os.path.join(project, "run.sh")
    _write(path, "#!/bin/sh\necho script ran\n", 0o644)
    return path


def test_chmod_heals_a_script_that_is_not_executable_and_rolls_back(heal, project, script):
    r = heal("--yes", "--", "./run.sh")
    assert r.returncode == 0
    assert r.stdout == b"script ran\n"
    assert b"healed" in r.stderr
    assert stat.S_IMODE(os.stat(script).st_mode) == 0o755
    (entry,) = _log(heal)
    assert entry["changes"] == ["chmod 755 run.sh"]
    assert heal("rollback", "--last", "--yes").returncode == 0
    assert stat.S_IMODE(os.stat(script).st_mode) == 0o644


def test_without_a_terminal_or_yes_heal_only_suggests(heal, project, script):
    before = tree(project)
    r = heal("--", "./run.sh")
    assert r.returncode == 126
    assert b"suggestion: make run.sh executable" in r.stderr and b"--yes" in r.stderr
    assert tree(project) == before
    assert _log(heal) == []


def test_dry_run_changes_nothing(heal, project, script):
    before = tree(project)
    r = heal("--yes", "--dry-run", "--", "./run.sh")
    assert r.returncode == 126
    assert b"would make run.sh executable" in r.stderr
    assert tree(project) == before
    assert _log(heal) == []


def test_nothing_outside_the_project_is_touched(heal, project, tmp_path):
    outside = tmp_path / "elsewhere" / "tool.sh"
    _write(str(outside), "#!/bin/sh\necho x\n", 0o644)
    subprocess.run(["git", "init", "-q", project], check=True)
    r = heal("--yes", "--", str(outside))
    assert r.returncode == 126
    assert stat.S_IMODE(os.stat(outside).st_mode) == 0o644
    assert _log(heal) == []


def test_git_push_without_upstream_against_a_local_remote(heal, heal_env, tmp_path):
    remote = tmp_path / "remote.git"
    work = tmp_path / "work"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    subprocess.run(["git", "init", "-q", str(work)], check=True)
    git = ["git", "-C", str(work), "-c", "user.email=t@example.com", "-c", "user.name=T"]
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "init"], check=True)
    subprocess.run([*git, "remote", "add", "origin", str(remote)], check=True)
    subprocess.run([*git, "checkout", "-q", "-b", "feature/login"], check=True)
    r = heal("--yes", "--report", str(tmp_path / "report.json"), "--", "git", "push", cwd=str(work))
    assert r.returncode == 0, r.stderr
    upstream = subprocess.run([*git, "rev-parse", "--abbrev-ref", "feature/login@{upstream}"], capture_output=True,
                              text=True)
    assert upstream.stdout.strip() == "origin/feature/login"
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["healed"] is True and report["original_exit_code"] == 128 and report["exit_code"] == 0
    (attempt,) = report["attempts"]
    assert attempt["fix"]["argv"] == ["git", "push", "--set-upstream", "--", "origin", "feature/login"]
    assert attempt["applied"] is True and attempt["diagnosis"]["category"] == "configuration"


NPM = pytest.mark.skipif(not any(os.access(os.path.join(d, "npm"), os.X_OK)
                                 for d in os.environ.get("PATH", "").split(":")), reason="npm is not installed")


@NPM
def test_npm_script_typo_runs_the_closest_script(heal, project):
    _write(os.path.join(project, "package.json"),
           json.dumps({"name": "x", "version": "1.0.0", "scripts": {"test": "echo testing", "build": "echo building"}}))
    r = heal("--yes", "--", "npm", "run", "biuld")
    assert r.returncode == 0, r.stderr
    assert b"building" in r.stdout
    assert b"the closest is 'build'" in r.stderr


@NPM
def test_npm_ci_without_lockfile_becomes_npm_install(heal, project):
    _write(os.path.join(project, "package.json"), json.dumps({"name": "x", "version": "1.0.0"}))
    r = heal("--yes", "--", "npm", "ci", "--no-audit", "--no-fund")
    assert r.returncode == 0, r.stderr
    assert os.path.exists(os.path.join(project, "package-lock.json"))


@NPM
def test_a_project_npmrc_registry_makes_an_install_asked(heal, project):
    # a clone's .npmrc sending installs to another server: --yes alone never installs from it (break-it H4)
    _write(os.path.join(project, "package.json"),
           json.dumps({"name": "x", "version": "1.0.0", "private": True, "dependencies": {"is-number": "7.0.0"}}))
    _write(os.path.join(project, ".npmrc"), "registry=http://127.0.0.1:9/\n")
    _write(os.path.join(project, "index.js"), "const isNumber = require('is-number');\nconsole.log(isNumber(5));\n")
    r = heal("--yes", "--", "node", "index.js", timeout=120)
    assert r.returncode == 1
    assert b".npmrc in this project sends installs to http://127.0.0.1:9" in r.stderr
    assert b"--yes is not enough" in r.stderr and b"running again" not in r.stderr
    assert not os.path.exists(os.path.join(project, "node_modules"))
    assert _log(heal) == []


@NPM
def test_node_missing_module_is_installed_and_rolled_back(heal, project):
    _write(os.path.join(project, "package.json"), json.dumps({"name": "x", "version": "1.0.0", "private": True}))
    _write(os.path.join(project, "index.js"), "const isNumber = require('is-number');\nconsole.log(isNumber(5));\n")
    before = tree(project)
    r = heal("--yes", "--", "node", "index.js", timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().endswith(b"true")
    assert os.path.isdir(os.path.join(project, "node_modules", "is-number"))
    assert heal("rollback", "--last", "--yes", timeout=300).returncode == 0
    assert not os.path.exists(os.path.join(project, "node_modules", "is-number"))
    assert {k: v for k, v in tree(project).items() if not k.startswith("node_modules")} == before


def _flaky_script(project: str) -> str:
    counter = os.path.join(project, "tries")
    _write(os.path.join(project, "flaky.sh"),
           f"#!/bin/sh\nn=$(cat {counter} 2>/dev/null || echo 0); echo $((n+1)) > {counter}\n"
           "if [ $n -lt 2 ]; then echo \"curl: (7) Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect "
           "to server\" >&2; exit 7; fi\necho fetched\n", 0o755)
    return counter


def test_a_flaky_command_is_healed_by_retry(heal, project):
    # a script heal does not know is retried with --yes alone only when the project says any command may be
    _write(os.path.join(project, "heal.toml"), "[retry]\nbase = 0.01\ncap = 0.05\nany_command = true\n")
    _flaky_script(project)
    r = heal("--yes", "--", "./flaky.sh")
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"fetched\n"
    assert r.stderr.count(b"retrying in") == 2
    assert _log(heal) == []  # a retry changes nothing


def test_an_unknown_script_is_not_run_twice_on_yes_alone(heal, project):
    # it may have done something that must not happen twice (a POST inside it): said, not retried (break-it W7)
    _write(os.path.join(project, "heal.toml"), "[retry]\nbase = 0.01\ncap = 0.05\n")
    counter = _flaky_script(project)
    r = heal("--yes", "--", "./flaky.sh")
    assert r.returncode == 7
    assert open(counter).read().strip() == "1"
    assert b"retrying in" not in r.stderr
    assert b"./flaky.sh may not be safe to run twice" in r.stderr and b"--yes is not enough" in r.stderr


def test_an_unknown_script_is_retried_after_a_yes_on_a_terminal(project, heal_env):
    from conftest import yes_on_a_terminal

    _write(os.path.join(project, "heal.toml"), "[retry]\nbase = 0.01\ncap = 0.05\n")
    counter = _flaky_script(project)
    status, transcript = yes_on_a_terminal(["--", "./flaky.sh"], cwd=project, env=heal_env,
                                           before="may not be safe to run twice")
    assert status == 0, transcript
    assert "fetched" in transcript and open(counter).read().strip() == "3"


def test_retries_stop_at_the_policy_limit(heal, project):
    _write(os.path.join(project, "heal.toml"), "[retry]\nbase = 0.01\ncap = 0.02\nattempts = 2\n")
    r = heal("--yes", "--max-attempts", "5", "--", "sh", "-c",
             "echo \"curl: (6) Could not resolve host: api.example.invalid\" >&2; exit 6")
    assert r.returncode == 6
    assert r.stderr.count(b"retrying in") == 2


def test_retries_stop_once_max_delay_has_passed(heal, project):
    # attempts would allow 5 retries; the time since the first failure stops them after the first
    _write(os.path.join(project, "heal.toml"), "[retry]\nbase = 0.01\ncap = 0.02\nattempts = 5\nmax_delay = 0.3\n")
    r = heal("--yes", "--max-attempts", "9", "--", "sh", "-c",
             "sleep 0.4; echo \"curl: (6) Could not resolve host: api.example.invalid\" >&2; exit 6")
    assert r.returncode == 6
    assert r.stderr.count(b"retrying in") == 1


@pytest.mark.parametrize("argv, code", [
    (["false"], 1),
    (["grep", "-r", "no-such-text-anywhere", "."], 1),
    (["sh", "-c", "exit 3"], 3),
])
def test_failures_that_are_not_heal_s_business_are_left_alone(heal, project, argv, code):
    before = tree(project)
    r = heal("--yes", "--", *argv)
    assert r.returncode == code
    assert b"running again" not in r.stderr
    assert tree(project) == before and _log(heal) == []


def test_a_genuine_failing_test_is_reported_not_fixed(heal, heal_env, project):
    _write(os.path.join(project, "test_math.py"), "def test_add():\n    assert 1 + 1 == 3\n")
    before = tree(project)
    # pytest's own bytecode of the test file is the command's doing, not heal's: not written, whatever the
    # environment the suite runs in says
    r = heal("--yes", "--", sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_math.py",
             env={**heal_env, "PYTHONDONTWRITEBYTECODE": "1"})
    assert r.returncode == 1
    assert b"heal: test (medium)" in r.stderr
    assert b"running again" not in r.stderr
    assert tree(project) == before and _log(heal) == []


def test_a_malformed_playbook_is_one_line_and_the_command_still_runs(heal, heal_env, project, script):
    _write(os.path.join(heal_env["HEAL_HOME"], "playbooks", "broken.toml"), 'id = "x"\ncategory = "nonsense"\n')
    r = heal("--yes", "--", "./run.sh")
    assert r.returncode == 0
    assert b"broken.toml: field 'category' must be one of" in r.stderr


def test_max_attempts_and_no_same_fix_twice(heal, project):
    # a missing module the map does not know: a suggestion, never a guess
    r = heal("--yes", "--", sys.executable, "-c", "import zz_heal_unknown_module_xyz")
    assert r.returncode == 1
    assert b"not in heal's curated import map" in r.stderr
    assert b"running again" not in r.stderr


def test_diagnose_json_lists_the_fix_heal_would_apply(heal, project, script):
    out = subprocess.run(["sh", "-c", "./run.sh"], cwd=project, capture_output=True).stderr
    r = heal("diagnose", "--json", "--command", "./run.sh", "--exit-code", "126", input=out.replace(b"sh: 1", b"sh"))
    fixes = json.loads(r.stdout)["fixes"]
    assert fixes and fixes[0]["action"] == "chmod" and fixes[0]["source"] == "chmod-not-executable"
    assert set(fixes[0]) == {"action", "description", "argv", "path", "risk", "source", "confidence"}


def test_on_a_terminal_heal_asks_and_no_means_no(heal_env, project, script):
    import pexpect

    from conftest import heal_argv

    cmd = heal_argv()
    child = pexpect.spawn(cmd[0], [*cmd[1:], "--", "./run.sh"], cwd=project, env=heal_env, timeout=30)
    child.expect_exact("make run.sh executable (chmod +x)? [y/N]")
    child.sendline("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 126
    assert stat.S_IMODE(os.stat(script).st_mode) == 0o644
    child = pexpect.spawn(cmd[0], [*cmd[1:], "--", "./run.sh"], cwd=project, env=heal_env, timeout=30)
    child.expect_exact("[y/N]")
    child.sendline("y")
    child.expect_exact("script ran")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_an_unfixable_failure_after_a_fix_is_escalated(heal, project):
    # chmod fixes the permission; then the script itself fails in a way heal has no fix for
    _write(os.path.join(project, "run.sh"), "#!/bin/sh\necho 'bash: line 1: zzfrobnicate: command not found' >&2\n"
           "exit 127\n", 0o644)
    r = heal("--yes", "--", "./run.sh")
    assert r.returncode == 127
    err = r.stderr.decode()
    assert "make run.sh executable" in err and "not healed" in err


def test_a_missing_system_tool_is_only_ever_suggested(heal, project):
    import shutil

    if shutil.which("rg"):
        pytest.skip("ripgrep is installed here")
    r = heal("--yes", "--", "sh", "-c", "rg --files")
    assert r.returncode == 127
    assert b"suggestion: rg is provided by the system package ripgrep" in r.stderr
    assert r.stderr.count(b"apt-get install ripgrep") == 1  # said once, not in the sentence and again below it
    assert b"running again" not in r.stderr


def test_disk_full_suggests_cleanups_and_deletes_nothing(heal, project):
    before = tree(project)
    r = heal("--yes", "--", "sh", "-c", "echo \"cp: error writing 'data.bin': No space left on device\" >&2; exit 1")
    assert r.returncode == 1
    assert b"the disk is full" in r.stderr
    assert tree(project) == before


def test_the_same_failure_after_a_fix_stops_the_loop(heal, project):
    # chmod +x run.sh is right, but its interpreter is not executable either: the same failure comes back
    _write(os.path.join(project, "interp.sh"), "#!/bin/sh\nexec sh \"$@\"\n", 0o644)
    _write(os.path.join(project, "run.sh"), f"#!{os.path.join(project, 'interp.sh')}\necho hi\n", 0o644)
    r = heal("--yes", "--", "./run.sh")
    assert r.returncode == 126
    assert r.stderr.count(b"done; running again") == 1
    assert b"the same failure again after the fix: stopping" in r.stderr


def test_a_flaky_test_passes_on_rerun_when_asked_to(heal, project):
    _write(os.path.join(project, "heal.toml"), "[retry]\nflaky_tests = 1\nbase = 0.01\ncap = 0.02\n")
    marker = os.path.join(project, "ran-once")
    _write(os.path.join(project, "test_flaky.py"),
           "import os\n"
           f"def test_sometimes():\n    first = not os.path.exists({marker!r})\n    open({marker!r}, 'w').close()\n"
           "    assert not first\n")
    r = heal("--yes", "--", sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_flaky.py")
    assert r.returncode == 0, r.stderr
    assert b"a failing test may be flaky" in r.stderr


def _reads_then_flakes(project: str) -> None:
    _write(os.path.join(project, "heal.toml"), "[retry]\nbase = 0.01\ncap = 0.02\nany_command = true\n")
    counter = os.path.join(project, "tries")
    _write(os.path.join(project, "job.sh"),
           f"#!/bin/sh\ncat | wc -c | tr -d ' '\nn=$(cat {counter} 2>/dev/null || echo 0); echo $((n+1)) > {counter}\n"
           "if [ $n -lt 1 ]; then echo \"curl: (7) Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect "
           "to server\" >&2; exit 7; fi\n", 0o755)


def test_a_rerun_reads_a_file_on_stdin_from_where_the_first_run_started(project, heal_env):
    # `heal -- cmd < file`: the first run read the file; the rerun that proves the fix reads it again
    import subprocess

    from conftest import heal_argv

    _reads_then_flakes(project)
    _write(os.path.join(project, "input.txt"), "hello\n")
    with open(os.path.join(project, "input.txt"), "rb") as stdin:
        r = subprocess.run([*heal_argv(), "--yes", "--", "./job.sh"], cwd=project, env=heal_env, stdin=stdin,
                           capture_output=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"6\n6\n"  # both runs read all six bytes
    assert b"input was a pipe" not in r.stderr


def test_a_rerun_after_a_consumed_pipe_is_not_claimed_without_a_caveat(project, heal_env):
    import subprocess

    from conftest import heal_argv

    _reads_then_flakes(project)
    r = subprocess.run([*heal_argv(), "--yes", "--", "./job.sh"], cwd=project, env=heal_env, input=b"hello\n",
                       capture_output=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"6\n0\n"  # the rerun found the pipe empty
    assert b"its input was a pipe, which the first run read" in r.stderr
