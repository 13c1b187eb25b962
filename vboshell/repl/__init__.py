"""vboshell.repl package."""
