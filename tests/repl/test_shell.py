"""The shell loop over a fake context with prompt_toolkit pipe input: running input, exit, $PROFILE, help paging.
The real runtime is exercised by the pseudo-terminal tests (test_e2e.py)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest


@pytest.fixture
def home(tmp_path, monkeypatch):
    h = tmp_path / "home"
    h.mkdir()
    monkeypatch.setenv("VBOSHELL_HOME", str(h))
    return h


def run_shell(keys: str, context, options=None) -> int:
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from vboshell.repl.shell import Shell

    with create_pipe_input() as inp:
        inp.send_text(keys)
        shell = Shell(context, options, input=inp, output=DummyOutput())
        return shell.run()


def test_runs_input_and_exits_on_ctrl_d(home, fake_context, fake_registry, capsys):
    code = run_shell("Get-VBOJob\r\r$x = 1\r\x04", fake_context, SimpleNamespace(no_profile=True))
    assert code == 0
    assert fake_context.executed == ["Get-VBOJob", "$x = 1"]
    out = capsys.readouterr().out
    assert "vboshell" in out and "Start-VBOSandbox" in out


def test_exit_requested_by_runtime_ends_loop(home, fake_context, fake_registry):
    def execute(text, file=None):
        fake_context.executed.append(text)
        fake_context.exit_requested = True
        return 3

    fake_context.execute = execute
    assert run_shell("exit 3\r", fake_context, SimpleNamespace(no_profile=True)) == 3


def test_profile_runs_unless_no_profile(home, fake_context, fake_registry):
    (home / "profile.ps1").write_text("function prompt-helper { 1 }\n")
    run_shell("\x04", fake_context, SimpleNamespace(no_profile=False))
    assert fake_context.executed == ["function prompt-helper { 1 }\n"]
    assert fake_context.vars["PROFILE"] == str(home / "profile.ps1")
    fake_context.executed.clear()
    run_shell("\x04", fake_context, {"NoProfile": True})
    assert fake_context.executed == []


def test_dash_question_mark_shows_help(home, fake_context, fake_registry, capsys):
    run_shell("Get-VBOJob -?\r\x04", fake_context, SimpleNamespace(no_profile=True))
    assert fake_context.executed == ["invoke: Get-Help Get-VBOJob | Out-String"]
    assert "help text" in capsys.readouterr().out


def test_help_command_goes_through_pager(home, fake_context, fake_registry, capsys):
    run_shell("help Get-VBOJob -Full\r\x04", fake_context, SimpleNamespace(no_profile=True))
    assert fake_context.executed == ["invoke: help Get-VBOJob -Full | Out-String"]


def test_history_file_written_without_sensitive_lines(home, fake_context, fake_registry):
    run_shell("Get-VBOJob\r$secret = 'x'\r\x04", fake_context, SimpleNamespace(no_profile=True))
    text = (home / "history.txt").read_text()
    assert "Get-VBOJob" in text and "secret" not in text
    assert fake_context.executed == ["Get-VBOJob", "$secret = 'x'"]


def test_pager_prints_short_text_and_pipes_long_text(monkeypatch, tmp_path):
    import io

    from vboshell.repl import pager

    class TTY(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = TTY()
    pager.page("short\n", out, height=10)
    assert out.getvalue() == "short\n"
    target = tmp_path / "paged.txt"
    monkeypatch.setenv("VBOSHELL_PAGER", f"cat > {target}")
    long_text = "".join(f"line {i}\n" for i in range(50))
    pager.page(long_text, out, height=10)
    assert target.read_text() == long_text


def test_help_key_targets():
    from vboshell.repl.keys import command_under_cursor, parameter_under_cursor

    assert command_under_cursor("Get-VBOJob -Name x") == "Get-VBOJob"
    assert command_under_cursor("$x | Get-VBORepo") == "Get-VBORepo"
    assert command_under_cursor("$x") is None
    assert parameter_under_cursor("Get-VBOJob -Na", "me") == ("Get-VBOJob", "Name")
    assert parameter_under_cursor("Get-VBOJob -Name 'x' ") == ("Get-VBOJob", "Name")
    assert parameter_under_cursor("Get-VBOJob ") is None


def test_nologo_hides_banner(home, fake_context, fake_registry, capsys):
    run_shell("\x04", fake_context, {"noprofile": True, "nologo": True})
    assert "vboshell" not in capsys.readouterr().out
