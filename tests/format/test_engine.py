"""Exact-text tests of the formatting engine (pure Python, no evaluator): default views, tables, lists,
truncation, alignment, hashtables, scalars, Format-Table/List builders and value strings."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

import pytest

from vboshell.format import build_list, build_table, build_wide, format_default, format_lines, render_blocks
from vboshell.format.engine import OutOfBand, TableBlock, render_table
from vboshell.format.properties import PropertySpecError, resolve_specs, wildcard_match
from vboshell.format.values import (
    dotnet_format_datetime,
    enumerable_text,
    format_double,
    format_timespan,
    scalar_text,
    uformat_datetime,
)
from vboshell.runtime.psobject import PSObject, TypeView, ps_type
from vboshell.runtime.values import DateTime, Hashtable, OrderedHashtable, TimeSpan


def O(**kw: object) -> PSObject:  # noqa: N802,E743 - reads like [PSCustomObject]
    return PSObject(list(kw.items()))


# ---------------------------------------------------------------------------- tables


def test_small_object_is_a_table() -> None:
    assert format_default([O(Name="Daily", Size=12)]) == "\nName  Size\n----  ----\nDaily   12\n\n"


def test_numbers_right_aligned_text_left() -> None:
    out = format_default([O(Name="hello world", Count=5), O(Name="b", Count=12345)])
    assert out == "\nName        Count\n----        -----\nhello world     5\nb           12345\n\n"


def test_header_underline_is_header_length() -> None:
    out = format_default([O(A="long value here", B="x")])
    assert out.splitlines()[2] == "-               -"


def test_right_aligned_header_and_dashes() -> None:
    out = format_default([O(a="x", Count=12345678)])
    assert out.splitlines()[1:4] == ["a    Count", "-    -----", "x 12345678"]


def test_four_properties_still_table() -> None:
    out = format_default([O(A=1, B=2, C=3, D=4)])
    assert out == "\nA B C D\n- - - -\n1 2 3 4\n\n"


def test_five_properties_become_list() -> None:
    out = format_default([O(A=1, B=2, C=3, D=4, E=5)])
    assert out == "\nA : 1\nB : 2\nC : 3\nD : 4\nE : 5\n\n"


def test_list_names_padded_to_longest() -> None:
    out = format_default([O(Name="x", LongerName="y", A=1, B=2, C=None)])
    assert out.splitlines()[1:6] == ["Name       : x", "LongerName : y", "A          : 1", "B          : 2",
                                     "C          :"]


def test_list_objects_separated_by_blank_lines() -> None:
    objs = [O(A=1, B=2, C=3, D=4, E=5), O(A=6, B=7, C=8, D=9, E=10)]
    lines = format_lines(objs)
    assert lines == ["", "A : 1", "B : 2", "C : 3", "D : 4", "E : 5", "",
                     "A : 6", "B : 7", "C : 8", "D : 9", "E : 10", ""]


def test_first_object_fixes_columns() -> None:
    out = format_default([O(a=1), O(b=2)])
    assert out == "\na\n-\n1\n\n\n"


def test_missing_value_is_empty_cell() -> None:
    out = format_default([O(a=1, b="x"), O(a=2)])
    assert out.splitlines()[3:5] == ["1 x", "2"]


def test_null_value_in_table() -> None:
    assert format_default([O(A=None, B=1)]) == "\nA B\n- -\n  1\n\n"


def test_bool_values() -> None:
    assert format_default([O(Enabled=True, Ok=False)]) == "\nEnabled Ok\n------- --\n   True False\n\n".replace("   True", "True   ")


def test_truncation_to_width() -> None:
    out = format_default([O(Name="x" * 30, Description="d" * 60)], width=50)
    lines = out.splitlines()
    assert lines[1] == "Name                           Description"
    assert lines[3] == "x" * 30 + " " + "d" * 15 + "..."
    assert all(len(line) <= 49 for line in lines)


def test_unlimited_width_never_truncates() -> None:
    out = format_default([O(Name="x" * 300)], width=None)
    assert "x" * 300 in out and "..." not in out


def test_column_dropped_when_it_cannot_fit() -> None:
    out = format_default([O(Name="x" * 100, Desc="y" * 50)], width=80)
    lines = out.splitlines()
    assert lines[1] == "Name"
    assert lines[3] == "x" * 76 + "..."


def test_scalar_inside_table_prints_out_of_band() -> None:
    assert format_lines([O(a=1), "x", O(a=22)]) == ["", " a", " -", " 1", "x", "22", ""]


def test_table_trailing_spaces_trimmed() -> None:
    out = format_default([O(Name="a", Value="long text")])
    assert all(line == line.rstrip() for line in out.splitlines())


def test_float_cells_use_15_digits() -> None:
    assert format_default([O(V=0.1 + 0.2)]) == "\n  V\n  -\n0.3\n\n"


def test_array_cell_enumeration_limit() -> None:
    out = format_default([O(Items=[1, 2, 3, 4, 5])])
    assert out.splitlines()[3] == "{1, 2, 3, 4...}"


def test_array_cell_short() -> None:
    assert format_default([O(Items=["a", "b"])]).splitlines()[3] == "{a, b}"


def test_nested_object_cell() -> None:
    assert format_default([O(Inner=O(a=1, b="x"))]).splitlines()[3] == "@{a=1; b=x}"


def test_datetime_cell_short_form() -> None:
    out = format_default([O(When=DateTime(2024, 1, 31, 14, 5, 9))])
    assert out.splitlines()[3] == "1/31/2024 2:05:09 PM"


def test_timespan_cell() -> None:
    assert format_default([O(T=TimeSpan(days=1, hours=2))]).splitlines()[3] == "1.02:00:00"


# ---------------------------------------------------------------------------- scalars


def test_scalars_one_per_line() -> None:
    assert format_default([1, "x", True, 2.5]) == "1\nx\nTrue\n2.5\n"


def test_null_prints_nothing() -> None:
    assert format_default([None]) == ""
    assert format_default([None, "a", None]) == "a\n"


def test_array_elements_one_per_line() -> None:
    assert format_default([[1, [2, 3]], "x"]) == "1\n2\n3\nx\n"


def test_double_display() -> None:
    assert format_default([0.1 + 0.2, 1e20, 1.0]) == "0.3\n1E+20\n1\n"


def test_datetime_long_form() -> None:
    assert format_default([DateTime(2024, 1, 31, 10, 5)]) == "\nWednesday, January 31, 2024 10:05:00 AM\n\n"


def test_decimal_scalar() -> None:
    assert format_default([decimal.Decimal("1.50")]) == "1.50\n"


def test_empty_string_prints_empty_line() -> None:
    assert format_default([""]) == "\n"


def test_multiline_string() -> None:
    assert format_default(["a\nb"]) == "a\nb\n"


def test_guid_table() -> None:
    assert format_default([uuid.UUID(int=1)]) == "\nGuid\n----\n00000000-0000-0000-0000-000000000001\n\n"


def test_timespan_list() -> None:
    lines = format_lines([TimeSpan(hours=2, minutes=30)])
    assert lines[1] == "Days              : 0"
    assert lines[3] == "Minutes           : 30"
    assert lines[7] == "TotalDays         : 0.104166666666667"
    assert lines[-2] == "TotalMilliseconds : 9000000"


# ---------------------------------------------------------------------------- hashtables


def test_hashtable_name_value_table() -> None:
    out = format_default([Hashtable({"a": 1, "bb": "two"})])
    assert out == ("\nName                           Value\n----                           -----\n"
                   "a                              1\nbb                             two\n\n")


def test_two_hashtables_one_table() -> None:
    lines = format_lines([Hashtable({"a": 1}), OrderedHashtable({"b": 2})])
    assert lines[3:5] == ["a                              1", "b                              2"]


def test_hashtable_long_key_truncated() -> None:
    lines = format_lines([Hashtable({"k" * 40: 1})], width=120)
    assert lines[3] == "k" * 27 + "... 1"


def test_empty_hashtable_prints_header_only() -> None:
    assert format_lines([Hashtable()]) == ["", "Name                           Value",
                                           "----                           -----", ""]


# ---------------------------------------------------------------------------- type views


@ps_type("FormatTests.FormatTestJob", view=TypeView(table=("Name", "Enabled")))
class _Job:
    def __init__(self, name: str, enabled: bool) -> None:
        self.name = name
        self.enabled = enabled

    def ps_properties(self) -> list[tuple[str, object]]:
        return [("Name", self.name), ("Enabled", self.enabled), ("Id", 1), ("A", 1), ("B", 2), ("C", 3)]


@ps_type("FormatTests.FormatTestRepo", view=TypeView(table=(("Name", "Repository", 12), "Path"), kind="table"))
class _Repo:
    def ps_properties(self) -> list[tuple[str, object]]:
        return [("Name", "r1"), ("Path", "/data"), ("X", 1), ("Y", 2), ("Z", 3)]


@ps_type("FormatTests.FormatTestMany", view=TypeView(kind="list"))
class _Many:
    def ps_properties(self) -> list[tuple[str, object]]:
        return [("A", 1)]


def test_type_view_columns_win() -> None:
    assert format_default([_Job("Daily", True)]) == "\nName  Enabled\n----  -------\nDaily True\n\n"


def test_type_view_labels_and_width() -> None:
    assert format_lines([_Repo()]) == ["", "Repository   Path", "----------   ----", "r1           /data", ""]


def test_type_view_forced_list() -> None:
    assert format_default([_Many()]) == "\nA : 1\n\n"


def test_type_change_without_view_prints_list_out_of_band() -> None:
    lines = format_lines([O(a=1), _NoView()])
    assert lines == ["", "a", "-", "1", "P : 7", ""]


class _NoView:
    def ps_properties(self) -> list[tuple[str, object]]:
        return [("P", 7)]


def test_type_change_with_view_starts_new_table() -> None:
    lines = format_lines([O(a=1), _Job("J", False)])
    assert lines == ["", "a", "-", "1", "", "", "Name Enabled", "---- -------", "J    False", ""]


# ---------------------------------------------------------------------------- Format-Table / Format-List


def test_build_table_with_property_subset() -> None:
    blocks = build_table([O(A=1, B=2, C=3)], ["C", "A"])
    assert render_blocks(blocks, None) == ["", "C A", "- -", "3 1", ""]


def test_build_table_wildcard_property() -> None:
    blocks = build_table([O(Name=1, NameX=2, Other=3)], ["Name*"])
    assert render_blocks(blocks, None)[1] == "Name NameX"


def test_build_table_calculated_with_plain_expression() -> None:
    blocks = build_table([O(A=5)], [Hashtable({"Label": "Alpha", "Expression": "A"})])
    assert render_blocks(blocks, None) == ["", "Alpha", "-----", "    5", ""]


def test_build_table_calculated_width_and_alignment() -> None:
    spec = Hashtable({"N": "Name", "E": "A", "Width": 8, "Align": "Right"})
    assert render_blocks(build_table([O(A="x")], [spec]), None) == ["", "    Name", "    ----", "       x", ""]


def test_build_table_center_alignment() -> None:
    spec = Hashtable({"N": "Mid", "E": "A", "Width": 7, "Alignment": "Center"})
    assert render_blocks(build_table([O(A="x")], [spec]), None)[3] == "   x"


def test_build_table_format_string() -> None:
    spec = Hashtable({"N": "Size", "E": "A", "FormatString": "N2"})
    assert render_blocks(build_table([O(A=1234.5)], [spec]), None)[3] == "1,234.50"


def test_bad_calculated_key() -> None:
    with pytest.raises(PropertySpecError) as e:
        build_table([O(A=1)], [Hashtable({"Nmae": "x", "E": "A"})])
    assert e.value.error_id == "DictionaryKeyIllegal"


def test_missing_expression_key() -> None:
    with pytest.raises(PropertySpecError):
        build_table([O(A=1)], [Hashtable({"Name": "x"})])


def test_hide_table_headers() -> None:
    assert render_blocks(build_table([O(A=1, B="x")], hide_headers=True), None) == ["", "1 x", ""]


def test_group_by() -> None:
    objs = [O(Kind="a", V=1), O(Kind="a", V=2), O(Kind="b", V=3)]
    lines = render_blocks(build_table(objs, group_by="Kind"), None)
    assert lines == ["", "   Kind: a", "", "Kind V", "---- -", "a    1", "a    2", "",
                     "", "   Kind: b", "", "Kind V", "---- -", "b    3", ""]


def test_wrap_long_cells() -> None:
    block = build_table([O(B="x", A="one two three four")], wrap=True)[0]
    assert render_blocks([block], 12) == ["", "B A", "- -", "x one two", "  three", "  four", ""]


def test_no_wrap_truncates_last_column() -> None:
    block = build_table([O(B="x", A="one two three four")])[0]
    assert render_blocks([block], 12)[3] == "x one tw..."


def test_autosize_fits_content() -> None:
    assert render_blocks(build_table([O(Name="abc", N=1)], autosize=True), 80) == ["", "Name N", "---- -", "abc  1", ""]


def test_build_table_over_scalars() -> None:
    assert render_blocks(build_table(["a", "bb"]), None) == ["", "a", "bb", ""]


def test_build_table_hashtable_input() -> None:
    lines = render_blocks(build_table([Hashtable({"k": "v"})]), None)
    assert lines[1].startswith("Name")


def test_build_list_all_properties() -> None:
    assert render_blocks(build_list([O(A=1, BB=2)]), None) == ["", "A  : 1", "BB : 2", ""]


def test_build_list_star() -> None:
    assert render_blocks(build_list([O(A=1, BB=2)], ["*"]), None) == ["", "A  : 1", "BB : 2", ""]


def test_build_list_selected_properties() -> None:
    assert render_blocks(build_list([O(A=1, BB=2)], ["BB"]), None) == ["", "BB : 2", ""]


def test_build_list_scalars_print_plainly() -> None:
    assert render_blocks(build_list(["x", 3]), None) == ["", "x", "3", ""]


def test_list_multiline_value_indented() -> None:
    lines = render_blocks(build_list([O(Name="a", Text="l1\nl2")]), None)
    assert lines == ["", "Name : a", "Text : l1", "       l2", ""]


def test_list_wraps_long_values_at_width() -> None:
    lines = render_blocks(build_list([O(T="word " * 10)]), 30)
    assert lines[1] == "T : word word word word word"
    assert lines[2].startswith("    word")


def test_wide() -> None:
    assert render_blocks(build_wide(["a", "b", "c"], column_count=2), 21) == ["", "a         b", "c", ""]


def test_format_block_renders_in_default() -> None:
    blocks = build_table([O(A=1)])
    assert format_default(blocks) == "\nA\n-\n1\n\n"


def test_out_of_band_row_in_table_block() -> None:
    block = TableBlock(columns=build_table([O(A=1)])[0].columns, rows=[["1"], OutOfBand("note")])
    assert render_table(block, None) == ["", "A", "-", "1", "note", ""]


# ---------------------------------------------------------------------------- values


@pytest.mark.parametrize("value,text", [
    (0.1 + 0.2, "0.3"), (1.0, "1"), (1e15, "1E+15"), (1e-5, "1E-05"), (123456789012345678.0, "1.23456789012346E+17"),
    (-2.5, "-2.5"), (float("nan"), "NaN"), (float("inf"), "Infinity"), (1 / 3, "0.333333333333333"),
])
def test_format_double(value: float, text: str) -> None:
    assert format_double(value) == text


@pytest.mark.parametrize("td,text", [
    (dt.timedelta(hours=1), "01:00:00"), (dt.timedelta(days=2, minutes=3), "2.00:03:00"),
    (dt.timedelta(seconds=1, microseconds=500), "00:00:01.0005000"), (-dt.timedelta(hours=1), "-01:00:00"),
])
def test_format_timespan(td: dt.timedelta, text: str) -> None:
    assert format_timespan(td) == text


D = dt.datetime(2024, 1, 5, 9, 7, 3, 120000)


@pytest.mark.parametrize("fmt,text", [
    ("yyyy-MM-dd", "2024-01-05"), ("yyyyMMdd_HHmmss", "20240105_090703"), ("d", "1/5/2024"),
    ("D", "Friday, January 5, 2024"), ("s", "2024-01-05T09:07:03"), ("t", "9:07 AM"), ("T", "9:07:03 AM"),
    ("G", "1/5/2024 9:07:03 AM"), ("MMM d, yy", "Jan 5, 24"), ("dddd", "Friday"), ("hh:mm tt", "09:07 AM"),
    ("HH:mm:ss.fff", "09:07:03.120"), ("'Day' d", "Day 5"), ("yyyy\\MM", "2024M1"),
    ("M", "January 5"), ("y", "January 2024"),
])
def test_dotnet_datetime_formats(fmt: str, text: str) -> None:
    assert dotnet_format_datetime(D, fmt) == text


@pytest.mark.parametrize("fmt,text", [
    ("%Y-%m-%d", "2024-01-05"), ("%H:%M:%S", "09:07:03"), ("%A %B", "Friday January"), ("%j", "005"),
    ("%y%m%d", "240105"), ("%%", "%"),
])
def test_uformat(fmt: str, text: str) -> None:
    assert uformat_datetime(D, fmt) == text


def test_scalar_text_values() -> None:
    assert scalar_text(None) == ""
    assert scalar_text(True) == "True"
    assert scalar_text(Hashtable({"a": 1, "b": 2})) == "{a, b}"
    assert scalar_text([1, [2]]) == "{1, System.Object[]}"


def test_enumerable_text_limit() -> None:
    assert enumerable_text(list(range(10))) == "{0, 1, 2, 3...}"
    assert enumerable_text([]) == "{}"


def test_wildcard_match() -> None:
    assert wildcard_match("get-*", "Get-Date")
    assert wildcard_match("[a-c]at", "Bat")
    assert not wildcard_match("a?c", "abbc")
    assert wildcard_match("a`*", "a*")
    assert not wildcard_match("a`*", "ab")


def test_resolve_specs_exclude() -> None:
    specs = resolve_specs(["*"], O(A=1, B=2, C=3), None, exclude=["B"])
    assert [s.label for s in specs] == ["A", "C"]


# ---------------------------------------------------------------------------- incremental Out-Default


def _chunked(objs: list[object], size: int, width: int | None = None) -> str:
    from vboshell.format.engine import OutDefaultFormatter

    f = OutDefaultFormatter(width)
    out = "".join(f.feed(objs[i:i + size]) for i in range(0, len(objs), size))
    return out + f.close()


@pytest.mark.parametrize("objs", [
    [O(Name="a", N=1), O(Name="b", N=2), O(Name="c", N=3)],
    [O(A=1, B=2, C=3, D=4, E=5), O(A=6, B=7, C=8, D=9, E=10)],
    ["x", 1, O(a=1), "y", O(a=2), Hashtable({"k": 1}), Hashtable({"j": 2}), 3],
    [O(a=1), _NoView(), O(a=2)],
    [_Job("J", True), _Job("K", False), _Repo(), "s"],
    [DateTime(2024, 1, 31, 10, 5), 1, DateTime(2024, 2, 1)],
    [_Many(), "t", _Many()],
])
@pytest.mark.parametrize("size", [1, 2, 100])
def test_incremental_equals_batch(objs: list[object], size: int) -> None:
    assert _chunked(objs, size) == format_default(objs)


def test_incremental_keeps_first_widths() -> None:
    out = _chunked([O(Name="a"), O(Name="longer name")], 1)
    assert out == "\nName\n----\na\nl...\n\n"


def test_incremental_emits_header_early() -> None:
    from vboshell.format.engine import OutDefaultFormatter

    f = OutDefaultFormatter(None)
    assert f.feed([O(A=1)]) == "\nA\n-\n1\n"
    assert f.feed([O(A=2)]) == "2\n"
    assert f.close() == "\n"


def test_nested_hashtable_value_shows_keys() -> None:
    lines = format_lines([Hashtable({"Outer": Hashtable({"Inner": 1})})])
    assert lines[3] == "Outer                          {Inner}"


def test_wide_characters_align_by_display_width() -> None:
    lines = format_lines([O(Name="東京", N=1), O(Name="ab", N=2)])
    assert lines[1:5] == ["Name N", "---- -", "東京 1", "ab   2"]


def test_wide_characters_truncate_by_cells() -> None:
    lines = format_lines([O(A="x", Name="日本語のメールボックス")], width=12)
    assert lines[3] == "x 日本語..."
