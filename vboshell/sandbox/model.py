"""The sandbox tenant's state: directory, mailboxes, drives, sites, lists and teams, generated from a spec + seed.
Item collections are lazy (a deterministic base layer computed from indexes plus an overlay of mutations), so a
1,000-user x 1,000-item tenant holds only small descriptors; a global change sequence drives every delta query."""

from __future__ import annotations

import base64
import datetime as dt
import email
import email.policy
import email.utils
import hashlib
import struct
import threading
import time
import uuid
from array import array
from collections.abc import Callable, Iterator
from typing import Any

from vboshell.sandbox import content as C

EPOCH = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


class SandboxError(Exception):
    """A lookup/mutation failure mapped by the HTTP layer to a Graph error body."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def not_found(code: str = "ErrorItemNotFound", message: str = "The specified object was not found in the store.") -> SandboxError:
    return SandboxError(404, code, message)


def iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def guid(*key: object) -> str:
    h = hashlib.blake2b(":".join(str(k) for k in key).encode(), digest_size=16).digest()
    return str(uuid.UUID(bytes=h, version=4))


def _b64u(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


def _unb64u(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


class Item:
    """One item of a collection (message, contact, event, driveItem, listItem, chatMessage)."""

    __slots__ = ("idx", "parent", "seq", "version", "name", "size", "created", "modified", "attrs", "content")

    def __init__(self, idx: int, parent: Any, name: str, size: int = 0, created: float = 0.0, modified: float = 0.0,
                 attrs: dict[str, Any] | None = None, content: bytes | None = None, seq: int = 0, version: int = 1) -> None:
        self.idx = idx
        self.parent = parent
        self.seq = seq
        self.version = version
        self.name = name
        self.size = size
        self.created = created
        self.modified = modified or created
        self.attrs = attrs if attrs is not None else {}
        self.content = content

    def copy(self) -> Item:
        return Item(self.idx, self.parent, self.name, self.size, self.created, self.modified, dict(self.attrs),
                    self.content, self.seq, self.version)


class Container:
    """A collection with a deterministic base layer (indexes 0..base_count-1) plus an overlay of changes."""

    def __init__(self, tenant: Tenant, kind: str, key: str, base_count: int,
                 gen: Callable[[Container, int], Item], layout: Callable[[Container], dict[Any, Any]]) -> None:
        self.tenant = tenant
        self.cno = len(tenant.containers)
        tenant.containers.append(self)
        self.kind = kind
        self.key = key
        self.base_count = base_count
        self._gen = gen
        self._layout_fn = layout
        self._layout: dict[Any, Any] | None = None
        self.overlay: dict[int, Item | None] = {}
        self.next_idx = base_count
        self.tombstones: list[tuple[int, int, Any]] = []  # (seq, idx, parent)
        self.owner: Any = None
        # writes per parent (folder): what was computed from a folder's items stays valid until its count moves
        self.changes: dict[Any, int] = {}

    # --- reading ---
    def layout(self) -> dict[Any, Any]:
        if self._layout is None:
            self._layout = self._layout_fn(self)
        return self._layout

    def get(self, idx: int) -> Item | None:
        if idx in self.overlay:
            return self.overlay[idx]
        if 0 <= idx < self.base_count:
            cache = self.tenant._base_items
            key = (self.cno, idx)
            it = cache.get(key)
            if it is None:
                it = self._gen(self, idx)
                if len(cache) > 4096:
                    cache.clear()
                cache[key] = it
            return it
        return None

    def get_base(self, idx: int) -> Item:
        """The generated item at a base index (whatever the overlay holds for it)."""
        return self._gen(self, idx)

    def base_indices(self, parent: Any) -> Any:
        return self.layout().get(parent, ())

    def items(self, parent: Any = ..., max_seq: int | None = None) -> Iterator[Item]:
        """Current items (optionally only under `parent`), ordered by (seq, idx)."""
        ov = self.overlay
        if parent is ...:
            base: Any = range(self.base_count)
        else:
            base = self.base_indices(parent)
        for i in base:
            if i not in ov:
                yield self._gen(self, i)
        extra = [it for it in ov.values() if it is not None and (parent is ... or it.parent == parent)]
        extra.sort(key=lambda it: (it.seq, it.idx))
        for it in extra:
            if max_seq is None or it.seq <= max_seq:
                yield it

    def count(self, parent: Any = ...) -> int:
        ov = self.overlay
        base = range(self.base_count) if parent is ... else self.base_indices(parent)
        n = sum(1 for i in base if i not in ov) if ov else len(base)
        return n + sum(1 for it in ov.values() if it is not None and (parent is ... or it.parent == parent))

    def page(self, parent: Any, since: int | None, until: int, cursor: tuple[int, int] | None, limit: int
             ) -> tuple[list[tuple[Item | None, int, Any]], tuple[int, int] | None]:
        """One delta page: [(item or None for a removal, idx, parent)] with key > cursor, and the next cursor (None = done).
        since=None is an initial round (current items only); otherwise changes with since < seq <= until, each item at
        most once per round (its current state, or one removal if it is gone from `parent`). Keys are (seq, idx)."""
        out: list[tuple[tuple[int, int], Item | None, int, Any]] = []
        ov = self.overlay
        cur = cursor or (-1, -1)
        if since is None and cur[0] <= 0:
            base = self.base_indices(parent) if parent is not ... else range(self.base_count)
            for i in base:
                if (0, i) <= cur or i in ov:
                    continue
                out.append(((0, i), self._gen(self, i), i, parent))
                if len(out) > limit:
                    break
        if len(out) <= limit:
            lo = -1 if since is None else since
            cands: list[tuple[tuple[int, int], Item | None, int, Any]] = []
            present: set[int] = set()
            for it in ov.values():
                if it is None or (parent is not ... and it.parent != parent):
                    continue
                if lo < it.seq <= until and (it.seq, it.idx) > cur:
                    cands.append(((it.seq, it.idx), it, it.idx, it.parent))
                present.add(it.idx)
            if since is not None:
                latest: dict[int, tuple[int, Any]] = {}  # the last removal of each item from `parent` in the round
                for seq, idx, par in self.tombstones:
                    if since < seq <= until and (parent is ... or par == parent):
                        if idx not in latest or seq > latest[idx][0]:
                            latest[idx] = (seq, par)
                for idx, (seq, par) in latest.items():
                    back = ov.get(idx)
                    if (seq, idx) > cur and not (idx in present and back is not None and back.seq > since):
                        cands.append(((seq, idx), None, idx, par))
            cands.sort(key=lambda c: c[0])
            for c in cands:
                out.append(c)
                if len(out) > limit:
                    break
        rows = [(it, idx, par) for _key, it, idx, par in out]
        if len(out) > limit:
            return rows[:limit], out[limit - 1][0]
        return rows, None

    # --- writing ---
    def put(self, it: Item) -> Item:
        old = self.get(it.idx)
        it.seq = self.tenant.next_seq()
        if old is not None and old.parent != it.parent:
            self.tombstones.append((it.seq, it.idx, old.parent))
            self._changed(old.parent)
        self.overlay[it.idx] = it
        self._changed(it.parent)
        return it

    def _changed(self, parent: Any) -> None:
        self.changes[parent] = self.changes.get(parent, 0) + 1

    def add(self, parent: Any, name: str, **kw: Any) -> Item:
        idx = self.next_idx
        self.next_idx += 1
        now = time.time()
        it = Item(idx, parent, name, created=kw.pop("created", now), modified=kw.pop("modified", now), **kw)
        return self.put(it)

    def seed_item(self, parent: Any, name: str, **kw: Any) -> Item:
        """An item that is part of the generated tenant (seq 0, not a change)."""
        idx = self.next_idx
        self.next_idx += 1
        it = Item(idx, parent, name, **kw)
        self.overlay[idx] = it
        self._changed(parent)
        return it

    def update(self, idx: int, **changes: Any) -> Item:
        cur = self.get(idx)
        if cur is None:
            raise not_found()
        it = cur.copy()
        if "name" in changes and "gen" not in it.attrs:
            it.attrs["gen"] = cur.name  # generated content keeps depending on the original name
        for k, v in changes.items():
            if k in ("parent", "name", "size", "content", "created"):
                setattr(it, k, v)
            else:
                it.attrs[k] = v
        it.version += 1
        it.modified = time.time()
        return self.put(it)

    def touch(self, idx: int, **attrs: Any) -> Item:
        """A change visible to delta (new seq) that is not an edit (version unchanged)."""
        cur = self.get(idx)
        if cur is None:
            raise not_found()
        it = cur.copy()
        it.attrs.update(attrs)
        return self.put(it)

    def remove(self, idx: int) -> None:
        cur = self.get(idx)
        if cur is None:
            raise not_found()
        seq = self.tenant.next_seq()
        self.overlay[idx] = None
        self.tombstones.append((seq, idx, cur.parent))
        self._changed(cur.parent)


# ----------------------------------------------------------------------------------------------------------------
# directory objects

class User:
    __slots__ = ("index", "id", "upn", "display_name", "given", "surname", "mail", "purpose", "account_enabled",
                 "user_type", "listed", "has_mailbox", "has_archive", "has_drive", "rest_enabled", "job_title",
                 "department", "created", "licensed", "alias", "seq", "deleted")

    def __init__(self, **kw: Any) -> None:
        for k in self.__slots__:
            setattr(self, k, kw.get(k))
        self.seq = self.seq or 0
        self.deleted = bool(self.deleted)


class Group:
    __slots__ = ("id", "display_name", "mail", "nickname", "group_types", "mail_enabled", "security_enabled", "rpo",
                 "visibility", "members", "owners", "listed", "kind", "description", "created", "site_id")

    def __init__(self, **kw: Any) -> None:
        for k in self.__slots__:
            setattr(self, k, kw.get(k))


class Folder:
    __slots__ = ("id", "name", "parent_id", "well_known", "hidden", "seq", "version", "fclass")

    def __init__(self, id: str, name: str, parent_id: str, well_known: str | None = None, hidden: bool = False,
                 fclass: str = "IPF.Note") -> None:
        self.id = id
        self.name = name
        self.parent_id = parent_id
        self.well_known = well_known
        self.hidden = hidden
        self.seq = 0
        self.version = 1
        self.fclass = fclass


class Mailbox:
    """A primary or archive mailbox: a folder tree plus message/contact/event containers."""

    def __init__(self, user: User, kind: str) -> None:
        self.user = user
        self.kind = kind
        self.id = "MBX:" + guid("mbx", user.id, kind)[:8] + "@" + guid("mbxdb", user.id)[:8]
        self.folders: dict[str, Folder] = {}
        self.folder_tombstones: list[tuple[int, str, str]] = []  # (seq, id, parent)
        self.messages: Container
        self.contacts: Container | None = None
        self.events: Container | None = None
        self.contact_folders: dict[str, Folder] = {}
        self.calendars: dict[str, Folder] = {}
        self.root_id = ""

    def folder(self, ref: str) -> Folder:
        f = self.folders.get(ref)
        if f is not None:
            return f
        low = ref.lower()
        for f in self.folders.values():
            if f.well_known == low:
                return f
        # a display-name path like "Inbox/Projects"
        parts = [p for p in ref.split("/") if p]
        parent = self.root_id
        found: Folder | None = None
        for p in parts:
            found = next((f for f in self.folders.values() if f.parent_id == parent and f.name.lower() == p.lower()), None)
            if found is None:
                break
            parent = found.id
        if found is None:
            raise not_found()
        return found

    def in_ipm(self, fid: str) -> bool:
        """Whether a folder is under msgfolderroot (what mailFolders and mailFolders/delta enumerate)."""
        f = self.folders.get(fid)
        guard = 0
        while f is not None and guard < 64:
            if f.id == self.root_id:
                return True
            f = self.folders.get(f.parent_id)
            guard += 1
        return False

    def path_of(self, fid: str) -> str:
        parts: list[str] = []
        f = self.folders.get(fid)
        while f is not None and f.id != self.root_id:
            parts.append(f.name)
            f = self.folders.get(f.parent_id)
        return "/".join(reversed(parts))

    def children(self, fid: str, hidden: bool = True) -> list[Folder]:
        return [f for f in self.folders.values() if f.parent_id == fid and (hidden or not f.hidden)]


class Drive:
    def __init__(self, id: str, name: str, drive_type: str, owner_kind: str, owner_id: str, owner_name: str,
                 web_url: str) -> None:
        self.id = id
        self.name = name
        self.drive_type = drive_type
        self.owner_kind = owner_kind
        self.owner_id = owner_id
        self.owner_name = owner_name
        self.web_url = web_url
        self.items: Container
        self.created = EPOCH.timestamp() - 400 * 86400
        self.quota_total = 1024 ** 4
        self.list_id = ""

    def item_id(self, idx: int) -> str:
        raw = struct.pack(">II", self.items.cno, idx) + hashlib.blake2b(f"{self.id}:{idx}".encode(), digest_size=8).digest()
        return "01" + base64.b32encode(raw).decode().rstrip("=")

    def parse_id(self, item_id: str) -> int:
        if item_id == "root":
            return 0
        try:
            raw = base64.b32decode(item_id[2:] + "=" * (-len(item_id[2:]) % 8))
            cno, idx = struct.unpack(">II", raw[:8])
        except Exception as e:
            raise SandboxError(400, "invalidRequest", "Invalid request") from e
        if cno != self.items.cno or raw[8:] != hashlib.blake2b(f"{self.id}:{idx}".encode(), digest_size=8).digest():
            raise SandboxError(404, "itemNotFound", "The resource could not be found.")
        return idx

    def path_of(self, it: Item) -> str:
        parts: list[str] = []
        cur: Item | None = it
        guard = 0
        while cur is not None and cur.idx != 0 and guard < 100:
            parts.append(cur.name)
            cur = self.items.get(cur.parent) if cur.parent is not None else None
            guard += 1
        return "/".join(reversed(parts))


class SPList:
    def __init__(self, id: str, name: str, display_name: str, template: str, hidden: bool = False,
                 system: bool = False) -> None:
        self.id = id
        self.name = name
        self.display_name = display_name
        self.template = template
        self.hidden = hidden
        self.system = system
        self.items: Container | None = None
        self.drive_id: str | None = None
        self.created = EPOCH.timestamp() - 300 * 86400


class Site:
    def __init__(self, id: str, name: str, display_name: str, web_url: str, hostname: str, is_root: bool,
                 template: str, owner: str) -> None:
        self.id = id
        self.name = name
        self.display_name = display_name
        self.web_url = web_url
        self.hostname = hostname
        self.is_root = is_root
        self.template = template
        self.owner = owner
        self.drives: list[Drive] = []
        self.lists: list[SPList] = []
        self.created = EPOCH.timestamp() - 500 * 86400
        self.group_id: str | None = None
        self.personal = False


class Channel:
    def __init__(self, id: str, name: str, membership: str, description: str) -> None:
        self.id = id
        self.display_name = name
        self.membership_type = membership
        self.description = description
        self.messages: Container
        self.base_ms = 0
        self.created = EPOCH.timestamp() - 200 * 86400
        self.migration = False  # created with channelCreationMode "migration" and not completed yet


class Chat:
    def __init__(self, id: str, chat_type: str, topic: str | None, members: list[str], created: float) -> None:
        self.id = id
        self.chat_type = chat_type
        self.topic = topic
        self.members = members
        self.created = created
        self.messages: Container
        self.base_ms = int(created * 1000)


class Team:
    def __init__(self, group: Group) -> None:
        self.group = group
        self.channels: list[Channel] = []
        self.site: Site | None = None


# ----------------------------------------------------------------------------------------------------------------

WELL_KNOWN = [("inbox", "Inbox"), ("drafts", "Drafts"), ("sentitems", "Sent Items"), ("deleteditems", "Deleted Items"),
              ("junkemail", "Junk Email"), ("archive", "Archive"), ("outbox", "Outbox"),
              ("conversationhistory", "Conversation History")]

FOLDER_WORDS = ["Projects", "Receipts", "Newsletters", "Clients", "Travel", "Finance", "Team", "Reports", "Archive 2024",
                "Photos", "Contracts", "Design", "Legal", "Marketing", "Research"]
EXTS = [".docx", ".xlsx", ".pptx", ".pdf", ".txt", ".png", ".jpg", ".csv", ".zip", ".md"]


class Tenant:
    """The whole demo organization. All access goes through `lock` (the server thread and tests share it)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.seed = int(spec.get("seed", 42))
        t = spec.get("tenant", {})
        self.short = str(t.get("name", "contoso")).lower()
        self.name = f"{self.short}.onmicrosoft.com"
        self.display_name = str(t.get("displayName", "Contoso Ltd"))
        self.sp_host = f"{self.short}.sharepoint.com"
        self.id = guid(self.seed, "tenant", self.short)
        self.lock = threading.RLock()
        self._seq = 0
        self.containers: list[Container] = []
        self.users: list[User] = []
        self.users_by_id: dict[str, User] = {}
        self.groups: list[Group] = []
        self.groups_by_id: dict[str, Group] = {}
        self.mailboxes: dict[str, Mailbox] = {}
        self.archives: dict[str, Mailbox] = {}
        self.drives: dict[str, Drive] = {}
        self.user_drive: dict[str, Drive] = {}
        self.sites: list[Site] = []
        self.sites_by_id: dict[str, Site] = {}
        self.teams: dict[str, Team] = {}
        self.chats: list[Chat] = []
        self.chats_by_id: dict[str, Chat] = {}
        self.delta_epoch = 0  # delta tokens issued before an epoch bump get 410
        self._base_items: dict[tuple[int, int], Item] = {}  # recently generated base items (read-only)
        self._hashes: dict[tuple[int, int, int, int], str] = {}  # quickXorHash per (container, idx, version, seq)
        self._mime: dict[tuple[int, int, int, int], bytes] = {}  # small MIME cache (bench: repeated $value GETs)
        self.generate()

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    @property
    def seq(self) -> int:
        return self._seq

    # ------------------------------------------------------------------------------------------------ generation
    def generate(self) -> None:
        s = self.spec
        self._gen_users(s)
        self._gen_groups(s)
        for u in self.users:
            if u.has_mailbox:
                self._gen_mailbox(u, "primary")
            if u.has_archive:
                self._gen_mailbox(u, "archive")
            if u.has_drive:
                self._gen_user_drive(u)
        self._gen_large_items(s)
        self._gen_sites(s)
        self._gen_teams(s)
        self._gen_chats(s)
        self._gen_special(s)

    def _gen_users(self, s: dict[str, Any]) -> None:
        us = s.get("users", {})
        n = int(us.get("count", 8))
        n_arch = int(us.get("archive", 0))
        no_drive = int(us.get("noDrive", 0))
        depts = ["Sales", "Engineering", "Finance", "Marketing", "Operations", "Legal", "HR"]
        for i in range(n):
            first = C.FIRST[i % len(C.FIRST)]
            last = C.LAST[(i * 7 + 3) % len(C.LAST)]
            alias = first.lower() if i < len(C.FIRST) else f"{first.lower()}.{last.lower()}{i}"
            self._add_user(alias, f"{first} {last}", "user", given=first, surname=last, has_archive=i < n_arch,
                           has_drive=i < n - no_drive, job=["Manager", "Analyst", "Engineer", "Consultant"][i % 4],
                           dept=depts[i % len(depts)])
        for kind, key, _label in (("shared", "shared", "Shared Mailbox"), ("room", "rooms", "Conference Room"),
                                 ("equipment", "equipment", "Projector")):
            for j in range(int(s.get(key, 0))):
                alias = {"shared": ["info", "support", "sales"], "room": ["room.alpha", "room.beta", "room.gamma"],
                         "equipment": ["projector1", "van1", "camera1"]}[kind][j % 3] + ("" if j < 3 else str(j))
                name = {"shared": ["Info", "Support", "Sales Desk"], "room": ["Conference Room Alpha", "Conference Room Beta",
                                                                               "Conference Room Gamma"],
                        "equipment": ["Projector 1", "Delivery Van", "Camera Kit"]}[kind][j % 3]
                self._add_user(alias, name, kind, account_enabled=False, has_drive=False, licensed=False)
        for j in range(int(s.get("publicFolderMailboxes", 0))):
            self._add_user(f"pfmailbox{j + 1}", f"Public Folder Mailbox {j + 1}", "publicFolder", account_enabled=False,
                           has_drive=False, listed=False, licensed=False)
        for j in range(int(s.get("discoveryMailboxes", 0))):
            self._add_user(f"DiscoverySearchMailbox{'' if j == 0 else j}", "Discovery Search Mailbox", "discovery",
                           account_enabled=False, has_drive=False, listed=False, licensed=False)

    def _add_user(self, alias: str, display: str, purpose: str, *, given: str | None = None, surname: str | None = None,
                  account_enabled: bool = True, has_archive: bool = False, has_drive: bool = True, listed: bool = True,
                  licensed: bool = True, job: str | None = None, dept: str | None = None) -> User:
        upn = f"{alias}@{self.name}"
        r = C.rng(self.seed, "user", alias)
        u = User(index=len(self.users), id=guid(self.seed, "user", alias), upn=upn, display_name=display, given=given,
                 surname=surname, mail=upn, purpose=purpose, account_enabled=account_enabled, user_type="Member",
                 listed=listed, has_mailbox=True, has_archive=has_archive, has_drive=has_drive, rest_enabled=True,
                 job_title=job, department=dept, created=EPOCH.timestamp() - r.randint(400, 1500) * 86400,
                 licensed=licensed, alias=alias)
        self.users.append(u)
        self.users_by_id[u.id] = u
        return u

    def _gen_groups(self, s: dict[str, Any]) -> None:
        gs = s.get("groups", {})
        regular = [u for u in self.users if u.purpose == "user"]
        names = ["Marketing", "Project Phoenix", "Sales Team", "Engineering", "Leadership", "Finance Team", "HR Team",
                 "Support Crew", "Design Studio", "Operations"]

        def members(key: str, k: int) -> list[str]:
            r = C.rng(self.seed, "members", key)
            if not regular:
                return []
            pick = r.sample(regular, min(len(regular), max(1, k)))
            return [u.id for u in sorted(pick, key=lambda u: u.index)]

        n_teams = int(gs.get("teams", 0))
        for i in range(int(gs.get("unified", 0))):
            name = names[i % len(names)] + ("" if i < len(names) else f" {i}")
            nick = name.replace(" ", "").lower()
            g = Group(id=guid(self.seed, "group", nick), display_name=name, mail=f"{nick}@{self.name}", nickname=nick,
                      group_types=["Unified"], mail_enabled=True, security_enabled=False,
                      rpo=["Team"] if i < n_teams else [], visibility="Private" if i % 3 == 2 else "Public",
                      members=members(nick, 4), listed=True, kind="unified", description=f"{name} group")
            g.owners = g.members[:1]
            self._add_group(g)
        for i in range(int(gs.get("security", 0))):
            name = f"SG {['VPN Users', 'Admins', 'Contractors', 'Printers'][i % 4]}" + ("" if i < 4 else f" {i}")
            nick = name.replace(" ", "").lower()
            self._add_group(Group(id=guid(self.seed, "group", nick), display_name=name, mail=None, nickname=nick,
                                  group_types=[], mail_enabled=False, security_enabled=True, rpo=[], visibility=None,
                                  members=members(nick, 3), owners=[], listed=True, kind="security", description=name))
        for i in range(int(gs.get("distribution", 0))):
            name = ["All Staff", "Newsletter", "Announcements"][i % 3] + ("" if i < 3 else f" {i}")
            nick = name.replace(" ", "").lower()
            self._add_group(Group(id=guid(self.seed, "group", nick), display_name=name, mail=f"{nick}@{self.name}",
                                  nickname=nick, group_types=[], mail_enabled=True, security_enabled=False, rpo=[],
                                  visibility=None, members=members(nick, 5), owners=[], listed=True, kind="distribution",
                                  description=name))
        for i in range(int(gs.get("dynamicDistribution", 0))):
            name = f"Dynamic - {['All Sales', 'All Managers'][i % 2]}" + ("" if i < 2 else f" {i}")
            nick = name.replace(" ", "").replace("-", "").lower()
            self._add_group(Group(id=guid(self.seed, "group", nick), display_name=name, mail=f"{nick}@{self.name}",
                                  nickname=nick, group_types=[], mail_enabled=True, security_enabled=False, rpo=[],
                                  visibility=None, members=[], owners=[], listed=False, kind="dynamicDistribution",
                                  description="Recipient filter: Department -eq 'Sales'"))

    def _add_group(self, g: Group) -> None:
        g.created = EPOCH.timestamp() - 300 * 86400
        self.groups.append(g)
        self.groups_by_id[g.id] = g

    # --- mail ---
    def outlook_id(self, prefix: str, cno: int, idx: int) -> str:
        raw = struct.pack(">II", cno, idx) + hashlib.blake2b(f"{self.seed}:{cno}:{idx}".encode(), digest_size=10).digest()
        return prefix + _b64u(raw)

    def parse_outlook_id(self, oid: str, prefix: str) -> tuple[Container, int]:
        if not oid.startswith(prefix):
            raise SandboxError(400, "ErrorInvalidIdMalformed", "Id is malformed.")
        try:
            raw = _unb64u(oid[len(prefix):])
            cno, idx = struct.unpack(">II", raw[:8])
        except Exception as e:
            raise SandboxError(400, "ErrorInvalidIdMalformed", "Id is malformed.") from e
        if cno >= len(self.containers) or raw[8:] != hashlib.blake2b(f"{self.seed}:{cno}:{idx}".encode(), digest_size=10).digest():
            raise not_found()
        return self.containers[cno], idx

    def _gen_mailbox(self, u: User, kind: str) -> None:
        mb = Mailbox(u, kind)
        s = self.spec
        ms = s.get("mail", {})
        r = C.rng(self.seed, "folders", u.id, kind)

        def fid(name: str) -> str:
            return "AAMkAF" + _b64u(hashlib.blake2b(f"{self.seed}:{u.id}:{kind}:{name}".encode(), digest_size=24).digest())

        root = Folder(fid("root"), "Top of Information Store", "", "msgfolderroot")
        mb.root_id = root.id
        mb.folders[root.id] = root
        for wk, name in WELL_KNOWN:
            mb.folders[fid(wk)] = Folder(fid(wk), name, root.id, wk)
        mb.folders[fid("syncissues")] = Folder(fid("syncissues"), "Sync Issues", root.id, "syncissues", hidden=True)
        # the Recoverable Items subtree sits beside the IPM subtree: reachable by well-known name, not listed
        rroot = Folder(fid("recoverableitemsroot"), "Recoverable Items", "", "recoverableitemsroot", hidden=True)
        mb.folders[rroot.id] = rroot
        mb.folders[fid("recoverableitemsdeletions")] = Folder(fid("recoverableitemsdeletions"), "Deletions", rroot.id,
                                                             "recoverableitemsdeletions", hidden=True)
        inbox = fid("inbox")
        custom: list[str] = []
        if u.purpose in ("user", "shared"):
            k = 2 + r.randint(0, 2)
            words = r.sample(FOLDER_WORDS, k)
            for j, w in enumerate(words):
                parent = inbox if j < 2 else root.id
                f = Folder(fid("c" + w), w, parent)
                mb.folders[f.id] = f
                custom.append(f.id)
            sub = Folder(fid("sub" + words[0]), "2025", custom[0])
            mb.folders[sub.id] = sub
            custom.append(sub.id)
        # distribute base messages over folders
        n = int(ms.get("archiveMessages" if kind == "archive" else "messagesPerMailbox", 0))
        if u.purpose in ("room", "equipment", "publicFolder", "discovery"):
            n = min(n, 3)
        weights = [(inbox, 5), (fid("sentitems"), 3), (fid("deleteditems"), 1), (fid("drafts"), 1), (fid("archive"), 1)]
        weights += [(c, 2) for c in custom]
        total_w = sum(w for _, w in weights)
        ranges: dict[Any, range] = {}
        start = 0
        for j, (f, w) in enumerate(weights):
            cnt = n - start if j == len(weights) - 1 else (n * w) // total_w
            ranges[f] = range(start, start + cnt)
            start += cnt
        fl = list(ranges.items())

        def layout(c: Container, _fl: list[tuple[Any, range]] = fl) -> dict[Any, Any]:
            return dict(_fl)

        mb.messages = Container(self, "message", f"{u.id}:{kind}:messages", n, self._gen_message, layout)
        mb.messages.owner = mb
        # contacts and calendar (primary only)
        if kind == "primary":
            cf = Folder(fid("contacts"), "Contacts", root.id, "contacts", fclass="IPF.Contact")
            mb.contact_folders[cf.id] = cf
            nc = int(s.get("contacts", {}).get("perMailbox", 0))
            mb.contacts = Container(self, "contact", f"{u.id}:contacts", nc, self._gen_contact,
                                    lambda c, _f=cf.id, _n=nc: {_f: range(_n)})
            mb.contacts.owner = mb
            cal = Folder(fid("calendar"), "Calendar", root.id, "calendar", fclass="IPF.Appointment")
            mb.calendars[cal.id] = cal
            ne = int(s.get("events", {}).get("perMailbox", 0))
            mb.events = Container(self, "event", f"{u.id}:events", ne, self._gen_event,
                                  lambda c, _f=cal.id, _n=ne: {_f: range(_n)})
            mb.events.owner = mb
        (self.archives if kind == "archive" else self.mailboxes)[u.id] = mb

    def _gen_message(self, c: Container, idx: int) -> Item:
        mb: Mailbox = c.owner
        r = C.rng(self.seed, "msg", c.cno, idx)
        parent = None
        for f, rg in c.layout().items():
            if idx in rg:
                parent = f
                break
        u = mb.user
        others = self.users
        folder = mb.folders.get(parent) if parent else None
        wk = folder.well_known if folder else None
        if r.random() < 0.35:
            dom = r.choice(C.EXTERNAL)
            fn = r.choice(C.FIRST)
            sender = (f"{fn} {r.choice(C.LAST)}", f"{fn.lower()}@{dom}")
        else:
            o = others[r.randrange(len(others))]
            sender = (o.display_name, o.mail)
        to = [(u.display_name, u.mail)]
        if wk in ("sentitems", "drafts"):
            to = [sender]
            sender = (u.display_name, u.mail)
        received = EPOCH.timestamp() - r.randint(3600, 360 * 86400)
        atts: list[tuple[str, str, int]] = []
        rate = float(self.spec.get("mail", {}).get("attachmentRate", 0.3))
        if r.random() < rate:
            for k in range(r.randint(1, 2)):
                ext = r.choice([".pdf", ".docx", ".xlsx", ".png", ".txt"])
                atts.append((f"{r.choice(C.WORDS)}-{k + 1}{ext}", C.mime_type(ext), r.randint(2000, 60000)))
        subject = C.sentence(r, 3, 7)
        return Item(idx, parent, subject, created=received, modified=received + r.randint(0, 3600),
                    attrs={"from": sender, "to": to, "received": received, "isRead": r.random() < 0.7,
                           "isDraft": wk == "drafts", "atts": atts, "importance": "normal",
                           "imid": f"<{hashlib.md5(f'{self.seed}{c.cno}{idx}'.encode()).hexdigest()[:20]}@{self.name}>"})

    def _gen_contact(self, c: Container, idx: int) -> Item:
        r = C.rng(self.seed, "contact", c.cno, idx)
        fn, ln = r.choice(C.FIRST), r.choice(C.LAST)
        parent = next(iter(c.layout()))
        return Item(idx, parent, f"{fn} {ln}", created=EPOCH.timestamp() - r.randint(10, 500) * 86400,
                    attrs={"givenName": fn, "surname": ln, "email": f"{fn.lower()}.{ln.lower()}@{r.choice(C.EXTERNAL)}",
                           "company": r.choice(["Fabrikam", "Northwind", "Adatum", "Tailspin"]),
                           "phone": f"+1 555 {r.randint(100, 999)} {r.randint(1000, 9999)}"})

    def _gen_event(self, c: Container, idx: int) -> Item:
        r = C.rng(self.seed, "event", c.cno, idx)
        parent = next(iter(c.layout()))
        start = EPOCH.timestamp() + r.randint(-60, 60) * 86400 + r.randint(8, 16) * 3600
        start -= start % 1800
        return Item(idx, parent, C.sentence(r, 2, 5), created=start - 10 * 86400,
                    attrs={"start": start, "end": start + r.choice([1800, 3600, 5400]),
                           "location": r.choice(["Teams", "Room Alpha", "Room Beta", "Cafe"]), "body": C.sentence(r, 6, 12),
                           "isAllDay": False, "showAs": "busy"})

    # --- drives ---
    def _new_drive(self, key: str, name: str, drive_type: str, owner_kind: str, owner_id: str, owner_name: str,
                   web_url: str, n_folders: int, n_files: int, max_bytes: int) -> Drive:
        did = "b!" + _b64u(hashlib.blake2b(f"{self.seed}:drive:{key}".encode(), digest_size=30).digest())
        d = Drive(did, name, drive_type, owner_kind, owner_id, owner_name, web_url)
        nf = n_folders
        total = 1 + nf + n_files

        def layout(c: Container, _nf: int = nf, _tot: int = total, _key: str = key) -> dict[Any, Any]:
            r = C.rng(self.seed, "dlayout", _key)
            par: dict[Any, Any] = {}
            for i in range(1, _tot):
                if i <= _nf:
                    p = 0 if i == 1 or r.random() < 0.6 else r.randint(1, i - 1)
                else:
                    p = 0 if r.random() < 0.3 or _nf == 0 else r.randint(1, _nf)
                par.setdefault(p, array("i")).append(i)
            return par

        def gen(c: Container, idx: int, _nf: int = nf, _mx: int = max_bytes) -> Item:
            if idx == 0:
                return Item(0, None, "root", created=d.created, attrs={"folder": True})
            par = c.tenant._drive_parent(c, idx)
            r = C.rng(self.seed, "ditem", c.cno, idx)
            created = EPOCH.timestamp() - r.randint(1, 300) * 86400
            if idx <= _nf:
                return Item(idx, par, f"{r.choice(FOLDER_WORDS)} {idx}", created=created, attrs={"folder": True})
            ext = r.choice(EXTS)
            name = f"{r.choice(C.WORDS)}-{r.choice(C.WORDS)}-{idx}{ext}"
            # log-uniform size mix between 100 B and max
            size = int(10 ** r.uniform(2, max(2.1, len(str(max(_mx, 200))) - 0.7)))
            size = max(1, min(size, _mx))
            return Item(idx, par, name, size=size, created=created, modified=created + r.randint(0, 86400 * 30))

        d.items = Container(self, "driveItem", key, total, gen, layout)
        d.items.owner = d
        self.drives[d.id] = d
        return d

    def _drive_parent(self, c: Container, idx: int) -> int:
        cache = c.__dict__.setdefault("_parent_cache", None)
        if cache is None:
            cache = array("i", [0] * c.base_count)
            for p, kids in c.layout().items():
                for k in kids:
                    cache[k] = p
            c.__dict__["_parent_cache"] = cache
        return int(cache[idx])

    def _gen_user_drive(self, u: User) -> None:
        od = self.spec.get("onedrive", {})
        personal = u.upn.replace("@", "_").replace(".", "_")
        d = self._new_drive(f"od:{u.id}", "OneDrive", "business", "user", u.id, u.display_name,
                            f"https://{self.short}-my.sharepoint.com/personal/{personal}/Documents",
                            int(od.get("folders", 3)), int(od.get("files", 10)), int(od.get("maxFileBytes", 200000)))
        self.user_drive[u.id] = d
        # the OneDrive's personal site (getAllSites lists it with isPersonalSite true)
        host = f"{self.short}-my.sharepoint.com"
        site = Site(f"{host},{guid(self.seed, 'sitecol', 'my', u.id)},{guid(self.seed, 'web', 'my', u.id)}", personal,
                    u.display_name, f"https://{host}/personal/{personal}", host, False, "SPSPERS", u.upn)
        site.personal = True
        site.drives.append(d)
        lib = SPList(guid(self.seed, "list", "my", u.id), "Documents", "Documents", "documentLibrary")
        lib.drive_id = d.id
        d.list_id = lib.id
        site.lists.append(lib)
        self.sites.append(site)
        self.sites_by_id[site.id] = site

    def _gen_large_items(self, s: dict[str, Any]) -> None:
        ms = s.get("mail", {})
        regular = [u for u in self.users if u.purpose == "user"]
        for k in range(int(ms.get("largeMessages", 0))):
            if not regular:
                break
            u = regular[(k + 1) % len(regular)]
            mb = self.mailboxes[u.id]
            inbox = mb.folder("inbox").id
            size = int(ms.get("largeMessageBytes", 4400000))
            o = regular[k % len(regular)]
            mb.messages.seed_item(inbox, f"Large design files {k + 1}", created=EPOCH.timestamp() - 86400 * (k + 2),
                                  attrs={"from": (o.display_name, o.mail), "to": [(u.display_name, u.mail)],
                                         "received": EPOCH.timestamp() - 86400 * (k + 2), "isRead": True, "isDraft": False,
                                         "atts": [(f"design-{k + 1}.zip", "application/zip", size)], "importance": "normal",
                                         "imid": f"<large{k}.{self.seed}@{self.name}>"})
        od = s.get("onedrive", {})
        users_with_drive = [u for u in regular if u.has_drive]
        for k in range(int(od.get("largeFiles", 0))):
            if not users_with_drive:
                break
            u = users_with_drive[k % len(users_with_drive)]
            d = self.user_drive[u.id]
            d.items.seed_item(0, f"video-recording-{k + 1}.mp4", size=int(od.get("largeFileBytes", 5000000)),
                              created=EPOCH.timestamp() - 86400 * 20)

    # --- sites, lists, teams ---
    def _site_id(self, key: str) -> str:
        return f"{self.sp_host},{guid(self.seed, 'sitecol', key)},{guid(self.seed, 'web', key)}"

    def _new_site(self, key: str, name: str, display: str, path: str, template: str, owner: str) -> Site:
        url = f"https://{self.sp_host}{path}"
        site = Site(self._site_id(key), name, display, url, self.sp_host, path == "", template, owner)
        sp = self.spec.get("sharepoint", {})
        d = self._new_drive(f"site:{key}:Documents", "Documents", "documentLibrary", "site", site.id, display,
                            url + "/Shared Documents", int(sp.get("libraryFolders", 2)), int(sp.get("libraryFiles", 8)),
                            int(self.spec.get("onedrive", {}).get("maxFileBytes", 200000)))
        site.drives.append(d)
        lib = SPList(guid(self.seed, "list", key, "Documents"), "Shared Documents", "Documents", "documentLibrary")
        lib.drive_id = d.id
        d.list_id = lib.id
        site.lists.append(lib)
        n_lists = int(sp.get("lists", 1))
        n_items = int(sp.get("listItems", 6))
        for j in range(n_lists):
            lname = ["Tasks", "Issue Tracker", "Contacts List", "Assets"][j % 4] + ("" if j < 4 else f" {j}")
            lst = SPList(guid(self.seed, "list", key, lname), lname.replace(" ", ""), lname, "genericList")
            lst.items = Container(self, "listItem", f"list:{key}:{lname}", n_items, self._gen_list_item,
                                  lambda c, _n=n_items: {None: range(_n)})
            lst.items.owner = lst
            site.lists.append(lst)
        if key == "root":
            # a second document library and a survey list (its "allow multiple responses" is a restore caveat)
            d2 = self._new_drive(f"site:{key}:Templates", "Templates", "documentLibrary", "site", site.id, display,
                                 url + "/Templates", 1, 4, 50000)
            site.drives.append(d2)
            lib2 = SPList(guid(self.seed, "list", key, "Templates"), "Templates", "Templates", "documentLibrary")
            lib2.drive_id = d2.id
            d2.list_id = lib2.id
            site.lists.append(lib2)
            sv = SPList(guid(self.seed, "list", key, "survey"), "CustomerSurvey", "Customer Survey", "survey")
            sv.items = Container(self, "listItem", f"list:{key}:survey", 3, self._gen_survey_item,
                                 lambda c: {None: range(3)})
            sv.items.owner = sv
            site.lists.append(sv)
        sysl = SPList(guid(self.seed, "list", key, "uil"), "User Information List", "User Information List",
                      "genericList", hidden=True, system=True)
        sysl.items = Container(self, "listItem", f"list:{key}:uil", 0, self._gen_list_item, lambda c: {})
        sysl.items.owner = sysl
        site.lists.append(sysl)
        self.sites.append(site)
        self.sites_by_id[site.id] = site
        return site

    def _gen_survey_item(self, c: Container, idx: int) -> Item:
        r = C.rng(self.seed, "survey", c.cno, idx)
        created = EPOCH.timestamp() - r.randint(1, 100) * 86400
        return Item(idx, None, f"Response {idx + 1}", created=created,
                    attrs={"Satisfaction": r.choice(["Very satisfied", "Satisfied", "Neutral", "Unsatisfied"]),
                           "Comments": C.sentence(r, 4, 10), "AllowMultipleResponses": False})

    def _gen_list_item(self, c: Container, idx: int) -> Item:
        r = C.rng(self.seed, "litem", c.cno, idx)
        created = EPOCH.timestamp() - r.randint(1, 200) * 86400
        return Item(idx, None, C.sentence(r, 2, 5), created=created, modified=created + r.randint(0, 86400 * 10),
                    attrs={"Status": r.choice(["Not Started", "In Progress", "Completed"]),
                           "Priority": r.choice(["(1) High", "(2) Normal", "(3) Low"]),
                           "PercentComplete": round(r.random(), 2), "DueDate": iso(created + 30 * 86400)})

    def _gen_sites(self, s: dict[str, Any]) -> None:
        admin = self.users[0].upn if self.users else ""
        self._new_site("root", "", "Communication site", "", "SITEPAGEPUBLISHING", admin)
        names = ["Intranet", "HR Portal", "Policies", "Projects Hub", "Brand Center", "Knowledge Base"]
        for j in range(int(s.get("sharepoint", {}).get("sites", 0))):
            nm = names[j % len(names)] + ("" if j < len(names) else f" {j}")
            path = "/sites/" + nm.replace(" ", "")
            self._new_site(f"comm:{nm}", nm.replace(" ", ""), nm, path, "SITEPAGEPUBLISHING", admin)
        for g in self.groups:
            if g.kind == "unified":
                site = self._new_site(f"group:{g.nickname}", g.nickname, g.display_name, f"/sites/{g.nickname}",
                                      "GROUP", g.mail or "")
                site.group_id = g.id
                g.site_id = site.id

    def _gen_teams(self, s: dict[str, Any]) -> None:
        ts = s.get("teams", {})
        n_ch = int(ts.get("channels", 2))
        posts = int(ts.get("posts", 3))
        replies = int(ts.get("replies", 2))
        chnames = ["Announcements", "Project Updates", "Random", "Design Reviews", "Support"]
        for g in self.groups:
            if "Team" not in (g.rpo or []):
                continue
            team = Team(g)
            team.site = self.sites_by_id.get(g.site_id or "")
            self.teams[g.id] = team
            for j in range(n_ch + 1):
                name = "General" if j == 0 else chnames[(j - 1) % len(chnames)] + ("" if j <= len(chnames) else f" {j}")
                hexid = hashlib.blake2b(f"{self.seed}:ch:{g.id}:{name}".encode(), digest_size=16).hexdigest()
                ch = Channel(f"19:{hexid}@thread.tacv2", name, "standard" if j < 2 or j % 3 else "private",
                             f"{name} channel of {g.display_name}")
                ch.base_ms = int((EPOCH.timestamp() - 180 * 86400) * 1000) + j * 1000
                per = replies + 1
                total = posts * per

                def layout(c: Container, _posts: int = posts, _per: int = per) -> dict[Any, Any]:
                    out: dict[Any, Any] = {None: range(0, _posts * _per, _per)}
                    for p in range(_posts):
                        out[p * _per] = range(p * _per + 1, p * _per + _per)
                    return out

                ch.messages = Container(self, "chatMessage", f"ch:{ch.id}", total,
                                        lambda c, idx, _per=per: self._gen_chat(c, idx, _per), layout)
                ch.messages.owner = (team, ch)
                team.channels.append(ch)
                if team.site and team.site.drives:
                    team.site.drives[0].items.seed_item(0, name, created=ch.created, attrs={"folder": True})

    def _gen_chats(self, s: dict[str, Any]) -> None:
        cs = s.get("chats", {})
        regular = [u for u in self.users if u.purpose == "user"]
        if len(regular) < 2:
            return
        n_msgs = int(cs.get("messages", 6))
        pairs: list[tuple[str, list[str]]] = []
        for k in range(int(cs.get("oneOnOne", 0))):
            a, b = regular[k % len(regular)], regular[(k + 1) % len(regular)]
            pairs.append(("oneOnOne", [a.id, b.id]))
        for k in range(int(cs.get("group", 0))):
            r = C.rng(self.seed, "groupchat", k)
            pick = r.sample(regular, min(len(regular), 3 + k % 3))
            pairs.append(("group", [u.id for u in pick]))
        for k, (kind, members) in enumerate(pairs):
            hexid = hashlib.blake2b(f"{self.seed}:chat:{k}:{':'.join(members)}".encode(), digest_size=16).hexdigest()
            cid = f"19:{hexid}@unq.gbl.spaces" if kind == "oneOnOne" else f"19:{hexid}@thread.v2"
            created = EPOCH.timestamp() - (90 - k % 60) * 86400
            topic = None if kind == "oneOnOne" else f"{C.rng(self.seed, 'topic', k).choice(C.WORDS).capitalize()} chat"
            chat = Chat(cid, kind, topic, members, created)

            def gen(c: Container, idx: int) -> Item:
                ch: Chat = c.owner
                r = C.rng(self.seed, "chatmsg", c.cno, idx)
                return Item(idx, None, "", created=ch.created + idx * 1800,
                            attrs={"from": ch.members[idx % len(ch.members)], "body": f"<p>{C.sentence(r, 4, 12)}</p>",
                                   "deleted": None, "subject": None})

            chat.messages = Container(self, "chatMessage", f"chat:{cid}", n_msgs, gen,
                                      lambda c, _n=n_msgs: {None: range(_n)})
            chat.messages.owner = chat
            self.chats.append(chat)
            self.chats_by_id[cid] = chat

    def _gen_chat(self, c: Container, idx: int, per: int) -> Item:
        team, ch = c.owner
        r = C.rng(self.seed, "chat", c.cno, idx)
        members = team.group.members or [self.users[0].id]
        author = self.users_by_id[members[r.randrange(len(members))]]
        parent = None if idx % per == 0 else idx - idx % per
        created = ch.base_ms / 1000 + idx * 3600
        return Item(idx, parent, "", created=created,
                    attrs={"from": author.id, "body": f"<p>{C.paragraph(r, 1)}</p>", "deleted": None,
                           "subject": C.sentence(r, 2, 4) if parent is None else None})

    def chat_id(self, ch: Channel | Chat, idx: int) -> str:
        return str(ch.base_ms + idx * 7919)

    def chat_idx(self, ch: Channel | Chat, mid: str) -> int:
        try:
            v = int(mid) - ch.base_ms
        except ValueError as e:
            raise SandboxError(404, "NotFound", "Message not found") from e
        if v < 0 or v % 7919:
            raise SandboxError(404, "NotFound", "Message not found")
        return v // 7919

    def _gen_special(self, s: dict[str, Any]) -> None:
        regular = [u for u in self.users if u.purpose == "user"]
        if not regular:
            return
        alice = regular[0]
        mb = self.mailboxes[alice.id]
        inbox = mb.folder("inbox").id
        t = EPOCH.timestamp() - 5 * 86400
        mb.messages.seed_item(inbox, "Invoice INV-2026-0042 from Fabrikam", created=t,
                              attrs={"from": ("Fabrikam Billing", "billing@fabrikam.com"),
                                     "to": [(alice.display_name, alice.mail)], "received": t, "isRead": False,
                                     "isDraft": False, "atts": [("INV-2026-0042.pdf", "application/pdf", 48213)],
                                     "importance": "high", "imid": f"<inv-2026-0042.{self.seed}@fabrikam.com>"})
        if s.get("onedrive", {}).get("oneNote", True) and alice.has_drive:
            d = self.user_drive[alice.id]
            nbs = d.items.seed_item(0, "Notebooks", created=t, attrs={"folder": True})
            nb = d.items.seed_item(nbs.idx, "Work Notebook", created=t, attrs={"folder": True, "package": "oneNote"})
            for nm, sz in (("Open Notebook.onetoc2", 4096), ("Meetings.one", 36864), ("Ideas.one", 24576)):
                d.items.seed_item(nb.idx, nm, size=sz, created=t)

    # ------------------------------------------------------------------------------------------------ lookups
    def user(self, ref: str) -> User:
        u = self.users_by_id.get(ref)
        if u is not None:
            return u
        low = ref.lower()
        for u in self.users:
            if u.upn.lower() == low or (u.alias or "").lower() == low:
                return u
        raise SandboxError(404, "Request_ResourceNotFound", f"Resource '{ref}' does not exist or one of its queried "
                                                            "reference-property objects are not present.")

    def group(self, ref: str) -> Group:
        g = self.groups_by_id.get(ref)
        if g is not None:
            return g
        for g in self.groups:
            if g.display_name.lower() == ref.lower() or (g.nickname or "") == ref.lower():
                return g
        raise SandboxError(404, "Request_ResourceNotFound", f"Resource '{ref}' does not exist or one of its queried "
                                                            "reference-property objects are not present.")

    def mailbox(self, user_ref: str, kind: str = "primary") -> Mailbox:
        u = self.user(user_ref)
        mb = (self.archives if kind == "archive" else self.mailboxes).get(u.id)
        if mb is None:
            raise SandboxError(404, "MailboxNotEnabledForRESTAPI", "REST API is not yet supported for this mailbox.")
        return mb

    def drive(self, ref: str) -> Drive:
        d = self.drives.get(ref)
        if d is not None:
            return d
        try:
            u = self.user(ref)
        except SandboxError:
            u = None
        if u is not None and u.id in self.user_drive:
            return self.user_drive[u.id]
        raise SandboxError(404, "itemNotFound", "The resource could not be found.")

    def site(self, ref: str) -> Site:
        s = self.sites_by_id.get(ref)
        if s is not None:
            return s
        for s in self.sites:
            if s.name.lower() == ref.lower() or s.display_name.lower() == ref.lower() or s.id.split(",")[1] == ref:
                return s
        raise SandboxError(404, "itemNotFound", "Requested site could not be found")

    def team(self, ref: str) -> Team:
        t = self.teams.get(ref)
        if t is None:
            g = self.group(ref)
            t = self.teams.get(g.id)
        if t is None:
            raise SandboxError(404, "NotFound", "No team found with Group Id " + ref)
        return t

    def channel(self, team: Team, ref: str) -> Channel:
        for ch in team.channels:
            if ch.id == ref or ch.display_name.lower() == ref.lower():
                return ch
        raise SandboxError(404, "NotFound", "Channel not found")

    def message_id(self, mb: Mailbox, idx: int) -> str:
        return self.outlook_id("AAMkAG", mb.messages.cno, idx)

    def find_message(self, mb: Mailbox, mid: str) -> tuple[Item, str]:
        c, idx = self.parse_outlook_id(mid, "AAMkAG")
        if c is not mb.messages:
            raise not_found()
        it = c.get(idx)
        if it is None:
            raise not_found()
        return it, mid

    # ------------------------------------------------------------------------------------------------ content
    def message_mime(self, mb: Mailbox, it: Item) -> bytes:
        if it.content is not None:
            return it.content
        key = (mb.messages.cno, it.idx, it.version, it.seq)
        m = self._mime.get(key)
        if m is None:
            m = render_mime(self, mb.messages.cno, it)
            if len(self._mime) > 512 or (len(m) > 1_000_000 and len(self._mime) > 8):
                self._mime.clear()
            self._mime[key] = m
        return m

    def attachment_bytes(self, c: Container, it: Item, n: int) -> bytes:
        name, _ctype, size = it.attrs["atts"][n]
        return C.file_bytes(f"{self.seed}:att:{c.cno}:{it.idx}:{n}", name, size)

    def file_content(self, d: Drive, it: Item) -> bytes:
        if it.content is not None:
            return it.content
        if it.size < 1_000_000:
            return C.file_bytes(f"{self.seed}:file:{d.items.cno}:{it.idx}", it.attrs.get("gen", it.name), it.size)
        # large files are read in ranges: keep the last few generated ones
        key = (d.items.cno, it.idx, it.version)
        cache: dict[tuple[int, int, int], bytes] = self.__dict__.setdefault("_big_files", {})
        data = cache.get(key)
        if data is None:
            data = C.file_bytes(f"{self.seed}:file:{d.items.cno}:{it.idx}", it.attrs.get("gen", it.name), it.size)
            while cache and sum(len(v) for v in cache.values()) + len(data) > 32 * 1024 * 1024:
                cache.pop(next(iter(cache)))
            cache[key] = data
        return data

    def file_hash(self, d: Drive, it: Item) -> str:
        key = (d.items.cno, it.idx, it.version, it.seq)
        h = self._hashes.get(key)
        if h is None:
            h = C.quickxor(self.file_content(d, it))
            if len(self._hashes) > 20000:
                self._hashes.clear()
            self._hashes[key] = h
        return h

    # ------------------------------------------------------------------------------------------------ mutations
    # Mail (mailbox='primary'|'archive'); folder refs: id, well-known name or display path ("Inbox/Projects").
    def add_message(self, user: str, folder: str = "inbox", subject: str | None = None, *, mime: bytes | None = None,
                    body: str | None = None, sender: tuple[str, str] | None = None, is_read: bool = False,
                    is_draft: bool = False, attachments: list[tuple[str, str, int]] | None = None,
                    mailbox: str = "primary") -> str:
        with self.lock:
            mb = self.mailbox(user, mailbox)
            f = mb.folder(folder)
            now = time.time()
            attrs: dict[str, Any] = {"received": now, "isRead": is_read, "isDraft": is_draft, "importance": "normal",
                                     "to": [(mb.user.display_name, mb.user.mail)],
                                     "from": sender or ("Northwind Orders", "orders@northwind.example"),
                                     "atts": list(attachments or [])}
            if mime is not None:
                attrs.update(parse_mime_attrs(mime))
                subject = attrs.pop("subject", subject)
            attrs.setdefault("imid", f"<{uuid.uuid4().hex[:20]}@{self.name}>")
            if body:
                attrs["body"] = body
            it = mb.messages.add(f.id, subject or "New message", attrs=attrs, content=mime)
            return self.message_id(mb, it.idx)

    def update_message(self, user: str, message_id: str, mailbox: str = "primary", **changes: Any) -> None:
        """changes: subject=, isRead=, body=, importance=, mime= (replace content)."""
        with self.lock:
            mb = self.mailbox(user, mailbox)
            it, _ = self.find_message(mb, message_id)
            kw: dict[str, Any] = {}
            for k, v in changes.items():
                if k == "subject":
                    kw["name"] = v
                elif k == "mime":
                    kw["content"] = v
                else:
                    kw[k] = v
            mb.messages.update(it.idx, **kw)

    def move_message(self, user: str, message_id: str, folder: str, mailbox: str = "primary") -> str:
        with self.lock:
            mb = self.mailbox(user, mailbox)
            it, _ = self.find_message(mb, message_id)
            f = mb.folder(folder)
            mb.messages.update(it.idx, parent=f.id)
            return message_id

    def delete_message(self, user: str, message_id: str, mailbox: str = "primary") -> None:
        with self.lock:
            mb = self.mailbox(user, mailbox)
            it, _ = self.find_message(mb, message_id)
            mb.messages.remove(it.idx)

    def add_mail_folder(self, user: str, name: str, parent: str = "msgfolderroot", mailbox: str = "primary") -> str:
        with self.lock:
            mb = self.mailbox(user, mailbox)
            p = mb.folder(parent)
            if any(f.parent_id == p.id and f.name.lower() == name.lower() for f in mb.folders.values()):
                raise SandboxError(409, "ErrorFolderExists", "A folder with the specified name already exists.")
            fid = "AAMkAF" + _b64u(uuid.uuid4().bytes + uuid.uuid4().bytes[:8])
            f = Folder(fid, name, p.id)
            f.seq = self.next_seq()
            mb.folders[fid] = f
            return fid

    def rename_mail_folder(self, user: str, folder: str, name: str, mailbox: str = "primary") -> None:
        with self.lock:
            f = self.mailbox(user, mailbox).folder(folder)
            f.name = name
            f.version += 1
            f.seq = self.next_seq()

    def move_mail_folder(self, user: str, folder: str, parent: str, mailbox: str = "primary") -> None:
        with self.lock:
            mb = self.mailbox(user, mailbox)
            f = mb.folder(folder)
            f.parent_id = mb.folder(parent).id
            f.version += 1
            f.seq = self.next_seq()

    def delete_mail_folder(self, user: str, folder: str, mailbox: str = "primary") -> None:
        with self.lock:
            mb = self.mailbox(user, mailbox)
            f = mb.folder(folder)
            if f.well_known:
                raise SandboxError(403, "ErrorDeleteDistinguishedFolder", "Distinguished folders cannot be deleted.")
            doomed = [f.id]
            k = 0
            while k < len(doomed):
                doomed += [c.id for c in mb.children(doomed[k])]
                k += 1
            for fid in doomed:
                for it in list(mb.messages.items(fid)):
                    mb.messages.remove(it.idx)
                fo = mb.folders.pop(fid)
                mb.folder_tombstones.append((self.next_seq(), fid, fo.parent_id))

    def add_contact(self, user: str, display_name: str, email_address: str | None = None, **attrs: Any) -> str:
        with self.lock:
            mb = self.mailbox(user)
            assert mb.contacts is not None
            parent = next(iter(mb.contact_folders))
            a = {"givenName": display_name.split(" ")[0], "surname": " ".join(display_name.split(" ")[1:]),
                 "email": email_address or "", "company": "", "phone": ""}
            a.update(attrs)
            it = mb.contacts.add(parent, display_name, attrs=a)
            return self.outlook_id("AAMkAC", mb.contacts.cno, it.idx)

    def update_contact(self, user: str, contact_id: str, **changes: Any) -> None:
        with self.lock:
            c, idx = self.parse_outlook_id(contact_id, "AAMkAC")
            if "displayName" in changes:
                changes["name"] = changes.pop("displayName")
            c.update(idx, **changes)

    def delete_contact(self, user: str, contact_id: str) -> None:
        with self.lock:
            c, idx = self.parse_outlook_id(contact_id, "AAMkAC")
            c.remove(idx)

    def add_event(self, user: str, subject: str, start: float | None = None, duration_s: int = 3600, **attrs: Any) -> str:
        with self.lock:
            mb = self.mailbox(user)
            assert mb.events is not None
            parent = next(iter(mb.calendars))
            st = start if start is not None else time.time() + 86400
            a = {"start": st, "end": st + duration_s, "location": "", "body": "", "isAllDay": False, "showAs": "busy"}
            a.update(attrs)
            it = mb.events.add(parent, subject, attrs=a)
            return self.outlook_id("AAMkAE", mb.events.cno, it.idx)

    def update_event(self, user: str, event_id: str, **changes: Any) -> None:
        with self.lock:
            c, idx = self.parse_outlook_id(event_id, "AAMkAE")
            if "subject" in changes:
                changes["name"] = changes.pop("subject")
            c.update(idx, **changes)

    def delete_event(self, user: str, event_id: str) -> None:
        with self.lock:
            c, idx = self.parse_outlook_id(event_id, "AAMkAE")
            c.remove(idx)

    # Drives: drive ref is a drive id or a user (id/upn/alias) for their OneDrive; parent/item refs are ids or paths.
    def resolve_drive_item(self, d: Drive, ref: str | None) -> Item:
        if ref in (None, "", "/", "root"):
            it = d.items.get(0)
            assert it is not None
            return it
        assert ref is not None
        if ref.startswith("01"):
            try:
                it2 = d.items.get(d.parse_id(ref))
                if it2 is not None:
                    return it2
            except SandboxError:
                pass
        cur = d.items.get(0)
        assert cur is not None
        for part in [p for p in ref.strip("/").split("/") if p]:
            nxt = next((c for c in d.items.items(cur.idx) if c.name.lower() == part.lower()), None)
            if nxt is None:
                raise SandboxError(404, "itemNotFound", "The resource could not be found.")
            cur = nxt
        return cur

    def add_file(self, drive: str, parent: str | None, name: str, data: bytes) -> str:
        with self.lock:
            d = self.drive(drive)
            p = self.resolve_drive_item(d, parent)
            existing = next((c for c in d.items.items(p.idx) if c.name.lower() == name.lower()), None)
            if existing is not None:
                it = d.items.update(existing.idx, content=data, size=len(data))
            else:
                it = d.items.add(p.idx, name, size=len(data), content=data)
            return d.item_id(it.idx)

    def add_drive_folder(self, drive: str, parent: str | None, name: str) -> str:
        with self.lock:
            d = self.drive(drive)
            p = self.resolve_drive_item(d, parent)
            existing = next((c for c in d.items.items(p.idx) if c.name.lower() == name.lower()), None)
            if existing is not None:
                return d.item_id(existing.idx)
            it = d.items.add(p.idx, name, attrs={"folder": True})
            return d.item_id(it.idx)

    def update_file(self, drive: str, item: str, data: bytes) -> None:
        with self.lock:
            d = self.drive(drive)
            it = self.resolve_drive_item(d, item)
            d.items.update(it.idx, content=data, size=len(data))

    def rename_drive_item(self, drive: str, item: str, name: str) -> None:
        with self.lock:
            d = self.drive(drive)
            it = self.resolve_drive_item(d, item)
            d.items.update(it.idx, name=name)

    def move_drive_item(self, drive: str, item: str, new_parent: str) -> None:
        with self.lock:
            d = self.drive(drive)
            it = self.resolve_drive_item(d, item)
            p = self.resolve_drive_item(d, new_parent)
            d.items.update(it.idx, parent=p.idx)

    def delete_drive_item(self, drive: str, item: str) -> None:
        with self.lock:
            d = self.drive(drive)
            it = self.resolve_drive_item(d, item)
            if it.idx == 0:
                raise SandboxError(403, "accessDenied", "Cannot delete the root")
            todo = [it.idx]
            k = 0
            while k < len(todo):
                todo += [c.idx for c in d.items.items(todo[k])]
                k += 1
            for idx in reversed(todo):
                d.items.remove(idx)

    # Lists and channel messages
    def splist(self, site: str, lst: str) -> SPList:
        s = self.site(site)
        for li in s.lists:
            if li.id == lst or li.display_name.lower() == lst.lower() or li.name.lower() == lst.lower():
                return li
        raise SandboxError(404, "itemNotFound", "List not found")

    def add_list_item(self, site: str, lst: str, fields: dict[str, Any]) -> str:
        with self.lock:
            li = self.splist(site, lst)
            if li.items is None:
                raise SandboxError(400, "invalidRequest", "Not a generic list")
            f = dict(fields)
            title = str(f.pop("Title", "Item"))
            it = li.items.add(None, title, attrs=f)
            return str(it.idx + 1)

    def update_list_item(self, site: str, lst: str, item_id: str, fields: dict[str, Any]) -> None:
        with self.lock:
            li = self.splist(site, lst)
            assert li.items is not None
            f = dict(fields)
            if "Title" in f:
                f["name"] = f.pop("Title")
            li.items.update(int(item_id) - 1, **f)

    def delete_list_item(self, site: str, lst: str, item_id: str) -> None:
        with self.lock:
            li = self.splist(site, lst)
            assert li.items is not None
            li.items.remove(int(item_id) - 1)

    def add_channel_message(self, team: str, channel: str, html: str, reply_to: str | None = None,
                            author: str | None = None, subject: str | None = None) -> str:
        with self.lock:
            t = self.team(team)
            ch = self.channel(t, channel)
            parent = self.chat_idx(ch, reply_to) if reply_to else None
            if parent is not None and ch.messages.get(parent) is None:
                raise SandboxError(404, "NotFound", "Message not found")
            uid = self.user(author).id if author else (t.group.members or [self.users[0].id])[0]
            it = ch.messages.add(parent, "", attrs={"from": uid, "body": html, "deleted": None, "subject": subject})
            if parent is not None:  # a reply shows up as a change of its root post in channel-message delta
                ch.messages.touch(parent, lastReply=time.time())
            return self.chat_id(ch, it.idx)

    def add_channel(self, team: str, name: str, description: str = "", migration: bool = False,
                    created: float | None = None) -> str:
        """A new standard channel (migration=True: in migration mode, as restores create them)."""
        with self.lock:
            t = self.team(team)
            if any(c.display_name.lower() == name.lower() for c in t.channels):
                raise SandboxError(400, "BadRequest", "Channel name already existed, please use other name.")
            hexid = uuid.uuid4().hex
            ch = Channel(f"19:{hexid}@thread.tacv2", name, "standard", description)
            ch.created = created if created is not None else time.time()
            ch.base_ms = int(time.time() * 1000)
            ch.migration = migration
            ch.messages = Container(self, "chatMessage", f"ch:{ch.id}", 0, lambda c, idx: Item(idx, None, ""),
                                    lambda c: {})
            ch.messages.owner = (t, ch)
            t.channels.append(ch)
            if t.site and t.site.drives:
                t.site.drives[0].items.add(0, name, attrs={"folder": True})
            return ch.id

    def edit_channel_message(self, team: str, channel: str, message_id: str, html: str) -> None:
        with self.lock:
            t = self.team(team)
            ch = self.channel(t, channel)
            idx = self.chat_idx(ch, message_id)
            it = ch.messages.update(idx, body=html)
            if it.parent is not None:
                ch.messages.touch(it.parent, lastReply=time.time())

    def delete_channel_message(self, team: str, channel: str, message_id: str) -> None:
        """Soft delete, as Teams does: the message stays with deletedDateTime set."""
        with self.lock:
            t = self.team(team)
            ch = self.channel(t, channel)
            it = ch.messages.update(self.chat_idx(ch, message_id), deleted=time.time(), body="")
            if it.parent is not None:
                ch.messages.touch(it.parent, lastReply=time.time())

    HOSTILE_NAMES = ("..", ".", "a/b", "back\\slash", "CON", "nul.txt", "LPT1", "trailing. ", " leading", "x" * 400,
                     "semi;colon?*:<>|\"", "emoji-\U0001f600.txt", "line\nbreak", "tab\tname", "caf\u00e9.txt")

    def add_hostile_items(self, user: str, data: bytes = b"hostile") -> dict[str, list[str]]:
        """Items whose names a restore/export must not trust ('..', '/', reserved device names, 400 chars, control
        characters): files + a folder in the user's OneDrive, mail folders and a message subject in the mailbox."""
        with self.lock:
            out: dict[str, list[str]] = {"files": [], "folders": [], "mailFolders": [], "messages": []}
            d = self.drive(user)
            mb = self.mailbox(user)
            for name in self.HOSTILE_NAMES:
                it = d.items.add(0, name, size=len(data), content=data)
                out["files"].append(d.item_id(it.idx))
            f = d.items.add(0, "..", attrs={"folder": True})
            out["folders"].append(d.item_id(f.idx))
            for name in ("..", "a/b", "CON", "x" * 400):
                fid = "AAMkAF" + _b64u(uuid.uuid4().bytes + uuid.uuid4().bytes[:8])
                fo = Folder(fid, name, mb.root_id)
                fo.seq = self.next_seq()
                mb.folders[fid] = fo
                out["mailFolders"].append(fid)
            for name in ("../../etc/passwd", "CON", "x" * 400):
                out["messages"].append(self.add_message(user, "inbox", name))
            return out

    def add_chat_message(self, chat: str, html: str, author: str | None = None) -> str:
        with self.lock:
            ch = self.chats_by_id.get(chat)
            if ch is None:
                raise SandboxError(404, "NotFound", "Chat not found")
            uid = self.user(author).id if author else ch.members[0]
            it = ch.messages.add(None, "", attrs={"from": uid, "body": html, "deleted": None, "subject": None})
            return self.chat_id(ch, it.idx)

    def delete_chat_message(self, chat: str, message_id: str) -> None:
        with self.lock:
            ch = self.chats_by_id.get(chat)
            if ch is None:
                raise SandboxError(404, "NotFound", "Chat not found")
            ch.messages.update(self.chat_idx(ch, message_id), deleted=time.time(), body="")

    # Directory
    def add_user(self, alias: str, display_name: str, purpose: str = "user", *, archive: bool = False,
                 drive: bool = True) -> str:
        """A new licensed user (with a mailbox, and a OneDrive unless drive=False) that shows up in /users/delta."""
        with self.lock:
            if any((u.alias or "").lower() == alias.lower() for u in self.users):
                raise SandboxError(400, "Request_BadRequest", "Another object with the same value for property "
                                                              "userPrincipalName already exists.")
            first, _, last = display_name.partition(" ")
            u = self._add_user(alias, display_name, purpose, given=first, surname=last or None, has_archive=archive,
                               has_drive=drive and purpose == "user", account_enabled=purpose == "user")
            u.created = time.time()
            self._gen_mailbox(u, "primary")
            if archive:
                self._gen_mailbox(u, "archive")
            if u.has_drive:
                self._gen_user_drive(u)
            u.seq = self.next_seq()
            return u.id

    def delete_user(self, user: str) -> None:
        """Soft-deletes a user: Graph stops returning it (404) and /users/delta reports it removed."""
        with self.lock:
            u = self.user(user)
            u.listed = False
            u.deleted = True
            u.seq = self.next_seq()

    def expire_delta_tokens(self) -> None:
        """Every delta/next link issued so far becomes invalid (410 SyncStateNotFound / resyncRequired)."""
        with self.lock:
            self.delta_epoch += 1


def message_body(t: Tenant, cno: int, it: Item) -> str:
    """The generated plain-text body of a base message (the same text in MIME and in the JSON body)."""
    return C.body_text(f"{t.seed}:{cno}:{it.idx}") + "\n\nBest regards,\n" + it.attrs["from"][0]


def render_mime(t: Tenant, cno: int, it: Item) -> bytes:
    a = it.attrs
    body = a.get("body") or message_body(t, cno, it)
    atts = [(name, ctype, C.file_bytes(f"{t.seed}:att:{cno}:{it.idx}:{n}", name, size))
            for n, (name, ctype, size) in enumerate(a.get("atts", []))]
    return C.build_mime(subject=it.name, from_name=a["from"][0], from_addr=a["from"][1], to=list(a["to"]),
                        date_rfc2822=email.utils.formatdate(a.get("received", it.created), usegmt=True),
                        message_id=a["imid"], body_text=body, attachments=atts, boundary_seed=f"{t.seed}:{cno}:{it.idx}")


def parse_mime_attrs(mime: bytes) -> dict[str, Any]:
    """Subject, sender, date, Message-ID and attachments of a MIME message (for restored/uploaded items)."""
    out: dict[str, Any] = {}
    try:
        msg = email.message_from_bytes(mime, policy=email.policy.default)
        out["subject"] = str(msg.get("Subject", "") or "")
        frm = email.utils.parseaddr(str(msg.get("From", "") or ""))
        if frm[1]:
            out["from"] = (frm[0] or frm[1], frm[1])
        tos = email.utils.getaddresses([str(x) for x in msg.get_all("To", [])])
        if tos:
            out["to"] = [(n or a, a) for n, a in tos]
        if msg.get("Date"):
            try:
                out["received"] = email.utils.parsedate_to_datetime(str(msg["Date"])).timestamp()
            except Exception:
                pass
        if msg.get("Message-ID"):
            out["imid"] = str(msg["Message-ID"]).strip()
        atts = []
        for part in msg.iter_attachments():
            payload = part.get_payload(decode=True) or b""
            atts.append((part.get_filename() or "attachment", part.get_content_type(), len(payload)))
        out["atts"] = atts
    except Exception:
        out.setdefault("atts", [])
    return out
