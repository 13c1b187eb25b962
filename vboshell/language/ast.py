"""The abstract syntax tree of vboshell's PowerShell dialect, modelled on PowerShell's own AST.
Every node carries an Extent; the parser builds these, the evaluator, the REPL and `vboshell check` read them.

This module is the contract between the parser (vboshell.language.parser) and everything that
consumes its output. Add fields or nodes when needed; do not rename or remove existing ones.
Conventions:
- node class names follow PowerShell's (`PipelineAst`, `CommandAst`, ...);
- operator spellings are normalised to lower case with their dash (`-eq`, `-ceq`, `-ieq` is
  normalised to `-eq`, `-not`, `-join`), symbols stay as written (`+`, `..`, `!`, `??`);
- names keep the user's spelling; comparisons on them are case-insensitive (use `.lower()`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(slots=True)
class Extent:
    """A span of source text. Lines and columns are 1-based, offsets 0-based, end exclusive."""

    source: str
    start_offset: int
    end_offset: int
    start_line: int
    start_column: int
    end_line: int
    end_column: int
    file: str | None = None

    @property
    def text(self) -> str:
        return self.source[self.start_offset : self.end_offset]

    def line_text(self) -> str:
        """The whole source line on which this extent starts (without its newline)."""
        start = self.source.rfind("\n", 0, self.start_offset) + 1
        end = self.source.find("\n", self.start_offset)
        return self.source[start : end if end >= 0 else len(self.source)].rstrip("\r")

    def __repr__(self) -> str:  # keep reprs of trees short
        return f"Extent({self.start_line}:{self.start_column}-{self.end_line}:{self.end_column})"


@dataclass(slots=True, kw_only=True, eq=False)
class Ast:
    extent: Extent

    def children(self) -> Iterator[Ast]:
        """Direct child nodes, in source order."""
        for f in fields(self):
            if f.name == "extent":
                continue
            yield from _iter_nodes(getattr(self, f.name))

    def walk(self) -> Iterator[Ast]:
        """This node and all its descendants, depth first, in source order."""
        stack: list[Ast] = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(list(node.children())))


def _iter_nodes(value: Any) -> Iterator[Ast]:
    if isinstance(value, Ast):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _iter_nodes(item)


# ----------------------------------------------------------------------------------------------
# Script blocks, named blocks, parameters and attributes


@dataclass(slots=True, kw_only=True, eq=False)
class ScriptBlockAst(Ast):
    param_block: ParamBlockAst | None = None
    begin_block: NamedBlockAst | None = None
    process_block: NamedBlockAst | None = None
    end_block: NamedBlockAst | None = None
    dynamicparam_block: NamedBlockAst | None = None
    # `#Requires -Modules X -Version N` lines found in the script: list of (switch, value) pairs
    requires: list[tuple[str, str]] = field(default_factory=list)
    # Raw text of the comment-based help block (<# .SYNOPSIS ... #>) that applies to this script block, if any
    help_comment: str | None = None


@dataclass(slots=True, kw_only=True, eq=False)
class NamedBlockAst(Ast):
    block_kind: str  # 'begin' | 'process' | 'end' | 'dynamicparam'
    statements: list[StatementAst] = field(default_factory=list)
    traps: list[TrapStatementAst] = field(default_factory=list)
    unnamed: bool = False  # True for a script/function body without explicit begin/process/end


@dataclass(slots=True, kw_only=True, eq=False)
class StatementBlockAst(Ast):
    statements: list[StatementAst] = field(default_factory=list)
    traps: list[TrapStatementAst] = field(default_factory=list)


@dataclass(slots=True, kw_only=True, eq=False)
class ParamBlockAst(Ast):
    attributes: list[AttributeAst] = field(default_factory=list)  # e.g. [CmdletBinding()]
    parameters: list[ParameterAst] = field(default_factory=list)


@dataclass(slots=True, kw_only=True, eq=False)
class ParameterAst(Ast):
    name: VariableExpressionAst
    attributes: list[AttributeBaseAst] = field(default_factory=list)  # type constraints and attributes, in order
    default_value: ExpressionAst | None = None


@dataclass(slots=True, kw_only=True, eq=False)
class AttributeBaseAst(Ast):
    type_name: str  # as written, without brackets: 'int', 'string[]', 'Parameter', 'System.IO.FileInfo'


@dataclass(slots=True, kw_only=True, eq=False)
class TypeConstraintAst(AttributeBaseAst):
    pass


@dataclass(slots=True, kw_only=True, eq=False)
class NamedAttributeArgumentAst(Ast):
    argument_name: str
    argument: ExpressionAst  # for `[Parameter(Mandatory)]` a ConstantExpressionAst(True) with expression_omitted=True
    expression_omitted: bool = False


@dataclass(slots=True, kw_only=True, eq=False)
class AttributeAst(AttributeBaseAst):
    positional_arguments: list[ExpressionAst] = field(default_factory=list)
    named_arguments: list[NamedAttributeArgumentAst] = field(default_factory=list)


# ----------------------------------------------------------------------------------------------
# Statements


@dataclass(slots=True, kw_only=True, eq=False)
class StatementAst(Ast):
    pass


@dataclass(slots=True, kw_only=True, eq=False)
class PipelineBaseAst(StatementAst):
    pass


@dataclass(slots=True, kw_only=True, eq=False)
class PipelineAst(PipelineBaseAst):
    elements: list[CommandBaseAst] = field(default_factory=list)
    background: bool = False  # trailing '&' (PS7); accepted, runs in the foreground


@dataclass(slots=True, kw_only=True, eq=False)
class PipelineChainAst(PipelineBaseAst):
    """PS7 `a && b` / `a || b`."""

    left: PipelineBaseAst
    operator: str  # '&&' | '||'
    right: PipelineBaseAst


@dataclass(slots=True, kw_only=True, eq=False)
class AssignmentStatementAst(PipelineBaseAst):
    left: ExpressionAst  # VariableExpressionAst, MemberExpressionAst, IndexExpressionAst, ConvertExpressionAst([int]$x), ArrayLiteralAst ($a,$b = ...)
    operator: str  # '=', '+=', '-=', '*=', '/=', '%=', '??='
    right: StatementAst  # a pipeline, or a statement such as if/switch/foreach


@dataclass(slots=True, kw_only=True, eq=False)
class LabeledStatementAst(StatementAst):
    label: str | None = None  # `:outer foreach (...)` -> 'outer'


@dataclass(slots=True, kw_only=True, eq=False)
class IfStatementAst(StatementAst):
    clauses: list[tuple[PipelineBaseAst, StatementBlockAst]] = field(default_factory=list)  # if + elseif
    else_clause: StatementBlockAst | None = None


@dataclass(slots=True, kw_only=True, eq=False)
class SwitchStatementAst(LabeledStatementAst):
    condition: PipelineBaseAst | None = None  # None with -File
    flags: list[str] = field(default_factory=list)  # lower case: 'regex', 'wildcard', 'exact', 'casesensitive', 'file'
    file_path: ExpressionAst | None = None  # for -File <path>
    clauses: list[tuple[ExpressionAst, StatementBlockAst]] = field(default_factory=list)
    default: StatementBlockAst | None = None


@dataclass(slots=True, kw_only=True, eq=False)
class ForEachStatementAst(LabeledStatementAst):
    variable: VariableExpressionAst
    condition: PipelineBaseAst
    body: StatementBlockAst


@dataclass(slots=True, kw_only=True, eq=False)
class ForStatementAst(LabeledStatementAst):
    initializer: PipelineBaseAst | None = None
    condition: PipelineBaseAst | None = None
    iterator: PipelineBaseAst | None = None
    body: StatementBlockAst


@dataclass(slots=True, kw_only=True, eq=False)
class WhileStatementAst(LabeledStatementAst):
    condition: PipelineBaseAst
    body: StatementBlockAst


@dataclass(slots=True, kw_only=True, eq=False)
class DoWhileStatementAst(LabeledStatementAst):
    condition: PipelineBaseAst
    body: StatementBlockAst


@dataclass(slots=True, kw_only=True, eq=False)
class DoUntilStatementAst(LabeledStatementAst):
    condition: PipelineBaseAst
    body: StatementBlockAst


@dataclass(slots=True, kw_only=True, eq=False)
class CatchClauseAst(Ast):
    catch_types: list[TypeConstraintAst] = field(default_factory=list)  # empty = catch all
    body: StatementBlockAst


@dataclass(slots=True, kw_only=True, eq=False)
class TryStatementAst(StatementAst):
    body: StatementBlockAst
    catch_clauses: list[CatchClauseAst] = field(default_factory=list)
    finally_clause: StatementBlockAst | None = None


@dataclass(slots=True, kw_only=True, eq=False)
class TrapStatementAst(StatementAst):
    trap_type: TypeConstraintAst | None = None
    body: StatementBlockAst


@dataclass(slots=True, kw_only=True, eq=False)
class ThrowStatementAst(StatementAst):
    pipeline: PipelineBaseAst | None = None  # None: bare `throw` (rethrow inside catch)


@dataclass(slots=True, kw_only=True, eq=False)
class ReturnStatementAst(StatementAst):
    pipeline: PipelineBaseAst | None = None


@dataclass(slots=True, kw_only=True, eq=False)
class ExitStatementAst(StatementAst):
    pipeline: PipelineBaseAst | None = None


@dataclass(slots=True, kw_only=True, eq=False)
class BreakStatementAst(StatementAst):
    label: ExpressionAst | None = None  # usually StringConstantExpressionAst('outer')


@dataclass(slots=True, kw_only=True, eq=False)
class ContinueStatementAst(StatementAst):
    label: ExpressionAst | None = None


@dataclass(slots=True, kw_only=True, eq=False)
class FunctionDefinitionAst(StatementAst):
    name: str
    is_filter: bool = False
    parameters: list[ParameterAst] | None = None  # the `function f($a, $b) {}` form; None otherwise
    body: ScriptBlockAst
    help_comment: str | None = None  # comment-based help before the function or at the top of its body


# ----------------------------------------------------------------------------------------------
# Commands


@dataclass(slots=True, kw_only=True, eq=False)
class CommandBaseAst(StatementAst):
    redirections: list[RedirectionAst] = field(default_factory=list)


@dataclass(slots=True, kw_only=True, eq=False)
class CommandAst(CommandBaseAst):
    """A command invocation in argument mode. elements[0] is the command name (a
    StringConstantExpressionAst for a bareword, or any expression after & or .)."""

    elements: list[CommandElementAst] = field(default_factory=list)
    invocation_operator: str | None = None  # None, '&' or '.'

    def get_command_name(self) -> str | None:
        first = self.elements[0] if self.elements else None
        if isinstance(first, StringConstantExpressionAst):
            return first.value
        return None


@dataclass(slots=True, kw_only=True, eq=False)
class CommandExpressionAst(CommandBaseAst):
    """A pipeline element in expression mode, e.g. `$x`, `1..10`, `(Get-Date).Year`."""

    expression: ExpressionAst


@dataclass(slots=True, kw_only=True, eq=False)
class CommandElementAst(Ast):
    pass


@dataclass(slots=True, kw_only=True, eq=False)
class CommandParameterAst(CommandElementAst):
    parameter_name: str  # without the dash and colon: '-Confirm:$false' -> 'Confirm'
    argument: ExpressionAst | None = None  # set only for the glued `-Name:value` form
    has_colon: bool = False


@dataclass(slots=True, kw_only=True, eq=False)
class RedirectionAst(Ast):
    from_stream: str  # 'Output', 'Error', 'Warning', 'Verbose', 'Debug', 'Information', 'All'


@dataclass(slots=True, kw_only=True, eq=False)
class FileRedirectionAst(RedirectionAst):
    location: ExpressionAst  # `2>$null` -> VariableExpressionAst('null')
    append: bool = False


@dataclass(slots=True, kw_only=True, eq=False)
class MergingRedirectionAst(RedirectionAst):
    to_stream: str = "Output"  # `2>&1`


# ----------------------------------------------------------------------------------------------
# Expressions (all are also command elements, as in PowerShell)


@dataclass(slots=True, kw_only=True, eq=False)
class ExpressionAst(CommandElementAst):
    pass


@dataclass(slots=True, kw_only=True, eq=False)
class ErrorExpressionAst(ExpressionAst):
    """Placeholder kept where parsing failed (only in partial trees attached to ParseErrors)."""


@dataclass(slots=True, kw_only=True, eq=False)
class BinaryExpressionAst(ExpressionAst):
    left: ExpressionAst
    operator: str  # '+', '-', '*', '/', '%', '..', '-eq', '-ceq', '-like', '-and', '-f', '-join', '-split', '-is', '-as', '??', ...
    right: ExpressionAst


@dataclass(slots=True, kw_only=True, eq=False)
class UnaryExpressionAst(ExpressionAst):
    operator: str  # '-not', '!', '-', '+', '-bnot', '-split', '-join', ',', '++', '--' (prefix), 'post++', 'post--'
    child: ExpressionAst


@dataclass(slots=True, kw_only=True, eq=False)
class TernaryExpressionAst(ExpressionAst):
    condition: ExpressionAst
    if_true: ExpressionAst
    if_false: ExpressionAst


@dataclass(slots=True, kw_only=True, eq=False)
class ConvertExpressionAst(ExpressionAst):
    """`[int]$x`, `[PSCustomObject]@{...}`, `[ordered]@{...}`; also a typed assignment target."""

    type_name: str
    child: ExpressionAst


@dataclass(slots=True, kw_only=True, eq=False)
class AttributedExpressionAst(ExpressionAst):
    """`[ValidateNotNull()]$x` outside a param block (rare); kept for completeness."""

    attribute: AttributeAst
    child: ExpressionAst


@dataclass(slots=True, kw_only=True, eq=False)
class TypeExpressionAst(ExpressionAst):
    """A bare type literal such as `[math]` in `[math]::Round(...)` or `$x -is [int]`."""

    type_name: str


@dataclass(slots=True, kw_only=True, eq=False)
class ConstantExpressionAst(ExpressionAst):
    value: Any  # int, float, decimal.Decimal, bool (only for omitted attribute args), None


@dataclass(slots=True, kw_only=True, eq=False)
class StringConstantExpressionAst(ConstantExpressionAst):
    string_kind: str = "BareWord"  # 'BareWord', 'SingleQuoted', 'DoubleQuoted', 'SingleQuotedHereString', 'DoubleQuotedHereString'


@dataclass(slots=True, kw_only=True, eq=False)
class ExpandableStringExpressionAst(ExpressionAst):
    """A double-quoted string or compound bareword argument with embedded expressions.
    `parts` interleaves literal text (escapes already processed) and expressions, in order:
    "Hi $name, $($u.Count) users" -> ['Hi ', VariableExpressionAst, ', ', SubExpressionAst, ' users']."""

    value: str  # the raw text between the quotes
    string_kind: str = "DoubleQuoted"  # 'DoubleQuoted', 'DoubleQuotedHereString' or 'BareWord' (e.g. `$dir\$user.txt`)
    parts: list[str | ExpressionAst] = field(default_factory=list)


@dataclass(slots=True, kw_only=True, eq=False)
class VariableExpressionAst(ExpressionAst):
    """`$x`, `$script:x`, `$env:PATH`, `${a b}`, `@splat` (splatted=True)."""

    name: str  # the full user path without sigil: 'x', 'script:x', 'env:PATH', 'a b'
    splatted: bool = False
    braced: bool = False

    @property
    def scope(self) -> str | None:
        """The drive/scope qualifier in lower case ('script', 'global', 'local', 'private', 'env', 'variable', ...) or None."""
        head, sep, _ = self.name.partition(":")
        return head.lower() if sep and head else None

    @property
    def unqualified_name(self) -> str:
        head, sep, tail = self.name.partition(":")
        return tail if sep and head else self.name


@dataclass(slots=True, kw_only=True, eq=False)
class MemberExpressionAst(ExpressionAst):
    expression: ExpressionAst
    member: ExpressionAst  # StringConstantExpressionAst for `.Name`; any expression for `.$prop` / `.($expr)`
    static: bool = False  # `[T]::Member`
    null_conditional: bool = False  # `?.` (PS7)


@dataclass(slots=True, kw_only=True, eq=False)
class InvokeMemberExpressionAst(MemberExpressionAst):
    arguments: list[ExpressionAst] = field(default_factory=list)


@dataclass(slots=True, kw_only=True, eq=False)
class IndexExpressionAst(ExpressionAst):
    target: ExpressionAst
    index: ExpressionAst  # `$a[1,2]` -> ArrayLiteralAst; `$a[0..2]` -> BinaryExpressionAst('..')
    null_conditional: bool = False


@dataclass(slots=True, kw_only=True, eq=False)
class ArrayLiteralAst(ExpressionAst):
    """The comma operator: `1, 2, 3` or a bareword list `Name, Size` in argument mode."""

    elements: list[ExpressionAst] = field(default_factory=list)


@dataclass(slots=True, kw_only=True, eq=False)
class ArrayExpressionAst(ExpressionAst):
    """`@( ... )`: always yields an array."""

    sub_expression: StatementBlockAst


@dataclass(slots=True, kw_only=True, eq=False)
class SubExpressionAst(ExpressionAst):
    """`$( ... )`."""

    sub_expression: StatementBlockAst


@dataclass(slots=True, kw_only=True, eq=False)
class ParenExpressionAst(ExpressionAst):
    """`( pipeline )`."""

    pipeline: PipelineBaseAst | StatementAst


@dataclass(slots=True, kw_only=True, eq=False)
class HashtableAst(ExpressionAst):
    """`@{ k = v; 'a b' = 1 }`. Values are statements (usually pipelines)."""

    key_value_pairs: list[tuple[ExpressionAst, StatementAst]] = field(default_factory=list)


@dataclass(slots=True, kw_only=True, eq=False)
class ScriptBlockExpressionAst(ExpressionAst):
    script_block: ScriptBlockAst


@dataclass(slots=True, kw_only=True, eq=False)
class UsingExpressionAst(ExpressionAst):
    """`$using:x` (accepted, evaluates like `$x`)."""

    sub_expression: ExpressionAst


# ----------------------------------------------------------------------------------------------
# Type definitions and using statements (added by the parser owner; additive)


@dataclass(slots=True, kw_only=True, eq=False)
class MemberAst(Ast):
    """A member of a class or enum."""

    name: str
    attributes: list[AttributeBaseAst] = field(default_factory=list)  # attributes and the [type] constraint, in order
    is_static: bool = False
    is_hidden: bool = False


@dataclass(slots=True, kw_only=True, eq=False)
class PropertyMemberAst(MemberAst):
    """`[string]$Name = 'x'` in a class; `Red = 1` in an enum (property_type None)."""

    property_type: str | None = None  # the last type constraint, e.g. 'string'
    initial_value: ExpressionAst | None = None


@dataclass(slots=True, kw_only=True, eq=False)
class FunctionMemberAst(MemberAst):
    """`[int] Count($x) { ... }`; a constructor `Name(...) { ... }` has is_constructor=True."""

    return_type: str | None = None
    parameters: list[ParameterAst] = field(default_factory=list)
    body: ScriptBlockAst
    is_constructor: bool = False


@dataclass(slots=True, kw_only=True, eq=False)
class TypeDefinitionAst(StatementAst):
    """`class Name : Base, IFace { members }` or `enum Name { A; B = 2 }`."""

    name: str
    is_enum: bool = False
    base_types: list[str] = field(default_factory=list)
    attributes: list[AttributeAst] = field(default_factory=list)
    members: list[MemberAst] = field(default_factory=list)


@dataclass(slots=True, kw_only=True, eq=False)
class UsingStatementAst(StatementAst):
    """`using namespace System.IO`, `using module X`, `using assembly X.dll`."""

    using_kind: str  # 'namespace' | 'module' | 'assembly'
    name: str


def outline(node: Ast | None) -> Any:
    """A compact, comparable outline of a tree for tests: (NodeKind, key values..., children...)."""
    if node is None:
        return None
    if isinstance(node, list):
        return [outline(n) for n in node]
    kind = type(node).__name__.removesuffix("Ast")
    out: list[Any] = [kind]
    for f in fields(node):
        if f.name == "extent":
            continue
        v = getattr(node, f.name)
        if isinstance(v, Ast):
            out.append(outline(v))
        elif isinstance(v, list):
            if v:
                out.append([outline(x) if isinstance(x, Ast) else _outline_value(x) for x in v])
        elif v not in (None, False, "") or (f.name == "value" and v is not None):
            out.append(_outline_value(v))
    return tuple(out)


def _outline_value(v: Any) -> Any:
    if isinstance(v, tuple):
        return tuple(outline(x) if isinstance(x, Ast) else _outline_value(x) for x in v)
    if isinstance(v, Ast):
        return outline(v)
    return v
