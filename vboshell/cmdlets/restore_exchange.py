"""Exchange explorer cmdlets (VEX): Get-VEXDatabase, Get-VEXMailbox, Get-VEXFolder, Get-VEXItem, Restore-VEXItem and
Export-VEXItem over an Exchange restore session (engine: vboshell.restore.exchange)."""

from __future__ import annotations

import fnmatch
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from vboshell.cmdlets._restore_shared import engine_step, write_result
from vboshell.cmdlets.restore_common import (
    MOD_VEX,
    NS_VEX,
    RESTORE_SETUP,
    VBOExchangeRestoreSession,
    catalog,
    engine_error,
    engine_of,
    graph_for,
    progress_cb,
)
from vboshell.commands.base import Cmdlet, Example, Parameter, Switch
from vboshell.commands.registry import register
from vboshell.runtime.errors import CmdletError, ErrorCategory, not_applicable
from vboshell.runtime.psobject import TypeView, ps_type

VEX_SETUP = RESTORE_SETUP + "$session = Start-VBOExchangeItemRestoreSession -LatestState -Organization $org\n" \
    "$mailbox = Get-VEXMailbox -Session $session | Select-Object -First 1\n"


@ps_type(f"{NS_VEX}.VEXDatabase", view=TypeView(table=("Name", "DatabaseFile"), kind="table"))
@dataclass(eq=False)
class VEXDatabase:
    Name: str
    DatabaseFile: str
    LogsFolder: str
    BackupTime: datetime | None = None
    _engine: Any = field(default=None, repr=False)
    _source: Any = field(default=None, repr=False)

    def __str__(self) -> str:
        return self.Name


@ps_type(f"{NS_VEX}.VEXMailbox", view=TypeView(table=("Name", "Email", "IsArchive", "IsDeleted"), kind="table"))
@dataclass(eq=False)
class VEXMailbox:
    Id: uuid.UUID | None
    Name: str
    Email: str
    IsDeleted: bool
    IsArchive: bool
    OfficeId: str = ""
    _mb: Any = field(default=None, repr=False)
    _engine: Any = field(default=None, repr=False)

    def __str__(self) -> str:
        return self.Name + (" (archive)" if self.IsArchive else "")


@ps_type(f"{NS_VEX}.VEXFolder", view=TypeView(table=("Name", "Path", "Mailbox"), kind="table"))
@dataclass(eq=False)
class VEXFolder:
    Name: str
    FolderClass: str
    Description: str
    Parent: VEXFolder | None
    Path: str
    Mailbox: str
    IsDeleted: bool = False
    _folder: Any = field(default=None, repr=False)
    _mbx: Any = field(default=None, repr=False)

    def __str__(self) -> str:
        return self.Path


@ps_type(f"{NS_VEX}.VEXItemRecipient")
@dataclass
class VEXItemRecipient:
    Name: str
    Email: str

    def __str__(self) -> str:
        return f"{self.Name} <{self.Email}>" if self.Name and self.Email else self.Name or self.Email


@ps_type(f"{NS_VEX}.VEXItem",
         view=TypeView(table=("Received", "From", "Subject", "Folder", "IsDeleted"), kind="table"))
@dataclass(eq=False)
class VEXItem:
    Id: str
    ItemClass: str
    Subject: str
    From: VEXItemRecipient | None
    To: list[VEXItemRecipient]
    CC: list[VEXItemRecipient]
    Sent: datetime | None
    Received: datetime | None
    Folder: str
    Mailbox: str
    Size: int
    HasAttachments: bool
    IsRead: bool
    IsDeleted: bool
    IsOldVersion: bool
    Importance: str = ""
    DeletedTime: datetime | None = None
    _entry: Any = field(default=None, repr=False)
    _mbx: Any = field(default=None, repr=False)

    def __str__(self) -> str:
        return self.Subject


def _recipient(v: Any) -> VEXItemRecipient | None:
    if isinstance(v, dict):
        ea = v.get("emailAddress") if isinstance(v.get("emailAddress"), dict) else v
        return VEXItemRecipient(str(ea.get("name") or ""), str(ea.get("address") or ""))
    return None


def _recipients(v: Any) -> list[VEXItemRecipient]:
    return [r for r in (_recipient(x) for x in (v or [])) if r is not None]


_ITEM_CLASS = {"message": "IPM.Note", "contact": "IPM.Contact", "event": "IPM.Appointment"}


def make_item(e: Any, mbx: VEXMailbox) -> VEXItem:
    from vboshell.restore.exchange import _dt

    m = e.meta
    return VEXItem(Id=e.version.item_id, ItemClass=_ITEM_CLASS.get(e.type, "IPM.Note"),
                   Subject=str(m.get("subject") or m.get("displayName") or ""),
                   From=_recipient(m.get("from") or m.get("sender") or m.get("organizer")),
                   To=_recipients(m.get("toRecipients") or m.get("attendees")), CC=_recipients(m.get("ccRecipients")),
                   Sent=_dt(m.get("sentDateTime")), Received=_dt(m.get("receivedDateTime") or m.get("createdDateTime")),
                   Folder=e.version.folder or "", Mailbox=mbx.Name, Size=int(e.version.size or 0),
                   HasAttachments=bool(m.get("hasAttachments")), IsRead=bool(m.get("isRead")), IsDeleted=e.deleted,
                   IsOldVersion=e.old, Importance=str(m.get("importance") or ""),
                   DeletedTime=e.deleted_at, _entry=e, _mbx=mbx)


def _engine_from(cmd: Cmdlet, value: Any) -> Any:
    if isinstance(value, VEXDatabase | VEXMailbox):
        return value._engine
    return engine_of(cmd, value, "Vex")


def mailboxes_of(cmd: Cmdlet, value: Any, names: list[str] | None = None) -> list[VEXMailbox]:
    from vboshell.restore import exchange as X

    eng = _engine_from(cmd, value)
    src = value._source if isinstance(value, VEXDatabase) else None
    emails = getattr(eng, "_emails", None)
    if emails is None:
        emails = eng._emails = {}
    out = []
    for mb in X.mailboxes(eng):
        if src is not None and mb.source is not src:
            continue
        oid = mb.obj.external_id
        if oid not in emails:
            emails[oid] = _lookup_email(cmd, eng, oid)
        try:
            uid: uuid.UUID | None = uuid.UUID(oid)
        except ValueError:
            uid = None
        v = VEXMailbox(Id=uid, Name=mb.obj.name or oid, Email=emails[oid], IsDeleted=False,
                       IsArchive=mb.is_archive, OfficeId=oid, _mb=mb, _engine=eng)
        if names and not any(_match(n, v.Name) or _match(n, v.Email) or
                             _match(n, v.Email.split("@")[0]) for n in names):
            continue
        out.append(v)
    return out


def _match(pattern: str, value: str) -> bool:
    """Wildcards as in PowerShell; a plain name also matches the first word(s) of a display name ('alice' finds
    'Alice Brown')."""
    if not value:
        return False
    p = pattern.lower()
    if any(c in p for c in "*?["):
        return fnmatch.fnmatchcase(value.lower(), p)
    v = value.lower()
    return v == p or v.startswith(p + " ")


def _lookup_email(cmd: Cmdlet, eng: Any, oid: str) -> str:
    """The user's address from Graph; remembered in the catalogue so browsing still shows it when Microsoft 365
    (or the sandbox) cannot be reached."""
    cat = catalog(cmd)
    key = f"restore.email.{oid}"
    try:
        g = graph_for(cmd, eng.organization_id)
        u = g.get_json(f"/users/{oid}", params={"$select": "mail,userPrincipalName"})
        mail = str(u.get("mail") or u.get("userPrincipalName") or "")
        if mail and cat.get_setting(key) != mail:
            cat.set_setting(key, mail)
        return mail
    except Exception:  # noqa: BLE001 - the user may be gone; the mailbox is still restorable elsewhere
        return str(cat.get_setting(key) or "")


def not_found(cmd: Cmdlet, what: str, names: list[str] | None, found: list[Any]) -> None:
    """Get-* convention: a name without wildcards that matched nothing is a non-terminating error."""
    for n in names or []:
        if any(c in n for c in "*?["):
            continue
        if not any(_match(n, str(getattr(f, "Name", "") or getattr(f, "DisplayName", ""))) or
                   _match(n, str(getattr(f, "Email", "") or "")) or
                   _match(n, str(getattr(f, "Email", "") or "").split("@")[0]) for f in found):
            cmd.write_error(CmdletError(f"{what} '{n}' is not in this restore session (names, addresses and aliases "
                                        "match; wildcards allowed).", f"{what.replace(' ', '')}NotFound",
                                        ErrorCategory.ObjectNotFound, target=n))


def folders_of(mbx: VEXMailbox, parent: VEXFolder | None, name: str | None, recurse: bool) -> list[VEXFolder]:
    from vboshell.restore import exchange as X

    eng = mbx._engine
    all_f = X.folders(eng, mbx._mb)
    by_path: dict[str, VEXFolder] = {}
    for f in all_f:
        par = by_path.get(f.parent_path.lower()) if f.parent_path else None
        by_path[f.path.lower()] = VEXFolder(
            Name=f.name, FolderClass=str(f.meta.get("folderClass") or "IPF.Note"), Description=f.path, Parent=par,
            Path=f.path, Mailbox=mbx.Name, IsDeleted=f.deleted, _folder=f, _mbx=mbx)
    base = parent.Path.lower() if parent is not None else None
    out = []
    for key, v in by_path.items():
        if base is None:
            ok = recurse or "/" not in key
        else:
            ok = key.startswith(base + "/") and (recurse or "/" not in key[len(base) + 1:])
        if ok and (name is None or _match(name, v.Name)):
            out.append(v)
    return out


_SESSION_OR_DB = Parameter("Database", type=object, mandatory=True, position=0, value_from_pipeline=True,
                           aliases=("Session",), help="The Exchange restore session (or a database from "
                           "Get-VEXDatabase).")


@register
class GetVEXDatabase(Cmdlet):
    name = "Get-VEXDatabase"
    module = MOD_VEX
    synopsis = "Returns the backed-up mailbox databases (repositories) of an Exchange restore session."
    description = ("vboshell has no Exchange databases: each repository restore point read by the session is shown "
                   "as a database, so Veeam scripts that go Session -> Database -> Mailbox keep working.")
    output_type = "VEXDatabase"
    parameters = [
        Parameter("Session", type=VBOExchangeRestoreSession, mandatory=True, position=0, value_from_pipeline=True,
                  help="The Exchange restore session."),
        Parameter("Name", type=str, array=True, position=1, help="Database (repository) name; wildcards allowed."),
    ]
    examples = [Example("Get-VEXDatabase -Session $session", "Lists the databases of the session.",
                        setup=VEX_SETUP, needs_sandbox=True)]

    def process_record(self) -> None:
        eng = engine_of(self, self.Session, "Vex")
        for src in eng.sources:
            db = VEXDatabase(Name=src.record.name, DatabaseFile=src.record.path, LogsFolder="",
                             BackupTime=src.rp.finished or src.rp.started, _engine=eng, _source=src)
            if self.Name and not any(_match(n, db.Name) for n in self.Name):
                continue
            self.write_object(db)


@register
class GetVEXMailbox(Cmdlet):
    name = "Get-VEXMailbox"
    module = MOD_VEX
    synopsis = "Returns backed-up mailboxes."
    description = ("Returns the mailboxes (and in-place archives, IsArchive) in an Exchange restore session or one of "
                   "its databases. -Name matches the display name, the e-mail address or its alias part.")
    output_type = "VEXMailbox"
    parameters = [_SESSION_OR_DB,
                  Parameter("Name", type=str, array=True, position=1,
                            help="Display name, e-mail address or alias; wildcards allowed.")]
    examples = [
        Example("Get-VEXMailbox -Session $session", "Lists every backed-up mailbox.", setup=VEX_SETUP,
                needs_sandbox=True),
        Example("Get-VEXDatabase -Session $session | Get-VEXMailbox -Name 'alice*'",
                "Finds Alice's mailbox through the session's database, as Veeam scripts do.", setup=VEX_SETUP,
                needs_sandbox=True),
    ]

    def process_record(self) -> None:
        try:
            found = mailboxes_of(self, self.Database, self.Name)
        except CmdletError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise engine_error(exc) from None
        for m in found:
            self.write_object(m)
        not_found(self, "Mailbox", self.Name, found)


@register
class GetVEXFolder(Cmdlet):
    name = "Get-VEXFolder"
    module = MOD_VEX
    synopsis = "Returns folders of a backed-up mailbox."
    description = "Returns the top-level folders of a mailbox, or the subfolders of a folder; -Recurse for all levels."
    output_type = "VEXFolder"
    default_parameter_set = "Mailbox"
    parameters = [
        Parameter("Mailbox", type=VEXMailbox, mandatory=True, position=0, value_from_pipeline=True,
                  parameter_sets=("Mailbox",), help="The mailbox (Get-VEXMailbox)."),
        Parameter("Parent", type=VEXFolder, mandatory=True, position=0, value_from_pipeline=True,
                  parameter_sets=("Parent",), help="The parent folder (Get-VEXFolder)."),
        Parameter("Name", type=str, position=1, help="Folder name; wildcards allowed."),
        Parameter("Recurse", type=Switch, help="Include subfolders at every level."),
    ]
    examples = [
        Example("Get-VEXFolder -Mailbox $mailbox", "Lists the top-level folders of a mailbox.", setup=VEX_SETUP,
                needs_sandbox=True),
        Example("Get-VEXFolder -Mailbox $mailbox -Name Inbox | Get-VEXFolder -Recurse",
                "Lists every folder below Inbox.", setup=VEX_SETUP, needs_sandbox=True),
    ]

    def process_record(self) -> None:
        if self.parameter_set_name == "Parent":
            mbx, parent = self.Parent._mbx, self.Parent
        else:
            mbx, parent = self.Mailbox, None
        for f in folders_of(mbx, parent, self.Name, bool(self.Recurse)):
            self.write_object(f)


def items_of(cmd: Cmdlet, *, folder: VEXFolder | None = None, mailbox: VEXMailbox | None = None,
             database: Any = None, query: str | None = None, recurse: bool = True,
             types: tuple[str, ...] = ("message", "contact", "event")) -> list[VEXItem]:
    from vboshell.restore import exchange as X
    from vboshell.restore.query import Query

    try:
        q = Query.parse(query)
    except ValueError as exc:
        raise engine_error(exc, query) from None
    if folder is not None:
        mbxs = [(folder._mbx, folder.Path)]
    elif mailbox is not None:
        mbxs = [(mailbox, None)]
    else:
        mbxs = [(m, None) for m in mailboxes_of(cmd, database)]
    out = []
    for mbx, path in mbxs:
        for e in X.items(mbx._engine, mbx._mb, path, recurse=recurse or path is None, types=types):
            if q.groups and not q.matches(X.query_fields(e)):
                continue
            out.append(make_item(e, mbx))
    out.sort(key=lambda i: (i.Mailbox, i.Folder, i.Received or datetime.min.astimezone()))
    return out


@register
class GetVEXItem(Cmdlet):
    name = "Get-VEXItem"
    module = MOD_VEX
    synopsis = "Finds backed-up mail items."
    description = (
        "Returns messages (and contacts and calendar items) of a folder, a mailbox or a whole session, optionally "
        "filtered by -Query. Query syntax: free words or \"phrases\" match subject, sender and recipients; "
        "subject:, from:, to:, cc:, participants:, folder:, importance:, hasattachment:true; dates with "
        "received/sent and >=, <=, >, <, or key:value for a day or range (2026-11-20, 11/20/2026, today, "
        "yesterday, lastweek, thismonth, -7d, 2026-11-01..2026-11-30); AND (default), OR, NOT or a leading '-'. "
        "With a session started with -ShowDeleted, items deleted in the mailbox have IsDeleted = True and "
        "DeletedTime (when a backup saw them deleted), which deleted>=lastweek / isdeleted:true search.")
    output_type = "VEXItem"
    default_parameter_set = "Folder"
    parameters = [
        Parameter("Folder", type=VEXFolder, mandatory=True, value_from_pipeline=True, parameter_sets=("Folder",),
                  help="The folder (Get-VEXFolder)."),
        Parameter("Mailbox", type=VEXMailbox, array=True, mandatory=True, value_from_pipeline=True,
                  parameter_sets=("Mailbox",), help="Search whole mailboxes (Get-VEXMailbox)."),
        Parameter("Database", type=object, array=True, mandatory=True, value_from_pipeline=True,
                  parameter_sets=("Database",), aliases=("Session",),
                  help="Search every mailbox of a database or session."),
        Parameter("Query", type=str, help="Search query (see the description)."),
        Parameter("Recurse", type=Switch, parameter_sets=("Folder",), help="Include the items of subfolders."),
        Parameter("Type", type=str, validate_set=("Message", "Contact", "Appointment", "All"),
                  help="Only this kind of item (vboshell extension; default All)."),
    ]
    examples = [
        Example("Get-VEXItem -Mailbox $mailbox -Query 'subject:invoice'",
                "Finds the messages of a mailbox whose subject contains 'invoice'.", setup=VEX_SETUP,
                needs_sandbox=True),
        Example("Get-VEXItem -Mailbox $mailbox -Query 'from:fabrikam received>=2020-01-01' | "
                "Format-Table Received, Subject, Folder",
                "Finds messages from Fabrikam received since 2020.", setup=VEX_SETUP, needs_sandbox=True),
    ]

    def process_record(self) -> None:
        types = {"message": ("message",), "contact": ("contact",), "appointment": ("event",)}.get(
            str(self.Type or "all").lower(), ("message", "contact", "event"))
        ps = self.parameter_set_name
        scopes: list[dict[str, Any]] = [{"folder": self.Folder}] if ps == "Folder" else \
            [{"mailbox": m} for m in self.Mailbox or []] if ps == "Mailbox" else \
            [{"database": db} for db in self.Database or []]
        for scope in scopes:
            found = items_of(self, query=self.Query, recurse=bool(self.Recurse) if ps == "Folder" else True,
                             types=types, **scope)
            for it in found:
                self.write_object(it)
            if not found and self.Query:
                self._hint_deleted(scope, types)

    def _hint_deleted(self, scope: dict[str, Any], types: tuple[str, ...]) -> None:
        """Nothing found in a session that hides deleted items: say so when deleted items would match."""
        v = scope.get("folder") or scope.get("mailbox")
        eng = (v._mbx._engine if isinstance(v, VEXFolder) else v._engine) if v is not None else \
            _engine_from(self, scope.get("database"))
        if eng.show_deleted:
            return
        eng.show_deleted = True
        try:
            n = sum(1 for it in items_of(self, query=self.Query, types=types, **scope) if it.IsDeleted)
        finally:
            eng.show_deleted = False
        if n:
            self.write_warning(f"No current item matches, but {n} item(s) deleted from the mailbox before the "
                               "restore point do. Start the session with -ShowDeleted to see and restore them "
                               "(or use -RestorePoint with an earlier backup).")


_APP_PARAMS = (
    Parameter("ApplicationId", type=str, dont_show=True,
              help="Not needed: restores use the organization's application registration."),
    Parameter("ApplicationCertificatePath", type=str, dont_show=True, help="Not needed (see -ApplicationId)."),
    Parameter("ApplicationCertificatePassword", type=object, dont_show=True, help="Not needed."),
    Parameter("ImpersonationAccountName", type=str, dont_show=True, help="Not used in API-only mode."),
    Parameter("OrganizationName", type=str, dont_show=True, help="Not needed."),
    Parameter("Region", type=str, dont_show=True, help="Not needed: the organization's region is used."),
    Parameter("Credential", type=object, dont_show=True, help="Not used in API-only mode."),
    Parameter("Office365Credential", type=object, dont_show=True, help="Not supported in API-only mode."),
    Parameter("Server", type=str, dont_show=True, help="Not used."),
)


@register
class RestoreVEXItem(Cmdlet):
    name = "Restore-VEXItem"
    supports_should_process = True
    module = MOD_VEX
    synopsis = "Restores mail items to the original or another mailbox."
    description = (
        "Restores backed-up items through Microsoft Graph, recreating their folder structure: to the original "
        "mailbox, or to -TargetMailbox (a user's address or id), optionally below -ToFolder. Items that exist "
        "unchanged are skipped; -RestoreChangedItem / -RestoreDeletedItem restrict the restore to items changed in, "
        "or missing from, the mailbox (both by default). Changed items are restored next to the current version. "
        "One failing item is logged and the rest continue; per-item results are in Get-VBORestoreSession. "
        "API-only note: Graph creates messages from MIME as drafts (the session log says so).")
    output_type = "VBORestoreResult"
    default_parameter_set = "Item"
    parameters = [
        Parameter("Item", type=VEXItem, array=True, mandatory=True, value_from_pipeline=True, parameter_sets=("Item",),
                  help="Items to restore (Get-VEXItem)."),
        Parameter("Folder", type=VEXFolder, mandatory=True, value_from_pipeline=True, parameter_sets=("Folder",),
                  help="Restore a folder with its subfolders."),
        Parameter("Mailbox", type=VEXMailbox, mandatory=True, value_from_pipeline=True, parameter_sets=("Mailbox",),
                  help="Restore a whole mailbox."),
        Parameter("MultipleMailboxes", type=VEXMailbox, array=True, mandatory=True, parameter_sets=("Multiple",),
                  help="Restore several mailboxes, each to itself."),
        Parameter("TargetMailbox", type=str, parameter_sets=("Item", "Folder", "Mailbox"),
                  help="Restore into this mailbox (address or id) instead of the original."),
        Parameter("ToFolder", type=str, aliases=("TargetFolder",),
                  help="Restore below this folder path (e.g. 'Restored'); the original structure is kept beneath."),
        Parameter("RestoreChangedItem", type=Switch, aliases=("RestoreChangedItems",),
                  help="Restore items that were changed in the mailbox."),
        Parameter("RestoreDeletedItem", type=Switch, aliases=("RestoreDeletedItems",),
                  help="Restore items that are missing from the mailbox."),
        Parameter("MarkAsUnread", type=Switch, aliases=("MarkRestoredAsUnread",), help="Mark restored items unread."),
        Parameter("ExcludeDrafts", type=Switch, help="Do not restore drafts."),
        Parameter("ExcludeDeletedItems", type=Switch, help="Do not restore items of the Deleted Items folder."),
        Parameter("ExcludeInPlaceHoldItems", type=Switch, help="Accepted; hold folders are not backed up."),
        Parameter("ExcludeLitigationHoldItems", type=Switch, help="Accepted; hold folders are not backed up."),
        Parameter("RestoreItemsForLastDays", type=int, parameter_sets=("Multiple",),
                  help="Only items received in the last N days."),
        Parameter("SkipUnresolvedMailboxes", type=Switch, parameter_sets=("Multiple",),
                  help="Accepted; unresolved mailboxes are always reported and skipped."),
        Parameter("Force", type=Switch, help="Do not ask for confirmation."),
        *_APP_PARAMS,
    ]
    examples = [
        Example("Get-VEXItem -Mailbox $mailbox -Query 'subject:invoice' | Restore-VEXItem",
                "Restores the invoice messages to their original folders (unchanged ones are skipped).",
                setup=VEX_SETUP, needs_sandbox=True),
        Example("$inbox = Get-VEXFolder -Mailbox $mailbox -Name Inbox\n"
                "Restore-VEXItem -Folder $inbox -TargetMailbox $mailbox.Email -ToFolder 'Restored' -MarkAsUnread",
                "Restores the Inbox into the folder 'Restored' of the same mailbox, marked unread.",
                setup=VEX_SETUP, needs_sandbox=True),
    ]

    def begin_processing(self) -> None:
        from vboshell.cmdlets.organizations import _check_rules

        _check_rules(self)
        self._entries: list[Any] = []
        self._engine: Any = None
        if self.is_bound("ApplicationId") or self.is_bound("ImpersonationAccountName"):
            self.write_warning("-ApplicationId/-ImpersonationAccountName are not needed: vboshell restores with the "
                               "organization's application registration.")

    def _add(self, engine: Any, entries: list[Any]) -> None:
        if self._engine is None:
            self._engine = engine
        elif engine is not self._engine:
            raise CmdletError("All items of one Restore-VEXItem call must come from one restore session.",
                              "MixedSessions", ErrorCategory.InvalidArgument)
        self._entries.extend(entries)

    def process_record(self) -> None:
        from vboshell.restore import exchange as X

        ps = self.parameter_set_name
        if ps == "Item":
            for it in self.Item or []:
                self._add(it._mbx._engine, [it._entry])
        elif ps == "Folder":
            f = self.Folder
            self._add(f._mbx._engine, list(X.items(f._mbx._engine, f._mbx._mb, f.Path, recurse=True)))
        elif ps == "Mailbox":
            m = self.Mailbox
            self._add(m._engine, list(X.items(m._engine, m._mb)))
        else:
            since = None
            if self.RestoreItemsForLastDays:
                since = datetime.now().astimezone() - timedelta(days=int(self.RestoreItemsForLastDays))
            for m in self.MultipleMailboxes or []:
                es = list(X.items(m._engine, m._mb))
                if since is not None:
                    es = [e for e in es if (X.query_fields(e)["received"] or since) >= since]
                self._add(m._engine, es)

    def end_processing(self) -> None:
        from vboshell.restore import exchange as X

        if self._engine is None:
            return
        eng = self._engine
        changed, deleted = bool(self.RestoreChangedItem), bool(self.RestoreDeletedItem)
        if not changed and not deleted:
            changed = deleted = True
        opts = X.ExchangeRestoreOptions(target_mailbox=self.TargetMailbox or None, to_folder=self.ToFolder or None,
                                        restore_changed=changed, restore_deleted=deleted,
                                        mark_unread=bool(self.MarkAsUnread), exclude_drafts=bool(self.ExcludeDrafts),
                                        exclude_deleted_items=bool(self.ExcludeDeletedItems))
        target = self.TargetMailbox or "original mailbox"
        if not self.should_process(f"{len(self._entries)} item(s) to {target}", "Restore-VEXItem"):
            return
        g = graph_for(self, eng.organization_id)
        activity = "Restoring mail items"
        with engine_step(self, activity):
            with eng.operation("Restore-VEXItem", f"{len(self._entries)} item(s) to {target}") as op:
                X.restore_items(eng, g, self._entries, opts, op, progress_cb(self, activity),
                                stopping=lambda: self.stopping)
        write_result(self, "Restore-VEXItem", op, eng)


@register
class ExportVEXItem(Cmdlet):
    name = "Export-VEXItem"
    module = MOD_VEX
    synopsis = "Exports mail items to EML files or MBOX."
    description = (
        "Exports backed-up messages to files: by default one .eml per message (the exact MIME that was backed "
        "up) in folders named after the mailbox and its folders; with -Format Mbox one .mbox per folder, or a "
        "single file when -To ends with .mbox. PST is not supported (it needs Outlook/MAPI): use MBOX, which "
        "Outlook, Thunderbird and most archivers import. File names are sanitised and never leave -To.")
    output_type = "VBORestoreResult"
    default_parameter_set = "Item"
    parameters = [
        Parameter("Item", type=VEXItem, array=True, mandatory=True, value_from_pipeline=True, parameter_sets=("Item",),
                  help="Items to export (Get-VEXItem)."),
        Parameter("Folder", type=VEXFolder, mandatory=True, value_from_pipeline=True, parameter_sets=("Folder",),
                  help="Export a folder and its subfolders."),
        Parameter("Mailbox", type=VEXMailbox, mandatory=True, value_from_pipeline=True, parameter_sets=("Mailbox",),
                  help="Export a whole mailbox."),
        Parameter("Database", type=object, array=True, mandatory=True, value_from_pipeline=True,
                  parameter_sets=("Database",), help="Export every mailbox of a database or session."),
        Parameter("To", type=str, mandatory=True, aliases=("Path",), is_path=True,
                  help="Target folder (EML, or MBOX per folder) or an .mbox file."),
        Parameter("Format", type=str, validate_set=("Eml", "Mbox", "Pst"),
                  help="Eml (default) or Mbox; Pst is not supported (vboshell extension)."),
        Parameter("ContentKeyword", type=str, array=True, parameter_sets=("Folder", "Mailbox", "Database"),
                  help="Only items matching any of these keywords (subject, sender, recipients)."),
        Parameter("PstSizeLimit", type=int, dont_show=True, help="Not applicable: PST is not supported."),
        Parameter("Force", type=Switch, help="Write into an existing non-empty folder or replace an .mbox file."),
    ]
    examples = [
        Example("Get-VEXItem -Mailbox $mailbox -Query 'subject:invoice' | Export-VEXItem -To (Join-Path $HOME 'eml')",
                "Saves each invoice message as an .eml file.", setup=VEX_SETUP, needs_sandbox=True),
        Example("$inbox = Get-VEXFolder -Mailbox $mailbox -Name Inbox\n"
                "Export-VEXItem -Folder $inbox -To (Join-Path $HOME 'inbox.mbox') -Format Mbox -Force",
                "Exports the Inbox and its subfolders into one MBOX file.", setup=VEX_SETUP, needs_sandbox=True),
    ]

    def begin_processing(self) -> None:
        from vboshell.cmdlets.organizations import _check_rules

        if str(self.Format or "").lower() == "pst":
            raise not_applicable("Exporting to PST", "PST is an Outlook format that needs Windows and MAPI. "
                                 "Instead: use -Format Mbox (one .mbox per folder, or -To <file>.mbox), or the "
                                 "default EML export.", target="Pst")
        _check_rules(self)
        self._groups: dict[str, list[Any]] = {}
        self._engine: Any = None

    def process_record(self) -> None:
        from vboshell.restore import exchange as X

        ps = self.parameter_set_name
        pairs: list[tuple[Any, Any]] = []
        if ps == "Item":
            pairs = [(it._mbx, it._entry) for it in self.Item or []]
        else:
            q = " OR ".join(f'"{k}"' for k in (self.ContentKeyword or [])) or None
            kw: dict[str, Any] = {}
            if ps == "Folder":
                kw["folder"] = self.Folder
            elif ps == "Mailbox":
                kw["mailbox"] = self.Mailbox
            for db in (self.Database or [None]) if ps == "Database" else [None]:
                if ps == "Database":
                    kw["database"] = db
                pairs += [(it._mbx, it._entry) for it in items_of(self, query=q, types=("message",), **kw)]
        for mbx, e in pairs:
            if self._engine is None:
                self._engine = mbx._engine
            key = "/".join(x for x in (mbx.Name, e.version.folder or "") if x)
            self._groups.setdefault(key, []).append(e)
        _ = X

    def end_processing(self) -> None:
        from vboshell.restore import exchange as X

        if self._engine is None:
            return
        eng = self._engine
        target = Path(self.context.resolve_path(str(self.To))) if hasattr(self.context, "resolve_path") \
            else Path(str(self.To))
        mbox = str(self.Format or "").lower() == "mbox" or target.suffix.lower() == ".mbox"
        single = target if target.suffix.lower() == ".mbox" else None
        if single is not None and single.exists() and not self.Force:
            raise CmdletError(f"'{single}' exists; pass -Force to replace it.", "FileExists",
                              ErrorCategory.ResourceExists, target=str(single))
        if single is None and target.exists() and any(target.iterdir()) and not self.Force:
            self.write_warning(f"'{target}' is not empty; files with the same names get ' (2)' and so on.")
        activity = "Exporting mail items"
        entries = [e for v in self._groups.values() for e in v]
        with engine_step(self, activity):
            with eng.operation("Export-VEXItem", f"{len(entries)} item(s) to {target}") as op:
                if mbox:
                    X.export_mbox(self._groups, target, single_file=single, op=op,
                                  progress=progress_cb(self, activity))
                else:
                    X.export_eml(entries, target, op=op, progress=progress_cb(self, activity))
        write_result(self, "Export-VEXItem", op, eng, str(target))


_ = catalog
