"""Rule table for heal.diagnose.rules.git: real outputs, the command and exit status, and the rule that must win
(or must not). See table.py for the row kinds and where outputs come from."""

from __future__ import annotations

import pytest

from .table import Match, check, from_fixture, ids

ROWS = [
    # shared/benchmarks/thefuck_cases.jsonl case 15 (thefuck tests/rules/test_git_not_command.py), the whole
    # log_tail: git's suggestion without the tab git indents it with
    Match('git.not_a_command', "git: 'brnch' is not a git command. See 'git --help'.\n\nThe most similar command is\nbranch\n",
          argv=['git', 'brnch'], exit_code=None, category='syntax',
          facts={'tool': 'git', 'command': 'brnch', 'suggestion': 'branch'},
          source='shared/benchmarks/thefuck_cases.jsonl case 15 (thefuck tests/rules/test_git_not_command.py), the whole log_tail'),
    # captured here: git 2.39.5, git push --porcelain behind the remote
    Match('git.updates_rejected', (
        "error: failed to push some refs to '/tmp/heal-rt-g7excvyl/remote.git'\n"
        'hint: Updates were rejected because the remote contains work that you do\n'
        'hint: not have locally. This is usually caused by another repository pushing\n'
        'hint: to the same ref. You may want to first integrate the remote changes\n'
        "hint: (e.g., 'git pull ...') before pushing again.\n"
        "hint: See the 'Note about fast-forwards' in 'git push --help' for details.\n"
        'To /tmp/heal-rt-g7excvyl/remote.git\n'
        '!\trefs/heads/main:refs/heads/main\t[rejected] (fetch first)\n'
        'Done\n'
    ),
          argv=['git', '-C', 'a', 'push', '--porcelain', 'origin', 'main'], exit_code=1, category='deployment',
          facts={'tool': 'git'},
          source='captured here: git 2.39.5, git push --porcelain behind the remote'),
    from_fixture('git.updates_rejected', 'git.push_rejected', 'git-push-rejected-fetch-first'),
    # shared/benchmarks/thefuck_cases.jsonl case 41 (thefuck tests/rules/test_git_pull.py), log_tail lines 1-8
    Match('git.no_tracking_plain', (
        'There is no tracking information for the current branch.\n'
        'Please specify which branch you want to merge with.\n'
        'See git-pull(1) for details\n'
        '\n'
        '    git pull <remote> <branch>\n'
        '\n'
        'If you wish to set tracking information for this branch you can do so with:\n'
        '\n'
    ),
          argv=['git', 'pull'], exit_code=None, category='configuration',
          facts={'tool': 'git'},
          source='shared/benchmarks/thefuck_cases.jsonl case 41 (thefuck tests/rules/test_git_pull.py), log_tail lines 1-8'),
    from_fixture('git.no_tracking_plain', 'git.no_tracking', 'git-pull-no-tracking-information'),
    # shared/benchmarks/ci_logs.jsonl case 102, log_tail lines 44-57
    Match('git.publickey', (
        'and the repository exists.\n'
        "Clone of 'git@registry.example:SonarSource/ruling_java.git' into submodule path 'its/sources' failed\n"
        '\n'
        'The command "eval git submodule update" failed. Retrying, 3 of 3.\n'
        '\n'
        "Cloning into 'its/sources'...\n"
        "Warning: Permanently added the RSA host key for IP address '192.30.252.128' to the list of known hosts.\n"
        'Permission denied (publickey).\n'
        'fatal: Could not read from remote repository.\n'
        '\n'
        'Please make sure you have the correct access rights\n'
        'and the repository exists.\n'
        "Clone of 'git@registry.example:SonarSource/ruling_java.git' into submodule path 'its/sources' failed\n"
        '\n'
    ),
          argv=[], exit_code=None, category='permission',
          facts={'tool': 'git'},
          source='shared/benchmarks/ci_logs.jsonl case 102, log_tail lines 44-57'),
    from_fixture('git.publickey', 'git.auth_failed', 'git-fetch-http-authentication-failed'),
    # 'Permission denied' without (publickey)
    from_fixture('git.publickey', 'shell.permission_denied', 'shell-permission-denied-not-executable'),
    # captured here: git 2.39.5, merging an orphan branch
    Match('git.unrelated_histories', 'fatal: refusing to merge unrelated histories\n',
          argv=['git', 'merge', 'main'], exit_code=128, category='configuration',
          facts={'tool': 'git'},
          source='captured here: git 2.39.5, merging an orphan branch'),
    from_fixture('git.unrelated_histories', 'git.conflict', 'git-merge-conflict'),
]


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
def test_rule_table(row):
    check(row)
