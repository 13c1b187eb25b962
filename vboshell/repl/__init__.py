"""vboshell's interactive shell (REPL): a prompt_toolkit session that behaves like PowerShell with PSReadLine.
Entry point `main(context, options) -> int`; prompt_toolkit is imported only when the REPL starts."""

from __future__ import annotations

from typing import Any

__all__ = ["main"]


def main(context: Any = None, options: Any = None) -> int:
    """Run the REPL over an ExecutionContext (created if None); `options.no_profile` skips $PROFILE."""
    from vboshell.repl.shell import main as _main

    return _main(context, options)
