"""Syntax highlighting for the REPL from vboshell's own tokenizer and parser (no regexes).
Colours follow PSReadLine's slots; unknown command names and the start of a parse error are marked."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.lexers import Lexer
from prompt_toolkit.styles import Style

from vboshell.repl import cmdinfo

# Style classes, one per PSReadLine colour slot.
S_COMMAND = "class:pwsh.command"
S_UNKNOWN_COMMAND = "class:pwsh.command.unknown"
S_PARAMETER = "class:pwsh.parameter"
S_VARIABLE = "class:pwsh.variable"
S_STRING = "class:pwsh.string"
S_NUMBER = "class:pwsh.number"
S_OPERATOR = "class:pwsh.operator"
S_TYPE = "class:pwsh.type"
S_MEMBER = "class:pwsh.member"
S_KEYWORD = "class:pwsh.keyword"
S_COMMENT = "class:pwsh.comment"
S_ERROR = "class:pwsh.error"
S_PARSE_ERROR = "class:pwsh.parseerror"
S_DEFAULT = ""

STYLE = Style.from_dict(
    {
        # PSReadLine defaults: Command yellow, Parameter dark gray, Variable green, String dark cyan,
        # Number/Member white, Operator dark gray, Type gray, Keyword green, Comment dark green, Error red.
        "pwsh.command": "ansiyellow",
        "pwsh.command.unknown": "ansired",
        "pwsh.parameter": "ansibrightblack",
        "pwsh.variable": "ansibrightgreen",
        "pwsh.string": "ansicyan",
        "pwsh.number": "ansiwhite bold",
        "pwsh.operator": "ansibrightblack",
        "pwsh.type": "ansigray",
        "pwsh.member": "ansiwhite",
        "pwsh.keyword": "ansibrightgreen",
        "pwsh.comment": "ansigreen",
        "pwsh.error": "ansired",
        "pwsh.parseerror": "underline ansibrightred",
        # prompt, continuation, menu
        "prompt": "",
        "prompt.error": "ansired",
        "continuation": "ansibrightblack",
        "completion-menu.meta.completion": "bg:ansibrightblack ansiwhite",
        "auto-suggestion": "ansibrightblack",
    }
)

_KIND_STYLE = {
    "Comment": S_COMMENT,
    "Keyword": S_KEYWORD,
    "Parameter": S_PARAMETER,
    "Variable": S_VARIABLE,
    "SplattedVariable": S_VARIABLE,
    "Number": S_NUMBER,
    "StringLiteral": S_STRING,
    "StringExpandable": S_STRING,
    "HereStringLiteral": S_STRING,
    "HereStringExpandable": S_STRING,
    "Operator": S_OPERATOR,
    "Assign": S_OPERATOR,
    "Redirection": S_OPERATOR,
    "Pipe": S_OPERATOR,
    "AndAnd": S_OPERATOR,
    "OrOr": S_OPERATOR,
    "Ampersand": S_OPERATOR,
    "Type": S_TYPE,
    "Member": S_MEMBER,
    "Identifier": S_MEMBER,
    "Label": S_KEYWORD,
    "Error": S_ERROR,
    "LineContinuation": S_OPERATOR,
    "StopParsing": S_OPERATOR,
}

# Flags from vboshell.language.tokens (duplicated so a missing tokenizer cannot break the import).
_F_KEYWORD, _F_COMMAND_NAME, _F_OPERATOR, _F_ERROR, _F_MEMBER, _F_TYPE, _F_INCOMPLETE = 1, 2, 4, 8, 16, 32, 64


def _tokenizer() -> Callable[[str], list[Any]] | None:
    try:
        from vboshell.language import tokenize  # type: ignore[attr-defined]

        return tokenize  # type: ignore[no-any-return]
    except ImportError:
        pass
    try:
        from vboshell.language.tokenizer import tokenize  # type: ignore[no-redef]

        return tokenize  # type: ignore[no-any-return]
    except ImportError:
        return None


@functools.lru_cache(maxsize=8)
def _parse_error(text: str) -> tuple[int, int] | None:
    """(start, end) offsets of the first real parse error; None when the text parses or is merely incomplete."""
    try:
        from vboshell.language import parse
        from vboshell.language.errors import ParseError
    except ImportError:
        return None
    try:
        parse(text)
    except ParseError as e:
        if e.incomplete_input:
            return None
        ext = e.extent
        start = max(0, min(ext.start_offset, len(text)))
        end = max(start + 1, min(ext.end_offset, len(text)))
        return start, end
    except Exception:  # the parser must never take the editor down
        return None
    return None


def token_style(tok: Any, context: Any = None) -> str:
    """The style class of one token."""
    kind = str(getattr(tok, "kind", ""))
    flags = int(getattr(tok, "flags", 0) or 0)
    if flags & _F_ERROR and not flags & _F_INCOMPLETE:
        return S_ERROR
    if flags & _F_COMMAND_NAME:
        name = str(getattr(tok, "value", None) or getattr(tok, "text", ""))
        if kind in ("StringLiteral", "StringExpandable"):
            return S_STRING
        if _looks_like_path(name) or cmdinfo.is_known_command(name, context):
            return S_COMMAND
        return S_UNKNOWN_COMMAND
    if flags & _F_KEYWORD:
        return S_KEYWORD
    style = _KIND_STYLE.get(kind)
    if style:
        return style
    if flags & _F_TYPE:
        return S_TYPE
    if flags & _F_MEMBER:
        return S_MEMBER
    if flags & _F_OPERATOR:
        return S_OPERATOR
    return S_DEFAULT


def _looks_like_path(name: str) -> bool:
    return "/" in name or "\\" in name or name.startswith(".") or name.lower().endswith(".ps1")


def highlight(text: str, context: Any = None) -> list[tuple[str, int, int]]:
    """(style, start, end) spans covering the highlighted parts of `text` (gaps are unstyled)."""
    tokenize = _tokenizer()
    spans: list[tuple[str, int, int]] = []
    if tokenize is not None:
        try:
            tokens = tokenize(text)
        except Exception:
            tokens = []
        for tok in tokens:
            start, end = int(tok.start), int(tok.end)
            if end <= start:
                continue
            style = token_style(tok, context)
            parts = getattr(tok, "parts", None)
            if style == S_STRING and parts and any(isinstance(p, tuple) for p in parts):
                spans.extend(_string_spans(text, start, end, parts, context, tokenize))
            elif style:
                spans.append((style, start, end))
    err = _parse_error(text)
    if err is not None:
        spans.append((S_PARSE_ERROR, err[0], err[1]))
    return spans


def segments(text: str, context: Any = None) -> list[tuple[str, int, int]]:
    """Non-overlapping (style, start, end) segments covering all of `text`, parse-error marking merged in."""
    spans = highlight(text, context)
    err = [(s, e) for st, s, e in spans if st == S_PARSE_ERROR]
    spans = sorted((sp for sp in spans if sp[0] != S_PARSE_ERROR), key=lambda sp: sp[1])
    out: list[tuple[str, int, int]] = []
    pos = 0
    for style, start, end in spans:
        start, end = max(start, pos), min(end, len(text))
        if end <= start:
            continue
        if start > pos:
            out.append((S_DEFAULT, pos, start))
        out.append((style, start, end))
        pos = end
    if pos < len(text):
        out.append((S_DEFAULT, pos, len(text)))
    for es, ee in err:
        marked: list[tuple[str, int, int]] = []
        for style, start, end in out:
            if end <= es or start >= ee:
                marked.append((style, start, end))
                continue
            if start < es:
                marked.append((style, start, es))
            marked.append(((style + " " + S_PARSE_ERROR).strip(), max(start, es), min(end, ee)))
            if end > ee:
                marked.append((style, ee, end))
        out = marked
    return out


def _string_spans(text: str, start: int, end: int, parts: list[Any], context: Any,
                  tokenize: Callable[[str], list[Any]], depth: int = 0) -> list[tuple[str, int, int]]:
    """An expandable string: string colour, with `$var` as variables and `$(...)` highlighted as code
    (PSReadLine colours the nested tokens the same way)."""
    out: list[tuple[str, int, int]] = []
    pos = start
    for part in parts:
        if not isinstance(part, tuple) or len(part) < 3:
            continue
        kind, ps, pe = part[0], int(part[1]), int(part[2])
        if ps < pos or pe > end or pe <= ps:
            continue
        if ps > pos:
            out.append((S_STRING, pos, ps))
        if kind == "var":
            out.append((S_VARIABLE, ps, pe))
        elif kind == "sub" and depth < 5 and text.startswith("$(", ps):
            out.append((S_OPERATOR, ps, ps + 2))
            inner_end = pe - 1 if text[pe - 1 : pe] == ")" else pe
            inner = text[ps + 2 : inner_end]
            try:
                inner_tokens = tokenize(inner)
            except Exception:
                inner_tokens = []
            for tok in inner_tokens:
                ts, te = int(tok.start) + ps + 2, int(tok.end) + ps + 2
                st = token_style(tok, context)
                if st and te > ts:
                    out.append((st, ts, te))
            if inner_end < pe:
                out.append((S_OPERATOR, inner_end, pe))
        else:
            out.append((S_STRING, ps, pe))
        pos = pe
    if pos < end:
        out.append((S_STRING, pos, end))
    return out


def style_chars(text: str, context: Any = None) -> list[str]:
    """The style of every character of `text` (tests and tools; the lexer uses `segments`)."""
    styles = [S_DEFAULT] * len(text)
    for style, start, end in segments(text, context):
        styles[start:end] = [style] * (end - start)
    return styles


def fragments_by_line(text: str, context: Any = None) -> list[StyleAndTextTuples]:
    """The styled fragments of each line of `text`."""
    lines: list[StyleAndTextTuples] = [[]]
    for style, start, end in segments(text, context):
        chunk = text[start:end]
        if "\n" not in chunk:
            lines[-1].append((style, chunk))
            continue
        parts = chunk.split("\n")
        for i, part in enumerate(parts):
            if i:
                lines.append([])
            if part:
                lines[-1].append((style, part))
    return lines


class VboLexer(Lexer):
    """prompt_toolkit Lexer over `fragments_by_line`; caches the last document's result."""

    def __init__(self, context: Any = None) -> None:
        self.context = context
        self._cache_text: str | None = None
        self._cache_lines: list[StyleAndTextTuples] = []

    def lex_document(self, document: Document) -> Callable[[int], StyleAndTextTuples]:
        text = document.text
        if text != self._cache_text:
            try:
                lines = fragments_by_line(text, self.context)
            except Exception:
                lines = [[("", line)] for line in text.split("\n")]
            self._cache_text, self._cache_lines = text, lines
        lines = self._cache_lines

        def get_line(lineno: int) -> StyleAndTextTuples:
            return lines[lineno] if 0 <= lineno < len(lines) else []

        return get_line

    def has_error(self, text: str) -> bool:
        """Whether the text has a (non-incomplete) parse error: the prompt's `>` turns red like PSReadLine's."""
        return _parse_error(text) is not None
