"""Teams endpoints of the sandbox: teams, channels (+ filesFolder), channel messages, replies, delta and
getAllMessages, and posting messages/replies (restore)."""

from __future__ import annotations

from typing import Any

from vboshell.sandbox.app import Ctx, GraphError, Resp, SandboxApp, apply_select
from vboshell.sandbox.delta import delta_round
from vboshell.sandbox.model import Channel, Chat, Item, SandboxError, Team, Tenant, iso
from vboshell.sandbox.routes_directory import paged
from vboshell.sandbox.routes_files import item_json

TEAM_READ = ("Team.ReadBasic.All", "TeamSettings.Read.All", "Group.Read.All", "Directory.Read.All")
CHANNEL_READ = ("Channel.ReadBasic.All", "ChannelSettings.Read.All", "Group.Read.All", "Directory.Read.All")
MSG_READ = ("ChannelMessage.Read.All", "ChannelMessage.ReadWrite.All")
MSG_WRITE = ("Teamwork.Migrate.All", "ChannelMessage.ReadWrite.All")
IMPORT_ONLY = ("Message POST is allowed in application-only context only for import purposes. Refer to "
               "https://docs.microsoft.com/microsoftteams/platform/graph-api/import-messages/"
               "import-external-messages-to-teams for more details.")
CHAT_READ = ("Chat.Read.All", "Chat.ReadWrite.All", "Chat.ReadBasic.All")
CHAT_WRITE = ("Teamwork.Migrate.All", "Chat.ReadWrite.All")


def team_json(t: Tenant, tm: Team) -> dict[str, Any]:
    g = tm.group
    return {"id": g.id, "createdDateTime": iso(g.created or 0), "displayName": g.display_name, "description": g.description,
            "internalId": f"19:{g.id.replace('-', '')}@thread.tacv2", "classification": None, "specialization": "none",
            "visibility": (g.visibility or "private").lower(), "webUrl": f"https://teams.microsoft.com/l/team/{g.id}",
            "isArchived": False, "tenantId": t.id, "isMembershipLimitedToOwners": False,
            "memberSettings": {"allowCreateUpdateChannels": True}, "guestSettings": {"allowCreateUpdateChannels": False},
            "messagingSettings": {"allowUserEditMessages": True, "allowUserDeleteMessages": True},
            "funSettings": {"allowGiphy": True}, "discoverySettings": {"showInTeamsSearchAndSuggestions": True}}


def channel_json(t: Tenant, tm: Team, ch: Channel) -> dict[str, Any]:
    return {"id": ch.id, "createdDateTime": iso(ch.created), "displayName": ch.display_name,
            "description": ch.description, "isFavoriteByDefault": None,
            "email": f"{tm.group.nickname}.{ch.display_name.replace(' ', '')}@{t.name}",
            "tenantId": t.id, "webUrl": f"https://teams.microsoft.com/l/channel/{ch.id}/{ch.display_name}?groupId={tm.group.id}",
            "membershipType": ch.membership_type}


def message_json(t: Tenant, tm: Team, ch: Channel, it: Item, sel: set[str] | None) -> dict[str, Any]:
    a = it.attrs
    u = t.users_by_id.get(a.get("from", ""))
    deleted = a.get("deleted")
    mid = t.chat_id(ch, it.idx)
    d = {"id": mid, "replyToId": t.chat_id(ch, it.parent) if it.parent is not None else None,
         "etag": str(it.version * 1000 + it.seq), "messageType": "message", "createdDateTime": iso(it.created),
         "lastModifiedDateTime": iso(max(it.modified, a.get("lastReply", 0))),
         "lastEditedDateTime": iso(it.modified) if it.version > 1 and not deleted else None,
         "deletedDateTime": iso(deleted) if deleted else None, "subject": a.get("subject"), "summary": None,
         "chatId": None, "importance": "normal", "locale": "en-us",
         "webUrl": f"https://teams.microsoft.com/l/message/{ch.id}/{mid}?groupId={tm.group.id}",
         "policyViolation": None, "eventDetail": None,
         "from": {"application": None, "device": None,
                  "user": {"@odata.type": "#microsoft.graph.teamworkUserIdentity", "id": u.id if u else None,
                           "displayName": u.display_name if u else None, "userIdentityType": "aadUser",
                           "tenantId": t.id}},
         "body": {"contentType": "html", "content": "" if deleted else a.get("body", "")},
         "channelIdentity": {"teamId": tm.group.id, "channelId": ch.id},
         "attachments": [], "mentions": [], "reactions": []}
    return apply_select(d, sel)


def register(app: SandboxApp) -> None:
    register_chats(app)
    t = app.tenant

    def team(gid: str) -> Team:
        tm = t.teams.get(gid)
        if tm is None:
            raise SandboxError(404, "NotFound", f"No team found with Group Id {gid}")
        return tm

    def channel(tm: Team, cid: str) -> Channel:
        for ch in tm.channels:
            if ch.id == cid:
                return ch
        raise SandboxError(404, "NotFound", "Channel not found")

    @app.route("GET", "/teams", "teams", TEAM_READ)
    def teams(ctx: Ctx) -> Resp:
        return paged(ctx, "/teams", ({"id": tm.group.id, "displayName": tm.group.display_name,
                                      "description": tm.group.description} for tm in t.teams.values()), "teams", 100, 999)

    @app.route("GET", "/teams/{gid}", "teams", TEAM_READ)
    def team_one(ctx: Ctx, gid: str) -> Resp:
        return Resp(200, apply_select(team_json(t, team(gid)), ctx.select()))

    @app.route("GET", "/teams/{gid}/channels", "teams", CHANNEL_READ)
    def channels(ctx: Ctx, gid: str) -> Resp:
        tm = team(gid)
        return Resp(200, {"@odata.context": f"{ctx.graph}/$metadata#teams('{gid}')/channels",
                          "@odata.count": len(tm.channels),
                          "value": [apply_select(channel_json(t, tm, ch), ctx.select()) for ch in tm.channels]})

    @app.route("GET", "/teams/{gid}/allChannels", "teams", CHANNEL_READ)
    def all_channels(ctx: Ctx, gid: str) -> Resp:
        return channels(ctx, gid)

    @app.route("GET", "/teams/{gid}/channels/{cid}", "teams", CHANNEL_READ)
    def channel_one(ctx: Ctx, gid: str, cid: str) -> Resp:
        tm = team(gid)
        return Resp(200, apply_select(channel_json(t, tm, channel(tm, cid)), ctx.select()))

    @app.route("GET", "/teams/{gid}/members", "teams", ("TeamMember.Read.All", "Group.Read.All", "Directory.Read.All"))
    def members(ctx: Ctx, gid: str) -> Resp:
        tm = team(gid)
        rows = ({"@odata.type": "#microsoft.graph.aadUserConversationMember", "id": f"{gid}:{m}",
                 "roles": ["owner"] if m in (tm.group.owners or []) else [], "displayName": t.users_by_id[m].display_name,
                 "userId": m, "email": t.users_by_id[m].mail, "tenantId": t.id} for m in (tm.group.members or []))
        return paged(ctx, f"/teams/{gid}/members", rows, "members", 100, 999)

    @app.route("GET", "/teams/{gid}/channels/{cid}/filesFolder", "teams", ("Files.Read.All", "Sites.Read.All",
                                                                             "Files.ReadWrite.All", "Sites.ReadWrite.All"))
    def files_folder(ctx: Ctx, gid: str, cid: str) -> Resp:
        tm = team(gid)
        ch = channel(tm, cid)
        if tm.site is None or not tm.site.drives:
            raise SandboxError(404, "NotFound", "Files folder not found")
        d = tm.site.drives[0]
        folder = next((c for c in d.items.items(0) if c.name == ch.display_name), None)
        if folder is None:
            raise SandboxError(404, "NotFound", "Files folder not found")
        return Resp(200, item_json(app, d, folder, ctx.select()))

    @app.route("GET", "/teams/{gid}/channels/{cid}/messages", "teams", MSG_READ)
    def messages(ctx: Ctx, gid: str, cid: str) -> Resp:
        tm = team(gid)
        ch = channel(tm, cid)
        top = ctx.max_page(20, 50)
        ctx.query["$top"] = str(top)
        sel = ctx.select()
        return paged(ctx, f"/teams/{gid}/channels/{cid}/messages",
                     (message_json(t, tm, ch, it, sel) for it in ch.messages.items(None)), "chatMessages", 20, 50)

    @app.route("GET", "/teams/{gid}/channels/{cid}/messages/delta", "teams", MSG_READ)
    def messages_delta(ctx: Ctx, gid: str, cid: str) -> Resp:
        tm = team(gid)
        ch = channel(tm, cid)
        return delta_round(ctx, scope=f"cm:{ch.id}", container=ch.messages, parent=None,
                           path=f"/teams/{gid}/channels/{cid}/messages/delta",
                           render=lambda it, sel: message_json(t, tm, ch, it, sel),
                           removed=lambda idx, par: {"id": t.chat_id(ch, idx), "@removed": {"reason": "deleted"}},
                           default_page=20, max_page=50)

    @app.route("GET", "/teams/{gid}/channels/{cid}/messages/{mid}", "teams", MSG_READ)
    def message_one(ctx: Ctx, gid: str, cid: str, mid: str) -> Resp:
        tm = team(gid)
        ch = channel(tm, cid)
        it = ch.messages.get(t.chat_idx(ch, mid))
        if it is None or it.parent is not None:
            raise SandboxError(404, "NotFound", "Message not found")
        return Resp(200, message_json(t, tm, ch, it, ctx.select()))

    @app.route("GET", "/teams/{gid}/channels/{cid}/messages/{mid}/replies", "teams", MSG_READ)
    def replies(ctx: Ctx, gid: str, cid: str, mid: str) -> Resp:
        tm = team(gid)
        ch = channel(tm, cid)
        idx = t.chat_idx(ch, mid)
        if ch.messages.get(idx) is None:
            raise SandboxError(404, "NotFound", "Message not found")
        sel = ctx.select()
        return paged(ctx, f"/teams/{gid}/channels/{cid}/messages/{mid}/replies",
                     (message_json(t, tm, ch, it, sel) for it in ch.messages.items(idx)), "chatMessages", 20, 50)

    @app.route("GET", "/teams/{gid}/channels/{cid}/messages/{mid}/replies/{rid}", "teams", MSG_READ)
    def reply_one(ctx: Ctx, gid: str, cid: str, mid: str, rid: str) -> Resp:
        tm = team(gid)
        ch = channel(tm, cid)
        it = ch.messages.get(t.chat_idx(ch, rid))
        if it is None or it.parent != t.chat_idx(ch, mid):
            raise SandboxError(404, "NotFound", "Message not found")
        return Resp(200, message_json(t, tm, ch, it, ctx.select()))

    @app.route("GET", "/teams/{gid}/channels/getAllMessages", "teams", MSG_READ)
    def all_messages(ctx: Ctx, gid: str) -> Resp:
        tm = team(gid)
        sel = ctx.select()
        rows = (message_json(t, tm, ch, it, sel) for ch in tm.channels for it in ch.messages.items())
        return paged(ctx, f"/teams/{gid}/channels/getAllMessages", rows, "chatMessages", 50, 50)

    def post(ctx: Ctx, gid: str, cid: str, reply_to: str | None) -> Resp:
        tm = team(gid)
        ch = channel(tm, cid)
        if not ch.migration:
            raise GraphError(403, "Forbidden", IMPORT_ONLY)
        b = ctx.json_body()
        body = b.get("body")
        if not isinstance(body, dict) or not isinstance(body.get("content"), str):
            raise GraphError(400, "BadRequest", "Message body is required.")
        author = None
        frm = b.get("from")
        if isinstance(frm, dict) and isinstance(frm.get("user"), dict) and frm["user"].get("id") in t.users_by_id:
            author = frm["user"]["id"]
        content = body["content"] if (body.get("contentType") or "text").lower() == "html" else \
            "<p>" + body["content"] + "</p>"
        mid = t.add_channel_message(gid, cid, content, reply_to=reply_to, author=author, subject=b.get("subject"))
        it = ch.messages.get(t.chat_idx(ch, mid))
        assert it is not None
        if isinstance(b.get("createdDateTime"), str):  # migration mode keeps the original time
            from vboshell.sandbox.routes_mail import _parse_dt
            ts = _parse_dt(b["createdDateTime"])
            if ts:
                it.created = it.modified = ts
        return Resp(201, message_json(t, tm, ch, it, None))

    @app.route("POST", "/teams/{gid}/channels", "teams", ("Channel.Create", "Teamwork.Migrate.All",
                                                            "ChannelSettings.ReadWrite.All"))
    def channel_create(ctx: Ctx, gid: str) -> Resp:
        tm = team(gid)
        b = ctx.json_body()
        name = b.get("displayName")
        if not isinstance(name, str) or not name.strip():
            raise GraphError(400, "BadRequest", "displayName is required.")
        if b.get("membershipType", "standard") != "standard":
            raise GraphError(400, "BadRequest", "Only standard channels can be created in the sandbox.")
        migration = b.get("@microsoft.graph.channelCreationMode") == "migration"
        if migration and "Teamwork.Migrate.All" not in ctx.claims["_roles"]:
            raise GraphError(403, "Forbidden", "Teamwork.Migrate.All is required to create a channel in migration mode.")
        created = None
        if migration and isinstance(b.get("createdDateTime"), str):
            from vboshell.sandbox.routes_mail import _parse_dt
            created = _parse_dt(b["createdDateTime"])
        cid = t.add_channel(gid, name, b.get("description") or "", migration, created)
        return Resp(201, channel_json(t, tm, channel(tm, cid)))

    @app.route("POST", "/teams/{gid}/channels/{cid}/completeMigration", "teams", ("Teamwork.Migrate.All",))
    def complete_migration(ctx: Ctx, gid: str, cid: str) -> Resp:
        ch = channel(team(gid), cid)
        if not ch.migration:
            raise GraphError(400, "BadRequest", "The channel is not in migration mode.")
        ch.migration = False
        return Resp(204)

    @app.route("POST", "/teams/{gid}/channels/{cid}/messages", "teams", MSG_WRITE)
    def post_message(ctx: Ctx, gid: str, cid: str) -> Resp:
        return post(ctx, gid, cid, None)

    @app.route("POST", "/teams/{gid}/channels/{cid}/messages/{mid}/replies", "teams", MSG_WRITE)
    def post_reply(ctx: Ctx, gid: str, cid: str, mid: str) -> Resp:
        return post(ctx, gid, cid, mid)


def chat_json(t: Tenant, c: Chat) -> dict[str, Any]:
    last = max((it.created for it in c.messages.items()), default=c.created)
    return {"id": c.id, "topic": c.topic, "createdDateTime": iso(c.created), "lastUpdatedDateTime": iso(last),
            "chatType": c.chat_type, "webUrl": f"https://teams.microsoft.com/l/chat/{c.id}/0?tenantId={t.id}",
            "tenantId": t.id, "onlineMeetingInfo": None, "viewpoint": None}


def chat_message_json(t: Tenant, c: Chat, it: Item, sel: set[str] | None) -> dict[str, Any]:
    a = it.attrs
    u = t.users_by_id.get(a.get("from", ""))
    deleted = a.get("deleted")
    d = {"id": t.chat_id(c, it.idx), "replyToId": None, "etag": str(it.version * 1000 + it.seq), "messageType": "message",
         "createdDateTime": iso(it.created), "lastModifiedDateTime": iso(it.modified),
         "lastEditedDateTime": iso(it.modified) if it.version > 1 and not deleted else None,
         "deletedDateTime": iso(deleted) if deleted else None, "subject": None, "summary": None, "chatId": c.id,
         "importance": "normal", "locale": "en-us", "webUrl": None, "channelIdentity": None, "policyViolation": None,
         "eventDetail": None,
         "from": {"application": None, "device": None,
                  "user": {"@odata.type": "#microsoft.graph.teamworkUserIdentity", "id": u.id if u else None,
                           "displayName": u.display_name if u else None, "userIdentityType": "aadUser",
                           "tenantId": t.id}},
         "body": {"contentType": "html", "content": "" if deleted else a.get("body", "")},
         "attachments": [], "mentions": [], "reactions": []}
    return apply_select(d, sel)


def register_chats(app: SandboxApp) -> None:
    t = app.tenant

    def chat(cid: str) -> Chat:
        c = t.chats_by_id.get(cid)
        if c is None:
            raise SandboxError(404, "NotFound", "Chat not found")
        return c

    @app.route("GET", "/users/{uid}/chats", "teams", CHAT_READ)
    def user_chats(ctx: Ctx, uid: str) -> Resp:
        from vboshell.sandbox.routes_directory import listed_user
        u = listed_user(t, uid)
        rows = (apply_select(chat_json(t, c), ctx.select()) for c in t.chats if u.id in c.members)
        return paged(ctx, f"/users/{uid}/chats", rows, "chats", 50, 50)

    @app.route("GET", "/users/{uid}/chats/getAllMessages", "teams", CHAT_READ)
    def user_chat_messages(ctx: Ctx, uid: str) -> Resp:
        from vboshell.sandbox.routes_directory import listed_user
        u = listed_user(t, uid)
        sel = ctx.select()
        rows = (chat_message_json(t, c, it, sel) for c in t.chats if u.id in c.members for it in c.messages.items())
        return paged(ctx, f"/users/{uid}/chats/getAllMessages", rows, "chatMessages", 50, 50)

    @app.route("GET", "/chats/{cid}", "teams", CHAT_READ)
    def chat_one(ctx: Ctx, cid: str) -> Resp:
        return Resp(200, apply_select(chat_json(t, chat(cid)), ctx.select()))

    @app.route("GET", "/chats/{cid}/members", "teams", CHAT_READ)
    def chat_members(ctx: Ctx, cid: str) -> Resp:
        c = chat(cid)
        return Resp(200, {"value": [{"@odata.type": "#microsoft.graph.aadUserConversationMember", "id": f"{cid}:{m}",
                                     "roles": ["owner"], "displayName": t.users_by_id[m].display_name, "userId": m,
                                     "email": t.users_by_id[m].mail, "tenantId": t.id} for m in c.members]})

    @app.route("GET", "/chats/{cid}/messages", "teams", CHAT_READ)
    def chat_messages(ctx: Ctx, cid: str) -> Resp:
        c = chat(cid)
        sel = ctx.select()
        return paged(ctx, f"/chats/{cid}/messages", (chat_message_json(t, c, it, sel) for it in c.messages.items()),
                     "chatMessages", 50, 50)

    @app.route("GET", "/chats/{cid}/messages/{mid}", "teams", CHAT_READ)
    def chat_message_one(ctx: Ctx, cid: str, mid: str) -> Resp:
        c = chat(cid)
        it = c.messages.get(t.chat_idx(c, mid))
        if it is None:
            raise SandboxError(404, "NotFound", "Message not found")
        return Resp(200, chat_message_json(t, c, it, ctx.select()))

    @app.route("POST", "/chats/{cid}/messages", "teams", CHAT_WRITE)
    def chat_post(ctx: Ctx, cid: str) -> Resp:
        c = chat(cid)
        if not getattr(c, "migration", False):
            raise GraphError(403, "Forbidden", IMPORT_ONLY)
        b = ctx.json_body()
        body = b.get("body")
        if not isinstance(body, dict) or not isinstance(body.get("content"), str):
            raise GraphError(400, "BadRequest", "Message body is required.")
        mid = t.add_chat_message(cid, body["content"])
        it = c.messages.get(t.chat_idx(c, mid))
        assert it is not None
        return Resp(201, chat_message_json(t, c, it, None))
