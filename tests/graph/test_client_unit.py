"""Unit tests of the Graph client against an in-process httpx.MockTransport (no network, no msal).
They pin down paging, delta, batch retries, redirects without the token, upload chunks and error mapping."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest

from vboshell.graph.auth import AccessToken, AppConnection, TokenProvider
from vboshell.graph.client import BatchRequest, GraphClient
from vboshell.graph.clouds import get_cloud
from vboshell.graph.errors import DeltaResyncRequired, GraphError, ThrottledError
from vboshell.graph.http import USER_AGENT
from vboshell.graph.throttle import ThrottlePolicy, TokenBucket, classify

G = "https://graph.microsoft.com/v1.0"


class FakeTokens(TokenProvider):
    def __init__(self) -> None:
        super().__init__(AppConnection("t", "c", get_cloud()))
        self.calls = 0

    def token(self, force_refresh: bool = False) -> AccessToken:
        self.calls += 1
        self._token = AccessToken(f"tok{self.calls}", time.time() + 3600, {"roles": ["User.Read.All"]})
        return self._token


def make(handler, **policy) -> GraphClient:
    pol = ThrottlePolicy(backoff_base=0.01, backoff_max=0.02, **policy)
    return GraphClient(AppConnection("t", "c", get_cloud()), tokens=FakeTokens(), policy=pol,
                       transport=httpx.MockTransport(handler), http2=False)


def run(coro):
    return asyncio.run(coro)


def test_headers_and_paging() -> None:
    seen = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        page = int(req.url.params.get("page", "0"))
        body = {"value": [{"id": f"{page}-{i}"} for i in range(3)]}
        if page < 2:
            body["@odata.nextLink"] = f"{G}/users?page={page + 1}"
        return httpx.Response(200, json=body, headers={"request-id": "r"})

    async def go():
        async with make(handler) as g:
            return [u["id"] async for u in g.paged("/users", params={"$top": 3})]

    ids = run(go())
    assert len(ids) == 9 and ids[-1] == "2-2"
    assert all(r.headers["User-Agent"] == USER_AGENT and r.headers["client-request-id"] for r in seen)
    assert USER_AGENT.startswith("ISV|vboshell|")
    assert all(r.headers["Authorization"].startswith("Bearer ") for r in seen)


def test_delta_link_and_resync() -> None:
    def handler(req: httpx.Request) -> httpx.Response:
        if "deltatoken=old" in str(req.url):
            return httpx.Response(410, json={"error": {"code": "SyncStateNotFound", "message": "gone"}},
                                  headers={"Location": f"{G}/x/delta"})
        if "skiptoken" in str(req.url):
            return httpx.Response(200, json={"value": [{"id": "b"}], "@odata.deltaLink": f"{G}/x/delta?$deltatoken=new"})
        return httpx.Response(200, json={"value": [{"id": "a"}], "@odata.nextLink": f"{G}/x/delta?$skiptoken=1"})

    async def go():
        async with make(handler) as g:
            rnd = g.delta("/x/delta")
            items = [i["id"] async for i in rnd]
            with pytest.raises(DeltaResyncRequired) as ei:
                async for _ in g.delta(f"{G}/x/delta?$deltatoken=old"):
                    pass
            return items, rnd.delta_link, ei.value

    items, link, err = run(go())
    assert items == ["a", "b"] and link.endswith("deltatoken=new")
    assert err.status == 410 and err.code == "SyncStateNotFound" and err.location.endswith("/x/delta")


def test_delta_round_from_a_prefetched_first_page() -> None:
    """A round given its first page (fetched ahead) does not request it again and follows its nextLink."""
    seen: list[str] = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(str(req.url))
        return httpx.Response(200, json={"value": [{"id": "b"}], "@odata.deltaLink": f"{G}/x/delta?$deltatoken=2"})

    async def go():
        async with make(handler) as g:
            first = {"value": [{"id": "a"}], "@odata.nextLink": f"{G}/x/delta?$skiptoken=1"}
            rnd = g.delta("/x/delta", first_page=first)
            return [i["id"] async for i in rnd], rnd.delta_link, rnd.pages

    items, link, pages = run(go())
    assert items == ["a", "b"] and link.endswith("deltatoken=2") and pages == 2
    assert seen == [f"{G}/x/delta?$skiptoken=1"]


def test_retry_after_pauses_resource() -> None:
    times: list[float] = []

    def handler(req: httpx.Request) -> httpx.Response:
        times.append(time.monotonic())
        if len(times) == 1:
            return httpx.Response(429, json={"error": {"code": "TooManyRequests", "message": "slow down"}},
                                  headers={"Retry-After": "1"})
        return httpx.Response(200, json={"ok": True})

    async def go():
        async with make(handler) as g:
            r = await g.get_json("/users/u1/messages")
            return r, g.stats

    r, stats = run(go())
    assert r == {"ok": True} and stats.throttled == 1
    assert times[1] - times[0] >= 0.95


def test_5xx_backoff_then_error_record() -> None:
    calls = []

    def handler(req: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(500, json={"error": {"code": "UnknownError", "message": "boom",
                                                   "innerError": {"request-id": "rid-1"}}})

    async def go():
        async with make(handler, max_attempts=3) as g:
            await g.get_json("/organization")

    with pytest.raises(GraphError) as ei:
        run(go())
    assert len(calls) == 3
    rec = ei.value.error_record
    assert "boom" in rec.message and "rid-1" in rec.message and "UnknownError" in rec.message
    assert rec.extra["RequestId"] == "rid-1" and rec.extra["GraphCode"] == "UnknownError"


def test_throttled_error_after_attempts() -> None:
    def handler(req: httpx.Request) -> httpx.Response:
        return httpx.Response(503, headers={"Retry-After": "0"})

    async def go():
        async with make(handler, max_attempts=2) as g:
            await g.get_json("/users")

    with pytest.raises(ThrottledError):
        run(go())


def test_401_refreshes_token_once() -> None:
    auths = []

    def handler(req: httpx.Request) -> httpx.Response:
        auths.append(req.headers["Authorization"])
        if len(auths) == 1:
            return httpx.Response(401, json={"error": {"code": "InvalidAuthenticationToken", "message": "expired"}})
        return httpx.Response(200, json={})

    async def go():
        async with make(handler) as g:
            await g.get_json("/users")

    run(go())
    assert auths[0] != auths[1]


def test_download_redirect_drops_token() -> None:
    seen = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        if req.url.host == "graph.microsoft.com":
            return httpx.Response(302, headers={"Location": "https://contoso.sharepoint.com/dl?tempauth=xyz"})
        return httpx.Response(200, content=b"hello world")

    async def go():
        async with make(handler) as g:
            return await g.get_bytes("/drives/d/items/i/content")

    assert run(go()) == b"hello world"
    assert "Authorization" in seen[0].headers and "Authorization" not in seen[1].headers


def test_upload_session_chunks() -> None:
    ranges = []
    size = 320 * 1024 * 2 + 10

    def handler(req: httpx.Request) -> httpx.Response:
        if req.url.path.endswith("createUploadSession"):
            return httpx.Response(200, json={"uploadUrl": "https://up.example/sess/1"})
        assert "Authorization" not in req.headers
        cr = req.headers["Content-Range"]
        ranges.append(cr)
        end = int(cr.split(" ")[1].split("/")[0].split("-")[1])
        if end + 1 < size:
            return httpx.Response(202, json={"nextExpectedRanges": [f"{end + 1}-"]})
        return httpx.Response(201, json={"id": "item", "size": size})

    async def go():
        async with make(handler) as g:
            return await g.upload_large("/drives/d/items/root:/f.bin:/createUploadSession", b"x" * size,
                                        chunk_size=320 * 1024)

    item = run(go())
    assert item["id"] == "item" and len(ranges) == 3
    assert ranges[0] == f"bytes 0-327679/{size}"
    with pytest.raises(ValueError):
        run(make(lambda r: httpx.Response(200)).upload_session("https://u", b"x", chunk_size=1000))


def test_batch_retries_throttled_items_and_dependants() -> None:
    posts = []

    def handler(req: httpx.Request) -> httpx.Response:
        body = json.loads(req.content)
        posts.append([r["id"] for r in body["requests"]])
        out = []
        for r in body["requests"]:
            if len(posts) == 1 and r["id"] == "2":
                out.append({"id": "2", "status": 429, "headers": {"Retry-After": "0"}, "body": {}})
            elif len(posts) == 1 and r.get("dependsOn") == ["2"]:
                out.append({"id": r["id"], "status": 424, "body": {}})
            else:
                out.append({"id": r["id"], "status": 200, "body": {"id": r["id"]}})
        return httpx.Response(200, json={"responses": list(reversed(out))})

    reqs = [BatchRequest(str(i), "GET", f"/users/u{i}/mailFolders") for i in range(1, 25)]
    reqs[2].depends_on = ("2",)

    async def go():
        async with make(handler) as g:
            return await g.batch(reqs), g.stats

    res, stats = run(go())
    assert len(res) == 24 and all(r.ok for r in res.values())
    assert len(posts[0]) == 20 and sorted(posts[1]) == ["2", "3"]
    assert stats.throttled == 1


def test_classify_and_bucket() -> None:
    assert classify(f"{G}/users/A/mailFolders/inbox/messages").key == "mailbox:a"
    assert classify("/sites/x/lists?$expand=fields").cost == 2.0
    assert classify("/groups?$top=5").service == "directory"
    dl = classify("https://contoso-my.sharepoint.com/personal/a/_layouts/15/download.aspx?UniqueId=1&tempauth=x")
    assert (dl.service, dl.key, dl.cost) == ("sharepoint", "sharepoint", 1.0)  # pre-authenticated downloads

    async def go():
        b = TokenBucket(rate=100, capacity=2)
        t = time.monotonic()
        for _ in range(5):
            await b.take()
        return time.monotonic() - t

    assert run(go()) >= 0.025


def test_throttle_counts_the_time_requests_wait_for_the_budget() -> None:
    """budget_wait (what the job runner reads to tell a budget-bound run from one waiting on round trips) sums the
    time each request waited for its bucket or a pause, and nothing while the budget has room."""
    from vboshell.graph.throttle import Throttle

    t = Throttle(ThrottlePolicy(sharepoint_rate=50.0, sharepoint_burst=2))  # 50 resource units a second
    res = classify("/sites/x/drive/root/delta")

    async def go(n: int) -> None:
        await asyncio.gather(*(t.admit(res) for _ in range(n)))

    run(go(2))  # the burst: no wait
    assert t.budget_wait < 0.05
    run(go(5))  # the burst is spent: each waits ~1/50 s more than the one before
    assert 0.2 <= t.budget_wait < 1.5
    t.pause(res, 0.05)
    before = t.budget_wait
    run(go(1))
    assert t.budget_wait - before >= 0.045


def test_mailbox_concurrency_limit() -> None:
    live = {"n": 0, "max": 0}

    async def handler(req: httpx.Request) -> httpx.Response:
        live["n"] += 1
        live["max"] = max(live["max"], live["n"])
        await asyncio.sleep(0.01)
        live["n"] -= 1
        return httpx.Response(200, json={})

    async def go():
        async with make(handler) as g:
            await asyncio.gather(*(g.get_json("/users/m1/messages") for _ in range(20)))

    run(go())
    assert live["max"] == 4


def _token_app(handler, sleeps: list[float]) -> TokenProvider:
    from vboshell.graph.http import MsalHttpClient

    def wrapped(req: httpx.Request) -> httpx.Response:
        if req.url.path.endswith("/openid-configuration"):
            base = f"{req.url.scheme}://{req.url.host}/{req.url.path.split('/')[1]}"
            return httpx.Response(200, json={"token_endpoint": base + "/oauth2/v2.0/token",
                                             "authorization_endpoint": base + "/oauth2/v2.0/authorize",
                                             "issuer": base + "/v2.0"})
        return handler(req)

    cloud = get_cloud("Custom", "https://login.example", "https://graph.example")
    conn = AppConnection("tenant1", "cid", cloud, secret=AppConnection.protect("s", "graph.application-secret"))
    return TokenProvider(conn, http_client=MsalHttpClient(transport=httpx.MockTransport(wrapped)),
                         sleep=sleeps.append)


def test_msal_error_cache_is_bypassed_after_a_fix(tmp_path, monkeypatch) -> None:
    from vboshell.graph.errors import AuthenticationError

    monkeypatch.setenv("VBOSHELL_HOME", str(tmp_path))
    posts = []
    fixed = {"ok": False}

    def handler(req: httpx.Request) -> httpx.Response:
        posts.append(1)
        if not fixed["ok"]:
            return httpx.Response(400, json={"error": "unauthorized_client", "error_codes": [700016],
                                             "error_description": "AADSTS700016: Application not found."})
        return httpx.Response(200, json={"token_type": "Bearer", "expires_in": 3599, "access_token": "a.b.c"})

    tp = _token_app(handler, [])
    with pytest.raises(AuthenticationError):
        tp.token()
    fixed["ok"] = True  # the admin consents; msal alone would replay its cached 400 for 60 s
    assert tp.token().value == "a.b.c" and len(posts) == 2


def test_identity_429_honours_retry_after(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("VBOSHELL_HOME", str(tmp_path))
    posts = []

    def handler(req: httpx.Request) -> httpx.Response:
        posts.append(1)
        if len(posts) == 1:
            return httpx.Response(429, headers={"Retry-After": "3"},
                                  json={"error": "temporarily_unavailable", "error_codes": [50196],
                                        "error_description": "AADSTS50196: throttled"})
        return httpx.Response(200, json={"token_type": "Bearer", "expires_in": 3599, "access_token": "x.y.z"})

    sleeps: list[float] = []
    tp = _token_app(handler, sleeps)
    assert tp.token().value == "x.y.z" and len(posts) == 2 and sleeps == [3.0]


def test_sharepoint_ratelimit_headers_pause() -> None:
    def handler(req: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={}, headers={"RateLimit-Limit": "100", "RateLimit-Remaining": "5",
                                                     "RateLimit-Reset": "7"})

    async def go():
        async with make(handler) as g:
            await g.get_json("/sites/root")
            return g.throttle.paused_for(classify("/sites/root"))

    assert 6 < run(go()) <= 7


def test_outlook_requests_ask_for_immutable_ids() -> None:
    seen = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(req.headers.get("Prefer"))
        return httpx.Response(200, json={"value": []})

    async def go():
        async with make(handler) as g:
            await g.get_json("/users/u1/mailFolders/inbox/messages/delta", headers={"Prefer": "odata.maxpagesize=50"})
            await g.get_json("/users/u1/messages")
            await g.get_json("/users")

    run(go())
    assert seen == ['odata.maxpagesize=50, IdType="ImmutableId"', 'IdType="ImmutableId"', None]
