"""Exchange restore and export (VEX): mailboxes, folders and items of a restore session, item search, restore to
the original or another mailbox through Microsoft Graph, and export to EML files or MBOX.

Restore writes `POST /users/{id}/mailFolders/{fid}/messages` with the backed-up MIME (base64, text/plain); Graph
creates such messages as drafts (isDraft cannot be changed after creation), which the session log notes once.
Messages over Graph's 4 MB request limit go through the mailbox import API when the app has its permission.
"""

from __future__ import annotations

import base64
import email.utils
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from vboshell.repository import ObjectRef
from vboshell.restore.paths import partial_path, safe_join, safe_name, safe_relpath, unique_path, write_complete
from vboshell.restore.pipeline import OrderedPool, stop_or_report
from vboshell.restore.session import Entry, Operation, RestoreSession, Source

MAX_MIME_POST = 3 * 1024 * 1024  # base64 grows 4/3: stays under Graph's 4 MB request body limit
DRAFT_NOTE = ("Messages restored through Microsoft Graph from their MIME content are created as drafts "
              "(Graph sets isDraft at creation and it cannot be changed); content, headers and attachments are kept.")
MESSAGE_TYPES = ("message",)
ITEM_TYPES = ("message", "contact", "event")


@dataclass
class Mailbox:
    source: Source
    obj: ObjectRef
    service: str  # Exchange | ExchangeArchive

    @property
    def is_archive(self) -> bool:
        return self.service == "ExchangeArchive"


@dataclass
class Folder:
    mailbox: Mailbox
    path: str
    meta: dict[str, Any] = field(default_factory=dict)
    deleted: bool = False

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1] if self.path else ""

    @property
    def parent_path(self) -> str | None:
        return self.path.rsplit("/", 1)[0] if "/" in self.path else None


def mailboxes(session: RestoreSession) -> list[Mailbox]:
    out = []
    for src, obj in session.objects(kind="user"):
        for svc in session.services_of(src, obj):
            out.append(Mailbox(src, obj, svc))
    return out


def folders(session: RestoreSession, mb: Mailbox) -> list[Folder]:
    """Every folder of a mailbox (folder items, plus containers known only from their items), by path."""
    found: dict[str, Folder] = {}
    for e in session.entries(mb.source, mb.obj, mb.service):
        m = e.meta
        if e.type == "folder":
            path = str(m.get("path") or "/".join(p for p in ((e.version.folder or ""), str(m.get("displayName") or ""))
                                                  if p))
            if path and (path not in found or not e.deleted):
                found[path] = Folder(mb, path, dict(m), deleted=e.deleted)
        elif e.version.folder:
            parts = e.version.folder.split("/")
            for i in range(1, len(parts) + 1):
                p = "/".join(parts[:i])
                found.setdefault(p, Folder(mb, p, {"displayName": parts[i - 1]}))
    return sorted(found.values(), key=lambda f: f.path.lower())


def child_folders(session: RestoreSession, mb: Mailbox, parent: str | None, recurse: bool = False) -> list[Folder]:
    out = []
    for f in folders(session, mb):
        if parent is None:
            if recurse or "/" not in f.path:
                out.append(f)
        elif f.path.lower().startswith(parent.lower() + "/"):
            if recurse or "/" not in f.path[len(parent) + 1:]:
                out.append(f)
    return out


def items(session: RestoreSession, mb: Mailbox, folder: str | None = None, recurse: bool = True,
          types: tuple[str, ...] = ITEM_TYPES) -> Iterator[Entry]:
    yield from session.entries(mb.source, mb.obj, mb.service, folder, recursive=recurse, types=types)


def _addr(v: Any) -> str:
    if isinstance(v, dict):
        ea = v.get("emailAddress") if isinstance(v.get("emailAddress"), dict) else v
        name, addr = ea.get("name") or "", ea.get("address") or ""
        return f"{name} <{addr}>" if name and addr else name or addr
    return str(v or "")


def addresses(v: Any) -> list[str]:
    if isinstance(v, list):
        return [_addr(x) for x in v]
    return [_addr(v)] if v else []


def query_fields(e: Entry) -> dict[str, Any]:
    m = e.meta
    return {
        "subject": str(m.get("subject") or m.get("displayName") or ""),
        "from": _addr(m.get("from") or m.get("sender") or m.get("organizer")),
        "to": "; ".join(addresses(m.get("toRecipients") or m.get("attendees"))),
        "cc": "; ".join(addresses(m.get("ccRecipients"))),
        "bcc": "; ".join(addresses(m.get("bccRecipients"))),
        "received": _dt(m.get("receivedDateTime") or m.get("createdDateTime")),
        "sent": _dt(m.get("sentDateTime")),
        "created": _dt(m.get("createdDateTime")),
        "modified": _dt(m.get("lastModifiedDateTime")),
        "hasattachment": bool(m.get("hasAttachments")),
        "isread": bool(m.get("isRead")),
        "isdeleted": e.deleted,
        "deleted": e.deleted_at,
        "importance": str(m.get("importance") or ""),
        "category": " ".join(str(c) for c in m.get("categories") or []),
        "folder": e.version.folder or "",
        "type": e.type,
        "name": str(m.get("subject") or m.get("displayName") or ""),
    }


def _dt(v: Any) -> datetime | None:
    if isinstance(v, datetime):
        return v
    if isinstance(v, dict):  # event start/end
        v = v.get("dateTime")
    if not v:
        return None
    try:
        d = datetime.fromisoformat(str(v).replace("Z", "+00:00"))
    except ValueError:
        return None
    return d if d.tzinfo else d.replace(tzinfo=UTC)


# ---------------------------------------------------------------------------------------------------- export


EXPORT_FORMAT = "application/x-exchange-export"
NOT_MIME = ("This item was backed up in Exchange's export format (mailbox export API), not as MIME, so it cannot "
            "be written as EML/MBOX; restore it with Restore-VEXItem instead.")


def is_mime(e: Entry) -> bool:
    return str(e.meta.get("contentType") or "message/rfc822").lower() != EXPORT_FORMAT


def _eml_name(e: Entry) -> str:
    subject = str(e.meta.get("subject") or "(no subject)")
    return safe_name(subject[:120], "message") + ".eml"


def _skip_non_mime(e: Entry, op: Operation | None, fmt: str) -> bool:
    """True, and e recorded as skipped in op, when e is not a MIME message (all that EML and MBOX files hold)."""
    if e.type == "message" and is_mime(e):
        return False
    if op:
        op.skip(e, NOT_MIME if e.type == "message" else
                f"Only e-mail messages are exported to {fmt}; this is a {e.type or 'item'}.")
    return True


def export_eml(entries: list[Entry], root: Path, *, keep_folders: bool = True, op: Operation | None = None,
               progress: Callable[[int, int, str], None] | None = None) -> list[Path]:
    """One .eml per message under root (<mailbox>/<folder path>/ when keep_folders); streams each MIME."""
    from vboshell.restore.streams import copy_stream

    written = []
    root.mkdir(parents=True, exist_ok=True)
    total = len(entries)
    for i, e in enumerate(entries, 1):
        if progress:
            progress(i, total, e.version.name)
        if _skip_non_mime(e, op, "EML"):
            continue
        try:
            parts = [e.obj.name or e.obj.external_id, *safe_relpath(e.version.folder)] if keep_folders else []
            d = safe_join(root, *parts) if parts else root
            d.mkdir(parents=True, exist_ok=True)
            target = unique_path(safe_join(d, _eml_name(e)))
            with e.open() as src, write_complete(target) as dst:  # no truncated .eml under the final name
                copy_stream(src, dst)
            written.append(target)
            if op:
                op.success(e, f"Exported to {target}")
        except Exception as exc:  # noqa: BLE001 - one failing item is logged, the rest continue
            if op:
                op.fail(e, f"Export failed: {exc}")
    return written


def _mbox_from_line(e: Entry) -> bytes:
    sender = e.meta.get("from") or e.meta.get("sender") or {}
    addr = ""
    if isinstance(sender, dict):
        addr = (sender.get("emailAddress") or {}).get("address") or ""
    addr = addr.replace(" ", "") or "MAILER-DAEMON"
    when = _dt(e.meta.get("receivedDateTime")) or datetime.now(UTC)
    return f"From {addr} {when.strftime('%a %b %d %H:%M:%S %Y')}\n".encode()


def write_mbox_message(e: Entry, out: Any) -> None:
    """Append one message in mboxrd form (LF line ends, '>'-quoted From_ lines), streaming its MIME."""
    import re

    quote_re = re.compile(rb"^>*From ")
    out.write(_mbox_from_line(e))
    last = b"\n"
    with e.open() as src:
        for line in src:
            if line.endswith(b"\r\n"):
                line = line[:-2] + b"\n"
            if quote_re.match(line):
                line = b">" + line
            out.write(line)
            last = line
    if not last.endswith(b"\n"):
        out.write(b"\n")
    out.write(b"\n")


def export_mbox(groups: dict[str, list[Entry]], root: Path, *, single_file: Path | None = None,
                op: Operation | None = None, progress: Callable[[int, int, str], None] | None = None) -> list[Path]:
    """One .mbox per folder (groups: '<mailbox>/<folder path>' -> entries), or everything into single_file."""
    written: list[Path] = []
    total = sum(len(v) for v in groups.values())
    n = 0
    handles: dict[Path, Any] = {}
    try:
        for key, entries in groups.items():
            if single_file is not None:
                target = single_file
            else:
                parts = safe_relpath(key)
                target = safe_join(root, *parts[:-1], (parts[-1] if parts else "mailbox") + ".mbox")
            target.parent.mkdir(parents=True, exist_ok=True)
            fh = handles.get(target)
            if fh is None:  # written as .<name>.partial, renamed when complete
                fh = handles[target] = open(partial_path(target), "wb")
                written.append(target)
            for e in entries:
                n += 1
                if progress:
                    progress(n, total, e.version.name)
                if _skip_non_mime(e, op, "MBOX"):
                    continue
                pos = fh.tell()
                try:
                    write_mbox_message(e, fh)
                    if op:
                        op.success(e, f"Exported to {target}")
                except Exception as exc:  # noqa: BLE001
                    fh.seek(pos)  # no half-written message in the mailbox file
                    fh.truncate()
                    if op:
                        op.fail(e, f"Export failed: {exc}")
    except BaseException:
        for target, fh in handles.items():
            fh.close()
            partial_path(target).unlink(missing_ok=True)
        raise
    for target, fh in handles.items():
        fh.close()
        os.replace(partial_path(target), target)
    return written


# ---------------------------------------------------------------------------------------------------- restore


@dataclass
class ExchangeRestoreOptions:
    target_mailbox: str | None = None  # UPN / id; None: the original mailbox
    to_folder: str | None = None  # restore under this folder (structure kept below it)
    restore_changed: bool = True
    restore_deleted: bool = True
    mark_unread: bool = False
    exclude_drafts: bool = False
    exclude_deleted_items: bool = False


class MailboxWriter:
    """Graph-side state of one target mailbox: folder ids by path and existing messages per folder."""

    def __init__(self, g: Any, user: str) -> None:
        self.g = g
        self.user = user
        self.u = quote(user, safe="@")
        self._folders: dict[str, str] = {}
        self._existing: dict[str, dict[str, dict[str, Any]]] = {}
        self._mailbox_id: str | None = None

    def _children(self, parent_id: str | None) -> list[dict[str, Any]]:
        url = f"/users/{self.u}/mailFolders" if parent_id is None else \
            f"/users/{self.u}/mailFolders/{parent_id}/childFolders"
        return list(self.g.paged(url, params={"includeHiddenFolders": "true", "$top": 100}))

    def folder_id(self, path: str, well_known: str | None = None) -> str:
        """The id of a folder path, creating missing folders (the folder structure is recreated)."""
        key = path.lower()
        if key in self._folders:
            return self._folders[key]
        parts = [p for p in path.split("/") if p]
        if not parts:
            fid = self.g.get_json(f"/users/{self.u}/mailFolders/msgfolderroot")["id"]
            self._folders[key] = fid
            return fid
        parent_id: str | None = None
        if len(parts) > 1:
            parent_id = self.folder_id("/".join(parts[:-1]))
        name = parts[-1]
        fid = None
        if parent_id is None and well_known:
            try:
                fid = self.g.get_json(f"/users/{self.u}/mailFolders/{well_known}")["id"]
            except Exception:  # noqa: BLE001 - fall back to the name
                fid = None
        if fid is None:
            for c in self._children(parent_id):
                if str(c.get("displayName", "")).lower() == name.lower():
                    fid = c["id"]
                    break
        if fid is None:
            url = f"/users/{self.u}/mailFolders" if parent_id is None else \
                f"/users/{self.u}/mailFolders/{parent_id}/childFolders"
            fid = self.g.post_json(url, {"displayName": name})["id"]
        self._folders[key] = fid
        return fid

    def existing(self, folder_id: str) -> dict[str, dict[str, Any]]:
        """Messages of a folder by internetMessageId (lower case)."""
        if folder_id not in self._existing:
            by: dict[str, dict[str, Any]] = {}
            for m in self.g.paged(f"/users/{self.u}/mailFolders/{folder_id}/messages",
                                  params={"$select": "id,internetMessageId,changeKey,isRead,lastModifiedDateTime",
                                          "$top": 100}):
                imid = str(m.get("internetMessageId") or "").lower()
                if imid:
                    by.setdefault(imid, m)
            self._existing[folder_id] = by
        return self._existing[folder_id]

    def mime_of(self, message_id: str) -> bytes:
        return self.g.get_bytes(f"/users/{self.u}/messages/{message_id}/$value")

    def create_message(self, folder_id: str, mime: bytes, *, export_format: bool = False) -> dict[str, Any]:
        """MIME up to 3 MB: POST (created as a draft). Larger MIME, and items backed up in the export format,
        go through the mailbox import API (full fidelity)."""
        if not export_format and len(mime) <= MAX_MIME_POST:
            resp = self.g.request("POST", f"/users/{self.u}/mailFolders/{folder_id}/messages",
                                  content=base64.b64encode(mime), headers={"Content-Type": "text/plain"})
            return resp.json()
        return self.import_message(folder_id, mime)

    def import_message(self, folder_id: str, data: bytes) -> dict[str, Any]:
        """Large items: the mailbox import API (createImportSession, then POST to the pre-authenticated URL)."""
        if self._mailbox_id is None:
            self._mailbox_id = self.g.get_json(f"/users/{self.u}/settings/exchange")["primaryMailboxId"]
        sess = self.g.post_json(f"/admin/exchange/mailboxes/{self._mailbox_id}/createImportSession", {})
        resp = self.g.request("POST", sess["importUrl"], auth=False,
                              json={"FolderId": folder_id, "Mode": "create",
                                    "Data": base64.b64encode(data).decode()})
        body = resp.json()
        return {"id": body.get("itemId"), "changeKey": body.get("changeKey"), "imported": True}

    def set_read(self, message_id: str, is_read: bool) -> None:
        self.g.send_json("PATCH", f"/users/{self.u}/messages/{message_id}", {"isRead": is_read})

    def current_json(self, kind: str, item_id: str) -> dict[str, Any] | None:
        """The contact/event with this id in the mailbox, or None when it is gone."""
        url = f"/users/{self.u}/contacts/{item_id}" if kind == "contact" else f"/users/{self.u}/events/{item_id}"
        try:
            return self.g.get_json(url, params={"$select": "id,lastModifiedDateTime"})
        except Exception as exc:  # noqa: BLE001
            if getattr(exc, "status", 0) in (404, 400):
                return None
            raise

    def create_json(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        url = f"/users/{self.u}/contacts" if kind == "contact" else f"/users/{self.u}/events"
        return self.g.post_json(url, body)


_READONLY = {"id", "changeKey", "createdDateTime", "lastModifiedDateTime", "parentFolderId", "@odata.etag",
             "@odata.context", "@odata.type", "type", "path", "iCalUId", "webLink", "onlineMeeting", "seriesMasterId",
             "originalStartTimeZone", "originalEndTimeZone", "responseStatus", "isOrganizer", "organizer",
             "calendar@odata.navigationLink", "calendar@odata.associationLink"}


RESTORE_CONCURRENCY = 4  # messages being created at once (Outlook allows 4 concurrent requests per mailbox)


def _create(w: MailboxWriter, fid: str, mime: bytes, export_format: bool, want_read: bool) -> dict[str, Any]:
    """Create one message (and set its read state); runs on a worker thread, outcomes are recorded by the caller."""
    new = w.create_message(fid, mime, export_format=export_format)
    if new.get("id") and new.get("isRead", True) != want_read:
        w.set_read(new["id"], want_read)
    return new


def restore_items(session: RestoreSession, g: Any, entries: list[Entry], opts: ExchangeRestoreOptions,
                  op: Operation, progress: Callable[[int, int, str], None] | None = None,
                  stopping: Callable[[], bool] | None = None) -> None:
    """Restore messages (and contacts/events) with their folder structure; one failure never stops the rest.
    Decisions (folder, already there?, changed?) are taken item by item; the messages to create are sent
    RESTORE_CONCURRENCY at a time (OrderedPool), and every outcome is recorded here, in order."""
    writers: dict[str, MailboxWriter] = {}
    draft_noted = False
    archive_noted = False
    total = len(entries)
    wk_by_path: dict[tuple[str, str], str] = {}

    def created(tag: tuple[Entry, MailboxWriter, str, str, str, bool, str], new: Any, error: BaseException | None
                ) -> None:
        nonlocal draft_noted
        e, w, fid, folder, user, merged, imid = tag
        if error is not None:
            op.fail(e, f"Restore failed: {_reason(error)}")  # type: ignore[arg-type]
            return
        if not new.get("imported") and not draft_noted:
            op.warn(DRAFT_NOTE)
            draft_noted = True
        if imid:
            w.existing(fid)[imid] = {"id": new.get("id"), "internetMessageId": imid}
        what = "changed item restored next to the current one" if merged else "restored"
        op.success(e, f"{what}: '{folder}' of {user} (new id {new.get('id')})", merged=merged)

    with OrderedPool(RESTORE_CONCURRENCY, created) as pipe:
        for i, e in enumerate(entries, 1):
            if stop_or_report(op, i, total, e.version.name, progress, stopping):
                break
            if e.type not in ITEM_TYPES:
                continue
            m = e.meta
            try:
                if opts.exclude_drafts and m.get("isDraft"):
                    op.skip(e, "Draft excluded (-ExcludeDrafts).")
                    continue
                folder = e.version.folder or ""
                if opts.exclude_deleted_items and folder.split("/", 1)[0].lower() in ("deleted items", "deleteditems"):
                    op.skip(e, "Item of Deleted Items excluded (-ExcludeDeletedItems).")
                    continue
                user = opts.target_mailbox or e.obj.external_id
                w = writers.get(user.lower())
                if w is None:
                    w = writers[user.lower()] = MailboxWriter(g, user)
                if e.version.service == "ExchangeArchive" and not opts.target_mailbox and not opts.to_folder:
                    folder = "Restored from archive/" + folder if folder else "Restored from archive"
                    if not archive_noted:
                        op.warn("Microsoft Graph cannot write into in-place archive mailboxes; archive items are "
                                "restored to the primary mailbox under 'Restored from archive'.", e.obj)
                        archive_noted = True
                if e.type == "contact":
                    folder = folder or "Contacts"
                if opts.to_folder:
                    folder = opts.to_folder.strip("/") + ("/" + folder if folder else "")
                if e.type in ("contact", "event"):
                    cur = w.current_json(e.type, e.version.item_id) if user == e.obj.external_id else None
                    if cur is not None:
                        if str(cur.get("lastModifiedDateTime") or "") == str(m.get("lastModifiedDateTime") or "-"):
                            op.skip(e, f"The {e.type} exists unchanged.")
                            continue
                        if not opts.restore_changed:
                            op.skip(e, f"The {e.type} was changed; not restored (use -RestoreChangedItem).")
                            continue
                    elif not opts.restore_deleted:
                        op.skip(e, f"The {e.type} is missing; not restored (use -RestoreDeletedItem).")
                        continue
                    new = w.create_json(e.type, _json_body(e))
                    op.success(e, f"Created {e.type} {new.get('id', '')} in {user}", merged=cur is not None)
                    continue
                top = folder.split("/", 1)[0]
                well_known = wk_by_path.get((e.obj.external_id, top.lower())) if "/" not in folder else None
                if well_known is None and not opts.to_folder and "/" not in folder:
                    well_known = _well_known_of(session, e, top, wk_by_path)
                fid = w.folder_id(folder, well_known)
                mime = e.read()
                imid = str(m.get("internetMessageId") or "").lower()
                if imid:  # the same message being created from an earlier entry: judge against it
                    pipe.wait_for((user.lower(), fid, imid))
                existing = w.existing(fid).get(imid) if imid else None
                merged = False
                if existing is not None:
                    same = False
                    if existing.get("id") == e.version.item_id and e.version.change_key and \
                            existing.get("changeKey") == e.version.change_key:
                        same = True  # the very item, untouched since the backup (immutable id + change key)
                    else:
                        try:
                            same = w.mime_of(existing["id"]) == mime
                        except Exception:  # noqa: BLE001 - cannot compare: treat as changed
                            same = False
                    if same:
                        op.skip(e, f"Already in '{folder}' of {user} and unchanged.")
                        continue
                    if not opts.restore_changed:
                        op.skip(e, "Changed in the mailbox; not restored (use -RestoreChangedItem).")
                        continue
                    merged = True
                elif not opts.restore_deleted:
                    op.skip(e, "Missing from the mailbox; not restored (use -RestoreDeletedItem).")
                    continue
                want_read = False if opts.mark_unread else bool(m.get("isRead", True))
                pipe.submit((e, w, fid, folder, user, merged, imid), _create, w, fid, mime, not is_mime(e), want_read,
                            key=(user.lower(), fid, imid) if imid else None)
            except Exception as exc:  # noqa: BLE001 - one failing item is logged, the rest continue
                op.fail(e, f"Restore failed: {_reason(exc)}")


def _well_known_of(session: RestoreSession, e: Entry, top: str, cache: dict[tuple[str, str], str]) -> str | None:
    key = (e.obj.external_id, top.lower())
    if key in cache:
        return cache[key] or None
    wk = ""
    for f in session.entries(e.source, e.obj, e.version.service, "", types=("folder",)):
        name = str(f.meta.get("displayName") or "")
        if name.lower() == top.lower() and f.meta.get("wellKnownName"):
            wk = str(f.meta["wellKnownName"])
            break
    cache[key] = wk
    return wk or None


def _json_body(e: Entry) -> dict[str, Any]:
    import json

    try:
        data = json.loads(e.read() or b"{}")
    except ValueError:
        data = dict(e.meta)
    return {k: v for k, v in data.items() if k not in _READONLY and not k.startswith("@")}


def _reason(exc: Exception) -> str:
    msg = getattr(exc, "message", None) or str(exc)
    code = getattr(exc, "code", "")
    return f"{msg} ({code})" if code and code not in msg else msg


def message_summary(e: Entry) -> dict[str, Any]:
    """Display properties of a message entry (VEX item objects are built from these)."""
    m = e.meta
    return {
        "subject": str(m.get("subject") or m.get("displayName") or ""),
        "from": _addr(m.get("from") or m.get("sender")),
        "to": addresses(m.get("toRecipients")),
        "cc": addresses(m.get("ccRecipients")),
        "received": _dt(m.get("receivedDateTime")),
        "sent": _dt(m.get("sentDateTime")),
        "size": e.version.size,
    }


def parse_address(value: str) -> tuple[str, str]:
    return email.utils.parseaddr(value)
