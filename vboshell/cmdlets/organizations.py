"""Organization cmdlets (API-only): application-only connection settings, Add/Get/Set/Remove-VBOOrganization,
the organization's users, groups, members, sites and teams from Microsoft Graph, and the usage-report size estimate."""

from __future__ import annotations

import dataclasses
import fnmatch
import re
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from vboshell.cmdlets.model import (
    VBOApplicationOnlyConnectionSettings,
    VBOOfficeLicense,
    VBOOrganization,
    VBOOrganizationGroup,
    VBOOrganizationGroupMember,
    VBOOrganizationSite,
    VBOOrganizationTeam,
    VBOOrganizationUsageEstimate,
    VBOOrganizationUser,
)
from vboshell.cmdlets.surface import (
    F_DISCOVERY,
    F_DYNAMIC,
    F_LEGACY,
    F_MEASURE,
    F_PUBLIC,
    I_DISCOVERY,
    I_DYNAMIC,
    I_LEGACY,
    I_MEASURE,
    I_PUBLIC,
    W_DISCOVERY,
    W_DYNAMIC,
    W_LEGACY,
    W_MEASURE,
    W_PUBLIC,
    parameter_error,
    parameter_rules,
)
from vboshell.commands.base import Cmdlet, Example, Parameter, SecureStringType, Switch
from vboshell.commands.registry import register
from vboshell.runtime.errors import CmdletError, ErrorCategory, api_only_not_supported

MODULE = "Veeam.Archiver.PowerShell"
REGIONS = ("Worldwide", "USGovGCCHigh", "USGovDoD", "China", "Custom")
_GUID = re.compile(r"^[{(]?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}[)}]?$")

# A sandbox-connecting setup script shared by the examples that need a tenant.
SANDBOX_SETUP = (
    "$sb = Start-VBOSandbox\n"
    "$settings = New-VBOOffice365ApplicationOnlyConnectionSettings -TenantId $sb.TenantId "
    "-ApplicationId $sb.ApplicationId -ApplicationSecret $sb.ApplicationSecret -Region Custom "
    "-AuthorityHost $sb.AuthorityHost -GraphEndpoint $sb.GraphEndpoint "
    "-CertificateAuthorityPath $sb.CertificateAuthorityPath\n"
    "$org = Get-VBOOrganization | Where-Object TenantId -eq $sb.TenantId | Select-Object -First 1\n"
    "if (-not $org) { $org = Add-VBOOrganization -Office365ExchangeConnectionsSettings $settings "
    "-Office365SharePointConnectionsSettings $settings }\n"
)
SERVICE_LABEL = {"Exchange": "Exchange Online", "SharePoint": "SharePoint Online and OneDrive for Business",
                 "Teams": "Microsoft Teams", "TeamsChats": "Teams chats", "Reports": "usage reports"}


# --------------------------------------------------------------------------------------------------------------
# Persistence in the configuration catalogue

def _settings_to_mapping(s: VBOApplicationOnlyConnectionSettings | None) -> dict[str, Any] | None:
    return s.to_mapping() if s is not None else None


def organization_to_mapping(org: VBOOrganization) -> dict[str, Any]:
    return {
        "id": str(org.Id), "name": org.Name, "description": org.Description, "region": org.Region,
        "office_name": org.OfficeName, "tenant_id": org.TenantId, "display_name": org.DisplayName,
        "exchange": org.IsExchange, "sharepoint": org.IsSharePoint, "teams": org.IsTeams,
        "teams_chats": org.IsTeamsChats, "is_backed_up": org.IsBackedUp,
        "exchange_settings": _settings_to_mapping(org.Office365ExchangeConnectionSettings),
        "sharepoint_settings": _settings_to_mapping(org.Office365SharePointConnectionSettings),
        "granted_permissions": list(org.GrantedPermissions), "missing_permissions": list(org.MissingPermissions),
        "created": org.CreationTime.isoformat() if org.CreationTime else None,
    }


def organization_from_mapping(d: dict[str, Any]) -> VBOOrganization:
    ex = d.get("exchange_settings")
    sp = d.get("sharepoint_settings")
    exs = VBOApplicationOnlyConnectionSettings.from_mapping(ex) if ex else None
    sps = VBOApplicationOnlyConnectionSettings.from_mapping(sp) if sp else None
    if ex and sp and ex == sp:
        sps = exs
    org = VBOOrganization(
        Id=uuid.UUID(d["id"]), Name=d.get("name", ""), Description=d.get("description") or "",
        Region=d.get("region") or "Worldwide", OfficeName=d.get("office_name") or "", TenantId=d.get("tenant_id") or "",
        DisplayName=d.get("display_name") or "", IsBackedUp=bool(d.get("is_backed_up")),
        IsExchange=bool(d.get("exchange", True)), IsSharePoint=bool(d.get("sharepoint", True)),
        IsTeams=bool(d.get("teams", True)), IsTeamsChats=bool(d.get("teams_chats", False)),
        Office365ExchangeConnectionSettings=exs, Office365SharePointConnectionSettings=sps,
        GrantedPermissions=list(d.get("granted_permissions") or []),
        MissingPermissions=list(d.get("missing_permissions") or []),
        CreationTime=datetime.fromisoformat(d["created"]) if d.get("created") else None,
    )
    _refresh_parts(org)
    return org


def _refresh_parts(org: VBOOrganization) -> None:
    parts = [p for p, on in (("Office365Exchange", org.IsExchange), ("Office365SharePoint", org.IsSharePoint),
                             ("Office365Teams", org.IsTeams), ("Office365TeamsChats", org.IsTeamsChats)) if on]
    org.BackupParts = ", ".join(parts)
    org.BackupTeams = org.IsTeams
    org.BackupTeamsChats = org.IsTeamsChats


_SECRET_KEYS = (("exchange_settings", "exchange"), ("sharepoint_settings", "sharepoint"))


def _to_record(org: VBOOrganization) -> Any:
    """VBOOrganization -> the catalogue's OrganizationRecord (secrets only as protected tokens)."""
    from vboshell.store.records import OrganizationRecord

    d = organization_to_mapping(org)
    secrets: dict[str, str] = {}
    for key, prefix in _SECRET_KEYS:
        s = d.get(key)
        if s:
            for field_name in ("secret", "certificate_password"):
                tok = s.pop(field_name, None)
                if tok:
                    secrets[f"{prefix}.{field_name}"] = tok
    settings = {k: v for k, v in d.items() if k not in ("id", "name", "description", "region", "tenant_id")}
    primary = org.Office365ExchangeConnectionSettings or org.Office365SharePointConnectionSettings
    return OrganizationRecord(name=org.Name, id=str(org.Id), type=org.Type, region=org.Region, tenant_id=org.TenantId,
                              application_id=primary.ApplicationId if primary else None, description=org.Description,
                              settings=settings, secrets=secrets, enabled=True)


def _from_record(rec: Any) -> VBOOrganization:
    d = dict(rec.settings or {})
    d.update({"id": rec.id, "name": rec.name, "description": rec.description, "region": rec.region,
              "tenant_id": rec.tenant_id})
    for key, prefix in _SECRET_KEYS:
        s = d.get(key)
        if s:
            s = dict(s)
            for field_name in ("secret", "certificate_password"):
                s[field_name] = (rec.secrets or {}).get(f"{prefix}.{field_name}")
            d[key] = s
    d.setdefault("created", rec.created.isoformat() if getattr(rec, "created", None) else None)
    return organization_from_mapping(d)


organization_from_record = _from_record  # catalogue OrganizationRecord -> VBOOrganization (for other modules)
organization_to_record = _to_record


class OrganizationStore:
    """Organizations in the configuration catalogue (vboshell.store.catalog)."""

    def __init__(self, context: Any = None) -> None:
        from vboshell.store.catalog import catalog_for

        self._catalog = catalog_for(context)

    def all(self) -> list[VBOOrganization]:
        return [_from_record(r) for r in self._catalog.list_organizations()]

    def save(self, org: VBOOrganization) -> None:
        from vboshell.store.catalog import CatalogError, NotFoundError

        rec = _to_record(org)
        try:
            try:
                self._catalog.get_organization(rec.id)
            except NotFoundError:
                self._catalog.add_organization(rec)
                return
            self._catalog.update_organization(rec.id, name=rec.name, type=rec.type, region=rec.region,
                                              tenant_id=rec.tenant_id, application_id=rec.application_id,
                                              description=rec.description, settings=rec.settings, secrets=rec.secrets)
        except CatalogError as exc:
            raise CmdletError(str(exc), "CatalogError", ErrorCategory.WriteError, target=org.Name) from None

    def delete(self, org: VBOOrganization) -> None:
        from vboshell.store.catalog import CatalogError, NotFoundError

        try:
            self._catalog.remove_organization(str(org.Id))
        except NotFoundError:
            return
        except CatalogError as exc:
            raise CmdletError(str(exc), "OrganizationInUse", ErrorCategory.ResourceBusy, target=org.Name) from None

    def jobs_using(self, org: VBOOrganization) -> list[str]:
        """Names of the backup jobs that use the organization."""
        return [j.name for j in self._catalog.list_jobs(organization_id=str(org.Id))]


def store(context: Any = None) -> OrganizationStore:
    return OrganizationStore(context)


def get_organization(ref: Any) -> VBOOrganization | None:
    """Find an organization by object, Id (GUID/str) or name (case-insensitive). For other cmdlet modules."""
    if isinstance(ref, VBOOrganization):
        return ref
    text = str(ref).strip().lower()
    for org in store().all():
        if str(org.Id).lower() == text or org.Name.lower() == text or org.OfficeName.lower() == text:
            return org
    return None


# --------------------------------------------------------------------------------------------------------------
# Helpers

def _plain(value: Any) -> str | None:
    """Clear text of a SecureString (or a plain string) — used only to protect it at once; None stays None."""
    return None if value is None else secure_string_text(value)


def secure_string_text(value: Any) -> str:
    """Clear text of a SecureString (or a plain string), used only to protect it at once (also by repositories)."""
    if isinstance(value, str):
        return value
    for attr in ("reveal", "to_plain_text", "plain_text", "get_plain_text", "plain", "unprotect", "decrypt"):
        f = getattr(value, attr, None)
        if callable(f):
            out = f()
            return out.decode("utf-8") if isinstance(out, bytes) else str(out)
        if isinstance(f, str):
            return f
    raise CmdletError("Expected a SecureString (ConvertTo-SecureString 'x' -AsPlainText -Force, or Read-Host "
                      "-AsSecureString).", "InvalidSecureString", ErrorCategory.InvalidArgument)


def _wild(pattern: str | None) -> Any:
    if pattern is None:
        return None
    if any(c in pattern for c in "*?["):
        rx = re.compile(fnmatch.translate(pattern), re.IGNORECASE)
        return lambda s: bool(s) and rx.match(str(s)) is not None
    low = pattern.lower()
    return lambda s: s is not None and str(s).lower() == low


def _odata_str(s: str) -> str:
    return s.replace("'", "''")


def _graph_failure(exc: Exception, target: Any = None, prefix: str = "") -> CmdletError:
    """A GraphError (or msal/credential problem) as the terminating error the runtime shows."""
    rec = getattr(exc, "error_record", None)
    if rec is None:
        return CmdletError(f"{prefix}{exc}", "GraphRequestFailed", ErrorCategory.NotSpecified, target=target)
    if target is not None:
        rec.target_object = target
    if prefix:
        rec.message = prefix + rec.message
    err = CmdletError(rec.message, rec.error_id, rec.category, target=rec.target_object,
                      exception_type=rec.exception_type, **rec.extra)
    err.error_record.inner = exc
    return err


def _check_rules(cmdlet: Cmdlet) -> None:
    """Raise the surface catalogue's error for any bound parameter API-only mode cannot honour."""
    for rule in parameter_rules(cmdlet.name):
        if not cmdlet.is_bound(rule.parameter):
            continue
        value = cmdlet.bound_value(rule.parameter) if hasattr(cmdlet, "bound_value") else getattr(cmdlet, rule.parameter)
        text = None if isinstance(value, bool) or value is None else str(value)
        if rule.value_pattern is not None and not rule.matches_value(text):
            continue
        if isinstance(value, bool) and not value and rule.value_pattern is None:
            continue  # -Switch:$false asks for nothing
        if rule.severity == "warning":
            cmdlet.write_warning(str(parameter_error(rule, cmdlet.name, text)))
            continue
        raise parameter_error(rule, cmdlet.name, text)


def _org_param(help_text: str = "The organization (from Get-VBOOrganization).") -> Parameter:
    return Parameter("Organization", type=VBOOrganization, mandatory=True, position=0, value_from_pipeline=True,
                     help=help_text)


_COMMON_OBJECT_PARAMS = (
    Parameter("NotInJob", type=Switch, help="Only objects that no backup job processes yet."),
    Parameter("DataSource", type=str, validate_set=("PreferLocal", "Production", "PreferLocalResynced"),
              help="Accepted for compatibility; vboshell always reads Microsoft Graph (Production)."),
)


def _client(org: VBOOrganization, service: str = "exchange") -> Any:
    try:
        return org.graph(service)
    except ValueError as exc:
        raise CmdletError(str(exc), "OrganizationNotConnected", ErrorCategory.InvalidOperation, target=org.Name) from None


def _in_job_ids(cmdlet: Cmdlet, org: VBOOrganization, kind: str) -> set[str]:
    """Ids and URLs (lower case) that the organization's backup jobs select (-NotInJob). Format-agnostic: every
    string inside the jobs' selected items counts, so an object is "in a job" when its Graph id or URL is there."""
    out: set[str] = set()

    def walk(v: Any) -> None:
        if isinstance(v, str):
            out.add(v.lower().rstrip("/"))
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list | tuple):
            for x in v:
                walk(x)

    try:
        from vboshell.store.catalog import catalog_for

        for job in catalog_for(getattr(cmdlet, "context", None)).list_jobs(organization_id=str(org.Id)):
            walk(job.selected_items)
    except Exception:  # noqa: BLE001 - no jobs yet
        return set()
    return out


# --------------------------------------------------------------------------------------------------------------
# Connection settings

_SETTINGS_PARAMS = (
    Parameter("ApplicationId", type=str, help="The application (client) ID of the Entra ID app registration."),
    Parameter("ApplicationCertificatePath", type=str, is_path=True,
              help="PFX/P12 (with -ApplicationCertificatePassword) or PEM file holding the app certificate and its "
                   "private key."),
    Parameter("ApplicationCertificatePassword", type=SecureStringType,
              help="Password of the PFX file (or of an encrypted PEM key). Stored encrypted."),
    Parameter("ApplicationCertificateThumbprint", type=str,
              help="SHA-1 thumbprint of a certificate stored in VBOSHELL_HOME/certificates (vboshell extension)."),
    Parameter("ApplicationSecret", type=SecureStringType,
              help="A client secret of the app registration (its Value, not its ID). Stored encrypted (vboshell "
                   "extension)."),
    Parameter("OfficeOrganizationName", type=str,
              help="The tenant's Microsoft 365 organization name, e.g. contoso.onmicrosoft.com."),
    Parameter("TenantId", type=str, help="The tenant ID (GUID) or a verified domain (vboshell extension)."),
    Parameter("ImpersonationAccountName", type=str,
              help="Accepted for compatibility; its domain names the tenant when -TenantId and "
                   "-OfficeOrganizationName are absent. No user account is used."),
    Parameter("Region", type=str, validate_set=REGIONS,
              help="Microsoft 365 cloud: Worldwide, USGovGCCHigh, USGovDoD, China, or Custom (with -AuthorityHost "
                   "and -GraphEndpoint). Default: the organization's region."),
    Parameter("AuthorityHost", type=str, help="Custom cloud: the https login host, e.g. https://login.example:8443."),
    Parameter("GraphEndpoint", type=str, help="Custom cloud: the https Microsoft Graph root, e.g. https://graph.example."),
    Parameter("CertificateAuthorityPath", type=str, is_path=True,
              help="PEM CA bundle trusted for the login and Graph endpoints (private clouds, TLS-inspecting proxies)."),
    Parameter("SharePointSaveAllWebParts", type=Switch,
              help="Accepted; non-exportable web parts cannot be saved in API-only mode (a warning says so)."),
    Parameter("ConfigureApplication", type=Switch, dont_show=True,
              help="Not applicable: vboshell does not configure app registrations."),
    Parameter("NewApplicationName", type=str, dont_show=True,
              help="Not applicable: vboshell does not create app registrations."),
)

# New-…ConnectionSettings also takes these by property name, so `Start-VBOSandbox | New-…ConnectionSettings` (or any
# object with TenantId/ApplicationId/ApplicationSecret/AuthorityHost/GraphEndpoint/CertificateAuthorityPath) connects.
_BY_PROPERTY_NAME = {"ApplicationId", "ApplicationSecret", "TenantId", "AuthorityHost", "GraphEndpoint",
                     "CertificateAuthorityPath"}
_NEW_SETTINGS_PARAMS = tuple(dataclasses.replace(p, value_from_pipeline_by_property_name=True)
                             if p.name in _BY_PROPERTY_NAME else p for p in _SETTINGS_PARAMS)


def _apply_settings(cmd: Cmdlet, s: VBOApplicationOnlyConnectionSettings, creating: bool) -> None:
    from vboshell.graph.auth import (
        CERT_PASSWORD_PURPOSE,
        SECRET_PURPOSE,
        AppConnection,
        find_certificate_by_thumbprint,
        load_certificate,
    )
    from vboshell.graph.clouds import CloudError, get_cloud
    from vboshell.graph.errors import CredentialError

    b = cmd.is_bound
    if b("ApplicationId"):
        app_id = str(cmd.ApplicationId).strip()
        if not _GUID.match(app_id):
            raise CmdletError(f"-ApplicationId '{app_id}' is not a GUID (the application (client) ID shown in "
                              "Microsoft Entra ID).", "InvalidApplicationId", ErrorCategory.InvalidArgument, target=app_id)
        s.ApplicationId = app_id.strip("{}()").lower()
    for name in ("OfficeOrganizationName", "TenantId", "ImpersonationAccountName"):
        if b(name):
            setattr(s, name, (str(getattr(cmd, name)).strip() or None))
    if b("Region"):
        s.Region = next(r for r in REGIONS if r.lower() == str(cmd.Region).lower())
    for name in ("AuthorityHost", "GraphEndpoint"):
        if b(name):
            setattr(s, name, str(getattr(cmd, name)).strip().rstrip("/") or None)
    if b("CertificateAuthorityPath"):
        p = cmd.context.resolve_path(str(cmd.CertificateAuthorityPath)) if getattr(cmd, "context", None) else None
        path = str(p) if p else str(cmd.CertificateAuthorityPath)
        import os

        if not os.path.exists(path):
            raise CmdletError(f"The CA bundle '{path}' does not exist.", "CertificateAuthorityNotFound",
                              ErrorCategory.ObjectNotFound, target=path)
        s.CertificateAuthorityPath = path
    if b("SharePointSaveAllWebParts"):
        s.SharePointSaveAllWebParts = bool(cmd.SharePointSaveAllWebParts)
    if s.ImpersonationAccountName and not (s.TenantId or s.OfficeOrganizationName) and "@" in s.ImpersonationAccountName:
        s.OfficeOrganizationName = s.ImpersonationAccountName.split("@", 1)[1]
    if (s.AuthorityHost or s.GraphEndpoint) and s.Region not in (None, "Custom"):
        raise CmdletError(f"-AuthorityHost and -GraphEndpoint describe a custom cloud; use -Region Custom instead of "
                          f"-Region {s.Region}.", "CustomEndpointsNeedCustomRegion", ErrorCategory.InvalidArgument)
    if s.Region == "Custom" or s.AuthorityHost or s.GraphEndpoint:
        try:
            get_cloud("Custom", s.AuthorityHost, s.GraphEndpoint, s.CertificateAuthorityPath)
        except CloudError as exc:
            raise CmdletError(str(exc), "InvalidCustomCloud", ErrorCategory.InvalidArgument) from None
        s.Region = "Custom"

    # credentials: exactly one kind
    given = [n for n in ("ApplicationSecret", "ApplicationCertificatePath", "ApplicationCertificateThumbprint") if b(n)]
    if len(given) > 1:
        raise CmdletError(f"Give only one credential: {', '.join('-' + g for g in given)} cannot be combined.",
                          "AmbiguousCredential", ErrorCategory.InvalidArgument)
    password = _plain(cmd.ApplicationCertificatePassword) if b("ApplicationCertificatePassword") else None
    if given:
        s._secret = None
        s.ApplicationCertificatePath = None
        s.ApplicationCertificateThumbprint = None
        if given[0] != "ApplicationSecret" and not b("ApplicationCertificatePassword"):
            s._certificate_password = None
    if b("ApplicationSecret"):
        secret = _plain(cmd.ApplicationSecret)
        if not secret:
            raise CmdletError("-ApplicationSecret is empty.", "EmptySecret", ErrorCategory.InvalidArgument)
        s._secret = AppConnection.protect(secret, SECRET_PURPOSE)
        s._certificate_password = None
    if password is not None:
        s._certificate_password = AppConnection.protect(password, CERT_PASSWORD_PURPOSE) if password else None
    try:
        if b("ApplicationCertificatePath"):
            path = str(cmd.context.resolve_path(str(cmd.ApplicationCertificatePath))) if getattr(cmd, "context", None) \
                else str(cmd.ApplicationCertificatePath)
            cc = load_certificate(path, password)
            s.ApplicationCertificatePath = path
            s.ApplicationCertificateThumbprint = cc.thumbprint
        elif b("ApplicationCertificateThumbprint"):
            _p, cc = find_certificate_by_thumbprint(str(cmd.ApplicationCertificateThumbprint), password)
            s.ApplicationCertificateThumbprint = cc.thumbprint
    except CredentialError as exc:
        raise _graph_failure(exc, target=str(cmd.ApplicationCertificatePath or cmd.ApplicationCertificateThumbprint)) from None
    if creating:
        if not s.ApplicationId:
            raise CmdletError("-ApplicationId is required: the application (client) ID of your Entra ID app "
                              "registration.", "ApplicationIdRequired", ErrorCategory.InvalidArgument)
        if not (s._secret or s.ApplicationCertificatePath or s.ApplicationCertificateThumbprint):
            raise CmdletError("Give a credential: -ApplicationCertificatePath (PFX/PEM), "
                              "-ApplicationCertificateThumbprint, or -ApplicationSecret.", "CredentialRequired",
                              ErrorCategory.InvalidArgument)
        if not (s.TenantId or s.OfficeOrganizationName):
            raise CmdletError("Name the tenant with -TenantId (GUID or domain) or -OfficeOrganizationName "
                              "(e.g. contoso.onmicrosoft.com).", "TenantRequired", ErrorCategory.InvalidArgument)


@register
class NewVBOOffice365ApplicationOnlyConnectionSettings(Cmdlet):
    name = "New-VBOOffice365ApplicationOnlyConnectionSettings"
    module = MODULE
    synopsis = "Creates application-only (certificate or secret) connection settings for a Microsoft 365 organization."
    description = (
        "Creates the settings Add-VBOOrganization uses to connect an organization in API-only mode: an Entra ID "
        "application (its -ApplicationId) authenticating with a certificate (-ApplicationCertificatePath with "
        "-ApplicationCertificatePassword for a PFX, a PEM file, or -ApplicationCertificateThumbprint for a "
        "certificate in VBOSHELL_HOME/certificates) or a client secret (-ApplicationSecret). The tenant is named by "
        "-TenantId or -OfficeOrganizationName. For national clouds give -Region; for private endpoints give "
        "-Region Custom with -AuthorityHost, -GraphEndpoint and, if needed, -CertificateAuthorityPath. Secrets and "
        "certificate passwords are stored encrypted and always shown as ********. Nothing is contacted until "
        "Add-VBOOrganization validates the settings."
    )
    output_type = "VBOApplicationOnlyConnectionSettings"
    parameters = _NEW_SETTINGS_PARAMS
    notes = "API-only mode: user accounts, basic authentication and legacy protocols are never used."
    related = ("Add-VBOOrganization", "Set-VBOOffice365ApplicationOnlyConnectionSettings")
    examples = (
        Example("$sb = Start-VBOSandbox\n"
                "$settings = New-VBOOffice365ApplicationOnlyConnectionSettings -TenantId $sb.TenantId "
                "-ApplicationId $sb.ApplicationId -ApplicationCertificatePath $sb.CertificatePath "
                "-ApplicationCertificatePassword $sb.CertificatePassword -Region Custom -AuthorityHost $sb.AuthorityHost "
                "-GraphEndpoint $sb.GraphEndpoint -CertificateAuthorityPath $sb.CertificateAuthorityPath\n"
                "$settings.ApplicationCertificateThumbprint",
                "Creates settings that sign in to the sandbox tenant with the certificate in a PFX file and shows "
                "its thumbprint.", needs_sandbox=True),
        Example("$settings = Start-VBOSandbox | New-VBOOffice365ApplicationOnlyConnectionSettings\n"
                "$settings.Region",
                "Creates client-secret settings for the sandbox tenant from the Start-VBOSandbox object: TenantId, "
                "ApplicationId, ApplicationSecret, AuthorityHost, GraphEndpoint and CertificateAuthorityPath bind by "
                "property name, and the custom endpoints make the region Custom.",
                needs_sandbox=True, expect="Custom"),
        Example("$secret = Read-Host -AsSecureString -Prompt 'Client secret'\n"
                "$settings = New-VBOOffice365ApplicationOnlyConnectionSettings -TenantId "
                "contoso.onmicrosoft.com -ApplicationId 8c5f2a4e-1d3b-4e6f-9a0b-2c4d6e8f0a1b -ApplicationSecret $secret\n"
                "$settings.ApplicationSecret",
                "Creates settings that sign in with a client secret; the secret is shown masked.",
                expect="********", inputs=("example-secret-value",)),
    )

    def begin_processing(self) -> None:
        _check_rules(self)

    def process_record(self) -> None:
        s = VBOApplicationOnlyConnectionSettings()
        _apply_settings(self, s, creating=True)
        self.write_object(s)


@register
class SetVBOOffice365ApplicationOnlyConnectionSettings(Cmdlet):
    name = "Set-VBOOffice365ApplicationOnlyConnectionSettings"
    module = MODULE
    synopsis = "Modifies application-only connection settings."
    description = (
        "Changes the application, credential, tenant or cloud of connection settings created by "
        "New-VBOOffice365ApplicationOnlyConnectionSettings and returns them. Pass the result to Set-VBOOrganization "
        "to apply it to a connected organization (which validates it again). Giving one credential parameter "
        "replaces the previous credential."
    )
    output_type = "VBOApplicationOnlyConnectionSettings"
    parameters = (
        Parameter("Settings", type=VBOApplicationOnlyConnectionSettings, mandatory=True, position=0,
                  value_from_pipeline=True, help="The settings to change."),
        *_SETTINGS_PARAMS,
    )
    related = ("New-VBOOffice365ApplicationOnlyConnectionSettings", "Set-VBOOrganization")
    examples = (
        Example("$new = ConvertTo-SecureString 'new-secret-value' -AsPlainText -Force\n"
                "$settings = New-VBOOffice365ApplicationOnlyConnectionSettings -TenantId contoso.onmicrosoft.com "
                "-ApplicationId 8c5f2a4e-1d3b-4e6f-9a0b-2c4d6e8f0a1b -ApplicationSecret $new\n"
                "Set-VBOOffice365ApplicationOnlyConnectionSettings -Settings $settings -Region USGovGCCHigh",
                "Moves the settings to the US Government GCC High cloud."),
    )

    def begin_processing(self) -> None:
        _check_rules(self)

    def process_record(self) -> None:
        s = self.Settings
        if not isinstance(s, VBOApplicationOnlyConnectionSettings):
            raise CmdletError("-Settings must be application-only connection settings "
                              "(New-VBOOffice365ApplicationOnlyConnectionSettings).", "InvalidSettings",
                              ErrorCategory.InvalidArgument, target=s)
        _apply_settings(self, s, creating=False)
        self.write_object(s)


class _LegacySettingsBase(Cmdlet):
    module = MODULE
    output_type = "VBOOffice365LegacyConnectionSettings"
    parameters = (
        Parameter("Credential", type=object, help="Not supported in API-only mode (a user account)."),
        Parameter("AppCredential", type=object, help="Not supported in API-only mode (a user account)."),
        Parameter("ApplicationId", type=str, help="Not supported here; see New-VBOOffice365ApplicationOnlyConnectionSettings."),
        Parameter("ApplicationSecret", type=SecureStringType, help="Not supported here."),
        Parameter("ApplicationCertificatePath", type=str, help="Not supported here."),
        Parameter("ApplicationCertificatePassword", type=SecureStringType, help="Not supported here."),
        Parameter("GrantRolesAndPermissions", type=Switch, help="Not supported in API-only mode."),
        Parameter("VeeamAADApplicationUsed", type=Switch, help="Not supported in API-only mode."),
        Parameter("Settings", type=object, value_from_pipeline=True, dont_show=True, help="Legacy settings."),
        Parameter("UseLegacyAuthentication", type=Switch, dont_show=True, aliases=("AllowLegacyAuthentication",
                                                                                    "BasicAuthentication"),
                  help="Not supported in API-only mode."),
    )
    notes = W_LEGACY

    def begin_processing(self) -> None:
        _check_rules(self)
        raise api_only_not_supported(F_LEGACY, W_LEGACY, I_LEGACY, target=self.name)


@register
class NewVBOOffice365ConnectionSettings(_LegacySettingsBase):
    name = "New-VBOOffice365ConnectionSettings"
    synopsis = "Not supported in API-only mode: legacy connection settings with a user account."
    description = (W_LEGACY + " This cmdlet always fails with ApiOnlyModeNotSupported; use "
                   "New-VBOOffice365ApplicationOnlyConnectionSettings.")
    related = ("New-VBOOffice365ApplicationOnlyConnectionSettings",)
    examples = (
        Example("try { New-VBOOffice365ConnectionSettings -Credential 'admin@contoso.com' } catch { $_.FullyQualifiedErrorId }",
                "Shows the ApiOnlyModeNotSupported error legacy settings give.", expect="ApiOnlyModeNotSupported"),
    )


@register
class SetVBOOffice365ConnectionSettings(_LegacySettingsBase):
    name = "Set-VBOOffice365ConnectionSettings"
    synopsis = "Not supported in API-only mode: legacy connection settings with a user account."
    description = NewVBOOffice365ConnectionSettings.description
    related = ("Set-VBOOffice365ApplicationOnlyConnectionSettings",)
    examples = (
        Example("try { Set-VBOOffice365ConnectionSettings -Credential $null } catch { $_.FullyQualifiedErrorId }",
                "Shows the ApiOnlyModeNotSupported error.", expect="ApiOnlyModeNotSupported"),
    )


# --------------------------------------------------------------------------------------------------------------
# Organizations

_LEGACY_SWITCHES = (
    Parameter("UseLegacyAuthentication", type=Switch, dont_show=True,
              aliases=("AllowLegacyAuthentication", "AllowLegacyAuthenticationProtocols", "BasicAuthentication"),
              help="Not supported in API-only mode."),
)
_ORG_RULE_PARAMS = (
    Parameter("Office365Credential", type=object, dont_show=True, help="Not supported in API-only mode (a user account)."),
    Parameter("OnPremExchangeConnectionSettings", type=object, dont_show=True, help="Not applicable (on-premises)."),
    Parameter("OnPremSharePointConnectionSettings", type=object, dont_show=True, help="Not applicable (on-premises)."),
    Parameter("VeeamAADApplicationUsed", type=Switch, dont_show=True, help="Not supported in API-only mode."),
    Parameter("Office365UseVeeamAADApplication", type=Switch, dont_show=True, help="Not supported in API-only mode."),
    Parameter("Office365Region", type=object, dont_show=True, help="Obsolete: use -Region."),
    Parameter("Type", type=object, dont_show=True, help="Obsolete."),
    Parameter("IsExchange", type=Switch, dont_show=True, help="Obsolete."),
    Parameter("IsSharePoint", type=Switch, dont_show=True, help="Obsolete."),
)


def _check_legacy(cmd: Cmdlet) -> None:
    _check_rules(cmd)
    if cmd.is_bound("UseLegacyAuthentication") and cmd.UseLegacyAuthentication:
        raise api_only_not_supported(F_LEGACY, W_LEGACY, I_LEGACY, target=cmd.name)
    for pname in ("Office365ExchangeConnectionsSettings", "Office365SharePointConnectionsSettings"):
        v = getattr(cmd, pname, None)
        if v is not None and not isinstance(v, VBOApplicationOnlyConnectionSettings):
            raise api_only_not_supported(F_LEGACY, W_LEGACY, I_LEGACY, target=pname)


def _permission_error(missing: list[str], app_id: str, what: str) -> CmdletError:
    perms = ", ".join(missing)
    return CmdletError(
        f"The application {app_id} lacks the Microsoft Graph application permission(s) {perms} needed for {what}. "
        "Add them in Microsoft Entra ID (App registrations > API permissions > Microsoft Graph > Application "
        "permissions) and grant admin consent, then try again.",
        "MissingApplicationPermission", ErrorCategory.PermissionDenied, target=app_id, MissingPermissions=missing)


class _Validated:
    def __init__(self, info: Any, roles: list[str], sp_roles: list[str]) -> None:
        self.info = info
        self.roles = roles
        self.sp_roles = sp_roles


def _validate(ex: VBOApplicationOnlyConnectionSettings | None, sp: VBOApplicationOnlyConnectionSettings | None,
              region: str) -> _Validated:
    """Get a token, check directory permissions and read /organization for each distinct settings object."""
    from vboshell.graph.directory import DIRECTORY_PERMISSIONS, missing_permissions, tenant_info
    from vboshell.graph.errors import GraphError
    from vboshell.graph.sync import SyncGraphClient

    primary = ex or sp
    assert primary is not None
    results = []
    distinct = [primary] + ([sp] if ex is not None and sp is not None and sp is not ex else [])
    for s in distinct:
        try:
            conn = s.to_connection(region)
        except ValueError as exc:
            raise CmdletError(str(exc), "InvalidConnectionSettings", ErrorCategory.InvalidArgument) from None
        g = SyncGraphClient(conn)
        try:
            tok = g.token()
            missing = missing_permissions(tok.roles, DIRECTORY_PERMISSIONS)
            if missing:
                raise _permission_error(missing, s.ApplicationId, "reading the organization's users and groups")
            info = tenant_info(g)
        except GraphError as exc:
            if exc.status == 403:
                raise _permission_error(
                    missing_permissions(g.roles(), DIRECTORY_PERMISSIONS) or ["Organization.Read.All"],
                    s.ApplicationId, "reading the organization") from None
            raise _graph_failure(exc, target=s.tenant) from None
        finally:
            g.close()
        results.append(info)
    if len(results) == 2 and results[0].tenant_id != results[1].tenant_id:
        raise CmdletError("The Exchange and SharePoint connection settings point to different tenants.",
                          "TenantMismatch", ErrorCategory.InvalidArgument)
    return _Validated(results[0], results[0].roles, results[-1].roles)


def _decide_services(cmd: Cmdlet, org: VBOOrganization, v: _Validated, wanted: dict[str, bool],
                     explicit: set[str]) -> None:
    """Turn services on/off by the permissions in the token; explicit requests that cannot work are errors."""
    from vboshell.graph.directory import SERVICE_PERMISSIONS, missing_permissions

    app_id = (org.Office365ExchangeConnectionSettings or org.Office365SharePointConnectionSettings).ApplicationId
    notes: list[str] = []
    final: dict[str, bool] = {}
    for svc, on in wanted.items():
        if not on:
            final[svc] = False
            continue
        roles = v.sp_roles if svc == "SharePoint" else v.roles
        missing = missing_permissions(roles, SERVICE_PERMISSIONS[svc])
        if not missing:
            final[svc] = True
            continue
        if svc in explicit:
            raise _permission_error(missing, app_id, f"backing up {SERVICE_LABEL[svc]}")
        final[svc] = False
        notes.append(f"{svc}: {', '.join(missing)}")
        cmd.write_warning(f"{SERVICE_LABEL[svc]} backup is disabled for '{org.Name}': the application lacks "
                          f"{', '.join(missing)} (application permission with admin consent). Grant it and run "
                          f"Set-VBOOrganization to enable it.")
    if final.get("Teams"):
        try:
            cloud = org.connection().cloud
        except Exception:  # noqa: BLE001
            cloud = None
        if cloud is not None and not cloud.supports("teamsExport"):
            cmd.write_warning(f"Teams channel posts cannot be backed up in the {cloud.name} cloud (Microsoft's Teams "
                              "export APIs are not available there); teams, channels and their files are.")
    if not any(final.get(s) for s in ("Exchange", "SharePoint", "Teams")):
        wanted_names = [s for s, on in wanted.items() if on]
        raise CmdletError(
            f"No service can be backed up for '{org.Name}': the application lacks "
            + "; ".join(notes or [f"{s}: permissions" for s in wanted_names])
            + ". Add the Microsoft Graph application permissions and grant admin consent.",
            "MissingApplicationPermission", ErrorCategory.PermissionDenied, target=org.Name)
    org.IsExchange = final.get("Exchange", False)
    org.IsSharePoint = final.get("SharePoint", False)
    org.IsTeams = final.get("Teams", False)
    org.IsTeamsChats = final.get("TeamsChats", False) and org.IsTeams
    org.GrantedPermissions = sorted(set(v.roles) | set(v.sp_roles))
    org.MissingPermissions = notes
    _refresh_parts(org)


_ORG_COMMON = (
    Parameter("Office365ExchangeConnectionsSettings", type=object, aliases=("Office365ExchangeConnectionSettings",),
              help="Application-only connection settings used for Exchange Online, the directory and Teams "
                   "(New-VBOOffice365ApplicationOnlyConnectionSettings)."),
    Parameter("Office365SharePointConnectionsSettings", type=object, aliases=("Office365SharePointConnectionSettings",),
              help="Application-only connection settings used for SharePoint Online and OneDrive for Business "
                   "(usually the same object)."),
    Parameter("Region", type=str, validate_set=REGIONS,
              help="The Microsoft 365 cloud: Worldwide (default), USGovGCCHigh, USGovDoD, China, or Custom."),
    Parameter("EnableOffice365Teams", type=Switch, default=True,
              help="Back up Microsoft Teams (default on; -EnableOffice365Teams:$false turns it off)."),
    Parameter("EnableTeamsChats", type=Switch, help="Also back up Teams chats (needs Chat.Read.All)."),
    Parameter("EnableOffice365Exchange", type=Switch, default=True, help="Back up Exchange Online (default on)."),
    Parameter("EnableOffice365SharePoint", type=Switch, default=True,
              help="Back up SharePoint Online and OneDrive for Business (default on)."),
)


@register
class AddVBOOrganization(Cmdlet):
    name = "Add-VBOOrganization"
    module = MODULE
    synopsis = "Adds a Microsoft 365 organization connected in API-only mode."
    description = (
        "Connects a Microsoft 365 organization with application-only settings "
        "(New-VBOOffice365ApplicationOnlyConnectionSettings). Before saving it validates them: it gets a token "
        "from Microsoft Entra ID, reads the tenant's organization resource through Microsoft Graph, and checks the "
        "application permissions in the token. A service whose permissions are missing is disabled with a warning "
        "that names them; a missing directory permission, or a service you asked for explicitly, is an error. "
        "The name defaults to the tenant's initial domain (contoso.onmicrosoft.com)."
    )
    output_type = "VBOOrganization"
    supports_should_process = True
    confirm_impact = "Low"
    parameters = (
        Parameter("Name", type=str, position=0, help="Name to show; default: the tenant's initial domain."),
        Parameter("Description", type=str, help="A description."),
        *_ORG_COMMON,
        *_ORG_RULE_PARAMS,
        *_LEGACY_SWITCHES,
    )
    notes = ("API-only mode: user accounts (-Office365Credential), Veeam's own Entra application and legacy "
             "authentication are not supported.")
    related = ("New-VBOOffice365ApplicationOnlyConnectionSettings", "Get-VBOOrganization", "Set-VBOOrganization")
    examples = (
        Example("$sb = Start-VBOSandbox -Spec tiny -Seed 7\n"
                "$settings = New-VBOOffice365ApplicationOnlyConnectionSettings -TenantId $sb.TenantId "
                "-ApplicationId $sb.ApplicationId -ApplicationSecret $sb.ApplicationSecret -Region Custom "
                "-AuthorityHost $sb.AuthorityHost -GraphEndpoint $sb.GraphEndpoint "
                "-CertificateAuthorityPath $sb.CertificateAuthorityPath\n"
                "Add-VBOOrganization -Name 'Contoso (tiny sandbox)' -Office365ExchangeConnectionsSettings $settings "
                "-Office365SharePointConnectionsSettings $settings",
                "Connects a (tiny) sandbox tenant with a client secret.", needs_sandbox=True),
        Example("$sb = Start-VBOSandbox -Spec tiny -Seed 8\n"
                "$cert = New-VBOOffice365ApplicationOnlyConnectionSettings -TenantId $sb.TenantId "
                "-ApplicationId $sb.ApplicationId -ApplicationCertificatePath $sb.CertificatePath "
                "-ApplicationCertificatePassword $sb.CertificatePassword -Region Custom "
                "-AuthorityHost $sb.AuthorityHost -GraphEndpoint $sb.GraphEndpoint "
                "-CertificateAuthorityPath $sb.CertificateAuthorityPath\n"
                "Add-VBOOrganization -Name 'Contoso (certificate)' -Description 'HQ tenant' "
                "-Office365ExchangeConnectionsSettings $cert -Office365SharePointConnectionsSettings $cert "
                "-EnableOffice365Teams:$false",
                "Connects a tenant with a certificate and does not back up Teams.", needs_sandbox=True),
    )

    def process_record(self) -> None:
        _check_legacy(self)
        ex = self.Office365ExchangeConnectionsSettings
        sp = self.Office365SharePointConnectionsSettings
        if ex is None and sp is None:
            raise CmdletError("Give -Office365ExchangeConnectionsSettings and/or -Office365SharePointConnectionsSettings "
                              "(New-VBOOffice365ApplicationOnlyConnectionSettings).", "ConnectionSettingsRequired",
                              ErrorCategory.InvalidArgument)
        region = str(self.Region or (ex or sp).Region or "Worldwide")
        region = next((r for r in REGIONS if r.lower() == region.lower()), region)
        if (ex or sp).Region == "Custom":
            region = "Custom"
        v = _validate(ex, sp, region)
        info = v.info
        st = store()
        existing = st.all()
        for o in existing:
            if o.TenantId and o.TenantId.lower() == info.tenant_id.lower():
                raise CmdletError(f"The tenant {info.tenant_id} is already added as organization '{o.Name}'.",
                                  "OrganizationExists", ErrorCategory.ResourceExists, target=o.Name)
        name = str(self.Name or info.initial_domain or info.default_domain or info.tenant_id)
        if any(o.Name.lower() == name.lower() for o in existing):
            raise CmdletError(f"An organization named '{name}' already exists.", "OrganizationExists",
                              ErrorCategory.ResourceExists, target=name)
        org = VBOOrganization(Name=name, Description=str(self.Description or ""), Region=region,
                              OfficeName=info.initial_domain, TenantId=info.tenant_id, DisplayName=info.display_name,
                              Office365ExchangeConnectionSettings=ex, Office365SharePointConnectionSettings=sp,
                              CreationTime=datetime.now(UTC))
        for s in (ex, sp):
            if s is not None and not s.TenantId:
                s.TenantId = info.tenant_id
        wanted = {"Exchange": ex is not None and bool(self.EnableOffice365Exchange),
                  "SharePoint": sp is not None and bool(self.EnableOffice365SharePoint),
                  "Teams": bool(self.EnableOffice365Teams), "TeamsChats": bool(self.EnableTeamsChats)}
        explicit = {svc for svc, p in (("Exchange", "EnableOffice365Exchange"), ("SharePoint", "EnableOffice365SharePoint"),
                                       ("Teams", "EnableOffice365Teams"), ("TeamsChats", "EnableTeamsChats"))
                    if self.is_bound(p) and wanted[svc]}
        _decide_services(self, org, v, wanted, explicit)
        if not self.should_process(name, "Add organization"):
            return
        st.save(org)
        self.write_object(org)


@register
class GetVBOOrganization(Cmdlet):
    name = "Get-VBOOrganization"
    module = MODULE
    synopsis = "Returns the organizations added to vboshell."
    description = "Returns every organization, or those whose name matches -Name (wildcards allowed), or one by -Id."
    output_type = "VBOOrganization"
    default_parameter_set = "ByName"
    parameters = (
        Parameter("Name", type=str, position=0, parameter_sets=("ByName",), help="Organization name; wildcards allowed."),
        Parameter("Id", type=str, mandatory=True, parameter_sets=("ById",), help="Organization ID (GUID)."),
    )
    related = ("Add-VBOOrganization",)
    examples = (
        Example("Get-VBOOrganization", "Lists the organizations.", setup=SANDBOX_SETUP, needs_sandbox=True),
        Example("Get-VBOOrganization -Name 'contoso*'", "Returns the organizations whose names start with contoso."),
    )

    def process_record(self) -> None:
        orgs = store().all()
        if self.is_bound("Id"):
            want = str(self.Id).strip("{}()").lower()
            found = [o for o in orgs if str(o.Id) == want]
            if not found:
                raise CmdletError(f"No organization has the ID {self.Id}.", "OrganizationNotFound",
                                  ErrorCategory.ObjectNotFound, target=str(self.Id))
            self.write_object(found[0])
            return
        match = _wild(self.Name)
        for o in sorted(orgs, key=lambda x: x.Name.lower()):
            if match is None or match(o.Name) or match(o.OfficeName):
                self.write_object(o)


def _resolve_org(cmd: Cmdlet, value: Any) -> VBOOrganization:
    org = value if isinstance(value, VBOOrganization) else get_organization(value) if value is not None else None
    if org is None:
        raise CmdletError(f"Organization '{value}' was not found (see Get-VBOOrganization).", "OrganizationNotFound",
                          ErrorCategory.ObjectNotFound, target=value)
    return org


@register
class SetVBOOrganization(Cmdlet):
    name = "Set-VBOOrganization"
    module = MODULE
    synopsis = "Modifies an organization: name, description, connection settings, region and backed-up services."
    description = (
        "Changes an organization. New connection settings or a new region are validated like Add-VBOOrganization "
        "does (and must reach the same tenant). -EnableOffice365Exchange, -EnableOffice365SharePoint, "
        "-EnableOffice365Teams and -EnableTeamsChats turn services on or off (use -Switch:$false to turn off); "
        "turning on a service the application lacks permissions for is an error naming them."
    )
    output_type = "VBOOrganization"
    supports_should_process = True
    confirm_impact = "Medium"
    parameters = (
        _org_param("The organization to change."),
        Parameter("Name", type=str, help="New name."),
        Parameter("Description", type=str, help="New description."),
        *_ORG_COMMON,
        *_ORG_RULE_PARAMS,
        Parameter("BackupAccounts", type=object, array=True, dont_show=True, help="Not supported in API-only mode."),
        Parameter("BackupApplications", type=object, array=True, dont_show=True, help="Not applicable."),
        Parameter("EnableOnPremExchange", type=Switch, dont_show=True, help="Not applicable (on-premises)."),
        Parameter("EnableOnPremSharePoint", type=Switch, dont_show=True, help="Not applicable (on-premises)."),
        *_LEGACY_SWITCHES,
    )
    related = ("Get-VBOOrganization", "Set-VBOOffice365ApplicationOnlyConnectionSettings")
    examples = (
        Example("Get-VBOOrganization | Set-VBOOrganization -Description 'Production tenant'",
                "Sets the description of the organizations.", setup=SANDBOX_SETUP, needs_sandbox=True),
        Example("Set-VBOOrganization -Organization $org -EnableOffice365Teams:$false -WhatIf",
                "Shows what turning Teams backup off would do.", setup=SANDBOX_SETUP, needs_sandbox=True),
    )

    def process_record(self) -> None:
        _check_legacy(self)
        org = _resolve_org(self, self.Organization)
        # apply the given changes to the catalogue's current state: an old $org must not write back stale values
        org = get_organization(str(org.Id)) or org
        st = store()
        b = self.is_bound
        ex = self.Office365ExchangeConnectionsSettings if b("Office365ExchangeConnectionsSettings") \
            else org.Office365ExchangeConnectionSettings
        sp = self.Office365SharePointConnectionsSettings if b("Office365SharePointConnectionsSettings") \
            else org.Office365SharePointConnectionSettings
        region = org.Region
        if b("Region"):
            region = next((r for r in REGIONS if r.lower() == str(self.Region).lower()), str(self.Region))
        reconnect = b("Office365ExchangeConnectionsSettings") or b("Office365SharePointConnectionsSettings") or b("Region")
        services_bound = [p for p in ("EnableOffice365Exchange", "EnableOffice365SharePoint", "EnableOffice365Teams",
                                      "EnableTeamsChats") if b(p)]
        if b("Name"):
            new = str(self.Name).strip()
            if any(o.Name.lower() == new.lower() and o.Id != org.Id for o in st.all()):
                raise CmdletError(f"An organization named '{new}' already exists.", "OrganizationExists",
                                  ErrorCategory.ResourceExists, target=new)
        if reconnect or services_bound:
            if ex is None and sp is None:
                raise CmdletError("The organization needs connection settings.", "ConnectionSettingsRequired",
                                  ErrorCategory.InvalidArgument)
            v = _validate(ex, sp, region)
            if org.TenantId and v.info.tenant_id.lower() != org.TenantId.lower():
                raise CmdletError(f"The new settings reach tenant {v.info.tenant_id}, not this organization's tenant "
                                  f"{org.TenantId}; add it as a new organization instead.", "TenantMismatch",
                                  ErrorCategory.InvalidArgument, target=org.Name)
            wanted = {"Exchange": ex is not None and (bool(self.EnableOffice365Exchange) if b("EnableOffice365Exchange")
                                                      else org.IsExchange or b("Office365ExchangeConnectionsSettings")),
                      "SharePoint": sp is not None and (bool(self.EnableOffice365SharePoint)
                                                        if b("EnableOffice365SharePoint")
                                                        else org.IsSharePoint or b("Office365SharePointConnectionsSettings")),
                      "Teams": bool(self.EnableOffice365Teams) if b("EnableOffice365Teams") else org.IsTeams,
                      "TeamsChats": bool(self.EnableTeamsChats) if b("EnableTeamsChats") else org.IsTeamsChats}
            explicit = {svc for svc, p in (("Exchange", "EnableOffice365Exchange"),
                                           ("SharePoint", "EnableOffice365SharePoint"),
                                           ("Teams", "EnableOffice365Teams"), ("TeamsChats", "EnableTeamsChats"))
                        if b(p) and wanted[svc]}
            if not self.should_process(org.Name, "Set organization"):
                return
            old_conn = [s.to_connection(org.Region) for s in (org.Office365ExchangeConnectionSettings,
                                                                org.Office365SharePointConnectionSettings) if s]
            org.Office365ExchangeConnectionSettings = ex
            org.Office365SharePointConnectionSettings = sp
            org.Region = region
            _decide_services(self, org, v, wanted, explicit)
            from vboshell.graph.sync import forget_client

            for c in old_conn:
                forget_client(c)
        elif not self.should_process(org.Name, "Set organization"):
            return
        if b("Name"):
            org.Name = str(self.Name).strip()
        if b("Description"):
            org.Description = str(self.Description or "")
        st.save(org)
        self.write_object(org)


@register
class RemoveVBOOrganization(Cmdlet):
    name = "Remove-VBOOrganization"
    module = MODULE
    synopsis = "Removes an organization from vboshell."
    description = (
        "Removes the organization and its connection settings (its encrypted secret included). Backed-up data in "
        "repositories is kept. An organization that backup jobs still use cannot be removed: remove those jobs "
        "first (Get-VBOJob -Organization $org | Remove-VBOJob)."
    )
    supports_should_process = True
    confirm_impact = "High"
    parameters = (_org_param("The organization to remove."),)
    related = ("Get-VBOOrganization", "Remove-VBOJob")
    examples = (
        Example("Get-VBOOrganization -Name 'contoso.onmicrosoft.com' | Remove-VBOOrganization -WhatIf",
                "Shows what removing the organization would do.", setup=SANDBOX_SETUP, needs_sandbox=True),
        Example("Remove-VBOOrganization -Organization $old -Confirm:$false", "Removes an organization without asking.",
                setup=("$sb9 = Start-VBOSandbox -Spec tiny -Seed 9\n"
                       "$s9 = New-VBOOffice365ApplicationOnlyConnectionSettings -TenantId $sb9.TenantId "
                       "-ApplicationId $sb9.ApplicationId -ApplicationSecret $sb9.ApplicationSecret -Region Custom "
                       "-AuthorityHost $sb9.AuthorityHost -GraphEndpoint $sb9.GraphEndpoint "
                       "-CertificateAuthorityPath $sb9.CertificateAuthorityPath\n"
                       "$old = Add-VBOOrganization -Name 'Contoso (old)' -Office365ExchangeConnectionsSettings $s9 "
                       "-Office365SharePointConnectionsSettings $s9 -WarningAction SilentlyContinue"),
                needs_sandbox=True),
    )

    def process_record(self) -> None:
        org = _resolve_org(self, self.Organization)
        st = store()
        jobs = st.jobs_using(org)
        if jobs:
            raise CmdletError(f"Organization '{org.Name}' is used by backup job(s) {', '.join(jobs)}; remove them first "
                              "(Get-VBOJob -Organization $org | Remove-VBOJob).", "OrganizationInUse",
                              ErrorCategory.ResourceBusy, target=org.Name)
        if not self.should_process(org.Name, "Remove organization"):
            return
        st.delete(org)
        from vboshell.graph.sync import forget_client

        for s in (org.Office365ExchangeConnectionSettings, org.Office365SharePointConnectionSettings):
            if s is not None:
                try:
                    forget_client(s.to_connection(org.Region))
                except Exception:  # noqa: BLE001, S110
                    pass


# --------------------------------------------------------------------------------------------------------------
# Organization objects

_USER_TYPES = {"user": "User", "shared": "SharedMailbox", "sharedmailbox": "SharedMailbox", "room": "RoomMailbox",
               "roommailbox": "RoomMailbox", "equipment": "EquipmentMailbox", "equipmentmailbox": "EquipmentMailbox",
               "publicmailbox": "PublicMailbox", "public": "PublicMailbox"}
_PUBLIC_FOLDER_NAME = re.compile(r"public\s*folder|^PF[_-]?Mailbox|^Mailbox\s*PF", re.IGNORECASE)
_LOCATION = {"cloud": "Office", "office": "Office", "hybrid": "Hybrid", "onpremises": "OnPremises"}


def _licenses(g: Any, cache: dict[str, str]) -> dict[str, str]:
    if not cache:
        try:
            for sku in g.paged("/subscribedSkus", params={"$select": "skuId,skuPartNumber"}):
                cache[str(sku.get("skuId"))] = str(sku.get("skuPartNumber") or "")
        except Exception:  # noqa: BLE001 - sku names are cosmetic
            cache["-"] = ""
    return cache


def _hidden_mailbox(upn: Any, display: Any) -> bool:
    local = str(upn or "").split("@", 1)[0]
    return local.lower().startswith("discoverysearchmailbox") or bool(
        re.match(r"^PF[_-]?Mailbox", local, re.IGNORECASE)) or bool(
        re.match(r"^(Discovery Search Mailbox|Public Folder Mailbox)", str(display or ""), re.IGNORECASE))


def _not_public_or_discovery(values: Iterable[Any]) -> None:
    for v in values:
        if v is None:
            continue
        text = str(v)
        if "discoverysearchmailbox" in re.sub(r"\s", "", text).lower():
            raise api_only_not_supported(F_DISCOVERY, W_DISCOVERY, I_DISCOVERY, target=text)
        if _PUBLIC_FOLDER_NAME.search(text):
            raise api_only_not_supported(F_PUBLIC, W_PUBLIC, I_PUBLIC, target=text)


@register
class GetVBOOrganizationUser(Cmdlet):
    name = "Get-VBOOrganizationUser"
    module = MODULE
    synopsis = "Returns the users (and shared, room and equipment mailboxes) of an organization."
    description = (
        "Lists the organization's users from Microsoft Graph. Type is resolved from each mailbox's "
        "mailboxSettings.userPurpose: User, SharedMailbox, RoomMailbox or EquipmentMailbox (the original API-only "
        "limitation reported them all as User; vboshell falls back to User only when the tenant does not return "
        "it). Filter by -UserName, -DisplayName (wildcards allowed), -Type (User, Shared, Room, Equipment) and "
        "-Limit. Public Folder and Discovery Search mailboxes are not supported in API-only mode."
    )
    output_type = "VBOOrganizationUser"
    parameters = (
        _org_param(),
        Parameter("Name", type=str, help="Deprecated (Veeam 8): matches the user name or display name."),
        Parameter("UserName", type=str, help="User principal name (user@contoso.com); wildcards allowed."),
        Parameter("DisplayName", type=str, help="Display name; wildcards allowed."),
        Parameter("Limit", type=int, validate_range=(1, 2**53), help="Return at most this many users."),
        Parameter("Type", type=str, validate_set=("User", "Shared", "SharedMailbox", "Room", "RoomMailbox", "Equipment",
                                                  "EquipmentMailbox", "PublicMailbox"),
                  help="Only this mailbox type: User, Shared, Room or Equipment."),
        Parameter("OfficeId", type=str, help="The user's object ID in Microsoft Entra ID."),
        Parameter("OnPremisesId", type=str, help="The on-premises immutable ID of a synchronized user."),
        Parameter("LocationFilter", type=str, validate_set=("Any", "Cloud", "OnPremises", "Hybrid"),
                  help="Cloud-only (Cloud), synchronized (Hybrid) or on-premises users."),
        *_COMMON_OBJECT_PARAMS,
    )
    related = ("Get-VBOOrganizationGroup", "New-VBOBackupItem")
    examples = (
        Example("Get-VBOOrganizationUser -Organization $org -Type Shared",
                "Lists the shared mailboxes.", setup=SANDBOX_SETUP, needs_sandbox=True),
        Example("Get-VBOOrganization | Get-VBOOrganizationUser -UserName 'a*' -Limit 5",
                "Returns up to five users whose user principal name starts with a.", setup=SANDBOX_SETUP,
                needs_sandbox=True),
    )

    def process_record(self) -> None:
        from vboshell.graph.directory import SERVICE_PERMISSIONS, list_users, missing_permissions, resolve_mailbox_types
        from vboshell.graph.errors import GraphError

        _check_rules(self)
        _not_public_or_discovery((self.Name, self.UserName, self.DisplayName))
        want_type = _USER_TYPES.get(str(self.Type).lower()) if self.Type else None
        if want_type == "PublicMailbox":
            raise api_only_not_supported(F_PUBLIC, W_PUBLIC, I_PUBLIC, target="PublicMailbox")
        org = _resolve_org(self, self.Organization)
        g = _client(org)
        loc = _LOCATION.get(str(self.LocationFilter or "any").lower())
        m_user, m_disp, m_name = _wild(self.UserName), _wild(self.DisplayName), _wild(self.Name)
        flt = None
        if self.UserName and not any(c in self.UserName for c in "*?["):
            flt = f"userPrincipalName eq '{_odata_str(self.UserName)}'"
        elif self.DisplayName and not any(c in self.DisplayName for c in "*?["):
            flt = f"displayName eq '{_odata_str(self.DisplayName)}'"
        if self.OfficeId:
            flt = f"id eq '{_odata_str(str(self.OfficeId).strip('{}'))}'"
        if self.OnPremisesId:
            flt = f"onPremisesImmutableId eq '{_odata_str(str(self.OnPremisesId))}'"
        limit = int(self.Limit) if self.Limit else None
        in_jobs = _in_job_ids(self, org, "user") if self.NotInJob else set()
        skus: dict[str, str] = {}
        try:
            can_resolve = not missing_permissions(g.roles(), SERVICE_PERMISSIONS["Exchange"][1:2])
            if not can_resolve:
                self.write_warning("Mailbox types cannot be read (the application lacks MailboxSettings.Read); shared, "
                                   "room and equipment mailboxes are shown as User.")
            n = 0
            for page in list_users(g, filter=flt, top=999 if limit is None or want_type or m_user or m_disp or m_name
                                   else min(limit, 999)):
                cands = []
                for u in page:
                    upn, disp = u.get("userPrincipalName"), u.get("displayName")
                    if _hidden_mailbox(upn, disp):
                        continue  # Discovery Search / Public Folder mailboxes are never listed in API-only mode
                    if m_user and not m_user(upn):
                        continue
                    if m_disp and not m_disp(disp):
                        continue
                    if m_name and not (m_name(upn) or m_name(disp)):
                        continue
                    lt = "Hybrid" if u.get("onPremisesImmutableId") else "Office"
                    if loc and loc != lt:
                        continue
                    if in_jobs and str(u.get("id")).lower() in in_jobs:
                        continue
                    cands.append(u)
                if not cands:
                    continue
                types = resolve_mailbox_types(g, [str(u["id"]) for u in cands]) if can_resolve else {}
                lic = _licenses(g, skus) if any(u.get("assignedLicenses") for u in cands) else {}
                for u in cands:
                    t = types.get(str(u["id"])) or "User"
                    if want_type and t != want_type:
                        continue
                    self.write_object(VBOOrganizationUser(
                        OrganizationId=org.Id, OfficeId=str(u.get("id")), OnPremisesId=u.get("onPremisesImmutableId"),
                        DisplayName=str(u.get("displayName") or ""), UserName=str(u.get("userPrincipalName") or ""),
                        Office=u.get("officeLocation"), Type=t,
                        LocationType="Hybrid" if u.get("onPremisesImmutableId") else "Office",
                        AssignedLicenses=[VBOOfficeLicense(str(x.get("skuId")), lic.get(str(x.get("skuId")), ""))
                                          for x in u.get("assignedLicenses") or []],
                        Mail=u.get("mail"), IsEnabled=bool(u.get("accountEnabled", True)),
                        UserType=str(u.get("userType") or "Member")))
                    n += 1
                    if limit is not None and n >= limit:
                        return
                if self.stopping:
                    return
        except GraphError as exc:
            raise _graph_failure(exc, target=org.Name) from None


_GROUP_TYPES = {"office": "Office", "office365": "Office", "microsoft365": "Office", "unified": "Office",
                "security": "Security", "distribution": "Distribution"}


@register
class GetVBOOrganizationGroup(Cmdlet):
    name = "Get-VBOOrganizationGroup"
    module = MODULE
    synopsis = "Returns the groups of an organization (Microsoft 365, security and distribution groups)."
    description = (
        "Lists the organization's groups from Microsoft Graph with Veeam's types: Office (Microsoft 365 groups), "
        "Security and Distribution. Dynamic distribution groups are not supported in API-only mode."
    )
    output_type = "VBOOrganizationGroup"
    parameters = (
        _org_param(),
        Parameter("Name", type=str, help="Deprecated (Veeam 8): matches display name or group name."),
        Parameter("DisplayName", type=str, help="Display name; wildcards allowed."),
        Parameter("GroupName", type=str, help="Mail nickname or address; wildcards allowed."),
        Parameter("Limit", type=int, validate_range=(1, 2**53), help="Return at most this many groups."),
        Parameter("Type", type=str, validate_set=("Office", "Office365", "Security", "Distribution",
                                                  "DynamicDistribution", "Dynamic"),
                  help="Only this type: Office365 (Office), Security or Distribution."),
        Parameter("OfficeId", type=str, help="The group's object ID."),
        Parameter("OnPremisesId", type=str, help="Accepted; synchronized groups are matched by object ID."),
        Parameter("LocationFilter", type=str, validate_set=("Any", "Cloud", "OnPremises", "Hybrid"),
                  help="Cloud-only (Cloud) or synchronized (Hybrid) groups."),
        *_COMMON_OBJECT_PARAMS,
    )
    related = ("Get-VBOOrganizationGroupMember",)
    examples = (
        Example("Get-VBOOrganizationGroup -Organization $org -Type Office365", "Lists the Microsoft 365 groups.",
                setup=SANDBOX_SETUP, needs_sandbox=True),
        Example("try { Get-VBOOrganizationGroup -Organization $org -Type DynamicDistribution } "
                "catch { $_.FullyQualifiedErrorId }",
                "Dynamic distribution groups give ApiOnlyModeNotSupported.", expect="ApiOnlyModeNotSupported",
                setup=SANDBOX_SETUP, needs_sandbox=True),
    )

    def begin_processing(self) -> None:
        _check_rules(self)
        if self.Type and str(self.Type).lower().startswith("dynamic"):
            raise api_only_not_supported(F_DYNAMIC, W_DYNAMIC, I_DYNAMIC, target=str(self.Type))

    def process_record(self) -> None:
        from vboshell.graph.directory import group_type, list_groups
        from vboshell.graph.errors import GraphError

        org = _resolve_org(self, self.Organization)
        g = _client(org)
        want = _GROUP_TYPES.get(str(self.Type).lower()) if self.Type else None
        m_disp, m_grp, m_name = _wild(self.DisplayName), _wild(self.GroupName), _wild(self.Name)
        loc = _LOCATION.get(str(self.LocationFilter or "any").lower())
        flt = f"id eq '{_odata_str(str(self.OfficeId).strip('{}'))}'" if self.OfficeId else None
        if not flt and self.DisplayName and not any(c in self.DisplayName for c in "*?["):
            flt = f"displayName eq '{_odata_str(self.DisplayName)}'"
        in_jobs = _in_job_ids(self, org, "group") if self.NotInJob else set()
        limit = int(self.Limit) if self.Limit else None
        n = 0
        try:
            for page in list_groups(g, filter=flt):
                for grp in page:
                    types = [str(t).lower() for t in grp.get("groupTypes") or []]
                    if "dynamicmembership" in types and grp.get("mailEnabled") and not grp.get("securityEnabled") \
                            and "unified" not in types:
                        continue
                    t = group_type(grp)
                    gname = grp.get("mail") or grp.get("mailNickname") or ""
                    if want and t != want:
                        continue
                    if m_disp and not m_disp(grp.get("displayName")):
                        continue
                    if m_grp and not (m_grp(grp.get("mail")) or m_grp(grp.get("mailNickname"))):
                        continue
                    if m_name and not (m_name(grp.get("displayName")) or m_name(gname)):
                        continue
                    lt = "Hybrid" if grp.get("onPremisesSyncEnabled") else "Office"
                    if loc and loc != lt:
                        continue
                    if in_jobs and str(grp.get("id")).lower() in in_jobs:
                        continue
                    self.write_object(VBOOrganizationGroup(
                        OrganizationId=org.Id, OfficeId=str(grp.get("id")), DisplayName=str(grp.get("displayName") or ""),
                        GroupName=str(gname), Type=t, LocationType=lt, Mail=grp.get("mail"),
                        IsTeam="Team" in (grp.get("resourceProvisioningOptions") or [])))
                    n += 1
                    if limit is not None and n >= limit:
                        return
                if self.stopping:
                    return
        except GraphError as exc:
            raise _graph_failure(exc, target=org.Name) from None


@register
class GetVBOOrganizationGroupMember(Cmdlet):
    name = "Get-VBOOrganizationGroupMember"
    module = MODULE
    synopsis = "Returns the members of an organization group."
    description = "Lists the direct members (users and nested groups) of a group returned by Get-VBOOrganizationGroup."
    output_type = "VBOOrganizationGroupMember"
    parameters = (
        Parameter("Group", type=VBOOrganizationGroup, mandatory=True, position=0, value_from_pipeline=True,
                  help="The group (from Get-VBOOrganizationGroup)."),
        Parameter("DataSource", type=str, validate_set=("PreferLocal", "Production", "PreferLocalResynced"),
                  help="Accepted for compatibility; members are always read from Microsoft Graph."),
    )
    related = ("Get-VBOOrganizationGroup",)
    examples = (
        Example("Get-VBOOrganizationGroup -Organization $org -Limit 1 | Get-VBOOrganizationGroupMember",
                "Lists the members of the first group.", setup=SANDBOX_SETUP, needs_sandbox=True),
    )

    def process_record(self) -> None:
        from vboshell.graph.directory import list_group_members
        from vboshell.graph.errors import GraphError

        grp = self.Group
        org = _resolve_org(self, str(grp.OrganizationId)) if grp.OrganizationId else None
        if org is None:
            raise CmdletError("The group does not belong to a known organization.", "OrganizationNotFound",
                              ErrorCategory.ObjectNotFound, target=grp)
        g = _client(org)
        try:
            for mbr in list_group_members(g, grp.OfficeId):
                kind = str(mbr.get("@odata.type") or "").rsplit(".", 1)[-1]
                self.write_object(VBOOrganizationGroupMember(
                    OrganizationId=org.Id, Group=grp, DisplayName=str(mbr.get("displayName") or ""),
                    Login=str(mbr.get("userPrincipalName") or mbr.get("mail") or mbr.get("mailNickname") or ""),
                    Type="Group" if kind == "group" else "User", OfficeId=str(mbr.get("id"))))
        except GraphError as exc:
            raise _graph_failure(exc, target=grp.DisplayName) from None


def _site_obj(org: VBOOrganization, site: dict[str, Any], parent: str | None = None) -> VBOOrganizationSite:
    from vboshell.graph.directory import is_personal_site, split_site_id

    _host, sid, wid = split_site_id(str(site.get("id") or ""))
    return VBOOrganizationSite(
        OrganizationId=org.Id, SiteId=sid, WebId=wid, Name=str(site.get("displayName") or site.get("name") or ""),
        URL=str(site.get("webUrl") or ""), ParentURL=parent, IsPersonal=is_personal_site(site),
        Title=str(site.get("displayName") or ""))


@register
class GetVBOOrganizationSite(Cmdlet):
    name = "Get-VBOOrganizationSite"
    module = MODULE
    synopsis = "Returns the SharePoint sites of an organization."
    description = (
        "Lists site collections from Microsoft Graph (all geographies). OneDrive personal sites are included only "
        "with -IncludePersonalSite; -Recurse adds sub-sites; -URL returns one site; -ParentURL its sub-sites; "
        "-Filter matches names or URLs with wildcards."
    )
    output_type = "VBOOrganizationSite"
    parameters = (
        _org_param(),
        Parameter("URL", type=str, help="Absolute URL of one site."),
        Parameter("ParentURL", type=str, help="Return the sub-sites of this site."),
        Parameter("IncludePersonalSite", type=Switch, help="Also return OneDrive personal sites."),
        Parameter("IncludeSearchSite", type=Switch, help="Accepted for compatibility (search centers are regular sites)."),
        Parameter("Recurse", type=Switch, help="Also return sub-sites."),
        Parameter("Filter", type=str, help="Name or URL pattern, wildcards allowed."),
        Parameter("LocationFilter", type=str, help="Accepted for compatibility; all sites are in the cloud."),
        *_COMMON_OBJECT_PARAMS,
    )
    related = ("Get-VBOOrganizationTeam",)
    examples = (
        Example("Get-VBOOrganizationSite -Organization $org", "Lists the site collections.", setup=SANDBOX_SETUP,
                needs_sandbox=True),
        Example("Get-VBOOrganizationSite -Organization $org -IncludePersonalSite | Where-Object IsPersonal",
                "Lists the OneDrive personal sites.", setup=SANDBOX_SETUP, needs_sandbox=True),
    )

    def process_record(self) -> None:
        from vboshell.graph.directory import get_site, list_sites, list_subsites
        from vboshell.graph.errors import GraphError

        org = _resolve_org(self, self.Organization)
        g = _client(org, "sharepoint")
        match = _wild(self.Filter)
        in_jobs = _in_job_ids(self, org, "site") if self.NotInJob else set()

        def emit(site: dict[str, Any], parent: str | None = None) -> None:
            obj = _site_obj(org, site, parent)
            if match and not (match(obj.Name) or match(obj.URL)):
                return
            if in_jobs and (str(site.get("id")).lower() in in_jobs or obj.URL.lower().rstrip("/") in in_jobs):
                return
            self.write_object(obj)

        try:
            if self.URL or self.ParentURL:
                site = get_site(g, str(self.URL or self.ParentURL))
                if self.URL:
                    emit(site)
                if self.ParentURL or self.Recurse:
                    for sub in list_subsites(g, site["id"], bool(self.Recurse)):
                        emit(sub, str(site.get("webUrl") or ""))
                return
            for site in list_sites(g, include_personal=bool(self.IncludePersonalSite)):
                emit(site)
                if self.Recurse:
                    for sub in list_subsites(g, site["id"], True):
                        emit(sub, str(site.get("webUrl") or ""))
                if self.stopping:
                    return
        except GraphError as exc:
            raise _graph_failure(exc, target=str(self.URL or org.Name)) from None


@register
class GetVBOOrganizationTeam(Cmdlet):
    name = "Get-VBOOrganizationTeam"
    module = MODULE
    synopsis = "Returns the Microsoft Teams teams of an organization."
    description = "Lists Teams-enabled Microsoft 365 groups from Microsoft Graph; -Id or -DisplayName selects one."
    output_type = "VBOOrganizationTeam"
    parameters = (
        _org_param(),
        Parameter("Id", type=str, help="The team's (group's) object ID."),
        Parameter("DisplayName", type=str, help="Display name; wildcards allowed."),
        *_COMMON_OBJECT_PARAMS,
    )
    related = ("Get-VBOOrganizationGroup", "Get-VBOOrganizationSite")
    examples = (
        Example("Get-VBOOrganizationTeam -Organization $org", "Lists the teams.", setup=SANDBOX_SETUP,
                needs_sandbox=True),
    )

    def process_record(self) -> None:
        from vboshell.graph.directory import list_teams
        from vboshell.graph.errors import GraphError

        org = _resolve_org(self, self.Organization)
        g = _client(org)
        match = _wild(self.DisplayName)
        want_id = str(self.Id).strip("{}").lower() if self.Id else None
        in_jobs = _in_job_ids(self, org, "team") if self.NotInJob else set()
        try:
            for t in list_teams(g):
                tid = str(t.get("id"))
                if want_id and tid.lower() != want_id:
                    continue
                if match and not match(t.get("displayName")):
                    continue
                if in_jobs and tid.lower() in in_jobs:
                    continue
                self.write_object(VBOOrganizationTeam(OrganizationId=org.Id, OfficeId=tid,
                                                      DisplayName=str(t.get("displayName") or ""),
                                                      Description=t.get("description"), Mail=t.get("mail")))
        except GraphError as exc:
            raise _graph_failure(exc, target=org.Name) from None


# --------------------------------------------------------------------------------------------------------------
# Sizing

@register
class MeasureVBOOrganizationFullBackupSize(Cmdlet):
    name = "Measure-VBOOrganizationFullBackupSize"
    module = MODULE
    synopsis = "Not supported in API-only mode; use Get-VBOOrganizationUsageEstimate."
    description = (W_MEASURE + " All of Veeam's parameters are accepted so that scripts get this clear error. "
                   "Instead: " + I_MEASURE)
    parameters = (
        Parameter("Organization", type=object, position=0, value_from_pipeline=True, help="The organization."),
        Parameter("Proxy", type=object, help="Accepted for compatibility."),
        Parameter("Mailbox", type=Switch, help="Accepted for compatibility."),
        Parameter("ArchiveMailbox", type=Switch, help="Accepted for compatibility."),
        Parameter("Site", type=Switch, help="Accepted for compatibility."),
        Parameter("OneDrive", type=Switch, help="Accepted for compatibility."),
        Parameter("PersonalSite", type=Switch, help="Accepted for compatibility."),
    )
    notes = W_MEASURE
    related = ("Get-VBOOrganizationUsageEstimate",)
    examples = (
        Example("try { Measure-VBOOrganizationFullBackupSize -Organization $org -Mailbox } catch { $_.Exception.Message }",
                "Shows the error and the API-only alternative.", expect="Get-VBOOrganizationUsageEstimate"),
    )

    def begin_processing(self) -> None:
        raise api_only_not_supported(F_MEASURE, W_MEASURE, I_MEASURE, target=self.name)


@register
class GetVBOOrganizationUsageEstimate(Cmdlet):
    name = "Get-VBOOrganizationUsageEstimate"
    module = MODULE
    short_name = "Get-OrganizationUsageEstimate"
    synopsis = "Estimates an organization's backup size from Microsoft 365 usage reports (API-only alternative to "\
               "Measure-VBOOrganizationFullBackupSize)."
    description = (
        "Sums the Microsoft 365 usage reports (getMailboxUsageDetail, getOneDriveUsageAccountDetail, "
        "getSharePointSiteUsageDetail) per service: objects, items and storage used, plus a Total row. Needs the "
        "Reports.Read.All application permission. The reports are refreshed by Microsoft daily and count only "
        "primary storage (not versions or recoverable items), so treat the figure as a lower bound."
    )
    output_type = "VBOOrganizationUsageEstimate"
    parameters = (
        _org_param(),
        Parameter("Period", type=str, validate_set=("D7", "D30", "D90", "D180"), default="D7",
                  help="Report period (D7 by default; the latest refresh date within it is used)."),
        Parameter("Service", type=str, array=True, validate_set=("Exchange", "OneDrive", "SharePoint"),
                  help="Only these services (default: all three)."),
    )
    related = ("Measure-VBOOrganizationFullBackupSize",)
    examples = (
        Example("Get-VBOOrganizationUsageEstimate -Organization $org", "Estimates the size per service.",
                setup=SANDBOX_SETUP, needs_sandbox=True),
    )

    def process_record(self) -> None:
        from vboshell.graph.directory import SERVICE_PERMISSIONS, missing_permissions, usage_report
        from vboshell.graph.errors import GraphError

        org = _resolve_org(self, self.Organization)
        g = _client(org)
        try:
            missing = missing_permissions(g.roles(), SERVICE_PERMISSIONS["Reports"])
        except GraphError as exc:
            raise _graph_failure(exc, target=org.Name) from None
        if missing:
            app_id = (org.Office365ExchangeConnectionSettings or org.Office365SharePointConnectionSettings).ApplicationId
            raise _permission_error(missing, app_id, "reading Microsoft 365 usage reports")
        services = [s for s in ("Exchange", "OneDrive", "SharePoint")
                    if not self.Service or s.lower() in {str(x).lower() for x in self.Service}]
        total = VBOOrganizationUsageEstimate(Organization=org.Name, Service="Total", Period=str(self.Period))
        for svc in services:
            try:
                r = usage_report(g, svc, str(self.Period))
            except GraphError as exc:
                raise _graph_failure(exc, target=org.Name, prefix=f"The {svc} usage report could not be read: ") from None
            row = VBOOrganizationUsageEstimate(Organization=org.Name, Service=svc, Objects=r["objects"],
                                               ItemCount=r["items"], StorageUsed=r["bytes"],
                                               StorageUsedGB=round(r["bytes"] / 2**30, 3),
                                               ReportRefreshDate=r["refresh_date"], Period=str(self.Period))
            total.Objects += row.Objects
            total.ItemCount += row.ItemCount
            total.StorageUsed += row.StorageUsed
            total.ReportRefreshDate = total.ReportRefreshDate or row.ReportRefreshDate
            self.write_object(row)
        total.StorageUsedGB = round(total.StorageUsed / 2**30, 3)
        self.write_object(total)


__all__ = ["get_organization", "store", "OrganizationStore", "organization_to_mapping", "organization_from_mapping",
           "organization_from_record", "organization_to_record", "SANDBOX_SETUP"]
