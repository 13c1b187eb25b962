# Helpers dot-sourced by the other scripts.
function Write-Log {
    param([string]$Message)
    Write-Host "$(Get-Date -Format s) $Message"
}
