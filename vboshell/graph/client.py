"""The async Microsoft Graph client: retries and throttling, paging, delta rounds, $batch, download streaming
and upload sessions over one pooled httpx.AsyncClient. Its wire is vboshell.graph.transport.AiohttpTransport
(HTTP/1.1 keep-alive over aiohttp, ~8x less CPU per request than httpcore) unless a proxy is configured or
VBOSHELL_HTTP_TRANSPORT=httpx asks for httpx's own transport (HTTP/2 when the server offers it)."""

from __future__ import annotations

import asyncio
import contextlib
import json as jsonlib
import logging
import re
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import urljoin, urlsplit

from vboshell.graph.auth import AccessToken, AppConnection, TokenProvider
from vboshell.graph.errors import (
    DeltaResyncRequired,
    GraphConnectionError,
    GraphError,
    ThrottledError,
    _redact_url,
    parse_graph_error,
    parse_retry_after,
)
from vboshell.graph.http import USER_AGENT, new_request_id, ssl_context
from vboshell.graph.throttle import Resource, Throttle, ThrottlePolicy, classify

__all__ = ["GraphClient", "GraphStats", "DeltaRound", "BatchRequest", "BatchResponse", "UPLOAD_CHUNK_UNIT"]

log = logging.getLogger("vboshell.graph")

UPLOAD_CHUNK_UNIT = 320 * 1024  # upload-session chunks are multiples of 327,680 bytes
DEFAULT_UPLOAD_CHUNK = 10 * UPLOAD_CHUNK_UNIT  # 3.125 MiB
BATCH_MAX = 20
HTTPX_MAX_CONNECTIONS = 16  # pool size when httpx's own transport is used (see GraphClient._http)
_THROTTLE_STATUSES = (429, 503, 504, 509)
# a URL httpx would send unchanged: only unreserved and reserved characters and valid %-escapes (no space, no
# non-ASCII, no fragment); such URLs skip httpx's URL parser on the aiohttp wire (see GraphClient._wire_parts)
_PLAIN_URL = re.compile(r"https?://(?:[A-Za-z0-9\-._~:/?@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")


def _query(params: dict[str, Any]) -> str:
    """A query string encoded as httpx encodes `params=`."""
    import httpx

    return str(httpx.QueryParams(params))


@dataclass
class GraphStats:
    """Counters for one client (benchmarks print them; tests assert on them)."""

    requests: int = 0  # HTTP requests sent (each retry counts)
    responses: dict[int, int] = field(default_factory=dict)
    throttled: int = 0  # 429 (and throttled 503/504) responses, including inside $batch
    retries: int = 0
    failures: int = 0  # logical requests that ended in an error
    waited: float = 0.0  # seconds spent honouring Retry-After / backoff
    batch_items: int = 0

    def count(self, status: int) -> None:
        self.responses[status] = self.responses.get(status, 0) + 1


@dataclass
class BatchRequest:
    """One request inside a JSON batch: url is relative to the version root (`/users/{id}/mailFolders`)."""

    id: str
    method: str
    url: str
    headers: dict[str, str] | None = None
    body: Any = None
    depends_on: tuple[str, ...] = ()

    def to_json(self, keep_deps: set[str] | None = None) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "method": self.method.upper(), "url": self.url}
        headers = dict(self.headers or {})
        if self.body is not None:
            d["body"] = self.body
            headers.setdefault("Content-Type", "application/json")
        if headers:
            d["headers"] = headers
        deps = [x for x in self.depends_on if keep_deps is None or x in keep_deps]
        if deps:
            d["dependsOn"] = deps
        return d


@dataclass
class BatchResponse:
    id: str
    status: int
    headers: dict[str, str]
    body: Any

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 400

    def error(self) -> GraphError:
        return parse_graph_error(self.status, self.body, {k.lower(): v for k, v in (self.headers or {}).items()},
                                 "BATCH", self.id)

    def json(self) -> Any:
        if not self.ok:
            raise self.error()
        return self.body


class DeltaRound:
    """One delta enumeration: iterate the items (`async for item in round`), then read `delta_link` for the next
    incremental run. An expired token raises DeltaResyncRequired (its `.location`, when Graph gives one, is the
    fresh enumeration URL); the caller drops the token and runs a full round."""

    def __init__(self, client: GraphClient, url: str, params: dict[str, Any] | None, headers: dict[str, str] | None,
                 first_page: dict[str, Any] | None = None):
        self._client = client
        self.url = url
        self._params = params
        self._headers = headers
        self._first_page = first_page  # the answer to the first request, when it was fetched ahead of time
        self.delta_link: str | None = None
        self.pages = 0

    async def iter_pages(self) -> AsyncIterator[list[dict[str, Any]]]:
        next_url: str | None = self.url
        params = self._params
        while next_url:
            if self._first_page is not None:
                data, self._first_page = self._first_page, None
            else:
                data = await self._client.get_json(next_url, params=params, headers=self._headers)
            params = None
            self.pages += 1
            yield list(data.get("value") or [])
            if data.get("@odata.deltaLink"):
                self.delta_link = data["@odata.deltaLink"]
                return
            next_url = data.get("@odata.nextLink")
        raise GraphError("The delta round ended without an @odata.deltaLink.", code="NoDeltaLink", url=self.url)

    async def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        async for page in self.iter_pages():
            for item in page:
                yield item


class GraphClient:
    """Microsoft Graph for one AppConnection. Belongs to one asyncio event loop (see SyncGraphClient for threads)."""

    def __init__(self, connection: AppConnection, *, policy: ThrottlePolicy | None = None,
                 tokens: TokenProvider | None = None, version: str = "v1.0", timeout: float = 60.0,
                 http2: bool = True, transport: Any = None, sleep: Any = None) -> None:
        self.connection = connection
        self.cloud = connection.cloud
        self.version = version
        self.base_url = self.cloud.graph_url(version)
        self.tokens = tokens or TokenProvider(connection)
        self._own_tokens = tokens is None
        self.throttle = Throttle(policy)
        self.policy = self.throttle.policy
        self.stats = GraphStats()
        self._timeout = timeout
        self._http2 = http2
        self._transport = transport
        self._client: Any = None
        self._wire: Any = None  # the AiohttpTransport this client made (requests skip httpx's client layers)
        self._graph_host = urlsplit(self.base_url).netloc.lower()
        self._sleep = sleep or asyncio.sleep
        self._token_lock: asyncio.Lock | None = None
        self.immutable_ids = True  # Outlook requests carry Prefer: IdType="ImmutableId" (stable ids across moves)

    # ------------------------------------------------------------------ plumbing
    def _http(self) -> Any:
        if self._client is None:
            import httpx

            c = self.connection
            http2 = self._http2
            if http2:
                try:
                    import h2  # noqa: F401
                except ImportError:  # pragma: no cover
                    http2 = False
            # httpx's own transport (proxies, VBOSHELL_HTTP_TRANSPORT=httpx) scans every pooled connection on each
            # request: past 16 connections that costs more CPU than the extra concurrency gains (first session's
            # measurements); HTTP/2, where the server offers it, multiplexes over fewer connections anyway
            pool = min(self.policy.max_connections, HTTPX_MAX_CONNECTIONS)
            limits = httpx.Limits(max_connections=pool, max_keepalive_connections=pool)
            from vboshell.graph.http import proxy_from_env
            from vboshell.graph.transport import AiohttpTransport, transport_choice

            proxy = c.proxy or proxy_from_env(self.base_url)
            transport = self._transport
            if transport is None and proxy is None and transport_choice() == "aiohttp":
                transport = self._wire = AiohttpTransport(verify=ssl_context(c.cloud.ca_bundle),
                                                          limit=self.policy.max_connections)
            kw: dict[str, Any] = {"transport": transport} if transport is not None else {}
            self._client = httpx.AsyncClient(
                verify=ssl_context(c.cloud.ca_bundle), proxy=proxy, http2=http2,
                limits=limits,
                timeout=httpx.Timeout(self._timeout, connect=min(self._timeout, 20.0)), trust_env=False,
                follow_redirects=False, headers={"User-Agent": USER_AGENT}, **kw)
            # what httpx would add to every request (User-Agent, Accept, Accept-Encoding for the codecs it decodes)
            self._wire_headers = {k.lower(): v for k, v in self._client.headers.items() if k.lower() != "connection"}
            self._wire_timeout = self._client.timeout.as_dict()
        return self._client

    def url(self, path_or_url: str) -> str:
        if path_or_url.startswith(("https://", "http://")):
            return path_or_url
        return self.base_url + ("" if path_or_url.startswith("/") else "/") + path_or_url

    def _is_graph(self, url: str) -> bool:
        if url.startswith(self.base_url):  # the common case, without parsing the URL
            return True
        return urlsplit(url).netloc.lower() == self._graph_host

    async def _token(self, force: bool = False) -> AccessToken:
        tok = self.tokens._token
        if not force and tok is not None and tok.fresh():
            return tok
        if self._token_lock is None:
            self._token_lock = asyncio.Lock()
        async with self._token_lock:
            tok = self.tokens._token
            if not force and tok is not None and tok.fresh():
                return tok
            return await asyncio.to_thread(self.tokens.token, force)

    async def token(self) -> AccessToken:
        return await self._token()

    async def aclose(self) -> None:
        """Close the connection pool (and the identity client when this GraphClient created it)."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None
            self._wire = None
        if self._own_tokens:
            self.tokens.close()

    async def __aenter__(self) -> GraphClient:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()

    # ------------------------------------------------------------------ the one request path
    async def request(self, method: str, url: str, *, params: dict[str, Any] | None = None,
                      headers: dict[str, str] | None = None, json: Any = None, content: Any = None,
                      auth: bool = True, resource: Resource | None = None, stream: bool = False,
                      allow_status: Iterable[int] = (), _slot_held: bool = False) -> Any:
        """Send one logical request with throttling, retries and error mapping; returns the httpx.Response
        (for stream=True, an open streaming response the caller must close). 3xx responses are returned as-is.
        The bearer token is only ever sent to the Graph host (pre-authenticated URLs get none)."""
        import httpx

        full = self.url(url)
        # a relative URL is classified as it is (no need to parse the absolute one)
        res = resource or classify(url if url.startswith("/") else full, method)
        send_token = auth and self._is_graph(full)
        allowed = set(allow_status)
        crid = new_request_id()
        refreshed = False
        last_error: GraphError | None = None
        attempts = max(1, self.policy.max_attempts)
        for attempt in range(1, attempts + 1):
            await self.throttle.admit(res)
            sem = None if _slot_held else self.throttle.semaphore(res)
            async with sem if sem is not None else contextlib.nullcontext():
                await self.throttle.wait_unpaused(res)
                h = {"client-request-id": crid, "Accept": "application/json"}
                if headers:
                    h.update(headers)
                if res.service == "outlook" and send_token:
                    h = self._outlook_headers(h)

                if send_token:
                    tok = await self._token()
                    h["Authorization"] = f"Bearer {tok.value}"
                client = self._http()
                parts = self._wire_parts(full, params, h, json, content) if self._wire is not None else None
                req = None if parts is not None else client.build_request(method, full, params=params, headers=h,
                                                                          json=json, content=content)
                self.stats.requests += 1
                try:
                    if parts is not None:  # straight to our wire: no httpx.Request, cookie jar or redirect loop
                        resp = await self._wire.send(method, *parts)
                        if not stream:
                            await resp.aread()
                    elif self._wire is not None:  # a body streamed from an iterator, or a URL httpx must encode
                        resp = await self._wire.handle_async_request(req)
                        resp.request = req
                        if not stream:
                            await resp.aread()
                    else:
                        resp = await client.send(req, stream=stream)
                except (httpx.TransportError, httpx.TimeoutException) as exc:
                    last_error = GraphConnectionError(
                        f"Cannot reach {urlsplit(full).netloc}: {type(exc).__name__}: {exc}".rstrip(": "),
                        method=method, url=full, client_request_id=crid)
                    if attempt < attempts:
                        await self._wait(self.policy.backoff(attempt))
                        continue
                    break
                status = resp.status_code
                self.stats.count(status)
                if status < 400 or status in allowed:
                    self._near_limit(res, resp.headers)
                    return resp
                if stream:
                    await resp.aread()
                    await resp.aclose()
            body = _json_or_none(resp)
            err = parse_graph_error(status, body, resp.headers, method, full, resp.text)
            err.client_request_id = err.client_request_id or crid
            last_error = err
            if send_token and not refreshed and (status == 401 or (status == 403 and self.tokens.from_cache)):
                # expired/revoked token, or a 403 with an earlier process's token (its roles may predate a new
                # consent): get a new one once
                refreshed = True
                await self._token(force=True)
                continue
            if status in _THROTTLE_STATUSES or (status >= 500 and status != 501):
                if status in _THROTTLE_STATUSES:
                    self.stats.throttled += status == 429
                ra = err.retry_after
                if status == 429 or ra is not None:
                    wait = min(self.policy.max_retry_after, ra if ra is not None else self.policy.default_retry_after)
                    self.throttle.pause(res, wait)
                    log.info("throttled %s %s: %s, pausing %s for %.1fs", method, _redact_url(full), status,
                             res.key, wait)
                    self.stats.waited += wait
                else:
                    await self._wait(self.policy.backoff(attempt))
                if attempt < attempts:
                    self.stats.retries += 1
                    continue
                if status in _THROTTLE_STATUSES:
                    last_error = ThrottledError(err.message, status=status, code=err.code, inner_code=err.inner_code,
                                                request_id=err.request_id, client_request_id=crid, method=method,
                                                url=full, retry_after=err.retry_after)
            break
        self.stats.failures += 1
        assert last_error is not None
        raise last_error

    def _outlook_headers(self, h: dict[str, str]) -> dict[str, str]:
        """Outlook requests ask for immutable ids (Prefer: IdType="ImmutableId", merged into any Prefer given)."""
        if not self.immutable_ids:
            return h
        prefer = next((v for k, v in h.items() if k.lower() == "prefer"), "")
        if "idtype" in prefer.lower():
            return h
        h = {k: v for k, v in h.items() if k.lower() != "prefer"}
        h["Prefer"] = (prefer + ", " if prefer else "") + 'IdType="ImmutableId"'
        return h

    def _wire_parts(self, full: str, params: dict[str, Any] | None, h: dict[str, str], json: Any, content: Any
                    ) -> tuple[str, dict[str, str], bytes | None, dict[str, Any]] | None:
        """(url, headers, body, timeout) for the aiohttp wire, built as httpx would build them, or None when
        httpx must build the request (a URL needing encoding, params on a URL that has a query, a streamed body)."""
        if not _PLAIN_URL.fullmatch(full) or (params and "?" in full):
            return None
        body: bytes | None
        if json is not None:
            if content is not None:
                return None
            body = jsonlib.dumps(json, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
        elif content is None or isinstance(content, bytes):
            body = content or None
        elif isinstance(content, str):
            body = content.encode() or None
        else:
            return None
        url = full + "?" + _query(params) if params else full
        hd = dict(self._wire_headers)
        for k, v in h.items():
            hd[k.lower()] = v
        if json is not None and "content-type" not in hd:
            hd["content-type"] = "application/json"
        return url, hd, body, self._wire_timeout

    def _near_limit(self, res: Resource, headers: Any) -> None:
        """SharePoint's RateLimit-* headers warn before it throttles: when under 10 % of the limit remains,
        hold the resource until the window resets instead of waiting for a 429."""
        remaining = headers.get("RateLimit-Remaining")
        if remaining is None:
            return
        try:
            limit = float(headers.get("RateLimit-Limit") or 0)
            left = float(remaining)
            reset = float(headers.get("RateLimit-Reset") or 0)
        except ValueError:
            return
        if limit > 0 and left < 0.1 * limit and reset > 0:
            self.throttle.pause(res, min(reset, self.policy.max_retry_after))

    async def _wait(self, seconds: float) -> None:
        self.stats.waited += seconds
        self.stats.retries += 1
        await self._sleep(seconds)

    # ------------------------------------------------------------------ JSON helpers
    async def get_json(self, url: str, *, params: dict[str, Any] | None = None,
                       headers: dict[str, str] | None = None) -> Any:
        resp = await self.request("GET", url, params=params, headers=headers)
        return _json_or_none(resp) if resp.status_code != 204 else None

    async def post_json(self, url: str, body: Any = None, *, headers: dict[str, str] | None = None) -> Any:
        resp = await self.request("POST", url, json=body, headers=headers)
        return _json_or_none(resp)

    async def send_json(self, method: str, url: str, body: Any = None, *, headers: dict[str, str] | None = None) -> Any:
        resp = await self.request(method, url, json=body, headers=headers)
        return _json_or_none(resp)

    # ------------------------------------------------------------------ paging and delta
    async def pages(self, url: str, *, params: dict[str, Any] | None = None,
                    headers: dict[str, str] | None = None) -> AsyncIterator[list[dict[str, Any]]]:
        """Each page's `value`, following @odata.nextLink as an opaque absolute URL."""
        next_url: str | None = url
        while next_url:
            data = await self.get_json(next_url, params=params, headers=headers)
            params = None
            data = data or {}
            yield list(data.get("value") or [])
            next_url = data.get("@odata.nextLink")

    async def paged(self, url: str, *, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None,
                    limit: int | None = None) -> AsyncIterator[dict[str, Any]]:
        """Every item of a collection, page by page (stops early after `limit` items)."""
        n = 0
        async for page in self.pages(url, params=params, headers=headers):
            for item in page:
                yield item
                n += 1
                if limit is not None and n >= limit:
                    return

    def delta(self, url: str, *, params: dict[str, Any] | None = None,
              headers: dict[str, str] | None = None, first_page: dict[str, Any] | None = None) -> DeltaRound:
        """A delta round from a first URL (`/users/{id}/mailFolders/{fid}/messages/delta`) or a saved deltaLink.
        `first_page`: the JSON answer to that first request when it was already fetched (prefetching)."""
        return DeltaRound(self, url, params, headers, first_page)

    # ------------------------------------------------------------------ $batch
    async def batch(self, requests: list[BatchRequest], *, max_attempts: int | None = None) -> dict[str, BatchResponse]:
        """Send requests through POST /$batch in chunks of ≤ 20, keeping dependsOn chains in one chunk.
        Throttled sub-responses (429/503/504, and 424s that depended on them) are re-sent after their
        Retry-After. Returns every response by id; failed ones keep their status (use `.json()`/`.error()`)."""
        ids = [r.id for r in requests]
        if len(set(ids)) != len(ids):
            raise ValueError("Batch request ids must be unique.")
        results: dict[str, BatchResponse] = {}
        for chunk in _batch_chunks(requests):
            await self._batch_chunk(chunk, results, max_attempts or self.policy.max_attempts)
        return results

    async def _batch_chunk(self, chunk: list[BatchRequest], results: dict[str, BatchResponse], attempts: int) -> None:
        pending = list(chunk)
        for attempt in range(1, attempts + 1):
            ids = {r.id for r in pending}
            for r in pending:
                await self.throttle.admit(classify(r.url, r.method))
            body = {"requests": [self._sub_request(r, ids) for r in pending]}
            self.stats.batch_items += len(pending)
            data = await self.post_json("/$batch", body)
            got: dict[str, BatchResponse] = {}
            for item in (data or {}).get("responses", []):
                hdrs = {str(k): str(v) for k, v in (item.get("headers") or {}).items()}
                got[str(item.get("id"))] = BatchResponse(str(item.get("id")), int(item.get("status") or 0), hdrs,
                                                         item.get("body"))
            retry: list[BatchRequest] = []
            wait = 0.0
            for r in pending:
                br = got.get(r.id)
                if br is None:
                    br = BatchResponse(r.id, 0, {}, {"error": {"code": "MissingBatchResponse",
                                                               "message": "No response for this batch item."}})
                results[r.id] = br
                if br.status in _THROTTLE_STATUSES:
                    self.stats.throttled += br.status == 429
                    lower = {k.lower(): v for k, v in br.headers.items()}
                    ra = parse_retry_after(lower.get("retry-after"))
                    w = min(self.policy.max_retry_after,
                            ra if ra is not None else (self.policy.default_retry_after if br.status == 429
                                                       else self.policy.backoff(attempt)))
                    self.throttle.pause(classify(r.url, r.method), w)
                    wait = max(wait, w)
                    retry.append(r)
            retry_ids = {r.id for r in retry}
            # dependants that failed only because a throttled request failed are retried with it
            for r in pending:
                br = results[r.id]
                if br.status == 424 and r.id not in retry_ids and any(d in retry_ids for d in r.depends_on):
                    retry.append(r)
                    retry_ids.add(r.id)
            if not retry or attempt == attempts:
                return
            self.stats.retries += 1
            self.stats.waited += wait
            await self._sleep(wait)
            pending = [r for r in chunk if r.id in retry_ids]

    def _sub_request(self, r: BatchRequest, ids: set[str]) -> dict[str, Any]:
        d = r.to_json(ids)
        if classify(r.url, r.method).service == "outlook":  # the same ids as the requests sent on their own
            d["headers"] = self._outlook_headers(d.get("headers") or {})
        return d

    def relative(self, url: str, params: dict[str, Any] | None = None) -> str | None:
        """`url` (with `params` in its query) relative to the version root, as a batch request names it (None:
        not on this Graph endpoint)."""
        if not url.startswith("/"):
            if not url.startswith(self.base_url + "/"):
                return None
            url = url[len(self.base_url):]
        return url + ("&" if "?" in url else "?") + _query(params) if params else url

    # ------------------------------------------------------------------ downloads
    async def stream(self, url: str, *, headers: dict[str, str] | None = None, chunk_size: int = 1 << 16,
                     resource: Resource | None = None) -> AsyncIterator[bytes]:
        """Stream the bytes of `/…/content`, `/$value` or a pre-authenticated download URL. A 302 from Graph is
        followed to its Location without the bearer token."""
        full = self.url(url)
        res = resource or classify(url if url.startswith("/") else full)
        sem = self.throttle.semaphore(res)  # an Outlook body counts against the mailbox until fully read
        async with sem if sem is not None else contextlib.nullcontext():
            async for chunk in self._stream(full, res, headers, chunk_size, sem is not None):
                yield chunk

    async def _stream(self, full: str, res: Resource, headers: dict[str, str] | None, chunk_size: int,
                      held: bool) -> AsyncIterator[bytes]:
        resp = await self.request("GET", full, headers=headers, stream=True, resource=res, _slot_held=held)
        hops = 0
        try:
            while resp.status_code in (301, 302, 303, 307, 308):
                location = resp.headers.get("Location")
                await resp.aclose()
                if not location or hops >= 5:
                    raise GraphError("Download redirect without a usable Location.", status=resp.status_code,
                                     code="BadRedirect", url=full)
                hops += 1
                location = full = urljoin(full, location)
                resp = await self.request("GET", location, headers=headers, stream=True, resource=res,
                                          auth=False, _slot_held=held)
            async for chunk in resp.aiter_bytes(chunk_size):
                yield chunk
        finally:
            await resp.aclose()

    async def download(self, url: str, dest: IO[bytes], *, headers: dict[str, str] | None = None) -> int:
        """Copy a download into a binary file object; returns the byte count."""
        n = 0
        async for chunk in self.stream(url, headers=headers):
            dest.write(chunk)
            n += len(chunk)
        return n

    async def get_bytes(self, url: str, *, headers: dict[str, str] | None = None) -> bytes:
        parts = [c async for c in self.stream(url, headers=headers)]
        return b"".join(parts)

    # ------------------------------------------------------------------ uploads
    async def create_upload_session(self, url: str, item: dict[str, Any] | None = None,
                                    conflict_behavior: str = "replace") -> dict[str, Any]:
        """POST …/createUploadSession → {"uploadUrl", "expirationDateTime"}."""
        body = {"item": {"@microsoft.graph.conflictBehavior": conflict_behavior, **(item or {})}}
        return await self.post_json(url, body)

    async def upload_session(self, upload_url: str, data: bytes | IO[bytes], size: int | None = None, *,
                             chunk_size: int = DEFAULT_UPLOAD_CHUNK) -> dict[str, Any]:
        """PUT the content to an upload session in chunks (multiples of 320 KiB, < 60 MiB) without the bearer
        token, following nextExpectedRanges; returns the final driveItem (or message attachment)."""
        if chunk_size % UPLOAD_CHUNK_UNIT or chunk_size <= 0 or chunk_size >= 60 * 1024 * 1024:
            raise ValueError("chunk_size must be a positive multiple of 327,680 bytes below 60 MiB.")
        if isinstance(data, bytes | bytearray | memoryview):
            buf = bytes(data)
            size = len(buf) if size is None else size

            def read(off: int, n: int) -> bytes:
                return buf[off:off + n]
        else:
            if size is None:
                raise ValueError("size is required when uploading from a file object.")
            fobj = data

            def read(off: int, n: int) -> bytes:
                fobj.seek(off)
                return fobj.read(n)
        res = classify(upload_url, "PUT") if self._is_graph(upload_url) else Resource("sharepoint", "sharepoint", 2.0)
        offset = 0
        if size == 0:
            raise ValueError("Upload sessions need at least one byte; use a simple PUT for empty files.")
        while True:
            chunk = read(offset, min(chunk_size, size - offset))
            end = offset + len(chunk) - 1
            resp = await self.request("PUT", upload_url, content=chunk, auth=False, resource=res,
                                      headers={"Content-Range": f"bytes {offset}-{end}/{size}",
                                               "Content-Length": str(len(chunk))},
                                      allow_status=(416,))
            if resp.status_code in (200, 201):
                return _json_or_none(resp) or {}
            if resp.status_code == 416:  # overlapping fragment: ask where to continue
                status = await self.request("GET", upload_url, auth=False, resource=res)
                ranges = (_json_or_none(status) or {}).get("nextExpectedRanges") or []
            else:
                ranges = (_json_or_none(resp) or {}).get("nextExpectedRanges") or []
            if not ranges:
                offset = end + 1
            else:
                offset = int(str(ranges[0]).split("-", 1)[0])
            if offset >= size:
                raise GraphError("The upload session did not complete after the last byte.", code="UploadIncomplete",
                                 url=_redact_url(upload_url))

    async def upload_large(self, create_session_url: str, data: bytes | IO[bytes], size: int | None = None, *,
                           conflict_behavior: str = "replace", chunk_size: int = DEFAULT_UPLOAD_CHUNK) -> dict[str, Any]:
        sess = await self.create_upload_session(create_session_url, conflict_behavior=conflict_behavior)
        try:
            return await self.upload_session(sess["uploadUrl"], data, size, chunk_size=chunk_size)
        except BaseException:
            with contextlib.suppress(Exception):
                await self.request("DELETE", sess["uploadUrl"], auth=False, allow_status=(404,))
            raise


def _json_or_none(resp: Any) -> Any:
    content = resp.content
    if not content:
        return None
    try:
        data = _loads(content)
    except ValueError:
        try:
            data = resp.json()  # another encoding than UTF-8 (httpx decodes by the charset), or not JSON at all
        except ValueError:
            return None
    if b"\\ud" in resp.content or b"\\uD" in resp.content:  # escaped surrogates, possibly unpaired
        data = _valid_unicode(data)
    return data


def _json_loads() -> Any:
    """orjson's decoder when installed (delta pages are most of what a backup parses; it is several times faster),
    else the standard library's. Both raise ValueError subclasses on bad input."""
    try:
        import orjson

        return orjson.loads
    except ImportError:  # pragma: no cover - orjson is a dependency; kept for trimmed installs
        import json

        return json.loads


_loads = _json_loads()


def _valid_unicode(value: Any) -> Any:
    """Unpaired UTF-16 surrogates (invalid names from the service) become U+FFFD so every string can be stored
    as UTF-8; valid text is returned unchanged."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
            return value
        except UnicodeEncodeError:
            return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    if isinstance(value, list):
        return [_valid_unicode(v) for v in value]
    if isinstance(value, dict):
        return {_valid_unicode(k): _valid_unicode(v) for k, v in value.items()}
    return value


def _batch_chunks(requests: list[BatchRequest]) -> list[list[BatchRequest]]:
    """Group requests so that each dependsOn chain stays within one batch of ≤ 20, preserving order."""
    by_id = {r.id: r for r in requests}
    parent = {r.id: r.id for r in requests}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in requests:
        for d in r.depends_on:
            if d not in by_id:
                raise ValueError(f"Batch request {r.id} depends on unknown id {d}.")
            parent[find(r.id)] = find(d)
    groups: dict[str, list[BatchRequest]] = {}
    for r in requests:
        groups.setdefault(find(r.id), []).append(r)
    chunks: list[list[BatchRequest]] = []
    current: list[BatchRequest] = []
    for g in groups.values():
        if len(g) > BATCH_MAX:
            raise ValueError(f"A dependsOn chain of {len(g)} requests does not fit in one batch of {BATCH_MAX}.")
        if len(current) + len(g) > BATCH_MAX:
            chunks.append(current)
            current = []
        current.extend(g)
    if current:
        chunks.append(current)
    return chunks


async def gather_limited(coros: Iterable[Any], limit: int = 16) -> list[Any]:
    """Run coroutines with at most `limit` in flight; results in order (exceptions returned, not raised)."""
    sem = asyncio.Semaphore(limit)

    async def one(c: Any) -> Any:
        async with sem:
            try:
                return await c
            except Exception as exc:  # noqa: BLE001 - returned to the caller
                return exc

    return await asyncio.gather(*(one(c) for c in coros))


def monotonic() -> float:
    return time.monotonic()


__all__ += ["gather_limited", "DeltaResyncRequired"]
