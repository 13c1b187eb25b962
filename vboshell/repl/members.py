"""Members of a live value for `$x.<Tab>` completion: properties and methods, with types for the menu.
Asks the runtime's member module first (vboshell.runtime.members); falls back to psobject's property protocol."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from vboshell.runtime import psobject


@dataclass(frozen=True)
class Member:
    name: str
    kind: str  # 'Property' | 'Method'
    meta: str = ""


# .NET members the runtime supports on common values (issue 3's list), used when the runtime cannot enumerate them.
_STRING_METHODS = ("Contains", "EndsWith", "IndexOf", "Insert", "LastIndexOf", "PadLeft", "PadRight", "Remove",
                   "Replace", "Split", "StartsWith", "Substring", "ToLower", "ToString", "ToUpper", "Trim", "TrimEnd",
                   "TrimStart")
_LIST_METHODS = ("Add", "Clear", "Contains", "IndexOf", "Insert", "Remove", "RemoveAt", "ToString")
_DICT_METHODS = ("Add", "Clear", "Contains", "ContainsKey", "ContainsValue", "Remove", "ToString")
_DATETIME_PROPS = ("Date", "Day", "DayOfWeek", "DayOfYear", "Hour", "Kind", "Millisecond", "Minute", "Month",
                   "Second", "Ticks", "TimeOfDay", "Year")
_DATETIME_METHODS = ("AddDays", "AddHours", "AddMilliseconds", "AddMinutes", "AddMonths", "AddSeconds", "AddYears",
                     "ToLocalTime", "ToShortDateString", "ToShortTimeString", "ToString", "ToUniversalTime")
_TIMESPAN_PROPS = ("Days", "Hours", "Milliseconds", "Minutes", "Seconds", "Ticks", "TotalDays", "TotalHours",
                   "TotalMilliseconds", "TotalMinutes", "TotalSeconds")


def type_name(value: Any) -> str:
    """A short PowerShell-style type name (`string`, `int`, `VBOJob`, `Object[]`)."""
    try:
        full = psobject.type_names_of(value)[0]
    except Exception:
        full = type(value).__name__
    short = full.rsplit(".", 1)[-1]
    return {"String": "string", "Int32": "int", "Double": "double", "Boolean": "bool", "Hashtable": "hashtable"}.get(
        short, short)


def describe_value(value: Any) -> str:
    """One-line description of a variable's value for the completion menu: its type and a short preview."""
    if value is None:
        return "$null"
    t = type_name(value)
    try:
        if isinstance(value, str):
            preview = value if len(value) <= 30 else value[:29] + "…"
            return f"[{t}] {preview!s}"
        if isinstance(value, (bool, int, float)):
            return f"[{t}] {value}"
        if isinstance(value, (list, tuple)):
            return f"[{t}] {len(value)} items"
        if isinstance(value, dict):
            return f"[{t}] {len(value)} keys"
    except Exception:
        pass
    return f"[{t}]"


_METHOD_CASING = {n.lower(): n for n in (
    *_STRING_METHODS, *_LIST_METHODS, *_DICT_METHODS, *_DATETIME_METHODS, "ToUpperInvariant", "ToLowerInvariant",
    "AddRange", "ToArray", "Sort", "Reverse", "Where", "ForEach", "GetEnumerator", "Clone", "Keys", "Values",
    "CompareTo", "Equals", "GetHashCode", "GetType", "Format", "Normalize", "ToCharArray", "Subtract", "Add",
    "Invoke", "InvokeReturnAsIs", "GetNewClosure", "Match", "Matches", "IsMatch", "Duration", "Negate",
    "ToFileTime", "ToLongDateString", "ToLongTimeString", "ToOADate", "IsDaylightSavingTime", "AddTicks",
    "TotalSeconds", "Insert", "RemoveAt", "PadLeft", "PadRight", "TrimStart", "TrimEnd", "LastIndexOf",
    "IndexOfAny", "ContainsKey", "ContainsValue", "CopyTo", "Contains", "Replace", "Split", "Substring",
    "StartsWith", "EndsWith", "ToString", "IndexOf", "GetValue", "SetValue",
)}


def _cased(name: str) -> str:
    return _METHOD_CASING.get(name.lower(), name[:1].upper() + name[1:])


def _runtime_members(value: Any) -> list[Member] | None:
    """Members as the runtime's member access sees them (vboshell.runtime.members)."""
    try:
        from vboshell.runtime import members as rt
    except Exception:
        return None
    pairs_fn = getattr(rt, "property_pairs", None)
    if pairs_fn is None:
        return None
    out: list[Member] = []
    try:
        if isinstance(value, dict):
            out.extend(_prop(str(k), v) for k, v in list(value.items())[:200])
        out.extend(_prop(n, v) for n, v in pairs_fn(value))
        if isinstance(value, (list, tuple)) and value:
            out.extend(_prop(n, v) for n, v in pairs_fn(value[0]))  # member enumeration
        table = getattr(rt, "_method_table", None)
        methods = table(value) if table is not None else None
        for name in sorted(methods or {}):
            out.append(Member(_cased(name), "Method", f"{type_name(value)} method"))
    except Exception:
        return None
    return out


def list_members(value: Any) -> list[Member]:
    """Properties then methods of a value, de-duplicated case-insensitively."""
    out: list[Member] = []
    rt = _runtime_members(value)
    if rt:
        out.extend(rt)
    else:
        out.extend(_fallback_members(value))
    seen: set[str] = set()
    uniq: list[Member] = []
    for m in out:
        if m.name.lower() in seen:
            continue
        seen.add(m.name.lower())
        uniq.append(m)
    props = [m for m in uniq if m.kind == "Property"]
    methods = [m for m in uniq if m.kind == "Method"]
    return props + methods


def _prop(name: str, value: Any) -> Member:
    return Member(name, "Property", describe_value(value) if value is not None else "property")


def _fallback_members(value: Any) -> list[Member]:
    out: list[Member] = []
    if isinstance(value, str):
        out.append(Member("Length", "Property", "[int]"))
        out.extend(Member(m, "Method", "string method") for m in _STRING_METHODS)
        return out
    if isinstance(value, dict):
        for k in list(value.keys())[:200]:
            out.append(_prop(str(k), value[k]))
        out.extend([Member("Count", "Property", "[int]"), Member("Keys", "Property", "key collection"),
                    Member("Values", "Property", "value collection")])
        out.extend(Member(m, "Method", "hashtable method") for m in _DICT_METHODS)
        return out
    if isinstance(value, (list, tuple)):
        out.extend([Member("Count", "Property", "[int]"), Member("Length", "Property", "[int]")])
        # member enumeration: properties of the elements show up on the collection
        for item in list(value)[:1]:
            out.extend(m for m in _fallback_members(item) if m.kind == "Property")
        out.extend(Member(m, "Method", "array method") for m in _LIST_METHODS)
        return out
    if isinstance(value, datetime.datetime):
        out.extend(Member(p, "Property", "datetime property") for p in _DATETIME_PROPS)
        out.extend(Member(m, "Method", "datetime method") for m in _DATETIME_METHODS)
        return out
    if isinstance(value, datetime.timedelta):
        out.extend(Member(p, "Property", "timespan property") for p in _TIMESPAN_PROPS)
        out.append(Member("ToString", "Method", "timespan method"))
        return out
    try:
        props = psobject.get_properties(value)
    except Exception:
        props = []
    out.extend(_prop(n, v) for n, v in props)
    if value is not None and not isinstance(value, (int, float, bool)):
        for name in dir(type(value)):
            if name[:1].isupper() and callable(getattr(type(value), name, None)):
                out.append(Member(name, "Method", "method"))
    out.append(Member("ToString", "Method", "method"))
    return out


def get_member_value(value: Any, name: str) -> tuple[bool, Any]:
    """Read one property for chained completion (`$job.Organization.<Tab>`); never runs methods."""
    try:
        from vboshell.runtime import members as rt

        if rt.has_member(value, name):
            return True, rt.get_member_value(value, name)
        return False, None
    except Exception:
        pass
    if isinstance(value, dict):
        for k, v in value.items():
            if str(k).lower() == name.lower():
                return True, v
        return False, None
    if isinstance(value, (list, tuple)):
        if name.lower() in ("count", "length"):
            return True, len(value)
        vals = [get_member_value(v, name) for v in list(value)[:50]]
        hits = [v for ok, v in vals if ok]
        return (True, hits) if hits else (False, None)
    sentinel = object()
    try:
        v = psobject.get_property(value, name, sentinel)
    except Exception:
        v = sentinel
    if v is not sentinel:
        return True, v
    if isinstance(value, str) and name.lower() == "length":
        return True, len(value)
    return False, None
