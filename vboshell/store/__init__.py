"""vboshell.store package."""
