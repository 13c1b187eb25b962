"""Secret protection: a per-installation master key and AES-256-GCM tokens for secrets at rest.
Used by the catalogue (app secrets, certificate passwords, encryption keys) and by SecureString/ConvertFrom-SecureString.

API (stable):
    vboshell_home() -> Path           VBOSHELL_HOME or platformdirs.user_data_dir('vboshell'); created with mode 0700.
    master_key() -> bytes             32 bytes; from VBOSHELL_MASTER_KEY (base64) or the file <home>/master.key
                                      (created on first use, mode 0600).
    protect(plaintext, purpose="")    -> "vbk1:<base64(nonce || ciphertext+tag)>"; `purpose` is bound as AAD,
                                      so a token made for one purpose does not decrypt for another.
    unprotect(token, purpose="")      -> bytes; raises SecretError on a malformed/tampered token or a wrong key.
    is_protected(value) -> bool       whether a string looks like a token produced by protect().
"""

from __future__ import annotations

import base64
import binascii
import os
import threading
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = ["SecretError", "vboshell_home", "master_key", "protect", "unprotect", "is_protected", "TOKEN_PREFIX"]

TOKEN_PREFIX = "vbk1:"
_KEY_FILE = "master.key"
_NONCE_LEN = 12
_lock = threading.Lock()
_cache: dict[str, bytes] = {}


class SecretError(Exception):
    """A secret could not be protected or unprotected (wrong master key, tampered or malformed token)."""


def vboshell_home() -> Path:
    """The directory holding the catalogue and the master key (created, mode 0700, if missing)."""
    env = os.environ.get("VBOSHELL_HOME")
    if env:
        home = Path(env).expanduser()
    else:
        import platformdirs

        home = Path(platformdirs.user_data_dir("vboshell"))
    if not home.exists():
        home.mkdir(parents=True, exist_ok=True)
        try:
            os.chmod(home, 0o700)
        except OSError:  # pragma: no cover - e.g. non-POSIX file systems
            pass
    return home


def _decode_key(text: str, source: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SecretError(f"The master key in {source} is not valid base64.") from exc
    if len(key) != 32:
        raise SecretError(f"The master key in {source} must be 32 bytes (256 bits), got {len(key)}.")
    return key


def master_key() -> bytes:
    """The 32-byte master key: VBOSHELL_MASTER_KEY (base64) if set, else <home>/master.key, created on first use."""
    env = os.environ.get("VBOSHELL_MASTER_KEY")
    if env:
        return _decode_key(env, "VBOSHELL_MASTER_KEY")
    home = vboshell_home()
    path = home / _KEY_FILE
    cache_key = str(path.resolve())
    with _lock:
        cached = _cache.get(cache_key)
        if cached is not None and path.exists():
            return cached
        if not path.exists():
            try:
                os.chmod(home, 0o700)
            except OSError:  # pragma: no cover
                pass
            key = os.urandom(32)
            tmp = home / f".{_KEY_FILE}.{os.getpid()}.{threading.get_ident()}.tmp"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, base64.b64encode(key) + b"\n")
                os.fsync(fd)
            finally:
                os.close(fd)
            try:
                # link() fails if another process created the key first: then everyone uses that one.
                os.link(tmp, path)
            except FileExistsError:
                pass
            except OSError:  # file systems without hard links
                if not path.exists():
                    os.replace(tmp, path)
            finally:
                if tmp.exists():
                    tmp.unlink()
        key = _decode_key(path.read_text(encoding="ascii"), str(path))
        _cache[cache_key] = key
        return key


def protect(plaintext: bytes, purpose: str = "") -> str:
    """Encrypt `plaintext` with the master key (AES-256-GCM, `purpose` as associated data) into a text token."""
    if isinstance(plaintext, str):
        plaintext = plaintext.encode("utf-8")
    nonce = os.urandom(_NONCE_LEN)
    ct = AESGCM(master_key()).encrypt(nonce, bytes(plaintext), purpose.encode("utf-8"))
    return TOKEN_PREFIX + base64.b64encode(nonce + ct).decode("ascii")


def unprotect(token: str, purpose: str = "") -> bytes:
    """Decrypt a token made by protect(); SecretError if it is malformed, tampered, for another purpose or key."""
    if not isinstance(token, str) or not token.startswith(TOKEN_PREFIX):
        raise SecretError("Not a protected secret (unknown format or version).")
    try:
        raw = base64.b64decode(token[len(TOKEN_PREFIX) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SecretError("The protected secret is corrupted (invalid base64).") from exc
    if len(raw) < _NONCE_LEN + 16:
        raise SecretError("The protected secret is corrupted (too short).")
    try:
        return AESGCM(master_key()).decrypt(raw[:_NONCE_LEN], raw[_NONCE_LEN:], purpose.encode("utf-8"))
    except InvalidTag as exc:
        raise SecretError(
            "The protected secret cannot be decrypted: it was tampered with, made for another purpose, "
            "or protected with a different master key."
        ) from exc


def is_protected(value: object) -> bool:
    """Whether `value` looks like a token produced by protect()."""
    return isinstance(value, str) and value.startswith(TOKEN_PREFIX)
