"""Restore writes several items at once while every decision and outcome stays on the calling thread, in order.

A restore decides item by item (which folder, is it there already, was it changed) and then writes it through
Graph: the writes are what take time (one round trip each, Outlook allows 4 concurrent requests per mailbox).
`OrderedPool` runs the writes `width` at a time on worker threads and hands each result (or exception) back to
the caller's `on_done`, oldest first, from the caller's own thread — so results, logs and counters are recorded
exactly as a one-at-a-time restore records them."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

__all__ = ["OrderedPool", "stop_or_report"]


class OrderedPool:
    """`submit(tag, fn, *args, key=)` starts `fn(*args)`; `on_done(tag, result, error)` is called for it later,
    in submission order, by `submit` (when more than 2 × width are pending), by `wait_for(key)` or by `close()`.
    `key` names what the write touches (a message in a folder, a file name in a folder): `wait_for(key)` settles
    everything first when a write of that key is pending, so the next decision sees its outcome."""

    def __init__(self, width: int, on_done: Callable[[Any, Any, BaseException | None], None]) -> None:
        self.width = max(1, width)
        self._on_done = on_done
        self._pool = ThreadPoolExecutor(max_workers=self.width, thread_name_prefix="vbo-restore")
        self._pending: deque[tuple[Future, Any, Hashable | None]] = deque()
        self._keys: set[Hashable] = set()

    def submit(self, tag: Any, fn: Callable[..., Any], *args: Any, key: Hashable | None = None) -> None:
        self._pending.append((self._pool.submit(fn, *args), tag, key))
        if key is not None:
            self._keys.add(key)
        self.settle(2 * self.width)

    def wait_for(self, key: Hashable) -> None:
        if key in self._keys:
            self.settle(0)

    def settle(self, keep: int = 0) -> None:
        """Hand back the oldest outcomes until at most `keep` writes are pending."""
        while len(self._pending) > keep:
            fut, tag, key = self._pending.popleft()
            self._keys.discard(key)  # type: ignore[arg-type]
            try:
                result, error = fut.result(), None
            except Exception as exc:  # noqa: BLE001 - handed to on_done, which records it for the item
                result, error = None, exc
            self._on_done(tag, result, error)

    def close(self) -> None:
        try:
            self.settle(0)
        finally:
            self._pool.shutdown(wait=True)

    def __enter__(self) -> OrderedPool:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def stop_or_report(op: Any, i: int, total: int, name: str, progress: Callable[[int, int, str], None] | None,
                   stopping: Callable[[], bool] | None) -> bool:
    """Before item i of total: True when the user asked to stop (noted in the operation's warnings; the caller
    stops), else the progress is reported."""
    if stopping and stopping():
        op.warn("Restore stopped by the user; the remaining items were not restored.")
        return True
    if progress:
        progress(i, total, name)
    return False
