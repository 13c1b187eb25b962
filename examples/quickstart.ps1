<#
.SYNOPSIS
    vboshell in five minutes: back up the built-in sandbox tenant, explore the backup and restore a deleted message.

.DESCRIPTION
    Everything a first day with vboshell needs, against the sandbox tenant that ships with it (a Microsoft Graph and
    Entra ID emulator on 127.0.0.1 with a demo organization), so nothing here touches a real Microsoft 365 tenant:

      1. start the sandbox and connect its organization with application-only settings (an app registration only)
      2. add a repository and a backup job for the entire organization, run it and look at the session
      3. explore the restore point: a mailbox, its folders and a search; a OneDrive
      4. delete an invoice in Alice's mailbox, find it in the backup and restore it
      5. export a mail folder to an MBOX file

    Connecting a real tenant differs only in step 1: see "Connecting a real tenant" in README.md.
    The script can run again on the same VBOSHELL_HOME: it reuses the organization, repository and job it created.

.PARAMETER OutputPath
    Where to write the MBOX export (default: a 'quickstart-export' folder in the vboshell data folder).

.EXAMPLE
    vboshell -File examples/quickstart.ps1
#>
[CmdletBinding()]
param(
    [string]$OutputPath
)

$ErrorActionPreference = 'Stop'   # any error ends the script with exit code 1
# Tables and lists go to Out-Host so that they appear in order with the Write-Host lines around them.

# Where vboshell keeps its catalogue (VBOSHELL_HOME or the per-user default): the repository and export go there too.
$dataFolder = (Get-VBOServer).CataloguePath
if (-not $OutputPath) {
    $OutputPath = Join-Path $dataFolder 'quickstart-export'
}

# ---------------------------------------------------------------------------------------------------------------------
# 1. The sandbox tenant and the organization
# ---------------------------------------------------------------------------------------------------------------------
Write-Host '== 1. Sandbox tenant and organization' -ForegroundColor Cyan
$sb = Start-VBOSandbox
Write-Host "Sandbox tenant $($sb.TenantName) is listening on $($sb.GraphEndpoint)"

# Application-only connection settings: the app registration's tenant id, application id and client secret.
# -Region Custom with the authority, Graph endpoint and CA bundle is what sovereign clouds or a TLS-inspecting proxy
# also use; for Microsoft 365 worldwide none of the three is needed.
$settings = New-VBOOffice365ApplicationOnlyConnectionSettings -TenantId $sb.TenantId `
    -ApplicationId $sb.ApplicationId -ApplicationSecret $sb.ApplicationSecret `
    -Region Custom -AuthorityHost $sb.AuthorityHost -GraphEndpoint $sb.GraphEndpoint `
    -CertificateAuthorityPath $sb.CertificateAuthorityPath
# With a certificate instead of a secret:
#   New-VBOOffice365ApplicationOnlyConnectionSettings -TenantId $sb.TenantId -ApplicationId $sb.ApplicationId `
#       -ApplicationCertificatePath $sb.CertificatePath -ApplicationCertificatePassword $sb.CertificatePassword ...

$org = Get-VBOOrganization | Where-Object { $_.Name -eq $sb.TenantName }
if ($org) {
    # a second run: refresh the saved connection settings (the sandbox keeps its secrets under VBOSHELL_HOME)
    $org = Set-VBOOrganization -Organization $org -Office365ExchangeConnectionsSettings $settings `
        -Office365SharePointConnectionsSettings $settings
    Write-Host "Organization $($org.Name) is already added: connection settings updated"
}
else {
    $org = Add-VBOOrganization -Office365ExchangeConnectionsSettings $settings `
        -Office365SharePointConnectionsSettings $settings
    Write-Host "Added organization $($org.Name)"
}
Get-VBOOrganizationUser -Organization $org | Select-Object -First 5 DisplayName, UserName, Type | Format-Table | Out-Host

# ---------------------------------------------------------------------------------------------------------------------
# 2. Repository, job, backup
# ---------------------------------------------------------------------------------------------------------------------
Write-Host '== 2. Repository, backup job and its first run' -ForegroundColor Cyan
$repo = Get-VBORepository | Where-Object { $_.Name -eq 'Quickstart' }
if (-not $repo) {
    $repo = Add-VBORepository -Name 'Quickstart' -Path (Join-Path $dataFolder 'repositories/quickstart') `
        -RetentionPeriod Years3 -Description 'Created by examples/quickstart.ps1'
}
$repo | Format-List Name, Path, RetentionPeriod | Out-Host

$job = Get-VBOJob | Where-Object { $_.Name -eq 'Quickstart - entire organization' }
if (-not $job) {
    $job = Add-VBOJob -Organization $org -Name 'Quickstart - entire organization' -Repository $repo -EntireOrganization
}

# Start-VBOJob shows progress while it runs (on a terminal) and returns when the session has finished.
$null = Start-VBOJob -Job $job

# The session just finished: its status and statistics ...
$session = Get-VBOJobSession -Job $job -Last
$session | Format-List JobName, Status, JobSessionConfigType, CreationTime, EndTime, Statistics | Out-Host
if ($session.Status -ne 'Success') {
    throw "The backup finished with status $($session.Status)."
}

# ... and the beginning of its log (one line per mailbox, OneDrive, site or team processed).
$session.Log | Select-Object -First 6 | Format-Table | Out-Host

# Restore points of the organization, newest first.
Get-VBORestorePoint -Organization $org | Sort-Object BackupTime -Descending | Select-Object -First 3 | Format-Table | Out-Host

# ---------------------------------------------------------------------------------------------------------------------
# 3. Explore the backup: a mailbox and a OneDrive
# ---------------------------------------------------------------------------------------------------------------------
Write-Host '== 3. Exploring the backup' -ForegroundColor Cyan
$vex = Start-VBOExchangeItemRestoreSession -LatestState -Organization $org -Reason 'Quickstart: explore a mailbox'
$mailbox = Get-VEXMailbox -Session $vex -Name 'alice' | Where-Object { -not $_.IsArchive } | Select-Object -First 1
Write-Host "Mailbox $($mailbox.Name) <$($mailbox.Email)>"
Write-Host "Folders: $((Get-VEXFolder -Mailbox $mailbox).Name -join ', ')"
Get-VEXItem -Mailbox $mailbox -Query 'from:fabrikam' | Format-Table Subject, From, Received | Out-Host

$veod = Start-VEODRestoreSession -LatestState -Organization $org -Reason 'Quickstart: explore a OneDrive'
$oneDriveUser = Get-VEODUser -Session $veod -Name 'alice' | Select-Object -First 1
Get-VEODDocument -User $oneDriveUser -Recurse | Select-Object -First 8 | Format-Table Name, Path, Size | Out-Host
Stop-VEODRestoreSession -Session $veod

# ---------------------------------------------------------------------------------------------------------------------
# 4. The accident: Alice deletes an invoice. Find it in the backup and restore it.
# ---------------------------------------------------------------------------------------------------------------------
Write-Host '== 4. Restoring a deleted message' -ForegroundColor Cyan
# Remove-VBOSandboxItem changes the sandbox tenant only (there is no such cmdlet for a real tenant).
Remove-VBOSandboxItem -Sandbox $sb -User alice -Subject 'Invoice INV-2026-0042' | Format-Table User, Type, Name, Folder | Out-Host

$invoice = Get-VEXItem -Mailbox $mailbox -Query 'subject:"INV-2026-0042" hasattachment:true'
Write-Host "Found in the backup: $($invoice.Subject) (received $($invoice.Received.ToString('yyyy-MM-dd HH:mm')))"
# -RestoreDeletedItem restores only what is missing from the mailbox now: nothing is duplicated.
$result = Restore-VEXItem -Item $invoice -RestoreDeletedItem
$result | Format-List CreatedCount, MergedCount, SkippedCount, FailedCount | Out-Host
# Back in the live mailbox (asking the sandbox tenant directly):
Write-Host "Alice's mailbox now holds: $($sb.FindMessage('alice', 'INV-2026-0042'))"

# ---------------------------------------------------------------------------------------------------------------------
# 5. Export a folder to MBOX
# ---------------------------------------------------------------------------------------------------------------------
Write-Host '== 5. Exporting the Inbox to MBOX' -ForegroundColor Cyan
$inbox = Get-VEXFolder -Mailbox $mailbox -Name 'Inbox'
$mbox = Join-Path $OutputPath 'alice-inbox.mbox'
$export = Export-VEXItem -Folder $inbox -To $mbox -Format Mbox -Force
Write-Host "$($export.CreatedCount) message(s) written to $($export.Path) ($((Get-Item $export.Path).Length) bytes)"

# ---------------------------------------------------------------------------------------------------------------------
# Clean up: close the restore session, stop the sandbox
# ---------------------------------------------------------------------------------------------------------------------
Stop-VBOExchangeItemRestoreSession -Session $vex
Stop-VBOSandbox -Sandbox $sb
Write-Host 'Quickstart finished.' -ForegroundColor Green
