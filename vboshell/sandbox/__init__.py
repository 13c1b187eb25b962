"""The sandbox tenant: a wire-faithful Microsoft Graph + Entra ID emulator on loopback HTTPS with a demo organization.
Used by the quickstart, the tests (the `sandbox` pytest fixture) and the benchmarks; the engine never knows it is there.

Starting it
-----------
    from vboshell.sandbox import Sandbox
    with Sandbox("default", seed=42) as sb:          # spec: None/'default'/'tiny'/'medium'/'large', a YAML path or a dict
        ...                                            # sb.start(mode="process") runs it in its own process instead

    vboshell sandbox serve [--spec FILE] [--port N] [--seed N]      (vboshell/sandbox/cli.py, foreground until Ctrl+C)
    Start-VBOSandbox / Stop-VBOSandbox                               (vboshell/cmdlets/sandbox.py)

Pytest fixtures (tests/conftest.py)
-----------------------------------
    sandbox        session-scoped (one per xdist worker), default spec with small sizes, thread mode. Shared: do not leave
                   faults/throttle settings behind (the fixture resets them after each test that uses it).
    fresh_sandbox  function-scoped, its own tenant (use it when a test mutates content or needs pristine counters).

Connection values on the handle (what an organization's connection settings need)
----------------------------------------------------------------------------------
    sb.tenant_id, sb.tenant_name ('contoso.onmicrosoft.com'), sb.client_id, sb.client_secret
    sb.certificate_path (PFX), sb.certificate_password, sb.certificate_pem_path (key+cert PEM),
    sb.certificate_key_path, sb.certificate_cert_path, sb.certificate_thumbprint (SHA-1 hex)
    sb.authority_host == sb.graph_endpoint == 'https://127.0.0.1:PORT'; sb.authority = authority_host + '/' + tenant_id
    sb.graph_url = graph_endpoint + '/v1.0'; sb.ca_bundle_path (PEM of the sandbox CA); sb.ssl_context()
    sb.apps / sb.app_info(name): AppInfo(name, client_id, client_secret, roles, certificate_*). Registered apps:
      'vboshell-sandbox' (all permissions), 'vboshell-sandbox-nosites' (no Sites.*/Files.*),
      'vboshell-sandbox-nomail' (no Mail*/Contacts/Calendars); Sandbox(extra_apps=[{"name":..., "roles":[...]}]) adds more.
    msal: ConfidentialClientApplication(client_id, authority=sb.authority, client_credential=...,
          instance_discovery=False, http_client=vboshell.sandbox.testing.MsalHttpxClient(sb.ca_bundle_path))

Test APIs on the handle (thread mode calls Python directly; process mode goes through /_sandbox/ admin HTTP)
-----------------------------------------------------------------------------------------------------------
    sb.mutate.<op>(**kw)  add_message(user, folder='inbox', subject=, mime=, body=, sender=, is_read=, is_draft=,
                          attachments=, mailbox='primary'|'archive') -> id; update_message(user, message_id, subject=/isRead=/
                          body=/mime=); move_message(user, message_id, folder); delete_message(user, message_id);
                          add_mail_folder(user, name, parent='msgfolderroot') -> id; rename_mail_folder; move_mail_folder;
                          delete_mail_folder; add_contact/update_contact/delete_contact; add_event/update_event/
                          delete_event; add_file(drive, parent, name, data) -> id; add_drive_folder(drive, parent, name);
                          update_file(drive, item, data); rename_drive_item; move_drive_item(drive, item, new_parent);
                          delete_drive_item; add_list_item(site, list, fields) -> id; update_list_item; delete_list_item;
                          add_channel_message(team, channel, html, reply_to=None) -> id; edit_channel_message;
                          delete_channel_message (soft delete); expire_delta_tokens().
                          user refs: id, UPN or alias ('alice'); folder refs: id, well-known name or path 'Inbox/Projects';
                          drive refs: drive id or a user ref (their OneDrive); item refs: id or path 'Folder/file.txt'.
    sb.truth.<q>(**kw)    users(), groups(), mail_folders(user), messages(user, folder=None, with_mime=False),
                          message_mime(user, message_id), find_messages(user, subject_contains), contacts(user),
                          events(user), drive_id(owner), drives(), drive_items(drive, with_content=False),
                          file_content(drive, item), sites(), list_items(site, list), teams(),
                          channel_messages(team, channel), summary().
                          Hidden objects (public folder / discovery mailboxes, dynamic distribution groups) appear here
                          with listedInGraph=False.
    sb.configure_faults(**knobs) / sb.reset_faults()      limits.FaultConfig
    sb.configure_throttle(**settings)                     limits.ThrottleConfig (time_scale=0.01: 10 min -> 6 s)
    sb.counters() / sb.reset_counters()                   requests, per_endpoint, throttled, faults, bytes_out, min_time_s …
    sb.expire_access_tokens(), sb.set_token_lifetime(s), sb.expire_delta_tokens(), sb.set_mailbox_rest_enabled(user, False)
    sb.tenant (thread mode): the live model (vboshell.sandbox.model.Tenant)
    sb.token(app=...), sb.graph_client(app=...), sb.httpx_client(): small conveniences for tests.

Spec format: see vboshell/sandbox/spec.py (DEFAULT_SPEC_YAML documents every key).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vboshell.sandbox.server import Sandbox

__all__ = ["Sandbox"]


def __getattr__(name: str) -> Any:
    if name == "Sandbox":
        from vboshell.sandbox.server import Sandbox
        return Sandbox
    raise AttributeError(name)
