<#
.SYNOPSIS
    Daily job session report (stand-in data shaped like Get-VBOJobSession output).
#>
param(
    [string]$ReportPath = (Join-Path $PSScriptRoot 'out-job-report.csv'),
    [int]$WarnThresholdMinutes = 60
)

$sessions = @(
    [PSCustomObject]@{ JobName = 'Exchange Daily';   Status = 'Success'; StartTime = [datetime]'2024-03-14 22:00:00'; EndTime = [datetime]'2024-03-14 22:41:10'; Processed = 1250 }
    [PSCustomObject]@{ JobName = 'OneDrive Daily';   Status = 'Warning'; StartTime = [datetime]'2024-03-14 23:00:00'; EndTime = [datetime]'2024-03-15 00:35:00'; Processed = 980 }
    [PSCustomObject]@{ JobName = 'SharePoint Daily'; Status = 'Failed';  StartTime = [datetime]'2024-03-15 01:00:00'; EndTime = [datetime]'2024-03-15 01:05:30'; Processed = 0 }
    [PSCustomObject]@{ JobName = 'Teams Weekly';     Status = 'Success'; StartTime = [datetime]'2024-03-15 02:00:00'; EndTime = [datetime]'2024-03-15 02:12:00'; Processed = 310 }
)

function Get-SessionSummary {
    param(
        [Parameter(Mandatory)]
        [object[]]$Session,
        [int]$Threshold
    )
    foreach ($s in $Session) {
        $duration = $s.EndTime - $s.StartTime
        [PSCustomObject]@{
            Job      = $s.JobName
            Status   = $s.Status
            Minutes  = [math]::Round($duration.TotalMinutes, 1)
            Slow     = $duration.TotalMinutes -gt $Threshold
            Started  = $s.StartTime.ToString('yyyy-MM-dd HH:mm')
        }
    }
}

$summary = Get-SessionSummary -Session $sessions -Threshold $WarnThresholdMinutes

$counts = @{}
foreach ($row in $summary) {
    if ($counts.ContainsKey($row.Status)) { $counts[$row.Status]++ } else { $counts[$row.Status] = 1 }
}

Write-Host "Job sessions: $($summary.Count)"
foreach ($status in 'Success', 'Warning', 'Failed') {
    $color = switch ($status) { 'Success' { 'Green' } 'Warning' { 'Yellow' } default { 'Red' } }
    Write-Host ("{0,-8} {1}" -f $status, [int]$counts[$status]) -ForegroundColor $color
}

$summary | Where-Object { $_.Status -ne 'Success' } | ForEach-Object {
    Write-Host "ATTENTION: $($_.Job) finished with $($_.Status.ToUpper()) after $($_.Minutes) min"
}

$slow = @($summary | Where-Object Slow)
Write-Host "Slow jobs (> $WarnThresholdMinutes min): $($slow.Job -join ', ')"

$summary | Export-Csv -Path $ReportPath -NoTypeInformation
Get-Content $ReportPath
Remove-Item $ReportPath
