"""Catalogue ↔ repository glue: policies from records, the retention run, the retention schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from vboshell.repository import ObjectRef
from vboshell.repository.manage import (
    apply_retention,
    create_or_attach,
    next_retention_run,
    open_repository,
    retention_policy,
)
from vboshell.store import Catalog, RepositoryRecord


def test_retention_run_from_catalogue_record(tmp_path, monkeypatch):
    monkeypatch.setenv("VBOSHELL_HOME", str(tmp_path / "home"))
    cat = Catalog(tmp_path / "home" / "catalog.db")
    key = cat.add_encryption_key("pw")
    repo, created = create_or_attach(tmp_path / "r", "pw")
    assert created
    now = datetime(2026, 6, 1, tzinfo=UTC)
    with repo.writer("j", "o", clock=lambda: (now - timedelta(days=40)).timestamp()) as w:
        w.begin_restore_point()
        w.put_item(ObjectRef("user", "u"), "Exchange", "old", "Inbox", {}, b"old", item_date=now - timedelta(days=40))
        w.commit()
    with repo.writer("j", "o", clock=lambda: now.timestamp()) as w:
        w.begin_restore_point()
        w.put_item(ObjectRef("user", "u"), "Exchange", "new", "Inbox", {}, b"new", item_date=now)
        w.commit()
    repo.close()
    rec = cat.add_repository(RepositoryRecord(name="R", path=str(tmp_path / "r"), encryption_key_id=key.id,
                                              retention_type="ItemLevel", custom_retention_period_type="Days",
                                              custom_retention_period=30))
    assert retention_policy(rec).describe() == "ItemLevel, 30 days"
    res = apply_retention(rec, cat, now=now)
    assert res.versions_removed == 1
    assert cat.get_repository(rec.id).last_retention_run is not None
    r = open_repository(rec, cat)
    assert [iv.item_id for iv in r.view().items()] == ["new"]
    r.close()
    again, created = create_or_attach(tmp_path / "r", "pw")
    assert not created
    again.close()


def test_next_retention_run():
    rec = RepositoryRecord(name="x", path="/x", daily_time="22:00:00", daily_type="Workdays")
    fri = datetime(2026, 11, 27, 23, 0)  # a Friday, after 22:00
    assert next_retention_run(rec, fri) == datetime(2026, 11, 30, 22, 0)  # Monday
    assert next_retention_run(rec, datetime(2026, 11, 27, 8, 0)) == datetime(2026, 11, 27, 22, 0)
    m = RepositoryRecord(name="m", path="/m", retention_frequency_type="Monthly", monthly_time="18:00:00",
                         monthly_day_number="Last", monthly_day_of_week="Sunday")
    assert next_retention_run(m, datetime(2026, 11, 27)) == datetime(2026, 11, 29, 18, 0)
    m.monthly_day_number = "First"
    assert next_retention_run(m, datetime(2026, 11, 27)) == datetime(2026, 12, 6, 18, 0)
