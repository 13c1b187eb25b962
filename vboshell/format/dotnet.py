"""A small .NET-style `ToString(format)` for numbers and dates (N2, F1, D5, P0, X, E, C, custom 0.00/#,##0).
Used by calculated properties' FormatString and Get-Date; rounding is half away from zero as in .NET Framework."""

from __future__ import annotations

import datetime as _dt
import decimal
import re
from typing import Any

from vboshell.format.values import dotnet_format_datetime, format_double, is_number, scalar_text

_STD = re.compile(r"^([CcDdEeFfGgNnPpRrXx])(\d{0,2})$")


def _to_decimal(value: Any) -> decimal.Decimal:
    if isinstance(value, decimal.Decimal):
        return value
    if isinstance(value, float):
        return decimal.Decimal(format_double(value).replace("E", "e")) if value == value else decimal.Decimal(0)
    return decimal.Decimal(value)


def _round(d: decimal.Decimal, places: int) -> decimal.Decimal:
    q = decimal.Decimal(1).scaleb(-places)
    with decimal.localcontext() as ctx:
        ctx.prec = 60
        return d.quantize(q, rounding=decimal.ROUND_HALF_UP)


def _group(intpart: str) -> str:
    out = []
    while len(intpart) > 3:
        out.insert(0, intpart[-3:])
        intpart = intpart[:-3]
    out.insert(0, intpart)
    return ",".join(out)


def _fixed(d: decimal.Decimal, places: int, grouping: bool) -> str:
    r = _round(d, places)
    neg = r < 0
    text = format(abs(r), "f")
    if "." in text:
        ip, fp = text.split(".")
    else:
        ip, fp = text, ""
    if grouping:
        ip = _group(ip)
    res = ip + ("." + fp if places > 0 else "")
    if neg and r != 0:
        res = "-" + res
    return res


def format_number(value: Any, fmt: str) -> str:
    """Number.ToString(fmt) for the standard specifiers and simple custom patterns."""
    if isinstance(value, bool):
        return "True" if value else "False"
    m = _STD.match(fmt)
    if m:
        spec, digits = m.group(1), m.group(2)
        prec = int(digits) if digits else None
        s = spec.upper()
        if s == "N":
            return _fixed(_to_decimal(value), 2 if prec is None else prec, True)
        if s == "F":
            return _fixed(_to_decimal(value), 2 if prec is None else prec, False)
        if s == "P":
            return _fixed(_to_decimal(value) * 100, 2 if prec is None else prec, True) + " %"
        if s == "C":
            text = _fixed(_to_decimal(value), 2 if prec is None else prec, True)
            return f"(${text[1:]})" if text.startswith("-") else f"${text}"
        if s == "D":
            if not isinstance(value, int):
                raise ValueError("Format specifier was invalid.")
            body = str(abs(value)).rjust(prec or 0, "0")
            return ("-" if value < 0 else "") + body
        if s == "X":
            if not isinstance(value, int):
                raise ValueError("Format specifier was invalid.")
            v = value if value >= 0 else value & 0xFFFFFFFF
            text = format(v, "X" if spec == "X" else "x")
            return text.rjust(prec or 0, "0")
        if s == "E":
            p = 6 if prec is None else prec
            text = f"{float(value):.{p}e}"
            mant, exp = text.split("e")
            return f"{mant}{spec}{exp[0]}{exp[1:].rjust(3, '0')}"
        if s in ("G", "R"):
            if prec:
                return format_double(float(f"{float(value):.{prec}g}"))
            return scalar_text(value)
    return _custom_number(value, fmt)


def _custom_number(value: Any, fmt: str) -> str:
    d = _to_decimal(value)
    section = fmt.split(";")[0]
    percent = "%" in section
    if percent:
        d = d * 100
    core = re.sub(r"[^0#.,]", "", section)
    prefix = section[: len(section) - len(section.lstrip("'\"$ "))] if section else ""
    if "." in core:
        ip_pat, fp_pat = core.split(".", 1)
    else:
        ip_pat, fp_pat = core, ""
    grouping = "," in ip_pat
    ip_pat = ip_pat.replace(",", "")
    min_frac = fp_pat.count("0")
    max_frac = len(fp_pat.replace(",", ""))
    r = _round(d, max_frac)
    neg = r < 0
    text = format(abs(r), "f")
    ip, _, fp = text.partition(".")
    fp = fp.ljust(max_frac, "0")[:max_frac]
    while len(fp) > min_frac and fp.endswith("0"):
        fp = fp[:-1]
    min_int = ip_pat.count("0")
    if ip == "0" and min_int == 0:
        ip = ""
    ip = ip.rjust(min_int, "0")
    if grouping and ip:
        ip = _group(ip)
    res = ip + ("." + fp if fp else "")
    if not res:
        res = "0" if min_int else ""
    if neg and r != 0:
        res = "-" + res
    suffix = ""
    tail = section[section.rfind(core[-1]) + 1:] if core and core[-1] in section else ""
    if tail:
        suffix = tail.replace("'", "").replace('"', "")
    elif percent:
        suffix = "%"
    return prefix.replace("'", "").replace('"', "") + res + suffix


def format_value(value: Any, fmt: str) -> str:
    """`{0:fmt}` for one value: dates use date formats, numbers number formats, anything else its string.
    The runtime's formatter (the one behind `-f`) is used when present, so both always agree."""
    try:
        from vboshell.runtime.dotnetfmt import format_value as rt_format_value
    except ImportError:
        rt_format_value = None
    if rt_format_value is not None:
        try:
            return str(rt_format_value(value, fmt))
        except Exception:  # noqa: BLE001 - fall back to this module's formatter
            pass
    return local_format_value(value, fmt)


def local_format_value(value: Any, fmt: str) -> str:
    """This module's own `{0:fmt}` (used when the runtime formatter is unavailable or refuses a value)."""
    if isinstance(value, _dt.datetime):
        return dotnet_format_datetime(value, fmt)
    if isinstance(value, _dt.date):
        return dotnet_format_datetime(_dt.datetime(value.year, value.month, value.day), fmt)
    if is_number(value):
        return format_number(value, fmt)
    return scalar_text(value)
