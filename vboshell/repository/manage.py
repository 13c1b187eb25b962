"""Glue between catalogue repository records and repository directories: create/attach, open with the right key,
the record's retention policy and the retention run the job runner calls after each job."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from vboshell.repository.errors import RepositoryError, RepositoryKeyError
from vboshell.repository.repo import Repository
from vboshell.repository.retention import RetentionPolicy, RetentionResult
from vboshell.store.catalog import Catalog
from vboshell.store.records import RepositoryRecord


def retention_policy(rec: RepositoryRecord) -> RetentionPolicy:
    """The RetentionPolicy of a catalogue record (a custom Days/Months period wins over RetentionPeriod)."""
    return RetentionPolicy.parse(
        rec.retention_period, rec.retention_type or "SnapshotBased",
        rec.custom_retention_period_type if rec.custom_retention_period else None, rec.custom_retention_period,
    )


def key_for(rec: RepositoryRecord, catalog: Catalog) -> str | None:
    return catalog.encryption_key_password(rec.encryption_key_id) if rec.encryption_key_id else None


def open_repository(rec: RepositoryRecord, catalog: Catalog | None = None) -> Repository:
    """Open the repository of a catalogue record with its encryption key (RepositoryError family on failure)."""
    catalog = catalog or Catalog.default()
    return Repository.open(rec.path, key_for(rec, catalog))


def create_or_attach(path: str | Path, key: str | None) -> tuple[Repository, bool]:
    """Create a repository at `path`, or attach the one already there (its key must match). Returns (repo, created)."""
    p = Path(path)
    if Repository.exists(p):
        try:
            return Repository.open(p, key), False
        except RepositoryKeyError as exc:
            raise RepositoryKeyError(f"A repository already exists at {p} and cannot be opened: {exc}") from None
    if p.exists() and not p.is_dir():
        raise RepositoryError(f"{p} exists and is not a folder.")
    return Repository.init(p, key), True


def apply_retention(rec: RepositoryRecord, catalog: Catalog | None = None, *, now: datetime | None = None) -> RetentionResult:
    """Apply the record's retention policy (then GC) and remember when it ran. Called after each job and on demand."""
    catalog = catalog or Catalog.default()
    repo = open_repository(rec, catalog)
    try:
        result = repo.apply_retention(retention_policy(rec), now=now)
    finally:
        repo.close()
    catalog.update_repository(rec.id, last_retention_run=datetime.now(UTC))
    return result
