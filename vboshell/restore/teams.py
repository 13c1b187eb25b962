"""Teams restore and export (VET): channel posts and replies back into a channel through Graph (replies under
their restored root post), and a self-contained HTML export of a channel's conversation (sanitised bodies)."""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

from vboshell.restore.session import Entry, Operation

POST_TYPES = ("post", "reply")


def message_json(e: Entry) -> dict[str, Any]:
    try:
        data = json.loads(e.read() or b"{}")
        if isinstance(data, dict):
            return data
    except ValueError:
        pass
    return dict(e.meta)


def body_of(e: Entry) -> tuple[str, str]:
    """(contentType, content) of a post's body."""
    b = message_json(e).get("body") or {}
    if isinstance(b, dict):
        return str(b.get("contentType") or "html"), str(b.get("content") or "")
    return "text", str(b)


def author_of(m: dict[str, Any]) -> str:
    frm = m.get("from") or {}
    if isinstance(frm, dict):
        for k in ("user", "application", "device"):
            if isinstance(frm.get(k), dict):
                return str(frm[k].get("displayName") or frm[k].get("id") or "")
    return ""


def parent_post_id(e: Entry) -> str | None:
    if e.type == "reply":
        return str(e.meta.get("replyToId") or e.version.parent_id or "") or None
    return None


MIGRATION_NOTE = ("Microsoft Teams accepts messages from an application only while a channel is being imported "
                  "(migration mode), so restored posts are imported into a new channel '{name}' of the team, with "
                  "their original authors and times; existing channels cannot receive them.")


def restore_posts(g: Any, entries: list[Entry], op: Operation, *, team_id: Callable[[Entry], str],
                  channel_id: Callable[[Entry], str | None], channel_name: Callable[[Entry], str],
                  restore_changed: bool = True, restore_missing: bool = True,
                  progress: Callable[[int, int, str], None] | None = None) -> None:
    """Restore posts and replies. Unchanged posts still in the channel are skipped; missing and changed ones are
    imported (roots first, replies under them) into a new channel created in migration mode — the only way an
    application may post — which is then completed. A reply's root is imported with it when it is not restored."""
    posts = [e for e in entries if e.type in POST_TYPES]
    groups: dict[tuple[str, str], list[Entry]] = {}
    for e in posts:
        groups.setdefault((team_id(e), channel_name(e)), []).append(e)
    done = 0
    for (gid, cname), group in groups.items():
        cid = None
        try:
            cid = channel_id(group[0])
        except Exception:  # noqa: BLE001 - the channel is gone: everything is missing
            cid = None
        try:
            existing = _existing(g, gid, cid) if cid else {}
        except Exception:  # noqa: BLE001
            existing = {}
        todo: list[Entry] = []
        for e in group:
            done += 1
            if progress:
                progress(done, len(posts), e.version.name)
            cur = existing.get(e.version.item_id)
            if cur is not None and not cur.get("deletedDateTime"):
                if str((cur.get("body") or {}).get("content") or "") == body_of(e)[1]:
                    op.skip(e, "The post exists unchanged.")
                    continue
                if not restore_changed:
                    op.skip(e, "The post was changed; not restored (use -RestoreChangedItem).")
                    continue
            elif not restore_missing:
                op.skip(e, "The post is missing; not restored (use -RestoreMissingItem).")
                continue
            todo.append(e)
        if not todo:
            continue
        by_id = {e.version.item_id: e for e in group}
        chosen = {e.version.item_id for e in todo}
        context = []
        for e in todo:
            root = parent_post_id(e) if e.type == "reply" else None
            if root and root not in chosen and root in by_id:
                chosen.add(root)
                context.append(by_id[root])
        _import_channel(g, gid, cname, todo, context, existing, op)


def _import_channel(g: Any, gid: str, cname: str, todo: list[Entry], context: list[Entry],
                    existing: dict[str, dict[str, Any]], op: Operation) -> None:
    items = todo + context
    items.sort(key=lambda e: (e.type != "post", str(message_json(e).get("createdDateTime") or "")))
    first = min((str(message_json(e).get("createdDateTime") or "") for e in items if message_json(e).get(
        "createdDateTime")), default="")
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H%M")
    name = f"{cname[:28]} (restored {stamp})"
    body: dict[str, Any] = {"displayName": name, "membershipType": "standard",
                            "description": f"Posts of '{cname}' restored by vboshell",
                            "@microsoft.graph.channelCreationMode": "migration"}
    if first:
        body["createdDateTime"] = first
    try:
        ch = g.post_json(f"/teams/{gid}/channels", body)
    except Exception as exc:  # noqa: BLE001
        msg = getattr(exc, "message", None) or str(exc)
        for e in todo:
            op.fail(e, f"Cannot create the channel to import posts into: {msg} (the application needs "
                       "Teamwork.Migrate.All)")
        return
    new_cid = str(ch["id"])
    op.warn(MIGRATION_NOTE.format(name=name))
    base = f"/teams/{gid}/channels/{quote(new_cid, safe='')}/messages"
    new_ids: dict[str, str] = {}
    ctx_ids = {e.version.item_id for e in context}
    for e in items:
        data = message_json(e)
        ctype, content = body_of(e)
        msg: dict[str, Any] = {"body": {"contentType": ctype, "content": content}}
        for k in ("subject", "createdDateTime", "from", "importance"):
            if data.get(k):
                msg[k] = data[k]
        url = base
        try:
            if e.type == "reply":
                root = parent_post_id(e) or ""
                if root not in new_ids:
                    op.fail(e, "The reply's root post is not in the backup; it cannot be imported.")
                    continue
                url = f"{base}/{new_ids[root]}/replies"
            new = g.post_json(url, msg)
            new_ids[e.version.item_id] = str(new.get("id"))
            if e.version.item_id in ctx_ids:
                op.success(e, f"Imported into '{name}' as the root of restored replies", merged=True)
            else:
                cur = existing.get(e.version.item_id)
                op.success(e, f"Imported into '{name}'", merged=cur is not None and not cur.get("deletedDateTime"))
        except Exception as exc:  # noqa: BLE001
            op.fail(e, f"Restore failed: {getattr(exc, 'message', None) or exc}")
    try:
        g.request("POST", f"/teams/{gid}/channels/{quote(new_cid, safe='')}/completeMigration")
    except Exception as exc:  # noqa: BLE001
        op.warn(f"Could not complete the migration of channel '{name}': {getattr(exc, 'message', None) or exc}")


def _existing(g: Any, gid: str, cid: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    base = f"/teams/{gid}/channels/{quote(cid, safe='')}/messages"
    for m in g.paged(base, params={"$top": 50}):
        out[str(m["id"])] = m
        try:
            for r in g.paged(f"{base}/{m['id']}/replies", params={"$top": 50}):
                out[str(r["id"])] = r
        except Exception:  # noqa: BLE001 - replies unreadable: treat as missing
            pass
    return out


# ---------------------------------------------------------------------------------------------------- HTML export


class _Sanitizer(HTMLParser):
    """Keeps formatting markup, drops scripts, styles, frames, event handlers and javascript: URLs."""

    DROP = {"script", "style", "iframe", "object", "embed", "frame", "frameset", "link", "meta", "base", "form"}
    VOID = {"br", "img", "hr", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.DROP:
            if tag not in self.VOID:
                self.skip += 1
            return
        if self.skip:
            return
        keep = []
        for k, v in attrs:
            if k.startswith("on") or k in ("style", "srcdoc"):
                continue
            if v and k in ("href", "src") and v.strip().lower().startswith(("javascript:", "vbscript:", "data:text")):
                continue
            if k == "src" and not (v or "").strip().lower().startswith("data:image/"):
                continue  # self-contained: no external fetches (hosted images need a signed-in Graph session)
            keep.append(f' {k}="{html.escape(v or "", quote=True)}"')
        self.out.append(f"<{tag}{''.join(keep)}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.DROP:
            self.skip = max(0, self.skip - 1)
            return
        if not self.skip and tag not in self.VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(html.escape(data, quote=False))


def sanitize_html(content: str) -> str:
    p = _Sanitizer()
    p.feed(content)
    p.close()
    return "".join(p.out)


_CSS = """body{font-family:Segoe UI,Helvetica,Arial,sans-serif;margin:2em;color:#242424;background:#f5f5f5}
h1{font-size:1.4em}.meta{color:#616161;font-size:.85em}.post{background:#fff;border-radius:6px;padding:1em;
margin:1em 0;box-shadow:0 1px 2px rgba(0,0,0,.15)}.reply{border-left:3px solid #6264a7;margin:.8em 0 0 1.5em;
padding:.2em .8em}.subject{font-weight:600}.deleted{opacity:.6}"""


def _when(v: Any) -> str:
    try:
        d = datetime.fromisoformat(str(v).replace("Z", "+00:00"))
        return d.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return str(v or "")


def _render(e: Entry, cls: str) -> str:
    m = message_json(e)
    ctype, content = body_of(e)
    body = sanitize_html(content) if ctype.lower() == "html" else html.escape(content).replace("\n", "<br>")
    subject = f'<div class="subject">{html.escape(str(m["subject"]))}</div>' if m.get("subject") else ""
    flag = " (deleted)" if e.deleted else ""
    return (f'<div class="{cls}{" deleted" if e.deleted else ""}" id="m{html.escape(e.version.item_id)}">'
            f'<div class="meta">{html.escape(author_of(m) or "Unknown")} &middot; '
            f'{html.escape(_when(m.get("createdDateTime")))}{flag}</div>{subject}<div class="body">{body}</div>')


def export_html(title: str, entries: Iterable[Entry], path: Path, *, op: Operation | None = None) -> Path:
    """One self-contained HTML file: root posts in time order, each followed by its replies."""
    posts = [e for e in entries if e.type in POST_TYPES]
    roots = sorted((e for e in posts if e.type == "post"), key=lambda e: str(e.meta.get("createdDateTime") or ""))
    replies: dict[str, list[Entry]] = {}
    for e in posts:
        if e.type == "reply":
            replies.setdefault(parent_post_id(e) or "", []).append(e)
    root_ids = {e.version.item_id for e in roots}
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
                  f"<style>{_CSS}</style></head><body>\n<h1>{html.escape(title)}</h1>\n"
                  f'<p class="meta">Exported by vboshell on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; '
                  f"{len(roots)} posts, {len(posts) - len(roots)} replies.</p>\n")
        for r in roots:
            out.write(_render(r, "post"))
            for rep in sorted(replies.get(r.version.item_id, []), key=lambda e: str(e.meta.get("createdDateTime"))):
                out.write(_render(rep, "reply") + "</div>")
            out.write("</div>\n")
            if op:
                op.success(r, f"Exported to {path}")
        orphans = [e for k, v in replies.items() if k not in root_ids for e in v]
        if orphans:
            out.write('<h2>Replies whose post is not in this export</h2>\n')
            for rep in orphans:
                out.write(_render(rep, "post") + "</div>\n")
        out.write("</body></html>\n")
    return path
