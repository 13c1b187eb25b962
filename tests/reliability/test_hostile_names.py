"""Hostile names from the tenant ('..', '/', reserved device names, 400 characters, control characters) never escape
the export, save or restore target: local files stay under the target directory, restored items under the target
folder, and every item still gets a file."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

pytest.importorskip("vboshell.restore.paths", reason="restore (issue 9) not available")
pytest.importorskip("vboshell.backup.runner", reason="backup job runner (issue 8) not available")

from tests.backup.conftest import connect_shell  # noqa: E402
from tests.reliability.conftest import sandbox_home  # noqa: E402


def _tree(root: Path) -> set[str]:
    return {str(p) for p in root.rglob("*")}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    base = tmp_path_factory.mktemp("hostile")
    with sandbox_home(base, "tiny", 404) as sb:
        user = next(u for u in sb.truth.users() if u["listedInGraph"] and u["hasDrive"] and u["purpose"] == "user")
        added = sb.mutate.add_hostile_items(user=user["id"])
        ctx = connect_shell(sb, base, base / "repo")
        ctx.invoke(f"$u = Get-VBOOrganizationUser -Organization $org | Where-Object OfficeId -eq '{user['id']}'\n"
                   "$job = Add-VBOJob -Organization $org -Name Hostile -Repository $repo "
                   "-SelectedItems (New-VBOBackupItem -User $u -Mailbox -OneDrive)\n"
                   "$s = Start-VBOJob -Job $job", raise_errors=True)
        status = str(ctx.get_variable("s").Status)
        out = base / "out"
        out.mkdir()
        # a sibling of the target that an escaping name would land in
        (base / "sibling").mkdir()
        yield SimpleNamespace(sb=sb, ctx=ctx, base=base, out=out, user=user, added=added, status=status)


def _outside_changes(env: SimpleNamespace, before: set[str], target: Path) -> list[str]:
    after = _tree(env.base)
    new = after - before
    return sorted(p for p in new if not (p == str(target) or p.startswith(str(target) + os.sep))
                  and "/home/" not in p and not p.startswith(str(env.base / "repo")))


def test_backup_of_hostile_items(hostile: SimpleNamespace) -> None:
    assert hostile.status in ("Success", "Warning")
    assert len(hostile.added["files"]) >= 10


def test_save_onedrive_stays_in_target(hostile: SimpleNamespace) -> None:
    env = hostile
    target = env.out / "onedrive"
    before = _tree(env.base)
    env.ctx.invoke("$vs = Start-VEODRestoreSession -LatestState -Organization $org\n"
                   f"$vu = Get-VEODUser -Session $vs | Where-Object {{ $_.Email -eq '{env.user['userPrincipalName']}' -or "
                   f"$_.Name -eq '{env.user['displayName']}' }} | Select-Object -First 1\n"
                   f"Save-VEODDocument -User $vu -Path '{target}'", raise_errors=True)
    assert not _outside_changes(env, before, target)
    saved = [p for p in target.rglob("*") if p.is_file()]
    for p in saved:
        assert p.resolve().is_relative_to(target.resolve()), p
        assert all(len(part.encode()) <= 255 for part in p.relative_to(target).parts), p
        assert all(part not in (".", "..") for part in p.relative_to(target).parts), p
    files = [i for i in env.sb.truth.drive_items(env.sb.truth.drive_id(env.user["id"])) if not i["isFolder"]]
    assert len(saved) >= len(files), "every file got its own local file (none dropped or overwritten)"
    contents = {p.read_bytes() for p in saved}
    assert b"hostile" in contents


def test_save_onedrive_zip_members_are_safe(hostile: SimpleNamespace) -> None:
    env = hostile
    target = env.out / "od.zip"
    env.ctx.invoke("$vs = Start-VEODRestoreSession -LatestState -Organization $org\n"
                   f"$vu = Get-VEODUser -Session $vs | Where-Object {{ $_.Email -eq '{env.user['userPrincipalName']}' -or "
                   f"$_.Name -eq '{env.user['displayName']}' }} | Select-Object -First 1\n"
                   f"Save-VEODDocument -User $vu -Path '{target}' -AsZip", raise_errors=True)
    with zipfile.ZipFile(target) as z:
        names = z.namelist()
    assert names
    for n in names:
        parts = n.split("/")
        assert not n.startswith("/") and "\\" not in n and ".." not in parts and "." not in parts, n
        assert all(len(p.encode()) <= 255 for p in parts), n
    assert len(names) == len(set(names)), "duplicate members"


@pytest.mark.parametrize("fmt", ["Msg", "Mbox"])
def test_export_mail_stays_in_target(hostile: SimpleNamespace, fmt: str) -> None:
    env = hostile
    target = env.out / f"mail-{fmt.lower()}"
    to = target if fmt == "Msg" else target / "all.mbox"
    if fmt == "Mbox":
        target.mkdir()
    before = _tree(env.base)
    fmt_arg = "" if fmt == "Msg" else "-Format Mbox"
    env.ctx.invoke("$xs = Start-VBOExchangeItemRestoreSession -LatestState -Organization $org\n"
                   f"$mb = Get-VEXMailbox -Session $xs | Where-Object {{ $_.Email -eq '{env.user['userPrincipalName']}' }} "
                   "| Select-Object -First 1\n"
                   f"Export-VEXItem -Mailbox $mb -To '{to}' {fmt_arg} -Force", raise_errors=True)
    assert not _outside_changes(env, before, target)
    written = [p for p in target.rglob("*") if p.is_file()]
    assert written
    for p in written:
        assert p.resolve().is_relative_to(target.resolve()), p
        assert all(part not in (".", "..") and len(part.encode()) <= 255 for part in p.relative_to(target).parts), p
    if fmt == "Msg":
        n_msgs = len(env.sb.truth.messages(env.user["id"]))
        assert len(written) >= n_msgs, (len(written), n_msgs)


def test_restore_onedrive_stays_in_target_folder(hostile: SimpleNamespace) -> None:
    env = hostile
    drive = env.sb.truth.drive_id(env.user["id"])
    before = {i["id"]: i["path"] for i in env.sb.truth.drive_items(drive)}
    env.ctx.invoke("$vs = Start-VEODRestoreSession -LatestState -Organization $org\n"
                   f"$vu = Get-VEODUser -Session $vs | Where-Object {{ $_.Email -eq '{env.user['userPrincipalName']}' -or "
                   f"$_.Name -eq '{env.user['displayName']}' }} | Select-Object -First 1\n"
                   f"Restore-VEODDocument -User $vu -TargetUser '{env.user['userPrincipalName']}' "
                   "-TargetFolder 'Restored' -Action Keep", raise_errors=True)
    after = env.sb.truth.drive_items(drive)
    new = [i for i in after if i["id"] not in before]
    assert new, "the restore created items"
    escaped = [i["path"] for i in new if not (i["path"] == "Restored" or i["path"].startswith("Restored/"))]
    assert not escaped, escaped
    changed = [i["path"] for i in after if i["id"] in before and before[i["id"]] != i["path"]]
    assert not changed, changed


def test_restore_mail_stays_in_target_folder(hostile: SimpleNamespace) -> None:
    env = hostile
    before = {m["id"] for m in env.sb.truth.messages(env.user["id"])}
    env.ctx.invoke("$xs = Start-VBOExchangeItemRestoreSession -LatestState -Organization $org\n"
                   f"$mb = Get-VEXMailbox -Session $xs | Where-Object {{ $_.Email -eq '{env.user['userPrincipalName']}' }} "
                   "| Select-Object -First 1\n"
                   f"Restore-VEXItem -Mailbox $mb -TargetMailbox '{env.user['userPrincipalName']}' -ToFolder 'Restored'",
                   raise_errors=True)
    new = [m for m in env.sb.truth.messages(env.user["id"]) if m["id"] not in before]
    assert new, "the restore created messages"
    escaped = [m["folderPath"] for m in new if not m["folderPath"].startswith("Restored")]
    assert not escaped, escaped
