"""The whole Veeam cmdlet surface is known: every reference name resolves, and placeholders raise specific errors.
Also covers the catalogue's consistency and the short-name rules (Veeam's short names, Get-Command stays PowerShell's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from vboshell.cmdlets import surface
from vboshell.cmdlets.placeholders import NOT_YET_IMPLEMENTED_ID, is_placeholder, placeholder_error
from vboshell.commands import registry
from vboshell.runtime.errors import API_ONLY_ERROR_ID, CmdletError

HERE = Path(__file__).parent


def _reference_names() -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {"vbo": [], "explorers": []}
    current = ""
    for line in (HERE / "reference_names.txt").read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = line[1:].split("]")[0]
            continue
        groups[current].append(line.strip())
    return groups


REF = _reference_names()
ALL_REF = REF["vbo"] + REF["explorers"]
EXPECTED_ID = {
    surface.API_ONLY: API_ONLY_ERROR_ID,
    surface.NOT_APPLICABLE: "NotApplicable",
    surface.PLANNED: NOT_YET_IMPLEMENTED_ID,
    surface.SUPPORTED: NOT_YET_IMPLEMENTED_ID,
}


def test_reference_lists_have_209_and_83_names() -> None:
    assert len(REF["vbo"]) == 209
    assert len(REF["explorers"]) == 83
    assert len(set(ALL_REF)) == 292


def test_catalogue_covers_every_reference_name() -> None:
    missing = [n for n in ALL_REF if n.lower() not in surface.SURFACE]
    assert missing == []
    for n in REF["explorers"]:
        assert surface.SURFACE[n.lower()].module in surface.VEEAM_MODULES[1:]


def test_catalogue_entries_are_well_formed() -> None:
    for e in surface.SURFACE.values():
        assert e.status in surface.STATUSES, e
        assert e.module in surface.VEEAM_MODULES, e
        if e.status in (surface.API_ONLY, surface.NOT_APPLICABLE):
            assert e.reason.strip().endswith("."), e.name
        if e.status == surface.SUPPORTED:
            assert e.issue is not None, e.name


@pytest.mark.parametrize("name", ALL_REF)
def test_every_reference_name_resolves(name: str) -> None:
    cls = registry.lookup(name)
    assert cls is not None, f"{name}: the term is not recognized"
    assert cls.name.lower() == name.lower()
    short = surface.short_name_of(name)
    if short and is_placeholder(cls):
        # a placeholder takes the short name unless another cmdlet already owns it
        owner = registry.lookup(short)
        assert owner is not None


def test_short_names_resolve_to_the_same_cmdlet() -> None:
    # spot checks from the mission statement
    for veeam, short in [
        ("Add-VBOOrganization", "Add-Organization"),
        ("Start-VBOJob", "Start-Job"),
        ("Measure-VBOOrganizationFullBackupSize", "Measure-OrganizationFullBackupSize"),
        ("Start-VBOExchangeItemRestoreSession", "Start-ExchangeItemRestoreSession"),
        ("Get-VBOProxy", "Get-Proxy"),
        ("Connect-VBOServer", "Connect-Server"),
    ]:
        assert registry.lookup(veeam) is registry.lookup(short), (veeam, short)


def test_get_command_stays_powershells() -> None:
    assert registry.lookup("Get-VBOCommand").short_name is False
    owner = registry.lookup("Get-Command")
    assert owner is None or owner.name == "Get-Command"


def test_explorer_names_get_no_short_name() -> None:
    assert surface.short_name_of("Get-VEXItem") is None
    assert registry.lookup("Get-Item") is None or registry.lookup("Get-Item").name != "Get-VEXItem"


class _Runtime:
    stopping = False

    def __getattr__(self, name: str):  # write_object, write_warning, ...: swallow
        return lambda *a, **k: None


def _invoke_placeholder(name: str) -> CmdletError:
    cls = registry.lookup(name)
    assert cls is not None and is_placeholder(cls)
    cmd = cls()
    cmd.invocation_name = name
    with pytest.raises(CmdletError) as info:
        cmd.begin_processing()
    return info.value


def _invoke(name: str) -> CmdletError:
    """Invoke whatever answers to `name` (a placeholder or the real cmdlet) without arguments."""
    cls = registry.lookup(name)
    assert cls is not None
    cmd = cls()
    cmd.invocation_name = name
    cmd._runtime = _Runtime()
    with pytest.raises(CmdletError) as info:
        cmd.begin_processing()
        cmd.process_record()
        cmd.end_processing()
    return info.value


def test_every_placeholder_raises_its_specific_error() -> None:
    checked = 0
    for e in surface.SURFACE.values():
        cls = registry.lookup(e.name)
        if not is_placeholder(cls):
            continue
        err = _invoke_placeholder(e.name)
        rec = err.error_record
        assert rec.error_id == EXPECTED_ID[e.status], e.name
        assert rec.category.value == "NotImplemented"
        assert e.name in rec.message
        if e.reason:
            assert e.reason in rec.message, e.name
        if e.status == surface.API_ONLY:
            assert "not supported in API-only mode" in rec.message
        if e.status == surface.NOT_APPLICABLE:
            assert "not applicable in vboshell" in rec.message
        checked += 1
    assert checked > 50


def test_measure_full_backup_size_points_to_the_usage_estimate() -> None:
    rec = _invoke("Measure-OrganizationFullBackupSize").error_record  # placeholder or the organizations cmdlet
    assert rec.error_id == "ApiOnlyModeNotSupported"
    assert "not supported in API-only mode" in rec.message
    assert "Get-VBOOrganizationUsageEstimate" in rec.message
    rec = placeholder_error(surface.entry("Measure-VBOOrganizationFullBackupSize"),
                            "Measure-OrganizationFullBackupSize").error_record
    assert rec.message.startswith("Measure-OrganizationFullBackupSize (Measure-VBOOrganizationFullBackupSize) is not "
                                  "supported in API-only mode.")


@pytest.mark.parametrize("name", ["New-VBOOffice365ConnectionSettings", "Set-VBOOffice365ConnectionSettings",
                                  "New-VBOBackupAccount", "Measure-VBOOrganizationFullBackupSize"])
def test_api_only_cmdlets_fail_with_api_only_error(name: str) -> None:
    rec = _invoke(name).error_record
    assert rec.error_id == API_ONLY_ERROR_ID and "not supported in API-only mode" in rec.message


@pytest.mark.parametrize("name, words", [
    ("Add-VBOProxy", "no separate backup proxies"),
    ("Get-VBOProxyPool", "Proxy pools"),
    ("Add-VBORbacRole", "Restore operators (RBAC)"),
    ("Set-VBORestorePortalSettings", "Restore Portal"),
    ("Install-VBOLicense", "open source"),
    ("New-VBOOnPremConnectionSettings", "on-premises Exchange and SharePoint"),
])
def test_not_applicable_reasons(name: str, words: str) -> None:
    rec = _invoke(name).error_record
    assert rec.error_id == "NotApplicable"
    assert words in rec.message


def test_legacy_connection_settings_are_api_only() -> None:
    e = surface.entry("New-VBOOffice365ConnectionSettings")
    rec = placeholder_error(e).error_record
    assert rec.error_id == API_ONLY_ERROR_ID
    assert "New-VBOOffice365ApplicationOnlyConnectionSettings" in rec.message


def test_not_yet_implemented_names_the_area() -> None:
    e = surface.entry("Get-VBOEmailSettings")
    rec = placeholder_error(e, "Get-EmailSettings").error_record
    assert rec.error_id == NOT_YET_IMPLEMENTED_ID
    assert rec.message.startswith("Get-EmailSettings (Get-VBOEmailSettings) is not implemented in vboshell yet.")
    e = surface.entry("Get-VBOJob")
    assert "backup jobs and sessions area (issue 8)" in placeholder_error(e).error_record.message


def test_parameter_rules_name_the_parameter_and_value() -> None:
    rules = {r.parameter: r for r in surface.parameter_rules("Get-VBOOrganizationUser")}
    r = rules["Type"]
    assert r.matches_value("publicmailbox") and not r.matches_value("User")
    msg = surface.rule_message(r, "Get-VBOOrganizationUser", "PublicMailbox")
    assert msg.startswith("Get-VBOOrganizationUser -Type PublicMailbox is not supported in API-only mode.")
    assert "Public Folder mailboxes" in msg
    server = surface.parameter_rules("Connect-VBOServer")[0]
    assert server.matches_value("vbo01.example.com") and not server.matches_value("localhost")


def test_placeholders_accept_any_arguments_and_pipeline_input() -> None:
    cls = registry.lookup("Add-VBOProxy")
    names = {p.name: p for p in cls.parameters}
    assert names["Arguments"].value_from_remaining_arguments
    assert names["InputObject"].value_from_pipeline
    assert all(p.dont_show for p in cls.parameters)


def test_counts_per_status() -> None:
    c = surface.counts()
    assert sum(c.values()) == len(surface.SURFACE) >= 292
    assert c[surface.API_ONLY] >= 4 and c[surface.NOT_APPLICABLE] > 50


def test_no_real_cmdlet_is_shadowed_by_a_placeholder() -> None:
    # placeholders.py must be imported last; a real cmdlet registered after it would leave a duplicate listing
    real = [c for c in registry.all_cmdlets() if not is_placeholder(c)]
    for cls in real:
        assert registry.lookup(cls.name) is cls, cls.name
    placeholder_names = {c.name.lower() for c in registry.all_cmdlets() if is_placeholder(c)}
    assert not placeholder_names & {c.name.lower() for c in real}
    assert registry.CMDLET_MODULES[-1] == "vboshell.cmdlets.placeholders"
