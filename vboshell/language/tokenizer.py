"""Mode-switching tokenizer of vboshell's PowerShell dialect (command/argument mode vs expression mode).
The parser pulls tokens one at a time in the mode it needs; `tokenize(text)` is the tolerant whole-text API for highlighting."""

from __future__ import annotations

import re
from decimal import Decimal

from vboshell.language.tokens import (
    DASH_OPERATORS,
    F_ERROR,
    F_INCOMPLETE,
    F_OPERATOR,
    SYMBOL_PRECEDENCE,
    Token,
    TokenKind,
)

CMD = 0  # command / argument mode
EXPR = 1  # expression mode

K = TokenKind

DASHES = "-\u2013\u2014\u2015"
SQUOTES = "'\u2018\u2019\u201a\u201b"
DQUOTES = '"\u201c\u201d\u201e'

_WS = re.compile(r"(?:[ \t\f\v\u00a0\ufeff\u2028\u2029]+|`\r?\n)+")
_LINE_COMMENT = re.compile(r"#[^\r\n]*")
_NUMBER = re.compile(
    r"(?:(?P<hex>0[xX][0-9a-fA-F]+)(?P<hsuf>[lL]|[uU][lL]?|[yY]|[uU][yY]|[sS]|[uU][sS])?"
    r"|(?P<dec>(?:\d+(?:\.(?![.])\d*)?|\.\d+)(?:[eE][+-]?\d+)?)(?P<dsuf>[dD]|[lL]|[uU][lL]?|[yY]|[uU][yY]|[sS]|[uU][sS]|[nN])?)"
    r"(?P<mult>[kKmMgGtTpP][bB])?"
)
_VAR = re.compile(r"\$(?:(\w+(?::\w+)?|[?$^])|\{((?:[^}`]|`.)*)(\}|$))", re.S)
_VAR_NAME_IN_STRING = re.compile(r"\$(?:(\w+(?::\w+)?|[?$^])|\{((?:[^}`]|`.)*)\})", re.S)
_SPLAT = re.compile(r"@(\w+)")
_PARAM = re.compile(r"[-\u2013\u2014\u2015]([A-Za-z_?\u00c0-\uffff][\w\-?]*)(:?)")
_DASH_WORD = re.compile(r"[-\u2013\u2014\u2015]([A-Za-z_][A-Za-z_]*)")
_REDIRECTION = re.compile(r"([1-6*])?(>>?)(?:&([1-6]))?")
_GENERIC_CHUNK = re.compile("[^\\s{}();,|&`\"'$<>\u2018\u2019\u201a\u201b\u201c\u201d\u201e]+")
_IDENT = re.compile(r"[\w\-]*\w|\w", re.UNICODE)
_MEMBER_NAME = re.compile(r"\w+")
_DQ_CHUNK = re.compile('[^"`$\u201c\u201d\u201e]*')
_HERE_DQ_CHUNK = re.compile("[^`$]*")
_SQ_BODY = re.compile("[^'\u2018\u2019\u201a\u201b]*")
_BAL_INTERESTING = re.compile("[()`'\"\u2018\u2019\u201a\u201b\u201c\u201d\u201e#]")
_HERE_HEADER_REST = re.compile(r"[ \t]*(\r?\n|$)")
_HERE_DQ_END = re.compile('\\n["\u201c\u201d\u201e]@')
_HERE_SQ_END = re.compile("\\n['\u2018\u2019\u201a\u201b]@")
_STOP_PARSING_REST = re.compile(r"[^\r\n]*")
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")

# Characters that end a generic (bareword) token in argument mode.
_GENERIC_TERMINATORS = frozenset(" \t\f\v\r\n\u00a0{}();,|&<>")
_CMD_END = r"(?=[ \t\f\v\r\n\u00a0\ufeff{}();,|&]|\Z)"
_FAST_CMD = re.compile(
    r"[ \t]*(?:(?P<nl>\r?\n)"
    r"|(?P<word>[A-Za-z_][^\s{}();,|&`\"'$<>\u2018-\u201e]*)(?=[\s{}();,|&<>]|\Z)"
    r"|(?P<var>\$(?:\w+(?::\w+)?|[?$^]))(?=[ \t\f\v\r\n\u00a0\ufeff{}();,|&.\[]|::|\Z)"
    r"|(?P<param>[-\u2013\u2014\u2015][A-Za-z_?\u00c0-\uffff][\w\-?]*:?)"
    r"|(?P<punct>[;(){},\[]|\|(?!\|))"
    r"|(?P<num>\d+)" + _CMD_END
    + r"|(?P<sq>'[^'\u2018-\u201b]*')(?=[ \t\f\v\r\n\u00a0\ufeff{}();,|&.\[]|\Z)"
    r"|(?P<dq>\"[^\"`$\u201c-\u201e]*\")(?=[ \t\f\v\r\n\u00a0\ufeff{}();,|&.\[]|\Z)"
    r"|(?P<eoi>\Z))"
)
_FAST_EXPR = re.compile(
    r"[ \t]*(?:(?P<nl>\r?\n)"
    r"|(?P<var>\$(?:\w+(?::\w+)?|[?$^]))(?![{])"
    r"|(?P<word>[A-Za-z_](?:[\w\-]*\w)?)"
    r"|(?P<punct>[;(){},\[\]]|\|(?!\|))"
    r"|(?P<num>\d+)(?![\w.])"
    r"|(?P<assign>=)"
    r"|(?P<dop>-[A-Za-z_]+)"  # a dash operator (-eq, -and, ...) or, when not one, a parameter: slow path
    r"|(?P<sop>\+(?![+=])|-(?![-\u2013\u2014\u2015=A-Za-z_])|\*(?![>=])|/(?!=)|%(?!=)|\.\.|!)"
    r"|(?P<sq>'[^'\u2018-\u201b]*')(?!['\u2018-\u201b])"
    r"|(?P<dq>\"[^\"`$\u201c-\u201e]*\")(?![\"\u201c-\u201e])"
    r"|(?P<eoi>\Z))"
)
_PUNCT_KINDS = {";": K.SEMI, "(": K.LPAREN, ")": K.RPAREN, "{": K.LCURLY, "}": K.RCURLY, ",": K.COMMA, "]": K.RBRACKET,
                "[": K.LBRACKET, "|": K.PIPE}  # fmt: skip
_SYMBOL_OPERATORS = {op: (op, SYMBOL_PRECEDENCE[op]) for op in ("+", "-", "*", "/", "%", "..")}
_SYMBOL_OPERATORS["!"] = ("!", 0)
_new_token = object.__new__
_TRIVIA_START = frozenset(" \t`\f\v\u00a0\ufeff\u2028\u2029#<")
# Characters that may immediately follow a value in argument mode without forming a compound argument.
TERMINATOR_CHARS = frozenset(" \t\f\v\r\n\u00a0\ufeff{}();,|&")

_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_MULTIPLIERS = {"kb": 1024, "mb": 1024**2, "gb": 1024**3, "tb": 1024**4, "pb": 1024**5}

_SIMPLE_PUNCT_CMD = {
    ";": K.SEMI,
    "(": K.LPAREN,
    ")": K.RPAREN,
    "{": K.LCURLY,
    "}": K.RCURLY,
    ",": K.COMMA,
}


def number_value(m: re.Match[str]) -> object:
    """The value of a number literal matched by _NUMBER (int, float or Decimal)."""
    mult = m.group("mult")
    factor = _MULTIPLIERS[mult.lower()] if mult else 1
    hx = m.group("hex")
    if hx is not None:
        return int(hx, 16) * factor
    text = m.group("dec")
    suffix = (m.group("dsuf") or "").lower()
    if suffix == "d":
        return Decimal(text) * factor
    if "." in text or "e" in text or "E" in text:
        v = float(text) * factor
        if suffix in ("l", "u", "ul", "y", "uy", "s", "us", "n") and v == int(v):
            return int(v)
        return v
    return int(text) * factor


def escape_char(c: str) -> str:
    return _ESCAPES.get(c, c)


class Tokenizer:
    """Scans tokens on demand from `pos`, in the mode the caller asks for. Never raises: problems
    come back as tokens of kind ERROR carrying an error_id (and F_INCOMPLETE when more input could fix them)."""

    def __init__(self, source: str, start: int = 0, end: int | None = None) -> None:
        self.src = source
        self.pos = start
        self.end = len(source) if end is None else end
        self.comments: dict[int, tuple[int, str]] = {}  # start offset -> (end offset, text)
        self.string_error: tuple[str, int] | None = None  # first bad escape seen by scan_expandable

    # ------------------------------------------------------------------ trivia
    def skip_trivia(self, pos: int) -> int:
        src = self.src
        end = self.end
        while pos < end:
            c = src[pos]
            if c in " \t`\f\v\u00a0\ufeff\u2028\u2029":
                m = _WS.match(src, pos, end)
                if m is None:
                    return pos  # a backtick that is not a line continuation
                pos = m.end()
            elif c == "#":
                m = _LINE_COMMENT.match(src, pos, end)
                assert m is not None
                self.comments[pos] = (m.end(), m.group())
                pos = m.end()
            elif c == "<" and src.startswith("<#", pos):
                close = src.find("#>", pos + 2, end)
                if close < 0:
                    return pos  # unterminated block comment: reported by scan()
                self.comments[pos] = (close + 2, src[pos : close + 2])
                pos = close + 2
            else:
                return pos
        return pos

    # ------------------------------------------------------------------ main scanner
    def scan(self, pos: int, mode: int) -> Token:
        """The next token at or after `pos` in the given mode."""
        src = self.src
        # Fast path: one regex recognises the commonest tokens (words, variables, parameters, punctuation,
        # newlines, simple numbers and strings); anything else goes through the full scanner below.
        # Parser.peek repeats this fast path inline: keep the two in step.
        m = (_FAST_CMD if mode == CMD else _FAST_EXPR).match(src, pos, self.end)
        if m is not None:
            g = m.lastgroup
            e = m.end()  # every fast-path group ends the match (what follows is look-ahead only)
            s = m.start(g)
            text = src[s:e]
            flags = 0
            if g == "punct":
                kind = _PUNCT_KINDS[text]
                value: object = None
            elif g == "var":
                kind = K.VARIABLE
                value = (text[1:], False)
            elif g == "word":
                kind = K.GENERIC
                value = text
            elif g == "nl":
                kind = K.NEWLINE
                value = None
            elif g == "assign":
                kind = K.ASSIGN
                value = text
                flags = F_OPERATOR
            elif g == "num":
                kind = K.NUMBER
                value = int(text)
            elif g == "param":
                kind = K.PARAMETER
                colon = text[-1] == ":"
                value = (text[1:-1] if colon else text[1:], colon)
            elif g == "dop":
                value = DASH_OPERATORS.get(text[1:].lower())
                kind = K.OPERATOR if value is not None else ""  # "": a parameter, scanned below
                flags = F_OPERATOR
            elif g == "sop":
                kind = K.OPERATOR
                value = _SYMBOL_OPERATORS[text]
                flags = F_OPERATOR
            elif g == "sq":
                kind = K.STRING_LITERAL
                value = text[1:-1]
            elif g == "dq":
                kind = K.STRING_EXPANDABLE
                value = text[1:-1]
            else:  # "eoi"
                kind = K.END_OF_INPUT
                value = None
            if kind:
                # built inline rather than through Token(...): the commonest allocation of a parse
                tok = _new_token(Token)
                tok.kind = kind
                tok.start = s
                tok.end = e
                tok.text = text
                tok.value = value
                tok.flags = flags
                tok.ws_before = s > pos or s == 0
                return tok
        return self.scan_slow(pos, mode)

    def scan_slow(self, pos: int, mode: int) -> Token:
        """scan() without its regex fast path (for callers that tried the fast path themselves)."""
        src = self.src
        if pos < self.end and src[pos] in _TRIVIA_START:
            p = self.skip_trivia(pos)
        else:
            p = pos
        tok = self._scan_at(p, mode)
        if p > pos or p == 0:
            tok.ws_before = True
        return tok

    def _error(self, start: int, end: int, error_id: str, incomplete: bool = False) -> Token:
        t = Token(K.ERROR, start, end, self.src[start:end], None, F_ERROR | (F_INCOMPLETE if incomplete else 0))
        t.error_id = error_id
        return t

    def _scan_at(self, p: int, mode: int) -> Token:
        src = self.src
        end = self.end
        if p >= end:
            return Token(K.END_OF_INPUT, end, end, "")
        c = src[p]
        if c == "\n":
            return Token(K.NEWLINE, p, p + 1, "\n")
        if c == "\r":
            q = p + 2 if src.startswith("\r\n", p) and p + 1 < end else p + 1
            return Token(K.NEWLINE, p, q, src[p:q])
        kind = _SIMPLE_PUNCT_CMD.get(c)
        if kind is not None:
            return Token(kind, p, p + 1, c)
        if c == "|":
            if p + 1 < end and src[p + 1] == "|":
                return Token(K.OR_OR, p, p + 2, "||")
            return Token(K.PIPE, p, p + 1, "|")
        if c == "&":
            if p + 1 < end and src[p + 1] == "&":
                return Token(K.AND_AND, p, p + 2, "&&")
            return Token(K.AMPERSAND, p, p + 1, "&")
        if c == "$":
            return self._scan_dollar(p, mode)
        if c in SQUOTES:
            tok = self._scan_single_quoted(p)
            return self._maybe_compound(tok, mode)
        if c in DQUOTES:
            tok = self._scan_double_quoted(p)
            return self._maybe_compound(tok, mode)
        if c == "@":
            return self._scan_at_sign(p, mode)
        if c == "`":
            if p + 1 >= end:
                return self._error(p, p + 1, "IncompleteLineContinuation", incomplete=True)
            if mode == CMD:
                return self._scan_generic(p)
            return self._error(p, p + 1, "UnexpectedToken")
        if c == "<" and src.startswith("<#", p):
            return self._error(p, end, "MissingTerminatorMultiLineComment", incomplete=True)
        if mode == CMD:
            return self._scan_cmd(p, c)
        return self._scan_expr(p, c)

    # ------------------------------------------------------------------ argument mode
    def _scan_cmd(self, p: int, c: str) -> Token:
        src = self.src
        end = self.end
        if c in DASHES:
            if src.startswith("--%", p) and (p + 3 >= end or src[p + 3] in TERMINATOR_CHARS):
                m = _STOP_PARSING_REST.match(src, p + 3, end)
                assert m is not None
                rest = m.group().strip()
                return Token(K.STOP_PARSING, p, m.end(), src[p : m.end()], rest)
            m = _PARAM.match(src, p, end)
            if m is not None:
                return Token(K.PARAMETER, p, m.end(), m.group(), (m.group(1), bool(m.group(2))))
            # a negative number?
            if p + 1 < end and (src[p + 1].isdigit() or src[p + 1] == "."):
                tok = self._try_number(p + 1, p, negative=True)
                if tok is not None:
                    return tok
            return self._scan_generic(p)
        if c == "[":
            return Token(K.LBRACKET, p, p + 1, "[")
        if c in "0123456789.":
            if c == "." and p + 1 < end and src[p + 1] in " \t\r\n\"'$({":
                return Token(K.DOT, p, p + 1, ".")
            if c == "." and p + 1 >= end:
                return Token(K.DOT, p, p + 1, ".")
            if c.isdigit() or (p + 1 < end and src[p + 1].isdigit()):
                m = _REDIRECTION.match(src, p, end)
                if m is not None and m.group(1) is not None:
                    return self._redirection(m)
                tok = self._try_number(p, p, negative=False)
                if tok is not None:
                    return tok
            return self._scan_generic(p)
        if c == ">" or (c == "*" and p + 1 < end and src[p + 1] == ">"):
            m = _REDIRECTION.match(src, p, end)
            assert m is not None
            return self._redirection(m)
        if c == "<":
            return self._error(p, p + 1, "RedirectionNotSupported")
        return self._scan_generic(p)

    def _redirection(self, m: re.Match[str]) -> Token:
        return Token(K.REDIRECTION, m.start(), m.end(), m.group(), (m.group(1) or "", m.group(2), m.group(3)))

    def _try_number(self, p: int, start: int, negative: bool) -> Token | None:
        """A number token in argument mode if the text at p is a whole number followed by a terminator."""
        m = _NUMBER.match(self.src, p, self.end)
        if m is None or m.end() == p:
            return None
        q = m.end()
        if q < self.end and self.src[q] not in TERMINATOR_CHARS:
            return None
        v = number_value(m)
        if negative:
            v = -v  # type: ignore[operator]
        return Token(K.NUMBER, start, q, self.src[start:q], v)

    def _scan_generic(self, p: int) -> Token:
        """A bareword in argument mode, up to the next terminator. Backticks escape, quoted parts are
        unquoted, `$(...)` is skipped balanced; a `$` expansion marks the token expandable (value None)."""
        src = self.src
        end = self.end
        i = p
        buf: list[str] = []
        expandable = False
        while i < end:
            m = _GENERIC_CHUNK.match(src, i, end)
            if m is not None and m.end() > i:
                buf.append(m.group())
                i = m.end()
                if i >= end:
                    break
            c = src[i]
            if c in _GENERIC_TERMINATORS:
                break
            if c == "`":
                if i + 1 >= end:
                    break
                n = src[i + 1]
                if n == "\n" or n == "\r":
                    break
                buf.append(escape_char(n))
                i += 2
            elif c in SQUOTES:
                t = self._scan_single_quoted(i)
                if t.kind == K.ERROR:
                    return self._error(p, t.end, t.error_id or "TerminatorExpectedAtEndOfString", True)
                buf.append(t.value)  # type: ignore[arg-type]
                i = t.end
            elif c in DQUOTES:
                t = self._scan_double_quoted(i)
                if t.kind == K.ERROR:
                    return self._error(p, t.end, t.error_id or "TerminatorExpectedAtEndOfString", True)
                if t.parts is not None:
                    expandable = True
                else:
                    buf.append(t.value)  # type: ignore[arg-type]
                i = t.end
            elif c == "$":
                if i + 1 < end and src[i + 1] == "(":
                    j = self.skip_balanced(i + 1)
                    if j < 0:
                        return self._error(p, end, "MissingEndParenthesisInSubexpression", True)
                    expandable = True
                    i = j
                else:
                    vm = _VAR.match(src, i, end)
                    if vm is not None:
                        if vm.group(3) == "" and vm.group(1) is None:
                            return self._error(p, end, "IncompleteDollarVariableReference", True)
                        expandable = True
                        i = vm.end()
                    else:
                        buf.append("$")
                        i += 1
            else:  # pragma: no cover - every other char is consumed by the chunk regex
                buf.append(c)
                i += 1
        if i == p:  # a lone terminator-like char we cannot place (defensive)
            i = p + 1
        text = src[p:i]
        return Token(K.GENERIC, p, i, text, None if expandable else "".join(buf))

    # ------------------------------------------------------------------ expression mode
    def _scan_expr(self, p: int, c: str) -> Token:
        src = self.src
        end = self.end
        n = src[p + 1] if p + 1 < end else ""
        if c in "0123456789" or (c == "." and n.isdigit()):
            m = _NUMBER.match(src, p, end)
            if m is not None and m.end() > p:
                q = m.end()
                if q < end and (src[q].isalnum() or src[q] == "_"):
                    # `7zip` in expression mode: not a number
                    gm = _IDENT.match(src, p, end)
                    q2 = gm.end() if gm else q
                    return Token(K.GENERIC, p, q2, src[p:q2], src[p:q2])
                return Token(K.NUMBER, p, q, src[p:q], number_value(m))
        if c in DASHES:
            if n in DASHES and n != "":
                return Token(K.OPERATOR, p, p + 2, src[p : p + 2], ("--", 0), F_OPERATOR)
            if n == "=":
                return Token(K.ASSIGN, p, p + 2, "-=", "-=", F_OPERATOR)
            m = _DASH_WORD.match(src, p, end)
            if m is not None:
                word = m.group(1).lower()
                op = DASH_OPERATORS.get(word)
                if op is not None:
                    return Token(K.OPERATOR, p, m.end(), m.group(), op, F_OPERATOR)
                pm = _PARAM.match(src, p, end)
                assert pm is not None
                return Token(K.PARAMETER, p, pm.end(), pm.group(), (pm.group(1), bool(pm.group(2))))
            return Token(K.OPERATOR, p, p + 1, c, ("-", SYMBOL_PRECEDENCE["-"]), F_OPERATOR)
        if c == "+":
            if n == "+":
                return Token(K.OPERATOR, p, p + 2, "++", ("++", 0), F_OPERATOR)
            if n == "=":
                return Token(K.ASSIGN, p, p + 2, "+=", "+=", F_OPERATOR)
            return Token(K.OPERATOR, p, p + 1, "+", ("+", SYMBOL_PRECEDENCE["+"]), F_OPERATOR)
        if c in "*/%":
            if c == "*" and n == ">":
                m = _REDIRECTION.match(src, p, end)
                assert m is not None
                return self._redirection(m)
            if n == "=":
                return Token(K.ASSIGN, p, p + 2, c + "=", c + "=", F_OPERATOR)
            return Token(K.OPERATOR, p, p + 1, c, (c, SYMBOL_PRECEDENCE[c]), F_OPERATOR)
        if c == "=":
            return Token(K.ASSIGN, p, p + 1, "=", "=", F_OPERATOR)
        if c == "!":
            return Token(K.OPERATOR, p, p + 1, "!", ("!", 0), F_OPERATOR)
        if c == ".":
            if n == ".":
                return Token(K.OPERATOR, p, p + 2, "..", ("..", SYMBOL_PRECEDENCE[".."]), F_OPERATOR)
            return Token(K.DOT, p, p + 1, ".")
        if c == ":":
            if n == ":":
                return Token(K.COLON_COLON, p, p + 2, "::")
            return Token(K.COLON, p, p + 1, ":")
        if c == "?":
            if n == "?":
                if p + 2 < end and src[p + 2] == "=":
                    return Token(K.ASSIGN, p, p + 3, "??=", "??=", F_OPERATOR)
                return Token(K.OPERATOR, p, p + 2, "??", ("??", SYMBOL_PRECEDENCE["??"]), F_OPERATOR)
            if n == ".":
                return Token(K.QUESTION_DOT, p, p + 2, "?.")
            if n == "[":
                return Token(K.QUESTION_LBRACKET, p, p + 2, "?[")
            return Token(K.QUESTION_MARK, p, p + 1, "?", None, F_OPERATOR)
        if c == "[":
            return Token(K.LBRACKET, p, p + 1, "[")
        if c == "]":
            return Token(K.RBRACKET, p, p + 1, "]")
        if c == ">" or (c in "123456" and n == ">"):
            m = _REDIRECTION.match(src, p, end)
            assert m is not None
            return self._redirection(m)
        if c == "<":
            return self._error(p, p + 1, "RedirectionNotSupported")
        m = _IDENT.match(src, p, end)
        if m is not None:
            return Token(K.GENERIC, p, m.end(), m.group(), m.group())
        return self._error(p, p + 1, "UnexpectedToken")

    # ------------------------------------------------------------------ shared pieces
    def _scan_dollar(self, p: int, mode: int) -> Token:
        src = self.src
        end = self.end
        if p + 1 < end and src[p + 1] == "(":
            return Token(K.DOLLAR_PAREN, p, p + 2, "$(")
        m = _VAR.match(src, p, end)
        if m is None:
            if mode == CMD:
                return self._scan_generic(p)
            return self._error(p, p + 1, "InvalidVariableReference")
        if m.group(1) is None:
            if m.group(3) == "":
                return self._error(p, end, "IncompleteDollarVariableReference", incomplete=True)
            name = re.sub(r"`(.)", r"\1", m.group(2), flags=re.S)
            tok = Token(K.VARIABLE, p, m.end(), m.group(), (name, True))
        else:
            tok = Token(K.VARIABLE, p, m.end(), m.group(), (m.group(1), False))
        if mode == CMD:
            q = tok.end
            if q < end:
                c = src[q]
                if c not in TERMINATOR_CHARS and c not in ".[":
                    if c == ":" and q + 1 < end and src[q + 1] == ":":
                        return tok
                    return self._scan_generic(p)
        return tok

    def _maybe_compound(self, tok: Token, mode: int) -> Token:
        """In argument mode a quoted string glued to more text (`"a"b`) is one bareword argument."""
        if mode != CMD or tok.kind == K.ERROR:
            return tok
        q = tok.end
        if q < self.end and self.src[q] not in TERMINATOR_CHARS and self.src[q] not in ".[":
            return self._scan_generic(tok.start)
        return tok

    def _scan_at_sign(self, p: int, mode: int) -> Token:
        src = self.src
        end = self.end
        n = src[p + 1] if p + 1 < end else ""
        if n == "(":
            return Token(K.AT_PAREN, p, p + 2, "@(")
        if n == "{":
            return Token(K.AT_CURLY, p, p + 2, "@{")
        if n and n in DQUOTES + SQUOTES:
            return self._scan_here_string(p)
        m = _SPLAT.match(src, p, end)
        if m is not None:
            return Token(K.SPLATTED_VARIABLE, p, m.end(), m.group(), m.group(1))
        if mode == CMD:
            return self._scan_generic(p)
        return self._error(p, p + 1, "UnrecognizedToken")

    def _scan_single_quoted(self, p: int) -> Token:
        src = self.src
        end = self.end
        i = p + 1
        buf: list[str] = []
        while True:
            m = _SQ_BODY.match(src, i, end)
            assert m is not None
            buf.append(m.group())
            i = m.end()
            if i >= end:
                t = self._error(p, end, "TerminatorExpectedAtEndOfString", incomplete=True)
                return t
            if i + 1 < end and src[i + 1] in SQUOTES:
                buf.append("'")
                i += 2
                continue
            i += 1
            break
        return Token(K.STRING_LITERAL, p, i, src[p:i], "".join(buf))

    def _scan_double_quoted(self, p: int) -> Token:
        self.string_error = None
        end_pos, ok, parts, value = self.scan_expandable(p + 1, self.end, quoted=True)
        if self.string_error is not None:
            eid, at = self.string_error
            self.string_error = None
            t = self._error(p, end_pos if ok else self.end, eid, incomplete=not ok)
            t.value = at  # the offset of the bad escape
            return t
        if not ok:
            return self._error(p, self.end, "TerminatorExpectedAtEndOfString", incomplete=True)
        tok = Token(K.STRING_EXPANDABLE, p, end_pos, self.src[p:end_pos], value)
        tok.parts = parts
        return tok

    def scan_expandable(
        self, i: int, limit: int, quoted: bool, here: bool = False
    ) -> tuple[int, bool, list | None, str | None]:
        """Scan expandable text from i. Returns (end, terminated, parts, value): parts is None when
        nothing expands (value is then the processed text); otherwise parts interleaves literal str
        and ('var', start, end, name, braced) / ('sub', start, end) tuples (source offsets, `$(`..`)`)."""
        src = self.src
        chunk = _DQ_CHUNK if quoted else _HERE_DQ_CHUNK
        buf: list[str] = []
        parts: list | None = None
        while True:
            m = chunk.match(src, i, limit)
            assert m is not None
            if m.end() > i:
                buf.append(m.group())
                i = m.end()
            if i >= limit:
                if quoted:
                    return limit, False, None, None
                break
            c = src[i]
            if c == "`":
                if i + 1 >= limit:
                    if quoted:
                        return limit, False, None, None
                    buf.append("`")
                    i += 1
                    continue
                n = src[i + 1]
                if n == "u" and i + 2 < limit and src[i + 2] == "{":
                    i = self._unicode_escape(i, limit, buf)
                    continue
                buf.append(escape_char(n))
                i += 2
            elif c == "$":
                if i + 1 < limit and src[i + 1] == "(":
                    j = self.skip_balanced(i + 1, limit)
                    if j < 0:
                        return limit, False, None, None
                    if parts is None:
                        parts = []
                    if buf:
                        parts.append("".join(buf))
                        buf = []
                    parts.append(("sub", i, j))
                    i = j
                    continue
                vm = _VAR_NAME_IN_STRING.match(src, i, limit)
                if vm is None:
                    buf.append("$")
                    i += 1
                    continue
                if parts is None:
                    parts = []
                if buf:
                    parts.append("".join(buf))
                    buf = []
                if vm.group(1) is not None:
                    parts.append(("var", i, vm.end(), vm.group(1), False))
                else:
                    parts.append(("var", i, vm.end(), re.sub(r"`(.)", r"\1", vm.group(2), flags=re.S), True))
                i = vm.end()
            else:  # a double quote
                if i + 1 < limit and src[i + 1] in DQUOTES:
                    buf.append('"')
                    i += 2
                    continue
                i += 1
                break
        if parts is None:
            return i, True, None, "".join(buf)
        if buf:
            parts.append("".join(buf))
        return i, True, parts, None

    def _unicode_escape(self, i: int, limit: int, buf: list[str]) -> int:
        """`u{hex} at i (the backtick); appends the character and returns the offset after it. A malformed
        escape records the first error in self.string_error, as (PowerShell error id, offset)."""
        src = self.src
        j = i + 3
        k = j
        while k < limit and k - j < 7 and src[k] in _HEX_DIGITS:
            k += 1
        err: tuple[str, int] | None = None
        if k - j > 6:
            err = ("TooManyDigitsInUnicodeEscapeSequence", j + 6)
        elif k < limit and src[k] == "}":
            if k == j:
                err = ("InvalidUnicodeEscapeSequence", i)
            else:
                cp = int(src[j:k], 16)
                if cp > 0x10FFFF:
                    err = ("InvalidUnicodeEscapeSequenceValue", j)
                else:
                    buf.append(chr(cp))
                    return k + 1
        elif k - j == 6:
            err = ("MissingUnicodeEscapeSequenceTerminator", k)
        else:
            err = ("InvalidUnicodeEscapeSequence", k)
        if self.string_error is None:
            self.string_error = err
        buf.append("u")
        return min(k + 1 if k < limit and src[k] == "}" else k, limit) if k > i + 3 else i + 3

    def skip_balanced(self, p: int, limit: int | None = None) -> int:
        """p is at '('; returns the offset just after the matching ')', or -1 when input ends first."""
        src = self.src
        end = self.end if limit is None else limit
        depth = 0
        i = p
        while i < end:
            m = _BAL_INTERESTING.search(src, i, end)
            if m is None:
                return -1
            i = m.start()
            c = src[i]
            if c == "(":
                depth += 1
                i += 1
            elif c == ")":
                depth -= 1
                i += 1
                if depth == 0:
                    return i
            elif c == "`":
                i += 2
            elif c == "#":
                if i > 0 and src[i - 1] == "<":
                    close = src.find("#>", i + 1, end)
                    if close < 0:
                        return -1
                    i = close + 2
                elif i == 0 or src[i - 1] in " \t\r\n(;":
                    nl = src.find("\n", i, end)
                    if nl < 0:
                        return -1
                    i = nl
                else:
                    i += 1
            elif c in SQUOTES:
                if i > 0 and src[i - 1] == "@":
                    t = self._scan_here_string(i - 1)
                else:
                    t = self._scan_single_quoted(i)
                if t.kind == K.ERROR:
                    return -1
                i = t.end
            else:
                if i > 0 and src[i - 1] == "@":
                    t = self._scan_here_string(i - 1)
                    if t.kind == K.ERROR:
                        return -1
                    i = t.end
                else:
                    j, ok, _, _ = self.scan_expandable(i + 1, end, quoted=True)
                    if not ok:
                        return -1
                    i = j
        return -1

    def _scan_here_string(self, p: int) -> Token:
        src = self.src
        end = self.end
        q = src[p + 1]
        expandable = q in DQUOTES
        hm = _HERE_HEADER_REST.match(src, p + 2, end)
        if hm is None:
            return self._error(p, p + 2, "UnexpectedCharactersAfterHereStringHeader")
        if hm.group(1) == "":
            return self._error(p, end, "TerminatorExpectedAtEndOfString", incomplete=True)
        body_start = hm.end()
        closer = (_HERE_DQ_END if expandable else _HERE_SQ_END).search(src, body_start - 1, end)
        if closer is None:
            return self._error(p, end, "TerminatorExpectedAtEndOfString", incomplete=True)
        k = closer.start()
        body_end = k if k >= body_start else body_start
        if body_end > body_start and src[body_end - 1] == "\r":
            body_end -= 1
        tok_end = closer.end()
        if not expandable:
            tok = Token(K.HERE_STRING_LITERAL, p, tok_end, src[p:tok_end], src[body_start:body_end])
            return tok
        _, _, parts, value = self.scan_expandable(body_start, body_end, quoted=False, here=True)
        tok = Token(K.HERE_STRING_EXPANDABLE, p, tok_end, src[p:tok_end], value)
        tok.parts = parts
        return tok

    # ------------------------------------------------------------------ special scans used by the parser
    def scan_member_name(self, p: int) -> Token | None:
        """A member name (identifier) exactly at p, or None."""
        m = _MEMBER_NAME.match(self.src, p, self.end)
        if m is None:
            return None
        return Token(K.IDENTIFIER, p, m.end(), m.group(), m.group())

    def scan_type_name(self, p: int) -> tuple[str, int] | None:
        """A type name starting at p (inside `[`), e.g. `string[]`, `System.Collections.Generic.List[string]`,
        `Dictionary[string,int]`. Returns (name as written, end offset) or None."""
        src = self.src
        end = self.end
        m = _TYPE_NAME.match(src, p, end)
        if m is None or m.end() == p:
            return None
        i = m.end()
        while i < end and src[i] == "[":
            j = i + 1
            while j < end and src[j] in " \t":
                j += 1
            if j < end and src[j] in "],":
                # array rank: [] or [,]
                while j < end and src[j] in ", \t":
                    j += 1
                if j < end and src[j] == "]":
                    i = j + 1
                    continue
                return None
            # generic arguments
            args_ok = False
            while True:
                while j < end and src[j] in " \t":
                    j += 1
                bracketed = j < end and src[j] == "["
                if bracketed:
                    j += 1
                r = self.scan_type_name(j)
                if r is None:
                    return None
                j = r[1]
                while j < end and src[j] in " \t":
                    j += 1
                if bracketed:
                    if j >= end or src[j] != "]":
                        return None
                    j += 1
                    while j < end and src[j] in " \t":
                        j += 1
                if j < end and src[j] == ",":
                    j += 1
                    continue
                if j < end and src[j] == "]":
                    args_ok = True
                    j += 1
                break
            if not args_ok:
                return None
            i = j
        return src[p:i], i


_TYPE_NAME = re.compile(r"[\w.`+#]+")


# ---------------------------------------------------------------------------------------------- tolerant API

_START, _ARGS, _EXPR, _CMDNAME, _HASHKEY, _FUNCNAME = range(6)
_VALUE_KINDS = frozenset(
    {K.VARIABLE, K.RPAREN, K.RBRACKET, K.STRING_LITERAL, K.STRING_EXPANDABLE, K.IDENTIFIER, K.MEMBER, K.RCURLY}
)
_OPERATOR_KINDS = frozenset(
    {K.OPERATOR, K.ASSIGN, K.PIPE, K.AND_AND, K.OR_OR, K.AMPERSAND, K.REDIRECTION, K.QUESTION_MARK,
     K.COLON_COLON, K.QUESTION_DOT, K.STOP_PARSING}
)  # fmt: skip
_AFTER_KEYWORD_FUNCNAME = frozenset({"function", "filter", "workflow"})


def tokenize(text: str) -> list[Token]:
    """Tokens of `text` for highlighting. Never raises. Each token has kind, text, start/end, extent and
    flags (is_command_name, is_keyword, is_operator, is_member, is_type, is_error); comments are included."""
    from vboshell.language.tokens import F_COMMAND_NAME, F_KEYWORD, F_MEMBER, F_TYPE, KEYWORDS

    try:
        return _tokenize(text, F_COMMAND_NAME, F_KEYWORD, F_MEMBER, F_TYPE, KEYWORDS)
    except Exception:  # pragma: no cover - defensive: the highlighter must never see an exception
        t = Token(K.ERROR, 0, len(text), text, None, F_ERROR)
        _fill_extents(text, [t])
        return [t]


def _tokenize(text: str, F_COMMAND_NAME: int, F_KEYWORD: int, F_MEMBER: int, F_TYPE: int, KEYWORDS: frozenset) -> list[Token]:  # noqa: N803
    tz = Tokenizer(text)
    out: list[Token] = []
    pos = 0
    end = len(text)
    state = _START
    stack: list[tuple[int, str]] = []
    prev: Token | None = None
    seen_comments: set[int] = set()
    n_comments = 0
    sig: Token | None = None  # the last two tokens other than newlines (to tell statement bodies from values)
    sig2: Token | None = None
    guard = 0
    while True:
        guard += 1
        if guard > 4 * end + 100:  # pragma: no cover - defensive
            break
        p = tz.skip_trivia(pos)
        if len(tz.comments) > n_comments:  # comments found by skip_trivia since the last token
            for cs, (ce, ctext) in list(tz.comments.items())[n_comments:]:
                if cs not in seen_comments:
                    seen_comments.add(cs)
                    out.append(Token(K.COMMENT, cs, ce, ctext))
            n_comments = len(tz.comments)
        c = text[p] if p < end else ""
        # member access directly after a value: .Name / ::Name / ?.Name
        if prev is not None and p == prev.end and prev.kind in _VALUE_KINDS and c in ".:?" and c:
            q = p + (2 if text.startswith(("::", "?."), p) else 1)
            if c == ":" and not text.startswith("::", p):
                q = -1
            if c == "?" and not text.startswith("?.", p):
                q = -1
            if q > 0 and not text.startswith("..", p):
                m = tz.scan_member_name(q) if q < end else None
                op = Token(K.DOT if q == p + 1 else (K.COLON_COLON if c == ":" else K.QUESTION_DOT), p, q, text[p:q],
                           None, F_OPERATOR)  # fmt: skip
                out.append(op)
                if m is not None:
                    m.kind = K.MEMBER
                    m.flags |= F_MEMBER
                    out.append(m)
                    prev = m
                    pos = m.end
                else:
                    prev = op
                    pos = q
                sig2, sig = sig, prev
                continue
        if state == _START:
            n = text[p + 1] if p + 1 < end else ""
            if c and (c in "$@([{!+,'\"0123456789" or c in SQUOTES or c in DQUOTES or (c in DASHES and (n.isdigit() or n in " \t$(")) or (c == "." and n.isdigit())):
                mode = EXPR
            else:
                mode = CMD
        elif state in (_ARGS, _CMDNAME, _FUNCNAME):
            mode = CMD
        else:
            mode = EXPR
        if state in (_EXPR, _START) and c == "[" and not (prev is not None and prev.end == p and prev.kind in _VALUE_KINDS):
            # a type literal or attribute: `[int]`, `[Parameter(Mandatory)]`
            r = tz.scan_type_name(p + 1)
            out.append(Token(K.LBRACKET, p, p + 1, "["))
            stack.append((_EXPR, "bracket"))
            state = _EXPR
            if r is not None:
                name, q = r
                out.append(Token(K.TYPE, p + 1, q, name, name, F_TYPE))
                pos = q
            else:
                pos = p + 1
            prev = out[-1]
            continue
        tok = tz.scan(pos, mode)
        k = tok.kind
        if k == K.END_OF_INPUT:
            break
        if tok.end <= pos and k != K.END_OF_INPUT:  # pragma: no cover - defensive progress guarantee
            tok = Token(K.ERROR, pos, pos + 1, text[pos : pos + 1], None, F_ERROR)
            k = K.ERROR
        if k == K.LBRACKET and state == _ARGS:
            tok = tz._scan_generic(tok.start)  # `[abc]` is a bareword argument
            k = tok.kind
        if k in _OPERATOR_KINDS:
            tok.flags |= F_OPERATOR
        if k == K.ERROR:
            tok.flags |= F_ERROR
        word = tok.text.lower() if k == K.GENERIC else ""
        if state == _START:
            if k == K.GENERIC:
                if word in KEYWORDS:
                    tok.flags |= F_KEYWORD
                    tok.kind = K.KEYWORD
                    state = _FUNCNAME if word in _AFTER_KEYWORD_FUNCNAME else _START
                elif word.startswith(":") and len(word) > 1:
                    tok.kind = K.LABEL
                else:
                    tok.flags |= F_COMMAND_NAME
                    state = _ARGS
            elif k in (K.AMPERSAND, K.DOT):
                tok.flags |= F_OPERATOR
                state = _CMDNAME
            elif k in (K.NEWLINE, K.SEMI, K.PIPE):
                state = _START
            else:
                state = _EXPR
        elif state == _CMDNAME:
            if k == K.GENERIC:
                tok.flags |= F_COMMAND_NAME
            state = _ARGS
        elif state == _FUNCNAME:
            if k == K.GENERIC:
                tok.flags |= F_COMMAND_NAME
            state = _START
        elif state == _HASHKEY:
            if k == K.ASSIGN:
                state = _START
            elif k == K.GENERIC:
                tok.flags |= F_MEMBER
        elif state == _EXPR:
            if k == K.GENERIC and word in ("in", "until", "while"):
                tok.flags |= F_KEYWORD
                tok.kind = K.KEYWORD
            elif k in (K.ASSIGN, K.PIPE, K.NEWLINE, K.SEMI, K.AND_AND, K.OR_OR):
                state = _START
        elif state == _ARGS:
            if k in (K.PIPE, K.NEWLINE, K.SEMI, K.AND_AND, K.OR_OR):
                state = _START
        # brackets
        if k in (K.LPAREN, K.DOLLAR_PAREN, K.AT_PAREN, K.LCURLY):
            ret = state if state != _START else _EXPR
            if k == K.LPAREN and prev is not None and prev.kind == K.KEYWORD and prev.text.lower() == "param":
                ret = _START
            body = k == K.LCURLY and (
                sig is None or sig.kind in (K.RPAREN, K.KEYWORD, K.TYPE, K.RBRACKET)
                or (sig.kind == K.GENERIC and sig2 is not None and sig2.kind == K.KEYWORD)
            )  # fmt: skip
            stack.append((ret, "body" if body else "block"))
            state = _START
        elif k == K.AT_CURLY:
            stack.append((state if state != _START else _EXPR, "hash"))
            state = _HASHKEY
        elif k in (K.RPAREN, K.RCURLY, K.RBRACKET):
            entry = stack.pop() if stack else (_START, "")
            state = entry[0]
            if k == K.RCURLY and state == _EXPR and entry[1] == "body" and (not stack or stack[-1][1] != "hash"):
                # `}` of a statement body (if/foreach/function ...): what follows starts a statement
                state = _START
        elif k in (K.NEWLINE, K.SEMI) and stack and stack[-1][1] == "hash":
            state = _HASHKEY
        out.append(tok)
        prev = tok
        if k != K.NEWLINE:
            sig2, sig = sig, tok
        pos = tok.end
    for cs in sorted(c for c in tz.comments if c not in seen_comments):
        ce, ctext = tz.comments[cs]
        out.append(Token(K.COMMENT, cs, ce, ctext))
    out.sort(key=lambda t: t.start)
    _fill_extents(text, out)
    return out


def _fill_extents(text: str, tokens: list[Token]) -> None:
    from bisect import bisect_right

    from vboshell.language.ast import Extent

    starts = [0]
    i = text.find("\n")
    while i >= 0:
        starts.append(i + 1)
        i = text.find("\n", i + 1)
    for t in tokens:
        sl = bisect_right(starts, t.start)
        el = bisect_right(starts, t.end)
        t.extent = Extent(text, t.start, t.end, sl, t.start - starts[sl - 1] + 1, el, t.end - starts[el - 1] + 1)
