"""Backup item descriptions (what a job selects or excludes) and their resolution to per-object work units.
An item is a JSON-able dict stored in JobRecord.selected_items / excluded_items; resolve() turns a job into units."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from vboshell.repository import ObjectRef

# Services of a unit (the repository's `service` names)
EXCHANGE, ARCHIVE, ONEDRIVE, SHAREPOINT, TEAMS = "Exchange", "ExchangeArchive", "OneDrive", "SharePoint", "Teams"
ITEM_TYPES = ("User", "Group", "Site", "Team", "Organization", "PersonalSites")
FLAGS = ("Mailbox", "ArchiveMailbox", "OneDrive", "Sites", "GroupMailbox", "GroupSite", "Teams", "TeamsChats")


def make_item(type_: str, *, id: str = "", name: str = "", url: str = "", **flags: Any) -> dict[str, Any]:
    """A backup item description. Flags not given default as Veeam does: all of the object's services."""
    item: dict[str, Any] = {"Type": type_, "Id": id, "Name": name}
    if url:
        item["Url"] = url
    for f in FLAGS:
        if f in flags and flags[f] is not None:
            item[f] = bool(flags[f])
    for k, v in flags.items():
        if k not in FLAGS and v is not None:
            item[k] = v
    return item


def _flags(item: dict[str, Any], names: tuple[str, ...]) -> dict[str, bool]:
    """Explicit flags of the item; when none of `names` was set, all of them are on."""
    given = {n: bool(item[n]) for n in names if n in item}
    if not any(given.values()):
        return dict.fromkeys(names, True)
    return {n: given.get(n, False) for n in names}


@dataclass(frozen=True)
class WorkUnit:
    obj: ObjectRef
    service: str
    explicit: bool = False  # selected by name (a missing OneDrive is then a warning, not a skip)
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def key(self) -> str:
        return f"{self.obj.kind}:{self.obj.external_id}:{self.service}"


@dataclass
class Resolution:
    units: list[WorkUnit] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (title, message)


def _user_units(uid: str, name: str, org: str, fl: dict[str, bool], explicit: bool) -> list[WorkUnit]:
    ref = ObjectRef("user", uid, name, org)
    out = []
    if fl.get("Mailbox"):
        out.append(WorkUnit(ref, EXCHANGE, explicit))
    if fl.get("ArchiveMailbox"):
        out.append(WorkUnit(ref, ARCHIVE, explicit))
    if fl.get("OneDrive") or fl.get("Sites"):
        out.append(WorkUnit(ref, ONEDRIVE, explicit))
    return out


def _text(row: dict[str, Any], *keys: str) -> str:
    """The first of `keys` whose value is a non-empty string ("" when none): names from a listing are for display,
    and a malformed one (a number, a list) must not stop the job from resolving its objects."""
    for k in keys:
        v = row.get(k)
        if isinstance(v, str) and v:
            return v
    return ""


def resolve(job: Any, graph: Any, organization_id: str, log: Callable[[str, str], None] | None = None) -> Resolution:
    """Resolve a JobRecord's selection minus its exclusions into work units (Graph is read for the organization
    and group members). `graph` is a SyncGraphClient."""
    from vboshell.graph import directory

    res = Resolution()
    units: dict[str, WorkUnit] = {}

    def add(us: list[WorkUnit]) -> None:
        for u in us:
            units.setdefault(u.key, u)

    def users(fl: dict[str, bool]) -> list[WorkUnit]:
        out: list[WorkUnit] = []
        for page in directory.list_users(graph):
            for u in page:
                upn = _text(u, "userPrincipalName")
                if "#EXT#" in upn:
                    continue  # guests have no mailbox or OneDrive in this tenant
                out += _user_units(u["id"], _text(u, "displayName", "userPrincipalName", "id"), organization_id,
                                   {k: fl.get(k, False) for k in ("Mailbox", "ArchiveMailbox", "OneDrive")}, False)
        return out

    def sites() -> list[WorkUnit]:
        return [WorkUnit(ObjectRef("site", s["id"], _text(s, "displayName", "name", "webUrl", "id"), organization_id),
                         SHAREPOINT)
                for s in directory.list_sites(graph, include_personal=False) if not directory.is_personal_site(s)]

    def teams() -> list[WorkUnit]:
        return [WorkUnit(ObjectRef("team", t["id"], _text(t, "displayName", "id"), organization_id), TEAMS)
                for t in directory.list_teams(graph)]

    def org_units(fl: dict[str, bool]) -> list[WorkUnit]:
        """The organization's objects; users, sites and teams are listed at the same time (each listing is a few
        requests that only wait on Graph)."""
        from concurrent.futures import ThreadPoolExecutor

        listings: list[Callable[[], list[WorkUnit]]] = []
        if fl.get("Mailbox") or fl.get("ArchiveMailbox") or fl.get("OneDrive"):
            listings.append(lambda: users(fl))
        if fl.get("Sites"):
            listings.append(sites)
        if fl.get("Teams"):
            listings.append(teams)
        if len(listings) <= 1:
            return [u for f in listings for u in f()]
        with ThreadPoolExecutor(max_workers=len(listings), thread_name_prefix="vbo-resolve") as ex:
            futures = [ex.submit(f) for f in listings]
            return [u for fut in futures for u in fut.result()]

    def item_units(item: dict[str, Any]) -> list[WorkUnit]:
        t = str(item.get("Type") or "").lower()
        if t == "organization":
            return org_units(_flags(item, ("Mailbox", "ArchiveMailbox", "OneDrive", "Sites", "Teams")))
        if t == "personalsites":
            return org_units({"OneDrive": True})
        if t == "user":
            return _user_units(item["Id"], item.get("Name") or item["Id"], organization_id,
                               _flags(item, ("Mailbox", "ArchiveMailbox", "OneDrive", "Sites")), True)
        if t == "site":
            sid = item.get("Id") or ""
            if not sid and item.get("Url"):
                sid = directory.get_site(graph, item["Url"])["id"]
            return [WorkUnit(ObjectRef("site", sid, item.get("Name") or item.get("Url") or sid, organization_id),
                             SHAREPOINT, True)]
        if t == "team":
            return [WorkUnit(ObjectRef("team", item["Id"], item.get("Name") or item["Id"], organization_id), TEAMS, True)]
        if t == "group":
            fl = _flags(item, ("Mailbox", "ArchiveMailbox", "OneDrive", "Sites", "GroupMailbox", "GroupSite"))
            out: list[WorkUnit] = []
            if fl.get("Mailbox") or fl.get("ArchiveMailbox") or fl.get("OneDrive") or fl.get("Sites"):
                for m in directory.list_group_members(graph, item["Id"]):
                    if str(m.get("@odata.type", "#microsoft.graph.user")).endswith("user"):
                        out += _user_units(m["id"], m.get("displayName") or m.get("userPrincipalName") or m["id"],
                                           organization_id, fl, True)
            if fl.get("GroupSite"):
                try:
                    s = graph.get_json(f"/groups/{item['Id']}/sites/root", params={"$select": "id,displayName,webUrl"})
                    out.append(WorkUnit(ObjectRef("site", s["id"], s.get("displayName") or s.get("webUrl"),
                                                  organization_id), SHAREPOINT, True))
                except Exception as exc:  # noqa: BLE001 - a group without a site
                    if item.get("GroupSite") is True:
                        res.warnings.append((f"Group '{item.get('Name')}' has no site", str(exc)))
            if item.get("GroupMailbox"):
                res.warnings.append((f"Group mailbox of '{item.get('Name')}' not backed up",
                                     "Group mailbox (conversations) backup is not available in this version; "
                                     "the group's members and site are processed."))
            return out
        res.warnings.append(("Unknown backup item", f"Backup item type '{item.get('Type')}' is not known."))
        return []

    sel = [{"Type": "Organization"}] if job.entire_organization else list(job.selected_items or [])
    for item in sel:
        try:
            add(item_units(item))
        except Exception as exc:  # noqa: BLE001 - one bad item does not stop the job
            res.warnings.append((f"Cannot resolve backup item '{item.get('Name') or item.get('Type')}'",
                                 getattr(exc, "message", None) or str(exc)))
    for item in job.excluded_items or []:
        try:
            for u in item_units(item):
                units.pop(u.key, None)
        except Exception as exc:  # noqa: BLE001
            res.warnings.append((f"Cannot resolve excluded item '{item.get('Name') or item.get('Type')}'",
                                 getattr(exc, "message", None) or str(exc)))
    # object by object (so objects complete steadily for the progress bar), users first; services in order
    order = {EXCHANGE: 0, ARCHIVE: 1, ONEDRIVE: 2, SHAREPOINT: 3, TEAMS: 4}
    kinds = {"user": 0, "site": 1, "team": 2, "group": 3}
    res.units = sorted(units.values(), key=lambda u: (kinds.get(u.obj.kind, 9), u.obj.name.lower(),
                                                      u.obj.external_id, order.get(u.service, 9)))
    return res
