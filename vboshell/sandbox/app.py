"""The sandbox's ASGI application: routing, Graph error bodies, auth, permissions, throttling, faults and counters.
Service handlers live in routes_*.py; each is a sync function run under the tenant lock and returns a Resp."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import re
import secrets
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from vboshell.sandbox.identity import Identity
from vboshell.sandbox.limits import Counters, Faults, Throttle
from vboshell.sandbox.model import SandboxError, Tenant

JSON_CT = "application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8"


class Resp:
    __slots__ = ("status", "body", "headers", "ctype")

    def __init__(self, status: int = 200, body: Any = None, headers: dict[str, str] | None = None,
                 ctype: str | None = None) -> None:
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.ctype = ctype


class GraphError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None,
                 inner_code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.inner_code = inner_code


@dataclass
class Route:
    method: str
    pattern: str
    handler: Callable[..., Resp]
    svc: str  # dir | mail | files | sites | teams | reports | org | batch
    roles: tuple[str, ...] = ()  # any of these application permissions
    cost: int = 1  # SharePoint resource units
    name: str = ""
    regex: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        rx = re.sub(r"\{(\w+)\*\}", r"(?P<\1>.+)", re.escape(self.pattern).replace(r"\{", "{").replace(r"\}", "}"))
        rx = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", rx)
        self.regex = re.compile("^" + rx + "$")
        self.name = self.name or f"{self.method} {self.pattern}"


# the application (client id) of the Graph request being handled: pre-authenticated download URLs minted while
# handling it carry it, so their downloads are charged to that application's SharePoint budget as on the service
REQUEST_APP: ContextVar[str] = ContextVar("REQUEST_APP", default="download")


class Ctx:
    """One Graph request as a handler sees it."""

    def __init__(self, app: SandboxApp, method: str, path: str, query: dict[str, str], headers: dict[str, str],
                 body: bytes, claims: dict[str, Any] | None) -> None:
        self.app = app
        self.t: Tenant = app.tenant
        self.method = method
        self.path = path  # without the /v1.0 prefix
        self.query = query
        self.headers = headers
        self.body = body
        self.claims = claims or {}
        self.base = app.base_url
        self.version = "v1.0"
        self.extra: dict[str, Any] = {}

    @property
    def graph(self) -> str:
        return f"{self.base}/{self.version}"

    def q(self, name: str, default: str | None = None) -> str | None:
        v = self.query.get(name)
        if v is None:
            v = self.query.get(name.lstrip("$"))
        return default if v is None else v

    def json_body(self) -> Any:
        try:
            return json.loads(self.body or b"{}")
        except ValueError as e:
            raise GraphError(400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type "
                                                "header is set and payload is of valid JSON format.") from e

    @property
    def client_id(self) -> str:
        return str(self.claims.get("appid", ""))

    def select(self) -> set[str] | None:
        s = self.q("$select")
        return {x.strip() for x in s.split(",") if x.strip()} if s else None

    def max_page(self, default: int, maximum: int = 1000) -> int:
        top = self.q("$top")
        pref = self.headers.get("prefer", "")
        m = re.search(r"odata\.maxpagesize=(\d+)", pref)
        n = default
        if m:
            n = int(m.group(1))
        if top is not None:
            try:
                n = int(top)
            except ValueError as e:
                raise GraphError(400, "BadRequest", f"Invalid value '{top}' for $top query option found.") from e
        if n < 1:
            raise GraphError(400, "BadRequest", "Invalid page size")
        return min(n, maximum)

    def link(self, path: str, params: dict[str, str]) -> str:
        qs = urlencode(params, safe="$',():", quote_via=quote)
        return f"{self.graph}{path}" + (f"?{qs}" if qs else "")


def pack_token(d: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(d, separators=(",", ":")).encode()).decode().rstrip("=")


def unpack_token(s: str) -> dict[str, Any]:
    try:
        return json.loads(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))
    except Exception as e:
        raise GraphError(400, "BadRequest", "Invalid skip/delta token") from e


def now_iso_inner() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")


def apply_select(d: dict[str, Any], sel: set[str] | None) -> dict[str, Any]:
    if not sel:
        return d
    return {k: v for k, v in d.items() if k in sel or k == "id" or k.startswith("@")}


class SandboxApp:
    """The ASGI callable. `base_url` is set by the server once the port is known."""

    def __init__(self, tenant: Tenant, identity: Identity) -> None:
        self.tenant = tenant
        self.identity = identity
        self.base_url = "https://127.0.0.1"
        self.routes: list[Route] = []
        self.counters = Counters()
        self.throttle = Throttle()
        self.faults = Faults()
        self.secret = secrets.token_bytes(32)
        self.upload_sessions: dict[str, dict[str, Any]] = {}
        self.rest_disabled: set[str] = set()  # user ids answered MailboxNotEnabledForRESTAPI
        self.quota_exceeded: set[str] = set()  # user ids whose delta queries answer 403 ErrorQuotaExceeded
        self.protected_unapproved: set[str] = set()  # client ids without Teams protected-API approval
        self.admin_token = secrets.token_urlsafe(24)
        from vboshell.sandbox import (
            routes_directory,
            routes_files,
            routes_mail,
            routes_misc,
            routes_sites,
            routes_teams,
        )
        for mod in (routes_mail, routes_files, routes_directory, routes_sites, routes_teams, routes_misc):
            mod.register(self)
        # literal segments win over parameters ("/events/delta" before "/events/{id}")
        self.routes.sort(key=lambda r: (r.pattern.count("{"), "*}" in r.pattern))
        self._index: dict[tuple[str, str], list[Route]] = {}
        for r in self.routes:
            first = r.pattern.split("/")[1]
            self._index.setdefault((r.method, first), []).append(r)
        from vboshell.sandbox import admin
        self.admin = admin.Admin(self)

    def route(self, method: str, pattern: str, svc: str, roles: tuple[str, ...] = (), cost: int = 1,
              name: str = "") -> Callable[[Callable[..., Resp]], Callable[..., Resp]]:
        def deco(fn: Callable[..., Resp]) -> Callable[..., Resp]:
            for m in method.split("|"):
                self.routes.append(Route(m, pattern, fn, svc, roles, cost, name))
            return fn
        return deco

    # --- signed pre-authenticated URLs (downloads, reports) ---
    def sign(self, payload: dict[str, Any]) -> str:
        raw = json.dumps(payload, separators=(",", ":")).encode()
        mac = hmac.new(self.secret, raw, hashlib.sha256).digest()[:16]
        return base64.urlsafe_b64encode(raw + mac).decode().rstrip("=")

    def unsign(self, token: str) -> dict[str, Any] | None:
        try:
            data = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except Exception:
            return None
        raw, mac = data[:-16], data[-16:]
        if not hmac.compare_digest(mac, hmac.new(self.secret, raw, hashlib.sha256).digest()[:16]):
            return None
        try:
            p = json.loads(raw)
        except ValueError:
            return None
        if p.get("exp", 1e18) < time.time():
            return None
        return p

    # ------------------------------------------------------------------------------------------------ ASGI
    async def __call__(self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] == "lifespan":
            while True:
                msg = await receive()
                if msg["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif msg["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        method = scope["method"]
        path = scope["path"]
        body = b""
        if method in ("POST", "PUT", "PATCH"):
            chunks = []
            more = True
            while more:
                msg = await receive()
                chunks.append(msg.get("body", b""))
                more = msg.get("more_body", False)
            body = b"".join(chunks)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        qs = scope.get("query_string", b"").decode("latin-1")
        try:
            resp = await self.handle(method, path, qs, headers, body, receive)
        except _Reset:
            return
        if resp is None:
            return
        await self._send(send, resp, headers)

    async def _send(self, send: Callable[..., Any], resp: Resp, req_headers: dict[str, str]) -> None:
        body = resp.body
        ctype = resp.ctype
        if isinstance(body, dict | list):
            body = json.dumps(body, separators=(",", ":")).encode()
            ctype = ctype or JSON_CT
        elif body is None:
            body = b""
        elif isinstance(body, str):
            body = body.encode()
        hdrs = [(b"content-length", str(len(body)).encode())]
        if ctype:
            hdrs.append((b"content-type", ctype.encode()))
        for k, v in resp.headers.items():
            hdrs.append((k.lower().encode(), str(v).encode("latin-1", "replace")))
        with self.counters.lock:
            self.counters.bytes_out += len(body)
            self.counters.per_status[resp.status] += 1
        await send({"type": "http.response.start", "status": resp.status, "headers": hdrs})
        await send({"type": "http.response.body", "body": body})

    def error(self, status: int, code: str, message: str, headers: dict[str, str] | None = None,
              req_headers: dict[str, str] | None = None, inner_code: str | None = None) -> Resp:
        rid = str(uuid.uuid4())
        crid = (req_headers or {}).get("client-request-id", rid)
        inner: dict[str, Any] = {"date": now_iso_inner(), "request-id": rid, "client-request-id": crid}
        if inner_code:
            inner["code"] = inner_code
        h = {"request-id": rid, "client-request-id": crid,
             "x-ms-ags-diagnostic": '{"ServerInfo":{"DataCenter":"Sandbox","Slice":"E","Ring":"5","ScaleUnit":"000"}}',
             "cache-control": "no-cache", "strict-transport-security": "max-age=31536000"}
        h.update(headers or {})
        return Resp(status, {"error": {"code": code, "message": message, "innerError": inner}}, h)

    async def handle(self, method: str, path: str, qs: str, headers: dict[str, str], body: bytes,
                     receive: Callable[..., Any] | None = None) -> Resp | None:
        with self.counters.lock:
            self.counters.bytes_in += len(body)
        if path.startswith("/v1.0/") or path.startswith("/beta/") or path in ("/v1.0", "/beta"):
            return await self.graph_request(method, path, qs, headers, body, receive)
        if path.startswith("/_download/") or path.startswith("/_upload/") or path.startswith("/_reports/"):
            from vboshell.sandbox import routes_files
            f = self.faults
            if f.config.include_downloads and f.applies(path):
                r = await self._fault(path, headers, receive, svc="files")
                if r is not None:
                    return r
            with self.counters.lock:
                self.counters.requests += 1
                key = path.split("/")[1]
                self.counters.per_endpoint[f"{method} /{key}"] += 1
            return routes_files.preauth(self, method, path, qs, headers, body)
        if path.startswith("/_sandbox/"):
            return self.admin.handle(method, path, qs, headers, body)
        return self.identity_request(method, path, qs, headers, body)

    # ------------------------------------------------------------------------------------------------ identity
    def identity_request(self, method: str, path: str, qs: str, headers: dict[str, str], body: bytes) -> Resp:
        parts = [p for p in path.split("/") if p]
        from vboshell.sandbox.identity import aadsts_error
        if len(parts) >= 2 and parts[1:] == ["v2.0", ".well-known", "openid-configuration"] and method == "GET":
            if not self.identity.is_tenant(parts[0]):
                st, b = aadsts_error(90002, tenant=parts[0])
                b["error"] = "invalid_tenant"
                return Resp(400, b)
            return Resp(200, self.identity.openid_configuration(self.base_url, parts[0]), ctype="application/json; charset=utf-8")
        if len(parts) == 4 and parts[1:] == ["oauth2", "v2.0", "token"] and method == "POST":
            with self.counters.lock:
                self.counters.token_requests += 1
            f = self.faults
            if f.config.identity_error_rate and f.hit(f.config.identity_error_rate):
                self._count_fault("identity_429")
                st, b = aadsts_error(50196)
                return Resp(st, b, {"Retry-After": str(f.config.retry_after_s)}, ctype="application/json; charset=utf-8")
            form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
            auth = headers.get("authorization", "")
            if auth.lower().startswith("basic ") and "client_secret" not in form:
                try:
                    cid, _, sec = base64.b64decode(auth[6:]).decode().partition(":")
                    form.setdefault("client_id", cid)
                    form["client_secret"] = sec
                except Exception:
                    pass
            with self.tenant.lock:
                st, b = self.identity.token(parts[0], form, f"{self.base_url}{path}")
            return Resp(st, b, {"cache-control": "no-store, no-cache", "pragma": "no-cache"},
                        ctype="application/json; charset=utf-8")
        if len(parts) == 4 and parts[1:] == ["discovery", "v2.0", "keys"]:
            return Resp(200, self.identity.jwks(), ctype="application/json; charset=utf-8")
        if parts[:3] == ["common", "discovery", "instance"]:
            return Resp(200, {"tenant_discovery_endpoint": f"{self.base_url}/common/v2.0/.well-known/openid-configuration",
                              "api-version": "1.1", "metadata": []})
        return Resp(404, {"error": "not_found", "error_description": f"AADSTS90019: No route for {path}."})

    # ------------------------------------------------------------------------------------------------ graph
    async def _fault(self, path: str, headers: dict[str, str], receive: Callable[..., Any] | None,
                     svc: str = "") -> Resp | None:
        f = self.faults
        if svc == "files":  # pre-authenticated URLs have no later service-time step
            lat = f.latency()
            if lat > 0:
                await asyncio.sleep(lat)
        if f.hit(f.config.reset_rate):
            self._count_fault("reset")
            tr = _transport_of(receive)
            if tr is not None:
                tr.abort()
                raise _Reset()
            raise _Reset()
        if f.hit(f.config.error_rate):
            status = f.random.choice(f.config.error_statuses or [503])
            self._count_fault(f"status_{status}")
            code, msg = {429: ("TooManyRequests", "Too many requests."), 500: ("UnknownError", "An internal server error occurred."),
                         502: ("BadGateway", "Bad gateway."), 503: ("serviceNotAvailable", "Service unavailable."),
                         504: ("GatewayTimeout", "Gateway timeout."), 507: ("insufficientStorage", "Insufficient storage."),
                         509: ("bandwidthLimitExceeded", "Bandwidth limit exceeded.")}.get(status, ("UnknownError", "Error."))
            h = {"Retry-After": str(f.config.retry_after_s)} if status in (429, 503) else {}
            return self.error(status, code, msg, h, headers)
        return None

    def _count_fault(self, kind: str) -> None:
        with self.counters.lock:
            self.counters.faults += 1
            self.counters.faults_by_kind[kind] += 1

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        first = path.split("/", 2)[1] if path.count("/") else ""
        for r in self._index.get((method, first), ()):
            if r.method != method:
                continue
            m = r.regex.match(path)
            if m:
                return r, m.groupdict()
        return None

    async def graph_request(self, method: str, path: str, qs: str, headers: dict[str, str], body: bytes,
                            receive: Callable[..., Any] | None = None, inner: bool = False) -> Resp | None:
        version, _, rest = path.lstrip("/").partition("/")
        rest = "/" + rest
        with self.counters.lock:
            self.counters.requests += 1
        f = self.faults
        if f.config.any_active() and f.applies(path) and not (inner and f.config.reset_rate):
            r = await self._fault(path, headers, receive)
            if r is not None:
                return r
        # authentication
        auth = headers.get("authorization", "")
        if not auth.lower().startswith("bearer ") or not auth[7:].strip():
            self._count_endpoint(method, rest, None)
            return self.error(401, "InvalidAuthenticationToken", "Access token is empty.",
                              {"WWW-Authenticate": 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/'
                                                   'common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"'},
                              headers)
        claims = self.identity.validate(auth[7:].strip())
        if claims is None or (f.config.token_expiry_rate and f.hit(f.config.token_expiry_rate)):
            if claims is not None:
                self._count_fault("token_expired")
            self._count_endpoint(method, rest, None)
            return self.error(401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.",
                              {"WWW-Authenticate": 'Bearer realm="", error="invalid_token", '
                                                   'error_description="The access token has expired"'}, headers)
        query = dict(parse_qsl(qs, keep_blank_values=True))
        ctx = Ctx(self, method, rest, query, headers, body, claims)
        REQUEST_APP.set(ctx.client_id)
        ctx.version = version
        try:
            with self.tenant.lock:
                rp = self.rewrite(ctx, rest)
            found = self.match(method, rp)
            if found is None:
                self._count_endpoint(method, rp, None)
                known = any(r.regex.match(rp) for r in self.routes)
                if known:
                    return self.error(405, "Request_BadRequest", f"Method {method} is not allowed for this resource.",
                                      None, headers)
                return self.error(400, "BadRequest", f"Resource not found for the segment '{rp.strip('/').split('/')[-1]}'.",
                                  None, headers)
            route, params = found
            self._count_endpoint(method, rp, route)
            if route.roles and not (claims["_roles"] & set(route.roles)):
                return self._denied(route, headers)
            if route.svc == "teams" and "/messages" in rp and ctx.client_id in self.protected_unapproved \
                    and method == "GET":
                return self.error(403, "Forbidden", "Invoked API requires Protected API access in application-only "
                                  "context when not using Resource Specific Consent. Visit "
                                  "https://docs.microsoft.com/en-us/graph/teams-protected-apis for more details.",
                                  None, headers)
            # throttling
            mbx = None
            if route.svc == "mail" and "uid" in params:
                with self.tenant.lock:
                    try:
                        u = self.tenant.user(params["uid"])
                        mbx = u.id
                    except SandboxError:
                        mbx = params["uid"]
                    if mbx in self.rest_disabled:
                        return self.error(404, "MailboxNotEnabledForRESTAPI", "REST API is not yet supported for this mailbox.",
                                          None, headers)
                    if mbx in self.quota_exceeded and rp.endswith("/delta"):
                        return self.error(403, "ErrorQuotaExceeded", "The process failed to get the correct properties.",
                                          None, headers)
                with self.counters.lock:
                    self.counters.per_mailbox[mbx] += 1
                th = self.throttle.outlook_enter(ctx.client_id, mbx)
                if th is not None:
                    return self._throttled(th, headers, 429)
                if method in ("POST", "PUT", "PATCH") and body:
                    th = self.throttle.outlook_upload(ctx.client_id, mbx, len(body))
                    if th is not None:
                        self.throttle.outlook_exit(ctx.client_id, mbx)
                        return self._throttled(th, headers, 429)
            elif route.svc in ("files", "sites"):
                cost = route.cost
                if route.cost == 2 and "delta" in rp and (ctx.q("token") or ctx.q("$deltatoken") or ctx.q("$skiptoken")):
                    cost = 1
                with self.counters.lock:
                    self.counters.spo_units += cost
                th = self.throttle.spo_charge(ctx.client_id, cost)
                if th is not None:
                    return self._throttled(th, headers, self.throttle.config.spo_status)
            try:
                lat = f.latency() if route.svc != "batch" else 0.0
                if lat > 0:  # service time, while the request holds its concurrency slot
                    await asyncio.sleep(lat)
                if route.svc == "batch":
                    resp = await route.handler(ctx)
                else:
                    with self.tenant.lock:
                        resp = route.handler(ctx, **params)
            finally:
                if mbx is not None:
                    self.throttle.outlook_exit(ctx.client_id, mbx)
        except GraphError as e:
            return self.error(e.status, e.code, e.message, e.headers, headers, e.inner_code)
        except SandboxError as e:
            return self.error(e.status, e.code, e.message, None, headers)
        except Exception:  # a sandbox bug: answer like Graph does, keep the traceback for the log
            logging.getLogger("vboshell.sandbox").exception("sandbox handler failed: %s %s", method, path)
            with self.counters.lock:
                self.counters.per_status[-1] += 1
            return self.error(500, "UnknownError", "An internal server error occurred in the sandbox.", None, headers)
        if route.svc in ("files", "sites") and self.throttle.config.enabled:
            from vboshell.sandbox.limits import spo_usage
            used, limit, reset = spo_usage(self.throttle, ctx.client_id)
            if used >= 0.8 * limit:  # SharePoint's RateLimit headers appear near the limit
                resp.headers.update({"RateLimit-Limit": str(limit), "RateLimit-Remaining": str(max(0, limit - used)),
                                     "RateLimit-Reset": str(reset)})
        rid = str(uuid.uuid4())
        resp.headers.setdefault("request-id", rid)
        resp.headers.setdefault("client-request-id", headers.get("client-request-id", rid))
        if f.config.any_active() and isinstance(resp.body, dict | bytes) and f.applies(path):
            resp = self._malform(resp, rp)
        return resp

    def _count_endpoint(self, method: str, path: str, route: Route | None) -> None:
        key = route.name if route else f"{method} (unmatched)"
        with self.counters.lock:
            self.counters.per_endpoint[key] += 1

    def _denied(self, route: Route, headers: dict[str, str]) -> Resp:
        if route.svc in ("dir", "org"):
            return self.error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.",
                              None, headers)
        if route.svc == "mail":
            return self.error(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.", None, headers)
        if route.svc in ("files", "sites"):
            return self.error(403, "accessDenied", "Either scp or roles claim need to be present in the token.", None, headers)
        return self.error(403, "Forbidden", "Missing role permissions on the request. API requires one of '"
                          + ", ".join(route.roles) + "'.", None, headers)

    def _throttled(self, th: tuple[int, str, str], headers: dict[str, str], status: int) -> Resp:
        retry, code, msg = th
        with self.counters.lock:
            self.counters.throttled += 1
        if status == 503:
            code = "serviceNotAvailable"
        return self.error(status, code, msg, {"Retry-After": str(retry)}, headers)

    def rewrite(self, ctx: Ctx, path: str) -> str:
        """Alias paths onto canonical ones: /users/{u}/drive/..., /sites/{host}:/{path}, /drives/{d}/root:/{p}:/..."""
        from vboshell.sandbox import routes_files
        return routes_files.rewrite(self, ctx, path)

    def _malform(self, resp: Resp, path: str) -> Resp:
        f = self.faults
        c = f.config
        if isinstance(resp.body, bytes):
            if path.endswith("/$value") and f.hit(c.truncated_mime_rate):
                self._count_fault("truncated_mime")
                resp.body = resp.body[: max(1, len(resp.body) // 2)]
            return resp
        body = resp.body
        items = body.get("value") if isinstance(body.get("value"), list) else [body]
        for it in items:
            if not isinstance(it, dict) or "@removed" in it or "deleted" in it:
                continue
            if f.hit(c.missing_fields_rate):
                keys = [k for k in it if not k.startswith("@") and k != "id"]
                if keys:
                    self._count_fault("missing_field")
                    it.pop(f.random.choice(keys))
            if f.hit(c.wrong_types_rate):
                keys = [k for k in it if not k.startswith("@") and k != "id"]
                if keys:
                    k = f.random.choice(keys)
                    self._count_fault("wrong_type")
                    v = it[k]
                    it[k] = 12345 if isinstance(v, str) else ("not-a-" + type(v).__name__ if not isinstance(v, int) or
                                                              isinstance(v, bool) else str(v) + "x")
            if f.hit(c.invalid_utf8_names_rate):
                for k in ("name", "subject", "displayName"):
                    if isinstance(it.get(k), str):
                        self._count_fault("invalid_utf8_name")
                        it[k] = it[k] + "\udcff\udc80"
                        break
        return resp


class _Reset(Exception):
    pass


def _transport_of(receive: Callable[..., Any] | None) -> Any:
    cycle = getattr(receive, "__self__", None)
    return getattr(cycle, "transport", None)
