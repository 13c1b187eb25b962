"""OneDrive round trips: delete/modify/move files after a backup, restore them in place (Overwrite/Keep), to another
user, from an older restore point; OneNote refused in API-only mode while the rest continues; Save-VEODDocument."""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

import pytest

from tests.restore.conftest import Env

# big enough that the repository GC problem of tests/restore/test_known_issues.py does not hit
MISTAKE = b"overwritten by mistake" + os.urandom(64 * 1024)
AGAIN = b"changed again" + os.urandom(64 * 1024)


def _files(env: Env, user: str) -> dict[str, dict]:
    d = env.sb.truth.drive_id(user)
    return {i["path"]: i for i in env.sb.truth.drive_items(d, with_content=True) if not i["isFolder"]}


@pytest.fixture(scope="module")
def changed(env: Env) -> dict:
    sb = env.sb
    before = _files(env, "alice")
    d = sb.truth.drive_id("alice")
    plain = [p for p, i in before.items() if "Notebook" not in p and i["size"] < 4_000_000]
    large = next(p for p, i in before.items() if i["size"] >= 4_000_000)
    deleted, modified, moved = plain[0], plain[1], plain[2]
    folder = next(i for i in sb.truth.drive_items(d) if i["isFolder"] and "Notebook" not in i["path"])
    sb.mutate.delete_drive_item(drive=d, item=before[deleted]["id"])
    sb.mutate.update_file(drive=d, item=before[modified]["id"], data=MISTAKE)
    if folder["path"] != moved.rsplit("/", 1)[0]:
        sb.mutate.move_drive_item(drive=d, item=before[moved]["id"], new_parent=folder["id"])
    sb.mutate.delete_drive_item(drive=d, item=before[large]["id"])
    env.backup()
    return {"before": before, "deleted": deleted, "modified": modified, "moved": moved, "large": large}


def _session(env: Env, extra: str = "") -> None:
    env.run(f"$s = Start-VEODRestoreSession -LatestState -ShowDeleted {extra}\n"
            "$u = Get-VEODUser -Session $s -Name alice")


def test_browse(env: Env, changed: dict) -> None:
    _session(env)
    top = env.run("Get-VEODDocument -User $u")
    assert top and all("/" not in d.Path for d in top)
    allf = env.run("Get-VEODDocument -User $u -Recurse")
    paths = {d.Path for d in allf}
    assert changed["deleted"] in paths and changed["large"] in paths
    assert next(d for d in allf if d.Path == changed["deleted"]).IsDeleted
    assert any(d.IsOneNote for d in allf)
    versions = env.run(f"Get-VEODDocument -User $u -Recurse | Where-Object Path -eq '{changed['modified']}' | "
                       "Get-VEODDocumentVersion")
    assert len(versions) == 2 and versions[0].Size == len(MISTAKE)


def test_restore_in_place_overwrite(env: Env, changed: dict) -> None:
    sb = env.sb
    env.run("$s = Start-VEODRestoreSession -RestorePoint (Get-VBORestorePoint | Select-Object -First 1)\n"
            "$u = Get-VEODUser -Session $s -Name alice")
    sb.reset_counters()
    res = env.run("Restore-VEODDocument -User $u -Action Overwrite")[0]
    assert res.FailedCount == 0
    eps = sb.counters()["per_endpoint"]
    assert any("createUploadSession" in k for k in eps), eps  # the > 4 MB file went through an upload session
    after = _files(env, "alice")
    before = changed["before"]
    for p in (changed["deleted"], changed["modified"], changed["moved"], changed["large"]):
        assert after[p]["content"] == before[p]["content"], p
    # the OneNote notebook was skipped with the API-only error, the rest continued
    log = env.run("Get-VBORestoreSession -Id $s.Id | Select-Object -ExpandProperty Log | ForEach-Object Title")
    assert any("not supported in API-only mode" in line and "OneNote" in line for line in log)
    items = env.run("(Get-VBORestoreSession -Id $s.Id).Items")
    skipped = [i for i in items if i.Status == "Skipped" and "API-only" in i.Message]
    assert skipped and all(".one" in i.ItemName or "Notebook" in i.ItemName for i in skipped)
    _ = sb


def test_keep_restores_a_renamed_copy(env: Env, changed: dict) -> None:
    sb = env.sb
    d = sb.truth.drive_id("alice")
    target = _files(env, "alice")[changed["modified"]]
    sb.mutate.update_file(drive=d, item=target["id"], data=AGAIN)
    _session(env)
    res = env.run(f"Get-VEODDocument -User $u -Recurse | Where-Object Path -eq '{changed['modified']}' | "
                  "Restore-VEODDocument -Action Keep")[0]
    assert res.MergedCount == 1
    after = _files(env, "alice")
    assert after[changed["modified"]]["content"] == AGAIN
    copies = [i for p, i in after.items() if i["content"] == MISTAKE]  # the latest backed-up version
    assert copies and all(c["path"] != changed["modified"] for c in copies)


def test_restore_to_another_user_and_point_in_time(env: Env, changed: dict) -> None:
    sb = env.sb
    env.run("$rp1 = Get-VBORestorePoint | Select-Object -First 1\n$s = Start-VEODRestoreSession -RestorePoint $rp1\n"
            "$u = Get-VEODUser -Session $s -Name alice")
    res = env.run(f"Get-VEODDocument -User $u -Recurse | Where-Object Path -eq '{changed['modified']}' | "
                  "Restore-VEODDocument -TargetUser bob@contoso.onmicrosoft.com -TargetFolder 'From Alice'")[0]
    assert res.CreatedCount == 1
    bob = _files(env, "bob")
    got = bob["From Alice/" + changed["modified"]]
    assert got["content"] == changed["before"][changed["modified"]]["content"]  # restore point 1's version
    _ = sb


def test_save_to_folder_and_zip(env: Env, changed: dict, tmp_path: Path) -> None:
    _session(env)
    out = tmp_path / "saved"
    env.run(f"Save-VEODDocument -User $u -Path '{out}'")
    docs = [d for d in env.run("Get-VEODDocument -User $u -Recurse") if not d.IsFolder and not d.IsOldVersion]
    for d in docs:
        f = out.joinpath(*d.Path.split("/"))
        assert f.exists(), d.Path
        assert hashlib.sha256(f.read_bytes()).digest() == hashlib.sha256(d._entry.read()).digest()
    z = tmp_path / "alice.zip"
    env.run(f"Get-VEODDocument -User $u | Save-VEODDocument -Path '{z}' -AsZip")
    with zipfile.ZipFile(z) as zf:
        names = set(zf.namelist())
        for d in docs:
            assert d.Path in names
            assert zf.read(d.Path) == d._entry.read()
