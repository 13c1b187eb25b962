"""How single values print: PowerShell 5.1's string forms (en-US culture) for scalars, table cells and list values.
Also .NET date/number format strings (Get-Date -Format, -UFormat) so every layer formats dates the same way."""

from __future__ import annotations

import datetime as _dt
import decimal
import enum
import math
import uuid
from collections.abc import Mapping
from typing import Any

FORMAT_ENUMERATION_LIMIT = 4  # $FormatEnumerationLimit

_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]


def format_double(value: float) -> str:
    """.NET Framework's Double.ToString(): 15 significant digits, `E+XX` exponent form (0.1+0.2 -> 0.3)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    text = f"{value:.15g}"
    if "e" in text:
        mant, exp = text.split("e")
        sign = exp[0]
        digits = exp[1:].lstrip("0").rjust(2, "0")
        return f"{mant}E{sign}{digits}"
    return text


def format_decimal(value: decimal.Decimal) -> str:
    text = format(value, "f")
    return text


def format_timespan(td: _dt.timedelta) -> str:
    """TimeSpan.ToString(): `[-][d.]hh:mm:ss[.fffffff]`."""
    total_us = td.days * 86_400_000_000 + td.seconds * 1_000_000 + td.microseconds
    neg = total_us < 0
    total_us = abs(total_us)
    days, rem = divmod(total_us, 86_400_000_000)
    hours, rem = divmod(rem, 3_600_000_000)
    minutes, rem = divmod(rem, 60_000_000)
    seconds, micro = divmod(rem, 1_000_000)
    text = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    if days:
        text = f"{days}.{text}"
    if micro:
        text += f".{micro * 10:07d}"
    return ("-" if neg else "") + text


def short_datetime(dt: _dt.datetime | _dt.date) -> str:
    """DateTime.ToString() in en-US: `1/31/2024 10:05:00 AM`."""
    if not isinstance(dt, _dt.datetime):
        dt = _dt.datetime(dt.year, dt.month, dt.day)
    return dotnet_format_datetime(dt, "G")


def long_datetime(dt: _dt.datetime | _dt.date) -> str:
    """How Out-Default shows a DateTime: `Wednesday, January 31, 2024 10:05:00 AM`."""
    if not isinstance(dt, _dt.datetime):
        dt = _dt.datetime(dt.year, dt.month, dt.day)
    return dotnet_format_datetime(dt, "F")


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool)


def _runtime_to_string(value: Any) -> str | None:
    try:
        from vboshell.runtime.conversions import to_string  # type: ignore[attr-defined]
    except Exception:  # runtime not available (pure formatting tests)
        return None
    try:
        return str(to_string(value))
    except Exception:
        return None


def scalar_text(value: Any) -> str:
    """PowerShell's string form of a value as a table cell or list value shows it (ToString, en-US culture)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_double(value)
    if isinstance(value, decimal.Decimal):
        return format_decimal(value)
    if isinstance(value, _dt.datetime):
        return short_datetime(value)
    if isinstance(value, _dt.date):
        return short_datetime(value)
    if isinstance(value, _dt.timedelta):
        return format_timespan(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return str(value.name)
    if isinstance(value, bytes):
        return enumerable_text(list(value))
    if isinstance(value, Mapping):  # 5.1 shows a nested hashtable by its keys: {Inner, Other}
        return enumerable_text([scalar_text(k) for k in value.keys()], raw=True)
    if is_enumerable(value):
        return enumerable_text(list(value))
    from vboshell.runtime.psobject import PSObject

    if isinstance(value, PSObject):
        return psobject_text(value)
    text = _runtime_to_string(value)
    return text if text is not None else str(value)


def element_text(value: Any) -> str:
    """An element inside `{a, b}`: nested collections show their type name, as .NET ToString does."""
    if isinstance(value, (list, tuple)):
        return "System.Object[]"
    if isinstance(value, Mapping):
        return "System.Collections.Hashtable"
    return scalar_text(value)


def enumerable_text(items: list[Any], raw: bool = False, limit: int = FORMAT_ENUMERATION_LIMIT) -> str:
    """`{1, 2, 3, 4...}`: a collection inside a table cell or list value, cut at $FormatEnumerationLimit."""
    shown = items[:limit] if limit >= 0 else items
    parts = [str(x) if raw else element_text(x) for x in shown]
    more = "..." if limit >= 0 and len(items) > limit else ""
    return "{" + ", ".join(parts) + more + "}"


def psobject_text(obj: Any) -> str:
    """`@{Name=a; Count=1}`: how a PSCustomObject converts to a string."""
    from vboshell.runtime.psobject import get_properties

    return "@{" + "; ".join(f"{k}={element_text(v)}" for k, v in get_properties(obj)) + "}"


def is_enumerable(value: Any) -> bool:
    """Collections that PowerShell enumerates (arrays, lists, sets, generators); not strings or hashtables."""
    if isinstance(value, (str, bytes, Mapping)):
        return False
    if isinstance(value, (list, tuple, set, frozenset)):
        return True
    from vboshell.runtime.psobject import PSObject

    if isinstance(value, PSObject):
        return False
    return bool(getattr(value, "ps_enumerable", False))


# ----------------------------------------------------------------------------------------------
# .NET date and time format strings (en-US)

_STANDARD = {
    "d": "M/d/yyyy",
    "D": "dddd, MMMM d, yyyy",
    "f": "dddd, MMMM d, yyyy h:mm tt",
    "F": "dddd, MMMM d, yyyy h:mm:ss tt",
    "g": "M/d/yyyy h:mm tt",
    "G": "M/d/yyyy h:mm:ss tt",
    "m": "MMMM d",
    "M": "MMMM d",
    "o": "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
    "O": "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
    "r": "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
    "R": "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
    "s": "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
    "t": "h:mm tt",
    "T": "h:mm:ss tt",
    "u": "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
    "U": "dddd, MMMM d, yyyy h:mm:ss tt",
    "y": "MMMM yyyy",
    "Y": "MMMM yyyy",
}


def _offset_parts(dt: _dt.datetime) -> tuple[str, int, int]:
    off = dt.utcoffset()
    if off is None:
        off = _dt.datetime.now().astimezone().utcoffset() or _dt.timedelta(0)
    minutes = int(off.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return sign, minutes // 60, minutes % 60


def dotnet_format_datetime(dt: _dt.datetime, fmt: str | None) -> str:
    """DateTime.ToString(format) with .NET standard ('d','G','s','o',...) and custom (yyyy-MM-dd HH:mm) formats."""
    if not fmt:
        fmt = "G"
    if len(fmt) == 1:
        if fmt in _STANDARD:
            if fmt in "uU" or fmt in "rR":
                if dt.tzinfo is not None:
                    dt = dt.astimezone(_dt.UTC)
            return dotnet_format_datetime_custom(dt, _STANDARD[fmt])
        raise ValueError("Input string was not in a correct format.")
    return dotnet_format_datetime_custom(dt, fmt)


def _count(fmt: str, i: int) -> int:
    c = fmt[i]
    n = 1
    while i + n < len(fmt) and fmt[i + n] == c:
        n += 1
    return n


def dotnet_format_datetime_custom(dt: _dt.datetime, fmt: str) -> str:
    out: list[str] = []
    i = 0
    if fmt.startswith("%") and len(fmt) == 2:
        fmt = fmt[1]
    while i < len(fmt):
        c = fmt[i]
        if c in "'\"":
            j = fmt.find(c, i + 1)
            if j < 0:
                j = len(fmt)
            out.append(fmt[i + 1:j])
            i = j + 1
            continue
        if c == "\\" and i + 1 < len(fmt):
            out.append(fmt[i + 1])
            i += 2
            continue
        if c == "%":
            i += 1
            continue
        n = _count(fmt, i)
        if c == "y":
            if n <= 2:
                y = dt.year % 100
                out.append(f"{y:0{n}d}")
            else:
                out.append(f"{dt.year:0{n}d}")
        elif c == "M":
            if n == 1:
                out.append(str(dt.month))
            elif n == 2:
                out.append(f"{dt.month:02d}")
            elif n == 3:
                out.append(_MONTHS[dt.month - 1][:3])
            else:
                out.append(_MONTHS[dt.month - 1])
        elif c == "d":
            if n == 1:
                out.append(str(dt.day))
            elif n == 2:
                out.append(f"{dt.day:02d}")
            elif n == 3:
                out.append(_DAYS[dt.weekday()][:3])
            else:
                out.append(_DAYS[dt.weekday()])
        elif c == "h":
            h = dt.hour % 12 or 12
            out.append(str(h) if n == 1 else f"{h:02d}")
        elif c == "H":
            out.append(str(dt.hour) if n == 1 else f"{dt.hour:02d}")
        elif c == "m":
            out.append(str(dt.minute) if n == 1 else f"{dt.minute:02d}")
        elif c == "s":
            out.append(str(dt.second) if n == 1 else f"{dt.second:02d}")
        elif c in "fF":
            digits = f"{dt.microsecond:06d}0"[:min(n, 7)]
            if c == "F":
                digits = digits.rstrip("0")
            out.append(digits)
        elif c == "t":
            ampm = "AM" if dt.hour < 12 else "PM"
            out.append(ampm[0] if n == 1 else ampm)
        elif c == "K":
            if dt.tzinfo is None:
                out.append("")
            elif dt.utcoffset() == _dt.timedelta(0) and dt.tzinfo is _dt.UTC:
                out.append("Z")
            else:
                sign, hh, mm = _offset_parts(dt)
                out.append(f"{sign}{hh:02d}:{mm:02d}")
        elif c == "z":
            sign, hh, mm = _offset_parts(dt)
            if n == 1:
                out.append(f"{sign}{hh}")
            elif n == 2:
                out.append(f"{sign}{hh:02d}")
            else:
                out.append(f"{sign}{hh:02d}:{mm:02d}")
        elif c == "g":
            out.append("A.D.")
        elif c == ":":
            out.append(":")
        elif c == "/":
            out.append("/")
        else:
            out.append(c * n)
        i += n
    return "".join(out)


_UFORMAT = {
    "a": lambda d: _DAYS[d.weekday()][:3],
    "A": lambda d: _DAYS[d.weekday()],
    "b": lambda d: _MONTHS[d.month - 1][:3],
    "B": lambda d: _MONTHS[d.month - 1],
    "c": lambda d: dotnet_format_datetime_custom(d, "ddd MMM d HH:mm:ss yyyy"),
    "C": lambda d: f"{d.year // 100:02d}",
    "d": lambda d: f"{d.day:02d}",
    "D": lambda d: dotnet_format_datetime_custom(d, "MM/dd/yy"),
    "e": lambda d: f"{d.day:>2}",
    "F": lambda d: dotnet_format_datetime_custom(d, "yyyy-MM-dd"),
    "g": lambda d: f"{d.isocalendar()[0] % 100:02d}",
    "G": lambda d: str(d.isocalendar()[0]),
    "h": lambda d: _MONTHS[d.month - 1][:3],
    "H": lambda d: f"{d.hour:02d}",
    "I": lambda d: f"{(d.hour % 12 or 12):02d}",
    "j": lambda d: f"{d.timetuple().tm_yday:03d}",
    "k": lambda d: f"{d.hour:>2}",
    "l": lambda d: f"{(d.hour % 12 or 12):>2}",
    "m": lambda d: f"{d.month:02d}",
    "M": lambda d: f"{d.minute:02d}",
    "n": lambda d: "\n",
    "p": lambda d: "AM" if d.hour < 12 else "PM",
    "r": lambda d: dotnet_format_datetime_custom(d, "hh:mm:ss tt"),
    "R": lambda d: dotnet_format_datetime_custom(d, "HH:mm"),
    "s": lambda d: str(int((d.replace(tzinfo=None) - _dt.datetime(1970, 1, 1)).total_seconds())),
    "S": lambda d: f"{d.second:02d}",
    "t": lambda d: "\t",
    "T": lambda d: dotnet_format_datetime_custom(d, "HH:mm:ss"),
    "u": lambda d: str(d.isoweekday()),
    "U": lambda d: d.strftime("%U"),
    "V": lambda d: f"{d.isocalendar()[1]:02d}",
    "w": lambda d: str((d.weekday() + 1) % 7),
    "W": lambda d: d.strftime("%W"),
    "x": lambda d: dotnet_format_datetime_custom(d, "MM/dd/yy"),
    "X": lambda d: dotnet_format_datetime_custom(d, "HH:mm:ss"),
    "y": lambda d: f"{d.year % 100:02d}",
    "Y": lambda d: str(d.year),
    "Z": lambda d: "{}{:02d}".format(*_offset_parts(d)[:2]),
    "%": lambda d: "%",
}


def uformat_datetime(dt: _dt.datetime, fmt: str) -> str:
    """Get-Date -UFormat: Unix-style `%Y-%m-%d` specifiers as PowerShell implements them."""
    out: list[str] = []
    i = 0
    while i < len(fmt):
        c = fmt[i]
        if c == "%" and i + 1 < len(fmt):
            spec = fmt[i + 1]
            fn = _UFORMAT.get(spec)
            out.append(fn(dt) if fn else spec)
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)
