"""Repository and encryption-key cmdlets driven directly (a minimal fake runtime), plus through the shell
when the runtime's ExecutionContext is available."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from vboshell.cmdlets.repositories import (
    AddVBOEncryptionKey,
    AddVBORepository,
    GetVBOEncryptionKey,
    GetVBORepository,
    GetVBOUsageData,
    RemoveVBOEncryptionKey,
    RemoveVBORepository,
    SetVBORepository,
    VBOEncryptionKey,
    VBORepository,
    VBORepositoryTestResult,
)
from vboshell.cmdlets.repositories import (
    TestVBORepository as VerifyRepositoryCmdlet,
)
from vboshell.repository import ObjectRef, Repository
from vboshell.repository.pack import pack_name
from vboshell.runtime.errors import CmdletError
from vboshell.store import Catalog, JobRecord, OrganizationRecord


class FakeRuntime:
    def __init__(self, whatif: bool = False) -> None:
        self.out: list = []
        self.warnings: list[str] = []
        self.errors: list = []
        self.whatif = whatif
        self.stopping = False

    def write_object(self, obj, enumerate_collection=False):
        self.out.append(obj)

    def write_error(self, rec):
        self.errors.append(rec)

    def write_warning(self, msg):
        self.warnings.append(msg)

    def write_verbose(self, msg):
        pass

    def should_process(self, target, action):
        return not self.whatif


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("VBOSHELL_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("VBOSHELL_MASTER_KEY", raising=False)
    return tmp_path


def run(cls, whatif=False, **params) -> FakeRuntime:
    rt = FakeRuntime(whatif)
    c = cls()
    c.bound = params
    c._runtime = rt
    c.context = SimpleNamespace(services=SimpleNamespace(), resolve_path=lambda p: Path(p).resolve())
    c.begin_processing()
    c.process_record()
    c.end_processing()
    return rt


def test_repository_lifecycle(home):
    path = home / "repo1"
    out = run(AddVBORepository, Name="Local", Path=str(path), RetentionPeriod="years5", RetentionType="itemlevel",
              DailyTime="22:30").out
    repo = out[0]
    assert isinstance(repo, VBORepository) and repo.Name == "Local" and repo.RetentionPeriod == "Years5"
    assert repo.RetentionType == "ItemLevel" and str(repo.DailyTime).startswith("22:30") and repo.Capacity > 0
    assert Repository.exists(path)
    with pytest.raises(CmdletError, match="already exists"):
        run(AddVBORepository, Name="local", Path=str(home / "other"))
    with pytest.raises(CmdletError, match="already used"):
        run(AddVBORepository, Name="Other", Path=str(path))
    assert [r.Name for r in run(GetVBORepository).out] == ["Local"]
    assert run(GetVBORepository, Name="Lo*").out[0].Id == repo.Id
    rt = run(GetVBORepository, Name="missing")
    assert not rt.out and rt.errors
    assert run(GetVBORepository, Id=str(repo.Id)).out[0].Name == "Local"
    upd = run(SetVBORepository, Repository=repo, CustomRetentionPeriodType="Days", CustomRetentionPeriod=30,
              Description="thirty days").out[0]
    assert upd.RetentionPeriod == "Custom" and upd.CustomRetentionPeriod == 30 and upd.Description == "thirty days"
    with pytest.raises(CmdletError):
        run(SetVBORepository, Repository=repo, CustomRetentionPeriod=30)
    # proxies are accepted with a warning
    rt = run(AddVBORepository, Name="P", Path=str(home / "p"), Proxy="proxy01", SyncNow=True)
    assert rt.out and rt.warnings
    # remove: WhatIf keeps it; in use by a job refuses; data stays on disk
    run(RemoveVBORepository, whatif=True, Repository=repo)
    assert run(GetVBORepository, Name="Local").out
    cat = Catalog.default()
    org = cat.add_organization(OrganizationRecord(name="O"))
    job = cat.add_job(JobRecord(name="J", organization_id=org.id, repository_id=str(repo.Id)))
    with pytest.raises(CmdletError, match="used by job"):
        run(RemoveVBORepository, Repository=repo)
    cat.remove_job(job.id)
    run(RemoveVBORepository, Repository=repo)
    assert not run(GetVBORepository, Name="Local").out and Repository.exists(path)
    # re-adding the folder attaches the existing repository
    again = run(AddVBORepository, Name="Local again", Path=str(path)).out[0]
    assert again.Path == str(path.resolve())


def test_encryption_keys_and_encrypted_repository(home):
    key = run(AddVBOEncryptionKey, Password="Pa55-word-for-repo", Description="Repo key").out[0]
    assert isinstance(key, VBOEncryptionKey) and key.Description == "Repo key"
    assert [k.Id for k in run(GetVBOEncryptionKey, Description="repo*").out] == [key.Id]
    assert not run(GetVBOEncryptionKey, Id="00000000-0000-0000-0000-000000000000").out
    repo = run(AddVBORepository, Name="Enc", Path=str(home / "enc"), EncryptionKey=key).out[0]
    assert repo.EnableEncryption and repo.EncryptionKey.Id == key.Id
    with pytest.raises(Exception, match="encryption key"):
        Repository.open(home / "enc", key="wrong")
    r = repo.open()
    assert r.encrypted
    r.close()
    with pytest.raises(CmdletError, match="used by"):
        run(RemoveVBOEncryptionKey, EncryptionKey=key)
    run(RemoveVBORepository, Repository=repo)
    run(RemoveVBOEncryptionKey, EncryptionKey=key)
    assert not run(GetVBOEncryptionKey).out
    blob = b"".join(p.read_bytes() for p in (home / "home").iterdir() if p.is_file())
    assert b"Pa55-word-for-repo" not in blob


def test_test_repository_reports_affected_items(home):
    repo_obj = run(AddVBORepository, Name="T", Path=str(home / "t")).out[0]
    r = repo_obj.open()
    with r.writer("job", "org") as w:
        w.begin_restore_point()
        w.put_item(ObjectRef("user", "u1", "Adele"), "Exchange", "m1", "Inbox", {"subject": "Budget"}, b"x" * 5000)
        w.put_item(ObjectRef("user", "u1", "Adele"), "Exchange", "m2", "Inbox", {"subject": "Other"}, b"y" * 5000)
        w.commit()
    rep = run(VerifyRepositoryCmdlet, Repository=repo_obj).out[0]
    assert isinstance(rep, VBORepositoryTestResult) and rep.IsConsistent and rep.ItemVersionsChecked == 2
    iv = r.view().get(ObjectRef("user", "u1"), "Exchange", "m1")
    pack, off, length, _ = r._chunk_loc(iv.chunk_ids[0])
    p = r.path / pack_name(pack)
    data = bytearray(p.read_bytes())
    data[off + 3] ^= 1
    p.write_bytes(bytes(data))
    r.close()
    usage = run(GetVBOUsageData, Repository=repo_obj).out
    assert [(u.Organization, u.UsedSpace > 0) for u in usage] == [("org", True)]
    rt = run(VerifyRepositoryCmdlet, Repository=repo_obj, DetailedOutput=True)
    rep = rt.out[0]
    assert rep.Status == "Failed" and not rep.IsConsistent and rt.warnings
    assert [(a.Object, a.Name) for a in rep.AffectedItems] == [("Adele", "Budget")]
    assert rt.out[1].Name == "Budget"


def test_through_the_shell_when_runtime_is_available(home, monkeypatch):
    ctx_mod = pytest.importorskip("vboshell.runtime.context")
    monkeypatch.chdir(home)  # before the context: it takes the current directory as its location
    try:
        ctx = ctx_mod.ExecutionContext()
    except Exception as exc:  # the runtime is still being written
        pytest.skip(f"runtime not ready: {exc}")
    out = ctx.invoke("Add-VBORepository -Name 'Shell repo' -Path ./shell-repo -RetentionPeriod Year1")
    assert out and out[0].Name == "Shell repo"
    assert [r.Name for r in ctx.invoke("Get-VBORepository")] == ["Shell repo"]
    rep = ctx.invoke("Get-VBORepository -Name 'Shell repo' | Test-VBORepository")
    assert rep[0].IsConsistent
    ctx.invoke("Get-VBORepository -Name 'Shell repo' | Remove-VBORepository -Confirm:$false")
    assert ctx.invoke("Get-VBORepository") == []


_MY_CMDLETS = [AddVBORepository, GetVBORepository, SetVBORepository, RemoveVBORepository, VerifyRepositoryCmdlet,
               AddVBOEncryptionKey, GetVBOEncryptionKey, RemoveVBOEncryptionKey, GetVBOUsageData]


@pytest.mark.parametrize("cls", _MY_CMDLETS, ids=lambda c: c.name)
def test_examples_run(cls, home, monkeypatch):
    assert cls.synopsis and cls.description and cls.examples
    assert all(p.help for p in cls.parameters)
    ctx_mod = pytest.importorskip("vboshell.runtime.context")
    monkeypatch.chdir(home)  # before the context: it takes the current directory as its location
    try:
        ctx = ctx_mod.ExecutionContext()
    except Exception as exc:  # the runtime is still being written
        pytest.skip(f"runtime not ready: {exc}")
    for ex in cls.examples:
        if ex.setup:
            ctx.invoke(ex.setup)
        ctx.invoke(ex.code, raise_errors=True)
