"""Bounded capture of a command's combined output: the first bytes and the last bytes, never the whole."""

from __future__ import annotations

import os
from _collections import deque  # collections/__init__ imports much more, for nothing the fast path uses

# Pieces below this are coalesced, so a byte-at-a-time stream doesn't become a million objects; a pty
# delivers up to 4095 bytes a read, which is kept as is.
_SMALL = 1024
_BLOCK = 64 * 1024


class Capture:
    """Keeps the first `head_limit` and last `tail_limit` bytes fed to it, and counts the rest.

    The tail keeps the chunks it is given (bytes are immutable, so keeping one is free) and lets the
    oldest go once the rest already covers tail_limit: streaming through costs no copy, and memory
    stays under head_limit + tail_limit + one chunk.
    """

    __slots__ = ("head_limit", "tail_limit", "_head", "_chunks", "_size", "_small", "total")

    def __init__(self, head_limit: int = 64 * 1024, tail_limit: int = 1024 * 1024) -> None:
        self.head_limit = max(0, head_limit)
        self.tail_limit = max(0, tail_limit)
        self._head = bytearray()
        self._chunks: deque[bytes] = deque()
        self._size = 0  # bytes in _chunks and _small
        self._small = bytearray()
        self.total = 0

    def feed(self, data: bytes) -> None:
        n = len(data)
        self.total += n
        room = self.head_limit - len(self._head)
        if room > 0:
            self._head += data[:room]
            if n <= room:
                return
            data = data[room:]
            n -= room
        if not self.tail_limit:
            return
        self._size += n
        if n < _SMALL:
            self._small += data
            if len(self._small) < _BLOCK:
                return
            data = bytes(self._small)
            self._small.clear()
        elif self._small:
            self._chunks.append(bytes(self._small))
            self._small.clear()
        self._chunks.append(data if isinstance(data, bytes) else bytes(data))
        chunks = self._chunks
        while chunks and self._size - len(chunks[0]) >= self.tail_limit:
            self._size -= len(chunks.popleft())

    def feed_file(self, fd: int, start: int, end: int, chunk: int = 1024 * 1024) -> None:
        """Feed bytes [start, end) of a file as if they were streamed, reading only what would be kept:
        a 10 GB log costs its head and tail."""
        pos = start
        head_end = min(end, start + max(0, self.head_limit - len(self._head)))
        while pos < end:
            if pos >= head_end and end - pos > self.tail_limit:
                skip = end - self.tail_limit - pos  # the tail would let these go anyway
                self.total += skip
                pos += skip
                continue
            data = os.pread(fd, min(chunk, end - pos), pos)
            if not data:
                return  # the file got shorter meanwhile
            self.feed(data)
            pos += len(data)

    @property
    def head(self) -> bytes:
        return bytes(self._head)

    @property
    def tail(self) -> bytes:
        if not self.tail_limit:
            return b""
        data = b"".join(self._chunks) + self._small
        return data[-self.tail_limit :]

    @property
    def dropped(self) -> int:
        return self.total - len(self._head) - min(self._size, self.tail_limit)


def read_bounded(stream, head_limit: int = 64 * 1024, tail_limit: int = 1024 * 1024,
                 chunk: int = 1024 * 1024) -> Capture:
    """Capture a file object (binary) the way a run is captured: a 100 MB log costs 1 MiB of memory."""
    cap = Capture(head_limit, tail_limit)
    while True:
        data = stream.read(chunk)
        if not data:
            return cap
        cap.feed(data)
