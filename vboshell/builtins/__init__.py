"""vboshell.builtins package."""
