"""Runtime value types that stand in for .NET ones: Hashtable (case-insensitive), ArrayList, List[T],
DateTime/TimeSpan wrappers, ScriptBlock and Char. Plain Python values (int, float, str, list, None) are used otherwise."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator
from types import GeneratorType
from typing import Any


def _low(key: Any) -> Any:
    return key.lower() if isinstance(key, str) else key


class Hashtable(dict):
    """PowerShell's @{} hashtable: a dict with case-insensitive string keys (first spelling kept).
    Iteration order is insertion order (PowerShell's is hash order; vboshell keeps it deterministic)."""

    ps_type_name = "System.Collections.Hashtable"

    def __init__(self, items: Any = None, **kw: Any) -> None:
        super().__init__()
        self._lk: dict[Any, Any] = {}
        if items:
            self.update(items)
        if kw:
            self.update(kw)

    def _real(self, key: Any) -> Any:
        return self._lk.get(_low(key), key)

    def __getitem__(self, key: Any) -> Any:
        real = self._lk.get(_low(key), _MISSING)
        if real is _MISSING:
            return None  # $h['missing'] is $null
        return dict.__getitem__(self, real)

    def __setitem__(self, key: Any, value: Any) -> None:
        lk = _low(key)
        real = self._lk.get(lk, _MISSING)
        if real is _MISSING:
            self._lk[lk] = key
            real = key
        dict.__setitem__(self, real, value)

    def __delitem__(self, key: Any) -> None:
        real = self._lk.pop(_low(key))
        dict.__delitem__(self, real)

    def __contains__(self, key: object) -> bool:
        try:
            return _low(key) in self._lk
        except TypeError:
            return False

    def get(self, key: Any, default: Any = None) -> Any:
        real = self._lk.get(_low(key), _MISSING)
        return default if real is _MISSING else dict.__getitem__(self, real)

    def pop(self, key: Any, *default: Any) -> Any:
        real = self._lk.pop(_low(key), _MISSING)
        if real is _MISSING:
            if default:
                return default[0]
            raise KeyError(key)
        return dict.pop(self, real)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def update(self, other: Any = (), **kw: Any) -> None:  # type: ignore[override]
        items = other.items() if hasattr(other, "items") else other
        for k, v in items:
            self[k] = v
        for k, v in kw.items():
            self[k] = v

    def clear(self) -> None:
        dict.clear(self)
        self._lk.clear()

    def copy(self) -> Hashtable:
        new = type(self)()
        for k, v in self.items():
            new[k] = v
        return new

    def __reduce__(self) -> Any:
        return (type(self), (list(self.items()),))

    def __repr__(self) -> str:
        return "@{" + "; ".join(f"{k}={v!r}" for k, v in self.items()) + "}"


class OrderedHashtable(Hashtable):
    """`[ordered]@{}`: System.Collections.Specialized.OrderedDictionary."""

    ps_type_name = "System.Collections.Specialized.OrderedDictionary"


_MISSING = object()


class ArrayList(list):
    """System.Collections.ArrayList: `.Add()` returns the new index (so it prints unless discarded)."""

    ps_type_name = "System.Collections.ArrayList"


class GenericList(list):
    """System.Collections.Generic.List[T]: `.Add()` returns nothing; elements are converted to T."""

    def __init__(self, items: Iterable[Any] = (), element_type: str = "System.Object") -> None:
        super().__init__(items)
        self.element_type = element_type

    @property
    def ps_type_name(self) -> str:  # type: ignore[override]
        return f"System.Collections.Generic.List`1[[{self.element_type}]]"


class Char(str):
    """[char]: a one-character string that converts to its code point in arithmetic."""

    ps_type_name = "System.Char"


class DateTime(_dt.datetime):
    """System.DateTime: a datetime whose str() is PowerShell's invariant `MM/dd/yyyy HH:mm:ss` and that
    keeps .NET's Kind (naive = Local/Unspecified, tz-aware UTC = Utc)."""

    ps_type_name = "System.DateTime"

    @classmethod
    def wrap(cls, value: _dt.datetime) -> DateTime:
        if type(value) is cls:
            return value
        return cls(value.year, value.month, value.day, value.hour, value.minute, value.second,
                   value.microsecond, value.tzinfo, fold=value.fold)

    def __add__(self, other: Any) -> Any:
        r = _dt.datetime.__add__(self, other)
        return DateTime.wrap(r) if isinstance(r, _dt.datetime) else r

    __radd__ = __add__

    def __sub__(self, other: Any) -> Any:
        r = _dt.datetime.__sub__(self, other)
        if isinstance(r, _dt.timedelta):
            return TimeSpan.wrap(r)
        if isinstance(r, _dt.datetime):
            return DateTime.wrap(r)
        return r

    def __str__(self) -> str:
        return self.strftime("%m/%d/%Y %H:%M:%S")

    def __repr__(self) -> str:
        return f"DateTime({self.isoformat()})"


class TimeSpan(_dt.timedelta):
    """System.TimeSpan: a timedelta whose str() is .NET's `[-][d.]hh:mm:ss[.fffffff]`."""

    ps_type_name = "System.TimeSpan"

    @classmethod
    def wrap(cls, value: _dt.timedelta) -> TimeSpan:
        if type(value) is cls:
            return value
        return cls(days=value.days, seconds=value.seconds, microseconds=value.microseconds)

    def _w(self, r: Any) -> Any:
        return TimeSpan.wrap(r) if isinstance(r, _dt.timedelta) else r

    def __add__(self, other: Any) -> Any:
        r = _dt.timedelta.__add__(self, other)
        if r is NotImplemented:
            return r
        if isinstance(r, _dt.datetime):
            return DateTime.wrap(r)
        return self._w(r)

    __radd__ = __add__

    def __sub__(self, other: Any) -> Any:
        return self._w(_dt.timedelta.__sub__(self, other))

    def __neg__(self) -> Any:
        return self._w(_dt.timedelta.__neg__(self))

    @property
    def ticks(self) -> int:
        return (self.days * 86400 + self.seconds) * 10_000_000 + self.microseconds * 10

    def __str__(self) -> str:
        ticks = self.ticks
        neg = ticks < 0
        ticks = abs(ticks)
        days, rem = divmod(ticks, 864_000_000_000)
        hours, rem = divmod(rem, 36_000_000_000)
        minutes, rem = divmod(rem, 600_000_000)
        seconds, frac = divmod(rem, 10_000_000)
        text = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
        if days:
            text = f"{days}.{text}"
        if frac:
            text += f".{frac:07d}"
        return ("-" if neg else "") + text

    def __repr__(self) -> str:
        return f"TimeSpan({self})"


class ScriptBlock:
    """A `{ ... }` value: its AST plus the source text. Invoked by the evaluator (`&`, `.`, cmdlets)."""

    ps_type_name = "System.Management.Automation.ScriptBlock"
    __slots__ = ("ast", "file", "_text", "module")

    def __init__(self, ast: Any, text: str | None = None, file: str | None = None) -> None:
        self.ast = ast
        self.file = file
        self._text = text
        self.module: Any = None

    @property
    def text(self) -> str:
        if self._text is None:
            ext = self.ast.extent
            t = ext.text
            if t.startswith("{") and t.endswith("}"):
                t = t[1:-1]
            self._text = t
        return self._text

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return "{" + self.text + "}"


def iter_enumerable(value: Any) -> Iterator[Any] | None:
    """An iterator over `value` if PowerShell would enumerate it in a pipeline, else None."""
    if value is None or isinstance(value, (str, bytes, dict)):
        return None
    if isinstance(value, (list, tuple, range, set, frozenset)):
        return iter(value)
    if isinstance(value, GeneratorType) or type(value).__name__ in ("dict_keys", "dict_values"):
        return iter(value)
    if hasattr(value, "__ps_enumerate__"):
        return iter(value.__ps_enumerate__())
    return None


def is_enumerable(value: Any) -> bool:
    if value is None or isinstance(value, (str, bytes, dict)):
        return False
    if isinstance(value, (list, tuple, range, set, frozenset)):
        return True
    return isinstance(value, GeneratorType) or type(value).__name__ in ("dict_keys", "dict_values") \
        or hasattr(value, "__ps_enumerate__")
