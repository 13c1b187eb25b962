"""Exchange round trips against the sandbox: back up with the real job runner, delete/modify/move messages, find
them with Get-VEXItem -Query, restore (original mailbox, another mailbox, point in time) and export (EML, MBOX)."""

from __future__ import annotations

import email
import email.policy
import mailbox
from pathlib import Path

import pytest

from tests.restore.conftest import Env

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _mime_equal(a: bytes, b: bytes) -> bool:
    return a == b


@pytest.fixture(scope="module")
def changed(env: Env) -> dict:
    """After restore point 1: delete the invoice, modify one message, move another; then restore point 2."""
    sb = env.sb
    msgs = sb.truth.messages("alice", with_mime=True)
    inv = next(m for m in msgs if "Invoice" in m["subject"])
    others = [m for m in msgs if m["folderPath"] == "Inbox" and m["id"] != inv["id"]]
    modified, moved = others[0], others[1]
    sb.mutate.delete_message(user="alice", message_id=inv["id"])
    sb.mutate.update_message(user="alice", message_id=modified["id"], subject="EDITED " + modified["subject"],
                             mime=modified["mime"].replace(b"Subject: ", b"Subject: EDITED ", 1))
    sb.mutate.move_message(user="alice", message_id=moved["id"], folder="Inbox/Projects")
    env.backup()
    return {"invoice": inv, "modified": modified, "moved": moved}


def _session(env: Env, extra: str = "") -> None:
    env.run("$s = Start-VBOExchangeItemRestoreSession -LatestState -ShowDeleted " + extra + "\n"
            "$mb = Get-VEXMailbox -Session $s -Name alice | Where-Object { -not $_.IsArchive }")


def test_restore_points_and_entity_data(env: Env, changed: dict) -> None:
    rps = env.run("Get-VBORestorePoint")
    assert len(rps) == 2
    assert all(r.IsExchange and r.IsOneDrive and r.IsSharePoint and r.IsTeams for r in rps)
    assert rps[0].Job == "Backup1" and rps[0].BackupTime <= rps[1].BackupTime
    assert len(env.run("Get-VBORestorePoint -Latest")) == 1
    users = env.run("Get-VBOEntityData -Repository (Get-VBORepository -Name R1) -Type User")
    alice = next(u for u in users if u.DisplayName.startswith("Alice"))
    assert alice.IsMailboxBackedUp and alice.IsOneDriveBackedUp and alice.IsArchiveBackedUp
    assert alice.LastBackupTime is not None
    sites = env.run("Get-VBOEntityData -Repository (Get-VBORepository -Name R1) -Type Site")
    teams = env.run("Get-VBOEntityData -Repository (Get-VBORepository -Name R1) -Type Team")
    assert sites and teams


def test_find_and_restore_deleted_invoice(env: Env, changed: dict) -> None:
    sb = env.sb
    _session(env)
    found = env.run("Get-VEXItem -Mailbox $mb -Query 'subject:invoice from:fabrikam'")
    assert len(found) == 1 and found[0].IsDeleted and found[0].Folder == "Inbox"
    assert env.run("Get-VEXItem -Mailbox $mb -Query 'invoice received>=2000-01-01 -subject:draft'")
    res = env.run("Get-VEXItem -Mailbox $mb -Query 'subject:invoice' | Restore-VEXItem")[0]
    assert (res.CreatedCount, res.FailedCount) == (1, 0)
    back = sb.truth.find_messages("alice", "Invoice")
    assert len(back) == 1 and back[0]["folderPath"] == "Inbox"
    assert _mime_equal(sb.truth.message_mime("alice", back[0]["id"]), changed["invoice"]["mime"])
    assert back[0]["isRead"] is False  # as it was backed up
    # a second restore of the same item is skipped: it exists unchanged
    res2 = env.run("Get-VEXItem -Mailbox $mb -Query 'subject:invoice' | Restore-VEXItem")[0]
    assert (res2.CreatedCount, res2.SkippedCount) == (0, 1)
    log = env.run("Get-VBORestoreSession -Id $s.Id | Select-Object -ExpandProperty Log | "
                  "ForEach-Object Title")
    assert any("drafts" in line for line in log)
    env.run("Stop-VBOExchangeItemRestoreSession -Session $s")
    sess = env.run("Get-VBORestoreSession -Last")[0]
    assert sess.Status == "Stopped" and sess.Result in ("Success", "Warning") and len(sess.Items) == 2


def test_restore_modified_and_moved_items_to_original(env: Env, changed: dict) -> None:
    sb = env.sb
    _session(env)
    env.run("$rp1 = Get-VBORestorePoint | Select-Object -First 1\n"
            "$s1 = Start-VBOExchangeItemRestoreSession -RestorePoint $rp1\n"
            "$mb1 = Get-VEXMailbox -Session $s1 -Name alice | Where-Object { -not $_.IsArchive }")
    mod, moved = changed["modified"], changed["moved"]
    res = env.run(f"Get-VEXItem -Mailbox $mb1 | Where-Object Id -in @('{mod['id']}', '{moved['id']}') | "
                  "Restore-VEXItem")[0]
    assert res.FailedCount == 0 and res.CreatedCount + res.MergedCount == 2
    inbox = sb.truth.messages("alice", folder="Inbox", with_mime=True)
    assert any(m["mime"] == mod["mime"] for m in inbox), "the backed-up version of the modified message is back"
    assert any(m["mime"] == moved["mime"] for m in inbox), "the moved message is back in its original folder"
    env.run("Stop-VBOExchangeItemRestoreSession -Session $s1")


def test_point_in_time_returns_that_version(env: Env, changed: dict) -> None:
    mod = changed["modified"]
    env.run("$rp1 = Get-VBORestorePoint | Select-Object -First 1\n"
            "$rp2 = Get-VBORestorePoint | Select-Object -Last 1")
    for rp, edited in (("$rp1", False), ("$rp2", True)):
        subj = env.run(f"$x = Start-VBOExchangeItemRestoreSession -RestorePoint {rp}\n"
                       "$m = Get-VEXMailbox -Session $x -Name alice | Where-Object { -not $_.IsArchive }\n"
                       f"Get-VEXItem -Mailbox $m | Where-Object Id -eq '{mod['id']}'\n"
                       "Stop-VBOExchangeItemRestoreSession -Session $x")
        assert subj and subj[0].Subject.startswith("EDITED") is edited
        assert (subj[0]._entry.read() == mod["mime"]) is not edited
    # -PointInTime picks the restore point at or before the given time
    t1 = env.run("$rp1.BackupTime")[0]
    got = env.run("$x = Start-VBOExchangeItemRestoreSession -PointInTime $rp1.BackupTime -Organization "
                  "(Get-VBOOrganization)\n$x.PointInTime\nStop-VBOExchangeItemRestoreSession -Session $x")
    assert got[0] <= t1


def test_restore_to_another_mailbox_keeps_folders(env: Env, changed: dict) -> None:
    sb = env.sb
    _session(env)
    res = env.run("$proj = Get-VEXFolder -Mailbox $mb -Name Inbox | Get-VEXFolder -Name Projects\n"
                  "Restore-VEXItem -Folder $proj -TargetMailbox 'bob@contoso.onmicrosoft.com' -ToFolder 'From Alice' "
                  "-MarkAsUnread")[0]
    assert res.FailedCount == 0 and res.CreatedCount > 0
    src = [m for m in sb.truth.messages("alice", with_mime=True) if m["folderPath"].startswith("Inbox/Projects")]
    dst = [m for m in sb.truth.messages("bob", with_mime=True) if m["folderPath"].startswith("From Alice/")]
    assert {m["folderPath"].removeprefix("From Alice/") for m in dst} <= {m["folderPath"] for m in src} | {
        "Inbox/Projects"}
    assert all(m["isRead"] is False for m in dst)
    # every item backed up in restore point 2 under Inbox/Projects arrived byte for byte
    stored = env.run("Get-VEXItem -Folder $proj -Recurse | Where-Object { -not $_.IsDeleted } | ForEach-Object Id")
    assert len(dst) == len(stored)
    assert {m["mime"] for m in dst} <= {m["mime"] for m in src} | {changed["moved"]["mime"]}


def test_export_eml_and_mbox(env: Env, changed: dict, tmp_path: Path) -> None:
    _session(env)
    out = tmp_path / "eml"
    env.run(f"Get-VEXItem -Mailbox $mb -Type Message | Export-VEXItem -To '{out}'")
    files = sorted(out.rglob("*.eml"))
    items = env.run("Get-VEXItem -Mailbox $mb -Type Message")
    assert len(files) == len(items) > 3
    stored = {it._entry.read() for it in items}
    for f in files:
        data = f.read_bytes()
        assert data in stored
        msg = email.message_from_bytes(data, policy=email.policy.default)
        assert msg["Subject"] is not None
    box = tmp_path / "inbox.mbox"
    env.run(f"$inbox = Get-VEXFolder -Mailbox $mb -Name Inbox\nExport-VEXItem -Folder $inbox -To '{box}' -Format Mbox")
    expected = env.run("Get-VEXItem -Folder $inbox -Recurse -Type Message")
    mb = mailbox.mbox(str(box))
    subjects = sorted(str(m["Subject"]) for m in mb)
    assert len(mb) == len(expected)
    assert subjects == sorted(i.Subject for i in expected)
    per_folder = tmp_path / "mbox"
    env.run(f"Export-VEXItem -Mailbox $mb -To '{per_folder}' -Format Mbox")
    assert (per_folder / "Alice Brown" / "Inbox.mbox").exists()
    assert (per_folder / "Alice Brown" / "Inbox" / "Projects.mbox").exists()


def test_pst_is_refused_with_mbox_hint(env: Env, changed: dict, tmp_path: Path) -> None:
    _session(env)
    _, err = env.run_errors(f"Get-VEXItem -Mailbox $mb | Export-VEXItem -To '{tmp_path / 'x.pst'}'")
    assert "PST" in err and "MBOX" in err.upper()
    _, err = env.run_errors(f"Get-VEXItem -Mailbox $mb | Export-VEXItem -To '{tmp_path}' -Format Pst")
    assert "PST" in err and "Mbox" in err


def test_query_errors_are_clear(env: Env, changed: dict) -> None:
    _session(env)
    _, err = env.run_errors("Get-VEXItem -Mailbox $mb -Query 'received>=notadate'")
    assert "is not a date" in err


def test_one_failing_item_is_logged_and_the_rest_continue(env: Env, changed: dict,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from vboshell.restore import exchange as X

    real = X.MailboxWriter.create_message
    calls: list[int] = []

    def flaky(self: X.MailboxWriter, folder_id: str, mime: bytes, **kw: bool) -> dict:
        calls.append(1)
        if len(calls) == 1:
            raise OSError("simulated write failure")
        return real(self, folder_id, mime, **kw)

    monkeypatch.setattr(X.MailboxWriter, "create_message", flaky)
    env.run("$s = Start-VBOExchangeItemRestoreSession -LatestState\n"
            "$mb = Get-VEXMailbox -Session $s -Name alice | Where-Object { -not $_.IsArchive }")
    out, err = env.run_errors("$r = Get-VEXItem -Mailbox $mb -Type Message | Select-Object -First 3 | "
                              "Restore-VEXItem -TargetMailbox carol@contoso.onmicrosoft.com -ToFolder Flaky\n$r")
    assert "simulated write failure" in err  # a non-terminating error names the item
    r = out[-1]
    assert r.FailedCount == 1 and r.CreatedCount == 2
    items = env.run("(Get-VBORestoreSession -Id $s.Id).Items")
    assert [i.Status for i in items].count("Failed") == 1
    log = env.run("Get-VBORestoreSession -Id $s.Id | Select-Object -ExpandProperty Log | ForEach-Object Title")
    assert any("simulated write failure" in line for line in log)


def test_whatif_and_api_only_credential(env: Env, changed: dict) -> None:
    sb = env.sb
    _session(env)
    before = len(sb.truth.messages("alice"))
    env.run("Get-VEXItem -Mailbox $mb -Query invoice | Restore-VEXItem -WhatIf -TargetMailbox "
            "bob@contoso.onmicrosoft.com -TargetFolder X -RestoreDeletedItems -RestoreChangedItems "
            "-MarkRestoredAsUnread")
    assert "What if" in env.ctx.host.text and len(sb.truth.messages("alice")) == before
    _, err = env.run_errors("$c = New-Object System.Management.Automation.PSCredential('u', "
                            "(ConvertTo-SecureString 'p' -AsPlainText -Force))\n"
                            "Get-VEXItem -Mailbox $mb -Query invoice | Restore-VEXItem -Office365Credential $c")
    assert "not supported in API-only mode" in err


def test_pipeline_binding_of_restore_points_jobs_and_organizations(env: Env, changed: dict) -> None:
    s1 = env.run("Get-VBORestorePoint | Select-Object -First 1 | Start-VBOExchangeItemRestoreSession")[0]
    rp1 = env.run("Get-VBORestorePoint | Select-Object -First 1")[0]
    assert s1.PointInTime == rp1.BackupTime
    s2 = env.run("Get-VBOOrganization | Start-VEODRestoreSession")[0]
    s3 = env.run("Get-VBOJob | Start-VBOTeamsItemRestoreSession")[0]
    assert s2.Organization and s3.Organization
    env.run("Get-VBORestoreSession -Status Running | Stop-VBORestoreSession")
    assert env.run("Get-VBORestoreSession -Status Running") == []


def test_large_message_goes_through_the_import_api(env: Env, changed: dict) -> None:
    sb = env.sb
    env.run("$s = Start-VBOExchangeItemRestoreSession -LatestState\n"
            "$big = Get-VEXMailbox -Session $s | Where-Object { -not $_.IsArchive } | Get-VEXItem -Type Message | "
            "Where-Object Size -gt 3500000 | Select-Object -First 1")
    big = env.run("$big")
    assert big, "the test tenant has one large message"
    res = env.run("$big | Restore-VEXItem -TargetMailbox carol@contoso.onmicrosoft.com -ToFolder Large")[0]
    assert res.CreatedCount == 1 and res.FailedCount == 0
    got = [m for m in sb.truth.messages("carol", with_mime=True) if m["folderPath"].startswith("Large/")]
    assert len(got) == 1 and got[0]["mime"] == big[0]._entry.read()
    assert got[0]["isDraft"] is False  # the import API keeps full fidelity


def test_contacts_and_events_are_not_duplicated(env: Env, changed: dict) -> None:
    sb = env.sb
    _session(env)
    before = (len(sb.truth.contacts("alice")), len(sb.truth.events("alice")))
    res = env.run("Get-VEXItem -Mailbox $mb | Where-Object ItemClass -ne 'IPM.Note' | Restore-VEXItem")[0]
    assert res.FailedCount == 0 and res.CreatedCount == 0 and res.SkippedCount >= 2
    assert (len(sb.truth.contacts("alice")), len(sb.truth.events("alice"))) == before


def test_mailbox_names_match_first_names_and_misses_are_reported(env: Env, changed: dict) -> None:
    env.run("$s = Start-VBOExchangeItemRestoreSession -LatestState")
    assert {m.Name for m in env.run("Get-VEXMailbox -Session $s -Name alice")} == {"Alice Brown"}
    assert env.run("Get-VEXMailbox -Session $s -Name 'alice brown', 'bob@contoso.onmicrosoft.com'")
    _, err = env.run_errors("Get-VEXMailbox -Session $s -Name nobody")
    assert "'nobody' is not in this restore session" in err


def test_entity_data_by_object_and_restore_point(env: Env, changed: dict) -> None:
    rp_users = env.run("Get-VBOEntityData -Type User -RestorePoint (Get-VBORestorePoint | Select-Object -First 1)")
    assert any(u.DisplayName == "Alice Brown" for u in rp_users)
    one = env.run("$u = Get-VBOOrganizationUser -Organization (Get-VBOOrganization) | "
                  "Where-Object DisplayName -eq 'Alice Brown'\n"
                  "Get-VBOEntityData -Repository (Get-VBORepository -Name R1) -User $u")
    assert len(one) == 1 and one[0].IsMailboxBackedUp


def test_restore_multiple_mailboxes_each_to_itself(env: Env, changed: dict) -> None:
    env.run("$s = Start-VBOExchangeItemRestoreSession -LatestState")
    res = env.run("$all = Get-VEXMailbox -Session $s | Where-Object { -not $_.IsArchive }\n"
                  "Restore-VEXItem -MultipleMailboxes $all -RestoreItemsForLastDays 36500")[0]
    assert res.FailedCount == 0 and res.SkippedCount > 0  # everything still there is skipped as unchanged
