"""Concurrency with jobs: the same job started twice (the second refused clearly), two jobs writing one repository
(serialised or refused, never corrupting), and `vboshell service` running jobs while a shell changes configuration."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.reliability.conftest import child_env, pick, sandbox_home, vboshell_exe

pytest.importorskip("vboshell.backup.runner", reason="backup job runner (issue 8) not available")

from tests.backup.conftest import connect_shell  # noqa: E402


@pytest.fixture(scope="module")
def jobs_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    base = tmp_path_factory.mktemp("concjobs")
    with sandbox_home(base, "tiny", 808, mode="process") as sb:
        users = [u for u in sb.truth.users() if u["listedInGraph"] and u["hasDrive"] and u["purpose"] == "user"]
        ctx = connect_shell(sb, base, base / "repo",
                            "$users = Get-VBOOrganizationUser -Organization $org\n"
                            "$all = Add-VBOJob -Organization $org -Name All -Repository $repo -EntireOrganization\n"
                            f"$j1 = Add-VBOJob -Organization $org -Name U1 -Repository $repo -SelectedItems "
                            f"(New-VBOBackupItem -User ($users | Where-Object OfficeId -eq '{users[0]['id']}') "
                            "-Mailbox -OneDrive)\n"
                            f"$j2 = Add-VBOJob -Organization $org -Name U2 -Repository $repo -SelectedItems "
                            f"(New-VBOBackupItem -User ($users | Where-Object OfficeId -eq '{users[1]['id']}') "
                            "-Mailbox -OneDrive)")
        yield SimpleNamespace(sb=sb, ctx=ctx, base=base, home=base / "home")


def _start(env: SimpleNamespace, job: str, go: Path) -> subprocess.Popen[str]:
    script = (f"while (-not (Test-Path '{go}')) {{ Start-Sleep -Milliseconds 2 }}\n"
              f"$s = Get-VBOJob -Name {job} | Start-VBOJob\n'STATUS ' + $s.Status")
    return subprocess.Popen([vboshell_exe(), "-NoProfile", "-NonInteractive", "-Command", script],
                            env=child_env(env.home), cwd=env.base, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _test_repository(env: SimpleNamespace) -> None:
    res = env.ctx.invoke("Get-VBORepository -Name Local | Test-VBORepository", raise_errors=True)[0]
    assert res.IsConsistent, (res.Problems, res.Notes)


def test_same_job_started_twice(jobs_env: SimpleNamespace) -> None:
    env = jobs_env
    go = env.base / "go-twice"
    procs = [_start(env, "All", go) for _ in range(2)]
    time.sleep(0.7)
    go.touch()
    res = [p.communicate(timeout=300) for p in procs]
    from vboshell.store.catalog import Catalog

    cat = Catalog.default()
    failed = [(e.type, e.title, e.message) for s in cat.list_job_sessions(cat.find_job("All").id)
              if s.status == "Failed" for e in cat.job_session_logs(s.id) if e.type != "Info"]
    ran = [out for out, _ in res if "STATUS Success" in out]
    refused = [err for _, err in res if "already running" in err]
    assert len(ran) == 1 and len(refused) == 1, (res, failed)
    assert "Traceback" not in "".join(e for _, e in res)
    assert "Start-VBOJob" in refused[0] and "Stop-VBOJob" in refused[0], refused[0]  # says what to do
    _test_repository(env)


def test_two_jobs_one_repository(jobs_env: SimpleNamespace) -> None:
    """Two jobs on one repository at once: each run either completes or is refused because the repository is in use;
    a refused job completes when run again; the repository verifies and holds both users' content."""
    env = jobs_env
    for rnd in range(pick(1, 3)):
        go = env.base / f"go-two-{rnd}"
        procs = {job: _start(env, job, go) for job in ("U1", "U2")}
        time.sleep(0.7)
        go.touch()
        res = {job: p.communicate(timeout=300) for job, p in procs.items()}
        assert "Traceback" not in "".join(e for _, e in res.values())
        for job, (out, err) in res.items():
            if "STATUS Success" in out:
                continue
            from vboshell.store.catalog import Catalog

            cat = Catalog.default()
            last = sorted(cat.list_job_sessions(cat.find_job(job).id), key=lambda x: x.creation_time, reverse=True)
            problems = [f"{e.type} {e.title}: {e.message}" for s in last[:1] for e in cat.job_session_logs(s.id)
                        if e.type != "Info" and not e.title.startswith("Job finished")]
            logs = " ".join(problems)
            assert "busy" in logs.lower() or "in use" in logs.lower(), (job, out, err, problems)
            p = _start(env, job, go)
            out2, err2 = p.communicate(timeout=300)
            assert "STATUS Success" in out2, (out2, err2)
        _test_repository(env)
    from vboshell.repository.manage import open_repository
    from vboshell.store.catalog import Catalog

    cat = Catalog.default()
    repo = open_repository(cat.find_repository("Local"), cat)
    try:
        for job in ("U1", "U2"):
            rps = repo.restore_points(job_id=cat.find_job(job).id)
            assert rps and rps[-1].committed
    finally:
        repo.close()


def test_service_and_shell_change_configuration_at_once(jobs_env: SimpleNamespace) -> None:
    env = jobs_env
    from vboshell.store.catalog import Catalog

    cat = Catalog.default()
    env.ctx.invoke("Set-VBOJob -Job (Get-VBOJob -Name U1) -SchedulePolicy "
                   "(New-VBOJobSchedulePolicy -Type Periodically -PeriodicallyEvery Minutes5)", raise_errors=True)
    before = len(cat.list_job_sessions(cat.find_job("U1").id))
    seconds = pick(5, 25)
    svc = subprocess.Popen([vboshell_exe(), "service", "--tick", "0.2", "--time-scale", "600", "--max-seconds",
                            str(seconds)], env=child_env(env.home), cwd=env.base, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    try:
        n = 0
        t_end = time.monotonic() + seconds - 2
        while time.monotonic() < t_end:
            n += 1
            env.ctx.invoke(f"Set-VBOJob -Job (Get-VBOJob -Name U1) -Description 'shell {n}' | Out-Null\n"
                           f"Set-VBOJob -Job (Get-VBOJob -Name U2) -Description 'shell {n}' | Out-Null\n"
                           f"Set-VBORepository -Repository (Get-VBORepository -Name Local) -Description 'shell {n}' "
                           "| Out-Null\n"
                           f"Set-VBOOrganization -Organization (Get-VBOOrganization | Select-Object -First 1) "
                           f"-Description 'shell {n}' | Out-Null\n"
                           f"Add-VBORepository -Name 'svc-{n}' -Path '{env.base / f'svc-{n}'}' | Out-Null",
                           raise_errors=True)
            time.sleep(0.05)
        out, err = svc.communicate(timeout=120)
    finally:
        if svc.poll() is None:
            svc.kill()
            svc.communicate()
    assert svc.returncode == 0, (out, err)
    assert "Traceback" not in out + err and "locked" not in (out + err).lower(), (out + err)[-3000:]
    # every change the shell made is there
    assert cat.find_job("U1").description == f"shell {n}" and cat.find_job("U2").description == f"shell {n}"
    assert cat.find_repository("Local").description == f"shell {n}"
    assert cat.list_organizations()[0].description == f"shell {n}"
    assert all(cat.find_repository(f"svc-{i}") for i in range(1, n + 1))
    # the service kept its schedule: the job ran meanwhile, and its runs succeeded
    sessions = cat.list_job_sessions(cat.find_job("U1").id)
    new = sessions[: len(sessions) - before] if sessions and sessions[0].creation_time >= sessions[-1].creation_time \
        else sessions[before:]
    assert new, out
    # (the run going on when the service is told to exit is stopped cleanly: 'Stopped')
    assert all(s.status in ("Success", "Warning", "Stopped") for s in new), [s.status for s in new]
    assert sum(s.status == "Stopped" for s in new) <= 1
    assert cat.find_job("U1").schedule_policy, "the service did not lose the job's schedule"
    _test_repository(env)
    repo = __import__("vboshell.repository.manage", fromlist=["open_repository"]).open_repository(
        cat.find_repository("Local"), cat)
    try:
        assert repo.verify().ok
    finally:
        repo.close()
