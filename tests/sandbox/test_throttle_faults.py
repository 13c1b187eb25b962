"""Throttling (Outlook per mailbox, SharePoint resource units) and every fault knob of the sandbox.
Windows are shrunk with the throttle's time_scale so limits show up in seconds."""

from __future__ import annotations

import asyncio
import ssl
import time
from typing import Any

import httpx
import pytest

from tests.sandbox.util import collect


def _alice(sb: Any) -> str:
    return str(sb.truth.users()[0]["id"])


def test_outlook_concurrency_429_under_load(sandbox: Any) -> None:
    alice = _alice(sandbox)
    sandbox.configure_faults(latency_ms=(150, 150))  # service time: requests overlap
    token = sandbox.token()

    async def hammer() -> list[httpx.Response]:
        async with httpx.AsyncClient(verify=sandbox.ssl_context(), base_url=sandbox.graph_url,
                                     headers={"Authorization": f"Bearer {token}"}) as c:
            return list(await asyncio.gather(*[c.get(f"/users/{alice}/mailFolders") for _ in range(10)]))

    before = sandbox.counters()["throttled"]
    res = asyncio.run(hammer())
    codes = [r.status_code for r in res]
    assert codes.count(200) >= 4 and 429 in codes
    r429 = next(r for r in res if r.status_code == 429)
    assert r429.json()["error"]["code"] == "ApplicationThrottled"
    assert "MailboxConcurrency" in r429.json()["error"]["message"]
    assert int(r429.headers["Retry-After"]) >= 1
    assert sandbox.counters()["throttled"] - before == codes.count(429)


def test_outlook_request_window_and_retry_after(sandbox: Any) -> None:
    alice = _alice(sandbox)
    sandbox.configure_throttle(outlook_requests=5, time_scale=0.002)  # 10 minutes -> 1.2 s
    with sandbox.graph_client() as gc:
        codes = [gc.get(f"/users/{alice}/mailFolders/inbox").status_code for _ in range(7)]
        assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]
        r = gc.get(f"/users/{alice}/mailFolders/inbox")
        assert r.status_code == 429
        time.sleep(int(r.headers["Retry-After"]) + 0.3)
        # throttled calls counted too: after waiting the advertised time we are admitted again
        assert gc.get(f"/users/{alice}/mailFolders/inbox").status_code == 200
        bob = sandbox.truth.users()[1]["id"]  # per mailbox: another mailbox is not affected
        assert gc.get(f"/users/{bob}/mailFolders/inbox").status_code == 200


def test_sharepoint_resource_units(sandbox: Any) -> None:
    did = sandbox.truth.drive_id("alice")
    sandbox.configure_throttle(spo_resource_units=6, spo_status=503)
    with sandbox.graph_client() as gc:
        codes = [gc.get(f"/drives/{did}/root/children").status_code for _ in range(4)]  # 2 RU each
        assert codes[:3] == [200, 200, 200] and codes[3] == 503
        r = gc.get(f"/drives/{did}")
        assert r.status_code == 503 and "Retry-After" in r.headers


def test_downloads_are_charged_to_the_application(fresh_sandbox: Any) -> None:
    """A pre-authenticated download URL carries the application that listed it: its downloads draw on that
    application's SharePoint budget, as Graph calls do (not on a budget of their own)."""
    sb = fresh_sandbox
    did = sb.truth.drive_id("alice")
    sb.configure_throttle(spo_resource_units=4, spo_status=429)
    with sb.graph_client() as gc:
        items = gc.get(f"/drives/{did}/root/children").json()["value"]  # 2 RU
        urls = [i["@microsoft.graph.downloadUrl"] for i in items if "@microsoft.graph.downloadUrl" in i][:3]
        assert len(urls) == 3
        ctx = ssl.create_default_context(cafile=sb.ca_bundle_path)
        codes = [httpx.get(u, verify=ctx).status_code for u in urls]  # 1 RU each
        assert codes == [200, 200, 429]  # 2 + 1 + 1 used: the third download exceeds the app's 4
        assert gc.get(f"/drives/{did}").status_code == 429  # and Graph calls of the app are throttled too
    assert sb.counters()["spo_resource_units"] >= 6


def test_counters_and_min_time(fresh_sandbox: Any) -> None:
    sb = fresh_sandbox
    sb.reset_counters()
    with sb.graph_client() as gc:
        collect(gc, f"/users/{_alice(sb)}/mailFolders/inbox/messages/delta", {"Prefer": "odata.maxpagesize=2"})
        collect(gc, f"/drives/{sb.truth.drive_id('alice')}/root/delta")
    c = sb.counters()
    assert c["requests"] >= 2 and c["bytes_out"] > 0 and c["token_requests"] == 1
    assert c["per_endpoint"]["GET /users/{uid}/mailFolders/{fid}/messages/delta"] >= 1
    assert c["spo_resource_units"] >= 2 and c["min_time_s"] == 0.0
    sb.configure_throttle(outlook_requests=2, time_scale=0.01)
    assert sb.counters()["min_time_s"] > 0


@pytest.mark.parametrize("status", [429, 500, 503, 504])
def test_random_error_knob(sandbox: Any, status: int) -> None:
    sandbox.configure_faults(error_rate=1.0, error_statuses=[status], retry_after_s=2)
    with sandbox.graph_client() as gc:
        r = gc.get("/organization")
    assert r.status_code == status and "error" in r.json()
    if status in (429, 503):
        assert r.headers["Retry-After"] == "2"


def test_connection_reset_knob(sandbox: Any) -> None:
    sandbox.configure_faults(reset_rate=1.0)
    with sandbox.graph_client() as gc, pytest.raises(httpx.TransportError):
        gc.get("/organization")
    sandbox.reset_faults()
    with sandbox.graph_client() as gc:
        assert gc.get("/organization").status_code == 200


def test_latency_knob(sandbox: Any) -> None:
    with sandbox.graph_client() as gc:
        sandbox.configure_faults(latency_ms=(120, 120))
        t0 = time.perf_counter()
        assert gc.get("/organization").status_code == 200
        assert time.perf_counter() - t0 >= 0.11
        sandbox.configure_faults(latency_ms=(0, 30), latency_dist="exponential")
        assert gc.get("/organization").status_code == 200


def test_delta_expiry_knob(sandbox: Any) -> None:
    alice = _alice(sandbox)
    with sandbox.graph_client() as gc:
        _, link, _ = collect(gc, f"/users/{alice}/mailFolders/inbox/messages/delta")
        sandbox.configure_faults(delta_expiry_rate=1.0)
        r = gc.get(link)
        assert r.status_code == 410 and r.json()["error"]["code"] == "SyncStateNotFound"
        assert gc.get(f"/users/{alice}/mailFolders/inbox/messages/delta").status_code == 200  # fresh rounds work


def test_token_expiry_knobs(fresh_sandbox: Any) -> None:
    sb = fresh_sandbox
    with sb.graph_client() as gc:
        sb.configure_faults(token_expiry_rate=1.0)
        r = gc.get("/organization")
        assert r.status_code == 401 and r.json()["error"]["code"] == "InvalidAuthenticationToken"
        sb.reset_faults()
        assert gc.get("/organization").status_code == 200
        sb.expire_access_tokens()  # mid-run expiry: the old token is refused, a new one works
        assert gc.get("/organization").status_code == 401
    with sb.graph_client() as gc:
        assert gc.get("/organization").status_code == 200
    sb.set_token_lifetime(1)
    tok = sb.token()
    time.sleep(1.1)
    with httpx.Client(verify=sb.ssl_context()) as c:
        assert c.get(sb.graph_url + "/organization", headers={"Authorization": f"Bearer {tok}"}).status_code == 401


def test_malformed_payload_knobs(sandbox: Any) -> None:
    alice = _alice(sandbox)
    inv = sandbox.truth.find_messages(user="alice", subject_contains="Invoice")[0]
    with sandbox.graph_client() as gc:
        normal = gc.get(f"/users/{alice}/mailFolders").json()["value"]
        sandbox.configure_faults(missing_fields_rate=1.0, seed=1)
        broken = gc.get(f"/users/{alice}/mailFolders").json()["value"]
        assert all(len(b) == len(n) - 1 for b, n in zip(broken, normal, strict=True))
        sandbox.configure_faults(missing_fields_rate=0.0, wrong_types_rate=1.0)
        wrong = gc.get(f"/users/{alice}/mailFolders").json()["value"]
        assert any(type(w[k]) is not type(n[k]) for w, n in zip(wrong, normal, strict=True) for k in n if k in w)
        sandbox.configure_faults(wrong_types_rate=0.0, truncated_mime_rate=1.0)
        cut = gc.get(f"/users/{alice}/messages/{inv['id']}/$value").content
        assert len(cut) < len(sandbox.truth.message_mime(user="alice", message_id=inv["id"]))
        sandbox.configure_faults(truncated_mime_rate=0.0, invalid_utf8_names_rate=1.0)
        names = [f["displayName"] for f in gc.get(f"/users/{alice}/mailFolders").json()["value"]]
        with pytest.raises(UnicodeEncodeError):
            names[0].encode("utf-8")
    c = sandbox.counters()["faults_by_kind"]
    assert {"missing_field", "wrong_type", "truncated_mime", "invalid_utf8_name"} <= set(c)


def test_faults_only_paths_and_downloads(sandbox: Any) -> None:
    sandbox.configure_faults(error_rate=1.0, error_statuses=[500], only_paths=["/drives/"])
    with sandbox.graph_client() as gc:
        assert gc.get("/organization").status_code == 200
        assert gc.get(f"/drives/{sandbox.truth.drive_id('alice')}").status_code == 500


def test_identity_throttling_knob(sandbox: Any) -> None:
    sandbox.configure_faults(identity_error_rate=1.0, retry_after_s=3)
    a = sandbox.app_info()
    r = httpx.post(f"{sandbox.authority}/oauth2/v2.0/token", verify=sandbox.ssl_context(),
                   data={"client_id": a.client_id, "client_secret": a.client_secret, "grant_type": "client_credentials",
                         "scope": "https://graph.microsoft.com/.default"})
    assert r.status_code == 429 and r.json()["error"] == "temporarily_unavailable" and r.headers["Retry-After"] == "3"
    assert r.json()["error_codes"] == [50196]


def test_sharepoint_ratelimit_headers_near_limit(sandbox: Any) -> None:
    did = sandbox.truth.drive_id("alice")
    sandbox.configure_throttle(spo_resource_units=10)
    with sandbox.graph_client() as gc:
        first = gc.get(f"/drives/{did}")
        assert "RateLimit-Limit" not in first.headers
        for _ in range(7):
            r = gc.get(f"/drives/{did}")
        assert r.status_code == 200 and r.headers["RateLimit-Limit"] == "10"
        assert int(r.headers["RateLimit-Remaining"]) <= 2


def test_outlook_upload_limit(fresh_sandbox: Any) -> None:
    sb = fresh_sandbox
    sb.configure_throttle(outlook_upload_bytes=3000)
    alice = _alice(sb)
    with sb.graph_client() as gc:
        codes = [gc.post(f"/users/{alice}/mailFolders/inbox/messages",
                         json={"subject": "x", "body": {"content": "y" * 1000}}).status_code for _ in range(3)]
    assert codes[:2] == [201, 201] and codes[2] == 429


def test_quota_and_protected_api_knobs(fresh_sandbox: Any) -> None:
    sb = fresh_sandbox
    alice = _alice(sb)
    team = sb.truth.teams()[0]
    ch = team["channels"][0]["id"]
    sb.set_mailbox_quota_exceeded("alice")
    sb.set_protected_api_approved(approved=False)
    with sb.graph_client() as gc:
        r = gc.get(f"/users/{alice}/mailFolders/inbox/messages/delta")
        assert r.status_code == 403 and r.json()["error"]["code"] == "ErrorQuotaExceeded"
        assert gc.get(f"/users/{alice}/mailFolders/inbox").status_code == 200
        r = gc.get(f"/teams/{team['id']}/channels/{ch}/messages")
        assert r.status_code == 403 and "Protected API" in r.json()["error"]["message"]
        assert gc.get(f"/teams/{team['id']}/channels").status_code == 200
        sb.set_protected_api_approved(approved=True)
        sb.set_mailbox_quota_exceeded("alice", False)
        assert gc.get(f"/teams/{team['id']}/channels/{ch}/messages").status_code == 200
        assert gc.get(f"/users/{alice}/mailFolders/inbox/messages/delta").status_code == 200
