"""OrderedPool: restore writes run several at a time, their outcomes come back in submission order on the caller's
thread, a pending write of the same key is settled before the next decision, and failures are handed back."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from vboshell.restore.pipeline import OrderedPool


def test_outcomes_in_order_on_the_callers_thread_with_overlap() -> None:
    seen: list[tuple[Any, Any, Any]] = []
    caller = threading.get_ident()
    running = {"now": 0, "max": 0}
    lock = threading.Lock()

    def on_done(tag: Any, result: Any, error: BaseException | None) -> None:
        assert threading.get_ident() == caller
        seen.append((tag, result, type(error).__name__ if error else None))

    def work(n: int) -> int:
        with lock:
            running["now"] += 1
            running["max"] = max(running["max"], running["now"])
        time.sleep(0.03 if n % 2 else 0.01)  # later ones finish first: order must still hold
        with lock:
            running["now"] -= 1
        if n == 5:
            raise ValueError("item 5 cannot be written")
        return n * 10

    with OrderedPool(4, on_done) as pipe:
        for n in range(12):
            pipe.submit(f"item{n}", work, n)
    assert [t for t, _r, _e in seen] == [f"item{n}" for n in range(12)]
    assert seen[5] == ("item5", None, "ValueError") and seen[6] == ("item6", 60, None)
    assert running["max"] == 4  # four at a time, never more


def test_wait_for_settles_a_pending_write_of_the_same_key() -> None:
    done: list[str] = []
    release = threading.Event()

    pipe = OrderedPool(2, lambda tag, _r, _e: done.append(tag))
    try:
        pipe.submit("a", release.wait, 5, key=("folder", "invoice.pdf"))
        pipe.wait_for(("folder", "other.pdf"))  # nothing pending under that key: returns at once
        assert done == []
        threading.Timer(0.05, release.set).start()
        pipe.wait_for(("folder", "invoice.pdf"))
        assert done == ["a"]
    finally:
        pipe.close()


def test_close_settles_everything_even_when_the_body_raised() -> None:
    done: list[str] = []
    with pytest.raises(RuntimeError):
        with OrderedPool(3, lambda tag, _r, _e: done.append(tag)) as pipe:
            pipe.submit("x", time.sleep, 0.02)
            raise RuntimeError("the restore loop failed")
    assert done == ["x"]
