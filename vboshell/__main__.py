"""`python -m vboshell` entry point.
Delegates to vboshell.cli.main."""

from vboshell.cli import main

raise SystemExit(main())
