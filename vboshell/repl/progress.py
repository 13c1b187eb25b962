"""Host-side progress display for Write-Progress and long-running cmdlets: one line, redrawn in place, then erased.
The runtime's host forwards progress records here; non-interactive runs get no progress unless -Verbose.

How the runtime's host hooks in (the only calls it needs):

    from vboshell.repl import progress
    r = progress.current()            # the renderer installed by the REPL, or one chosen for this process
    r.update(activity, status, percent_complete, seconds_remaining, completed, activity_id)   # Write-Progress
    r.clear()                         # before writing any other text to the terminal (output, errors, Write-Host);
                                      # the bar reappears on the next update
    r.finish()                        # when a pipeline ends (or is stopped): erase the line, forget activities

`update` has Cmdlet.write_progress's signature, so the host can pass its arguments through; it is thread-safe
and cheap (throttled to `max_rate` repaints a second, an update that would repaint sooner is only remembered).
`$ProgressPreference = 'SilentlyContinue'` is the host's business: it simply does not call `update`.

Which renderer: the REPL calls `install(ProgressRenderer(sys.stderr))` at start. Anything else (vboshell -File,
-Command) gets `for_stream(stream, verbose=...)` from `current()`: a bar on a terminal, `VERBOSE:` lines on a
pipe when verbose, otherwise a renderer that draws nothing.
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from dataclasses import dataclass
from typing import TextIO


@dataclass
class ProgressRecord:
    activity_id: int
    activity: str
    status: str = ""
    percent_complete: int = -1
    seconds_remaining: int = -1


class ProgressRenderer:
    """Draws the most recently updated activity as a single line on a terminal stream."""

    def __init__(self, stream: TextIO | None = None, *, max_rate: float = 10.0, width: int | None = None,
                 clock: object = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.min_interval = 1.0 / max_rate if max_rate > 0 else 0.0
        self._width = width
        self._clock = clock if callable(clock) else time.monotonic
        self._records: dict[int, ProgressRecord] = {}
        self._current: int | None = None
        self._shown = False  # a progress line is on screen
        self._last_paint = -1e9
        self._dirty = False
        self._lock = threading.RLock()
        self.paints = 0  # number of repaints (tests and the benchmark read it)

    # --- API for the host ---
    def update(self, activity: str, status: str = "", percent_complete: int = -1, seconds_remaining: int = -1,
               completed: bool = False, activity_id: int = 0) -> None:
        with self._lock:
            if completed:
                self._records.pop(activity_id, None)
                if self._current == activity_id:
                    self._current = next(reversed(self._records), None) if self._records else None
                if not self._records:
                    self._erase()
                    return
                self._dirty = True
                self._paint_if_due(force=True)
                return
            rec = self._records.get(activity_id)
            if rec is None:
                rec = self._records[activity_id] = ProgressRecord(activity_id, activity)
            rec.activity = activity or rec.activity
            rec.status = status
            rec.percent_complete = percent_complete
            rec.seconds_remaining = seconds_remaining
            self._current = activity_id
            self._dirty = True
            self._paint_if_due()

    write_progress = update

    def clear(self) -> None:
        """Erase the line (before other output); activities stay and are redrawn on the next update."""
        with self._lock:
            self._erase()
            self._dirty = bool(self._records)

    def finish(self) -> None:
        """Erase the line and forget every activity (end of a pipeline, Ctrl+C)."""
        with self._lock:
            self._records.clear()
            self._current = None
            self._erase()
            self._dirty = False

    @property
    def active(self) -> bool:
        return bool(self._records)

    # --- drawing ---
    def width(self) -> int:
        if self._width:
            return self._width
        return max(20, shutil.get_terminal_size((80, 24)).columns - 1)

    def format_line(self, rec: ProgressRecord, width: int | None = None) -> str:
        width = width or self.width()
        head = rec.activity
        if rec.status:
            head += f": {rec.status}"
        tail = ""
        if 0 <= rec.percent_complete:
            tail += f" {min(rec.percent_complete, 100):3d}%"
        if rec.seconds_remaining >= 0:
            m, s = divmod(int(rec.seconds_remaining), 60)
            h, m = divmod(m, 60)
            tail += f" {h}:{m:02d}:{s:02d} left" if h else f" {m}:{s:02d} left"
        bar = ""
        if 0 <= rec.percent_complete:
            bar_w = max(10, min(30, width // 4))
            filled = int(bar_w * min(rec.percent_complete, 100) / 100)
            bar = " [" + "o" * filled + " " * (bar_w - filled) + "]"
        room = width - len(bar) - len(tail)
        if room < 8:  # very narrow terminal: drop the bar
            bar = ""
            room = width - len(tail)
        if len(head) > room:
            head = head[: max(0, room - 1)] + "…" if room > 1 else ""
        return (head.ljust(room) + bar + tail)[:width]

    def _paint_if_due(self, force: bool = False) -> None:
        now = self._clock()
        if not force and now - self._last_paint < self.min_interval:
            return
        rec = self._records.get(self._current) if self._current is not None else None
        if rec is None:
            return
        self._write("\r" + self.format_line(rec) + "\x1b[K")
        self._shown = True
        self._dirty = False
        self._last_paint = now
        self.paints += 1

    def _erase(self) -> None:
        if self._shown:
            self._write("\r\x1b[K")
            self._shown = False

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            pass


class LineProgressRenderer(ProgressRenderer):
    """For non-interactive -Verbose runs: `VERBOSE: activity: status (n%)` lines, at most one a second per activity."""

    def __init__(self, stream: TextIO | None = None, *, interval: float = 1.0, clock: object = None) -> None:
        super().__init__(stream, max_rate=1.0 / interval if interval > 0 else 0.0, clock=clock)
        self._last_line: dict[int, str] = {}

    def update(self, activity: str, status: str = "", percent_complete: int = -1, seconds_remaining: int = -1,
               completed: bool = False, activity_id: int = 0) -> None:
        with self._lock:
            if completed:
                self._records.pop(activity_id, None)
                self._last_line.pop(activity_id, None)
                return
            now = self._clock()
            if now - self._last_paint < self.min_interval:
                return
            text = activity + (f": {status}" if status else "")
            if percent_complete >= 0:
                text += f" ({min(percent_complete, 100)}%)"
            if self._last_line.get(activity_id) == text:
                return
            self._last_line[activity_id] = text
            self._records[activity_id] = ProgressRecord(activity_id, activity, status, percent_complete)
            self._write(f"VERBOSE: {text}\n")
            self._last_paint = now
            self.paints += 1

    write_progress = update

    def clear(self) -> None:
        pass

    def finish(self) -> None:
        with self._lock:
            self._records.clear()
            self._last_line.clear()


class NullProgressRenderer(ProgressRenderer):
    """Progress that goes nowhere (non-interactive runs without -Verbose, $ProgressPreference off)."""

    def update(self, *args: object, **kwargs: object) -> None:
        return None

    write_progress = update

    def clear(self) -> None:
        return None

    def finish(self) -> None:
        return None


def for_stream(stream: TextIO | None = None, *, interactive: bool | None = None, verbose: bool = False) -> ProgressRenderer:
    """The right renderer for a stream: a bar on a terminal, VERBOSE lines when verbose, otherwise nothing."""
    stream = stream if stream is not None else sys.stderr
    if interactive is None:
        try:
            interactive = stream.isatty()
        except (AttributeError, ValueError):
            interactive = False
    if interactive:
        return ProgressRenderer(stream)
    if verbose:
        return LineProgressRenderer(stream)
    return NullProgressRenderer(stream)


_installed: ProgressRenderer | None = None
_install_lock = threading.Lock()


def install(renderer: ProgressRenderer | None) -> None:
    """Make `renderer` the process-wide one returned by `current()` (the REPL does this at start)."""
    global _installed
    with _install_lock:
        _installed = renderer


def current(*, verbose: bool = False) -> ProgressRenderer:
    """The installed renderer; if none, one chosen for stderr (see `for_stream`) and installed."""
    global _installed
    with _install_lock:
        if _installed is None:
            _installed = for_stream(sys.stderr, verbose=verbose)
        return _installed
