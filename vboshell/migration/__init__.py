"""Migration support for scripts written for Veeam.Archiver.PowerShell: the `vboshell check` static checker.
Entry point: `vboshell.migration.check.main(argv) -> int` (the CLI dispatches `vboshell check ...` to it)."""
