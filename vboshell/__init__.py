"""vboshell: a PowerShell-dialect shell for protecting Microsoft 365 in API-only mode.
Layers: language -> runtime -> commands/format/builtins -> cmdlets -> engine (graph, store, repository, backup, restore)."""

__version__ = "0.1.0"

import logging as _logging

# A library's loggers must not fall back to Python's last-resort stderr handler: that would print engine
# tracebacks (log.exception) to a user's console. The service and tests attach real handlers when they want logs.
_logging.getLogger("vboshell").addHandler(_logging.NullHandler())
