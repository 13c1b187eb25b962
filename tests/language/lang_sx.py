"""Compact one-line rendering of vboshell ASTs for parser tests (smaller than ast.outline, same information).
`sx(parse(text))` shows node kinds and key values: cmd(...), bare:x, 'lit', "dq", exp"..{$x}..", (a + b), ..."""

from __future__ import annotations

from typing import Any

from vboshell.language import ast as A
from vboshell.language import parse


def first(text: str) -> A.StatementAst:
    sb = parse(text)
    assert sb.end_block is not None
    stmts = sb.end_block.statements or sb.end_block.traps
    return stmts[0]


def s1(text: str) -> str:
    """The rendering of the first statement of `text`."""
    return sx(first(text))


def sx(n: Any) -> str:  # noqa: C901 - one dispatch table
    if n is None:
        return "-"
    if isinstance(n, list):
        return "; ".join(sx(x) for x in n)
    if isinstance(n, A.ScriptBlockAst):
        parts = []
        if n.param_block is not None:
            parts.append(sx(n.param_block))
        for name in ("dynamicparam_block", "begin_block", "process_block", "end_block"):
            b = getattr(n, name)
            if b is not None:
                parts.append(sx(b))
        return "{" + " ".join(parts) + "}"
    if isinstance(n, A.NamedBlockAst):
        body = sx(n.traps + n.statements) if n.traps else sx(n.statements)
        return body if n.unnamed else f"{n.block_kind}{{{body}}}"
    if isinstance(n, A.StatementBlockAst):
        return "{" + (sx(n.traps + n.statements) if n.traps else sx(n.statements)) + "}"
    if isinstance(n, A.ParamBlockAst):
        attrs = "".join(sx(a) for a in n.attributes)
        return f"{attrs}param({', '.join(sx(p) for p in n.parameters)})"
    if isinstance(n, A.ParameterAst):
        s = "".join(sx(a) for a in n.attributes) + sx(n.name)
        return s + (f"={sx(n.default_value)}" if n.default_value is not None else "")
    if isinstance(n, A.AttributeAst):
        args = [sx(a) for a in n.positional_arguments]
        args += [a.argument_name if a.expression_omitted else f"{a.argument_name}={sx(a.argument)}" for a in n.named_arguments]
        return f"[{n.type_name}({', '.join(args)})]"
    if isinstance(n, A.AttributeBaseAst):
        return f"[{n.type_name}]"
    if isinstance(n, A.PipelineAst):
        s = " | ".join(sx(e) for e in n.elements)
        return s + (" &" if n.background else "")
    if isinstance(n, A.PipelineChainAst):
        return f"{sx(n.left)} {n.operator} {sx(n.right)}"
    if isinstance(n, A.AssignmentStatementAst):
        return f"{sx(n.left)} {n.operator} {sx(n.right)}"
    if isinstance(n, A.CommandAst):
        op = n.invocation_operator + " " if n.invocation_operator else ""
        return f"cmd({op}{' '.join(sx(e) for e in n.elements)}{_redirs(n)})"
    if isinstance(n, A.CommandExpressionAst):
        return sx(n.expression) + _redirs(n)
    if isinstance(n, A.CommandParameterAst):
        s = "-" + n.parameter_name
        if n.has_colon:
            s += ":" + sx(n.argument)
        return s
    if isinstance(n, A.StringConstantExpressionAst):
        k = n.string_kind
        if k == "BareWord":
            return f"bare:{n.value}"
        if k == "SingleQuoted":
            return repr(n.value) if "'" not in n.value else "'" + n.value + "'"
        if k == "DoubleQuoted":
            return f'"{n.value}"'
        if k == "SingleQuotedHereString":
            return f"@'{n.value}'@"
        if k == "DoubleQuotedHereString":
            return f'@"{n.value}"@'
        return f"{k.lower()}:{n.value}"
    if isinstance(n, A.ExpandableStringExpressionAst):
        inner = "".join(p if isinstance(p, str) else "{" + sx(p) + "}" for p in n.parts)
        prefix = {"DoubleQuoted": "exp", "DoubleQuotedHereString": "hexp", "BareWord": "bexp"}[n.string_kind]
        return f'{prefix}"{inner}"'
    if isinstance(n, A.ConstantExpressionAst):
        return repr(n.value)
    if isinstance(n, A.VariableExpressionAst):
        if n.splatted:
            return "@" + n.name
        return "${" + n.name + "}" if n.braced else "$" + n.name
    if isinstance(n, A.UsingExpressionAst):
        return "using:" + sx(n.sub_expression)
    if isinstance(n, A.BinaryExpressionAst):
        return f"({sx(n.left)} {n.operator} {sx(n.right)})"
    if isinstance(n, A.UnaryExpressionAst):
        if n.operator.startswith("post"):
            return f"({sx(n.child)} {n.operator})"
        return f"({n.operator} {sx(n.child)})"
    if isinstance(n, A.TernaryExpressionAst):
        return f"({sx(n.condition)} ? {sx(n.if_true)} : {sx(n.if_false)})"
    if isinstance(n, A.ConvertExpressionAst):
        return f"[{n.type_name}]{sx(n.child)}"
    if isinstance(n, A.AttributedExpressionAst):
        return f"{sx(n.attribute)}{sx(n.child)}"
    if isinstance(n, A.TypeExpressionAst):
        return f"type[{n.type_name}]"
    if isinstance(n, A.InvokeMemberExpressionAst):
        return f"{_member(n)}({', '.join(sx(a) for a in n.arguments)})"
    if isinstance(n, A.MemberExpressionAst):
        return _member(n)
    if isinstance(n, A.IndexExpressionAst):
        return f"{sx(n.target)}{'?' if n.null_conditional else ''}[{sx(n.index)}]"
    if isinstance(n, A.ArrayLiteralAst):
        return "list(" + ", ".join(sx(e) for e in n.elements) + ")"
    if isinstance(n, A.ArrayExpressionAst):
        return "@(" + sx(n.sub_expression.statements) + ")"
    if isinstance(n, A.SubExpressionAst):
        return "$(" + sx(n.sub_expression.statements) + ")"
    if isinstance(n, A.ParenExpressionAst):
        return "paren(" + sx(n.pipeline) + ")"
    if isinstance(n, A.HashtableAst):
        return "@{" + "; ".join(f"{sx(k)}={sx(v)}" for k, v in n.key_value_pairs) + "}"
    if isinstance(n, A.ScriptBlockExpressionAst):
        return "sb" + sx(n.script_block)
    if isinstance(n, A.IfStatementAst):
        s = " elseif".join(f"({sx(c)}){sx(b)}" for c, b in n.clauses)
        s = "if" + s
        if n.else_clause is not None:
            s += " else" + sx(n.else_clause)
        return s
    if isinstance(n, A.ForEachStatementAst):
        return f"{_lbl(n)}foreach({sx(n.variable)} in {sx(n.condition)}){sx(n.body)}"
    if isinstance(n, A.ForStatementAst):
        return f"{_lbl(n)}for({sx(n.initializer)}; {sx(n.condition)}; {sx(n.iterator)}){sx(n.body)}"
    if isinstance(n, A.WhileStatementAst):
        return f"{_lbl(n)}while({sx(n.condition)}){sx(n.body)}"
    if isinstance(n, A.DoWhileStatementAst):
        return f"{_lbl(n)}do{sx(n.body)}while({sx(n.condition)})"
    if isinstance(n, A.DoUntilStatementAst):
        return f"{_lbl(n)}do{sx(n.body)}until({sx(n.condition)})"
    if isinstance(n, A.SwitchStatementAst):
        flags = "".join(" -" + f for f in n.flags)
        cond = f" file:{sx(n.file_path)}" if n.file_path is not None else f"({sx(n.condition)})"
        clauses = " ".join(f"{sx(c)}{sx(b)}" for c, b in n.clauses)
        if n.default is not None:
            clauses += f" default{sx(n.default)}"
        return f"{_lbl(n)}switch{flags}{cond}{{{clauses.strip()}}}"
    if isinstance(n, A.TryStatementAst):
        s = "try" + sx(n.body)
        for c in n.catch_clauses:
            s += " catch" + ",".join(sx(t) for t in c.catch_types) + sx(c.body)
        if n.finally_clause is not None:
            s += " finally" + sx(n.finally_clause)
        return s
    if isinstance(n, A.TrapStatementAst):
        return "trap" + (sx(n.trap_type) if n.trap_type else "") + sx(n.body)
    if isinstance(n, A.ThrowStatementAst):
        return "throw" + ("(" + sx(n.pipeline) + ")" if n.pipeline else "")
    if isinstance(n, A.ReturnStatementAst):
        return "return" + ("(" + sx(n.pipeline) + ")" if n.pipeline else "")
    if isinstance(n, A.ExitStatementAst):
        return "exit" + ("(" + sx(n.pipeline) + ")" if n.pipeline else "")
    if isinstance(n, A.BreakStatementAst):
        return "break" + (" " + sx(n.label) if n.label else "")
    if isinstance(n, A.ContinueStatementAst):
        return "continue" + (" " + sx(n.label) if n.label else "")
    if isinstance(n, A.FunctionDefinitionAst):
        kw = "filter" if n.is_filter else "function"
        params = f"({', '.join(sx(p) for p in n.parameters)})" if n.parameters is not None else ""
        return f"{kw} {n.name}{params} {sx(n.body)}"
    if isinstance(n, A.FileRedirectionAst):
        return f"{n.from_stream}{'>>' if n.append else '>'}{sx(n.location)}"
    if isinstance(n, A.MergingRedirectionAst):
        return f"{n.from_stream}>&{n.to_stream}"
    raise AssertionError(f"no rendering for {type(n).__name__}")


def _member(n: A.MemberExpressionAst) -> str:
    sep = "::" if n.static else ("?." if n.null_conditional else ".")
    m = n.member
    name = m.value if isinstance(m, A.StringConstantExpressionAst) and m.string_kind == "BareWord" else sx(m)
    return f"{sx(n.expression)}{sep}{name}"


def _redirs(n: A.CommandBaseAst) -> str:
    return "".join(" " + sx(r) for r in n.redirections)


def _lbl(n: A.LabeledStatementAst) -> str:
    return f":{n.label} " if n.label else ""
