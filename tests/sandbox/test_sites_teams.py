"""SharePoint sites/lists, Teams channels/messages, usage reports and $batch in the sandbox.
Includes Teams restores in migration mode, as Graph allows app-only posting."""

from __future__ import annotations

import base64
import csv
import io
from typing import Any

import httpx
import pytest

from tests.sandbox.util import collect


@pytest.fixture
def env(fresh_sandbox: Any) -> Any:
    with fresh_sandbox.graph_client() as gc:
        yield fresh_sandbox, gc


def test_sites_search_all_and_by_path(sandbox: Any) -> None:
    with sandbox.graph_client() as gc:
        all_sites, _, _ = collect(gc, "/sites/getAllSites")
        assert {s["id"] for s in all_sites} == {s["id"] for s in sandbox.truth.sites()}
        assert all(s["id"].count(",") == 2 and s["siteCollection"]["hostname"] for s in all_sites)
        star = gc.get("/sites?search=*").json()["value"]
        assert len(star) == sum(1 for s in all_sites if not s["isPersonalSite"])
        personal = [s for s in all_sites if s["isPersonalSite"]]
        assert personal and all("-my.sharepoint.com" in s["webUrl"] for s in personal)
        pd = gc.get(f"/sites/{personal[0]['id']}/drive").json()
        assert pd["driveType"] == "business"
        assert gc.get("/sites/contoso.sharepoint.com").json()["id"] == gc.get("/sites/root").json()["id"]
        hits = gc.get("/sites", params={"search": "Intranet"}).json()["value"]
        assert [h["displayName"] for h in hits] == ["Intranet"]
        by_path = gc.get("/sites/contoso.sharepoint.com:/sites/Intranet").json()
        assert by_path["id"] == hits[0]["id"]
        root = gc.get("/sites/root").json()
        assert "root" in root
        drives = gc.get(f"/sites/{hits[0]['id']}/drives").json()["value"]
        assert drives[0]["driveType"] == "documentLibrary"


def test_lists_and_items(env: Any) -> None:
    sb, gc = env
    site = next(s for s in sb.truth.sites() if s["displayName"] == "Intranet")
    lists = gc.get(f"/sites/{site['id']}/lists?$select=id,displayName,name,list,system").json()["value"]
    generic = next(li for li in lists if li["list"]["template"] == "genericList" and not li["list"]["hidden"])
    assert any("system" in li for li in lists)
    items, link, _ = collect(gc, f"/sites/{site['id']}/lists/{generic['id']}/items?$expand=fields&$top=2")
    assert len(items) == len(sb.truth.list_items(site["id"], generic["id"]))
    assert all("Title" in i["fields"] for i in items)
    r = gc.post(f"/sites/{site['id']}/lists/{generic['id']}/items", json={"fields": {"Title": "Restored", "Status": "x"}})
    assert r.status_code == 201 and r.json()["fields"]["Title"] == "Restored"
    lib = next(li for li in lists if li["list"]["template"] == "documentLibrary")
    files = gc.get(f"/sites/{site['id']}/lists/{lib['id']}/items?$expand=fields").json()["value"]
    assert files and all("FileLeafRef" in f["fields"] for f in files)
    _, dlink, _ = collect(gc, f"/sites/{site['id']}/lists/{generic['id']}/items/delta")
    sb.mutate.update_list_item(site=site["id"], lst=generic["id"], item_id="1", fields={"Status": "Done"})
    sb.mutate.delete_list_item(site=site["id"], lst=generic["id"], item_id="2")
    ch, _, _ = collect(gc, dlink)
    assert {c["id"] for c in ch} == {"1", "2"}


def test_teams_channels_messages(env: Any) -> None:
    sb, gc = env
    team = sb.truth.teams()[0]
    chans = gc.get(f"/teams/{team['id']}/channels").json()["value"]
    assert chans[0]["displayName"] == "General" and chans[0]["id"].endswith("@thread.tacv2")
    ch = chans[0]["id"]
    posts, _, _ = collect(gc, f"/teams/{team['id']}/channels/{ch}/messages?$top=2")
    truth = sb.truth.channel_messages(team["id"], ch)
    assert len(posts) == sum(1 for m in truth if m["replyToId"] is None)
    replies = gc.get(f"/teams/{team['id']}/channels/{ch}/messages/{posts[0]['id']}/replies").json()["value"]
    assert replies and all(r["replyToId"] == posts[0]["id"] for r in replies)
    assert gc.get(f"/teams/{team['id']}/channels/{ch}/messages?$top=51").json()["value"] is not None
    ff = gc.get(f"/teams/{team['id']}/channels/{ch}/filesFolder").json()
    assert ff["name"] == "General" and ff["parentReference"]["driveId"]
    _, link, _ = collect(gc, f"/teams/{team['id']}/channels/{ch}/messages/delta")
    r = gc.post(f"/teams/{team['id']}/channels/{ch}/messages", json={"body": {"contentType": "html", "content": "<p>x</p>"}})
    assert r.status_code == 403 and "import purposes" in r.json()["error"]["message"]  # app-only posts: migration only
    new_id = sb.mutate.add_channel_message(team=team["id"], channel=ch, html="<p>new</p>")
    reply = sb.mutate.add_channel_message(team=team["id"], channel=ch, html="<p>re</p>", reply_to=posts[1]["id"])
    sb.mutate.delete_channel_message(team=team["id"], channel=ch, message_id=posts[2]["id"]) if len(posts) > 2 else None
    changes, _, _ = collect(gc, link)
    ids = [c["id"] for c in changes]
    assert len(ids) == len(set(ids)) and new_id in ids and posts[1]["id"] in ids and reply not in ids
    if len(posts) > 2:
        gone = next(c for c in changes if c["id"] == posts[2]["id"])
        assert gone["deletedDateTime"] is not None and gone["body"]["content"] == ""
    allm, _, _ = collect(gc, f"/teams/{team['id']}/channels/getAllMessages?model=A")
    assert len(allm) == sum(len(sb.truth.channel_messages(team["id"], c["id"])) for c in chans)


def test_usage_reports_302_csv(sandbox: Any) -> None:
    with sandbox.graph_client() as gc:
        for fn, col in (("getMailboxUsageDetail(period='D7')", "User Principal Name"),
                        ("getOneDriveUsageAccountDetail(period='D30')", "Owner Principal Name"),
                        ("getSharePointSiteUsageDetail(period='D7')", "Site URL")):
            r = gc.get(f"/reports/{fn}")
            assert r.status_code == 302, r.text
            with httpx.Client(verify=sandbox.ssl_context()) as raw:
                body = raw.get(r.headers["Location"])
            assert body.status_code == 200
            rows = list(csv.DictReader(io.StringIO(body.content.decode("utf-8-sig"))))
            assert rows and col in rows[0]
        assert gc.get("/reports/getMailboxUsageDetail(period='D8')").status_code == 400


def test_batch(sandbox: Any) -> None:
    alice = sandbox.truth.users()[0]["id"]
    mid = sandbox.truth.messages(alice)[0]["id"]
    did = sandbox.truth.drive_id("alice")
    f = next(i for i in sandbox.truth.drive_items("alice") if not i["isFolder"] and not i["package"])
    with sandbox.graph_client() as gc:
        r = gc.post("/$batch", json={"requests": [
            {"id": "1", "method": "GET", "url": f"/users/{alice}/mailFolders"},
            {"id": "2", "method": "GET", "url": f"/users/{alice}/messages/{mid}/$value", "dependsOn": ["1"]},
            {"id": "3", "method": "GET", "url": "/users/00000000-0000-0000-0000-000000000000"},
            {"id": "4", "method": "GET", "url": "organization", "dependsOn": ["3"]},
            {"id": "5", "method": "GET", "url": f"/drives/{did}/items/{f['id']}/content"},
            {"id": "6", "method": "POST", "url": f"/users/{alice}/mailFolders", "body": {"isHidden": True},
             "headers": {"Content-Type": "application/json"}},
        ]})
        assert r.status_code == 200
        res = {x["id"]: x for x in r.json()["responses"]}
        assert [res[k]["status"] for k in "123456"] == [200, 200, 404, 424, 302, 400]
        assert base64.b64decode(res["2"]["body"]) == sandbox.truth.message_mime(alice, mid)
        assert res["3"]["body"]["error"]["code"] == "Request_ResourceNotFound"
        assert res["5"]["headers"]["Location"].startswith(sandbox.base_url)
        big = gc.post("/$batch", json={"requests": [{"id": str(i), "method": "GET", "url": "/organization"}
                                                    for i in range(21)]})
        assert big.status_code == 400 and big.json()["error"]["code"] == "BadRequest"


def test_batch_runs_four_at_a_time(sandbox: Any) -> None:
    """Graph runs a batch's requests at most 4 at a time (dependsOn still orders them): 8 requests of 250 ms take
    two rounds, neither one round (all at once) nor eight (one by one)."""
    import time

    alice = sandbox.truth.users()[0]["id"]
    sandbox.configure_faults(latency_ms=250.0)
    try:
        with sandbox.graph_client() as gc:
            t0 = time.monotonic()
            r = gc.post("/$batch", json={"requests": [
                {"id": str(i), "method": "GET", "url": f"/users/{alice}/mailFolders"} for i in range(8)]})
            took = time.monotonic() - t0
            assert r.status_code == 200 and [x["status"] for x in r.json()["responses"]] == [200] * 8
            assert 0.45 < took < 1.9, took
            chain = gc.post("/$batch", json={"requests": [
                {"id": "a", "method": "GET", "url": "/organization", "dependsOn": ["b"]},
                {"id": "b", "method": "GET", "url": "/organization", "dependsOn": ["a"]}]})
            assert chain.status_code == 400 and "Circular" in chain.json()["error"]["message"]
    finally:
        sandbox.reset_faults()


def test_chats(env: Any) -> None:
    sb, gc = env
    alice = sb.truth.users()[0]["id"]
    chats = gc.get(f"/users/{alice}/chats").json()["value"]
    truth = sb.truth.chats(user=alice)
    assert {c["id"] for c in chats} == {c["id"] for c in truth}
    assert {c["chatType"] for c in chats} <= {"oneOnOne", "group"}
    c0 = chats[0]["id"]
    msgs, _, _ = collect(gc, f"/chats/{c0}/messages?$top=2")
    assert len(msgs) == len(next(c for c in truth if c["id"] == c0)["messages"])
    assert msgs[0]["chatId"] == c0 and msgs[0]["from"]["user"]["id"]
    r = gc.post(f"/chats/{c0}/messages", json={"body": {"contentType": "html", "content": "<p>restored</p>"}})
    assert r.status_code == 403
    new = sb.mutate.add_chat_message(chat=c0, html="<p>hi</p>")
    allm, _, _ = collect(gc, f"/users/{alice}/chats/getAllMessages")
    assert new in {m["id"] for m in allm}
    with sb.graph_client("vboshell-sandbox-nosites") as other:
        assert other.get(f"/users/{alice}/chats").status_code == 200


def test_list_item_title_update(env: Any) -> None:
    sb, gc = env
    site = next(s for s in sb.truth.sites() if s["displayName"] == "Intranet")
    lid = next(li["id"] for li in site["lists"] if li["template"] == "genericList" and not li["hidden"])
    r = gc.patch(f"/sites/{site['id']}/lists/{lid}/items/1/fields", json={"Title": "Renamed", "Status": "Done"})
    assert r.status_code == 200 and r.json()["Title"] == "Renamed" and "gen" not in r.json()
    row = next(i for i in sb.truth.list_items(site["id"], lid) if i["id"] == "1")
    assert row["Title"] == "Renamed" and row["Status"] == "Done" and "gen" not in row


def test_channel_restore_in_migration_mode(env: Any) -> None:
    sb, gc = env
    team = sb.truth.teams()[0]
    r = gc.post(f"/teams/{team['id']}/channels", json={"displayName": "Restored General", "membershipType": "standard",
                                                       "@microsoft.graph.channelCreationMode": "migration",
                                                       "createdDateTime": "2025-01-01T00:00:00Z"})
    assert r.status_code == 201
    cid = r.json()["id"]
    post = gc.post(f"/teams/{team['id']}/channels/{cid}/messages",
                   json={"createdDateTime": "2025-01-02T10:00:00Z", "body": {"contentType": "html", "content": "<p>old</p>"},
                         "from": {"user": {"id": sb.truth.users()[0]["id"], "displayName": "Alice",
                                           "userIdentityType": "aadUser"}}})
    assert post.status_code == 201 and post.json()["createdDateTime"] == "2025-01-02T10:00:00Z"
    rep = gc.post(f"/teams/{team['id']}/channels/{cid}/messages/{post.json()['id']}/replies", json={"body": {"content": "re"}})
    assert rep.status_code == 201 and rep.json()["replyToId"] == post.json()["id"]
    assert gc.post(f"/teams/{team['id']}/channels/{cid}/completeMigration").status_code == 204
    assert gc.post(f"/teams/{team['id']}/channels/{cid}/messages", json={"body": {"content": "late"}}).status_code == 403
    msgs = gc.get(f"/teams/{team['id']}/channels/{cid}/messages").json()["value"]
    assert [m["body"]["content"] for m in msgs] == ["<p>old</p>"]
