"""Exact AST shapes (ast.outline) for the idioms the evaluator relies on, plus extents, #Requires and help comments.
These pin the parser/evaluator contract: node kinds, field values and field order as in vboshell/language/ast.py."""

from __future__ import annotations

from decimal import Decimal

import pytest

from vboshell.language import ast as A
from vboshell.language import parse
from vboshell.language.ast import outline


def end_statements(text: str) -> list[A.StatementAst]:
    sb = parse(text)
    assert sb.end_block is not None
    return sb.end_block.statements


def one(text: str) -> A.StatementAst:
    stmts = end_statements(text)
    assert len(stmts) == 1
    return stmts[0]


def element(text: str) -> A.CommandBaseAst:
    p = one(text)
    assert isinstance(p, A.PipelineAst)
    return p.elements[0]


def expr(text: str) -> A.ExpressionAst:
    e = element(text)
    assert isinstance(e, A.CommandExpressionAst)
    return e.expression


def bare(v: str) -> tuple:
    return ("StringConstantExpression", v, "BareWord")


# ------------------------------------------------------------------------------------------ idioms
def test_one_line_function_with_param() -> None:
    fd = one("function f { param($m) Write-Host $m }")
    assert outline(fd) == (
        "FunctionDefinition", "f",
        ("ScriptBlock",
         ("ParamBlock", [("Parameter", ("VariableExpression", "m"))]),
         ("NamedBlock", "end",
          [("Pipeline", [("Command", [bare("Write-Host"), ("VariableExpression", "m")])])], True)),
    )  # fmt: skip


def test_compound_bareword_with_two_variables() -> None:
    cmd = element("Write-Host $Name$i")
    assert outline(cmd.elements[1]) == (  # type: ignore[attr-defined]
        "ExpandableStringExpression", "$Name$i", "BareWord", [("VariableExpression", "Name"), ("VariableExpression", "i")]
    )


def test_compound_bareword_with_subexpression() -> None:
    arg = element(r"Export-Csv $dir\$($u).txt").elements[1]  # type: ignore[attr-defined]
    assert isinstance(arg, A.ExpandableStringExpressionAst)
    assert arg.string_kind == "BareWord" and arg.value == r"$dir\$($u).txt"
    assert [type(p).__name__ if not isinstance(p, str) else p for p in arg.parts] == [
        "VariableExpressionAst", "\\", "SubExpressionAst", ".txt"]  # fmt: skip
    sub = arg.parts[2]
    assert isinstance(sub, A.SubExpressionAst)
    assert sub.extent.text == "$($u)"
    assert outline(sub.sub_expression.statements[0]) == ("Pipeline", [("CommandExpression", ("VariableExpression", "u"))])


def test_loop_label_and_break_label() -> None:
    fe = one(":outer foreach ($a in $b) { foreach ($c in $d) { break outer } }")
    assert isinstance(fe, A.ForEachStatementAst) and fe.label == "outer"
    inner = fe.body.statements[0]
    assert isinstance(inner, A.ForEachStatementAst) and inner.label is None
    brk = inner.body.statements[0]
    assert outline(brk) == ("BreakStatement", bare("outer"))


def test_calculated_property_then_star() -> None:
    arg = element("Select-Object @{N='R';E={$_.X}}, *").elements[1]  # type: ignore[attr-defined]
    assert isinstance(arg, A.ArrayLiteralAst)
    h, star = arg.elements
    assert isinstance(h, A.HashtableAst) and outline(star) == bare("*")
    (k1, v1), (k2, v2) = h.key_value_pairs
    assert outline(k1) == bare("N") and outline(k2) == bare("E")
    assert outline(v1) == ("Pipeline", [("CommandExpression", ("StringConstantExpression", "R", "SingleQuoted"))])
    sbe = v2.elements[0].expression  # type: ignore[attr-defined]
    assert isinstance(sbe, A.ScriptBlockExpressionAst)


def test_bareword_list_argument() -> None:
    assert outline(element("Select-Object Name, Size")) == (
        "Command", [bare("Select-Object"), ("ArrayLiteral", [bare("Name"), bare("Size")])]
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [("1GB", 1073741824), ("5.5MB", 5767168.0), ("1kb", 1024), ("0x10", 16), ("1e3", 1000.0), ("10d", Decimal(10)),
     ("-5", -5), ("2TB", 2 * 1024**4), (".5", 0.5)],
)  # fmt: skip
def test_number_literals(text: str, value: object) -> None:
    e = expr(text)
    assert isinstance(e, A.ConstantExpressionAst) and e.value == value and type(e.value) is type(value)


def test_static_method_call_with_multiplier() -> None:
    assert outline(expr("[math]::Round($x / 1GB, 2)")) == (
        "InvokeMemberExpression", ("TypeExpression", "math"), bare("Round"), True,
        [("BinaryExpression", ("VariableExpression", "x"), "/", ("ConstantExpression", 1073741824)),
         ("ConstantExpression", 2)],
    )  # fmt: skip


def test_colon_parameter() -> None:
    p = element("Remove-VBOJob -Confirm:$false").elements[1]  # type: ignore[attr-defined]
    assert outline(p) == ("CommandParameter", "Confirm", ("VariableExpression", "false"), True)
    assert p.extent.text == "-Confirm:$false"


def test_plain_parameter_has_no_argument() -> None:
    cmd = element("Get-X -Name Daily")
    assert outline(cmd) == ("Command", [bare("Get-X"), ("CommandParameter", "Name"), bare("Daily")])


def test_splatting() -> None:
    assert outline(element("Get-X @params")) == ("Command", [bare("Get-X"), ("VariableExpression", "params", True)])


def test_ps7_operators() -> None:
    assert outline(expr("$a ?? $b")) == ("BinaryExpression", ("VariableExpression", "a"), "??", ("VariableExpression", "b"))
    assert outline(expr("$c ? 1 : 2")) == (
        "TernaryExpression", ("VariableExpression", "c"), ("ConstantExpression", 1), ("ConstantExpression", 2))
    chain = one("Get-A && Get-B || Get-C")
    assert isinstance(chain, A.PipelineChainAst) and chain.operator == "||"
    assert isinstance(chain.left, A.PipelineChainAst) and chain.left.operator == "&&"
    assert outline(expr("$x?.Name")) == ("MemberExpression", ("VariableExpression", "x"), bare("Name"), True)
    a = one("$x ??= 5")
    assert isinstance(a, A.AssignmentStatementAst) and a.operator == "??="


def test_here_strings() -> None:
    dq = expr('@"\nHello $name\n  line2\n"@')
    assert isinstance(dq, A.ExpandableStringExpressionAst) and dq.string_kind == "DoubleQuotedHereString"
    assert dq.value == "Hello $name\n  line2"
    assert dq.parts[0] == "Hello " and dq.parts[2] == "\n  line2"
    sq = expr("@'\nraw $x\r\n'@")
    assert outline(sq) == ("StringConstantExpression", "raw $x", "SingleQuotedHereString")


def test_backtick_and_trailing_pipe_continuation() -> None:
    assert len(end_statements("Get-X `\n  -Name a `\n  -Force")) == 1
    p = one("Get-X |\n  Where-Object { $_ } |\n\n  Sort-Object")
    assert isinstance(p, A.PipelineAst) and len(p.elements) == 3


def test_assignment_from_statements() -> None:
    a = one("$x = if ($c) { 1 } else { 2 }")
    assert isinstance(a, A.AssignmentStatementAst) and isinstance(a.right, A.IfStatementAst)
    r = one("$r = foreach ($i in $l) { $i }")
    assert isinstance(r, A.AssignmentStatementAst) and isinstance(r.right, A.ForEachStatementAst)
    s = one("$s = switch ($v) { 1 { 'a' } }")
    assert isinstance(s, A.AssignmentStatementAst) and isinstance(s.right, A.SwitchStatementAst)


def test_foreach_after_pipe_is_a_command() -> None:
    p = one("Get-X | foreach { $_ }")
    assert isinstance(p, A.PipelineAst)
    second = p.elements[1]
    assert isinstance(second, A.CommandAst) and second.get_command_name() == "foreach"


def test_keywords_only_at_statement_start() -> None:
    cmd = element("Write-Host if else foreach")
    assert [e.value for e in cmd.elements] == ["Write-Host", "if", "else", "foreach"]  # type: ignore[attr-defined]


def test_negative_number_vs_parameter_in_argument_mode() -> None:
    cmd = element("Get-X -5 -Name -1.5 -Count:-3")
    assert outline(cmd) == ("Command", [
        bare("Get-X"), ("ConstantExpression", -5), ("CommandParameter", "Name"), ("ConstantExpression", -1.5),
        ("CommandParameter", "Count", ("ConstantExpression", -3), True)])  # fmt: skip


def test_digit_led_bareword_is_a_string() -> None:
    assert outline(element("Install-X 7zip 1..3 1GB")) == (
        "Command", [bare("Install-X"), bare("7zip"), bare("1..3"), ("ConstantExpression", 1073741824)])


def test_stop_parsing_token() -> None:
    cmd = element('icacls --% /grant "x":F')
    assert outline(cmd.elements[1]) == ("StringConstantExpression", '/grant "x":F', "Verbatim")  # type: ignore[attr-defined]


def test_operators_are_normalised() -> None:
    assert expr("$a -IEQ $b").operator == "-eq"  # type: ignore[attr-defined]
    assert expr("$a -CEq $b").operator == "-ceq"  # type: ignore[attr-defined]
    assert expr("$a -Like $b").operator == "-like"  # type: ignore[attr-defined]
    assert expr("-NOT $a").operator == "-not"  # type: ignore[attr-defined]
    assert expr("$a \u2013eq $b").operator == "-eq"  # type: ignore[attr-defined]  (en dash)


def test_dot_source_and_call_operator() -> None:
    d = element(". .\\lib.ps1 -X")
    assert isinstance(d, A.CommandAst) and d.invocation_operator == "." and d.get_command_name() == ".\\lib.ps1"
    c = element("& $exe a")
    assert isinstance(c, A.CommandAst) and c.invocation_operator == "&" and c.get_command_name() is None
    assert outline(c.elements[0]) == ("VariableExpression", "exe")


def test_redirections() -> None:
    cmd = element("Get-X 2>$null 3>&1 >> log.txt")
    assert outline(cmd.redirections) == [
        ("FileRedirection", "Error", ("VariableExpression", "null")),
        ("MergingRedirection", "Warning", "Output"),
        ("FileRedirection", "Output", bare("log.txt"), True),
    ]


def test_param_block_attributes() -> None:
    sb = parse("[CmdletBinding(SupportsShouldProcess)]\nparam([Parameter(Mandatory, Position=0)][ValidateSet('a','b')][string]$Name = 'a')")
    pb = sb.param_block
    assert pb is not None
    assert outline(pb.attributes) == [("Attribute", "CmdletBinding", [
        ("NamedAttributeArgument", "SupportsShouldProcess", ("ConstantExpression", True), True)])]  # fmt: skip
    (p,) = pb.parameters
    assert [type(a).__name__ for a in p.attributes] == ["AttributeAst", "AttributeAst", "TypeConstraintAst"]
    assert outline(p.attributes[0]) == ("Attribute", "Parameter", [
        ("NamedAttributeArgument", "Mandatory", ("ConstantExpression", True), True),
        ("NamedAttributeArgument", "Position", ("ConstantExpression", 0))])  # fmt: skip
    assert outline(p.attributes[1]) == ("Attribute", "ValidateSet", [
        ("StringConstantExpression", "a", "SingleQuoted"), ("StringConstantExpression", "b", "SingleQuoted")])  # fmt: skip
    assert outline(p.default_value) == ("StringConstantExpression", "a", "SingleQuoted")


def test_named_blocks() -> None:
    fd = one("function f { begin { 1 } process { 2 } end { 3 } }")
    assert isinstance(fd, A.FunctionDefinitionAst)
    b = fd.body
    assert b.begin_block and b.process_block and b.end_block
    assert [b.begin_block.block_kind, b.process_block.block_kind, b.end_block.block_kind] == ["begin", "process", "end"]
    assert not b.end_block.unnamed
    assert one("filter F { $_ }").is_filter  # type: ignore[attr-defined]


def test_traps_are_kept_apart() -> None:
    sb = parse("trap { continue }\nGet-X")
    assert sb.end_block is not None
    assert len(sb.end_block.traps) == 1 and len(sb.end_block.statements) == 1


def test_using_expression() -> None:
    assert outline(expr("$using:x")) == ("UsingExpression", ("VariableExpression", "x"))


def test_variable_scopes_and_braces() -> None:
    v = expr("$script:Count")
    assert isinstance(v, A.VariableExpressionAst) and v.scope == "script" and v.unqualified_name == "Count"
    v = expr("${env:ProgramFiles(x86)}")
    assert isinstance(v, A.VariableExpressionAst) and v.braced and v.name == "env:ProgramFiles(x86)"


def test_double_quoted_string_without_expansion_is_a_constant() -> None:
    assert outline(expr('"a`tb ""q"""')) == ("StringConstantExpression", 'a\tb "q"', "DoubleQuoted")


def test_expandable_member_rules() -> None:
    e = expr('"$x.Name $($x.Name) ${y}z"')
    assert isinstance(e, A.ExpandableStringExpressionAst)
    kinds = [p if isinstance(p, str) else type(p).__name__ for p in e.parts]
    assert kinds == ["VariableExpressionAst", ".Name ", "SubExpressionAst", " ", "VariableExpressionAst", "z"]


# ------------------------------------------------------------------------------------------ extents
def test_extents_are_line_and_column_based() -> None:
    sb = parse("Get-X\n  $y = [int]'5' +\n    3")
    assert sb.end_block is not None
    a = sb.end_block.statements[1]
    assert (a.extent.start_line, a.extent.start_column, a.extent.end_line, a.extent.end_column) == (2, 3, 3, 6)
    assert a.extent.text == "$y = [int]'5' +\n    3"
    cast = a.right.elements[0].expression.left  # type: ignore[attr-defined]
    assert cast.extent.text == "[int]'5'" and cast.extent.line_text() == "  $y = [int]'5' +"


def test_every_node_extent_is_inside_its_parent() -> None:
    sb = parse(FIXTURE, file="fixture.ps1")
    for node in sb.walk():
        assert node.extent.file == "fixture.ps1"
        for child in node.children():
            assert node.extent.start_offset <= child.extent.start_offset <= child.extent.end_offset <= node.extent.end_offset, (
                type(node).__name__, type(child).__name__)  # fmt: skip


def test_script_extent_covers_the_text() -> None:
    sb = parse("1\n2\n")
    assert (sb.extent.start_offset, sb.extent.end_offset) == (0, 4)


# ------------------------------------------------------------------------------------------ #Requires and help
def test_requires_is_captured() -> None:
    sb = parse("#Requires -Version 5.1\n#requires -Modules Veeam.Archiver.PowerShell, ActiveDirectory\n#Requires -RunAsAdministrator\nGet-X")
    assert sb.requires == [
        ("Version", "5.1"), ("Modules", "Veeam.Archiver.PowerShell"), ("Modules", "ActiveDirectory"),
        ("RunAsAdministrator", ""),
    ]  # fmt: skip


def test_script_help_comment() -> None:
    text = "<#\n.SYNOPSIS\n  Does things.\n.PARAMETER Name\n  The name.\n#>\nparam($Name)\nGet-X"
    sb = parse(text)
    assert sb.help_comment == "<#\n.SYNOPSIS\n  Does things.\n.PARAMETER Name\n  The name.\n#>"


def test_function_help_before_and_inside() -> None:
    text = (
        "# .SYNOPSIS\n# Before help.\nfunction A { 1 }\n\n"
        "function B {\n  <#\n  .SYNOPSIS\n  Inside help.\n  #>\n  param($x)\n}\n"
        "function C { 1 }\n"
    )
    stmts = end_statements(text)
    assert stmts[0].help_comment == "# .SYNOPSIS\n# Before help."  # type: ignore[attr-defined]
    assert "Inside help." in stmts[1].help_comment  # type: ignore[attr-defined]
    assert stmts[1].body.help_comment == stmts[1].help_comment  # type: ignore[attr-defined]
    assert stmts[2].help_comment is None  # type: ignore[attr-defined]


def test_plain_comment_is_not_help() -> None:
    assert parse("# just a note\nGet-X").help_comment is None


FIXTURE = r'''[CmdletBinding()]
param([string]$Name = "x", [int[]]$N = @(1, 2))
begin { $total = 0 }
process {
    foreach ($j in Get-VBOJob -Name "$Name*" | Where-Object { $_.IsEnabled -and $_.Size -gt 1GB }) {
        $total += [math]::Round($j.Size / 1MB, 2)
        Write-Host "Job $($j.Name): $total" -ForegroundColor Green 2>$null
    }
    $h = @{ A = 1; B = @(1, 2); C = { param($p) $p * 2 } }
    switch -Regex ($Name) { '^a' { 'A' } default { 'other' } }
    try { $x = $h['A'] ?? 0 } catch [System.Exception] { throw } finally { $null = 1 }
}
end { $total }
'''


# ------------------------------------------------------------------------------------------ classes, enums, using
def test_class_definition() -> None:
    td = one(
        "class Job : Base, IDisposable {\n"
        "    [string]$Name = 'x'\n"
        "    static [int]$Count\n"
        "    hidden $Raw\n"
        "    Job([string]$n) : base($n) { $this.Name = $n }\n"
        "    [int] Size($x) { return 1 }\n"
        "    static [void] Reset() { }\n"
        "}"
    )
    assert isinstance(td, A.TypeDefinitionAst) and td.name == "Job" and not td.is_enum
    assert td.base_types == ["Base", "IDisposable"]
    name, count, raw, ctor, size, reset = td.members
    assert isinstance(name, A.PropertyMemberAst) and name.property_type == "string"
    assert outline(name.initial_value) == ("StringConstantExpression", "x", "SingleQuoted")
    assert isinstance(count, A.PropertyMemberAst) and count.is_static and count.property_type == "int"
    assert isinstance(raw, A.PropertyMemberAst) and raw.is_hidden and raw.property_type is None
    assert isinstance(ctor, A.FunctionMemberAst) and ctor.is_constructor and ctor.return_type is None
    assert [p.name.name for p in ctor.parameters] == ["n"]
    assert isinstance(size, A.FunctionMemberAst) and size.return_type == "int" and not size.is_constructor
    assert isinstance(size.body.end_block.statements[0], A.ReturnStatementAst)  # type: ignore[union-attr]
    assert isinstance(reset, A.FunctionMemberAst) and reset.is_static and reset.return_type == "void"


def test_enum_definition_with_attribute() -> None:
    td = one("[Flags()] enum Colors { Red = 1; Green = 2\n  Blue }")
    assert isinstance(td, A.TypeDefinitionAst) and td.is_enum and td.name == "Colors"
    assert [a.type_name for a in td.attributes] == ["Flags"]
    assert [(m.name, outline(m.initial_value)) for m in td.members] == [  # type: ignore[attr-defined]
        ("Red", ("ConstantExpression", 1)), ("Green", ("ConstantExpression", 2)), ("Blue", None)]  # fmt: skip


def test_using_statements() -> None:
    assert outline(one("using namespace System.Collections.Generic")) == (
        "UsingStatement", "namespace", "System.Collections.Generic")
    assert outline(one("using module .\\Tools.psm1")) == ("UsingStatement", "module", ".\\Tools.psm1")
    assert isinstance(one("using foo"), A.PipelineAst)  # not a using form: a command named `using`


def test_class_errors() -> None:
    from vboshell.language import ParseError

    with pytest.raises(ParseError) as info:
        parse("class A {\n  [int] M() {")
    assert info.value.error_id == "MissingEndCurlyBrace" and info.value.incomplete_input
    with pytest.raises(ParseError) as info:
        parse("class")
    assert info.value.error_id == "MissingNameAfterKeyword" and info.value.incomplete_input
