"""Veeam object model shared by the cmdlet modules: organizations, their connection settings and objects.
Property names are Veeam's (PascalCase); secrets are held only as protected tokens and always show as ********."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from vboshell.runtime.psobject import TypeView, ps_type

if TYPE_CHECKING:
    from vboshell.graph.auth import AppConnection
    from vboshell.graph.sync import SyncGraphClient

__all__ = [
    "MASK", "VBOApplicationOnlyConnectionSettings", "VBOOrganization", "VBOOrganizationUser", "VBOOrganizationGroup",
    "VBOOrganizationGroupMember", "VBOOrganizationSite", "VBOOrganizationTeam", "VBOOfficeLicense",
    "VBOLicensingOptions", "VBOOrganizationUsageEstimate", "NS",
]

NS = "Veeam.Archiver.PowerShell.Model"
MASK = "********"


def _mask(token: str | None) -> str | None:
    return MASK if token else None


@ps_type(f"{NS}.VBOApplicationOnlyConnectionSettings", base_names=(f"{NS}.VBOOffice365ConnectionSettings",),
         view=TypeView(list=None, kind="list"))
@dataclass(eq=False)
class VBOApplicationOnlyConnectionSettings:
    """Application-only (certificate or secret) connection settings. `_secret`/`_certificate_password` are
    protected tokens (vboshell.store.secrets); they are shown as ******** and never in clear."""

    ApplicationId: str = ""
    AuthenticationType: str = "ApplicationOnly"
    ImpersonationAccountName: str | None = None
    OfficeOrganizationName: str | None = None
    NewApplicationName: str | None = None
    ConfigureApplication: bool = False
    ApplicationCertificateThumbprint: str | None = None
    ApplicationCertificatePath: str | None = None
    SharePointSaveAllWebParts: bool = False
    TenantId: str | None = None
    Region: str | None = None  # None: the organization's -Region decides
    AuthorityHost: str | None = None
    GraphEndpoint: str | None = None
    CertificateAuthorityPath: str | None = None
    _secret: str | None = field(default=None, repr=False)
    _certificate_password: str | None = field(default=None, repr=False)

    @property
    def ApplicationSecret(self) -> str | None:  # noqa: N802 - Veeam's property name
        return _mask(self._secret)

    @property
    def ApplicationCertificatePassword(self) -> str | None:  # noqa: N802
        return _mask(self._certificate_password)

    @property
    def CredentialType(self) -> str:  # noqa: N802
        if self._secret:
            return "ApplicationSecret"
        if self.ApplicationCertificatePath:
            return "CertificateFile"
        if self.ApplicationCertificateThumbprint:
            return "CertificateThumbprint"
        return "None"

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [
            ("ApplicationId", self.ApplicationId), ("AuthenticationType", self.AuthenticationType),
            ("CredentialType", self.CredentialType),
            ("ImpersonationAccountName", self.ImpersonationAccountName),
            ("OfficeOrganizationName", self.OfficeOrganizationName), ("TenantId", self.TenantId),
            ("Region", self.Region), ("NewApplicationName", self.NewApplicationName),
            ("ConfigureApplication", self.ConfigureApplication),
            ("ApplicationSecret", self.ApplicationSecret),
            ("ApplicationCertificateThumbprint", self.ApplicationCertificateThumbprint),
            ("ApplicationCertificatePath", self.ApplicationCertificatePath),
            ("ApplicationCertificatePassword", self.ApplicationCertificatePassword),
            ("SharePointSaveAllWebParts", self.SharePointSaveAllWebParts),
            ("AuthorityHost", self.AuthorityHost), ("GraphEndpoint", self.GraphEndpoint),
            ("CertificateAuthorityPath", self.CertificateAuthorityPath),
        ]

    def __str__(self) -> str:
        return f"{NS}.VBOApplicationOnlyConnectionSettings"

    # --- engine side -----------------------------------------------------------------------------
    @property
    def tenant(self) -> str | None:
        return self.TenantId or self.OfficeOrganizationName

    def to_connection(self, region: str | None = None) -> AppConnection:
        """The engine's AppConnection (secrets stay protected tokens)."""
        from vboshell.graph.auth import AppConnection
        from vboshell.graph.clouds import get_cloud

        reg = self.Region or region
        if self.AuthorityHost or self.GraphEndpoint:
            reg = "Custom"
        cloud = get_cloud(reg, self.AuthorityHost, self.GraphEndpoint, self.CertificateAuthorityPath)
        return AppConnection(str(self.tenant or ""), str(self.ApplicationId), cloud, self._secret,
                             self.ApplicationCertificatePath, self._certificate_password,
                             self.ApplicationCertificateThumbprint)

    def to_mapping(self) -> dict[str, Any]:
        d = {k: v for k, v in self.__dict__.items()}
        d["secret"] = d.pop("_secret")
        d["certificate_password"] = d.pop("_certificate_password")
        return d

    @classmethod
    def from_mapping(cls, m: dict[str, Any]) -> VBOApplicationOnlyConnectionSettings:
        m = dict(m)
        secret = m.pop("secret", None)
        pwd = m.pop("certificate_password", None)
        known = {f for f in cls.__dataclass_fields__ if not f.startswith("_")}
        obj = cls(**{k: v for k, v in m.items() if k in known})
        obj._secret = secret
        obj._certificate_password = pwd
        return obj


@ps_type(f"{NS}.VBOLicensingOptions")
@dataclass
class VBOLicensingOptions:
    LicensedUsersCount: int = 0
    TrialUsersCount: int = 0


@ps_type(f"{NS}.VBOOfficeLicense", view=TypeView(table=("SkuPartNumber", "SkuId")))
@dataclass
class VBOOfficeLicense:
    SkuId: str = ""
    SkuPartNumber: str = ""

    def __str__(self) -> str:
        return self.SkuPartNumber or self.SkuId


@ps_type(f"{NS}.VBOOrganization", view=TypeView(table=("Name", "Type", "Region", "Description")))
@dataclass(eq=False)
class VBOOrganization:
    """An organization (tenant) connected in API-only mode. Engine access: `.connection()` / `.graph()`."""

    Id: uuid.UUID = field(default_factory=uuid.uuid4)
    Name: str = ""
    Description: str = ""
    Type: str = "Office365"
    Region: str = "Worldwide"
    OfficeName: str = ""  # the tenant's initial domain, e.g. contoso.onmicrosoft.com
    TenantId: str = ""
    DisplayName: str = ""  # the tenant's display name from Graph /organization
    IsBackedUp: bool = False
    IsExchange: bool = True
    IsSharePoint: bool = True
    IsTeams: bool = True
    IsTeamsChats: bool = False
    BackupTeams: bool = True
    BackupTeamsChats: bool = False
    BackupParts: str = ""
    LicensingOptions: VBOLicensingOptions = field(default_factory=VBOLicensingOptions)
    Office365ExchangeConnectionSettings: VBOApplicationOnlyConnectionSettings | None = None
    Office365SharePointConnectionSettings: VBOApplicationOnlyConnectionSettings | None = None
    OnPremExchangeConnectionSettings: Any = None
    OnPremSharePointConnectionSettings: Any = None
    VeeamAADApplicationUsed: bool = False
    BackupAccounts: list[Any] = field(default_factory=list)
    BackupApplications: list[Any] = field(default_factory=list)
    GrantedPermissions: list[str] = field(default_factory=list)  # app roles seen in the token when validated
    MissingPermissions: list[str] = field(default_factory=list)  # "Service: Perm1, Perm2" per disabled service
    CreationTime: datetime | None = None

    def __str__(self) -> str:
        return self.Name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VBOOrganization) and other.Id == self.Id

    def __hash__(self) -> int:
        return hash(self.Id)

    # --- engine side -----------------------------------------------------------------------------
    def connection(self, service: str = "exchange") -> AppConnection:
        """AppConnection for a service ('exchange' also covers directory and Teams; 'sharepoint' covers OneDrive)."""
        s = self.Office365SharePointConnectionSettings if service.lower() in ("sharepoint", "onedrive") else None
        s = s or self.Office365ExchangeConnectionSettings or self.Office365SharePointConnectionSettings
        if s is None:
            raise ValueError(f"Organization '{self.Name}' has no application-only connection settings.")
        return s.to_connection(self.Region)

    def graph(self, service: str = "exchange", **kw: Any) -> SyncGraphClient:
        """The shared synchronous Graph client for this organization (`.aio` for the async one)."""
        from vboshell.graph.sync import client_for

        return client_for(self.connection(service), **kw)


@ps_type(f"{NS}.VBOOrganizationUser", view=TypeView(table=("DisplayName", "UserName", "Type", "LocationType")))
@dataclass(eq=False)
class VBOOrganizationUser:
    OrganizationId: uuid.UUID | None = None
    OfficeId: str = ""
    OnPremisesId: str | None = None
    DisplayName: str = ""
    UserName: str = ""  # userPrincipalName
    Office: str | None = None
    Type: str = "User"  # User | SharedMailbox | RoomMailbox | EquipmentMailbox
    LocationType: str = "Office"  # Office (cloud) | Hybrid | OnPremises
    AssignedLicenses: list[VBOOfficeLicense] = field(default_factory=list)
    Mail: str | None = None
    IsEnabled: bool = True
    UserType: str = "Member"  # Member | Guest (Graph)

    def __str__(self) -> str:
        return self.DisplayName or self.UserName

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VBOOrganizationUser) and (other.OfficeId, other.OrganizationId) == (
            self.OfficeId, self.OrganizationId)

    def __hash__(self) -> int:
        return hash((self.OfficeId, self.OrganizationId))


@ps_type(f"{NS}.VBOOrganizationGroup", view=TypeView(table=("DisplayName", "GroupName", "Type", "LocationType")))
@dataclass(eq=False)
class VBOOrganizationGroup:
    OrganizationId: uuid.UUID | None = None
    OfficeId: str = ""
    OnPremisesId: str | None = None
    DisplayName: str = ""
    GroupName: str = ""  # mail nickname / address
    Type: str = "Office"  # Office | Security | Distribution
    LocationType: str = "Office"  # Office (cloud) | Hybrid | OnPremises
    Mail: str | None = None
    IsTeam: bool = False

    def __str__(self) -> str:
        return self.DisplayName

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VBOOrganizationGroup) and (other.OfficeId, other.OrganizationId) == (
            self.OfficeId, self.OrganizationId)

    def __hash__(self) -> int:
        return hash((self.OfficeId, self.OrganizationId))


@ps_type(f"{NS}.VBOOrganizationGroupMember", view=TypeView(table=("DisplayName", "Login", "Type")))
@dataclass(eq=False)
class VBOOrganizationGroupMember:
    OrganizationId: uuid.UUID | None = None
    Group: VBOOrganizationGroup | None = None
    DisplayName: str = ""
    Login: str = ""
    Type: str = "User"  # User | Group
    OfficeId: str = ""

    def __str__(self) -> str:
        return self.DisplayName or self.Login


@ps_type(f"{NS}.VBOOrganizationSite", view=TypeView(table=("Name", "URL", "IsPersonal", "IsAvailable")))
@dataclass(eq=False)
class VBOOrganizationSite:
    OrganizationId: uuid.UUID | None = None
    SiteId: str = ""  # site collection GUID
    WebId: str = ""  # web GUID
    Name: str = ""
    URL: str = ""
    IsCloud: bool = True
    ParentURL: str | None = None
    IsAvailable: bool = True
    SiteCollectionError: str | None = None
    IsPersonal: bool = False
    Title: str = ""

    def __str__(self) -> str:
        return self.URL or self.Name

    @property
    def graph_id(self) -> str:
        """Graph's composite site id `host,siteGuid,webGuid`."""
        from urllib.parse import urlsplit

        return f"{urlsplit(self.URL).hostname},{self.SiteId},{self.WebId}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VBOOrganizationSite) and (other.SiteId, other.WebId, other.OrganizationId) == (
            self.SiteId, self.WebId, self.OrganizationId)

    def __hash__(self) -> int:
        return hash((self.SiteId, self.WebId, self.OrganizationId))


@ps_type(f"{NS}.VBOOrganizationTeam", view=TypeView(table=("DisplayName", "Mail", "Description")))
@dataclass(eq=False)
class VBOOrganizationTeam:
    OrganizationId: uuid.UUID | None = None
    OfficeId: str = ""
    DisplayName: str = ""
    Description: str | None = None
    Mail: str | None = None

    def __str__(self) -> str:
        return self.DisplayName

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VBOOrganizationTeam) and (other.OfficeId, other.OrganizationId) == (
            self.OfficeId, self.OrganizationId)

    def __hash__(self) -> int:
        return hash((self.OfficeId, self.OrganizationId))


@ps_type(f"{NS}.VBOOrganizationUsageEstimate",
         view=TypeView(table=("Service", "Objects", "ItemCount", "StorageUsedGB", "ReportRefreshDate"), kind="table"))
@dataclass
class VBOOrganizationUsageEstimate:
    """API-only alternative to Measure-VBOOrganizationFullBackupSize, from Microsoft 365 usage reports."""

    Organization: str = ""
    Service: str = ""  # Exchange | OneDrive | SharePoint | Total
    Objects: int = 0  # mailboxes, OneDrive accounts or sites
    ItemCount: int = 0  # mailbox items or files
    StorageUsed: int = 0  # bytes
    StorageUsedGB: float = 0.0
    ReportRefreshDate: str | None = None
    Period: str = "D7"
