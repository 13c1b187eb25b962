"""vboshell.restore package."""
