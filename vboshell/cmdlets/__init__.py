"""vboshell.cmdlets package."""
