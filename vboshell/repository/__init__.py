"""vboshell.repository package."""
