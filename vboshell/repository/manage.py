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


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ORDINALS = {"First": 0, "Second": 1, "Third": 2, "Fourth": 3}


def _day_matches(daily_type: str, d: datetime) -> bool:
    wd = _WEEKDAYS[d.weekday()]
    t = (daily_type or "Everyday").lower()
    if t == "everyday":
        return True
    if t == "workdays":
        return d.weekday() < 5
    if t == "weekends":
        return d.weekday() >= 5
    return wd.lower() == t


def next_retention_run(rec: RepositoryRecord, after: datetime) -> datetime:
    """The next scheduled retention run strictly after `after` (local wall time of `after`'s zone), from the record's
    RetentionFrequencyType (Daily: DailyTime on DailyType days; Monthly: MonthlyTime on the MonthlyDayNumber
    MonthlyDayOfWeek). The job runner also applies retention after every job."""
    from datetime import timedelta

    def at(day: datetime, hms: str) -> datetime:
        h, m, s = (int(x) for x in (hms or "00:00:00").split(":"))
        return day.replace(hour=h, minute=m, second=s, microsecond=0)

    day = after.replace(hour=0, minute=0, second=0, microsecond=0)
    for _ in range(400):
        if (rec.retention_frequency_type or "Daily").lower() == "monthly":
            if _WEEKDAYS[day.weekday()].lower() == (rec.monthly_day_of_week or "Monday").lower():
                nth = (day.day - 1) // 7
                last = (day + timedelta(days=7)).month != day.month
                want = rec.monthly_day_number or "First"
                if (want == "Last" and last) or _ORDINALS.get(want) == nth:
                    cand = at(day, rec.monthly_time)
                    if cand > after:
                        return cand
        elif _day_matches(rec.daily_type, day):
            cand = at(day, rec.daily_time)
            if cand > after:
                return cand
        day += timedelta(days=1)
    raise RepositoryError("No retention run could be scheduled from these settings.")
