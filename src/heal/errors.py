"""heal's own one-line errors, each with the exit status it ends a subcommand with.

Stdlib-free and tiny: the fast path imports it (a bad `heal [OPTIONS] -- CMD` is a UsageError). Where a
command has run, these never change its exit status: they are said in one line and healing stops.
"""

from __future__ import annotations


class HealError(Exception):
    """A problem heal reports in one line (str() is the line); `exit_code` is what a subcommand exits with."""

    exit_code = 2


class UsageError(HealError):
    """A bad command line."""


class ConfigError(HealError):
    """A configuration file is unreadable or holds a bad value."""


class PlaybookError(HealError):
    """A malformed playbook: it alone is skipped."""


class SafetyError(HealError):
    """A change heal must never make (outside the project, inside an environment or .git, a shared inode)."""

    exit_code = 1


class JournalError(HealError):
    """The change log cannot do what was asked (unknown id, damaged entry...)."""


class Refused(JournalError):
    """heal will not do it as asked (a conflict, a backup it cannot vouch for, an installer still running)."""

    exit_code = 1


class GitError(HealError):
    """git could not answer (not a repository, no branch, a failed command)."""


class OutputError(OSError):
    """Writing heal's own output failed (a full disk under `heal log > out`, a closed pipe): not the journal's or
    the project's error, so a subcommand that turns its OSErrors into a refusal passes this one on, and heal
    says it as for every subcommand (exit 74, "writing heal's output")."""

