"""vboshell.sandbox package."""
