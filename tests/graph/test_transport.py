"""The Graph client's aiohttp wire (vboshell/graph/transport.py): the same answers as httpx's own transport against
the sandbox, gzip decoded once, abandoned streams not poisoning the pool, and network failures arriving as the
httpx exceptions the client retries (then a GraphConnectionError), over real sockets on loopback."""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from vboshell.graph import AppConnection, SyncGraphClient, ThrottlePolicy, get_cloud
from vboshell.graph.errors import GraphConnectionError
from vboshell.graph.transport import AiohttpTransport, transport_choice


def _client(sb: Any, **kw: Any) -> SyncGraphClient:
    cloud = get_cloud("Custom", sb.authority_host, sb.graph_endpoint, sb.ca_bundle_path)
    return SyncGraphClient(AppConnection.create(sb.tenant_id, sb.client_id, cloud, secret=sb.client_secret), **kw)


def test_default_wire_is_aiohttp_and_env_selects_httpx(monkeypatch: Any) -> None:
    monkeypatch.delenv("VBOSHELL_HTTP_TRANSPORT", raising=False)
    assert transport_choice() == "aiohttp"
    monkeypatch.setenv("VBOSHELL_HTTP_TRANSPORT", "httpx")
    assert transport_choice() == "httpx"


@pytest.mark.parametrize("wire", ["aiohttp", "httpx"])
def test_both_wires_give_the_same_answers(sandbox: Any, monkeypatch: Any, wire: str) -> None:
    monkeypatch.setenv("VBOSHELL_HTTP_TRANSPORT", wire)
    g = _client(sandbox)
    try:
        users = list(g.paged("/users", params={"$select": "id,userPrincipalName", "$top": 2}))
        assert len(users) >= 3 and all(u["userPrincipalName"] for u in users)
        assert (type(g.aio._http()._transport).__name__ == "AiohttpTransport") == (wire == "aiohttp")  # noqa: SLF001
        uid = users[0]["id"]
        msg = next(iter(g.paged(f"/users/{uid}/messages", params={"$select": "id,subject", "$top": 1})))
        mime = g.get_bytes(f"/users/{uid}/messages/{msg['id']}/$value")
        assert b"Subject:" in mime
        # a POST with a JSON body and a non-2xx answer mapped to a GraphError
        resp = g.request("POST", "/$batch", json={"requests": [{"id": "1", "method": "GET", "url": "/organization"}]})
        assert resp.status_code == 200 and resp.json()["responses"][0]["status"] == 200
        assert g.stats.failures == 0
    finally:
        g.close()


@pytest.mark.parametrize(("url", "params", "json_body", "content"), [
    ("https://graph.example/v1.0/users", {"$select": "id,displayName", "$top": 5, "$filter": "a b'c"}, None, None),
    ("https://graph.example/v1.0/users/1/mailFolders/AAMk-_x%3D/messages/delta?$deltatoken=eyJ%2Bx", None, None, None),
    ("https://graph.example/v1.0/drives/b!x/items/01:/a(1)!$&'*+,;=@:/content", None, None, b"\x00bytes"),
    ("https://graph.example/v1.0/$batch", None, {"requests": [{"id": "1", "url": "/me", "x": "é"}]}, None),
    ("https://graph.example/v1.0/users/1/sendMail", None, None, "text body"),
])
def test_fast_path_builds_what_httpx_builds(url: str, params: Any, json_body: Any, content: Any) -> None:
    """Plain requests skip httpx.Request on the aiohttp wire: the URL, body and headers sent must be the ones
    httpx would have sent (URLs httpx must re-encode, and streamed bodies, still go through httpx)."""
    g = _client(_FakeSandbox())
    try:
        aio = g.aio
        client = aio._http()  # noqa: SLF001
        h = {"client-request-id": "x", "Accept": "application/json", "Prefer": 'IdType="ImmutableId"'}
        parts = aio._wire_parts(url, params, dict(h), json_body, content)  # noqa: SLF001
        assert parts is not None
        req = client.build_request("POST", url, params=params, headers=h, json=json_body, content=content)
        sent_url, sent_headers, body, _timeout = parts
        assert sent_url == str(req.url)
        assert (body or b"") == req.read()
        want = {k.lower(): v for k, v in req.headers.items() if k.lower() not in ("connection", "content-length", "host")}
        assert sent_headers == want
    finally:
        g.close()


@pytest.mark.parametrize("url", ["https://graph.example/v1.0/drives/x/root:/a b.txt:/content",
                                 "https://graph.example/v1.0/drives/x/root:/\u00e9t\u00e9.txt:/content",
                                 "https://graph.example/v1.0/users?x=1#frag", "https://graph.example/v1.0/a\"b"])
def test_urls_needing_encoding_go_through_httpx(url: str) -> None:
    g = _client(_FakeSandbox())
    try:
        g.aio._http()  # noqa: SLF001
        assert g.aio._wire_parts(url, None, {}, None, None) is None  # noqa: SLF001
        assert g.aio._wire_parts("https://graph.example/v1.0/users?a=1", {"b": 2}, {}, None, None) is None  # noqa: SLF001
        assert g.aio._wire_parts("https://graph.example/v1.0/x", None, {}, None, iter([b"a"])) is None  # noqa: SLF001
    finally:
        g.close()


class _FakeSandbox:
    """Connection values for a client that never connects (the request-building tests)."""

    authority_host = "https://login.example"
    graph_endpoint = "https://graph.example"
    ca_bundle_path = None
    tenant_id = "00000000-0000-0000-0000-000000000001"
    client_id = "00000000-0000-0000-0000-000000000002"
    client_secret = "not-a-secret"  # noqa: S105


def test_abandoned_stream_then_more_requests(sandbox: Any) -> None:
    """A download closed after its first chunk drops that connection; the pool goes on serving requests."""
    g = _client(sandbox, policy=ThrottlePolicy(max_connections=2))
    try:
        uid = next(iter(g.paged("/users", params={"$select": "id"})))["id"]
        ids = [m["id"] for m in g.paged(f"/users/{uid}/messages", params={"$select": "id", "$top": 50}, limit=6)]

        async def partial(mid: str) -> bytes:
            agen = g.aio.stream(f"/users/{uid}/messages/{mid}/$value", chunk_size=16)
            first = await agen.__anext__()
            await agen.aclose()
            return first

        from vboshell.graph.sync import run

        for mid in ids[:3]:
            assert run(partial(mid))
        whole = [g.get_bytes(f"/users/{uid}/messages/{mid}/$value") for mid in ids]
        assert all(b"Subject:" in w for w in whole)
    finally:
        g.close()


# ---------------------------------------------------------------------------------------------------- raw servers

class _RawServer:
    """A plain-HTTP server on loopback whose behaviour per connection is a function (for failure modes)."""

    def __init__(self, handler: Any) -> None:
        self.handler = handler
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        self._t = threading.Thread(target=self._serve, daemon=True)
        self._t.start()

    def _serve(self) -> None:
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(c)
            threading.Thread(target=self._one, args=(c,), daemon=True).start()

    def _one(self, c: socket.socket) -> None:
        try:
            buf = b""
            while b"\r\n\r\n" not in buf:
                d = c.recv(65536)
                if not d:
                    return
                buf += d
            self.handler(c, buf)
        except OSError:
            pass

    def close(self) -> None:
        self.sock.close()
        for c in self.conns:
            c.close()


def _graph(port: int, **policy: Any) -> SyncGraphClient:
    """A client whose requests go to absolute loopback URLs (plain HTTP, no token: not the Graph host)."""
    cloud = get_cloud("Custom", "https://login.invalid", "https://graph.invalid", None)
    conn = AppConnection.create("t", "c", cloud, secret="s")
    return SyncGraphClient(conn, policy=ThrottlePolicy(backoff_base=0.01, backoff_max=0.02, **policy))


@pytest.fixture
def server() -> Iterator[Any]:
    made: list[_RawServer] = []

    def make(handler: Any) -> _RawServer:
        made.append(_RawServer(handler))
        return made[-1]

    yield make
    for s in made:
        s.close()


def test_gzip_body_is_decoded_once(server: Any) -> None:
    body = gzip.compress(json.dumps({"value": [{"id": "a"}], "note": "é" * 2000}).encode())

    def gz(c: socket.socket, _req: bytes) -> None:
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
                  b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)

    s = server(gz)
    g = _graph(s.port)
    try:
        resp = g.request("GET", f"http://127.0.0.1:{s.port}/v1.0/anything", auth=False)
        data = resp.json()
        assert data["value"] == [{"id": "a"}] and data["note"] == "é" * 2000
    finally:
        g.close()


def test_connection_refused_is_a_graph_connection_error() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    g = _graph(port, max_attempts=2)
    try:
        with pytest.raises(GraphConnectionError) as ei:
            g.request("GET", f"http://127.0.0.1:{port}/v1.0/users", auth=False)
        assert "Cannot reach 127.0.0.1" in ei.value.message and "ConnectError" in ei.value.message
        assert g.stats.requests == 2 and g.stats.failures == 1
    finally:
        g.close()


def test_server_hanging_up_mid_body_is_retried(server: Any) -> None:
    """The first connection dies halfway through its body; the retry on a fresh connection succeeds."""
    calls = {"n": 0}
    payload = json.dumps({"ok": True, "pad": "x" * 5000}).encode()

    def flaky(c: socket.socket, _req: bytes) -> None:
        calls["n"] += 1
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + \
            str(len(payload)).encode() + b"\r\n\r\n"
        if calls["n"] == 1:
            c.sendall(head + payload[:100])
            c.shutdown(socket.SHUT_RDWR)
            c.close()
            return
        c.sendall(head + payload)

    s = server(flaky)
    g = _graph(s.port)
    try:
        data = g.request("GET", f"http://127.0.0.1:{s.port}/v1.0/things", auth=False).json()
        assert data["ok"] is True and calls["n"] == 2 and g.stats.retries >= 1
    finally:
        g.close()


def test_read_timeout_maps_to_graph_connection_error(server: Any) -> None:
    silent = threading.Event()
    s = server(lambda c, _r: silent.wait(5))
    cloud = get_cloud("Custom", "https://login.invalid", "https://graph.invalid", None)
    conn = AppConnection.create("t", "c", cloud, secret="s")
    g = SyncGraphClient(conn, policy=ThrottlePolicy(max_attempts=1), timeout=0.5)
    try:
        with pytest.raises(GraphConnectionError) as ei:
            g.request("GET", f"http://127.0.0.1:{s.port}/v1.0/users", auth=False)
        assert "ReadTimeout" in ei.value.message
    finally:
        silent.set()
        g.close()


def test_transport_closes_its_session() -> None:
    import ssl

    t = AiohttpTransport(verify=ssl.create_default_context(), limit=2)

    async def go() -> bool:
        sess = t._get_session()  # noqa: SLF001
        await t.aclose()
        return sess.closed

    assert asyncio.run(go()) is True
