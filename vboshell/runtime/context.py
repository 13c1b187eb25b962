"""The ExecutionContext: one shell session (variables and scopes, functions, host, location, $Error, preferences).
Cmdlets reach it as `self.context`; the CLI, the REPL and tests create one and call `invoke`/`execute`.

API used by cmdlets and other teams (stable):
    ctx.get_variable(name) / ctx.set_variable(name, value, scope=None) / ctx.remove_variable(name)
    ctx.variables(scope=None) -> dict[name, value]        (Get-Variable, `$` completion)
    ctx.host                                               (Host: write/write_line/write_error_line/read_line/...)
    ctx.cwd                                                (current location, pathlib.Path; resolve_path(p))
    ctx.functions                                          (dict lower-name -> FunctionInfo)
    ctx.invoke(text) -> list                               (run text in the session, return output objects)
    ctx.execute(text) -> int                               (run text, send output to Out-Default; REPL/CLI)
    ctx.error_list                                         ($Error: newest first)
    ctx.preference(name)                                   ('ErrorActionPreference' -> 'Continue', ...)
    ctx.services                                           (attribute bag for engine teams: catalogue etc.)
    ctx.is_stopping                                        (Ctrl+C requested)

Pipeline-stop mechanism (for Select-Object -First and friends): inside a cmdlet call
`self._runtime.stop_upstream()` after writing the last object you need. It raises
`vboshell.runtime.flow.StopUpstream` (a BaseException: do not catch it) which unwinds every command
upstream of yours in the same pipeline (their generators/loops end; their end blocks do not run);
your own end_processing and the downstream commands still complete normally. Nested pipelines
(inside script blocks) are unaffected. `ctx.stop()` (Ctrl+C) raises `PipelineStopped` at the next
write/loop iteration of whatever is running; `cmdlet.stopping` turns True.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from vboshell.runtime.flow import PipelineStopped, StopUpstream  # noqa: F401  (re-exported)

# The tree-walking evaluator uses about a dozen Python frames per script-function call; leave room for
# PowerShell-style recursion (the evaluator itself stops at MAX_CALL_DEPTH with CallDepthOverflow).
if sys.getrecursionlimit() < 10000:
    sys.setrecursionlimit(10000)

PREFERENCE_DEFAULTS: dict[str, Any] = {
    "ErrorActionPreference": "Continue",
    "WarningPreference": "Continue",
    "VerbosePreference": "SilentlyContinue",
    "DebugPreference": "SilentlyContinue",
    "InformationPreference": "SilentlyContinue",
    "ProgressPreference": "Continue",
    "ConfirmPreference": "High",
    "WhatIfPreference": False,
    "FormatEnumerationLimit": 4,
    "OFS": " ",
    "MaximumHistoryCount": 4096,
    "ErrorView": "NormalView",  # 5.1's view; 'ConciseView' (PS 7) and 'CategoryView' are offered too
}

_COLOR_CODES = {
    "black": 30, "darkblue": 34, "darkgreen": 32, "darkcyan": 36, "darkred": 31, "darkmagenta": 35,
    "darkyellow": 33, "gray": 37, "darkgray": 90, "blue": 94, "green": 92, "cyan": 96, "red": 91,
    "magenta": 95, "yellow": 93, "white": 97,
}
COLOR_NAMES = ("Black", "DarkBlue", "DarkGreen", "DarkCyan", "DarkRed", "DarkMagenta", "DarkYellow", "Gray",
               "DarkGray", "Blue", "Green", "Cyan", "Red", "Magenta", "Yellow", "White")


class Host:
    """The user-facing console ($Host.UI). Subclasses decide where text goes; this one writes to stdout/stderr.
    `write` is raw text; `write_line` adds a newline; colours are PowerShell ConsoleColor names and are
    applied only when `supports_color` (a TTY). `read_line` raises EOFError when no input is available."""

    name = "ConsoleHost"

    def __init__(self, stdout: Any = None, stderr: Any = None, stdin: Any = None,
                 interactive: bool | None = None, width: int | None = None, color: bool | None = None) -> None:
        self._out = stdout
        self._err = stderr
        self._in = stdin
        out = self.stdout
        is_tty = bool(getattr(out, "isatty", lambda: False)())
        self.is_interactive: bool = is_tty and bool(getattr(self.stdin, "isatty", lambda: False)()) \
            if interactive is None else interactive
        self.supports_color: bool = is_tty and not os.environ.get("NO_COLOR") if color is None else color
        self._width = width

    # streams resolved late so pytest's capsys/monkeypatching of sys.stdout works
    @property
    def stdout(self) -> Any:
        return self._out if self._out is not None else sys.stdout

    @property
    def stderr(self) -> Any:
        return self._err if self._err is not None else sys.stderr

    @property
    def stdin(self) -> Any:
        return self._in if self._in is not None else sys.stdin

    @property
    def width(self) -> int | None:
        """Console width in columns, or None when output is not a terminal (pipes/files never wrap)."""
        if self._width is not None:
            return self._width
        try:
            if self.stdout.isatty():
                return os.get_terminal_size(self.stdout.fileno()).columns
        except (OSError, AttributeError, ValueError):
            pass
        return None

    def colorize(self, text: str, foreground: str | None = None, background: str | None = None) -> str:
        if not self.supports_color or (not foreground and not background) or not text:
            return text
        codes = []
        if foreground and foreground.lower() in _COLOR_CODES:
            codes.append(str(_COLOR_CODES[foreground.lower()]))
        if background and background.lower() in _COLOR_CODES:
            codes.append(str(_COLOR_CODES[background.lower()] + 10))
        if not codes:
            return text
        return f"\x1b[{';'.join(codes)}m{text}\x1b[0m"

    def write(self, text: str, foreground: str | None = None, background: str | None = None) -> None:
        self.stdout.write(self.colorize(text, foreground, background))
        self._flush(self.stdout)

    def write_line(self, text: str = "", foreground: str | None = None, background: str | None = None) -> None:
        self.stdout.write(self.colorize(text, foreground, background) + "\n")
        self._flush(self.stdout)

    def write_error_line(self, text: str) -> None:
        """An error record's display text (red on a TTY). Errors go to stdout like PowerShell's console host
        when stdout is a terminal; to stderr otherwise so `vboshell -Command ... > out.txt` keeps them apart."""
        target = self.stderr
        tty = bool(getattr(target, "isatty", lambda: False)()) or target is self.stdout
        target.write((self.colorize(text, "Red") if tty else text) + "\n")
        self._flush(target)

    def write_warning_line(self, text: str) -> None:
        self.stdout.write(self.colorize(text, "Yellow") + "\n")
        self._flush(self.stdout)

    def write_verbose_line(self, text: str) -> None:
        self.stdout.write(self.colorize(text, "Yellow") + "\n")
        self._flush(self.stdout)

    def write_debug_line(self, text: str) -> None:
        self.stdout.write(self.colorize(text, "Yellow") + "\n")
        self._flush(self.stdout)

    def write_progress(self, activity: str, status: str = "", percent_complete: int = -1,
                       completed: bool = False) -> None:
        """Progress is shown only on interactive terminals (one overwritten line)."""
        if not self.is_interactive or not self.supports_color:
            return
        if completed:
            self.stderr.write("\r\x1b[K")
        else:
            pct = f" {percent_complete}%" if percent_complete >= 0 else ""
            self.stderr.write(f"\r\x1b[K{activity}: {status}{pct}"[: (self.width or 80) - 1])
        self._flush(self.stderr)

    def read_line(self, prompt: str = "") -> str:
        if prompt:
            self.write(prompt)
        line = self.stdin.readline()
        if not line:
            raise EOFError
        return line.rstrip("\r\n")

    def read_line_as_secure_string(self, prompt: str = "") -> Any:
        from vboshell.runtime.securestring import SecureString

        if prompt:
            self.write(prompt)
        try:
            if getattr(self.stdin, "isatty", lambda: False)():
                import getpass

                text = getpass.getpass("")
            else:
                line = self.stdin.readline()
                if not line:
                    raise EOFError
                text = line.rstrip("\r\n")
        except (OSError, ValueError) as e:  # pragma: no cover
            raise EOFError from e
        return SecureString(text)

    def prompt_for_choice(self, caption: str, message: str, choices: list[tuple[str, str]], default: int = 0) -> int:
        """choices: (label with & before the hot key, help). Returns the chosen index (default on empty input)."""
        if caption:
            self.write_line(caption)
        if message:
            self.write_line(message)
        keys = []
        for label, _help in choices:
            i = label.find("&")
            keys.append(label[i + 1].upper() if i >= 0 and i + 1 < len(label) else label[:1].upper())
        parts = [f"[{k}] {lbl.replace('&', '')}" for k, (lbl, _h) in zip(keys, choices, strict=False)]
        parts.append("[?] Help")
        dflt = keys[default] if 0 <= default < len(keys) else ""
        while True:
            answer = self.read_line("  ".join(parts) + f' (default is "{dflt}"): ').strip().upper()
            if not answer:
                return default
            if answer in keys:
                return keys.index(answer)
            if answer == "?":
                for k, (lbl, hlp) in zip(keys, choices, strict=False):
                    self.write_line(f"{k} - {hlp or lbl.replace('&', '')}")

    @staticmethod
    def _flush(stream: Any) -> None:
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass


class BufferHost(Host):
    """A host that records everything (tests, Out-String style capture). `text` is what a console would show;
    `errors` the error display lines; input comes from `inputs` (a list consumed front first)."""

    name = "BufferHost"

    def __init__(self, inputs: list[str] | None = None, interactive: bool = False, width: int | None = None) -> None:
        import io

        self.buffer = io.StringIO()
        self.error_buffer = io.StringIO()
        self.inputs = list(inputs or [])
        super().__init__(stdout=self.buffer, stderr=self.error_buffer, stdin=io.StringIO(""),
                         interactive=interactive, width=width, color=False)

    @property
    def text(self) -> str:
        return self.buffer.getvalue()

    @property
    def error_text(self) -> str:
        return self.error_buffer.getvalue()

    def read_line(self, prompt: str = "") -> str:
        if prompt:
            self.write(prompt)
        if not self.inputs:
            raise EOFError
        value = self.inputs.pop(0)
        self.write(value + "\n")
        return value

    def read_line_as_secure_string(self, prompt: str = "") -> Any:
        from vboshell.runtime.securestring import SecureString

        if prompt:
            self.write(prompt)
        if not self.inputs:
            raise EOFError
        self.write("\n")
        return SecureString(self.inputs.pop(0))


class ExecutionContext:
    """One session. Construct with a Host (default: console); `interactive` follows the host unless given."""

    def __init__(self, host: Host | None = None, *, interactive: bool | None = None,
                 cwd: str | os.PathLike[str] | None = None, script_name: str | None = None) -> None:
        from vboshell.runtime.scopes import SessionState

        self.host: Host = host or Host()
        self.interactive: bool = self.host.is_interactive if interactive is None else interactive
        self._cwd = Path(cwd).resolve() if cwd else Path.cwd()
        self.session = SessionState(self)
        self.aliases: dict[str, str] = {}  # lower-case alias -> command name (user-defined via Set-Alias)
        from vboshell.runtime.values import ArrayList

        self.error_list: list[Any] = ArrayList()  # $Error (newest first); ErrorRecords; $Error.Clear() works
        self.services = SimpleNamespace()  # engine teams hang lazily-built services here (catalogue, ...)
        self._stop_event = threading.Event()
        self.last_exit_code: int = 0
        self.exit_requested = False  # set by execute() when the text ran `exit`
        # run programs found on PATH as commands (VBOSHELL_NO_NATIVE=1 turns it off, e.g. for fuzzing)
        self.allow_native = os.environ.get("VBOSHELL_NO_NATIVE") != "1"
        self.history: list[str] = []
        self.transcript: Any = None  # set by Start-Transcript
        self.output_hooks: list[Callable[[str], None]] = []  # extra sinks for host text (transcripts)
        self.modules: dict[str, Any] = {}  # imported module names (Import-Module)
        from vboshell.runtime.evaluator import Evaluator

        self.evaluator = Evaluator(self)
        self.session.install_automatic_variables(script_name)

    # --- variables -----------------------------------------------------------------------------
    def get_variable(self, name: str, default: Any = None) -> Any:
        """Read a variable by name (case-insensitive; `script:x`, `global:x`, `env:X` qualifiers allowed)."""
        return self.session.get_value(name, default)

    def set_variable(self, name: str, value: Any, scope: str | None = None) -> None:
        """Set a variable; scope: None (current), 'local', 'script', 'global', or a number of levels up."""
        self.session.set_value(name, value, scope)

    def remove_variable(self, name: str, scope: str | None = None) -> bool:
        return self.session.remove(name, scope)

    def variables(self, scope: str | None = None) -> dict[str, Any]:
        """Visible variables (name as first written -> value); scope 'global'/'script'/'local' restricts."""
        return self.session.visible(scope)

    def preference(self, name: str) -> Any:
        """The effective value of a preference variable ('ErrorActionPreference' -> 'Continue', ...)."""
        value = self.session.get_value(name, None)
        if value is None:
            return PREFERENCE_DEFAULTS.get(name)
        return value

    @property
    def functions(self) -> dict[str, Any]:
        """Session functions visible from the current scope (lower-case name -> FunctionInfo)."""
        return self.session.all_functions()

    # --- location ------------------------------------------------------------------------------
    @property
    def cwd(self) -> Path:
        return self._cwd

    @cwd.setter
    def cwd(self, value: str | os.PathLike[str]) -> None:
        self._cwd = self.resolve_path(value)

    def resolve_path(self, path: str | os.PathLike[str]) -> Path:
        """A user path resolved against the current location (`~` expanded; `\\` accepted as separator)."""
        text = os.fspath(path)
        if os.sep == "/" and "\\" in text and not text.startswith("\\\\"):
            text = text.replace("\\", "/")
        try:
            if "\0" in text:
                raise UnicodeEncodeError("utf-8", text, text.index("\0"), text.index("\0") + 1, "NUL in a path")
            os.fsencode(text)
        except UnicodeEncodeError:  # a NUL, or a lone surrogate from [char]0xD800: no file system can name it
            from vboshell.runtime.errors import CmdletError, ErrorCategory

            raise CmdletError("Illegal characters in path.", "IllegalCharactersInPath", ErrorCategory.InvalidArgument,
                              target=text.encode("utf-8", "replace").decode("utf-8"),
                              exception_type="ArgumentException") from None
        p = Path(text).expanduser()
        return p if p.is_absolute() else (self._cwd / p)

    # --- running code --------------------------------------------------------------------------
    def invoke(self, script_text: str, *, raise_errors: bool = False, file: str | None = None,
               input_objects: list[Any] | None = None) -> list[Any]:
        """Run `script_text` in this session's current scope (like dot-sourcing at the prompt) and return the
        output objects as a list (nothing goes to Out-Default). Errors: non-terminating ones are written to
        the host's error output and $Error; a terminating error stops the text and, if raise_errors, is
        raised as PSRuntimeError (else displayed). Never raises any other exception."""
        return self.evaluator.invoke_text(script_text, raise_errors=raise_errors, file=file,
                                          input_objects=input_objects)

    def execute(self, script_text: str, *, file: str | None = None) -> int:
        """Run text as typed at the prompt: output goes to Out-Default, errors are displayed.
        Returns the would-be process exit code (exit N, 1 after a terminating error, else 0);
        an `exit` statement sets `self.exit_requested`."""
        return self.evaluator.execute_text(script_text, file=file)

    def run_script_file(self, path: str, args: list[Any] | None = None) -> int:
        """`vboshell -File path args`: run a script in a new script scope with its parameters bound."""
        return self.evaluator.run_script_file(path, list(args or []))

    def invoke_script_block(self, script_block: Any, input_object: Any = None, args: Any = (),
                            use_dollar_under: bool = True) -> list[Any]:
        """Run a ScriptBlock value (from a cmdlet parameter) in a child scope with `$_` set; return its output."""
        return self.evaluator.call_script_block_simple(script_block, input_object, list(args), use_dollar_under)

    def format_error(self, record: Any) -> str:
        """The NormalView text of an ErrorRecord (no colour)."""
        from vboshell.runtime.display import format_error_record

        return format_error_record(record)

    def write_error_record(self, record: Any) -> None:
        """Display an error on the host (red on a TTY)."""
        self.host.write_error_line(self.format_error(record))

    # --- stopping (Ctrl+C) ---------------------------------------------------------------------
    def stop(self) -> None:
        self._stop_event.set()

    def reset_stop(self) -> None:
        self._stop_event.clear()

    @property
    def is_stopping(self) -> bool:
        return self._stop_event.is_set()

    def check_stop(self) -> None:
        """Raise PipelineStopped if Ctrl+C was requested (called at loop iterations and object writes)."""
        if self._stop_event.is_set():
            raise PipelineStopped()
