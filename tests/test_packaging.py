"""The wheel ships everything heal needs: every package under src/heal (each directory with an __init__.py,
with all of its files: modules, py.typed, any data), every data file of the directories pyproject.toml maps
into the package (patterns/ -> heal/patterns/), the console script, and nothing else.

`pip install -e .` (what the other tests run against) never notices a package missing from pyproject.toml's
hand-written `packages` list; a wheel built from it does. setuptools' automatic discovery
(`[tool.setuptools.packages.find] where = ["src"]`) would find new packages by itself, but it does not find
heal.patterns, which lives outside src/ through the package-dir mapping (tried: the wheel then has no
heal/patterns/), so the list stays hand-written and this test guards it.

The build runs in a temp copy of what it reads (pyproject.toml, the readme, the mapped directories), so a
stale build/ or egg-info in the checkout cannot hide a missing file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".pytest_cache")


def pyproject() -> dict:
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as fh:
        return tomllib.load(fh)


def package_dirs() -> dict[str, str]:
    """package name ("" for the root) -> source directory, from [tool.setuptools] package-dir."""
    return dict(pyproject()["tool"]["setuptools"].get("package-dir", {"": "."}))


def script_files() -> list[str]:
    """The executables the wheel installs on PATH ([tool.setuptools] script-files)."""
    return list(pyproject()["tool"]["setuptools"].get("script-files", []))


def files_under(top: str) -> list[str]:
    """Every file below top, relative to it ('/'-separated), skipping caches."""
    found = []
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = [d for d in dirnames if d != "__pycache__" and not d.endswith(".egg-info")]
        for name in filenames:
            if not name.endswith(".pyc"):
                found.append(os.path.relpath(os.path.join(dirpath, name), top).replace(os.sep, "/"))
    return sorted(found)


def expected_files() -> set[str]:
    """The wheel paths the source tree says must ship."""
    dirs = package_dirs()
    expected: set[str] = set()
    src = os.path.join(ROOT, dirs.get("", "."))
    # every package below the root package dir: each directory with an __init__.py, with all of its own files
    for top in sorted(os.listdir(src)):
        if not os.path.isfile(os.path.join(src, top, "__init__.py")):
            continue
        for dirpath, dirnames, filenames in os.walk(os.path.join(src, top)):
            dirnames[:] = [d for d in dirnames if d != "__pycache__"]
            if "__init__.py" not in filenames:
                continue
            rel = os.path.relpath(dirpath, src).replace(os.sep, "/")
            expected.update(f"{rel}/{name}" for name in filenames if not name.endswith(".pyc"))
    # every file of a directory mapped into a package (patterns/ is heal.patterns: playbooks, maps)
    for package, directory in dirs.items():
        if package:
            prefix = package.replace(".", "/")
            expected.update(f"{prefix}/{rel}" for rel in files_under(os.path.join(ROOT, directory)))
    return expected


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    tmp = tmp_path_factory.mktemp("wheel")
    tree = tmp / "tree"
    tree.mkdir()
    shutil.copy2(os.path.join(ROOT, "pyproject.toml"), tree)
    readme = pyproject()["project"].get("readme")
    if isinstance(readme, str):
        shutil.copy2(os.path.join(ROOT, readme), tree)
    for directory in set(package_dirs().values()):
        shutil.copytree(os.path.join(ROOT, directory), tree / directory, ignore=IGNORED)
    for script in script_files():
        (tree / script).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(os.path.join(ROOT, script), tree / script)
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-cache-dir", "-q", "-w", str(tmp / "dist")]
    if _backend_installed():
        cmd.append("--no-build-isolation")  # no index needed: the build backend is already here
    r = subprocess.run([*cmd, str(tree)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    assert r.returncode == 0, r.stdout.decode(errors="replace")[-3000:]
    built = [p for p in os.listdir(tmp / "dist") if p.endswith(".whl")]
    assert len(built) == 1, built
    return zipfile.ZipFile(tmp / "dist" / built[0])


def _backend_installed() -> bool:
    """Whether this interpreter can build the wheel itself: the build-system requirements are installed."""
    try:
        from importlib.metadata import version

        from packaging.requirements import Requirement
    except ImportError:
        return False
    for spec in pyproject()["build-system"]["requires"]:
        req = Requirement(spec)
        try:
            if not req.specifier.contains(version(req.name), prereleases=True):
                return False
        except Exception:  # noqa: BLE001 - not installed
            return False
    return True


def test_the_expectation_sees_the_source_tree():
    expected = expected_files()
    # the checks below are only as good as this list: it must have found the packages and the data
    assert {"heal/__init__.py", "heal/py.typed", "heal/diagnose/rules/__init__.py", "heal/patterns/__init__.py",
            "heal/patterns/playbooks/python-missing-module.toml"} <= expected


def test_the_wheel_ships_every_package_and_data_file(wheel):
    shipped = set(wheel.namelist())
    missing = sorted(expected_files() - shipped)
    packages = sorted({os.path.dirname(m).replace("/", ".") for m in missing if m.endswith("/__init__.py")})
    assert not missing, (
        f"the wheel lacks {len(missing)} file(s): {missing[:20]}"
        + (f"\nnew package(s) {packages}: add them to [tool.setuptools] packages in pyproject.toml" if packages
           else "\na data file: add its pattern to [tool.setuptools.package-data] in pyproject.toml"))


def test_the_wheel_ships_nothing_but_heal(wheel):
    stray = [n for n in wheel.namelist() if not n.startswith(("heal/", "heal-")) or
             n.startswith("heal-") and ".dist-info/" not in n and not n.endswith(".data/scripts/heal")]
    assert not stray, stray  # no tests, fixtures or top-level patterns package
    assert all(n.startswith("heal/") for n in wheel.namelist() if not n.startswith("heal-"))


def test_the_wheel_installs_a_heal_executable_that_does_not_import_re(wheel):
    # shipped as a script (pip rewrites its #!python line), not generated from an entry point: pip's
    # generated wrapper imports re, a third of `heal -- true`'s start-up
    script = next(n for n in wheel.namelist() if n.endswith(".data/scripts/heal"))
    text = wheel.read(script).decode()
    assert text.startswith("#!python\n")
    assert "from heal.entry import main" in text and "sys.exit(main())" in text
    assert "import re" not in text
    assert wheel.getinfo(script).external_attr >> 16 & 0o111, "the script must be executable"
    assert not any(n.endswith(".dist-info/entry_points.txt") for n in wheel.namelist())  # no second `heal`


def test_the_installed_heal_is_the_shipped_script():
    # what the suite runs (pip install -e .): the same file, its #! line pointed at this interpreter
    script = os.path.join(os.path.dirname(sys.executable), "heal")
    if not os.path.exists(script):
        pytest.skip("heal is not installed next to this interpreter")
    with open(script, encoding="utf-8") as fh:
        first, rest = fh.read().split("\n", 1)
    with open(os.path.join(ROOT, script_files()[0]), encoding="utf-8") as fh:
        assert rest == fh.read().split("\n", 1)[1]
    assert first.startswith("#!") and "python" in first
