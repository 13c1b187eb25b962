"""Member access and methods: strings, arrays (member enumeration), hashtables, PSCustomObject, dates, timespans."""

from __future__ import annotations

import pytest

CASES = [
    # strings
    ('"hello".Length', [5]),
    ('"Hello".ToUpper()', ["HELLO"]),
    ('"Hello".ToLower()', ["hello"]),
    ('"  x  ".Trim()', ["x"]),
    ('"xxhixx".Trim("x")', ["hi"]),
    ('"  x".TrimStart()', ["x"]),
    ('"x  ".TrimEnd()', ["x"]),
    ('"a,b,c".Split(",")', ["a", "b", "c"]),
    ('"a,b;c".Split(",;")', ["a", "b", "c"]),
    ('"a,,b".Split(",", [System.StringSplitOptions]::RemoveEmptyEntries)', ["a", "b"]),
    ('"a b".Split()', ["a", "b"]),
    ('"Hello".Replace("l", "L")', ["HeLLo"]),
    ('"Hello".Contains("ell")', [True]),
    ('"Hello".Contains("ELL")', [False]),
    ('"Hello".StartsWith("He")', [True]),
    ('"Hello".EndsWith("LO")', [False]),
    ('"Hello".Substring(1)', ["ello"]),
    ('"Hello".Substring(1, 3)', ["ell"]),
    ('"Hello".IndexOf("l")', [2]),
    ('"Hello".LastIndexOf("l")', [3]),
    ('"Hello".IndexOf("z")', [-1]),
    ('"7".PadLeft(3, "0")', ["007"]),
    ('"ab".PadRight(4) + "|"', ["ab  |"]),
    ('"abc"[0]', ["a"]),
    ('"abc"[-1]', ["c"]),
    ('"abc".ToCharArray().Count', [3]),
    ('"a-b".Insert(1, "X")', ["aX-b"]),
    ('"abcdef".Remove(2, 2)', ["abef"]),
    ('"abc".Equals("abc")', [True]),
    ('"x".Count', [1]),
    ('"{0}!" -f "hi"', ["hi!"]),
    ('"abc".GetType().FullName', ["System.String"]),
    ('"5".CompareTo("6")', [-1]),
    # arrays
    ("@(1,2,3).Count", [3]),
    ("@(1,2,3).Length", [3]),
    ("(1,2,3)[-1]", [3]),
    ("(1,2,3)[0..1]", [1, 2]),
    ("(1,2,3)[5]", [None]),
    ("(1,2,3)[0,2]", [1, 3]),
    ("$a = 1,2,3; $a[1] = 9; $a -join ','", ["1,9,3"]),
    ("(1,2,3).Contains(2)", [True]),
    ("(1,2,3).IndexOf(3)", [2]),
    ("@(3,1,2).Where({ $_ -gt 1 })", [3, 2]),
    ("@(1,2,3).ForEach({ $_ * 10 })", [10, 20, 30]),
    ("@(1,2,3,4).Where({ $_ -gt 1 }, 'First')", [2]),
    ("$null.Count", [0]),
    ("(5).Count", [1]),
    ("$x = $null; $x.Length", [0]),
    ("@().Count", [0]),
    ("@(@(1,2)).Count", [2]),
    ("@(,@(1,2)).Count", [1]),
    ("(,(1,2)).Count", [1]),
    ("$a = @(); $a += 1; $a += 2; $a.Count", [2]),
    ("$o = @([pscustomobject]@{N='a'}, [pscustomobject]@{N='b'}); $o.N", ["a", "b"]),
    ("$o = @([pscustomobject]@{N='a'}); $o.N", ["a"]),
    ("@('ab','cde').Length", [2]),
    ("@('ab','cde').ToUpper()", ["AB", "CDE"]),
    # ArrayList / List
    ("$l = [System.Collections.ArrayList]::new(); $l.Add('x'); $l.Add('y')", [0, 1]),
    ("$l = [System.Collections.ArrayList]::new(); $null = $l.Add(1); $l.AddRange(@(2,3)); $l.Count", [3]),
    ("$l = [System.Collections.ArrayList]@(1,2,3); $l.Remove(2); $l -join ','", ["1,3"]),
    ("$l = [System.Collections.ArrayList]@(1,2,3); $l.RemoveAt(0); $l -join ','", ["2,3"]),
    ("$l = [System.Collections.ArrayList]@(1,2); $l.Insert(0, 0); $l -join ','", ["0,1,2"]),
    ("$l = [System.Collections.Generic.List[int]]::new(); $l.Add('5'); $l[0] + 1", [6]),
    ("$l = [System.Collections.Generic.List[object]]::new(); $l.Add(1); $l.Count", [1]),
    # hashtables
    ("$h = @{Name='a'; Size=1}; $h.name", ["a"]),
    ("$h = @{Name='a'}; $h['NAME']", ["a"]),
    ("$h = @{}; $h.x = 1; $h['y'] = 2; $h.Count", [2]),
    ("$h = @{a=1}; $h.ContainsKey('A')", [True]),
    ("$h = @{a=1}; $h.ContainsValue(1)", [True]),
    ("$h = @{a=1}; $h.Add('b', 2); $h.b", [2]),
    ("$h = @{a=1}; $h.Remove('a'); $h.Count", [0]),
    ("$h = @{a=1}; $h.missing", [None]),
    ("$h = [ordered]@{one=1; two=2; three=3}; $h.Keys", ["one", "two", "three"]),
    ("$h = [ordered]@{one=1; two=2}; $h.Values", [1, 2]),
    ("$h = [ordered]@{a=1; b=2}; ($h.GetEnumerator() | ForEach-Object { \"$($_.Key)=$($_.Value)\" }) -join ';'", ["a=1;b=2"]),
    ("$h = @{a=@{b=5}}; $h.a.b", [5]),
    ("$h = @{ 'a b' = 1 }; $h.'a b'", [1]),
    ("$k = 'x'; $h = @{x=3}; $h.$k", [3]),
    ("$h = @{a=1; b=2}; $h.Keys.Count", [2]),
    ("$h = @{}; $h.Count", [0]),
    ("$h = @{a=1}; $c = $h.Clone(); $c.a = 2; $h.a", [1]),
    # PSCustomObject
    ("$o = [pscustomobject]@{Name='x'; Size=3}; $o.Size", [3]),
    ("$o = [pscustomobject]@{Name='x'}; $o.name", ["x"]),
    ("$o = [pscustomobject]@{Name='x'}; $o.Name = 'y'; $o.Name", ["y"]),
    ("$o = [pscustomobject]@{Name='x'}; $o.Missing", [None]),
    ("$o = [pscustomobject]@{a=1;b=2}; $o.psobject.Properties.Name", ["a", "b"]),
    ("$o = [pscustomobject]@{a=1;b=2}; ($o.psobject.Properties | ForEach-Object { $_.Value }) -join ','", ["1,2"]),
    ("[string]([pscustomobject]@{a=1;b='x'})", ["@{a=1; b=x}"]),
    ("\"$([pscustomobject]@{a=1})\"", ["@{a=1}"]),
    # dates
    ("$d = [datetime]'2024-01-31'; $d.AddDays(1).ToString('yyyy-MM-dd')", ["2024-02-01"]),
    ("$d = [datetime]'2024-01-31'; $d.AddMonths(1).ToString('yyyy-MM-dd')", ["2024-02-29"]),
    ("$d = [datetime]'2024-01-31 10:00'; $d.AddHours(-12).ToString('yyyy-MM-dd HH:mm')", ["2024-01-30 22:00"]),
    ("$d = [datetime]'2024-01-31 10:00'; $d.AddMinutes(90).Hour", [11]),
    ("([datetime]'2024-01-31').Year", [2024]),
    ("([datetime]'2024-01-31').Month", [1]),
    ("([datetime]'2024-01-31').Day", [31]),
    ("([datetime]'2024-01-31').DayOfYear", [31]),
    ("([datetime]'2024-01-31 10:20:30').Date.ToString('s')", ["2024-01-31T00:00:00"]),
    ("([datetime]'2024-01-31 10:20:30').ToString('s')", ["2024-01-31T10:20:30"]),
    ("([datetime]'2024-01-31 15:04:05').ToString('hh:mm tt')", ["03:04 PM"]),
    ("([datetime]'2024-01-31').ToString('dd MMM yyyy')", ["31 Jan 2024"]),
    ("([datetime]'2024-01-05').ToString('d')", ["1/5/2024"]),
    ("([datetime]'2024-01-05').ToShortDateString()", ["1/5/2024"]),
    ("([datetime]'2024-01-05 14:30').ToString('g')", ["1/5/2024 2:30 PM"]),
    ("([datetime]'2024-01-05').DayOfWeek -eq 'Friday'", [True]),
    ("(([datetime]'2024-01-31') - ([datetime]'2024-01-01')).Days", [30]),
    ("(([datetime]'2024-01-31 12:00') - ([datetime]'2024-01-31 10:30')).TotalMinutes", [90.0]),
    ("([datetime]'2024-01-31') -gt ([datetime]'2024-01-01')", [True]),
    ("([datetime]'2024-01-31') + [timespan]'1.00:00:00'", [__import__("datetime").datetime(2024, 2, 1)]),
    ("[string](([datetime]'2024-01-31 10:00') - ([datetime]'2024-01-30 08:30'))", ["1.01:30:00"]),
    ("([datetime]'2024-01-31').Subtract([datetime]'2024-01-30').TotalHours", [24.0]),
    # timespans
    ("([timespan]'02:30:00').TotalHours", [2.5]),
    ("([timespan]'1.02:03:04').Days", [1]),
    ("([timespan]'1.02:03:04').Hours", [2]),
    ("([timespan]'1.02:03:04').Minutes", [3]),
    ("([timespan]'1.02:03:04').Seconds", [4]),
    ("[timespan]::FromMinutes(90).ToString()", ["01:30:00"]),
    ("([timespan]'00:00:05').TotalMilliseconds", [5000.0]),
    ("([timespan]'01:00:00') + ([timespan]'00:30:00') -eq [timespan]'01:30:00'", [True]),
    ("([timespan]'01:02:03').ToString('hh\\:mm')", ["01:02"]),
    ("New-TimeSpan -Hours 2 | ForEach-Object TotalMinutes", [120.0]),
    # GetType / misc
    ("(1).GetType().FullName", ["System.Int32"]),
    ("(1.5).GetType().Name", ["Double"]),
    ("@{}.GetType().Name", ["Hashtable"]),
    ("(1,2).GetType().FullName", ["System.Object[]"]),
    ("(Get-Date).GetType().FullName", ["System.DateTime"]),
    ("(3.14159).ToString('0.00')", ["3.14"]),
    ("(1234.5).ToString('N1')", ["1,234.5"]),
    ("(42).ToString()", ["42"]),
]


@pytest.mark.parametrize("script,expected", [c for c in CASES if c[1] is not None],
                         ids=[c[0] for c in CASES if c[1] is not None])
def test_member(ps, script, expected):
    assert ps.ctx.invoke(script, raise_errors=True) == expected


def test_method_on_null(ps):
    rec = ps.err("$x = $null; $x.Foo()")
    assert rec.message == "You cannot call a method on a null-valued expression."
    assert rec.error_id == "InvokeMethodOnNull"


def test_missing_method(ps):
    rec = ps.err('"a".Frobnicate()')
    assert rec.message == "Method invocation failed because [System.String] does not contain a method named 'Frobnicate'."
    assert rec.error_id == "MethodNotFound"


def test_array_add_is_fixed_size(ps):
    rec = ps.err("$a = @(1); $a.Add(2)")
    assert rec.message == 'Exception calling "Add" with "1" argument(s): "Collection was of a fixed size."'


def test_substring_out_of_range(ps):
    rec = ps.err('"abc".Substring(5)')
    assert rec.message.startswith('Exception calling "Substring" with "1" argument(s): "startIndex cannot be larger')


def test_hashtable_duplicate_add(ps):
    rec = ps.err("$h = @{a=1}; $h.Add('A', 2)")
    assert "Item has already been added. Key in dictionary: 'A'" in rec.message


def test_set_missing_property_on_pscustomobject(ps):
    rec = ps.err("$o = [pscustomobject]@{a=1}; $o.b = 2")
    assert rec.error_id == "PropertyNotFound"


def test_index_into_null(ps):
    assert ps.err("$n = $null; $n[0]").message == "Cannot index into a null array."


def test_member_api():
    from vboshell.runtime.members import get_member_value
    from vboshell.runtime.psobject import PSObject
    from vboshell.runtime.values import Hashtable

    assert get_member_value(Hashtable({"Name": 1}), "name") == 1
    assert get_member_value(PSObject({"Name": 1}), "NAME") == 1
    assert get_member_value([PSObject({"a": 1}), PSObject({"a": 2})], "a") == [1, 2]
    assert get_member_value(None, "Count") == 0
    assert get_member_value("abc", "Length") == 3
    assert get_member_value(7, "Count") == 1


EXTRA = [
    ("[char[]]'abc' -join '-'", ["a-b-c"]),
    ("$a = 3,1,2; [array]::Sort($a); $a -join ''", ["123"]),
    ("$a = 1,2,3; [array]::Reverse($a); $a -join ''", ["321"]),
    ("[array]::IndexOf(@('a','b'), 'b')", [1]),
    ("$l = [System.Collections.ArrayList]::new(@(1,2)); $l.Add(3)", [2]),
    ("[IO.Path]::Combine('C:\\data', 'x.txt')", ["C:\\data\\x.txt"]),
    ("Write-Error 'x' 2>$null; $Error.Count; $Error.Clear(); $Error.Count", [1, 0]),
    ("'abcdef'[0..2] -join ''", ["abc"]),
    ("$h = @{1='one'}; $h[1]", ["one"]),
    ("$x = @{a=1}; foreach ($i in $x) { $i.a }", [1]),
]


@pytest.mark.parametrize("script,expected", EXTRA, ids=[c[0] for c in EXTRA])
def test_member_extra(ps, script, expected):
    assert ps.ctx.invoke(script, raise_errors=True) == expected
