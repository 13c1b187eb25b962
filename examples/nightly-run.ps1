<#
.SYNOPSIS
    Nightly run for a scheduler (cron, systemd timer, Task Scheduler): runs the backup jobs and exits with a
    status code.

.DESCRIPTION
    Written for Veeam.Archiver.PowerShell; runs unchanged in vboshell. Starts every enabled job (or the ones named),
    waits for each to finish, logs to a file and exits with:
        0  every job succeeded
        1  at least one job finished with warnings
        2  at least one job failed, or the run itself failed

.PARAMETER JobName
    Jobs to run (wildcards allowed; default: every enabled job).

.PARAMETER LogPath
    Log file to append to (default: vbo-nightly.log in the current directory).

.EXAMPLE
    # crontab: every night at 01:30
    30 1 * * *  vboshell -File /opt/scripts/nightly-run.ps1 -LogPath /var/log/vbo-nightly.log
#>
[CmdletBinding()]
param(
    [string[]]$JobName = @("*"),
    [string]$LogPath = "vbo-nightly.log"
)

$ErrorActionPreference = "Stop"

function Write-Log {
    param(
        [Parameter(Mandatory = $true)][string]$Message,
        [ValidateSet("INFO", "WARN", "ERROR")][string]$Level = "INFO"
    )
    $line = "{0} [{1}] {2}" -f (Get-Date -Format "yyyy-MM-dd HH:mm:ss"), $Level, $Message
    $line | Out-File -FilePath $LogPath -Append -Encoding utf8
    Write-Output $line
}

$exitCode = 0
try {
    Import-Module Veeam.Archiver.PowerShell
    Connect-VBOServer

    $jobs = @(Get-VBOJob | Where-Object {
        $job = $_
        $_.IsEnabled -and @($JobName | Where-Object { $job.Name -like $_ }).Count -gt 0
    })
    if ($jobs.Count -eq 0) {
        Write-Log "No enabled job matches '$($JobName -join "', '")'." -Level WARN
        $exitCode = 1
    }

    foreach ($job in $jobs) {
        Write-Log "Starting job '$($job.Name)'."
        try {
            Start-VBOJob -Job $job | Out-Null
            $session = Get-VBOJobSession -Job $job -Last
            $stats = $session.Statistics
            switch ($session.Status) {
                "Success" {
                    Write-Log "Job '$($job.Name)' succeeded: $($stats.ProcessedObjects) object(s), $($stats.TransferredData)."
                }
                "Warning" {
                    Write-Log "Job '$($job.Name)' finished with warnings." -Level WARN
                    if ($exitCode -lt 1) { $exitCode = 1 }
                }
                default {
                    Write-Log "Job '$($job.Name)' ended with status $($session.Status)." -Level ERROR
                    $exitCode = 2
                }
            }
        }
        catch {
            Write-Log "Job '$($job.Name)' could not run: $($_.Exception.Message)" -Level ERROR
            $exitCode = 2
        }
    }
}
catch {
    Write-Log "Nightly run failed: $($_.Exception.Message)" -Level ERROR
    $exitCode = 2
}
finally {
    Disconnect-VBOServer
}

Write-Log "Nightly run finished with exit code $exitCode."
exit $exitCode
