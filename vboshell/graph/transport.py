"""A lean HTTP/1.1 transport for the Graph client: httpx's request/response model on top of aiohttp's connection
pool (C HTTP parser, the event loop's own TLS, no per-request scan of pooled connections).

Why: profiling a backup (bench/README.md) put ~60 % of the backup process's CPU in httpcore/anyio's pool and
stream plumbing — about 0.9 ms per request, against ~0.1 ms for aiohttp on the same loop and server. The Graph
client keeps speaking httpx (`httpx.Request` in, `httpx.Response` out, the same exceptions), so every caller,
test transport and msal stay as they are; only the wire underneath changes.

Not used when a proxy is configured (httpx's own transport handles proxies) or when the caller passes its own
transport; `VBOSHELL_HTTP_TRANSPORT=httpx` selects httpx's transport (HTTP/2 capable) everywhere."""

from __future__ import annotations

import asyncio
import os
import ssl
from typing import Any

import httpx

__all__ = ["AiohttpTransport", "fast_transport_available", "load_http_stack", "transport_choice"]


def transport_choice() -> str:
    """'aiohttp' (the default when aiohttp is installed) or 'httpx' (VBOSHELL_HTTP_TRANSPORT=httpx)."""
    want = (os.environ.get("VBOSHELL_HTTP_TRANSPORT") or "").strip().lower()
    if want == "httpx":
        return "httpx"
    return "aiohttp" if fast_transport_available() else "httpx"


def load_http_stack() -> None:
    """Load the HTTP libraries a Graph client uses (httpx, and aiohttp for the default transport). Otherwise the
    first request of a process loads them: about 0.1 s, much of it aiohttp building TLS contexts from the system's
    certificate store as it is imported. A long-lived process (the scheduler service) calls this when it starts, so
    that no job it runs pays for it."""
    transport_choice()


def fast_transport_available() -> bool:
    try:
        import aiohttp  # noqa: F401
    except ImportError:  # pragma: no cover - aiohttp is a dependency; kept for trimmed installs
        return False
    return True


# headers aiohttp computes itself from the body, or that httpx adds for its own framing
_DROP = frozenset({b"content-length", b"transfer-encoding", b"host"})


class _Body(httpx.AsyncByteStream):
    """The response body, read from aiohttp as it arrives; closing releases the connection to the pool (or drops
    it when the body was not read to the end)."""

    def __init__(self, resp: Any) -> None:
        self._resp = resp

    async def __aiter__(self) -> Any:
        try:
            async for chunk in self._resp.content.iter_any():
                yield chunk
        except Exception as exc:  # noqa: BLE001 - mapped to httpx's exceptions
            raise _map_error(exc, read=True) from exc

    async def aclose(self) -> None:
        resp = self._resp
        if resp.content.at_eof():
            resp.release()
        else:
            resp.close()


class AiohttpTransport(httpx.AsyncBaseTransport):
    """httpx.AsyncBaseTransport over one aiohttp.ClientSession (created on first use, in the running loop).

    `limit`: connections kept to the service (HTTP/1.1 keep-alive); `verify`: the TLS context (CA bundle)."""

    def __init__(self, *, verify: ssl.SSLContext, limit: int = 16, keepalive_timeout: float = 30.0) -> None:
        self._verify = verify
        self._limit = max(1, int(limit))
        self._keepalive = keepalive_timeout
        self._session: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timeouts: dict[tuple[Any, Any, Any], Any] = {}

    def _get_session(self) -> Any:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            import aiohttp

            connector = aiohttp.TCPConnector(ssl=self._verify, limit=self._limit, limit_per_host=self._limit,
                                             keepalive_timeout=self._keepalive, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(
                connector=connector, auto_decompress=False,  # httpx decodes Content-Encoding itself
                skip_auto_headers=("Accept-Encoding", "User-Agent", "Content-Type"),
                cookie_jar=aiohttp.DummyCookieJar(), trust_env=False, timeout=aiohttp.ClientTimeout(total=None))
            self._loop = loop
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw
                   if k.lower() not in _DROP]
        body = await request.aread() if request.method not in ("GET", "HEAD") else None
        return await self.send(request.method, str(request.url), headers, body or None,
                               request.extensions.get("timeout") or {})

    async def send(self, method: str, url: str, headers: Any, body: bytes | None, timeout: dict[str, Any]
                   ) -> httpx.Response:
        """One request from its parts: `url` already encoded (as httpx would send it), `headers` a dict or a list
        of pairs without framing headers, `timeout` httpx's timeout dict. The Graph client calls this directly
        for plain requests, skipping httpx.Request's URL parsing and header merging (~15 % of a backup's CPU)."""
        from yarl import URL

        session = self._get_session()
        try:
            resp = await session.request(method, URL(url, encoded=True), headers=headers, data=body,
                                         allow_redirects=False, timeout=self._timeout(timeout), compress=None)
        except Exception as exc:  # noqa: BLE001 - mapped to httpx's exceptions
            raise _map_error(exc, read=False) from exc
        return httpx.Response(resp.status, headers=resp.raw_headers, stream=_Body(resp),
                              extensions={"http_version": b"HTTP/1.1", "reason_phrase": (resp.reason or "").encode()})

    def _timeout(self, t: dict[str, Any]) -> Any:
        key = (t.get("pool"), t.get("connect"), t.get("read"))
        got = self._timeouts.get(key)
        if got is None:
            import aiohttp

            got = self._timeouts[key] = aiohttp.ClientTimeout(total=None, connect=key[0], sock_connect=key[1],
                                                              sock_read=key[2])
        return got

    async def aclose(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None


def _map_error(exc: BaseException, *, read: bool) -> Exception:
    """aiohttp/asyncio failures as the httpx exceptions the Graph client retries on."""
    import aiohttp

    msg = str(exc) or type(exc).__name__
    connect_timeout = getattr(aiohttp, "ConnectionTimeoutError", ())  # aiohttp >= 3.10
    if connect_timeout and isinstance(exc, connect_timeout):
        return httpx.ConnectTimeout(msg)
    if isinstance(exc, aiohttp.ServerTimeoutError):  # no response (headers or body) within the read timeout
        return httpx.ReadTimeout(msg)
    if isinstance(exc, asyncio.TimeoutError):  # waiting for a pooled connection
        return httpx.ReadTimeout(msg) if read else httpx.PoolTimeout(msg)
    if isinstance(exc, aiohttp.ClientConnectorError | aiohttp.ClientSSLError):
        return httpx.ConnectError(msg)
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError):
        return httpx.RemoteProtocolError(msg)
    if isinstance(exc, aiohttp.ClientResponseError):  # malformed status line / headers
        return httpx.RemoteProtocolError(msg)
    if isinstance(exc, aiohttp.ClientError | OSError):
        return httpx.ReadError(msg) if read else httpx.ConnectError(msg)
    return exc if isinstance(exc, Exception) else httpx.TransportError(msg)
