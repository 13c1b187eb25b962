"""Directory endpoints of the sandbox: organization, users (+ mailboxSettings), groups and group members.
Paging by $skiptoken, $select, $top and the $filter subset backup tools use; hidden mailboxes never listed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from vboshell.sandbox.app import Ctx, GraphError, Resp, SandboxApp, apply_select, pack_token, unpack_token
from vboshell.sandbox.model import EPOCH, Group, SandboxError, Tenant, User, iso

DIR_READ = ("User.Read.All", "Directory.Read.All", "User.ReadWrite.All", "Directory.ReadWrite.All")
GROUP_READ = ("Group.Read.All", "Directory.Read.All", "Group.ReadWrite.All", "Directory.ReadWrite.All")
MEMBER_READ = GROUP_READ + ("GroupMember.Read.All",)
MBX_SETTINGS = ("MailboxSettings.Read", "MailboxSettings.ReadWrite")
ORG_READ = ("Organization.Read.All", "Directory.Read.All", "User.Read.All")

E5_SKU = "06ebc4ee-1bb5-47dd-8120-11324bc54e06"

USER_DEFAULT = ("businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone", "officeLocation",
                "preferredLanguage", "surname", "userPrincipalName", "id")


def user_full(t: Tenant, u: User) -> dict[str, Any]:
    return {
        "businessPhones": [], "displayName": u.display_name, "givenName": u.given, "jobTitle": u.job_title,
        "mail": u.mail, "mobilePhone": None, "officeLocation": None, "preferredLanguage": "en-US", "surname": u.surname,
        "userPrincipalName": u.upn, "id": u.id,
        "accountEnabled": u.account_enabled, "userType": u.user_type, "createdDateTime": iso(u.created),
        "department": u.department, "mailNickname": u.alias, "usageLocation": "US",
        "assignedLicenses": [{"disabledPlans": [], "skuId": E5_SKU}] if u.licensed else [],
        "proxyAddresses": [f"SMTP:{u.mail}"], "onPremisesSyncEnabled": None, "deletedDateTime": None,
        "companyName": t.display_name, "country": "United States", "city": None, "employeeId": None,
    }


def shape_user(d: dict[str, Any], sel: set[str] | None) -> dict[str, Any]:
    """Graph's default property set without $select, the selected ones with it."""
    if sel is None:
        return {k: d[k] for k in USER_DEFAULT}
    return apply_select(d, sel)


def user_json(t: Tenant, u: User, sel: set[str] | None) -> dict[str, Any]:
    return shape_user(user_full(t, u), sel)


def group_json(t: Tenant, g: Group, sel: set[str] | None) -> dict[str, Any]:
    d = {
        "id": g.id, "deletedDateTime": None, "classification": None, "createdDateTime": iso(g.created),
        "creationOptions": ["Team"] if "Team" in (g.rpo or []) else [], "description": g.description,
        "displayName": g.display_name, "expirationDateTime": None, "groupTypes": list(g.group_types),
        "isAssignableToRole": None, "mail": g.mail, "mailEnabled": g.mail_enabled, "mailNickname": g.nickname,
        "membershipRule": None, "membershipRuleProcessingState": None, "onPremisesSyncEnabled": None,
        "preferredDataLocation": None, "preferredLanguage": None,
        "proxyAddresses": [f"SMTP:{g.mail}"] if g.mail else [], "renewedDateTime": iso(g.created),
        "resourceBehaviorOptions": [], "resourceProvisioningOptions": list(g.rpo or []),
        "securityEnabled": g.security_enabled, "securityIdentifier": "S-1-12-1-" + str(abs(hash(g.id)) % 10**9),
        "theme": None, "visibility": g.visibility,
    }
    return apply_select(d, sel)


_CLAUSE_EQ = re.compile(r"^\s*(\w+)\s+(eq|ne)\s+(true|false|null|'(?:[^']|'')*'|-?\d+)\s*$", re.I)
_CLAUSE_SW = re.compile(r"^\s*startswith\(\s*(\w+)\s*,\s*'((?:[^']|'')*)'\s*\)\s*$", re.I)
_CLAUSE_ANY = re.compile(r"^\s*(\w+)/any\(\s*(\w+)\s*:\s*\2\s+eq\s+'((?:[^']|'')*)'\s*\)\s*$", re.I)
_CLAUSE_IN = re.compile(r"^\s*(\w+)\s+in\s+\(([^)]*)\)\s*$", re.I)


def compile_filter(expr: str | None) -> Callable[[dict[str, Any]], bool] | None:
    """The $filter subset: `a eq 'x'`, `a ne v`, `startswith(a,'x')`, `coll/any(x:x eq 'v')`, `a in ('x','y')`,
    joined by `and`/`or` (no parentheses). Field names are matched case-insensitively against the full JSON."""
    if not expr:
        return None
    ors = re.split(r"\s+or\s+", expr.strip(), flags=re.I)
    preds: list[list[Callable[[dict[str, Any]], bool]]] = []
    for o in ors:
        group: list[Callable[[dict[str, Any]], bool]] = []
        for clause in re.split(r"\s+and\s+", o, flags=re.I):
            group.append(_clause(clause))
        preds.append(group)

    def pred(d: dict[str, Any]) -> bool:
        return any(all(p(d) for p in g) for g in preds)
    return pred


def _get(d: dict[str, Any], name: str) -> Any:
    low = name.lower()
    for k, v in d.items():
        if k.lower() == low:
            return v
    return None


def _lit(s: str) -> Any:
    low = s.lower()
    if low == "true":
        return True
    if low == "false":
        return False
    if low == "null":
        return None
    if s.startswith("'"):
        return s[1:-1].replace("''", "'")
    return int(s)


def _clause(c: str) -> Callable[[dict[str, Any]], bool]:
    m = _CLAUSE_EQ.match(c)
    if m:
        field, op, lit = m.group(1), m.group(2).lower(), _lit(m.group(3))

        def eq(d: dict[str, Any]) -> bool:
            v = _get(d, field)
            same = (v.lower() == lit.lower()) if isinstance(v, str) and isinstance(lit, str) else v == lit
            return same if op == "eq" else not same
        return eq
    m = _CLAUSE_SW.match(c)
    if m:
        field, pre = m.group(1), m.group(2).replace("''", "'").lower()
        return lambda d: isinstance(_get(d, field), str) and _get(d, field).lower().startswith(pre)
    m = _CLAUSE_ANY.match(c)
    if m:
        field, val = m.group(1), m.group(3).replace("''", "'").lower()
        return lambda d: any(isinstance(x, str) and x.lower() == val for x in (_get(d, field) or []))
    m = _CLAUSE_IN.match(c)
    if m:
        field = m.group(1)
        vals = {_lit(x.strip()) for x in m.group(2).split(",") if x.strip()}
        low = {v.lower() if isinstance(v, str) else v for v in vals}
        return lambda d: (_get(d, field).lower() if isinstance(_get(d, field), str) else _get(d, field)) in low
    raise GraphError(400, "Request_UnsupportedQuery", f"Unsupported or invalid query filter clause specified: '{c}'.")


def compile_search(ctx: Ctx) -> Callable[[dict[str, Any]], bool] | None:
    """`$search="displayName:al" OR "mail:bo"` (advanced query: needs ConsistencyLevel: eventual)."""
    expr = ctx.q("$search")
    if not expr:
        return None
    if ctx.headers.get("consistencylevel", "").lower() != "eventual":
        raise GraphError(400, "Request_UnsupportedQuery", "Request with $search query parameter only works through "
                         "MSGraph with a special request header: 'ConsistencyLevel: eventual'")
    terms = re.findall(r'"(\w+):([^"]*)"', expr)
    if not terms:
        raise GraphError(400, "Request_UnsupportedQuery", "Syntax error: invalid $search expression.")
    conj = " AND " in expr

    def pred(d: dict[str, Any]) -> bool:
        hits = [any(str(w).lower().startswith(v.lower()) for w in str(_get(d, f) or "").replace("@", " ").split())
                or str(_get(d, f) or "").lower().startswith(v.lower()) for f, v in terms]
        return all(hits) if conj else any(hits)
    return pred


def paged(ctx: Ctx, path: str, rows: Iterable[dict[str, Any]], context: str, default_top: int = 100,
          max_top: int = 999, extra: dict[str, Any] | None = None) -> Resp:
    """Offset paging with an opaque $skiptoken; @odata.nextLink carries the original query options."""
    top = ctx.max_page(default_top, max_top)
    skip = 0
    tok = ctx.q("$skiptoken")
    if tok:
        skip = int(unpack_token(tok).get("o", 0))
    out: list[dict[str, Any]] = []
    more = False
    for i, r in enumerate(rows):
        if i < skip:
            continue
        if len(out) >= top:
            more = True
            break
        out.append(r)
    body: dict[str, Any] = {"@odata.context": f"{ctx.graph}/$metadata#{context}"}
    if extra:
        body.update(extra)
    body["value"] = out
    if more:
        params = {k: v for k, v in ctx.query.items() if k not in ("$skiptoken", "skiptoken")}
        params["$skiptoken"] = pack_token({"o": skip + len(out)})
        body["@odata.nextLink"] = ctx.link(path, params)
    return Resp(200, body)


def listed_user(t: Tenant, ref: str) -> User:
    u = t.user(ref)
    if not u.listed:
        raise SandboxError(404, "Request_ResourceNotFound", f"Resource '{ref}' does not exist or one of its queried "
                                                            "reference-property objects are not present.")
    return u


def listed_group(t: Tenant, ref: str) -> Group:
    g = t.groups_by_id.get(ref)
    if g is None or not g.listed:
        raise SandboxError(404, "Request_ResourceNotFound", f"Resource '{ref}' does not exist or one of its queried "
                                                            "reference-property objects are not present.")
    return g


def register(app: SandboxApp) -> None:
    t = app.tenant

    @app.route("GET", "/organization", "org", ORG_READ)
    def organization(ctx: Ctx) -> Resp:
        org = {"id": t.id, "deletedDateTime": None, "businessPhones": [], "city": "Redmond", "country": None,
               "countryLetterCode": "US", "createdDateTime": iso(EPOCH.timestamp() - 1500 * 86400),
               "displayName": t.display_name, "marketingNotificationEmails": [], "postalCode": "98052",
               "preferredLanguage": "en", "state": "WA", "street": "1 Sandbox Way", "technicalNotificationMails": [],
               "tenantType": "AAD", "onPremisesSyncEnabled": None,
               "assignedPlans": [{"assignedDateTime": iso(EPOCH.timestamp() - 1000 * 86400), "capabilityStatus": "Enabled",
                                  "service": "exchange", "servicePlanId": "efb87545-963c-4e0d-99df-69c6916d9eb0"}],
               "verifiedDomains": [{"capabilities": "Email, OfficeCommunicationsOnline", "isDefault": True,
                                    "isInitial": True, "name": t.name, "type": "Managed"}]}
        return Resp(200, {"@odata.context": f"{ctx.graph}/$metadata#organization", "value": [apply_select(org, ctx.select())]})

    @app.route("GET", "/organization/{oid}", "org", ORG_READ)
    def organization_one(ctx: Ctx, oid: str) -> Resp:
        if oid != t.id:
            raise SandboxError(404, "Request_ResourceNotFound", f"Resource '{oid}' does not exist.")
        r = organization(ctx)
        return Resp(200, r.body["value"][0])

    @app.route("GET", "/users", "dir", DIR_READ)
    def users(ctx: Ctx) -> Resp:
        sel = ctx.select()
        flt = compile_filter(ctx.q("$filter"))
        rows: Iterable[dict[str, Any]] = (user_full(t, u) for u in t.users if u.listed)
        if flt:
            rows = (r for r in rows if flt(r))
        srch = compile_search(ctx)
        if srch:
            rows = (r for r in rows if srch(r))
        rows = (shape_user(r, sel) for r in rows)
        extra = None
        if (ctx.q("$count") or "").lower() == "true":
            if ctx.headers.get("consistencylevel", "").lower() != "eventual":
                raise GraphError(400, "Request_UnsupportedQuery", "Count is not currently supported.")
            extra = {"@odata.count": sum(1 for u in t.users if u.listed)}
        return paged(ctx, "/users", rows, "users", 100, 999, extra)

    @app.route("GET", "/users/delta", "dir", DIR_READ)
    def users_delta(ctx: Ctx) -> Resp:
        from vboshell.sandbox.delta import read_token
        tok = read_token(ctx, "users", "drive", "/users/delta")
        if tok is not None and tok.get("latest"):
            return Resp(200, {"value": [], "@odata.deltaLink": ctx.link("/users/delta", {"$deltatoken": pack_token(
                {"sc": "users", "s": t.seq, "e": t.delta_epoch})})})
        sel = set(tok["sel"]) if tok and tok.get("sel") else ctx.select()
        top = int(tok["p"]) if tok and tok.get("p") else ctx.max_page(100, 999)
        if tok is None or "o" in tok:
            since, until = (None, t.seq) if tok is None else (tok.get("s"), tok["u"])
        else:
            since, until = tok["s"], t.seq
        off = int(tok.get("o", 0)) if tok else 0  # position in the (append-only) user list
        page: list[dict[str, Any]] = []
        pos = off
        while pos < len(t.users) and len(page) < top:
            u = t.users[pos]
            pos += 1
            if since is None:
                if u.listed and u.seq <= until or (u.deleted and u.seq > until):
                    page.append(shape_user(user_full(t, u), sel))
            elif since < u.seq <= until and (u.listed or u.deleted):
                page.append(shape_user(user_full(t, u), sel) if u.listed else
                            {"id": u.id, "@removed": {"reason": "changed"}})
        base = {"sc": "users", "e": t.delta_epoch, "p": top, "sel": sorted(sel) if sel else None}
        body: dict[str, Any] = {"@odata.context": f"{ctx.graph}/$metadata#users", "value": page}
        if pos < len(t.users):
            body["@odata.nextLink"] = ctx.link("/users/delta", {"$skiptoken": pack_token(
                {**base, "s": since, "u": until, "o": pos})})
        else:
            body["@odata.deltaLink"] = ctx.link("/users/delta", {"$deltatoken": pack_token({**base, "s": until})})
        return Resp(200, body)

    @app.route("GET", "/users/{uid}", "dir", DIR_READ)
    def user_one(ctx: Ctx, uid: str) -> Resp:
        u = listed_user(t, uid)
        body = user_json(t, u, ctx.select())
        body["@odata.context"] = f"{ctx.graph}/$metadata#users/$entity"
        return Resp(200, body)

    @app.route("GET", "/users/{uid}/mailboxSettings", "mail", MBX_SETTINGS)
    def mailbox_settings(ctx: Ctx, uid: str) -> Resp:
        u = listed_user(t, uid)
        mb = t.mailbox(u.id)
        arch = mb.folder("archive").id
        body = {
            "@odata.context": f"{ctx.graph}/$metadata#users('{u.id}')/mailboxSettings",
            "archiveFolder": arch, "timeZone": "UTC", "delegateMeetingMessageDeliveryOptions": "sendToDelegateOnly",
            "dateFormat": "M/d/yyyy", "timeFormat": "h:mm tt", "userPurpose": u.purpose,
            "automaticRepliesSetting": {"status": "disabled", "externalAudience": "all", "internalReplyMessage": "",
                                        "externalReplyMessage": "",
                                        "scheduledStartDateTime": {"dateTime": "2026-01-01T00:00:00.0000000", "timeZone": "UTC"},
                                        "scheduledEndDateTime": {"dateTime": "2026-01-02T00:00:00.0000000", "timeZone": "UTC"}},
            "language": {"locale": "en-US", "displayName": "English (United States)"},
            "workingHours": {"daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"],
                             "startTime": "08:00:00.0000000", "endTime": "17:00:00.0000000",
                             "timeZone": {"name": "UTC"}},
        }
        sel = ctx.select()
        if sel:
            body = {k: v for k, v in body.items() if k in sel or k.startswith("@")}
        return Resp(200, body)

    @app.route("GET", "/users/{uid}/settings/exchange", "mail", MBX_SETTINGS + ("MailboxFolder.Read.All",))
    def exchange_settings(ctx: Ctx, uid: str) -> Resp:
        u = listed_user(t, uid)
        mb = t.mailbox(u.id)
        arch = t.archives.get(u.id)
        return Resp(200, {"@odata.context": f"{ctx.graph}/$metadata#users('{u.id}')/settings/exchange/$entity",
                          "id": u.id, "primaryMailboxId": mb.id, "inPlaceArchiveMailboxId": arch.id if arch else None})

    @app.route("GET", "/groups", "dir", GROUP_READ)
    def groups(ctx: Ctx) -> Resp:
        sel = ctx.select()
        flt = compile_filter(ctx.q("$filter"))
        rows: Iterable[dict[str, Any]] = (group_json(t, g, None) for g in t.groups if g.listed)
        if flt:
            rows = (r for r in rows if flt(r))
        srch = compile_search(ctx)
        if srch:
            rows = (r for r in rows if srch(r))
        rows = (apply_select(r, sel) for r in rows)
        return paged(ctx, "/groups", rows, "groups", 100, 999)

    @app.route("GET", "/groups/{gid}", "dir", GROUP_READ)
    def group_one(ctx: Ctx, gid: str) -> Resp:
        g = listed_group(t, gid)
        body = group_json(t, g, ctx.select())
        body["@odata.context"] = f"{ctx.graph}/$metadata#groups/$entity"
        return Resp(200, body)

    def members_of(ctx: Ctx, gid: str, ids: list[str], path: str) -> Resp:
        sel = ctx.select()
        rows = ({"@odata.type": "#microsoft.graph.user", **user_json(t, t.users_by_id[m], sel)} for m in ids
                if m in t.users_by_id)
        return paged(ctx, path, rows, "directoryObjects", 100, 999)

    @app.route("GET", "/groups/{gid}/members", "dir", MEMBER_READ)
    def group_members(ctx: Ctx, gid: str) -> Resp:
        g = listed_group(t, gid)
        return members_of(ctx, gid, list(g.members or []), f"/groups/{gid}/members")

    @app.route("GET", "/groups/{gid}/transitiveMembers", "dir", MEMBER_READ)
    def group_tmembers(ctx: Ctx, gid: str) -> Resp:
        g = listed_group(t, gid)
        return members_of(ctx, gid, list(g.members or []), f"/groups/{gid}/transitiveMembers")

    @app.route("GET", "/groups/{gid}/owners", "dir", MEMBER_READ)
    def group_owners(ctx: Ctx, gid: str) -> Resp:
        g = listed_group(t, gid)
        return members_of(ctx, gid, list(g.owners or []), f"/groups/{gid}/owners")

    @app.route("GET", "/users/{uid}/memberOf", "dir", DIR_READ)
    def member_of(ctx: Ctx, uid: str) -> Resp:
        u = listed_user(t, uid)
        rows = ({"@odata.type": "#microsoft.graph.group", **group_json(t, g, ctx.select())} for g in t.groups
                if g.listed and u.id in (g.members or []))
        return paged(ctx, f"/users/{uid}/memberOf", rows, "directoryObjects")

    @app.route("GET", "/subscribedSkus", "org", ORG_READ)
    def skus(ctx: Ctx) -> Resp:
        n = sum(1 for u in t.users if u.licensed)
        return Resp(200, {"value": [{"id": f"{t.id}_{E5_SKU}", "skuId": E5_SKU, "skuPartNumber": "SPE_E5",
                                     "capabilityStatus": "Enabled", "consumedUnits": n, "appliesTo": "User",
                                     "prepaidUnits": {"enabled": max(n, 25), "suspended": 0, "warning": 0}}]})


