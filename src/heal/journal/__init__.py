"""The change log and rollback: every change heal makes is recorded before it happens and can be undone."""

from heal.journal.blobs import BlobError, BlobStore
from heal.journal.changes import FileChange, GitRefChange, PackageChange
from heal.journal.errors import JournalError, Refused
from heal.journal.changeset import ChangeSet, ChangeSetInfo, Journal

__all__ = ["BlobError", "BlobStore", "ChangeSet", "ChangeSetInfo", "FileChange", "GitRefChange", "Journal", "JournalError",
           "PackageChange", "Refused", "open_journal"]


def open_journal() -> Journal:
    from heal.paths import state_dir

    return Journal(state_dir())
