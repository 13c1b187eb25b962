"""vboshell's PowerShell-dialect language: tokenizer, parser, AST and parse errors.
Public entry point: `parse(text, file=None) -> ScriptBlockAst`, raising `ParseError`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vboshell.language.errors import ParseError

if TYPE_CHECKING:
    from vboshell.language.ast import ScriptBlockAst
    from vboshell.language.tokens import Token

__all__ = ["ParseError", "parse", "is_incomplete", "tokenize"]


def parse(text: str, file: str | None = None) -> ScriptBlockAst:
    """Parse a whole script. Raises ParseError (with error_id, extent, incomplete_input)."""
    from vboshell.language.parser import Parser

    return Parser(text, file).parse_script()


def is_incomplete(text: str) -> bool:
    """True when `text` fails to parse only because more input could complete it (REPL continuation)."""
    try:
        parse(text)
    except ParseError as e:
        return e.incomplete_input
    return False


def tokenize(text: str) -> list[Token]:
    """Tokens of `text` for syntax highlighting; never raises (see vboshell.language.tokenizer.tokenize)."""
    from vboshell.language.tokenizer import tokenize as _tokenize

    return _tokenize(text)
