"""vboshell.backup package."""
