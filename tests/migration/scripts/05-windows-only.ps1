#Requires -PSSnapin VeeamPSSnapIn
# Windows-only dependencies, each with a portable alternative.
Add-PSSnapin VeeamPSSnapIn
$password = Get-Content "C:\scripts\password.txt" | ConvertTo-SecureString
$plain = ConvertTo-SecureString "P@ss" -AsPlainText -Force
Add-Type -AssemblyName System.Windows.Forms
[void][System.Reflection.Assembly]::LoadWithPartialName("System.Drawing")
$form = New-Object System.Windows.Forms.Form
$result = [System.Windows.Forms.MessageBox]::Show("Backup finished")
$outlook = New-Object -ComObject Outlook.Application
Write-EventLog -LogName Application -Source VBO -EventId 1 -Message "done"
