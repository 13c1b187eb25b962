<#
.SYNOPSIS
    A script that works unchanged in vboshell: server, version and proxy cmdlets, a function and an alias.
#>
[CmdletBinding()]
param([string]$Server = "localhost")

Import-Module Veeam.Archiver.PowerShell
. "$PSScriptRoot\lib\common.ps1"

function Get-Summary {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][string]$Title,
        [switch]$Short
    )
    Write-Log "Summary: $Title"
}

Set-Alias -Name gsum -Value Get-Summary
Connect-VBOServer -Server $Server -Port 9191
$version = (Get-VBOVersion).ProductVersion
$proxy = Get-VBOProxy -Hostname localhost
Get-Summary -Title "vboshell $version on $($proxy.Hostname)" -Sh
gsum -Title again
Get-VBOCommand -Verb Get -Noun *Job*
Disconnect-VBOServer
