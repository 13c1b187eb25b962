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
    sandbox_context  a fresh shell session (ExecutionContext + BufferHost) with a session-wide VBOSHELL_HOME, for
                   cmdlet examples that call Start-VBOSandbox (tests/test_cmdlet_examples.py picks it up).
    Starting a sandbox costs ~0.1-0.5 s (RSA keys are reused per role within a process; see certs._key).

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
                          add_channel(team, name, migration=False) -> id;
                          add_channel_message(team, channel, html, reply_to=None) -> id; edit_channel_message;
                          delete_channel_message (soft delete); add_chat_message(chat, html); delete_chat_message;
                          add_user(alias, display_name, purpose="user", archive=False, drive=True) -> id;
                          delete_user(user) (soft delete, /users/delta reports it); add_hostile_items(user) ('..', 'a/b', 'CON', 400-char names...); expire_delta_tokens().
                          user refs: id, UPN or alias ('alice'); folder refs: id, well-known name or path 'Inbox/Projects';
                          drive refs: drive id or a user ref (their OneDrive); item refs: id or path 'Folder/file.txt'.
    sb.truth.<q>(**kw)    users(), groups(), mail_folders(user), messages(user, folder=None, with_mime=False),
                          message_mime(user, message_id), find_messages(user, subject_contains), contacts(user),
                          events(user), drive_id(owner), drives(), drive_items(drive, with_content=False),
                          file_content(drive, item), sites(), list_items(site, list), teams(),
                          channel_messages(team, channel), chats(user=None), summary().
                          Hidden objects (public folder / discovery mailboxes, dynamic distribution groups) appear here
                          with listedInGraph=False.
    sb.configure_faults(**knobs) / sb.reset_faults()      limits.FaultConfig
    sb.configure_throttle(**settings)                     limits.ThrottleConfig (time_scale=0.01: 10 min -> 6 s)
    sb.counters() / sb.reset_counters()                   requests, per_endpoint, throttled, faults, bytes_out, min_time_s …
    sb.expire_access_tokens(), sb.set_token_lifetime(s), sb.expire_delta_tokens(), sb.set_mailbox_rest_enabled(user, False)
    sb.set_mailbox_quota_exceeded(user) (403 ErrorQuotaExceeded on delta), sb.set_protected_api_approved(app, False)
    (403 "Invoked API requires Protected API access..." on Teams channel/chat message reads)
    sb.tenant (thread mode): the live model (vboshell.sandbox.model.Tenant)
    Sandbox(..., state_dir=DIR, reuse=True): keep certificates, app ids, secrets and the port across runs.
    sb.token(app=...), sb.graph_client(app=...), sb.httpx_client(): small conveniences for tests.

Spec format: see vboshell/sandbox/spec.py (DEFAULT_SPEC_YAML documents every key; `vboshell sandbox spec` prints it).
Named specs: default (8 users, ~300 messages, seconds to back up), tiny, medium (50 users), large (1,000 users x
1,000 messages, ~60 MB RSS: content is generated lazily from the seed, only changes are stored).

What the tenant serves (v1.0 and /beta; everything answers Graph's error body on failure)
----------------------------------------------------------------------------------------
    identity   /{tenant}/v2.0/.well-known/openid-configuration, /{tenant}/oauth2/v2.0/token (secret, RS256/PS256
               assertions with x5t / x5t#S256 / x5c), /{tenant}/discovery/v2.0/keys; AADSTS 7000215, 700016, 90002,
               700024, 700027, 700023, 7000218, 1002012, 50196 (identity_error_rate knob)
    directory  /organization, /users ($select/$top/$filter subset/$search/$count/paging, /users/delta), /users/{id},
               /mailboxSettings
               (userPurpose), /settings/exchange, /groups (+members/owners/transitiveMembers), /subscribedSkus
    mail       mailFolders (+childFolders, delta, create, delete; Recoverable Items/Deletions by well-known name),
               messages (list, delta per folder with @removed, $value MIME, attachments + POST fileAttachment +
               attachments/createUploadSession, create from MIME -> isDraft, JSON create, PATCH, DELETE -> Deleted
               Items -> Recoverable Items, move, copy), contacts (+delta), calendars/events (+calendarView/delta),
               the import/export API
               (/admin/exchange/mailboxes/{MBX}/folders[/delta], items/delta, exportItems, createImportSession):
               the only route to archive mailboxes
    files      /drives/{id}, /users|groups|sites/{id}/drive aliases, root:/path: addressing, children, root/delta
               (token=latest, deleted facet, resyncRequired 410), /content -> 302 pre-authenticated URL (Range ->
               206), PUT content, createUploadSession (320 KiB multiples, 416/409), folders, PATCH, DELETE
    sharepoint /sites?search=, /sites/getAllSites (incl. OneDrive personal sites), /sites/root, /sites/{host}:/{path},
               site drives, lists (+columns), list items ($expand=fields, delta, create, PATCH fields, DELETE)
    teams      /teams/{id}, channels/allChannels, filesFolder, messages (+replies, delta, getAllMessages);
               restores as Graph allows them app-only: POST channels with channelCreationMode "migration", post
               messages/replies (createdDateTime, from), completeMigration; posting elsewhere -> 403 "import
               purposes only"; /users/{id}/chats, /chats/{id}/messages (+getAllMessages)
    reports    getMailboxUsageDetail / getOneDriveUsageAccountDetail / getSharePointSiteUsageDetail -> 302 CSV
    batch      /$batch (<= 20, dependsOn -> 424, per-response status/headers, base64 bodies for non-JSON)
Item ids are stable across moves (as with Prefer: IdType="ImmutableId", which is accepted and otherwise ignored).
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
