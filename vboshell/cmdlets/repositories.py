"""Repository and encryption-key cmdlets: Add/Get/Set/Remove/Test-VBORepository and Add/Get/Remove-VBOEncryptionKey.
Output objects carry Veeam's property names; engine access: VBORepository.record / .open()."""

from __future__ import annotations

import fnmatch
import re
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from vboshell.cmdlets.organizations import secure_string_text
from vboshell.commands.base import Cmdlet, Example, Parameter, SecureStringType, Switch
from vboshell.commands.registry import register
from vboshell.runtime.errors import CmdletError, ErrorCategory
from vboshell.runtime.psobject import TypeView, ps_type

MODULE = "Veeam.Archiver.PowerShell"
NS = "Veeam.Archiver.PowerShell.Model"
RETENTION_PERIODS = ("Year1", "Years2", "Years3", "Years5", "Years7", "Years10", "Years25", "KeepForever")
RETENTION_TYPES = ("SnapshotBased", "ItemLevel")
CUSTOM_PERIOD_TYPES = ("Days", "Months")
FREQUENCY_TYPES = ("Daily", "Monthly")
DAILY_TYPES = ("Everyday", "Workdays", "Weekends", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY_NUMBERS = ("First", "Second", "Third", "Fourth", "Last")
DAYS_OF_WEEK = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
NO_PROXY = "vboshell has no backup proxies (API-only: this shell does the work itself); -{0} is ignored."


# ---------------------------------------------------------------------------------------------- output types


def _timespan(text: str | None) -> Any:
    if not text:
        return None
    h, m, s = (int(x) for x in text.split(":"))
    td = timedelta(hours=h, minutes=m, seconds=s)
    try:
        from vboshell.runtime.values import TimeSpan

        return TimeSpan.wrap(td)
    except Exception:  # pragma: no cover - runtime not available
        return td


@ps_type(f"{NS}.VBOEncryptionKey", view=TypeView(table=("Id", "Description", "LastModified")))
@dataclass(eq=False)
class VBOEncryptionKey:
    """A repository encryption key; the password itself is kept protected in the catalogue and never shown."""

    Id: uuid.UUID = field(default_factory=uuid.uuid4)
    Description: str = ""
    LastModified: datetime | None = None

    def __str__(self) -> str:
        return self.Description or str(self.Id)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VBOEncryptionKey) and other.Id == self.Id

    def __hash__(self) -> int:
        return hash(self.Id)

    @classmethod
    def from_record(cls, rec: Any) -> VBOEncryptionKey:
        return cls(uuid.UUID(rec.id), rec.description or "", rec.last_modified)


@ps_type(f"{NS}.VBORepository",
         view=TypeView(table=("Name", "Path", "RetentionType", "RetentionPeriod", "Description")))
@dataclass(eq=False)
class VBORepository:
    """A backup repository (a local folder in vboshell). Engine access: `.record` (catalogue) and `.open()`."""

    Id: uuid.UUID = field(default_factory=uuid.uuid4)
    Name: str = ""
    Description: str = ""
    Path: str = ""
    Capacity: int = 0
    FreeSpace: int = 0
    RetentionPeriod: str = "Years3"
    RetentionType: str = "SnapshotBased"
    CustomRetentionPeriodType: str | None = None
    CustomRetentionPeriod: int | None = None
    RetentionFrequencyType: str = "Daily"
    DailyTime: Any = None
    DailyType: str = "Everyday"
    MonthlyTime: Any = None
    MonthlyDayNumber: str = "First"
    MonthlyDayOfWeek: str = "Monday"
    Proxy: Any = None
    ProxyPool: Any = None
    ObjectStorageRepository: Any = None
    EnableObjectStorageEncryption: bool = False
    ObjectStorageEncryptionKey: VBOEncryptionKey | None = None
    EnableEncryption: bool = False
    EncryptionKey: VBOEncryptionKey | None = None
    IsOutdated: bool = False
    IsOutOfSync: bool = False
    IsOutOfOrder: bool = False
    IsIndexed: bool = True
    OutOfOrderReason: str = ""
    IsLongTerm: bool = False
    IsObjectStorage: bool = False
    _record: Any = field(default=None, repr=False)

    def __str__(self) -> str:
        return self.Name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VBORepository) and other.Id == self.Id

    def __hash__(self) -> int:
        return hash(self.Id)

    @property
    def record(self) -> Any:
        """The catalogue RepositoryRecord (fresh copy)."""
        from vboshell.store.catalog import Catalog

        return Catalog.default().get_repository(str(self.Id))

    def open(self) -> Any:
        """The vboshell.repository.Repository behind this object, opened with its encryption key."""
        from vboshell.repository.manage import open_repository

        return open_repository(self.record)

    @classmethod
    def from_record(cls, rec: Any, catalog: Any = None) -> VBORepository:
        cap = free = 0
        try:
            usage = shutil.disk_usage(rec.path)
            cap, free = usage.total, usage.free
        except OSError:
            pass
        key = None
        if rec.encryption_key_id and catalog is not None:
            try:
                key = VBOEncryptionKey.from_record(catalog.get_encryption_key(rec.encryption_key_id))
            except Exception:
                key = None
        return cls(
            Id=uuid.UUID(rec.id), Name=rec.name, Description=rec.description or "", Path=rec.path,
            Capacity=cap, FreeSpace=free,
            RetentionPeriod=rec.retention_period if not rec.custom_retention_period else "Custom",
            RetentionType=rec.retention_type,
            CustomRetentionPeriodType=rec.custom_retention_period_type if rec.custom_retention_period else None,
            CustomRetentionPeriod=rec.custom_retention_period,
            RetentionFrequencyType=rec.retention_frequency_type, DailyTime=_timespan(rec.daily_time),
            DailyType=rec.daily_type, MonthlyTime=_timespan(rec.monthly_time), MonthlyDayNumber=rec.monthly_day_number,
            MonthlyDayOfWeek=rec.monthly_day_of_week, EnableEncryption=bool(rec.encryption_key_id), EncryptionKey=key,
            _record=rec,
        )


@ps_type(f"{NS}.VBORepositoryAffectedItem", view=TypeView(table=("Object", "Service", "Folder", "Name", "Problem")))
@dataclass
class VBORepositoryAffectedItem:
    """An item whose stored data failed verification."""

    Object: str = ""
    ObjectType: str = ""
    Service: str = ""
    Folder: str = ""
    Name: str = ""
    ItemId: str = ""
    VersionId: int = 0
    ValidFrom: str | None = None
    ValidTo: str | None = None
    Problem: str = ""


@ps_type(f"{NS}.VBORepositoryTestResult",
         view=TypeView(list=("Repository", "Status", "IsConsistent", "PacksChecked", "ChunksChecked", "ItemVersionsChecked",
                             "RestorePoints", "Problems", "AffectedItems", "Notes", "Duration"), kind="list"))
@dataclass
class VBORepositoryTestResult:
    """The report of Test-VBORepository (vboshell's verification: every chunk re-hashed, every reference checked)."""

    Repository: str = ""
    Status: str = "Success"
    IsConsistent: bool = True
    PacksChecked: int = 0
    ChunksChecked: int = 0
    ItemVersionsChecked: int = 0
    RestorePoints: int = 0
    BytesRead: int = 0
    Problems: list[str] = field(default_factory=list)
    AffectedItems: list[VBORepositoryAffectedItem] = field(default_factory=list)
    Notes: list[str] = field(default_factory=list)
    Duration: Any = None


# ---------------------------------------------------------------------------------------------- helpers


def _catalog(cmd: Cmdlet) -> Any:
    from vboshell.store.catalog import catalog_for

    return catalog_for(getattr(cmd, "context", None))


def _time_text(value: Any, param: str) -> str:
    """TimeSpan/timedelta/datetime/'HH:MM[:SS]' -> 'HH:MM:SS'."""
    if isinstance(value, timedelta):
        secs = int(value.total_seconds())
    elif isinstance(value, datetime):
        secs = value.hour * 3600 + value.minute * 60 + value.second
    elif isinstance(value, time):
        secs = value.hour * 3600 + value.minute * 60 + value.second
    else:
        m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*", str(value))
        if not m:
            raise CmdletError(f"Cannot convert '{value}' to a time of day for -{param} (use e.g. '22:00' or New-TimeSpan).",
                              "InvalidTime", ErrorCategory.InvalidArgument)
        secs = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3) or 0)
    if not 0 <= secs < 86400:
        raise CmdletError(f"-{param} must be a time of day between 00:00:00 and 23:59:59.", "InvalidTime",
                          ErrorCategory.InvalidArgument)
    return f"{secs // 3600:02d}:{secs % 3600 // 60:02d}:{secs % 60:02d}"


def _canon(value: str | None, allowed: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    for a in allowed:
        if a.lower() == str(value).lower():
            return a
    return str(value)


def _repo_id(value: Any) -> str:
    if isinstance(value, VBORepository):
        return str(value.Id)
    if isinstance(value, str):
        return value
    rid = getattr(value, "Id", None)
    if rid is not None:
        return str(rid)
    raise CmdletError("Expected a repository (Get-VBORepository).", "InvalidRepository", ErrorCategory.InvalidArgument)


def _resolve_repository(cmd: Cmdlet, value: Any) -> Any:
    from vboshell.store.catalog import NotFoundError

    cat = _catalog(cmd)
    if isinstance(value, str) and not re.fullmatch(r"[0-9a-fA-F-]{36}", value):
        rec = cat.find_repository(value)
        if rec is None:
            raise CmdletError(f"Repository '{value}' was not found.", "RepositoryNotFound", ErrorCategory.ObjectNotFound, value)
        return rec
    try:
        return cat.get_repository(_repo_id(value))
    except NotFoundError:
        raise CmdletError(f"Repository '{value}' was not found (it may have been removed).", "RepositoryNotFound",
                          ErrorCategory.ObjectNotFound, value) from None


def _retention_fields(cmd: Cmdlet) -> dict[str, Any]:
    """Catalogue fields from the retention parameters that were bound."""
    ch: dict[str, Any] = {}
    if cmd.is_bound("RetentionPeriod"):
        ch["retention_period"] = _canon(cmd.RetentionPeriod, RETENTION_PERIODS)
        ch["custom_retention_period_type"] = None
        ch["custom_retention_period"] = None
    if cmd.is_bound("CustomRetentionPeriodType") or cmd.is_bound("CustomRetentionPeriod"):
        if not (cmd.is_bound("CustomRetentionPeriodType") and cmd.is_bound("CustomRetentionPeriod")):
            raise CmdletError("-CustomRetentionPeriodType and -CustomRetentionPeriod must be given together.",
                              "CustomRetentionIncomplete", ErrorCategory.InvalidArgument)
        if cmd.is_bound("RetentionPeriod"):
            raise CmdletError("Give either -RetentionPeriod or -CustomRetentionPeriodType/-CustomRetentionPeriod, not both.",
                              "AmbiguousRetention", ErrorCategory.InvalidArgument)
        n = int(cmd.CustomRetentionPeriod)
        if n < 1:
            raise CmdletError("-CustomRetentionPeriod must be a positive number.", "InvalidRetention", ErrorCategory.InvalidArgument)
        ch["custom_retention_period_type"] = _canon(cmd.CustomRetentionPeriodType, CUSTOM_PERIOD_TYPES)
        ch["custom_retention_period"] = n
    if cmd.is_bound("RetentionFrequencyType"):
        ch["retention_frequency_type"] = _canon(cmd.RetentionFrequencyType, FREQUENCY_TYPES)
    if cmd.is_bound("DailyTime"):
        ch["daily_time"] = _time_text(cmd.DailyTime, "DailyTime")
    if cmd.is_bound("DailyType"):
        ch["daily_type"] = _canon(cmd.DailyType, DAILY_TYPES)
    if cmd.is_bound("MonthlyTime"):
        ch["monthly_time"] = _time_text(cmd.MonthlyTime, "MonthlyTime")
    if cmd.is_bound("MonthlyDayNumber"):
        ch["monthly_day_number"] = _canon(cmd.MonthlyDayNumber, DAY_NUMBERS)
    if cmd.is_bound("MonthlyDayOfWeek"):
        ch["monthly_day_of_week"] = _canon(cmd.MonthlyDayOfWeek, DAYS_OF_WEEK)
    return ch


def _retention_params(mandatory_set: bool = False) -> list[Parameter]:
    return [
        Parameter("RetentionPeriod", type=str, validate_set=RETENTION_PERIODS,
                  help="How long backups are kept: Year1, Years2, Years3 (default), Years5, Years7, Years10, Years25 or KeepForever."),
        Parameter("CustomRetentionPeriodType", type=str, validate_set=CUSTOM_PERIOD_TYPES,
                  help="Unit of a custom retention period: Days or Months (with -CustomRetentionPeriod)."),
        Parameter("CustomRetentionPeriod", type=int, validate_range=(1, 100000),
                  help="Length of a custom retention period in -CustomRetentionPeriodType units."),
        Parameter("RetentionFrequencyType", type=str, validate_set=FREQUENCY_TYPES,
                  help="When the retention run is scheduled besides after each job: Daily (default) or Monthly."),
        Parameter("DailyTime", type=object, help="Time of day of the daily retention run (TimeSpan or 'HH:MM'); default 00:00."),
        Parameter("DailyType", type=str, validate_set=DAILY_TYPES, help="Days of the daily retention run; default Everyday."),
        Parameter("MonthlyTime", type=object, help="Time of day of the monthly retention run; default 18:00."),
        Parameter("MonthlyDayNumber", type=str, validate_set=DAY_NUMBERS, help="Week of the month of the monthly run."),
        Parameter("MonthlyDayOfWeek", type=str, validate_set=DAYS_OF_WEEK, help="Day of the week of the monthly run."),
    ]


_PROXY_PARAMS = [
    Parameter("Proxy", type=object, dont_show=True, obsolete_warning=NO_PROXY.format("Proxy"),
              help="Accepted for Veeam compatibility and ignored."),
    Parameter("ProxyPool", type=object, dont_show=True, obsolete_warning=NO_PROXY.format("ProxyPool"),
              help="Accepted for Veeam compatibility and ignored."),
]


def _warn_ignored(cmd: Cmdlet, names: tuple[str, ...]) -> None:
    for n in names:
        if cmd.is_bound(n):
            cmd.write_warning(NO_PROXY.format(n))


# ---------------------------------------------------------------------------------------------- repositories


@register
class AddVBORepository(Cmdlet):
    name = "Add-VBORepository"
    module = MODULE
    synopsis = "Adds a backup repository (a folder) to the configuration."
    description = (
        "Creates a vboshell backup repository in the folder given by -Path, or attaches the repository already there, "
        "and adds it to the configuration. Backups are stored as immutable, deduplicated, compressed pack files with "
        "an index; with -EncryptionKey every chunk and every index field is encrypted (AES-256-GCM). Retention is "
        "snapshot-based (restore points within the period are kept) or item-level (items whose date is within the "
        "period are kept) and runs after each job and on the -RetentionFrequencyType schedule."
    )
    output_type = "VBORepository"
    parameters = [
        Parameter("Path", type=str, mandatory=True, is_path=True, help="Folder of the repository (created if missing)."),
        Parameter("Name", type=str, mandatory=True, validate_not_null_or_empty=True, help="Name of the repository."),
        Parameter("Description", type=str, help="Description of the repository."),
        Parameter("RetentionType", type=str, validate_set=RETENTION_TYPES,
                  help="SnapshotBased (default) or ItemLevel retention."),
        *_retention_params(),
        Parameter("EncryptionKey", type=VBOEncryptionKey, aliases=("ObjectStorageEncryptionKey",),
                  help="Encrypt the repository with this key (Add-VBOEncryptionKey). It cannot be added later."),
        Parameter("Force", type=Switch, help="Create the folder without asking when it does not exist."),
        *_PROXY_PARAMS,
        Parameter("ObjectStorageRepository", type=object, dont_show=True, help="Not supported yet (object storage is planned)."),
        Parameter("SyncNow", type=Switch, dont_show=True, help="Accepted for compatibility; ignored."),
        Parameter("IgnoreProxyPoolApplianceAccessValidation", type=Switch, dont_show=True, help="Accepted; ignored."),
    ]
    examples = [
        Example("Add-VBORepository -Name 'Local backups' -Path ./vbo-repo -RetentionPeriod Years3 -RetentionType SnapshotBased",
                "Creates a repository in ./vbo-repo keeping restore points for three years."),
        Example("$pw = ConvertTo-SecureString 'S3cure!pass' -AsPlainText -Force\n"
                "$key = Add-VBOEncryptionKey -Password $pw -Description 'Repo key'\n"
                "Add-VBORepository -Name 'Encrypted' -Path ./vbo-enc -EncryptionKey $key -CustomRetentionPeriodType Days "
                "-CustomRetentionPeriod 90 -RetentionType ItemLevel",
                "Creates an encrypted repository keeping items whose date is within the last 90 days."),
    ]

    def process_record(self) -> None:
        from vboshell.repository.errors import RepositoryError
        from vboshell.repository.manage import create_or_attach
        from vboshell.store.records import RepositoryRecord

        _warn_ignored(self, ("SyncNow", "IgnoreProxyPoolApplianceAccessValidation"))
        if self.is_bound("ObjectStorageRepository"):
            raise CmdletError("Object-storage repositories are not supported yet; use a local or mounted folder with -Path.",
                              "ObjectStorageNotSupported", ErrorCategory.NotImplemented)
        cat = _catalog(self)
        ctx = getattr(self, "context", None)
        path = ctx.resolve_path(self.Path) if ctx is not None and hasattr(ctx, "resolve_path") else Path(self.Path).expanduser().resolve()
        path = Path(path).resolve()
        if cat.find_repository(self.Name):
            raise CmdletError(f"A repository named '{self.Name}' already exists.", "RepositoryExists",
                              ErrorCategory.ResourceExists, self.Name)
        if cat.find_repository_by_path(str(path)):
            raise CmdletError(f"The folder {path} is already used by repository '{cat.find_repository_by_path(str(path)).name}'.",
                              "RepositoryPathInUse", ErrorCategory.ResourceExists, str(path))
        key_id, password = None, None
        if self.EncryptionKey is not None:
            from vboshell.store.catalog import NotFoundError

            key_id = str(getattr(self.EncryptionKey, "Id", self.EncryptionKey))
            try:
                password = cat.encryption_key_password(key_id)
            except NotFoundError:
                raise CmdletError("The encryption key was not found (Get-VBOEncryptionKey).", "EncryptionKeyNotFound",
                                  ErrorCategory.ObjectNotFound) from None
        fields = _retention_fields(self)
        rec = RepositoryRecord(name=self.Name, path=str(path), description=self.Description or "",
                               retention_type=_canon(self.RetentionType, RETENTION_TYPES) or "SnapshotBased",
                               encryption_key_id=key_id)
        for k, v in fields.items():
            setattr(rec, k, v)
        try:
            from vboshell.repository.retention import RetentionPolicy

            RetentionPolicy.parse(rec.retention_period, rec.retention_type,
                                  rec.custom_retention_period_type if rec.custom_retention_period else None,
                                  rec.custom_retention_period)
            repo, created = create_or_attach(path, password)
            repo.close()
        except (RepositoryError, ValueError, OSError) as exc:
            raise CmdletError(f"Cannot add repository '{self.Name}': {exc}", "AddRepositoryFailed",
                              ErrorCategory.InvalidOperation, str(path)) from None
        if not created:
            self.write_verbose(f"Attached the existing repository in {path}.")
        rec.settings = {"repository_id": repo.id, "encrypted": bool(key_id)}
        cat.add_repository(rec)
        self.write_object(VBORepository.from_record(rec, cat))


@register
class GetVBORepository(Cmdlet):
    name = "Get-VBORepository"
    module = MODULE
    synopsis = "Returns backup repositories."
    description = "Returns the backup repositories in the configuration, with their capacity, free space and retention settings."
    output_type = "VBORepository"
    default_parameter_set = "ByName"
    parameters = [
        Parameter("Name", type=str, position=0, parameter_sets=("ByName",), help="Repository name; wildcards allowed."),
        Parameter("Id", type=object, parameter_sets=("ById",), help="Repository id."),
        Parameter("LongTerm", type=Switch, parameter_sets=("ByName",),
                  help="Return only long-term (object-storage) repositories; vboshell has none yet."),
        *_PROXY_PARAMS,
    ]
    examples = [
        Example("Get-VBORepository", "Lists all backup repositories."),
        Example("Get-VBORepository -Name 'Local*' | Format-List Name, Path, RetentionType, RetentionPeriod, FreeSpace",
                "Shows the retention settings and free space of the repositories whose names start with Local."),
    ]

    def process_record(self) -> None:
        cat = _catalog(self)
        if self.LongTerm:
            return
        if self.is_bound("Id"):
            from vboshell.store.catalog import NotFoundError

            try:
                self.write_object(VBORepository.from_record(cat.get_repository(str(self.Id)), cat))
            except NotFoundError:
                self.write_error(CmdletError(f"Repository with id {self.Id} was not found.", "RepositoryNotFound",
                                             ErrorCategory.ObjectNotFound, self.Id))
            return
        pattern = self.Name
        found = False
        for rec in cat.list_repositories():
            if pattern is None or fnmatch.fnmatchcase(rec.name.lower(), pattern.lower()):
                found = True
                self.write_object(VBORepository.from_record(rec, cat))
        if pattern and not found and not any(c in pattern for c in "*?["):
            self.write_error(CmdletError(f"Repository '{pattern}' was not found.", "RepositoryNotFound",
                                         ErrorCategory.ObjectNotFound, pattern))


@register
class SetVBORepository(Cmdlet):
    name = "Set-VBORepository"
    module = MODULE
    synopsis = "Modifies a backup repository's name, description or retention settings."
    description = (
        "Changes the name, description or retention settings of a backup repository. The retention type and the "
        "encryption key are fixed when the repository is added. The new retention applies at the next retention run."
    )
    output_type = "VBORepository"
    parameters = [
        Parameter("Repository", type=VBORepository, mandatory=True, value_from_pipeline=True, position=0,
                  help="The repository to modify (Get-VBORepository)."),
        Parameter("Name", type=str, validate_not_null_or_empty=True, help="New name."),
        Parameter("Description", type=str, help="New description."),
        *_retention_params(),
    ]
    examples = [
        Example("Get-VBORepository -Name 'Local backups' | Set-VBORepository -RetentionPeriod Years7",
                "Keeps the restore points of the repository for seven years.",
                setup="$null = Add-VBORepository -Name 'Local backups' -Path ./vbo-repo"),
    ]

    def process_record(self) -> None:
        from vboshell.store.catalog import DuplicateError

        cat = _catalog(self)
        rec = _resolve_repository(self, self.Repository)
        changes = _retention_fields(self)
        if self.is_bound("Name"):
            changes["name"] = self.Name
        if self.is_bound("Description"):
            changes["description"] = self.Description or ""
        try:
            from vboshell.repository.retention import RetentionPolicy

            merged = {**rec.__dict__, **changes}
            RetentionPolicy.parse(merged["retention_period"], merged["retention_type"],
                                  merged["custom_retention_period_type"] if merged["custom_retention_period"] else None,
                                  merged["custom_retention_period"])
            rec = cat.update_repository(rec.id, **changes)
        except DuplicateError:
            raise CmdletError(f"A repository named '{self.Name}' already exists.", "RepositoryExists",
                              ErrorCategory.ResourceExists, self.Name) from None
        except ValueError as exc:
            raise CmdletError(str(exc), "InvalidRetention", ErrorCategory.InvalidArgument) from None
        self.write_object(VBORepository.from_record(rec, cat))


@register
class RemoveVBORepository(Cmdlet):
    name = "Remove-VBORepository"
    module = MODULE
    synopsis = "Removes a backup repository from the configuration (its backup data stays in the folder)."
    description = (
        "Removes a backup repository from the configuration. As with Veeam, the backed-up data is not deleted: the "
        "folder keeps the repository, which Add-VBORepository -Path can attach again. A repository used by backup "
        "jobs cannot be removed; remove the jobs or point them to another repository first."
    )
    supports_should_process = True
    confirm_impact = "High"
    parameters = [
        Parameter("Repository", type=VBORepository, mandatory=True, value_from_pipeline=True, position=0,
                  help="The repository to remove (Get-VBORepository)."),
    ]
    examples = [
        Example("Get-VBORepository -Name 'Old backups' | Remove-VBORepository -Confirm:$false",
                "Removes the repository 'Old backups' from the configuration without asking; its folder is kept.",
                setup="$null = Add-VBORepository -Name 'Old backups' -Path ./vbo-old"),
    ]

    def process_record(self) -> None:
        from vboshell.store.catalog import CatalogError

        cat = _catalog(self)
        rec = _resolve_repository(self, self.Repository)
        if not self.should_process(rec.name, "Remove backup repository (the data in the folder is kept)"):
            return
        try:
            cat.remove_repository(rec.id)
        except CatalogError as exc:
            raise CmdletError(str(exc), "RepositoryInUse", ErrorCategory.ResourceBusy, rec.name) from None


@register
class TestVBORepository(Cmdlet):
    name = "Test-VBORepository"
    module = MODULE
    synopsis = "Verifies a backup repository: re-hashes all data and checks every index reference."
    description = (
        "Reads every pack file of the repository, checks its hash, decrypts and re-hashes every chunk and checks every "
        "reference of the index (items to chunks, chunks to packs, versions to restore points). Returns a report; any "
        "problem names the items affected. -Quick checks the index and the presence and size of pack files without "
        "reading the data."
    )
    output_type = "VBORepositoryTestResult"
    parameters = [
        Parameter("Repository", type=VBORepository, mandatory=True, value_from_pipeline=True, position=0,
                  help="The repository to verify (Get-VBORepository)."),
        Parameter("DetailedOutput", type=Switch, help="Also write one object per affected item after the report."),
        Parameter("Quick", type=Switch, help="Do not read the data: check the index, pack presence and sizes only."),
        Parameter("MaxDegreeOfExecutionParallelism", type=int, dont_show=True, help="Accepted for compatibility; ignored."),
    ]
    examples = [
        Example("Get-VBORepository -Name 'Local backups' | Test-VBORepository",
                "Verifies the repository and shows the report.",
                setup="$null = Add-VBORepository -Name 'Local backups' -Path ./vbo-repo"),
        Example("Get-VBORepository | Test-VBORepository -Quick",
                "Checks the index and the pack files of every repository without reading the data."),
    ]

    def process_record(self) -> None:
        from vboshell.repository.errors import RepositoryError
        from vboshell.repository.manage import open_repository

        cat = _catalog(self)
        rec = _resolve_repository(self, self.Repository)
        try:
            repo = open_repository(rec, cat)
        except (RepositoryError, OSError) as exc:
            raise CmdletError(f"Cannot open repository '{rec.name}': {exc}", "RepositoryOpenFailed",
                              ErrorCategory.OpenError, rec.name) from None
        try:
            self.write_verbose(f"Verifying repository '{rec.name}' in {rec.path} ...")
            rep = repo.verify(read_data=not self.Quick)
        finally:
            repo.close()
        affected = []
        for p in rep.problems:
            for a in p.items:
                affected.append(VBORepositoryAffectedItem(
                    Object=a.object.name or a.object.external_id, ObjectType=a.object.kind, Service=a.service,
                    Folder=a.folder or "", Name=a.name, ItemId=a.item_id, VersionId=a.version_id,
                    ValidFrom=a.valid_from, ValidTo=a.valid_to, Problem=p.kind))
        result = VBORepositoryTestResult(
            Repository=rec.name, Status="Success" if rep.ok else "Failed", IsConsistent=rep.ok,
            PacksChecked=rep.packs_checked, ChunksChecked=rep.chunks_checked,
            ItemVersionsChecked=rep.item_versions_checked, RestorePoints=rep.restore_points, BytesRead=rep.bytes_read,
            Problems=[str(p).split("; affected items:")[0] for p in rep.problems], AffectedItems=affected,
            Notes=list(rep.notes), Duration=timedelta(seconds=round(rep.duration, 3)),
        )
        if not rep.ok:
            self.write_warning(f"Repository '{rec.name}': {rep.summary()}")
        self.write_object(result)
        if self.DetailedOutput:
            for a in affected:
                self.write_object(a)


# ---------------------------------------------------------------------------------------------- encryption keys


@register
class AddVBOEncryptionKey(Cmdlet):
    name = "Add-VBOEncryptionKey"
    module = MODULE
    synopsis = "Adds an encryption key (a password) for encrypting repositories."
    description = (
        "Stores a password used to encrypt backup repositories (Add-VBORepository -EncryptionKey). The password is "
        "kept encrypted with this installation's master key and is never shown again: keep a copy in a safe place, "
        "because data in an encrypted repository cannot be read without it."
    )
    output_type = "VBOEncryptionKey"
    parameters = [
        Parameter("Password", type=SecureStringType, mandatory=True, help="The password (a SecureString)."),
        Parameter("Description", type=str, help="A description to recognise the key by."),
    ]
    examples = [
        Example("$pw = ConvertTo-SecureString 'S3cure!pass' -AsPlainText -Force\n"
                "Add-VBOEncryptionKey -Password $pw -Description 'Repository key 2026'",
                "Adds an encryption key."),
    ]

    def process_record(self) -> None:
        from vboshell.store.catalog import CatalogError

        password = secure_string_text(self.Password)
        try:
            rec = _catalog(self).add_encryption_key(password, self.Description or "")
        except CatalogError as exc:
            raise CmdletError(str(exc), "InvalidPassword", ErrorCategory.InvalidArgument) from None
        self.write_object(VBOEncryptionKey.from_record(rec))


@register
class GetVBOEncryptionKey(Cmdlet):
    name = "Get-VBOEncryptionKey"
    module = MODULE
    synopsis = "Returns encryption keys."
    description = "Returns the encryption keys in the configuration (their passwords are never shown)."
    output_type = "VBOEncryptionKey"
    parameters = [
        Parameter("Id", type=object, help="Key id."),
        Parameter("Description", type=str, position=0, help="Key description; wildcards allowed."),
    ]
    examples = [Example("Get-VBOEncryptionKey", "Lists the encryption keys.")]

    def process_record(self) -> None:
        for rec in _catalog(self).list_encryption_keys():
            if self.is_bound("Id") and str(self.Id).strip("{}").lower() != rec.id.lower():
                continue
            if self.Description is not None and not fnmatch.fnmatchcase((rec.description or "").lower(), self.Description.lower()):
                continue
            self.write_object(VBOEncryptionKey.from_record(rec))


@register
class RemoveVBOEncryptionKey(Cmdlet):
    name = "Remove-VBOEncryptionKey"
    module = MODULE
    synopsis = "Removes an encryption key that no repository uses."
    description = "Removes an encryption key from the configuration. A key used by a repository cannot be removed."
    supports_should_process = True
    confirm_impact = "High"
    parameters = [
        Parameter("EncryptionKey", type=VBOEncryptionKey, mandatory=True, value_from_pipeline=True, position=0,
                  help="The key to remove (Get-VBOEncryptionKey)."),
    ]
    examples = [
        Example("Get-VBOEncryptionKey -Description 'Old key' | Remove-VBOEncryptionKey -Confirm:$false",
                "Removes the key described as 'Old key'.",
                setup="$pw = ConvertTo-SecureString 'x-old-1' -AsPlainText -Force\n"
                      "$null = Add-VBOEncryptionKey -Password $pw -Description 'Old key'"),
    ]

    def process_record(self) -> None:
        from vboshell.store.catalog import CatalogError, NotFoundError

        cat = _catalog(self)
        kid = str(getattr(self.EncryptionKey, "Id", self.EncryptionKey))
        try:
            rec = cat.get_encryption_key(kid)
        except NotFoundError:
            raise CmdletError("The encryption key was not found.", "EncryptionKeyNotFound", ErrorCategory.ObjectNotFound) from None
        if not self.should_process(rec.description or rec.id, "Remove encryption key"):
            return
        try:
            cat.remove_encryption_key(rec.id)
        except CatalogError as exc:
            raise CmdletError(str(exc), "EncryptionKeyInUse", ErrorCategory.ResourceBusy, rec.id) from None


# ---------------------------------------------------------------------------------------------- usage data


@ps_type(f"{NS}.VBOUsageData", view=TypeView(table=("RepositoryId", "Organization", "UsedSpace", "IsAvailable")))
@dataclass
class VBOUsageData:
    """Space used by an organization's backups in a repository (after dedup and compression)."""

    RepositoryId: uuid.UUID | None = None
    Organization: Any = None
    UsedSpace: int = 0
    LocalCacheUsedSpace: int = 0
    ObjectStorageUsedSpace: int = 0
    IsAvailable: bool = True
    Details: str = ""


def _org_model() -> Any:
    from vboshell.cmdlets.model import VBOOrganization

    return VBOOrganization


@register
class GetVBOUsageData(Cmdlet):
    name = "Get-VBOUsageData"
    module = MODULE
    synopsis = "Returns the repository space used by organizations' backups."
    description = (
        "Returns, per repository and organization, the space the organization's backed-up data uses in the "
        "repository after deduplication and compression. Data shared by two organizations counts for both."
    )
    output_type = "VBOUsageData"
    parameters = [
        Parameter("Repository", type=VBORepository, value_from_pipeline=True, position=0,
                  help="Repository to report on (default: all)."),
        Parameter("Organization", type=_org_model(), help="Organization to report on (default: all in the repository)."),
    ]
    examples = [
        Example("Get-VBORepository | Get-VBOUsageData", "Shows the space each organization uses in each repository."),
    ]

    def process_record(self) -> None:
        from vboshell.repository.errors import RepositoryError
        from vboshell.repository.manage import open_repository

        cat = _catalog(self)
        recs = [_resolve_repository(self, self.Repository)] if self.Repository is not None else cat.list_repositories()
        org_filter = str(self.Organization.Id) if self.Organization is not None else None
        names = {o.id: o.name for o in cat.list_organizations()}
        for rec in recs:
            try:
                repo = open_repository(rec, cat)
            except (RepositoryError, OSError) as exc:
                self.write_object(VBOUsageData(uuid.UUID(rec.id), self.Organization, IsAvailable=False, Details=str(exc)))
                continue
            try:
                usage = repo.usage(org_filter)
            finally:
                repo.close()
            if org_filter is not None and org_filter not in usage:
                usage[org_filter] = 0
            for org_id, used in sorted(usage.items()):
                org = self.Organization if org_filter else names.get(org_id, org_id)
                self.write_object(VBOUsageData(uuid.UUID(rec.id), org, used))
