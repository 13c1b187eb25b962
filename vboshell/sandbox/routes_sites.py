"""SharePoint endpoints of the sandbox: sites (search, getAllSites, by path), site drives, lists and list items
(+ delta and creation). Document-library lists expose their files as list items."""

from __future__ import annotations

from typing import Any

from vboshell.sandbox.app import Ctx, GraphError, Resp, SandboxApp, apply_select
from vboshell.sandbox.delta import delta_round
from vboshell.sandbox.model import Item, SandboxError, Site, SPList, Tenant, iso
from vboshell.sandbox.routes_directory import paged
from vboshell.sandbox.routes_files import FILES_READ, drive_json, site_ref

SITES_READ = ("Sites.Read.All", "Sites.ReadWrite.All", "Sites.FullControl.All", "Sites.Manage.All")
SITES_WRITE = ("Sites.ReadWrite.All", "Sites.FullControl.All", "Sites.Manage.All")


def site_json(t: Tenant, s: Site, sel: set[str] | None = None) -> dict[str, Any]:
    _host, col, web = s.id.split(",")
    d = {"createdDateTime": iso(s.created), "description": f"{s.display_name} site", "id": s.id,
         "lastModifiedDateTime": iso(s.created + 86400), "name": s.name or s.hostname, "webUrl": s.web_url,
         "displayName": s.display_name, "isPersonalSite": s.personal,
         "siteCollection": {"hostname": s.hostname, **({"root": {}} if s.is_root else {})},
         "sharepointIds": {"siteId": col, "webId": web, "siteUrl": s.web_url, "tenantId": t.id}}
    if s.is_root:
        d["root"] = {}
    return apply_select(d, sel)


def list_json(t: Tenant, s: Site, li: SPList, sel: set[str] | None = None) -> dict[str, Any]:
    d = {"@odata.etag": f'"{li.id},1"', "createdDateTime": iso(li.created), "description": "", "eTag": f'"{li.id},1"',
         "id": li.id, "lastModifiedDateTime": iso(li.created + 3600), "name": li.name, "displayName": li.display_name,
         "webUrl": f"{s.web_url}/Lists/{li.name}" if li.template != "documentLibrary" else f"{s.web_url}/{li.name}",
         "createdBy": {"user": {"displayName": "System Account"}},
         "parentReference": {"siteId": s.id},
         "list": {"contentTypesEnabled": False, "hidden": li.hidden, "template": li.template}}
    if li.system:
        d["system"] = {}
    return apply_select(d, sel)


def list_item_json(t: Tenant, s: Site, li: SPList, it: Item, expand: bool, sel: set[str] | None) -> dict[str, Any]:
    iid = str(it.idx + 1)
    etag = f'"{li.id[:8]}-{it.idx:04d},{it.version}"'
    d: dict[str, Any] = {"@odata.etag": etag, "createdDateTime": iso(it.created), "eTag": etag, "id": iid,
                         "lastModifiedDateTime": iso(it.modified), "webUrl": f"{s.web_url}/Lists/{li.name}/{iid}_.000",
                         "createdBy": {"user": {"displayName": "System Account"}},
                         "lastModifiedBy": {"user": {"displayName": "System Account"}},
                         "parentReference": {"id": li.id, "siteId": s.id},
                         "contentType": {"id": "0x0100" + li.id.replace("-", "").upper()[:30], "name": "Item"}}
    if expand:
        f = {"@odata.etag": etag, "Title": it.name, **{k: v for k, v in it.attrs.items() if k != "gen"},
             "id": iid, "ContentType": "Item", "Modified": iso(it.modified), "Created": iso(it.created),
             "AuthorLookupId": "6", "EditorLookupId": "6", "_UIVersionString": f"{it.version}.0", "Attachments": False,
             "Edit": "", "LinkTitleNoMenu": it.name, "LinkTitle": it.name, "ItemChildCount": "0",
             "FolderChildCount": "0", "_ComplianceFlags": "", "_ComplianceTag": "", "_ComplianceTagWrittenTime": "",
             "_ComplianceTagUserId": "", "AppAuthorLookupId": None}
        d["fields"] = f
    return apply_select(d, sel)


def register(app: SandboxApp) -> None:
    t = app.tenant

    def visible_sites() -> list[Site]:
        return list(t.sites)

    @app.route("GET", "/sites", "sites", SITES_READ, cost=2)
    def sites(ctx: Ctx) -> Resp:
        q = ctx.q("search")
        if q is None:
            raise GraphError(400, "invalidRequest", "Either the search query parameter or $filter is required.")
        ql = q.strip().strip('"').lower()
        rows = (site_json(t, s, ctx.select()) for s in visible_sites() if not s.personal and
                (ql in ("*", "") or ql in s.display_name.lower() or ql in s.web_url.lower()))
        return paged(ctx, "/sites", rows, "sites", 200, 500)

    @app.route("GET", "/sites/getAllSites", "sites", SITES_READ, cost=2)
    def all_sites(ctx: Ctx) -> Resp:
        return paged(ctx, "/sites/getAllSites", (site_json(t, s, ctx.select()) for s in visible_sites()), "sites", 200, 1000)

    @app.route("GET", "/sites/{sid}", "sites", SITES_READ)
    def site_one(ctx: Ctx, sid: str) -> Resp:
        return Resp(200, site_json(t, site_ref(t, sid), ctx.select()))

    @app.route("GET", "/sites/{sid}/sites", "sites", SITES_READ, cost=2)
    def subsites(ctx: Ctx, sid: str) -> Resp:
        site_ref(t, sid)
        return Resp(200, {"@odata.context": f"{ctx.graph}/$metadata#sites", "value": []})

    @app.route("GET", "/sites/{sid}/drives", "files", FILES_READ, cost=2)
    def site_drives(ctx: Ctx, sid: str) -> Resp:
        s = site_ref(t, sid)
        return paged(ctx, f"/sites/{sid}/drives", (drive_json(t, d, ctx.select()) for d in s.drives), "drives", 200, 1000)

    @app.route("GET", "/groups/{gid}/sites/root", "sites", SITES_READ)
    def group_site(ctx: Ctx, gid: str) -> Resp:
        g = t.groups_by_id.get(gid)
        if g is None or not g.site_id:
            raise SandboxError(404, "Request_ResourceNotFound", f"Resource '{gid}' does not exist.")
        return Resp(200, site_json(t, t.sites_by_id[g.site_id], ctx.select()))

    def get_list(s: Site, lid: str) -> SPList:
        for li in s.lists:
            if li.id == lid or li.name.lower() == lid.lower() or li.display_name.lower() == lid.lower():
                return li
        raise SandboxError(404, "itemNotFound", "The specified list was not found")

    @app.route("GET", "/sites/{sid}/lists", "sites", SITES_READ, cost=2)
    def lists(ctx: Ctx, sid: str) -> Resp:
        s = site_ref(t, sid)
        return paged(ctx, f"/sites/{sid}/lists", (list_json(t, s, li, ctx.select()) for li in s.lists), "lists", 200, 1000)

    @app.route("GET", "/sites/{sid}/lists/{lid}", "sites", SITES_READ)
    def list_one(ctx: Ctx, sid: str, lid: str) -> Resp:
        s = site_ref(t, sid)
        return Resp(200, list_json(t, s, get_list(s, lid), ctx.select()))

    @app.route("GET", "/sites/{sid}/lists/{lid}/columns", "sites", SITES_READ, cost=2)
    def columns(ctx: Ctx, sid: str, lid: str) -> Resp:
        s = site_ref(t, sid)
        li = get_list(s, lid)
        if li.template == "documentLibrary" or li.items is None:
            cols = [("FileLeafRef", "text"), ("Title", "text")]
        else:
            first = next(iter(li.items.items()), None)
            kinds = {bool: "boolean", int: "number", float: "number", str: "text"}
            cols = [("Title", "text")] + [(k, kinds.get(type(v), "text")) for k, v in (first.attrs if first else {}).items()
                                          if k != "gen"]
        return Resp(200, {"value": [{"id": f"{li.id[:8]}-{n}", "name": c, "displayName": c, "columnGroup": "Custom Columns",
                                     "hidden": False, "readOnly": False, "required": c == "Title", c_type: {}}
                                    for n, (c, c_type) in enumerate(cols)]})

    def items_of(s: Site, li: SPList) -> tuple[Any, Any]:
        """(container, parent filter) of a list's items; a document library maps onto its drive's files."""
        if li.items is not None:
            return li.items, ...
        assert li.drive_id is not None
        return t.drives[li.drive_id].items, ...

    def render_item(s: Site, li: SPList, it: Item, expand: bool, sel: set[str] | None) -> dict[str, Any]:
        if li.items is None:  # library: a file/folder as a list item
            d = t.drives[li.drive_id or ""]
            body = list_item_json(t, s, li, it, False, sel)
            body["contentType"] = {"id": "0x0101", "name": "Document" if not it.attrs.get("folder") else "Folder"}
            if expand:
                body["fields"] = {"FileLeafRef": it.name, "Title": it.name, "id": str(it.idx + 1),
                                  "Modified": iso(it.modified), "Created": iso(it.created),
                                  "FileSizeDisplay": str(it.size), "ContentType": body["contentType"]["name"]}
            body["webUrl"] = d.web_url + "/" + d.path_of(it)
            return body
        return list_item_json(t, s, li, it, expand, sel)

    def expand_fields(ctx: Ctx) -> bool:
        return "fields" in (ctx.q("$expand") or "")

    @app.route("GET", "/sites/{sid}/lists/{lid}/items", "sites", SITES_READ, cost=2)
    def list_items(ctx: Ctx, sid: str, lid: str) -> Resp:
        s = site_ref(t, sid)
        li = get_list(s, lid)
        c, par = items_of(s, li)
        ex = expand_fields(ctx)
        sel = ctx.select()
        rows = (render_item(s, li, it, ex, sel) for it in c.items(par) if it.idx != 0 or li.items is not None)
        return paged(ctx, f"/sites/{sid}/lists/{lid}/items", rows, "listItems", 200, 5000)

    @app.route("GET", "/sites/{sid}/lists/{lid}/items/delta", "sites", SITES_READ, cost=2)
    def list_items_delta(ctx: Ctx, sid: str, lid: str) -> Resp:
        s = site_ref(t, sid)
        li = get_list(s, lid)
        c, par = items_of(s, li)
        return delta_round(ctx, scope=f"l:{li.id}", container=c, parent=par, path=f"/sites/{sid}/lists/{lid}/items/delta",
                           render=lambda it, sel: render_item(s, li, it, True, sel),
                           removed=lambda idx, p: {"id": str(idx + 1), "@removed": {"reason": "deleted"},
                                                   "deleted": {"state": "deleted"}},
                           default_page=200, max_page=1000, kind="drive", token_param="token", skip_param="token")

    @app.route("GET", "/sites/{sid}/lists/{lid}/items/{iid}", "sites", SITES_READ)
    def list_item_one(ctx: Ctx, sid: str, lid: str, iid: str) -> Resp:
        s = site_ref(t, sid)
        li = get_list(s, lid)
        c, _ = items_of(s, li)
        try:
            it = c.get(int(iid) - 1)
        except ValueError:
            it = None
        if it is None:
            raise SandboxError(404, "itemNotFound", "The specified list item was not found")
        return Resp(200, render_item(s, li, it, True, ctx.select()))

    @app.route("GET", "/sites/{sid}/lists/{lid}/items/{iid}/versions", "sites", SITES_READ, cost=2)
    def list_item_versions(ctx: Ctx, sid: str, lid: str, iid: str) -> Resp:
        r = list_item_one(ctx, sid, lid, iid)
        b = r.body
        return Resp(200, {"value": [{"id": f"{b['fields'].get('_UIVersionString', '1.0')}",
                                     "lastModifiedDateTime": b["lastModifiedDateTime"], "fields": b["fields"]}]})

    @app.route("GET", "/sites/{sid}/lists/{lid}/drive", "files", FILES_READ)
    def list_drive(ctx: Ctx, sid: str, lid: str) -> Resp:
        s = site_ref(t, sid)
        li = get_list(s, lid)
        if li.drive_id is None:
            raise SandboxError(404, "itemNotFound", "This list has no drive")
        return Resp(200, drive_json(t, t.drives[li.drive_id], ctx.select()))

    @app.route("POST", "/sites/{sid}/lists/{lid}/items", "sites", SITES_WRITE, cost=2)
    def list_item_create(ctx: Ctx, sid: str, lid: str) -> Resp:
        s = site_ref(t, sid)
        li = get_list(s, lid)
        if li.items is None:
            raise GraphError(400, "invalidRequest", "Use the drive API to add files to a document library.")
        fields = ctx.json_body().get("fields")
        if not isinstance(fields, dict):
            raise GraphError(400, "invalidRequest", "The 'fields' object is required.")
        iid = t.add_list_item(s.id, li.id, fields)
        it = li.items.get(int(iid) - 1)
        assert it is not None
        return Resp(201, list_item_json(t, s, li, it, True, None))

    @app.route("PATCH", "/sites/{sid}/lists/{lid}/items/{iid}/fields", "sites", SITES_WRITE, cost=2)
    def list_item_patch(ctx: Ctx, sid: str, lid: str, iid: str) -> Resp:
        s = site_ref(t, sid)
        li = get_list(s, lid)
        t.update_list_item(s.id, li.id, iid, ctx.json_body())
        return Resp(200, list_item_one(ctx, sid, lid, iid).body["fields"])

    @app.route("DELETE", "/sites/{sid}/lists/{lid}/items/{iid}", "sites", SITES_WRITE, cost=2)
    def list_item_delete(ctx: Ctx, sid: str, lid: str, iid: str) -> Resp:
        s = site_ref(t, sid)
        li = get_list(s, lid)
        t.delete_list_item(s.id, li.id, iid)
        return Resp(204)
