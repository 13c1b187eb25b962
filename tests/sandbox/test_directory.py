"""Directory endpoints of the sandbox: organization, users paging/$select/$filter, mailboxSettings, groups, members.
Runs against the session `sandbox` fixture unless a test mutates the tenant (then `fresh_sandbox`)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest


@pytest.fixture(scope="module")
def gc(sandbox: Any) -> Any:
    with sandbox.graph_client() as c:
        yield c


def test_missing_token_401(sandbox: Any) -> None:
    with httpx.Client(verify=sandbox.ssl_context()) as c:
        r = c.get(sandbox.graph_url + "/users")
    assert r.status_code == 401
    e = r.json()["error"]
    assert e["code"] == "InvalidAuthenticationToken"
    assert set(e["innerError"]) >= {"date", "request-id", "client-request-id"}


def test_organization(gc: Any, sandbox: Any) -> None:
    org = gc.get("/organization").json()["value"][0]
    assert org["id"] == sandbox.tenant_id
    assert org["verifiedDomains"][0]["name"] == sandbox.tenant_name


def test_users_paging_and_hidden(gc: Any, sandbox: Any) -> None:
    seen: list[dict[str, Any]] = []
    url: str | None = "/users?$select=id,userPrincipalName,displayName,mail,accountEnabled,userType&$top=3"
    pages = 0
    while url:
        body = gc.get(url).json()
        seen += body["value"]
        url = body.get("@odata.nextLink")
        pages += 1
        assert all(set(u) == {"id", "userPrincipalName", "displayName", "mail", "accountEnabled", "userType"}
                   for u in body["value"])
    truth = sandbox.truth.users()
    listed = [u for u in truth if u["listedInGraph"]]
    assert [u["id"] for u in seen] == [u["id"] for u in listed]
    assert pages == -(-len(listed) // 3)
    hidden = {u["purpose"] for u in truth if not u["listedInGraph"]}
    assert hidden == {"publicFolder", "discovery"}
    assert len({u["id"] for u in seen}) == len(seen)


def test_users_filter(gc: Any) -> None:
    body = gc.get("/users", params={"$filter": "startswith(displayName,'Alice')"}).json()
    assert [u["userPrincipalName"].split("@")[0] for u in body["value"]] == ["alice"]
    body = gc.get("/users", params={"$filter": "accountEnabled eq false", "$select": "id,accountEnabled"}).json()
    assert body["value"] and all(u["accountEnabled"] is False for u in body["value"])
    r = gc.get("/users", params={"$filter": "weird(stuff)"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "Request_UnsupportedQuery"


def test_mailbox_settings_user_purpose(gc: Any, sandbox: Any) -> None:
    purposes = {}
    for u in sandbox.truth.users():
        if not u["listedInGraph"]:
            assert gc.get(f"/users/{u['id']}").status_code == 404
            continue
        purposes[u["purpose"]] = gc.get(f"/users/{u['id']}/mailboxSettings").json()["userPurpose"]
    assert purposes == {"user": "user", "shared": "shared", "room": "room", "equipment": "equipment"}


def test_groups_and_members(gc: Any, sandbox: Any) -> None:
    gs = gc.get("/groups?$select=id,displayName,groupTypes,mailEnabled,securityEnabled,resourceProvisioningOptions").json()
    truth = sandbox.truth.groups()
    assert {g["id"] for g in gs["value"]} == {g["id"] for g in truth if g["listedInGraph"]}
    assert any(g["kind"] == "dynamicDistribution" and not g["listedInGraph"] for g in truth)
    teams = gc.get("/groups", params={"$filter": "resourceProvisioningOptions/Any(x:x eq 'Team')"}).json()["value"]
    assert teams and all("Team" in g["resourceProvisioningOptions"] for g in teams)
    unified = gc.get("/groups", params={"$filter": "groupTypes/any(c:c eq 'Unified')"}).json()["value"]
    assert len(unified) > len(teams)
    g = teams[0]
    members = gc.get(f"/groups/{g['id']}/members").json()["value"]
    assert [m["id"] for m in members] == next(t["members"] for t in truth if t["id"] == g["id"])
    assert all(m["@odata.type"] == "#microsoft.graph.user" for m in members)


def test_unknown_user_404(gc: Any) -> None:
    r = gc.get("/users/00000000-0000-0000-0000-000000000000")
    assert r.status_code == 404 and r.json()["error"]["code"] == "Request_ResourceNotFound"


def test_permission_denied(sandbox: Any) -> None:
    with sandbox.graph_client("vboshell-sandbox-nomail") as c:
        r = c.get("/users/alice/mailboxSettings")
        assert r.status_code == 403 and r.json()["error"]["code"] == "ErrorAccessDenied"


def test_users_delta_add_and_delete(fresh_sandbox: Any) -> None:
    from tests.sandbox.util import collect
    sb = fresh_sandbox
    with sb.graph_client() as gc:
        first, link, pages = collect(gc, "/users/delta?$select=id,displayName&$top=4")
        assert len(first) == sum(1 for u in sb.truth.users() if u["listedInGraph"]) and pages > 1
        new = sb.mutate.add_user(alias="zed", display_name="Zed New", archive=True)
        bob = next(u["id"] for u in sb.truth.users() if u["alias"] == "bob")
        sb.mutate.delete_user(user="bob")
        changes, _, _ = collect(gc, link)
        assert {c["id"] for c in changes if "@removed" not in c} == {new}
        assert [c["id"] for c in changes if "@removed" in c] == [bob]
        assert gc.get(f"/users/{bob}").status_code == 404
        assert gc.get(f"/users/{new}/mailFolders/inbox").status_code == 200
        assert gc.get(f"/users/{new}/drive").status_code == 200
        assert gc.get(f"/users/{new}/settings/exchange").json()["inPlaceArchiveMailboxId"]


def test_search_needs_consistency_level(gc: Any) -> None:
    r = gc.get("/users", params={"$search": '"displayName:ali"'})
    assert r.status_code == 400 and r.json()["error"]["code"] == "Request_UnsupportedQuery"
    r = gc.get("/users", params={"$search": '"displayName:ali"'}, headers={"ConsistencyLevel": "eventual"})
    assert [u["displayName"].split()[0] for u in r.json()["value"]] == ["Alice"]
    g = gc.get("/groups", params={"$search": '"displayName:market"'}, headers={"ConsistencyLevel": "eventual"})
    assert [x["displayName"] for x in g.json()["value"]] == ["Marketing"]
