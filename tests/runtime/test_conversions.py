"""Casts, type accelerators and static members; conversion API (to_bool, to_string, convert_to)."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest

from vboshell.runtime.conversions import convert_to, to_bool, to_string
from vboshell.runtime.values import Hashtable

CASES = [
    ('[int]"42"', [42]),
    ("[int]2.5", [2]),
    ("[int]3.5", [4]),
    ("[int]-2.5", [-2]),
    ('[int]" 7 "', [7]),
    ('[int]""', [0]),
    ("[int]$null", [0]),
    ("[int]$true", [1]),
    ('[int]"0x1F"', [31]),
    ('[long]"9000000000"', [9000000000]),
    ('[double]"1.5"', [1.5]),
    ('[double]"1e3"', [1000.0]),
    ('[decimal]"1.50"', [decimal.Decimal("1.50")]),
    ("[string]1.50", ["1.5"]),
    ("[string]$null", [""]),
    ("[string]@(1,2,3)", ["1 2 3"]),
    ('$OFS = "-"; [string]@(1,2,3)', ["1-2-3"]),
    ("[string]$true", ["True"]),
    ("[bool]'false'", [True]),
    ("[bool]''", [False]),
    ("[bool]0", [False]),
    ("[bool]@()", [False]),
    ("[bool]@(0)", [False]),
    ("[bool]@(1,0)", [True]),
    ("[bool]$null", [False]),
    ("[bool][pscustomobject]@{}", [True]),
    ("[char]65", ["A"]),
    ('[char]"x"', ["x"]),
    ("[byte]255", [255]),
    ("[int][char]'a'", [97]),
    ('[datetime]"2024-01-31"', [dt.datetime(2024, 1, 31)]),
    ('[datetime]"01/31/2024 13:45:00"', [dt.datetime(2024, 1, 31, 13, 45)]),
    ('[datetime]"2024-01-31T08:30:00"', [dt.datetime(2024, 1, 31, 8, 30)]),
    ('([datetime]"2024-02-29").DayOfWeek', ["Thursday"]),
    ('[string][datetime]"2024-01-31 08:05:09"', ["01/31/2024 08:05:09"]),
    ('[timespan]"01:30:00"', [dt.timedelta(hours=1, minutes=30)]),
    ('[string][timespan]"1.02:03:04"', ["1.02:03:04"]),
    ('([timespan]"00:01:30").TotalSeconds', [90.0]),
    ('[guid]"0f8fad5b-d9cb-469f-a165-70867728950e"', [__import__("uuid").UUID("0f8fad5b-d9cb-469f-a165-70867728950e")]),
    ('[string][guid]"0F8FAD5B-D9CB-469F-A165-70867728950E"', ["0f8fad5b-d9cb-469f-a165-70867728950e"]),
    ("([array]5).Count", [1]),
    ("([array]$null).Count", [0]),
    ("([int[]]('1','2'))[1] + 1", [3]),
    ("([string[]](1,2))[0].GetType().FullName", ["System.String"]),
    ("$h = [hashtable]@{a=1}; $h.a", [1]),
    ("$o = [ordered]@{z=1; a=2}; $o.Keys -join ','", ["z,a"]),
    ("([ordered]@{z=1; a=2})[1]", [2]),
    ("([pscustomobject]@{b=2; a=1}).psobject.Properties.Name -join ','", ["b,a"]),
    ("([pscustomobject]@{Name='x'}).GetType().FullName", ["System.Management.Automation.PSCustomObject"]),
    ("[regex]::Escape('a.b')", ["a\\.b"]),
    ("([regex]'(\\d+)').Match('ab12').Groups[1].Value", ["12"]),
    ("[regex]::Matches('a1b22c333', '\\d+').Count", [3]),
    ("[regex]::Replace('abc', 'b', 'X')", ["aXc"]),
    ("[regex]::IsMatch('abc', '^A', 'IgnoreCase')", [True]),
    ("([scriptblock]::Create('1 + 2')).Invoke()", [3]),
    ("[switch]$true", [True]),
    ("[math]::Round(2.5)", [2.0]),
    ("[math]::Round(3.5)", [4.0]),
    ("[math]::Round(2.345, 2)", [2.35]),
    ("[math]::Round(2.5, [MidpointRounding]::AwayFromZero)", [3.0]),
    ("[math]::Round(2.675, 2)", [2.68]),
    ("[math]::Round(1.005, 2)", [1.0]),
    ("[math]::Round(1234.5678, 1)", [1234.6]),
    ("[math]::Floor(2.7)", [2.0]),
    ("[math]::Ceiling(2.1)", [3.0]),
    ("[math]::Max(3, 7)", [7]),
    ("[math]::Min(3, 7.5)", [3.0]),
    ("[math]::Abs(-4)", [4]),
    ("[math]::Pow(2, 10)", [1024.0]),
    ("[math]::Sqrt(16)", [4.0]),
    ("[math]::PI -gt 3.14", [True]),
    ("[math]::Truncate(-2.7)", [-2.0]),
    ("[string]::IsNullOrEmpty('')", [True]),
    ("[string]::IsNullOrEmpty($null)", [True]),
    ("[string]::IsNullOrEmpty(' ')", [False]),
    ("[string]::IsNullOrWhiteSpace(' ')", [True]),
    ("[string]::Join(', ', @('a','b'))", ["a, b"]),
    ("[string]::Join('-', 1, 2, 3)", ["1-2-3"]),
    ("[string]::Format('{0}-{1}', 'a', 'b')", ["a-b"]),
    ("[string]::Empty", [""]),
    ("[string]::Concat('a', 1)", ["ab"[:1] + "1"]),
    ("[System.IO.Path]::GetFileName('/tmp/x/report.csv')", ["report.csv"]),
    ("[System.IO.Path]::GetExtension('report.tar.gz')", [".gz"]),
    ("[System.IO.Path]::GetFileNameWithoutExtension('C:\\a\\report.csv')", ["report"]),
    ("[System.IO.Path]::GetDirectoryName('/tmp/x/report.csv')", ["/tmp/x"]),
    ("[IO.Path]::Combine('/tmp', 'a', 'b.txt')", ["/tmp/a/b.txt"]),
    ("[IO.Path]::Combine('/tmp', '/abs')", ["/abs"]),
    ("[System.IO.Path]::GetTempPath().Length -gt 1", [True]),
    ("[datetime]::Parse('2024-03-01').Month", [3]),
    ("[datetime]::ParseExact('31.01.2024', 'dd.MM.yyyy', $null).Day", [31]),
    ("[datetime]::Now -is [datetime]", [True]),
    ("[datetime]::Today.Hour", [0]),
    ("[datetime]::UtcNow.Kind", ["Utc"]),
    ("([guid]::NewGuid()).ToString().Length", [36]),
    ("[guid]::Empty.ToString()", ["00000000-0000-0000-0000-000000000000"]),
    ("[Environment]::NewLine", ["\n"]),
    ("[Environment]::MachineName.Length -gt 0", [True]),
    ("[Environment]::UserName.Length -gt 0", [True]),
    ("[Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes('hi'))", ["aGk="]),
    ("[Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('aGk='))", ["hi"]),
    ("[int]::Parse('12') + 1", [13]),
    ("$n = 0; [int]::TryParse('77', [ref]$n); $n", [True, 77]),
    ("$n = 5; [int]::TryParse('x', [ref]$n)", [False]),
    ("[int]::MaxValue", [2147483647]),
    ("$l = [System.Collections.Generic.List[string]]::new(); $l.Add(5); $l[0].GetType().Name", ["String"]),
    ("$l = New-Object System.Collections.ArrayList; $l.Add('a')", [0]),
    ("$a = [System.Collections.ArrayList]@(1,2); $a.Add(3); $a.Count", [2, 3]),
    ("$c = [pscredential]::new('admin', (ConvertTo-SecureString 'p@ss' -AsPlainText -Force)); $c.UserName", ["admin"]),
    ("$sb = [System.Text.StringBuilder]::new(); [void]$sb.Append('a').Append('b'); $sb.ToString()", ["ab"]),
    ("[int]'1,000' -as [int]", None),
]


@pytest.mark.parametrize("script,expected", [c for c in CASES if c[1] is not None], ids=[c[0] for c in CASES if c[1] is not None])
def test_cast(ps, script, expected):
    assert ps.ctx.invoke(script, raise_errors=True) == expected


ERRORS = [
    ('[int]"abc"', 'Cannot convert value "abc" to type "System.Int32". Error: "Input string was not in a correct format."'),
    ("[int]3000000000", 'Cannot convert value "3000000000" to type "System.Int32". Error: "Value was either too large or too small for an Int32."'),
    ('[datetime]"not a date"', 'Cannot convert value "not a date" to type "System.DateTime". Error: "String was not recognized as a valid DateTime."'),
    ('[guid]"xyz"', 'Cannot convert value "xyz" to type "System.Guid". Error: "Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)."'),
    ("[nosuchtype]1", "Unable to find type [nosuchtype]."),
    ('[char]"ab"', 'Cannot convert value "ab" to type "System.Char". Error: "String must be exactly one character long."'),
]


@pytest.mark.parametrize("script,message", ERRORS, ids=[e[0] for e in ERRORS])
def test_cast_errors(ps, script, message):
    assert ps.err(script).message == message


@pytest.mark.parametrize("value,expected", [
    (None, False), (0, False), (1, True), ("", False), ("False", True), ([], False), ([0], False), ([1, 0], True),
    (0.0, False), (Hashtable(), True), ([[]], False), (decimal.Decimal(0), False),
])
def test_to_bool(value, expected):
    assert to_bool(value) is expected


@pytest.mark.parametrize("value,expected", [
    (None, ""), (True, "True"), (1.0, "1"), (0.1 + 0.2, "0.3"), (1 / 3, "0.333333333333333"), (1e-7, "1E-07"),
    ([1, "a", None], "1 a "), (Hashtable(), "System.Collections.Hashtable"), (dt.datetime(2024, 1, 2, 3, 4, 5), "01/02/2024 03:04:05"),
    (dt.timedelta(minutes=5), "00:05:00"), (dt.timedelta(seconds=1.5), "00:00:01.5000000"), (12345678901234.0, "12345678901234"),
    (float("nan"), "NaN"), (-0.5, "-0.5"), (decimal.Decimal("2.50"), "2.50"),
])
def test_to_string(value, expected):
    assert to_string(value) == expected


def test_convert_to_api():
    assert convert_to("5", int) == 5
    assert convert_to("5", "int[]") == [5]
    assert convert_to(["1", "2"], "System.Int32[]") == [1, 2]
    assert convert_to("2024-01-31", dt.datetime) == dt.datetime(2024, 1, 31)
    assert convert_to(1, str) == "1"
    assert convert_to(0, bool) is False


def test_typed_variable_keeps_its_type(ps):
    assert ps.one('[int]$x = "5"; $x = "6"; $x + 1') == 7
    rec = ps.err('[int]$y = 1; $y = "abc"')
    assert "System.Int32" in rec.message


def test_file_static_members(ps, tmp_path):
    p = tmp_path / "f.txt"
    ps.run(f"[System.IO.File]::WriteAllText('{p}', 'hello')")
    assert ps.one(f"[System.IO.File]::Exists('{p}')") is True
    assert ps.one(f"[IO.File]::ReadAllText('{p}')") == "hello"
    assert ps.one("[System.IO.File]::Exists('nope.txt')") is False


def test_enums_compare_print_and_convert(ps):
    import enum

    class Status(enum.Enum):
        Success = 0
        Warning = 1
        Failed = 2

    ps.ctx.set_variable("st", Status.Warning)
    assert ps.run("$st -eq 'warning'; $st -eq 1; \"$st\"; $st -gt 0") == [True, True, "Warning", True]
    assert convert_to("failed", Status) is Status.Failed
    assert convert_to(2, Status) is Status.Failed
    from vboshell.runtime.errors import PSRuntimeError

    with pytest.raises(PSRuntimeError) as ei:
        convert_to("Nope", Status)
    assert "Specify one of the following enumerator names and try again:\nSuccess, Warning, Failed" in ei.value.error_record.message


def test_private_python_attributes_are_hidden(ps):
    assert ps.run("$o = [System.Text.StringBuilder]::new(); $o.__class__ -eq $null") == [True]


def test_xml_accelerator(ps, tmp_path):
    (tmp_path / "cfg.xml").write_text('<?xml version="1.0"?><Config env="prod"><Server>vbo01</Server>'
                                      '<Jobs><Job name="A" enabled="true"/><Job name="B" enabled="false"/></Jobs></Config>')
    out = ps.run("[xml]$c = Get-Content cfg.xml; $c.Config.Server; $c.Config.env; $c.Config.Jobs.Job.Count; "
                 "($c.Config.Jobs.Job | Where-Object { $_.enabled -eq 'true' }).name; $c.SelectNodes('//Job').Count")
    assert out == ["vbo01", "prod", 2, "A", 2]
    assert ps.err("[xml]'<a>'").error_id == "InvalidCastToXmlDocument"


def test_console_static_members(ps):
    assert ps.run('[Console]::WriteLine("hello {0}", "you"); [Console]::Write("a"); [Console]::WriteLine()') == []
    assert ps.host.text == "hello you\na\n"


def test_version_accelerator(ps):
    assert ps.run('$PSVersionTable.PSVersion -ge [version]"5.0"; [version]"1.2.3" -lt [version]"1.10"; ([version]"5.1.2").Minor') == [True, True, 1]
    assert ps.err('[version]"abc"').error_id == "InvalidCastParseTargetInvocation"


def test_module_qualified_command_names(ps):
    assert ps.run('Microsoft.PowerShell.Utility\\Write-Output "q"') == ["q"]


def test_tls_and_assembly_idioms_are_accepted(ps):
    out = ps.run("[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12; "
                 "\"$([Net.ServicePointManager]::SecurityProtocol)\"; [void][Reflection.Assembly]::LoadWithPartialName('System.Web'); 'ok'")
    assert out == ["Tls12", "ok"]
    assert ps.err("[math]::PI = 3").error_id == "PropertyAssignmentException"
