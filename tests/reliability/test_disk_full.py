"""Disk full: the repository on a small tmpfs fills mid-backup; the job fails with a clear error naming the path and
the space, the repository still verifies, and once space is freed the next run completes with full content."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

pytest.importorskip("vboshell.backup.runner", reason="backup job runner (issue 8) not available")

from tests.backup.conftest import compare_with_truth, connect_shell  # noqa: E402

FS_MB = 16
FILLER_MB = 9
BIG_FILES = 4
BIG = 2 * 1024 * 1024


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    """A size-limited tmpfs the test mounts (root only; skipped where mounting is not permitted)."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a size-limited tmpfs needs root")
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={FS_MB}m,mode=0700", "tmpfs", str(mnt)],
                       capture_output=True, text=True)
    if p.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {p.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


@pytest.fixture
def env(small_fs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SimpleNamespace]:
    from vboshell.graph.sync import close_all
    from vboshell.sandbox import Sandbox

    monkeypatch.setenv("VBOSHELL_HOME", str(tmp_path / "home"))
    sb = Sandbox("tiny", seed=55).start()
    try:
        user = next(u for u in sb.truth.users() if u["listedInGraph"] and u["hasDrive"] and u["purpose"] == "user")
        drive = sb.truth.drive_id(user["id"])
        for k in range(BIG_FILES):  # incompressible: the backup needs more than the free space
            sb.mutate.add_file(drive=drive, parent="root", name=f"big-{k}.bin", data=os.urandom(BIG))
        ctx = connect_shell(sb, tmp_path, small_fs / "repo",
                            "$job = Add-VBOJob -Organization $org -Name Full -Repository $repo -EntireOrganization")
        filler = small_fs / "filler.bin"
        with open(filler, "wb") as f:  # other data on the volume, freed later
            for _ in range(FILLER_MB):
                f.write(os.urandom(1024 * 1024))
        yield SimpleNamespace(sb=sb, ctx=ctx, fs=small_fs, filler=filler, repo_path=small_fs / "repo")
    finally:
        close_all()
        sb.stop()


def test_disk_full_mid_backup(env: SimpleNamespace) -> None:
    from vboshell.repository.manage import open_repository
    from vboshell.store.catalog import Catalog

    ctx = env.ctx
    st = os.statvfs(env.fs)
    assert st.f_bavail * st.f_frsize < BIG * BIG_FILES, "the volume is small enough to fill"
    s1 = ctx.invoke("Get-VBOJob -Name Full | Start-VBOJob", raise_errors=True)[0]
    cat = Catalog.default()
    logs = cat.job_session_logs(str(s1.Id))
    text = "\n".join(f"{e.type} {e.title}: {e.message}" for e in logs)
    # the job fails, and says where and why
    assert str(s1.Status) in ("Failed", "Warning"), text
    errors = [e for e in logs if e.type == "Error"]
    assert errors, text
    msg = "\n".join(f"{e.title}: {e.message}" for e in errors)
    assert re.search(r"no space|disk (is )?full|not enough (disk )?space|ENOSPC", msg, re.I), msg
    assert str(env.fs) in msg, f"the error names the full volume's path: {msg}"
    assert re.search(r"\d+(\.\d+)?\s*(B|KB|MB|GB|bytes)\b", msg), f"the error says how much space: {msg}"
    assert "Traceback" not in text
    # the repository still verifies
    res = ctx.invoke("Get-VBORepository -Name Local | Test-VBORepository", raise_errors=True)[0]
    assert res.IsConsistent, (res.Problems, res.Notes)
    # space is freed: the next run completes with the tenant's full content
    env.filler.unlink()
    s2 = ctx.invoke("Get-VBOJob -Name Full | Start-VBOJob", raise_errors=True)[0]
    logs2 = cat.job_session_logs(str(s2.Id))
    assert str(s2.Status) == "Success", [f"{e.type} {e.title}: {e.message}" for e in logs2 if e.type != "Info"]
    repo = open_repository(cat.find_repository("Local"), cat)
    try:
        compare_with_truth(env.sb, repo)
        assert repo.verify().ok
    finally:
        repo.close()
