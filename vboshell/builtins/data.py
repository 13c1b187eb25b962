"""CSV and JSON cmdlets: Export-Csv/Import-Csv, ConvertTo-Csv/ConvertFrom-Csv, ConvertTo-Json/ConvertFrom-Json,
written to Windows PowerShell 5.1's text formats (#TYPE line, quoted fields, 4-space JSON with `":  "`)."""

from __future__ import annotations

import csv
import datetime as _dt
import decimal
import enum
import io
import json
import math
import re
import uuid
from collections.abc import Mapping
from typing import Any

from vboshell.builtins._util import CollectingCmdlet, as_list, detect_decode, split_lines, to_string
from vboshell.commands.base import Cmdlet, Example, Parameter, Switch
from vboshell.commands.registry import register
from vboshell.format.engine import visible_properties
from vboshell.format.values import is_enumerable, psobject_text, scalar_text
from vboshell.runtime.errors import CmdletError, ErrorCategory
from vboshell.runtime.psobject import PSObject, get_properties, type_names_of

ENCODING_SET = ("ASCII", "BigEndianUnicode", "Default", "OEM", "Unicode", "UTF7", "UTF8", "UTF8BOM", "UTF8NoBOM",
                "UTF32")

# ----------------------------------------------------------------------------------------------
# CSV


def _is_secure(value: Any) -> bool:
    return any(c.__name__ == "SecureString" for c in type(value).__mro__)


def csv_properties(obj: Any) -> list[tuple[str, Any]]:
    """The properties Export-Csv writes (a hashtable exports its own .NET properties, as in PowerShell)."""
    if isinstance(obj, Mapping):
        return [("IsReadOnly", False), ("IsFixedSize", False), ("IsSynchronized", False),
                ("Keys", "System.Collections.Hashtable+KeyCollection"),
                ("Values", "System.Collections.Hashtable+ValueCollection"), ("SyncRoot", "System.Object"),
                ("Count", len(obj))]
    if isinstance(obj, str):
        return [("Length", len(obj))]
    return visible_properties(obj)


def csv_field(value: Any) -> str | None:
    """A value's CSV text: None stays empty (unquoted); collections show their type name."""
    if value is None:
        return None
    if _is_secure(value):
        return "System.Security.SecureString"
    if isinstance(value, Mapping):
        return "System.Collections.Hashtable"
    if isinstance(value, (list, tuple)):
        return "System.Object[]"
    if isinstance(value, PSObject):
        return psobject_text(value)
    return scalar_text(value)


def _quote(text: str | None) -> str:
    if text is None:
        return ""
    return '"' + text.replace('"', '""') + '"'


def csv_type_line(obj: Any) -> str:
    names = type_names_of(obj)
    name = names[0] if names else "System.Object"
    if isinstance(obj, Mapping):
        name = "System.Collections.Hashtable"
    return f"#TYPE {name}"


class CsvWriter:
    """Turns objects into CSV lines; the first object fixes the columns."""

    def __init__(self, delimiter: str = ",", type_info: bool = True, columns: list[str] | None = None) -> None:
        self.delimiter = delimiter
        self.type_info = type_info
        self.columns = columns

    def lines_for(self, obj: Any) -> list[str]:
        out: list[str] = []
        props = csv_properties(obj)
        if self.columns is None:
            if self.type_info:
                out.append(csv_type_line(obj))
            self.columns = [n for n, _ in props]
            out.append(self.delimiter.join(_quote(c) for c in self.columns))
        lookup = {n.lower(): v for n, v in props}
        out.append(self.delimiter.join(_quote(csv_field(lookup.get(c.lower()))) for c in self.columns))
        return out


def parse_csv_lines(lines: list[str], delimiter: str, header: list[str] | None = None) -> list[PSObject]:
    """Import-Csv/ConvertFrom-Csv: rows become PSObjects whose values are strings ("CSV:<type>" type names)."""
    type_name: str | None = None
    body = list(lines)
    while body and not body[0].strip():
        body.pop(0)
    if body and body[0].startswith("#TYPE"):
        type_name = body.pop(0)[5:].strip()
    elif body and body[0].startswith("#"):
        body.pop(0)
    reader = csv.reader(io.StringIO("\n".join(body)), delimiter=delimiter, quotechar='"', doublequote=True,
                        skipinitialspace=False, strict=False)
    rows = [r for r in reader]
    if header is None:
        if not rows:
            return []
        header = rows.pop(0)
    names = [h if h else f"H{i + 1}" for i, h in enumerate(header)]
    tnames = (["CSV:" + type_name] if type_name else []) + ["System.Management.Automation.PSCustomObject",
                                                            "System.Object"]
    out: list[PSObject] = []
    for r in rows:
        if not r or (len(r) == 1 and r[0] == "" and len(names) > 1):
            continue
        o = PSObject(type_names=list(tnames))
        for i, n in enumerate(names):
            o.set(n, r[i] if i < len(r) else None)
        out.append(o)
    return out


def _delimiter(cmdlet: Cmdlet) -> str:
    d = cmdlet.Delimiter
    if d is None:
        return ","
    d = to_string(d)
    if len(d) != 1:
        raise CmdletError(f'Cannot convert value "{d}" to type "System.Char". Error: "String must be exactly one '
                          'character long."', "ParameterArgumentTransformationError", ErrorCategory.InvalidArgument)
    return d


_CSV_COMMON = [
    Parameter("Delimiter", str, position=1, help="The field separator (default comma)."),
    Parameter("UseCulture", Switch, help="Uses the culture's list separator (a comma in en-US)."),
    Parameter("NoTypeInformation", Switch, aliases=("NTI",), help="Omits the #TYPE line (the default in PowerShell 7)."),
]


@register
class ExportCsv(Cmdlet):
    name = "Export-Csv"
    aliases = ("epcsv",)
    synopsis = "Converts objects into a series of comma-separated value (CSV) strings and saves them in a file."
    description = (
        "Writes one CSV row per object, columns from the first object's properties. As in Windows PowerShell "
        "5.1 a `#TYPE <type name>` line comes first unless -NoTypeInformation, every field is double-quoted "
        "(embedded quotes doubled; $null is an empty unquoted field), and the default encoding is ASCII "
        "(-Encoding UTF8 writes UTF-8 with a byte order mark). -Append adds rows under the existing header."
    )
    supports_should_process = True
    parameters = [
        Parameter("Path", str, position=0, aliases=("FilePath",), is_path=True, mandatory=True, help="The CSV file."),
        Parameter("InputObject", object, value_from_pipeline=True, mandatory=True, help="The objects to export."),
        *_CSV_COMMON,
        Parameter("Encoding", str, validate_set=ENCODING_SET, help="File encoding (default ASCII)."),
        Parameter("Append", Switch, help="Adds rows to an existing file."),
        Parameter("Force", Switch, help="Overwrites read-only files; with -Append allows mismatched columns."),
        Parameter("NoClobber", Switch, aliases=("NoOverwrite",), help="Does not overwrite an existing file."),
        Parameter("LiteralPath", str, dont_show=True),
    ]
    examples = [
        Example("[PSCustomObject]@{Name='Job1'; Size=10} | Export-Csv -Path jobs.csv -NoTypeInformation; "
                "Get-Content jobs.csv", "Exports an object.",
                 expect='"Name","Size"\n"Job1","10"'),
    ]

    def begin_processing(self) -> None:
        self._lines: list[str] = []
        self._writer: CsvWriter | None = None
        self._target = self.context.resolve_path(self.Path or self.LiteralPath)

    def process_record(self) -> None:
        if not self.is_bound("InputObject") or self.InputObject is None:
            return
        if self._writer is None:
            columns = None
            if self.Append and self._target.exists() and self._target.stat().st_size > 0:
                existing = detect_decode(self._target.read_bytes())
                lines = [ln for ln in split_lines(existing) if ln and not ln.startswith("#")]
                if lines:
                    columns = next(csv.reader([lines[0]], delimiter=_delimiter(self)))
            self._writer = CsvWriter(_delimiter(self), not self.NoTypeInformation, columns)
        self._lines.extend(self._writer.lines_for(self.InputObject))

    def end_processing(self) -> None:
        if not self.should_process(str(self._target), "Export-Csv"):
            return
        if self.NoClobber and self._target.exists() and not self.Append:
            raise CmdletError(f"The file '{self._target}' already exists.", "NoClobber",
                              ErrorCategory.ResourceExists, str(self._target), exception_type="IOException")
        from vboshell.builtins.output import write_text_file

        text = "".join(line + "\n" for line in self._lines)
        write_text_file(self, self._target, text, bool(self.Append), self.Encoding, "ASCII")


@register
class ImportCsv(Cmdlet):
    name = "Import-Csv"
    aliases = ("ipcsv",)
    synopsis = "Creates table-like custom objects from the items in a CSV file."
    description = (
        "Reads a CSV file (a leading #TYPE line is skipped) and outputs one object per row whose property "
        "values are all strings. -Header supplies column names for files without a header row."
    )
    parameters = [
        Parameter("Path", str, array=True, position=0, value_from_pipeline=True, is_path=True, help="The CSV file(s)."),
        Parameter("Delimiter", str, position=1, help="The field separator (default comma)."),
        Parameter("Header", str, array=True, help="Column names to use instead of the first row."),
        Parameter("Encoding", str, validate_set=ENCODING_SET, help="The file encoding."),
        Parameter("UseCulture", Switch, help="Uses the culture's list separator (a comma)."),
        Parameter("LiteralPath", str, array=True, dont_show=True),
    ]
    examples = [
        Example("(Import-Csv in.csv)[0].Name", "Reads a CSV file.",
                setup="Set-Content in.csv 'Name,Size','a,1'",
                expect="a"),
    ]

    def process_record(self) -> None:
        for p in as_list(self.Path) + as_list(self.LiteralPath):
            target = self.context.resolve_path(to_string(p))
            if not target.is_file():
                self.write_error(_not_found(to_string(p), target, "Import-Csv"))
                continue
            text = detect_decode(target.read_bytes(), self.Encoding)
            for o in parse_csv_lines(split_lines(text), _delimiter(self), as_list(self.Header) or None):
                self.write_object(o)


def _not_found(p: str, target: Any, _cmd: str) -> Any:
    from vboshell.runtime.errors import ErrorRecord

    return ErrorRecord(f"Could not find file '{target}'.", "FileOpenFailure", ErrorCategory.OpenError, p,
                       exception_type="FileNotFoundException")


@register
class ConvertToCsv(Cmdlet):
    name = "ConvertTo-Csv"
    synopsis = "Converts objects into a series of comma-separated value (CSV) strings."
    description = "Like Export-Csv, but outputs the CSV lines as strings instead of writing a file."
    parameters = [
        Parameter("InputObject", object, value_from_pipeline=True, mandatory=True, position=0,
                  help="The objects to convert."),
        *_CSV_COMMON,
    ]
    examples = [
        Example("[PSCustomObject]@{A=1; B='x,y'} | ConvertTo-Csv -NoTypeInformation", "Quoted CSV lines.",
                expect='"A","B"\n"1","x,y"'),
        Example("[PSCustomObject]@{A=1} | ConvertTo-Csv", "With the #TYPE line.",
                expect="#TYPE System.Management.Automation.PSCustomObject"),
    ]

    def begin_processing(self) -> None:
        self._writer = CsvWriter(_delimiter(self), not self.NoTypeInformation)

    def process_record(self) -> None:
        if self.is_bound("InputObject") and self.InputObject is not None:
            for line in self._writer.lines_for(self.InputObject):
                self.write_object(line)


@register
class ConvertFromCsv(Cmdlet):
    name = "ConvertFrom-Csv"
    synopsis = "Converts object properties in comma-separated value (CSV) format into CSV versions of the original objects."
    description = "Parses CSV text (pipeline strings, one or more lines each) into objects of string properties."
    parameters = [
        Parameter("InputObject", str, array=True, value_from_pipeline=True, mandatory=True, position=0,
                  help="CSV lines."),
        Parameter("Delimiter", str, position=1, help="The field separator."),
        Parameter("Header", str, array=True, help="Column names for headerless input."),
        Parameter("UseCulture", Switch, help="Uses the culture's list separator (a comma)."),
    ]
    examples = [Example("'Name,Size', 'a,1' | ConvertFrom-Csv", "Two lines become one object.", expect="a")]

    def begin_processing(self) -> None:
        self._lines: list[str] = []

    def process_record(self) -> None:
        for s in as_list(self.InputObject):
            self._lines.extend(split_lines(to_string(s)))

    def end_processing(self) -> None:
        for o in parse_csv_lines(self._lines, _delimiter(self), as_list(self.Header) or None):
            self.write_object(o)


# ----------------------------------------------------------------------------------------------
# JSON

_JSON_ESC = {
    '"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
    "'": "\\u0027", "<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
}


def json_string(text: str) -> str:
    """5.1's JavaScriptSerializer escaping (it also escapes ' < > & as \\u00XX)."""
    out = []
    for ch in text:
        esc = _JSON_ESC.get(ch)
        if esc is not None:
            out.append(esc)
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _json_number(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return json_string("NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity"))
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value).replace("e", "E")
    return str(value)


_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)


def _date_ms(d: _dt.datetime) -> int:
    aware = d if d.tzinfo is not None else d.astimezone()
    return int((aware - _EPOCH).total_seconds() * 1000)


class _JsonNode:
    """An intermediate tree: dict (ordered pairs), list, or a raw JSON scalar text."""

    __slots__ = ("kind", "items", "text")

    def __init__(self, kind: str, items: Any = None, text: str = "") -> None:
        self.kind = kind  # 'obj' | 'arr' | 'raw'
        self.items = items
        self.text = text


def _to_node(value: Any, depth: int, max_depth: int, state: dict[str, Any]) -> _JsonNode:
    if value is None:
        return _JsonNode("raw", text="null")
    if isinstance(value, bool) or isinstance(value, (int, float, decimal.Decimal)):
        return _JsonNode("raw", text=_json_number(value))
    if type(value).__name__ == "EnumValue" and isinstance(getattr(value, "value", None), int):
        return _JsonNode("raw", text=json_string(str(value)) if state.get("enums_as_strings") else str(value.value))
    if isinstance(value, enum.Enum):
        v = value.value
        if state.get("enums_as_strings") or not isinstance(v, int):
            return _JsonNode("raw", text=json_string(str(value.name)))
        return _JsonNode("raw", text=str(v))
    if isinstance(value, str):
        return _JsonNode("raw", text=json_string(value))
    if isinstance(value, _dt.datetime):
        return _JsonNode("raw", text=json_string(f"/Date({_date_ms(value)})/").replace("/", "\\/"))
    if isinstance(value, uuid.UUID):
        return _JsonNode("raw", text=json_string(str(value)))
    if _is_secure(value):
        length = getattr(value, "Length", None)
        if length is None:
            try:
                length = len(value)
            except TypeError:
                length = 0
        pairs = [("Length", _JsonNode("raw", text=str(int(length))))]
        if depth > max_depth:
            state["truncated"] = True
            return _JsonNode("raw", text=json_string("System.Security.SecureString"))
        return _JsonNode("obj", pairs)
    complex_value = isinstance(value, (Mapping, list, tuple, PSObject, _dt.timedelta)) or is_enumerable(value) \
        or bool(get_properties(value))
    if not complex_value:
        return _JsonNode("raw", text=json_string(to_string(value)))
    if depth > max_depth:
        state["truncated"] = True
        return _JsonNode("raw", text=json_string(to_string(value)))
    if isinstance(value, Mapping):
        return _JsonNode("obj", [(to_string(k), _to_node(v, depth + 1, max_depth, state)) for k, v in value.items()])
    if isinstance(value, (list, tuple)) or is_enumerable(value):
        return _JsonNode("arr", [_to_node(v, depth + 1, max_depth, state) for v in list(value)])
    props = visible_properties(value)
    return _JsonNode("obj", [(k, _to_node(v, depth + 1, max_depth, state)) for k, v in props])


def _render_compact(node: _JsonNode) -> str:
    if node.kind == "raw":
        return node.text
    if node.kind == "arr":
        return "[" + ",".join(_render_compact(n) for n in node.items) + "]"
    return "{" + ",".join(f"{json_string(k)}:{_render_compact(v)}" for k, v in node.items) + "}"


def _render_pretty(node: _JsonNode, col: int) -> str:
    """Windows PowerShell 5.1's layout: 4-space steps from the column where the container starts, `":  "`."""
    if node.kind == "raw":
        return node.text
    pad = " " * (col + 4)
    if node.kind == "arr":
        if not node.items:
            return "[\n\n" + " " * col + "]"
        parts = [pad + _render_pretty(n, col + 4) for n in node.items]
        return "[\n" + ",\n".join(parts) + "\n" + " " * col + "]"
    if not node.items:
        return "{\n\n" + " " * col + "}"
    parts = []
    for k, v in node.items:
        head = f"{json_string(k)}:  "
        parts.append(pad + head + _render_pretty(v, col + 4 + len(head)))
    return "{\n" + ",\n".join(parts) + "\n" + " " * col + "}"


def to_json(value: Any, depth: int = 2, compress: bool = False, enums_as_strings: bool = False) -> tuple[str, bool]:
    """(json text, truncated?) for one value, as ConvertTo-Json writes it."""
    state: dict[str, Any] = {"truncated": False, "enums_as_strings": enums_as_strings}
    node = _to_node(value, 0, depth, state)
    text = _render_compact(node) if compress else _render_pretty(node, 0)
    return text, state["truncated"]


@register
class ConvertToJson(CollectingCmdlet):
    name = "ConvertTo-Json"
    synopsis = "Converts an object to a JSON-formatted string."
    description = (
        "Serialises the input (several pipeline objects become one JSON array). Objects nested deeper than "
        "-Depth (default 2) are replaced by their string form, with a warning. The layout is Windows "
        "PowerShell 5.1's: 4-space indentation measured from where each container starts and two spaces after "
        "each colon; ' < > & are escaped as \\u0027 etc.; dates as \\/Date(ms)\\/. -Compress writes one line. "
        "A SecureString serialises as {\"Length\": n}, never its value."
    )
    parameters = [
        Parameter("InputObject", object, value_from_pipeline=True, mandatory=True, position=0,
                  help="The objects to convert."),
        Parameter("Depth", int, validate_range=(1, 100), help="How many levels of contained objects to include (default 2)."),
        Parameter("Compress", Switch, help="Omits white space and indentation."),
        Parameter("EnumsAsStrings", Switch, help="Writes enumeration values as their names."),
        Parameter("AsArray", Switch, help="Always writes a JSON array."),
    ]
    examples = [
        Example("@{Name='Job1'} | ConvertTo-Json", "A hashtable as JSON.", expect='{\n    "Name":  "Job1"\n}'),
        Example("[PSCustomObject]@{A=1; B=@(1, 2)} | ConvertTo-Json -Compress", "Compact JSON.",
                expect='{"A":1,"B":[1,2]}'),
    ]

    def end_processing(self) -> None:
        if not self._items:
            return
        value: Any = self._items[0] if len(self._items) == 1 and not self.AsArray else list(self._items)
        depth = self.Depth if self.Depth is not None else 2
        text, truncated = to_json(value, depth, bool(self.Compress), bool(self.EnumsAsStrings))
        if truncated:
            self.write_warning(f"Resulting JSON is truncated as serialization has exceeded the set depth of {depth}.")
        self.write_object(text)


_DATE_RE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")


def from_json_value(value: Any) -> Any:
    if isinstance(value, list):
        return [from_json_value(v) for v in value]
    if isinstance(value, str):
        m = _DATE_RE.match(value)
        if m:
            from vboshell.runtime.values import DateTime

            d = _EPOCH + _dt.timedelta(milliseconds=int(m.group(1)))
            return DateTime.wrap(d.astimezone(_dt.UTC))
    return value


def _object_hook(pairs: list[tuple[str, Any]]) -> PSObject:
    o = PSObject()
    for k, v in pairs:
        o.set(k, from_json_value(v))
    return o


def parse_json(text: str) -> Any:
    """ConvertFrom-Json: objects become PSCustomObjects, arrays lists."""
    value = json.loads(text, object_pairs_hook=_object_hook, parse_float=float)
    return from_json_value(value)


@register
class ConvertFromJson(Cmdlet):
    name = "ConvertFrom-Json"
    synopsis = "Converts a JSON-formatted string to a custom object."
    description = (
        "Parses JSON text (all pipeline strings joined with newlines) into PSCustomObjects, arrays and scalars. "
        "As in Windows PowerShell 5.1 a top-level JSON array is output as one array object (wrap the call in "
        "parentheses to enumerate it), and \\/Date(ms)\\/ strings become DateTimes."
    )
    parameters = [
        Parameter("InputObject", str, value_from_pipeline=True, mandatory=True, position=0, help="JSON text."),
    ]
    examples = [
        Example("('{\"Name\":\"Job1\",\"Size\":3}' | ConvertFrom-Json).Size", "Reads a property.", expect="3"),
        Example("'[1,2,3]' | ConvertFrom-Json | Measure-Object | Select-Object -ExpandProperty Count",
                "5.1 outputs a JSON array as a single object.", expect="1"),
    ]

    def begin_processing(self) -> None:
        self._parts: list[str] = []

    def process_record(self) -> None:
        if self.InputObject is not None:
            self._parts.append(to_string(self.InputObject))

    def end_processing(self) -> None:
        text = "\n".join(self._parts)
        if not text.strip():
            return
        try:
            value = parse_json(text)
        except json.JSONDecodeError as e:
            snippet = text[e.pos:e.pos + 20].split("\n")[0] if e.pos < len(text) else ""
            raise CmdletError(f"Invalid JSON primitive: {snippet}.",
                              "System.ArgumentException",
                              ErrorCategory.NotSpecified, text, exception_type="ArgumentException") from None
        self.write_object(value, enumerate_collection=False)


# ----------------------------------------------------------------------------------------------
# HTML

_DOCTYPE = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN"  '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">')


def _html(text: Any) -> str:
    import html

    return html.escape(csv_field(text) or "", quote=False)


@register
class ConvertToHtml(Cmdlet):
    name = "ConvertTo-Html"
    synopsis = "Converts .NET objects into HTML that can be displayed in a Web browser."
    description = (
        "Outputs, one line per string, an XHTML page (or with -Fragment just the table) listing the input objects: "
        "a table with a column per property (-As Table) or a two-column table per object (-As List). -Property "
        "selects columns (calculated properties allowed); -Head, -Title, -Body, -PreContent and -PostContent add "
        "content. Values are HTML-encoded. The layout follows Windows PowerShell 5.1."
    )
    parameters = [
        Parameter("InputObject", object, value_from_pipeline=True, help="The objects to convert."),
        Parameter("Property", object, array=True, position=0, help="Properties (columns) to include."),
        Parameter("As", str, validate_set=("Table", "List"), help="Table (default) or List."),
        Parameter("Head", str, array=True, position=1, help="Content of the <head> element (replaces the title)."),
        Parameter("Title", str, position=2, help="The page title."),
        Parameter("Body", str, array=True, position=3, help="Text after the <body> tag."),
        Parameter("PreContent", str, array=True, help="Text before the table."),
        Parameter("PostContent", str, array=True, help="Text after the table."),
        Parameter("Fragment", Switch, help="Outputs only the table."),
        Parameter("CssUri", str, aliases=("cu", "uri"), help="A style sheet link."),
        Parameter("Charset", str, help="A <meta charset> value."),
    ]
    examples = [
        Example("[PSCustomObject]@{Name='Job1'; Size=10} | ConvertTo-Html -Fragment",
                "An HTML table.", expect="<tr><th>Name</th><th>Size</th></tr>\n<tr><td>Job1</td><td>10</td></tr>"),
        Example("Get-ChildItem | Select-Object Name, Length | ConvertTo-Html -Title 'Files' | Out-File files.html",
                "A whole page saved to a file."),
    ]

    def begin_processing(self) -> None:
        self._items: list[Any] = []

    def process_record(self) -> None:
        if self.is_bound("InputObject") and self.InputObject is not None:
            self._items.append(self.InputObject)

    def end_processing(self) -> None:
        from vboshell.format.properties import resolve_specs

        out: list[str] = []
        if not self.Fragment:
            out.append(_DOCTYPE)
            out.append('<html xmlns="http://www.w3.org/1999/xhtml">')
            out.append("<head>")
            if self.Charset:
                out.append(f'<meta charset="{self.Charset}">')
            if self.Head is not None:
                out.extend(to_string(h) for h in as_list(self.Head))
            else:
                out.append(f"<title>{self.Title if self.Title is not None else 'HTML TABLE'}</title>")
            if self.CssUri:
                out.append(f'<link rel="stylesheet" type="text/css" href="{self.CssUri}" />')
            out.append("</head><body>")
            out.extend(to_string(b) for b in as_list(self.Body))
        out.extend(to_string(p) for p in as_list(self.PreContent))
        items = self._items
        if items:
            props = as_list(self.Property)
            invoke = lambda block, obj: self.invoke_script_block(block, obj)  # noqa: E731
            first = items[0]
            from vboshell.format.properties import PropertySpecError

            if props:
                try:
                    specs = resolve_specs(props, first, invoke)
                except PropertySpecError as e:
                    raise CmdletError(str(e), e.error_id, ErrorCategory.InvalidArgument,
                                      exception_type="NotSupportedException") from None
            else:
                from vboshell.format.engine import _is_scalar

                names = ["*"] if not _is_scalar(first) else []
                specs = resolve_specs(names, first, invoke) if names else []
            if (self.As or "Table").lower() == "list":
                for obj in items:
                    out.append("<table>")
                    for s in specs:
                        out.append(f"<tr><td>{_html(s.label)}:</td><td>{_html(s.getter(obj))}</td></tr>")
                    out.append("</table>")
            else:
                out.append("<table>")
                out.append("<colgroup>" + "<col/>" * max(len(specs), 1) + "</colgroup>")
                if specs:
                    out.append("<tr>" + "".join(f"<th>{_html(s.label)}</th>" for s in specs) + "</tr>")
                    for obj in items:
                        out.append("<tr>" + "".join(f"<td>{_html(s.getter(obj))}</td>" for s in specs) + "</tr>")
                else:
                    out.append("<tr><th>*</th></tr>")
                    for obj in items:
                        out.append(f"<tr><td>{_html(obj)}</td></tr>")
                out.append("</table>")
        out.extend(to_string(p) for p in as_list(self.PostContent))
        if not self.Fragment:
            out.append("</body></html>")
        for line in out:
            self.write_object(line)
