"""PSObject-like property bags and the property protocol that formatting, member access and the binder share.
Domain objects (Veeam model types) are plain Python classes marked with @ps_type; PSCustomObject is PSObject."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from typing import Any


class PSObject:
    """An ordered, case-insensitive property bag ([PSCustomObject], Select-Object output, Import-Csv rows)."""

    __slots__ = ("_props", "_keys", "type_names")

    def __init__(self, properties: Iterable[tuple[str, Any]] | dict[str, Any] | None = None,
                 type_names: list[str] | None = None) -> None:
        self._props: dict[str, Any] = {}  # lower-case name -> value
        self._keys: dict[str, str] = {}  # lower-case name -> name as first written
        self.type_names: list[str] = list(type_names or ["System.Management.Automation.PSCustomObject", "System.Object"])
        if properties:
            items = properties.items() if isinstance(properties, dict) else properties
            for k, v in items:
                self.set(k, v)

    def set(self, name: str, value: Any) -> None:
        low = name.lower()
        if low not in self._keys:
            self._keys[low] = name
        self._props[low] = value

    def get(self, name: str, default: Any = None) -> Any:
        return self._props.get(name.lower(), default)

    def has(self, name: str) -> bool:
        return name.lower() in self._props

    def remove(self, name: str) -> None:
        low = name.lower()
        self._props.pop(low, None)
        self._keys.pop(low, None)

    def names(self) -> list[str]:
        return list(self._keys.values())

    def items(self) -> Iterator[tuple[str, Any]]:
        for low, name in self._keys.items():
            yield name, self._props[low]

    def __repr__(self) -> str:
        inner = "; ".join(f"{k}={v!r}" for k, v in self.items())
        return f"@{{{inner}}}"

    def __str__(self) -> str:  # PowerShell's string form of a PSCustomObject
        return "@{" + "; ".join(f"{k}={'' if v is None else v}" for k, v in self.items()) + "}"


@dataclasses.dataclass(frozen=True)
class TypeView:
    """How a type prints by default: table columns (with optional labels/widths) or a list of properties."""

    table: tuple[str, ...] | None = None  # default Format-Table columns
    list: tuple[str, ...] | None = None  # default Format-List properties (None: all)
    kind: str | None = None  # force 'table' or 'list'; None: PowerShell's 4-property rule over `table`
    # Entries of `table`/`list` may also be (property, label, width) tuples or mappings with
    # property/label/width/align/expression (a callable obj -> value); see vboshell/format/engine.py.
    group_by: str | None = None  # start a new table (with a group header) whenever this property changes
    group_format: str | None = None  # header text, `{}` is the value; default '   <group_by>: {}'


_TYPE_REGISTRY: dict[type, tuple[list[str], TypeView | None]] = {}


def ps_type(type_name: str, *, view: TypeView | None = None, base_names: Iterable[str] = ()) -> Any:
    """Class decorator for domain objects: `@ps_type("Veeam.Archiver.PowerShell.Model.VBOJob", view=TypeView(table=(...)))`.
    Properties are the dataclass fields (or `ps_properties()` if the class defines it), names as written
    (PascalCase, as Veeam's). Fields whose name starts with `_` are hidden."""

    def wrap(cls: type) -> type:
        _TYPE_REGISTRY[cls] = ([type_name, *base_names, "System.Object"], view)
        return cls

    return wrap


def type_names_of(obj: Any) -> list[str]:
    """PowerShell's pstypenames for a value (most derived first)."""
    if isinstance(obj, PSObject):
        return obj.type_names
    for cls in type(obj).__mro__:
        entry = _TYPE_REGISTRY.get(cls)
        if entry:
            return entry[0]
    return [_DOTNET_NAMES.get(type(obj), f"{type(obj).__module__}.{type(obj).__qualname__}"), "System.Object"]


def find_ps_type(name: str) -> type | None:
    """The @ps_type class whose type name (or its last dotted part, e.g. a cmdlet's output_type `VBOJob`) is `name`,
    case-insensitively; None if no class is registered under it (used by tab completion of `$_.`)."""
    low = name.lower()
    for cls, (names, _view) in list(_TYPE_REGISTRY.items()):
        if names and (names[0].lower() == low or names[0].rsplit(".", 1)[-1].lower() == low):
            return cls
    return None


def view_of(obj: Any) -> TypeView | None:
    for cls in type(obj).__mro__:
        entry = _TYPE_REGISTRY.get(cls)
        if entry:
            return entry[1]
    return None


_DOTNET_NAMES: dict[type, str] = {
    str: "System.String",
    int: "System.Int32",
    float: "System.Double",
    bool: "System.Boolean",
    dict: "System.Collections.Hashtable",
    list: "System.Object[]",
    tuple: "System.Object[]",
}


def get_properties(obj: Any) -> list[tuple[str, Any]]:
    """The visible properties of an object as (name, value) pairs, in declaration order.
    Scalars (str, numbers, bool, None) have none; hashtables are handled by the caller as Name/Value."""
    if isinstance(obj, PSObject):
        return list(obj.items())
    custom = getattr(obj, "ps_properties", None)
    if callable(custom):
        return list(custom())
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return [(f.name, getattr(obj, f.name)) for f in dataclasses.fields(obj) if not f.name.startswith("_")]
    return []


def get_property(obj: Any, name: str, default: Any = None) -> Any:
    """Case-insensitive property read used by member access, formatting and ByPropertyName binding."""
    if isinstance(obj, PSObject):
        return obj.get(name, default)
    low = name.lower()
    for k, v in get_properties(obj):
        if k.lower() == low:
            return v
    return default
