"""Fixtures for the utility-cmdlet tests: run a script in a fresh session and get its console text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from vboshell.runtime.context import BufferHost, ExecutionContext


class Shell:
    """One session on a BufferHost rooted in a temporary directory."""

    def __init__(self, cwd: Path, width: int | None = None, inputs: list[str] | None = None) -> None:
        self.host = BufferHost(inputs=inputs, width=width)
        self.ctx = ExecutionContext(self.host, cwd=cwd)
        self.cwd = cwd

    def run(self, script: str) -> str:
        """Console text (output stream as Out-Default shows it, plus host writes) of `script`."""
        start = len(self.host.text)
        self.ctx.execute(script)
        return self.host.text[start:]

    def errors(self) -> str:
        return self.host.error_text

    def invoke(self, script: str) -> list[Any]:
        return self.ctx.invoke(script)


@pytest.fixture
def shell(tmp_path: Path) -> Shell:
    return Shell(tmp_path)


@pytest.fixture
def run(shell: Shell) -> Callable[[str], str]:
    return shell.run
