"""PowerShell's own utility cmdlets (Where-Object, Select-Object, Format-Table, Export-Csv, Get-Help, ...).
Importing this package registers them all (the registry imports it on first lookup)."""

from vboshell.builtins import (  # noqa: F401 - imported for their @register side effects
    data,
    filesystem,
    objects,
    output,
    process,
    security,
    session,
    timecmds,
)
