"""SQLite helpers shared by the catalogue and the repository index."""

from __future__ import annotations

import sqlite3
import time

__all__ = ["enable_wal"]


def enable_wal(con: sqlite3.Connection, timeout: float = 30.0) -> None:
    """Put the database in WAL mode. Switching needs a moment alone with the file: when another process is doing
    the same (two shells opening a new catalogue at once) SQLite answers "database is locked" at once, without
    waiting for the busy timeout, so the switch is retried here."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            mode = con.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                con.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.02)
