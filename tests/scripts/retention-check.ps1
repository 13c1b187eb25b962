# Restore point retention audit with date arithmetic against a fixed reference time.
$now = Get-Date -Date '2024-03-15 09:00:00'
$retentionDays = 30

$restorePoints = @(
    @{ Organization = 'contoso.onmicrosoft.com';  BackupTime = '2024-03-14T21:00:00'; IsLongTerm = $false }
    @{ Organization = 'contoso.onmicrosoft.com';  BackupTime = '2024-02-01T21:00:00'; IsLongTerm = $false }
    @{ Organization = 'fabrikam.onmicrosoft.com'; BackupTime = '2024-01-10T03:30:00'; IsLongTerm = $true }
    @{ Organization = 'fabrikam.onmicrosoft.com'; BackupTime = 'yesterday-ish';       IsLongTerm = $false }
)

$results = foreach ($rp in $restorePoints) {
    try {
        $time = [datetime]$rp.BackupTime
    }
    catch {
        Write-Warning "Skipping restore point of $($rp.Organization): cannot parse '$($rp.BackupTime)'"
        continue
    }
    $age = $now - $time
    $expired = (-not $rp.IsLongTerm) -and ($age.TotalDays -gt $retentionDays)
    [PSCustomObject]@{
        Organization = $rp.Organization.Split('.')[0]
        Date         = $time.ToString('dd MMM yyyy')
        AgeDays      = [math]::Floor($age.TotalDays)
        Expired      = $expired
    }
}

"Checked {0} restore points at {1:yyyy-MM-dd HH:mm}" -f $results.Count, $now
foreach ($r in $results) {
    $flag = if ($r.Expired) { 'EXPIRED' } else { 'ok' }
    "{0,-10} {1,-12} {2,4} days  {3}" -f $r.Organization, $r.Date, $r.AgeDays, $flag
}

$oldest = $results | Sort-Object AgeDays -Descending | Select-Object -First 1
"Oldest: $($oldest.Organization) ($($oldest.AgeDays) days)"
$nextRun = $now.Date.AddDays(1).AddHours(22)
"Next cleanup: $($nextRun.ToString('dddd, MMMM d, yyyy h:mm tt')) (in $(($nextRun - $now).TotalHours) hours)"
$span = New-TimeSpan -Start $now -End $nextRun
"Span: {0:hh\:mm}" -f $span
