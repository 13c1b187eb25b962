"""The .NET number formats used by FormatString, and Get-Help rendering from declarations (pure Python)."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest

from vboshell.commands.base import Cmdlet, Example, Parameter, Switch
from vboshell.commands.help import parse_comment_help, render_help, syntax_lines
from vboshell.format.dotnet import format_number, format_value


@pytest.mark.parametrize("value,fmt,text", [
    (1234.5678, "N2", "1,234.57"), (1234.5, "N0", "1,235"), (0.125, "N2", "0.13"), (-1234.5, "N1", "-1,234.5"),
    (2.5, "F0", "3"), (1.005, "F2", "1.01"), (3, "F1", "3.0"), (0.256, "P0", "26 %"), (0.5, "P1", "50.0 %"),
    (1234.5, "C", "$1,234.50"), (-2, "C0", "($2)"), (42, "D5", "00042"), (-42, "D4", "-0042"), (255, "X", "FF"),
    (255, "x4", "00ff"), (12345.678, "E2", "1.23E+004"), (1234.5678, "#,##0.00", "1,234.57"), (0.5, "0.0", "0.5"),
    (7, "000", "007"), (0.256, "0.0%", "25.6%"), (1.5, "#.##", "1.5"), (decimal.Decimal("2.345"), "N2", "2.35"),
])
def test_format_number(value: object, fmt: str, text: str) -> None:
    assert format_number(value, fmt) == text


def test_format_value_dates_and_strings() -> None:
    assert format_value(dt.datetime(2024, 1, 31, 9, 5), "yyyy-MM-dd HH:mm") == "2024-01-31 09:05"
    assert format_value("text", "N2") == "text"


class _Demo(Cmdlet):
    name = "Get-Demo"
    synopsis = "Gets demo things."
    description = "A longer description of the demo cmdlet."
    supports_should_process = True
    parameters = [
        Parameter("Name", str, array=True, mandatory=True, position=0, value_from_pipeline=True,
                  aliases=("N",), help="Names of things; wildcards allowed."),
        Parameter("Count", int, position=1, default=10, help="How many."),
        Parameter("Force", Switch, help="Forces it."),
        Parameter("ById", str, parameter_sets=("Id",), mandatory=True, help="An id."),
        Parameter("Hidden", str, dont_show=True),
    ]
    examples = [Example("Get-Demo -Name a*", "Gets the things starting with a.")]
    notes = "Demo notes."
    output_type = "Demo.Thing"


def test_syntax_lines_per_parameter_set() -> None:
    assert syntax_lines(_Demo) == [
        "Get-Demo [-Name] <string[]> [[-Count] <int>] -ById <string> [-Force] [-WhatIf] [-Confirm] [<CommonParameters>]",
    ]


def test_render_help_default_sections() -> None:
    text = render_help(_Demo)
    assert text.startswith("\nNAME\n    Get-Demo\n\nSYNOPSIS\n    Gets demo things.\n\n\nSYNTAX\n    Get-Demo ")
    assert "DESCRIPTION\n    A longer description of the demo cmdlet.\n" in text
    assert "Hidden" not in text
    assert text.endswith('    For technical information, type: "get-help Get-Demo -full".\n\n')


def test_render_help_full_parameter_table() -> None:
    text = render_help(_Demo, full=True)
    block = text[text.index("    -Name <string[]>"):text.index("    -Count <int>")]
    assert block == ("    -Name <string[]>\n        Names of things; wildcards allowed.\n\n"
                     "        Required?                    true\n        Position?                    0\n"
                     "        Default value\n        Accept pipeline input?       True (ByValue)\n"
                     "        Aliases                      N\n        Accept wildcard characters?  true\n\n")
    assert "        Default value                10" in text
    assert "INPUTS\n    string\n" in text and "OUTPUTS\n    Demo.Thing\n" in text and "NOTES\n    Demo notes." in text


def test_render_help_examples_only() -> None:
    text = render_help(_Demo, examples=True)
    assert "SYNTAX" not in text
    assert "    -------------------------- EXAMPLE 1 --------------------------\n\n    PS C:\\>Get-Demo -Name a*\n\n" \
           "    Gets the things starting with a." in text


def test_render_help_parameter_wildcard() -> None:
    text = render_help(_Demo, parameter="C*")
    assert "    -Count <int>" in text and "-Name" not in text


def test_render_help_unknown_parameter() -> None:
    with pytest.raises(LookupError):
        render_help(_Demo, parameter="Nope")


def test_parse_comment_help_sections() -> None:
    sections = parse_comment_help("<#\n.SYNOPSIS\n  Short.\n.DESCRIPTION\n  Line one.\n  Line two.\n"
                                  ".PARAMETER Path\n  The path.\n.EXAMPLE\n  Do-It\n  Does it.\n.EXAMPLE\n  Two\n"
                                  ".LINK\n  https://example.org\n#>")
    assert sections["synopsis"] == "Short."
    assert sections["description"] == "Line one.\nLine two."
    assert sections["parameter"]["path"] == ("Path", "The path.")
    assert sections["example"] == ["Do-It\nDoes it.", "Two"]
    assert sections["link"] == ["https://example.org"]


def test_parse_comment_help_hash_lines() -> None:
    sections = parse_comment_help("# .SYNOPSIS\n# Hash style help.\n")
    assert sections["synopsis"] == "Hash style help."


class _Multi(Cmdlet):
    name = "Get-Multi"
    synopsis = "Multi-line example."
    examples = [Example("$a = 1\n$a + 1", "Two lines.")]


def test_multiline_example_code_indented() -> None:
    text = render_help(_Multi, examples=True)
    assert "    PS C:\\>$a = 1\n    $a + 1\n\n    Two lines." in text
