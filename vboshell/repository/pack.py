"""Pack files: blobs appended to a temporary file, sealed with a header and trailer, named by their SHA-256.
See docs/repository-format.md §5."""

from __future__ import annotations

import hashlib
import os
import struct
from dataclasses import dataclass
from pathlib import Path

from vboshell.repository.crypto import Keys
from vboshell.repository.errors import RepositoryCorruptError

MAGIC = b"VBOPACK1"
ENTRY = struct.Struct("<32sQII")  # chunk id, offset, length, raw length
TRAILER = struct.Struct("<I8s")  # header length, magic
TARGET_SIZE = 16 * 1024 * 1024


@dataclass(frozen=True)
class PackEntry:
    chunk_id: bytes
    offset: int
    length: int
    raw_length: int


def pack_name(pack_id: str) -> str:
    return f"data/{pack_id[:2]}/{pack_id}"


class PackWriter:
    """Accumulates blobs in tmp/<random>.pack; finish() writes the header, fsyncs and returns (pack id, path)."""

    def __init__(self, tmp_dir: Path, keys: Keys) -> None:
        tmp_dir.mkdir(parents=True, exist_ok=True)
        self.path = tmp_dir / f"{os.urandom(12).hex()}.pack"
        self._f = open(self.path, "xb", buffering=1024 * 1024)
        self._hash = hashlib.sha256()
        self._keys = keys
        self.entries: list[PackEntry] = []
        self.size = 0

    def add(self, chunk_id: bytes, blob: bytes, raw_length: int) -> PackEntry:
        e = PackEntry(chunk_id, self.size, len(blob), raw_length)
        self._f.write(blob)
        self._hash.update(blob)
        self.size += len(blob)
        self.entries.append(e)
        return e

    def finish(self) -> tuple[str, Path, int]:
        header = self._keys.seal_header(b"".join(ENTRY.pack(e.chunk_id, e.offset, e.length, e.raw_length) for e in self.entries))
        tail = header + TRAILER.pack(len(header), MAGIC)
        self._f.write(tail)
        self._hash.update(tail)
        self.size += len(tail)
        self._f.flush()
        os.fsync(self._f.fileno())
        self._f.close()
        return self._hash.hexdigest(), self.path, self.size

    def abort(self) -> None:
        try:
            self._f.close()
        finally:
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass


def parse_header(data_tail: bytes, pack_size: int, keys: Keys) -> list[PackEntry]:
    """Parse the header from the end of a pack (`data_tail` must hold at least header + trailer)."""
    if len(data_tail) < TRAILER.size:
        raise RepositoryCorruptError("pack too short for a trailer")
    hlen, magic = TRAILER.unpack(data_tail[-TRAILER.size :])
    if magic != MAGIC:
        raise RepositoryCorruptError("pack trailer magic is wrong")
    if hlen + TRAILER.size > len(data_tail) or hlen + TRAILER.size > pack_size:
        raise RepositoryCorruptError("pack header length is out of range")
    header = keys.open_header(data_tail[-TRAILER.size - hlen : -TRAILER.size])
    if len(header) % ENTRY.size:
        raise RepositoryCorruptError("pack header has a partial entry")
    out = [PackEntry(*ENTRY.unpack_from(header, i)) for i in range(0, len(header), ENTRY.size)]
    limit = pack_size - hlen - TRAILER.size
    for e in out:
        if e.offset + e.length > limit:
            raise RepositoryCorruptError(f"pack header entry for chunk {e.chunk_id.hex()} is out of range")
    return out
