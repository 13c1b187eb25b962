"""OneDrive and SharePoint document-library collector: one drive delta per drive, files streamed from their
download URL, folders and OneNote notebooks (package folders) kept as items, deletions and moves by id."""

from __future__ import annotations

from typing import Any

from vboshell.backup.collectors.base import (
    DeltaReader,
    Prefetcher,
    UnitContext,
    UnitSkipped,
    UnitWarning,
    fetch_content,
    fetched,
    required_id,
)
from vboshell.graph.errors import GraphError
from vboshell.graph.throttle import Resource

# a file's download (its pre-authenticated URL, or /content and the redirect it answers with) is charged to the
# tenant's SharePoint resource units like any other OneDrive/SharePoint request
SHAREPOINT_DOWNLOAD = Resource("sharepoint", "sharepoint", 1.0)

KEEP = ("id", "name", "size", "createdDateTime", "lastModifiedDateTime", "eTag", "cTag", "webUrl", "createdBy",
        "lastModifiedBy", "file", "folder", "package", "fileSystemInfo", "shared", "description")


def collect_onedrive(u: UnitContext) -> None:
    uid = u.obj.external_id
    known = u.recall("onedrive:drive")
    if known is not None:
        drive = known["value"]
        if not drive:
            raise UnitSkipped("no OneDrive (as of the last check)")
        try:
            collect_drive(u, drive["id"], drive["name"], prefix="")
            return
        except GraphError as exc:
            if exc.status not in (404, 410):
                raise
            # the remembered drive is gone (OneDrive re-provisioned or removed): look it up again
    try:
        drive = u.graph.get_json(f"/users/{uid}/drive", params={"$select": "id,name,driveType,webUrl"})
    except GraphError as exc:
        if exc.status == 404:
            u.remember("onedrive:drive", None)
            if u.params.get("explicit"):
                raise UnitWarning(f"OneDrive is not provisioned for this user ({exc.code}).") from None
            raise UnitSkipped("no OneDrive") from None
        raise
    drive = drive if isinstance(drive, dict) else {}
    did, name = drive.get("id"), drive.get("name")
    if not isinstance(did, str) or not did:
        raise ValueError(f"the user's drive was returned without an id ({type(did).__name__})")
    name = name if isinstance(name, str) and name else "OneDrive"
    u.remember("onedrive:drive", {"id": did, "name": name})
    collect_drive(u, did, name, prefix="")


def _kind(it: dict[str, Any]) -> str:
    if it.get("package") is not None:
        return "package"
    if it.get("folder") is not None:
        return "folder"
    return "file"


def collect_drive(u: UnitContext, drive_id: str, drive_name: str, prefix: str) -> None:
    """Back up one drive. prefix: the path prefix of its items ("" for OneDrive, the library name for SharePoint,
    "Files" for a team's library)."""
    key = f"drive:{drive_id}"
    token, extra = u.get_state(key)
    extra = extra or {}
    had = bool(extra)
    items: dict[str, list[Any]] = dict(extra.get("items") or {})
    before = dict(items)
    root = extra.get("root")
    first = f"/drives/{drive_id}/root/delta"
    changed: list[dict[str, Any]] = []
    deleted: list[str] = []
    seen: set[str] = set()

    def restart() -> None:
        changed.clear()
        deleted.clear()
        seen.clear()

    rd = DeltaReader(u, f"library '{drive_name}'", token, first, None, on_restart=restart)
    failed_listing = u.counters.failed
    try:
        for it in rd:
            u.check_stop()
            with u.guard(it.get("name") if isinstance(it, dict) else it):
                iid = required_id(it, "drive item")
                if it.get("deleted") is not None or it.get("@removed") is not None:
                    deleted.append(iid)
                    continue
                if it.get("root") is not None:
                    root = iid
                    continue
                pref = it.get("parentReference")
                name = it.get("name")
                if not isinstance(pref, dict) or not isinstance(pref.get("id"), str) or not isinstance(name, str):
                    raise ValueError("drive item without a name or parent")
                items[iid] = [name, pref["id"], _kind(it)]
                seen.add(iid)
                changed.append({k: it[k] for k in (*KEEP, "@microsoft.graph.downloadUrl", "parentReference")
                                if k in it})
    except GraphError as exc:
        if exc.status in (401, 403):
            raise UnitWarning(f"Access to library '{drive_name}' was denied ({exc.code}): {exc.message}") from None
        raise
    full = rd.full
    link = rd.link

    def path_of(iid: str | None, depth: int = 0) -> str:
        parts: list[str] = []
        while iid and iid != root and iid in items and depth < 256:
            name, parent, _k = items[iid]
            parts.append(name)
            iid = parent
            depth += 1
        return "/".join(reversed(parts))

    def folder_of(parent: str | None) -> str:
        p = path_of(parent)
        return "/".join(x for x in (prefix, p) if x)

    # deletions (and their descendants we know of)
    gone: set[str] = set(deleted)
    if full and (had or u.full) and u.counters.failed == failed_listing:  # a malformed listing deletes nothing
        gone |= {i for i in items if i not in seen}
    if gone:
        children: dict[str | None, list[str]] = {}
        for i, (_n, p, _k) in items.items():
            children.setdefault(p, []).append(i)
        stack = list(gone)
        while stack:
            i = stack.pop()
            for c in children.get(i, ()):
                if c not in gone and c not in seen:
                    gone.add(c)
                    stack.append(c)
        for i in gone:
            u.delete(i)
            items.pop(i, None)
    # items under a renamed/moved folder keep their id; store them again under the new path (no download)
    if before and not gone >= set(before):

        def old_path(iid: str | None) -> str:
            parts: list[str] = []
            depth = 0
            while iid and iid != root and iid in before and depth < 256:
                parts.append(before[iid][0])
                iid = before[iid][1]
                depth += 1
            return "/".join(reversed(parts))

        for iid, (name, parent, _k) in items.items():
            if iid not in before or before[iid][1] != parent:
                continue  # new or moved itself: stored below with its new path
            if old_path(parent) != path_of(parent):
                u.check_stop()
                full_path = "/".join(x for x in (folder_of(parent), name) if x)
                u.repath(iid, folder_of(parent), {"path": full_path})
    pf = Prefetcher()  # several files' content in flight while earlier ones are stored
    u.on_stop.append(lambda: pf.finish_on_stop(lambda key, fut: _store_file(u, key, fut)))
    for it in changed:
        u.check_stop()
        with u.guard(it.get("name")):
            iid = it["id"]
            if iid in gone or iid not in items:
                continue
            name, parent, kind = items[iid]
            md = {k: v for k, v in it.items() if k in KEEP}
            md.update({"type": kind, "driveId": drive_id, "driveName": drive_name, "parentId": parent,
                       "path": "/".join(x for x in (folder_of(parent), name) if x)})
            ck = it.get("eTag") or it.get("cTag")
            ck = ck if isinstance(ck, str) else None
            if kind != "file":
                u.put(iid, folder_of(parent), md, b"", change_key=ck, parent_id=parent)
                continue
            if u.known(iid, ck, parent):
                u.counters.skipped += 1
                u.repath(iid, folder_of(parent), {"path": md["path"]})  # a full round after a folder rename
                continue
            url = it.get("@microsoft.graph.downloadUrl")
            url = url if isinstance(url, str) else f"/drives/{drive_id}/items/{iid}/content"
            for done in pf.add((iid, folder_of(parent), md, ck, parent),
                               _fetch_file(u.graph.aio, drive_id, iid, url)):
                _store_file(u, *done)
    for done in pf.drain():  # stored before the drive's delta link
        _store_file(u, *done)
    # after a file that could not be read the next run makes a full round (listing only; stored files are not
    # downloaded again), so nothing is lost silently
    u.set_state(key, link if u.counters.failed == failed_listing else None, {"items": items, "root": root})


async def _fetch_file(aio: Any, drive_id: str, iid: str, url: str) -> Any:
    """A file's content. Graph's version history of the file is not asked for: it would cost one more SharePoint
    request per file (half the budget of a OneDrive backup) for metadata no restore can use; the repository keeps
    the versions it backed up itself (Start-VEODRestoreSession -ShowAllVersions)."""
    content_url = f"/drives/{drive_id}/items/{iid}/content"
    try:
        return await fetch_content(aio, url, SHAREPOINT_DOWNLOAD)
    except GraphError as exc:
        if exc.status in (401, 403) and url != content_url:  # an expired pre-authenticated URL: ask Graph again
            return await fetch_content(aio, content_url, SHAREPOINT_DOWNLOAD)
        raise


def _store_file(u: UnitContext, key: tuple[str, str, dict[str, Any], str | None, str | None], fut: Any) -> None:
    iid, folder, md, ck, parent = key
    content = fetched(u, fut, f"file '{md['path']}'")
    if content is None:
        return
    u.put(iid, folder, md, content, change_key=ck, parent_id=parent)
