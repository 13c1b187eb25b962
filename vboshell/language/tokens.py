"""Token kinds, flags and operator tables of vboshell's PowerShell-dialect tokenizer.
Kinds are plain strings (cheap to compare); `Token` is the unit both the parser and the REPL highlighter consume."""

from __future__ import annotations

from vboshell.language.ast import Extent


class TokenKind:
    """Token kinds, named after PowerShell's TokenKind values where one exists."""

    END_OF_INPUT = "EndOfInput"
    NEWLINE = "NewLine"
    LINE_CONTINUATION = "LineContinuation"  # only in tokenize() output
    COMMENT = "Comment"  # only in tokenize() output
    SEMI = "Semi"
    PIPE = "Pipe"
    AND_AND = "AndAnd"
    OR_OR = "OrOr"
    AMPERSAND = "Ampersand"
    LPAREN = "LParen"
    RPAREN = "RParen"
    LCURLY = "LCurly"
    RCURLY = "RCurly"
    LBRACKET = "LBracket"
    RBRACKET = "RBracket"
    AT_PAREN = "AtParen"
    AT_CURLY = "AtCurly"
    DOLLAR_PAREN = "DollarParen"
    COMMA = "Comma"
    DOT = "Dot"
    COLON_COLON = "ColonColon"
    COLON = "Colon"
    QUESTION_MARK = "QuestionMark"  # ternary '?'
    QUESTION_DOT = "QuestionDot"
    QUESTION_LBRACKET = "QuestionLBracket"
    GENERIC = "Generic"  # bareword / command name / argument text
    IDENTIFIER = "Identifier"  # member name after '.' or '::'
    TYPE = "Type"  # type literal text inside [...] (tokenize() output and parser)
    KEYWORD = "Keyword"  # only in tokenize() output (the parser recognises keywords by position)
    PARAMETER = "Parameter"
    VARIABLE = "Variable"
    SPLATTED_VARIABLE = "SplattedVariable"
    NUMBER = "Number"
    STRING_LITERAL = "StringLiteral"
    STRING_EXPANDABLE = "StringExpandable"
    HERE_STRING_LITERAL = "HereStringLiteral"
    HERE_STRING_EXPANDABLE = "HereStringExpandable"
    OPERATOR = "Operator"  # binary/unary operators; value holds the normalised spelling
    ASSIGN = "Assign"  # '=', '+=', ..., '??='
    REDIRECTION = "Redirection"
    STOP_PARSING = "StopParsing"  # '--%' (value: the rest of the line)
    LABEL = "Label"  # only in tokenize() output
    MEMBER = "Member"  # only in tokenize() output
    ERROR = "Error"  # unterminated string, stray character, ...


# Flags (bit set) carried by tokens; the highlighter reads them.
F_NONE = 0
F_KEYWORD = 1
F_COMMAND_NAME = 2
F_OPERATOR = 4
F_ERROR = 8
F_MEMBER = 16
F_TYPE = 32
F_INCOMPLETE = 64  # the error can be fixed by more input (unterminated string/here-string, `...)


class Token:
    """One token. `start`/`end` are 0-based offsets into the source (end exclusive)."""

    # The attributes every token sets are slots; the rarely set ones (parts, extent, error_id) default to the
    # class-level None and go to an instance dict only when set (fewer stores per token: the parser scans ~35,000
    # tokens for a 5,000-line script).
    __slots__ = ("kind", "text", "start", "end", "value", "flags", "ws_before", "__dict__")

    parts: list | None = None  # expandable strings: segments (see Tokenizer.scan_expandable)
    extent: Extent | None = None  # filled by tokenize(); the parser works on offsets
    error_id: str | None = None

    def __init__(self, kind: str, start: int, end: int, text: str, value: object = None, flags: int = 0) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.text = text
        self.value = value
        self.flags = flags
        self.ws_before = False

    @property
    def is_keyword(self) -> bool:
        return bool(self.flags & F_KEYWORD)

    @property
    def is_command_name(self) -> bool:
        return bool(self.flags & F_COMMAND_NAME)

    @property
    def is_operator(self) -> bool:
        return bool(self.flags & F_OPERATOR)

    @property
    def is_error(self) -> bool:
        return bool(self.flags & F_ERROR)

    @property
    def is_member(self) -> bool:
        return bool(self.flags & F_MEMBER)

    @property
    def is_type(self) -> bool:
        return bool(self.flags & F_TYPE)

    def __repr__(self) -> str:
        return f"Token({self.kind}, {self.text!r}, {self.start}:{self.end})"


# Keywords recognised at statement start.
KEYWORDS = frozenset(
    {
        "begin", "break", "catch", "class", "continue", "data", "do", "dynamicparam", "else", "elseif", "end",
        "enum", "exit", "filter", "finally", "for", "foreach", "from", "function", "if", "in", "param",
        "process", "return", "switch", "throw", "trap", "try", "until", "using", "while", "workflow",
    }
)  # fmt: skip

# Binary precedences (PowerShell's TokenFlags.BinaryPrecedence* values).
PREC_LOGICAL = 1
PREC_BITWISE = 2
PREC_COMPARISON = 5
PREC_COALESCE = 7
PREC_ADD = 9
PREC_MULTIPLY = 10
PREC_FORMAT = 12
PREC_RANGE = 13

_COMPARISON_BASES = (
    "eq", "ne", "gt", "ge", "lt", "le", "like", "notlike", "match", "notmatch", "replace", "contains",
    "notcontains", "in", "notin", "split",
)  # fmt: skip

# Dash operators: lower-case spelling without dash -> (normalised operator, binary precedence or 0)
DASH_OPERATORS: dict[str, tuple[str, int]] = {}
for _b in _COMPARISON_BASES:
    DASH_OPERATORS[_b] = ("-" + _b, PREC_COMPARISON)
    DASH_OPERATORS["i" + _b] = ("-" + _b, PREC_COMPARISON)
    DASH_OPERATORS["c" + _b] = ("-c" + _b, PREC_COMPARISON)
for _b, _p in (
    ("join", PREC_COMPARISON), ("is", PREC_COMPARISON), ("isnot", PREC_COMPARISON), ("as", PREC_COMPARISON),
    ("shl", PREC_COMPARISON), ("shr", PREC_COMPARISON),
    ("and", PREC_LOGICAL), ("or", PREC_LOGICAL), ("xor", PREC_LOGICAL),
    ("band", PREC_BITWISE), ("bor", PREC_BITWISE), ("bxor", PREC_BITWISE),
    ("f", PREC_FORMAT), ("not", 0), ("bnot", 0),
):  # fmt: skip
    DASH_OPERATORS[_b] = ("-" + _b, _p)

# Operators that may be used as prefix (unary) operators.
UNARY_OPERATORS = frozenset({"-not", "-bnot", "-split", "-csplit", "-join", "!", "-", "+", "++", "--", ","})

SYMBOL_PRECEDENCE: dict[str, int] = {
    "+": PREC_ADD,
    "-": PREC_ADD,
    "*": PREC_MULTIPLY,
    "/": PREC_MULTIPLY,
    "%": PREC_MULTIPLY,
    "..": PREC_RANGE,
    "??": PREC_COALESCE,
}

ASSIGNMENT_OPERATORS = frozenset({"=", "+=", "-=", "*=", "/=", "%=", "??="})

STREAM_NAMES = {
    "1": "Output",
    "2": "Error",
    "3": "Warning",
    "4": "Verbose",
    "5": "Debug",
    "6": "Information",
    "*": "All",
    "": "Output",
}
