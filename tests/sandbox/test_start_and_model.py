"""Ways to start the sandbox (process mode + admin HTTP, the CLI, the cmdlet engine call) and the generator.
Also checks determinism from the seed and the laziness of the large spec."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from vboshell.sandbox import Sandbox
from vboshell.sandbox.model import Tenant
from vboshell.sandbox.spec import NAMED_SPECS, load_spec
from vboshell.sandbox.testing import GRAPH_SCOPE, msal_app


def test_process_mode_and_admin_api() -> None:
    sb = Sandbox("tiny", seed=3).start(mode="process")
    try:
        r = msal_app(sb).acquire_token_for_client(scopes=GRAPH_SCOPE)
        assert "access_token" in r
        mime = b"From: a@b.example\r\nTo: alice@contoso.onmicrosoft.com\r\nSubject: via admin\r\n\r\nhello\r\n"
        mid = sb.mutate.add_message(user="alice", folder="inbox", mime=mime)
        assert sb.truth.message_mime(user="alice", message_id=mid) == mime
        with sb.graph_client() as gc:
            assert gc.get(f"/users/alice@contoso.onmicrosoft.com/messages/{mid}/$value").content == mime
        sb.configure_faults(error_rate=1.0, error_statuses=[503])
        with sb.graph_client() as gc:
            assert gc.get("/organization").status_code == 503
        sb.reset_faults()
        c = sb.counters()
        assert c["faults"] == 1 and c["requests"] >= 2
        with httpx.Client(verify=sb.ssl_context()) as raw:
            assert raw.get(f"{sb.base_url}/_sandbox/counters").status_code == 401  # admin token required
    finally:
        sb.stop()


def test_cli_serve_prints_values_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    p = subprocess.Popen([sys.executable, "-m", "vboshell.sandbox.cli", "serve", "--spec", "tiny", "--seed", "5",
                          "--state-dir", str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=env)
    values: dict[str, str] = {}
    try:
        assert p.stdout is not None
        for line in p.stdout:
            if " : " in line:
                k, _, v = line.partition(" : ")
                values[k.strip()] = v.strip()
            if line.startswith("CertificateAuthorityPath"):
                break
        assert set(values) >= {"TenantId", "TenantName", "ApplicationId", "ApplicationSecret", "CertificatePath",
                               "AuthorityHost", "GraphEndpoint", "CertificateAuthorityPath"}
        import ssl
        ctx = ssl.create_default_context(cafile=values["CertificateAuthorityPath"])
        tok = httpx.post(f"{values['AuthorityHost']}/{values['TenantId']}/oauth2/v2.0/token", verify=ctx,
                         data={"client_id": values["ApplicationId"], "client_secret": values["ApplicationSecret"],
                               "grant_type": "client_credentials", "scope": GRAPH_SCOPE[0]}).json()["access_token"]
        org = httpx.get(f"{values['GraphEndpoint']}/v1.0/organization", verify=ctx,
                        headers={"Authorization": f"Bearer {tok}"}).json()
        assert org["value"][0]["verifiedDomains"][0]["name"] == values["TenantName"]
    finally:
        p.send_signal(signal.SIGINT)
        rc = p.wait(20)
    assert rc == 0


def test_cli_specs_and_usage(capsys: pytest.CaptureFixture[str]) -> None:
    from vboshell.sandbox.cli import main
    assert main(["specs"]) == 0 and "large" in capsys.readouterr().out
    assert main(["sandbox", "spec"]) == 0 and "messagesPerMailbox" in capsys.readouterr().out
    assert main([]) == 2
    assert main(["serve", "--spec", "/no/such.yaml"]) == 2


def test_cmdlet_engine_call_reuses_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VBOSHELL_HOME", str(tmp_path))
    from vboshell.cmdlets.sandbox import start_sandbox, stop_sandboxes
    try:
        a = start_sandbox("tiny", 11)
        assert a.TenantName == "contoso.onmicrosoft.com" and a.IsRunning
        assert str(a.ApplicationSecret) == "System.Security.SecureString"
        assert a.DeleteMessage("alice", "Invoice") == 1 and a.FindMessage("alice", "Invoice") == []
        assert start_sandbox("tiny", 11)._handle is a._handle  # idempotent
        stop_sandboxes()
        b = start_sandbox("tiny", 11)
        assert b.ApplicationId == a.ApplicationId and b.ApplicationSecret.reveal() == a.ApplicationSecret.reveal()
        assert b.CertificateAuthorityPath == a.CertificateAuthorityPath
    finally:
        stop_sandboxes()


def test_generator_is_deterministic() -> None:
    a, b, c = Tenant(load_spec(seed=1)), Tenant(load_spec(seed=1)), Tenant(load_spec(seed=2))
    ua = a.users[0]
    assert [u.id for u in a.users] == [u.id for u in b.users] != [u.id for u in c.users]
    ma, mb = a.mailboxes[ua.id], b.mailboxes[ua.id]
    ia = list(ma.messages.items())
    ib = list(mb.messages.items())
    assert [a.message_id(ma, i.idx) for i in ia] == [b.message_id(mb, i.idx) for i in ib]
    assert a.message_mime(ma, ia[3]) == b.message_mime(mb, ib[3])
    da, db = a.user_drive[ua.id], b.user_drive[ua.id]
    assert [(i.name, i.size) for i in da.items.items()] == [(i.name, i.size) for i in db.items.items()]


def test_default_spec_contents() -> None:
    t = Tenant(load_spec())
    purposes = [u.purpose for u in t.users]
    for p in ("shared", "room", "equipment", "publicFolder", "discovery"):
        assert p in purposes
    assert all(not u.listed for u in t.users if u.purpose in ("publicFolder", "discovery"))
    assert any(g.kind == "dynamicDistribution" and not g.listed for g in t.groups)
    assert {g.kind for g in t.groups} >= {"unified", "security", "distribution"}
    assert len(t.archives) == 2 and t.teams
    assert sum(1 for u in t.users if u.purpose == "user") == 8
    total = sum(mb.messages.count() for mb in t.mailboxes.values())
    assert 150 < total < 600


def test_spec_yaml_file_and_named(tmp_path: Path) -> None:
    f = tmp_path / "s.yaml"
    f.write_text("seed: 9\nusers:\n  count: 2\ntenant:\n  name: fabrikam\n")
    s = load_spec(str(f))
    assert s["seed"] == 9 and s["users"]["count"] == 2 and s["mail"]["messagesPerMailbox"] == 24
    t = Tenant(s)
    assert t.name == "fabrikam.onmicrosoft.com"
    assert set(NAMED_SPECS) >= {"default", "tiny", "medium", "large"}
    with pytest.raises(ValueError):
        load_spec("- just\n- a list\n")


def test_large_spec_is_lazy() -> None:
    import psutil
    rss = psutil.Process().memory_info().rss
    t = Tenant(load_spec("large"))
    grown = psutil.Process().memory_info().rss - rss
    assert sum(mb.messages.count() for mb in t.mailboxes.values()) >= 1_000_000
    assert grown < 200 * 1024 * 1024
    _ = Any
