"""The configuration catalogue in SQLite (WAL, busy timeout, one connection per thread and process).
All access goes through the Catalog class so that another backend (PostgreSQL) can replace it."""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from vboshell.store import secrets as _secrets
from vboshell.store.db import enable_wal
from vboshell.store.records import (
    EncryptionKeyRecord,
    JobRecord,
    JobSessionRecord,
    LogEntry,
    OrganizationRecord,
    RepositoryRecord,
    RestoreItemResult,
    RestoreSessionRecord,
    utcnow,
)

R = TypeVar("R")

CATALOG_FILE = "catalog.db"


class CatalogError(Exception):
    """A catalogue operation failed (duplicate name, unknown id, object in use, clear secret...)."""


class NotFoundError(CatalogError):
    pass


class DuplicateError(CatalogError):
    pass


# ------------------------------------------------------------------------------------------- schema


def _m1(con: sqlite3.Connection) -> None:
    for stmt in """
    CREATE TABLE organizations(id TEXT PRIMARY KEY, name TEXT NOT NULL COLLATE NOCASE UNIQUE, type TEXT, region TEXT,
        tenant_id TEXT, application_id TEXT, description TEXT, settings TEXT, secrets TEXT, enabled INTEGER,
        created TEXT, modified TEXT);
    CREATE TABLE encryption_keys(id TEXT PRIMARY KEY, password_protected TEXT NOT NULL, description TEXT, last_modified TEXT);
    CREATE TABLE repositories(id TEXT PRIMARY KEY, name TEXT NOT NULL COLLATE NOCASE UNIQUE, path TEXT NOT NULL,
        description TEXT, retention_type TEXT, retention_period TEXT, custom_retention_period_type TEXT,
        custom_retention_period INTEGER, retention_frequency_type TEXT, daily_time TEXT, daily_type TEXT,
        monthly_time TEXT, monthly_day_number TEXT, monthly_day_of_week TEXT, encryption_key_id TEXT, settings TEXT,
        last_retention_run TEXT, created TEXT, modified TEXT);
    CREATE TABLE jobs(id TEXT PRIMARY KEY, name TEXT NOT NULL COLLATE NOCASE, organization_id TEXT NOT NULL,
        repository_id TEXT NOT NULL, description TEXT, job_type TEXT, entire_organization INTEGER, selected_items TEXT,
        excluded_items TEXT, schedule_policy TEXT, enabled INTEGER, last_run TEXT, last_status TEXT,
        last_session_id TEXT, next_run TEXT, settings TEXT, created TEXT, modified TEXT, UNIQUE(name));
    CREATE INDEX jobs_org ON jobs(organization_id);
    CREATE INDEX jobs_repo ON jobs(repository_id);
    CREATE TABLE job_sessions(id TEXT PRIMARY KEY, job_id TEXT NOT NULL, job_name TEXT, organization_id TEXT,
        status TEXT, creation_time TEXT, end_time TEXT, progress INTEGER, retry_number INTEGER, restore_point_id TEXT,
        statistics TEXT, details TEXT, host TEXT, pid INTEGER);
    CREATE INDEX job_sessions_job ON job_sessions(job_id, creation_time);
    CREATE TABLE restore_sessions(id TEXT PRIMARY KEY, name TEXT, organization_id TEXT, type TEXT, status TEXT,
        start_time TEXT, end_time TEXT, initiated_by TEXT, reason TEXT, restore_point_id TEXT, repository_id TEXT,
        statistics TEXT, details TEXT);
    CREATE TABLE session_logs(id INTEGER PRIMARY KEY AUTOINCREMENT, session_kind TEXT NOT NULL, session_id TEXT NOT NULL,
        time TEXT, type TEXT, title TEXT, message TEXT, object_id TEXT, object_name TEXT);
    CREATE INDEX session_logs_session ON session_logs(session_kind, session_id, id);
    CREATE TABLE restore_item_results(id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, item_id TEXT,
        status TEXT, name TEXT, object_id TEXT, object_name TEXT, message TEXT, time TEXT);
    CREATE INDEX restore_item_results_session ON restore_item_results(session_id, id);
    CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT)
    """.split(";"):
        if stmt.strip():
            con.execute(stmt)


# MIGRATIONS[i] upgrades schema version i to i+1; append new functions, never edit old ones.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_m1]
SCHEMA_VERSION = len(MIGRATIONS)


# ------------------------------------------------------------------------------------------- mapping


class _Table:
    def __init__(self, name: str, cls: type) -> None:
        self.name = name
        self.cls = cls
        self.fields = [f for f in dataclasses.fields(cls) if not (f.name == "id" and cls in (LogEntry, RestoreItemResult))]
        self.kinds: dict[str, str] = {}
        for f in dataclasses.fields(cls):
            t = str(f.type)
            self.kinds[f.name] = (
                "json" if t.startswith(("dict", "list")) else "bool" if t.startswith("bool") else "dt" if "datetime" in t else "plain"
            )

    def to_row(self, rec: Any, names: list[str] | None = None) -> list[Any]:
        return [self.encode(n, getattr(rec, n)) for n in (names or [f.name for f in self.fields])]

    def encode(self, name: str, v: Any) -> Any:
        k = self.kinds[name]
        if v is None:
            return None
        if k == "json":
            return json.dumps(v, default=str, sort_keys=True)
        if k == "bool":
            return 1 if v else 0
        if k == "dt":
            if isinstance(v, str):
                return v
            if v.tzinfo is None:
                v = v.replace(tzinfo=UTC)
            return v.astimezone(UTC).isoformat()
        return v

    def decode(self, row: sqlite3.Row) -> Any:
        kw: dict[str, Any] = {}
        for key in row.keys():
            if key not in self.kinds:
                continue
            v = row[key]
            k = self.kinds[key]
            if v is not None:
                if k == "json":
                    v = json.loads(v)
                elif k == "bool":
                    v = bool(v)
                elif k == "dt":
                    v = datetime.fromisoformat(v)
            kw[key] = v
        return self.cls(**kw)


_T = {
    "organizations": _Table("organizations", OrganizationRecord),
    "encryption_keys": _Table("encryption_keys", EncryptionKeyRecord),
    "repositories": _Table("repositories", RepositoryRecord),
    "jobs": _Table("jobs", JobRecord),
    "job_sessions": _Table("job_sessions", JobSessionRecord),
    "restore_sessions": _Table("restore_sessions", RestoreSessionRecord),
    "session_logs": _Table("session_logs", LogEntry),
    "restore_item_results": _Table("restore_item_results", RestoreItemResult),
}


# ------------------------------------------------------------------------------------------- catalogue

_defaults: dict[str, Catalog] = {}
_defaults_lock = threading.Lock()


class Catalog:
    """The configuration catalogue. Thread-safe (one SQLite connection per thread) and multi-process safe."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else _secrets.vboshell_home() / CATALOG_FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._tls = threading.local()
        self._migrate()

    @classmethod
    def default(cls) -> Catalog:
        """The catalogue of the current VBOSHELL_HOME (one instance per home per process)."""
        home = str(_secrets.vboshell_home().resolve())
        with _defaults_lock:
            cat = _defaults.get(home)
            if cat is None:
                cat = _defaults[home] = cls(Path(home) / CATALOG_FILE)
            return cat

    # --- connections and transactions ---
    def _con(self) -> sqlite3.Connection:
        con = getattr(self._tls, "con", None)
        if con is None or getattr(self._tls, "pid", None) != os.getpid():
            con = sqlite3.connect(str(self.path), timeout=30.0, isolation_level=None, check_same_thread=False)
            con.row_factory = sqlite3.Row
            con.execute("PRAGMA busy_timeout=30000")
            con.execute("PRAGMA cache_size=-256")  # KiB: one connection per thread; the catalogue is small
            enable_wal(con)
            con.execute("PRAGMA synchronous=FULL")
            self._tls.con = con
            self._tls.pid = os.getpid()
            self._tls.depth = 0
            try:
                os.chmod(self.path, 0o600)
            except OSError:  # pragma: no cover
                pass
        return con

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A short write transaction (BEGIN IMMEDIATE: serialised against other processes). Nestable."""
        con = self._con()
        if self._tls.depth:
            self._tls.depth += 1
            try:
                yield con
            finally:
                self._tls.depth -= 1
            return
        con.execute("BEGIN IMMEDIATE")
        self._tls.depth = 1
        try:
            yield con
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            self._tls.depth = 0

    def close(self) -> None:
        con = getattr(self._tls, "con", None)
        if con is not None:
            con.close()
            self._tls.con = None

    def _migrate(self) -> None:
        con = self._con()
        con.execute("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)")
        while True:
            with self.transaction():
                row = con.execute("SELECT version FROM schema_version").fetchone()
                version = row[0] if row else 0
                if version > SCHEMA_VERSION:
                    raise CatalogError(
                        f"The catalogue {self.path} has schema version {version}, newer than this vboshell ({SCHEMA_VERSION})."
                    )
                if version == SCHEMA_VERSION:
                    return
                MIGRATIONS[version](con)
                if row:
                    con.execute("UPDATE schema_version SET version=?", (version + 1,))
                else:
                    con.execute("INSERT INTO schema_version(version) VALUES(?)", (version + 1,))

    @property
    def schema_version(self) -> int:
        row = self._con().execute("SELECT version FROM schema_version").fetchone()
        return row[0] if row else 0

    # --- generic helpers ---
    def _insert(self, table: str, rec: R) -> R:
        t = _T[table]
        names = [f.name for f in t.fields]
        try:
            with self.transaction() as con:
                cur = con.execute(
                    f"INSERT INTO {table}({', '.join(names)}) VALUES({', '.join('?' * len(names))})", t.to_row(rec, names)
                )
                if table in ("session_logs", "restore_item_results"):
                    rec.id = cur.lastrowid  # type: ignore[attr-defined]
        except sqlite3.IntegrityError as exc:
            name = getattr(rec, "name", None)
            raise DuplicateError(f"A {table[:-1].replace('_', ' ')} named '{name}' already exists.") from exc
        return rec

    def _get(self, table: str, id: str) -> Any:
        row = self._con().execute(f"SELECT * FROM {table} WHERE id=?", (id,)).fetchone()
        if row is None:
            raise NotFoundError(f"No {table[:-1].replace('_', ' ')} with id {id}.")
        return _T[table].decode(row)

    def _find(self, table: str, where: str, args: tuple) -> Any | None:
        row = self._con().execute(f"SELECT * FROM {table} WHERE {where}", args).fetchone()
        return _T[table].decode(row) if row else None

    def _list(self, table: str, where: str = "1=1", args: tuple = (), order: str = "name") -> list[Any]:
        return [_T[table].decode(r) for r in self._con().execute(f"SELECT * FROM {table} WHERE {where} ORDER BY {order}", args)]

    def _update(self, table: str, id: str, changes: dict[str, Any], touch: str | None = "modified") -> Any:
        t = _T[table]
        unknown = [k for k in changes if k not in t.kinds or k == "id"]
        if unknown:
            raise CatalogError(f"Unknown field(s) for {table}: {', '.join(unknown)}")
        if touch and touch in t.kinds:
            changes = {**changes, touch: utcnow()}
        if not changes:
            return self._get(table, id)
        sets = ", ".join(f"{k}=?" for k in changes)
        try:
            with self.transaction() as con:
                n = con.execute(f"UPDATE {table} SET {sets} WHERE id=?", [t.encode(k, v) for k, v in changes.items()] + [id]).rowcount
                if n == 0:
                    raise NotFoundError(f"No {table[:-1].replace('_', ' ')} with id {id}.")
                return _T[table].decode(con.execute(f"SELECT * FROM {table} WHERE id=?", (id,)).fetchone())
        except sqlite3.IntegrityError as exc:
            raise DuplicateError(f"A {table[:-1].replace('_', ' ')} named '{changes.get('name')}' already exists.") from exc

    def _modify(self, table: str, id: str, fn: Callable[[Any], Any], touch: str | None = "modified") -> Any:
        """Atomic read-modify-write: fn(record) mutates or returns the new record inside one transaction."""
        t = _T[table]
        with self.transaction() as con:
            row = con.execute(f"SELECT * FROM {table} WHERE id=?", (id,)).fetchone()
            if row is None:
                raise NotFoundError(f"No {table[:-1].replace('_', ' ')} with id {id}.")
            rec = t.decode(row)
            rec = fn(rec) or rec
            if touch and touch in t.kinds:
                setattr(rec, touch, utcnow())
            names = [f.name for f in t.fields if f.name != "id"]
            con.execute(f"UPDATE {table} SET {', '.join(n + '=?' for n in names)} WHERE id=?", t.to_row(rec, names) + [id])
            return rec

    def _delete(self, table: str, id: str) -> None:
        with self.transaction() as con:
            if con.execute(f"DELETE FROM {table} WHERE id=?", (id,)).rowcount == 0:
                raise NotFoundError(f"No {table[:-1].replace('_', ' ')} with id {id}.")

    # --- organizations ---
    @staticmethod
    def _check_secrets(rec: OrganizationRecord) -> None:
        for k, v in (rec.secrets or {}).items():
            if v is not None and not _secrets.is_protected(v):
                raise CatalogError(f"Organization secret '{k}' must be protected with vboshell.store.secrets.protect().")

    def add_organization(self, rec: OrganizationRecord) -> OrganizationRecord:
        self._check_secrets(rec)
        return self._insert("organizations", rec)

    def get_organization(self, id: str) -> OrganizationRecord:
        return self._get("organizations", id)

    def find_organization(self, name: str) -> OrganizationRecord | None:
        return self._find("organizations", "name=? COLLATE NOCASE", (name,))

    def list_organizations(self) -> list[OrganizationRecord]:
        return self._list("organizations")

    def update_organization(self, id: str, **changes: Any) -> OrganizationRecord:
        if "secrets" in changes:
            self._check_secrets(OrganizationRecord(name="", secrets=changes["secrets"]))
        return self._update("organizations", id, changes)

    def modify_organization(self, id: str, fn: Callable[[OrganizationRecord], Any]) -> OrganizationRecord:
        def checked(rec: OrganizationRecord) -> Any:
            out = fn(rec) or rec
            self._check_secrets(out)
            return out

        return self._modify("organizations", id, checked)

    def remove_organization(self, id: str) -> None:
        with self.transaction() as con:
            jobs = [r[0] for r in con.execute("SELECT name FROM jobs WHERE organization_id=?", (id,))]
            if jobs:
                raise CatalogError(f"The organization is used by job(s): {', '.join(jobs)}. Remove them first.")
            self._delete("organizations", id)

    # --- encryption keys ---
    def add_encryption_key(self, password: str | bytes, description: str = "") -> EncryptionKeyRecord:
        """Store a repository encryption password (protected with the master key)."""
        raw = password.encode("utf-8") if isinstance(password, str) else bytes(password)
        if not raw:
            raise CatalogError("The encryption key password must not be empty.")
        rec = EncryptionKeyRecord(password_protected="", description=description or "")
        rec.password_protected = _secrets.protect(raw, f"encryption-key:{rec.id}")
        return self._insert("encryption_keys", rec)

    def get_encryption_key(self, id: str) -> EncryptionKeyRecord:
        return self._get("encryption_keys", id)

    def list_encryption_keys(self) -> list[EncryptionKeyRecord]:
        return self._list("encryption_keys", order="last_modified")

    def encryption_key_password(self, id: str) -> str:
        """The clear password of an encryption key (for opening its repositories; never display it)."""
        rec = self.get_encryption_key(id)
        return _secrets.unprotect(rec.password_protected, f"encryption-key:{rec.id}").decode("utf-8")

    def update_encryption_key(self, id: str, *, password: str | bytes | None = None, description: str | None = None) -> EncryptionKeyRecord:
        changes: dict[str, Any] = {}
        if password is not None:
            raw = password.encode("utf-8") if isinstance(password, str) else bytes(password)
            changes["password_protected"] = _secrets.protect(raw, f"encryption-key:{id}")
        if description is not None:
            changes["description"] = description
        return self._update("encryption_keys", id, changes, touch="last_modified")

    def remove_encryption_key(self, id: str) -> None:
        with self.transaction() as con:
            used = [r[0] for r in con.execute("SELECT name FROM repositories WHERE encryption_key_id=?", (id,))]
            if used:
                raise CatalogError(f"The encryption key is used by repository(ies): {', '.join(used)}.")
            self._delete("encryption_keys", id)

    # --- repositories ---
    def add_repository(self, rec: RepositoryRecord) -> RepositoryRecord:
        if rec.encryption_key_id:
            self.get_encryption_key(rec.encryption_key_id)
        return self._insert("repositories", rec)

    def get_repository(self, id: str) -> RepositoryRecord:
        return self._get("repositories", id)

    def find_repository(self, name: str) -> RepositoryRecord | None:
        return self._find("repositories", "name=? COLLATE NOCASE", (name,))

    def find_repository_by_path(self, path: str) -> RepositoryRecord | None:
        return self._find("repositories", "path=?", (path,))

    def list_repositories(self) -> list[RepositoryRecord]:
        return self._list("repositories")

    def update_repository(self, id: str, **changes: Any) -> RepositoryRecord:
        return self._update("repositories", id, changes)

    def remove_repository(self, id: str) -> None:
        with self.transaction() as con:
            jobs = [r[0] for r in con.execute("SELECT name FROM jobs WHERE repository_id=?", (id,))]
            if jobs:
                raise CatalogError(f"The repository is used by job(s): {', '.join(jobs)}. Remove them or point them elsewhere first.")
            self._delete("repositories", id)

    # --- jobs ---
    def add_job(self, rec: JobRecord) -> JobRecord:
        return self._insert("jobs", rec)

    def get_job(self, id: str) -> JobRecord:
        return self._get("jobs", id)

    def find_job(self, name: str) -> JobRecord | None:
        return self._find("jobs", "name=? COLLATE NOCASE", (name,))

    def list_jobs(self, organization_id: str | None = None, repository_id: str | None = None) -> list[JobRecord]:
        where, args = ["1=1"], []
        if organization_id:
            where.append("organization_id=?")
            args.append(organization_id)
        if repository_id:
            where.append("repository_id=?")
            args.append(repository_id)
        return self._list("jobs", " AND ".join(where), tuple(args))

    def update_job(self, id: str, **changes: Any) -> JobRecord:
        return self._update("jobs", id, changes)

    def modify_job(self, id: str, fn: Callable[[JobRecord], Any]) -> JobRecord:
        """Atomic read-modify-write of a job (e.g. add to selected_items without losing concurrent changes)."""
        return self._modify("jobs", id, fn)

    def remove_job(self, id: str) -> None:
        self._delete("jobs", id)

    # --- job sessions ---
    def add_job_session(self, rec: JobSessionRecord) -> JobSessionRecord:
        return self._insert("job_sessions", rec)

    def get_job_session(self, id: str) -> JobSessionRecord:
        return self._get("job_sessions", id)

    def list_job_sessions(self, job_id: str | None = None, *, status: str | None = None, limit: int | None = None) -> list[JobSessionRecord]:
        where, args = ["1=1"], []
        if job_id:
            where.append("job_id=?")
            args.append(job_id)
        if status:
            where.append("status=?")
            args.append(status)
        order = "creation_time" + (f" DESC LIMIT {int(limit)}" if limit else "")
        out = self._list("job_sessions", " AND ".join(where), tuple(args), order=order)
        return sorted(out, key=lambda s: s.creation_time) if limit else out

    def update_job_session(self, id: str, **changes: Any) -> JobSessionRecord:
        return self._update("job_sessions", id, changes, touch=None)

    def modify_job_session(self, id: str, fn: Callable[[JobSessionRecord], Any]) -> JobSessionRecord:
        return self._modify("job_sessions", id, fn, touch=None)

    def add_job_session_log(self, session_id: str, entry: LogEntry) -> LogEntry:
        return self._add_log("job", session_id, entry)

    def add_job_session_logs(self, session_id: str, entries: list[LogEntry]) -> list[LogEntry]:
        """Several entries, in order, in one transaction (one disk sync instead of one each)."""
        return self._add_logs("job", session_id, entries)

    def job_session_logs(self, session_id: str, *, after_id: int = 0) -> list[LogEntry]:
        return self._logs("job", session_id, after_id)

    def remove_job_sessions(self, job_id: str) -> int:
        with self.transaction() as con:
            ids = [r[0] for r in con.execute("SELECT id FROM job_sessions WHERE job_id=?", (job_id,))]
            con.executemany("DELETE FROM session_logs WHERE session_kind='job' AND session_id=?", [(i,) for i in ids])
            con.execute("DELETE FROM job_sessions WHERE job_id=?", (job_id,))
            return len(ids)

    # --- restore sessions ---
    def add_restore_session(self, rec: RestoreSessionRecord) -> RestoreSessionRecord:
        return self._insert("restore_sessions", rec)

    def get_restore_session(self, id: str) -> RestoreSessionRecord:
        return self._get("restore_sessions", id)

    def list_restore_sessions(self, organization_id: str | None = None, *, status: str | None = None) -> list[RestoreSessionRecord]:
        where, args = ["1=1"], []
        if organization_id:
            where.append("organization_id=?")
            args.append(organization_id)
        if status:
            where.append("status=?")
            args.append(status)
        return self._list("restore_sessions", " AND ".join(where), tuple(args), order="start_time")

    def update_restore_session(self, id: str, **changes: Any) -> RestoreSessionRecord:
        return self._update("restore_sessions", id, changes, touch=None)

    def modify_restore_session(self, id: str, fn: Callable[[RestoreSessionRecord], Any]) -> RestoreSessionRecord:
        return self._modify("restore_sessions", id, fn, touch=None)

    def add_restore_session_log(self, session_id: str, entry: LogEntry) -> LogEntry:
        return self._add_log("restore", session_id, entry)

    def restore_session_logs(self, session_id: str, *, after_id: int = 0) -> list[LogEntry]:
        return self._logs("restore", session_id, after_id)

    def add_restore_item_result(self, session_id: str, result: RestoreItemResult) -> RestoreItemResult:
        t = _T["restore_item_results"]
        names = [f.name for f in t.fields]
        with self.transaction() as con:
            cur = con.execute(
                f"INSERT INTO restore_item_results(session_id, {', '.join(names)}) VALUES(?, {', '.join('?' * len(names))})",
                [session_id, *t.to_row(result, names)],
            )
            result.id = cur.lastrowid
        return result

    def restore_item_results(self, session_id: str) -> list[RestoreItemResult]:
        rows = self._con().execute("SELECT * FROM restore_item_results WHERE session_id=? ORDER BY id", (session_id,))
        return [_T["restore_item_results"].decode(r) for r in rows]

    def _add_log(self, kind: str, session_id: str, entry: LogEntry) -> LogEntry:
        return self._add_logs(kind, session_id, [entry])[0]

    def _add_logs(self, kind: str, session_id: str, entries: list[LogEntry]) -> list[LogEntry]:
        t = _T["session_logs"]
        names = [f.name for f in t.fields]
        sql = (f"INSERT INTO session_logs(session_kind, session_id, {', '.join(names)}) "
               f"VALUES(?, ?, {', '.join('?' * len(names))})")
        with self.transaction() as con:
            for entry in entries:
                entry.id = con.execute(sql, [kind, session_id, *t.to_row(entry, names)]).lastrowid
        return entries

    def _logs(self, kind: str, session_id: str, after_id: int) -> list[LogEntry]:
        rows = self._con().execute(
            "SELECT * FROM session_logs WHERE session_kind=? AND session_id=? AND id>? ORDER BY id", (kind, session_id, after_id)
        )
        return [_T["session_logs"].decode(r) for r in rows]

    # --- settings (generic key-value, JSON values) ---
    def get_setting(self, key: str, default: Any = None) -> Any:
        row = self._con().execute("SELECT value FROM settings WHERE key=?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: Any) -> None:
        with self.transaction() as con:
            con.execute("INSERT OR REPLACE INTO settings(key, value) VALUES(?, ?)", (key, json.dumps(value, default=str)))

    def update_setting(self, key: str, fn: Callable[[Any], Any], default: Any = None) -> Any:
        """Atomic read-modify-write of a setting: stores and returns fn(current value or default)."""
        with self.transaction() as con:
            row = con.execute("SELECT value FROM settings WHERE key=?", (key,)).fetchone()
            new = fn(json.loads(row[0]) if row else default)
            con.execute("INSERT OR REPLACE INTO settings(key, value) VALUES(?, ?)", (key, json.dumps(new, default=str)))
            return new

    def delete_setting(self, key: str) -> None:
        with self.transaction() as con:
            con.execute("DELETE FROM settings WHERE key=?", (key,))

    def list_settings(self, prefix: str = "") -> dict[str, Any]:
        rows = self._con().execute("SELECT key, value FROM settings WHERE key LIKE ? ORDER BY key", (prefix.replace("%", "") + "%",))
        return {k: json.loads(v) for k, v in rows}


def catalog_for(context: Any = None) -> Catalog:
    """The catalogue for an ExecutionContext (cached on `context.services.catalog`), keyed by VBOSHELL_HOME."""
    if context is None:
        return Catalog.default()
    holder = getattr(context, "services", None)
    if holder is None:
        holder = context
    cat = getattr(holder, "catalog", None)
    if not isinstance(cat, Catalog) or cat.path.parent.resolve() != _secrets.vboshell_home().resolve():
        cat = Catalog.default()
        try:
            holder.catalog = cat
        except AttributeError:  # pragma: no cover - slotted objects
            pass
    return cat
