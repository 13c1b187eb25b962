"""Identity tests for the sandbox: msal gets tokens with a secret and certificates; AADSTS errors are Entra's.
Uses msal itself through the test-only httpx adapter in vboshell/sandbox/testing.py."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import jwt
import msal
import pytest

from vboshell.sandbox.testing import GRAPH_SCOPE, MsalHttpxClient, msal_app


def test_msal_secret(sandbox: Any) -> None:
    http = MsalHttpxClient(sandbox.ca_bundle_path)
    app = msal_app(sandbox, http_client=http)
    r = app.acquire_token_for_client(scopes=GRAPH_SCOPE)
    assert r.get("token_type") == "Bearer", r
    assert r["token_source"] == "identity_provider"
    claims = jwt.decode(r["access_token"], options={"verify_signature": False})
    assert claims["tid"] == sandbox.tenant_id
    assert "Mail.ReadWrite" in claims["roles"]
    assert claims["aud"] == "https://graph.microsoft.com"
    # exactly discovery + token, then the cache
    assert [m for m, _ in http.requests] == ["GET", "POST"]
    assert app.acquire_token_for_client(scopes=GRAPH_SCOPE)["token_source"] == "cache"


def test_msal_tenant_name_authority(sandbox: Any) -> None:
    app = msal.ConfidentialClientApplication(sandbox.client_id, authority=f"{sandbox.authority_host}/{sandbox.tenant_name}",
                                             client_credential=sandbox.client_secret, instance_discovery=False,
                                             http_client=MsalHttpxClient(sandbox.ca_bundle_path))
    assert "access_token" in app.acquire_token_for_client(scopes=GRAPH_SCOPE)


def test_msal_certificate_thumbprint_rs256(sandbox: Any) -> None:
    cred = {"private_key": open(sandbox.certificate_key_path).read(), "thumbprint": sandbox.certificate_thumbprint}
    r = msal_app(sandbox, cred).acquire_token_for_client(scopes=GRAPH_SCOPE)
    assert "access_token" in r, r


def test_msal_certificate_pem_ps256_x5c(sandbox: Any) -> None:
    pem = open(sandbox.certificate_pem_path).read()
    cred = {"private_key": pem, "public_certificate": open(sandbox.certificate_cert_path).read()}
    r = msal_app(sandbox, cred).acquire_token_for_client(scopes=GRAPH_SCOPE)
    assert "access_token" in r, r


def test_msal_certificate_pfx(sandbox: Any) -> None:
    cred = {"private_key_pfx_path": sandbox.certificate_path, "passphrase": sandbox.certificate_password}
    r = msal_app(sandbox, cred).acquire_token_for_client(scopes=GRAPH_SCOPE)
    assert "access_token" in r, r


def test_wrong_secret_7000215(sandbox: Any) -> None:
    r = msal_app(sandbox, "not-the-secret").acquire_token_for_client(scopes=GRAPH_SCOPE)
    assert r["error"] == "invalid_client" and r["error_codes"] == [7000215]
    assert r["error_description"].startswith("AADSTS7000215:")
    for k in ("timestamp", "trace_id", "correlation_id", "error_uri"):
        assert k in r


def test_unknown_app_700016(sandbox: Any) -> None:
    r = msal_app(sandbox, "x", client_id=str(uuid.uuid4())).acquire_token_for_client(scopes=GRAPH_SCOPE)
    assert r["error"] == "unauthorized_client" and r["error_codes"] == [700016]


def test_unknown_tenant_90002(sandbox: Any) -> None:
    with pytest.raises(ValueError):
        msal.ConfidentialClientApplication(sandbox.client_id, authority=f"{sandbox.authority_host}/nosuch.onmicrosoft.com",
                                           client_credential="x", instance_discovery=False,
                                           http_client=MsalHttpxClient(sandbox.ca_bundle_path))
    with httpx.Client(verify=sandbox.ssl_context()) as c:
        r = c.post(f"{sandbox.authority_host}/nosuch.onmicrosoft.com/oauth2/v2.0/token",
                   data={"client_id": sandbox.client_id, "client_secret": "x", "grant_type": "client_credentials",
                         "scope": GRAPH_SCOPE[0]})
        assert r.status_code == 400 and r.json()["error_codes"] == [90002]
        d = c.get(f"{sandbox.authority_host}/nosuch/v2.0/.well-known/openid-configuration")
        assert d.status_code == 400 and d.json()["error"] == "invalid_tenant"


def _assertion(sandbox: Any, **over: Any) -> str:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key
    key = load_pem_private_key(open(sandbox.certificate_key_path, "rb").read(), None)
    now = time.time()
    claims = {"aud": f"{sandbox.authority}/oauth2/v2.0/token", "iss": sandbox.client_id, "sub": sandbox.client_id,
              "jti": str(uuid.uuid4()), "iat": now, "exp": now + 600}
    claims.update(over)
    import base64
    x5t = base64.urlsafe_b64encode(bytes.fromhex(sandbox.certificate_thumbprint)).decode()
    return jwt.encode(claims, key, algorithm="RS256", headers={"x5t": x5t})


def _post_assertion(sandbox: Any, assertion: str) -> httpx.Response:
    with httpx.Client(verify=sandbox.ssl_context()) as c:
        return c.post(f"{sandbox.authority}/oauth2/v2.0/token",
                      data={"client_id": sandbox.client_id, "grant_type": "client_credentials", "scope": GRAPH_SCOPE[0],
                            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                            "client_assertion": assertion})


def test_assertion_checks(sandbox: Any) -> None:
    assert _post_assertion(sandbox, _assertion(sandbox)).status_code == 200
    r = _post_assertion(sandbox, _assertion(sandbox, exp=time.time() - 3600, iat=time.time() - 4000))
    assert r.status_code == 401 and r.json()["error_codes"] == [700024]
    r = _post_assertion(sandbox, _assertion(sandbox, aud="https://elsewhere.example/token"))
    assert r.status_code == 401 and r.json()["error_codes"] == [700023]
    # signed by a key that is not the registered certificate's
    from cryptography.hazmat.primitives.asymmetric import rsa
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tok = _assertion(sandbox)
    header = jwt.get_unverified_header(tok)
    forged = jwt.encode(jwt.decode(tok, options={"verify_signature": False}), other, algorithm="RS256",
                        headers={"x5t": header["x5t"]})
    r = _post_assertion(sandbox, forged)
    assert r.status_code == 401 and r.json()["error_codes"] == [700027]


def test_token_lifetime_and_roles_per_app(sandbox: Any) -> None:
    info = sandbox.app_info("vboshell-sandbox-nosites")
    r = msal_app(sandbox, app="vboshell-sandbox-nosites").acquire_token_for_client(scopes=GRAPH_SCOPE)
    claims = jwt.decode(r["access_token"], options={"verify_signature": False})
    assert claims["appid"] == info.client_id
    assert "Sites.Read.All" not in claims["roles"] and "Mail.ReadWrite" in claims["roles"]
    assert 3500 <= r["expires_in"] <= 3599
