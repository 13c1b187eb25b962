"""OneDrive/SharePoint file endpoints: children paging, delta semantics, 410 resync, downloads, uploads.
Byte-for-byte checks compare downloads with the truth API."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.sandbox.util import collect


@pytest.fixture
def env(fresh_sandbox: Any) -> Any:
    sb = fresh_sandbox
    alice = sb.truth.users()[0]["id"]
    with sb.graph_client() as gc:
        yield sb, gc, alice, sb.truth.drive_id("alice")


def test_drive_and_children_paging(sandbox: Any) -> None:
    alice = sandbox.truth.users()[0]["id"]
    with sandbox.graph_client() as gc:
        d = gc.get(f"/users/{alice}/drive").json()
        assert d["driveType"] == "business" and set(d["quota"]) >= {"total", "used", "remaining", "deleted", "state"}
        kids, _, pages = collect(gc, f"/drives/{d['id']}/root/children?$top=2")
        truth = [i for i in sandbox.truth.drive_items("alice") if "/" not in i["path"]]
        assert sorted(k["name"] for k in kids) == sorted(i["name"] for i in truth) and pages > 1
        nb = next(k for k in kids if k["name"] == "Notebooks")
        inner = gc.get(f"/drives/{d['id']}/items/{nb['id']}/children").json()["value"]
        assert inner[0]["package"] == {"type": "oneNote"} and "folder" not in inner[0]
        by_path = gc.get(f"/users/{alice}/drive/root:/Notebooks/Work Notebook:/children").json()["value"]
        assert {i["name"] for i in by_path} == {"Open Notebook.onetoc2", "Meetings.one", "Ideas.one"}


def test_delta_full_round_matches_truth_and_downloads(sandbox: Any) -> None:
    did = sandbox.truth.drive_id("alice")
    with sandbox.graph_client() as gc:
        items, link, _ = collect(gc, f"/drives/{did}/root/delta?$top=5")
        assert link and "token=" in link
        truth = {i["id"]: i for i in sandbox.truth.drive_items("alice")}
        files = [i for i in items if "file" in i]
        assert {i["id"] for i in items if "root" not in i} == set(truth)
        assert all("path" not in i["parentReference"] for i in items)
        f = max(files, key=lambda x: x["size"])
        assert f["size"] > 4 * 1024 * 1024
        with httpx.Client(verify=sandbox.ssl_context()) as raw:  # no bearer token on the download URL
            data = raw.get(f["@microsoft.graph.downloadUrl"]).content
            assert data == sandbox.truth.file_content(did, f["id"])
            from vboshell.sandbox.content import quickxor
            assert quickxor(data) == f["file"]["hashes"]["quickXorHash"]
            r = raw.get(f["@microsoft.graph.downloadUrl"], headers={"Range": "bytes=10-19"})
            assert r.status_code == 206 and r.content == data[10:20]
        c = gc.get(f"/drives/{did}/items/{f['id']}/content")
        assert c.status_code == 302 and c.headers["Location"].startswith(sandbox.base_url)


def test_drive_delta_changes_exactly_once(env: Any) -> None:
    sb, gc, alice, did = env
    _, link, _ = collect(gc, f"/drives/{did}/root/delta")
    truth = sb.truth.drive_items(did)
    files = [i for i in truth if not i["isFolder"] and not i["package"] and i["path"].count("/") == 0]
    folder = next(i for i in truth if i["isFolder"] and i["path"].count("/") == 0 and i["name"] != "Notebooks")
    nb = next(i for i in truth if i["name"] == "Notebooks")
    new = sb.mutate.add_file(drive=did, parent=None, name="new.txt", data=b"hello")
    sb.mutate.update_file(drive=did, item=files[0]["id"], data=b"changed")
    sb.mutate.update_file(drive=did, item=files[0]["id"], data=b"changed twice")
    sb.mutate.move_drive_item(drive=did, item=files[1]["id"], new_parent=folder["id"])
    sb.mutate.rename_drive_item(drive=did, item=files[2]["id"], name="renamed.bin")
    doomed = [i["id"] for i in truth if i["path"].startswith("Notebooks")]
    sb.mutate.delete_drive_item(drive=did, item=nb["id"])
    changes, link2, _ = collect(gc, link)
    ids = [c["id"] for c in changes]
    assert len(ids) == len(set(ids))
    upd = {c["id"]: c for c in changes if "deleted" not in c}
    dele = {c["id"] for c in changes if "deleted" in c}
    assert {new, files[0]["id"], files[1]["id"], files[2]["id"]} <= set(upd)
    assert dele == set(doomed)
    assert upd[files[0]["id"]]["size"] == len(b"changed twice")
    assert upd[files[1]["id"]]["parentReference"]["id"] == folder["id"]
    assert upd[files[2]["id"]]["name"] == "renamed.bin"
    assert all(c["deleted"] == {"state": "deleted"} and "name" not in c for c in changes if "deleted" in c)
    assert collect(gc, link2)[0] == []
    latest = gc.get(f"/drives/{did}/root/delta?token=latest").json()
    assert latest["value"] == [] and "@odata.deltaLink" in latest


def test_delta_token_expiry_410(env: Any) -> None:
    sb, gc, alice, did = env
    _, dlink, _ = collect(gc, f"/drives/{did}/root/delta")
    _, mlink, _ = collect(gc, f"/users/{alice}/mailFolders/inbox/messages/delta")
    sb.expire_delta_tokens()
    r = gc.get(dlink)
    assert r.status_code == 410
    e = r.json()["error"]
    assert e["code"] == "resyncRequired" and e["innerError"]["code"] == "resyncChangesApplyDifferences"
    full, _, _ = collect(gc, r.headers["Location"])
    assert len(full) == len(sb.truth.drive_items(did)) + 1
    r = gc.get(mlink)
    assert r.status_code == 410 and r.json()["error"]["code"] == "SyncStateNotFound"


def test_small_upload_and_conflicts(env: Any) -> None:
    sb, gc, alice, did = env
    r = gc.put(f"/drives/{did}/root:/Restore/hello.txt:/content", content=b"hi")
    assert r.status_code == 404  # parent folder missing
    f = gc.post(f"/drives/{did}/root/children", json={"name": "Restore", "folder": {}})
    assert f.status_code == 201
    assert gc.post(f"/drives/{did}/root/children", json={"name": "Restore", "folder": {}}).status_code == 409
    r = gc.put(f"/drives/{did}/items/{f.json()['id']}:/hello.txt:/content", content=b"hi")
    assert r.status_code == 201 and r.json()["size"] == 2
    r2 = gc.put(f"/drives/{did}/root:/Restore/hello.txt:/content", content=b"hello")
    assert r2.status_code == 200 and r2.json()["id"] == r.json()["id"]
    assert sb.truth.file_content(did, "Restore/hello.txt") == b"hello"
    r3 = gc.put(f"/drives/{did}/root:/Restore/hello.txt:/content?@microsoft.graph.conflictBehavior=fail", content=b"x")
    assert r3.status_code == 409


def test_upload_session(env: Any) -> None:
    sb, gc, alice, did = env
    data = bytes(range(256)) * 3000  # 768,000 bytes
    s = gc.post(f"/drives/{did}/root:/big.bin:/createUploadSession",
                json={"item": {"@microsoft.graph.conflictBehavior": "replace"}})
    assert s.status_code == 200
    url = s.json()["uploadUrl"]
    chunk = 327680
    with httpx.Client(verify=sb.ssl_context()) as raw:
        bad = raw.put(url, content=data[:1000], headers={"Content-Range": f"bytes 0-999/{len(data)}"})
        assert bad.status_code == 400
        authd = raw.put(url, content=data[:chunk], headers={"Content-Range": f"bytes 0-{chunk - 1}/{len(data)}",
                                                            "Authorization": "Bearer x"})
        assert authd.status_code == 401
        r = raw.put(url, content=data[:chunk], headers={"Content-Range": f"bytes 0-{chunk - 1}/{len(data)}"})
        assert r.status_code == 202 and r.json()["nextExpectedRanges"] == [f"{chunk}-"]
        again = raw.put(url, content=data[:chunk], headers={"Content-Range": f"bytes 0-{chunk - 1}/{len(data)}"})
        assert again.status_code == 416
        r = raw.put(url, content=data[chunk:2 * chunk], headers={"Content-Range": f"bytes {chunk}-{2 * chunk - 1}/{len(data)}"})
        assert r.status_code == 202
        r = raw.put(url, content=data[2 * chunk:], headers={"Content-Range": f"bytes {2 * chunk}-{len(data) - 1}/{len(data)}"})
        assert r.status_code == 201 and r.json()["size"] == len(data)
    assert sb.truth.file_content(did, "big.bin") == data
    s2 = gc.post(f"/drives/{did}/root:/big.bin:/createUploadSession",
                 json={"item": {"@microsoft.graph.conflictBehavior": "fail"}})
    assert s2.status_code == 409


def test_no_drive_and_permissions(sandbox: Any) -> None:
    shared = next(u for u in sandbox.truth.users() if u["purpose"] == "shared")
    with sandbox.graph_client() as gc:
        r = gc.get(f"/users/{shared['id']}/drive")
        assert r.status_code == 404
    with sandbox.graph_client("vboshell-sandbox-nosites") as gc:
        r = gc.get(f"/drives/{sandbox.truth.drive_id('alice')}/root/children")
        assert r.status_code == 403 and r.json()["error"]["code"] == "accessDenied"
        r = gc.get("/sites/getAllSites")
        assert r.status_code == 403


def test_hostile_names(env: Any) -> None:
    sb, gc, alice, did = env
    out = sb.mutate.add_hostile_items(user="alice")
    items, _, _ = collect(gc, f"/drives/{did}/root/delta")
    names = {i.get("name") for i in items}
    assert {"..", "a/b", "CON", "x" * 400} <= names
    folders, _, _ = collect(gc, f"/users/{alice}/mailFolders/delta")
    assert {"..", "a/b"} <= {f["displayName"] for f in folders}
    assert len(out["messages"]) == 3


def test_rename_and_move_keep_content(env: Any) -> None:
    sb, gc, alice, did = env
    f = next(i for i in sb.truth.drive_items(did) if not i["isFolder"] and not i["package"])
    folder = next(i for i in sb.truth.drive_items(did) if i["isFolder"] and i["path"] != "Notebooks")
    before = sb.truth.file_content(did, f["id"])
    r = gc.patch(f"/drives/{did}/items/{f['id']}", json={"name": "renamed.dat", "parentReference": {"id": folder["id"]}})
    assert r.status_code == 200 and r.json()["name"] == "renamed.dat"
    assert r.json()["parentReference"]["id"] == folder["id"]
    assert sb.truth.file_content(did, f["id"]) == before
    with httpx.Client(verify=sb.ssl_context()) as raw:
        assert raw.get(r.json()["@microsoft.graph.downloadUrl"]).content == before


def test_permissions(sandbox: Any) -> None:
    did = sandbox.truth.drive_id("alice")
    items = sandbox.truth.drive_items("alice")
    with sandbox.graph_client() as gc:
        perms = [gc.get(f"/drives/{did}/items/{i['id']}/permissions").json()["value"] for i in items]
    assert all(p[0]["roles"] == ["owner"] for p in perms)
    assert any(len(p) == 2 and p[1]["link"]["scope"] == "organization" for p in perms)
