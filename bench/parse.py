"""Parse benchmark: generates a >=5,000-line script from real admin idioms and prints parse speed in lines/s.
Run by hand (`.venv/bin/python bench/parse.py [--lines N] [--repeat R]`); never asserted as a timing in tests."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vboshell.language import parse  # noqa: E402

_HEADER = '''#Requires -Modules Veeam.Archiver.PowerShell -Version 5.1
<#
.SYNOPSIS
    Generated benchmark script built from common VB365 admin idioms.
.DESCRIPTION
    Every block below is valid PowerShell; the parser must accept all of it.
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [Parameter(Mandatory = $false, Position = 0)]
    [ValidateSet('Daily', 'Weekly')]
    [string]$Mode = 'Daily',
    [int]$Threshold = 90,
    [switch]$Force
)
Import-Module "C:\\Program Files\\Veeam\\Backup365\\Veeam.Archiver.PowerShell\\Veeam.Archiver.PowerShell.psd1"
$ErrorActionPreference = 'Stop'
'''

_BLOCK = '''
# ---- block {n}
function Get-Report{n} {{ param($m) Write-Host $m }}
function Test-Job{n} {{
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, ValueFromPipeline)]
        [object]$Job,
        [int]$Days = 7
    )
    begin {{ $count = 0 }}
    process {{
        if ($Job.LastStatus -eq 'Failed' -and $Job.IsEnabled) {{
            $count++
            Write-Warning "Job $($Job.Name) failed at $($Job.LastRun)"
        }} elseif ($null -ne $Job.LastRun) {{
            Write-Verbose "ok: $($Job.Name)"
        }} else {{
            return $false
        }}
    }}
    end {{ return $count }}
}}
$org{n} = Get-VBOOrganization -Name "contoso{n}.onmicrosoft.com"
$jobs{n} = Get-VBOJob -Organization $org{n} | Where-Object {{ $_.IsEnabled }} | Sort-Object Name
$total{n} = 0
:outer foreach ($job in $jobs{n}) {{
    foreach ($i in 1..3) {{
        if ($i -gt 2) {{ break outer }}
        $Name = "Job$i"
        Write-Host $Name$i -ForegroundColor Cyan
    }}
    $sizeGB = [math]::Round($job.UsedSpace / 1GB, 2)
    $total{n} += $sizeGB + 5.5MB / 1MB
    $dir = "C:\\Reports\\{n}"
    $u = $job.Name
    Export-Csv -Path $dir\\$($u).txt -NoTypeInformation -Confirm:$false
}}
$report{n} = $jobs{n} | Select-Object @{{N='Repository';E={{$_.Repository.Name}}}}, * |
    Select-Object Name, Size
$params{n} = @{{ Organization = $org{n}; Name = 'Nightly'; Repository = $repo }}
Start-VBOJob @params{n} -Confirm:$false -WhatIf:$WhatIfPreference
$status{n} = if ($total{n} -gt $Threshold) {{ 'Warning' }} else {{ 'OK' }}
$names{n} = foreach ($j in $jobs{n}) {{ $j.Name.ToUpper() }}
$x{n} = $a ?? $b
$y{n} = $c ? 1 : 2
try {{
    $session = Get-VBOJobSession -Job $jobs{n}[0] -Last -ErrorAction Stop
    $duration = ($session.EndTime - $session.CreationTime).TotalMinutes
}} catch [System.Exception] {{
    Write-Error "Failed: $($_.Exception.Message)"
}} finally {{
    $null = Remove-Variable session -ErrorAction SilentlyContinue
}}
switch -Wildcard ($Mode) {{
    'Dai*' {{ $interval = 1 }}
    'Week*' {{ $interval = 7; break }}
    default {{ throw "Unknown mode $Mode" }}
}}
for ($k = 0; $k -lt $jobs{n}.Count; $k++) {{ $arr[$k] = $jobs{n}[$k].Name -replace '\\s+', '_' }}
do {{ $retry-- }} while ($retry -gt 0 -and -not $ok)
$body = @"
Report for $($org{n}.Name)
Total: {{0:N2}} GB
"@ -f $total{n}
$lines = Get-Content -Path .\\input{n}.txt 2>$null |
    ForEach-Object {{ $_.Trim() }} |
    Where-Object {{ $_ -and -not $_.StartsWith('#') }}
Get-VBOJob `
    -Name "Backup {n}" `
    -Organization $org{n}
$obj{n} = [PSCustomObject]@{{ Name = $u; Size = 10GB; When = (Get-Date).AddDays(-1) }}
& $exe /quiet "--log=$dir\\log{n}.txt"
'''


def generate_script(min_lines: int = 5000) -> str:
    parts = [_HEADER]
    lines = _HEADER.count("\n")
    n = 0
    while lines < min_lines:
        block = _BLOCK.format(n=n)
        parts.append(block)
        lines += block.count("\n")
        n += 1
    return "".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--lines", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=9)
    args = ap.parse_args()
    text = generate_script(args.lines)
    nlines = text.count("\n") + 1
    code_lines = sum(1 for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith(("#", "<#", ".")))
    parse(text)  # warm up (imports, regex compilation)
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(args.repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        parse(text)  # a fresh parse of the same text each time (the tree is freed inside the timed region)
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    wall, cpu = min(walls), min(cpus)
    cpu_med = statistics.median(cpus)
    print(f"script: {nlines} lines ({code_lines} code lines, {len(text)} chars)")
    print(f"parse, best of {args.repeat}: {wall * 1000:.1f} ms wall -> {nlines / wall:,.0f} lines/s; "
          f"{cpu * 1000:.1f} ms CPU -> {nlines / cpu:,.0f} lines/s")
    print(f"parse, median of {args.repeat}: {cpu_med * 1000:.1f} ms CPU -> {nlines / cpu_med:,.0f} lines/s")
    try:
        load = os.getloadavg()[0]
        print(f"(load average {load:.2f} on {os.cpu_count()} CPUs; other work on the machine slows the wall figure)")
    except OSError:  # pragma: no cover - platforms without getloadavg
        pass


if __name__ == "__main__":
    main()
