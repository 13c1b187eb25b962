"""Tenant discovery over Graph for the organization cmdlets and the collectors: tenant info and permissions,
users with their mailbox type, groups, members, sites, teams, and the usage-report size estimate."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from vboshell.graph.client import BatchRequest
from vboshell.graph.errors import GraphError

__all__ = [
    "TenantInfo", "tenant_info", "DIRECTORY_PERMISSIONS", "SERVICE_PERMISSIONS", "missing_permissions",
    "list_users", "resolve_mailbox_types", "MAILBOX_TYPES", "list_groups", "group_type", "list_group_members",
    "list_sites", "list_personal_sites", "get_site", "list_subsites", "split_site_id", "is_personal_site", "list_teams", "usage_report",
    "USER_SELECT", "GROUP_SELECT",
]

# Application permissions each part needs (any one of each tuple), by the names Entra shows.
DIRECTORY_PERMISSIONS: tuple[tuple[str, ...], ...] = (
    ("Organization.Read.All", "Directory.Read.All", "Organization.ReadWrite.All", "Directory.ReadWrite.All"),
    ("User.Read.All", "Directory.Read.All", "User.ReadWrite.All", "Directory.ReadWrite.All"),
    ("Group.Read.All", "Directory.Read.All", "Group.ReadWrite.All", "Directory.ReadWrite.All"),
)
SERVICE_PERMISSIONS: dict[str, tuple[tuple[str, ...], ...]] = {
    "Exchange": (
        ("Mail.Read", "Mail.ReadWrite"),
        ("MailboxSettings.Read", "MailboxSettings.ReadWrite"),
        ("Contacts.Read", "Contacts.ReadWrite"),
        ("Calendars.Read", "Calendars.ReadWrite"),
    ),
    "SharePoint": (
        ("Sites.Read.All", "Sites.ReadWrite.All", "Sites.FullControl.All"),
        ("Files.Read.All", "Files.ReadWrite.All"),
    ),
    "Teams": (
        ("Team.ReadBasic.All", "TeamSettings.Read.All", "TeamSettings.ReadWrite.All", "Directory.Read.All"),
        ("Channel.ReadBasic.All", "ChannelSettings.Read.All", "ChannelSettings.ReadWrite.All"),
        ("ChannelMessage.Read.All",),
    ),
    "TeamsChats": (("Chat.Read.All", "Chat.ReadWrite.All"),),
    "Reports": (("Reports.Read.All",),),
}


# Page size for directory listings ($top). Graph allows up to 999; VBOSHELL_GRAPH_PAGE_SIZE lowers it.
PAGE_SIZE = int(os.environ.get("VBOSHELL_GRAPH_PAGE_SIZE") or 999)


def missing_permissions(roles: Iterable[str], required: Iterable[tuple[str, ...]]) -> list[str]:
    """The first-choice name of every requirement that the token's roles do not satisfy."""
    have = {r.lower() for r in roles}
    return [alts[0] for alts in required if not any(a.lower() in have for a in alts)]


@dataclass
class TenantInfo:
    tenant_id: str
    display_name: str
    initial_domain: str
    default_domain: str
    roles: list[str] = field(default_factory=list)
    verified_domains: list[str] = field(default_factory=list)


def tenant_info(g: Any) -> TenantInfo:
    """Get a token (its `roles` and `tid`) and read the tenant's /organization resource."""
    tok = g.token()
    data = g.get_json("/organization", params={"$select": "id,displayName,verifiedDomains"})
    orgs = (data or {}).get("value") or []
    org = orgs[0] if orgs else {}
    domains = org.get("verifiedDomains") or []
    initial = next((d.get("name") for d in domains if d.get("isInitial")), "") or ""
    default = next((d.get("name") for d in domains if d.get("isDefault")), "") or initial
    return TenantInfo(str(org.get("id") or tok.claims.get("tid") or ""), str(org.get("displayName") or ""),
                      str(initial), str(default), tok.roles, [str(d.get("name")) for d in domains if d.get("name")])


# ------------------------------------------------------------------------------------------------------ users
USER_SELECT = "id,userPrincipalName,displayName,mail,accountEnabled,userType,assignedLicenses,onPremisesImmutableId,officeLocation"
MAILBOX_TYPES = {"user": "User", "linked": "User", "shared": "SharedMailbox", "room": "RoomMailbox",
                 "equipment": "EquipmentMailbox", "others": "User"}


def list_users(g: Any, *, filter: str | None = None, top: int = 999, limit: int | None = None) -> Iterator[list[dict]]:
    """Users page by page (lists of Graph user objects)."""
    params: dict[str, Any] = {"$select": USER_SELECT, "$top": max(1, min(top, PAGE_SIZE))}
    if filter:
        params["$filter"] = filter
    n = 0
    for page in g.pages("/users", params=params):
        if limit is not None and n + len(page) >= limit:
            yield page[: limit - n]
            return
        n += len(page)
        yield page


def resolve_mailbox_types(g: Any, user_ids: list[str]) -> dict[str, str | None]:
    """Mailbox type per user id from /users/{id}/mailboxSettings (userPurpose), 20 per $batch.
    None means unknown (no mailbox, or the app may not read mailbox settings): callers fall back to 'User'."""
    out: dict[str, str | None] = {}
    use_batch = True
    for i in range(0, len(user_ids), 20):
        chunk = user_ids[i:i + 20]
        bodies: list[Any] = []
        if use_batch:
            try:
                res = g.batch([BatchRequest(str(n), "GET", f"/users/{uid}/mailboxSettings")
                               for n, uid in enumerate(chunk)])
                bodies = [res[str(n)].body if str(n) in res and res[str(n)].ok else None for n in range(len(chunk))]
            except GraphError as exc:
                if exc.status not in (400, 404, 405, 501):
                    raise
                use_batch = False  # endpoints without JSON batching (some private clouds, proxies)
        if not use_batch:
            bodies = g.gather(*(g.aio.get_json(f"/users/{uid}/mailboxSettings") for uid in chunk))
        for uid, body in zip(chunk, bodies, strict=True):
            if isinstance(body, dict):
                purpose = str(body.get("userPurpose") or "").lower()
                out[uid] = MAILBOX_TYPES.get(purpose, "User" if purpose else None)
            else:
                out[uid] = None
    return out


# ------------------------------------------------------------------------------------------------------ groups
GROUP_SELECT = "id,displayName,mail,mailNickname,groupTypes,mailEnabled,securityEnabled,resourceProvisioningOptions,onPremisesSyncEnabled,description"


def group_type(g: dict[str, Any]) -> str:
    """Veeam's group type: Office (Microsoft 365), Security, Distribution."""
    types = [str(t).lower() for t in g.get("groupTypes") or []]
    if "unified" in types:
        return "Office"
    if g.get("securityEnabled"):
        return "Security"
    if g.get("mailEnabled"):
        return "Distribution"
    return "Security"


def list_groups(g: Any, *, filter: str | None = None, top: int = 999) -> Iterator[list[dict]]:
    params: dict[str, Any] = {"$select": GROUP_SELECT, "$top": max(1, min(top, PAGE_SIZE))}
    if filter:
        params["$filter"] = filter
    yield from g.pages("/groups", params=params)


def list_group_members(g: Any, group_id: str) -> Iterator[dict]:
    yield from g.paged(f"/groups/{group_id}/members",
                       params={"$select": "id,displayName,userPrincipalName,mail,mailNickname", "$top": PAGE_SIZE})


def list_teams(g: Any) -> Iterator[dict]:
    """Teams-enabled groups (resourceProvisioningOptions contains 'Team'); filters client-side if needed."""
    try:
        yield from g.paged("/groups", params={
            "$filter": "resourceProvisioningOptions/Any(x:x eq 'Team')",
            "$select": "id,displayName,description,mail,resourceProvisioningOptions", "$top": PAGE_SIZE})
        return
    except GraphError as exc:
        if exc.status != 400:
            raise
    for grp in g.paged("/groups", params={"$select": "id,displayName,description,mail,resourceProvisioningOptions",
                                          "$top": PAGE_SIZE}):
        if "Team" in (grp.get("resourceProvisioningOptions") or []):
            yield grp


# ------------------------------------------------------------------------------------------------------ sites
SITE_SELECT = "id,name,displayName,webUrl,siteCollection,isPersonalSite,root,createdDateTime"


def split_site_id(site_id: str) -> tuple[str, str, str]:
    """`host,siteGuid,webGuid` -> (host, siteGuid, webGuid)."""
    parts = site_id.split(",")
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    return "", site_id, ""


def is_personal_site(site: dict[str, Any]) -> bool:
    if site.get("isPersonalSite") is not None:
        return bool(site.get("isPersonalSite"))
    url = str(site.get("webUrl") or "").lower()
    return "-my.sharepoint." in url or "/personal/" in url


def list_sites(g: Any, *, include_personal: bool = False) -> Iterator[dict]:
    """All site collections (getAllSites; falls back to search=* where getAllSites is unavailable).
    Personal (OneDrive) sites come from getAllSites when the tenant lists them there, else from users' drives."""
    try:
        personal = 0
        for site in g.paged("/sites/getAllSites", params={"$select": SITE_SELECT, "$top": PAGE_SIZE}):
            if is_personal_site(site):
                personal += 1
                if not include_personal:
                    continue
            yield site
        if include_personal and not personal:
            yield from list_personal_sites(g)
        return
    except GraphError as exc:
        if exc.status not in (400, 404, 501):
            raise
    for site in g.paged("/sites", params={"search": "*", "$select": SITE_SELECT}):
        if include_personal or not is_personal_site(site):
            yield site


def list_personal_sites(g: Any) -> Iterator[dict]:
    """OneDrive personal sites derived from each user's drive (users without OneDrive are skipped)."""
    from urllib.parse import urlsplit

    for page in g.pages("/users", params={"$select": "id,displayName,userPrincipalName", "$top": PAGE_SIZE}):
        reqs = [BatchRequest(str(n), "GET", f"/users/{u['id']}/drive?$select=id,webUrl,owner")
                for n, u in enumerate(page)]
        results: dict[str, Any] = {}
        for i in range(0, len(reqs), 20):
            results.update(g.batch(reqs[i:i + 20]))
        for n, u in enumerate(page):
            r = results.get(str(n))
            if r is None or not r.ok or not isinstance(r.body, dict) or not r.body.get("webUrl"):
                continue
            web = str(r.body["webUrl"])
            parts = urlsplit(web)
            segs = [x for x in parts.path.split("/") if x]
            site_url = f"{parts.scheme}://{parts.netloc}/" + "/".join(segs[:2]) if len(segs) >= 2 else web
            yield {"id": f"{parts.hostname},,", "name": u.get("userPrincipalName"),
                   "displayName": u.get("displayName"), "webUrl": site_url, "isPersonalSite": True,
                   "driveId": r.body.get("id")}


def get_site(g: Any, url: str) -> dict[str, Any]:
    """A site by its absolute URL (`GET /sites/{host}:/{path}`)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url if "://" in url else "https://" + url)
    path = parts.path.rstrip("/")
    ref = f"/sites/{parts.hostname}:{path}" if path else f"/sites/{parts.hostname}"
    return g.get_json(ref, params={"$select": SITE_SELECT})


def list_subsites(g: Any, site_id: str, recurse: bool = False) -> Iterator[dict]:
    for sub in g.paged(f"/sites/{site_id}/sites", params={"$select": SITE_SELECT}):
        yield sub
        if recurse:
            yield from list_subsites(g, sub["id"], True)


# ------------------------------------------------------------------------------------------------------ reports
REPORTS = {
    "Exchange": ("getMailboxUsageDetail", "Item Count", "Storage Used (Byte)"),
    "OneDrive": ("getOneDriveUsageAccountDetail", "File Count", "Storage Used (Byte)"),
    "SharePoint": ("getSharePointSiteUsageDetail", "File Count", "Storage Used (Byte)"),
}


def usage_report(g: Any, service: str, period: str = "D7") -> dict[str, Any]:
    """Sum one Microsoft 365 usage report (CSV behind a 302): objects, items, bytes and the refresh date."""
    fn, items_col, bytes_col = REPORTS[service]
    data = g.get_bytes(f"/reports/{fn}(period='{period}')")
    text = data.decode("utf-8-sig", errors="replace")
    objects = items = used = 0
    refresh = None
    for row in csv.DictReader(io.StringIO(text)):
        if str(row.get("Is Deleted", "")).strip().lower() == "true":
            continue
        objects += 1
        items += _int(row.get(items_col))
        used += _int(row.get(bytes_col))
        refresh = refresh or (row.get("Report Refresh Date") or None)
    return {"service": service, "objects": objects, "items": items, "bytes": used, "refresh_date": refresh,
            "period": period}


def _int(v: Any) -> int:
    try:
        return int(float(str(v).strip() or 0))
    except ValueError:
        return 0
