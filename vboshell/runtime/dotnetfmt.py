""".NET formatting in the en-US culture (Windows PowerShell's usual): composite format strings for -f and
[string]::Format, standard/custom numeric formats, DateTime and TimeSpan format strings, ParseExact."""

from __future__ import annotations

import datetime as _dt
import decimal
import math
import re
from typing import Any

from vboshell.runtime.conversions import format_double, to_string
from vboshell.runtime.errors import ErrorCategory, ErrorRecord, PSRuntimeError
from vboshell.runtime.values import DateTime, TimeSpan

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


class FormatError(PSRuntimeError):
    def __init__(self, message: str = "Error formatting a string: Input string was not in a correct format..") -> None:
        super().__init__(ErrorRecord(message=message, error_id="FormatError", category=ErrorCategory.InvalidOperation,
                                     exception_type="FormatException"))


def composite_format(fmt: str, args: list[Any]) -> str:
    """`"{0,-10} {1:N2}" -f $a, $b`."""
    out: list[str] = []
    i = 0
    n = len(fmt)
    while i < n:
        c = fmt[i]
        if c == "{":
            if i + 1 < n and fmt[i + 1] == "{":
                out.append("{")
                i += 2
                continue
            j = i + 1
            spec_chars: list[str] = []
            while j < n and fmt[j] != "}":
                if fmt[j] == "{":
                    raise FormatError()
                spec_chars.append(fmt[j])
                j += 1
            if j >= n:
                raise FormatError()
            spec = "".join(spec_chars)
            m = re.match(r"^\s*(\d+)\s*(?:,\s*(-?\d+)\s*)?(?::(.*))?$", spec, re.DOTALL)
            if not m:
                raise FormatError()
            idx = int(m.group(1))
            if idx >= len(args):
                raise FormatError("Error formatting a string: Index (zero based) must be greater than or equal to zero and less than the size of the argument list..")
            text = format_value(args[idx], m.group(3))
            if m.group(2):
                width = int(m.group(2))
                text = text.rjust(width) if width > 0 else text.ljust(-width)
            out.append(text)
            i = j + 1
            continue
        if c == "}":
            if i + 1 < n and fmt[i + 1] == "}":
                out.append("}")
                i += 2
                continue
            raise FormatError()
        out.append(c)
        i += 1
    return "".join(out)


def format_value(value: Any, spec: str | None) -> str:
    """value.ToString(spec) for numbers, dates and timespans; other values ignore spec."""
    if spec is None or spec == "":
        return to_string(value)
    if isinstance(value, bool):
        return to_string(value)
    if isinstance(value, (int, float, decimal.Decimal)):
        return format_number(value, spec)
    if isinstance(value, _dt.datetime):
        return format_datetime(value, spec)
    if isinstance(value, _dt.timedelta):
        return format_timespan(value, spec)
    fmt = getattr(value, "__ps_format__", None)
    if fmt is not None:
        return fmt(spec)
    return to_string(value)


# ------------------------------------------------------------------------------------------------
# numbers

def _dec(value: Any) -> decimal.Decimal:
    if isinstance(value, decimal.Decimal):
        return value
    if isinstance(value, float):
        return decimal.Decimal(repr(value))
    return decimal.Decimal(value)


def _round(d: decimal.Decimal, places: int) -> decimal.Decimal:
    return d.quantize(decimal.Decimal(1).scaleb(-places), rounding=decimal.ROUND_HALF_UP)


def _group(int_digits: str) -> str:
    out = []
    for k, ch in enumerate(reversed(int_digits)):
        if k and k % 3 == 0:
            out.append(",")
        out.append(ch)
    return "".join(reversed(out))


def _fixed(value: Any, places: int, grouping: bool) -> str:
    d = _round(_dec(value), places)
    neg = d < 0
    d = abs(d)
    text = f"{d:.{places}f}"
    ip, _, fp = text.partition(".")
    if grouping:
        ip = _group(ip)
    res = ip + ("." + fp if places > 0 else "")
    if neg and any(c not in "0.," for c in res):
        res = "-" + res
    return res


def format_number(value: Any, spec: str) -> str:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return format_double(value)
    m = re.match(r"^([CcDdEeFfGgNnPpXxRr])(\d{0,2})$", spec)
    if not m:
        return _custom_number(value, spec)
    kind, digits = m.group(1), m.group(2)
    prec = int(digits) if digits else None
    k = kind.upper()
    if k == "N":
        return _fixed(value, 2 if prec is None else prec, True)
    if k == "F":
        return _fixed(value, 2 if prec is None else prec, False)
    if k == "C":
        t = _fixed(value, 2 if prec is None else prec, True)
        return f"(${t[1:]})" if t.startswith("-") else f"${t}"
    if k == "P":
        t = _fixed(_dec(value) * 100, 2 if prec is None else prec, True)
        return f"{t} %"
    if k == "D":
        if not isinstance(value, int):
            raise FormatError("Error formatting a string: Format specifier was invalid..")
        s = str(abs(value)).rjust(prec or 0, "0")
        return ("-" if value < 0 else "") + s
    if k == "X":
        if not isinstance(value, int):
            raise FormatError("Error formatting a string: Format specifier was invalid..")
        v = value if value >= 0 else value + (2**32 if value >= -(2**31) else 2**64)
        s = format(v, "X" if kind == "X" else "x")
        return s.rjust(prec or 0, "0")
    if k == "E":
        p = 6 if prec is None else prec
        s = f"{float(value):.{p}E}"
        mant, exp = s.split("E")
        sign = exp[0]
        e = exp[1:].rjust(3, "0")
        s = f"{mant}{'E' if kind == 'E' else 'e'}{sign}{e}"
        return s
    if k in ("G", "R"):
        if prec and isinstance(value, float):
            s = f"{value:.{prec}G}"
            return s
        return to_string(value)
    return to_string(value)


def _custom_number(value: Any, spec: str) -> str:
    sections = _split_sections(spec)
    d = _dec(value)
    section = sections[0]
    if len(sections) >= 2 and d < 0:
        section = sections[1]
        d = abs(d)
    elif len(sections) >= 3 and d == 0:
        section = sections[2]
    percent = "%" in section
    if percent:
        d = d * 100
    # split literal parts
    fmt = section
    m = re.search(r"[0#][0#,]*(?:\.[0#]*)?|\.[0#]+", fmt)
    if not m:
        return _unescape(fmt)
    pattern = m.group(0)
    prefix, suffix = _unescape(fmt[: m.start()]), _unescape(fmt[m.end():])
    ip_pat, _, fp_pat = pattern.partition(".")
    grouping = "," in ip_pat
    scale_commas = 0
    while ip_pat.endswith(","):
        scale_commas += 1
        ip_pat = ip_pat[:-1]
    if scale_commas:
        d = d / (decimal.Decimal(1000) ** scale_commas)
    min_int = ip_pat.replace(",", "").count("0")
    max_frac = len(fp_pat)
    min_frac = len(fp_pat.rstrip("#"))
    r = _round(d, max_frac)
    neg = r < 0
    r = abs(r)
    text = f"{r:.{max_frac}f}"
    ip, _, fp = text.partition(".")
    ip = ip.lstrip("0")
    ip = ip.rjust(min_int, "0")
    fp = fp.rstrip("0").ljust(min_frac, "0") if max_frac else ""
    if grouping and ip:
        ip = _group(ip)
    body = ip + ("." + fp if fp else "")
    if not body:
        body = "0" if min_int else ""
    sign = "-" if neg and len(sections) < 2 and any(ch not in "0.," for ch in body) else ""
    return sign + prefix + body + suffix


def _split_sections(spec: str) -> list[str]:
    out, cur, i = [], [], 0
    while i < len(spec):
        c = spec[i]
        if c == "\\" and i + 1 < len(spec):
            cur.append(spec[i : i + 2])
            i += 2
            continue
        if c in "'\"":
            j = spec.find(c, i + 1)
            j = len(spec) if j < 0 else j
            cur.append(spec[i : j + 1])
            i = j + 1
            continue
        if c == ";":
            out.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    out.append("".join(cur))
    return out


def _unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if c in "'\"":
            j = text.find(c, i + 1)
            j = len(text) if j < 0 else j
            out.append(text[i + 1 : j])
            i = j + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


# ------------------------------------------------------------------------------------------------
# dates

_STANDARD_DT = {
    "d": "M/d/yyyy", "D": "dddd, MMMM d, yyyy", "t": "h:mm tt", "T": "h:mm:ss tt",
    "f": "dddd, MMMM d, yyyy h:mm tt", "F": "dddd, MMMM d, yyyy h:mm:ss tt", "g": "M/d/yyyy h:mm tt",
    "G": "M/d/yyyy h:mm:ss tt", "s": "yyyy'-'MM'-'dd'T'HH':'mm':'ss", "u": "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
    "o": "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK", "O": "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
    "r": "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'", "R": "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
    "M": "MMMM d", "m": "MMMM d", "Y": "MMMM yyyy", "y": "MMMM yyyy", "U": "dddd, MMMM d, yyyy h:mm:ss tt",
}

_DT_TOKEN = re.compile(r"(dddd|ddd|dd|d|fffffff|ffffff|fffff|ffff|fff|ff|f|FFFFFFF|FFFFFF|FFFFF|FFFF|FFF|FF|F|"
                       r"gg|g|hh|h|HH|H|K|mm|m|MMMM|MMM|MM|M|ss|s|tt|t|yyyyy|yyyy|yyy|yy|y|zzz|zz|z|:|/|"
                       r"'[^']*'|\"[^\"]*\"|\\.|%.|.)", re.DOTALL)


def format_datetime(value: _dt.datetime, spec: str) -> str:
    if len(spec) == 1 and spec in _STANDARD_DT:
        if spec in "uUrR" and value.tzinfo is not None:
            value = value.astimezone(_dt.UTC)
        if spec == "U":
            value = (value.astimezone(_dt.UTC) if value.tzinfo else value.astimezone().astimezone(_dt.UTC)).replace(tzinfo=None)
        spec = _STANDARD_DT[spec]
    elif len(spec) == 1:
        raise FormatError("Input string was not in a correct format.")
    out: list[str] = []
    for tok in _DT_TOKEN.findall(spec):
        out.append(_dt_token(value, tok))
    return "".join(out)


def _dt_token(v: _dt.datetime, tok: str) -> str:
    if tok.startswith("%") and len(tok) == 2:
        return _dt_token(v, tok[1])
    if tok.startswith(("'", '"')):
        return tok[1:-1]
    if tok.startswith("\\"):
        return tok[1:]
    c = tok[0]
    n = len(tok)
    if c == "d":
        if n == 1:
            return str(v.day)
        if n == 2:
            return f"{v.day:02d}"
        if n == 3:
            return DAYS[v.weekday()][:3]
        return DAYS[v.weekday()]
    if c == "M":
        if n == 1:
            return str(v.month)
        if n == 2:
            return f"{v.month:02d}"
        if n == 3:
            return MONTHS[v.month - 1][:3]
        return MONTHS[v.month - 1]
    if c == "y":
        if n == 1:
            return str(v.year % 100)
        if n == 2:
            return f"{v.year % 100:02d}"
        return str(v.year).rjust(n, "0")
    if c == "h":
        h = v.hour % 12 or 12
        return str(h) if n == 1 else f"{h:02d}"
    if c == "H":
        return str(v.hour) if n == 1 else f"{v.hour:02d}"
    if c == "m":
        return str(v.minute) if n == 1 else f"{v.minute:02d}"
    if c == "s":
        return str(v.second) if n == 1 else f"{v.second:02d}"
    if c == "f":
        return f"{v.microsecond:06d}0"[:n]
    if c == "F":
        return f"{v.microsecond:06d}0"[:n].rstrip("0")
    if c == "t":
        ampm = "AM" if v.hour < 12 else "PM"
        return ampm[:1] if n == 1 else ampm
    if c == "g":
        return "A.D."
    if c == "K":
        if v.tzinfo is None:
            return _local_offset(v, colon=True)
        off = v.utcoffset()
        if off == _dt.timedelta(0):
            return "Z"
        return _fmt_offset(off, True)
    if c == "z":
        off = v.utcoffset() if v.tzinfo else (v.astimezone().utcoffset() or _dt.timedelta(0))
        total = int(off.total_seconds() // 60) if off is not None else 0
        sign = "+" if total >= 0 else "-"
        hh, mm = divmod(abs(total), 60)
        if n == 1:
            return f"{sign}{hh}"
        if n == 2:
            return f"{sign}{hh:02d}"
        return f"{sign}{hh:02d}:{mm:02d}"
    if tok == ":":
        return ":"
    if tok == "/":
        return "/"
    return tok


def _local_offset(v: _dt.datetime, colon: bool) -> str:
    try:
        off = v.astimezone().utcoffset() or _dt.timedelta(0)
    except (OverflowError, ValueError, OSError):
        off = _dt.timedelta(0)
    return _fmt_offset(off, colon)


def _fmt_offset(off: _dt.timedelta, colon: bool) -> str:
    total = int(off.total_seconds() // 60)
    sign = "+" if total >= 0 else "-"
    hh, mm = divmod(abs(total), 60)
    return f"{sign}{hh:02d}{':' if colon else ''}{mm:02d}"


def format_timespan(value: _dt.timedelta, spec: str) -> str:
    ts = TimeSpan.wrap(value)
    if spec in ("c", "t", "T"):
        return str(ts)
    ticks = ts.ticks
    neg = ticks < 0
    ticks = abs(ticks)
    days, rem = divmod(ticks, 864_000_000_000)
    hours, rem = divmod(rem, 36_000_000_000)
    minutes, rem = divmod(rem, 600_000_000)
    seconds, frac = divmod(rem, 10_000_000)
    if spec in ("g", "G"):
        base = f"{days}:{hours:02d}:{minutes:02d}:{seconds:02d}" if (days or spec == "G") else \
            f"{hours}:{minutes:02d}:{seconds:02d}"
        if spec == "G":
            base = f"{days}:{hours:02d}:{minutes:02d}:{seconds:02d}.{frac:07d}"
        elif frac:
            base += "." + f"{frac:07d}".rstrip("0")
        return ("-" if neg else "") + base
    out: list[str] = []
    i = 0
    while i < len(spec):
        c = spec[i]
        if c == "\\" and i + 1 < len(spec):
            out.append(spec[i + 1])
            i += 2
            continue
        if c in "'\"":
            j = spec.find(c, i + 1)
            j = len(spec) if j < 0 else j
            out.append(spec[i + 1 : j])
            i = j + 1
            continue
        j = i
        while j < len(spec) and spec[j] == c:
            j += 1
        n = j - i
        if c == "d":
            out.append(str(days).rjust(n, "0"))
        elif c == "h":
            out.append(f"{hours:0{min(n, 2)}d}")
        elif c == "m":
            out.append(f"{minutes:0{min(n, 2)}d}")
        elif c == "s":
            out.append(f"{seconds:0{min(n, 2)}d}")
        elif c == "f":
            out.append(f"{frac:07d}"[:n])
        elif c == "F":
            out.append(f"{frac:07d}"[:n].rstrip("0"))
        else:
            raise FormatError("Input string was not in a correct format.")
        i = j
    return "".join(out)


def parse_exact(text: str, fmt: Any) -> DateTime:
    """[datetime]::ParseExact with a .NET custom format (or several)."""
    fmts = list(fmt) if isinstance(fmt, (list, tuple)) else [to_string(fmt)]
    for f in fmts:
        f = _STANDARD_DT.get(f, f) if len(f) == 1 else f
        py: list[str] = []
        for tok in _DT_TOKEN.findall(f):
            py.append(_PY_TOKENS.get(tok, None) or _lit(tok))
        try:
            d = _dt.datetime.strptime(text, "".join(py))
            return DateTime.wrap(d)
        except ValueError:
            continue
    raise PSRuntimeError(ErrorRecord(
        message='Exception calling "ParseExact" with "3" argument(s): "String was not recognized as a valid DateTime."',
        error_id="FormatException", category=ErrorCategory.NotSpecified, exception_type="MethodInvocationException"))


_PY_TOKENS = {"yyyy": "%Y", "yy": "%y", "MM": "%m", "M": "%m", "dd": "%d", "d": "%d", "HH": "%H", "H": "%H",
              "hh": "%I", "h": "%I", "mm": "%M", "m": "%M", "ss": "%S", "s": "%S", "tt": "%p", "MMM": "%b",
              "MMMM": "%B", "ddd": "%a", "dddd": "%A", "fff": "%f", "ffffff": "%f", "fffffff": "%f", "zzz": "%z",
              "K": "%z"}


def _lit(tok: str) -> str:
    if tok.startswith(("'", '"')):
        t = tok[1:-1]
    elif tok.startswith("\\"):
        t = tok[1:]
    else:
        t = tok
    return t.replace("%", "%%")
