"""Retention (Veeam's snapshot-based and item-level) and garbage collection of unreferenced chunks and packs.
See docs/repository-format.md §9; everything here runs under the writer lock."""

from __future__ import annotations

import calendar
import os
import re
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from vboshell.repository.index import connect
from vboshell.repository.lock import WriterLock
from vboshell.repository.pack import TARGET_SIZE, PackWriter, pack_name

if TYPE_CHECKING:
    from vboshell.repository.repo import Repository

# Veeam's VBORetentionPeriod values and their (unit, amount).
VEEAM_PERIODS: dict[str, tuple[str, int]] = {
    "Year1": ("years", 1),
    "Years2": ("years", 2),
    "Years3": ("years", 3),
    "Years5": ("years", 5),
    "Years7": ("years", 7),
    "Years10": ("years", 10),
    "Years25": ("years", 25),
    "KeepForever": ("forever", 0),
}
RETENTION_TYPES = ("SnapshotBased", "ItemLevel")


def subtract_period(now: datetime, unit: str, amount: int) -> datetime:
    """`now` minus a calendar period (months/years clamp to the last day of the target month)."""
    from datetime import timedelta

    if unit == "days":
        return now - timedelta(days=amount)
    months = amount * 12 if unit == "years" else amount
    total = now.year * 12 + (now.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    day = min(now.day, calendar.monthrange(year, month)[1])
    return now.replace(year=year, month=month, day=day)


@dataclass(frozen=True)
class RetentionPolicy:
    """type: SnapshotBased | ItemLevel; unit: days | months | years | forever."""

    type: str = "SnapshotBased"
    unit: str = "years"
    amount: int = 3

    @classmethod
    def parse(cls, period: str | None, retention_type: str = "SnapshotBased", custom_unit: str | None = None,
              custom_amount: int | None = None) -> RetentionPolicy:
        """From Veeam values (Years3, KeepForever; or CustomRetentionPeriodType Days|Months + an amount),
        or free forms such as '30 days', 'Days30', '6 months'."""
        rtype = next((t for t in RETENTION_TYPES if t.lower() == (retention_type or "SnapshotBased").lower()), None)
        if rtype is None:
            raise ValueError(f"Unknown retention type {retention_type!r}; use SnapshotBased or ItemLevel.")
        if custom_unit:
            unit = custom_unit.lower()
            if unit not in ("days", "months", "years") or not custom_amount or custom_amount < 1:
                raise ValueError("A custom retention period needs Days or Months and a positive number.")
            return cls(rtype, unit, int(custom_amount))
        if period is None:
            period = "Years3"
        for name, (u, a) in VEEAM_PERIODS.items():
            if name.lower() == str(period).lower():
                return cls(rtype, u, a)
        m = re.fullmatch(r"\s*(?:(\d+)\s*(days?|months?|years?)|(days?|months?|years?)\s*(\d+))\s*", str(period), re.I)
        if not m:
            raise ValueError(
                f"Unknown retention period {period!r}; use one of {', '.join(VEEAM_PERIODS)} or e.g. '30 days'."
            )
        amount = int(m.group(1) or m.group(4))
        unit = (m.group(2) or m.group(3)).lower()
        unit = unit if unit.endswith("s") else unit + "s"
        return cls(rtype, unit, amount)

    @property
    def keep_forever(self) -> bool:
        return self.unit == "forever"

    def cutoff(self, now: datetime | None = None) -> datetime | None:
        if self.keep_forever:
            return None
        now = now or datetime.now(UTC)
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        return subtract_period(now, self.unit, self.amount)

    def describe(self) -> str:
        if self.keep_forever:
            return f"{self.type}, keep forever"
        return f"{self.type}, {self.amount} {self.unit}"


@dataclass
class GCResult:
    chunks_removed: int = 0
    packs_deleted: int = 0
    packs_rewritten: int = 0
    orphan_packs_deleted: int = 0
    incomplete_discarded: int = 0
    bytes_freed: int = 0
    index_backup: str | None = None


@dataclass
class RetentionResult:
    policy: RetentionPolicy
    cutoff: datetime | None
    restore_points_removed: int = 0
    versions_removed: int = 0
    gc: GCResult | None = None
    removed_restore_point_ids: list[str] = field(default_factory=list)
    incomplete_rolled_back: int = 0  # uncommitted restore points older than the cut-off that were undone


def rollback_restore_point(con: sqlite3.Connection, seq: int) -> None:
    """Undo an uncommitted restore point (inside the caller's transaction)."""
    con.execute("DELETE FROM item_versions WHERE from_seq=?", (seq,))
    con.execute("UPDATE item_versions SET to_seq=NULL WHERE to_seq=?", (seq,))
    for table in ("tombstones", "object_status", "delta_state"):
        con.execute(f"DELETE FROM {table} WHERE rp_seq=?", (seq,))
    con.execute("DELETE FROM restore_points WHERE seq=?", (seq,))


def apply_retention(repo: Repository, policy: RetentionPolicy, *, now: datetime | None = None, gc: bool = True) -> RetentionResult:
    """Apply `policy` to the whole repository, then (by default) collect garbage."""
    cut = policy.cutoff(now)
    result = RetentionResult(policy, cut)
    with WriterLock(repo.path, "retention"):
        if cut is not None:
            con = connect(repo.path / "index.db")
            try:
                con.execute("BEGIN IMMEDIATE")
                try:
                    if policy.type == "SnapshotBased":
                        _snapshot_retention(con, cut.timestamp(), result)
                    else:
                        _item_retention(con, cut.timestamp(), result)
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
            finally:
                con.close()
        if gc:
            if result.versions_removed or result.restore_points_removed or result.incomplete_rolled_back:
                result.gc = collect_garbage(repo)
            else:  # nothing became unreferenced: no chunk scan (its memory and time grow with the repository)
                result.gc = sweep_leftovers(repo)
    return result


def _snapshot_retention(con: sqlite3.Connection, cut: float, result: RetentionResult) -> None:
    # uncommitted restore points started before the cut-off will never be resumed usefully: undo them
    for (seq,) in con.execute("SELECT seq FROM restore_points WHERE committed=0 AND started<?", (cut,)).fetchall():
        rollback_restore_point(con, seq)
        result.incomplete_rolled_back += 1
    row = con.execute(
        "SELECT MIN(seq) FROM restore_points WHERE (committed=1 AND finished>=?) OR committed=0", (cut,)
    ).fetchone()
    k = row[0]
    committed = "(SELECT seq FROM restore_points WHERE committed=1)"
    if k is None:
        removed = con.execute("SELECT id FROM restore_points WHERE committed=1").fetchall()
        n = con.execute("DELETE FROM item_versions").rowcount
        for table in ("tombstones", "object_status", "delta_state"):
            con.execute(f"DELETE FROM {table}")
        con.execute("DELETE FROM restore_points")
    else:
        removed = con.execute("SELECT id FROM restore_points WHERE committed=1 AND seq<?", (k,)).fetchall()
        n = con.execute(f"DELETE FROM item_versions WHERE to_seq IS NOT NULL AND to_seq<=? AND to_seq IN {committed}", (k,)).rowcount
        con.execute("DELETE FROM tombstones WHERE rp_seq<=?", (k,))
        con.execute("DELETE FROM object_status WHERE rp_seq<?", (k,))
        con.execute("DELETE FROM restore_points WHERE committed=1 AND seq<?", (k,))
    result.versions_removed += n
    result.restore_points_removed += len(removed)
    result.removed_restore_point_ids.extend(r[0] for r in removed)


def _item_retention(con: sqlite3.Connection, cut: float, result: RetentionResult) -> None:
    n = con.execute(
        "DELETE FROM item_versions WHERE item_date<? AND from_seq NOT IN (SELECT seq FROM restore_points WHERE committed=0)",
        (cut,),
    ).rowcount
    con.execute(
        "DELETE FROM tombstones WHERE NOT EXISTS (SELECT 1 FROM item_versions v WHERE v.object_id=tombstones.object_id "
        "AND v.service=tombstones.service AND v.item_id=tombstones.item_id)"
    )
    result.versions_removed += n


def _clear_tmp_and_connect(repo: Repository) -> sqlite3.Connection:
    """Empty tmp/ (half-written packs of a writer that died) and open the index."""
    shutil.rmtree(repo.path / "tmp", ignore_errors=True)
    (repo.path / "tmp").mkdir(exist_ok=True)
    return connect(repo.path / "index.db")


def collect_garbage(repo: Repository, *, discard_incomplete: bool = False, rewrite_threshold: float = 0.5) -> GCResult:
    """Remove unreferenced chunks; delete empty packs, rewrite mostly-dead packs, delete orphan packs and tmp/.
    The caller holds the writer lock."""
    res, con = GCResult(), _clear_tmp_and_connect(repo)
    try:
        if discard_incomplete:
            con.execute("BEGIN IMMEDIATE")
            seqs = [r[0] for r in con.execute("SELECT seq FROM restore_points WHERE committed=0").fetchall()]
            for seq in seqs:
                rollback_restore_point(con, seq)
            con.execute("COMMIT")
            res.incomplete_discarded = len(seqs)
        referenced: set[bytes] = set()
        for (blob,) in con.execute("SELECT chunks FROM item_versions"):
            b = bytes(blob)
            for i in range(0, len(b), 32):
                referenced.add(b[i : i + 32])
        packs = {name: size for name, size in con.execute("SELECT name, size FROM packs")}
        live: dict[str, list[tuple[bytes, int, int, int]]] = {p: [] for p in packs}
        dead: list[bytes] = []
        has_dead: set[str] = set()
        for cid, pack, off, length, raw in con.execute("SELECT id, pack, offset, length, raw_length FROM chunks"):
            cid = bytes(cid)
            if cid in referenced:
                live.setdefault(pack, []).append((cid, off, length, raw))
            else:
                dead.append(cid)
                has_dead.add(pack)
        del referenced
        to_delete = [p for p in packs if not live.get(p)]
        # only packs with dead chunks can shrink: rewriting a fully live (e.g. tiny) pack would produce the very same
        # content-addressed pack, which step 3 would then delete
        to_rewrite = [
            p for p in packs if live.get(p) and p in has_dead and sum(c[2] for c in live[p]) < rewrite_threshold * packs[p]
        ]
        # 1. copy live blobs of packs worth rewriting into new durable packs
        new_packs: list[tuple[str, int]] = []
        moved: list[tuple[str, int, bytes]] = []
        writer: PackWriter | None = None
        pending: list[tuple[bytes, int]] = []

        def publish() -> None:
            nonlocal writer, pending
            if writer is None:
                return
            pid, path, size = writer.finish()
            repo.backend.put_file(pack_name(pid), path)
            new_packs.append((pid, size))
            moved.extend((pid, off, cid) for cid, off in pending)
            writer, pending = None, []

        for p in to_rewrite:
            for cid, off, length, raw in live[p]:
                blob = repo.backend.get(pack_name(p), off, length)
                if writer is None:
                    writer = PackWriter(repo.path / "tmp", repo.keys)
                e = writer.add(cid, blob, raw)
                pending.append((cid, e.offset))
                if writer.size >= TARGET_SIZE:
                    publish()
        publish()
        # 2. one transaction repoints/removes index rows
        con.execute("BEGIN IMMEDIATE")
        try:
            now = time.time()
            con.executemany("INSERT OR IGNORE INTO packs(name, size, created) VALUES(?,?,?)", [(p, s, now) for p, s in new_packs])
            con.executemany("UPDATE chunks SET pack=?, offset=? WHERE id=?", moved)
            con.executemany("DELETE FROM chunks WHERE id=?", [(c,) for c in dead])
            kept = {pid for pid, _s in new_packs}  # a rewrite may reproduce an existing pack name: never delete it
            gone = [p for p in to_delete + to_rewrite if p not in kept]
            con.executemany("DELETE FROM packs WHERE name=?", [(p,) for p in gone])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        res.chunks_removed = len(dead)
        # 3. only now delete the old files
        for p in gone:
            res.bytes_freed += packs[p]
            repo.backend.delete(pack_name(p))
        res.bytes_freed -= sum(s for _p, s in new_packs)
        res.packs_deleted = len(to_delete)
        res.packs_rewritten = len(to_rewrite)
        # 4. orphan pack files (a writer died between publishing a pack and indexing it)
        _sweep_orphan_packs(repo, con, res)
        res.index_backup = backup_index(repo, con)
    finally:
        con.close()
    return res


def _sweep_orphan_packs(repo: Repository, con: sqlite3.Connection, res: GCResult) -> None:
    indexed = {r[0] for r in con.execute("SELECT name FROM packs")}
    for name in list(repo.backend.list("data/")):
        pid = name.rsplit("/", 1)[-1]
        if pid not in indexed:
            try:
                res.bytes_freed += repo.backend.size(name)
            except FileNotFoundError:
                pass
            repo.backend.delete(name)
            res.orphan_packs_deleted += 1


def index_backup_due(repo: Repository) -> bool:
    """Whether the newest copy in index-backups/ is older than VBOSHELL_INDEX_BACKUP_MINUTES (default 60; 0: every
    maintenance), or there is none."""
    minutes = float(os.environ.get("VBOSHELL_INDEX_BACKUP_MINUTES", "60") or 0)
    if minutes <= 0:
        return True
    try:
        newest = max((p.stat().st_mtime for p in (repo.path / "index-backups").iterdir() if p.suffix == ".db"),
                     default=None)
    except FileNotFoundError:
        return True
    return newest is None or time.time() - newest >= minutes * 60


def sweep_leftovers(repo: Repository) -> GCResult:
    """What a crash may leave behind, without scanning chunks: tmp/, pack files no index row names, and a fresh
    backup of the index when the newest is older than the interval (index_backup_due). Enough after a run that
    removed nothing: no chunk became unreferenced and no pack was deleted, so the newest copy still names only
    packs that exist; it just lacks the restore points since. (A whole copy on every run grew with the repository:
    40 ms at 10,000 items, seconds at a million, on every scheduled incremental.) The caller holds the writer lock."""
    res, con = GCResult(), _clear_tmp_and_connect(repo)
    try:
        _sweep_orphan_packs(repo, con, res)
        if index_backup_due(repo):
            res.index_backup = backup_index(repo, con)
    finally:
        con.close()
    return res


INDEX_BACKUPS = 3


def backup_index(repo: Repository, con: sqlite3.Connection | None = None, keep: int = INDEX_BACKUPS) -> str:
    """Write a consistent copy of index.db to index-backups/<UTC time>.db (SQLite online backup; sealed fields stay
    sealed) and keep the newest `keep`. Returns the file name. Run by every maintenance."""
    own = con is None
    con = con or connect(repo.path / "index.db")
    try:
        d = repo.path / "index-backups"
        d.mkdir(exist_ok=True)
        name = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + f"-{os.getpid()}.db"
        tmp = d / f".{name}.tmp"
        dst = sqlite3.connect(str(tmp))
        try:
            con.backup(dst)
        finally:
            dst.close()
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, d / name)
        for old in sorted(p for p in d.iterdir() if p.suffix == ".db")[:-keep]:
            old.unlink()
        return name
    finally:
        if own:
            con.close()
