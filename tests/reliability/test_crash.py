"""Crashes: `vboshell -Command 'Start-VBOJob …'` SIGKILLed at random moments against a sandbox in its own process;
after each kill Test-VBORepository passes and the next run completes with the tenant's full content."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from tests.reliability.conftest import FULL, child_env, pick, sandbox_home, vboshell_exe

pytest.importorskip("vboshell.backup.runner", reason="backup job runner (issue 8) not available")

from tests.backup.conftest import compare_with_truth, connect_shell  # noqa: E402

KILLS = pick(3, 20)
RUN_JOB = "$ErrorActionPreference = 'Stop'; $s = Get-VBOJob -Name Crash | Start-VBOJob; 'STATUS ' + $s.Status"


@pytest.fixture(scope="module")
def crash_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    base = tmp_path_factory.mktemp("crash")
    with sandbox_home(base, "default" if FULL else "tiny", 2026, mode="process") as sb:
        ctx = connect_shell(sb, base, base / "repo",
                            "$job = Add-VBOJob -Organization $org -Name Crash -Repository $repo -EntireOrganization")
        yield SimpleNamespace(sb=sb, ctx=ctx, home=base / "home", base=base)


def _start_job(env: SimpleNamespace) -> subprocess.Popen[str]:
    return subprocess.Popen([vboshell_exe(), "-NoProfile", "-NonInteractive", "-Command", RUN_JOB],
                            env=child_env(env.home), cwd=env.base, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def _test_repository(env: SimpleNamespace) -> Any:
    res = env.ctx.invoke("Get-VBORepository -Name Local | Test-VBORepository", raise_errors=True)
    assert len(res) == 1
    return res[0]


def _open_repo(env: SimpleNamespace) -> Any:
    from vboshell.repository.manage import open_repository
    from vboshell.store.catalog import Catalog

    cat = Catalog.default()
    return open_repository(cat.find_repository("Local"), cat)


def _sessions(env: SimpleNamespace) -> list[Any]:
    from vboshell.store.catalog import Catalog

    cat = Catalog.default()
    return cat.list_job_sessions(cat.find_job("Crash").id)


def _wait_running(env: SimpleNamespace, known: set[str], p: subprocess.Popen[str], timeout: float = 20) -> Any:
    """The new session once the child has created it (None if the child ended first)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end and p.poll() is None:
        for s in _sessions(env):
            if s.id not in known and s.status == "Running":
                return s
        time.sleep(0.02)
    return None


def test_backup_killed_at_random_moments(crash_env: SimpleNamespace) -> None:
    env = crash_env
    rnd = random.Random(20261127)
    env.sb.configure_faults(latency_ms=(2.0, 12.0), seed=5)  # the first full run, as slow as the killed ones
    p = _start_job(env)
    out, err = p.communicate(timeout=300)
    assert "STATUS Success" in out, out + err
    run_time = float(_sessions(env)[0].statistics.get("Duration") or 1.0)
    repo = _open_repo(env)
    first_rps = len(repo.restore_points())
    repo.close()
    mid_run = 0
    for i in range(KILLS):
        if i % 2 == 1:  # changes in the tenant between runs: incremental runs have work to do
            u = [x for x in env.sb.truth.users() if x["listedInGraph"] and x["hasDrive"]][i % 3]["id"]
            env.sb.mutate.add_message(user=u, folder="inbox", subject=f"crash {i}", body="x" * 2000)
            env.sb.mutate.add_file(drive=env.sb.truth.drive_id(u), parent="root", name=f"crash-{i}.bin",
                                   data=os.urandom(40_000))
        env.sb.configure_faults(latency_ms=(2.0, 12.0), seed=5 + i)  # a slower tenant widens the window for kills
        known = {s.id for s in _sessions(env)}
        p = _start_job(env)
        sess = _wait_running(env, known, p)
        # kill at a random moment of the run (the first kills land early, where a full round is going on)
        time.sleep(rnd.uniform(0.0, run_time * (0.9 if i % 3 else 0.3)))
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
        p.communicate(timeout=60)
        if sess is not None and next(s for s in _sessions(env) if s.id == sess.id).status == "Running":
            mid_run += 1  # the kill interrupted the run (its session is left 'Running' until the next run)
        # after each kill the repository verifies
        result = _test_repository(env)
        assert result.IsConsistent, (result.Problems, result.Notes)
        # and the next run (not killed) completes with the tenant's full content (default configuration: the
        # killed runs follow one another, and the run after the last kill completes)
        if not FULL and i < KILLS - 1:
            continue
        env.sb.reset_faults()
        p = _start_job(env)
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0 and "STATUS Success" in out, f"kill {i}: {out}\n{err}"
        assert "Traceback" not in err
        repo = _open_repo(env)
        try:
            compare_with_truth(env.sb, repo, content=True)
        finally:
            repo.close()
    assert mid_run >= max(1, KILLS // 2), f"only {mid_run} of {KILLS} kills interrupted a run"
    # the killed sessions are not left 'Running': the next run marked them failed, with the reason in their log
    sessions = _sessions(env)
    assert not [s for s in sessions if s.status == "Running"]
    from vboshell.store.catalog import Catalog

    interrupted = [s for s in sessions if s.status == "Failed" and any(
        "interrupted" in e.title for e in Catalog.default().job_session_logs(s.id))]
    assert len(interrupted) == mid_run
    repo = _open_repo(env)
    try:
        assert len(repo.restore_points()) > first_rps
        assert repo.verify().ok
    finally:
        repo.close()
