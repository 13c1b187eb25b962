"""Hand-written recursive-descent parser of vboshell's PowerShell dialect, following the structure of PowerShell's Parser.cs.
It drives the mode-switching Tokenizer and builds the AST of vboshell.language.ast, raising ParseError with PowerShell's ids."""

from __future__ import annotations

import gc
import re
from bisect import bisect_right
from typing import Any

from vboshell.language import ast as A
from vboshell.language.errors import ParseError
from vboshell.language.tokenizer import (
    _FAST_CMD,
    _FAST_EXPR,
    _PUNCT_KINDS,
    _SYMBOL_OPERATORS,
    CMD,
    EXPR,
    SQUOTES,
    Tokenizer,
)
from vboshell.language.tokens import DASH_OPERATORS, F_INCOMPLETE, F_OPERATOR, STREAM_NAMES, UNARY_OPERATORS, Token
from vboshell.language.tokens import TokenKind as K

T_AMPERSAND = K.AMPERSAND
T_AND_AND = K.AND_AND
T_ASSIGN = K.ASSIGN
T_AT_CURLY = K.AT_CURLY
T_AT_PAREN = K.AT_PAREN
T_COLON = K.COLON
T_COMMA = K.COMMA
T_COMMENT = K.COMMENT
T_DOLLAR_PAREN = K.DOLLAR_PAREN
T_DOT = K.DOT
T_END_OF_INPUT = K.END_OF_INPUT
T_ERROR = K.ERROR
T_GENERIC = K.GENERIC
T_HERE_STRING_EXPANDABLE = K.HERE_STRING_EXPANDABLE
T_HERE_STRING_LITERAL = K.HERE_STRING_LITERAL
T_LBRACKET = K.LBRACKET
T_LCURLY = K.LCURLY
T_LPAREN = K.LPAREN
T_NEWLINE = K.NEWLINE
T_NUMBER = K.NUMBER
T_OPERATOR = K.OPERATOR
T_OR_OR = K.OR_OR
T_PARAMETER = K.PARAMETER
T_PIPE = K.PIPE
T_QUESTION_LBRACKET = K.QUESTION_LBRACKET
T_QUESTION_MARK = K.QUESTION_MARK
T_RBRACKET = K.RBRACKET
T_RCURLY = K.RCURLY
T_REDIRECTION = K.REDIRECTION
T_RPAREN = K.RPAREN
T_SEMI = K.SEMI
T_SPLATTED_VARIABLE = K.SPLATTED_VARIABLE
T_STOP_PARSING = K.STOP_PARSING
T_STRING_EXPANDABLE = K.STRING_EXPANDABLE
T_STRING_LITERAL = K.STRING_LITERAL
T_VARIABLE = K.VARIABLE

MAX_DEPTH = 100

_new_extent = object.__new__
_new_token = object.__new__
_SL = A.Extent.start_line  # the slot descriptors of the dataclass fields (shadowed below by lazy properties)
_SC = A.Extent.start_column
_EL = A.Extent.end_line
_EC = A.Extent.end_column


class _ExtentContext:
    """What all extents of one parse share: the source text, the file name and the line start offsets."""

    __slots__ = ("source", "file", "line_starts")

    def __init__(self, source: str, file: str | None, line_starts: list[int]) -> None:
        self.source = source
        self.file = file
        self.line_starts = line_starts


def _lazy_position(slot: Any) -> property:
    """A line/column property of _LazyExtent backed by the dataclass slot `slot`, resolved on first read."""

    def get(self: _LazyExtent) -> int:
        try:
            return slot.__get__(self)  # type: ignore[no-any-return]
        except AttributeError:
            self._resolved()
            return slot.__get__(self)  # type: ignore[no-any-return]

    def set_(self: _LazyExtent, value: int) -> None:
        self._resolved()
        slot.__set__(self, value)

    return property(get, set_)


class _LazyExtent(A.Extent):
    """An Extent built from its two offsets and the parse's shared context; line/column numbers are computed
    on first use (most are never looked at). It is a real Extent: same fields, same repr/eq; copies and pickles
    become plain Extents."""

    __slots__ = ("_c",)

    def _resolved(self) -> None:
        """Compute the line/column numbers unless done already."""
        try:
            _SL.__get__(self)
        except AttributeError:
            ls = self._c.line_starts
            s = self.start_offset
            e = self.end_offset
            sl = bisect_right(ls, s)
            el = bisect_right(ls, e) if e != s else sl
            _SL.__set__(self, sl)
            _SC.__set__(self, s - ls[sl - 1] + 1)
            _EL.__set__(self, el)
            _EC.__set__(self, e - ls[el - 1] + 1)

    @property  # type: ignore[override]
    def source(self) -> str:
        return self._c.source

    @source.setter
    def source(self, value: str) -> None:
        self._resolved()
        c = self._c
        self._c = _ExtentContext(value, c.file, c.line_starts)

    @property  # type: ignore[override]
    def file(self) -> str | None:
        return self._c.file

    @file.setter
    def file(self, value: str | None) -> None:
        c = self._c
        self._c = _ExtentContext(c.source, value, c.line_starts)

    start_line = _lazy_position(_SL)  # type: ignore[assignment]
    start_column = _lazy_position(_SC)  # type: ignore[assignment]
    end_line = _lazy_position(_EL)  # type: ignore[assignment]
    end_column = _lazy_position(_EC)  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, A.Extent):
            return NotImplemented
        return (self.source, self.start_offset, self.end_offset, self.start_line, self.start_column, self.end_line,
                self.end_column, self.file) == (other.source, other.start_offset, other.end_offset, other.start_line,
                                                other.start_column, other.end_line, other.end_column, other.file)  # fmt: skip

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple:
        return (A.Extent, (self.source, self.start_offset, self.end_offset, self.start_line, self.start_column,
                           self.end_line, self.end_column, self.file))  # fmt: skip

    def __copy__(self) -> A.Extent:
        return A.Extent(*self.__reduce__()[1])

    def __deepcopy__(self, memo: dict) -> A.Extent:
        return self.__copy__()


_MODE_INVARIANT = frozenset(
    {K.END_OF_INPUT, K.NEWLINE, K.SEMI, K.PIPE, K.OR_OR, K.AND_AND, K.AMPERSAND, K.LPAREN, K.RPAREN, K.LCURLY,
     K.RCURLY, K.COMMA, K.AT_PAREN, K.AT_CURLY, K.DOLLAR_PAREN, K.HERE_STRING_LITERAL, K.HERE_STRING_EXPANDABLE}
)  # fmt: skip
_CMD_TO_EXPR_INVARIANT = frozenset({K.VARIABLE, K.STRING_LITERAL, K.STRING_EXPANDABLE})
_SAME_IN_BOTH_MODES = _MODE_INVARIANT | _CMD_TO_EXPR_INVARIANT  # a command-mode scan of these serves both modes
_POSTFIX_START = frozenset(".:[?+-\u2013\u2014\u2015")
_LOOP_KEYWORDS = frozenset({"foreach", "for", "while", "do", "switch"})
_BLOCK_NAMES = frozenset({"begin", "process", "end", "dynamicparam"})
_UNARY_DASH_WORDS = frozenset({"not", "bnot", "split", "csplit", "isplit", "join"})
_LABEL = re.compile(r":[\w]+$")
_HELP_KEYWORD = re.compile(
    r"^\s*#?\s*\.(SYNOPSIS|DESCRIPTION|PARAMETER|EXAMPLE|INPUTS|OUTPUTS|NOTES|LINK|COMPONENT|ROLE|FUNCTIONALITY"
    r"|FORWARDHELPTARGETNAME|FORWARDHELPCATEGORY|REMOTEHELPRUNSPACE|EXTERNALHELP)\b",
    re.I | re.M,
)
_REQUIRES = re.compile(r"#requires\s", re.I)
_REQUIRES_SWITCH = re.compile(r"-(\w+)(?::|\s*)((?:(?!\s-\w)[^\r\n])*)")
_PIPE_NEXT_LINE = re.compile(r"(?:[ \t]*(?:#[^\r\n]*)?\r?\n)*[ \t]*\|(?!\|)")
_STATEMENT_TERMINATORS = frozenset({T_NEWLINE, T_SEMI, T_END_OF_INPUT, T_RCURLY, T_RPAREN})
_ARG_TERMINATORS = frozenset(
    {T_NEWLINE, T_SEMI, T_END_OF_INPUT, T_PIPE, T_RPAREN, T_RCURLY, T_AND_AND, T_OR_OR, T_AMPERSAND}
)
_PRIMARY_START = frozenset(
    {
        T_VARIABLE, T_NUMBER, T_STRING_LITERAL, T_STRING_EXPANDABLE, T_HERE_STRING_LITERAL,
        T_HERE_STRING_EXPANDABLE, T_LPAREN, T_DOLLAR_PAREN, T_AT_PAREN, T_AT_CURLY, T_LCURLY, T_LBRACKET,
    }
)  # fmt: skip
_CAST_OPERAND_OPS = frozenset({"!", "-not", "-bnot", "-split", "-join", "++", "--", ","})


class Parser:
    """Parses `text` (or the region [start, end) of it) into a ScriptBlockAst."""

    def __init__(self, text: str, file: str | None = None, start: int = 0, end: int | None = None, depth: int = 0):
        self.src = text
        self.file = file
        self.tz = Tokenizer(text, start, end)
        self.pos = start
        self.region_start = start
        self.limit = self.tz.end
        # the last token peeked in each mode (see peek)
        self._k0 = self._k1 = -1
        self._t0: Token | None = None
        self._t1: Token | None = None
        self.depth = depth
        ls = [0]  # offsets at which lines start (for the lazy line/column numbers of extents)
        i = text.find("\n")
        while i >= 0:
            ls.append(i + 1)
            i = text.find("\n", i + 1)
        self._ctx = _ExtentContext(text, file, ls)
        self._functions: list[tuple[A.FunctionDefinitionAst, int, int, int]] = []

    # ================================================================== infrastructure
    def ext(self, start: int, end: int) -> A.Extent:
        e = _new_extent(_LazyExtent)
        e.start_offset = start
        e.end_offset = end
        e._c = self._ctx
        return e

    def peek(self, mode: int) -> Token:
        """The token at the current position in the given mode. Scanning is deterministic, so the last token
        peeked in each mode is remembered (_k0/_t0: command mode, _k1/_t1: expression mode; hot paths test these
        inline); a token that both modes scan alike is remembered for both. Anything else is scanned afresh:
        re-peeks after backtracking are rare, and a per-position cache cost more than it saved.
        The tokenizer's regex fast path (Tokenizer.scan) is repeated here inline: one Python call less for
        nine tokens in ten, the parser's commonest operation."""
        pos = self.pos
        if mode:
            if pos == self._k1:
                return self._t1  # type: ignore[return-value]
        elif pos == self._k0:
            return self._t0  # type: ignore[return-value]
        src = self.src
        m = (_FAST_EXPR if mode else _FAST_CMD).match(src, pos, self.limit)
        kind = ""
        if m is not None:
            g = m.lastgroup
            e = m.end()
            s = m.start(g)
            text = src[s:e]
            flags = 0
            if g == "punct":
                kind = _PUNCT_KINDS[text]
                value: object = None
            elif g == "var":
                kind = T_VARIABLE
                value = (text[1:], False)
            elif g == "word":
                kind = T_GENERIC
                value = text
            elif g == "nl":
                kind = T_NEWLINE
                value = None
            elif g == "assign":
                kind = T_ASSIGN
                value = text
                flags = F_OPERATOR
            elif g == "num":
                kind = T_NUMBER
                value = int(text)
            elif g == "param":
                kind = T_PARAMETER
                colon = text[-1] == ":"
                value = (text[1:-1] if colon else text[1:], colon)
            elif g == "dop":
                value = DASH_OPERATORS.get(text[1:].lower())
                if value is not None:
                    kind = T_OPERATOR
                    flags = F_OPERATOR
            elif g == "sop":
                kind = T_OPERATOR
                value = _SYMBOL_OPERATORS[text]
                flags = F_OPERATOR
            elif g == "sq":
                kind = T_STRING_LITERAL
                value = text[1:-1]
            elif g == "dq":
                kind = T_STRING_EXPANDABLE
                value = text[1:-1]
            else:  # "eoi"
                kind = T_END_OF_INPUT
                value = None
        if kind:
            tok = _new_token(Token)
            tok.kind = kind
            tok.start = s
            tok.end = e
            tok.text = text
            tok.value = value
            tok.flags = flags
            tok.ws_before = s > pos or s == 0
        else:
            tok = self.tz.scan_slow(pos, mode)
            kind = tok.kind
            if kind is T_ERROR and tok.flags & F_INCOMPLETE:
                at = tok.value if type(tok.value) is int else tok.start
                self.fail(tok.error_id or "UnexpectedToken", at, max(at, tok.start if at != tok.start else tok.end),
                          incomplete=self.at_real_end(tok.end))  # fmt: skip
        if kind in _MODE_INVARIANT or (not mode and kind in _CMD_TO_EXPR_INVARIANT):
            self._k0 = self._k1 = pos  # the other mode would scan the same token here
            self._t0 = self._t1 = tok
        elif mode:
            self._k1 = pos
            self._t1 = tok
        else:
            self._k0 = pos
            self._t0 = tok
        return tok

    def advance(self, tok: Token) -> Token:
        self.pos = tok.end
        return tok

    def set_pos(self, pos: int) -> None:
        self.pos = pos

    def skip_newlines(self, mode: int = CMD) -> None:
        while True:
            p = self.pos
            if mode:
                t = self._t1 if p == self._k1 else self.peek(EXPR)
            else:
                t = self._t0 if p == self._k0 else self.peek(CMD)
            if t.kind is not T_NEWLINE:
                return
            self.pos = t.end

    def at_real_end(self, pos: int) -> bool:
        return self.limit == len(self.src) and pos >= self.limit

    def is_eof(self, tok: Token) -> bool:
        return tok.kind == T_END_OF_INPUT

    def fail(self, error_id: str, start: int, end: int | None = None, incomplete: bool = False, message: str = "") -> None:
        if end is None:
            end = start
        extent = self.ext(start, end)
        raise ParseError(error_id, message or _MESSAGES.get(error_id, error_id), extent, incomplete_input=incomplete)

    def fail_at(self, error_id: str, tok: Token, after: int | None = None) -> None:
        """Report at `after` (an offset) or at tok; incomplete when tok is the end of input."""
        incomplete = tok.kind == T_END_OF_INPUT and self.at_real_end(tok.start)
        if after is not None:
            self.fail(error_id, after, after, incomplete)
        self.fail(error_id, tok.start, tok.end, incomplete)

    def unexpected(self, tok: Token) -> None:
        if tok.kind == T_ERROR:
            if type(tok.value) is int:  # an error inside the token, e.g. a bad `u{...} escape
                self.fail(tok.error_id or "UnexpectedToken", tok.value, tok.value, bool(tok.flags & F_INCOMPLETE))
            self.fail(tok.error_id or "UnexpectedToken", tok.start, tok.end, bool(tok.flags & F_INCOMPLETE))
        if tok.kind == T_END_OF_INPUT:
            self.fail("UnexpectedToken", tok.start, tok.end, self.at_real_end(tok.start))
        self.fail("UnexpectedToken", tok.start, tok.end, False, f"Unexpected token '{tok.text}' in expression or statement.")

    def enter(self, pos: int) -> None:
        """Called (after the caller incremented depth) when the nesting limit is exceeded."""
        if self.depth > MAX_DEPTH:
            self.fail("ScriptTooDeeplyNested", pos, pos, False, "The script is nested too deeply to parse.")

    # ================================================================== script blocks
    def parse_script(self) -> A.ScriptBlockAst:
        # The tree has no reference cycles; pausing the cyclic GC avoids long collections triggered by
        # the many small allocations of a big parse (it roughly halves the time of a 5,000-line script).
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._parse_script()
        finally:
            if gc_was_enabled:
                gc.enable()

    def _parse_script(self) -> A.ScriptBlockAst:
        try:
            sb = self._script_block_body(self.region_start, T_END_OF_INPUT)
            t = self.peek(CMD)
            if t.kind != T_END_OF_INPUT:
                self.unexpected(t)
        except ParseError as e:
            if not e.incomplete_input and self.region_start == 0 and self.limit == len(self.src):
                _mark_open_construct(self, e)
            raise
        except RecursionError:
            pos = self.pos
            raise ParseError(
                "ScriptTooDeeplyNested", "The script is nested too deeply to parse.", self.ext(pos, pos)
            ) from None
        sb.extent = self.ext(self.region_start, self.limit)
        self._attach_comments(sb)
        return sb

    def _script_block_body(self, start: int, closing: str) -> A.ScriptBlockAst:
        """Param block, then named blocks or a statement list, up to (not including) `closing`."""
        self.skip_newlines_and_semis()
        param_block: A.ParamBlockAst | None = None
        t = self.peek(CMD)
        attrs: list[A.AttributeBaseAst] = []
        if t.kind == T_LBRACKET:
            save = self.pos
            try:
                while True:
                    t = self.peek(CMD)
                    if t.kind != T_LBRACKET:
                        break
                    attrs.append(self._attribute(t))
                    self.skip_newlines()
                t = self.peek(CMD)
                if not (t.kind == T_GENERIC and t.text.lower() == "param"):
                    raise ParseError("x", "x", self.ext(0, 0))
            except ParseError:
                attrs = []
                self.set_pos(save)
                t = self.peek(CMD)
        if t.kind == T_GENERIC and t.text.lower() == "param":
            save = self.pos
            self.pos = t.end
            self.skip_newlines()
            lp = self.peek(CMD)
            if lp.kind == T_LPAREN:
                params = self._parameter_list(lp)
                rp_end = self.pos
                param_block = _mk_param_block(
                    self.ext(attrs[0].extent.start_offset if attrs else t.start, rp_end),
                    [a for a in attrs if isinstance(a, A.AttributeAst)],
                    params,
                )
                self.skip_newlines_and_semis()
            else:
                self.set_pos(save)
        sb = _mk_script_block(self.ext(start, start), param_block)
        t = self.peek(CMD)
        if t.kind == T_GENERIC and t.text.lower() in _BLOCK_NAMES:
            self._named_blocks(sb, closing)
        else:
            body_start = t.start
            stmts, traps = self._statement_list(closing)
            end = self.pos
            if stmts:
                body_start = min(body_start, stmts[0].extent.start_offset)
                end = stmts[-1].extent.end_offset
            if traps:
                body_start = min(body_start, traps[0].extent.start_offset)
                end = max(end, traps[-1].extent.end_offset)
            if end < body_start:
                end = body_start
            sb.end_block = _mk_named_block(self.ext(body_start, end), "end", stmts, traps, True)
        return sb

    def skip_newlines_and_semis(self) -> None:
        while True:
            p = self.pos
            t = self._t0 if p == self._k0 else self.peek(CMD)
            if t.kind not in (T_NEWLINE, T_SEMI):
                return
            self.pos = t.end

    def _named_blocks(self, sb: A.ScriptBlockAst, closing: str) -> None:
        while True:
            self.skip_newlines_and_semis()
            t = self.peek(CMD)
            if t.kind == closing or t.kind == T_END_OF_INPUT:
                return
            if not (t.kind == T_GENERIC and t.text.lower() in _BLOCK_NAMES):
                self.unexpected(t)
            name = t.text.lower()
            self.pos = t.end
            self.skip_newlines()
            lc = self.peek(CMD)
            if lc.kind != T_LCURLY:
                self.fail_at("MissingNamedStatementBlock", lc, after=t.end)
            block = self._statement_block(lc)
            nb = _mk_named_block_2(self.ext(t.start, block.extent.end_offset), name, block.statements, block.traps)  # fmt: skip
            if name == "begin":
                sb.begin_block = nb
            elif name == "process":
                sb.process_block = nb
            elif name == "end":
                sb.end_block = nb
            else:
                sb.dynamicparam_block = nb

    def _statement_list(self, closing: str) -> tuple[list[A.StatementAst], list[A.TrapStatementAst]]:
        stmts: list[A.StatementAst] = []
        traps: list[A.TrapStatementAst] = []
        while True:
            p = self.pos
            t = self._t0 if p == self._k0 else self.peek(CMD)
            k = t.kind
            if k is T_NEWLINE or k is T_SEMI:
                self.pos = t.end
                continue
            if k == closing or k is T_END_OF_INPUT:
                break
            if k is T_RCURLY or k is T_RPAREN:
                self.unexpected(t)
            s = self._statement(t)
            if type(s) is A.TrapStatementAst:
                traps.append(s)
            else:
                stmts.append(s)
            p = self.pos
            t = self._t0 if p == self._k0 else self.peek(CMD)
            k = t.kind
            if k is not T_NEWLINE and k is not T_SEMI and k != closing and k is not T_END_OF_INPUT:
                self.unexpected(t)
        return stmts, traps

    def _statement_block(self, lc: Token) -> A.StatementBlockAst:
        """lc is the peeked '{'."""
        self.pos = lc.end
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.enter(lc.start)
        stmts, traps = self._statement_list(T_RCURLY)
        p = self.pos
        rc = self._t0 if p == self._k0 else self.peek(CMD)
        if rc.kind != T_RCURLY:
            self.fail("MissingEndCurlyBrace", lc.start, lc.end, self.at_real_end(rc.start))
        self.pos = rc.end
        self.depth -= 1
        return _mk_block(self.ext(lc.start, rc.end), stmts, traps)

    def _block_after(self, error_id: str, after: int) -> A.StatementBlockAst:
        """Skip newlines, then a statement block is required."""
        self.skip_newlines()
        p = self.pos
        lc = self._t0 if p == self._k0 else self.peek(CMD)
        if lc.kind != T_LCURLY:
            self.fail_at(error_id, lc, after=after)
        return self._statement_block(lc)

    # ================================================================== statements
    def _statement(self, t: Token | None = None) -> A.StatementAst:
        """A statement; t, when given, is the token peeked in command mode at the current position."""
        if t is None:
            t = self.peek(CMD)
        k = t.kind
        if k is T_GENERIC:
            if t.value is not None:
                text = t.text
                if "-" not in text:  # no keyword or label contains a dash (`Write-Host` is the common case)
                    word = text.lower()
                    if word[0] == ":" and _LABEL.match(word):
                        return self._labeled(t)
                    handler = _KEYWORD_HANDLERS.get(word)
                    if handler is not None:
                        return handler(self, t)
        elif k is T_LBRACKET:
            td = self._attributed_type_definition(t)
            if td is not None:
                return td
        left = self._pipeline(t)
        p = self.pos
        t = self._t0 if p == self._k0 else self.peek(CMD)
        k = t.kind
        if k is not T_AND_AND and k is not T_OR_OR and k is not T_AMPERSAND:
            return left  # the common case: no `&&`, `||` or `&` after the pipeline
        return self._pipeline_chain_rest(left)

    def _attributed_type_definition(self, lb: Token) -> A.StatementAst | None:
        """`[Flags()] enum X {...}`: attributes, then class/enum; None (nothing consumed) otherwise."""
        p = lb.start + 1
        r = self.tz.scan_type_name(p)
        if r is None:
            return None
        q = r[1]
        if q >= self.limit or self.src[q] != "(":
            return None  # `[int]$x` and the like: an expression
        save = self.pos
        try:
            attrs = []
            t = lb
            while t.kind == T_LBRACKET:
                a = self._attribute(t)
                if not isinstance(a, A.AttributeAst):
                    raise ParseError("x", "x", self.ext(0, 0))
                attrs.append(a)
                self.skip_newlines()
                t = self.peek(CMD)
        except ParseError:
            self.pos = save
            return None
        if t.kind == T_GENERIC and t.text.lower() in ("class", "enum"):
            return self._type_definition(t, attrs)
        self.pos = save
        return None

    def _labeled(self, label_tok: Token) -> A.StatementAst:
        self.pos = label_tok.end
        t = self.peek(CMD)
        if t.kind == T_GENERIC and t.text.lower() in _LOOP_KEYWORDS:
            return _KEYWORD_HANDLERS[t.text.lower()](self, t, label_tok)
        if t.kind in (T_NEWLINE, T_END_OF_INPUT, T_SEMI):
            self.fail_at("MissingLoopStatement", t, after=label_tok.end)
        self.unexpected(t)
        raise AssertionError  # pragma: no cover

    def _paren_pipeline(self, kw: Token, missing_open: str, missing_expr: str, missing_close: str) -> tuple[A.PipelineBaseAst, Token]:
        """`( pipeline )` after a keyword; returns (pipeline, rparen)."""
        self.skip_newlines()
        lp = self.peek(CMD)
        if lp.kind != T_LPAREN:
            self.fail_at(missing_open, lp, after=kw.end)
        self.pos = lp.end
        self.skip_newlines()
        cond = self._pipeline_chain_opt()
        if cond is None:
            self.fail_at(missing_expr, self.peek(CMD), after=lp.end)
        assert cond is not None
        self.skip_newlines()
        rp = self.peek(CMD)
        if rp.kind != T_RPAREN:
            self.fail_at(missing_close, rp)
        self.pos = rp.end
        return cond, rp

    def _if(self, kw: Token) -> A.StatementAst:
        self.pos = kw.end
        clauses: list[tuple[A.PipelineBaseAst, A.StatementBlockAst]] = []
        else_clause = None
        keyword = kw
        while True:
            self.skip_newlines()
            lp = self.peek(CMD)
            if lp.kind != T_LPAREN:
                self.fail_at("MissingOpenParenthesisInIfStatement", lp, after=keyword.end)
            self.pos = lp.end
            self.skip_newlines()
            cond = self._pipeline_chain_opt()
            if cond is None:
                self.fail_at("IfStatementMissingCondition", self.peek(CMD), after=lp.end)
            assert cond is not None
            self.skip_newlines()
            rp = self.peek(CMD)
            if rp.kind != T_RPAREN:
                self.fail_at("MissingEndParenthesisAfterStatement", rp)
            self.pos = rp.end
            body = self._block_after("MissingStatementBlock", rp.end)
            clauses.append((cond, body))
            save = self.pos
            self.skip_newlines()
            t = self.peek(CMD)
            word = t.text.lower() if t.kind == T_GENERIC else ""
            if word == "elseif":
                self.pos = t.end
                keyword = t
                continue
            if word == "else":
                self.pos = t.end
                else_clause = self._block_after("MissingStatementBlockAfterElse", t.end)
            else:
                self.set_pos(save)
            break
        end = else_clause.extent.end_offset if else_clause else clauses[-1][1].extent.end_offset
        return _mk_if_statement(self.ext(kw.start, end), clauses, else_clause)

    def _foreach(self, kw: Token, label: Token | None = None) -> A.StatementAst:
        self.pos = kw.end
        self.skip_newlines()
        t = self.peek(CMD)
        # `foreach -parallel` (workflow only) is not supported; options are ignored
        lp = t
        if lp.kind != T_LPAREN:
            self.fail_at("MissingOpenParenthesisAfterKeyword", lp, after=kw.end)
        self.pos = lp.end
        self.skip_newlines()
        v = self.peek(EXPR)
        if v.kind == T_SPLATTED_VARIABLE:
            self.fail("SplattingNotPermitted", v.start, v.end)
        if v.kind != T_VARIABLE:
            self.fail_at("MissingVariableNameAfterForeach", v, after=lp.end)
        self.pos = v.end
        var = self._variable(v)
        self.skip_newlines()
        i = self.peek(CMD)
        if not (i.kind == T_GENERIC and i.text.lower() == "in"):
            self.fail_at("MissingInInForeach", i, after=v.end)
        self.pos = i.end
        self.skip_newlines()
        cond = self._pipeline_chain_opt()
        if cond is None:
            self.fail_at("MissingForeachExpression", self.peek(CMD), after=i.end)
        assert cond is not None
        self.skip_newlines()
        rp = self.peek(CMD)
        if rp.kind != T_RPAREN:
            self.fail_at("MissingEndParenthesisAfterForeach", rp, after=cond.extent.end_offset)
        self.pos = rp.end
        body = self._block_after("MissingForeachStatement", rp.end)
        start = label.start if label else kw.start
        return _mk_for_each_statement(self.ext(start, body.extent.end_offset), _label(label), var, cond, body)  # fmt: skip

    def _for(self, kw: Token, label: Token | None = None) -> A.StatementAst:
        self.pos = kw.end
        self.skip_newlines()
        lp = self.peek(CMD)
        if lp.kind != T_LPAREN:
            self.fail_at("MissingOpenParenthesisAfterKeyword", lp, after=kw.end)
        self.pos = lp.end
        self.skip_newlines()
        init = self._pipeline_chain_opt()
        parts: list[A.PipelineBaseAst | None] = [init]
        for _ in range(2):
            t = self.peek(CMD)
            if t.kind == T_SEMI:
                self.pos = t.end
            self.skip_newlines()
            parts.append(self._pipeline_chain_opt())
        self.skip_newlines()
        rp = self.peek(CMD)
        if rp.kind != T_RPAREN:
            self.fail_at("MissingEndParenthesisAfterStatement", rp)
        self.pos = rp.end
        body = self._block_after("MissingLoopStatement", rp.end)
        start = label.start if label else kw.start
        return A.ForStatementAst(extent=self.ext(start, body.extent.end_offset), label=_label(label),
                                 initializer=parts[0], condition=parts[1], iterator=parts[2], body=body)  # fmt: skip

    def _while(self, kw: Token, label: Token | None = None) -> A.StatementAst:
        self.pos = kw.end
        cond, rp = self._paren_pipeline(kw, "MissingOpenParenthesisAfterKeyword", "MissingExpressionAfterKeyword",
                                        "MissingEndParenthesisAfterStatement")  # fmt: skip
        body = self._block_after("MissingLoopStatement", rp.end)
        start = label.start if label else kw.start
        return A.WhileStatementAst(extent=self.ext(start, body.extent.end_offset), label=_label(label),
                                   condition=cond, body=body)  # fmt: skip

    def _do(self, kw: Token, label: Token | None = None) -> A.StatementAst:
        self.pos = kw.end
        body = self._block_after("MissingLoopStatement", kw.end)
        self.skip_newlines()
        t = self.peek(CMD)
        word = t.text.lower() if t.kind == T_GENERIC else ""
        if word not in ("while", "until"):
            self.fail_at("MissingWhileOrUntilInDoWhile", t, after=body.extent.end_offset)
        self.pos = t.end
        cond, rp = self._paren_pipeline(t, "MissingOpenParenthesisAfterKeyword", "MissingExpressionAfterKeyword",
                                        "MissingEndParenthesisAfterStatement")  # fmt: skip
        start = label.start if label else kw.start
        cls = A.DoWhileStatementAst if word == "while" else A.DoUntilStatementAst
        return cls(extent=self.ext(start, rp.end), label=_label(label), condition=cond, body=body)

    def _switch(self, kw: Token, label: Token | None = None) -> A.StatementAst:
        self.pos = kw.end
        self.skip_newlines()
        flags: list[str] = []
        file_path = None
        last_end = kw.end
        while True:
            t = self.peek(CMD)
            if t.kind != T_PARAMETER:
                break
            self.pos = t.end
            last_end = t.end
            name = t.value[0].lower()  # type: ignore[index]
            matched = next((f for f in ("regex", "wildcard", "exact", "casesensitive", "parallel", "file")
                            if f.startswith(name)), None)  # fmt: skip
            if matched is None:
                self.fail("InvalidSwitchFlag", t.start, t.end)
            assert matched is not None
            if matched in ("regex", "wildcard", "exact"):
                flags = [f for f in flags if f not in ("regex", "wildcard", "exact")]
            if matched not in flags:
                flags.append(matched)
            if matched == "file":
                self.skip_newlines()
                file_path = self._command_argument()
                if file_path is None:
                    self.fail_at("MissingFilenameOption", self.peek(CMD), after=t.end)
                assert file_path is not None
                last_end = file_path.extent.end_offset
        condition: A.PipelineBaseAst | None = None
        lp = self.peek(CMD)
        if lp.kind == T_LPAREN:
            if file_path is not None:
                self.fail("PipelineValueRequired", lp.start, lp.end)
            self.pos = lp.end
            self.skip_newlines()
            condition = self._pipeline_chain_opt()
            if condition is None:
                self.fail_at("PipelineValueRequired", self.peek(CMD), after=lp.end)
            assert condition is not None
            self.skip_newlines()
            rp = self.peek(CMD)
            if rp.kind != T_RPAREN:
                self.fail_at("MissingEndParenthesisInSwitchStatement", rp, after=condition.extent.end_offset)
            self.pos = rp.end
            last_end = rp.end
        elif file_path is None:
            self.fail_at("PipelineValueRequired", lp, after=last_end)
        self.skip_newlines()
        lc = self.peek(CMD)
        if lc.kind != T_LCURLY:
            self.fail_at("MissingCurlyBraceInSwitchStatement", lc, after=last_end)
        self.pos = lc.end
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.enter(lc.start)
        clauses: list[tuple[A.ExpressionAst, A.StatementBlockAst]] = []
        default = None
        last_end = lc.end
        while True:
            self.skip_newlines_and_semis()
            t = self.peek(CMD)
            if t.kind == T_RCURLY:
                self.pos = t.end
                break
            if t.kind == T_GENERIC and t.text.lower() == "default":
                self.pos = t.end
                cond_end = t.end
                is_default = True
                cond_expr: A.ExpressionAst | None = None
            else:
                cond_expr = self._command_argument()
                if cond_expr is None:
                    self.fail_at("MissingSwitchConditionExpression", t, after=last_end)
                assert cond_expr is not None
                cond_end = cond_expr.extent.end_offset
                is_default = False
            self.skip_newlines()
            b = self.peek(CMD)
            if b.kind != T_LCURLY:
                self.fail_at("MissingSwitchStatementClause", b, after=cond_end)
            body = self._statement_block(b)
            last_end = body.extent.end_offset
            if is_default:
                if default is not None:
                    self.fail("MultipleSwitchDefaultClauses", t.start, t.end)
                default = body
            else:
                assert cond_expr is not None
                clauses.append((cond_expr, body))
        self.depth -= 1
        start = label.start if label else kw.start
        return A.SwitchStatementAst(extent=self.ext(start, self.pos), label=_label(label), condition=condition,
                                    flags=flags, file_path=file_path, clauses=clauses, default=default)  # fmt: skip

    def _try(self, kw: Token) -> A.StatementAst:
        self.pos = kw.end
        body = self._block_after("MissingTryStatementBlock", kw.end)
        catches: list[A.CatchClauseAst] = []
        fin = None
        last_end = body.extent.end_offset
        while True:
            save = self.pos
            self.skip_newlines()
            t = self.peek(CMD)
            word = t.text.lower() if t.kind == T_GENERIC else ""
            if word == "catch":
                self.pos = t.end
                types: list[A.TypeConstraintAst] = []
                after = t.end
                while True:
                    self.skip_newlines()
                    lb = self.peek(CMD)
                    if lb.kind != T_LBRACKET:
                        if types:
                            self.fail_at("MissingTypeLiteralToken", lb, after=after)
                        break
                    tc = self._type_constraint(lb)
                    types.append(tc)
                    after = tc.extent.end_offset
                    self.skip_newlines()
                    c = self.peek(CMD)
                    if c.kind != T_COMMA:
                        break
                    self.pos = c.end
                    after = c.end
                    lb2 = self.tz.skip_trivia(self.pos)
                    if lb2 >= self.limit or self.src[lb2] != "[":
                        self.skip_newlines()
                        lb = self.peek(CMD)
                        if lb.kind != T_LBRACKET:
                            self.fail_at("MissingTypeLiteralToken", lb, after=after)
                cbody = self._block_after("MissingCatchHandlerBlock", after)
                catches.append(A.CatchClauseAst(extent=self.ext(t.start, cbody.extent.end_offset), catch_types=types,
                                                body=cbody))  # fmt: skip
                last_end = cbody.extent.end_offset
                continue
            if word == "finally":
                self.pos = t.end
                fin = self._block_after("MissingFinallyStatementBlock", t.end)
                last_end = fin.extent.end_offset
                break
            self.set_pos(save)
            break
        if not catches and fin is None:
            self.fail_at("MissingCatchOrFinally", self.peek(CMD), after=body.extent.end_offset)
        return A.TryStatementAst(extent=self.ext(kw.start, last_end), body=body, catch_clauses=catches,
                                 finally_clause=fin)  # fmt: skip

    def _trap(self, kw: Token) -> A.StatementAst:
        self.pos = kw.end
        self.skip_newlines()
        t = self.peek(CMD)
        trap_type = None
        after = kw.end
        if t.kind == T_LBRACKET:
            trap_type = self._type_constraint(t)
            after = trap_type.extent.end_offset
        body = self._block_after("MissingTrapStatement", after)
        return A.TrapStatementAst(extent=self.ext(kw.start, body.extent.end_offset), trap_type=trap_type, body=body)

    def _flow_pipeline(self, kw: Token, cls: type) -> A.StatementAst:
        self.pos = kw.end
        t = self.peek(CMD)
        pipeline = None
        if t.kind not in _ARG_TERMINATORS:
            pipeline = self._pipeline_chain()
        end = pipeline.extent.end_offset if pipeline is not None else kw.end
        return cls(extent=self.ext(kw.start, end), pipeline=pipeline)  # type: ignore[no-any-return]

    def _throw(self, kw: Token) -> A.StatementAst:
        return self._flow_pipeline(kw, A.ThrowStatementAst)

    def _return(self, kw: Token) -> A.StatementAst:
        return self._flow_pipeline(kw, A.ReturnStatementAst)

    def _exit(self, kw: Token) -> A.StatementAst:
        return self._flow_pipeline(kw, A.ExitStatementAst)

    def _break_continue(self, kw: Token, cls: type) -> A.StatementAst:
        self.pos = kw.end
        t = self.peek(CMD)
        label = None
        if t.kind not in _ARG_TERMINATORS:
            label = self._command_argument()
            if label is None:
                self.unexpected(t)
        end = label.extent.end_offset if label is not None else kw.end
        return cls(extent=self.ext(kw.start, end), label=label)  # type: ignore[no-any-return]

    def _break(self, kw: Token) -> A.StatementAst:
        return self._break_continue(kw, A.BreakStatementAst)

    def _continue(self, kw: Token) -> A.StatementAst:
        return self._break_continue(kw, A.ContinueStatementAst)

    def _function(self, kw: Token) -> A.StatementAst:
        self.pos = kw.end
        kind = kw.text.lower()
        self.skip_newlines()
        n = self.peek(CMD)
        if n.kind not in (T_GENERIC, T_NUMBER, T_PARAMETER) or (n.kind == T_GENERIC and n.value is None):
            self.fail_at("MissingNameAfterKeyword", n, after=kw.end)
        self.pos = n.end
        name = n.text if n.kind != T_GENERIC else str(n.value)
        after = n.end
        self.skip_newlines()
        t = self.peek(CMD)
        parameters = None
        if t.kind == T_LPAREN:
            parameters = self._parameter_list(t)
            after = self.pos
            self.skip_newlines()
            t = self.peek(CMD)
        if t.kind != T_LCURLY:
            self.fail_at("MissingFunctionBody", t, after=after)
        body = self._script_block_expr_body(t)
        fd = _mk_function_definition(self.ext(kw.start, body.extent.end_offset), name, kind == "filter", parameters, body)  # fmt: skip
        self._functions.append((fd, kw.start, t.start, body.extent.end_offset))
        return fd

    def _using(self, kw: Token) -> A.StatementAst:
        """`using namespace X` / `using module X` / `using assembly X`; anything else stays a command."""
        save = self.pos
        self.pos = kw.end
        k = self.peek(CMD)
        kind = k.text.lower() if k.kind == T_GENERIC else ""
        if kind not in ("namespace", "module", "assembly"):
            self.pos = save
            return self._pipeline_chain()
        self.pos = k.end
        n = self.peek(CMD)
        if n.kind in _STATEMENT_TERMINATORS:
            self.fail_at("MissingUsingItemName", n, after=k.end)
        arg = self._command_argument()
        if arg is None:
            self.unexpected(n)
        assert arg is not None
        name = arg.value if isinstance(arg, A.StringConstantExpressionAst) else arg.extent.text
        return A.UsingStatementAst(extent=self.ext(kw.start, arg.extent.end_offset), using_kind=kind, name=str(name))

    def _type_definition(self, kw: Token, attributes: list[A.AttributeAst] | None = None) -> A.StatementAst:
        """`class Name [: Base, IFace] { members }` and `enum Name { A; B = 2 }`."""
        is_enum = kw.text.lower() == "enum"
        start = attributes[0].extent.start_offset if attributes else kw.start
        self.pos = kw.end
        n = self.peek(CMD)
        if n.kind != T_GENERIC or n.value is None:
            self.fail_at("MissingNameAfterKeyword", n, after=kw.end)
        self.pos = n.end
        name = str(n.value)
        base_types: list[str] = []
        if name.endswith(":"):  # `class A: B`
            name = name[:-1]
            self.pos = n.end - 1
        p = self.tz.skip_trivia(self.pos)
        if p < self.limit and self.src[p] == ":" and not is_enum:
            p += 1
            while True:
                while p < self.limit and self.src[p] in " \t":
                    p += 1
                r = self.tz.scan_type_name(p)
                if r is None:
                    self.fail("MissingTypename", p, p, self.at_real_end(self.tz.skip_trivia(p)))
                assert r is not None
                base_types.append(r[0])
                p = r[1]
                while p < self.limit and self.src[p] in " \t":
                    p += 1
                if p < self.limit and self.src[p] == ",":
                    p += 1
                    continue
                break
            self.pos = p
        after = self.pos
        self.skip_newlines()
        lc = self.peek(CMD)
        if lc.kind != T_LCURLY:
            self.fail_at("MissingTypeBody", lc, after=after)
        self.pos = lc.end
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.enter(lc.start)
        members: list[A.MemberAst] = []
        while True:
            self.skip_newlines_and_semis()
            t = self.peek(CMD)
            if t.kind == T_RCURLY:
                self.pos = t.end
                break
            if t.kind == T_END_OF_INPUT:
                self.fail("MissingEndCurlyBrace", lc.start, lc.end, self.at_real_end(t.start))
            members.append(self._enum_member(t) if is_enum else self._class_member(t, name))
            t = self.peek(CMD)
            if t.kind not in (T_NEWLINE, T_SEMI, T_RCURLY):
                self.unexpected(t)
        self.depth -= 1
        return A.TypeDefinitionAst(extent=self.ext(start, self.pos), name=name, is_enum=is_enum, base_types=base_types,
                                   attributes=list(attributes or []), members=members)  # fmt: skip

    def _enum_member(self, t: Token) -> A.MemberAst:
        if t.kind != T_GENERIC or t.value is None:
            self.unexpected(t)
        self.pos = t.end
        value = None
        eq = self.peek(EXPR)
        if eq.kind == T_ASSIGN and eq.value == "=":
            self.pos = eq.end
            value = self._expression(False)
            if value is None:
                self.fail_at("ExpectedValueExpression", self.peek(EXPR), after=eq.end)
        end = value.extent.end_offset if value is not None else t.end
        return A.PropertyMemberAst(extent=self.ext(t.start, end), name=t.text, initial_value=value)

    def _class_member(self, t: Token, class_name: str) -> A.MemberAst:
        start = t.start
        attrs: list[A.AttributeBaseAst] = []
        is_static = is_hidden = False
        while True:
            if t.kind == T_LBRACKET:
                attrs.append(self._attribute(t))
            elif t.kind == T_GENERIC and t.text.lower() in ("static", "hidden"):
                self.pos = t.end
                if t.text.lower() == "static":
                    is_static = True
                else:
                    is_hidden = True
            else:
                break
            self.skip_newlines()
            t = self.peek(CMD)
        type_name = next((a.type_name for a in reversed(attrs) if isinstance(a, A.TypeConstraintAst)), None)
        if t.kind == T_VARIABLE or (t.kind == T_GENERIC and t.text.startswith("$")):
            v = self.peek(EXPR)
            if v.kind != T_VARIABLE:
                self.unexpected(v)
            self.pos = v.end
            value = None
            eq = self.peek(EXPR)
            if eq.kind == T_ASSIGN and eq.value == "=":
                self.pos = eq.end
                self.skip_newlines()
                value = self._expression(True)
                if value is None:
                    self.fail_at("ExpectedValueExpression", self.peek(EXPR), after=eq.end)
            end = value.extent.end_offset if value is not None else v.end
            return A.PropertyMemberAst(extent=self.ext(start, end), name=v.value[0], attributes=attrs,  # type: ignore[index]
                                       is_static=is_static, is_hidden=is_hidden, property_type=type_name,
                                       initial_value=value)  # fmt: skip
        if t.kind == T_GENERIC and t.value is not None:
            self.pos = t.end
            lp = self.peek(CMD)
            if lp.kind != T_LPAREN:
                self.fail_at("MissingFunctionBody", lp, after=t.end)
            params = self._parameter_list(lp)
            after = self.pos
            # `: base(...)` after a constructor's parameter list
            p = self.tz.skip_trivia(self.pos)
            if p < self.limit and self.src[p] == ":":
                self.pos = p + 1
                b = self.peek(CMD)
                if b.kind == T_GENERIC:
                    self.pos = b.end
                    lp2 = self.peek(CMD)
                    if lp2.kind == T_LPAREN:
                        self.pos = lp2.end
                        self._call_arguments(lp2.start)
                after = self.pos
            self.skip_newlines()
            lc = self.peek(CMD)
            if lc.kind != T_LCURLY:
                self.fail_at("MissingFunctionBody", lc, after=after)
            body = self._script_block_expr_body(lc)
            ctor = t.text.lower() == class_name.lower()
            return A.FunctionMemberAst(extent=self.ext(start, body.extent.end_offset), name=t.text, attributes=attrs,
                                       is_static=is_static, is_hidden=is_hidden,
                                       return_type=None if ctor else type_name, parameters=params, body=body,
                                       is_constructor=ctor)  # fmt: skip
        self.unexpected(t)
        raise AssertionError  # pragma: no cover

    def _unexpected_keyword(self, kw: Token) -> A.StatementAst:
        self.unexpected(kw)
        raise AssertionError  # pragma: no cover

    # ================================================================== parameters and attributes
    def _parameter_list(self, lp: Token) -> list[A.ParameterAst]:
        """`( [attr] [type] $name = default, ... )`; lp is the peeked '('."""
        self.pos = lp.end
        params: list[A.ParameterAst] = []
        seen: set[str] = set()
        while True:
            self.skip_newlines()
            t = self.peek(CMD)
            if t.kind == T_RPAREN:
                self.pos = t.end
                return params
            attrs: list[A.AttributeBaseAst] = []
            while t.kind == T_LBRACKET:
                attrs.append(self._attribute(t))
                self.skip_newlines()
                t = self.peek(CMD)
            v = self.peek(EXPR)
            if v.kind == T_SPLATTED_VARIABLE:
                self.fail("SplattingNotPermitted", v.start, v.end)
            if v.kind != T_VARIABLE:
                self.fail_at("MissingEndParenthesisInFunctionParameterList", v)
            self.pos = v.end
            var = self._variable(v)
            lname = var.name.lower()
            if lname in seen:
                self.fail("DuplicateFormalParameter", v.start, v.end)
            seen.add(lname)
            default = None
            self.skip_newlines()
            t = self.peek(EXPR)
            if t.kind == T_ASSIGN and t.value == "=":
                self.pos = t.end
                self.skip_newlines()
                default = self._expression(False)
                if default is None:
                    self.fail_at("ExpectedValueExpression", self.peek(EXPR), after=t.end)
                self.skip_newlines()
                t = self.peek(EXPR)
            start = attrs[0].extent.start_offset if attrs else v.start
            end = default.extent.end_offset if default is not None else v.end
            params.append(_mk_parameter(self.ext(start, end), var, attrs, default))  # fmt: skip
            if t.kind == T_COMMA:
                self.pos = t.end
                continue
            if t.kind == T_RPAREN:
                self.pos = t.end
                return params
            self.fail_at("MissingEndParenthesisInFunctionParameterList", t)

    def _scan_type_at(self, lb: Token) -> tuple[str, int]:
        """lb is a '[' token; returns (type name, offset after name and following blanks)."""
        p = lb.start + 1
        while p < self.limit and self.src[p] in " \t":
            p += 1
        r = self.tz.scan_type_name(p)
        if r is None:
            self.fail("MissingTypename", p, p, self.at_real_end(self.tz.skip_trivia(p)))
        assert r is not None
        name, q = r
        while q < self.limit and self.src[q] in " \t":
            q += 1
        return name, q

    def _type_constraint(self, lb: Token) -> A.TypeConstraintAst:
        name, q = self._scan_type_at(lb)
        if q >= self.limit or self.src[q] != "]":
            self.fail("EndSquareBracketExpectedAtEndOfType", q, q, self.at_real_end(q))
        self.set_pos(q + 1)
        return _mk_type_constraint(self.ext(lb.start, q + 1), name)

    def _attribute(self, lb: Token) -> A.AttributeBaseAst:
        """`[type]` or `[Name(args)]`; lb is the peeked '['."""
        name, q = self._scan_type_at(lb)
        if q < self.limit and self.src[q] == "(":
            self.set_pos(q + 1)
            positional: list[A.ExpressionAst] = []
            named: list[A.NamedAttributeArgumentAst] = []
            while True:
                self.skip_newlines()
                t = self.peek(EXPR)
                if t.kind == T_RPAREN:
                    self.pos = t.end
                    break
                if t.kind == T_GENERIC:
                    self.pos = t.end
                    self.skip_newlines()
                    eq = self.peek(EXPR)
                    if eq.kind == T_ASSIGN and eq.value == "=":
                        self.pos = eq.end
                        self.skip_newlines()
                        val = self._expression(False)
                        if val is None:
                            self.fail_at("ExpectedValueExpression", self.peek(EXPR), after=eq.end)
                        assert val is not None
                        named.append(_mk_named_attribute_argument(self.ext(t.start, val.extent.end_offset), t.text, val))  # fmt: skip
                    else:
                        const = _mk_const(self.ext(t.start, t.end), True)
                        named.append(_mk_named_attribute_argument_2(self.ext(t.start, t.end), t.text, const, True))  # fmt: skip
                else:
                    val = self._expression(False)
                    if val is None:
                        self.unexpected(t)
                    assert val is not None
                    positional.append(val)
                self.skip_newlines()
                t = self.peek(EXPR)
                if t.kind == T_COMMA:
                    self.pos = t.end
                    continue
                if t.kind == T_RPAREN:
                    self.pos = t.end
                    break
                self.fail_at("MissingEndParenthesisInExpression", t)
            q = self.pos
            while q < self.limit and self.src[q] in " \t":
                q += 1
            if q >= self.limit or self.src[q] != "]":
                self.fail("EndSquareBracketExpectedAtEndOfAttribute", q, q, self.at_real_end(q))
            self.set_pos(q + 1)
            return _mk_attribute(self.ext(lb.start, q + 1), name, positional, named)  # fmt: skip
        if q >= self.limit or self.src[q] != "]":
            self.fail("EndSquareBracketExpectedAtEndOfAttribute", q, q, self.at_real_end(q))
        self.set_pos(q + 1)
        return _mk_type_constraint(self.ext(lb.start, q + 1), name)

    # ================================================================== pipelines
    def _pipeline_chain_opt(self) -> A.PipelineBaseAst | None:
        p = self.pos
        t = self._t0 if p == self._k0 else self.peek(CMD)
        if t.kind in _STATEMENT_TERMINATORS:
            return None
        return self._pipeline_chain()

    def _statement_opt(self) -> A.StatementAst | None:
        p = self.pos
        t = self._t0 if p == self._k0 else self.peek(CMD)
        if t.kind in _STATEMENT_TERMINATORS:
            return None
        return self._statement(t)

    def _pipeline_chain(self, first: Token | None = None) -> A.PipelineBaseAst:
        left = self._pipeline(first)
        p = self.pos
        t = self._t0 if p == self._k0 else self.peek(CMD)
        k = t.kind
        if k is not T_AND_AND and k is not T_OR_OR and k is not T_AMPERSAND:
            return left
        return self._pipeline_chain_rest(left)

    def _pipeline_chain_rest(self, left: A.PipelineBaseAst) -> A.PipelineBaseAst:
        """`&& pipeline`, `|| pipeline` and a trailing `&` after the first pipeline of a chain."""
        while True:
            t = self.peek(CMD)
            if t.kind != T_AND_AND and t.kind != T_OR_OR:
                break
            if isinstance(left, A.AssignmentStatementAst):
                break
            self.pos = t.end
            self.skip_newlines()
            n = self.peek(CMD)
            if n.kind in _ARG_TERMINATORS:
                self.fail_at("EmptyPipelineChainElement", n, after=t.end)
            right = self._pipeline()
            left = A.PipelineChainAst(extent=self.ext(left.extent.start_offset, right.extent.end_offset), left=left,
                                      operator=t.text, right=right)  # fmt: skip
        t = self.peek(CMD)
        if t.kind == T_AMPERSAND:
            self.pos = t.end
            if isinstance(left, A.PipelineAst):
                left.background = True
                left.extent = self.ext(left.extent.start_offset, t.end)
        return left

    def _element_start(self, t: Token | None = None) -> tuple[Token, int]:
        """Peek the first token of a pipeline element in the right mode. Returns (token, kind) where kind is
        0 = expression, 1 = command, 2 = invocation operator (& or .), 3 = expression whose returned token was
        scanned in command mode. t, when given, is the token peeked in command mode at the current position
        (it starts where the trivia before it ends)."""
        if t is None:
            p = self.pos
            t = self._t0 if p == self._k0 else self.peek(CMD)
        p = t.start
        src = self.src
        limit = self.limit
        c = src[p] if p < limit else ""
        n = src[p + 1] if p + 1 < limit else ""
        if c in "$@([{!+,'\"0123456789\u2018\u2019\u201a\u201b\u201c\u201d\u201e" and c:
            if c in "0123456789":
                e = self.peek(EXPR)
                if e.kind == T_GENERIC:  # `7z.exe a x.zip`: a command whose name starts with a digit
                    return t, 1
                return e, 0
            if t.kind in _SAME_IN_BOTH_MODES:  # the expression-mode scan is this very token
                return t, 0
            return self.peek(EXPR), 0
        if c in "-\u2013\u2014\u2015" and c:
            if t.kind == T_PARAMETER and t.value[0].lower() not in _UNARY_DASH_WORDS:  # type: ignore[index]
                return t, 1
            if t.kind == T_GENERIC and n not in "-= \t$(." and n and not n.isdigit():
                return t, 1
            return self.peek(EXPR), 0
        if c == "." and n.isdigit():
            return self.peek(EXPR), 0
        if t.kind == T_AMPERSAND or t.kind == T_DOT:
            return t, 2
        if t.kind == T_GENERIC:
            return t, 1
        return t, 3

    def _pipeline(self, first: Token | None = None) -> A.PipelineBaseAst:
        if first is not None and first.kind is T_VARIABLE:
            t = first  # what _element_start would answer: an expression (`$x = ...`, `$x.Method()`)
            kind = 0
        else:
            t, kind = self._element_start(first)
        start = t.start
        if t.kind == T_PIPE:
            self.fail("EmptyPipeElement", t.start, t.end)
        elements: list[A.CommandBaseAst] = []
        if kind == 0 or kind == 3:
            if t.kind not in _PRIMARY_START and not (t.kind == T_OPERATOR and t.value[0] in UNARY_OPERATORS) \
                    and t.kind != T_COMMA:  # fmt: skip
                self.unexpected(t)
            expr = self._expression(True, t if kind == 0 else None)
            if expr is None:
                self.unexpected(t)
            assert expr is not None
            p = self.pos
            a = self._t1 if p == self._k1 else self.peek(EXPR)
            if a.kind is T_ASSIGN:
                op = a.value  # always a str for assignment tokens
                if type(expr) is not A.VariableExpressionAst or expr.splatted:  # `$x = ...` needs no check
                    self._check_lhs(expr, op)  # type: ignore[arg-type]
                self.pos = a.end
                self.skip_newlines()
                right = self._statement_opt()
                if right is None:
                    self.fail_at("ExpectedValueExpression", self.peek(CMD), after=a.end)
                assert right is not None
                return _mk_assign(self.ext(start, right.extent.end_offset), expr, op, right)  # fmt: skip
            el: A.CommandBaseAst = _mk_cmdexpr(expr.extent, expr)
            ak = a.kind
            if ak is T_SEMI or ak is T_RCURLY or ak is T_RPAREN or ak is T_END_OF_INPUT or (
                ak is T_NEWLINE and _PIPE_NEXT_LINE.match(self.src, a.end, self.limit) is None
            ):
                # fast path: a lone expression statement
                return _mk_pipeline(expr.extent, [el])
            if ak is T_REDIRECTION:
                self._redirections(el, EXPR)
        else:
            el = self._command(t, kind == 2)
        elements.append(el)
        while True:
            p = self.pos
            t = self._t0 if p == self._k0 else self.peek(CMD)
            if t.kind == T_NEWLINE:
                m = _PIPE_NEXT_LINE.match(self.src, t.end, self.limit)
                if m is None:
                    break
                self.set_pos(m.end() - 1)
                t = self.peek(CMD)
            if t.kind != T_PIPE:
                break
            self.pos = t.end
            self.skip_newlines()
            n, nk = self._element_start()
            if nk != 2 and n.kind in _ARG_TERMINATORS:
                self.fail_at("EmptyPipeElement", n, after=t.end)
            if nk == 0 or nk == 3:
                self.fail("ExpressionsMustBeFirstInPipeline", n.start, n.end)
            elements.append(self._command(n, nk == 2))
        return _mk_pipeline(self.ext(start, elements[-1].extent.end_offset), elements)

    def _check_lhs(self, expr: A.ExpressionAst, op: str) -> None:
        ok = _valid_lhs(expr, allow_array=(op == "="))
        if not ok:
            s = expr.extent.start_offset
            self.fail("InvalidLeftHandSide", s, expr.extent.end_offset)

    def _redirections(self, el: A.CommandBaseAst, mode: int) -> None:
        while True:
            t = self.peek(mode)
            if t.kind != T_REDIRECTION:
                return
            self._redirection(el, t)

    def _redirection(self, el: A.CommandBaseAst, t: Token) -> None:
        self.pos = t.end
        frm, arrow, to = t.value  # type: ignore[misc]
        from_stream = STREAM_NAMES.get(frm, "Output")
        if to:
            el.redirections.append(A.MergingRedirectionAst(extent=self.ext(t.start, t.end), from_stream=from_stream,
                                                           to_stream=STREAM_NAMES.get(to, "Output")))  # fmt: skip
        else:
            target = self._command_argument()
            if target is None:
                self.fail_at("MissingFileSpecification", self.peek(CMD), after=t.end)
            assert target is not None
            el.redirections.append(A.FileRedirectionAst(extent=self.ext(t.start, target.extent.end_offset),
                                                        from_stream=from_stream, location=target,
                                                        append=arrow == ">>"))  # fmt: skip
        el.extent = self.ext(el.extent.start_offset, self.pos)

    # ================================================================== commands
    def _command(self, first: Token, invocation: bool) -> A.CommandAst:
        elements: list[A.CommandElementAst] = []
        op = None
        start = first.start
        if invocation:
            self.pos = first.end
            op = "&" if first.kind == T_AMPERSAND else "."
            t = self.peek(CMD)
            name = self._command_argument()
            if name is None:
                self.fail_at("MissingExpression", t, after=first.end)
            assert name is not None
            elements.append(name)
        else:
            self.pos = first.end
            elements.append(self._bareword(first))
        cmd = _mk_command(self.ext(start, start), elements, op)
        while True:
            p = self.pos
            t = self._t0 if p == self._k0 else self.peek(CMD)
            k = t.kind
            if k in _ARG_TERMINATORS:
                break
            if k == T_REDIRECTION:
                self._redirection(cmd, t)
                continue
            if k == T_PARAMETER:
                self.pos = t.end
                pname, colon = t.value  # type: ignore[misc]
                arg = None
                if colon:
                    arg = self._argument_with_commas()
                    if arg is None:
                        self.fail("ParameterRequiresArgument", t.end, t.end)
                end = arg.extent.end_offset if arg is not None else t.end
                elements.append(_mk_param(self.ext(t.start, end), pname, arg, colon))  # fmt: skip
                continue
            if k == T_STOP_PARSING:
                self.pos = t.end
                elements.append(_mk_str(self.ext(t.start, t.end), t.value, "Verbatim"))  # fmt: skip
                continue
            if k == T_COMMA:
                # unary comma in argument mode: `Write-Output ,$list`
                self.pos = t.end
                child = self._command_argument()
                if child is None:
                    self.fail("MissingArgument", t.start, t.end)
                assert child is not None
                elements.append(_mk_unary_expression(self.ext(t.start, child.extent.end_offset), ",", child))  # fmt: skip
                continue
            arg = self._argument_with_commas()
            if arg is None:
                self.unexpected(t)
            assert arg is not None
            elements.append(arg)
        end = cmd.redirections[-1].extent.end_offset if cmd.redirections else 0
        cmd.extent = self.ext(start, max(elements[-1].extent.end_offset, end))
        return cmd

    def _bareword(self, t: Token) -> A.ExpressionAst:
        if t.value is None:
            end, _, parts, value = self.tz.scan_expandable(t.start, t.end, quoted=False)
            if parts is None:
                return _mk_str(self.ext(t.start, t.end), value, "BareWord")  # fmt: skip
            return _mk_expandable_string_expression(self.ext(t.start, t.end), t.text, "BareWord", self._parts(parts))  # fmt: skip
        return _mk_str(self.ext(t.start, t.end), t.value, "BareWord")

    def _argument_with_commas(self) -> A.ExpressionAst | None:
        first = self._command_argument()
        if first is None:
            return None
        p = self.pos
        t = self._t0 if p == self._k0 else self.peek(CMD)
        if t.kind is not T_COMMA:
            return first
        items = [first]
        while t.kind == T_COMMA:
            self.pos = t.end
            self.skip_newlines()
            nxt = self._command_argument()
            if nxt is None:
                self.fail_at("MissingExpression", self.peek(CMD), after=t.end)
            assert nxt is not None
            items.append(nxt)
            t = self.peek(CMD)
        return _mk_array_literal(self.ext(first.extent.start_offset, items[-1].extent.end_offset), items)  # fmt: skip

    def _command_argument(self) -> A.ExpressionAst | None:
        """One argument in argument mode, or None when the next token cannot be one."""
        p = self.pos
        t = self._t0 if p == self._k0 else self.peek(CMD)
        k = t.kind
        if k is T_GENERIC:
            self.pos = t.end
            return self._bareword(t)
        if k == T_NUMBER:
            self.pos = t.end
            return _mk_const(self.ext(t.start, t.end), t.value)
        if k == T_LBRACKET or k == T_DOT:
            g = self.tz._scan_generic(t.start)
            self.pos = g.end
            return self._bareword(g)
        if k == T_SPLATTED_VARIABLE:
            self.pos = t.end
            return A.VariableExpressionAst(extent=self.ext(t.start, t.end), name=str(t.value), splatted=True)
        if k == T_ERROR:
            self.unexpected(t)
        if k in _PRIMARY_START:
            self.depth += 1
            if self.depth > MAX_DEPTH:
                self.enter(t.start)
            e = self._primary_from(t)
            e = self._postfix(e, CMD)
            self.depth -= 1
            return e
        return None

    # ================================================================== expressions
    def _expression(self, comma: bool, t: Token | None = None) -> A.ExpressionAst | None:
        """ternary-expression (PS7) over binary expressions; None when no expression starts here.
        t, when given, is the token peeked in expression mode at the current position."""
        if t is None:
            p = self.pos
            t = self._t1 if p == self._k1 else self.peek(EXPR)
        k = t.kind
        if k not in _PRIMARY_START and k is not T_COMMA and (k is not T_OPERATOR or t.value[0] not in UNARY_OPERATORS):  # type: ignore[index]
            return None
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.enter(t.start)
        cond = self._binary(1, comma, t)
        p = self.pos
        q = self._t1 if p == self._k1 else self.peek(EXPR)
        if q.kind is T_QUESTION_MARK:
            self.pos = q.end
            self.skip_newlines(EXPR)
            if_true = self._expression(comma)
            if if_true is None:
                self.fail_at("ExpectedValueExpression", self.peek(EXPR), after=q.end)
            assert if_true is not None
            self.skip_newlines(EXPR)
            c = self.peek(EXPR)
            if c.kind != T_COLON:
                self.fail_at("MissingColonInTernaryExpression", c)
            self.pos = c.end
            self.skip_newlines(EXPR)
            if_false = self._expression(comma)
            if if_false is None:
                self.fail_at("ExpectedValueExpression", self.peek(EXPR), after=c.end)
            assert if_false is not None
            cond = A.TernaryExpressionAst(extent=self.ext(cond.extent.start_offset, if_false.extent.end_offset),
                                          condition=cond, if_true=if_true, if_false=if_false)  # fmt: skip
        self.depth -= 1
        return cond

    def _can_start_expression(self, t: Token) -> bool:
        k = t.kind
        if k in _PRIMARY_START or k == T_COMMA:
            return True
        if k == T_OPERATOR:
            return t.value[0] in UNARY_OPERATORS  # type: ignore[index]
        return False

    def _binary(self, min_prec: int, comma: bool, first: Token | None = None) -> A.ExpressionAst:
        """Precedence climbing over binary operators; first, when given, is the peeked first token."""
        left = self._unary(first)
        if comma:
            p = self.pos
            t = self._t1 if p == self._k1 else self.peek(EXPR)
            if t.kind is T_COMMA:
                left = self._array_rest(left, t)
        while True:
            p = self.pos
            t = self._t1 if p == self._k1 else self.peek(EXPR)
            if t.kind is not T_OPERATOR:
                return left
            op, prec = t.value  # type: ignore[misc]
            if prec < min_prec or prec == 0:
                return left
            self.pos = t.end
            self.skip_newlines(EXPR)
            p = self.pos
            n = self._t1 if p == self._k1 else self.peek(EXPR)
            nk = n.kind
            if nk not in _PRIMARY_START and nk is not T_COMMA and (nk is not T_OPERATOR or n.value[0] not in UNARY_OPERATORS):  # type: ignore[index]
                self.fail_at("ExpectedValueExpression", n, after=t.end)
            right = self._binary(prec + 1, comma, n)
            left = _mk_binary(self.ext(left.extent.start_offset, right.extent.end_offset), left, op, right)  # fmt: skip

    def _array_literal(self, comma: bool) -> A.ExpressionAst:
        first = self._unary()
        if not comma:
            return first
        t = self.peek(EXPR)
        if t.kind != T_COMMA:
            return first
        return self._array_rest(first, t)

    def _array_rest(self, first: A.ExpressionAst, t: Token) -> A.ArrayLiteralAst:
        """The rest of `first, ...` in expression mode; t is the peeked comma after first."""
        items = [first]
        while t.kind == T_COMMA:
            self.pos = t.end
            self.skip_newlines(EXPR)
            n = self.peek(EXPR)
            if not self._can_start_expression(n) or n.kind == T_COMMA:
                self.fail_at("MissingExpressionAfterToken", n, after=t.end)
            items.append(self._unary())
            t = self.peek(EXPR)
        return _mk_array_literal(self.ext(first.extent.start_offset, items[-1].extent.end_offset), items)  # fmt: skip

    def _unary(self, t: Token | None = None) -> A.ExpressionAst:
        if t is None:
            p = self.pos
            t = self._t1 if p == self._k1 else self.peek(EXPR)
        k = t.kind
        if k is T_OPERATOR or k is T_COMMA:
            op = "," if k == T_COMMA else t.value[0]  # type: ignore[index]
            if op in UNARY_OPERATORS:
                self.pos = t.end
                self.depth += 1
                if self.depth > MAX_DEPTH:
                    self.enter(t.start)
                n = self.peek(EXPR)
                if not self._can_start_expression(n):
                    self.fail_at("MissingExpressionAfterOperator", n, after=t.end)
                child = self._unary()
                self.depth -= 1
                if (op == "-" or op == "+") and type(child) is A.ConstantExpressionAst and n.kind == T_NUMBER \
                        and n.start == t.end:  # fmt: skip
                    v = child.value
                    return _mk_const(self.ext(t.start, child.extent.end_offset), -v if op == "-" else v)  # fmt: skip
                return _mk_unary_expression(self.ext(t.start, child.extent.end_offset), op, child)  # fmt: skip
            self.unexpected(t)
        if k is T_LBRACKET:
            return self._type_or_cast(t)
        if k is T_VARIABLE and t.value[1] is False and t.value[0][5:6] != ":":  # type: ignore[index]
            # the commonest primary, built here (see _primary_from)
            p = self.pos = t.end
            e = _mk_var(self.ext(t.start, p), t.value[0], False)  # type: ignore[index]
            if p < self.limit and self.src[p] in _POSTFIX_START:
                return self._postfix(e, EXPR)
            return e
        e = self._primary_from(t)
        p = self.pos
        if p < self.limit and self.src[p] in _POSTFIX_START:
            return self._postfix(e, EXPR)
        return e

    def _type_or_cast(self, lb: Token) -> A.ExpressionAst:
        attr = self._attribute(lb)
        n = self.peek(EXPR)
        nk = n.kind
        is_operand = nk in _PRIMARY_START or (
            nk == T_OPERATOR and (n.value[0] in _CAST_OPERAND_OPS  # type: ignore[index]
                                  or (n.value[0] in ("-", "+") and n.end < self.limit  # type: ignore[index]
                                      and self.src[n.end] not in " \t\r\n"))
        )  # fmt: skip
        if nk == T_LCURLY:  # `[scriptblock]{ ... }`
            is_operand = True
        if isinstance(attr, A.AttributeAst):
            if not is_operand:
                self.fail("UnexpectedAttribute", lb.start, attr.extent.end_offset)
            self.depth += 1
            if self.depth > MAX_DEPTH:
                self.enter(lb.start)
            child = self._unary()
            self.depth -= 1
            if isinstance(child, A.TypeExpressionAst):
                self.fail("UnexpectedAttribute", lb.start, attr.extent.end_offset)
            return A.AttributedExpressionAst(extent=self.ext(lb.start, child.extent.end_offset), attribute=attr,
                                             child=child)  # fmt: skip
        if is_operand and not (self.pos < self.limit and self.src[self.pos] == ":"):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                self.enter(lb.start)
            child = self._unary()
            self.depth -= 1
            return A.ConvertExpressionAst(extent=self.ext(lb.start, child.extent.end_offset), type_name=attr.type_name,
                                          child=child)  # fmt: skip
        te = A.TypeExpressionAst(extent=attr.extent, type_name=attr.type_name)
        return self._postfix(te, EXPR)

    def _variable(self, t: Token) -> A.VariableExpressionAst:
        name, braced = t.value  # type: ignore[misc]
        return _mk_var(self.ext(t.start, t.end), name, braced)

    def _primary_from(self, t: Token) -> A.ExpressionAst:
        """Build the primary expression that starts with the (peeked) token t."""
        k = t.kind
        if k is T_VARIABLE:
            self.pos = t.end
            name, braced = t.value  # type: ignore[misc]
            v = _mk_var(self.ext(t.start, t.end), name, braced)
            if name[5:6] == ":" and name[:5].lower() == "using":
                inner = _mk_var(v.extent, v.name[6:], v.braced)
                return A.UsingExpressionAst(extent=v.extent, sub_expression=inner)
            return v
        if k is T_NUMBER:
            self.pos = t.end
            return _mk_const(self.ext(t.start, t.end), t.value)
        if k == T_STRING_LITERAL:
            self.pos = t.end
            return _mk_str(self.ext(t.start, t.end), t.value, "SingleQuoted")  # fmt: skip
        if k == T_HERE_STRING_LITERAL:
            self.pos = t.end
            return _mk_str(self.ext(t.start, t.end), t.value, "SingleQuotedHereString")  # fmt: skip
        if k == T_STRING_EXPANDABLE or k == T_HERE_STRING_EXPANDABLE:
            self.pos = t.end
            here = k == T_HERE_STRING_EXPANDABLE
            kind = "DoubleQuotedHereString" if here else "DoubleQuoted"
            if t.parts is None:
                return _mk_str(self.ext(t.start, t.end), t.value, kind)
            raw = _here_body(t.text) if here else t.text[1:-1]
            return _mk_expandable_string_expression(self.ext(t.start, t.end), raw, kind, self._parts(t.parts))  # fmt: skip
        if k == T_LPAREN:
            self.pos = t.end
            self.depth += 1
            if self.depth > MAX_DEPTH:
                self.enter(t.start)
            self.skip_newlines()
            n = self.peek(CMD)
            if n.kind == T_RPAREN:
                self.fail("ExpectedExpression", n.start, n.end)
            p = self._statement_opt()
            if p is None:
                self.fail_at("ExpectedExpression", n)
            assert p is not None
            self.skip_newlines()
            r = self.peek(CMD)
            if r.kind != T_RPAREN:
                self.fail_at("MissingEndParenthesisInExpression", r)
            self.pos = r.end
            self.depth -= 1
            return _mk_paren_expression(self.ext(t.start, r.end), p)
        if k == T_DOLLAR_PAREN or k == T_AT_PAREN:
            self.pos = t.end
            self.depth += 1
            if self.depth > MAX_DEPTH:
                self.enter(t.start)
            stmts, traps = self._statement_list(T_RPAREN)
            r = self.peek(CMD)
            if r.kind != T_RPAREN:
                self.fail_at("MissingEndParenthesisInSubexpression", r)
            self.pos = r.end
            self.depth -= 1
            block = _mk_block(self.ext(t.start, r.end), stmts, traps)
            if k == T_DOLLAR_PAREN:
                return _mk_sub_expression(self.ext(t.start, r.end), block)
            return A.ArrayExpressionAst(extent=self.ext(t.start, r.end), sub_expression=block)
        if k == T_AT_CURLY:
            return self._hashtable(t)
        if k == T_LCURLY:
            sb = self._script_block_expr_body(t)
            return _mk_script_block_expression(sb.extent, sb)
        if k == T_LBRACKET:
            return self._type_or_cast(t)
        self.unexpected(t)
        raise AssertionError  # pragma: no cover

    def _script_block_expr_body(self, lc: Token) -> A.ScriptBlockAst:
        self.pos = lc.end
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.enter(lc.start)
        sb = self._script_block_body(lc.end, T_RCURLY)
        rc = self.peek(CMD)
        if rc.kind != T_RCURLY:
            self.fail("MissingEndCurlyBrace", lc.start, lc.end, self.at_real_end(rc.start))
        self.pos = rc.end
        self.depth -= 1
        sb.extent = self.ext(lc.start, rc.end)
        return sb

    def _hashtable(self, t: Token) -> A.HashtableAst:
        self.pos = t.end
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.enter(t.start)
        pairs: list[tuple[A.ExpressionAst, A.StatementAst]] = []
        while True:
            self.skip_newlines_and_semis()
            n = self.peek(EXPR)
            if n.kind == T_RCURLY:
                self.pos = n.end
                break
            if n.kind == T_END_OF_INPUT:
                self.fail("MissingEndCurlyBrace", t.end, t.end, self.at_real_end(n.start))
            if n.kind == T_GENERIC:
                self.pos = n.end
                key: A.ExpressionAst = _mk_str(self.ext(n.start, n.end), n.text, "BareWord")  # fmt: skip
            elif n.kind in _PRIMARY_START or (n.kind == T_OPERATOR and n.value[0] in ("-", "+")):  # type: ignore[index]
                key = self._unary()
            else:
                self.fail("MissingEqualsInHashLiteral" if pairs else "IncompleteHashLiteral", n.start, n.end)
                raise AssertionError  # pragma: no cover
            eq = self.peek(EXPR)
            if not (eq.kind == T_ASSIGN and eq.value == "="):
                self.fail_at("MissingEqualsInHashLiteral", eq)
            self.pos = eq.end
            self.skip_newlines()
            value = self._statement_opt()
            if value is None:
                self.fail_at("MissingStatementInHashLiteral", self.peek(CMD), after=eq.end)
            assert value is not None
            pairs.append((key, value))
            s = self.peek(CMD)
            if s.kind not in (T_NEWLINE, T_SEMI, T_RCURLY):
                if s.kind == T_END_OF_INPUT:
                    self.fail("MissingEndCurlyBrace", t.end, t.end, self.at_real_end(s.start))
                self.fail("MissingEndCurlyBrace", s.start, s.end)
        self.depth -= 1
        return _mk_hashtable(self.ext(t.start, self.pos), pairs)

    def _parts(self, parts: list) -> list[str | A.ExpressionAst]:
        out: list[str | A.ExpressionAst] = []
        for p in parts:
            if isinstance(p, str):
                out.append(p)
            elif p[0] == "var":
                _, s, e, name, braced = p
                v = _mk_var(self.ext(s, e), name, braced)
                out.append(v)
            else:
                _, s, e = p
                if self.depth + 1 > MAX_DEPTH:
                    self.fail("ScriptTooDeeplyNested", s, s, False, "The script is nested too deeply to parse.")
                # parse the region between `$(` and `)` with this parser, bounded to the region
                saved = (self.pos, self.limit, self.tz.end)
                self.pos = s + 2
                self.limit = self.tz.end = e - 1
                self._k0 = self._k1 = -1
                self.depth += 1
                try:
                    stmts, traps = self._statement_list(T_END_OF_INPUT)
                finally:
                    self.pos, self.limit, self.tz.end = saved
                    self._k0 = self._k1 = -1
                    self.depth -= 1
                block = _mk_block(self.ext(s, e), stmts, traps)
                out.append(_mk_sub_expression(self.ext(s, e), block))
        return out

    def _postfix(self, e: A.ExpressionAst, mode: int) -> A.ExpressionAst:
        src = self.src
        limit = self.limit
        while True:
            p = self.pos
            if p >= limit:
                return e
            c = src[p]
            if c not in _POSTFIX_START:
                return e
            n = src[p + 1] if p + 1 < limit else ""
            if c == "." and n != ".":
                if n == "" or not (n.isalnum() or n == "_" or n in "$(\"'{" or n in SQUOTES):
                    if mode == EXPR:
                        self.fail("MissingPropertyName", p + 1, p + 1, self.at_real_end(p + 1))
                    return e
                e = self._member(e, p + 1, static=False, null_cond=False, mode=mode)
            elif c == ":" and n == ":":
                e = self._member(e, p + 2, static=True, null_cond=False, mode=mode)
            elif c == "[":
                e = self._index(e, p, False)
            elif c == "?" and n == "." and mode == EXPR:
                e = self._member(e, p + 2, static=False, null_cond=True, mode=mode)
            elif c == "?" and n == "[" and mode == EXPR:
                e = self._index(e, p + 1, True)
            elif mode == EXPR and (c == "+" and n == "+" or c in "-\u2013\u2014\u2015" and n in "-\u2013\u2014\u2015" and n):
                self.set_pos(p + 2)
                e = _mk_unary_expression(self.ext(e.extent.start_offset, p + 2), "post++" if c == "+" else "post--", e)  # fmt: skip
            else:
                return e

    def _member(self, e: A.ExpressionAst, q: int, static: bool, null_cond: bool, mode: int) -> A.ExpressionAst:
        src = self.src
        name_tok = self.tz.scan_member_name(q)
        member: A.ExpressionAst
        if name_tok is not None:
            self.set_pos(name_tok.end)
            member = _mk_str(self.ext(name_tok.start, name_tok.end), name_tok.text, "BareWord")  # fmt: skip
        else:
            self.set_pos(q)
            t = self.peek(EXPR)
            if t.kind not in (T_VARIABLE, T_LPAREN, T_STRING_LITERAL, T_STRING_EXPANDABLE, T_DOLLAR_PAREN) or t.start != q:
                self.fail_at("MissingPropertyName", t, after=q)
            member = self._primary_from(t)
        p = self.pos
        start = e.extent.start_offset
        if p < self.limit and src[p] == "(":
            self.set_pos(p + 1)
            args = self._call_arguments(p)
            return _mk_invoke_member_expression(self.ext(start, self.pos), e, member, static, null_cond, args)  # fmt: skip
        return _mk_member(self.ext(start, p), e, member, static, null_cond)  # fmt: skip

    def _call_arguments(self, lp: int) -> list[A.ExpressionAst]:
        args: list[A.ExpressionAst] = []
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.enter(lp)
        self.skip_newlines(EXPR)
        t = self.peek(EXPR)
        if t.kind == T_RPAREN:
            self.pos = t.end
            self.depth -= 1
            return args
        while True:
            self.skip_newlines(EXPR)
            a = self._expression(False)
            if a is None:
                t = self.peek(EXPR)
                if args:
                    self.fail_at("MissingExpressionAfterToken", t, after=lp)
                self.fail_at("MissingEndParenthesisInMethodCall", t)
            assert a is not None
            args.append(a)
            self.skip_newlines(EXPR)
            t = self.peek(EXPR)
            if t.kind == T_COMMA:
                lp = t.end
                self.pos = t.end
                continue
            if t.kind == T_RPAREN:
                self.pos = t.end
                self.depth -= 1
                return args
            self.fail_at("MissingEndParenthesisInMethodCall", t)

    def _index(self, e: A.ExpressionAst, p: int, null_cond: bool) -> A.ExpressionAst:
        self.set_pos(p + 1)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.enter(p)
        self.skip_newlines(EXPR)
        t = self.peek(EXPR)
        if t.kind == T_RBRACKET:
            self.fail("MissingArrayIndexExpression", p + 1, p + 1)
        idx = self._expression(True)
        if idx is None:
            self.fail_at("MissingArrayIndexExpression", t, after=p + 1)
        assert idx is not None
        self.skip_newlines(EXPR)
        r = self.peek(EXPR)
        if r.kind != T_RBRACKET:
            self.fail_at("MissingEndSquareBracket", r)
        self.pos = r.end
        self.depth -= 1
        return _mk_index_expression(self.ext(e.extent.start_offset, r.end), e, idx, null_cond)  # fmt: skip

    # ================================================================== comments: #Requires and help
    def _attach_comments(self, sb: A.ScriptBlockAst) -> None:
        comments = sorted(self.tz.comments.items())
        if not comments:
            return
        src = self.src
        requires: list[tuple[str, str]] = []
        for start, (_end, text) in comments:
            if text[:1] == "#" and _REQUIRES.match(text) and (start == 0 or src[start - 1] in "\n\r \t"):
                for m in _REQUIRES_SWITCH.finditer(text, 9):
                    switch, value = m.group(1), m.group(2).strip()
                    if not value:
                        requires.append((switch, ""))
                        continue
                    for item in _split_requires_values(value):
                        requires.append((switch, item))
        sb.requires = requires
        blocks = _comment_blocks(src, comments)
        help_blocks = [b for b in blocks if _HELP_KEYWORD.search(b[2])]
        if not help_blocks:
            return
        claimed: set[int] = set()
        for fd, kw_start, lc_start, end in self._functions:
            h = None
            for b in help_blocks:
                if b[1] <= kw_start and src[b[1] : kw_start].strip() == "" and src.count("\n", b[1], kw_start) <= 2:
                    h = b
                elif b[0] > lc_start and b[1] <= end and src[lc_start + 1 : b[0]].strip() == "":
                    h = b
                elif b[0] > lc_start and b[1] < end and src[b[1] : end - 1].strip() == "":
                    h = h or b
            if h is not None:
                fd.help_comment = h[2]
                fd.body.help_comment = h[2]
                claimed.add(h[0])
        first = help_blocks[0]
        if first[0] not in claimed and src[: first[0]].strip("\ufeff \t\r\n") == "" or (
            first[0] not in claimed and all(b[1] <= first[0] for b in blocks if b[0] < first[0])
            and _only_comments_before(src, blocks, first[0])
        ):  # fmt: skip
            sb.help_comment = first[2]
            return
        last = help_blocks[-1]
        if last[0] not in claimed and src[last[1] :].strip() == "":
            sb.help_comment = last[2]


_OPENERS = {T_LPAREN: T_RPAREN, T_DOLLAR_PAREN: T_RPAREN, T_AT_PAREN: T_RPAREN, T_LCURLY: T_RCURLY,
            T_AT_CURLY: T_RCURLY, T_LBRACKET: T_RBRACKET, T_QUESTION_LBRACKET: T_RBRACKET}  # fmt: skip
_CLOSE_ERROR = {T_RPAREN: "MissingEndParenthesisInExpression", T_RCURLY: "MissingEndCurlyBrace",
                T_RBRACKET: "MissingEndSquareBracket"}  # fmt: skip


def _mark_open_construct(parser: Parser, e: ParseError) -> None:
    """PowerShell reports every error and PSReadLine continues when *any* of them is incomplete input:
    an error inside a block that is still open at the end of the text (`{ $x $y`) still means "keep typing".
    We stop at the first error, so find the unclosed construct with the tolerant tokenizer and add it."""
    from vboshell.language.tokenizer import tokenize

    stack: list[Token] = []
    last: Token | None = None
    for tok in tokenize(parser.src):
        k = tok.kind
        if k in _OPENERS:
            stack.append(tok)
        elif k in (T_RPAREN, T_RCURLY, T_RBRACKET):
            if stack:
                stack.pop()
        if k not in (T_COMMENT, T_NEWLINE):
            last = tok
    if last is not None and last.kind == T_ERROR and last.flags & F_INCOMPLETE:
        extra = ParseError(last.error_id or "UnexpectedToken", _MESSAGES.get(last.error_id or "", ""),
                           parser.ext(last.start, last.end), incomplete_input=True)  # fmt: skip
    elif stack:
        opener = stack[-1]
        eid = _CLOSE_ERROR[_OPENERS[opener.kind]]
        extra = ParseError(eid, _MESSAGES[eid], parser.ext(opener.start, opener.end), incomplete_input=True)
    else:
        return
    e.incomplete_input = True
    e.errors.append(extra)


def _only_comments_before(src: str, blocks: list[tuple[int, int, str]], pos: int) -> bool:
    i = 0
    for s, e, _ in blocks:
        if s >= pos:
            break
        if src[i:s].strip() != "":
            return False
        i = e
    return src[i:pos].strip() == ""


def _comment_blocks(src: str, comments: list[tuple[int, tuple[int, str]]]) -> list[tuple[int, int, str]]:
    """Group consecutive `#` line comments (one per line) into blocks; `<# #>` comments stand alone."""
    blocks: list[tuple[int, int, str]] = []
    cur: list[tuple[int, int, str]] = []
    for start, (end, text) in comments:
        if text.startswith("<#"):
            if cur:
                blocks.append((cur[0][0], cur[-1][1], "\n".join(c[2] for c in cur)))
                cur = []
            blocks.append((start, end, text))
            continue
        if cur and src[cur[-1][1] : start].strip(" \t\r") == "\n":
            cur.append((start, end, text))
        else:
            if cur:
                blocks.append((cur[0][0], cur[-1][1], "\n".join(c[2] for c in cur)))
            cur = [(start, end, text)]
    if cur:
        blocks.append((cur[0][0], cur[-1][1], "\n".join(c[2] for c in cur)))
    return blocks


def _split_requires_values(value: str) -> list[str]:
    if value.startswith("@{"):
        return [value]
    return [v.strip().strip("'\"") for v in value.split(",") if v.strip()]


def _here_body(text: str) -> str:
    nl = text.find("\n")
    body = text[nl + 1 : -2]
    if body.endswith("\n"):
        body = body[:-1]
    if body.endswith("\r"):
        body = body[:-1]
    return body


def _label(t: Token | None) -> str | None:
    return t.text[1:] if t is not None else None


def _valid_lhs(e: A.ExpressionAst, allow_array: bool) -> bool:
    if isinstance(e, A.VariableExpressionAst):
        return not e.splatted
    if isinstance(e, A.InvokeMemberExpressionAst):
        return False
    if isinstance(e, (A.MemberExpressionAst, A.IndexExpressionAst)):
        return not getattr(e, "null_conditional", False)
    if isinstance(e, (A.ConvertExpressionAst, A.AttributedExpressionAst)):
        return _valid_lhs(e.child, False)
    if isinstance(e, A.ArrayLiteralAst) and allow_array:
        return all(_valid_lhs(x, False) for x in e.elements)
    return False



def _maker(cls: type, *names: str):  # type: ignore[no-untyped-def]
    """A fast positional constructor for an AST dataclass: keyword-only dataclass __init__ calls are slow in
    CPython, and the parser builds tens of thousands of nodes. Generated from the class's *current* fields, so
    fields added to the contract later get their declared defaults here too."""
    import dataclasses

    ns: dict = {"_new": object.__new__, "_cls": cls}
    lines = [f"def make({', '.join(names)}):", "    o = _new(_cls)"]
    lines += [f"    o.{n} = {n}" for n in names]
    for f in dataclasses.fields(cls):
        if f.name in names:
            continue
        if f.default_factory is list:
            lines.append(f"    o.{f.name} = []")  # a literal is cheaper than calling list()
        elif f.default_factory is not dataclasses.MISSING:
            ns[f"_f_{f.name}"] = f.default_factory
            lines.append(f"    o.{f.name} = _f_{f.name}()")
        elif f.default is not dataclasses.MISSING:
            ns[f"_d_{f.name}"] = f.default
            lines.append(f"    o.{f.name} = _d_{f.name}")
        else:
            raise TypeError(f"{cls.__name__}.{f.name} has no default")
    lines.append("    return o")
    exec("\n".join(lines), ns)  # noqa: S102 - generated from dataclass fields, like dataclasses itself does
    return ns["make"]


_mk_var = _maker(A.VariableExpressionAst, "extent", "name", "braced")
_mk_str = _maker(A.StringConstantExpressionAst, "extent", "value", "string_kind")
_mk_const = _maker(A.ConstantExpressionAst, "extent", "value")
_mk_pipeline = _maker(A.PipelineAst, "extent", "elements")
_mk_cmdexpr = _maker(A.CommandExpressionAst, "extent", "expression")
_mk_member = _maker(A.MemberExpressionAst, "extent", "expression", "member", "static", "null_conditional")
_mk_binary = _maker(A.BinaryExpressionAst, "extent", "left", "operator", "right")
_mk_assign = _maker(A.AssignmentStatementAst, "extent", "left", "operator", "right")
_mk_param = _maker(A.CommandParameterAst, "extent", "parameter_name", "argument", "has_colon")
_mk_block = _maker(A.StatementBlockAst, "extent", "statements", "traps")
_mk_command = _maker(A.CommandAst, "extent", "elements", "invocation_operator")

# the parser's other frequent nodes (argument names as in the keyword constructions they replace)
_mk_array_literal = _maker(A.ArrayLiteralAst, "extent", "elements")
_mk_attribute = _maker(A.AttributeAst, "extent", "type_name", "positional_arguments", "named_arguments")
_mk_expandable_string_expression = _maker(A.ExpandableStringExpressionAst, "extent", "value", "string_kind", "parts")
_mk_for_each_statement = _maker(A.ForEachStatementAst, "extent", "label", "variable", "condition", "body")
_mk_function_definition = _maker(A.FunctionDefinitionAst, "extent", "name", "is_filter", "parameters", "body")
_mk_hashtable = _maker(A.HashtableAst, "extent", "key_value_pairs")
_mk_if_statement = _maker(A.IfStatementAst, "extent", "clauses", "else_clause")
_mk_index_expression = _maker(A.IndexExpressionAst, "extent", "target", "index", "null_conditional")
_mk_invoke_member_expression = _maker(A.InvokeMemberExpressionAst, "extent", "expression", "member", "static", "null_conditional", "arguments")
_mk_named_attribute_argument = _maker(A.NamedAttributeArgumentAst, "extent", "argument_name", "argument")
_mk_named_attribute_argument_2 = _maker(A.NamedAttributeArgumentAst, "extent", "argument_name", "argument", "expression_omitted")
_mk_named_block = _maker(A.NamedBlockAst, "extent", "block_kind", "statements", "traps", "unnamed")
_mk_named_block_2 = _maker(A.NamedBlockAst, "extent", "block_kind", "statements", "traps")
_mk_param_block = _maker(A.ParamBlockAst, "extent", "attributes", "parameters")
_mk_parameter = _maker(A.ParameterAst, "extent", "name", "attributes", "default_value")
_mk_paren_expression = _maker(A.ParenExpressionAst, "extent", "pipeline")
_mk_script_block = _maker(A.ScriptBlockAst, "extent", "param_block")
_mk_script_block_expression = _maker(A.ScriptBlockExpressionAst, "extent", "script_block")
_mk_sub_expression = _maker(A.SubExpressionAst, "extent", "sub_expression")
_mk_type_constraint = _maker(A.TypeConstraintAst, "extent", "type_name")
_mk_unary_expression = _maker(A.UnaryExpressionAst, "extent", "operator", "child")


_KEYWORD_HANDLERS = {
    "if": Parser._if,
    "foreach": Parser._foreach,
    "for": Parser._for,
    "while": Parser._while,
    "do": Parser._do,
    "switch": Parser._switch,
    "try": Parser._try,
    "trap": Parser._trap,
    "throw": Parser._throw,
    "return": Parser._return,
    "exit": Parser._exit,
    "break": Parser._break,
    "continue": Parser._continue,
    "function": Parser._function,
    "filter": Parser._function,
    "workflow": Parser._function,
    "else": Parser._unexpected_keyword,
    "elseif": Parser._unexpected_keyword,
    "catch": Parser._unexpected_keyword,
    "finally": Parser._unexpected_keyword,
    "until": Parser._unexpected_keyword,
    "class": Parser._type_definition,
    "enum": Parser._type_definition,
    "using": Parser._using,
}

_MESSAGES = {
    "MissingEndCurlyBrace": "Missing closing '}' in statement block or type definition.",
    "MissingEndParenthesisInExpression": "Missing closing ')' in expression.",
    "MissingEndParenthesisInMethodCall": "Missing closing ')' in method call.",
    "MissingEndParenthesisInSubexpression": "Missing closing ')' in subexpression.",
    "MissingEndParenthesisAfterStatement": "Missing closing ')' after expression.",
    "MissingEndSquareBracket": "Missing closing ']'.",
    "MissingExpression": "Missing expression.",
    "MissingExpressionAfterOperator": "Missing expression after unary operator.",
    "MissingExpressionAfterToken": "Missing expression after ','.",
    "ExpectedValueExpression": "You must provide a value expression following the operator.",
    "ExpectedExpression": "An expression was expected after '('.",
    "UnexpectedToken": "Unexpected token in expression or statement.",
    "TerminatorExpectedAtEndOfString": "The string is missing the terminator.",
    "MissingArrayIndexExpression": "Array index expression is missing or not valid.",
    "MissingStatementBlock": "Missing statement block after if ( condition ).",
    "MissingStatementBlockAfterElse": "Missing statement block after 'else' keyword.",
    "MissingOpenParenthesisInIfStatement": "Missing '(' after 'if' in if statement.",
    "IfStatementMissingCondition": "Missing condition in if statement after 'if ('.",
    "IncompleteHashLiteral": "The hash literal was incomplete.",
    "MissingEqualsInHashLiteral": "Missing '=' operator after key in hash literal.",
    "MissingStatementInHashLiteral": "Missing statement after '=' in hash literal.",
    "MissingForeachExpression": "Missing expression after 'in' in foreach loop.",
    "MissingForeachStatement": "Missing statement body in foreach loop.",
    "MissingInInForeach": "Missing 'in' after variable in foreach loop.",
    "MissingVariableNameAfterForeach": "Missing variable name after foreach.",
    "MissingEndParenthesisAfterForeach": "Missing closing ')' after expression in 'foreach' statement.",
    "MissingOpenParenthesisAfterKeyword": "Missing opening '(' after keyword.",
    "MissingLoopStatement": "Missing statement body in loop.",
    "MissingExpressionAfterKeyword": "Missing expression after keyword.",
    "MissingWhileOrUntilInDoWhile": "Missing while or until keyword in do loop.",
    "MissingCatchOrFinally": "The Try statement is missing its Catch or Finally block.",
    "MissingTryStatementBlock": "Missing statement block after 'try'.",
    "MissingCatchHandlerBlock": "Missing statement block in catch handler.",
    "MissingFinallyStatementBlock": "Missing statement block after 'finally'.",
    "MissingTypeLiteralToken": "Missing type name after ','.",
    "MissingTrapStatement": "Missing statement block in trap.",
    "MissingFunctionBody": "Missing function body in function declaration.",
    "MissingNameAfterKeyword": "Missing name after keyword.",
    "MissingEndParenthesisInFunctionParameterList": "Missing ')' in function parameter list.",
    "DuplicateFormalParameter": "Duplicate parameter in parameter list.",
    "MissingPropertyName": "Missing property name after reference operator.",
    "EmptyPipeElement": "An empty pipe element is not allowed.",
    "EmptyPipelineChainElement": "A pipeline chain operator must be followed by a pipeline.",
    "ExpressionsMustBeFirstInPipeline": "Expressions are only allowed as the first element of a pipeline.",
    "InvalidLeftHandSide": "The assignment expression is not valid.",
    "MissingNamedStatementBlock": "Missing statement block after named block.",
    "PipelineValueRequired": "Missing switch condition expression.",
    "InvalidSwitchFlag": "Invalid switch flag.",
    "MissingFilenameOption": "Missing file name after -file.",
    "MissingCurlyBraceInSwitchStatement": "Missing '{' in switch statement.",
    "MissingSwitchConditionExpression": "Missing condition in switch statement clause.",
    "MissingSwitchStatementClause": "Missing statement block in switch statement clause.",
    "MultipleSwitchDefaultClauses": "The switch statement has multiple default clauses.",
    "MissingEndParenthesisInSwitchStatement": "Missing ')' in switch statement.",
    "MissingColonInTernaryExpression": "Missing ':' in ternary expression.",
    "SplattingNotPermitted": "Splatted variables cannot be used as part of a property or method reference.",
    "ParameterRequiresArgument": "The parameter requires an argument.",
    "MissingArgument": "Missing argument.",
    "MissingFileSpecification": "Missing file specification after redirection operator.",
    "MissingTypename": "Missing type name after '['.",
    "MissingTypeBody": "Missing '{' in type definition.",
    "MissingUsingItemName": "Missing name after using statement.",
    "EndSquareBracketExpectedAtEndOfType": "Missing ']' at end of type token.",
    "EndSquareBracketExpectedAtEndOfAttribute": "Missing ']' at end of attribute or type literal.",
    "UnexpectedAttribute": "Unexpected attribute.",
    "RedirectionNotSupported": "The '<' operator is reserved for future use.",
    "MissingTerminatorMultiLineComment": "The multi-line comment is missing its terminator '#>'.",
    "IncompleteDollarVariableReference": "Missing '}' in variable reference.",
    "UnexpectedCharactersAfterHereStringHeader": "No characters are allowed after a here-string header but before the end of the line.",
    "IncompleteLineContinuation": "A line continuation backtick must be followed by a newline.",
    "InvalidVariableReference": "Variable reference is not valid.",
    "InvalidUnicodeEscapeSequence": "The Unicode escape sequence is not valid.",
    "InvalidUnicodeEscapeSequenceValue": "The Unicode escape sequence value is out of range (maximum 10FFFF).",
    "TooManyDigitsInUnicodeEscapeSequence": "Too many hexadecimal digits in the Unicode escape sequence (maximum 6).",
    "MissingUnicodeEscapeSequenceTerminator": "The Unicode escape sequence is missing the closing '}'.",
}
