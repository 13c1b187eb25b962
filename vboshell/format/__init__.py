"""vboshell.format package."""
