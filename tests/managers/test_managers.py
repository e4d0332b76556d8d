"""Each package manager behind the one protocol: which project it claims, the commands it gives for adding
and syncing, and how it undoes an install. (Real installs and rollbacks run in tests/test_install.py and
tests/test_journal_packages.py; these are the tables.)"""

from __future__ import annotations

import json
import os
import sys

import pytest

from heal import managers
from heal.managers import MANAGERS, MANIFESTS, Run, Undo, node_manager, python_manager

PROTOCOL = ("NAME", "ECOSYSTEM", "LOCKFILES", "MANIFESTS", "add", "sync", "python", "environment", "undo_remove",
            "undo_sync")


@pytest.mark.parametrize("name", sorted(MANAGERS))
def test_every_manager_implements_the_protocol(name):
    module = MANAGERS[name]
    missing = [attr for attr in PROTOCOL if not hasattr(module, attr)]
    assert not missing, f"{name} lacks {missing}"
    assert module.NAME == name
    assert module.ECOSYSTEM in ("python", "node", "go", "rust")
    assert set(module.MANIFESTS) <= set(MANIFESTS)  # every file an install may rewrite is backed up


@pytest.mark.parametrize("name, packages, dev, expected", [
    ("pip", ["PyYAML"], False, ("/v/bin/python", "-m", "pip", "install", "--disable-pip-version-check", "--", "PyYAML")),
    ("uv", ["rich"], False, ("uv", "add", "rich")),
    ("uv", ["pytest"], True, ("uv", "add", "--dev", "pytest")),
    ("poetry", ["rich"], False, ("poetry", "add", "rich")),
    ("pipenv", ["rich"], False, ("pipenv", "install", "rich")),
    ("pdm", ["rich"], False, ("pdm", "add", "rich")),
    ("npm", ["left-pad"], False, ("npm", "install", "--no-audit", "--no-fund", "--", "left-pad")),
    ("npm", ["@types/node"], True, ("npm", "install", "--no-audit", "--no-fund", "--save-dev", "--", "@types/node")),
    ("yarn", ["chalk"], True, ("yarn", "add", "-D", "chalk")),
    ("pnpm", ["chalk"], False, ("pnpm", "add", "chalk")),
    ("bun", ["chalk"], True, ("bun", "add", "-d", "chalk")),
    ("go", ["github.com/x/y"], False, ("go", "get", "github.com/x/y")),
    ("cargo", ["serde"], False, ("cargo", "add", "serde")),
])
def test_add(name, packages, dev, expected):
    assert MANAGERS[name].add(name, packages, python="/v/bin/python", dev=dev) == expected


def test_sync(tmp_path):
    root = str(tmp_path)
    assert MANAGERS["pip"].sync("pip", python="py", requirements="requirements-dev.txt") == \
        ("py", "-m", "pip", "install", "-r", "requirements-dev.txt")
    assert MANAGERS["pip"].sync("pip", python="py") == ("py", "-m", "pip", "install", "-e", ".")
    assert MANAGERS["npm"].sync("npm", root=root) == ("npm", "install", "--no-audit", "--no-fund")
    (tmp_path / "package-lock.json").write_text("{}")
    assert MANAGERS["npm"].sync("npm", root=root) == ("npm", "ci", "--no-audit", "--no-fund")  # exactly the lock
    assert MANAGERS["uv"].sync("uv") == ("uv", "sync")
    assert MANAGERS["poetry"].sync("poetry") == ("poetry", "install")
    assert MANAGERS["yarn"].sync("yarn") == ("yarn", "install")


@pytest.mark.parametrize("files, expected", [
    ({}, "pip"),
    ({"requirements.txt": "six\n"}, "pip"),
    ({"uv.lock": ""}, "uv"),
    ({"poetry.lock": ""}, "poetry"),
    ({"pdm.lock": ""}, "pdm"),
    ({"Pipfile": ""}, "pipenv"),
    ({"uv.lock": "", "poetry.lock": ""}, "uv"),  # the most specific lock wins, in the registry's order
])
def test_python_manager_by_lockfile(tmp_path, files, expected):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert python_manager(str(tmp_path)) == expected


@pytest.mark.parametrize("files, expected", [
    ({"package.json": "{}"}, "npm"),
    ({"package.json": "{}", "pnpm-lock.yaml": ""}, "pnpm"),
    ({"package.json": "{}", "yarn.lock": ""}, "yarn"),
    ({"package.json": "{}", "bun.lockb": ""}, "bun"),
    ({"package.json": json.dumps({"packageManager": "yarn@4.1.0"}), "package-lock.json": "{}"}, "yarn"),
    ({"package.json": json.dumps({"packageManager": "deno@2"})}, "npm"),  # not one heal knows: npm
    ({"package.json": "not json", "yarn.lock": ""}, "yarn"),
])
def test_node_manager_by_package_manager_field_then_lockfile(tmp_path, files, expected):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert node_manager(str(tmp_path)) == expected


def _undo(**kw) -> Undo:
    base = {"added": [], "replaced": {}, "drift": [], "python": "/v/bin/python", "cwd": "/p"}
    return Undo(**{**base, **kw})


@pytest.mark.parametrize("name, undo, before, after", [
    ("pip", _undo(added=["six"]), [], [Run(("/v/bin/python", "-m", "pip", "uninstall", "-q", "-y", "six"))]),
    ("pip", _undo(added=["six"], replaced={"idna": "3.6"}), [],
     [Run(("/v/bin/python", "-m", "pip", "uninstall", "-q", "-y", "six")),
      Run(("/v/bin/python", "-m", "pip", "install", "-q", "--no-deps", "idna==3.6"))]),
    ("pip", _undo(), [], []),
    ("uv", _undo(added=["six"]), [], [Run(("uv", "sync"))]),  # exact with the lock back
    ("pdm", _undo(added=["six"]), [], [Run(("pdm", "sync", "--clean"))]),
    ("pipenv", _undo(added=["six"]), [], [Run(("pipenv", "clean"))]),
    ("pipenv", _undo(added=["six"], replaced={"idna": "3.6"}), [], [Run(("pipenv", "clean")), Run(("pipenv", "sync"))]),
    ("npm", _undo(added=["left-pad"]), [Run(("npm", "uninstall", "--no-save", "--no-audit", "--no-fund", "left-pad"))],
     []),
    # the user installed something with --no-save since: npm's own uninstall would prune it, so heal takes out
    # only its own packages
    ("npm", _undo(added=["left-pad"], drift=["is-odd"]), [Run(("npm", "uninstall", "left-pad"), ("left-pad",))], []),
    ("yarn", _undo(added=["chalk"]), [Run(("yarn", "remove", "chalk"))], []),
    ("go", _undo(added=["x"]), [], []),  # go.mod and go.sum are restored; nothing to run
    ("cargo", _undo(added=["serde"]), [], []),
])
def test_undo(name, undo, before, after):
    module = MANAGERS[name]
    assert module.undo_remove(name, undo) == before
    assert module.undo_sync(name, undo) == after


def test_node_undo_reinstalls_only_what_was_replaced_and_only_with_a_lockfile(tmp_path):
    cwd = str(tmp_path)
    (tmp_path / "package.json").write_text("{}")
    replaced = _undo(cwd=cwd, replaced={"chalk": "4.1.2"})
    assert MANAGERS["npm"].undo_sync("npm", replaced) == []  # no lockfile to pin the old version: nothing to run
    (tmp_path / "package-lock.json").write_text("{}")
    assert MANAGERS["npm"].undo_sync("npm", replaced) == [Run(("npm", "install", "--no-audit", "--no-fund"))]
    assert MANAGERS["npm"].undo_sync("npm", _undo(cwd=cwd)) == []


def test_python_environment_is_read_by_the_interpreter_itself(tmp_path):
    env = MANAGERS["pip"].environment(str(tmp_path), sys.executable)
    assert env.packages.get("pytest")  # this test runs under pytest
    assert os.path.realpath(sys.prefix) == env.where
    assert "pluggy" in env.requires.get("pytest", [])


def test_a_missing_managed_environment_has_nothing_installed(tmp_path):
    env = MANAGERS["uv"].environment(str(tmp_path), str(tmp_path / ".venv" / "bin" / "python"))
    assert env.packages == {} and env.where.endswith(".venv")


def test_node_environment_reads_node_modules_with_scopes(tmp_path):
    for name, meta in {"left-pad": {"name": "left-pad", "version": "1.3.0"},
                       "@scope/pkg": {"name": "@scope/pkg", "version": "2.0.0", "dependencies": {"left-pad": "^1"}},
                       "broken": None}.items():
        d = tmp_path / "node_modules" / name
        d.mkdir(parents=True)
        (d / "package.json").write_text(json.dumps(meta) if meta else "{not json")
    env = MANAGERS["npm"].environment(str(tmp_path), "")
    assert env.packages == {"left-pad": "1.3.0", "@scope/pkg": "2.0.0"}
    assert env.requires["@scope/pkg"] == ["left-pad"]


def test_the_registry_is_the_one_list_the_journal_accepts():
    from heal.errors import JournalError
    from heal.journal.changes import PackageChange

    for name in MANAGERS:
        PackageChange(name, ["x"], cwd="/")
    with pytest.raises(JournalError):
        PackageChange("brew", ["x"], cwd="/")
    assert managers.MANIFESTS == tuple(dict.fromkeys(managers.MANIFESTS))  # no duplicates
