"""Odd parameter values and pipeline input never make a utility cmdlet fail with an internal error."""

from __future__ import annotations

from pathlib import Path

import pytest

from vboshell.commands.registry import all_cmdlets
from vboshell.runtime.context import BufferHost, ExecutionContext

VALUES = ["$null", "''", "@{}", "@(1,'a',$null)", "(Get-Date)", "{ $_ }", "'*'"]
SKIP = {"Start-Sleep", "Read-Host", "Get-Credential", "Clear-Host", "Start-Transcript", "Stop-Transcript",
        "Remove-Item", "Set-Location", "Move-Item", "Rename-Item", "Copy-Item", "Invoke-Expression",
        "Remove-Variable", "Get-Process"}


def _builtins() -> list[str]:
    return sorted(c.name for c in all_cmdlets() if c.__module__.startswith("vboshell.builtins") and c.name not in SKIP)


@pytest.mark.parametrize("name", _builtins())
def test_no_internal_errors(name: str, tmp_path: Path) -> None:
    from vboshell.commands.registry import lookup

    cls = lookup(name)
    assert cls is not None
    host = BufferHost()
    ctx = ExecutionContext(host, cwd=tmp_path)
    for p in cls.parameters:
        if p.dont_show:
            continue
        for v in VALUES:
            arg = f"-{p.name}" if p.is_switch else f"-{p.name} {v}"
            ctx.execute(f"{v} | {name} {arg}")
    assert "Internal error" not in host.error_text
