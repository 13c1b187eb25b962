"""Remove-VBOSandboxItem: simulates a user's accident (a deleted message or OneDrive file) in the built-in sandbox tenant.
Used by examples/quickstart.ps1 to have something to restore; it acts only on a sandbox started in this shell."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vboshell.commands.base import Cmdlet, Example, Parameter
from vboshell.commands.registry import register
from vboshell.runtime.errors import CmdletError, ErrorCategory
from vboshell.runtime.psobject import TypeView, ps_type

from vboshell.cmdlets.sandbox import MODULE, VBOSandbox  # isort: skip


@ps_type("VBOShell.Sandbox.VBOSandboxRemovedItem", view=TypeView(table=("User", "Type", "Name", "Folder")))
@dataclass
class VBOSandboxRemovedItem:
    """One item deleted in the sandbox tenant by Remove-VBOSandboxItem."""

    User: str
    Type: str  # 'Message' | 'File'
    Name: str
    Folder: str
    Id: str


def _running_sandbox(given: VBOSandbox | None) -> Any:
    """The in-process sandbox handle to act on: the given one, or the one most recently started in this shell."""
    from vboshell.cmdlets.sandbox import current_sandbox
    if given is not None:
        if not given.IsRunning:
            raise CmdletError("The sandbox given with -Sandbox is not running. Start it with Start-VBOSandbox.",
                              "SandboxNotRunning", ErrorCategory.ResourceUnavailable, target=given.TenantName)
        return given._handle
    handle = current_sandbox()
    if handle is None:
        raise CmdletError("No sandbox tenant is running in this shell. Start one with Start-VBOSandbox (this cmdlet "
                          "only ever changes the built-in sandbox, never a real tenant).", "SandboxNotRunning",
                          ErrorCategory.ResourceUnavailable)
    return handle


@register
class RemoveVBOSandboxItem(Cmdlet):
    name = "Remove-VBOSandboxItem"
    module = MODULE
    short_name = "Remove-SandboxItem"
    output_type = "VBOSandboxRemovedItem"
    supports_should_process = True
    confirm_impact = "Low"
    default_parameter_set = "Message"
    synopsis = "Deletes messages or a OneDrive file in the built-in sandbox tenant, as a user's accident to restore."
    description = (
        "Changes the content of the sandbox tenant started with Start-VBOSandbox, the way a user would: -Subject "
        "deletes the user's messages whose subject contains the text (from any folder of the primary mailbox), -Path "
        "deletes a file or folder of the user's OneDrive (a path such as 'Documents/Budget.xlsx'). The deleted items are "
        "returned. It acts only on a sandbox running in this shell (-Sandbox, or the one most recently started) and "
        "has no way to reach a real tenant; it exists so that the quickstart and demos have something to restore."
    )
    parameters = [
        Parameter("Sandbox", VBOSandbox, value_from_pipeline=True,
                  help="The sandbox (Start-VBOSandbox); default: the one most recently started in this shell."),
        Parameter("User", str, mandatory=True, position=0, validate_not_null_or_empty=True,
                  help="The user: alias (alice), user principal name or id."),
        Parameter("Subject", str, mandatory=True, parameter_sets=("Message",), validate_not_null_or_empty=True,
                  help="Delete the messages whose subject contains this text (case-insensitive)."),
        Parameter("Path", str, mandatory=True, parameter_sets=("File",), validate_not_null_or_empty=True,
                  help="Delete this file or folder of the user's OneDrive (path from the drive root)."),
    ]
    examples = [
        Example("$sb = Start-VBOSandbox\nRemove-VBOSandboxItem -Sandbox $sb -User alice -Subject 'Invoice' -WhatIf",
                "Shows which of Alice's messages the quickstart's accident would delete, without deleting them.",
                expect="What if:", needs_sandbox=True),
        Example("Remove-VBOSandboxItem -User alice -Subject 'Lunch menu (example)'",
                "Deletes the message added just before (the setup adds it with $sb.AddMessage).",
                setup="$sb = Start-VBOSandbox\n$null = $sb.AddMessage('alice', 'Inbox', 'Lunch menu (example)')",
                expect="Lunch menu (example)", needs_sandbox=True),
    ]
    related = ("Start-VBOSandbox", "Get-VEXItem", "Restore-VEXItem", "Restore-VEODDocument")
    notes = "Only the built-in sandbox tenant can be changed; for a real tenant use Outlook or OneDrive."

    def process_record(self) -> None:
        sb = _running_sandbox(self.Sandbox)
        try:
            if self.parameter_set_name == "File":
                self._remove_file(sb)
            else:
                self._remove_messages(sb)
        except CmdletError:
            raise
        except Exception as e:  # noqa: BLE001 - the sandbox's own errors (unknown user, path) become an ErrorRecord
            raise CmdletError(f"The sandbox could not delete the item: {e}", "SandboxChangeFailed",
                              ErrorCategory.InvalidOperation, target=self.User) from None

    def _remove_messages(self, sb: Any) -> None:
        hits = sb.truth.find_messages(user=self.User, subject_contains=self.Subject)
        if not hits:
            self.write_error(CmdletError(f"No message of '{self.User}' has a subject containing '{self.Subject}'.",
                                         "SandboxItemNotFound", ErrorCategory.ObjectNotFound, target=self.Subject))
            return
        for m in hits:
            if not self.should_process(f"{self.User}: message '{m['subject']}'", "Delete"):
                continue
            sb.mutate.delete_message(user=self.User, message_id=m["id"])
            self.write_object(VBOSandboxRemovedItem(User=self.User, Type="Message", Name=m["subject"],
                                                    Folder=str(m.get("folderPath") or ""), Id=str(m["id"])))

    def _remove_file(self, sb: Any) -> None:
        drive = sb.truth.drive_id(self.User)
        want = self.Path.strip("/").lower()
        hits = [it for it in sb.truth.drive_items(drive) if str(it["path"]).strip("/").lower() == want]
        if not hits:
            self.write_error(CmdletError(f"No file or folder '{self.Path}' in the OneDrive of '{self.User}'.",
                                         "SandboxItemNotFound", ErrorCategory.ObjectNotFound, target=self.Path))
            return
        it = hits[0]
        if not self.should_process(f"{self.User}: OneDrive '{it['path']}'", "Delete"):
            return
        sb.mutate.delete_drive_item(drive=drive, item=it["id"])
        folder, _, name = str(it["path"]).strip("/").rpartition("/")
        self.write_object(VBOSandboxRemovedItem(User=self.User, Type="Folder" if it["isFolder"] else "File",
                                                Name=name, Folder=folder, Id=str(it["id"])))
