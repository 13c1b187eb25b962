"""The cmdlet registry: every cmdlet class registers here under its name, its derived short name and aliases.
Cmdlet modules are imported on first lookup (CMDLET_MODULES), so start-up stays cheap."""

from __future__ import annotations

import importlib
import re
import threading

from vboshell.commands.base import Cmdlet

# Modules whose import registers cmdlets. Each team adds its module here. Modules must keep
# heavy imports (msal, httpx, prompt_toolkit, sqlite engines) inside functions, not at top level.
CMDLET_MODULES: list[str] = [
    "vboshell.builtins",
    "vboshell.cmdlets",
    "vboshell.commands.common",  # runtime-level commands (Set-StrictMode)
    "vboshell.cmdlets.placeholders",  # must stay LAST: fills in only names no real cmdlet registered
]

_by_name: dict[str, type[Cmdlet]] = {}
_classes: list[type[Cmdlet]] = []
_loaded = False
_load_lock = threading.RLock()
_loading_thread: int | None = None

_VBO_RE = re.compile(r"^(?P<verb>[A-Za-z]+)-VBO(?P<noun>[A-Za-z0-9]+)$")


def derived_short_name(name: str) -> str | None:
    """`Add-VBOOrganization` -> `Add-Organization`; names without the VBO prefix have none."""
    m = _VBO_RE.match(name)
    if not m:
        return None
    return f"{m.group('verb')}-{m.group('noun')}"


def names_of(cls: type[Cmdlet]) -> list[str]:
    names = [cls.name]
    if cls.short_name is None:
        short = derived_short_name(cls.name)
        if short:
            names.append(short)
    elif cls.short_name:
        names.append(str(cls.short_name))
    names.extend(cls.aliases)
    return names


def register(cls: type[Cmdlet]) -> type[Cmdlet]:
    """Class decorator: make a cmdlet resolvable by its name, short name and aliases (case-insensitive)."""
    if cls not in _classes:
        _classes.append(cls)
    for n in names_of(cls):
        _by_name[n.lower()] = cls
    return cls


def _ensure_loaded() -> None:
    """Import the cmdlet modules once. Another thread (the REPL's warm-up) may be loading them: wait for it, so a
    lookup never sees a half-filled registry. The loading thread itself re-enters (placeholders consult the
    registry while it is filled) and gets what is registered so far."""
    global _loaded, _loading_thread
    if _loaded:
        return
    me = threading.get_ident()
    with _load_lock:
        if _loaded or _loading_thread == me:
            return
        _loading_thread = me
        try:
            for mod in CMDLET_MODULES:
                try:
                    importlib.import_module(mod)
                except ModuleNotFoundError as e:  # a package not yet written must not break the shell
                    if e.name != mod:
                        raise
            _loaded = True
        finally:
            _loading_thread = None


def lookup(name: str) -> type[Cmdlet] | None:
    _ensure_loaded()
    return _by_name.get(name.lower())


def all_cmdlets() -> list[type[Cmdlet]]:
    _ensure_loaded()
    return list(_classes)


def all_names() -> dict[str, type[Cmdlet]]:
    """Every resolvable name (lower case) -> class."""
    _ensure_loaded()
    return dict(_by_name)
