"""The migration cmdlets through the real runtime (ExecutionContext.invoke): placeholders reached by Veeam and short
names with any arguments and pipeline input give their specific ErrorRecord; server cmdlets return their objects."""

from __future__ import annotations

from typing import Any

import pytest

from vboshell import __version__
from vboshell.cmdlets import surface
from vboshell.cmdlets.placeholders import NOT_YET_IMPLEMENTED_ID, is_placeholder
from vboshell.commands import registry
from vboshell.runtime.errors import PSRuntimeError

pytest.importorskip("vboshell.runtime.evaluator")

from vboshell.runtime.context import BufferHost, ExecutionContext  # noqa: E402


@pytest.fixture
def ctx(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> ExecutionContext:
    monkeypatch.setenv("VBOSHELL_HOME", str(tmp_path / "home"))
    return ExecutionContext(BufferHost(), interactive=False, cwd=tmp_path)


def error_of(ctx: ExecutionContext, text: str) -> Any:
    with pytest.raises(PSRuntimeError) as info:
        ctx.invoke(text, raise_errors=True)
    return info.value.error_record


EXPECTED_ID = {
    surface.API_ONLY: "ApiOnlyModeNotSupported",
    surface.NOT_APPLICABLE: "NotApplicable",
    surface.PLANNED: NOT_YET_IMPLEMENTED_ID,
    surface.SUPPORTED: NOT_YET_IMPLEMENTED_ID,
}


def _placeholders() -> list[surface.SurfaceEntry]:
    return [e for e in surface.SURFACE.values() if is_placeholder(registry.lookup(e.name))]


@pytest.mark.parametrize("args", ["", " -Organization $null -Force", " 'positional' -Some:$true -Thing 1,2"])
def test_placeholders_accept_any_arguments(ctx: ExecutionContext, args: str) -> None:
    for e in _placeholders()[::7]:
        rec = error_of(ctx, e.name + args)
        assert rec.error_id == EXPECTED_ID[e.status], e.name
        if e.reason:
            assert e.reason in rec.message


def test_placeholders_by_short_name_and_pipeline(ctx: ExecutionContext) -> None:
    rec = error_of(ctx, "'proxy02' | Add-Proxy -Hostname proxy02 -Port 9193")
    assert rec.error_id == "NotApplicable" and "Add-Proxy (Add-VBOProxy)" in rec.message
    rec = error_of(ctx, "Get-RbacRole | Remove-RbacRole")
    assert rec.error_id == "NotApplicable" and "RBAC" in rec.message


def test_measure_full_backup_size(ctx: ExecutionContext) -> None:
    rec = error_of(ctx, "Measure-OrganizationFullBackupSize -Organization $null -Mailbox")
    assert rec.error_id == "ApiOnlyModeNotSupported"
    assert "Get-VBOOrganizationUsageEstimate" in rec.message


def test_version_server_and_proxy(ctx: ExecutionContext) -> None:
    assert ctx.invoke("(Get-VBOVersion).ProductVersion") == [__version__]
    assert ctx.invoke("Connect-VBOServer -Server localhost -Port 4443; (Get-VBOServer).IsConnected") == [True]
    assert ctx.invoke("Disconnect-VBOServer; (Get-Server).IsConnected") == [False]
    out = ctx.invoke("$p = Get-VBOProxy; $p.Type; (Get-Proxy -Id $p.Id).Hostname -eq $p.Hostname")
    assert out == ["Local", True]


def test_connect_to_a_remote_server_is_a_clear_error(ctx: ExecutionContext) -> None:
    rec = error_of(ctx, "Connect-VBOServer -Server vbo01.contoso.local")
    assert rec.error_id == "NotApplicable" and "keeps its own catalogue" in rec.message


def test_get_vbocommand_through_the_runtime(ctx: ExecutionContext) -> None:
    names = ctx.invoke("Get-VBOCommand -Noun Proxy* | ForEach-Object { $_.Name }")
    assert "Get-VBOProxy" in names and "Add-VBOProxyPool" in names
    assert ctx.invoke("(Get-VEXCommand).Count") == [22]
