"""The backup Prefetcher's ordering: downloads come out oldest first once more than `depth` are queued, a marker
comes out only after every download queued before it, and on a stop a marker is applied only when all of those
downloads had finished (else its container's delta state is left for the next run)."""

from __future__ import annotations

import asyncio
from typing import Any

from vboshell.backup.collectors.base import Prefetcher


async def _value(v: Any, delay: float = 0.0) -> Any:
    await asyncio.sleep(delay)
    return v


def test_markers_keep_their_place_behind_downloads() -> None:
    pf = Prefetcher(depth=2)
    out: list[Any] = []
    out += [k for k, _ in pf.mark("start")]  # nothing in flight: handled at once
    out += [k for k, _ in pf.add("a", _value(1))]
    out += [k for k, _ in pf.add("b", _value(2))]
    out += [k for k, _ in pf.mark("end-1")]  # waits behind a and b
    out += [k for k, _ in pf.add("c", _value(3))]  # 3 downloads > depth 2: a comes out
    assert out == ["start", "a"]
    out += [k for k, _ in pf.add("d", _value(4))]  # b, then the marker that now leads the queue
    assert out == ["start", "a", "b", "end-1"]
    rest = pf.drain()
    assert [k for k, _ in rest] == ["c", "d"]
    assert [f.result(timeout=5) for _k, f in rest] == [3, 4]


def test_stop_applies_a_marker_only_after_all_earlier_downloads() -> None:
    pf = Prefetcher(depth=8)
    pf.add("fast", _value(1))
    pf.mark("folder-1")
    pf.add("slow", _value(2, delay=30))
    pf.mark("folder-2")
    import time

    deadline = time.monotonic() + 5
    while not pf._q[0][1].done() and time.monotonic() < deadline:  # noqa: SLF001
        time.sleep(0.01)
    stored: list[Any] = []
    marked: list[Any] = []
    pf.finish_on_stop(lambda k, f: stored.append((k, f.result())), marked.append)
    assert stored == [("fast", 1)]
    assert marked == ["folder-1"]  # folder-2's download was still in flight: its state is not recorded
    assert pf.drain() == []
