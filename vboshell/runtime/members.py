"""Member access for every runtime value: properties (case-insensitive; hashtable keys; PSObject; domain objects;
.Count/.Length on anything; member enumeration over arrays) and methods of strings, arrays, hashtables, dates..."""

from __future__ import annotations

import datetime as _dt
import decimal
import re
import uuid
from collections.abc import Callable
from typing import Any

from vboshell.runtime.conversions import to_bool, to_number, to_string
from vboshell.runtime.errors import ErrorCategory, ErrorRecord, InvocationInfo, PSRuntimeError
from vboshell.runtime.psobject import PSObject, get_properties, type_names_of
from vboshell.runtime.values import (
    ArrayList,
    Char,
    DateTime,
    GenericList,
    Hashtable,
    OrderedHashtable,
    ScriptBlock,
    TimeSpan,
    is_enumerable,
    iter_enumerable,
)


class MemberError(PSRuntimeError):
    def __init__(self, message: str, error_id: str, category: ErrorCategory = ErrorCategory.InvalidOperation,
                 exception_type: str = "RuntimeException", target: Any = None) -> None:
        super().__init__(ErrorRecord(message=message, error_id=error_id, category=category, target_object=target,
                                     exception_type=exception_type))


class EnumValue(str):
    """An enum member (DayOfWeek, DateTimeKind...): prints and compares as its name."""

    def __new__(cls, name: str, value: int, type_name: str) -> EnumValue:
        obj = super().__new__(cls, name)
        obj.value = value  # type: ignore[attr-defined]
        obj.ps_type_name = type_name  # type: ignore[attr-defined]
        return obj


_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _type_name(v: Any) -> str:
    from vboshell.runtime.types import type_name_of

    return type_name_of(v)


class PropertyInfo:
    """An entry of `.PSObject.Properties`."""

    def __init__(self, name: str, value: Any, member_type: str = "NoteProperty") -> None:
        self.Name = name
        self.Value = value
        self.MemberType = member_type

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("Value", self.Value), ("MemberType", self.MemberType), ("IsSettable", True),
                ("IsGettable", True), ("TypeNameOfValue", _type_name(self.Value) if self.Value is not None else "System.Object"),
                ("Name", self.Name), ("IsInstance", True)]

    def __str__(self) -> str:
        return f"{_type_name(self.Value).rsplit('.', 1)[-1] if self.Value is not None else 'System.Object'} {self.Name}={to_string(self.Value)}"


class PSObjectView:
    """`$x.PSObject`: Properties, TypeNames, BaseObject."""

    def __init__(self, obj: Any) -> None:
        self.obj = obj

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("BaseObject", self.obj), ("Properties", self.properties()), ("TypeNames", type_names(self.obj))]

    def properties(self) -> PropertyCollection:
        return PropertyCollection(self.obj)


class PropertyCollection(list):
    """`.PSObject.Properties`: a list of PropertyInfo with `['Name']` lookup and `.Add()`/`.Remove()`."""

    def __init__(self, obj: Any) -> None:
        super().__init__(PropertyInfo(n, v) for n, v in property_pairs(obj))
        self.obj = obj

    def find(self, name: str) -> PropertyInfo | None:
        low = name.lower()
        for p in self:
            if p.Name.lower() == low:
                return p
        return None


def type_names(obj: Any) -> list[str]:
    if isinstance(obj, PSObject):
        return list(obj.type_names)
    tn = _type_name(obj)
    names = [tn]
    if isinstance(obj, (list, tuple)) and tn != "System.Object[]":
        names.append("System.Object[]")
    if isinstance(obj, (list, tuple)):
        names.append("System.Array")
    if tn not in ("System.Object",):
        extra = [n for n in type_names_of(obj) if n not in names]
        names.extend(extra)
    if "System.Object" not in names:
        names.append("System.Object")
    return names


def property_pairs(obj: Any) -> list[tuple[str, Any]]:
    """The (name, value) properties of an object as Get-Member/Select-Object * see them."""
    if obj is None:
        return []
    if isinstance(obj, PSObject):
        return list(obj.items())
    if isinstance(obj, dict):
        return [("IsReadOnly", False), ("IsFixedSize", False), ("IsSynchronized", False), ("Keys", list(obj.keys())),
                ("Values", list(obj.values())), ("SyncRoot", obj), ("Count", len(obj))]
    if isinstance(obj, str):
        return [("Length", len(obj))]
    if isinstance(obj, _dt.datetime):
        return [(n, _datetime_prop(obj, n.lower())) for n in
                ("DisplayHint", "DateTime", "Date", "Day", "DayOfWeek", "DayOfYear", "Hour", "Kind", "Millisecond",
                 "Minute", "Month", "Second", "Ticks", "TimeOfDay", "Year")]
    if isinstance(obj, _dt.timedelta):
        return [(n, _timespan_prop(obj, n.lower())) for n in
                ("Ticks", "Days", "Hours", "Milliseconds", "Minutes", "Seconds", "TotalDays", "TotalHours",
                 "TotalMilliseconds", "TotalMinutes", "TotalSeconds")]
    if isinstance(obj, ErrorRecord):
        return [(n, _error_record_prop(obj, n.lower())) for n in
                ("Exception", "TargetObject", "CategoryInfo", "FullyQualifiedErrorId", "ErrorDetails",
                 "InvocationInfo", "ScriptStackTrace", "PipelineIterationInfo")]
    if isinstance(obj, (list, tuple)):
        return [("Count", len(obj)), ("Length", len(obj)), ("LongLength", len(obj)), ("Rank", 1),
                ("SyncRoot", obj), ("IsReadOnly", False), ("IsFixedSize", not isinstance(obj, ArrayList | GenericList)),
                ("IsSynchronized", False)]
    if isinstance(obj, uuid.UUID):
        return [("Guid", str(obj))]
    props = get_properties(obj)
    if props:
        return props
    return _python_attr_props(obj)


def _python_attr_props(obj: Any) -> list[tuple[str, Any]]:
    if isinstance(obj, (int, float, bool, decimal.Decimal, ScriptBlock)):
        return []
    out = []
    for name in dir(obj):
        if name.startswith("_") or not name[:1].isupper():
            continue
        try:
            v = getattr(obj, name)
        except Exception:
            continue
        if callable(v):
            continue
        out.append((name, v))
    return out


# ------------------------------------------------------------------------------------------------
# property read

_MISSING = object()


def get_member_value(obj: Any, name: str) -> Any:
    """`obj.name` with PowerShell semantics: missing -> None; arrays enumerate members; .Count/.Length intrinsic."""
    v = _get(obj, name)
    return None if v is _MISSING else v


def has_member(obj: Any, name: str) -> bool:
    return _get(obj, name) is not _MISSING


def _get(obj: Any, name: str) -> Any:
    low = name.lower()
    if obj is None:
        if low in ("count", "length"):
            return 0
        return _MISSING
    if low == "psobject":
        return PSObjectView(obj)
    if low == "pstypenames":
        return type_names(obj)
    if isinstance(obj, dict):
        if name in obj:
            return obj[name]
        if low == "count":
            return len(obj)
        if low == "keys":
            return list(obj.keys())
        if low == "values":
            return list(obj.values())
        if low in ("isreadonly", "isfixedsize", "issynchronized"):
            return False
        if low == "syncroot":
            return obj
        return _MISSING
    if isinstance(obj, PSObject):
        if obj.has(name):
            return obj.get(name)
        if low in ("count", "length"):
            return 1
        return _MISSING
    if isinstance(obj, str):
        if low == "length":
            return len(obj)
        if low == "count":
            return 1
        return _MISSING
    if isinstance(obj, (list, tuple)):
        if low in ("count", "length", "longlength"):
            return len(obj)
        if low == "rank":
            return 1
        if low == "isfixedsize":
            return not isinstance(obj, ArrayList | GenericList)
        if low in ("isreadonly", "issynchronized"):
            return False
        if low == "syncroot":
            return obj
        return _enumerate_member(obj, name)
    if isinstance(obj, _dt.datetime):
        r = _datetime_prop(obj, low)
        if r is not _MISSING:
            return r
    elif isinstance(obj, _dt.timedelta):
        r = _timespan_prop(obj, low)
        if r is not _MISSING:
            return r
    elif isinstance(obj, ErrorRecord):
        r = _error_record_prop(obj, low)
        if r is not _MISSING:
            return r
    elif isinstance(obj, PSObjectView):
        if low == "properties":
            return obj.properties()
        if low == "typenames":
            return type_names(obj.obj)
        if low in ("baseobject", "immediatebaseobject"):
            return obj.obj
        if low == "members":
            return obj.properties()
    elif isinstance(obj, uuid.UUID):
        if low == "guid":
            return str(obj)
    elif isinstance(obj, ScriptBlock):
        if low == "ast":
            return obj.ast
        if low == "file":
            return obj.file
    elif isinstance(obj, PropertyCollection):
        pass
    if low == "value" and isinstance(obj, (_RefLike,)):
        return obj.value
    # domain objects / registered classes
    props = get_properties(obj)
    for k, v in props:
        if k.lower() == low:
            return v
    # python attributes (case-insensitive), e.g. exception objects, helper classes
    attr = _find_attr(obj, name)
    if attr is not _MISSING and not callable(attr):
        return attr
    if low in ("count", "length"):
        if is_enumerable(obj):
            return len(list(iter_enumerable(obj) or []))
        return 1
    if is_enumerable(obj):
        return _enumerate_member(list(iter_enumerable(obj) or []), name)
    return _MISSING


class _RefLike:
    pass


def _find_attr(obj: Any, name: str) -> Any:
    if isinstance(obj, (int, float, str, bool, decimal.Decimal)) or name.startswith("_"):
        return _MISSING
    try:
        v = getattr(obj, name)
        return v
    except AttributeError:
        pass
    except Exception:
        return _MISSING
    low = name.lower()
    for attr in dir(obj):
        if attr.lower() == low and not attr.startswith("_"):
            try:
                return getattr(obj, attr)
            except Exception:
                return _MISSING
    return _MISSING


def _enumerate_member(items: list[Any], name: str) -> Any:
    out: list[Any] = []
    found = False
    for item in items:
        v = _get(item, name)
        if v is _MISSING:
            continue
        found = True
        if isinstance(v, (list, tuple)) and not isinstance(v, str):
            out.extend(v)
        else:
            out.append(v)
    if not found:
        return _MISSING
    if len(out) == 1:
        return out[0]
    return out


def _datetime_prop(d: _dt.datetime, low: str) -> Any:
    if low == "year":
        return d.year
    if low == "month":
        return d.month
    if low == "day":
        return d.day
    if low == "hour":
        return d.hour
    if low == "minute":
        return d.minute
    if low == "second":
        return d.second
    if low == "millisecond":
        return d.microsecond // 1000
    if low == "dayofweek":
        idx = (d.weekday() + 1) % 7
        return EnumValue(_DAYS[d.weekday()], idx, "System.DayOfWeek")
    if low == "dayofyear":
        return d.timetuple().tm_yday
    if low == "date":
        return DateTime(d.year, d.month, d.day, tzinfo=d.tzinfo)
    if low == "timeofday":
        return TimeSpan(hours=d.hour, minutes=d.minute, seconds=d.second, microseconds=d.microsecond)
    if low == "ticks":
        base = d.replace(tzinfo=None)
        delta = base - _dt.datetime(1, 1, 1)
        return (delta.days * 86400 + delta.seconds) * 10_000_000 + delta.microseconds * 10
    if low == "kind":
        return EnumValue("Utc" if d.tzinfo is not None else "Local", 1 if d.tzinfo else 2, "System.DateTimeKind")
    if low == "datetime":
        from vboshell.runtime.dotnetfmt import format_datetime

        return format_datetime(d, "F")
    if low == "displayhint":
        return EnumValue("DateTime", 2, "Microsoft.PowerShell.Commands.DisplayHintType")
    return _MISSING


def _timespan_prop(t: _dt.timedelta, low: str) -> Any:
    ts = TimeSpan.wrap(t)
    ticks = ts.ticks
    sign = -1 if ticks < 0 else 1
    a = abs(ticks)
    if low == "ticks":
        return ticks
    if low == "days":
        return sign * (a // 864_000_000_000)
    if low == "hours":
        return sign * ((a // 36_000_000_000) % 24)
    if low == "minutes":
        return sign * ((a // 600_000_000) % 60)
    if low == "seconds":
        return sign * ((a // 10_000_000) % 60)
    if low == "milliseconds":
        return sign * ((a // 10_000) % 1000)
    if low == "totaldays":
        return ticks / 864_000_000_000
    if low == "totalhours":
        return ticks / 36_000_000_000
    if low == "totalminutes":
        return ticks / 600_000_000
    if low == "totalseconds":
        return ticks / 10_000_000
    if low == "totalmilliseconds":
        return ticks / 10_000
    return _MISSING


class CategoryInfo:
    def __init__(self, rec: ErrorRecord) -> None:
        self.rec = rec

    def ps_properties(self) -> list[tuple[str, Any]]:
        r = self.rec
        t = r.target_object
        return [("Category", EnumValue(r.category.value, 0, "System.Management.Automation.ErrorCategory")),
                ("Activity", r.activity or ""), ("Reason", r.exception_type),
                ("TargetName", "" if t is None else to_string(t)),
                ("TargetType", "" if t is None else _type_name(t).rsplit(".", 1)[-1])]

    def __ps_str__(self) -> str:
        return self.rec.category_info

    def __str__(self) -> str:
        return self.rec.category_info


class InvocationInfoView:
    def __init__(self, info: InvocationInfo | None) -> None:
        self.info = info or InvocationInfo()

    def ps_properties(self) -> list[tuple[str, Any]]:
        i = self.info
        return [("MyCommand", i.command_name), ("ScriptLineNumber", i.line_number), ("OffsetInLine", i.offset_in_line),
                ("ScriptName", i.script_name or ""), ("Line", i.line), ("PositionMessage", i.position_message),
                ("InvocationName", i.command_name or ""), ("PSScriptRoot", _root(i.script_name)),
                ("PSCommandPath", i.script_name or ""), ("HistoryId", i.history_id)]


def _root(path: str | None) -> str:
    import os

    return os.path.dirname(path) if path else ""


def _error_record_prop(r: ErrorRecord, low: str) -> Any:
    from vboshell.runtime.errorsupport import exception_of

    if low == "exception":
        return exception_of(r)
    if low == "targetobject":
        return r.target_object
    if low == "categoryinfo":
        return CategoryInfo(r)
    if low == "fullyqualifiederrorid":
        return r.fully_qualified_error_id
    if low == "invocationinfo":
        return InvocationInfoView(r.invocation_info)
    if low == "scriptstacktrace":
        return r.script_stack_trace
    if low == "errordetails":
        return r.extra.get("error_details")
    if low == "pipelineiterationinfo":
        return []
    return _MISSING


# ------------------------------------------------------------------------------------------------
# property write

def set_member_value(obj: Any, name: str, value: Any) -> None:
    """`obj.name = value`."""
    if obj is None:
        raise MemberError(f"The property '{name}' cannot be found on this object. Verify that the property exists and can be set.",
                          "PropertyNotFound")
    if isinstance(obj, dict):
        obj[name] = value
        return
    if isinstance(obj, PSObject):
        if not obj.has(name):
            raise MemberError(f"The property '{name}' cannot be found on this object. Verify that the property exists and can be set.",
                              "PropertyNotFound")
        obj.set(name, value)
        return
    if isinstance(obj, PropertyInfo) and name.lower() == "value":
        obj.Value = value
        return
    if isinstance(obj, (list, tuple)):
        for item in obj:
            set_member_value(item, name, value)
        return
    low = name.lower()
    import dataclasses

    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            if f.name.lower() == low:
                try:
                    object.__setattr__(obj, f.name, value)
                except (AttributeError, TypeError) as e:
                    raise MemberError(f"'{name}' is a ReadOnly property.", "PropertyAssignmentException") from e
                return
    attr_name = None
    for a in dir(obj):
        if a.lower() == low and not a.startswith("_"):
            attr_name = a
            break
    if attr_name is not None and not isinstance(obj, (str, int, float, bool)):
        try:
            setattr(obj, attr_name, value)
            return
        except (AttributeError, TypeError):
            raise MemberError(f"'{name}' is a ReadOnly property.", "PropertyAssignmentException") from None
    raise MemberError(f"The property '{name}' cannot be found on this object. Verify that the property exists and can be set.",
                      "PropertyNotFound")


# ------------------------------------------------------------------------------------------------
# methods

def _method_not_found(obj: Any, name: str) -> MemberError:
    return MemberError(f"Method invocation failed because [{_type_name(obj)}] does not contain a method named '{name}'.",
                       "MethodNotFound", ErrorCategory.InvalidOperation)


def method_exception(name: str, nargs: int, message: str, error_id: str = "MethodInvocationException",
                     exc: str = "MethodInvocationException") -> MemberError:
    return MemberError(f'Exception calling "{name}" with "{nargs}" argument(s): "{message}"', error_id,
                       ErrorCategory.NotSpecified, exception_type=exc)


def invoke_method(obj: Any, name: str, args: list[Any]) -> Any:
    """`obj.Name(args)`. Raises MemberError (an ErrorRecord carrier) on failure."""
    if obj is None:
        raise MemberError("You cannot call a method on a null-valued expression.", "InvokeMethodOnNull",
                          ErrorCategory.InvalidOperation)
    low = name.lower()
    try:
        if low == "gettype":
            from vboshell.runtime.types import PSType, find_type

            tn = _type_name(obj)
            return find_type(tn) or PSType(tn)
        if low == "tostring" and not args:
            if isinstance(obj, _dt.datetime):
                return DateTime.wrap(obj).__str__()
            return to_string(obj)
        if low == "gethashcode":
            return hash(obj) & 0x7FFFFFFF if not isinstance(obj, (dict, list)) else id(obj) & 0x7FFFFFFF
        if low == "equals" and len(args) == 1:
            from vboshell.runtime.operators import equals

            if isinstance(obj, str):
                return obj == to_string(args[0])
            return equals(obj, args[0], True)
        table = _method_table(obj)
        if table is not None:
            fn = table.get(low)
            if fn is not None:
                return fn(obj, *args)
        # domain objects: python methods, case-insensitive
        attr = _find_attr(obj, name)
        if attr is not _MISSING and callable(attr) and not isinstance(obj, (str, int, float, list, dict)):
            return attr(*args)
        if isinstance(obj, (list, tuple)) and low not in ("where", "foreach"):
            # method enumeration over arrays (PS3+)
            items = list(obj)
            if items and all(_has_method(x, name) for x in items):
                return [invoke_method(x, name, args) for x in items]
    except PSRuntimeError:
        raise
    except TypeError as e:
        msg = str(e)
        if "argument" in msg:
            raise MemberError(f'Cannot find an overload for "{name}" and the argument count: "{len(args)}".',
                              "MethodCountCouldNotFindBest", ErrorCategory.NotSpecified,
                              exception_type="MethodException") from None
        raise method_exception(name, len(args), msg) from None
    except (ValueError, IndexError, KeyError, OverflowError, ArithmeticError, OSError, decimal.InvalidOperation) as e:
        raise method_exception(name, len(args), _friendly(e)) from None
    raise _method_not_found(obj, name)


def _friendly(e: BaseException) -> str:
    msg = str(e)
    return msg if msg else type(e).__name__


def _has_method(obj: Any, name: str) -> bool:
    t = _method_table(obj)
    return bool(t and name.lower() in t)


def _method_table(obj: Any) -> dict[str, Callable[..., Any]] | None:
    if isinstance(obj, str):
        return STRING_METHODS
    if isinstance(obj, dict):
        return DICT_METHODS
    if isinstance(obj, (list, tuple)):
        return LIST_METHODS
    if isinstance(obj, _dt.datetime):
        return DATETIME_METHODS
    if isinstance(obj, _dt.timedelta):
        return TIMESPAN_METHODS
    if isinstance(obj, ScriptBlock):
        return SCRIPTBLOCK_METHODS
    if isinstance(obj, uuid.UUID):
        return GUID_METHODS
    if isinstance(obj, (int, float, decimal.Decimal)) and not isinstance(obj, bool):
        return NUMBER_METHODS
    from vboshell.runtime.types import Regex

    if isinstance(obj, Regex):
        return REGEX_METHODS
    if isinstance(obj, PropertyCollection):
        return PROPCOLL_METHODS
    if isinstance(obj, ErrorRecord):
        return {}
    return None


# --- strings ---

def _comparison_ci(args: tuple[Any, ...]) -> bool:
    return bool(args) and "ignorecase" in to_string(args[-1]).lower()


def _s_split(s: str, sep: Any = None, *rest: Any) -> list[str]:
    count = None
    remove_empty = False
    for r in rest:
        if isinstance(r, int) and not isinstance(r, bool):
            count = r
        elif "removeemptyentries" in to_string(r).lower():
            remove_empty = True
    if sep is None:
        parts = re.split(r"\s", s)
    else:
        if isinstance(sep, (list, tuple)):
            seps = [to_string(x) for x in sep]
        else:
            st = to_string(sep)
            # a single string argument is a char[] in .NET's Split(params char[]) overload
            seps = list(st) if not rest or isinstance(sep, Char) or len(st) <= 1 or count is not None else [st]
            if rest and not isinstance(sep, Char) and len(st) > 1 and count is None:
                seps = [st]
        seps = [x for x in seps if x != ""]
        if not seps:
            parts = [s]
        else:
            rx = "|".join(re.escape(x) for x in sorted(seps, key=len, reverse=True))
            parts = re.split(rx, s, maxsplit=(count - 1) if count and count > 0 else 0)
    if remove_empty:
        parts = [p for p in parts if p != ""]
    return parts


def _s_substring(s: str, start: Any, length: Any = None) -> str:
    st = int(to_number(start))
    if st < 0 or st > len(s):
        raise ValueError("startIndex cannot be larger than length of string.\r\nParameter name: startIndex"
                         if st > len(s) else "StartIndex cannot be less than zero.\r\nParameter name: startIndex")
    if length is None:
        return s[st:]
    ln = int(to_number(length))
    if ln < 0 or st + ln > len(s):
        raise ValueError("Index and length must refer to a location within the string.\r\nParameter name: length")
    return s[st : st + ln]


def _s_index_of(s: str, sub: Any, *rest: Any) -> int:
    ci = _comparison_ci(rest)
    start = int(rest[0]) if rest and isinstance(rest[0], int) and not isinstance(rest[0], bool) else 0
    t = to_string(sub)
    if ci:
        return s.lower().find(t.lower(), start)
    return s.find(t, start)


def _s_last_index_of(s: str, sub: Any, *rest: Any) -> int:
    if _comparison_ci(rest):
        return s.lower().rfind(to_string(sub).lower())
    return s.rfind(to_string(sub))


def _trim_chars(args: tuple[Any, ...]) -> str | None:
    if not args:
        return None
    chars = []
    for a in args:
        if isinstance(a, (list, tuple)):
            chars.extend(to_string(x) for x in a)
        else:
            chars.append(to_string(a))
    return "".join(chars)


def _s_pad(left: bool) -> Callable[..., str]:
    def pad(s: str, width: Any, ch: Any = " ") -> str:
        w = int(to_number(width))
        c = to_string(ch)[:1] or " "
        return s.rjust(w, c) if left else s.ljust(w, c)

    return pad


def _s_replace(s: str, old: Any, new: Any = None, *rest: Any) -> str:
    o = to_string(old)
    if o == "":
        raise ValueError("String cannot be of zero length.\r\nParameter name: oldValue")
    n = to_string(new)
    if rest and to_bool(rest[0]) if len(rest) >= 1 and isinstance(rest[0], bool) else _comparison_ci(rest):
        return re.sub(re.escape(o), lambda m: n, s, flags=re.IGNORECASE)
    return s.replace(o, n)


def _s_contains(s: str, sub: Any, *rest: Any) -> bool:
    if _comparison_ci(rest):
        return to_string(sub).lower() in s.lower()
    return to_string(sub) in s


def _s_starts(s: str, sub: Any, *rest: Any) -> bool:
    if _comparison_ci(rest) or (rest and rest[0] is True):
        return s.lower().startswith(to_string(sub).lower())
    return s.startswith(to_string(sub))


def _s_ends(s: str, sub: Any, *rest: Any) -> bool:
    if _comparison_ci(rest) or (rest and rest[0] is True):
        return s.lower().endswith(to_string(sub).lower())
    return s.endswith(to_string(sub))


def _s_remove(s: str, start: Any, count: Any = None) -> str:
    st = int(to_number(start))
    if st < 0 or st > len(s):
        raise ValueError("startIndex must be less than length of string.\r\nParameter name: startIndex")
    if count is None:
        return s[:st]
    c = int(to_number(count))
    return s[:st] + s[st + c :]


def _s_compare_to(s: str, other: Any) -> int:
    from vboshell.runtime.operators import compare

    return compare(s, other, True)


def _s_tostring(s: str, *args: Any) -> str:
    return s


def _s_format(s: str, *args: Any) -> str:
    from vboshell.runtime.dotnetfmt import composite_format

    return composite_format(s, list(args))


STRING_METHODS: dict[str, Callable[..., Any]] = {
    "toupper": lambda s, *a: s.upper(), "tolower": lambda s, *a: s.lower(),
    "toupperinvariant": lambda s: s.upper(), "tolowerinvariant": lambda s: s.lower(),
    "trim": lambda s, *a: s.strip(_trim_chars(a)) if a else s.strip(),
    "trimstart": lambda s, *a: s.lstrip(_trim_chars(a)) if a else s.lstrip(),
    "trimend": lambda s, *a: s.rstrip(_trim_chars(a)) if a else s.rstrip(),
    "split": _s_split, "replace": _s_replace, "contains": _s_contains, "startswith": _s_starts,
    "endswith": _s_ends, "substring": _s_substring, "indexof": _s_index_of, "lastindexof": _s_last_index_of,
    "padleft": _s_pad(True), "padright": _s_pad(False), "tostring": _s_tostring,
    "insert": lambda s, i, v: s[: int(i)] + to_string(v) + s[int(i):], "remove": _s_remove,
    "tochararray": lambda s: [Char(c) for c in s], "compareto": _s_compare_to,
    "normalize": lambda s, *a: s, "clone": lambda s: s, "getenumerator": lambda s: [Char(c) for c in s],
    "indexofany": lambda s, chars, *a: min([i for i in (s.find(to_string(c)) for c in chars) if i >= 0], default=-1),
    "chars": lambda s, i: Char(s[int(i)]), "format": _s_format,
}


# --- lists ---

def _fixed_size(name: str, nargs: int) -> MemberError:
    return method_exception(name, nargs, "Collection was of a fixed size.", "NotSupportedException")


def _l_add(lst: list[Any], value: Any) -> Any:
    if isinstance(lst, GenericList):
        from vboshell.runtime.types import find_type

        t = find_type(lst.element_type)
        lst.append(t.convert(value) if t is not None else value)
        return None
    if isinstance(lst, ArrayList):
        lst.append(value)
        return len(lst) - 1
    raise _fixed_size("Add", 1)


def _l_addrange(lst: list[Any], values: Any) -> None:
    if not isinstance(lst, (ArrayList, GenericList)):
        raise _fixed_size("AddRange", 1)
    items = list(iter_enumerable(values) or [values]) if values is not None else []
    for v in items:
        _l_add(lst, v)


def _l_remove(lst: list[Any], value: Any) -> Any:
    if not isinstance(lst, (ArrayList, GenericList)):
        raise _fixed_size("Remove", 1)
    from vboshell.runtime.operators import equals

    for i, x in enumerate(lst):
        if equals(x, value, True):
            del lst[i]
            return True if isinstance(lst, GenericList) else None
    return False if isinstance(lst, GenericList) else None


def _l_remove_at(lst: list[Any], index: Any) -> None:
    if not isinstance(lst, (ArrayList, GenericList)):
        raise _fixed_size("RemoveAt", 1)
    i = int(to_number(index))
    if not 0 <= i < len(lst):
        raise ValueError("Index was out of range. Must be non-negative and less than the size of the collection.\r\nParameter name: index")
    del lst[i]


def _l_insert(lst: list[Any], index: Any, value: Any) -> None:
    if not isinstance(lst, (ArrayList, GenericList)):
        raise _fixed_size("Insert", 2)
    lst.insert(int(to_number(index)), value)


def _l_contains(lst: list[Any], value: Any) -> bool:
    from vboshell.runtime.operators import equals

    return any(equals(x, value, True) for x in lst)


def _l_index_of(lst: list[Any], value: Any, *a: Any) -> int:
    from vboshell.runtime.operators import equals

    for i, x in enumerate(lst):
        if equals(x, value, True):
            return i
    return -1


def _l_clear(lst: list[Any]) -> None:
    if isinstance(lst, (ArrayList, GenericList)):
        lst.clear()
    else:
        for i in range(len(lst)):
            lst[i] = None


def _l_sort(lst: list[Any], *a: Any) -> None:
    import functools

    from vboshell.runtime.operators import compare

    lst.sort(key=functools.cmp_to_key(lambda x, y: compare(x, y)))


def _l_where(lst: list[Any], block: Any, *a: Any) -> list[Any]:
    ctx = _ctx()
    out = []
    for x in lst:
        if to_bool(ctx.invoke_script_block(block, x)):
            out.append(x)
    mode = to_string(a[0]).lower() if a else ""
    if mode == "first":
        n = int(a[1]) if len(a) > 1 else 1
        return out[:n]
    if mode == "last":
        n = int(a[1]) if len(a) > 1 else 1
        return out[-n:]
    return out


def _l_foreach(lst: list[Any], block: Any, *a: Any) -> list[Any]:
    out: list[Any] = []
    if isinstance(block, ScriptBlock):
        ctx = _ctx()
        for x in lst:
            out.extend(ctx.invoke_script_block(block, x))
        return out
    name = to_string(block)
    for x in lst:
        if a:
            out.append(invoke_method(x, name, list(a)))
        else:
            out.append(get_member_value(x, name))
    return out


def _ctx() -> Any:
    from vboshell.runtime.types import _current_context

    ctx = _current_context()
    if ctx is None:
        raise MemberError("No execution context.", "NoContext")
    return ctx


LIST_METHODS: dict[str, Callable[..., Any]] = {
    "add": _l_add, "addrange": _l_addrange, "remove": _l_remove, "removeat": _l_remove_at, "insert": _l_insert,
    "contains": _l_contains, "indexof": _l_index_of, "clear": _l_clear, "toarray": lambda lst: list(lst),
    "sort": _l_sort, "reverse": lambda lst: lst.reverse(), "where": _l_where, "foreach": _l_foreach,
    "getenumerator": lambda lst: list(lst), "clone": lambda lst: type(lst)(lst) if not isinstance(lst, GenericList) else GenericList(lst, lst.element_type),
    "getrange": lambda lst, i, n: ArrayList(lst[int(i): int(i) + int(n)]),
    "lastindexof": lambda lst, v: max([i for i, x in enumerate(lst) if _l_contains([x], v)], default=-1),
    "copyto": lambda lst, target, *a: target.__setitem__(slice(0, len(lst)), list(lst)),
    "exists": lambda lst, pred: any(to_bool(_ctx().invoke_script_block(pred, x)) for x in lst),
}


# --- dictionaries ---

class DictionaryEntry:
    """An element of `$h.GetEnumerator()`: Key/Value (Name is an alias of Key)."""

    ps_type_name = "System.Collections.DictionaryEntry"

    def __init__(self, key: Any, value: Any) -> None:
        self.Key = key
        self.Value = value

    @property
    def Name(self) -> Any:  # noqa: N802
        return self.Key

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("Name", self.Key), ("Key", self.Key), ("Value", self.Value)]

    def __ps_str__(self) -> str:
        return "System.Collections.DictionaryEntry"


def _d_add(d: dict[Any, Any], key: Any, value: Any) -> None:
    if key in d:
        raise method_exception("Add", 2, f"Item has already been added. Key in dictionary: '{to_string(key)}'  Key being added: '{to_string(key)}'",
                               "ArgumentException")
    if key is None:
        raise method_exception("Add", 2, "Key cannot be null.\r\nParameter name: key", "ArgumentNullException")
    d[key] = value


def _d_remove(d: dict[Any, Any], key: Any) -> None:
    if key in d:
        del d[key]


def _d_enum(d: dict[Any, Any]) -> list[DictionaryEntry]:
    return [DictionaryEntry(k, v) for k, v in d.items()]


DICT_METHODS: dict[str, Callable[..., Any]] = {
    "add": _d_add, "remove": _d_remove, "containskey": lambda d, k: k in d, "contains": lambda d, k: k in d,
    "containsvalue": lambda d, v: any(_l_contains([x], v) for x in d.values()), "clear": lambda d: d.clear(),
    "getenumerator": _d_enum, "clone": lambda d: d.copy() if isinstance(d, Hashtable) else Hashtable(d),
    "keys": lambda d: list(d.keys()), "values": lambda d: list(d.values()),
    "item": lambda d, k: d.get(k) if isinstance(d, Hashtable) else d.get(k),
    "insert": lambda d, i, k, v: _od_insert(d, i, k, v),
}


def _od_insert(d: dict[Any, Any], index: Any, key: Any, value: Any) -> None:
    items = list(d.items())
    items.insert(int(index), (key, value))
    d.clear()
    for k, v in items:
        d[k] = v


# --- dates ---

def _add_months(d: _dt.datetime, months: int) -> DateTime:
    import calendar

    m = d.month - 1 + months
    y = d.year + m // 12
    m = m % 12 + 1
    day = min(d.day, calendar.monthrange(y, m)[1])
    return DateTime.wrap(d.replace(year=y, month=m, day=day))


def _dt_add(unit: str) -> Callable[[Any, Any], DateTime]:
    def f(d: _dt.datetime, n: Any) -> DateTime:
        v = float(to_number(n))
        try:
            return DateTime.wrap(d + _dt.timedelta(**{unit: v}))
        except OverflowError:
            raise ValueError("The added or subtracted value results in an un-representable DateTime.\r\nParameter name: value") from None

    return f


def _dt_tostring(d: _dt.datetime, fmt: Any = None, *a: Any) -> str:
    if fmt is None:
        return DateTime.wrap(d).__str__()
    from vboshell.runtime.dotnetfmt import format_datetime

    return format_datetime(d, to_string(fmt))


def _dt_subtract(d: _dt.datetime, other: Any) -> Any:
    if isinstance(other, _dt.datetime):
        a, b = d, other
        if (a.tzinfo is None) != (b.tzinfo is None):
            a = a.astimezone().replace(tzinfo=None) if a.tzinfo else a
            b = b.astimezone().replace(tzinfo=None) if b.tzinfo else b
        return TimeSpan.wrap(_dt.datetime.__sub__(a, b))
    return DateTime.wrap(d - other)


def _to_utc(d: _dt.datetime) -> DateTime:
    if d.tzinfo is not None:
        return DateTime.wrap(d.astimezone(_dt.UTC))
    return DateTime.wrap(d.astimezone().astimezone(_dt.UTC))


def _to_local(d: _dt.datetime) -> DateTime:
    if d.tzinfo is None:
        return DateTime.wrap(d)
    return DateTime.wrap(d.astimezone().replace(tzinfo=None))


DATETIME_METHODS: dict[str, Callable[..., Any]] = {
    "adddays": _dt_add("days"), "addhours": _dt_add("hours"), "addminutes": _dt_add("minutes"),
    "addseconds": _dt_add("seconds"), "addmilliseconds": _dt_add("milliseconds"),
    "addmonths": lambda d, n: _add_months(d, int(to_number(n))),
    "addyears": lambda d, n: _add_months(d, 12 * int(to_number(n))),
    "addticks": lambda d, n: DateTime.wrap(d + _dt.timedelta(microseconds=int(to_number(n)) / 10)),
    "add": lambda d, ts: DateTime.wrap(d + ts), "subtract": _dt_subtract, "tostring": _dt_tostring,
    "touniversaltime": _to_utc, "tolocaltime": _to_local,
    "toshortdatestring": lambda d: _dt_tostring(d, "d"), "tolongdatestring": lambda d: _dt_tostring(d, "D"),
    "toshorttimestring": lambda d: _dt_tostring(d, "t"), "tolongtimestring": lambda d: _dt_tostring(d, "T"),
    "tofiletime": lambda d: int((_to_utc(d).replace(tzinfo=None) - _dt.datetime(1601, 1, 1)).total_seconds() * 10_000_000),
    "compareto": lambda d, o: __import__("vboshell.runtime.operators", fromlist=["compare"]).compare(d, o),
    "isdaylightsavingtime": lambda d: bool(d.astimezone().dst()),
}


def _ts_tostring(t: _dt.timedelta, fmt: Any = None, *a: Any) -> str:
    if fmt is None:
        return str(TimeSpan.wrap(t))
    from vboshell.runtime.dotnetfmt import format_timespan

    return format_timespan(t, to_string(fmt))


TIMESPAN_METHODS: dict[str, Callable[..., Any]] = {
    "add": lambda t, o: TimeSpan.wrap(t + o), "subtract": lambda t, o: TimeSpan.wrap(t - o),
    "tostring": _ts_tostring, "negate": lambda t: TimeSpan.wrap(-t), "duration": lambda t: TimeSpan.wrap(abs(t)),
    "compareto": lambda t, o: (t > o) - (t < o),
}


def _sb_invoke(sb: ScriptBlock, *args: Any) -> Any:
    ctx = _ctx()
    out = ctx.evaluator.call_script_block_simple(sb, None, list(args), False)
    return out


SCRIPTBLOCK_METHODS: dict[str, Callable[..., Any]] = {
    "invoke": _sb_invoke, "invokereturnasis": lambda sb, *a: _unwrap(_sb_invoke(sb, *a)),
    "getnewclosure": lambda sb: sb, "tostring": lambda sb: sb.text,
}


def _unwrap(v: list[Any]) -> Any:
    if len(v) == 0:
        return None
    if len(v) == 1:
        return v[0]
    return v


def _guid_tostring(g: uuid.UUID, fmt: Any = None) -> str:
    f = to_string(fmt).upper() if fmt is not None else "D"
    if f == "N":
        return g.hex
    if f == "B":
        return "{" + str(g) + "}"
    if f == "P":
        return "(" + str(g) + ")"
    return str(g)


GUID_METHODS: dict[str, Callable[..., Any]] = {"tostring": _guid_tostring, "tobytearray": lambda g: list(g.bytes_le)}


def _n_tostring(n: Any, fmt: Any = None, *a: Any) -> str:
    if fmt is None:
        return to_string(n)
    from vboshell.runtime.dotnetfmt import format_number

    return format_number(n, to_string(fmt))


NUMBER_METHODS: dict[str, Callable[..., Any]] = {
    "tostring": _n_tostring, "compareto": lambda n, o: (n > to_number(o)) - (n < to_number(o)),
}


class MatchObject:
    """System.Text.RegularExpressions.Match."""

    ps_type_name = "System.Text.RegularExpressions.Match"

    def __init__(self, m: re.Match[str] | None) -> None:
        self.m = m

    def ps_properties(self) -> list[tuple[str, Any]]:
        m = self.m
        if m is None:
            return [("Groups", []), ("Success", False), ("Captures", []), ("Index", 0), ("Length", 0), ("Value", "")]
        return [("Groups", self.groups()), ("Success", True), ("Name", "0"), ("Captures", [self]),
                ("Index", m.start()), ("Length", m.end() - m.start()), ("Value", m.group(0))]

    def groups(self) -> GroupCollection:
        return GroupCollection(self.m)

    def __ps_str__(self) -> str:
        return self.m.group(0) if self.m else ""


class GroupObject:
    ps_type_name = "System.Text.RegularExpressions.Group"

    def __init__(self, m: re.Match[str], idx: Any) -> None:
        self.m, self.idx = m, idx

    def ps_properties(self) -> list[tuple[str, Any]]:
        v = self.m.group(self.idx)
        name = self.idx if isinstance(self.idx, str) else str(self.idx)
        return [("Success", v is not None), ("Name", name), ("Captures", [v] if v is not None else []),
                ("Index", self.m.start(self.idx) if v is not None else 0), ("Length", len(v or "")), ("Value", v or "")]

    def __ps_str__(self) -> str:
        return self.m.group(self.idx) or ""


class GroupCollection(list):
    def __init__(self, m: re.Match[str] | None) -> None:
        super().__init__()
        self.m = m
        if m is not None:
            for i in range(m.re.groups + 1):
                self.append(GroupObject(m, i))

    def named(self, key: Any) -> Any:
        if self.m is None:
            return None
        if isinstance(key, str) and not key.isdigit():
            if key in self.m.re.groupindex:
                return GroupObject(self.m, key)
            return None
        i = int(key)
        return self[i] if 0 <= i < len(self) else None


def _rx_match(rx: Any, s: Any, *a: Any) -> MatchObject:
    return MatchObject(rx.compiled.search(to_string(s)))


def _rx_matches(rx: Any, s: Any, *a: Any) -> list[MatchObject]:
    return [MatchObject(m) for m in rx.compiled.finditer(to_string(s))]


def _rx_replace(rx: Any, s: Any, repl: Any, *a: Any) -> str:
    from vboshell.runtime.operators import convert_replacement

    if isinstance(repl, ScriptBlock):
        ctx = _ctx()
        return rx.compiled.sub(lambda m: to_string(_unwrap(ctx.invoke_script_block(repl, MatchObject(m), [MatchObject(m)]))),
                               to_string(s))
    return rx.compiled.sub(convert_replacement(to_string(repl)), to_string(s))


REGEX_METHODS: dict[str, Callable[..., Any]] = {
    "match": _rx_match, "matches": _rx_matches, "ismatch": lambda rx, s: rx.compiled.search(to_string(s)) is not None,
    "replace": _rx_replace, "split": lambda rx, s, *a: rx.compiled.split(to_string(s)),
    "tostring": lambda rx: rx.pattern, "getgroupnames": lambda rx: ["0", *rx.compiled.groupindex.keys()],
}


def _pc_add(pc: PropertyCollection, prop: Any) -> None:
    obj = pc.obj
    if isinstance(prop, PropertyInfo) and isinstance(obj, PSObject):
        obj.set(prop.Name, prop.Value)


def _pc_remove(pc: PropertyCollection, name: Any) -> None:
    if isinstance(pc.obj, PSObject):
        pc.obj.remove(to_string(name))


PROPCOLL_METHODS: dict[str, Callable[..., Any]] = {
    "add": _pc_add, "remove": _pc_remove, "item": lambda pc, n: pc.find(to_string(n)),
    "match": lambda pc, pat: [p for p in pc if __import__("vboshell.runtime.operators", fromlist=["like"]).like(p.Name, pat)],
}


# ------------------------------------------------------------------------------------------------
# indexing

def get_index(obj: Any, index: Any) -> Any:
    """`obj[index]`: arrays (negative indexes, several indexes, out of range -> $null), strings (chars),
    hashtables (case-insensitive keys; several keys), PropertyCollection/GroupCollection by name."""
    if obj is None:
        raise MemberError("Cannot index into a null array.", "NullArray", ErrorCategory.InvalidOperation)
    if isinstance(obj, dict):
        if isinstance(index, (list, tuple)):
            return [obj.get(k) if isinstance(obj, Hashtable) else obj.get(k) for k in index]
        if isinstance(obj, OrderedHashtable) and isinstance(index, int) and not isinstance(index, bool) and index not in obj:
            vals = list(obj.values())
            return vals[index] if -len(vals) <= index < len(vals) else None
        return obj.get(index) if isinstance(obj, Hashtable) else obj.get(index)
    if isinstance(obj, PropertyCollection) and isinstance(index, str):
        return obj.find(index)
    if isinstance(obj, GroupCollection):
        return obj.named(index)
    if isinstance(index, (list, tuple)):
        out = []
        for i in index:
            v = get_index(obj, i)
            out.append(v)
        return [x for x in out if x is not None] if not isinstance(obj, dict) else out
    if isinstance(obj, str):
        i = int(to_number(index))
        if -len(obj) <= i < len(obj):
            return Char(obj[i])
        return None
    seq: Any
    if isinstance(obj, (list, tuple)):
        seq = obj
    elif is_enumerable(obj):
        seq = list(iter_enumerable(obj) or [])
    else:
        custom = getattr(obj, "__ps_index__", None)
        if custom is not None:
            return custom(index)
        if isinstance(obj, PSObject) or get_properties(obj):
            i = _int_index(index)
            return obj if i in (0, -1) else None
        i = _int_index(index)
        if i in (0, -1):
            return obj
        raise MemberError(f"Unable to index into an object of type {_type_name(obj)}.", "CannotIndex",
                          ErrorCategory.InvalidOperation)
    i = _int_index(index)
    if -len(seq) <= i < len(seq):
        return seq[i]
    return None


def _int_index(index: Any) -> int:
    try:
        from vboshell.runtime.types import resolve_type

        return resolve_type("int").convert(index)
    except PSRuntimeError:
        raise MemberError(f'Cannot convert value "{to_string(index)}" to type "System.Int32". Error: "Input string was not in a correct format."',
                          "InvalidCastFromStringToInteger", ErrorCategory.InvalidArgument) from None


def set_index(obj: Any, index: Any, value: Any) -> None:
    if obj is None:
        raise MemberError("Cannot index into a null array.", "NullArray", ErrorCategory.InvalidOperation)
    if isinstance(obj, dict):
        obj[index] = value
        return
    if isinstance(obj, list):
        i = _int_index(index)
        if not -len(obj) <= i < len(obj):
            raise MemberError("Index was outside the bounds of the array.", "IndexOutOfRange",
                              ErrorCategory.OperationStopped, exception_type="IndexOutOfRangeException")
        if isinstance(obj, GenericList):
            from vboshell.runtime.types import find_type

            t = find_type(obj.element_type)
            value = t.convert(value) if t else value
        obj[i] = value
        return
    raise MemberError(f"Unable to index into an object of type {_type_name(obj)}.", "CannotIndex",
                      ErrorCategory.InvalidOperation)
