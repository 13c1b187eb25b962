"""httpx plumbing shared by msal and the Graph client: TLS context (CA bundle), proxy, User-Agent,
and MsalHttpClient, the requests-like adapter msal expects, so one transport config applies to both."""

from __future__ import annotations

import os
import ssl
import threading
import uuid
from typing import Any

from vboshell import __version__

__all__ = ["USER_AGENT", "ssl_context", "MsalHttpClient", "new_request_id", "proxy_from_env"]

USER_AGENT = f"ISV|vboshell|{__version__}"
_ctx_cache: dict[str | None, ssl.SSLContext] = {}
_ctx_lock = threading.Lock()


def new_request_id() -> str:
    return str(uuid.uuid4())


def ssl_context(ca_bundle: str | None = None) -> ssl.SSLContext:
    """A verifying TLS context: the system store, plus `ca_bundle` (a PEM file or directory) when given.
    Environment variables such as REQUESTS_CA_BUNDLE are deliberately not consulted (graph-wire.md §2 E)."""
    with _ctx_lock:
        ctx = _ctx_cache.get(ca_bundle)
        if ctx is None:
            ctx = ssl.create_default_context()
            if ca_bundle:
                if os.path.isdir(ca_bundle):
                    ctx.load_verify_locations(capath=ca_bundle)
                else:
                    ctx.load_verify_locations(cafile=ca_bundle)
            _ctx_cache[ca_bundle] = ctx
        return ctx


def proxy_from_env(url: str) -> str | None:
    """HTTPS_PROXY/https_proxy unless NO_PROXY covers the host (loopback is never proxied)."""
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or ""
    if host in ("127.0.0.1", "localhost", "::1"):
        return None
    no_proxy = os.environ.get("NO_PROXY") or os.environ.get("no_proxy") or ""
    for entry in (e.strip().lstrip(".") for e in no_proxy.split(",") if e.strip()):
        if entry == "*" or host == entry or host.endswith("." + entry):
            return None
    return os.environ.get("HTTPS_PROXY") or os.environ.get("https_proxy") or None


class _Response:
    """The slice of a requests.Response msal reads: status_code, text, headers, json(), raise_for_status()."""

    def __init__(self, resp: Any) -> None:
        self._resp = resp
        self.status_code: int = resp.status_code
        self.text: str = resp.text
        self.headers = resp.headers
        self.url = str(resp.url)

    def json(self) -> Any:
        return self._resp.json()

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            from vboshell.graph.errors import parse_graph_error  # noqa: PLC0415

            try:
                body = self._resp.json()
            except ValueError:
                body = None
            err = _identity_error(self.status_code, body, self.headers) or parse_graph_error(
                self.status_code, body, self.headers, "GET", self.url, self.text)
            raise err


def _identity_error(status: int, body: Any, headers: Any) -> Any:
    if isinstance(body, dict) and "error" in body and not isinstance(body["error"], dict):
        from vboshell.graph.errors import AuthenticationError  # noqa: PLC0415

        return identity_error_from_body(status, body, AuthenticationError)
    return None


def identity_error_from_body(status: int, body: dict[str, Any], cls: Any) -> Any:
    desc = str(body.get("error_description") or body.get("error") or "Authentication failed.")
    first = desc.splitlines()[0].strip() if desc else ""
    codes = body.get("error_codes") or []
    aadsts = str(codes[0]) if codes else ""
    if not aadsts and first.startswith("AADSTS"):
        aadsts = first[6:].split(":", 1)[0]
    return cls(first or desc, aadsts=aadsts, error=str(body.get("error") or ""), status=status,
               trace_id=str(body.get("trace_id") or ""), correlation_id=str(body.get("correlation_id") or ""))


class MsalHttpClient:
    """msal's `http_client`: .get/.post(url, params=, data=, headers=, timeout=) over one pooled httpx.Client.
    Records the last identity-platform error body (msal turns some into bare ValueErrors)."""

    def __init__(self, ca_bundle: str | None = None, proxy: str | None = None, timeout: float = 30.0,
                 transport: Any = None) -> None:
        import httpx

        self._client = httpx.Client(
            verify=ssl_context(ca_bundle), proxy=proxy, timeout=timeout, trust_env=False,
            headers={"User-Agent": USER_AGENT}, follow_redirects=False, transport=transport,
        )
        self.last_error: dict[str, Any] | None = None
        self.requests = 0

    def _wrap(self, resp: Any) -> _Response:
        self.requests += 1
        if resp.status_code >= 400:
            try:
                body = resp.json()
            except ValueError:
                body = {"error": "http_error", "error_description": resp.text[:300]}
            self.last_error = {"status": resp.status_code, "body": body, "headers": dict(resp.headers)}
        return _Response(resp)

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        h = dict(headers or {})
        h.setdefault("client-request-id", new_request_id())
        return h

    def get(self, url: str, params: Any = None, headers: dict[str, str] | None = None, timeout: Any = None,
            **kwargs: Any) -> _Response:
        kw = {"timeout": timeout} if timeout is not None else {}
        return self._wrap(self._client.get(url, params=params, headers=self._headers(headers), **kw))

    def post(self, url: str, params: Any = None, data: Any = None, headers: dict[str, str] | None = None,
             timeout: Any = None, **kwargs: Any) -> _Response:
        kw: dict[str, Any] = {"timeout": timeout} if timeout is not None else {}
        if isinstance(data, dict):
            # msal passes the client assertion as bytes; requests form-encodes bytes as text, httpx would not.
            kw["data"] = {k: (v.decode("utf-8") if isinstance(v, bytes) else v) for k, v in data.items()}
        elif data is not None:
            kw["content"] = data
        if "json" in kwargs and kwargs["json"] is not None:
            kw["json"] = kwargs["json"]
        return self._wrap(self._client.post(url, params=params, headers=self._headers(headers), **kw))

    def close(self) -> None:
        self._client.close()
