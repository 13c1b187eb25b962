"""Command-line entry point: `vboshell [-File f.ps1 args | -Command text | check ... | sandbox serve | service]`.
The runtime team fills in script running; this placeholder keeps the console script importable."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    print("vboshell: not yet implemented", file=sys.stderr)
    return 1
