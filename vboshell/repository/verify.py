"""Repository verification: re-hash every pack and chunk, check every index reference, name the affected items.
See docs/repository-format.md §10."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from vboshell.repository.errors import RepositoryCorruptError
from vboshell.repository.index import connect
from vboshell.repository.pack import TRAILER, pack_name, parse_header

if TYPE_CHECKING:
    from vboshell.repository.repo import ObjectRef, Repository


@dataclass(frozen=True)
class AffectedItem:
    object: ObjectRef
    service: str
    item_id: str
    folder: str | None
    name: str
    version_id: int
    valid_from: str | None
    valid_to: str | None

    def __str__(self) -> str:
        who = self.object.name or self.object.external_id
        where = f"{self.folder}/" if self.folder else ""
        return f"{self.object.kind} {who}: {self.service} {where}{self.name} (item {self.item_id}, version {self.version_id})"


@dataclass
class Problem:
    kind: str  # missing-pack, pack-hash-mismatch, pack-header, chunk-corrupt, chunk-out-of-range, missing-chunk, ...
    message: str
    pack: str | None = None
    chunk: str | None = None
    items: list[AffectedItem] = field(default_factory=list)

    def __str__(self) -> str:
        s = f"[{self.kind}] {self.message}"
        if self.items:
            s += "; affected items: " + "; ".join(str(i) for i in self.items[:20])
            if len(self.items) > 20:
                s += f"; … and {len(self.items) - 20} more"
        return s


@dataclass
class VerifyReport:
    repository_id: str
    read_data: bool
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    packs_checked: int = 0
    chunks_checked: int = 0
    bytes_read: int = 0
    item_versions_checked: int = 0
    restore_points: int = 0
    duration: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def affected_items(self) -> list[AffectedItem]:
        seen: dict[int, AffectedItem] = {}
        for p in self.problems:
            for i in p.items:
                seen.setdefault(i.version_id, i)
        return list(seen.values())

    def summary(self) -> str:
        status = "OK" if self.ok else f"{len(self.problems)} problem(s), {len(self.affected_items)} affected item version(s)"
        return (
            f"{status}: {self.packs_checked} packs, {self.chunks_checked} chunks, {self.item_versions_checked} item versions, "
            f"{self.restore_points} restore points checked in {self.duration:.1f}s"
        )


def verify(repo: Repository, *, read_data: bool = True) -> VerifyReport:
    t0 = time.monotonic()
    rep = VerifyReport(repo.id, read_data)
    con = connect(repo.path / "index.db")
    try:
        _verify(repo, con, rep, read_data)
    finally:
        con.close()
    rep.duration = time.monotonic() - t0
    return rep


def _verify(repo: Repository, con, rep: VerifyReport, read_data: bool) -> None:
    keys = repo.keys
    # snapshot consistency: one read transaction for the whole index pass
    con.execute("BEGIN")
    packs = {name: size for name, size in con.execute("SELECT name, size FROM packs")}
    chunk_rows: dict[str, list[tuple[bytes, int, int, int]]] = {}
    chunk_raw: dict[bytes, int] = {}
    for cid, pack, off, length, raw in con.execute("SELECT id, pack, offset, length, raw_length FROM chunks"):
        cid = bytes(cid)
        chunk_rows.setdefault(pack, []).append((cid, off, length, raw))
        chunk_raw[cid] = raw
    rp_rows = {seq: (rid, committed) for seq, rid, committed in con.execute("SELECT seq, id, committed FROM restore_points")}
    objects = {r[0] for r in con.execute("SELECT id FROM objects")}
    min_seq = min(rp_rows) if rp_rows else 1 << 62
    rep.restore_points = sum(1 for _s, (_i, c) in rp_rows.items() if c)

    bad_chunks: dict[bytes, Problem] = {}
    on_disk = {n.rsplit("/", 1)[-1]: n for n in repo.backend.list("data/")}

    for pack, rows in chunk_rows.items():
        if pack not in packs:
            for cid, *_ in rows:
                bad_chunks[cid] = Problem("missing-pack", f"chunk {cid.hex()} refers to pack {pack}, which is not in the index", pack, cid.hex())
    for pack, size in sorted(packs.items()):
        rows = chunk_rows.get(pack, [])
        rep.packs_checked += 1
        if pack not in on_disk:
            p = Problem("missing-pack", f"pack {pack} is missing ({len(rows)} chunks)", pack)
            rep.problems.append(p)
            for cid, *_ in rows:
                bad_chunks[cid] = p
            continue
        name = pack_name(pack)
        actual = repo.backend.size(name)
        if actual != size:
            rep.problems.append(Problem("pack-size", f"pack {pack} has {actual} bytes, the index says {size}", pack))
        for cid, off, length, _raw in rows:
            if off + length > actual:
                bad_chunks[cid] = Problem("chunk-out-of-range", f"chunk {cid.hex()} lies outside pack {pack}", pack, cid.hex())
        if not read_data:
            rep.chunks_checked += len(rows)
            continue
        data = repo.backend.get(name)
        rep.bytes_read += len(data)
        if hashlib.sha256(data).hexdigest() != pack:
            rep.problems.append(Problem("pack-hash-mismatch", f"pack {pack}: content does not match its name (altered or damaged)", pack))
        try:
            entries = {e.chunk_id: e for e in parse_header(data[-min(len(data), 1 << 24):], len(data), keys)}
            for cid, off, length, _raw in rows:
                e = entries.get(cid)
                if e is None or e.offset != off or e.length != length:
                    rep.problems.append(Problem("pack-header", f"pack {pack}: header entry for chunk {cid.hex()} does not match the index", pack, cid.hex()))
        except RepositoryCorruptError as exc:
            rep.problems.append(Problem("pack-header", f"pack {pack}: {exc}", pack))
        hlen_ok = len(data) >= TRAILER.size
        for cid, off, length, raw in rows:
            rep.chunks_checked += 1
            if cid in bad_chunks or not hlen_ok:
                continue
            try:
                keys.decode_blob(cid, data[off : off + length], raw)
            except RepositoryCorruptError as exc:
                bad_chunks[cid] = Problem("chunk-corrupt", f"pack {pack}: {exc}", pack, cid.hex())
        del data

    orphans = [p for p in on_disk if p not in packs]
    if orphans:
        rep.notes.append(f"{len(orphans)} orphan pack(s) not referenced by the index (an interrupted write); the next maintenance removes them.")
    tmp = list(repo.backend.list("tmp/"))
    if tmp:
        rep.notes.append(f"{len(tmp)} temporary file(s) from an interrupted write in tmp/; the next writer removes them.")
    incomplete = [rid for _s, (rid, c) in rp_rows.items() if not c]
    if incomplete:
        rep.notes.append(f"{len(incomplete)} incomplete restore point(s) ({', '.join(incomplete)}); the next run of their job resumes them.")

    # item versions → chunks, restore points, sealed fields
    problems_by_chunk: dict[bytes, Problem] = {}
    for cid, p in bad_chunks.items():
        problems_by_chunk[cid] = p
    listed = {id(p) for p in rep.problems}
    for p in {id(p): p for p in bad_chunks.values()}.values():
        if id(p) not in listed:
            rep.problems.append(p)
    for row in con.execute(
        "SELECT id, object_id, service, item_id, folder_sealed, meta_sealed, size, chunks, from_seq, to_seq FROM item_versions"
    ):
        vid, oid, service, item_id, folder_s, meta_s, size, blob, from_seq, to_seq = row
        rep.item_versions_checked += 1
        blob = bytes(blob)
        ids = [blob[i : i + 32] for i in range(0, len(blob), 32)]
        item_problems: list[Problem] = []
        total = 0
        for cid in ids:
            if cid in problems_by_chunk:
                item_problems.append(problems_by_chunk[cid])
            elif cid not in chunk_raw:
                p = Problem("missing-chunk", f"chunk {cid.hex()} is referenced by an item but not in the index", None, cid.hex())
                problems_by_chunk[cid] = p
                rep.problems.append(p)
                item_problems.append(p)
            else:
                total += chunk_raw[cid]
        if not item_problems and total != size:
            item_problems.append(Problem("size-mismatch", f"item version {vid}: chunks hold {total} bytes, the index says {size}"))
            rep.problems.append(item_problems[-1])
        if from_seq not in rp_rows and from_seq >= min_seq:  # below min_seq: retired by retention
            item_problems.append(Problem("dangling-restore-point", f"item version {vid} starts in unknown restore point {from_seq}"))
            rep.problems.append(item_problems[-1])
        if to_seq is not None and to_seq not in rp_rows:
            item_problems.append(Problem("dangling-restore-point", f"item version {vid} ends in unknown restore point {to_seq}"))
            rep.problems.append(item_problems[-1])
        if oid not in objects:
            item_problems.append(Problem("dangling-object", f"item version {vid} refers to unknown object {oid}"))
            rep.problems.append(item_problems[-1])
        folder, name = None, item_id
        try:
            folder = keys.unseal(folder_s, "item.folder")
            meta = keys.unseal_json(meta_s, "item.metadata") or {}
            name = str(meta.get("name") or meta.get("subject") or meta.get("displayName") or item_id)  # type: ignore[union-attr]
        except (RepositoryCorruptError, ValueError) as exc:
            item_problems.append(Problem("index-field", f"item version {vid}: {exc}"))
            rep.problems.append(item_problems[-1])
        if item_problems:
            try:
                obj = repo._object(oid)
            except RepositoryCorruptError:
                from vboshell.repository.repo import ObjectRef

                obj = ObjectRef("unknown", str(oid))
            affected = AffectedItem(
                obj, service, item_id, folder, name, vid,
                rp_rows.get(from_seq, (None,))[0], rp_rows.get(to_seq, (None,))[0] if to_seq is not None else None,
            )
            for p in {id(p): p for p in item_problems}.values():
                p.items.append(affected)
    for table, col in (("tombstones", "rp_seq"), ("object_status", "rp_seq")):
        n = con.execute(f"SELECT COUNT(*) FROM {table} WHERE {col} NOT IN (SELECT seq FROM restore_points)").fetchone()[0]
        if n:
            rep.problems.append(Problem("dangling-restore-point", f"{n} {table} row(s) refer to unknown restore points"))
    con.execute("COMMIT")
