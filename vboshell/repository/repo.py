"""The backup repository: open/create, the writer used by the backup engine and the reader used by restore.
Format and crash-safety ordering: docs/repository-format.md."""

from __future__ import annotations

import enum
import io
import json
import os
import shutil
import socket
import sqlite3
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vboshell.repository import crypto
from vboshell.repository.backend import Backend, LocalBackend
from vboshell.repository.chunker import Content, iter_chunks
from vboshell.repository.crypto import Keys
from vboshell.repository.errors import (
    RepositoryCorruptError,
    RepositoryError,
    RepositoryFullError,
    RepositoryKeyError,
    RepositoryNotFoundError,
    RepositoryStateError,
)
from vboshell.repository.index import connect, migrate
from vboshell.repository.lock import WriterLock
from vboshell.repository.pack import TARGET_SIZE, PackWriter, pack_name

FORMAT_NAME = "vboshell-repository"
FORMAT_VERSION = 1
OBJECT_KINDS = ("user", "site", "team", "group")
_DATE_KEYS = ("lastModifiedDateTime", "receivedDateTime", "modified", "date", "createdDateTime", "sentDateTime")
MAX_PENDING_OPS = 5000
MAX_PENDING_SECONDS = 30.0


# ----------------------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class ObjectRef:
    """A protected object: a user (mailbox/OneDrive), a site, a team or a group."""

    kind: str
    external_id: str
    name: str = ""
    organization_id: str = ""

    @classmethod
    def coerce(cls, value: ObjectRef | str | tuple | dict, organization_id: str = "") -> ObjectRef:
        if isinstance(value, ObjectRef):
            if not value.organization_id and organization_id:
                return ObjectRef(value.kind, value.external_id, value.name, organization_id)
            return value
        if isinstance(value, str):
            return cls("user", value, "", organization_id)
        if isinstance(value, tuple):
            return cls(*value) if len(value) >= 4 else cls(*value, organization_id=organization_id)  # type: ignore[misc]
        if isinstance(value, dict):
            return cls(
                value.get("kind", "user"),
                str(value.get("external_id") or value.get("id")),
                value.get("name", ""),
                value.get("organization_id", organization_id),
            )
        raise TypeError(f"not an object reference: {value!r}")


@dataclass(frozen=True)
class RestorePoint:
    id: str
    seq: int
    job_id: str | None
    organization_id: str | None
    started: datetime
    finished: datetime | None
    committed: bool
    status: str | None


@dataclass(frozen=True)
class ObjectStatus:
    object: ObjectRef
    status: str
    counts: dict


@dataclass(frozen=True)
class ItemVersion:
    """One stored version of an item; `valid_from`/`valid_to` are restore point ids (valid_to None: current)."""

    version_id: int
    object: ObjectRef
    service: str
    item_id: str
    folder: str | None
    parent_id: str | None
    metadata: dict
    size: int
    item_date: datetime | None
    change_key: str | None
    valid_from: str | None
    valid_to: str | None
    from_seq: int
    to_seq: int | None
    chunk_ids: tuple[bytes, ...] = field(repr=False, default=())

    @property
    def name(self) -> str:
        m = self.metadata or {}
        return str(m.get("name") or m.get("subject") or m.get("displayName") or m.get("title") or self.item_id)


@dataclass(frozen=True)
class DeletedItem:
    object: ObjectRef
    service: str
    item_id: str
    deleted_in: str  # restore point id
    deleted_at: datetime
    last_version: ItemVersion | None


@dataclass(frozen=True)
class DeltaState:
    token: str | None
    extra: Any


class ItemChange(enum.Enum):
    """The result of Writer.put_item; truthy when something was stored."""

    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"

    def __bool__(self) -> bool:
        return self is not ItemChange.UNCHANGED


@dataclass
class RepositoryStats:
    packs: int
    pack_bytes: int
    chunks: int
    stored_bytes: int
    raw_bytes: int
    item_versions: int
    logical_bytes: int
    restore_points: int

    @property
    def dedup_ratio(self) -> float:
        """Logical bytes of all item versions per stored chunk byte (before compression)."""
        return self.logical_bytes / self.raw_bytes if self.raw_bytes else 1.0


def _ts(dt: datetime | float | None) -> float | None:
    if dt is None:
        return None
    if isinstance(dt, (int, float)):
        return float(dt)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


def _dt(ts: float | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, tz=UTC)


def _parse_date(value: Any) -> float | None:
    if isinstance(value, datetime):
        return _ts(value)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and value:
        try:
            return _ts(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return None
    return None


# ----------------------------------------------------------------------------------------------- repository


class Repository:
    """A repository directory. Thread-safe for readers; one Writer (process-wide lock) at a time."""

    def __init__(self, backend: Backend, config: dict, keys: Keys) -> None:
        self.backend = backend
        root = backend.local_path()
        if root is None:  # pragma: no cover - object storage needs a local index cache (future)
            raise RepositoryError("This backend needs a local index cache, which is not implemented yet.")
        self.path = root
        self.config = config
        self.keys = keys
        self.id: str = config["id"]
        self._tls = threading.local()
        self._obj_cache: dict[int, ObjectRef] = {}
        self._closed = False

    # --- creation / opening ---
    @staticmethod
    def exists(path: str | Path) -> bool:
        return (Path(path) / "config.json").is_file()

    @classmethod
    def init(cls, path: str | Path, key: bytes | str | None = None, *, exist_ok: bool = False) -> Repository:
        """Create a repository at `path` (encrypted when `key` is given). With exist_ok, open an existing one."""
        root = Path(path)
        if cls.exists(root):
            if exist_ok:
                return cls.open(root, key)
            raise RepositoryError(f"A repository already exists at {root}.")
        leftovers = {"data", "locks", "tmp", "index.db", "index.db-wal", "index.db-shm", "index.db-journal"}
        if root.exists():
            names = {p.name for p in root.iterdir()}
            data_files = any(f for f in (root / "data").rglob("*") if f.is_file()) if (root / "data").is_dir() else False
            if names - leftovers or data_files:
                raise RepositoryError(f"The folder {root} is not empty and is not a vboshell repository.")
            for n in names & {"index.db", "index.db-wal", "index.db-shm", "index.db-journal"}:
                (root / n).unlink()  # an earlier init was interrupted before config.json was written
        if not root.exists():
            root.parent.mkdir(parents=True, exist_ok=True)
            root.mkdir(mode=0o700)  # backups of every mailbox: owner only
        for sub in ("data", "locks", "tmp"):
            (root / sub).mkdir(exist_ok=True)
        rid = str(uuid.uuid4())
        config: dict[str, Any] = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "id": rid,
            "created": datetime.now(UTC).isoformat(),
            "chunker": {"algorithm": "fastcdc2020", "min": 256 * 1024, "avg": 512 * 1024, "max": 4 * 1024 * 1024},
            "compression": {"algorithm": "zstd", "level": crypto.ZSTD_LEVEL},
            "encryption": None,
        }
        data_key = None
        if key:
            config["encryption"], data_key = crypto.new_encryption_section(key, rid)
        backend = LocalBackend(root)
        con = connect(root / "index.db")
        try:
            migrate(con)
            con.execute("INSERT OR REPLACE INTO meta(key, value) VALUES('repository_id', ?)", (rid,))
        finally:
            con.close()
        # config.json last: a crash before this leaves no repository (and init can be retried on the folder)
        backend.put("config.json", json.dumps(config, indent=2).encode())
        return cls(backend, config, Keys(data_key))

    @classmethod
    def open(cls, path: str | Path, key: bytes | str | None = None) -> Repository:
        """Open an existing repository; RepositoryKeyError when it is encrypted and the key is missing/wrong."""
        root = Path(path)
        if not cls.exists(root):
            raise RepositoryNotFoundError(f"No vboshell repository at {root}.")
        backend = LocalBackend(root)
        try:
            config = json.loads(backend.get("config.json"))
        except ValueError as exc:
            raise RepositoryCorruptError(f"The repository configuration at {root} is damaged: {exc}") from None
        if config.get("format") != FORMAT_NAME or int(config.get("version", 0)) > FORMAT_VERSION:
            raise RepositoryError(f"Unsupported repository format at {root}: {config.get('format')} v{config.get('version')}.")
        enc = config.get("encryption")
        data_key = crypto.open_data_key(enc, key, config["id"]) if enc else None
        repo = cls(backend, config, Keys(data_key))
        con = repo._con()
        migrate(con)
        return repo

    @property
    def encrypted(self) -> bool:
        return self.keys.encrypted

    def change_key(self, new_key: bytes | str) -> None:
        """Re-wrap the data key of an encrypted repository under a new password."""
        if not self.keys.encrypted:
            raise RepositoryKeyError("The repository is not encrypted.")
        with WriterLock(self.path, "change-key"):
            self.config["encryption"] = crypto.rewrap_data_key(self.keys.data_key, new_key, self.id)  # type: ignore[arg-type]
            self.backend.put("config.json", json.dumps(self.config, indent=2).encode())

    def close(self) -> None:
        con = getattr(self._tls, "con", None)
        if con is not None:
            con.close()
            self._tls.con = None
        self._closed = True

    def __enter__(self) -> Repository:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _con(self) -> sqlite3.Connection:
        con = getattr(self._tls, "con", None)
        if con is None:
            con = self._tls.con = connect(self.path / "index.db")
        return con

    # --- writer ---
    def writer(
        self,
        job_id: str | None = None,
        organization_id: str | None = None,
        *,
        resume: bool = True,
        clock: Callable[[], float] | None = None,
    ) -> Writer:
        """Take the writer lock and return a Writer (use as a context manager).
        `clock` (epoch seconds) stamps restore points and deletions; tests and replays pass their own."""
        return Writer(self, job_id, organization_id, resume=resume, clock=clock)

    def break_lock(self) -> None:
        WriterLock(self.path).break_lock()

    def lock_info(self) -> dict | None:
        return WriterLock(self.path).read()

    # --- objects / restore points ---
    def _object(self, oid: int) -> ObjectRef:
        o = self._obj_cache.get(oid)
        if o is None:
            row = self._con().execute(
                "SELECT kind, external_id, name_sealed, organization_id FROM objects WHERE id=?", (oid,)
            ).fetchone()
            if row is None:
                raise RepositoryCorruptError(f"item refers to unknown object {oid}")
            o = ObjectRef(row[0], row[1], self.keys.unseal(row[2], "object.name") or "", row[3])
            self._obj_cache[oid] = o
        return o

    def _object_id(self, obj: ObjectRef | str, organization_id: str | None = None) -> int | None:
        ref = ObjectRef.coerce(obj, organization_id or "")
        sql = "SELECT id FROM objects WHERE kind=? AND external_id=?"
        args: list[Any] = [ref.kind, ref.external_id]
        if ref.organization_id:
            sql += " AND organization_id=?"
            args.append(ref.organization_id)
        row = self._con().execute(sql, args).fetchone()
        return row[0] if row else None

    def objects(self, organization_id: str | None = None, kind: str | None = None) -> list[ObjectRef]:
        sql, args = "SELECT id FROM objects WHERE 1=1", []
        if organization_id:
            sql += " AND organization_id=?"
            args.append(organization_id)
        if kind:
            sql += " AND kind=?"
            args.append(kind)
        return [self._object(r[0]) for r in self._con().execute(sql + " ORDER BY id", args)]

    @staticmethod
    def _rp(row: tuple) -> RestorePoint:
        return RestorePoint(row[1], row[0], row[2], row[3], _dt(row[4]), _dt(row[5]), bool(row[6]), row[7])  # type: ignore[arg-type]

    _RP_COLS = "seq, id, job_id, organization_id, started, finished, committed, status"

    def restore_points(
        self, job_id: str | None = None, organization_id: str | None = None, *, include_incomplete: bool = False
    ) -> list[RestorePoint]:
        """Restore points, oldest first (committed only unless include_incomplete)."""
        sql, args = f"SELECT {self._RP_COLS} FROM restore_points WHERE 1=1", []
        if not include_incomplete:
            sql += " AND committed=1"
        if job_id:
            sql += " AND job_id=?"
            args.append(job_id)
        if organization_id:
            sql += " AND organization_id=?"
            args.append(organization_id)
        return [self._rp(r) for r in self._con().execute(sql + " ORDER BY seq", args)]

    def restore_point(self, rp_id: str) -> RestorePoint:
        row = self._con().execute(f"SELECT {self._RP_COLS} FROM restore_points WHERE id=?", (rp_id,)).fetchone()
        if row is None:
            raise RepositoryError(f"No restore point {rp_id} in this repository.")
        return self._rp(row)

    def latest_restore_point(self, job_id: str | None = None, organization_id: str | None = None) -> RestorePoint | None:
        rps = self.restore_points(job_id, organization_id)
        return rps[-1] if rps else None

    def object_statuses(self, rp: RestorePoint | str) -> list[ObjectStatus]:
        seq = self._seq(rp)
        rows = self._con().execute(
            "SELECT object_id, status, counts_json FROM object_status WHERE rp_seq=? ORDER BY object_id", (seq,)
        )
        return [ObjectStatus(self._object(r[0]), r[1], json.loads(r[2] or "{}")) for r in rows]

    def _seq(self, rp: RestorePoint | str | int) -> int:
        if isinstance(rp, RestorePoint):
            return rp.seq
        if isinstance(rp, int):
            return rp
        return self.restore_point(rp).seq

    # --- views ---
    def view(self, rp: RestorePoint | str | None = None) -> View:
        """The state at restore point `rp` (default: the latest committed one)."""
        if rp is None:
            latest = self.latest_restore_point()
            if latest is None:
                raise RepositoryError("The repository has no restore points yet.")
            rp = latest
        if not isinstance(rp, RestorePoint):
            rp = self.restore_point(rp)
        if not rp.committed:
            raise RepositoryError(f"Restore point {rp.id} is incomplete (its backup did not finish).")
        return View(self, rp)

    def view_at(self, when: datetime) -> View:
        """The state at the latest committed restore point finished at or before `when`."""
        row = self._con().execute(
            f"SELECT {self._RP_COLS} FROM restore_points WHERE committed=1 AND finished<=? ORDER BY seq DESC LIMIT 1",
            ((_ts(when) or 0.0) + 1e-6,),  # datetimes carry microseconds; stored floats may have more digits
        ).fetchone()
        if row is None:
            raise RepositoryError(f"No restore point at or before {when.isoformat()}.")
        return View(self, self._rp(row))

    _IV_COLS = (
        "v.id, v.object_id, v.service, v.item_id, v.folder_sealed, v.parent_id, v.meta_sealed, v.size, v.item_date, "
        "v.change_key, v.chunks, v.from_seq, v.to_seq, f.id, t.id"
    )
    _IV_FROM = "item_versions v LEFT JOIN restore_points f ON f.seq=v.from_seq LEFT JOIN restore_points t ON t.seq=v.to_seq"

    def _iv(self, r: tuple) -> ItemVersion:
        ch = bytes(r[10])
        return ItemVersion(
            version_id=r[0],
            object=self._object(r[1]),
            service=r[2],
            item_id=r[3],
            folder=self.keys.unseal(r[4], "item.folder"),
            parent_id=r[5],
            metadata=self.keys.unseal_json(r[6], "item.metadata") or {},  # type: ignore[arg-type]
            size=r[7],
            item_date=_dt(r[8]),
            change_key=r[9],
            valid_from=r[13],
            valid_to=r[14],
            from_seq=r[11],
            to_seq=r[12],
            chunk_ids=tuple(ch[i : i + 32] for i in range(0, len(ch), 32)),
        )

    def versions(self, obj: ObjectRef | str, service: str, item_id: str) -> list[ItemVersion]:
        """All stored versions of one item, oldest first (committed restore points only)."""
        oid = self._object_id(obj)
        if oid is None:
            return []
        rows = self._con().execute(
            f"SELECT {self._IV_COLS} FROM {self._IV_FROM} WHERE v.object_id=? AND v.service=? AND v.item_id=? "
            "AND (f.seq IS NULL OR f.committed=1) ORDER BY v.from_seq",
            (oid, service, item_id),
        )
        return [self._iv(r) for r in rows]

    def deleted_items(self, obj: ObjectRef | str | None = None, service: str | None = None) -> list[DeletedItem]:
        """Items deleted in the source (tombstones of committed restore points) with their last stored version."""
        sql = (
            "SELECT t.object_id, t.service, t.item_id, r.id, t.deleted_at, t.rp_seq FROM tombstones t "
            "JOIN restore_points r ON r.seq=t.rp_seq WHERE r.committed=1"
        )
        args: list[Any] = []
        if obj is not None:
            oid = self._object_id(obj)
            if oid is None:
                return []
            sql += " AND t.object_id=?"
            args.append(oid)
        if service:
            sql += " AND t.service=?"
            args.append(service)
        out = []
        for r in self._con().execute(sql + " ORDER BY t.id", args).fetchall():
            last = self._con().execute(
                f"SELECT {self._IV_COLS} FROM {self._IV_FROM} WHERE v.object_id=? AND v.service=? AND v.item_id=? "
                "AND v.from_seq<? ORDER BY v.from_seq DESC LIMIT 1",
                (r[0], r[1], r[2], r[5]),
            ).fetchone()
            out.append(DeletedItem(self._object(r[0]), r[1], r[2], r[3], _dt(r[4]), self._iv(last) if last else None))  # type: ignore[arg-type]
        return out

    # --- content ---
    def _chunk_loc(self, cid: bytes) -> tuple[str, int, int, int]:
        row = self._con().execute("SELECT pack, offset, length, raw_length FROM chunks WHERE id=?", (cid,)).fetchone()
        if row is None:
            raise RepositoryCorruptError(f"chunk {cid.hex()} is missing from the index")
        return row

    def read_chunk(self, cid: bytes) -> bytes:
        pack, off, length, raw = self._chunk_loc(cid)
        try:
            blob = self.backend.get(pack_name(pack), off, length)
        except FileNotFoundError:
            raise RepositoryCorruptError(f"pack {pack} holding chunk {cid.hex()} is missing") from None
        if len(blob) != length:
            raise RepositoryCorruptError(f"pack {pack} is truncated (chunk {cid.hex()})")
        return self.keys.decode_blob(cid, blob, raw)

    def iter_content(self, version: ItemVersion) -> Iterator[bytes]:
        for cid in version.chunk_ids:
            yield self.read_chunk(cid)

    def open_content(self, version: ItemVersion) -> io.BufferedReader:
        """A streaming binary reader of an item version's content (each chunk verified as it is read)."""
        return io.BufferedReader(_ContentRaw(self, version.chunk_ids), buffer_size=1024 * 1024)

    def read_content(self, version: ItemVersion) -> bytes:
        return b"".join(self.iter_content(version))

    # --- statistics ---
    def stats(self) -> RepositoryStats:
        con = self._con()
        packs, pack_bytes = con.execute("SELECT COUNT(*), COALESCE(SUM(size),0) FROM packs").fetchone()
        chunks, stored, raw = con.execute(
            "SELECT COUNT(*), COALESCE(SUM(length),0), COALESCE(SUM(raw_length),0) FROM chunks"
        ).fetchone()
        versions, logical = con.execute("SELECT COUNT(*), COALESCE(SUM(size),0) FROM item_versions").fetchone()
        rps = con.execute("SELECT COUNT(*) FROM restore_points WHERE committed=1").fetchone()[0]
        return RepositoryStats(packs, pack_bytes, chunks, stored, raw, versions, logical, rps)

    def usage(self, organization_id: str | None = None, *, by: str = "organization") -> dict[str, int]:
        """Stored bytes (packed, after dedup and compression) used per organization id (by="organization") or per
        object "kind:external_id" (by="object"). A chunk shared by two organizations counts for both."""
        con = self._con()
        sizes = {bytes(c): n for c, n in con.execute("SELECT id, length FROM chunks")}
        sql = ("SELECT o.organization_id, o.kind, o.external_id, v.chunks FROM item_versions v "
               "JOIN objects o ON o.id=v.object_id")
        args: tuple = ()
        if organization_id is not None:
            sql += " WHERE o.organization_id=?"
            args = (organization_id,)
        seen: dict[str, set[bytes]] = {}
        for org, kind, ext, blob in con.execute(sql, args):
            key = org if by == "organization" else f"{kind}:{ext}"
            ids = seen.setdefault(key, set())
            b = bytes(blob)
            ids.update(b[i : i + 32] for i in range(0, len(b), 32))
        return {k: sum(sizes.get(c, 0) for c in ids) for k, ids in seen.items()}

    def remove_object_data(self, obj: ObjectRef | str, service: str | None = None, *, gc: bool = True) -> int:
        """Delete every stored version, tombstone and delta state of an object (or of one service of it), then
        collect garbage. Takes the writer lock. Returns the number of versions removed."""
        from vboshell.repository.retention import collect_garbage

        with WriterLock(self.path, "remove-data"):
            oid = self._object_id(obj)
            if oid is None:
                return 0
            con = connect(self.path / "index.db")
            try:
                con.execute("BEGIN IMMEDIATE")
                try:
                    svc = " AND service=?" if service else ""
                    args: tuple = (oid, service) if service else (oid,)
                    n = con.execute(f"DELETE FROM item_versions WHERE object_id=?{svc}", args).rowcount
                    con.execute(f"DELETE FROM tombstones WHERE object_id=?{svc}", args)
                    if not service:
                        con.execute("DELETE FROM delta_state WHERE object_id=?", (oid,))
                        con.execute("DELETE FROM object_status WHERE object_id=?", (oid,))
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
            finally:
                con.close()
            if gc:
                collect_garbage(self)
            return n

    # --- maintenance (implemented in retention.py / verify.py) ---
    def apply_retention(self, policy: Any, now: datetime | None = None, *, gc: bool = True) -> Any:
        from vboshell.repository.retention import apply_retention

        return apply_retention(self, policy, now=now, gc=gc)

    def gc(self, *, discard_incomplete: bool = False, rewrite_threshold: float = 0.5) -> Any:
        from vboshell.repository.retention import collect_garbage

        with WriterLock(self.path, "maintenance"):
            return collect_garbage(self, discard_incomplete=discard_incomplete, rewrite_threshold=rewrite_threshold)

    def verify(self, *, read_data: bool = True) -> Any:
        from vboshell.repository.verify import verify

        return verify(self, read_data=read_data)

    def delete(self) -> None:
        """Delete the whole repository directory (Remove-VBORepository does not; used by tests/tools)."""
        with WriterLock(self.path, "delete"):
            self.close()
        shutil.rmtree(self.path)


def _batched(cur: sqlite3.Cursor, size: int = 1000) -> Iterator[tuple]:
    """Rows of a cursor fetched in batches (a large view is never loaded whole)."""
    while True:
        rows = cur.fetchmany(size)
        if not rows:
            return
        yield from rows


class _ContentRaw(io.RawIOBase):
    def __init__(self, repo: Repository, chunk_ids: tuple[bytes, ...]) -> None:
        self._repo = repo
        self._ids = list(chunk_ids)
        self._i = 0
        self._buf = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[override]
        while not self._buf:
            if self._i >= len(self._ids):
                return 0
            self._buf = memoryview(self._repo.read_chunk(self._ids[self._i]))
            self._i += 1
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


# ----------------------------------------------------------------------------------------------- view


class View:
    """Point-in-time view: every item version alive at one committed restore point."""

    def __init__(self, repo: Repository, rp: RestorePoint) -> None:
        self.repo = repo
        self.restore_point = rp
        self._seq = rp.seq

    # a from_seq whose restore point is gone was retired by retention (it was committed)
    _ALIVE = "(f.seq IS NULL OR f.committed=1) AND v.from_seq<=:s AND (v.to_seq IS NULL OR v.to_seq>:s OR t.committed=0)"

    def objects(self) -> list[ObjectRef]:
        rows = self.repo._con().execute(
            f"SELECT DISTINCT v.object_id FROM {Repository._IV_FROM} WHERE {self._ALIVE} ORDER BY v.object_id",
            {"s": self._seq},
        )
        return [self.repo._object(r[0]) for r in rows]

    def items(
        self,
        obj: ObjectRef | str | None = None,
        service: str | None = None,
        folder: str | None = None,
        *,
        recursive: bool = False,
    ) -> Iterator[ItemVersion]:
        """Item versions alive at this restore point, optionally of one object/service/folder."""
        sql = f"SELECT {Repository._IV_COLS} FROM {Repository._IV_FROM} WHERE {self._ALIVE}"
        args: dict[str, Any] = {"s": self._seq}
        if obj is not None:
            oid = self.repo._object_id(obj)
            if oid is None:
                return
            sql += " AND v.object_id=:o"
            args["o"] = oid
        if service:
            sql += " AND v.service=:svc"
            args["svc"] = service
        if folder is not None and not recursive:
            sql += " AND v.folder_key=:fk"
            args["fk"] = self.repo.keys.keyed_hash(folder)
        cur = self.repo._con().cursor()
        cur.execute(sql + " ORDER BY v.object_id, v.id", args)
        prefix = folder.rstrip("/") + "/" if folder is not None else None
        for r in _batched(cur):
            iv = self.repo._iv(r)
            if recursive and folder is not None:
                f = iv.folder or ""
                if f != folder and not f.startswith(prefix or ""):
                    continue
            yield iv

    def folders(self, obj: ObjectRef | str | None = None, service: str | None = None) -> list[str]:
        seen: set[str] = set()
        for iv in self.items(obj, service):
            if iv.folder is not None:
                seen.add(iv.folder)
        return sorted(seen)

    def get(self, obj: ObjectRef | str, service: str, item_id: str) -> ItemVersion | None:
        for iv in self._by_item(obj, service, item_id):
            return iv
        return None

    def _by_item(self, obj: ObjectRef | str, service: str, item_id: str) -> Iterator[ItemVersion]:
        oid = self.repo._object_id(obj)
        if oid is None:
            return
        rows = self.repo._con().execute(
            f"SELECT {Repository._IV_COLS} FROM {Repository._IV_FROM} WHERE {self._ALIVE} "
            "AND v.object_id=:o AND v.service=:svc AND v.item_id=:i",
            {"s": self._seq, "o": oid, "svc": service, "i": item_id},
        )
        for r in rows:
            yield self.repo._iv(r)

    def count(self) -> int:
        return self.repo._con().execute(
            f"SELECT COUNT(*) FROM {Repository._IV_FROM} WHERE {self._ALIVE}", {"s": self._seq}
        ).fetchone()[0]


# ----------------------------------------------------------------------------------------------- writer


def _fmt_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{int(n)} B" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"


def _full_error(path: Path, exc: BaseException) -> RepositoryFullError | None:
    """A RepositoryFullError naming the path and the space when `exc` means the volume is full, else None."""
    import errno

    full = (isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1))) or (
        isinstance(exc, sqlite3.OperationalError) and "full" in str(exc).lower())
    if not full:
        return None
    try:
        du = shutil.disk_usage(path)
        space = f"{_fmt_bytes(du.free)} free of {_fmt_bytes(du.total)}"
    except OSError:
        space = "free space unknown"
    return RepositoryFullError(
        f"No space left on the repository volume: {path} ({space}). Free space or move the repository, then run "
        "the job again; it resumes from what was stored.")


def _space_checked(fn: Callable) -> Callable:
    """Turn 'no space left on device' (files or the SQLite index) into a RepositoryFullError naming path and space."""
    import functools

    @functools.wraps(fn)
    def wrapper(self: Writer, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(self, *args, **kwargs)
        except (OSError, sqlite3.OperationalError) as exc:
            err = _full_error(self.repo.path, exc)
            if err is None:
                raise
            raise err from exc

    return wrapper


def _locked(fn: Callable) -> Callable:
    """Run a Writer method under the writer's re-entrant mutex (collectors may call from several threads)."""
    import functools

    @functools.wraps(fn)
    def wrapper(self: Writer, *args: Any, **kwargs: Any) -> Any:
        with self._mu:
            return fn(self, *args, **kwargs)

    return _space_checked(wrapper)


class Writer:
    """The single writer of a repository; see the package docstring for the protocol."""

    def __init__(
        self,
        repo: Repository,
        job_id: str | None,
        organization_id: str | None,
        *,
        resume: bool = True,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.repo = repo
        self._mu = threading.RLock()
        self._clock = clock or time.time
        self.keys = repo.keys
        self.job_id = job_id
        self.organization_id = organization_id or ""
        self.resume = resume
        self._lock = WriterLock(repo.path, "backup").acquire()
        try:
            self._con = connect(repo.path / "index.db")
            shutil.rmtree(repo.path / "tmp", ignore_errors=True)
            (repo.path / "tmp").mkdir(exist_ok=True)
        except BaseException:
            self._lock.release()
            raise
        self._pack: PackWriter | None = None
        self._pack_chunks: dict[bytes, tuple[int, int, int]] = {}
        self._ops: list[tuple] = []
        self._pending: dict[tuple[int, str, str], tuple[str, bytes | None, str | None]] = {}
        self._pending_by_item: dict[tuple[int, str], tuple[str, bytes | None, str | None]] = {}
        self._pending_delta: dict[tuple[int, str], DeltaState] = {}
        self._objects: dict[ObjectRef, int] = {}
        self._folder_cache: dict[str, tuple[str | None, str | bytes | None]] = {}
        self._last_flush = time.monotonic()
        self.rp: RestorePoint | None = None
        self.adopted = False
        self.stats = {"items": 0, "new": 0, "changed": 0, "unchanged": 0, "deleted": 0, "bytes": 0, "stored_bytes": 0}
        self._closed = False
        self._failure: str | None = None  # set when a write failed and queued work was discarded

    # --- context manager ---
    def __enter__(self) -> Writer:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(flush=True)

    @_locked
    def close(self, *, flush: bool = True) -> None:
        """Flush queued work (an uncommitted restore point stays resumable) and release the lock."""
        if self._closed:
            return
        try:
            if flush and self.rp is not None:
                self.flush()
        finally:
            self._closed = True
            if self._pack is not None:
                self._pack.abort()
                self._pack = None
            self._con.close()
            self._lock.release()

    # --- restore points ---
    @_locked
    def begin_restore_point(self) -> RestorePoint:
        """Start (or, after an interrupted run of the same job, resume) a restore point."""
        self._check()
        if self.rp is not None:
            raise RepositoryStateError("A restore point is already open; commit it first.")
        con = self._con
        row = None
        if self.resume:
            row = con.execute(
                f"SELECT {Repository._RP_COLS} FROM restore_points WHERE committed=0 AND job_id IS ? "
                "AND organization_id IS ? ORDER BY seq DESC LIMIT 1",
                (self.job_id, self.organization_id),
            ).fetchone()
        if row is not None:
            self.rp = Repository._rp(row)
            self.adopted = True
            con.execute("UPDATE restore_points SET host=?, pid=? WHERE seq=?", (socket.gethostname(), os.getpid(), self.rp.seq))
        else:
            rid = str(uuid.uuid4())
            con.execute("BEGIN IMMEDIATE")
            con.execute(
                "INSERT INTO restore_points(id, job_id, organization_id, started, committed, status, host, pid) "
                "VALUES(?,?,?,?,0,'Running',?,?)",
                (rid, self.job_id, self.organization_id, self._clock(), socket.gethostname(), os.getpid()),
            )
            con.execute("COMMIT")
            r = con.execute(f"SELECT {Repository._RP_COLS} FROM restore_points WHERE id=?", (rid,)).fetchone()
            self.rp = Repository._rp(r)
            self.adopted = False
        return self.rp

    @_locked
    def commit(self, status: str = "Success") -> RestorePoint:
        """Make the restore point visible: flush (fsync) its data, then one transaction marks it committed."""
        rp = self._need_rp()
        self.flush()
        con = self._con
        con.execute("BEGIN IMMEDIATE")
        try:
            con.execute("UPDATE restore_points SET committed=1, finished=?, status=? WHERE seq=?", (self._clock(), status, rp.seq))
            con.execute(
                "DELETE FROM delta_state WHERE rp_seq<:s AND EXISTS(SELECT 1 FROM delta_state d2 WHERE "
                "d2.object_id=delta_state.object_id AND d2.key=delta_state.key AND d2.rp_seq=:s)",
                {"s": rp.seq},
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        self.rp = None
        r = con.execute(f"SELECT {Repository._RP_COLS} FROM restore_points WHERE seq=?", (rp.seq,)).fetchone()
        return Repository._rp(r)

    # --- items ---
    def _check(self) -> None:
        if self._closed:
            raise RepositoryStateError("The writer is closed.")
        if self._failure is not None:
            # Work queued by other callers (items, delta states) was discarded with the failed write: nothing more
            # may be stored or committed, or a delta state could be published for items that were never stored.
            # The restore point stays incomplete; the next run resumes it.
            raise RepositoryStateError(f"An earlier write to the repository failed, so this run stops: "
                                       f"{self._failure}")

    def _need_rp(self) -> RestorePoint:
        self._check()
        if self.rp is None:
            raise RepositoryStateError("No restore point is open: call begin_restore_point() first.")
        return self.rp

    @_locked
    def object_id(self, obj: ObjectRef | str) -> int:
        ref = ObjectRef.coerce(obj, self.organization_id)
        oid = self._objects.get(ref)
        if oid is not None:
            return oid
        con = self._con
        row = con.execute(
            "SELECT id, name_sealed FROM objects WHERE organization_id=? AND kind=? AND external_id=?",
            (ref.organization_id, ref.kind, ref.external_id),
        ).fetchone()
        if row is None:
            cur = con.execute(
                "INSERT INTO objects(organization_id, kind, external_id, name_sealed) VALUES(?,?,?,?)",
                (ref.organization_id, ref.kind, ref.external_id, self.keys.seal(ref.name, "object.name")),
            )
            oid = cur.lastrowid
        else:
            oid = row[0]
            if ref.name and self.keys.unseal(row[1], "object.name") != ref.name:
                con.execute("UPDATE objects SET name_sealed=? WHERE id=?", (self.keys.seal(ref.name, "object.name"), oid))
                self.repo._obj_cache.pop(oid, None)
        self._objects[ref] = oid  # type: ignore[assignment]
        return oid  # type: ignore[return-value]

    def _current(self, oid: int, service: str, item_id: str) -> tuple[str, bytes | None, str | None] | None:
        """('put', state_hash, change_key) / ('del', None, None) of the item's current version, or None."""
        p = self._pending.get((oid, service, item_id))
        if p is not None:
            return p
        row = self._con.execute(
            "SELECT state_hash, change_key FROM item_versions WHERE object_id=? AND service=? AND item_id=? AND to_seq IS NULL "
            "ORDER BY from_seq DESC LIMIT 1",
            (oid, service, item_id),
        ).fetchone()
        return ("put", bytes(row[0]), row[1]) if row else None

    @_locked
    def item_known(self, obj: ObjectRef | str, item_id: str, change_key: str | None, service: str | None = None) -> bool:
        """Whether the item's current stored version has this change key (so it need not be downloaded again)."""
        self._check()
        if change_key is None:
            return False
        oid = self.object_id(obj)
        if service is not None:
            cur = self._current(oid, service, item_id)
            return cur is not None and cur[0] == "put" and cur[2] == change_key
        p = self._pending_by_item.get((oid, item_id))
        if p is not None:
            return p[0] == "put" and p[2] == change_key
        row = self._con.execute(
            "SELECT 1 FROM item_versions WHERE object_id=? AND item_id=? AND to_seq IS NULL AND change_key=? LIMIT 1",
            (oid, item_id, change_key),
        ).fetchone()
        return row is not None

    @_locked
    def has_items(self, obj: ObjectRef | str, service: str) -> bool:
        """Whether any version of this object's service is stored (committed, adopted or queued in this run)."""
        self._check()
        oid = self.object_id(obj)
        if any(k[0] == oid and k[1] == service for k in self._pending):
            return True
        return self._con.execute("SELECT 1 FROM item_versions WHERE object_id=? AND service=? LIMIT 1",
                                 (oid, service)).fetchone() is not None

    def _chunk_known(self, cid: bytes) -> bool:
        if cid in self._pack_chunks:
            return True
        return self._con.execute("SELECT 1 FROM chunks WHERE id=?", (cid,)).fetchone() is not None

    @_space_checked
    def put_item(
        self,
        obj: ObjectRef | str,
        service: str,
        item_id: str,
        folder: str | None,
        metadata: dict | None,
        content: Content,
        *,
        change_key: str | None = None,
        parent_id: str | None = None,
        item_date: datetime | None = None,
        new_item: bool = False,
    ) -> ItemChange:
        """Store an item's content (bytes, an iterable of bytes or a binary file object, streamed) and metadata.
        Returns NEW, CHANGED or UNCHANGED (UNCHANGED stores nothing). `new_item=True` promises that the object had
        no version of this service stored before this run (see `has_items`): the index is then not searched."""
        with self._mu:
            self._need_rp()
            oid = self.object_id(obj)
        ids: list[bytes] = []
        size = 0
        for chunk in iter_chunks(content):
            cid = self.keys.chunk_id(chunk)
            size += len(chunk)
            ids.append(cid)
            with self._mu:
                if self._chunk_known(cid):
                    continue
            blob = self.keys.encode_blob(cid, chunk)  # compression/encryption outside the mutex
            with self._mu:
                self._check()
                if self._chunk_known(cid):
                    continue
                if self._pack is None:
                    self._pack = PackWriter(self.repo.path / "tmp", self.keys)
                try:
                    e = self._pack.add(cid, blob, len(chunk))
                except BaseException as exc:
                    self._discard_unflushed(exc, owner=(oid, service))
                    raise
                self._pack_chunks[cid] = (e.offset, e.length, e.raw_length)
                self.stats["stored_bytes"] += len(blob)
                if self._pack.size >= TARGET_SIZE:
                    self.flush()
        with self._mu:
            return self._put_index(oid, service, item_id, folder, metadata, ids, size, change_key, parent_id, item_date,
                                   new_item)

    def _sealed_folder(self, folder: str | None) -> tuple[str | None, str | bytes | None]:
        """(keyed hash, sealed text) of a folder path. Items of one folder share them: the keyed hash already shows
        which items share a folder, so reusing one sealed copy reveals nothing more and saves an AES-GCM pass and
        an HMAC per item."""
        if folder is None:
            return None, None
        hit = self._folder_cache.get(folder)
        if hit is None:
            if len(self._folder_cache) >= 4096:
                self._folder_cache.clear()
            hit = self._folder_cache[folder] = (self.keys.keyed_hash(folder), self.keys.seal(folder, "item.folder"))
        return hit

    def _put_index(
        self, oid: int, service: str, item_id: str, folder: str | None, metadata: dict | None, ids: list[bytes],
        size: int, change_key: str | None, parent_id: str | None, item_date: datetime | None,
        new_item: bool = False,
    ) -> ItemChange:
        rp = self._need_rp()
        meta = metadata or {}
        meta_json = json.dumps(meta, sort_keys=True, default=str)
        chunk_blob = b"".join(ids)
        state = self.keys.state_hash(chunk_blob, str(size).encode(), (folder or "").encode(), (parent_id or "").encode(), meta_json.encode())
        key = (oid, service, item_id)
        # new_item: the caller knows the object had nothing stored for this service (its first backup), so only
        # what this run queued can be current
        cur = self._pending.get(key) if new_item else self._current(oid, service, item_id)
        self.stats["items"] += 1
        self.stats["bytes"] += size
        if cur is not None and cur[0] == "put" and cur[1] == state:
            if change_key is not None and cur[2] != change_key:
                self._ops.append(("ck", oid, service, item_id, change_key))
                self._pending[key] = self._pending_by_item[(oid, item_id)] = ("put", state, change_key)
            self.stats["unchanged"] += 1
            self._maybe_flush()
            return ItemChange.UNCHANGED
        idate = _ts(item_date) if item_date is not None else None
        if idate is None:
            for k in _DATE_KEYS:
                idate = _parse_date(meta.get(k))
                if idate is not None:
                    break
        if idate is None:
            idate = self._clock()
        folder_key, folder_sealed = self._sealed_folder(folder)
        row = (
            oid,
            service,
            item_id,
            change_key,
            folder_key,
            folder_sealed,
            parent_id,
            self.keys.seal(meta_json, "item.metadata"),
            size,
            idate,
            state,
            chunk_blob,
            rp.seq,
        )
        self._ops.append(("put", row, new_item and cur is None))
        self._pending[key] = self._pending_by_item[(oid, item_id)] = ("put", state, change_key)
        result = ItemChange.NEW if cur is None or cur[0] == "del" else ItemChange.CHANGED
        self.stats[result.value] += 1
        self._maybe_flush()
        return result

    @_locked
    def delete_item(self, obj: ObjectRef | str, service: str, item_id: str) -> bool:
        """Record that the item was deleted in the source (closes its current version, adds a tombstone)."""
        self._need_rp()
        oid = self.object_id(obj)
        cur = self._current(oid, service, item_id)
        if cur is None or cur[0] == "del":
            return False
        self._ops.append(("del", oid, service, item_id))
        self._pending[(oid, service, item_id)] = self._pending_by_item[(oid, item_id)] = ("del", None, None)
        self.stats["deleted"] += 1
        self._maybe_flush()
        return True

    @_locked
    def current_items(self, obj: ObjectRef | str, service: str | None = None) -> Iterator[tuple[str, str, str | None]]:
        """(service, item_id, change_key) of the object's current items, e.g. to detect deletions in full scans."""
        self.flush()
        oid = self.object_id(obj)
        sql = "SELECT service, item_id, change_key FROM item_versions WHERE object_id=? AND to_seq IS NULL"
        args: list[Any] = [oid]
        if service:
            sql += " AND service=?"
            args.append(service)
        yield from self._con.execute(sql, args).fetchall()

    @_locked
    def set_delta_state(self, obj: ObjectRef | str, key: str, token: str | None, extra: Any = None) -> None:
        """Remember a delta token (and e.g. a folder id → previous path map) for the next incremental run."""
        rp = self._need_rp()
        oid = self.object_id(obj)
        self._ops.append(("delta", oid, key, rp.seq, self.keys.seal(token, "delta.token"), self.keys.seal_json(extra, "delta.extra")))
        self._pending_delta[(oid, key)] = DeltaState(token, extra)
        self._maybe_flush()

    def get_delta_state(self, obj: ObjectRef | str, key: str) -> DeltaState | None:
        """The latest delta state of (object, key) from committed restore points or the open one."""
        return self.get_delta_states(obj, [key]).get(key)

    @_locked
    def get_delta_states(self, obj: ObjectRef | str, keys: Iterable[str]) -> dict[str, DeltaState]:
        """get_delta_state for several keys of one object, in one query per 500 keys (keys without a state are left
        out): a mailbox reads the states of all its folders before its first request."""
        self._check()
        oid = self.object_id(obj)
        out: dict[str, DeltaState] = {}
        rest: list[str] = []
        for key in dict.fromkeys(keys):
            p = self._pending_delta.get((oid, key))
            if p is not None:
                out[key] = p
            else:
                rest.append(key)
        cur_seq = self.rp.seq if self.rp else -1
        for i in range(0, len(rest), 500):  # SQLite's limit on parameters
            part = rest[i:i + 500]
            # SQLite takes the bare columns of a MAX() aggregate from the row holding the maximum
            rows = self._con.execute(
                "SELECT d.key, MAX(d.rp_seq), d.token_sealed, d.extra_sealed FROM delta_state d "
                "LEFT JOIN restore_points r ON r.seq=d.rp_seq "
                f"WHERE d.object_id=? AND d.key IN ({','.join('?' * len(part))}) "
                "AND (r.seq IS NULL OR r.committed=1 OR r.seq=?) GROUP BY d.key",
                (oid, *part, cur_seq),
            ).fetchall()
            for key, _seq, token, extra in rows:
                out[key] = DeltaState(self.keys.unseal(token, "delta.token"), self.keys.unseal_json(extra, "delta.extra"))
        return out

    @_locked
    def set_object_status(self, obj: ObjectRef | str, status: str, counts: dict | None = None) -> None:
        """Per-object result in this restore point (e.g. Success/Warning/Failed with item counts)."""
        rp = self._need_rp()
        oid = self.object_id(obj)
        self._ops.append(("status", rp.seq, oid, status, json.dumps(counts or {}, default=str)))
        self._maybe_flush()

    @_locked
    def checkpoint(self) -> None:
        """Make everything put so far durable (it is reused if the run is interrupted)."""
        self.flush()

    # --- flushing ---
    def _maybe_flush(self) -> None:
        if len(self._ops) >= MAX_PENDING_OPS or time.monotonic() - self._last_flush > MAX_PENDING_SECONDS:
            self.flush()

    @_locked
    def flush(self) -> None:
        """Seal and publish the open pack (fsync + rename), then apply queued index rows in one transaction."""
        self._check()
        pack_rows: list[tuple] = []
        pack_info: tuple[str, int] | None = None
        if self._pack is not None and self._pack.entries:
            try:
                pid, path, psize = self._pack.finish()
                self.repo.backend.put_file(pack_name(pid), path)
            except BaseException as exc:
                self._discard_unflushed(exc)
                raise
            pack_rows = [(cid, pid, o, n, r) for cid, (o, n, r) in self._pack_chunks.items()]
            pack_info = (pid, psize)
        elif self._pack is not None:
            self._pack.abort()
        self._pack = None
        if not pack_rows and not self._ops:
            self._last_flush = time.monotonic()
            return
        con = self._con
        con.execute("BEGIN IMMEDIATE")
        try:
            if pack_info:
                con.execute("INSERT OR IGNORE INTO packs(name, size, created) VALUES(?,?,?)", (pack_info[0], pack_info[1], self._clock()))
                con.executemany("INSERT OR IGNORE INTO chunks(id, pack, offset, length, raw_length) VALUES(?,?,?,?,?)", pack_rows)
            seq = self.rp.seq if self.rp else None
            for op in self._ops:
                self._apply(con, op, seq)
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            self._discard_unflushed(sys.exc_info()[1])  # the published pack (if any) becomes an orphan for maintenance
            raise
        self._pack_chunks.clear()
        self._ops.clear()
        self._pending.clear()
        self._pending_by_item.clear()
        self._pending_delta.clear()
        self._last_flush = time.monotonic()

    def _discard_unflushed(self, reason: BaseException | None = None, owner: tuple[int, str] | None = None) -> None:
        """After a failed write (disk full, I/O error): drop the open pack and every queued row, which may refer to
        its chunks. Those items are simply not stored (item_known() is False for them), so nothing in the index
        ever points at missing data. If the dropped work was not only the failing caller's own (`owner`: its object
        and service, and no queued delta state), other callers cannot know their items were lost, so the writer
        refuses further work (see _check): otherwise their later delta states would be published without them."""
        others = bool(self._pending_delta) or any((oid, svc) != owner for oid, svc, _iid in self._pending)
        if reason is not None and others and not isinstance(reason, KeyboardInterrupt | SystemExit | GeneratorExit):
            err = _full_error(self.repo.path, reason) if isinstance(reason, OSError | sqlite3.OperationalError) else None
            self._failure = str(err or reason) or type(reason).__name__
        if self._pack is not None:
            try:
                self._pack.abort()
            except OSError:
                pass
            self._pack = None
        self._pack_chunks.clear()
        self._ops.clear()
        self._pending.clear()
        self._pending_by_item.clear()
        self._pending_delta.clear()

    @staticmethod
    def _close_current(con: sqlite3.Connection, oid: int, service: str, item_id: str, seq: int) -> None:
        for vid, from_seq in con.execute(
            "SELECT id, from_seq FROM item_versions WHERE object_id=? AND service=? AND item_id=? AND to_seq IS NULL",
            (oid, service, item_id),
        ).fetchall():
            if from_seq == seq:
                con.execute("DELETE FROM item_versions WHERE id=?", (vid,))
            else:
                con.execute("UPDATE item_versions SET to_seq=? WHERE id=?", (seq, vid))

    def _apply(self, con: sqlite3.Connection, op: tuple, seq: int | None) -> None:
        kind = op[0]
        if kind == "put":
            row = op[1]
            if not (len(op) > 2 and op[2]):  # a first version needs no search for the one it replaces
                self._close_current(con, row[0], row[1], row[2], row[12])
            con.execute(
                "INSERT INTO item_versions(object_id, service, item_id, change_key, folder_key, folder_sealed, parent_id, "
                "meta_sealed, size, item_date, state_hash, chunks, from_seq, to_seq) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,NULL)",
                row,
            )
        elif kind == "del":
            _, oid, service, item_id = op
            self._close_current(con, oid, service, item_id, seq)  # type: ignore[arg-type]
            con.execute(
                "INSERT INTO tombstones(object_id, service, item_id, rp_seq, deleted_at) VALUES(?,?,?,?,?)",
                (oid, service, item_id, seq, self._clock()),
            )
        elif kind == "ck":
            _, oid, service, item_id, ck = op
            con.execute(
                "UPDATE item_versions SET change_key=? WHERE object_id=? AND service=? AND item_id=? AND to_seq IS NULL",
                (ck, oid, service, item_id),
            )
        elif kind == "delta":
            _, oid, key, s, tok, extra = op
            con.execute(
                "INSERT OR REPLACE INTO delta_state(object_id, key, rp_seq, token_sealed, extra_sealed) VALUES(?,?,?,?,?)",
                (oid, key, s, tok, extra),
            )
        elif kind == "status":
            _, s, oid, status, counts = op
            con.execute(
                "INSERT OR REPLACE INTO object_status(rp_seq, object_id, status, counts_json) VALUES(?,?,?,?)",
                (s, oid, status, counts),
            )
