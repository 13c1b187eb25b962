"""Shared pytest fixtures: the sandbox tenant (one per test session / xdist worker) and a fresh one per test.
See vboshell/sandbox/__init__.py for the handle's API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

SMALL_SPEC: dict[str, Any] = {"mail": {"largeMessages": 1}, "onedrive": {"largeFiles": 1}}


def pytest_configure(config: pytest.Config) -> None:
    """The suite never touches the user's real home: HOME (Start-Transcript's ~/Documents, ~ paths) and
    VBOSHELL_HOME (catalogue, master key, history) point into a private temporary folder for the whole run."""
    import os
    import tempfile

    base = tempfile.mkdtemp(prefix="vboshell-tests-")
    os.environ["HOME"] = os.path.join(base, "home")
    os.makedirs(os.environ["HOME"], mode=0o700, exist_ok=True)
    os.environ["VBOSHELL_HOME"] = os.path.join(base, "vboshell-home")


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


@pytest.fixture(scope="session")
def _sandbox_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One VBOSHELL_HOME per test session for shell sessions that use Start-VBOSandbox."""
    home = str(tmp_path_factory.mktemp("vboshell-home"))
    yield home
    from vboshell.cmdlets.sandbox import stop_sandboxes
    stop_sandboxes()


@pytest.fixture
def sandbox_context(_sandbox_home: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A fresh shell session (ExecutionContext with a BufferHost) whose VBOSHELL_HOME is the session's, so
    `Start-VBOSandbox` in examples reuses running sandboxes and one configuration catalogue."""
    monkeypatch.setenv("VBOSHELL_HOME", _sandbox_home)
    from vboshell.runtime.context import BufferHost, ExecutionContext
    return ExecutionContext(BufferHost(width=None), cwd=tmp_path)
