"""Session and discovery cmdlets: Get-Help, Get-Command, Get-Member, the *-Variable cmdlets, New-Object, Add-Member,
Import-Module/Get-Module, Add-PSSnapin (a clear error) and Invoke-Expression."""

from __future__ import annotations

import datetime as _dt
import decimal
import re
import uuid
from collections.abc import Mapping
from typing import Any

from vboshell import __version__
from vboshell.builtins._util import as_list, is_block, to_string
from vboshell.commands.base import Cmdlet, Example, Parameter, Switch
from vboshell.commands.registry import all_cmdlets, lookup, names_of
from vboshell.commands.registry import register as _register
from vboshell.format.properties import has_wildcard, wildcard_match
from vboshell.runtime.errors import CmdletError, ErrorCategory, ErrorRecord
from vboshell.runtime.psobject import PSObject, TypeView, get_properties, ps_type, type_names_of

CORE = "Microsoft.PowerShell.Core"
UTIL = "Microsoft.PowerShell.Utility"
register = _register


# ----------------------------------------------------------------------------------------------
# Get-Help


def _functions(ctx: Any) -> dict[str, Any]:
    """Script functions visible in the current scope (lower-case name -> FunctionInfo)."""
    session = getattr(ctx, "session", None)
    found: dict[str, Any] = {}
    if session is not None and hasattr(session, "all_functions"):
        found.update(session.all_functions())
    for k, v in (getattr(ctx, "functions", {}) or {}).items():
        found.setdefault(k.lower(), v)
    return found


def _function_info(ctx: Any, name: str) -> Any:
    return _functions(ctx).get(name.lower())


@register
class GetHelp(Cmdlet):
    name = "Get-Help"
    aliases = ("help", "man")
    module = CORE
    synopsis = "Displays information about PowerShell commands and concepts."
    description = (
        "Shows the help of a cmdlet (from its declaration) or of a script function (from its comment-based help: "
        ".SYNOPSIS, .DESCRIPTION, .PARAMETER, .EXAMPLE). -Detailed adds parameter descriptions and examples, "
        "-Full adds the parameter attributes, inputs, outputs and notes, -Examples shows only the examples and "
        "-Parameter one parameter. A wildcard name lists the matching commands. `<command> -?` shows the same help."
    )
    parameters = [
        Parameter("Name", str, position=0, help="A command name (wildcards list matching commands)."),
        Parameter("Full", Switch, parameter_sets=("AllUsersView",), help="The whole help topic."),
        Parameter("Detailed", Switch, parameter_sets=("DetailedView",), help="Adds parameter descriptions and examples."),
        Parameter("Examples", Switch, parameter_sets=("Examples",), help="Only the examples."),
        Parameter("Parameter", str, parameter_sets=("Parameters",), help="Only this parameter (wildcards allowed)."),
        Parameter("Online", Switch, parameter_sets=("Online",), help="Not available: vboshell has no online help."),
        Parameter("ShowWindow", Switch, dont_show=True),
        Parameter("Category", str, array=True, dont_show=True),
    ]
    default_parameter_set = "AllUsersView"
    examples = [
        Example("Get-Help Get-Date", "The help of a cmdlet.", expect="SYNOPSIS"),
        Example("Get-Help Select-Object -Parameter First", "One parameter.", expect="-First <int>"),
        Example("function Get-Thing { <#\n.SYNOPSIS\nGets a thing.\n#>\n param($Name) }; Get-Help Get-Thing",
                "Comment-based help of a script function.", expect="Gets a thing."),
    ]

    def end_processing(self) -> None:
        from vboshell.commands.help import render_help

        name = self.Name
        if not name:
            self.write_object(_GET_HELP_TOPIC)
            return
        if self.Online:
            raise CmdletError("vboshell has no online help; use Get-Help <name> -Full.", "InvalidOperation",
                              ErrorCategory.InvalidOperation, name)
        target: Any = None
        if has_wildcard(name):
            matches = _find_commands(self.context, name)
            if len(matches) == 1:
                target = matches[0].target
            elif matches:
                for m in matches:
                    self.write_object(PSObject([("Name", m.Name), ("Category", m.CommandType),
                                                ("Module", m.Source), ("Synopsis", m.synopsis)]))
                return
        else:
            fn = _function_info(self.context, name)
            target = fn if fn is not None else lookup(name)
            if target is None and name.lower().endswith(".ps1"):
                target = _script_help_target(self.context, name)
        if target is None:
            raise CmdletError(
                f'Get-Help could not find {name} in a help file in this session. To download updated help topics '
                'type: "Update-Help". To get help online, search for the help topic in the TechNet library at '
                "https:/go.microsoft.com/fwlink/?LinkID=107116.",
                "HelpNotFound", ErrorCategory.ResourceUnavailable,
                name, exception_type="HelpNotFoundException")
        try:
            text = render_help(target, full=bool(self.Full), examples=bool(self.Examples),
                               parameter=self.Parameter, detailed=bool(self.Detailed))
        except LookupError:
            raise CmdletError(f"No parameter matches criteria {self.Parameter}.",
                              "NoParmsFound",
                              ErrorCategory.InvalidArgument, self.Parameter,
                              exception_type="PSArgumentException") from None
        self.write_object(text.rstrip("\n") + "\n")


class _ScriptHelp:
    """A script file seen as a command for Get-Help (its top comment-based help and param block)."""

    def __init__(self, name: str, body: Any) -> None:
        self.name = name
        self.body = body
        self.help_comment = getattr(body, "help_comment", None)


def _script_help_target(ctx: Any, name: str) -> Any:
    import os

    path = ctx.resolve_path(name)
    if not path.is_file():
        return None
    from vboshell.builtins._util import detect_decode
    from vboshell.language import parse

    try:
        tree = parse(detect_decode(path.read_bytes()), str(path))
    except Exception:  # noqa: BLE001 - a script that does not parse has no help
        return None
    return _ScriptHelp(os.path.basename(str(path)), tree)


_GET_HELP_TOPIC = """
TOPIC
    vboshell Help System

SHORT DESCRIPTION
    Displays help about vboshell cmdlets and concepts.

LONG DESCRIPTION
    SYNTAX
        get-help {<CmdletName> | <TopicName>}
        help {<CmdletName> | <TopicName>}
        <CmdletName> -?

    "Get-help" and "-?" display help on one page.

    Examples:
        get-help get-vbojob           : Displays help about the Get-VBOJob cmdlet.
        get-help get-vbojob -examples : Displays the examples of Get-VBOJob.
        get-help get-vbojob -full     : Displays the whole help topic of Get-VBOJob.
        get-help *-vbo*               : Lists the Veeam cmdlets.
        get-command -module Veeam.Archiver.PowerShell : Lists the Veeam cmdlets.
"""


# ----------------------------------------------------------------------------------------------
# Get-Command

_VERSIONS = {
    "Microsoft.PowerShell.Utility": "3.1.0.0",
    "Microsoft.PowerShell.Management": "3.1.0.0",
    "Microsoft.PowerShell.Security": "3.0.0.0",
    "Microsoft.PowerShell.Host": "3.0.0.0",
    "Microsoft.PowerShell.Core": "",
}


@ps_type("System.Management.Automation.CommandInfo",
         view=TypeView(table=(("CommandType", "CommandType", 15), ("DisplayName", "Name", 50),
                              ("Version", "Version", 10), "Source"), kind="table"))
class CommandInfo:
    def __init__(self, command_type: str, name: str, source: str, target: Any, display: str | None = None,
                 synopsis: str = "", definition: str = "") -> None:
        self.CommandType = command_type
        self.Name = name
        self.Source = source
        self.Version = _VERSIONS.get(source, __version__ if source else "")
        self.DisplayName = display or name
        self.target = target
        self.synopsis = synopsis
        self.Definition = definition

    @property
    def ModuleName(self) -> str:  # noqa: N802
        return self.Source

    @property
    def Verb(self) -> str:  # noqa: N802
        return self.Name.split("-", 1)[0] if "-" in self.Name else ""

    @property
    def Noun(self) -> str:  # noqa: N802
        return self.Name.split("-", 1)[1] if "-" in self.Name else ""

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("CommandType", self.CommandType), ("Name", self.Name), ("Version", self.Version),
                ("Source", self.Source), ("DisplayName", self.DisplayName), ("Definition", self.Definition),
                ("ModuleName", self.Source), ("Verb", self.Verb), ("Noun", self.Noun)]

    def __str__(self) -> str:
        return self.Name


def _all_commands(ctx: Any) -> list[CommandInfo]:
    out: list[CommandInfo] = []
    seen: set[str] = set()
    for cls in all_cmdlets():
        names = names_of(cls)
        if cls.name.lower() not in seen:
            seen.add(cls.name.lower())
            out.append(CommandInfo("Cmdlet", cls.name, cls.module, cls, synopsis=cls.synopsis,
                                   definition="\n".join(_syntax(cls))))
        for alias in names[1:]:
            if alias.lower() in seen:
                continue
            seen.add(alias.lower())
            out.append(CommandInfo("Alias", alias, cls.module if "-" in alias else "", cls,
                                   display=f"{alias} -> {cls.name}", synopsis=cls.synopsis, definition=cls.name))
    for low, fn in _functions(ctx).items():
        if low in seen:
            continue
        seen.add(low)
        name = getattr(fn, "name", None) or low
        out.append(CommandInfo("Function", str(name), "", fn))
    for alias, target in (getattr(ctx, "aliases", {}) or {}).items():
        if alias.lower() in seen:
            continue
        seen.add(alias.lower())
        out.append(CommandInfo("Alias", alias, "", lookup(str(target)), display=f"{alias} -> {target}",
                               definition=str(target)))
    return out


def _syntax(cls: Any) -> list[str]:
    from vboshell.commands.help import syntax_lines

    return syntax_lines(cls)


def _find_commands(ctx: Any, pattern: str) -> list[CommandInfo]:
    return [c for c in _all_commands(ctx) if wildcard_match(pattern, c.Name)]


_TYPE_ORDER = {"Alias": 0, "Function": 1, "Filter": 2, "Cmdlet": 3}


@register
class GetCommand(Cmdlet):
    name = "Get-Command"
    aliases = ("gcm",)
    module = CORE
    synopsis = "Gets all commands."
    description = (
        "Lists cmdlets, functions and aliases (CommandType, Name, Version, Source). -Name takes wildcards; "
        "-Verb and -Noun filter by the parts of the name; -Module by module (e.g. Veeam.Archiver.PowerShell). "
        "Veeam cmdlets are listed under their Veeam names, their short names as aliases. -Syntax shows the "
        "parameter syntax instead."
    )
    parameters = [
        Parameter("Name", str, array=True, position=0, value_from_pipeline_by_property_name=True,
                  help="Command names; wildcards allowed."),
        Parameter("Verb", str, array=True, help="Verbs (Get, Set...); wildcards allowed."),
        Parameter("Noun", str, array=True, help="Nouns; wildcards allowed."),
        Parameter("Module", str, array=True, help="Module names; wildcards allowed."),
        Parameter("CommandType", str, array=True, aliases=("Type",),
                  validate_set=("Alias", "Function", "Filter", "Cmdlet", "ExternalScript", "Application", "Script",
                                "Workflow", "Configuration", "All"), help="Kinds of command."),
        Parameter("Syntax", Switch, help="Shows the syntax of the command."),
        Parameter("All", Switch, help="Includes all commands."),
        Parameter("TotalCount", int, help="Maximum number of commands."),
        Parameter("ListImported", Switch, dont_show=True),
    ]
    examples = [
        Example("Get-Command -Verb Get -Noun Date", "Finds Get-Date.", expect="Get-Date"),
        Example("Get-Command Select-Object -Syntax", "The syntax of a cmdlet.", expect="[-First <int>]"),
        Example("Get-Command where", "An alias.", expect="where -> Where-Object"),
    ]

    def end_processing(self) -> None:
        ctx = self.context
        cmds = _all_commands(ctx)
        names = as_list(self.Name)
        results: list[CommandInfo] = []
        if names:
            for n in names:
                n = to_string(n)
                found = [c for c in cmds if wildcard_match(n, c.Name)]
                if not found and not has_wildcard(n):
                    self.write_error(ErrorRecord(
                        f"The term '{n}' is not recognized as the name of a cmdlet, function, script file, or "
                        "operable program. Check the spelling of the name, or if a path was included, verify that "
                        "the path is correct and try again.",
                        "CommandNotFoundException",
                        ErrorCategory.ObjectNotFound, n, exception_type="CommandNotFoundException"))
                    continue
                results.extend(c for c in found if c not in results)
        else:
            results = list(cmds)
            if not (self.Verb or self.Noun or self.Module or self.CommandType):
                pass
        if self.Verb or self.Noun:
            results = [c for c in results if c.CommandType != "Alias" or names]
        if self.Verb:
            results = [c for c in results if any(wildcard_match(v, c.Verb) for v in as_list(self.Verb))]
        if self.Noun:
            results = [c for c in results if any(wildcard_match(v, c.Noun) for v in as_list(self.Noun))]
        if self.Module:
            results = [c for c in results if any(wildcard_match(m, c.Source) for m in as_list(self.Module))
                       or (c.CommandType == "Alias" and c.target is not None and
                           any(wildcard_match(m, getattr(c.target, "module", "")) for m in as_list(self.Module))
                           and "-" in c.Name)]
        if self.CommandType:
            kinds = {to_string(k).lower() for k in as_list(self.CommandType)}
            if "all" not in kinds:
                results = [c for c in results if c.CommandType.lower() in kinds]
        results.sort(key=lambda c: (_TYPE_ORDER.get(c.CommandType, 9), c.Name.lower()) if not names else 0)
        if self.TotalCount is not None:
            results = results[: self.TotalCount]
        for c in results:
            if self.Syntax:
                self.write_object(self._syntax_text(c))
            else:
                self.write_object(c)

    def _syntax_text(self, c: CommandInfo) -> str:
        if c.CommandType == "Alias":
            return f"{c.Name} (alias) -> {c.Definition}"
        if c.CommandType == "Cmdlet":
            return "\n" + "\n\n".join(_syntax(c.target)) + "\n"
        from vboshell.commands.help import help_from_function

        try:
            info = help_from_function(c.target)
            return "\n" + "\n\n".join(info.syntax) + "\n"
        except Exception:  # noqa: BLE001
            return c.Name


# ----------------------------------------------------------------------------------------------
# Get-Member


@ps_type("Microsoft.PowerShell.Commands.MemberDefinition",
         view=TypeView(table=("Name", "MemberType", "Definition"), kind="table", group_by="TypeName",
                       group_format="   TypeName: {}"))
class MemberDefinition:
    def __init__(self, type_name: str, name: str, member_type: str, definition: str) -> None:
        self.TypeName = type_name
        self.Name = name
        self.MemberType = member_type
        self.Definition = definition

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("TypeName", self.TypeName), ("Name", self.Name), ("MemberType", self.MemberType),
                ("Definition", self.Definition)]

    def __str__(self) -> str:
        return self.Definition


_OBJECT_METHODS = [("Equals", "bool Equals(System.Object obj)"), ("GetHashCode", "int GetHashCode()"),
                   ("GetType", "type GetType()"), ("ToString", "string ToString()")]

_STRING_METHODS = _OBJECT_METHODS + [
    ("Clone", "System.Object Clone(), System.Object ICloneable.Clone()"),
    ("CompareTo", "int CompareTo(System.Object value), int CompareTo(string strB)"),
    ("Contains", "bool Contains(string value)"),
    ("EndsWith", "bool EndsWith(string value), bool EndsWith(string value, System.StringComparison comparisonType)"),
    ("IndexOf", "int IndexOf(char value), int IndexOf(char value, int startIndex), int IndexOf(string value)"),
    ("Insert", "string Insert(int startIndex, string value)"),
    ("LastIndexOf", "int LastIndexOf(char value), int LastIndexOf(string value)"),
    ("PadLeft", "string PadLeft(int totalWidth), string PadLeft(int totalWidth, char paddingChar)"),
    ("PadRight", "string PadRight(int totalWidth), string PadRight(int totalWidth, char paddingChar)"),
    ("Remove", "string Remove(int startIndex, int count), string Remove(int startIndex)"),
    ("Replace", "string Replace(char oldChar, char newChar), string Replace(string oldValue, string newValue)"),
    ("Split", "string[] Split(Params char[] separator), string[] Split(char[] separator, int count)"),
    ("StartsWith", "bool StartsWith(string value), bool StartsWith(string value, System.StringComparison comparisonType)"),
    ("Substring", "string Substring(int startIndex), string Substring(int startIndex, int length)"),
    ("ToCharArray", "char[] ToCharArray(), char[] ToCharArray(int startIndex, int length)"),
    ("ToLower", "string ToLower(), string ToLower(cultureinfo culture)"),
    ("ToLowerInvariant", "string ToLowerInvariant()"),
    ("ToUpper", "string ToUpper(), string ToUpper(cultureinfo culture)"),
    ("ToUpperInvariant", "string ToUpperInvariant()"),
    ("Trim", "string Trim(Params char[] trimChars), string Trim()"),
    ("TrimEnd", "string TrimEnd(Params char[] trimChars)"),
    ("TrimStart", "string TrimStart(Params char[] trimChars)"),
]
_NUMBER_METHODS = _OBJECT_METHODS + [("CompareTo", "int CompareTo(System.Object value)"),
                                     ("GetTypeCode", "System.TypeCode GetTypeCode()")]
_DATETIME_METHODS = _OBJECT_METHODS + [
    (n, f"datetime {n}(double value)") for n in ("AddDays", "AddHours", "AddMilliseconds", "AddMinutes", "AddSeconds")
] + [("AddMonths", "datetime AddMonths(int months)"), ("AddYears", "datetime AddYears(int value)"),
     ("AddTicks", "datetime AddTicks(long value)"), ("Add", "datetime Add(timespan value)"),
     ("Subtract", "timespan Subtract(datetime value), datetime Subtract(timespan value)"),
     ("ToLocalTime", "datetime ToLocalTime()"), ("ToUniversalTime", "datetime ToUniversalTime()"),
     ("ToShortDateString", "string ToShortDateString()"), ("ToLongDateString", "string ToLongDateString()"),
     ("ToString", "string ToString(), string ToString(string format)")]
_HASHTABLE_METHODS = _OBJECT_METHODS + [
    ("Add", "void Add(System.Object key, System.Object value)"), ("Clear", "void Clear()"),
    ("Clone", "System.Object Clone()"), ("Contains", "bool Contains(System.Object key)"),
    ("ContainsKey", "bool ContainsKey(System.Object key)"), ("ContainsValue", "bool ContainsValue(System.Object value)"),
    ("GetEnumerator", "System.Collections.IDictionaryEnumerator GetEnumerator()"),
    ("Remove", "void Remove(System.Object key)"),
]
_LIST_METHODS = _OBJECT_METHODS + [
    ("Add", "int Add(System.Object value)"), ("AddRange", "void AddRange(System.Collections.ICollection c)"),
    ("Clear", "void Clear()"), ("Contains", "bool Contains(System.Object item)"),
    ("IndexOf", "int IndexOf(System.Object value)"), ("Insert", "void Insert(int index, System.Object value)"),
    ("Remove", "void Remove(System.Object obj)"), ("RemoveAt", "void RemoveAt(int index)"),
    ("Sort", "void Sort()"), ("ToArray", "System.Object[] ToArray()"),
]


def short_type(value: Any) -> str:
    """The type name Get-Member shows in definitions (`string`, `int`, `datetime`, `Object[]`...)."""
    if value is None:
        return "object"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int" if -(2**31) <= value < 2**31 else "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, decimal.Decimal):
        return "decimal"
    if isinstance(value, str):
        return "string"
    if isinstance(value, _dt.datetime):
        return "datetime"
    if isinstance(value, _dt.timedelta):
        return "timespan"
    if isinstance(value, uuid.UUID):
        return "guid"
    if isinstance(value, Mapping):
        return "hashtable"
    if isinstance(value, (list, tuple)):
        return "Object[]"
    return _type_name(value)


def _type_name(obj: Any) -> str:
    try:
        from vboshell.runtime.types import type_name_of

        return type_name_of(obj)
    except Exception:  # noqa: BLE001
        names = type_names_of(obj)
        return names[0] if names else type(obj).__name__


def _value_text(v: Any) -> str:
    if v is None:
        return "null"
    return to_string(v) if not isinstance(v, (list, tuple)) else "System.Object[]"


def members_of(obj: Any) -> tuple[str, list[tuple[str, str, str]]]:
    """(type name, [(name, member type, definition)]) as Get-Member lists them."""
    tname = _type_name(obj)
    members: list[tuple[str, str, str]] = []
    if isinstance(obj, PSObject):
        tname = obj.type_names[0] if obj.type_names else tname
        members += [(n, "Method", d) for n, d in _OBJECT_METHODS]
        for k, v in obj.items():
            if is_block(v):
                members.append((k, "ScriptMethod", f"System.Object {k}();"))
            else:
                members.append((k, "NoteProperty", f"{short_type(v)} {k}={_value_text(v)}"))
        return tname, members
    if isinstance(obj, str):
        members += [(n, "Method", d) for n, d in _STRING_METHODS]
        members += [("Chars", "ParameterizedProperty", "char Chars(int index) {get;}"),
                    ("Length", "Property", "int Length {get;}")]
    elif isinstance(obj, bool) or isinstance(obj, (int, float, decimal.Decimal)):
        members += [(n, "Method", d) for n, d in _NUMBER_METHODS]
    elif isinstance(obj, _dt.datetime):
        members += [(n, "Method", d) for n, d in _DATETIME_METHODS]
        from vboshell.runtime.members import property_pairs

        for k, v in property_pairs(obj):
            if k == "DisplayHint":
                members.append((k, "NoteProperty", "DisplayHintType DisplayHint=DateTime"))
            elif k == "DateTime":
                members.append((k, "ScriptProperty", "System.Object DateTime {get=...}"))
            else:
                members.append((k, "Property", f"{short_type(v)} {k} {{get;}}"))
    elif isinstance(obj, Mapping):
        members += [(n, "Method", d) for n, d in _HASHTABLE_METHODS]
        members += [("Item", "ParameterizedProperty", "System.Object Item(System.Object key) {get;set;}")]
        members += [(n, "Property", f"{t} {n} {{get;}}") for n, t in
                    (("Count", "int"), ("IsFixedSize", "bool"), ("IsReadOnly", "bool"), ("IsSynchronized", "bool"),
                     ("Keys", "System.Collections.ICollection"), ("SyncRoot", "System.Object"),
                     ("Values", "System.Collections.ICollection"))]
    elif isinstance(obj, (list, tuple)):
        members += [(n, "Method", d) for n, d in _LIST_METHODS]
        members += [("Count", "Property", "int Count {get;}"), ("Item", "ParameterizedProperty",
                                                               "System.Object Item(int index) {get;set;}")]
    else:
        members += [(n, "Method", d) for n, d in _OBJECT_METHODS]
        for attr in dir(type(obj)):
            if attr.startswith("_") or not attr[:1].isupper():
                continue
            fn = getattr(type(obj), attr, None)
            if callable(fn) and not isinstance(fn, property):
                members.append((attr, "Method", f"System.Object {attr}()"))
        props = get_properties(obj)
        if not props:
            from vboshell.runtime.members import property_pairs

            props = property_pairs(obj)
        for k, v in props:
            members.append((k, "Property", f"{short_type(v)} {k} {{get;set;}}"))
    seen: set[tuple[str, str]] = set()
    unique = []
    for m in members:
        key = (m[0].lower(), m[1])
        if key not in seen:
            seen.add(key)
            unique.append(m)
    return tname, unique


_MEMBER_SETS = {
    "properties": {"property", "noteproperty", "scriptproperty", "aliasproperty", "codeproperty"},
    "methods": {"method", "scriptmethod", "codemethod"},
    "all": None,
}


@register
class GetMember(Cmdlet):
    name = "Get-Member"
    aliases = ("gm",)
    synopsis = "Gets the properties and methods of objects."
    description = (
        "Lists the members of each distinct type of input object under a `TypeName:` header, as a "
        "Name/MemberType/Definition table sorted by member type and name. -MemberType filters (Property, "
        "NoteProperty, Method, Properties, Methods...), -Name takes wildcards."
    )
    parameters = [
        Parameter("InputObject", object, value_from_pipeline=True, help="The objects to inspect."),
        Parameter("Name", str, array=True, position=0, help="Member names; wildcards allowed."),
        Parameter("MemberType", str, array=True, aliases=("Type",), help="Kinds of members."),
        Parameter("Static", Switch, help="Static members (none are listed)."),
        Parameter("Force", Switch, help="Includes hidden members."),
        Parameter("View", str, dont_show=True),
    ]
    examples = [
        Example("[PSCustomObject]@{Name='x'} | Get-Member -MemberType NoteProperty", "The note properties.",
                expect="Name NoteProperty string Name=x"),
        Example("'text' | Get-Member -Name Length", "One property of a string.", expect="TypeName: System.String"),
    ]

    def begin_processing(self) -> None:
        self._seen: set[str] = set()
        self._any = False

    def process_record(self) -> None:
        if not self.is_bound("InputObject"):
            return
        obj = self.InputObject
        if obj is None:
            return
        self._any = True
        if self.Static:
            return
        tname, members = members_of(obj)
        if tname in self._seen:
            return
        self._seen.add(tname)
        kinds: set[str] | None = None
        if self.MemberType:
            kinds = set()
            for k in as_list(self.MemberType):
                low = to_string(k).lower()
                if low in _MEMBER_SETS:
                    s = _MEMBER_SETS[low]
                    if s is None:
                        kinds = None
                        break
                    kinds |= s
                else:
                    kinds.add(low)
        names = as_list(self.Name)
        chosen = [m for m in members
                  if (kinds is None or m[1].lower() in kinds)
                  and (not names or any(wildcard_match(to_string(n), m[0]) for n in names))]
        chosen.sort(key=lambda m: (m[1], m[0].lower()))
        for n, mt, d in chosen:
            self.write_object(MemberDefinition(tname, n, mt, d))

    def end_processing(self) -> None:
        if not self._any:
            raise CmdletError("You must specify an object for the Get-Member cmdlet.",
                              "NoObjectInGetMember",
                              ErrorCategory.CloseError, exception_type="InvalidOperationException")


# ----------------------------------------------------------------------------------------------
# Variables


@ps_type("System.Management.Automation.PSVariable",
         view=TypeView(table=(("Name", "Name", 30), "Value"), kind="table"))
class PSVariable:
    def __init__(self, name: str, value: Any, description: str = "", options: str = "None") -> None:
        self.Name = name
        self.Value = value
        self.Description = description
        self.Options = options

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("Name", self.Name), ("Value", self.Value), ("Description", self.Description),
                ("Options", self.Options)]


def _scope(cmdlet: Cmdlet) -> str | None:
    s = cmdlet.Scope
    if s is None:
        return None
    s = to_string(s).lower()
    return s


def _find_vars(cmdlet: Cmdlet, pattern: str, scope: str | None) -> list[tuple[str, Any]]:
    ctx = cmdlet.context
    variables = ctx.variables(scope) if scope else ctx.variables()
    if has_wildcard(pattern):
        return sorted(((k, v) for k, v in variables.items() if wildcard_match(pattern, k)), key=lambda kv: kv[0].lower())
    low = pattern.lower()
    return [(k, v) for k, v in variables.items() if k.lower() == low]


def _var_not_found(name: str, cmd: str) -> ErrorRecord:
    return ErrorRecord(f"Cannot find a variable with the name '{name}'.",
                       "VariableNotFound", ErrorCategory.ObjectNotFound, name,
                       exception_type="ItemNotFoundException")


_SCOPE_SET = None  # scopes are global/script/local/private or a number


@register
class GetVariable(Cmdlet):
    name = "Get-Variable"
    aliases = ("gv",)
    synopsis = "Gets the variables in the current console."
    description = "Returns variables (Name, Value) matching -Name (wildcards allowed), or all visible ones; " \
                  "-ValueOnly returns just the values."
    parameters = [
        Parameter("Name", str, array=True, position=0, value_from_pipeline=True, help="Variable names; wildcards allowed."),
        Parameter("ValueOnly", Switch, help="Returns only the values."),
        Parameter("Scope", str, help="global, script, local or a number of levels up."),
        Parameter("Exclude", str, array=True, help="Names to leave out."),
        Parameter("Include", str, array=True, help="Names to include."),
    ]
    examples = [Example("$answer = 42; Get-Variable answer", "A variable with its value.", expect="answer"),
                Example("$answer = 42; Get-Variable -Name answer -ValueOnly", "Only the value.", expect="42")]

    def process_record(self) -> None:
        names = as_list(self.Name) or ["*"]
        scope = _scope(self)
        for n in names:
            n = to_string(n)
            found = _find_vars(self, n, scope)
            if not found and not has_wildcard(n):
                self.write_error(_var_not_found(n, "GetVariableCommand"))
                continue
            for k, v in found:
                if self.Exclude and any(wildcard_match(x, k) for x in as_list(self.Exclude)):
                    continue
                if self.Include and not any(wildcard_match(x, k) for x in as_list(self.Include)):
                    continue
                if self.ValueOnly:
                    self.write_object(v)
                else:
                    self.write_object(PSVariable(k, v))


class _VarWrite(Cmdlet):
    parameters = [
        Parameter("Name", str, array=True, mandatory=True, position=0, value_from_pipeline_by_property_name=True,
                  help="Variable name(s), without $."),
        Parameter("Value", object, position=1, value_from_pipeline=True, help="The value."),
        Parameter("Scope", str, help="global, script, local or a number of levels up."),
        Parameter("Option", str, array=True, help="Accepted: None, ReadOnly, Constant, Private, AllScope."),
        Parameter("Description", str, help="A description."),
        Parameter("PassThru", Switch, help="Outputs the variable."),
        Parameter("Force", Switch, help="Overwrites an existing variable (New-Variable)."),
        Parameter("Visibility", str, dont_show=True),
    ]


@register
class SetVariable(_VarWrite):
    name = "Set-Variable"
    aliases = ("set", "sv")
    synopsis = "Sets the value of a variable. Creates the variable if one with the requested name does not exist."
    description = "Assigns -Value to each -Name in the current scope (or -Scope)."
    supports_should_process = True
    examples = [Example("Set-Variable -Name total -Value 10; $total", "Same as $total = 10.", expect="10")]

    def process_record(self) -> None:
        for n in as_list(self.Name):
            n = to_string(n)
            self.context.set_variable(n, self.Value, _scope(self))
            if self.PassThru:
                self.write_object(PSVariable(n, self.Value, self.Description or ""))


@register
class NewVariable(_VarWrite):
    name = "New-Variable"
    aliases = ("nv",)
    synopsis = "Creates a new variable."
    description = "Creates a variable; it is an error if it already exists in that scope unless -Force."
    supports_should_process = True
    examples = [Example("New-Variable -Name limit -Value 5; $limit", "Creates $limit.", expect="5")]

    def process_record(self) -> None:
        for n in as_list(self.Name):
            n = to_string(n)
            scope = _scope(self) or "local"
            exists = any(k.lower() == n.lower() for k in self.context.variables(scope))
            if exists and not self.Force:
                self.write_error(ErrorRecord(f"A variable with name '{n}' already exists.",
                                             "VariableAlreadyExists",
                                             ErrorCategory.ResourceExists, n, exception_type="SessionStateException"))
                continue
            self.context.set_variable(n, self.Value, _scope(self))
            if self.PassThru:
                self.write_object(PSVariable(n, self.Value, self.Description or ""))


@register
class RemoveVariable(Cmdlet):
    name = "Remove-Variable"
    aliases = ("rv",)
    synopsis = "Deletes a variable and its value."
    description = "Removes variables by name (wildcards allowed)."
    supports_should_process = True
    parameters = [
        Parameter("Name", str, array=True, mandatory=True, position=0, value_from_pipeline_by_property_name=True,
                  help="Variable names."),
        Parameter("Scope", str, help="global, script, local or a number of levels up."),
        Parameter("Force", Switch, help="Removes read-only variables."),
    ]
    examples = [Example("$tmp = 1; Remove-Variable tmp; Test-Path variable:tmp", "Deletes $tmp.")]

    def process_record(self) -> None:
        for n in as_list(self.Name):
            n = to_string(n)
            found = _find_vars(self, n, _scope(self))
            if not found and not has_wildcard(n):
                self.write_error(_var_not_found(n, "RemoveVariableCommand"))
                continue
            for k, _v in found:
                self.context.remove_variable(k, _scope(self))


@register
class ClearVariable(Cmdlet):
    name = "Clear-Variable"
    aliases = ("clv",)
    synopsis = "Deletes the value of a variable."
    description = "Sets variables to $null (they keep existing)."
    supports_should_process = True
    parameters = [
        Parameter("Name", str, array=True, mandatory=True, position=0, value_from_pipeline_by_property_name=True,
                  help="Variable names."),
        Parameter("Scope", str, help="global, script, local or a number of levels up."),
        Parameter("PassThru", Switch, help="Outputs the variable."),
    ]
    examples = [Example("$x = 5; Clear-Variable x; $null -eq $x", "Empties $x.", expect="True")]

    def process_record(self) -> None:
        for n in as_list(self.Name):
            n = to_string(n)
            found = _find_vars(self, n, _scope(self))
            if not found and not has_wildcard(n):
                self.write_error(_var_not_found(n, "ClearVariableCommand"))
                continue
            for k, _v in found:
                self.context.set_variable(k, None, _scope(self))
                if self.PassThru:
                    self.write_object(PSVariable(k, None))


# ----------------------------------------------------------------------------------------------
# New-Object / Add-Member


class StringBuilder:
    """System.Text.StringBuilder (Append, AppendLine, AppendFormat, Insert, Replace, Clear, ToString, Length)."""

    ps_type_name = "System.Text.StringBuilder"

    def __init__(self, initial: Any = None) -> None:
        self._parts: list[str] = [to_string(initial)] if isinstance(initial, str) else []

    def _text(self) -> str:
        if len(self._parts) > 1:
            self._parts = ["".join(self._parts)]
        return self._parts[0] if self._parts else ""

    def Append(self, value: Any = None, *rest: Any) -> StringBuilder:  # noqa: N802
        self._parts.append(to_string(value))
        return self

    def AppendLine(self, value: Any = None) -> StringBuilder:  # noqa: N802
        self._parts.append(("" if value is None else to_string(value)) + "\r\n")
        return self

    def AppendFormat(self, fmt: Any, *args: Any) -> StringBuilder:  # noqa: N802
        from vboshell.runtime.dotnetfmt import composite_format

        self._parts.append(composite_format(to_string(fmt), list(args)))
        return self

    def Insert(self, index: Any, value: Any) -> StringBuilder:  # noqa: N802
        t = self._text()
        i = int(index)
        self._parts = [t[:i] + to_string(value) + t[i:]]
        return self

    def Replace(self, old: Any, new: Any) -> StringBuilder:  # noqa: N802
        self._parts = [self._text().replace(to_string(old), to_string(new))]
        return self

    def Remove(self, start: Any, length: Any) -> StringBuilder:  # noqa: N802
        t = self._text()
        s, n = int(start), int(length)
        self._parts = [t[:s] + t[s + n:]]
        return self

    def Clear(self) -> StringBuilder:  # noqa: N802
        self._parts = []
        return self

    @property
    def Length(self) -> int:  # noqa: N802
        return len(self._text())

    def ToString(self) -> str:  # noqa: N802
        return self._text()

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("Capacity", max(16, self.Length)), ("MaxCapacity", 2147483647), ("Length", self.Length)]

    def __str__(self) -> str:
        return self._text()

    __ps_str__ = __str__


_UNSUPPORTED_PREFIXES = {
    "system.windows.forms": "Windows Forms GUIs are not available: vboshell is a cross-platform console shell. "
                            "Use Read-Host for input and Write-Host/Format-Table for output instead.",
    "system.drawing": "System.Drawing is not available: vboshell is a cross-platform console shell without a GUI.",
    "system.net.webclient": "System.Net.WebClient is not available in vboshell; use Invoke-RestMethod-free "
                            "Veeam cmdlets or run the download outside the shell.",
}


def _strip_generic(name: str) -> tuple[str, str | None]:
    m = re.match(r"^(.*?)\[(.*)\]$", name.strip())
    if m and not m.group(2) == "":
        return m.group(1), m.group(2)
    return name.strip(), None


def _unsupported(type_name: str, why: str) -> CmdletError:
    return CmdletError(f"Cannot create an object of type [{type_name}]: {why}",
                       "NotSupported", ErrorCategory.NotImplemented,
                       type_name, exception_type="NotSupportedException")


def new_object(type_name: str, args: list[Any]) -> Any:
    """The object `New-Object TypeName -ArgumentList args` creates, for the types vboshell knows."""
    from vboshell.runtime import values as rv

    raw = type_name.strip()
    low = raw.lower().replace(" ", "")
    for prefix, why in _UNSUPPORTED_PREFIXES.items():
        if low.startswith(prefix):
            return _raise(_unsupported(raw, why))
    short = low.removeprefix("system.")
    if short in ("psobject", "pscustomobject", "management.automation.psobject", "management.automation.pscustomobject",
                 "object"):
        return PSObject()
    if short in ("collections.arraylist", "arraylist"):
        items = args[0] if args and isinstance(args[0], (list, tuple)) else []
        return rv.ArrayList(items)
    base, generic = _strip_generic(short)
    if base in ("collections.generic.list", "collections.generic.hashset", "collections.generic.queue",
                "collections.generic.stack"):
        element = "System.Object"
        try:
            from vboshell.runtime.types import find_type

            t = find_type(generic or "object")
            if t is not None:
                element = t.full_name
        except Exception:  # noqa: BLE001
            pass
        items = args[0] if args and isinstance(args[0], (list, tuple)) else []
        return rv.GenericList(items, element)
    if base == "collections.generic.dictionary" or short in ("collections.hashtable", "hashtable"):
        return rv.Hashtable()
    if short in ("collections.specialized.ordereddictionary",):
        return rv.OrderedHashtable()
    if short in ("management.automation.pscredential", "pscredential"):
        from vboshell.runtime.securestring import PSCredential

        flat = list(args[0]) if len(args) == 1 and isinstance(args[0], (list, tuple)) else list(args)
        if len(flat) != 2:
            raise CmdletError(
                f'Cannot find an overload for "PSCredential" and the argument count: "{len(flat)}".',
                "ConstructorInvokedThrowException",
                ErrorCategory.InvalidOperation, exception_type="MethodException")
        user, pw = flat
        if type(pw).__name__ != "SecureString":
            raise CmdletError(
                'Cannot convert argument "password", with value: "' + to_string(pw) + '", for "PSCredential" to '
                'type "System.Security.SecureString".',
                "ConstructorInvokedThrowException",
                ErrorCategory.InvalidOperation, exception_type="MethodException")
        return PSCredential(to_string(user), pw)
    if short in ("text.stringbuilder",):
        return StringBuilder(args[0] if args else None)
    if short in ("datetime",):
        ints = [int(a) for a in (args[0] if len(args) == 1 and isinstance(args[0], list) else args)]
        return rv.DateTime(*ints) if ints else rv.DateTime(1, 1, 1)
    if short in ("timespan",):
        ints = [int(a) for a in (args[0] if len(args) == 1 and isinstance(args[0], list) else args)]
        if len(ints) == 3:
            return rv.TimeSpan(hours=ints[0], minutes=ints[1], seconds=ints[2])
        if len(ints) >= 4:
            return rv.TimeSpan(days=ints[0], hours=ints[1], minutes=ints[2], seconds=ints[3])
        return rv.TimeSpan(0)
    if short in ("guid",):
        return uuid.UUID(to_string(args[0])) if args else uuid.UUID(int=0)
    if short in ("random",):
        import random

        return random.Random(args[0] if args else None)
    try:
        from vboshell.runtime.types import find_type

        t = find_type(raw)
    except Exception:  # noqa: BLE001
        t = None
    if t is not None:
        cls = getattr(t, "cls", None)
        if cls is not None:
            try:
                return cls(*args)
            except TypeError:
                pass
        if args:
            return t.convert(args[0] if len(args) == 1 else args)
    raise CmdletError(
        f"Cannot find type [{raw}]: verify that the assembly containing this type is loaded.",
        "TypeNotFound", ErrorCategory.InvalidType, raw,
        exception_type="PSArgumentException")


def _raise(e: BaseException) -> Any:
    raise e


@register
class NewObject(Cmdlet):
    name = "New-Object"
    synopsis = "Creates an instance of a .NET Framework or COM object."
    description = (
        "Creates PSObject/PSCustomObject (with -Property: its properties, kept in the hashtable's order — "
        "Windows PowerShell 5.1 would not keep it), System.Collections.ArrayList, "
        "System.Collections.Generic.List[T], System.Management.Automation.PSCredential (-ArgumentList user, "
        "SecureString), System.Text.StringBuilder, DateTime, TimeSpan and Guid. Windows-only types "
        "(System.Windows.Forms, COM objects via -ComObject) fail with a clear NotSupported error."
    )
    parameters = [
        Parameter("TypeName", str, position=0, mandatory=True, parameter_sets=("Net",), help="The .NET type name."),
        Parameter("ArgumentList", object, array=True, position=1, aliases=("Args",), parameter_sets=("Net",),
                  help="Constructor arguments."),
        Parameter("Property", object, help="A hashtable of property values to set."),
        Parameter("ComObject", str, mandatory=True, parameter_sets=("Com",), help="A COM ProgID (not supported)."),
        Parameter("Strict", Switch, dont_show=True),
    ]
    default_parameter_set = "Net"
    examples = [
        Example("New-Object PSObject -Property @{Name='Job1'; Enabled=$true} | Select-Object -ExpandProperty Name",
                "A custom object.", expect="Job1"),
        Example("$l = New-Object System.Collections.ArrayList; [void]$l.Add('a'); $l.Count", "An ArrayList.",
                expect="1"),
        Example("$sb = New-Object System.Text.StringBuilder; [void]$sb.Append('ab'); $sb.ToString()", "A StringBuilder.",
                expect="ab"),
    ]

    def end_processing(self) -> None:
        if self.ComObject is not None:
            raise _unsupported(f"COM:{self.ComObject}",
                               "COM objects exist only on Windows. Use the equivalent vboshell cmdlets "
                               "(files: Get-Content/Set-Content; mail and shells are not available).")
        obj = new_object(to_string(self.TypeName), as_list(self.ArgumentList))
        props = self.Property
        if props is not None and isinstance(props, Mapping):
            for k, v in props.items():
                if isinstance(obj, PSObject):
                    obj.set(to_string(k), v)
                else:
                    from vboshell.runtime.members import set_member_value

                    set_member_value(obj, to_string(k), v)
        self.write_object(obj, enumerate_collection=False)


_MEMBER_TYPES = ("NoteProperty", "AliasProperty", "ScriptProperty", "ScriptMethod", "CodeProperty", "CodeMethod",
                 "Property", "Method", "PropertySet", "MemberSet")


@register
class AddMember(Cmdlet):
    name = "Add-Member"
    synopsis = "Adds custom properties and methods to an instance of a PowerShell object."
    description = (
        "Adds a NoteProperty (a value), AliasProperty (another property's value), ScriptProperty or "
        "ScriptMethod (a script block; $this is the object) to a PSCustomObject. -NotePropertyName/-Value and "
        "-NotePropertyMembers (a hashtable) add note properties. An existing member is an error unless -Force. "
        "-PassThru outputs the object. (Other objects are wrapped: use -PassThru and keep the result.)"
    )
    parameters = [
        Parameter("InputObject", object, mandatory=True, value_from_pipeline=True, help="The object to extend."),
        Parameter("MemberType", str, position=0, aliases=("Type",), validate_set=_MEMBER_TYPES,
                  parameter_sets=("MemberSet",), help="The kind of member."),
        Parameter("Name", str, position=1, parameter_sets=("MemberSet",), help="The member name."),
        Parameter("Value", object, position=2, parameter_sets=("MemberSet",), help="The value or script block."),
        Parameter("SecondValue", object, position=3, parameter_sets=("MemberSet",), help="A setter script block."),
        Parameter("NotePropertyName", str, position=0, parameter_sets=("NotePropertySingleMemberSet",),
                  help="Name of a note property."),
        Parameter("NotePropertyValue", object, position=1, parameter_sets=("NotePropertySingleMemberSet",),
                  help="Value of the note property."),
        Parameter("NotePropertyMembers", object, position=0, parameter_sets=("NotePropertyMultiMemberSet",),
                  help="A hashtable of note property names and values."),
        Parameter("TypeName", str, help="A type name to add to the object's type names."),
        Parameter("PassThru", Switch, help="Outputs the object."),
        Parameter("Force", Switch, help="Replaces an existing member."),
    ]
    default_parameter_set = "MemberSet"
    examples = [
        Example("$o = [PSCustomObject]@{Name='a'}; $o | Add-Member -NotePropertyName Size -NotePropertyValue 3; $o.Size",
                "Adds a note property.", expect="3"),
        Example("[PSCustomObject]@{Name='a'} | Add-Member -MemberType NoteProperty -Name Tag -Value 'x' -PassThru",
                "Adds a property and passes the object on.", expect="Tag"),
    ]

    def process_record(self) -> None:
        obj = self.InputObject
        if obj is None:
            return
        additions: list[tuple[str, str, Any]] = []
        if self.NotePropertyMembers is not None:
            m = self.NotePropertyMembers
            if not isinstance(m, Mapping):
                raise CmdletError("The NotePropertyMembers parameter must be a hashtable.", "InvalidNotePropertyMembers",
                                  ErrorCategory.InvalidArgument)
            additions = [("NoteProperty", to_string(k), v) for k, v in m.items()]
        elif self.NotePropertyName is not None:
            additions = [("NoteProperty", self.NotePropertyName, self.NotePropertyValue)]
        elif self.MemberType is not None:
            if self.Name is None:
                raise CmdletError("The Name parameter is required for this member type.",
                                  "NameRequired",
                                  ErrorCategory.InvalidArgument)
            additions = [(self.MemberType, self.Name, self.Value)]
        target = obj
        if not isinstance(target, PSObject):
            target = PSObject(get_properties(obj), type_names=list(type_names_of(obj)))
        for mtype, name, value in additions:
            low = mtype.lower()
            if target.has(name) and not self.Force:
                self.write_error(ErrorRecord(
                    f'Cannot add a member with the name "{name}" because a member with that name already exists. To '
                    "overwrite the member anyway, add the Force parameter to your command.",
                    "MemberAlreadyExists",
                    ErrorCategory.InvalidOperation, obj, exception_type="InvalidOperationException"))
                continue
            if low == "aliasproperty":
                value = target.get(to_string(value))
            elif low == "scriptproperty" and is_block(value):
                out = _run_with_this(self, value, target)
                value = out[0] if len(out) == 1 else (None if not out else out)
            elif low not in ("noteproperty", "scriptmethod", "codemethod", "property", "method"):
                pass
            target.set(name, value)
        if self.TypeName:
            target.type_names.insert(0, self.TypeName)
        if self.PassThru:
            self.write_object(target)


def _run_with_this(cmdlet: Cmdlet, block: Any, this: Any) -> list[Any]:
    """Evaluates a ScriptProperty once with $this set (vboshell stores its value at Add-Member time)."""
    ctx = cmdlet.context
    old = ctx.get_variable("this")
    ctx.set_variable("this", this)
    try:
        return cmdlet.invoke_script_block(block, this)
    finally:
        ctx.set_variable("this", old)


# ----------------------------------------------------------------------------------------------
# Modules


KNOWN_MODULES = {
    "veeam.archiver.powershell": "Veeam.Archiver.PowerShell",
    "veeam.exchange.powershell": "Veeam.Exchange.PowerShell",
    "veeam.sharepoint.powershell": "Veeam.SharePoint.PowerShell",
    "veeam.teams.powershell": "Veeam.Teams.PowerShell",
    "veeam.onedrive.powershell": "Veeam.OneDrive.PowerShell",
    "veeam.archiver.powershell.dll": "Veeam.Archiver.PowerShell",
    "microsoft.powershell.utility": "Microsoft.PowerShell.Utility",
    "microsoft.powershell.management": "Microsoft.PowerShell.Management",
    "microsoft.powershell.security": "Microsoft.PowerShell.Security",
    "microsoft.powershell.core": "Microsoft.PowerShell.Core",
    "microsoft.powershell.host": "Microsoft.PowerShell.Host",
}


def module_base_name(spec: str) -> str:
    """`C:\\Program Files\\Veeam\\...\\Veeam.Archiver.PowerShell.psd1` -> `Veeam.Archiver.PowerShell`."""
    text = spec.strip().strip("'\"")
    leaf = re.split(r"[\\/]", text.rstrip("\\/"))[-1]
    for ext in (".psd1", ".psm1", ".dll", ".ps1"):
        if leaf.lower().endswith(ext):
            leaf = leaf[: -len(ext)]
            break
    return leaf


@ps_type("System.Management.Automation.PSModuleInfo",
         view=TypeView(table=(("ModuleType", "ModuleType", 10), ("Version", "Version", 10),
                              ("Name", "Name", 35), "ExportedCommands"), kind="table"))
class ModuleInfo:
    def __init__(self, name: str, path: str = "", module_type: str = "Binary") -> None:
        self.Name = name
        self.Path = path
        self.ModuleType = module_type
        self.Version = _VERSIONS.get(name) or __version__

    @property
    def ExportedCommands(self) -> list[str]:  # noqa: N802
        return sorted(c.name for c in all_cmdlets() if c.module == self.Name)

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("ModuleType", self.ModuleType), ("Version", self.Version), ("Name", self.Name),
                ("ExportedCommands", self.ExportedCommands), ("Path", self.Path)]

    def __str__(self) -> str:
        return self.Name


@register
class ImportModule(Cmdlet):
    name = "Import-Module"
    aliases = ("ipmo",)
    module = CORE
    synopsis = "Adds modules to the current session."
    description = (
        "The Veeam modules are built in: Import-Module Veeam.Archiver.PowerShell — by name, by its usual Windows "
        "path (`C:\\Program Files\\Veeam\\Backup365\\Veeam.Archiver.PowerShell\\Veeam.Archiver.PowerShell.psd1`) "
        "or the .dll — and the Explorer modules (Veeam.Exchange/SharePoint/Teams/OneDrive.PowerShell) succeed "
        "silently. A .psm1/.ps1 file that exists is run in the session. Other modules are reported as not found."
    )
    parameters = [
        Parameter("Name", str, array=True, mandatory=True, position=0, value_from_pipeline=True,
                  is_path=True, help="Module names or paths."),
        Parameter("Force", Switch, help="Re-imports the module."),
        Parameter("Global", Switch, help="Imports into the global scope."),
        Parameter("PassThru", Switch, help="Outputs the module."),
        Parameter("Prefix", str, help="Accepted."),
        Parameter("DisableNameChecking", Switch, help="Accepted."),
        Parameter("ArgumentList", object, array=True, aliases=("Args",), help="Accepted."),
        Parameter("MinimumVersion", str, help="Accepted."),
        Parameter("RequiredVersion", str, help="Accepted."),
        Parameter("Scope", str, help="Accepted."),
    ]
    examples = [
        Example("Import-Module Veeam.Archiver.PowerShell", "Loads the (built-in) Veeam module."),
        Example(r'Import-Module "C:\Program Files\Veeam\Backup365\Veeam.Archiver.PowerShell\Veeam.Archiver.PowerShell.psd1"',
                "The usual Windows path is accepted too."),
    ]

    def process_record(self) -> None:
        ctx = self.context
        modules = getattr(ctx, "modules", None)
        if modules is None:
            modules = {}
            ctx.modules = modules
        for spec in as_list(self.Name):
            spec = to_string(spec)
            base = module_base_name(spec)
            canonical = KNOWN_MODULES.get(base.lower()) or KNOWN_MODULES.get(spec.lower())
            if canonical is None:
                path = ctx.resolve_path(spec) if any(s in spec for s in ("/", "\\", ".ps")) else None
                if path is not None and path.is_file() and path.suffix.lower() in (".psm1", ".ps1"):
                    from vboshell.builtins._util import detect_decode

                    for o in ctx.invoke(detect_decode(path.read_bytes()), raise_errors=True, file=str(path)):
                        self.write_object(o)
                    info = ModuleInfo(base, str(path), "Script")
                    modules[base.lower()] = info
                    if self.PassThru:
                        self.write_object(info)
                    continue
                self.write_error(ErrorRecord(
                    f"The specified module '{spec}' was not loaded because no valid module file was found in any "
                    "module directory.", "Modules_ModuleNotFound",
                    ErrorCategory.ResourceUnavailable, spec, exception_type="FileNotFoundException"))
                continue
            info = ModuleInfo(canonical, spec, "Binary" if canonical.startswith("Veeam") else "Manifest")
            modules[canonical.lower()] = info
            if self.PassThru:
                self.write_object(info)


@register
class GetModule(Cmdlet):
    name = "Get-Module"
    aliases = ("gmo",)
    module = CORE
    synopsis = "Gets the modules that have been imported or that can be imported into the current session."
    description = "Lists the imported modules; -ListAvailable lists the modules vboshell provides."
    parameters = [
        Parameter("Name", str, array=True, position=0, help="Module names; wildcards allowed."),
        Parameter("ListAvailable", Switch, help="Modules that can be imported."),
        Parameter("All", Switch, help="All modules."),
    ]
    examples = [Example("Import-Module Veeam.Archiver.PowerShell; Get-Module Veeam*", "The imported Veeam module.",
                        expect="Veeam.Archiver.PowerShell")]

    def end_processing(self) -> None:
        if self.ListAvailable:
            seen = []
            for canonical in KNOWN_MODULES.values():
                if canonical not in seen:
                    seen.append(canonical)
            infos = [ModuleInfo(n, "", "Binary" if n.startswith("Veeam") else "Manifest") for n in seen]
        else:
            infos = list((getattr(self.context, "modules", None) or {}).values())
        names = as_list(self.Name)
        for info in infos:
            if names and not any(wildcard_match(to_string(n), info.Name) for n in names):
                continue
            self.write_object(info)


@register
class AddPSSnapin(Cmdlet):
    name = "Add-PSSnapin"
    module = CORE
    synopsis = "Adds one or more Windows PowerShell snap-ins to the current session."
    description = "Snap-ins are a Windows PowerShell 1.0/2.0 mechanism (Veeam Backup & Replication's VeeamPSSnapIn); " \
                  "vboshell has none, so this always fails with an explanation."
    parameters = [Parameter("Name", str, array=True, mandatory=True, position=0, help="Snap-in names."),
                  Parameter("PassThru", Switch, help="Accepted.")]
    examples = [Example("Add-PSSnapin VeeamPSSnapIn -ErrorAction SilentlyContinue", "Fails quietly.")]

    def process_record(self) -> None:
        for n in as_list(self.Name):
            n = to_string(n)
            self.write_error(ErrorRecord(
                f"The Windows PowerShell snap-in '{n}' is not installed on this computer. Snap-ins exist only in "
                "Windows PowerShell (VeeamPSSnapIn belongs to Veeam Backup & Replication); vboshell provides the "
                "Veeam Backup for Microsoft 365 cmdlets through Import-Module Veeam.Archiver.PowerShell.",
                "AddPSSnapInRead", ErrorCategory.InvalidArgument,
                n, exception_type="PSArgumentException"))


@register
class GetPSSnapin(Cmdlet):
    name = "Get-PSSnapin"
    module = CORE
    synopsis = "Gets the Windows PowerShell snap-ins on the computer."
    description = "vboshell has no snap-ins: returns nothing, or an error for a specific -Name."
    parameters = [Parameter("Name", str, array=True, position=0, help="Snap-in names."),
                  Parameter("Registered", Switch, help="Accepted.")]
    examples = [Example("Get-PSSnapin", "Returns nothing.")]

    def process_record(self) -> None:
        for n in as_list(self.Name):
            n = to_string(n)
            if not has_wildcard(n):
                self.write_error(ErrorRecord(f"No Windows PowerShell snap-ins matching the pattern '{n}' were found.",
                                             "NoPSSnapInsFound",
                                             ErrorCategory.InvalidArgument, n))


@register
class InvokeExpression(Cmdlet):
    name = "Invoke-Expression"
    aliases = ("iex",)
    synopsis = "Runs commands or expressions on the local computer."
    description = "Runs a string as PowerShell code in the current scope and outputs its results."
    parameters = [Parameter("Command", str, mandatory=True, position=0, value_from_pipeline=True,
                            help="The code to run.")]
    examples = [Example("Invoke-Expression '1 + 2'", "Evaluates an expression.", expect="3"),
                Example("$cmd = 'Get-Date -Year 2000 -Format yyyy'; Invoke-Expression $cmd", "Runs a command string.",
                        expect="2000")]

    def process_record(self) -> None:
        text = to_string(self.Command)
        runner = getattr(getattr(self, "_runtime", None), "invoke_text", None)
        out = runner(text) if runner is not None else self.context.invoke(text, raise_errors=True)
        for o in out:
            self.write_object(o)

