"""Retention (snapshot-based and item-level, with boundaries), garbage collection and verification tests."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest

from tests.repository.helpers import gen_bytes
from vboshell.repository import ObjectRef, Repository, RetentionPolicy
from vboshell.repository.pack import pack_name
from vboshell.repository.retention import subtract_period

U = ObjectRef("user", "u-1", "Adele Vance")
NOW = datetime(2026, 6, 15, 12, 0, 0, tzinfo=UTC)


def _clock(dt: datetime):
    return lambda: dt.timestamp()


def test_policy_parsing_and_calendar_arithmetic():
    assert RetentionPolicy.parse("Years3") == RetentionPolicy("SnapshotBased", "years", 3)
    assert RetentionPolicy.parse("year1", "itemlevel") == RetentionPolicy("ItemLevel", "years", 1)
    assert RetentionPolicy.parse("KeepForever").cutoff(NOW) is None
    assert RetentionPolicy.parse(None, custom_unit="Days", custom_amount=30).cutoff(NOW) == NOW - timedelta(days=30)
    assert RetentionPolicy.parse("6 months").unit == "months"
    assert subtract_period(datetime(2026, 3, 31, tzinfo=UTC), "months", 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert subtract_period(datetime(2024, 2, 29, tzinfo=UTC), "years", 1) == datetime(2023, 2, 28, tzinfo=UTC)
    with pytest.raises(ValueError):
        RetentionPolicy.parse("Fortnight")
    with pytest.raises(ValueError):
        RetentionPolicy.parse("Years3", "Weird")


def _five_points(repo: Repository, days_ago: list[float]) -> list:
    for n, d in enumerate(days_ago):
        with repo.writer("job", "org", clock=_clock(NOW - timedelta(days=d))) as w:
            w.begin_restore_point()
            w.put_item(U, "Exchange", "static", "Inbox", {"subject": "static"}, b"static body " * 100)
            w.put_item(U, "Exchange", "changing", "Inbox", {"subject": f"v{n}"}, gen_bytes(n, 50_000))
            if n == 0:
                w.put_item(U, "Exchange", "doomed", "Inbox", {"subject": "doomed"}, b"doomed" * 100)
            if n == 2:
                w.delete_item(U, "Exchange", "doomed")
            w.commit()
    return repo.restore_points()


def test_snapshot_retention_with_boundary(repo):
    rps = _five_points(repo, [400, 300, 200, 100, 0])
    before = {rp.id: {iv.item_id: repo.read_content(iv) for iv in repo.view(rp).items()} for rp in rps}
    # boundary: a restore point finished exactly at the cut-off is kept, one a second older is not
    pol = RetentionPolicy.parse(None, "SnapshotBased", "Days", 300)
    res = repo.apply_retention(pol, now=NOW)
    assert res.restore_points_removed == 1 and res.removed_restore_point_ids == [rps[0].id]
    assert res.versions_removed == 1  # 'changing' v0 was alive only at rp0
    kept = repo.restore_points()
    assert [r.id for r in kept] == [r.id for r in rps[1:]]
    for rp in kept:  # every remaining point-in-time view is unchanged
        assert {iv.item_id: repo.read_content(iv) for iv in repo.view(rp).items()} == before[rp.id]
    # 'doomed' (deleted at rp2) stays while rp1, the last point holding it, is kept; then goes with its tombstone
    assert [d.item_id for d in repo.deleted_items()] == ["doomed"]
    res = repo.apply_retention(pol, now=NOW + timedelta(seconds=1))
    assert res.restore_points_removed == 1
    assert res.gc is not None and res.gc.chunks_removed >= 1
    assert repo.verify().ok
    assert not repo.deleted_items() and repo.versions(U, "Exchange", "doomed") == []
    assert {iv.item_id for iv in repo.view().items()} == {"static", "changing"}
    # keep forever changes nothing; nothing within the period removes everything (as Veeam does)
    assert repo.apply_retention(RetentionPolicy.parse("KeepForever"), now=NOW).restore_points_removed == 0
    repo.apply_retention(RetentionPolicy.parse(None, "SnapshotBased", "Days", 1), now=NOW + timedelta(days=30))
    assert repo.restore_points() == [] and repo.stats().chunks == 0 and repo.stats().packs == 0
    assert repo.verify().ok


def test_item_level_retention_with_boundary(repo):
    with repo.writer("job", "org", clock=_clock(NOW)) as w:
        w.begin_restore_point()
        for days in (10, 29, 30, 31, 400):
            w.put_item(U, "Exchange", f"d{days}", "Inbox", {"subject": f"{days} days"}, f"body {days}".encode() * 30,
                       item_date=NOW - timedelta(days=days))
        w.put_item(U, "Exchange", "meta-date", "Inbox", {"receivedDateTime": (NOW - timedelta(days=45)).isoformat()}, b"m")
        w.put_item(U, "Exchange", "exact", "Inbox", {}, b"e", item_date=NOW - timedelta(days=30, seconds=1))
        w.commit()
    res = repo.apply_retention(RetentionPolicy.parse(None, "ItemLevel", "Days", 30), now=NOW)
    left = sorted(iv.item_id for iv in repo.view().items())
    assert left == ["d10", "d29", "d30"]
    assert res.versions_removed == 4 and repo.restore_points()  # restore points stay as job history
    assert repo.verify().ok
    for iv in repo.view().items():
        assert repo.read_content(iv).startswith(b"body")


def test_gc_rewrites_mostly_dead_packs_and_removes_orphans(repo):
    with repo.writer("job", "org", clock=_clock(NOW)) as w:
        w.begin_restore_point()
        for i in range(200):
            w.put_item(U, "Exchange", f"m{i}", "Inbox", {}, gen_bytes(i, 20_000), item_date=NOW - timedelta(days=1 if i < 20 else 90))
        w.commit()
    assert repo.stats().packs == 1
    old_pack = repo._con().execute("SELECT name FROM packs").fetchone()[0]
    orphan = "data/ab/" + "ab" * 32
    repo.backend.put(orphan, b"junk from a crashed writer")
    rep = repo.verify()
    assert rep.ok and any("orphan" in n for n in rep.notes)
    res = repo.apply_retention(RetentionPolicy.parse(None, "ItemLevel", "Days", 30), now=NOW)
    assert res.gc.packs_rewritten == 1 and res.gc.orphan_packs_deleted == 1 and res.gc.chunks_removed == 180
    import sqlite3

    backup = repo.path / "index-backups" / res.gc.index_backup
    assert sqlite3.connect(backup).execute("SELECT COUNT(*) FROM item_versions").fetchone()[0] == 20
    assert not repo.backend.exists(pack_name(old_pack)) and not repo.backend.exists(orphan)
    st = repo.stats()
    assert st.chunks == 20 and st.pack_bytes < 25 * 20_000
    assert repo.verify().ok
    assert sorted(repo.read_content(iv) for iv in repo.view().items()) == sorted(gen_bytes(i, 20_000) for i in range(20))


@pytest.mark.parametrize("encrypted", [False, True])
def test_verify_detects_flipped_byte_and_names_items(tmp_path, encrypted):
    repo = Repository.init(tmp_path / "r", key="k" if encrypted else None)
    with repo.writer("job", "org") as w:
        w.begin_restore_point()
        for i in range(10):
            w.put_item(U, "Exchange", f"m{i}", "Inbox/Sub", {"subject": f"Subject {i}"}, gen_bytes(100 + i, 30_000))
        w.put_item(ObjectRef("user", "u-2", "Bob"), "Exchange", "copy-of-m3", "Inbox", {"subject": "dup"}, gen_bytes(103, 30_000))
        w.commit()
    assert repo.verify().ok
    victim = repo.view().get(U, "Exchange", "m3")
    pack, off, length, _raw = repo._chunk_loc(victim.chunk_ids[0])
    path = repo.path / pack_name(pack)
    data = bytearray(path.read_bytes())
    data[off + length // 2] ^= 0x40
    path.write_bytes(bytes(data))
    rep = repo.verify()
    assert not rep.ok
    kinds = {p.kind for p in rep.problems}
    assert "pack-hash-mismatch" in kinds and "chunk-corrupt" in kinds
    affected = {(a.object.external_id, a.item_id) for a in rep.affected_items}
    assert affected == {("u-1", "m3"), ("u-2", "copy-of-m3")}  # dedup: both items share the chunk
    text = "\n".join(str(p) for p in rep.problems)
    assert "Subject 3" in text and "Inbox/Sub" in text and "Adele Vance" in text
    # the quick check (no data read) does not read packs; deleting the pack is caught by it
    os.unlink(path)
    quick = repo.verify(read_data=False)
    assert not quick.ok and len(quick.affected_items) == 11
    repo.close()


def test_gc_interrupted_before_deleting_old_packs_is_safe(repo, monkeypatch):
    with repo.writer("job", "org", clock=_clock(NOW)) as w:
        w.begin_restore_point()
        for i in range(50):
            w.put_item(U, "Exchange", f"m{i}", "Inbox", {}, gen_bytes(i, 20_000), item_date=NOW - timedelta(days=1 if i < 5 else 90))
        w.commit()
    calls = {"n": 0}
    real_delete = repo.backend.delete

    def crash(name: str) -> None:
        calls["n"] += 1
        raise KeyboardInterrupt("simulated crash after the index transaction")

    monkeypatch.setattr(repo.backend, "delete", crash)
    with pytest.raises(KeyboardInterrupt):
        repo.apply_retention(RetentionPolicy.parse(None, "ItemLevel", "Days", 30), now=NOW)
    monkeypatch.setattr(repo.backend, "delete", real_delete)
    rep = repo.verify()
    assert rep.ok and any("orphan" in n for n in rep.notes)  # the old pack is now an unreferenced orphan
    assert sorted(repo.read_content(iv) for iv in repo.view().items()) == sorted(gen_bytes(i, 20_000) for i in range(5))
    res = repo.gc()
    assert res.orphan_packs_deleted == 1 and repo.verify().ok and not repo.verify().notes


def test_readers_do_not_block_the_writer(repo):
    with repo.writer("job", "org") as w:
        w.begin_restore_point()
        for i in range(3000):
            w.put_item(U, "Exchange", f"m{i}", "Inbox", {}, f"body {i}".encode())
        w.commit()
    items = repo.view().items()  # a reader in the middle of a large listing holds a read snapshot
    first = next(items)
    import time as _t

    t = _t.monotonic()
    with repo.writer("job", "org") as w:
        w.begin_restore_point()
        w.put_item(U, "Exchange", "new", "Inbox", {}, b"new")
        w.commit()
    assert _t.monotonic() - t < 5
    assert first.item_id == "m0" and sum(1 for _ in items) == 2999  # the reader's snapshot is unaffected
    assert repo.view().count() == 3001


def test_usage_and_remove_object_data(repo):
    shared = gen_bytes(9, 100_000)
    with repo.writer("job", "org-a") as w:
        w.begin_restore_point()
        w.put_item(U, "Exchange", "m1", "Inbox", {}, shared)
        w.put_item(U, "OneDrive", "f1", "Docs", {}, gen_bytes(10, 100_000))
        w.commit()
    with repo.writer("job2", "org-b") as w:
        w.begin_restore_point()
        w.put_item(ObjectRef("user", "b1"), "Exchange", "m1", "Inbox", {}, shared)
        w.commit()
    usage = repo.usage()
    assert usage["org-a"] > usage["org-b"] > 90_000
    assert set(repo.usage(by="object")) == {"user:u-1", "user:b1"}
    assert repo.remove_object_data(ObjectRef("user", "u-1", organization_id="org-a"), "OneDrive") == 1
    assert [iv.service for iv in repo.view().items(ObjectRef("user", "u-1"))] == ["Exchange"]
    assert repo.remove_object_data(ObjectRef("user", "u-1", organization_id="org-a")) == 1
    assert repo.stats().chunks == 1 and repo.verify().ok
    assert repo.read_content(next(repo.view().items())) == shared


def test_retention_that_removes_nothing_sweeps_without_scanning_chunks(repo, monkeypatch):
    """After a run whose retention removes nothing, no chunk can have become unreferenced: the chunk scan (memory
    and time growing with the repository) is skipped, while crash leftovers (tmp/, unindexed packs) still go."""
    from vboshell.repository import retention

    _five_points(repo, [3, 2, 1])
    (repo.path / "tmp" / "half-written").write_bytes(b"x" * 100)
    orphan = repo.path / "data" / "ab" / ("ab" + "0" * 62)
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"not indexed")
    scanned: list[int] = []
    monkeypatch.setattr(retention, "collect_garbage", lambda r, **kw: scanned.append(1))
    res = repo.apply_retention(RetentionPolicy.parse("Years3"), now=NOW)
    assert res.restore_points_removed == 0 and scanned == []
    assert res.gc is not None and res.gc.orphan_packs_deleted == 1 and res.gc.index_backup
    assert not orphan.exists() and not any((repo.path / "tmp").iterdir())
    assert repo.verify().ok
    monkeypatch.undo()
    res = repo.apply_retention(RetentionPolicy.parse(None, "SnapshotBased", "Days", 2), now=NOW)
    assert res.restore_points_removed == 1 and res.gc.chunks_removed >= 1  # something removed: full collection


def test_index_copy_after_a_run_that_removed_nothing_is_refreshed_hourly(repo, monkeypatch):
    """The fallback copy of index.db: after a maintenance that removed nothing, written only when the newest copy is
    older than VBOSHELL_INDEX_BACKUP_MINUTES (it still names only packs that exist); after one that removed
    anything, always (older copies may name deleted packs); with the setting at 0, every time."""
    import os
    import sqlite3

    monkeypatch.delenv("VBOSHELL_INDEX_BACKUP_MINUTES", raising=False)
    copies = repo.path / "index-backups"
    _five_points(repo, [3, 2, 1])
    keep = RetentionPolicy.parse("Years3")
    first = repo.apply_retention(keep, now=NOW).gc.index_backup
    assert first and (copies / first).exists()  # none yet: written
    _five_points(repo, [0.5])
    assert repo.apply_retention(keep, now=NOW).gc.index_backup is None  # a minute later: the copy stands
    assert sorted(p.name for p in copies.glob("*.db")) == [first]
    hour_ago = (copies / first).stat().st_mtime - 3600
    os.utime(copies / first, (hour_ago, hour_ago))
    second = repo.apply_retention(keep, now=NOW).gc.index_backup
    assert second and (copies / second).stat().st_mtime > hour_ago + 1800  # an hour old: refreshed
    assert sqlite3.connect(copies / second).execute("SELECT COUNT(*) FROM restore_points").fetchone()[0] == 4
    monkeypatch.setenv("VBOSHELL_INDEX_BACKUP_MINUTES", "0")
    assert repo.apply_retention(keep, now=NOW).gc.index_backup  # every time
    monkeypatch.setenv("VBOSHELL_INDEX_BACKUP_MINUTES", "60")
    res = repo.apply_retention(RetentionPolicy.parse(None, "SnapshotBased", "Days", 2), now=NOW)
    assert res.restore_points_removed and res.gc.index_backup  # something removed: always
    newest = sorted(copies.glob("*.db"))[-1]
    kept = 4 - res.restore_points_removed
    assert sqlite3.connect(newest).execute("SELECT COUNT(*) FROM restore_points").fetchone()[0] == kept
