"""Exchange Online collectors: the primary mailbox (folder tree, per-folder message delta with MIME content,
contacts and calendar delta) and the in-place archive mailbox (mailbox export API)."""

from __future__ import annotations

import base64
import email.parser
import email.policy
import email.utils
import re
from typing import Any

from vboshell.backup.collectors.base import (
    DeltaReader,
    Prefetcher,
    UnitContext,
    UnitSkipped,
    UnitWarning,
    as_json,
    content_ends,
    fetch_content,
    fetched,
    first_pages_in_batches,
    required_id,
)
from vboshell.graph.errors import GraphError

MESSAGE_FIELDS = ("id,changeKey,subject,from,sender,toRecipients,ccRecipients,bccRecipients,replyTo,receivedDateTime,"
                  "sentDateTime,createdDateTime,lastModifiedDateTime,isRead,isDraft,hasAttachments,importance,"
                  "categories,flag,internetMessageId,conversationId,parentFolderId")
# Graph's message delta pages hold 10 items unless asked for more: larger pages cut the delta requests ~10x. 100,
# not 200: a page is held while its messages are fetched, in every mailbox unit at once, and 200-item pages made the
# backup's memory grow with mailbox size (+9 % for 3x larger mailboxes, against +6 % at 100) for 0.5 % fewer requests
PAGE_PREFER = {"Prefer": "odata.maxpagesize=100"}
_NO_MAILBOX = ("mailboxnotenabledforrestapi", "mailboxnotsupportedforrestapi", "resourcenotfound",
               "errorinvaliduser", "mailboxnotfound")


def _no_mailbox(exc: GraphError) -> bool:
    return exc.status == 404 and (exc.code or "").lower() in _NO_MAILBOX or \
        (exc.code or "").lower() == "mailboxnotenabledforrestapi"


def _paths(folders: dict[str, tuple[str, str | None]]) -> dict[str, str]:
    """{folderId: display path} from {folderId: (displayName, parentFolderId)}."""
    out: dict[str, str] = {}

    def path(fid: str, depth: int = 0) -> str:
        if fid in out:
            return out[fid]
        name, parent = folders[fid]
        p = name if (parent not in folders or depth > 64) else path(parent, depth + 1) + "/" + name  # type: ignore[arg-type]
        out[fid] = p
        return p

    for f in folders:
        path(f)
    return out


def _reader(u: UnitContext, key: str, first_url: str, params: dict[str, Any] | None, what: str,
            headers: dict[str, str] | None = None) -> DeltaReader:
    """The delta reader of one container, from its saved token (or from the start)."""
    token, _extra = u.get_state(key)
    return DeltaReader(u, what, token, first_url, params, headers=headers)


def _delta_items(rd: DeltaReader):
    """Yield (item, full_round) of a container's delta round (an expired token restarts a full round, see
    DeltaReader); once it is read whole, rd.link holds the new delta link."""
    for it in rd:
        yield it, rd.full


FOLDERS_AHEAD = 3  # a mailbox's next containers whose first delta page is requested while one is being read


def _folder_rows(u: UnitContext, rows: list[dict[str, Any]], prev: dict[str, Any]
                 ) -> tuple[dict[str, tuple[str, str | None]], dict[str, dict[str, Any]], bool, set[str]]:
    """{id: (name, parent)}, {id: row}, whether the listing had rows without an id (then nothing is deleted), and
    the ids of folders whose row is malformed (displayName missing or not a string, parentFolderId missing or
    neither a string nor null, wellKnownName neither a string nor null/absent). A malformed folder keeps the name and parent of the last run's folder list when
    it has them (else a placeholder name "[folder <id>]" and no parent, used only for its items' paths): the caller
    does not store its folder item, warns naming its id, and re-reads it next run."""
    folders: dict[str, tuple[str, str | None]] = {}
    meta: dict[str, dict[str, Any]] = {}
    malformed: set[str] = set()
    incomplete = False
    for f in rows:
        if not isinstance(f, dict) or f.get("@removed"):
            continue
        fid = f.get("id")
        if not isinstance(fid, str) or not fid:
            incomplete = True
            continue
        name, parent, wkn = f.get("displayName"), f.get("parentFolderId"), f.get("wellKnownName")
        bad = [k for k, ok in (("displayName", isinstance(name, str)), ("parentFolderId", "parentFolderId" in f and (parent is None or isinstance(parent, str))),
                               ("wellKnownName", wkn is None or isinstance(wkn, str))) if not ok]
        if bad:
            malformed.add(fid)
            kname, kparent = _known_folder(prev, fid)
            name = name if isinstance(name, str) else (kname if kname is not None else f"[folder {fid}]")
            parent = parent if isinstance(parent, str) else kparent
            what = ", ".join(f"{k} {'missing' if k not in f else 'of the wrong type (' + type(f[k]).__name__ + ')'}"
                             for k in bad)
            u.warn(f"Malformed mail folder {fid} not stored in this run",
                   f"Microsoft Graph returned folder {fid} with {what}. "
                   + ("The copy from the last run is kept" if kname is not None else "It is not stored yet")
                   + "; the folder and its items are read again in the next run.")
        folders[fid] = (name, parent if isinstance(parent, str) else None)
        meta[fid] = f
    if incomplete:
        u.item_failed("Malformed folder list", "A folder without an id was returned; deletions are not applied "
                      "in this run and the folders are read again next time.")
    return folders, meta, incomplete, malformed


def _known_folder(prev: dict[str, Any], fid: str) -> tuple[str | None, str | None]:
    """Name and parent of a folder from the last run's folder list {id: [path, parent]} (None when unknown)."""
    rec = prev.get(fid)
    if not (isinstance(rec, list) and len(rec) >= 2 and isinstance(rec[0], str)):
        return None, None
    path, parent = rec[0], rec[1] if isinstance(rec[1], str) else None
    prec = prev.get(parent) if parent else None
    ppath = prec[0] if isinstance(prec, list) and prec and isinstance(prec[0], str) else None
    if ppath is not None and path.startswith(ppath + "/"):
        return path[len(ppath) + 1:], parent
    return path, parent


def _delete_gone_folders(u: UnitContext, folders: dict[str, tuple[str, str | None]], prev: dict[str, Any],
                         incomplete: bool) -> None:
    """Deletes the folders of the last run that this listing lacks, with their items (nothing when it is incomplete)."""
    gone = [] if incomplete else [fid for fid in prev if fid not in folders]
    if gone:
        for item_id, _parent in u.children(gone):
            u.delete(item_id)
        for fid in gone:
            u.delete(fid)


def _end_folders(u: UnitContext, state_key: str, folders: dict[str, tuple[str, str | None]], paths: dict[str, str],
                 removed: set[str], seen: set[str], full_folders: dict[str, set[str]]) -> None:
    """After every folder of a mailbox: deletes the items reported removed (unless seen in another folder: a move)
    and those that vanished from a fully read folder (token invalid, or a -Full run), then records the folder list."""
    for item_id in removed - seen:
        u.delete(item_id)
    if full_folders:
        for item_id, parent in u.children(full_folders):
            if item_id not in full_folders[parent] and item_id not in seen and item_id not in folders:
                u.delete(item_id)
    u.set_state(state_key, None, {fid: [paths[fid], p] for fid, (_n, p) in folders.items()})


def collect_mailbox(u: UnitContext) -> None:
    """Primary mailbox of user u.obj: folders, messages (MIME), contacts, calendar."""
    uid = u.obj.external_id
    g = u.graph
    _token, prev = u.get_state("mail:folders")
    prev = prev or {}
    u.read_states([*(f"mail:{fid}" for fid in prev), "contacts", "events"])  # one query, not one per folder

    def reader(fid: str, what: str) -> DeltaReader:
        return _reader(u, f"mail:{fid}", f"/users/{uid}/mailFolders/{fid}/messages/delta",
                       {"$select": MESSAGE_FIELDS}, what, PAGE_PREFER)

    # every container of the last run continues from its saved token: those first pages and the folder list go
    # out together in JSON batches (an incremental run of a mailbox is mostly these requests, each usually
    # answering "nothing changed"); anything not answered that way is asked for on its own below
    early = {fid: reader(fid, f"folder {fid}") for fid in prev}
    simple = [_reader(u, "contacts", f"/users/{uid}/contacts/delta", None, "Contacts"),
              _reader(u, "events", f"/users/{uid}/events/delta", None, "Calendar")]
    folder_list = (f"/users/{uid}/mailFolders/delta", {"$select": "id,displayName,parentFolderId,wellKnownName"})
    (first_folders,) = first_pages_in_batches(u, [*early.values(), *simple], [(*folder_list, None)])
    if first_folders is None:  # not batched: the first folders are asked for while the folder list is read
        for rd in list(early.values())[:FOLDERS_AHEAD]:
            rd.prefetch()
    # --- folder tree (a full flat listing each run: folders are few; moves/renames are tracked by id) ---
    try:
        rows = list(g.delta(folder_list[0], params=folder_list[1], first_page=first_folders))
    except GraphError as exc:
        for rd in early.values():
            rd.cancel()
        if _no_mailbox(exc):
            raise UnitWarning(f"Mailbox is not available through Microsoft Graph ({exc.code}): {exc.message}") from None
        raise
    folders, meta, incomplete, malformed = _folder_rows(u, rows, prev)
    paths = _paths(folders)
    _delete_gone_folders(u, folders, prev, incomplete)
    moved = [fid for fid in folders if fid in prev and isinstance(prev[fid], list) and prev[fid][0] != paths[fid]]
    for fid, (name, parent) in folders.items():
        if fid in malformed:
            continue
        m = meta[fid]
        ppath = paths.get(parent, "") if parent in folders else ""
        u.put(fid, ppath, {"type": "folder", "id": fid, "displayName": name, "parentFolderId": parent,
                           "path": paths[fid], "wellKnownName": m.get("wellKnownName")}, b"", parent_id=parent)
    # renamed/moved folders: their messages take the new path (content read back from the repository)
    for item_id, parent in u.children(moved):
        if item_id not in folders:
            u.repath(item_id, paths[parent])
    # --- messages, folder by folder; removals are decided after all folders (a move is a removal + an add) ---
    removed: set[str] = set()
    seen: set[str] = set()
    full_folders: dict[str, set[str]] = {}
    # MIME downloads of this mailbox kept in flight while earlier ones are stored, across folders: a folder's end
    # is a marker in the same queue, so its delta link is recorded only once its messages are stored
    pf = Prefetcher()
    fails: dict[str, int] = dict.fromkeys(folders, 0)  # items of each folder that could not be read

    def end_folder(end: tuple[str, str | None, bool, bool, set[str]]) -> None:
        fid, link, was_full, had, ids_this = end
        if was_full and (had or u.full) and not fails[fid]:
            full_folders[fid] = ids_this
        # an item that could not be read, or a malformed folder row: no new token, the next run re-reads the
        # folder (known items are skipped)
        ok = not fails[fid] and fid not in malformed
        u.set_state(f"mail:{fid}", link if ok else None, {"path": paths[fid]})

    def store(key: tuple[str, str, dict[str, Any], str | None, str], fut: Any) -> None:
        before = u.counters.failed
        _store_message(u, key, fut)
        fails[key[4]] += u.counters.failed - before

    def handle(done: list[tuple[Any, Any]]) -> None:
        for key, fut in done:
            if fut is None:
                end_folder(key)
            else:
                store(key, fut)

    u.on_stop.append(lambda: pf.finish_on_stop(store, end_folder))
    # every container's delta reader, in order; the next few containers' first pages are requested ahead, so
    # the mailbox's concurrency slots serve several folders at once (an incremental run is mostly these requests)
    readers: list[DeltaReader] = []
    for fid in folders:
        rd = early.pop(fid, None) or reader(fid, "")
        rd.what = f"folder '{paths[fid]}'"
        readers.append(rd)
    for rd in early.values():  # a folder of the last run that is gone
        rd.cancel()
    readers += simple
    u.on_stop.append(lambda: [rd.cancel() for rd in readers])

    def ahead(i: int) -> DeltaReader:
        for rd in readers[i + 1:i + 1 + FOLDERS_AHEAD]:
            rd.prefetch()
        return readers[i]

    for i, fid in enumerate(folders):
        u.check_stop()
        key = f"mail:{fid}"
        had = u.had_state(key)
        ids_this: set[str] = set()
        was_full = False
        rd = ahead(i)
        for msg, full in _delta_items(rd):
            u.check_stop()
            was_full = full
            done: list[tuple[Any, Any]] = []
            before = u.counters.failed
            with u.guard(msg.get("subject") if isinstance(msg, dict) else msg):
                mid = required_id(msg, "message")
                if msg.get("@removed"):
                    removed.add(mid)
                    continue
                seen.add(mid)
                ids_this.add(mid)
                ck = msg.get("changeKey")
                ck = ck if isinstance(ck, str) else None
                if u.known(mid, ck, fid):
                    u.counters.skipped += 1
                    continue
                md = {k: v for k, v in msg.items() if not k.startswith("@") and k not in ("body", "uniqueBody")}
                md["type"] = "message"
                md["contentType"] = "message/rfc822"
                done = pf.add((mid, paths[fid], md, ck, fid),
                              fetch_content(g.aio, f"/users/{uid}/messages/{mid}/$value"))
            fails[fid] += u.counters.failed - before
            handle(done)
        handle(pf.mark((fid, rd.link, was_full, had, ids_this)))
    handle(pf.drain())  # every folder's messages and delta state, before removals are decided
    _end_folders(u, "mail:folders", folders, paths, removed, seen, full_folders)
    _collect_simple(u, "contacts", "contact", "Contacts", ahead(len(folders)))
    _collect_simple(u, "events", "event", "Calendar", ahead(len(folders) + 1))


def _store_message(u: UnitContext, key: tuple[str, str, dict[str, Any], str | None, str], fut: Any) -> None:
    mid, folder, md, ck, fid = key
    content = fetched(u, fut, f"message '{md.get('subject') or mid}'")
    if content is None:
        return
    problem = mime_problem(*content_ends(content))
    if problem is not None:
        close = getattr(content, "close", None)
        if close is not None:
            close()
        u.item_failed(f"Message '{md.get('subject') or mid}' was received incomplete; not stored",
                      f"Message id {mid}: {problem}. Its folder is read again in the next run.")
        return
    u.put(mid, folder, md, content, change_key=ck, parent_id=fid)


_CONTENT_TYPE = re.compile(rb"^content-type[ \t]*:[ \t]*((?:[^\r\n]|\r?\n[ \t])*)", re.I | re.M)
_BOUNDARY = re.compile(r'boundary[ \t]*=[ \t]*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))', re.I)


def _multipart_boundary(header_block: bytes) -> str | None:
    """The boundary of a multipart message from its header block (None: not multipart, or none given). A regular
    expression reads the common forms; an RFC 2231-encoded parameter goes through the email package."""
    m = _CONTENT_TYPE.search(header_block)
    if m is None:
        return None
    value = re.sub(rb"\r?\n[ \t]", b" ", m.group(1)).decode("latin-1")
    if not value.strip().lower().startswith("multipart/"):
        return None
    if "boundary*" in value.lower():
        try:
            msg = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(header_block)
            return msg.get_boundary()
        except Exception:  # noqa: BLE001 - headers that do not parse are stored as they are
            return None
    b = _BOUNDARY.search(value)
    if b is None:
        return None
    return re.sub(r"\\(.)", r"\1", b.group(1)) if b.group(1) is not None else b.group(2)


def mime_problem(head: bytes, tail: bytes, size: int) -> str | None:
    """Why a MIME message body looks cut short, or None. Cheap checks on its first and last bytes only: the
    header block must end with an empty line, and a multipart message must end with its closing boundary
    (`--boundary--`). A single-part message cut inside its body cannot be told from a complete one."""
    sep = min((i for i in (head.find(b"\r\n\r\n"), head.find(b"\n\n")) if i >= 0), default=-1)
    if sep < 0:
        if size <= len(head):  # the whole message is in view (else: headers longer than the window, not judged)
            return f"{size} bytes of headers with no end of the header block (no body)"
        return None
    boundary = _multipart_boundary(head[:sep + 4])
    if not boundary:
        return None
    close = b"--" + boundary.encode("latin-1", "replace") + b"--"
    if close not in tail:
        return f"the multipart body ends after {size} bytes without its closing boundary"
    return None


def _collect_simple(u: UnitContext, key: str, kind: str, folder: str, reader: DeltaReader) -> None:
    had = u.had_state(key)
    failed_before = u.counters.failed
    seen: set[str] = set()
    was_full = False
    try:
        for it, full in _delta_items(reader):
            u.check_stop()
            was_full = full
            with u.guard((it.get("displayName") or it.get("subject")) if isinstance(it, dict) else it):
                iid = required_id(it, kind)
                if it.get("@removed"):
                    u.delete(iid)
                    continue
                seen.add(iid)
                ck = it.get("changeKey")
                ck = ck if isinstance(ck, str) else None
                parent = folder  # contacts/events hang under one pseudo container; Graph's folder id is in metadata
                if u.known(iid, ck, parent):
                    u.counters.skipped += 1
                    continue
                md = {k: v for k, v in it.items() if not k.startswith("@") and k != "body"}
                md["type"] = kind
                u.put(iid, folder, md, as_json({k: v for k, v in it.items() if not k.startswith("@odata")}),
                      change_key=ck, parent_id=parent)
    except GraphError as exc:
        if exc.status in (403, 404):
            u.warn(f"{folder} not backed up", f"{exc.code}: {exc.message}")
            return
        raise
    if was_full and (had or u.full) and u.counters.failed == failed_before:  # deleted while the token was invalid
        for item_id, _p in u.children([folder]):
            if item_id not in seen:
                u.delete(item_id)
    u.set_state(key, reader.link if u.counters.failed == failed_before else None)


# --------------------------------------------------------------------------------------------------------------
# Archive mailbox (mailbox import/export API)

def _archive_id(u: UnitContext) -> str:
    """The user's archive mailbox id, from Graph (and remembered for the next runs); UnitSkipped when none."""
    try:
        info = u.graph.get_json(f"/users/{u.obj.external_id}/settings/exchange")
    except GraphError as exc:
        if _no_mailbox(exc):
            u.remember("archive:mailbox", None)
            raise UnitSkipped("no mailbox") from None
        raise
    if not isinstance(info, dict):
        raise UnitWarning("The mailbox settings answer is malformed; the archive is looked for again next run.")
    mbx = info.get("inPlaceArchiveMailboxId") or info.get("archiveMailboxId")
    if not mbx:
        # "no archive" is remembered only when Graph said so (the field present and empty): an answer without
        # the field is asked again next run, so a malformed answer never hides an archive for a day
        if "inPlaceArchiveMailboxId" in info or "archiveMailboxId" in info:
            u.remember("archive:mailbox", None)
        raise UnitSkipped("no archive mailbox")
    if not isinstance(mbx, str):
        raise UnitWarning(f"The mailbox settings returned a malformed archive mailbox id ({mbx!r}); retried next run.")
    u.remember("archive:mailbox", mbx)
    return mbx


def collect_archive(u: UnitContext) -> None:
    g = u.graph
    known = u.recall("archive:mailbox")
    if known is not None and not known["value"]:
        raise UnitSkipped("no archive mailbox (as of the last check)")
    mbx = known["value"] if known is not None else _archive_id(u)
    base = f"/admin/exchange/mailboxes/{mbx}"
    try:
        rows = list(g.paged(f"{base}/folders/delta"))
    except GraphError as exc:
        if known is None or exc.status not in (404, 410):
            raise
        mbx = _archive_id(u)  # the remembered archive is gone: ask again
        base = f"/admin/exchange/mailboxes/{mbx}"
        rows = list(g.paged(f"{base}/folders/delta"))
    _t, prev = u.get_state("xmail:folders")
    prev = prev or {}
    folders, _meta, incomplete, malformed = _folder_rows(u, rows, prev)
    u.read_states(f"xmail:{fid}" for fid in folders)
    paths = _paths(folders)
    _delete_gone_folders(u, folders, prev, incomplete)
    for fid, (name, parent) in folders.items():
        if fid in malformed:
            continue
        u.put(fid, paths.get(parent, "") if parent in folders else "",
              {"type": "folder", "id": fid, "displayName": name, "parentFolderId": parent, "path": paths[fid],
               "mailboxId": mbx}, b"", parent_id=parent)
    removed: set[str] = set()
    seen: set[str] = set()
    full_folders: dict[str, set[str]] = {}
    for fid in folders:
        u.check_stop()
        key = f"xmail:{fid}"
        had = u.had_state(key)
        pending: list[dict[str, Any]] = []
        ids_this: set[str] = set()
        was_full = False
        failed_before = u.counters.failed
        rd = _reader(u, key, f"{base}/folders/{fid}/items/delta", None, f"archive folder '{paths[fid]}'")
        for it, full in _delta_items(rd):
            u.check_stop()
            was_full = full
            iid = it.get("id") if isinstance(it, dict) else None
            if not isinstance(iid, str) or not iid:
                u.item_failed("Malformed archive item skipped", repr(it)[:200])
                continue
            if it.get("@removed"):
                removed.add(iid)
                continue
            seen.add(iid)
            ids_this.add(iid)
            ck = it.get("changeKey")
            if u.known(iid, ck if isinstance(ck, str) else None, fid):
                u.counters.skipped += 1
                continue
            pending.append(it)
            if len(pending) == 20:
                _export(u, base, mbx, fid, paths[fid], pending)
                pending = []
        if pending:
            _export(u, base, mbx, fid, paths[fid], pending)
        if was_full and (had or u.full) and u.counters.failed == failed_before:
            full_folders[fid] = ids_this
        ok = u.counters.failed == failed_before and fid not in malformed
        u.set_state(key, rd.link if ok else None, {"path": paths[fid]})
    _end_folders(u, "xmail:folders", folders, paths, removed, seen, full_folders)


def _export(u: UnitContext, base: str, mbx: str, fid: str, path: str, items: list[dict[str, Any]]) -> None:
    res = u.graph.post_json(f"{base}/exportItems", {"itemIds": [i["id"] for i in items]})
    by_id = {i["id"]: i for i in items}
    got: set[str] = set()
    for r in res.get("value") or []:
        with u.guard(r.get("itemId") if isinstance(r, dict) else r):
            iid = r.get("itemId")
            if iid not in by_id:
                raise ValueError(f"export result for an unknown item {iid!r}")
            got.add(iid)
            src = by_id[iid]
            if r.get("error"):
                err = r["error"] if isinstance(r["error"], dict) else {"message": str(r["error"])}
                if str(err.get("code", "")).lower() != "erroritemnotfound":
                    u.item_failed(f"Cannot export archive item {iid}", f"{err.get('code')}: {err.get('message')}")
                continue
            if not isinstance(r.get("data"), str):
                raise ValueError("export answer without data")
            data = base64.b64decode(r["data"], validate=True)
            md: dict[str, Any] = {k: v for k, v in src.items() if not k.startswith("@")}
            md.update({"type": "message", "mailboxId": mbx, "parentFolderId": fid,
                       "contentType": "application/x-exchange-export"})
            md.update(_mime_summary(data))
            ck = r.get("changeKey") or src.get("changeKey")
            u.put(iid, path, md, data, change_key=ck if isinstance(ck, str) else None, parent_id=fid)
    if len(got) < len(by_id):
        u.item_failed(f"{len(by_id) - len(got)} archive item(s) missing from the export answer",
                      "They are read again in the next run.")


def _mime_summary(data: bytes) -> dict[str, Any]:
    """subject/from/receivedDateTime when the exported data is RFC 822 (else nothing)."""
    head = data[:65536]
    if b"\r\n\r\n" not in head and b"\n\n" not in head:
        return {}
    try:
        msg = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(head)
    except Exception:  # noqa: BLE001 - not MIME
        return {}
    if not (msg.get("Subject") is not None or msg.get("From") is not None):
        return {}
    out: dict[str, Any] = {"contentType": "message/rfc822", "subject": str(msg.get("Subject") or "")}
    if msg.get("From"):
        name, addr = email.utils.parseaddr(str(msg.get("From")))
        out["from"] = {"emailAddress": {"name": name, "address": addr}}
    if msg.get("Date"):
        try:
            out["receivedDateTime"] = email.utils.parsedate_to_datetime(str(msg.get("Date"))).isoformat()
        except (TypeError, ValueError):
            pass
    if msg.get("Message-ID"):
        out["internetMessageId"] = str(msg.get("Message-ID"))
    return out
