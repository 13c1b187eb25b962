"""Server-compatibility cmdlets: Connect/Disconnect/Get-VBOServer, Get-VBOVersion, Get-VBOProxy, licensing and the
Get-VBOCommand family, called directly with a minimal command runtime (the ExecutionContext tests live elsewhere)."""

from __future__ import annotations

from typing import Any

import pytest

from vboshell import __version__
from vboshell.cmdlets import server
from vboshell.commands import registry
from vboshell.runtime.errors import CmdletError


class FakeRuntime:
    def __init__(self) -> None:
        self.output: list[Any] = []
        self.warnings: list[str] = []
        self.errors: list[Any] = []
        self.verbose: list[str] = []
        self.stopping = False

    def write_object(self, obj: Any, enumerate_collection: bool = False) -> None:
        self.output.append(obj)

    def write_warning(self, message: str) -> None:
        self.warnings.append(message)

    def write_error(self, record: Any) -> None:
        self.errors.append(record)

    def write_verbose(self, message: str) -> None:
        self.verbose.append(message)


@pytest.fixture(autouse=True)
def home(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("VBOSHELL_HOME", str(tmp_path / "home"))
    return tmp_path


def run(name: str, **bound: Any) -> FakeRuntime:
    cls = registry.lookup(name)
    assert cls is not None
    cmd = cls()
    cmd._runtime = FakeRuntime()
    cmd.bound = bound
    cmd.invocation_name = name
    cmd.begin_processing()
    cmd.process_record()
    cmd.end_processing()
    return cmd._runtime


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "::1", "LOCALHOST", server.local_host_name()])
def test_connect_to_this_machine_is_silent(host: str) -> None:
    rt = run("Connect-VBOServer", Server=host, Port=4443)
    assert rt.output == [] and rt.errors == []
    assert server.connection_state().connected
    assert run("Get-VBOServer").output[0].IsConnected
    run("Disconnect-VBOServer")
    assert not server.connection_state().connected


def test_connect_without_arguments_and_by_short_name() -> None:
    assert run("Connect-Server").output == []
    run("Disconnect-Server")


def test_connect_to_another_host_explains_the_local_catalogue() -> None:
    with pytest.raises(CmdletError) as info:
        run("Connect-VBOServer", Server="vbo01.contoso.local", Port=9191)
    rec = info.value.error_record
    assert rec.error_id == "NotApplicable"
    assert "'vbo01.contoso.local:9191'" in rec.message
    assert "keeps its own catalogue" in rec.message


def test_version_and_server_objects() -> None:
    v = run("Get-VBOVersion").output[0]
    assert v.ProductVersion == __version__ and str(v) == __version__
    s = run("Get-VBOServer").output[0]
    assert s.TempFolderPath and s.Name == server.local_host_name()


def test_get_proxy_returns_the_local_machine() -> None:
    p = run("Get-VBOProxy").output[0]
    assert p.Hostname == server.local_host_name() and p.Type == "Local" and p.State == "Online"
    assert run("Get-Proxy", Id=p.Id).output[0].Id == p.Id
    assert run("Get-VBOProxy", Hostname="localhost").output[0].Id == p.Id
    rt = run("Get-VBOProxy", Hostname="proxy02.contoso.local")
    assert rt.output == [] and rt.errors[0].error_id == "ProxyNotFound"


def test_license_reports_zero_without_repositories() -> None:
    rt = run("Get-VBOLicense")
    lic = rt.output[0]
    assert lic.Status == "Valid" and lic.UsedNumber == 0 and lic.Type == "Community"
    assert run("Get-VBOLicensedUser").output == []


def test_licensed_users_are_counted_from_the_repositories(home: Any) -> None:
    from vboshell.repository import ObjectRef, Repository
    from vboshell.store import Catalog, OrganizationRecord, RepositoryRecord

    cat = Catalog.default()
    org = cat.add_organization(OrganizationRecord(name="contoso.onmicrosoft.com"))
    path = home / "repo1"
    cat.add_repository(RepositoryRecord(name="Repo 1", path=str(path)))
    with Repository.init(path) as repo, repo.writer(job_id="job-1", organization_id=org.id) as w:
        w.begin_restore_point()
        for uid, name in (("u1", "Adele Vance"), ("u2", "Alex Wilber")):
            user = ObjectRef("user", uid, name)
            w.put_item(user, "Exchange", f"{uid}-m1", "Inbox", {"subject": "hi"}, b"mime")
            w.set_object_status(user, "Success", {"items": 1})
        site = ObjectRef("site", "s1", "Marketing")
        w.put_item(site, "SharePoint", "d1", "Documents", {"name": "a.txt"}, b"text")
        w.set_object_status(site, "Success", {"items": 1})
        w.commit(status="Success")
    users = run("Get-VBOLicensedUser").output
    assert [u.UserName for u in users] == ["Adele Vance", "Alex Wilber"]
    assert all(u.OrganizationName == "contoso.onmicrosoft.com" and u.LastBackupDate for u in users)
    assert [u.UserName for u in run("Get-VBOLicensedUser", Name="adele*").output] == ["Adele Vance"]
    assert run("Get-VBOLicensedUser", Organization="fabrikam.onmicrosoft.com").output == []
    rt = run("Get-VBOLicense")
    assert rt.output[0].UsedNumber == 2 and rt.warnings == []


def test_get_vbocommand_lists_the_veeam_module_with_status() -> None:
    out = run("Get-VBOCommand").output
    names = [c.Name for c in out]
    assert "Get-VBOJob" in names and "Add-VBORbacRole" in names and "Get-VEXItem" not in names
    assert len(out) >= 209
    by = {c.Name: c for c in out}
    assert by["Add-VBORbacRole"].Status == "NotApplicable"
    assert by["Measure-VBOOrganizationFullBackupSize"].Status == "NotSupportedInApiOnlyMode"
    assert by["Get-VBOProxy"].Status == "Available" and by["Get-VBOProxy"].ShortName == "Get-Proxy"
    assert by["Get-VBOCommand"].ShortName is None


def test_get_vbocommand_filters() -> None:
    out = run("Get-VBOCommand", Verb="Start", Noun="*Job").output
    assert [c.Name for c in out] == ["Start-VBOCopyJob", "Start-VBOJob"]
    assert [c.Name for c in run("Get-VBOCommand", Name="get-vbover*").output] == ["Get-VBOVersion", "Get-VBOVersionBackupOptions"]


def test_explorer_listings() -> None:
    vex = [c.Name for c in run("Get-VEXCommand").output]
    assert len(vex) == 22 and "Start-VBOExchangeItemRestoreSession" in vex
    vesp = [c.Name for c in run("Get-VESPCommand").output]
    assert len(vesp) == 25 and not any("-VEOD" in n for n in vesp)
    veod = [c.Name for c in run("Get-VEODCommand").output]
    assert len(veod) >= 14 and all("-VEOD" in n for n in veod)
    vet = [c.Name for c in run("Get-VETCommand", Verb="Get").output]
    assert "Get-VETPost" in vet and all(n.startswith("Get-") for n in vet)
