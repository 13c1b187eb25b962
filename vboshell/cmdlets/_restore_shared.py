"""Code shared by the restore cmdlet modules: name matching, the common Get-VEODOrganization / Get-VESPOrganization /
Get-VETOrganization cmdlet (a session's organization) and the error/progress/result frame of every engine call."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from vboshell.cmdlets.restore_common import (
    emit_failures,
    engine_error,
    engine_of,
    organization_name,
    progress_done,
    result_of,
)
from vboshell.commands.base import Cmdlet, Parameter
from vboshell.runtime.errors import CmdletError


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


@contextmanager
def engine_step(cmd: Cmdlet, activity: str) -> Iterator[None]:
    """Runs a restore/export/save engine call: engine exceptions become a terminating CmdletError (engine_error;
    a CmdletError passes unchanged) and the progress bar of `activity` is closed whatever happens."""
    try:
        yield
    except CmdletError:
        raise
    except Exception as exc:  # noqa: BLE001 - session stopped, repository and Graph failures etc.
        raise engine_error(exc) from None
    finally:
        progress_done(cmd, activity)


def write_result(cmd: Cmdlet, name: str, op: Any, session: Any, path: str | None = None) -> None:
    """Ends a restore operation: per-item failures as non-terminating errors, then the VBORestoreResult."""
    emit_failures(cmd, op)
    cmd.write_object(result_of(name, op, session, path))
