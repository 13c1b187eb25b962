"""vboshell.cmdlets package."""

from vboshell.cmdlets import organizations  # noqa: F401
from vboshell.cmdlets import repositories  # noqa: F401
from vboshell.cmdlets import sandbox  # noqa: F401  (Start-VBOSandbox / Stop-VBOSandbox)
from vboshell.cmdlets import server  # noqa: F401  (migration: server/version/proxy/licensing/Get-VBOCommand)
