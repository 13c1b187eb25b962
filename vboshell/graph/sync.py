"""A synchronous facade over GraphClient for cmdlets and threads: one background event loop per process
runs every client, so connection pools and throttling state are shared across calls."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Awaitable, Iterator
from typing import IO, Any, TypeVar

from vboshell.graph.auth import AccessToken, AppConnection
from vboshell.graph.client import BatchRequest, BatchResponse, DeltaRound, GraphClient, GraphStats

__all__ = ["SyncGraphClient", "SyncDeltaRound", "run", "loop", "iterate", "client_for", "forget_client", "close_all"]

T = TypeVar("T")
_loop: asyncio.AbstractEventLoop | None = None
_lock = threading.Lock()


def loop() -> asyncio.AbstractEventLoop:
    """The shared background loop (a daemon thread, started on first use)."""
    global _loop
    with _lock:
        if _loop is None or _loop.is_closed():
            lp = asyncio.new_event_loop()
            t = threading.Thread(target=lp.run_forever, name="vboshell-graph", daemon=True)
            t.start()
            _loop = lp
            import atexit

            atexit.register(close_all)  # close keep-alive connections before servers (e.g. the sandbox) stop
        return _loop


def run(coro: Awaitable[T], timeout: float | None = None) -> T:
    """Run a coroutine on the shared loop from synchronous code and return its result."""
    lp = loop()
    if threading.current_thread().name == "vboshell-graph":
        raise RuntimeError("vboshell.graph.sync.run() was called from the graph loop itself; await instead")
    fut = asyncio.run_coroutine_threadsafe(coro, lp)  # type: ignore[arg-type]
    try:
        return fut.result(timeout)
    except BaseException:
        fut.cancel()
        raise


def iterate(agen: AsyncIterator[T]) -> Iterator[T]:
    """Drive an async iterator from synchronous code, one element per hop to the loop."""
    it = agen.__aiter__()
    try:
        while True:
            try:
                yield run(it.__anext__())
            except StopAsyncIteration:
                return
    finally:
        aclose = getattr(it, "aclose", None)
        if aclose is not None:
            try:
                run(aclose())
            except Exception:  # noqa: BLE001, S110 - closing a finished generator
                pass


class SyncDeltaRound:
    """Synchronous view of a DeltaRound: iterate items, then read `delta_link`."""

    def __init__(self, rnd: DeltaRound) -> None:
        self._round = rnd

    @property
    def delta_link(self) -> str | None:
        return self._round.delta_link

    @property
    def pages(self) -> int:
        return self._round.pages

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for page in iterate(self._round.iter_pages()):
            yield from page


class SyncGraphClient:
    """GraphClient's API without async: every call runs on the shared loop. Safe to use from many threads."""

    def __init__(self, connection: AppConnection | None = None, *, client: GraphClient | None = None, **kw: Any) -> None:
        if client is None:
            if connection is None:
                raise ValueError("connection or client is required")
            client = GraphClient(connection, **kw)
        self.aio = client

    # attributes
    @property
    def connection(self) -> AppConnection:
        return self.aio.connection

    @property
    def stats(self) -> GraphStats:
        return self.aio.stats

    def token(self) -> AccessToken:
        return run(self.aio.token())

    def roles(self) -> list[str]:
        return self.token().roles

    # requests
    def request(self, method: str, url: str, **kw: Any) -> Any:
        """Non-streaming request; returns the httpx.Response."""
        kw.pop("stream", None)
        return run(self.aio.request(method, url, **kw))

    def get_json(self, url: str, **kw: Any) -> Any:
        return run(self.aio.get_json(url, **kw))

    def post_json(self, url: str, body: Any = None, **kw: Any) -> Any:
        return run(self.aio.post_json(url, body, **kw))

    def send_json(self, method: str, url: str, body: Any = None, **kw: Any) -> Any:
        return run(self.aio.send_json(method, url, body, **kw))

    def pages(self, url: str, **kw: Any) -> Iterator[list[dict[str, Any]]]:
        return iterate(self.aio.pages(url, **kw))

    def paged(self, url: str, *, limit: int | None = None, **kw: Any) -> Iterator[dict[str, Any]]:
        n = 0
        for page in self.pages(url, **kw):
            for item in page:
                yield item
                n += 1
                if limit is not None and n >= limit:
                    return

    def delta(self, url: str, **kw: Any) -> SyncDeltaRound:
        return SyncDeltaRound(self.aio.delta(url, **kw))

    def batch(self, requests: list[BatchRequest], **kw: Any) -> dict[str, BatchResponse]:
        return run(self.aio.batch(requests, **kw))

    def stream(self, url: str, **kw: Any) -> Iterator[bytes]:
        return iterate(self.aio.stream(url, **kw))

    def download(self, url: str, dest: IO[bytes], **kw: Any) -> int:
        return run(self.aio.download(url, dest, **kw))

    def get_bytes(self, url: str, **kw: Any) -> bytes:
        return run(self.aio.get_bytes(url, **kw))

    def upload_session(self, upload_url: str, data: Any, size: int | None = None, **kw: Any) -> dict[str, Any]:
        return run(self.aio.upload_session(upload_url, data, size, **kw))

    def upload_large(self, create_session_url: str, data: Any, size: int | None = None, **kw: Any) -> dict[str, Any]:
        return run(self.aio.upload_large(create_session_url, data, size, **kw))

    def gather(self, *coros: Awaitable[Any]) -> list[Any]:
        """Run several GraphClient coroutines concurrently (exceptions are returned in place)."""

        async def _all() -> list[Any]:
            return await asyncio.gather(*coros, return_exceptions=True)

        return run(_all())

    def close(self) -> None:
        try:
            run(self.aio.aclose())
        finally:
            self.aio.tokens.close()  # idempotent


_clients: dict[Any, SyncGraphClient] = {}
_clients_lock = threading.Lock()


def client_for(connection: AppConnection, **kw: Any) -> SyncGraphClient:
    """The shared SyncGraphClient for a connection (one token cache, pool and throttle state per app+tenant)."""
    key = (connection, tuple(sorted((k, repr(v)) for k, v in kw.items())))
    with _clients_lock:
        c = _clients.get(key)
        if c is None:
            c = _clients[key] = SyncGraphClient(connection, **kw)
        return c


def forget_client(connection: AppConnection) -> None:
    """Drop (and close) cached clients for a connection, e.g. after its settings changed."""
    with _clients_lock:
        stale = [k for k in _clients if k[0] == connection]
        clients = [_clients.pop(k) for k in stale]
    for c in clients:
        try:
            c.close()
        except Exception:  # noqa: BLE001, S110
            pass


def close_all() -> None:
    """Close every shared client (tests; shutting a session down cleanly). Never blocks for long."""
    with _clients_lock:
        clients = list(_clients.values())
        _clients.clear()
    running = _loop is not None and _loop.is_running()
    for c in clients:
        try:
            if running:
                run(c.aio.aclose(), timeout=5)
            c.aio.tokens.close()
        except Exception:  # noqa: BLE001, S110
            pass
