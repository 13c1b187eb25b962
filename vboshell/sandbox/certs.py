"""Certificates for the sandbox tenant: a throw-away CA, the loopback server certificate and app certificates.
Everything is generated with `cryptography` into a directory (CA bundle, server key/cert, app PEM and PFX files)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

_KEY_SIZE = 2048


_KEYS: dict[str, rsa.RSAPrivateKey] = {}


def _key(role: str | None = None) -> rsa.RSAPrivateKey:
    """An RSA key. Keys are reused per role within a process (distinct roles get distinct keys), so starting many
    throw-away sandboxes in a test run costs certificates, not key generation. Set VBOSHELL_SANDBOX_FRESH_KEYS=1
    for new keys every time."""
    if role is None or os.environ.get("VBOSHELL_SANDBOX_FRESH_KEYS") == "1":
        return rsa.generate_private_key(public_exponent=65537, key_size=_KEY_SIZE)
    k = _KEYS.get(role)
    if k is None:
        k = _KEYS[role] = rsa.generate_private_key(public_exponent=65537, key_size=_KEY_SIZE)
    return k


def signing_key() -> rsa.RSAPrivateKey:
    return _key("token-signing")


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "vboshell sandbox")])


def _pem_key(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def thumbprints(cert_der: bytes) -> tuple[str, str, str]:
    """(SHA-1 hex upper, base64url SHA-1 `x5t`, base64url SHA-256 `x5t#S256`) of a DER certificate."""
    s1 = hashlib.sha1(cert_der).digest()
    s256 = hashlib.sha256(cert_der).digest()
    return (s1.hex().upper(), base64.urlsafe_b64encode(s1).decode().rstrip("="),
            base64.urlsafe_b64encode(s256).decode().rstrip("="))


@dataclass
class AppCertificate:
    """An app registration's certificate: key + cert as PEM, a PFX with its password, and thumbprints."""

    pem_path: str  # private key + certificate, PEM
    key_path: str
    cert_path: str
    pfx_path: str
    pfx_password: str
    thumbprint: str  # SHA-1 hex, as Entra shows it
    x5t: str
    x5t_s256: str
    cert_der: bytes

    @property
    def private_key_pem(self) -> str:
        return Path(self.key_path).read_text()

    @property
    def certificate_pem(self) -> str:
        return Path(self.cert_path).read_text()


@dataclass
class ServerCertificates:
    ca_path: str  # the CA bundle clients trust
    cert_path: str
    key_path: str


def make_server_certs(directory: str | os.PathLike[str]) -> ServerCertificates:
    """A fresh CA (written as the CA bundle) and a server cert for 127.0.0.1/localhost signed by it."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True, mode=0o700)  # private keys inside
    now = dt.datetime.now(dt.UTC)
    ca_key = _key("ca")
    ca_name = _name("vboshell sandbox CA")
    ca = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=825))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    srv_key = _key("server")
    srv = (
        x509.CertificateBuilder().subject_name(_name("127.0.0.1")).issuer_name(ca_name).public_key(srv_key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=397))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                    x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_path = d / "sandbox-ca.pem"
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_path = d / "server.pem"
    cert_path.write_bytes(srv.public_bytes(serialization.Encoding.PEM))
    key_path = d / "server.key"
    key_path.write_bytes(_pem_key(srv_key))
    os.chmod(key_path, 0o600)
    return ServerCertificates(str(ca_path), str(cert_path), str(key_path))


def make_app_certificate(directory: str | os.PathLike[str], name: str, password: str) -> AppCertificate:
    """A self-signed app certificate as Entra app registrations use: PEM (key+cert), key, cert and PFX files."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True, mode=0o700)  # private keys inside
    now = dt.datetime.now(dt.UTC)
    key = _key(f"app:{name}")
    subject = _name(f"{name} app")
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=730)).sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    key_pem = _pem_key(key)
    key_path = d / f"{name}.key"
    key_path.write_bytes(key_pem)
    cert_path = d / f"{name}.cer.pem"
    cert_path.write_bytes(cert_pem)
    pem_path = d / f"{name}.pem"
    pem_path.write_bytes(key_pem + cert_pem)
    pfx_path = d / f"{name}.pfx"
    pfx_path.write_bytes(pkcs12.serialize_key_and_certificates(
        name.encode(), key, cert, None, serialization.BestAvailableEncryption(password.encode())))
    for p in (key_path, pem_path, pfx_path):
        os.chmod(p, 0o600)
    der = cert.public_bytes(serialization.Encoding.DER)
    sha1_hex, x5t, x5t256 = thumbprints(der)
    return AppCertificate(str(pem_path), str(key_path), str(cert_path), str(pfx_path), password, sha1_hex, x5t, x5t256, der)
