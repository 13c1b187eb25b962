"""The access token kept between processes (vboshell.graph.auth.TokenCache): a second provider for the same
connection reuses the first one's token without asking the identity platform; the file holds it sealed, never in
clear; a new secret is a new entry; a forced refresh replaces it; and a 403 answered to a cached token gets a new
token once (its roles may predate a new consent)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from vboshell.graph import AppConnection, get_cloud
from vboshell.graph.auth import AccessToken, TokenCache, TokenProvider
from vboshell.graph.client import GraphClient
from vboshell.graph.throttle import ThrottlePolicy


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VBOSHELL_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("VBOSHELL_TOKEN_CACHE", raising=False)
    return tmp_path / "home"


def _conn(sb: Any, secret: str | None = None) -> AppConnection:
    cloud = get_cloud("Custom", sb.authority_host, sb.graph_endpoint, sb.ca_bundle_path)
    return AppConnection.create(sb.tenant_id, sb.client_id, cloud, secret=secret or sb.client_secret)


def test_second_process_reuses_the_token(sandbox: Any, home: Path) -> None:
    conn = _conn(sandbox)
    first = TokenProvider(conn)
    try:
        tok = first.token()
        assert first.acquired == 1 and not first.from_cache
    finally:
        first.close()
    files = list((home / "cache" / "tokens").glob("*.token"))
    assert len(files) == 1
    sealed = files[0].read_text()
    assert tok.value not in sealed and sealed.startswith("vbk1:")
    assert (files[0].stat().st_mode & 0o077) == 0
    again = TokenProvider(AppConnection.from_mapping(conn.to_mapping()))  # the organization read back
    try:
        tok2 = again.token()
        assert again.acquired == 0 and again.from_cache and tok2.value == tok.value
        assert "User.Read.All" in tok2.roles
        fresh = again.token(force_refresh=True)  # e.g. after a 401
        assert again.acquired == 1 and not again.from_cache and fresh.value != tok.value
    finally:
        again.close()
    assert TokenCache(conn).load().value == fresh.value


def test_other_secret_other_entry_and_switch_off(sandbox: Any, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = TokenProvider(_conn(sandbox))
    b = TokenProvider(_conn(sandbox))  # the same secret protected again: a separate entry, never a wrong token
    try:
        a.token()
        b.token()
        assert a.acquired == 1 and b.acquired == 1
        monkeypatch.setenv("VBOSHELL_TOKEN_CACHE", "0")
        c = TokenProvider(AppConnection.from_mapping(a.connection.to_mapping()))
        c.token()
        assert c.acquired == 1 and not c.from_cache
        c.close()
    finally:
        a.close()
        b.close()


def test_damaged_or_expired_cache_is_ignored(home: Path) -> None:
    conn = AppConnection("t", "c", get_cloud())
    cache = TokenCache(conn)
    cache.save(AccessToken("x.eyJyb2xlcyI6W119.y", time.time() + 60))  # expires inside the refresh margin
    assert cache.load() is None
    cache.path().write_text("vbk1:not-base64!")
    assert cache.load() is None
    cache.forget()
    assert not cache.path().exists()


def test_403_with_a_cached_token_refreshes_once(home: Path) -> None:
    issued: list[str] = []

    class Tokens(TokenProvider):
        def token(self, force_refresh: bool = False) -> AccessToken:
            if not force_refresh and self._token is not None:
                return self._token
            self.from_cache = not force_refresh and not issued  # the first token "came from the cache"
            issued.append(f"t{len(issued)}")
            self._token = AccessToken(issued[-1], time.time() + 3600)
            return self._token

    seen: list[str] = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(req.headers["Authorization"])
        if req.headers["Authorization"] == "Bearer t0":
            return httpx.Response(403, json={"error": {"code": "Authorization_RequestDenied", "message": "no"}})
        return httpx.Response(200, json={"value": []})

    async def go() -> Any:
        async with GraphClient(AppConnection("t", "c", get_cloud()), tokens=Tokens(AppConnection("t", "c", get_cloud())),
                               policy=ThrottlePolicy(), transport=httpx.MockTransport(handler), http2=False) as g:
            return await g.get_json("/users")

    assert asyncio.run(go()) == {"value": []}
    assert seen == ["Bearer t0", "Bearer t1"]
