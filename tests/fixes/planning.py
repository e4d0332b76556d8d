"""A PlanContext from real output: the fixtures captured by running the tools (fixtures/outputs), or a
command run here and now."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Sequence

import pytest

from heal.diagnose import diagnose
from heal.fixes.model import PlanContext

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "fixtures",
                        "outputs")


def fixture(name: str) -> dict:
    with open(os.path.join(FIXTURES, f"{name}.json"), encoding="utf-8") as fh:
        return json.load(fh)


def context(output: str, argv: Sequence[str], exit_code: int, cwd: str, *, settings: dict | None = None,
            root: str | None = None, retries: int = 0, elapsed: float = 0.0) -> PlanContext:
    d = diagnose(output, argv=argv, exit_code=exit_code, cwd=cwd)
    return PlanContext(d, tuple(argv), cwd, root or cwd, output, exit_code, settings=settings or {},
                       retries=retries, elapsed=elapsed)


@pytest.fixture
def ran(tmp_path) -> Callable[..., PlanContext]:
    """ran(argv, cwd=tmp) -> the PlanContext of really running argv there."""

    def _ran(argv: Sequence[str], cwd: str | None = None, **kw) -> PlanContext:
        where = cwd or str(tmp_path)
        try:
            r = subprocess.run(list(argv), cwd=where, capture_output=True, text=True, timeout=60)
            output, code = r.stdout + r.stderr, r.returncode
        except PermissionError as exc:
            output, code = f"sh: 1: {argv[0]}: Permission denied\n", 126  # what a shell says for it
            del exc
        return context(output, argv, code, where, **kw)

    return _ran
