"""The journal's one-line errors (defined with heal's others in heal.errors)."""

from heal.errors import JournalError, Refused

__all__ = ["JournalError", "Refused"]
