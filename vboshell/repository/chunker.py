"""Content-defined chunking of item content (FastCDC 2020 via pyfastcdc) from bytes, iterables or file objects.
Memory use is bounded by a few maximum-size chunks whatever the size of the content."""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterable, Iterator
from typing import BinaryIO, Union

from pyfastcdc import FastCDC

MIN_SIZE = 256 * 1024
AVG_SIZE = 512 * 1024
MAX_SIZE = 4 * 1024 * 1024

Content = Union[bytes, bytearray, memoryview, str, Iterable[bytes], BinaryIO, None]


class IterableReader(io.RawIOBase):
    """A readable raw stream over an iterable of byte strings."""

    def __init__(self, parts: Iterable[bytes]) -> None:
        self._it = iter(parts)
        self._buf = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[override]
        while not self._buf:
            try:
                nxt = next(self._it)
            except StopIteration:
                return 0
            if isinstance(nxt, str):
                nxt = nxt.encode("utf-8")
            self._buf = memoryview(nxt)
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


def iter_chunks(content: Content) -> Iterator[bytes]:
    """Cut `content` into chunks. Small byte strings (< MIN_SIZE) are one chunk; empty content is none."""
    if content is None:
        return
    if isinstance(content, str):
        content = content.encode("utf-8")
    if isinstance(content, (bytes, bytearray, memoryview)):
        if len(content) == 0:
            return
        if len(content) <= MIN_SIZE:
            yield bytes(content)
            return
        cdc = FastCDC(AVG_SIZE, min_size=MIN_SIZE, max_size=MAX_SIZE, normalized_chunking=1)
        for ch in cdc.cut_buf(content):
            yield bytes(ch.data)
        return
    if not hasattr(content, "read"):
        # most items (mail, small files) arrive as a few byte strings smaller than one chunk: join them instead
        # of starting the streaming chunker, whose buffers are sized for the largest chunk
        it = iter(content)  # type: ignore[arg-type]
        head: list[bytes] = []
        n = 0
        for part in it:
            if isinstance(part, str):
                part = part.encode("utf-8")
            head.append(part)
            n += len(part)
            if n > MIN_SIZE:
                break
        else:
            if n:
                yield b"".join(head)
            return
        content = itertools.chain(head, it)
    stream = content if hasattr(content, "read") else IterableReader(content)  # type: ignore[arg-type]
    cdc = FastCDC(AVG_SIZE, min_size=MIN_SIZE, max_size=MAX_SIZE, normalized_chunking=1)
    for ch in cdc.cut_stream(stream):
        # .data is only valid until the next chunk is produced: copy it
        yield bytes(ch.data)
