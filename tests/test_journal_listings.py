"""How often heal starts the target interpreter around an install and its rollback (counts, not timings): the
environment is listed once before and once after an install (the real pip installing a wheel from a file), the
install's check reuses the listing taken after it, and rolling the install back lists it twice (the plan's
listing is the undo's "before"). A listing that needs no module check is read by heal itself from the sys.path
the interpreter last reported, while what decided that sys.path is unchanged (heal.managers.base): an
install's "before" and both of a rollback's listings start no interpreter once it has been listed."""

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


@pytest.fixture
def started(monkeypatch) -> list[tuple[str, ...]]:
    """The argv of every process heal starts (through its one subprocess helper, which still runs them)."""
    import heal.run

    argvs: list[tuple[str, ...]] = []
    real_run = heal.run.run
    monkeypatch.setattr(heal.run, "run", lambda spec: argvs.append(tuple(spec.argv)) or real_run(spec))
    return argvs


def _scans(argvs: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    return [a for a in argvs if a[1:3] == ("-I", "-c")]


def test_rolling_back_one_install_lists_the_environment_twice_starting_no_interpreter(tmp_path, venv, wheel,
                                                                                       listings, started):
    from heal.journal.rollback import plan, rollback

    project = str(tmp_path / "project")
    j = Journal(str(tmp_path / "home"))
    change = PackageChange("pip", _install(venv, wheel), cwd=project, python=venv, packages=("fakepkg",))
    with j.changeset(cwd=project, root=project, command=[venv, "app.py"]) as cs:
        cs.apply(change)
    assert len(_scans(started)) == 1  # the install's "before"; its "after" was read here
    listings.clear()
    started.clear()
    p = plan(j, j.ids()[-1])
    outcome = rollback(j, p)
    assert outcome.done and len(listings) == 2  # the plan's (reused as the undo's before) and the undo's after
    assert _scans(started) == [] and [a[1:4] for a in started] == [("-m", "pip", "uninstall")]
    r = subprocess.run([venv, "-c", "import fakepkg"], capture_output=True)
    assert r.returncode != 0  # uninstalled
    j2 = Journal(str(tmp_path / "home"))
    assert j2.info(outcome.rollback_id).status == "applied"
    after = [r for r in j2.info(outcome.rollback_id).actions if r.op == "done"][0].after
    assert "fakepkg" not in after["installed"] and after["installed"] == _fresh_listing(venv)


def _forget() -> None:
    """Forget every kept sys.path: the next listing asks the interpreter."""
    import shutil

    from heal.paths import cache_dir

    shutil.rmtree(os.path.join(cache_dir(), "pyscan"), ignore_errors=True)


def _fresh_listing(python: str) -> dict[str, str]:
    """What the interpreter itself lists now."""
    _forget()
    return base.python_listing(python)[0].packages


def test_a_listing_read_here_is_what_the_interpreter_lists(venv, wheel, started):
    first = base.python_listing(venv)[0]
    subprocess.run(_install(venv, wheel), check=True)
    again = base.python_listing(venv)[0]
    assert len(_scans(started)) == 1 and again.packages["fakepkg"] == "1.0" and again.where == first.where
    assert again.packages == _fresh_listing(venv) and len(_scans(started)) == 2


def test_a_new_pth_file_makes_heal_ask_the_interpreter_again(tmp_path, venv, started):
    base.python_listing(venv)
    site = subprocess.run([venv, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    extra = tmp_path / "elsewhere"
    (extra / "hidden-3.0.dist-info").mkdir(parents=True)
    (extra / "hidden-3.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: hidden\nVersion: 3.0\n")
    with open(os.path.join(site, "extra.pth"), "w") as fh:
        fh.write(str(extra) + "\n")
    started.clear()
    env = base.python_listing(venv)[0]
    assert env.packages.get("hidden") == "3.0" and len(_scans(started)) == 1  # on sys.path only through the .pth
    started.clear()
    assert base.python_listing(venv)[0].packages.get("hidden") == "3.0" and _scans(started) == []
    with open(os.path.join(site, "extra.pth"), "w") as fh:
        fh.write("# nothing\n")  # rewritten in place: the directory's own entries are as they were
    assert "hidden" not in base.python_listing(venv)[0].packages and len(_scans(started)) == 1


def test_a_new_site_directory_changes_the_signature(tmp_path):
    from heal.managers import pyscan

    site = str(tmp_path / "lib64-site-packages")
    before = pyscan.scan([], [site])[2]
    os.mkdir(site)
    assert pyscan.scan([], [site])[2] != before  # a site directory that appears is read by a new interpreter


def test_another_venv_at_the_same_path_is_asked_again(tmp_path, venv, started):
    base.python_listing(venv)
    cfg = os.path.join(os.path.dirname(os.path.dirname(venv)), "pyvenv.cfg")
    with open(cfg, "a") as fh:
        fh.write("include-system-site-packages = true\n")  # sys.path now has the base interpreter's too
    started.clear()
    env = base.python_listing(venv)[0]
    assert len(_scans(started)) == 1 and env.packages == _fresh_listing(venv)


def test_a_wrapper_script_or_a_damaged_cache_is_always_asked(tmp_path, venv, started):
    wrapper = tmp_path / "python-wrapper"
    wrapper.write_text(f"#!/bin/sh\nexec {venv} \"$@\"\n")
    wrapper.chmod(0o755)
    for _ in range(2):
        base.python_listing(str(wrapper))  # a shim picks its interpreter by the environment and the directory
    assert len(_scans(started)) == 2
    base.python_listing(venv)
    from heal.paths import cache_dir

    pyscan_dir = os.path.join(cache_dir(), "pyscan")
    for name in os.listdir(pyscan_dir):
        with open(os.path.join(pyscan_dir, name), "r+b") as fh:
            fh.truncate(7)
    started.clear()
    assert base.python_listing(venv)[0].packages == _fresh_listing(venv) and len(_scans(started)) == 2


def test_a_check_without_a_fresh_listing_asks_the_interpreter(bare_venv, listings):
    venv = bare_venv
    assert install.verify_python(venv, ("os",)) is True
    assert install.verify_python(venv, ("no_such_module_x",)) is False
    assert listings == []  # importlib in the interpreter itself, as before


def test_a_rollback_of_a_pip_install_imports_nothing_it_does_not_use(tmp_path, venv, wheel, heal_env):
    """A rollback's own cost beside `pip uninstall` (issue 14): no re (json's and glob's), json, hashlib's OpenSSL,
    datetime or signal's enums, in a fresh interpreter that forgot what its start-up imported of them."""
    from conftest import FORGET, in_process_main

    project = str(tmp_path / "project")
    j = Journal(heal_env["HEAL_HOME"])
    change = PackageChange("pip", _install(venv, wheel), cwd=project, python=venv, packages=("fakepkg",))
    with j.changeset(cwd=project, root=project, command=[venv, "app.py"]) as cs:
        cs.apply(change)
    watched = ("re", "json", "hashlib", "_hashlib", "datetime", "glob", "fnmatch", "signal", "enum")
    code = (FORGET + "for _name in ('enum', 'signal', 'fnmatch'):\n    sys.modules.pop(_name, None)\n"
            + in_process_main(["rollback", "--last", "--yes"]) +
            "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
            f"sys.stderr.write('\\nIMPORTED ' + ' '.join(m for m in {watched!r} if m in sys.modules))\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=project, env=heal_env, capture_output=True, timeout=120)
    assert r.returncode == 0 and b"rolled back" in r.stdout, r.stderr.decode()
    assert subprocess.run([venv, "-c", "import fakepkg"], capture_output=True).returncode != 0
    assert r.stderr.decode().rpartition("IMPORTED ")[2].split() == []


def test_planning_a_rollback_reads_no_change_set_before_it(tmp_path, venv, wheel, monkeypatch):
    # a journal of 10,000 change sets cost every rollback of an install 0.9 s: each one was read
    from heal.journal import FileChange
    from heal.journal.rollback import plan

    project = str(tmp_path / "project")
    j = Journal(str(tmp_path / "home"))
    for i in range(20):
        with j.changeset(cwd=project, root=project, command=["edit"]) as cs:
            cs.apply(FileChange(os.path.join(project, f"f{i}.txt"), data=b"x\n"))
    change = PackageChange("pip", _install(venv, wheel), cwd=project, python=venv, packages=("fakepkg",))
    with j.changeset(cwd=project, root=project, command=[venv, "app.py"]) as cs:
        cs.apply(change)
    target = j.ids()[-1]
    read: list[str] = []
    real_info = j.info
    monkeypatch.setattr(j, "info", lambda cid: read.append(cid) or real_info(cid))
    p = plan(j, target)
    assert [s.action for s in p.steps] == ["packages"] and p.steps[0].describe
    assert read and all(cid >= target for cid in read), sorted(set(read))


def test_git_is_asked_about_the_work_tree_only_inside_a_repository(tmp_path, started, monkeypatch):
    from heal.journal.changes import worktree_changes

    plain = tmp_path / "plain"
    plain.mkdir()
    assert worktree_changes(str(plain), str(plain)) is None and started == []  # nothing above it has a .git
    repo = tmp_path / "repo"
    (repo / "sub").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "sub" / "new.txt").write_text("x\n")
    link = tmp_path / "link"
    link.symlink_to(repo / "sub")  # git walks up from the physical directory: the repository is found
    assert worktree_changes(str(link), str(repo)) == {str(repo / "sub") + "/"}
    assert [a[0] for a in started] == ["git", "git"]
    started.clear()
    monkeypatch.setenv("GIT_DIR", str(repo / ".git"))  # a repository named by the environment: git decides
    worktree_changes(str(plain), str(plain))
    assert [a[0] for a in started] == ["git", "git"]


# Found by the break-it review of the kept sys.path: each changes sys.path without changing a `.pth` file's bytes
# (with the first, a later `setup.py develop` project was taken for heal's install and uninstalled by a rollback).

def _purelib(python: str) -> str:
    return subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()


def _dist(where, name: str, version: str) -> None:
    d = where / f"{name}-{version}.dist-info"
    d.mkdir(parents=True)
    (d / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")


def test_a_pth_line_naming_a_directory_that_appears_later(tmp_path):
    # site adds a .pth path line only if it exists: a checkout moved aside / a branch without src/ at the
    # first listing, back at the second. `setup.py develop` (egg-link + easy-install.pth) then lists the
    # project as installed by heal's next install, and its rollback uninstalls it.
    venv = _venv(tmp_path, "--without-pip")
    lib = tmp_path / "lib"
    with open(os.path.join(_purelib(venv), "lib.pth"), "w") as fh:
        fh.write(f"{lib}\n")
    base.python_listing(venv)  # kept: sys.path without lib
    _dist(lib, "devlib", "0.1")
    assert base.python_listing(venv)[0].packages == _fresh_listing(venv)


@pytest.mark.parametrize("hook", [("zz.pth", "import pathmod\n", "pathmod.py"),
                                  ("", "", os.path.join("sitecustomize", "__init__.py"))],
                         ids=["a module a .pth imports", "a sitecustomize package"])
def test_code_run_at_start_up_decides_sys_path(tmp_path, hook):
    pth, line, module = hook
    venv = _venv(tmp_path, "--without-pip")
    site = _purelib(venv)
    extra = tmp_path / "extra"
    _dist(extra, "extradist", "2.0")
    if pth:
        with open(os.path.join(site, pth), "w") as fh:
            fh.write(line)
    os.makedirs(os.path.dirname(os.path.join(site, module)), exist_ok=True)
    with open(os.path.join(site, module), "w") as fh:
        fh.write("")
    base.python_listing(venv)
    with open(os.path.join(site, module), "w") as fh:
        fh.write(f"import sys; sys.path.append({str(extra)!r})\n")  # the .pth file's bytes stay the same
    assert base.python_listing(venv)[0].packages == _fresh_listing(venv)


def test_a_pth_file_next_to_the_interpreter(tmp_path):
    # getpath (3.11+, POSIX too): <executable>._pth replaces sys.path entirely
    venv = _venv(tmp_path, "--without-pip")
    base.python_listing(venv)
    extra = tmp_path / "extra"
    _dist(extra, "extradist", "2.0")
    code = "import sys; print('\\n'.join(p for p in sys.path if 'site-packages' not in p))"
    stdlib = subprocess.run([venv, "-I", "-c", code], capture_output=True, text=True, check=True).stdout
    with open(venv + "._pth", "w") as fh:
        fh.write(f"{extra}\n{stdlib}")
    assert base.python_listing(venv)[0].packages == _fresh_listing(venv)


# The second review: each listed wrongly from the kept sys.path before its fix.

def test_a_pth_import_that_failed_at_start_up_is_never_kept(tmp_path, started):
    venv = _venv(tmp_path, "--without-pip")
    site = _purelib(venv)
    with open(os.path.join(site, "zz.pth"), "w") as fh:
        fh.write("import pathhook\n")  # not there yet: site reports the error and goes on
    base.python_listing(venv)
    extra = tmp_path / "extra"
    _dist(extra, "missdist", "1")
    with open(os.path.join(site, "pathhook.py"), "w") as fh:
        fh.write(f"import sys; sys.path.append({str(extra)!r})\n")
    started.clear()
    assert base.python_listing(venv)[0].packages.get("missdist") == "1" and len(_scans(started)) == 1


def test_a_pyvenv_cfg_beside_the_executable_is_in_the_key(tmp_path):
    venv = _venv(tmp_path, "--without-pip")
    base.python_listing(venv)
    cfg = os.path.join(os.path.dirname(os.path.dirname(venv)), "pyvenv.cfg")
    with open(cfg) as fh:
        text = fh.read().replace("include-system-site-packages = false", "include-system-site-packages = true")
    with open(os.path.join(os.path.dirname(venv), "pyvenv.cfg"), "w") as fh:
        fh.write(text)  # getpath reads bin/pyvenv.cfg too (3.11)
    assert base.python_listing(venv)[0].packages == _fresh_listing(venv)


def test_the_interpreters_real_path_is_in_the_key(tmp_path):
    # one binary hard-linked into two prefixes (conda's environments): the same stat, another sys.path
    real = os.path.realpath(sys.executable)
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    prefix = tmp_path / "prefix"
    (prefix / "bin").mkdir(parents=True)
    try:
        os.link(real, prefix / "bin" / version)
    except OSError:
        pytest.skip("the interpreter cannot be hard-linked here")
    stdlib = os.path.dirname(os.__file__)
    (prefix / "lib").mkdir()
    os.symlink(stdlib, prefix / "lib" / version)  # its stdlib, and the site-packages under it
    link = tmp_path / "current" / "bin" / "python"
    link.parent.mkdir(parents=True)
    link.symlink_to(prefix / "bin" / version)
    first = base.python_listing(str(link))[0]
    assert first.where == os.path.realpath(prefix)
    os.unlink(link)
    link.symlink_to(real)  # re-pointed: the same binary (one inode), its own prefix
    assert base.python_listing(str(link))[0].where == _where(str(link))


def _where(python: str) -> str:
    """Where the interpreter itself says its environment is."""
    _forget()
    return base.python_listing(python)[0].where


def test_a_bom_before_a_pth_path_counts_both_ways(tmp_path):
    # Python 3.13's site strips a UTF-8 BOM, earlier ones keep it: the path appearing changes the signature
    from heal.managers import pyscan

    site = tmp_path / "site"
    site.mkdir()
    target = tmp_path / "bomx"
    (site / "bom.pth").write_bytes(b"\xef\xbb\xbf" + str(target).encode() + b"\n")
    before = pyscan.scan([str(site)], [str(site)])[2]
    target.mkdir()
    assert pyscan.scan([str(site)], [str(site)])[2] != before
