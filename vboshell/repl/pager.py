"""Paging of long text (Get-Help -Full, `<cmdlet> -?`, `help`) on an interactive terminal.
Text that fits on the screen is printed; longer text goes through $VBOSHELL_PAGER, $PAGER or `less -R`."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from typing import TextIO


def pager_command() -> str | None:
    """The pager to use, or None to print directly."""
    for var in ("VBOSHELL_PAGER", "PAGER"):
        value = os.environ.get(var)
        if value is not None:
            return value.strip() or None
    if shutil.which("less"):
        return "less -R -X"
    if shutil.which("more"):
        return "more"
    return None


def page(text: str, stream: TextIO | None = None, *, height: int | None = None) -> None:
    """Show `text`, through a pager when it is longer than the terminal and the stream is a terminal."""
    stream = stream or sys.stdout
    if not text.endswith("\n"):
        text += "\n"
    try:
        is_tty = stream.isatty()
    except (AttributeError, ValueError):
        is_tty = False
    rows = height or shutil.get_terminal_size((80, 24)).lines
    cmd = pager_command() if is_tty else None
    if cmd is None or text.count("\n") < rows - 1:
        stream.write(text)
        stream.flush()
        return
    stream.flush()
    # The pager handles Ctrl+C itself (less: stop searching); we must not kill it mid-way and leave the
    # terminal in its raw mode, so SIGINT is ignored here while it runs (possible only on the main thread).
    previous = None
    if threading.current_thread() is threading.main_thread():
        try:
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        except (ValueError, OSError):
            previous = None
    try:
        subprocess.run(cmd, shell=True, input=text, text=True, errors="replace", check=False)
    except KeyboardInterrupt:
        pass
    except OSError:
        stream.write(text)
        stream.flush()
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
