"""Scenario 2d of the trial, through the CLI: an install heal makes (chalk 5, declared in package.json) breaks
the CommonJS code that require()s it; the failure of the rerun is connected to that install."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_the_rerun_failure_is_connected_to_the_esm_only_install(heal, project):
    probe = subprocess.run(["npm", "view", "--fetch-retries=0", "chalk@5", "version"], capture_output=True,
                           timeout=60)
    if probe.returncode != 0:
        pytest.skip("the npm registry cannot be reached")
    with open(os.path.join(project, "package.json"), "w") as fh:
        json.dump({"name": "demo", "version": "1.0.0", "dependencies": {"chalk": "^5.3.0"}}, fh)
    with open(os.path.join(project, "app.js"), "w") as fh:
        fh.write("const chalk = require('chalk');\nconsole.log(chalk.green('ok'));\n")
    r = heal("--yes", "--", "node", "app.js", timeout=600)
    err = r.stderr.decode()
    assert r.returncode == 1, err
    assert "chalk is declared in package.json but not installed" in err
    assert "which heal just installed, is ESM-only" in err and "npm install chalk@4" in err, err
