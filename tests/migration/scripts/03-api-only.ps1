# Legacy authentication and objects that API-only mode cannot reach.
$cred = Get-Credential
$settings = New-VBOOffice365ConnectionSettings -Credential $cred -GrantRolesAndPermissions
$org = Add-VBOOrganization -Name "contoso.onmicrosoft.com" -Office365Credential $cred
Measure-VBOOrganizationFullBackupSize -Organization $org -Mailbox -OneDrive
$publicFolders = Get-VBOOrganizationUser -Organization $org -Type PublicMailbox
$discovery = Get-VBOOrganizationUser -Organization $org -Name "DiscoverySearchMailbox{D919BA05-46A6-415f-80AD-7E09334BB852}"
$users = Get-VBOOrganizationUser -Organization $org -Type User
$dynamic = Get-VBOOrganizationGroup -Organization $org -Type DynamicDistribution
New-VBOBackupAccount -SecurityGroupMember $users[0]
