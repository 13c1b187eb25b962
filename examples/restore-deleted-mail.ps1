<#
.SYNOPSIS
    Restores the mail a user deleted during the last 7 days back into their mailbox.

.DESCRIPTION
    Written for Veeam.Archiver.PowerShell and the Veeam Explorer for Exchange cmdlets; runs unchanged in vboshell.
    Opens an Exchange restore session on the latest state (with deleted items shown), finds the user's mailbox,
    takes the messages sent or received in the period and restores only those missing from the mailbox
    (-RestoreDeletedItem), so nothing that still exists is duplicated or overwritten.

.PARAMETER Organization
    The organization name, e.g. contoso.onmicrosoft.com.

.PARAMETER Mailbox
    The mailbox to restore (display name or e-mail address).

.PARAMETER Days
    How many days back to look (default 7).

.PARAMETER ToFolder
    Restore into this folder instead of the original folders.

.EXAMPLE
    vboshell -File restore-deleted-mail.ps1 -Organization contoso.onmicrosoft.com -Mailbox alice@contoso.com
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)]
    [string]$Organization,
    [Parameter(Mandatory = $true)]
    [string]$Mailbox,
    [ValidateRange(1, 365)]
    [int]$Days = 7,
    [string]$ToFolder
)

Import-Module Veeam.Archiver.PowerShell
Import-Module Veeam.Exchange.PowerShell
Connect-VBOServer

$org = Get-VBOOrganization -Name $Organization
if (-not $org) {
    throw "Organization '$Organization' was not found."
}

$session = Start-VBOExchangeItemRestoreSession -LatestState -Organization $org -ShowDeleted `
    -Reason "Restore deleted mail of $Mailbox (last $Days days)"
try {
    $database = Get-VEXDatabase -Session $session
    # the primary mailbox (an archive mailbox is listed separately, with IsArchive set)
    $vexMailbox = Get-VEXMailbox -Database $database -Name $Mailbox |
        Where-Object { -not $_.IsArchive } |
        Select-Object -First 1
    if (-not $vexMailbox) {
        throw "Mailbox '$Mailbox' was not found in the backups of $Organization."
    }

    $since = (Get-Date).AddDays(-$Days)
    $items = @(Get-VEXItem -Mailbox $vexMailbox | Where-Object { $_.Sent -ge $since })
    Write-Host "$($items.Count) message(s) from the last $Days day(s) found in the backup of $($vexMailbox.Name)."
    if ($items.Count -eq 0) {
        return
    }

    $restoreArgs = @{
        Item               = $items
        RestoreDeletedItem = $true
        MarkAsUnread       = $true
    }
    if ($ToFolder) {
        $restoreArgs.ToFolder = $ToFolder
    }
    $result = Restore-VEXItem @restoreArgs
    Write-Host ("Restored: {0} created, {1} merged, {2} skipped, {3} failed." -f `
        $result.CreatedCount, $result.MergedCount, $result.SkippedCount, $result.FailedCount)
    if ($result.FailedCount -gt 0) {
        $result.Results | Where-Object { $_.Error } | Select-Object Title, Error | Format-Table -AutoSize
    }
}
finally {
    Stop-VBOExchangeItemRestoreSession -Session $session
    Disconnect-VBOServer
}
