# Mailbox storage by department: hashtables, [ordered], size units, Group-Object and Measure-Object.
function Format-Size {
    param([Parameter(Mandatory, Position = 0)][double]$Bytes)
    if ($Bytes -ge 1GB) { return '{0:N2} GB' -f ($Bytes / 1GB) }
    if ($Bytes -ge 1MB) { return '{0:N1} MB' -f ($Bytes / 1MB) }
    '{0:N0} KB' -f ($Bytes / 1KB)
}

$mailboxes = @(
    [PSCustomObject]@{ User = 'adele@contoso.com';  Department = 'Sales';   SizeBytes = 3.5GB;  Archive = $true }
    [PSCustomObject]@{ User = 'alex@contoso.com';   Department = 'IT';      SizeBytes = 820MB;  Archive = $false }
    [PSCustomObject]@{ User = 'diego@contoso.com';  Department = 'Sales';   SizeBytes = 1.25GB; Archive = $false }
    [PSCustomObject]@{ User = 'grady@contoso.com';  Department = 'Finance'; SizeBytes = 640KB;  Archive = $false }
    [PSCustomObject]@{ User = 'isaiah@contoso.com'; Department = 'IT';      SizeBytes = 2GB;    Archive = $true }
)

$byDept = [ordered]@{}
foreach ($m in $mailboxes | Sort-Object Department) {
    if (-not $byDept.Contains($m.Department)) { $byDept[$m.Department] = 0 }
    $byDept[$m.Department] += $m.SizeBytes
}

Write-Host '== Storage by department =='
foreach ($key in $byDept.Keys) {
    Write-Host ("{0,-8}{1,12}" -f $key, (Format-Size $byDept[$key]))
}

$total = ($mailboxes | Measure-Object -Property SizeBytes -Sum).Sum
"Total: $(Format-Size $total) in $($mailboxes.Count) mailboxes"

$groups = $mailboxes | Group-Object Department | Sort-Object -Property @{ Expression = 'Count'; Descending = $true }, Name
foreach ($g in $groups) {
    $users = ($g.Group | ForEach-Object { ($_.User -split '@')[0] }) -join ','
    "$($g.Name): $($g.Count) [$users]"
}

$archived = $mailboxes.Where({ $_.Archive }).User
"Archive enabled: $($archived -join '; ')"
$largest = $mailboxes | Sort-Object SizeBytes -Descending | Select-Object -First 2 -ExpandProperty User
"Largest: $largest"
$pct = ($mailboxes | Where-Object { $_.SizeBytes -gt 1GB }).Count / $mailboxes.Count
"Over 1 GB: {0:P0}" -f $pct
