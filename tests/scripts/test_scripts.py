"""Veeam-admin-style scripts run end to end with `vboshell -File`; stdout, stderr and exit code compared exactly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vboshell import cli

HERE = Path(__file__).parent
SCRIPTS = sorted(p.stem for p in HERE.glob("*.ps1"))


@pytest.mark.parametrize("name", SCRIPTS)
def test_script(name, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("VBOSHELL_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("VBO_TEST_SERVER", "vbo01")
    monkeypatch.delenv("NO_COLOR", raising=False)
    work = tmp_path / "work"
    work.mkdir()
    script = work / f"{name}.ps1"
    shutil.copy(HERE / f"{name}.ps1", script)
    monkeypatch.chdir(work)
    code = cli.main(["-NoProfile", "-NonInteractive", "-File", str(script)])
    out, err = capsys.readouterr()
    expected = (HERE / f"{name}.out").read_text(encoding="utf-8")
    assert out == expected
    assert err == ""
    assert code == 0
