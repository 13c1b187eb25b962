# Only warnings: an external program and a DPAPI-protected password file.
$secure = Get-Content "$PSScriptRoot\pw.txt" | ConvertTo-SecureString
net use Z: \\nas\share
