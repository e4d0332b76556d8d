"""suggest: what heal says but does not do. The crate rustc names keeps rustc's spelling."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from heal.fixes import suggest

from .planning import context


@pytest.mark.skipif(shutil.which("cargo") is None, reason="cargo is not installed")
def test_the_cargo_add_suggestion_keeps_the_crate_name_rustc_printed(tmp_path):
    subprocess.run(["cargo", "new", "-q", "--name", "demo", str(tmp_path / "demo")], check=True)
    root = str(tmp_path / "demo")
    with open(os.path.join(root, "src", "main.rs"), "w") as fh:
        fh.write("fn main() { let _v: serde_json::Value = serde_json::Value::Null; }\n")
    r = subprocess.run(["cargo", "build", "--offline"], cwd=root, capture_output=True, text=True, timeout=300)
    assert r.returncode != 0 and "serde_json" in r.stderr
    ctx = context(r.stdout + r.stderr, ["cargo", "build", "--offline"], r.returncode, root)
    fix = suggest.plan({"action": "suggest", "kind": "cargo-add"}, ctx, "rust-missing-crate", "medium")
    assert fix is not None and fix.argv == ("cargo", "add", "serde_json")
    assert "serde-json" not in fix.description
