"""What heal says: dry-run sentences, suggestions said once, locations without empty parts, why a fix waits
for a terminal, and the progress of a long fix step (a live line on a terminal, lines in a log, nothing
when quiet)."""

from __future__ import annotations

import io
import sys
import time

import pytest

from heal import ui
from heal.diagnose.model import Diagnosis
from heal.fixes.model import Fix
from heal.journal.changes import GitRefChange, PackageChange
from heal.run import RunSpec, run


def _said(fn, *args, presenter=ui.Terminal, **kw) -> str:
    out = io.StringIO()
    p = presenter(out, interactive=False, colour=False) if presenter is ui.Terminal else presenter(out)
    getattr(p, fn)(*args, **kw)
    return out.getvalue()


@pytest.mark.parametrize("fix, sentence", [
    (Fix("chmod", "make run.sh executable (chmod +x)", ("chmod", "+x", "run.sh")),
     "would make run.sh executable (chmod +x): chmod +x run.sh"),
    (Fix("run", "npm ci needs a lockfile and there is none: npm install creates it", ("npm", "install")),
     "would run: npm install (npm ci needs a lockfile and there is none: npm install creates it)"),
    # the description only repeats the command: said once
    (Fix("install", "cargo add serde_json", ("/root/.cargo/bin/cargo", "add", "serde_json")),
     "would run: /root/.cargo/bin/cargo add serde_json"),
    (Fix("install", "install the project's test environment (extra [tests]), which declares pytest",
         (".venv/bin/python", "-m", "pip", "install", "-e", ".[tests]")),
     "would install the project's test environment (extra [tests]), which declares pytest: "
     ".venv/bin/python -m pip install -e '.[tests]'"),
])
def test_dry_run_lines_are_sentences(fix, sentence):
    assert ui._would(fix) == sentence


def test_a_suggestion_names_its_command_once():
    fix = Fix("suggest", "rg is provided by the system package ripgrep", ("sudo", "apt-get", "install", "ripgrep"))
    said = _said("suggest", fix)
    assert said.count("apt-get install ripgrep") == 1
    fix = Fix("suggest", "add the crate serde_json (check it is the crate you mean)", ("cargo", "add", "serde_json"))
    said = _said("suggest", fix)
    assert said.count("serde_json") == 2 and "serde-json" not in said  # the sentence, then the command


def test_a_fix_that_waits_for_a_terminal_says_why_even_with_yes():
    fix = Fix("run", "the remote has commits you don't: rebase onto them", ("git", "pull", "--rebase"),
              change=GitRefChange(("git", "pull", "--rebase"), cwd="."), ask=True)
    said = _said("suggest", fix, "needs-terminal")
    assert "rewrites your branch's commits" in said and "--yes is not enough without one" in said
    assert "run with --yes" not in said


def test_a_location_without_a_line_number_has_no_empty_part():
    d = Diagnosis(category="test", severity="medium", summary="tests cannot be collected", rule="pytest.collection",
                  facts={"file": "tests/test_isoparser.py", "line": ""}, signature="s", evidence=())
    assert ui.location(d) == "tests/test_isoparser.py"
    said = _said("escalate", d, [_attempt(d)])
    assert "(tests/test_isoparser.py)" in said and "test_isoparser.py:)" not in said


def _attempt(d):
    from heal.fixes.model import Attempt

    return Attempt(d, Fix("install", "install pytest"), True, 1, 1.0)


# --- progress ---------------------------------------------------------------------------------------------

class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _install_fix() -> Fix:
    change = PackageChange("pip", (sys.executable, "-m", "pip", "install", "-e", "."), cwd=".")
    return Fix("install", "install the project", change.argv, change=change)


def _until(predicate, seconds: float = 10.0) -> None:
    """Wait for the progress thread to have drawn (what is checked is what it drew, not when)."""
    end = time.monotonic() + seconds
    while not predicate() and time.monotonic() < end:
        time.sleep(0.02)


def test_on_a_terminal_progress_is_one_live_line_cleared_at_the_end(monkeypatch):
    monkeypatch.setenv("HEAL_PROGRESS_AFTER", "0")
    monkeypatch.delenv("TERM", raising=False)
    stream = _Tty()
    with ui.Terminal(stream, interactive=True, colour=False).progress(_install_fix()) as progress:
        progress(b"Collecting pytest\r\nDownloading pytest-9.whl (411 kB)\r")
        _until(lambda: "Downloading pytest-9.whl" in stream.getvalue())
    out = stream.getvalue()
    assert "\n" not in out  # redrawn in place: never a new line
    assert "pip install: Downloading pytest-9.whl (411 kB)" in out and out.startswith("\r\x1b[K")
    assert out.endswith("\r\x1b[K")  # the line is cleared: the terminal is as it was


def test_without_a_terminal_progress_is_the_installer_lines(monkeypatch):
    monkeypatch.setenv("HEAL_PROGRESS_AFTER", "0")
    stream = io.StringIO()
    with ui.Terminal(stream, interactive=False, colour=False).progress(_install_fix()) as progress:
        progress(b"Collecting py")
        progress(b"test\nSuccessfully installed pytest-9.2.0\n")
    assert stream.getvalue().splitlines() == ["heal: | Collecting pytest", "heal: | Successfully installed pytest-9.2.0"]


def test_a_step_quicker_than_a_second_shows_nothing(monkeypatch):
    monkeypatch.setenv("HEAL_PROGRESS_AFTER", "3600")
    stream = io.StringIO()
    with ui.Terminal(stream, interactive=False, colour=False).progress(_install_fix()) as progress:
        progress(b"Successfully installed six\n")
    assert stream.getvalue() == ""


def test_quiet_and_json_progress(monkeypatch):
    monkeypatch.setenv("HEAL_PROGRESS_AFTER", "0")
    stream = io.StringIO()
    with ui.Quiet(stream).progress(_install_fix()) as progress:
        progress(b"Collecting pytest\n")
    assert stream.getvalue() == ""
    with ui.Json(stream).progress(_install_fix()) as progress:
        progress(b"Collecting pytest\n")
    import json

    event = json.loads(stream.getvalue())
    assert event["heal"] == "progress" and event["line"] == "Collecting pytest"


def test_the_runner_hands_heal_own_commands_output_to_on_output():
    seen: list[bytes] = []
    r = run(RunSpec(("sh", "-c", "echo one; echo two >&2; echo three"), passthrough=False, keep_stdout=True,
                    on_output=seen.append))
    assert r.exit_code == 0 and r.stdout == b"one\nthree\n"
    assert sorted(b"".join(seen).splitlines()) == [b"one", b"three", b"two"]


def test_an_on_output_that_raises_does_not_stop_the_run():
    def boom(data: bytes) -> None:
        raise RuntimeError("display gone")

    r = run(RunSpec(("sh", "-c", "echo one; sleep 0.1; echo two"), passthrough=False, keep_stdout=True,
                    on_output=boom))
    assert r.exit_code == 0 and r.stdout == b"one\ntwo\n"
