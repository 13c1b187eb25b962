"""Restore points, protected entity data and restore sessions: Get-VBORestorePoint, Get-VBOEntityData,
Get-/Stop-VBORestoreSession and Start-/Get-/Stop- of the Exchange, OneDrive, SharePoint and Teams explorer sessions."""

from __future__ import annotations

import fnmatch
import getpass
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from vboshell.cmdlets.restore_common import (
    MOD,
    MOD_VESP,
    MOD_VET,
    MOD_VEX,
    NS,
    RESTORE_SETUP,
    SESSION_CLASS,
    SESSION_PARAMS_COMMON,
    VBORestorePoint,
    VBORestoreSession,
    as_restore_point,
    aware,
    catalog,
    engine_error,
    engine_of,
    organization_name,
    resolve_job,
    resolve_org_id,
    resolve_repository,
)
from vboshell.commands.base import Cmdlet, Example, Parameter, Switch
from vboshell.commands.registry import register
from vboshell.runtime.errors import CmdletError, ErrorCategory
from vboshell.runtime.psobject import TypeView, ps_type

SERVICE_FLAGS = (("Exchange", "IsExchange"), ("ExchangeArchive", "IsExchange"), ("OneDrive", "IsOneDrive"),
                 ("SharePoint", "IsSharePoint"), ("Teams", "IsTeams"))


def _open(cmd: Cmdlet, rec: Any) -> Any:
    from vboshell.repository.errors import RepositoryError
    from vboshell.repository.manage import open_repository

    try:
        return open_repository(rec, catalog(cmd))
    except RepositoryError as exc:
        cmd.write_warning(f"Repository '{rec.name}' cannot be read: {exc}")
        return None


def restore_points(cmd: Cmdlet, *, job: Any = None, org_id: str | None = None, repo_rec: Any = None) -> list[VBORestorePoint]:
    cat = catalog(cmd)
    records = [repo_rec] if repo_rec is not None else (
        [cat.get_repository(job.repository_id)] if job is not None else cat.list_repositories())
    jobs = {j.id: j for j in cat.list_jobs()}
    out: list[VBORestorePoint] = []
    for rec in records:
        repo = _open(cmd, rec)
        if repo is None:
            continue
        try:
            for rp in repo.restore_points(job_id=job.id if job is not None else None, organization_id=org_id):
                view = repo.view(rp)
                flags = {f: False for _, f in SERVICE_FLAGS}
                for svc, flag in SERVICE_FLAGS:
                    if not flags[flag] and next(view.items(service=svc), None) is not None:
                        flags[flag] = True
                j = jobs.get(rp.job_id or "")
                out.append(VBORestorePoint(
                    Id=uuid.UUID(rp.id) if _is_uuid(rp.id) else uuid.uuid5(uuid.NAMESPACE_URL, rp.id),
                    RepositoryId=uuid.UUID(rec.id), BackupTime=rp.finished or rp.started,
                    JobId=uuid.UUID(rp.job_id) if _is_uuid(rp.job_id) else None, Job=j.name if j else "",
                    OrganizationId=uuid.UUID(rp.organization_id) if _is_uuid(rp.organization_id) else None,
                    Organization=organization_name(cmd, rp.organization_id), Repository=rec.name,
                    _repository_id=rec.id, _rp_id=rp.id, **flags))
        finally:
            repo.close()
    out.sort(key=lambda r: r.BackupTime or datetime.min.replace(tzinfo=None).astimezone())
    return out


def _is_uuid(v: Any) -> bool:
    try:
        uuid.UUID(str(v))
        return True
    except ValueError:
        return False


@register
class GetVBORestorePoint(Cmdlet):
    name = "Get-VBORestorePoint"
    module = MOD
    synopsis = "Returns restore points."
    description = ("Returns the restore points that backup jobs created: one per job run, with the time of the backup, "
                   "the job and organization, and which services (Exchange, OneDrive, SharePoint, Teams) it holds. "
                   "Pass one to Start-VBOExchangeItemRestoreSession -RestorePoint (and the other explorers) to "
                   "browse and restore the state of that moment.")
    output_type = "VBORestorePoint"
    default_parameter_set = "Default"
    parameters = [
        Parameter("Organization", type=object, value_from_pipeline=True, parameter_sets=("Default",),
                  help="Only restore points of this organization."),
        Parameter("Job", type=object, mandatory=True, value_from_pipeline=True, parameter_sets=("Job",),
                  help="Only restore points of this backup job (Get-VBOJob)."),
        Parameter("Repository", type=object, help="Only restore points in this repository (Get-VBORepository)."),
        Parameter("Latest", type=Switch, help="Only the latest restore point (per repository)."),
        Parameter("IsLongTermCopy", type=Switch, parameter_sets=("Default",),
                  help="Backup copies are not made by vboshell: returns nothing."),
        Parameter("IsCopy", type=Switch, parameter_sets=("Default",), help="As -IsLongTermCopy."),
        Parameter("IsRetrieved", type=Switch, parameter_sets=("Default",),
                  help="Data retrieval from archive storage does not exist in vboshell: returns nothing."),
    ]
    examples = [
        Example("Get-VBORestorePoint -Job $job", "Lists the restore points of a job, oldest first.",
                setup=RESTORE_SETUP, needs_sandbox=True),
        Example("Get-VBORestorePoint -Organization $org -Latest | Format-List",
                "Shows every property of the latest restore point of an organization.", setup=RESTORE_SETUP,
                needs_sandbox=True),
    ]

    def process_record(self) -> None:
        if self.IsLongTermCopy or self.IsCopy or self.IsRetrieved:
            return
        job = resolve_job(self, self.Job) if self.is_bound("Job") else None
        org_id, _ = resolve_org_id(self, self.Organization) if self.is_bound("Organization") else (None, "")
        repo_rec = resolve_repository(self, self.Repository) if self.is_bound("Repository") else None
        rps = restore_points(self, job=job, org_id=org_id, repo_rec=repo_rec)
        if self.Latest:
            latest: dict[Any, VBORestorePoint] = {}
            for rp in rps:
                latest[rp.RepositoryId] = rp
            rps = list(latest.values())
        for rp in rps:
            self.write_object(rp)


# ------------------------------------------------------------------------------------------------ entity data


@dataclass(eq=False)
class _EntityData:
    Type: str
    DisplayName: str
    OrganizationId: uuid.UUID | None
    Organization: str
    RepositoryId: uuid.UUID
    OfficeId: str
    Services: list[str]
    LastBackupTime: datetime | None

    def __str__(self) -> str:
        return self.DisplayName


@ps_type(f"{NS}.VBOUserData", view=TypeView(table=("DisplayName", "Services", "LastBackupTime"), kind="table"))
@dataclass(eq=False)
class VBOUserData(_EntityData):
    Email: str = ""
    IsMailboxBackedUp: bool = False
    IsArchiveBackedUp: bool = False
    IsOneDriveBackedUp: bool = False
    IsPersonalSiteBackedUp: bool = False
    MailboxBackedUpTime: datetime | None = None
    ArchiveBackedUpTime: datetime | None = None
    OneDriveBackedUpTime: datetime | None = None


@ps_type(f"{NS}.VBOSiteData", view=TypeView(table=("DisplayName", "Url", "LastBackupTime"), kind="table"))
@dataclass(eq=False)
class VBOSiteData(_EntityData):
    Url: str = ""
    Title: str = ""
    IsBackedUp: bool = True
    BackedUpTime: datetime | None = None


@ps_type(f"{NS}.VBOTeamData", view=TypeView(table=("DisplayName", "Services", "LastBackupTime"), kind="table"))
@dataclass(eq=False)
class VBOTeamData(_EntityData):
    IsBackedUp: bool = True
    BackedUpTime: datetime | None = None


@ps_type(f"{NS}.VBOGroupData", view=TypeView(table=("DisplayName", "Services", "LastBackupTime"), kind="table"))
@dataclass(eq=False)
class VBOGroupData(_EntityData):
    IsBackedUp: bool = True


_KIND_OF_TYPE = {"user": "user", "site": "site", "team": "team", "group": "group"}


def entity_data(cmd: Cmdlet, repo_rec: Any, *, kind: str | None = None, name: str | None = None,
                org_id: str | None = None, office_id: str | None = None, rp_id: str | None = None) -> list[Any]:
    repo = _open(cmd, repo_rec)
    if repo is None:
        return []
    try:
        rps = repo.restore_points(organization_id=org_id)
        if rp_id:
            rps = [r for r in rps if r.id == rp_id]
        if not rps:
            return []
        view = repo.view(rps[-1])
        last: dict[tuple[str, str], datetime] = {}
        for rp in reversed(rps):
            for st in repo.object_statuses(rp):
                key = (st.object.kind, st.object.external_id)
                if key not in last and st.status in ("Success", "Warning"):
                    last[key] = rp.finished or rp.started
        out = []
        for obj in view.objects():
            if kind and obj.kind != kind:
                continue
            if office_id and obj.external_id.lower() != office_id.lower():
                continue
            if org_id and obj.organization_id and obj.organization_id != org_id:
                continue
            if name and not fnmatch.fnmatchcase((obj.name or "").lower(), name.lower()):
                continue
            services = [s for s in ("Exchange", "ExchangeArchive", "OneDrive", "SharePoint", "Teams")
                        if next(view.items(obj, s), None) is not None]
            when = last.get((obj.kind, obj.external_id)) or (rps[-1].finished or rps[-1].started)
            base = dict(Type={"user": "User", "site": "Site", "team": "Team"}.get(obj.kind, obj.kind.title()),
                        DisplayName=obj.name or obj.external_id, OrganizationId=_uuid(obj.organization_id or org_id),
                        Organization=organization_name(cmd, obj.organization_id or org_id),
                        RepositoryId=uuid.UUID(repo_rec.id), OfficeId=obj.external_id, Services=services,
                        LastBackupTime=when)
            if obj.kind == "user":
                out.append(VBOUserData(**base, Email=str(catalog(cmd).get_setting(f"restore.email.{obj.external_id}")
                                                         or ""),
                                       IsMailboxBackedUp="Exchange" in services,
                                       IsArchiveBackedUp="ExchangeArchive" in services,
                                       IsOneDriveBackedUp="OneDrive" in services,
                                       MailboxBackedUpTime=when if "Exchange" in services else None,
                                       ArchiveBackedUpTime=when if "ExchangeArchive" in services else None,
                                       OneDriveBackedUpTime=when if "OneDrive" in services else None))
            elif obj.kind == "site":
                url = ""
                parts = obj.external_id.split(",")
                if parts and "." in parts[0]:
                    url = f"https://{parts[0]}"
                out.append(VBOSiteData(**base, Url=url, Title=obj.name, BackedUpTime=when))
            elif obj.kind == "team":
                out.append(VBOTeamData(**base, BackedUpTime=when))
            else:
                out.append(VBOGroupData(**base))
        return out
    finally:
        repo.close()


def _uuid(v: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(v)) if v else None
    except ValueError:
        return None


@register
class GetVBOEntityData(Cmdlet):
    name = "Get-VBOEntityData"
    module = MOD
    synopsis = "Returns the users, groups, sites and teams whose data a repository holds."
    description = ("Lists the objects protected in a repository — users (mailbox, archive, OneDrive), sites and "
                   "teams — with the services backed up for each and the time of their last backup. Groups selected "
                   "in a job are stored as their members and site, so -Type Group returns nothing.")
    output_type = "VBOUserData"
    default_parameter_set = "ByType"
    parameters = [
        Parameter("Repository", type=object, mandatory=True, value_from_pipeline=True,
                  parameter_sets=("ByType", "ByOrganization", "ByUser", "ByGroup", "BySite", "ByTeam"),
                  help="The repository (Get-VBORepository)."),
        Parameter("Type", type=str, mandatory=True, validate_set=("User", "Group", "Site", "Team"),
                  parameter_sets=("ByType", "ByRestorePoint"), help="The kind of object to return."),
        Parameter("Name", type=str, parameter_sets=("ByType", "ByRestorePoint"),
                  help="Display name; wildcards allowed."),
        Parameter("Organization", type=object, parameter_sets=("ByType", "ByOrganization"),
                  help="Only objects of this organization."),
        Parameter("User", type=object, mandatory=True, parameter_sets=("ByUser",),
                  help="One user (Get-VBOOrganizationUser)."),
        Parameter("Group", type=object, mandatory=True, parameter_sets=("ByGroup",), help="One group."),
        Parameter("Site", type=object, mandatory=True, parameter_sets=("BySite",),
                  help="One site (Get-VBOOrganizationSite)."),
        Parameter("Team", type=object, mandatory=True, parameter_sets=("ByTeam",),
                  help="One team (Get-VBOOrganizationTeam)."),
        Parameter("RestorePoint", type=object, mandatory=True, parameter_sets=("ByRestorePoint",),
                  help="The objects as of this restore point (Get-VBORestorePoint)."),
    ]
    examples = [
        Example("Get-VBOEntityData -Repository $repo -Type User", "Lists the users protected in a repository.",
                setup=RESTORE_SETUP, needs_sandbox=True),
        Example("Get-VBOEntityData -Repository $repo -Type Site | Format-Table DisplayName, Url, LastBackupTime",
                "Lists the protected sites and when each was last backed up.", setup=RESTORE_SETUP,
                needs_sandbox=True),
    ]

    def process_record(self) -> None:
        ps = self.parameter_set_name
        kind = None
        office_id = None
        rp_id = None
        if ps in ("ByType", "ByRestorePoint"):
            kind = {"User": "user", "Group": "group", "Site": "site", "Team": "team"}[
                next(t for t in ("User", "Group", "Site", "Team") if t.lower() == str(self.Type).lower())]
        elif ps in ("ByUser", "ByGroup", "BySite", "ByTeam"):
            kind = ps[2:].lower()
            v = getattr(self, ps[2:])
            office_id = str(getattr(v, "OfficeId", "") or "") or None
            if kind == "site":
                office_id = getattr(v, "graph_id", None) or office_id
            if office_id is None:
                office_id = str(v)
        if ps == "ByRestorePoint":
            repo_id, rp_id = as_restore_point(self.RestorePoint)
            repo_rec = catalog(self).get_repository(repo_id)
        else:
            repo_rec = resolve_repository(self, self.Repository)
        org_id = resolve_org_id(self, self.Organization)[0] if self.is_bound("Organization") else None
        for d in entity_data(self, repo_rec, kind=kind, name=self.Name, org_id=org_id, office_id=office_id,
                             rp_id=rp_id):
            self.write_object(d)


# ------------------------------------------------------------------------------------------------ sessions


@register
class GetVBORestoreSession(Cmdlet):
    name = "Get-VBORestoreSession"
    module = MOD
    synopsis = "Returns restore sessions with their per-item results and log."
    description = ("Returns the explore/restore sessions started with Start-VBOExchangeItemRestoreSession, "
                   "Start-VEODRestoreSession, Start-VBOSharePointItemRestoreSession and "
                   "Start-VBOTeamsItemRestoreSession. Each has its Log (what happened, including items skipped "
                   "because API-only mode cannot restore them) and Items (one result per restored or exported item).")
    output_type = "VBORestoreSession"
    default_parameter_set = "Default"
    parameters = [
        Parameter("Name", type=str, parameter_sets=("Default",), help="Session name; wildcards allowed."),
        Parameter("Status", type=str, validate_set=("Running", "Stopped"), parameter_sets=("Default",),
                  help="Only running or only stopped sessions."),
        Parameter("Result", type=str, validate_set=("Success", "Warning", "Failed"), parameter_sets=("Default",),
                  help="Only stopped sessions with this result."),
        Parameter("Last", type=Switch, parameter_sets=("Default",), help="Only the most recent session."),
        Parameter("Id", type=object, mandatory=True, parameter_sets=("ById",), help="The session id."),
    ]
    examples = [
        Example("Get-VBORestoreSession -Last | Select-Object -ExpandProperty Log",
                "Shows the log of the most recent restore session.", setup=RESTORE_SETUP +
                "$s = Start-VBOExchangeItemRestoreSession -LatestState -Organization $org\n"
                "Stop-VBOExchangeItemRestoreSession -Session $s", needs_sandbox=True),
        Example("Get-VBORestoreSession -Status Running", "Lists the sessions that are still open."),
    ]

    def process_record(self) -> None:
        cat = catalog(self)
        if self.parameter_set_name == "ById":
            from vboshell.store.catalog import NotFoundError

            try:
                self.write_object(VBORestoreSession.from_record(cat.get_restore_session(str(self.Id)), cat))
            except NotFoundError:
                self.write_error(CmdletError(f"Restore session {self.Id} was not found.", "RestoreSessionNotFound",
                                             ErrorCategory.ObjectNotFound, self.Id))
            return
        out = [VBORestoreSession.from_record(r, cat) for r in cat.list_restore_sessions()]
        if self.Name:
            out = [s for s in out if fnmatch.fnmatchcase(s.Name.lower(), str(self.Name).lower())]
        if self.Status:
            out = [s for s in out if s.Status.lower() == str(self.Status).lower()]
        if self.Result:
            out = [s for s in out if (s.Result or "").lower() == str(self.Result).lower()]
        out.sort(key=lambda s: s.StartTime or datetime.min)
        if self.Last:
            out = out[-1:]
        for s in out:
            self.write_object(s)


@register
class StopVBORestoreSession(Cmdlet):
    name = "Stop-VBORestoreSession"
    module = MOD
    synopsis = "Stops a restore session of any kind."
    description = "Closes an explore/restore session and records its result (Success, Warning or Failed)."
    parameters = [Parameter("Session", type=object, mandatory=True, position=0, value_from_pipeline=True,
                            help="The session (Get-VBORestoreSession or a Start-…RestoreSession result).")]
    examples = [Example("Get-VBORestoreSession -Status Running | Stop-VBORestoreSession",
                        "Closes every open restore session.")]

    def process_record(self) -> None:
        from vboshell.restore.session import RestoreSession, RestoreSessionError

        sid = str(getattr(self.Session, "Id", self.Session))
        try:
            RestoreSession.get(catalog(self), sid).stop()
        except RestoreSessionError as exc:
            rec = None
            try:
                rec = catalog(self).get_restore_session(sid)
            except Exception:  # noqa: BLE001
                pass
            if rec is not None and rec.status == "Running":
                catalog(self).update_restore_session(sid, status="Warning")
                return
            raise engine_error(exc, self.Session) from None


class _StartSession(Cmdlet):
    """Base of the four Start-*RestoreSession cmdlets; subclasses set names, kind, help, parameters and examples."""

    kind: ClassVar[str] = ""
    label: ClassVar[str] = ""
    default_parameter_set = "LatestState"

    def process_record(self) -> None:
        self._start()

    def _start(self) -> None:
        from vboshell.restore.session import RestoreSession

        if self.is_bound("Server") or self.is_bound("Credential"):
            from vboshell.cmdlets.organizations import _check_rules

            _check_rules(self)
        job = resolve_job(self, self.Job) if self.is_bound("Job") and self.Job is not None else None
        org_id, org_name = resolve_org_id(self, self.Organization) if self.is_bound("Organization") and \
            self.Organization is not None else (None, "")
        if job is not None and org_id is None:
            org_id = job.organization_id
            org_name = organization_name(self, org_id)
        rp = as_restore_point(self.RestorePoint) if self.is_bound("RestorePoint") else None
        if rp is not None and org_id is None:
            org_id = str(self.RestorePoint.OrganizationId) if self.RestorePoint.OrganizationId else None
            org_name = self.RestorePoint.Organization
        pit = aware(self.PointInTime) if self.is_bound("PointInTime") else None
        try:
            s = RestoreSession.start(catalog(self), self.kind, organization_id=org_id, organization_name=org_name,
                                     job_id=job.id if job is not None else None, restore_point=rp, point_in_time=pit,
                                     show_deleted=bool(self.ShowDeleted), show_all_versions=bool(self.ShowAllVersions),
                                     reason=self.Reason or "", initiated_by=_whoami())
        except Exception as exc:  # noqa: BLE001 - RestoreSessionError, repository errors
            raise engine_error(exc) from None
        if not org_name and s.organization_id:
            org_name = organization_name(self, s.organization_id)
            details = dict(s.record.details or {}, organization_name=org_name)
            s.record = catalog(self).update_restore_session(
                s.id, name=s.record.name.replace(f"({s.organization_id},", f"({org_name},"), details=details)
        self.write_object(SESSION_CLASS[self.kind].wrap(s))


def _whoami() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001
        return ""


def _start_params(job_pos: bool) -> list[Parameter]:
    from vboshell.cmdlets.jobmodel import VBOJob
    from vboshell.cmdlets.model import VBOOrganization

    return [
        Parameter("LatestState", type=Switch, parameter_sets=("LatestState",),
                  help="Browse the latest backed-up state (the default)."),
        Parameter("RestorePoint", type=VBORestorePoint, mandatory=True, value_from_pipeline=True,
                  parameter_sets=("RestorePoint",), help="Browse this restore point (Get-VBORestorePoint)."),
        Parameter("PointInTime", type=datetime, parameter_sets=("LatestState",),
                  help="Browse the state of the latest restore point at or before this time (vboshell extension)."),
        Parameter("Job", type=VBOJob, value_from_pipeline=True,
                  help="Only the restore points of this job (Get-VBOJob)."),
        Parameter("Organization", type=VBOOrganization, value_from_pipeline=True,
                  help="The organization whose backups to browse; restores write to it."),
        *SESSION_PARAMS_COMMON,
        Parameter("Server", type=str, dont_show=True, help="Only this machine (localhost) can be used."),
        Parameter("Credential", type=object, dont_show=True, help="Not used: vboshell needs no server credentials."),
        Parameter("Port", type=int, dont_show=True, help="Not used."),
        Parameter("SkipCertificateCheck", type=Switch, dont_show=True, help="Not used."),
    ]


def _session_examples(start: str, noun: str) -> list[Example]:
    return [
        Example(f"$session = {start} -LatestState -Organization $org", f"Opens a {noun} session on the latest "
                "backed-up state of an organization.", setup=RESTORE_SETUP, needs_sandbox=True),
        Example(f"$rp = Get-VBORestorePoint -Organization $org | Select-Object -First 1\n"
                f"{start} -RestorePoint $rp -ShowDeleted",
                f"Opens a {noun} session on the oldest restore point, also showing deleted items.",
                setup=RESTORE_SETUP, needs_sandbox=True),
    ]


@register
class StartVBOExchangeItemRestoreSession(_StartSession):
    name = "Start-VBOExchangeItemRestoreSession"
    module = MOD_VEX
    kind = "Vex"
    synopsis = "Starts an Exchange explore and restore session."
    description = ("Opens the backed-up mailboxes of an organization for browsing (Get-VEXMailbox, Get-VEXFolder, "
                   "Get-VEXItem), restore (Restore-VEXItem) and export (Export-VEXItem): the latest state, one "
                   "restore point (-RestorePoint) or a point in time (-PointInTime). Close it with "
                   "Stop-VBOExchangeItemRestoreSession.")
    output_type = "VBOExchangeRestoreSession"
    parameters = _start_params(False)
    examples = _session_examples("Start-VBOExchangeItemRestoreSession", "Exchange")


@register
class StartVEODRestoreSession(_StartSession):
    name = "Start-VEODRestoreSession"
    module = MOD_VESP
    kind = "Veod"
    synopsis = "Starts a OneDrive explore and restore session."
    description = ("Opens backed-up OneDrive for Business data for browsing (Get-VEODUser, Get-VEODDocument), "
                   "restore (Restore-VEODDocument) and saving to files (Save-VEODDocument).")
    output_type = "VBOOneDriveItemRestoreSession"
    parameters = _start_params(True)
    examples = _session_examples("Start-VEODRestoreSession", "OneDrive")


@register
class StartVBOSharePointItemRestoreSession(_StartSession):
    name = "Start-VBOSharePointItemRestoreSession"
    module = MOD_VESP
    kind = "Vesp"
    synopsis = "Starts a SharePoint explore and restore session."
    description = ("Opens backed-up SharePoint sites for browsing (Get-VESPSite, Get-VESPDocumentLibrary, "
                   "Get-VESPList, Get-VESPDocument, Get-VESPItem), restore (Restore-VESPItem) and saving "
                   "(Save-VESPItem).")
    output_type = "VBOSharePointRestoreSession"
    parameters = _start_params(True)
    examples = _session_examples("Start-VBOSharePointItemRestoreSession", "SharePoint")


@register
class StartVBOTeamsItemRestoreSession(_StartSession):
    name = "Start-VBOTeamsItemRestoreSession"
    module = MOD_VET
    kind = "Vet"
    synopsis = "Starts a Teams explore and restore session."
    description = ("Opens backed-up teams for browsing (Get-VETTeam, Get-VETChannel, Get-VETPost, Get-VETFile), "
                   "restore (Restore-VETItem) and export (Export-VETPost, Save-VETItem).")
    output_type = "VBOTeamsRestoreSession"
    parameters = _start_params(False)
    examples = _session_examples("Start-VBOTeamsItemRestoreSession", "Teams")


class _GetSessions(Cmdlet):
    kind: ClassVar[str] = ""
    parameters = ()

    def process_record(self) -> None:
        from vboshell.restore.session import RestoreSession

        for s in RestoreSession.active(catalog(self), self.kind):
            self.write_object(SESSION_CLASS[self.kind].wrap(s))


class _StopSession(Cmdlet):
    kind: ClassVar[str] = ""
    parameters = [Parameter("Session", type=object, mandatory=True, position=0, value_from_pipeline=True,
                            help="The session to close.")]

    def process_record(self) -> None:
        engine_of(self, self.Session, self.kind).stop()


def _pair(kind: str, get_name: str, stop_name: str, module: str, out: str, start: str, noun: str) -> None:
    ex_get = [Example(get_name, f"Lists the open {noun} restore sessions.",
                      setup=RESTORE_SETUP + f"$s = {start} -LatestState -Organization $org", needs_sandbox=True)]
    ex_stop = [Example(f"{get_name} | {stop_name}", f"Closes every open {noun} restore session.",
                       setup=RESTORE_SETUP + f"$s = {start} -LatestState -Organization $org", needs_sandbox=True)]
    g = type(get_name.replace("-", ""), (_GetSessions,), {
        "name": get_name, "module": module, "kind": kind, "output_type": out,
        "synopsis": f"Returns the open {noun} restore sessions.",
        "description": f"Returns the {noun} explore/restore sessions that are running (not yet stopped).",
        "examples": ex_get, "__module__": __name__})
    s = type(stop_name.replace("-", ""), (_StopSession,), {
        "name": stop_name, "module": module, "kind": kind,
        "synopsis": f"Stops a {noun} restore session.",
        "description": f"Closes a {noun} explore/restore session; its log and results stay in Get-VBORestoreSession.",
        "examples": ex_stop, "__module__": __name__})
    register(g)
    register(s)


_pair("Vex", "Get-VBOExchangeItemRestoreSession", "Stop-VBOExchangeItemRestoreSession", MOD_VEX,
      "VBOExchangeRestoreSession", "Start-VBOExchangeItemRestoreSession", "Exchange")
_pair("Veod", "Get-VEODRestoreSession", "Stop-VEODRestoreSession", MOD_VESP, "VBOOneDriveItemRestoreSession",
      "Start-VEODRestoreSession", "OneDrive")
_pair("Vesp", "Get-VBOSharePointItemRestoreSession", "Stop-VBOSharePointItemRestoreSession", MOD_VESP,
      "VBOSharePointRestoreSession", "Start-VBOSharePointItemRestoreSession", "SharePoint")
_pair("Vet", "Get-VBOTeamsItemRestoreSession", "Stop-VBOTeamsItemRestoreSession", MOD_VET, "VBOTeamsRestoreSession",
      "Start-VBOTeamsItemRestoreSession", "Teams")

_ = NS
