"""Outlook endpoints of the sandbox: folders, message delta exactly-once semantics, MIME, attachments, writes.
Mutations go through the handle's mutate API; expectations come from the truth API."""

from __future__ import annotations

import base64
import email
from typing import Any

import pytest

from tests.sandbox.util import collect

PAGE3 = {"Prefer": "odata.maxpagesize=3"}


@pytest.fixture
def env(fresh_sandbox: Any) -> Any:
    sb = fresh_sandbox
    alice = sb.truth.users()[0]["id"]
    with sb.graph_client() as gc:
        yield sb, gc, alice


def test_folders_tree_and_hidden(sandbox: Any) -> None:
    alice = sandbox.truth.users()[0]["id"]
    with sandbox.graph_client() as gc:
        top = gc.get(f"/users/{alice}/mailFolders").json()["value"]
        names = {f["displayName"] for f in top}
        assert {"Inbox", "Drafts", "Sent Items", "Deleted Items", "Junk Email", "Archive"} <= names
        assert "Sync Issues" not in names
        hidden = gc.get(f"/users/{alice}/mailFolders?includeHiddenFolders=true").json()["value"]
        assert any(f["isHidden"] for f in hidden)
        inbox = gc.get(f"/users/{alice}/mailFolders/inbox").json()
        kids = gc.get(f"/users/{alice}/mailFolders/{inbox['id']}/childFolders").json()["value"]
        assert len(kids) == inbox["childFolderCount"] > 0
        flat, link, _ = collect(gc, f"/users/{alice}/mailFolders/delta")
        assert link and {f["id"] for f in flat} == {f["id"] for f in sandbox.truth.mail_folders(alice)}


def test_message_delta_initial_round_pages(sandbox: Any) -> None:
    alice = sandbox.truth.users()[0]["id"]
    with sandbox.graph_client() as gc:
        items, link, pages = collect(gc, f"/users/{alice}/mailFolders/inbox/messages/delta", PAGE3)
    truth = sandbox.truth.messages(alice, "inbox")
    assert sorted(m["id"] for m in items) == sorted(m["id"] for m in truth)
    assert pages == -(-len(truth) // 3) and link
    assert any("Invoice" in m["subject"] for m in items)


def test_message_delta_changes_exactly_once(env: Any) -> None:
    sb, gc, alice = env
    url = f"/users/{alice}/mailFolders/inbox/messages/delta"
    first, link, _ = collect(gc, url, PAGE3)
    inbox = sb.truth.messages(alice, "inbox")
    ids = [m["id"] for m in inbox]
    m = sb.mutate
    added = m.add_message(user="alice", folder="inbox", subject="Brand new")
    m.update_message(user="alice", message_id=ids[0], isRead=True, subject="Edited subject")
    m.update_message(user="alice", message_id=ids[0], isRead=False)  # twice: still one change
    m.move_message(user="alice", message_id=ids[1], folder="Inbox/" + sb.truth.mail_folders(alice)[-1]["path"].split("/")[-1]
                   if False else "archive")
    m.delete_message(user="alice", message_id=ids[2])
    outside = sb.truth.messages(alice, "sentitems")[0]["id"]
    m.move_message(user="alice", message_id=outside, folder="inbox")
    changes, link2, _ = collect(gc, link, PAGE3)
    seen = [c["id"] for c in changes]
    assert len(seen) == len(set(seen)), "every change exactly once"
    upserts = {c["id"]: c for c in changes if "@removed" not in c}
    removed = {c["id"] for c in changes if "@removed" in c}
    assert set(upserts) == {added, ids[0], outside}
    assert removed == {ids[1], ids[2]}
    assert upserts[ids[0]]["subject"] == "Edited subject" and upserts[ids[0]]["isRead"] is False
    assert all(c["@removed"] == {"reason": "deleted"} for c in changes if "@removed" in c)
    # a round with no changes is empty
    again, link3, _ = collect(gc, link2, PAGE3)
    assert again == [] and link3
    # the archive folder's delta shows the moved-in message once, as an item
    arch, _, _ = collect(gc, f"/users/{alice}/mailFolders/archive/messages/delta")
    assert [a["id"] for a in arch].count(ids[1]) == 1


def test_change_during_round_lands_in_next_round(env: Any) -> None:
    sb, gc, alice = env
    url = f"/users/{alice}/mailFolders/inbox/messages/delta"
    r = gc.get(url, headers=PAGE3).json()
    first_ids = [v["id"] for v in r["value"]]
    sb.mutate.update_message(user="alice", message_id=first_ids[0], subject="changed mid-round")
    rest, link, _ = collect(gc, r["@odata.nextLink"], PAGE3)
    assert first_ids[0] not in [v["id"] for v in rest]
    nxt, _, _ = collect(gc, link, PAGE3)
    assert [v["id"] for v in nxt] == [first_ids[0]] and nxt[0]["subject"] == "changed mid-round"


def test_folder_delta_add_rename_delete(env: Any) -> None:
    sb, gc, alice = env
    _, link, _ = collect(gc, f"/users/{alice}/mailFolders/delta")
    fid = sb.mutate.add_mail_folder(user="alice", name="Restored", parent="inbox")
    sb.mutate.rename_mail_folder(user="alice", folder=fid, name="Restored 2")
    victim = next(f for f in sb.truth.mail_folders(alice) if f["wellKnownName"] is None and f["id"] != fid)
    sb.mutate.delete_mail_folder(user="alice", folder=victim["id"])
    changes, _, _ = collect(gc, link)
    byid = {c["id"]: c for c in changes}
    assert byid[fid]["displayName"] == "Restored 2"
    assert byid[victim["id"]]["@removed"] == {"reason": "deleted"}


def test_mime_value_and_attachments(sandbox: Any) -> None:
    alice = sandbox.truth.users()[0]["id"]
    inv = sandbox.truth.find_messages(user="alice", subject_contains="Invoice")[0]
    with sandbox.graph_client() as gc:
        raw = gc.get(f"/users/{alice}/messages/{inv['id']}/$value")
        assert raw.status_code == 200
        assert raw.content == sandbox.truth.message_mime(user="alice", message_id=inv["id"])
        msg = email.message_from_bytes(raw.content)
        assert "Invoice" in msg["Subject"] and msg["Message-ID"] == inv["internetMessageId"]
        atts = gc.get(f"/users/{alice}/messages/{inv['id']}/attachments").json()["value"]
        assert atts[0]["name"].endswith(".pdf")
        part = next(p for p in msg.walk() if p.get_filename() == atts[0]["name"])
        assert base64.b64decode(atts[0]["contentBytes"]) == part.get_payload(decode=True)
        one = gc.get(f"/users/{alice}/messages/{inv['id']}/attachments/{atts[0]['id']}/$value")
        assert one.content == part.get_payload(decode=True)


def test_large_message_over_4mb(sandbox: Any) -> None:
    big = [m for u in sandbox.truth.users() if u["purpose"] == "user" for m in
           sandbox.truth.find_messages(user=u["id"], subject_contains="Large design")]
    assert big
    uid = next(u["id"] for u in sandbox.truth.users() if sandbox.truth.find_messages(user=u["id"],
                                                                                      subject_contains="Large design"))
    with sandbox.graph_client() as gc:
        r = gc.get(f"/users/{uid}/messages/{big[0]['id']}/$value")
    assert len(r.content) > 4 * 1024 * 1024


def test_restore_mime_creates_draft(env: Any) -> None:
    sb, gc, alice = env
    inv = sb.truth.find_messages(user="alice", subject_contains="Invoice")[0]
    mime = sb.truth.message_mime(user="alice", message_id=inv["id"])
    sb.mutate.delete_message(user="alice", message_id=inv["id"])
    assert not sb.truth.find_messages(user="alice", subject_contains="Invoice")
    r = gc.post(f"/users/{alice}/mailFolders/inbox/messages", content=base64.b64encode(mime),
                headers={"Content-Type": "text/plain"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["isDraft"] is True and "Invoice" in body["subject"] and body["hasAttachments"] is True
    assert gc.get(f"/users/{alice}/messages/{body['id']}/$value").content == mime
    r = gc.post(f"/users/{alice}/mailFolders/inbox/messages", content=b"@@not base64@@",
                headers={"Content-Type": "text/plain"})
    assert r.status_code == 400


def test_folder_create_and_json_message(env: Any) -> None:
    sb, gc, alice = env
    r = gc.post(f"/users/{alice}/mailFolders", json={"displayName": "Restored items"})
    assert r.status_code == 201
    fid = r.json()["id"]
    r2 = gc.post(f"/users/{alice}/mailFolders/{fid}/childFolders", json={"displayName": "Sub"})
    assert r2.status_code == 201 and r2.json()["parentFolderId"] == fid
    dup = gc.post(f"/users/{alice}/mailFolders", json={"displayName": "Restored items"})
    assert dup.status_code == 409
    m = gc.post(f"/users/{alice}/mailFolders/{fid}/messages", json={"subject": "hi", "body": {"contentType": "text",
                                                                                              "content": "x"}})
    assert m.status_code == 201 and m.json()["parentFolderId"] == fid and m.json()["isDraft"] is True


def test_not_found_and_rest_disabled(env: Any) -> None:
    sb, gc, alice = env
    mid = sb.truth.messages(alice)[0]["id"]
    sb.mutate.delete_message(user="alice", message_id=mid)
    r = gc.get(f"/users/{alice}/messages/{mid}")
    assert r.status_code == 404 and r.json()["error"]["code"] == "ErrorItemNotFound"
    r = gc.get(f"/users/{alice}/messages/garbage")
    assert r.status_code == 400 and r.json()["error"]["code"] == "ErrorInvalidIdMalformed"
    sb.set_mailbox_rest_enabled("alice", False)
    r = gc.get(f"/users/{alice}/mailFolders")
    assert r.status_code == 404 and r.json()["error"]["code"] == "MailboxNotEnabledForRESTAPI"
    sb.set_mailbox_rest_enabled("alice", True)
    assert gc.get(f"/users/{alice}/mailFolders").status_code == 200


def test_contacts_and_events_delta(env: Any) -> None:
    sb, gc, alice = env
    cs, clink, _ = collect(gc, f"/users/{alice}/contacts/delta")
    assert len(cs) == len(sb.truth.contacts("alice"))
    es, elink, _ = collect(gc, f"/users/{alice}/calendarView/delta?startDateTime=2020-01-01T00:00:00Z"
                              "&endDateTime=2030-01-01T00:00:00Z")
    assert len(es) == len(sb.truth.events("alice"))
    cid = sb.mutate.add_contact(user="alice", display_name="New Person", email_address="np@example.com")
    sb.mutate.delete_contact(user="alice", contact_id=cs[0]["id"])
    eid = sb.mutate.add_event(user="alice", subject="Planning", start=1.8e9)
    sb.mutate.update_event(user="alice", event_id=es[0]["id"], subject="Moved")
    c2, _, _ = collect(gc, clink)
    assert {c["id"] for c in c2 if "@removed" not in c} == {cid}
    assert {c["id"] for c in c2 if "@removed" in c} == {cs[0]["id"]}
    e2, _, _ = collect(gc, elink)
    assert {e["id"] for e in e2} == {eid, es[0]["id"]}


def test_archive_via_import_export_api(sandbox: Any) -> None:
    alice = sandbox.truth.users()[0]["id"]
    with sandbox.graph_client() as gc:
        ex = gc.get(f"/users/{alice}/settings/exchange").json()
        assert ex["inPlaceArchiveMailboxId"]
        folders, _, _ = collect(gc, f"/admin/exchange/mailboxes/{ex['inPlaceArchiveMailboxId']}/folders/delta")
        inbox = next(f for f in folders if f["displayName"] == "Inbox")
        items, _, _ = collect(gc, f"/admin/exchange/mailboxes/{ex['inPlaceArchiveMailboxId']}/folders/{inbox['id']}/items/delta")
        assert items
        r = gc.post(f"/admin/exchange/mailboxes/{ex['inPlaceArchiveMailboxId']}/exportItems",
                    json={"itemIds": [i["id"] for i in items[:20]]})
        data = base64.b64decode(r.json()["value"][0]["data"])
        assert data == sandbox.truth.message_mime(user="alice", message_id=items[0]["id"], mailbox="archive")
        assert gc.post(f"/admin/exchange/mailboxes/{ex['inPlaceArchiveMailboxId']}/exportItems",
                       json={"itemIds": ["x"] * 21}).status_code == 400


def test_delete_goes_to_deleted_items_then_recoverable_items(env: Any) -> None:
    sb, gc, alice = env
    mid = sb.truth.messages(alice, "inbox")[0]["id"]
    assert gc.delete(f"/users/{alice}/messages/{mid}").status_code == 204
    assert gc.get(f"/users/{alice}/messages/{mid}").json()["parentFolderId"] == \
        gc.get(f"/users/{alice}/mailFolders/deleteditems").json()["id"]
    assert gc.delete(f"/users/{alice}/messages/{mid}").status_code == 204
    rec = gc.get(f"/users/{alice}/mailFolders/recoverableitemsdeletions").json()
    assert rec["totalItemCount"] == 1
    items, _, _ = collect(gc, f"/users/{alice}/mailFolders/{rec['id']}/messages/delta")
    assert [i["id"] for i in items] == [mid]
    flat, _, _ = collect(gc, f"/users/{alice}/mailFolders/delta")
    assert rec["id"] not in {f["id"] for f in flat}
    assert gc.delete(f"/users/{alice}/messages/{mid}").status_code == 204
    assert gc.get(f"/users/{alice}/messages/{mid}").status_code == 404


def test_restore_large_message_with_attachment_session(env: Any) -> None:
    sb, gc, alice = env
    r = gc.post(f"/users/{alice}/mailFolders/inbox/messages",
                content=base64.b64encode(b"From: a@b.example\r\nSubject: big one\r\n\r\nbody\r\n"),
                headers={"Content-Type": "text/plain"})
    mid = r.json()["id"]
    small = gc.post(f"/users/{alice}/messages/{mid}/attachments",
                    json={"@odata.type": "#microsoft.graph.fileAttachment", "name": "a.txt", "contentBytes":
                          base64.b64encode(b"small").decode()})
    assert small.status_code == 201
    data = bytes(range(256)) * 20000  # 5.12 MB
    s = gc.post(f"/users/{alice}/messages/{mid}/attachments/createUploadSession",
                json={"AttachmentItem": {"attachmentType": "file", "name": "big.bin", "size": len(data)}})
    assert s.status_code == 201
    url = s.json()["uploadUrl"]
    step = 4 * 1024 * 1024
    import httpx
    with httpx.Client(verify=sb.ssl_context()) as raw:
        for a in range(0, len(data), step):
            chunk = data[a:a + step]
            r = raw.put(url, content=chunk, headers={"Content-Range": f"bytes {a}-{a + len(chunk) - 1}/{len(data)}"})
        assert r.status_code == 201 and "attachments/" in r.headers["Location"]
    atts = gc.get(f"/users/{alice}/messages/{mid}/attachments").json()["value"]
    assert [a["name"] for a in atts] == ["a.txt", "big.bin"]
    assert base64.b64decode(atts[1]["contentBytes"]) == data
    mime = gc.get(f"/users/{alice}/messages/{mid}/$value").content
    assert len(mime) > len(data) and b"big one" in mime


def test_json_create_with_message_flags_is_not_a_draft(env: Any) -> None:
    sb, gc, alice = env
    r = gc.post(f"/users/{alice}/mailFolders/inbox/messages",
                json={"subject": "kept", "body": {"contentType": "text", "content": "x"},
                      "singleValueExtendedProperties": [{"id": "Integer 0x0E07", "value": "1"}]})
    assert r.status_code == 201 and r.json()["isDraft"] is False


def test_folder_counts_follow_every_change_to_their_messages(env: Any) -> None:
    """A folder's totalItemCount/unreadItemCount are cached until one of its messages changes: after each kind of
    change (read flag, move out and in, delete, add) both folders involved count again, as Graph does, while a
    change elsewhere in the tenant leaves them as they were."""
    sb, gc, alice = env
    other = sb.truth.users()[1]["id"]

    def counts(folder: str) -> tuple[int, int]:
        f = gc.get(f"/users/{alice}/mailFolders/{folder}").json()
        return f["totalItemCount"], f["unreadItemCount"]

    def truth(folder: str) -> tuple[int, int]:
        msgs = sb.truth.messages(alice, folder)
        return len(msgs), sum(1 for m in msgs if not m.get("isRead"))

    for folder in ("inbox", "archive"):
        assert counts(folder) == truth(folder)
    inbox = sb.truth.messages(alice, "inbox")
    unread = next(m for m in inbox if not m.get("isRead"))
    sb.mutate.update_message(user=other, message_id=sb.truth.messages(other, "inbox")[0]["id"], isRead=True)
    assert counts("inbox") == truth("inbox")
    sb.mutate.update_message(user=alice, message_id=unread["id"], isRead=True)
    assert counts("inbox") == truth("inbox") and counts("inbox")[1] == sum(1 for m in inbox if not m.get("isRead")) - 1
    before = counts("archive")
    sb.mutate.move_message(user=alice, message_id=inbox[1]["id"], folder="archive")
    assert counts("archive") == truth("archive") and counts("archive")[0] == before[0] + 1
    assert counts("inbox") == truth("inbox") and counts("inbox")[0] == len(inbox) - 1
    sb.mutate.move_message(user=alice, message_id=inbox[1]["id"], folder="inbox")
    sb.mutate.delete_message(user=alice, message_id=inbox[2]["id"])
    sb.mutate.add_message(alice, "inbox", "Fresh")
    assert counts("inbox") == truth("inbox") and counts("archive") == truth("archive") == before
