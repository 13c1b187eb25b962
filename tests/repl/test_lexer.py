"""Highlighting from vboshell's own tokenizer: token colours, unknown commands, parse-error marking.
Also checks the prompt_toolkit Lexer splits fragments per line."""

from __future__ import annotations

import pytest

from vboshell.repl import lexer as lx

if lx._tokenizer() is None:
    pytest.skip("the tokenizer's tokenize() is not available yet", allow_module_level=True)


@pytest.fixture(autouse=True)
def _fakes(fake_registry):
    return fake_registry


def styled(text: str, context=None) -> list[tuple[str, str]]:
    """(style, text) runs, without unstyled whitespace."""
    out = []
    for line in lx.fragments_by_line(text, context):
        for style, frag in line:
            if frag.strip():
                out.append((style, frag.strip()))
    return out


def style_of(text: str, part: str, context=None) -> str:
    styles = lx.style_chars(text, context)
    i = text.index(part)
    return styles[i]


def test_command_parameter_variable_comment():
    text = "Get-VBOJob -Name $name # nightly"
    assert style_of(text, "Get-VBOJob") == lx.S_COMMAND
    assert style_of(text, "-Name") == lx.S_PARAMETER
    assert style_of(text, "$name") == lx.S_VARIABLE
    assert style_of(text, "# nightly") == lx.S_COMMENT


def test_unknown_command_is_marked():
    text = "Get-VBOJobz -Name x"
    assert style_of(text, "Get-VBOJobz") == lx.S_UNKNOWN_COMMAND
    assert style_of("gci ./x", "gci") == lx.S_COMMAND  # alias resolves
    assert style_of("./script.ps1 -x", "./script.ps1") == lx.S_COMMAND  # scripts are not flagged


def test_session_function_resolves(fake_context):
    fake_context.functions["get-report"] = object()
    assert style_of("Get-Report", "Get-Report", fake_context) == lx.S_COMMAND


def test_strings_numbers_operators_keywords_types():
    text = "if ($x -gt 10) { [int]'5' + 1GB }"
    assert style_of(text, "if") == lx.S_KEYWORD
    assert style_of(text, "-gt") == lx.S_OPERATOR
    assert style_of(text, "10") == lx.S_NUMBER
    assert style_of(text, "int") in (lx.S_TYPE,)
    assert style_of(text, "'5'") == lx.S_STRING
    assert style_of(text, "1GB") == lx.S_NUMBER
    assert style_of(text, "+") == lx.S_OPERATOR


def test_expandable_string_and_pipeline():
    text = 'Get-VBOJob | Where-Object { $_.Name -like "D*" }'
    assert style_of(text, '"D*"') == lx.S_STRING
    assert style_of(text, "|") == lx.S_OPERATOR
    assert style_of(text, "-like") == lx.S_OPERATOR


def test_parse_error_underlined_where_it_starts():
    text = "Get-VBOJob -Name x )"
    styles = lx.style_chars(text)
    i = text.index(")")
    assert lx.S_PARSE_ERROR in styles[i]
    assert all(lx.S_PARSE_ERROR not in s for s in styles[:i])
    assert lx.VboLexer().has_error(text)


def test_incomplete_input_is_not_an_error():
    text = "foreach ($j in $jobs) {\n  $j.Name"
    assert all(lx.S_PARSE_ERROR not in s for s in lx.style_chars(text))
    assert not lx.VboLexer().has_error(text)


def test_fragments_per_line_cover_the_text():
    text = "foreach ($i in 1..3) {\n    Write-Host \"n: $i\"\n}\n"
    lines = lx.fragments_by_line(text)
    assert len(lines) == 4
    assert ["".join(f for _, f in line) for line in lines] == text.split("\n")


def test_lexer_survives_garbage():
    for text in ["@{", "\"$(", "`", "<#", "$", "-", "[", "'", "@'\n", "{{{{", "\u2013Name"]:
        lx.fragments_by_line(text)


def test_variables_and_subexpressions_inside_strings():
    text = 'Write-Host "Job $($job.Name) is $state"'
    assert style_of(text, '"Job') == lx.S_STRING
    assert style_of(text, "$state") == lx.S_VARIABLE
    assert style_of(text, "$job") == lx.S_VARIABLE
    assert style_of(text, "Name") == lx.S_MEMBER
    assert style_of(text, " is ") == lx.S_STRING
    assert style_of("'no $expansion'", "$expansion") == lx.S_STRING
