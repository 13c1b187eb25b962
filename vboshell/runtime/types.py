"""Type accelerators and .NET-like types: `resolve_type('int')` gives a PSType that converts (casts), tests (-is)
and exposes static members ([math]::Round, [string]::Join, [datetime]::Now, [System.IO.Path]::Combine ...)."""

from __future__ import annotations

import datetime as _dt
import decimal
import enum
import math
import os
import re
import uuid
from collections.abc import Callable
from typing import Any

from vboshell.runtime.conversions import (
    INT32_MAX,
    INT32_MIN,
    INT64_MAX,
    INT64_MIN,
    PSConversionError,
    parse_datetime,
    parse_number,
    parse_timespan,
    round_half_even,
    to_bool,
    to_string,
)
from vboshell.runtime.errors import ErrorCategory, ErrorRecord, PSRuntimeError
from vboshell.runtime.psobject import PSObject, type_names_of
from vboshell.runtime.values import (
    ArrayList,
    Char,
    DateTime,
    GenericList,
    Hashtable,
    OrderedHashtable,
    ScriptBlock,
    TimeSpan,
    iter_enumerable,
)


class PSTypeError(PSRuntimeError):
    def __init__(self, message: str, error_id: str, category: ErrorCategory = ErrorCategory.InvalidOperation,
                 target: Any = None, exception_type: str = "RuntimeException") -> None:
        super().__init__(ErrorRecord(message=message, error_id=error_id, category=category,
                                     target_object=target, exception_type=exception_type))


def _cast_error(value: Any, full: str, inner: str | None = None, eid: str = "ConvertToFinalInvalidCastException") -> PSConversionError:
    if isinstance(value, str):
        msg = f'Cannot convert value "{value}" to type "{full}".'
        if inner:
            msg += f' Error: "{inner}"'
        return PSConversionError(msg, eid if eid != "ConvertToFinalInvalidCastException" else "RuntimeException")
    tn = type_name_of(value)
    return PSConversionError(f'Cannot convert the "{to_string(value)}" value of type "{tn}" to type "{full}".', eid)


class PSType:
    """A type known to the runtime."""

    def __init__(self, full_name: str, classes: tuple[type, ...] = (), converter: Callable[[Any], Any] | None = None,
                 statics: dict[str, Any] | None = None, check: Callable[[Any], bool] | None = None) -> None:
        self.full_name = full_name
        self.classes = classes
        self._converter = converter
        self.statics: dict[str, Any] = {k.lower(): v for k, v in (statics or {}).items()}
        self._check = check
        self.settable: set[str] = set()  # static fields a script may assign (lower-case names)

    @property
    def name(self) -> str:
        return self.full_name.rsplit(".", 1)[-1]

    def is_instance(self, value: Any) -> bool:
        if self._check is not None:
            return self._check(value)
        if self.classes:
            return isinstance(value, self.classes)
        names = [n.lower() for n in type_names_of(value)] if value is not None else []
        return self.full_name.lower() in names

    def convert(self, value: Any) -> Any:
        if self._converter is None:
            if value is None or self.is_instance(value):
                return value
            raise _cast_error(value, self.full_name)
        try:
            return self._converter(value)
        except (ValueError, OverflowError, TypeError, ArithmeticError) as e:
            raise _cast_error(value, self.full_name, str(e)) from None

    def get_static(self, name: str) -> Any:
        low = name.lower()
        if low in self.statics:
            return self.statics[low]
        raise PSTypeError(f"Method invocation failed because [{self.full_name}] does not contain a method named '{name}'.",
                          "MethodNotFound", exception_type="RuntimeException")

    def __repr__(self) -> str:
        return f"[{self.full_name}]"

    def __str__(self) -> str:
        return self.full_name

    __ps_str__ = __str__


# ------------------------------------------------------------------------------------------------
# converters


def _unwrap_single(value: Any) -> Any:
    if isinstance(value, (list, tuple)) and len(value) == 1:
        return value[0]
    return value


def _int_converter(lo: int, hi: int, full: str) -> Callable[[Any], Any]:
    def conv(value: Any) -> int:
        value = _unwrap_single(value)
        if value is None:
            return 0
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, Char):
            n: Any = ord(value)
        elif isinstance(value, int):
            n = value
        elif isinstance(value, (float, decimal.Decimal)):
            try:
                n = round_half_even(value)
            except (OverflowError, ValueError):
                raise _cast_error(value, full, "Value was either too large or too small for an Int32.") from None
        elif isinstance(value, str):
            if value.strip() == "":
                return 0
            p = parse_number(value)
            if p is None:
                raise PSConversionError(
                    f'Cannot convert value "{value}" to type "{full}". Error: "Input string was not in a correct format."',
                    "InvalidCastFromStringToInteger")
            n = p if isinstance(p, int) else round_half_even(p)
        elif hasattr(value, "ticks") and isinstance(value, _dt.timedelta):
            n = TimeSpan.wrap(value).ticks
        else:
            raise _cast_error(value, full)
        if not lo <= n <= hi:
            raise PSConversionError(
                f'Cannot convert value "{to_string(value)}" to type "{full}". Error: "Value was either too large or too small for {"an" if full.split(".")[-1][0] in "IU" else "a"} {full.split(".")[-1]}."',
                "InvalidCastIConvertible")
        return n

    return conv


def _double(value: Any) -> float:
    value = _unwrap_single(value)
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float, decimal.Decimal)):
        return float(value)
    if isinstance(value, Char):
        return float(ord(value))
    if isinstance(value, str):
        if value.strip() == "":
            return 0.0
        p = parse_number(value)
        if p is None:
            raise PSConversionError(
                f'Cannot convert value "{value}" to type "System.Double". Error: "Input string was not in a correct format."',
                "InvalidCastFromStringToDouble")
        return float(p)
    raise _cast_error(value, "System.Double")


def _decimal(value: Any) -> decimal.Decimal:
    value = _unwrap_single(value)
    if value is None:
        return decimal.Decimal(0)
    if isinstance(value, bool):
        return decimal.Decimal(int(value))
    if isinstance(value, decimal.Decimal):
        return value
    if isinstance(value, int):
        return decimal.Decimal(value)
    if isinstance(value, float):
        return decimal.Decimal(repr(value)) if math.isfinite(value) else _raise(_cast_error(value, "System.Decimal"))
    if isinstance(value, str):
        try:
            return decimal.Decimal(value.strip() or "0")
        except decimal.InvalidOperation:
            raise PSConversionError(
                f'Cannot convert value "{value}" to type "System.Decimal". Error: "Input string was not in a correct format."',
                "InvalidCastFromStringToDecimal") from None
    raise _cast_error(value, "System.Decimal")


def _raise(e: BaseException) -> Any:
    raise e


def _string(value: Any) -> str:
    if value is None:
        return ""
    return to_string(value)


def _bool(value: Any) -> bool:
    return to_bool(value)


def _char(value: Any) -> Char:
    value = _unwrap_single(value)
    if isinstance(value, str) and len(value) == 1:
        return Char(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 0xFFFF:
        return Char(chr(value))
    if isinstance(value, str):
        raise PSConversionError(
            f'Cannot convert value "{value}" to type "System.Char". Error: "String must be exactly one character long."',
            "InvalidCastParseTargetInvocation")
    raise _cast_error(value, "System.Char")


def _datetime(value: Any) -> DateTime:
    value = _unwrap_single(value)
    if isinstance(value, _dt.datetime):
        return DateTime.wrap(value)
    if isinstance(value, _dt.date):
        return DateTime(value.year, value.month, value.day)
    if isinstance(value, str):
        return parse_datetime(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return DateTime(1, 1, 1) + _dt.timedelta(microseconds=value // 10)
    raise _cast_error(value, "System.DateTime")


def _timespan(value: Any) -> TimeSpan:
    value = _unwrap_single(value)
    if isinstance(value, _dt.timedelta):
        return TimeSpan.wrap(value)
    if isinstance(value, str):
        return parse_timespan(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return TimeSpan(microseconds=value // 10)
    raise _cast_error(value, "System.TimeSpan")


def _guid(value: Any) -> uuid.UUID:
    value = _unwrap_single(value)
    if isinstance(value, uuid.UUID):
        return value
    if isinstance(value, str):
        try:
            return uuid.UUID(value.strip())
        except ValueError:
            raise PSConversionError(
                f'Cannot convert value "{value}" to type "System.Guid". Error: "Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)."',
                "InvalidCastParseTargetInvocation") from None
    raise _cast_error(value, "System.Guid")


def _array(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list) and type(value) is list:
        return value
    it = iter_enumerable(value)
    if it is not None:
        return list(it)
    return [value]


def _hashtable(value: Any) -> Hashtable:
    value = _unwrap_single(value)
    if isinstance(value, Hashtable) and type(value) is Hashtable:
        return value
    if isinstance(value, dict):
        return Hashtable(value)
    if isinstance(value, PSObject):
        return Hashtable(list(value.items()))
    raise _cast_error(value, "System.Collections.Hashtable")


def _ordered(value: Any) -> OrderedHashtable:
    if isinstance(value, dict):
        return OrderedHashtable(value)
    raise _cast_error(value, "System.Collections.Specialized.OrderedDictionary")


def _pscustomobject(value: Any) -> Any:
    if isinstance(value, dict):
        return PSObject([(to_string(k) if not isinstance(k, str) else k, v) for k, v in value.items()])
    return value


def _scriptblock(value: Any) -> ScriptBlock:
    value = _unwrap_single(value)
    if isinstance(value, ScriptBlock):
        return value
    raise _cast_error(value, "System.Management.Automation.ScriptBlock")


class Regex:
    """[regex]: a compiled .NET-style regular expression."""

    ps_type_name = "System.Text.RegularExpressions.Regex"

    def __init__(self, pattern: str, options: Any = None) -> None:
        from vboshell.runtime.operators import compile_regex

        flags = 0
        if options is not None and "ignorecase" in to_string(options).lower():
            flags |= re.IGNORECASE
        self.pattern = pattern
        self.compiled = compile_regex(pattern, case_sensitive=not (flags & re.IGNORECASE))

    def __ps_str__(self) -> str:
        return self.pattern

    def __str__(self) -> str:
        return self.pattern


def _regex(value: Any) -> Regex:
    value = _unwrap_single(value)
    if isinstance(value, Regex):
        return value
    return Regex(to_string(value))


def _switch(value: Any) -> bool:
    return to_bool(value)


def _arraylist(value: Any) -> ArrayList:
    if isinstance(value, ArrayList):
        return value
    if value is None:
        return ArrayList()
    it = iter_enumerable(value)
    return ArrayList(it if it is not None else [value])


def _securestring(value: Any) -> Any:
    from vboshell.runtime.securestring import SecureString

    value = _unwrap_single(value)
    if isinstance(value, SecureString) or value is None:
        return value
    raise _cast_error(value, "System.Security.SecureString")


def _pscredential(value: Any) -> Any:
    from vboshell.runtime.securestring import PSCredential

    value = _unwrap_single(value)
    if isinstance(value, PSCredential) or value is None:
        return value
    raise _cast_error(value, "System.Management.Automation.PSCredential")


def _void(value: Any) -> None:
    return None


def _uri(value: Any) -> Any:
    return Uri(to_string(_unwrap_single(value)))


class Uri:
    ps_type_name = "System.Uri"

    def __init__(self, text: str) -> None:
        from urllib.parse import urlparse

        self.original = text
        p = urlparse(text)
        if not p.scheme:
            raise PSConversionError(f'Cannot convert value "{text}" to type "System.Uri". Error: "Invalid URI: The format of the URI could not be determined."',
                                    "InvalidCastParseTargetInvocation")
        self.parsed = p

    def ps_properties(self) -> list[tuple[str, Any]]:
        p = self.parsed
        return [("AbsoluteUri", self.original), ("Scheme", p.scheme), ("Host", p.hostname or ""),
                ("Port", p.port or {"https": 443, "http": 80}.get(p.scheme, -1)), ("AbsolutePath", p.path or "/"),
                ("Query", ("?" + p.query) if p.query else "")]

    def __str__(self) -> str:
        return self.original


# ------------------------------------------------------------------------------------------------
# static members


def _math_round(value: Any, digits: Any = None, mode: Any = None) -> Any:
    from vboshell.runtime.conversions import to_number

    v = to_number(value)
    away = mode is not None and "awayfromzero" in to_string(mode).lower()
    if isinstance(digits, str) and "awayfromzero" in digits.lower():
        away, digits = True, None
    d = int(to_number(digits)) if digits is not None else 0
    if isinstance(v, decimal.Decimal):
        q = decimal.Decimal(1).scaleb(-d)
        return v.quantize(q, rounding=decimal.ROUND_HALF_UP if away else decimal.ROUND_HALF_EVEN)
    if isinstance(v, int) and not isinstance(v, bool) and digits is None:
        return float(v)
    if isinstance(v, int):
        return float(v)
    # .NET's Math.Round(double, digits): scale, round the binary value half-to-even (or away), unscale
    x = float(v)
    if not math.isfinite(x) or abs(x) >= 1e16:
        return x
    power = 10.0 ** d
    scaled = x * power
    if away:
        r = math.floor(abs(scaled) + 0.5) * (1 if scaled >= 0 else -1)
    else:
        r = round(scaled)
    return r / power


def _num(v: Any) -> Any:
    from vboshell.runtime.conversions import to_number

    return to_number(v)


def _math_floor(v: Any) -> Any:
    n = _num(v)
    if isinstance(n, decimal.Decimal):
        return n.to_integral_value(rounding=decimal.ROUND_FLOOR)
    return float(math.floor(n))


def _math_ceiling(v: Any) -> Any:
    n = _num(v)
    if isinstance(n, decimal.Decimal):
        return n.to_integral_value(rounding=decimal.ROUND_CEILING)
    return float(math.ceil(n))


def _math_max(a: Any, b: Any) -> Any:
    x, y = _num(a), _num(b)
    r = x if x >= y else y
    if isinstance(x, float) or isinstance(y, float):
        return float(r)
    return r


def _math_min(a: Any, b: Any) -> Any:
    x, y = _num(a), _num(b)
    r = x if x <= y else y
    if isinstance(x, float) or isinstance(y, float):
        return float(r)
    return r


def _math_truncate(v: Any) -> Any:
    n = _num(v)
    if isinstance(n, decimal.Decimal):
        return n.to_integral_value(rounding=decimal.ROUND_DOWN)
    return float(math.trunc(n))


def _math_log(v: Any, base: Any = None) -> float:
    x = float(_num(v))
    if x <= 0:
        return float("-inf") if x == 0 else float("nan")
    return math.log(x) if base is None else math.log(x, float(_num(base)))


MATH_STATICS: dict[str, Any] = {
    "Round": _math_round, "Floor": _math_floor, "Ceiling": _math_ceiling, "Max": _math_max, "Min": _math_min,
    "Abs": lambda v: abs(_num(v)), "Pow": lambda a, b: float(_num(a)) ** float(_num(b)),
    "Sqrt": lambda v: math.sqrt(float(_num(v))) if float(_num(v)) >= 0 else float("nan"),
    "Truncate": _math_truncate, "Log": _math_log, "Log10": lambda v: math.log10(float(_num(v))),
    "Exp": lambda v: math.exp(float(_num(v))), "Sign": lambda v: (_num(v) > 0) - (_num(v) < 0),
    "PI": math.pi, "E": math.e,
}


def _string_join(sep: Any, *values: Any) -> str:
    items: list[Any] = []
    for v in values:
        it = iter_enumerable(v)
        if it is not None:
            items.extend(it)
        else:
            items.append(v)
    return to_string(sep).join(to_string(x) for x in items)


def _string_format(fmt: Any, *args: Any) -> str:
    from vboshell.runtime.dotnetfmt import composite_format

    if len(args) == 1 and isinstance(args[0], (list, tuple)):
        args = tuple(args[0])
    return composite_format(to_string(fmt), list(args))


def _is_null_or_ws(v: Any) -> bool:
    return v is None or to_string(v).strip() == ""


STRING_STATICS: dict[str, Any] = {
    "IsNullOrEmpty": lambda v: v is None or to_string(v) == "",
    "IsNullOrWhiteSpace": _is_null_or_ws,
    "Join": _string_join, "Format": _string_format, "Empty": "",
    "Concat": lambda *a: "".join(to_string(x) for x in a),
    "Equals": lambda a, b: to_string(a) == to_string(b),
    "Compare": lambda a, b, ic=False: _cmp_str(a, b, ic),
}


def _cmp_str(a: Any, b: Any, ignore_case: Any = False) -> int:
    x, y = to_string(a), to_string(b)
    if to_bool(ignore_case):
        x, y = x.lower(), y.lower()
    return (x > y) - (x < y)


def _path_combine(*parts: Any) -> str:
    out = ""
    items: list[Any] = []
    for p in parts:
        items.extend(p if isinstance(p, (list, tuple)) else [p])
    for p in items:
        s = to_string(p)
        if not s:
            continue
        if s.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", s) or not out:
            out = s
        elif out.endswith(("/", "\\")):
            out += s
        else:
            out += ("\\" if ("\\" in out and "/" not in out) else os.sep) + s
    return out


def _split_path(p: str) -> tuple[str, str]:
    idx = max(p.rfind("/"), p.rfind("\\"))
    if idx < 0:
        return "", p
    return p[:idx], p[idx + 1:]


def _get_extension(p: Any) -> str:
    name = _split_path(to_string(p))[1]
    i = name.rfind(".")
    return name[i:] if i >= 0 and i != len(name) - 1 else ""


def _get_name_no_ext(p: Any) -> str:
    name = _split_path(to_string(p))[1]
    i = name.rfind(".")
    return name[:i] if i >= 0 else name


def _get_dir_name(p: Any) -> Any:
    s = to_string(p)
    head, _tail = _split_path(s)
    if not head and s.startswith(("/", "\\")):
        return None
    return head


def _resolve_fs(p: Any) -> str:
    ctx = _current_context()
    path = to_string(p)
    return str(ctx.resolve_path(path)) if ctx is not None else path


def _file_exists(p: Any) -> bool:
    return p is not None and os.path.isfile(_resolve_fs(p))


def _io_error(e: OSError, path: Any) -> PSTypeError:
    return PSTypeError(f'Exception calling with argument(s): "Could not find file \'{to_string(path)}\'."'
                       if isinstance(e, FileNotFoundError) else f"Exception calling: \"{e.strerror}\"",
                       "FileNotFoundException" if isinstance(e, FileNotFoundError) else "IOException",
                       ErrorCategory.NotSpecified, exception_type="MethodInvocationException")


def _read_all_text(p: Any, *enc: Any) -> str:
    try:
        with open(_resolve_fs(p), encoding="utf-8-sig") as f:
            return f.read()
    except OSError as e:
        raise _io_error(e, p) from None


def _read_all_lines(p: Any, *enc: Any) -> list[str]:
    return _read_all_text(p).splitlines()


def _write_all_text(p: Any, text: Any, *enc: Any) -> None:
    try:
        with open(_resolve_fs(p), "w", encoding="utf-8", newline="") as f:
            f.write(to_string(text))
    except OSError as e:
        raise _io_error(e, p) from None


def _append_all_text(p: Any, text: Any, *enc: Any) -> None:
    try:
        with open(_resolve_fs(p), "a", encoding="utf-8", newline="") as f:
            f.write(to_string(text))
    except OSError as e:
        raise _io_error(e, p) from None


def _write_all_lines(p: Any, lines: Any, *enc: Any) -> None:
    items = _array(lines)
    _write_all_text(p, "".join(to_string(x) + os.linesep for x in items))


_CTX: list[Any] = []


def _current_context() -> Any:
    return _CTX[-1] if _CTX else None


def set_current_context(ctx: Any) -> None:
    """The evaluator registers the running ExecutionContext (for [IO.File] relative paths, [Environment])."""
    if not _CTX or _CTX[-1] is not ctx:
        _CTX.append(ctx)


def _now() -> DateTime:
    return DateTime.wrap(_dt.datetime.now())


def _parse_exact(text: Any, fmt: Any, *_: Any) -> DateTime:
    from vboshell.runtime.dotnetfmt import parse_exact

    return parse_exact(to_string(text), fmt)


def _dt_parse(text: Any, *_: Any) -> DateTime:
    return parse_datetime(to_string(text))


def _try_parse_factory(conv: Callable[[Any], Any]) -> Callable[..., bool]:
    def tp(text: Any, ref: Any = None) -> bool:
        try:
            v = conv(text)
        except PSRuntimeError:
            if isinstance(ref, Ref):
                ref.value = None
            return False
        if isinstance(ref, Ref):
            ref.value = v
        return True

    return tp


class Ref:
    """[ref]$var: a reference the evaluator writes back after a method call (e.g. [int]::TryParse)."""

    ps_type_name = "System.Management.Automation.PSReference"

    def __init__(self, value: Any = None, setter: Callable[[Any], None] | None = None) -> None:
        self._value = value
        self._setter = setter

    @property
    def value(self) -> Any:
        return self._value

    @value.setter
    def value(self, v: Any) -> None:
        self._value = v
        if self._setter:
            self._setter(v)


def _env_var(name: Any, *_: Any) -> Any:
    return os.environ.get(to_string(name))


def _set_env_var(name: Any, value: Any, *_: Any) -> None:
    if value is None or value == "":
        os.environ.pop(to_string(name), None)
    else:
        os.environ[to_string(name)] = to_string(value)


def _to_base64(data: Any, *_: Any) -> str:
    if isinstance(data, (bytes, bytearray)):
        raw = bytes(data)
    else:
        raw = bytes(int(x) & 0xFF for x in _array(data))
    return __import__("base64").b64encode(raw).decode("ascii")


def _from_base64(text: Any) -> list[int]:
    try:
        return list(__import__("base64").b64decode(to_string(text), validate=True))
    except ValueError:
        raise PSTypeError('Exception calling "FromBase64String" with "1" argument(s): "The input is not a valid Base-64 string as it contains a non-base 64 character, more than two padding characters, or an illegal character among the padding characters. "',
                          "FormatException", exception_type="MethodInvocationException") from None


class _Encoding:
    def __init__(self, name: str) -> None:
        self.name = name

    def GetBytes(self, s: Any) -> list[int]:  # noqa: N802
        return list(to_string(s).encode(self.name))

    def GetString(self, b: Any) -> str:  # noqa: N802
        raw = bytes(b) if isinstance(b, (bytes, bytearray)) else bytes(int(x) & 0xFF for x in _array(b))
        return raw.decode(self.name, errors="replace")

    def __str__(self) -> str:
        return f"System.Text.{self.name.upper().replace('-', '')}Encoding"


def _new_guid() -> uuid.UUID:
    return uuid.uuid4()


def _sb_create(text: Any) -> ScriptBlock:
    from vboshell.language import parse

    src = to_string(text)
    ast = parse(src)
    return ScriptBlock(ast, text=src)


def _type_map() -> dict[str, PSType]:
    i32 = _int_converter(INT32_MIN, INT32_MAX, "System.Int32")
    i64 = _int_converter(INT64_MIN, INT64_MAX, "System.Int64")

    def is_int32(v: Any) -> bool:
        return isinstance(v, int) and not isinstance(v, bool) and INT32_MIN <= v <= INT32_MAX

    def is_int64(v: Any) -> bool:
        return isinstance(v, int) and not isinstance(v, bool) and not (INT32_MIN <= v <= INT32_MAX)

    def tryparse(conv: Callable[[Any], Any]) -> dict[str, Any]:
        return {"Parse": lambda s, *_: conv(to_string(s)), "TryParse": _try_parse_factory(conv)}

    types = [
        PSType("System.Int32", converter=i32, check=is_int32,
               statics={"MaxValue": INT32_MAX, "MinValue": INT32_MIN, **tryparse(i32)}),
        PSType("System.Int64", converter=i64, check=is_int64,
               statics={"MaxValue": INT64_MAX, "MinValue": INT64_MIN, **tryparse(i64)}),
        PSType("System.Int16", converter=_int_converter(-32768, 32767, "System.Int16"), check=lambda v: False),
        PSType("System.UInt32", converter=_int_converter(0, 2**32 - 1, "System.UInt32"), check=lambda v: False),
        PSType("System.UInt64", converter=_int_converter(0, 2**64 - 1, "System.UInt64"), check=lambda v: False),
        PSType("System.Byte", converter=_int_converter(0, 255, "System.Byte"), check=lambda v: False,
               statics={"MaxValue": 255, "MinValue": 0}),
        PSType("System.SByte", converter=_int_converter(-128, 127, "System.SByte"), check=lambda v: False),
        PSType("System.Double", (float,), _double,
               statics={"MaxValue": 1.7976931348623157e308, "MinValue": -1.7976931348623157e308,
                        "NaN": float("nan"), "PositiveInfinity": float("inf"), "NegativeInfinity": float("-inf"),
                        "Epsilon": 5e-324, "IsNaN": lambda v: math.isnan(float(_num(v))), **tryparse(_double)}),
        PSType("System.Single", (), _double, check=lambda v: False),
        PSType("System.Decimal", (decimal.Decimal,), _decimal, statics={**tryparse(_decimal)}),
        PSType("System.String", (str,), _string, statics=STRING_STATICS),
        PSType("System.Boolean", (bool,), _bool, statics={"Parse": lambda s: _bool_parse(s),
                                                          "TrueString": "True", "FalseString": "False"}),
        PSType("System.Char", (Char,), _char, statics={"IsDigit": lambda c: to_string(c)[:1].isdigit(),
                                                       "IsLetter": lambda c: to_string(c)[:1].isalpha(),
                                                       "IsWhiteSpace": lambda c: to_string(c)[:1].isspace(),
                                                       "IsUpper": lambda c: to_string(c)[:1].isupper(),
                                                       "IsLower": lambda c: to_string(c)[:1].islower()}),
        PSType("System.DateTime", (_dt.datetime,), _datetime,
               statics={"Now": property(lambda: _now()), "Today": property(lambda: DateTime.wrap(_dt.datetime.combine(_dt.date.today(), _dt.time()))),
                        "UtcNow": property(lambda: DateTime.wrap(_dt.datetime.now(_dt.UTC))),
                        "Parse": _dt_parse, "ParseExact": _parse_exact, "TryParse": _try_parse_factory(_datetime),
                        "MinValue": DateTime(1, 1, 1), "MaxValue": DateTime(9999, 12, 31, 23, 59, 59, 999999),
                        "DaysInMonth": lambda y, m: __import__("calendar").monthrange(int(y), int(m))[1],
                        "IsLeapYear": lambda y: __import__("calendar").isleap(int(y)),
                        "FromFileTime": lambda t: DateTime(1601, 1, 1) + _dt.timedelta(microseconds=int(t) // 10)}),
        PSType("System.TimeSpan", (_dt.timedelta,), _timespan,
               statics={"FromDays": lambda v: TimeSpan(days=float(_num(v))),
                        "FromHours": lambda v: TimeSpan(hours=float(_num(v))),
                        "FromMinutes": lambda v: TimeSpan(minutes=float(_num(v))),
                        "FromSeconds": lambda v: TimeSpan(seconds=float(_num(v))),
                        "FromMilliseconds": lambda v: TimeSpan(milliseconds=float(_num(v))),
                        "Zero": TimeSpan(0), "Parse": lambda s: parse_timespan(to_string(s))}),
        PSType("System.Guid", (uuid.UUID,), _guid,
               statics={"NewGuid": _new_guid, "Empty": uuid.UUID(int=0), "Parse": lambda s: _guid(to_string(s)),
                        "TryParse": _try_parse_factory(_guid)}),
        PSType("System.Array", (list, tuple), _array, statics={
            "Reverse": lambda a: a.reverse() if isinstance(a, list) else None,
            "Sort": lambda a: _array_sort(a),
            "IndexOf": lambda a, v: next((i for i, x in enumerate(_array(a)) if _eq(x, v)), -1),
            "Exists": lambda a, pred: any(_sb_true(pred, x) for x in _array(a)),
            "Find": lambda a, pred: next((x for x in _array(a) if _sb_true(pred, x)), None),
            "FindAll": lambda a, pred: [x for x in _array(a) if _sb_true(pred, x)],
            "Empty": lambda: [], "CreateInstance": lambda t, n: [None] * int(n)}),
        PSType("System.Object[]", (list, tuple), _array),
        PSType("System.Collections.Hashtable", (dict,), _hashtable),
        PSType("System.Collections.Specialized.OrderedDictionary", (OrderedHashtable,), _ordered),
        PSType("System.Management.Automation.PSCustomObject", (PSObject,), _pscustomobject),
        PSType("System.Management.Automation.PSObject", (), lambda v: v, check=lambda v: v is not None),
        PSType("System.Object", (), lambda v: v, check=lambda v: v is not None),
        PSType("System.Text.RegularExpressions.Regex", (Regex,), _regex,
               statics={"Escape": lambda s: re.escape(to_string(s)).replace("\\ ", "\\ "),
                        "Unescape": lambda s: re.sub(r"\\(.)", r"\1", to_string(s)),
                        "Match": lambda s, p, *o: _regex_static("Match", s, p, *o),
                        "Matches": lambda s, p, *o: _regex_static("Matches", s, p, *o),
                        "IsMatch": lambda s, p, *o: _regex_static("IsMatch", s, p, *o),
                        "Replace": lambda s, p, r, *o: _regex_static("Replace", s, p, r, *o),
                        "Split": lambda s, p, *o: _regex_static("Split", s, p, *o)}),
        PSType("System.Management.Automation.ScriptBlock", (ScriptBlock,), _scriptblock, statics={"Create": _sb_create}),
        PSType("System.Management.Automation.SwitchParameter", (bool,), _switch, statics={"Present": True}),
        PSType("System.Math", (), None, check=lambda v: False, statics=MATH_STATICS),
        PSType("System.Net.SecurityProtocolType", (), lambda v: v, check=lambda v: False, statics={
            n: _enum_value(n, v, "System.Net.SecurityProtocolType") for n, v in
            (("SystemDefault", 0), ("Ssl3", 48), ("Tls", 192), ("Tls11", 768), ("Tls12", 3072), ("Tls13", 12288))}),
        PSType("System.Net.ServicePointManager", (), None, check=lambda v: False, statics={
            "SecurityProtocol": _enum_value("Tls12", 3072, "System.Net.SecurityProtocolType"),
            "ServerCertificateValidationCallback": None, "Expect100Continue": True, "DefaultConnectionLimit": 2}),
        PSType("System.Reflection.Assembly", (), None, check=lambda v: False, statics={
            "LoadWithPartialName": lambda *a: None, "LoadFrom": lambda *a: None, "Load": lambda *a: None,
            "LoadFile": lambda *a: None}),
        PSType("System.Version", (), _version, check=lambda v: type(v).__name__ == "_Version",
               statics={"Parse": lambda s: _version(s)}),
        PSType("System.Console", (), None, check=lambda v: False, statics={
            "WriteLine": lambda *a: _console_write(a, True), "Write": lambda *a: _console_write(a, False),
            "ReadLine": _console_read, "ResetColor": lambda: None, "Beep": lambda *a: None, "Clear": lambda: None,
            "ForegroundColor": "Gray", "BackgroundColor": "Black",
            "WindowWidth": property(lambda: (_current_context().host.width if _current_context() else None) or 120),
            "BufferWidth": property(lambda: (_current_context().host.width if _current_context() else None) or 120),
            "KeyAvailable": False}),
        PSType("System.MidpointRounding", (), lambda v: to_string(v), check=lambda v: False,
               statics={"ToEven": "ToEven", "AwayFromZero": "AwayFromZero"}),
        PSType("System.StringSplitOptions", (), lambda v: to_string(v), check=lambda v: False,
               statics={"None": "None", "RemoveEmptyEntries": "RemoveEmptyEntries"}),
        PSType("System.StringComparison", (), lambda v: to_string(v), check=lambda v: False,
               statics={"Ordinal": "Ordinal", "OrdinalIgnoreCase": "OrdinalIgnoreCase",
                        "CurrentCultureIgnoreCase": "CurrentCultureIgnoreCase", "InvariantCultureIgnoreCase":
                        "InvariantCultureIgnoreCase", "CurrentCulture": "CurrentCulture"}),
        PSType("System.IO.Path", (), None, check=lambda v: False, statics={
            "Combine": _path_combine, "GetFileName": lambda p: _split_path(to_string(p))[1],
            "GetExtension": _get_extension, "GetFileNameWithoutExtension": _get_name_no_ext,
            "GetDirectoryName": _get_dir_name, "GetTempPath": lambda: __import__("tempfile").gettempdir() + os.sep,
            "GetTempFileName": lambda: __import__("tempfile").mkstemp()[1], "GetFullPath": _resolve_fs,
            "DirectorySeparatorChar": Char(os.sep), "PathSeparator": Char(os.pathsep),
            "GetRandomFileName": lambda: uuid.uuid4().hex[:8] + "." + uuid.uuid4().hex[:3],
            "IsPathRooted": lambda p: to_string(p).startswith(("/", "\\")) or bool(re.match(r"^[A-Za-z]:", to_string(p))),
            "ChangeExtension": lambda p, e: _get_name_change_ext(p, e)}),
        PSType("System.IO.File", (), None, check=lambda v: False, statics={
            "Exists": _file_exists, "ReadAllText": _read_all_text, "WriteAllText": _write_all_text,
            "ReadAllLines": _read_all_lines, "WriteAllLines": _write_all_lines, "AppendAllText": _append_all_text,
            "Delete": lambda p: os.path.exists(_resolve_fs(p)) and os.remove(_resolve_fs(p)) and None}),
        PSType("System.IO.Directory", (), None, check=lambda v: False, statics={
            "Exists": lambda p: p is not None and os.path.isdir(_resolve_fs(p)),
            "CreateDirectory": lambda p: os.makedirs(_resolve_fs(p), exist_ok=True),
            "GetCurrentDirectory": lambda: str(_current_context().cwd) if _current_context() else os.getcwd()}),
        PSType("System.Environment", (), None, check=lambda v: False, statics={
            "NewLine": os.linesep, "MachineName": property(lambda: __import__("socket").gethostname().split(".")[0].upper()),
            "UserName": property(lambda: os.environ.get("USER") or os.environ.get("USERNAME") or "user"),
            "UserDomainName": property(lambda: __import__("socket").gethostname().split(".")[0].upper()),
            "ProcessorCount": property(lambda: os.cpu_count() or 1),
            "CurrentDirectory": property(lambda: str(_current_context().cwd) if _current_context() else os.getcwd()),
            "GetEnvironmentVariable": _env_var, "SetEnvironmentVariable": _set_env_var,
            "Is64BitProcess": True, "Is64BitOperatingSystem": True, "OSVersion": property(lambda: os.uname().sysname),
            "TickCount": property(lambda: int(__import__("time").monotonic() * 1000) & 0x7FFFFFFF),
            "Exit": lambda code: _raise_exit(code),
            "GetFolderPath": lambda f: os.path.expanduser("~")}),
        PSType("System.Convert", (), None, check=lambda v: False, statics={
            "ToBase64String": _to_base64, "FromBase64String": _from_base64,
            "ToInt32": lambda v, base=None: int(to_string(v), int(base)) if base is not None else i32(v),
            "ToInt64": lambda v: i64(v), "ToDouble": _double, "ToString": lambda v, *a: to_string(v),
            "ToBoolean": lambda v: _bool_parse(v) if isinstance(v, str) else to_bool(v),
            "ToDateTime": _datetime, "ToDecimal": _decimal}),
        PSType("System.Text.Encoding", (), None, check=lambda v: False, statics={
            "UTF8": _Encoding("utf-8"), "ASCII": _Encoding("ascii"), "Unicode": _Encoding("utf-16-le"),
            "Default": _Encoding("utf-8")}),
        PSType("System.Collections.ArrayList", (ArrayList,), _arraylist),
        PSType("System.Security.SecureString", (), _securestring, check=_is_secure),
        PSType("System.Management.Automation.PSCredential", (), _pscredential, check=_is_cred),
        PSType("System.Void", (), _void, check=lambda v: False),
        PSType("System.Uri", (Uri,), _uri),
        PSType("System.Management.Automation.PSReference", (Ref,), lambda v: v if isinstance(v, Ref) else Ref(v)),
        PSType("System.Net.WebUtility", (), None, check=lambda v: False, statics={
            "UrlEncode": lambda s: __import__("urllib.parse").parse.quote_plus(to_string(s)),
            "UrlDecode": lambda s: __import__("urllib.parse").parse.unquote_plus(to_string(s)),
            "HtmlEncode": lambda s: __import__("html").escape(to_string(s)),
            "HtmlDecode": lambda s: __import__("html").unescape(to_string(s))}),
        PSType("System.Management.Automation.ErrorRecord", (ErrorRecord,), None),
        PSType("System.Xml.XmlDocument", (), lambda v: __import__("vboshell.runtime.xmldoc", fromlist=["x"]).parse_xml(v),
               check=lambda v: type(v).__name__ == "XmlDocument"),
        PSType("System.Exception", (), None, check=lambda v: _exc_check(v, "System.Exception")),
        PSType("System.Management.Automation.RuntimeException", (), None,
               check=lambda v: _exc_check(v, "System.Management.Automation.RuntimeException")),
    ]
    spm = next(t for t in types if t.full_name == "System.Net.ServicePointManager")
    spm.settable = {"securityprotocol", "servercertificatevalidationcallback", "expect100continue",
                    "defaultconnectionlimit"}
    return {t.full_name.lower(): t for t in types}


def _exc_check(v: Any, name: str) -> bool:
    from vboshell.runtime.errorsupport import exception_is

    return exception_is(v, name)


def _raise_exit(code: Any) -> None:
    from vboshell.runtime.flow import ExitSignal

    raise ExitSignal(int(_num(code)))


def _get_name_change_ext(p: Any, e: Any) -> str:
    s = to_string(p)
    head, name = _split_path(s)
    i = name.rfind(".")
    base = name[:i] if i >= 0 else name
    ext = to_string(e)
    if ext and not ext.startswith("."):
        ext = "." + ext
    new = base + ext
    return (head + s[len(head)] + new) if head else new


def _is_secure(v: Any) -> bool:
    from vboshell.runtime.securestring import SecureString

    return isinstance(v, SecureString)


def _is_cred(v: Any) -> bool:
    from vboshell.runtime.securestring import PSCredential

    return isinstance(v, PSCredential)


def _bool_parse(s: Any) -> bool:
    t = to_string(s).strip().lower()
    if t == "true":
        return True
    if t == "false":
        return False
    raise PSTypeError(f'Exception calling "Parse" with "1" argument(s): "String \'{to_string(s)}\' was not recognized as a valid Boolean."',
                      "FormatException", exception_type="MethodInvocationException")


def _regex_static(op: str, s: Any, p: Any, *rest: Any) -> Any:
    from vboshell.runtime.members import invoke_method

    opts = None
    if op == "Replace":
        repl, *more = rest
        opts = more[0] if more else None
        return invoke_method(Regex(to_string(p), opts), "Replace", [s, repl])
    opts = rest[0] if rest else None
    return invoke_method(Regex(to_string(p), opts), op, [s])


ACCELERATORS: dict[str, str] = {
    "int": "System.Int32", "int32": "System.Int32", "long": "System.Int64", "int64": "System.Int64",
    "int16": "System.Int16", "short": "System.Int16", "uint32": "System.UInt32", "uint64": "System.UInt64",
    "uint": "System.UInt32", "ulong": "System.UInt64",
    "double": "System.Double", "single": "System.Single", "float": "System.Single", "decimal": "System.Decimal",
    "string": "System.String", "bool": "System.Boolean", "boolean": "System.Boolean", "char": "System.Char",
    "byte": "System.Byte", "sbyte": "System.SByte", "datetime": "System.DateTime", "timespan": "System.TimeSpan",
    "guid": "System.Guid", "array": "System.Array", "hashtable": "System.Collections.Hashtable",
    "ordered": "System.Collections.Specialized.OrderedDictionary",
    "pscustomobject": "System.Management.Automation.PSCustomObject",
    "psobject": "System.Management.Automation.PSObject", "object": "System.Object",
    "regex": "System.Text.RegularExpressions.Regex", "scriptblock": "System.Management.Automation.ScriptBlock",
    "switch": "System.Management.Automation.SwitchParameter", "math": "System.Math",
    "convert": "System.Convert", "environment": "System.Environment", "securestring": "System.Security.SecureString",
    "pscredential": "System.Management.Automation.PSCredential", "void": "System.Void", "uri": "System.Uri",
    "ref": "System.Management.Automation.PSReference", "errorrecord": "System.Management.Automation.ErrorRecord",
    "exception": "System.Exception", "io.path": "System.IO.Path", "io.file": "System.IO.File",
    "io.directory": "System.IO.Directory", "text.encoding": "System.Text.Encoding",
    "collections.arraylist": "System.Collections.ArrayList", "collections.hashtable": "System.Collections.Hashtable",
    "management.automation.pscredential": "System.Management.Automation.PSCredential",
    "management.automation.runtimeexception": "System.Management.Automation.RuntimeException",
    "net.webutility": "System.Net.WebUtility", "net.securityprotocoltype": "System.Net.SecurityProtocolType",
    "net.servicepointmanager": "System.Net.ServicePointManager", "reflection.assembly": "System.Reflection.Assembly", "version": "System.Version", "console": "System.Console", "xml": "System.Xml.XmlDocument", "xml.xmldocument": "System.Xml.XmlDocument", "midpointrounding": "System.MidpointRounding",
    "stringsplitoptions": "System.StringSplitOptions", "stringcomparison": "System.StringComparison", "text.regularexpressions.regex": "System.Text.RegularExpressions.Regex",
    "security.securestring": "System.Security.SecureString", "text.stringbuilder": "System.Text.StringBuilder",
}

_TYPES: dict[str, PSType] | None = None
_CACHE: dict[Any, PSType] = {}

_PY_TYPES: dict[Any, str] = {
    int: "System.Int32", float: "System.Double", str: "System.String", bool: "System.Boolean",
    decimal.Decimal: "System.Decimal", _dt.datetime: "System.DateTime", _dt.timedelta: "System.TimeSpan",
    uuid.UUID: "System.Guid", list: "System.Object[]", dict: "System.Collections.Hashtable", object: "System.Object",
    Hashtable: "System.Collections.Hashtable", PSObject: "System.Management.Automation.PSCustomObject",
    ScriptBlock: "System.Management.Automation.ScriptBlock", Char: "System.Char", DateTime: "System.DateTime",
    TimeSpan: "System.TimeSpan", ArrayList: "System.Collections.ArrayList",
}


class ArrayType(PSType):
    def __init__(self, element: PSType) -> None:
        super().__init__(element.full_name + "[]")
        self.element = element

    def is_instance(self, value: Any) -> bool:
        return isinstance(value, (list, tuple))

    def convert(self, value: Any) -> list[Any]:
        if isinstance(value, str) and self.element.full_name == "System.Char":
            return [Char(c) for c in value]
        items = _array(value)
        if self.element.full_name == "System.Object":
            return list(items)
        return [self.element.convert(v) for v in items]


class GenericListType(PSType):
    def __init__(self, element: PSType) -> None:
        super().__init__(f"System.Collections.Generic.List[{element.full_name}]")
        self.element = element

    def is_instance(self, value: Any) -> bool:
        return isinstance(value, GenericList)

    def convert(self, value: Any) -> GenericList:
        items = _array(value)
        return GenericList([self.element.convert(v) for v in items], self.element.full_name)


class GenericDictType(PSType):
    def __init__(self, name: str) -> None:
        super().__init__(name)

    def is_instance(self, value: Any) -> bool:
        return isinstance(value, dict)

    def convert(self, value: Any) -> Hashtable:
        return _hashtable(value) if value is not None else Hashtable()


class ClassType(PSType):
    """A Python class (domain object, registered @ps_type class) used as a parameter type."""

    def __init__(self, cls: type) -> None:
        names = type_names_of_class(cls)
        super().__init__(names, (cls,))
        self.cls = cls

    def convert(self, value: Any) -> Any:
        value = _unwrap_single(value)
        if value is None or isinstance(value, self.cls):
            return value
        if isinstance(self.cls, type) and issubclass(self.cls, enum.Enum):
            return _enum_convert(self.cls, value, self.full_name)
        conv = getattr(self.cls, "ps_convert", None)
        if callable(conv):
            r = conv(value)
            if r is not None:
                return r
        raise _cast_error(value, self.full_name)


def type_names_of_class(cls: type) -> str:
    from vboshell.runtime.psobject import _TYPE_REGISTRY

    for c in cls.__mro__:
        entry = _TYPE_REGISTRY.get(c)
        if entry:
            return entry[0][0]
    return getattr(cls, "ps_type_name", None) or cls.__name__


class UnknownTypeError(PSTypeError):
    def __init__(self, name: str) -> None:
        super().__init__(f"Unable to find type [{name}].", "TypeNotFound", ErrorCategory.InvalidOperation,
                         target=name)


def find_type(name: str) -> PSType | None:
    """Resolve a type name as written in a script; None if unknown."""
    global _TYPES
    if _TYPES is None:
        _register_extra()
    key = name.strip().lower().replace(" ", "")
    if key in _CACHE:
        return _CACHE[key]
    t: PSType | None = None
    if key.endswith("[]"):
        el = find_type(name.strip()[:-2])
        t = ArrayType(el) if el else None
    else:
        m = re.match(r"^(?:system\.)?collections\.generic\.(list|dictionary|hashset)\[(.*)\]$", key)
        if m:
            if m.group(1) == "list" or m.group(1) == "hashset":
                el = find_type(m.group(2))
                t = GenericListType(el) if el else None
            else:
                t = GenericDictType(f"System.Collections.Generic.Dictionary[{m.group(2)}]")
        else:
            full = ACCELERATORS.get(key)
            if full is None and key.startswith("system."):
                full = key
            if full is None:
                full = ACCELERATORS.get(key.removeprefix("system.")) or ("system." + key)
            t = _TYPES.get(full.lower())
            if t is None:
                t = _TYPES.get(key)
            if t is None:
                t = _domain_type(name)
    if t is not None:
        _CACHE[key] = t
    return t


def _domain_type(name: str) -> PSType | None:
    from vboshell.runtime.psobject import _TYPE_REGISTRY

    low = name.lower()
    for cls, (names, _view) in list(_TYPE_REGISTRY.items()):
        full = names[0].lower()
        if full == low or full.rsplit(".", 1)[-1] == low or cls.__name__.lower() == low:
            return ClassType(cls)
    return None


def resolve_type(spec: Any) -> PSType:
    """A PSType for a name ('int', 'string[]'), a Python type, or a PSType; raises UnknownTypeError."""
    if isinstance(spec, PSType):
        return spec
    if isinstance(spec, str):
        t = find_type(spec)
        if t is None:
            raise UnknownTypeError(spec)
        return t
    if isinstance(spec, type):
        if spec in _CACHE:
            return _CACHE[spec]
        full = _PY_TYPES.get(spec)
        if full is not None:
            t = find_type(full)
            assert t is not None
        else:
            from vboshell.commands.base import SecureStringType, Switch

            if spec is Switch:
                t = find_type("switch")
            elif spec is SecureStringType:
                t = find_type("securestring")
            else:
                t = ClassType(spec)
        assert t is not None
        _CACHE[spec] = t
        return t
    raise UnknownTypeError(str(spec))


def type_name_of(value: Any) -> str:
    """The .NET full name of a value's type (GetType().FullName)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "System.Boolean"
    if isinstance(value, int):
        return "System.Int32" if INT32_MIN <= value <= INT32_MAX else "System.Int64"
    explicit = getattr(value, "ps_type_name", None)
    if isinstance(explicit, str):
        return explicit
    if isinstance(value, float):
        return "System.Double"
    if isinstance(value, str):
        return "System.String"
    if isinstance(value, decimal.Decimal):
        return "System.Decimal"
    if isinstance(value, _dt.datetime):
        return "System.DateTime"
    if isinstance(value, _dt.timedelta):
        return "System.TimeSpan"
    if isinstance(value, uuid.UUID):
        return "System.Guid"
    if isinstance(value, (list, tuple)):
        return "System.Object[]"
    if isinstance(value, dict):
        return "System.Collections.Hashtable"
    if isinstance(value, PSObject):
        return "System.Management.Automation.PSCustomObject"
    if isinstance(value, PSType):
        return "System.RuntimeType"
    if isinstance(value, ErrorRecord):
        return "System.Management.Automation.ErrorRecord"
    return type_names_of(value)[0]


def _num(v: Any) -> Any:
    from vboshell.runtime.conversions import to_number

    return to_number(v)


class StringBuilder:
    """System.Text.StringBuilder: Append/AppendLine/AppendFormat/Insert/Clear/ToString, Length."""

    ps_type_name = "System.Text.StringBuilder"

    def __init__(self, text: str = "") -> None:
        self.parts: list[str] = [text] if text else []

    @property
    def Length(self) -> int:  # noqa: N802
        return len("".join(self.parts))

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("Capacity", max(16, self.Length)), ("MaxCapacity", 2147483647), ("Length", self.Length)]

    def Append(self, value: Any = None, *a: Any) -> StringBuilder:  # noqa: N802
        self.parts.append(to_string(value))
        return self

    def AppendLine(self, value: Any = None) -> StringBuilder:  # noqa: N802
        self.parts.append(to_string(value) + os.linesep)
        return self

    def AppendFormat(self, fmt: Any, *args: Any) -> StringBuilder:  # noqa: N802
        from vboshell.runtime.dotnetfmt import composite_format

        self.parts.append(composite_format(to_string(fmt), list(args)))
        return self

    def Insert(self, index: Any, value: Any) -> StringBuilder:  # noqa: N802
        s = "".join(self.parts)
        i = int(index)
        self.parts = [s[:i] + to_string(value) + s[i:]]
        return self

    def Clear(self) -> StringBuilder:  # noqa: N802
        self.parts = []
        return self

    def ToString(self) -> str:  # noqa: N802
        return "".join(self.parts)

    def __ps_str__(self) -> str:
        return "".join(self.parts)


def _register_extra() -> None:
    global _TYPES
    if _TYPES is None:
        _TYPES = _type_map()
    _TYPES["system.text.stringbuilder"] = PSType("System.Text.StringBuilder", (StringBuilder,), None)


def _enum_convert(cls: type[enum.Enum], value: Any, full: str) -> enum.Enum:
    """Enum parameters/casts: names (case-insensitive, comma lists for flags) or underlying values."""
    if isinstance(value, (int,)) and not isinstance(value, bool):
        for m in cls:
            if m.value == value:
                return m
    text = to_string(value).strip()
    for m in cls:
        if m.name.lower() == text.lower() or (isinstance(m.value, str) and m.value.lower() == text.lower()):
            return m
    names = ", ".join(m.name for m in cls)
    raise PSConversionError(
        f'Cannot convert value "{text}" to type "{full}". Error: "Unable to match the identifier name {text} to a '
        f'valid enumerator name. Specify one of the following enumerator names and try again:\n{names}"',
        "InvalidCastParseTargetInvocation")


def _eq(a: Any, b: Any) -> bool:
    from vboshell.runtime.operators import equals

    return equals(a, b, True)


def _array_sort(a: Any) -> None:
    import functools

    from vboshell.runtime.operators import compare

    if isinstance(a, list):
        a.sort(key=functools.cmp_to_key(compare))


def _sb_true(pred: Any, x: Any) -> bool:
    ctx = _current_context()
    if ctx is None:
        return False
    out = ctx.invoke_script_block(pred, x, [x])
    return to_bool(out[0] if len(out) == 1 else out)


def _console_write(args: tuple[Any, ...], newline: bool) -> None:
    """[Console]::WriteLine/Write: straight to the host, after any pending pipeline output."""
    from vboshell.runtime.dotnetfmt import composite_format

    text = composite_format(to_string(args[0]), list(args[1:])) if len(args) > 1 else (to_string(args[0]) if args else "")
    ctx = _current_context()
    if ctx is None:
        import sys

        sys.stdout.write(text + ("\n" if newline else ""))
        return
    ctx.evaluator.flush_before_host()
    if newline:
        ctx.host.write_line(text)
    else:
        ctx.host.write(text)


def _console_read() -> str:
    ctx = _current_context()
    try:
        return ctx.host.read_line("") if ctx is not None else input()
    except EOFError:
        return ""


def _version(value: Any) -> Any:
    from vboshell.runtime.scopes import _Version

    value = _unwrap_single(value)
    if type(value).__name__ == "_Version":
        return value
    text = to_string(value).strip()
    if not re.fullmatch(r"\d+(\.\d+){1,3}", text):
        raise PSConversionError(
            f'Cannot convert value "{text}" to type "System.Version". Error: "Version string portion was too short or too long."',
            "InvalidCastParseTargetInvocation")
    return _Version(text)


def _enum_value(name: str, value: int, type_name: str) -> Any:
    from vboshell.runtime.members import EnumValue

    return EnumValue(name, value, type_name)
