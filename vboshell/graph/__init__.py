"""Microsoft Graph engine for API-only mode: clouds, app-only auth (msal over httpx), and a throttling-aware client.
Imports are lazy (msal/httpx load on first use) so the shell starts fast.

Quick start (synchronous, e.g. from a cmdlet or a worker thread)::

    from vboshell.graph import AppConnection, SyncGraphClient, get_cloud
    conn = AppConnection.create(tenant, app_id, get_cloud("Worldwide"), secret="…")   # secrets protected at once
    g = SyncGraphClient(conn)                        # or SyncGraphClient(conn, policy=ThrottlePolicy(...))
    org = g.get_json("/organization")["value"][0]
    for user in g.paged("/users", params={"$select": "id,userPrincipalName", "$top": 999}): ...
    g.close()

Asynchronous (collectors): ``GraphClient`` has the same methods as coroutines / async iterators and belongs to
one event loop. ``SyncGraphClient(client=GraphClient(...))`` wraps one running on the shared background loop
(``vboshell.graph.sync.loop()``), and ``g.aio`` gives the async client back; ``sync.run(coro)`` runs any
coroutine there, ``g.gather(*coros)`` runs several concurrently.

Connection (vboshell.graph.auth)
    AppConnection(tenant, client_id, cloud, secret=<protected>, certificate_path, certificate_password=<protected>,
                  certificate_thumbprint, proxy)   frozen; `.create(...)` takes clear text and protects it;
                  `.to_mapping()` / `.from_mapping()` give the catalogue a JSON-safe dict (secrets stay protected).
    get_cloud(region, authority_host, graph_endpoint, ca_bundle) -> Cloud   Worldwide | USGovGCCHigh | USGovDoD |
                  China | Custom (explicit https endpoints + CA bundle; msal instance discovery is off only there).
    TokenProvider(conn).token(force_refresh=False) -> AccessToken(value, expires_at, claims, .roles)
                  in-memory cache, refreshed 5 min before expiry, msal error cache cleared after failures.
    load_certificate(path, password) / find_certificate_by_thumbprint(thumb) in VBOSHELL_HOME/certificates.

Requests (vboshell.graph.client.GraphClient; SyncGraphClient mirrors it without async)
    request(method, url, params=, headers=, json=, content=, auth=True, resource=, stream=, allow_status=())
                  -> httpx.Response. `url` is relative to /v1.0 (or absolute). Bearer token only to the Graph host.
                  Outlook requests get `Prefer: IdType="ImmutableId"` added (merged with any Prefer you pass;
                  set client.immutable_ids = False to opt out).
    get_json(url, params=, headers=) / post_json(url, body) / send_json(method, url, body)
    pages(url, params=) -> lists of items per page; paged(url, params=, limit=) -> items (follows @odata.nextLink)
    delta(url_or_deltaLink, params=, headers=) -> DeltaRound: iterate items, then `.delta_link`.
                  Expired tokens raise DeltaResyncRequired (410 SyncStateNotFound / resyncRequired...; `.location`
                  is Graph's restart URL when given): drop the token, run a full round, reconcile by id.
    batch([BatchRequest(id, method, url, headers, body, depends_on)]) -> {id: BatchResponse(status, headers, body)}
                  ≤ 20 per POST /$batch, dependsOn chains kept together, throttled items (and their 424
                  dependants) re-sent after Retry-After. BatchResponse.json() raises the item's GraphError.
    stream(url) -> bytes chunks; download(url, fileobj) -> int; get_bytes(url). A 302 from Graph is followed
                  to the pre-authenticated Location *without* the bearer token. An Outlook body ($value) holds
                  one of the mailbox's 4 concurrency slots until it is fully read (close abandoned streams).
    create_upload_session(url, item, conflict_behavior) / upload_session(upload_url, data, size, chunk_size) /
    upload_large(create_session_url, data, size): chunks are multiples of 320 KiB, PUT without Authorization.

Throttling (vboshell.graph.throttle)
    ThrottlePolicy: per-mailbox token bucket (≈9,600 / 10 min < Outlook's 10,000) and concurrency ≤ 4,
    SharePoint resource-unit bucket, directory bucket, bounded attempts (6), exponential backoff with jitter
    for 5xx and connection errors. 429/503/504 honour Retry-After and pause every request to that resource
    (the mailbox for Outlook, the whole service for SharePoint/directory/Teams) — ApplicationThrottled pauses all.
    SharePoint's RateLimit-* headers (under 10 % left) pause the service until RateLimit-Reset, before any 429.
    `policy.scaled(k)` multiplies rates (accelerated emulators). client.stats: requests, responses by status,
    throttled, retries, failures, waited. Proxies: AppConnection.proxy, else HTTPS_PROXY/NO_PROXY (never loopback).

Shared clients (vboshell.graph.sync)
    client_for(connection, **kw) -> the process-wide SyncGraphClient of an app+tenant (one token cache, pool and
    throttle state); forget_client(connection) after settings change; close_all() at shutdown / in tests (open
    keep-alive connections otherwise delay a server's graceful stop). VBOOrganization.graph(service) uses it.

Tenant discovery (vboshell.graph.directory) — what the organization cmdlets use, reusable by collectors
    tenant_info(g) -> TenantInfo(tenant_id, display_name, initial_domain, default_domain, roles)
    DIRECTORY_PERMISSIONS / SERVICE_PERMISSIONS[Exchange|SharePoint|Teams|TeamsChats|Reports] and
    missing_permissions(roles, required) -> first-choice names of unmet requirements
    list_users(g, filter=) (pages), resolve_mailbox_types(g, ids) -> {id: User|SharedMailbox|RoomMailbox|
    EquipmentMailbox|None} via mailboxSettings.userPurpose in $batch, list_groups / group_type / list_group_members,
    list_sites(g, include_personal=) / list_personal_sites / get_site(url) / list_subsites, list_teams,
    usage_report(g, Exchange|OneDrive|SharePoint, period) -> {objects, items, bytes, refresh_date}.

Errors (vboshell.graph.errors) — every failure is a GraphError with status, code, inner_code, message,
    request_id, client_request_id and `.error_record` (an ErrorRecord whose message and `extra` carry them):
    AuthenticationError (AADSTS code in `.aadsts`), CredentialError (bad certificate file/password),
    ThrottledError, GraphConnectionError, DeltaResyncRequired.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Cloud": "clouds", "CLOUDS": "clouds", "REGIONS": "clouds", "get_cloud": "clouds", "custom_cloud": "clouds",
    "CloudError": "clouds",
    "AppConnection": "auth", "TokenProvider": "auth", "AccessToken": "auth", "ClientCertificate": "auth",
    "load_certificate": "auth", "find_certificate_by_thumbprint": "auth", "certificates_dir": "auth",
    "decode_jwt_claims": "auth",
    "GraphError": "errors", "AuthenticationError": "errors", "CredentialError": "errors", "ThrottledError": "errors",
    "GraphConnectionError": "errors", "DeltaResyncRequired": "errors",
    "GraphClient": "client", "GraphStats": "client", "DeltaRound": "client", "BatchRequest": "client",
    "BatchResponse": "client", "UPLOAD_CHUNK_UNIT": "client",
    "SyncGraphClient": "sync", "SyncDeltaRound": "sync", "client_for": "sync",
    "ThrottlePolicy": "throttle", "classify": "throttle",
    "USER_AGENT": "http",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    mod = _EXPORTS.get(name)
    if mod is None:
        raise AttributeError(f"module 'vboshell.graph' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"vboshell.graph.{mod}"), name)
    globals()[name] = value
    return value
