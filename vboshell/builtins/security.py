"""Credential and secret cmdlets: Read-Host (-AsSecureString), Get-Credential, ConvertTo-SecureString and
ConvertFrom-SecureString (the portable stand-in for DPAPI: a string encrypted with this installation's key)."""

from __future__ import annotations

from typing import Any

from vboshell.builtins._util import to_string
from vboshell.commands.base import Cmdlet, Example, Parameter, SecureStringType, Switch
from vboshell.commands.registry import register
from vboshell.runtime.errors import CmdletError, ErrorCategory


def _ss_module() -> Any:
    from vboshell.runtime import securestring

    return securestring


def _non_interactive(cmd: str) -> CmdletError:
    return CmdletError(
        "Windows PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.",
        "System.Management.Automation.PSInvalidOperationException",
        ErrorCategory.InvalidOperation, exception_type="PSInvalidOperationException")


def encrypt_secure_string(secure: Any, key: bytes | None = None) -> str:
    """ConvertFrom-SecureString: the encrypted-string form of a SecureString (installation key or an AES -Key)."""
    if key is not None:
        return _aes_protect(secure.reveal().encode("utf-8"), key)
    return _ss_module().protect_secure_string(secure)


def decrypt_secure_string(text: str, key: bytes | None = None) -> Any:
    """ConvertTo-SecureString without -AsPlainText: reads back what ConvertFrom-SecureString wrote."""
    mod = _ss_module()
    if key is not None:
        return mod.SecureString(_aes_unprotect(text, key).decode("utf-8"))
    text = text.strip()
    try:  # the installation key (vboshell.store.secrets), with the runtime's purpose string
        from vboshell.store import secrets

        purpose = getattr(mod, "_PURPOSE", "vboshell.securestring")
        return mod.SecureString(secrets.unprotect(text, purpose=purpose).decode("utf-8"))
    except Exception:  # noqa: BLE001 - fall back to the runtime's own reader
        return mod.unprotect_secure_string(text)


_KEY_PREFIX = "vbk1:"


def _aes_protect(plain: bytes, key: bytes) -> str:
    import base64
    import os

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    return _KEY_PREFIX + base64.b64encode(nonce + AESGCM(key).encrypt(nonce, plain, b"vboshell.securestring.key")).decode()


def _aes_unprotect(token: str, key: bytes) -> bytes:
    import base64

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    raw = base64.b64decode(token.strip().removeprefix(_KEY_PREFIX))
    return AESGCM(key).decrypt(raw[:12], raw[12:], b"vboshell.securestring.key")


def _key_bytes(cmdlet: Cmdlet) -> bytes | None:
    key = cmdlet.Key
    if key is None:
        return None
    try:
        if isinstance(key, (bytes, bytearray)):
            data = bytes(key)
        else:
            items = key if isinstance(key, (list, tuple)) else [key]
            if any(isinstance(x, bool) or not isinstance(x, int) for x in items):
                items = [int(str(x)) for x in items]
            data = bytes(int(x) & 0xFF for x in items)
    except (TypeError, ValueError):
        data = b""
    if len(data) not in (16, 24, 32):
        raise CmdletError("The specified key is not valid. Valid key length settings are either 128 bits, 192 bits, "
                          "or 256 bits.", "ImportSecureString_InvalidArgument_CryptographicError",
                          ErrorCategory.InvalidArgument, exception_type="CryptographicException")
    return data


@register
class ReadHost(Cmdlet):
    name = "Read-Host"
    synopsis = "Reads a line of input from the console."
    description = (
        "Shows -Prompt followed by ': ' and returns the line typed. -AsSecureString reads without echo and "
        "returns a SecureString. In a non-interactive session with no input available it is an error."
    )
    parameters = [
        Parameter("Prompt", object, position=0, value_from_remaining_arguments=True, help="The prompt text."),
        Parameter("AsSecureString", Switch, help="Reads the text into a SecureString without echoing it."),
    ]
    examples = [Example("$name = Read-Host 'Your name'; \"Hello $name\"", "Prompts `Your name: ` and uses the answer.",
                        inputs=("Alice",), expect="Your name: Alice\nHello Alice")]

    def end_processing(self) -> None:
        host = self.context.host
        prompt = ""
        if self.Prompt is not None:
            p = self.Prompt
            text = " ".join(to_string(x) for x in p) if isinstance(p, (list, tuple)) else to_string(p)
            prompt = f"{text}: "
        try:
            if self.AsSecureString:
                value = host.read_line_as_secure_string(prompt)
            else:
                value = host.read_line(prompt)
        except EOFError:
            raise _non_interactive("ReadHostCommand") from None
        self.write_object(value)


@register
class GetCredential(Cmdlet):
    name = "Get-Credential"
    module = "Microsoft.PowerShell.Security"
    synopsis = "Gets a credential object based on a user name and password."
    description = (
        "Asks for a user name (unless given) and a password (not echoed) on the console and returns a "
        "PSCredential; `.GetNetworkCredential().Password` gives the plain text back to the script."
    )
    parameters = [
        Parameter("Credential", object, position=0, help="A user name, or a PSCredential returned as is."),
        Parameter("UserName", str, help="The user name to ask the password for."),
        Parameter("Message", str, help="Text shown before the prompts."),
        Parameter("Title", str, help="A title shown before the message."),
    ]
    examples = [Example("$cred = Get-Credential -UserName 'admin@contoso.onmicrosoft.com'; $cred.UserName",
                        "Prompts for the password of a user.", inputs=("P@ssw0rd",),
                        expect="admin@contoso.onmicrosoft.com")]

    def end_processing(self) -> None:
        mod = _ss_module()
        cred = self.Credential
        if cred is not None and type(cred).__name__ == "PSCredential":
            self.write_object(cred)
            return
        host = self.context.host
        user = self.UserName or (to_string(cred) if cred is not None else None)
        try:
            host.write_line(self.Title or "Windows PowerShell credential request.")
            host.write_line(self.Message or "Enter your credentials.")
            if not user:
                user = host.read_line("User: ")
            secure = host.read_line_as_secure_string(f"Password for user {user}: ")
        except EOFError:
            raise _non_interactive("GetCredentialCommand") from None
        self.write_object(mod.PSCredential(user, secure))


@register
class ConvertToSecureString(Cmdlet):
    name = "ConvertTo-SecureString"
    module = "Microsoft.PowerShell.Security"
    synopsis = "Converts plain text or encrypted strings to secure strings."
    description = (
        "With -AsPlainText -Force wraps plain text in a SecureString. Without them it decrypts a string made by "
        "ConvertFrom-SecureString on this installation (vboshell's portable stand-in for Windows DPAPI; a DPAPI "
        "string from Windows cannot be read and must be re-created once). -Key uses a 16/24/32-byte AES key "
        "instead of the installation key."
    )
    parameters = [
        Parameter("String", str, mandatory=True, position=0, value_from_pipeline=True, help="The text to convert."),
        Parameter("AsPlainText", Switch, position=None, help="The input is plain text."),
        Parameter("Force", Switch, help="Confirms that plain text input is intended."),
        Parameter("Key", object, help="An AES key (byte array of 16, 24 or 32 bytes)."),
        Parameter("SecureKey", SecureStringType, help="A SecureString used as the key."),
    ]
    examples = [
        Example("$p = ConvertTo-SecureString 'P@ssw0rd' -AsPlainText -Force; $p.Length",
                "A SecureString from plain text.", expect="8"),
        Example("$e = ConvertTo-SecureString 'x' -AsPlainText -Force | ConvertFrom-SecureString; "
                "(New-Object PSCredential 'u', ($e | ConvertTo-SecureString)).GetNetworkCredential().Password",
                "Round trip through the encrypted form.", expect="x"),
    ]

    def process_record(self) -> None:
        mod = _ss_module()
        text = self.String
        if text is None:
            return
        if self.AsPlainText:
            if not self.Force:
                raise CmdletError(
                    "The system cannot protect plain text input. To suppress this warning and convert the plain "
                    "text to a SecureString, reissue the command specifying the Force parameter.",
                    "ImportSecureString_InvalidArgument",
                    ErrorCategory.InvalidArgument, exception_type="ArgumentException")
            self.write_object(mod.SecureString(to_string(text)))
            return
        key = _key_bytes(self)
        try:
            self.write_object(decrypt_secure_string(to_string(text), key))
        except Exception:  # noqa: BLE001 - any decryption failure is the same user-facing error
            raise CmdletError(
                "Input string was not in a correct format. The encrypted string was not created by "
                "ConvertFrom-SecureString on this installation (Windows DPAPI strings cannot be read; "
                "re-create them once with ConvertFrom-SecureString).",
                "ImportSecureString_InvalidArgument_CryptographicError", ErrorCategory.InvalidArgument,
                exception_type="CryptographicException") from None


@register
class ConvertFromSecureString(Cmdlet):
    name = "ConvertFrom-SecureString"
    module = "Microsoft.PowerShell.Security"
    synopsis = "Converts a secure string to an encrypted standard string."
    description = (
        "Encrypts a SecureString with this installation's key (or -Key) so it can be saved to a file and read "
        "back with ConvertTo-SecureString — the portable equivalent of the Windows DPAPI form."
    )
    parameters = [
        Parameter("SecureString", SecureStringType, mandatory=True, position=0, value_from_pipeline=True,
                  help="The secure string to encrypt."),
        Parameter("Key", object, help="An AES key (byte array of 16, 24 or 32 bytes)."),
        Parameter("SecureKey", SecureStringType, help="A SecureString used as the key."),
    ]
    examples = [Example("ConvertTo-SecureString 'x' -AsPlainText -Force | ConvertFrom-SecureString",
                        "An encrypted string safe to store in a file.")]

    def process_record(self) -> None:
        if self.SecureString is None:
            return
        self.write_object(encrypt_secure_string(self.SecureString, _key_bytes(self)))
