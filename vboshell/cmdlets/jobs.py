"""Backup job cmdlets: backup items, Add/Get/Set/Remove/Enable/Disable-VBOJob, schedule policies and backup
windows, Start/Stop-VBOJob, Get-VBOJobSession and Wait-VBOJobSession. Thin: the engine is vboshell.backup."""

from __future__ import annotations

import re
import time
import uuid
from datetime import timedelta
from typing import Any

from vboshell.cmdlets.jobmodel import (
    VBOBackupItem,
    VBOBackupWindowSettings,
    VBOJob,
    VBOJobSchedulePolicy,
    VBOJobSession,
)
from vboshell.cmdlets.model import (
    VBOOrganization,
    VBOOrganizationGroup,
    VBOOrganizationSite,
    VBOOrganizationTeam,
    VBOOrganizationUser,
)
from vboshell.cmdlets.organizations import SANDBOX_SETUP
from vboshell.cmdlets.surface import (
    F_DISCOVERY,
    F_DYNAMIC,
    F_PUBLIC,
    I_DISCOVERY,
    I_DYNAMIC,
    I_PUBLIC,
    W_DISCOVERY,
    W_DYNAMIC,
    W_PUBLIC,
)
from vboshell.commands.base import Cmdlet, Example, Parameter, Switch
from vboshell.commands.registry import register
from vboshell.runtime.errors import CmdletError, ErrorCategory, api_only_not_supported

MODULE = "Veeam.Archiver.PowerShell"
STATUSES = ("Stopped", "Running", "Success", "Failed", "Warning", "NotConfigured", "Queued")
PERIODS = ("Minutes1", "Minutes5", "Minutes10", "Minutes15", "Minutes30", "Hours1", "Hours2", "Hours4", "Hours8", "Hours12")
DAILY = ("Everyday", "Workdays", "Weekends", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")

# Setup shared by the examples: a connected organization (sandbox), a repository and a job.
JOB_SETUP = SANDBOX_SETUP + (
    "$repo = Get-VBORepository | Where-Object Name -eq 'Example backups'\n"
    "if (-not $repo) { $repo = Add-VBORepository -Name 'Example backups' -Path ./vbo-example-repo }\n"
    "$job = Get-VBOJob -Name 'Example job'\n"
    "if (-not $job) { $u = Get-VBOOrganizationUser -Organization $org | Select-Object -First 1\n"
    "  $job = Add-VBOJob -Organization $org -Name 'Example job' -Repository $repo "
    "-SelectedItems (New-VBOBackupItem -User $u -Mailbox) }\n"
)


def _catalog(cmd: Cmdlet) -> Any:
    from vboshell.store.catalog import catalog_for

    return catalog_for(getattr(cmd, "context", None))


def _org_of(cmd: Cmdlet, org_id: str) -> Any:
    from vboshell.cmdlets.organizations import organization_from_record

    try:
        return organization_from_record(_catalog(cmd).get_organization(org_id))
    except Exception:  # noqa: BLE001 - removed meanwhile
        return None


def _repo_of(cmd: Cmdlet, repo_id: str) -> Any:
    from vboshell.cmdlets.repositories import VBORepository

    cat = _catalog(cmd)
    try:
        return VBORepository.from_record(cat.get_repository(repo_id), cat)
    except Exception:  # noqa: BLE001
        return None


def job_object(cmd: Cmdlet, rec: Any) -> VBOJob:
    from vboshell.backup.runner import running_runner
    from vboshell.backup.schedule import next_run
    from vboshell.store.records import utcnow

    status = rec.last_status or "NotConfigured"
    if running_runner(rec.id) is not None:
        status = "Running"
    policy = rec.schedule_policy or None
    nxt = next_run(policy, utcnow()) if rec.enabled else None
    return VBOJob(Id=uuid.UUID(rec.id), Name=rec.name, Description=rec.description or "",
                  JobBackupType="EntireOrganization" if rec.entire_organization else "SelectedItems",
                  Organization=_org_of(cmd, rec.organization_id), Repository=_repo_of(cmd, rec.repository_id),
                  SelectedItems=[VBOBackupItem.from_item(i) for i in rec.selected_items or []],
                  ExcludedItems=[VBOBackupItem.from_item(i) for i in rec.excluded_items or []],
                  SelectedOneDriveFolders=list((rec.settings or {}).get("SelectedOneDriveFolders") or []),
                  ExcludedOneDriveFolders=list((rec.settings or {}).get("ExcludedOneDriveFolders") or []),
                  SchedulePolicy=VBOJobSchedulePolicy.from_dict(policy), IsEnabled=bool(rec.enabled),
                  LastStatus=status, LastRun=rec.last_run.astimezone() if rec.last_run else None,
                  NextRun=nxt.astimezone() if nxt else None,
                  LastBackup=rec.last_run.astimezone() if rec.last_run and status in ("Success", "Warning") else None)


def _job_record(cmd: Cmdlet, value: Any) -> Any:
    from vboshell.store.catalog import NotFoundError

    cat = _catalog(cmd)
    if isinstance(value, VBOJob):
        try:
            return cat.get_job(str(value.Id))
        except NotFoundError:
            raise CmdletError(f"Job '{value.Name}' was not found (it may have been removed).", "JobNotFound",
                              ErrorCategory.ObjectNotFound, value.Name) from None
    text = str(value)
    if re.fullmatch(r"[0-9a-fA-F-]{36}", text):
        try:
            return cat.get_job(text)
        except NotFoundError:
            pass
    rec = cat.find_job(text)
    if rec is None:
        raise CmdletError(f"Job '{text}' was not found.", "JobNotFound", ErrorCategory.ObjectNotFound, text)
    return rec


def _job_param(help_text: str = "The job (from Get-VBOJob).", mandatory: bool = True) -> Parameter:
    return Parameter("Job", type=VBOJob, mandatory=mandatory, position=0, value_from_pipeline=True, help=help_text)


def _items(values: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for v in values or []:
        if isinstance(v, VBOBackupItem):
            out.append(dict(v._item))  # noqa: SLF001
        elif isinstance(v, list | tuple):
            out += _items(v)
        elif v is not None:
            raise CmdletError(f"'{v}' is not a backup item; create one with New-VBOBackupItem.", "InvalidBackupItem",
                              ErrorCategory.InvalidArgument, v)
    return out


def _merge(existing: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keys = {VBOBackupItem.from_item(i).key for i in new}
    return [i for i in existing if VBOBackupItem.from_item(i).key not in keys] + new


# --------------------------------------------------------------------------------------------------------------
# Backup items


@register
class NewVBOBackupItem(Cmdlet):
    name = "New-VBOBackupItem"
    module = MODULE
    output_type = "VBOBackupItem"
    synopsis = "Creates a backup item (an object to select in, or exclude from, a backup job)."
    description = (
        "Creates backup items for users (-Mailbox, -ArchiveMailbox, -OneDrive, -Sites for the personal site), groups "
        "(member mailboxes/OneDrives, -GroupSite, -GroupMailbox), sites, teams, the whole organization (with service "
        "switches) or all personal sites. Without service switches every service of the object is selected. Pass the "
        "items to Add-VBOJob -SelectedItems/-ExcludedItems or Add-VBOBackupItem. Public Folder and Discovery Search "
        "mailboxes and dynamic distribution groups cannot be selected in API-only mode.")
    default_parameter_set = "User"
    parameters = (
        Parameter("User", type=VBOOrganizationUser, array=True, mandatory=True, value_from_pipeline=True,
                  parameter_sets=("User",), help="Users (Get-VBOOrganizationUser)."),
        Parameter("Group", type=VBOOrganizationGroup, array=True, mandatory=True, parameter_sets=("Group",),
                  help="Groups (Get-VBOOrganizationGroup); their members are processed."),
        Parameter("Site", type=VBOOrganizationSite, array=True, mandatory=True, parameter_sets=("Site",),
                  help="SharePoint sites (Get-VBOOrganizationSite)."),
        Parameter("Team", type=VBOOrganizationTeam, array=True, mandatory=True, parameter_sets=("Team",),
                  help="Teams (Get-VBOOrganizationTeam)."),
        Parameter("Organization", type=VBOOrganization, array=True, mandatory=True, parameter_sets=("Organization",),
                  help="The organization as a whole (with service switches)."),
        Parameter("PersonalSites", type=Switch, mandatory=True, parameter_sets=("PersonalSites",),
                  help="All personal sites (OneDrive) of the organization."),
        Parameter("Mailbox", type=Switch, parameter_sets=("User", "Group", "Organization"), help="The mailbox."),
        Parameter("ArchiveMailbox", type=Switch, parameter_sets=("User", "Group", "Organization"),
                  help="The in-place archive mailbox."),
        Parameter("OneDrive", type=Switch, parameter_sets=("User", "Group", "Organization"), help="OneDrive."),
        Parameter("Sites", type=Switch, parameter_sets=("User", "Group", "Organization"),
                  help="Personal site (users, groups) or all sites (organization)."),
        Parameter("GroupMailbox", type=Switch, parameter_sets=("Group",), help="The group mailbox."),
        Parameter("GroupSite", type=Switch, parameter_sets=("Group",), help="The group's SharePoint site."),
        Parameter("Teams", type=Switch, parameter_sets=("Organization",), help="All teams."),
        Parameter("TeamsChats", type=Switch, parameter_sets=("Organization", "Team"),
                  help="Teams chats (not available: accepted and ignored with a warning)."),
    )
    examples = (
        Example("$user = Get-VBOOrganizationUser -Organization $org -UserName 'alice*'\n"
                "New-VBOBackupItem -User $user -Mailbox -OneDrive",
                "Selects Alice's mailbox and OneDrive.", setup=SANDBOX_SETUP, needs_sandbox=True),
        Example("New-VBOBackupItem -Organization $org -Mailbox -ArchiveMailbox",
                "Selects every mailbox and archive mailbox of the organization.", setup=SANDBOX_SETUP,
                needs_sandbox=True),
    )

    def _flags(self, names: tuple[str, ...]) -> dict[str, bool]:
        return {n: True for n in names if getattr(self, n)}

    def process_record(self) -> None:
        from vboshell.backup.selection import make_item

        if self.TeamsChats:
            self.write_warning("Teams chats are not backed up in this version; the switch is ignored.")
        ps = self.parameter_set_name
        if ps == "User":
            for u in self.User or []:
                text = f"{u.UserName} {u.DisplayName} {u.Type}"
                if str(u.Type).lower() in ("publicmailbox", "public") or re.search(r"public\s*folder|^PF[_-]?Mailbox",
                                                                                    text, re.I):
                    raise api_only_not_supported(F_PUBLIC, W_PUBLIC, I_PUBLIC, target=str(u))
                if "discoverysearchmailbox" in re.sub(r"\s", "", text).lower() or str(u.Type).lower() == "discovery":
                    raise api_only_not_supported(F_DISCOVERY, W_DISCOVERY, I_DISCOVERY, target=str(u))
                item = make_item("User", id=u.OfficeId, name=u.DisplayName or u.UserName, UserName=u.UserName,
                                 **self._flags(("Mailbox", "ArchiveMailbox", "OneDrive", "Sites")))
                self.write_object(self._obj(item, User=u))
        elif ps == "Group":
            for g in self.Group or []:
                if "dynamic" in str(g.Type).lower():
                    raise api_only_not_supported(F_DYNAMIC, W_DYNAMIC, I_DYNAMIC, target=str(g))
                item = make_item("Group", id=g.OfficeId, name=g.DisplayName, **self._flags(
                    ("Mailbox", "ArchiveMailbox", "OneDrive", "Sites", "GroupMailbox", "GroupSite")))
                self.write_object(self._obj(item, Group=g))
        elif ps == "Site":
            for s in self.Site or []:
                item = make_item("Site", id=s.graph_id, name=s.Title or s.Name or s.URL, url=s.URL)
                self.write_object(self._obj(item, Site=s))
        elif ps == "Team":
            for t in self.Team or []:
                self.write_object(self._obj(make_item("Team", id=t.OfficeId, name=t.DisplayName), Team=t))
        elif ps == "Organization":
            for o in self.Organization or []:
                item = make_item("Organization", id=str(o.Id), name=o.Name,
                                 **self._flags(("Mailbox", "ArchiveMailbox", "OneDrive", "Sites", "Teams")))
                self.write_object(self._obj(item, Organization=o))
        else:
            self.write_object(VBOBackupItem.from_item(make_item("PersonalSites", name="Personal sites")))

    @staticmethod
    def _obj(item: dict[str, Any], **refs: Any) -> VBOBackupItem:
        obj = VBOBackupItem.from_item(item)
        for k, v in refs.items():
            setattr(obj, k, v)
        return obj


class _ItemListCmdlet(Cmdlet):
    """Shared by the Add/Get/Remove-VBO[Excluded]BackupItem cmdlets."""

    module = MODULE
    field_name = "selected_items"  # the job record's list this cmdlet changes: selected_items or excluded_items

    def _update(self, fn: Any) -> Any:
        rec = _job_record(self, self.Job)
        return _catalog(self).modify_job(rec.id, fn)

    def _remove_items(self) -> None:
        """Drops the -BackupItem items (matched by key) from the job's `field_name` list."""
        keys = {VBOBackupItem.from_item(i).key for i in _items(self.BackupItem)}
        attr = self.field_name
        self._update(lambda r: setattr(r, attr, [i for i in getattr(r, attr) or []
                                                 if VBOBackupItem.from_item(i).key not in keys]))


def _item_list_params(source: str) -> tuple[Parameter, ...]:
    """-Job and -BackupItem of the Add-/Remove-VBO[Excluded]BackupItem cmdlets; `source` names where items come from."""
    return (_job_param(), Parameter("BackupItem", type=VBOBackupItem, array=True, mandatory=True, position=1,
                                    help=f"Items from {source}."))


def _filtered(items: list[dict[str, Any]], cmd: Cmdlet) -> list[VBOBackupItem]:
    kinds = [k for k, flag in (("User", "Users"), ("Group", "Groups"), ("Team", "TeamsGroups"), ("Site", "Sites"),
                               ("PersonalSites", "PersonalSites"), ("Organization", "Organization"))
             if getattr(cmd, flag, False)]
    out = []
    rx = re.compile(re.escape(cmd.Name).replace(r"\*", ".*").replace(r"\?", "."), re.I) if cmd.Name else None
    for i in items:
        obj = VBOBackupItem.from_item(i)
        if kinds and obj.Type not in kinds:
            continue
        if rx is not None and not rx.fullmatch(obj.Name or ""):
            continue
        out.append(obj)
    return out


_FILTER_PARAMS = (
    Parameter("Name", type=str, help="Item name (wildcards allowed)."),
    Parameter("Users", type=Switch, help="Only users."),
    Parameter("Groups", type=Switch, help="Only groups."),
    Parameter("TeamsGroups", type=Switch, help="Only teams."),
    Parameter("Sites", type=Switch, help="Only sites."),
    Parameter("PersonalSites", type=Switch, help="Only the personal sites item."),
)


@register
class AddVBOBackupItem(_ItemListCmdlet):
    name = "Add-VBOBackupItem"
    synopsis = "Adds objects to the selection of a backup job."
    description = "Adds backup items (New-VBOBackupItem) to the job's selected items; the job becomes a SelectedItems job."
    parameters = _item_list_params("New-VBOBackupItem")
    examples = (Example("$site = Get-VBOOrganizationSite -Organization $org | Select-Object -First 1\n"
                        "Add-VBOBackupItem -Job $job -BackupItem (New-VBOBackupItem -Site $site)",
                        "Adds a SharePoint site to the job.", setup=JOB_SETUP, needs_sandbox=True),)

    def process_record(self) -> None:
        new = _items(self.BackupItem)

        def fn(r: Any) -> None:
            r.selected_items = _merge(list(r.selected_items or []), new)
            r.entire_organization = False
        self._update(fn)


@register
class GetVBOBackupItem(_ItemListCmdlet):
    name = "Get-VBOBackupItem"
    output_type = "VBOBackupItem"
    synopsis = "Returns the objects a backup job selects."
    description = "Returns the job's selected items (an EntireOrganization job returns one Organization item)."
    parameters = (_job_param(), Parameter("Organization", type=Switch, help="Only the organization item."),
                  *_FILTER_PARAMS)
    examples = (Example("Get-VBOBackupItem -Job $job", "Lists what the job backs up.", setup=JOB_SETUP,
                        needs_sandbox=True),)

    def process_record(self) -> None:
        from vboshell.backup.selection import make_item

        rec = _job_record(self, self.Job)
        items = list(rec.selected_items or [])
        if rec.entire_organization:
            org = _org_of(self, rec.organization_id)
            items = [make_item("Organization", id=rec.organization_id, name=org.Name if org else "")]
        for obj in _filtered(items, self):
            self.write_object(obj)


@register
class RemoveVBOBackupItem(_ItemListCmdlet):
    name = "Remove-VBOBackupItem"
    synopsis = "Removes objects from the selection of a backup job."
    description = "Removes the given backup items (Get-VBOBackupItem) from the job's selected items."
    parameters = _item_list_params("Get-VBOBackupItem")
    examples = (Example("$item = Get-VBOBackupItem -Job $job | Select-Object -Last 1\n"
                        "Remove-VBOBackupItem -Job $job -BackupItem $item\n"
                        "Add-VBOBackupItem -Job $job -BackupItem $item",
                        "Removes the last selected object (and adds it back).", setup=JOB_SETUP, needs_sandbox=True),)

    def process_record(self) -> None:
        self._remove_items()


@register
class AddVBOExcludedBackupItem(_ItemListCmdlet):
    name = "Add-VBOExcludedBackupItem"
    synopsis = "Excludes objects from a backup job."
    description = "Adds backup items to the job's exclusions (services given as switches on the item are excluded)."
    parameters = _item_list_params("New-VBOBackupItem")
    examples = (Example("$u = Get-VBOOrganizationUser -Organization $org | Select-Object -Last 1\n"
                        "Add-VBOExcludedBackupItem -Job $job -BackupItem (New-VBOBackupItem -User $u -OneDrive)",
                        "Excludes a user's OneDrive from the job.", setup=JOB_SETUP, needs_sandbox=True),)

    def process_record(self) -> None:
        new = _items(self.BackupItem)
        self._update(lambda r: setattr(r, "excluded_items", _merge(list(r.excluded_items or []), new)))


@register
class GetVBOExcludedBackupItem(_ItemListCmdlet):
    name = "Get-VBOExcludedBackupItem"
    output_type = "VBOBackupItem"
    synopsis = "Returns the objects excluded from a backup job."
    description = "Returns the job's excluded items."
    parameters = (_job_param(), *_FILTER_PARAMS)
    examples = (Example("Get-VBOExcludedBackupItem -Job $job", "Lists the job's exclusions.", setup=JOB_SETUP,
                        needs_sandbox=True),)

    def process_record(self) -> None:
        for obj in _filtered(list(_job_record(self, self.Job).excluded_items or []), self):
            self.write_object(obj)


@register
class RemoveVBOExcludedBackupItem(_ItemListCmdlet):
    name = "Remove-VBOExcludedBackupItem"
    field_name = "excluded_items"
    synopsis = "Removes exclusions from a backup job."
    description = "Removes the given items (Get-VBOExcludedBackupItem) from the job's exclusions."
    parameters = _item_list_params("Get-VBOExcludedBackupItem")
    examples = (Example("Get-VBOExcludedBackupItem -Job $job | ForEach-Object { Remove-VBOExcludedBackupItem -Job $job "
                        "-BackupItem $_ }", "Removes every exclusion of the job.", setup=JOB_SETUP, needs_sandbox=True),)

    def process_record(self) -> None:
        self._remove_items()


# --------------------------------------------------------------------------------------------------------------
# Schedules


def _daytime(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return timedelta(seconds=int(value.total_seconds()) % 86400)
    m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*", str(value))
    if not m:
        raise CmdletError(f"Cannot convert '{value}' to a time of day for -DailyTime (use e.g. '22:00').", "InvalidTime",
                          ErrorCategory.InvalidArgument, value)
    return timedelta(hours=int(m.group(1)), minutes=int(m.group(2)), seconds=int(m.group(3) or 0))


_POLICY_PARAMS = (
    Parameter("EnableSchedule", type=Switch, help="Run the job automatically (vboshell service)."),
    Parameter("Type", type=str, validate_set=("Periodically", "Daily"), help="Daily or Periodically."),
    Parameter("DailyTime", type=object, help="Time of day for Daily schedules, e.g. '22:00' (default 15:00)."),
    Parameter("DailyType", type=str, validate_set=DAILY, help="Days for Daily schedules (default Everyday)."),
    Parameter("PeriodicallyEvery", type=str, validate_set=PERIODS,
              help="Interval for Periodically schedules (Minutes1 is a vboshell extension)."),
    Parameter("PeriodicallyOffsetMinutes", type=int, help="Minutes after the interval start."),
    Parameter("BackupWindowSettings", type=VBOBackupWindowSettings, help="When backups may run."),
    Parameter("PeriodicallyWindowSettings", type=VBOBackupWindowSettings, help="Window for periodic runs."),
    Parameter("RetryEnabled", type=Switch, help="Retry failed runs."),
    Parameter("RetryNumber", type=int, help="Retries (default 3)."),
    Parameter("RetryWaitInterval", type=int, help="Minutes between retries (default 10)."),
)


def _apply_policy(cmd: Cmdlet, p: VBOJobSchedulePolicy) -> VBOJobSchedulePolicy:
    if cmd.is_bound("EnableSchedule"):
        p.EnableSchedule = bool(cmd.EnableSchedule)
    if cmd.is_bound("Type"):
        p.Type = next(x for x in ("Periodically", "Daily") if x.lower() == str(cmd.Type).lower())
    elif cmd.is_bound("PeriodicallyEvery") and not cmd.is_bound("DailyTime"):
        p.Type = "Periodically"
    if cmd.is_bound("DailyTime"):
        p.DailyTime = _daytime(cmd.DailyTime)
    if cmd.is_bound("DailyType"):
        p.DailyType = next(x for x in DAILY if x.lower() == str(cmd.DailyType).lower())
    if cmd.is_bound("PeriodicallyEvery"):
        p.PeriodicallyEvery = next(x for x in PERIODS if x.lower() == str(cmd.PeriodicallyEvery).lower())
    for name in ("PeriodicallyOffsetMinutes", "RetryNumber", "RetryWaitInterval", "BackupWindowSettings",
                 "PeriodicallyWindowSettings"):
        if cmd.is_bound(name):
            setattr(p, name, getattr(cmd, name))
    if cmd.is_bound("RetryEnabled"):
        p.RetryEnabled = bool(cmd.RetryEnabled)
    return p


@register
class NewVBOJobSchedulePolicy(Cmdlet):
    name = "New-VBOJobSchedulePolicy"
    module = MODULE
    output_type = "VBOJobSchedulePolicy"
    synopsis = "Creates a schedule for a backup job."
    description = ("Creates a schedule policy: daily at a time on chosen days (-Type Daily -DailyTime -DailyType) or "
                   "periodically (-Type Periodically -PeriodicallyEvery), optionally within a backup window and with "
                   "retries. Scheduled jobs run under `vboshell service` (see docs/scheduling.md).")
    parameters = _POLICY_PARAMS
    examples = (
        Example("New-VBOJobSchedulePolicy -EnableSchedule -Type Daily -DailyTime '22:00' -DailyType Workdays",
                "Every working day at 22:00.", expect="Daily"),
        Example("$w = New-VBOBackupWindowSettings -FromDay Monday -FromHour 20 -ToDay Friday -ToHour 6 -Enabled\n"
                "New-VBOJobSchedulePolicy -EnableSchedule -Type Periodically -PeriodicallyEvery Hours1 "
                "-PeriodicallyWindowSettings $w -RetryEnabled -RetryNumber 2",
                "Hourly at night on working days, retried twice after failures."),
    )

    def process_record(self) -> None:
        p = VBOJobSchedulePolicy()
        if not self.is_bound("EnableSchedule"):
            p.EnableSchedule = True
        self.write_object(_apply_policy(self, p))


@register
class SetVBOJobSchedulePolicy(Cmdlet):
    name = "Set-VBOJobSchedulePolicy"
    module = MODULE
    output_type = "VBOJobSchedulePolicy"
    synopsis = "Changes a schedule policy object."
    description = "Changes the given schedule policy and returns it; apply it with Set-VBOJob -SchedulePolicy."
    parameters = (Parameter("Policy", type=VBOJobSchedulePolicy, mandatory=True, position=0, value_from_pipeline=True,
                            help="The policy (New-VBOJobSchedulePolicy or $job.SchedulePolicy)."), *_POLICY_PARAMS)
    examples = (Example("$p = New-VBOJobSchedulePolicy -Type Daily\nSet-VBOJobSchedulePolicy -Policy $p -DailyTime '06:30'",
                        "Moves a daily schedule to 06:30."),)

    def process_record(self) -> None:
        self.write_object(_apply_policy(self, self.Policy))


@register
class NewVBOBackupWindowSettings(Cmdlet):
    name = "New-VBOBackupWindowSettings"
    module = MODULE
    output_type = "VBOBackupWindowSettings"
    synopsis = "Creates a backup window (the hours when a job may run)."
    description = "Allows backups from -FromDay/-FromHour up to -ToDay/-ToHour (wrapping around the week)."
    parameters = (
        Parameter("FromDay", type=str, mandatory=True, validate_set=WEEKDAYS, help="First day."),
        Parameter("FromHour", type=int, mandatory=True, validate_range=(0, 23), help="First hour."),
        Parameter("ToDay", type=str, mandatory=True, validate_set=WEEKDAYS, help="Last day."),
        Parameter("ToHour", type=int, mandatory=True, validate_range=(0, 23), help="Hour the window closes."),
        Parameter("Enabled", type=Switch, help="Turn the window on."),
    )
    examples = (Example("New-VBOBackupWindowSettings -FromDay Saturday -FromHour 0 -ToDay Monday -ToHour 0 -Enabled",
                        "Backups only at weekends."),)

    def process_record(self) -> None:
        from vboshell.backup.schedule import window

        w = window(self.FromDay, self.FromHour, self.ToDay, self.ToHour, bool(self.Enabled))
        self.write_object(VBOBackupWindowSettings.from_dict(w))


# --------------------------------------------------------------------------------------------------------------
# Jobs


def _policy_dict(value: Any) -> dict[str, Any]:
    from vboshell.backup.schedule import no_schedule

    if value is None:
        return no_schedule()
    if isinstance(value, VBOJobSchedulePolicy):
        return value.to_dict()
    raise CmdletError("-SchedulePolicy expects New-VBOJobSchedulePolicy output.", "InvalidSchedulePolicy",
                      ErrorCategory.InvalidArgument, value)


def _check_org_items(cmd: Cmdlet, items: list[dict[str, Any]], org: VBOOrganization) -> None:
    for i in items:
        if i.get("Type") == "Organization" and i.get("Id") and str(i["Id"]) != str(org.Id):
            raise CmdletError("A backup item belongs to another organization.", "ItemOrganizationMismatch",
                              ErrorCategory.InvalidArgument, i.get("Name"))


@register
class AddVBOJob(Cmdlet):
    name = "Add-VBOJob"
    module = MODULE
    output_type = "VBOJob"
    synopsis = "Creates a backup job."
    description = (
        "Creates a backup job for an organization: what to protect (-EntireOrganization, or -SelectedItems from "
        "New-VBOBackupItem, minus -ExcludedItems), where (-Repository) and when (-SchedulePolicy; without one the job "
        "runs only when started). -RunJob starts it at once in the background.")
    default_parameter_set = "SelectedItems"
    parameters = (
        Parameter("Organization", type=VBOOrganization, mandatory=True, position=0, value_from_pipeline=True,
                  help="The organization (Get-VBOOrganization)."),
        Parameter("Name", type=str, mandatory=True, help="Job name (unique)."),
        Parameter("Repository", type=object, mandatory=True, help="The repository (Get-VBORepository)."),
        Parameter("EntireOrganization", type=Switch, mandatory=True, parameter_sets=("EntireOrganization",),
                  help="Protect every user, site and team."),
        Parameter("SelectedItems", type=VBOBackupItem, array=True, mandatory=True, parameter_sets=("SelectedItems",),
                  help="The objects to protect (New-VBOBackupItem)."),
        Parameter("ExcludedItems", type=VBOBackupItem, array=True, help="Objects not to protect."),
        Parameter("Description", type=str, help="Description."),
        Parameter("SchedulePolicy", type=VBOJobSchedulePolicy, help="Schedule (New-VBOJobSchedulePolicy)."),
        Parameter("RunJob", type=Switch, help="Start the job right after creating it (in the background)."),
        Parameter("SelectedOneDriveFolders", type=str, array=True, help="Accepted; all folders are backed up."),
        Parameter("ExcludedOneDriveFolders", type=str, array=True, help="Accepted; all folders are backed up."),
    )
    examples = (
        Example("Add-VBOJob -Organization $org -Name 'Contoso daily' -Repository $repo -EntireOrganization "
                "-SchedulePolicy (New-VBOJobSchedulePolicy -Type Daily -DailyTime '22:00')",
                "Protects the whole organization every night at 22:00.",
                setup=JOB_SETUP + "Get-VBOJob -Name 'Contoso daily' | Remove-VBOJob -Confirm:$false",
                needs_sandbox=True),
    )

    def process_record(self) -> None:
        from vboshell.cmdlets.repositories import _resolve_repository
        from vboshell.store.catalog import DuplicateError
        from vboshell.store.records import JobRecord

        cat = _catalog(self)
        repo = _resolve_repository(self, self.Repository)
        if cat.find_job(self.Name) is not None:
            raise CmdletError(f"A job named '{self.Name}' already exists.", "JobExists", ErrorCategory.ResourceExists,
                              self.Name)
        selected = _items(self.SelectedItems)
        _check_org_items(self, selected, self.Organization)
        settings = {k: list(getattr(self, k)) for k in ("SelectedOneDriveFolders", "ExcludedOneDriveFolders")
                    if self.is_bound(k)}
        try:
            rec = cat.add_job(JobRecord(name=self.Name, organization_id=str(self.Organization.Id), repository_id=repo.id,
                                        description=self.Description or "", entire_organization=bool(
                                            self.EntireOrganization), selected_items=selected,
                                        excluded_items=_items(self.ExcludedItems),
                                        schedule_policy=_policy_dict(self.SchedulePolicy), settings=settings))
        except DuplicateError as exc:
            raise CmdletError(str(exc), "JobExists", ErrorCategory.ResourceExists, self.Name) from None
        if self.RunJob:
            from vboshell.backup.runner import start_job

            start_job(rec, cat, wait=False, organization=self.Organization)
        self.write_object(job_object(self, cat.get_job(rec.id)))


@register
class GetVBOJob(Cmdlet):
    name = "Get-VBOJob"
    module = MODULE
    output_type = "VBOJob"
    synopsis = "Returns backup jobs."
    description = "Returns backup jobs, by name (wildcards), id, organization or repository. NextRun comes from the schedule."
    default_parameter_set = "Default"
    parameters = (
        Parameter("Organization", type=VBOOrganization, position=0, value_from_pipeline=True,
                  parameter_sets=("Default",), help="Only this organization's jobs."),
        Parameter("Name", type=str, parameter_sets=("Default",), help="Job name (wildcards allowed)."),
        Parameter("Repository", type=object, parameter_sets=("Default",), help="Only jobs writing to this repository."),
        Parameter("Id", type=object, mandatory=True, parameter_sets=("Id",), help="Job id."),
    )
    examples = (Example("Get-VBOJob", "Lists all backup jobs."),
                Example("Get-VBOOrganization | Get-VBOJob | Format-Table Name, LastStatus, NextRun",
                        "Shows the jobs of every organization with their next run.", setup=JOB_SETUP,
                        needs_sandbox=True))

    def process_record(self) -> None:
        from vboshell.store.catalog import NotFoundError

        cat = _catalog(self)
        if self.parameter_set_name == "Id":
            try:
                self.write_object(job_object(self, cat.get_job(str(self.Id))))
            except NotFoundError:
                raise CmdletError(f"Job with id '{self.Id}' was not found.", "JobNotFound",
                                  ErrorCategory.ObjectNotFound, str(self.Id)) from None
            return
        repo_id = None
        if self.Repository is not None:
            from vboshell.cmdlets.repositories import _resolve_repository

            repo_id = _resolve_repository(self, self.Repository).id
        rx = re.compile(re.escape(self.Name).replace(r"\*", ".*").replace(r"\?", "."), re.I) if self.Name else None
        found = False
        for rec in cat.list_jobs(organization_id=str(self.Organization.Id) if self.Organization else None,
                                 repository_id=repo_id):
            if rx is not None and not rx.fullmatch(rec.name):
                continue
            found = True
            self.write_object(job_object(self, rec))
        if self.Name and not found and not any(c in self.Name for c in "*?"):
            pass  # Veeam returns nothing for an unknown name


@register
class SetVBOJob(Cmdlet):
    name = "Set-VBOJob"
    module = MODULE
    output_type = "VBOJob"
    synopsis = "Changes a backup job."
    description = "Changes a job's name, description, repository, selection, exclusions or schedule."
    parameters = (
        _job_param(),
        Parameter("Name", type=str, help="New name."),
        Parameter("Description", type=str, help="New description."),
        Parameter("Repository", type=object, help="New repository (the next run is a full one there)."),
        Parameter("EntireOrganization", type=Switch, help="Protect the whole organization."),
        Parameter("SelectedItems", type=VBOBackupItem, array=True, help="Replace the selection."),
        Parameter("ExcludedItems", type=VBOBackupItem, array=True, help="Replace the exclusions."),
        Parameter("SchedulePolicy", type=VBOJobSchedulePolicy, help="New schedule."),
        Parameter("RunJob", type=Switch, help="Start the job after the change."),
        Parameter("SelectedOneDriveFolders", type=str, array=True, dont_show=True, help="Accepted."),
        Parameter("ExcludedOneDriveFolders", type=str, array=True, dont_show=True, help="Accepted."),
        Parameter("EnableSelectedOneDriveFolders", type=Switch, dont_show=True, help="Accepted."),
        Parameter("EnableExcludedOneDriveFolders", type=Switch, dont_show=True, help="Accepted."),
    )
    examples = (Example("Set-VBOJob -Job $job -Description 'Mailbox of the first user' "
                        "-SchedulePolicy (New-VBOJobSchedulePolicy -Type Periodically -PeriodicallyEvery Hours4)",
                        "Runs the job every four hours.", setup=JOB_SETUP, needs_sandbox=True),)

    def process_record(self) -> None:
        cat = _catalog(self)
        rec = _job_record(self, self.Job)
        ch: dict[str, Any] = {}
        if self.is_bound("Name") and self.Name != rec.name:
            if cat.find_job(self.Name) is not None:
                raise CmdletError(f"A job named '{self.Name}' already exists.", "JobExists",
                                  ErrorCategory.ResourceExists, self.Name)
            ch["name"] = self.Name
        if self.is_bound("Description"):
            ch["description"] = self.Description or ""
        if self.is_bound("Repository"):
            from vboshell.cmdlets.repositories import _resolve_repository

            ch["repository_id"] = _resolve_repository(self, self.Repository).id
        if self.EntireOrganization:
            ch["entire_organization"] = True
            ch["selected_items"] = []
        if self.is_bound("SelectedItems"):
            ch["selected_items"] = _items(self.SelectedItems)
            ch["entire_organization"] = False
        if self.is_bound("ExcludedItems"):
            ch["excluded_items"] = _items(self.ExcludedItems)
        if self.is_bound("SchedulePolicy"):
            ch["schedule_policy"] = _policy_dict(self.SchedulePolicy)
        if ch:
            rec = cat.update_job(rec.id, **ch)
        if self.RunJob:
            from vboshell.backup.runner import start_job

            start_job(rec, cat, wait=False)
        self.write_object(job_object(self, rec))


@register
class RemoveVBOJob(Cmdlet):
    name = "Remove-VBOJob"
    module = MODULE
    synopsis = "Removes a backup job."
    description = "Removes the job and its session history; backed-up data stays in the repository."
    supports_should_process = True
    confirm_impact = "High"
    parameters = (_job_param(),)
    examples = (Example("Get-VBOJob -Name 'Example job' | Remove-VBOJob -WhatIf", "Shows what removing would do.",
                        setup=JOB_SETUP, needs_sandbox=True),)

    def process_record(self) -> None:
        from vboshell.backup.runner import running_runner

        rec = _job_record(self, self.Job)
        if running_runner(rec.id) is not None:
            raise CmdletError(f"Job '{rec.name}' is running; stop it first (Stop-VBOJob).", "JobRunning",
                              ErrorCategory.ResourceBusy, rec.name)
        if not self.should_process(rec.name, "Remove backup job"):
            return
        cat = _catalog(self)
        cat.remove_job_sessions(rec.id)
        cat.remove_job(rec.id)


@register
class EnableVBOJob(Cmdlet):
    name = "Enable-VBOJob"
    module = MODULE
    synopsis = "Enables a backup job (its schedule runs it again)."
    description = "Enables the job so that `vboshell service` runs it on schedule."
    parameters = (_job_param(),)
    examples = (Example("Get-VBOJob -Name 'Example job' | Enable-VBOJob", "Enables the job.", setup=JOB_SETUP,
                        needs_sandbox=True),)

    def process_record(self) -> None:
        _catalog(self).update_job(_job_record(self, self.Job).id, enabled=True)


@register
class DisableVBOJob(Cmdlet):
    name = "Disable-VBOJob"
    module = MODULE
    synopsis = "Disables a backup job (no scheduled runs)."
    description = "Disables the job: the scheduler skips it; Start-VBOJob still runs it on demand."
    parameters = (_job_param(),)
    examples = (Example("Get-VBOJob -Name 'Example job' | Disable-VBOJob\nGet-VBOJob -Name 'Example job' | Enable-VBOJob",
                        "Disables the job (and enables it again).", setup=JOB_SETUP, needs_sandbox=True),)

    def process_record(self) -> None:
        _catalog(self).update_job(_job_record(self, self.Job).id, enabled=False)


# --------------------------------------------------------------------------------------------------------------
# Running


def _progress_text(p: Any) -> tuple[str, int, int]:
    mbs = p.mb_per_s
    text = (f"{p.objects_done} of {p.objects_total} objects, {p.items} items, {mbs:.2f} MB/s"
            + (f", {', '.join(p.current[:2])}" if p.current else ""))
    return text, p.percent, p.eta


@register
class StartVBOJob(Cmdlet):
    name = "Start-VBOJob"
    module = MODULE
    output_type = "VBOJobSession"
    synopsis = "Runs a backup job."
    description = (
        "Runs the job now: incremental by default (only what changed since the last run is read, through Microsoft "
        "Graph delta queries); -Full reads everything again (unchanged items are still not stored twice). Waits with a "
        "progress bar and returns the finished session; -RunAsync returns the running session at once (use "
        "Wait-VBOJobSession). Ctrl+C stops the run cleanly: what was stored is kept and the next run resumes. A job "
        "that is already running (in any process) is refused.")
    parameters = (_job_param("The job to run (Get-VBOJob)."),
                  Parameter("RunAsync", type=Switch, help="Return the running session without waiting."),
                  Parameter("Full", type=Switch, help="Ignore the delta state: read every item again."))
    examples = (Example("Get-VBOJob -Name 'Example job' | Start-VBOJob", "Runs the job and shows the session.",
                        setup=JOB_SETUP, needs_sandbox=True),
                Example("$s = Start-VBOJob -Job $job -RunAsync\n$s | Wait-VBOJobSession | Select-Object Status",
                        "Starts the job in the background, then waits for it.", setup=JOB_SETUP, needs_sandbox=True))

    def process_record(self) -> None:
        from vboshell.backup.runner import JobAlreadyRunning, start_job, wait_session

        cat = _catalog(self)
        rec = _job_record(self, self.Job)
        org = self.Job.Organization if isinstance(self.Job, VBOJob) else None
        try:
            runner = start_job(rec, cat, full=bool(self.Full), wait=False, organization=org)
        except JobAlreadyRunning as exc:
            raise CmdletError(str(exc), "JobAlreadyRunning", ErrorCategory.ResourceBusy, rec.name) from None
        sid = runner.session.id
        if self.RunAsync:
            self.write_object(VBOJobSession.from_record(cat.get_job_session(sid)))
            return
        activity = f"Job {rec.name}"

        def poll(_s: Any) -> bool:
            if self.stopping:
                runner.stop()
                return True
            text, pct, eta = _progress_text(runner.progress)
            self.write_progress(activity, text, pct, eta)
            return False

        wait_session(sid, cat, on_poll=poll, poll=0.25)
        runner.done.wait()
        self.write_progress(activity, "Completed", 100, completed=True)
        if isinstance(runner.error, BaseException) and not isinstance(runner.error, JobAlreadyRunning):
            pass  # logged in the session, which is returned below
        self.write_object(VBOJobSession.from_record(cat.get_job_session(sid)))


@register
class StopVBOJob(Cmdlet):
    name = "Stop-VBOJob"
    module = MODULE
    synopsis = "Stops a running backup job."
    description = ("Asks the running job (in this shell or in another process such as the scheduler service) to stop. "
                   "Items stored so far are kept and the next run resumes from them.")
    supports_should_process = True
    parameters = (_job_param(), Parameter("Force", type=Switch, help="Accepted."),
                  Parameter("RunAsync", type=Switch, help="Return at once instead of waiting until it stopped."))
    examples = (Example("$null = Start-VBOJob -Job $job -RunAsync\nStop-VBOJob -Job $job",
                        "Starts the job in the background, then stops it.", setup=JOB_SETUP, needs_sandbox=True),)

    def process_record(self) -> None:
        from vboshell.backup.runner import stop_job, wait_session

        rec = _job_record(self, self.Job)
        if not self.should_process(rec.name, "Stop backup job"):
            return
        cat = _catalog(self)
        sessions = cat.list_job_sessions(rec.id, status="Running")
        if not stop_job(rec.id, cat):
            self.write_warning(f"Job '{rec.name}' is not running.")
            return
        if not self.RunAsync:
            for s in sessions:
                wait_session(s.id, cat, timeout=60, on_poll=lambda _s: self.stopping)


@register
class GetVBOJobSession(Cmdlet):
    name = "Get-VBOJobSession"
    module = MODULE
    output_type = "VBOJobSession"
    synopsis = "Returns backup job sessions (runs) with their statistics and log."
    description = ("Returns job sessions, newest first: status, creation and end time, progress, Statistics "
                   "(processed objects, items/s and MB/s, read and transferred data) and the Log (time, type, title, "
                   "message per object).")
    parameters = (
        Parameter("Job", type=VBOJob, position=0, value_from_pipeline=True, help="Only this job's sessions."),
        Parameter("Status", type=str, validate_set=STATUSES, help="Only sessions with this status."),
        Parameter("Last", type=Switch, help="Only the latest session (per job)."),
        Parameter("JobType", type=str, dont_show=True, help="Accepted (backup sessions only)."),
    )
    examples = (Example("Get-VBOJobSession -Job $job -Last | Select-Object -ExpandProperty Log",
                        "Shows the log of the job's latest session.",
                        setup=JOB_SETUP + "$null = Start-VBOJob -Job $job", needs_sandbox=True),
                Example("Get-VBOJobSession -Status Failed", "Lists failed sessions."))

    def process_record(self) -> None:
        cat = _catalog(self)
        job_id = _job_record(self, self.Job).id if self.Job is not None else None
        status = next((s for s in STATUSES if s.lower() == str(self.Status).lower()), None) if self.Status else None
        sessions = cat.list_job_sessions(job_id, status=status)
        sessions.sort(key=lambda s: s.creation_time, reverse=True)
        if self.Last:
            seen: set[str] = set()
            latest = []
            for s in sessions:
                if s.job_id not in seen:
                    seen.add(s.job_id)
                    latest.append(s)
            sessions = latest
        for s in sessions:
            self.write_object(VBOJobSession.from_record(s))


@register
class WaitVBOJobSession(Cmdlet):
    name = "Wait-VBOJobSession"
    module = MODULE
    output_type = "VBOJobSession"
    synopsis = "Waits until a job session ends (vboshell extension, for Start-VBOJob -RunAsync scripts)."
    description = "Waits for each session to finish (or -Timeout seconds) and returns it with its final status."
    parameters = (Parameter("Session", type=VBOJobSession, array=True, mandatory=True, position=0,
                            value_from_pipeline=True, help="Sessions (Start-VBOJob -RunAsync, Get-VBOJobSession)."),
                  Parameter("Timeout", type=int, help="Maximum seconds to wait."))
    examples = (Example("Start-VBOJob -Job $job -RunAsync | Wait-VBOJobSession -Timeout 600",
                        "Runs the job in the background and waits up to ten minutes.", setup=JOB_SETUP,
                        needs_sandbox=True),)

    def process_record(self) -> None:
        from vboshell.backup.runner import wait_session

        cat = _catalog(self)
        deadline = time.monotonic() + self.Timeout if self.Timeout else None
        for s in self.Session or []:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            rec = wait_session(s._session_id or str(s.Id), cat, timeout=left,  # noqa: SLF001
                               on_poll=lambda _s: self.stopping)
            self.write_object(VBOJobSession.from_record(rec))
