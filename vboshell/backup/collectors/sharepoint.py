"""SharePoint site collector: every document library through the drive collector, generic lists item by item
(fields kept, list delta), the pages library as files, and the API-only note about non-exportable web parts."""

from __future__ import annotations

from typing import Any

from vboshell.backup.collectors.base import DeltaReader, UnitContext, UnitWarning, as_json, required_id
from vboshell.backup.collectors.drives import collect_drive
from vboshell.graph.errors import GraphError

_SKIP_TEMPLATES = {"documentlibrary", "webpagelibrary", "mysitedocumentlibrary"}
_PAGE_TEMPLATES = {"webpagelibrary"}


def collect_site(u: UnitContext) -> None:
    sid = u.obj.external_id
    g = u.graph
    try:
        drives = list(g.paged(f"/sites/{sid}/drives", params={"$select": "id,name,driveType,webUrl"}))
    except GraphError as exc:
        if exc.status in (401, 403, 404):
            raise UnitWarning(f"Site cannot be read ({exc.code}): {exc.message}") from None
        raise
    for d in drives:
        u.check_stop()
        collect_drive(u, d["id"], d.get("name") or "Documents", prefix=d.get("name") or "Documents")
    try:
        lists = list(g.paged(f"/sites/{sid}/lists",
                             params={"$select": "id,name,displayName,webUrl,list,system,createdDateTime,"
                                                "lastModifiedDateTime"}))
    except GraphError as exc:
        u.warn("Lists not backed up", f"{exc.code}: {exc.message}")
        return
    for li in lists:
        u.check_stop()
        info = li.get("list") if isinstance(li.get("list"), dict) else {}
        template = str(info.get("template") or "").lower()
        if template in _PAGE_TEMPLATES:
            u.log("Info", f"Site pages of '{u.obj.name}' backed up as files; web parts skipped",
                  "Web parts whose export mode does not allow export cannot be read in API-only mode and were "
                  "skipped (the pages themselves are backed up as files of the Site Pages library).")
            continue
        if template in _SKIP_TEMPLATES or info.get("hidden") or li.get("system") is not None:
            continue
        with u.guard(li.get("displayName")):
            _collect_list(u, sid, li)


def _collect_list(u: UnitContext, sid: str, li: dict[str, Any]) -> None:
    lid = li["id"]
    list_item_id = f"list:{lid}"
    name = li.get("displayName") or li.get("name") or lid
    g = u.graph
    cols: list[dict[str, Any]] = []
    try:
        for c in g.paged(f"/sites/{sid}/lists/{lid}/columns"):
            ctype = next((k for k in c if k not in ("id", "name", "displayName", "columnGroup", "hidden", "readOnly",
                                                     "required", "description", "indexed", "enforceUniqueValues")
                          and isinstance(c.get(k), dict)), None)
            cols.append({"name": c.get("name"), "displayName": c.get("displayName"), "type": ctype})
    except GraphError:
        pass
    lmeta = {k: v for k, v in li.items() if not k.startswith("@")}
    lmeta.update({"type": "list", "template": (li.get("list") or {}).get("template"), "columns": cols})
    u.put(list_item_id, "Lists", lmeta, as_json(lmeta), parent_id=None)
    key = f"list:{lid}"
    token, _extra = u.get_state(key)
    had = u.had_state(key)
    first = f"/sites/{sid}/lists/{lid}/items/delta"
    params = {"$expand": "fields"}
    seen: set[str] = set()

    rd = DeltaReader(u, f"list '{name}'", token, first, params, on_restart=seen.clear)
    failed_before = u.counters.failed
    for it in rd:
        u.check_stop()
        with u.guard(it.get("id") if isinstance(it, dict) else it):
            iid = required_id(it, "list item")
            item_id = f"{list_item_id}:item:{iid}"
            if it.get("@removed") is not None or it.get("deleted") is not None:
                u.delete(item_id)
                continue
            seen.add(item_id)
            ck = it.get("eTag") or it.get("@odata.etag")
            ck = ck if isinstance(ck, str) else None
            if u.known(item_id, ck, list_item_id):
                u.counters.skipped += 1
                continue
            fields = it.get("fields")
            if not isinstance(fields, dict):  # the item's values are its content: not stored without them
                raise ValueError(f"list item {iid} without its fields ({type(fields).__name__})")
            md = {k: v for k, v in it.items() if not k.startswith("@") and k != "fields"}
            md.update({"type": "listItem", "listId": lid, "listName": name, "fields": fields})
            u.put(item_id, f"Lists/{name}", md, as_json(fields), change_key=ck, parent_id=list_item_id)
    full, link = rd.full, rd.link
    if full and (had or u.full) and u.counters.failed == failed_before:
        for item_id, _p in u.children([list_item_id]):
            if item_id not in seen:
                u.delete(item_id)
    u.set_state(key, link if u.counters.failed == failed_before else None)
