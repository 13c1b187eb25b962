"""PowerShell's value conversions: truthiness, string form, number parsing and `convert_to(value, type)`.
Used by the evaluator, the binder, operators and the utility cmdlets (to_bool/to_string/convert_to are stable)."""

from __future__ import annotations

import datetime as _dt
import decimal
import enum
import math
import re
import uuid
from typing import Any

from vboshell.runtime.errors import ErrorCategory, ErrorRecord, PSRuntimeError
from vboshell.runtime.values import Char, DateTime, ScriptBlock, TimeSpan, is_enumerable, iter_enumerable


class PSConversionError(PSRuntimeError):
    """A failed conversion: `Cannot convert value "x" to type "System.Int32". Error: "..."`."""

    def __init__(self, message: str, error_id: str = "InvalidCastFromStringToInteger",
                 target: Any = None, inner: str | None = None) -> None:
        rec = ErrorRecord(message=message, error_id=error_id, category=ErrorCategory.InvalidArgument,
                          target_object=None, exception_type="RuntimeException")
        rec.extra["inner_message"] = inner
        super().__init__(rec)


# ------------------------------------------------------------------------------------------------
# truthiness


def to_bool(value: Any) -> bool:
    """PowerShell's boolean conversion: $null, 0, '', empty arrays and 1-element arrays of a false value are false."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return len(value) > 0
    if isinstance(value, (int, float, decimal.Decimal)):
        return value != 0
    if isinstance(value, (list, tuple)):
        if len(value) == 0:
            return False
        if len(value) == 1:
            return to_bool(value[0])
        return True
    tb = getattr(value, "__ps_bool__", None)
    if tb is not None:
        return bool(tb())
    if is_enumerable(value) and not isinstance(value, (dict,)):
        items = list(iter_enumerable(value) or [])
        return to_bool(items)
    return True


# ------------------------------------------------------------------------------------------------
# string form


def format_double(value: float) -> str:
    """Windows PowerShell 5.1's double.ToString(): 15 significant digits, E notation outside 1e-5..1e15."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0" if math.copysign(1, value) > 0 else "-0"
    text = f"{value:.15G}"
    if "E" in text:
        mant, exp = text.split("E")
        if "." in mant:
            mant = mant.rstrip("0").rstrip(".")
        sign = exp[0]
        digits = exp[1:].lstrip("0").rjust(2, "0")
        return f"{mant}E{sign}{digits}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def type_name(value: Any) -> str:
    """The .NET full type name PowerShell would report for a value."""
    from vboshell.runtime.types import type_name_of

    return type_name_of(value)


def to_string(value: Any, ofs: str = " ") -> str:
    """PowerShell's string form: $null -> '', True/False, doubles with 15 digits, arrays joined by $OFS,
    datetimes as MM/dd/yyyy HH:mm:ss, hashtables as their type name, objects via their ToString()."""
    if value is None:
        return ""
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return format_double(value)
    if isinstance(value, decimal.Decimal):
        return format_decimal(value)
    if isinstance(value, _dt.datetime):
        return DateTime.wrap(value).__str__()
    if isinstance(value, _dt.timedelta):
        return TimeSpan.wrap(value).__str__()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, dict):
        return getattr(value, "ps_type_name", "System.Collections.Hashtable")
    if isinstance(value, (list, tuple)):
        return ofs.join(to_string(v, ofs) for v in value)
    if isinstance(value, ScriptBlock):
        return value.text
    custom = getattr(value, "__ps_str__", None)
    if custom is not None:
        return custom()
    if is_enumerable(value):
        return ofs.join(to_string(v, ofs) for v in iter_enumerable(value) or [])
    if type(value).__str__ is not object.__str__:
        return str(value)
    return type_name(value)


def format_decimal(value: decimal.Decimal) -> str:
    text = format(value, "f")
    return text


# ------------------------------------------------------------------------------------------------
# numbers

_MULT = {"kb": 1024, "mb": 1024**2, "gb": 1024**3, "tb": 1024**4, "pb": 1024**5}
_NUM_RE = re.compile(
    r"^\s*(?P<sign>[+-]?)\s*(?:(?P<hex>0x[0-9a-f]+)|(?P<num>(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?))"
    r"(?P<suffix>[dl])?(?P<mult>kb|mb|gb|tb|pb)?\s*$",
    re.IGNORECASE,
)

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def parse_number(text: str) -> int | float | decimal.Decimal | None:
    """Parse a string the way PowerShell converts strings to numbers in arithmetic/comparison; None if not numeric."""
    m = _NUM_RE.match(text)
    if not m:
        if text.strip() == "":
            return None
        return None
    sign = -1 if m.group("sign") == "-" else 1
    mult = _MULT.get((m.group("mult") or "").lower(), 1)
    if m.group("hex"):
        v: Any = int(m.group("hex"), 16)
        if v <= 0xFFFFFFFF and v > INT32_MAX:
            v -= 2**32
        return sign * v * mult
    num = m.group("num")
    suffix = (m.group("suffix") or "").lower()
    if suffix == "d":
        return sign * decimal.Decimal(num) * mult
    if "." in num or "e" in num.lower():
        f = float(num) * sign * mult
        return f
    v = int(num) * sign * mult
    if suffix != "l" and not (INT64_MIN <= v <= INT64_MAX):
        return float(v)
    return v


def to_number(value: Any, for_op: str = "+") -> int | float | decimal.Decimal:
    """The numeric value used in arithmetic: ints/floats/decimals as-is, bool->0/1, $null->0, numeric strings parsed."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float, decimal.Decimal)):
        return value
    if isinstance(value, Char):
        return ord(value)
    if isinstance(value, enum.Enum) and isinstance(value.value, int):
        return value.value
    if isinstance(value, str) and type(value).__name__ == "EnumValue":
        return value.value  # type: ignore[attr-defined]
    if isinstance(value, str):
        if value.strip() == "":
            return 0
        n = parse_number(value)
        if n is None:
            raise PSConversionError(
                f'Cannot convert value "{value}" to type "System.Int32". Error: "Input string was not in a correct format."',
                "InvalidCastFromStringToInteger")
        return n
    if isinstance(value, (list, tuple)) and len(value) == 1:
        return to_number(value[0], for_op)
    if isinstance(value, _dt.timedelta):
        return TimeSpan.wrap(value).ticks
    raise PSConversionError(
        f'Cannot convert the "{to_string(value)}" value of type "{type_name(value)}" to type "System.Int32".',
        "ConvertToFinalInvalidCastException")


def normalize_int(v: int) -> int | float:
    """Integer results beyond Int64 become doubles (PowerShell widens on overflow)."""
    if INT64_MIN <= v <= INT64_MAX:
        return v
    return float(v)


def round_half_even(value: float | decimal.Decimal) -> int:
    if isinstance(value, decimal.Decimal):
        return int(value.to_integral_value(rounding=decimal.ROUND_HALF_EVEN))
    if math.isnan(value) or math.isinf(value):
        raise OverflowError
    return round(value)


# ------------------------------------------------------------------------------------------------
# conversion to a type


def convert_to(value: Any, type_name_or_pytype: Any) -> Any:
    """Convert `value` the way a PowerShell cast `[T]value` does. `type_name_or_pytype` is a type name as
    written in scripts ('int', 'string[]', 'System.DateTime', 'datetime', 'hashtable'...) or a Python
    type (int, str, float, bool, datetime.datetime, ...). Raises PSConversionError (an ErrorRecord carrier)."""
    from vboshell.runtime.types import resolve_type

    t = resolve_type(type_name_or_pytype)
    return t.convert(value)


def can_convert(value: Any, type_name_or_pytype: Any) -> bool:
    try:
        convert_to(value, type_name_or_pytype)
        return True
    except PSRuntimeError:
        return False


# ------------------------------------------------------------------------------------------------
# datetime parsing (invariant culture)

_DT_FORMATS = (
    "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d",
    "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y",
    "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%A, %B %d, %Y %I:%M:%S %p",
    "%A, %B %d, %Y", "%d %B %Y %H:%M:%S", "%d %b %Y %H:%M:%S", "%a, %d %b %Y %H:%M:%S GMT",
    "%H:%M:%S", "%H:%M",
)


def parse_datetime(text: str) -> DateTime:
    """Invariant-culture DateTime.Parse: ISO 8601, MM/dd/yyyy, 'dd MMMM yyyy', RFC1123 and time-only forms."""
    s = text.strip()
    if s.endswith("Z") or s.endswith("z"):
        s2 = s[:-1] + "+0000"
    else:
        s2 = s
    s2 = re.sub(r"([+-]\d\d):(\d\d)$", r"\1\2", s2)
    # .NET allows 7 fractional digits; Python 6
    s2 = re.sub(r"(\.\d{6})\d+", r"\1", s2)
    for fmt in _DT_FORMATS:
        try:
            d = _dt.datetime.strptime(s2, fmt)
        except ValueError:
            continue
        if fmt in ("%H:%M:%S", "%H:%M"):
            today = _dt.date.today()
            d = d.replace(year=today.year, month=today.month, day=today.day)
        if d.tzinfo is not None:
            if s.endswith(("Z", "z")):
                d = d.astimezone(_dt.UTC)
            else:
                d = d.astimezone().replace(tzinfo=None)  # .NET converts offsets to local time
        return DateTime.wrap(d)
    raise PSConversionError(
        f'Cannot convert value "{text}" to type "System.DateTime". Error: "String was not recognized as a valid DateTime."',
        "InvalidCastParseTargetInvocation")


def parse_timespan(text: str) -> TimeSpan:
    m = re.match(r"^\s*(-)?(?:(\d+)\.)?(\d+):(\d+)(?::(\d+)(?:\.(\d{1,7}))?)?\s*$", text)
    if not m:
        m2 = re.match(r"^\s*(-)?(\d+)\s*$", text)
        if m2:
            return TimeSpan(days=int(m2.group(2)) * (-1 if m2.group(1) else 1))
        raise PSConversionError(
            f'Cannot convert value "{text}" to type "System.TimeSpan". Error: "String was not recognized as a valid TimeSpan."',
            "InvalidCastParseTargetInvocation")
    neg, d, h, mi, s, frac = m.groups()
    ticks = int(frac.ljust(7, "0")) if frac else 0
    ts = TimeSpan(days=int(d or 0), hours=int(h), minutes=int(mi), seconds=int(s or 0), microseconds=ticks // 10)
    return TimeSpan.wrap(-ts) if neg else ts
