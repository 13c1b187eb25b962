"""Shared setup of the reliability and security suites: the small/full configuration switch and isolated homes.
Small configuration runs in the default suite; VBOSHELL_RELIABILITY=full (or `-m reliability_full`) runs everything."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def full_run(config: pytest.Config | None = None) -> bool:
    """True for the full configuration (env var, or a -m expression naming reliability_full)."""
    import sys

    if os.environ.get("VBOSHELL_RELIABILITY", "").lower() == "full":
        return True
    if any("reliability_full" in a for a in sys.argv):
        return True
    if config is not None and "reliability_full" in (config.getoption("markexpr", "") or ""):
        return True
    return False


FULL = full_run()


def pick(small: int, full: int) -> int:
    """A size for the current configuration."""
    return full if FULL else small


def pytest_configure(config: pytest.Config) -> None:
    global FULL
    FULL = full_run(config)


@pytest.hookimpl(tryfirst=True)  # before -m deselects: `-m reliability_full` selects the whole suite, full size
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_full = pytest.mark.skip(reason="full reliability configuration only (VBOSHELL_RELIABILITY=full or -m reliability_full)")
    for item in items:
        if HERE not in Path(str(item.fspath)).resolve().parents:
            continue
        item.add_marker(pytest.mark.reliability)
        if FULL:
            item.add_marker(pytest.mark.reliability_full)
        elif item.get_closest_marker("reliability_full"):
            item.add_marker(skip_full)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private VBOSHELL_HOME (no master key from the environment)."""
    h = tmp_path / "home"
    monkeypatch.setenv("VBOSHELL_HOME", str(h))
    monkeypatch.delenv("VBOSHELL_MASTER_KEY", raising=False)
    yield h


def child_env(home: Path, **extra: str) -> dict[str, str]:
    """Environment for a vboshell subprocess using `home`."""
    env = {k: v for k, v in os.environ.items() if k not in ("VBOSHELL_MASTER_KEY", "PYTEST_CURRENT_TEST")}
    env.update({"VBOSHELL_HOME": str(home), "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "COLUMNS": "200"})
    env.update(extra)
    return env


def vboshell_exe() -> str:
    import shutil
    import sys

    exe = Path(sys.executable).parent / "vboshell"
    return str(exe) if exe.exists() else (shutil.which("vboshell") or "vboshell")


@contextmanager
def sandbox_home(base: Path, spec: str, seed: int, **start: Any) -> Iterator[Any]:
    """A sandbox tenant started with `start` options while VBOSHELL_HOME is base/home (module-scoped fixtures
    cannot use monkeypatch); afterwards shared Graph clients are closed, the sandbox stops and VBOSHELL_HOME is
    restored."""
    from vboshell.graph.sync import close_all
    from vboshell.sandbox import Sandbox

    saved = os.environ.get("VBOSHELL_HOME")
    os.environ["VBOSHELL_HOME"] = str(base / "home")
    sb = Sandbox(spec, seed=seed).start(**start)
    try:
        yield sb
    finally:
        close_all()
        sb.stop()
        if saved is None:
            os.environ.pop("VBOSHELL_HOME", None)
        else:
            os.environ["VBOSHELL_HOME"] = saved
