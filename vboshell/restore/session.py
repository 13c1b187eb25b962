"""Restore sessions: which restore points an explore/restore session reads (latest state, one restore point or a
point in time), the items it shows (with deleted items and all versions on request), and its persisted log.

    s = RestoreSession.start(catalog, "Vex", organization_id=…, job_id=…, restore_point=(repo_id, rp_id),
                             point_in_time=datetime, show_deleted=False, show_all_versions=False, reason="")
    s = RestoreSession.get(catalog, session_id)     # the same engine object for the same id in this process
    for e in s.entries(source, obj, "Exchange", folder="Inbox", recursive=True): e.version, e.deleted, e.old
    with s.operation("Restore-VEXItem") as op: op.success(entry, "…"); op.skip(entry, "…"); op.fail(entry, "…")
    s.stop()
Repository layout: vboshell/backup/__init__.py. Session records: vboshell.store (RestoreSessionRecord, logs, results).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from vboshell.repository import ItemVersion, ObjectRef, Repository, RestorePoint, View
from vboshell.repository.errors import RepositoryError
from vboshell.store.catalog import Catalog, NotFoundError
from vboshell.store.records import LogEntry, RepositoryRecord, RestoreItemResult, RestoreSessionRecord

SERVICES: dict[str, tuple[str, ...]] = {
    "Vex": ("Exchange", "ExchangeArchive"),
    "Veod": ("OneDrive",),
    "Vesp": ("SharePoint",),
    "Vet": ("Teams",),
}
TYPE_LABEL = {"Vex": "Exchange", "Veod": "OneDrive", "Vesp": "SharePoint", "Vet": "Teams"}


class RestoreSessionError(Exception):
    """A restore session cannot be opened or used (message is user-facing)."""


@dataclass
class Source:
    """One repository and the restore point a session reads from it."""

    record: RepositoryRecord
    repo: Repository
    rp: RestorePoint
    view: View

    @property
    def seq(self) -> int:
        return self.rp.seq


@dataclass
class Entry:
    """An item as a session shows it: the version, and whether it is deleted in the source or an older version."""

    source: Source
    version: ItemVersion
    deleted: bool = False
    old: bool = False  # an earlier version (ShowAllVersions)
    deleted_at: datetime | None = None  # when the backup saw it deleted (deleted entries)

    @property
    def obj(self) -> ObjectRef:
        return self.version.object

    @property
    def type(self) -> str:
        return str((self.version.metadata or {}).get("type") or "")

    @property
    def meta(self) -> dict[str, Any]:
        return self.version.metadata or {}

    def open(self) -> Any:
        return self.source.repo.open_content(self.version)

    def read(self) -> bytes:
        return self.source.repo.read_content(self.version)


@dataclass
class OperationResult:
    """Counters of one restore/export operation (Veeam's VEXRestoreResult counters)."""

    created: int = 0
    merged: int = 0
    skipped: int = 0
    failed: int = 0
    warnings: list[str] = field(default_factory=list)
    results: list[RestoreItemResult] = field(default_factory=list)

    @property
    def processed(self) -> int:
        return self.created + self.merged + self.skipped + self.failed


class Operation:
    """Per-item outcomes of one restore/export call, written to the session's results and log as they happen."""

    def __init__(self, session: RestoreSession, name: str) -> None:
        self.session = session
        self.name = name
        self.result = OperationResult()

    def _add(self, entry: Entry | None, status: str, message: str, name: str | None = None,
             item_id: str | None = None, obj: ObjectRef | None = None) -> RestoreItemResult:
        o = obj or (entry.obj if entry else None)
        rec = RestoreItemResult(item_id=item_id or (entry.version.item_id if entry else ""), status=status,
                                name=name or (entry.version.name if entry else ""),
                                object_id=o.external_id if o else None, object_name=o.name if o else None,
                                message=message)
        self.session.add_result(rec)
        self.result.results.append(rec)
        return rec

    def success(self, entry: Entry | None, message: str = "", *, merged: bool = False, **kw: Any) -> None:
        if merged:
            self.result.merged += 1
        else:
            self.result.created += 1
        self._add(entry, "Success", message, **kw)

    def skip(self, entry: Entry | None, message: str, *, log: bool = False, **kw: Any) -> None:
        self.result.skipped += 1
        rec = self._add(entry, "Skipped", message, **kw)
        if log:
            self.session.log(f"{rec.name}: skipped. {message}", "Warning", obj=entry.obj if entry else None)

    def fail(self, entry: Entry | None, message: str, **kw: Any) -> None:
        self.result.failed += 1
        rec = self._add(entry, "Failed", message, **kw)
        self.session.log(f"{rec.name}: {message}", "Error", obj=entry.obj if entry else None)

    def warn(self, message: str, obj: ObjectRef | None = None) -> None:
        if message not in self.result.warnings:
            self.result.warnings.append(message)
            self.session.log(message, "Warning", obj=obj)


_SESSIONS: dict[str, RestoreSession] = {}
_LOCK = threading.Lock()


class RestoreSession:
    """An open explore/restore session (one per Start-VBO*RestoreSession)."""

    def __init__(self, catalog: Catalog, record: RestoreSessionRecord, sources: list[Source]) -> None:
        self.catalog = catalog
        self.record = record
        self.sources = sources
        d = record.details or {}
        self.show_deleted = bool(d.get("show_deleted"))
        self.show_all_versions = bool(d.get("show_all_versions"))
        self.job_id: str | None = d.get("job_id")
        self.point_in_time = _parse_dt(d.get("point_in_time"))
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ lifecycle
    @property
    def id(self) -> str:
        return self.record.id

    @property
    def kind(self) -> str:
        return self.record.type

    @property
    def services(self) -> tuple[str, ...]:
        return SERVICES.get(self.kind, ())

    @property
    def organization_id(self) -> str | None:
        return self.record.organization_id

    @property
    def running(self) -> bool:
        return self.record.status == "Running"

    @classmethod
    def start(cls, catalog: Catalog, kind: str, *, organization_id: str | None = None, organization_name: str = "",
              job_id: str | None = None, restore_point: tuple[str, str] | None = None,
              point_in_time: datetime | None = None, show_deleted: bool = False, show_all_versions: bool = False,
              reason: str = "", initiated_by: str = "") -> RestoreSession:
        if kind not in SERVICES:
            raise RestoreSessionError(f"Unknown restore session type {kind!r}.")
        sources = _select_sources(catalog, organization_id, job_id, restore_point, point_in_time)
        if not sources:
            what = "at or before " + point_in_time.isoformat() if point_in_time else "yet"
            raise RestoreSessionError(f"No restore point {what} for this selection: run a backup job first "
                                      "(Start-VBOJob), or check Get-VBORestorePoint.")
        if restore_point is None and organization_id is None and len({s.rp.organization_id for s in sources}) == 1:
            organization_id = sources[0].rp.organization_id
        label = TYPE_LABEL[kind]
        when = point_in_time or max(s.rp.finished or s.rp.started for s in sources)
        rec = RestoreSessionRecord(
            name=f"{label} restore session ({organization_name or organization_id or 'all organizations'}, "
                 f"{when:%Y-%m-%d %H:%M:%S})",
            organization_id=organization_id, type=kind, initiated_by=initiated_by, reason=reason or "",
            restore_point_id=sources[0].rp.id if len(sources) == 1 else None,
            repository_id=sources[0].record.id if len(sources) == 1 else None,
            details={"show_deleted": show_deleted, "show_all_versions": show_all_versions, "job_id": job_id,
                     "point_in_time": point_in_time.isoformat() if point_in_time else None,
                     "organization_name": organization_name, "latest_state": restore_point is None and not point_in_time,
                     "sources": [[s.record.id, s.rp.id] for s in sources]},
            statistics={"ProcessedObjects": 0, "Created": 0, "Merged": 0, "Skipped": 0, "Failed": 0},
        )
        catalog.add_restore_session(rec)
        s = cls(catalog, rec, sources)
        points = ", ".join(f"{src.record.name} @ {(src.rp.finished or src.rp.started):%Y-%m-%d %H:%M:%S}"
                           for src in sources)
        s.log(f"Session started ({label}); restore points: {points}"
              + ("; showing deleted items" if show_deleted else "") + ("; showing all versions" if show_all_versions else ""))
        with _LOCK:
            _SESSIONS[rec.id] = s
        return s

    @classmethod
    def get(cls, catalog: Catalog, session_id: str) -> RestoreSession:
        with _LOCK:
            s = _SESSIONS.get(session_id)
            if s is not None and s.catalog.path == catalog.path:
                s.record = catalog.get_restore_session(session_id)
                return s
        try:
            rec = catalog.get_restore_session(session_id)
        except NotFoundError:
            raise RestoreSessionError(f"No restore session {session_id}.") from None
        sources = []
        from vboshell.repository.manage import open_repository

        for repo_id, rp_id in (rec.details or {}).get("sources") or []:
            try:
                rrec = catalog.get_repository(repo_id)
                repo = open_repository(rrec, catalog)
                rp = repo.restore_point(rp_id)
                sources.append(Source(rrec, repo, rp, repo.view(rp)))
            except (NotFoundError, RepositoryError) as exc:
                raise RestoreSessionError(f"Restore session {session_id} cannot be reopened: {exc}") from None
        s = cls(catalog, rec, sources)
        with _LOCK:
            _SESSIONS[session_id] = s
        return s

    @classmethod
    def active(cls, catalog: Catalog, kind: str | None = None) -> list[RestoreSession]:
        out = []
        for rec in catalog.list_restore_sessions(status="Running"):
            if kind and rec.type != kind:
                continue
            with contextlib.suppress(RestoreSessionError):
                out.append(cls.get(catalog, rec.id))
        return out

    def stop(self) -> RestoreSessionRecord:
        if not self.running:
            return self.record
        st = self.record.statistics or {}
        result = "Failed" if st.get("Failed") and not (st.get("Created") or st.get("Merged")) else \
            "Warning" if st.get("Failed") or self._has_warnings() else "Success"
        self.log("Session stopped")
        self.record = self.catalog.update_restore_session(self.id, status=result, end_time=datetime.now(UTC))
        with _LOCK:
            _SESSIONS.pop(self.id, None)
        for src in self.sources:
            with contextlib.suppress(Exception):
                src.repo.close()
        return self.record

    def _has_warnings(self) -> bool:
        return any(e.type == "Warning" for e in self.catalog.restore_session_logs(self.id))

    # ------------------------------------------------------------------ log and results
    def log(self, title: str, type: str = "Info", obj: ObjectRef | None = None) -> None:
        self.catalog.add_restore_session_log(self.id, LogEntry(title=title, type=type,
                                                               object_id=obj.external_id if obj else None,
                                                               object_name=obj.name if obj else None))

    def add_result(self, rec: RestoreItemResult) -> None:
        self.catalog.add_restore_item_result(self.id, rec)

    @contextlib.contextmanager
    def operation(self, name: str, target: str = "") -> Iterator[Operation]:
        if not self.running:
            raise RestoreSessionError(f"The restore session {self.id} is stopped; start a new one.")
        op = Operation(self, name)
        self.log(f"{name} started" + (f": {target}" if target else ""))
        try:
            yield op
        finally:
            r = op.result
            if name.split("-", 1)[0] in ("Export", "Save"):
                summary = f"{name} finished: {r.created} written, {r.skipped} skipped, {r.failed} failed"
            else:
                summary = (f"{name} finished: {r.created} created, {r.merged} merged, {r.skipped} skipped, "
                           f"{r.failed} failed")
            self.log(summary, "Error" if r.failed and not (r.created or r.merged) else
                     "Warning" if r.failed or r.warnings else "Success")

            def upd(rec: RestoreSessionRecord) -> None:
                st = dict(rec.statistics or {})
                for k, v in (("Created", r.created), ("Merged", r.merged), ("Skipped", r.skipped),
                             ("Failed", r.failed), ("ProcessedObjects", r.processed)):
                    st[k] = int(st.get(k) or 0) + v
                rec.statistics = st

            self.record = self.catalog.modify_restore_session(self.id, upd)

    # ------------------------------------------------------------------ browsing
    def objects(self, kind: str | None = None, service: str | None = None) -> list[tuple[Source, ObjectRef]]:
        """Protected objects visible in the session (also those with only deleted items when ShowDeleted)."""
        out: list[tuple[Source, ObjectRef]] = []
        seen: set[tuple[str, str]] = set()
        services = (service,) if service else self.services
        for src in self.sources:
            for obj in src.repo.objects():
                if kind and obj.kind != kind:
                    continue
                if self.organization_id and obj.organization_id and obj.organization_id != self.organization_id:
                    continue
                key = (obj.kind, obj.external_id)
                if key in seen:
                    continue
                if any(self._has_items(src, obj, svc) for svc in services):
                    seen.add(key)
                    out.append((src, obj))
        return out

    def _has_items(self, src: Source, obj: ObjectRef, service: str) -> bool:
        if next(src.view.items(obj, service), None) is not None:
            return True
        return self.show_deleted and any(True for _ in self._deleted(src, obj, service))

    def services_of(self, src: Source, obj: ObjectRef) -> list[str]:
        return [svc for svc in self.services if self._has_items(src, obj, svc)]

    def _deleted(self, src: Source, obj: ObjectRef, service: str) -> Iterator[tuple[ItemVersion, datetime]]:
        seqs: dict[str, int] = {}
        latest: dict[str, tuple[ItemVersion, datetime]] = {}
        for d in src.repo.deleted_items(obj, service):
            if d.last_version is None:
                continue
            if d.deleted_in not in seqs:
                try:
                    seqs[d.deleted_in] = src.repo.restore_point(d.deleted_in).seq
                except RepositoryError:
                    continue
            if seqs[d.deleted_in] > src.seq:
                continue
            latest[d.item_id] = (d.last_version, d.deleted_at)
        for item_id, (iv, when) in latest.items():
            if src.view.get(obj, service, item_id) is None:
                yield iv, when

    def entries(self, src: Source, obj: ObjectRef, service: str, folder: str | None = None, *,
                recursive: bool = False, types: tuple[str, ...] | None = None) -> Iterator[Entry]:
        """Items alive at the session's restore point (plus deleted ones and older versions on request)."""
        def wanted(iv: ItemVersion) -> bool:
            if types and (iv.metadata or {}).get("type") not in types:
                return False
            if folder is None:
                return True
            f = iv.folder or ""
            return f == folder or (recursive and (folder == "" or f.startswith(folder.rstrip("/") + "/")))

        for iv in src.view.items(obj, service, folder, recursive=recursive):
            if types and (iv.metadata or {}).get("type") not in types:
                continue
            yield Entry(src, iv)
            if self.show_all_versions:
                for old in src.repo.versions(obj, service, iv.item_id):
                    if old.version_id != iv.version_id and old.from_seq < iv.from_seq:
                        yield Entry(src, old, old=True)
        if self.show_deleted:
            for iv, when in self._deleted(src, obj, service):
                if wanted(iv):
                    yield Entry(src, iv, deleted=True, deleted_at=when)

    def entry(self, src: Source, obj: ObjectRef, service: str, item_id: str) -> Entry | None:
        iv = src.view.get(obj, service, item_id)
        if iv is not None:
            return Entry(src, iv)
        if self.show_deleted:
            for dv, when in self._deleted(src, obj, service):
                if dv.item_id == item_id:
                    return Entry(src, dv, deleted=True, deleted_at=when)
        return None

    def versions(self, entry: Entry) -> list[Entry]:
        """Every stored version of an entry's item up to the session's restore point, newest first."""
        out = [Entry(entry.source, v, deleted=entry.deleted, old=v.version_id != entry.version.version_id)
               for v in entry.source.repo.versions(entry.obj, entry.version.service, entry.version.item_id)
               if v.from_seq <= entry.source.seq]
        return list(reversed(out))


def _parse_dt(v: Any) -> datetime | None:
    if not v:
        return None
    try:
        return datetime.fromisoformat(str(v))
    except ValueError:
        return None


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _select_sources(catalog: Catalog, organization_id: str | None, job_id: str | None,
                    restore_point: tuple[str, str] | None, point_in_time: datetime | None) -> list[Source]:
    from vboshell.repository.manage import open_repository

    if restore_point is not None:
        repo_id, rp_id = restore_point
        rrec = catalog.get_repository(repo_id)
        repo = open_repository(rrec, catalog)
        rp = repo.restore_point(rp_id)
        return [Source(rrec, repo, rp, repo.view(rp))]
    records: list[RepositoryRecord]
    if job_id:
        job = catalog.get_job(job_id)
        records = [catalog.get_repository(job.repository_id)]
        organization_id = organization_id or job.organization_id
    else:
        records = catalog.list_repositories()
    out = []
    for rrec in records:
        try:
            repo = open_repository(rrec, catalog)
        except RepositoryError:
            continue
        rps = repo.restore_points(job_id=job_id, organization_id=organization_id)
        if point_in_time is not None:
            limit = _aware(point_in_time)
            rps = [r for r in rps if _aware(r.finished or r.started) <= limit]
        if not rps:
            repo.close()
            continue
        rp = rps[-1]
        out.append(Source(rrec, repo, rp, repo.view(rp)))
    return out
