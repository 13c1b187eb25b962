"""Where-Object and ForEach-Object through the real pipeline."""

from __future__ import annotations

import pytest


def test_where_script_block(run) -> None:
    assert run("1..10 | Where-Object { $_ % 3 -eq 0 }") == "3\n6\n9\n"


def test_where_alias_question_mark(run) -> None:
    assert run("'apple','banana','cherry' | ? { $_ -like 'b*' }") == "banana\n"


def test_where_alias_where(run) -> None:
    assert run("1,2,3 | where { $_ -gt 1 }") == "2\n3\n"


def test_where_psitem(run) -> None:
    assert run("1,2,3 | Where-Object { $PSItem -eq 2 }") == "2\n"


@pytest.mark.parametrize("expr,expected", [
    ("Size -eq 5", "a"), ("Size -ne 5", "b\nc"), ("Size -gt 5", "b"), ("Size -ge 5", "a\nb"),
    ("Size -lt 50", "a\nc"), ("Size -le 1", "c"), ("Name -like 'b*'", "b"), ("Name -notlike 'b*'", "a\nc"),
    ("Name -match '^[ab]$'", "a\nb"), ("Name -notmatch 'a'", "b\nc"), ("Name -in 'a','c'", "a\nc"),
    ("Name -notin 'a','c'", "b"), ("Tags -contains 'x'", "a"), ("Tags -notcontains 'x'", "b\nc"),
    ("Name -eq 'A'", "a"), ("Name -ceq 'A'", ""), ("Name -clike 'A*'", ""), ("Name -cne 'A'", "a\nb\nc"),
])
def test_where_simplified_operators(run, expr: str, expected: str) -> None:
    script = ("$d = [PSCustomObject]@{Name='a'; Size=5; Tags=@('x','y')}, [PSCustomObject]@{Name='b'; Size=50; Tags=@()},"
              " [PSCustomObject]@{Name='c'; Size=1; Tags=$null}; "
              f"$d | Where-Object {expr} | ForEach-Object {{ $_.Name }}")
    assert run(script) == (expected + "\n" if expected else "")


def test_where_bare_property_truthiness(run) -> None:
    script = "[PSCustomObject]@{N='a'; On=$true}, [PSCustomObject]@{N='b'; On=$false} | Where-Object On | % N"
    assert run(script) == "a\n"


def test_where_not_switch(run) -> None:
    script = "[PSCustomObject]@{N='a'; On=$true}, [PSCustomObject]@{N='b'; On=$false} | Where-Object -Not On | % N"
    assert run(script) == "b\n"


def test_where_on_missing_property_filters_out(run) -> None:
    assert run("[PSCustomObject]@{A=1} | Where-Object B -eq 1") == ""


def test_where_value_named_parameter(run) -> None:
    assert run("'x','y' | Where-Object -Property Length -EQ -Value 1 | Measure-Object | % Count") == "2\n"


def test_where_filter_script_named(run) -> None:
    assert run("1..5 | Where-Object -FilterScript { $_ -ge 4 }") == "4\n5\n"


def test_where_sees_caller_variables(run) -> None:
    assert run("$limit = 2; 1..4 | Where-Object { $_ -gt $limit }") == "3\n4\n"


def test_foreach_process(run) -> None:
    assert run("1..3 | ForEach-Object { $_ * 2 }") == "2\n4\n6\n"


def test_foreach_percent_alias(run) -> None:
    assert run("'a','b' | % { $_.ToUpper() }") == "A\nB\n"


def test_foreach_accumulates_in_caller_scope(run) -> None:
    assert run("$sum = 0; 1..4 | ForEach-Object { $sum += $_ }; $sum") == "10\n"


def test_foreach_begin_process_end(run) -> None:
    script = "1..4 | ForEach-Object -Begin { $t = 0 } -Process { $t += $_ } -End { \"Total: $t\" }"
    assert run(script) == "Total: 10\n"


def test_foreach_positional_blocks_begin_process_end(run) -> None:
    assert run("1,2 | ForEach-Object { 'start' } { $_ } { 'end' }") == "start\n1\n2\nend\n"


def test_foreach_two_positional_blocks_are_begin_and_process(run) -> None:
    assert run("1,2 | % { 'b' } { $_ + 10 }") == "b\n11\n12\n"


def test_foreach_member_property(run) -> None:
    assert run("[PSCustomObject]@{Name='x'}, [PSCustomObject]@{Name='y'} | ForEach-Object Name") == "x\ny\n"


def test_foreach_member_method(run) -> None:
    assert run("'a','b' | ForEach-Object ToUpper") == "A\nB\n"


def test_foreach_member_method_with_arguments(run) -> None:
    assert run("'a-b','c-d' | ForEach-Object Split '-'") == "a\nb\nc\nd\n"


def test_foreach_membername_parameter(run) -> None:
    assert run("'abc' | ForEach-Object -MemberName Length") == "3\n"


def test_foreach_enumerates_array_output(run) -> None:
    assert run("(1..2 | ForEach-Object { @($_, $_) }).Count") == "4\n"


def test_foreach_return_moves_to_next(run) -> None:
    assert run("1..3 | ForEach-Object { if ($_ -eq 2) { return }; $_ }") == "1\n3\n"


def test_foreach_without_input_runs_once_with_null(run) -> None:
    assert run("ForEach-Object -Begin { 'b' } -Process { 'p' } -End { 'e' }") == "b\ne\n"


def test_foreach_dollar_underscore_restored(run) -> None:
    assert run("1 | % { 2 | % { $_ }; $_ }") == "2\n1\n"
