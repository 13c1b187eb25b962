"""Object pipeline cmdlets: Where-Object, ForEach-Object, Select-Object, Sort-Object, Group-Object, Measure-Object,
Compare-Object, Tee-Object, Get-Unique and Get-Random, with PowerShell 5.1's semantics."""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from typing import Any

from vboshell.builtins._util import (
    CollectingCmdlet,
    as_list,
    compare_strings,
    compare_values,
    invoke_in_caller_scope,
    invoke_values,
    is_block,
    make_hashtable,
    mapping_get,
    property_spec_error,
    to_bool,
    to_string,
    values_equal,
)
from vboshell.commands.base import Cmdlet, Example, Parameter, Switch
from vboshell.commands.registry import register
from vboshell.format.properties import (
    PropertySpec,
    PropertySpecError,
    get_value,
    has_property,
    has_wildcard,
    property_names,
    resolve_specs,
    try_get_value,
    wildcard_match,
)
from vboshell.format.values import is_number
from vboshell.runtime.errors import CmdletError, ErrorCategory, ErrorRecord
from vboshell.runtime.psobject import PSObject, TypeView, get_properties, ps_type, type_names_of

CORE = "Microsoft.PowerShell.Core"


def _input(cmdlet: Cmdlet) -> tuple[bool, Any]:
    """(present, value) of the current pipeline object bound to -InputObject."""
    if cmdlet.is_bound("InputObject"):
        return True, cmdlet.InputObject
    return False, None


def _invoker(cmdlet: Cmdlet) -> Any:
    return lambda block, obj: cmdlet.invoke_script_block(block, obj)


# ----------------------------------------------------------------------------------------------
# Where-Object

_WHERE_OPS = [
    "EQ", "NE", "GT", "GE", "LT", "LE", "Like", "NotLike", "Match", "NotMatch", "Contains", "NotContains",
    "In", "NotIn", "Is", "IsNot",
]


def _op_scalar(op: str, left: Any, right: Any, cs: bool) -> bool:
    if op == "eq":
        return values_equal(left, right, cs)
    if op == "ne":
        return not values_equal(left, right, cs)
    if op in ("gt", "ge", "lt", "le"):
        if left is None and right is None:
            c = 0
        else:
            c = compare_values(left, right, cs)
        return {"gt": c > 0, "ge": c >= 0, "lt": c < 0, "le": c <= 0}[op]
    if op in ("like", "notlike"):
        from vboshell.format.properties import wildcard_regex

        m = wildcard_regex(to_string(right), cs).fullmatch(to_string(left)) is not None
        return m if op == "like" else not m
    if op in ("match", "notmatch"):
        m = re.search(to_string(right), to_string(left), 0 if cs else re.IGNORECASE) is not None
        return m if op == "match" else not m
    raise ValueError(op)


def where_compare(op: str, left: Any, right: Any, case_sensitive: bool = False) -> bool:
    """`left -op right` as the simplified Where-Object evaluates it (arrays on the left filter)."""
    op = op.lower()
    if op in ("contains", "notcontains"):
        items = as_list(left) if isinstance(left, (list, tuple)) else [left]
        found = any(values_equal(x, right, case_sensitive) for x in items)
        return found if op == "contains" else not found
    if op in ("in", "notin"):
        items = as_list(right) if isinstance(right, (list, tuple)) else [right]
        found = any(values_equal(x, left, case_sensitive) for x in items)
        return found if op == "in" else not found
    if op in ("is", "isnot"):
        from vboshell.runtime.types import resolve_type

        t = right if not isinstance(right, str) else resolve_type(right)
        r = bool(left is not None and t.is_instance(left))
        return r if op == "is" else not r
    if isinstance(left, (list, tuple)):
        return any(_op_scalar(op, x, right, case_sensitive) for x in left)
    return _op_scalar(op, left, right, case_sensitive)


_where_params = [
    Parameter("InputObject", object, value_from_pipeline=True, help="The objects to filter."),
    Parameter("FilterScript", object, position=0, aliases=(),
              help="A script block evaluated for each object ($_); objects for which it is true pass."),
    Parameter("Property", str, help="The property compared in the simplified syntax (`Where-Object Name -eq x`)."),
    Parameter("Value", object, position=1, help="The value compared with the property."),
    Parameter("Not", Switch, help="Passes objects whose property is false or missing."),
]
for _op in _WHERE_OPS:
    _where_params.append(Parameter(_op, Switch, help=f"Simplified syntax: property -{_op.lower()} value."))
    _where_params.append(Parameter("C" + _op, Switch, help=f"Case-sensitive -{_op.lower()}."))


@register
class WhereObject(Cmdlet):
    name = "Where-Object"
    aliases = ("where", "?")
    module = CORE
    synopsis = "Selects objects from a collection based on their property values."
    description = (
        "Passes on the input objects for which the filter script block returns true ($_ is the current object), "
        "or, in the simplified syntax, whose property compares true with the value using one of the operator "
        "switches (-EQ -NE -GT -GE -LT -LE -Like -NotLike -Match -NotMatch -Contains -NotContains -In -NotIn, "
        "and case-sensitive forms such as -CEQ). `Where-Object Prop` alone tests the property's truthiness."
    )
    parameters = _where_params
    examples = [
        Example("1..10 | Where-Object { $_ % 3 -eq 0 }", "Returns the multiples of three.", expect="6"),
        Example("[PSCustomObject]@{Name='a'; Size=5}, [PSCustomObject]@{Name='b'; Size=50} | Where-Object Size -gt 10",
                "Simplified syntax: objects whose Size is greater than 10.", expect="b"),
        Example("'apple', 'banana', 'cherry' | ? { $_ -like 'b*' }", "The ? alias with a wildcard test.",
                expect="banana"),
    ]

    def begin_processing(self) -> None:
        self._ops = [op for op in _WHERE_OPS if getattr(self, op)] + \
            [op for op in _WHERE_OPS if getattr(self, "C" + op)]
        self._cs = any(getattr(self, "C" + op) for op in _WHERE_OPS)
        fs = self.FilterScript
        self._script = fs if is_block(fs) else None
        self._prop = self.Property if self.Property is not None else (None if fs is None or is_block(fs) else to_string(fs))
        if self._script is None and self._prop is None:
            raise CmdletError("Cannot bind argument to parameter 'FilterScript' because it is null.",
                              "ParameterArgumentValidationErrorNullNotAllowed", ErrorCategory.InvalidData)
        if len(self._ops) > 1:
            raise CmdletError("Parameter set cannot be resolved using the specified named parameters.",
                              "AmbiguousParameterSet", ErrorCategory.InvalidArgument)

    def process_record(self) -> None:
        present, obj = _input(self)
        if not present:
            return
        if self._script is not None:
            out = invoke_in_caller_scope(self, self._script, obj)
            if to_bool(out):
                self.write_object(obj)
            return
        value = get_value(obj, self._prop)
        if not self._ops:
            ok = to_bool(value)
            if self.Not:
                ok = not ok
        else:
            ok = where_compare(self._ops[0], value, self.Value, self._cs)
        if ok:
            self.write_object(obj)


# ----------------------------------------------------------------------------------------------
# ForEach-Object


@register
class ForEachObject(Cmdlet):
    name = "ForEach-Object"
    aliases = ("foreach", "%")
    module = CORE
    synopsis = "Performs an operation against each item in a collection of input objects."
    description = (
        "Runs the -Process script block once per input object with $_ set to it; -Begin runs before the first "
        "object and -End after the last. Several positional script blocks map to begin, process and end. "
        "`ForEach-Object Name` (the -MemberName form) returns a property value or calls a method "
        "(`ForEach-Object ToUpper`)."
    )
    parameters = [
        Parameter("InputObject", object, value_from_pipeline=True, help="The objects to process."),
        Parameter("Process", object, array=True, position=0, value_from_remaining_arguments=True,
                  help="Script block(s) run for each object; a string here is a member name."),
        Parameter("Begin", object, help="Script block run before the first input object."),
        Parameter("End", object, help="Script block run after the last input object."),
        Parameter("MemberName", str, help="A property to read or a method to call on each object."),
        Parameter("ArgumentList", object, array=True, aliases=("Args",), help="Arguments of the method call."),
        Parameter("RemainingScripts", object, array=True, dont_show=True),
    ]
    examples = [
        Example("1..3 | ForEach-Object { $_ * 2 }", "Doubles each number.", expect="6"),
        Example("'a', 'b' | ForEach-Object ToUpper", "Calls a method on each object.", expect="B"),
        Example("1..4 | ForEach-Object -Begin { $sum = 0 } -Process { $sum += $_ } -End { \"Total: $sum\" }",
                "Begin/Process/End blocks accumulate a total.", expect="Total: 10"),
    ]

    def begin_processing(self) -> None:
        blocks = list(as_list(self.Process)) + as_list(self.RemainingScripts)
        self._member: str | None = self.MemberName
        self._args = as_list(self.ArgumentList)
        if blocks and not is_block(blocks[0]) and self._member is None:
            self._member = to_string(blocks[0])
            self._args = blocks[1:] + self._args
            blocks = []
        begin, end = self.Begin, self.End
        if begin is None and len(blocks) > 1:
            begin = blocks.pop(0)
        if end is None and len(blocks) > 1:
            end = blocks.pop()
        self._process = [b for b in blocks if b is not None]
        self._end = end
        self._seen = False
        if begin is not None:
            for o in invoke_in_caller_scope(self, begin, None, use_dollar_under=False):
                self.write_object(o)

    def process_record(self) -> None:
        present, obj = _input(self)
        if not present:
            return
        self._seen = True
        if self._member is not None:
            self._do_member(obj)
            return
        for block in self._process:
            for o in invoke_in_caller_scope(self, block, obj):
                self.write_object(o)

    def _do_member(self, obj: Any) -> None:
        name = self._member or ""
        value = try_get_value(obj, name)
        from vboshell.format.properties import _MISSING

        if value is not _MISSING and not self._args and not callable(value):
            self.write_object(value, enumerate_collection=True)
            return
        try:
            from vboshell.runtime.members import invoke_method  # type: ignore[attr-defined]
        except ImportError:
            invoke_method = None
        if invoke_method is not None:
            try:
                result = invoke_method(obj, name, list(self._args))
            except Exception as e:  # noqa: BLE001 - becomes an ErrorRecord
                rec = getattr(e, "error_record", None)
                if rec is None:
                    rec = ErrorRecord(str(e), "MethodInvocationException", ErrorCategory.InvalidOperation, obj)
                self.write_error(rec)
                return
            if result is not None:
                self.write_object(result, enumerate_collection=True)
            return
        if value is _MISSING:
            self.write_error(ErrorRecord(
                f'ForEach-Object : Input name "{name}" cannot be resolved to a member.',
                "PropertyOrMethodNotFound",
                ErrorCategory.InvalidArgument, obj))
            return
        self.write_object(value, enumerate_collection=True)

    def end_processing(self) -> None:
        if self._end is not None:
            for o in invoke_in_caller_scope(self, self._end, None, use_dollar_under=False):
                self.write_object(o)


# ----------------------------------------------------------------------------------------------
# Select-Object


def _selected_type_names(obj: Any) -> list[str]:
    names = type_names_of(obj)
    first = names[0] if names else "System.Object"
    if first.startswith("Selected."):
        return list(names)
    return ["Selected." + first, *names]


def _unique_key(obj: Any) -> Any:
    if isinstance(obj, PSObject) or get_properties(obj):
        return tuple((k.lower(), _unique_key(v)) for k, v in get_properties(obj))
    if isinstance(obj, (list, tuple)):
        return tuple(_unique_key(x) for x in obj)
    if isinstance(obj, float) and obj.is_integer():
        return int(obj)
    try:
        hash(obj)
        return obj
    except TypeError:
        return id(obj)


@register
class SelectObject(Cmdlet):
    name = "Select-Object"
    aliases = ("select",)
    synopsis = "Selects objects or object properties."
    description = (
        "Creates new objects holding only the given properties (names with wildcards, or calculated properties "
        "@{Name='x'; Expression={...}}); the new objects have the type name Selected.<original type>. "
        "-ExpandProperty outputs a property's value itself. -First/-Last/-Skip/-Index pick objects by position "
        "(-First stops the commands before it once it has enough); -Unique drops duplicates."
    )
    parameters = [
        Parameter("InputObject", object, value_from_pipeline=True, help="The objects to select from."),
        Parameter("Property", object, array=True, position=0,
                  help="Properties to keep: names (wildcards allowed) or calculated-property hashtables."),
        Parameter("ExcludeProperty", str, array=True, help="Properties to leave out (with -Property)."),
        Parameter("ExpandProperty", str, help="Outputs the value of this property (collections are enumerated)."),
        Parameter("Unique", Switch, help="Outputs each distinct object once."),
        Parameter("First", int, help="Number of objects from the start."),
        Parameter("Last", int, help="Number of objects from the end."),
        Parameter("Skip", int, help="Number of objects to skip from the start."),
        Parameter("SkipLast", int, help="Number of objects to skip from the end."),
        Parameter("Index", int, array=True, help="Zero-based positions of the objects to select."),
        Parameter("Wait", Switch, dont_show=True),
    ]
    examples = [
        Example("Get-ChildItem | Select-Object -Property Name, Length -First 5",
                "Name and size of the first five files in the current directory."),
        Example("1..100 | Select-Object -First 3", "The first three numbers; the range stops early.", expect="3"),
        Example("[PSCustomObject]@{Name='Job1'; SizeBytes=3GB} | Select-Object Name, @{N='SizeGB'; E={$_.SizeBytes / 1GB}}",
                "A calculated property.", expect="SizeGB"),
        Example("'b', 'a', 'b' | Select-Object -Unique", "Drops duplicates.", expect="a"),
    ]

    def begin_processing(self) -> None:
        self._buffer: list[Any] = []
        self._count = 0
        self._emitted = 0
        self._specs: list[PropertySpec] | None = None
        self._seen: set[Any] = set()
        self._indexes = sorted({int(i) for i in as_list(self.Index) if i is not None}) \
            if self.is_bound("Index") else None
        self._streaming = not (self.is_bound("Last") or self.is_bound("SkipLast") or
                              (self._indexes is not None and any(i < 0 for i in self._indexes)))
        if self.is_bound("First") and self.First <= 0 and self._streaming:
            self._done = True
        else:
            self._done = False

    def _transform(self, obj: Any) -> list[Any]:
        props = as_list(self.Property)
        exp = self.ExpandProperty
        out: list[Any] = []
        if props:
            if self._specs is None or any(has_wildcard(str(p)) for p in props if isinstance(p, str)):
                try:
                    self._specs = resolve_specs(props, obj, _invoker(self), as_list(self.ExcludeProperty),
                                                allowed={"label", "expression"})
                except PropertySpecError as e:
                    raise property_spec_error(e) from None
        if exp is not None:
            if not has_property(obj, exp):
                self.write_error(ErrorRecord(
                    f'Property "{exp}" cannot be found.', "ExpandPropertyNotFound",
                    ErrorCategory.InvalidArgument, obj, exception_type="PSArgumentException"))
                return []
            value = get_value(obj, exp)
            values = list(value) if isinstance(value, (list, tuple)) else [value]
            for v in values:
                if self._specs:
                    if isinstance(v, PSObject):
                        for s in self._specs:
                            v.set(s.label, s.getter(obj))
                out.append(v)
            return out
        if not props:
            return [obj]
        new = PSObject(type_names=_selected_type_names(obj))
        for s in self._specs or []:
            try:
                v = s.getter(obj)
            except Exception:  # noqa: BLE001
                v = None
            new.set(s.label, v)
        return [new]

    def _emit(self, obj: Any) -> None:
        for item in self._transform(obj):
            if self.Unique:
                key = _unique_key(item)
                if key in self._seen:
                    continue
                self._seen.add(key)
            self.write_object(item)

    def process_record(self) -> None:
        present, obj = _input(self)
        if not present or self._done:
            return
        if not self._streaming:
            self._buffer.append(obj)
            return
        pos = self._count
        self._count += 1
        skip = self.Skip or 0
        if pos < skip:
            return
        rel = pos - skip
        if self._indexes is not None:
            if pos in self._indexes:
                self._emit(obj)
            if (not self._indexes or pos >= self._indexes[-1]) and not self.is_bound("First"):
                self._done = True
                self._stop()
            return
        if self.is_bound("First"):
            if rel < self.First:
                self._emit(obj)
            if rel + 1 >= self.First:
                self._done = True
                self._stop()
            return
        self._emit(obj)

    def _stop(self) -> None:
        rt = getattr(self, "_runtime", None)
        stop = getattr(rt, "stop_upstream", None)
        if stop is not None:
            stop()

    def end_processing(self) -> None:
        if self._streaming:
            return
        items = self._buffer
        if self._indexes is not None:
            n = len(items)
            picked = []
            for i in [int(x) for x in as_list(self.Index) if x is not None]:
                j = i + n if i < 0 else i
                if 0 <= j < n:
                    picked.append(items[j])
            items = picked
        if self.Skip:
            items = items[self.Skip:]
        if self.SkipLast:
            items = items[: max(len(items) - self.SkipLast, 0)]
        selected: list[Any] = []
        if self.is_bound("First"):
            selected += items[: max(self.First, 0)]
        if self.is_bound("Last"):
            tail = items[len(items) - self.Last:] if self.Last > 0 else []
            if self.is_bound("First"):
                firsts = set(id(x) for x in selected)
                tail = [x for x in tail if id(x) not in firsts]
            selected += tail
        if not self.is_bound("First") and not self.is_bound("Last"):
            selected = items
        for obj in selected:
            self._emit(obj)


# ----------------------------------------------------------------------------------------------
# Sort-Object


class _SortSpec:
    def __init__(self, getter: Any, descending: bool | None) -> None:
        self.getter = getter
        self.descending = descending


def _sort_specs(cmdlet: Cmdlet, props: list[Any]) -> list[_SortSpec]:
    specs: list[_SortSpec] = []
    for p in props:
        if isinstance(p, Mapping):
            expr = mapping_get(p, "Expression", "E")
            desc = mapping_get(p, "Descending", "D")
            asc = mapping_get(p, "Ascending", "A")
            descending = to_bool(desc) if desc is not None else (not to_bool(asc) if asc is not None else None)
            for k in p:
                if str(k).lower() not in ("expression", "e", "descending", "d", "ascending", "a"):
                    raise CmdletError(f'The "{k}" key is not valid.', "DictionaryKeyIllegal",
                                      ErrorCategory.InvalidArgument, exception_type="NotSupportedException")
            specs.append(_SortSpec(_getter(cmdlet, expr), descending))
        else:
            specs.append(_SortSpec(_getter(cmdlet, p), None))
    return specs


def _getter(cmdlet: Cmdlet, expr: Any) -> Any:
    if is_block(expr):
        return lambda o: invoke_values(cmdlet, expr, o)
    name = to_string(expr)
    if has_wildcard(name):
        def g(o: Any) -> Any:
            names = [n for n in property_names(o) if wildcard_match(name, n)]
            return get_value(o, names[0]) if names else None
        return g
    return lambda o: get_value(o, name)


def _default_sort_value(obj: Any) -> Any:
    return obj


@register
class SortObject(CollectingCmdlet):
    name = "Sort-Object"
    aliases = ("sort",)
    synopsis = "Sorts objects by property values."
    description = (
        "Sorts the input objects by one or more properties (names, script blocks, or hashtables with Expression "
        "and Descending/Ascending keys). Strings compare case-insensitively unless -CaseSensitive; numbers "
        "numerically; $null sorts first. The sort is stable. -Unique drops objects whose sort keys are equal."
    )
    parameters = [
        Parameter("InputObject", object, value_from_pipeline=True, help="The objects to sort."),
        Parameter("Property", object, array=True, position=0,
                  help="Sort keys: property names, script blocks or @{Expression=...; Descending=$true}."),
        Parameter("Descending", Switch, help="Sorts in descending order."),
        Parameter("Unique", Switch, help="Removes objects with equal sort keys."),
        Parameter("CaseSensitive", Switch, help="Makes string comparison case-sensitive."),
        Parameter("Culture", str, dont_show=True),
    ]
    examples = [
        Example("3, 1, 2 | Sort-Object", "Sorts numbers ascending.", expect="1"),
        Example("'b', 'A', 'c' | Sort-Object -Descending", "Case-insensitive descending sort.", expect="A"),
        Example("[PSCustomObject]@{N='x'; V=2}, [PSCustomObject]@{N='y'; V=1} | Sort-Object V, N",
                "Sorts by two properties.", expect="y"),
        Example("'b','a','B' | Sort-Object -Unique", "Sorted distinct strings (case-insensitive).", expect="a"),
    ]

    def end_processing(self) -> None:
        import functools

        props = as_list(self.Property)
        specs = _sort_specs(self, props) if props else [_SortSpec(_default_sort_value, None)]
        cs = bool(self.CaseSensitive)
        keyed = [([s.getter(o) for s in specs], o) for o in self._items]
        global_desc = bool(self.Descending)

        def cmp(a: tuple[list[Any], Any], b: tuple[list[Any], Any]) -> int:
            for spec, x, y in zip(specs, a[0], b[0], strict=False):
                c = compare_values(x, y, cs)
                if c:
                    desc = spec.descending if spec.descending is not None else global_desc
                    return -c if desc else c
            return 0

        keyed.sort(key=functools.cmp_to_key(cmp))
        last: tuple[list[Any], Any] | None = None
        for item in keyed:
            if self.Unique and last is not None and cmp(last, item) == 0:
                continue
            last = item
            self.write_object(item[1])


# ----------------------------------------------------------------------------------------------
# Group-Object


@ps_type("Microsoft.PowerShell.Commands.GroupInfo",
         view=TypeView(table=(("Count", "Count", 5, "right"), ("Name", "Name", 25), "Group"), kind="table"))
class GroupInfo:
    def __init__(self, name: str, values: list[Any], group: list[Any], no_element: bool = False) -> None:
        self.Name = name
        self.Values = values
        self.Group = group
        self._no_element = no_element

    @property
    def Count(self) -> int:  # noqa: N802 - PowerShell property name
        return len(self.Group)

    def ps_properties(self) -> list[tuple[str, Any]]:
        props: list[tuple[str, Any]] = [("Count", self.Count), ("Name", self.Name)]
        if not self._no_element:
            props += [("Group", self.Group)]
        props += [("Values", self.Values)]
        return props

    def __str__(self) -> str:
        return "Microsoft.PowerShell.Commands.GroupInfo"


@ps_type("Microsoft.PowerShell.Commands.GroupInfoNoElement",
         view=TypeView(table=(("Count", "Count", 5, "right"), ("Name", "Name", 25)), kind="table"),
         base_names=("Microsoft.PowerShell.Commands.GroupInfo",))
class GroupInfoNoElement(GroupInfo):
    pass


@register
class GroupObject(CollectingCmdlet):
    name = "Group-Object"
    aliases = ("group",)
    synopsis = "Groups objects that contain the same value for specified properties."
    description = (
        "Outputs one GroupInfo object per distinct value (Count, Name, Group, Values), in order of first "
        "appearance. Values compare case-insensitively unless -CaseSensitive. -NoElement omits the members; "
        "-AsHashTable returns a hashtable of value -> members (-AsString makes the keys strings)."
    )
    parameters = [
        Parameter("InputObject", object, value_from_pipeline=True, help="The objects to group."),
        Parameter("Property", object, array=True, position=0, help="Properties or script blocks to group by."),
        Parameter("NoElement", Switch, help="Omits the members of each group."),
        Parameter("AsHashTable", Switch, aliases=("AHT",), help="Returns a hashtable instead of GroupInfo objects."),
        Parameter("AsString", Switch, help="With -AsHashTable, converts the keys to strings."),
        Parameter("CaseSensitive", Switch, help="Makes string grouping case-sensitive."),
        Parameter("Culture", str, dont_show=True),
    ]
    examples = [
        Example("'a', 'b', 'a' | Group-Object", "Counts each distinct string.", expect="    2 a"),
        Example("1..6 | Group-Object { $_ % 2 } -NoElement", "Groups numbers by parity.", expect="Count"),
        Example("$h = 'x', 'y', 'x' | Group-Object -AsHashTable -AsString; $h['x'].Count", "A hashtable of groups.",
                expect="2"),
    ]

    def end_processing(self) -> None:
        props = as_list(self.Property)
        getters = [_getter(self, p) for p in props]
        cs = bool(self.CaseSensitive)
        groups: list[tuple[list[Any], str, list[Any]]] = []
        index: dict[Any, int] = {}
        for obj in self._items:
            vals = [g(obj) for g in getters] if getters else [obj]
            name = ", ".join(to_string(v) for v in vals)
            key = name if cs else name.casefold()
            if key in index:
                groups[index[key]][2].append(obj)
            else:
                index[key] = len(groups)
                groups.append((vals, name, [obj]))
        if self.AsHashTable:
            h = make_hashtable()
            for vals, name, members in groups:
                k = name if (self.AsString or len(vals) != 1) else vals[0]
                try:
                    hash(k)
                except TypeError:
                    k = name
                from vboshell.runtime.values import ArrayList

                h[k] = ArrayList(members)
            self.write_object(h)
            return
        cls = GroupInfoNoElement if self.NoElement else GroupInfo
        for vals, name, members in groups:
            self.write_object(cls(name, vals, members, bool(self.NoElement)))


# ----------------------------------------------------------------------------------------------
# Measure-Object


@ps_type("Microsoft.PowerShell.Commands.GenericMeasureInfo", view=TypeView(kind="list"))
class GenericMeasureInfo:
    def __init__(self, count: int, average: Any, total: Any, maximum: Any, minimum: Any, prop: str | None) -> None:
        self.Count = count
        self.Average = average
        self.Sum = total
        self.Maximum = maximum
        self.Minimum = minimum
        self.Property = prop

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("Count", self.Count), ("Average", self.Average), ("Sum", self.Sum), ("Maximum", self.Maximum),
                ("Minimum", self.Minimum), ("Property", self.Property)]


@ps_type("Microsoft.PowerShell.Commands.TextMeasureInfo", view=TypeView(kind="table"))
class TextMeasureInfo:
    def __init__(self, lines: Any, words: Any, chars: Any, prop: str | None) -> None:
        self.Lines = lines
        self.Words = words
        self.Characters = chars
        self.Property = prop

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("Lines", self.Lines), ("Words", self.Words), ("Characters", self.Characters),
                ("Property", self.Property)]


def _as_double(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return float(value)
    if is_number(value):
        return float(value)
    from vboshell.builtins._util import _try_number

    n = _try_number(value) if isinstance(value, str) else None
    return float(n) if n is not None else None


@register
class MeasureObject(CollectingCmdlet):
    name = "Measure-Object"
    aliases = ("measure",)
    synopsis = "Calculates numeric properties of objects, and the characters, words, and lines in strings."
    description = (
        "Counts the input objects and, with -Sum -Average -Maximum -Minimum, computes those statistics over the "
        "objects or over -Property values. With -Line -Word -Character it measures text instead. Results are "
        "GenericMeasureInfo (shown as a list) or TextMeasureInfo objects."
    )
    parameters = [
        Parameter("InputObject", object, value_from_pipeline=True, help="The objects to measure."),
        Parameter("Property", object, array=True, position=0, help="Properties to measure."),
        Parameter("Sum", Switch, help="Adds the values."),
        Parameter("Average", Switch, help="Averages the values."),
        Parameter("Maximum", Switch, help="Finds the largest value."),
        Parameter("Minimum", Switch, help="Finds the smallest value."),
        Parameter("Line", Switch, help="Counts lines of text."),
        Parameter("Word", Switch, help="Counts words of text."),
        Parameter("Character", Switch, help="Counts characters of text."),
        Parameter("IgnoreWhiteSpace", Switch, help="With -Character, ignores white space."),
    ]
    examples = [
        Example("1..10 | Measure-Object -Sum -Average", "Sum and average of 1 to 10.", expect="55"),
        Example("(1, 5, 3 | Measure-Object -Maximum).Maximum", "The largest value.", expect="5"),
        Example("'hello world' | Measure-Object -Word -Character", "Counts words and characters.", expect="11"),
    ]

    def end_processing(self) -> None:
        text_mode = self.Line or self.Word or self.Character
        props = as_list(self.Property)
        if text_mode:
            self._measure_text(props)
            return
        if not props:
            self._measure(self._items, None, None)
            return
        for p in props:
            if is_block(p):
                vals = [invoke_values(self, p, o) for o in self._items]
                self._measure(vals, None, str(p).strip())
                continue
            name = to_string(p)
            vals = [get_value(o, name) for o in self._items if has_property(o, name)]
            if not vals and self._items:
                self.write_error(ErrorRecord(
                    f'The property "{name}" cannot be found in the input for any objects.',
                    "GenericMeasurePropertyNotFound",
                    ErrorCategory.InvalidArgument, None, exception_type="PSArgumentException"))
                continue
            self._measure(vals, None, name)

    def _measure(self, values: list[Any], _unused: Any, prop: str | None) -> None:
        stats = self.Sum or self.Average or self.Maximum or self.Minimum
        count = len(values)
        total = avg = mx = mn = None
        if stats:
            nums: list[float] = []
            nonnum: list[Any] = []
            for v in values:
                if v is None:
                    continue
                d = _as_double(v)
                if d is None:
                    nonnum.append(v)
                else:
                    nums.append(d)
            if (self.Sum or self.Average) and nonnum:
                v = nonnum[0]
                self.write_error(ErrorRecord(
                    f'Input object "{to_string(v)}" is not numeric.',
                    "NonNumericInputObject",
                    ErrorCategory.InvalidType, v, exception_type="PSInvalidOperationException"))
            if self.Sum:
                total = float(sum(nums))
            if self.Average:
                avg = float(sum(nums) / len(nums)) if nums else None
            if self.Maximum:
                if nonnum and not nums:
                    mx = max(nonnum, key=lambda x: to_string(x).casefold())
                else:
                    mx = max(nums) if nums else None
            if self.Minimum:
                if nonnum and not nums:
                    mn = min(nonnum, key=lambda x: to_string(x).casefold())
                else:
                    mn = min(nums) if nums else None
        self.write_object(GenericMeasureInfo(count, avg, total, mx, mn, prop))

    def _measure_text(self, props: list[Any]) -> None:
        targets: list[tuple[str | None, list[str]]] = []
        if props:
            for p in props:
                name = to_string(p)
                targets.append((name, [to_string(get_value(o, name)) for o in self._items]))
        else:
            targets.append((None, [to_string(o) for o in self._items]))
        for prop, texts in targets:
            lines = words = chars = 0
            for t in texts:
                lines += len([ln for ln in re.split(r"\r\n|\n|\r", t) if ln != ""]) if t else 0
                words += len(t.split())
                chars += len(re.sub(r"\s", "", t)) if self.IgnoreWhiteSpace else len(t)
            self.write_object(TextMeasureInfo(lines if self.Line else None, words if self.Word else None,
                                              chars if self.Character else None, prop))


# ----------------------------------------------------------------------------------------------
# Compare-Object


@register
class CompareObject(Cmdlet):
    name = "Compare-Object"
    aliases = ("compare", "diff")
    synopsis = "Compares two sets of objects."
    description = (
        "Reports the objects that appear only in the reference set (SideIndicator `<=`) or only in the "
        "difference set (`=>`); with -IncludeEqual also those in both (`==`). -Property compares by those "
        "properties; -PassThru returns the original objects with a SideIndicator property added."
    )
    parameters = [
        Parameter("ReferenceObject", object, array=True, mandatory=True, position=0, help="The reference set."),
        Parameter("DifferenceObject", object, array=True, mandatory=True, position=1, value_from_pipeline=True,
                  help="The set compared with the reference."),
        Parameter("Property", object, array=True, help="Properties to compare."),
        Parameter("IncludeEqual", Switch, help="Also reports objects found in both sets."),
        Parameter("ExcludeDifferent", Switch, help="Omits objects found in only one set."),
        Parameter("PassThru", Switch, help="Outputs the compared objects with a SideIndicator property."),
        Parameter("CaseSensitive", Switch, help="Compares strings case-sensitively."),
        Parameter("SyncWindow", int, dont_show=True),
    ]
    examples = [
        Example("Compare-Object -ReferenceObject 1, 2, 3 -DifferenceObject 2, 3, 4",
                "Shows 4 (only in the difference set) and 1 (only in the reference set).", expect="=>"),
    ]

    def begin_processing(self) -> None:
        self._diff: list[Any] = []

    def process_record(self) -> None:
        if self.DifferenceObject is not None:
            self._diff.extend(as_list(self.DifferenceObject))

    def end_processing(self) -> None:
        ref = [x for x in as_list(self.ReferenceObject)]
        diff = self._diff
        props = as_list(self.Property)
        cs = bool(self.CaseSensitive)

        def key(o: Any) -> list[Any]:
            if props:
                return [_getter(self, p)(o) for p in props]
            return [o]

        def same(a: Any, b: Any) -> bool:
            ka, kb = key(a), key(b)
            return all(compare_values(x, y, cs) == 0 and (type(x) is type(y) or not (is_number(x) ^ is_number(y)))
                       for x, y in zip(ka, kb, strict=False))

        used_diff = [False] * len(diff)
        equal: list[Any] = []
        only_ref: list[Any] = []
        for r in ref:
            for i, d in enumerate(diff):
                if not used_diff[i] and same(r, d):
                    used_diff[i] = True
                    equal.append(r)
                    break
            else:
                only_ref.append(r)
        only_diff = [d for i, d in enumerate(diff) if not used_diff[i]]
        results: list[tuple[Any, str]] = []
        if self.IncludeEqual:
            results += [(o, "==") for o in equal]
        if not self.ExcludeDifferent:
            results += [(o, "=>") for o in only_diff] + [(o, "<=") for o in only_ref]
        for obj, side in results:
            if self.PassThru:
                if isinstance(obj, PSObject):
                    obj.set("SideIndicator", side)
                self.write_object(obj)
                continue
            if props:
                out = PSObject()
                for p, v in zip(props, key(obj), strict=False):
                    out.set(to_string(p) if not isinstance(p, Mapping) else str(mapping_get(p, "Name", "N", "Label", "L") or "Expression"), v)
                out.set("SideIndicator", side)
            else:
                out = PSObject([("InputObject", obj), ("SideIndicator", side)])
            self.write_object(out)


# ----------------------------------------------------------------------------------------------
# Tee-Object, Get-Unique, Get-Random


@register
class TeeObject(Cmdlet):
    name = "Tee-Object"
    aliases = ("tee",)
    synopsis = "Saves command output in a file or variable and also sends it down the pipeline."
    description = "Passes every input object on, and also stores the objects in -Variable or writes their " \
                  "formatted text to -FilePath (Unicode, like Out-File; -Append adds to the file)."
    parameters = [
        Parameter("InputObject", object, value_from_pipeline=True, help="The objects to save and pass on."),
        Parameter("FilePath", str, position=0, aliases=("Path",), is_path=True, help="File to write."),
        Parameter("Append", Switch, help="Appends to the file."),
        Parameter("Variable", str, help="Variable name (without $) to store the objects in."),
    ]
    examples = [
        Example("1..3 | Tee-Object -Variable nums | Measure-Object; $nums.Count",
                "Keeps the numbers in $nums while counting them.", expect="3"),
    ]

    def begin_processing(self) -> None:
        self._items: list[Any] = []
        if self.FilePath is None and self.Variable is None:
            raise CmdletError("Parameter set cannot be resolved using the specified named parameters.",
                              "AmbiguousParameterSet", ErrorCategory.InvalidArgument)

    def process_record(self) -> None:
        present, obj = _input(self)
        if present:
            self._items.append(obj)
            self.write_object(obj)

    def end_processing(self) -> None:
        if self.Variable:
            items = self._items
            value: Any = None if not items else (items[0] if len(items) == 1 else list(items))
            self.context.set_variable(self.Variable, value)
        if self.FilePath:
            from vboshell.builtins.output import write_formatted_file

            write_formatted_file(self, self.FilePath, self._items, append=bool(self.Append), encoding="Unicode")


@register
class GetUnique(Cmdlet):
    name = "Get-Unique"
    aliases = ("gu",)
    synopsis = "Returns unique items from a sorted list."
    description = "Drops each object equal to the one before it (case-sensitive), so sort the input first. " \
                  "-AsString compares the objects' string forms."
    parameters = [
        Parameter("InputObject", object, value_from_pipeline=True, help="The (sorted) objects."),
        Parameter("AsString", Switch, help="Compares objects as strings."),
        Parameter("OnType", Switch, help="Returns one object of each type."),
    ]
    examples = [Example("1, 1, 2, 2, 3 | Get-Unique", "Removes adjacent duplicates.", expect="3")]

    def begin_processing(self) -> None:
        self._last: Any = object()
        self._has = False

    def process_record(self) -> None:
        present, obj = _input(self)
        if not present:
            return
        if self.OnType:
            k: Any = type_names_of(obj)[0] if obj is not None else "null"
        elif self.AsString or isinstance(obj, str):
            k = to_string(obj)
        else:
            k = _unique_key(obj)
        if self._has and k == self._last:
            return
        self._has = True
        self._last = k
        self.write_object(obj)


@register
class GetRandom(Cmdlet):
    name = "Get-Random"
    synopsis = "Gets a random number, or selects objects randomly from a collection."
    description = "Without input returns a random integer in [Minimum, Maximum) (0 and Int32.MaxValue by default; " \
                  "a double if either bound is a double). With input objects returns -Count of them at random."
    parameters = [
        Parameter("InputObject", object, array=True, value_from_pipeline=True, help="Objects to choose from."),
        Parameter("Maximum", object, position=0, help="Exclusive upper bound."),
        Parameter("Minimum", object, help="Inclusive lower bound."),
        Parameter("Count", int, help="How many objects to return."),
        Parameter("SetSeed", int, help="Seeds the random generator."),
    ]
    examples = [Example("Get-Random -Minimum 1 -Maximum 2", "Always 1: the maximum is exclusive.", expect="1"),
                Example("1..10 | Get-Random -Count 3", "Three numbers picked at random.")]

    _rng = random.Random()

    def begin_processing(self) -> None:
        if self.SetSeed is not None:
            GetRandom._rng.seed(self.SetSeed)
        self._items: list[Any] = []

    def process_record(self) -> None:
        if self.InputObject is not None:
            self._items.extend(as_list(self.InputObject))

    def end_processing(self) -> None:
        rng = GetRandom._rng
        if self._items:
            n = self.Count if self.Count is not None else 1
            n = max(0, min(n, len(self._items)))
            for o in rng.sample(self._items, n):
                self.write_object(o)
            return
        lo = _random_bound(self.Minimum, 0, "Minimum")
        hi = _random_bound(self.Maximum, 2147483647, "Maximum")
        is_float = isinstance(lo, float) or isinstance(hi, float)
        if hi <= lo:
            raise CmdletError(
                f"The Minimum value ({lo}) cannot be greater than or equal to the Maximum value ({hi}).",
                "MinGreaterThanOrEqualMax",
                ErrorCategory.InvalidArgument, exception_type="ArgumentException")
        for _ in range(self.Count or 1):
            if is_float:
                self.write_object(rng.uniform(float(lo), float(hi)))
            else:
                self.write_object(rng.randrange(int(lo), int(hi)))


def _random_bound(value: Any, default: int, name: str) -> int | float:
    from vboshell.builtins._util import _try_number

    if value is None:
        return default
    if isinstance(value, bool) or not (is_number(value) or isinstance(value, str)):
        n = None
    else:
        n = _try_number(value)
    if n is None or isinstance(n, bool):
        raise CmdletError(f'Cannot convert value "{to_string(value)}" to type "System.Int32".',
                          "ParameterArgumentTransformationError", ErrorCategory.InvalidArgument, value,
                          exception_type="ParameterBindingArgumentTransformationException")
    return float(n) if not isinstance(n, int) else n


def compare_strings_ci(a: str, b: str) -> int:
    return compare_strings(a, b, False)
