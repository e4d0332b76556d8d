"""A checkpoint's blobs go into one pack (heal.journal.blobs.Batch): read back verified, found by every later
backup of the same bytes, repaired by it when damaged, and removed by `heal log prune` only once nothing names
any of them; an interrupted batch leaves nothing anything reads."""

from __future__ import annotations

import os

import pytest

from heal.journal import Journal
from heal.journal.blobs import BlobError, sha256


def _pack(j: Journal, blobs: list[bytes]) -> list[str]:
    with j.blobs.batch() as batch:
        digests = [batch.put(b) for b in blobs]
        batch.commit()
    return digests


def test_a_batch_is_one_pack_read_back_verified(tmp_path):
    j = Journal(str(tmp_path))
    digests = _pack(j, [b"one\n", b"two\n", b"one\n", b""])
    assert digests == [sha256(b) for b in (b"one\n", b"two\n", b"one\n", b"")]
    packs = os.listdir(os.path.join(j.blobs.directory, "packs"))
    assert sorted(p.rsplit(".", 1)[1] for p in packs) == ["idx", "pack"]
    assert not any(len(n) == 2 for n in os.listdir(j.blobs.directory))  # no loose blob was written
    fresh = Journal(str(tmp_path))  # another process: reads the index
    assert [fresh.blobs.get(d) for d in digests] == [b"one\n", b"two\n", b"one\n", b""]
    assert set(digests) <= set(fresh.blobs.all()) and fresh.blobs.size() > 0
    assert fresh.blobs.put(b"two\n") == digests[1] and not os.path.exists(fresh.blobs.path(digests[1]))


def test_a_blob_already_stored_is_not_packed_again(tmp_path):
    j = Journal(str(tmp_path))
    loose = j.blobs.put(b"kept loose\n")
    with j.blobs.batch() as batch:
        assert batch.put(b"kept loose\n") == loose
        batch.commit()
    assert not os.path.isdir(os.path.join(j.blobs.directory, "packs"))  # nothing new: no pack at all


def test_a_corrupt_packed_blob_is_named_then_repaired_by_the_next_backup(tmp_path):
    j = Journal(str(tmp_path))
    (digest,) = _pack(j, [b"precious bytes\n"])
    path, offset, length = j.blobs.locate(digest)
    os.chmod(path, 0o644)
    with open(path, "r+b") as fh:
        fh.seek(offset)
        fh.write(b"X")
    fresh = Journal(str(tmp_path))
    with pytest.raises(BlobError, match="corrupt"):
        fresh.blobs.get(digest)
    fresh.blobs.put(b"precious bytes\n")  # written loose, verified first
    assert Journal(str(tmp_path)).blobs.get(digest) == b"precious bytes\n"


def test_an_interrupted_batch_leaves_nothing_and_prune_removes_packs_without_an_index(tmp_path):
    j = Journal(str(tmp_path))
    with pytest.raises(RuntimeError):
        with j.blobs.batch() as batch:
            batch.put(b"half done\n")
            raise RuntimeError("killed")
    assert os.listdir(os.path.join(j.blobs.directory, "packs")) == []
    # a batch killed before its index: its pack is found by nothing, and pruned
    with open(os.path.join(j.blobs.directory, "packs", "x.pack"), "wb") as fh:
        fh.write(b"orphan")
    assert Journal(str(tmp_path)).blobs.check(sha256(b"orphan")) is not None
    j.prune(0)
    assert os.listdir(os.path.join(j.blobs.directory, "packs")) == []


def test_prune_keeps_a_pack_while_a_checkpoint_names_it(tmp_path):
    from heal.journal import checkpoint

    project = tmp_path / "project"
    project.mkdir()
    (project / "a.txt").write_text("a\n")
    (project / "b.txt").write_text("b\n")
    j = Journal(str(tmp_path / "home"))
    cp = checkpoint.create(j, str(project))
    assert j.prune(0) == (0, 0)
    assert checkpoint.validate(Journal(str(tmp_path / "home")), cp) == []
    os.unlink(os.path.join(j.state_dir, "checkpoints", cp["id"] + ".json"))
    assert j.prune(0) == (0, 2)
    assert os.listdir(os.path.join(j.blobs.directory, "packs")) == []
