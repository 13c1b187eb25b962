"""The new-user scenario from the shell: "restore the invoice Alice deleted last week" — find it with Get-VEXItem
-Query in the latest backup and put it back, reading only what the shell prints (warnings included)."""

from __future__ import annotations

from tests.restore.conftest import Env


def _show(env: Env, script: str) -> str:
    host = env.ctx.host
    a, b = len(host.text), len(host.error_text)
    env.ctx.execute(script)
    return host.text[a:] + host.error_text[b:]


def test_find_and_restore_the_deleted_invoice(env: Env) -> None:
    sb = env.sb
    inv = sb.truth.find_messages("alice", "Invoice")[0]
    mime = sb.truth.message_mime("alice", inv["id"])
    sb.mutate.delete_message(user="alice", message_id=inv["id"])
    env.backup()  # the nightly backup ran after the deletion

    # 1. the obvious first try: the latest state does not show deleted items, and the shell says what to do
    out = _show(env, "$s = Start-VBOExchangeItemRestoreSession -LatestState\n"
                     "Get-VEXMailbox -Session $s -Name alice | Get-VEXItem -Query invoice")
    assert "-ShowDeleted" in out
    # 2. with -ShowDeleted the invoice is there, marked deleted
    out = _show(env, "Stop-VBOExchangeItemRestoreSession $s\n"
                     "$s = Start-VBOExchangeItemRestoreSession -LatestState -ShowDeleted\n"
                     "$hit = Get-VEXMailbox -Session $s -Name alice | Get-VEXItem -Query 'invoice deleted>=-7d'\n"
                     "$hit")
    assert "Invoice INV-2026-0042" in out and "True" in out
    # 3. restore it and read the result
    out = _show(env, "$hit | Restore-VEXItem")
    assert "CreatedCount" in out or "Restore-VEXItem" in out
    back = sb.truth.find_messages("alice", "Invoice")
    assert len(back) == 1 and back[0]["folderPath"] == "Inbox"
    assert sb.truth.message_mime("alice", back[0]["id"]) == mime
