# Configuration export: CSV round trip, paths, here-strings, string operators and file output.
$workDir = Join-Path $PSScriptRoot 'out-config'
if (-not (Test-Path $workDir)) { New-Item -ItemType Directory -Path $workDir | Out-Null }

$jobs = @(
    [PSCustomObject]@{ Name = 'Exchange Daily'; Schedule = 'Daily 22:00'; Repository = 'Repo-A'; Enabled = $true }
    [PSCustomObject]@{ Name = 'OneDrive "VIP"'; Schedule = 'Daily 23:00'; Repository = 'Repo-B'; Enabled = $false }
)
$csvPath = Join-Path $workDir 'jobs.csv'
$jobs | Export-Csv -Path $csvPath -NoTypeInformation
$imported = Import-Csv -Path $csvPath
"Imported $($imported.Count) jobs; Enabled is a $($imported[0].Enabled.GetType().Name)"
foreach ($j in $imported) {
    $state = if ($j.Enabled -eq 'True') { 'on' } else { 'off' }
    $hour = ($j.Schedule -split ' ')[1] -replace ':00$', 'h'
    "{0} -> {1} at {2} [{3}]" -f $j.Name, $j.Repository, $hour, $state
}

$names = $imported.Name -replace '"', '' -join ' | '
"Names: $names"

$template = @"
Server: $env:VBO_TEST_SERVER
Jobs:   $($jobs.Count)
"@
$template | Out-File -FilePath (Join-Path $workDir 'summary.txt')
Get-Content (Join-Path $workDir 'summary.txt')

$literal = @'
No $expansion here
'@
$literal
"Files: $((Get-ChildItem $workDir | Sort-Object Name | ForEach-Object Name) -join ', ')"
Remove-Item $workDir -Recurse -Force
"Cleaned: $(-not (Test-Path $workDir))"
