"""vboshell.cmdlets package."""

from vboshell.cmdlets import organizations  # noqa: F401
from vboshell.cmdlets import repositories  # noqa: F401
from vboshell.cmdlets import sandbox  # noqa: F401  (Start-VBOSandbox / Stop-VBOSandbox)
from vboshell.cmdlets import server  # noqa: F401  (migration: server/version/proxy/licensing/Get-VBOCommand)
from vboshell.cmdlets import restore_sessions, restore_exchange, restore_onedrive, restore_sharepoint, restore_teams  # noqa: F401,E401,E501  (issue 9)
from vboshell.cmdlets import jobs  # noqa: F401  (issue 8: backup jobs, schedules, sessions)
from vboshell.cmdlets import sandbox_demo  # noqa: F401  (Remove-VBOSandboxItem: the quickstart's accident)
