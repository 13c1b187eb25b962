"""Key bindings of the REPL: Enter runs complete input or continues it (the parser's incomplete flag decides),
Alt+Enter / Shift+Enter insert a newline, Enter applies a selected completion, Escape clears like PSReadLine."""

from __future__ import annotations

from collections.abc import Callable

from prompt_toolkit.application import run_in_terminal
from prompt_toolkit.buffer import CompletionState
from prompt_toolkit.completion import CompleteEvent, get_common_complete_suffix
from prompt_toolkit.filters import Condition, emacs_insert_mode, has_completions, has_focus, vi_insert_mode
from prompt_toolkit.input import ansi_escape_sequences
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.keys import Keys

from vboshell.repl.continuation import needs_more_input

_SHIFT_ENTER_SEQUENCES = ("\x1b[27;2;13~", "\x1b[13;2u")  # xterm modifyOtherKeys, kitty/CSI-u


def enable_shift_enter() -> None:
    """Let terminals that report Shift+Enter distinctly (modifyOtherKeys, CSI-u) send it as Alt+Enter."""
    for seq in _SHIFT_ENTER_SEQUENCES:
        ansi_escape_sequences.ANSI_SEQUENCES[seq] = (Keys.Escape, Keys.ControlM)


def newline_or_execute(event: KeyPressEvent) -> None:
    """IPython's pattern: a selected completion is applied; complete input runs; incomplete input gets a newline."""
    b = event.current_buffer
    state = b.complete_state
    if state is not None:
        if state.current_completion is not None:
            b.apply_completion(state.current_completion)
            return
        b.cancel_completion()
    if needs_more_input(b.text):
        b.insert_text("\n")
        return
    b.validate_and_handle()


def complete_now(event: KeyPressEvent) -> None:
    """Tab, computed synchronously like PSReadLine (fast typists' `Get-VBOJ<Tab><Enter>` must see the result):
    one match is inserted; several insert their common part and open the menu (or, when they have nothing more
    in common, put the first in place); Tab again walks the menu, Enter applies the selected one."""
    b = event.current_buffer
    if b.complete_state is not None:
        b.complete_next()
        return
    if b.completer is None:
        return
    doc = b.document
    completions = list(b.completer.get_completions(doc, CompleteEvent(completion_requested=True)))
    if not completions:
        if not doc.current_line_before_cursor.strip() and "\n" in doc.text_before_cursor:
            b.insert_text("    ")  # indenting a continuation line
        return
    if len(completions) == 1:
        b.apply_completion(completions[0])
        return
    common = get_common_complete_suffix(doc, completions)
    if common:
        # no text-changed event: its handlers (async suggestion/completion rounds) raced with the menu opened below
        b.insert_text(common, fire_event=False)
        b.suggestion = None  # what the event would have cleared: a grey suggestion computed for the shorter text
        completions = [c.new_completion_from_position(len(common)) for c in completions]
    b.complete_state = CompletionState(original_document=b.document, completions=completions)
    if not common:
        b.go_to_completion(0)  # nothing in common to add: put the first match in place, Tab cycles (PSReadLine)
    b.on_completions_changed.fire()


def command_under_cursor(text_before_cursor: str) -> str | None:
    """The command name of the command the cursor is in (for F1 help)."""
    from vboshell.repl.completion import analyze

    a = analyze(text_before_cursor)
    if a.words:
        return a.words[0]
    if a.command_position and a.word and not a.word.startswith(("$", "-")):
        return a.word
    return None


def parameter_under_cursor(text_before_cursor: str, word_after: str = "") -> tuple[str, str] | None:
    """(command, parameter) when the cursor is on or just after a `-Parameter` of a command (for Alt+H)."""
    from vboshell.repl.completion import analyze

    a = analyze(text_before_cursor + word_after)
    if not a.words:
        return None
    for w in [a.word, *reversed(a.words[1:])]:
        if w.startswith("-") and len(w) > 1 and not w[1:2].isdigit():
            return a.words[0], w[1:].split(":", 1)[0]
    return None


def build_key_bindings(show_help: Callable[[str], None] | None = None,
                       show_parameter_help: Callable[[str, str], None] | None = None) -> KeyBindings:
    """The REPL's bindings; F1 calls `show_help(command)` (PSReadLine's ShowCommandHelp) and Alt+H
    `show_parameter_help(command, parameter)` (ShowParameterHelp)."""
    kb = KeyBindings()
    insert = (emacs_insert_mode | vi_insert_mode) & has_focus("DEFAULT_BUFFER")

    @kb.add("enter", filter=insert)
    def _enter(event: KeyPressEvent) -> None:
        newline_or_execute(event)

    @kb.add("tab", filter=insert)
    def _tab(event: KeyPressEvent) -> None:
        complete_now(event)

    @kb.add("escape", "enter", filter=insert)
    def _newline(event: KeyPressEvent) -> None:
        event.current_buffer.insert_text("\n")

    @kb.add("escape", filter=insert & ~has_completions, eager=False)
    def _revert(event: KeyPressEvent) -> None:
        """PSReadLine's RevertLine: Escape clears the input."""
        b = event.current_buffer
        if b.text:
            b.reset()

    @kb.add("escape", filter=insert & has_completions, eager=True)
    def _close_menu(event: KeyPressEvent) -> None:
        event.current_buffer.cancel_completion()

    @kb.add("c-space", filter=insert)
    def _menu(event: KeyPressEvent) -> None:
        """PSReadLine's MenuComplete: show every completion."""
        b = event.current_buffer
        if b.complete_state:
            b.complete_next()
        else:
            b.start_completion(select_first=False)

    @kb.add("s-tab", filter=insert & Condition(lambda: True))
    def _prev(event: KeyPressEvent) -> None:
        b = event.current_buffer
        if b.complete_state:
            b.complete_previous()
        else:
            b.start_completion(select_last=True)

    if show_help is not None:

        @kb.add("f1", filter=insert)
        def _help(event: KeyPressEvent) -> None:
            doc = event.current_buffer.document
            name = command_under_cursor(doc.text_before_cursor + doc.current_line_after_cursor.split(" ", 1)[0])
            if name:
                run_in_terminal(lambda: show_help(name))

    if show_parameter_help is not None:

        @kb.add("escape", "h", filter=insert)
        def _param_help(event: KeyPressEvent) -> None:
            doc = event.current_buffer.document
            found = parameter_under_cursor(doc.text_before_cursor, doc.current_line_after_cursor.split(" ", 1)[0])
            if found:
                run_in_terminal(lambda: show_parameter_help(*found))

    return kb
