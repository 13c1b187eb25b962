"""What every collector shares: the unit context (writer, object, Graph client, stop flag, counters, log) and the
stored-state look-ups used to skip items already in the repository and to reconcile deletions after full rounds."""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from vboshell.repository import ObjectRef, Writer

MALFORMED = (TypeError, AttributeError, ValueError, KeyError, UnicodeError)
# how long "this user has no OneDrive / no archive mailbox" is trusted by incremental runs before Graph is asked
# again (full runs always ask; a known drive or archive is used until Graph says it is gone)
DISCOVERY_TTL_SECONDS = float(os.environ.get("VBOSHELL_DISCOVERY_TTL", str(24 * 3600)))


class StopRequested(Exception):
    """The run was asked to stop (Stop-VBOJob, Ctrl+C, SIGTERM); what is stored so far is kept."""


class UnitWarning(Exception):
    """The object cannot be processed for a known, non-fatal reason (e.g. no mailbox): status Warning."""


class UnitSkipped(Exception):
    """Nothing to back up for this unit (e.g. no archive mailbox, no OneDrive): status Success, logged as Info."""


@dataclass
class UnitCounters:
    items: int = 0
    bytes: int = 0
    deleted: int = 0
    skipped: int = 0  # already stored (change key known): not downloaded again
    warnings: int = 0
    failed: int = 0  # items that could not be read (their container's delta token is then not advanced)

    def as_dict(self) -> dict[str, int]:
        return {"items": self.items, "bytes": self.bytes, "deleted": self.deleted, "skipped": self.skipped,
                "warnings": self.warnings, "failed": self.failed}


@dataclass
class UnitContext:
    """One work unit (object, service) being processed."""

    writer: Writer
    obj: ObjectRef
    service: str
    graph: Any  # SyncGraphClient
    full: bool = False
    stop: threading.Event = field(default_factory=threading.Event)
    log: Callable[[str, str, str], None] = lambda kind, title, message="": None
    counters: UnitCounters = field(default_factory=UnitCounters)
    params: dict[str, Any] = field(default_factory=dict)
    on_stop: list[Callable[[], None]] = field(default_factory=list)  # run once when a stop is noticed
    _first_backup: bool | None = None  # nothing of this object's service stored before this unit (see first_backup)
    _put_ids: set[str] = field(default_factory=set)  # items this unit stored (first backups only)
    _states: dict[str, Any] = field(default_factory=dict)  # delta states read ahead (read_states), until set

    # --- control ---
    def check_stop(self) -> None:
        if self.stop.is_set():
            while self.on_stop:  # e.g. store the downloads already finished, so the next run need not repeat them
                hook = self.on_stop.pop()
                try:
                    hook()
                except Exception as exc:  # noqa: BLE001 - stopping must not fail; the next run reads it again
                    self.log("Warning", "Stopping: an in-flight item was not stored", str(exc))
            raise StopRequested()

    def warn(self, title: str, message: str = "") -> None:
        self.counters.warnings += 1
        self.log("Warning", title, message)

    def item_failed(self, title: str, message: str = "") -> None:
        """An item could not be read: warn; the caller keeps the container's old delta state so the next run
        reads it again (nothing is lost silently)."""
        self.counters.failed += 1
        self.warn(title, message)

    # --- delta state ---
    def read_states(self, keys: Iterable[str]) -> None:
        """Read the states of these keys in one query; get_state/had_state then answer from them (a key's entry is
        dropped when this unit sets it). Each unit reads and sets its own keys only."""
        keys = list(keys)
        got = self.writer.get_delta_states(self.obj, keys)
        for key in keys:
            self._states[key] = got.get(key)

    def _state(self, key: str) -> Any:
        if key in self._states:
            return self._states[key]
        return self.writer.get_delta_state(self.obj, key)

    def get_state(self, key: str) -> tuple[str | None, Any]:
        st = self._state(key)
        if self.full:
            return None, (st.extra if st else None)
        return (st.token, st.extra) if st else (None, None)

    def had_state(self, key: str) -> bool:
        return self._state(key) is not None

    def set_state(self, key: str, token: str | None, extra: Any = None) -> None:
        self._states.pop(key, None)
        self.writer.set_delta_state(self.obj, key, token, extra)

    # --- discovery look-ups remembered between runs ---
    def recall(self, key: str) -> dict[str, Any] | None:
        """What an earlier run found out about this object (e.g. its OneDrive's id, whether it has an archive
        mailbox), so an incremental run need not ask Graph again; None on a full run, when unknown, or when a
        negative answer ("none") is older than DISCOVERY_TTL_SECONDS. `remember()` stores it."""
        if self.full:
            return None
        _tok, extra = self.get_state(key)
        if not isinstance(extra, dict) or "value" not in extra:
            return None
        if extra["value"] is None and time.time() - float(extra.get("checked") or 0) > DISCOVERY_TTL_SECONDS:
            return None
        return extra

    def remember(self, key: str, value: Any) -> None:
        self.set_state(key, None, {"value": value, "checked": time.time()})

    # --- stored items ---
    def stored(self, item_id: str) -> tuple[str | None, str | None] | None:
        """(change_key, parent_id) of the item's current stored version (None: not stored or deleted)."""
        return stored_version(self.writer, self.obj, self.service, item_id)

    @property
    def first_backup(self) -> bool:
        """The object's service had nothing stored when this unit started: no item can be known, and the index
        need not be searched item by item (a first backup of 100,000 items saves two look-ups per item)."""
        if self._first_backup is None:
            self._first_backup = not self.writer.has_items(self.obj, self.service)
        return self._first_backup

    def known(self, item_id: str, change_key: str | None, parent_id: str | None) -> bool:
        """Whether this exact version (change key and container) is stored already: no need to download it."""
        if change_key is None or (self.first_backup and item_id not in self._put_ids):
            return False
        st = self.stored(item_id)
        return st is not None and st[0] == change_key and st[1] == parent_id

    def put(self, item_id: str, folder: str | None, metadata: dict, content: Any, *, change_key: str | None = None,
            parent_id: str | None = None) -> Any:
        if not isinstance(item_id, str) or not item_id:
            raise ValueError(f"invalid item id {item_id!r}")
        counted = _Counted(content)
        # an item seen twice in one run (e.g. listed by two folders while it moved) takes the index look-up path
        new_item = self.first_backup and item_id not in self._put_ids
        res = self.writer.put_item(self.obj, self.service, item_id, folder, metadata, counted, change_key=change_key,
                                   parent_id=parent_id, new_item=new_item)
        if self.first_backup:
            self._put_ids.add(item_id)
        self.counters.bytes += counted.n
        if res:  # NEW or CHANGED (an unchanged folder/setting record stores nothing)
            self.counters.items += 1
        return res

    def repath(self, item_id: str, folder: str, metadata_update: dict | None = None) -> bool:
        """A container was renamed or moved: store the item's current version again under its new folder path,
        with the content read back from the repository (nothing is downloaded; chunks are deduplicated)."""
        repo = self.writer.repo
        vs = repo.versions(self.obj, self.service, item_id)
        if not vs or vs[-1].to_seq is not None:
            return False
        v = vs[-1]
        if v.folder == folder and all((v.metadata or {}).get(k) == x for k, x in (metadata_update or {}).items()):
            return False
        md = dict(v.metadata or {})
        md.update(metadata_update or {})
        return bool(self.writer.put_item(self.obj, self.service, item_id, folder, md, repo.open_content(v),
                                         change_key=v.change_key, parent_id=v.parent_id))

    @contextlib.contextmanager
    def guard(self, what: Any) -> Iterator[None]:
        """Per-item isolation: an item whose data is malformed (wrong types, missing fields) is skipped with a
        warning — and its container re-read next time — instead of failing the whole object."""
        try:
            yield
        except MALFORMED as exc:
            self.item_failed(f"Malformed item skipped: {str(what)[:80]}", f"{type(exc).__name__}: {exc}")

    def delete(self, item_id: str) -> None:
        if self.writer.delete_item(self.obj, self.service, item_id):
            self.counters.deleted += 1

    def children(self, parent_ids: Iterable[str]) -> list[tuple[str, str]]:
        """(item_id, parent_id) of stored current items whose container is one of parent_ids."""
        return stored_children(self.writer, self.obj, self.service, set(parent_ids))


class _Counted:
    """Wraps item content so the collector knows how many bytes were read from the source."""

    def __init__(self, content: Any) -> None:
        self.content = content
        self.n = 0

    def __iter__(self) -> Iterator[bytes]:
        c = self.content
        if isinstance(c, str):
            c = c.encode("utf-8")
        if isinstance(c, bytes | bytearray | memoryview):
            self.n += len(c)
            if c:
                yield bytes(c)
            return
        for chunk in c:
            self.n += len(chunk)
            yield chunk


def required_id(row: Any, what: str) -> str:
    """The "id" of a listed row; a ValueError (inside u.guard: that item fails, the run goes on) when it is missing."""
    rid = row.get("id")
    if not isinstance(rid, str) or not rid:
        raise ValueError(f"{what} without an id")
    return rid


def as_json(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")


# ---------------------------------------------------------------------------------------------------------------
# Stored-state look-ups. The repository Writer's public API has item_known(change_key) and current_items(); these
# also need the container (parent_id) to skip unchanged-but-moved items and to reconcile one container after a full
# re-read. Kept in one place so a public Writer method can replace them.

def stored_version(w: Writer, obj: ObjectRef, service: str, item_id: str) -> tuple[str | None, str | None] | None:
    with w._mu:  # noqa: SLF001
        oid = w.object_id(obj)
        p = w._pending.get((oid, service, item_id))  # noqa: SLF001
        if p is not None and p[0] == "del":
            return None
        row = w._con.execute(  # noqa: SLF001
            "SELECT change_key, parent_id FROM item_versions WHERE object_id=? AND service=? AND item_id=? "
            "AND to_seq IS NULL ORDER BY from_seq DESC LIMIT 1", (oid, service, item_id)).fetchone()
        if p is not None:  # stored in this run, not flushed yet: same change key means same version
            return (p[2], row[1] if row else None) if row else (p[2], None)
        return (row[0], row[1]) if row else None


def stored_children(w: Writer, obj: ObjectRef, service: str, parents: set[str]) -> list[tuple[str, str]]:
    if not parents:
        return []
    with w._mu:  # noqa: SLF001
        w.flush()
        oid = w.object_id(obj)
        out: list[tuple[str, str]] = []
        plist = sorted(parents)
        for i in range(0, len(plist), 500):
            part = plist[i:i + 500]
            q = ",".join("?" * len(part))
            out.extend(w._con.execute(  # noqa: SLF001
                f"SELECT item_id, parent_id FROM item_versions WHERE object_id=? AND service=? AND to_seq IS NULL "  # noqa: S608
                f"AND parent_id IN ({q})", (oid, service, *part)).fetchall())
        return [(str(a), str(b)) for a, b in out]


class DeltaReader:
    """Iterate one container's delta round from its saved token (or from the start). An expired token — at the
    first request or on a later page — restarts a full round (`full` becomes True, `on_restart` runs, a warning is
    logged once); after the round `link` holds the new delta link."""

    MAX_RESTARTS = 3

    def __init__(self, u: UnitContext, what: str, token: str | None, first_url: str,
                 params: dict[str, Any] | None = None, on_restart: Callable[[], None] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        self.u = u
        self.headers = headers
        self.what = what
        self.token = token
        self.first_url = first_url
        self.params = params
        self.on_restart = on_restart
        self.full = token is None
        self.link: str | None = None
        self.resynced = False
        self._ahead: Any = None  # concurrent.futures.Future of the first page (prefetch())

    def prefetch(self) -> None:
        """Start the first request now, on the Graph loop, so that it is answered by the time this container's
        turn comes (a mailbox's folders are then read several at a time instead of one after another). Only for
        a round from a saved token: its first page holds the changes since the last run, usually a few; a first
        page from the start holds up to a full page of items, and several of those waiting per mailbox made the
        backup's memory grow with mailbox size (while its downloads keep the mailbox busy anyway)."""
        if self.token and self._ahead is None and not self.u.stop.is_set():
            import asyncio

            from vboshell.graph import sync

            url, params = (self.token, None) if self.token else (self.first_url, self.params)
            self._ahead = asyncio.run_coroutine_threadsafe(
                self.u.graph.aio.get_json(url, params=params, headers=self.headers), sync.loop())

    def cancel(self) -> None:
        if self._ahead is not None:
            self._ahead.cancel()

    def preset(self, page: dict[str, Any]) -> None:
        """The answer to this round's first request, fetched elsewhere (a JSON batch)."""
        import concurrent.futures

        fut: concurrent.futures.Future[Any] = concurrent.futures.Future()
        fut.set_result(page)
        self._ahead = fut

    def __iter__(self) -> Iterator[dict[str, Any]]:
        from vboshell.graph.errors import DeltaResyncRequired

        url, params = (self.token, None) if self.token else (self.first_url, self.params)
        restarts = 0
        while True:
            try:
                ahead, self._ahead = self._ahead, None
                first = ahead.result() if ahead is not None else None
                if isinstance(first, dict) and first.get("@odata.deltaLink") and not first.get("@odata.nextLink"):
                    # the whole round is in hand (the usual incremental answer): no trip through the Graph loop
                    yield from list(first.get("value") or [])
                    self.link = first["@odata.deltaLink"]
                    return
                rnd = self.u.graph.delta(url, params=params, headers=self.headers, first_page=first)
                yield from rnd
                self.link = rnd.delta_link
                return
            except DeltaResyncRequired:
                restarts += 1
                if restarts > self.MAX_RESTARTS:
                    raise
                if not self.resynced:
                    self.u.warn(f"Delta token expired for {self.what}",
                                "The change token was no longer valid (resync required); it is read again in full. "
                                "Items already stored are not downloaded again.")
                self.resynced = True
                self.full = True
                if self.on_restart is not None:
                    self.on_restart()
                url, params = self.first_url, self.params


def first_pages_in_batches(u: UnitContext, readers: list[DeltaReader],
                           extra: list[tuple[str, dict[str, Any] | None, dict[str, Any] | None]] = ()
                           ) -> list[dict[str, Any] | None]:
    """Ask for the first page of every reader that continues from a saved token, plus the `extra` GET requests
    (url, params, headers), in JSON batches of 20 instead of one request each: an incremental run of a mailbox is
    mostly these requests, each usually answering "nothing changed". A reader whose answer came back (200) gets it
    as its first page; the others (expired token, throttled, any error) make their own request as before, which
    handles that answer. Returns the JSON answers to `extra` (None where they failed: the caller asks again).
    Nothing is batched on a full run (first pages from the start hold whole pages of items), when only one request
    would be, or with VBOSHELL_GRAPH_BATCH=0."""
    from vboshell.graph.client import BatchRequest
    from vboshell.graph.errors import GraphError

    aio = u.graph.aio
    want: list[tuple[BatchRequest, Any]] = []
    for i, (url, params, headers) in enumerate(extra):
        rel = aio.relative(url, params)
        if rel is not None:
            want.append((BatchRequest(f"x{i}", "GET", rel, headers), i))
    for i, rd in enumerate(readers):
        rel = aio.relative(rd.token) if rd.token and rd._ahead is None else None  # noqa: SLF001
        if rel is not None:
            want.append((BatchRequest(f"r{i}", "GET", rel, rd.headers), rd))
    out: list[dict[str, Any] | None] = [None] * len(extra)
    if u.full or len(want) < 2 or os.environ.get("VBOSHELL_GRAPH_BATCH", "1") == "0" or u.stop.is_set():
        return out
    try:
        got = u.graph.batch([r for r, _ in want], max_attempts=1)
    except GraphError as exc:  # the batch itself failed: every request is made on its own
        u.log("Info", "Requests sent one by one", f"A JSON batch was refused ({exc.code}): {exc.message}")
        return out
    for req, target in want:
        br = got.get(req.id)
        if br is None or br.status != 200 or not isinstance(br.body, dict):
            continue
        if isinstance(target, DeltaReader):
            target.preset(br.body)
        else:
            out[target] = br.body
    return out


# ---------------------------------------------------------------------------------------------------------------
# Prefetching: a unit keeps several downloads in flight on the Graph loop while its thread stores earlier ones in
# order, so a mailbox's 4 concurrency slots (and the SharePoint budget) stay busy instead of one request at a time.

PREFETCH_DEPTH = 8  # downloads queued per unit (the Graph client's throttle still caps what is in flight)
SPILL_BYTES = 1 << 20  # a download larger than this goes to a temporary file instead of memory


class _SpooledChunks:
    """Iterates a spilled download back in 1 MiB chunks and closes its temporary file."""

    def __init__(self, f: Any) -> None:
        self.f = f

    def __iter__(self) -> Iterator[bytes]:
        try:
            while chunk := self.f.read(1 << 20):
                yield chunk
        finally:
            self.f.close()

    def close(self) -> None:
        self.f.close()


def content_ends(content: list[bytes] | _SpooledChunks, n: int = 1 << 16) -> tuple[bytes, bytes, int]:
    """The first and last n bytes of a fetched body and its size, without consuming it (a spilled body's file is
    rewound)."""
    if isinstance(content, _SpooledChunks):
        f = content.f
        f.seek(0, 2)
        size = f.tell()
        f.seek(0)
        head = f.read(n)
        f.seek(max(0, size - n))
        tail = f.read(n)
        f.seek(0)
        return head, tail, size
    size = sum(len(c) for c in content)
    head_parts: list[bytes] = []
    k = 0
    for c in content:
        if k >= n:
            break
        head_parts.append(c)
        k += len(c)
    tail_parts: list[bytes] = []
    k = 0
    for c in reversed(content):
        if k >= n:
            break
        tail_parts.append(c)
        k += len(c)
    return b"".join(head_parts)[:n], b"".join(reversed(tail_parts))[-n:], size


async def fetch_content(aio: Any, url: str, resource: Any = None) -> list[bytes] | _SpooledChunks:
    """The whole body of a download: its chunks in memory up to SPILL_BYTES, beyond that in a temporary file.
    `resource`: the throttling budget it draws on when the URL does not say (a drive's pre-authenticated URL)."""
    import tempfile

    parts: list[bytes] = []
    n = 0
    f = None
    try:
        async for chunk in aio.stream(url, resource=resource, chunk_size=SPILL_BYTES):  # one piece per small body
            if f is None:
                parts.append(chunk)
                n += len(chunk)
                if n > SPILL_BYTES:
                    f = tempfile.TemporaryFile()  # noqa: SIM115 - closed by _SpooledChunks
                    f.writelines(parts)
                    parts = []
            else:
                f.write(chunk)
    except BaseException:
        if f is not None:
            f.close()
        raise
    if f is not None:
        f.seek(0)
        return _SpooledChunks(f)
    return parts


def fetched(u: UnitContext, fut: Any, what: str) -> Any:
    """The content of a prefetched download, or None when it could not be read: a 404 (deleted meanwhile) counts
    as failed quietly, anything else is warned about as `Cannot read <what>`; either way the container is read
    again next run, which settles it."""
    from vboshell.graph.errors import GraphError

    try:
        return fut.result()
    except GraphError as exc:
        if exc.status == 404:
            u.counters.failed += 1
        else:
            u.item_failed(f"Cannot read {what}", f"{exc.code}: {exc.message}")
        return None


class Prefetcher:
    """Ordered pipeline of downloads for one unit: `add(key, coro)` schedules `coro` on the Graph loop and returns
    the (key, future) pairs that must be stored now (the oldest, once more than `depth` are pending); `drain()` the
    rest. Futures are `concurrent.futures.Future`s: `.result()` returns the content or raises the GraphError.
    `mark(key)` queues a marker — a (key, None) pair that comes out after every download added before it — so a
    container's delta state is recorded once its items are stored, without waiting for them before the next
    container is read."""

    def __init__(self, depth: int = PREFETCH_DEPTH) -> None:
        from collections import deque

        self.depth = max(1, depth)
        self._q: deque[tuple[Any, Any]] = deque()
        self._downloads = 0  # futures in the queue (markers do not count towards the depth)

    def add(self, key: Any, coro: Any) -> list[tuple[Any, Any]]:
        import asyncio

        from vboshell.graph import sync

        self._q.append((key, asyncio.run_coroutine_threadsafe(coro, sync.loop())))
        self._downloads += 1
        return self._due()

    def mark(self, key: Any) -> list[tuple[Any, Any]]:
        """Queue a marker; returns what must be handled now (the marker itself when nothing is in flight)."""
        self._q.append((key, None))
        return self._due()

    def _due(self) -> list[tuple[Any, Any]]:
        """The oldest downloads beyond the depth, and the markers that then lead the queue."""
        out = []
        while self._q and (self._downloads > self.depth or self._q[0][1] is None):
            out.append(self._pop())
        return out

    def _pop(self) -> tuple[Any, Any]:
        entry = self._q.popleft()
        if entry[1] is not None:
            self._downloads -= 1
        return entry

    def drain(self) -> list[tuple[Any, Any]]:
        out = list(self._q)
        self._q.clear()
        self._downloads = 0
        return out

    def finish_on_stop(self, store: Callable[[Any, Any], None], marker: Callable[[Any], None] | None = None) -> None:
        """A stop was requested: store the downloads that already completed (their requests are spent; the resumed
        run then skips them) and cancel the ones still in flight. A marker is handled only when every download
        queued before it was stored (else its container is read again next run)."""
        queued = self.drain()
        finished = [fut is None or (fut.done() and not fut.cancelled()) for _k, fut in queued]
        for (_key, fut), ok in zip(queued, finished, strict=True):
            if not ok:
                fut.cancel()
        complete = True
        for (key, fut), ok in zip(queued, finished, strict=True):
            if fut is None:
                if complete and marker is not None:
                    marker(key)
            elif ok:
                store(key, fut)
            else:
                complete = False
