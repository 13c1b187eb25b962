"""How errors look: PowerShell 5.1's NormalView for ErrorRecords (message, `At line:N char:M`, the source line with
`~` markers, CategoryInfo, FullyQualifiedErrorId) and the parse-error layout; plus the internal-error log file."""

from __future__ import annotations

import os
import traceback
from typing import Any

from vboshell.runtime.errors import ErrorCategory, ErrorRecord, InvocationInfo


def _wrap_indented(text: str, width: int) -> str:
    """Lines of `text` cut every `width` characters, each indented by four spaces (as 5.1's view does)."""
    if width <= 10:
        return "    " + text
    parts = [text[i : i + width] for i in range(0, len(text), width)] or [""]
    return "\n".join("    " + p for p in parts)


def format_error_record(record: ErrorRecord, width: int | None = None) -> str:
    """NormalView text of an ErrorRecord (5.1), without colour and without a trailing newline.
    The last line is a single space, as Windows PowerShell prints it."""
    w = (width or 120) - 6
    if record.extra.get("parse_error"):
        return format_parse_error_record(record, width)
    info = record.invocation_info
    prefix = ""
    if info is not None and info.command_name:
        prefix = f"{info.command_name} : "
    message = record.extra.get("error_details") or record.message
    lines = [prefix + str(message)]
    if info is not None and info.line_number:
        lines.append(info.position_message)
    lines.append(_wrap_indented("+ CategoryInfo          : " + record.category_info, w))
    lines.append(_wrap_indented("+ FullyQualifiedErrorId : " + record.fully_qualified_error_id, w))
    lines.append(" ")
    return "\n".join(lines)


def format_concise_error_record(record: ErrorRecord) -> str:
    """PowerShell 7's ConciseView ($ErrorView = 'ConciseView'): `Cmd: message`, with a `Line |` excerpt
    when the error comes from a script file."""
    info = record.invocation_info
    message = str(record.extra.get("error_details") or record.message)
    name = info.command_name if info is not None and info.command_name else ""
    if info is None or not info.line_number or not info.script_name:
        return f"{name}: {message}" if name else message
    num = str(info.line_number)
    pad = " " * len(num)
    col = max(info.offset_in_line, 1)
    head = f"{name}: " if name else ""
    return (f"{head}{info.script_name}:{info.line_number}\nLine |\n {num} | {info.line}\n {pad} | "
            f"{' ' * (col - 1)}{'~' * max(info.extent_length, 1)}\n {pad} | {message}")


def format_category_view(record: ErrorRecord) -> str:
    """$ErrorView = 'CategoryView'."""
    return record.category_info


def format_parse_error_record(record: ErrorRecord, width: int | None = None) -> str:
    w = (width or 120) - 6
    errors = record.extra.get("parse_errors") or [(record.invocation_info, record.message)]
    out: list[str] = []
    for info, message in errors:
        if info is not None and info.line_number:
            out.append(info.position_message)
        out.append(message)
        out.append("")
    if out and out[-1] == "":
        out.pop()
    out.append(_wrap_indented("+ CategoryInfo          : " + record.category_info, w))
    out.append(_wrap_indented("+ FullyQualifiedErrorId : " + record.fully_qualified_error_id, w))
    out.append(" ")
    return "\n".join(out)


def invocation_from_extent(ext: Any, command_name: str | None = None) -> InvocationInfo:
    line = ext.line_text()
    if ext.start_line == ext.end_line:
        length = ext.end_offset - ext.start_offset
    else:
        length = len(line) - ext.start_column + 1
    return InvocationInfo(command_name=command_name, script_name=ext.file, line_number=ext.start_line,
                          offset_in_line=ext.start_column, line=line, extent_length=max(length, 1))


def parse_error_record(err: Any) -> ErrorRecord:
    """An ErrorRecord for a vboshell.language.ParseError (with all its errors)."""
    items = []
    for e in getattr(err, "errors", [err]):
        items.append((invocation_from_extent(e.extent), e.message))
    first = err
    rec = ErrorRecord(message=first.message, error_id=first.error_id, category=ErrorCategory.ParserError,
                      target_object=None, exception_type="ParentContainsErrorRecordException")
    rec.invocation_info = items[0][0] if items else None
    rec.extra["parse_error"] = True
    rec.extra["parse_errors"] = items
    return rec


def vboshell_home() -> str:
    home = os.environ.get("VBOSHELL_HOME")
    if home:
        return home
    try:
        import platformdirs

        return platformdirs.user_data_dir("vboshell", appauthor=False)
    except Exception:  # noqa: BLE001
        return os.path.join(os.path.expanduser("~"), ".vboshell")


def log_internal_error(exc: BaseException, where: str = "") -> str:
    """Append a traceback to <VBOSHELL_HOME>/log/internal-errors.log; returns the log path ('' if unwritable)."""
    try:
        home = vboshell_home()
        os.makedirs(home, mode=0o700, exist_ok=True)  # owner-only, as vboshell.store creates it
        log_dir = os.path.join(home, "log")
        os.makedirs(log_dir, mode=0o700, exist_ok=True)
        path = os.path.join(log_dir, "internal-errors.log")
        import datetime

        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)  # messages may quote user data
        with open(fd, "a", encoding="utf-8") as f:
            f.write(f"--- {datetime.datetime.now().isoformat()} {where}\n")
            f.write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
        return path
    except Exception:  # noqa: BLE001 - logging must never fail the shell
        return ""


def internal_error_record(exc: BaseException, where: str = "") -> ErrorRecord:
    """The ErrorRecord shown to the user for a bug in vboshell (id InternalError); the traceback goes to the log."""
    if isinstance(exc, RecursionError):
        return ErrorRecord(message="The script failed due to call depth overflow.", error_id="CallDepthOverflow",
                           category=ErrorCategory.InvalidOperation, exception_type="ScriptCallDepthException")
    if isinstance(exc, MemoryError):
        return ErrorRecord(message="Insufficient memory to continue the execution of the program.",
                           error_id="System.OutOfMemoryException", category=ErrorCategory.NotSpecified,
                           exception_type="OutOfMemoryException")
    path = log_internal_error(exc, where)
    msg = f"Internal error in vboshell: {type(exc).__name__}: {exc}"
    if path:
        msg += f" (details in {path})"
    rec = ErrorRecord(message=msg, error_id="InternalError", category=ErrorCategory.NotSpecified,
                      exception_type="RuntimeException")
    rec.inner = exc
    return rec
