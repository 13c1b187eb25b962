"""Formatting and output cmdlets: Format-Table/List/Wide, Out-String/Out-File/Out-Host/Out-Null/Out-Default,
Write-Host/Output/Warning/Error/Verbose/Debug/Progress/Information, Clear-Host and transcripts."""

from __future__ import annotations

import datetime as _dt
import getpass
import os
import platform
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from vboshell.builtins._util import CollectingCmdlet, as_list, encoding_of, property_spec_error, to_string
from vboshell.commands.base import Cmdlet, Example, Parameter, Switch
from vboshell.commands.registry import register
from vboshell.format.engine import (
    FormatBlock,
    build_list,
    build_table,
    build_wide,
    format_default,
    format_lines,
)
from vboshell.format.properties import PropertySpecError
from vboshell.runtime.errors import CmdletError, ErrorCategory, ErrorRecord

COLORS = ("Black", "DarkBlue", "DarkGreen", "DarkCyan", "DarkRed", "DarkMagenta", "DarkYellow", "Gray", "DarkGray",
          "Blue", "Green", "Cyan", "Red", "Magenta", "Yellow", "White")
ENCODING_SET = ("ASCII", "BigEndianUnicode", "Default", "OEM", "String", "Unicode", "UTF7", "UTF8", "UTF8BOM",
                "UTF8NoBOM", "UTF32", "Unknown")


def _invoker(cmdlet: Cmdlet) -> Any:
    return lambda block, obj: cmdlet.invoke_script_block(block, obj)


def _host_width(cmdlet: Cmdlet) -> int | None:
    try:
        return cmdlet.context.host.width
    except AttributeError:
        return None


@register
class FormatTable(CollectingCmdlet):
    name = "Format-Table"
    aliases = ("ft",)
    synopsis = "Formats the output as a table."
    description = (
        "Formats objects as a table with one column per property. -Property takes names (wildcards allowed) and "
        "calculated properties @{Name/Label=...; Expression=...; Width=n; Alignment='Left|Center|Right'; "
        "FormatString='N2'}. Columns are as wide as their widest value; on a console, columns that do not fit "
        "are truncated with '...' (or wrapped with -Wrap). -GroupBy starts a new table for each value. The "
        "output is format data that Out-String, Out-File and the console render."
    )
    parameters = [
        Parameter("InputObject", object, value_from_pipeline=True, help="The objects to format."),
        Parameter("Property", object, array=True, position=0, help="Properties (columns) to show."),
        Parameter("AutoSize", Switch, help="Sizes the columns to their content."),
        Parameter("Wrap", Switch, help="Wraps long values onto more lines instead of truncating them."),
        Parameter("GroupBy", object, help="A property or calculated property; a new table per value."),
        Parameter("HideTableHeaders", Switch, help="Omits the column headers."),
        Parameter("View", str, dont_show=True),
        Parameter("Force", Switch, dont_show=True),
    ]
    examples = [
        Example("[PSCustomObject]@{Name='Daily'; Size=12} | Format-Table", "A one-row table.",
                expect="Name  Size\n----  ----\nDaily   12"),
        Example("1..3 | ForEach-Object { [PSCustomObject]@{N=$_; Sq=$_*$_} } | Format-Table N, @{Label='Square'; Expression={$_.Sq}} -AutoSize",
                "A calculated column.", expect="Square"),
    ]

    def end_processing(self) -> None:
        try:
            blocks = build_table(self._items, as_list(self.Property) or None, _invoker(self), bool(self.AutoSize),
                                 bool(self.Wrap), self.GroupBy, bool(self.HideTableHeaders))
        except PropertySpecError as e:
            raise property_spec_error(e) from None
        for b in blocks:
            self.write_object(b)


@register
class FormatList(CollectingCmdlet):
    name = "Format-List"
    aliases = ("fl",)
    synopsis = "Formats the output as a list of properties in which each property appears on a new line."
    description = (
        "Shows each object as `Name : Value` lines, names padded to the longest, objects separated by blank "
        "lines. `Format-List *` shows every property; -Property takes names and calculated properties."
    )
    parameters = [
        Parameter("InputObject", object, value_from_pipeline=True, help="The objects to format."),
        Parameter("Property", object, array=True, position=0, help="Properties to show (* for all)."),
        Parameter("GroupBy", object, help="A property to group the output by."),
        Parameter("View", str, dont_show=True),
        Parameter("Force", Switch, dont_show=True),
    ]
    examples = [
        Example("[PSCustomObject]@{Name='Daily'; Enabled=$true} | Format-List", "Shows the object as a list.",
                expect="Name    : Daily\nEnabled : True"),
        Example("Get-Date -Year 2024 -Month 1 -Day 31 | Format-List Year, Month, Day", "Selected properties.",
                expect="Year  : 2024"),
    ]

    def end_processing(self) -> None:
        try:
            blocks = build_list(self._items, as_list(self.Property) or None, _invoker(self), self.GroupBy)
        except PropertySpecError as e:
            raise property_spec_error(e) from None
        for b in blocks:
            self.write_object(b)


@register
class FormatWide(CollectingCmdlet):
    name = "Format-Wide"
    aliases = ("fw",)
    synopsis = "Formats objects as a wide table that displays only one property of each object."
    description = "Shows one property (Name by default) of each object in several columns (-Column n, -AutoSize)."
    parameters = [
        Parameter("InputObject", object, value_from_pipeline=True, help="The objects to format."),
        Parameter("Property", object, position=0, help="The property to show."),
        Parameter("Column", int, help="Number of columns."),
        Parameter("AutoSize", Switch, help="As many columns as fit."),
    ]
    examples = [Example("'a', 'b', 'c', 'd' | Format-Wide -Column 2", "Strings in two columns.", expect="a")]

    def end_processing(self) -> None:
        try:
            blocks = build_wide(self._items, self.Property, _invoker(self), self.Column, bool(self.AutoSize))
        except PropertySpecError as e:
            raise property_spec_error(e) from None
        for b in blocks:
            self.write_object(b)


@register
class OutString(CollectingCmdlet):
    name = "Out-String"
    aliases = ("oss",)
    synopsis = "Converts input objects into strings."
    description = (
        "Renders the input the way the console would and returns it as one string (ending with a newline), or "
        "with -Stream one string per line. Output is not truncated unless -Width is given."
    )
    parameters = [
        Parameter("InputObject", object, value_from_pipeline=True, help="The objects to render."),
        Parameter("Stream", Switch, help="Returns one string per line."),
        Parameter("Width", int, help="Line width used for tables and lists."),
    ]
    examples = [
        Example("$t = [PSCustomObject]@{A=1; B='x'} | Out-String; $t.Trim()", "A table as one string.",
                expect="A B\n- -\n1 x"),
        Example("@{k='v'} | Out-String -Stream | Select-Object -Skip 1 -First 1", "One line of a hashtable table.",
                expect="Name"),
    ]

    def end_processing(self) -> None:
        if self.Stream:
            for line in format_lines(self._items, self.Width):
                self.write_object(line)
            return
        if not self._items:
            return
        self.write_object(format_default(self._items, self.Width))


@register
class OutHost(CollectingCmdlet):
    name = "Out-Host"
    aliases = ("oh",)
    synopsis = "Sends output to the command line."
    description = "Formats the input and writes it to the console (the host), not to the pipeline."
    parameters = [
        Parameter("InputObject", object, value_from_pipeline=True, help="The objects to display."),
        Parameter("Paging", Switch, help="Accepted; vboshell does not page."),
    ]
    examples = [Example("'shown on the console' | Out-Host", "Writes to the host, outputs nothing.")]

    def end_processing(self) -> None:
        if self._items:
            self.context.host.write(format_default(self._items, _host_width(self)))


@register
class OutDefault(OutHost):
    name = "Out-Default"
    aliases = ()
    synopsis = "Sends the output to the default formatter and to the default output cmdlet."
    description = "What the shell does with a pipeline's uncaptured output: formats it and writes it to the host."
    parameters = [
        Parameter("InputObject", object, value_from_pipeline=True, help="The objects to display."),
        Parameter("Transcript", Switch, dont_show=True),
    ]
    examples = [Example("'hello' | Out-Default", "Same as typing 'hello'.")]


@register
class OutNull(Cmdlet):
    name = "Out-Null"
    synopsis = "Hides the output instead of sending it down the pipeline or displaying it."
    description = "Discards its input, like assigning to $null or casting to [void]."
    parameters = [Parameter("InputObject", object, value_from_pipeline=True, help="The objects to discard.")]
    examples = [Example("$list = New-Object System.Collections.ArrayList; $list.Add('x') | Out-Null; $list.Count",
                        "Discards the index Add() returns.", expect="1")]


def write_formatted_file(cmdlet: Cmdlet, path: str, items: list[Any], append: bool = False,
                         encoding: str | None = "Unicode", width: int | None = None,
                         no_newline: bool = False, no_clobber: bool = False, force: bool = False) -> None:
    """Out-File/Tee-Object/`>`: the formatted text of `items` written to `path` (Unicode = UTF-16LE with BOM by
    default, as Windows PowerShell 5.1 does); -Append adds without a second BOM."""
    target = cmdlet.context.resolve_path(path)
    if target.is_dir():
        raise CmdletError(f"Access to the path '{target}' is denied.", "FileOpenFailure",
                          ErrorCategory.OpenError, path, exception_type="UnauthorizedAccessException")
    if no_clobber and target.exists() and not append:
        raise CmdletError(f"The file '{target}' already exists.", "NoClobber", ErrorCategory.ResourceExists, path,
                          exception_type="IOException")
    if no_newline:
        text = "".join(to_string(i) if isinstance(i, str) else "".join(format_lines([i], width)) for i in items)
    else:
        text = format_default(items, width) if items else ""
    write_text_file(cmdlet, target, text, append, encoding, "Unicode")


def write_text_file(cmdlet: Cmdlet, target: Path, text: str, append: bool, encoding: str | None,
                    default_encoding: str) -> None:
    codec, bom = encoding_of(encoding, default_encoding)
    if os.linesep != "\n":  # pragma: no cover - Windows
        text = text.replace("\n", os.linesep)
    try:
        if not target.parent.exists():
            raise CmdletError(f"Could not find a part of the path '{target}'.", "FileOpenFailure",
                              ErrorCategory.OpenError, str(target), exception_type="DirectoryNotFoundException")
        existing = target.exists() and target.stat().st_size > 0
        if append and existing:
            with open(target, "ab") as f:
                f.write(text.encode(codec, errors="replace"))
        else:
            with open(target, "wb") as f:
                f.write(bom + text.encode(codec, errors="replace"))
    except OSError as e:
        raise CmdletError(f"Access to the path '{target}' is denied. {e.strerror or ''}".strip(), "FileOpenFailure",
                          ErrorCategory.OpenError, str(target), exception_type="UnauthorizedAccessException") from None


@register
class OutFile(CollectingCmdlet):
    name = "Out-File"
    synopsis = "Sends output to a file."
    description = (
        "Writes the formatted text of its input (as the console would show it) to a file. The default encoding "
        "is Unicode (UTF-16LE with a byte order mark), as in Windows PowerShell 5.1; -Encoding UTF8 writes "
        "UTF-8 with a BOM, UTF8NoBOM/ASCII without. Lines are never cut to the console width unless -Width "
        "is given. -Append adds to an existing file; -NoClobber refuses to overwrite one."
    )
    parameters = [
        Parameter("FilePath", str, mandatory=True, position=0, aliases=("Path", "PSPath"), is_path=True,
                  help="The file to write."),
        Parameter("Encoding", str, position=1, validate_set=ENCODING_SET, help="The file encoding (default Unicode)."),
        Parameter("InputObject", object, value_from_pipeline=True, help="The objects to write."),
        Parameter("Append", Switch, help="Adds to the end of the file."),
        Parameter("Force", Switch, help="Overwrites a read-only file."),
        Parameter("NoClobber", Switch, aliases=("NoOverwrite",), help="Does not overwrite an existing file."),
        Parameter("Width", int, help="Maximum line width for tables and lists."),
        Parameter("NoNewline", Switch, help="Writes the strings without newlines between or after them."),
    ]
    supports_should_process = True
    examples = [
        Example("'line one', 'line two' | Out-File -FilePath out.txt -Encoding UTF8; (Get-Content out.txt).Count",
                "Writes two lines.",  expect="2"),
    ]

    def end_processing(self) -> None:
        if not self.should_process(str(self.context.resolve_path(self.FilePath)), "Output to File"):
            return
        write_formatted_file(self, self.FilePath, self._items, bool(self.Append), self.Encoding, self.Width,
                             bool(self.NoNewline), bool(self.NoClobber), bool(self.Force))


# ----------------------------------------------------------------------------------------------
# Write-*


def _host_text(values: list[Any], separator: str) -> str:
    parts: list[str] = []

    def add(v: Any) -> None:
        if isinstance(v, (list, tuple)):
            for x in v:
                add(x)
        else:
            parts.append(to_string(v))

    for v in values:
        add(v)
    return separator.join(parts)


@register
class WriteHost(Cmdlet):
    name = "Write-Host"
    synopsis = "Writes customized output to a host."
    description = (
        "Writes its arguments to the console (the information stream), joined with spaces or -Separator. "
        "-ForegroundColor and -BackgroundColor take console colour names (colours show on a terminal only); "
        "-NoNewline leaves the cursor on the same line."
    )
    parameters = [
        Parameter("Object", object, array=True, position=0, value_from_pipeline=True, value_from_remaining_arguments=True,
                  aliases=("Msg", "Message"), help="The objects to display."),
        Parameter("NoNewline", Switch, help="Does not end the output with a newline."),
        Parameter("Separator", object, help="String placed between the objects (default a space)."),
        Parameter("ForegroundColor", str, validate_set=COLORS, help="Text colour."),
        Parameter("BackgroundColor", str, validate_set=COLORS, help="Background colour."),
    ]
    examples = [
        Example("Write-Host 'Backup finished' -ForegroundColor Green", "Green text on a terminal."),
        Example("Write-Host 'a' 'b' -Separator ', '", "Two strings with a separator."),
        Example("Write-Host 'no newline ' -NoNewline; Write-Host 'here'", "Continues the same line."),
    ]

    def process_record(self) -> None:
        values = as_list(self.Object) if self.is_bound("Object") else []
        sep = " " if self.Separator is None else to_string(self.Separator)
        text = _host_text(values, sep)
        fg = self.ForegroundColor
        bg = self.BackgroundColor
        rt = getattr(self, "_runtime", None)
        if bg:
            host = self.context.host
            host.write(text, fg, bg)
            if not self.NoNewline:
                host.write("\n")
            return
        if rt is not None and hasattr(rt, "write_host"):
            self.write_host(text, fg, bool(self.NoNewline))
            return
        host = self.context.host
        if self.NoNewline:
            host.write(text, fg)
        else:
            host.write_line(text, fg)


@register
class WriteOutput(Cmdlet):
    name = "Write-Output"
    aliases = ("echo", "write")
    synopsis = "Sends the specified objects to the next command in the pipeline."
    description = "Writes its arguments to the output stream; collections are enumerated unless -NoEnumerate."
    parameters = [
        Parameter("InputObject", object, array=True, mandatory=True, position=0, value_from_pipeline=True,
                  value_from_remaining_arguments=True, help="The objects to send."),
        Parameter("NoEnumerate", Switch, help="Sends a collection as one object."),
    ]
    examples = [Example("Write-Output 'hello'", "Outputs a string.", expect="hello"),
                Example("(Write-Output @(1, 2, 3) -NoEnumerate).Count", "Keeps the array whole.", expect="3")]

    def process_record(self) -> None:
        value = self.InputObject
        if isinstance(value, list) and len(value) == 1 and isinstance(value[0], (list, tuple)):
            value = value[0]  # the remaining-arguments wrapper of `Write-Output 1, 2, 3`
        if self.NoEnumerate:
            self.write_object(value, enumerate_collection=False)
            return
        self.write_object(value, enumerate_collection=True)


class _MessageCmdlet(Cmdlet):
    """Base of Write-Warning, Write-Verbose and Write-Debug: -Message goes to the stream of `writer`."""

    parameters = [
        Parameter("Message", str, mandatory=True, position=0, value_from_pipeline=True, aliases=("Msg",),
                  help="The message text."),
    ]
    writer: ClassVar[Callable[[Cmdlet, str], None]]  # the Cmdlet.write_* method of the stream

    def process_record(self) -> None:
        self.writer(to_string(self.Message))


@register
class WriteWarning(_MessageCmdlet):
    name = "Write-Warning"
    synopsis = "Writes a warning message."
    description = "Writes `WARNING: <message>` to the warning stream (yellow on a terminal) unless " \
                  "$WarningPreference or -WarningAction silences it."
    examples = [Example("Write-Warning 'Disk almost full'", "Prints WARNING: Disk almost full.")]
    writer = Cmdlet.write_warning


@register
class WriteVerbose(_MessageCmdlet):
    name = "Write-Verbose"
    synopsis = "Writes text to the verbose message stream."
    description = "Writes `VERBOSE: <message>` when -Verbose is given or $VerbosePreference is Continue."
    examples = [Example("Write-Verbose 'Details' -Verbose", "Prints VERBOSE: Details.")]
    writer = Cmdlet.write_verbose


@register
class WriteDebug(_MessageCmdlet):
    name = "Write-Debug"
    synopsis = "Writes a debug message to the console."
    description = "Writes `DEBUG: <message>` when -Debug is given or $DebugPreference is Continue."
    examples = [Example("Write-Debug 'state=1'", "Silent unless debugging output is enabled.")]
    writer = Cmdlet.write_debug


@register
class WriteInformation(Cmdlet):
    name = "Write-Information"
    synopsis = "Specifies how PowerShell handles information stream data for a command."
    description = "Writes to the information stream; shown when $InformationPreference or -InformationAction " \
                  "is Continue."
    parameters = [
        Parameter("MessageData", object, mandatory=True, position=0, aliases=("Msg", "Message"),
                  help="The information to write."),
        Parameter("Tags", str, array=True, position=1, help="Tags for filtering."),
    ]
    examples = [Example("Write-Information 'Step 1 done' -InformationAction Continue", "Shown on the console.")]

    def process_record(self) -> None:
        action = self.common.information_action if self.common else None
        pref = action or self.context.preference("InformationPreference") or "SilentlyContinue"
        if str(pref).lower() == "continue":
            self.context.host.write_line(to_string(self.MessageData))


@register
class WriteError(Cmdlet):
    name = "Write-Error"
    synopsis = "Writes an object to the error stream."
    description = (
        "Writes a non-terminating error: it is displayed, added to $Error, and execution continues (unless "
        "-ErrorAction Stop or $ErrorActionPreference = 'Stop'). Its category info is "
        "`NotSpecified: (:) [Write-Error], WriteErrorException` unless -Category/-TargetObject are given."
    )
    parameters = [
        Parameter("Message", str, mandatory=True, position=0, value_from_pipeline=True, aliases=("Msg",),
                  help="The error message."),
        Parameter("Exception", object, help="An exception object (its message is used)."),
        Parameter("ErrorRecord", object, help="An ErrorRecord to write as is."),
        Parameter("Category", str, validate_set=tuple(c.value for c in ErrorCategory), help="The error category."),
        Parameter("ErrorId", str, help="The FullyQualifiedErrorId."),
        Parameter("TargetObject", object, help="The object being processed."),
        Parameter("RecommendedAction", str, help="What the user should do."),
        Parameter("CategoryActivity", str, aliases=("Activity",), help="Overrides the activity shown."),
        Parameter("CategoryReason", str, aliases=("Reason",), help="Overrides the reason shown."),
        Parameter("CategoryTargetName", str, aliases=("TargetName",), help="Overrides the target name."),
        Parameter("CategoryTargetType", str, aliases=("TargetType",), help="Overrides the target type."),
    ]
    examples = [Example("Write-Error 'Something failed' -ErrorAction SilentlyContinue; $Error[0].ToString()",
                        "Writes an error without displaying it.", expect="Something failed")]

    def process_record(self) -> None:
        if self.ErrorRecord is not None and isinstance(self.ErrorRecord, ErrorRecord):
            self.write_error(self.ErrorRecord)
            return
        msg = self.Message
        exc_type = "WriteErrorException"
        if msg is None and self.Exception is not None:
            msg = getattr(self.Exception, "Message", None) or to_string(self.Exception)
            exc_type = type(self.Exception).__name__
        category = ErrorCategory(self.Category) if self.Category else ErrorCategory.NotSpecified
        rec = ErrorRecord(
            message=to_string(msg),
            error_id=self.ErrorId or "Microsoft.PowerShell.Commands.WriteErrorException",
            category=category,
            target_object=self.TargetObject,
            exception_type=self.CategoryReason or exc_type,
            activity=self.CategoryActivity or "Write-Error",
            fully_qualified_command=self._enclosing_command(),  # 5.1: `...WriteErrorException,Func-Name`
            recommended_action=self.RecommendedAction,
        )
        self.write_error(rec)

    def _enclosing_command(self) -> str:
        """The function or script that called Write-Error ('' at the prompt), which 5.1 appends to the id."""
        ev = getattr(getattr(self, "_runtime", None), "ev", None)
        for proc in reversed(getattr(ev, "invocation_stack", None) or []):
            if getattr(proc, "dot_source", False) or not getattr(proc, "invocation_name", None):
                continue
            info = getattr(proc, "info", None)
            if getattr(info, "kind", "") == "ExternalScript":
                import os

                return os.path.basename(getattr(info, "path", None) or proc.invocation_name)
            return str(getattr(info, "name", None) or proc.invocation_name)
        return ""


@register
class WriteProgress(Cmdlet):
    name = "Write-Progress"
    synopsis = "Displays a progress bar within a PowerShell command window."
    description = "Shows a one-line progress display on an interactive terminal; silent in scripts, pipes " \
                  "and files, or when $ProgressPreference is SilentlyContinue."
    parameters = [
        Parameter("Activity", str, mandatory=True, position=0, help="What is in progress."),
        Parameter("Status", str, position=1, help="The current status."),
        Parameter("Id", int, position=2, help="Distinguishes progress records."),
        Parameter("PercentComplete", int, help="Percentage done (-1 when unknown)."),
        Parameter("SecondsRemaining", int, help="Estimated seconds left."),
        Parameter("CurrentOperation", str, help="The operation in progress."),
        Parameter("ParentId", int, help="The parent activity."),
        Parameter("Completed", Switch, help="Removes the progress display."),
        Parameter("SourceId", int, dont_show=True),
    ]
    examples = [Example("1..3 | ForEach-Object { Write-Progress -Activity 'Copying' -PercentComplete ($_ * 33) }; "
                        "Write-Progress -Activity 'Copying' -Completed", "A progress display.")]

    def process_record(self) -> None:
        if str(self.context.preference("ProgressPreference") or "Continue").lower() == "silentlycontinue":
            return
        status = self.Status if self.Status is not None else "Processing"
        self.write_progress(self.Activity, status, self.PercentComplete if self.PercentComplete is not None else -1,
                            self.SecondsRemaining if self.SecondsRemaining is not None else -1,
                            bool(self.Completed), self.Id or 0)


@register
class ClearHost(Cmdlet):
    name = "Clear-Host"
    aliases = ("cls", "clear")
    module = "Microsoft.PowerShell.Core"
    synopsis = "Clears the display in the host program."
    description = "Clears the terminal screen; does nothing when output is not a terminal."
    examples = [Example("Clear-Host", "Clears the screen.")]

    def end_processing(self) -> None:
        host = self.context.host
        if getattr(host, "supports_color", False):
            host.write("\x1b[2J\x1b[H")


# ----------------------------------------------------------------------------------------------
# Transcripts

_SECRET_RE = re.compile(r"(ConvertTo-SecureString\s+(?:-String\s+)?)(['\"])(.*?)\2", re.IGNORECASE)


def redact(text: str) -> str:
    """Keeps plain-text secrets out of transcripts (`ConvertTo-SecureString 'x' -AsPlainText`)."""
    return _SECRET_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}********{m.group(2)}", text)


_TEE_METHODS = {"write": "", "write_line": "\n", "write_error_line": "\n", "write_warning_line": "\n",
                "write_verbose_line": "\n", "write_debug_line": "\n"}


class Transcript:
    """A transcript file fed by wrapping the host's write methods (everything the console shows)."""

    def __init__(self, path: Path, append: bool) -> None:
        self.path = path
        self.file = open(path, "a" if append else "w", encoding="utf-8")  # noqa: SIM115 - lives until Stop
        self.host: Any = None

    def attach(self, host: Any) -> None:
        self.host = host
        for name, end in _TEE_METHODS.items():
            orig = getattr(host, name, None)
            if orig is None:
                continue

            def tee(text: str = "", *args: Any, _orig: Any = orig, _end: str = end, **kw: Any) -> None:
                _orig(text, *args, **kw)
                self(str(text) + _end)

            setattr(host, name, tee)

    def detach(self) -> None:
        host = self.host
        if host is None:
            return
        for name in _TEE_METHODS:
            if name in getattr(host, "__dict__", {}):
                delattr(host, name)
        self.host = None

    def __call__(self, text: str) -> None:
        try:
            self.file.write(redact(text))
            self.file.flush()
        except (OSError, ValueError):
            pass

    def close(self) -> None:
        try:
            self.file.close()
        except OSError:
            pass


def _stamp() -> str:
    return _dt.datetime.now().strftime("%Y%m%d%H%M%S")


@register
class StartTranscript(Cmdlet):
    name = "Start-Transcript"
    module = "Microsoft.PowerShell.Host"
    synopsis = "Creates a record of all or part of a PowerShell session to a text file."
    description = (
        "Copies everything the session writes to the console into a text file (UTF-8) until Stop-Transcript. "
        "Plain-text secrets passed to ConvertTo-SecureString are masked, and SecureString values never appear."
    )
    parameters = [
        Parameter("Path", str, position=0, aliases=("LiteralPath",), is_path=True, help="The transcript file."),
        Parameter("OutputDirectory", str, is_path=True, help="Directory for an automatically named transcript."),
        Parameter("Append", Switch, help="Adds to an existing file."),
        Parameter("Force", Switch, help="Overwrites a read-only file."),
        Parameter("NoClobber", Switch, aliases=("NoOverwrite",), help="Does not overwrite an existing file."),
        Parameter("IncludeInvocationHeader", Switch, help="Accepted."),
    ]
    examples = [Example("Start-Transcript -Path session.log; Write-Output 'logged'; Stop-Transcript",
                        "Records the session.",
                        expect="Transcript started")]

    def end_processing(self) -> None:
        ctx = self.context
        if self.Path:
            path = ctx.resolve_path(self.Path)
        else:
            base = ctx.resolve_path(self.OutputDirectory) if self.OutputDirectory else Path.home() / "Documents"
            base.mkdir(parents=True, exist_ok=True)
            path = base / f"PowerShell_transcript.{platform.node()}.{os.urandom(4).hex()}.{_stamp()}.txt"
        if self.NoClobber and path.exists() and not self.Append:
            raise CmdletError(f"The file '{path}' already exists.", "NoClobber", ErrorCategory.ResourceExists,
                              str(path), exception_type="IOException")
        old = getattr(ctx, "transcript", None)
        if old is not None:
            _stop_transcript(ctx)
        try:
            tr = Transcript(path, bool(self.Append))
        except OSError as e:
            raise CmdletError(f"Transcription cannot be started due to the error: {e.strerror}.",
                              "CannotStartTranscription",
                              ErrorCategory.InvalidOperation, str(path)) from None
        stars = "*" * 22
        tr(f"{stars}\nWindows PowerShell transcript start\nStart time: {_stamp()}\n"
           f"Username: {getpass.getuser()}\nMachine: {platform.node()} ({platform.system()})\n{stars}\n")
        ctx.transcript = tr
        tr.attach(ctx.host)
        self.write_object(f"Transcript started, output file is {path}")


def _stop_transcript(ctx: Any) -> Path | None:
    tr = getattr(ctx, "transcript", None)
    if tr is None:
        return None
    stars = "*" * 22
    tr.detach()
    tr(f"{stars}\nWindows PowerShell transcript end\nEnd time: {_stamp()}\n{stars}\n")
    tr.close()
    ctx.transcript = None
    return tr.path


@register
class StopTranscript(Cmdlet):
    name = "Stop-Transcript"
    module = "Microsoft.PowerShell.Host"
    synopsis = "Stops a transcript."
    description = "Stops the transcript started by Start-Transcript and reports its file."
    examples = [Example("Start-Transcript -Path t.log | Out-Null; Stop-Transcript",
                        "Starts and stops a transcript.",
                        expect="Transcript stopped")]

    def end_processing(self) -> None:
        flush = getattr(getattr(getattr(self, "_runtime", None), "ev", None), "flush_output", None)
        if flush is not None:
            flush()  # console text still buffered by Out-Default belongs in the transcript
        path = _stop_transcript(self.context)
        if path is None:
            raise CmdletError("An error occurred stopping transcription: The host is not currently transcribing.",
                              "InvalidOperation",
                              ErrorCategory.InvalidOperation, exception_type="PSInvalidOperationException")
        self.write_object(f"Transcript stopped, output file is {path}")


__all__ = ["FormatBlock", "write_formatted_file", "write_text_file", "redact"]


@register
class OutGridView(Cmdlet):
    name = "Out-GridView"
    aliases = ("ogv",)
    synopsis = "Sends output to an interactive table in a separate window."
    description = ("Not available: Out-GridView needs a Windows desktop. vboshell reports a clear error; use "
                   "Format-Table (or Export-Csv and a spreadsheet) instead.")
    parameters = [
        Parameter("InputObject", object, value_from_pipeline=True, help="The objects to show."),
        Parameter("Title", str, help="The window title."),
        Parameter("PassThru", Switch, help="Passes the selected objects on."),
        Parameter("OutputMode", str, help="None, Single or Multiple."),
        Parameter("Wait", Switch, help="Waits for the window to close."),
    ]
    examples = [Example("1..3 | Out-GridView -ErrorAction SilentlyContinue; 'use Format-Table instead'",
                        "Out-GridView fails with a clear message.", expect="use Format-Table instead")]

    def end_processing(self) -> None:
        self.write_error(ErrorRecord(
            "Out-GridView is not available: it needs a Windows desktop and vboshell is a console shell. "
            "Use Format-Table, or Export-Csv and open the file in a spreadsheet.",
            "NotSupported", ErrorCategory.NotImplemented, exception_type="NotSupportedException"))
