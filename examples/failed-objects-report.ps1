<#
.SYNOPSIS
    Lists the objects that failed or finished with warnings in the last sessions of every backup job.

.DESCRIPTION
    Written for Veeam.Archiver.PowerShell; runs unchanged in vboshell. Reads the per-object session log of the
    last N sessions of each job and returns one object per failed or warning entry.

.PARAMETER LastSessions
    How many recent sessions per job to inspect (default 3).

.PARAMETER JobName
    Only jobs whose name matches this wildcard (default: all jobs).

.EXAMPLE
    vboshell -File failed-objects-report.ps1 -LastSessions 5 | Export-Csv failed.csv -NoTypeInformation
#>
[CmdletBinding()]
param(
    [ValidateRange(1, 100)]
    [int]$LastSessions = 3,
    [string]$JobName = "*"
)

Import-Module Veeam.Archiver.PowerShell
Connect-VBOServer

$results = @()
$jobs = Get-VBOJob | Where-Object { $_.Name -like $JobName }
foreach ($job in $jobs) {
    $sessions = Get-VBOJobSession -Job $job |
        Sort-Object CreationTime -Descending |
        Select-Object -First $LastSessions

    foreach ($session in $sessions) {
        if ($session.Status -eq "Success") {
            continue
        }
        foreach ($entry in $session.Log) {
            if ($entry.Title -match "error|fail|warning") {
                $results += [PSCustomObject]@{
                    Job           = $job.Name
                    SessionStart  = $session.CreationTime
                    SessionStatus = $session.Status
                    Time          = $entry.CreationTime
                    Entry         = $entry.Title
                }
            }
        }
    }
}

if ($results.Count -eq 0) {
    Write-Host "No failed or warning objects in the last $LastSessions session(s) of $(@($jobs).Count) job(s)."
} else {
    $results | Sort-Object Time -Descending
}

Disconnect-VBOServer
