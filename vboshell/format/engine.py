"""The formatting engine: picks table/list views by PowerShell 5.1's rules and renders format blocks to text.
Format-Table/Format-List emit FormatBlock objects; Out-Default, Out-String and Out-File render them with a width."""

from __future__ import annotations

import datetime as _dt
import decimal
import textwrap
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from vboshell.format.properties import Invoker, PropertySpec, resolve_specs
from vboshell.format.values import (
    dotnet_format_datetime,
    format_double,
    is_enumerable,
    is_number,
    long_datetime,
    scalar_text,
)
from vboshell.runtime.errors import ErrorRecord
from vboshell.runtime.psobject import PSObject, TypeView, get_properties, type_names_of, view_of

PROPERTY_COUNT_FOR_TABLE = 4  # PowerShell's PropertyCountForTable

# ----------------------------------------------------------------------------------------------
# Format blocks (what Format-* cmdlets emit)


@dataclass
class Column:
    label: str
    width: int | None = None  # declared width (view or calculated property); None: sized from the data
    align: str = "left"  # 'left' | 'right' | 'center'


@dataclass
class OutOfBand:
    """Text printed in the middle of a table (a scalar or a foreign object), not a row."""

    text: str


@dataclass
class FormatBlock:
    """Base of the objects Format-Table/List/Wide emit; `render(width)` gives its lines."""

    group_label: str | None = None  # `   Status: Running` header for -GroupBy

    def render(self, width: int | None) -> list[str]:  # pragma: no cover - abstract
        raise NotImplementedError

    def __str__(self) -> str:
        return "Microsoft.PowerShell.Commands.Internal.Format.FormatStartData"


@dataclass
class TableBlock(FormatBlock):
    columns: list[Column] = field(default_factory=list)
    rows: list[list[str] | OutOfBand] = field(default_factory=list)
    autosize: bool = False
    wrap: bool = False
    hide_headers: bool = False

    def render(self, width: int | None) -> list[str]:
        return render_table(self, width)


@dataclass
class ListBlock(FormatBlock):
    entries: list[list[tuple[str, str]] | OutOfBand] = field(default_factory=list)

    def render(self, width: int | None) -> list[str]:
        return render_list(self, width)


@dataclass
class WideBlock(FormatBlock):
    items: list[str] = field(default_factory=list)
    column_count: int | None = None
    autosize: bool = False

    def render(self, width: int | None) -> list[str]:
        return render_wide(self, width)


@dataclass
class TextBlock(FormatBlock):
    lines: list[str] = field(default_factory=list)

    def render(self, width: int | None) -> list[str]:
        return list(self.lines)


# ----------------------------------------------------------------------------------------------
# Rendering


def dwidth(text: str) -> int:
    """Display width in terminal cells (East Asian wide characters take two), as the console lays them out."""
    if text.isascii():
        return len(text)
    from wcwidth import wcswidth

    w = wcswidth(text)
    return w if w >= 0 else len(text)


def _cut(text: str, cells: int) -> str:
    """The longest prefix of `text` that fits in `cells` display cells."""
    if text.isascii():
        return text[:cells]
    from wcwidth import wcwidth

    out, used = [], 0
    for ch in text:
        w = max(wcwidth(ch), 0)
        if used + w > cells:
            break
        out.append(ch)
        used += w
    return "".join(out)


def _fit(text: str, width: int, wrap: bool) -> list[str]:
    """A cell's lines for a column of `width`: truncated with `...` or wrapped."""
    lines = text.split("\n") if "\n" in text else [text]
    lines = [ln.rstrip("\r") for ln in lines]
    if not wrap:
        first = lines[0]
        fw = dwidth(first)
        if len(lines) > 1 or fw > width:
            if width <= 3:
                return [_cut(first, width)]
            if fw <= width - 3 and len(lines) > 1:
                return [first + "..."]
            return [_cut(first, width - 3) + "..."]
        return [first]
    out: list[str] = []
    for ln in lines:
        if not ln:
            out.append("")
            continue
        while dwidth(ln) > width:
            head = _cut(ln, width)
            cut = head.rfind(" ") if len(head) < len(ln) and ln[len(head)] != " " else len(head)
            if cut <= 0:
                out.append(head)
                ln = ln[len(head):]
            else:
                out.append(ln[:cut])
                ln = ln[cut + 1:] if cut < len(ln) and ln[cut] == " " else ln[cut:]
        out.append(ln)
    return out or [""]


def _pad(text: str, width: int, align: str) -> str:
    gap = max(width - dwidth(text), 0)
    if align == "right":
        return " " * gap + text
    if align == "center":
        left = gap // 2
        return " " * left + text + " " * (gap - left)
    return text + " " * gap


def _column_widths(block: TableBlock, width: int | None) -> list[int]:
    """Natural widths (declared, or the widest header/cell), then trimmed from the right to fit `width`."""
    n = len(block.columns)
    widths: list[int] = []
    for i, col in enumerate(block.columns):
        if col.width is not None and col.width > 0:
            widths.append(col.width)
            continue
        w = 0 if block.hide_headers else dwidth(col.label)
        for row in block.rows:
            if isinstance(row, OutOfBand):
                continue
            cell = row[i] if i < len(row) else ""
            longest = max((dwidth(x) for x in cell.split("\n")), default=0)
            w = max(w, longest)
        widths.append(max(w, 1))
    if width is None or n == 0:
        return widths
    available = max(width - 1, 1)  # PowerShell leaves the console's last column empty
    # trim from the last visible column; a column that cannot keep a useful width is dropped (width 0)
    while True:
        visible = [i for i in range(n) if widths[i] > 0]
        if not visible:
            break
        total = sum(widths[i] for i in visible) + len(visible) - 1
        if total <= available:
            break
        excess = total - available
        last = visible[-1]
        if len(visible) == 1:
            widths[last] = max(available, 1)
            break
        if widths[last] - excess >= min(4, widths[last]):
            widths[last] -= excess
            break
        widths[last] = 0
    return widths


def render_table(block: TableBlock, width: int | None) -> list[str]:
    widths = _column_widths(block, width)
    return table_head(block, widths) + table_rows(block, widths, block.rows) + [""]


def table_head(block: TableBlock, widths: list[int]) -> list[str]:
    """The group header, blank line, column headers and dashes of a table laid out with `widths`."""
    lines: list[str] = []
    if block.group_label is not None:
        lines += ["", *block.group_label.split("\n")]
    lines.append("")
    if not block.hide_headers:
        cols = [(c, w) for c, w in zip(block.columns, widths, strict=False) if w > 0]
        _emit(lines, cols, [_fit(col.label, w, False) for col, w in cols])
        _emit(lines, cols, [["-" * min(len(col.label), w)] for col, w in cols])
    return lines


def table_rows(block: TableBlock, widths: list[int], rows: list[list[str] | OutOfBand]) -> list[str]:
    """Row lines for `rows` of a table laid out with `widths` (cells truncated or wrapped to fit)."""
    cols = [(c, w) for c, w in zip(block.columns, widths, strict=False) if w > 0]
    idx = [i for i, w in enumerate(widths) if w > 0]
    lines: list[str] = []
    for row in rows:
        if isinstance(row, OutOfBand):
            lines.extend(row.text.split("\n"))
            continue
        cells = []
        for (_col, w), i in zip(cols, idx, strict=False):
            cells.append(_fit(row[i] if i < len(row) else "", w, block.wrap))
        _emit(lines, cols, cells)
    return lines


def _emit(lines: list[str], cols: list[tuple[Column, int]], cells: list[list[str]]) -> None:
    height = max((len(c) for c in cells), default=1)
    for k in range(height):
        parts = []
        for (col, w), cell in zip(cols, cells, strict=False):
            text = cell[k] if k < len(cell) else ""
            parts.append(_pad(text, w, col.align))
        lines.append(" ".join(parts).rstrip())


def list_entry_lines(entry: list[tuple[str, str]] | OutOfBand, width: int | None) -> list[str]:
    """One object of a list view (its `Name : Value` lines and the blank line after it), or out-of-band text."""
    if isinstance(entry, OutOfBand):
        return entry.text.split("\n")
    if not entry:
        return []
    return render_list(ListBlock(entries=[entry]), width)[1:]


def render_list(block: ListBlock, width: int | None) -> list[str]:
    lines: list[str] = []
    if block.group_label is not None:
        lines += ["", *block.group_label.split("\n")]
    lines.append("")
    for entry in block.entries:
        if isinstance(entry, OutOfBand):
            lines.extend(entry.text.split("\n"))
            continue
        if not entry:
            continue
        name_w = max(dwidth(n) for n, _ in entry)
        indent = " " * (name_w + 3)
        for name, value in entry:
            head = f"{_pad(name, name_w, 'left')} : "
            value_lines = value.split("\n") if value else [""]
            room = (width - 1 - len(head)) if width is not None else None
            wrapped: list[str] = []
            for vl in value_lines:
                vl = vl.rstrip("\r")
                if room is not None and room > 10 and len(vl) > room:
                    wrapped.extend(textwrap.wrap(vl, room, break_long_words=True, drop_whitespace=False)
                                   or [""])
                else:
                    wrapped.append(vl)
            lines.append((head + wrapped[0]).rstrip())
            for more in wrapped[1:]:
                lines.append((indent + more).rstrip())
        lines.append("")
    if lines[-1] != "":
        lines.append("")
    return lines


def render_wide(block: WideBlock, width: int | None) -> list[str]:
    lines: list[str] = []
    if block.group_label is not None:
        lines += ["", *block.group_label.split("\n")]
    lines.append("")
    if not block.items:
        return lines + [""]
    total = (width - 1) if width is not None else 79
    longest = max(len(x) for x in block.items)
    if block.column_count:
        ncols = block.column_count
    elif block.autosize:
        ncols = max(1, (total + 1) // (longest + 1))
    else:
        ncols = 2
    ncols = max(1, min(ncols, len(block.items)))
    colw = max(1, (total - (ncols - 1)) // ncols) if not block.autosize else longest
    for start in range(0, len(block.items), ncols):
        chunk = block.items[start:start + ncols]
        lines.append(" ".join(_fit(x, colw, False)[0].ljust(colw) for x in chunk).rstrip())
    lines.append("")
    return lines


# ----------------------------------------------------------------------------------------------
# Building views from objects


def _is_scalar(obj: Any) -> bool:
    if getattr(obj, "ps_format_as_text", False):  # e.g. MatchInfo: its string form is its display
        return True
    if type(obj).__name__ == "SecureString":  # shows its type name, never its value
        return True
    if obj is None or isinstance(obj, (str, bool, int, float, decimal.Decimal, _dt.date, bytes)):
        return True
    if isinstance(obj, (Mapping, _dt.timedelta, uuid.UUID, PSObject)):
        return False
    if view_of(obj) is not None:
        return False
    return not get_properties(obj)


def _error_text(record: ErrorRecord) -> str:
    """An ErrorRecord in the output stream prints as the error display (without colour)."""
    try:
        from vboshell.runtime.display import format_error_record

        return format_error_record(record).rstrip("\n")
    except Exception:  # noqa: BLE001 - fall back to the message
        return record.message


def top_level_text(obj: Any) -> str:
    """How Out-Default prints a scalar on its own line."""
    if isinstance(obj, bool):
        return "True" if obj else "False"
    if isinstance(obj, float):
        return format_double(obj)
    if isinstance(obj, _dt.datetime):
        hint = getattr(obj, "ps_display_hint", None)  # Get-Date -DisplayHint Date|Time
        if hint == "Date":
            return dotnet_format_datetime(obj, "D")
        if hint == "Time":
            return dotnet_format_datetime(obj, "T")
        return long_datetime(obj)
    if isinstance(obj, _dt.date):
        return long_datetime(obj)
    return scalar_text(obj)


def _timespan_props(td: _dt.timedelta) -> list[tuple[str, Any]]:
    ticks = (td.days * 86_400_000_000 + td.seconds * 1_000_000 + td.microseconds) * 10
    sign = -1 if ticks < 0 else 1
    a = abs(ticks)
    days, rem = divmod(a, 864_000_000_000)
    hours, rem = divmod(rem, 36_000_000_000)
    minutes, rem = divmod(rem, 600_000_000)
    seconds, rem = divmod(rem, 10_000_000)
    ms = rem // 10_000
    return [
        ("Days", sign * days), ("Hours", sign * hours), ("Minutes", sign * minutes),
        ("Seconds", sign * seconds), ("Milliseconds", sign * ms), ("Ticks", ticks),
        ("TotalDays", ticks / 864_000_000_000), ("TotalHours", ticks / 36_000_000_000),
        ("TotalMinutes", ticks / 600_000_000), ("TotalSeconds", ticks / 10_000_000),
        ("TotalMilliseconds", ticks / 10_000),
    ]


def visible_properties(obj: Any) -> list[tuple[str, Any]]:
    """Properties the default views show (timespans and guids get their .NET property sets)."""
    if isinstance(obj, _dt.timedelta):
        return _timespan_props(obj)
    if isinstance(obj, uuid.UUID):
        return [("Guid", str(obj))]
    from vboshell.format.properties import object_properties

    return object_properties(obj)


def _view_columns(view: TypeView | None, names: list[str], for_list: bool) -> list[PropertySpec] | None:
    if view is None:
        return None
    chosen = view.list if for_list else view.table
    if chosen is None:
        return None
    specs: list[PropertySpec] = []
    for entry in chosen:
        specs.append(_view_entry(entry))
    return specs


def _view_entry(entry: Any) -> PropertySpec:
    """A view column: 'Prop', ('Prop', 'Label'), ('Prop', 'Label', width) or a mapping (calculated property)."""
    from vboshell.format.properties import get_value

    # Columns of declared views are left-aligned unless they say otherwise (as in format.ps1xml files).
    if isinstance(entry, str):
        return PropertySpec(label=entry, getter=lambda o, _n=entry: get_value(o, _n), name=entry, align="left")
    if isinstance(entry, Mapping):
        prop = entry.get("property") or entry.get("Property")
        label = entry.get("label") or entry.get("Label") or prop
        fn = entry.get("expression") or entry.get("Expression")
        getter = fn if callable(fn) else (lambda o, _n=prop: get_value(o, _n))
        return PropertySpec(label=str(label), getter=getter, width=entry.get("width") or entry.get("Width"),
                            align=entry.get("align") or entry.get("Align") or "left")
    prop = entry[0]
    label = entry[1] if len(entry) > 1 and entry[1] else prop
    width = entry[2] if len(entry) > 2 else None
    align = entry[3] if len(entry) > 3 else "left"
    getter = prop if callable(prop) else (lambda o, _n=prop: get_value(o, _n))
    return PropertySpec(label=str(label), getter=getter, width=width, align=align)


def _auto_align(value: Any) -> str:
    return "right" if is_number(value) else "left"


def cell_text(value: Any, format_string: str | None = None) -> str:
    if format_string:
        try:
            from vboshell.format.dotnet import format_value

            return format_value(value, format_string)
        except Exception:
            pass
    return scalar_text(value)


def _specs_for(obj: Any, kind: str) -> list[PropertySpec]:
    view = view_of(obj)
    specs = _view_columns(view, [], kind == "list")
    if specs is not None:
        return specs
    from vboshell.format.properties import get_value

    return [PropertySpec(label=n, getter=(lambda o, _n=n: get_value(o, _n)), name=n)
            for n, _ in visible_properties(obj)]


def choose_view(obj: Any) -> str:
    """'table' or 'list' for an object by its TypeView, else by PowerShell's 4-property rule."""
    if isinstance(obj, uuid.UUID):
        return "table"
    if isinstance(obj, _dt.timedelta):
        return "list"
    view = view_of(obj)
    if view is not None:
        if view.kind in ("table", "list"):
            return view.kind
        if view.table is not None:
            return "table" if len(view.table) <= PROPERTY_COUNT_FOR_TABLE else "list"
    n = len(visible_properties(obj))
    return "table" if n <= PROPERTY_COUNT_FOR_TABLE else "list"


def _getval(spec: PropertySpec, obj: Any) -> Any:
    if isinstance(obj, _dt.timedelta) or isinstance(obj, uuid.UUID):
        for k, v in visible_properties(obj):
            if spec.name and k.lower() == spec.name.lower():
                return v
    try:
        return spec.getter(obj)
    except Exception:
        return None


def table_row(specs: list[PropertySpec], obj: Any) -> list[str]:
    return [cell_text(_getval(s, obj), s.format_string) for s in specs]


def list_entry(specs: list[PropertySpec], obj: Any) -> list[tuple[str, str]]:
    return [(s.label, cell_text(_getval(s, obj), s.format_string)) for s in specs]


def make_columns(specs: list[PropertySpec], first: Any) -> list[Column]:
    cols = []
    for s in specs:
        align = s.align or _auto_align(_getval(s, first))
        cols.append(Column(label=s.label, width=s.width, align=align))
    return cols


def _type_key(obj: Any) -> str:
    view = view_of(obj)
    if view is not None:  # types sharing one view (FileInfo/DirectoryInfo) continue the same table
        return f"view:{id(view)}"
    names = type_names_of(obj)
    first = names[0] if names else type(obj).__name__
    if first.startswith("Selected."):
        first = first[len("Selected."):]
    return first


def _hashtable_block() -> TableBlock:
    return TableBlock(columns=[Column("Name", 30), Column("Value")])


def _dictionary_entry(obj: Any) -> tuple[Any, Any] | None:
    """(key, value) for a DictionaryEntry ($h.GetEnumerator() items), which prints like a hashtable row."""
    if type(obj).__name__ != "DictionaryEntry":
        return None
    key = getattr(obj, "Key", None)
    if key is None:
        key = getattr(obj, "Name", None)
    return key, getattr(obj, "Value", None)


def _hashtable_rows(h: Mapping[Any, Any]) -> list[list[str]]:
    return [[scalar_text(k), scalar_text(v)] for k, v in h.items()]


def flatten(objects: Iterable[Any]) -> Iterable[Any]:
    for obj in objects:
        if is_enumerable(obj):
            yield from flatten(obj)
        else:
            yield obj


class DefaultGrouper:
    """Out-Default's grouping, fed object by object: the first object of a run fixes the view and columns;
    scalars print inline; an object of another type without a view of its own prints out-of-band as a list.
    `blocks` collects finished blocks; `current` is the block still open (more rows may join it)."""

    def __init__(self) -> None:
        self.blocks: list[FormatBlock] = []
        self.current: TableBlock | ListBlock | None = None
        self.cur_key: str | None = None
        self.cur_specs: list[PropertySpec] = []
        self.cur_group: str | None = None
        self.text: TextBlock | None = None

    def close(self) -> None:
        if self.current is not None:
            self.blocks.append(self.current)
        self.current = None
        self.cur_key = None
        self.text = None

    def _add_text(self, line: str) -> None:
        cur = self.current
        if cur is not None:
            if isinstance(cur, TableBlock):
                cur.rows.append(OutOfBand(line))
            else:
                cur.entries.append(OutOfBand(line))
            return
        if self.text is None:
            self.text = TextBlock()
            self.blocks.append(self.text)
        self.text.lines.extend(line.split("\n"))

    def add(self, obj: Any) -> None:
        if isinstance(obj, FormatBlock):
            self.close()
            self.blocks.append(obj)
            return
        if obj is None:
            return
        entry = _dictionary_entry(obj)
        if isinstance(obj, Mapping) or entry is not None:
            if self.cur_key != "#hashtable":
                self.close()
                self.current = _hashtable_block()
                self.cur_key = "#hashtable"
            assert isinstance(self.current, TableBlock)
            self.current.rows.extend(_hashtable_rows(obj if entry is None else dict([entry])))
            return
        if isinstance(obj, PSObject) and not obj.names():
            return  # an empty [PSCustomObject] prints nothing
        if isinstance(obj, (_dt.datetime, _dt.date)) and self.current is None:
            self.close()
            self.blocks.append(TextBlock(lines=["", top_level_text(obj), ""]))
            return
        if isinstance(obj, ErrorRecord):
            self._add_text(_error_text(obj))
            return
        if _is_scalar(obj):
            self._add_text(top_level_text(obj))
            return
        key = _type_key(obj)
        view = view_of(obj)
        group_text = _view_group_label(view, obj)
        if self.current is not None and self.cur_key == key and group_text != self.cur_group:
            self.close()
        cur = self.current
        if cur is not None and self.cur_key == key:
            if isinstance(cur, TableBlock):
                cur.rows.append(table_row(self.cur_specs, obj))
            else:
                cur.entries.append(list_entry(_specs_for(obj, "list"), obj))
            return
        if cur is not None and self.cur_key != "#hashtable" and view is None:
            entry = list_entry(_specs_for(obj, "list"), obj)
            lines = render_list(ListBlock(entries=[entry]), None)
            self._add_text("\n".join(lines[1:-1]))
            return
        self.close()
        kind = choose_view(obj)
        self.cur_key = key
        self.cur_group = group_text
        if kind == "table":
            self.cur_specs = _specs_for(obj, "table")
            self.current = TableBlock(columns=make_columns(self.cur_specs, obj),
                                      rows=[table_row(self.cur_specs, obj)], group_label=group_text)
        else:
            self.current = ListBlock(entries=[list_entry(_specs_for(obj, "list"), obj)], group_label=group_text)


def default_blocks(objects: Iterable[Any]) -> list[FormatBlock]:
    """The format blocks Out-Default renders for `objects` (see DefaultGrouper)."""
    g = DefaultGrouper()
    for obj in flatten(objects):
        g.add(obj)
    g.close()
    return g.blocks


class OutDefaultFormatter:
    """Incremental Out-Default for long-running pipelines: `feed(batch)` returns the text to show now and
    `close()` the rest. A table begun in one batch continues in later ones under the same header and column
    widths (fixed from the first batch, as Windows PowerShell 5.1 fixes them after its short wait); later
    values that do not fit are truncated. Concatenated output equals format_default() when widths agree."""

    def __init__(self, width: int | None = None) -> None:
        self.width = width
        self._grouper = DefaultGrouper()
        self._open: FormatBlock | None = None  # the block whose head has been written
        self._widths: list[int] = []
        self._done_rows = 0

    def feed(self, objects: Iterable[Any]) -> str:
        g = self._grouper
        for obj in flatten(objects):
            g.add(obj)
        lines: list[str] = []
        finished, g.blocks = g.blocks, []
        for b in finished:
            lines += self._render_rest(b, final=True)
        if g.current is not None:
            lines += self._render_rest(g.current, final=False)
        if g.text is not None and g.text in finished:
            g.text = None
        return "".join(line + "\n" for line in lines)

    def close(self) -> str:
        self._grouper.close()
        text = self.feed([])
        return text

    def _render_rest(self, block: FormatBlock, final: bool) -> list[str]:
        lines: list[str] = []
        if block is not self._open:
            self._open = block
            self._done_rows = 0
            if isinstance(block, TableBlock):
                self._widths = _column_widths(block, self.width)
                lines += table_head(block, self._widths)
            elif isinstance(block, ListBlock):
                if block.group_label is not None:
                    lines += ["", *block.group_label.split("\n")]
                lines.append("")
            elif not final:
                return []
        if isinstance(block, TableBlock):
            new_rows = block.rows[self._done_rows:]
            lines += table_rows(block, self._widths, new_rows)
            self._done_rows = len(block.rows)
            if final:
                lines.append("")
        elif isinstance(block, ListBlock):
            for entry in block.entries[self._done_rows:]:
                lines += list_entry_lines(entry, self.width)
            self._done_rows = len(block.entries)
            if final and (not block.entries or isinstance(block.entries[-1], OutOfBand)):
                lines.append("")
        else:
            lines += block.render(self.width)
        if final:
            self._open = None
        return lines


def _view_group_label(view: TypeView | None, obj: Any) -> str | None:
    if view is None or not view.group_by:
        return None
    from vboshell.format.properties import get_value

    value = scalar_text(get_value(obj, view.group_by))
    fmt = view.group_format or ("   " + view.group_by + ": {}")
    return fmt.replace("{}", value)


def render_blocks(blocks: Iterable[Any], width: int | None) -> list[str]:
    lines: list[str] = []
    for b in blocks:
        lines.extend(b.render(width))
    return lines


def format_lines(objects: Iterable[Any], width: int | None = None) -> list[str]:
    """Out-String -Stream: the formatted output as lines."""
    return render_blocks(default_blocks(objects), width)


def format_default(objects: Iterable[Any], width: int | None = None) -> str:
    """The text Out-Default/Out-String produce for `objects`: every line ends with a newline; `width` None
    means unlimited (output to a pipe or file)."""
    lines = format_lines(objects, width)
    return "".join(line + "\n" for line in lines)


# ----------------------------------------------------------------------------------------------
# Format-Table / Format-List / Format-Wide builders


def group_label_text(label: str, value: Any) -> str:
    return f"   {label}: {scalar_text(value)}"


def _grouped(objects: list[Any], group_by: Any, invoke: Invoker | None) -> list[tuple[str | None, list[Any]]]:
    specs = resolve_specs([g for g in (group_by if isinstance(group_by, (list, tuple)) else [group_by])
                           if g is not None], objects[0] if objects else None, invoke) if group_by is not None else []
    if not specs:
        return [(None, objects)]
    spec = specs[0]
    groups: list[tuple[str | None, list[Any]]] = []
    last: Any = object()
    for obj in objects:
        v = _getval(spec, obj)
        text = group_label_text(spec.label, v)
        if not groups or text != last:
            groups.append((text, []))
            last = text
        groups[-1][1].append(obj)
    return groups


def build_table(objects: list[Any], properties: list[Any] | None = None, invoke: Invoker | None = None,
                autosize: bool = False, wrap: bool = False, group_by: Any = None,
                hide_headers: bool = False) -> list[FormatBlock]:
    """Format-Table's blocks (one per -GroupBy group)."""
    objs = [o for o in flatten(objects) if o is not None]
    if not objs:
        return []
    blocks: list[FormatBlock] = []
    for label, members in _grouped(objs, group_by, invoke):
        first = members[0]
        if isinstance(first, Mapping) and not properties:
            block = _hashtable_block()
            for h in members:
                if isinstance(h, Mapping):
                    block.rows.extend(_hashtable_rows(h))
        else:
            if _is_scalar(first) and not properties:
                # Format-Table over scalars shows their string form in a single unnamed column
                block = TableBlock(columns=[Column("", None, _auto_align(first))],
                                   rows=[[top_level_text(o)] for o in members], hide_headers=True)
                block.group_label = label
                block.autosize = autosize
                blocks.append(block)
                continue
            specs = resolve_specs(properties, first, invoke) if properties else _specs_for(first, "table")
            block = TableBlock(columns=make_columns(specs, first), rows=[table_row(specs, o) for o in members])
        block.autosize = autosize
        block.wrap = wrap
        block.hide_headers = hide_headers
        block.group_label = label
        blocks.append(block)
    return blocks


def build_list(objects: list[Any], properties: list[Any] | None = None, invoke: Invoker | None = None,
               group_by: Any = None) -> list[FormatBlock]:
    """Format-List's blocks; `*` (or any wildcard) selects matching properties of each object."""
    objs = [o for o in flatten(objects) if o is not None]
    blocks: list[FormatBlock] = []
    for label, members in _grouped(objs, group_by, invoke):
        block = ListBlock(group_label=label)
        for obj in members:
            if _is_scalar(obj) and not properties:
                block.entries.append(OutOfBand(top_level_text(obj)))
                continue
            if isinstance(obj, Mapping) and not properties:
                for k, v in obj.items():  # each DictionaryEntry is one Name/Value list entry
                    block.entries.append([("Name", scalar_text(k)), ("Value", scalar_text(v))])
                continue
            if properties:
                specs = resolve_specs(properties, obj, invoke)
            else:
                specs = _specs_for(obj, "list")
            block.entries.append(list_entry(specs, obj))
        blocks.append(block)
    return blocks


def build_wide(objects: list[Any], prop: Any = None, invoke: Invoker | None = None, column_count: int | None = None,
               autosize: bool = False) -> list[FormatBlock]:
    objs = [o for o in flatten(objects) if o is not None]
    items: list[str] = []
    for obj in objs:
        specs = resolve_specs(prop if isinstance(prop, (list, tuple)) else [prop], obj, invoke) \
            if prop is not None else []
        if specs:
            items.append(scalar_text(_getval(specs[0], obj)))
        elif _is_scalar(obj):
            items.append(top_level_text(obj))
        else:
            props = visible_properties(obj)
            name = next((v for k, v in props if k.lower() == "name"), props[0][1] if props else obj)
            items.append(scalar_text(name))
    return [WideBlock(items=items, column_count=column_count, autosize=autosize)]
