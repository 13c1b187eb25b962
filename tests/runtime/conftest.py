"""Fixtures for the runtime tests: a fresh ExecutionContext on a recording host."""

from __future__ import annotations

import pytest

from vboshell.runtime.context import BufferHost, ExecutionContext


class Session:
    def __init__(self, tmp_path, interactive: bool = False, inputs: list[str] | None = None) -> None:
        self.host = BufferHost(inputs=inputs, interactive=interactive, width=120)
        self.ctx = ExecutionContext(self.host, interactive=interactive, cwd=tmp_path)

    def run(self, text: str) -> list:
        return self.ctx.invoke(text)

    def one(self, text: str):
        out = self.ctx.invoke(text, raise_errors=True)
        assert len(out) == 1, out
        return out[0]

    def err(self, text: str):
        """Run text expecting a terminating error; return its ErrorRecord."""
        from vboshell.runtime.errors import PSRuntimeError

        with pytest.raises(PSRuntimeError) as ei:
            self.ctx.invoke(text, raise_errors=True)
        return ei.value.error_record

    def last_error(self):
        return self.ctx.error_list[0] if self.ctx.error_list else None


@pytest.fixture
def ps(tmp_path, monkeypatch):
    monkeypatch.setenv("VBOSHELL_HOME", str(tmp_path / "home"))
    return Session(tmp_path)


@pytest.fixture
def make_session(tmp_path, monkeypatch):
    monkeypatch.setenv("VBOSHELL_HOME", str(tmp_path / "home"))

    def make(**kw):
        return Session(tmp_path, **kw)

    return make
