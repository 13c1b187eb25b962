"""Streaming helpers for restores and exports: repository content as a forward-seekable reader (for upload
sessions), copying with progress, and memory-bounded writes; nothing ever holds a whole file in memory."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import IO, Any

COPY_CHUNK = 1024 * 1024


class ContentReader(io.RawIOBase):
    """Read-only, seekable view of one item version's content. Forward seeks skip; a backward seek reopens the
    content from the start (rare: only when an upload session asks to resend a fragment)."""

    def __init__(self, opener: Callable[[], IO[bytes]], size: int) -> None:
        self._opener = opener
        self._size = size
        self._f: IO[bytes] | None = None
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def _stream(self) -> IO[bytes]:
        if self._f is None:
            self._f = self._opener()
            self._at = 0
        return self._f

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_CUR:
            offset += self._pos
        elif whence == io.SEEK_END:
            offset += self._size
        self._pos = max(0, offset)
        return self._pos

    def readinto(self, b: Any) -> int:  # type: ignore[override]
        f = self._stream()
        if self._pos < self._at:
            f.close()
            self._f = None
            f = self._stream()
        while self._at < self._pos:
            skipped = f.read(min(COPY_CHUNK, self._pos - self._at))
            if not skipped:
                return 0
            self._at += len(skipped)
        data = f.read(len(b))
        n = len(data)
        b[:n] = data
        self._at += n
        self._pos += n
        return n

    def close(self) -> None:
        if self._f is not None:
            self._f.close()
            self._f = None
        super().close()


def copy_stream(src: IO[bytes], dst: IO[bytes], progress: Callable[[int], None] | None = None) -> int:
    """Copy in 1 MiB chunks; `progress(n)` after each chunk; returns bytes copied."""
    total = 0
    while True:
        chunk = src.read(COPY_CHUNK)
        if not chunk:
            return total
        dst.write(chunk)
        total += len(chunk)
        if progress is not None:
            progress(len(chunk))
