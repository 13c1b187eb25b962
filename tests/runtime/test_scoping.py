"""Variables and scopes: dynamic lookup, local assignment, $script:/$global:/$local:, $env:, automatic variables."""

from __future__ import annotations

import os

import pytest

CASES = [
    ("$x = 1; function f { $x }; f", [1]),
    ("$x = 1; function f { $x = 2 }; f; $x", [1]),
    ("$x = 1; function f { $script:x = 2 }; f; $x", [2]),
    ("$x = 1; function f { $global:x = 3 }; f; $x", [3]),
    ("function f { $local:y = 5; $y }; f", [5]),
    ("$x = 1; function f { $x = 2; g }; function g { $x }; f", [2]),
    ("$x = 1; & { $x = 5 }; $x", [1]),
    ("$x = 1; . { $x = 5 }; $x", [5]),
    ("function f { $z = 9 }; . f; $z", [9]),
    ("$X = 1; $x", [1]),
    ("${my var} = 3; ${my var}", [3]),
    ("$variable:foo = 4; $foo", None),
    ("$null = 5; $null", [None]),
    ("$true", [True]),
    ("$false", [False]),
    ("Set-Variable -Name v -Value 7; $v", [7]),
    ("function f { $private:p = 1; g }; function g { $p }; f", [None]),
    ("$a, $b = 1, 2; $b", [2]),
    ("$a, $b = 1, 2, 3; $b.Count", [2]),
    ("$a = $b = 4; $a + $b", None),
    ("$PSVersionTable.PSVersion.Major", [5]),
    ("$PSVersionTable.PSVersion.Minor", [1]),
    ("$PSVersionTable.PSEdition", ["Desktop"]),
    ("$PID -gt 0", [True]),
    ("$HOME.Length -gt 0", [True]),
    ("$ErrorActionPreference", ["Continue"]),
    ("$VerbosePreference", ["SilentlyContinue"]),
    ("$WarningPreference", ["Continue"]),
    ("$ProgressPreference", ["Continue"]),
    ("$ConfirmPreference", ["High"]),
    ("$Host.Name.Length -gt 0", [True]),
    ("$args.Count", [0]),
    ("function f { $args.Count }; f 1 2 3", [3]),
    ("function f { $args[1] }; f a b c", ["b"]),
    ("$?", [True]),
    ("$Error.Count", [0]),
    ("$PWD.Path.Length -gt 0", [True]),
]


@pytest.mark.parametrize("script,expected", [c for c in CASES if c[1] is not None],
                         ids=[c[0] for c in CASES if c[1] is not None])
def test_scoping(ps, script, expected):
    assert ps.ctx.invoke(script, raise_errors=True) == expected


def test_env_vars(ps, monkeypatch):
    monkeypatch.setenv("VBOTEST_X", "hello")
    assert ps.one("$env:VBOTEST_X") == "hello"
    ps.run("$env:VBOTEST_Y = 'set'")
    assert os.environ.get("VBOTEST_Y") == "set"
    ps.run("$env:VBOTEST_Y = $null")
    assert "VBOTEST_Y" not in os.environ
    assert ps.one("$env:VBOTEST_NOPE -eq $null") is True


def test_context_variable_api(ps):
    ctx = ps.ctx
    ctx.set_variable("Thing", 5)
    assert ctx.get_variable("thing") == 5
    assert ps.one("$THING") == 5
    assert "Thing" in ctx.variables()
    assert ctx.remove_variable("thing")
    assert ctx.get_variable("Thing") is None
    ctx.set_variable("g", 1, scope="global")
    assert ctx.variables(scope="global")["g"] == 1
    assert ctx.preference("ErrorActionPreference") == "Continue"


def test_error_automatic_is_newest_first(ps):
    ps.run("Write-Error 'first'; Write-Error 'second'")
    assert ps.one("$Error[0].Exception.Message") == "second"
    assert ps.one("$Error.Count") == 2


def test_dollar_question_after_error(ps):
    assert ps.run("Write-Error 'x' 2>$null; $?") == [False]
    assert ps.run("1; $?") == [1, True]


def test_true_is_readonly(ps):
    assert ps.err("$true = 1").error_id == "VariableNotWritable"


def test_script_scope_in_file(ps, tmp_path):
    (tmp_path / "s.ps1").write_text("$script:counter = 1\nfunction Bump { $script:counter++ }\nBump; Bump\n$counter\n")
    assert ps.run("& ./s.ps1") == [3]


def test_psscriptroot_and_commandpath(ps, tmp_path):
    (tmp_path / "where.ps1").write_text("$PSScriptRoot\n$PSCommandPath\n$MyInvocation.MyCommand.Name\n")
    out = ps.run("& ./where.ps1")
    assert out[0] == str(tmp_path)
    assert out[1] == str(tmp_path / "where.ps1")
    assert out[2] == "where.ps1"


def test_dot_source_file(ps, tmp_path):
    (tmp_path / "lib.ps1").write_text("function Get-Double($n) { $n * 2 }\n$libLoaded = $true\n")
    assert ps.run(". ./lib.ps1; Get-Double 21; $libLoaded") == [42, True]


def test_script_param_block(ps, tmp_path):
    (tmp_path / "p.ps1").write_text("param([string]$Name = 'world', [int]$Times = 1)\n1..$Times | ForEach-Object { \"hi $Name\" }\n")
    assert ps.run("& ./p.ps1 -Name bob -Times 2") == ["hi bob", "hi bob"]
    assert ps.run("./p.ps1 ann") == ["hi ann"]


def test_exit_in_child_script_only_ends_that_script(ps, tmp_path):
    (tmp_path / "child.ps1").write_text("'child'\nexit 4\n'unreached'\n")
    assert ps.run("& ./child.ps1; \"after $LASTEXITCODE\"") == ["child", "after 4"]


def test_switch_file(ps, tmp_path):
    (tmp_path / "lines.txt").write_text("alpha\nbeta\ngamma\n")
    assert ps.run("switch -Wildcard -File lines.txt { '*a' { $_.ToUpper() } }") == ["ALPHA", "BETA", "GAMMA"]
    assert ps.run("switch -Regex -File lines.txt { '^b' { 'b-line' } }") == ["b-line"]


def test_myinvocation_in_script(ps, tmp_path):
    (tmp_path / "mi.ps1").write_text("$MyInvocation.MyCommand.Path\n(Split-Path -Leaf $MyInvocation.MyCommand.Path)\n")
    assert ps.run("& ./mi.ps1") == [str(tmp_path / "mi.ps1"), "mi.ps1"]


def test_functions_property(ps):
    ps.run("function Get-Foo { 1 }")
    assert "get-foo" in ps.ctx.functions


def test_strict_mode(ps):
    assert ps.run("$nope -eq $null") == [True]
    rec = ps.err("Set-StrictMode -Version 1; $nope")
    assert rec.error_id == "VariableIsUndefined"
    assert rec.message == "The variable '$nope' cannot be retrieved because it has not been set."
    assert ps.run("Set-StrictMode -Version 1; ([pscustomobject]@{a=1}).b -eq $null") == [True]
    rec = ps.err("Set-StrictMode -Version Latest; ([pscustomobject]@{a=1}).b")
    assert rec.error_id == "PropertyNotFoundStrict"
    assert ps.run("Set-StrictMode -Off; $nope2 -eq $null") == [True]


def test_strict_mode_is_scoped(ps):
    assert ps.run("function f { Set-StrictMode -Version 1 }; f; $undefinedHere -eq $null") == [True]


def test_function_drive(ps):
    assert ps.run("${function:Get-Twice} = { param($x) $x * 2 }; Get-Twice 4") == [8]
    assert ps.run("function h { 'hi' }; (${function:h}).ToString().Trim()") == ["'hi'"]
