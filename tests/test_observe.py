"""How heal reads an agent's command lines: which are read-only, which command does the work, and its
(program, subcommand) key, which says when a failed command succeeded."""

from __future__ import annotations

import pytest

from heal.integrations.observe import command_key, is_read_only, simple_commands


@pytest.mark.parametrize("command, key", [
    ("python3 app.py", ("python", "app.py")),
    (".venv/bin/python app.py", ("python", "app.py")),
    ("python3.11 -m pytest -x tests/", ("python", "-m pytest")),
    ("pytest -x tests/test_a.py", ("pytest", "")),
    ("cd src && npm test", ("npm", "test")),
    ("FOO=1 sudo -E make build 2>&1 | tail -20", ("make", "build")),
    ("git push origin main", ("git", "push")),
    ("git status && git diff", ("git", "diff")),
    ("cargo build --release > log.txt", ("cargo", "build")),
    ("ls -la", ("ls", "")),
    ("echo 'unclosed", ("echo", "")),
])
def test_command_key(command, key):
    assert command_key(command) == key


@pytest.mark.parametrize("words, read_only", [
    (["ls", "-la"], True), (["cat", "a.py"], True), (["git", "status"], True), (["git", "diff", "HEAD"], True),
    (["git", "log", "-3"], True), (["pip", "list"], True), (["python", "-m", "pip", "show", "x"], True),
    (["npm", "ls"], True), (["python3", "--version"], True), (["sed", "-n", "1,5p", "f"], True),
    (["pwd"], True), (["echo", "hi"], True),
    (["pip", "install", "x"], False), (["python", "-m", "pip", "install", "x"], False),
    (["git", "commit", "-m", "x"], False), (["sed", "-i", "s/a/b/", "f"], False), (["npm", "install"], False),
    (["make"], False), (["python3", "app.py"], False),
])
def test_read_only(words, read_only):
    assert is_read_only(words) is read_only


def test_simple_commands_split_operators_and_drop_redirections():
    assert simple_commands("cd x && VAR=1 pip install -r req.txt > out.log 2>&1; ls | wc -l") == [
        ["cd", "x"], ["pip", "install", "-r", "req.txt"], ["ls"], ["wc", "-l"]]
