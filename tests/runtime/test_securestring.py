"""SecureString/PSCredential never reveal their secret; machine-key protection round-trips."""

from __future__ import annotations

import json
import pickle

import pytest

from vboshell.runtime.securestring import PSCredential, SecureString, protect_secure_string, unprotect_secure_string


def test_never_prints():
    s = SecureString("hunter2")
    assert str(s) == "System.Security.SecureString"
    assert "hunter2" not in repr(s)
    assert "hunter2" not in f"{s}"
    assert s.reveal() == "hunter2"
    assert s.Length == 7


def test_not_picklable_and_json_safe():
    s = SecureString("hunter2")
    with pytest.raises(TypeError):
        pickle.dumps(s)
    assert "hunter2" not in json.dumps({"p": s}, default=lambda o: o.__json__())


def test_credential():
    c = PSCredential("CONTOSO\\admin", SecureString("pw"))
    n = c.GetNetworkCredential()
    assert (n.UserName, n.Domain, n.Password) == ("admin", "CONTOSO", "pw")
    assert "pw" not in repr(c)


def test_protect_roundtrip(tmp_path, monkeypatch):
    monkeypatch.setenv("VBOSHELL_HOME", str(tmp_path))
    token = protect_secure_string(SecureString("s3cret"))
    assert "s3cret" not in token
    assert unprotect_secure_string(token).reveal() == "s3cret"


def test_unprotect_garbage_is_error_record(tmp_path, monkeypatch):
    from vboshell.runtime.errors import PSRuntimeError

    monkeypatch.setenv("VBOSHELL_HOME", str(tmp_path))
    with pytest.raises(PSRuntimeError) as ei:
        unprotect_secure_string("not-a-token")
    assert "not-a-token" not in ei.value.error_record.message


def test_in_scripts(ps):
    assert ps.run("$s = ConvertTo-SecureString 'pw' -AsPlainText -Force; \"$s\"") == ["System.Security.SecureString"]
    assert ps.run("$c = [pscredential]::new('u', (ConvertTo-SecureString 'pw' -AsPlainText -Force)); $c.GetNetworkCredential().Password") == ["pw"]
    assert ps.run("(ConvertTo-SecureString 'pw' -AsPlainText -Force) -is [securestring]") == [True]
