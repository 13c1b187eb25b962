"""Code shared by the OneDrive, SharePoint and Teams restore cmdlet modules: name matching and the common
Get-VEODOrganization / Get-VESPOrganization / Get-VETOrganization cmdlet (a session's organization)."""

from __future__ import annotations

import fnmatch
from typing import ClassVar

from vboshell.cmdlets.restore_common import engine_of, organization_name
from vboshell.commands.base import Cmdlet, Parameter


def match(patterns: list[str] | str | None, value: str) -> bool:
    if not patterns:
        return True
    pats = [patterns] if isinstance(patterns, str) else patterns
    return any(fnmatch.fnmatchcase((value or "").lower(), str(p).lower()) for p in pats)


def session_organization_parameters(service: str) -> list[Parameter]:
    """-Session and -Name of a Get-VE*Organization cmdlet; `service` names the session kind in the help text."""
    return [Parameter("Session", type=object, mandatory=True, position=0, value_from_pipeline=True,
                      help=f"The {service} restore session."),
            Parameter("Name", type=str, array=True, position=1, help="Organization name; wildcards allowed.")]


class SessionOrganizationCmdlet(Cmdlet):
    """Base of the Get-VE*Organization cmdlets: the organization whose backups a restore session shows.
    Subclasses set the session kind for engine_of and the organization object type (Name, engine)."""

    engine_kind: ClassVar[str] = ""
    organization_type: ClassVar[type]

    def process_record(self) -> None:
        eng = engine_of(self, self.Session, self.engine_kind)
        o = self.organization_type(organization_name(self, eng.organization_id) or "All organizations", eng)
        if match(self.Name, o.Name):
            self.write_object(o)
