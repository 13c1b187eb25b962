"""Helpers shared by the utility cmdlets: PowerShell-style comparison, equality, string forms and file encodings.
They call the runtime's conversions/operators when available and keep simple fallbacks for pure tests."""

from __future__ import annotations

import datetime as _dt
import decimal
import functools
import re
from collections.abc import Mapping
from typing import Any

from vboshell.commands.base import Cmdlet
from vboshell.format.properties import PropertySpecError, is_script_block
from vboshell.format.values import is_number, scalar_text
from vboshell.runtime.errors import CmdletError, ErrorCategory

NUMERIC = (int, float, decimal.Decimal)


def to_string(value: Any) -> str:
    """PowerShell's string conversion ($OFS-joined arrays, invariant dates) via the runtime when present."""
    try:
        from vboshell.runtime.conversions import to_string as rt

        return rt(value)
    except ImportError:  # pragma: no cover
        return scalar_text(value)


def to_bool(value: Any) -> bool:
    from vboshell.runtime.conversions import to_bool as rt

    return rt(value)


def as_list(value: Any) -> list[Any]:
    """A parameter value as a list: None -> [], scalars wrapped, lists copied."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _try_number(value: Any) -> Any:
    if is_number(value):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        try:
            from vboshell.runtime.conversions import parse_number

            return parse_number(value)
        except ImportError:  # pragma: no cover
            try:
                return float(value)
            except ValueError:
                return None
    return None


def compare_values(a: Any, b: Any, case_sensitive: bool = False) -> int:
    """LanguagePrimitives.Compare as Sort-Object uses it: $null first, numbers numerically (a numeric string
    compares as a number against a number), dates chronologically, strings culture-style case-insensitively."""
    if a is None and b is None:
        return 0
    if a is None:
        return -1
    if b is None:
        return 1
    if isinstance(a, bool) or isinstance(b, bool):
        if isinstance(a, bool) and isinstance(b, bool):
            return (a > b) - (a < b)
    if is_number(a) or is_number(b):
        na, nb = _try_number(a), _try_number(b)
        if na is not None and nb is not None:
            try:
                fa, fb = (na, nb) if not (isinstance(na, decimal.Decimal) ^ isinstance(nb, decimal.Decimal)) \
                    else (float(na), float(nb))
                return (fa > fb) - (fa < fb)
            except TypeError:
                pass
    if isinstance(a, _dt.datetime) and isinstance(b, _dt.datetime):
        try:
            return (a > b) - (a < b)
        except TypeError:
            a2, b2 = a.replace(tzinfo=None), b.replace(tzinfo=None)
            return (a2 > b2) - (a2 < b2)
    if isinstance(a, _dt.timedelta) and isinstance(b, _dt.timedelta):
        return (a > b) - (a < b)
    sa, sb = to_string(a), to_string(b)
    return compare_strings(sa, sb, case_sensitive)


def compare_strings(a: str, b: str, case_sensitive: bool = False) -> int:
    """Culture-like string order: case-insensitive first; with case sensitivity lower case sorts first."""
    la, lb = a.casefold(), b.casefold()
    if la != lb:
        return (la > lb) - (la < lb)
    if not case_sensitive or a == b:
        return 0
    # same letters, different case: lower case first (en-US culture order)
    for ca, cb in zip(a, b, strict=False):
        if ca != cb:
            return -1 if ca.islower() else 1
    return 0


def values_equal(a: Any, b: Any, case_sensitive: bool = False) -> bool:
    """`-eq` between two scalars: the right operand converts to the left's type."""
    try:
        from vboshell.runtime.operators import equals  # type: ignore[attr-defined]

        return bool(equals(a, b, case_sensitive=case_sensitive))
    except (ImportError, TypeError):
        pass
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, str):
        sb = to_string(b)
        return a == sb if case_sensitive else a.casefold() == sb.casefold()
    if isinstance(a, bool):
        return a == to_bool(b)
    if is_number(a):
        nb = _try_number(b)
        return nb is not None and a == nb
    return bool(a == b)


def sort_key(case_sensitive: bool = False) -> Any:
    return functools.cmp_to_key(lambda x, y: compare_values(x, y, case_sensitive))


def invoke_values(cmdlet: Any, block: Any, obj: Any) -> Any:
    """Run a script block for one object and return its output as one value (or list)."""
    out = cmdlet.invoke_script_block(block, obj)
    if not out:
        return None
    return out[0] if len(out) == 1 else list(out)


def make_hashtable(items: Any = None, ordered: bool = False) -> Any:
    from vboshell.runtime.values import Hashtable, OrderedHashtable

    h = OrderedHashtable() if ordered else Hashtable()
    if items:
        for k, v in items:
            h[k] = v
    return h


def mapping_get(mapping: Mapping[Any, Any], *names: str) -> Any:
    for name in names:
        low = name.lower()
        for k, v in mapping.items():
            if isinstance(k, str) and k.lower() == low:
                return v
    return None


ENCODINGS = {
    # name -> (python codec, BOM bytes)
    "unicode": ("utf-16-le", b"\xff\xfe"),
    "bigendianunicode": ("utf-16-be", b"\xfe\xff"),
    "utf8": ("utf-8", b"\xef\xbb\xbf"),
    "utf8bom": ("utf-8", b"\xef\xbb\xbf"),
    "utf8nobom": ("utf-8", b""),
    "utf7": ("utf-7", b""),
    "utf32": ("utf-32-le", b"\xff\xfe\x00\x00"),
    "ascii": ("ascii", b""),
    "default": ("utf-8", b""),
    "oem": ("utf-8", b""),
    "string": ("utf-16-le", b"\xff\xfe"),
    "byte": ("latin-1", b""),
}
ENCODING_NAMES = ("ASCII", "BigEndianUnicode", "Byte", "Default", "OEM", "String", "Unicode", "UTF7", "UTF8",
                  "UTF8BOM", "UTF8NoBOM", "UTF32", "Unknown")


def encoding_of(name: str | None, default: str) -> tuple[str, bytes]:
    key = (name or default).lower().replace("-", "")
    if key == "unknown":
        key = "unicode"
    return ENCODINGS.get(key, ENCODINGS[default.lower()])


def detect_decode(data: bytes, encoding: str | None = None) -> str:
    """Decode file bytes: an explicit -Encoding wins, else the BOM decides, else UTF-8 (lenient)."""
    if encoding:
        codec, bom = encoding_of(encoding, "utf8")
        if bom and data.startswith(bom):
            data = data[len(bom):]
        elif codec == "utf-8" and data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        return data.decode(codec, errors="replace")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith(b"\xff\xfe\x00\x00"):
        return data[4:].decode("utf-32-le", errors="replace")
    if data.startswith(b"\xff\xfe"):
        return data[2:].decode("utf-16-le", errors="replace")
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def split_lines(text: str) -> list[str]:
    """Lines as Get-Content returns them (\\r\\n, \\n and \\r all end a line; no empty last line)."""
    if not text:
        return []
    lines = re.split(r"\r\n|\n|\r", text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def is_block(value: Any) -> bool:
    return is_script_block(value)


def invoke_in_caller_scope(cmdlet: Any, block: Any, input_object: Any = None, use_dollar_under: bool = True) -> list[Any]:
    """Run a script block the way ForEach-Object/Where-Object do: in the caller's scope (so `$sum += $_`
    updates the caller's variable), with $_/$PSItem set for the call and restored afterwards.
    Falls back to the runtime's child-scope invocation when the evaluator's internals are not available."""
    rt = getattr(cmdlet, "_runtime", None)
    ev = getattr(rt, "ev", None)
    tree = getattr(block, "ast", None)
    if ev is None or tree is None or not hasattr(ev, "exec_named_block") or \
            (getattr(tree, "param_block", None) is not None and tree.param_block.parameters):
        return cmdlet.invoke_script_block(block, input_object, use_dollar_under=use_dollar_under)
    from vboshell.runtime.flow import ReturnSignal
    from vboshell.runtime.scopes import Variable

    scope = ev.ctx.session.current
    saved = {k: scope.vars.get(k) for k in ("_", "psitem")}
    if use_dollar_under:
        scope.vars["_"] = Variable("_", input_object)
        scope.vars["psitem"] = Variable("PSItem", input_object)
    out: list[Any] = []
    try:
        for blk in (tree.begin_block, tree.process_block, tree.end_block):
            if blk is not None:
                try:
                    ev.exec_named_block(blk, out.append)
                except ReturnSignal:
                    pass
    finally:
        for k, v in saved.items():
            if v is None:
                scope.vars.pop(k, None)
            else:
                scope.vars[k] = v
    return out


class CollectingCmdlet(Cmdlet):
    """Base of the cmdlets that need all their input first (Format-*, Out-String, Sort-/Group-/Measure-Object,
    ConvertTo-Json): process_record keeps every bound -InputObject in self._items for end_processing."""

    def begin_processing(self) -> None:
        self._items: list[Any] = []

    def process_record(self) -> None:
        if self.is_bound("InputObject"):
            self._items.append(self.InputObject)


def property_spec_error(e: PropertySpecError) -> CmdletError:
    """A bad -Property specification (calculated property, wildcard) as the cmdlet's terminating error."""
    return CmdletError(str(e), e.error_id, ErrorCategory.InvalidArgument, exception_type="NotSupportedException")
