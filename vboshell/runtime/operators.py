"""PowerShell operators: comparison (left operand decides, arrays on the left filter), arithmetic with
PowerShell's type rules, -like/-match/-replace/-split/-join/-f, -is/-as, bitwise, ranges. Stable API for cmdlets."""

from __future__ import annotations

import datetime as _dt
import decimal
import enum
import functools
import math
import re
import uuid
from collections.abc import Callable
from typing import Any

from vboshell.runtime.conversions import (
    PSConversionError,
    normalize_int,
    parse_number,
    to_bool,
    to_number,
    to_string,
)
from vboshell.runtime.errors import ErrorCategory, ErrorRecord, PSRuntimeError
from vboshell.runtime.psobject import PSObject
from vboshell.runtime.values import (
    Char,
    DateTime,
    Hashtable,
    OrderedHashtable,
    TimeSpan,
    is_enumerable,
    iter_enumerable,
)


class PSOperatorError(PSRuntimeError):
    def __init__(self, message: str, error_id: str, category: ErrorCategory = ErrorCategory.InvalidOperation,
                 target: Any = None, exception_type: str = "RuntimeException") -> None:
        super().__init__(ErrorRecord(message=message, error_id=error_id, category=category, target_object=target,
                                     exception_type=exception_type))


# ------------------------------------------------------------------------------------------------
# regex and wildcards

_NAMED_GROUP = re.compile(r"\(\?<(?![=!])([A-Za-z_][A-Za-z0-9_]*)>")
_NAMED_BACKREF = re.compile(r"\\k<([A-Za-z_][A-Za-z0-9_]*)>")
_QUOTED_GROUP = re.compile(r"\(\?'([A-Za-z_][A-Za-z0-9_]*)'")


def translate_regex(pattern: str) -> str:
    """.NET regex syntax -> Python's (named groups, named backreferences)."""
    p = _NAMED_GROUP.sub(r"(?P<\1>", pattern)
    p = _QUOTED_GROUP.sub(r"(?P<\1>", p)
    p = _NAMED_BACKREF.sub(r"(?P=\1)", p)
    return p


@functools.lru_cache(maxsize=512)
def compile_regex(pattern: str, case_sensitive: bool = False) -> re.Pattern[str]:
    flags = 0 if case_sensitive else re.IGNORECASE
    try:
        return re.compile(translate_regex(pattern), flags)
    except (re.error, OverflowError, RecursionError) as e:
        raise PSOperatorError(
            f'The regular expression pattern {pattern} is not valid.', "InvalidRegularExpression",
            ErrorCategory.InvalidOperation, target=pattern, exception_type="RuntimeException") from e


@functools.lru_cache(maxsize=512)
def wildcard_to_regex(pattern: str, case_sensitive: bool = False) -> re.Pattern[str]:
    """PowerShell wildcards (* ? [abc] [a-z], backtick escapes) as an anchored regex."""
    out = []
    i = 0
    n = len(pattern)
    while i < n:
        c = pattern[i]
        if c == "`" and i + 1 < n:
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if c == "*":
            out.append(".*")
        elif c == "?":
            out.append(".")
        elif c == "[":
            j = pattern.find("]", i + 1)
            if j < 0:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : j]
                body = body.replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body + "]")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    flags = re.DOTALL | (0 if case_sensitive else re.IGNORECASE)
    try:
        return re.compile("".join(out) + r"\Z", flags)
    except re.error:
        return re.compile(re.escape(pattern) + r"\Z", flags)


def has_wildcards(text: str) -> bool:
    return any(c in text for c in "*?[")


def like(s: Any, pattern: Any, case_sensitive: bool = False) -> bool:
    """`s -like pattern` for one value."""
    return wildcard_to_regex(to_string(pattern), case_sensitive).match(to_string(s)) is not None


def match(s: Any, pattern: Any, case_sensitive: bool = False) -> Hashtable | None:
    """`s -match pattern` for one value: the $Matches hashtable (0, 1, ..., named groups) or None."""
    m = compile_regex(to_string(pattern), case_sensitive).search(to_string(s))
    if m is None:
        return None
    return matches_table(m)


def matches_table(m: re.Match[str]) -> Hashtable:
    h = Hashtable()
    named = {v: k for k, v in m.re.groupindex.items()}
    # PowerShell lists named groups first (by name) then numbered ones, descending; keep a readable order
    for idx in range(m.re.groups, -1, -1):
        val = m.group(idx)
        if val is None:
            continue
        key: Any = named.get(idx, idx)
        h[key] = val
    return h


def convert_replacement(repl: str) -> Callable[[re.Match[str]], str]:
    """.NET replacement syntax ($1, ${name}, $0, $&, $$, $_, $`, $') as a Python callable."""
    tokens: list[tuple[str, Any]] = []
    i = 0
    lit: list[str] = []
    while i < len(repl):
        c = repl[i]
        if c == "$" and i + 1 < len(repl):
            nxt = repl[i + 1]
            if nxt == "$":
                lit.append("$")
                i += 2
                continue
            if nxt == "{":
                j = repl.find("}", i + 2)
                if j > 0:
                    name = repl[i + 2 : j]
                    tokens.append(("lit", "".join(lit)))
                    lit = []
                    tokens.append(("grp", int(name) if name.isdigit() else name))
                    i = j + 1
                    continue
            if nxt.isdigit():
                j = i + 1
                while j < len(repl) and repl[j].isdigit():
                    j += 1
                tokens.append(("lit", "".join(lit)))
                lit = []
                tokens.append(("grp", int(repl[i + 1 : j])))
                i = j
                continue
            if nxt == "&":
                tokens.append(("lit", "".join(lit)))
                lit = []
                tokens.append(("grp", 0))
                i += 2
                continue
            if nxt in "_`'":
                tokens.append(("lit", "".join(lit)))
                lit = []
                tokens.append(("special", nxt))
                i += 2
                continue
        lit.append(c)
        i += 1
    tokens.append(("lit", "".join(lit)))

    def fn(m: re.Match[str]) -> str:
        out = []
        for kind, val in tokens:
            if kind == "lit":
                out.append(val)
            elif kind == "grp":
                try:
                    out.append(m.group(val) or "")
                except (IndexError, error_types()):
                    out.append("$" + (str(val) if isinstance(val, int) else "{" + val + "}"))
            else:
                s = m.string
                out.append(s if val == "_" else s[: m.start()] if val == "`" else s[m.end():])
        return "".join(out)

    return fn


def error_types() -> type[BaseException]:
    return re.error


def replace(s: Any, pattern: Any, replacement: Any = "", case_sensitive: bool = False) -> str:
    rx = compile_regex(to_string(pattern), case_sensitive)
    from vboshell.runtime.values import ScriptBlock

    if isinstance(replacement, ScriptBlock):
        raise PSOperatorError("Script block replacements require PowerShell 6 or later.", "BadReplaceArgument")
    return rx.sub(convert_replacement(to_string(replacement)), to_string(s))


def split(s: Any, pattern: Any = None, max_count: int = 0, options: str = "", case_sensitive: bool = False) -> list[str]:
    text = to_string(s)
    if pattern is None:
        return text.split()
    opts = options.lower()
    pat = to_string(pattern)
    if "simplematch" in opts:
        pat = re.escape(pat)
    if "ignorecase" in opts:
        case_sensitive = False
    if pat == "":
        parts = [c for c in text]
        if max_count > 0 and len(parts) > max_count:
            parts = parts[: max_count - 1] + ["".join(parts[max_count - 1 :])]
        return [""] + parts + [""] if parts else [""]
    rx = compile_regex(pat, case_sensitive)
    maxsplit = max_count - 1 if max_count > 0 else 0
    if max_count == 1:
        return [text]
    return [p if p is not None else "" for p in rx.split(text, maxsplit=maxsplit)]


def join(values: Any, sep: Any = "") -> str:
    items = _as_list(values)
    return to_string(sep).join(to_string(v) for v in items)


def _as_list(v: Any) -> list[Any]:
    if v is None:
        return []
    it = iter_enumerable(v)
    if it is not None:
        return list(it)
    return [v]


# ------------------------------------------------------------------------------------------------
# equality and comparison

def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float, decimal.Decimal)) and not isinstance(v, bool)


def _coerce_number(v: Any) -> Any:
    """Right operand converted to a number; raises PSConversionError."""
    if isinstance(v, str):
        if v.strip() == "":
            return 0
        n = parse_number(v)
        if n is None:
            raise PSConversionError(f'Cannot convert value "{v}" to type "System.Int32".')
        return n
    return to_number(v)


def equals(a: Any, b: Any, case_sensitive: bool = False) -> bool:
    """`a -eq b` for a scalar left operand (the left operand decides the comparison type)."""
    if a is None:
        return b is None
    if b is None:
        return False
    if isinstance(a, enum.Enum):
        if isinstance(b, enum.Enum):
            return a is b
        if isinstance(b, (int, float)) and not isinstance(b, bool) and isinstance(a.value, int):
            return a.value == b
        bs = to_string(b)
        return a.name == bs if case_sensitive else a.name.lower() == bs.lower()
    if isinstance(a, str) and not isinstance(a, Char) or isinstance(a, Char):
        bs = to_string(b)
        return a == bs if case_sensitive else (a.lower() == bs.lower() or a.casefold() == bs.casefold())
    if isinstance(a, bool):
        return a == to_bool(b)
    if _is_number(a):
        if isinstance(b, bool):
            return a == int(b)
        try:
            nb = _coerce_number(b)
        except (PSRuntimeError, TypeError, ValueError):
            return False
        try:
            if isinstance(a, decimal.Decimal) or isinstance(nb, decimal.Decimal):
                return decimal.Decimal(repr(a) if isinstance(a, float) else a) == decimal.Decimal(
                    repr(nb) if isinstance(nb, float) else nb)
        except (decimal.InvalidOperation, ValueError):
            return False
        return a == nb
    if isinstance(a, _dt.datetime):
        from vboshell.runtime.types import resolve_type

        try:
            bd = resolve_type("datetime").convert(b)
        except PSRuntimeError:
            return False
        return _naive(a) == _naive(bd)
    if isinstance(a, _dt.timedelta):
        if isinstance(b, _dt.timedelta):
            return a == b
        return False
    if isinstance(a, uuid.UUID):
        try:
            return a == uuid.UUID(to_string(b))
        except ValueError:
            return False
    if isinstance(a, PSObject) or isinstance(a, dict) or isinstance(a, list):
        return a is b
    try:
        eq = getattr(a, "__ps_eq__", None)
        if eq is not None:
            return bool(eq(b))
        return bool(a == b)
    except Exception:
        return False


def _naive(d: _dt.datetime) -> _dt.datetime:
    if d.tzinfo is not None:
        return d.astimezone().replace(tzinfo=None)
    return d


def compare(a: Any, b: Any, case_sensitive: bool = False) -> int:
    """-1/0/1 ordering with the left operand's type deciding (Sort-Object, -lt/-gt). $null sorts first.
    Raises PSOperatorError when the values cannot be compared."""
    if a is None and b is None:
        return 0
    if a is None:
        return -1 if not (isinstance(b, str) and b == "") else 0
    if b is None:
        return 1 if not (isinstance(a, str) and a == "") else 0
    if isinstance(a, enum.Enum):
        av = a.value if isinstance(a.value, (int, float)) else a.name
        bv = b.value if isinstance(b, enum.Enum) and isinstance(b.value, (int, float)) else (
            b.name if isinstance(b, enum.Enum) else b)
        return compare(av, bv, case_sensitive)
    if isinstance(a, str):
        x, y = a, to_string(b)
        if not case_sensitive:
            xl, yl = x.lower(), y.lower()
            if xl != yl:
                return -1 if _culture_key(xl) < _culture_key(yl) else 1
            return 0
        if x == y:
            return 0
        kx, ky = _culture_key(x.lower()), _culture_key(y.lower())
        if kx != ky:
            return -1 if kx < ky else 1
        # same letters: lower case sorts before upper case in .NET culture comparison
        return -1 if x.swapcase() < y.swapcase() else 1
    if isinstance(a, bool):
        bb = to_bool(b)
        return (a > bb) - (a < bb)
    if _is_number(a):
        try:
            nb = _coerce_number(b)
        except PSRuntimeError:
            raise PSOperatorError(
                f'Could not compare "{to_string(a)}" to "{to_string(b)}". Error: "Cannot convert value "{to_string(b)}" to type "{_tn(a)}". Error: "Input string was not in a correct format.""',
                "ComparisonFailure", ErrorCategory.NotSpecified) from None
        if isinstance(a, float) and math.isnan(a):
            return -1 if not (isinstance(nb, float) and math.isnan(nb)) else 0
        try:
            return (a > nb) - (a < nb)
        except TypeError:
            fa, fb = float(a), float(nb)
            return (fa > fb) - (fa < fb)
    if isinstance(a, _dt.datetime):
        from vboshell.runtime.types import resolve_type

        bd = _naive(resolve_type("datetime").convert(b))
        na = _naive(a)
        return (na > bd) - (na < bd)
    if isinstance(a, _dt.timedelta):
        from vboshell.runtime.types import resolve_type

        bt = resolve_type("timespan").convert(b)
        return (a > bt) - (a < bt)
    if isinstance(a, uuid.UUID):
        return compare(str(a), to_string(b), case_sensitive)
    cmp = getattr(a, "__ps_compare__", None)
    if cmp is not None:
        return int(cmp(b))
    raise PSOperatorError(
        f'Cannot compare "{to_string(a)}" because it is not IComparable.', "NotIcomparable",
        ErrorCategory.InvalidOperation)


def _culture_key(s: str) -> str:
    # an approximation of culture-aware ordering: ignore hyphens/apostrophes like .NET's word sort
    return s.replace("-", "").replace("'", "") if ("-" in s or "'" in s) else s


def _tn(v: Any) -> str:
    from vboshell.runtime.types import type_name_of

    return type_name_of(v)


# ------------------------------------------------------------------------------------------------
# arithmetic

def _div_zero() -> PSOperatorError:
    return PSOperatorError("Attempted to divide by zero.", "RuntimeException", ErrorCategory.NotSpecified,
                           exception_type="RuntimeException")


def _op_error(op: str, left: Any, right: Any) -> PSOperatorError:
    opname = {"+": "op_Addition", "-": "op_Subtraction", "*": "op_Multiply", "/": "op_Division",
              "%": "op_Modulus"}.get(op, op)
    return PSOperatorError(f'Method invocation failed because [{_tn(left)}] does not contain a method named \'{opname}\'.',
                           "MethodNotFound", ErrorCategory.InvalidOperation)


def _arith_numbers(op: str, x: Any, y: Any) -> Any:
    if isinstance(x, decimal.Decimal) or isinstance(y, decimal.Decimal):
        if isinstance(x, float) or isinstance(y, float):
            x, y = float(x), float(y)
        else:
            x, y = decimal.Decimal(x), decimal.Decimal(y)
    if op == "+":
        r = x + y
    elif op == "-":
        r = x - y
    elif op == "*":
        r = x * y
    elif op == "/":
        if y == 0:
            if isinstance(x, float) or isinstance(y, float):
                if x == 0 or (isinstance(x, float) and math.isnan(x)):
                    return float("nan")
                return math.copysign(float("inf"), x) * (math.copysign(1, y) if isinstance(y, float) else 1)
            raise _div_zero()
        if isinstance(x, int) and isinstance(y, int):
            q, rem = divmod(x, y)
            if rem == 0:
                return normalize_int(q)
            return x / y
        r = x / y
    elif op == "%":
        if y == 0:
            if isinstance(x, float) or isinstance(y, float):
                return float("nan")
            raise _div_zero()
        if isinstance(x, int) and isinstance(y, int):
            r = abs(x) % abs(y)
            return -r if x < 0 else r
        if isinstance(x, decimal.Decimal):
            return x.__mod__(y)
        return math.fmod(x, y)
    else:
        raise _op_error(op, x, y)
    if isinstance(r, int):
        return normalize_int(r)
    return r


def _as_arith_number(v: Any) -> Any:
    if isinstance(v, Char):
        return ord(v)
    return to_number(v)


def arithmetic(op: str, left: Any, right: Any) -> Any:
    """+ - * / % with PowerShell's rules (left operand decides)."""
    if left is None:
        if op == "+":
            if right is None:
                return None
            return right if not is_enumerable(right) else list(iter_enumerable(right) or [])
        if op in ("-", "*", "/", "%"):
            left = 0 if not isinstance(right, str) else 0
    if isinstance(left, (list, tuple)) or (is_enumerable(left) and not isinstance(left, dict)):
        items = list(left) if isinstance(left, (list, tuple)) else list(iter_enumerable(left) or [])
        if op == "+":
            if right is not None and is_enumerable(right):
                return items + list(iter_enumerable(right) or [])
            return items + [right]
        if op == "*":
            n = int(_as_arith_number(right))
            return items * max(n, 0)
        raise _op_error(op, left, right)
    if isinstance(left, dict):
        if op == "+":
            if not isinstance(right, dict):
                raise PSOperatorError("A hash table can only be added to another hash table.", "AddHashTableToNonHashTable")
            new = OrderedHashtable() if isinstance(left, OrderedHashtable) else Hashtable()
            for k, v in left.items():
                new[k] = v
            for k, v in right.items():
                if k in new:
                    raise PSOperatorError(
                        f"Item has already been added. Key in dictionary: '{k}'  Key being added: '{k}'",
                        "System.ArgumentException", ErrorCategory.NotSpecified, exception_type="ArgumentException")
                new[k] = v
            return new
        raise _op_error(op, left, right)
    if isinstance(left, str) and not isinstance(left, Char):
        if op == "+":
            return left + to_string(right)
        if op == "*":
            n = _as_arith_number(right)
            return left * max(int(n), 0)
        try:
            ln = _coerce_number(left)
        except PSRuntimeError:
            raise PSOperatorError(
                f'Cannot convert value "{left}" to type "System.Int32". Error: "Input string was not in a correct format."',
                "InvalidCastFromStringToInteger", ErrorCategory.InvalidArgument) from None
        return _arith_numbers(op, ln, _right_number(right))
    if isinstance(left, _dt.datetime):
        if op == "+" and isinstance(right, _dt.timedelta):
            return DateTime.wrap(left + right)
        if op == "-" and isinstance(right, _dt.timedelta):
            return DateTime.wrap(left - right)
        if op == "-" and isinstance(right, _dt.datetime):
            return TimeSpan.wrap(_naive(left) - _naive(right)) if (left.tzinfo is None) != (right.tzinfo is None) \
                else TimeSpan.wrap(_dt.datetime.__sub__(left, right))
        if op == "+" and _is_number(right):
            return DateTime.wrap(left + _dt.timedelta(microseconds=int(right) / 10))
        raise _op_error(op, left, right)
    if isinstance(left, _dt.timedelta):
        if isinstance(right, _dt.timedelta) and op in "+-":
            return TimeSpan.wrap(left + right if op == "+" else left - right)
        if op == "+" and isinstance(right, _dt.datetime):
            return DateTime.wrap(right + left)
        raise _op_error(op, left, right)
    if isinstance(left, (bool, int, float, decimal.Decimal, Char)):
        return _arith_numbers(op, _as_arith_number(left), _right_number(right))
    raise _op_error(op, left, right)


def _right_number(right: Any) -> Any:
    if isinstance(right, Char):
        return ord(right)
    try:
        return to_number(right)
    except PSConversionError:
        raise
    except Exception:
        raise PSOperatorError(f'Cannot convert value "{to_string(right)}" to type "System.Int32".',
                              "InvalidCastFromStringToInteger", ErrorCategory.InvalidArgument) from None


def _int_operand(v: Any) -> int:
    n = to_number(v)
    if isinstance(n, (float, decimal.Decimal)):
        from vboshell.runtime.conversions import round_half_even

        return round_half_even(n)
    return int(n)


def bitwise(op: str, left: Any, right: Any) -> int:
    a, b = _int_operand(left), _int_operand(right)
    if op == "-band":
        return a & b
    if op == "-bor":
        return a | b
    if op == "-bxor":
        return a ^ b
    if op == "-shl":
        r = a << (b & 63)
        if -(2**31) <= a <= 2**31 - 1:
            r &= 0xFFFFFFFF
            if r >= 2**31:
                r -= 2**32
        return r
    if op == "-shr":
        return a >> (b & 63)
    raise _op_error(op, left, right)


def range_op(left: Any, right: Any) -> list[int]:
    """`a..b` inclusive, counting down when a > b."""
    if isinstance(left, Char) or isinstance(right, Char):
        a, b = ord(str(left)[0]), ord(str(right)[0])
        step = 1 if b >= a else -1
        return [Char(chr(c)) for c in range(a, b + step, step)]  # type: ignore[misc]
    from vboshell.runtime.types import resolve_type

    i32 = resolve_type("int")
    a = i32.convert(left)
    b = i32.convert(right)
    if abs(b - a) > 50_000_000:
        raise PSOperatorError("The range operator's result is too large.", "RangeTooLarge")
    step = 1 if b >= a else -1
    return list(range(a, b + step, step))


# ------------------------------------------------------------------------------------------------
# binary operator dispatch

_CMP_OPS = {"eq", "ne", "gt", "ge", "lt", "le", "like", "notlike", "match", "notmatch"}


def split_op(op: str) -> tuple[str, bool]:
    """'-ceq' -> ('eq', True); '-ieq'/'-eq' -> ('eq', False)."""
    name = op.lstrip("-").lower()
    if name[:1] in ("c", "i") and name[1:] in _CMP_OPS | {"contains", "notcontains", "in", "notin", "replace", "split"}:
        return name[1:], name[0] == "c"
    return name, False


def compare_scalar(name: str, a: Any, b: Any, cs: bool) -> bool:
    if name == "eq":
        return equals(a, b, cs)
    if name == "ne":
        return not equals(a, b, cs)
    if name == "like":
        return like(a, b, cs)
    if name == "notlike":
        return not like(a, b, cs)
    if name == "match":
        return match(a, b, cs) is not None
    if name == "notmatch":
        return match(a, b, cs) is None
    if a is None or b is None:
        c = compare(a, b, cs) if not (a is None and b is None) else 0
    else:
        c = compare(a, b, cs)
    if name == "gt":
        return c > 0
    if name == "ge":
        return c >= 0
    if name == "lt":
        return c < 0
    if name == "le":
        return c <= 0
    raise PSOperatorError(f"Unknown operator -{name}", "UnknownOperator")


def contains(collection: Any, value: Any, case_sensitive: bool = False) -> bool:
    items = _as_list(collection) if (collection is None or is_enumerable(collection)) else [collection]
    return any(equals(x, value, case_sensitive) for x in items)


def is_type(value: Any, type_spec: Any) -> bool:
    from vboshell.runtime.types import PSType, resolve_type

    t = type_spec if isinstance(type_spec, PSType) else resolve_type(to_string(type_spec))
    if value is None:
        return False
    if t.full_name in ("System.Object", "System.Management.Automation.PSObject"):
        return True
    return t.is_instance(value)


def as_type(value: Any, type_spec: Any) -> Any:
    from vboshell.runtime.types import PSType, resolve_type

    t = type_spec if isinstance(type_spec, PSType) else resolve_type(to_string(type_spec))
    try:
        return t.convert(value)
    except PSRuntimeError:
        return None
    except (ValueError, TypeError, OverflowError):
        return None


def format_op(fmt: Any, args: Any) -> str:
    from vboshell.runtime.dotnetfmt import composite_format

    if isinstance(args, (list, tuple)):
        items = list(args)
    elif args is not None and is_enumerable(args):
        items = list(iter_enumerable(args) or [])
    else:
        items = [args]
    return composite_format(to_string(fmt), items)


def binary_op(op: str, left: Any, right: Any) -> Any:
    """Evaluate `left <op> right` (already evaluated operands). `-match` here does not set $Matches;
    the evaluator handles that. -and/-or/-xor are evaluated on booleans."""
    low = op.lower()
    if low in ("+", "-", "*", "/", "%"):
        return arithmetic(low, left, right)
    if low == "..":
        return range_op(left, right)
    if low in ("-and", "-or", "-xor"):
        a, b = to_bool(left), to_bool(right)
        return (a and b) if low == "-and" else (a or b) if low == "-or" else (a != b)
    if low in ("-band", "-bor", "-bxor", "-shl", "-shr"):
        return bitwise(low, left, right)
    if low == "-f":
        return format_op(left, right)
    if low == "-join":
        return join(left, right)
    if low in ("-is", "-isnot"):
        r = is_type(left, right)
        return r if low == "-is" else not r
    if low == "-as":
        return as_type(left, right)
    name, cs = split_op(low)
    if name in _CMP_OPS:
        if left is not None and is_enumerable(left):
            return [x for x in _as_list(left) if compare_scalar(name, x, right, cs)]
        return compare_scalar(name, left, right, cs)
    if name == "contains":
        return contains(left, right, cs)
    if name == "notcontains":
        return not contains(left, right, cs)
    if name == "in":
        return contains(right, left, cs)
    if name == "notin":
        return not contains(right, left, cs)
    if name == "replace":
        args = _as_list(right) if isinstance(right, (list, tuple)) else [right]
        if len(args) > 2:
            raise PSOperatorError(
                "The -replace operator allows only two elements to follow it, not " + str(len(args)) + ".",
                "BadReplaceArgument")
        pat = args[0] if args else ""
        rep = args[1] if len(args) > 1 else ""
        if left is not None and is_enumerable(left):
            return [replace(x, pat, rep, cs) for x in _as_list(left)]
        return replace(left, pat, rep, cs)
    if name == "split":
        args = list(right) if isinstance(right, (list, tuple)) else [right]
        pat = args[0] if args else None
        maxc = int(to_number(args[1])) if len(args) > 1 and args[1] is not None else 0
        opts = to_string(args[2]) if len(args) > 2 else ""
        out: list[str] = []
        for x in (_as_list(left) if (left is not None and is_enumerable(left)) else [left]):
            out.extend(split(x, pat, maxc, opts, cs))
        return out
    raise PSOperatorError(f"The operator '{op}' is not supported.", "OperatorNotSupported")


def unary_op(op: str, value: Any) -> Any:
    low = op.lower()
    if low in ("-not", "!"):
        return not to_bool(value)
    if low == "-bnot":
        return ~_int_operand(value)
    if low == "-":
        n = to_number(value) if not isinstance(value, Char) else ord(value)
        if isinstance(n, bool):
            n = int(n)
        return normalize_int(-n) if isinstance(n, int) else -n
    if low == "+":
        n = to_number(value)
        return n
    if low == "-split":
        out: list[str] = []
        for x in (_as_list(value) if is_enumerable(value) else [value]):
            out.extend(split(x))
        return out
    if low == "-join":
        return join(value, "")
    if low == ",":
        return [value]
    raise PSOperatorError(f"The unary operator '{op}' is not supported.", "OperatorNotSupported")
