"""How often heal starts the target interpreter around an install and its rollback (counts, not timings): the
environment is listed once before and once after an install (the real pip installing a wheel from a file), the
install's check reuses the listing taken after it, and rolling the install back lists it twice (the plan's
listing is the undo's "before")."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import bigwheel
from heal.fixes import install
from heal.journal import Journal, PackageChange
from heal.managers import base


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> str:
    """fakepkg 1.0 as a wheel: the real pip installs it from a file, with no index."""
    return bigwheel.build(str(tmp_path_factory.mktemp("wheelhouse")), name="fakepkg", version="1.0", files=0)


def _install(venv: str, wheel: str) -> list[str]:
    return [venv, "-m", "pip", "install", "--no-index", "-q", "--disable-pip-version-check", wheel]


def _venv(tmp_path, *options: str) -> str:
    path = tmp_path / "project" / ".venv"
    subprocess.run([sys.executable, "-m", "venv", *options, str(path)], check=True)
    return str(path / "bin" / "python")


@pytest.fixture
def venv(tmp_path, venv_template) -> str:
    """A venv with pip in the project (the install and the rollback's uninstall use it)."""
    path = tmp_path / "project" / ".venv"
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["cp", "-a", venv_template, str(path)], check=True)
    return str(path / "bin" / "python")


@pytest.fixture
def bare_venv(tmp_path) -> str:
    return _venv(tmp_path, "--without-pip")


@pytest.fixture
def listings(monkeypatch) -> list[tuple[str, tuple[str, ...]]]:
    calls: list[tuple[str, tuple[str, ...]]] = []
    real = base.python_listing

    def counted(python, modules=()):
        calls.append((python, tuple(modules)))
        return real(python, modules)

    monkeypatch.setattr(base, "python_listing", counted)
    return calls


def test_an_install_lists_twice_and_its_check_reuses_the_second(tmp_path, venv, wheel, listings, monkeypatch):
    project = str(tmp_path / "project")
    spawned: list[tuple] = []
    import heal.run

    real_run = heal.run.run
    monkeypatch.setattr(heal.run, "run", lambda spec: spawned.append(spec.argv) or real_run(spec))
    change = PackageChange("pip", _install(venv, wheel), cwd=project, python=venv, packages=("fakepkg",),
                           imports=("fakepkg",))
    fix = install.Fix("install", "install fakepkg", change.argv, change=change)
    j = Journal(str(tmp_path / "home"))
    with j.changeset(cwd=project, root=project, command=[venv, "app.py"]) as cs:
        after = cs.apply(change)
        assert install.check(fix) == ""
    assert after["installed"]["fakepkg"] == "1.0"
    assert [modules for _, modules in listings] == [(), ("fakepkg",)]  # before; after, checking the module
    # the two listings and the installer, no separate check (git is asked whether the project is a work tree
    # whose files an install may rewrite: not an interpreter start)
    started = [a for a in spawned if os.path.basename(a[0]) != "git"]
    assert len(started) == 3, [a[:2] for a in started]


def test_rolling_back_one_install_lists_the_environment_twice(tmp_path, venv, wheel, listings):
    from heal.journal.rollback import plan, rollback

    project = str(tmp_path / "project")
    j = Journal(str(tmp_path / "home"))
    change = PackageChange("pip", _install(venv, wheel), cwd=project, python=venv, packages=("fakepkg",))
    with j.changeset(cwd=project, root=project, command=[venv, "app.py"]) as cs:
        cs.apply(change)
    listings.clear()
    p = plan(j, j.ids()[-1])
    outcome = rollback(j, p)
    assert outcome.done and len(listings) == 2  # the plan's (reused as the undo's before) and the undo's after
    r = subprocess.run([venv, "-c", "import fakepkg"], capture_output=True)
    assert r.returncode != 0  # uninstalled


def test_a_check_without_a_fresh_listing_asks_the_interpreter(bare_venv, listings):
    venv = bare_venv
    assert install.verify_python(venv, ("os",)) is True
    assert install.verify_python(venv, ("no_such_module_x",)) is False
    assert listings == []  # importlib in the interpreter itself, as before
