"""Admin HTTP endpoints of the sandbox under /_sandbox/ (not Graph): counters, faults, throttling, mutations, truth.
They need the `X-Sandbox-Admin` header (the token is in the handle and in the state directory's admin-token file)."""

from __future__ import annotations

import base64
import dataclasses
import hmac
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from vboshell.sandbox.model import SandboxError
from vboshell.sandbox.truth import Truth

if TYPE_CHECKING:
    from vboshell.sandbox.app import Resp, SandboxApp

MUTATIONS = {
    "add_message", "update_message", "move_message", "delete_message", "add_mail_folder", "rename_mail_folder",
    "move_mail_folder", "delete_mail_folder", "add_contact", "update_contact", "delete_contact", "add_event",
    "update_event", "delete_event", "add_file", "add_drive_folder", "update_file", "rename_drive_item",
    "move_drive_item", "delete_drive_item", "add_list_item", "update_list_item", "delete_list_item",
    "add_channel_message", "edit_channel_message", "delete_channel_message", "expire_delta_tokens",
    "add_hostile_items", "add_chat_message", "delete_chat_message", "add_user", "delete_user", "add_channel",
}
TRUTH = {"users", "groups", "mail_folders", "messages", "message_mime", "find_messages", "contacts", "events",
         "drive_id", "drives", "drive_items", "file_content", "sites", "list_items", "teams", "channel_messages", "chats",
         "summary"}


def _decode_args(args: dict[str, Any]) -> dict[str, Any]:
    """Values given as {"$bytes": base64} become bytes (MIME, file content)."""
    out = {}
    for k, v in args.items():
        if isinstance(v, dict) and "$bytes" in v:
            v = base64.b64decode(v["$bytes"])
        out[k] = v
    return out


def _encode(v: Any) -> Any:
    if isinstance(v, bytes):
        return {"$bytes": base64.b64encode(v).decode()}
    if isinstance(v, list):
        return [_encode(x) for x in v]
    if isinstance(v, dict):
        return {k: _encode(x) for k, x in v.items()}
    return v


class Admin:
    def __init__(self, app: SandboxApp) -> None:
        self.app = app
        self.truth = Truth(app.tenant)

    def handle(self, method: str, path: str, qs: str, headers: dict[str, str], body: bytes) -> Resp:
        from vboshell.sandbox.app import Resp
        if not hmac.compare_digest(headers.get("x-sandbox-admin", ""), self.app.admin_token):
            return Resp(401, {"error": {"code": "Unauthorized", "message": "X-Sandbox-Admin header missing or wrong."}})
        parts = [p for p in path.split("/") if p][1:]
        try:
            args = json.loads(body) if body else {}
        except ValueError:
            return Resp(400, {"error": {"code": "BadRequest", "message": "JSON body expected."}})
        args.update(dict(parse_qsl(qs)))
        app = self.app
        try:
            if parts == ["info"]:
                return Resp(200, {"tenantId": app.tenant.id, "tenantName": app.tenant.name, "baseUrl": app.base_url,
                                  "seq": app.tenant.seq})
            if parts == ["counters"]:
                if method == "DELETE" or args.get("reset"):
                    app.counters.reset()
                    app.throttle.reset()
                return Resp(200, app.counters.snapshot(app.throttle.config))
            if parts == ["faults"]:
                if method == "DELETE":
                    app.faults.reset()
                elif args:
                    app.faults.configure(**args)
                return Resp(200, dataclasses.asdict(app.faults.config))
            if parts == ["throttle"]:
                cfg = dataclasses.asdict(app.throttle.config)
                for k, v in args.items():
                    if k not in cfg:
                        raise ValueError(f"unknown throttle setting {k!r}")
                    cfg[k] = v
                app.throttle.config = type(app.throttle.config)(**cfg)
                app.throttle.reset()
                return Resp(200, dataclasses.asdict(app.throttle.config))
            if parts == ["expire-access-tokens"]:
                app.identity.expire_all_tokens()
                return Resp(200, {"ok": True})
            if parts == ["token-lifetime"]:
                app.identity.token_lifetime = int(args["seconds"])
                return Resp(200, {"ok": True})
            if parts == ["mailbox-rest"]:
                uid = app.tenant.user(str(args["user"])).id
                if args.get("enabled", False):
                    app.rest_disabled.discard(uid)
                else:
                    app.rest_disabled.add(uid)
                return Resp(200, {"ok": True})
            if parts == ["mailbox-quota"]:
                uid = app.tenant.user(str(args["user"])).id
                (app.quota_exceeded.add if args.get("exceeded", True) else app.quota_exceeded.discard)(uid)
                return Resp(200, {"ok": True})
            if parts == ["protected-api"]:
                cid = str(args["client_id"])
                (app.protected_unapproved.discard if args.get("approved", True) else app.protected_unapproved.add)(cid)
                return Resp(200, {"ok": True})
            if len(parts) == 2 and parts[0] == "mutate" and parts[1] in MUTATIONS:
                res = getattr(app.tenant, parts[1])(**_decode_args(args))
                return Resp(200, {"result": _encode(res)})
            if len(parts) == 2 and parts[0] == "truth" and parts[1] in TRUTH:
                res = getattr(self.truth, parts[1])(**_decode_args(args))
                return Resp(200, {"result": _encode(res)})
        except SandboxError as e:
            return Resp(e.status, {"error": {"code": e.code, "message": e.message}})
        except (TypeError, ValueError, KeyError) as e:
            return Resp(400, {"error": {"code": "BadRequest", "message": str(e)}})
        return Resp(404, {"error": {"code": "NotFound", "message": f"No admin endpoint {method} {path}"}})
