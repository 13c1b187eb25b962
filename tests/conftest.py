"""Shared pytest fixtures: the sandbox tenant (one per test session / xdist worker) and a fresh one per test.
See vboshell/sandbox/__init__.py for the handle's API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

SMALL_SPEC: dict[str, Any] = {"mail": {"largeMessages": 1}, "onedrive": {"largeFiles": 1}}


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Any]:
    """A running sandbox tenant (default spec, seed 42) shared by the session; faults/throttle reset after each use."""
    from vboshell.sandbox import Sandbox
    sb = Sandbox(SMALL_SPEC, seed=42).start()
    try:
        yield sb
    finally:
        sb.stop()


@pytest.fixture(autouse=True)
def _sandbox_hygiene(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "sandbox" in request.fixturenames:
        sb = request.getfixturevalue("sandbox")
        if sb.running:
            sb.reset_faults()
            sb.reset_throttle()


@pytest.fixture
def fresh_sandbox() -> Iterator[Any]:
    """A sandbox tenant of its own for one test (isolated content, counters and settings)."""
    from vboshell.sandbox import Sandbox
    sb = Sandbox(SMALL_SPEC, seed=42).start()
    try:
        yield sb
    finally:
        sb.stop()
