"""An installer heal started never outlives heal unnoticed (reliability finding F7): its pid is journaled the
moment it runs, and a rollback right after heal is killed waits for it, so the environment ends byte-exact.
Real pip, a real wheel with thousands of files (pip copies them silently for seconds), real SIGKILL."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import time

import pytest

import bigwheel
import toolcache
from conftest import heal_argv


def venv_tree(venv: str) -> dict[str, str]:
    """rel path -> sha256 and mode of everything in the venv, __pycache__ included."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(venv):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            if os.path.isfile(path) and not os.path.islink(path):
                with open(path, "rb") as fh:
                    digest = hashlib.sha256(fh.read()).hexdigest()
            else:
                digest = os.readlink(path) if os.path.islink(path) else "dir"
            out[os.path.relpath(path, venv)] = f"{digest} {st.st_mode:o}"
    return out


def processes_using(path: str) -> list[int]:
    """Pids whose command line mentions path (the orphaned installer, if any)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                if path.encode() in fh.read():
                    pids.append(int(entry))
        except OSError:
            continue
    return pids


def start_time(pid: int) -> int | None:
    """Field 22 of /proc/<pid>/stat: with the pid, it names one process (None: no such process)."""
    try:
        data = open(f"/proc/{pid}/stat", "rb").read()
    except OSError:
        return None
    return int(data[data.rfind(b")") + 2:].split()[19])


def wait_gone(path: str, bound: float = 600) -> None:
    """Let any process still working on the venv finish before the venv is compared (a bound, not a check)."""
    deadline = time.monotonic() + bound
    while processes_using(path) and time.monotonic() < deadline:
        time.sleep(0.1)


@pytest.fixture(scope="module")
def wheels(tmp_path_factory) -> str:
    d = tmp_path_factory.mktemp("wheels")
    bigwheel.build(str(d), files=10000)
    return str(d)


@pytest.fixture
def setup(project, heal_env, wheels, venv_template):
    venv = os.path.join(project, ".venv")
    subprocess.run(["cp", "-a", venv_template, venv], check=True)
    with open(os.path.join(project, "app.py"), "w") as fh:
        fh.write("import termcolor\n")
    env = dict(heal_env, PIP_NO_INDEX="1", PIP_FIND_LINKS=wheels)
    site = subprocess.run([os.path.join(venv, "bin", "python"), "-c",
                           "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    return venv, env, os.path.join(site, "termcolor")


def _start_install(project: str, venv: str, env: dict, package_dir: str) -> subprocess.Popen:
    """heal fixing `import termcolor`, once pip has begun copying the wheel's files."""
    proc = subprocess.Popen([*heal_argv(), "--yes", "--", os.path.join(venv, "bin", "python"), "app.py"],
                            cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    while not os.path.isdir(package_dir):
        assert proc.poll() is None, proc.stderr.read()
        time.sleep(0.01)
    return proc


def test_rollback_right_after_kill_9_waits_for_the_orphaned_installer(heal, project, setup):
    venv, env, package_dir = setup
    before = venv_tree(venv)
    proc = _start_install(project, venv, env, package_dir)
    proc.kill()  # SIGKILL: heal gets no chance to stop its installer
    proc.wait()
    r = heal("rollback", "--last", "--yes", env=env, timeout=600)
    assert r.returncode == 0, r.stderr
    wait_gone(venv)
    assert venv_tree(venv) == before
    assert b"waiting for" in r.stderr  # for the installer, named, before anything was planned


def test_ctrl_c_stops_the_installer_with_heal(heal, project, setup):
    venv, env, package_dir = setup
    before = venv_tree(venv)
    proc = _start_install(project, venv, env, package_dir)
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=600)
    # the journal names the installer; by the time heal has exited it is gone
    (entry,) = json.loads(heal("log", "--json", env=env).stdout)["change_sets"]
    actions = os.path.join(env["HEAL_HOME"], "journal", entry["id"], "actions.jsonl")
    records = [json.loads(line) for line in open(actions)]
    (spawned,) = [r for r in records if r["op"] == "spawned"]
    assert start_time(spawned["process"]["pid"]) != spawned["process"]["start"]
    assert any(r["op"] == "failed" for r in records)
    r = heal("rollback", "--last", "--yes", env=env, timeout=600)
    assert r.returncode == 0, r.stderr
    assert venv_tree(venv) == before


def test_a_failed_install_says_the_installers_errors_not_its_warnings(project, heal_env, tmp_path):
    # pip 2x (the venv's own, really run): a missing --find-links is a WARNING line before the ERROR lines that
    # say why; the one line heal shows keeps the errors
    from heal.journal import Journal, PackageChange
    from heal.journal.changes import InstallFailed

    venv = os.path.join(project, ".venv")
    subprocess.run(["cp", "-a", str(toolcache.pip_venv(tmp_path / "template")), venv], check=True)
    py = os.path.join(venv, "bin", "python")
    argv = [py, "-m", "pip", "install", "--no-index", "--find-links", str(tmp_path / "nowhere"), "nosuchpkg==1.0"]
    j = Journal(heal_env["HEAL_HOME"])
    with pytest.raises(InstallFailed) as failed:
        with j.changeset(cwd=project, root=project, command=[py, "app.py"]) as cs:
            cs.apply(PackageChange("pip", argv, cwd=project, python=py))
    said = str(failed.value)
    assert "ERROR: No matching distribution found for nosuchpkg==1.0" in said
    assert "WARNING" not in said
