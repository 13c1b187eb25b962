"""Regression guard for a repository problem found while testing restores (fixed in the repository area, f48d819):
after a small incremental backup, the retention run's garbage collection rewrote the one-chunk pack into a pack with
the same content address and then deleted it, so the new version's content was lost ("pack … is missing")."""

from __future__ import annotations

from tests.restore.conftest import Env


def test_small_incremental_version_survives_retention(env: Env) -> None:
    from vboshell.repository.manage import open_repository

    sb = env.sb
    d = sb.truth.drive_id("alice")
    item = next(i for i in sb.truth.drive_items(d) if not i["isFolder"])
    sb.mutate.update_file(drive=d, item=item["id"], data=b"tiny change")
    env.backup()
    repo = open_repository(env.catalog.get_repository(env.repo.id), env.catalog)
    try:
        for iv in repo.view().items(service="OneDrive"):
            repo.read_content(iv)
    finally:
        repo.close()
