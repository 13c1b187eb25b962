"""Entra ID for the sandbox tenant: app registrations, the client-credentials token endpoint and access tokens.
Client secrets and certificate assertions are checked as Entra does, with its AADSTS error bodies."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from vboshell.sandbox.certs import AppCertificate, thumbprints

GRAPH_RESOURCE = "https://graph.microsoft.com"

ALL_ROLES = (
    "User.Read.All", "Group.Read.All", "GroupMember.Read.All", "Directory.Read.All", "Organization.Read.All",
    "Mail.ReadWrite", "MailboxSettings.Read", "Contacts.ReadWrite", "Calendars.ReadWrite",
    "Files.ReadWrite.All", "Sites.ReadWrite.All", "Sites.Read.All", "Sites.FullControl.All",
    "Team.ReadBasic.All", "Channel.ReadBasic.All", "ChannelMessage.Read.All", "Teamwork.Migrate.All", "Chat.Read.All",
    "Channel.Create",
    "TeamMember.Read.All", "Reports.Read.All", "MailboxItem.ImportExport.All", "MailboxFolder.Read.All",
)

AADSTS_MESSAGES = {
    7000215: "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, "
             "not the client secret ID, for a secret added to app '{app}'.",
    700016: "Application with identifier '{app}' was not found in the directory '{tenant}'. This can happen if the "
            "application has not been installed by the administrator of the tenant or consented to by any user in the "
            "tenant. You may have sent your authentication request to the wrong tenant.",
    90002: "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the "
           "correct cloud. Check with your subscription administrator, this may happen if there are no active "
           "subscriptions for the tenant.",
    700024: "Client assertion is not within its valid time range. Current time: {now}, assertion valid from {nbf}, "
            "expiry time of assertion {exp}.",
    700027: "The certificate with identifier used to sign the client assertion is not registered on application. "
            "[Reason - The key was not found., Thumbprint of key used by client: '{thumb}']",
    7000218: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    1002012: "The provided value for scope {scope} is not valid. Client credential flows must have a scope value with "
             "/.default suffixed to the resource identifier (application ID URI).",
    900023: "Specified tenant identifier '{tenant}' is neither a valid DNS name, nor a valid external domain.",
    50027: "JWT token is invalid or malformed.",
    700025: "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
    70002: "The request body must contain the following parameter: 'grant_type'.",
    50196: "The server terminated an operation because it encountered a client request loop. Please contact your app "
           "vendor.",
    700023: "Client assertion audience claim does not match Realm issuer. Review the documentation at "
            "https://docs.microsoft.com/en-us/azure/active-directory/develop/active-directory-certificate-credentials .",
}

AADSTS_STATUS = {7000215: (401, "invalid_client"), 700016: (400, "unauthorized_client"), 90002: (400, "invalid_request"),
                 700024: (401, "invalid_client"), 700027: (401, "invalid_client"), 7000218: (401, "invalid_client"),
                 1002012: (400, "invalid_scope"), 900023: (400, "invalid_request"), 50027: (401, "invalid_client"),
                 70002: (400, "invalid_request"), 700023: (401, "invalid_client"), 7000222: (401, "invalid_client"),
                 50196: (429, "temporarily_unavailable")}


@dataclass
class App:
    """An app registration with admin-consented application permissions (the token's `roles`)."""

    name: str
    client_id: str
    roles: tuple[str, ...]
    secret: str | None = None
    secret_id: str = ""
    secret_expires: float | None = None
    certs: list[AppCertificate] = field(default_factory=list)

    def cert_for(self, x5t: str | None, x5t256: str | None) -> AppCertificate | None:
        for c in self.certs:
            if (x5t and x5t.rstrip("=") == c.x5t) or (x5t256 and x5t256.rstrip("=") == c.x5t_s256):
                return c
        return None


def aadsts_error(code: int, **fmt: Any) -> tuple[int, dict[str, Any]]:
    status, err = AADSTS_STATUS.get(code, (400, "invalid_request"))
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    trace, corr = str(uuid.uuid4()), str(uuid.uuid4())
    fmt.setdefault("now", now)
    try:
        msg = AADSTS_MESSAGES.get(code, "Error.").format(**{k: fmt.get(k, "") for k in
                                                             ("app", "tenant", "now", "nbf", "exp", "thumb", "scope")})
    except (KeyError, IndexError):
        msg = AADSTS_MESSAGES.get(code, "Error.")
    desc = f"AADSTS{code}: {msg}\r\nTrace ID: {trace}\r\nCorrelation ID: {corr}\r\nTimestamp: {now}"
    body: dict[str, Any] = {"error": err, "error_description": desc, "error_codes": [code], "timestamp": now,
                            "trace_id": trace, "correlation_id": corr,
                            "error_uri": f"https://login.microsoftonline.com/error?code={code}"}
    if code == 90002:
        body["error"] = "invalid_request"
    return status, body


class Identity:
    """Apps, signing key, token issue/validation for one tenant."""

    def __init__(self, tenant_id: str, tenant_name: str, signing_key: rsa.RSAPrivateKey | None = None) -> None:
        self.tenant_id = tenant_id
        self.tenant_name = tenant_name
        self.apps: dict[str, App] = {}
        self.key = signing_key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = base64.urlsafe_b64encode(hashlib.sha1(str(id(self.key)).encode()).digest()).decode().rstrip("=")
        self.token_lifetime = 3599
        self.generation = 0  # tokens of an older generation are rejected (token expiry mid-run)
        self._cache: dict[str, dict[str, Any]] = {}
        self.tokens_issued = 0

    def register(self, name: str, roles: tuple[str, ...] | list[str] = ALL_ROLES, *, secret: str | None = None,
                 certificate: AppCertificate | None = None, client_id: str | None = None) -> App:
        app = App(name=name, client_id=client_id or str(uuid.uuid4()), roles=tuple(roles),
                  secret=secret if secret is not None else secrets.token_urlsafe(30),
                  secret_id=str(uuid.uuid4()))
        if certificate is not None:
            app.certs.append(certificate)
        self.apps[app.client_id] = app
        return app

    def is_tenant(self, ref: str) -> bool:
        low = ref.lower()
        return low in (self.tenant_id, self.tenant_name.lower(), "organizations")

    def issuer(self, authority_host: str) -> str:
        return f"{authority_host}/{self.tenant_id}/v2.0"

    def openid_configuration(self, authority_host: str, tenant_ref: str) -> dict[str, Any]:
        base = f"{authority_host}/{self.tenant_id}"
        return {
            "token_endpoint": f"{authority_host}/{tenant_ref}/oauth2/v2.0/token",
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "jwks_uri": f"{authority_host}/{self.tenant_id}/discovery/v2.0/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": self.issuer(authority_host),
            "request_uri_parameter_supported": False,
            "userinfo_endpoint": "https://graph.microsoft.com/oidc/userinfo",
            "authorization_endpoint": f"{authority_host}/{tenant_ref}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{authority_host}/{tenant_ref}/oauth2/v2.0/devicecode",
            "http_logout_supported": True, "frontchannel_logout_supported": True,
            "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nbf", "tid", "roles"],
            "kerberos_endpoint": f"{base}/kerberos",
            "tenant_region_scope": "EU", "cloud_instance_name": "microsoftonline.com",
            "cloud_graph_host_name": "graph.windows.net", "msgraph_host": "graph.microsoft.com",
            "rbac_url": "https://pas.windows.net",
        }

    def jwks(self) -> dict[str, Any]:
        pub = self.key.public_key().public_numbers()

        def b64(n: int) -> str:
            return base64.urlsafe_b64encode(n.to_bytes((n.bit_length() + 7) // 8, "big")).decode().rstrip("=")

        return {"keys": [{"kty": "RSA", "use": "sig", "kid": self.kid, "n": b64(pub.n), "e": b64(pub.e)}]}

    # --- the token endpoint ---
    def token(self, tenant_ref: str, form: dict[str, str], token_url: str) -> tuple[int, dict[str, Any]]:
        if not self.is_tenant(tenant_ref):
            return aadsts_error(90002, tenant=tenant_ref)
        if form.get("grant_type") != "client_credentials":
            if not form.get("grant_type"):
                return aadsts_error(70002)
            return 400, {**aadsts_error(70002)[1], "error": "unsupported_grant_type"}
        cid = form.get("client_id", "")
        app = self.apps.get(cid)
        if app is None:
            return aadsts_error(700016, app=cid, tenant=self.tenant_name)
        scope = form.get("scope", "")
        scopes = scope.split()
        if not scopes or not all(s.endswith("/.default") for s in scopes):
            return aadsts_error(1002012, scope=scope)
        if "client_secret" in form:
            if app.secret is None or not secrets.compare_digest(form["client_secret"], app.secret):
                return aadsts_error(7000215, app=cid)
            if app.secret_expires is not None and time.time() > app.secret_expires:
                return aadsts_error(7000222, app=cid)
        elif form.get("client_assertion"):
            if form.get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer":
                return aadsts_error(50027)
            err = self._check_assertion(app, form["client_assertion"], token_url, tenant_ref)
            if err is not None:
                return err
        else:
            return aadsts_error(7000218)
        return 200, self.issue(app, scopes[0].rsplit("/.default", 1)[0] or GRAPH_RESOURCE)

    def _check_assertion(self, app: App, assertion: str, token_url: str, tenant_ref: str) -> tuple[int, dict[str, Any]] | None:
        try:
            header = jwt.get_unverified_header(assertion)
        except jwt.PyJWTError:
            return aadsts_error(50027)
        cert = app.cert_for(header.get("x5t"), header.get("x5t#S256"))
        if cert is None and header.get("x5c"):
            try:
                der = base64.b64decode("".join(str(header["x5c"][0]).split()))
                _s1, x5t, x5t256 = thumbprints(der)
                cert = app.cert_for(x5t, x5t256)
            except Exception:
                cert = None
        if cert is None:
            return aadsts_error(700027, thumb=header.get("x5t") or header.get("x5t#S256") or "")
        pub = x509.load_der_x509_certificate(cert.cert_der).public_key()
        alg = header.get("alg", "RS256")
        if alg not in ("RS256", "PS256"):
            return aadsts_error(50027)
        try:
            claims = jwt.decode(assertion, pub, algorithms=[alg], options={"verify_aud": False, "verify_exp": False,
                                                                           "verify_iat": False, "verify_nbf": False})
        except jwt.PyJWTError:
            return aadsts_error(700027, thumb=cert.thumbprint)
        now = time.time()
        exp = claims.get("exp")
        nbf = claims.get("nbf", claims.get("iat", now))
        if not isinstance(exp, int | float) or exp < now - 300:
            return aadsts_error(700024, nbf=_fmt(nbf), exp=_fmt(exp))
        if isinstance(nbf, int | float) and nbf > now + 300:
            return aadsts_error(700024, nbf=_fmt(nbf), exp=_fmt(exp))
        if isinstance(exp, int | float) and isinstance(nbf, int | float) and exp - nbf > 3600 * 24:
            return aadsts_error(700024, nbf=_fmt(nbf), exp=_fmt(exp))
        aud = claims.get("aud")
        auds = aud if isinstance(aud, list) else [aud]
        host = token_url.split("/", 3)[:3]
        ok_auds = {token_url, "/".join(host) + f"/{self.tenant_id}/oauth2/v2.0/token",
                   "/".join(host) + f"/{self.tenant_name}/oauth2/v2.0/token", "/".join(host) + f"/{self.tenant_id}/v2.0",
                   "https://login.microsoftonline.com/" + tenant_ref + "/oauth2/v2.0/token"}
        if not any(a in ok_auds for a in auds):
            return aadsts_error(700023)
        if claims.get("iss") != app.client_id or claims.get("sub") != app.client_id:
            return aadsts_error(700023)
        return None

    def issue(self, app: App, resource: str = GRAPH_RESOURCE) -> dict[str, Any]:
        now = int(time.time())
        life = int(self.token_lifetime)
        claims = {"aud": resource, "iss": f"https://sts.windows.net/{self.tenant_id}/", "iat": now, "nbf": now,
                  "exp": now + life, "aio": secrets.token_urlsafe(16), "app_displayname": app.name, "appid": app.client_id,
                  "appidacr": "1", "idp": f"https://sts.windows.net/{self.tenant_id}/", "idtyp": "app",
                  "oid": str(uuid.uuid5(uuid.NAMESPACE_URL, app.client_id)), "rh": "0.sandbox",
                  "roles": list(app.roles), "sub": str(uuid.uuid5(uuid.NAMESPACE_URL, app.client_id)),
                  "tenant_region_scope": "EU", "tid": self.tenant_id, "uti": secrets.token_urlsafe(16), "ver": "1.0",
                  "xms_tcdt": 1600000000, "xms_sbxg": self.generation}
        tok = jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid, "x5t": self.kid, "typ": "JWT"})
        self.tokens_issued += 1
        return {"token_type": "Bearer", "expires_in": life, "ext_expires_in": life, "access_token": tok}

    def validate(self, token: str) -> dict[str, Any] | None:
        """The claims of a valid, unexpired access token issued by this tenant, or None."""
        claims = self._cache.get(token)
        if claims is None:
            try:
                claims = jwt.decode(token, self.key.public_key(), algorithms=["RS256"],
                                    options={"verify_aud": False, "verify_exp": False})
            except jwt.PyJWTError:
                return None
            if len(self._cache) > 5000:
                self._cache.clear()
            claims["_roles"] = frozenset(claims.get("roles", ()))
            self._cache[token] = claims
        now = time.time()
        if claims["exp"] <= now or claims.get("xms_sbxg") != self.generation:
            return None
        if claims.get("tid") != self.tenant_id:
            return None
        return claims

    def expire_all_tokens(self) -> None:
        """Token expiry mid-run: every access token issued so far is rejected with 401 from now on."""
        self.generation += 1
        self._cache.clear()


def _fmt(v: Any) -> str:
    try:
        return dt.datetime.fromtimestamp(float(v), dt.UTC).strftime("%m/%d/%Y %H:%M:%S")
    except Exception:
        return str(v)
