"""Capture against the obvious model: keep everything, then slice."""

from __future__ import annotations

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
