"""Test helpers for the sandbox: a requests-like httpx adapter for msal and a ready ConfidentialClientApplication.
Test-only; the product's own msal transport lives in vboshell/graph."""

from __future__ import annotations

import ssl
from typing import Any

import httpx


class MsalHttpxClient:
    """What msal needs from an http_client: get/post returning objects with status_code, text, headers."""

    def __init__(self, ca_bundle_path: str | None = None, verify: ssl.SSLContext | bool | None = None,
                 timeout: float = 30.0) -> None:
        ctx = verify if verify is not None else (ssl.create_default_context(cafile=ca_bundle_path) if ca_bundle_path
                                                  else True)
        self.client = httpx.Client(verify=ctx, timeout=timeout)
        self.requests: list[tuple[str, str]] = []  # (method, url) log for tests

    def get(self, url: str, params: Any = None, headers: Any = None, **_: Any) -> httpx.Response:
        self.requests.append(("GET", url))
        return self.client.get(url, params=params, headers=headers)

    def post(self, url: str, params: Any = None, data: Any = None, headers: Any = None, **_: Any) -> httpx.Response:
        self.requests.append(("POST", url))
        if isinstance(data, dict):
            # msal puts the client assertion in as bytes; httpx would form-encode that as "b'...'"
            data = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in data.items()}
        return self.client.post(url, params=params, data=data, headers=headers)

    def close(self) -> None:
        self.client.close()


def msal_app(sandbox: Any, credential: Any = None, app: str | None = None, client_id: str | None = None,
             http_client: MsalHttpxClient | None = None) -> Any:
    """A msal ConfidentialClientApplication for the sandbox (instance discovery off, CA trusted).
    credential defaults to the app's client secret."""
    import msal
    info = sandbox.app_info(app) if app else sandbox.app_info()
    return msal.ConfidentialClientApplication(
        client_id or info.client_id, authority=sandbox.authority,
        client_credential=credential if credential is not None else info.client_secret,
        instance_discovery=False, http_client=http_client or MsalHttpxClient(sandbox.ca_bundle_path))


GRAPH_SCOPE = ["https://graph.microsoft.com/.default"]
