$jobs = Get-VBOJob
foreach ($job in $jobs) {
    Start-VBOJob -Job $job
    Write-Host "Started $($job.Name)"
