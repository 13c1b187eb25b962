"""The REPL's Enter decision: run the input, or continue it on a `>> ` line.
Decided by the parser's incomplete-input flag (PowerShell's IncompleteInput), never by bracket counting."""

from __future__ import annotations


def needs_more_input(text: str) -> bool:
    """True when `text` cannot run yet because more input could complete it (unclosed brace/paren/quote,
    here-string, trailing pipe or backtick, `if ($x)` without a block). Blank input and real syntax errors
    run (the error is then reported), so a typo never traps the user in continuation lines."""
    if not text.strip():
        return False
    try:
        from vboshell.language import is_incomplete

        return bool(is_incomplete(text))
    except Exception:  # a parser bug must not lock the prompt: run it and let the runtime report
        return False


def decide(text: str) -> str:
    """'continue' or 'execute' (for tests and tools)."""
    return "continue" if needs_more_input(text) else "execute"
