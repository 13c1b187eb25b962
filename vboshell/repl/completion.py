"""Tab completion for the REPL: commands, parameters, ValidateSet values, variables, members and paths.
`complete(text_before_cursor, context)` is the engine (pure, testable); `VboCompleter` adapts it to prompt_toolkit."""

from __future__ import annotations

import enum
import fnmatch
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from vboshell.commands.base import Parameter
from vboshell.repl import cmdinfo, members

KEYWORDS = (
    "begin", "break", "catch", "class", "continue", "data", "do", "dynamicparam", "else", "elseif", "end",
    "exit", "filter", "finally", "for", "foreach", "function", "if", "in", "param", "process", "return",
    "switch", "throw", "trap", "try", "until", "while",
)
KEYWORD_SET = frozenset(KEYWORDS)

OPERATORS: tuple[tuple[str, str], ...] = (
    ("-eq", "equal"), ("-ne", "not equal"), ("-gt", "greater than"), ("-ge", "greater or equal"),
    ("-lt", "less than"), ("-le", "less or equal"), ("-like", "wildcard match"), ("-notlike", "wildcard non-match"),
    ("-match", "regex match, fills $Matches"), ("-notmatch", "regex non-match"), ("-contains", "collection contains"),
    ("-notcontains", "collection does not contain"), ("-in", "value in collection"), ("-notin", "value not in collection"),
    ("-replace", "regex replace"), ("-split", "regex split"), ("-join", "join with separator"), ("-and", "logical and"),
    ("-or", "logical or"), ("-xor", "logical exclusive or"), ("-not", "logical not"), ("-band", "bitwise and"),
    ("-bor", "bitwise or"), ("-bxor", "bitwise exclusive or"), ("-is", "type test"), ("-isnot", "negated type test"),
    ("-as", "type conversion"), ("-f", "format string"), ("-ceq", "case-sensitive equal"), ("-cne", "case-sensitive not equal"),
    ("-clike", "case-sensitive wildcard match"), ("-cmatch", "case-sensitive regex match"),
    ("-creplace", "case-sensitive replace"), ("-csplit", "case-sensitive split"),
)

TYPE_ACCELERATORS = (
    "array", "bool", "datetime", "decimal", "double", "guid", "hashtable", "int", "long", "math", "ordered",
    "PSCustomObject", "regex", "string", "timespan", "System.IO.Path", "Environment", "securestring", "switch",
    "scriptblock", "char", "byte", "xml",
)

AUTOMATIC_VARIABLES = (
    "true", "false", "null", "_", "PSItem", "args", "input", "Error", "LASTEXITCODE", "PSScriptRoot",
    "PSCommandPath", "MyInvocation", "ErrorActionPreference", "VerbosePreference", "WarningPreference",
    "ProgressPreference", "ConfirmPreference", "Host", "HOME", "PWD", "PROFILE", "PSVersionTable", "Matches",
)

_SEPARATORS = set("|;{}()\n")
_COMMAND_NAME_ARGS = frozenset({"get-help", "get-command"})  # their -Name takes a command name
_PATHLIKE_STARTS = (".\\", "./", "..\\", "../", "/", "~", "\\")


@dataclass
class Item:
    """One completion: replace `replace_len` characters before the cursor with `text`."""

    text: str
    replace_len: int
    display: str = ""
    meta: str = ""
    kind: str = ""

    def __post_init__(self) -> None:
        if not self.display:
            self.display = self.text


@dataclass
class Analysis:
    """Where the cursor is, lexically: the partial word and the command it belongs to."""

    word: str = ""  # raw text of the partial word before the cursor (quotes included)
    words: list[str] = field(default_factory=list)  # earlier words of the current command, quotes removed
    raw_words: list[str] = field(default_factory=list)
    command_position: bool = True  # the word is the command name
    expression: bool = False  # the segment is an expression ($x ..., (1 + ...), 'a' ...), not a command
    in_string: str = ""  # "'" or '"' when the cursor is inside an unterminated string
    in_comment: bool = False
    after_call_operator: bool = False


def _unquote(word: str) -> str:
    if len(word) >= 2 and word[0] in "'\"" and word[-1] == word[0]:
        return word[1:-1]
    if word[:1] in "'\"":
        return word[1:]
    return word


def analyze(text: str) -> Analysis:
    """Scan the text before the cursor like the tokenizer's command mode, tolerant of anything unfinished."""
    a = Analysis()
    words: list[str] = []
    cur: list[str] = []
    quote = ""
    i = 0
    n = len(text)
    block_comment = False
    line_comment = False

    def end_word() -> None:
        if cur:
            words.append("".join(cur))
            cur.clear()

    def reset() -> None:
        cur.clear()
        words.clear()

    while i < n:
        c = text[i]
        if block_comment:
            if text.startswith("#>", i):
                block_comment = False
                i += 2
                continue
            i += 1
            continue
        if line_comment:
            if c == "\n":
                line_comment = False
                reset()
            i += 1
            continue
        if quote:
            cur.append(c)
            if c == "`" and quote == '"' and i + 1 < n:
                cur.append(text[i + 1])
                i += 2
                continue
            if c == quote:
                if i + 1 < n and text[i + 1] == quote:  # doubled quote is an escaped quote
                    cur.append(text[i + 1])
                    i += 2
                    continue
                quote = ""
            i += 1
            continue
        if c in "'\"":
            quote = c
            cur.append(c)
            i += 1
            continue
        if c == "`":
            if i + 1 < n and text[i + 1] == "\n":  # line continuation
                end_word()
                i += 2
                continue
            cur.append(c)
            if i + 1 < n:
                cur.append(text[i + 1])
            i += 2
            continue
        if c == "<" and text.startswith("<#", i):
            end_word()
            block_comment = True
            i += 2
            continue
        if c == "#" and not cur:
            line_comment = True
            i += 1
            continue
        if c in " \t\r":
            end_word()
            i += 1
            continue
        if c == "$" and text.startswith("$(", i):
            reset()
            i += 2
            continue
        if c == "@" and i + 1 < n and text[i + 1] in "({":
            reset()
            i += 2
            continue
        if c in _SEPARATORS:
            reset()
            i += 1
            continue
        if c == "&" and not cur:
            if text.startswith("&&", i):
                reset()
                i += 2
                continue
            end_word()
            words.append("&")
            i += 1
            continue
        if c == "=" and (not cur or cur[0] == "$" or not words or "".join(cur) in ("+", "-", "*", "/", "%", "??")):
            reset()  # an assignment (`$x = `, `$x=`, `$x += `) or a hashtable entry (`@{ N = `): a pipeline follows
            i += 1
            continue
        if c == "," and cur:
            end_word()
            words.append(",")
            i += 1
            continue
        cur.append(c)
        i += 1

    a.in_comment = line_comment or block_comment
    a.in_string = quote
    a.word = "".join(cur)
    a.raw_words = list(words)
    if words and words[0] in ("&", "."):
        a.after_call_operator = True
        words = words[1:]
    a.words = [_unquote(w) for w in words]
    a.command_position = not words
    # An expression statement ($x -eq 1, 'a' + ..., [int]$x, 5 * ..., `return $x`) offers operators after `-`,
    # not parameters; `function Name` and commands are not expressions.
    first = words[0] if words else a.word
    starts_expression = bool(first) and (first[0] in "$'\"[0123456789(@"
                                          or first.lower() in KEYWORD_SET - {"function", "filter"})
    a.expression = starts_expression and not a.after_call_operator
    return a


# ----------------------------------------------------------------------------------------------
# The engine


def complete(text: str, context: Any = None, cwd: str | None = None) -> list[Item]:
    """Completions for the text before the cursor."""
    a = analyze(text)
    if a.in_comment:
        return []
    word = a.word
    if cwd is None:
        cwd = _context_cwd(context)
    if a.in_string:
        if a.in_string == '"' and "$" in word:
            return _variables_in_string(word, context)
        return _paths(word, cwd) if _pathlike(_unquote(word)) or a.words else []
    if word.startswith("$"):
        if word.lower().startswith(("$_.", "$psitem.")) and not get_variable(context, word[1:].split(".")[0])[0]:
            return _pipeline_item_members(word, text[: len(text) - len(word)], context)
        return _dollar(word, context)
    if word.startswith("[") and "]" not in word:
        return _types(word)
    if a.command_position or a.after_call_operator and not a.words:
        if _pathlike(word):
            return _paths(word, cwd)
        if not word:
            # Tab on an empty prompt lists the current directory like PSReadLine (not inside a block: there
            # Tab indents the continuation line)
            return [] if "\n" in text or text.strip() else _paths("./", cwd)
        return _commands(word, context)
    if a.expression:
        if word.startswith("-"):
            return _operators(word)
        if _pathlike(word):
            return _paths(word, cwd)
        return []
    info = cmdinfo.resolve(a.words[0], context) if a.words else None
    if word.startswith("-") and not _is_number(word):
        if ":" in word:
            pname, _, partial = word.partition(":")
            param = _find_param(info, pname[1:]) if info else None
            if param is None:
                return []
            vals = _param_values(param, partial, cwd)
            return [Item(pname + ":" + v.text, len(word), v.display, v.meta, v.kind) for v in vals]
        if info is None:
            return []
        return _parameters(info, word, a.words[1:])
    if info is None:
        return _paths(word, cwd) if _pathlike(word) else []
    prev = a.words[-1] if len(a.words) > 1 else ""
    target: Parameter | None = None
    if prev.startswith("-") and ":" not in prev and not _is_number(prev):
        p = _find_param(info, prev[1:])
        if p is not None and not p.is_switch:
            target = p
    if target is None:
        target = _positional_param(info, a.words[1:])
    if target is not None and target.name.lower() in ("name", "command") and info.target.lower() in _COMMAND_NAME_ARGS:
        return _commands(word, context) if word else []
    if target is not None:
        vals = _param_values(target, word, cwd)
        if vals or target.validate_set or target.is_path:
            return vals
    return _paths(word, cwd) if _pathlike(word) else []


def _is_number(word: str) -> bool:
    try:
        float(word)
        return True
    except ValueError:
        return False


def _pathlike(word: str) -> bool:
    w = _unquote(word)
    return w.startswith(_PATHLIKE_STARTS) or "/" in w or "\\" in w or w in (".", "..")


def _matches(name: str, partial: str) -> bool:
    if not partial:
        return True
    if any(ch in partial for ch in "*?["):
        return fnmatch.fnmatchcase(name.lower(), partial.lower() + ("" if partial.endswith("*") else "*"))
    return name.lower().startswith(partial.lower())


def _sorted(items: list[Item]) -> list[Item]:
    return sorted(items, key=lambda it: it.display.lower())


def _commands(word: str, context: Any) -> list[Item]:
    out: list[Item] = []
    for name, kind, desc in cmdinfo.command_names(context):
        if _matches(name, word):
            out.append(Item(name, len(word), name, desc, kind))
    out = _sorted(out)
    if not any(ch in word for ch in "*?"):
        for kw in KEYWORDS:
            if kw.startswith(word.lower()) and len(word) >= 2 and "-" not in word:
                out.append(Item(kw, len(word), kw, "keyword", "Keyword"))
    return out


def _find_param(info: cmdinfo.CommandInfo, name: str) -> Parameter | None:
    low = name.lower()
    params = info.parameters + info.common
    for p in params:
        if p.name.lower() == low or low in (a.lower() for a in p.aliases):
            return p
    cands = [p for p in params if p.name.lower().startswith(low)]
    own = [p for p in cands if p in info.parameters]
    if len(own) == 1:
        return own[0]
    if len(cands) == 1:
        return cands[0]
    return None


def _bound_names(info: cmdinfo.CommandInfo, args: list[str]) -> set[str]:
    bound: set[str] = set()
    for w in args:
        if w.startswith("-") and len(w) > 1 and not _is_number(w):
            p = _find_param(info, w[1:].split(":", 1)[0])
            if p is not None:
                bound.add(p.name.lower())
    return bound


def _param_meta(p: Parameter) -> str:
    written = getattr(p, "type_name", None)  # a script function's [string]$Name keeps its written type
    t = "SwitchParameter" if p.is_switch else (str(written) if written else p.type_display())
    meta = f"[{t}]"
    if p.mandatory:
        meta += " (required)"
    if p.help:
        meta += " " + p.help
    return meta


def _parameters(info: cmdinfo.CommandInfo, word: str, args: list[str]) -> list[Item]:
    partial = word[1:]
    bound = _bound_names(info, args)
    sets = cmdinfo.possible_sets(info.parameters, bound)
    out: list[Item] = []
    for p in info.all_parameters():
        if p.name.lower() in bound and not p.array:
            continue
        if p.name.lower() in bound:
            continue
        if sets is not None and p in info.parameters:
            ps = set(p.parameter_sets)
            if "__AllParameterSets" not in ps and not ps & sets:
                continue
        if _matches(p.name, partial):
            out.append(Item("-" + p.name, len(word), "-" + p.name, _param_meta(p), "Parameter"))
    return out  # declaration order, like PowerShell (own parameters first, then common ones)


def _positional_param(info: cmdinfo.CommandInfo, args: list[str]) -> Parameter | None:
    """The positional parameter the next bare argument would bind to."""
    bound = _bound_names(info, args)
    count = 0
    skip_next = False
    for w in args:
        if skip_next:
            skip_next = False
            continue
        if w == ",":
            count -= 1
            skip_next = True
            continue
        if w.startswith("-") and not _is_number(w):
            p = _find_param(info, w[1:].split(":", 1)[0])
            if p is not None and not p.is_switch and ":" not in w:
                skip_next = True
            continue
        count += 1
    positional = sorted((p for p in info.parameters if p.position is not None and p.name.lower() not in bound),
                        key=lambda p: p.position or 0)
    return positional[count] if count < len(positional) else None


def _quote_if_needed(value: str) -> str:
    if any(ch in value for ch in " \t'\"$`;,|&(){}@#"):
        return "'" + value.replace("'", "''") + "'"
    return value


def _param_values(p: Parameter, partial: str, cwd: str | None) -> list[Item]:
    raw = _unquote(partial)
    if p.is_switch or p.type is bool:
        return [Item(v, len(partial), v, "switch value", "Value") for v in ("$true", "$false") if _matches(v, partial)]
    values = p.validate_set or _enum_names(p.type)
    if values:
        return [Item(_quote_if_needed(v), len(partial), v, f"-{p.name} value", "Value")
                for v in values if _matches(v, raw)]
    if p.is_path:
        return _paths(partial, cwd)
    return []


def _enum_names(t: Any) -> tuple[str, ...]:
    """Member names of an enum parameter type (PowerShell completes enum values like ValidateSet ones)."""
    if isinstance(t, type) and issubclass(t, enum.Enum):
        return tuple(m.name for m in t)
    return ()


def _operators(word: str) -> list[Item]:
    return [Item(op, len(word), op, desc, "Operator") for op, desc in OPERATORS if op.startswith(word.lower())]


def _types(word: str) -> list[Item]:
    partial = word[1:]
    return [Item(f"[{t}]", len(word), f"[{t}]", "type", "Type") for t in TYPE_ACCELERATORS if _matches(t, partial)]


# ---- variables and members ----


def _context_cwd(context: Any) -> str | None:
    if context is None:
        return None
    for attr in ("cwd", "location", "current_directory"):
        v = getattr(context, attr, None)
        if callable(v):
            try:
                v = v()
            except Exception:
                v = None
        if v:
            return str(v)
    return None


def variable_names(context: Any) -> list[str]:
    names: list[str] = []
    if context is not None:
        vs: Any = getattr(context, "variables", None)
        if callable(vs):
            try:
                vs = vs()
            except Exception:
                vs = None
        try:
            if hasattr(vs, "keys"):
                names.extend(str(k) for k in vs.keys())
            elif vs is not None:
                for v in vs:
                    names.append(str(getattr(v, "name", v)))
        except Exception:
            pass
    seen = {n.lower() for n in names}
    names.extend(v for v in AUTOMATIC_VARIABLES if v.lower() not in seen)
    return names


def get_variable(context: Any, name: str) -> tuple[bool, Any]:
    if context is None:
        return False, None
    getter = getattr(context, "get_variable", None)
    if getter is None:
        return False, None
    sentinel = object()
    try:
        try:
            value = getter(name, sentinel)
        except TypeError:
            value = getter(name)
    except Exception:
        return False, None
    if value is sentinel:
        return False, None
    return True, value


def _dollar(word: str, context: Any) -> list[Item]:
    body = word[1:]
    if body.startswith("{"):
        return []
    if "." in body:
        return _members(word, context)
    scope = ""
    if ":" in body:
        scope, _, body = body.partition(":")
        if scope.lower() == "env":
            return [Item(f"${scope}:{k}", len(word), f"${scope}:{k}", "environment variable", "Variable")
                    for k in sorted(os.environ, key=str.lower) if _matches(k, body)]
        if scope.lower() not in ("global", "script", "local", "private", "using"):
            return []
    prefix = f"${scope}:" if scope else "$"
    out = []
    seen: set[str] = set()
    for n in variable_names(context):
        if n.lower() in seen or not _matches(n, body):
            continue
        seen.add(n.lower())
        ok, value = get_variable(context, n)
        meta = members.describe_value(value) if ok else ""
        out.append(Item(prefix + n, len(word), prefix + n, meta, "Variable"))
    if not scope and _matches("env:", body):
        out.append(Item("$env:", len(word), "$env:", "environment variables", "Variable"))
    return _sorted(out)


def _members(word: str, context: Any) -> list[Item]:
    expr, _, partial = word.rpartition(".")
    chain = expr[1:].split(".")
    ok, value = get_variable(context, chain[0])
    if not ok:
        return []
    for name in chain[1:]:
        if not name or "(" in name:
            return []
        found, value = members.get_member_value(value, name)
        if not found:
            return []
    out: list[Item] = []
    for m in members.list_members(value):
        if _matches(m.name, partial):
            text = m.name + ("(" if m.kind == "Method" else "")
            out.append(Item(f"{expr}.{text}", len(word), m.name + ("()" if m.kind == "Method" else ""), m.meta,
                            m.kind))
    return out


def _block_start(text: str) -> int | None:
    """Offset of the innermost unclosed `{` in text (strings and comments skipped)."""
    stack: list[int] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "'\"":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "`" and c == '"' else 1
            i = j + 1
            continue
        if c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if c == "{":
            stack.append(i)
        elif c == "}" and stack:
            stack.pop()
        i += 1
    return stack[-1] if stack else None


def _upstream_element(prefix: str) -> tuple[str, int] | None:
    """In `... | <cmd> ` (text before a script block), the pipeline element feeding <cmd>."""
    opens: list[int] = []
    bounds: list[tuple[int, int, str]] = []  # (depth, offset, kind)
    i, n = 0, len(prefix)
    while i < n:
        c = prefix[i]
        if c in "'\"":
            j = i + 1
            while j < n and prefix[j] != c:
                j += 2 if prefix[j] == "`" and c == '"' else 1
            i = j + 1
            continue
        if c in "({":
            opens.append(i)
        elif c in ")}" and opens:
            opens.pop()
            bounds = [b for b in bounds if b[0] <= len(opens)]
        elif c in "|;\n":
            bounds.append((len(opens), i, "|" if c == "|" else ";"))
        i += 1
    depth = len(opens)
    start = opens[-1] + 1 if opens else 0
    mine = [b for b in bounds if b[0] == depth and b[1] >= start]
    last_stmt = max((b[1] for b in mine if b[2] == ";"), default=start - 1)
    pipes = [b[1] for b in mine if b[2] == "|" and b[1] > last_stmt]
    if not pipes:
        return None
    lo = pipes[-2] + 1 if len(pipes) > 1 else last_stmt + 1
    element = prefix[lo : pipes[-1]].strip()
    return (element, lo) if element else None


# Cmdlets whose output objects are their input objects (so `$_` keeps the upstream type).
PASS_THROUGH = frozenset({"where-object", "sort-object", "tee-object", "select-object"})
_PASS_THROUGH_ALIASES = {"where": "where-object", "?": "where-object", "sort": "sort-object", "select": "select-object",
                         "tee": "tee-object"}


def _selects_properties(element: str) -> bool:
    """Whether a Select-Object call builds new objects (-Property or a positional property list)."""
    words = element.split()[1:]
    skip = False
    for w in words:
        if skip:
            skip = False
            continue
        if w.startswith("-"):
            if w[1:].lower() in ("first", "last", "skip", "index"):
                skip = True
                continue
            if w[1:].lower() in ("unique", "wait"):
                continue
            return True
        return True
    return False


_PY_TO_PS = {"str": "string", "int": "int", "float": "double", "bool": "bool", "uuid.UUID": "guid", "UUID": "guid",
             "datetime": "datetime", "datetime.datetime": "datetime", "timedelta": "timespan",
             "datetime.timedelta": "timespan", "dict": "hashtable", "Any": "Object", "object": "Object",
             "bytes": "byte[]", "Decimal": "decimal"}


def _ps_type_text(annotation: str) -> str:
    """A dataclass field annotation as PowerShell would name the type: `str | None` -> string, `list[str]` -> string[]."""
    parts = [p.strip() for p in annotation.replace("Optional[", "").rstrip("]").split("|") if p.strip() != "None"]
    t = parts[0] if parts else "Object"
    for prefix in ("list[", "tuple[", "Sequence[", "Iterable["):
        if t.startswith(prefix):
            inner = t[len(prefix):].rstrip("]").split(",")[0].strip()
            return _PY_TO_PS.get(inner, inner.rsplit(".", 1)[-1]) + "[]"
    return _PY_TO_PS.get(t, t.rsplit(".", 1)[-1])


def _type_members(type_name: str) -> list[members.Member]:
    import dataclasses

    from vboshell.runtime import psobject

    finder = getattr(psobject, "find_ps_type", None)
    cls = finder(type_name) if finder is not None else None
    if cls is None or not dataclasses.is_dataclass(cls):
        return []
    out = []
    for f in dataclasses.fields(cls):
        if f.name.startswith("_"):
            continue
        t = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
        out.append(members.Member(f.name, "Property", f"[{_ps_type_text(t)}]"))
    return out


def _pipeline_item_members(word: str, before: str, context: Any) -> list[Item]:
    """`$_.` inside a script block: members of what the upstream pipeline element produces
    (a variable's elements, or the declared output_type of a cmdlet)."""
    pos = _block_start(before)
    if pos is None:
        return []
    prefix = before[:pos]
    found = _upstream_element(prefix)
    for _ in range(20):
        if found is None:
            return []
        element, lo = found
        name = element.split()[0].lower()
        info = cmdinfo.resolve(name, context) if not element.startswith("$") else None
        target = info.target.lower() if info is not None and info.target else _PASS_THROUGH_ALIASES.get(name, name)
        passes = target in PASS_THROUGH and (target != "select-object" or not _selects_properties(element))
        if not passes:
            break
        prefix = prefix[:lo]
        found = _upstream_element(prefix)
    mems: list[members.Member] = []
    if element.startswith("$"):
        chain = element[1:].split(".")
        ok, value = get_variable(context, chain[0])
        if not ok:
            return []
        for name in chain[1:]:
            ok, value = members.get_member_value(value, name)
            if not ok:
                return []
        if isinstance(value, (list, tuple)):
            value = value[0] if value else None
        if value is None:
            return []
        mems = members.list_members(value)
    else:
        name = element.split()[0]
        info = cmdinfo.resolve(name, context)
        if info is None or not info.output_type:
            return []
        mems = _type_members(info.output_type)
    expr, _, partial = word.rpartition(".")
    out = []
    for m in mems:
        if _matches(m.name, partial):
            text = m.name + ("(" if m.kind == "Method" else "")
            out.append(Item(f"{expr}.{text}", len(word), m.name + ("()" if m.kind == "Method" else ""), m.meta, m.kind))
    return out


def _variables_in_string(word: str, context: Any) -> list[Item]:
    i = word.rfind("$")
    tail = word[i:]
    if not tail[1:].replace("_", "").replace(":", "").isalnum() and tail != "$":
        return []
    return _dollar(tail, context)


# ---- paths ----


def _paths(word: str, cwd: str | None) -> list[Item]:
    quote = word[0] if word[:1] in "'\"" else ""
    raw = _unquote(word)
    sep = "\\" if "\\" in raw and "/" not in raw else "/"
    norm = raw.replace("\\", "/")
    if norm == "~":
        raw, norm = "~" + sep, "~/"
    idx = norm.rfind("/")
    dir_text, base = (norm[: idx + 1], norm[idx + 1 :]) if idx >= 0 else ("", norm)
    shown_dir = raw[: idx + 1] if idx >= 0 else ""
    dir_fs = os.path.expanduser(dir_text) if dir_text.startswith("~") else dir_text
    dir_fs = dir_fs or "."
    if not os.path.isabs(dir_fs) and cwd:
        dir_fs = os.path.join(cwd, dir_fs)
    try:
        entries = list(os.scandir(dir_fs))
    except OSError:
        return []
    hidden = base.startswith(".")
    out: list[Item] = []
    for e in entries:
        if e.name.startswith(".") and not hidden:
            continue
        if not _matches(e.name, base):
            continue
        try:
            is_dir = e.is_dir()
        except OSError:
            is_dir = False
        full = shown_dir + e.name + (sep if is_dir else "")
        if quote or any(ch in full for ch in " '$`;,|&(){}@#"):
            q = quote or "'"
            text = q + (full.replace("'", "''") if q == "'" else full) + (q if not is_dir else "")
        else:
            text = full
        out.append(Item(text, len(word), e.name + ("/" if is_dir else ""), "directory" if is_dir else "file",
                        "Directory" if is_dir else "File"))
    return sorted(out, key=lambda it: (it.kind != "Directory", it.display.lower()))


# ----------------------------------------------------------------------------------------------
# prompt_toolkit adapter


class VboCompleter(Completer):
    """prompt_toolkit Completer over `complete`, reading variables and functions from the live context."""

    def __init__(self, context: Any = None) -> None:
        self.context = context

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterator[Completion]:
        try:
            items = complete(document.text_before_cursor, self.context)
        except Exception:  # completion must never break editing
            return
        yield from to_completions(items)


def to_completions(items: Iterable[Item]) -> Iterator[Completion]:
    for it in items:
        yield Completion(it.text, start_position=-it.replace_len, display=it.display, display_meta=it.meta)
