"""SharePoint explorer cmdlets (VESP): Get-VESPOrganization, Get-VESPSite, Get-VESPDocumentLibrary, Get-VESPList,
Get-VESPDocument, Get-VESPDocumentVersion, Get-VESPItem, Restore-VESPItem and Save-VESPItem (engine:
vboshell.restore.files and vboshell.restore.lists)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from vboshell.cmdlets._restore_shared import (
    SessionOrganizationCmdlet,
    engine_step,
    session_organization_parameters,
    write_result,
)
from vboshell.cmdlets.restore_common import (
    MOD_VESP,
    NS_VESP,
    RESTORE_SETUP,
    engine_error,
    engine_of,
    graph_for,
    progress_cb,
)
from vboshell.cmdlets.restore_onedrive import DOC_TYPES, _dt, _who, match
from vboshell.commands.base import Cmdlet, Example, Parameter, Switch
from vboshell.commands.registry import register
from vboshell.runtime.errors import CmdletError, ErrorCategory
from vboshell.runtime.psobject import TypeView, ps_type

VESP_SETUP = RESTORE_SETUP + "$session = Start-VBOSharePointItemRestoreSession -LatestState -Organization $org\n" \
    "$site = Get-VESPSite -Session $session | Select-Object -First 1\n"


@ps_type(f"{NS_VESP}.VESPOrganization", view=TypeView(table=("Name",), kind="table"))
@dataclass(eq=False)
class VESPOrganization:
    Name: str
    _engine: Any = field(default=None, repr=False)

    def __str__(self) -> str:
        return self.Name


@ps_type(f"{NS_VESP}.VESPSite", view=TypeView(table=("Name", "Url"), kind="table"))
@dataclass(eq=False)
class VESPSite:
    Name: str
    Url: str
    Parent: Any
    Id: str = ""
    _engine: Any = field(default=None, repr=False)
    _src: Any = field(default=None, repr=False)
    _obj: Any = field(default=None, repr=False)

    def __str__(self) -> str:
        return self.Url or self.Name


@ps_type(f"{NS_VESP}.VESPDocumentLibrary", view=TypeView(table=("Name", "Url", "ItemsCount"), kind="table"))
@dataclass(eq=False)
class VESPDocumentLibrary:
    Name: str
    Description: str
    Url: str
    CreationTime: datetime | None
    ItemsCount: int
    Site: str = ""
    _site: Any = field(default=None, repr=False)
    _drive_id: str = field(default="", repr=False)

    def __str__(self) -> str:
        return self.Name


@ps_type(f"{NS_VESP}.VESPList", view=TypeView(table=("Name", "Template", "Url", "ItemsCount"), kind="table"))
@dataclass(eq=False)
class VESPList:
    Name: str
    IsSerial: bool
    Url: str
    CreationTime: datetime | None
    Template: str = ""
    ItemsCount: int = 0
    Id: str = ""
    Site: str = ""
    _site: Any = field(default=None, repr=False)
    _entry: Any = field(default=None, repr=False)

    def __str__(self) -> str:
        return self.Name


@ps_type(f"{NS_VESP}.VESPDocument",
         view=TypeView(table=("Name", "Path", "ModificationTime", "Version", "IsContainer"), kind="table"))
@dataclass(eq=False)
class VESPDocument:
    Parent: Any
    DocumentLibrary: str
    Name: str
    Path: str
    CreatedBy: str
    CreationTime: datetime | None
    ModifiedBy: str
    ModificationTime: datetime | None
    Version: str
    Type: str
    IsContainer: bool
    Size: int = 0
    IsDeleted: bool = False
    IsOldVersion: bool = False
    _entry: Any = field(default=None, repr=False)
    _site: Any = field(default=None, repr=False)

    def __str__(self) -> str:
        return self.Path


@ps_type(f"{NS_VESP}.VESPItem", view=TypeView(table=("Title", "List", "ModificationTime", "Version"), kind="table"))
@dataclass(eq=False)
class VESPItem:
    Parent: Any
    List: str
    Title: str
    HasAttachments: bool
    Name: str
    CreatedBy: str
    CreationTime: datetime | None
    ModifiedBy: str
    ModificationTime: datetime | None
    Version: str
    Type: str
    IsContainer: bool
    Fields: dict
    IsDeleted: bool = False
    IsOldVersion: bool = False
    _entry: Any = field(default=None, repr=False)
    _site: Any = field(default=None, repr=False)

    def __str__(self) -> str:
        return self.Title


@ps_type(f"{NS_VESP}.VESPDatabase", view=TypeView(table=("Name", "Path"), kind="table"))
@dataclass(eq=False)
class VESPDatabase:
    Name: str
    Path: str
    _engine: Any = field(default=None, repr=False)

    def __str__(self) -> str:
        return self.Name


def _engine(cmd: Cmdlet, value: Any) -> Any:
    eng = getattr(value, "_engine", None)
    if isinstance(value, VESPOrganization | VESPSite | VESPDatabase) and eng is not None:
        return eng
    return engine_of(cmd, value, "Vesp")


@register
class GetVESPDatabase(Cmdlet):
    name = "Get-VESPDatabase"
    module = MOD_VESP
    synopsis = "Returns the backed-up content databases (repositories) of a SharePoint restore session."
    description = ("vboshell has no SharePoint content databases: each repository read by the session is shown as "
                   "one, so scripts that go Session -> Database -> Site keep working.")
    output_type = "VESPDatabase"
    parameters = [Parameter("Session", type=object, mandatory=True, position=0, value_from_pipeline=True,
                            help="The SharePoint restore session."),
                  Parameter("Name", type=str, array=True, position=1, help="Database name; wildcards allowed.")]
    examples = [Example("Get-VESPDatabase -Session $session | Get-VESPSite", "Lists the sites through the database.",
                        setup=VESP_SETUP, needs_sandbox=True)]

    def process_record(self) -> None:
        eng = engine_of(self, self.Session, "Vesp")
        for src in eng.sources:
            if match(self.Name, src.record.name):
                self.write_object(VESPDatabase(src.record.name, src.record.path, eng))


def _site_url(eng: Any, src: Any, obj: Any) -> str:
    for e in eng.entries(src, obj, "SharePoint", types=("list",)):
        url = str(e.meta.get("webUrl") or "")
        if "/Lists/" in url:
            return url.split("/Lists/", 1)[0]
        if url:
            return url.rsplit("/", 1)[0]
    for e in eng.entries(src, obj, "SharePoint", types=("file",)):
        url = str(e.meta.get("webUrl") or "")
        folder = (e.version.folder or "").split("/", 1)[0]
        if url and folder:
            from urllib.parse import quote

            for cand in (f"/{quote(folder)}/", f"/{folder}/"):
                if cand in url:
                    return url.split(cand, 1)[0]
    host = obj.external_id.split(",", 1)[0]
    return f"https://{host}" if "." in host else ""


def sites_of(cmd: Cmdlet, eng: Any, names: list[str] | None = None) -> list[VESPSite]:
    out = []
    for src, obj in eng.objects(kind="site", service="SharePoint"):
        s = VESPSite(Name=obj.name or obj.external_id, Url=_site_url(eng, src, obj), Parent=None, Id=obj.external_id,
                     _engine=eng, _src=src, _obj=obj)
        if names and not any(match(n, s.Name) or match(n, s.Url) for n in names):
            continue
        out.append(s)
    return out


def _entries(site: VESPSite, types: tuple[str, ...]) -> list[Any]:
    return list(site._engine.entries(site._src, site._obj, "SharePoint", types=types))


def libraries(site: VESPSite) -> list[VESPDocumentLibrary]:
    libs: dict[str, VESPDocumentLibrary] = {}
    for e in _entries(site, DOC_TYPES):
        if e.old:
            continue
        name = str(e.meta.get("driveName") or (e.version.folder or "").split("/", 1)[0])
        if not name:
            continue
        lib = libs.get(name)
        if lib is None:
            lib = libs[name] = VESPDocumentLibrary(Name=name, Description="", Url=f"{site.Url}/{name}",
                                                   CreationTime=None, ItemsCount=0, Site=site.Name, _site=site,
                                                   _drive_id=str(e.meta.get("driveId") or ""))
        if e.type == "file":
            lib.ItemsCount += 1
    return sorted(libs.values(), key=lambda x: x.Name.lower())


def lists_of(site: VESPSite) -> list[VESPList]:
    counts: dict[str, int] = {}
    for e in _entries(site, ("listItem",)):
        if not e.old:
            counts[str(e.version.parent_id)] = counts.get(str(e.version.parent_id), 0) + 1
    out = []
    for e in _entries(site, ("list",)):
        if e.old:
            continue
        m = e.meta
        out.append(VESPList(Name=str(m.get("displayName") or m.get("name") or ""), IsSerial=False,
                            Url=str(m.get("webUrl") or ""), CreationTime=_dt(m.get("createdDateTime")),
                            Template=str(m.get("template") or (m.get("list") or {}).get("template") or ""),
                            ItemsCount=counts.get(e.version.item_id, 0), Id=str(m.get("id") or ""), Site=site.Name,
                            _site=site, _entry=e))
    return sorted(out, key=lambda x: x.Name.lower())


def make_doc(e: Any, site: VESPSite) -> VESPDocument:
    from vboshell.restore.files import item_path

    m = e.meta
    path = item_path(e)
    return VESPDocument(Parent=(e.version.folder or ""), DocumentLibrary=path.split("/", 1)[0], Name=str(
        m.get("name") or e.version.name), Path=path, CreatedBy=_who(m.get("createdBy")),
        CreationTime=_dt(m.get("createdDateTime")), ModifiedBy=_who(m.get("lastModifiedBy")),
        ModificationTime=_dt(m.get("lastModifiedDateTime")), Version=str(e.version.from_seq),
        Type={"file": "Document", "folder": "Folder", "package": "OneNote"}.get(e.type, e.type),
        IsContainer=e.type in ("folder", "package"), Size=int(e.version.size or 0), IsDeleted=e.deleted,
        IsOldVersion=e.old, _entry=e, _site=site)


def make_item(e: Any, site: VESPSite, list_name: str) -> VESPItem:
    from vboshell.restore.lists import item_fields

    m = e.meta
    f = item_fields(e)
    title = str(f.get("Title") or m.get("title") or e.version.name)
    return VESPItem(Parent=None, List=list_name, Title=title, HasAttachments=bool(f.get("Attachments")), Name=title,
                    CreatedBy=_who(m.get("createdBy")), CreationTime=_dt(m.get("createdDateTime")),
                    ModifiedBy=_who(m.get("lastModifiedBy")), ModificationTime=_dt(m.get("lastModifiedDateTime")),
                    Version=str(f.get("_UIVersionString") or e.version.from_seq), Type="Item", IsContainer=False,
                    Fields=dict(f), IsDeleted=e.deleted, IsOldVersion=e.old, _entry=e, _site=site)


def _query(q: str | None) -> Any:
    from vboshell.restore.query import Query

    try:
        return Query.parse(q)
    except ValueError as exc:
        raise engine_error(exc, q) from None


def _doc_fields(d: VESPDocument) -> dict[str, Any]:
    return {"name": d.Name, "subject": d.Name, "path": d.Path, "from": d.ModifiedBy, "modifiedby": d.ModifiedBy,
            "modified": d.ModificationTime, "created": d.CreationTime, "type": d.Type, "isdeleted": d.IsDeleted}



def _write_site_children(cmd: Cmdlet, children: Callable[[VESPSite], list[Any]]) -> None:
    """Writes the children(site) whose name matches -Name, for -Site: one VESPSite, or every site of a session."""
    sites = [cmd.Site] if isinstance(cmd.Site, VESPSite) else sites_of(cmd, _engine(cmd, cmd.Site))
    for s in sites:
        for x in children(s):
            if match(cmd.Name, x.Name):
                cmd.write_object(x)


@register
class GetVESPOrganization(SessionOrganizationCmdlet):
    name = "Get-VESPOrganization"
    module = MOD_VESP
    synopsis = "Returns the organization of a SharePoint restore session."
    description = "Returns the organization whose SharePoint backups the session shows (pipe it to Get-VESPSite)."
    output_type = "VESPOrganization"
    parameters = session_organization_parameters("SharePoint")
    examples = [Example("Get-VESPOrganization -Session $session", "Shows the session's organization.",
                        setup=VESP_SETUP, needs_sandbox=True)]
    engine_kind = "Vesp"
    organization_type = VESPOrganization


@register
class GetVESPSite(Cmdlet):
    name = "Get-VESPSite"
    module = MOD_VESP
    synopsis = "Returns backed-up SharePoint sites."
    description = "Returns the sites in a SharePoint restore session (or organization); -Name matches name or URL."
    output_type = "VESPSite"
    parameters = [
        Parameter("Organization", type=object, mandatory=True, position=0, value_from_pipeline=True,
                  aliases=("Session", "Database"), help="The SharePoint restore session or its organization."),
        Parameter("Name", type=str, array=True, position=1, help="Site name or URL; wildcards allowed."),
        Parameter("Recurse", type=Switch, help="Accepted; subsites are listed as sites of their own."),
    ]
    examples = [Example("Get-VESPSite -Session $session", "Lists the backed-up sites.", setup=VESP_SETUP,
                        needs_sandbox=True)]

    def process_record(self) -> None:
        for s in sites_of(self, _engine(self, self.Organization), self.Name):
            self.write_object(s)


@register
class GetVESPDocumentLibrary(Cmdlet):
    name = "Get-VESPDocumentLibrary"
    module = MOD_VESP
    synopsis = "Returns document libraries of a backed-up site."
    description = "Returns the document libraries of a site (or of every site of a session)."
    output_type = "VESPDocumentLibrary"
    parameters = [
        Parameter("Site", type=object, mandatory=True, position=0, value_from_pipeline=True,
                  aliases=("Organization", "Session"), help="The site (Get-VESPSite), or a session."),
        Parameter("Name", type=str, array=True, position=1, help="Library name; wildcards allowed."),
        Parameter("Recurse", type=Switch, help="Accepted."),
    ]
    examples = [Example("Get-VESPDocumentLibrary -Site $site", "Lists the site's document libraries.",
                        setup=VESP_SETUP, needs_sandbox=True)]

    def process_record(self) -> None:
        _write_site_children(self, libraries)


@register
class GetVESPList(Cmdlet):
    name = "Get-VESPList"
    module = MOD_VESP
    synopsis = "Returns lists of a backed-up site."
    description = "Returns the (non-library) lists of a site, with their template and item count."
    output_type = "VESPList"
    parameters = [
        Parameter("Site", type=object, mandatory=True, position=0, value_from_pipeline=True,
                  aliases=("Organization", "Session"), help="The site (Get-VESPSite), or a session."),
        Parameter("Name", type=str, array=True, position=1, help="List name; wildcards allowed."),
        Parameter("Recurse", type=Switch, help="Accepted."),
    ]
    examples = [Example("Get-VESPList -Site $site", "Lists the site's lists.", setup=VESP_SETUP, needs_sandbox=True)]

    def process_record(self) -> None:
        _write_site_children(self, lists_of)


@register
class GetVESPDocument(Cmdlet):
    name = "Get-VESPDocument"
    module = MOD_VESP
    synopsis = "Returns backed-up documents and folders of a library."
    description = ("Returns the top level of a document library, or the contents of a folder document; -Recurse "
                   "for every level; -Site for every document of a site. -Query as for Get-VEXItem (name:, "
                   "modified>=, free text).")
    output_type = "VESPDocument"
    default_parameter_set = "Library"
    parameters = [
        Parameter("DocumentLibrary", type=VESPDocumentLibrary, mandatory=True, position=0, value_from_pipeline=True,
                  parameter_sets=("Library",), help="The library (Get-VESPDocumentLibrary)."),
        Parameter("ParentDocument", type=VESPDocument, mandatory=True, position=0, value_from_pipeline=True,
                  parameter_sets=("Parent",), help="A folder document."),
        Parameter("Site", type=VESPSite, mandatory=True, position=0, value_from_pipeline=True,
                  parameter_sets=("Site",), help="Every document of a site."),
        Parameter("Query", type=str, help="Search query."),
        Parameter("Recurse", type=Switch, parameter_sets=("Library", "Parent"), help="Include every level below."),
    ]
    examples = [
        Example("Get-VESPDocumentLibrary -Site $site | Get-VESPDocument -Recurse",
                "Lists every document of the site's libraries.", setup=VESP_SETUP, needs_sandbox=True),
        Example("Get-VESPDocument -Site $site -Query 'name:report'", "Finds documents named like 'report'.",
                setup=VESP_SETUP, needs_sandbox=True),
    ]

    def process_record(self) -> None:
        ps = self.parameter_set_name
        if ps == "Library":
            site, base, rec = self.DocumentLibrary._site, self.DocumentLibrary.Name, bool(self.Recurse)
        elif ps == "Parent":
            site, base, rec = self.ParentDocument._site, self.ParentDocument.Path, bool(self.Recurse)
            if not self.ParentDocument.IsContainer:
                return
        else:
            site, base, rec = self.Site, "", True
        q = _query(self.Query)
        docs = []
        for e in _entries(site, DOC_TYPES):
            f = (e.version.folder or "").strip("/")
            if base and not (f == base or (rec and f.lower().startswith(base.lower() + "/"))):
                continue
            d = make_doc(e, site)
            if q.groups and not q.matches(_doc_fields(d)):
                continue
            docs.append(d)
        for d in sorted(docs, key=lambda d: (d.Path.lower(), d.IsOldVersion)):
            self.write_object(d)


@register
class GetVESPDocumentVersion(Cmdlet):
    name = "Get-VESPDocumentVersion"
    module = MOD_VESP
    synopsis = "Returns the backed-up versions of a SharePoint document."
    description = "Returns every stored version of a document up to the session's restore point, newest first."
    output_type = "VESPDocument"
    parameters = [Parameter("Document", type=VESPDocument, mandatory=True, position=0, value_from_pipeline=True,
                            help="The document.")]
    examples = [Example("Get-VESPDocument -Site $site | Where-Object { -not $_.IsContainer } | Select-Object -First 1 "
                        "| Get-VESPDocumentVersion", "Lists the versions of a document.", setup=VESP_SETUP,
                        needs_sandbox=True)]

    def process_record(self) -> None:
        d = self.Document
        for v in d._site._engine.versions(d._entry):
            self.write_object(make_doc(v, d._site))


@register
class GetVESPItem(Cmdlet):
    name = "Get-VESPItem"
    module = MOD_VESP
    synopsis = "Returns backed-up list items."
    description = "Returns the items of a list (or of every list of a site), optionally filtered by -Query."
    output_type = "VESPItem"
    default_parameter_set = "List"
    parameters = [
        Parameter("List", type=VESPList, mandatory=True, position=0, value_from_pipeline=True,
                  parameter_sets=("List",), help="The list (Get-VESPList)."),
        Parameter("Site", type=VESPSite, mandatory=True, position=0, value_from_pipeline=True,
                  parameter_sets=("Site",), help="Every list item of a site."),
        Parameter("Query", type=str, help="Search query (free text matches the fields)."),
        Parameter("Recurse", type=Switch, help="Accepted (list folders are flattened)."),
    ]
    examples = [Example("Get-VESPList -Site $site | Select-Object -First 1 | Get-VESPItem",
                        "Lists the items of the site's first list.", setup=VESP_SETUP, needs_sandbox=True)]

    def process_record(self) -> None:
        q = _query(self.Query)
        lists = [self.List] if self.parameter_set_name == "List" else lists_of(self.Site)
        for li in lists:
            site = li._site
            for e in _entries(site, ("listItem",)):
                if str(e.version.parent_id) != li._entry.version.item_id:
                    continue
                it = make_item(e, site, li.Name)
                fields = {k.lower(): v for k, v in it.Fields.items() if isinstance(v, str)}
                fields.update({"subject": it.Title, "title": it.Title, "modified": it.ModificationTime,
                               "created": it.CreationTime, "isdeleted": it.IsDeleted})
                if q.groups and not q.matches(fields):
                    continue
                self.write_object(it)


def _lib_drive(g: Any, site_id: str, name: str, explicit: bool = False) -> str:
    """The drive of the library `name` on a site; without a library of that name, the site's default library
    (unless the name was given explicitly with -TargetList)."""
    for d in g.paged(f"/sites/{site_id}/drives", params={"$select": "id,name"}):
        if str(d.get("name", "")).lower() == name.lower():
            return str(d["id"])
    if not explicit:
        return str(g.get_json(f"/sites/{site_id}/drive", params={"$select": "id"})["id"])
    raise LookupError(f"The document library '{name}' does not exist on the target site.")


@register
class RestoreVESPItem(Cmdlet):
    name = "Restore-VESPItem"
    supports_should_process = True
    module = MOD_VESP
    synopsis = "Restores SharePoint documents, list items, lists, libraries or sites."
    description = (
        "Restores through Microsoft Graph to the original site, or to -SiteURL (another site), into the original "
        "library/list or -TargetList. Documents that exist unchanged are skipped; changed ones are overwritten "
        "(-RestoreChangedItems) — use -Action Keep to restore a renamed copy instead; missing ones are restored "
        "(-RestoreDeletedItems); both by default. List items go back with their writable fields. API-only limits: "
        "OneNote notebooks are skipped (ApiOnlyModeNotSupported in the log), web part templates and the survey "
        "'allow multiple responses' setting are not preserved (noted in the log); the rest continues.")
    output_type = "VBORestoreResult"
    default_parameter_set = "Document"
    parameters = [
        Parameter("Document", type=VESPDocument, array=True, mandatory=True, position=0, value_from_pipeline=True,
                  parameter_sets=("Document",), help="Documents (Get-VESPDocument)."),
        Parameter("Item", type=VESPItem, array=True, mandatory=True, position=0, value_from_pipeline=True,
                  parameter_sets=("Item",), help="List items (Get-VESPItem)."),
        Parameter("List", type=VESPList, mandatory=True, position=0, value_from_pipeline=True,
                  parameter_sets=("List",), help="A whole list."),
        Parameter("DocumentLibrary", type=VESPDocumentLibrary, mandatory=True, position=0, value_from_pipeline=True,
                  parameter_sets=("Library",), help="A whole document library."),
        Parameter("Site", type=VESPSite, mandatory=True, position=0, value_from_pipeline=True,
                  parameter_sets=("Site",), help="A whole site (libraries and lists)."),
        Parameter("SiteURL", type=str, position=1, help="Restore to this site (URL or id) instead of the original."),
        Parameter("TargetList", type=str, parameter_sets=("Document", "Item", "List", "Library"),
                  help="Restore into this list or library (display name)."),
        Parameter("RestoreChangedItems", type=Switch, help="Restore items changed since the backup."),
        Parameter("RestoreDeletedItems", type=Switch, help="Restore items missing from the site."),
        Parameter("Action", type=str, validate_set=("Overwrite", "Keep"),
                  help="Changed documents: Overwrite (default) or Keep them and restore a renamed copy."),
        Parameter("RestorePermissions", type=Switch, help="Accepted; permissions are not restored (warning)."),
        Parameter("SkipPermissionNotificationSending", type=Switch, dont_show=True, help="Accepted."),
        Parameter("RestoreListViews", type=Switch, help="Accepted; list views are not restored (warning)."),
        Parameter("RestoreSubsites", type=Switch, parameter_sets=("Site",), help="Accepted."),
        Parameter("SiteAlias", type=str, dont_show=True, help="Not used."),
        Parameter("OfficeRegion", type=str, dont_show=True, help="Not used."),
        Parameter("OrganizationName", type=str, dont_show=True, help="Not used."),
        Parameter("Credential", type=object, dont_show=True, help="Not used in API-only mode."),
        Parameter("ApplicationId", type=str, dont_show=True, help="Not needed."),
        Parameter("ApplicationCertificatePath", type=str, dont_show=True, help="Not needed."),
        Parameter("ApplicationCertificatePassword", type=object, dont_show=True, help="Not needed."),
        Parameter("ImpersonationAccountName", type=str, dont_show=True, help="Not used."),
    ]
    examples = [
        Example("Get-VESPList -Site $site | Select-Object -First 1 | Restore-VESPItem -RestoreDeletedItems",
                "Puts back the items deleted from a list.", setup=VESP_SETUP, needs_sandbox=True),
        Example("Get-VESPDocumentLibrary -Site $site -Name Documents | Restore-VESPItem",
                "Restores a document library in place (unchanged documents are skipped).", setup=VESP_SETUP,
                needs_sandbox=True),
    ]

    def begin_processing(self) -> None:
        self._docs: list[Any] = []
        self._items: list[Any] = []
        self._engine: Any = None
        for flag, what in (("RestorePermissions", "permissions"), ("RestoreListViews", "list views")):
            if self.is_bound(flag) and getattr(self, flag):
                self.write_warning(f"SharePoint {what} are not restored by vboshell.")

    def _use(self, eng: Any) -> None:
        if self._engine is not None and eng is not self._engine:
            raise CmdletError("All items of one call must come from one restore session.", "MixedSessions",
                              ErrorCategory.InvalidArgument)
        self._engine = eng

    def process_record(self) -> None:
        from vboshell.restore.files import item_path

        ps = self.parameter_set_name
        if ps == "Document":
            for d in self.Document or []:
                self._use(d._site._engine)
                self._docs.append(d._entry)
                if d.IsContainer:
                    base = item_path(d._entry).lower()
                    self._docs += [e for e in _entries(d._site, DOC_TYPES) if not e.old and
                                   (e.version.folder or "").lower().startswith(base) and
                                   ((e.version.folder or "").lower() == base or
                                    (e.version.folder or "").lower().startswith(base + "/"))]
        elif ps == "Item":
            for it in self.Item or []:
                self._use(it._site._engine)
                self._items.append(it._entry)
        elif ps == "List":
            li = self.List
            self._use(li._site._engine)
            self._items += [e for e in _entries(li._site, ("listItem",))
                            if not e.old and str(e.version.parent_id) == li._entry.version.item_id]
        elif ps == "Library":
            lib = self.DocumentLibrary
            self._use(lib._site._engine)
            self._docs += [e for e in _entries(lib._site, DOC_TYPES) if not e.old and
                           str(e.meta.get("driveName") or (e.version.folder or "").split("/", 1)[0]) == lib.Name]
        else:
            s = self.Site
            self._use(s._engine)
            self._docs += [e for e in _entries(s, DOC_TYPES) if not e.old]
            self._items += [e for e in _entries(s, ("listItem",)) if not e.old]

    def end_processing(self) -> None:
        from vboshell.restore import files as F
        from vboshell.restore import lists as L

        if self._engine is None:
            return
        eng = self._engine
        g = graph_for(self, eng.organization_id, "sharepoint")
        changed, deleted = bool(self.RestoreChangedItems), bool(self.RestoreDeletedItems)
        if not changed and not deleted:
            changed = deleted = True
        overwrite = str(self.Action or "Overwrite").lower() == "overwrite"
        target_site: str | None = None
        what = f"{len(self._docs) + len(self._items)} item(s) to " + (self.SiteURL or "the original site")
        if not self.should_process(what, "Restore-VESPItem"):
            return
        activity = "Restoring SharePoint items"
        drives: dict[tuple[str, str], str] = {}
        with engine_step(self, activity):
            with eng.operation("Restore-VESPItem", what) as op:
                if self.SiteURL:
                    try:
                        target_site = L.resolve_site(g, str(self.SiteURL))
                    except Exception as exc:  # noqa: BLE001
                        raise CmdletError(f"Site '{self.SiteURL}' cannot be found: "
                                          f"{getattr(exc, 'message', None) or exc}", "SiteNotFound",
                                          ErrorCategory.ObjectNotFound, target=self.SiteURL) from None

                def site_for(e: Any) -> str:
                    return target_site or e.obj.external_id

                def target_for(e: Any) -> F.DriveTarget:
                    lib = str(e.meta.get("driveName") or (e.version.folder or "").split("/", 1)[0])
                    lib_target = str(self.TargetList or lib)
                    if target_site is None and not self.TargetList and e.meta.get("driveId"):
                        return F.DriveTarget(str(e.meta["driveId"]), "", 1)
                    key = (site_for(e), lib_target)
                    if key not in drives:
                        drives[key] = _lib_drive(g, key[0], lib_target, bool(self.TargetList))
                    return F.DriveTarget(drives[key], "", 1)

                if self._docs:
                    all_entries = list(self._docs) + [x for e in {id(d.source): d for d in self._docs}.values()
                                                      for x in eng.entries(e.source, e.obj, "SharePoint",
                                                                           types=("package",))]
                    F.restore_documents(g, self._docs, target_for, op, overwrite=overwrite, restore_changed=changed,
                                        restore_deleted=deleted, progress=progress_cb(self, activity),
                                        stopping=lambda: self.stopping, all_entries=all_entries)
                if self._items:
                    templates: dict[str, str] = {}
                    for e in self._items:
                        lid = L.list_id_of(e)
                        if lid not in templates:
                            le = eng.entry(e.source, e.obj, "SharePoint", f"list:{lid}")
                            templates[lid] = str((le.meta.get("template") if le else "") or "")
                    L.restore_list_items(g, self._items, op, site_for=site_for, target_list=self.TargetList,
                                         restore_changed=changed, restore_deleted=deleted, templates=templates,
                                         progress=progress_cb(self, activity))
        write_result(self, "Restore-VESPItem", op, eng)


@register
class SaveVESPItem(Cmdlet):
    name = "Save-VESPItem"
    module = MOD_VESP
    synopsis = "Saves SharePoint documents or libraries to local files or a zip archive."
    description = ("Writes backed-up documents (folders with their contents, or whole libraries) below -Path, "
                   "keeping the folder structure, or into one zip archive with -AsZip. Content is streamed and "
                   "names are sanitised.")
    output_type = "VBORestoreResult"
    default_parameter_set = "Document"
    parameters = [
        Parameter("Document", type=VESPDocument, array=True, mandatory=True, position=0, value_from_pipeline=True,
                  parameter_sets=("Document",), help="Documents (Get-VESPDocument)."),
        Parameter("DocumentLibrary", type=VESPDocumentLibrary, mandatory=True, position=0, value_from_pipeline=True,
                  parameter_sets=("Library",), help="A whole library."),
        Parameter("Path", type=str, mandatory=True, position=1, is_path=True, help="Target folder or .zip file."),
        Parameter("AsZip", type=Switch, help="Write one zip archive."),
        Parameter("Force", type=Switch, help="Accepted; existing files are never overwritten (names get ' (2)')."),
    ]
    examples = [Example("Get-VESPDocumentLibrary -Site $site | Save-VESPItem -Path (Join-Path $HOME 'site-docs')",
                        "Saves every library of a site to local folders.", setup=VESP_SETUP, needs_sandbox=True)]

    def begin_processing(self) -> None:
        self._entries: list[Any] = []
        self._engine: Any = None

    def process_record(self) -> None:
        from vboshell.restore.files import item_path

        if self.parameter_set_name == "Library":
            lib = self.DocumentLibrary
            self._engine = lib._site._engine
            self._entries += [e for e in _entries(lib._site, DOC_TYPES) if not e.old and
                              str(e.meta.get("driveName") or (e.version.folder or "").split("/", 1)[0]) == lib.Name]
            return
        for d in self.Document or []:
            self._engine = d._site._engine
            self._entries.append(d._entry)
            if d.IsContainer:
                base = item_path(d._entry).lower()
                self._entries += [e for e in _entries(d._site, DOC_TYPES) if not e.old and (
                    (e.version.folder or "").lower() == base or (e.version.folder or "").lower().startswith(base + "/"))]

    def end_processing(self) -> None:
        from vboshell.restore import files as F

        if self._engine is None:
            return
        eng = self._engine
        root = Path(self.context.resolve_path(str(self.Path))) if hasattr(self.context, "resolve_path") \
            else Path(str(self.Path))
        activity = "Saving SharePoint documents"
        with engine_step(self, activity):
            with eng.operation("Save-VESPItem", str(root)) as op:
                out = F.save_documents(self._entries, root, as_zip=bool(self.AsZip), op=op,
                                       progress=progress_cb(self, activity))
        write_result(self, "Save-VESPItem", op, eng, str(out))
