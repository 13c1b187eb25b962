"""Start-VBOSandbox / Stop-VBOSandbox: the built-in demo tenant (Graph + Entra ID emulator) inside the shell.
The returned object carries everything New-VBOOffice365ApplicationOnlyConnectionSettings needs to connect it."""

from __future__ import annotations

import atexit
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vboshell.commands.base import Cmdlet, Example, Parameter, Switch
from vboshell.commands.registry import register
from vboshell.runtime.errors import CmdletError, ErrorCategory
from vboshell.runtime.psobject import TypeView, ps_type

MODULE = "Veeam.Archiver.PowerShell"

_lock = threading.Lock()
_running: dict[str, Any] = {}  # key (spec/seed/port) -> Sandbox handle


def _secure(text: str) -> Any:
    from vboshell.runtime.securestring import SecureString
    return SecureString(text)


@ps_type("VBOShell.Sandbox.VBOSandbox",
         view=TypeView(list=("TenantId", "TenantName", "ApplicationId", "ApplicationSecret", "CertificatePath",
                             "CertificatePassword", "AuthorityHost", "GraphEndpoint", "CertificateAuthorityPath")))
@dataclass
class VBOSandbox:
    """A running sandbox tenant and its connection values (secrets as SecureString)."""

    TenantId: str
    TenantName: str
    OrganizationName: str
    ApplicationId: str
    ApplicationSecret: Any
    CertificatePath: str
    CertificatePassword: Any
    CertificatePemPath: str
    CertificateThumbprint: str
    AuthorityHost: str
    GraphEndpoint: str
    CertificateAuthorityPath: str
    Spec: str
    Seed: int
    _handle: Any = field(default=None, repr=False)

    # Methods callable from scripts: $sb.DeleteMessage('alice', 'Invoice')
    def DeleteMessage(self, user: str, subject_contains: str) -> int:  # noqa: N802
        """Deletes the user's messages whose subject contains the text (the quickstart's 'accident'); returns the count."""
        sb = self._handle
        hits = sb.truth.find_messages(user=user, subject_contains=subject_contains)
        for m in hits:
            sb.mutate.delete_message(user=user, message_id=m["id"])
        return len(hits)

    def FindMessage(self, user: str, subject_contains: str) -> list[str]:  # noqa: N802
        return [m["subject"] for m in self._handle.truth.find_messages(user=user, subject_contains=subject_contains)]

    def AddMessage(self, user: str, folder: str, subject: str) -> str:  # noqa: N802
        return str(self._handle.mutate.add_message(user=user, folder=folder, subject=subject))

    def DeleteFile(self, user: str, path: str) -> None:  # noqa: N802
        sb = self._handle
        sb.mutate.delete_drive_item(drive=sb.truth.drive_id(user), item=path)

    def Counters(self) -> dict[str, Any]:  # noqa: N802
        return dict(self._handle.counters())

    def Summary(self) -> dict[str, int]:  # noqa: N802
        return dict(self._handle.truth.summary())

    @property
    def IsRunning(self) -> bool:  # noqa: N802
        return bool(self._handle is not None and self._handle.running)


def _state_dir(spec: str, seed: int) -> str:
    try:
        from vboshell.store.secrets import vboshell_home
        home = Path(vboshell_home())
    except Exception:  # noqa: BLE001 - fall back to platformdirs if the store is unavailable
        import platformdirs
        home = Path(platformdirs.user_data_dir("vboshell"))
    d = home / "sandbox" / f"{Path(spec).stem if spec else 'default'}-{seed}"
    for p in (d.parent, d):  # the tenant's secrets and keys live here: owner only
        p.mkdir(mode=0o700, exist_ok=True)
    return str(d)


def _to_object(sb: Any, spec: str, seed: int) -> VBOSandbox:
    return VBOSandbox(TenantId=sb.tenant_id, TenantName=sb.tenant_name, OrganizationName=sb.tenant_name,
                      ApplicationId=sb.client_id, ApplicationSecret=_secure(sb.client_secret),
                      CertificatePath=sb.certificate_path, CertificatePassword=_secure(sb.certificate_password),
                      CertificatePemPath=sb.certificate_pem_path, CertificateThumbprint=sb.certificate_thumbprint,
                      AuthorityHost=sb.authority_host, GraphEndpoint=sb.graph_endpoint,
                      CertificateAuthorityPath=sb.ca_bundle_path, Spec=spec or "default", Seed=seed, _handle=sb)


def start_sandbox(spec: str | None = None, seed: int | None = None, port: int = 0, new: bool = False) -> VBOSandbox:
    """The engine-level call behind Start-VBOSandbox: reuse a running sandbox with the same spec/seed or start one."""
    from vboshell.sandbox.server import Sandbox
    from vboshell.sandbox.spec import load_spec
    spec_s = spec or "default"
    seed_v = int(seed if seed is not None else load_spec(spec).get("seed", 42))
    key = f"{spec_s}|{seed_v}|{port}"
    with _lock:
        sb = _running.get(key)
        if sb is not None and sb.running and not new:
            _running[key] = _running.pop(key)  # the most recently asked-for sandbox is the current one
            return _to_object(sb, spec_s, seed_v)
        if sb is not None:
            sb.stop()
        sb = Sandbox(spec, seed=seed_v, port=port, state_dir=_state_dir(spec_s, seed_v), reuse=True).start()
        _running[key] = sb
        return _to_object(sb, spec_s, seed_v)


def running_sandboxes() -> list[Any]:
    """The sandbox handles running in this shell, oldest first."""
    with _lock:
        return [sb for sb in _running.values() if sb.running]


def current_sandbox() -> Any | None:
    """The most recently started sandbox still running in this shell (None if none): what cmdlets that act on
    'the sandbox' without -Sandbox should use."""
    with _lock:
        for sb in reversed(list(_running.values())):
            if sb.running:
                return sb
    return None


def stop_sandboxes(target: VBOSandbox | None = None) -> int:
    with _lock:
        n = 0
        for key, sb in list(_running.items()):
            if target is None or sb is target._handle:
                sb.stop()
                del _running[key]
                n += 1
        return n


atexit.register(stop_sandboxes)


@register
class StartVBOSandbox(Cmdlet):
    name = "Start-VBOSandbox"
    module = MODULE
    short_name = "Start-Sandbox"
    output_type = "VBOSandbox"
    synopsis = "Starts the built-in sandbox tenant: a local Microsoft Graph + Entra ID emulator with a demo organization."
    description = (
        "Starts (or returns the already running) sandbox tenant in this shell: HTTPS on 127.0.0.1 with its own CA, an "
        "app registration with a client secret and a certificate, and a generated demo organization (users with "
        "mailboxes, OneDrive, SharePoint sites, Teams). The returned object holds the values to connect it with "
        "New-VBOOffice365ApplicationOnlyConnectionSettings (-Region Custom with -AuthorityHost, -GraphEndpoint and "
        "-CertificateAuthorityPath). Certificates and secrets are kept under VBOSHELL_HOME/sandbox so a saved "
        "organization keeps working in later sessions."
    )
    parameters = [
        Parameter("Spec", str, position=0, is_path=True,
                  help="A spec YAML file or a built-in spec name: default, tiny, medium, large."),
        Parameter("Seed", int, help="The content seed (default: the spec's, 42)."),
        Parameter("Port", int, validate_range=(0, 65535), help="TCP port on 127.0.0.1 (default: the last one, or free)."),
        Parameter("New", Switch, help="Restart it even if one with the same spec and seed is running."),
    ]
    examples = [
        Example("$sb = Start-VBOSandbox\n$sb.TenantName", "Starts the sandbox and shows its tenant name.",
                expect="contoso.onmicrosoft.com", needs_sandbox=True),
        Example("$sb = Start-VBOSandbox\n$sb.DeleteMessage('alice', 'Invoice')",
                "Deletes the invoice from Alice's mailbox (the quickstart's accident to restore).", needs_sandbox=True),
    ]
    related = ("Stop-VBOSandbox", "New-VBOOffice365ApplicationOnlyConnectionSettings", "Add-VBOOrganization")
    notes = "The sandbox is only an endpoint: vboshell's engine talks to it exactly as to Microsoft 365."

    def process_record(self) -> None:
        spec = self.Spec
        if spec is not None:
            from vboshell.sandbox.spec import NAMED_SPECS
            if spec not in NAMED_SPECS and not Path(spec).exists():
                raise CmdletError(f"Cannot find the sandbox spec '{spec}': give a YAML file or one of "
                                  f"{', '.join(NAMED_SPECS)}.", "SandboxSpecNotFound", ErrorCategory.ObjectNotFound,
                                  target=spec)
            if spec not in NAMED_SPECS:
                spec = str(Path(spec).resolve())
        try:
            obj = start_sandbox(spec, self.Seed, int(self.Port or 0), bool(self.New))
        except (OSError, RuntimeError, ValueError) as e:
            raise CmdletError(f"The sandbox tenant could not start: {e}", "SandboxStartFailed",
                              ErrorCategory.ResourceUnavailable) from None
        self.write_object(obj)


@register
class StopVBOSandbox(Cmdlet):
    name = "Stop-VBOSandbox"
    module = MODULE
    short_name = "Stop-Sandbox"
    synopsis = "Stops the sandbox tenant started with Start-VBOSandbox."
    description = "Stops the given sandbox (-Sandbox or from the pipeline) or, without one, every sandbox of this shell."
    parameters = [
        Parameter("Sandbox", VBOSandbox, position=0, value_from_pipeline=True, help="The sandbox to stop."),
    ]
    examples = [Example("Start-VBOSandbox | Stop-VBOSandbox", "Starts and stops the sandbox.", needs_sandbox=True)]
    related = ("Start-VBOSandbox",)

    def process_record(self) -> None:
        stop_sandboxes(self.Sandbox)
