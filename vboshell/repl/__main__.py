"""`python -m vboshell.repl [-NoProfile]`: open the interactive shell directly (development and tests).
`vboshell` with no arguments on a terminal does the same through vboshell.cli."""

from __future__ import annotations

import sys
from types import SimpleNamespace

from vboshell.repl import main

if __name__ == "__main__":
    args = [a.lower() for a in sys.argv[1:]]
    raise SystemExit(main(None, SimpleNamespace(no_profile="-noprofile" in args)))
