"""Restores killed midway: a `vboshell -Command 'Save-VEODDocument …'` SIGKILLed while it writes a file leaves no
half-written file under a final name, and running it again completes the save with every file intact."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.reliability.conftest import child_env, pick, sandbox_home, vboshell_exe

pytest.importorskip("vboshell.restore.files", reason="restore (issue 9) not available")
pytest.importorskip("vboshell.backup.runner", reason="backup job runner (issue 8) not available")

from tests.backup.conftest import connect_shell  # noqa: E402

BIG = 6 * 1024 * 1024
N_BIG = 5


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    base = tmp_path_factory.mktemp("restorecrash")
    home = base / "home"
    with sandbox_home(base, "tiny", 31) as sb:
        user = next(u for u in sb.truth.users() if u["listedInGraph"] and u["hasDrive"] and u["purpose"] == "user")
        drive = sb.truth.drive_id(user["id"])
        folder = sb.mutate.add_drive_folder(drive=drive, parent="root", name="Big")
        for k in range(N_BIG):
            sb.mutate.add_file(drive=drive, parent=folder, name=f"big-{k}.bin", data=os.urandom(BIG))
        ctx = connect_shell(sb, base, base / "repo")
        ctx.invoke(f"$u = Get-VBOOrganizationUser -Organization $org | Where-Object OfficeId -eq '{user['id']}'\n"
                   "$job = Add-VBOJob -Organization $org -Name RC -Repository $repo "
                   "-SelectedItems (New-VBOBackupItem -User $u -OneDrive)\n$null = Start-VBOJob -Job $job",
                   raise_errors=True)
        files = {i["name"]: i["content"] for i in sb.truth.drive_items(drive, with_content=True) if not i["isFolder"]}
        yield SimpleNamespace(sb=sb, base=base, home=home, user=user, files=files)


def _save_cmd(env: SimpleNamespace, target: Path) -> list[str]:
    script = ("$ErrorActionPreference = 'Stop'\n$org = Get-VBOOrganization | Select-Object -First 1\n"
              "$vs = Start-VEODRestoreSession -LatestState -Organization $org\n"
              f"$vu = Get-VEODUser -Session $vs | Where-Object {{ $_.Email -eq '{env.user['userPrincipalName']}' -or "
              f"$_.Name -eq '{env.user['displayName']}' }} | Select-Object -First 1\n"
              f"Save-VEODDocument -User $vu -Path '{target}'\n'SAVED'")
    return [vboshell_exe(), "-NoProfile", "-NonInteractive", "-Command", script]


def _kill_while_writing(env: SimpleNamespace, target: Path) -> bool:
    """Start a save and SIGKILL it the moment a big file is partly written. False if it finished first (it must
    then have succeeded)."""
    p = subprocess.Popen(_save_cmd(env, target), env=child_env(env.home), cwd=env.base, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    try:
        while p.poll() is None and time.monotonic() < deadline:
            if target.exists():
                for dirpath, _dirs, names in os.walk(target):
                    for n in names:
                        try:
                            size = os.stat(os.path.join(dirpath, n)).st_size
                        except FileNotFoundError:
                            continue
                        if 0 < size < BIG and n.startswith("big-") or (0 < size < BIG and "big-" in n):
                            os.killpg(p.pid, signal.SIGKILL)
                            p.communicate(timeout=30)
                            return True
            time.sleep(0.0005)
        out, err = p.communicate(timeout=30)
        assert "SAVED" in out, f"the save failed on its own: {out}\n{err}"
        return False
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.communicate(timeout=30)


def _looks_complete(name: str) -> bool:
    """A file name a user would take for a finished document (temporary/partial names are marked)."""
    low = name.lower()
    return not (low.startswith(".") or low.endswith((".partial", ".tmp", ".part", ".download", ".vbotmp")))


def test_save_killed_midway_then_rerun(backed_up: SimpleNamespace) -> None:
    env = backed_up
    kills = 0
    for attempt in range(pick(4, 10)):
        if kills >= pick(1, 5):
            break
        target = env.base / f"save-{attempt}"
        if not _kill_while_writing(env, target):
            continue
        kills += 1
        # nothing under a final name is half-written
        truncated = []
        for dirpath, _dirs, names in os.walk(target):
            for n in names:
                if not _looks_complete(n):
                    continue
                data = Path(dirpath, n).read_bytes()
                want = env.files.get(n)
                if want is not None and data != want:
                    truncated.append(f"{n}: {len(data)} of {len(want)} bytes")
        assert not truncated, f"half-written files under final names: {truncated}"
        # a rerun finishes it: every document present and intact
        p = subprocess.run(_save_cmd(env, target), env=child_env(env.home), cwd=env.base, capture_output=True,
                           text=True, timeout=120)
        assert "SAVED" in p.stdout, p.stdout + p.stderr
        assert "Traceback" not in p.stderr
        complete = {n: Path(d, n).read_bytes() for d, _x, ns in os.walk(target) for n in ns if _looks_complete(n)}
        for name, content in env.files.items():
            assert complete.get(name) == content, f"{name} missing or damaged after the rerun"
    if not kills:
        pytest.skip("the save finished before a kill could land mid-file on this machine")
