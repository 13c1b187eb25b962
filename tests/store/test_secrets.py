"""Tests of secret protection: master key creation, permissions, tamper detection.
Each test runs with its own VBOSHELL_HOME."""

from __future__ import annotations

import base64
import os
import stat

import pytest

from vboshell.store import secrets


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("VBOSHELL_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("VBOSHELL_MASTER_KEY", raising=False)
    yield tmp_path / "home"


def test_round_trip_and_permissions(_home):
    tok = secrets.protect(b"s3cr3t-value", "org:app-secret")
    assert tok.startswith("vbk1:") and "s3cr3t" not in tok
    assert secrets.unprotect(tok, "org:app-secret") == b"s3cr3t-value"
    key_file = _home / "master.key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(_home).st_mode) == 0o700
    assert secrets.master_key() == secrets.master_key()


def test_wrong_purpose_tamper_and_wrong_key(_home, monkeypatch):
    tok = secrets.protect(b"abc", "p1")
    with pytest.raises(secrets.SecretError):
        secrets.unprotect(tok, "p2")
    raw = bytearray(base64.b64decode(tok[5:]))
    raw[-1] ^= 1
    with pytest.raises(secrets.SecretError):
        secrets.unprotect("vbk1:" + base64.b64encode(bytes(raw)).decode(), "p1")
    with pytest.raises(secrets.SecretError):
        secrets.unprotect("garbage", "p1")
    monkeypatch.setenv("VBOSHELL_MASTER_KEY", base64.b64encode(b"k" * 32).decode())
    with pytest.raises(secrets.SecretError, match="different master key"):
        secrets.unprotect(tok, "p1")
    tok2 = secrets.protect(b"xyz")
    assert secrets.unprotect(tok2) == b"xyz"


def test_bad_env_key(monkeypatch):
    monkeypatch.setenv("VBOSHELL_MASTER_KEY", "not base64!!")
    with pytest.raises(secrets.SecretError):
        secrets.master_key()
