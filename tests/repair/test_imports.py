"""heal.repair.imports: the import a NameError needs, added once, where imports go; nothing when unsure."""

from __future__ import annotations

import pytest

from heal.repair.imports import ImportSpec, add_missing_import, project_imports, resolve

PROJECT = {"np": {ImportSpec("numpy", alias="np")}, "helper": {ImportSpec("mypkg.util", "helper")},
           "x": {ImportSpec("a", "x"), ImportSpec("b", "x")}}

ADDS = [
    (b'"""Doc."""\nfrom __future__ import annotations\nimport sys\n\nprint(os.getcwd())\n', "os",
     b'"""Doc."""\nfrom __future__ import annotations\nimport sys\nimport os\n\nprint(os.getcwd())\n'),
    (b"import sys\nd = defaultdict(list)\n", "defaultdict",
     b"import sys\nfrom collections import defaultdict\nd = defaultdict(list)\n"),
    (b"a = np.zeros(3)\n", "np", b"import numpy as np\na = np.zeros(3)\n"),
    (b"helper()\n", "helper", b"from mypkg.util import helper\nhelper()\n"),
    (b"#!/usr/bin/env python\nimport json\n\njson.dumps(re.sub('a', 'b', s))\n", "re",
     b"#!/usr/bin/env python\nimport json\nimport re\n\njson.dumps(re.sub('a', 'b', s))\n"),
]


@pytest.mark.parametrize("source, name, expected", ADDS)
def test_adds_the_import_once(source, name, expected):
    r = add_missing_import(source, name, PROJECT)
    assert r is not None and r.new == expected
    assert add_missing_import(r.new, name, PROJECT) is None  # idempotent


@pytest.mark.parametrize("source, name", [
    (b"a = pd.DataFrame()\n", "pd"),  # pd is pandas only if the project says so
    (b"x()\n", "x"),  # two meanings in the project
    (b"frobnicate()\n", "frobnicate"),  # unknown
    (b"import os\nos.getcwd()\n", "os"),  # bound already: the NameError is something else
    (b"from os import *\ngetcwd()\n", "os"),  # a star import may bind anything
    (b"exec('import os')\nos.getcwd()\n", "os"),
])
def test_leaves_alone(source, name):
    assert add_missing_import(source, name, PROJECT) is None


def test_crlf_kept():
    r = add_missing_import(b"import sys\r\nprint(os.sep)\r\n", "os", {})
    assert r.new == b"import sys\r\nimport os\r\nprint(os.sep)\r\n"


def test_project_imports_scans_statically(tmp_path):
    (tmp_path / "a.py").write_text("import numpy as np\nfrom pkg.mod import thing\n")
    (tmp_path / "b.py").write_text("raise SystemExit('never imported, never run')\nimport pandas as pd\n")
    (tmp_path / "broken.py").write_text("def (:\n")
    venv = tmp_path / ".venv"
    venv.mkdir()
    (venv / "c.py").write_text("import secret_env_module\n")
    found = project_imports(str(tmp_path))
    assert found["np"] == {ImportSpec("numpy", alias="np")}
    assert found["thing"] == {ImportSpec("pkg.mod", "thing")}
    assert "pd" in found and "secret_env_module" not in found
    assert resolve("np", found) == ImportSpec("numpy", alias="np")
