"""The job runner: one run of a backup job — lock, session, restore point, work units run concurrently under
the Graph client's limits, per-object status and log, commit, retention — plus start/stop/wait helpers."""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from vboshell.backup import schedule
from vboshell.backup.collectors.base import (
    MALFORMED,
    StopRequested,
    UnitContext,
    UnitCounters,
    UnitSkipped,
    UnitWarning,
)
from vboshell.backup.locks import LockBusyError, job_lock
from vboshell.backup.selection import ARCHIVE, EXCHANGE, ONEDRIVE, SHAREPOINT, TEAMS, WorkUnit, resolve
from vboshell.store.catalog import Catalog
from vboshell.store.records import JobRecord, JobSessionRecord, LogEntry

log = logging.getLogger("vboshell.backup")

# work units run at once: units mostly wait on Graph (each mailbox allows 4 requests at a time), so more units than
# cores. A run starts at WORKERS (INCREMENTAL_WORKERS when the job has backed up before: its units mostly wait for
# "nothing changed" answers) and moves between WORKERS and MAX_WORKERS with the process's CPU use (_Concurrency).
# VBOSHELL_BACKUP_WORKERS fixes the number.
WORKERS = 16
INCREMENTAL_WORKERS = 32
MAX_WORKERS = 48
FIXED_WORKERS = int(os.environ.get("VBOSHELL_BACKUP_WORKERS", "0") or 0)
LOG_FLUSH_SECONDS = 0.25  # unit threads' session log lines reach the catalogue within about this
# how often a run makes what it stored durable (a crash loses at most this much work; the next run resumes)
CHECKPOINT_SECONDS = float(os.environ.get("VBOSHELL_CHECKPOINT_SECONDS", "5"))
_STATUS_RANK = {"Success": 0, "Warning": 1, "Failed": 2}


def _limit_malloc_arenas() -> None:
    """glibc gives each allocating thread its own malloc arena (up to 8 per core) and rarely returns their memory:
    with 16 unit threads that alone took a 10,000-item backup from ~180 to ~275 MB peak RSS. Two arenas keep it
    flat (MALLOC_ARENA_MAX in the environment still wins). Large buffers (downloads, chunks) are given their own
    mappings, returned to the system when freed: glibc's adaptive threshold otherwise moves them into the heap after
    the first one is freed, where they fragment it (peak RSS grew ~25 % more over a 25,000-item run without this).
    The MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_ environment variables still win. No-op elsewhere."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        if not os.environ.get("MALLOC_ARENA_MAX"):
            libc.mallopt(-8, 2)  # M_ARENA_MAX
        if not os.environ.get("MALLOC_MMAP_THRESHOLD_"):
            libc.mallopt(-3, 256 * 1024)  # M_MMAP_THRESHOLD (a fixed value also stops the adaptive one)
        if not os.environ.get("MALLOC_TRIM_THRESHOLD_"):
            libc.mallopt(-1, 1024 * 1024)  # M_TRIM_THRESHOLD
    except (OSError, AttributeError):
        pass


_libc_trim: Any = None
_last_trim = 0.0
TRIM_SECONDS = 5.0


def _trim_heap() -> None:
    """Hand free heap pages back to the system (glibc keeps them otherwise), at most every TRIM_SECONDS: a few
    milliseconds, and the backup's memory stays at what it uses instead of creeping up with run length."""
    global _libc_trim, _last_trim
    now = time.monotonic()
    if now - _last_trim < TRIM_SECONDS:
        return
    _last_trim = now
    if _libc_trim is None:
        _libc_trim = False
        if sys.platform.startswith("linux"):
            try:
                import ctypes

                _libc_trim = ctypes.CDLL("libc.so.6").malloc_trim
            except (OSError, AttributeError):
                pass
    if _libc_trim:
        _libc_trim(0)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _distinct_clients(*graphs: Any) -> list[Any]:
    """The async Graph clients behind the run's sync clients, each once (Exchange and SharePoint may share one)."""
    out: list[Any] = []
    for g in graphs:
        c = getattr(g, "aio", g)
        if getattr(c, "stats", None) is not None and all(c is not o for o in out):
            out.append(c)
    return out


def _stats_snapshot(client: Any) -> dict[str, Any]:
    st = client.stats
    return {"requests": int(st.requests), "responses": dict(st.responses), "throttled": int(st.throttled),
            "retries": int(st.retries), "failures": int(st.failures), "waited": float(st.waited)}


def _stats_delta(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict[str, Any]:
    """What the clients counted between two snapshots, summed over clients; no_response = requests sent that got
    no HTTP answer (connection reset, timeout)."""
    d: dict[str, Any] = {"requests": 0, "responses": {}, "throttled": 0, "retries": 0, "failures": 0, "waited": 0.0}
    for b, a in zip(before, after, strict=True):
        for k in ("requests", "throttled", "retries", "failures", "waited"):
            d[k] += a[k] - b[k]
        for code, n in a["responses"].items():
            d["responses"][code] = d["responses"].get(code, 0) + n - b["responses"].get(code, 0)
    d["no_response"] = max(0, d["requests"] - sum(d["responses"].values()))
    return d


class _Concurrency:
    """How many units run at once. Starts at `start`; every half second it looks at the CPU the process used and at
    how long requests waited for Graph's budget (`budget_wait`: seconds summed over requests, from the client-side
    limits). Requests waiting for the budget (on average at least one at any moment): the budget is the bottleneck,
    and more units would only hold more memory (about 2 MB each), so it goes back by 4. With the budget to spare
    (almost nothing waits) and under 70 % of a core used, two periods in a row, units are waiting on Graph's round
    trips (long latency, small incremental changes) and 8 more may start (up to `high`); over 90 %, the process is
    the bottleneck and it goes back by 4 (never below `low`). A running unit is never stopped: the limit only
    decides when the next one starts."""

    GROW_BELOW, SHRINK_ABOVE, PERIOD = 0.7, 0.9, 0.5
    BUDGET_BOUND = 1.0  # requests waiting for the budget, on average, that make the run budget-bound
    BUDGET_FREE = 0.1  # ... and below which it has budget to spare (in between, the count holds)

    def __init__(self, low: int, high: int, start: int, budget_wait: Callable[[], float] = lambda: 0.0) -> None:
        self.low, self.high = max(1, low), max(1, low, high)
        self.limit = min(self.high, max(self.low, start))
        self._budget_wait = budget_wait
        self._t = time.monotonic()
        self._cpu = time.process_time()
        self._waited = budget_wait()
        self._spare = 0  # periods in a row with budget and CPU to spare

    def update(self) -> int:
        now = time.monotonic()
        if now - self._t >= self.PERIOD and self.low < self.high:
            cpu, waited = time.process_time(), self._budget_wait()
            share = (cpu - self._cpu) / (now - self._t)
            waiting = (waited - self._waited) / (now - self._t)
            spare = share < self.GROW_BELOW and waiting < self.BUDGET_FREE
            self._spare = self._spare + 1 if spare else 0
            if waiting >= self.BUDGET_BOUND or share > self.SHRINK_ABOVE:
                self.limit = max(self.low, self.limit - 4)
            elif self._spare >= 2:  # a second period in a row: not just the budget's initial burst
                self.limit = min(self.high, self.limit + 8)
            self._t, self._cpu, self._waited = now, cpu, waited
        return self.limit


class _Lanes:
    """Which work unit runs next. Mailbox units and OneDrive/SharePoint units draw on different Graph budgets (each
    mailbox's own limits; the tenant's SharePoint resource units), so both kinds run side by side: SharePoint-side
    units keep up to a third of the workers (their downloads are prefetched, a few units fill the budget) and the
    rest go to mailboxes; a lane with nothing left lends its workers to the other. Within a lane: sites and teams
    first, then in job order."""

    SHAREPOINT_LANE = (ONEDRIVE, SHAREPOINT)

    def __init__(self, units: list[WorkUnit], workers: int) -> None:
        from collections import deque

        # sites and teams first: few, and each larger than a user's OneDrive or mailbox (many lists, libraries,
        # channels), so started last they would be the run's tail (an incremental run ended on its one site)
        first = (SHAREPOINT, TEAMS)
        self._sp = deque(sorted((u for u in units if u.service in self.SHAREPOINT_LANE),
                                key=lambda u: u.service not in first))
        self._other = deque(sorted((u for u in units if u.service not in self.SHAREPOINT_LANE),
                                   key=lambda u: u.service not in first))
        self.workers = workers
        self._sp_running = 0

    def next(self) -> WorkUnit | None:
        if self._sp and (self._sp_running < max(1, self.workers // 3) or not self._other):
            self._sp_running += 1
            return self._sp.popleft()
        if self._other:
            return self._other.popleft()
        return None

    def finished(self, u: WorkUnit) -> None:
        if u.service in self.SHAREPOINT_LANE:
            self._sp_running -= 1


class JobAlreadyRunning(RuntimeError):
    """Another run of the same job holds its lock."""


class JobRunError(RuntimeError):
    """The job cannot start (organization/repository missing or unusable)."""


def _now() -> datetime:
    return datetime.now(UTC)


def _fmt_size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    return f"{n:.1f} TB"


@dataclass
class Progress:
    """A snapshot for progress bars: objects done/total, items, bytes, rates and ETA."""

    objects_done: int = 0
    objects_total: int = 0
    items: int = 0
    bytes: int = 0
    elapsed: float = 0.0
    current: list[str] = field(default_factory=list)

    units_done: int = 0
    units_total: int = 0

    @property
    def percent(self) -> int:
        if self.units_total:
            return int(100 * self.units_done / self.units_total)
        return int(100 * self.objects_done / self.objects_total) if self.objects_total else 0

    @property
    def mb_per_s(self) -> float:
        return self.bytes / 1048576 / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def items_per_s(self) -> float:
        return self.items / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> int:
        done, total = (self.units_done, self.units_total) if self.units_total else (self.objects_done, self.objects_total)
        if not done or not total:
            return -1
        return int(self.elapsed / done * (total - done))


def _short(text: str, n: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _service_label(service: str) -> str:
    return {EXCHANGE: "mailbox", ARCHIVE: "archive mailbox", ONEDRIVE: "OneDrive", SHAREPOINT: "site",
            TEAMS: "team"}.get(service, service)


def _collector(service: str) -> Callable[[UnitContext], None]:
    from vboshell.backup.collectors import drives, exchange, sharepoint, teams

    return {EXCHANGE: exchange.collect_mailbox, ARCHIVE: exchange.collect_archive, ONEDRIVE: drives.collect_onedrive,
            SHAREPOINT: sharepoint.collect_site, TEAMS: teams.collect_team}[service]


class JobRunner:
    """Runs a job once. `run()` returns the final JobSessionRecord; `stop()` (any thread) stops it cleanly."""

    def __init__(self, job: JobRecord | str, catalog: Catalog | None = None, *, full: bool = False,
                 progress: Callable[[Progress], None] | None = None, workers: int | None = None,
                 organization: Any = None, session: JobSessionRecord | None = None) -> None:
        self.catalog = catalog or Catalog.default()
        self.job = self.catalog.get_job(job) if isinstance(job, str) else job
        self.full = full
        self.progress_cb = progress
        self.workers = workers or FIXED_WORKERS or None  # None: adaptive (see _Concurrency)
        self.stop_event = threading.Event()
        self._org = organization
        self.session: JobSessionRecord | None = session
        self.progress = Progress()
        self._lock_mu = threading.Lock()
        self._units: dict[str, UnitCounters] = {}
        self._obj_results: dict[Any, dict[str, Any]] = {}
        self._started = time.monotonic()
        self.done = threading.Event()
        self.session_ready = threading.Event()  # the job lock is held and the session record exists
        self.error: BaseException | None = None
        # session log lines of the unit threads wait here for the job's own thread, which writes them in batches:
        # one catalogue transaction (and disk sync) each, instead of dozens of threads queueing for the database
        self._logs: list[LogEntry] = []
        self._logs_mu = threading.Lock()
        self._logs_written = 0.0
        self._owner: int | None = None  # the thread running the job

    # ------------------------------------------------------------------------------------------------ control
    def stop(self) -> None:
        self.stop_event.set()

    def _log(self, kind: str, title: str, message: str = "", obj: Any = None) -> None:
        """A session log line. The job's own thread writes it at once (with any lines waiting); a unit thread's line
        is written by the job's thread within LOG_FLUSH_SECONDS, in order."""
        if self.session is None:
            return
        entry = LogEntry(title=title, message=message, type=kind, object_id=getattr(obj, "external_id", None),
                         object_name=getattr(obj, "name", None))
        with self._logs_mu:
            self._logs.append(entry)
        log.info("[%s] %s %s", kind, title, message)
        if self._owner is None or threading.get_ident() == self._owner:
            self._write_logs()

    def _write_logs(self) -> None:
        """Write the waiting log lines in one transaction (only the job's own thread calls this, so the order holds)."""
        with self._logs_mu:
            entries, self._logs = self._logs, []
        self._logs_written = time.monotonic()
        if not entries or self.session is None:
            return
        try:
            self.catalog.add_job_session_logs(self.session.id, entries)
        except Exception:  # noqa: BLE001 - logging never breaks a run
            log.exception("cannot write the session log")

    # ------------------------------------------------------------------------------------------------ setup
    def _organization(self) -> Any:
        if self._org is not None:
            return self._org
        from vboshell.cmdlets.organizations import organization_from_record  # record -> connection settings

        try:
            rec = self.catalog.get_organization(self.job.organization_id)
        except Exception as exc:
            raise JobRunError(f"The organization of job '{self.job.name}' no longer exists.") from exc
        return organization_from_record(rec)

    def prepare_session(self) -> JobSessionRecord:
        """Create the session record (status Running) before run(); run() creates it when not done here."""
        if self.session is None:
            self.session = self.catalog.add_job_session(JobSessionRecord(
                job_id=self.job.id, job_name=self.job.name, organization_id=self.job.organization_id,
                status="Running", host=socket.gethostname(), pid=os.getpid(),
                details={"config": "Full" if self.full else "Incremental"}))
        return self.session

    # ------------------------------------------------------------------------------------------------ run
    def run(self) -> JobSessionRecord:
        _limit_malloc_arenas()
        lock = job_lock(self.job.id, {"job": self.job.name})
        try:
            lock.acquire()
        except LockBusyError as exc:
            h = exc.holder
            where = f" (process {h.get('pid')} on {h.get('host')})" if h.get("pid") else ""
            self.done.set()
            raise JobAlreadyRunning(f"Job '{self.job.name}' is already running{where}; wait for it to finish "
                                    "or stop it with Stop-VBOJob.") from None
        self._owner = threading.get_ident()
        try:
            self._fail_stale_sessions()
            self.prepare_session()
            self.session_ready.set()
            return self._run_locked()
        except BaseException as exc:
            self.error = exc
            raise
        finally:
            self._write_logs()
            lock.release()
            self.done.set()

    def _fail_stale_sessions(self) -> None:
        """Sessions left 'Running' by a process that died (the lock is ours now, so nobody runs them)."""
        for s in self.catalog.list_job_sessions(self.job.id, status="Running"):
            if self.session is not None and s.id == self.session.id:
                continue
            self.catalog.update_job_session(s.id, status="Failed", end_time=_now())
            self.catalog.add_job_session_log(s.id, LogEntry(
                title="Job session was interrupted", type="Error",
                message="The process running it ended unexpectedly. The next run resumes from what was stored."))

    def _finish(self, status: str, stats: dict[str, Any], rp_id: str | None = None) -> JobSessionRecord:
        assert self.session is not None
        self._write_logs()  # every line is in the log before the session says it ended
        end = _now()
        self.session = self.catalog.update_job_session(
            self.session.id, status=status, end_time=end, progress=100 if status != "Stopped" else self.progress.percent,
            statistics=stats, restore_point_id=rp_id)
        policy = self.job.schedule_policy or {}
        nxt = schedule.next_run(policy, end)
        self.catalog.update_job(self.job.id, last_run=self.session.creation_time, last_status=status,
                                last_session_id=self.session.id, next_run=nxt)
        return self.session

    def _stats(self, final: bool = False) -> dict[str, Any]:
        with self._lock_mu:
            units = dict(self._units)
            objs = {f"{k.kind}:{k.external_id}": dict(v) for k, v in self._obj_results.items()}
        items = sum(c.items for c in units.values())
        nbytes = sum(c.bytes for c in units.values())
        elapsed = max(time.monotonic() - self._started, 1e-6)
        writer = getattr(self, "_writer", None)
        return {
            "ProcessedObjects": self.progress.objects_done, "TotalObjects": self.progress.objects_total,
            "ProcessedItems": items, "ProcessedBytes": nbytes,
            "TransferredBytes": int(writer.stats.get("stored_bytes", 0)) if writer is not None else 0,
            "DeletedItems": sum(c.deleted for c in units.values()),
            "SkippedItems": sum(c.skipped for c in units.values()),
            "Duration": round(elapsed, 3), "ItemsPerSecond": round(items / elapsed, 2),
            "BytesPerSecond": round(nbytes / elapsed, 1), "Objects": objs,
        }

    def _tick(self) -> None:
        _trim_heap()
        s = self._stats()
        self.progress.items = s["ProcessedItems"]
        self.progress.bytes = s["ProcessedBytes"]
        self.progress.elapsed = time.monotonic() - self._started
        self._write_logs()
        if self.session is not None:
            try:
                self.catalog.update_job_session(self.session.id, progress=self.progress.percent, statistics=s)
                fresh = self.catalog.get_job_session(self.session.id)
                if (fresh.details or {}).get("stop_requested"):
                    self.stop_event.set()
            except Exception:  # noqa: BLE001
                log.exception("cannot update the session")
        if self.progress_cb is not None:
            try:
                self.progress_cb(self.progress)
            except Exception:  # noqa: BLE001
                log.exception("progress callback failed")

    def _run_locked(self) -> JobSessionRecord:
        from vboshell.repository import RepositoryError
        from vboshell.repository.manage import apply_retention, open_repository

        job = self.job
        self._started = time.monotonic()
        self._log("Info", f"Job {job.name} started", f"{'Full' if self.full else 'Incremental'} backup "
                  f"on {socket.gethostname()}")
        try:
            org = self._organization()
            repo_rec = self.catalog.get_repository(job.repository_id)
        except Exception as exc:  # noqa: BLE001
            self._log("Error", "Job failed", str(exc))
            return self._finish("Failed", self._stats())
        self._warm_token(org)
        try:
            repo = open_repository(repo_rec, self.catalog)
        except RepositoryError as exc:
            self._log("Error", f"Repository '{repo_rec.name}' cannot be opened", str(exc))
            return self._finish("Failed", self._stats())
        try:
            g_ex = org.graph("exchange")
            g_sp = org.graph("sharepoint")
        except Exception as exc:  # noqa: BLE001
            self._log("Error", "Organization is not connected", str(exc))
            return self._finish("Failed", self._stats())
        org_id = str(org.Id)
        self._graph_clients = _distinct_clients(g_ex, g_sp)
        self._graph_before = [_stats_snapshot(c) for c in self._graph_clients]
        try:
            res = resolve(job, g_ex, org_id)
        except Exception as exc:  # noqa: BLE001
            msg = getattr(exc, "message", None) or str(exc)
            self._log("Error", "Cannot read the organization's objects", msg)
            return self._finish("Failed", self._stats())
        for title, msg in res.warnings:
            self._log("Warning", title, msg)
        units = self._enabled_services(org, res)
        if not units and res.warnings:
            # every backup item failed to resolve (tenant unreachable, objects gone): that is a failure, not a warning
            self._log("Error", "Nothing could be backed up",
                      "None of the job's backup items could be resolved; the warnings above say why.")
            return self._finish("Failed", self._stats())
        by_obj: dict[Any, list[WorkUnit]] = {}
        for u in units:
            by_obj.setdefault(u.obj, []).append(u)
        self.progress.objects_total = len(by_obj)
        self.progress.units_total = len(units)
        self._log("Info", f"Found {len(by_obj)} objects to process", f"{len(units)} work units "
                  f"({', '.join(sorted({u.service for u in units})) or 'none'})")
        try:
            writer = repo.writer(job_id=job.id, organization_id=org_id)
        except RepositoryError as exc:
            self._log("Error", f"Repository '{repo_rec.name}' is busy", str(exc))
            return self._finish("Failed", self._stats())
        self._writer = writer
        status = "Success"
        rp_id = None
        stopped = False
        try:
            rp = writer.begin_restore_point()
            rp_id = rp.id
            if writer.adopted:
                self._log("Info", "Resuming the interrupted restore point",
                          "Items stored by the interrupted run are reused, not downloaded again.")
            remaining = {obj: len(us) for obj, us in by_obj.items()}
            conc = self._concurrency()
            pool = ThreadPoolExecutor(max_workers=conc.high, thread_name_prefix="vbo-unit")
            lanes = _Lanes(units, conc.limit)
            futures: dict[Future, WorkUnit] = {}
            try:
                pending: set[Future] = set()
                last_tick = 0.0
                last_checkpoint = time.monotonic()
                while True:
                    lanes.workers = conc.update()
                    while len(pending) < lanes.workers and (u := lanes.next()) is not None:
                        g = g_ex if u.service in (EXCHANGE, ARCHIVE, TEAMS) else g_sp
                        f = pool.submit(self._run_unit, writer, u, g)
                        futures[f] = u
                        pending.add(f)
                    if not pending:
                        break
                    done, pending = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
                    for f in done:
                        u = futures[f]
                        lanes.finished(u)
                        self.progress.units_done += 1
                        remaining[u.obj] -= 1
                        if remaining[u.obj] == 0:
                            self._object_done(writer, u.obj)
                    if time.monotonic() - last_tick > 0.5 or not pending:
                        last_tick = time.monotonic()
                        self._tick()
                    if self._logs and time.monotonic() - self._logs_written > LOG_FLUSH_SECONDS:
                        self._write_logs()
                    if pending and time.monotonic() - last_checkpoint > CHECKPOINT_SECONDS:
                        writer.checkpoint()
                        last_checkpoint = time.monotonic()
            finally:
                if self.stop_event.is_set():
                    for f in futures:
                        f.cancel()
                pool.shutdown(wait=True)
            stopped = self.stop_event.is_set()
            with self._lock_mu:
                worst = max((_STATUS_RANK.get(r["status"], 0) for r in self._obj_results.values()), default=0)
                all_failed = bool(self._obj_results) and all(r["status"] == "Failed" for r in self._obj_results.values())
            if res.warnings and worst == 0:
                worst = 1
            status = "Failed" if all_failed else ("Warning" if worst else "Success")
            if stopped:
                writer.checkpoint()
                self._log("Warning", "Job stopped by user", "Items stored so far are kept; the next run resumes "
                          "from them without downloading them again.")
                status = "Stopped"
            else:
                rp = writer.commit(status=status)
                self._log("Info", "Restore point created", f"{rp.id} ({rp.finished:%Y-%m-%d %H:%M:%S} UTC)")
        except BaseException as exc:
            self._log("Error", "Job failed", getattr(exc, "message", None) or repr(exc))
            try:
                writer.close()
            finally:
                self._finish("Failed", self._stats())
            raise
        finally:
            writer.close()
        self._log_graph_faults()
        stats = self._stats(final=True)
        if not stopped:
            try:
                rr = apply_retention(repo_rec, self.catalog)
                removed = getattr(rr, "restore_points_removed", None) or getattr(rr, "removed_restore_points", None)
                self._log("Info", "Retention applied", f"Policy {repo_rec.retention_period} "
                          f"({repo_rec.retention_type})" + (f"; {removed} restore points removed" if removed else ""))
            except Exception as exc:  # noqa: BLE001 - retention problems never fail the backup
                self._log("Warning", "Retention was not applied", getattr(exc, "message", None) or str(exc))
        self.progress.objects_done = sum(1 for _ in self._obj_results)
        self._log("Success" if status == "Success" else ("Warning" if status in ("Warning", "Stopped") else "Error"),
                  f"Job finished with {status}",
                  f"Processed {stats['ProcessedObjects']} of {stats['TotalObjects']} objects, {stats['ProcessedItems']} "
                  f"items ({_fmt_size(stats['ProcessedBytes'])} read, {_fmt_size(stats['TransferredBytes'])} "
                  f"transferred), {stats['DeletedItems']} deletions; {stats['ItemsPerSecond']} items/s, "
                  f"{stats['BytesPerSecond'] / 1048576:.2f} MB/s; duration {stats['Duration']:.1f} s")
        return self._finish(status, stats, rp_id if not stopped else None)

    def _concurrency(self) -> _Concurrency:
        if self.workers:
            return _Concurrency(self.workers, self.workers, self.workers)
        before = [x for x in self.catalog.list_job_sessions(self.job.id, limit=3)
                  if x.status in ("Success", "Warning") and (self.session is None or x.id != self.session.id)]
        clients = [getattr(c, "throttle", None) for c in getattr(self, "_graph_clients", [])]
        return _Concurrency(WORKERS, MAX_WORKERS, INCREMENTAL_WORKERS if before and not self.full else WORKERS,
                            lambda: sum(t.budget_wait for t in clients if t is not None))

    @staticmethod
    def _warm_token(org: Any) -> None:
        """Start getting the access token while the repository opens (the first Graph request then need not wait
        for it). Failures are left for the first real request to report."""
        try:
            import asyncio

            from vboshell.graph import sync

            asyncio.run_coroutine_threadsafe(org.graph("exchange").aio.token(), sync.loop())
        except Exception:  # noqa: BLE001 - reported by the request that needs the token
            pass

    def _log_graph_faults(self) -> None:
        """Info entries for the retries this run's Graph requests needed (throttling pauses and transient errors),
        from the clients' counters since the run started (a client shared with another run of the same organization
        counts that run's requests too)."""
        before = getattr(self, "_graph_before", None)
        if not before:
            return
        d = _stats_delta(before, [_stats_snapshot(c) for c in self._graph_clients])
        if d["throttled"]:
            self._log("Info", f"Throttled by Microsoft 365: {_n(d['throttled'], 'request')} retried after "
                      f"Retry-After, waited {d['waited']:.1f} s",
                      "Microsoft 365 asked the job to slow down (HTTP 429); the requests were sent again after the "
                      "pause it asked for. The time waited includes the backoff of transient errors.")
        transient = max(0, d["retries"] - d["throttled"])
        if transient:
            seen = [f"{code} ×{n}" for code, n in sorted(d["responses"].items()) if code >= 500 and n] + \
                ([f"no answer (connection reset/timeout) ×{d['no_response']}"] if d["no_response"] else [])
            self._log("Info", f"Transient errors: {_n(transient, 'request')} retried (503/504/connection reset)",
                      "Requests that failed transiently were sent again after a pause"
                      + (f"; responses seen: {', '.join(seen)}." if seen else "."))

    def _enabled_services(self, org: Any, res: Any) -> list[WorkUnit]:
        """Drop the units of services the organization has turned off (e.g. its application lacks their
        permissions), with one warning per service naming why."""
        off = {EXCHANGE: not getattr(org, "IsExchange", True), ARCHIVE: not getattr(org, "IsExchange", True),
               ONEDRIVE: not getattr(org, "IsSharePoint", True), SHAREPOINT: not getattr(org, "IsSharePoint", True),
               TEAMS: not getattr(org, "IsTeams", True)}
        dropped = sorted({u.service for u in res.units if off.get(u.service)})
        if dropped:
            missing = "; ".join(getattr(org, "MissingPermissions", None) or []) or "disabled for the organization"
            res.warnings.append(("services skipped", ""))
            self._log("Warning", f"{', '.join(dropped)} not backed up: {_short(missing)}",
                      "The organization's application cannot read these services (Set-VBOOrganization after "
                      f"granting the permissions enables them). {missing}")
        return [u for u in res.units if not off.get(u.service)]

    def _run_unit(self, writer: Any, u: WorkUnit, g: Any) -> None:
        counters = UnitCounters()
        with self._lock_mu:
            self._units[u.key] = counters
        label = _service_label(u.service)
        r = {"name": u.obj.name, "status": "Success", "items": 0, "bytes": 0, "deleted": 0, "message": ""}
        if self.stop_event.is_set():
            r.update(status="Warning", message="not processed (job stopped)")
            self._record(u, r, counters)
            return
        ctx = UnitContext(writer=writer, obj=u.obj, service=u.service, graph=g, full=self.full, stop=self.stop_event,
                          log=lambda kind, title, message="": self._log(kind, title, message, u.obj),
                          counters=counters, params={"explicit": u.explicit})
        self._log("Info", f"Processing {label} {u.obj.name}", "", u.obj)
        try:
            _collector(u.service)(ctx)
            if counters.warnings:
                r["status"] = "Warning"
                r["message"] = f"{counters.warnings} warning(s)"
        except StopRequested:
            r.update(status="Warning", message="stopped before the end")
        except UnitSkipped as exc:
            r["skipped"] = str(exc)
            self._log("Info", f"{u.obj.name}: {label} skipped", f"Nothing to back up ({exc}).", u.obj)
        except UnitWarning as exc:
            r.update(status="Warning", message=str(exc))
            self._log("Warning", f"{u.obj.name}: {label} not processed: {_short(str(exc))}", str(exc), u.obj)
        except MALFORMED as exc:
            # malformed data outside any single item (a container row with wrong types or missing fields): what was
            # stored stays, the containers not finished keep their old delta state and are read again next run
            msg = (f"Microsoft Graph returned malformed data ({type(exc).__name__}: {exc}); the rest of this "
                   "object is read again next run.")
            r.update(status="Warning", message=msg)
            self._log("Warning", f"{u.obj.name}: {label} partly processed: {_short(msg)}", msg, u.obj)
            log.debug("unit %s hit malformed data", u.key, exc_info=True)
        except Exception as exc:  # noqa: BLE001 - one object failing never stops the others
            msg = getattr(exc, "message", None) or str(exc) or type(exc).__name__
            code = getattr(exc, "code", None)
            if getattr(exc, "status", None) == 403 or (code and "denied" in str(code).lower()):
                msg = f"Access denied — the application is missing a permission ({code}): {msg}"
            r.update(status="Failed", message=msg)
            self._log("Error", f"{u.obj.name}: {label} failed: {_short(msg)}", msg, u.obj)
            log.debug("unit %s failed", u.key, exc_info=True)
        self._record(u, r, counters)

    def _record(self, u: WorkUnit, r: dict[str, Any], c: UnitCounters) -> None:
        r.update(items=c.items, bytes=c.bytes, deleted=c.deleted, skipped_known=c.skipped)
        with self._lock_mu:
            o = self._obj_results.setdefault(u.obj, {"name": u.obj.name, "kind": u.obj.kind, "id": u.obj.external_id,
                                                     "status": "Success", "items": 0, "bytes": 0, "deleted": 0,
                                                     "services": {}})
            o["services"][u.service] = r
            o["items"] += c.items
            o["bytes"] += c.bytes
            o["deleted"] += c.deleted
            if _STATUS_RANK[r["status"]] > _STATUS_RANK[o["status"]]:
                o["status"] = r["status"]
        if r["status"] == "Success" and not r.get("skipped"):
            self._log("Success", f"{u.obj.name}: {_service_label(u.service)} processed — {c.items} items "
                      f"({_fmt_size(c.bytes)}), {c.deleted} deleted",
                      f"{c.items} new or changed items ({_fmt_size(c.bytes)} read), {c.deleted} deletions, "
                      f"{c.skipped} already stored", u.obj)
        elif r["status"] == "Warning" and c.warnings and not r.get("message", "").startswith("stopped"):
            self._log("Warning", f"{u.obj.name}: {_service_label(u.service)} processed with {c.warnings} warning(s) — "
                      f"{c.items} items ({_fmt_size(c.bytes)})", "See the warnings above.", u.obj)

    def _object_done(self, writer: Any, obj: Any) -> None:
        with self._lock_mu:
            o = dict(self._obj_results.get(obj) or {})
        if o:
            try:
                writer.set_object_status(obj, o["status"], {"items": o["items"], "bytes": o["bytes"],
                                                            "deleted": o["deleted"], "services": o["services"]})
            except Exception:  # noqa: BLE001
                log.exception("cannot record the object status")
        self.progress.objects_done += 1


# ---------------------------------------------------------------------------------------------------------------
# Process-wide registry: Start-VBOJob -RunAsync, Stop-VBOJob, Wait-VBOJobSession

_running: dict[str, JobRunner] = {}  # job id -> runner
_reg_mu = threading.Lock()


def running_runner(job_id: str) -> JobRunner | None:
    with _reg_mu:
        r = _running.get(job_id)
    return r if r is not None and not r.done.is_set() else None


def start_job(job: JobRecord, catalog: Catalog | None = None, *, full: bool = False, wait: bool = True,
              progress: Callable[[Progress], None] | None = None, organization: Any = None) -> JobRunner:
    """Start a run. wait=True runs in the calling thread; wait=False in a background thread (the session record
    exists when this returns). JobAlreadyRunning when a run of the job is active (any process)."""
    from vboshell.backup.locks import job_running_elsewhere

    catalog = catalog or Catalog.default()
    if running_runner(job.id) is not None or job_running_elsewhere(job.id):
        raise JobAlreadyRunning(f"Job '{job.name}' is already running; wait for it to finish or stop it with "
                                "Stop-VBOJob.")
    runner = JobRunner(job, catalog, full=full, progress=progress, organization=organization)
    with _reg_mu:
        _running[job.id] = runner
    if wait:
        runner.run()
        return runner
    refused: list[JobAlreadyRunning] = []

    def bg() -> None:
        try:
            runner.run()
        except JobAlreadyRunning as exc:
            refused.append(exc)
        except Exception:  # noqa: BLE001 - logged in the session
            log.exception("background job run failed")

    t = threading.Thread(target=bg, name=f"vbo-job-{job.name}", daemon=True)
    runner.thread = t  # type: ignore[attr-defined]
    t.start()
    # Return once the run holds the job lock and its session exists, so that a run of the same job started at the
    # same moment elsewhere is refused here, to the caller, rather than recorded as a failed session.
    deadline = time.monotonic() + 60
    while not runner.session_ready.wait(0.02) and not runner.done.is_set() and time.monotonic() < deadline:
        pass
    if runner.session is None:
        with _reg_mu:
            if _running.get(job.id) is runner:
                del _running[job.id]
        if refused:
            raise refused[0]
        sess = runner.prepare_session()  # the run failed before its session existed: record why
        catalog.update_job_session(sess.id, status="Failed", end_time=_now())
        catalog.add_job_session_log(sess.id, LogEntry(title="Job not started", type="Error",
                                                      message=str(runner.error or "The run did not start in time.")))
    return runner


def stop_job(job_id: str, catalog: Catalog | None = None) -> bool:
    """Ask a running job to stop. In this process the runner stops at once; a run in another process sees the
    request on the session record within a second. Returns whether a running session was found."""
    catalog = catalog or Catalog.default()
    r = running_runner(job_id)
    if r is not None:
        r.stop()
    found = r is not None
    for s in catalog.list_job_sessions(job_id, status="Running"):
        catalog.modify_job_session(s.id, lambda rec: setattr(rec, "details", {**(rec.details or {}),
                                                                               "stop_requested": True}))
        found = True
    return found


def wait_session(session_id: str, catalog: Catalog | None = None, timeout: float | None = None,
                 poll: float = 0.2, on_poll: Callable[[JobSessionRecord], bool | None] | None = None
                 ) -> JobSessionRecord:
    """Wait until the session is no longer Running (or timeout). on_poll may return True to stop waiting."""
    catalog = catalog or Catalog.default()
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        s = catalog.get_job_session(session_id)
        if s.status != "Running":
            return s
        if on_poll is not None and on_poll(s):
            return s
        if deadline is not None and time.monotonic() >= deadline:
            return s
        time.sleep(poll)
