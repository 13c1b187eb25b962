"""Parse errors of vboshell's PowerShell dialect, with PowerShell's error ids and positions.
`incomplete_input` is True exactly when more input could complete the text (the REPL's continuation rule)."""

from __future__ import annotations

from vboshell.language.ast import Ast, Extent


class ParseError(Exception):
    """The first error found while parsing. `errors` holds every error found (at least this one)."""

    def __init__(
        self,
        error_id: str,
        message: str,
        extent: Extent,
        incomplete_input: bool = False,
        partial_ast: Ast | None = None,
    ) -> None:
        super().__init__(message)
        self.error_id = error_id
        self.message = message
        self.extent = extent
        self.incomplete_input = incomplete_input
        self.partial_ast = partial_ast
        self.errors: list[ParseError] = [self]

    @property
    def line(self) -> int:
        return self.extent.start_line

    @property
    def column(self) -> int:
        return self.extent.start_column

    def __repr__(self) -> str:
        return f"ParseError({self.error_id!r}, line={self.line}, column={self.column}, incomplete={self.incomplete_input})"
