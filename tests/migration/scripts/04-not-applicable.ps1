# Concepts that belong to the Veeam server product.
Connect-VBOServer -Server vbo01.contoso.local -Port 9191
Add-VBOProxy -Hostname proxy02.contoso.local -Port 9193
$pool = Get-VBOProxyPool -Name "Pool 1"
Get-VBORbacRole | Remove-VBORbacRole
Set-VBORestorePortalSettings -EnableService
Install-VBOLicense -Path C:\license.lic
$session = Start-VBOExchangeItemRestoreSession -LatestState
$mailbox = Get-VEXMailbox -Database (Get-VEXDatabase -Session $session) -Name "Alice"
Export-VEXItem -Mailbox $mailbox -To "C:\export\alice.pst"
Get-VBOEmailSettings
