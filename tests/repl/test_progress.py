"""The host-side progress renderer: one line redrawn in place, throttled, erased when done.
Non-interactive runs get nothing unless verbose."""

from __future__ import annotations

import io

from vboshell.repl import progress
from vboshell.repl.progress import LineProgressRenderer, NullProgressRenderer, ProgressRenderer


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_renders_one_line_in_place_and_clears():
    out, clock = io.StringIO(), Clock()
    r = ProgressRenderer(out, width=60, clock=clock)
    r.update("Backup", "Mailbox 1 of 4", 25)
    text = out.getvalue()
    assert text.startswith("\r") and text.endswith("\x1b[K") and "\n" not in text
    assert "Backup: Mailbox 1 of 4" in text and " 25%" in text and "[" in text
    r.update("Backup", "", completed=True)
    assert out.getvalue().endswith("\r\x1b[K")
    assert not r.active


def test_throttled_to_ten_per_second():
    out, clock = io.StringIO(), Clock()
    r = ProgressRenderer(out, width=60, clock=clock)
    for i in range(100):  # 100 updates within 0.5 s
        r.update("Copy", f"item {i}", i)
        clock.t += 0.005
    assert r.paints <= 6
    clock.t += 0.2
    r.update("Copy", "item 100", 100)
    assert "item 100" in out.getvalue()


def test_line_fits_width_and_shows_time_left():
    r = ProgressRenderer(io.StringIO(), width=40)
    line = r.format_line(progress.ProgressRecord(0, "A very long activity name " * 3, "status", 50, 125))
    assert len(line) == 40
    assert line.endswith(" 50% 2:05 left")


def test_clear_before_output_and_redraw():
    out, clock = io.StringIO(), Clock()
    r = ProgressRenderer(out, width=50, clock=clock)
    r.update("Job", "one", 10)
    r.clear()
    assert out.getvalue().endswith("\r\x1b[K")
    assert r.active
    clock.t += 1
    r.update("Job", "two", 20)
    assert out.getvalue().endswith("\x1b[K") and "two" in out.getvalue()
    r.finish()
    assert not r.active


def test_nested_activities_show_latest():
    out, clock = io.StringIO(), Clock()
    r = ProgressRenderer(out, width=50, clock=clock)
    r.update("Outer", "o", 10, activity_id=1)
    clock.t += 1
    r.update("Inner", "i", 50, activity_id=2)
    assert out.getvalue().rsplit("\r", 1)[-1].startswith("Inner")
    r.update("Inner", completed=True, activity_id=2)
    assert "Outer" in out.getvalue().rsplit("\r", 1)[-1]
    r.update("Outer", completed=True, activity_id=1)
    assert out.getvalue().endswith("\r\x1b[K")


def test_non_interactive_goes_nowhere_unless_verbose():
    out = io.StringIO()
    r = progress.for_stream(out, interactive=False)
    assert isinstance(r, NullProgressRenderer)
    r.update("x", "y", 5)
    assert out.getvalue() == ""
    v = progress.for_stream(out, interactive=False, verbose=True)
    assert isinstance(v, LineProgressRenderer)
    v.update("Backup", "mailbox 1", 10)
    assert out.getvalue() == "VERBOSE: Backup: mailbox 1 (10%)\n"
    assert isinstance(progress.for_stream(out, interactive=True), ProgressRenderer)


def test_install_and_current():
    r = ProgressRenderer(io.StringIO())
    progress.install(r)
    try:
        assert progress.current() is r
    finally:
        progress.install(None)


def test_host_hook_routes_progress_and_clears_before_output():
    from vboshell.repl.hosthooks import attach

    class Host:
        def __init__(self) -> None:
            self.lines: list[str] = []

        def write_line(self, text: str = "") -> None:
            self.lines.append(text)

        def write_progress(self, activity, status="", percent_complete=-1, completed=False):
            raise AssertionError("should be replaced")

    out, clock = io.StringIO(), Clock()
    r = ProgressRenderer(out, width=50, clock=clock)
    h = Host()
    attach(h, r)
    h.write_progress("Act", "st", 30)
    assert "Act: st" in out.getvalue()
    h.write_line("hello")
    assert out.getvalue().endswith("\r\x1b[K") and h.lines == ["hello"]
    h.write_progress("Act", "st", 30, True)  # Host signature: completed as 4th positional
    assert not r.active
