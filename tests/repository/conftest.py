"""Shared fixtures of the repository tests: a fresh repository, plain or encrypted."""

from __future__ import annotations

import pytest

from vboshell.repository import Repository


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
