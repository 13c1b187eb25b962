"""Server-compatibility cmdlets: Connect-/Disconnect-/Get-VBOServer, Get-VBOVersion, Get-VBOProxy, licensing, and the
Get-VBOCommand/Get-VEXCommand/Get-VEODCommand/Get-VESPCommand/Get-VETCommand listings of the Veeam cmdlet surface.

vboshell has no Veeam server: it keeps its own catalogue on this machine. Connecting to the local host (any port)
selects that catalogue silently; any other host is a clear error. Get-VBOProxy returns the one local "proxy".
"""

from __future__ import annotations

import fnmatch
import getpass
import os
import platform
import socket
import sys
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from vboshell import __version__
from vboshell.cmdlets import surface
from vboshell.commands.base import Cmdlet, Example, Parameter, Switch
from vboshell.commands.registry import all_cmdlets, lookup, register
from vboshell.runtime.errors import CmdletError, ErrorCategory, ErrorRecord, not_applicable
from vboshell.runtime.psobject import TypeView, ps_type

DEFAULT_PORT = 9191
PROXY_PORT = 9193
_NS = uuid.UUID("6f1c5c44-93a6-4d0e-9a0e-5f2b0b6f3a10")  # namespace for vboshell's stable local ids


# ------------------------------------------------------------------------------------------------
# Connection state (per session when the runtime offers ctx.services, else per process)


@dataclass
class ServerConnection:
    connected: bool = False
    server: str = "localhost"
    port: int = DEFAULT_PORT
    connected_at: datetime | None = None


_PROCESS_STATE = ServerConnection()


def connection_state(cmdlet: Cmdlet | None = None) -> ServerConnection:
    ctx = getattr(cmdlet, "context", None) if cmdlet is not None else None
    services = getattr(ctx, "services", None)
    if services is None:
        return _PROCESS_STATE
    state = getattr(services, "vbo_server", None)
    if state is None:
        state = ServerConnection()
        try:
            services.vbo_server = state
        except AttributeError:  # pragma: no cover - a read-only services object
            return _PROCESS_STATE
    return state


def local_host_name() -> str:
    try:
        return socket.gethostname() or "localhost"
    except OSError:  # pragma: no cover
        return "localhost"


def catalogue_path() -> str:
    env = os.environ.get("VBOSHELL_HOME")
    if env:
        return os.path.expanduser(env)
    try:
        import platformdirs

        return platformdirs.user_data_dir("vboshell")
    except ImportError:  # pragma: no cover
        return os.path.expanduser("~/.local/share/vboshell")


# ------------------------------------------------------------------------------------------------
# Output types


@ps_type("Veeam.Archiver.PowerShell.Model.VBOServer", view=TypeView(table=("Name", "Port", "TempFolderPath")))
@dataclass
class VBOServer:
    TempFolderPath: str
    Name: str
    Port: int
    IsConnected: bool
    CataloguePath: str
    Version: str = __version__


@ps_type("Veeam.Archiver.PowerShell.Model.VBOVersion", view=TypeView(table=("ProductVersion",)))
@dataclass
class VBOVersion:
    ProductVersion: str
    ProductName: str = "vboshell"
    CompatibleWith: str = "Veeam Backup for Microsoft 365 8.x and Veeam Explorers PowerShell cmdlets"
    Platform: str = field(default_factory=lambda: f"{platform.system()} {platform.release()}".strip())
    PythonVersion: str = field(default_factory=platform.python_version)

    def __str__(self) -> str:
        return self.ProductVersion


@ps_type("Veeam.Archiver.PowerShell.Model.VBOProxy",
         view=TypeView(table=("Hostname", "Port", "Type", "State", "Description"), kind="table"))
@dataclass
class VBOProxy:
    Id: str
    Hostname: str
    Port: int
    Description: str
    ThreadsNumber: int
    ThrottlingValue: int
    ThrottlingUnit: str
    State: str
    ProxyRoles: str
    MaintenanceModeState: str
    Type: str
    IsOutdated: bool
    CpuUsagePercent: float | None
    MemoryUsagePercent: float | None
    OperatingSystemKind: str
    Version: str
    InternetProxy: Any
    PoolId: str
    ServiceAccount: str
    SshPort: int | None = None
    SshConnectionTimeout: int | None = None

    def __str__(self) -> str:
        return self.Hostname


@ps_type("Veeam.Archiver.PowerShell.Model.VBOLicense", view=TypeView(kind="list"))
@dataclass
class VBOLicense:
    Status: str
    ExpirationDate: datetime | None
    Type: str
    Package: str
    LicensedTo: str
    ContactPerson: str
    TotalNumber: int
    UsedNumber: int
    NewNumber: int
    SupportId: str
    LicenseId: str | None
    Email: str
    SupportExpirationDate: datetime | None = None


@ps_type("Veeam.Archiver.PowerShell.Model.VBOLicensedUser",
         view=TypeView(table=("UserName", "OrganizationName", "IsBackedUp", "LastBackupDate", "LicenseStatus")))
@dataclass
class VBOLicensedUser:
    UserName: str
    OfficeId: str | None
    OnPremisesId: str | None
    IsBackedUp: bool
    LastBackupDate: datetime | None
    LicenseStatus: str
    OrganizationId: str | None
    BackedUpOrganizationId: str | None
    OrganizationName: str


@ps_type("System.Management.Automation.CmdletInfo",
         view=TypeView(table=("CommandType", "Name", "Version", "Source")))
@dataclass
class VeeamCommandInfo:
    CommandType: str
    Name: str
    Version: str
    Source: str
    ModuleName: str
    ShortName: str | None
    Status: str  # Available | NotYetImplemented | NotSupportedInApiOnlyMode | NotApplicable
    Area: str
    Reason: str

    def __str__(self) -> str:
        return self.Name


# ------------------------------------------------------------------------------------------------
# Server connection


def _remote_server_error(server: str, port: int | None) -> CmdletError:
    where = f"{server}:{port}" if port else server
    return not_applicable(
        f"Connecting to the Veeam Backup for Microsoft 365 server '{where}'",
        "vboshell does not use a Veeam server: it keeps its own catalogue of organizations, jobs and repositories "
        f"on this machine (VBOSHELL_HOME) and talks to Microsoft 365 directly. Connect-VBOServer accepts only this "
        f"machine (localhost, 127.0.0.1, ::1 or '{local_host_name()}', any port). Instead: remove the -Server "
        "argument, or run vboshell on the machine that should hold the catalogue.",
        target=server,
    )


@register
class ConnectVBOServer(Cmdlet):
    name = "Connect-VBOServer"
    module = surface.MOD_VBO
    synopsis = "Selects vboshell's local catalogue (the only 'server' vboshell has)."
    description = (
        "Veeam scripts connect to a Veeam Backup for Microsoft 365 server first. vboshell keeps its own catalogue on "
        "this machine, so connecting to localhost, 127.0.0.1, ::1 or this machine's name (any port) selects it "
        "silently; any other host is an error. -Credential is accepted and not used."
    )
    notes = "vboshell has no server component; every cmdlet works on the local catalogue whether or not you connect."
    parameters = (
        Parameter("Server", type=str, position=0, default="127.0.0.1", help="Host name; must be this machine."),
        Parameter("Port", type=int, default=DEFAULT_PORT, help="Accepted for compatibility; any port works."),
        Parameter("Credential", type=object, help="Accepted for compatibility; not used."),
    )
    examples = (
        Example("Connect-VBOServer", "Selects the local catalogue (what Veeam does with 127.0.0.1:9191)."),
        Example("Connect-VBOServer -Server localhost -Port 9191", "The same, spelled out."),
    )

    def process_record(self) -> None:
        server = str(self.Server if self.Server is not None else "127.0.0.1")
        port = int(self.Port) if self.Port is not None else DEFAULT_PORT
        if not surface.is_local_host(server):
            raise _remote_server_error(server, port if self.is_bound("Port") else None)
        state = connection_state(self)
        state.connected, state.server, state.port, state.connected_at = True, server, port, datetime.now()
        if self.is_bound("Credential"):
            self.write_verbose("Connect-VBOServer: -Credential is not used; vboshell runs as the local account.")


@register
class DisconnectVBOServer(Cmdlet):
    name = "Disconnect-VBOServer"
    module = surface.MOD_VBO
    synopsis = "Ends the (local) server connection opened by Connect-VBOServer."
    description = "Accepted for compatibility: vboshell's cmdlets keep working on the local catalogue afterwards."
    examples = (Example("Disconnect-VBOServer", "Ends the connection; nothing is printed."),)

    def process_record(self) -> None:
        state = connection_state(self)
        state.connected, state.connected_at = False, None


@register
class GetVBOServer(Cmdlet):
    name = "Get-VBOServer"
    module = surface.MOD_VBO
    synopsis = "Returns this machine as vboshell's server, with its temporary folder and catalogue path."
    output_type = "VBOServer"
    examples = (Example("Get-VBOServer", "Shows the local 'server'."),)

    def process_record(self) -> None:
        state = connection_state(self)
        self.write_object(VBOServer(
            TempFolderPath=tempfile.gettempdir(),
            Name=local_host_name(),
            Port=state.port,
            IsConnected=state.connected,
            CataloguePath=catalogue_path(),
        ))


@register
class GetVBOVersion(Cmdlet):
    name = "Get-VBOVersion"
    module = surface.MOD_VBO
    synopsis = "Returns the vboshell version (ProductVersion), like Veeam's product version."
    output_type = "VBOVersion"
    examples = (Example("(Get-VBOVersion).ProductVersion", "The version string."),)

    def process_record(self) -> None:
        self.write_object(VBOVersion(ProductVersion=__version__))


# ------------------------------------------------------------------------------------------------
# The local proxy


def local_proxy() -> VBOProxy:
    host = local_host_name()
    cpu: float | None = None
    mem: float | None = None
    try:
        import psutil

        cpu = float(psutil.cpu_percent(interval=None))
        mem = float(psutil.virtual_memory().percent)
    except Exception:  # pragma: no cover - psutil missing or restricted
        pass
    try:
        account = getpass.getuser()
    except Exception:  # pragma: no cover - no login name
        account = ""
    return VBOProxy(
        Id=str(uuid.uuid5(_NS, "proxy:" + host.lower())),
        Hostname=host,
        Port=PROXY_PORT,
        Description="This machine: vboshell runs backup and restore work in-process.",
        ThreadsNumber=max(4, (os.cpu_count() or 2) * 2),
        ThrottlingValue=0,
        ThrottlingUnit="Mbps",
        State="Online",
        ProxyRoles="Scheduler, Orchestrator, Processor",
        MaintenanceModeState="Disabled",
        Type="Local",
        IsOutdated=False,
        CpuUsagePercent=cpu,
        MemoryUsagePercent=mem,
        OperatingSystemKind="Windows" if sys.platform.startswith("win") else "Linux",
        Version=__version__,
        InternetProxy=None,
        PoolId=str(uuid.UUID(int=0)),
        ServiceAccount=account,
    )


@register
class GetVBOProxy(Cmdlet):
    name = "Get-VBOProxy"
    module = surface.MOD_VBO
    synopsis = "Returns the single local backup proxy: this machine."
    description = (
        "vboshell does its backup and restore work in-process, so there is exactly one proxy, this machine. Scripts "
        "that pass a proxy to Add-VBORepository -Proxy or similar keep working."
    )
    output_type = "VBOProxy"
    default_parameter_set = "All"
    parameters = (
        Parameter("Organization", type=object, value_from_pipeline=True, parameter_sets=("All",),
                  help="Accepted for compatibility: the local proxy serves every organization."),
        Parameter("Id", type=str, mandatory=True, parameter_sets=("ById",), help="The proxy id."),
        Parameter("Hostname", type=str, mandatory=True, parameter_sets=("ByHostname",),
                  help="The proxy host name; this machine's name or localhost."),
        Parameter("ExtendedView", type=Switch, help="Accepted for compatibility; every property is always filled."),
    )
    examples = (
        Example("Get-VBOProxy", "Returns this machine as the proxy."),
        Example("$proxy = Get-VBOProxy; $proxy.Hostname", "The host name scripts pass around."),
    )

    def process_record(self) -> None:
        proxy = local_proxy()
        if self.is_bound("Id") and str(self.Id).strip("{}").lower() != proxy.Id.lower():
            self._not_found(f"Proxy with id '{self.Id}' was not found.", str(self.Id), proxy)
            return
        if self.is_bound("Hostname") and not surface.is_local_host(str(self.Hostname)):
            self._not_found(f"Proxy '{self.Hostname}' was not found.", str(self.Hostname), proxy)
            return
        self.write_object(proxy)

    def _not_found(self, message: str, target: str, proxy: VBOProxy) -> None:
        self.write_error(ErrorRecord(
            message=f"{message} vboshell has one proxy, this machine ('{proxy.Hostname}', id {proxy.Id}).",
            error_id="ProxyNotFound", category=ErrorCategory.ObjectNotFound, target_object=target,
            exception_type="ItemNotFoundException",
        ))


# ------------------------------------------------------------------------------------------------
# Licensing: protected users counted from the repositories


def protected_users(cmdlet: Cmdlet | None = None) -> tuple[list[VBOLicensedUser], bool, list[str]]:
    """Users with backed-up data in any repository of the catalogue (one per organization and user, with the time of
    their latest restore point), whether the engine to count them is available, and problems met on the way."""
    try:
        from vboshell.repository import Repository
        from vboshell.store import catalog_for
    except ImportError:  # pragma: no cover - engine packages missing
        return [], False, []
    problems: list[str] = []
    ctx = getattr(cmdlet, "context", None) if cmdlet is not None else None
    try:
        cat = catalog_for(ctx)
        repositories = cat.list_repositories()
        org_names = {o.id: o.name for o in cat.list_organizations()}
    except Exception as e:  # noqa: BLE001 - report, never a traceback
        return [], True, [f"The catalogue could not be read: {e}"]
    found: dict[tuple[str, str], VBOLicensedUser] = {}
    for rec in repositories:
        try:
            if not Repository.exists(rec.path):
                continue
            password = cat.encryption_key_password(rec.encryption_key_id) if rec.encryption_key_id else None
            with Repository.open(rec.path, password) as repo:
                objects = repo.objects(kind="user")
                last: dict[tuple[str, str], datetime] = {}
                for rp in reversed(repo.restore_points()):  # newest first; stop once every user is dated
                    if len(last) >= len(objects):
                        break
                    when = rp.finished or rp.started
                    for st in repo.object_statuses(rp):
                        if st.object.kind == "user":
                            last.setdefault((st.object.organization_id, st.object.external_id), when)
                for obj in objects:
                    key = (obj.organization_id, obj.external_id)
                    date = last.get(key)
                    prev = found.get(key)
                    if prev is not None and (date is None or (prev.LastBackupDate and prev.LastBackupDate >= date)):
                        continue
                    found[key] = VBOLicensedUser(
                        UserName=obj.name or obj.external_id, OfficeId=obj.external_id, OnPremisesId=None,
                        IsBackedUp=True, LastBackupDate=date, LicenseStatus="Licensed",
                        OrganizationId=obj.organization_id or None, BackedUpOrganizationId=obj.organization_id or None,
                        OrganizationName=org_names.get(obj.organization_id, ""),
                    )
        except Exception as e:  # noqa: BLE001 - one unreadable repository must not hide the others
            problems.append(f"Repository '{rec.name}' ({rec.path}) could not be read: {e}")
    users = sorted(found.values(), key=lambda u: (u.OrganizationName.lower(), u.UserName.lower()))
    return users, True, problems


_NO_ENGINE_NOTE = ("Protected users cannot be counted yet: this build of vboshell has no backup repository engine "
                   "to read them from, so 0 is reported.")


def _org_name(org: Any) -> str | None:
    if org is None:
        return None
    if isinstance(org, str):
        return org
    for attr in ("Name", "name", "OfficeName"):
        v = getattr(org, attr, None)
        if isinstance(v, str):
            return v
    return str(org)


@register
class GetVBOLicense(Cmdlet):
    name = "Get-VBOLicense"
    module = surface.MOD_VBO
    synopsis = "Reports the license state: vboshell is open source, so it shows the protected users and no limit."
    output_type = "VBOLicense"
    examples = (Example("(Get-VBOLicense).UsedNumber", "How many users have backed-up data."),)

    def process_record(self) -> None:
        users, available, problems = protected_users(self)
        for problem in problems if available else [_NO_ENGINE_NOTE]:
            self.write_warning(problem)
        self.write_object(VBOLicense(
            Status="Valid", ExpirationDate=None, Type="Community",
            Package="vboshell (open source, Apache-2.0; no user limit)", LicensedTo=local_host_name(),
            ContactPerson="", TotalNumber=0, UsedNumber=len(users), NewNumber=0, SupportId="", LicenseId=None,
            Email="",
        ))


@register
class GetVBOLicensedUser(Cmdlet):
    name = "Get-VBOLicensedUser"
    module = surface.MOD_VBO
    synopsis = "Lists the users protected in the repositories (each counts as a licensed user in Veeam's terms)."
    output_type = "VBOLicensedUser"
    parameters = (
        Parameter("Organization", type=object, value_from_pipeline=True, help="Only users of this organization."),
        Parameter("Name", type=str, help="Only users whose name matches (wildcards allowed)."),
    )
    examples = (Example("Get-VBOLicensedUser | Export-Csv users.csv", "Saves the protected users."),)

    def process_record(self) -> None:
        users, available, problems = protected_users(self)
        for problem in problems if available else [_NO_ENGINE_NOTE]:
            self.write_warning(problem)
        org = _org_name(self.Organization)
        pattern = str(self.Name).lower() if self.Name is not None else None
        for u in users:
            if org is not None and u.OrganizationName.lower() != org.lower():
                continue
            if pattern is not None and not fnmatch.fnmatchcase(u.UserName.lower(), pattern):
                continue
            self.write_object(u)


# ------------------------------------------------------------------------------------------------
# Get-VBOCommand & co


def command_status(name: str) -> tuple[str, str]:
    """(Status, Reason) of a Veeam name as it resolves now: Available, NotYetImplemented, NotSupportedInApiOnlyMode
    or NotApplicable."""
    from vboshell.cmdlets.placeholders import is_placeholder

    e = surface.entry(name)
    cls = lookup(name)
    if e is not None and e.status == surface.API_ONLY:
        return "NotSupportedInApiOnlyMode", e.reason
    if e is not None and e.status == surface.NOT_APPLICABLE:
        return "NotApplicable", e.reason
    if cls is None or is_placeholder(cls):
        return "NotYetImplemented", (e.reason if e else "")
    return "Available", (e.reason if e and e.status == surface.SUPPORTED else "")


def veeam_commands(module: str, name_filter: Any = None) -> list[VeeamCommandInfo]:
    """Every cmdlet of a Veeam module: catalogue names plus real cmdlets registered under that module."""
    names: dict[str, str] = {}
    for e in surface.SURFACE.values():
        if e.module == module:
            names[e.name.lower()] = e.name
    for cls in all_cmdlets():
        if getattr(cls, "module", None) == module and cls.name:
            names.setdefault(cls.name.lower(), cls.name)
    out: list[VeeamCommandInfo] = []
    for name in sorted(names.values(), key=lambda n: (n.split("-", 1)[-1].lower(), n.lower())):
        if name_filter is not None and not name_filter(name):
            continue
        e = surface.entry(name)
        cls = lookup(name)
        short = None
        if cls is not None and name.lower() != "get-vbocommand":
            s = surface.short_name_of(name)
            if s and lookup(s) is cls:
                short = s
        status, reason = command_status(name)
        out.append(VeeamCommandInfo(
            CommandType="Cmdlet", Name=name, Version=__version__, Source=module, ModuleName=module, ShortName=short,
            Status=status, Area=e.area if e else "", Reason=reason,
        ))
    return out


def _wildcard(pattern: str | None):  # type: ignore[no-untyped-def]
    if pattern is None:
        return None
    low = str(pattern).lower()
    return lambda text: fnmatch.fnmatchcase(text.lower(), low)


class _CommandListing(Cmdlet):
    """Shared implementation: list one Veeam module's cmdlets, filtered by -Name, -Noun and -Verb (wildcards).
    -Noun matches Veeam's noun ('VBOProxy') or the short name's ('Proxy')."""

    listing_module = surface.MOD_VBO
    listing_filter: Any = None  # extra predicate on the name
    output_type = "CmdletInfo"
    default_parameter_set = "ByName"
    parameters = (
        Parameter("Name", type=str, position=0, parameter_sets=("ByName",),
                  help="Cmdlet name to find; wildcards allowed."),
        Parameter("Noun", type=str, parameter_sets=("ByVerbNoun",), help="Noun to find; wildcards allowed."),
        Parameter("Verb", type=str, parameter_sets=("ByVerbNoun",), help="Verb to find; wildcards allowed."),
    )

    def process_record(self) -> None:
        by_name = _wildcard(self.Name)
        by_noun = _wildcard(self.Noun)
        by_verb = _wildcard(self.Verb)
        extra = type(self).listing_filter

        def keep(name: str) -> bool:
            verb, _, noun = name.partition("-")
            if extra is not None and not extra(name):
                return False
            if by_name is not None and not by_name(name):
                return False
            # the noun as Veeam spells it ('VBOProxy') or as its short name does ('Proxy')
            if by_noun is not None and not (by_noun(noun) or (noun[:3].upper() == "VBO" and by_noun(noun[3:]))):
                return False
            return not (by_verb is not None and not by_verb(verb))

        for info in veeam_commands(type(self).listing_module, keep):
            self.write_object(info)


@register
class GetVBOCommand(_CommandListing):
    name = "Get-VBOCommand"
    short_name = False  # 'Get-Command' stays PowerShell's
    module = surface.MOD_VBO
    synopsis = "Lists the Veeam Backup for Microsoft 365 cmdlets and whether each is available in vboshell."
    description = ("Like Veeam's Get-VBOCommand. The Status property says whether a cmdlet is Available, "
                   "NotYetImplemented, NotSupportedInApiOnlyMode or NotApplicable, and Reason says why.")
    examples = (
        Example("Get-VBOCommand -Verb Get -Noun *Job*", "The Get cmdlets about jobs."),
        Example("Get-VBOCommand | Where-Object Status -eq 'Available'", "What works in this build."),
    )


@register
class GetVEXCommand(_CommandListing):
    name = "Get-VEXCommand"
    module = surface.MOD_VEX
    listing_module = surface.MOD_VEX
    synopsis = "Lists the Veeam Explorer for Exchange cmdlets (VEX and Exchange restore sessions)."
    examples = (Example("Get-VEXCommand -Verb Get", "The Get cmdlets of the Exchange explorer."),)


def _is_veod(name: str) -> bool:
    return "-veod" in name.lower()


@register
class GetVESPCommand(_CommandListing):
    name = "Get-VESPCommand"
    module = surface.MOD_VESP
    listing_module = surface.MOD_VESP
    listing_filter = staticmethod(lambda name: not _is_veod(name))
    synopsis = "Lists the Veeam Explorer for SharePoint cmdlets (VESP and SharePoint restore sessions)."
    examples = (Example("Get-VESPCommand -Noun *Document*", "The document cmdlets."),)


@register
class GetVEODCommand(_CommandListing):
    name = "Get-VEODCommand"
    module = surface.MOD_VESP
    listing_module = surface.MOD_VESP
    listing_filter = staticmethod(_is_veod)
    synopsis = "Lists the Veeam Explorer for OneDrive cmdlets (VEOD; vboshell addition)."
    examples = (Example("Get-VEODCommand", "Every OneDrive explorer cmdlet."),)


@register
class GetVETCommand(_CommandListing):
    name = "Get-VETCommand"
    module = surface.MOD_VET
    listing_module = surface.MOD_VET
    synopsis = "Lists the Veeam Explorer for Microsoft Teams cmdlets (VET and Teams restore sessions)."
    examples = (Example("Get-VETCommand -Verb Restore", "The Teams restore cmdlets."),)
