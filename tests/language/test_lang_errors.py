"""Parse errors: PowerShell error ids, line/column of the error and the incomplete-input flag (REPL continuation).
Ids and offsets follow PowerShell's own Parsing.Tests.ps1 where it has the case; the rest follow Parser.cs."""

from __future__ import annotations

import pytest

from vboshell.language import ParseError, is_incomplete, parse

# (source, error id, line, column, incomplete)
ERRORS = [
    ('for', 'MissingOpenParenthesisAfterKeyword', 1, 4, True),
    ('for(', 'MissingEndParenthesisAfterStatement', 1, 5, True),
    ('for(;', 'MissingEndParenthesisAfterStatement', 1, 6, True),
    ('for(;;', 'MissingEndParenthesisAfterStatement', 1, 7, True),
    ('for($a', 'MissingEndParenthesisAfterStatement', 1, 7, True),
    ('for($a;', 'MissingEndParenthesisAfterStatement', 1, 8, True),
    ('for($a;$b;$c', 'MissingEndParenthesisAfterStatement', 1, 13, True),
    ('for($a;$b;$c)', 'MissingLoopStatement', 1, 14, True),
    (':lab for', 'MissingOpenParenthesisAfterKeyword', 1, 9, True),
    (':lab for($a;$b;$c)', 'MissingLoopStatement', 1, 19, True),
    ('foreach', 'MissingOpenParenthesisAfterKeyword', 1, 8, True),
    ('foreach (', 'MissingVariableNameAfterForeach', 1, 10, True),
    ('foreach ($a', 'MissingInInForeach', 1, 12, True),
    ('foreach ($a into', 'MissingInInForeach', 1, 12, True),
    ('foreach ($a in', 'MissingForeachExpression', 1, 15, True),
    ('foreach ($a in $x', 'MissingEndParenthesisAfterForeach', 1, 18, True),
    ('foreach ($a in $x)', 'MissingForeachStatement', 1, 19, True),
    (':lab foreach ($a in', 'MissingForeachExpression', 1, 20, True),
    ('do', 'MissingLoopStatement', 1, 3, True),
    ('do {}', 'MissingWhileOrUntilInDoWhile', 1, 6, True),
    ('do {} while', 'MissingOpenParenthesisAfterKeyword', 1, 12, True),
    ('do {} while (', 'MissingExpressionAfterKeyword', 1, 14, True),
    ('do {} while (1', 'MissingEndParenthesisAfterStatement', 1, 15, True),
    ('do {} until', 'MissingOpenParenthesisAfterKeyword', 1, 12, True),
    ('do {} until (', 'MissingExpressionAfterKeyword', 1, 14, True),
    ('do {} until (1', 'MissingEndParenthesisAfterStatement', 1, 15, True),
    ('trap', 'MissingTrapStatement', 1, 5, True),
    ('trap [int]', 'MissingTrapStatement', 1, 11, True),
    ('try', 'MissingTryStatementBlock', 1, 4, True),
    ('try {}', 'MissingCatchOrFinally', 1, 7, True),
    ('try {} catch', 'MissingCatchHandlerBlock', 1, 13, True),
    ('try {} finally', 'MissingFinallyStatementBlock', 1, 15, True),
    ('try {} catch [int]', 'MissingCatchHandlerBlock', 1, 19, True),
    ('try {} catch {} finally', 'MissingFinallyStatementBlock', 1, 24, True),
    ('try {} catch {} catch', 'MissingCatchHandlerBlock', 1, 22, True),
    ('try {} catch [int],', 'MissingTypeLiteralToken', 1, 20, True),
    ('switch', 'PipelineValueRequired', 1, 7, True),
    ('switch -abc', 'InvalidSwitchFlag', 1, 8, False),
    ('switch -file', 'MissingFilenameOption', 1, 13, True),
    ('switch (', 'PipelineValueRequired', 1, 9, True),
    ('switch ("abc")  ', 'MissingCurlyBraceInSwitchStatement', 1, 15, True),
    ('switch ("abc")  {', 'MissingSwitchConditionExpression', 1, 18, True),
    ('switch ("abc")  { 1', 'MissingSwitchStatementClause', 1, 20, True),
    ('switch ("abc")  { 1 }', 'MissingSwitchStatementClause', 1, 20, False),
    ('switch (1) {default {} default {}}', 'MultipleSwitchDefaultClauses', 1, 24, False),
    ('function', 'MissingNameAfterKeyword', 1, 9, True),
    ('function foo', 'MissingFunctionBody', 1, 13, True),
    ('function foo(', 'MissingEndParenthesisInFunctionParameterList', 1, 14, True),
    ('function foo {', 'MissingEndCurlyBrace', 1, 14, True),
    ('function foo { function bar { if (1) {} }', 'MissingEndCurlyBrace', 1, 14, True),
    ('function f { param($a,[int]$a) }', 'DuplicateFormalParameter', 1, 28, False),
    ('function f($a,[int]$a){}', 'DuplicateFormalParameter', 1, 20, False),
    ('function foo {param(}', 'MissingEndParenthesisInFunctionParameterList', 1, 21, True),
    ('$a,$b += 1,2', 'InvalidLeftHandSide', 1, 1, False),
    ('1 ??= 1', 'InvalidLeftHandSide', 1, 1, False),
    ('@() ??= 1', 'InvalidLeftHandSide', 1, 1, False),
    ('1..2 ??= 1', 'InvalidLeftHandSide', 1, 1, False),
    ('$x??=', 'ExpectedValueExpression', 1, 6, True),
    ('${x}?.', 'MissingPropertyName', 1, 7, True),
    ('${x}?[]', 'MissingArrayIndexExpression', 1, 7, False),
    ('${x}?[-]', 'MissingExpressionAfterOperator', 1, 8, False),
    ('${x}?[             ]', 'MissingArrayIndexExpression', 1, 7, False),
    ('${x}?[0] = 1', 'InvalidLeftHandSide', 1, 1, False),
    ('${x}?.name = "value"', 'InvalidLeftHandSide', 1, 1, False),
    ('foreach (@a in $b) {}', 'SplattingNotPermitted', 1, 10, False),
    ('param(@a)', 'SplattingNotPermitted', 1, 7, False),
    ('function foo (@a) {}', 'SplattingNotPermitted', 1, 15, False),
    ('|gps', 'EmptyPipeElement', 1, 1, False),
    ('gps|', 'EmptyPipeElement', 1, 5, True),
    ('gps| |foreach name', 'EmptyPipeElement', 1, 5, False),
    ('1|1', 'ExpressionsMustBeFirstInPipeline', 1, 3, False),
    ('$a=', 'ExpectedValueExpression', 1, 4, True),
    ('gcm -a:', 'ParameterRequiresArgument', 1, 8, False),
    ('gcm -a: 1,', 'MissingExpression', 1, 11, True),
    ('gcm ,', 'MissingArgument', 1, 5, False),
    ('   )', 'UnexpectedToken', 1, 4, False),
    ('   }', 'UnexpectedToken', 1, 4, False),
    ('1+', 'ExpectedValueExpression', 1, 3, True),
    ('[a()][b]', 'UnexpectedAttribute', 1, 1, False),
    ('@{ a=1;b=2;c=3;', 'MissingEndCurlyBrace', 1, 3, True),
    ('$true ?', 'ExpectedValueExpression', 1, 8, True),
    ('$true ? 3', 'MissingColonInTernaryExpression', 1, 10, True),
    ('$true ? 3 :', 'ExpectedValueExpression', 1, 12, True),
    ('$true ? : 3', 'ExpectedValueExpression', 1, 8, False),
    ('$x =', 'ExpectedValueExpression', 1, 5, True),
    ('begin', 'MissingNamedStatementBlock', 1, 6, True),
    ('process', 'MissingNamedStatementBlock', 1, 8, True),
    ('end', 'MissingNamedStatementBlock', 1, 4, True),
    ('begin process {}', 'MissingNamedStatementBlock', 1, 6, False),
    ('if', 'MissingOpenParenthesisInIfStatement', 1, 3, True),
    ('if (', 'IfStatementMissingCondition', 1, 5, True),
    ('if ($x', 'MissingEndParenthesisAfterStatement', 1, 7, True),
    ('if ($x)', 'MissingStatementBlock', 1, 8, True),
    ('if ($x) {', 'MissingEndCurlyBrace', 1, 9, True),
    ('if ($x) {} else', 'MissingStatementBlockAfterElse', 1, 16, True),
    ('if ($x) {} elseif', 'MissingOpenParenthesisInIfStatement', 1, 18, True),
    ('while', 'MissingOpenParenthesisAfterKeyword', 1, 6, True),
    ('while (', 'MissingExpressionAfterKeyword', 1, 8, True),
    ('while ($x', 'MissingEndParenthesisAfterStatement', 1, 10, True),
    ('while ($x)', 'MissingLoopStatement', 1, 11, True),
    ('"abc', 'TerminatorExpectedAtEndOfString', 1, 1, True),
    ("'abc", 'TerminatorExpectedAtEndOfString', 1, 1, True),
    ('$x = @"\nline', 'TerminatorExpectedAtEndOfString', 1, 6, True),
    ("$x = @'\nline", 'TerminatorExpectedAtEndOfString', 1, 6, True),
    ('$x = @"abc\n"@', 'UnexpectedCharactersAfterHereStringHeader', 1, 6, True),
    ('Write-Host (Get-Date', 'MissingEndParenthesisInExpression', 1, 21, True),
    ('$x.Foo(1, 2', 'MissingEndParenthesisInMethodCall', 1, 12, True),
    ('$a = @(', 'MissingEndParenthesisInSubexpression', 1, 8, True),
    ('$a = $(1', 'MissingEndParenthesisInSubexpression', 1, 9, True),
    ('$x[', 'MissingArrayIndexExpression', 1, 4, True),
    ('$x[]', 'MissingArrayIndexExpression', 1, 4, False),
    ('$x[0', 'MissingEndSquareBracket', 1, 5, True),
    ('-not', 'MissingExpressionAfterOperator', 1, 5, True),
    ('!', 'MissingExpressionAfterOperator', 1, 2, True),
    ('$x.', 'MissingPropertyName', 1, 4, True),
    ('1 +* 2', 'ExpectedValueExpression', 1, 4, False),
    ('Get-VBOJob )', 'UnexpectedToken', 1, 12, False),
    ('$x = }', 'ExpectedValueExpression', 1, 5, False),
    ('Get-VBOJob -Name x `', 'IncompleteLineContinuation', 1, 20, True),
    ('<# block', 'MissingTerminatorMultiLineComment', 1, 1, True),
    ('$h = @{ a', 'MissingEqualsInHashLiteral', 1, 10, True),
    ('$h = @{ a =', 'MissingStatementInHashLiteral', 1, 12, True),
    ('$h = @{ a = 1 b = 2 }', 'MissingEndCurlyBrace', 1, 15, False),
    ('Get-X && ', 'EmptyPipelineChainElement', 1, 9, True),
    ('1,', 'MissingExpressionAfterToken', 1, 3, True),
    ('$x = 1 -and', 'ExpectedValueExpression', 1, 12, True),
    ('$x = 1 + foo', 'ExpectedValueExpression', 1, 9, False),
    ('$x $y', 'UnexpectedToken', 1, 4, False),
    ('[int', 'EndSquareBracketExpectedAtEndOfAttribute', 1, 5, True),
    ('[', 'MissingTypename', 1, 2, True),
    ('Get-X ${abc', 'IncompleteDollarVariableReference', 1, 7, True),
    ('else { }', 'UnexpectedToken', 1, 1, False),
    ('if ($a) {} $b', 'UnexpectedToken', 1, 12, False),
    ('Get-X < in.txt', 'RedirectionNotSupported', 1, 7, False),
    ('Get-X >', 'MissingFileSpecification', 1, 8, True),
    ('$x = ()', 'ExpectedExpression', 1, 7, False),
    (':lab', 'MissingLoopStatement', 1, 5, True),
    ('$x = foreach ($a in $b) {', 'MissingEndCurlyBrace', 1, 25, True),
    ('& ', 'MissingExpression', 1, 2, True),
    ('foreach ($j in $jobs) {\n $j.Name', 'MissingEndCurlyBrace', 1, 23, True),
    ('Write-Host "hello', 'TerminatorExpectedAtEndOfString', 1, 12, True),
    ('$x = @"\nline', 'TerminatorExpectedAtEndOfString', 1, 6, True),
    ('Get-VBOJob |', 'EmptyPipeElement', 1, 13, True),
    ('Get-VBOJob -Name x `', 'IncompleteLineContinuation', 1, 20, True),
    ('function f { param($a,', 'MissingEndParenthesisInFunctionParameterList', 1, 23, True),
    ('$h = @{ a = 1;', 'MissingEndCurlyBrace', 1, 8, True),
    ('Get-VBOJob | Where-Object {', 'MissingEndCurlyBrace', 1, 27, True),
    ('$sb = {', 'MissingEndCurlyBrace', 1, 7, True),
    ('if ($x) { 1 } else', 'MissingStatementBlockAfterElse', 1, 19, True),
    ('if ($x) {\n}\nelse', 'MissingStatementBlockAfterElse', 3, 5, True),
    ('Get-X -a 1,', 'MissingExpression', 1, 12, True),
    ('$x = 1 +', 'ExpectedValueExpression', 1, 9, True),
    ('$x = (1 +\n2', 'MissingEndParenthesisInExpression', 2, 2, True),
    ('$a = "abc$(Get-Date', 'TerminatorExpectedAtEndOfString', 1, 6, True),
    ('{ $x $y', 'UnexpectedToken', 1, 6, True),
    ('function f {\n  $x = 1 +* 2\n', 'ExpectedValueExpression', 2, 11, True),
    ('"a" $b "c', 'UnexpectedToken', 1, 5, True),
    ('$x.Method(1,', 'MissingExpressionAfterToken', 1, 13, True),
    ('[int', 'EndSquareBracketExpectedAtEndOfAttribute', 1, 5, True),
    ('Get-X | ', 'EmptyPipeElement', 1, 8, True),
    ('@(1,', 'MissingExpressionAfterToken', 1, 5, True),
    ('$x = [PSCustomObject]@{\n  A = 1\n', 'MissingEndCurlyBrace', 1, 24, True),
    ('switch ($x) {\n  1 {', 'MissingEndCurlyBrace', 2, 5, True),
    ("Write-Host 'it''s", 'TerminatorExpectedAtEndOfString', 1, 12, True),
    ('Get-X &&', 'EmptyPipelineChainElement', 1, 9, True),
    ('Get-X )', 'UnexpectedToken', 1, 7, False),
    ('$x = }', 'ExpectedValueExpression', 1, 5, False),
    ('1 +* 2', 'ExpectedValueExpression', 1, 4, False),
    ('$x $y', 'UnexpectedToken', 1, 4, False),
    ('if ($x) {} $y', 'UnexpectedToken', 1, 12, False),
    ('else', 'UnexpectedToken', 1, 1, False),
    ('Get-X -Confirm:', 'ParameterRequiresArgument', 1, 16, False),
    # unicode escapes (PowerShell 7 `u{...}); offsets as in PowerShell's Parsing.Tests.ps1
    ('"`u{}"', 'InvalidUnicodeEscapeSequence', 1, 2, False),
    ('"`u{219z}"', 'InvalidUnicodeEscapeSequence', 1, 8, False),
    ('"`u{12345z}"', 'InvalidUnicodeEscapeSequence', 1, 10, False),
    ('"`u{1234567}"', 'TooManyDigitsInUnicodeEscapeSequence', 1, 11, False),
    ('"`u{110000}"', 'InvalidUnicodeEscapeSequenceValue', 1, 5, False),
    ('"`u{', 'InvalidUnicodeEscapeSequence', 1, 5, True),
    ('"`u{1', 'InvalidUnicodeEscapeSequence', 1, 6, True),
    ('"`u{123456', 'MissingUnicodeEscapeSequenceTerminator', 1, 11, True),
    ('"`u{1234567', 'TooManyDigitsInUnicodeEscapeSequence', 1, 11, True),
]

# Texts that must parse: continuation done right, and look-alikes of incomplete input that are complete.
COMPLETE = [
    "Get-X -Name x ` ",  # backtick + trailing space is an escaped space, not a continuation
    "Get-X `\n  -Name x",
    "Get-X |\n  Get-Y",
    "Get-X\n| Get-Y",
    "if ($x) { 1 }\nelse { 2 }",
    "try { 1 }\n\ncatch { 2 }\nfinally { 3 }",
    "$x = 1 +\n  2",
    "$a = 1,\n  2",
    '@"\n"@',
    "# comment only",
    "<# block #>",
    "",
    "\n\n",
    "$x = @{\n}\n",
    "Write-Host 'it''s'",
    "Get-VBOJob -Name ]",
]


@pytest.mark.parametrize(("source", "error_id", "line", "column", "incomplete"), ERRORS, ids=[e[0][:40] for e in ERRORS])
def test_parse_error(source: str, error_id: str, line: int, column: int, incomplete: bool) -> None:
    with pytest.raises(ParseError) as info:
        parse(source)
    e = info.value
    assert (e.error_id, e.line, e.column, e.incomplete_input) == (error_id, line, column, incomplete)
    assert is_incomplete(source) is incomplete
    assert e.errors[0] is e and e.message


@pytest.mark.parametrize("source", COMPLETE)
def test_complete_text_parses(source: str) -> None:
    parse(source)
    assert is_incomplete(source) is False


def test_error_inside_open_block_is_incomplete_with_both_errors() -> None:
    with pytest.raises(ParseError) as info:
        parse("function f {\n  $x $y\n")
    e = info.value
    assert e.error_id == "UnexpectedToken" and (e.line, e.column) == (2, 6)
    assert e.incomplete_input is True
    assert [x.error_id for x in e.errors] == ["UnexpectedToken", "MissingEndCurlyBrace"]
    assert (e.errors[1].line, e.errors[1].column) == (1, 12)


def test_error_extent_points_at_the_offending_token() -> None:
    with pytest.raises(ParseError) as info:
        parse("Get-X\n  $a $b")
    ext = info.value.extent
    assert (ext.start_line, ext.start_column, ext.text) == (2, 6, "$b")
