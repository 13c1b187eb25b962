<#
.SYNOPSIS
    Finds every user of an organization that is not yet in a backup job and adds them to a new job.

.DESCRIPTION
    Written for Veeam.Archiver.PowerShell; runs unchanged in vboshell. Uses Get-VBOOrganizationUser -NotInJob,
    builds one backup item per user (mailbox, archive mailbox, OneDrive and personal site) and creates a job
    in the given repository.

.PARAMETER Organization
    The organization name, e.g. contoso.onmicrosoft.com.

.PARAMETER JobName
    Name of the new job (default: "Unprotected users <date>").

.PARAMETER RepositoryName
    Repository for the new job (default: the first repository).

.PARAMETER RunJob
    Start the new job right away.

.EXAMPLE
    vboshell -File add-unprotected-users-to-job.ps1 -Organization contoso.onmicrosoft.com -RunJob
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)]
    [string]$Organization,
    [string]$JobName = "Unprotected users $(Get-Date -Format 'yyyy-MM-dd')",
    [string]$RepositoryName,
    [switch]$RunJob
)

Import-Module Veeam.Archiver.PowerShell
Connect-VBOServer

$org = Get-VBOOrganization -Name $Organization
if (-not $org) {
    throw "Organization '$Organization' was not found. Add it first with Add-VBOOrganization."
}

if ($RepositoryName) {
    $repository = Get-VBORepository -Name $RepositoryName
} else {
    $repository = Get-VBORepository | Select-Object -First 1
}
if (-not $repository) {
    throw "No backup repository found. Add one first with Add-VBORepository."
}

$users = @(Get-VBOOrganizationUser -Organization $org -NotInJob -Type User)
if ($users.Count -eq 0) {
    Write-Host "Every user of $($org.Name) is already in a backup job."
    Disconnect-VBOServer
    return
}

$items = @()
foreach ($user in $users) {
    Write-Verbose "Adding $($user.DisplayName) <$($user.UserName)>"
    $items += New-VBOBackupItem -User $user -Mailbox -ArchiveMailbox -OneDrive -Sites
}

$job = Add-VBOJob -Organization $org -Name $JobName -Repository $repository -SelectedItems $items `
    -Description "Users not yet protected, added by add-unprotected-users-to-job.ps1"
Write-Host "Created job '$($job.Name)' in repository '$($repository.Name)' with $($items.Count) user(s)."

if ($RunJob) {
    Start-VBOJob -Job $job -RunAsync | Out-Null
    Write-Host "Started job '$($job.Name)'."
}

Disconnect-VBOServer
