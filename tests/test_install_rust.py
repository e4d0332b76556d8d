"""A crate used but not declared: `cargo add` through the journal, against a real local registry (cargo's
`local-registry` source replacing crates.io, which this project's machines cannot reach), rolled back
byte-exact; a name rustc does not call a crate, or a module file of the package, is left alone."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("cargo") is None, reason="cargo is not installed")

LIB = 'pub fn hello() -> &\'static str { "hello" }\n'


def _registry(root: Path) -> Path:
    """A local registry with one crate, `greeter` 0.1.0 (index entry plus .crate, as `cargo local-registry`
    lays them out)."""
    root.mkdir()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, text in (("Cargo.toml", '[package]\nname = "greeter"\nversion = "0.1.0"\nedition = "2021"\n'),
                           ("src/lib.rs", LIB)):
            data = text.encode()
            info = tarfile.TarInfo(f"greeter-0.1.0/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    crate = buf.getvalue()
    (root / "greeter-0.1.0.crate").write_bytes(crate)
    (root / "index" / "gr" / "ee").mkdir(parents=True)
    (root / "index" / "gr" / "ee" / "greeter").write_text(json.dumps(
        {"name": "greeter", "vers": "0.1.0", "deps": [], "cksum": hashlib.sha256(crate).hexdigest(), "features": {},
         "yanked": False}) + "\n")
    return root


@pytest.fixture
def package(project, tmp_path, heal_env) -> tuple[Path, dict]:
    p = Path(project)
    (p / ".cargo").mkdir()
    (p / ".cargo" / "config.toml").write_text(
        f'[source.crates-io]\nreplace-with = "local"\n\n[source.local]\nlocal-registry = "{_registry(tmp_path / "reg")}"\n')
    (p / "Cargo.toml").write_text('[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n')
    (p / "src").mkdir()
    (p / "src" / "main.rs").write_text('fn main() { println!("{}", greeter::hello()); }\n')
    env = dict(heal_env, CARGO_HOME=str(tmp_path / "cargo-home"), CARGO_TARGET_DIR=str(tmp_path / "target"),
               PATH=os.path.dirname(shutil.which("cargo") or "") + os.pathsep + heal_env["PATH"])
    return p, env


def test_missing_crate_is_added_and_rolled_back(heal, package):
    p, env = package
    before = (p / "Cargo.toml").read_bytes()
    r = heal("--yes", "--", "cargo", "run", "-q", env=env, timeout=600)
    assert r.returncode == 0, r.stderr
    assert b"cargo add greeter" in r.stderr and r.stdout == b"hello\n"
    assert 'greeter = "0.1.0"' in (p / "Cargo.toml").read_text() and (p / "Cargo.lock").exists()
    r = heal("rollback", "--last", "--yes", env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    # the failing build itself wrote a Cargo.lock before heal did anything: that one is what comes back
    assert (p / "Cargo.toml").read_bytes() == before and "greeter" not in (p / "Cargo.lock").read_text()


def test_a_module_file_of_the_package_is_not_mistaken_for_a_crate(heal, package):
    p, env = package
    (p / "src" / "greeter.rs").write_text(LIB)  # exists, but main.rs forgot `mod greeter;`
    before = (p / "Cargo.toml").read_bytes()
    r = heal("--yes", "--", "cargo", "run", "-q", env=env, timeout=600)
    assert r.returncode == 101
    heal_lines = [line for line in r.stderr.splitlines() if line.startswith(b"heal:")]
    assert heal_lines and not any(b"cargo add" in line for line in heal_lines)
    assert (p / "Cargo.toml").read_bytes() == before
