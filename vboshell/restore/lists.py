"""SharePoint list item restore (VESP): writable fields go back with POST/PATCH on /sites/{sid}/lists/{lid}/items;
read-only system fields are left to SharePoint; survey lists get the API-only note about multiple responses."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from vboshell.restore.session import Entry, Operation

SURVEY_NOTE = ("Survey setting 'Allow multiple responses' cannot be restored in API-only mode; survey responses "
               "are restored as list items and the setting keeps its current value.")
READONLY_FIELDS = {
    "id", "ID", "ContentType", "Modified", "Created", "AuthorLookupId", "EditorLookupId", "_UIVersionString",
    "Attachments", "Edit", "LinkTitleNoMenu", "LinkTitle", "ItemChildCount", "FolderChildCount", "_ComplianceFlags",
    "_ComplianceTag", "_ComplianceTagWrittenTime", "_ComplianceTagUserId", "AppAuthorLookupId", "AppEditorLookupId",
    "DocIcon", "FileLeafRef", "FileRef", "FileDirRef", "ContentTypeId", "_ModerationStatus", "GUID", "UniqueId",
    "Author", "Editor", "_HasCopyDestinations", "_CopySource", "owshiddenversion", "WorkflowVersion",
    "_UIVersion", "_Level", "_IsCurrentVersion", "SMTotalSize", "SMLastModifiedDate", "SMTotalFileStreamSize",
    "SMTotalFileCount", "ParentVersionStringLookupId", "ParentLeafNameLookupId", "FileSizeDisplay",
}


def writable_fields(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in (fields or {}).items()
            if k not in READONLY_FIELDS and not k.startswith("@") and not k.startswith("_")}


def item_fields(e: Entry) -> dict[str, Any]:
    f = e.meta.get("fields")
    if isinstance(f, dict):
        return f
    try:
        data = json.loads(e.read() or b"{}")
    except ValueError:
        return {}
    return data.get("fields", data) if isinstance(data, dict) else {}


def list_id_of(e: Entry) -> str:
    lid = e.meta.get("listId")
    if lid:
        return str(lid)
    parts = e.version.item_id.split(":")
    return parts[1] if len(parts) > 1 else ""


def resolve_site(g: Any, ref: str) -> str:
    """A site id from an id ('host,guid,guid') or a URL."""
    if "," in ref and "://" not in ref:
        return ref
    u = urlsplit(ref if "://" in ref else "https://" + ref)
    path = u.path.rstrip("/")
    url = f"/sites/{u.hostname}:{path}" if path else f"/sites/{u.hostname}"
    return str(g.get_json(url)["id"])


def restore_list_items(g: Any, entries: list[Entry], op: Operation, *, site_for: Callable[[Entry], str],
                       target_list: str | None = None, restore_changed: bool = True, restore_deleted: bool = True,
                       templates: dict[str, str] | None = None,
                       progress: Callable[[int, int, str], None] | None = None) -> None:
    """Restore list items into their list (or `target_list` by display name) on the target site."""
    list_ids: dict[tuple[str, str], str] = {}
    survey_noted = False
    items = [e for e in entries if e.type == "listItem"]
    for i, e in enumerate(items, 1):
        if progress:
            progress(i, len(items), e.version.name)
        try:
            site = site_for(e)
            src_list = list_id_of(e)
            key = (site, target_list or src_list)
            lid = list_ids.get(key)
            if lid is None:
                lid = _find_list(g, site, target_list, src_list, str(e.meta.get("listName") or ""))
                list_ids[key] = lid
            tmpl = (templates or {}).get(src_list, "")
            if tmpl.lower() == "survey" and not survey_noted:
                op.warn(SURVEY_NOTE, e.obj)
                survey_noted = True
            fields = writable_fields(item_fields(e))
            same_place = lid == src_list and site == e.obj.external_id
            current = None
            if same_place:
                iid = str(e.meta.get("id") or e.version.item_id.rsplit(":", 1)[-1])
                try:
                    current = g.get_json(f"/sites/{site}/lists/{lid}/items/{iid}", params={"$expand": "fields"})
                except Exception as exc:  # noqa: BLE001
                    if getattr(exc, "status", 0) != 404:
                        raise
            if current is not None:
                now = writable_fields(current.get("fields") or {})
                if all(now.get(k) == v for k, v in fields.items()):
                    op.skip(e, "The list item exists unchanged.")
                    continue
                if not restore_changed:
                    op.skip(e, "The list item was changed; not restored (use -RestoreChangedItems).")
                    continue
                g.send_json("PATCH", f"/sites/{site}/lists/{lid}/items/{current['id']}/fields", fields)
                op.success(e, f"Changed fields restored (item {current['id']})", merged=True)
                continue
            if not restore_deleted:
                op.skip(e, "The list item is missing; not restored (use -RestoreDeletedItems).")
                continue
            new = g.post_json(f"/sites/{site}/lists/{lid}/items", {"fields": fields})
            op.success(e, f"Restored as item {new.get('id')}")
        except Exception as exc:  # noqa: BLE001
            op.fail(e, f"Restore failed: {getattr(exc, 'message', None) or exc}")


def _find_list(g: Any, site: str, target: str | None, src_list: str, src_name: str) -> str:
    lists = list(g.paged(f"/sites/{site}/lists", params={"$select": "id,name,displayName"}))
    if target:
        for li in lists:
            if target.lower() in (str(li.get("displayName", "")).lower(), str(li.get("name", "")).lower(),
                                  str(li.get("id", "")).lower()):
                return str(li["id"])
        raise LookupError(f"The list '{target}' does not exist on the target site.")
    for li in lists:
        if str(li.get("id")) == src_list:
            return src_list
    for li in lists:
        if src_name and src_name.lower() in (str(li.get("displayName", "")).lower(), str(li.get("name", "")).lower()):
            return str(li["id"])
    raise LookupError(f"The list '{src_name or src_list}' does not exist on the target site "
                      "(restore into an existing list with -TargetList).")
