"""Capture against the obvious model: keep everything, then slice."""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from heal.capture import Capture

chunks = st.lists(st.binary(max_size=9000) | st.binary(max_size=3), max_size=30)


@settings(max_examples=300, deadline=None)
@given(head=st.integers(0, 5000), tail=st.integers(0, 20000), pieces=chunks)
def test_head_tail_and_dropped_match_the_model(head, tail, pieces):
    cap = Capture(head, tail)
    for piece in pieces:
        cap.feed(piece)
    everything = b"".join(pieces)
    assert cap.head == everything[:head]
    rest = everything[head:]
    assert cap.tail == (rest[-tail:] if tail else b"")
    assert cap.total == len(everything)
    assert cap.dropped == len(everything) - len(cap.head) - len(cap.tail)


def test_memoryview_input_is_copied_not_referenced():
    buf = bytearray(b"x" * 10000)
    cap = Capture(10, 100)
    cap.feed(memoryview(buf))
    buf[:] = b"y" * 10000
    assert cap.tail == b"x" * 100


@settings(max_examples=200, deadline=None)
@given(head=st.integers(0, 5000), tail=st.integers(0, 20000), before=chunks, data=st.binary(max_size=60000),
       cut=st.integers(0, 60000), chunk=st.integers(1, 7000))
def test_feed_file_is_the_same_as_streaming_that_part(tmp_path_factory, head, tail, before, data, cut, chunk):
    # What the command wrote to a file heal handed it is read back from its starting offset: the result
    # must be what streaming those bytes after the live ones would have kept.
    path = tmp_path_factory.mktemp("f") / "out"
    path.write_bytes(data)
    start = min(cut, len(data))
    cap, model = Capture(head, tail), Capture(head, tail)
    for piece in before:
        cap.feed(piece)
        model.feed(piece)
    model.feed(data[start:])
    fd = os.open(path, os.O_RDONLY)
    try:
        cap.feed_file(fd, start, len(data), chunk=chunk)
    finally:
        os.close(fd)
    assert (cap.head, cap.tail, cap.total, cap.dropped) == (model.head, model.tail, model.total, model.dropped)
