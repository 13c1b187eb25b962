"""Job cmdlets through the shell against the sandbox: job CRUD, backup and excluded items, schedule policies and
NextRun, Start-VBOJob (progress, -RunAsync + Wait-VBOJobSession, -Full), Get-VBOJobSession filters."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from vboshell.runtime.errors import PSRuntimeError

SETUP = (
    "$s = New-VBOOffice365ApplicationOnlyConnectionSettings -TenantId $tenant -ApplicationId $app "
    "-ApplicationSecret (ConvertTo-SecureString $secret -AsPlainText -Force) -Region Custom -AuthorityHost $authority "
    "-GraphEndpoint $graph -CertificateAuthorityPath $ca\n"
    "$org = Add-VBOOrganization -Office365ExchangeConnectionsSettings $s -Office365SharePointConnectionsSettings $s "
    "-WarningAction SilentlyContinue\n"
    "$repo = Add-VBORepository -Name Local -Path ./repo\n"
    "$users = Get-VBOOrganizationUser -Organization $org | Sort-Object DisplayName\n"
)


@pytest.fixture
def shell(sandbox: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from vboshell.runtime.context import BufferHost, ExecutionContext

    monkeypatch.setenv("VBOSHELL_HOME", str(tmp_path / "home"))
    ctx = ExecutionContext(BufferHost(), cwd=tmp_path)
    for k, v in dict(tenant=sandbox.tenant_id, app=sandbox.client_id, secret=sandbox.client_secret,
                     authority=sandbox.authority_host, graph=sandbox.graph_endpoint, ca=sandbox.ca_bundle_path).items():
        ctx.set_variable(k, v)
    ctx.invoke(SETUP, raise_errors=True)
    yield ctx
    from vboshell.graph.sync import close_all

    close_all()


def run(ctx: Any, script: str) -> list[Any]:
    return ctx.invoke(script, raise_errors=True)


def test_job_crud_and_items(shell: Any) -> None:
    job = run(shell, "Add-VBOJob -Organization $org -Name 'Mail' -Repository $repo -Description 'two mailboxes' "
                     "-SelectedItems (New-VBOBackupItem -User $users[0] -Mailbox), (New-VBOBackupItem -User $users[1])")[0]
    assert job.Name == "Mail" and job.JobBackupType == "SelectedItems" and job.LastStatus == "NotConfigured"
    assert [i.Type for i in job.SelectedItems] == ["User", "User"]
    assert job.SelectedItems[0].Mailbox and not job.SelectedItems[0].OneDrive
    assert job.SelectedItems[1].Mailbox and job.SelectedItems[1].OneDrive  # no switch: every service
    assert job.SchedulePolicy.EnableSchedule is False and job.NextRun is None
    with pytest.raises(PSRuntimeError) as ei:
        run(shell, "Add-VBOJob -Organization $org -Name 'Mail' -Repository $repo -EntireOrganization")
    assert ei.value.error_record.error_id.startswith("JobExists")
    # items
    run(shell, "$site = Get-VBOOrganizationSite -Organization $org | Select-Object -First 1\n"
               "Add-VBOBackupItem -Job (Get-VBOJob -Name Mail) -BackupItem (New-VBOBackupItem -Site $site)")
    items = run(shell, "Get-VBOBackupItem -Job (Get-VBOJob -Name Mail)")
    assert [i.Type for i in items] == ["User", "User", "Site"]
    assert [i.Type for i in run(shell, "Get-VBOBackupItem -Job (Get-VBOJob -Name Mail) -Sites")] == ["Site"]
    run(shell, "$j = Get-VBOJob -Name Mail\nRemove-VBOBackupItem -Job $j -BackupItem (Get-VBOBackupItem -Job $j -Sites)")
    assert len(run(shell, "Get-VBOBackupItem -Job (Get-VBOJob -Name Mail)")) == 2
    run(shell, "Add-VBOExcludedBackupItem -Job (Get-VBOJob -Name Mail) -BackupItem (New-VBOBackupItem -User $users[1] "
               "-OneDrive)")
    ex = run(shell, "Get-VBOExcludedBackupItem -Job (Get-VBOJob -Name Mail)")
    assert len(ex) == 1 and ex[0].OneDrive and not ex[0].Mailbox
    # set / disable / enable / remove
    run(shell, "Get-VBOJob -Name Mail | Set-VBOJob -Name 'Mail 2' -SchedulePolicy "
               "(New-VBOJobSchedulePolicy -Type Daily -DailyTime '22:30' -DailyType Workdays)")
    j = run(shell, "Get-VBOJob -Name 'Mail 2'")[0]
    assert j.SchedulePolicy.DailyTime == timedelta(hours=22, minutes=30) and j.SchedulePolicy.DailyType == "Workdays"
    assert j.NextRun is not None and j.NextRun.hour == 22 and j.NextRun.minute == 30 and j.NextRun.weekday() < 5
    run(shell, "Get-VBOJob -Name 'Mail 2' | Disable-VBOJob")
    assert run(shell, "(Get-VBOJob -Name 'Mail 2').IsEnabled") == [False]
    assert run(shell, "(Get-VBOJob -Name 'Mail 2').NextRun") == [None]
    run(shell, "Get-VBOJob -Name 'Mail 2' | Enable-VBOJob")
    assert run(shell, "Get-VBOOrganization | Get-VBOJob | ForEach-Object Name") == ["Mail 2"]
    assert run(shell, "Get-VBOJob -Name 'Mail 2' | Remove-VBOJob -WhatIf; (Get-VBOJob).Count") == [1]
    run(shell, "Get-VBOJob -Name 'Mail 2' | Remove-VBOJob -Confirm:$false")
    assert run(shell, "Get-VBOJob") == []
    text = shell.invoke("New-VBOJobSchedulePolicy -Type Periodically -PeriodicallyEvery Hours4 | Out-String")[0]
    assert "Periodically" in text and "Hours4" in text


def test_start_wait_sessions(shell: Any) -> None:
    run(shell, "$job = Add-VBOJob -Organization $org -Name 'Alice' -Repository $repo "
               "-SelectedItems (New-VBOBackupItem -User $users[0] -Mailbox -OneDrive)")
    sess = run(shell, "Start-VBOJob -Job $job")[0]
    assert sess.Status == "Success" and sess.Progress == 100 and sess.JobSessionConfigType == "Incremental"
    assert sess.Statistics.ProcessedObjects == 1 and sess.Statistics.ProcessedItems > 10
    assert "Progress" not in shell.host.error_text
    s2 = run(shell, "Start-VBOJob -Job $job -RunAsync -Full | Wait-VBOJobSession -Timeout 120")[0]
    assert s2.Status == "Success" and s2.JobSessionConfigType == "Full"
    assert s2.Statistics.ProcessedItems == 0  # -Full re-reads everything, but nothing changed
    all_s = run(shell, "Get-VBOJobSession -Job $job")
    assert [s.Status for s in all_s] == ["Success", "Success"] and all_s[0].CreationTime >= all_s[1].CreationTime
    assert len(run(shell, "Get-VBOJobSession -Job $job -Last")) == 1
    assert run(shell, "Get-VBOJobSession -Status Failed") == []
    j = run(shell, "Get-VBOJob -Name Alice")[0]
    assert j.LastStatus == "Success" and isinstance(j.LastRun, datetime) and j.LastBackup is not None
    text = shell.invoke("Get-VBOJobSession -Job $job -Last | Out-String")[0]
    assert "Success" in text and "JobName" in text


def test_excluded_items_not_backed_up(shell: Any) -> None:
    run(shell, "$job = Add-VBOJob -Organization $org -Name 'Two' -Repository $repo "
               "-SelectedItems (New-VBOBackupItem -User $users[0]), (New-VBOBackupItem -User $users[1]) "
               "-ExcludedItems (New-VBOBackupItem -User $users[1] -OneDrive)")
    s = run(shell, "Start-VBOJob -Job $job")[0]
    assert s.Status == "Success"
    uid1 = run(shell, "$users[1].OfficeId")[0]
    from vboshell.backup.runner import JobRunner  # noqa: F401 - engine loaded
    from vboshell.repository.manage import open_repository
    from vboshell.store.catalog import Catalog

    cat = Catalog.default()
    repo = open_repository(cat.list_repositories()[0], cat)
    st = repo.object_statuses(repo.latest_restore_point())
    services = next(x.counts["services"] for x in st if x.object.external_id == uid1)
    assert "Exchange" in services and "OneDrive" not in services


def test_schedule_next_run() -> None:
    from vboshell.backup.schedule import in_window, next_run, window

    after = datetime(2026, 11, 27, 10, 7, tzinfo=datetime.now().astimezone().tzinfo)
    assert next_run({"EnableSchedule": False}, after) is None
    p = {"Type": "Periodically", "PeriodicallyEvery": "Minutes15"}
    assert next_run(p, after) == after.replace(minute=15)
    assert next_run({**p, "PeriodicallyOffsetMinutes": 5}, after) == after.replace(minute=20)
    d = {"Type": "Daily", "DailyTime": "09:00:00", "DailyType": "Everyday"}
    assert next_run(d, after) == after.replace(day=28, hour=9, minute=0)
    # Friday 27 Nov 2026 -> next working day is Monday 30
    assert next_run({**d, "DailyType": "Workdays"}, after) == after.replace(day=30, hour=9, minute=0)
    assert next_run({**d, "DailyType": "Sunday"}, after).day == 29
    w = window("Saturday", 0, "Monday", 0)
    assert in_window(w, after.replace(day=28)) and not in_window(w, after)
    assert next_run({**p, "PeriodicallyWindowSettings": w}, after) == after.replace(day=28, hour=0, minute=0)
