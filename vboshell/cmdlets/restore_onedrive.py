"""OneDrive explorer cmdlets (VEOD): Get-VEODOrganization, Get-VEODUser, Get-VEODDocument, Get-VEODDocumentVersion,
Restore-VEODDocument and Save-VEODDocument over a OneDrive restore session (engine: vboshell.restore.files)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from vboshell.cmdlets._restore_shared import (
    SessionOrganizationCmdlet,
    engine_step,
    match,
    session_organization_parameters,
    write_result,
)
from vboshell.cmdlets.restore_common import (
    MOD_VESP,
    NS_VESP,
    RESTORE_SETUP,
    engine_of,
    graph_for,
    organization_name,
    progress_cb,
)
from vboshell.commands.base import Cmdlet, Example, Parameter, Switch
from vboshell.commands.registry import register
from vboshell.runtime.errors import CmdletError, ErrorCategory
from vboshell.runtime.psobject import TypeView, ps_type

VEOD_SETUP = RESTORE_SETUP + "$session = Start-VEODRestoreSession -LatestState -Organization $org\n" \
    "$user = Get-VEODUser -Session $session | Select-Object -First 1\n"
DOC_TYPES = ("file", "folder", "package")


def name_match(patterns: list[str] | str | None, value: str) -> bool:
    """As `match`, and a plain name also matches the first word(s) of a display name ('alice' -> 'Alice Brown')."""
    from vboshell.cmdlets.restore_exchange import _match

    if not patterns:
        return True
    pats = [patterns] if isinstance(patterns, str) else patterns
    return any(_match(str(p), value or "") for p in pats)


@ps_type(f"{NS_VESP}.VBOOneDriveOrganization", view=TypeView(table=("Name",), kind="table"))
@dataclass(eq=False)
class VBOOneDriveOrganization:
    Name: str
    _engine: Any = field(default=None, repr=False)

    def __str__(self) -> str:
        return self.Name


@ps_type(f"{NS_VESP}.VBOOneDriveUser", view=TypeView(table=("Name", "Email", "Organization"), kind="table"))
@dataclass(eq=False)
class VBOOneDriveUser:
    Name: str
    Organization: str
    Email: str
    OfficeId: str
    _engine: Any = field(default=None, repr=False)
    _src: Any = field(default=None, repr=False)
    _obj: Any = field(default=None, repr=False)

    def __str__(self) -> str:
        return self.Name


@ps_type(f"{NS_VESP}.VBOOneDriveDocument",
         view=TypeView(table=("Name", "Path", "Size", "Modified", "Version", "IsDeleted"), kind="table"))
@dataclass(eq=False)
class VBOOneDriveDocument:
    Name: str
    Url: str
    Version: str
    Path: str
    Size: int
    IsFolder: bool
    Modified: datetime | None
    ModifiedBy: str
    IsDeleted: bool
    IsOldVersion: bool
    User: str
    IsOneNote: bool = False
    _entry: Any = field(default=None, repr=False)
    _user: Any = field(default=None, repr=False)

    def __str__(self) -> str:
        return self.Path


def _dt(v: Any) -> datetime | None:
    from vboshell.restore.exchange import _dt as conv

    return conv(v)


def _who(v: Any) -> str:
    if isinstance(v, dict):
        u = v.get("user") or v.get("application") or {}
        return str(u.get("displayName") or u.get("email") or "")
    return ""


def make_document(e: Any, user: Any, version_label: str = "") -> VBOOneDriveDocument:
    from vboshell.restore.files import item_path

    m = e.meta
    return VBOOneDriveDocument(
        Name=str(m.get("name") or e.version.name), Url=str(m.get("webUrl") or ""),
        Version=version_label or str(e.version.from_seq), Path=item_path(e), Size=int(e.version.size or m.get("size") or 0),
        IsFolder=e.type in ("folder", "package"), Modified=_dt(m.get("lastModifiedDateTime")),
        ModifiedBy=_who(m.get("lastModifiedBy")), IsDeleted=e.deleted, IsOldVersion=e.old,
        User=getattr(user, "Name", ""), IsOneNote=e.type == "package", _entry=e, _user=user)


def _session_engine(cmd: Cmdlet, value: Any) -> Any:
    eng = getattr(value, "_engine", None)
    if isinstance(value, VBOOneDriveOrganization) and eng is not None:
        return eng
    return engine_of(cmd, value, "Veod")


def users_of(cmd: Cmdlet, eng: Any, names: list[str] | None = None) -> list[VBOOneDriveUser]:
    from vboshell.cmdlets.restore_exchange import _lookup_email

    emails = getattr(eng, "_emails", None)
    if emails is None:
        emails = eng._emails = {}
    org = organization_name(cmd, eng.organization_id)
    out = []
    for src, obj in eng.objects(kind="user", service="OneDrive"):
        oid = obj.external_id
        if oid not in emails:
            emails[oid] = _lookup_email(cmd, eng, oid)
        u = VBOOneDriveUser(Name=obj.name or oid, Organization=org, Email=emails[oid], OfficeId=oid, _engine=eng,
                            _src=src, _obj=obj)
        if names and not any(name_match(n, u.Name) or name_match(n, u.Email) or name_match(n, u.Email.split("@")[0])
                             for n in names):
            continue
        out.append(u)
    return out


def documents(user: VBOOneDriveUser, folder: str | None = None, recurse: bool = False,
              names: list[str] | None = None) -> list[VBOOneDriveDocument]:
    eng = user._engine
    base = (folder or "").strip("/")
    out = []
    for e in eng.entries(user._src, user._obj, "OneDrive", types=DOC_TYPES):
        f = (e.version.folder or "").strip("/")
        if not recurse and f != base:
            continue
        if recurse and base and not (f == base or f.startswith(base + "/")):
            continue
        d = make_document(e, user)
        if names and not match(names, d.Name):
            continue
        out.append(d)
    out.sort(key=lambda d: (d.Path.lower(), d.IsOldVersion))
    return out


def subtree(doc: Any) -> list[Any]:
    """A document's entry, plus every entry below it when it is a folder."""
    e = doc._entry
    if not doc.IsFolder:
        return [e]
    from vboshell.restore.files import item_path

    base = item_path(e)
    eng = e.source
    out = [e]
    session = doc._user._engine if getattr(doc, "_user", None) is not None else None
    if session is None:
        return out
    svc = e.version.service
    for x in session.entries(eng, e.obj, svc, base, recursive=True, types=DOC_TYPES):
        if not x.old:
            out.append(x)
    return out


@register
class GetVEODOrganization(SessionOrganizationCmdlet):
    name = "Get-VEODOrganization"
    module = MOD_VESP
    synopsis = "Returns the organization of a OneDrive restore session."
    description = "Returns the organization whose OneDrive backups the session shows (pipe it to Get-VEODUser)."
    output_type = "VBOOneDriveOrganization"
    parameters = session_organization_parameters("OneDrive")
    examples = [Example("Get-VEODOrganization -Session $session", "Shows the session's organization.",
                        setup=VEOD_SETUP, needs_sandbox=True)]
    engine_kind = "Veod"
    organization_type = VBOOneDriveOrganization


@register
class GetVEODUser(Cmdlet):
    name = "Get-VEODUser"
    module = MOD_VESP
    synopsis = "Returns users whose OneDrive was backed up."
    description = "Returns the users with OneDrive data in a OneDrive restore session; -Name matches name, address or alias."
    output_type = "VBOOneDriveUser"
    parameters = [
        Parameter("Session", type=object, mandatory=True, position=0, value_from_pipeline=True,
                  help="The OneDrive restore session (or an organization from Get-VEODOrganization)."),
        Parameter("Name", type=str, array=True, position=1, help="Name, address or alias; wildcards allowed."),
        Parameter("Organization", type=object, array=True, position=2, help="Accepted for compatibility."),
    ]
    examples = [Example("Get-VEODUser -Session $session -Name 'alice*'", "Finds Alice's OneDrive.", setup=VEOD_SETUP,
                        needs_sandbox=True)]

    def process_record(self) -> None:
        from vboshell.cmdlets.restore_exchange import not_found

        found = users_of(self, _session_engine(self, self.Session), self.Name)
        for u in found:
            self.write_object(u)
        not_found(self, "User", self.Name, found)


@register
class GetVEODDocument(Cmdlet):
    name = "Get-VEODDocument"
    module = MOD_VESP
    synopsis = "Returns backed-up OneDrive documents and folders."
    description = ("Returns the top-level documents of a user's OneDrive, or the contents of a folder document; "
                   "-Recurse for every level, -Name to filter (wildcards). Sessions started with -ShowDeleted also "
                   "show deleted documents (IsDeleted); with -ShowAllVersions earlier versions (IsOldVersion).")
    output_type = "VBOOneDriveDocument"
    default_parameter_set = "User"
    parameters = [
        Parameter("User", type=VBOOneDriveUser, mandatory=True, position=0, value_from_pipeline=True,
                  parameter_sets=("User",), help="The user (Get-VEODUser)."),
        Parameter("ParentDocument", type=VBOOneDriveDocument, mandatory=True, position=0, value_from_pipeline=True,
                  parameter_sets=("Parent",), help="A folder document (Get-VEODDocument)."),
        Parameter("Name", type=str, array=True, help="Document name; wildcards allowed."),
        Parameter("Recurse", type=Switch, help="Include every level below."),
    ]
    examples = [
        Example("Get-VEODDocument -User $user", "Lists the top level of a user's OneDrive.", setup=VEOD_SETUP,
                needs_sandbox=True),
        Example("Get-VEODDocument -User $user -Recurse -Name '*.docx'", "Finds every Word document of the user.",
                setup=VEOD_SETUP, needs_sandbox=True),
    ]

    def process_record(self) -> None:
        if self.parameter_set_name == "Parent":
            p = self.ParentDocument
            if not p.IsFolder:
                return
            docs = documents(p._user, p.Path, bool(self.Recurse), self.Name)
        else:
            docs = documents(self.User, None, bool(self.Recurse), self.Name)
        for d in docs:
            self.write_object(d)


@register
class GetVEODDocumentVersion(Cmdlet):
    name = "Get-VEODDocumentVersion"
    module = MOD_VESP
    synopsis = "Returns the backed-up versions of a OneDrive document."
    description = ("Returns every stored version of a document up to the session's restore point, newest first; "
                   "restore or save one like any document.")
    output_type = "VBOOneDriveDocument"
    parameters = [Parameter("Document", type=VBOOneDriveDocument, mandatory=True, position=0, value_from_pipeline=True,
                            help="The document (Get-VEODDocument).")]
    examples = [Example("Get-VEODDocument -User $user -Recurse | Where-Object { -not $_.IsFolder } | "
                        "Select-Object -First 1 | Get-VEODDocumentVersion", "Lists the versions of a document.",
                        setup=VEOD_SETUP, needs_sandbox=True)]

    def process_record(self) -> None:
        d = self.Document
        eng = d._user._engine
        for v in eng.versions(d._entry):
            self.write_object(make_document(v, d._user))


_APP = (
    Parameter("ApplicationId", type=str, dont_show=True, help="Not needed: the organization's application is used."),
    Parameter("ApplicationCertificatePath", type=str, dont_show=True, help="Not needed."),
    Parameter("ApplicationCertificatePassword", type=object, dont_show=True, help="Not needed."),
    Parameter("Credential", type=object, dont_show=True, help="Not used in API-only mode."),
    Parameter("Office365Credential", type=object, dont_show=True, help="Not supported in API-only mode."),
    Parameter("OnPremisesCredential", type=object, dont_show=True, help="Not applicable."),
    Parameter("RestoreSharedAccess", type=Switch, dont_show=True, help="Sharing is not restored (warning)."),
    Parameter("SkipSharedAccessNotificationSending", type=Switch, dont_show=True, help="Accepted."),
)


def resolve_drive(g: Any, user: str) -> str:
    from urllib.parse import quote

    return str(g.get_json(f"/users/{quote(user, safe='@')}/drive", params={"$select": "id"})["id"])


class _DocRestore(Cmdlet):
    """Collects entries over the pipeline, restores them in end_processing."""

    service = "OneDrive"

    def begin_processing(self) -> None:
        from vboshell.cmdlets.organizations import _check_rules

        _check_rules(self)
        self._entries: list[Any] = []
        self._all: list[Any] = []
        self._engine: Any = None
        if self.is_bound("RestoreSharedAccess") and self.RestoreSharedAccess:
            self.write_warning("Sharing permissions are not restored by vboshell; documents are restored without "
                               "them.")

    def _add(self, eng: Any, entries: list[Any]) -> None:
        if self._engine is not None and eng is not self._engine:
            raise CmdletError("All documents of one call must come from one restore session.", "MixedSessions",
                              ErrorCategory.InvalidArgument)
        self._engine = eng
        self._entries.extend(entries)


@register
class RestoreVEODDocument(_DocRestore):
    name = "Restore-VEODDocument"
    supports_should_process = True
    module = MOD_VESP
    synopsis = "Restores OneDrive documents to the original or another OneDrive."
    description = (
        "Restores documents and folders (with everything below them) through Microsoft Graph: to the original "
        "place, or to -TargetUser's OneDrive and/or below -TargetFolder, recreating folders. A document that exists "
        "unchanged is skipped; a changed one is overwritten with -Overwrite (or -Action Overwrite), otherwise "
        "kept and the restored copy gets a new name (-Action Keep, the default). Files over 4 MB use upload "
        "sessions and are streamed. OneNote notebooks cannot be restored in API-only mode: they are skipped "
        "(ApiOnlyModeNotSupported in the session log) and the rest of the restore continues.")
    output_type = "VBORestoreResult"
    default_parameter_set = "Document"
    parameters = [
        Parameter("Document", type=VBOOneDriveDocument, array=True, mandatory=True, position=0,
                  value_from_pipeline=True, parameter_sets=("Document",), help="Documents (Get-VEODDocument)."),
        Parameter("User", type=VBOOneDriveUser, mandatory=True, position=0, value_from_pipeline=True,
                  parameter_sets=("User",), help="Restore a user's whole OneDrive."),
        Parameter("MultipleUsers", type=VBOOneDriveUser, array=True, mandatory=True, position=0,
                  parameter_sets=("Multiple",), help="Restore several OneDrives, each to itself."),
        Parameter("TargetUser", type=str, parameter_sets=("Document", "User"),
                  help="Restore into this user's OneDrive (address or id)."),
        Parameter("TargetFolder", type=str, parameter_sets=("Document", "User"),
                  help="Restore below this folder path of the target OneDrive."),
        Parameter("RestoreChangedItems", type=Switch, help="Restore documents changed since the backup."),
        Parameter("RestoreDeletedItems", type=Switch, help="Restore documents missing from the OneDrive."),
        Parameter("Overwrite", type=Switch, help="Overwrite changed documents (same as -Action Overwrite)."),
        Parameter("Action", type=str, validate_set=("Overwrite", "Keep"),
                  help="Changed documents: Overwrite them, or Keep them and restore a renamed copy (default)."),
        Parameter("SkipUnresolvedUsers", type=Switch, parameter_sets=("Multiple",), help="Accepted."),
        *_APP,
    ]
    examples = [
        Example("Get-VEODDocument -User $user -Recurse -Name '*.docx' | Restore-VEODDocument -Action Overwrite",
                "Restores the user's Word documents in place, overwriting changed ones.", setup=VEOD_SETUP,
                needs_sandbox=True),
        Example("Restore-VEODDocument -User $user -TargetUser $user.Email -TargetFolder 'Restored'",
                "Restores the whole OneDrive into the folder 'Restored' of the same OneDrive.", setup=VEOD_SETUP,
                needs_sandbox=True),
    ]

    def process_record(self) -> None:
        ps = self.parameter_set_name
        if ps == "Document":
            for d in self.Document or []:
                self._add(d._user._engine, subtree(d))
        else:
            for u in ([self.User] if ps == "User" else list(self.MultipleUsers or [])):
                self._add(u._engine, [e for e in u._engine.entries(u._src, u._obj, "OneDrive", types=DOC_TYPES)
                                      if not e.old])

    def end_processing(self) -> None:
        from vboshell.restore import files as F

        if self._engine is None:
            return
        eng = self._engine
        g = graph_for(self, eng.organization_id, "sharepoint")
        overwrite = bool(self.Overwrite) or str(self.Action or "").lower() == "overwrite"
        changed, deleted = bool(self.RestoreChangedItems), bool(self.RestoreDeletedItems)
        if not changed and not deleted:
            changed = deleted = True
        target_user = self.TargetUser or None
        drives: dict[str, str] = {}

        def target_for(e: Any) -> F.DriveTarget:
            if target_user:
                if target_user not in drives:
                    drives[target_user] = resolve_drive(g, target_user)
                did = drives[target_user]
            else:
                did = str(e.meta.get("driveId") or "")
                if not did:
                    key = e.obj.external_id
                    if key not in drives:
                        drives[key] = resolve_drive(g, key)
                    did = drives[key]
            return F.DriveTarget(did, (self.TargetFolder or "").strip("/"), 0)

        what = f"{len(self._entries)} item(s) to " + (target_user or "the original OneDrive")
        if not self.should_process(what, "Restore-VEODDocument"):
            return
        activity = "Restoring OneDrive documents"
        all_entries = self._package_context(eng)
        with engine_step(self, activity):
            with eng.operation("Restore-VEODDocument", what) as op:
                F.restore_documents(g, self._entries, target_for, op, overwrite=overwrite, restore_changed=changed,
                                    restore_deleted=deleted, progress=progress_cb(self, activity),
                                    stopping=lambda: self.stopping, all_entries=all_entries)
        write_result(self, "Restore-VEODDocument", op, eng)

    def _package_context(self, eng: Any) -> list[Any]:
        """Package (OneNote) folders of the objects involved, so files inside a notebook are recognised."""
        seen: set[tuple[int, str]] = set()
        out: list[Any] = list(self._entries)
        for e in self._entries:
            key = (id(e.source), e.obj.external_id)
            if key in seen:
                continue
            seen.add(key)
            out.extend(x for x in eng.entries(e.source, e.obj, e.version.service, types=("package",)))
        return out


@register
class SaveVEODDocument(Cmdlet):
    name = "Save-VEODDocument"
    module = MOD_VESP
    synopsis = "Saves OneDrive documents to local files or a zip archive."
    description = ("Writes backed-up documents (and folders with their contents) below -Path, keeping the folder "
                   "structure, or into one zip archive with -AsZip (-Path a .zip file or a folder). Content is "
                   "streamed; names are sanitised so nothing is written outside -Path. OneNote notebooks are saved "
                   "as their files.")
    default_parameter_set = "Document"
    output_type = "VBORestoreResult"
    parameters = [
        Parameter("Document", type=VBOOneDriveDocument, array=True, mandatory=True, position=0,
                  value_from_pipeline=True, parameter_sets=("Document",), help="Documents (Get-VEODDocument)."),
        Parameter("User", type=VBOOneDriveUser, mandatory=True, position=0, value_from_pipeline=True,
                  parameter_sets=("User",), help="Save a user's whole OneDrive."),
        Parameter("MultipleUsers", type=VBOOneDriveUser, array=True, mandatory=True, position=0,
                  parameter_sets=("Multiple",), help="Save several OneDrives (one folder per user)."),
        Parameter("Path", type=str, mandatory=True, position=1, is_path=True, help="Target folder or .zip file."),
        Parameter("AsZip", type=Switch, help="Write one zip archive."),
    ]
    examples = [
        Example("Save-VEODDocument -User $user -Path (Join-Path $HOME 'onedrive-copy')",
                "Saves a user's OneDrive to a local folder.", setup=VEOD_SETUP, needs_sandbox=True),
        Example("Get-VEODDocument -User $user -Recurse -Name '*.xlsx' | Save-VEODDocument -Path "
                "(Join-Path $HOME 'sheets.zip') -AsZip", "Saves the user's workbooks into a zip archive.",
                setup=VEOD_SETUP, needs_sandbox=True),
    ]

    def begin_processing(self) -> None:
        self._items: list[tuple[Any, list[Any], list[str]]] = []

    def process_record(self) -> None:
        from vboshell.restore.files import item_path

        ps = self.parameter_set_name
        if ps == "Document":
            for d in self.Document or []:
                es = subtree(d)
                # keep paths relative to the selected document's parent folder
                parent = item_path(d._entry).rsplit("/", 1)[0] if "/" in item_path(d._entry) else ""
                self._items.append((d._user._engine, es, [parent]))
        else:
            users = [self.User] if ps == "User" else list(self.MultipleUsers or [])
            for u in users:
                es = [e for e in u._engine.entries(u._src, u._obj, "OneDrive", types=DOC_TYPES) if not e.old]
                self._items.append((u._engine, es, [u.Name] if ps == "Multiple" else []))

    def end_processing(self) -> None:
        from vboshell.restore import files as F

        if not self._items:
            return
        eng = self._items[0][0]
        root = Path(self.context.resolve_path(str(self.Path))) if hasattr(self.context, "resolve_path") \
            else Path(str(self.Path))
        activity = "Saving OneDrive documents"
        out = root
        with engine_step(self, activity):
            with eng.operation("Save-VEODDocument", str(root)) as op:
                if self.AsZip:
                    entries = [e for _, es, _ in self._items for e in es]
                    out = F.save_documents(entries, root, as_zip=True, op=op, progress=progress_cb(self, activity))
                else:
                    for _, es, pre in self._items:
                        strip = len([p for p in pre[0].split("/") if p]) if pre and pre[0] and \
                            self.parameter_set_name == "Document" else 0
                        prefix = pre if self.parameter_set_name == "Multiple" else []
                        F.save_documents(es, root, strip=strip, prefix=prefix, op=op,
                                         progress=progress_cb(self, activity))
        write_result(self, "Save-VEODDocument", op, eng, str(out))
