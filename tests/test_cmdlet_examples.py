"""Runs every registered cmdlet's help examples (setup + code) in a fresh session: no error may be displayed,
and an example's `expect` text must appear in its formatted output. Sandbox examples need a connected context."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vboshell.commands.base import Example
from vboshell.commands.registry import all_cmdlets
from vboshell.runtime.context import BufferHost, ExecutionContext

SANDBOX_FIXTURES = ("sandbox_org_context", "sandbox_context")


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Examples write to $HOME (Export-VEXItem -To (Join-Path $HOME ...), Start-Transcript) and, without a sandbox,
    to the default catalogue: give each test its own HOME and VBOSHELL_HOME (sandbox_context sets its own)."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))
    monkeypatch.setenv("VBOSHELL_HOME", str(tmp_path / "vboshell-home"))


def _cases() -> list[Any]:
    cases = []
    for cls in all_cmdlets():
        for i, ex in enumerate(cls.examples, 1):
            marks = []
            cases.append(pytest.param(cls.name, ex, id=f"{cls.name}-{i}", marks=marks))
    return cases


def _sandbox_context(request: pytest.FixtureRequest) -> Any:
    """The connected session the sandbox team provides (an ExecutionContext, or a factory of one); None if absent."""
    for name in SANDBOX_FIXTURES:
        try:
            value = request.getfixturevalue(name)
        except pytest.FixtureLookupError:
            continue
        return value() if callable(value) and not isinstance(value, ExecutionContext) else value
    return None


@pytest.mark.parametrize("cmdlet,example", _cases())
def test_example_runs(cmdlet: str, example: Example, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    if example.needs_sandbox:
        ctx = _sandbox_context(request)
        if ctx is None:
            pytest.skip(f"needs a sandbox session fixture ({' or '.join(SANDBOX_FIXTURES)}) from tests/conftest.py")
        host = ctx.host
        if example.inputs and hasattr(host, "inputs"):
            host.inputs = list(example.inputs)
    else:
        host = BufferHost(inputs=list(example.inputs), width=None)
        ctx = ExecutionContext(host, cwd=tmp_path)
    start_out = len(host.text) if hasattr(host, "text") else 0
    start_err = len(host.error_text) if hasattr(host, "error_text") else 0
    if example.setup:
        ctx.execute(example.setup)
    ctx.execute(example.code)
    errors = host.error_text[start_err:] if hasattr(host, "error_text") else ""
    assert errors == "", f"{cmdlet} example {example.code!r} displayed an error:\n{errors}"
    if example.expect is not None:
        out = host.text[start_out:] if hasattr(host, "text") else ""
        assert example.expect in out, f"{cmdlet} example {example.code!r}: {example.expect!r} not in output:\n{out}"


def test_every_builtin_cmdlet_has_help_and_an_example() -> None:
    missing = []
    for cls in all_cmdlets():
        if not cls.__module__.startswith("vboshell.builtins"):
            continue
        if not cls.synopsis or not cls.description or not cls.examples:
            missing.append(cls.name)
    assert missing == []
