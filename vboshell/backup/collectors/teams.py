"""Microsoft Teams collector: team settings, channels, channel posts (message delta) with their replies, and the
channel files through the team site's document library."""

from __future__ import annotations

import re
from typing import Any

from vboshell.backup.collectors.base import DeltaReader, UnitContext, UnitWarning, as_json, required_id
from vboshell.backup.collectors.drives import collect_drive
from vboshell.graph.errors import GraphError


def _meta(m: dict[str, Any], kind: str, ch: dict[str, Any]) -> dict[str, Any]:
    md = {k: v for k, v in m.items() if not k.startswith("@") and k != "body"}
    md.update({"type": kind, "channelId": ch["id"], "channelName": ch.get("displayName")})
    return md


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}T")


def _body(m: dict[str, Any]) -> None:
    """A message's body is its content: a message without one (or with one of the wrong type) is malformed."""
    if not isinstance(m.get("body"), dict):
        raise ValueError(f"message without its body ({type(m.get('body')).__name__})")


def _deleted(m: dict[str, Any]) -> bool:
    """Whether a message is soft-deleted. A deletedDateTime that is neither a date string nor null is malformed
    (ValueError: the message fails and its channel is read again), never taken for a deletion."""
    d = m.get("deletedDateTime")
    if d is None:
        return False
    if not isinstance(d, str) or not _DATE.match(d):
        raise ValueError(f"deletedDateTime is not a date ({type(d).__name__})")
    return True


def _ck(m: dict[str, Any]) -> str | None:
    ck = m.get("etag") or m.get("lastModifiedDateTime")
    return ck if isinstance(ck, str) else None


def collect_team(u: UnitContext) -> None:
    gid = u.obj.external_id
    g = u.graph
    try:
        team = g.get_json(f"/teams/{gid}")
    except GraphError as exc:
        if exc.status in (403, 404):
            raise UnitWarning(f"Team cannot be read ({exc.code}): {exc.message}") from None
        raise
    tmeta = {k: v for k, v in team.items() if not k.startswith("@")}
    tmeta["type"] = "team"
    u.put("team", "", tmeta, as_json(tmeta))
    channels = list(g.paged(f"/teams/{gid}/channels"))
    files_drive: tuple[str, str] | None = None
    for ch in channels:
        u.check_stop()
        # a malformed channel row (missing id, wrong types) is skipped with a warning; the other channels go on
        with u.guard(ch.get("id") if isinstance(ch, dict) else ch):
            cid = required_id(ch, "channel")
            cmeta = {k: v for k, v in ch.items() if not k.startswith("@")}
            cmeta["type"] = "channel"
            u.put(cid, "", cmeta, as_json(cmeta), parent_id="team")
            _collect_channel(u, gid, ch)
            if files_drive is None:
                try:
                    ff = g.get_json(f"/teams/{gid}/channels/{cid}/filesFolder")
                    ref = ff.get("parentReference") if isinstance(ff, dict) else None
                    did = ref.get("driveId") if isinstance(ref, dict) else None
                    if isinstance(did, str) and did:
                        files_drive = (did, "Files")
                except GraphError as exc:
                    if exc.status not in (403, 404):
                        raise
    if files_drive is not None:
        collect_drive(u, files_drive[0], files_drive[1], prefix="Files")


def _collect_channel(u: UnitContext, gid: str, ch: dict[str, Any]) -> None:
    cid = ch["id"]
    name = ch.get("displayName") or cid
    key = f"channel:{cid}"
    token, _extra = u.get_state(key)
    had = u.had_state(key)
    first = f"/teams/{gid}/channels/{cid}/messages/delta"
    seen: set[str] = set()

    rd = DeltaReader(u, f"channel '{name}'", token, first, None, on_restart=seen.clear)
    failed_before = u.counters.failed
    for m in rd:
        u.check_stop()
        with u.guard(m.get("id") if isinstance(m, dict) else m):
            mid = required_id(m, "channel message")
            if m.get("@removed") is not None:
                _delete_post(u, mid)
                continue
            seen.add(mid)
            if _deleted(m):  # soft-deleted root post: its replies stay in the channel
                u.delete(mid)
                _collect_replies(u, gid, ch, mid, reconcile=True)
                continue
            existed = u.stored(mid) is not None
            if not u.known(mid, _ck(m), cid):
                _body(m)
                u.put(mid, name, _meta(m, "post", ch), as_json(m), change_key=_ck(m), parent_id=cid)
            else:
                u.counters.skipped += 1
            _collect_replies(u, gid, ch, mid, reconcile=existed)
    full, link = rd.full, rd.link
    if full and (had or u.full) and u.counters.failed == failed_before:
        for mid, _p in u.children([cid]):
            if mid not in seen:
                _delete_post(u, mid)
    u.set_state(key, link if u.counters.failed == failed_before else None)


def _collect_replies(u: UnitContext, gid: str, ch: dict[str, Any], mid: str, reconcile: bool) -> None:
    cid = ch["id"]
    present: set[str] = set()
    failed_before = u.counters.failed
    for r in u.graph.paged(f"/teams/{gid}/channels/{cid}/messages/{mid}/replies"):
        with u.guard(r.get("id") if isinstance(r, dict) else r):
            rid = required_id(r, "reply")
            if _deleted(r):
                u.delete(rid)
                continue
            present.add(rid)
            if u.known(rid, _ck(r), mid):
                u.counters.skipped += 1
                continue
            _body(r)
            u.put(rid, str(ch.get("displayName") or cid), _meta(r, "reply", ch), as_json(r), change_key=_ck(r),
                  parent_id=mid)
    if reconcile and u.counters.failed == failed_before:  # replies that disappeared without a soft delete
        for rid, _p in u.children([mid]):
            if rid not in present:
                u.delete(rid)


def _delete_post(u: UnitContext, mid: str) -> None:
    for rid, _p in u.children([mid]):
        u.delete(rid)
    u.delete(mid)
