"""Shared object model and helpers of the restore cmdlets: restore points, restore sessions (all four kinds),
their logs and results, and the glue from cmdlet parameters to vboshell.restore (sessions, Graph clients, progress)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from vboshell.commands.base import Cmdlet, Parameter, Switch
from vboshell.runtime.errors import CmdletError, ErrorCategory
from vboshell.runtime.psobject import TypeView, ps_type

NS = "Veeam.Archiver.PowerShell.Model"
NS_VEX = "Veeam.Exchange.PowerShell.Model"
NS_VESP = "Veeam.SharePoint.PowerShell.Model"
NS_VET = "Veeam.Teams.PowerShell.Model"
MOD = "Veeam.Archiver.PowerShell"
MOD_VEX = "Veeam.Exchange.PowerShell"
MOD_VESP = "Veeam.SharePoint.PowerShell"
MOD_VET = "Veeam.Teams.PowerShell"

# Examples that need a tenant and a backup: connect the sandbox, back it up once (shared catalogue), and open sessions.
RESTORE_SETUP = (
    "$sb = Start-VBOSandbox\n"
    "$org = Get-VBOOrganization | Where-Object TenantId -eq $sb.TenantId | Select-Object -First 1\n"
    "if (-not $org) { $settings = New-VBOOffice365ApplicationOnlyConnectionSettings -TenantId $sb.TenantId "
    "-ApplicationId $sb.ApplicationId -ApplicationSecret $sb.ApplicationSecret -Region Custom "
    "-AuthorityHost $sb.AuthorityHost -GraphEndpoint $sb.GraphEndpoint "
    "-CertificateAuthorityPath $sb.CertificateAuthorityPath; "
    "$org = Add-VBOOrganization -Office365ExchangeConnectionsSettings $settings "
    "-Office365SharePointConnectionsSettings $settings }\n"
    "$repo = Get-VBORepository -Name 'Examples' -ErrorAction SilentlyContinue\n"
    "if (-not $repo) { $repo = Add-VBORepository -Name 'Examples' -Path (Join-Path $env:VBOSHELL_HOME 'examples-repo') }\n"
    "$job = Get-VBOJob -Name 'Examples' -ErrorAction SilentlyContinue\n"
    "if (-not $job) { $job = Add-VBOJob -Name 'Examples' -Organization $org -Repository $repo -EntireOrganization }\n"
    "if (-not (Get-VBORestorePoint -Job $job)) { Start-VBOJob -Job $job | Out-Null }\n"
)


def aware(dt: datetime | None) -> datetime | None:
    """A naive DateTime from the shell is local time (as Get-Date gives); make it timezone-aware."""
    if dt is None:
        return None
    return dt if dt.tzinfo else dt.astimezone()


def catalog(cmd: Cmdlet) -> Any:
    from vboshell.store.catalog import catalog_for

    return catalog_for(getattr(cmd, "context", None))


def _id_of(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str | uuid.UUID):
        return str(value)
    for attr in ("Id", "id"):
        v = getattr(value, attr, None)
        if v is not None:
            return str(v)
    return None


def resolve_org_id(cmd: Cmdlet, value: Any) -> tuple[str | None, str]:
    """(organization id, name) of an -Organization value (object, id or name)."""
    if value is None:
        return None, ""
    from vboshell.cmdlets.organizations import get_organization

    org = get_organization(value)
    if org is None:
        raise CmdletError(f"Organization '{value}' was not found (Get-VBOOrganization lists them).",
                          "OrganizationNotFound", ErrorCategory.ObjectNotFound, target=value)
    return str(org.Id), org.Name


def resolve_job(cmd: Cmdlet, value: Any) -> Any:
    if value is None:
        return None
    from vboshell.store.catalog import NotFoundError

    cat = catalog(cmd)
    jid = _id_of(value)
    try:
        return cat.get_job(str(jid))
    except (NotFoundError, TypeError):
        pass
    rec = cat.find_job(str(getattr(value, "Name", value)))
    if rec is None:
        raise CmdletError(f"Job '{value}' was not found (Get-VBOJob lists them).", "JobNotFound",
                          ErrorCategory.ObjectNotFound, target=value)
    return rec


def resolve_repository(cmd: Cmdlet, value: Any) -> Any:
    from vboshell.cmdlets.repositories import _resolve_repository

    return _resolve_repository(cmd, value)


def organization_name(cmd: Cmdlet, org_id: str | None) -> str:
    if not org_id:
        return ""
    try:
        return catalog(cmd).get_organization(org_id).name
    except Exception:  # noqa: BLE001 - removed organization
        return org_id


def graph_for(cmd: Cmdlet, org_id: str | None, service: str = "exchange") -> Any:
    """The organization's Graph client (restores write with the organization's app registration)."""
    from vboshell.cmdlets.organizations import get_organization

    org = get_organization(org_id) if org_id else None
    if org is None:
        raise CmdletError("The restore session has no organization to restore to; start the session with "
                          "-Organization.", "OrganizationNotFound", ErrorCategory.ObjectNotFound)
    try:
        return org.graph(service)
    except ValueError as exc:
        raise CmdletError(str(exc), "OrganizationNotConnected", ErrorCategory.InvalidOperation, target=org.Name) from None


def progress_cb(cmd: Cmdlet, activity: str) -> Callable[[int, int, str], None]:
    def cb(i: int, total: int, name: str) -> None:
        pct = int(i * 100 / total) if total else -1
        cmd.write_progress(activity, f"{i} of {total}: {name}"[:200], pct)
    return cb


def progress_done(cmd: Cmdlet, activity: str) -> None:
    cmd.write_progress(activity, "Done", 100, completed=True)


def engine_error(exc: Exception, target: Any = None) -> CmdletError:
    """Restore engine / repository / catalogue exceptions as a user-facing terminating error."""
    rec = getattr(exc, "error_record", None)
    if rec is not None and not isinstance(exc, CmdletError):
        return CmdletError(rec.message, rec.error_id, rec.category, target=target)
    if isinstance(exc, CmdletError):
        return exc
    name = type(exc).__name__
    eid = {"RestoreSessionError": "RestoreSessionError", "QueryError": "InvalidQuery",
           "UnsafePathError": "UnsafePath"}.get(name, "RestoreFailed")
    cat = ErrorCategory.InvalidArgument if eid in ("InvalidQuery", "UnsafePath") else ErrorCategory.InvalidOperation
    return CmdletError(str(exc), eid, cat, target=target)


# ------------------------------------------------------------------------------------------------ restore points


@ps_type(f"{NS}.VBORestorePoint",
         view=TypeView(table=("BackupTime", "Job", "Organization", "IsExchange", "IsOneDrive", "IsSharePoint",
                              "IsTeams"), kind="table"))
@dataclass(eq=False)
class VBORestorePoint:
    Id: uuid.UUID
    RepositoryId: uuid.UUID | None
    BackupTime: datetime | None
    JobId: uuid.UUID | None
    Job: str = ""
    OrganizationId: uuid.UUID | None = None
    Organization: str = ""
    Repository: str = ""
    IsExchange: bool = False
    IsSharePoint: bool = False
    IsOneDrive: bool = False
    IsTeams: bool = False
    IsLongTermCopy: bool = False
    IsRetrieved: bool = False
    IsRetrievable: bool = False
    IsCopy: bool = False
    RetrievalId: uuid.UUID | None = None
    ImmutabilityExpiresOn: datetime | None = None
    _repository_id: str = field(default="", repr=False)
    _rp_id: str = field(default="", repr=False)

    def __str__(self) -> str:
        return f"{self.BackupTime:%m/%d/%Y %H:%M:%S}" if self.BackupTime else str(self.Id)


def _uuid(v: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(v)) if v else None
    except ValueError:
        return None


def as_restore_point(value: Any) -> tuple[str, str]:
    """(repository id, restore point id) of a -RestorePoint value."""
    if isinstance(value, VBORestorePoint):
        return value._repository_id, value._rp_id
    raise CmdletError("Expected a restore point from Get-VBORestorePoint.", "InvalidRestorePoint",
                      ErrorCategory.InvalidArgument, target=value)


# ------------------------------------------------------------------------------------------------ sessions


@ps_type(f"{NS}.VBORestoreSessionLogEntry", view=TypeView(table=("Time", "Type", "Title"), kind="table"))
@dataclass
class VBORestoreSessionLogEntry:
    Time: datetime | None
    Type: str
    Title: str

    def __str__(self) -> str:
        return self.Title


@ps_type(f"{NS}.VBORestoreLogItem", view=TypeView(table=("ItemName", "Status", "SourceName", "Message"), kind="table"))
@dataclass
class VBORestoreLogItem:
    ItemName: str
    ItemType: str
    ItemSize: int
    SourceName: str
    TargetName: str
    Status: str
    Message: str
    Time: datetime | None

    def __str__(self) -> str:
        return f"{self.ItemName}: {self.Status}"


@ps_type(f"{NS}.VBORestoreSession",
         view=TypeView(table=("Name", "Type", "Status", "Result", "StartTime", "EndTime"), kind="table"))
@dataclass(eq=False)
class VBORestoreSession:
    Id: uuid.UUID
    Name: str
    StartTime: datetime | None
    EndTime: datetime | None
    PointInTime: datetime | None
    OrganizationId: uuid.UUID | None
    OrganizationName: str
    Type: str
    Status: str
    Result: str | None
    InitiatedBy: str
    ProcessedObjects: int
    ScopeName: str
    ClientHost: str
    Reason: str
    Statistics: dict
    _catalog: Any = field(default=None, repr=False)

    @property
    def Log(self) -> list[VBORestoreSessionLogEntry]:  # noqa: N802 - Veeam's property name
        return [VBORestoreSessionLogEntry(e.time, e.type, e.title)
                for e in self._catalog.restore_session_logs(str(self.Id))] if self._catalog else []

    @property
    def Items(self) -> list[VBORestoreLogItem]:  # noqa: N802
        if not self._catalog:
            return []
        return [VBORestoreLogItem(r.name, "", 0, r.object_name or "", "", r.status, r.message, r.time)
                for r in self._catalog.restore_item_results(str(self.Id))]

    def ps_properties(self) -> list[tuple[str, Any]]:
        names = ("Id", "Name", "Type", "Status", "Result", "StartTime", "EndTime", "PointInTime", "OrganizationId",
                 "OrganizationName", "InitiatedBy", "ProcessedObjects", "ScopeName", "ClientHost", "Reason",
                 "Statistics", "Log", "Items")
        return [(n, getattr(self, n)) for n in names]

    def __str__(self) -> str:
        return self.Name

    @classmethod
    def from_record(cls, rec: Any, cat: Any) -> VBORestoreSession:
        from vboshell.restore.session import TYPE_LABEL

        d = rec.details or {}
        running = rec.status == "Running"
        pit = d.get("point_in_time")
        return cls(Id=uuid.UUID(rec.id), Name=rec.name, StartTime=rec.start_time, EndTime=rec.end_time,
                   PointInTime=datetime.fromisoformat(pit) if pit else None, OrganizationId=_uuid(rec.organization_id),
                   OrganizationName=d.get("organization_name") or "", Type=TYPE_LABEL.get(rec.type, rec.type),
                   Status="Running" if running else "Stopped", Result=None if running else rec.status,
                   InitiatedBy=rec.initiated_by or "", ProcessedObjects=int((rec.statistics or {}).get(
                       "ProcessedObjects") or 0), ScopeName=d.get("organization_name") or "", ClientHost="localhost",
                   Reason=rec.reason or "", Statistics=dict(rec.statistics or {}), _catalog=cat)


@dataclass(eq=False)
class _ExplorerSession:
    """Base of the four explorer session types (VBOExchangeRestoreSession, …)."""

    Id: uuid.UUID
    Name: str
    StartTime: datetime | None
    PointInTime: datetime | None
    Organization: str
    ShowDeleted: bool
    ShowAllVersions: bool
    Reason: str
    IsClosed: bool
    IsRestoreAvailable: bool = True
    _engine: Any = field(default=None, repr=False)

    def __str__(self) -> str:
        return self.Name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _ExplorerSession) and other.Id == self.Id

    def __hash__(self) -> int:
        return hash(self.Id)

    @classmethod
    def wrap(cls, s: Any) -> Any:
        rec = s.record
        srcs = s.sources
        pit = s.point_in_time or (max((x.rp.finished or x.rp.started) for x in srcs) if srcs else None)
        return cls(Id=uuid.UUID(rec.id), Name=rec.name, StartTime=rec.start_time, PointInTime=pit,
                   Organization=(rec.details or {}).get("organization_name") or "", ShowDeleted=s.show_deleted,
                   ShowAllVersions=s.show_all_versions, Reason=rec.reason or "", IsClosed=not s.running, _engine=s)


_SESSION_VIEW = TypeView(table=("Name", "StartTime", "PointInTime", "ShowDeleted", "ShowAllVersions"), kind="table")


@ps_type(f"{NS_VEX}.VBOExchangeRestoreSession", view=_SESSION_VIEW)
@dataclass(eq=False)
class VBOExchangeRestoreSession(_ExplorerSession):
    pass


@ps_type(f"{NS_VESP}.VBOOneDriveItemRestoreSession", view=_SESSION_VIEW)
@dataclass(eq=False)
class VBOOneDriveItemRestoreSession(_ExplorerSession):
    pass


@ps_type(f"{NS_VESP}.VBOSharePointRestoreSession", view=_SESSION_VIEW)
@dataclass(eq=False)
class VBOSharePointRestoreSession(_ExplorerSession):
    pass


@ps_type(f"{NS_VET}.VBOTeamsRestoreSession", view=_SESSION_VIEW)
@dataclass(eq=False)
class VBOTeamsRestoreSession(_ExplorerSession):
    pass


SESSION_CLASS = {"Vex": VBOExchangeRestoreSession, "Veod": VBOOneDriveItemRestoreSession,
                 "Vesp": VBOSharePointRestoreSession, "Vet": VBOTeamsRestoreSession}


def engine_of(cmd: Cmdlet, value: Any, kind: str) -> Any:
    """The running vboshell.restore session behind a session object (or the only running one of that kind)."""
    from vboshell.restore.session import RestoreSession, RestoreSessionError

    cat = catalog(cmd)
    if value is None:
        active = RestoreSession.active(cat, kind)
        if len(active) == 1:
            return active[0]
        raise CmdletError("Pass -Session (from Start-" + {"Vex": "VBOExchangeItemRestoreSession",
                          "Veod": "VEODRestoreSession", "Vesp": "VBOSharePointItemRestoreSession",
                          "Vet": "VBOTeamsItemRestoreSession"}[kind] + ").", "SessionRequired",
                          ErrorCategory.InvalidArgument)
    sid = _id_of(value)
    eng = getattr(value, "_engine", None)
    try:
        s = eng if eng is not None and eng.catalog.path == cat.path else RestoreSession.get(cat, str(sid))
    except RestoreSessionError as exc:
        raise engine_error(exc, value) from None
    if s.kind != kind:
        raise CmdletError(f"'{value}' is a {s.kind} session; this cmdlet needs a {kind} session.",
                          "WrongSessionType", ErrorCategory.InvalidArgument, target=value)
    if not s.running:
        raise CmdletError(f"The restore session '{s.record.name}' is stopped; start a new one.", "SessionStopped",
                          ErrorCategory.InvalidOperation, target=value)
    return s


# ------------------------------------------------------------------------------------------------ restore results


@ps_type(f"{NS_VEX}.VEXItemRestoreResult", view=TypeView(table=("Title", "Status", "Error"), kind="table"))
@dataclass
class VEXItemRestoreResult:
    Title: str
    SourcePath: str
    TargetPath: str
    Type: str
    Status: str
    Error: str


@ps_type(f"{NS}.VBORestoreResult",
         view=TypeView(table=("Name", "CreatedCount", "MergedCount", "SkippedCount", "FailedCount"), kind="table"),
         base_names=(f"{NS_VEX}.VEXRestoreResult",))
@dataclass
class VBORestoreResult:
    """Counters of one restore/export call (Veeam's VEXRestoreResult, used for every explorer here)."""

    Name: str
    CreatedCount: int
    MergedCount: int
    SkippedCount: int
    FailedCount: int
    Warnings: list[str]
    Error: str | None
    Results: list[VEXItemRestoreResult]
    SessionId: uuid.UUID | None = None
    Path: str | None = None

    def __str__(self) -> str:
        return f"{self.Name}: {self.CreatedCount} created, {self.MergedCount} merged, {self.SkippedCount} skipped, " \
               f"{self.FailedCount} failed"


def result_of(name: str, op: Any, session: Any, path: str | None = None) -> VBORestoreResult:
    r = op.result
    res = [VEXItemRestoreResult(x.name, x.object_name or "", "", "", x.status, x.message if x.status == "Failed" else "")
           for x in r.results]
    err = None
    if r.failed:
        err = f"{r.failed} item(s) failed; see Get-VBORestoreSession -Id {session.id} | Select-Object -ExpandProperty Items"
    return VBORestoreResult(name, r.created, r.merged, r.skipped, r.failed, list(r.warnings), err, res,
                            uuid.UUID(session.id), path)


def emit_failures(cmd: Cmdlet, op: Any) -> None:
    """Per-item failures as non-terminating errors (the rest of the operation went on)."""
    for x in op.result.results:
        if x.status == "Failed":
            cmd.write_error(CmdletError(f"{x.name}: {x.message}", "ItemRestoreFailed", ErrorCategory.WriteError,
                                        target=x.name))


SESSION_PARAMS_COMMON = (
    Parameter("ShowDeleted", type=Switch, help="Also show items deleted in the source before the restore point."),
    Parameter("ShowAllVersions", type=Switch, help="Also show every earlier backed-up version of each item."),
    Parameter("Reason", type=str, help="Why the session is opened (kept in the session and its log)."),
)


def now() -> datetime:
    return datetime.now(UTC)
