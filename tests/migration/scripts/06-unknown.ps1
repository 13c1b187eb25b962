#Requires -Version 5.1
#Requires -Modules ActiveDirectory
# Commands and parameters vboshell does not know.
. "$PSScriptRoot\lib\common.ps1"
. .\lib\missing.ps1
Write-Log "start"
Send-TeamsNotification -Text "hello"
robocopy C:\backup \\nas\backup /MIR
Get-VBOProxy -Bogus
Get-VBOCommand -N x
Get-VBOVersion -Detailed

function Invoke-Report {
    [CmdletBinding()]
    param([string]$Path, [ValidateSet("Csv", "Html")][string]$Format = "Csv")
    Write-Log $Path
}
function Old-Style { Write-Log $args }
Invoke-Report -Path out.csv -Fmt Csv
Invoke-Report -Path out.csv -Format Pdf
Old-Style -Anything goes
Import-Module ActiveDirectory
$bg = Start-Job -ScriptBlock { Get-VBOVersion }
Wait-Job $bg | Receive-Job
