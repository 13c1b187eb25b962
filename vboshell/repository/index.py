"""The repository index database (SQLite inside the repository): schema, migrations and connections.
See docs/repository-format.md §6."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from vboshell.store.db import enable_wal

SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE packs(name TEXT PRIMARY KEY, size INTEGER NOT NULL, created REAL NOT NULL);
CREATE TABLE chunks(id BLOB PRIMARY KEY, pack TEXT NOT NULL, offset INTEGER NOT NULL,
                    length INTEGER NOT NULL, raw_length INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX chunks_pack ON chunks(pack);
CREATE TABLE objects(id INTEGER PRIMARY KEY, organization_id TEXT NOT NULL, kind TEXT NOT NULL,
                     external_id TEXT NOT NULL, name_sealed, UNIQUE(organization_id, kind, external_id));
CREATE TABLE restore_points(seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, job_id TEXT,
                     organization_id TEXT, started REAL NOT NULL, finished REAL, committed INTEGER NOT NULL DEFAULT 0,
                     status TEXT, host TEXT, pid INTEGER);
CREATE TABLE object_status(rp_seq INTEGER NOT NULL, object_id INTEGER NOT NULL, status TEXT NOT NULL,
                     counts_json TEXT, PRIMARY KEY(rp_seq, object_id));
CREATE TABLE item_versions(id INTEGER PRIMARY KEY, object_id INTEGER NOT NULL, service TEXT NOT NULL,
                     item_id TEXT NOT NULL, change_key TEXT, folder_key TEXT, folder_sealed, parent_id TEXT,
                     meta_sealed, size INTEGER NOT NULL, item_date REAL, state_hash BLOB NOT NULL,
                     chunks BLOB NOT NULL, from_seq INTEGER NOT NULL, to_seq INTEGER);
CREATE INDEX iv_item ON item_versions(object_id, service, item_id, to_seq);
CREATE INDEX iv_folder ON item_versions(object_id, folder_key);
CREATE INDEX iv_from ON item_versions(from_seq);
CREATE INDEX iv_to ON item_versions(to_seq);
CREATE INDEX iv_date ON item_versions(item_date);
CREATE TABLE tombstones(id INTEGER PRIMARY KEY, object_id INTEGER NOT NULL, service TEXT NOT NULL,
                     item_id TEXT NOT NULL, rp_seq INTEGER NOT NULL, deleted_at REAL NOT NULL);
CREATE INDEX tomb_item ON tombstones(object_id, service, item_id);
CREATE INDEX tomb_rp ON tombstones(rp_seq);
CREATE TABLE delta_state(object_id INTEGER NOT NULL, key TEXT NOT NULL, rp_seq INTEGER NOT NULL,
                     token_sealed, extra_sealed, PRIMARY KEY(object_id, key, rp_seq));
"""


def run_script(con: sqlite3.Connection, script: str) -> None:
    """Execute ';'-separated DDL statements inside the caller's transaction (executescript would commit it)."""
    for stmt in script.split(";"):
        if stmt.strip():
            con.execute(stmt)


def _v1(con: sqlite3.Connection) -> None:
    run_script(con, SCHEMA_V1)


# Ordered migrations: MIGRATIONS[i] brings the schema from version i to i+1.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1]
SCHEMA_VERSION = len(MIGRATIONS)


def connect(db_path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """A connection in WAL mode with a busy timeout; autocommit (transactions are explicit BEGIN/COMMIT)."""
    con = sqlite3.connect(str(db_path), timeout=30.0, isolation_level=None, check_same_thread=False)
    con.execute("PRAGMA busy_timeout=30000")
    if not readonly:
        enable_wal(con)
    con.execute("PRAGMA synchronous=FULL")
    con.execute("PRAGMA foreign_keys=OFF")
    return con


def current_version(con: sqlite3.Connection) -> int:
    has_meta = con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
    if not has_meta:
        return 0
    row = con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(con: sqlite3.Connection) -> int:
    """Apply pending migrations, each in its own transaction. Returns the resulting schema version."""
    version = current_version(con)
    if version > SCHEMA_VERSION:
        from vboshell.repository.errors import RepositoryError

        raise RepositoryError(
            f"The repository index has schema version {version}, newer than this vboshell supports ({SCHEMA_VERSION})."
        )
    while version < SCHEMA_VERSION:
        con.execute("BEGIN IMMEDIATE")
        try:
            if current_version(con) != version:  # another process migrated meanwhile
                con.execute("ROLLBACK")
                version = current_version(con)
                continue
            MIGRATIONS[version](con)
            version += 1
            con.execute("INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', ?)", (str(version),))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return version
