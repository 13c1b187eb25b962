"""The truth API: the sandbox tenant's current content as plain Python data, for comparisons in tests.
Bytes (MIME, file content) are materialised here exactly as Graph serves them."""

from __future__ import annotations

from typing import Any

from vboshell.sandbox.model import Drive, Mailbox, Tenant, iso


class Truth:
    def __init__(self, tenant: Tenant) -> None:
        self.t = tenant

    def users(self, include_hidden: bool = True) -> list[dict[str, Any]]:
        with self.t.lock:
            return [{"id": u.id, "userPrincipalName": u.upn, "displayName": u.display_name, "purpose": u.purpose,
                     "listedInGraph": bool(u.listed), "hasArchive": bool(u.has_archive), "hasDrive": bool(u.has_drive),
                     "alias": u.alias, "accountEnabled": u.account_enabled}
                    for u in self.t.users if include_hidden or u.listed]

    def groups(self, include_hidden: bool = True) -> list[dict[str, Any]]:
        with self.t.lock:
            return [{"id": g.id, "displayName": g.display_name, "kind": g.kind, "mail": g.mail,
                     "groupTypes": list(g.group_types), "resourceProvisioningOptions": list(g.rpo or []),
                     "listedInGraph": bool(g.listed), "members": list(g.members or []), "siteId": g.site_id}
                    for g in self.t.groups if include_hidden or g.listed]

    def _mb(self, user: str, mailbox: str) -> Mailbox:
        return self.t.mailbox(user, mailbox)

    def mail_folders(self, user: str, mailbox: str = "primary", include_recoverable: bool = False) -> list[dict[str, Any]]:
        """The folders under msgfolderroot (what Graph enumerates); include_recoverable adds Recoverable Items."""
        with self.t.lock:
            mb = self._mb(user, mailbox)
            return [{"id": f.id, "displayName": f.name, "parentFolderId": f.parent_id, "path": mb.path_of(f.id),
                     "wellKnownName": f.well_known, "isHidden": f.hidden, "count": mb.messages.count(f.id)}
                    for f in mb.folders.values() if f.id != mb.root_id and (include_recoverable or mb.in_ipm(f.id))]

    def messages(self, user: str, folder: str | None = None, mailbox: str = "primary",
                 with_mime: bool = False) -> list[dict[str, Any]]:
        with self.t.lock:
            mb = self._mb(user, mailbox)
            parent = mb.folder(folder).id if folder else ...
            out = []
            for it in mb.messages.items(parent):
                d = {"id": self.t.message_id(mb, it.idx), "subject": it.name, "parentFolderId": it.parent,
                     "folderPath": mb.path_of(it.parent), "isRead": it.attrs.get("isRead"),
                     "isDraft": it.attrs.get("isDraft"), "internetMessageId": it.attrs.get("imid"),
                     "receivedDateTime": iso(it.attrs.get("received", it.created)),
                     "hasAttachments": bool(it.attrs.get("atts")), "version": it.version}
                if with_mime:
                    d["mime"] = self.t.message_mime(mb, it)
                out.append(d)
            return out

    def message_mime(self, user: str, message_id: str, mailbox: str = "primary") -> bytes:
        with self.t.lock:
            mb = self._mb(user, mailbox)
            it, _ = self.t.find_message(mb, message_id)
            return self.t.message_mime(mb, it)

    def find_messages(self, user: str, subject_contains: str, mailbox: str = "primary") -> list[dict[str, Any]]:
        return [m for m in self.messages(user, mailbox=mailbox) if subject_contains.lower() in m["subject"].lower()]

    def contacts(self, user: str) -> list[dict[str, Any]]:
        with self.t.lock:
            mb = self._mb(user, "primary")
            assert mb.contacts is not None
            return [{"id": self.t.outlook_id("AAMkAC", mb.contacts.cno, it.idx), "displayName": it.name,
                     **{k: v for k, v in it.attrs.items() if k != "gen"}} for it in mb.contacts.items()]

    def events(self, user: str) -> list[dict[str, Any]]:
        with self.t.lock:
            mb = self._mb(user, "primary")
            assert mb.events is not None
            return [{"id": self.t.outlook_id("AAMkAE", mb.events.cno, it.idx), "subject": it.name,
                     "start": iso(it.attrs["start"]), "end": iso(it.attrs["end"])} for it in mb.events.items()]

    def drive_id(self, owner: str) -> str:
        """The OneDrive of a user (id/upn/alias) or the default library of a site (id/name)."""
        with self.t.lock:
            try:
                return self.t.drive(owner).id
            except Exception:
                return self.t.site(owner).drives[0].id

    def drives(self) -> list[dict[str, Any]]:
        with self.t.lock:
            return [{"id": d.id, "name": d.name, "driveType": d.drive_type, "ownerKind": d.owner_kind,
                     "ownerId": d.owner_id} for d in self.t.drives.values()]

    def drive_items(self, drive: str, with_content: bool = False) -> list[dict[str, Any]]:
        with self.t.lock:
            d: Drive = self.t.drive(drive)
            out = []
            for it in d.items.items():
                if it.idx == 0:
                    continue
                is_folder = bool(it.attrs.get("folder"))
                row = {"id": d.item_id(it.idx), "name": it.name, "path": d.path_of(it),
                       "parentId": d.item_id(it.parent) if it.parent else None, "isFolder": is_folder,
                       "package": it.attrs.get("package"), "size": 0 if is_folder else it.size, "version": it.version}
                if with_content and not is_folder:
                    row["content"] = self.t.file_content(d, it)
                out.append(row)
            return out

    def file_content(self, drive: str, item: str) -> bytes:
        with self.t.lock:
            d = self.t.drive(drive)
            return self.t.file_content(d, self.t.resolve_drive_item(d, item))

    def sites(self) -> list[dict[str, Any]]:
        with self.t.lock:
            return [{"id": s.id, "name": s.name, "displayName": s.display_name, "webUrl": s.web_url,
                     "groupId": s.group_id, "isPersonalSite": s.personal, "drives": [d.id for d in s.drives],
                     "lists": [{"id": li.id, "displayName": li.display_name, "template": li.template, "hidden": li.hidden}
                               for li in s.lists]} for s in self.t.sites]

    def list_items(self, site: str, lst: str) -> list[dict[str, Any]]:
        with self.t.lock:
            li = self.t.splist(site, lst)
            if li.items is None:
                return []
            return [{"id": str(it.idx + 1), "Title": it.name, **{k: v for k, v in it.attrs.items() if k != "gen"}}
                    for it in li.items.items()]

    def teams(self) -> list[dict[str, Any]]:
        with self.t.lock:
            return [{"id": tm.group.id, "displayName": tm.group.display_name,
                     "channels": [{"id": c.id, "displayName": c.display_name, "membershipType": c.membership_type}
                                  for c in tm.channels]} for tm in self.t.teams.values()]

    def channel_messages(self, team: str, channel: str) -> list[dict[str, Any]]:
        with self.t.lock:
            tm = self.t.team(team)
            ch = self.t.channel(tm, channel)
            return [{"id": self.t.chat_id(ch, it.idx),
                     "replyToId": self.t.chat_id(ch, it.parent) if it.parent is not None else None,
                     "body": it.attrs.get("body"), "deleted": it.attrs.get("deleted") is not None,
                     "from": it.attrs.get("from")} for it in ch.messages.items()]

    def chats(self, user: str | None = None) -> list[dict[str, Any]]:
        with self.t.lock:
            uid = self.t.user(user).id if user else None
            return [{"id": c.id, "chatType": c.chat_type, "topic": c.topic, "members": list(c.members),
                     "messages": [{"id": self.t.chat_id(c, it.idx), "body": it.attrs.get("body"),
                                   "from": it.attrs.get("from"), "deleted": it.attrs.get("deleted") is not None}
                                  for it in c.messages.items()]}
                    for c in self.t.chats if uid is None or uid in c.members]

    def summary(self) -> dict[str, int]:
        with self.t.lock:
            t = self.t
            return {"users": len(t.users), "listedUsers": sum(1 for u in t.users if u.listed), "groups": len(t.groups),
                    "mailboxes": len(t.mailboxes), "archives": len(t.archives),
                    "messages": sum(mb.messages.count() for mb in list(t.mailboxes.values()) + list(t.archives.values())),
                    "drives": len(t.drives), "driveItems": sum(d.items.count() - 1 for d in t.drives.values()),
                    "sites": len(t.sites), "teams": len(t.teams)}
