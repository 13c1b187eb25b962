"""Usage reports (302 to a pre-authenticated CSV) and JSON $batch (<= 20 requests, dependsOn, per-response status)
for the sandbox tenant."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import re
import time
from typing import Any
from urllib.parse import urlsplit

from vboshell.sandbox.app import Ctx, GraphError, Resp, SandboxApp
from vboshell.sandbox.model import EPOCH

REPORTS = ("Reports.Read.All",)
_REPORT_RE = re.compile(r"^(getMailboxUsageDetail|getOneDriveUsageAccountDetail|getSharePointSiteUsageDetail)"
                        r"\((?:period='(D7|D30|D90|D180)'|date=(\d{4}-\d{2}-\d{2}))\)$")


def report_csv(app: SandboxApp, name: str, period: str) -> bytes:
    t = app.tenant
    today = dt.date.fromtimestamp(EPOCH.timestamp()).isoformat()
    days = period[1:] if period.startswith("D") else "1"
    rows: list[list[Any]] = []
    if name == "getMailboxUsageDetail":
        head = ["Report Refresh Date", "User Principal Name", "Display Name", "Is Deleted", "Deleted Date", "Created Date",
                "Last Activity Date", "Item Count", "Storage Used (Byte)", "Issue Warning Quota (Byte)",
                "Prohibit Send Quota (Byte)", "Prohibit Send/Receive Quota (Byte)", "Deleted Item Count",
                "Deleted Item Size (Byte)", "Deleted Item Quota (Byte)", "Has Archive", "Report Period"]
        for u in t.users:
            mb = t.mailboxes.get(u.id)
            if mb is None or not u.listed:
                continue
            n = mb.messages.count()
            rows.append([today, u.upn, u.display_name, "False", "", dt.date.fromtimestamp(u.created).isoformat(), today,
                         n, n * 60000, 105226698752, 106300440576, 107374182400, 0, 0, 32212254720,
                         str(u.id in t.archives), days])
    elif name == "getOneDriveUsageAccountDetail":
        head = ["Report Refresh Date", "Site URL", "Owner Display Name", "Is Deleted", "Last Activity Date", "File Count",
                "Active File Count", "Storage Used (Byte)", "Storage Allocated (Byte)", "Owner Principal Name",
                "Report Period"]
        for uid, d in t.user_drive.items():
            u = t.users_by_id[uid]
            files = [it for it in d.items.items() if it.idx and not it.attrs.get("folder")]
            rows.append([today, d.web_url.rsplit("/Documents", 1)[0], u.display_name, "False", today, len(files),
                         len(files), sum(f.size for f in files), 1099511627776, u.upn, days])
    else:
        head = ["Report Refresh Date", "Site Id", "Site URL", "Owner Display Name", "Is Deleted", "Last Activity Date",
                "File Count", "Active File Count", "Page View Count", "Visited Page Count", "Storage Used (Byte)",
                "Storage Allocated (Byte)", "Root Web Template", "Owner Principal Name", "Report Period"]
        for s in t.sites:
            if s.personal:
                continue
            files = [it for d in s.drives for it in d.items.items() if it.idx and not it.attrs.get("folder")]
            rows.append([today, s.id.split(",")[1], s.web_url, s.display_name, "False", today, len(files), len(files),
                         10, 5, sum(f.size for f in files), 27487790694400,
                         "Group" if s.template == "GROUP" else "Communication Site", s.owner, days])
    out = [",".join(head)] + [",".join(str(c) for c in r) for r in rows]
    return ("\ufeff" + "\r\n".join(out) + "\r\n").encode("utf-8")


def register(app: SandboxApp) -> None:
    @app.route("GET", "/reports/{fn}", "reports", REPORTS)
    def report(ctx: Ctx, fn: str) -> Resp:
        m = _REPORT_RE.match(fn)
        if not m:
            raise GraphError(400, "BadRequest", f"Resource not found for the segment '{fn}'.")
        if (ctx.q("$format") or "text/csv") != "text/csv":
            raise GraphError(400, "BadRequest", "Only $format=text/csv is supported by the sandbox.")
        tok = app.sign({"k": "report", "r": m.group(1), "period": m.group(2) or "D1", "exp": time.time() + 300})
        etag = f'"{app.tenant.seq}"'
        if ctx.headers.get("if-none-match") == etag:
            return Resp(304, b"", {"ETag": etag})
        return Resp(302, b"", {"Location": f"{app.base_url}/_reports/{tok}", "ETag": etag}, ctype="text/plain")

    @app.route("POST", "/$batch", "batch")
    async def batch(ctx: Ctx) -> Resp:  # type: ignore[misc]
        body = ctx.json_body()
        reqs = body.get("requests") if isinstance(body, dict) else None
        if not isinstance(reqs, list) or not reqs:
            raise GraphError(400, "BadRequest", "Invalid batch payload format.")
        if len(reqs) > 20:
            raise GraphError(400, "BadRequest", "Number of batch request steps exceeds the maximum number of 20.")
        ids = [str(r.get("id", "")) for r in reqs if isinstance(r, dict)]
        if len(ids) != len(reqs) or len(set(ids)) != len(ids) or "" in ids:
            raise GraphError(400, "BadRequest", "Each batch request needs a unique id.")
        by_id = {str(r["id"]): r for r in reqs}
        for r in reqs:
            for dep in r.get("dependsOn") or []:
                if str(dep) not in by_id:
                    raise GraphError(400, "BadRequest", f"Request {r['id']} depends on an unknown request {dep}.")
        # Graph runs at most 4 requests of a batch at a time (graph-wire.md: JSON batching); dependsOn orders them
        state: dict[str, int] = {}  # 1 while visiting, 2 done: a cycle is a 400 before anything runs

        def visit(rid: str) -> None:
            if state.get(rid) == 2:
                return
            if state.get(rid) == 1:
                raise GraphError(400, "BadRequest", "Circular dependsOn in the batch.")
            state[rid] = 1
            for dep in by_id[rid].get("dependsOn") or []:
                visit(str(dep))
            state[rid] = 2

        for rid in ids:
            visit(rid)
        slots = asyncio.Semaphore(4)
        tasks: dict[str, asyncio.Future[dict[str, Any]]] = {}

        async def run(rid: str) -> dict[str, Any]:
            r = by_id[rid]
            deps = [await task(str(d)) for d in r.get("dependsOn") or []]
            failed = [d["id"] for d in deps if d["status"] >= 400]
            if failed:
                return {"id": rid, "status": 424, "headers": {"Content-Type": "application/json"},
                        "body": {"error": {"code": "FailedDependency",
                                           "message": f"Dependency {failed[0]} failed; this request was not run."}}}
            async with slots:
                return await one(r)

        def task(rid: str) -> asyncio.Future[dict[str, Any]]:
            if rid not in tasks:
                tasks[rid] = asyncio.ensure_future(run(rid))
            return tasks[rid]

        async def one(r: dict[str, Any]) -> dict[str, Any]:
            method = str(r.get("method", "GET")).upper()
            url = str(r.get("url", ""))
            if url.startswith("http"):
                url = urlsplit(url).path.split("/", 2)[-1] + ("?" + urlsplit(url).query if urlsplit(url).query else "")
            if not url.startswith("/"):
                url = "/" + url
            path, _, qs = url.partition("?")
            inner_h = {k.lower(): str(v) for k, v in (r.get("headers") or {}).items()}
            hdrs = dict(inner_h)
            hdrs["authorization"] = ctx.headers.get("authorization", "")
            raw = r.get("body")
            data = b""
            if raw is not None:
                ctype = inner_h.get("content-type", "")
                if not ctype:
                    return {"id": str(r["id"]), "status": 400, "headers": {"Content-Type": "application/json"},
                            "body": {"error": {"code": "BadRequest",
                                               "message": "Content-Type header is required for a request body."}}}
                if "json" in ctype:
                    data = json.dumps(raw).encode()
                else:
                    try:
                        data = base64.b64decode(raw) if isinstance(raw, str) else json.dumps(raw).encode()
                    except Exception:
                        data = str(raw).encode()
            resp = await app.graph_request(method, f"/{ctx.version}{path}", qs, hdrs, data, None, inner=True)
            assert resp is not None
            out_h = {k: v for k, v in resp.headers.items() if k.lower() in ("location", "retry-after", "etag",
                                                                            "content-range", "preference-applied")}
            rb = resp.body
            entry: dict[str, Any] = {"id": str(r["id"]), "status": resp.status, "headers": out_h}
            if isinstance(rb, dict | list):
                out_h["Content-Type"] = "application/json"
                entry["body"] = rb
            elif rb:
                out_h["Content-Type"] = resp.ctype or "application/octet-stream"
                entry["body"] = base64.b64encode(rb if isinstance(rb, bytes) else str(rb).encode()).decode()
            return entry

        done = await asyncio.gather(*(task(rid) for rid in ids))
        return Resp(200, {"responses": list(done)})
