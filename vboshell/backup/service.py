"""`vboshell service`: the scheduler. Runs enabled jobs when their schedule policy says so, in the foreground,
logging to stdout; SIGTERM/Ctrl+C stop running jobs cleanly; one service per VBOSHELL_HOME (a lock file)."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from vboshell.backup import schedule

log = logging.getLogger("vboshell.service")


class Clock:
    """Wall clock, optionally compressed (--time-scale 60: one real second is one scheduled minute)."""

    def __init__(self, scale: float = 1.0) -> None:
        self.scale = max(scale, 1e-6)
        self.t0_real = time.time()
        self.t0 = datetime.now(UTC)

    def now(self) -> datetime:
        return self.t0 + timedelta(seconds=(time.time() - self.t0_real) * self.scale)


class Scheduler:
    """Decides which jobs are due and starts them (each run in its own thread, never two runs of one job)."""

    def __init__(self, catalog: Any, clock: Clock, stop: threading.Event) -> None:
        self.catalog = catalog
        self.clock = clock
        self.stop = stop
        self.next_due: dict[str, datetime | None] = {}
        self.retries: dict[str, int] = {}
        self.runners: dict[str, Any] = {}
        self.started = 0

    def _due(self, job: Any, now: datetime) -> datetime | None:
        if job.id not in self.next_due:
            stored = job.next_run
            if stored is not None and stored.tzinfo is None:
                stored = stored.replace(tzinfo=UTC)
            last = job.last_run if job.last_run is None or job.last_run.tzinfo else job.last_run.replace(tzinfo=UTC)
            missed = stored is not None and (last is None or last < stored) and stored <= now \
                and (job.schedule_policy or {}).get("EnableSchedule", True)
            # a run the schedule asked for while no service was running (e.g. `--once` from cron) is started now
            self.next_due[job.id] = stored if missed else schedule.next_run(job.schedule_policy, now)
            self._publish(job, self.next_due[job.id])
        return self.next_due[job.id]

    def _publish(self, job: Any, nxt: datetime | None) -> None:
        try:
            self.catalog.update_job(job.id, next_run=nxt)
        except Exception:  # noqa: BLE001 - removed meanwhile
            pass

    def tick(self) -> None:
        from vboshell.backup.runner import JobAlreadyRunning, start_job

        now = self.clock.now()
        jobs = {j.id: j for j in self.catalog.list_jobs()}
        for jid in list(self.next_due):
            if jid not in jobs:
                self.next_due.pop(jid, None)
        for job in jobs.values():
            if self.stop.is_set():
                return
            r = self.runners.get(job.id)
            if r is not None:
                if not r.done.is_set():
                    continue
                self.runners.pop(job.id)
                status = r.session.status if r.session else "Failed"
                log.info("Job '%s' finished: %s", job.name, status)
                retry = schedule.retry_at(job.schedule_policy, now, self.retries.get(job.id, 0)) \
                    if status == "Failed" else None
                if retry is not None:
                    self.retries[job.id] = self.retries.get(job.id, 0) + 1
                    self.next_due[job.id] = retry
                    log.info("Job '%s' will be retried at %s", job.name, retry.isoformat())
                else:
                    self.retries.pop(job.id, None)
                    self.next_due[job.id] = schedule.next_run(job.schedule_policy, now)
                self._publish(job, self.next_due[job.id])
            if not job.enabled or job.job_type != "Backup":
                continue
            due = self._due(job, now)
            if due is None or now < due:
                continue
            log.info("Starting job '%s' (scheduled for %s)", job.name, due.isoformat())
            try:
                self.runners[job.id] = start_job(job, self.catalog, wait=False)
                self.started += 1
            except JobAlreadyRunning as exc:
                log.warning("%s", exc)
            except Exception:  # noqa: BLE001 - one job never stops the service
                log.exception("Cannot start job '%s'", job.name)
            self.next_due[job.id] = schedule.next_run(job.schedule_policy, now)

    def stop_all(self, timeout: float = 60.0) -> None:
        for r in self.runners.values():
            r.stop()
        deadline = time.monotonic() + timeout
        for r in self.runners.values():
            r.done.wait(max(0.0, deadline - time.monotonic()))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="vboshell service", description="Run scheduled backup jobs (foreground).")
    p.add_argument("--tick", type=float, default=15.0, help="seconds between schedule checks (default 15)")
    p.add_argument("--time-scale", type=float, default=1.0,
                   help="compress the schedule clock (60: one second is one minute) — for tests and demos")
    p.add_argument("--once", action="store_true", help="check once, wait for the started jobs, then exit")
    p.add_argument("--max-seconds", type=float, default=None, help="exit after this many seconds")
    p.add_argument("-q", "--quiet", action="store_true", help="warnings and errors only")
    args = p.parse_args(argv)
    logging.basicConfig(stream=sys.stdout, level=logging.WARNING if args.quiet else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from vboshell.backup.locks import LockBusyError, service_lock
    from vboshell.store.catalog import Catalog
    from vboshell.store.secrets import vboshell_home

    lock = service_lock()
    try:
        lock.acquire()
    except LockBusyError as exc:
        pid = exc.holder.get("pid")
        print(f"vboshell service: another service is already running for {vboshell_home()}"
              + (f" (pid {pid})" if pid else "") + ".", file=sys.stderr)
        return 2
    stop = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        log.info("Received %s: stopping running jobs", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    from vboshell.graph.transport import load_http_stack

    load_http_stack()  # once here, rather than inside the first job that runs
    catalog = Catalog.default()
    sched = Scheduler(catalog, Clock(args.time_scale), stop)
    log.info("vboshell service started (home %s, tick %ss, time scale %s)", vboshell_home(), args.tick,
             args.time_scale)
    t_end = None if args.max_seconds is None else time.monotonic() + args.max_seconds
    try:
        while not stop.is_set():
            try:
                sched.tick()
            except Exception:  # noqa: BLE001 - keep serving
                log.exception("scheduler tick failed")
            if args.once:
                for r in list(sched.runners.values()):
                    while not r.done.wait(0.2):
                        if stop.is_set():
                            break
                sched.tick()
                break
            if t_end is not None and time.monotonic() >= t_end:
                break
            stop.wait(args.tick)
    finally:
        sched.stop_all()
        from vboshell.graph.sync import close_all

        close_all()
        lock.release()
        log.info("vboshell service stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
