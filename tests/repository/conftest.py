"""Shared helpers of the repository tests: deterministic data generators and a repository factory."""

from __future__ import annotations

import random

import pytest

from vboshell.repository import Repository


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


@pytest.fixture
def repo(tmp_path):
    r = Repository.init(tmp_path / "repo")
    yield r
    r.close()


@pytest.fixture
def enc_repo(tmp_path):
    r = Repository.init(tmp_path / "enc", key="correct horse battery staple")
    yield r
    r.close()
