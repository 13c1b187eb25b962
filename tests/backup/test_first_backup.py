"""A first backup of an object skips the per-item index look-ups (nothing can be stored yet), and stays correct
when one item comes twice in the run (listed by two folders while it moved) — even after a flush in between."""

from __future__ import annotations

from typing import Any

import pytest

from vboshell.backup.collectors.base import UnitContext
from vboshell.repository import ObjectRef, Repository

U = ObjectRef("user", "u-1", "Adele Vance", "org")


@pytest.fixture
def repo(tmp_path: Any) -> Any:
    r = Repository.init(tmp_path / "repo", key="k")
    yield r
    r.close()


def test_first_backup_item_seen_twice_keeps_one_current_version(repo: Any, monkeypatch: Any) -> None:
    with repo.writer("job", "org") as w:
        w.begin_restore_point()
        u = UnitContext(writer=w, obj=U, service="Exchange", graph=None)
        lookups: list[str] = []
        orig = w._current  # noqa: SLF001

        def counting(*a: Any) -> Any:
            lookups.append(a[2])
            return orig(*a)

        monkeypatch.setattr(w, "_current", counting)
        assert u.first_backup and not u.known("m1", "ck1", "inbox")
        u.put("m1", "Inbox", {"subject": "hello"}, b"body one", change_key="ck1", parent_id="inbox")
        u.put("m2", "Inbox", {"subject": "other"}, b"body two", change_key="ck2", parent_id="inbox")
        assert lookups == []  # no index look-up for items new in a first backup
        w.flush()
        # m1 again, now in another folder: the index is asked, the old version closed, one current version left
        assert u.known("m1", "ck1", "inbox")
        u.put("m1", "Archive", {"subject": "hello"}, b"body one", change_key="ck1b", parent_id="archive")
        assert lookups == ["m1"]
        w.commit()
    vs = repo.versions(U, "Exchange", "m1")  # one restore point keeps one version of an item: the latest
    assert [(v.folder, v.to_seq) for v in vs] == [("Archive", None)]
    assert {v.item_id for v in repo.view().items(U)} == {"m1", "m2"}


def test_second_run_is_not_a_first_backup(repo: Any) -> None:
    with repo.writer("job", "org") as w:
        w.begin_restore_point()
        UnitContext(writer=w, obj=U, service="Exchange", graph=None).put("m1", "Inbox", {}, b"x", change_key="a")
        w.commit()
    with repo.writer("job", "org") as w:
        w.begin_restore_point()
        u = UnitContext(writer=w, obj=U, service="Exchange", graph=None)
        assert not u.first_backup and u.known("m1", "a", None)
        assert UnitContext(writer=w, obj=U, service="OneDrive", graph=None).first_backup  # per service
        w.commit()
