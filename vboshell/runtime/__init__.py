"""vboshell.runtime package."""
