"""The six admin-workflow examples in examples/ run unchanged against the sandbox tenant, as `vboshell -File` runs them.
One sandbox (its own seed) and one VBOSHELL_HOME for the module; a job protecting two users is backed up first."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("vboshell.runtime.evaluator")

from vboshell.runtime.context import BufferHost, ExecutionContext  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

SETUP = """
$sb = Start-VBOSandbox -Seed 1010
$settings = New-VBOOffice365ApplicationOnlyConnectionSettings -TenantId $sb.TenantId -ApplicationId $sb.ApplicationId `
    -ApplicationSecret $sb.ApplicationSecret -Region Custom -AuthorityHost $sb.AuthorityHost `
    -GraphEndpoint $sb.GraphEndpoint -CertificateAuthorityPath $sb.CertificateAuthorityPath
$org = Add-VBOOrganization -Office365ExchangeConnectionsSettings $settings -Office365SharePointConnectionsSettings $settings
$repo = Add-VBORepository -Name 'Migration' -Path (Join-Path $env:VBOSHELL_HOME 'repo')
$users = Get-VBOOrganizationUser -Organization $org | Where-Object { $_.UserName -match '^(alice|bob)@' }
$items = $users | ForEach-Object { New-VBOBackupItem -User $_ -Mailbox -ArchiveMailbox -OneDrive }
$job = Add-VBOJob -Name 'Nightly' -Organization $org -Repository $repo -SelectedItems $items
Start-VBOJob -Job $job | Out-Null
"""


class Shell:
    def __init__(self, home: Path, cwd: Path) -> None:
        self.host = BufferHost(width=160)
        self.cwd = cwd
        self.ctx = ExecutionContext(self.host, interactive=False, cwd=cwd)

    def run_file(self, name: str, *args: str) -> tuple[int, str, str]:
        out0, err0 = len(self.host.text), len(self.host.error_text)
        ctx = ExecutionContext(self.host, interactive=False, cwd=self.cwd)  # a fresh session, like vboshell -File
        rc = ctx.run_script_file(str(EXAMPLES / name), list(args))
        return rc, self.host.text[out0:], self.host.error_text[err0:]


@pytest.fixture(scope="module")
def shell(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shell]:
    home = tmp_path_factory.mktemp("examples-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VBOSHELL_HOME", str(home))
        sh = Shell(home, tmp_path_factory.mktemp("examples-cwd"))
        sh.ctx.invoke(SETUP, raise_errors=True)
        sh.org = sh.ctx.invoke("$org.Name")[0]  # type: ignore[attr-defined]
        try:
            yield sh
        finally:
            sh.ctx.invoke("Stop-VBOSandbox $sb")


def test_daily_session_report(shell: Shell) -> None:
    out = shell.cwd / "sessions.csv"
    rc, text, err = shell.run_file("daily-session-report.ps1", "-OutputPath", str(out))
    assert rc == 0 and err == ""
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert rows and rows[0]["Job"] == "Nightly" and rows[0]["Status"] == "Success"
    assert f"{len(rows)} session(s) since" in text


def test_failed_objects_report(shell: Shell) -> None:
    rc, text, err = shell.run_file("failed-objects-report.ps1", "-LastSessions", "5")
    assert rc == 0 and err == ""
    assert "No failed or warning objects in the last 5 session(s) of 1 job(s)." in text


def test_protected_users_report(shell: Shell) -> None:
    out = shell.cwd / "protected.csv"
    rc, text, err = shell.run_file("protected-users-report.ps1", "-OutputPath", str(out))
    assert rc == 0 and err == ""
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert len(rows) == 2 and all(r["Mailbox"] == "True" and r["Repository"] == "Migration" for r in rows)
    assert "License: Valid, 2 protected user(s)." in text


def test_nightly_run_exit_codes(shell: Shell) -> None:
    log = shell.cwd / "nightly.log"
    rc, text, err = shell.run_file("nightly-run.ps1", "-LogPath", str(log))
    assert rc == 0, text + err
    assert "Job 'Nightly' succeeded" in log.read_text(encoding="utf-8-sig")
    rc, text, _err = shell.run_file("nightly-run.ps1", "-JobName", "NoSuchJob", "-LogPath", str(log))
    assert rc == 1 and "No enabled job matches 'NoSuchJob'." in text


def test_add_unprotected_users_to_job(shell: Shell) -> None:
    rc, text, err = shell.run_file("add-unprotected-users-to-job.ps1", "-Organization", shell.org,  # type: ignore[attr-defined]
                                   "-JobName", "Everyone else", "-RepositoryName", "Migration")
    assert rc == 0 and err == ""
    assert "Created job 'Everyone else' in repository 'Migration' with" in text
    rc, text, err = shell.run_file("add-unprotected-users-to-job.ps1", "-Organization", shell.org)  # type: ignore[attr-defined]
    assert rc == 0 and "is already in a backup job" in text
    shell.ctx.invoke("Get-VBOJob -Name 'Everyone else' | Remove-VBOJob -Confirm:$false")


def test_restore_deleted_mail(shell: Shell) -> None:
    before: Any = shell.ctx.invoke("""
        $sb.AddMessage('alice', 'Inbox', 'Quarterly invoice 4711') | Out-Null
        Start-VBOJob -Job $job | Out-Null
        $sb.DeleteMessage('alice', 'Quarterly invoice 4711') | Out-Null
        Start-VBOJob -Job $job | Out-Null
        @($sb.FindMessage('alice', 'Quarterly invoice 4711')).Count
    """)
    assert before == [0]
    rc, text, err = shell.run_file("restore-deleted-mail.ps1", "-Organization", shell.org,  # type: ignore[attr-defined]
                                   "-Mailbox", "alice")
    assert rc == 0 and err == "", text + err
    assert "Restored: 1 created" in text
    assert shell.ctx.invoke("@($sb.FindMessage('alice', 'Quarterly invoice 4711')).Count") == [1]
