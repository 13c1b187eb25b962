"""Tests of the configuration catalogue: CRUD of every record type, migrations, secrets never in clear,
and several processes writing at once without lost updates."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3
from datetime import UTC, datetime

import pytest

from vboshell.store import (
    Catalog,
    CatalogError,
    DuplicateError,
    JobRecord,
    JobSessionRecord,
    LogEntry,
    NotFoundError,
    OrganizationRecord,
    RepositoryRecord,
    RestoreItemResult,
    RestoreSessionRecord,
    protect,
    unprotect,
)


@pytest.fixture
def cat(tmp_path, monkeypatch):
    monkeypatch.setenv("VBOSHELL_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("VBOSHELL_MASTER_KEY", raising=False)
    c = Catalog(tmp_path / "home" / "catalog.db")
    yield c
    c.close()


def test_crud_and_referential_checks(cat):
    org = cat.add_organization(OrganizationRecord(name="Contoso", tenant_id="t1", application_id="a1",
                                                  settings={"region": "Worldwide"},
                                                  secrets={"application_secret": protect(b"s", "org")}))
    assert cat.find_organization("contoso").id == org.id
    with pytest.raises(DuplicateError):
        cat.add_organization(OrganizationRecord(name="CONTOSO"))
    with pytest.raises(CatalogError):
        cat.add_organization(OrganizationRecord(name="Fabrikam", secrets={"application_secret": "clear"}))
    key = cat.add_encryption_key("pw-1", "main key")
    assert cat.encryption_key_password(key.id) == "pw-1"
    repo = cat.add_repository(RepositoryRecord(name="Repo1", path="/x", encryption_key_id=key.id, retention_type="ItemLevel"))
    with pytest.raises(CatalogError):
        cat.remove_encryption_key(key.id)
    job = cat.add_job(JobRecord(name="Daily", organization_id=org.id, repository_id=repo.id,
                                selected_items=[{"type": "User", "id": "u1", "mailbox": True}],
                                schedule_policy={"Type": "Daily", "DailyTime": "22:00:00"}))
    got = cat.get_job(job.id)
    assert got.selected_items == [{"type": "User", "id": "u1", "mailbox": True}] and got.enabled is True
    assert isinstance(got.created, datetime)
    with pytest.raises(CatalogError):
        cat.remove_repository(repo.id)
    with pytest.raises(CatalogError):
        cat.remove_organization(org.id)
    upd = cat.update_job(job.id, enabled=False, last_status="Success", last_run=datetime(2026, 1, 1, tzinfo=UTC))
    assert upd.enabled is False and upd.last_run.year == 2026
    cat.modify_job(job.id, lambda j: j.excluded_items.append({"id": "u2"}))
    assert cat.get_job(job.id).excluded_items == [{"id": "u2"}]
    with pytest.raises(CatalogError):
        cat.update_job(job.id, nope=1)
    assert [j.name for j in cat.list_jobs(organization_id=org.id)] == ["Daily"]
    # sessions and logs
    s = cat.add_job_session(JobSessionRecord(job_id=job.id, job_name="Daily"))
    cat.add_job_session_log(s.id, LogEntry("Processing user1", "started", object_name="user1"))
    cat.add_job_session_log(s.id, LogEntry("Done", type="Success"))
    cat.update_job_session(s.id, status="Success", statistics={"items": 5})
    assert [e.title for e in cat.job_session_logs(s.id)] == ["Processing user1", "Done"]
    assert cat.get_job_session(s.id).statistics == {"items": 5}
    assert cat.list_job_sessions(job.id, limit=1)[0].id == s.id
    r = cat.add_restore_session(RestoreSessionRecord(name="Exchange restore", type="Vex"))
    cat.add_restore_item_result(r.id, RestoreItemResult("m1", "Success", name="Hello"))
    cat.add_restore_session_log(r.id, LogEntry("Restored 1 item"))
    assert cat.restore_item_results(r.id)[0].name == "Hello"
    assert cat.restore_session_logs(r.id)[0].title == "Restored 1 item"
    # settings
    cat.set_setting("ui.theme", {"dark": True})
    assert cat.get_setting("ui.theme") == {"dark": True}
    assert cat.update_setting("counter", lambda v: v + 1, 0) == 1
    cat.delete_setting("ui.theme")
    assert cat.get_setting("ui.theme", "x") == "x"
    cat.remove_job(job.id)
    cat.remove_repository(repo.id)
    cat.remove_encryption_key(key.id)
    with pytest.raises(NotFoundError):
        cat.get_repository(repo.id)
    assert cat.schema_version >= 1


def test_no_secret_in_clear_on_disk(cat, tmp_path):
    secret = "Sup3r-S3cret-Value-8472"
    cat.add_organization(OrganizationRecord(name="O", secrets={"application_secret": protect(secret.encode(), "o")}))
    key = cat.add_encryption_key("Repo-Passw0rd-9911")
    cat.close()
    blob = b""
    for p in (tmp_path / "home").iterdir():
        if p.is_file():
            blob += p.read_bytes()
    assert secret.encode() not in blob and b"Repo-Passw0rd-9911" not in blob
    assert b"Sup3r" not in blob
    c2 = Catalog(tmp_path / "home" / "catalog.db")
    org = c2.find_organization("O")
    assert unprotect(org.secrets["application_secret"], "o").decode() == secret
    assert c2.encryption_key_password(key.id) == "Repo-Passw0rd-9911"


def test_migration_from_older_schema(tmp_path, monkeypatch):
    monkeypatch.setenv("VBOSHELL_HOME", str(tmp_path))
    from vboshell.store import catalog as catmod

    db = tmp_path / "c.db"
    Catalog(db).close()
    calls = []

    def m2(con):
        calls.append(1)
        con.execute("CREATE TABLE extra(x)")

    monkeypatch.setattr(catmod, "MIGRATIONS", [*catmod.MIGRATIONS, m2])
    monkeypatch.setattr(catmod, "SCHEMA_VERSION", len(catmod.MIGRATIONS))
    c = Catalog(db)
    assert c.schema_version == 2 and calls == [1]
    Catalog(db)  # idempotent
    assert calls == [1]
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM extra").fetchone()[0] == 0


def _worker(path: str, home: str, n: int, wid: int) -> None:
    import os

    os.environ["VBOSHELL_HOME"] = home
    c = Catalog(path)
    job = c.find_job("Shared")
    for i in range(n):
        c.update_setting("counter", lambda v: v + 1, 0)
        c.modify_job(job.id, lambda j, i=i: j.selected_items.append(f"{wid}-{i}"))
        c.add_job_session_log("s1", LogEntry(f"w{wid} #{i}"))
    c.close()


def test_concurrent_processes_lose_no_updates(cat, tmp_path):
    org = cat.add_organization(OrganizationRecord(name="O"))
    repo = cat.add_repository(RepositoryRecord(name="R", path="/r"))
    cat.add_job(JobRecord(name="Shared", organization_id=org.id, repository_id=repo.id))
    ctx = mp.get_context("fork")
    n, workers = 40, 4
    procs = [ctx.Process(target=_worker, args=(str(cat.path), str(tmp_path / "home"), n, w)) for w in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert cat.get_setting("counter") == n * workers
    assert len(cat.find_job("Shared").selected_items) == n * workers
    assert len(cat.job_session_logs("s1")) == n * workers
    assert cat._con().execute("PRAGMA integrity_check").fetchone()[0] == "ok"
