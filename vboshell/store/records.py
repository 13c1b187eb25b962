"""Record dataclasses of the configuration catalogue (what Catalog methods take and return).
Secret fields hold protect() tokens only, never clear text."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class OrganizationRecord:
    """An organization (Microsoft 365 tenant) and its connection settings.
    `secrets` maps a name (e.g. 'application_secret', 'certificate_password', 'certificate_pfx') to a
    vboshell.store.secrets.protect() token; clear values are refused. `settings` holds non-secret settings
    (e.g. application id, certificate thumbprint, graph endpoint, region)."""

    name: str
    id: str = field(default_factory=new_id)
    type: str = "Office365"
    region: str = "Worldwide"
    tenant_id: str | None = None
    application_id: str | None = None
    description: str = ""
    settings: dict = field(default_factory=dict)
    secrets: dict = field(default_factory=dict)
    enabled: bool = True
    created: datetime = field(default_factory=utcnow)
    modified: datetime = field(default_factory=utcnow)


@dataclass
class EncryptionKeyRecord:
    """A repository encryption key (Veeam VBOEncryptionKey); the password is a protect() token."""

    password_protected: str
    id: str = field(default_factory=new_id)
    description: str = ""
    last_modified: datetime = field(default_factory=utcnow)


@dataclass
class RepositoryRecord:
    """A backup repository (Veeam VBORepository) with its retention settings."""

    name: str
    path: str
    id: str = field(default_factory=new_id)
    description: str = ""
    retention_type: str = "SnapshotBased"  # SnapshotBased | ItemLevel
    retention_period: str = "Years3"  # Year1 … Years25 | KeepForever (ignored when a custom period is set)
    custom_retention_period_type: str | None = None  # Days | Months
    custom_retention_period: int | None = None
    retention_frequency_type: str = "Daily"  # Daily | Monthly
    daily_time: str = "00:00:00"
    daily_type: str = "Everyday"
    monthly_time: str = "18:00:00"
    monthly_day_number: str = "First"
    monthly_day_of_week: str = "Monday"
    encryption_key_id: str | None = None
    settings: dict = field(default_factory=dict)
    last_retention_run: datetime | None = None
    created: datetime = field(default_factory=utcnow)
    modified: datetime = field(default_factory=utcnow)


@dataclass
class JobRecord:
    """A backup (or copy) job: what to protect, where, and when.
    selected_items/excluded_items are JSON-able lists of backup item descriptions (the jobs engineer's format);
    schedule_policy is a JSON-able dict (VBOJobSchedulePolicy)."""

    name: str
    organization_id: str
    repository_id: str
    id: str = field(default_factory=new_id)
    description: str = ""
    job_type: str = "Backup"  # Backup | Copy
    entire_organization: bool = False
    selected_items: list = field(default_factory=list)
    excluded_items: list = field(default_factory=list)
    schedule_policy: dict = field(default_factory=dict)
    enabled: bool = True
    last_run: datetime | None = None
    last_status: str | None = None  # Success | Warning | Failed | Stopped | Running
    last_session_id: str | None = None
    next_run: datetime | None = None
    settings: dict = field(default_factory=dict)
    created: datetime = field(default_factory=utcnow)
    modified: datetime = field(default_factory=utcnow)


@dataclass
class JobSessionRecord:
    """One run of a job (Veeam VBOJobSession). statistics: counters such as processed objects/items/bytes, rates."""

    job_id: str
    id: str = field(default_factory=new_id)
    job_name: str = ""
    organization_id: str | None = None
    status: str = "Running"  # Running | Success | Warning | Failed | Stopped | Queued
    creation_time: datetime = field(default_factory=utcnow)
    end_time: datetime | None = None
    progress: int = 0
    retry_number: int = 0
    restore_point_id: str | None = None
    statistics: dict = field(default_factory=dict)
    details: dict = field(default_factory=dict)
    host: str | None = None
    pid: int | None = None


@dataclass
class RestoreSessionRecord:
    """A restore/explore session (Veeam VBORestoreSession)."""

    name: str
    id: str = field(default_factory=new_id)
    organization_id: str | None = None
    type: str = "Vex"  # Vex (Exchange) | Veod (OneDrive) | Vesp (SharePoint) | Vet (Teams)
    status: str = "Running"  # Running | Success | Warning | Failed | Stopped
    start_time: datetime = field(default_factory=utcnow)
    end_time: datetime | None = None
    initiated_by: str = ""
    reason: str = ""
    restore_point_id: str | None = None
    repository_id: str | None = None
    statistics: dict = field(default_factory=dict)
    details: dict = field(default_factory=dict)


@dataclass
class LogEntry:
    """A session log line; object_* identify the protected object for per-object logs."""

    title: str
    message: str = ""
    type: str = "Info"  # Info | Warning | Error | Success
    time: datetime = field(default_factory=utcnow)
    object_id: str | None = None
    object_name: str | None = None
    id: int | None = None


@dataclass
class RestoreItemResult:
    """Per-item outcome of a restore session."""

    item_id: str
    status: str  # Success | Skipped | Failed | Warning
    name: str = ""
    object_id: str | None = None
    object_name: str | None = None
    message: str = ""
    time: datetime = field(default_factory=utcnow)
    id: int | None = None
