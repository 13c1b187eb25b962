"""Interrupted runs: Stop-VBOJob mid-run then a new run (no re-download of stored items, counted with the sandbox's
request counters), SIGKILL of the process mid-run then a new run (complete, verified), and the scheduler service."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from tests.backup.conftest import compare_with_truth

DOWNLOADS = ("$value", "_download")


def _downloads(sb: Any) -> int:
    return sum(n for k, n in sb.counters()["per_endpoint"].items() if any(d in k for d in DOWNLOADS))


def _content_items(sb: Any) -> int:
    t = sb.truth
    n = 0
    users = [u for u in t.users() if u["listedInGraph"]]
    for u in users:
        try:
            n += len(t.messages(u["id"]))
        except Exception:  # noqa: BLE001
            pass
    for d in t.drives():
        if d["ownerKind"] == "user" and not any(u["id"] == d["ownerId"] for u in users):
            continue
        n += sum(1 for i in t.drive_items(d["id"]) if not i["isFolder"])
    return n


def _wait_items(get: Any, n: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while get() < n:
        assert time.monotonic() < deadline, "the run did not progress"
        time.sleep(0.05)


def test_stop_then_resume_without_redownload(fresh_env: Any) -> None:
    from vboshell.backup.runner import start_job

    env = fresh_env
    job = env.job()
    env.sb.configure_faults(latency_ms=(15.0, 25.0))
    env.sb.reset_counters()
    runner = start_job(job, env.catalog, wait=False)
    _wait_items(lambda: _downloads(env.sb), 120)
    env.run("Get-VBOJob -Name J | Stop-VBOJob")  # through the cmdlet, as a user would
    assert runner.done.wait(60)
    s1 = env.catalog.get_job_session(runner.session.id)
    assert s1.status == "Stopped"
    assert any(e.title == "Job stopped by user" for e in env.logs(s1))
    repo = env.repo()
    assert repo.latest_restore_point(job_id=job.id) is None  # not committed: not visible
    d1 = _downloads(env.sb)
    env.sb.reset_faults()
    env.sb.reset_counters()
    s2 = env.backup(job)
    assert s2.status == "Success"
    assert any(e.title == "Resuming the interrupted restore point" for e in env.logs(s2))
    d2 = _downloads(env.sb)
    total = _content_items(env.sb)
    # what the stopped run stored is not downloaded again; the downloads in flight when the stop landed are
    # cancelled and fetched again (up to 4 per mailbox and PREFETCH_DEPTH per drive can be on the wire)
    assert d1 + d2 <= total + 48, (d1, d2, total)
    assert d2 < total - 40, (d1, d2, total)
    compare_with_truth(env.sb, env.repo())
    rps = env.repo().restore_points(job_id=job.id)
    assert len(rps) == 1 and rps[0].committed


def test_sigkill_then_resume(fresh_env: Any) -> None:
    env = fresh_env
    job = env.job()
    env.sb.configure_faults(latency_ms=(40.0, 60.0))
    env.sb.reset_counters()
    code = ("import sys; from vboshell.store.catalog import Catalog; from vboshell.backup.runner import JobRunner; "
            f"c = Catalog.default(); JobRunner(c.get_job('{job.id}'), c).run()")
    proc = subprocess.Popen([sys.executable, "-c", code], env={**os.environ, "VBOSHELL_HOME": env.home,
                                                                 "VBOSHELL_CHECKPOINT_SECONDS": "0.5"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def stored() -> int:
            ss = env.catalog.list_job_sessions(job.id)
            assert proc.poll() is None, "the backup process ended before it was killed"
            return int(ss[0].statistics.get("ProcessedItems", 0)) if ss else 0

        _wait_items(lambda: _downloads(env.sb) if stored() >= 0 else 0, 120)
        time.sleep(1.2)  # the runner checkpoints what it stored every 0.5 s here
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    env.sb.reset_faults()
    env.sb.reset_counters()
    s2 = env.backup(job)
    assert s2.status == "Success", [(e.type, e.title, e.message) for e in env.logs(s2) if e.type != "Info"]
    dead = [s for s in env.catalog.list_job_sessions(job.id) if s.id != s2.id]
    assert dead and dead[0].status == "Failed"
    assert _downloads(env.sb) < _content_items(env.sb) - 40
    repo = env.repo()
    compare_with_truth(env.sb, repo)
    report = repo.verify(read_data=True)
    assert report.ok, report.summary()


def test_scheduled_job_runs_under_service(fresh_env: Any) -> None:
    env = fresh_env
    u = env.sb.truth.users()[0]
    env.run(f"$u = Get-VBOOrganizationUser -Organization $org | Where-Object OfficeId -eq '{u['id']}'\n"
            "$p = New-VBOJobSchedulePolicy -EnableSchedule -Type Periodically -PeriodicallyEvery Minutes1\n"
            "$job = Add-VBOJob -Organization $org -Name Sched -Repository $repo -SchedulePolicy $p "
            "-SelectedItems (New-VBOBackupItem -User $u -Mailbox)")
    job = env.run("Get-VBOJob -Name Sched")[0]
    assert job.NextRun is not None and job.SchedulePolicy.Type == "Periodically"
    cmd = [sys.executable, "-m", "vboshell", "service", "--tick", "0.2", "--time-scale", "60"]
    penv = {**os.environ, "VBOSHELL_HOME": env.home}
    proc = subprocess.Popen(cmd, env=penv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            done = [s for s in env.catalog.list_job_sessions(str(job.Id)) if s.status == "Success"]
            if len(done) >= 2:
                break
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            assert time.monotonic() < deadline, "the scheduled job did not run twice"
            time.sleep(0.2)
        second = subprocess.run(cmd + ["--once"], env=penv, capture_output=True, text=True, timeout=60)
        assert second.returncode == 2 and "already running" in second.stderr
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    assert "Starting job 'Sched'" in out and "vboshell service stopped" in out
    assert not [s for s in env.catalog.list_job_sessions(str(job.Id)) if s.status == "Running"]


def test_stop_from_another_process_and_ctrl_c(fresh_env: Any) -> None:
    import threading

    from vboshell.backup.runner import start_job

    env = fresh_env
    job = env.job()
    env.sb.configure_faults(latency_ms=(10.0, 20.0))
    env.sb.reset_counters()
    runner = start_job(job, env.catalog, wait=False)
    _wait_items(lambda: _downloads(env.sb), 40)
    # what Stop-VBOJob does for a run it cannot reach directly: flag the session in the catalogue
    env.catalog.modify_job_session(runner.session.id, lambda r: setattr(r, "details", {**r.details,
                                                                                        "stop_requested": True}))
    assert runner.done.wait(60)
    assert env.catalog.get_job_session(runner.session.id).status == "Stopped"
    # Ctrl+C while Start-VBOJob waits: the pipeline stops, the run stops cleanly
    n0 = _downloads(env.sb)

    def press_ctrl_c() -> None:
        _wait_items(lambda: _downloads(env.sb) - n0, 40)
        env.ctx.stop()

    t = threading.Thread(target=press_ctrl_c)
    t.start()
    env.ctx.invoke("Get-VBOJob -Name J | Start-VBOJob")
    t.join(60)
    env.ctx.reset_stop()
    sessions = env.catalog.list_job_sessions(job.id)
    assert [s.status for s in sessions].count("Stopped") == 2, [s.status for s in sessions]
    env.sb.reset_faults()
    s3 = env.backup(job)
    assert s3.status == "Success"
    compare_with_truth(env.sb, env.repo(), content=False)
