"""Incremental runs reuse what earlier runs found out about each object (the OneDrive's id, whether there is an
archive mailbox) instead of asking Graph again: the requests of an incremental follow the changes. Full runs ask
again, new objects are looked up, and "none" answers are re-checked after DISCOVERY_TTL_SECONDS."""

from __future__ import annotations

from typing import Any

from tests.backup.conftest import compare_with_truth

DRIVE_LOOKUP = "GET /drives/{did}"  # the sandbox's name for GET /users/{id}/drive
ARCHIVE_LOOKUP = "GET /users/{uid}/settings/exchange"


def _lookups(sb: Any) -> tuple[int, int]:
    per = sb.counters()["per_endpoint"]
    return per.get(DRIVE_LOOKUP, 0), per.get(ARCHIVE_LOOKUP, 0)


def test_incremental_skips_lookups_and_full_run_repeats_them(fresh_env: Any) -> None:
    env, sb = fresh_env, fresh_env.sb
    job = env.job()
    sb.reset_counters()
    assert env.backup(job).status == "Success"
    drives_first, archives_first = _lookups(sb)
    assert drives_first > 0 and archives_first > 0
    # a change in a OneDrive: found through the remembered drive, no look-ups
    alice = sb.truth.users()[0]["id"]
    sb.mutate.add_file(sb.truth.drive_id(alice), None, "after-first-run.txt", b"new content")
    sb.reset_counters()
    s2 = env.backup(job)
    assert s2.status == "Success", [(e.type, e.title, e.message) for e in env.logs(s2) if e.type != "Info"]
    assert _lookups(sb) == (0, 0)
    compare_with_truth(sb, env.repo())
    # a new user with an archive mailbox: only that user is looked up
    sb.mutate.add_user(alias="zed", display_name="Zed New", archive=True)
    sb.reset_counters()
    assert env.backup(job).status == "Success"
    assert _lookups(sb) == (1, 1)
    zed = next(u["id"] for u in sb.truth.users() if u.get("userPrincipalName", "").startswith("zed@"))
    view = env.repo().view()
    assert any(v.service == "ExchangeArchive" for v in view.items(zed)), "the new user's archive was not backed up"
    # a full run asks Graph again for every object
    sb.reset_counters()
    assert env.backup(job, full=True).status == "Success"
    assert _lookups(sb) == (drives_first + 1, archives_first + 1)


def test_none_answers_are_rechecked_after_the_ttl(fresh_env: Any, monkeypatch: Any) -> None:
    from vboshell.backup.collectors import base

    env, sb = fresh_env, fresh_env.sb
    job = env.job()
    assert env.backup(job).status == "Success"
    without_archive = sum(1 for u in sb.truth.users() if u.get("purpose") == "user" and not u.get("archive")
                          and u.get("listedInGraph", True))
    monkeypatch.setattr(base, "DISCOVERY_TTL_SECONDS", 0.0)
    sb.reset_counters()
    assert env.backup(job).status == "Success"
    drives, archives = _lookups(sb)
    assert drives == 0  # known drives are used until Graph says they are gone
    assert 0 < archives <= without_archive + 2  # "no archive" answers expired: asked again
