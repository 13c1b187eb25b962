"""Control flow: if/loops/switch/labels, break propagation, try/catch/finally, throw, trap, return, exit."""

from __future__ import annotations

import pytest

CASES = [
    ("if ($true) { 'a' } else { 'b' }", ["a"]),
    ("if (0) { 'a' } elseif ('x') { 'b' } else { 'c' }", ["b"]),
    ("if (@()) { 'a' } else { 'b' }", ["b"]),
    ("$x = if ($false) { 1 } else { 2 }; $x", [2]),
    ("$r = foreach ($i in 1..3) { $i * $i }; $r -join ','", ["1,4,9"]),
    ("foreach ($i in $null) { 'never' }; 'done'", ["done"]),
    ("foreach ($i in 5) { $i }", [5]),
    ("for ($i = 0; $i -lt 3; $i++) { $i }", [0, 1, 2]),
    ("$i = 0; while ($i -lt 3) { $i++ }; $i", [3]),
    ("$i = 0; do { $i++ } while ($i -lt 5); $i", [5]),
    ("$i = 0; do { $i++ } until ($i -ge 2); $i", [2]),
    ("foreach ($i in 1..10) { if ($i -eq 3) { break }; $i }", [1, 2]),
    ("foreach ($i in 1..4) { if ($i % 2) { continue }; $i }", [2, 4]),
    (":outer foreach ($i in 1..3) { foreach ($j in 1..3) { if ($j -eq 2) { continue outer }; \"$i$j\" } }", ["11", "21", "31"]),
    (":outer foreach ($i in 1..3) { foreach ($j in 1..3) { if ($i -eq 2) { break outer }; \"$i$j\" } }", ["11", "12", "13"]),
    ("function f { break }; foreach ($i in 1..3) { $i; f; 'x' }; 'after'", [1, "after"]),
    ("foreach ($i in 1..3) { 1..5 | ForEach-Object { if ($_ -eq 2) { continue }; $_ } }", [1, 1, 1]),
    ("$r = 1..5 | ForEach-Object { if ($_ -eq 3) { return }; $_ }; $r -join ','", ["1,2,4,5"]),
    # switch
    ("switch (2) { 1 { 'one' } 2 { 'two' } default { 'other' } }", ["two"]),
    ("switch (9) { 1 { 'one' } default { 'other' } }", ["other"]),
    ("switch ('abc') { 'ABC' { 'ci' } }", ["ci"]),
    ("switch -CaseSensitive ('abc') { 'ABC' { 'ci' } default { 'cs' } }", ["cs"]),
    ("switch -Wildcard ('report.csv') { '*.txt' { 'txt' } '*.csv' { 'csv' } }", ["csv"]),
    ("switch -Regex ('abc123') { '^\\d' { 'digit' } '(\\d+)$' { $Matches[1] } }", ["123"]),
    ("switch (1, 2, 3) { { $_ -ge 2 } { $_ * 10 } }", [20, 30]),
    ("switch (1, 2, 3) { 2 { 'two'; break } default { $_ } }", [1, "two"]),
    ("switch (1, 2, 3) { 2 { continue } default { $_ } }", [1, 3]),
    ("switch ('a') { 'a' { 1 } 'a' { 2 } }", [1, 2]),
    ("switch -Exact ('a*') { 'a*' { 'exact' } }", ["exact"]),
    ("$x = switch (3) { 3 { 'three' } }; $x", ["three"]),
    ("switch (@()) { default { 'd' } }; 'end'", ["end"]),
    ("foreach ($i in 1..2) { switch ($i) { 1 { continue } }; \"i$i\" }", ["i1", "i2"]) if False else
    ("foreach ($i in 1..3) { switch ($i) { 2 { break } }; $i }", [1, 2, 3]),
    # try/catch/finally/throw
    ("try { throw 'boom' } catch { $_.Exception.Message }", ["boom"]),
    ("try { throw 'boom' } catch { $_.FullyQualifiedErrorId }", ["boom"]),
    ("try { throw 'boom' } catch { $_.CategoryInfo.Category }", ["OperationStopped"]),
    ("try { throw 'x' } catch [System.Management.Automation.RuntimeException] { 'rt' }", ["rt"]),
    ("try { throw 'x' } catch [System.IO.IOException] { 'io' } catch { 'other' }", ["other"]),
    ("try { 1/0 } catch [System.DivideByZeroException] { 'dz' } catch { 'other:' + $_.Exception.GetType().Name }", None),
    ("try { 1/0 } catch { 'caught' }", ["caught"]),
    ("try { 'a' } finally { 'f' }", ["a", "f"]),
    ("try { throw 'x' } catch { 'c' } finally { 'f' }", ["c", "f"]),
    ("try { try { throw 'inner' } finally { 'f1' } } catch { \"outer:$_\" }", ["f1", "outer:inner"]),
    ("try { try { throw 'inner' } catch { throw } } catch { \"re:$_\" }", ["re:inner"]),
    ("function f { [CmdletBinding()] param() Write-Error 'nf' }; try { f -ErrorAction Stop; 'not here' } catch { 'stopped' }", ["stopped"]),
    ("try { Write-Error 'we' -ErrorAction Stop } catch { $_.Exception.Message }", ["we"]),
    ("$ErrorActionPreference = 'Stop'; try { Write-Error 'pref' } catch { 'c:' + $_ }", ["c:pref"]),
    ("try { [int]'abc' } catch { 'conv' }", ["conv"]),
    ("try { $null.Foo() } catch { $_.FullyQualifiedErrorId }", ["InvokeMethodOnNull"]),
    ("try { throw [pscustomobject]@{Code=42} } catch { $_.TargetObject.Code }", [42]),
    ("function f { try { return 'r' } finally { 'fin' } }; f", ["r", "fin"]),
    ("foreach ($i in 1..2) { try { if ($i -eq 1) { continue } ; $i } finally { \"f$i\" } }", ["f1", 2, "f2"]),
    ("try { throw } catch { $_.Exception.Message }", ["ScriptHalted"]),
    ("$e = $null; try { throw 'a' } catch { $e = $_ }; $e.Exception.GetType().FullName", ["System.Management.Automation.RuntimeException"]),
    # trap
    ("trap { 'trapped'; continue }; throw 'x'; 'after'", ["trapped", "after"]),
    ("function f { trap { \"t:$_\"; continue }; throw 'e1'; 'next' }; f", ["t:e1", "next"]),
    ("function f { trap [System.Management.Automation.RuntimeException] { 'rt'; continue }; 1/0; 'n' }; f", ["rt", "n"]),
    # return / output
    ("function f { 'a'; return 'b'; 'c' }; f", ["a", "b"]),
    ("function f { return }; $x = f; $x -eq $null", [True]),
    ("function f { 1; 2 }; (f).Count", [2]),
    ("function f { ,@(1,2) }; (f).Count", [2]),
    ("function f { @(1) }; (f).GetType().Name", ["Int32"]),
    ("function f { Write-Output -NoEnumerate @(1,2) }; $r = f; $r.Count", [2]),
    ("$r = & { 1; 2 }; $r.Count", [2]),
    ("$r = @(& { 'one' }); $r.Count", [1]),
]


@pytest.mark.parametrize("script,expected", [c for c in CASES if c[1] is not None],
                         ids=[c[0] for c in CASES if c[1] is not None])
def test_flow(ps, script, expected):
    assert ps.ctx.invoke(script, raise_errors=True) == expected


def test_trap_without_continue_displays_and_continues(ps):
    out = ps.run("trap { 'in trap' }; throw 'oops'; 'after'")
    assert out == ["in trap", "after"]
    assert "oops" in ps.host.error_text


def test_trap_break_rethrows(ps):
    out = ps.run("function f { trap { 'in trap'; break }; throw 'oops'; 'after' }; f; 'next'")
    assert out == ["in trap"]
    assert ps.last_error().message == "oops"


def test_throw_is_script_terminating(ps):
    out = ps.run("'a'; throw 'stop'; 'b'")
    assert out == ["a"]


def test_statement_terminating_error_continues(ps):
    out = ps.run("'a'; Write-Output -NoSuchParameter; 'b'")
    assert out == ["a", "b"]
    assert ps.last_error().error_id == "NamedParameterNotFound"


def test_break_at_top_level_stops_script(ps):
    assert ps.run("'a'; break; 'b'") == ["a"]


def test_exit_sets_lastexitcode(ps):
    ps.run("exit 3")
    assert ps.ctx.get_variable("LASTEXITCODE") == 3


def test_catch_sees_error_in_function(ps):
    assert ps.run("function f { 1/0; 'after' }; try { f } catch { 'caught' }") == ["caught"]


def test_error_in_function_is_statement_terminating_outside_try(ps):
    assert ps.run("function f { 1/0; 'after' }; f") == ["after"]


def test_finally_runs_on_pipeline_stop(ps):
    out = ps.run("function gen { try { foreach ($i in 1..1000) { $i } } finally { $global:fin = 'ran' } }; gen | Select-Object -First 2; $fin")
    assert out == [1, 2, "ran"]


def test_typed_catch_maps_cmdlet_error_exception_types(ps):
    from vboshell.commands.base import Cmdlet
    from vboshell.runtime.errors import CmdletError, ErrorCategory

    class NotFound(Cmdlet):
        name = "Get-Missing"

        def process_record(self) -> None:
            raise CmdletError("gone", "ItemGone", ErrorCategory.ObjectNotFound, exception_type="ItemNotFoundException")

    ps.ctx.aliases["get-missing"] = NotFound
    assert ps.run("try { Get-Missing } catch [System.Management.Automation.ItemNotFoundException] { 'inf' }") == ["inf"]
    assert ps.run("try { Get-Missing } catch [System.Management.Automation.SessionStateException] { 'sse' }") == ["sse"]
    assert ps.run("try { Get-Missing } catch [System.IO.IOException] { 'io' } catch [Exception] { 'ex' }") == ["ex"]
    assert ps.run("try { Get-Missing } catch { $_.FullyQualifiedErrorId }") == ["ItemGone,Microsoft.PowerShell.Commands.GetMissingCommand"]
    assert ps.run("try { Get-Missing } catch { $_.CategoryInfo.Activity }") == ["Get-Missing"]


PS7 = [
    ("$null ?? 'dflt'", ["dflt"]),
    ("0 ?? 'dflt'", [0]),
    ("$x = $null; $x ??= 5; $x", [5]),
    ("$true ? 'y' : 'n'", ["y"]),
    ("Write-Output a && Write-Output b", ["a", "b"]),
    ("Write-Error x 2>$null || Write-Output fallback", ["fallback"]),
    ("$o = $null; $o?.Name", [None]),
    ("${o}?.Name", [None]),
]


@pytest.mark.parametrize("script,expected", PS7, ids=[c[0] for c in PS7])
def test_ps7_syntax_accepted(ps, script, expected):
    assert ps.ctx.invoke(script, raise_errors=True) == expected


def test_using_scope_modifier(ps):
    assert ps.run("$v = 3; & { $using:v }") == [3]


def test_execute_formats_objects(ps):
    code = ps.ctx.execute("[pscustomobject]@{Name='a'; Size=1}")
    assert code == 0
    assert "Name Size" in ps.host.text and "a       1" in ps.host.text
