"""Operators: comparison with the left operand deciding, array filtering, -like/-match/-replace/-split/-join/-f,
arithmetic rules, ranges, -is/-as, bitwise, logical."""

from __future__ import annotations

import pytest

CASES = [
    # arithmetic and the left operand rule
    ("1 + 1", [2]),
    ('"5" + 5', ["55"]),
    ('5 + "5"', [10]),
    ('"ab" * 3', ["ababab"]),
    ("7 / 2", [3.5]),
    ("6 / 2", [3]),
    ("(6 / 2).GetType().Name", ["Int32"]),
    ("(7 / 2).GetType().Name", ["Double"]),
    ("7 % 3", [1]),
    ("-7 % 3", [-1]),
    ("2 * 3.5", [7.0]),
    ('"10" - 3', [7]),
    ('"2" * "3"', ["222"]),
    ("1.5 + 1", [2.5]),
    ("$null + 1", [1]),
    ('$null + "a"', ["a"]),
    ("@(1,2) + 3", [1, 2, 3]),
    ("(@(1,2) + @(3,4)).Count", [4]),
    ("$a = 1,2; $a += 3; $a.Count", [3]),
    ("[int]::MaxValue + 1", [2147483648]),
    ("1kb", [1024]),
    ("1.5mb", [1572864.0]),
    ("0x10", [16]),
    ("1e3", [1000.0]),
    ("10d / 4", [__import__("decimal").Decimal("2.5")]),
    ("5 - -2", [7]),
    ("-(3)", [-3]),
    ('"1.5" + 1', ["1.51"]),
    ('1 + "1.5"', [2.5]),
    ("0.1 + 0.2", [0.30000000000000004]),
    ("[string](0.1 + 0.2)", ["0.3"]),
    ("[string](1/3)", ["0.333333333333333"]),
    ("[string]1e20", ["1E+20"]),
    ("[string]123456789012345678.0", ["1.23456789012346E+17"]),
    # comparison
    ('"abc" -eq "ABC"', [True]),
    ('"abc" -ceq "ABC"', [False]),
    ('"abc" -ieq "ABC"', [True]),
    ('10 -eq "10.0"', [True]),
    ('"10" -eq 10', [True]),
    ('"10.0" -eq 10', [False]),
    ("$null -eq $null", [True]),
    ("$null -eq 0", [False]),
    ("0 -eq $null", [False]),
    ('"" -eq $null', [False]),
    ("$true -eq 'false'", [True]),
    ("1 -ne 2", [True]),
    ("2 -gt 1", [True]),
    ('"b" -gt "A"', [True]),
    ('"B" -cgt "a"', [True]),
    ("5 -ge 5", [True]),
    ("4 -lt 5.5", [True]),
    ("5 -le 4", [False]),
    ('"10" -lt 9', [True]),
    ('9 -lt "10"', [True]),
    ("@(1,2,3,2) -eq 2", [2, 2]),
    ("(@(1,2,3) -gt 1).Count", [2]),
    ("@(1,2,3) -ne 2", [1, 3]),
    ("(@() -eq 1).Count", [0]),
    ("$a = @(1,$null,2); ($a -eq $null).Count", [1]),
    ("$null -eq @(1,2)", [False]),
    ("[bool](@(1,2) -eq 5)", [False]),
    # containment
    ("@(1,2,3) -contains 2", [True]),
    ('@("a","b") -contains "B"', [True]),
    ('@("a","b") -ccontains "B"', [False]),
    ("@(1,2,3) -notcontains 4", [True]),
    ("2 -in 1,2,3", [True]),
    ('"x" -in "a","b"', [False]),
    ('"x" -notin "a","b"', [True]),
    ('"1" -in 1,2', [True]),
    ("5 -contains 5", [True]),
    # like / match
    ('"Daily Backup" -like "daily*"', [True]),
    ('"Daily Backup" -clike "daily*"', [False]),
    ('"abc" -like "a?c"', [True]),
    ('"abc" -like "[a-c]bc"', [True]),
    ('"abc" -notlike "*z*"', [True]),
    ('"a*c" -like "a`*c"', [True]),
    ('"abc" -like "ab"', [False]),
    ('@("apple","banana","avocado") -like "a*"', ["apple", "avocado"]),
    ('"abc" -match "B"', [True]),
    ('"abc" -cmatch "B"', [False]),
    ('"abc" -notmatch "z"', [True]),
    ('"user@contoso.com" -match "^(?<user>[^@]+)@(?<domain>.+)$"; $Matches.domain', [True, "contoso.com"]),
    ('"abc123" -match "\\d+"; $Matches[0]', [True, "123"]),
    ('$null = "x-42" -match "(\\d+)"; $Matches[1]', ["42"]),
    ('@("a1","b","c2") -match "\\d"', ["a1", "c2"]),
    # replace
    ('"Hello World" -replace "world","There"', ["Hello There"]),
    ('"Hello World" -creplace "world","There"', ["Hello World"]),
    ("'John Smith' -replace '(\\w+) (\\w+)', '$2, $1'", ["Smith, John"]),
    ("'2024-01-31' -replace '(?<y>\\d+)-(?<m>\\d+)-(?<d>\\d+)', '${d}/${m}/${y}'", ["31/01/2024"]),
    ('"aaa" -replace "a"', [""]),
    ('"a.b.c" -replace "\\.", "-"', ["a-b-c"]),
    ('@("ab","cb") -replace "b","x"', ["ax", "cx"]),
    ("'cost' -replace 'cost', '$$5'", ["$5"]),
    ("'abc' -replace 'b', '[$0]'", ["a[b]c"]),
    # split / join
    ('"a,b,c" -split ","', ["a", "b", "c"]),
    ('"a1b2c" -split "\\d"', ["a", "b", "c"]),
    ('"a,b,c,d" -split ",", 2', ["a", "b,c,d"]),
    ('-split "  one  two three "', ["one", "two", "three"]),
    ('"aXbxc" -split "x"', ["a", "b", "c"]),
    ('"aXbxc" -csplit "x"', ["aXb", "c"]),
    ('"a.b" -split ".", 0, "SimpleMatch"', ["a", "b"]),
    ('"a,b," -split ","', ["a", "b", ""]),
    ('"a-b" -split "(-)"', ["a", "-", "b"]),
    ("(1,2,3) -join ','", ["1,2,3"]),
    ("-join ('a','b')", ["ab"]),
    ("@() -join ','", [""]),
    ("1 -join '-'", ["1"]),
    # format
    ('"{0:N2}" -f 1234.567', ["1,234.57"]),
    ('"{0,-6}|" -f "ab"', ["ab    |"]),
    ('"{0,6}|" -f "ab"', ["    ab|"]),
    ('"{0:P1}" -f 0.123', ["12.3 %"]),
    ('"{0:yyyy-MM-dd}" -f [datetime]"2024-01-31"', ["2024-01-31"]),
    ('"{0} and {1}" -f "a", "b"', ["a and b"]),
    ('"{0:D4}" -f 42', ["0042"]),
    ('"{0:X}" -f 255', ["FF"]),
    ('"{0:F1}" -f 2.25', ["2.3"]),
    ('"{0:N0}" -f 1234567', ["1,234,567"]),
    ('"{0:C}" -f 12.5', ["$12.50"]),
    ('"{0:0.00}" -f 3.14159', ["3.14"]),
    ('"{0:#,##0.0}" -f 12345.67', ["12,345.7"]),
    ('"{{literal}} {0}" -f 1', ["{literal} 1"]),
    ('"{0:N2} GB" -f (5GB / 1GB)', ["5.00 GB"]),
    ('"{0:HH:mm}" -f [datetime]"2024-01-31 13:05:00"', ["13:05"]),
    ('"{0:dddd, MMMM d}" -f [datetime]"2024-01-31"', ["Wednesday, January 31"]),
    # ranges
    ("1..3", [1, 2, 3]),
    ("3..1", [3, 2, 1]),
    ("(1..100).Count", [100]),
    ("-1..1", [-1, 0, 1]),
    ("$n = 3; 1..$n", [1, 2, 3]),
    # -is / -as
    ("5 -is [int]", [True]),
    ('"5" -is [string]', [True]),
    ("5 -is [string]", [False]),
    ("5.0 -is [double]", [True]),
    ("@(1) -is [array]", [True]),
    ("@{} -is [hashtable]", [True]),
    ("$null -is [object]", [False]),
    ("5 -isnot [string]", [True]),
    ('"42" -as [int]', [42]),
    ('"abc" -as [int]', [None]),
    ('"2024-01-31" -as [datetime] -is [datetime]', [True]),
    ("[pscustomobject]@{a=1} -is [pscustomobject]", [True]),
    # bitwise
    ("5 -band 3", [1]),
    ("5 -bor 3", [7]),
    ("5 -bxor 3", [6]),
    ("-bnot 0", [-1]),
    ("1 -shl 4", [16]),
    ("256 -shr 4", [16]),
    # logical
    ("$true -and $false", [False]),
    ("$true -or $false", [True]),
    ("$true -xor $true", [False]),
    ("-not $true", [False]),
    ("!$false", [True]),
    ("-not @()", [True]),
    ("-not @(0)", [True]),
    ("-not @(0,0)", [False]),
    ('-not "False"', [False]),
    ('-not ""', [True]),
    ("$x = 0; ($false -and ($x = 1)); $x", [False, 0]),
    # increments
    ("$i = 1; $i++; $i", [2]),
    ("$i = 1; $j = $i++; $j; $i", [1, 2]),
    ("$i = 5; --$i; (--$i)", [3]),
    ("$i = 1; $i += 2; $i *= 3; $i -= 1; $i /= 2; $i", [4]),
    ("$i = 7; $i %= 4; $i", [3]),
    ('$s = "a"; $s += "b"; $s', ["ab"]),
]


@pytest.mark.parametrize("script,expected", CASES, ids=[c[0] for c in CASES])
def test_operator(ps, script, expected):
    assert ps.ctx.invoke(script, raise_errors=True) == expected


def test_divide_by_zero_is_statement_terminating(ps):
    out = ps.run("1/0; 'after'")
    assert out == ["after"]
    assert ps.last_error().message == "Attempted to divide by zero."


def test_match_on_array_does_not_set_matches(ps):
    assert ps.run('$Matches = $null; $null = @("a1") -match "\\d"; $Matches -eq $null') == [True]


def test_hashtable_addition_and_duplicate(ps):
    assert ps.one("(@{a=1} + @{b=2}).Count") == 2
    rec = ps.err("@{a=1} + @{A=2}")
    assert "Item has already been added" in rec.message


def test_invalid_regex_is_an_error(ps):
    rec = ps.err('"a" -match "("')
    assert rec.error_id == "InvalidRegularExpression"


def test_compare_api():
    from vboshell.runtime.operators import compare, equals, like

    assert compare("a", "B") < 0
    assert compare(10, "9") > 0
    assert compare(None, 1) < 0
    assert equals("A", "a") and not equals("A", "a", case_sensitive=True)
    assert like("Report.csv", "*.CSV") and not like("Report.csv", "*.CSV", case_sensitive=True)
