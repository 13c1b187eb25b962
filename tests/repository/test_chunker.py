"""The chunker cuts the same bytes into the same chunks whatever form the content arrives in (bytes, a list of
parts as downloads deliver them, a file object), so deduplication does not depend on how an item was read."""

from __future__ import annotations

import io
import random

import pytest

from vboshell.repository.chunker import MAX_SIZE, MIN_SIZE, iter_chunks


def _parts(data: bytes, size: int) -> list[bytes]:
    return [data[i:i + size] for i in range(0, len(data), size)]


@pytest.mark.parametrize("length", [0, 1, 5_000, MIN_SIZE - 1, MIN_SIZE, MIN_SIZE + 1, 3 * 1024 * 1024 + 17])
def test_same_chunks_from_bytes_parts_and_files(length: int) -> None:
    data = random.Random(length).randbytes(length)
    from_bytes = list(iter_chunks(data))
    assert b"".join(from_bytes) == data
    assert all(len(c) <= MAX_SIZE for c in from_bytes)
    for size in (1000, 65536, 1 << 20):
        assert list(iter_chunks(_parts(data, size))) == from_bytes
        assert list(iter_chunks(iter(_parts(data, size)))) == from_bytes  # a one-shot generator
    assert list(iter_chunks(io.BytesIO(data))) == from_bytes


def test_text_parts_and_empty_parts() -> None:
    assert list(iter_chunks(["héllo", b"", " world"])) == ["héllo world".encode()]
    assert list(iter_chunks([b"", b""])) == []
    assert list(iter_chunks(None)) == []
