"""Outlook endpoints of the sandbox: mail folders (+ delta), messages (+ delta, $value MIME, attachments, writes),
contacts and calendar (+ delta), and the mailbox import/export API used for archive mailboxes."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import email
import email.policy
import time
from typing import Any

from vboshell.sandbox import content as C
from vboshell.sandbox.app import Ctx, GraphError, Resp, SandboxApp, apply_select
from vboshell.sandbox.delta import delta_round
from vboshell.sandbox.model import Folder, Item, Mailbox, SandboxError, Tenant, iso, message_body
from vboshell.sandbox.routes_directory import listed_user, paged

MAIL_READ = ("Mail.Read", "Mail.ReadWrite", "Mail.ReadBasic.All")
MAIL_WRITE = ("Mail.ReadWrite",)
CONTACTS_READ = ("Contacts.Read", "Contacts.ReadWrite")
CONTACTS_WRITE = ("Contacts.ReadWrite",)
CAL_READ = ("Calendars.Read", "Calendars.ReadWrite")
CAL_WRITE = ("Calendars.ReadWrite",)
EXPORT = ("MailboxItem.Export.All", "MailboxItem.ImportExport.All")
MAX_REQUEST_BYTES = 4 * 1024 * 1024


def mbx(t: Tenant, uid: str, kind: str = "primary") -> Mailbox:
    u = listed_user(t, uid)
    return t.mailbox(u.id, kind)


def _folder_counts(mb: Mailbox, fid: str) -> tuple[int, int, int]:
    """(total, unread, size) of a folder, cached on the tenant until a message of the folder changes. The generated
    (base) messages' part is computed once: generating a message is the costly step, and after any change
    anywhere, every mailbox's next folder listing used to regenerate all its messages."""
    t = mb.messages.tenant
    c = mb.messages
    cache: dict[tuple[int, str], tuple[int, tuple[int, int, int]]] = t.__dict__.setdefault("_folder_counts", {})
    key = (c.cno, fid)
    hit = cache.get(key)
    version = c.changes.get(fid, 0)
    if hit is not None and hit[0] == version:
        return hit[1]
    bases: dict[tuple[int, str], dict[int, tuple[int, int]]] = t.__dict__.setdefault("_folder_base_counts", {})
    base = bases.get(key)
    if base is None:
        base = bases[key] = {i: (0 if it.attrs.get("isRead") else 1, _approx_size(it))
                             for i in c.base_indices(fid) for it in (c.get_base(i),)}
    total = unread = size = 0
    ov = c.overlay
    for i, (u, n) in base.items():
        if i not in ov:
            total, unread, size = total + 1, unread + u, size + n
    for it in ov.values():
        if it is not None and it.parent == fid:
            total, unread, size = total + 1, unread + (0 if it.attrs.get("isRead") else 1), size + _approx_size(it)
    if len(cache) > 50000:
        cache.clear()
    cache[key] = (version, (total, unread, size))
    return total, unread, size


def folder_json(mb: Mailbox, f: Folder) -> dict[str, Any]:
    total, unread, size = _folder_counts(mb, f.id)
    return {"id": f.id, "displayName": f.name, "parentFolderId": f.parent_id,
            "childFolderCount": len(mb.children(f.id)), "unreadItemCount": unread,
            "totalItemCount": total, "sizeInBytes": size, "isHidden": f.hidden}


def _approx_size(it: Item) -> int:
    if it.content is not None:
        return len(it.content)
    return 3000 + sum(int(a[2] * 1.37) for a in it.attrs.get("atts", []))


def _addr(p: tuple[str, str] | list[str]) -> dict[str, Any]:
    return {"emailAddress": {"name": p[0], "address": p[1]}}


def message_text(t: Tenant, mb: Mailbox, it: Item) -> str:
    if "body" in it.attrs:
        return str(it.attrs["body"])
    if it.content is not None:
        try:
            msg = email.message_from_bytes(it.content, policy=email.policy.default)
            part = msg.get_body(preferencelist=("plain", "html"))
            return part.get_content() if part is not None else ""
        except Exception:
            return ""
    return message_body(t, mb.messages.cno, it)


def change_key(it: Item) -> str:
    return "CQAAABYAAA" + base64.b64encode(f"{it.seq}.{it.version}".encode()).decode().rstrip("=")


def message_json(t: Tenant, mb: Mailbox, it: Item, sel: set[str] | None, graph: str) -> dict[str, Any]:
    a = it.attrs
    mid = t.message_id(mb, it.idx)
    ck = change_key(it)
    want_body = sel is None or "body" in sel or "bodyPreview" in sel or "uniqueBody" in sel
    text = message_text(t, mb, it) if want_body else ""
    received = a.get("received", it.created)
    d = {
        "@odata.etag": f'W/"{ck}"', "id": mid, "createdDateTime": iso(it.created), "lastModifiedDateTime": iso(it.modified),
        "changeKey": ck, "categories": list(a.get("categories", [])), "receivedDateTime": iso(received),
        "sentDateTime": iso(received - 7), "hasAttachments": bool(a.get("atts")),
        "internetMessageId": a.get("imid"), "subject": it.name, "bodyPreview": text[:255].replace("\n", " "),
        "importance": a.get("importance", "normal"), "parentFolderId": it.parent,
        "conversationId": "AAQkAD" + base64.urlsafe_b64encode(it.name.encode()[:24]).decode().rstrip("="),
        "conversationIndex": base64.b64encode(it.name.encode()[:22].ljust(22, b"\0")).decode(),
        "isDeliveryReceiptRequested": False, "isReadReceiptRequested": False, "isRead": bool(a.get("isRead")),
        "isDraft": bool(a.get("isDraft")), "webLink": f"https://outlook.office365.com/owa/?ItemID={mid}&exvsurl=1&viewmodel=ReadMessageItem",
        "inferenceClassification": "focused",
        "body": {"contentType": "html", "content": "<html><body><p>" + text.replace("\n", "<br>") + "</p></body></html>"},
        "sender": _addr(a["from"]), "from": _addr(a["from"]), "toRecipients": [_addr(x) for x in a.get("to", [])],
        "ccRecipients": [], "bccRecipients": [], "replyTo": [], "flag": {"flagStatus": a.get("flag", "notFlagged")},
    }
    return apply_select(d, sel)


def removed(t: Tenant, mb: Mailbox, idx: int, _par: Any) -> dict[str, Any]:
    return {"@odata.type": "#microsoft.graph.message", "id": t.message_id(mb, idx), "@removed": {"reason": "deleted"}}


def attachments_of(t: Tenant, mb: Mailbox, it: Item) -> list[tuple[str, str, bytes, bool, str | None]]:
    """(name, contentType, bytes, isInline, contentId) of each attachment."""
    if it.content is not None:
        out = []
        try:
            msg = email.message_from_bytes(it.content, policy=email.policy.default)
            for part in msg.iter_attachments():
                data = part.get_payload(decode=True) or b""
                out.append((part.get_filename() or "attachment", part.get_content_type(), data,
                            part.get_content_disposition() == "inline", part.get("Content-ID")))
        except Exception:
            pass
        return out
    return [(name, ctype, t.attachment_bytes(mb.messages, it, n), False, None)
            for n, (name, ctype, _size) in enumerate(it.attrs.get("atts", []))]


def contact_json(t: Tenant, mb: Mailbox, it: Item, sel: set[str] | None) -> dict[str, Any]:
    assert mb.contacts is not None
    a = it.attrs
    ck = change_key(it)
    d = {"@odata.etag": f'W/"{ck}"', "id": t.outlook_id("AAMkAC", mb.contacts.cno, it.idx),
         "createdDateTime": iso(it.created), "lastModifiedDateTime": iso(it.modified), "changeKey": ck, "categories": [],
         "parentFolderId": it.parent, "birthday": None, "fileAs": it.name, "displayName": it.name,
         "givenName": a.get("givenName"), "initials": None, "middleName": None, "nickName": None, "surname": a.get("surname"),
         "title": None, "companyName": a.get("company"), "department": None, "jobTitle": None,
         "businessPhones": [a["phone"]] if a.get("phone") else [], "mobilePhone": None, "homePhones": [],
         "emailAddresses": [{"name": it.name, "address": a["email"]}] if a.get("email") else [],
         "personalNotes": "", "businessAddress": {}, "homeAddress": {}, "otherAddress": {}}
    return apply_select(d, sel)


def event_json(t: Tenant, mb: Mailbox, it: Item, sel: set[str] | None) -> dict[str, Any]:
    assert mb.events is not None
    a = it.attrs
    ck = change_key(it)

    def when(ts: float) -> dict[str, str]:
        return {"dateTime": dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.0000000"), "timeZone": "UTC"}

    eid = t.outlook_id("AAMkAE", mb.events.cno, it.idx)
    d = {"@odata.etag": f'W/"{ck}"', "id": eid, "createdDateTime": iso(it.created),
         "lastModifiedDateTime": iso(it.modified), "changeKey": ck, "categories": [], "transactionId": None,
         "originalStartTimeZone": "UTC", "originalEndTimeZone": "UTC", "iCalUId": "040000008200E00074C5B7101A82E008" + eid[-16:],
         "reminderMinutesBeforeStart": 15, "isReminderOn": True, "hasAttachments": False, "subject": it.name,
         "bodyPreview": str(a.get("body", ""))[:255], "importance": "normal", "sensitivity": "normal",
         "isAllDay": bool(a.get("isAllDay")), "isCancelled": False, "isOrganizer": True, "responseRequested": True,
         "seriesMasterId": None, "showAs": a.get("showAs", "busy"), "type": "singleInstance",
         "webLink": f"https://outlook.office365.com/owa/?itemid={eid}&exvsurl=1&path=/calendar/item",
         "onlineMeetingUrl": None, "isOnlineMeeting": False, "onlineMeetingProvider": "unknown",
         "responseStatus": {"response": "organizer", "time": "0001-01-01T00:00:00Z"},
         "body": {"contentType": "html", "content": f"<html><body>{a.get('body', '')}</body></html>"},
         "start": when(a["start"]), "end": when(a["end"]),
         "location": {"displayName": a.get("location", ""), "locationType": "default"}, "locations": [],
         "recurrence": None, "attendees": [],
         "organizer": {"emailAddress": {"name": mb.user.display_name, "address": mb.user.mail}}}
    return apply_select(d, sel)


def _parse_dt(s: str | None) -> float | None:
    if not s:
        return None
    try:
        return dt.datetime.fromisoformat(s.replace("Z", "+00:00")).replace(tzinfo=dt.UTC).timestamp()
    except ValueError as e:
        raise GraphError(400, "ErrorInvalidParameter", f"The value '{s}' of parameter is invalid.") from e


def _received_filter(expr: str | None) -> float | None:
    if not expr:
        return None
    import re
    m = re.match(r"^\s*receivedDateTime\s+(ge|gt)\s+(\S+)\s*$", expr, re.I)
    if not m:
        raise GraphError(400, "ErrorInvalidUrlQueryFilter", "The query filter contains one or more invalid nodes.")
    return _parse_dt(m.group(2))


def register(app: SandboxApp) -> None:
    t = app.tenant

    # ------------------------------------------------------------------------------------------------ folders
    @app.route("GET", "/users/{uid}/mailFolders", "mail", MAIL_READ)
    def folders(ctx: Ctx, uid: str) -> Resp:
        mb = mbx(t, uid)
        hidden = (ctx.q("includeHiddenFolders") or "").lower() == "true"
        sel = ctx.select()
        rows = (apply_select(folder_json(mb, f), sel) for f in mb.children(mb.root_id, hidden))
        return paged(ctx, f"/users/{uid}/mailFolders", rows, f"users('{uid}')/mailFolders", 10, 1000)

    @app.route("GET", "/users/{uid}/mailFolders/delta", "mail", MAIL_READ)
    def folders_delta(ctx: Ctx, uid: str) -> Resp:
        mb = mbx(t, uid)
        from vboshell.sandbox.delta import read_token
        scope = f"mf:{mb.id}"
        path = f"/users/{uid}/mailFolders/delta"
        tok = read_token(ctx, scope, "mail", path)
        sel = ctx.select()
        page = ctx.max_page(100, 1000)
        if tok is None:
            since, until, cur = None, t.seq, ["", ""]
        else:
            page = int(tok.get("p") or page)
            sel = set(tok["sel"]) if tok.get("sel") else None
            since, until, cur = tok.get("s"), tok.get("u", t.seq), tok.get("c", ["", ""])
        rows: list[tuple[tuple[int, str], dict[str, Any]]] = []
        lo = -1 if since is None else since
        for f in mb.folders.values():
            if f.id == mb.root_id or not mb.in_ipm(f.id):
                continue
            if lo < f.seq <= until:
                rows.append(((f.seq, f.id), apply_select(folder_json(mb, f), sel)))
        if since is not None:
            for seq, fid, _par in mb.folder_tombstones:
                if since < seq <= until and fid not in mb.folders:
                    rows.append(((seq, fid), {"id": fid, "@removed": {"reason": "deleted"}}))
        rows.sort(key=lambda r: r[0])
        rows = [r for r in rows if [r[0][0], r[0][1]] > cur] if tok is not None and "c" in tok else rows
        out = rows[:page]
        from vboshell.sandbox.app import pack_token
        body: dict[str, Any] = {"@odata.context": f"{ctx.graph}/$metadata#Collection(mailFolder)",
                                "value": [r[1] for r in out]}
        base = {"sc": scope, "e": t.delta_epoch, "p": page, "sel": sorted(sel) if sel else None}
        if len(rows) > page:
            body["@odata.nextLink"] = f"{ctx.graph}{path}?$skiptoken=" + pack_token(
                {**base, "s": since, "u": until, "c": [out[-1][0][0], out[-1][0][1]]})
        else:
            body["@odata.deltaLink"] = f"{ctx.graph}{path}?$deltatoken=" + pack_token({**base, "s": until})
        return Resp(200, body)

    @app.route("GET", "/users/{uid}/mailFolders/{fid}", "mail", MAIL_READ)
    def folder_one(ctx: Ctx, uid: str, fid: str) -> Resp:
        mb = mbx(t, uid)
        return Resp(200, apply_select(folder_json(mb, mb.folder(fid)), ctx.select()))

    @app.route("GET", "/users/{uid}/mailFolders/{fid}/childFolders", "mail", MAIL_READ)
    def child_folders(ctx: Ctx, uid: str, fid: str) -> Resp:
        mb = mbx(t, uid)
        f = mb.folder(fid)
        hidden = (ctx.q("includeHiddenFolders") or "").lower() == "true"
        sel = ctx.select()
        rows = (apply_select(folder_json(mb, c), sel) for c in mb.children(f.id, hidden))
        return paged(ctx, f"/users/{uid}/mailFolders/{fid}/childFolders", rows, "mailFolders", 10, 1000)

    def create_folder(ctx: Ctx, uid: str, parent: str) -> Resp:
        body = ctx.json_body()
        name = body.get("displayName")
        if not isinstance(name, str) or not name:
            raise GraphError(400, "ErrorInvalidRequest", "displayName is required.")
        fid = t.add_mail_folder(uid, name, parent)
        mb = mbx(t, uid)
        f = mb.folders[fid]
        f.hidden = bool(body.get("isHidden", False))
        return Resp(201, folder_json(mb, f))

    @app.route("POST", "/users/{uid}/mailFolders", "mail", MAIL_WRITE)
    def folder_create(ctx: Ctx, uid: str) -> Resp:
        mbx(t, uid)
        return create_folder(ctx, uid, "msgfolderroot")

    @app.route("POST", "/users/{uid}/mailFolders/{fid}/childFolders", "mail", MAIL_WRITE)
    def child_create(ctx: Ctx, uid: str, fid: str) -> Resp:
        mbx(t, uid)
        return create_folder(ctx, uid, fid)

    @app.route("DELETE", "/users/{uid}/mailFolders/{fid}", "mail", MAIL_WRITE)
    def folder_delete(ctx: Ctx, uid: str, fid: str) -> Resp:
        mbx(t, uid)
        t.delete_mail_folder(uid, fid)
        return Resp(204)

    # ------------------------------------------------------------------------------------------------ messages
    @app.route("GET", "/users/{uid}/mailFolders/{fid}/messages/delta", "mail", MAIL_READ)
    def messages_delta(ctx: Ctx, uid: str, fid: str) -> Resp:
        mb = mbx(t, uid)
        f = mb.folder(fid)
        fixed = None
        if ctx.q("$filter"):
            fixed = {"ge": _received_filter(ctx.q("$filter"))}

        def mk(fx: dict[str, Any] | None) -> Any:
            if not fx or fx.get("ge") is None:
                return None
            ge = fx["ge"]
            return lambda it: it.attrs.get("received", it.created) >= ge

        return delta_round(ctx, scope=f"m:{mb.id}:{f.id}", container=mb.messages, parent=f.id,
                           path=f"/users/{uid}/mailFolders/{fid}/messages/delta",
                           render=lambda it, sel: message_json(t, mb, it, sel, ctx.graph),
                           removed=lambda idx, par: removed(t, mb, idx, par), default_page=10, max_page=1000,
                           kind="mail", make_predicate=mk, fixed=fixed)

    def list_messages(ctx: Ctx, uid: str, parent: Any, path: str) -> Resp:
        mb = mbx(t, uid)
        sel = ctx.select()
        skip = int(ctx.q("$skip") or 0)
        rows = (message_json(t, mb, it, sel, ctx.graph) for i, it in enumerate(mb.messages.items(parent)) if i >= skip)
        return paged(ctx, path, rows, "messages", 10, 1000)

    @app.route("GET", "/users/{uid}/mailFolders/{fid}/messages", "mail", MAIL_READ)
    def folder_messages(ctx: Ctx, uid: str, fid: str) -> Resp:
        mb = mbx(t, uid)
        return list_messages(ctx, uid, mb.folder(fid).id, f"/users/{uid}/mailFolders/{fid}/messages")

    @app.route("GET", "/users/{uid}/messages", "mail", MAIL_READ)
    def all_messages(ctx: Ctx, uid: str) -> Resp:
        return list_messages(ctx, uid, ..., f"/users/{uid}/messages")

    def get_msg(uid: str, mid: str) -> tuple[Mailbox, Item]:
        mb = mbx(t, uid)
        it, _ = t.find_message(mb, mid)
        return mb, it

    @app.route("GET", "/users/{uid}/messages/{mid}", "mail", MAIL_READ)
    @app.route("GET", "/users/{uid}/mailFolders/{fid}/messages/{mid}", "mail", MAIL_READ)
    def message_one(ctx: Ctx, uid: str, mid: str, fid: str | None = None) -> Resp:
        mb, it = get_msg(uid, mid)
        return Resp(200, message_json(t, mb, it, ctx.select(), ctx.graph))

    @app.route("GET", "/users/{uid}/messages/{mid}/$value", "mail", MAIL_READ)
    @app.route("GET", "/users/{uid}/mailFolders/{fid}/messages/{mid}/$value", "mail", MAIL_READ)
    def message_value(ctx: Ctx, uid: str, mid: str, fid: str | None = None) -> Resp:
        mb, it = get_msg(uid, mid)
        return Resp(200, t.message_mime(mb, it), ctype="text/plain")

    @app.route("GET", "/users/{uid}/messages/{mid}/attachments", "mail", MAIL_READ)
    def attachments(ctx: Ctx, uid: str, mid: str) -> Resp:
        mb, it = get_msg(uid, mid)
        sel = ctx.select()
        out = []
        for n, (name, ctype, data, inline, cid) in enumerate(attachments_of(t, mb, it)):
            d = {"@odata.type": "#microsoft.graph.fileAttachment", "@odata.mediaContentType": ctype,
                 "id": t.outlook_id("AAMkAT", mb.messages.cno, it.idx * 64 + n), "lastModifiedDateTime": iso(it.modified),
                 "name": name, "contentType": ctype, "size": len(data) + 200, "isInline": inline, "contentId": cid,
                 "contentLocation": None, "contentBytes": base64.b64encode(data).decode()}
            out.append(apply_select(d, sel))
        return Resp(200, {"@odata.context": f"{ctx.graph}/$metadata#users('{uid}')/messages('{mid}')/attachments",
                          "value": out})

    def get_att(uid: str, mid: str, aid: str) -> tuple[str, str, bytes, bool, str | None, int]:
        mb, it = get_msg(uid, mid)
        c, v = t.parse_outlook_id(aid, "AAMkAT")
        if c is not mb.messages or v // 64 != it.idx:
            raise SandboxError(404, "ErrorItemNotFound", "The specified object was not found in the store.")
        atts = attachments_of(t, mb, it)
        n = v % 64
        if n >= len(atts):
            raise SandboxError(404, "ErrorItemNotFound", "The specified object was not found in the store.")
        return (*atts[n], n)

    @app.route("POST", "/users/{uid}/messages/{mid}/attachments", "mail", MAIL_WRITE)
    def attachment_add(ctx: Ctx, uid: str, mid: str) -> Resp:
        mb, it = get_msg(uid, mid)
        if len(ctx.body) > MAX_REQUEST_BYTES:
            raise GraphError(413, "ErrorRequestEntityTooLarge", "Attachments over 3 MB need an upload session.")
        b = ctx.json_body()
        if b.get("@odata.type") != "#microsoft.graph.fileAttachment" or not isinstance(b.get("name"), str):
            raise GraphError(400, "ErrorInvalidRequest", "A #microsoft.graph.fileAttachment with a name is required.")
        try:
            data = base64.b64decode(b.get("contentBytes") or "")
        except (binascii.Error, ValueError) as e:
            raise GraphError(400, "ErrorInvalidRequest", "contentBytes is not valid base64.") from e
        n = add_attachment(t, mb, it, b["name"], b.get("contentType") or C.mime_type(b["name"]), data,
                           bool(b.get("isInline")))
        return Resp(201, {"@odata.type": "#microsoft.graph.fileAttachment",
                          "id": t.outlook_id("AAMkAT", mb.messages.cno, it.idx * 64 + n), "name": b["name"],
                          "contentType": b.get("contentType"), "size": len(data), "isInline": bool(b.get("isInline"))})

    @app.route("POST", "/users/{uid}/messages/{mid}/attachments/createUploadSession", "mail", MAIL_WRITE)
    def attachment_session(ctx: Ctx, uid: str, mid: str) -> Resp:
        mb, it = get_msg(uid, mid)
        item = ctx.json_body().get("AttachmentItem") or {}
        if item.get("attachmentType", "file") != "file" or not isinstance(item.get("name"), str) \
                or not isinstance(item.get("size"), int) or item["size"] <= 0:
            raise GraphError(400, "ErrorInvalidRequest", "AttachmentItem needs attachmentType 'file', a name and a size.")
        if item["size"] > 150 * 1024 * 1024:
            raise GraphError(400, "ErrorAttachmentSizeLimitExceeded", "Attachments are limited to 150 MB.")
        import uuid as _uuid
        sid = _uuid.uuid4().hex
        exp = time.time() + 3600
        app.upload_sessions[sid] = {"kind": "att", "mbx": mb.id, "mid": mid, "name": item["name"],
                                    "ctype": item.get("contentType") or C.mime_type(item["name"]),
                                    "inline": bool(item.get("isInline")), "size": item["size"], "data": bytearray(),
                                    "exp": exp}
        return Resp(201, {"@odata.context": f"{ctx.graph}/$metadata#microsoft.graph.uploadSession",
                          "uploadUrl": f"{app.base_url}/_upload/{sid}", "expirationDateTime": iso(exp),
                          "nextExpectedRanges": ["0-"]})

    @app.route("GET", "/users/{uid}/messages/{mid}/attachments/{aid}", "mail", MAIL_READ)
    def attachment_one(ctx: Ctx, uid: str, mid: str, aid: str) -> Resp:
        name, ctype, data, inline, cid, _n = get_att(uid, mid, aid)
        return Resp(200, apply_select({"@odata.type": "#microsoft.graph.fileAttachment", "id": aid, "name": name,
                                       "contentType": ctype, "size": len(data) + 200, "isInline": inline,
                                       "contentId": cid, "contentBytes": base64.b64encode(data).decode()}, ctx.select()))

    @app.route("GET", "/users/{uid}/messages/{mid}/attachments/{aid}/$value", "mail", MAIL_READ)
    def attachment_value(ctx: Ctx, uid: str, mid: str, aid: str) -> Resp:
        _name, ctype, data, _i, _c, _n = get_att(uid, mid, aid)
        return Resp(200, data, ctype=ctype)

    def create_message(ctx: Ctx, uid: str, folder: str) -> Resp:
        mb = mbx(t, uid)
        if len(ctx.body) > MAX_REQUEST_BYTES:
            raise GraphError(413, "ErrorRequestEntityTooLarge", "The request body is too large; the maximum is 4 MB. "
                                                                "Use an upload session for large attachments.")
        ctype = ctx.headers.get("content-type", "application/json").lower()
        if ctype.startswith("text/plain"):
            try:
                mime = base64.b64decode(ctx.body, validate=False)
                if not mime.strip():
                    raise ValueError("empty")
            except (binascii.Error, ValueError) as e:
                raise GraphError(400, "ErrorMimeContentInvalidBase64String",
                                 "Invalid base64 string for MIME content.") from e
            mid = t.add_message(uid, folder, mime=mime, is_draft=True, is_read=True)
        else:
            body = ctx.json_body()
            sender = body.get("from", {}).get("emailAddress") if isinstance(body.get("from"), dict) else None
            to = [(r["emailAddress"].get("name", ""), r["emailAddress"].get("address", ""))
                  for r in body.get("toRecipients", []) if isinstance(r, dict) and "emailAddress" in r]
            text = (body.get("body") or {}).get("content", "") if isinstance(body.get("body"), dict) else ""
            # PR_MESSAGE_FLAGS (0x0E07) set at creation decides the draft flag (MSGFLAG_UNSENT = 0x8)
            draft = True
            for p in body.get("singleValueExtendedProperties") or []:
                if isinstance(p, dict) and str(p.get("id", "")).lower().replace(" ", "") == "integer0x0e07":
                    try:
                        draft = bool(int(str(p.get("value", "8"))) & 0x8)
                    except ValueError:
                        pass
            mid = t.add_message(uid, folder, body.get("subject") or "", body=text,
                                sender=(sender.get("name", ""), sender.get("address", "")) if sender else
                                (mb.user.display_name, mb.user.mail), is_draft=draft, is_read=True)
            it, _ = t.find_message(mb, mid)
            if to:
                it.attrs["to"] = to
        it, _ = t.find_message(mb, mid)
        return Resp(201, message_json(t, mb, it, None, ctx.graph))

    @app.route("POST", "/users/{uid}/mailFolders/{fid}/messages", "mail", MAIL_WRITE)
    def folder_message_create(ctx: Ctx, uid: str, fid: str) -> Resp:
        return create_message(ctx, uid, fid)

    @app.route("POST", "/users/{uid}/messages", "mail", MAIL_WRITE)
    def message_create(ctx: Ctx, uid: str) -> Resp:
        return create_message(ctx, uid, "drafts")

    @app.route("PATCH", "/users/{uid}/messages/{mid}", "mail", MAIL_WRITE)
    def message_patch(ctx: Ctx, uid: str, mid: str) -> Resp:
        mb, it = get_msg(uid, mid)
        body = ctx.json_body()
        ch: dict[str, Any] = {}
        for k in ("isRead", "importance", "categories"):
            if k in body:
                ch[k] = body[k]
        if "subject" in body:
            ch["subject"] = body["subject"]
        if "flag" in body and isinstance(body["flag"], dict):
            ch["flag"] = body["flag"].get("flagStatus", "notFlagged")
        if ch:
            t.update_message(uid, mid, **ch)
        mb, it = get_msg(uid, mid)
        return Resp(200, message_json(t, mb, it, None, ctx.graph))

    @app.route("DELETE", "/users/{uid}/messages/{mid}", "mail", MAIL_WRITE)
    def message_delete(ctx: Ctx, uid: str, mid: str) -> Resp:
        mb, it = get_msg(uid, mid)
        deleted = mb.folder("deleteditems").id
        if it.parent == deleted:  # soft delete: Recoverable Items/Deletions
            t.move_message(uid, mid, "recoverableitemsdeletions")
        elif mb.folders[it.parent].well_known == "recoverableitemsdeletions":
            t.delete_message(uid, mid)
        else:
            t.move_message(uid, mid, deleted)
        return Resp(204)

    @app.route("POST", "/users/{uid}/messages/{mid}/permanentDelete", "mail", MAIL_WRITE)
    def message_pdelete(ctx: Ctx, uid: str, mid: str) -> Resp:
        get_msg(uid, mid)
        t.delete_message(uid, mid)
        return Resp(204)

    @app.route("POST", "/users/{uid}/messages/{mid}/move", "mail", MAIL_WRITE)
    def message_move(ctx: Ctx, uid: str, mid: str) -> Resp:
        get_msg(uid, mid)
        dest = ctx.json_body().get("destinationId")
        if not isinstance(dest, str):
            raise GraphError(400, "ErrorInvalidRequest", "destinationId is required.")
        t.move_message(uid, mid, dest)
        mb, it = get_msg(uid, mid)
        return Resp(201, message_json(t, mb, it, None, ctx.graph))

    @app.route("POST", "/users/{uid}/messages/{mid}/copy", "mail", MAIL_WRITE)
    def message_copy(ctx: Ctx, uid: str, mid: str) -> Resp:
        mb, it = get_msg(uid, mid)
        dest = mb.folder(str(ctx.json_body().get("destinationId", "")))
        new = mb.messages.add(dest.id, it.name, attrs=dict(it.attrs), content=t.message_mime(mb, it))
        return Resp(201, message_json(t, mb, new, None, ctx.graph))

    # ------------------------------------------------------------------------------------------------ contacts
    def contact_folder(mb: Mailbox, ref: str) -> Folder:
        f = mb.contact_folders.get(ref)
        if f is None and ref.lower() == "contacts":
            f = next(iter(mb.contact_folders.values()))
        if f is None:
            raise SandboxError(404, "ErrorItemNotFound", "The specified object was not found in the store.")
        return f

    def cfolder_json(mb: Mailbox, f: Folder) -> dict[str, Any]:
        return {"id": f.id, "displayName": f.name, "parentFolderId": f.parent_id}

    @app.route("GET", "/users/{uid}/contactFolders", "mail", CONTACTS_READ)
    def contact_folders(ctx: Ctx, uid: str) -> Resp:
        mb = mbx(t, uid)
        return paged(ctx, f"/users/{uid}/contactFolders", (cfolder_json(mb, f) for f in mb.contact_folders.values()),
                     "contactFolders", 10, 1000)

    @app.route("GET", "/users/{uid}/contactFolders/{cfid}/childFolders", "mail", CONTACTS_READ)
    def contact_child_folders(ctx: Ctx, uid: str, cfid: str) -> Resp:
        mb = mbx(t, uid)
        contact_folder(mb, cfid)
        return Resp(200, {"value": []})

    def contacts_delta(ctx: Ctx, uid: str, cfid: str, path: str) -> Resp:
        mb = mbx(t, uid)
        f = contact_folder(mb, cfid)
        assert mb.contacts is not None
        return delta_round(ctx, scope=f"c:{mb.id}:{f.id}", container=mb.contacts, parent=f.id, path=path,
                           render=lambda it, sel: contact_json(t, mb, it, sel),
                           removed=lambda idx, par: {"@odata.type": "#microsoft.graph.contact",
                                                     "id": t.outlook_id("AAMkAC", mb.contacts.cno, idx),  # type: ignore[union-attr]
                                                     "@removed": {"reason": "deleted"}}, default_page=10)

    @app.route("GET", "/users/{uid}/contactFolders/{cfid}/contacts/delta", "mail", CONTACTS_READ)
    def cf_contacts_delta(ctx: Ctx, uid: str, cfid: str) -> Resp:
        return contacts_delta(ctx, uid, cfid, f"/users/{uid}/contactFolders/{cfid}/contacts/delta")

    @app.route("GET", "/users/{uid}/contacts/delta", "mail", CONTACTS_READ)
    def contacts_delta_default(ctx: Ctx, uid: str) -> Resp:
        return contacts_delta(ctx, uid, "contacts", f"/users/{uid}/contacts/delta")

    def list_contacts(ctx: Ctx, uid: str, cfid: str, path: str) -> Resp:
        mb = mbx(t, uid)
        f = contact_folder(mb, cfid)
        assert mb.contacts is not None
        sel = ctx.select()
        return paged(ctx, path, (contact_json(t, mb, it, sel) for it in mb.contacts.items(f.id)), "contacts", 10, 1000)

    @app.route("GET", "/users/{uid}/contactFolders/{cfid}/contacts", "mail", CONTACTS_READ)
    def cf_contacts(ctx: Ctx, uid: str, cfid: str) -> Resp:
        return list_contacts(ctx, uid, cfid, f"/users/{uid}/contactFolders/{cfid}/contacts")

    @app.route("GET", "/users/{uid}/contacts", "mail", CONTACTS_READ)
    def contacts(ctx: Ctx, uid: str) -> Resp:
        return list_contacts(ctx, uid, "contacts", f"/users/{uid}/contacts")

    @app.route("GET", "/users/{uid}/contacts/{cid}", "mail", CONTACTS_READ)
    def contact_one(ctx: Ctx, uid: str, cid: str) -> Resp:
        mb = mbx(t, uid)
        c, idx = t.parse_outlook_id(cid, "AAMkAC")
        it = c.get(idx) if c is mb.contacts else None
        if it is None:
            raise SandboxError(404, "ErrorItemNotFound", "The specified object was not found in the store.")
        return Resp(200, contact_json(t, mb, it, ctx.select()))

    def create_contact(ctx: Ctx, uid: str) -> Resp:
        mb = mbx(t, uid)
        b = ctx.json_body()
        emails = b.get("emailAddresses") or []
        name = b.get("displayName") or " ".join(x for x in (b.get("givenName"), b.get("surname")) if x) or "Contact"
        cid = t.add_contact(uid, name, emails[0].get("address") if emails else None,
                            company=b.get("companyName", ""), phone=(b.get("businessPhones") or [""])[0])
        c, idx = t.parse_outlook_id(cid, "AAMkAC")
        it = c.get(idx)
        assert it is not None
        return Resp(201, contact_json(t, mb, it, None))

    @app.route("POST", "/users/{uid}/contacts", "mail", CONTACTS_WRITE)
    def contact_create(ctx: Ctx, uid: str) -> Resp:
        return create_contact(ctx, uid)

    @app.route("POST", "/users/{uid}/contactFolders/{cfid}/contacts", "mail", CONTACTS_WRITE)
    def cf_contact_create(ctx: Ctx, uid: str, cfid: str) -> Resp:
        contact_folder(mbx(t, uid), cfid)
        return create_contact(ctx, uid)

    # ------------------------------------------------------------------------------------------------ calendar
    def calendar(mb: Mailbox, ref: str | None) -> Folder:
        if ref is None:
            return next(iter(mb.calendars.values()))
        f = mb.calendars.get(ref)
        if f is None:
            raise SandboxError(404, "ErrorItemNotFound", "The specified object was not found in the store.")
        return f

    @app.route("GET", "/users/{uid}/calendars", "mail", CAL_READ)
    def calendars(ctx: Ctx, uid: str) -> Resp:
        mb = mbx(t, uid)
        rows = ({"id": f.id, "name": f.name, "color": "auto", "hexColor": "", "isDefaultCalendar": True,
                 "changeKey": "fJKVL07sbkmIfHqjbDnRgQAAAAACNQ==", "canShare": True, "canViewPrivateItems": True,
                 "canEdit": True, "allowedOnlineMeetingProviders": ["teamsForBusiness"],
                 "defaultOnlineMeetingProvider": "teamsForBusiness", "isTallyingResponses": True, "isRemovable": False,
                 "owner": {"name": mb.user.display_name, "address": mb.user.mail}} for f in mb.calendars.values())
        return paged(ctx, f"/users/{uid}/calendars", rows, "calendars", 10, 1000)

    def list_events(ctx: Ctx, uid: str, cal: str | None, path: str) -> Resp:
        mb = mbx(t, uid)
        f = calendar(mb, cal)
        assert mb.events is not None
        sel = ctx.select()
        return paged(ctx, path, (event_json(t, mb, it, sel) for it in mb.events.items(f.id)), "events", 10, 1000)

    @app.route("GET", "/users/{uid}/events", "mail", CAL_READ)
    def events(ctx: Ctx, uid: str) -> Resp:
        return list_events(ctx, uid, None, f"/users/{uid}/events")

    @app.route("GET", "/users/{uid}/calendar/events", "mail", CAL_READ)
    def cal_events_default(ctx: Ctx, uid: str) -> Resp:
        return list_events(ctx, uid, None, f"/users/{uid}/calendar/events")

    @app.route("GET", "/users/{uid}/calendars/{cal}/events", "mail", CAL_READ)
    def cal_events(ctx: Ctx, uid: str, cal: str) -> Resp:
        return list_events(ctx, uid, cal, f"/users/{uid}/calendars/{cal}/events")

    @app.route("GET", "/users/{uid}/events/{eid}", "mail", CAL_READ)
    def event_one(ctx: Ctx, uid: str, eid: str) -> Resp:
        mb = mbx(t, uid)
        c, idx = t.parse_outlook_id(eid, "AAMkAE")
        it = c.get(idx) if c is mb.events else None
        if it is None:
            raise SandboxError(404, "ErrorItemNotFound", "The specified object was not found in the store.")
        return Resp(200, event_json(t, mb, it, ctx.select()))

    def events_delta(ctx: Ctx, uid: str, path: str, window: bool) -> Resp:
        mb = mbx(t, uid)
        f = calendar(mb, None)
        assert mb.events is not None
        fixed = None
        if window and not (ctx.q("$deltatoken") or ctx.q("$skiptoken")):
            st, en = _parse_dt(ctx.q("startDateTime")), _parse_dt(ctx.q("endDateTime"))
            if st is None or en is None:
                raise GraphError(400, "ErrorInvalidParameter", "This request requires a time window specified by the "
                                 "query string parameters StartDateTime and EndDateTime.")
            fixed = {"st": st, "en": en}

        def mk(fx: dict[str, Any] | None) -> Any:
            if not fx:
                return None
            return lambda it: it.attrs["end"] > fx["st"] and it.attrs["start"] < fx["en"]

        return delta_round(ctx, scope=f"e:{mb.id}:{path}", container=mb.events, parent=f.id, path=path,
                           render=lambda it, sel: event_json(t, mb, it, sel),
                           removed=lambda idx, par: {"@odata.type": "#microsoft.graph.event",
                                                     "id": t.outlook_id("AAMkAE", mb.events.cno, idx),  # type: ignore[union-attr]
                                                     "@removed": {"reason": "deleted"}},
                           default_page=10, make_predicate=mk, fixed=fixed)

    @app.route("GET", "/users/{uid}/calendarView/delta", "mail", CAL_READ)
    def calview_delta(ctx: Ctx, uid: str) -> Resp:
        return events_delta(ctx, uid, f"/users/{uid}/calendarView/delta", True)

    @app.route("GET", "/users/{uid}/events/delta", "mail", CAL_READ)
    def events_delta_all(ctx: Ctx, uid: str) -> Resp:
        return events_delta(ctx, uid, f"/users/{uid}/events/delta", False)

    def create_event(ctx: Ctx, uid: str) -> Resp:
        mb = mbx(t, uid)
        b = ctx.json_body()
        st = _parse_dt((b.get("start") or {}).get("dateTime")) or time.time()
        en = _parse_dt((b.get("end") or {}).get("dateTime")) or st + 3600
        eid = t.add_event(uid, b.get("subject") or "", st, int(en - st),
                          location=(b.get("location") or {}).get("displayName", ""),
                          body=(b.get("body") or {}).get("content", ""), isAllDay=bool(b.get("isAllDay")))
        c, idx = t.parse_outlook_id(eid, "AAMkAE")
        it = c.get(idx)
        assert it is not None
        return Resp(201, event_json(t, mb, it, None))

    @app.route("POST", "/users/{uid}/events", "mail", CAL_WRITE)
    def event_create(ctx: Ctx, uid: str) -> Resp:
        return create_event(ctx, uid)

    @app.route("POST", "/users/{uid}/calendars/{cal}/events", "mail", CAL_WRITE)
    def cal_event_create(ctx: Ctx, uid: str, cal: str) -> Resp:
        calendar(mbx(t, uid), cal)
        return create_event(ctx, uid)

    # ------------------------------------------------------------------------------------------------ import/export API
    def by_mbx_id(mbx_id: str) -> Mailbox:
        for mb in list(t.mailboxes.values()) + list(t.archives.values()):
            if mb.id == mbx_id and mb.user.listed:
                return mb
        raise SandboxError(404, "ErrorItemNotFound", "The mailbox was not found.")

    def xfolder(mb: Mailbox, f: Folder) -> dict[str, Any]:
        return {"id": f.id, "displayName": f.name, "parentFolderId": f.parent_id, "childFolderCount": len(mb.children(f.id)),
                "totalItemCount": mb.messages.count(f.id), "type": f.fclass,
                "parentMailboxUrl": f"{app.base_url}/beta/admin/exchange/mailboxes('{mb.id}')"}

    @app.route("GET", "/admin/exchange/mailboxes/{mbxid}/folders", "mail", EXPORT + ("MailboxFolder.Read.All",))
    def x_folders(ctx: Ctx, mbxid: str) -> Resp:
        mb = by_mbx_id(mbxid)
        return paged(ctx, f"/admin/exchange/mailboxes/{mbxid}/folders",
                     (xfolder(mb, f) for f in mb.children(mb.root_id)), "mailboxFolders", 10, 1000)

    @app.route("GET", "/admin/exchange/mailboxes/{mbxid}/folders/delta", "mail", EXPORT + ("MailboxFolder.Read.All",))
    def x_folders_all(ctx: Ctx, mbxid: str) -> Resp:
        mb = by_mbx_id(mbxid)
        r = paged(ctx, f"/admin/exchange/mailboxes/{mbxid}/folders/delta",
                  (xfolder(mb, f) for f in mb.folders.values() if f.id != mb.root_id and mb.in_ipm(f.id)),
                  "mailboxFolders", 100, 1000)
        if "@odata.nextLink" not in r.body:
            from vboshell.sandbox.app import pack_token
            r.body["@odata.deltaLink"] = ctx.link(f"/admin/exchange/mailboxes/{mbxid}/folders/delta",
                                                  {"$deltatoken": pack_token({"s": t.seq})})
        return r

    @app.route("GET", "/admin/exchange/mailboxes/{mbxid}/folders/{fid}/childFolders", "mail",
               EXPORT + ("MailboxFolder.Read.All",))
    def x_children(ctx: Ctx, mbxid: str, fid: str) -> Resp:
        mb = by_mbx_id(mbxid)
        f = mb.folder(fid)
        return paged(ctx, f"/admin/exchange/mailboxes/{mbxid}/folders/{fid}/childFolders",
                     (xfolder(mb, c) for c in mb.children(f.id)), "mailboxFolders", 10, 1000)

    @app.route("GET", "/admin/exchange/mailboxes/{mbxid}/folders/{fid}/items/delta", "mail", EXPORT + MAIL_READ)
    def x_items_delta(ctx: Ctx, mbxid: str, fid: str) -> Resp:
        mb = by_mbx_id(mbxid)
        f = mb.folder(fid)
        return delta_round(ctx, scope=f"x:{mb.id}:{f.id}", container=mb.messages, parent=f.id,
                           path=f"/admin/exchange/mailboxes/{mbxid}/folders/{fid}/items/delta",
                           render=lambda it, sel: apply_select({
                               "id": t.message_id(mb, it.idx), "changeKey": change_key(it), "type": "IPM.Note",
                               "createdDateTime": iso(it.created), "lastModifiedDateTime": iso(it.modified),
                               "size": _approx_size(it),
                               "parentMailboxUrl": f"{app.base_url}/beta/admin/exchange/mailboxes('{mb.id}')"}, sel),
                           removed=lambda idx, par: {"id": t.message_id(mb, idx), "@removed": {"reason": "deleted"}},
                           default_page=10)

    @app.route("POST", "/admin/exchange/mailboxes/{mbxid}/exportItems", "mail", EXPORT)
    def x_export(ctx: Ctx, mbxid: str) -> Resp:
        mb = by_mbx_id(mbxid)
        ids = ctx.json_body().get("itemIds")
        if not isinstance(ids, list) or not ids or len(ids) > 20:
            raise GraphError(400, "BadRequest", "itemIds must hold between 1 and 20 ids.")
        out = []
        for iid in ids:
            try:
                it, _ = t.find_message(mb, str(iid))
                out.append({"itemId": iid, "changeKey": change_key(it),
                            "data": base64.b64encode(t.message_mime(mb, it)).decode()})
            except SandboxError as e:
                out.append({"itemId": iid, "error": {"code": e.code, "message": e.message}})
        return Resp(200, {"@odata.context": f"{ctx.graph}/$metadata#Collection(exportItemResponse)", "value": out})

    @app.route("POST", "/admin/exchange/mailboxes/{mbxid}/createImportSession", "mail", ("MailboxItem.ImportExport.All",))
    def x_import_session(ctx: Ctx, mbxid: str) -> Resp:
        mb = by_mbx_id(mbxid)
        exp = time.time() + 3600
        tok = app.sign({"k": "import", "m": mb.id, "exp": exp, "app": ctx.client_id})
        return Resp(200, {"importUrl": f"{app.base_url}/_upload/import/{tok}", "expirationDateTime": iso(exp)})


def import_item(app: SandboxApp, payload: dict[str, Any], body: bytes) -> Resp:
    """POST {importUrl}: {"FolderId","Mode":"create"|"update","Data": base64 MIME,"ItemId"?}."""
    t = app.tenant
    import json
    try:
        req = json.loads(body)
        data = base64.b64decode(req["Data"])
    except Exception:
        return app.error(400, "BadRequest", "Invalid import request.")
    with t.lock:
        mb = next((m for m in list(t.mailboxes.values()) + list(t.archives.values()) if m.id == payload["m"]), None)
        if mb is None:
            return app.error(404, "ErrorItemNotFound", "The mailbox was not found.")
        try:
            f = mb.folder(str(req.get("FolderId", "")))
            if req.get("Mode", "create") == "update" and req.get("ItemId"):
                it, _ = t.find_message(mb, req["ItemId"])
                mb.messages.update(it.idx, content=data)
                mid = req["ItemId"]
            else:
                from vboshell.sandbox.model import parse_mime_attrs
                attrs = parse_mime_attrs(data)
                subject = attrs.pop("subject", "")
                attrs.setdefault("from", ("", ""))
                attrs.setdefault("to", [])
                attrs.setdefault("received", time.time())
                attrs.setdefault("imid", "")
                attrs.update({"isRead": True, "isDraft": False})
                it = mb.messages.add(f.id, subject, attrs=attrs, content=data)
                mid = t.message_id(mb, it.idx)
            it, _ = t.find_message(mb, mid)
        except SandboxError as e:
            return app.error(e.status, e.code, e.message)
        return Resp(200, {"itemId": mid, "changeKey": change_key(it)})


def add_attachment(t: Tenant, mb: Mailbox, it: Item, name: str, ctype: str, data: bytes, inline: bool = False) -> int:
    """Adds a file attachment to a message (its MIME gains a part); returns the attachment's index."""
    mime = t.message_mime(mb, it)
    msg = email.message_from_bytes(mime, policy=email.policy.SMTP)
    maintype, _, subtype = ctype.partition("/")
    msg.add_attachment(data, maintype=maintype or "application", subtype=subtype or "octet-stream", filename=name,
                       disposition="inline" if inline else "attachment")
    new_mime = msg.as_bytes()
    atts = list(it.attrs.get("atts", [])) + [(name, ctype, len(data))]
    mb.messages.update(it.idx, content=new_mime, atts=atts)
    return len(atts) - 1


def finish_attachment_upload(app: SandboxApp, s: dict[str, Any]) -> Resp:
    t = app.tenant
    with t.lock:
        mb = next((m for m in list(t.mailboxes.values()) + list(t.archives.values()) if m.id == s["mbx"]), None)
        if mb is None:
            return app.error(404, "ErrorItemNotFound", "The mailbox was not found.")
        try:
            it, _ = t.find_message(mb, s["mid"])
        except SandboxError as e:
            return app.error(e.status, e.code, e.message)
        n = add_attachment(t, mb, it, s["name"], s["ctype"], bytes(s["data"]), s["inline"])
        aid = t.outlook_id("AAMkAT", mb.messages.cno, it.idx * 64 + n)
    return Resp(201, b"", {"Location": f"{app.base_url}/v1.0/users/{mb.user.id}/messages/{s['mid']}/attachments/{aid}"})
