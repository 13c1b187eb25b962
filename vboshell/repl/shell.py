"""The interactive loop: banner, $PROFILE, the prompt_toolkit session, running input and stopping it with Ctrl+C.
Input runs in a worker thread so Ctrl+C can stop the pipeline (context.stop()) and the prompt returns within 1 s."""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from vboshell.repl import paths
from vboshell.repl.progress import ProgressRenderer, install

STOP_GRACE_SECONDS = 0.8  # how long Ctrl+C waits for the pipeline to unwind before giving the prompt back

HELP_COMMANDS = frozenset({"get-help", "help", "man"})
_DASH_QUESTION = re.compile(r"^\s*([A-Za-z][\w-]*)\s+-\?\s*$")


def _option(options: Any, name: str, default: Any = None) -> Any:
    if options is None:
        return default
    if isinstance(options, dict):
        for k, v in options.items():
            if k.lower().replace("_", "") == name.lower().replace("_", ""):
                return v
        return default
    for attr in (name, name.lower(), name.replace("_", "")):
        if hasattr(options, attr):
            return getattr(options, attr)
    return default


def banner() -> str:
    from vboshell import __version__

    return (f"vboshell {__version__} - PowerShell-dialect shell for Veeam Backup for Microsoft 365\n"
            "Get-Help to get started, Start-VBOSandbox to try it without a tenant. Tab completes, F1 shows help, "
            "exit quits.\n")


class Shell:
    """One interactive session over an ExecutionContext."""

    def __init__(self, context: Any, options: Any = None, *, input: Any = None, output: Any = None) -> None:
        self.context = context
        self.options = options
        self._pt_input = input
        self._pt_output = output
        self.renderer = ProgressRenderer(sys.stderr)
        self._worker: threading.Thread | None = None
        self.exit_code = 0
        self.session: Any = None
        self.history: Any = None

    # --- set-up ---
    def build_session(self) -> Any:
        from prompt_toolkit import PromptSession
        from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
        from prompt_toolkit.shortcuts import CompleteStyle

        from vboshell.repl.completion import VboCompleter
        from vboshell.repl.history import SharedHistory
        from vboshell.repl.keys import build_key_bindings, enable_shift_enter
        from vboshell.repl.lexer import STYLE, VboLexer

        enable_shift_enter()
        self.history = SharedHistory(paths.history_path())
        self.lexer = VboLexer(self.context)
        kwargs: dict[str, Any] = {}
        if self._pt_input is not None:
            kwargs["input"] = self._pt_input
        if self._pt_output is not None:
            kwargs["output"] = self._pt_output
        self.session = PromptSession(
            message=self._prompt,
            multiline=True,
            prompt_continuation=self._continuation,
            lexer=self.lexer,
            completer=VboCompleter(self.context),
            complete_while_typing=False,
            complete_style=CompleteStyle.COLUMN,
            history=self.history,
            enable_history_search=True,
            auto_suggest=AutoSuggestFromHistory(),
            key_bindings=build_key_bindings(self.show_help, self.show_parameter_help),
            style=STYLE,
            include_default_pygments_style=False,
            search_ignore_case=True,
            reserve_space_for_menu=6,
            erase_when_done=False,
            **kwargs,
        )
        return self.session

    def _cwd_text(self) -> str:
        try:
            return str(self.context.cwd)
        except Exception:
            return os.getcwd()

    def _prompt(self) -> Any:
        from prompt_toolkit.application.current import get_app_or_none

        err = False
        app = get_app_or_none()
        if app is not None and self.session is not None:
            text = app.current_buffer.text
            err = bool(text.strip()) and self.lexer.has_error(text)
        return [("class:prompt", f"VBO {self._cwd_text()}"), ("class:prompt.error" if err else "class:prompt", "> ")]

    @staticmethod
    def _continuation(width: int, line_number: int, is_soft_wrap: bool) -> Any:
        if is_soft_wrap:
            return ""  # a long line wrapping on screen is not a continuation line
        return [("class:continuation", ">> ")]

    def attach_host(self) -> None:
        install(self.renderer)
        host = getattr(self.context, "host", None)
        if host is not None:
            from vboshell.repl.hosthooks import attach

            try:
                attach(host, self.renderer)
            except Exception:
                pass

    def run_profile(self) -> None:
        profile = paths.profile_path()
        try:
            self.context.set_variable("PROFILE", str(profile), "global")
        except Exception:
            pass
        if _option(self.options, "no_profile", False):
            return
        if not profile.is_file() or self._cli_ran(profile):
            return
        try:
            text = profile.read_text(encoding="utf-8-sig")
        except OSError as e:
            sys.stderr.write(f"vboshell: cannot read profile {profile}: {e.strerror}\n")
            return
        self.run_text(text, file=str(profile))

    def _cli_ran(self, profile: Any) -> bool:
        """vboshell.cli loads `<VBOSHELL_HOME or user data dir>/profile.ps1` itself before starting the REPL;
        do not run the same file twice."""
        if not isinstance(self.options, dict) or "noprofile" not in self.options:
            return False
        try:
            from vboshell.runtime.display import vboshell_home

            return os.path.abspath(os.path.join(vboshell_home(), "profile.ps1")) == os.path.abspath(str(profile))
        except Exception:
            return False

    # --- running input ---
    def run_text(self, text: str, file: str | None = None) -> int | None:
        """Run text in a worker thread; Ctrl+C stops it. Returns an exit code when the shell must exit."""
        if self._worker is not None and self._worker.is_alive():
            self._worker.join(2.0)
        result: dict[str, Any] = {}

        def target() -> None:
            try:
                result["code"] = self._execute(text, file)
            except BaseException as e:  # noqa: BLE001 - reported below, never a traceback
                result["error"] = e

        try:
            self.context.reset_stop()
        except Exception:
            pass
        worker = threading.Thread(target=target, name="vboshell-pipeline", daemon=True)
        self._worker = worker
        worker.start()
        stopped_at: float | None = None
        while worker.is_alive():
            try:
                worker.join(0.05)
                if stopped_at is not None and time.monotonic() - stopped_at > STOP_GRACE_SECONDS:
                    break
            except KeyboardInterrupt:
                if stopped_at is None:
                    stopped_at = time.monotonic()
                    self._request_stop()
        self.renderer.finish()
        if stopped_at is not None:
            if worker.is_alive():
                sys.stderr.write("\nThe pipeline is still stopping in the background.\n")
            else:
                sys.stdout.write("\n")
            sys.stdout.flush()
            return None
        err = result.get("error")
        if err is not None:
            if isinstance(err, SystemExit):
                return int(err.code or 0) if isinstance(err.code, int) else 0
            exit_code = getattr(err, "code", None)
            if type(err).__name__ == "ExitSignal" and isinstance(exit_code, int):
                return exit_code
            sys.stderr.write(f"vboshell: internal error: {type(err).__name__}: {err}\n")
            return None
        if getattr(self.context, "exit_requested", False):
            code = result.get("code", 0)
            return int(code) if isinstance(code, int) else 0
        return None

    def _request_stop(self) -> None:
        stop: Callable[[], None] | None = getattr(self.context, "stop", None) or getattr(
            self.context, "request_stop", None)
        if stop is not None:
            try:
                stop()
            except Exception:
                pass

    def _execute(self, text: str, file: str | None) -> Any:
        return self.context.execute(text, file=file) if file else self.context.execute(text)

    def _help_request(self, text: str) -> str | None:
        """Input that shows help (Get-Help/help/man or `<cmdlet> -?`): returns the text to run for its output."""
        m = _DASH_QUESTION.match(text)
        if m:
            return f"Get-Help {m.group(1)}"
        stripped = text.strip()
        if "|" in stripped or ";" in stripped or "\n" in stripped:
            return None
        first = stripped.split(None, 1)[0].lower() if stripped else ""
        if first in HELP_COMMANDS:
            return stripped
        return None

    def show_help(self, name: str) -> None:
        """F1: full help of the command under the cursor, paged, without leaving the current input."""
        try:
            self._page_help(f"Get-Help {name} -Full")
        except Exception:
            pass

    def show_parameter_help(self, command: str, parameter: str) -> None:
        """Alt+H: the help of the parameter under the cursor, printed above the prompt."""
        try:
            self._page_help(f"Get-Help {command} -Parameter {parameter}")
        except Exception:
            pass

    def _page_help(self, command: str) -> int:
        from vboshell.repl.pager import page

        try:
            self.context.reset_stop()
        except Exception:
            pass
        try:
            out = self.context.invoke(f"{command} | Out-String")
        except Exception:
            return int(self.context.execute(command) or 0)
        text = "".join(str(o) for o in out) if out else ""
        if text.strip():
            page(text.rstrip("\n") + "\n", sys.stdout)
        return 0

    # --- the loop ---
    def loop(self) -> int:
        session = self.session or self.build_session()
        failures = 0
        while True:
            try:
                text = session.prompt()
                failures = 0
            except KeyboardInterrupt:
                continue  # Ctrl+C at the prompt abandons the line
            except EOFError:
                return self.exit_code
            except Exception as e:  # never a traceback; give up only if the terminal is unusable
                failures += 1
                sys.stderr.write(f"vboshell: the prompt failed: {type(e).__name__}: {e}\n")
                if failures >= 5:
                    return 1
                continue
            if not text.strip():
                continue
            hist = getattr(self.context, "history", None)
            if isinstance(hist, list):
                hist.append(text)  # the session's history (Get-History), sensitive lines included like pwsh
            help_command = self._help_request(text)
            if help_command is not None:  # on the main thread: the pager owns the terminal and its Ctrl+C
                try:
                    self._page_help(help_command)
                except KeyboardInterrupt:
                    pass
                continue
            try:
                code = self.run_text(text)
            except KeyboardInterrupt:  # a Ctrl+C that lands between the pipeline's end and the next prompt
                self._request_stop()
                continue
            if code is not None:
                return code

    def warm_up(self) -> None:
        """Import the cmdlet modules, tokenizer and parser in the background so the first Tab or keystroke
        does not pause while they load."""

        # prompt_toolkit is imported here, on the main thread: importing it from two threads at once can hand one
        # of them a partially initialised module (an ImportError at start-up, seen under load)
        from vboshell.repl import cmdinfo, lexer

        def work() -> None:
            try:
                cmdinfo.command_names(None)
                lexer.fragments_by_line("Get-VBOJob -Name 'x' | Where-Object { $_.Name -like 'a*' }")
            except Exception:
                pass

        threading.Thread(target=work, name="vboshell-repl-warmup", daemon=True).start()

    def run(self) -> int:
        if not _option(self.options, "no_logo", False):
            sys.stdout.write(banner())
            sys.stdout.flush()
        self.warm_up()
        self.attach_host()
        self.run_profile()
        try:
            return self.loop()
        finally:
            install(None)


def main(context: Any = None, options: Any = None) -> int:
    """Open the interactive shell over `context` (a new ExecutionContext if None). Returns the exit code."""
    if context is None:
        from vboshell.runtime.context import ExecutionContext

        context = ExecutionContext()
    return Shell(context, options).run()
