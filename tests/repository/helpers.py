"""Deterministic data generators for the repository tests."""

from __future__ import annotations

import random


def gen_bytes(seed: int, size: int) -> bytes:
    return random.Random(seed).randbytes(size)


def gen_stream(seed: int, size: int, block: int = 1 << 20):
    """An iterable of pseudo-random blocks totalling `size` bytes (never all in memory)."""
    r = random.Random(seed)
    left = size
    while left > 0:
        n = min(block, left)
        yield r.randbytes(n)
        left -= n
