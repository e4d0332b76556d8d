"""Values taken from output never become an option or another command; names are validated for what
they are (a branch, an npm package, a requirements file's lines, the file a chmod changes); a broken
playbook disables only itself; escape sequences in the output never reach the terminal through heal.
Each test is a finding's reproduction (reliability-findings.md F1, F19, F20, N2, N3, N6), run for real."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys

import pytest

from heal.diagnose import diagnose
from heal.fixes import PlanContext, plan_fixes

GIT = ["git", "-c", "user.email=t@example.com", "-c", "user.name=T"]
NPM = pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")


def _write(path: str, text: str, mode: int | None = None) -> None:
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as fh:
        fh.write(text)
    if mode is not None:
        os.chmod(path, mode)


def _log(heal) -> list[dict]:
    return json.loads(heal("log", "--json").stdout)["change_sets"]


@pytest.fixture
def repo(tmp_path, project):
    """A git repository with one commit and a local bare remote 'origin' (git runs its --receive-pack
    through sh for a local remote, which is what made F1 a shell command)."""
    remote = tmp_path / "r.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    subprocess.run(["git", "init", "-q", project], check=True)
    subprocess.run([*GIT, "-C", project, "commit", "-q", "--allow-empty", "-m", "init"], check=True)
    subprocess.run(["git", "-C", project, "remote", "add", "origin", str(remote)], check=True)
    return remote


# --- F1: a branch name from output is never an option, and only git push gets git push fixes ---------

def test_f1_a_script_printing_git_s_words_never_runs_git_with_an_option_from_its_output(heal, project, repo,
                                                                                       tmp_path):
    pwned = tmp_path / "PWNED"
    _write(os.path.join(project, "release.sh"),
           "#!/bin/sh\necho 'fatal: The current branch --receive-pack=touch${IFS}" + str(pwned)
           + ";false has no upstream branch.' >&2; exit 128\n", 0o755)
    r = heal("--yes", "--", "./release.sh", "push")
    assert r.returncode == 128
    assert not pwned.exists()
    assert b"running again" not in r.stderr  # ./release.sh push was not swapped for a real git push
    refs = subprocess.run(["git", "-C", str(repo), "for-each-ref"], capture_output=True, text=True).stdout
    assert refs == ""  # nothing was pushed


def test_f1_the_branch_pushed_is_the_one_checked_out_never_the_one_the_output_names(heal, project, repo):
    branch = subprocess.run(["git", "-C", project, "symbolic-ref", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    r = heal("diagnose", "--json", "--command", "git push", "--exit-code", "128",
             input=b"fatal: The current branch --exec=evil has no upstream branch.\n", cwd=project)
    assert json.loads(r.stdout)["fixes"] == []
    r = heal("diagnose", "--json", "--command", "git push", "--exit-code", "128",
             input=f"fatal: The current branch {branch} has no upstream branch.\n".encode(), cwd=project)
    assert json.loads(r.stdout)["fixes"][0]["argv"] == ["git", "push", "--set-upstream", "--", "origin", branch]


def test_f1_a_wrapped_git_push_is_healed_with_its_wrapper_and_a_double_dash(heal, project, repo):
    subprocess.run(["git", "-C", project, "checkout", "-q", "-b", "feature/x"], check=True)
    r = heal("--yes", "--", "env", "GIT_TRACE=0", "git", "push")
    assert r.returncode == 0, r.stderr
    assert b"running again: env GIT_TRACE=0 git push --set-upstream -- origin feature/x" in r.stderr
    upstream = subprocess.run(["git", "-C", project, "rev-parse", "--abbrev-ref", "feature/x@{upstream}"],
                              capture_output=True, text=True).stdout.strip()
    assert upstream == "origin/feature/x"


@pytest.mark.parametrize("argv", [["./release.sh", "push"], ["sh", "-c", "git push"], ["git", "-C", "..", "push"]])
def test_f1_git_push_fixes_are_only_for_git_s_own_push(project, repo, argv):
    for output, rule in ((b"fatal: The current branch master has no upstream branch.\n", "git.no_upstream"),
                         (b" ! [rejected]        master -> master (fetch first)\n", "git.push_rejected")):
        d = diagnose(output, argv=argv, exit_code=1, cwd=project)
        assert d.rule == rule
        ctx = PlanContext(d, tuple(argv), project, project, output.decode(), 1)
        assert [f for f in plan_fixes(ctx) if f.action == "run"] == []


# --- N2: npm names from output -----------------------------------------------------------------------

def _node_project(project: str, module: str) -> None:
    _write(os.path.join(project, "package.json"), json.dumps({"name": "x", "version": "1.0.0", "private": True}))
    _write(os.path.join(project, "index.js"), f"require({module!r});\n")


@NPM
@pytest.mark.parametrize("module, lookalike", [("left-padd", "left-pad"), ("crossenv", "cross-env")])
def test_n2_a_typosquat_of_a_popular_package_is_only_a_suggestion(heal, project, module, lookalike):
    # crossenv exists on the registry (a security placeholder of the 2017 crossenv attack); left-padd does not
    _node_project(project, module)
    r = heal("--yes", "--", "node", "index.js", timeout=120)
    assert r.returncode == 1
    assert f"suggestion: not installing {module}".encode() in r.stderr
    assert f"looks like {lookalike}".encode() in r.stderr
    assert not os.path.exists(os.path.join(project, "node_modules"))
    assert _log(heal) == []


def _plan_node(project: str, module: str):
    _node_project(project, module)
    r = subprocess.run(["node", "index.js"], cwd=project, capture_output=True, text=True)
    d = diagnose(r.stderr, argv=["node", "index.js"], exit_code=r.returncode, cwd=project)
    return plan_fixes(PlanContext(d, ("node", "index.js"), project, project, r.stderr, r.returncode))


@NPM
def test_n2_an_unpopular_name_is_installed_only_if_the_registry_has_it(project):
    (fix,) = _plan_node(project, "cowsay")  # exists, not popular, no popular name within two edits
    assert fix.action == "install" and fix.change.packages == ("cowsay",)
    (fix,) = _plan_node(project, "zz-heal-no-such-package-4242")
    assert fix.action == "suggest" and "registry does not confirm it exists" in fix.description
    (fix,) = _plan_node(project, "express")  # popular: no registry question needed
    assert fix.action == "install" and fix.change.packages == ("express",)


def test_n2_the_popular_list_is_curated_data_with_provenance():
    from heal.fixes.install import lookalike_of, npm_popular, npm_popular_ranked

    ranked = npm_popular_ranked()
    assert len(ranked) > 2000 and len(set(ranked)) == len(ranked)
    assert {"react", "express", "lodash", "left-pad", "cross-env", "@types/node"} <= npm_popular()
    import heal.patterns

    with open(os.path.join(os.path.dirname(heal.patterns.__file__), "npm_popular.toml")) as fh:
        head = fh.read(2000)
    assert "Provenance: built on" in head
    assert lookalike_of("express") is None and lookalike_of("expresss") == "express"
    assert lookalike_of("@types/nodee") == "@types/node"
    assert lookalike_of("crossenv") == "cross-env" and lookalike_of("left-padd") == "left-pad"
    # two edits of a short name are another real package, not a typo (break-it: is-odd was "like is-obj")
    assert lookalike_of("is-odd") is None


# --- N3: a requirements file synced for one module ----------------------------------------------------

@pytest.fixture
def venv(tmp_path):
    path = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    return str(path / "bin" / "python")


def test_n3_a_requirements_file_with_another_index_is_asked_about_never_synced_with_yes(heal, project, venv):
    _write(os.path.join(project, "requirements.txt"),
           "PyYAML\n--extra-index-url https://bob:s3cr3tt0ken@pkgs.example.invalid/simple\n")
    _write(os.path.join(project, "app.py"), "import yaml\n")
    r = heal("--yes", "--", venv, "app.py")
    assert r.returncode == 1
    err = r.stderr.decode()
    assert "suggestion: PyYAML is declared in requirements.txt but not installed: syncing it would also use " \
           "requirements.txt:2: --extra-index-url" in err
    assert "s3cr3tt0ken" not in err
    assert "heal asks a person on a terminal first" in err and "--yes is not enough without one" in err
    assert _log(heal) == []  # nothing was installed


def test_n3_includes_urls_and_paths_outside_the_project_are_named_by_line(tmp_path):
    from heal.fixes.install import risky_requirement_lines

    root = tmp_path / "p"
    _write(str(root / "requirements.txt"), "requests  # comment\n-r dev.txt\nbar==1.0 \\\n  --hash=sha256:ab\n-e .\n")
    _write(str(root / "dev.txt"), "-e git+https://example.invalid/y.git#egg=y\nfoo @ https://example.invalid/f.whl\n"
           "./vendor/ok.whl\n../outside.whl\n-i https://idx.example.invalid\n--find-links /tmp\n--pre\n")
    assert risky_requirement_lines(str(root / "requirements.txt"), str(root)) == [
        "dev.txt:1: -e git+https://example.invalid/y.git#egg=y",
        "dev.txt:2: foo @ https://example.invalid/f.whl",
        "dev.txt:4: ../outside.whl",
        "dev.txt:5: -i https://idx.example.invalid",
        "dev.txt:6: --find-links /tmp",
    ]


# --- F19: a malformed user playbook disables only itself ----------------------------------------------

@pytest.fixture
def script(project):
    path = os.path.join(project, "run.sh")
    _write(path, "#!/bin/sh\necho script ran\n", 0o644)
    return path


@pytest.mark.parametrize("name, text, message", [
    ("lots.toml", 'id = "lots"\ncategory = "permission"\ndescription = "x"\n[[steps]]\naction = "retry"\n'
     'max_retries = "lots"\n', "field 'steps[0].max_retries' must be an integer"),
    ("deep.toml", "x = " + "[" * 100000 + "]" * 100000 + "\n", "nested too deeply"),
    ("kind.toml", 'id = "k"\ncategory = "permission"\ndescription = "x"\n[[steps]]\naction = "run"\nkind = "rm-rf"\n',
     "field 'steps[0].kind' must be one of"),
    ("opt.toml", 'id = "o"\ncategory = "permission"\ndescription = "x"\n[[steps]]\naction = "chmod"\nmode = 511\n',
     "unknown field 'steps[0].mode'"),
    ("rules.toml", 'id = "r"\ncategory = "permission"\ndescription = "x"\n[match]\nrules = [1]\n[[steps]]\n'
     'action = "chmod"\n', "field 'rules' must be a list of strings"),
])
def test_f19_a_malformed_playbook_is_one_line_and_the_shipped_chmod_fix_still_applies(heal, heal_env, project,
                                                                                      script, name, text, message):
    _write(os.path.join(heal_env["HEAL_HOME"], "playbooks", name), text)
    r = heal("--yes", "--", "./run.sh")
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"script ran\n"
    lines = [ln for ln in r.stderr.decode().splitlines() if name in ln]
    assert len(lines) == 1 and message in lines[0], r.stderr
    assert b"internal error" not in r.stderr and b"Traceback" not in r.stderr
    assert stat.S_IMODE(os.stat(script).st_mode) == 0o755


def test_f19_a_playbook_that_fails_while_planning_is_skipped_by_name(project):
    from heal.fixes.playbooks import load
    from heal.record import replace

    path = os.path.join(project, "ok.toml")
    _write(path, 'id = "fine"\ncategory = "permission"\ndescription = "x"\n[[steps]]\naction = "chmod"\n')
    book = load(path)
    # a step dict the loader never produced (an action planner raising) must cost only that playbook
    broken = replace(book, id="broken", steps=({"action": "retry", "max_retries": "x"},))
    out = "sh: 1: ./run.sh: Permission denied\n"
    _write(os.path.join(project, "run.sh"), "#!/bin/sh\n", 0o644)
    d = diagnose(out, argv=["./run.sh"], exit_code=126, cwd=project)
    errors: list[str] = []
    fixes = plan_fixes(PlanContext(d, ("./run.sh",), project, project, out, 126), [broken, book], errors)
    assert [f.action for f in fixes] == ["chmod"]
    assert len(errors) == 1 and "ok.toml: skipped: ValueError" in errors[0]


# --- F20: the file a chmod changes is the program the command ran ---------------------------------------

def test_f20_a_name_with_a_newline_never_chmods_another_file(heal, project):
    other = os.path.join(project, "name.sh")
    _write(other, "#!/bin/sh\necho other\n", 0o600)
    odd = os.path.join(project, "nl\nname.sh")
    _write(odd, "#!/bin/sh\necho odd ran\n", 0o644)
    r = heal("--yes", "--", "./nl\nname.sh")
    assert stat.S_IMODE(os.stat(other).st_mode) == 0o600
    # the right file is the one changed, and the command is healed
    assert stat.S_IMODE(os.stat(odd).st_mode) == 0o755
    assert r.returncode == 0 and r.stdout == b"odd ran\n"


@pytest.mark.parametrize("name", ["my script.sh", "tab\tx.sh"])
def test_f20_names_with_spaces_or_tabs_get_the_chmod_fix_on_the_right_file(heal, project, name):
    path = os.path.join(project, name)
    _write(path, "#!/bin/sh\necho ran\n", 0o644)
    r = heal("--yes", "--", f"./{name}")
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o755


def test_f20_a_file_the_output_names_that_the_command_did_not_run_is_left_alone(heal, project):
    victim = os.path.join(project, "victim.sh")
    _write(victim, "#!/bin/sh\n", 0o644)
    _write(os.path.join(project, "liar.sh"), "#!/bin/sh\necho 'sh: 1: ./victim.sh: Permission denied' >&2\nexit 126\n",
           0o755)
    r = heal("--yes", "--", "./liar.sh")
    assert r.returncode == 126
    assert stat.S_IMODE(os.stat(victim).st_mode) == 0o644
    assert _log(heal) == []


# --- N6: escape sequences from the output are never replayed -------------------------------------------

def test_n6_escape_sequences_in_an_exception_never_reach_heal_s_stderr_or_heal_home(heal, heal_env, project):
    # The script's name holds ESC c (terminal reset) and an 8-bit CSI 2J (clear screen), and so does the
    # permission error heal diagnoses first (its summary is stored with the journaled chmod); once it runs,
    # it raises a Python exception with the same sequences in its message.
    name = "x\x1bc\u009b2J.sh"
    _write(os.path.join(project, name),
           "#!/bin/sh\nexec " + sys.executable + " -c \"raise RuntimeError('boom \\033c reset \\u009b2J clear')\"\n",
           0o644)
    r = heal("--yes", "--", f"./{name}")
    assert r.returncode == 1
    # heal's lines, but the runner's own `heal: <argv0>: Permission denied`, which repeats the command as
    # typed (as a shell's would) and is no text from the output
    ours = b"\n".join(ln for ln in r.stderr.split(b"\n")
                      if ln.startswith(b"heal:") and not ln.endswith(b".sh: Permission denied"))
    assert b"heal: runtime" in ours and b"boom" in ours
    for bad in (b"\x1b", b"\xc2\x9b"):
        assert bad not in ours, ours
    summaries = [json.load(open(os.path.join(d, "meta.json")))["diagnosis"]
                 for d, _, fs in os.walk(os.path.join(heal_env["HEAL_HOME"], "journal")) if "meta.json" in fs]
    assert summaries and all("permission denied" in s for s in summaries)
    assert not any(c in s for s in summaries for c in ("\x1b", "\x9b"))


def test_n6_clean_drops_every_escape_and_c1_control():
    from heal.diagnose.text import clean, printable

    raw = "a\x1bcb \x9b2Jc \x1b d \x1b[31mred\x1b[0m \x9dtitle\x07e \x1b(B f \x85g\x1b7h\nnext"
    for text in (clean(raw), printable(raw)):
        assert not any(0x80 <= ord(c) <= 0x9F or c == "\x1b" for c in text), repr(text)
        assert "red" in text and "next" in text


@pytest.mark.parametrize("where, name, text, expected", [
    ("", ".npmrc", "registry=https://evil.example/\n", "https://evil.example"),
    ("", ".npmrc", 'registry="https://evil.example/"\n', "https://evil.example"),
    ("", ".npmrc", "@acme:registry=https://npm.acme.example/\n", "https://npm.acme.example"),
    ("", ".npmrc", "https-proxy=http://proxy.example:8080\n", "http://proxy.example:8080"),
    ("", ".npmrc", "strict-ssl=false\n", "a server whose certificate is not checked (TLS checking off)"),
    ("", ".npmrc", "//registry.npmjs.org/:_authToken=abc\nregistry=https://registry.npmjs.org/\n", None),
    ("", ".yarnrc", '"registry" "https://y.example"\n', "https://y.example"),
    ("", ".yarnrc.yml", "npmScopes: {foo: {npmRegistryServer: 'https://s.example'}}\n", "https://s.example"),
    ("", ".yarnrc.yml", "enableStrictSsl: false\n", "a server whose certificate is not checked (TLS checking off)"),
    ("", "bunfig.toml", '[install]\nregistry = { url = "https://b.example/", token = "x" }\n', "https://b.example"),
    # a workspace root's config applies to its packages (pnpm, yarn berry and npm read it there)
    ("packages/app", ".npmrc", "registry=https://evil.example/\n", "https://evil.example"),
])
def test_h4_a_projects_own_config_that_sends_installs_elsewhere_is_found(tmp_path, where, name, text, expected):
    from heal.fixes.install import project_registry

    (tmp_path / ".git").mkdir()
    (tmp_path / where).mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(text)
    found = project_registry(str(tmp_path / where))
    assert (found[0] if found else None) == expected


def test_h4_config_above_the_repository_is_not_the_projects(tmp_path):
    from heal.fixes.install import project_registry

    (tmp_path / ".npmrc").write_text("registry=https://mine.example/\n")  # e.g. the user's own, above the clone
    (tmp_path / "clone" / ".git").mkdir(parents=True)
    assert project_registry(str(tmp_path / "clone")) is None
