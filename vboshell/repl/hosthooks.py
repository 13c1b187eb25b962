"""Connects the runtime's Host to the REPL's progress renderer while the REPL runs.
Progress goes to `vboshell.repl.progress`; any other host output first erases the progress line."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from vboshell.repl.progress import ProgressRenderer

_OUTPUT_METHODS = ("write", "write_line", "write_error_line", "write_warning_line", "write_verbose_line",
                   "write_debug_line", "read_line", "read_line_as_secure_string", "prompt_for_choice")


def attach(host: Any, renderer: ProgressRenderer) -> None:
    """Route `host.write_progress` to `renderer` and clear the bar before every other host write.
    Done on the instance, so whatever Host class the runtime uses keeps its behaviour otherwise."""
    if getattr(host, "_vbo_progress_attached", False):
        return

    def write_progress(activity: str, status: str = "", percent_complete: int = -1, *args: Any,
                       seconds_remaining: int = -1, completed: bool = False, activity_id: int = 0,
                       **_ignored: Any) -> None:
        # Host.write_progress(activity, status, percent_complete, completed) and the Cmdlet signature
        # (..., seconds_remaining, completed, activity_id) are both accepted.
        if args:
            if isinstance(args[0], bool):
                completed = args[0]
            else:
                seconds_remaining = int(args[0])
                if len(args) > 1:
                    completed = bool(args[1])
                if len(args) > 2:
                    activity_id = int(args[2])
        renderer.update(activity, status, percent_complete, seconds_remaining, completed, activity_id)

    for name in _OUTPUT_METHODS:
        original = getattr(host, name, None)
        if original is None or not callable(original):
            continue
        setattr(host, name, _clearing(original, renderer))
    host.write_progress = write_progress
    host.progress_renderer = renderer
    host._vbo_progress_attached = True


def _clearing(fn: Callable[..., Any], renderer: ProgressRenderer) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if renderer.active:
            renderer.clear()
        return fn(*args, **kwargs)

    return wrapper
