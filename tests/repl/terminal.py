"""A pseudo-terminal driver for the REPL's end-to-end tests: pexpect runs the shell, pyte renders the screen.
Each Term gets its own VBOSHELL_HOME so tests can run in parallel."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pexpect
import pyte

ROOT = Path(__file__).resolve().parents[2]


def shell_command() -> list[str]:
    """`vboshell -NoProfile` once the CLI opens the REPL, else `python -m vboshell.repl`."""
    cli = ROOT / "vboshell" / "cli.py"
    exe = Path(sys.executable).parent / "vboshell"
    try:
        uses_repl = "vboshell.repl" in cli.read_text() or "from vboshell import repl" in cli.read_text()
    except OSError:
        uses_repl = False
    if uses_repl and exe.exists():
        return [str(exe), "-NoProfile"]
    return [sys.executable, "-m", "vboshell.repl", "-NoProfile"]


class Term:
    def __init__(self, home: Path, rows: int = 30, cols: int = 200, cwd: Path | None = None,
                 args: list[str] | None = None, env: dict[str, str] | None = None) -> None:
        self.home = home
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        e = dict(os.environ)
        e.update({"VBOSHELL_HOME": str(home), "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1",
                  "PAGER": "cat", "COLUMNS": str(cols), "LINES": str(rows)})
        e.pop("NO_COLOR", None)
        e.pop("VBOSHELL_PAGER", None)
        if env:
            e.update(env)
        cmd = args or shell_command()
        self.child = pexpect.spawn(cmd[0], cmd[1:], env=e, cwd=str(cwd or home), dimensions=(rows, cols),
                                   encoding=None, timeout=10)
        self.raw = b""

    # --- reading ---
    def pump(self, timeout: float = 0.05) -> None:
        end = time.monotonic() + timeout
        while True:
            try:
                data = self.child.read_nonblocking(65536, timeout=max(0.0, min(0.05, end - time.monotonic())))
            except pexpect.TIMEOUT:
                data = b""
            except pexpect.EOF:
                return
            if data:
                self.raw += data
                self.stream.feed(data)
            if time.monotonic() >= end:
                return

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def wait(self, pred: str | Callable[[str], bool], timeout: float = 10.0) -> str:
        check = (lambda t: pred in t) if isinstance(pred, str) else pred
        end = time.monotonic() + timeout
        while True:
            self.pump(0.05)
            t = self.text()
            if check(t):
                return t
            if time.monotonic() > end:
                raise AssertionError(f"timed out waiting for {pred!r}; screen:\n{t}")
            if not self.child.isalive():
                self.pump(0.1)
                t = self.text()
                if check(t):
                    return t
                raise AssertionError(f"shell exited while waiting for {pred!r}; screen:\n{t}")

    def prompt_count(self) -> int:
        return sum(1 for line in self.screen.display if line.startswith("VBO "))

    def wait_prompt(self, count: int, timeout: float = 10.0) -> str:
        """Wait until at least `count` prompts are on the screen and the last line with text is an empty prompt."""
        def ok(_t: str) -> bool:
            lines = [ln.rstrip() for ln in self.screen.display if ln.strip()]
            return self.prompt_count() >= count and bool(lines) and lines[-1].startswith("VBO ") and lines[-1].endswith(">")

        return self.wait(ok, timeout)

    # --- writing ---
    def send(self, keys: str) -> None:
        self.child.send(keys.encode())

    def close(self) -> None:
        if self.child.isalive():
            self.child.terminate(force=True)
