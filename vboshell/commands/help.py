"""Get-Help text rendered from a Cmdlet class's declaration, or from a script function's comment-based help.
`render_help(cls_or_function, full=False, examples=False, parameter=None, detailed=False) -> str`."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from typing import Any

from vboshell.commands.base import ALL_PARAMETER_SETS, Cmdlet, Parameter

WRAP = 80
COMMON_TEXT = (
    "This cmdlet supports the common parameters: Verbose, Debug,\n"
    "ErrorAction, ErrorVariable, WarningAction, WarningVariable,\n"
    "OutBuffer, PipelineVariable, and OutVariable. For more information, see\n"
    "about_CommonParameters (https:/go.microsoft.com/fwlink/?LinkID=113216)."
)


# ----------------------------------------------------------------------------------------------
# A neutral help model, filled from a Cmdlet class or from comment-based help


@dataclass
class ParamHelp:
    name: str
    type_display: str = "Object"
    is_switch: bool = False
    mandatory: bool = False
    position: int | None = None
    pipeline: str = "False"
    aliases: tuple[str, ...] = ()
    default: str = "None"
    wildcards: bool = False
    text: str = ""
    sets: tuple[str, ...] = (ALL_PARAMETER_SETS,)


@dataclass
class HelpInfo:
    name: str
    synopsis: str = ""
    description: str = ""
    syntax: list[str] = field(default_factory=list)
    parameters: list[ParamHelp] = field(default_factory=list)
    examples: list[tuple[str, str]] = field(default_factory=list)  # (code, description)
    notes: str = ""
    related: list[str] = field(default_factory=list)
    inputs: str = ""
    outputs: str = ""
    common_parameters: bool = True
    is_function: bool = False


def _pipeline_text(p: Parameter) -> str:
    kinds = []
    if p.value_from_pipeline:
        kinds.append("ByValue")
    if p.value_from_pipeline_by_property_name:
        kinds.append("ByPropertyName")
    return f"True ({', '.join(kinds)})" if kinds else "False"


def _param_token(p: ParamHelp, in_syntax: bool = True) -> str:
    if p.is_switch:
        core = f"-{p.name}"
        return core if p.mandatory else f"[{core}]"
    name = f"-{p.name}"
    if p.position is not None:
        name = f"[{name}]"
    core = f"{name} <{p.type_display}>"
    return core if p.mandatory else f"[{core}]"


def syntax_for(name: str, params: list[ParamHelp], should_process: bool, common: bool = True,
               default_set: str | None = None) -> list[str]:
    """One syntax line per parameter set, PowerShell-style: positional first, then the rest in order."""
    sets: list[str] = []
    for p in params:
        for s in p.sets:
            if s != ALL_PARAMETER_SETS and s not in sets:
                sets.append(s)
    if default_set and default_set in sets:
        sets.remove(default_set)
        sets.insert(0, default_set)
    if not sets:
        sets = [ALL_PARAMETER_SETS]
    lines = []
    for s in sets:
        members = [p for p in params if s in p.sets or ALL_PARAMETER_SETS in p.sets]
        positional = sorted((p for p in members if p.position is not None), key=lambda p: p.position or 0)
        named = [p for p in members if p.position is None]
        parts = [name] + [_param_token(p) for p in positional + named]
        if should_process:
            parts += ["[-WhatIf]", "[-Confirm]"]
        if common:
            parts.append("[<CommonParameters>]")
        lines.append(" ".join(parts))
    return lines


def syntax_lines(cls: type[Cmdlet]) -> list[str]:
    """Get-Command -Syntax / Get-Help SYNTAX lines for a cmdlet class."""
    try:
        from vboshell.commands.syntax import syntax_lines as shared  # type: ignore[import-not-found]
    except ImportError:
        shared = None
    if shared is not None and shared is not syntax_lines:
        try:
            return list(shared(cls))
        except Exception:  # noqa: BLE001 - fall back to our own rendering
            pass
    params = [_from_parameter(p) for p in cls.parameters if not p.dont_show]
    return syntax_for(cls.name, params, cls.supports_should_process, True, cls.default_parameter_set)


def _from_parameter(p: Parameter) -> ParamHelp:
    default = "None"
    if p.default is not None:
        default = str(p.default)
    elif p.is_switch:
        default = "False"
    return ParamHelp(
        name=p.name, type_display=p.type_display(), is_switch=p.is_switch, mandatory=p.mandatory,
        position=p.position, pipeline=_pipeline_text(p), aliases=tuple(p.aliases), default=default,
        wildcards="wildcard" in p.help.lower(), text=p.help, sets=tuple(p.parameter_sets),
    )


def help_from_cmdlet(cls: type[Cmdlet]) -> HelpInfo:
    params = [_from_parameter(p) for p in cls.parameters if not p.dont_show]
    return HelpInfo(
        name=cls.name,
        synopsis=cls.synopsis,
        description=cls.description or cls.synopsis,
        syntax=syntax_lines(cls),
        parameters=params,
        examples=[(e.code, e.description) for e in cls.examples],
        notes=cls.notes,
        related=list(cls.related),
        inputs="\n".join(dict.fromkeys(p.type_display().removesuffix("[]") for p in cls.parameters
                                       if p.value_from_pipeline and not p.dont_show)) or "None",
        outputs=cls.output_type or "",
    )


# ----------------------------------------------------------------------------------------------
# Comment-based help

_SECTION_RE = re.compile(r"^\s*\.([A-Za-z]+)[ \t]*(.*)$")


def parse_comment_help(text: str) -> dict[str, Any]:
    """Sections of a `<# .SYNOPSIS ... #>` block: synopsis, description, parameter{name}, example[], notes, link[]."""
    body = text.strip()
    if body.startswith("<#"):
        body = body[2:]
    if body.endswith("#>"):
        body = body[:-2]
    lines = [ln[1:] if ln.startswith("#") else ln for ln in body.splitlines()]
    out: dict[str, Any] = {"parameter": {}, "example": [], "link": []}
    key: str | None = None
    arg = ""
    buf: list[str] = []

    def flush() -> None:
        if key is None:
            return
        content = textwrap.dedent("\n".join(buf)).strip("\n")
        content = "\n".join(ln.rstrip() for ln in content.splitlines()).strip()
        if key == "parameter":
            out["parameter"][arg.strip().lower()] = (arg.strip(), content)
        elif key == "example":
            out["example"].append(content)
        elif key == "link":
            out["link"].append((arg.strip() + ("\n" + content if content else "")).strip())
        else:
            out[key] = content

    for ln in lines:
        m = _SECTION_RE.match(ln)
        if m and m.group(1).lower() in ("synopsis", "description", "parameter", "example", "notes", "link",
                                          "inputs", "outputs", "component", "role", "functionality"):
            flush()
            key = m.group(1).lower()
            arg = m.group(2)
            buf = []
            continue
        buf.append(ln)
    flush()
    return out


def _ast_text(node: Any) -> str:
    ext = getattr(node, "extent", None)
    return getattr(ext, "text", "") if ext is not None else ""


def _function_parts(fn: Any) -> tuple[str, Any, str | None]:
    """(name, ScriptBlockAst body or None, help comment) of a FunctionInfo/FunctionDefinitionAst."""
    name = getattr(fn, "name", None) or getattr(fn, "Name", None) or "function"
    ast = fn
    for attr in ("ast", "definition", "definition_ast", "function_ast"):
        cand = getattr(fn, attr, None)
        if cand is not None and not isinstance(cand, str):
            ast = cand
            break
    help_comment = getattr(fn, "help_comment", None) or getattr(ast, "help_comment", None)
    body = getattr(ast, "body", None) or getattr(fn, "script_block", None)
    if body is not None and hasattr(body, "ast") and not hasattr(body, "param_block"):
        body = body.ast
    if help_comment is None and body is not None:
        help_comment = getattr(body, "help_comment", None)
    return str(name), body, help_comment


def _function_params(body: Any, fn_ast: Any) -> list[ParamHelp]:
    params_ast = []
    pb = getattr(body, "param_block", None) if body is not None else None
    if pb is not None:
        params_ast = list(pb.parameters)
    elif getattr(fn_ast, "parameters", None):
        params_ast = list(fn_ast.parameters)
    out: list[ParamHelp] = []
    implicit_pos = 0
    # PowerShell: once any parameter declares Position, the others are named
    any_explicit = any(
        a.type_name.lower() in ("parameter", "system.management.automation.parameterattribute")
        and any(na.argument_name.lower() == "position" for na in getattr(a, "named_arguments", []))
        for p in params_ast for a in getattr(p, "attributes", []))
    for p in params_ast:
        vname = p.name.name if hasattr(p.name, "name") else str(p.name)
        ph = ParamHelp(name=vname, type_display="Object", position=None)
        explicit_position = None
        positional_off = False
        for a in getattr(p, "attributes", []):
            tname = a.type_name
            low = tname.lower()
            if type(a).__name__ == "TypeConstraintAst":
                ph.type_display = "SwitchParameter" if low == "switch" else tname
                ph.is_switch = low in ("switch", "system.management.automation.switchparameter")
            elif low in ("parameter", "system.management.automation.parameterattribute"):
                for na in getattr(a, "named_arguments", []):
                    an = na.argument_name.lower()
                    val = _ast_text(na.argument)
                    truthy = na.expression_omitted or val.strip().lower() in ("$true", "1")
                    if an == "mandatory":
                        ph.mandatory = truthy
                    elif an == "position":
                        try:
                            explicit_position = int(val)
                        except ValueError:
                            pass
                    elif an == "valuefrompipeline" and truthy:
                        ph.pipeline = "True (ByValue)" if "ByPropertyName" not in ph.pipeline else \
                            "True (ByValue, ByPropertyName)"
                    elif an == "valuefrompipelinebypropertyname" and truthy:
                        ph.pipeline = "True (ByValue, ByPropertyName)" if "ByValue" in ph.pipeline else \
                            "True (ByPropertyName)"
                    elif an == "parametersetname":
                        ph.sets = (val.strip("'\""),)
                    elif an == "helpmessage":
                        ph.text = ph.text or val.strip("'\"")
            elif low == "alias":
                ph.aliases = tuple(_ast_text(x).strip("'\"") for x in getattr(a, "positional_arguments", []))
        if p.default_value is not None:
            text = _ast_text(p.default_value)
            if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
                text = text[1:-1]
            ph.default = text
        elif ph.is_switch:
            ph.default = "False"
        if explicit_position is not None:
            ph.position = explicit_position
        elif not ph.is_switch and not positional_off and not any_explicit:
            ph.position = implicit_pos
            implicit_pos += 1
        out.append(ph)
    return out


def help_from_function(fn: Any) -> HelpInfo:
    name, body, comment = _function_parts(fn)
    fn_ast = getattr(fn, "ast", None) or fn
    params = _function_params(body, fn_ast)
    sections = parse_comment_help(comment) if comment else {"parameter": {}, "example": [], "link": []}
    for p in params:
        entry = sections["parameter"].get(p.name.lower())
        if entry:
            p.text = entry[1]
    pb = getattr(body, "param_block", None) if body is not None else None
    advanced = bool(pb and any(a.type_name.lower() == "cmdletbinding" for a in pb.attributes)) or \
        any(p.pipeline != "False" or p.mandatory for p in params)
    should_process = bool(pb and any(
        a.type_name.lower() == "cmdletbinding" and any(n.argument_name.lower() == "supportsshouldprocess"
                                                      for n in getattr(a, "named_arguments", []))
        for a in pb.attributes))
    examples = []
    for ex in sections["example"]:
        lines = ex.splitlines()
        code = lines[0].strip() if lines else ""
        if code.upper().startswith("PS ") and ">" in code:
            code = code.split(">", 1)[1].strip()
        examples.append((code, "\n".join(lines[1:]).strip()))
    syntax = syntax_for(name, params, should_process, advanced)
    return HelpInfo(
        name=name, synopsis=sections.get("synopsis", "") if comment else "",
        description=sections.get("description", ""), syntax=syntax, parameters=params, examples=examples,
        notes=sections.get("notes", ""), related=sections["link"], inputs=sections.get("inputs", ""),
        outputs=sections.get("outputs", ""), common_parameters=advanced, is_function=True,
    )


# ----------------------------------------------------------------------------------------------
# Rendering


def _indent(text: str, n: int) -> list[str]:
    pad = " " * n
    out: list[str] = []
    for para in text.split("\n"):
        if not para.strip():
            out.append("")
            continue
        lead = len(para) - len(para.lstrip(" "))
        wrapped = textwrap.wrap(para.strip(), max(WRAP - n - lead, 20)) or [""]
        out.extend(pad + " " * lead + w for w in wrapped)
    return out


def _param_block(p: ParamHelp, with_table: bool) -> list[str]:
    head = f"    -{p.name}" + ("" if p.is_switch else f" <{p.type_display}>")
    lines = [head]
    if p.text:
        lines += _indent(p.text, 8)
    if with_table:
        lines.append("")
        rows = [
            ("Required?", "true" if p.mandatory else "false"),
            ("Position?", "named" if p.position is None else str(p.position)),
            ("Default value", p.default if p.default not in ("", "None") else ""),
            ("Accept pipeline input?", p.pipeline),
            ("Aliases", ", ".join(p.aliases) if p.aliases else "None"),
            ("Accept wildcard characters?", "true" if p.wildcards else "false"),
        ]
        for k, v in rows:
            lines.append(f"        {k.ljust(28)} {v}".rstrip())
    lines.append("")
    return lines


def _examples(info: HelpInfo) -> list[str]:
    lines: list[str] = []
    for i, (code, desc) in enumerate(info.examples, 1):
        title = f" EXAMPLE {i} "
        lines.append("    " + title.center(len(title) + 52, "-"))
        lines.append("")
        code_lines = code.split("\n")
        lines.append(f"    PS C:\\>{code_lines[0]}")
        lines.extend(f"    {ln}" if ln else "" for ln in code_lines[1:])
        lines.append("")
        if desc:
            lines += _indent(desc, 4)
        lines += ["", ""]
    return lines


def render_info(info: HelpInfo, full: bool = False, examples: bool = False, parameter: str | None = None,
                detailed: bool = False) -> str:
    name = info.name
    if parameter is not None:
        from vboshell.format.properties import wildcard_match

        chosen = [p for p in info.parameters if wildcard_match(parameter, p.name)
                  or any(wildcard_match(parameter, a) for a in p.aliases)]
        if not chosen:
            raise LookupError(parameter)
        lines = [""]
        for p in chosen:
            lines += _param_block(p, True)
        return "\n".join(lines).rstrip() + "\n\n"
    lines: list[str] = ["", "NAME", f"    {name}", ""]
    lines += ["SYNOPSIS"]
    lines += _indent(info.synopsis or name, 4) if (info.synopsis or not info.is_function) else [f"    {name}"]
    lines += ["", ""]
    if examples:
        if info.examples:
            lines += _examples(info)
        return "\n".join(lines).rstrip() + "\n\n"
    lines += ["SYNTAX"]
    for s in info.syntax:
        lines += [f"    {s}", ""]
    lines += [""]
    if info.description:
        lines += ["DESCRIPTION"]
        lines += _indent(info.description, 4)
        lines += ["", ""]
    if full or detailed:
        lines += ["PARAMETERS"]
        for p in info.parameters:
            lines += _param_block(p, full)
        if info.common_parameters:
            lines += ["    <CommonParameters>"] + _indent(COMMON_TEXT, 8) + ["", ""]
    if full:
        lines += ["INPUTS"] + (_indent(info.inputs, 4) if info.inputs else []) + ["", ""]
        lines += ["OUTPUTS"] + (_indent(info.outputs, 4) if info.outputs else []) + ["", ""]
        if info.notes:
            lines += ["NOTES"] + _indent(info.notes, 4) + ["", ""]
    if (full or detailed) and info.examples:
        lines += _examples(info)
    lines += ["RELATED LINKS"]
    for r in info.related:
        lines += _indent(r, 4)
    lines += [""]
    if not (full or detailed):
        lines += ["REMARKS",
                  f'    To see the examples, type: "get-help {name} -examples".',
                  f'    For more information, type: "get-help {name} -detailed".',
                  f'    For technical information, type: "get-help {name} -full".', ""]
    return "\n".join(lines).rstrip() + "\n\n"


def render_help(cls_or_function: Any, full: bool = False, examples: bool = False, parameter: str | None = None,
                detailed: bool = False) -> str:
    """Get-Help's text for a Cmdlet class or a script function (FunctionInfo or FunctionDefinitionAst).
    Raises LookupError when -Parameter names no parameter."""
    if isinstance(cls_or_function, type) and issubclass(cls_or_function, Cmdlet):
        info = help_from_cmdlet(cls_or_function)
    elif isinstance(cls_or_function, HelpInfo):
        info = cls_or_function
    else:
        info = help_from_function(cls_or_function)
    return render_info(info, full=full, examples=examples, parameter=parameter, detailed=detailed)
