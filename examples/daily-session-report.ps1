<#
.SYNOPSIS
    Daily report: every backup job session of the last 24 hours, saved as CSV.

.DESCRIPTION
    Written for Veeam.Archiver.PowerShell; runs unchanged in vboshell. One row per job session with its
    organization, status, start/end time, duration and the session statistics.

.PARAMETER OutputPath
    Where to write the CSV file (default: vbo-sessions-<date>.csv in the current directory).

.PARAMETER Hours
    How far back to look (default 24).

.EXAMPLE
    vboshell -File daily-session-report.ps1 -OutputPath /var/reports/sessions.csv
#>
[CmdletBinding()]
param(
    [string]$OutputPath = "vbo-sessions-$(Get-Date -Format 'yyyy-MM-dd').csv",
    [ValidateRange(1, 720)]
    [int]$Hours = 24
)

Import-Module Veeam.Archiver.PowerShell
Connect-VBOServer

$since = (Get-Date).AddHours(-$Hours)
$report = @()

foreach ($job in (Get-VBOJob)) {
    $sessions = Get-VBOJobSession -Job $job | Where-Object { $_.CreationTime -ge $since }
    foreach ($session in $sessions) {
        if ($session.EndTime) {
            $duration = ($session.EndTime - $session.CreationTime).ToString("hh\:mm\:ss")
        } else {
            $duration = "running"
        }
        $report += [PSCustomObject]@{
            Job              = $job.Name
            Organization     = $job.Organization.Name
            Status           = $session.Status
            Start            = $session.CreationTime
            End              = $session.EndTime
            Duration         = $duration
            ProcessedObjects = $session.Statistics.ProcessedObjects
            TransferredData  = $session.Statistics.TransferredData
            ProcessingRate   = $session.Statistics.ProcessingRate
        }
    }
}

$report | Sort-Object Start | Export-Csv -Path $OutputPath -NoTypeInformation

$failed = @($report | Where-Object { $_.Status -eq "Failed" }).Count
$warnings = @($report | Where-Object { $_.Status -eq "Warning" }).Count
Write-Host "$($report.Count) session(s) since $($since.ToString('yyyy-MM-dd HH:mm')) written to $OutputPath"
if ($failed -gt 0) {
    Write-Host "$failed session(s) failed" -ForegroundColor Red
} elseif ($warnings -gt 0) {
    Write-Host "$warnings session(s) with warnings" -ForegroundColor Yellow
}

Disconnect-VBOServer
