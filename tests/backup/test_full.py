"""Full backup of the default demo tenant, compared item by item with the sandbox truth; session log and statistics;
an unchanged second run reads nothing; overlapping runs are refused; API-only errors of New-VBOBackupItem."""

from __future__ import annotations

from typing import Any

import pytest

from tests.backup.conftest import compare_with_truth


def test_full_backup_matches_truth(env: Any) -> None:
    job = env.job()
    s = env.backup(job)
    assert s.status == "Success", [(e.type, e.title, e.message) for e in env.logs(s) if e.type != "Info"]
    repo = env.repo()
    counts = compare_with_truth(env.sb, repo)
    assert counts["messages"] > 100 and counts["driveItems"] > 50 and counts["listItems"] and counts["posts"]
    assert counts.get("archive")
    # one committed restore point with a status per object
    rps = repo.restore_points(job_id=job.id)
    assert len(rps) == 1 and rps[0].committed and rps[0].status == "Success"
    statuses = repo.object_statuses(rps[0])
    assert statuses and all(st.status == "Success" for st in statuses)
    # statistics add up: per-object items sum to the total
    st = s.statistics
    assert st["ProcessedObjects"] == st["TotalObjects"] == len(st["Objects"]) == len(statuses)
    assert sum(o["items"] for o in st["Objects"].values()) == st["ProcessedItems"]
    assert sum(o["bytes"] for o in st["Objects"].values()) == st["ProcessedBytes"]
    assert st["TransferredBytes"] > 0
    # OneNote notebook kept as a package folder with its files
    state = repo.view()
    pkgs = [v for o in state.objects() for v in state.items(o, "OneDrive", None, recursive=True)
            if v.metadata.get("type") == "package"]
    assert pkgs and pkgs[0].metadata["package"]["type"] == "oneNote"
    # a second run with nothing changed reads only the delta rounds and stores nothing
    env.sb.reset_counters()
    s2 = env.backup(job)
    assert s2.status == "Success"
    assert s2.statistics["ProcessedItems"] == 0
    per = env.sb.counters()["per_endpoint"]
    assert not any("$value" in k or "/_download/" in k or "exportItems" in k for k in per), per
    assert len(repo.restore_points(job_id=job.id)) == 2


def test_session_log_reads_like_veeam(env: Any) -> None:
    u = env.sb.truth.users()[0]
    env.run(f"$u = Get-VBOOrganizationUser -Organization $org | Where-Object OfficeId -eq '{u['id']}'\n"
            "$job = Add-VBOJob -Organization $org -Name Mail -Repository $repo -SelectedItems "
            "(New-VBOBackupItem -User $u -Mailbox)")
    env.run("$null = Start-VBOJob -Job $job")
    log = env.run("Get-VBOJobSession -Last | Select-Object -ExpandProperty Log")
    titles = [x.Title for x in log]
    assert titles[0].startswith("Job Mail started")
    assert any(t.startswith("Processing mailbox") for t in titles)
    assert any("mailbox processed" in t for t in titles)
    assert "Restore point created" in titles and titles[-1] == "Job finished with Success"
    assert {x.Type for x in log} <= {"Info", "Warning", "Error"}
    text = env.ctx.invoke("Get-VBOJobSession -Last | Select-Object -ExpandProperty Log | Out-String")[0]
    assert "CreationTime" in text and "Job finished with Success" in text
    sess = env.run("Get-VBOJobSession -Job (Get-VBOJob -Name Mail) -Last")[0]
    assert sess.Status == "Success" and sess.Statistics.ProcessedObjects == 1
    assert "items/s" in sess.Statistics.ProcessingRate and "MB/s" in sess.Statistics.ProcessingRate


def test_unit_threads_leave_the_session_log_to_the_job_thread(env: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Dozens of unit threads each writing their own log lines queued on the catalogue's database (one disk sync
    per line): the job's own thread writes their lines in batches, in order, and every line is in the log before
    the session ends."""
    import threading

    from vboshell.store.catalog import Catalog

    writers: list[tuple[str, int]] = []
    batch = Catalog.add_job_session_logs

    def record(self: Catalog, session_id: str, entries: list[Any]) -> list[Any]:
        writers.append((threading.current_thread().name, len(entries)))
        return batch(self, session_id, entries)

    monkeypatch.setattr(Catalog, "add_job_session_logs", record)
    monkeypatch.setattr(Catalog, "add_job_session_log", lambda *a, **k: pytest.fail("a log line written alone"))
    sess = env.backup(env.job("Logs"))
    assert sess.status in ("Success", "Warning")
    assert {name for name, _n in writers} == {threading.current_thread().name}
    assert any(n > 1 for _name, n in writers)  # unit lines went in batches
    log = env.logs(sess)
    titles = [x.title for x in log]
    assert titles[0].startswith("Job Logs started") and titles[-1].startswith("Job finished with")
    assert [x.id for x in log] == sorted(x.id for x in log)
    started = {x.object_id: i for i, x in enumerate(log) if x.title.startswith("Processing mailbox")}
    done = {x.object_id: i for i, x in enumerate(log) if "mailbox processed" in x.title}
    assert started and started.keys() == done.keys()
    assert all(started[o] < done[o] for o in started)  # each unit's lines in the order it wrote them
    assert sum(n for _name, n in writers) == len(log)


def test_overlapping_runs_refused(env: Any) -> None:
    from vboshell.backup.locks import job_lock
    from vboshell.backup.runner import JobAlreadyRunning, start_job

    job = env.job("Overlap")
    with job_lock(job.id):  # as if another process were running it
        with pytest.raises(JobAlreadyRunning):
            start_job(job, env.catalog)
        err = env.ctx.invoke("Get-VBOJob -Name Overlap | Start-VBOJob", raise_errors=False)
        assert err == []
        assert "already running" in env.ctx.host.error_text


def test_api_only_selection_errors(env: Any) -> None:
    from vboshell.runtime.errors import PSRuntimeError

    for script in ("$u = Get-VBOOrganizationUser -Organization $org | Select-Object -First 1\n"
                   "$u.UserName = 'DiscoverySearchMailbox{D919BA05}@contoso.com'\nNew-VBOBackupItem -User $u",
                   "$u = Get-VBOOrganizationUser -Organization $org | Select-Object -First 1\n"
                   "$u.UserName = 'PF_Mailbox1@contoso.com'; $u.Type = 'PublicMailbox'\nNew-VBOBackupItem -User $u",
                   "$g = Get-VBOOrganizationGroup -Organization $org | Select-Object -First 1\n"
                   "$g.Type = 'DynamicDistribution'\nNew-VBOBackupItem -Group $g"):
        with pytest.raises(PSRuntimeError) as ei:
            env.ctx.invoke(script, raise_errors=True)
        rec = ei.value.error_record
        assert "ApiOnlyModeNotSupported" in rec.error_id or "not supported in API-only mode" in rec.message, rec.message
