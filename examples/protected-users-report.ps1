<#
.SYNOPSIS
    Protected-users report: which users are protected, which of their services, and when they were last backed up.

.DESCRIPTION
    Written for Veeam.Archiver.PowerShell; runs unchanged in vboshell. Combines the licensed (protected) users
    with the backed-up user data of every repository and writes one row per user and repository to CSV.

.PARAMETER OutputPath
    Where to write the CSV file (default: protected-users.csv).

.EXAMPLE
    vboshell -File protected-users-report.ps1 -OutputPath /var/reports/protected-users.csv
#>
[CmdletBinding()]
param(
    [string]$OutputPath = "protected-users.csv"
)

Import-Module Veeam.Archiver.PowerShell
Connect-VBOServer

$license = Get-VBOLicense
Write-Host "License: $($license.Status), $($license.UsedNumber) protected user(s)."

$licensed = @{}
foreach ($user in (Get-VBOLicensedUser)) {
    $licensed[$user.UserName] = $user
}

$rows = @()
foreach ($repository in (Get-VBORepository)) {
    foreach ($data in (Get-VBOEntityData -Repository $repository -Type User)) {
        $licensedUser = $licensed[$data.Email]
        $rows += [PSCustomObject]@{
            User             = $data.DisplayName
            Email            = $data.Email
            Organization     = $data.Organization.DisplayName
            Repository       = $repository.Name
            Mailbox          = [bool]$data.IsMailboxBackedUp
            MailboxBackup    = $data.MailboxBackedUpTime
            Archive          = [bool]$data.IsArchiveBackedUp
            OneDrive         = [bool]$data.IsOneDriveBackedUp
            OneDriveBackup   = $data.OneDriveBackedUpTime
            PersonalSite     = [bool]$data.IsPersonalSiteBackedUp
            LicenseStatus    = if ($licensedUser) { $licensedUser.LicenseStatus } else { "" }
        }
    }
}

$rows | Sort-Object Organization, User | Export-Csv -Path $OutputPath -NoTypeInformation

$services = [ordered]@{
    Mailbox      = @($rows | Where-Object { $_.Mailbox }).Count
    Archive      = @($rows | Where-Object { $_.Archive }).Count
    OneDrive     = @($rows | Where-Object { $_.OneDrive }).Count
    PersonalSite = @($rows | Where-Object { $_.PersonalSite }).Count
}
Write-Host "$($rows.Count) protected user record(s) written to $OutputPath"
foreach ($name in $services.Keys) {
    Write-Host ("  {0,-13} {1,6}" -f $name, $services[$name])
}

Disconnect-VBOServer
