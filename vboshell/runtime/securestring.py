"""SecureString and PSCredential: values that never print, repr or serialise their secret, plus the
machine-key protection behind ConvertFrom-SecureString/ConvertTo-SecureString (the portable DPAPI stand-in)."""

from __future__ import annotations

import base64
import os
from typing import Any

from vboshell.runtime.errors import ErrorCategory, ErrorRecord, PSRuntimeError


class SecureString:
    """System.Security.SecureString. The text is kept XOR-masked in memory and only revealed by `reveal()`."""

    ps_type_name = "System.Security.SecureString"
    __slots__ = ("_mask", "_data", "_read_only")

    def __init__(self, text: str = "") -> None:
        raw = text.encode("utf-8")
        self._mask = os.urandom(len(raw))
        self._data = bytes(a ^ b for a, b in zip(raw, self._mask, strict=True))
        self._read_only = False

    def reveal(self) -> str:
        """The plain text. Only for code that must hand the secret to an API (auth, encryption)."""
        return bytes(a ^ b for a, b in zip(self._data, self._mask, strict=True)).decode("utf-8")

    @property
    def Length(self) -> int:  # noqa: N802
        return len(self.reveal())

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("Length", self.Length)]

    def AppendChar(self, c: Any) -> None:  # noqa: N802
        if self._read_only:
            raise PSRuntimeError(ErrorRecord(message="Instance is read-only.", error_id="InvalidOperationException",
                                             category=ErrorCategory.InvalidOperation,
                                             exception_type="InvalidOperationException"))
        text = self.reveal() + str(c)
        fresh = SecureString(text)
        self._mask, self._data = fresh._mask, fresh._data

    def MakeReadOnly(self) -> None:  # noqa: N802
        self._read_only = True

    def IsReadOnly(self) -> bool:  # noqa: N802
        return self._read_only

    def Copy(self) -> SecureString:  # noqa: N802
        return SecureString(self.reveal())

    def Dispose(self) -> None:  # noqa: N802
        self._mask, self._data = b"", b""

    def Clear(self) -> None:  # noqa: N802
        self._mask, self._data = b"", b""

    def __str__(self) -> str:
        return "System.Security.SecureString"

    __ps_str__ = __str__

    def __repr__(self) -> str:
        return "<SecureString>"

    def __format__(self, spec: str) -> str:
        return "System.Security.SecureString"

    def __reduce__(self) -> Any:
        raise TypeError("SecureString cannot be pickled")

    def __json__(self) -> str:  # used by vboshell's JSON encoders
        return "System.Security.SecureString"

    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)


class NetworkCredential:
    ps_type_name = "System.Net.NetworkCredential"

    def __init__(self, user: str, password: SecureString | None) -> None:
        domain, sep, name = user.partition("\\")
        self.UserName = name if sep else user
        self.Domain = domain if sep else ""
        self._password = password

    @property
    def Password(self) -> str:  # noqa: N802
        return self._password.reveal() if self._password is not None else ""

    @property
    def SecurePassword(self) -> SecureString | None:  # noqa: N802
        return self._password

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("UserName", self.UserName), ("Password", "System.Security.SecureString" if False else self.Password),
                ("SecurePassword", self._password), ("Domain", self.Domain)]

    def __repr__(self) -> str:
        return f"<NetworkCredential {self.UserName}>"


class PSCredential:
    """System.Management.Automation.PSCredential: UserName + Password (a SecureString)."""

    ps_type_name = "System.Management.Automation.PSCredential"

    def __init__(self, user_name: str, password: SecureString | str | None) -> None:
        if isinstance(password, str):
            password = SecureString(password)
        self.UserName = user_name
        self.Password = password

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("UserName", self.UserName), ("Password", self.Password)]

    def GetNetworkCredential(self) -> NetworkCredential:  # noqa: N802
        return NetworkCredential(self.UserName, self.Password)

    def __repr__(self) -> str:
        return f"<PSCredential {self.UserName}>"

    def __str__(self) -> str:
        return "System.Management.Automation.PSCredential"

    __ps_str__ = __str__


_PURPOSE = "vboshell.securestring"


def protect_secure_string(ss: SecureString) -> str:
    """Encrypt a SecureString with this machine's master key (ConvertFrom-SecureString's output)."""
    plain = ss.reveal().encode("utf-8")
    try:
        from vboshell.store import secrets  # type: ignore[attr-defined]

        protect = secrets.protect
    except (ImportError, AttributeError):
        protect = None
    if protect is not None:
        return protect(plain, purpose=_PURPOSE)
    # TODO(store team): remove once vboshell.store.secrets.protect exists; this stand-in uses the same idea.
    return _fallback_protect(plain)


def unprotect_secure_string(text: str) -> SecureString:
    """Decrypt ConvertFrom-SecureString output back into a SecureString (raises PSRuntimeError if it fails)."""
    try:
        from vboshell.store import secrets  # type: ignore[attr-defined]

        unprotect = secrets.unprotect
    except (ImportError, AttributeError):
        unprotect = None
    try:
        if unprotect is not None and not text.startswith(_FALLBACK_PREFIX):
            raw = unprotect(text, purpose=_PURPOSE)
        else:
            raw = _fallback_unprotect(text)
        return SecureString(raw.decode("utf-8"))
    except PSRuntimeError:
        raise
    except Exception:  # noqa: BLE001 - never show key material or internals
        raise PSRuntimeError(ErrorRecord(
            message="Key not valid for use in specified state.", error_id="ImportSecureString_InvalidArgument_CryptographicError",
            category=ErrorCategory.InvalidArgument, exception_type="CryptographicException")) from None


_FALLBACK_PREFIX = "vbs1:"


def _key_file() -> str:
    from vboshell.runtime.display import vboshell_home

    return os.path.join(vboshell_home(), "securestring.key")


def _fallback_key() -> bytes:
    path = _key_file()
    try:
        with open(path, "rb") as f:
            key = f.read()
        if len(key) == 32:
            return key
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    key = os.urandom(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key)
    return key


def _fallback_protect(plain: bytes) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    ct = AESGCM(_fallback_key()).encrypt(nonce, plain, _PURPOSE.encode())
    return _FALLBACK_PREFIX + base64.b64encode(nonce + ct).decode("ascii")


def _fallback_unprotect(token: str) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    raw = base64.b64decode(token.removeprefix(_FALLBACK_PREFIX))
    return AESGCM(_fallback_key()).decrypt(raw[:12], raw[12:], _PURPOSE.encode())
