"""vboshell.graph package."""
