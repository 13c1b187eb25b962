"""PowerShell-style output formatting: default views, Format-Table/List/Wide blocks and Out-String text.
`format_default(objects, width)` is what Out-Default and Out-String call."""

from vboshell.format.engine import (
    FormatBlock,
    ListBlock,
    TableBlock,
    TextBlock,
    WideBlock,
    build_list,
    build_table,
    build_wide,
    default_blocks,
    format_default,
    format_lines,
    render_blocks,
)

__all__ = [
    "FormatBlock", "ListBlock", "TableBlock", "TextBlock", "WideBlock", "build_list", "build_table",
    "build_wide", "default_blocks", "format_default", "format_lines", "render_blocks",
]
