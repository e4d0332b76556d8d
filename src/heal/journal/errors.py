"""The journal's one-line, user-facing errors, each with the exit status the CLI gives it."""

from __future__ import annotations


class JournalError(Exception):
    """A one-line journal problem (unknown id, damaged entry, ...): a usage-like error, exit status 2."""

    exit_code = 2


class Refused(JournalError):
    """heal will not do it as asked (a conflict, a backup it cannot vouch for, an installer still running):
    exit status 1, as for a refused confirmation."""

    exit_code = 1
