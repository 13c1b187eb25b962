"""Starting and stopping the sandbox tenant: the `Sandbox` handle, in-process (background thread) or its own process.
The handle carries the connection values (tenant, app id, secret, certificates, endpoints, CA) and the test APIs."""

from __future__ import annotations

import base64
import contextlib
import importlib.util
import json
import os
import secrets
import shutil
import socket
import ssl
import tempfile
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from vboshell.sandbox.certs import AppCertificate, make_app_certificate, make_server_certs
from vboshell.sandbox.spec import load_spec

DEFAULT_APP = "vboshell-sandbox"
NO_SITES_APP = "vboshell-sandbox-nosites"
NO_MAIL_APP = "vboshell-sandbox-nomail"


@dataclass
class AppInfo:
    """An app registration in the sandbox tenant and its credentials."""

    name: str
    client_id: str
    client_secret: str
    roles: list[str]
    certificate_pfx_path: str = ""
    certificate_password: str = ""
    certificate_pem_path: str = ""  # private key + certificate
    certificate_key_path: str = ""
    certificate_cert_path: str = ""
    thumbprint: str = ""

    def __repr__(self) -> str:  # never print secrets
        return f"AppInfo(name={self.name!r}, client_id={self.client_id!r}, roles={len(self.roles)} roles)"


@dataclass
class SandboxConfig:
    """Everything a server process needs to build the same tenant (persisted as config.json, mode 0600)."""

    state_dir: str
    spec: dict[str, Any]
    port: int
    ca_path: str
    server_cert: str
    server_key: str
    signing_key: str
    admin_token: str = field(repr=False)
    apps: list[AppInfo] = field(default_factory=list)
    token_lifetime: int = 3599
    time_scale: float = 1.0
    throttling: bool = True

    def save(self) -> str:
        p = Path(self.state_dir) / "config.json"
        p.write_text(json.dumps(asdict(self), indent=1))
        os.chmod(p, 0o600)
        return str(p)

    @classmethod
    def load(cls, path: str) -> SandboxConfig:
        d = json.loads(Path(path).read_text())
        d["apps"] = [AppInfo(**a) for a in d["apps"]]
        return cls(**d)


def _roles_without(prefixes: tuple[str, ...]) -> list[str]:
    from vboshell.sandbox.identity import ALL_ROLES
    return [r for r in ALL_ROLES if not r.startswith(prefixes)]


def build_app(cfg: SandboxConfig) -> Any:
    """The ASGI app for a config (tenant generated from the spec, apps registered, signing key loaded)."""
    from vboshell.sandbox.app import SandboxApp
    from vboshell.sandbox.certs import thumbprints
    from vboshell.sandbox.identity import Identity
    from vboshell.sandbox.model import Tenant

    tenant = Tenant(cfg.spec)
    key = serialization.load_pem_private_key(Path(cfg.signing_key).read_bytes(), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    ident = Identity(tenant.id, tenant.name, key)
    ident.token_lifetime = cfg.token_lifetime
    for a in cfg.apps:
        cert = None
        if a.certificate_cert_path:
            from cryptography import x509
            c = x509.load_pem_x509_certificate(Path(a.certificate_cert_path).read_bytes())
            der = c.public_bytes(serialization.Encoding.DER)
            sha1_hex, x5t, x5t256 = thumbprints(der)
            cert = AppCertificate(a.certificate_pem_path, a.certificate_key_path, a.certificate_cert_path,
                                  a.certificate_pfx_path, a.certificate_password, sha1_hex, x5t, x5t256, der)
        ident.register(a.name, tuple(a.roles), secret=a.client_secret, certificate=cert, client_id=a.client_id)
    app = SandboxApp(tenant, ident)
    app.admin_token = cfg.admin_token
    app.base_url = f"https://127.0.0.1:{cfg.port}"
    app.throttle.config.time_scale = cfg.time_scale
    app.throttle.config.enabled = cfg.throttling
    return app


def _uvicorn_config(app: Any, cfg: SandboxConfig, **kw: Any) -> Any:
    import uvicorn
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return uvicorn.Config(app, host="127.0.0.1", port=cfg.port, ssl_certfile=cfg.server_cert, ssl_keyfile=cfg.server_key,
                          log_level="warning", access_log=False, lifespan="off", loop=loop, http=http,
                          timeout_keep_alive=30, server_header=False, date_header=False, **kw)


def _serve_process(config_path: str) -> None:  # pragma: no cover - runs in a child process
    import uvicorn
    cfg = SandboxConfig.load(config_path)
    app = build_app(cfg)
    uvicorn.Server(_uvicorn_config(app, cfg)).run()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Proxy:
    """`sandbox.mutate.add_message(...)` / `sandbox.truth.messages(...)`: direct calls in-process, admin HTTP otherwise."""

    def __init__(self, sb: Sandbox, kind: str) -> None:
        self._sb = sb
        self._kind = kind

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)

        def call(*args: Any, **kw: Any) -> Any:
            if args:  # positional arguments become keywords (the admin HTTP API takes names)
                import inspect

                from vboshell.sandbox.model import Tenant
                from vboshell.sandbox.truth import Truth
                fn = getattr(Tenant if self._kind == "mutate" else Truth, name, None)
                if fn is None:
                    raise AttributeError(f"no {self._kind} operation {name!r}")
                bound = inspect.signature(fn).bind(None, *args, **kw)
                kw = {k: v for k, v in bound.arguments.items() if k != "self"}
            return self._sb._call(self._kind, name, kw)
        call.__name__ = name
        return call


class Sandbox:
    """A running sandbox tenant. See the package docstring for the API."""

    def __init__(self, spec: str | Path | dict[str, Any] | None = None, *, seed: int | None = None, port: int = 0,
                 state_dir: str | None = None, token_lifetime: int = 3599, time_scale: float = 1.0,
                 throttling: bool = True, extra_apps: list[dict[str, Any]] | None = None, reuse: bool = False) -> None:
        """reuse=True with a state_dir: keep the certificates, app ids, secrets and (if free) the port of an earlier
        run with the same spec, so saved organization settings keep working across sessions."""
        self.spec = load_spec(spec, seed=seed)
        self._reuse = reuse and state_dir is not None
        self._own_dir = state_dir is None
        self.state_dir = state_dir or tempfile.mkdtemp(prefix="vboshell-sandbox-")
        os.makedirs(self.state_dir, exist_ok=True)
        self._port_req = port
        self._extra_apps = extra_apps or []
        self._token_lifetime = token_lifetime
        self._time_scale = time_scale
        self._throttling = throttling
        self.config: SandboxConfig | None = None
        self.app: Any = None  # the in-process SandboxApp (thread mode)
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._proc: Any = None
        self._sock: socket.socket | None = None
        self.mode = ""
        self.mutate = _Proxy(self, "mutate")
        self.truth = _Proxy(self, "truth")

    # ------------------------------------------------------------------------------------------------ lifecycle
    def _prepare(self, port: int) -> SandboxConfig:
        d = Path(self.state_dir)
        srv = make_server_certs(d)
        from vboshell.sandbox.certs import signing_key
        key = signing_key()
        kp = d / "token-signing.key"
        kp.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption()))
        os.chmod(kp, 0o600)
        from vboshell.sandbox.identity import ALL_ROLES
        from vboshell.sandbox.model import guid
        seed = self.spec.get("seed", 42)
        apps_req = [{"name": DEFAULT_APP, "roles": list(ALL_ROLES)},
                    {"name": NO_SITES_APP, "roles": _roles_without(("Sites.", "Files."))},
                    {"name": NO_MAIL_APP, "roles": _roles_without(("Mail", "Contacts.", "Calendars."))}] + self._extra_apps
        apps = []
        for a in apps_req:
            pw = secrets.token_urlsafe(12)
            cert = make_app_certificate(d / "apps", a["name"], pw)
            apps.append(AppInfo(name=a["name"], client_id=a.get("client_id") or guid(seed, "app", a["name"]),
                                client_secret=secrets.token_urlsafe(30), roles=list(a.get("roles", ALL_ROLES)),
                                certificate_pfx_path=cert.pfx_path, certificate_password=pw,
                                certificate_pem_path=cert.pem_path, certificate_key_path=cert.key_path,
                                certificate_cert_path=cert.cert_path, thumbprint=cert.thumbprint))
        cfg = SandboxConfig(state_dir=str(d), spec=self.spec, port=port, ca_path=srv.ca_path, server_cert=srv.cert_path,
                            server_key=srv.key_path, signing_key=str(kp), admin_token=secrets.token_urlsafe(24),
                            apps=apps, token_lifetime=self._token_lifetime, time_scale=self._time_scale,
                            throttling=self._throttling)
        cfg.save()
        tok = d / "admin-token"
        tok.write_text(cfg.admin_token)
        os.chmod(tok, 0o600)
        return cfg

    def _reusable(self) -> SandboxConfig | None:
        if not self._reuse:
            return None
        p = Path(self.state_dir) / "config.json"
        try:
            cfg = SandboxConfig.load(str(p))
        except (OSError, ValueError, TypeError, KeyError):
            return None
        files = [cfg.ca_path, cfg.server_cert, cfg.server_key, cfg.signing_key] + \
            [a.certificate_pfx_path for a in cfg.apps]
        if cfg.spec != self.spec or not all(Path(f).exists() for f in files):
            return None
        if {a.name for a in cfg.apps} != {DEFAULT_APP, NO_SITES_APP, NO_MAIL_APP} | {a["name"] for a in self._extra_apps}:
            return None
        cfg.token_lifetime, cfg.time_scale, cfg.throttling = self._token_lifetime, self._time_scale, self._throttling
        return cfg

    def start(self, mode: str = "thread", timeout: float = 30.0) -> Sandbox:
        """mode 'thread': uvicorn in a daemon thread of this process (the Python test APIs work directly);
        mode 'process': its own process (benchmarks); the test APIs then go over the admin HTTP endpoints."""
        if self.mode:
            return self
        if mode == "thread":
            stored = self._reusable()
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", self._port_req or (stored.port if stored else 0)))
            except OSError:
                if self._port_req:
                    sock.close()
                    raise
                sock.bind(("127.0.0.1", 0))
            sock.listen(512)
            self._sock = sock
            port = int(sock.getsockname()[1])
            if stored is not None:
                stored.port = port
                stored.save()
                self.config = stored
            else:
                self.config = self._prepare(port)
            self.app = build_app(self.config)
            import uvicorn
            self._server = uvicorn.Server(_uvicorn_config(self.app, self.config))
            self._server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
            self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                            name="vboshell-sandbox", daemon=True)
            self._thread.start()
            deadline = time.monotonic() + timeout
            while not self._server.started:
                if not self._thread.is_alive() or time.monotonic() > deadline:
                    raise RuntimeError("the sandbox server did not start")
                time.sleep(0.01)
        elif mode == "process":
            stored = self._reusable()
            port = self._port_req or _free_port()
            if stored is not None:
                stored.port = port
                stored.save()
                self.config = stored
            else:
                self.config = self._prepare(port)
            import subprocess
            import sys
            self._proc = subprocess.Popen([sys.executable, "-m", "vboshell.sandbox.server", "--config",
                                           str(Path(self.state_dir) / "config.json")], stdin=subprocess.DEVNULL)
            deadline = time.monotonic() + timeout
            while True:
                try:
                    self._admin("GET", "info")
                    break
                except Exception:
                    if self._proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("the sandbox server process did not start") from None
                    time.sleep(0.1)
        else:
            raise ValueError("mode must be 'thread' or 'process'")
        self.mode = mode
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            if self._thread is not None:
                self._thread.join(0.5)
                if self._thread.is_alive():
                    # clients still holding keep-alive TLS connections (an engine's pool) would make uvicorn wait
                    # for them to close for as long as they live: stop waiting
                    self._server.force_exit = True
                    self._thread.join(10)
            self._server = None
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()
            self._sock = None
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(10)
            except Exception:  # noqa: BLE001 - a stuck server is killed
                self._proc.kill()
                self._proc.wait(5)
            self._proc = None
        self.mode = ""
        if self._own_dir:
            shutil.rmtree(self.state_dir, ignore_errors=True)

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return bool(self.mode)

    # ------------------------------------------------------------------------------------------------ values
    def _cfg(self) -> SandboxConfig:
        if self.config is None:
            raise RuntimeError("the sandbox is not started")
        return self.config

    def app_info(self, name: str = DEFAULT_APP) -> AppInfo:
        for a in self._cfg().apps:
            if a.name == name:
                return a
        raise KeyError(name)

    @property
    def apps(self) -> list[AppInfo]:
        return list(self._cfg().apps)

    @property
    def port(self) -> int:
        return self._cfg().port

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    authority_host = base_url
    graph_endpoint = base_url

    @property
    def graph_url(self) -> str:
        return self.base_url + "/v1.0"

    @property
    def tenant_id(self) -> str:
        from vboshell.sandbox.model import guid
        return guid(int(self.spec.get("seed", 42)), "tenant", str(self.spec.get("tenant", {}).get("name", "contoso")).lower())

    @property
    def tenant_name(self) -> str:
        return f"{str(self.spec.get('tenant', {}).get('name', 'contoso')).lower()}.onmicrosoft.com"

    @property
    def authority(self) -> str:
        return f"{self.base_url}/{self.tenant_id}"

    @property
    def client_id(self) -> str:
        return self.app_info().client_id

    @property
    def client_secret(self) -> str:
        return self.app_info().client_secret

    @property
    def certificate_path(self) -> str:
        """The default app's certificate as PFX (password: certificate_password)."""
        return self.app_info().certificate_pfx_path

    @property
    def certificate_password(self) -> str:
        return self.app_info().certificate_password

    @property
    def certificate_pem_path(self) -> str:
        """Private key + certificate, PEM."""
        return self.app_info().certificate_pem_path

    @property
    def certificate_key_path(self) -> str:
        return self.app_info().certificate_key_path

    @property
    def certificate_cert_path(self) -> str:
        return self.app_info().certificate_cert_path

    @property
    def certificate_thumbprint(self) -> str:
        return self.app_info().thumbprint

    @property
    def ca_bundle_path(self) -> str:
        return self._cfg().ca_path

    @property
    def admin_token(self) -> str:
        return self._cfg().admin_token

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_bundle_path)

    @property
    def tenant(self) -> Any:
        """The live model (thread mode only)."""
        if self.app is None:
            raise RuntimeError("the tenant model is only reachable in thread mode")
        return self.app.tenant

    def __repr__(self) -> str:
        return f"<Sandbox {self.tenant_name} {self.base_url if self.config else '(stopped)'} mode={self.mode or '-'}>"

    # ------------------------------------------------------------------------------------------------ test APIs
    def _admin(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"{self.base_url}/_sandbox/{path}", data=data, method=method,
                                     headers={"X-Sandbox-Admin": self.admin_token, "Content-Type": "application/json"})
        with urllib.request.urlopen(req, context=self.ssl_context(), timeout=30) as r:
            return json.loads(r.read())

    def _call(self, kind: str, name: str, kw: dict[str, Any]) -> Any:
        from vboshell.sandbox.admin import MUTATIONS, TRUTH
        allowed = MUTATIONS if kind == "mutate" else TRUTH
        if name not in allowed:
            raise AttributeError(f"no {kind} operation {name!r}")
        if self.app is not None:
            target = self.app.tenant if kind == "mutate" else self.app.admin.truth
            return getattr(target, name)(**kw)
        enc = {k: ({"$bytes": base64.b64encode(v).decode()} if isinstance(v, bytes) else v) for k, v in kw.items()}
        res = self._admin("POST", f"{kind}/{name}", enc)["result"]
        return _decode(res)

    def counters(self) -> dict[str, Any]:
        """requests, per_endpoint, per_status, throttled, faults, faults_by_kind, bytes_out, bytes_in, token_requests,
        mailboxes_touched, max_requests_per_mailbox, spo_resource_units, elapsed_s, min_time_s."""
        if self.app is not None:
            return self.app.counters.snapshot(self.app.throttle.config)
        return self._admin("GET", "counters")

    def reset_counters(self) -> None:
        if self.app is not None:
            self.app.counters.reset()
            self.app.throttle.reset()
        else:
            self._admin("DELETE", "counters")

    def configure_faults(self, **knobs: Any) -> None:
        """See limits.FaultConfig: error_rate, error_statuses, retry_after_s, reset_rate, latency_ms, latency_dist,
        delta_expiry_rate, token_expiry_rate, missing_fields_rate, wrong_types_rate, truncated_mime_rate,
        invalid_utf8_names_rate, include_downloads, seed, only_paths."""
        if self.app is not None:
            self.app.faults.configure(**knobs)
        else:
            self._admin("POST", "faults", knobs)

    def reset_faults(self) -> None:
        if self.app is not None:
            self.app.faults.reset()
        else:
            self._admin("DELETE", "faults")

    def configure_throttle(self, **settings: Any) -> None:
        """See limits.ThrottleConfig: enabled, time_scale, outlook_concurrency, outlook_requests, outlook_window_s,
        spo_resource_units, spo_window_s, spo_status. Resets the limiters' windows."""
        if self.app is not None:
            from vboshell.sandbox.limits import ThrottleConfig
            cur = asdict(self.app.throttle.config)
            for k, v in settings.items():
                if k not in cur:
                    raise ValueError(f"unknown throttle setting {k!r}")
                cur[k] = v
            self.app.throttle.config = ThrottleConfig(**cur)
            self.app.throttle.reset()
        else:
            self._admin("POST", "throttle", settings)

    def reset_throttle(self) -> None:
        """Back to the documented limits (time_scale 1, throttling as configured at start)."""
        from vboshell.sandbox.limits import ThrottleConfig
        self.configure_throttle(**{**asdict(ThrottleConfig()), "enabled": self._throttling, "time_scale": self._time_scale})

    def expire_access_tokens(self) -> None:
        """Token expiry mid-run: every token issued so far gets 401 InvalidAuthenticationToken from now on."""
        if self.app is not None:
            self.app.identity.expire_all_tokens()
        else:
            self._admin("POST", "expire-access-tokens", {})

    def set_token_lifetime(self, seconds: int) -> None:
        if self.app is not None:
            self.app.identity.token_lifetime = int(seconds)
        else:
            self._admin("POST", "token-lifetime", {"seconds": int(seconds)})

    def expire_delta_tokens(self) -> None:
        """Every delta/next link issued so far answers 410 (SyncStateNotFound for Outlook, resyncRequired for drives)."""
        self._call("mutate", "expire_delta_tokens", {})

    def set_mailbox_rest_enabled(self, user: str, enabled: bool) -> None:
        """enabled=False: that user's mail endpoints answer 404 MailboxNotEnabledForRESTAPI."""
        if self.app is not None:
            uid = self.app.tenant.user(user).id
            (self.app.rest_disabled.discard if enabled else self.app.rest_disabled.add)(uid)
        else:
            self._admin("POST", "mailbox-rest", {"user": user, "enabled": enabled})

    def set_mailbox_quota_exceeded(self, user: str, exceeded: bool = True) -> None:
        """exceeded=True: delta queries on that mailbox answer 403 ErrorQuotaExceeded (delta writes sync state)."""
        if self.app is not None:
            uid = self.app.tenant.user(user).id
            (self.app.quota_exceeded.add if exceeded else self.app.quota_exceeded.discard)(uid)
        else:
            self._admin("POST", "mailbox-quota", {"user": user, "exceeded": exceeded})

    def set_protected_api_approved(self, app: str = DEFAULT_APP, approved: bool = True) -> None:
        """approved=False: the app's reads of Teams channel/chat messages answer 403 (protected API not approved)."""
        cid = self.app_info(app).client_id
        if self.app is not None:
            (self.app.protected_unapproved.discard if approved else self.app.protected_unapproved.add)(cid)
        else:
            self._admin("POST", "protected-api", {"client_id": cid, "approved": approved})

    # convenience: clients for tests
    def httpx_client(self, **kw: Any) -> Any:
        """An httpx.Client that trusts the sandbox CA (no Authorization header)."""
        import httpx
        return httpx.Client(verify=self.ssl_context(), **kw)

    def token(self, app: str = DEFAULT_APP) -> str:
        """An access token for an app via the token endpoint (client secret), for tests that skip msal."""
        import httpx
        a = self.app_info(app)
        with httpx.Client(verify=self.ssl_context()) as c:
            r = c.post(f"{self.authority}/oauth2/v2.0/token",
                       data={"client_id": a.client_id, "client_secret": a.client_secret, "grant_type": "client_credentials",
                             "scope": "https://graph.microsoft.com/.default"})
            r.raise_for_status()
            return str(r.json()["access_token"])

    def graph_client(self, app: str = DEFAULT_APP, **kw: Any) -> Any:
        """An httpx.Client with base_url = graph endpoint + /v1.0 and a Bearer token (tests only)."""
        import httpx
        return httpx.Client(base_url=self.graph_url, verify=self.ssl_context(),
                            headers={"Authorization": f"Bearer {self.token(app)}"}, **kw)


def _decode(v: Any) -> Any:
    if isinstance(v, dict):
        if set(v) == {"$bytes"}:
            return base64.b64decode(v["$bytes"])
        return {k: _decode(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_decode(x) for x in v]
    return v


if __name__ == "__main__":  # pragma: no cover - `python -m vboshell.sandbox.server --config FILE` (process mode)
    import sys as _sys
    if len(_sys.argv) == 3 and _sys.argv[1] == "--config":
        _serve_process(_sys.argv[2])
    else:
        print("usage: python -m vboshell.sandbox.server --config CONFIG.json", file=_sys.stderr)
        raise SystemExit(2)
