"""App-only authentication: connection settings (tenant, app id, secret or certificate, cloud) and the msal-based
TokenProvider that caches tokens in memory, refreshes them before expiry and copes with msal's error caching."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from vboshell.graph.clouds import Cloud, get_cloud
from vboshell.graph.errors import AuthenticationError, CredentialError

__all__ = [
    "AppConnection", "ClientCertificate", "AccessToken", "TokenProvider", "load_certificate",
    "find_certificate_by_thumbprint", "certificates_dir", "decode_jwt_claims", "SECRET_PURPOSE",
    "CERT_PASSWORD_PURPOSE",
]

SECRET_PURPOSE = "graph.application-secret"
CERT_PASSWORD_PURPOSE = "graph.certificate-password"
REFRESH_MARGIN = 300.0  # refresh a token this many seconds before it expires (msal uses the same margin)


def certificates_dir() -> Path:
    """VBOSHELL_HOME/certificates: where -ApplicationCertificateThumbprint looks for PFX/PEM files."""
    from vboshell.store.secrets import vboshell_home

    return vboshell_home() / "certificates"


@dataclass(frozen=True)
class ClientCertificate:
    """An app certificate loaded in memory: unencrypted private key PEM, certificate PEM, thumbprints."""

    private_key_pem: str = field(repr=False)
    certificate_pem: str
    thumbprint: str  # SHA-1 hex, upper case, as Entra shows it
    subject: str
    not_after: float  # POSIX time

    def msal_credential(self) -> dict[str, str]:
        # private key + public certificate: msal signs PS256 with x5t#S256 and sends x5c (current Entra docs).
        return {"private_key": self.private_key_pem, "public_certificate": self.certificate_pem}


def _cert_to_client_certificate(key: Any, cert: Any) -> ClientCertificate:
    from cryptography.hazmat.primitives import hashes, serialization

    if key is None:
        raise CredentialError("The certificate file contains no private key; vboshell needs the key to sign "
                              "the client assertion (export the certificate with its private key).")
    if cert is None:
        raise CredentialError("The certificate file contains no certificate, only a key.")
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode("ascii")
    cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode("ascii")
    thumb = cert.fingerprint(hashes.SHA1()).hex().upper()  # noqa: S324 - Entra's thumbprint is SHA-1
    try:
        not_after = cert.not_valid_after_utc.timestamp()
    except AttributeError:  # pragma: no cover - older cryptography
        not_after = cert.not_valid_after.timestamp()
    return ClientCertificate(key_pem, cert_pem, thumb, cert.subject.rfc4514_string(), not_after)


def load_certificate(path: str | os.PathLike[str], password: str | None = None) -> ClientCertificate:
    """Load a PFX/P12 (with optional password) or a PEM file holding the private key and the certificate."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    p = Path(path).expanduser()
    if not p.is_file():
        raise CredentialError(f"The certificate file '{p}' does not exist.")
    data = p.read_bytes()
    pwd = password.encode("utf-8") if password else None
    if p.suffix.lower() in (".pfx", ".p12") or not data.lstrip().startswith(b"-----"):
        try:
            key, cert, _extra = pkcs12.load_key_and_certificates(data, pwd)
        except ValueError as exc:
            hint = "the password is wrong or missing" if b"-----" not in data[:64] else "it is not a PFX file"
            raise CredentialError(f"The certificate file '{p}' cannot be opened: {hint}.") from exc
        return _cert_to_client_certificate(key, cert)
    try:
        key = serialization.load_pem_private_key(data, pwd)
    except TypeError as exc:  # encrypted key without password, or password given for an unencrypted key
        raise CredentialError(f"The private key in '{p}' is encrypted: give -ApplicationCertificatePassword."
                              if pwd is None else f"The private key in '{p}' is not encrypted: omit the password.") from exc
    except ValueError as exc:
        raise CredentialError(f"The certificate file '{p}' holds no usable private key (or the password is wrong).") from exc
    try:
        cert = x509.load_pem_x509_certificate(data)
    except ValueError as exc:
        raise CredentialError(f"The PEM file '{p}' has a private key but no certificate; append the certificate "
                              "(-----BEGIN CERTIFICATE-----) to the same file.") from exc
    return _cert_to_client_certificate(key, cert)


def find_certificate_by_thumbprint(thumbprint: str, password: str | None = None,
                                   directory: Path | None = None) -> tuple[Path, ClientCertificate]:
    """Search the certificate directory for a PFX/PEM whose SHA-1 thumbprint matches."""
    want = thumbprint.replace(":", "").replace(" ", "").upper()
    d = directory or certificates_dir()
    if d.is_dir():
        for f in sorted(d.iterdir()):
            if f.suffix.lower() not in (".pfx", ".p12", ".pem"):
                continue
            for pwd in ([password] if password else []) + [None]:
                try:
                    cc = load_certificate(f, pwd)
                except CredentialError:
                    continue
                if cc.thumbprint == want:
                    return f, cc
                break
    raise CredentialError(f"No certificate with thumbprint {want} was found in '{d}' (PFX, P12 or PEM files with "
                          "their private key; give -ApplicationCertificatePassword if the file is protected).")


@dataclass(frozen=True)
class AppConnection:
    """Everything needed to talk to one tenant as one app. Secrets are held only as protected tokens
    (vboshell.store.secrets.protect); `to_mapping`/`from_mapping` give the catalogue a JSON-safe form."""

    tenant: str  # tenant id (GUID) or a verified domain such as contoso.onmicrosoft.com
    client_id: str
    cloud: Cloud = field(default_factory=get_cloud)
    secret: str | None = field(default=None, repr=False)  # protected token
    certificate_path: str | None = None
    certificate_password: str | None = field(default=None, repr=False)  # protected token
    certificate_thumbprint: str | None = None
    proxy: str | None = None

    @staticmethod
    def protect(value: str, purpose: str) -> str:
        from vboshell.store.secrets import protect

        return protect(value.encode("utf-8"), purpose)

    @classmethod
    def create(cls, tenant: str, client_id: str, cloud: Cloud | None = None, *, secret: str | None = None,
               certificate_path: str | None = None, certificate_password: str | None = None,
               certificate_thumbprint: str | None = None, proxy: str | None = None) -> AppConnection:
        """Build from clear-text secrets (protected immediately)."""
        return cls(tenant, client_id, cloud or get_cloud(),
                   cls.protect(secret, SECRET_PURPOSE) if secret else None,
                   str(certificate_path) if certificate_path else None,
                   cls.protect(certificate_password, CERT_PASSWORD_PURPOSE) if certificate_password else None,
                   certificate_thumbprint.upper() if certificate_thumbprint else None, proxy)

    @property
    def auth_kind(self) -> str:
        if self.secret:
            return "Secret"
        return "Certificate" if (self.certificate_path or self.certificate_thumbprint) else "None"

    def _clear(self, token: str | None, purpose: str) -> str | None:
        if not token:
            return None
        from vboshell.store.secrets import SecretError, unprotect

        try:
            return unprotect(token, purpose).decode("utf-8")
        except SecretError as exc:
            raise CredentialError(f"The stored secret cannot be decrypted: {exc}") from exc

    def credential(self) -> tuple[Any, ClientCertificate | None]:
        """The msal client_credential (clear only in memory, only here) and the certificate if any."""
        if self.secret:
            return self._clear(self.secret, SECRET_PURPOSE), None
        pwd = self._clear(self.certificate_password, CERT_PASSWORD_PURPOSE)
        if self.certificate_path:
            cc = load_certificate(self.certificate_path, pwd)
        elif self.certificate_thumbprint:
            _p, cc = find_certificate_by_thumbprint(self.certificate_thumbprint, pwd)
        else:
            raise CredentialError("The connection settings have neither an application secret nor a certificate.")
        return cc.msal_credential(), cc

    def with_changes(self, **kw: Any) -> AppConnection:
        return replace(self, **kw)

    def to_mapping(self) -> dict[str, Any]:
        c = self.cloud
        return {"tenant": self.tenant, "client_id": self.client_id, "region": c.name,
                "authority_host": c.authority_host if c.is_custom else None,
                "graph_endpoint": c.graph_endpoint if c.is_custom else None, "ca_bundle": c.ca_bundle,
                "secret": self.secret, "certificate_path": self.certificate_path,
                "certificate_password": self.certificate_password,
                "certificate_thumbprint": self.certificate_thumbprint, "proxy": self.proxy}

    @classmethod
    def from_mapping(cls, m: dict[str, Any]) -> AppConnection:
        cloud = get_cloud(m.get("region"), m.get("authority_host"), m.get("graph_endpoint"), m.get("ca_bundle"))
        return cls(m["tenant"], m["client_id"], cloud, m.get("secret"), m.get("certificate_path"),
                   m.get("certificate_password"), m.get("certificate_thumbprint"), m.get("proxy"))


def decode_jwt_claims(token: str) -> dict[str, Any]:
    """The payload of a JWT without verifying it (we only read our own token's `roles`, `tid`, `exp`)."""
    try:
        payload = token.split(".")[1]
        payload += "=" * (-len(payload) % 4)
        return json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (IndexError, ValueError):
        return {}


@dataclass(frozen=True)
class AccessToken:
    value: str = field(repr=False)
    expires_at: float
    claims: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def roles(self) -> list[str]:
        r = self.claims.get("roles") or []
        return [str(x) for x in r] if isinstance(r, list) else []

    def fresh(self, margin: float = REFRESH_MARGIN) -> bool:
        return time.time() < self.expires_at - margin


class TokenProvider:
    """Gets app-only tokens with msal's ConfidentialClientApplication over our httpx adapter.

    * tokens are kept in memory and refreshed REFRESH_MARGIN seconds before expiry (or on `invalidate()`);
    * `instance_discovery` is off only for custom clouds;
    * msal caches error responses (identical 400 POSTs for 60 s, 429/5xx for Retry-After): we own its
      `http_cache` and clear it after a failure so that a corrected configuration is tried for real,
      and we honour Retry-After ourselves for 429/5xx from the identity platform (bounded attempts).
    """

    max_attempts = 3
    max_wait = 30.0

    def __init__(self, connection: AppConnection, http_client: Any = None, sleep: Any = time.sleep) -> None:
        self.connection = connection
        self._http = http_client
        self._own_http = http_client is None
        self._app: Any = None
        self._http_cache: dict[Any, Any] = {}
        self._token: AccessToken | None = None
        self._lock = threading.RLock()
        self._sleep = sleep
        self.certificate: ClientCertificate | None = None
        self.acquired = 0  # tokens obtained from the identity provider (not from cache)
        self.from_cache = False  # the current token came from the token cache (an earlier process's)
        self._disk = TokenCache(connection)

    @property
    def http(self) -> Any:
        if self._http is None:
            from vboshell.graph.http import MsalHttpClient, proxy_from_env

            c = self.connection
            self._http = MsalHttpClient(c.cloud.ca_bundle, c.proxy or proxy_from_env(c.cloud.authority_host))
        return self._http

    def _build_app(self) -> Any:
        import msal

        c = self.connection
        credential, self.certificate = c.credential()
        self._http_cache.clear()
        self.http.last_error = None
        try:
            return msal.ConfidentialClientApplication(
                c.client_id, authority=c.cloud.authority(c.tenant), client_credential=credential,
                http_client=self.http, http_cache=self._http_cache,
                instance_discovery=False if c.cloud.is_custom else None,
                token_cache=msal.TokenCache(),
            )
        except ValueError as exc:
            raise self._authority_error(exc) from None

    def _authority_error(self, exc: Exception) -> AuthenticationError:
        from vboshell.graph.http import identity_error_from_body

        c = self.connection
        last = self.http.last_error
        if last and isinstance(last.get("body"), dict) and last["body"].get("error"):
            err = identity_error_from_body(last["status"], last["body"], AuthenticationError)
            if err.aadsts == "90002" or err.error == "invalid_tenant":
                err.message = (f"Tenant '{c.tenant}' was not found at {c.cloud.authority_host} "
                               f"(AADSTS90002): check -TenantId/-OfficeOrganizationName and -Region. {err.message}")
            return err
        text = str(exc)
        if "https" in text and "address" in text:
            return AuthenticationError(f"The authority {c.cloud.authority(c.tenant)} is not a valid https URL.",
                                       error="invalid_authority")
        return AuthenticationError(f"Cannot reach the identity platform at {c.cloud.authority_host} for tenant "
                                   f"'{c.tenant}': {text.splitlines()[0] if text else type(exc).__name__}",
                                   error="authority_unreachable")

    def token(self, force_refresh: bool = False) -> AccessToken:
        """A valid access token: kept in memory, and between processes in the token cache (an earlier run's
        token while it has more than REFRESH_MARGIN left; see TokenCache); a new one shortly before expiry or
        when forced (a 401, or a 403 with a token from the cache, whose roles may predate a new consent)."""
        with self._lock:
            if not force_refresh and self._token is not None and self._token.fresh():
                return self._token
            if not force_refresh:
                cached = self._disk.load()
                if cached is not None:
                    self._token = cached
                    self.from_cache = True
                    return cached
            self.from_cache = False
            if force_refresh:
                self._app = None  # drops msal's token cache too
            last_exc: AuthenticationError | None = None
            for attempt in range(self.max_attempts):
                try:
                    if self._app is None:
                        self._app = self._build_app()
                    result = self._app.acquire_token_for_client(scopes=[self.connection.cloud.scope])
                except AuthenticationError:
                    self._app = None
                    raise
                except ValueError as exc:  # e.g. authority re-validation
                    self._app = None
                    raise self._authority_error(exc) from None
                except Exception as exc:  # network errors from httpx, MsalServiceError on 5xx
                    self._app = None
                    last_exc = self._transport_error(exc)
                    if attempt + 1 < self.max_attempts and "CERTIFICATE_VERIFY_FAILED" not in str(exc):
                        self._sleep(min(self.max_wait, 1.0 * 2**attempt))
                        continue
                    raise last_exc from None
                if "access_token" in result:
                    claims = decode_jwt_claims(result["access_token"])
                    expires_in = float(result.get("expires_in") or 3599)
                    if result.get("token_source") != "cache":
                        self.acquired += 1
                    self._token = AccessToken(result["access_token"], time.time() + expires_in, claims)
                    self._disk.save(self._token)
                    return self._token
                err = self._result_error(result)
                # msal caches this error response: forget it so the next call really asks again.
                self._http_cache.clear()
                if err.status in (429, 500, 502, 503, 504) and attempt + 1 < self.max_attempts:
                    wait = err.retry_after if err.retry_after is not None else 2.0 * 2**attempt
                    self._sleep(min(self.max_wait, wait))
                    continue
                self._app = None
                raise err
            assert last_exc is not None
            raise last_exc

    def _transport_error(self, exc: Exception) -> AuthenticationError:
        last = self.http.last_error if self._http is not None else None
        if last and last.get("status", 0) >= 500:
            from vboshell.graph.http import identity_error_from_body

            return identity_error_from_body(last["status"], last["body"], AuthenticationError)
        name = type(exc).__name__
        msg = str(exc).splitlines()[0] if str(exc) else name
        if "CERTIFICATE_VERIFY_FAILED" in str(exc):
            msg = ("TLS certificate verification failed for the identity endpoint; for a private CA or a "
                   "TLS-inspecting proxy give -CertificateAuthorityPath. " + msg)
        return AuthenticationError(f"Cannot reach the identity platform at {self.connection.cloud.authority_host}: "
                                   f"{msg}", error="connection_error")

    def _result_error(self, result: dict[str, Any]) -> AuthenticationError:
        from vboshell.graph.errors import parse_retry_after
        from vboshell.graph.http import identity_error_from_body

        last = self.http.last_error or {}
        status = int(last.get("status") or 400)
        err = identity_error_from_body(status, result, AuthenticationError)
        headers = last.get("headers") or {}
        err.retry_after = parse_retry_after({k.lower(): v for k, v in headers.items()}.get("retry-after"))
        c = self.connection
        hints = {
            "7000215": "the application secret is wrong (paste the secret's Value, not its ID)",
            "7000222": "the application secret has expired; create a new one",
            "700027": "the certificate is not registered on the application, or the assertion is invalid",
            "700016": f"application {c.client_id} was not found in tenant '{c.tenant}' (wrong tenant, or admin consent missing)",
            "90002": f"tenant '{c.tenant}' was not found",
            "7000216": "no secret or certificate was sent",
            "7000218": "no secret or certificate was sent",
        }
        hint = hints.get(err.aadsts)
        if hint:
            err.message = f"Authentication failed: {hint}. {err.message}"
        else:
            err.message = f"Authentication failed: {err.message}"
        return err

    def roles(self) -> list[str]:
        return self.token().roles

    def invalidate(self) -> None:
        with self._lock:
            self._token = None
            self._app = None
            self._disk.forget()

    def close(self) -> None:
        if self._own_http and self._http is not None:
            self._http.close()
            self._http = None


class TokenCache:
    """An app's access token kept between processes, so that a scheduled run or a new shell does not ask the
    identity platform again while the last token is valid (msal's own cache lives in memory only).

    One file per connection under <home>/cache/tokens, named by a hash of the connection (tenant, app id, cloud,
    the protected secret or the certificate's path/thumbprint: a new secret or certificate is a new entry),
    holding the token sealed with the installation's master key (AES-GCM, vboshell.store.secrets), mode 0600.
    A token is used only while more than REFRESH_MARGIN of its lifetime is left. VBOSHELL_TOKEN_CACHE=0 turns it
    off. Any problem reading or writing it (no home, a master key from another installation, a damaged file) means
    no cached token: a new one is requested as before."""

    PURPOSE = "graph.access-token"

    def __init__(self, connection: AppConnection) -> None:
        self.connection = connection
        self._path: Path | None = None

    @property
    def enabled(self) -> bool:
        return os.environ.get("VBOSHELL_TOKEN_CACHE", "1") != "0"

    def path(self) -> Path:
        if self._path is None:
            from vboshell.store.secrets import vboshell_home

            m = self.connection.to_mapping()
            m.pop("proxy", None)
            key = hashlib.sha256(json.dumps(m, sort_keys=True).encode("utf-8")).hexdigest()[:40]
            self._path = vboshell_home() / "cache" / "tokens" / f"{key}.token"
        return self._path

    def load(self) -> AccessToken | None:
        if not self.enabled:
            return None
        try:
            from vboshell.store.secrets import unprotect

            data = json.loads(unprotect(self.path().read_text(encoding="ascii").strip(), self.PURPOSE))
            tok = AccessToken(str(data["token"]), float(data["expires_at"]), decode_jwt_claims(str(data["token"])))
        except Exception:  # noqa: BLE001 - no file, damaged, another key: not cached
            return None
        return tok if tok.fresh() else None

    def save(self, tok: AccessToken) -> None:
        if not self.enabled:
            return
        try:
            from vboshell.store.secrets import protect

            path = self.path()
            for d in (path.parent.parent, path.parent):  # <home>/cache/tokens, private like the home
                d.mkdir(mode=0o700, exist_ok=True)
            sealed = protect(json.dumps({"token": tok.value, "expires_at": tok.expires_at}).encode("utf-8"),
                             self.PURPOSE)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(fd, sealed.encode("ascii"))
            finally:
                os.close(fd)
            os.replace(tmp, path)
            self._prune(path.parent)
        except Exception:  # noqa: BLE001 - the cache is an optimisation; the token is used all the same
            return

    @staticmethod
    def _prune(folder: Path) -> None:
        """Drop entries untouched for a day (tokens live about an hour): removed organizations, old secrets."""
        cutoff = time.time() - 86400
        for f in folder.glob("*.token"):
            try:
                if f.stat().st_mtime < cutoff:
                    f.unlink()
            except OSError:
                continue

    def forget(self) -> None:
        try:
            self.path().unlink()
        except Exception:  # noqa: BLE001 - nothing cached
            return


def sha1_thumbprint_of_der(der: bytes) -> str:
    return hashlib.sha1(der).hexdigest().upper()  # noqa: S324
