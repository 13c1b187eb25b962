"""Veeam object model of backup jobs: VBOJob, VBOBackupItem, VBOJobSchedulePolicy, VBOBackupWindowSettings,
VBOJobSession with VBOJobStatistics and its log items. Built from catalogue records; property names are Veeam's."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from vboshell.cmdlets.model import NS
from vboshell.runtime.psobject import TypeView, ps_type


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{int(n)} B" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"


def _local(dt: datetime | None) -> datetime | None:
    return dt.astimezone() if dt is not None else None


@ps_type(f"{NS}.VBOBackupWindowSettings", view=TypeView(kind="list"))
@dataclass(eq=False)
class VBOBackupWindowSettings:
    BackupWindow: list[bool] = field(default_factory=lambda: [True] * 168)
    MinuteOffset: int = 0
    Enabled: bool = True
    FromDay: str = "Sunday"
    FromHour: int = 0
    ToDay: str = "Sunday"
    ToHour: int = 0

    def __str__(self) -> str:
        return f"{self.FromDay} {self.FromHour:02d}:00 - {self.ToDay} {self.ToHour:02d}:00" if self.Enabled else "Disabled"

    def to_dict(self) -> dict[str, Any]:
        return {"Enabled": self.Enabled, "BackupWindow": list(self.BackupWindow), "MinuteOffset": self.MinuteOffset,
                "FromDay": self.FromDay, "FromHour": self.FromHour, "ToDay": self.ToDay, "ToHour": self.ToHour}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> VBOBackupWindowSettings | None:
        if not d:
            return None
        return cls(BackupWindow=list(d.get("BackupWindow") or [True] * 168), MinuteOffset=int(d.get("MinuteOffset") or 0),
                   Enabled=bool(d.get("Enabled", True)), FromDay=d.get("FromDay", "Sunday"),
                   FromHour=int(d.get("FromHour") or 0), ToDay=d.get("ToDay", "Sunday"), ToHour=int(d.get("ToHour") or 0))


@ps_type(f"{NS}.VBOJobSchedulePolicy", view=TypeView(kind="list"))
@dataclass(eq=False)
class VBOJobSchedulePolicy:
    EnableSchedule: bool = True
    Type: str = "Daily"  # Periodically | Daily
    PeriodicallyEvery: str = "Minutes5"
    PeriodicallyOffsetMinutes: int = 0
    DailyType: str = "Everyday"
    DailyTime: timedelta = field(default_factory=lambda: timedelta(hours=15))
    BackupWindowSettings: VBOBackupWindowSettings | None = None
    PeriodicallyWindowSettings: VBOBackupWindowSettings | None = None
    RetryEnabled: bool = False
    RetryNumber: int = 3
    RetryWaitInterval: int = 10

    def __str__(self) -> str:
        from vboshell.backup.schedule import describe

        return describe(self.to_dict())

    def to_dict(self) -> dict[str, Any]:
        secs = int(self.DailyTime.total_seconds()) % 86400
        return {"EnableSchedule": self.EnableSchedule, "Type": self.Type, "PeriodicallyEvery": self.PeriodicallyEvery,
                "PeriodicallyOffsetMinutes": self.PeriodicallyOffsetMinutes, "DailyType": self.DailyType,
                "DailyTime": f"{secs // 3600:02d}:{secs % 3600 // 60:02d}:{secs % 60:02d}",
                "BackupWindowSettings": self.BackupWindowSettings.to_dict() if self.BackupWindowSettings else None,
                "PeriodicallyWindowSettings": self.PeriodicallyWindowSettings.to_dict()
                if self.PeriodicallyWindowSettings else None,
                "RetryEnabled": self.RetryEnabled, "RetryNumber": self.RetryNumber,
                "RetryWaitInterval": self.RetryWaitInterval}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> VBOJobSchedulePolicy:
        from vboshell.backup.schedule import _time, no_schedule

        d = d or no_schedule()
        h, m, s = _time(d.get("DailyTime"))
        return cls(EnableSchedule=bool(d.get("EnableSchedule", True)), Type=d.get("Type") or "Daily",
                   PeriodicallyEvery=d.get("PeriodicallyEvery") or "Minutes5",
                   PeriodicallyOffsetMinutes=int(d.get("PeriodicallyOffsetMinutes") or 0),
                   DailyType=d.get("DailyType") or "Everyday", DailyTime=timedelta(hours=h, minutes=m, seconds=s),
                   BackupWindowSettings=VBOBackupWindowSettings.from_dict(d.get("BackupWindowSettings")),
                   PeriodicallyWindowSettings=VBOBackupWindowSettings.from_dict(d.get("PeriodicallyWindowSettings")),
                   RetryEnabled=bool(d.get("RetryEnabled")), RetryNumber=int(d.get("RetryNumber") or 3),
                   RetryWaitInterval=int(d.get("RetryWaitInterval") or 10))


@ps_type(f"{NS}.VBOBackupItem", view=TypeView(table=("Type", "Name", "Mailbox", "ArchiveMailbox", "OneDrive", "Sites"),
                                              kind="table"))
@dataclass(eq=False)
class VBOBackupItem:
    """One selected (or excluded) object of a job. `_item` is the engine's description (vboshell.backup.selection)."""

    Type: str = "User"  # User | Group | Site | Team | Organization | PersonalSites (VBOBackupItemType)
    Name: str = ""
    Id: str = ""
    User: Any = None
    Group: Any = None
    Site: Any = None
    Team: Any = None
    Organization: Any = None
    Mailbox: bool = False
    ArchiveMailbox: bool = False
    OneDrive: bool = False
    Sites: bool = False
    GroupMailbox: bool = False
    GroupSite: bool = False
    Teams: bool = False
    TeamsChats: bool = False
    _item: dict[str, Any] = field(default_factory=dict, repr=False)

    def __str__(self) -> str:
        return f"{self.Type}: {self.Name}" if self.Name else self.Type

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VBOBackupItem) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)

    @property
    def key(self) -> tuple[str, str]:
        return (self.Type.lower(), str(self._item.get("Id") or self._item.get("Url") or "").lower())

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> VBOBackupItem:
        t = str(item.get("Type") or "User")
        defaults = {"User": ("Mailbox", "ArchiveMailbox", "OneDrive", "Sites"),
                    "Group": ("Mailbox", "ArchiveMailbox", "OneDrive", "Sites", "GroupMailbox", "GroupSite"),
                    "Organization": ("Mailbox", "ArchiveMailbox", "OneDrive", "Sites", "Teams")}.get(t, ())
        explicit = any(item.get(f) for f in defaults)
        flags = {f: bool(item.get(f)) if explicit else (f in defaults) for f in
                 ("Mailbox", "ArchiveMailbox", "OneDrive", "Sites", "GroupMailbox", "GroupSite", "Teams", "TeamsChats")}
        if t == "Group" and not explicit:
            flags["GroupMailbox"] = False  # not backed up in this version (the log says so when asked for)
        return cls(Type=t, Name=str(item.get("Name") or item.get("Url") or ""), Id=str(item.get("Id") or ""),
                   _item=dict(item), **flags)


@ps_type(f"{NS}.VBOJob", view=TypeView(table=("Name", "JobBackupType", "IsEnabled", "LastStatus", "LastRun", "NextRun"),
                                       kind="table"))
@dataclass(eq=False)
class VBOJob:
    Id: uuid.UUID = field(default_factory=uuid.uuid4)
    Name: str = ""
    Description: str = ""
    JobType: str = "Backup"
    JobBackupType: str = "SelectedItems"  # EntireOrganization | SelectedItems
    Organization: Any = None
    Repository: Any = None
    SelectedItems: list[VBOBackupItem] = field(default_factory=list)
    ExcludedItems: list[VBOBackupItem] = field(default_factory=list)
    SelectedOneDriveFolders: list[str] = field(default_factory=list)
    ExcludedOneDriveFolders: list[str] = field(default_factory=list)
    SchedulePolicy: VBOJobSchedulePolicy | None = None
    IsEnabled: bool = True
    LastStatus: str = "NotConfigured"  # Stopped | Running | Success | Failed | Warning | NotConfigured
    LastRun: datetime | None = None
    NextRun: datetime | None = None
    LastBackup: datetime | None = None

    def __str__(self) -> str:
        return self.Name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VBOJob) and other.Id == self.Id

    def __hash__(self) -> int:
        return hash(self.Id)


@ps_type(f"{NS}.VBOJobStatistics", view=TypeView(kind="list"))
@dataclass(eq=False)
class VBOJobStatistics:
    ProcessedObjects: int = 0
    TotalObjects: int = 0
    ProcessedItems: int = 0
    DeletedItems: int = 0
    ProcessingRate: str = ""
    ReadRate: str = ""
    WriteRate: str = ""
    ReadData: str = ""
    TransferredData: str = ""
    ReadBytes: int = 0
    TransferredBytes: int = 0
    ItemsPerSecond: float = 0.0
    MBPerSecond: float = 0.0
    Duration: timedelta = field(default_factory=timedelta)
    Bottleneck: str = "NA"

    def __str__(self) -> str:
        return (f"Processed objects: {self.ProcessedObjects}/{self.TotalObjects}, items: {self.ProcessedItems}, "
                f"read: {self.ReadData}, transferred: {self.TransferredData}, rate: {self.ProcessingRate}")

    @classmethod
    def from_stats(cls, s: dict[str, Any]) -> VBOJobStatistics:
        ips = float(s.get("ItemsPerSecond") or 0)
        bps = float(s.get("BytesPerSecond") or 0)
        dur = float(s.get("Duration") or 0)
        tb = int(s.get("TransferredBytes") or 0)
        return cls(ProcessedObjects=int(s.get("ProcessedObjects") or 0), TotalObjects=int(s.get("TotalObjects") or 0),
                   ProcessedItems=int(s.get("ProcessedItems") or 0), DeletedItems=int(s.get("DeletedItems") or 0),
                   ProcessingRate=f"{ips:.1f} items/s ({bps / 1048576:.2f} MB/s)",
                   ReadRate=f"{bps / 1048576:.2f} MB/s", WriteRate=f"{(tb / dur if dur else 0) / 1048576:.2f} MB/s",
                   ReadData=_size(int(s.get("ProcessedBytes") or 0)), TransferredData=_size(tb),
                   ReadBytes=int(s.get("ProcessedBytes") or 0), TransferredBytes=tb, ItemsPerSecond=round(ips, 2),
                   MBPerSecond=round(bps / 1048576, 3), Duration=timedelta(seconds=round(dur, 3)))


@ps_type(f"{NS}.VBOJobSessionLogItem", view=TypeView(table=("CreationTime", "Type", "Title"), kind="table"))
@dataclass(eq=False)
class VBOJobSessionLogItem:
    Id: int = 0
    CreationTime: datetime | None = None
    Type: str = "Info"  # Info | Warning | Error
    Title: str = ""
    Message: str = ""
    ObjectName: str | None = None
    ObjectId: str | None = None

    def __str__(self) -> str:
        return f"[{self.Type}] {self.Title}" + (f" — {self.Message}" if self.Message else "")


@ps_type(f"{NS}.VBOJobSession",
         view=TypeView(table=("JobName", "Status", "CreationTime", "EndTime", "Progress", "ProcessedObjects"),
                       kind="table"))
@dataclass(eq=False)
class VBOJobSession:
    Id: uuid.UUID = field(default_factory=uuid.uuid4)
    JobId: uuid.UUID | None = None
    JobName: str = ""
    Status: str = "Running"
    CreationTime: datetime | None = None
    EndTime: datetime | None = None
    Progress: int = 0
    JobSessionConfigType: str = "Incremental"  # Full | Incremental
    RetryCount: int = 0
    RestorePointId: str | None = None
    Statistics: VBOJobStatistics = field(default_factory=VBOJobStatistics)
    _session_id: str = field(default="", repr=False)

    def __str__(self) -> str:
        return f"{self.JobName} ({self.Status})"

    @property
    def ProcessedObjects(self) -> int:  # noqa: N802 - shown in the default table
        return self.Statistics.ProcessedObjects

    @property
    def Log(self) -> list[VBOJobSessionLogItem]:  # noqa: N802 - Veeam's property name
        """The session log, read fresh from the catalogue (a running session keeps adding lines)."""
        from vboshell.store.catalog import Catalog

        return [VBOJobSessionLogItem(Id=e.id or 0, CreationTime=_local(e.time),
                                     Type="Info" if e.type == "Success" else e.type, Title=e.title, Message=e.message,
                                     ObjectName=e.object_name, ObjectId=e.object_id)
                for e in Catalog.default().job_session_logs(self._session_id)]

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("Id", self.Id), ("JobId", self.JobId), ("JobName", self.JobName), ("Status", self.Status),
                ("CreationTime", self.CreationTime), ("EndTime", self.EndTime), ("Progress", self.Progress),
                ("JobSessionConfigType", self.JobSessionConfigType), ("RetryCount", self.RetryCount),
                ("RestorePointId", self.RestorePointId), ("Statistics", self.Statistics),
                ("ProcessedObjects", self.ProcessedObjects), ("Log", self.Log)]

    @classmethod
    def from_record(cls, rec: Any) -> VBOJobSession:
        return cls(Id=uuid.UUID(rec.id), JobId=uuid.UUID(rec.job_id), JobName=rec.job_name, Status=rec.status,
                   CreationTime=_local(rec.creation_time), EndTime=_local(rec.end_time), Progress=int(rec.progress or 0),
                   JobSessionConfigType=(rec.details or {}).get("config", "Incremental"),
                   RetryCount=int(rec.retry_number or 0), RestorePointId=rec.restore_point_id,
                   Statistics=VBOJobStatistics.from_stats(rec.statistics or {}), _session_id=rec.id)
