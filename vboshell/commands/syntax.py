"""SYNTAX lines of a command, as Get-Command -Syntax and Get-Help print them, one per parameter set.
Reads the same declaration the binder uses (a Cmdlet class or CommandMetadata of a script function)."""

from __future__ import annotations

from typing import Any

from vboshell.commands.base import ALL_PARAMETER_SETS, Cmdlet, Parameter


def _type_text(p: Parameter) -> str:
    if p.validate_set:
        return "{" + " | ".join(str(v) for v in p.validate_set) + "}"
    type_name = getattr(p, "type_name", None)
    if type_name:
        return type_name if not type_name.lower().startswith("system.") else type_name.split(".")[-1]
    if getattr(p, "type_name", "missing") is None and type(p).__name__ == "ScriptParameter":
        return "Object" + ("[]" if p.array else "")
    return p.type_display()


def _param_text(p: Parameter, in_set: str) -> str:
    mandatory = p.mandatory
    if p.is_switch:
        return f"-{p.name}" if mandatory else f"[-{p.name}]"
    name = f"-{p.name}"
    if p.position is not None:
        name = f"[{name}]"
    body = f"{name} <{_type_text(p)}>" if not p.validate_set else f"{name} {_type_text(p)}"
    return body if mandatory else f"[{body}]"


def syntax_lines(cls: Any) -> list[str]:
    """`Get-Thing [-Name] <string> [-Force] [<CommonParameters>]` lines, default parameter set first."""
    if isinstance(cls, type) and issubclass(cls, Cmdlet):
        name = cls.name
        params = list(cls.parameters)
        default_set = cls.default_parameter_set
        sps = cls.supports_should_process
        common = True
    else:  # CommandMetadata of a script function
        name = cls.name
        params = list(cls.parameters)
        default_set = cls.default_parameter_set
        sps = cls.supports_should_process
        common = cls.cmdlet_binding
    sets: list[str] = []
    for p in params:
        for s in p.parameter_sets:
            if s != ALL_PARAMETER_SETS and s not in sets:
                sets.append(s)
    if default_set in sets:
        sets.remove(default_set)  # type: ignore[arg-type]
        sets.insert(0, default_set)  # type: ignore[arg-type]
    if not sets:
        sets = [ALL_PARAMETER_SETS]
    lines = []
    for s in sets:
        members = [p for p in params if not p.dont_show and (ALL_PARAMETER_SETS in p.parameter_sets or s in p.parameter_sets)]
        positional = sorted((p for p in members if p.position is not None and not p.is_switch), key=lambda p: p.position or 0)
        named = [p for p in members if p not in positional and not p.is_switch]
        named.sort(key=lambda p: not p.mandatory)
        switches = [p for p in members if p.is_switch]
        parts = [name] + [_param_text(p, s) for p in positional + named + switches]
        if sps:
            parts += ["[-WhatIf]", "[-Confirm]"]
        if common:
            parts.append("[<CommonParameters>]")
        lines.append(" ".join(parts))
    return lines
