"""Property access and property specifications shared by the formatter, Select-Object, Sort-Object and friends:
names with wildcards, calculated properties (@{N=/Name=/L=/Label=; E=/Expression=}) and script blocks."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from vboshell.runtime.psobject import PSObject, get_properties

Invoker = Callable[[Any, Any], list[Any]]  # (script_block, input_object) -> output list


def is_script_block(value: Any) -> bool:
    """True for the runtime's script block values (detected by class name to avoid importing the evaluator)."""
    return any(c.__name__ == "ScriptBlock" for c in type(value).__mro__)


def hget(mapping: Mapping[Any, Any], key: str, default: Any = None) -> Any:
    """Case-insensitive read of a hashtable key (PowerShell hashtables ignore case)."""
    if key in mapping:
        return mapping[key]
    low = key.lower()
    for k, v in mapping.items():
        if isinstance(k, str) and k.lower() == low:
            return v
    return default


def object_properties(obj: Any) -> list[tuple[str, Any]]:
    """(name, value) of an object's properties as Select-Object/Format-List * see them: PSObject notes, domain
    properties, and the runtime's .NET-like properties of dates, error records and other built-in values."""
    if isinstance(obj, PSObject):
        return list(obj.items())
    try:
        from vboshell.runtime.members import property_pairs
    except Exception:  # pragma: no cover - runtime not importable
        return get_properties(obj)
    try:
        return list(property_pairs(obj))
    except Exception:
        return get_properties(obj)


def property_names(obj: Any) -> list[str]:
    """The names of an object's visible properties (hashtable keys for hashtables)."""
    if isinstance(obj, Mapping):
        return [str(k) for k in obj.keys()]
    return [name for name, _ in object_properties(obj)]


_MISSING = object()


def get_value(obj: Any, name: str, default: Any = None) -> Any:
    """Case-insensitive property read; falls back to the runtime's member access (string Length etc.)."""
    value = try_get_value(obj, name)
    return default if value is _MISSING else value


def has_property(obj: Any, name: str) -> bool:
    return try_get_value(obj, name) is not _MISSING


def try_get_value(obj: Any, name: str) -> Any:
    if obj is None:
        return _MISSING
    if isinstance(obj, PSObject):
        return obj.get(name) if obj.has(name) else _MISSING
    if isinstance(obj, Mapping):
        low = name.lower()
        for k, v in obj.items():
            if isinstance(k, str) and k.lower() == low:
                return v
        # fall through: hashtable members such as Count/Keys
    else:
        low = name.lower()
        for k, v in get_properties(obj):
            if k.lower() == low:
                return v
    try:
        from vboshell.runtime.members import get_member_value, has_member
    except Exception:
        return _builtin_member(obj, name)
    try:
        if not has_member(obj, name):
            return _MISSING
        return get_member_value(obj, name)
    except Exception:
        return _MISSING


def _builtin_member(obj: Any, name: str) -> Any:
    low = name.lower()
    if isinstance(obj, str) and low == "length":
        return len(obj)
    if isinstance(obj, (list, tuple, Mapping)) and low in ("count", "length"):
        return len(obj)
    return _MISSING


def has_wildcard(text: str) -> bool:
    return any(c in text for c in "*?[")


def wildcard_match(pattern: str, text: str) -> bool:
    """PowerShell -like semantics (case-insensitive, * ? [a-z], backtick escapes)."""
    return wildcard_regex(pattern).fullmatch(text) is not None


_WILDCARD_CACHE: dict[tuple[str, bool], re.Pattern[str]] = {}


def wildcard_regex(pattern: str, case_sensitive: bool = False) -> re.Pattern[str]:
    key = (pattern, case_sensitive)
    cached = _WILDCARD_CACHE.get(key)
    if cached is not None:
        return cached
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "`" and i + 1 < len(pattern):
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
                body = pattern[i + 1:j]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    compiled = re.compile("".join(out), re.DOTALL | (0 if case_sensitive else re.IGNORECASE))
    _WILDCARD_CACHE[key] = compiled
    return compiled


def fnmatch_ci(name: str, pattern: str) -> bool:
    return fnmatch.fnmatchcase(name.lower(), pattern.lower())


@dataclass
class PropertySpec:
    """One resolved property: its label and how to compute its value from an input object."""

    label: str
    getter: Callable[[Any], Any]
    width: int | None = None
    align: str | None = None  # 'left' | 'right' | 'center'
    format_string: str | None = None
    name: str | None = None  # the plain property name, when the spec is one


class PropertySpecError(ValueError):
    """A calculated property hashtable with an unknown key or missing Expression."""

    def __init__(self, message: str, error_id: str) -> None:
        super().__init__(message)
        self.error_id = error_id


_KEYS = {
    "name": "label", "n": "label", "label": "label", "l": "label",
    "expression": "expression", "e": "expression",
    "width": "width", "w": "width",
    "alignment": "align", "align": "align", "a": "align",
    "formatstring": "format", "f": "format",
    "ascending": "ascending", "descending": "descending",
}


def _calc_key(key: str, allowed: set[str]) -> str:
    low = key.lower()
    if low in _KEYS and _KEYS[low] in allowed:
        return _KEYS[low]
    # unambiguous prefixes are accepted, as PowerShell does
    matches = {v for k, v in _KEYS.items() if k.startswith(low) and v in allowed}
    if len(matches) == 1:
        return matches.pop()
    raise PropertySpecError(
        f'The "{key}" key is not valid.', "DictionaryKeyIllegal"
    )


def script_value(invoke: Invoker, block: Any, obj: Any) -> Any:
    """A script block's output as one value: nothing -> $null, one object -> it, several -> an array."""
    out = invoke(block, obj)
    if not out:
        return None
    if len(out) == 1:
        return out[0]
    return list(out)


def calculated(spec: Mapping[Any, Any], invoke: Invoker | None,
               allowed: set[str] | None = None) -> PropertySpec:
    allowed = allowed or {"label", "expression", "width", "align", "format"}
    parts: dict[str, Any] = {}
    for k, v in spec.items():
        parts[_calc_key(str(k), allowed)] = v
    expr = parts.get("expression")
    if expr is None:
        raise PropertySpecError("The \"Expression\" key is missing.", "DictionaryKeyMissing")
    label = parts.get("label")
    getter: Callable[[Any], Any]
    if is_script_block(expr):
        if label is None:
            label = str(expr).strip()
        def getter(obj: Any, _e: Any = expr) -> Any:
            return script_value(invoke, _e, obj) if invoke else None
    else:
        pname = str(expr)
        if label is None:
            label = pname
        def getter(obj: Any, _n: str = pname) -> Any:
            return get_value(obj, _n)
    align = parts.get("align")
    width = parts.get("width")
    return PropertySpec(
        label=str(label),
        getter=getter,
        width=int(width) if width is not None else None,
        align=str(align).lower() if align is not None else None,
        format_string=str(parts["format"]) if parts.get("format") is not None else None,
    )


def resolve_specs(specs: list[Any] | None, sample: Any, invoke: Invoker | None,
                  exclude: list[str] | None = None, allowed: set[str] | None = None) -> list[PropertySpec]:
    """Turn -Property arguments into PropertySpecs; wildcards expand against `sample`'s property names."""
    out: list[PropertySpec] = []
    seen: set[str] = set()
    excl = [e for e in (exclude or [])]

    def excluded(name: str) -> bool:
        return any(wildcard_match(e, name) for e in excl)

    for spec in specs or []:
        if isinstance(spec, Mapping):
            ps = calculated(spec, invoke, allowed)
            out.append(ps)
            continue
        if is_script_block(spec):
            label = str(spec).strip()

            def getter(obj: Any, _e: Any = spec) -> Any:
                return script_value(invoke, _e, obj) if invoke else None

            out.append(PropertySpec(label=label, getter=getter))
            continue
        name = str(spec)
        if has_wildcard(name):
            for pname in property_names(sample):
                if wildcard_match(name, pname) and pname.lower() not in seen and not excluded(pname):
                    seen.add(pname.lower())
                    out.append(_plain(pname))
            continue
        if name.lower() in seen or excluded(name):
            continue
        seen.add(name.lower())
        out.append(_plain(name))
    return out


def _plain(name: str) -> PropertySpec:
    def getter(obj: Any, _n: str = name) -> Any:
        return get_value(obj, _n)

    return PropertySpec(label=name, getter=getter, name=name)
