# License usage per organization with a summary table and threshold classification.
param([int]$Warning = 75, [int]$Critical = 90)

$orgs = @(
    @{ Name = 'Contoso';  Licensed = 460; Total = 500 }
    @{ Name = 'Fabrikam'; Licensed = 120; Total = 200 }
    @{ Name = 'Tailspin'; Licensed = 49;  Total = 50 }
)

function Get-UsageLevel([double]$Percent) {
    switch ($Percent) {
        { $_ -ge $Critical } { 'Critical'; break }
        { $_ -ge $Warning }  { 'Warning'; break }
        default              { 'Normal' }
    }
}

$report = foreach ($o in $orgs) {
    $percent = 100 * $o.Licensed / $o.Total
    [PSCustomObject]@{
        Organization = $o.Name
        Used         = $o.Licensed
        Free         = $o.Total - $o.Licensed
        Level        = Get-UsageLevel $percent
    }
}

$criticalOrgs = $report | Where-Object Level -eq 'Critical'
if ($criticalOrgs) {
    Write-Host "Critical: $(@($criticalOrgs).Organization -join ', ')" -ForegroundColor Red
}
$sum = 0
$report.Used | ForEach-Object { $sum += $_ }
Write-Host ("Licensed users overall: {0:N0} of {1:N0} ({2:P1})" -f $sum, ($orgs | ForEach-Object { $_.Total } | Measure-Object -Sum).Sum, ($sum / 750))
$report | Sort-Object Used -Descending
