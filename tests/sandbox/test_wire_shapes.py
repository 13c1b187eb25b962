"""Table-driven wire-shape test: for each endpoint, field names and JSON types match graph-wire.md §5.
One module-scoped sandbox; each case fetches one object and checks names and JSON types."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from vboshell.sandbox import Sandbox

S, IN, B, L, D, N = str, int, bool, list, dict, type(None)


class Env:
    def __init__(self, sb: Any, gc: httpx.Client) -> None:
        self.sb, self.gc = sb, gc
        users = sb.truth.users()
        self.alice = users[0]["id"]
        self.did = sb.truth.drive_id("alice")
        self.team = sb.truth.teams()[0]
        self.site = next(s for s in sb.truth.sites() if s["displayName"] == "Intranet")

    def get(self, url: str, **kw: Any) -> Any:
        r = self.gc.get(url, **kw)
        assert r.status_code == 200, (url, r.status_code, r.text[:300])
        return r.json()


@pytest.fixture(scope="module")
def env() -> Iterator[Env]:
    sb = Sandbox({"mail": {"largeMessages": 0}, "onedrive": {"largeFiles": 0}}, seed=7).start()
    try:
        with sb.graph_client() as gc:
            yield Env(sb, gc)
    finally:
        sb.stop()


def _token(e: Env) -> Any:
    a = e.sb.app_info()
    return httpx.post(f"{e.sb.authority}/oauth2/v2.0/token", verify=e.sb.ssl_context(),
                      data={"client_id": a.client_id, "client_secret": a.client_secret,
                            "grant_type": "client_credentials", "scope": "https://graph.microsoft.com/.default"}).json()


def _token_error(e: Env) -> Any:
    return httpx.post(f"{e.sb.authority}/oauth2/v2.0/token", verify=e.sb.ssl_context(),
                      data={"client_id": e.sb.client_id, "client_secret": "wrong", "grant_type": "client_credentials",
                            "scope": "https://graph.microsoft.com/.default"}).json()


def _users(e: Env) -> Any:
    return e.get("/users?$select=id,userPrincipalName,displayName,mail,accountEnabled,userType&$top=2")


def _group(e: Env) -> Any:
    gid = e.get("/groups?$filter=resourceProvisioningOptions/Any(x:x eq 'Team')")["value"][0]["id"]
    return e.get(f"/groups/{gid}")


def _msg_delta(e: Env) -> Any:
    return e.get(f"/users/{e.alice}/mailFolders/inbox/messages/delta",
                 params={"$select": "id,changeKey,parentFolderId,internetMessageId,receivedDateTime,lastModifiedDateTime,"
                                    "isDraft,isRead,hasAttachments,subject"})


def _msg_removed(e: Env) -> Any:
    link = _msg_delta(e)
    while "@odata.nextLink" in link:
        link = e.get(link["@odata.nextLink"])
    mid = e.sb.truth.messages(e.alice, "inbox")[0]["id"]
    e.sb.mutate.delete_message(user=e.alice, message_id=mid)
    body = e.get(link["@odata.deltaLink"])
    return next(v for v in body["value"] if "@removed" in v)


def _attachment(e: Env) -> Any:
    inv = e.sb.truth.find_messages(user="alice", subject_contains="Invoice")[0]
    return e.get(f"/users/{e.alice}/messages/{inv['id']}/attachments")["value"][0]


def _drive_item(e: Env) -> Any:
    return next(v for v in e.get(f"/drives/{e.did}/root/delta")["value"] if "file" in v)


def _deleted_item(e: Env) -> Any:
    body = e.get(f"/drives/{e.did}/root/delta")
    while "@odata.nextLink" in body:
        body = e.get(body["@odata.nextLink"])
    f = next(i for i in e.sb.truth.drive_items(e.did) if not i["isFolder"] and not i["package"])
    e.sb.mutate.delete_drive_item(drive=e.did, item=f["id"])
    return next(v for v in e.get(body["@odata.deltaLink"])["value"] if "deleted" in v)


def _upload_session(e: Env) -> Any:
    return e.gc.post(f"/drives/{e.did}/root:/shape.bin:/createUploadSession", json={}).json()


def _upload_chunk(e: Env) -> Any:
    url = _upload_session(e)["uploadUrl"]
    return httpx.put(url, content=b"\0" * 327680, headers={"Content-Range": "bytes 0-327679/700000"},
                     verify=e.sb.ssl_context()).json()


def _list_item(e: Env) -> Any:
    lid = next(li["id"] for li in e.site["lists"] if li["template"] == "genericList" and not li["hidden"])
    return e.get(f"/sites/{e.site['id']}/lists/{lid}/items?$expand=fields")["value"][0]


def _channel(e: Env) -> Any:
    return e.get(f"/teams/{e.team['id']}/channels")["value"][0]


def _chat(e: Env) -> Any:
    ch = e.team["channels"][0]["id"]
    return e.get(f"/teams/{e.team['id']}/channels/{ch}/messages")["value"][0]


def _batch(e: Env) -> Any:
    return e.gc.post("/$batch", json={"requests": [{"id": "1", "method": "GET", "url": "/organization"}]}).json()


def _export(e: Env) -> Any:
    ex = e.get(f"/users/{e.alice}/settings/exchange")
    mid = e.sb.truth.messages(e.alice)[0]["id"]
    return e.gc.post(f"/admin/exchange/mailboxes/{ex['primaryMailboxId']}/exportItems", json={"itemIds": [mid]}).json()["value"][0]


def _import_session(e: Env) -> Any:
    ex = e.get(f"/users/{e.alice}/settings/exchange")
    return e.gc.post(f"/admin/exchange/mailboxes/{ex['primaryMailboxId']}/createImportSession").json()


def _error(e: Env) -> Any:
    return e.gc.get(f"/users/{e.alice}/messages/AAMkAG{base64.urlsafe_b64encode(b'x' * 18).decode()}").json()


CASES: list[tuple[str, Callable[[Env], Any], dict[str, Any]]] = [
    ("token", _token, {"token_type": S, "expires_in": IN, "ext_expires_in": IN, "access_token": S}),
    ("token error", _token_error, {"error": S, "error_description": S, "error_codes": L, "timestamp": S, "trace_id": S,
                                   "correlation_id": S, "error_uri": S}),
    ("users page", lambda e: _users(e)["value"][0], {"id": S, "userPrincipalName": S, "displayName": S, "mail": S,
                                                     "accountEnabled": B, "userType": S}),
    ("users nextLink", lambda e: {"@odata.nextLink": _users(e)["@odata.nextLink"]}, {"@odata.nextLink": S}),
    ("group", _group, {"id": S, "displayName": S, "mail": S, "groupTypes": L, "resourceProvisioningOptions": L,
                       "mailEnabled": B, "securityEnabled": B}),
    ("mailboxSettings", lambda e: e.get(f"/users/{e.alice}/mailboxSettings"),
     {"userPurpose": S, "timeZone": S, "archiveFolder": S}),
    ("mailFolder", lambda e: e.get(f"/users/{e.alice}/mailFolders/inbox"),
     {"id": S, "displayName": S, "parentFolderId": S, "childFolderCount": IN, "totalItemCount": IN,
      "unreadItemCount": IN, "isHidden": B}),
    ("message (delta)", lambda e: _msg_delta(e)["value"][0],
     {"id": S, "changeKey": S, "parentFolderId": S, "internetMessageId": S, "receivedDateTime": S,
      "lastModifiedDateTime": S, "isDraft": B, "isRead": B, "hasAttachments": B, "subject": S}),
    ("message removal", _msg_removed, {"id": S, "@removed": D}),
    ("attachment", _attachment, {"@odata.type": S, "id": S, "name": S, "contentType": S, "size": IN, "isInline": B,
                                 "contentBytes": S}),
    ("contact", lambda e: e.get(f"/users/{e.alice}/contacts")["value"][0],
     {"id": S, "changeKey": S, "displayName": S, "emailAddresses": L, "parentFolderId": S}),
    ("event", lambda e: e.get(f"/users/{e.alice}/events")["value"][0],
     {"id": S, "subject": S, "start": D, "end": D, "changeKey": S, "type": S}),
    ("drive", lambda e: e.get(f"/drives/{e.did}"), {"id": S, "driveType": S, "quota": D}),
    ("drive quota", lambda e: e.get(f"/drives/{e.did}")["quota"],
     {"total": IN, "used": IN, "remaining": IN, "deleted": IN, "state": S}),
    ("driveItem (delta)", _drive_item, {"id": S, "name": S, "size": IN, "eTag": S, "cTag": S, "parentReference": D,
                                        "file": D, "lastModifiedDateTime": S, "@microsoft.graph.downloadUrl": S}),
    ("driveItem deleted", _deleted_item, {"id": S, "deleted": D}),
    ("upload session", _upload_session, {"uploadUrl": S, "expirationDateTime": S}),
    ("upload chunk", _upload_chunk, {"expirationDateTime": S, "nextExpectedRanges": L}),
    ("site", lambda e: e.get(f"/sites/{e.site['id']}"),
     {"id": S, "name": S, "displayName": S, "webUrl": S, "siteCollection": D}),
    ("list item", _list_item, {"id": S, "eTag": S, "lastModifiedDateTime": S, "fields": D}),
    ("channel", _channel, {"id": S, "displayName": S, "membershipType": S}),
    ("chatMessage", _chat, {"id": S, "replyToId": (S, N), "messageType": S, "createdDateTime": S,
                            "lastModifiedDateTime": S, "deletedDateTime": (S, N), "from": D, "body": D,
                            "attachments": L}),
    ("chat", lambda e: e.get(f"/users/{e.alice}/chats")["value"][0],
     {"id": S, "chatType": S, "createdDateTime": S, "lastUpdatedDateTime": S, "topic": (S, N)}),
    ("chat message", lambda e: e.get(f"/chats/{e.get(f'/users/{e.alice}/chats')['value'][0]['id']}/messages")["value"][0],
     {"id": S, "chatId": S, "messageType": S, "createdDateTime": S, "from": D, "body": D}),
    ("list", lambda e: e.get(f"/sites/{e.site['id']}/lists")["value"][0],
     {"id": S, "name": S, "displayName": S, "list": D, "webUrl": S}),
    ("permission", lambda e: e.get(f"/drives/{e.did}/items/{_drive_item(e)['id']}/permissions")["value"][0],
     {"id": S, "roles": L, "grantedToV2": D}),
    ("users delta", lambda e: e.get("/users/delta?$select=id,displayName"), {"value": L, "@odata.deltaLink": S}),
    ("team", lambda e: e.get(f"/teams/{e.team['id']}"), {"id": S, "displayName": S, "isArchived": B}),
    ("batch", lambda e: _batch(e)["responses"][0], {"id": S, "status": IN, "headers": D, "body": D}),
    ("exportItems", _export, {"itemId": S, "changeKey": S, "data": S}),
    ("import session", _import_session, {"importUrl": S, "expirationDateTime": S}),
    ("error", _error, {"error": D}),
    ("error body", lambda e: _error(e)["error"], {"code": S, "message": S, "innerError": D}),
    ("error innerError", lambda e: _error(e)["error"]["innerError"], {"date": S, "request-id": S,
                                                                      "client-request-id": S}),
]


@pytest.mark.parametrize("name,fetch,shape", CASES, ids=[c[0] for c in CASES])
def test_wire_shape(env: Env, name: str, fetch: Callable[[Env], Any], shape: dict[str, Any]) -> None:
    obj = fetch(env)
    assert isinstance(obj, dict), obj
    for field, typ in shape.items():
        assert field in obj, f"{name}: missing {field!r} in {sorted(obj)}"
        types = typ if isinstance(typ, tuple) else (typ,)
        v = obj[field]
        ok = any(isinstance(v, t) and not (t is IN and isinstance(v, bool)) for t in types)
        assert ok, f"{name}: {field!r} is {type(v).__name__}, expected {[t.__name__ for t in types]}"
