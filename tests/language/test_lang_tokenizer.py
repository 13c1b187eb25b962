"""Tokenizer tests: mode-dependent scanning (argument vs expression mode) and the tolerant tokenize() API
that the REPL highlighter colours from (kinds, flags, extents, error tokens, comments)."""

from __future__ import annotations

import pytest

from vboshell.language.tokenizer import CMD, EXPR, Tokenizer, tokenize
from vboshell.language.tokens import TokenKind as K


def scan(text: str, mode: int) -> tuple[str, str, object]:
    t = Tokenizer(text).scan(0, mode)
    return t.kind, t.text, t.value


@pytest.mark.parametrize(
    ("text", "mode", "kind", "tok_text", "value"),
    [
        ("-Name x", CMD, K.PARAMETER, "-Name", ("Name", False)),
        ("-Confirm:$false", CMD, K.PARAMETER, "-Confirm:", ("Confirm", True)),
        ("-5 x", CMD, K.NUMBER, "-5", -5),
        ("-eq 1", EXPR, K.OPERATOR, "-eq", ("-eq", 5)),
        ("-CEQ 1", EXPR, K.OPERATOR, "-CEQ", ("-ceq", 5)),
        ("-iLike 1", EXPR, K.OPERATOR, "-iLike", ("-like", 5)),
        ("-and", EXPR, K.OPERATOR, "-and", ("-and", 1)),
        ("-band", EXPR, K.OPERATOR, "-band", ("-band", 2)),
        ("-f", EXPR, K.OPERATOR, "-f", ("-f", 12)),
        ("..", EXPR, K.OPERATOR, "..", ("..", 13)),
        ("??", EXPR, K.OPERATOR, "??", ("??", 7)),
        ("??=", EXPR, K.ASSIGN, "??=", "??="),
        ("+=", EXPR, K.ASSIGN, "+=", "+="),
        ("1GB", CMD, K.NUMBER, "1GB", 1073741824),
        ("7zip", CMD, K.GENERIC, "7zip", "7zip"),
        ("7zip", EXPR, K.GENERIC, "7zip", "7zip"),
        ("1..10", CMD, K.GENERIC, "1..10", "1..10"),
        ("1..10", EXPR, K.NUMBER, "1", 1),
        ("0x1F ", EXPR, K.NUMBER, "0x1F", 31),
        ("$x", CMD, K.VARIABLE, "$x", ("x", False)),
        ("${a b}", EXPR, K.VARIABLE, "${a b}", ("a b", True)),
        ("$env:PATH", EXPR, K.VARIABLE, "$env:PATH", ("env:PATH", False)),
        ("$Name$i", CMD, K.GENERIC, "$Name$i", None),
        ("$Name$i", EXPR, K.VARIABLE, "$Name", ("Name", False)),
        ("@params", CMD, K.SPLATTED_VARIABLE, "@params", "params"),
        ("'it''s'", EXPR, K.STRING_LITERAL, "'it''s'", "it's"),
        ('"a`tb"', EXPR, K.STRING_EXPANDABLE, '"a`tb"', "a\tb"),
        ("C:\\temp\\*.log x", CMD, K.GENERIC, "C:\\temp\\*.log", "C:\\temp\\*.log"),
        ("a`tb", CMD, K.GENERIC, "a`tb", "a\tb"),
        ("2>&1", CMD, K.REDIRECTION, "2>&1", ("2", ">", "1")),
        ("2>$null", CMD, K.REDIRECTION, "2>", ("2", ">", None)),
        (">>", CMD, K.REDIRECTION, ">>", ("", ">>", None)),
        ("*>", CMD, K.REDIRECTION, "*>", ("*", ">", None)),
        ("--% a b", CMD, K.STOP_PARSING, "--% a b", "a b"),
        ("&&", CMD, K.AND_AND, "&&", None),
        ("||", EXPR, K.OR_OR, "||", None),
        ("@(", EXPR, K.AT_PAREN, "@(", None),
        ("@{", CMD, K.AT_CURLY, "@{", None),
        ("$(", CMD, K.DOLLAR_PAREN, "$(", None),
        ("?.", EXPR, K.QUESTION_DOT, "?.", None),
        ("? 1", EXPR, K.QUESTION_MARK, "?", None),
        ("::", EXPR, K.COLON_COLON, "::", None),
        ("\r\n", CMD, K.NEWLINE, "\r\n", None),
        ("`\n  x", CMD, K.GENERIC, "x", "x"),
        ("", CMD, K.END_OF_INPUT, "", None),
    ],
)
def test_scan_one_token(text: str, mode: int, kind: str, tok_text: str, value: object) -> None:
    assert scan(text, mode) == (kind, tok_text, value)


def test_unterminated_string_is_an_incomplete_error_token() -> None:
    t = Tokenizer('"abc').scan(0, EXPR)
    assert t.kind == K.ERROR and t.error_id == "TerminatorExpectedAtEndOfString" and t.is_error


def test_here_string_value_drops_first_and_last_newline() -> None:
    t = Tokenizer('@"\r\nline1\r\nline2\r\n"@').scan(0, EXPR)
    assert t.kind == K.HERE_STRING_EXPANDABLE and t.value == "line1\r\nline2"


def test_comments_are_recorded() -> None:
    tz = Tokenizer("# one\n<# two #> x")
    tz.scan(0, CMD)  # the newline
    assert tz.comments == {0: (5, "# one")}
    tz.scan(6, CMD)
    assert tz.comments[6] == (15, "<# two #>")


def kinds(text: str) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in tokenize(text)]


def test_tokenize_command_line() -> None:
    toks = tokenize('Get-VBOJob -Name "a $b" | Where-Object { $_.Size -gt 1GB } # done')
    got = [(t.kind, t.text) for t in toks]
    assert got == [
        (K.GENERIC, "Get-VBOJob"), (K.PARAMETER, "-Name"), (K.STRING_EXPANDABLE, '"a $b"'), (K.PIPE, "|"),
        (K.GENERIC, "Where-Object"), (K.LCURLY, "{"), (K.VARIABLE, "$_"), (K.DOT, "."), (K.MEMBER, "Size"),
        (K.OPERATOR, "-gt"), (K.NUMBER, "1GB"), (K.RCURLY, "}"), (K.COMMENT, "# done"),
    ]  # fmt: skip
    assert toks[0].is_command_name and toks[4].is_command_name
    assert toks[3].is_operator and toks[9].is_operator
    assert toks[8].is_member


def test_tokenize_keywords_types_and_members() -> None:
    toks = tokenize("foreach ($j in $jobs) { [math]::Round($j.Size, 2) }\nfunction Get-X { param([int]$a) }")
    by_text = {t.text: t for t in toks}
    assert by_text["foreach"].is_keyword and by_text["in"].is_keyword
    assert by_text["function"].is_keyword and by_text["param"].is_keyword
    assert by_text["Get-X"].is_command_name
    assert by_text["math"].is_type and by_text["int"].is_type
    assert by_text["Round"].is_member and by_text["Size"].is_member


def test_tokenize_keyword_only_at_statement_start() -> None:
    toks = tokenize("Write-Host if foreach")
    assert [t.is_keyword for t in toks] == [False, False, False]
    assert toks[0].is_command_name and not toks[1].is_command_name


def test_tokenize_hashtable_keys_are_not_commands() -> None:
    toks = tokenize("@{ Name = 'x'; Size = Get-Size }")
    by_text = {t.text: t for t in toks}
    assert not by_text["Name"].is_command_name and not by_text["Size"].is_command_name
    assert by_text["Get-Size"].is_command_name


def test_tokenize_extents() -> None:
    toks = tokenize("Get-X\n  -Name a")
    p = toks[2]
    assert p.kind == K.PARAMETER
    assert p.extent is not None and (p.extent.start_line, p.extent.start_column, p.extent.text) == (2, 3, "-Name")


@pytest.mark.parametrize("text", ['Write-Host "abc', "$x = @'\nraw", "<# never closed", "Get-X `", "$x = ${abc"])
def test_tokenize_marks_unterminated_constructs_as_errors(text: str) -> None:
    toks = tokenize(text)
    assert toks[-1].is_error and toks[-1].end == len(text)


@pytest.mark.parametrize("text", ["", "   ", ")))", "}}}{", "`", "@", "$", "-", "[", "[[[", "\"$(", "@'", "'", "\x00\x01"])
def test_tokenize_never_raises_and_covers_text(text: str) -> None:
    toks = tokenize(text)
    assert all(t.extent is not None for t in toks)
    assert all(0 <= t.start <= t.end <= len(text) for t in toks)
