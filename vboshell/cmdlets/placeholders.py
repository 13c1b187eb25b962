"""Placeholder cmdlets: every Veeam/Explorers name in the surface catalogue that no real cmdlet has registered.
Each accepts any arguments and raises a specific error (ApiOnlyModeNotSupported, NotApplicable or NotYetImplemented).

This module must be the last entry of CMDLET_MODULES (vboshell/commands/registry.py): it registers a placeholder only
for names that are still free when it is imported, and never takes a short name another cmdlet already owns.
"""

from __future__ import annotations

import re
from typing import ClassVar

from vboshell.cmdlets.surface import API_ONLY, NOT_APPLICABLE, PLANNED, SURFACE, SurfaceEntry, short_name_of
from vboshell.commands import registry
from vboshell.commands.base import Cmdlet, Parameter
from vboshell.runtime.errors import CmdletError, ErrorCategory, api_only_not_supported, not_applicable

NOT_YET_IMPLEMENTED_ID = "NotYetImplemented"


def placeholder_error(e: SurfaceEntry, invoked_as: str | None = None) -> CmdletError:
    """The error a placeholder raises for catalogue entry `e` (invoked by its Veeam or its short name)."""
    shown = e.name if not invoked_as or invoked_as.lower() == e.name.lower() else f"{invoked_as} ({e.name})"
    if e.status == API_ONLY:
        return api_only_not_supported(shown, e.reason, e.instead or None, target=e.name)
    if e.status == NOT_APPLICABLE:
        why = e.reason + (f" Instead: {e.instead}" if e.instead else "")
        return not_applicable(shown, why, target=e.name)
    if e.status == PLANNED:
        msg = f"{shown} is not implemented in vboshell yet. It is planned for the {e.vboshell_area} area"
    else:
        msg = f"{shown} is not available in this build of vboshell yet. It is being built in the {e.vboshell_area} area"
    msg += f" (issue {e.issue})." if e.issue else "."
    if e.reason:
        msg += f" {e.reason}"
    return CmdletError(msg, NOT_YET_IMPLEMENTED_ID, ErrorCategory.NotImplemented, target=e.name,
                       exception_type="NotImplementedException")


class PlaceholderCmdlet(Cmdlet):
    """Base of the generated placeholders; `surface_entry` says what to raise."""

    surface_entry: ClassVar[SurfaceEntry]
    parameters = (
        Parameter("InputObject", value_from_pipeline=True, dont_show=True,
                  help="Accepted so that pipelines reach this cmdlet and get its error."),
        Parameter("Arguments", array=True, value_from_remaining_arguments=True, dont_show=True,
                  help="Accepts any arguments; they are not used."),
    )

    def begin_processing(self) -> None:
        raise placeholder_error(self.surface_entry, getattr(self, "invocation_name", None))


_SYNOPSIS = {
    API_ONLY: "Not supported in API-only mode: {reason}",
    NOT_APPLICABLE: "Not applicable in vboshell: {reason}",
    PLANNED: "Not implemented in vboshell yet (planned for the {area} area).",
}


def make_placeholder(e: SurfaceEntry, short_name: str | bool | None) -> type[PlaceholderCmdlet]:
    synopsis = _SYNOPSIS.get(e.status, "Not available in this build yet ({area} area).").format(
        reason=e.reason, area=e.vboshell_area)
    notes = e.reason + (f" Instead: {e.instead}" if e.instead else "")
    attrs = {
        "name": e.name,
        "synopsis": synopsis,
        "description": f"{e.name} is part of Veeam's {e.module} module ({e.area}). {notes}".strip(),
        "notes": notes,
        "module": e.module,
        "short_name": short_name,
        "surface_entry": e,
        "__module__": __name__,
        "__doc__": f"Placeholder for {e.name} ({e.status}).",
    }
    cls_name = "Placeholder_" + re.sub(r"\W", "_", e.name)
    return type(cls_name, (PlaceholderCmdlet,), attrs)


def _accept_unknown_parameters(cls: type[PlaceholderCmdlet]) -> None:
    """Let the runtime's binder pass unknown named parameters to the placeholder instead of failing on them.

    PowerShell binds unknown `-Name value` arguments to a ValueFromRemainingArguments parameter; until the binder does
    the same, placeholders get binder metadata without CmdletBinding semantics, where unknown parameters become
    remaining arguments. Guarded: if the binder's internals differ, placeholders still register (and the binder's own
    NamedParameterNotFound error is what the user sees for unknown parameters)."""
    try:
        from vboshell.commands import binder as _binder

        cache = getattr(_binder, "_META_CACHE", None)
        meta_cls = getattr(_binder, "CommandMetadata", None)
        if isinstance(cache, dict) and meta_cls is not None:
            cache[cls] = meta_cls(name=cls.name, parameters=list(cls.parameters), cmdlet_binding=False,
                                  fully_qualified_command=_binder.command_fqn(cls))
    except Exception:  # noqa: BLE001 - an optional nicety; never break registration
        pass


def is_placeholder(cls: type | None) -> bool:
    return isinstance(cls, type) and issubclass(cls, PlaceholderCmdlet)


def install() -> list[type[PlaceholderCmdlet]]:
    """Register a placeholder for every catalogue name that is still free. Returns the new classes."""
    taken = registry.all_names()
    added: list[type[PlaceholderCmdlet]] = []
    for e in SURFACE.values():
        if e.name.lower() in taken:
            continue
        short = short_name_of(e.name)
        short_name: str | bool = short if short and short.lower() not in taken else False
        cls = make_placeholder(e, short_name)
        registry.register(cls)
        _accept_unknown_parameters(cls)
        taken[e.name.lower()] = cls
        if short_name:
            taken[str(short_name).lower()] = cls
        added.append(cls)
    return added


INSTALLED = install()
