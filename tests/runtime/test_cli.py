"""The vboshell CLI: -File with named/positional args, -Command, -Command -, switches, exit codes, subcommands."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from vboshell import cli


def run_cli(args, capsys, stdin: str | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("VBOSHELL_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)


def test_command_output_and_exit_zero(capsys):
    assert run_cli(["-Command", "1+1"], capsys)[:2] == (0, "2\n")


def test_command_joined_words(capsys):
    assert run_cli(["-Command", "'a'", "+", "'b'"], capsys)[:2] == (0, "ab\n")


def test_command_exit_code(capsys):
    assert run_cli(["-Command", "exit 5"], capsys)[0] == 5


def test_command_throw_exit_one(capsys):
    code, out, err = run_cli(["-c", "throw 'bad'"], capsys)
    assert code == 1
    assert err.startswith("bad\nAt line:1 char:1\n")


def test_command_nonterminating_error_exit_zero(capsys):
    code, out, err = run_cli(["-Command", "Write-Error 'soft'; 'after'"], capsys)
    assert code == 0 and out == "after\n" and "soft" in err


def test_command_stdin(capsys, monkeypatch):
    assert run_cli(["-Command", "-"], capsys, "$x = 3\n$x * 2\n", monkeypatch)[:2] == (0, "6\n")


def test_noninteractive_missing_mandatory_is_error(capsys, tmp_path):
    (tmp_path / "m.ps1").write_text("param([Parameter(Mandatory)]$Name)\n\"hi $Name\"\n")
    code, out, err = run_cli(["-NonInteractive", "-File", "m.ps1"], capsys)
    assert code == 1
    assert "missing mandatory parameters: Name" in err


def test_file_named_and_positional_args(capsys, tmp_path):
    (tmp_path / "s.ps1").write_text("param([string]$Org, [int]$Days = 7, [switch]$Force)\n\"$Org/$Days/$Force\"\n")
    assert run_cli(["-File", "s.ps1", "-Org", "Contoso", "-Days", "30", "-Force"], capsys)[:2] == (0, "Contoso/30/True\n")
    assert run_cli(["-File", "s.ps1", "Fabrikam", "2"], capsys)[:2] == (0, "Fabrikam/2/False\n")
    assert run_cli(["-File", "s.ps1", "-Org:X", "-Force:$false"], capsys)[:2] == (0, "X/7/False\n")


def test_file_exit_codes(capsys, tmp_path):
    (tmp_path / "e.ps1").write_text("'x'\nexit 3\n")
    assert run_cli(["-File", "e.ps1"], capsys)[0] == 3
    (tmp_path / "t.ps1").write_text("throw 'fail'\n")
    code, out, err = run_cli(["-File", "t.ps1"], capsys)
    assert code == 1
    assert f"At {tmp_path / 't.ps1'}:1 char:1" in err
    (tmp_path / "ok.ps1").write_text("Write-Error 'x'\n'done'\n")
    assert run_cli(["-File", "ok.ps1"], capsys)[0] == 0


def test_file_missing(capsys):
    code, out, err = run_cli(["-File", "nope.ps1"], capsys)
    assert code == 64 and "does not exist" in err


def test_file_binding_error_exit_one(capsys, tmp_path):
    (tmp_path / "b.ps1").write_text("param([int]$N)\n$N\n")
    code, out, err = run_cli(["-File", "b.ps1", "-N", "abc"], capsys)
    assert code == 1 and "ParameterArgumentTransformationError" in err


def test_bare_script_path(capsys, tmp_path):
    (tmp_path / "s.ps1").write_text("'bare'\n")
    assert run_cli(["s.ps1"], capsys)[:2] == (0, "bare\n")


def test_switches_accepted(capsys):
    args = ["-NoProfile", "-NonInteractive", "-NoLogo", "-ExecutionPolicy", "Bypass", "-Command", "'ok'"]
    assert run_cli(args, capsys)[:2] == (0, "ok\n")
    assert run_cli(["-nop", "-noni", "-ep", "Unrestricted", "-c", "'ok'"], capsys)[:2] == (0, "ok\n")


def test_parse_error_exit_one(capsys):
    code, out, err = run_cli(["-Command", "if ("], capsys)
    assert code == 1 and "ParserError" in err


def test_profile_loaded_unless_noprofile(capsys, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "profile.ps1").write_text("$fromProfile = 'yes'\n")
    assert run_cli(["-Command", "$fromProfile"], capsys)[1] == "yes\n"
    assert run_cli(["-NoProfile", "-Command", "$fromProfile"], capsys)[1] == ""


def test_missing_subcommand_module(capsys, monkeypatch):
    monkeypatch.setitem(cli.SUBCOMMANDS, "service", "vboshell.no_such_module_xyz")
    code, out, err = run_cli(["service", "status"], capsys)
    assert code == 2 and "not available" in err


def test_subcommand_dispatch(capsys, monkeypatch):
    import types

    mod = types.ModuleType("vboshell_fake_sub")
    mod.main = lambda argv: 7 if argv == ["x"] else 0
    monkeypatch.setitem(sys.modules, "vboshell_fake_sub", mod)
    monkeypatch.setitem(cli.SUBCOMMANDS, "check", "vboshell_fake_sub")
    assert run_cli(["check", "x"], capsys)[0] == 7


def test_help_and_version(capsys):
    assert run_cli(["-Help"], capsys)[1].startswith("Usage: vboshell")
    assert run_cli(["-Version"], capsys)[1].startswith("vboshell ")


def test_real_process_exit_code(tmp_path):
    r = subprocess.run([sys.executable, "-m", "vboshell", "-NoProfile", "-Command", "'x'; exit 4"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 4 and r.stdout == "x\n" and r.stderr == ""


def test_ctrl_c_stops_and_runs_finally(tmp_path):
    import signal
    import time

    p = subprocess.Popen([sys.executable, "-m", "vboshell", "-NoProfile", "-Command",
                          "try { 'started'; while ($true) { } } finally { 'cleanup' }"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.stdout is not None
    line = p.stdout.readline()
    assert line == "started\n"
    time.sleep(0.2)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=30)
    assert "cleanup" in out
    assert p.returncode == 1


def test_file_args_are_strings(capsys, tmp_path):
    (tmp_path / "a.ps1").write_text("param([string]$Code, $Raw, [int[]]$Ids)\n\"$Code|$($Raw.GetType().Name)|$($Ids.Count)\"\n")
    assert run_cli(["-File", "a.ps1", "-Code", "007", "-Raw", "5", "-Ids", "3"], capsys)[1] == "007|String|1\n"


def test_command_last_statement_failed_exit_one(capsys):
    assert run_cli(["-Command", "Write-Error 'last'"], capsys)[0] == 1
    assert run_cli(["-Command", "Write-Error 'first'; 'ok'"], capsys)[0] == 0
    assert run_cli(["-Command", "Write-Error 'x'; exit 0"], capsys)[0] == 0
