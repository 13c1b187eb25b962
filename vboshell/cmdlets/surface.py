"""The catalogue of every Veeam Backup for Microsoft 365 and Veeam Explorers cmdlet name, with its area and its status here.
Read by the placeholders (what to raise), by Get-VBOCommand & co (what to list) and by `vboshell check` (what to report).

Format
------
`SURFACE` maps the lower-case Veeam name to a `SurfaceEntry`:

    name     the Veeam spelling ('Add-VBOOrganization')
    area     Veeam area as grouped in the reference ('Organizations', 'Backup jobs, schedules & backup items', ...)
    module   the Veeam module that ships it (Get-Command's Source column)
    status   'supported'      vboshell provides it (a real cmdlet; `issue` says where it is built)
             'planned'        fits vboshell but is not built yet (NotYetImplemented until it is)
             'api_only'       cannot work in API-only mode (ApiOnlyModeNotSupported)
             'not_applicable' the concept does not exist in vboshell (NotApplicable)
    reason   one sentence: why (api_only, not_applicable) or what to use meanwhile (planned)
    feature  for api_only: the feature named in the error message (default: the cmdlet name)
    instead  what to do instead (api_only and not_applicable)
    issue    the project issue that builds (or would build) it
    source   'v8.3' (the 209-cmdlet A-Z list), 'explorers' (the 83 Explorers cmdlets), 'legacy' (older/obsolete
             names scripts still use), 'hidden' (undocumented names seen in scripts), 'vboshell' (our additions)

`PARAMETER_RULES` maps a lower-case Veeam name to `ParameterRule`s: parameters (optionally only with certain
constant values) that API-only mode cannot honour or that do not apply. `vboshell check` reports them; real cmdlets
can raise the same errors with `parameter_error(...)`.

Short names
-----------
Every `Verb-VBONoun` also answers to `Verb-Noun` (the registry derives it), including the Explorers' restore-session
names (`Start-ExchangeItemRestoreSession`); VEX/VEOD/VESP/VET names have no short form. Collisions with PowerShell:
- Veeam wins for PowerShell's background-job cmdlets (`Get-Job`, `Start-Job`, `Stop-Job`, `Remove-Job`), which
  vboshell does not have; `vboshell check` reports scripts that use them as PowerShell jobs (-ScriptBlock, Wait-Job).
- PowerShell wins for `Get-Command`: `Get-VBOCommand` has no short name.
- `Get-Version`, `Get-Server`, `Connect-Server`, `Get-License`, `Export-Log` are not PowerShell cmdlets, so Veeam's.
A placeholder never takes a short name another cmdlet already owns.

Listings: Get-VBOCommand lists module Veeam.Archiver.PowerShell, Get-VEXCommand Veeam.Exchange.PowerShell; Veeam ships
VESP and VEOD in one module (Veeam.SharePoint.PowerShell): Get-VESPCommand lists its VESP part, Get-VEODCommand (ours)
its VEOD part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vboshell.runtime.errors import CmdletError

NON_LOCAL_HOST = "@non-local-host"  # value_pattern meaning "a host name that is not this machine"

SUPPORTED = "supported"
PLANNED = "planned"
API_ONLY = "api_only"
NOT_APPLICABLE = "not_applicable"
STATUSES = (SUPPORTED, PLANNED, API_ONLY, NOT_APPLICABLE)

MOD_VBO = "Veeam.Archiver.PowerShell"
MOD_VEX = "Veeam.Exchange.PowerShell"
MOD_VESP = "Veeam.SharePoint.PowerShell"  # VESP* and VEOD*
MOD_VET = "Veeam.Teams.PowerShell"
VEEAM_MODULES = (MOD_VBO, MOD_VEX, MOD_VESP, MOD_VET)

# The vboshell areas (project issues) that build the real cmdlets.
ISSUE_AREAS: dict[int, str] = {
    5: "sandbox tenant",
    6: "organizations and Microsoft Graph connection",
    7: "repositories and encryption keys",
    8: "backup jobs and sessions",
    9: "restore, explore and export",
    10: "migration and server compatibility",
}


@dataclass(frozen=True)
class SurfaceEntry:
    name: str
    area: str
    module: str
    status: str
    reason: str = ""
    feature: str = ""
    instead: str = ""
    issue: int | None = None
    source: str = "v8.3"

    @property
    def vboshell_area(self) -> str:
        return ISSUE_AREAS.get(self.issue or 0, self.area.lower())


@dataclass(frozen=True)
class ParameterRule:
    cmdlet: str
    parameter: str  # the full parameter name, as Veeam spells it
    status: str  # API_ONLY or NOT_APPLICABLE
    feature: str
    reason: str
    instead: str = ""
    value_pattern: str | None = None  # only when a constant argument matches this regex (case-insensitive)
    severity: str = "error"  # 'warning' when vboshell accepts the parameter but cannot honour it fully
    aliases: tuple[str, ...] = field(default_factory=tuple)

    def matches_value(self, value: str | None) -> bool:
        if self.value_pattern is None:
            return True
        if self.value_pattern == NON_LOCAL_HOST:
            return value is not None and not is_local_host(value)
        return value is not None and re.search(self.value_pattern, value, re.IGNORECASE) is not None


SURFACE: dict[str, SurfaceEntry] = {}
PARAMETER_RULES: dict[str, list[ParameterRule]] = {}


def _add(area: str, status: str, names: str, *, module: str = MOD_VBO, reason: str = "", feature: str = "",
         instead: str = "", issue: int | None = None, source: str = "v8.3") -> None:
    for name in names.split():
        key = name.lower()
        assert key not in SURFACE, f"duplicate surface entry {name}"
        SURFACE[key] = SurfaceEntry(name, area, module, status, reason, feature, instead, issue, source)


def _rule(cmdlets: str, parameter: str, status: str, feature: str, reason: str, instead: str = "",
          value_pattern: str | None = None, severity: str = "error") -> None:
    for cmdlet in cmdlets.split():
        PARAMETER_RULES.setdefault(cmdlet.lower(), []).append(
            ParameterRule(cmdlet, parameter, status, feature, reason, instead, value_pattern, severity)
        )


# ------------------------------------------------------------------------------------------------
# Reasons shared by several cmdlets (one sentence each)

R_PROXY = ("vboshell runs backup and restore work in-process on this machine, so there are no separate backup proxies "
           "to add, update or put into maintenance.")
I_PROXY = "Get-VBOProxy returns the local machine; pass it wherever a script needs a -Proxy."
R_POOL = "Proxy pools group Veeam backup proxies; vboshell has a single local proxy, so there are no pools."
R_LINUX_CRED = "Linux credentials are used to deploy Veeam proxies over SSH; vboshell has no remote proxies."
R_RBAC = ("Restore operators (RBAC) belong to the Veeam server product and its REST API; vboshell is a shell that runs "
          "with the rights of the local account.")
R_PORTAL = "The Restore Portal is a web application of the Veeam server product; vboshell has no web portal."
R_SERVER_AUTH = ("These settings secure the Veeam server's own REST API and Restore Portal endpoints; vboshell exposes no "
                 "server endpoints.")
R_LICENSE_FILE = "vboshell is open source (Apache-2.0) and needs no license file."
I_LICENSE = "Get-VBOLicense and Get-VBOLicensedUser report the protected users."
R_REMOVE_LICENSED = "vboshell does not assign or revoke licenses."
I_REMOVE_LICENSED = "To stop protecting a user, remove it from its jobs and its data with Remove-VBOEntityData."
R_ONPREM = ("vboshell protects Microsoft 365 through Microsoft Graph only; on-premises Exchange and SharePoint servers are "
            "not supported.")
R_BACKUP_APP = ("vboshell uses the organization's one application registration and keeps under Microsoft Graph limits "
                "with its own throttling; auxiliary backup applications (which Veeam stopped accepting in 8.4) are not used.")
R_SYNC = ("vboshell reads users, groups, sites and teams from Microsoft Graph when asked (and with delta queries during "
          "backups); there is no separate organization cache to synchronize.")
R_COMPONENTS = "vboshell has no separate server components or services to configure; it runs as one process."
R_EXTLOG = "vboshell has no separate Explorer logs."
I_EXTLOG = "Use -Verbose (or $VerbosePreference = 'Continue') and the restore session log."
R_LDAP = ("Secure LDAP is used by Veeam Explorer for Exchange to reach on-premises Active Directory; vboshell talks to "
          "Microsoft 365 through Microsoft Graph only.")
R_ARCHIVER = ("Archiver appliances and the cloud network objects they need are virtual machines Veeam deploys for "
              "archive tiers; vboshell does not deploy cloud infrastructure.")
R_ARCHIVE_REPO = ("Archive-tier repositories (Amazon S3 Glacier, Azure Archive) need Veeam's archiver appliances and data "
                  "retrieval; vboshell writes to local, S3-compatible and Azure Blob storage.")
R_RETRIEVAL = "Data retrieval brings backups back from archive tiers (Glacier, Azure Archive), which vboshell does not use."
R_DEPRECATED_OS = "Deprecated in Veeam Backup for Microsoft 365 v8, which replaced it with per-type repository cmdlets."
I_DEPRECATED_OS = "Use Add-VBOAmazonS3CompatibleRepository, Add-VBOAmazonS3Repository or Add-VBOAzureBlobRepository."
R_OWNER = ("Repository owner changes move a repository between Veeam backup proxies; vboshell opens repositories "
           "directly by path.")
R_REPO_SYNC = ("Repository synchronization refreshes a proxy's cache of an object-storage repository; vboshell reads "
               "the repository index directly.")
R_REPO_UPGRADE = ("Repository upgrades convert Veeam's older repository formats; vboshell repositories are always "
                  "in the current format.")
R_INDEXING = "vboshell writes the repository index with every restore point, so there is no separate indexing run."
R_MIGRATION = ("Data migration moves Veeam's Jet-database repositories to object storage; vboshell repositories have "
               "one format.")
R_SERVER_CONFIG = ("These tune the Veeam server's configuration and its PostgreSQL database; vboshell keeps its "
                   "catalogue in SQLite under VBOSHELL_HOME.")
R_INTERNET_PROXY = ("vboshell uses the standard HTTPS_PROXY and NO_PROXY environment variables (and a CA bundle per "
                    "organization) for outbound connections.")
R_EXPORT_LOG = ("vboshell has no server component logs to collect; session logs are in Get-VBOJobSession and "
                "Get-VBORestoreSession, and `vboshell service` logs to standard output.")
R_SET_SERVER = "vboshell uses the system's temporary directory; set the TMPDIR environment variable to change it."
R_OBSOLETE = "Obsolete in Veeam Backup for Microsoft 365 8.3, where none of its parameters work any more."
R_APP_CREATE = ("vboshell does not create or configure application registrations; register the application in "
                "Microsoft Entra ID (see the README) and pass its -ApplicationId.")
P_MAIL = "Sending items by e-mail from the Explorers is planned; meanwhile export the items and attach the files."

# API-only feature texts
F_LEGACY = "Legacy connection settings (a user account, basic authentication or legacy protocols)"
W_LEGACY = ("Legacy connection settings (a user account, basic authentication or legacy protocols) cannot be used: "
            "API-only mode authenticates as a Microsoft Entra ID application alone.")
I_LEGACY = ("New-VBOOffice365ApplicationOnlyConnectionSettings with a certificate (-ApplicationCertificatePath or "
            "-ApplicationCertificateThumbprint) or a client secret (-ApplicationSecret).")
F_MEASURE = "Measure-VBOOrganizationFullBackupSize"
W_MEASURE = ("Measuring an organization's full backup size needs a user account with legacy protocols and cannot be "
             "used for organizations added with a Microsoft Entra ID application.")
I_MEASURE = ("Get-VBOOrganizationUsageEstimate -Organization $org estimates the size from the Microsoft 365 usage "
             "reports, per service.")
F_PUBLIC = "Public Folder mailboxes"
W_PUBLIC = ("Public Folder mailboxes cannot be listed, selected, backed up or restored: Microsoft Graph gives an "
            "application no access to them.")
I_PUBLIC = "Move the content to shared mailboxes or Microsoft 365 groups, which are backed up."
F_DISCOVERY = "Discovery Search mailboxes"
W_DISCOVERY = ("Discovery Search mailboxes cannot be listed, selected, backed up or restored: Microsoft Graph gives an "
               "application no access to them.")
I_DISCOVERY = "Use Microsoft Purview eDiscovery exports, or back up the mailboxes being searched."
F_DYNAMIC = "Dynamic distribution groups"
W_DYNAMIC = ("Dynamic distribution groups cannot be listed, selected or expanded to their members: Microsoft Graph "
             "does not support them.")
I_DYNAMIC = "Select the users directly, or use a Microsoft 365 or security group."

# ------------------------------------------------------------------------------------------------
# 1.1: the 209 cmdlets of the v8.3 A-Z list

A = "Backup copy jobs"
_add(A, PLANNED, "Add-VBOCopyJob Disable-VBOCopyJob Enable-VBOCopyJob Get-VBOCopyJob New-VBOCopyJobSchedulePolicy "
     "Remove-VBOCopyJob Set-VBOCopyJob Set-VBOCopyJobSchedulePolicy Start-VBOCopyJob Stop-VBOCopyJob",
     reason="Backup copy jobs are planned together with object-storage repositories.", issue=7)

A = "Backup jobs, schedules & backup items"
_add(A, SUPPORTED, "Add-VBOBackupItem Add-VBOExcludedBackupItem Add-VBOJob Disable-VBOJob Enable-VBOJob "
     "Get-VBOBackupItem Get-VBOExcludedBackupItem Get-VBOJob New-VBOBackupItem New-VBOBackupWindowSettings "
     "New-VBOJobSchedulePolicy Remove-VBOBackupItem Remove-VBOExcludedBackupItem Remove-VBOJob Set-VBOBackupItem "
     "Set-VBOBackupWindowSettings Set-VBOJob Set-VBOJobSchedulePolicy Start-VBOJob Stop-VBOJob", issue=8)

A = "Backup proxies & proxy pools"
_add(A, SUPPORTED, "Get-VBOProxy", issue=10, reason="Returns the single local proxy: this machine.")
_add(A, NOT_APPLICABLE, "Add-VBOProxy Remove-VBOProxy Set-VBOProxy Set-VBOProxyMaintenance Sync-VBOProxy Update-VBOProxy",
     reason=R_PROXY, instead=I_PROXY)
_add(A, NOT_APPLICABLE, "Add-VBOProxyPool Get-VBOProxyPool Remove-VBOProxyPool Set-VBOProxyPool", reason=R_POOL,
     instead=I_PROXY)

A = "Encryption keys"
_add(A, SUPPORTED, "Add-VBOEncryptionKey Get-VBOEncryptionKey Remove-VBOEncryptionKey", issue=7)

A = "Licensing & usage"
_add(A, SUPPORTED, "Get-VBOLicense Get-VBOLicensedUser", issue=10,
     reason="Reports the users protected in the repositories; vboshell has no license limit.")
_add(A, SUPPORTED, "Get-VBOUsageData", issue=7)
_add(A, PLANNED, "Get-VBOLicenseOverviewReport",
     reason="Meanwhile Get-VBOLicensedUser | Export-Csv gives the same list.")
_add(A, NOT_APPLICABLE, "Install-VBOLicense Uninstall-VBOLicense Update-VBOLicense", reason=R_LICENSE_FILE,
     instead=I_LICENSE)
_add(A, NOT_APPLICABLE, "Remove-VBOLicensedUser", reason=R_REMOVE_LICENSED, instead=I_REMOVE_LICENSED)

A = "Organizations"
_add(A, SUPPORTED, "Add-VBOOrganization Get-VBOOrganization Remove-VBOOrganization Set-VBOOrganization", issue=6)

A = "Organizations: connection settings & backup applications/accounts"
_add(A, SUPPORTED, "New-VBOOffice365ApplicationOnlyConnectionSettings Set-VBOOffice365ApplicationOnlyConnectionSettings",
     issue=6)
_add(A, API_ONLY, "New-VBOOffice365ConnectionSettings Set-VBOOffice365ConnectionSettings", feature=F_LEGACY,
     reason=W_LEGACY, instead=I_LEGACY, issue=6)
_add(A, API_ONLY, "New-VBOBackupAccount", feature="Backup accounts",
     reason=("Backup accounts are user accounts that spread Exchange throttling over legacy protocols; API-only mode "
             "uses no user accounts."),
     instead="Nothing is needed: vboshell paces its Microsoft Graph requests itself.", issue=6)
_add(A, NOT_APPLICABLE, "New-VBOOnPremConnectionSettings Set-VBOOnPremConnectionSettings", reason=R_ONPREM)
_add(A, NOT_APPLICABLE, "Add-VBOBackupApplication Get-VBOApplication Get-VBOBackupApplication New-VBOBackupApplication "
     "Remove-VBOBackupApplication Set-VBOBackupApplication", reason=R_BACKUP_APP)

A = "Organizations: objects (users/groups/sites/teams) & sync"
_add(A, SUPPORTED, "Get-VBOOrganizationGroup Get-VBOOrganizationGroupMember Get-VBOOrganizationSite "
     "Get-VBOOrganizationTeam Get-VBOOrganizationUser", issue=6)
_add(A, NOT_APPLICABLE, "Get-VBOOrganizationSynchronizationState Start-VBOOrganizationSynchronization", reason=R_SYNC)

A = "RBAC (restore operators), Restore Portal, authentication & REST API settings"
_add(A, NOT_APPLICABLE, "Add-VBORbacRole Get-VBORbacRole New-VBORbacOperator New-VBORbacRoleItem Remove-VBORbacRole "
     "Set-VBORbacRole", reason=R_RBAC)
_add(A, NOT_APPLICABLE, "Get-VBORestorePortalSettings Set-VBORestorePortalSettings", reason=R_PORTAL)
_add(A, NOT_APPLICABLE, "Add-VBOFederatedAuthenticationAuthority Get-VBOFederatedAuthenticationAuthority "
     "Remove-VBOFederatedAuthenticationAuthority Get-VBOOperatorAuthenticationSettings "
     "Set-VBOOperatorAuthenticationSettings Get-VBOTenantAuthenticationSettings Set-VBOTenantAuthenticationSettings "
     "Get-VBORestAPISettings Set-VBORestAPISettings Get-VBOSecuritySettings Set-VBOSecuritySettings",
     reason=R_SERVER_AUTH)

A = "Reports"
_add(A, PLANNED, "Get-VBOMailboxProtectionReport Get-VBOStorageConsumptionReport Get-VBOUserProtectionReport",
     reason="Meanwhile build the report from Get-VBOEntityData and Get-VBOLicensedUser with Export-Csv.")

A = "Repositories & object storage (incl. cloud accounts, archiver appliances)"
_add(A, SUPPORTED, "Add-VBORepository Get-VBORepository Remove-VBORepository Set-VBORepository Test-VBORepository",
     issue=7)
_add(A, PLANNED, "Add-VBOAmazonS3Account Get-VBOAmazonS3Account Remove-VBOAmazonS3Account Set-VBOAmazonS3Account "
     "Add-VBOAmazonS3CompatibleAccount Get-VBOAmazonS3CompatibleAccount Remove-VBOAmazonS3CompatibleAccount "
     "Set-VBOAmazonS3CompatibleAccount Add-VBOAzureBlobAccount Get-VBOAzureBlobAccount Remove-VBOAzureBlobAccount "
     "Set-VBOAzureBlobAccount New-VBOAmazonS3CompatibleConnectionSettings New-VBOAmazonS3ConnectionSettings "
     "New-VBOAzureBlobConnectionSettings Get-VBOAmazonS3Bucket Add-VBOAmazonS3Folder Get-VBOAmazonS3Folder "
     "Get-VBOAzureBlobContainer Add-VBOAzureBlobFolder Get-VBOAzureBlobFolder "
     "New-VBOAmazonS3CompatibleObjectStorageSettings New-VBOAmazonS3ObjectStorageSettings "
     "New-VBOAzureBlobObjectStorageSettings Add-VBOAmazonS3CompatibleRepository Set-VBOAmazonS3CompatibleRepository "
     "Add-VBOAmazonS3Repository Set-VBOAmazonS3Repository Add-VBOAzureBlobRepository Set-VBOAzureBlobRepository",
     reason="Object-storage repositories (S3-compatible, Azure Blob) are planned; meanwhile use a local path "
            "with Add-VBORepository -Path.", issue=7)
_add(A, NOT_APPLICABLE, "Add-VBOAmazonS3GlacierRepository Set-VBOAmazonS3GlacierRepository "
     "Add-VBOAzureArchiveRepository Set-VBOAzureArchiveRepository", reason=R_ARCHIVE_REPO)
_add(A, NOT_APPLICABLE, "New-VBOAmazonArchiverAppliance New-VBOAzureArchiverAppliance Get-VBOAmazonInstanceType "
     "Get-VBOAmazonSecurityGroup Get-VBOAmazonSubnet Get-VBOAmazonVPC Add-VBOAzureServiceAccount "
     "Get-VBOAzureServiceAccount Remove-VBOAzureServiceAccount Set-VBOAzureServiceAccount Get-VBOAzureLocation "
     "Get-VBOAzureResourceGroup Get-VBOAzureSubNet Get-VBOAzureSubscription Get-VBOAzureVirtualMachineSize "
     "Get-VBOAzureVirtualNetwork", reason=R_ARCHIVER)
_add(A, NOT_APPLICABLE, "Add-VBOAmazonS3CompatibleObjectStorageRepository Add-VBOAmazonS3ObjectStorageRepository "
     "Add-VBOAzureBlobObjectStorageRepository Get-VBOObjectStorageRepository Remove-VBOObjectStorageRepository "
     "Set-VBOObjectStorageRepository New-VBOAmazonS3ServiceConnectionSettings", reason=R_DEPRECATED_OS,
     instead=I_DEPRECATED_OS)
_add(A, NOT_APPLICABLE, "New-VBOLinuxCredential", reason=R_LINUX_CRED)

A = "Restore points, backed-up data & data retrieval"
_add(A, SUPPORTED, "Get-VBORestorePoint Get-VBOEntityData", issue=9)
_add(A, PLANNED, "Move-VBOEntityData Remove-VBOEntityData", issue=7,
     reason="Moving or removing one object's backed-up data is planned with repository maintenance.")
_add(A, NOT_APPLICABLE, "Get-VBODataRetrieval Get-VBODataRetrievalObject Set-VBODataRetrieval Start-VBODataRetrieval",
     reason=R_RETRIEVAL)

A = "Server connection, version, diagnostics & global config"
_add(A, SUPPORTED, "Connect-VBOServer Disconnect-VBOServer Get-VBOCommand Get-VBOServer Get-VBOVersion", issue=10)
_add(A, NOT_APPLICABLE, "Export-VBOLog", reason=R_EXPORT_LOG)
_add(A, NOT_APPLICABLE, "Get-VBOServerComponents Set-VBOServerComponents", reason=R_COMPONENTS)
_add(A, NOT_APPLICABLE, "Set-VBOConfigurationParameter Set-VBOPSQLDatabaseServerLimits", reason=R_SERVER_CONFIG)
_add(A, NOT_APPLICABLE, "Set-VBOServer", reason=R_SET_SERVER)

A = "Sessions"
_add(A, SUPPORTED, "Get-VBOJobSession", issue=8)
_add(A, SUPPORTED, "Get-VBORestoreSession Stop-VBORestoreSession", issue=9)
_add(A, PLANNED, "Get-VBODataManagementSession", issue=7,
     reason="Data management sessions come with Move-VBOEntityData and Remove-VBOEntityData.")
_add(A, NOT_APPLICABLE, "Get-VBODataRetrievalSession", reason=R_RETRIEVAL)
_add(A, NOT_APPLICABLE, "Get-VBORepositoryOwnerChangeSession Start-VBORepositoryOwnerChangeSession "
     "Stop-VBORepositoryOwnerChangeSession", reason=R_OWNER)
_add(A, NOT_APPLICABLE, "Get-VBORepositorySynchronizeSession Start-VBORepositorySynchronizeSession "
     "Stop-VBORepositorySynchronizeSession", reason=R_REPO_SYNC)
_add(A, NOT_APPLICABLE, "Get-VBORepositoryUpgradeSession Start-VBORepositoryUpgradeSession "
     "Stop-VBORepositoryUpgradeSession", reason=R_REPO_UPGRADE)
_add(A, NOT_APPLICABLE, "Start-VBORepositoryIndexingSession", reason=R_INDEXING,
     instead="Test-VBORepository verifies a repository and its index.")

A = "Settings: retention exclusions, folder exclusions, e-mail, history, internet proxy"
_add(A, PLANNED, "Get-VBOFolderExclusions Set-VBOFolderExclusions", issue=8,
     reason="Mailbox folder exclusions are planned with the backup jobs.")
_add(A, PLANNED, "Add-VBOOrganizationRetentionExclusion Get-VBOOrganizationRetentionExclusion "
     "Remove-VBOOrganizationRetentionExclusion Set-VBOOrganizationRetentionExclusion Get-VBOGlobalRetentionExclusion "
     "Set-VBOGlobalRetentionExclusion", issue=7, reason="Retention exclusions are planned with repository retention.")
_add(A, PLANNED, "Get-VBOEmailSettings Set-VBOEmailSettings",
     reason="E-mail notifications are planned; meanwhile a nightly script can mail Get-VBOJobSession results.")
_add(A, PLANNED, "Get-VBOHistorySettings Set-VBOHistorySettings", issue=8,
     reason="Session history retention is planned with the backup jobs; sessions are kept meanwhile.")
_add(A, NOT_APPLICABLE, "Get-VBOInternetProxySettings Set-VBOInternetProxySettings", reason=R_INTERNET_PROXY)

# ------------------------------------------------------------------------------------------------
# 1.2: the 83 Veeam Explorers cmdlets

A = "Explorers: Exchange (VEX)"
_add(A, SUPPORTED, "Start-VBOExchangeItemRestoreSession Get-VBOExchangeItemRestoreSession "
     "Stop-VBOExchangeItemRestoreSession Get-VEXDatabase Get-VEXMailbox Get-VEXFolder Get-VEXItem Restore-VEXItem "
     "Export-VEXItem", module=MOD_VEX, issue=9, source="explorers")
_add(A, SUPPORTED, "Get-VEXCommand", module=MOD_VEX, issue=10, source="explorers")
_add(A, PLANNED, "Send-VEXItem Get-VEXMailSettings Set-VEXMailSettings Get-VEXSmtpSettings Set-VEXSmtpSettings",
     module=MOD_VEX, issue=9, reason=P_MAIL, source="explorers")
_add(A, PLANNED, "Test-VEXMailboxResolution", module=MOD_VEX, issue=9, source="explorers",
     reason="Meanwhile Restore-VEXItem reports mailboxes it cannot resolve in its results.")
_add(A, NOT_APPLICABLE, "Disable-VEXExtendedLogging Enable-VEXExtendedLogging Get-VEXExtendedLogging", module=MOD_VEX,
     reason=R_EXTLOG, instead=I_EXTLOG, source="explorers")
_add(A, NOT_APPLICABLE, "Disable-VEXUseSecureLdap Enable-VEXUseSecureLdap Get-VEXUseSecureLdap", module=MOD_VEX,
     reason=R_LDAP, source="explorers")

A = "Explorers: OneDrive (VEOD)"
_add(A, SUPPORTED, "Start-VEODRestoreSession Get-VEODRestoreSession Stop-VEODRestoreSession Get-VEODOrganization "
     "Get-VEODUser Get-VEODDocument Get-VEODDocumentVersion Restore-VEODDocument Save-VEODDocument",
     module=MOD_VESP, issue=9, source="explorers")
_add(A, PLANNED, "Send-VEODDocument Get-VEODMailSettings Set-VEODMailSettings Get-VEODSmtpSettings "
     "Set-VEODSmtpSettings", module=MOD_VESP, issue=9, reason=P_MAIL, source="explorers")

A = "Explorers: SharePoint (VESP)"
_add(A, SUPPORTED, "Start-VBOSharePointItemRestoreSession Get-VBOSharePointItemRestoreSession "
     "Stop-VBOSharePointItemRestoreSession Get-VESPDatabase Get-VESPOrganization Get-VESPSite Get-VESPDocumentLibrary "
     "Get-VESPList Get-VESPDocument Get-VESPDocumentVersion Get-VESPItem Restore-VESPItem Save-VESPItem",
     module=MOD_VESP, issue=9, source="explorers")
_add(A, SUPPORTED, "Get-VESPCommand", module=MOD_VESP, issue=10, source="explorers")
_add(A, PLANNED, "Get-VESPItemAttachment Get-VESPItemVersion Export-VESPItem", module=MOD_VESP, issue=9,
     reason="Meanwhile Save-VESPItem saves documents and libraries as files.", source="explorers")
_add(A, PLANNED, "Send-VESPItem Get-VESPMailSettings Set-VESPMailSettings Get-VESPSmtpSettings Set-VESPSmtpSettings",
     module=MOD_VESP, issue=9, reason=P_MAIL, source="explorers")
_add(A, NOT_APPLICABLE, "Disable-VESPExtendedLogging Enable-VESPExtendedLogging Get-VESPExtendedLogging",
     module=MOD_VESP, reason=R_EXTLOG, instead=I_EXTLOG, source="explorers")

A = "Explorers: Teams (VET)"
_add(A, SUPPORTED, "Start-VBOTeamsItemRestoreSession Get-VBOTeamsItemRestoreSession Stop-VBOTeamsItemRestoreSession "
     "Get-VETOrganization Get-VETTeam Get-VETChannel Get-VETPost Get-VETFile Restore-VETItem Save-VETItem "
     "Export-VETPost", module=MOD_VET, issue=9, source="explorers")
_add(A, SUPPORTED, "Get-VETCommand", module=MOD_VET, issue=10, source="explorers")
_add(A, PLANNED, "Get-VETOtherTab Get-VETTeamMember", module=MOD_VET, issue=9, source="explorers",
     reason="Meanwhile Get-VETTeam and Get-VETChannel list what was backed up.")
_add(A, PLANNED, "Send-VETItem Get-VETMailSettings Set-VETMailSettings Get-VETSmtpSettings Set-VETSmtpSettings",
     module=MOD_VET, issue=9, reason=P_MAIL, source="explorers")
_add(A, NOT_APPLICABLE, "Disable-VETExtendedLogging Enable-VETExtendedLogging Get-VETExtendedLogging", module=MOD_VET,
     reason=R_EXTLOG, instead=I_EXTLOG, source="explorers")

# ------------------------------------------------------------------------------------------------
# 1.0: older, obsolete and undocumented names that real scripts still call

_add("Organizations", API_ONLY, "Measure-VBOOrganizationFullBackupSize", feature=F_MEASURE, reason=W_MEASURE,
     instead=I_MEASURE, issue=6, source="legacy")
_add("Organizations: objects (users/groups/sites/teams) & sync", NOT_APPLICABLE, "Get-VBOOrganizationMailbox",
     reason="Removed from Veeam after v2; mailboxes are the users that Get-VBOOrganizationUser lists.",
     instead="Get-VBOOrganizationUser -Organization $org", source="legacy")
_add("Organizations: objects (users/groups/sites/teams) & sync", NOT_APPLICABLE, "Sync-VBOEntity", reason=R_OBSOLETE,
     source="legacy")
_add("Encryption keys", NOT_APPLICABLE, "Set-VBOEncryptionKey", reason=R_OBSOLETE,
     instead="Add a new key with Add-VBOEncryptionKey and remove the old one with Remove-VBOEncryptionKey.",
     source="legacy")
_add("Backup jobs, schedules & backup items", PLANNED, "Export-VBOJobLog", issue=8, source="legacy",
     reason="Meanwhile: Get-VBOJobSession -Job $job | Select-Object -ExpandProperty Log | Export-Csv log.csv.")
_add("Backup jobs, schedules & backup items", PLANNED, "Get-VBOVersionBackupOptions Set-VBOVersionBackupOptions",
     issue=8, source="legacy", reason="SharePoint version backup options are planned with the backup jobs.")
_add("Repositories & object storage (incl. cloud accounts, archiver appliances)", NOT_APPLICABLE,
     "Start-VBODataMigration Get-VBODataMigration Suspend-VBODataMigration Resume-VBODataMigration "
     "Stop-VBODataMigration Remove-VBODataMigrationLock", reason=R_MIGRATION, source="hidden")
_add("Repositories & object storage (incl. cloud accounts, archiver appliances)", PLANNED,
     "Get-VBORepositoryInventoryReport", issue=7, source="hidden",
     reason="Meanwhile Get-VBOEntityData lists what a repository holds and Test-VBORepository verifies it.")

# ------------------------------------------------------------------------------------------------
# vboshell's own additions to the server area

_add("Server connection, version, diagnostics & global config", SUPPORTED, "Get-VEODCommand", module=MOD_VESP,
     issue=10, source="vboshell", reason="Lists the VEOD cmdlets (Get-VESPCommand lists the VESP ones).")
_add("Organizations", SUPPORTED, "Get-VBOOrganizationUsageEstimate", issue=6, source="vboshell",
     reason="The API-only replacement of Measure-VBOOrganizationFullBackupSize (Microsoft 365 usage reports).")
_add("Sessions", SUPPORTED, "Wait-VBOJobSession", issue=8, source="vboshell",
     reason="Waits for a session started with Start-VBOJob -RunAsync.")
_add("Sandbox tenant (vboshell)", SUPPORTED, "Start-VBOSandbox Stop-VBOSandbox Remove-VBOSandboxItem", issue=5,
     source="vboshell",
     reason="The built-in demo tenant used by the quickstart and the tests.")

# ------------------------------------------------------------------------------------------------
# Parameters (and parameter values) that API-only mode cannot honour or that do not apply here

_rule("New-VBOOffice365ConnectionSettings Set-VBOOffice365ConnectionSettings", "Credential", API_ONLY, F_LEGACY,
      W_LEGACY, I_LEGACY)
_rule("New-VBOOffice365ConnectionSettings Set-VBOOffice365ConnectionSettings", "AppCredential", API_ONLY, F_LEGACY,
      W_LEGACY, I_LEGACY)
_rule("Add-VBOOrganization Set-VBOOrganization", "Office365Credential", API_ONLY, F_LEGACY, W_LEGACY, I_LEGACY)
_rule("Add-VBOOrganization Set-VBOOrganization New-VBOOffice365ConnectionSettings Set-VBOOffice365ConnectionSettings",
      "VeeamAADApplicationUsed", API_ONLY, "Veeam's own Entra ID application with a user account",
      "Veeam's own Entra ID application with a user account cannot be used: API-only mode signs in with your own "
      "application registration only.", I_LEGACY)
_rule("Add-VBOOrganization Set-VBOOrganization", "Office365UseVeeamAADApplication", API_ONLY,
      "Veeam's own Entra ID application with a user account",
      "Veeam's own Entra ID application with a user account cannot be used: API-only mode signs in with your own "
      "application registration only.", I_LEGACY)
_rule("Add-VBOOrganization Set-VBOOrganization", "Office365Region", NOT_APPLICABLE, "-Office365Region",
      "Obsolete since Veeam 8.3.", "Use -Region.")
_rule("Add-VBOOrganization Set-VBOOrganization", "Type", NOT_APPLICABLE, "-Type",
      "Obsolete since Veeam 8.3; vboshell organizations are always Microsoft 365 organizations.", "Remove the parameter.")
for _p in ("IsExchange", "IsSharePoint"):
    _rule("Add-VBOOrganization Set-VBOOrganization", _p, NOT_APPLICABLE, f"-{_p}", "Obsolete since Veeam 8.3.",
          "Pass -Office365ExchangeConnectionsSettings and/or -Office365SharePointConnectionsSettings.")
for _p in ("OnPremExchangeConnectionSettings", "OnPremSharePointConnectionSettings", "EnableOnPremExchange",
           "EnableOnPremSharePoint"):
    _rule("Add-VBOOrganization Set-VBOOrganization", _p, NOT_APPLICABLE, "On-premises Exchange and SharePoint",
          R_ONPREM)
_rule("Set-VBOOrganization", "BackupAccounts", API_ONLY, "Backup accounts",
      "Backup accounts are user accounts used over legacy protocols; API-only mode uses no user accounts.",
      "Remove the parameter; vboshell paces its Microsoft Graph requests itself.")
_rule("Set-VBOOrganization", "BackupApplications", NOT_APPLICABLE, "Auxiliary backup applications", R_BACKUP_APP)
for _c in ("New-VBOOffice365ApplicationOnlyConnectionSettings", "Set-VBOOffice365ApplicationOnlyConnectionSettings"):
    _rule(_c, "ConfigureApplication", NOT_APPLICABLE, "Creating or configuring the application registration",
          R_APP_CREATE)
    _rule(_c, "NewApplicationName", NOT_APPLICABLE, "Creating or configuring the application registration",
          R_APP_CREATE)
    _rule(_c, "SharePointSaveAllWebParts", API_ONLY, "Saving non-exportable SharePoint web parts",
          "Non-exportable SharePoint web parts cannot be saved: an application can only export web parts whose "
          "export mode allows it.",
          "Nothing: non-exportable web parts are listed as skipped in the session log.", severity="warning")
_rule("Get-VBOOrganizationUser", "Type", API_ONLY, F_PUBLIC, W_PUBLIC, I_PUBLIC, value_pattern=r"^PublicMailbox$")
for _p in ("Name", "UserName", "DisplayName"):
    _rule("Get-VBOOrganizationUser", _p, API_ONLY, F_DISCOVERY, W_DISCOVERY, I_DISCOVERY,
          value_pattern=r"DiscoverySearchMailbox")
_rule("Get-VBOOrganizationGroup", "Type", API_ONLY, F_DYNAMIC, W_DYNAMIC, I_DYNAMIC,
      value_pattern=r"^DynamicDistribution$")
for _c in ("Restore-VEXItem", "Restore-VEODDocument", "Test-VEXMailboxResolution"):
    _rule(_c, "Office365Credential", API_ONLY, "Restoring with a user account",
          "Restoring with a user account is not possible: restores in API-only mode use the organization's "
          "application registration.",
          "Remove -Office365Credential; pass -ApplicationId (and a certificate) only if restoring into another tenant.")
_rule("Restore-VEODDocument", "OnPremisesCredential", NOT_APPLICABLE, "On-premises credentials", R_ONPREM)
_rule("Export-VEXItem", "PstSizeLimit", NOT_APPLICABLE, "Exporting to PST",
      "PST is an Outlook format that needs Windows and MAPI; vboshell exports EML files or MBOX.",
      "Export to a folder (EML per item) or to an .mbox file.")
_rule("Export-VEXItem", "To", NOT_APPLICABLE, "Exporting to PST",
      "PST is an Outlook format that needs Windows and MAPI; vboshell exports EML files or MBOX.",
      "Export to a folder (EML per item) or to an .mbox file.", value_pattern=r"\.pst$")
for _c in ("Connect-VBOServer", "Start-VBOExchangeItemRestoreSession", "Start-VBOTeamsItemRestoreSession",
           "Start-VBOSharePointItemRestoreSession", "Start-VEODRestoreSession"):
    _rule(_c, "Server", NOT_APPLICABLE, "Connecting to another Veeam server",
          "vboshell keeps its own catalogue on this machine and talks to Microsoft 365 directly.",
          "Remove -Server (or pass localhost).", value_pattern=NON_LOCAL_HOST)


# ------------------------------------------------------------------------------------------------
# Queries


def entry(name: str) -> SurfaceEntry | None:
    """The catalogue entry for a Veeam name (case-insensitive), also found by its short name."""
    key = name.lower()
    found = SURFACE.get(key)
    if found is None:
        found = _BY_SHORT.get(key)
    return found


def parameter_rules(cmdlet_name: str) -> list[ParameterRule]:
    e = entry(cmdlet_name)
    return PARAMETER_RULES.get((e.name if e else cmdlet_name).lower(), [])


def short_name_of(name: str) -> str | None:
    m = re.match(r"^([A-Za-z]+)-VBO([A-Za-z0-9]+)$", name)
    if not m or name.lower() == "get-vbocommand":
        return None
    return f"{m.group(1)}-{m.group(2)}"


_BY_SHORT: dict[str, SurfaceEntry] = {}
for _e in SURFACE.values():
    _s = short_name_of(_e.name)
    if _s:
        _BY_SHORT[_s.lower()] = _e


def names_in_module(module: str) -> list[str]:
    return sorted(e.name for e in SURFACE.values() if e.module == module)


def counts() -> dict[str, int]:
    out = {s: 0 for s in STATUSES}
    for e in SURFACE.values():
        out[e.status] += 1
    return out


_LOCAL_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]", ".", "0:0:0:0:0:0:0:1", "localhost.localdomain"}


def is_local_host(host: str) -> bool:
    """True for this machine: localhost, loopback addresses, or its host name (short or fully qualified)."""
    import socket

    h = host.strip().lower().rstrip(".")
    if not h or h in _LOCAL_NAMES or h.startswith("127."):
        return True
    names: set[str] = set()
    try:
        hostname = socket.gethostname().lower()
        names.update({hostname, hostname.split(".")[0]})
        fqdn = socket.getfqdn().lower()
        names.update({fqdn, fqdn.split(".")[0]})
    except OSError:  # pragma: no cover - no resolver
        pass
    return h in names


def rule_subject(rule: ParameterRule, cmdlet_name: str | None = None, value: str | None = None) -> str:
    """How a parameter rule names what the user wrote: `Get-VBOOrganizationUser -Type PublicMailbox`."""
    subject = f"{cmdlet_name or rule.cmdlet} -{rule.parameter}"
    if rule.value_pattern is not None and value is not None:
        subject += f" {value}" if " " not in value else f" '{value}'"
    return subject


def rule_message(rule: ParameterRule, cmdlet_name: str | None = None, value: str | None = None) -> str:
    return str(parameter_error(rule, cmdlet_name, value))


def parameter_error(rule: ParameterRule, cmdlet_name: str | None = None, value: str | None = None) -> CmdletError:
    """The exception a real cmdlet raises for a parameter rule (the message `vboshell check` reports, too)."""
    from vboshell.runtime.errors import api_only_not_supported, not_applicable

    subject = rule_subject(rule, cmdlet_name, value)
    if rule.status == API_ONLY:
        return api_only_not_supported(subject, rule.reason, rule.instead or None, target=cmdlet_name or rule.cmdlet)
    why = rule.reason + (f" Instead: {rule.instead}" if rule.instead else "")
    return not_applicable(subject, why, target=cmdlet_name or rule.cmdlet)


_STATUS_LABEL = {
    SUPPORTED: "supported",
    PLANNED: "planned",
    API_ONLY: "not supported in API-only mode",
    NOT_APPLICABLE: "not applicable",
}


def migration_table() -> str:
    """A Markdown table 'Veeam area -> status in vboshell' (cmdlet counts per status), for the README."""
    areas: dict[str, dict[str, int]] = {}
    for e in SURFACE.values():
        areas.setdefault(e.area, {s: 0 for s in STATUSES})[e.status] += 1
    lines = ["| Veeam area | Cmdlets | Supported | Planned | API-only: not supported | Not applicable |",
             "|---|---|---|---|---|---|"]
    for area in sorted(areas):
        c = areas[area]
        lines.append(f"| {area} | {sum(c.values())} | {c[SUPPORTED]} | {c[PLANNED]} | {c[API_ONLY]} | "
                     f"{c[NOT_APPLICABLE]} |")
    t = counts()
    lines.append(f"| **All** | {sum(t.values())} | {t[SUPPORTED]} | {t[PLANNED]} | {t[API_ONLY]} | "
                 f"{t[NOT_APPLICABLE]} |")
    return "\n".join(lines)
