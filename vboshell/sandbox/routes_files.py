"""OneDrive/SharePoint file endpoints of the sandbox: drives, driveItems, children, delta, downloads (302 to a
pre-authenticated URL with Range support), small uploads and upload sessions; plus the path aliases Graph accepts."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any
from urllib.parse import quote, unquote

from vboshell.sandbox import content as C
from vboshell.sandbox.app import Ctx, GraphError, Resp, SandboxApp, apply_select
from vboshell.sandbox.delta import delta_round
from vboshell.sandbox.model import Drive, Item, SandboxError, Tenant, iso

FILES_READ = ("Files.Read.All", "Files.ReadWrite.All", "Sites.Read.All", "Sites.ReadWrite.All", "Sites.FullControl.All")
FILES_WRITE = ("Files.ReadWrite.All", "Sites.ReadWrite.All", "Sites.FullControl.All")
CHUNK = 320 * 1024
MAX_SIMPLE_UPLOAD = 250 * 1024 * 1024  # Graph documents 4 MB as the recommended limit; it accepts up to 250 MB


def _not_found() -> SandboxError:
    return SandboxError(404, "itemNotFound", "The resource could not be found.")


def drive_json(t: Tenant, d: Drive, sel: set[str] | None = None) -> dict[str, Any]:
    used = 0 if d.items.base_count > 5000 else sum(it.size for it in d.items.items() if not it.attrs.get("folder"))
    owner: dict[str, Any]
    if d.owner_kind == "user":
        u = t.users_by_id[d.owner_id]
        owner = {"user": {"email": u.mail, "id": u.id, "displayName": u.display_name}}
    else:
        owner = {"group": {"id": d.owner_id, "displayName": d.owner_name}} if d.owner_kind == "group" else \
            {"user": {"displayName": "System Account"}}
    body = {"createdDateTime": iso(d.created), "description": "", "id": d.id, "lastModifiedDateTime": iso(d.created),
            "name": d.name, "webUrl": d.web_url, "driveType": d.drive_type,
            "createdBy": {"user": {"displayName": "System Account"}}, "lastModifiedBy": {"user": {"displayName": "System Account"}},
            "owner": owner,
            "quota": {"deleted": 0, "remaining": d.quota_total - used, "state": "normal", "total": d.quota_total,
                      "used": used}}
    return apply_select(body, sel)


def item_json(app: SandboxApp, d: Drive, it: Item, sel: set[str] | None, *, delta: bool = False,
              with_url: bool = True) -> dict[str, Any]:
    t = app.tenant
    iid = d.item_id(it.idx)
    tag = f"{{{iid[-8:]}-{it.idx:04d}}},{it.version}"
    is_folder = bool(it.attrs.get("folder"))
    body: dict[str, Any] = {
        "createdDateTime": iso(it.created), "eTag": f'"{tag}"', "id": iid, "lastModifiedDateTime": iso(it.modified),
        "name": it.name if it.idx else "root", "webUrl": d.web_url + ("/" + d.path_of(it) if it.idx else ""),
        "cTag": f'"c:{tag}"', "size": 0 if is_folder else it.size,
        "createdBy": {"user": {"displayName": d.owner_name}}, "lastModifiedBy": {"user": {"displayName": d.owner_name}},
        "fileSystemInfo": {"createdDateTime": iso(it.created), "lastModifiedDateTime": iso(it.modified)},
    }
    if it.idx == 0:
        body["root"] = {}
        body["parentReference"] = {"driveType": d.drive_type, "driveId": d.id}
    else:
        pref: dict[str, Any] = {"driveType": d.drive_type, "driveId": d.id, "id": d.item_id(it.parent)}
        if not delta:
            parent = d.items.get(it.parent)
            ppath = d.path_of(parent) if parent is not None else ""
            pref["path"] = f"/drives/{d.id}/root:" + ("/" + ppath if ppath else "")
            if parent is not None and parent.idx:
                pref["name"] = parent.name
        body["parentReference"] = pref
    if it.attrs.get("package"):
        body["package"] = {"type": it.attrs["package"]}
    elif is_folder:
        body["folder"] = {"childCount": d.items.count(it.idx)}
    else:
        body["file"] = {"mimeType": C.mime_type(it.name), "hashes": {"quickXorHash": t.file_hash(d, it)}}
        if with_url:
            body["@microsoft.graph.downloadUrl"] = download_url(app, d, it)
    return apply_select(body, sel) if sel else body


def download_url(app: SandboxApp, d: Drive, it: Item) -> str:
    from vboshell.sandbox.app import REQUEST_APP

    tok = app.sign({"k": "dl", "d": d.id, "i": it.idx, "v": it.version, "exp": time.time() + 3600,
                    "app": REQUEST_APP.get()})
    return f"{app.base_url}/_download/{tok}"


def rewrite(app: SandboxApp, ctx: Ctx, path: str) -> str:
    t = app.tenant
    # /users/{u}/drive..., /groups/{g}/drive..., /sites/{s}/drive... -> /drives/{id}...
    m = re.match(r"^/(users|groups|sites|me)/([^/]+)/drive(/.*)?$", path)
    if m:
        kind, ref, rest = m.group(1), unquote(m.group(2)), m.group(3) or ""
        if kind == "users":
            u = t.user(ref)
            if not u.listed:
                raise SandboxError(404, "Request_ResourceNotFound", f"Resource '{ref}' does not exist.")
            d = t.user_drive.get(u.id)
            if d is None:
                raise SandboxError(404, "ResourceNotFound", "User's mysite not found.")
        elif kind == "groups":
            g = t.groups_by_id.get(ref)
            if g is None or not g.site_id:
                raise SandboxError(404, "Request_ResourceNotFound", f"Resource '{ref}' does not exist.")
            d = t.sites_by_id[g.site_id].drives[0]
        elif kind == "sites":
            d = site_ref(t, ref).drives[0]
        else:
            raise GraphError(400, "BadRequest", "/me is not available with application permissions.")
        ctx.extra["drive_alias"] = path[: len(path) - len(rest)]
        path = f"/drives/{d.id}{rest}"
    # /sites/{hostname}:/{server-relative-path}[:/rest]
    m = re.match(r"^/sites/([^/:]+):(/[^:]*)(?::(/.*))?$", path)
    if m:
        host, rel, rest = m.group(1), unquote(m.group(2)).rstrip("/"), m.group(3) or ""
        site = next((s for s in t.sites if s.hostname == host and s.web_url.endswith(rel) and
                     (rel or s.is_root)), None)
        if site is None:
            raise SandboxError(404, "itemNotFound", "Requested site could not be found")
        path = f"/sites/{site.id}{rest}"
    # /drives/{d}/root:/{path}[:/rest] and /drives/{d}/items/{id}:/{name}[:/rest]
    m = re.match(r"^/drives/([^/]+)/(root|items/[^/:]+):(/[^:]*)(?::?(/.*)?)$", path)
    if m:
        d = t.drive(m.group(1))
        base = t.resolve_drive_item(d, None if m.group(2) == "root" else m.group(2)[6:])
        rel = unquote(m.group(3)).strip("/")
        rest = m.group(4) or ""
        cur = base
        parts = [p for p in rel.split("/") if p]
        for n, part in enumerate(parts):
            nxt = next((c for c in d.items.items(cur.idx) if c.name.lower() == part.lower()), None)
            if nxt is None:
                if n == len(parts) - 1 and rest in ("/content", "/createUploadSession"):
                    ctx.extra["new_name"] = part
                    return f"/drives/{d.id}/items/{d.item_id(cur.idx)}/_new{rest}"
                raise _not_found()
            cur = nxt
        path = f"/drives/{d.id}/items/{d.item_id(cur.idx)}{rest}"
    m = re.match(r"^/drives/([^/]+)/root(/.*)?$", path)
    if m:
        d = t.drive(m.group(1))
        path = f"/drives/{d.id}/items/{d.item_id(0)}{m.group(2) or ''}"
        if (m.group(2) or "") == "/delta":
            ctx.extra["root_delta"] = True
    m = re.match(r"^/drives/([^/]+)/(items/[^/]+/)?delta\(token='([^']*)'\)$", path)
    if m:
        ctx.extra["delta_token"] = m.group(3)
        path = path[: path.index("delta(")] + "delta"
    return path


def site_ref(t: Tenant, ref: str) -> Any:
    if ref == "root" or ref.lower() == t.sp_host:
        return next(s for s in t.sites if s.is_root)
    s = t.sites_by_id.get(ref)
    if s is None:
        # a bare site-collection id or "host,guid,guid" variations
        s = next((x for x in t.sites if ref in (x.id.split(",")[1], x.id)), None)
    if s is None:
        raise SandboxError(404, "itemNotFound", "Requested site could not be found")
    return s


def get_drive(t: Tenant, did: str) -> Drive:
    d = t.drives.get(did)
    if d is None:
        raise SandboxError(404, "itemNotFound", "The resource could not be found.")
    if d.owner_kind == "user" and not t.users_by_id[d.owner_id].listed:
        raise _not_found()
    return d


def get_item(t: Tenant, d: Drive, iid: str) -> Item:
    idx = d.parse_id(iid)
    it = d.items.get(idx)
    if it is None:
        raise _not_found()
    return it


def _unique_name(d: Drive, parent: int, name: str) -> str:
    names = {c.name.lower() for c in d.items.items(parent)}
    if name.lower() not in names:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    n = 1
    while True:
        cand = f"{stem} {n}{'.' + ext if ext else ''}"
        if cand.lower() not in names:
            return cand
        n += 1


def put_content(app: SandboxApp, d: Drive, parent: Item | None, name: str | None, target: Item | None, data: bytes,
                conflict: str = "replace", simple: bool = False) -> tuple[int, Item]:
    if simple and len(data) > MAX_SIMPLE_UPLOAD:
        raise SandboxError(413, "requestTooLarge", "Simple upload is limited to 250 MB; use an upload session.")
    if target is None:
        assert parent is not None and name is not None
        if not parent.attrs.get("folder"):
            raise SandboxError(400, "invalidRequest", "The parent is not a folder.")
        existing = next((c for c in d.items.items(parent.idx) if c.name.lower() == name.lower()), None)
        if existing is not None:
            if conflict == "fail":
                raise SandboxError(409, "nameAlreadyExists", "The specified item name already exists.")
            if conflict == "rename":
                name = _unique_name(d, parent.idx, name)
            else:
                target = existing
        if target is None:
            it = d.items.add(parent.idx, name, size=len(data), content=data)
            return 201, it
    if target.attrs.get("folder"):
        raise SandboxError(400, "invalidRequest", "Cannot upload content to a folder.")
    it = d.items.update(target.idx, content=data, size=len(data))
    return 200, it


def register(app: SandboxApp) -> None:
    t = app.tenant

    @app.route("GET", "/drives/{did}", "files", FILES_READ)
    def drive_one(ctx: Ctx, did: str) -> Resp:
        return Resp(200, drive_json(t, get_drive(t, did), ctx.select()))

    @app.route("GET", "/users/{uid}/drives", "files", FILES_READ)
    def user_drives(ctx: Ctx, uid: str) -> Resp:
        u = t.user(uid)
        d = t.user_drive.get(u.id) if u.listed else None
        return Resp(200, {"value": [drive_json(t, d, ctx.select())] if d else []})

    @app.route("GET", "/drives/{did}/items/{iid}", "files", FILES_READ)
    def item_one(ctx: Ctx, did: str, iid: str) -> Resp:
        d = get_drive(t, did)
        return Resp(200, item_json(app, d, get_item(t, d, iid), ctx.select()))

    @app.route("GET", "/drives/{did}/items/{iid}/children", "files", FILES_READ, cost=2)
    def children(ctx: Ctx, did: str, iid: str) -> Resp:
        from vboshell.sandbox.routes_directory import paged
        d = get_drive(t, did)
        it = get_item(t, d, iid)
        sel = ctx.select()
        path = ctx.extra.get("drive_alias", f"/drives/{did}") + ("/root" if it.idx == 0 else f"/items/{iid}") + "/children"
        return paged(ctx, path, (item_json(app, d, c, sel) for c in d.items.items(it.idx)), "driveItems", 200, 1000)

    @app.route("GET", "/drives/{did}/items/{iid}/delta", "files", FILES_READ, cost=2)
    def delta(ctx: Ctx, did: str, iid: str) -> Resp:
        d = get_drive(t, did)
        it = get_item(t, d, iid)
        if it.idx != 0:
            raise GraphError(400, "invalidRequest", "Delta is only supported on the root of a business drive.")
        path = ctx.extra.get("drive_alias", f"/drives/{did}") + "/root/delta"

        def removed(idx: int, par: Any) -> dict[str, Any]:
            return {"@odata.type": "#microsoft.graph.driveItem", "id": d.item_id(idx),
                    "parentReference": {"driveType": d.drive_type, "driveId": d.id, "id": d.item_id(par or 0)},
                    "deleted": {"state": "deleted"}, "size": 0, "fileSystemInfo": {}}

        return delta_round(ctx, scope=f"d:{d.id}", container=d.items, parent=..., path=path,
                           render=lambda x, sel: item_json(app, d, x, sel, delta=True), removed=removed,
                           default_page=200, max_page=1000, kind="drive", token_param="token", skip_param="token")

    @app.route("GET", "/drives/{did}/items/{iid}/content", "files", FILES_READ)
    def content(ctx: Ctx, did: str, iid: str) -> Resp:
        d = get_drive(t, did)
        it = get_item(t, d, iid)
        if it.attrs.get("folder") or it.attrs.get("package"):
            raise SandboxError(404, "itemNotFound", "The resource could not be found.")
        return Resp(302, b"", {"Location": download_url(app, d, it)}, ctype="text/plain")

    @app.route("PUT", "/drives/{did}/items/{iid}/content", "files", FILES_WRITE, cost=2)
    def put_existing(ctx: Ctx, did: str, iid: str) -> Resp:
        d = get_drive(t, did)
        it = get_item(t, d, iid)
        conflict = ctx.q("@microsoft.graph.conflictBehavior", "replace") or "replace"
        if conflict in ("fail", "rename") and it.parent is not None:
            parent = d.items.get(it.parent)
            status, new = put_content(app, d, parent, it.name, None, ctx.body, conflict, simple=True)
        else:
            status, new = put_content(app, d, None, None, it, ctx.body, simple=True)
        return Resp(status, item_json(app, d, new, None))

    @app.route("PUT", "/drives/{did}/items/{iid}/_new/content", "files", FILES_WRITE, cost=2)
    def put_new(ctx: Ctx, did: str, iid: str) -> Resp:
        d = get_drive(t, did)
        parent = get_item(t, d, iid)
        conflict = ctx.q("@microsoft.graph.conflictBehavior", "replace") or "replace"
        status, new = put_content(app, d, parent, ctx.extra["new_name"], None, ctx.body, conflict, simple=True)
        return Resp(status, item_json(app, d, new, None))

    def new_session(ctx: Ctx, d: Drive, parent: Item | None, name: str | None, target: Item | None) -> Resp:
        body = ctx.json_body() if ctx.body else {}
        item = body.get("item", {}) if isinstance(body, dict) else {}
        conflict = item.get("@microsoft.graph.conflictBehavior", "replace")
        if target is None and parent is not None and name is not None and conflict == "fail":
            if any(c.name.lower() == name.lower() for c in d.items.items(parent.idx)):
                raise SandboxError(409, "nameAlreadyExists", "The specified item name already exists.")
        sid = uuid.uuid4().hex
        exp = time.time() + 3600 * 24
        app.upload_sessions[sid] = {"drive": d.id, "parent": parent.idx if parent else None, "name": name,
                                    "target": target.idx if target else None, "conflict": conflict,
                                    "data": bytearray(), "total": None, "exp": exp, "app": ctx.client_id}
        return Resp(200, {"@odata.context": f"{ctx.graph}/$metadata#microsoft.graph.uploadSession",
                          "uploadUrl": f"{app.base_url}/_upload/{sid}", "expirationDateTime": iso(exp),
                          "nextExpectedRanges": ["0-"]})

    @app.route("POST", "/drives/{did}/items/{iid}/_new/createUploadSession", "files", FILES_WRITE, cost=2)
    def session_new(ctx: Ctx, did: str, iid: str) -> Resp:
        d = get_drive(t, did)
        return new_session(ctx, d, get_item(t, d, iid), ctx.extra["new_name"], None)

    @app.route("POST", "/drives/{did}/items/{iid}/createUploadSession", "files", FILES_WRITE, cost=2)
    def session_existing(ctx: Ctx, did: str, iid: str) -> Resp:
        d = get_drive(t, did)
        it = get_item(t, d, iid)
        parent = d.items.get(it.parent) if it.parent is not None else None
        body = ctx.json_body() if ctx.body else {}
        conflict = (body.get("item") or {}).get("@microsoft.graph.conflictBehavior", "replace") \
            if isinstance(body, dict) else "replace"
        if conflict in ("fail", "rename"):
            return new_session(ctx, d, parent, it.name, None)
        return new_session(ctx, d, parent, it.name, it)

    @app.route("POST", "/drives/{did}/items/{iid}/children", "files", FILES_WRITE, cost=2)
    def create_child(ctx: Ctx, did: str, iid: str) -> Resp:
        d = get_drive(t, did)
        parent = get_item(t, d, iid)
        body = ctx.json_body()
        name = body.get("name")
        if not isinstance(name, str) or not name or "folder" not in body:
            raise GraphError(400, "invalidRequest", "A folder name and the folder facet are required.")
        conflict = body.get("@microsoft.graph.conflictBehavior", "fail")
        existing = next((c for c in d.items.items(parent.idx) if c.name.lower() == name.lower()), None)
        if existing is not None:
            if conflict == "fail":
                raise SandboxError(409, "nameAlreadyExists", "The specified item name already exists.")
            if conflict == "replace":
                return Resp(200, item_json(app, d, existing, None))
            name = _unique_name(d, parent.idx, name)
        it = d.items.add(parent.idx, name, attrs={"folder": True})
        return Resp(201, item_json(app, d, it, None))

    @app.route("DELETE", "/drives/{did}/items/{iid}", "files", FILES_WRITE, cost=2)
    def delete_item(ctx: Ctx, did: str, iid: str) -> Resp:
        d = get_drive(t, did)
        get_item(t, d, iid)
        t.delete_drive_item(d.id, iid)
        return Resp(204)

    @app.route("PATCH", "/drives/{did}/items/{iid}", "files", FILES_WRITE, cost=2)
    def patch_item(ctx: Ctx, did: str, iid: str) -> Resp:
        d = get_drive(t, did)
        it = get_item(t, d, iid)
        body = ctx.json_body()
        ch: dict[str, Any] = {}
        if isinstance(body.get("name"), str):
            ch["name"] = body["name"]
        pref = body.get("parentReference")
        if isinstance(pref, dict) and pref.get("id"):
            ch["parent"] = get_item(t, d, pref["id"]).idx
        if ch:
            it = d.items.update(it.idx, **ch)
        return Resp(200, item_json(app, d, it, None))

    @app.route("GET", "/drives/{did}/items/{iid}/permissions", "files", FILES_READ, cost=5)
    def permissions(ctx: Ctx, did: str, iid: str) -> Resp:
        d = get_drive(t, did)
        it = get_item(t, d, iid)
        owner: dict[str, Any] = {"displayName": d.owner_name}
        if d.owner_kind == "user":
            u = t.users_by_id[d.owner_id]
            owner = {"displayName": u.display_name, "email": u.mail, "id": u.id}
        perms: list[dict[str, Any]] = [{"id": "aTowIy5mfG1lbWJlcnNoaXB8" + d.item_id(it.idx)[-8:], "roles": ["owner"],
                                        "shareId": None, "hasPassword": False,
                                        "grantedToV2": {"user" if d.owner_kind == "user" else "siteGroup": owner},
                                        "grantedTo": {"user": owner}}]
        if it.idx and it.idx % 5 == 0:  # every fifth item carries an organization sharing link
            perms.append({"id": f"link-{it.idx}", "roles": ["read"], "shareId": f"s!{d.item_id(it.idx)}",
                          "hasPassword": False, "grantedToIdentitiesV2": [],
                          "link": {"scope": "organization", "type": "view", "preventsDownload": False,
                                   "webUrl": f"https://{t.short}.sharepoint.com/:u:/g/{d.item_id(it.idx)}"}})
        if it.parent not in (None, 0):
            for p in perms[:1]:
                p["inheritedFrom"] = {"driveId": d.id, "id": d.item_id(it.parent)}
        return Resp(200, {"value": perms})

    @app.route("GET", "/drives/{did}/items/{iid}/versions", "files", FILES_READ)
    def versions(ctx: Ctx, did: str, iid: str) -> Resp:
        d = get_drive(t, did)
        it = get_item(t, d, iid)
        return Resp(200, {"value": [{"id": f"{it.version}.0", "lastModifiedDateTime": iso(it.modified), "size": it.size,
                                     "lastModifiedBy": {"user": {"displayName": d.owner_name}}}]})


def preauth(app: SandboxApp, method: str, path: str, qs: str, headers: dict[str, str], body: bytes) -> Resp:
    """Pre-authenticated URLs: downloads (Range -> 206), upload-session chunks, report CSVs, mailbox import."""
    t = app.tenant
    parts = path.split("/")
    if parts[1] == "_download" and method in ("GET", "HEAD"):
        p = app.unsign(parts[2]) if len(parts) > 2 else None
        if p is None or p.get("k") != "dl":
            return app.error(401, "unauthenticated", "The download URL is invalid or has expired.")
        with t.lock:
            d = t.drives.get(p["d"])
            it = d.items.get(p["i"]) if d else None
            if d is None or it is None:
                return app.error(404, "itemNotFound", "The resource could not be found.")
            data = t.file_content(d, it)
        th = app.throttle.spo_charge(str(p.get("app", "download")), 1)
        with app.counters.lock:
            app.counters.spo_units += 1
        if th is not None:
            return app._throttled(th, headers, app.throttle.config.spo_status)
        rng = headers.get("range")
        h = {"Accept-Ranges": "bytes", "ETag": f'"{it.version}"',
             "Content-Disposition": f"attachment; filename*=UTF-8''{quote(it.name, safe='')}"}
        if rng:
            m = re.match(r"bytes=(\d*)-(\d*)$", rng.strip())
            if not m or (not m.group(1) and not m.group(2)):
                return Resp(416, b"", {"Content-Range": f"bytes */{len(data)}"})
            if m.group(1):
                a = int(m.group(1))
                b = int(m.group(2)) if m.group(2) else len(data) - 1
            else:
                a = max(0, len(data) - int(m.group(2)))
                b = len(data) - 1
            b = min(b, len(data) - 1)
            if a > b or a >= len(data):
                return Resp(416, b"", {"Content-Range": f"bytes */{len(data)}"})
            h["Content-Range"] = f"bytes {a}-{b}/{len(data)}"
            return Resp(206, data[a:b + 1] if method == "GET" else b"", h, ctype="application/octet-stream")
        return Resp(200, data if method == "GET" else b"", h, ctype="application/octet-stream")
    if parts[1] == "_reports":
        from vboshell.sandbox.routes_misc import report_csv
        p = app.unsign(parts[2]) if len(parts) > 2 else None
        if p is None or p.get("k") != "report":
            return Resp(403, b"AuthenticationFailed", ctype="text/plain")
        with t.lock:
            return Resp(200, report_csv(app, p["r"], p.get("period", "D7")), ctype="application/octet-stream")
    if parts[1] == "_upload" and len(parts) > 3 and parts[2] == "import" and method == "POST":
        from vboshell.sandbox.routes_mail import import_item
        p = app.unsign(parts[3])
        if p is None or p.get("k") != "import":
            return app.error(401, "InvalidAuthenticationToken", "The import URL is invalid or has expired.")
        return import_item(app, p, body)
    if parts[1] == "_upload" and len(parts) == 3:
        return upload_chunk(app, method, parts[2], headers, body)
    return app.error(404, "itemNotFound", "The resource could not be found.")


def upload_chunk(app: SandboxApp, method: str, sid: str, headers: dict[str, str], body: bytes) -> Resp:
    t = app.tenant
    s = app.upload_sessions.get(sid)
    if s is None or s["exp"] < time.time():
        return app.error(404, "itemNotFound", "The upload session was not found or has expired.")
    if method == "DELETE":
        app.upload_sessions.pop(sid, None)
        return Resp(204)
    if method == "GET":
        return Resp(200, {"expirationDateTime": iso(s["exp"]), "nextExpectedRanges": [f"{len(s['data'])}-"]})
    if method != "PUT":
        return app.error(405, "invalidRequest", "Method not allowed.")
    if "authorization" in headers:
        # Graph rejects a bearer token on the pre-authenticated upload URL
        return app.error(401, "unauthenticated", "Do not send an Authorization header to the upload URL.")
    cr = headers.get("content-range", "")
    m = re.match(r"bytes (\d+)-(\d+)/(\d+|\*)$", cr.strip())
    if not m:
        return app.error(400, "invalidRequest", "A valid Content-Range header is required.")
    a, b, total = int(m.group(1)), int(m.group(2)), m.group(3)
    if b - a + 1 != len(body):
        return app.error(400, "invalidRequest", "The Content-Range does not match the body length.")
    total_n = int(total) if total != "*" else None
    have = len(s["data"])
    if a != have:
        r = app.error(416, "invalidRange", "The uploaded fragment overlaps with data that has already been received."
                      if a < have else "The uploaded fragment does not start at the next expected range.")
        return r
    last = total_n is not None and b + 1 == total_n
    if s.get("kind") == "att":  # Outlook attachment session: chunks up to 4 MB, any size
        from vboshell.sandbox.routes_mail import finish_attachment_upload
        if total_n != s["size"] or len(body) > 4 * 1024 * 1024:
            return app.error(400, "ErrorInvalidRequest", "The Content-Range total must equal the attachment size and "
                                                         "chunks must not exceed 4 MB.")
        s["data"] += body
        if not last:
            return Resp(200, {"expirationDateTime": iso(s["exp"]), "nextExpectedRanges": [f"{len(s['data'])}-"]})
        app.upload_sessions.pop(sid, None)
        return finish_attachment_upload(app, s)
    if not last and len(body) % CHUNK:
        return app.error(400, "invalidRequest", "Fragment size must be a multiple of 320 KiB (327,680 bytes).")
    if len(body) > 60 * 1024 * 1024:
        return app.error(413, "requestTooLarge", "Fragments must be smaller than 60 MiB.")
    s["data"] += body
    s["total"] = total_n
    if not last:
        return Resp(202, {"expirationDateTime": iso(s["exp"]), "nextExpectedRanges": [f"{len(s['data'])}-"]})
    with t.lock:
        d = t.drives[s["drive"]]
        parent = d.items.get(s["parent"]) if s["parent"] is not None else None
        target = d.items.get(s["target"]) if s["target"] is not None else None
        try:
            status, it = put_content(app, d, parent, s["name"], target, bytes(s["data"]), s["conflict"])
        except SandboxError as e:
            return app.error(e.status, e.code, e.message)
        app.upload_sessions.pop(sid, None)
        return Resp(status, item_json(app, d, it, None))
