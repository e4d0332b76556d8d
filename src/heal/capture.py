"""Bounded capture of a command's combined output: the first bytes and the last bytes, never the whole."""

from __future__ import annotations


class Capture:
    """Keeps the first `head_limit` and last `tail_limit` bytes fed to it, and counts the rest.

    Memory stays under head_limit + 2 * tail_limit whatever the output size: the tail buffer is
    trimmed only once it is twice its limit, so trimming costs O(1) amortised per byte.
    """

    __slots__ = ("head_limit", "tail_limit", "_head", "_tail", "total")

    def __init__(self, head_limit: int = 64 * 1024, tail_limit: int = 1024 * 1024) -> None:
        self.head_limit = max(0, head_limit)
        self.tail_limit = max(0, tail_limit)
        self._head = bytearray()
        self._tail = bytearray()
        self.total = 0

    def feed(self, data: bytes) -> None:
        self.total += len(data)
        room = self.head_limit - len(self._head)
        if room > 0:
            self._head += data[:room]
            if len(data) <= room:
                return
            data = data[room:]
        if not self.tail_limit:
            return
        if len(data) >= self.tail_limit:
            self._tail[:] = data[-self.tail_limit :]
            return
        self._tail += data
        if len(self._tail) > 2 * self.tail_limit:
            del self._tail[: len(self._tail) - self.tail_limit]

    @property
    def head(self) -> bytes:
        return bytes(self._head)

    @property
    def tail(self) -> bytes:
        return bytes(self._tail[-self.tail_limit :]) if self.tail_limit else b""

    @property
    def dropped(self) -> int:
        return self.total - len(self._head) - len(self.tail)
