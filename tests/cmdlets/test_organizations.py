"""Organization cmdlets through the shell (ExecutionContext.invoke) against the sandbox tenant over HTTPS:
adding organizations (secret, PFX, PEM), identity and permission errors, listings, API-only errors, secret masking."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from vboshell.runtime.errors import PSRuntimeError

CONNECT = (
    "$settings = New-VBOOffice365ApplicationOnlyConnectionSettings -TenantId $tenant -ApplicationId $app "
    "{cred} -Region Custom -AuthorityHost $authority -GraphEndpoint $graph -CertificateAuthorityPath $ca\n"
)
SECRET = "-ApplicationSecret (ConvertTo-SecureString $secret -AsPlainText -Force)"
PFX = "-ApplicationCertificatePath $pfx -ApplicationCertificatePassword (ConvertTo-SecureString $pfxpw -AsPlainText -Force)"
PEM = "-ApplicationCertificatePath $pem"
ADD = "$org = Add-VBOOrganization -Office365ExchangeConnectionsSettings $settings -Office365SharePointConnectionsSettings $settings"


@pytest.fixture
def shell(sandbox: Any, tmp_path, monkeypatch) -> Iterator[Any]:
    from vboshell.runtime.context import BufferHost, ExecutionContext

    monkeypatch.setenv("VBOSHELL_HOME", str(tmp_path / "home"))
    ctx = ExecutionContext(BufferHost())
    values = dict(tenant=sandbox.tenant_id, app=sandbox.client_id, secret=sandbox.client_secret,
                  authority=sandbox.authority_host, graph=sandbox.graph_endpoint, ca=sandbox.ca_bundle_path,
                  pfx=sandbox.certificate_path, pfxpw=sandbox.certificate_password, pem=sandbox.certificate_pem_path)
    for k, v in values.items():
        ctx.set_variable(k, v)
    ctx.sandbox = sandbox
    yield ctx
    from vboshell.graph.sync import close_all

    close_all()  # shared Graph clients keep connections to the session's sandbox open otherwise


def run(ctx: Any, script: str) -> list[Any]:
    return ctx.invoke(script, raise_errors=True)


def error_of(ctx: Any, script: str) -> Any:
    with pytest.raises(PSRuntimeError) as ei:
        ctx.invoke(script, raise_errors=True)
    return ei.value.error_record


def connect(ctx: Any, cred: str = SECRET, app: str | None = None) -> Any:
    if app is not None:
        a = ctx.sandbox.app_info(app)
        ctx.set_variable("app", a.client_id)
        ctx.set_variable("secret", a.client_secret)
    return run(ctx, CONNECT.format(cred=cred) + ADD + "\n$org")[0]


@pytest.mark.parametrize("cred", [SECRET, PFX, PEM], ids=["secret", "pfx", "pem"])
def test_add_organization(shell: Any, cred: str) -> None:
    org = connect(shell, cred)
    assert org.Name == "contoso.onmicrosoft.com" and org.TenantId == shell.sandbox.tenant_id
    assert org.IsExchange and org.IsSharePoint and org.IsTeams and not org.IsTeamsChats
    got = run(shell, "Get-VBOOrganization -Name 'contoso*'")
    assert [o.Name for o in got] == ["contoso.onmicrosoft.com"]
    again = run(shell, f"(Get-VBOOrganization -Id '{org.Id}').Office365ExchangeConnectionSettings.CredentialType")
    assert again == [{SECRET: "ApplicationSecret", PFX: "CertificateFile", PEM: "CertificateFile"}[cred]]
    # the reloaded organization still connects (secrets decrypted from the catalogue)
    assert run(shell, "(Get-VBOOrganization | Get-VBOOrganizationTeam).Count") == [2]


def test_secrets_never_in_clear(shell: Any, tmp_path) -> None:
    connect(shell)
    secret = shell.sandbox.client_secret
    texts = run(shell, "$settings | Format-List * | Out-String; $settings | ConvertTo-Json; "
                       "Get-VBOOrganization | ConvertTo-Json -Depth 4; $org | Format-List * | Out-String")
    joined = "\n".join(str(t) for t in texts)
    assert "********" in joined and secret not in joined
    db = b"".join(p.read_bytes() for p in (tmp_path / "home").glob("catalog.db*"))
    from vboshell.store.secrets import TOKEN_PREFIX

    assert secret.encode() not in db and TOKEN_PREFIX.encode() in db
    assert secret not in shell.host.text


def test_wrong_secret(shell: Any) -> None:
    shell.set_variable("secret", "definitely-wrong")
    rec = error_of(shell, CONNECT.format(cred=SECRET) + ADD)
    assert "AADSTS7000215" in rec.message and "secret is wrong" in rec.message
    assert rec.category.value == "AuthenticationError" and rec.extra["AADSTS"] == "7000215"


def test_unknown_tenant(shell: Any) -> None:
    shell.set_variable("tenant", "nosuchtenant.onmicrosoft.com")
    rec = error_of(shell, CONNECT.format(cred=SECRET) + ADD)
    assert "AADSTS90002" in rec.message and "nosuchtenant.onmicrosoft.com" in rec.message


def test_missing_permissions(shell: Any) -> None:
    # an app without mail permissions: Exchange is disabled with a warning that names them
    org = connect(shell, app="vboshell-sandbox-nomail")
    assert not org.IsExchange and org.IsSharePoint
    assert any("Mail.Read" in m for m in org.MissingPermissions)
    assert "Mail.Read" in shell.host.text or "Mail.Read" in getattr(shell.host, "error_text", "")
    # asking for a service explicitly is an error that names the missing permission
    run(shell, "Remove-VBOOrganization -Organization $org -Confirm:$false")
    rec = error_of(shell, CONNECT.format(cred=SECRET) + ADD + " -EnableOffice365Exchange")
    assert rec.error_id == "MissingApplicationPermission" and "Mail.Read" in rec.message
    assert rec.category.value == "PermissionDenied"


def test_listings_with_paging(shell: Any, monkeypatch) -> None:
    import vboshell.graph.directory as d

    monkeypatch.setattr(d, "PAGE_SIZE", 2)
    connect(shell)
    sb = shell.sandbox
    sb.reset_counters()
    users = run(shell, "Get-VBOOrganizationUser -Organization $org")
    groups = run(shell, "Get-VBOOrganizationGroup -Organization $org")
    sites = run(shell, "Get-VBOOrganizationSite -Organization $org")
    teams = run(shell, "Get-VBOOrganizationTeam -Organization $org")
    per = sb.counters()["per_endpoint"]
    assert per.get("GET /users", 0) >= 5 and per.get("GET /groups", 0) >= 4
    assert per.get("GET /sites/getAllSites", 0) >= 3
    truth = sb.truth.users()
    listed = [u for u in truth if u.get("listedInGraph", True)]
    assert len(users) == len(listed) and len({u.OfficeId for u in users}) == len(users)
    assert {g.Type for g in groups} == {"Office", "Security", "Distribution"}
    assert len(sites) >= 3 and not any(s.IsPersonal for s in sites)
    assert sorted(t.DisplayName for t in teams) == sorted(t["displayName"] for t in sb.truth.teams())
    personal = run(shell, "Get-VBOOrganizationSite -Organization $org -IncludePersonalSite | Where-Object IsPersonal")
    assert personal and all("/personal/" in s.URL for s in personal)
    members = run(shell, "Get-VBOOrganizationGroup -Organization $org -Type Office365 -Limit 1 | "
                         "Get-VBOOrganizationGroupMember")
    assert members and all(m.Type in ("User", "Group") for m in members)


def test_user_types_and_filters(shell: Any) -> None:
    connect(shell)
    shared = run(shell, "Get-VBOOrganizationUser -Organization $org -Type Shared")
    assert [u.Type for u in shared] == ["SharedMailbox"] and shared[0].UserName.startswith("info@")
    rooms = run(shell, "Get-VBOOrganizationUser -Organization $org -Type Room")
    assert [u.Type for u in rooms] == ["RoomMailbox"]
    assert len(run(shell, "Get-VBOOrganizationUser -Organization $org -Limit 3")) == 3
    alice = run(shell, "Get-VBOOrganizationUser -Organization $org -UserName 'alice@*'")
    assert [u.DisplayName for u in alice] == ["Alice Brown"]
    exact = run(shell, "Get-VBOOrganizationUser -Organization $org -UserName 'bob@contoso.onmicrosoft.com'")
    assert [u.DisplayName for u in exact] == ["Bob Garcia"]
    default_view = run(shell, "Get-VBOOrganizationUser -Organization $org -Type Shared | Out-String")[0]
    assert "SharedMailbox" in default_view and "UserName" in default_view


API_ONLY_CASES = [
    ("Measure-VBOOrganizationFullBackupSize -Organization $org -Mailbox -ArchiveMailbox -OneDrive -Site -PersonalSite",
     "Get-VBOOrganizationUsageEstimate"),
    ("New-VBOOffice365ConnectionSettings -Credential 'admin@contoso.com'", "Entra ID application alone"),
    ("New-VBOOffice365ConnectionSettings -AppCredential 'admin@contoso.com' -ApplicationId $app", "Legacy connection"),
    ("Add-VBOOrganization -Office365Credential 'admin@contoso.com'", "Legacy connection"),
    ("Add-VBOOrganization -Office365ExchangeConnectionsSettings $settings -UseLegacyAuthentication", "Legacy connection"),
    ("Get-VBOOrganizationGroup -Organization $org -Type DynamicDistribution", "Dynamic distribution groups"),
    ("Get-VBOOrganizationGroup -Organization $org -Type Dynamic", "Dynamic distribution groups"),
    ("Get-VBOOrganizationUser -Organization $org -Type PublicMailbox", "Public Folder mailboxes"),
    ("Get-VBOOrganizationUser -Organization $org -Name 'DiscoverySearchMailbox{D919BA05-46A6-415f-80AD-7E09334BB852}'",
     "Discovery Search mailboxes"),
    ("Get-VBOOrganizationUser -Organization $org -DisplayName 'Public Folder Mailbox'", "Public Folder mailboxes"),
    ("Get-VBOOrganizationUser -Organization $org -UserName 'pfmailbox1@contoso.onmicrosoft.com'",
     "Public Folder mailboxes"),
    ("Get-VBOOrganizationUser -Organization $org -DisplayName 'Discovery Search Mailbox'", "Discovery Search"),
    ("Add-VBOOrganization -Office365ExchangeConnectionsSettings $settings -VeeamAADApplicationUsed", "user account"),
]


def test_api_only_errors(shell: Any) -> None:
    connect(shell)
    for script, text in API_ONLY_CASES:
        rec = error_of(shell, script)
        assert rec.error_id == "ApiOnlyModeNotSupported", script
        assert rec.category.value == "NotImplemented", script
        assert "not supported in API-only mode" in rec.message and text in rec.message, (script, rec.message)
    # short names resolve to the same cmdlets
    rec = error_of(shell, "Measure-OrganizationFullBackupSize -Organization $org")
    assert rec.error_id == "ApiOnlyModeNotSupported"


def test_set_and_remove(shell: Any) -> None:
    org = connect(shell, app="vboshell-sandbox-nomail")
    run(shell, "Set-VBOOrganization -Organization $org -Name renamed -WhatIf")
    assert run(shell, "(Get-VBOOrganization).Name") == [org.Name]
    out = run(shell, "Set-VBOOrganization -Organization $org -Description 'HQ' -EnableOffice365Teams:$false")
    assert out[0].Description == "HQ" and not out[0].IsTeams
    again = run(shell, "Get-VBOOrganization")[0]
    assert again.Description == "HQ" and not again.IsTeams
    rec = error_of(shell, "Set-VBOOrganization -Organization $org -EnableOffice365Exchange")
    assert rec.error_id == "MissingApplicationPermission" and "Mail.Read" in rec.message
    run(shell, "Get-VBOOrganization | Remove-VBOOrganization -Confirm:$false")
    assert run(shell, "Get-VBOOrganization") == []


def test_duplicate_and_usage_estimate(shell: Any) -> None:
    connect(shell)
    rec = error_of(shell, ADD)
    assert rec.error_id == "OrganizationExists"
    rows = run(shell, "Get-VBOOrganizationUsageEstimate -Organization $org")
    assert [r.Service for r in rows] == ["Exchange", "OneDrive", "SharePoint", "Total"]
    assert rows[-1].StorageUsed == sum(r.StorageUsed for r in rows[:-1]) > 0


def test_settings_validation(shell: Any) -> None:
    rec = error_of(shell, "New-VBOOffice365ApplicationOnlyConnectionSettings -TenantId $tenant -ApplicationId 'nope' "
                          "-ApplicationSecret (ConvertTo-SecureString 'x' -AsPlainText -Force)")
    assert rec.error_id == "InvalidApplicationId"
    rec = error_of(shell, "New-VBOOffice365ApplicationOnlyConnectionSettings -TenantId $tenant -ApplicationId $app")
    assert rec.error_id == "CredentialRequired"
    rec = error_of(shell, "New-VBOOffice365ApplicationOnlyConnectionSettings -TenantId $tenant -ApplicationId $app "
                          "-ApplicationCertificatePath $pfx -ApplicationCertificatePassword "
                          "(ConvertTo-SecureString 'wrong' -AsPlainText -Force)")
    assert "password" in rec.message
    s = run(shell, "New-VBOOffice365ApplicationOnlyConnectionSettings -OfficeOrganizationName contoso.onmicrosoft.com "
                   f"-ApplicationId $app {PFX} -Region USGovGCCHigh")[0]
    assert s.Region == "USGovGCCHigh" and s.ApplicationCertificateThumbprint == shell.sandbox.certificate_thumbprint
    assert s.ApplicationCertificatePassword == "********"
    s2 = run(shell, "$s = New-VBOOffice365ApplicationOnlyConnectionSettings -TenantId $tenant -ApplicationId $app "
                    f"{SECRET}; Set-VBOOffice365ApplicationOnlyConnectionSettings -Settings $s -Region China")[0]
    assert s2.Region == "China" and s2.ApplicationSecret == "********"


def test_not_in_job(shell: Any) -> None:
    from vboshell.store.catalog import catalog_for
    from vboshell.store.records import JobRecord

    org = connect(shell)
    alice = run(shell, "Get-VBOOrganizationUser -Organization $org -UserName 'alice@*'")[0]
    everyone = run(shell, "Get-VBOOrganizationUser -Organization $org")
    catalog_for(shell).add_job(JobRecord(name="j1", organization_id=str(org.Id), repository_id="r1",
                                         selected_items=[{"Type": "User", "User": {"OfficeId": alice.OfficeId}}]))
    rest = run(shell, "Get-VBOOrganizationUser -Organization $org -NotInJob")
    assert len(rest) == len(everyone) - 1 and alice.OfficeId not in {u.OfficeId for u in rest}
    rec = error_of(shell, "Remove-VBOOrganization -Organization $org -Confirm:$false")
    assert rec.error_id == "OrganizationInUse" and "j1" in rec.message


def test_change_credential_and_thumbprint(shell: Any, tmp_path) -> None:
    import shutil

    org = connect(shell)
    # switch the organization from its secret to the PFX certificate
    run(shell, CONNECT.format(cred=PFX).replace("$settings", "$new")
        + "Set-VBOOrganization -Organization $org -Office365ExchangeConnectionsSettings $new "
          "-Office365SharePointConnectionsSettings $new")
    again = run(shell, "Get-VBOOrganization")[0]
    assert again.Id == org.Id and again.Office365ExchangeConnectionSettings.CredentialType == "CertificateFile"
    assert run(shell, "(Get-VBOOrganization | Get-VBOOrganizationTeam).Count") == [2]
    # a certificate found by thumbprint in VBOSHELL_HOME/certificates
    certs = tmp_path / "home" / "certificates"
    certs.mkdir(parents=True, exist_ok=True)
    shutil.copy(shell.sandbox.certificate_pem_path, certs / "backup-app.pem")
    shell.set_variable("thumb", shell.sandbox.certificate_thumbprint)
    s = run(shell, CONNECT.format(cred="-ApplicationCertificateThumbprint $thumb") + "$settings")[0]
    assert s.CredentialType == "CertificateThumbprint"
    out = run(shell, "Set-VBOOrganization -Organization $org -Office365ExchangeConnectionsSettings $settings "
                     "-Office365SharePointConnectionsSettings $settings")
    assert out[0].Office365ExchangeConnectionSettings.ApplicationCertificateThumbprint == s.ApplicationCertificateThumbprint
    rec = error_of(shell, CONNECT.format(cred="-ApplicationCertificateThumbprint 'AB12'"))
    assert "No certificate with thumbprint AB12" in rec.message


def test_missing_directory_permission(tmp_path, monkeypatch) -> None:
    """An app without directory read permissions cannot be added: the error names what to grant."""
    from vboshell.runtime.context import BufferHost, ExecutionContext
    from vboshell.sandbox import Sandbox

    monkeypatch.setenv("VBOSHELL_HOME", str(tmp_path / "home"))
    sb = Sandbox({"users": {"count": 2}}, seed=5,
                 extra_apps=[{"name": "mail-only", "roles": ["Mail.Read", "MailboxSettings.Read"]}]).start()
    try:
        a = sb.app_info("mail-only")
        ctx = ExecutionContext(BufferHost())
        for k, v in dict(tenant=sb.tenant_id, app=a.client_id, secret=a.client_secret, authority=sb.authority_host,
                         graph=sb.graph_endpoint, ca=sb.ca_bundle_path).items():
            ctx.set_variable(k, v)
        rec = error_of(ctx, CONNECT.format(cred=SECRET) + ADD)
        assert rec.error_id == "MissingApplicationPermission" and rec.category.value == "PermissionDenied"
        assert "Organization.Read.All" in rec.message and "User.Read.All" in rec.message
        assert "Group.Read.All" in rec.message and "admin consent" in rec.message
        assert run(ctx, "Get-VBOOrganization") == []
    finally:
        from vboshell.graph.sync import close_all

        close_all()
        sb.stop()
