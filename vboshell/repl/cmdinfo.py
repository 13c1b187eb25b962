"""What the REPL knows about commands: names (cmdlets, short names, aliases, session functions) and parameters.
Read from the same Cmdlet declarations the binder uses (vboshell.commands), plus the session's functions."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from vboshell.commands.base import ALL_PARAMETER_SETS, Parameter, Switch

# PowerShell's common parameters (about_CommonParameters), offered after a command's own parameters.
_PREFS = ("Continue", "Ignore", "Inquire", "SilentlyContinue", "Stop")
COMMON_PARAMETERS: tuple[Parameter, ...] = (
    Parameter("Verbose", type=Switch, aliases=("vb",), help="Shows detailed messages about the operation."),
    Parameter("Debug", type=Switch, aliases=("db",), help="Shows programmer-level detail about the operation."),
    Parameter("ErrorAction", type=str, aliases=("ea",), validate_set=_PREFS,
              help="What to do on a non-terminating error."),
    Parameter("WarningAction", type=str, aliases=("wa",), validate_set=_PREFS, help="What to do on a warning."),
    Parameter("InformationAction", type=str, aliases=("infa",), validate_set=_PREFS,
              help="What to do with information messages."),
    Parameter("ErrorVariable", type=str, aliases=("ev",), help="Stores errors in this variable (+name appends)."),
    Parameter("WarningVariable", type=str, aliases=("wv",), help="Stores warnings in this variable."),
    Parameter("InformationVariable", type=str, aliases=("iv",), help="Stores information messages in this variable."),
    Parameter("OutVariable", type=str, aliases=("ov",), help="Stores output objects in this variable too."),
    Parameter("OutBuffer", type=int, aliases=("ob",), help="Number of objects to buffer before passing them on."),
    Parameter("PipelineVariable", type=str, aliases=("pv",), help="Stores the current pipeline object in this variable."),
)
SHOULD_PROCESS_PARAMETERS: tuple[Parameter, ...] = (
    Parameter("WhatIf", type=Switch, aliases=("wi",), help="Shows what would happen without doing it."),
    Parameter("Confirm", type=Switch, aliases=("cf",), help="Asks for confirmation before doing it."),
)


_COMMON_HELP = {p.name.lower(): p.help for p in (*COMMON_PARAMETERS, *SHOULD_PROCESS_PARAMETERS)}


@dataclass
class CommandInfo:
    """A resolvable command for completion and highlighting."""

    name: str  # as the user would type it (the name that matched)
    kind: str  # 'Cmdlet' | 'Alias' | 'Function'
    synopsis: str = ""
    parameters: list[Parameter] = field(default_factory=list)
    common: list[Parameter] = field(default_factory=list)
    target: str = ""  # for aliases/short names: the full cmdlet name
    default_parameter_set: str | None = None
    output_type: str | None = None

    def all_parameters(self) -> list[Parameter]:
        return [p for p in self.parameters if not p.dont_show] + self.common


def _cmdlet_names() -> list[tuple[str, str, Any]]:
    """(display name, kind, class) for every cmdlet name, short name and alias, in the user's casing."""
    from vboshell.commands import registry

    out: list[tuple[str, str, Any]] = []
    try:
        classes = registry.all_cmdlets()
    except Exception:  # a broken cmdlet module must not break the prompt
        return out
    for cls in classes:
        try:
            names = registry.names_of(cls)
        except Exception:
            continue
        aliases = {a.lower() for a in getattr(cls, "aliases", ())}
        for i, n in enumerate(names):
            kind = "Alias" if i > 0 and n.lower() in aliases else "Cmdlet"
            out.append((n, kind, cls))
    return out


def common_parameters(should_process: bool) -> list[Parameter]:
    """The binder's common parameters (vboshell.commands.binder), with help text for the completion menu."""
    try:
        from vboshell.commands import binder

        common = list(binder.COMMON_PARAMETERS)
        sp = list(binder.SHOULD_PROCESS_PARAMETERS)
    except Exception:
        common, sp = list(COMMON_PARAMETERS), list(SHOULD_PROCESS_PARAMETERS)
    if should_process:
        common = sp + common
    out = []
    for p in common:
        if not p.help and p.name.lower() in _COMMON_HELP:
            p = dataclasses.replace(p, help=_COMMON_HELP[p.name.lower()])
        out.append(p)
    return out


def _cmdlet_info(name: str, kind: str, cls: Any) -> CommandInfo:
    common = common_parameters(bool(getattr(cls, "supports_should_process", False)))
    own = {p.name.lower() for p in cls.parameters}
    common = [p for p in common if p.name.lower() not in own]
    return CommandInfo(
        name=name,
        kind=kind,
        synopsis=getattr(cls, "synopsis", "") or "",
        parameters=list(cls.parameters),
        common=common,
        target=cls.name,
        default_parameter_set=getattr(cls, "default_parameter_set", None),
        output_type=getattr(cls, "output_type", None),
    )


def _iter_context_functions(context: Any) -> Iterable[tuple[str, Any]]:
    """(name, definition) of the functions visible in the session (scopes first, then `context.functions`)."""
    if context is None:
        return ()
    out: list[tuple[str, Any]] = []
    session = getattr(context, "session", None)
    all_fns = getattr(session, "all_functions", None)
    if callable(all_fns):
        try:
            out.extend((getattr(f, "name", None) or k, f) for k, f in all_fns().items())
        except Exception:
            pass
    seen = {str(n).lower() for n, _ in out}
    out.extend((n, f) for n, f in _legacy_functions(context) if str(n).lower() not in seen)
    return out


def context_aliases(context: Any) -> dict[str, str]:
    """User aliases (Set-Alias) visible in the session: lower-case alias -> command name."""
    out: dict[str, str] = {}
    session = getattr(context, "session", None)
    scope = getattr(session, "current", None)
    guard = 0
    while scope is not None and guard < 1000:
        guard += 1
        for k, v in (getattr(scope, "aliases", None) or {}).items():
            out.setdefault(str(k).lower(), str(v))
        scope = getattr(scope, "parent", None)
    for k, v in (getattr(context, "aliases", None) or {}).items() if isinstance(getattr(context, "aliases", None), dict) else ():
        out.setdefault(str(k).lower(), str(v))
    return out


def _legacy_functions(context: Any) -> Iterable[tuple[str, Any]]:
    fns: Any = None
    for attr in ("functions", "get_functions"):
        fns = getattr(context, attr, None)
        if fns is not None:
            break
    if callable(fns) and not isinstance(fns, dict):
        try:
            fns = fns()
        except Exception:
            return ()
    if fns is None:
        return ()
    try:
        if hasattr(fns, "items"):
            return [(getattr(f, "name", None) or k, f) for k, f in fns.items()]
        return [(getattr(f, "name", str(f)), f) for f in fns]
    except Exception:
        return ()


def _const(expr: Any) -> Any:
    return getattr(expr, "value", None)


def function_parameters(defn: Any) -> list[Parameter]:
    """Parameters of a session function, read from its AST's param block (names, types, ValidateSet, help)."""
    if defn is None:
        return []
    declared = getattr(defn, "parameter_declarations", None)  # a runtime wrapper may already provide Parameters
    if isinstance(declared, (list, tuple)) and all(isinstance(p, Parameter) for p in declared):
        return list(declared)
    ast = getattr(getattr(defn, "script_block", None), "ast", None) or defn
    for attr in ("ast", "definition", "function_ast", "node"):
        inner = getattr(ast, attr, None)
        if inner is not None and hasattr(inner, "extent"):
            ast = inner
            break
    params: list[Any] | None = getattr(ast, "parameters", None)
    if not params:
        body = getattr(ast, "body", None) or getattr(ast, "script_block", None) or ast
        pb = getattr(body, "param_block", None)
        params = getattr(pb, "parameters", None) if pb is not None else None
    out: list[Parameter] = []
    for p in params or []:
        var = getattr(p, "name", None)
        name = getattr(var, "name", None) or getattr(var, "variable_path", None) or (var if isinstance(var, str) else None)
        if not isinstance(name, str):
            continue
        name = name.split(":")[-1]
        type_: Any = object
        vset: tuple[str, ...] | None = None
        for attr in getattr(p, "attributes", []) or []:
            tname = str(getattr(attr, "type_name", "")).lower()
            if tname == "validateset":
                vals = [_const(a) for a in getattr(attr, "positional_arguments", [])]
                vset = tuple(str(v) for v in vals if v is not None) or None
            elif tname == "switch":
                type_ = Switch
            elif tname in ("string", "int", "bool", "double", "string[]", "int[]"):
                type_ = {"string": str, "int": int, "bool": bool, "double": float, "string[]": str, "int[]": int}[tname]
        out.append(Parameter(name, type=type_, validate_set=vset))
    return out


def _function_info(fname: str, defn: Any, context: Any) -> CommandInfo:
    """A session function, through the evaluator's own binder metadata when it can build it."""
    ev = getattr(context, "evaluator", None)
    meta_fn = getattr(ev, "function_metadata", None)
    if meta_fn is not None:
        try:
            meta = meta_fn(defn)
            common: list[Parameter] = []
            if getattr(meta, "cmdlet_binding", False):
                common = common_parameters(bool(getattr(meta, "supports_should_process", False)))
            return CommandInfo(name=fname, kind="Function", parameters=list(meta.parameters), common=common,
                               target=fname, synopsis="function defined in this session",
                               default_parameter_set=getattr(meta, "default_parameter_set", None))
        except Exception:
            pass
    return CommandInfo(name=fname, kind="Function", parameters=function_parameters(defn), common=[], target=fname,
                       synopsis="function defined in this session")


def resolve(name: str, context: Any = None, _depth: int = 0) -> CommandInfo | None:
    """The command a name resolves to: a session function or user alias, else a cmdlet/short name/alias."""
    low = name.lower()
    for fname, defn in _iter_context_functions(context):
        if str(fname).lower() == low:
            return _function_info(str(fname), defn, context)
    alias_target = context_aliases(context).get(low) if context is not None else None
    if alias_target and _depth < 10:
        info = resolve(alias_target, context, _depth + 1)
        if info is not None:
            info.name, info.kind = name, "Alias"
        return info
    from vboshell.commands import registry

    try:
        cls = registry.lookup(name)
    except Exception:
        cls = None
    if cls is None:
        return None
    kind = "Alias" if name.lower() in {a.lower() for a in getattr(cls, "aliases", ())} else "Cmdlet"
    return _cmdlet_info(name, kind, cls)


def is_known_command(name: str, context: Any = None) -> bool:
    """Whether a command name resolves (cmdlet, short name, alias, session function)."""
    from vboshell.commands import registry

    try:
        if registry.lookup(name) is not None:
            return True
    except Exception:
        pass
    low = name.lower()
    if context is not None and low in context_aliases(context):
        return True
    return any(str(f).lower() == low for f, _ in _iter_context_functions(context))


def command_names(context: Any = None) -> list[tuple[str, str, str]]:
    """(name, kind, description) for every command name the user can type."""
    out: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for fname, _defn in _iter_context_functions(context):
        n = str(fname)
        if n.lower() not in seen:
            seen.add(n.lower())
            out.append((n, "Function", "function defined in this session"))
    for alias, target in context_aliases(context).items() if context is not None else ():
        if alias not in seen:
            seen.add(alias)
            out.append((alias, "Alias", f"alias of {target}"))
    for n, kind, cls in _cmdlet_names():
        if n.lower() in seen:
            continue
        seen.add(n.lower())
        if kind == "Alias" or n != cls.name:
            desc = f"{'alias' if kind == 'Alias' else 'short name'} of {cls.name}"
            if cls.synopsis:
                desc += f" — {cls.synopsis}"
        else:
            desc = cls.synopsis or ""
        out.append((n, kind, desc))
    return out


def possible_sets(params: list[Parameter], bound: set[str]) -> set[str] | None:
    """Parameter sets still possible once `bound` (lower-case names) are bound; None means any."""
    sets: set[str] | None = None
    for p in params:
        if p.name.lower() not in bound:
            continue
        ps = set(p.parameter_sets)
        if ALL_PARAMETER_SETS in ps:
            continue
        sets = ps if sets is None else sets & ps
    return sets
