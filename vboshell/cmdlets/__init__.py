"""vboshell.cmdlets package."""

from vboshell.cmdlets import organizations  # noqa: F401
from vboshell.cmdlets import repositories  # noqa: F401
from vboshell.cmdlets import sandbox  # noqa: F401  (Start-VBOSandbox / Stop-VBOSandbox)
from vboshell.cmdlets import server  # noqa: F401  (migration: server/version/proxy/licensing/Get-VBOCommand)
from vboshell.cmdlets import restore_sessions, restore_exchange  # noqa: F401,E401  (issue 9: restore and explore)
from vboshell.cmdlets import jobs  # noqa: F401  (issue 8: backup jobs, schedules, sessions)
