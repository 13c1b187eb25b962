"""Delta rounds for the sandbox: opaque next/delta links over a container's change sequence, and token expiry.
A round is pinned to the sequence number at its start; changes after it show up in the next round, exactly once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vboshell.sandbox.app import Ctx, GraphError, Resp, pack_token, unpack_token
from vboshell.sandbox.model import Container, Item


def expired(ctx: Ctx, kind: str, fresh_path: str) -> GraphError:
    if kind == "drive":
        return GraphError(410, "resyncRequired", "Resync required. Replace any local items with the server's version "
                          "(including deletes) if you're sure that the service was up to date with your local changes "
                          "when you last sync'd. Upload any local changes that the server doesn't know about.",
                          {"Location": f"{ctx.graph}{fresh_path}"}, inner_code="resyncChangesApplyDifferences")
    seq = ctx.t.seq
    return GraphError(410, "SyncStateNotFound", f"The sync state generation is not found; generation={max(0, seq - 9)};"
                      f"[highest={seq}][{seq}][{max(0, seq - 1)}][{max(0, seq - 2)}].")


def read_token(ctx: Ctx, scope: str, kind: str, fresh_path: str) -> dict[str, Any] | None:
    raw = ctx.q("$skiptoken") or ctx.q("$deltatoken") or ctx.q("token") or ctx.extra.get("delta_token")
    if not raw:
        return None
    if raw == "latest":
        return {"latest": True}
    tok = unpack_token(raw)
    if tok.get("sc") != scope:
        raise GraphError(400, "BadRequest" if kind != "mail" else "ErrorInvalidUrlQuery",
                         "The delta token does not belong to this resource.")
    f = ctx.app.faults
    if tok.get("e") != ctx.t.delta_epoch or (f.config.delta_expiry_rate and f.applies(ctx.path)
                                             and f.hit(f.config.delta_expiry_rate)):
        if tok.get("e") == ctx.t.delta_epoch:
            ctx.app._count_fault("delta_expired")
        raise expired(ctx, kind, fresh_path)
    return tok


def delta_round(ctx: Ctx, *, scope: str, container: Container, parent: Any, path: str,
                render: Callable[[Item, set[str] | None], dict[str, Any]],
                removed: Callable[[int, Any], dict[str, Any]], default_page: int = 10, max_page: int = 1000,
                kind: str = "mail",
                make_predicate: Callable[[dict[str, Any] | None], Callable[[Item], bool] | None] | None = None, token_param: str = "$deltatoken",
                skip_param: str = "$skiptoken", fixed: dict[str, Any] | None = None) -> Resp:
    """One page of a delta round. `fixed` holds query options pinned by the first request (carried in tokens)."""
    tok = read_token(ctx, scope, kind, path)
    t = ctx.t
    sel = ctx.select()
    if tok is not None and tok.get("latest"):
        body = {"@odata.context": f"{ctx.graph}/$metadata#Collection", "value": [],
                "@odata.deltaLink": _link(ctx, path, token_param, {"sc": scope, "s": t.seq, "e": t.delta_epoch,
                                                                   "p": default_page, "sel": sorted(sel) if sel else None,
                                                                   "fx": fixed})}
        return Resp(200, body)
    if tok is None:
        page = ctx.max_page(default_page, max_page)
        since, until, cursor = None, t.seq, None
        fx = fixed
    else:
        page = int(tok.get("p") or default_page)
        sel = set(tok["sel"]) if tok.get("sel") else None
        fx = tok.get("fx")
        if "c" in tok:  # a next link within a round
            since, until, cursor = tok.get("s"), tok["u"], tuple(tok["c"])
        else:  # a delta link: a new round from its sequence number
            since, until, cursor = tok["s"], t.seq, None
    rows, nxt = container.page(parent, since, until, cursor, page)  # type: ignore[arg-type]
    value: list[dict[str, Any]] = []
    pred = make_predicate(fx) if make_predicate is not None else None
    for it, idx, par in rows:
        if it is None:
            value.append(removed(idx, par))
        elif pred is None or pred(it):
            value.append(render(it, sel))
    body: dict[str, Any] = {"@odata.context": f"{ctx.graph}/$metadata#Collection", "value": value}
    base = {"sc": scope, "e": t.delta_epoch, "p": page, "sel": sorted(sel) if sel else None, "fx": fx}
    if nxt is not None:
        body["@odata.nextLink"] = _link(ctx, path, skip_param, {**base, "s": since, "u": until, "c": list(nxt)})
    else:
        body["@odata.deltaLink"] = _link(ctx, path, token_param, {**base, "s": until})
    headers = {}
    if "odata.maxpagesize" in ctx.headers.get("prefer", ""):
        headers["Preference-Applied"] = f"odata.maxpagesize={page}"
    return Resp(200, body, headers)


def _link(ctx: Ctx, path: str, param: str, tok: dict[str, Any]) -> str:
    return f"{ctx.graph}{path}?{param}={pack_token(tok)}"
