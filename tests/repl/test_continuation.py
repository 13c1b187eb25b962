"""Enter's decision between running and continuing, from the parser's incomplete-input flag.
Also drives the real key binding through prompt_toolkit with pipe input."""

from __future__ import annotations

import pytest

pytest.importorskip("vboshell.language.parser")

from vboshell.repl.continuation import decide  # noqa: E402

INCOMPLETE = [
    "foreach ($j in $jobs) {",
    "foreach ($j in $jobs) {\n    $j.Name",
    "if ($x) {",
    "if ($x)",
    "Write-Host (Get-Date",
    'Write-Host "hello',
    "Write-Host 'hello",
    '$x = @"\nline',
    "$x = @'\nline",
    "Get-VBOJob |",
    "Get-VBOJob -Name x `",
    "function f {",
    "function f { param($a,",
    "$h = @{",
    "$h = @{ a = 1;",
    "$a = @(",
    "try {",
    "try { 1 } catch {",
    "switch ($x) {",
    "while ($true) {",
    "do {",
    "$x = $(",
    "Get-VBOJob | Where-Object {",
    "<# a block comment",
    "$sb = {",
    "if ($x) { 1 } elseif",
    "if ($x) { 1 } else",
]

COMPLETE = [
    "",
    "   ",
    "Get-VBOJob",
    "Get-VBOJob -Name 'Daily'",
    "foreach ($j in $jobs) { $j.Name }",
    "foreach ($i in 1..3) {\n    $i * 10\n}",
    "if ($x) { 1 } else { 2 }",
    "Write-Host (Get-Date)",
    'Write-Host "hello"',
    '$x = @"\nline\n"@',
    "Get-VBOJob | Select-Object Name",
    "$h = @{ a = 1; b = 2 }",
    "# just a comment",
    "1 + 1",
    "$x = 5",
    "try { 1 } catch { 2 }",
    "function f { param($a) $a }",
    "Get-VBOJob -Name x `\n  -Organization $o",
]

ERRORS = [  # real syntax errors run (and are reported) instead of trapping the user in continuation lines
    "Get-VBOJob )",
    "$x = }",
    "1 +* 2",
    "Get-VBOJob -Name ]",
]


@pytest.mark.parametrize("text", INCOMPLETE)
def test_incomplete_input_continues(text):
    assert decide(text) == "continue"


@pytest.mark.parametrize("text", COMPLETE)
def test_complete_input_runs(text):
    assert decide(text) == "execute"


@pytest.mark.parametrize("text", ERRORS)
def test_syntax_errors_run(text):
    assert decide(text) == "execute"


def _prompt(keys: str) -> str:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from vboshell.repl.keys import build_key_bindings

    with create_pipe_input() as inp:
        inp.send_text(keys)
        session = PromptSession(input=inp, output=DummyOutput(), multiline=True, key_bindings=build_key_bindings())
        return session.prompt()


def test_enter_continues_then_runs_through_prompt_toolkit():
    assert _prompt("foreach ($i in 1..3) {\r    $i\r}\r") == "foreach ($i in 1..3) {\n    $i\n}"


def test_alt_enter_forces_newline():
    assert _prompt("Get-VBOJob\x1b\r| Select-Object Name\r") == "Get-VBOJob\n| Select-Object Name"


def test_enter_on_complete_input_runs_immediately():
    assert _prompt("Get-VBOJob -Name x\r") == "Get-VBOJob -Name x"
