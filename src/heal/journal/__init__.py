"""The change log and rollback: every change heal makes is recorded before it happens and can be undone."""

from __future__ import annotations

import sys

# Attribute -> the submodule that defines it. Imported on first use (PEP 562), not here: planning a fix builds
# a journal change (heal.journal.kinds) on every failure it can fix, and must not pay for applying one
# (heal.journal.changes), nor for the change set's json, datetime and hashlib, until something is applied.
_EXPORTS = {
    "BlobError": "blobs", "BlobStore": "blobs",
    "FileChange": "kinds", "GitRefChange": "kinds", "PackageChange": "kinds", "CommandChange": "kinds",
    "JournalError": "errors", "Refused": "errors",
    "ChangeSet": "changeset", "ChangeSetInfo": "changeset", "Journal": "changeset",
}

__all__ = ["BlobError", "BlobStore", "ChangeSet", "ChangeSetInfo", "CommandChange", "FileChange", "GitRefChange", "Journal",
           "JournalError", "PackageChange", "Refused", "open_journal"]


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'heal.journal' has no attribute {name!r}")
    path = f"heal.journal.{module}"
    __import__(path)  # not importlib: a clean interpreter has not loaded it
    return getattr(sys.modules[path], name)


def open_journal():  # -> Journal
    from heal.journal.changeset import Journal
    from heal.paths import state_dir

    return Journal(state_dir())
