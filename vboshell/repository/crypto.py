"""Keys, chunk ids, blob encoding and sealed index fields of a repository (see docs/repository-format.md §2–4).
Unencrypted repositories use the same functions with `Keys(None)`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import threading
from dataclasses import dataclass

import zstandard
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from vboshell.repository.errors import RepositoryCorruptError, RepositoryKeyError

NONCE = 12
FLAG_RAW = 0
FLAG_ZSTD = 1
ZSTD_LEVEL = 3
SCRYPT_N, SCRYPT_R, SCRYPT_P = 1 << 15, 8, 1

_tls = threading.local()


def _zc() -> zstandard.ZstdCompressor:
    c = getattr(_tls, "zc", None)
    if c is None:
        c = _tls.zc = zstandard.ZstdCompressor(level=ZSTD_LEVEL)
    return c


def _zd() -> zstandard.ZstdDecompressor:
    d = getattr(_tls, "zd", None)
    if d is None:
        d = _tls.zd = zstandard.ZstdDecompressor()
    return d


def _kek(password: bytes, kdf: dict) -> bytes:
    salt = base64.b64decode(kdf["salt"])
    return Scrypt(salt=salt, length=32, n=int(kdf["n"]), r=int(kdf["r"]), p=int(kdf["p"])).derive(password)


def _password_bytes(password: bytes | str) -> bytes:
    return password.encode("utf-8") if isinstance(password, str) else bytes(password)


def new_encryption_section(password: bytes | str, repository_id: str) -> tuple[dict, bytes]:
    """Create the `encryption` section of config.json and return it with the new 64-byte data key."""
    data_key = os.urandom(64)
    kdf = {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": base64.b64encode(os.urandom(16)).decode()}
    kek = _kek(_password_bytes(password), kdf)
    nonce = os.urandom(NONCE)
    wrapped = nonce + AESGCM(kek).encrypt(nonce, data_key, b"vboshell-repository-key:" + repository_id.encode())
    section = {"cipher": "AES-256-GCM", "kdf": kdf, "wrapped_key": base64.b64encode(wrapped).decode()}
    return section, data_key


def open_data_key(section: dict, password: bytes | str | None, repository_id: str) -> bytes:
    """Unwrap the data key; RepositoryKeyError on a missing or wrong password."""
    if password is None or password == "" or password == b"":
        raise RepositoryKeyError("The repository is encrypted: an encryption key is required to open it.")
    kek = _kek(_password_bytes(password), section["kdf"])
    raw = base64.b64decode(section["wrapped_key"])
    try:
        return AESGCM(kek).decrypt(raw[:NONCE], raw[NONCE:], b"vboshell-repository-key:" + repository_id.encode())
    except InvalidTag:
        raise RepositoryKeyError("The encryption key does not match this repository.") from None


def rewrap_data_key(data_key: bytes, new_password: bytes | str, repository_id: str) -> dict:
    """A new encryption section holding the same data key under a new password."""
    kdf = {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": base64.b64encode(os.urandom(16)).decode()}
    kek = _kek(_password_bytes(new_password), kdf)
    nonce = os.urandom(NONCE)
    wrapped = nonce + AESGCM(kek).encrypt(nonce, data_key, b"vboshell-repository-key:" + repository_id.encode())
    return {"cipher": "AES-256-GCM", "kdf": kdf, "wrapped_key": base64.b64encode(wrapped).decode()}


_SAMPLE = 64 * 1024


def _worth_compressing(chunk: bytes) -> bool:
    """Large chunks are compressed only when a 64 KiB sample shrinks by at least 3 % (media, archives and
    already-compressed files are stored as they are, saving the compression pass)."""
    if len(chunk) <= 2 * _SAMPLE:
        return True
    mid = len(chunk) // 2
    sample = chunk[mid : mid + _SAMPLE]
    return len(_zc1().compress(sample)) < 0.97 * len(sample)


def _zc1() -> zstandard.ZstdCompressor:
    c = getattr(_tls, "zc1", None)
    if c is None:
        c = _tls.zc1 = zstandard.ZstdCompressor(level=1, write_content_size=False, write_checksum=False)
    return c


@dataclass
class Keys:
    """The data key of an encrypted repository (None when unencrypted) and the operations using it."""

    data_key: bytes | None

    def __post_init__(self) -> None:
        if self.data_key is not None:
            self._aes = AESGCM(self.data_key[:32])
            self._mac = self.data_key[32:]

    @property
    def encrypted(self) -> bool:
        return self.data_key is not None

    # --- ids ---
    def chunk_id(self, data: bytes | memoryview) -> bytes:
        if self.data_key is None:
            return hashlib.sha256(data).digest()
        return hmac.new(self._mac, data, hashlib.sha256).digest()

    def keyed_hash(self, text: str) -> str:
        """A keyed hash for equality look-ups of sealed values (the value itself when unencrypted)."""
        if self.data_key is None:
            return text
        return hmac.new(self._mac, text.encode("utf-8"), hashlib.sha256).hexdigest()

    def state_hash(self, *parts: bytes) -> bytes:
        h = hmac.new(self._mac, digestmod=hashlib.sha256) if self.data_key is not None else hashlib.sha256()
        for p in parts:
            h.update(len(p).to_bytes(8, "little"))
            h.update(p)
        return h.digest()

    # --- blobs ---
    def encode_blob(self, cid: bytes, chunk: bytes | memoryview) -> bytes:
        chunk = bytes(chunk)
        comp = _zc().compress(chunk) if chunk and _worth_compressing(chunk) else b""
        plain = (bytes([FLAG_ZSTD]) + comp) if comp and len(comp) < len(chunk) else (bytes([FLAG_RAW]) + chunk)
        if self.data_key is None:
            return plain
        nonce = os.urandom(NONCE)
        return nonce + self._aes.encrypt(nonce, plain, cid)

    def decode_blob(self, cid: bytes, blob: bytes, raw_length: int | None = None) -> bytes:
        """Decrypt, decompress and check the hash of a blob; RepositoryCorruptError on any mismatch."""
        if self.data_key is not None:
            try:
                plain = self._aes.decrypt(blob[:NONCE], blob[NONCE:], cid)
            except InvalidTag:
                raise RepositoryCorruptError(f"chunk {cid.hex()}: authentication failed (data altered)") from None
        else:
            plain = blob
        if not plain:
            raise RepositoryCorruptError(f"chunk {cid.hex()}: empty blob")
        flag = plain[0]
        try:
            if flag == FLAG_ZSTD:
                data = _zd().decompress(plain[1:])
            elif flag == FLAG_RAW:
                data = plain[1:]
            else:
                raise RepositoryCorruptError(f"chunk {cid.hex()}: unknown blob flag {flag}")
        except zstandard.ZstdError as exc:
            raise RepositoryCorruptError(f"chunk {cid.hex()}: cannot decompress ({exc})") from None
        if self.chunk_id(data) != cid:
            raise RepositoryCorruptError(f"chunk {cid.hex()}: content does not match its hash")
        return data

    # --- sealed fields ---
    def seal(self, text: str | None, field: str) -> str | bytes | None:
        if text is None:
            return None
        if self.data_key is None:
            return text
        nonce = os.urandom(NONCE)
        return nonce + self._aes.encrypt(nonce, text.encode("utf-8"), field.encode())

    def unseal(self, value: str | bytes | None, field: str) -> str | None:
        if value is None:
            return None
        if self.data_key is None:
            return value if isinstance(value, str) else bytes(value).decode("utf-8")
        if isinstance(value, str):
            raise RepositoryCorruptError(f"{field}: expected a sealed value")
        try:
            return self._aes.decrypt(value[:NONCE], value[NONCE:], field.encode()).decode("utf-8")
        except InvalidTag:
            raise RepositoryCorruptError(f"{field}: authentication failed (index altered)") from None

    def seal_json(self, obj: object, field: str) -> str | bytes | None:
        return None if obj is None else self.seal(json.dumps(obj, sort_keys=True, default=str), field)

    def unseal_json(self, value: str | bytes | None, field: str) -> object:
        text = self.unseal(value, field)
        return None if text is None else json.loads(text)

    # --- pack headers ---
    def seal_header(self, entries: bytes) -> bytes:
        if self.data_key is None:
            return entries
        nonce = os.urandom(NONCE)
        return nonce + self._aes.encrypt(nonce, entries, b"pack-header")

    def open_header(self, header: bytes) -> bytes:
        if self.data_key is None:
            return header
        try:
            return self._aes.decrypt(header[:NONCE], header[NONCE:], b"pack-header")
        except InvalidTag:
            raise RepositoryCorruptError("pack header: authentication failed") from None
