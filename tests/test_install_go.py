"""A Go package no module provides: `go get` through the journal, against a real (local, file://) module
proxy — the public proxy is unreachable from this project's machines — and rolled back byte-exact."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("go") is None, reason="go is not installed")

MODULE, VERSION = "example.com/greet", "v1.0.0"


def _proxy(root: Path) -> str:
    """A GOPROXY directory serving one module (the layout `go help goproxy` documents)."""
    at = root / MODULE / "@v"
    at.mkdir(parents=True)
    mod = f"module {MODULE}\n\ngo 1.19\n"
    (at / "list").write_text(f"{VERSION}\n")
    (at / f"{VERSION}.info").write_text(json.dumps({"Version": VERSION, "Time": "2026-01-01T00:00:00Z"}))
    (at / f"{VERSION}.mod").write_text(mod)
    with zipfile.ZipFile(at / f"{VERSION}.zip", "w") as z:
        z.writestr(f"{MODULE}@{VERSION}/go.mod", mod)
        z.writestr(f"{MODULE}@{VERSION}/greet.go", 'package greet\n\nfunc Hello() string { return "hello" }\n')
    return f"file://{root}"


def test_missing_go_module_is_got_and_rolled_back(heal, heal_env, project, tmp_path):
    env = dict(heal_env, GOPROXY=_proxy(tmp_path / "proxy"), GOSUMDB="off", GOFLAGS="",
               GOPATH=str(tmp_path / "gopath"), GOCACHE=str(tmp_path / "gocache"))
    p = Path(project)
    (p / "go.mod").write_text("module demo\n\ngo 1.19\n")
    (p / "main.go").write_text('package main\n\nimport (\n\t"fmt"\n\n\t"example.com/greet"\n)\n\n'
                               'func main() { fmt.Println(greet.Hello()) }\n')
    before = {n: (p / n).read_bytes() for n in ("go.mod", "main.go")}
    r = heal("--yes", "--", "go", "run", ".", env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert b"go get example.com/greet" in r.stderr and r.stdout == b"hello\n"
    assert MODULE in (p / "go.mod").read_text() and (p / "go.sum").exists()
    r = heal("rollback", "--last", "--yes", env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert {n: (p / n).read_bytes() for n in before} == before and not (p / "go.sum").exists()
    assert subprocess.run(["go", "run", "."], cwd=project, env=env, capture_output=True).returncode != 0


def test_a_module_the_proxy_does_not_have_changes_nothing(heal, heal_env, project, tmp_path):
    (tmp_path / "empty-proxy").mkdir()
    env = dict(heal_env, GOPROXY=f"file://{tmp_path / 'empty-proxy'}", GOSUMDB="off", GOFLAGS="",
               GOPATH=str(tmp_path / "gopath"), GOCACHE=str(tmp_path / "gocache"))
    p = Path(project)
    (p / "go.mod").write_text("module demo\n\ngo 1.19\n")
    (p / "main.go").write_text('package main\n\nimport "example.org/nothere"\n\nfunc main() { nothere.X() }\n')
    r = heal("--yes", "--", "go", "run", ".", env=env, timeout=300)
    assert r.returncode == 1
    assert b"go get example.org/nothere exited 1" in r.stderr
    assert (p / "go.mod").read_text() == "module demo\n\ngo 1.19\n" and not (p / "go.sum").exists()
