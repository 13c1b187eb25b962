"""vboshell: a PowerShell-dialect shell for protecting Microsoft 365 in API-only mode.
Layers: language -> runtime -> commands/format/builtins -> cmdlets -> engine (graph, store, repository, backup, restore)."""

__version__ = "0.1.0"
