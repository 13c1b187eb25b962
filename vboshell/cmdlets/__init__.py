"""The Veeam-dialect cmdlets: thin classes that bind parameters, call the engine and return Veeam-shaped objects.
Importing this package registers them; vboshell.cmdlets.placeholders (loaded last by the registry) fills the rest."""

from vboshell.cmdlets import (  # noqa: F401 - imported to register their cmdlets
    jobs,
    organizations,
    repositories,
    restore_exchange,
    restore_onedrive,
    restore_sessions,
    restore_sharepoint,
    restore_teams,
    sandbox,
    sandbox_demo,
    server,
)
